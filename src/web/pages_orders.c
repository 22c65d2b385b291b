/*
 * The back-office order screens: the list with filters, sorting and pages
 * (one more row than a page is read to know whether another follows; the
 * table is never counted), an order with its lines, totals per VAT rate,
 * history, revisions, messages and the forms that change it, the form for
 * a new order, the header form, and the confirmation step of a
 * cancellation. Reading needs orders.read, changing orders.write.
 *
 * Every form of an order carries the version the page was made from: when
 * someone else changed the order meanwhile the change is refused with 409,
 * the page comes back with what was typed and a sentence saying so, and
 * the newer version in the form, so sending again is a deliberate choice.
 * The new-order form works without JavaScript (prices are resolved when it
 * is sent); web/static/orders.js only suggests customers and products and
 * shows the price a line will get.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "base/date.h"
#include "base/money.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/warehouse.h"
#include "orders/orders.h"
#include "parties/customer.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/orders_web.h"
#include "web/pages.h"
#include "web/router.h"
#include "base/banned.h"

#define LIST_PER_PAGE 25
#define NEW_LINES 6 /* line rows on the new-order form (routes.c declares as many) */
#define HEADER_FIELDS 5
#define NF(a) (sizeof a / sizeof a[0])

#define LINE_ROW(n)                                                                           \
    {"product_" #n, "orders.line_product", WEB_FK_TEXT, 0},                                    \
        {"qty_" #n, "orders.line_qty", WEB_FK_NUMBER, 0},                                      \
        {"price_" #n, "orders.line_price", WEB_FK_NUMBER, 0}

static const struct web_form_field new_fields[] = {
    {"customer", "orders.customer", WEB_FK_TEXT, 1},
    {"customer_po", "orders.customer_po", WEB_FK_TEXT, 0},
    {"currency", "orders.currency", WEB_FK_SELECT, 0},
    {"notes_customer", "orders.notes_customer", WEB_FK_TEXTAREA, 0},
    {"notes_internal", "orders.notes_internal", WEB_FK_TEXTAREA, 0},
    LINE_ROW(1),
    LINE_ROW(2),
    LINE_ROW(3),
    LINE_ROW(4),
    LINE_ROW(5),
    LINE_ROW(6),
};

static const struct web_form_field header_fields[] = {
    {"customer_po", "orders.customer_po", WEB_FK_TEXT, 0},
    {"payment_method", "orders.payment_method", WEB_FK_SELECT, 0},
    {"payment_days", "orders.payment_days", WEB_FK_NUMBER, 0},
    {"shipping_method", "orders.shipping_method", WEB_FK_TEXT, 0},
    {"shipping_cost", "orders.shipping_cost", WEB_FK_NUMBER, 0},
    {"notes_customer", "orders.notes_customer", WEB_FK_TEXTAREA, 0},
    {"notes_internal", "orders.notes_internal", WEB_FK_TEXTAREA, 0},
};

static const char *const currencies[] = {"PLN", "EUR", "USD", "GBP", "CHF",
                                         "CZK", "SEK", "NOK", "DKK", "HUF"};

/* What a page of an order may show besides the order: a problem at the
 * top (a refusal, a conflict) and what was typed into one of its forms. */
struct order_page {
    const char *problem;
    const char *message_typed;
};

static int can_write(const struct web_req *req)
{
    return access_can(&req->who->perms, "orders.write");
}

static const char *order_href(struct web_req *req, int64_t id, const char *rest)
{
    return kt_arena_printf(req->arena, "/orders/%lld%s", (long long)id, rest);
}

static const char *money_text(struct web_req *req, int64_t minor, const char *currency)
{
    const char *s = web_fmt_money(req->arena, minor, currency, req->lang);
    return s ? s : "";
}

/* The badge class of a status: colour always comes with the word. */
static const char *status_badge(enum orders_status s)
{
    switch (s) {
    case ORDERS_CONFIRMED:
    case ORDERS_IN_FULFILMENT:
        return "badge-info";
    case ORDERS_SHIPPED:
    case ORDERS_COMPLETED:
        return "badge-success";
    case ORDERS_SUBMITTED:
        return "badge-warning";
    case ORDERS_CANCELLED:
        return "badge-danger";
    default:
        return "badge-neutral";
    }
}

static const char *payment_badge(enum orders_payment p)
{
    return p == ORDERS_PAID ? "badge-success" : p == ORDERS_UNPAID ? "badge-neutral" : "badge-warning";
}

static const char *status_word(struct web_req *req, const char *name)
{
    return web_t(req, kt_arena_printf(req->arena, "orders.status_%s", name));
}

static const char *payment_word(struct web_req *req, const char *name)
{
    return web_t(req, kt_arena_printf(req->arena, "orders.payment_%s", name));
}

static const char *iso(struct web_req *req, kt_date d)
{
    char b[KT_DATE_ISO_SIZE];
    return kt_arena_strdup(req->arena, kt_date_format(d, b));
}

/* A domain refusal: one of the "expected" answers shown in a page, or a
 * failure the router turns into an error page. */
static int shown_in_page(int rc)
{
    return rc == KT_EINVAL || rc == KT_ELIMIT || rc == KT_ECONFLICT || rc == KT_EEXIST ||
           rc == KT_EPERM;
}

static int status_of(int rc)
{
    return rc == KT_ECONFLICT || rc == KT_EEXIST ? 409 : rc == KT_EPERM ? 403 : 422;
}

/* ---- the list --------------------------------------------------------------------------- */

static void add_query(struct web_req *req, struct kt_buf *b, const char *name)
{
    const char *v = web_req_query(req, name);
    if (v && *v && strcmp(name, "page") != 0 && strcmp(name, "sort") != 0 &&
        strcmp(name, "order") != 0)
        kt_buf_printf(b, "%s=%s&", name, web_url_enc(req, v));
}

/* The list's URL with the current filters and the given sort and page. */
static const char *list_url(struct web_req *req, const char *sort, const char *order, int64_t page)
{
    static const char *const names[] = {"status", "payment", "customer", "source", "from",
                                        "to",     "number",  "po",       "product", "partial"};
    struct kt_buf b;
    kt_buf_init(&b, 2048);
    kt_buf_adds(&b, "/orders?");
    for (size_t i = 0; i < NF(names); i++)
        add_query(req, &b, names[i]);
    kt_buf_printf(&b, "sort=%s&order=%s&page=%lld", sort, order, (long long)page);
    const char *s = kt_arena_strdup(req->arena, kt_buf_str(&b));
    kt_buf_release(&b);
    return s ? s : "/orders";
}

static json_t *options(struct web_req *req, const char *prefix, const char *const *names,
                       size_t n, const char *current)
{
    json_t *a = json_array();
    json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", "", "label",
                                       web_t(req, "orders.any"), "selected", !current || !*current));
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:b}", "value", names[i], "label",
                         web_t(req, kt_arena_printf(req->arena, "%s%s", prefix, names[i])),
                         "selected", current && strcmp(current, names[i]) == 0));
    return a;
}

