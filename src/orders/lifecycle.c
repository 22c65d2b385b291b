#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "catalog/stock.h"
#include "catalog/warehouse.h"
#include "orders/internal.h"
#include "orders/orders.h"
#include "parties/company.h"
#include "store/store.h"
#include "base/banned.h"

/*
 * The lifecycle: one table of allowed transitions. Each entry names who
 * may take it, the event it emits and the effect on stock it has; a
 * transition runs in one transaction that takes the order (version check),
 * applies the effect, sets the status and writes history and event.
 */

#define WHO_STAFF 0x1u
#define WHO_CUSTOMER 0x2u
#define WHO_ANY (WHO_STAFF | WHO_CUSTOMER)

enum effect { EFFECT_NONE, EFFECT_RESERVE, EFFECT_RELEASE };

struct transition {
    enum orders_status from, to;
    unsigned who;
    const char *event;
    enum effect effect;
};

static const struct transition transitions[] = {
    {.from = ORDERS_DRAFT, .to = ORDERS_SUBMITTED, .who = WHO_ANY, .event = "order.submitted"},
    {.from = ORDERS_DRAFT,
     .to = ORDERS_CONFIRMED,
     .who = WHO_STAFF,
     .event = "order.confirmed",
     .effect = EFFECT_RESERVE},
    {.from = ORDERS_SUBMITTED,
     .to = ORDERS_CONFIRMED,
     .who = WHO_STAFF,
     .event = "order.confirmed",
     .effect = EFFECT_RESERVE},
    {.from = ORDERS_CONFIRMED,
     .to = ORDERS_IN_FULFILMENT,
     .who = WHO_STAFF,
     .event = "order.status_changed"},
    {.from = ORDERS_IN_FULFILMENT,
     .to = ORDERS_SHIPPED,
     .who = WHO_STAFF,
     .event = "order.status_changed"},
    {.from = ORDERS_SHIPPED,
     .to = ORDERS_COMPLETED,
     .who = WHO_STAFF,
     .event = "order.status_changed"},
    {.from = ORDERS_DRAFT,
     .to = ORDERS_CANCELLED,
     .who = WHO_ANY,
     .event = "order.cancelled",
     .effect = EFFECT_RELEASE},
    {.from = ORDERS_SUBMITTED,
     .to = ORDERS_CANCELLED,
     .who = WHO_ANY,
     .event = "order.cancelled",
     .effect = EFFECT_RELEASE},
    {.from = ORDERS_CONFIRMED,
     .to = ORDERS_CANCELLED,
     .who = WHO_STAFF,
     .event = "order.cancelled",
     .effect = EFFECT_RELEASE},
};

#define NTRANSITIONS (sizeof transitions / sizeof transitions[0])

static const struct transition *find_transition(enum orders_status from, enum orders_status to)
{
    for (size_t i = 0; i < NTRANSITIONS; i++)
        if (transitions[i].from == from && transitions[i].to == to)
            return &transitions[i];
    return NULL;
}

int orders_transition_allowed(enum orders_status from, enum orders_status to)
{
    return find_transition(from, to) != NULL;
}

struct transition_ctx {
    const struct orders_actor *actor;
    int64_t id, version;
    enum orders_status to;
    int64_t warehouse_id; /* confirm: 0 = the company's default */
    const char *reason;   /* cancel */
    int64_t new_version;
};

/* The warehouse a confirmation reserves in. */
static int pick_warehouse(struct store *st, int64_t chosen, int64_t *id, struct kt_err *err)
{
    struct stock_warehouse w;
    struct parties_company c;
    int rc;
    if (chosen > 0) {
        rc = stock_warehouse_get_id(st, chosen, &w, err);
        if (rc == KT_ENOTFOUND)
            return kt_err_set(err, KT_EINVAL, "warehouse: there is no warehouse with id %lld",
                              (long long)chosen);
    } else {
        rc = parties_company_get(st, &c, err);
        if (rc == 0 && !c.default_warehouse[0])
            rc = KT_ENOTFOUND;
        if (rc == KT_ENOTFOUND)
            return kt_err_set(err, KT_EINVAL,
                              "warehouse: choose the warehouse to reserve stock in, or set the "
                              "company's default warehouse");
        if (rc == 0 && (rc = stock_warehouse_get(st, c.default_warehouse, &w, err)) == KT_ENOTFOUND)
            return kt_err_set(err, KT_EINVAL,
                              "warehouse: the company's default warehouse %s does not exist",
                              c.default_warehouse);
    }
    if (rc)
        return rc;
    if (!w.active)
        return kt_err_set(err, KT_EINVAL, "warehouse: %s is inactive", w.code);
    *id = w.id;
    return 0;
}

