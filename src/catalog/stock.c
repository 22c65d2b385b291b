#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/qty.h"
#include "catalog/internal.h"
#include "catalog/stock.h"
#include "jobs/jobs.h"
#include "base/banned.h"

/* ---- reasons ---- */

/* Indexed by enum stock_reason; the names match the CHECK in 0005_stock. */
static const char *const reason_names[] = {
    [STOCK_REASON_SET] = "set",         [STOCK_REASON_ADJUST] = "adjust",
    [STOCK_REASON_RECEIPT] = "receipt", [STOCK_REASON_ISSUE] = "issue",
    [STOCK_REASON_RETURN] = "return",   [STOCK_REASON_MOVE] = "move",
    [STOCK_REASON_RESERVE] = "reserve", [STOCK_REASON_RELEASE] = "release",
    [STOCK_REASON_IMPORT] = "import",
};

#define NREASONS (sizeof reason_names / sizeof reason_names[0])

const char *stock_reason_name(enum stock_reason r)
{
    return (size_t)r < NREASONS ? reason_names[r] : NULL;
}

int stock_reason_parse(const char *name, enum stock_reason *r, struct kt_err *err)
{
    for (size_t i = 0; i < NREASONS; i++) {
        if (name && strcmp(name, reason_names[i]) == 0) {
            *r = (enum stock_reason)i;
            return 0;
        }
    }
    return kt_err_set(err, KT_EINVAL,
                      "'%s' is not a stock change reason; use set, adjust, receipt, issue, "
                      "return, move, reserve, release or import",
                      name ? name : "");
}

/* ---- clock and settings ---- */

static int64_t system_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t (*clock_fn)(void) = system_now_ms;

void stock_set_clock(int64_t (*now_ms)(void))
{
    clock_fn = now_ms ? now_ms : system_now_ms;
}

#define ALLOW_NEGATIVE_KEY "stock.allow_negative"

int stock_allow_negative_get(struct store *st, int *allowed, struct kt_err *err)
{
    char v[8];
    int rc = store_setting_get(st, ALLOW_NEGATIVE_KEY, v, sizeof v, err);
    if (rc == KT_ENOTFOUND) {
        kt_err_clear(err);
        *allowed = 0;
        return 0;
    }
    if (rc != 0)
        return rc;
    *allowed = strcmp(v, "1") == 0;
    return 0;
}

int stock_allow_negative_set(struct store *st, int allowed, struct kt_err *err)
{
    return store_setting_set(st, ALLOW_NEGATIVE_KEY, allowed ? "1" : "0", err);
}

/* ---- helpers ---- */

/* A quantity as text for messages ("2.5"); "?" if it cannot be formatted. */
struct qtext {
    char s[40];
};

static struct qtext qty_text(int64_t q)
{
    struct qtext t;
    struct kt_buf b;
    struct kt_err e;
    kt_buf_init(&b, 64);
    if (kt_qty_format(&b, q, "en", &e) == 0)
        kt_strlcpy(t.s, kt_buf_str(&b), sizeof t.s);
    else
        kt_strlcpy(t.s, "?", sizeof t.s);
    kt_buf_release(&b);
    return t;
}

/* Product and warehouse codes for messages; both must exist. */
struct names {
    char product[128];
    char warehouse[STOCK_WAREHOUSE_CODE_MAX + 1];
};

static int load_names(struct store *st, int64_t product_id, int64_t warehouse_id, struct names *nm,
                      struct kt_err *err)
{
    int rc = catalog_code_of(st, CATALOG_PRODUCT, product_id, nm->product, sizeof nm->product, err);
    if (rc == 0)
        rc = catalog_code_of(st, CATALOG_WAREHOUSE, warehouse_id, nm->warehouse,
                             sizeof nm->warehouse, err);
    return rc;
}

