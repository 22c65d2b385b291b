#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/qty.h"
#include "base/validate.h"
#include "catalog/group.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/stock.h"
#include "catalog/vat.h"
#include "catalog/warehouse.h"
#include "exchange/internal.h"
#include "base/banned.h"

/*
 * products: the product record, its base price in each price list
 * (price:<LIST>, the item for any quantity valid since ever) and its stock
 * in each warehouse (stock:<WAREHOUSE>, on hand). An empty price or stock
 * cell changes nothing; a product without a base price or a stock row in
 * one exports an empty cell there.
 */
enum {
    P_CODE,
    P_EAN,
    P_NAME_PL,
    P_NAME_EN,
    P_NAME_DE,
    P_UNIT,
    P_VAT,
    P_GROUP,
    P_WEIGHT,
    P_ACTIVE,
    P_COUNT
};

static const struct exchange_column columns[P_COUNT] = {
    [P_CODE] = {"code", 1},       [P_EAN] = {"ean", 0},         [P_NAME_PL] = {"name_pl", 0},
    [P_NAME_EN] = {"name_en", 0}, [P_NAME_DE] = {"name_de", 0}, [P_UNIT] = {"unit", 0},
    [P_VAT] = {"vat", 0},         [P_GROUP] = {"group", 0},     [P_WEIGHT] = {"weight_g", 0},
    [P_ACTIVE] = {"active", 0},
};

#define PRICE_PREFIX "price:"
#define STOCK_PREFIX "stock:"

struct extra {
    size_t index; /* field index in the file */
    int64_t id;
    char code[PRICE_LIST_CODE_MAX > STOCK_WAREHOUSE_CODE_MAX ? PRICE_LIST_CODE_MAX + 1
                                                             : STOCK_WAREHOUSE_CODE_MAX + 1];
    char currency[4];
};

struct products_state {
    struct store *st;
    struct extra *prices;
    size_t nprices;
    struct extra *stocks;
    size_t nstocks;
};

static int prod_open(struct exchange_run *run, void **state, struct kt_err *err)
{
    struct products_state *s = calloc(1, sizeof *s);
    if (!s)
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    s->st = exchange_run_store(run);
    *state = s;
    return 0;
}

static void prod_close(void *state)
{
    struct products_state *s = state;
    free(s->prices);
    free(s->stocks);
    free(s);
}

static int add_extra(struct extra **list, size_t *n, size_t index, int64_t id, const char *code,
                     const char *currency, struct kt_err *err)
{
    struct extra *l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    *list = l;
    struct extra *x = &l[(*n)++];
    memset(x, 0, sizeof *x);
    x->index = index;
    x->id = id;
    kt_strlcpy(x->code, code, sizeof x->code);
    if (currency)
        kt_strlcpy(x->currency, currency, sizeof x->currency);
    return 0;
}

static int prod_extra(void *state, const char *name, size_t index, struct kt_err *err)
{
    struct products_state *s = state;
    struct kt_err e;
    size_t pl = strlen(PRICE_PREFIX), sl = strlen(STOCK_PREFIX);
    if (strncasecmp(name, PRICE_PREFIX, pl) == 0) {
        struct price_list list;
        if (price_list_get(s->st, name + pl, &list, &e) != 0)
            return kt_err_set(err, KT_EINVAL, "unknown price list %s", name + pl);
        return add_extra(&s->prices, &s->nprices, index, list.id, list.code, list.currency, err);
    }
    if (strncasecmp(name, STOCK_PREFIX, sl) == 0) {
        struct stock_warehouse w;
        if (stock_warehouse_get(s->st, name + sl, &w, &e) != 0)
            return kt_err_set(err, KT_EINVAL, "unknown warehouse %s", name + sl);
        return add_extra(&s->stocks, &s->nstocks, index, w.id, w.code, NULL, err);
    }
    return KT_EINVAL;
}

static const char *opt_str(const char *s)
{
    return s && *s ? s : NULL;
}

