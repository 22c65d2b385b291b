/*
 * Set-up shared by the order tests: a fresh, migrated database of the
 * backend in KT_TEST_BACKEND with a company (default warehouse MAG1), two
 * warehouses, customers in PLN and EUR, products with units, VAT rates and
 * prices, and helpers that fail the test on any error.
 */
#ifndef KT_ORDERSFIX_H
#define KT_ORDERSFIX_H

#include <stdint.h>

#include "orders/orders.h"
#include "store/store.h"

struct ordersfix {
    char url[1024];
    struct store *st;
    int64_t mag1, mag2;
    int64_t k001, k002, k003; /* PLN customer, EUR customer (DE), PLN customer with a discount */
    int64_t p_pcs, p_kg, p_8, p_zw, p_gross, p_noprice, p_off; /* products */
};

/* Product codes: P-PCS (23 %, pcs, 10,00 PLN net, 2,50 EUR, tiers: 9,00
 * from 10 pcs), P-KG (23 %, kg, 12,50), P-8 (8 %, 4,00), P-ZW (zw, 7,00),
 * P-GROSS (23 %, 12,30 in the gross list), P-NOPRICE (no price), P-OFF
 * (withdrawn, 1,00). K003 has 10 % discount on the default lists. */
int ordersfix_open(struct ordersfix *f);
void ordersfix_close(struct ordersfix *f);

/* Opens another connection to the same database. */
struct store *ordersfix_connect(const struct ordersfix *f);

/* Sets on_hand of a product in a warehouse (reservations cleared first). */
void ordersfix_stock(struct ordersfix *f, int64_t product, int64_t warehouse, int64_t qty);

/* Deletes every order, event, job and stock row (between tests). */
void ordersfix_reset(struct ordersfix *f);

/* The integer in the first column of the first row of sql with ?1 = arg. */
int64_t ordersfix_int(struct store *st, const char *sql, int64_t arg);
void ordersfix_exec(struct store *st, const char *sql);

extern const struct orders_actor ordersfix_staff;  /* "anna", every right */
extern const struct orders_actor ordersfix_clerk;  /* "jan", no rights */
extern const struct orders_actor ordersfix_system; /* "job:shop" */

/* A customer actor of customer id. */
struct orders_actor ordersfix_customer_actor(int64_t customer_id);

/* Creates an order of customer `customer` with lines "CODE:QTY" (whole
 * units), fails the test on error; *version may be NULL. */
int64_t ordersfix_order(struct ordersfix *f, int64_t customer, const char *const *lines, size_t n,
                        int64_t *version);

#endif
