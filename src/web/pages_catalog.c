/*
 * The back-office product screens: the list with search (and the
 * autocomplete the script adds on top), a product's page with its stock per
 * warehouse, and the form to create or edit one. Forms are checked by the
 * router's validators and then by the catalogue's own rules; every error
 * is shown next to its field and in the summary at the top, and an edit
 * made on a version someone else has changed meanwhile is refused with the
 * form kept as typed.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "base/qty.h"
#include "catalog/product.h"
#include "catalog/search.h"
#include "catalog/image.h"
#include "catalog/vat.h"
#include "web/api.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/server.h"
#include "base/banned.h"

#define LIST_PER_PAGE 20

static const char *t(const struct web_req *req, const char *key)
{
    return web_i18n_text(web_server_i18n(req->srv), req->lang, key);
}

static enum catalog_lang ui_lang(const struct web_req *req)
{
    return strcmp(req->lang, "en") == 0 ? CATALOG_EN : CATALOG_PL;
}

/* The product's name in the UI language, else the Polish one. */
static const char *name_of(const struct web_req *req, const struct catalog_product *p)
{
    const char *n = p->text[ui_lang(req)].name;
    return n && *n ? n : p->text[CATALOG_PL].name;
}

static const char *url_code(struct web_req *req, const char *code)
{
    size_t n = strlen(code);
    char *out = kt_arena_alloc(req->arena, 3 * n + 1);
    size_t o = 0;
    if (!out)
        return "";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)code[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[o++] = (char)c;
        } else {
            snprintf(out + o, 4, "%%%02X", c);
            o += 3;
        }
    }
    out[o] = '\0';
    return out;
}

/* The thumbnail addresses of the main images of n listed products (one
 * query for the page); NULL where a product has none. */
static const char **main_thumbs(struct web_req *req, struct store *st, const int64_t *ids,
                                const char *const *codes, size_t n)
{
    const char **hashes = kt_arena_zalloc(req->arena, (n ? n : 1) * sizeof *hashes);
    struct kt_err err;
    if (!hashes || catalog_image_main_hashes(st, ids, n, req->arena, hashes, &err) != 0)
        return hashes; /* a list without pictures rather than no list */
    for (size_t i = 0; i < n; i++)
        if (hashes[i])
            hashes[i] = kt_arena_printf(req->arena, "/products/%s/images/0/thumb?v=%s",
                                        url_code(req, codes[i]), hashes[i]);
    return hashes;
}

static int can_write(const struct web_req *req)
{
    return access_can(&req->who->perms, "catalog.write");
}

/* ---- list ---------------------------------------------------------------------- */

/* The list shows "more than LIST_COUNT_CAP" rather than count every
 * product of a large catalogue on every page view. */
#define LIST_COUNT_CAP 1000

/* A list row as the template wants it. Built member by member: the texts
 * come from the database, valid UTF-8 already, and json_pack would parse
 * its format and check every string again, 20 times a page. */
static json_t *row_json(struct web_req *req, const char *code, const char *name, const char *ean,
                        int active, const char *thumb)
{
    json_t *o = json_object();
    const char *href = kt_arena_printf(req->arena, "/products/%s", url_code(req, code));
    if (!o || !href) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new_nocheck(o, "code", json_string_nocheck(code));
    json_object_set_new_nocheck(o, "href", json_string_nocheck(href));
    json_object_set_new_nocheck(o, "name", json_string_nocheck(name ? name : ""));
    if (ean)
        json_object_set_new_nocheck(o, "ean", json_string_nocheck(ean));
    json_object_set_new_nocheck(o, "active", json_boolean(active));
    if (thumb)
        json_object_set_new_nocheck(o, "thumb", json_string_nocheck(thumb));
    return o;
}

/* Search results: the search's own ranking, paged by offset (a query has
 * few hits). *shown_total is what the page can say about the total. */