static int same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static int same_product(const struct catalog_product *a, const struct catalog_product *b)
{
    if (!same_str(a->code, b->code) || !same_str(a->ean, b->ean) || !same_str(a->unit, b->unit) ||
        !same_str(a->vat_rate, b->vat_rate) || a->weight_g != b->weight_g ||
        a->group_id != b->group_id || a->active != b->active)
        return 0;
    for (int l = 0; l < CATALOG_LANG_COUNT; l++)
        if (!same_str(a->text[l].name, b->text[l].name))
            return 0;
    return 1;
}

/* Reads the product columns of the row into p. Returns 0 or KT_EINVAL with a reason. */
static int apply(struct products_state *s, struct exchange_run *run, struct exchange_row *row,
                 struct catalog_product *p, struct kt_err *err)
{
    struct kt_err e;
    kt_err_clear(&e);
    if (exchange_has(row, P_EAN)) {
        const char *ean = exchange_get(row, P_EAN);
        p->ean = opt_str(ean);
        if (p->ean) {
            if (kt_valid_ean(ean, &e) != 0)
                return exchange_reason(err, KT_EINVAL, "ean", &e);
            int rc = exchange_seen(run, row, "ean", ean, err);
            if (rc != 0)
                return rc == KT_EEXIST ? KT_EINVAL : rc;
        }
    }
    static const size_t name_col[CATALOG_LANG_COUNT] = {
        [CATALOG_PL] = P_NAME_PL, [CATALOG_EN] = P_NAME_EN, [CATALOG_DE] = P_NAME_DE};
    for (int l = 0; l < CATALOG_LANG_COUNT; l++)
        if (exchange_has(row, name_col[l]))
            p->text[l].name = opt_str(exchange_get(row, name_col[l]));
    if (exchange_has(row, P_UNIT)) {
        const struct kt_unit *u;
        if (kt_qty_unit_find(exchange_get(row, P_UNIT), &u, &e) != 0)
            return exchange_reason(err, KT_EINVAL, "unit", &e);
        p->unit = u->code;
    }
    if (exchange_has(row, P_VAT)) {
        const struct catalog_vat *v;
        if (catalog_vat_find(exchange_get(row, P_VAT), &v, &e) != 0)
            return exchange_reason(err, KT_EINVAL, "vat", &e);
        p->vat_rate = v->code;
    }
    if (exchange_has(row, P_GROUP)) {
        const char *g = exchange_get(row, P_GROUP);
        p->group_id = 0;
        if (*g) {
            struct catalog_group grp;
            int rc = catalog_group_get_by_code(s->st, g, row->arena, &grp, &e);
            if (rc == KT_ENOTFOUND)
                return kt_err_set(err, KT_EINVAL, "group %s: no such product group", g);
            if (rc != 0) {
                *err = e;
                return rc;
            }
            p->group_id = grp.id;
        }
    }
    if (exchange_has(row, P_WEIGHT)) {
        const char *w = exchange_get(row, P_WEIGHT);
        p->weight_g = -1;
        if (*w && exchange_parse_int(w, 0, INT64_MAX / 2, "weight_g", &p->weight_g, err) != 0)
            return KT_EINVAL;
    }
    if (exchange_has(row, P_ACTIVE)) {
        int a;
        if (exchange_parse_bool(exchange_get(row, P_ACTIVE), "active", &a, err) != 0)
            return KT_EINVAL;
        p->active = a;
    }
    return 0;
}

/* Parsed price and stock cells: -1 = empty. */
struct cells {
    int64_t *price;
    int64_t *qty;
};

