/*
 * The JSON API of price lists (list, read, create; items read a page at a
 * time and set with PUT) and of stock changes (POST a count, adjustment or
 * move of a product; read its ledger). Prices and quantities are decimal
 * strings: "12.5000" (four decimals), "2.5".
 *
 * Neither a price list item nor a stock row carries a version: setting an
 * item is an idempotent upsert keyed by (list, product, min_qty,
 * valid_from), so PUT needs no If-Match; a stock change is one conditional
 * update in the database that never goes below what is available, so two
 * clients cannot lose each other's changes either.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/stock.h"
#include "web/api.h"
#include "web/form.h"
#include "web/router.h"
#include "base/banned.h"

/* v in 1/10^decimals as the API writes numbers: "12.50", "-3", "0.125";
 * at least min_decimals digits after the point, trailing zeros beyond
 * them dropped, no grouping. */
static const char *decimal(struct kt_arena *a, int64_t v, int decimals, int min_decimals)
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    char frac[24] = "";
    if (decimals > 0 && decimals < (int)sizeof frac - 1) {
        uint64_t f = m % scale;
        frac[0] = '.';
        for (int i = decimals; i > 0; i--) {
            frac[i] = (char)('0' + f % 10);
            f /= 10;
        }
        frac[decimals + 1] = '\0';
        size_t n = (size_t)decimals + 1;
        while (n > (size_t)min_decimals + 1 && frac[n - 1] == '0')
            frac[--n] = '\0';
        if (n == 1)
            frac[0] = '\0';
    }
    const char *s =
        kt_arena_printf(a, "%s%llu%s", v < 0 ? "-" : "", (unsigned long long)(m / scale), frac);
    return s ? s : "";
}

static json_t *list_json(const struct price_list *pl)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)pl->id, "code",
                     pl->code, "name", pl->name, "currency", pl->currency, "basis",
                     price_basis_name(pl->basis), "is_default", pl->is_default, "active",
                     pl->active);
}

static json_t *item_json(struct web_req *req, struct store *st, const struct price_item *it,
                         const char *product_code)
{
    const char *code = product_code;
    struct catalog_product p;
    struct kt_err e;
    if (!code)
        code = catalog_product_get(st, it->product_id, req->arena, &p, &e) == 0 ? p.code : "";
    json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)it->id, "product", code,
                          "price", decimal(req->arena, it->price, 4, 2), "min_qty",
                          decimal(req->arena, it->min_qty, 3, 0));
    if (o) {
        json_object_set_new(o, "valid_from",
                            it->valid_from[0] ? json_string(it->valid_from) : json_null());
        json_object_set_new(o, "valid_to",
                            it->valid_to[0] ? json_string(it->valid_to) : json_null());
    }
    return o;
}

int web_api_pricelists_list(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct price_list *lists = NULL;
    size_t n = 0;
    int64_t page, per_page;
    web_api_page(req, &page, &per_page);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = price_list_all(st, &lists, &n, &req->err);
    if (rc != 0)
        return rc;
    json_t *items = json_array();
    int64_t first = (page - 1) * per_page;
    for (int64_t i = first; items && i < (int64_t)n && i < first + per_page; i++)
        json_array_append_new(items, list_json(&lists[i]));
    free(lists);
    return web_resp_json(req, resp, 200, web_api_list(items, page, per_page, (int64_t)n));
}

int web_api_pricelist_get(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct price_list pl;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = price_list_get(st, web_text(req, "code"), &pl, &req->err);
    if (rc != 0)
        return rc;
    return web_resp_json(req, resp, 200, list_json(&pl));
}

int web_api_pricelist_create(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct price_list pl;
    memset(&pl, 0, sizeof pl);
    kt_strlcpy(pl.code, web_text(req, "code"), sizeof pl.code);
    kt_strlcpy(pl.name, web_text(req, "name"), sizeof pl.name);
    kt_strlcpy(pl.currency, web_text(req, "currency"), sizeof pl.currency);
    const struct web_value *basis = web_req_value(req, "basis");
    pl.basis =
        basis->present && strcmp(basis->text, "gross") == 0 ? PRICE_BASIS_GROSS : PRICE_BASIS_NET;
    pl.is_default = (int)web_req_value(req, "is_default")->num;
    pl.active = 1;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = price_list_create(st, &pl, &pl.id, &req->err);
    if (rc == KT_EEXIST)
        req->err_field = "code";
    else if (rc == KT_EINVAL)
        req->err_field = strstr(req->err.msg, "currency") ? "currency"
                         : strstr(req->err.msg, "name")   ? "name"
                                                          : "code";
    if (rc != 0)
        return rc;
    /* making it the default may have changed another list: read it back */
    if ((rc = price_list_get_id(st, pl.id, &pl, &req->err)) != 0)
        return rc;
    const char *loc =
        kt_arena_printf(req->arena, "/api/v1/pricelists/%s", web_url_enc(req, pl.code));
    if (!loc || web_resp_header(req, resp, "Location", loc) != 0)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    return web_resp_json(req, resp, 201, list_json(&pl));
}

