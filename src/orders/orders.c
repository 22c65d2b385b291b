#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/money.h"
#include "base/qty.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/vat.h"
#include "orders/internal.h"
#include "orders/orders.h"
#include "orders/totals.h"
#include "parties/customer.h"
#include "series/series.h"
#include "store/store.h"
#include "base/banned.h"

/*
 * Creating, reading, listing and editing orders. The lifecycle (status
 * changes, reservations, payments) is in lifecycle.c, messages and history
 * in messages.c, what they share in common.c.
 */

/* Position offset used to renumber lines without tripping UNIQUE (order_id,
 * position) halfway: larger than any position. */
#define POSITION_SHIFT 1000000
#define POSITION_SHIFT_SQL "1000000"
#define POSITION_BACK_SQL "1000001" /* POSITION_SHIFT + 1 */

void orders_input_init(struct orders_input *in)
{
    memset(in, 0, sizeof *in);
    in->payment_days = -1;
    in->basis = PRICE_BASIS_NET;
}

void orders_header_change_init(struct orders_header_change *c)
{
    memset(c, 0, sizeof *c);
    c->payment_days = -1;
}

void orders_query_init(struct orders_query *q)
{
    memset(q, 0, sizeof *q);
    q->status = -1;
    q->payment = -1;
    q->partial = -1;
    q->sort = ORDERS_SORT_NUMBER;
    q->descending = 1;
}

/* ---- checks of texts ---- */

static int check_text(const char *field, const char *text, size_t max, struct kt_err *err)
{
    if (text && strlen(text) > max)
        return kt_err_set(err, KT_EINVAL, "%s: longer than %zu bytes", field, max);
    return 0;
}

/* "backoffice", "portal" or "shop:NAME" with NAME of [a-z0-9_-], 1..40. */
static int check_source(const char *source, struct kt_err *err)
{
    if (strcmp(source, "backoffice") == 0 || strcmp(source, "portal") == 0)
        return 0;
    if (strncmp(source, "shop:", 5) == 0) {
        size_t n = strlen(source + 5);
        int ok = n >= 1 && n <= 40;
        for (size_t i = 0; ok && i < n; i++) {
            char c = source[5 + i];
            ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        }
        if (ok)
            return 0;
    }
    return kt_err_set(err, KT_EINVAL,
                      "source: \"%s\" is not a source; use backoffice, portal or shop:NAME "
                      "(NAME in lower-case letters, digits, '-' and '_')",
                      source);
}

/* ---- pricing a line ---- */

struct pricing {
    int64_t customer_id;
    const char *currency;
    enum price_basis basis;
    kt_date date;
    const char *lang;
};

struct priced_line {
    enum orders_line_kind kind;
    int64_t product_id;
    const char *code, *name, *unit, *vat, *source; /* arena strings */
    int64_t qty, price, discount, value;
};

/* The product's name in lang, else its Polish name. */
static const char *product_name(const struct catalog_product *p, const char *lang)
{
    enum catalog_lang l;
    struct kt_err e;
    if (catalog_lang_parse(lang, &l, &e) == 0 && p->text[l].name && p->text[l].name[0])
        return p->text[l].name;
    return p->text[CATALOG_PL].name ? p->text[CATALOG_PL].name : "";
}

static int line_qty_check(int position, const char *code, int64_t qty, const char *unit_code,
                          struct kt_err *err)
{
    const struct kt_unit *unit;
    int rc;
    if (qty <= 0)
        return kt_err_set(err, KT_EINVAL, "line %d (%s): the quantity must be more than 0",
                          position, code);
    if ((rc = kt_qty_unit_find(unit_code, &unit, err)) || (rc = kt_qty_check_unit(qty, unit, err)))
        return kt_err_prefix(err, "line %d (%s)", position, code);
    return 0;
}

/* A resolved price for qty of a product, converted to the order's basis. */
static int resolve_price(struct store *st, const struct pricing *pr, int position,
                         const struct catalog_product *p, int64_t qty, struct kt_arena *arena,
                         int64_t *price, const char **source, struct kt_err *err)
{
    struct price_quote q;
    const struct catalog_vat *vat;
    int rc = price_resolve(st, pr->customer_id, p->id, qty, pr->currency, pr->date, &q, err);
    if (rc)
        return kt_err_prefix(err, "line %d (%s)", position, p->code);
    if ((rc = catalog_vat_find(p->vat_rate, &vat, err)) ||
        (rc = orders_price_convert(q.price, vat->rate, q.basis, pr->basis, price, err)))
        return kt_err_prefix(err, "line %d (%s)", position, p->code);
    *source = kt_arena_strdup(arena, q.source_text);
    return *source ? 0 : kt_err_set(err, KT_ENOMEM, "out of memory pricing line %d", position);
}

static int explicit_price(const struct orders_actor *actor, int position, const char *code,
                          int64_t price, struct kt_err *err)
{
    if (!orders_actor_can(actor, ORDERS_RIGHT_SET_PRICE))
        return kt_err_set(err, KT_EPERM,
                          "line %d (%s): giving a price by hand needs the right to set prices; "
                          "leave the price out to use the customer's price",
                          position, code);
    if (price < 0)
        return kt_err_set(err, KT_EINVAL, "line %d (%s): a price cannot be negative", position,
                          code);
    return 0;
}

static int price_line(struct store *st, const struct orders_actor *actor, const struct pricing *pr,
                      int position, const struct orders_line_input *in, int unmatched_ok,
                      struct kt_arena *arena, struct priced_line *out, struct kt_err *err)
{
    struct catalog_product p;
    const char *code = in->product_code ? in->product_code : "";
    int rc;

    memset(out, 0, sizeof *out);
    if (in->discount < 0 || in->discount > 100 * KT_RATE_SCALE)
        return kt_err_set(err, KT_EINVAL, "line %d (%s): a discount is between 0 and 100 %%",
                          position, code);
    if (in->product_id > 0)
        rc = catalog_product_get(st, in->product_id, arena, &p, err);
    else if (*code)
        rc = catalog_product_get_by_code(st, code, arena, &p, err);
    else
        return kt_err_set(err, KT_EINVAL, "line %d: which product? give its code", position);
    out->qty = in->qty;
    out->discount = in->discount;
    if (rc == KT_ENOTFOUND && unmatched_ok && in->product_id <= 0) {
        /* Kept as received until someone maps it. */
        const struct catalog_vat *vat;
        if (in->qty <= 0)
            return kt_err_set(err, KT_EINVAL, "line %d (%s): the quantity must be more than 0",
                              position, code);
        if (!in->name || !*in->name)
            return kt_err_set(err, KT_EINVAL,
                              "line %d (%s): an unknown product needs the name received", position,
                              code);
        if (!in->has_price || in->price < 0)
            return kt_err_set(err, KT_EINVAL,
                              "line %d (%s): an unknown product needs the price received", position,
                              code);
        if ((rc = catalog_vat_find(in->vat, &vat, err)))
            return kt_err_prefix(err, "line %d (%s)", position, code);
        if ((rc = explicit_price(actor, position, code, in->price, err)) ||
            (rc = check_text("name", in->name, ORDERS_FIELD_MAX * 2, err)) ||
            (rc = check_text("code", code, ORDERS_FIELD_MAX, err)))
            return rc;
        out->kind = ORDERS_LINE_UNMATCHED;
        out->code = code;
        out->name = in->name;
        out->unit = "pcs";
        out->vat = vat->code;
        out->price = in->price;
        out->source = "received";
    } else if (rc == KT_ENOTFOUND) {
        return kt_err_set(err, KT_EINVAL, "line %d (%s): there is no such product", position,
                          in->product_id > 0 ? "?" : code);
    } else if (rc) {
        return rc;
    } else {
        if (!p.active)
            return kt_err_set(err, KT_EINVAL,
                              "line %d (%s): the product is withdrawn and cannot be ordered",
                              position, p.code);
        if ((rc = line_qty_check(position, p.code, in->qty, p.unit, err)))
            return rc;
        out->kind = ORDERS_LINE_PRODUCT;
        out->product_id = p.id;
        out->code = p.code;
        out->name = product_name(&p, pr->lang);
        out->unit = p.unit;
        out->vat = p.vat_rate;
        if (in->has_price) {
            if ((rc = explicit_price(actor, position, p.code, in->price, err)))
                return rc;
            out->price = in->price;
            out->source = actor->kind == ORDERS_ACTOR_SYSTEM ? "received" : "manual";
        } else if ((rc = resolve_price(st, pr, position, &p, in->qty, arena, &out->price,
                                       &out->source, err))) {
            return rc;
        }
    }
    if ((rc = orders_line_value(out->price, out->qty, out->discount, pr->currency, &out->value,
                                err)))
        return kt_err_prefix(err, "line %d (%s)", position, out->code);
    return 0;
}

