/*
 * The back-office product page and what is done on it: the product's
 * fields and texts, its images (upload, order, removal; thumbnails and
 * full images served from the blob store with ETag and Cache-Control), its
 * stock per warehouse with the latest ledger rows and the stock change
 * form (set, adjust, move; stock.write), and its prices in every price
 * list with the form to set one (prices.write).
 *
 * A form on this page that fails comes back as the whole page with status
 * 422 (409 for a conflict), the form's errors next to its fields and in
 * its summary, and what was typed kept.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "base/date.h"
#include "base/qty.h"
#include "catalog/image.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/stock.h"
#include "catalog/vat.h"
#include "store/blob.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/server.h"
#include "base/banned.h"

#define LEDGER_SHOWN 10
#define IMAGE_MAX_BYTES ((size_t)10 << 20)

static const struct web_form_field image_fields[] = {
    {"image", "image.file", WEB_FK_FILE, 1},
};
static const struct web_form_field stock_fields[] = {
    {"op", "stock.op", WEB_FK_SELECT, 1},
    {"warehouse", "stock.warehouse", WEB_FK_SELECT, 1},
    {"to_warehouse", "stock.to_warehouse", WEB_FK_SELECT, 0},
    {"qty", "stock.qty", WEB_FK_NUMBER, 1},
    {"reason", "stock.reason", WEB_FK_SELECT, 0},
    {"doc_ref", "stock.doc_ref", WEB_FK_TEXT, 0},
};
static const struct web_form_field price_fields[] = {
    {"price_list", "price.list", WEB_FK_SELECT, 1},
    {"price", "price.price", WEB_FK_NUMBER, 1},
    {"min_qty", "price.min_qty", WEB_FK_NUMBER, 0},
    {"valid_from", "price.valid_from", WEB_FK_DATE, 0},
    {"valid_to", "price.valid_to", WEB_FK_DATE, 0},
};

#define NF(a) (sizeof a / sizeof a[0])

/* The forms of the page; NULL members are built fresh. */
struct product_forms {
    struct web_form *image, *stock, *price;
};

static int can(const struct web_req *req, const char *perm)
{
    return access_can(&req->who->perms, perm);
}

static enum catalog_lang ui_lang(const struct web_req *req)
{
    return strcmp(req->lang, "en") == 0 ? CATALOG_EN : CATALOG_PL;
}

static const char *name_of(const struct web_req *req, const struct catalog_product *p)
{
    const char *n = p->text[ui_lang(req)].name;
    return n && *n ? n : p->text[CATALOG_PL].name;
}

static const char *qty_shown(struct web_req *req, int64_t q)
{
    const char *s = web_fmt_qty(req->arena, q, req->lang);
    return s ? s : "";
}

static const char *product_href(struct web_req *req, const char *code, const char *rest)
{
    return kt_arena_printf(req->arena, "/products/%s%s", web_url_enc(req, code), rest);
}

/* ---- building the page --------------------------------------------------------- */

static json_t *images_json(struct web_req *req, const struct catalog_product *p,
                           const struct catalog_image *im, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        const char *base =
            product_href(req, p->code, kt_arena_printf(req->arena, "/images/%d", im[i].position));
        json_t *o = json_pack(
            "{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:s, s:s, s:s}", "position",
            im[i].position, "number", im[i].position + 1, "hash", im[i].blob_hash, "thumb",
            kt_arena_printf(req->arena, "%s/thumb?v=%s", base, im[i].blob_hash), "full",
            kt_arena_printf(req->arena, "%s?v=%s", base, im[i].blob_hash), "size",
            kt_arena_printf(req->arena, "%d × %d px, %lld kB", im[i].width, im[i].height,
                            (long long)(im[i].bytes + 1023) / 1024),
            "alt", kt_arena_printf(req->arena, "%s (%d)", name_of(req, p), im[i].position + 1),
            "main", i == 0, "first", i == 0, "last", i + 1 == n, "move_href",
            kt_arena_printf(req->arena, "%s/move", base), "delete_href",
            kt_arena_printf(req->arena, "%s/delete", base), "type", im[i].mime);
        json_array_append_new(list, o);
    }
    return list;
}

