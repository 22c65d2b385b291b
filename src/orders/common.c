#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/money.h"
#include "base/qty.h"
#include "catalog/stock.h"
#include "jobs/jobs.h"
#include "orders/internal.h"
#include "orders/orders.h"
#include "orders/totals.h"
#include "store/store.h"
#include "base/banned.h"

/* ---- names ---- */

static const char *const status_names[ORDERS_STATUS_COUNT] = {
    [ORDERS_DRAFT] = "draft",         [ORDERS_SUBMITTED] = "submitted",
    [ORDERS_CONFIRMED] = "confirmed", [ORDERS_IN_FULFILMENT] = "in_fulfilment",
    [ORDERS_SHIPPED] = "shipped",     [ORDERS_COMPLETED] = "completed",
    [ORDERS_CANCELLED] = "cancelled",
};

static const char *const payment_names[ORDERS_PAYMENT_COUNT] = {
    [ORDERS_UNPAID] = "unpaid",
    [ORDERS_PARTIALLY_PAID] = "partially_paid",
    [ORDERS_PAID] = "paid",
    [ORDERS_OVERPAID] = "overpaid",
};

const char *orders_status_name(enum orders_status s)
{
    return (unsigned)s < ORDERS_STATUS_COUNT ? status_names[s] : NULL;
}

int orders_status_parse(const char *text, enum orders_status *out, struct kt_err *err)
{
    for (int i = 0; i < ORDERS_STATUS_COUNT; i++)
        if (text && strcmp(text, status_names[i]) == 0) {
            *out = (enum orders_status)i;
            return 0;
        }
    return kt_err_set(err, KT_EINVAL,
                      "status: \"%s\" is not a status; use draft, submitted, confirmed, "
                      "in_fulfilment, shipped, completed or cancelled",
                      text ? text : "");
}

const char *orders_payment_name(enum orders_payment p)
{
    return (unsigned)p < ORDERS_PAYMENT_COUNT ? payment_names[p] : NULL;
}

int orders_payment_parse(const char *text, enum orders_payment *out, struct kt_err *err)
{
    for (int i = 0; i < ORDERS_PAYMENT_COUNT; i++)
        if (text && strcmp(text, payment_names[i]) == 0) {
            *out = (enum orders_payment)i;
            return 0;
        }
    return kt_err_set(err, KT_EINVAL,
                      "payment: \"%s\" is not a payment state; use unpaid, partially_paid, paid "
                      "or overpaid",
                      text ? text : "");
}

enum orders_payment orders_payment_state(int64_t total, int64_t paid)
{
    if (paid > total)
        return ORDERS_OVERPAID;
    if (paid == total)
        return ORDERS_PAID;
    return paid <= 0 ? ORDERS_UNPAID : ORDERS_PARTIALLY_PAID;
}

/* ---- binding ---- */

void orders_bind_int(struct store_stmt *s, int idx, int64_t v, int *b)
{
    if (*b == 0)
        *b = store_bind_int64(s, idx, v);
}

void orders_bind_txt(struct store_stmt *s, int idx, const char *text, int *b)
{
    if (*b == 0)
        *b = store_bind_text(s, idx, text);
}

void orders_bind_null(struct store_stmt *s, int idx, int *b)
{
    if (*b == 0)
        *b = store_bind_null(s, idx);
}

int orders_step(struct store_stmt *s, int b, struct kt_err *err)
{
    if (b)
        return kt_err_set(err, b, "cannot pass a value to the database (%s)", kt_err_name(b));
    return store_step(s, err);
}

/* ---- clock, actors, transactions ---- */

static int64_t system_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t (*clock_fn)(void) = system_now_ms;

void orders_set_clock(int64_t (*now_ms)(void))
{
    clock_fn = now_ms ? now_ms : system_now_ms;
}

int64_t orders_now(void)
{
    return clock_fn();
}

int orders_run(struct store *st, store_tx_fn fn, void *ctx, struct kt_err *err)
{
    int rc = store_in_tx(st) ? fn(st, ctx, err) : store_tx(st, fn, ctx, err);
    return rc == ORDERS_STALE ? KT_ECONFLICT : rc;
}

int orders_actor_is_staff(const struct orders_actor *a)
{
    return a->kind == ORDERS_ACTOR_STAFF || a->kind == ORDERS_ACTOR_SYSTEM;
}