int web_page_orders(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct orders_query q;
    orders_web_actor(req, &actor);
    orders_query_init(&q);
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    const char *problem = NULL;
    const struct web_value *v;
    if ((v = web_req_value(req, "status"))->present) {
        enum orders_status s;
        if (orders_status_parse(v->text, &s, &req->err) == 0)
            q.status = (int)s;
    }
    if ((v = web_req_value(req, "payment"))->present) {
        enum orders_payment p;
        if (orders_payment_parse(v->text, &p, &req->err) == 0)
            q.payment = (int)p;
    }
    if ((v = web_req_value(req, "customer"))->present) {
        struct parties_customer c;
        if (parties_customer_get_by_code(st, v->text, &c, &req->err) == 0)
            q.customer_id = c.id;
        else
            problem = kt_arena_strdup(req->arena, req->err.msg);
    }
    if ((v = web_req_value(req, "product"))->present) {
        struct catalog_product p;
        if (catalog_product_get_by_code(st, v->text, req->arena, &p, &req->err) == 0)
            q.product_id = p.id;
        else
            problem = kt_arena_strdup(req->arena, req->err.msg);
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
        q.partial = strcmp(v->text, "yes") == 0 ? 1 : 0;
    const char *sort = "number";
    if ((v = web_req_value(req, "sort"))->present && orders_sort_parse(v->text, &q.sort, &req->err) == 0)
        sort = v->text;
    const char *order = (v = web_req_value(req, "order"))->present ? v->text : "desc";
    q.descending = strcmp(order, "asc") != 0;
    int64_t page = (v = web_req_value(req, "page"))->present ? v->num : 1;
    q.limit = LIST_PER_PAGE + 1;
    q.offset = (int)((page - 1) * LIST_PER_PAGE);

    struct orders_summary *items = NULL;
    size_t n = 0;
    if (!problem) {
        rc = orders_list(st, &actor, &q, req->arena, &items, &n, NULL, &req->err);
        if (rc != 0)
            return rc;
    }
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < n && i < LIST_PER_PAGE; i++) {
        const struct orders_summary *s = &items[i];
        const char *st_name = orders_status_name(s->status);
        const char *pay_name = orders_payment_name(s->payment);
        json_array_append_new(
            rows,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}",
                      "number", s->number, "href", order_href(req, s->id, ""), "customer",
                      s->customer_code, "customer_name", s->customer_name, "po", s->customer_po,
                      "date", iso(req, s->date), "status", status_word(req, st_name),
                      "status_badge", status_badge(s->status), "payment",
                      payment_word(req, pay_name), "payment_badge", payment_badge(s->payment),
                      "net", money_text(req, s->total_net, s->currency), "gross",
                      money_text(req, s->total_gross, s->currency), "partial", s->partial,
                      "source", s->source));
    }
    static const char *const statuses[] = {"draft",   "submitted", "confirmed", "in_fulfilment",
                                           "shipped", "completed", "cancelled"};
    static const char *const payments[] = {"unpaid", "partially_paid", "paid", "overpaid"};
    static const char *const sources[] = {"backoffice", "portal", "shop"};
    static const char *const partials[] = {"yes", "no"};
    json_t *heads = json_array();
    static const char *const sorts[] = {"number", "date", "customer", "total", "status"};
    for (size_t i = 0; heads && i < NF(sorts); i++) {
        int current = strcmp(sort, sorts[i]) == 0;
        const char *next = current && q.descending ? "asc" : "desc";
        json_array_append_new(
            heads, json_pack("{s:s, s:s, s:b, s:s?}", "label",
                             web_t(req, kt_arena_printf(req->arena, "orders.col_%s", sorts[i])),
                             "href", list_url(req, sorts[i], next, 1), "current", current, "aria",
                             current ? (q.descending ? "descending" : "ascending") : NULL));
    }
    json_t *p = json_pack(
        "{s:o, s:b, s:o, s:I, s:b, s:s?, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s},"
        " s:o, s:o, s:o, s:o}",
        "rows", rows, "has_rows", n > 0, "heads", heads, "page", (json_int_t)page, "can_write",
        can_write(req), "problem", problem, "filter", "number", web_text(req, "number"), "po",
        web_text(req, "po"), "customer", web_text(req, "customer"), "product",
        web_text(req, "product"), "from", web_text(req, "from"), "to", web_text(req, "to"), "sort",
        sort, "statuses", options(req, "orders.status_", statuses, NF(statuses),
                                  web_text(req, "status")),
        "payments", options(req, "orders.payment_", payments, NF(payments),
                            web_text(req, "payment")),
        "sources", options(req, "orders.source_", sources, NF(sources), web_text(req, "source")),
        "partials", options(req, "orders.partial_", partials, NF(partials),
                            web_text(req, "partial")));
    if (!p)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    /* the date filters show what was typed even when it was not a date */
    const char *from = web_req_query(req, "from"), *to = web_req_query(req, "to");
    json_object_set_new(json_object_get(p, "filter"), "from", json_string(from ? from : ""));
    json_object_set_new(json_object_get(p, "filter"), "to", json_string(to ? to : ""));
    if (page > 1)
        json_object_set_new(p, "prev", json_string(list_url(req, sort, order, page - 1)));
    if (n > LIST_PER_PAGE)
        json_object_set_new(p, "next", json_string(list_url(req, sort, order, page + 1)));
    return web_page_render(req, resp, "orders/list", p);
}

