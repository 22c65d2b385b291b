/*
 * exchange internals: what the import engine (exchange.c) and the kinds
 * (products_csv.c, customers_csv.c, pricelists_csv.c, stock_csv.c) share.
 * Not part of the module's public face; only src/exchange includes it.
 */
#ifndef KT_EXCHANGE_INTERNAL_H
#define KT_EXCHANGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/err.h"
#include "exchange/exchange.h"
#include "store/store.h"

struct exchange_column {
    const char *name;
    int required;
};

/* One data row as the kind sees it. */
struct exchange_row {
    long line;
    const char *const *field;
    size_t n;
    const int *col;                /* col[c] = field index of fixed column c, -1 when absent */
    struct kt_arena *arena;        /* freed after the row */
    enum exchange_outcome outcome; /* set by the kind */
    char key[160];                 /* set by the kind, for the report */
};

struct exchange_run;

/* Results of a kind's row function besides negative KT_E* codes (fatal). */
enum {
    EXCHANGE_ROW_OK = 0,
    EXCHANGE_ROW_REJECT = 1,       /* rejected by a check; the transaction is intact */
    EXCHANGE_ROW_WRITE_FAILED = 2, /* a write failed; the transaction must be rolled back */
};

struct exchange_kind_def {
    const char *name;
    const struct exchange_column *columns;
    size_t ncolumns;
    /* Loads what the kind needs for the whole run (lookup tables). */
    int (*open)(struct exchange_run *run, void **state, struct kt_err *err);
    /* A header name that is not a fixed column: accept it (0) or KT_EINVAL. */
    int (*extra_column)(void *state, const char *name, size_t index, struct kt_err *err);
    /* Upserts one row; returns EXCHANGE_ROW_* or a fatal negative code. The
     * reason of a rejection goes to err without the "line N: " prefix. */
    int (*row)(struct exchange_run *run, void *state, struct exchange_row *row, struct kt_err *err);
    int (*export)(struct store *st, struct kt_csv_writer *w, long *rows, struct kt_err *err);
    void (*close)(void *state);
};

extern const struct exchange_kind_def exchange_products_kind;
extern const struct exchange_kind_def exchange_customers_kind;
extern const struct exchange_kind_def exchange_pricelists_kind;
extern const struct exchange_kind_def exchange_stock_kind;

/* The import's database connection and options, for the kinds. */
struct store *exchange_run_store(struct exchange_run *run);
const char *exchange_run_source(struct exchange_run *run);

/*
 * Records `key` as seen on row->line. The first time: 0. Again: KT_EEXIST
 * with "<what> <key> appears twice in the file (first on line N)". While a
 * batch is replayed after a failed write the check is skipped (0).
 */
int exchange_seen(struct exchange_run *run, const struct exchange_row *row, const char *what,
                  const char *key, struct kt_err *err);

/* The text of fixed column c ("" when the column is absent). */
const char *exchange_get(const struct exchange_row *row, size_t c);
/* 1 when fixed column c is in the header. */
int exchange_has(const struct exchange_row *row, size_t c);

/*
 * Machine numbers: optional '-', digits, optional '.' or ',' and at most
 * `decimals` digits. *v counts 1/10^decimals. what names the column in the
 * message: "price '12.3.4' is not a number; write it like 12.50".
 */
int exchange_parse_fixed(const char *text, int decimals, const char *what, int64_t *v,
                         struct kt_err *err);
/* Appends v (1/10^decimals) with at least min_dec decimals: "12.50", "0.0125", "3". */
int exchange_format_fixed(struct kt_buf *out, int64_t v, int decimals, int min_dec);
/* "1"/"0" (also yes/no, true/false, tak/nie, any case); what names the column. */
int exchange_parse_bool(const char *text, const char *what, int *v, struct kt_err *err);
/* Whole number in [min, max]. */
int exchange_parse_int(const char *text, int64_t min, int64_t max, const char *what, int64_t *v,
                       struct kt_err *err);

/*
 * Sets err to a row reason from a validator's or domain module's message
 * about `column`, without the final '.': a message that starts with the
 * column's name gets it in the column's spelling ("EAN 590...: check digit
 * is 8, expected 7." -> "ean 590...: check digit is 8, expected 7"), any
 * other is prefixed "column: ". Returns code.
 */
int exchange_reason(struct kt_err *err, int code, const char *column, const struct kt_err *from);

#endif