static int ensure_row(struct store *st, int64_t product_id, int64_t warehouse_id,
                      struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "INSERT INTO stock (product_id, warehouse_id) VALUES (?1, ?2) "
                           "ON CONFLICT (product_id, warehouse_id) DO NOTHING",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, product_id)) != 0 ||
        (rc = store_bind_int64(s, 2, warehouse_id)) != 0) {
        rc = kt_err_set(err, rc, "stock: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc > 0)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/* Current on_hand and reserved (zeros without a row), for messages. */
static int read_row(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t *on_hand,
                    int64_t *reserved, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    *on_hand = 0;
    *reserved = 0;
    int rc = store_prepare(
        st, "SELECT on_hand, reserved FROM stock WHERE product_id = ?1 AND warehouse_id = ?2", &s,
        err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, product_id)) != 0 ||
        (rc = store_bind_int64(s, 2, warehouse_id)) != 0) {
        rc = kt_err_set(err, rc, "stock: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        *on_hand = store_col_int64(s, 0);
        *reserved = store_col_int64(s, 1);
    }
    if (rc > 0)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/*
 * Runs one conditional UPDATE ... RETURNING on_hand, reserved[, last_delta]
 * with ?1 product, ?2 warehouse, ?3 quantity and, when allow_negative is 0
 * or 1, ?4 negative stock allowed (-1: the statement has no ?4).
 * *applied is 0 when its condition failed (no row came back).
 */
static int update_row(struct store *st, const char *sql, int64_t product_id, int64_t warehouse_id,
                      int64_t qty, int allow_negative, struct stock_result *res, int with_delta,
                      int *applied, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    *applied = 0;
    int rc = store_prepare(st, sql, &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, product_id)) != 0 ||
        (rc = store_bind_int64(s, 2, warehouse_id)) != 0 ||
        (rc = store_bind_int64(s, 3, qty)) != 0 ||
        (allow_negative >= 0 && (rc = store_bind_int64(s, 4, allow_negative)) != 0)) {
        rc = kt_err_set(err, rc, "stock: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        res->on_hand = store_col_int64(s, 0);
        res->reserved = store_col_int64(s, 1);
        if (with_delta)
            res->delta = store_col_int64(s, 2);
        *applied = 1;
        /* drain: RETURNING yields one row per updated row, and the key is unique */
        rc = store_step(s, err);
    }
    if (rc > 0)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/*
 * The conditional updates. Quantities are cast to BIGINT so that PostgreSQL
 * deduces one type for each parameter in every place it is used.
 */
static const char sql_adjust[] =
    "UPDATE stock SET on_hand = on_hand + CAST(?3 AS BIGINT) "
    "WHERE product_id = ?1 AND warehouse_id = ?2 AND (CAST(?3 AS BIGINT) >= 0 OR "
    "CAST(?4 AS BIGINT) = 1 OR on_hand + CAST(?3 AS BIGINT) - reserved >= 0) "
    "RETURNING on_hand, reserved";

/* last_delta = ?3 - on_hand reads the old on_hand: SET expressions see the row before. */
static const char sql_set[] =
    "UPDATE stock SET on_hand = CAST(?3 AS BIGINT), last_delta = CAST(?3 AS BIGINT) - on_hand "
    "WHERE product_id = ?1 AND warehouse_id = ?2 AND (CAST(?4 AS BIGINT) = 1 OR "
    "CAST(?3 AS BIGINT) >= reserved) "
    "RETURNING on_hand, reserved, last_delta";

static const char sql_reserve[] =
    "UPDATE stock SET reserved = reserved + CAST(?3 AS BIGINT) "
    "WHERE product_id = ?1 AND warehouse_id = ?2 AND on_hand - reserved >= CAST(?3 AS BIGINT) "
    "RETURNING on_hand, reserved";

static const char sql_release[] =
    "UPDATE stock SET reserved = reserved - CAST(?3 AS BIGINT) "
    "WHERE product_id = ?1 AND warehouse_id = ?2 AND reserved >= CAST(?3 AS BIGINT) "
    "RETURNING on_hand, reserved";

static const char sql_issue[] =
    "UPDATE stock SET on_hand = on_hand - CAST(?3 AS BIGINT), "
    "reserved = reserved - CAST(?3 AS BIGINT) "
    "WHERE product_id = ?1 AND warehouse_id = ?2 AND reserved >= CAST(?3 AS BIGINT) "
    "AND (CAST(?4 AS BIGINT) = 1 OR on_hand >= CAST(?3 AS BIGINT)) "
    "RETURNING on_hand, reserved";

static int write_ledger(struct store *st, int64_t product_id, int64_t warehouse_id,
                        int64_t reserved_delta, enum stock_reason reason,
                        const struct stock_origin *origin, struct stock_result *res,
                        struct kt_err *err)
{
    struct store_stmt *s = NULL;
    const char *doc = origin ? origin->doc_ref : NULL;
    const char *user = origin ? origin->user : NULL;
    int rc = store_prepare(st,
                           "INSERT INTO stock_ledger (at, warehouse_id, product_id, delta, "
                           "reserved_delta, reason, doc_ref, resulting_on_hand, "
                           "resulting_reserved, username) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, clock_fn())) != 0 ||
        (rc = store_bind_int64(s, 2, warehouse_id)) != 0 ||
        (rc = store_bind_int64(s, 3, product_id)) != 0 ||
        (rc = store_bind_int64(s, 4, res->delta)) != 0 ||
        (rc = store_bind_int64(s, 5, reserved_delta)) != 0 ||
        (rc = store_bind_text(s, 6, stock_reason_name(reason))) != 0 ||
        (rc = store_bind_text(s, 7, doc && *doc ? doc : NULL)) != 0 ||
        (rc = store_bind_int64(s, 8, res->on_hand)) != 0 ||
        (rc = store_bind_int64(s, 9, res->reserved)) != 0 ||
        (rc = store_bind_text(s, 10, user && *user ? user : NULL)) != 0) {
        rc = kt_err_set(err, rc, "stock: binding the ledger row failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        res->ledger_id = store_col_int64(s, 0);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_EINTERNAL, "stock: writing the ledger returned no id");
    }
out:
    store_stmt_done(s);
    return rc;
}

static int sum_totals(struct store *st, int64_t product_id, int64_t *on_hand, int64_t *reserved,
                      struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "SELECT CAST(COALESCE(SUM(on_hand), 0) AS BIGINT), "
                           "CAST(COALESCE(SUM(reserved), 0) AS BIGINT) "
                           "FROM stock WHERE product_id = ?1",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, product_id)) != 0) {
        rc = kt_err_set(err, rc, "stock: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        *on_hand = store_col_int64(s, 0);
        *reserved = store_col_int64(s, 1);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_EINTERNAL, "stock: the total query returned no row");
    }
out:
    store_stmt_done(s);
    return rc;
}

