/*
 * exchange: import and export of master data as CSV files. Owns the file
 * formats (the columns of each kind, how values are written), the rules of
 * an import (upsert by code, the per-row report, dry run, all-or-nothing or
 * skip-bad-rows) and nothing in the database: every write goes through the
 * catalog, stock, price and parties APIs inside the import's transaction.
 *
 * Kinds and their columns (header names, in this order on export):
 *   products    code, ean, name_pl, name_en, name_de, unit, vat, group,
 *               weight_g, active, then price:<LIST CODE> for every price
 *               list and stock:<WAREHOUSE CODE> for every warehouse
 *   customers   code, name, tax_id, regon, country, lang, currency,
 *               doc_type, payment_days, payment_method, credit_limit,
 *               street, postal_code, city, email, notes, active
 *   pricelists  list, product, price, valid_from, valid_to, min_qty
 *   stock       product, warehouse, quantity
 * Numbers in files are machine numbers: '.' as the decimal mark, no
 * grouping ("12.5", "0.0125"); a ',' decimal mark is accepted on import
 * (Polish Excel) when the value has no '.' as well.
 *
 * Import rules
 *   - the header is checked first: an unknown, missing (required) or
 *     repeated column rejects the whole file, naming the column;
 *   - each row is created, updated, unchanged or rejected; a rejection
 *     names the line and the reason ("line 12: ean 5901234123458: check
 *     digit is 8, expected 7");
 *   - a column absent from the header keeps the stored value (and the
 *     default for a new record); a present but empty optional column
 *     clears it;
 *   - default (all-or-nothing): the whole file is one transaction; any
 *     rejected row and nothing is written;
 *   - skip_bad_rows: good rows are written in transactions of batch_rows
 *     rows, bad ones are reported; a failure of the database itself (not
 *     of a row) stops the import, and batches committed before it stay;
 *   - dry_run: everything runs as it would, in a transaction that is
 *     rolled back, so the checks are the real ones; nothing is written;
 *   - a broken CSV file (a quote not closed, a field over 64 KiB) stops the
 *     import at its line; with skip_bad_rows the rows before it are written.
 * Memory: the file is streamed (base/csv.h); codes seen in the file (for
 * "appears twice") are kept in a scratch SQLite file, not in memory; a
 * batch is held only until it commits.
 */
#ifndef KT_EXCHANGE_H
#define KT_EXCHANGE_H

#include <stdint.h>
#include <stdio.h>

#include "base/csv.h"
#include "base/err.h"
#include "store/store.h"

enum exchange_kind {
    EXCHANGE_PRODUCTS,
    EXCHANGE_CUSTOMERS,
    EXCHANGE_PRICELISTS,
    EXCHANGE_STOCK,
};

/* "products", "customers", "pricelists", "stock"; KT_EINVAL naming them. */
int exchange_kind_parse(const char *s, enum exchange_kind *out, struct kt_err *err);
const char *exchange_kind_name(enum exchange_kind k);

enum exchange_outcome {
    EXCHANGE_CREATED,
    EXCHANGE_UPDATED,
    EXCHANGE_UNCHANGED,
    EXCHANGE_REJECTED,
};

/* "created", "updated", "unchanged", "rejected". */
const char *exchange_outcome_name(enum exchange_outcome o);

/* One line of the report. Strings are valid during the callback only. */
struct exchange_row_report {
    long line;
    enum exchange_outcome outcome;
    const char *key;    /* the row's code (products, customers) or key ("LIST/PRODUCT") */
    const char *reason; /* for rejected rows: "ean 590...: check digit is 8, expected 7" */
};

typedef void (*exchange_row_fn)(void *ctx, const struct exchange_row_report *row);
/* bytes read of total (0 when unknown), rows so far */
typedef void (*exchange_progress_fn)(void *ctx, uint64_t done, uint64_t total, long rows);

struct exchange_options {
    enum kt_csv_encoding encoding; /* default KT_CSV_UTF8 */
    int dry_run;
    int skip_bad_rows;
    long batch_rows; /* rows per transaction with skip_bad_rows; 0 = 1000 */
    /* Reported rows. Rows of a batch are reported once it is decided (all
     * rows at the end in all-or-nothing mode, so the outcome is final). */
    exchange_row_fn on_row;
    void *row_ctx;
    exchange_progress_fn on_progress; /* called about every 64 KiB read */
    void *progress_ctx;
    const char *source; /* written to the stock ledger as the document reference */
};

struct exchange_summary {
    long rows; /* data rows read (the header not counted) */
    long created;
    long updated;
    long unchanged;
    long rejected;
    int written; /* 1 when the changes were committed */
};

/*
 * Imports a CSV file of the given kind ("-" reads standard input). Returns
 * 0 when the file was read to its end, whatever the rows' outcomes (see
 * sum->rejected and sum->written); KT_EINVAL for a file that cannot be
 * imported: a bad header or a broken CSV line (err names the line); KT_EIO
 * when the file cannot be read; another KT_E* code when the database
 * fails. opt may be NULL (all-or-nothing, UTF-8).
 */
int exchange_import(struct store *st, enum exchange_kind kind, const char *path,
                    const struct exchange_options *opt, struct exchange_summary *sum,
                    struct kt_err *err);

/*
 * Writes every record of the kind to out as CSV (UTF-8, ',' delimiter, CRLF
 * line ends, header first), ordered by code (price lists by list, product,
 * min_qty, valid_from; stock by product, warehouse). *rows (may be NULL)
 * receives the number of data rows. Importing the output into a database
 * with the same price lists, warehouses and product groups and exporting
 * again gives the same bytes.
 */
int exchange_export(struct store *st, enum exchange_kind kind, FILE *out, long *rows,
                    struct kt_err *err);

#endif