/* ---- a new order ------------------------------------------------------------------------ */

static int new_form(struct web_req *req, struct web_form *f)
{
    int rc = web_form_init(req, f, new_fields, NF(new_fields), "", "/orders");
    if (rc != 0)
        return rc;
    web_form_option(f, "currency", "", web_t(req, "orders.currency_customer"));
    for (size_t i = 0; i < NF(currencies); i++)
        web_form_option(f, "currency", currencies[i], currencies[i]);
    return 0;
}

/* The form's JSON split for the template: header fields, then the line
 * rows with a numbered label each ("Product 2"). */
static int render_new(struct web_req *req, struct web_resp *resp, struct web_form *f)
{
    json_t *form = web_form_json(req, f);
    if (!form)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    json_t *all = json_object_get(form, "fields");
    json_t *header = json_object();
    json_t *rows = json_array();
    for (size_t i = 0; i < HEADER_FIELDS; i++) {
        json_t *fj = json_array_get(all, i);
        json_object_set(header, json_string_value(json_object_get(fj, "name")), fj);
    }
    for (size_t r = 0; r < NEW_LINES; r++) {
        json_t *row = json_pack("{s:i}", "n", (int)r + 1);
        static const char *const parts[] = {"product", "qty", "price"};
        for (size_t k = 0; k < 3; k++) {
            json_t *fj = json_array_get(all, HEADER_FIELDS + r * 3 + k);
            json_object_set_new(fj, "label",
                                json_string(kt_arena_printf(
                                    req->arena, "%s %zu",
                                    json_string_value(json_object_get(fj, "label")), r + 1)));
            json_object_set(row, parts[k], fj);
        }
        json_array_append_new(rows, row);
    }
    json_object_del(form, "fields");
    json_object_set_new(form, "header", header);
    json_object_set_new(form, "lines", rows);
    return web_page_render(req, resp, "orders/new", json_pack("{s:o}", "form", form));
}

