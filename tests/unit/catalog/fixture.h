/* A fresh migrated database per test for the catalog tests. */
#ifndef CATALOG_FIXTURE_H
#define CATALOG_FIXTURE_H

#include <stdint.h>

#include "base/arena.h"
#include "catalog/product.h"
#include "store/store.h"

struct fixture {
    char url[1024];
    struct store *st;
    struct kt_arena arena;
};

int fixture_setup(void **state);
int fixture_teardown(void **state);
/* The single integer of a query, e.g. a count. */
int64_t fixture_int(struct store *st, const char *sql);
/* A valid product: code, Polish name, EAN may be NULL. */
void fixture_product(struct catalog_product *p, const char *code, const char *name_pl,
                     const char *ean);
/* Creates it and returns its id (fails the test on error). */
int64_t fixture_create(struct store *st, const char *code, const char *name_pl, const char *name_de,
                       const char *ean);

#endif
