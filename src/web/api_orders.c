/*
 * The JSON API of customer orders: list with filters (a page at a time,
 * without counting the whole table: has_more says whether another page
 * follows), read with ETag "v<version>", create with lines as JSON
 * objects, PATCH of header fields and line add/change/remove with
 * If-Match, the transitions confirm, cancel and submit, mapping an
 * unmatched line, the message thread, and the live price of a product for
 * a customer (the order form asks it while a line is typed).
 *
 * A stale If-Match is 412 and changes nothing (the router maps
 * KT_ECONFLICT); a stock shortage or a refused rule is 422 with the field
 * to blame. Amounts, prices and quantities are decimal strings.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/money.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/warehouse.h"
#include "orders/orders.h"
#include "parties/customer.h"
#include "web/api.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/input.h"
#include "web/orders_web.h"
#include "web/router.h"
#include "base/banned.h"

void orders_web_actor(const struct web_req *req, struct orders_actor *actor)
{
    memset(actor, 0, sizeof *actor);
    actor->kind = ORDERS_ACTOR_STAFF;
    actor->name = req->who ? req->who->user.login : "?";
    if (req->who && access_can(&req->who->perms, "orders.write"))
        actor->rights = ORDERS_RIGHT_EDIT_CONFIRMED | ORDERS_RIGHT_SET_PRICE;
}

const char *orders_web_decimal(struct kt_arena *a, int64_t v, int decimals, int min_decimals)
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

const char *orders_web_field_of(const char *msg)
{
    static const char *const fields[] = {
        "customer",       "delivery",     "discount",     "payment_days", "shipping_cost",
        "message",        "reason",       "warehouse",    "external_id",  "lines",
        "notes_internal", "notes_customer", "customer_po", "source",       "currency",
    };
    if (strncmp(msg, "line ", 5) == 0)
        return "lines";
    const char *colon = strchr(msg, ':');
    if (!colon)
        return NULL;
    size_t n = (size_t)(colon - msg);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strlen(fields[i]) == n && strncmp(msg, fields[i], n) == 0)
            return fields[i];
    return NULL;
}

/* req->err's message in the arena: web_fail writes req->err and must not
 * read its own destination. */
static const char *msg_copy(struct web_req *req)
{
    const char *m = kt_arena_strdup(req->arena, req->err.msg);
    return m ? m : "";
}

/* ---- answers ------------------------------------------------------------------------ */

static const char *money(struct web_req *req, int64_t minor, const char *currency)
{
    struct kt_err e;
    int digits = 2;
    if (kt_money_exponent(currency, &digits, &e) != 0)
        digits = 2;
    return orders_web_decimal(req->arena, minor, digits, digits);
}

static const char *iso_date(struct web_req *req, kt_date d)
{
    char buf[KT_DATE_ISO_SIZE];
    return kt_arena_strdup(req->arena, kt_date_format(d, buf));
}

static json_t *address_json(const struct orders_address *a)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", a->name, "street", a->street,
                     "postal_code", a->postal_code, "city", a->city, "country", a->country);
}

static json_t *totals_json(struct web_req *req, const struct orders_totals *t)
{
    json_t *rates = json_array();
    for (size_t i = 0; rates && i < t->nrates; i++)
        json_array_append_new(rates, json_pack("{s:s, s:s, s:s, s:s}", "vat", t->rates[i].vat,
                                               "net", money(req, t->rates[i].net, t->currency),
                                               "vat_amount",
                                               money(req, t->rates[i].vat_amount, t->currency),
                                               "gross", money(req, t->rates[i].gross, t->currency)));
    return json_pack("{s:o, s:s, s:s, s:s}", "rates", rates, "net", money(req, t->net, t->currency),
                     "vat", money(req, t->vat, t->currency), "gross",
                     money(req, t->gross, t->currency));
}