static int emit_changed(struct store *st, int64_t product_id, struct kt_err *err)
{
    int64_t on_hand, reserved;
    int rc = sum_totals(st, product_id, &on_hand, &reserved, err);
    if (rc != 0)
        return rc;
    char payload[160];
    snprintf(payload, sizeof payload,
             "{\"product_id\":%" PRId64 ",\"total_on_hand\":%" PRId64
             ",\"total_available\":%" PRId64 "}",
             product_id, on_hand, on_hand - reserved);
    return events_emit(st, "stock.changed", payload, err);
}

static int check_origin(const struct stock_origin *origin, struct kt_err *err)
{
    if (!origin)
        return 0;
    if (origin->doc_ref && strlen(origin->doc_ref) > STOCK_DOC_REF_MAX)
        return kt_err_set(err, KT_EINVAL, "the document reference is longer than %d bytes",
                          STOCK_DOC_REF_MAX);
    if (origin->user && strlen(origin->user) > STOCK_USER_MAX)
        return kt_err_set(err, KT_EINVAL, "the user name is longer than %d bytes", STOCK_USER_MAX);
    return 0;
}

/* ---- single-warehouse changes ---- */

enum op { OP_SET, OP_ADJUST, OP_RESERVE, OP_RELEASE, OP_ISSUE };

struct change {
    enum op op;
    int64_t product_id;
    int64_t warehouse_id;
    int64_t qty; /* the count for set, the delta for adjust, else the amount */
    enum stock_reason reason;
    const struct stock_origin *origin;
    struct stock_result res;
};