static int search_rows(struct web_req *req, struct store *st, const char *q, int64_t page,
                       json_t *rows, int *has_next, int64_t *shown_total)
{
    struct catalog_search_opts o;
    catalog_search_opts_init(&o);
    o.lang = ui_lang(req);
    o.limit = LIST_PER_PAGE + 1; /* one more tells whether a next page exists */
    o.offset = (int)((page - 1) * LIST_PER_PAGE);
    o.include_inactive = 1;
    struct catalog_hit *hits;
    size_t n = 0;
    int rc = catalog_search(st, q, &o, req->arena, &hits, &n, &req->err);
    if (rc == KT_EINVAL || rc == KT_ELIMIT)
        return 0; /* a query that cannot match anything: an empty list */
    if (rc != 0)
        return rc;
    *has_next = n > LIST_PER_PAGE;
    if (n > LIST_PER_PAGE)
        n = LIST_PER_PAGE;
    int64_t ids[LIST_PER_PAGE];
    const char *codes[LIST_PER_PAGE];
    for (size_t i = 0; i < n; i++)
        ids[i] = hits[i].id, codes[i] = hits[i].code;
    const char **thumbs = main_thumbs(req, st, ids, codes, n);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(rows, row_json(req, hits[i].code, hits[i].name, hits[i].ean,
                                             hits[i].active, thumbs ? thumbs[i] : NULL));
    *shown_total = o.offset + (int64_t)n;
    return 0;
}

/*
 * The catalogue in code order, paged by key: "next" starts after the last
 * code shown, "previous" ends before the first, so that the 50 000th page
 * costs what the first does (an offset would read every row before it). A
 * page number given without a key (typed by hand) is read by offset. The
 * total is counted up to LIST_COUNT_CAP.
 */
static int catalog_rows(struct web_req *req, struct store *st, int64_t *page, json_t *rows,
                        const char **first, const char **last, int *has_next, int64_t *total)
{
    const struct web_value *after = web_req_value(req, "after");
    const struct web_value *before = web_req_value(req, "before");
    struct catalog_product_filter f;
    catalog_product_filter_init(&f);
    f.limit = LIST_PER_PAGE + 1;
    f.names_only = 1;
    f.name_lang = ui_lang(req);
    if (after->present)
        f.after = after->text;
    else if (before->present)
        f.before = before->text;
    else
        f.offset = (int)((*page - 1) * LIST_PER_PAGE);
    struct catalog_product *ps;
    size_t n;
    int rc = catalog_product_list(st, &f, req->arena, &ps, &n, NULL, &req->err);
    if (rc == 0 && f.before && n < LIST_PER_PAGE) {
        /* products were removed meanwhile: show the first page instead */
        f.before = NULL;
        *page = 1;
        rc = catalog_product_list(st, &f, req->arena, &ps, &n, NULL, &req->err);
    }
    if (rc == 0)
        rc = catalog_product_count(st, &f, LIST_COUNT_CAP + 1, total, &req->err);
    if (rc != 0)
        return rc;
    size_t from = 0;
    if (n > LIST_PER_PAGE) {
        if (f.before)
            from = 1; /* the extra row is before the page */
        else
            *has_next = 1;
        n = LIST_PER_PAGE;
    }
    if (f.before)
        *has_next = 1;
    ps += from;
    int64_t ids[LIST_PER_PAGE];
    const char *codes[LIST_PER_PAGE];
    for (size_t i = 0; i < n; i++)
        ids[i] = ps[i].id, codes[i] = ps[i].code;
    const char **thumbs = main_thumbs(req, st, ids, codes, n);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(rows, row_json(req, ps[i].code, name_of(req, &ps[i]), ps[i].ean,
                                             ps[i].active, thumbs ? thumbs[i] : NULL));
    if (n > 0) {
        *first = ps[0].code;
        *last = ps[n - 1].code;
    }
    return 0;
}

