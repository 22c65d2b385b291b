/*
 * The back-office price list screens: every list, a new list, and a list
 * with its items a page at a time and the form to set an item (the price
 * of a product from a quantity on, valid between two dates; the same
 * product, quantity and start date replace the price, others add one).
 * Reading needs catalog.read, changing prices.write.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "base/date.h"
#include "base/qty.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/router.h"
#include "base/banned.h"

#define ITEMS_PER_PAGE 50
#define NF(a) (sizeof a / sizeof a[0])

static const struct web_form_field list_fields[] = {
    {"code", "pricelist.code", WEB_FK_TEXT, 1},
    {"name", "pricelist.name", WEB_FK_TEXT, 1},
    {"currency", "pricelist.currency", WEB_FK_SELECT, 1},
    {"basis", "pricelist.basis", WEB_FK_SELECT, 1},
    {"is_default", "pricelist.is_default", WEB_FK_CHECKBOX, 0},
};
static const struct web_form_field item_fields[] = {
    {"product", "cprice.product", WEB_FK_TEXT, 1},
    {"price", "price.price", WEB_FK_NUMBER, 1},
    {"min_qty", "price.min_qty", WEB_FK_NUMBER, 0},
    {"valid_from", "price.valid_from", WEB_FK_DATE, 0},
    {"valid_to", "price.valid_to", WEB_FK_DATE, 0},
};

static const char *const currencies[] = {"PLN", "EUR", "USD", "GBP", "CHF",
                                         "CZK", "SEK", "NOK", "DKK", "HUF"};

static const char *list_href(struct web_req *req, const char *code)
{
    return kt_arena_printf(req->arena, "/pricelists/%s", web_url_enc(req, code));
}

static const char *basis_label(struct web_req *req, enum price_basis b)
{
    return web_t(req, b == PRICE_BASIS_NET ? "price.net" : "price.gross");
}

int web_page_pricelists(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct price_list *lists = NULL;
    size_t n = 0;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = price_list_all(st, &lists, &n, &req->err);
    if (rc != 0)
        return rc;
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < n; i++)
        json_array_append_new(
            rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "code", lists[i].code, "href",
                            list_href(req, lists[i].code), "name", lists[i].name, "currency",
                            lists[i].currency, "basis", basis_label(req, lists[i].basis),
                            "is_default", lists[i].is_default, "active", lists[i].active));
    free(lists);
    return web_page_render(req, resp, "pricelists/list",
                           json_pack("{s:o, s:b, s:b}", "rows", rows, "has_rows", n > 0,
                                     "can_write", access_can(&req->who->perms, "prices.write")));
}

/* ---- a new list --------------------------------------------------------------------- */

static int list_form(struct web_req *req, struct web_form *f)
{
    int rc = web_form_init(req, f, list_fields, NF(list_fields), "", "/pricelists");
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < NF(currencies); i++)
        web_form_option(f, "currency", currencies[i], currencies[i]);
    web_form_option(f, "basis", "net", web_t(req, "price.net"));
    web_form_option(f, "basis", "gross", web_t(req, "price.gross"));
    return 0;
}

static int render_list_form(struct web_req *req, struct web_resp *resp, struct web_form *f)
{
    return web_page_render(req, resp, "pricelists/form",
                           json_pack("{s:o}", "form", web_form_json(req, f)));
}

int web_page_pricelist_new(struct web_req *req, struct web_resp *resp)
{
    struct web_form f;
    int rc = list_form(req, &f);
    if (rc != 0)
        return rc;
    web_form_set(req, &f, "currency", "PLN");
    web_form_set(req, &f, "basis", "net");
    return render_list_form(req, resp, &f);
}

int web_page_pricelist_create(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = list_form(req, &f);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    if (!web_form_has_errors(&f)) {
        struct price_list pl;
        memset(&pl, 0, sizeof pl);
        kt_strlcpy(pl.code, web_text(req, "code"), sizeof pl.code);
        kt_strlcpy(pl.name, web_text(req, "name"), sizeof pl.name);
        kt_strlcpy(pl.currency, web_text(req, "currency"), sizeof pl.currency);
        pl.basis =
            strcmp(web_text(req, "basis"), "gross") == 0 ? PRICE_BASIS_GROSS : PRICE_BASIS_NET;
        pl.is_default = (int)web_req_value(req, "is_default")->num;
        pl.active = 1;
        rc = price_list_create(st, &pl, NULL, &err);
        if (rc == 0)
            return web_done(req, resp, "pricelist_created", list_href(req, pl.code));
        if (rc != KT_EINVAL && rc != KT_EEXIST) {
            req->err = err;
            return rc;
        }
        const char *msg = kt_arena_strdup(req->arena, err.msg);
        const char *field = rc == KT_EEXIST || strstr(msg, "code") ? "code"
                            : strstr(msg, "currency")              ? "currency"
                            : strstr(msg, "name")                  ? "name"
                                                                   : NULL;
        web_form_error(&f, field, msg);
        resp->status = rc == KT_EEXIST ? 409 : 422;
    } else {
        resp->status = 422;
    }
    return render_list_form(req, resp, &f);
}

/* ---- one list with its items ---------------------------------------------------------- */

