/*
 * catalog/internal: what price.c, stock.c and warehouse.c share and nobody
 * outside the catalog module sees — running in the caller's transaction,
 * copying a text column, the code of a row by its id for messages, and
 * reading the rows of a query into a malloc'd array.
 */
#ifndef KT_CATALOG_INTERNAL_H
#define KT_CATALOG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* Runs fn in the caller's transaction when one is open, else in its own, so
 * that a price or stock change can be one step of a larger write. */
int catalog_run_tx(struct store *st, store_tx_fn fn, void *ctx, struct kt_err *err);

/* Copies text column col into dst (n bytes, cut to fit); NULL reads as "". */
void catalog_col_copy(struct store_stmt *s, int col, char *dst, size_t n);

/* The tables whose rows are named by their code in messages. */
enum catalog_coded {
    CATALOG_PRODUCT,
    CATALOG_WAREHOUSE,
    CATALOG_CUSTOMER,
};

/* The code of row id of the table into out (n bytes); KT_ENOTFOUND with
 * "there is no product with id 7" when there is no such row. */
int catalog_code_of(struct store *st, enum catalog_coded table, int64_t id, char *out, size_t n,
                    struct kt_err *err);

/* Reads the current row of s into row (zeroed before); a row it cannot
 * read fails with a sentence (KT_ECORRUPT). */
typedef int (*catalog_row_fn)(struct store_stmt *s, void *row, struct kt_err *err);

/*
 * Steps s, prepared and bound, to its end and reads each row with read into
 * a malloc'd array of elements of size bytes: *out (the caller frees it)
 * with *n rows; NULL and 0 on failure. `what` names the rows in the
 * out-of-memory message ("prices"). s stays the caller's to finish.
 */
int catalog_rows_read(struct store_stmt *s, size_t size, catalog_row_fn read, const char *what,
                      void **out, size_t *n, struct kt_err *err);

#endif