static void warehouse_options(struct web_form *f, const char *field, struct stock_warehouse *w,
                              size_t n)
{
    for (size_t i = 0; i < n; i++)
        web_form_option(f, field, w[i].code, w[i].name[0] ? w[i].name : w[i].code);
}

static int build_stock_form(struct web_req *req, const struct catalog_product *p,
                            struct stock_warehouse *w, size_t nw, struct web_form *f)
{
    int rc = web_form_init(req, f, stock_fields, NF(stock_fields), "stock-",
                           product_href(req, p->code, "/stock"));
    if (rc != 0)
        return rc;
    static const char *const ops[] = {"adjust", "set", "move"};
    for (size_t i = 0; i < NF(ops); i++) {
        char key[48];
        snprintf(key, sizeof key, "stock.op_%s", ops[i]);
        web_form_option(f, "op", ops[i], web_t(req, key));
    }
    warehouse_options(f, "warehouse", w, nw);
    web_form_option(f, "to_warehouse", "", web_t(req, "stock.none"));
    warehouse_options(f, "to_warehouse", w, nw);
    static const char *const reasons[] = {"adjust", "receipt", "issue", "return"};
    for (size_t i = 0; i < NF(reasons); i++) {
        char key[48];
        snprintf(key, sizeof key, "stock.reason_%s", reasons[i]);
        web_form_option(f, "reason", reasons[i], web_t(req, key));
    }
    return 0;
}

static int build_price_form(struct web_req *req, const struct catalog_product *p,
                            struct price_list *lists, size_t nl, struct web_form *f)
{
    int rc = web_form_init(req, f, price_fields, NF(price_fields), "price-",
                           product_href(req, p->code, "/prices"));
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < nl; i++)
        web_form_option(
            f, "price_list", lists[i].code,
            kt_arena_printf(
                req->arena, "%s — %s (%s, %s)", lists[i].code, lists[i].name, lists[i].currency,
                web_t(req, lists[i].basis == PRICE_BASIS_NET ? "price.net" : "price.gross")));
    return 0;
}

static json_t *ledger_json(struct web_req *req, const struct stock_ledger_entry *e, size_t n)
{
    json_t *list = json_array();
    /* newest first: the ledger comes oldest first */
    for (size_t k = n; list && k > 0; k--) {
        const struct stock_ledger_entry *l = &e[k - 1];
        char key[48];
        snprintf(key, sizeof key, "stock.reason_%s", stock_reason_name(l->reason));
        const char *delta = qty_shown(req, l->delta);
        json_array_append_new(
            list,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "at", web_fmt_time(req->arena, l->at),
                      "warehouse", l->warehouse_code, "delta",
                      l->delta > 0 ? kt_arena_printf(req->arena, "+%s", delta) : delta, "reason",
                      web_t(req, key), "doc_ref", l->doc_ref, "user", l->user, "on_hand",
                      qty_shown(req, l->resulting_on_hand)));
    }
    return list;
}

static json_t *prices_json(struct web_req *req, struct store *st, const struct catalog_product *p,
                           const struct price_list *lists, size_t nl, struct kt_err *err, int *rc)
{
    json_t *rows = json_array();
    for (size_t i = 0; rows && *rc == 0 && i < nl; i++) {
        struct price_item *items = NULL;
        size_t n = 0;
        *rc = price_items(st, lists[i].id, p->id, &items, &n, err);
        for (size_t k = 0; *rc == 0 && k < n; k++) {
            const char *price =
                web_fmt_price(req->arena, items[k].price, lists[i].currency, req->lang);
            json_array_append_new(
                rows,
                json_pack(
                    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "list", lists[i].code, "list_href",
                    kt_arena_printf(req->arena, "/pricelists/%s", web_url_enc(req, lists[i].code)),
                    "price", price ? price : "", "basis",
                    web_t(req, lists[i].basis == PRICE_BASIS_NET ? "price.net" : "price.gross"),
                    "min_qty", qty_shown(req, items[k].min_qty), "valid_from", items[k].valid_from,
                    "valid_to", items[k].valid_to, "active", lists[i].active));
        }
        free(items);
    }
    return rows;
}

