/*
 * orders: customer orders (zamówienia od klienta) from the back office, the
 * Order Portal and shops, with one lifecycle. Owns the tables orders,
 * order_lines, order_history, order_revisions and order_messages
 * (migration 0008_orders), the series "ZK" (series/series.h), and the events
 * order.created, order.submitted, order.confirmed, order.changed,
 * order.cancelled, order.status_changed, order.payment_changed and
 * order.message.
 *
 * The web layer, the portal, shop imports and the CLI call these functions;
 * the rules live here. Access: the caller says who acts (struct
 * orders_actor). A customer actor only ever sees and changes orders of its
 * own customer (the condition is in the SQL: another customer's order is
 * KT_ENOTFOUND, the same answer as a missing one); staff rights that the
 * route table cannot express (editing a confirmed order, setting a price by
 * hand) are flags the web layer derives from the user's permissions.
 *
 * Prices: a product line gets its unit price from price_resolve (the only
 * place prices are decided) for the order's customer, currency, date and
 * the line's quantity, unless an explicit price is given (staff with
 * ORDERS_RIGHT_SET_PRICE, shop imports). A price from a list on the other
 * basis than the order's is converted at the product's VAT rate
 * (orders_price_convert). The VAT rate comes from the product. Totals are
 * computed by orders/totals.h and stored with the order.
 *
 * Unmatched lines: an order that allows them (shop imports) keeps a line
 * whose product code is unknown with the code, name, price and VAT rate as
 * received; such an order is partial until orders_map_line maps every one
 * of them to a product. A partial order cannot be confirmed.
 *
 * Lifecycle (the transition table in orders.c):
 *   draft -> submitted -> confirmed -> in_fulfilment -> shipped -> completed
 *   draft -> confirmed (staff)
 *   draft | submitted | confirmed -> cancelled
 * Confirmation reserves stock for every product line in one warehouse
 * (chosen, else the company's default warehouse); cancellation releases
 * what is reserved. A line whose stock is short fails the confirmation
 * (KT_ELIMIT naming the line) unless back-orders are allowed
 * (orders_backorders_set): then what is available is reserved and the rest
 * is recorded as back-ordered on the line.
 *
 * Every change is ONE transaction that writes the change, a row of history
 * (who, when, what changed) and its events; a failure leaves nothing.
 * Functions that change an order take the version the caller read; a stale
 * version is KT_ECONFLICT ("order ZK/2026/11/0007 was changed by someone
 * else ...") at once, never retried. Drafts and submitted orders are
 * editable; a confirmed order only by staff with ORDERS_RIGHT_EDIT_CONFIRMED,
 * and each such change is a numbered revision (order_revisions) whose diff
 * is in the history and in the order.changed event (documents re-issue the
 * pro-forma). Reservations follow the quantities of a confirmed order.
 *
 * Memory: output strings and arrays are allocated from the caller's arena
 * and live until it is released. Input strings are borrowed for the call.
 *
 * Threading: orders_set_clock is process-wide (tests); everything else is
 * safe from several threads, each with its own struct store.
 */
#ifndef KT_ORDERS_H
#define KT_ORDERS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/date.h"
#include "base/err.h"
#include "catalog/price.h"
#include "orders/totals.h"
#include "store/store.h"

#define ORDERS_SERIES "ZK"     /* the numbering series of orders */
#define ORDERS_NUMBER_MAX 96   /* bytes of an order number, NUL included */
#define ORDERS_TEXT_MAX 2000   /* notes, messages: bytes */
#define ORDERS_FIELD_MAX 200   /* names, PO number, external id, methods: bytes */
#define ORDERS_LINES_MAX 10000 /* lines per order */

enum orders_status {
    ORDERS_DRAFT,
    ORDERS_SUBMITTED,
    ORDERS_CONFIRMED,
    ORDERS_IN_FULFILMENT,
    ORDERS_SHIPPED,
    ORDERS_COMPLETED,
    ORDERS_CANCELLED,
    ORDERS_STATUS_COUNT
};

enum orders_payment {
    ORDERS_UNPAID,
    ORDERS_PARTIALLY_PAID,
    ORDERS_PAID,
    ORDERS_OVERPAID,
    ORDERS_PAYMENT_COUNT
};

/* "draft", "submitted", ...; "unpaid", "partially_paid", "paid", "overpaid".
 * NULL outside the enums. Parsers return KT_EINVAL naming the valid values. */
const char *orders_status_name(enum orders_status s);
int orders_status_parse(const char *text, enum orders_status *out, struct kt_err *err);
const char *orders_payment_name(enum orders_payment p);
int orders_payment_parse(const char *text, enum orders_payment *out, struct kt_err *err);

/* 1 when the lifecycle allows from -> to (for any actor), else 0. */
int orders_transition_allowed(enum orders_status from, enum orders_status to);

