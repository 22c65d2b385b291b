#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "catalog/internal.h"
#include "base/banned.h"

int catalog_run_tx(struct store *st, store_tx_fn fn, void *ctx, struct kt_err *err)
{
    if (store_in_tx(st))
        return fn(st, ctx, err);
    return store_tx(st, fn, ctx, err);
}

void catalog_col_copy(struct store_stmt *s, int col, char *dst, size_t n)
{
    const char *v = store_col_text(s, col);
    kt_strlcpy(dst, v ? v : "", n);
}

static const struct {
    const char *sql;
    const char *noun;
} coded[] = {
    [CATALOG_PRODUCT] = {"SELECT code FROM products WHERE id = ?1", "product"},
    [CATALOG_WAREHOUSE] = {"SELECT code FROM warehouses WHERE id = ?1", "warehouse"},
    [CATALOG_CUSTOMER] = {"SELECT code FROM customers WHERE id = ?1", "customer"},
};

int catalog_code_of(struct store *st, enum catalog_coded table, int64_t id, char *out, size_t n,
                    struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, coded[table].sql, &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, id)) != 0) {
        rc = kt_err_set(err, rc, "cannot look up %s %lld: binding failed", coded[table].noun,
                        (long long)id);
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        catalog_col_copy(s, 0, out, n);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND, "there is no %s with id %lld", coded[table].noun,
                        (long long)id);
    }
out:
    store_stmt_done(s);
    return rc;
}

int catalog_rows_read(struct store_stmt *s, size_t size, catalog_row_fn read, const char *what,
                      void **out, size_t *n, struct kt_err *err)
{
    char *rows = NULL;
    size_t count = 0, cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char *p = realloc(rows, ncap * size);
            if (!p) {
                rc = kt_err_set(err, KT_ENOMEM, "out of memory reading %s", what);
                goto out;
            }
            rows = p;
            cap = ncap;
        }
        memset(rows + count * size, 0, size);
        if ((rc = read(s, rows + count * size, err)) != 0)
            goto out;
        count++;
    }
    if (rc < 0)
        goto out;
    *out = rows;
    *n = count;
    rows = NULL;
    rc = 0;
out:
    free(rows);
    return rc;
}