int orders_actor_can(const struct orders_actor *a, unsigned right)
{
    if (a->kind == ORDERS_ACTOR_SYSTEM)
        return 1;
    return a->kind == ORDERS_ACTOR_STAFF && (a->rights & right) == right;
}

int orders_actor_check(const struct orders_actor *a, struct kt_err *err)
{
    if (!a || !a->name || !*a->name)
        return kt_err_set(err, KT_EINVAL, "an order change needs the name of who makes it");
    if (a->kind == ORDERS_ACTOR_CUSTOMER && a->customer_id <= 0)
        return kt_err_set(err, KT_EPERM, "a customer user without a customer cannot see orders");
    if (a->kind != ORDERS_ACTOR_STAFF && a->kind != ORDERS_ACTOR_CUSTOMER &&
        a->kind != ORDERS_ACTOR_SYSTEM)
        return kt_err_set(err, KT_EINVAL, "unknown kind of actor");
    return 0;
}

int orders_stale(struct kt_err *err, const char *number, int64_t current, int64_t had)
{
    kt_err_set(err, KT_ECONFLICT,
               "order %s was changed by someone else (version %lld, you had %lld); load it "
               "again and repeat your change",
               number, (long long)current, (long long)had);
    return ORDERS_STALE;
}

/* ---- the header ---- */

int orders_head_load(struct store *st, const struct orders_actor *actor, int64_t id,
                     struct orders_head *h, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc = store_prepare(
        st,
        "SELECT id, number, customer_id, status, price_basis, currency, order_date, lang, "
        "version, revision, partial, paid, total_gross, warehouse_id, shipping_cost, "
        "shipping_vat FROM orders WHERE id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR customer_id = ?2)",
        &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, id, &b);
    orders_bind_int(s, 2, actor->kind == ORDERS_ACTOR_CUSTOMER ? actor->customer_id : 0, &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND, "there is no order with id %lld", (long long)id);
        goto out;
    }
    if (rc < 0)
        goto out;
    memset(h, 0, sizeof *h);
    h->id = store_col_int64(s, 0);
    kt_strlcpy(h->number, store_col_text(s, 1), sizeof h->number);
    h->customer_id = store_col_int64(s, 2);
    if ((rc = orders_status_parse(store_col_text(s, 3), &h->status, err)) ||
        (rc = price_basis_parse(store_col_text(s, 4), &h->basis, err)) ||
        (rc = kt_date_parse(store_col_text(s, 6), &h->date, err))) {
        rc = kt_err_set(err, KT_ECORRUPT, "order %s: %s", h->number, err->msg);
        goto out;
    }
    kt_strlcpy(h->currency, store_col_text(s, 5), sizeof h->currency);
    kt_strlcpy(h->lang, store_col_text(s, 7), sizeof h->lang);
    h->version = store_col_int64(s, 8);
    h->revision = (int)store_col_int64(s, 9);
    h->partial = (int)store_col_int64(s, 10);
    h->paid = store_col_int64(s, 11);
    h->total_gross = store_col_int64(s, 12);
    h->warehouse_id = store_col_is_null(s, 13) ? 0 : store_col_int64(s, 13);
    h->shipping_cost = store_col_int64(s, 14);
    kt_strlcpy(h->shipping_vat, store_col_text(s, 15), sizeof h->shipping_vat);
    rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

int orders_bump(struct store *st, struct orders_head *h, int64_t version, struct kt_err *err)
{
    int b = 0;
    if (h->version != version)
        return orders_stale(err, h->number, h->version, version);
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "UPDATE orders SET version = version + 1, updated_at = ?3 "
                           "WHERE id = ?1 AND version = ?2",
                           &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, h->id, &b);
    orders_bind_int(s, 2, version, &b);
    orders_bind_int(s, 3, orders_now(), &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    /* Someone committed a change between our read and this UPDATE
     * (PostgreSQL READ COMMITTED re-checks the WHERE clause). */
    if (store_changes(st) != 1)
        return orders_stale(err, h->number, version + 1, version);
    h->version = version + 1;
    return 0;
}