/*
 * The payment state of an order with total gross `total` of which `paid`
 * was received (minor units): nothing (or less) -> unpaid, less than the
 * total -> partially_paid, the total -> paid, more -> overpaid. An order
 * with total 0 counts as paid.
 */
enum orders_payment orders_payment_state(int64_t total, int64_t paid);

/* ---- who acts ------------------------------------------------------------ */

enum orders_actor_kind {
    ORDERS_ACTOR_STAFF,    /* a back-office user */
    ORDERS_ACTOR_CUSTOMER, /* a customer's portal user: only its customer's orders */
    ORDERS_ACTOR_SYSTEM,   /* a job or an import: staff rights, name "job:..." */
};

#define ORDERS_RIGHT_EDIT_CONFIRMED 0x1u /* change a confirmed order (a revision) */
#define ORDERS_RIGHT_SET_PRICE 0x2u      /* give a line's price by hand */

struct orders_actor {
    enum orders_actor_kind kind;
    const char *name;    /* login or "job:NAME"; stored in history; required */
    int64_t customer_id; /* ORDERS_ACTOR_CUSTOMER: the customer it belongs to */
    unsigned rights;     /* ORDERS_RIGHT_* (ignored for customers) */
};

/* ---- input --------------------------------------------------------------- */

/* A line to add or to change. */
struct orders_line_input {
    int64_t product_id;       /* 0: use product_code */
    const char *product_code; /* the product, or for an unmatched line the code received */
    int64_t qty;              /* thousandths, > 0; checked against the product's unit */
    int has_price;            /* 1: price below is given (right SET_PRICE or an import) */
    int64_t price;            /* unit price, 1/10000, on the order's basis, >= 0 */
    int64_t discount;         /* line discount, hundredths of a percent, 0..10000 */
    /* Only for a line the order may keep unmatched (unknown product code):
     * what was received. Ignored for product lines. */
    const char *name;
    const char *vat; /* VAT code as received, e.g. "23" */
};

/* An address snapshot. */
struct orders_address {
    char name[ORDERS_FIELD_MAX + 1];
    char street[ORDERS_FIELD_MAX + 1];
    char postal_code[17];
    char city[101];
    char country[3];
};

struct orders_input {
    int64_t customer_id; /* 0: use customer_code */
    const char *customer_code;
    const char *source;      /* "backoffice" (NULL), "portal" or "shop:NAME" */
    const char *external_id; /* the shop's order id; NULL: none */
    const char *customer_po; /* the customer's own order number; NULL: none */
    const char *currency;    /* NULL: the customer's currency */
    int basis_set;           /* 0: net, or gross for a shop:* source */
    enum price_basis basis;
    kt_date date;                          /* order date; 0: today in Warsaw */
    int64_t delivery_address_id;           /* a customer address; 0: see delivery */
    const struct orders_address *delivery; /* NULL: the default address or the billing one */
    const char *payment_method;            /* NULL: the customer's */
    int payment_days;                      /* -1: the customer's */
    const char *shipping_method;           /* NULL: none */
    int64_t shipping_cost;                 /* minor units on the order's basis, >= 0 */
    const char *shipping_vat;              /* NULL: "23" */
    const char *notes_customer;
    const char *notes_internal;
    int submit;       /* 1: create as submitted (portal checkout) */
    int unmatched_ok; /* 1: unknown product codes become unmatched lines (shops) */
    const struct orders_line_input *lines;
    size_t nlines; /* 1..ORDERS_LINES_MAX */
};

/* Clears in: no lines, payment days from the customer, source backoffice. */
void orders_input_init(struct orders_input *in);

/* ---- output -------------------------------------------------------------- */

enum orders_line_kind { ORDERS_LINE_PRODUCT, ORDERS_LINE_UNMATCHED };

struct orders_line {
    int64_t id;
    int position; /* 1, 2, ... */
    enum orders_line_kind kind;
    int64_t product_id; /* 0 for an unmatched line */
    const char *code;
    const char *name;
    int64_t qty;
    const char *unit;
    int64_t unit_price;
    int64_t discount;
    const char *vat;
    const char *price_source; /* "price list HURT", "customer price", "manual", "received" */
    int64_t value;            /* minor units on the order's basis */
    int64_t reserved;         /* thousandths reserved (confirmed orders) */
    int64_t backordered;      /* thousandths waiting for stock */
};