/* The unmatched lines of a partial order, for the refusal: "1 (ABC), 4 (X-9)". */
static int refuse_partial(struct store *st, const struct orders_head *h, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    char list[256] = "";
    size_t used = 0;
    int rc = store_prepare(st,
                           "SELECT position, code FROM order_lines WHERE order_id = ?1 AND "
                           "kind = 'unmatched' ORDER BY position",
                           &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, h->id, &b);
    while ((rc = orders_step(s, b, err)) == STORE_ROW && used < sizeof list - 1) {
        int w = snprintf(list + used, sizeof list - used, "%s%lld (%s)", used ? ", " : "",
                         (long long)store_col_int64(s, 0), store_col_text(s, 1));
        used = w < 0 ? sizeof list - 1 : used + (size_t)w;
    }
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    return kt_err_set(err, KT_EINVAL,
                      "order %s is partial: map line %s to a product before confirming it",
                      h->number, list);
}

struct line_ref {
    int64_t id, product_id, qty;
    int position;
    char code[256];
};

/* Reserves every product line, in product id order so that two
 * confirmations sharing products lock stock rows in the same order. */
static int reserve_all(struct store *st, const struct orders_actor *actor,
                       const struct orders_head *h, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "SELECT id, product_id, qty, position, code FROM order_lines "
                           "WHERE order_id = ?1 AND kind = 'product' ORDER BY product_id, id",
                           &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, h->id, &b);
    /* Read the lines first: the statement cannot stay open while stock
     * changes run other statements on this connection. */
    struct line_ref *lines = NULL;
    size_t n = 0, cap = 0;
    while ((rc = orders_step(s, b, err)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct line_ref *bigger = realloc(lines, ncap * sizeof *bigger);
            if (!bigger) {
                rc = kt_err_set(err, KT_ENOMEM, "the lines of %s do not fit in memory", h->number);
                break;
            }
            lines = bigger;
            cap = ncap;
        }
        struct line_ref *l = &lines[n++];
        l->id = store_col_int64(s, 0);
        l->product_id = store_col_int64(s, 1);
        l->qty = store_col_int64(s, 2);
        l->position = (int)store_col_int64(s, 3);
        kt_strlcpy(l->code, store_col_text(s, 4), sizeof l->code);
    }
    store_stmt_done(s);
    if (rc >= 0)
        rc = 0;
    /* A line whose stock is there is reserved at once; only a short line
     * goes the long way (back-order or refusal, orders_line_reserve). The
     * fully reserved lines are then marked with one UPDATE. */
    struct stock_origin origin = {.doc_ref = h->number, .user = actor->name};
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = stock_reserve(st, lines[i].product_id, h->warehouse_id, lines[i].qty, &origin, NULL,
                           err);
        if (rc == KT_ELIMIT)
            rc = orders_line_reserve(st, h, actor, lines[i].id, lines[i].position,
                                     lines[i].product_id, lines[i].code, lines[i].qty, err);
    }
    free(lines);
    if (rc)
        return rc;
    if ((rc = store_prepare(st,
                            "UPDATE order_lines SET reserved = qty WHERE order_id = ?1 AND "
                            "kind = 'product' AND reserved = 0 AND backordered = 0",
                            &s, err)))
        return rc;
    orders_bind_int(s, 1, h->id, &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int release_all(struct store *st, const struct orders_actor *actor,
                       const struct orders_head *h, struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "SELECT id, product_id, reserved + backordered FROM order_lines "
                           "WHERE order_id = ?1 AND kind = 'product' "
                           "AND reserved + backordered > 0 ORDER BY product_id, id",
                           &s, err);
    if (rc)
        return rc;
    orders_bind_int(s, 1, h->id, &b);
    struct line_ref *lines = NULL;
    size_t n = 0, cap = 0;
    while ((rc = orders_step(s, b, err)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct line_ref *bigger = realloc(lines, ncap * sizeof *bigger);
            if (!bigger) {
                rc = kt_err_set(err, KT_ENOMEM, "the lines of %s do not fit in memory", h->number);
                break;
            }
            lines = bigger;
            cap = ncap;
        }
        lines[n].id = store_col_int64(s, 0);
        lines[n].product_id = store_col_int64(s, 1);
        lines[n].qty = store_col_int64(s, 2);
        n++;
    }
    store_stmt_done(s);
    if (rc >= 0)
        rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = orders_line_unreserve(st, h, actor, lines[i].id, lines[i].product_id, lines[i].qty,
                                   err);
    free(lines);
    return rc;
}

