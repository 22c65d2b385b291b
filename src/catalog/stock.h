/*
 * stock: quantities on hand and reserved per product and warehouse, and the
 * stock ledger (tables `stock` and `stock_ledger`, migration 0005_stock).
 *
 * Quantities are thousandths (src/base/qty.h). available = on_hand -
 * reserved. The totals over all warehouses are what shops receive.
 *
 * Every change of a stock row is written together with one stock_ledger row
 * in the same transaction (a move writes two: one per warehouse), recording
 * when (unix ms), the delta of on_hand and of reserved, the reason, the
 * document reference, the user and the resulting quantities. The sum of the
 * ledger of a product in a warehouse therefore always equals its stock row,
 * and stock_explain reconstructs the stock of any past moment.
 *
 * Concurrency: each change is ONE conditional UPDATE ... RETURNING of the
 * stock row, never a read followed by a write:
 *   adjust   on_hand += d      WHERE d >= 0 OR on_hand + d - reserved >= 0
 *   set      on_hand  = q      WHERE q >= reserved
 *   reserve  reserved += q     WHERE on_hand - reserved >= q
 *   release  reserved -= q     WHERE reserved >= q
 *   issue    both -= q         WHERE reserved >= q AND on_hand >= q
 * (the on_hand conditions are dropped while negative stock is allowed, see
 * stock_allow_negative_set). No row back means the condition failed, and
 * the function fails with KT_ELIMIT ("stock short", never retried) and a
 * sentence such as "not enough stock of P-001 in MAG1: available 3,
 * asked 5"; nothing is written. The
 * row lock the UPDATE takes orders concurrent changes of one row, and the
 * values RETURNING hands back are the ones the ledger records. A move
 * updates its two rows in warehouse id order, so two opposite moves cannot
 * deadlock.
 *
 * Transactions: every changing function joins the caller's transaction
 * when one is open on st (store_in_tx), so a document and its stock change
 * commit together; otherwise it runs its own (store_tx, retried on
 * conflicts). A failed change leaves the caller's transaction usable and
 * unchanged by it. Each change emits the event "stock.changed" with payload
 * {"product_id":N,"total_on_hand":N,"total_available":N} in the same
 * transaction, totals as the transaction sees them (handlers re-read).
 *
 * Threading: stock_set_clock is process-wide and must be called before
 * other threads use this module; everything else is safe from several
 * threads, each with its own struct store.
 */
#ifndef KT_CATALOG_STOCK_H
#define KT_CATALOG_STOCK_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "catalog/warehouse.h"
#include "store/store.h"

/* Why stock changed: stored in stock_ledger.reason by name. */
enum stock_reason {
    STOCK_REASON_SET,     /* stocktaking: on hand counted and set */
    STOCK_REASON_ADJUST,  /* a correction by hand */
    STOCK_REASON_RECEIPT, /* goods received (PZ) */
    STOCK_REASON_ISSUE,   /* goods issued (WZ), with or without a reservation */
    STOCK_REASON_RETURN,  /* goods returned by a customer */
    STOCK_REASON_MOVE,    /* moved between warehouses (MM) */
    STOCK_REASON_RESERVE, /* reserved for an order */
    STOCK_REASON_RELEASE, /* reservation given back */
    STOCK_REASON_IMPORT,  /* loaded from a CSV file or demo data */
};

/* "set", "adjust", ... as stored; NULL for a value outside the enum. */
const char *stock_reason_name(enum stock_reason r);

/* Parses a reason name; KT_EINVAL lists the valid names. */
int stock_reason_parse(const char *name, enum stock_reason *r, struct kt_err *err);

/* Longest document reference and user name stored in the ledger (bytes). */
#define STOCK_DOC_REF_MAX 128
#define STOCK_USER_MAX 64

/* Who and what caused a change; every field may be NULL. */
struct stock_origin {
    const char *doc_ref; /* document number, order number, file name ... */
    const char *user;    /* login of the person or "job:NAME" */
};

/*
 * Clock for ledger timestamps (unix ms); NULL restores the system clock.
 * For tests and replays; see the threading note above.
 */
void stock_set_clock(int64_t (*now_ms)(void));

/*
 * Negative stock: when allowed, adjust, set and issue may take on_hand below
 * the reserved quantity and below zero, and a move may take more than is
 * available (reservations still never exceed what is available). Stored in kv_settings under
 * "stock.allow_negative"; off unless set.
 */
int stock_allow_negative_get(struct store *st, int *allowed, struct kt_err *err);
int stock_allow_negative_set(struct store *st, int allowed, struct kt_err *err);

/* The outcome of one change in one warehouse. */
struct stock_result {
    int64_t ledger_id; /* stock_ledger.id of the row written */
    int64_t delta;     /* on_hand change */
    int64_t on_hand;   /* after the change */
    int64_t reserved;  /* after the change */
};

/*
 * Sets on_hand of product in warehouse to qty (a count). reason is
 * STOCK_REASON_SET or STOCK_REASON_IMPORT. The ledger records the
 * difference to the previous quantity (0 is recorded too, so a count that
 * confirmed the stock is visible). KT_ELIMIT when qty is below the
 * reserved quantity (unless negative stock is allowed); KT_EINVAL for a
 * negative qty while negative stock is not allowed; KT_ENOTFOUND for an
 * unknown product or warehouse. out may be NULL.
 */