static int insert_line(struct store *st, int64_t order_id, int position,
                       const struct priced_line *l, int64_t *line_id, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "INSERT INTO order_lines (order_id, position, kind, product_id, code, "
                           "name, qty, unit, unit_price, discount, vat_rate, price_source, value) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
                           "RETURNING id",
                           &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, order_id, &b);
    orders_bind_int(s, 2, position, &b);
    orders_bind_txt(s, 3, l->kind == ORDERS_LINE_PRODUCT ? "product" : "unmatched", &b);
    if (l->product_id > 0)
        orders_bind_int(s, 4, l->product_id, &b);
    else
        orders_bind_null(s, 4, &b);
    orders_bind_txt(s, 5, l->code, &b);
    orders_bind_txt(s, 6, l->name, &b);
    orders_bind_int(s, 7, l->qty, &b);
    orders_bind_txt(s, 8, l->unit, &b);
    orders_bind_int(s, 9, l->price, &b);
    orders_bind_int(s, 10, l->discount, &b);
    orders_bind_txt(s, 11, l->vat, &b);
    orders_bind_txt(s, 12, l->source, &b);
    orders_bind_int(s, 13, l->value, &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_ROW && line_id)
        *line_id = store_col_int64(s, 0);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* Lines written per INSERT when an order is created: one statement per
 * chunk instead of one per line (13 parameters per row). */
#define LINES_PER_INSERT 16

/* Inserts lines[0..n) at positions first.. of order_id, up to
 * LINES_PER_INSERT rows per statement (the SQL text per chunk size is
 * cached like any other). */