int orders_recompute(struct store *st, struct orders_head *h, struct kt_err *err)
{
    int b = 0;
    struct orders_totals t;
    struct store_stmt *s = NULL;
    int rc = orders_totals_begin(&t, h->currency, h->basis, err);
    if (rc)
        return rc;
    if ((rc = store_prepare(st, "SELECT vat_rate, value FROM order_lines WHERE order_id = ?1", &s,
                            err)))
        return rc;
    orders_bind_int(s, 1, h->id, &b);
    while ((rc = orders_step(s, b, err)) == STORE_ROW) {
        if ((rc = orders_totals_add(&t, store_col_text(s, 0), store_col_int64(s, 1), err)))
            break;
    }
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if (h->shipping_cost > 0 &&
        (rc = orders_totals_add(&t, h->shipping_vat, h->shipping_cost, err)))
        return rc;
    if ((rc = orders_totals_finish(&t, err)))
        return rc;
    if ((rc = store_prepare(st,
                            "UPDATE orders SET total_net = ?2, total_vat = ?3, total_gross = ?4, "
                            "payment_state = ?5, partial = CASE WHEN EXISTS (SELECT 1 FROM "
                            "order_lines WHERE order_id = ?1 AND kind = 'unmatched') THEN 1 "
                            "ELSE 0 END WHERE id = ?1 RETURNING partial",
                            &s, err)))
        return rc;
    orders_bind_int(s, 1, h->id, &b);
    orders_bind_int(s, 2, t.net, &b);
    orders_bind_int(s, 3, t.vat, &b);
    orders_bind_int(s, 4, t.gross, &b);
    orders_bind_txt(s, 5, orders_payment_name(orders_payment_state(t.gross, h->paid)), &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_ROW)
        h->partial = (int)store_col_int64(s, 0);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    h->total_gross = t.gross;
    return 0;
}

/* ---- history and events ---- */

/* Compact JSON text of v (malloc'd) or NULL; an empty object for NULL v. */
static char *dump(json_t *v)
{
    if (!v)
        return strdup("{}");
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
}