int stock_set(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t qty,
              enum stock_reason reason, const struct stock_origin *origin, struct stock_result *out,
              struct kt_err *err);

/*
 * Adds delta (non-zero, may be negative) to on_hand. reason is ADJUST,
 * RECEIPT, ISSUE, RETURN or IMPORT. A negative delta larger than what is
 * available fails with KT_ELIMIT unless negative stock is allowed.
 */
int stock_adjust(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t delta,
                 enum stock_reason reason, const struct stock_origin *origin,
                 struct stock_result *out, struct kt_err *err);

/*
 * Moves qty (> 0) of a product from one warehouse to another: two stock
 * rows and two ledger rows (reason "move", -qty and +qty) in one
 * transaction. Only what is available in `from` can move unless negative
 * stock is allowed (KT_ELIMIT). out_from / out_to may be NULL.
 */
int stock_move(struct store *st, int64_t product_id, int64_t from_warehouse_id,
               int64_t to_warehouse_id, int64_t qty, const struct stock_origin *origin,
               struct stock_result *out_from, struct stock_result *out_to, struct kt_err *err);

/* Reserves qty (> 0): never more than is available (KT_ELIMIT). */
int stock_reserve(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t qty,
                  const struct stock_origin *origin, struct stock_result *out, struct kt_err *err);

/* Gives back qty (> 0) of a reservation: at most what is reserved (KT_ELIMIT). */
int stock_release(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t qty,
                  const struct stock_origin *origin, struct stock_result *out, struct kt_err *err);

/*
 * Consumes qty (> 0) of a reservation: on_hand and reserved both drop by
 * qty (reason "issue"). At most what is reserved (KT_ELIMIT).
 */
int stock_issue(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t qty,
                const struct stock_origin *origin, struct stock_result *out, struct kt_err *err);

/* Stock of one product in one warehouse. */
struct stock_level {
    int64_t warehouse_id;
    char warehouse_code[STOCK_WAREHOUSE_CODE_MAX + 1];
    int64_t on_hand;
    int64_t reserved;
    int64_t available; /* on_hand - reserved */
};

/*
 * The stock of a product in a warehouse; zeros when nothing was ever
 * booked there. KT_ENOTFOUND for an unknown product or warehouse.
 */
int stock_get(struct store *st, int64_t product_id, int64_t warehouse_id, struct stock_level *out,
              struct kt_err *err);

/* Sums over all warehouses (warehouse_id 0, warehouse_code ""). */
int stock_total(struct store *st, int64_t product_id, struct stock_level *out, struct kt_err *err);

/*
 * The stock of a product in every warehouse that has a stock row, ordered
 * by warehouse code. *out is malloc'd (free() it), NULL when *n is 0.
 */
int stock_levels(struct store *st, int64_t product_id, struct stock_level **out, size_t *n,
                 struct kt_err *err);

/* One ledger row. */
struct stock_ledger_entry {
    int64_t id;
    int64_t at; /* unix ms */
    int64_t product_id;
    int64_t warehouse_id;
    char warehouse_code[STOCK_WAREHOUSE_CODE_MAX + 1];
    int64_t delta;
    int64_t reserved_delta;
    enum stock_reason reason;
    char doc_ref[STOCK_DOC_REF_MAX + 1]; /* "" when none */
    int64_t resulting_on_hand;
    int64_t resulting_reserved;
    char user[STOCK_USER_MAX + 1]; /* "" when none */
};

/* Which ledger rows stock_ledger_list returns; zero fields do not filter. */
struct stock_ledger_query {
    int64_t product_id;   /* required */
    int64_t warehouse_id; /* 0: every warehouse */
    int64_t from_at;      /* at >= from_at (unix ms) */
    int64_t to_at;        /* at <= to_at; 0: no upper bound */
    size_t limit;         /* newest `limit` rows; 0: 1000 */
};

/*
 * Ledger rows of a product, oldest first (the newest `limit` of them).
 * *out is malloc'd (free() it), NULL when *n is 0.
 */
int stock_ledger_list(struct store *st, const struct stock_ledger_query *q,
                      struct stock_ledger_entry **out, size_t *n, struct kt_err *err);

/* The stock of one product in one warehouse at a moment, from the ledger. */
struct stock_explanation {
    int64_t at;             /* the moment asked about (unix ms) */
    int64_t on_hand;        /* sum of the deltas up to and including `at` */
    int64_t reserved;       /* sum of the reserved deltas */
    int64_t changes;        /* ledger rows up to `at` */
    int64_t last_ledger_id; /* the latest of them; 0 when there is none */
    int64_t last_at;        /* its time; 0 when there is none */
};

/*
 * Reconstructs the stock at `at` (unix ms) by summing the ledger, and checks
 * the sums against the resulting quantities the latest row recorded:
 * KT_ECORRUPT when they disagree (the ledger was edited by hand).
 */
int stock_explain(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t at,
                  struct stock_explanation *out, struct kt_err *err);

#endif