static int show(struct web_req *req, struct web_resp *resp, const char *code,
                const struct product_forms *given)
{
    struct store *st;
    struct catalog_product p;
    struct stock_level *lv = NULL, total;
    struct stock_ledger_entry *ledger = NULL;
    struct stock_warehouse *wh = NULL;
    struct price_list *lists = NULL;
    struct catalog_image *images = NULL;
    size_t n = 0, nledger = 0, nwh = 0, nlists = 0, nimages = 0;
    struct web_form image_form, stock_form, price_form;
    json_t *page = NULL;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = catalog_product_get_by_code(st, code, req->arena, &p, &req->err);
    if (rc == 0)
        rc = stock_levels(st, p.id, &lv, &n, &req->err);
    if (rc == 0)
        rc = stock_total(st, p.id, &total, &req->err);
    if (rc == 0) {
        struct stock_ledger_query q = {.product_id = p.id, .limit = LEDGER_SHOWN};
        rc = stock_ledger_list(st, &q, &ledger, &nledger, &req->err);
    }
    if (rc == 0)
        rc = stock_warehouse_list(st, 0, &wh, &nwh, &req->err);
    if (rc == 0)
        rc = price_list_all(st, &lists, &nlists, &req->err);
    if (rc == 0)
        rc = catalog_image_list(st, p.id, req->arena, &images, &nimages, &req->err);
    if (rc != 0)
        goto out;

    json_t *stock = json_array();
    for (size_t i = 0; stock && i < n; i++)
        json_array_append_new(stock,
                              json_pack("{s:s, s:s, s:s, s:s}", "warehouse", lv[i].warehouse_code,
                                        "on_hand", qty_shown(req, lv[i].on_hand), "reserved",
                                        qty_shown(req, lv[i].reserved), "available",
                                        qty_shown(req, lv[i].available)));
    json_t *texts = json_array();
    for (int l = 0; texts && l < CATALOG_LANG_COUNT; l++) {
        if (!p.text[l].name || !*p.text[l].name)
            continue;
        json_array_append_new(texts,
                              json_pack("{s:s, s:s, s:s?}", "lang", catalog_lang_code(l), "name",
                                        p.text[l].name, "short_desc", p.text[l].short_desc));
    }
    const struct kt_unit *u = NULL;
    kt_qty_unit_find(p.unit, &u, NULL);
    const struct catalog_vat *vat = NULL;
    catalog_vat_find(p.vat_rate, &vat, NULL);
    json_t *prices = prices_json(req, st, &p, lists, nlists, &req->err, &rc);
    if (rc != 0) {
        json_decref(stock);
        json_decref(texts);
        json_decref(prices);
        goto out;
    }
    page = json_pack("{s:{s:s, s:s, s:s?, s:s, s:s, s:s?, s:s?, s:b, s:I, s:s}, s:o, s:o, s:b,"
                     " s:{s:s, s:s, s:s}, s:b, s:s, s:o, s:b, s:o, s:b, s:o, s:b}",
                     "product", "code", p.code, "name", name_of(req, &p), "ean", p.ean, "unit",
                     u ? kt_qty_unit_name(u, req->lang) : p.unit, "vat",
                     vat ? catalog_vat_label(vat, req->lang) : p.vat_rate, "pkwiu", p.pkwiu,
                     "cn_code", p.cn_code, "active", p.active, "version", (json_int_t)p.version,
                     "updated", web_fmt_time(req->arena, p.updated_at), "texts", texts, "stock",
                     stock, "has_stock", n > 0, "stock_total", "on_hand",
                     qty_shown(req, total.on_hand), "reserved", qty_shown(req, total.reserved),
                     "available", qty_shown(req, total.available), "can_write",
                     can(req, "catalog.write"), "edit_href", product_href(req, p.code, "/edit"),
                     "images", images_json(req, &p, images, nimages), "has_images", nimages > 0,
                     "ledger", ledger_json(req, ledger, nledger), "has_ledger", nledger > 0,
                     "prices", prices, "has_prices", json_array_size(prices) > 0);
    if (!page) {
        rc = kt_err_set(&req->err, KT_ENOMEM, "out of memory");
        goto out;
    }
    if (p.weight_g >= 0)
        json_object_set_new(
            json_object_get(page, "product"), "weight",
            json_string(kt_arena_printf(req->arena, "%lld g", (long long)p.weight_g)));
    if (can(req, "catalog.write")) {
        struct web_form *f = given && given->image ? given->image : &image_form;
        if (f == &image_form &&
            (rc = web_form_init(req, f, image_fields, NF(image_fields), "image-",
                                product_href(req, p.code, "/images"))) != 0)
            goto out;
        json_object_set_new(page, "image_form", web_form_json(req, f));
    }
    if (can(req, "stock.write") && nwh > 0) {
        struct web_form *f = given && given->stock ? given->stock : &stock_form;
        if (f == &stock_form && (rc = build_stock_form(req, &p, wh, nwh, f)) != 0)
            goto out;
        json_object_set_new(page, "stock_form", web_form_json(req, f));
    }
    if (can(req, "prices.write") && nlists > 0) {
        struct web_form *f = given && given->price ? given->price : &price_form;
        if (f == &price_form && (rc = build_price_form(req, &p, lists, nlists, f)) != 0)
            goto out;
        json_object_set_new(page, "price_form", web_form_json(req, f));
    }
    rc = web_page_render(req, resp, "products/show", page);
    page = NULL;
out:
    json_decref(page);
    free(lv);
    free(ledger);
    free(wh);
    free(lists);
    return rc;
}