int orders_history_add(struct store *st, int64_t order_id, const struct orders_actor *actor,
                       const char *action, const char *from_status, const char *to_status,
                       int revision, json_t *detail, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    char *text = dump(detail);
    int rc;
    if (!text)
        return kt_err_set(err, KT_ENOMEM, "the history of the order does not fit in memory");
    if ((rc = store_prepare(st,
                            "INSERT INTO order_history (order_id, at, actor, action, from_status, "
                            "to_status, revision, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            &s, err)))
        goto out;
    orders_bind_int(s, 1, order_id, &b);
    orders_bind_int(s, 2, orders_now(), &b);
    orders_bind_txt(s, 3, actor->name, &b);
    orders_bind_txt(s, 4, action, &b);
    orders_bind_txt(s, 5, from_status, &b);
    orders_bind_txt(s, 6, to_status, &b);
    orders_bind_int(s, 7, revision, &b);
    orders_bind_txt(s, 8, text, &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    rc = rc < 0 ? rc : 0;
out:
    free(text);
    return rc;
}

int orders_emit(struct store *st, const char *type, const struct orders_head *h, json_t *extra,
                struct kt_err *err)
{
    json_t *o =
        json_pack("{s:I, s:s, s:I, s:I}", "order_id", (json_int_t)h->id, "number", h->number,
                  "customer_id", (json_int_t)h->customer_id, "version", (json_int_t)h->version);
    char *text = NULL;
    int rc;
    if (o && extra)
        json_object_update(o, extra);
    if (!o || !(text = dump(o))) {
        rc = kt_err_set(err, KT_ENOMEM, "the %s event does not fit in memory", type);
        goto out;
    }
    rc = events_emit(st, type, text, err);
out:
    free(text);
    json_decref(o);
    return rc;
}

/* ---- stock ---- */

int orders_backorders_get(struct store *st, int *allowed, struct kt_err *err)
{
    char v[8];
    int rc = store_setting_get(st, "orders.allow_backorders", v, sizeof v, err);
    if (rc == KT_ENOTFOUND) {
        *allowed = 0;
        return 0;
    }
    if (rc)
        return rc;
    *allowed = strcmp(v, "1") == 0;
    return 0;
}

int orders_backorders_set(struct store *st, int allowed, struct kt_err *err)
{
    return store_setting_set(st, "orders.allow_backorders", allowed ? "1" : "0", err);
}

static int line_stock_update(struct store *st, int64_t line_id, int64_t reserved_delta,
                             int64_t backordered_delta, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "UPDATE order_lines SET reserved = reserved + ?2, "
                           "backordered = backordered + ?3 WHERE id = ?1",
                           &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, line_id, &b);
    orders_bind_int(s, 2, reserved_delta, &b);
    orders_bind_int(s, 3, backordered_delta, &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* How many tries to reserve what is available before calling it a back-order:
 * each failed try means someone reserved in between, so available shrank. */
#define BACKORDER_TRIES 5

int orders_line_reserve(struct store *st, const struct orders_head *h,
                        const struct orders_actor *actor, int64_t line_id, int position,
                        int64_t product_id, const char *code, int64_t want, struct kt_err *err)
{
    struct stock_origin origin = {.doc_ref = h->number, .user = actor->name};
    int64_t got = 0;
    int allowed = 0, rc;

    rc = stock_reserve(st, product_id, h->warehouse_id, want, &origin, NULL, err);
    if (rc == 0)
        return line_stock_update(st, line_id, want, 0, err);
    if (rc != KT_ELIMIT)
        return rc;
    struct kt_err setting_err;
    if ((rc = orders_backorders_get(st, &allowed, &setting_err))) {
        *err = setting_err;
        return rc;
    }
    if (!allowed) {
        kt_err_prefix(err, "line %d (%s)", position, code);
        return KT_ELIMIT;
    }
    for (int i = 0; i < BACKORDER_TRIES; i++) {
        struct stock_level lv;
        if ((rc = stock_get(st, product_id, h->warehouse_id, &lv, err)))
            return rc;
        int64_t take = lv.available < want ? lv.available : want;
        if (take <= 0)
            break;
        rc = stock_reserve(st, product_id, h->warehouse_id, take, &origin, NULL, err);
        if (rc == 0) {
            got = take;
            break;
        }
        if (rc != KT_ELIMIT)
            return rc;
    }
    return line_stock_update(st, line_id, got, want - got, err);
}

int orders_line_unreserve(struct store *st, const struct orders_head *h,
                          const struct orders_actor *actor, int64_t line_id, int64_t product_id,
                          int64_t qty, struct kt_err *err)
{
    int b = 0;
    struct stock_origin origin = {.doc_ref = h->number, .user = actor->name};
    struct store_stmt *s = NULL;
    int64_t reserved = 0, backordered = 0;
    int rc =
        store_prepare(st, "SELECT reserved, backordered FROM order_lines WHERE id = ?1", &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, line_id, &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_ROW) {
        reserved = store_col_int64(s, 0);
        backordered = store_col_int64(s, 1);
    }
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    int64_t from_back = qty < backordered ? qty : backordered;
    int64_t from_stock = qty - from_back;
    if (from_stock > reserved)
        from_stock = reserved;
    if (from_stock > 0 &&
        (rc = stock_release(st, product_id, h->warehouse_id, from_stock, &origin, NULL, err)))
        return rc;
    if (from_back == 0 && from_stock == 0)
        return 0;
    return line_stock_update(st, line_id, -from_stock, -from_back, err);
}

/* ---- decimal strings ---- */

static void fixed_str(int64_t v, int decimals, int min_decimals, char *out, size_t n)
{
    static const uint64_t scale[] = {1, 10, 100, 1000, 10000};
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char f[24];
    snprintf(f, sizeof f, "%0*llu", decimals, (unsigned long long)(a % scale[decimals]));
    size_t len = strlen(f);
    while (len > (size_t)min_decimals && f[len - 1] == '0')
        f[--len] = '\0';
    snprintf(out, n, "%s%llu%s%s", v < 0 ? "-" : "", (unsigned long long)(a / scale[decimals]),
             len ? "." : "", f);
}

void orders_qty_str(int64_t q, char *out, size_t n)
{
    fixed_str(q, KT_QTY_DECIMALS, 0, out, n);
}

void orders_price_str(int64_t p, char *out, size_t n)
{
    fixed_str(p, KT_PRICE_DECIMALS, 2, out, n);
}

void orders_money_str(int64_t m, const char *currency, char *out, size_t n)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 64);
    if (kt_money_format_decimal(&b, m, currency, &err) == 0)
        kt_strlcpy(out, kt_buf_str(&b), n);
    else
        fixed_str(m, 2, 2, out, n);
    kt_buf_release(&b);
}