static int parse_cells(struct products_state *s, struct exchange_row *row, struct cells *c,
                       struct kt_err *err)
{
    for (size_t i = 0; i < s->nprices; i++) {
        const char *t = row->field[s->prices[i].index];
        char what[64];
        snprintf(what, sizeof what, PRICE_PREFIX "%s", s->prices[i].code);
        c->price[i] = -1;
        if (!*t)
            continue;
        if (exchange_parse_fixed(t, 4, what, &c->price[i], err) != 0)
            return KT_EINVAL;
        if (c->price[i] < 0)
            return kt_err_set(err, KT_EINVAL, "%s %s: a price must not be negative", what, t);
    }
    for (size_t i = 0; i < s->nstocks; i++) {
        const char *t = row->field[s->stocks[i].index];
        char what[64];
        snprintf(what, sizeof what, STOCK_PREFIX "%s", s->stocks[i].code);
        c->qty[i] = -1;
        if (!*t)
            continue;
        if (exchange_parse_fixed(t, 3, what, &c->qty[i], err) != 0)
            return KT_EINVAL;
        if (c->qty[i] < 0)
            return kt_err_set(err, KT_EINVAL, "%s %s: a quantity must not be negative", what, t);
    }
    return 0;
}

/* A domain write failed: KT_EINVAL is a check made before writing. */
static int failed(struct kt_err *err, const struct kt_err *e)
{
    char msg[KT_ERR_MSG_MAX];
    kt_strlcpy(msg, e->msg, sizeof msg);
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '.')
        msg[--n] = '\0';
    kt_err_set(err, e->code, "%s", msg);
    return e->code == KT_EINVAL ? EXCHANGE_ROW_REJECT : EXCHANGE_ROW_WRITE_FAILED;
}

/* The base item of a product in a list: any quantity, valid since ever. */
static int base_price(struct store *st, int64_t list_id, int64_t product_id, int64_t *price,
                      char valid_to[PRICE_DATE_SIZE], struct kt_err *err)
{
    struct price_item *items = NULL;
    size_t n = 0;
    *price = -1;
    int rc = price_items(st, list_id, product_id, &items, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (items[i].min_qty == 0 && items[i].valid_from[0] == '\0') {
            *price = items[i].price;
            kt_strlcpy(valid_to, items[i].valid_to, PRICE_DATE_SIZE);
        }
    }
    free(items);
    return rc;
}

/* Writes the non-empty price and stock cells; a new product (existed 0)
 * has no prices or stock rows yet, so nothing is looked up for it. */
static int write_cells(struct products_state *s, int64_t product_id, int existed,
                       const struct cells *c, const char *source, int *changed, struct kt_err *err)
{
    struct kt_err e;
    kt_err_clear(&e);
    for (size_t i = 0; i < s->nprices; i++) {
        if (c->price[i] < 0)
            continue;
        int64_t cur = -1;
        char valid_to[PRICE_DATE_SIZE] = "";
        if (existed && base_price(s->st, s->prices[i].id, product_id, &cur, valid_to, &e) != 0)
            return failed(err, &e);
        if (cur == c->price[i] && valid_to[0] == '\0')
            continue;
        struct price_item item = {
            .price_list_id = s->prices[i].id, .product_id = product_id, .price = c->price[i]};
        if (price_item_set(s->st, &item, &e) != 0)
            return failed(err, &e);
        *changed = 1;
    }
    /* a warehouse without a stock row exports an empty cell, so "0" makes a row */
    struct stock_level *lv = NULL;
    size_t nlv = 0;
    int any = 0;
    for (size_t i = 0; i < s->nstocks; i++)
        any |= c->qty[i] >= 0;
    if (existed && any && stock_levels(s->st, product_id, &lv, &nlv, &e) != 0)
        return failed(err, &e);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < s->nstocks; i++) {
        if (c->qty[i] < 0)
            continue;
        int same = 0;
        for (size_t j = 0; j < nlv; j++)
            if (lv[j].warehouse_id == s->stocks[i].id && lv[j].on_hand == c->qty[i])
                same = 1;
        if (same)
            continue;
        struct stock_origin origin = {.doc_ref = source, .user = NULL};
        if (stock_set(s->st, product_id, s->stocks[i].id, c->qty[i], STOCK_REASON_IMPORT, &origin,
                      NULL, &e) != 0)
            rc = failed(err, &e);
        else
            *changed = 1;
    }
    free(lv);
    return rc;
}