static json_t *line_json(struct web_req *req, const struct orders_order *o,
                         const struct orders_line *l)
{
    return json_pack(
        "{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "position",
        l->position, "kind", l->kind == ORDERS_LINE_UNMATCHED ? "unmatched" : "product", "product",
        l->code, "name", l->name, "qty", orders_web_decimal(req->arena, l->qty, 3, 0), "unit",
        l->unit, "unit_price", orders_web_decimal(req->arena, l->unit_price, 4, 2), "discount",
        orders_web_decimal(req->arena, l->discount, 2, 0), "vat", l->vat, "price_source",
        l->price_source, "value", money(req, l->value, o->currency), "reserved",
        orders_web_decimal(req->arena, l->reserved, 3, 0), "backordered",
        orders_web_decimal(req->arena, l->backordered, 3, 0));
}

static json_t *order_json(struct web_req *req, const struct orders_order *o)
{
    json_t *lines = json_array();
    for (size_t i = 0; lines && i < o->nlines; i++)
        json_array_append_new(lines, line_json(req, o, &o->lines[i]));
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o,"
        " s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:i, s:I, s:o}",
        "id", (json_int_t)o->id, "number", o->number, "customer", o->customer_code, "source",
        o->source, "external_id", o->external_id, "customer_po", o->customer_po, "date",
        iso_date(req, o->date), "currency", o->currency, "basis", price_basis_name(o->basis),
        "lang", o->lang, "document_type", o->document_type, "status",
        orders_status_name(o->status), "payment", orders_payment_name(o->payment), "partial",
        o->partial, "billing", address_json(&o->billing), "delivery",
        address_json(&o->delivery), "payment_method", o->payment_method, "payment_days",
        (json_int_t)o->payment_days, "shipping_method", o->shipping_method, "shipping_cost",
        money(req, o->shipping_cost, o->currency), "notes_customer", o->notes_customer,
        "notes_internal", o->notes_internal, "totals", totals_json(req, &o->totals), "revision",
        o->revision, "version", (json_int_t)o->version, "lines", lines);
    if (j) {
        json_object_set_new(j, "paid", json_string(money(req, o->paid, o->currency)));
        json_object_set_new(j, "created_by", json_string(o->created_by));
        json_object_set_new(j, "created_at", json_string(web_fmt_time(req->arena, o->created_at)));
        json_object_set_new(j, "confirmed_by", o->confirmed_at ? json_string(o->confirmed_by)
                                                               : json_null());
    }
    return j;
}

/* Reads order id and answers it with its ETag (status 200 or 201). */
static int answer_order(struct web_req *req, struct web_resp *resp, struct store *st, int64_t id,
                        int status)
{
    struct orders_actor actor;
    struct orders_order o;
    orders_web_actor(req, &actor);
    int rc = orders_get(st, &actor, id, req->arena, &o, &req->err);
    if (rc == 0)
        rc = web_api_etag(req, resp, o.version);
    if (rc != 0)
        return rc;
    if (status == 201) {
        const char *loc = kt_arena_printf(req->arena, "/api/v1/orders/%lld", (long long)id);
        if (!loc || web_resp_header(req, resp, "Location", loc) != 0)
            return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    }
    return web_resp_json(req, resp, status, order_json(req, &o));
}

/* A domain refusal as the API answers it: the field to blame, 422 for a
 * rule (a stock shortage included), the router's mapping otherwise. */
static int refused(struct web_req *req, int rc)
{
    if (rc == KT_EINVAL || rc == KT_ELIMIT)
        return web_fail(req, rc, 422, "unprocessable", orders_web_field_of(req->err.msg), "%s",
                        msg_copy(req));
    if (rc == KT_EEXIST)
        req->err_field = orders_web_field_of(req->err.msg);
    return rc;
}

/* ---- list --------------------------------------------------------------------------- */