/* The sentence for a change whose condition failed. */
static int refuse(struct store *st, const struct change *c, const struct names *nm,
                  struct kt_err *err)
{
    int64_t on_hand, reserved;
    int rc = read_row(st, c->product_id, c->warehouse_id, &on_hand, &reserved, err);
    if (rc != 0)
        return rc;
    struct qtext avail = qty_text(on_hand - reserved), res = qty_text(reserved);
    struct qtext hand = qty_text(on_hand);
    switch (c->op) {
    case OP_SET:
        return kt_err_set(err, KT_ELIMIT,
                          "cannot set the stock of %s in %s to %s: %s %s reserved; release "
                          "the reservations first",
                          nm->product, nm->warehouse, qty_text(c->qty).s, res.s,
                          reserved == 1000 ? "is" : "are");
    case OP_ADJUST:
        return kt_err_set(err, KT_ELIMIT, "not enough stock of %s in %s: available %s, asked %s",
                          nm->product, nm->warehouse, avail.s, qty_text(-c->qty).s);
    case OP_RESERVE:
        return kt_err_set(err, KT_ELIMIT,
                          "not enough stock of %s in %s to reserve: available %s, asked %s",
                          nm->product, nm->warehouse, avail.s, qty_text(c->qty).s);
    case OP_RELEASE:
        return kt_err_set(err, KT_ELIMIT, "cannot release %s of %s in %s: only %s reserved",
                          qty_text(c->qty).s, nm->product, nm->warehouse, res.s);
    case OP_ISSUE:
        if (reserved < c->qty)
            return kt_err_set(err, KT_ELIMIT,
                              "cannot issue %s of %s in %s: only %s reserved; reserve it first",
                              qty_text(c->qty).s, nm->product, nm->warehouse, res.s);
        return kt_err_set(err, KT_ELIMIT, "not enough stock of %s in %s: on hand %s, asked %s",
                          nm->product, nm->warehouse, hand.s, qty_text(c->qty).s);
    }
    return kt_err_set(err, KT_EINTERNAL, "stock: unknown operation");
}

static int change_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct change *c = ctx;
    struct names nm;
    int allow = 0, applied = 0;
    int64_t reserved_delta = 0;
    const char *sql = NULL;
    int uses_allow = 1;
    memset(&c->res, 0, sizeof c->res);
    int rc = 0;
    /*
     * Set and adjust may insert the stock row, so both codes must exist first;
     * the other changes only update an existing row and look the codes up when
     * they must explain a refusal (refuse fails with the same sentence for a
     * missing product or warehouse). Reserve and release never read the
     * negative-stock setting.
     */
    if (c->op == OP_SET || c->op == OP_ADJUST)
        rc = load_names(st, c->product_id, c->warehouse_id, &nm, err);
    if (rc == 0 && c->op != OP_RESERVE && c->op != OP_RELEASE)
        rc = stock_allow_negative_get(st, &allow, err);
    if (rc != 0)
        return rc;
    if (c->op == OP_SET && c->qty < 0 && !allow)
        return kt_err_set(err, KT_EINVAL,
                          "cannot set the stock of %s in %s to %s: negative stock is not allowed",
                          nm.product, nm.warehouse, qty_text(c->qty).s);
    switch (c->op) {
    case OP_SET:
        sql = sql_set;
        break;
    case OP_ADJUST:
        sql = sql_adjust;
        c->res.delta = c->qty;
        break;
    case OP_RESERVE:
        sql = sql_reserve;
        uses_allow = 0;
        reserved_delta = c->qty;
        break;
    case OP_RELEASE:
        sql = sql_release;
        uses_allow = 0;
        reserved_delta = -c->qty;
        break;
    case OP_ISSUE:
        sql = sql_issue;
        c->res.delta = -c->qty;
        reserved_delta = -c->qty;
        break;
    }
    if (c->op == OP_SET || c->op == OP_ADJUST)
        rc = ensure_row(st, c->product_id, c->warehouse_id, err);
    if (rc == 0)
        rc = update_row(st, sql, c->product_id, c->warehouse_id, c->qty, uses_allow ? allow : -1,
                        &c->res, c->op == OP_SET, &applied, err);
    if (rc != 0)
        return rc;
    if (!applied) {
        if (c->op != OP_SET && c->op != OP_ADJUST &&
            (rc = load_names(st, c->product_id, c->warehouse_id, &nm, err)) != 0)
            return rc;
        return refuse(st, c, &nm, err);
    }
    rc = write_ledger(st, c->product_id, c->warehouse_id, reserved_delta, c->reason, c->origin,
                      &c->res, err);
    if (rc == 0)
        rc = emit_changed(st, c->product_id, err);
    return rc;
}