int web_api_pricelist_items(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct price_list pl;
    struct price_item *items = NULL;
    size_t n = 0;
    int64_t page, per_page, product_id = 0;
    const char *product_code = NULL;
    web_api_page(req, &page, &per_page);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = price_list_get(st, web_text(req, "code"), &pl, &req->err);
    if (rc == 0 && web_req_value(req, "product")->present) {
        struct catalog_product p;
        rc = catalog_product_get_by_code(st, web_text(req, "product"), req->arena, &p, &req->err);
        if (rc == KT_ENOTFOUND)
            return web_fail(req, rc, 404, "not_found", "product", "%s", req->err.msg);
        product_id = p.id;
        product_code = p.code;
    }
    if (rc == 0)
        rc = price_items(st, pl.id, product_id, &items, &n, &req->err);
    if (rc != 0)
        return rc;
    json_t *list = json_array();
    int64_t first = (page - 1) * per_page;
    for (int64_t i = first; list && i < (int64_t)n && i < first + per_page; i++)
        json_array_append_new(list, item_json(req, st, &items[i], product_code));
    free(items);
    json_t *body = web_api_list(list, page, per_page, (int64_t)n);
    if (body)
        json_object_set_new(body, "currency", json_string(pl.currency));
    return web_resp_json(req, resp, 200, body);
}

int web_api_pricelist_item_put(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct price_list pl;
    struct catalog_product p;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = price_list_get(st, web_text(req, "code"), &pl, &req->err);
    if (rc != 0)
        return rc;
    rc = catalog_product_get_by_code(st, web_text(req, "product"), req->arena, &p, &req->err);
    if (rc == KT_ENOTFOUND)
        return web_fail(req, KT_EINVAL, 422, "unprocessable", "product", "%s", req->err.msg);
    if (rc != 0)
        return rc;
    struct price_item it = {.price_list_id = pl.id,
                            .product_id = p.id,
                            .price = web_req_value(req, "price")->num,
                            .min_qty = web_req_value(req, "min_qty")->num};
    char d[KT_DATE_ISO_SIZE];
    const struct web_value *vf = web_req_value(req, "valid_from");
    const struct web_value *vt = web_req_value(req, "valid_to");
    if (vf->present)
        kt_strlcpy(it.valid_from, kt_date_format((kt_date)vf->num, d), sizeof it.valid_from);
    if (vt->present)
        kt_strlcpy(it.valid_to, kt_date_format((kt_date)vt->num, d), sizeof it.valid_to);
    rc = price_item_set(st, &it, &req->err);
    if (rc == KT_EINVAL)
        req->err_field = strstr(req->err.msg, "valid") ? "valid_to"
                         : strstr(req->err.msg, "qty") || strstr(req->err.msg, "quantity")
                             ? "min_qty"
                             : "price";
    if (rc != 0)
        return rc;
    json_t *body = item_json(req, st, &it, p.code);
    if (body)
        json_object_set_new(body, "currency", json_string(pl.currency));
    return web_resp_json(req, resp, 200, body);
}

/* ---- stock ------------------------------------------------------------------------------ */

static json_t *result_json(struct web_req *req, const char *warehouse, const struct stock_result *r)
{
    return json_pack("{s:s, s:I, s:s, s:s, s:s}", "warehouse", warehouse, "ledger_id",
                     (json_int_t)r->ledger_id, "delta", decimal(req->arena, r->delta, 3, 0),
                     "on_hand", decimal(req->arena, r->on_hand, 3, 0), "reserved",
                     decimal(req->arena, r->reserved, 3, 0));
}