int web_page_products(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    const struct web_value *q = web_req_value(req, "q");
    const struct web_value *pg = web_req_value(req, "page");
    int64_t page = pg->present ? pg->num : 1;
    int searching = q->present && *q->text;
    json_t *rows = json_array();
    int64_t total = 0;
    int has_next = 0;
    const char *first = NULL, *last = NULL;
    if (!rows)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    if (searching)
        rc = search_rows(req, st, q->text, page, rows, &has_next, &total);
    else
        rc = catalog_rows(req, st, &page, rows, &first, &last, &has_next, &total);
    if (rc != 0) {
        json_decref(rows);
        return rc;
    }
    int64_t shown = json_array_size(rows);
    const char *qs = searching ? q->text : "";
    const char *total_text =
        total > LIST_COUNT_CAP
            ? kt_arena_printf(req->arena, "%s %d", t(req, "products.more_than"), LIST_COUNT_CAP)
            : kt_arena_printf(req->arena, "%lld", (long long)total);
    json_t *p = json_pack("{s:o, s:b, s:s, s:s, s:b, s:b, s:I}", "rows", rows, "has_rows",
                          shown > 0, "q", qs, "total", total_text ? total_text : "", "can_write",
                          can_write(req), "searching", searching, "page", (json_int_t)page);
    if (!p)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    const char *prev = NULL, *next = NULL;
    if (searching) {
        if (page > 1)
            prev = kt_arena_printf(req->arena, "/products?page=%lld&q=%s", (long long)page - 1,
                                   url_code(req, qs));
        if (has_next)
            next = kt_arena_printf(req->arena, "/products?page=%lld&q=%s", (long long)page + 1,
                                   url_code(req, qs));
    } else {
        /* the first page has a plain address, whatever the way back to it */
        if (page == 2)
            prev = "/products";
        else if (page > 2 && first)
            prev = kt_arena_printf(req->arena, "/products?page=%lld&before=%s", (long long)page - 1,
                                   url_code(req, first));
        if (has_next && last)
            next = kt_arena_printf(req->arena, "/products?page=%lld&after=%s", (long long)page + 1,
                                   url_code(req, last));
    }
    if (prev)
        json_object_set_new(p, "prev", json_string(prev));
    if (next)
        json_object_set_new(p, "next", json_string(next));
    return web_page_render(req, resp, "products/list", p);
}

/* ---- the form ----------------------------------------------------------------------- */

enum field_kind { TEXT, TEXTAREA, UNIT, VAT, CHECKBOX };

static const struct form_field {
    const char *name;
    const char *label; /* catalogue key */
    enum field_kind kind;
    int required;
} product_form[] = {
    {"code", "product.code", TEXT, 1},
    {"name_pl", "product.name_pl", TEXT, 1},
    {"name_en", "product.name_en", TEXT, 0},
    {"name_de", "product.name_de", TEXT, 0},
    {"ean", "product.ean", TEXT, 0},
    {"unit", "product.unit", UNIT, 1},
    {"vat_rate", "product.vat", VAT, 1},
    {"pkwiu", "product.pkwiu", TEXT, 0},
    {"cn_code", "product.cn_code", TEXT, 0},
    {"weight_g", "product.weight_g", TEXT, 0},
    {"short_desc_pl", "product.short_desc_pl", TEXTAREA, 0},
    {"short_desc_en", "product.short_desc_en", TEXTAREA, 0},
    {"short_desc_de", "product.short_desc_de", TEXTAREA, 0},
    {"active", "product.active", CHECKBOX, 0},
};

#define NFORM (sizeof product_form / sizeof product_form[0])

/* The value to show in each field: what was typed, else the product's. */
struct form_state {
    const char *value[NFORM];
    const char *error[NFORM];
};

static const char *product_value(struct web_req *req, const struct catalog_product *p,
                                 const char *name)
{
    if (strcmp(name, "code") == 0)
        return p->code;
    if (strcmp(name, "ean") == 0)
        return p->ean;
    if (strcmp(name, "unit") == 0)
        return p->unit;
    if (strcmp(name, "vat_rate") == 0)
        return p->vat_rate;
    if (strcmp(name, "pkwiu") == 0)
        return p->pkwiu;
    if (strcmp(name, "cn_code") == 0)
        return p->cn_code;
    if (strcmp(name, "weight_g") == 0)
        return p->weight_g >= 0 ? kt_arena_printf(req->arena, "%lld", (long long)p->weight_g) : "";
    if (strcmp(name, "active") == 0)
        return p->active ? "1" : "";
    for (int l = 0; l < CATALOG_LANG_COUNT; l++) {
        char key[32];
        snprintf(key, sizeof key, "name_%s", catalog_lang_code(l));
        if (strcmp(name, key) == 0)
            return p->text[l].name;
        snprintf(key, sizeof key, "short_desc_%s", catalog_lang_code(l));
        if (strcmp(name, key) == 0)
            return p->text[l].short_desc;
    }
    return NULL;
}