/* Runs one single-warehouse change in its transaction (or the caller's). */
static int run_change(struct store *st, enum op op, int64_t product_id, int64_t warehouse_id,
                      int64_t qty, enum stock_reason reason, const struct stock_origin *origin,
                      struct stock_result *out, struct kt_err *err)
{
    struct change c = {.op = op,
                       .product_id = product_id,
                       .warehouse_id = warehouse_id,
                       .qty = qty,
                       .reason = reason,
                       .origin = origin};
    int rc = check_origin(origin, err);
    if (rc == 0)
        rc = catalog_run_tx(st, change_tx, &c, err);
    if (rc == 0 && out)
        *out = c.res;
    return rc;
}

static int check_positive(const char *what, int64_t qty, struct kt_err *err)
{
    if (qty <= 0)
        return kt_err_set(err, KT_EINVAL, "the quantity to %s must be greater than 0, not %s", what,
                          qty_text(qty).s);
    return 0;
}

int stock_set(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t qty,
              enum stock_reason reason, const struct stock_origin *origin, struct stock_result *out,
              struct kt_err *err)
{
    if (reason != STOCK_REASON_SET && reason != STOCK_REASON_IMPORT)
        return kt_err_set(err, KT_EINVAL, "setting stock takes the reason set or import, not %s",
                          stock_reason_name(reason) ? stock_reason_name(reason) : "?");
    return run_change(st, OP_SET, product_id, warehouse_id, qty, reason, origin, out, err);
}

int stock_adjust(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t delta,
                 enum stock_reason reason, const struct stock_origin *origin,
                 struct stock_result *out, struct kt_err *err)
{
    if (reason != STOCK_REASON_ADJUST && reason != STOCK_REASON_RECEIPT &&
        reason != STOCK_REASON_ISSUE && reason != STOCK_REASON_RETURN &&
        reason != STOCK_REASON_IMPORT)
        return kt_err_set(err, KT_EINVAL,
                          "adjusting stock takes the reason adjust, receipt, issue, return or "
                          "import, not %s",
                          stock_reason_name(reason) ? stock_reason_name(reason) : "?");
    if (delta == 0)
        return kt_err_set(err, KT_EINVAL, "a stock adjustment of 0 changes nothing");
    if (delta == INT64_MIN)
        return kt_err_set(err, KT_EOVERFLOW, "the stock adjustment is too large");
    return run_change(st, OP_ADJUST, product_id, warehouse_id, delta, reason, origin, out, err);
}

int stock_reserve(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t qty,
                  const struct stock_origin *origin, struct stock_result *out, struct kt_err *err)
{
    int rc = check_positive("reserve", qty, err);
    if (rc != 0)
        return rc;
    return run_change(st, OP_RESERVE, product_id, warehouse_id, qty, STOCK_REASON_RESERVE, origin,
                      out, err);
}

int stock_release(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t qty,
                  const struct stock_origin *origin, struct stock_result *out, struct kt_err *err)
{
    int rc = check_positive("release", qty, err);
    if (rc != 0)
        return rc;
    return run_change(st, OP_RELEASE, product_id, warehouse_id, qty, STOCK_REASON_RELEASE, origin,
                      out, err);
}

int stock_issue(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t qty,
                const struct stock_origin *origin, struct stock_result *out, struct kt_err *err)
{
    int rc = check_positive("issue", qty, err);
    if (rc != 0)
        return rc;
    return run_change(st, OP_ISSUE, product_id, warehouse_id, qty, STOCK_REASON_ISSUE, origin, out,
                      err);
}

/* ---- moves ---- */

struct move {
    int64_t product_id, from_id, to_id, qty;
    const struct stock_origin *origin;
    struct stock_result from, to;
};