static int insert_lines(struct store *st, int64_t order_id, const struct priced_line *lines,
                        size_t n, struct kt_err *err)
{
    struct kt_buf sql;
    int rc = 0;
    kt_buf_init(&sql, 16384);
    for (size_t at = 0; at < n && rc == 0; at += LINES_PER_INSERT) {
        size_t chunk = n - at < LINES_PER_INSERT ? n - at : LINES_PER_INSERT;
        struct store_stmt *s = NULL;
        int b = 0;
        kt_buf_reset(&sql);
        rc = kt_buf_adds(&sql, "INSERT INTO order_lines (order_id, position, kind, product_id, "
                               "code, name, qty, unit, unit_price, discount, vat_rate, "
                               "price_source, value) VALUES ");
        for (size_t k = 0; k < chunk && rc == 0; k++) {
            int p = (int)k * 13;
            rc = kt_buf_printf(
                &sql, "%s(?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d)",
                k ? ", " : "", p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8, p + 9,
                p + 10, p + 11, p + 12, p + 13);
        }
        if (rc) {
            rc = kt_err_set(err, KT_ENOMEM, "the lines of the order do not fit in memory");
            break;
        }
        if ((rc = store_prepare(st, kt_buf_str(&sql), &s, err)))
            break;
        for (size_t k = 0; k < chunk; k++) {
            const struct priced_line *l = &lines[at + k];
            int p = (int)k * 13;
            orders_bind_int(s, p + 1, order_id, &b);
            orders_bind_int(s, p + 2, (int64_t)(at + k + 1), &b);
            orders_bind_txt(s, p + 3, l->kind == ORDERS_LINE_PRODUCT ? "product" : "unmatched", &b);
            if (l->product_id > 0)
                orders_bind_int(s, p + 4, l->product_id, &b);
            else
                orders_bind_null(s, p + 4, &b);
            orders_bind_txt(s, p + 5, l->code, &b);
            orders_bind_txt(s, p + 6, l->name, &b);
            orders_bind_int(s, p + 7, l->qty, &b);
            orders_bind_txt(s, p + 8, l->unit, &b);
            orders_bind_int(s, p + 9, l->price, &b);
            orders_bind_int(s, p + 10, l->discount, &b);
            orders_bind_txt(s, p + 11, l->vat, &b);
            orders_bind_txt(s, p + 12, l->source, &b);
            orders_bind_int(s, p + 13, l->value, &b);
        }
        rc = orders_step(s, b, err);
        store_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    kt_buf_release(&sql);
    return rc;
}

/* ---- create ---- */

struct create_ctx {
    const struct orders_actor *actor;
    const struct orders_input *in;
    int64_t id, version;
    char number[ORDERS_NUMBER_MAX];
};

static int find_customer(struct store *st, const struct orders_actor *actor,
                         const struct orders_input *in, struct parties_customer *c,
                         struct kt_err *err)
{
    int rc;
    if (actor->kind == ORDERS_ACTOR_CUSTOMER)
        rc = parties_customer_get(st, actor->customer_id, c, err);
    else if (in->customer_id > 0)
        rc = parties_customer_get(st, in->customer_id, c, err);
    else if (in->customer_code && *in->customer_code)
        rc = parties_customer_get_by_code(st, in->customer_code, c, err);
    else
        return kt_err_set(err, KT_EINVAL, "customer: which customer? give its code");
    if (rc == KT_ENOTFOUND)
        return kt_err_set(err, KT_EINVAL, "customer: there is no customer %s",
                          in->customer_code && *in->customer_code ? in->customer_code
                                                                  : "with that id");
    if (rc)
        return rc;
    if (!c->active)
        return kt_err_set(err, KT_EINVAL, "customer: %s is inactive; activate it first", c->code);
    return 0;
}

static void copy_address(struct orders_address *dst, const char *name, const char *street,
                         const char *postal, const char *city, const char *country)
{
    kt_strlcpy(dst->name, name, sizeof dst->name);
    kt_strlcpy(dst->street, street, sizeof dst->street);
    kt_strlcpy(dst->postal_code, postal, sizeof dst->postal_code);
    kt_strlcpy(dst->city, city, sizeof dst->city);
    kt_strlcpy(dst->country, country, sizeof dst->country);
}

static int check_address(const char *field, const struct orders_address *a, struct kt_err *err)
{
    if (!a->name[0] && !a->street[0])
        return kt_err_set(err, KT_EINVAL, "%s: give at least a name or a street", field);
    if (strlen(a->country) != 2 || a->country[0] < 'A' || a->country[0] > 'Z' ||
        a->country[1] < 'A' || a->country[1] > 'Z')
        return kt_err_set(err, KT_EINVAL, "%s: country must be two capital letters such as PL",
                          field);
    return 0;
}

/* The delivery address: explicit, a customer address by id, the default one or the billing one. */
static int delivery_of(struct store *st, const struct orders_input *in,
                       const struct parties_customer *c, struct orders_address *out,
                       struct kt_err *err)
{
    struct kt_arena arena;
    struct parties_address *list = NULL;
    size_t n = 0;
    int rc;
    copy_address(out, c->name, c->street, c->postal_code, c->city, c->country);
    if (in->delivery) {
        *out = *in->delivery;
        return check_address("delivery", out, err);
    }
    kt_arena_init(&arena, 0);
    rc = parties_address_list(st, c->id, &arena, &list, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int pick = in->delivery_address_id > 0 ? list[i].id == in->delivery_address_id
                                               : list[i].is_default;
        if (pick) {
            copy_address(out, list[i].recipient[0] ? list[i].recipient : c->name, list[i].street,
                         list[i].postal_code, list[i].city, list[i].country);
            kt_arena_release(&arena);
            return 0;
        }
    }
    kt_arena_release(&arena);
    if (rc == 0 && in->delivery_address_id > 0)
        rc = kt_err_set(err, KT_EINVAL, "delivery: customer %s has no address with id %lld",
                        c->code, (long long)in->delivery_address_id);
    return rc;
}

static int insert_order(struct store *st, struct create_ctx *cx, const struct parties_customer *c,
                        const char *source, const char *currency, enum price_basis basis,
                        kt_date date, const struct orders_address *delivery,
                        const char *payment_method, int payment_days, const char *shipping_vat,
                        const struct orders_totals *t, int partial, struct kt_err *err)
{
    int b = 0;
    const struct orders_input *in = cx->in;
    char iso[KT_DATE_ISO_SIZE];
    struct store_stmt *s = NULL;
    int64_t now = orders_now();
    int rc = store_prepare(
        st,
        "INSERT INTO orders (number, customer_id, source, external_id, customer_po, order_date, "
        "currency, price_basis, lang, document_type, status, bill_name, bill_tax_id, bill_street, "
        "bill_postal_code, bill_city, bill_country, ship_name, ship_street, ship_postal_code, "
        "ship_city, ship_country, payment_method, payment_days, shipping_method, shipping_cost, "
        "shipping_vat, notes_customer, notes_internal, created_at, created_by, updated_at, "
        "total_net, total_vat, total_gross, partial, payment_state) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
        "?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?30, ?32, ?33, ?34, ?35, "
        "?36) RETURNING id",
        &s, err);
    if (rc)
        return rc;
    orders_bind_txt(s, 1, cx->number, &b);
    orders_bind_int(s, 2, c->id, &b);
    orders_bind_txt(s, 3, source, &b);
    orders_bind_txt(s, 4, in->external_id && *in->external_id ? in->external_id : NULL, &b);
    orders_bind_txt(s, 5, in->customer_po ? in->customer_po : "", &b);
    orders_bind_txt(s, 6, kt_date_format(date, iso), &b);
    orders_bind_txt(s, 7, currency, &b);
    orders_bind_txt(s, 8, price_basis_name(basis), &b);
    orders_bind_txt(s, 9, c->lang, &b);
    orders_bind_txt(s, 10, parties_doc_type_name(c->doc_type), &b);
    orders_bind_txt(s, 11, in->submit ? "submitted" : "draft", &b);
    orders_bind_txt(s, 12, c->name, &b);
    orders_bind_txt(s, 13, c->tax_id, &b);
    orders_bind_txt(s, 14, c->street, &b);
    orders_bind_txt(s, 15, c->postal_code, &b);
    orders_bind_txt(s, 16, c->city, &b);
    orders_bind_txt(s, 17, c->country, &b);
    orders_bind_txt(s, 18, delivery->name, &b);
    orders_bind_txt(s, 19, delivery->street, &b);
    orders_bind_txt(s, 20, delivery->postal_code, &b);
    orders_bind_txt(s, 21, delivery->city, &b);
    orders_bind_txt(s, 22, delivery->country, &b);
    orders_bind_txt(s, 23, payment_method, &b);
    orders_bind_int(s, 24, payment_days, &b);
    orders_bind_txt(s, 25, in->shipping_method ? in->shipping_method : "", &b);
    orders_bind_int(s, 26, in->shipping_cost, &b);
    orders_bind_txt(s, 27, shipping_vat, &b);
    orders_bind_txt(s, 28, in->notes_customer ? in->notes_customer : "", &b);
    orders_bind_txt(s, 29, in->notes_internal ? in->notes_internal : "", &b);
    orders_bind_int(s, 30, now, &b);
    orders_bind_txt(s, 31, cx->actor->name, &b);
    orders_bind_int(s, 32, t->net, &b);
    orders_bind_int(s, 33, t->vat, &b);
    orders_bind_int(s, 34, t->gross, &b);
    orders_bind_int(s, 35, partial, &b);
    orders_bind_txt(s, 36, orders_payment_name(orders_payment_state(t->gross, 0)), &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_ROW)
        cx->id = store_col_int64(s, 0);
    store_stmt_done(s);
    if (rc == KT_EEXIST)
        return kt_err_set(err, KT_EEXIST, "order %s exists already", cx->number);
    return rc < 0 ? rc : 0;
}

static int external_exists(struct store *st, const char *source, const char *external_id,
                           struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT number FROM orders WHERE source = ?1 AND external_id = ?2",
                           &s, err);
    if (rc)
        return rc;
    orders_bind_txt(s, 1, source, &b);
    orders_bind_txt(s, 2, external_id, &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_ROW)
        rc = kt_err_set(err, KT_EEXIST, "external_id: order %s from %s was imported already as %s",
                        external_id, source, store_col_text(s, 0));
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int create_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct create_ctx *cx = ctx;
    const struct orders_input *in = cx->in;
    const struct orders_actor *actor = cx->actor;
    struct parties_customer c;
    struct orders_address delivery;
    struct kt_arena arena;
    struct priced_line *lines = NULL;
    const struct kt_currency *cur;
    const struct catalog_vat *ship_vat;
    enum parties_payment_method pm;
    const char *source = in->source && *in->source ? in->source : "backoffice";
    const char *payment_method;
    int payment_days, rc;

    kt_arena_init(&arena, 0);
    cx->id = 0;
    if (actor->kind == ORDERS_ACTOR_CUSTOMER && in->source && strcmp(source, "portal") != 0) {
        rc = kt_err_set(err, KT_EPERM, "source: a customer's order comes from the portal");
        goto out;
    }
    if (actor->kind == ORDERS_ACTOR_CUSTOMER)
        source = "portal";
    if ((rc = check_source(source, err)) || (rc = find_customer(st, actor, in, &c, err)))
        goto out;
    if ((rc = kt_money_currency(in->currency && *in->currency ? in->currency : c.currency, &cur,
                                err))) {
        kt_err_prefix(err, "currency");
        goto out;
    }
    enum price_basis basis =
        in->basis_set ? in->basis
                      : (strncmp(source, "shop:", 5) == 0 ? PRICE_BASIS_GROSS : PRICE_BASIS_NET);
    kt_date date = in->date ? in->date : kt_time_warsaw_date((kt_time)(orders_now() / 1000));
    if ((rc = delivery_of(st, in, &c, &delivery, err)))
        goto out;
    if (in->payment_method) {
        if ((rc = parties_payment_method_parse(in->payment_method, &pm, err))) {
            kt_err_prefix(err, "payment_method");
            goto out;
        }
        payment_method = parties_payment_method_name(pm);
    } else {
        payment_method = parties_payment_method_name(c.payment_method);
    }
    payment_days = in->payment_days >= 0 ? in->payment_days : c.payment_days;
    if (payment_days > 365) {
        rc = kt_err_set(err, KT_EINVAL, "payment_days: between 0 and 365");
        goto out;
    }
    if ((rc = catalog_vat_find(in->shipping_vat ? in->shipping_vat : "23", &ship_vat, err))) {
        kt_err_prefix(err, "shipping_vat");
        goto out;
    }
    if (in->external_id && *in->external_id &&
        (rc = external_exists(st, source, in->external_id, err)))
        goto out;

    struct pricing pr = {
        .customer_id = c.id, .currency = cur->code, .basis = basis, .date = date, .lang = c.lang};
    lines = calloc(in->nlines, sizeof *lines);
    if (!lines) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory for %zu lines", in->nlines);
        goto out;
    }
    for (size_t i = 0; i < in->nlines; i++)
        if ((rc = price_line(st, actor, &pr, (int)i + 1, &in->lines[i], in->unmatched_ok, &arena,
                             &lines[i], err)))
            goto out;

    /* The totals are known before anything is written: the order row
     * carries them from the start. */
    struct orders_totals t;
    int partial = 0;
    if ((rc = orders_totals_begin(&t, cur->code, basis, err)))
        goto out;
    for (size_t i = 0; i < in->nlines && rc == 0; i++) {
        partial |= lines[i].kind == ORDERS_LINE_UNMATCHED;
        rc = orders_totals_add(&t, lines[i].vat, lines[i].value, err);
    }
    if (rc == 0 && in->shipping_cost > 0)
        rc = orders_totals_add(&t, ship_vat->code, in->shipping_cost, err);
    if (rc || (rc = orders_totals_finish(&t, err)))
        goto out;

    /* The number last: the series counter stays locked until commit, so
     * the work before it does not hold up other orders being created. */
    if ((rc = series_next(st, ORDERS_SERIES, date, cx->number, sizeof cx->number, err)) ||
        (rc = insert_order(st, cx, &c, source, cur->code, basis, date, &delivery, payment_method,
                           payment_days, ship_vat->code, &t, partial, err)))
        goto out;
    if ((rc = insert_lines(st, cx->id, lines, in->nlines, err)))
        goto out;

    struct orders_head h = {.id = cx->id,
                            .customer_id = c.id,
                            .status = in->submit ? ORDERS_SUBMITTED : ORDERS_DRAFT,
                            .basis = basis,
                            .date = date,
                            .version = 1,
                            .partial = partial,
                            .total_gross = t.gross,
                            .shipping_cost = in->shipping_cost};
    kt_strlcpy(h.number, cx->number, sizeof h.number);
    kt_strlcpy(h.currency, cur->code, sizeof h.currency);
    kt_strlcpy(h.lang, c.lang, sizeof h.lang);
    kt_strlcpy(h.shipping_vat, ship_vat->code, sizeof h.shipping_vat);
    json_t *detail = json_pack("{s:s, s:s, s:I}", "source", source, "customer", c.code, "lines",
                               (json_int_t)in->nlines);
    rc = orders_history_add(st, h.id, actor, "created", NULL, "draft", 0, detail, err);
    if (rc == 0)
        rc = orders_emit(st, "order.created", &h, detail, err);
    json_decref(detail);
    if (rc == 0 && in->submit) {
        rc = orders_history_add(st, h.id, actor, "submitted", "draft", "submitted", 0, NULL, err);
        if (rc == 0)
            rc = orders_emit(st, "order.submitted", &h, NULL, err);
    }
    cx->version = h.version;
out:
    free(lines);
    kt_arena_release(&arena);
    return rc;
}