static int item_form(struct web_req *req, struct web_form *f, const char *code)
{
    return web_form_init(req, f, item_fields, NF(item_fields), "item-",
                         kt_arena_printf(req->arena, "%s/items", list_href(req, code)));
}

static int show(struct web_req *req, struct web_resp *resp, const char *code,
                struct web_form *given)
{
    struct store *st;
    struct price_list pl;
    struct price_item *items = NULL;
    size_t n = 0;
    struct web_form fresh;
    const struct web_value *pg = web_req_value(req, "page");
    int64_t page = pg->present ? pg->num : 1;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = price_list_get(st, code, &pl, &req->err);
    if (rc == 0)
        rc = price_items(st, pl.id, 0, &items, &n, &req->err);
    if (rc != 0)
        return rc;
    json_t *rows = json_array();
    size_t first = (size_t)(page - 1) * ITEMS_PER_PAGE;
    for (size_t i = first; rows && i < n && i < first + ITEMS_PER_PAGE; i++) {
        struct catalog_product p;
        struct kt_err e;
        const char *pcode = "?", *pname = "";
        if (catalog_product_get(st, items[i].product_id, req->arena, &p, &e) == 0) {
            pcode = p.code;
            pname = p.text[strcmp(req->lang, "en") == 0 && p.text[CATALOG_EN].name &&
                                   *p.text[CATALOG_EN].name
                               ? CATALOG_EN
                               : CATALOG_PL]
                        .name;
        }
        const char *price = web_fmt_price(req->arena, items[i].price, pl.currency, req->lang);
        const char *qty = web_fmt_qty(req->arena, items[i].min_qty, req->lang);
        json_array_append_new(
            rows,
            json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s, s:s}", "product", pcode, "product_href",
                      kt_arena_printf(req->arena, "/products/%s", web_url_enc(req, pcode)), "name",
                      pname, "price", price ? price : "", "min_qty", qty ? qty : "", "valid_from",
                      items[i].valid_from, "valid_to", items[i].valid_to));
    }
    free(items);
    json_t *out =
        json_pack("{s:{s:s, s:s, s:s, s:s, s:b, s:b}, s:o, s:b, s:I, s:I}", "list", "code", pl.code,
                  "name", pl.name, "currency", pl.currency, "basis", basis_label(req, pl.basis),
                  "is_default", pl.is_default, "active", pl.active, "rows", rows, "has_rows", n > 0,
                  "total", (json_int_t)n, "page", (json_int_t)page);
    if (!out)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    if (page > 1)
        json_object_set_new(
            out, "prev",
            json_string(kt_arena_printf(req->arena, "%s?page=%lld", list_href(req, pl.code),
                                        (long long)page - 1)));
    if (first + ITEMS_PER_PAGE < n)
        json_object_set_new(
            out, "next",
            json_string(kt_arena_printf(req->arena, "%s?page=%lld", list_href(req, pl.code),
                                        (long long)page + 1)));
    if (access_can(&req->who->perms, "prices.write")) {
        struct web_form *f = given;
        if (!f) {
            f = &fresh;
            if ((rc = item_form(req, f, pl.code)) != 0) {
                json_decref(out);
                return rc;
            }
        }
        json_t *fj = web_form_json(req, f);
        if (fj)
            json_object_set_new(fj, "submit", json_string(web_t(req, "price.submit")));
        json_object_set_new(out, "item_form", fj);
    }
    return web_page_render(req, resp, "pricelists/show", out);
}

int web_page_pricelist(struct web_req *req, struct web_resp *resp)
{
    return show(req, resp, web_text(req, "code"), NULL);
}

int web_page_pricelist_item_set(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct price_list pl;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = price_list_get(st, web_text(req, "code"), &pl, &req->err);
    if (rc == 0)
        rc = item_form(req, &f, pl.code);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    if (!web_form_has_errors(&f)) {
        struct catalog_product p;
        const char *field = "product";
        rc = catalog_product_get_by_code(st, web_text(req, "product"), req->arena, &p, &err);
        if (rc == 0) {
            struct price_item it = {.price_list_id = pl.id,
                                    .product_id = p.id,
                                    .price = web_req_value(req, "price")->num,
                                    .min_qty = web_req_value(req, "min_qty")->num};
            char d[KT_DATE_ISO_SIZE];
            const struct web_value *vf = web_req_value(req, "valid_from");
            const struct web_value *vt = web_req_value(req, "valid_to");
            if (vf->present)
                kt_strlcpy(it.valid_from, kt_date_format((kt_date)vf->num, d),
                           sizeof it.valid_from);
            if (vt->present)
                kt_strlcpy(it.valid_to, kt_date_format((kt_date)vt->num, d), sizeof it.valid_to);
            field = "price";
            rc = price_item_set(st, &it, &err);
            if (rc == KT_EINVAL && strstr(err.msg, "valid"))
                field = "valid_to";
        }
        if (rc == 0)
            return web_done(req, resp, "price_saved", list_href(req, pl.code));
        if (rc != KT_EINVAL && rc != KT_ENOTFOUND) {
            req->err = err;
            return rc;
        }
        web_form_error(&f, field, kt_arena_strdup(req->arena, err.msg));
    }
    resp->status = 422;
    return show(req, resp, pl.code, &f);
}