int web_page_order_new(struct web_req *req, struct web_resp *resp)
{
    struct web_form f;
    int rc = new_form(req, &f);
    if (rc != 0)
        return rc;
    const char *c = web_req_query(req, "customer");
    if (c)
        web_form_set(req, &f, "customer", c);
    return render_new(req, resp, &f);
}

int web_page_order_create(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct web_form f;
    struct orders_actor actor;
    struct orders_input in;
    struct orders_line_input lines[NEW_LINES];
    int row_of[NEW_LINES];
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = new_form(req, &f);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    orders_web_actor(req, &actor);
    orders_input_init(&in);
    size_t n = 0;
    for (int r = 1; r <= NEW_LINES; r++) {
        char pn[16], qn[16], cn[16];
        snprintf(pn, sizeof pn, "product_%d", r);
        snprintf(qn, sizeof qn, "qty_%d", r);
        snprintf(cn, sizeof cn, "price_%d", r);
        const struct web_value *p = web_req_value(req, pn), *q = web_req_value(req, qn),
                               *c = web_req_value(req, cn);
        if (!p->present && !q->present && !c->present)
            continue;
        if (!p->present)
            web_form_error(&f, pn, web_t(req, "orders.line_product_missing"));
        else if (!q->present)
            web_form_error(&f, qn, web_t(req, "orders.line_qty_missing"));
        memset(&lines[n], 0, sizeof lines[n]);
        lines[n].product_code = p->text;
        lines[n].qty = q->num;
        lines[n].has_price = c->present;
        lines[n].price = c->num;
        row_of[n++] = r;
    }
    if (n == 0)
        web_form_error(&f, "product_1", web_t(req, "orders.no_lines"));
    if (web_form_has_errors(&f)) {
        resp->status = 422;
        return render_new(req, resp, &f);
    }
    in.customer_code = web_text(req, "customer");
    in.customer_po = web_req_value(req, "customer_po")->present ? web_text(req, "customer_po") : NULL;
    in.currency = web_req_value(req, "currency")->present ? web_text(req, "currency") : NULL;
    in.notes_customer = web_text(req, "notes_customer");
    in.notes_internal = web_text(req, "notes_internal");
    in.lines = lines;
    in.nlines = n;
    int64_t id;
    rc = orders_create(st, &actor, &in, &id, NULL, NULL, &err);
    if (rc == 0)
        return web_done(req, resp, "order_created", order_href(req, id, ""));
    if (!shown_in_page(rc)) {
        req->err = err;
        return rc;
    }
    const char *msg = kt_arena_strdup(req->arena, err.msg);
    const char *field = orders_web_field_of(msg);
    int line = 0;
    if (field && strcmp(field, "lines") == 0 && sscanf(msg, "line %d", &line) == 1 && line >= 1 &&
        (size_t)line <= n)
        field = kt_arena_printf(req->arena, "product_%d", row_of[line - 1]);
    else if (field && strcmp(field, "lines") == 0)
        field = "product_1";
    web_form_error(&f, field, msg);
    resp->status = status_of(rc);
    return render_new(req, resp, &f);
}