int orders_create(struct store *st, const struct orders_actor *actor, const struct orders_input *in,
                  int64_t *id, char *number, int64_t *version, struct kt_err *err)
{
    int rc;
    if ((rc = orders_actor_check(actor, err)))
        return rc;
    if (in->nlines == 0)
        return kt_err_set(err, KT_EINVAL, "lines: an order needs at least one line");
    if (in->nlines > ORDERS_LINES_MAX)
        return kt_err_set(err, KT_ELIMIT, "lines: at most %d lines per order", ORDERS_LINES_MAX);
    if (in->shipping_cost < 0)
        return kt_err_set(err, KT_EINVAL, "shipping_cost: cannot be negative");
    if (actor->kind == ORDERS_ACTOR_CUSTOMER && in->notes_internal && *in->notes_internal)
        return kt_err_set(err, KT_EPERM, "notes_internal: only staff write internal notes");
    if ((rc = check_text("customer_po", in->customer_po, ORDERS_FIELD_MAX, err)) ||
        (rc = check_text("external_id", in->external_id, ORDERS_FIELD_MAX, err)) ||
        (rc = check_text("shipping_method", in->shipping_method, ORDERS_FIELD_MAX, err)) ||
        (rc = check_text("notes_customer", in->notes_customer, ORDERS_TEXT_MAX, err)) ||
        (rc = check_text("notes_internal", in->notes_internal, ORDERS_TEXT_MAX, err)))
        return rc;
    struct create_ctx cx = {.actor = actor, .in = in};
    rc = orders_run(st, create_tx, &cx, err);
    if (rc)
        return rc;
    if (id)
        *id = cx.id;
    if (number)
        kt_strlcpy(number, cx.number, ORDERS_NUMBER_MAX);
    if (version)
        *version = cx.version;
    return 0;
}

/* ---- reading ---- */

static const char *dup_col(struct kt_arena *a, struct store_stmt *s, int col)
{
    const char *t = store_col_text(s, col);
    return kt_arena_strdup(a, t ? t : "");
}

static int read_lines(struct store *st, struct orders_order *o, struct kt_arena *arena,
                      struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    size_t cap = 16;
    int rc = store_prepare(st,
                           "SELECT id, position, kind, product_id, code, name, qty, unit, "
                           "unit_price, discount, vat_rate, price_source, value, reserved, "
                           "backordered FROM order_lines WHERE order_id = ?1 ORDER BY position",
                           &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, o->id, &b);
    o->nlines = 0;
    o->lines = kt_arena_alloc(arena, cap * sizeof *o->lines);
    while (o->lines && (rc = orders_step(s, b, err)) == STORE_ROW) {
        if (o->nlines == cap) {
            struct orders_line *bigger = kt_arena_alloc(arena, 2 * cap * sizeof *bigger);
            if (!bigger) {
                o->lines = NULL;
                break;
            }
            memcpy(bigger, o->lines, cap * sizeof *bigger);
            o->lines = bigger;
            cap *= 2;
        }
        struct orders_line *l = &o->lines[o->nlines++];
        const char *kind = store_col_text(s, 2);
        l->id = store_col_int64(s, 0);
        l->position = (int)store_col_int64(s, 1);
        l->kind =
            kind && strcmp(kind, "product") == 0 ? ORDERS_LINE_PRODUCT : ORDERS_LINE_UNMATCHED;
        l->product_id = store_col_is_null(s, 3) ? 0 : store_col_int64(s, 3);
        l->code = dup_col(arena, s, 4);
        l->name = dup_col(arena, s, 5);
        l->qty = store_col_int64(s, 6);
        l->unit = dup_col(arena, s, 7);
        l->unit_price = store_col_int64(s, 8);
        l->discount = store_col_int64(s, 9);
        l->vat = dup_col(arena, s, 10);
        l->price_source = dup_col(arena, s, 11);
        l->value = store_col_int64(s, 12);
        l->reserved = store_col_int64(s, 13);
        l->backordered = store_col_int64(s, 14);
    }
    store_stmt_done(s);
    if (!o->lines)
        return kt_err_set(err, KT_ENOMEM, "the lines of order %s do not fit in memory", o->number);
    return rc < 0 ? rc : 0;
}

int orders_get(struct store *st, const struct orders_actor *actor, int64_t id,
               struct kt_arena *arena, struct orders_order *o, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc;
    if ((rc = orders_actor_check(actor, err)))
        return rc;
    if ((rc = store_prepare(
             st,
             "SELECT o.id, o.number, o.customer_id, c.code, o.source, o.external_id, "
             "o.customer_po, o.order_date, o.currency, o.price_basis, o.lang, o.document_type, "
             "o.status, o.payment_state, o.paid, o.partial, o.bill_name, o.bill_tax_id, "
             "o.bill_street, o.bill_postal_code, o.bill_city, o.bill_country, o.ship_name, "
             "o.ship_street, o.ship_postal_code, o.ship_city, o.ship_country, o.payment_method, "
             "o.payment_days, o.shipping_method, o.shipping_cost, o.shipping_vat, "
             "o.notes_customer, o.notes_internal, o.warehouse_id, o.revision, o.created_at, "
             "o.created_by, o.updated_at, o.confirmed_at, o.confirmed_by, o.version "
             "FROM orders o JOIN customers c ON c.id = o.customer_id "
             "WHERE o.id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR o.customer_id = ?2)",
             &s, err)))
        return rc;
    orders_bind_int(s, 1, id, &b);
    orders_bind_int(s, 2, actor->kind == ORDERS_ACTOR_CUSTOMER ? actor->customer_id : 0, &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_DONE) {
        store_stmt_done(s);
        return kt_err_set(err, KT_ENOTFOUND, "there is no order with id %lld", (long long)id);
    }
    if (rc < 0) {
        store_stmt_done(s);
        return rc;
    }
    memset(o, 0, sizeof *o);
    o->id = store_col_int64(s, 0);
    o->number = dup_col(arena, s, 1);
    o->customer_id = store_col_int64(s, 2);
    o->customer_code = dup_col(arena, s, 3);
    o->source = dup_col(arena, s, 4);
    o->external_id = dup_col(arena, s, 5);
    o->customer_po = dup_col(arena, s, 6);
    int bad = kt_date_parse(store_col_text(s, 7), &o->date, err) != 0;
    o->currency = dup_col(arena, s, 8);
    bad |= price_basis_parse(store_col_text(s, 9), &o->basis, err) != 0;
    o->lang = dup_col(arena, s, 10);
    o->document_type = dup_col(arena, s, 11);
    bad |= orders_status_parse(store_col_text(s, 12), &o->status, err) != 0;
    bad |= orders_payment_parse(store_col_text(s, 13), &o->payment, err) != 0;
    o->paid = store_col_int64(s, 14);
    o->partial = (int)store_col_int64(s, 15);
    copy_address(&o->billing, store_col_text(s, 16), store_col_text(s, 18), store_col_text(s, 19),
                 store_col_text(s, 20), store_col_text(s, 21));
    o->bill_tax_id = dup_col(arena, s, 17);
    copy_address(&o->delivery, store_col_text(s, 22), store_col_text(s, 23), store_col_text(s, 24),
                 store_col_text(s, 25), store_col_text(s, 26));
    o->payment_method = dup_col(arena, s, 27);
    o->payment_days = (int)store_col_int64(s, 28);
    o->shipping_method = dup_col(arena, s, 29);
    o->shipping_cost = store_col_int64(s, 30);
    o->shipping_vat = dup_col(arena, s, 31);
    o->notes_customer = dup_col(arena, s, 32);
    o->notes_internal = actor->kind == ORDERS_ACTOR_CUSTOMER ? "" : dup_col(arena, s, 33);
    o->warehouse_id = store_col_is_null(s, 34) ? 0 : store_col_int64(s, 34);
    o->revision = (int)store_col_int64(s, 35);
    o->created_at = store_col_int64(s, 36);
    o->created_by = dup_col(arena, s, 37);
    o->updated_at = store_col_int64(s, 38);
    o->confirmed_at = store_col_is_null(s, 39) ? 0 : store_col_int64(s, 39);
    o->confirmed_by = dup_col(arena, s, 40);
    o->version = store_col_int64(s, 41);
    store_stmt_done(s);
    if (bad)
        return kt_err_set(err, KT_ECORRUPT, "order %s: a stored value is damaged: %s", o->number,
                          err->msg);
    if (!o->number || !o->confirmed_by || !o->shipping_vat || !o->notes_internal)
        return kt_err_set(err, KT_ENOMEM, "the order does not fit in memory");
    if ((rc = read_lines(st, o, arena, err)) ||
        (rc = orders_totals_begin(&o->totals, o->currency, o->basis, err)))
        return rc;
    for (size_t i = 0; i < o->nlines; i++)
        if ((rc = orders_totals_add(&o->totals, o->lines[i].vat, o->lines[i].value, err)))
            return rc;
    if (o->shipping_cost > 0 &&
        (rc = orders_totals_add(&o->totals, o->shipping_vat, o->shipping_cost, err)))
        return rc;
    return orders_totals_finish(&o->totals, err);
}

int orders_find(struct store *st, const struct orders_actor *actor, const char *number, int64_t *id,
                struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc;
    if ((rc = orders_actor_check(actor, err)))
        return rc;
    if ((rc = store_prepare(st,
                            "SELECT id FROM orders WHERE number = ?1 AND (CAST(?2 AS BIGINT) = 0 "
                            "OR customer_id = ?2)",
                            &s, err)))
        return rc;
    orders_bind_txt(s, 1, number, &b);
    orders_bind_int(s, 2, actor->kind == ORDERS_ACTOR_CUSTOMER ? actor->customer_id : 0, &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_ROW)
        *id = store_col_int64(s, 0);
    store_stmt_done(s);
    if (rc == STORE_DONE)
        return kt_err_set(err, KT_ENOTFOUND, "there is no order %s", number);
    return rc < 0 ? rc : 0;
}

