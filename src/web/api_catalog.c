/*
 * The catalogue endpoints of the JSON API: products (list, search, read,
 * create, update with If-Match) and their stock per warehouse. Products
 * are addressed by code; the JSON of a product is flat, with one member
 * per text and language (name_pl, short_desc_en, ...), the same shape in
 * answers and in request bodies.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "catalog/product.h"
#include "catalog/search.h"
#include "catalog/stock.h"
#include "web/api.h"
#include "web/router.h"
#include "base/banned.h"

static const char *const text_kinds[] = {"name", "short_desc", "long_desc"};

/* A quantity in the machine form of the API: "12.5", "-3", "0.125". */
static const char *qty_text(struct kt_arena *a, int64_t q)
{
    uint64_t m = q < 0 ? (uint64_t)0 - (uint64_t)q : (uint64_t)q;
    unsigned frac = (unsigned)(m % 1000);
    char f[8] = "";
    if (frac) {
        snprintf(f, sizeof f, ".%03u", frac);
        for (size_t n = strlen(f); n > 0 && f[n - 1] == '0'; n--)
            f[n - 1] = '\0';
    }
    return kt_arena_printf(a, "%s%llu%s", q < 0 ? "-" : "", (unsigned long long)(m / 1000), f);
}

/* A product as the API shows it, one object (the key, NULL in an array). */
static void product_write(struct web_jw *w, const char *key, const struct catalog_product *p)
{
    char created[KT_TIME_ISO_SIZE], updated[KT_TIME_ISO_SIZE];
    kt_time_format_utc(p->created_at / 1000, created);
    kt_time_format_utc(p->updated_at / 1000, updated);
    web_jw_object(w, key);
    web_jw_int(w, "id", p->id);
    web_jw_str(w, "code", p->code);
    web_jw_str(w, "ean", p->ean);
    web_jw_str(w, "unit", p->unit);
    web_jw_str(w, "vat_rate", p->vat_rate);
    web_jw_str(w, "pkwiu", p->pkwiu);
    web_jw_str(w, "cn_code", p->cn_code);
    web_jw_bool(w, "active", p->active);
    web_jw_int(w, "version", p->version);
    web_jw_str(w, "created_at", created);
    web_jw_str(w, "updated_at", updated);
    if (p->weight_g >= 0)
        web_jw_int(w, "weight_g", p->weight_g);
    else
        web_jw_null(w, "weight_g");
    if (p->group_id)
        web_jw_int(w, "group_id", p->group_id);
    else
        web_jw_null(w, "group_id");
    _Static_assert(CATALOG_LANG_COUNT == 3, "a key for every language");
    static const char *const text_keys[CATALOG_LANG_COUNT][3] = {
        {"name_pl", "short_desc_pl", "long_desc_pl"},
        {"name_en", "short_desc_en", "long_desc_en"},
        {"name_de", "short_desc_de", "long_desc_de"},
    };
    for (int l = 0; l < CATALOG_LANG_COUNT; l++) {
        const char *v[3] = {p->text[l].name, p->text[l].short_desc, p->text[l].long_desc};
        for (size_t k = 0; k < 3; k++)
            web_jw_str(w, text_keys[l][k], v[k] && *v[k] ? v[k] : NULL);
    }
    web_jw_close(w);
}

/* Answers one product. */
static int product_answer(struct web_req *req, struct web_resp *resp, int status,
                          const struct catalog_product *p)
{
    struct web_jw w;
    kt_buf_reset(&resp->body);
    web_jw_init(&w, &resp->body);
    product_write(&w, NULL, p);
    return web_resp_jw(req, resp, status, &w);
}