int web_page_product(struct web_req *req, struct web_resp *resp)
{
    return show(req, resp, web_text(req, "code"), NULL);
}

/* ---- images --------------------------------------------------------------------- */

/* The product and its image at position {n}. */
static int find_image(struct web_req *req, struct store **st, struct catalog_product *p,
                      struct catalog_image **all, size_t *n, size_t *at)
{
    int rc = web_req_db(req, st, &req->err);
    if (rc == 0)
        rc = catalog_product_get_by_code(*st, web_text(req, "code"), req->arena, p, &req->err);
    if (rc == 0)
        rc = catalog_image_list(*st, p->id, req->arena, all, n, &req->err);
    if (rc != 0)
        return rc;
    int64_t pos = web_req_value(req, "n")->num;
    for (size_t i = 0; i < *n; i++) {
        if ((*all)[i].position == pos) {
            *at = i;
            return 0;
        }
    }
    return kt_err_set(&req->err, KT_ENOTFOUND, "product %s has no image %lld", p->code,
                      (long long)pos + 1);
}

/* Sets ETag and Cache-Control for an image whose content is named by tag;
 * 1 when the browser's copy is current (answered 304). */
static int cache_headers(struct web_req *req, struct web_resp *resp, const char *tag,
                         const char *hash)
{
    char etag[96];
    snprintf(etag, sizeof etag, "\"%s\"", tag);
    /* the URL carries ?v=HASH from our pages: that URL always means these
     * bytes; without it the same URL may show another image after a
     * reorder, so the browser revalidates */
    const char *v = web_text(req, "v");
    const char *cc =
        strcmp(v, hash) == 0 ? "private, max-age=31536000, immutable" : "private, no-cache";
    if (web_resp_header(req, resp, "ETag", etag) != 0 ||
        web_resp_header(req, resp, "Cache-Control", cc) != 0)
        return kt_err_set(&req->err, KT_ELIMIT, "too many response headers");
    const char *inm = web_req_header(req, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        resp->status = 304;
        resp->content_type = NULL;
        kt_buf_reset(&resp->body);
        return 1;
    }
    return 0;
}

static const char *data_dir(const struct web_req *req)
{
    return web_server_options(req->srv)->data_dir;
}

int web_page_image_thumb(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    struct catalog_image *all;
    size_t n, at;
    int rc = find_image(req, &st, &p, &all, &n, &at);
    if (rc != 0)
        return rc;
    char tag[BLOB_HEX_LEN + 8];
    snprintf(tag, sizeof tag, "t-%s", all[at].blob_hash);
    rc = cache_headers(req, resp, tag, all[at].blob_hash);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    struct kt_buf out;
    kt_buf_init(&out, IMAGE_MAX_BYTES);
    rc = catalog_image_thumbnail(st, data_dir(req), p.id, all[at].blob_hash, NULL, &out, &req->err);
    if (rc != 0) {
        kt_buf_release(&out);
        return rc;
    }
    kt_buf_release(&resp->body);
    resp->body = out;
    resp->content_type = "image/webp";
    return 0;
}

