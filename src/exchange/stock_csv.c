#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "catalog/product.h"
#include "catalog/stock.h"
#include "catalog/warehouse.h"
#include "exchange/internal.h"
#include "base/banned.h"

/*
 * stock: on hand per product and warehouse, set by stocktaking (ledger
 * reason "import", the file name as the document reference). Quantities
 * have up to three decimals and are never negative in a file.
 */
enum { S_PRODUCT, S_WAREHOUSE, S_QTY, S_COUNT };

static const struct exchange_column columns[S_COUNT] = {
    [S_PRODUCT] = {"product", 1},
    [S_WAREHOUSE] = {"warehouse", 1},
    [S_QTY] = {"quantity", 1},
};

struct stock_state {
    struct store *st;
    struct stock_warehouse *whs;
    size_t n;
};

static int sk_open(struct exchange_run *run, void **state, struct kt_err *err)
{
    struct stock_state *s = calloc(1, sizeof *s);
    if (!s)
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    s->st = exchange_run_store(run);
    *state = s;
    return stock_warehouse_list(s->st, 1, &s->whs, &s->n, err);
}

static void sk_close(void *state)
{
    struct stock_state *s = state;
    free(s->whs);
    free(s);
}

static int sk_row(struct exchange_run *run, void *state, struct exchange_row *row,
                  struct kt_err *err)
{
    struct stock_state *s = state;
    const char *pcode = exchange_get(row, S_PRODUCT);
    const char *wcode = exchange_get(row, S_WAREHOUSE);
    const char *qt = exchange_get(row, S_QTY);
    struct kt_err e;
    kt_err_clear(&e);
    snprintf(row->key, sizeof row->key, "%s/%s", pcode, wcode);
    const struct stock_warehouse *wh = NULL;
    for (size_t i = 0; i < s->n && !wh; i++)
        if (strcmp(s->whs[i].code, wcode) == 0)
            wh = &s->whs[i];
    if (!wh) {
        kt_err_set(err, KT_EINVAL, "warehouse %s: no such warehouse", wcode);
        return EXCHANGE_ROW_REJECT;
    }
    int64_t qty;
    if (exchange_parse_fixed(qt, 3, "quantity", &qty, err) != 0)
        return EXCHANGE_ROW_REJECT;
    if (qty < 0) {
        kt_err_set(err, KT_EINVAL, "quantity %s must not be negative", qt);
        return EXCHANGE_ROW_REJECT;
    }
    int rc = exchange_seen(run, row, "stock of", row->key, err);
    if (rc == KT_EEXIST)
        return EXCHANGE_ROW_REJECT;
    if (rc < 0)
        return rc;
    struct catalog_product p;
    rc = catalog_product_get_by_code(s->st, pcode, row->arena, &p, &e);
    if (rc == KT_ENOTFOUND) {
        kt_err_set(err, KT_EINVAL, "product %s: no such product", pcode);
        return EXCHANGE_ROW_REJECT;
    }
    if (rc != 0) {
        *err = e;
        return rc;
    }
    struct stock_level *lv = NULL;
    size_t nlv = 0;
    rc = stock_levels(s->st, p.id, &lv, &nlv, &e);
    if (rc != 0) {
        *err = e;
        return rc;
    }
    enum exchange_outcome outcome = EXCHANGE_CREATED;
    for (size_t i = 0; i < nlv; i++)
        if (lv[i].warehouse_id == wh->id)
            outcome = lv[i].on_hand == qty ? EXCHANGE_UNCHANGED : EXCHANGE_UPDATED;
    free(lv);
    if (outcome != EXCHANGE_UNCHANGED) {
        struct stock_origin origin = {.doc_ref = exchange_run_source(run), .user = NULL};
        if (stock_set(s->st, p.id, wh->id, qty, STOCK_REASON_IMPORT, &origin, NULL, &e) != 0) {
            kt_err_set(err, e.code, "%s", e.msg);
            return e.code == KT_EINVAL ? EXCHANGE_ROW_REJECT : EXCHANGE_ROW_WRITE_FAILED;
        }
    }
    row->outcome = outcome;
    return EXCHANGE_ROW_OK;
}

static int sk_export(struct store *st, struct kt_csv_writer *w, long *rows, struct kt_err *err)
{
    const char *hdr[S_COUNT] = {"product", "warehouse", "quantity"};
    int rc = kt_csv_write_row(w, hdr, S_COUNT, err);
    struct kt_buf qty;
    kt_buf_init(&qty, 64);
    struct catalog_product_filter flt;
    catalog_product_filter_init(&flt);
    flt.limit = 1000;
    while (rc == 0) {
        struct kt_arena arena;
        kt_arena_init(&arena, 0);
        struct catalog_product *prods = NULL;
        size_t n = 0;
        rc = catalog_product_list(st, &flt, &arena, &prods, &n, NULL, err);
        for (size_t k = 0; rc == 0 && k < n; k++) {
            struct stock_level *lv = NULL;
            size_t nlv = 0;
            rc = stock_levels(st, prods[k].id, &lv, &nlv, err);
            for (size_t i = 0; rc == 0 && i < nlv; i++) {
                kt_buf_reset(&qty);
                rc = exchange_format_fixed(&qty, lv[i].on_hand, 3, 0);
                const char *f[S_COUNT] = {prods[k].code, lv[i].warehouse_code, kt_buf_str(&qty)};
                if (rc == 0)
                    rc = kt_csv_write_row(w, f, S_COUNT, err);
                if (rc == 0)
                    (*rows)++;
            }
            free(lv);
        }
        kt_arena_release(&arena);
        if (rc != 0 || n < (size_t)flt.limit)
            break;
        flt.offset += flt.limit;
    }
    kt_buf_release(&qty);
    return rc;
}

const struct exchange_kind_def exchange_stock_kind = {
    .name = "stock",
    .columns = columns,
    .ncolumns = S_COUNT,
    .open = sk_open,
    .row = sk_row,
    .export = sk_export,
    .close = sk_close,
};