/* ---- listing ---- */

static const struct {
    const char *name;
    const char *asc;
    const char *desc;
} sorts[] = {
    [ORDERS_SORT_NUMBER] = {"number", "o.id", "o.id DESC"},
    [ORDERS_SORT_DATE] = {"date", "o.order_date, o.id", "o.order_date DESC, o.id DESC"},
    [ORDERS_SORT_CUSTOMER] = {"customer", "c.code, o.id", "c.code DESC, o.id DESC"},
    [ORDERS_SORT_TOTAL] = {"total", "o.total_gross, o.id", "o.total_gross DESC, o.id DESC"},
    [ORDERS_SORT_STATUS] = {"status", "o.status, o.id", "o.status DESC, o.id DESC"},
};

#define NSORTS (sizeof sorts / sizeof sorts[0])

const char *orders_sort_name(enum orders_sort s)
{
    return (unsigned)s < NSORTS ? sorts[s].name : NULL;
}

int orders_sort_parse(const char *text, enum orders_sort *out, struct kt_err *err)
{
    for (size_t i = 0; i < NSORTS; i++)
        if (text && strcmp(text, sorts[i].name) == 0) {
            *out = (enum orders_sort)i;
            return 0;
        }
    return kt_err_set(err, KT_EINVAL,
                      "sort: \"%s\" is not a sort order; use number, date, customer, total or "
                      "status",
                      text ? text : "");
}

/* A bound value of the list query. */
struct bind {
    int is_text;
    int64_t i;
    const char *t;
};

#define LIST_BINDS 16

struct list_sql {
    struct kt_buf where;
    struct bind binds[LIST_BINDS];
    int n;
    char pat_number[ORDERS_NUMBER_MAX * 2 + 2];
    char pat_po[ORDERS_FIELD_MAX * 2 + 2];
    char date_from[KT_DATE_ISO_SIZE], date_to[KT_DATE_ISO_SIZE];
};

/* Appends " AND <cond>" where cond has one %d for the next placeholder. */
static int add_cond(struct list_sql *l, const char *cond, int is_text, int64_t i, const char *t)
{
    if (l->n >= LIST_BINDS)
        return KT_ELIMIT;
    l->binds[l->n] = (struct bind){.is_text = is_text, .i = i, .t = t};
    l->n++;
    int rc = kt_buf_adds(&l->where, " AND ");
    return rc ? rc : kt_buf_printf(&l->where, cond, l->n);
}

/* A LIKE pattern matching text as a prefix ('\' escapes % and _). */
static void prefix_pattern(const char *text, char *out, size_t n)
{
    size_t j = 0;
    for (const char *p = text; *p && j + 3 < n; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            out[j++] = '\\';
        out[j++] = *p;
    }
    out[j++] = '%';
    out[j] = '\0';
}

static int build_where(const struct orders_actor *actor, const struct orders_query *q,
                       struct list_sql *l, struct kt_err *err)
{
    int rc = kt_buf_adds(&l->where, " FROM orders o JOIN customers c ON c.id = o.customer_id "
                                    "WHERE 1 = 1");
    int64_t customer = actor->kind == ORDERS_ACTOR_CUSTOMER ? actor->customer_id : q->customer_id;
    if (rc == 0 && customer > 0)
        rc = add_cond(l, "o.customer_id = ?%d", 0, customer, NULL);
    if (rc == 0 && q->status >= 0) {
        if (!orders_status_name((enum orders_status)q->status))
            return kt_err_set(err, KT_EINVAL, "status: not a status");
        rc = add_cond(l, "o.status = ?%d", 1, 0, orders_status_name((enum orders_status)q->status));
    }
    if (rc == 0 && q->payment >= 0) {
        if (!orders_payment_name((enum orders_payment)q->payment))
            return kt_err_set(err, KT_EINVAL, "payment: not a payment state");
        rc = add_cond(l, "o.payment_state = ?%d", 1, 0,
                      orders_payment_name((enum orders_payment)q->payment));
    }
    if (rc == 0 && q->source && *q->source) {
        if (strcmp(q->source, "shop") == 0)
            rc = kt_buf_adds(&l->where, " AND o.source LIKE 'shop:%'");
        else
            rc = add_cond(l, "o.source = ?%d", 1, 0, q->source);
    }
    if (rc == 0 && q->date_from) {
        kt_date_format(q->date_from, l->date_from);
        rc = add_cond(l, "o.order_date >= ?%d", 1, 0, l->date_from);
    }
    if (rc == 0 && q->date_to) {
        kt_date_format(q->date_to, l->date_to);
        rc = add_cond(l, "o.order_date <= ?%d", 1, 0, l->date_to);
    }
    if (rc == 0 && q->number && *q->number) {
        prefix_pattern(q->number, l->pat_number, sizeof l->pat_number);
        rc = add_cond(l, "o.number LIKE ?%d ESCAPE '\\'", 1, 0, l->pat_number);
    }
    if (rc == 0 && q->customer_po && *q->customer_po) {
        prefix_pattern(q->customer_po, l->pat_po, sizeof l->pat_po);
        rc = add_cond(l, "o.customer_po LIKE ?%d ESCAPE '\\'", 1, 0, l->pat_po);
    }
    if (rc == 0 && q->product_id > 0)
        rc = add_cond(l,
                      "EXISTS (SELECT 1 FROM order_lines ol WHERE ol.order_id = o.id AND "
                      "ol.product_id = ?%d)",
                      0, q->product_id, NULL);
    if (rc == 0 && q->partial >= 0)
        rc = add_cond(l, "o.partial = ?%d", 0, q->partial ? 1 : 0, NULL);
    if (rc)
        return kt_err_set(err, KT_ELIMIT, "the order list query does not fit");
    return 0;
}

static int bind_all(struct store_stmt *s, const struct list_sql *l)
{
    int b = 0;
    for (int i = 0; i < l->n; i++) {
        if (l->binds[i].is_text)
            orders_bind_txt(s, i + 1, l->binds[i].t, &b);
        else
            orders_bind_int(s, i + 1, l->binds[i].i, &b);
    }
    return b;
}

int orders_list(struct store *st, const struct orders_actor *actor, const struct orders_query *q,
                struct kt_arena *arena, struct orders_summary **items, size_t *n, int64_t *total,
                struct kt_err *err)
{
    int b = 0;
    struct list_sql l;
    struct kt_buf sql;
    struct store_stmt *s = NULL;
    int limit = q->limit == 0 ? 50 : q->limit;
    int rc;

    *items = NULL;
    *n = 0;
    if ((rc = orders_actor_check(actor, err)))
        return rc;
    if (limit < 1 || limit > 1000 || q->offset < 0)
        return kt_err_set(err, KT_EINVAL, "limit: 1 to 1000 orders per page, offset >= 0");
    if ((unsigned)q->sort >= NSORTS)
        return kt_err_set(err, KT_EINVAL, "sort: not a sort order");
    memset(&l, 0, sizeof l);
    kt_buf_init(&l.where, 4096);
    kt_buf_init(&sql, 8192);
    if ((rc = build_where(actor, q, &l, err)))
        goto out;
    if (total) {
        if ((rc = kt_buf_printf(&sql, "SELECT count(*)%s", kt_buf_str(&l.where))) ||
            (rc = store_prepare(st, kt_buf_str(&sql), &s, err)))
            goto out;
        rc = orders_step(s, bind_all(s, &l), err);
        *total = rc == STORE_ROW ? store_col_int64(s, 0) : 0;
        store_stmt_done(s);
        if (rc < 0)
            goto out;
        kt_buf_reset(&sql);
    }
    if ((rc = kt_buf_printf(&sql,
                            "SELECT o.id, o.number, o.customer_id, c.code, c.name, o.source, "
                            "o.customer_po, o.order_date, o.currency, o.status, o.payment_state, "
                            "o.partial, o.total_net, o.total_gross, o.version%s ORDER BY %s "
                            "LIMIT %d OFFSET %d",
                            kt_buf_str(&l.where),
                            q->descending ? sorts[q->sort].desc : sorts[q->sort].asc, limit,
                            q->offset)) ||
        (rc = store_prepare(st, kt_buf_str(&sql), &s, err)))
        goto out;
    b = bind_all(s, &l);
    *items = kt_arena_zalloc(arena, (size_t)limit * sizeof **items);
    while (*items && (rc = orders_step(s, b, err)) == STORE_ROW) {
        struct orders_summary *o = &(*items)[(*n)++];
        o->id = store_col_int64(s, 0);
        o->number = dup_col(arena, s, 1);
        o->customer_id = store_col_int64(s, 2);
        o->customer_code = dup_col(arena, s, 3);
        o->customer_name = dup_col(arena, s, 4);
        o->source = dup_col(arena, s, 5);
        o->customer_po = dup_col(arena, s, 6);
        kt_date_parse(store_col_text(s, 7), &o->date, err);
        o->currency = dup_col(arena, s, 8);
        orders_status_parse(store_col_text(s, 9), &o->status, err);
        orders_payment_parse(store_col_text(s, 10), &o->payment, err);
        o->partial = (int)store_col_int64(s, 11);
        o->total_net = store_col_int64(s, 12);
        o->total_gross = store_col_int64(s, 13);
        o->version = store_col_int64(s, 14);
    }
    store_stmt_done(s);
    if (!*items)
        rc = kt_err_set(err, KT_ENOMEM, "the order list does not fit in memory");
    else
        rc = rc < 0 ? rc : 0;
    if (rc == 0)
        kt_err_clear(err);
out:
    if (rc == KT_ELIMIT)
        kt_err_set(err, rc, "the order list query does not fit");
    kt_buf_release(&l.where);
    kt_buf_release(&sql);
    return rc;
}