/* The destination's increment; the only way it can fail is a database error. */
static int move_in(struct store *st, struct move *m, int allow, struct kt_err *err)
{
    int applied;
    int rc = update_row(st, sql_adjust, m->product_id, m->to_id, m->qty, allow, &m->to, 0, &applied,
                        err);
    if (rc == 0 && !applied)
        rc = kt_err_set(err, KT_EINTERNAL, "stock: the move into warehouse %lld found no row",
                        (long long)m->to_id);
    return rc;
}

static int move_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct move *m = ctx;
    struct names nm;
    char to_code[STOCK_WAREHOUSE_CODE_MAX + 1];
    int allow = 0, applied = 0;
    memset(&m->from, 0, sizeof m->from);
    memset(&m->to, 0, sizeof m->to);
    int rc = load_names(st, m->product_id, m->from_id, &nm, err);
    if (rc == 0)
        rc = catalog_code_of(st, CATALOG_WAREHOUSE, m->to_id, to_code, sizeof to_code, err);
    if (rc == 0)
        rc = stock_allow_negative_get(st, &allow, err);
    if (rc == 0)
        rc = ensure_row(st, m->product_id, m->from_id, err);
    if (rc == 0)
        rc = ensure_row(st, m->product_id, m->to_id, err);
    if (rc != 0)
        return rc;
    /*
     * Lock order: the row of the lower warehouse id is updated first, so
     * two opposite moves wait for each other instead of deadlocking. When
     * the destination goes first and the source then lacks stock, the
     * destination is put back in the same transaction before failing.
     */
    int to_first = m->to_id < m->from_id;
    if (to_first && (rc = move_in(st, m, allow, err)) != 0)
        return rc;
    rc = update_row(st, sql_adjust, m->product_id, m->from_id, -m->qty, allow, &m->from, 0,
                    &applied, err);
    if (rc != 0)
        return rc;
    if (!applied) {
        if (to_first) {
            struct stock_result undo;
            int undone;
            rc = update_row(st, sql_adjust, m->product_id, m->to_id, -m->qty, 1, &undo, 0, &undone,
                            err);
            if (rc != 0)
                return rc;
        }
        int64_t on_hand, reserved;
        rc = read_row(st, m->product_id, m->from_id, &on_hand, &reserved, err);
        if (rc != 0)
            return rc;
        return kt_err_set(
            err, KT_ELIMIT, "not enough stock of %s in %s to move to %s: available %s, asked %s",
            nm.product, nm.warehouse, to_code, qty_text(on_hand - reserved).s, qty_text(m->qty).s);
    }
    if (!to_first && (rc = move_in(st, m, allow, err)) != 0)
        return rc;
    m->from.delta = -m->qty;
    m->to.delta = m->qty;
    rc =
        write_ledger(st, m->product_id, m->from_id, 0, STOCK_REASON_MOVE, m->origin, &m->from, err);
    if (rc == 0)
        rc =
            write_ledger(st, m->product_id, m->to_id, 0, STOCK_REASON_MOVE, m->origin, &m->to, err);
    if (rc == 0)
        rc = emit_changed(st, m->product_id, err);
    return rc;
}

int stock_move(struct store *st, int64_t product_id, int64_t from_warehouse_id,
               int64_t to_warehouse_id, int64_t qty, const struct stock_origin *origin,
               struct stock_result *out_from, struct stock_result *out_to, struct kt_err *err)
{
    int rc = check_positive("move", qty, err);
    if (rc == 0 && from_warehouse_id == to_warehouse_id)
        rc = kt_err_set(err, KT_EINVAL, "a move needs two different warehouses");
    if (rc == 0)
        rc = check_origin(origin, err);
    if (rc != 0)
        return rc;
    struct move m = {.product_id = product_id,
                     .from_id = from_warehouse_id,
                     .to_id = to_warehouse_id,
                     .qty = qty,
                     .origin = origin};
    rc = catalog_run_tx(st, move_tx, &m, err);
    if (rc == 0) {
        if (out_from)
            *out_from = m.from;
        if (out_to)
            *out_to = m.to;
    }
    return rc;
}

/* ---- reading ---- */