/* Fills p from the validated body; absent optional fields take defaults. */
static void product_from_body(const struct web_req *req, struct catalog_product *p)
{
    catalog_product_init(p);
    const struct web_value *v;
    if ((v = web_req_value(req, "ean"))->present)
        p->ean = v->text;
    if ((v = web_req_value(req, "unit"))->present)
        p->unit = v->text;
    if ((v = web_req_value(req, "vat_rate"))->present)
        p->vat_rate = v->text;
    if ((v = web_req_value(req, "pkwiu"))->present)
        p->pkwiu = v->text;
    if ((v = web_req_value(req, "cn_code"))->present)
        p->cn_code = v->text;
    if ((v = web_req_value(req, "weight_g"))->present)
        p->weight_g = v->num;
    if ((v = web_req_value(req, "group_id"))->present)
        p->group_id = v->num;
    if ((v = web_req_value(req, "active"))->present)
        p->active = (int)v->num;
    for (int l = 0; l < CATALOG_LANG_COUNT; l++) {
        const char **slot[3] = {&p->text[l].name, &p->text[l].short_desc, &p->text[l].long_desc};
        for (size_t k = 0; k < 3; k++) {
            char key[32];
            snprintf(key, sizeof key, "%s_%s", text_kinds[k], catalog_lang_code(l));
            if ((v = web_req_value(req, key))->present)
                *slot[k] = v->text;
        }
    }
}

/* Which input a domain message is about: catalog messages start with the
 * field name ("ean: ..."). */
const char *web_product_field_of(const char *msg)
{
    static const char *const fields[] = {"code", "ean",    "unit",  "vat", "pkwiu",
                                         "cn",   "weight", "group", "name"};
    static const char *const names[] = {"code",    "ean",      "unit",     "vat_rate", "pkwiu",
                                        "cn_code", "weight_g", "group_id", "name_pl"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        size_t n = strlen(fields[i]);
        if (strncmp(msg, fields[i], n) == 0 && (msg[n] == ':' || msg[n] == ' ' || msg[n] == '_'))
            return names[i];
    }
    return NULL;
}

static int get_product(struct web_req *req, struct store **st, struct catalog_product *p)
{
    int rc = web_req_db(req, st, &req->err);
    if (rc != 0)
        return rc;
    return catalog_product_get_by_code(*st, web_req_value(req, "code")->text, req->arena, p,
                                       &req->err);
}

int web_api_products_list(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    int64_t page, per_page;
    web_api_page(req, &page, &per_page);
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    const struct web_value *q = web_req_value(req, "q");
    const struct web_value *state = web_req_value(req, "active");
    int64_t total = 0;
    if (q->present && *q->text) {
        struct catalog_search_opts o;
        catalog_search_opts_init(&o);
        o.limit = (int)per_page;
        o.offset = (int)((page - 1) * per_page);
        o.include_inactive = state->present && strcmp(state->text, "yes") != 0;
        struct catalog_hit *hits;
        size_t n;
        rc = catalog_search(st, q->text, &o, req->arena, &hits, &n, &req->err);
        if (rc == KT_EINVAL || rc == KT_ELIMIT)
            return web_fail(req, KT_EINVAL, 400, "invalid_field", "q", "%s", req->err.msg);
        if (rc != 0)
            return rc;
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, json_pack("{s:I, s:s, s:s?, s:s?, s:b}", "id",
                                                   (json_int_t)hits[i].id, "code", hits[i].code,
                                                   "ean", hits[i].ean, "name", hits[i].name,
                                                   "active", hits[i].active));
        /* search ranks and pages, it does not count: total is what this
         * page shows plus what came before it */
        total = o.offset + (int64_t)n;
        return web_resp_json(req, resp, 200, web_api_list(items, page, per_page, total));
    }
    struct catalog_product_filter f;
    catalog_product_filter_init(&f);
    f.limit = (int)per_page;
    f.offset = (int)((page - 1) * per_page);
    f.active = !state->present                   ? -1
               : strcmp(state->text, "yes") == 0 ? 1
               : strcmp(state->text, "no") == 0  ? 0
                                                 : -1;
    struct catalog_product *ps;
    size_t n;
    rc = catalog_product_list(st, &f, req->arena, &ps, &n, &total, &req->err);
    if (rc != 0)
        return rc;
    /* the shape of web_api_list, written without a tree */
    struct web_jw w;
    kt_buf_reset(&resp->body);
    web_jw_init(&w, &resp->body);
    web_jw_object(&w, NULL);
    web_jw_array(&w, "items");
    for (size_t i = 0; i < n; i++)
        product_write(&w, NULL, &ps[i]);
    web_jw_close(&w);
    web_jw_int(&w, "page", page);
    web_jw_int(&w, "per_page", per_page);
    web_jw_int(&w, "total", total);
    web_jw_close(&w);
    return web_resp_jw(req, resp, 200, &w);
}