struct orders_order {
    int64_t id;
    const char *number;
    int64_t customer_id;
    const char *customer_code;
    const char *source;
    const char *external_id; /* "" when none */
    const char *customer_po;
    kt_date date;
    const char *currency;
    enum price_basis basis;
    const char *lang;
    const char *document_type;
    enum orders_status status;
    enum orders_payment payment;
    int64_t paid;
    int partial;
    struct orders_address billing;
    const char *bill_tax_id;
    struct orders_address delivery;
    const char *payment_method;
    int payment_days;
    const char *shipping_method;
    int64_t shipping_cost;
    const char *shipping_vat;
    const char *notes_customer;
    const char *notes_internal; /* "" for a customer actor */
    int64_t warehouse_id;       /* reservation warehouse; 0 before confirmation */
    struct orders_totals totals;
    int revision;
    int64_t created_at;
    const char *created_by;
    int64_t updated_at;
    int64_t confirmed_at; /* 0 when never */
    const char *confirmed_by;
    int64_t version;
    struct orders_line *lines;
    size_t nlines;
};

/* ---- creating, reading ----------------------------------------------------- */

/*
 * Creates an order in one transaction: number from the series, customer
 * data and addresses snapshotted, lines priced, totals, a history row and
 * order.created (plus order.submitted with in->submit). *id and *version
 * (may be NULL) are filled, number (may be NULL, ORDERS_NUMBER_MAX bytes)
 * too. Refusals name the field or line: "line 2 (P-009): the product is
 * withdrawn", "line 1 (P-001): quantity 2,5 — szt. is counted in whole
 * numbers", "customer: there is no customer K999", "line 3 (P-002): no
 * price in EUR ...". An order with the same source and external id exists:
 * KT_EEXIST naming its number.
 */
int orders_create(struct store *st, const struct orders_actor *actor, const struct orders_input *in,
                  int64_t *id, char *number, int64_t *version, struct kt_err *err);

/* Reads an order with its lines and totals. KT_ENOTFOUND when there is none
 * (or it belongs to another customer than a customer actor's). */
int orders_get(struct store *st, const struct orders_actor *actor, int64_t id,
               struct kt_arena *arena, struct orders_order *out, struct kt_err *err);
/* The id of order `number`; KT_ENOTFOUND the same way. */
int orders_find(struct store *st, const struct orders_actor *actor, const char *number, int64_t *id,
                struct kt_err *err);

enum orders_sort {
    ORDERS_SORT_NUMBER, /* number (= creation order within a series) */
    ORDERS_SORT_DATE,
    ORDERS_SORT_CUSTOMER,
    ORDERS_SORT_TOTAL,
    ORDERS_SORT_STATUS,
};

/* "number", "date", "customer", "total", "status". */
const char *orders_sort_name(enum orders_sort s);
int orders_sort_parse(const char *text, enum orders_sort *out, struct kt_err *err);

struct orders_query {
    int status;              /* -1: any, else enum orders_status */
    int payment;             /* -1: any, else enum orders_payment */
    int64_t customer_id;     /* 0: any (a customer actor always sees only its own) */
    const char *source;      /* NULL: any; "shop" matches every shop */
    kt_date date_from;       /* 0: open */
    kt_date date_to;         /* 0: open; inclusive */
    const char *number;      /* NULL: any; else a prefix of the number */
    const char *customer_po; /* NULL: any; else a prefix */
    int64_t product_id;      /* 0: any; else orders with a line of this product */
    int partial;             /* -1: any, 0: complete only, 1: partial only */
    enum orders_sort sort;
    int descending;
    int limit;  /* 1..1000; 0: 50 */
    int offset; /* >= 0 */
};

void orders_query_init(struct orders_query *q);

/* One row of a list. */
struct orders_summary {
    int64_t id;
    const char *number;
    int64_t customer_id;
    const char *customer_code;
    const char *customer_name;
    const char *source;
    const char *customer_po;
    kt_date date;
    const char *currency;
    enum orders_status status;
    enum orders_payment payment;
    int partial;
    int64_t total_net;
    int64_t total_gross;
    int64_t version;
};

/* One page of orders matching q; *total (may be NULL) counts all pages. */
int orders_list(struct store *st, const struct orders_actor *actor, const struct orders_query *q,
                struct kt_arena *arena, struct orders_summary **items, size_t *n, int64_t *total,
                struct kt_err *err);

/* ---- editing (version = the version the caller read; *new_version may be NULL) ---- */

/* Header fields that can change after creation; NULL / -1 keeps a value. */
struct orders_header_change {
    const char *customer_po;
    const char *notes_customer;
    const char *notes_internal;
    const char *payment_method;
    int payment_days;
    const char *shipping_method;
    int shipping_cost_set;
    int64_t shipping_cost;
    const struct orders_address *delivery;
};

void orders_header_change_init(struct orders_header_change *c);

int orders_update_header(struct store *st, const struct orders_actor *actor, int64_t id,
                         int64_t version, const struct orders_header_change *c,
                         int64_t *new_version, struct kt_err *err);

/* Appends a line (priced as at creation). */
int orders_line_add(struct store *st, const struct orders_actor *actor, int64_t id, int64_t version,
                    const struct orders_line_input *line, int64_t *new_version, struct kt_err *err);