int web_page_image_full(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    struct catalog_image *all;
    size_t n, at;
    int rc = find_image(req, &st, &p, &all, &n, &at);
    if (rc != 0)
        return rc;
    rc = cache_headers(req, resp, all[at].blob_hash, all[at].blob_hash);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    struct kt_buf out;
    kt_buf_init(&out, 0);
    rc = blob_get(data_dir(req), all[at].blob_hash, &out, (size_t)64 << 20, &req->err);
    if (rc != 0) {
        kt_buf_release(&out);
        return rc;
    }
    kt_buf_release(&resp->body);
    resp->body = out;
    resp->content_type = all[at].mime;
    return 0;
}

int web_page_image_upload(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    const char *code = web_text(req, "code");
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = catalog_product_get_by_code(st, code, req->arena, &p, &req->err);
    if (rc != 0)
        return rc;
    struct web_form f;
    if ((rc = web_form_init(req, &f, image_fields, NF(image_fields), "image-",
                            product_href(req, p.code, "/images"))) != 0)
        return rc;
    const struct web_upload *up = web_req_upload(req, "image");
    struct kt_err err;
    kt_err_clear(&err);
    if (!up || up->len == 0) {
        web_form_error(&f, "image", web_t(req, "image.choose"));
    } else {
        rc = catalog_image_add(st, data_dir(req), p.id, up->data, up->len, NULL, NULL, &err);
        if (rc == KT_EINVAL || rc == KT_ELIMIT || rc == KT_EEXIST) {
            web_form_error(&f, "image", kt_arena_strdup(req->arena, err.msg));
        } else if (rc != 0) {
            req->err = err;
            return rc;
        } else {
            return web_done(req, resp, "image_added", product_href(req, p.code, "#images"));
        }
    }
    resp->status = 422;
    struct product_forms forms = {.image = &f};
    return show(req, resp, p.code, &forms);
}

/* The image at {n}, checked against the hash the form was made with, so
 * that a reorder by someone else meanwhile never moves or removes another
 * image than the one the user saw. */
static int image_for_change(struct web_req *req, struct store **st, struct catalog_product *p,
                            struct catalog_image **all, size_t *n, size_t *at)
{
    int rc = find_image(req, st, p, all, n, at);
    if (rc != 0)
        return rc;
    if (strcmp((*all)[*at].blob_hash, web_text(req, "hash")) != 0)
        return web_fail(req, KT_ECONFLICT, 409, "conflict", "hash", "%s",
                        web_t(req, "image.changed"));
    return 0;
}

int web_page_image_move(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    struct catalog_image *all;
    size_t n, at;
    int rc = image_for_change(req, &st, &p, &all, &n, &at);
    if (rc != 0)
        return rc;
    const char **order = kt_arena_alloc(req->arena, n * sizeof *order);
    if (!order)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    const char *dir = web_text(req, "dir");
    size_t to = at;
    if (strcmp(dir, "up") == 0 && at > 0)
        to = at - 1;
    else if (strcmp(dir, "down") == 0 && at + 1 < n)
        to = at + 1;
    else if (strcmp(dir, "first") == 0)
        to = 0;
    /* take the image out of the order and put it back at `to` */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == at)
            continue;
        if (k == to)
            order[k++] = all[at].blob_hash;
        order[k++] = all[i].blob_hash;
    }
    if (k == to)
        order[k++] = all[at].blob_hash;
    rc = catalog_image_reorder(st, p.id, order, n, &req->err);
    if (rc != 0)
        return rc;
    return web_done(req, resp, "images_ordered", product_href(req, p.code, "#images"));
}

int web_page_image_delete(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    struct catalog_image *all;
    size_t n, at;
    int rc = image_for_change(req, &st, &p, &all, &n, &at);
    if (rc == 0)
        rc = catalog_image_remove(st, p.id, all[at].blob_hash, &req->err);
    if (rc != 0)
        return rc;
    return web_done(req, resp, "image_removed", product_href(req, p.code, "#images"));
}

/* ---- stock ----------------------------------------------------------------------- */