int web_api_orders_list(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct orders_query q;
    int64_t page, per_page;
    web_api_page(req, &page, &per_page);
    orders_web_actor(req, &actor);
    orders_query_init(&q);
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    const struct web_value *v;
    if ((v = web_req_value(req, "status"))->present) {
        enum orders_status s;
        if (orders_status_parse(v->text, &s, &req->err) != 0)
            return web_fail(req, KT_EINVAL, 400, "invalid_field", "status", "%s", msg_copy(req));
        q.status = (int)s;
    }
    if ((v = web_req_value(req, "payment"))->present) {
        enum orders_payment p;
        if (orders_payment_parse(v->text, &p, &req->err) != 0)
            return web_fail(req, KT_EINVAL, 400, "invalid_field", "payment", "%s", msg_copy(req));
        q.payment = (int)p;
    }
    if ((v = web_req_value(req, "customer"))->present) {
        struct parties_customer c;
        if (parties_customer_get_by_code(st, v->text, &c, &req->err) != 0)
            return web_fail(req, KT_EINVAL, 400, "invalid_field", "customer", "%s",
                            msg_copy(req));
        q.customer_id = c.id;
    }
    if ((v = web_req_value(req, "product"))->present) {
        struct catalog_product p;
        if (catalog_product_get_by_code(st, v->text, req->arena, &p, &req->err) != 0)
            return web_fail(req, KT_EINVAL, 400, "invalid_field", "product", "%s", msg_copy(req));
        q.product_id = p.id;
    }
    if ((v = web_req_value(req, "source"))->present)
        q.source = v->text;
    if ((v = web_req_value(req, "from"))->present)
        q.date_from = (kt_date)v->num;
    if ((v = web_req_value(req, "to"))->present)
        q.date_to = (kt_date)v->num;
    if ((v = web_req_value(req, "number"))->present)
        q.number = v->text;
    if ((v = web_req_value(req, "po"))->present)
        q.customer_po = v->text;
    if ((v = web_req_value(req, "partial"))->present)
        q.partial = strcmp(v->text, "yes") == 0 ? 1 : strcmp(v->text, "no") == 0 ? 0 : -1;
    if ((v = web_req_value(req, "sort"))->present)
        orders_sort_parse(v->text, &q.sort, &req->err);
    q.descending = !((v = web_req_value(req, "order"))->present && strcmp(v->text, "asc") == 0);
    /* one more than a page tells whether another page follows, without
     * counting every order */
    q.limit = (int)per_page + 1;
    q.offset = (int)((page - 1) * per_page);
    struct orders_summary *items;
    size_t n;
    rc = orders_list(st, &actor, &q, req->arena, &items, &n, NULL, &req->err);
    if (rc != 0)
        return refused(req, rc);
    json_t *list = json_array();
    for (size_t i = 0; list && i < n && i < (size_t)per_page; i++) {
        const struct orders_summary *s = &items[i];
        json_array_append_new(
            list,
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:I}",
                      "id", (json_int_t)s->id, "number", s->number, "customer", s->customer_code,
                      "customer_name", s->customer_name, "source", s->source, "customer_po",
                      s->customer_po, "date", iso_date(req, s->date), "currency", s->currency,
                      "status", orders_status_name(s->status), "payment",
                      orders_payment_name(s->payment), "partial", s->partial, "total_net",
                      money(req, s->total_net, s->currency), "total_gross",
                      money(req, s->total_gross, s->currency), "version",
                      (json_int_t)s->version));
    }
    return web_resp_json(req, resp, 200,
                         json_pack("{s:o, s:I, s:I, s:b}", "items", list, "page",
                                   (json_int_t)page, "per_page", (json_int_t)per_page,
                                   "has_more", n > (size_t)per_page));
}

int web_api_order_get(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    return answer_order(req, resp, st, web_req_value(req, "id")->num, 200);
}

/* ---- create -------------------------------------------------------------------------- */

/* One element of "lines": declared and checked like any input. */
static const struct web_field line_fields[] = {
    {.name = "product", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1, .max = 40},
    {.name = "qty", .type = WEB_QTY, .from = WEB_FROM_BODY, .required = 1},
    {.name = "price", .type = WEB_PRICE, .from = WEB_FROM_BODY},
    {.name = "discount", .type = WEB_INT, .from = WEB_FROM_BODY, .min = 0, .max = 10000},
    {.name = "name", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = ORDERS_FIELD_MAX},
    {.name = "vat", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 8},
};
#define NLINE_FIELDS (sizeof line_fields / sizeof line_fields[0])

