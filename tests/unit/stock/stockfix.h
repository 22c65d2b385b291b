/*
 * Set-up shared by the stock and price tests: a fresh, migrated database of
 * the backend in KT_TEST_BACKEND, products and customers to hang stock and
 * prices on, and small query helpers that fail the test on any error.
 */
#ifndef KT_STOCKFIX_H
#define KT_STOCKFIX_H

#include <stdint.h>

#include "store/store.h"

struct stockfix {
    char url[1024];
    struct store *st;
};

/* Creates, opens and migrates a database; 0 or -1 (reason printed). */
int stockfix_open(struct stockfix *f);
void stockfix_close(struct stockfix *f);

/* Inserts a product row with this code and returns its id. */
int64_t stockfix_product(struct store *st, const char *code);
/* Inserts a Polish customer with this code and returns its id. */
int64_t stockfix_customer(struct store *st, const char *code);
/* Creates a warehouse with this code and returns its id. */
int64_t stockfix_warehouse(struct store *st, const char *code);

/* The integer in the first column of the first row of sql with ?1 = arg. */
int64_t stockfix_int(struct store *st, const char *sql, int64_t arg);
/* Runs SQL that must succeed. */
void stockfix_exec(struct store *st, const char *sql);

#endif