/* ---- editing ---- */

enum edit_op { EDIT_HEADER, EDIT_LINE_ADD, EDIT_LINE_UPDATE, EDIT_LINE_REMOVE, EDIT_MAP };

static const char *const edit_names[] = {
    [EDIT_HEADER] = "header",
    [EDIT_LINE_ADD] = "line.added",
    [EDIT_LINE_UPDATE] = "line.updated",
    [EDIT_LINE_REMOVE] = "line.removed",
    [EDIT_MAP] = "line.mapped",
};

struct edit_ctx {
    enum edit_op op;
    const struct orders_actor *actor;
    int64_t id, version;
    int position;
    const struct orders_line_input *line; /* add */
    int64_t qty, price, discount;         /* update */
    int has_price;
    int64_t product_id; /* map */
    const struct orders_header_change *header;
    int64_t new_version;
};

/* Who may change an order in its state. */
static int check_editable(const struct orders_actor *actor, const struct orders_head *h,
                          enum edit_op op, struct kt_err *err)
{
    if (op == EDIT_MAP && !orders_actor_is_staff(actor))
        return kt_err_set(err, KT_EPERM, "only staff map lines to products");
    switch (h->status) {
    case ORDERS_DRAFT:
    case ORDERS_SUBMITTED:
        return 0;
    case ORDERS_CONFIRMED:
        if (actor->kind == ORDERS_ACTOR_CUSTOMER)
            return kt_err_set(err, KT_EPERM,
                              "order %s was accepted already; write a message to the seller to "
                              "change it",
                              h->number);
        if (!orders_actor_can(actor, ORDERS_RIGHT_EDIT_CONFIRMED))
            return kt_err_set(err, KT_EPERM,
                              "order %s is confirmed; changing it needs the right to edit "
                              "confirmed orders",
                              h->number);
        return 0;
    default:
        return kt_err_set(err, KT_EINVAL, "order %s is %s and can no longer be changed", h->number,
                          orders_status_name(h->status));
    }
}

/* A line as stored. */
struct stored_line {
    int64_t id, product_id, qty, price, discount, value;
    int kind_product;
    char code[256], unit[16], vat[4], source[96];
};

static int load_line(struct store *st, const struct orders_head *h, int position,
                     struct stored_line *l, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "SELECT id, kind, product_id, code, qty, unit, unit_price, discount, "
                           "vat_rate, price_source, value FROM order_lines "
                           "WHERE order_id = ?1 AND position = ?2",
                           &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, h->id, &b);
    orders_bind_int(s, 2, position, &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_ROW) {
        l->id = store_col_int64(s, 0);
        l->kind_product = strcmp(store_col_text(s, 1), "product") == 0;
        l->product_id = store_col_is_null(s, 2) ? 0 : store_col_int64(s, 2);
        kt_strlcpy(l->code, store_col_text(s, 3), sizeof l->code);
        l->qty = store_col_int64(s, 4);
        kt_strlcpy(l->unit, store_col_text(s, 5), sizeof l->unit);
        l->price = store_col_int64(s, 6);
        l->discount = store_col_int64(s, 7);
        kt_strlcpy(l->vat, store_col_text(s, 8), sizeof l->vat);
        kt_strlcpy(l->source, store_col_text(s, 9), sizeof l->source);
        l->value = store_col_int64(s, 10);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_EINVAL, "line %d: order %s has no such line", position, h->number);
    }
    store_stmt_done(s);
    return rc;
}