int stock_get(struct store *st, int64_t product_id, int64_t warehouse_id, struct stock_level *out,
              struct kt_err *err)
{
    char pcode[128];
    memset(out, 0, sizeof *out);
    int rc = catalog_code_of(st, CATALOG_PRODUCT, product_id, pcode, sizeof pcode, err);
    if (rc == 0)
        rc = catalog_code_of(st, CATALOG_WAREHOUSE, warehouse_id, out->warehouse_code,
                             sizeof out->warehouse_code, err);
    if (rc == 0)
        rc = read_row(st, product_id, warehouse_id, &out->on_hand, &out->reserved, err);
    if (rc != 0)
        return rc;
    out->warehouse_id = warehouse_id;
    out->available = out->on_hand - out->reserved;
    return 0;
}

int stock_total(struct store *st, int64_t product_id, struct stock_level *out, struct kt_err *err)
{
    char pcode[128];
    memset(out, 0, sizeof *out);
    int rc = catalog_code_of(st, CATALOG_PRODUCT, product_id, pcode, sizeof pcode, err);
    if (rc == 0)
        rc = sum_totals(st, product_id, &out->on_hand, &out->reserved, err);
    if (rc == 0)
        out->available = out->on_hand - out->reserved;
    return rc;
}

static int read_level(struct store_stmt *s, void *row, struct kt_err *err)
{
    struct stock_level *l = row;
    l->warehouse_id = store_col_int64(s, 0);
    catalog_col_copy(s, 1, l->warehouse_code, sizeof l->warehouse_code);
    l->on_hand = store_col_int64(s, 2);
    l->reserved = store_col_int64(s, 3);
    l->available = l->on_hand - l->reserved;
    return 0;
}

int stock_levels(struct store *st, int64_t product_id, struct stock_level **out, size_t *n,
                 struct kt_err *err)
{
    struct store_stmt *s = NULL;
    void *rows = NULL;
    char pcode[128];
    *out = NULL;
    *n = 0;
    int rc = catalog_code_of(st, CATALOG_PRODUCT, product_id, pcode, sizeof pcode, err);
    if (rc == 0)
        rc = store_prepare(st,
                           "SELECT s.warehouse_id, w.code, s.on_hand, s.reserved FROM stock s "
                           "JOIN warehouses w ON w.id = s.warehouse_id "
                           "WHERE s.product_id = ?1 ORDER BY w.code",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, product_id)) != 0) {
        rc = kt_err_set(err, rc, "stock: binding failed");
        goto out;
    }
    rc = catalog_rows_read(s, sizeof **out, read_level, "stock", &rows, n, err);
    *out = rows;
out:
    store_stmt_done(s);
    return rc;
}

static int read_ledger_entry(struct store_stmt *s, void *row, struct kt_err *err)
{
    struct stock_ledger_entry *e = row;
    struct kt_err perr;
    e->id = store_col_int64(s, 0);
    e->at = store_col_int64(s, 1);
    e->product_id = store_col_int64(s, 2);
    e->warehouse_id = store_col_int64(s, 3);
    catalog_col_copy(s, 4, e->warehouse_code, sizeof e->warehouse_code);
    e->delta = store_col_int64(s, 5);
    e->reserved_delta = store_col_int64(s, 6);
    if (stock_reason_parse(store_col_text(s, 7), &e->reason, &perr) != 0)
        return kt_err_set(err, KT_ECORRUPT, "stock ledger row %lld: %s", (long long)e->id,
                          perr.msg);
    catalog_col_copy(s, 8, e->doc_ref, sizeof e->doc_ref);
    e->resulting_on_hand = store_col_int64(s, 9);
    e->resulting_reserved = store_col_int64(s, 10);
    catalog_col_copy(s, 11, e->user, sizeof e->user);
    return 0;
}