static json_t *options_json(struct web_req *req, enum field_kind kind, const char *value)
{
    json_t *list = json_array();
    if (kind == UNIT) {
        int n;
        const struct kt_unit *u = kt_qty_units(&n);
        for (int i = 0; list && i < n; i++)
            json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", u[i].code, "label",
                                                  kt_qty_unit_name(&u[i], req->lang), "selected",
                                                  value && strcmp(value, u[i].code) == 0));
    } else {
        int n;
        const struct catalog_vat *v = catalog_vat_rates(&n);
        for (int i = 0; list && i < n; i++)
            json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", v[i].code, "label",
                                                  catalog_vat_label(&v[i], req->lang), "selected",
                                                  value && strcmp(value, v[i].code) == 0));
    }
    return list;
}

static int render_form(struct web_req *req, struct web_resp *resp, const struct form_state *fs,
                       const char *code, int64_t version, const char *problem)
{
    json_t *fields = json_array();
    json_t *errors = json_array();
    for (size_t i = 0; fields && errors && i < NFORM; i++) {
        const struct form_field *f = &product_form[i];
        if (code && strcmp(f->name, "code") == 0)
            continue; /* the code is the address of the product: shown, not edited */
        const char *v = fs->value[i] ? fs->value[i] : "";
        char hint[64];
        snprintf(hint, sizeof hint, "%s_hint", f->label);
        const char *h = t(req, hint);
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s?, s:b, s:b, s:b, s:b, s:b}", "name", f->name, "label",
                      t(req, f->label), "value", v, "error", fs->error[i], "required", f->required,
                      "text", f->kind == TEXT, "textarea", f->kind == TEXTAREA, "checkbox",
                      f->kind == CHECKBOX, "checked", f->kind == CHECKBOX && *v);
        if (!o)
            continue;
        json_object_set_new(o, "id", json_string(kt_arena_printf(req->arena, "f-%s", f->name)));
        if (strcmp(h, hint) != 0)
            json_object_set_new(o, "hint", json_string(h));
        if (f->kind == UNIT || f->kind == VAT) {
            json_object_set_new(o, "options", options_json(req, f->kind, v));
            json_object_set_new(o, "select", json_true());
        }
        json_array_append_new(fields, o);
        if (fs->error[i])
            json_array_append_new(errors, json_pack("{s:s, s:s}", "id",
                                                    kt_arena_printf(req->arena, "f-%s", f->name),
                                                    "message", fs->error[i]));
    }
    int has_errors = json_array_size(errors) > 0 || problem;
    json_t *page = json_pack("{s:o, s:o, s:b, s:s?, s:s, s:s?, s:I}", "fields", fields, "errors",
                             errors, "has_errors", has_errors, "problem", problem, "action",
                             code ? kt_arena_printf(req->arena, "/products/%s", url_code(req, code))
                                  : "/products",
                             "code", code, "version", (json_int_t)version);
    if (!page)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    json_object_set_new(page, "title",
                        json_string(t(req, code ? "product.edit_title" : "product.new_title")));
    return web_page_render(req, resp, "products/form", page);
}

int web_page_product_new(struct web_req *req, struct web_resp *resp)
{
    struct catalog_product p;
    struct form_state fs;
    memset(&fs, 0, sizeof fs);
    catalog_product_init(&p);
    for (size_t i = 0; i < NFORM; i++)
        fs.value[i] = product_value(req, &p, product_form[i].name);
    return render_form(req, resp, &fs, NULL, 0, NULL);
}

int web_page_product_edit(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = catalog_product_get_by_code(st, web_req_value(req, "code")->text, req->arena, &p,
                                         &req->err);
    if (rc != 0)
        return rc;
    struct form_state fs;
    memset(&fs, 0, sizeof fs);
    for (size_t i = 0; i < NFORM; i++)
        fs.value[i] = product_value(req, &p, product_form[i].name);
    return render_form(req, resp, &fs, p.code, p.version, NULL);
}

/* Takes what the form sent into fs and onto p (which holds the stored
 * product, or the defaults of a new one). */