/* ---- one order ---------------------------------------------------------------------------- */

static json_t *address_json(const struct orders_address *a)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", a->name, "street", a->street,
                     "postal_code", a->postal_code, "city", a->city, "country", a->country);
}

static int editable(const struct orders_order *o)
{
    return o->status == ORDERS_DRAFT || o->status == ORDERS_SUBMITTED ||
           o->status == ORDERS_CONFIRMED;
}

static int show(struct web_req *req, struct web_resp *resp, int64_t id, const struct order_page *pg)
{
    struct store *st;
    struct orders_actor actor;
    struct orders_order o;
    struct orders_history_entry *hist;
    struct orders_message *msgs;
    size_t nh, nm;
    int64_t unread;
    orders_web_actor(req, &actor);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = orders_get(st, &actor, id, req->arena, &o, &req->err);
    if (rc == 0)
        rc = orders_history(st, &actor, id, req->arena, &hist, &nh, &req->err);
    if (rc == 0)
        rc = orders_messages(st, &actor, id, req->arena, &msgs, &nm, &unread, &req->err);
    if (rc != 0)
        return rc;
    int write = can_write(req);
    int edit = write && editable(&o);
    const char *cur = o.currency;
    json_t *lines = json_array();
    for (size_t i = 0; lines && i < o.nlines; i++) {
        const struct orders_line *l = &o.lines[i];
        const char *price = web_fmt_price(req->arena, l->unit_price, cur, req->lang);
        const char *qty = web_fmt_qty(req->arena, l->qty, req->lang);
        json_array_append_new(
            lines,
            json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:b}",
                      "position", l->position, "code", l->code, "name", l->name, "qty",
                      qty ? qty : "", "unit", l->unit, "price", price ? price : "", "discount",
                      orders_web_decimal(req->arena, l->discount, 2, 0), "vat", l->vat, "value",
                      money_text(req, l->value, cur), "unmatched",
                      l->kind == ORDERS_LINE_UNMATCHED, "source", l->price_source, "action",
                      order_href(req, id, kt_arena_printf(req->arena, "/lines/%d", l->position)),
                      "backordered",
                      l->backordered ? web_fmt_qty(req->arena, l->backordered, req->lang) : "",
                      "has_backorder", l->backordered != 0));
    }
    json_t *rates = json_array();
    for (size_t i = 0; rates && i < o.totals.nrates; i++) {
        const struct orders_totals_rate *r = &o.totals.rates[i];
        json_array_append_new(rates, json_pack("{s:s, s:s, s:s, s:s}", "vat", r->vat, "net",
                                               money_text(req, r->net, cur), "vat_amount",
                                               money_text(req, r->vat_amount, cur), "gross",
                                               money_text(req, r->gross, cur)));
    }
    json_t *jh = json_array();
    for (size_t i = 0; jh && i < nh; i++)
        json_array_append_new(
            jh, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:b}", "at",
                          web_fmt_time(req->arena, hist[i].at), "actor", hist[i].actor, "action",
                          hist[i].action, "status",
                          *hist[i].to_status ? status_word(req, hist[i].to_status) : "", "detail",
                          hist[i].detail, "revision", hist[i].revision, "revised",
                          strcmp(hist[i].action, "revised") == 0));
    json_t *jm = json_array();
    for (size_t i = 0; jm && i < nm; i++)
        json_array_append_new(
            jm, json_pack("{s:s, s:s, s:s, s:b}", "at", web_fmt_time(req->arena, msgs[i].at),
                          "author", msgs[i].author, "body", msgs[i].body, "customer",
                          strcmp(msgs[i].author_kind, "customer") == 0));
    if (nm > 0 && unread > 0)
        orders_messages_mark_read(st, &actor, id, &req->err);
    const char *status = orders_status_name(o.status);
    json_t *page = json_pack(
        "{s:{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:s, s:s,"
        " s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s}, s:o, s:o, s:{s:s, s:s, s:s}, s:o, s:o}",
        "order", "version", (json_int_t)o.version, "number", o.number, "customer",
        o.customer_code, "customer_href",
        kt_arena_printf(req->arena, "/customers/%s", web_url_enc(req, o.customer_code)), "date",
        iso(req, o.date), "source", o.source, "po", o.customer_po, "status",
        status_word(req, status), "status_badge", status_badge(o.status), "payment",
        payment_word(req, orders_payment_name(o.payment)), "payment_badge",
        payment_badge(o.payment), "partial", o.partial, "billing", address_json(&o.billing),
        "delivery", address_json(&o.delivery), "currency", o.currency, "basis",
        web_t(req, o.basis == PRICE_BASIS_GROSS ? "orders.basis_gross" : "orders.basis_net"),
        "payment_method", o.payment_method, "shipping",
        o.shipping_cost ? money_text(req, o.shipping_cost, cur) : "", "notes_customer",
        o.notes_customer, "notes_internal", o.notes_internal, "created_by", o.created_by,
        "created_at", web_fmt_time(req->arena, o.created_at), "revision", o.revision, "paid",
        money_text(req, o.paid, cur),
        "lines", lines, "rates", rates, "totals", "net", money_text(req, o.totals.net, cur), "vat",
        money_text(req, o.totals.vat, cur), "gross", money_text(req, o.totals.gross, cur),
        "history", jh, "messages", jm);
    if (!page)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    json_object_set_new(page, "has_messages", json_boolean(nm > 0));
    json_object_set_new(page, "can_write", json_boolean(write));
    json_object_set_new(page, "can_edit", json_boolean(edit));
    json_object_set_new(page, "can_confirm",
                        json_boolean(write && !o.partial &&
                                     (o.status == ORDERS_DRAFT || o.status == ORDERS_SUBMITTED)));
    json_object_set_new(page, "can_cancel",
                        json_boolean(write && orders_transition_allowed(o.status,
                                                                        ORDERS_CANCELLED)));
    json_object_set_new(page, "confirmed_edit", json_boolean(edit && o.status == ORDERS_CONFIRMED));
    json_object_set_new(page, "base", json_string(order_href(req, id, "")));
    if (pg && pg->problem)
        json_object_set_new(page, "problem", json_string(pg->problem));
    json_object_set_new(page, "message_typed",
                        json_string(pg && pg->message_typed ? pg->message_typed : ""));
    return web_page_render(req, resp, "orders/show", page);
}