/*
 * Changes the quantity, price or discount of line `position`: qty > 0 sets
 * it (the price is resolved again for the new quantity unless the line had
 * or gets an explicit price), has_price sets the price, discount >= 0 sets
 * it (pass -1 to keep). The product of a line does not change (remove and
 * add instead).
 */
int orders_line_update(struct store *st, const struct orders_actor *actor, int64_t id,
                       int64_t version, int position, int64_t qty, int has_price, int64_t price,
                       int64_t discount, int64_t *new_version, struct kt_err *err);

/* Removes line `position`; later lines move up. An order keeps at least one line. */
int orders_line_remove(struct store *st, const struct orders_actor *actor, int64_t id,
                       int64_t version, int position, int64_t *new_version, struct kt_err *err);

/*
 * Maps unmatched line `position` to a product (staff): the line becomes a
 * product line with the product's code, name, unit and VAT rate; the price
 * received is kept (it is what the customer agreed to). When the last
 * unmatched line is mapped, the order is no longer partial.
 */
int orders_map_line(struct store *st, const struct orders_actor *actor, int64_t id, int64_t version,
                    int position, int64_t product_id, int64_t *new_version, struct kt_err *err);

/* ---- lifecycle ------------------------------------------------------------ */

int orders_submit(struct store *st, const struct orders_actor *actor, int64_t id, int64_t version,
                  int64_t *new_version, struct kt_err *err);

/* Confirms (staff): reserves stock in warehouse_id (0: the company's default). */
int orders_confirm(struct store *st, const struct orders_actor *actor, int64_t id, int64_t version,
                   int64_t warehouse_id, int64_t *new_version, struct kt_err *err);

/* Cancels with a reason (may be NULL) and releases the reservations. A
 * customer actor may cancel only while the order is draft or submitted. */
int orders_cancel(struct store *st, const struct orders_actor *actor, int64_t id, int64_t version,
                  const char *reason, int64_t *new_version, struct kt_err *err);

/* Moves a confirmed order on: in_fulfilment, shipped, completed (staff). */
int orders_set_status(struct store *st, const struct orders_actor *actor, int64_t id,
                      int64_t version, enum orders_status to, int64_t *new_version,
                      struct kt_err *err);

/* Back-orders: off unless set (kv_settings "orders.allow_backorders"). */
int orders_backorders_get(struct store *st, int *allowed, struct kt_err *err);
int orders_backorders_set(struct store *st, int allowed, struct kt_err *err);

/* ---- payments (the bank module calls this) -------------------------------- */

/*
 * Records `amount` minor units received (negative: returned) for order id
 * and recomputes its payment state. Joins the caller's transaction when
 * one is open (a bank statement's lines commit together), else runs its
 * own. No version check: payments never conflict with edits. Writes
 * history and order.payment_changed; *state (may be NULL) gets the new
 * payment state.
 */
int orders_payment_record(struct store *st, const struct orders_actor *actor, int64_t id,
                          int64_t amount, const char *reference, enum orders_payment *state,
                          struct kt_err *err);

/* ---- history and messages --------------------------------------------------- */

struct orders_history_entry {
    int64_t id;
    int64_t at; /* unix ms */
    const char *actor;
    const char *action;      /* created, submitted, confirmed, changed, revised, ... */
    const char *from_status; /* "" when the status did not change */
    const char *to_status;
    int revision;
    const char *detail; /* JSON object: what changed */
};

/* Oldest first. */
int orders_history(struct store *st, const struct orders_actor *actor, int64_t id,
                   struct kt_arena *arena, struct orders_history_entry **out, size_t *n,
                   struct kt_err *err);

struct orders_message {
    int64_t id;
    int64_t at;
    const char *author_kind; /* "customer" or "staff" */
    const char *author;
    const char *body;
    int64_t read_at; /* 0: not read by the other side yet */
};

/* Posts a message (1..ORDERS_TEXT_MAX bytes of UTF-8) to the order's
 * thread; emits order.message. Does not change the order's version. */
int orders_message_post(struct store *st, const struct orders_actor *actor, int64_t id,
                        const char *body, int64_t *message_id, struct kt_err *err);

/* The thread, oldest first; *unread (may be NULL) counts messages from the
 * other side that the actor has not read. */
int orders_messages(struct store *st, const struct orders_actor *actor, int64_t id,
                    struct kt_arena *arena, struct orders_message **out, size_t *n, int64_t *unread,
                    struct kt_err *err);

/* Marks every message from the other side as read by the actor's side. */
int orders_messages_mark_read(struct store *st, const struct orders_actor *actor, int64_t id,
                              struct kt_err *err);

/* Clock for timestamps (unix ms); NULL restores the system clock. Tests only. */
void orders_set_clock(int64_t (*now_ms)(void));

#endif