int stock_ledger_list(struct store *st, const struct stock_ledger_query *q,
                      struct stock_ledger_entry **out, size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    void *rows = NULL;
    char pcode[128];
    *out = NULL;
    *n = 0;
    size_t limit = q->limit ? q->limit : 1000;
    int rc = catalog_code_of(st, CATALOG_PRODUCT, q->product_id, pcode, sizeof pcode, err);
    if (rc == 0 && q->warehouse_id != 0) {
        char wcode[STOCK_WAREHOUSE_CODE_MAX + 1];
        rc = catalog_code_of(st, CATALOG_WAREHOUSE, q->warehouse_id, wcode, sizeof wcode, err);
    }
    /* the newest `limit` rows, turned oldest-first by the outer query */
    if (rc == 0)
        rc = store_prepare(
            st,
            "SELECT * FROM (SELECT l.id, l.at, l.product_id, l.warehouse_id, w.code, l.delta, "
            "l.reserved_delta, l.reason, l.doc_ref, l.resulting_on_hand, l.resulting_reserved, "
            "l.username FROM stock_ledger l JOIN warehouses w ON w.id = l.warehouse_id "
            "WHERE l.product_id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR l.warehouse_id = ?2) "
            "AND l.at >= ?3 AND (CAST(?4 AS BIGINT) = 0 OR l.at <= ?4) "
            "ORDER BY l.id DESC LIMIT ?5) newest ORDER BY id",
            &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, q->product_id)) != 0 ||
        (rc = store_bind_int64(s, 2, q->warehouse_id)) != 0 ||
        (rc = store_bind_int64(s, 3, q->from_at)) != 0 ||
        (rc = store_bind_int64(s, 4, q->to_at)) != 0 ||
        (rc = store_bind_int64(s, 5, (int64_t)limit)) != 0) {
        rc = kt_err_set(err, rc, "stock: binding failed");
        goto out;
    }
    rc = catalog_rows_read(s, sizeof **out, read_ledger_entry, "the stock ledger", &rows, n, err);
    *out = rows;
out:
    store_stmt_done(s);
    return rc;
}

int stock_explain(struct store *st, int64_t product_id, int64_t warehouse_id, int64_t at,
                  struct stock_explanation *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    struct names nm;
    int64_t last_on_hand = 0, last_reserved = 0;
    memset(out, 0, sizeof *out);
    out->at = at;
    int rc = load_names(st, product_id, warehouse_id, &nm, err);
    if (rc == 0)
        rc = store_prepare(st,
                           "SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT), "
                           "CAST(COALESCE(SUM(reserved_delta), 0) AS BIGINT), COUNT(*), "
                           "COALESCE(MAX(id), 0) FROM stock_ledger "
                           "WHERE product_id = ?1 AND warehouse_id = ?2 AND at <= ?3",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, product_id)) != 0 ||
        (rc = store_bind_int64(s, 2, warehouse_id)) != 0 ||
        (rc = store_bind_int64(s, 3, at)) != 0) {
        rc = kt_err_set(err, rc, "stock: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_DONE)
        rc = kt_err_set(err, KT_EINTERNAL, "stock: the ledger sum returned no row");
    if (rc < 0)
        goto out;
    out->on_hand = store_col_int64(s, 0);
    out->reserved = store_col_int64(s, 1);
    out->changes = store_col_int64(s, 2);
    out->last_ledger_id = store_col_int64(s, 3);
    store_stmt_done(s);
    s = NULL;
    rc = 0;
    if (out->last_ledger_id == 0)
        goto out;
    rc = store_prepare(
        st, "SELECT at, resulting_on_hand, resulting_reserved FROM stock_ledger WHERE id = ?1", &s,
        err);
    if (rc != 0)
        goto out;
    if ((rc = store_bind_int64(s, 1, out->last_ledger_id)) != 0) {
        rc = kt_err_set(err, rc, "stock: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_DONE)
        rc = kt_err_set(err, KT_EINTERNAL, "stock: ledger row %lld vanished",
                        (long long)out->last_ledger_id);
    if (rc < 0)
        goto out;
    out->last_at = store_col_int64(s, 0);
    last_on_hand = store_col_int64(s, 1);
    last_reserved = store_col_int64(s, 2);
    rc = 0;
    if (last_on_hand != out->on_hand || last_reserved != out->reserved)
        rc = kt_err_set(err, KT_ECORRUPT,
                        "the stock ledger of %s in %s does not add up: row %lld records on hand "
                        "%s and reserved %s, the sums of the rows up to it are %s and %s",
                        nm.product, nm.warehouse, (long long)out->last_ledger_id,
                        qty_text(last_on_hand).s, qty_text(last_reserved).s,
                        qty_text(out->on_hand).s, qty_text(out->reserved).s);
out:
    store_stmt_done(s);
    return rc;
}
