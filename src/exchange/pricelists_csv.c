#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "exchange/internal.h"
#include "base/banned.h"

/*
 * pricelists: the items of price lists, one row per (list, product,
 * min_qty, valid_from) — the key an item is replaced by. Prices have up to
 * four decimals in the list's currency, min_qty up to three; dates are
 * YYYY-MM-DD, empty for open-ended.
 */
enum { L_LIST, L_PRODUCT, L_PRICE, L_FROM, L_TO, L_MIN_QTY, L_COUNT };

static const struct exchange_column columns[L_COUNT] = {
    [L_LIST] = {"list", 1},       [L_PRODUCT] = {"product", 1}, [L_PRICE] = {"price", 1},
    [L_FROM] = {"valid_from", 0}, [L_TO] = {"valid_to", 0},     [L_MIN_QTY] = {"min_qty", 0},
};

struct lists_state {
    struct store *st;
    struct price_list *lists;
    size_t n;
};

static int pl_open(struct exchange_run *run, void **state, struct kt_err *err)
{
    struct lists_state *s = calloc(1, sizeof *s);
    if (!s)
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    s->st = exchange_run_store(run);
    *state = s;
    return price_list_all(s->st, &s->lists, &s->n, err);
}

static void pl_close(void *state)
{
    struct lists_state *s = state;
    free(s->lists);
    free(s);
}

static int check_date(const char *what, const char *t, struct kt_err *err)
{
    kt_date d;
    struct kt_err e;
    if (*t && kt_date_parse(t, &d, &e) != 0)
        return kt_err_set(err, KT_EINVAL, "%s '%s' is not a date; write it like 2026-01-31", what,
                          t);
    return 0;
}

static int pl_row(struct exchange_run *run, void *state, struct exchange_row *row,
                  struct kt_err *err)
{
    struct lists_state *s = state;
    const char *lcode = exchange_get(row, L_LIST);
    const char *pcode = exchange_get(row, L_PRODUCT);
    const char *from = exchange_get(row, L_FROM);
    const char *to = exchange_get(row, L_TO);
    struct kt_err e;
    kt_err_clear(&e);
    snprintf(row->key, sizeof row->key, "%s/%s", lcode, pcode);

    const struct price_list *list = NULL;
    for (size_t i = 0; i < s->n && !list; i++)
        if (strcmp(s->lists[i].code, lcode) == 0)
            list = &s->lists[i];
    if (!list) {
        kt_err_set(err, KT_EINVAL, "price list %s: no such price list", lcode);
        return EXCHANGE_ROW_REJECT;
    }
    int64_t price, min_qty = 0;
    if (exchange_parse_fixed(exchange_get(row, L_PRICE), 4, "price", &price, err) != 0)
        return EXCHANGE_ROW_REJECT;
    if (price < 0) {
        kt_err_set(err, KT_EINVAL, "price %s: a price must not be negative",
                   exchange_get(row, L_PRICE));
        return EXCHANGE_ROW_REJECT;
    }
    const char *mq = exchange_get(row, L_MIN_QTY);
    if (*mq && exchange_parse_fixed(mq, 3, "min_qty", &min_qty, err) != 0)
        return EXCHANGE_ROW_REJECT;
    if (min_qty < 0) {
        kt_err_set(err, KT_EINVAL, "min_qty %s must not be negative", mq);
        return EXCHANGE_ROW_REJECT;
    }
    if (check_date("valid_from", from, err) != 0 || check_date("valid_to", to, err) != 0)
        return EXCHANGE_ROW_REJECT;
    if (*from && *to && strcmp(to, from) < 0) {
        kt_err_set(err, KT_EINVAL, "valid_to %s is before valid_from %s", to, from);
        return EXCHANGE_ROW_REJECT;
    }
    struct kt_buf key;
    kt_buf_init(&key, 256);
    kt_buf_printf(&key, "%s/%s/", lcode, pcode);
    exchange_format_fixed(&key, min_qty, 3, 0);
    kt_buf_printf(&key, "/%s", from);
    int rc = exchange_seen(run, row, "price", kt_buf_str(&key), err);
    kt_buf_release(&key);
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
    struct price_item *items = NULL;
    size_t n = 0;
    rc = price_items(s->st, list->id, p.id, &items, &n, &e);
    if (rc != 0) {
        *err = e;
        return rc;
    }
    enum exchange_outcome outcome = EXCHANGE_CREATED;
    for (size_t i = 0; i < n; i++) {
        if (items[i].min_qty != min_qty || strcmp(items[i].valid_from, from) != 0)
            continue;
        outcome = items[i].price == price && strcmp(items[i].valid_to, to) == 0 ? EXCHANGE_UNCHANGED
                                                                                : EXCHANGE_UPDATED;
    }
    free(items);
    if (outcome != EXCHANGE_UNCHANGED) {
        struct price_item item = {
            .price_list_id = list->id, .product_id = p.id, .price = price, .min_qty = min_qty};
        kt_strlcpy(item.valid_from, from, sizeof item.valid_from);
        kt_strlcpy(item.valid_to, to, sizeof item.valid_to);
        if (price_item_set(s->st, &item, &e) != 0) {
            kt_err_set(err, e.code, "%s", e.msg);
            return e.code == KT_EINVAL ? EXCHANGE_ROW_REJECT : EXCHANGE_ROW_WRITE_FAILED;
        }
    }
    row->outcome = outcome;
    return EXCHANGE_ROW_OK;
}

static int pl_export(struct store *st, struct kt_csv_writer *w, long *rows, struct kt_err *err)
{
    struct price_list *lists = NULL;
    size_t nlists = 0;
    const char *hdr[L_COUNT];
    for (size_t i = 0; i < L_COUNT; i++)
        hdr[i] = columns[i].name;
    int rc = kt_csv_write_row(w, hdr, L_COUNT, err);
    if (rc == 0)
        rc = price_list_all(st, &lists, &nlists, err);
    struct kt_buf price, qty;
    kt_buf_init(&price, 64);
    kt_buf_init(&qty, 64);
    for (size_t l = 0; rc == 0 && l < nlists; l++) {
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
                struct price_item *items = NULL;
                size_t ni = 0;
                rc = price_items(st, lists[l].id, prods[k].id, &items, &ni, err);
                for (size_t i = 0; rc == 0 && i < ni; i++) {
                    kt_buf_reset(&price);
                    kt_buf_reset(&qty);
                    rc = exchange_format_fixed(&price, items[i].price, 4, 2);
                    if (rc == 0)
                        rc = exchange_format_fixed(&qty, items[i].min_qty, 3, 0);
                    const char *f[L_COUNT] = {
                        [L_LIST] = lists[l].code,       [L_PRODUCT] = prods[k].code,
                        [L_PRICE] = kt_buf_str(&price), [L_FROM] = items[i].valid_from,
                        [L_TO] = items[i].valid_to,     [L_MIN_QTY] = kt_buf_str(&qty),
                    };
                    if (rc == 0)
                        rc = kt_csv_write_row(w, f, L_COUNT, err);
                    if (rc == 0)
                        (*rows)++;
                }
                free(items);
            }
            kt_arena_release(&arena);
            if (rc != 0 || n < (size_t)flt.limit)
                break;
            flt.offset += flt.limit;
        }
    }
    kt_buf_release(&price);
    kt_buf_release(&qty);
    free(lists);
    return rc;
}

const struct exchange_kind_def exchange_pricelists_kind = {
    .name = "pricelists",
    .columns = columns,
    .ncolumns = L_COUNT,
    .open = pl_open,
    .row = pl_row,
    .export = pl_export,
    .close = pl_close,
};