static int exec_int(struct store *st, const char *sql, int64_t x, int64_t y, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, x, &b);
    orders_bind_int(s, 2, y, &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int64_t scalar(struct store *st, const char *sql, int64_t a, int *rcp, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int64_t v = 0;
    int rc = store_prepare(st, sql, &s, err);
    if (rc == 0) {
        orders_bind_int(s, 1, a, &b);
        rc = orders_step(s, b, err);
        if (rc == STORE_ROW)
            v = store_col_int64(s, 0);
        rc = rc < 0 ? rc : 0;
        store_stmt_done(s);
    }
    *rcp = rc;
    return v;
}

/* Adds "key": [old, new] to d as decimal strings when they differ. */
static void diff_str(json_t *d, const char *key, const char *old, const char *new)
{
    if (strcmp(old, new) != 0)
        json_object_set_new(d, key, json_pack("[s, s]", old, new));
}

static void diff_qty(json_t *d, const char *key, int64_t old, int64_t new)
{
    char a[40], b[40];
    orders_qty_str(old, a, sizeof a);
    orders_qty_str(new, b, sizeof b);
    diff_str(d, key, a, b);
}

static void diff_price(json_t *d, const char *key, int64_t old, int64_t new)
{
    char a[40], b[40];
    orders_price_str(old, a, sizeof a);
    orders_price_str(new, b, sizeof b);
    diff_str(d, key, a, b);
}

static int op_line_add(struct store *st, struct edit_ctx *cx, struct orders_head *h, json_t *d,
                       struct kt_err *err)
{
    struct kt_arena arena;
    struct priced_line pl;
    int64_t line_id = 0;
    int rc;
    int64_t count =
        scalar(st, "SELECT count(*) FROM order_lines WHERE order_id = ?1", h->id, &rc, err);
    if (rc)
        return rc;
    if (count >= ORDERS_LINES_MAX)
        return kt_err_set(err, KT_ELIMIT, "lines: at most %d lines per order", ORDERS_LINES_MAX);
    int position = (int)count + 1;
    struct pricing pr = {.customer_id = h->customer_id,
                         .currency = h->currency,
                         .basis = h->basis,
                         .date = h->date,
                         .lang = h->lang};
    kt_arena_init(&arena, 0);
    if ((rc = price_line(st, cx->actor, &pr, position, cx->line, 0, &arena, &pl, err)) ||
        (rc = insert_line(st, h->id, position, &pl, &line_id, err)))
        goto out;
    char q[40], p[40];
    orders_qty_str(pl.qty, q, sizeof q);
    orders_price_str(pl.price, p, sizeof p);
    json_object_set_new(d, "position", json_integer(position));
    json_object_set_new(d, "code", json_string(pl.code));
    json_object_set_new(d, "qty", json_pack("[n, s]", q));
    json_object_set_new(d, "price", json_pack("[n, s]", p));
    if (h->status == ORDERS_CONFIRMED)
        rc = orders_line_reserve(st, h, cx->actor, line_id, position, pl.product_id, pl.code,
                                 pl.qty, err);
out:
    kt_arena_release(&arena);
    return rc;
}

static int op_line_update(struct store *st, struct edit_ctx *cx, struct orders_head *h, json_t *d,
                          struct kt_err *err)
{
    int b = 0;
    struct stored_line l;
    struct kt_arena arena;
    int64_t qty, price, discount, value;
    const char *source;
    int rc;

    if ((rc = load_line(st, h, cx->position, &l, err)))
        return rc;
    qty = cx->qty > 0 ? cx->qty : l.qty;
    discount = cx->discount >= 0 ? cx->discount : l.discount;
    price = l.price;
    source = l.source;
    if (cx->qty < 0)
        return kt_err_set(err, KT_EINVAL, "line %d (%s): the quantity must be more than 0",
                          cx->position, l.code);
    if (cx->qty == 0 && !cx->has_price && cx->discount < 0)
        return kt_err_set(err, KT_EINVAL,
                          "line %d (%s): nothing to change; give a quantity, price or discount",
                          cx->position, l.code);
    if (discount > 100 * KT_RATE_SCALE)
        return kt_err_set(err, KT_EINVAL, "line %d (%s): a discount is between 0 and 100 %%",
                          cx->position, l.code);
    if ((rc = line_qty_check(cx->position, l.code, qty, l.unit, err)))
        return rc;
    kt_arena_init(&arena, 0);
    if (cx->has_price) {
        if ((rc = explicit_price(cx->actor, cx->position, l.code, cx->price, err)))
            goto out;
        price = cx->price;
        source = cx->actor->kind == ORDERS_ACTOR_SYSTEM ? "received" : "manual";
    } else if (l.kind_product && qty != l.qty && strcmp(l.source, "manual") != 0 &&
               strcmp(l.source, "received") != 0) {
        /* A resolved price follows the quantity (tiers). */
        struct catalog_product p;
        struct pricing pr = {.customer_id = h->customer_id,
                             .currency = h->currency,
                             .basis = h->basis,
                             .date = h->date,
                             .lang = h->lang};
        if ((rc = catalog_product_get(st, l.product_id, &arena, &p, err)) ||
            (rc = resolve_price(st, &pr, cx->position, &p, qty, &arena, &price, &source, err)))
            goto out;
    }
    if ((rc = orders_line_value(price, qty, discount, h->currency, &value, err))) {
        kt_err_prefix(err, "line %d (%s)", cx->position, l.code);
        goto out;
    }
    struct store_stmt *s = NULL;
    if ((rc = store_prepare(st,
                            "UPDATE order_lines SET qty = ?2, unit_price = ?3, discount = ?4, "
                            "price_source = ?5, value = ?6 WHERE id = ?1",
                            &s, err)))
        goto out;
    orders_bind_int(s, 1, l.id, &b);
    orders_bind_int(s, 2, qty, &b);
    orders_bind_int(s, 3, price, &b);
    orders_bind_int(s, 4, discount, &b);
    orders_bind_txt(s, 5, source, &b);
    orders_bind_int(s, 6, value, &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    if (rc < 0)
        goto out;
    rc = 0;
    json_object_set_new(d, "position", json_integer(cx->position));
    json_object_set_new(d, "code", json_string(l.code));
    diff_qty(d, "qty", l.qty, qty);
    diff_price(d, "price", l.price, price);
    /* A discount in hundredths of a percent x 10 is thousandths: "5" for 5 %. */
    diff_qty(d, "discount", l.discount * 10, discount * 10);
    if (h->status == ORDERS_CONFIRMED && l.kind_product && qty != l.qty) {
        if (qty > l.qty)
            rc = orders_line_reserve(st, h, cx->actor, l.id, cx->position, l.product_id, l.code,
                                     qty - l.qty, err);
        else
            rc = orders_line_unreserve(st, h, cx->actor, l.id, l.product_id, l.qty - qty, err);
    }
out:
    kt_arena_release(&arena);
    return rc;
}

static int op_line_remove(struct store *st, struct edit_ctx *cx, struct orders_head *h, json_t *d,
                          struct kt_err *err)
{
    struct stored_line l;
    int rc;
    if ((rc = load_line(st, h, cx->position, &l, err)))
        return rc;
    int64_t count =
        scalar(st, "SELECT count(*) FROM order_lines WHERE order_id = ?1", h->id, &rc, err);
    if (rc)
        return rc;
    if (count <= 1)
        return kt_err_set(err, KT_EINVAL,
                          "line %d (%s): an order keeps at least one line; cancel the order "
                          "instead",
                          cx->position, l.code);
    if (h->status == ORDERS_CONFIRMED && l.kind_product &&
        (rc = orders_line_unreserve(st, h, cx->actor, l.id, l.product_id, l.qty, err)))
        return rc;
    if ((rc = exec_int(st, "DELETE FROM order_lines WHERE id = ?1 AND order_id = ?2", l.id, h->id,
                       err)) ||
        (rc = exec_int(st,
                       "UPDATE order_lines SET position = position + " POSITION_SHIFT_SQL
                       " WHERE order_id = ?1 AND position > ?2",
                       h->id, cx->position, err)) ||
        (rc = exec_int(st,
                       "UPDATE order_lines SET position = position - " POSITION_BACK_SQL
                       " WHERE order_id = ?1 AND position > ?2",
                       h->id, POSITION_SHIFT, err)))
        return rc;
    char q[40];
    orders_qty_str(l.qty, q, sizeof q);
    json_object_set_new(d, "position", json_integer(cx->position));
    json_object_set_new(d, "code", json_string(l.code));
    json_object_set_new(d, "qty", json_pack("[s, n]", q));
    return 0;
}

static int op_map(struct store *st, struct edit_ctx *cx, struct orders_head *h, json_t *d,
                  struct kt_err *err)
{
    int b = 0;
    struct stored_line l;
    struct catalog_product p;
    struct kt_arena arena;
    int64_t value;
    int rc;
    if ((rc = load_line(st, h, cx->position, &l, err)))
        return rc;
    if (l.kind_product)
        return kt_err_set(err, KT_EINVAL, "line %d (%s) is mapped to a product already",
                          cx->position, l.code);
    kt_arena_init(&arena, 0);
    rc = catalog_product_get(st, cx->product_id, &arena, &p, err);
    if (rc == KT_ENOTFOUND)
        rc = kt_err_set(err, KT_EINVAL, "line %d (%s): there is no such product to map it to",
                        cx->position, l.code);
    if (rc)
        goto out;
    if (!p.active) {
        rc = kt_err_set(err, KT_EINVAL, "line %d (%s): product %s is withdrawn", cx->position,
                        l.code, p.code);
        goto out;
    }
    if ((rc = line_qty_check(cx->position, p.code, l.qty, p.unit, err)))
        goto out;
    if ((rc = orders_line_value(l.price, l.qty, l.discount, h->currency, &value, err)))
        goto out;
    struct store_stmt *s = NULL;
    if ((rc = store_prepare(st,
                            "UPDATE order_lines SET kind = 'product', product_id = ?2, code = ?3, "
                            "name = ?4, unit = ?5, vat_rate = ?6, value = ?7 WHERE id = ?1",
                            &s, err)))
        goto out;
    orders_bind_int(s, 1, l.id, &b);
    orders_bind_int(s, 2, p.id, &b);
    orders_bind_txt(s, 3, p.code, &b);
    orders_bind_txt(s, 4, product_name(&p, h->lang), &b);
    orders_bind_txt(s, 5, p.unit, &b);
    orders_bind_txt(s, 6, p.vat_rate, &b);
    orders_bind_int(s, 7, value, &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    if (rc < 0)
        goto out;
    rc = 0;
    json_object_set_new(d, "position", json_integer(cx->position));
    json_object_set_new(d, "code", json_pack("[s, s]", l.code, p.code));
    diff_str(d, "vat", l.vat, p.vat_rate);
out:
    kt_arena_release(&arena);
    return rc;
}

static int op_header(struct store *st, struct edit_ctx *cx, struct orders_head *h, json_t *d,
                     struct kt_err *err)
{
    int b = 0;
    const struct orders_header_change *c = cx->header;
    struct store_stmt *s = NULL;
    enum parties_payment_method pm;
    struct orders_address ship;
    char po[ORDERS_FIELD_MAX + 1], nc[ORDERS_TEXT_MAX + 1], ni[ORDERS_TEXT_MAX + 1];
    char method[16], smethod[ORDERS_FIELD_MAX + 1];
    int64_t days, cost;
    int rc;

    if (cx->actor->kind == ORDERS_ACTOR_CUSTOMER && c->notes_internal)
        return kt_err_set(err, KT_EPERM, "notes_internal: only staff write internal notes");
    if (c->shipping_cost_set && c->shipping_cost < 0)
        return kt_err_set(err, KT_EINVAL, "shipping_cost: cannot be negative");
    if (c->payment_days > 365)
        return kt_err_set(err, KT_EINVAL, "payment_days: between 0 and 365");
    if (c->payment_method && (rc = parties_payment_method_parse(c->payment_method, &pm, err)))
        return kt_err_prefix(err, "payment_method");
    if (c->delivery && (rc = check_address("delivery", c->delivery, err)))
        return rc;
    if ((rc = store_prepare(st,
                            "SELECT customer_po, notes_customer, notes_internal, payment_method, "
                            "payment_days, shipping_method, shipping_cost, ship_name, ship_street, "
                            "ship_postal_code, ship_city, ship_country FROM orders WHERE id = ?1",
                            &s, err)))
        return rc;
    orders_bind_int(s, 1, h->id, &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_ROW) {
        kt_strlcpy(po, store_col_text(s, 0), sizeof po);
        kt_strlcpy(nc, store_col_text(s, 1), sizeof nc);
        kt_strlcpy(ni, store_col_text(s, 2), sizeof ni);
        kt_strlcpy(method, store_col_text(s, 3), sizeof method);
        days = store_col_int64(s, 4);
        kt_strlcpy(smethod, store_col_text(s, 5), sizeof smethod);
        cost = store_col_int64(s, 6);
        copy_address(&ship, store_col_text(s, 7), store_col_text(s, 8), store_col_text(s, 9),
                     store_col_text(s, 10), store_col_text(s, 11));
    }
    store_stmt_done(s);
    if (rc != STORE_ROW)
        return rc < 0 ? rc : kt_err_set(err, KT_EINTERNAL, "order %s vanished", h->number);
    if (c->customer_po)
        diff_str(d, "customer_po", po, c->customer_po);
    if (c->notes_customer)
        diff_str(d, "notes_customer", nc, c->notes_customer);
    if (c->notes_internal)
        diff_str(d, "notes_internal", ni, c->notes_internal);
    if (c->payment_method)
        diff_str(d, "payment_method", method, parties_payment_method_name(pm));
    if (c->shipping_method)
        diff_str(d, "shipping_method", smethod, c->shipping_method);
    if (c->payment_days >= 0 && c->payment_days != days)
        json_object_set_new(d, "payment_days",
                            json_pack("[I, I]", (json_int_t)days, (json_int_t)c->payment_days));
    if (c->shipping_cost_set && c->shipping_cost != cost) {
        char was[40], now[40];
        orders_money_str(cost, h->currency, was, sizeof was);
        orders_money_str(c->shipping_cost, h->currency, now, sizeof now);
        diff_str(d, "shipping_cost", was, now);
    }
    if (c->delivery) {
        char was[sizeof(struct orders_address) + 16], now[sizeof(struct orders_address) + 16];
        snprintf(was, sizeof was, "%s, %s, %s %s, %s", ship.name, ship.street, ship.postal_code,
                 ship.city, ship.country);
        snprintf(now, sizeof now, "%s, %s, %s %s, %s", c->delivery->name, c->delivery->street,
                 c->delivery->postal_code, c->delivery->city, c->delivery->country);
        diff_str(d, "delivery", was, now);
        ship = *c->delivery;
    }
    if ((rc = store_prepare(st,
                            "UPDATE orders SET customer_po = ?2, notes_customer = ?3, "
                            "notes_internal = ?4, payment_method = ?5, payment_days = ?6, "
                            "shipping_method = ?7, shipping_cost = ?8, ship_name = ?9, "
                            "ship_street = ?10, ship_postal_code = ?11, ship_city = ?12, "
                            "ship_country = ?13 WHERE id = ?1",
                            &s, err)))
        return rc;
    orders_bind_int(s, 1, h->id, &b);
    orders_bind_txt(s, 2, c->customer_po ? c->customer_po : po, &b);
    orders_bind_txt(s, 3, c->notes_customer ? c->notes_customer : nc, &b);
    orders_bind_txt(s, 4, c->notes_internal ? c->notes_internal : ni, &b);
    orders_bind_txt(s, 5, c->payment_method ? parties_payment_method_name(pm) : method, &b);
    orders_bind_int(s, 6, c->payment_days >= 0 ? c->payment_days : days, &b);
    orders_bind_txt(s, 7, c->shipping_method ? c->shipping_method : smethod, &b);
    orders_bind_int(s, 8, c->shipping_cost_set ? c->shipping_cost : cost, &b);
    orders_bind_txt(s, 9, ship.name, &b);
    orders_bind_txt(s, 10, ship.street, &b);
    orders_bind_txt(s, 11, ship.postal_code, &b);
    orders_bind_txt(s, 12, ship.city, &b);
    orders_bind_txt(s, 13, ship.country, &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if (c->shipping_cost_set)
        h->shipping_cost = c->shipping_cost;
    return 0;
}

static int record_revision(struct store *st, const struct orders_actor *actor,
                           struct orders_head *h, json_t *d, int64_t gross_before,
                           struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    int rc;
    if (!text)
        return kt_err_set(err, KT_ENOMEM, "the revision does not fit in memory");
    h->revision++;
    if ((rc = exec_int(st, "UPDATE orders SET revision = ?2 WHERE id = ?1", h->id, h->revision,
                       err)) ||
        (rc = store_prepare(st,
                            "INSERT INTO order_revisions (order_id, revision, at, actor, diff, "
                            "gross_before, gross_after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            &s, err)))
        goto out;
    orders_bind_int(s, 1, h->id, &b);
    orders_bind_int(s, 2, h->revision, &b);
    orders_bind_int(s, 3, orders_now(), &b);
    orders_bind_txt(s, 4, actor->name, &b);
    orders_bind_txt(s, 5, text, &b);
    orders_bind_int(s, 6, gross_before, &b);
    orders_bind_int(s, 7, h->total_gross, &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    rc = rc < 0 ? rc : 0;
out:
    free(text);
    return rc;
}

static int edit_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct edit_ctx *cx = ctx;
    struct orders_head h;
    json_t *d = NULL;
    int rc;

    if ((rc = orders_head_load(st, cx->actor, cx->id, &h, err)) ||
        (rc = check_editable(cx->actor, &h, cx->op, err)) ||
        (rc = orders_bump(st, &h, cx->version, err)))
        return rc;
    int64_t gross_before = h.total_gross;
    d = json_pack("{s:s}", "change", edit_names[cx->op]);
    if (!d)
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    switch (cx->op) {
    case EDIT_HEADER:
        rc = op_header(st, cx, &h, d, err);
        break;
    case EDIT_LINE_ADD:
        rc = op_line_add(st, cx, &h, d, err);
        break;
    case EDIT_LINE_UPDATE:
        rc = op_line_update(st, cx, &h, d, err);
        break;
    case EDIT_LINE_REMOVE:
        rc = op_line_remove(st, cx, &h, d, err);
        break;
    case EDIT_MAP:
        rc = op_map(st, cx, &h, d, err);
        break;
    }
    if (rc || (rc = orders_recompute(st, &h, err)))
        goto out;
    if (h.total_gross != gross_before) {
        char a[40], b[40];
        orders_money_str(gross_before, h.currency, a, sizeof a);
        orders_money_str(h.total_gross, h.currency, b, sizeof b);
        diff_str(d, "total_gross", a, b);
    }
    if (h.status == ORDERS_CONFIRMED &&
        (rc = record_revision(st, cx->actor, &h, d, gross_before, err)))
        goto out;
    const char *status = orders_status_name(h.status);
    if ((rc = orders_history_add(st, h.id, cx->actor,
                                 h.status == ORDERS_CONFIRMED ? "revised" : "changed", status,
                                 status, h.revision, d, err)))
        goto out;
    json_object_set_new(d, "revision", json_integer(h.revision));
    json_object_set_new(d, "status", json_string(status));
    if ((rc = orders_emit(st, "order.changed", &h, d, err)))
        goto out;
    cx->new_version = h.version;
out:
    json_decref(d);
    return rc;
}

static int run_edit(struct store *st, struct edit_ctx *cx, int64_t *new_version, struct kt_err *err)
{
    int rc = orders_actor_check(cx->actor, err);
    if (rc == 0)
        rc = orders_run(st, edit_tx, cx, err);
    if (rc == 0 && new_version)
        *new_version = cx->new_version;
    return rc;
}

int orders_update_header(struct store *st, const struct orders_actor *actor, int64_t id,
                         int64_t version, const struct orders_header_change *c,
                         int64_t *new_version, struct kt_err *err)
{
    int rc;
    if ((rc = check_text("customer_po", c->customer_po, ORDERS_FIELD_MAX, err)) ||
        (rc = check_text("shipping_method", c->shipping_method, ORDERS_FIELD_MAX, err)) ||
        (rc = check_text("notes_customer", c->notes_customer, ORDERS_TEXT_MAX, err)) ||
        (rc = check_text("notes_internal", c->notes_internal, ORDERS_TEXT_MAX, err)))
        return rc;
    struct edit_ctx cx = {
        .op = EDIT_HEADER, .actor = actor, .id = id, .version = version, .header = c};
    return run_edit(st, &cx, new_version, err);
}

int orders_line_add(struct store *st, const struct orders_actor *actor, int64_t id, int64_t version,
                    const struct orders_line_input *line, int64_t *new_version, struct kt_err *err)
{
    struct edit_ctx cx = {
        .op = EDIT_LINE_ADD, .actor = actor, .id = id, .version = version, .line = line};
    return run_edit(st, &cx, new_version, err);
}

int orders_line_update(struct store *st, const struct orders_actor *actor, int64_t id,
                       int64_t version, int position, int64_t qty, int has_price, int64_t price,
                       int64_t discount, int64_t *new_version, struct kt_err *err)
{
    struct edit_ctx cx = {.op = EDIT_LINE_UPDATE,
                          .actor = actor,
                          .id = id,
                          .version = version,
                          .position = position,
                          .qty = qty,
                          .has_price = has_price,
                          .price = price,
                          .discount = discount};
    return run_edit(st, &cx, new_version, err);
}

int orders_line_remove(struct store *st, const struct orders_actor *actor, int64_t id,
                       int64_t version, int position, int64_t *new_version, struct kt_err *err)
{
    struct edit_ctx cx = {
        .op = EDIT_LINE_REMOVE, .actor = actor, .id = id, .version = version, .position = position};
    return run_edit(st, &cx, new_version, err);
}

int orders_map_line(struct store *st, const struct orders_actor *actor, int64_t id, int64_t version,
                    int position, int64_t product_id, int64_t *new_version, struct kt_err *err)
{
    struct edit_ctx cx = {.op = EDIT_MAP,
                          .actor = actor,
                          .id = id,
                          .version = version,
                          .position = position,
                          .product_id = product_id};
    return run_edit(st, &cx, new_version, err);
}