static int transition_tx(struct store *st, void *ctx, struct kt_err *err)
{
    int b = 0;
    struct transition_ctx *cx = ctx;
    const struct orders_actor *actor = cx->actor;
    struct orders_head h;
    struct store_stmt *s = NULL;
    int rc;

    if ((rc = orders_head_load(st, actor, cx->id, &h, err)))
        return rc;
    enum orders_status from = h.status;
    const struct transition *t = find_transition(from, cx->to);
    if (!t)
        return kt_err_set(err, KT_EINVAL, "order %s is %s and cannot become %s", h.number,
                          orders_status_name(from), orders_status_name(cx->to));
    unsigned who = actor->kind == ORDERS_ACTOR_CUSTOMER ? WHO_CUSTOMER : WHO_STAFF;
    if (!(t->who & who))
        return kt_err_set(err, KT_EPERM, "order %s: only staff can make a %s order %s", h.number,
                          orders_status_name(from), orders_status_name(cx->to));
    if (t->effect == EFFECT_RESERVE) {
        if (h.partial)
            return refuse_partial(st, &h, err);
        if ((rc = pick_warehouse(st, cx->warehouse_id, &h.warehouse_id, err)))
            return rc;
    }
    if (h.version != cx->version)
        return orders_stale(err, h.number, h.version, cx->version);
    /* One conditional UPDATE takes the order (version check, row lock on
     * PostgreSQL until commit) and sets the new status. */
    int64_t now = orders_now();
    if ((rc =
             store_prepare(st,
                           "UPDATE orders SET status = ?2, version = version + 1, updated_at = ?5, "
                           "warehouse_id = CASE WHEN CAST(?3 AS BIGINT) > 0 THEN ?3 ELSE "
                           "warehouse_id END, "
                           "confirmed_at = CASE WHEN ?4 = 1 THEN ?5 ELSE confirmed_at END, "
                           "confirmed_by = CASE WHEN ?4 = 1 THEN ?6 ELSE confirmed_by END "
                           "WHERE id = ?1 AND version = ?7",
                           &s, err)))
        return rc;
    int confirming = t->effect == EFFECT_RESERVE;
    orders_bind_int(s, 1, h.id, &b);
    orders_bind_txt(s, 2, orders_status_name(cx->to), &b);
    orders_bind_int(s, 3, confirming ? h.warehouse_id : 0, &b);
    orders_bind_int(s, 4, confirming, &b);
    orders_bind_int(s, 5, now, &b);
    orders_bind_txt(s, 6, actor->name, &b);
    orders_bind_int(s, 7, cx->version, &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    /* Someone committed a change between our read and this UPDATE. */
    if (store_changes(st) != 1)
        return orders_stale(err, h.number, cx->version + 1, cx->version);
    h.version = cx->version + 1;
    h.status = cx->to;
    if (t->effect == EFFECT_RESERVE && (rc = reserve_all(st, actor, &h, err)))
        return rc;
    if (t->effect == EFFECT_RELEASE && h.warehouse_id > 0 && (rc = release_all(st, actor, &h, err)))
        return rc;
    json_t *detail =
        json_pack("{s:s, s:s}", "from", orders_status_name(from), "to", orders_status_name(cx->to));
    if (!detail)
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    if (cx->reason && *cx->reason)
        json_object_set_new(detail, "reason", json_string(cx->reason));
    if (confirming)
        json_object_set_new(detail, "warehouse_id", json_integer(h.warehouse_id));
    rc = orders_history_add(st, h.id, actor, orders_status_name(cx->to), orders_status_name(from),
                            orders_status_name(cx->to), h.revision, detail, err);
    if (rc == 0)
        rc = orders_emit(st, t->event, &h, detail, err);
    json_decref(detail);
    if (rc == 0)
        cx->new_version = h.version;
    return rc;
}

static int run_transition(struct store *st, struct transition_ctx *cx, int64_t *new_version,
                          struct kt_err *err)
{
    int rc = orders_actor_check(cx->actor, err);
    if (rc == 0 && cx->reason && strlen(cx->reason) > ORDERS_TEXT_MAX)
        rc = kt_err_set(err, KT_EINVAL, "reason: longer than %d bytes", ORDERS_TEXT_MAX);
    if (rc == 0)
        rc = orders_run(st, transition_tx, cx, err);
    if (rc == 0 && new_version)
        *new_version = cx->new_version;
    return rc;
}

int orders_submit(struct store *st, const struct orders_actor *actor, int64_t id, int64_t version,
                  int64_t *new_version, struct kt_err *err)
{
    struct transition_ctx cx = {
        .actor = actor, .id = id, .version = version, .to = ORDERS_SUBMITTED};
    return run_transition(st, &cx, new_version, err);
}

int orders_confirm(struct store *st, const struct orders_actor *actor, int64_t id, int64_t version,
                   int64_t warehouse_id, int64_t *new_version, struct kt_err *err)
{
    struct transition_ctx cx = {.actor = actor,
                                .id = id,
                                .version = version,
                                .to = ORDERS_CONFIRMED,
                                .warehouse_id = warehouse_id};
    return run_transition(st, &cx, new_version, err);
}

int orders_cancel(struct store *st, const struct orders_actor *actor, int64_t id, int64_t version,
                  const char *reason, int64_t *new_version, struct kt_err *err)
{
    struct transition_ctx cx = {
        .actor = actor, .id = id, .version = version, .to = ORDERS_CANCELLED, .reason = reason};
    return run_transition(st, &cx, new_version, err);
}

int orders_set_status(struct store *st, const struct orders_actor *actor, int64_t id,
                      int64_t version, enum orders_status to, int64_t *new_version,
                      struct kt_err *err)
{
    if (to != ORDERS_IN_FULFILMENT && to != ORDERS_SHIPPED && to != ORDERS_COMPLETED)
        return kt_err_set(err, KT_EINVAL,
                          "status: use submit, confirm or cancel for %s; set_status moves an order "
                          "to in_fulfilment, shipped or completed",
                          orders_status_name(to) ? orders_status_name(to) : "that status");
    struct transition_ctx cx = {.actor = actor, .id = id, .version = version, .to = to};
    return run_transition(st, &cx, new_version, err);
}

/* ---- payments ---- */

struct payment_ctx {
    const struct orders_actor *actor;
    int64_t id, amount;
    const char *reference;
    enum orders_payment state;
};

static int payment_tx(struct store *st, void *ctx, struct kt_err *err)
{
    int b = 0;
    struct payment_ctx *cx = ctx;
    struct orders_head h;
    struct store_stmt *s = NULL;
    int64_t paid = 0, total = 0;
    int rc;
    if ((rc = orders_head_load(st, cx->actor, cx->id, &h, err)))
        return rc;
    if ((rc = store_prepare(st,
                            "UPDATE orders SET paid = paid + ?2 WHERE id = ?1 "
                            "RETURNING paid, total_gross, payment_state",
                            &s, err)))
        return rc;
    orders_bind_int(s, 1, h.id, &b);
    orders_bind_int(s, 2, cx->amount, &b);
    rc = orders_step(s, b, err);
    char before[24] = "";
    if (rc == STORE_ROW) {
        paid = store_col_int64(s, 0);
        total = store_col_int64(s, 1);
        kt_strlcpy(before, store_col_text(s, 2), sizeof before);
    }
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    cx->state = orders_payment_state(total, paid);
    const char *after = orders_payment_name(cx->state);
    if ((rc = store_prepare(st, "UPDATE orders SET payment_state = ?2 WHERE id = ?1", &s, err)))
        return rc;
    orders_bind_int(s, 1, h.id, &b);
    orders_bind_txt(s, 2, after, &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    char amount[40], total_paid[40];
    orders_money_str(cx->amount, h.currency, amount, sizeof amount);
    orders_money_str(paid, h.currency, total_paid, sizeof total_paid);
    json_t *detail = json_pack("{s:s, s:s, s:[s, s]}", "amount", amount, "paid", total_paid,
                               "payment", before, after);
    if (!detail)
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    if (cx->reference && *cx->reference)
        json_object_set_new(detail, "reference", json_string(cx->reference));
    rc = orders_history_add(st, h.id, cx->actor, "payment", NULL, NULL, h.revision, detail, err);
    if (rc == 0)
        rc = orders_emit(st, "order.payment_changed", &h, detail, err);
    json_decref(detail);
    return rc;
}

int orders_payment_record(struct store *st, const struct orders_actor *actor, int64_t id,
                          int64_t amount, const char *reference, enum orders_payment *state,
                          struct kt_err *err)
{
    int rc = orders_actor_check(actor, err);
    if (rc)
        return rc;
    if (!orders_actor_is_staff(actor))
        return kt_err_set(err, KT_EPERM, "only staff and the bank import record payments");
    if (amount == 0)
        return kt_err_set(err, KT_EINVAL, "amount: a payment of 0 changes nothing");
    if (reference && strlen(reference) > ORDERS_FIELD_MAX)
        return kt_err_set(err, KT_EINVAL, "reference: longer than %d bytes", ORDERS_FIELD_MAX);
    struct payment_ctx cx = {.actor = actor, .id = id, .amount = amount, .reference = reference};
    rc = orders_run(st, payment_tx, &cx, err);
    if (rc == 0 && state)
        *state = cx.state;
    return rc;
}