/* Checks lines[i] into *out; a bad member is a 400 naming "lines[i].member". */
static int line_from_json(struct web_req *req, json_t *el, size_t i, struct orders_line_input *out)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(el))
        return web_fail(req, KT_EINVAL, 400, "invalid_field",
                        kt_arena_printf(req->arena, "lines[%zu]", i),
                        "lines[%zu] must be an object such as {\"product\": \"P-001\", "
                        "\"qty\": \"2\"}",
                        i);
    const char *k;
    json_t *v;
    json_object_foreach(el, k, v) {
        size_t f = 0;
        while (f < NLINE_FIELDS && strcmp(line_fields[f].name, k) != 0)
            f++;
        if (f == NLINE_FIELDS)
            return web_fail(req, KT_EINVAL, 400, "unknown_field",
                            kt_arena_printf(req->arena, "lines[%zu].%s", i, k),
                            "field 'lines[%zu].%s' is not part of a line", i, k);
    }
    struct web_value val[NLINE_FIELDS];
    for (size_t f = 0; f < NLINE_FIELDS; f++) {
        struct kt_err e;
        kt_err_clear(&e);
        int rc = web_input_json(&line_fields[f], json_object_get(el, line_fields[f].name),
                                req->arena, &val[f], &e);
        if (rc == 0 && line_fields[f].required && !val[f].present)
            rc = kt_err_set(&e, KT_EINVAL, "field '%s' is required", line_fields[f].name);
        if (rc != 0)
            return web_fail(req, KT_EINVAL, 400, "invalid_field",
                            kt_arena_printf(req->arena, "lines[%zu].%s", i, line_fields[f].name),
                            "lines[%zu]: %s", i, e.msg);
    }
    out->product_code = val[0].text;
    out->qty = val[1].num;
    out->has_price = val[2].present;
    out->price = val[2].num;
    out->discount = val[3].present ? val[3].num : 0;
    out->name = val[4].present ? val[4].text : NULL;
    out->vat = val[5].present ? val[5].text : NULL;
    return 0;
}

static const char *opt_text(const struct web_req *req, const char *name)
{
    const struct web_value *v = web_req_value(req, name);
    return v->present ? v->text : NULL;
}

int web_api_order_create(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct orders_input in;
    orders_web_actor(req, &actor);
    orders_input_init(&in);
    json_t *lines = json_object_get(req->json, "lines");
    size_t n = json_array_size(lines);
    struct orders_line_input *li = kt_arena_zalloc(req->arena, (n ? n : 1) * sizeof *li);
    if (!li)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory for %zu lines", n);
    for (size_t i = 0; i < n; i++) {
        int rc = line_from_json(req, json_array_get(lines, i), i, &li[i]);
        if (rc != 0)
            return rc;
    }
    in.lines = li;
    in.nlines = n;
    in.customer_code = web_text(req, "customer");
    in.source = opt_text(req, "source");
    in.external_id = opt_text(req, "external_id");
    in.customer_po = opt_text(req, "customer_po");
    in.currency = opt_text(req, "currency");
    const struct web_value *v;
    if ((v = web_req_value(req, "basis"))->present) {
        in.basis_set = 1;
        in.basis = strcmp(v->text, "gross") == 0 ? PRICE_BASIS_GROSS : PRICE_BASIS_NET;
    }
    if ((v = web_req_value(req, "date"))->present)
        in.date = (kt_date)v->num;
    in.payment_method = opt_text(req, "payment_method");
    if ((v = web_req_value(req, "payment_days"))->present)
        in.payment_days = (int)v->num;
    in.shipping_method = opt_text(req, "shipping_method");
    in.shipping_cost = web_req_value(req, "shipping_cost")->num;
    in.notes_customer = opt_text(req, "notes_customer");
    in.notes_internal = opt_text(req, "notes_internal");
    in.submit = (int)web_req_value(req, "submit")->num;
    in.unmatched_ok = (int)web_req_value(req, "allow_unmatched")->num;
    int64_t id;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = orders_create(st, &actor, &in, &id, NULL, NULL, &req->err);
    if (rc != 0)
        return refused(req, rc);
    return answer_order(req, resp, st, id, 201);
}

/* ---- changes with If-Match ------------------------------------------------------------- */

/* The store and the version the client read; 428/400 from If-Match. */
static int change_begin(struct web_req *req, struct store **st, struct orders_actor *actor,
                        int64_t *version)
{
    int rc = web_api_if_match(req, version);
    if (rc != 0)
        return rc;
    orders_web_actor(req, actor);
    return web_req_db(req, st, &req->err);
}