int web_api_stock_change(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    struct stock_warehouse from, to;
    struct stock_result r1, r2;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = catalog_product_get_by_code(st, web_text(req, "code"), req->arena, &p, &req->err);
    if (rc != 0)
        return rc;
    const char *op = web_text(req, "op");
    int64_t qty = web_req_value(req, "qty")->num;
    rc = stock_warehouse_get(st, web_text(req, "warehouse"), &from, &req->err);
    if (rc == KT_ENOTFOUND)
        return web_fail(req, KT_EINVAL, 422, "unprocessable", "warehouse", "%s", req->err.msg);
    if (rc != 0)
        return rc;
    int move = strcmp(op, "move") == 0;
    if (move) {
        if (!web_req_value(req, "to_warehouse")->present)
            return web_fail(req, KT_EINVAL, 400, "invalid_field", "to_warehouse",
                            "field 'to_warehouse' is required for a move");
        rc = stock_warehouse_get(st, web_text(req, "to_warehouse"), &to, &req->err);
        if (rc == KT_ENOTFOUND)
            return web_fail(req, KT_EINVAL, 422, "unprocessable", "to_warehouse", "%s",
                            req->err.msg);
        if (rc != 0)
            return rc;
        if (to.id == from.id)
            return web_fail(req, KT_EINVAL, 422, "unprocessable", "to_warehouse",
                            "a move needs two different warehouses");
    } else if (web_req_value(req, "to_warehouse")->present) {
        return web_fail(req, KT_EINVAL, 400, "invalid_field", "to_warehouse",
                        "field 'to_warehouse' is only for op 'move'");
    }
    enum stock_reason reason = STOCK_REASON_ADJUST;
    const struct web_value *rs = web_req_value(req, "reason");
    if (rs->present && strcmp(op, "adjust") != 0)
        return web_fail(req, KT_EINVAL, 400, "invalid_field", "reason",
                        "field 'reason' is only for op 'adjust'");
    if (rs->present && stock_reason_parse(rs->text, &reason, &req->err) != 0)
        return web_fail(req, KT_EINVAL, 400, "invalid_field", "reason", "%s", req->err.msg);
    const struct web_value *doc = web_req_value(req, "doc_ref");
    /* a token acts for its user: the ledger names the person either way */
    struct stock_origin origin = {.doc_ref = doc->present && *doc->text ? doc->text : NULL,
                                  .user = req->who->user.login};
    if (strcmp(op, "set") == 0)
        rc = stock_set(st, p.id, from.id, qty, STOCK_REASON_SET, &origin, &r1, &req->err);
    else if (move)
        rc = stock_move(st, p.id, from.id, to.id, qty, &origin, &r1, &r2, &req->err);
    else if (qty == 0)
        return web_fail(req, KT_EINVAL, 422, "unprocessable", "qty",
                        "an adjustment by zero changes nothing");
    else
        rc = stock_adjust(st, p.id, from.id, qty, reason, &origin, &r1, &req->err);
    if (rc == KT_ELIMIT)
        return web_fail(req, rc, 409, "stock_short", "qty", "%s", req->err.msg);
    if (rc == KT_EINVAL)
        req->err_field = "qty";
    if (rc != 0)
        return rc;
    json_t *changes = json_array();
    json_array_append_new(changes, result_json(req, from.code, &r1));
    if (move)
        json_array_append_new(changes, result_json(req, to.code, &r2));
    return web_resp_json(
        req, resp, 200,
        json_pack("{s:s, s:s, s:o*}", "product", p.code, "op", op, "changes", changes));
}

int web_api_stock_ledger(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    struct stock_ledger_entry *e = NULL;
    size_t n = 0;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = catalog_product_get_by_code(st, web_text(req, "code"), req->arena, &p, &req->err);
    if (rc != 0)
        return rc;
    struct stock_ledger_query q = {.product_id = p.id};
    const struct web_value *lim = web_req_value(req, "limit");
    q.limit = lim->present ? (size_t)lim->num : 100;
    if (web_req_value(req, "warehouse")->present) {
        struct stock_warehouse w;
        rc = stock_warehouse_get(st, web_text(req, "warehouse"), &w, &req->err);
        if (rc == KT_ENOTFOUND)
            return web_fail(req, rc, 404, "not_found", "warehouse", "%s", req->err.msg);
        if (rc != 0)
            return rc;
        q.warehouse_id = w.id;
    }
    rc = stock_ledger_list(st, &q, &e, &n, &req->err);
    if (rc != 0)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++) {
        char at[KT_TIME_ISO_SIZE];
        kt_time_format_utc(e[i].at / 1000, at);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e[i].id,
                              "at", at, "warehouse", e[i].warehouse_code, "delta",
                              decimal(req->arena, e[i].delta, 3, 0), "reserved_delta",
                              decimal(req->arena, e[i].reserved_delta, 3, 0), "reason",
                              stock_reason_name(e[i].reason), "on_hand",
                              decimal(req->arena, e[i].resulting_on_hand, 3, 0), "reserved",
                              decimal(req->arena, e[i].resulting_reserved, 3, 0));
        if (!o)
            continue;
        json_object_set_new(o, "doc_ref",
                            e[i].doc_ref[0] ? json_string(e[i].doc_ref) : json_null());
        json_object_set_new(o, "user", e[i].user[0] ? json_string(e[i].user) : json_null());
        json_array_append_new(items, o);
    }
    free(e);
    return web_resp_json(req, resp, 200,
                         json_pack("{s:s, s:o*}", "product", p.code, "items", items));
}