int web_page_order(struct web_req *req, struct web_resp *resp)
{
    return show(req, resp, web_req_value(req, "id")->num, NULL);
}

/* After a change of the order from its page: back to it with a flash, or
 * the page again with the refusal (409 for someone else's change). */
static int after_change(struct web_req *req, struct web_resp *resp, int rc, struct kt_err *err,
                        const char *flash)
{
    int64_t id = web_req_value(req, "id")->num;
    if (rc == 0)
        return web_done(req, resp, flash, order_href(req, id, ""));
    if (!shown_in_page(rc)) {
        req->err = *err;
        return rc;
    }
    struct order_page pg = {.problem = rc == KT_ECONFLICT
                                           ? kt_arena_printf(req->arena, "%s %s", err->msg,
                                                             web_t(req, "orders.conflict"))
                                           : kt_arena_strdup(req->arena, err->msg)};
    resp->status = status_of(rc);
    return show(req, resp, id, &pg);
}

/* The first failed field of the route, as a refusal for the page. */
static int field_problem(struct web_req *req, struct kt_err *err)
{
    size_t n = web_route_nfields(req->route);
    for (size_t i = 0; i < n; i++)
        if (req->field_errors[i])
            return kt_err_set(err, KT_EINVAL, "%s", req->field_errors[i]);
    return 0;
}

static int change_begin(struct web_req *req, struct store **st, struct orders_actor *actor,
                        struct kt_err *err)
{
    kt_err_clear(err);
    orders_web_actor(req, actor);
    int rc = web_req_db(req, st, &req->err);
    if (rc != 0) {
        *err = req->err;
        return rc;
    }
    return field_problem(req, err);
}

int web_page_order_line_add(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct kt_err err;
    int rc = change_begin(req, &st, &actor, &err);
    if (rc == 0) {
        struct orders_line_input l;
        memset(&l, 0, sizeof l);
        l.product_code = web_text(req, "product");
        l.qty = web_req_value(req, "qty")->num;
        l.has_price = web_req_value(req, "price")->present;
        l.price = web_req_value(req, "price")->num;
        rc = orders_line_add(st, &actor, web_req_value(req, "id")->num,
                             web_req_value(req, "version")->num, &l, NULL, &err);
    }
    return after_change(req, resp, rc, &err, "order_saved");
}

