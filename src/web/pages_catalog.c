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

/* The thumbnail of a product's main image, or NULL when it has none. */
static const char *main_thumb(struct web_req *req, struct store *st, int64_t id, const char *code)
{
    struct catalog_image *im;
    size_t n;
    struct kt_err err;
    if (catalog_image_list(st, id, req->arena, &im, &n, &err) != 0 || n == 0)
        return NULL;
    return kt_arena_printf(req->arena, "/products/%s/images/0/thumb?v=%s", url_code(req, code),
                           im[0].blob_hash);
}

static int can_write(const struct web_req *req)
{
    return access_can(&req->who->perms, "catalog.write");
}

/* ---- list ---------------------------------------------------------------------- */

int web_page_products(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    const struct web_value *q = web_req_value(req, "q");
    const struct web_value *pg = web_req_value(req, "page");
    int64_t page = pg->present ? pg->num : 1;
    json_t *rows = json_array();
    int64_t total = 0;
    size_t n = 0;
    if (q->present && *q->text) {
        struct catalog_search_opts o;
        catalog_search_opts_init(&o);
        o.lang = ui_lang(req);
        o.limit = LIST_PER_PAGE + 1; /* one more tells whether a next page exists */
        o.offset = (int)((page - 1) * LIST_PER_PAGE);
        o.include_inactive = 1;
        struct catalog_hit *hits;
        rc = catalog_search(st, q->text, &o, req->arena, &hits, &n, &req->err);
        if (rc == KT_EINVAL || rc == KT_ELIMIT) {
            rc = 0;
            n = 0;
        }
        for (size_t i = 0; rc == 0 && i < n && i < LIST_PER_PAGE; i++)
            json_array_append_new(
                rows, json_pack("{s:s, s:s, s:s, s:s?, s:b, s:s?}", "code", hits[i].code, "href",
                                kt_arena_printf(req->arena, "/products/%s",
                                                url_code(req, hits[i].code)),
                                "name", hits[i].name ? hits[i].name : "", "ean", hits[i].ean,
                                "active", hits[i].active, "thumb",
                                main_thumb(req, st, hits[i].id, hits[i].code)));
        total = o.offset + (int64_t)n;
    } else {
        struct catalog_product_filter f;
        catalog_product_filter_init(&f);
        f.limit = LIST_PER_PAGE;
        f.offset = (int)((page - 1) * LIST_PER_PAGE);
        struct catalog_product *ps;
        rc = catalog_product_list(st, &f, req->arena, &ps, &n, &total, &req->err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            const struct kt_unit *u = NULL;
            kt_qty_unit_find(ps[i].unit, &u, NULL);
            json_array_append_new(
                rows, json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:b, s:s?}", "code", ps[i].code,
                                "href",
                                kt_arena_printf(req->arena, "/products/%s",
                                                url_code(req, ps[i].code)),
                                "name", name_of(req, &ps[i]), "ean", ps[i].ean, "unit",
                                u ? kt_qty_unit_name(u, req->lang) : ps[i].unit, "vat",
                                ps[i].vat_rate, "active", ps[i].active, "thumb",
                                main_thumb(req, st, ps[i].id, ps[i].code)));
        }
    }
    if (rc != 0) {
        json_decref(rows);
        return rc;
    }
    int64_t shown = json_array_size(rows);
    int has_next = (int64_t)((page - 1) * LIST_PER_PAGE) + shown < total;
    const char *qs = q->present ? q->text : "";
    json_t *p = json_pack("{s:o, s:b, s:s, s:I, s:b, s:b}", "rows", rows, "has_rows",
                          shown > 0, "q", qs, "total", (json_int_t)total, "can_write",
                          can_write(req), "searching", q->present && *q->text);
    if (!p)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    if (page > 1)
        json_object_set_new(p, "prev", json_string(kt_arena_printf(
                                           req->arena, "/products?page=%lld&q=%s",
                                           (long long)page - 1, url_code(req, qs))));
    if (has_next)
        json_object_set_new(p, "next", json_string(kt_arena_printf(
                                           req->arena, "/products?page=%lld&q=%s",
                                           (long long)page + 1, url_code(req, qs))));
    json_object_set_new(p, "page", json_integer(page));
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
        return p->weight_g >= 0 ? kt_arena_printf(req->arena, "%lld", (long long)p->weight_g)
                                : "";
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
                                                  catalog_vat_label(&v[i], req->lang),
                                                  "selected",
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
        json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:b, s:b, s:b, s:b, s:b}", "name", f->name,
                              "label", t(req, f->label), "value", v, "error", fs->error[i],
                              "required", f->required, "text", f->kind == TEXT, "textarea",
                              f->kind == TEXTAREA, "checkbox", f->kind == CHECKBOX, "checked",
                              f->kind == CHECKBOX && *v);
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
    json_object_set_new(page, "title", json_string(t(req, code ? "product.edit_title"
                                                               : "product.new_title")));
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