static void apply_form(struct web_req *req, struct catalog_product *p, struct form_state *fs)
{
    for (size_t i = 0; i < NFORM; i++) {
        const char *name = product_form[i].name;
        const struct web_value *v = web_req_value(req, name);
        const char *err = NULL;
        for (size_t k = 0; req->route->fields[k].name; k++)
            if (strcmp(req->route->fields[k].name, name) == 0)
                err = req->field_errors[k];
        fs->error[i] = err;
        if (product_form[i].kind == CHECKBOX) {
            p->active = v->present && v->num;
            fs->value[i] = p->active ? "1" : "";
            continue;
        }
        const char *text = v->present ? v->text : "";
        fs->value[i] = text;
        if (strcmp(name, "code") == 0)
            p->code = text;
        else if (strcmp(name, "ean") == 0)
            p->ean = text;
        else if (strcmp(name, "unit") == 0)
            p->unit = text;
        else if (strcmp(name, "vat_rate") == 0)
            p->vat_rate = text;
        else if (strcmp(name, "pkwiu") == 0)
            p->pkwiu = text;
        else if (strcmp(name, "cn_code") == 0)
            p->cn_code = text;
        else if (strcmp(name, "weight_g") == 0)
            p->weight_g = v->present ? v->num : -1;
        for (int l = 0; l < CATALOG_LANG_COUNT; l++) {
            char key[32];
            snprintf(key, sizeof key, "name_%s", catalog_lang_code(l));
            if (strcmp(name, key) == 0)
                p->text[l].name = text;
            snprintf(key, sizeof key, "short_desc_%s", catalog_lang_code(l));
            if (strcmp(name, key) == 0)
                p->text[l].short_desc = text;
        }
    }
}

/* Puts a domain error next to its field; 1 when it found the field. */
static int place_error(struct form_state *fs, const char *msg)
{
    const char *field = web_product_field_of(msg);
    for (size_t i = 0; field && i < NFORM; i++) {
        if (strcmp(product_form[i].name, field) == 0) {
            fs->error[i] = msg;
            return 1;
        }
    }
    return 0;
}

static int save(struct web_req *req, struct web_resp *resp, int create)
{
    struct store *st;
    struct catalog_product p;
    struct form_state fs;
    memset(&fs, 0, sizeof fs);
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    if (create) {
        catalog_product_init(&p);
    } else {
        rc = catalog_product_get_by_code(st, web_req_value(req, "code")->text, req->arena, &p,
                                         &req->err);
        if (rc != 0)
            return rc;
    }
    const char *code = create ? NULL : p.code;
    apply_form(req, &p, &fs);
    if (!create) {
        p.code = code;
        p.version = web_req_value(req, "version")->num;
    }
    if (req->nfield_errors) {
        resp->status = 422;
        return render_form(req, resp, &fs, code, p.version, NULL);
    }
    struct kt_err err;
    kt_err_clear(&err);
    rc = create ? catalog_product_create(st, &p, &err) : catalog_product_update(st, &p, &err);
    if (rc == KT_EINVAL || rc == KT_EEXIST || rc == KT_EFOREIGN) {
        resp->status = rc == KT_EINVAL ? 422 : 409;
        const char *msg = kt_arena_strdup(req->arena, err.msg);
        return render_form(req, resp, &fs, code, p.version, place_error(&fs, msg) ? NULL : msg);
    }
    if (rc == KT_ECONFLICT) {
        /* someone saved first: keep what was typed, explain, and offer the
         * new version so that saving again is a deliberate choice */
        struct catalog_product cur;
        if (catalog_product_get(st, p.id, req->arena, &cur, &req->err) != 0)
            return req->err.code;
        resp->status = 409;
        return render_form(req, resp, &fs, code, cur.version, t(req, "product.conflict"));
    }
    if (rc != 0) {
        req->err = err;
        return rc;
    }
    if ((rc = web_flash(req, resp, "success", create ? "product_created" : "product_saved")) != 0)
        return kt_err_set(&req->err, rc, "too many response headers");
    return web_resp_redirect(req, resp,
                             kt_arena_printf(req->arena, "/products/%s", url_code(req, p.code)));
}

int web_page_product_create(struct web_req *req, struct web_resp *resp)
{
    return save(req, resp, 1);
}

int web_page_product_save(struct web_req *req, struct web_resp *resp)
{
    return save(req, resp, 0);
}