int web_api_order_update(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    int64_t version, id = web_req_value(req, "id")->num;
    int rc = change_begin(req, &st, &actor, &version);
    if (rc != 0)
        return rc;
    struct orders_header_change c;
    orders_header_change_init(&c);
    c.customer_po = opt_text(req, "customer_po");
    c.notes_customer = opt_text(req, "notes_customer");
    c.notes_internal = opt_text(req, "notes_internal");
    c.payment_method = opt_text(req, "payment_method");
    const struct web_value *v;
    if ((v = web_req_value(req, "payment_days"))->present)
        c.payment_days = (int)v->num;
    c.shipping_method = opt_text(req, "shipping_method");
    if ((v = web_req_value(req, "shipping_cost"))->present) {
        c.shipping_cost_set = 1;
        c.shipping_cost = v->num;
    }
    rc = orders_update_header(st, &actor, id, version, &c, NULL, &req->err);
    if (rc != 0)
        return refused(req, rc);
    return answer_order(req, resp, st, id, 200);
}

static int product_id_of(struct web_req *req, struct store *st, const char *field, int64_t *id)
{
    struct catalog_product p;
    int rc = catalog_product_get_by_code(st, web_text(req, field), req->arena, &p, &req->err);
    if (rc == KT_ENOTFOUND)
        return web_fail(req, KT_EINVAL, 422, "unprocessable", field, "%s", msg_copy(req));
    if (rc == 0)
        *id = p.id;
    return rc;
}

int web_api_order_line_add(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    int64_t version, id = web_req_value(req, "id")->num;
    int rc = change_begin(req, &st, &actor, &version);
    if (rc != 0)
        return rc;
    struct orders_line_input l;
    memset(&l, 0, sizeof l);
    l.product_code = web_text(req, "product");
    l.qty = web_req_value(req, "qty")->num;
    l.has_price = web_req_value(req, "price")->present;
    l.price = web_req_value(req, "price")->num;
    l.discount = web_req_value(req, "discount")->num;
    rc = orders_line_add(st, &actor, id, version, &l, NULL, &req->err);
    if (rc != 0)
        return refused(req, rc);
    return answer_order(req, resp, st, id, 200);
}

int web_api_order_line_update(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    int64_t version, id = web_req_value(req, "id")->num;
    int rc = change_begin(req, &st, &actor, &version);
    if (rc != 0)
        return rc;
    const struct web_value *qty = web_req_value(req, "qty");
    const struct web_value *price = web_req_value(req, "price");
    const struct web_value *disc = web_req_value(req, "discount");
    rc = orders_line_update(st, &actor, id, version, (int)web_req_value(req, "position")->num,
                            qty->present ? qty->num : 0, price->present, price->num,
                            disc->present ? disc->num : -1, NULL, &req->err);
    if (rc != 0)
        return refused(req, rc);
    return answer_order(req, resp, st, id, 200);
}

int web_api_order_line_remove(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    int64_t version, id = web_req_value(req, "id")->num;
    int rc = change_begin(req, &st, &actor, &version);
    if (rc != 0)
        return rc;
    rc = orders_line_remove(st, &actor, id, version, (int)web_req_value(req, "position")->num,
                            NULL, &req->err);
    if (rc != 0)
        return refused(req, rc);
    return answer_order(req, resp, st, id, 200);
}

int web_api_order_map_line(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    int64_t version, product_id = 0, id = web_req_value(req, "id")->num;
    int rc = change_begin(req, &st, &actor, &version);
    if (rc == 0)
        rc = product_id_of(req, st, "product", &product_id);
    if (rc != 0)
        return rc;
    rc = orders_map_line(st, &actor, id, version, (int)web_req_value(req, "position")->num,
                         product_id, NULL, &req->err);
    if (rc != 0)
        return refused(req, rc);
    return answer_order(req, resp, st, id, 200);
}

