/*
 * warehouse: the warehouses stock is kept in (table `warehouses`, migration
 * 0005_stock). A warehouse has a unique code (what users type: "MAG1"), a
 * name and an address. Inactive warehouses keep their stock and history but
 * are left out of pickers (stock_warehouse_list with include_inactive 0).
 * Part of the stock module: every public name starts with stock_warehouse_.
 */
#ifndef KT_CATALOG_WAREHOUSE_H
#define KT_CATALOG_WAREHOUSE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define STOCK_WAREHOUSE_CODE_MAX 32
#define STOCK_WAREHOUSE_NAME_MAX 128
#define STOCK_WAREHOUSE_STREET_MAX 128
#define STOCK_WAREHOUSE_POSTAL_MAX 16
#define STOCK_WAREHOUSE_CITY_MAX 64

struct stock_warehouse {
    int64_t id;
    char code[STOCK_WAREHOUSE_CODE_MAX + 1]; /* letters, digits, '-', '_', '.' */
    char name[STOCK_WAREHOUSE_NAME_MAX + 1]; /* required */
    char street[STOCK_WAREHOUSE_STREET_MAX + 1];
    char postal_code[STOCK_WAREHOUSE_POSTAL_MAX + 1];
    char city[STOCK_WAREHOUSE_CITY_MAX + 1];
    char country[3]; /* ISO 3166-1 alpha-2, upper case; "" means PL */
    int active;      /* 1 or 0 */
};

/*
 * Checks a warehouse code: 1..32 characters of A-Z a-z 0-9 - _ . and
 * nothing else. KT_EINVAL says what is wrong.
 */
int stock_warehouse_check_code(const char *code, struct kt_err *err);

/*
 * Creates the warehouse described by w (id ignored) and returns its id in
 * *id (may be NULL). KT_EINVAL for a bad code, empty name, too long field or
 * bad country; KT_EEXIST when the code is taken.
 */
int stock_warehouse_create(struct store *st, const struct stock_warehouse *w, int64_t *id,
                           struct kt_err *err);

/* The warehouse with this code (exact match); KT_ENOTFOUND names the code. */
int stock_warehouse_get(struct store *st, const char *code, struct stock_warehouse *out,
                        struct kt_err *err);

/* The warehouse with this id; KT_ENOTFOUND when there is none. */
int stock_warehouse_get_id(struct store *st, int64_t id, struct stock_warehouse *out,
                           struct kt_err *err);

/*
 * Every warehouse ordered by code (only the active ones unless
 * include_inactive). *out is a malloc'd array the caller free()s (NULL when
 * *n is 0).
 */
int stock_warehouse_list(struct store *st, int include_inactive, struct stock_warehouse **out,
                         size_t *n, struct kt_err *err);

#endif