int web_page_order_line_save(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct kt_err err;
    int rc = change_begin(req, &st, &actor, &err);
    if (rc == 0) {
        const struct web_value *price = web_req_value(req, "price");
        rc = orders_line_update(st, &actor, web_req_value(req, "id")->num,
                                web_req_value(req, "version")->num,
                                (int)web_req_value(req, "position")->num,
                                web_req_value(req, "qty")->num, price->present, price->num, -1,
                                NULL, &err);
    }
    return after_change(req, resp, rc, &err, "order_saved");
}

int web_page_order_line_remove(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct kt_err err;
    int rc = change_begin(req, &st, &actor, &err);
    if (rc == 0)
        rc = orders_line_remove(st, &actor, web_req_value(req, "id")->num,
                                web_req_value(req, "version")->num,
                                (int)web_req_value(req, "position")->num, NULL, &err);
    return after_change(req, resp, rc, &err, "order_saved");
}

int web_page_order_line_map(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct kt_err err;
    int rc = change_begin(req, &st, &actor, &err);
    if (rc == 0) {
        struct catalog_product p;
        rc = catalog_product_get_by_code(st, web_text(req, "product"), req->arena, &p, &err);
        if (rc == KT_ENOTFOUND)
            rc = KT_EINVAL;
        if (rc == 0)
            rc = orders_map_line(st, &actor, web_req_value(req, "id")->num,
                                 web_req_value(req, "version")->num,
                                 (int)web_req_value(req, "position")->num, p.id, NULL, &err);
    }
    return after_change(req, resp, rc, &err, "order_saved");
}

int web_page_order_confirm(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct kt_err err;
    int rc = change_begin(req, &st, &actor, &err);
    if (rc == 0)
        rc = orders_confirm(st, &actor, web_req_value(req, "id")->num,
                            web_req_value(req, "version")->num, 0, NULL, &err);
    return after_change(req, resp, rc, &err, "order_confirmed");
}

int web_page_order_message(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct kt_err err;
    int rc = change_begin(req, &st, &actor, &err);
    if (rc == 0)
        rc = orders_message_post(st, &actor, web_req_value(req, "id")->num, web_text(req, "body"),
                                 NULL, &err);
    if (rc != 0 && shown_in_page(rc)) {
        struct order_page pg = {.problem = kt_arena_strdup(req->arena, err.msg),
                                .message_typed = web_req_form_text(req, "body")};
        resp->status = status_of(rc);
        return show(req, resp, web_req_value(req, "id")->num, &pg);
    }
    return after_change(req, resp, rc, &err, "message_sent");
}

/* ---- the cancellation step ------------------------------------------------------------------ */

static int render_cancel(struct web_req *req, struct web_resp *resp, int64_t id,
                         const char *problem, const char *reason)
{
    struct store *st;
    struct orders_actor actor;
    struct orders_order o;
    orders_web_actor(req, &actor);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = orders_get(st, &actor, id, req->arena, &o, &req->err);
    if (rc != 0)
        return rc;
    return web_page_render(
        req, resp, "orders/cancel",
        json_pack("{s:s, s:s, s:I, s:s, s:s, s:s?, s:s}", "number", o.number, "href",
                  order_href(req, id, ""), "version", (json_int_t)o.version, "action",
                  order_href(req, id, "/cancel"), "gross", money_text(req, o.totals.gross, o.currency),
                  "problem", problem, "reason", reason ? reason : ""));
}

int web_page_order_cancel_form(struct web_req *req, struct web_resp *resp)
{
    return render_cancel(req, resp, web_req_value(req, "id")->num, NULL, NULL);
}

int web_page_order_cancel(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct kt_err err;
    int64_t id = web_req_value(req, "id")->num;
    int rc = change_begin(req, &st, &actor, &err);
    if (rc == 0)
        rc = orders_cancel(st, &actor, id, web_req_value(req, "version")->num,
                           web_req_value(req, "reason")->present ? web_text(req, "reason") : NULL,
                           NULL, &err);
    if (rc == 0)
        return web_done(req, resp, "order_cancelled", order_href(req, id, ""));
    if (!shown_in_page(rc)) {
        req->err = err;
        return rc;
    }
    resp->status = status_of(rc);
    const char *problem = rc == KT_ECONFLICT ? kt_arena_printf(req->arena, "%s %s", err.msg,
                                                               web_t(req, "orders.conflict"))
                                             : kt_arena_strdup(req->arena, err.msg);
    return render_cancel(req, resp, id, problem, web_req_form_text(req, "reason"));
}