/* POST .../confirm, .../cancel, .../submit: the action is the route's last word. */
int web_api_order_transition(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    int64_t version, id = web_req_value(req, "id")->num;
    int rc = change_begin(req, &st, &actor, &version);
    if (rc != 0)
        return rc;
    const char *action = strrchr(req->route->pattern, '/') + 1;
    if (strcmp(action, "confirm") == 0) {
        int64_t wh = 0;
        if (web_req_value(req, "warehouse")->present) {
            struct stock_warehouse w;
            rc = stock_warehouse_get(st, web_text(req, "warehouse"), &w, &req->err);
            if (rc == KT_ENOTFOUND)
                return web_fail(req, KT_EINVAL, 422, "unprocessable", "warehouse", "%s",
                                msg_copy(req));
            if (rc != 0)
                return rc;
            wh = w.id;
        }
        rc = orders_confirm(st, &actor, id, version, wh, NULL, &req->err);
    } else if (strcmp(action, "cancel") == 0) {
        rc = orders_cancel(st, &actor, id, version, opt_text(req, "reason"), NULL, &req->err);
    } else {
        rc = orders_submit(st, &actor, id, version, NULL, &req->err);
    }
    if (rc != 0)
        return refused(req, rc);
    return answer_order(req, resp, st, id, 200);
}

/* ---- messages ------------------------------------------------------------------------- */

int web_api_order_messages(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct orders_message *m;
    size_t n;
    int64_t unread;
    orders_web_actor(req, &actor);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = orders_messages(st, &actor, web_req_value(req, "id")->num, req->arena, &m, &n,
                             &unread, &req->err);
    if (rc != 0)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id",
                                               (json_int_t)m[i].id, "at",
                                               web_fmt_time(req->arena, m[i].at), "author_kind",
                                               m[i].author_kind, "author", m[i].author, "body",
                                               m[i].body, "read", m[i].read_at != 0));
    return web_resp_json(req, resp, 200,
                         json_pack("{s:o, s:I}", "items", items, "unread", (json_int_t)unread));
}

int web_api_order_message_post(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    int64_t mid;
    orders_web_actor(req, &actor);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = orders_message_post(st, &actor, web_req_value(req, "id")->num,
                                 web_text(req, "body"), &mid, &req->err);
    if (rc == KT_EINVAL)
        return web_fail(req, rc, 422, "unprocessable", "body", "%s", msg_copy(req));
    if (rc != 0)
        return rc;
    return web_resp_json(req, resp, 201, json_pack("{s:I}", "id", (json_int_t)mid));
}

/* ---- the live price of a line ------------------------------------------------------------ */

int web_api_order_price(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct parties_customer c;
    struct catalog_product p;
    struct price_quote q;
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    rc = parties_customer_get_by_code(st, web_text(req, "customer"), &c, &req->err);
    if (rc == KT_ENOTFOUND)
        return web_fail(req, rc, 404, "not_found", "customer", "%s", msg_copy(req));
    if (rc == 0)
        rc = catalog_product_get_by_code(st, web_text(req, "product"), req->arena, &p, &req->err);
    if (rc == KT_ENOTFOUND)
        return web_fail(req, rc, 404, "not_found", "product", "%s", msg_copy(req));
    if (rc != 0)
        return rc;
    const struct web_value *qty = web_req_value(req, "qty");
    const char *currency = web_req_value(req, "currency")->present ? web_text(req, "currency")
                                                                    : c.currency;
    rc = price_resolve(st, c.id, p.id, qty->present ? qty->num : 1000, currency,
                       kt_time_warsaw_date((kt_time)time(NULL)), &q, &req->err);
    if (rc == KT_ENOTFOUND)
        return web_fail(req, rc, 404, "not_found", "product", "%s", msg_copy(req));
    if (rc != 0)
        return rc;
    const char *shown = web_fmt_price(req->arena, q.price, q.currency, req->lang);
    return web_resp_json(
        req, resp, 200,
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "product", p.code, "price",
                  orders_web_decimal(req->arena, q.price, 4, 2), "currency", q.currency, "basis",
                  price_basis_name(q.basis), "source", q.source_text, "vat", p.vat_rate,
                  "formatted",
                  kt_arena_printf(req->arena, "%s %s", shown ? shown : "",
                                  web_t(req, q.basis == PRICE_BASIS_GROSS ? "orders.gross"
                                                                          : "orders.net"))));
}
