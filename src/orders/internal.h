/*
 * orders/internal: what the files of the orders module share and nobody
 * else sees — the loaded order header, the version bump, history rows,
 * events, totals recomputation and stock reservations of lines.
 */
#ifndef KT_ORDERS_INTERNAL_H
#define KT_ORDERS_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "orders/orders.h"
#include "store/store.h"

/*
 * A stale version found inside store_tx travels as this positive code (so
 * store_tx does not retry it) and becomes KT_ECONFLICT at the API.
 */
#define ORDERS_STALE 1

/* The header fields every change needs. */
struct orders_head {
    int64_t id;
    char number[ORDERS_NUMBER_MAX];
    int64_t customer_id;
    enum orders_status status;
    enum price_basis basis;
    char currency[4];
    kt_date date;
    char lang[3];
    int64_t version;
    int revision;
    int partial;
    int64_t paid;
    int64_t total_gross;
    int64_t warehouse_id;
    int64_t shipping_cost;
    char shipping_vat[4];
};

int64_t orders_now(void);

/* Runs fn in the caller's transaction when one is open, else in store_tx;
 * maps ORDERS_STALE to KT_ECONFLICT. */
int orders_run(struct store *st, store_tx_fn fn, void *ctx, struct kt_err *err);

/* 1 for staff and system actors. */
int orders_actor_is_staff(const struct orders_actor *a);
/* 1 when the actor holds right (system actors hold every right). */
int orders_actor_can(const struct orders_actor *a, unsigned right);
/* Checks the actor is usable: a name, a customer id for customers. */
int orders_actor_check(const struct orders_actor *a, struct kt_err *err);

/* Loads the header of order id as the actor may see it (KT_ENOTFOUND). */
int orders_head_load(struct store *st, const struct orders_actor *actor, int64_t id,
                     struct orders_head *h, struct kt_err *err);

/*
 * Checks h->version == version and takes the order: version + 1 and
 * updated_at with a conditional UPDATE (which also locks the row on
 * PostgreSQL until commit). ORDERS_STALE with the message when someone
 * else was first. On success h->version is the new version.
 */
int orders_bump(struct store *st, struct orders_head *h, int64_t version, struct kt_err *err);

/* Recomputes the stored totals, partial flag and payment state of h from
 * its lines; h->total_gross and h->partial follow. */
int orders_recompute(struct store *st, struct orders_head *h, struct kt_err *err);

/* Appends a history row; detail (may be NULL = {}) is not consumed. */
int orders_history_add(struct store *st, int64_t order_id, const struct orders_actor *actor,
                       const char *action, const char *from_status, const char *to_status,
                       int revision, json_t *detail, struct kt_err *err);

/* Emits an order event with {"order_id", "number", "customer_id",
 * "version"} plus the members of extra (may be NULL, not consumed). */
int orders_emit(struct store *st, const char *type, const struct orders_head *h, json_t *extra,
                struct kt_err *err);

/*
 * Reserves `want` (> 0) of a product line in h->warehouse_id: all of it, or
 * with back-orders allowed what is available (the rest is added to the
 * line's backordered). Updates the line's reserved/backordered. KT_ELIMIT
 * naming the line (position, code) when stock is short and back-orders are
 * off.
 */
int orders_line_reserve(struct store *st, const struct orders_head *h,
                        const struct orders_actor *actor, int64_t line_id, int position,
                        int64_t product_id, const char *code, int64_t want, struct kt_err *err);

/* Gives back `qty` of a line: back-ordered quantity first, then reserved
 * stock (released in the warehouse). */
int orders_line_unreserve(struct store *st, const struct orders_head *h,
                          const struct orders_actor *actor, int64_t line_id, int64_t product_id,
                          int64_t qty, struct kt_err *err);

/* A quantity, price or amount as a canonical decimal string in out. */
void orders_qty_str(int64_t q, char *out, size_t n);
void orders_price_str(int64_t p, char *out, size_t n);
void orders_money_str(int64_t m, const char *currency, char *out, size_t n);

/* The stale-version sentence for order `number`. */
int orders_stale(struct kt_err *err, const char *number, int64_t current, int64_t had);

/*
 * Binding with one check: the first failed bind is kept in *b and later
 * binds are skipped; orders_step then reports it instead of stepping (a
 * statement with a parameter left unbound must never run).
 */
void orders_bind_int(struct store_stmt *s, int idx, int64_t v, int *b);
void orders_bind_txt(struct store_stmt *s, int idx, const char *text, int *b);
void orders_bind_null(struct store_stmt *s, int idx, int *b);
int orders_step(struct store_stmt *s, int b, struct kt_err *err);

#endif