/* ---- the header form ------------------------------------------------------------------------ */

static int header_form(struct web_req *req, struct web_form *f, int64_t id)
{
    int rc = web_form_init(req, f, header_fields, NF(header_fields), "", order_href(req, id, ""));
    if (rc != 0)
        return rc;
    static const char *const pays[] = {"transfer", "cash", "cod", "card"};
    for (size_t i = 0; i < NF(pays); i++)
        web_form_option(f, "payment_method", pays[i],
                        web_t(req, kt_arena_printf(req->arena, "customer.pay_%s", pays[i])));
    return 0;
}

static int render_header(struct web_req *req, struct web_resp *resp, struct web_form *f,
                         int64_t id, const char *number, int64_t version)
{
    return web_page_render(req, resp, "orders/edit",
                           json_pack("{s:o, s:s, s:s, s:I}", "form", web_form_json(req, f),
                                     "number", number, "href", order_href(req, id, ""), "version",
                                     (json_int_t)version));
}

int web_page_order_edit(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct orders_order o;
    struct web_form f;
    int64_t id = web_req_value(req, "id")->num;
    orders_web_actor(req, &actor);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = orders_get(st, &actor, id, req->arena, &o, &req->err);
    if (rc == 0)
        rc = header_form(req, &f, id);
    if (rc != 0)
        return rc;
    web_form_set(req, &f, "customer_po", o.customer_po);
    web_form_set(req, &f, "payment_method", o.payment_method);
    web_form_setf(req, &f, "payment_days", "%d", o.payment_days);
    web_form_set(req, &f, "shipping_method", o.shipping_method);
    struct kt_buf b;
    kt_buf_init(&b, 64);
    if (kt_money_format_number(&b, o.shipping_cost, o.currency, req->lang, NULL) == 0)
        web_form_set(req, &f, "shipping_cost", kt_buf_str(&b));
    kt_buf_release(&b);
    web_form_set(req, &f, "notes_customer", o.notes_customer);
    web_form_set(req, &f, "notes_internal", o.notes_internal);
    return render_header(req, resp, &f, id, o.number, o.version);
}

int web_page_order_save(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct orders_actor actor;
    struct orders_order o;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int64_t id = web_req_value(req, "id")->num, version = web_req_value(req, "version")->num;
    orders_web_actor(req, &actor);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = orders_get(st, &actor, id, req->arena, &o, &req->err);
    if (rc == 0)
        rc = header_form(req, &f, id);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    if (web_form_has_errors(&f)) {
        resp->status = 422;
        return render_header(req, resp, &f, id, o.number, version);
    }
    struct orders_header_change c;
    orders_header_change_init(&c);
    c.customer_po = web_text(req, "customer_po");
    c.notes_customer = web_text(req, "notes_customer");
    c.notes_internal = web_text(req, "notes_internal");
    if (web_req_value(req, "payment_method")->present)
        c.payment_method = web_text(req, "payment_method");
    if (web_req_value(req, "payment_days")->present)
        c.payment_days = (int)web_req_value(req, "payment_days")->num;
    c.shipping_method = web_text(req, "shipping_method");
    c.shipping_cost_set = 1;
    c.shipping_cost = web_req_value(req, "shipping_cost")->num;
    rc = orders_update_header(st, &actor, id, version, &c, NULL, &err);
    if (rc == 0)
        return web_done(req, resp, "order_saved", order_href(req, id, ""));
    if (!shown_in_page(rc)) {
        req->err = err;
        return rc;
    }
    resp->status = status_of(rc);
    if (rc == KT_ECONFLICT) {
        /* the newer version goes into the form: sending again overwrites knowingly */
        web_form_error(&f, NULL,
                       kt_arena_printf(req->arena, "%s %s", err.msg, web_t(req, "orders.conflict")));
        return render_header(req, resp, &f, id, o.number, o.version);
    }
    web_form_error(&f, orders_web_field_of(err.msg), kt_arena_strdup(req->arena, err.msg));
    return render_header(req, resp, &f, id, o.number, version);
}