static int prod_row(struct exchange_run *run, void *state, struct exchange_row *row,
                    struct kt_err *err)
{
    struct products_state *s = state;
    const char *code = exchange_get(row, P_CODE);
    struct kt_err e;
    kt_err_clear(&e);
    kt_strlcpy(row->key, code, sizeof row->key);
    if (catalog_code_check("code", code, &e) != 0) {
        exchange_reason(err, KT_EINVAL, "code", &e);
        return EXCHANGE_ROW_REJECT;
    }
    int rc = exchange_seen(run, row, "code", code, err);
    if (rc == KT_EEXIST)
        return EXCHANGE_ROW_REJECT;
    if (rc < 0)
        return rc;

    int64_t cellbuf[2 * 64];
    int64_t *cellmem = cellbuf;
    size_t ncells = s->nprices + s->nstocks;
    if (ncells > 2 * 64) {
        cellmem = kt_arena_alloc(row->arena, ncells * sizeof *cellmem);
        if (!cellmem)
            return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    struct cells cells = {cellmem, cellmem + s->nprices};
    if (parse_cells(s, row, &cells, err) != 0)
        return EXCHANGE_ROW_REJECT;

    struct catalog_product old, p;
    rc = catalog_product_get_by_code(s->st, code, row->arena, &old, &e);
    if (rc < 0 && rc != KT_ENOTFOUND) {
        *err = e;
        return rc;
    }
    int exists = rc == 0;
    if (exists) {
        p = old;
    } else {
        catalog_product_init(&p);
        p.code = code;
        if (!exchange_has(row, P_NAME_PL) || !*exchange_get(row, P_NAME_PL)) {
            kt_err_set(err, KT_EINVAL, "name_pl is required for a new product");
            return EXCHANGE_ROW_REJECT;
        }
    }
    rc = apply(s, run, row, &p, err);
    if (rc != 0)
        return rc == KT_EINVAL ? EXCHANGE_ROW_REJECT : rc;
    if (catalog_product_validate(&p, &e) != 0) {
        failed(err, &e);
        return EXCHANGE_ROW_REJECT;
    }
    int changed = 0;
    if (!exists) {
        if (catalog_product_insert_in_tx(s->st, &p, &e) != 0)
            return failed(err, &e);
        changed = 1;
    } else if (!same_product(&old, &p)) {
        if (catalog_product_update_in_tx(s->st, &p, &e) != 0)
            return failed(err, &e);
        changed = 1;
    }
    rc = write_cells(s, p.id, exists, &cells, exchange_run_source(run), &changed, err);
    if (rc != 0)
        return rc;
    row->outcome = !exists ? EXCHANGE_CREATED : changed ? EXCHANGE_UPDATED : EXCHANGE_UNCHANGED;
    return EXCHANGE_ROW_OK;
}

/* ---- export ---- */

static int prod_export(struct store *st, struct kt_csv_writer *w, long *rows, struct kt_err *err)
{
    struct price_list *lists = NULL;
    struct stock_warehouse *whs = NULL;
    size_t nlists = 0, nwhs = 0;
    const char **f = NULL;
    struct kt_buf *cell = NULL;
    struct kt_arena names;
    kt_arena_init(&names, 0);
    int rc = price_list_all(st, &lists, &nlists, err);
    if (rc == 0)
        rc = stock_warehouse_list(st, 1, &whs, &nwhs, err);
    if (rc != 0)
        goto out;
    size_t ncols = P_COUNT + nlists + nwhs;
    f = calloc(ncols, sizeof *f);
    cell = calloc(ncols, sizeof *cell);
    if (!f || !cell) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ncols; i++)
        kt_buf_init(&cell[i], 4096);
    for (size_t i = 0; i < P_COUNT; i++)
        f[i] = columns[i].name;
    for (size_t i = 0; i < nlists; i++)
        f[P_COUNT + i] = kt_arena_printf(&names, PRICE_PREFIX "%s", lists[i].code);
    for (size_t i = 0; i < nwhs; i++)
        f[P_COUNT + nlists + i] = kt_arena_printf(&names, STOCK_PREFIX "%s", whs[i].code);
    for (size_t i = 0; i < ncols; i++)
        if (!f[i]) {
            rc = kt_err_set(err, KT_ENOMEM, "out of memory");
            goto out;
        }
    rc = kt_csv_write_row(w, f, ncols, err);
    struct catalog_product_filter flt;
    catalog_product_filter_init(&flt);
    flt.limit = 1000;
    while (rc == 0) {
        struct kt_arena arena;
        kt_arena_init(&arena, 0);
        struct catalog_product *items = NULL;
        size_t n = 0;
        rc = catalog_product_list(st, &flt, &arena, &items, &n, NULL, err);
        for (size_t k = 0; rc == 0 && k < n; k++) {
            const struct catalog_product *p = &items[k];
            for (size_t i = 0; i < ncols; i++)
                kt_buf_reset(&cell[i]);
            if (p->weight_g >= 0)
                kt_buf_printf(&cell[P_WEIGHT], "%lld", (long long)p->weight_g);
            const char *group = "";
            if (p->group_id) {
                struct catalog_group g;
                rc = catalog_group_get(st, p->group_id, &arena, &g, err);
                if (rc != 0)
                    break;
                group = g.code;
            }
            for (size_t i = 0; rc == 0 && i < nlists; i++) {
                int64_t price;
                char valid_to[PRICE_DATE_SIZE];
                rc = base_price(st, lists[i].id, p->id, &price, valid_to, err);
                if (rc == 0 && price >= 0)
                    rc = exchange_format_fixed(&cell[P_COUNT + i], price, 4, 2);
            }
            struct stock_level *lv = NULL;
            size_t nlv = 0;
            if (rc == 0 && nwhs > 0)
                rc = stock_levels(st, p->id, &lv, &nlv, err);
            for (size_t i = 0; rc == 0 && i < nlv; i++)
                for (size_t j = 0; rc == 0 && j < nwhs; j++)
                    if (lv[i].warehouse_id == whs[j].id)
                        rc =
                            exchange_format_fixed(&cell[P_COUNT + nlists + j], lv[i].on_hand, 3, 0);
            free(lv);
            if (rc != 0)
                break;
            f[P_CODE] = p->code;
            f[P_EAN] = p->ean ? p->ean : "";
            f[P_NAME_PL] = p->text[CATALOG_PL].name ? p->text[CATALOG_PL].name : "";
            f[P_NAME_EN] = p->text[CATALOG_EN].name ? p->text[CATALOG_EN].name : "";
            f[P_NAME_DE] = p->text[CATALOG_DE].name ? p->text[CATALOG_DE].name : "";
            f[P_UNIT] = p->unit;
            f[P_VAT] = p->vat_rate;
            f[P_GROUP] = group;
            f[P_WEIGHT] = kt_buf_str(&cell[P_WEIGHT]);
            f[P_ACTIVE] = p->active ? "1" : "0";
            for (size_t i = P_COUNT; i < ncols; i++)
                f[i] = kt_buf_str(&cell[i]);
            rc = kt_csv_write_row(w, f, ncols, err);
            if (rc == 0)
                (*rows)++;
        }
        kt_arena_release(&arena);
        if (rc != 0 || n < (size_t)flt.limit)
            break;
        flt.offset += flt.limit;
    }
out:
    if (cell)
        for (size_t i = 0; i < P_COUNT + nlists + nwhs; i++)
            kt_buf_release(&cell[i]);
    free(cell);
    free(f);
    free(lists);
    free(whs);
    kt_arena_release(&names);
    return rc;
}

const struct exchange_kind_def exchange_products_kind = {
    .name = "products",
    .columns = columns,
    .ncolumns = P_COUNT,
    .open = prod_open,
    .extra_column = prod_extra,
    .row = prod_row,
    .export = prod_export,
    .close = prod_close,
};