int web_api_product_get(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    int rc = get_product(req, &st, &p);
    if (rc == 0)
        rc = web_api_etag(req, resp, p.version);
    if (rc != 0)
        return rc;
    return product_answer(req, resp, 200, &p);
}

int web_api_product_create(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    product_from_body(req, &p);
    p.code = web_req_value(req, "code")->text;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = catalog_product_create(st, &p, &req->err);
    if (rc == KT_EINVAL || rc == KT_EEXIST || rc == KT_EFOREIGN)
        req->err_field = web_product_field_of(req->err.msg);
    if (rc != 0)
        return rc;
    const char *loc = kt_arena_printf(req->arena, "/api/v1/products/%s", p.code);
    if (!loc || web_resp_header(req, resp, "Location", loc) != 0)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    rc = web_api_etag(req, resp, p.version);
    if (rc != 0)
        return rc;
    return product_answer(req, resp, 201, &p);
}

int web_api_product_update(struct web_req *req, struct web_resp *resp)
{
    int64_t version;
    int rc = web_api_if_match(req, &version);
    if (rc != 0)
        return rc;
    struct store *st;
    struct catalog_product cur, p;
    rc = get_product(req, &st, &cur);
    if (rc != 0)
        return rc;
    product_from_body(req, &p);
    p.id = cur.id;
    p.code = cur.code; /* the code is the address; renaming is not done through PUT */
    p.version = version;
    rc = catalog_product_update(st, &p, &req->err);
    if (rc == KT_EINVAL || rc == KT_EEXIST || rc == KT_EFOREIGN)
        req->err_field = web_product_field_of(req->err.msg);
    if (rc != 0)
        return rc;
    rc = catalog_product_get(st, p.id, req->arena, &cur, &req->err);
    if (rc == 0)
        rc = web_api_etag(req, resp, cur.version);
    if (rc != 0)
        return rc;
    return product_answer(req, resp, 200, &cur);
}

int web_api_product_stock(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    int rc = get_product(req, &st, &p);
    struct stock_level *lv = NULL;
    struct stock_level total;
    size_t n = 0;
    if (rc == 0)
        rc = stock_levels(st, p.id, &lv, &n, &req->err);
    if (rc == 0)
        rc = stock_total(st, p.id, &total, &req->err);
    if (rc != 0) {
        free(lv);
        return rc;
    }
    json_t *items = json_array();
    json_t *sum = NULL;
    for (size_t i = 0; items && i <= n; i++) {
        const struct stock_level *l = i < n ? &lv[i] : &total;
        json_t *row = json_pack("{s:s, s:s, s:s}", "on_hand", qty_text(req->arena, l->on_hand),
                                "reserved", qty_text(req->arena, l->reserved), "available",
                                qty_text(req->arena, l->available));
        if (row && i < n) {
            json_object_set_new(row, "warehouse", json_string(l->warehouse_code));
            json_array_append_new(items, row);
        } else {
            sum = row;
        }
    }
    free(lv);
    return web_resp_json(
        req, resp, 200,
        json_pack("{s:s, s:o*, s:o*}", "product", p.code, "warehouses", items, "total", sum));
}

int web_api_suggest_products(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_hit *hits;
    size_t n = 0;
    const struct web_value *q = web_req_value(req, "q");
    const struct web_value *lim = web_req_value(req, "limit");
    enum catalog_lang lang = CATALOG_PL;
    catalog_lang_parse(req->lang, &lang, NULL);
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    rc = catalog_autocomplete(st, q->text, lang, lim->present ? (int)lim->num : 10, req->arena,
                              &hits, &n, &req->err);
    if (rc == KT_EINVAL) {
        n = 0; /* nothing searchable typed yet: no suggestions */
        rc = 0;
    }
    if (rc != 0)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, json_pack("{s:s, s:s?, s:s?}", "code", hits[i].code, "name",
                                               hits[i].name, "ean", hits[i].ean));
    return web_resp_json(req, resp, 200, json_pack("{s:o*}", "items", items));
}