int web_page_stock_change(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    struct stock_warehouse *wh = NULL, from, to;
    size_t nwh = 0;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = catalog_product_get_by_code(st, web_text(req, "code"), req->arena, &p, &req->err);
    if (rc == 0)
        rc = stock_warehouse_list(st, 0, &wh, &nwh, &req->err);
    if (rc == 0)
        rc = build_stock_form(req, &p, wh, nwh, &f);
    free(wh);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    const char *op = web_text(req, "op");
    const struct web_value *qty = web_req_value(req, "qty");
    const char *field = NULL;
    if (!web_form_has_errors(&f)) {
        rc = stock_warehouse_get(st, web_text(req, "warehouse"), &from, &err);
        field = "warehouse";
        if (rc == 0 && strcmp(op, "move") == 0) {
            field = "to_warehouse";
            if (!*web_text(req, "to_warehouse"))
                rc = kt_err_set(&err, KT_EINVAL, "%s", web_t(req, "stock.to_needed"));
            else
                rc = stock_warehouse_get(st, web_text(req, "to_warehouse"), &to, &err);
            if (rc == 0 && to.id == from.id)
                rc = kt_err_set(&err, KT_EINVAL, "%s", web_t(req, "stock.same_warehouse"));
        }
        if (rc == 0) {
            field = "qty";
            struct stock_origin origin = {.doc_ref = web_text(req, "doc_ref"),
                                          .user = req->who->user.login};
            if (!*origin.doc_ref)
                origin.doc_ref = NULL;
            if (strcmp(op, "set") == 0) {
                rc = stock_set(st, p.id, from.id, qty->num, STOCK_REASON_SET, &origin, NULL, &err);
            } else if (strcmp(op, "move") == 0) {
                rc = stock_move(st, p.id, from.id, to.id, qty->num, &origin, NULL, NULL, &err);
            } else {
                enum stock_reason reason = STOCK_REASON_ADJUST;
                const char *rs = web_text(req, "reason");
                if (*rs && (rc = stock_reason_parse(rs, &reason, &err)) != 0)
                    field = "reason";
                else if (qty->num == 0)
                    rc = kt_err_set(&err, KT_EINVAL, "%s", web_t(req, "stock.zero"));
                else
                    rc = stock_adjust(st, p.id, from.id, qty->num, reason, &origin, NULL, &err);
            }
        }
        if (rc == 0)
            return web_done(req, resp, "stock_changed", product_href(req, p.code, "#stock"));
        if (rc != KT_EINVAL && rc != KT_ELIMIT && rc != KT_ENOTFOUND) {
            req->err = err;
            return rc;
        }
        web_form_error(&f, field, kt_arena_strdup(req->arena, err.msg));
    }
    resp->status = 422;
    struct product_forms forms = {.stock = &f};
    return show(req, resp, p.code, &forms);
}

/* ---- prices ----------------------------------------------------------------------- */

int web_page_product_price_set(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct catalog_product p;
    struct price_list *lists = NULL, pl;
    size_t nl = 0;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = catalog_product_get_by_code(st, web_text(req, "code"), req->arena, &p, &req->err);
    if (rc == 0)
        rc = price_list_all(st, &lists, &nl, &req->err);
    if (rc == 0)
        rc = build_price_form(req, &p, lists, nl, &f);
    free(lists);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    if (!web_form_has_errors(&f)) {
        const char *field = "price_list";
        rc = price_list_get(st, web_text(req, "price_list"), &pl, &err);
        if (rc == 0) {
            struct price_item it = {.price_list_id = pl.id,
                                    .product_id = p.id,
                                    .price = web_req_value(req, "price")->num,
                                    .min_qty = web_req_value(req, "min_qty")->num};
            const struct web_value *vf = web_req_value(req, "valid_from");
            const struct web_value *vt = web_req_value(req, "valid_to");
            char d[KT_DATE_ISO_SIZE];
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
            return web_done(req, resp, "price_saved", product_href(req, p.code, "#prices"));
        if (rc != KT_EINVAL && rc != KT_ENOTFOUND) {
            req->err = err;
            return rc;
        }
        web_form_error(&f, field, kt_arena_strdup(req->arena, err.msg));
    }
    resp->status = 422;
    struct product_forms forms = {.price = &f};
    return show(req, resp, p.code, &forms);
}
