/*
 * price: price lists and their items, customer-specific prices, a
 * customer's price terms, and price_resolve, THE ONLY PLACE A PRICE IS
 * DECIDED (tables price_lists, price_list_items, customer_prices,
 * customer_price_terms; migration 0006_pricing). Orders, the portals, shop
 * exports and documents ask price_resolve; none of them reads these tables
 * to pick a price on its own.
 *
 * Units: prices are unit prices in 1/10000 of the currency unit
 * (kt_price_* in base/money.h), quantities thousandths (base/qty.h),
 * discounts hundredths of a percent (5 % = 500), dates kt_date (stored as
 * "YYYY-MM-DD"; validity bounds are inclusive, "" means open-ended).
 *
 * A product's named prices (retail, wholesale, special ...) are price
 * lists: one list per named price and currency, each net or gross. At most
 * one list per currency is the DEFAULT list: the price for anyone without a
 * price of their own in that currency.
 *
 * price_resolve(customer, product, qty, currency, date) takes the first of:
 *   1. the customer's own price for the product in that currency valid on
 *      the date (the latest valid_from wins when several are valid);
 *      no discount is applied to it;
 *   2. the customer's price list (customer_price_terms), when it is active
 *      and in that currency, minus the customer's discount;
 *   3. the default list of the currency, minus the customer's discount.
 * Within a list, among the items of the product valid on the date, the one
 * with the highest min_qty <= qty wins (quantity tiers), then the latest
 * valid_from. A list without a valid item for the product is skipped. The
 * discounted price is price * (100 % - discount), rounded once, half away
 * from zero, to 1/10000. Without any: KT_ENOTFOUND, "no price for P-001 in
 * EUR for customer K001 on 2026-11-28".
 *
 * Changing functions join the caller's transaction when one is open on st
 * (bulk imports), otherwise they run their own. Setting a list item emits
 * "price.changed" with {"product_id":N,"price_list_id":N} in the same
 * transaction (shops re-export the product's prices).
 */
#ifndef KT_CATALOG_PRICE_H
#define KT_CATALOG_PRICE_H

#include <stddef.h>
#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "store/store.h"

enum price_basis { PRICE_BASIS_NET, PRICE_BASIS_GROSS };

/* "net" / "gross"; NULL outside the enum. */
const char *price_basis_name(enum price_basis b);
/* "net" or "gross" (case-insensitive); KT_EINVAL otherwise. */
int price_basis_parse(const char *text, enum price_basis *b, struct kt_err *err);

#define PRICE_LIST_CODE_MAX 32
#define PRICE_LIST_NAME_MAX 128
#define PRICE_DATE_SIZE 11 /* "YYYY-MM-DD" */

struct price_list {
    int64_t id;
    char code[PRICE_LIST_CODE_MAX + 1]; /* letters, digits, '-', '_', '.' */
    char name[PRICE_LIST_NAME_MAX + 1]; /* required */
    char currency[4];                   /* ISO 4217 from base/money.h's table */
    enum price_basis basis;
    int is_default; /* 1: the default list of its currency */
    int active;     /* 0: ignored by price_resolve */
};

/*
 * Creates a price list (id ignored), *id may be NULL. With is_default set
 * it becomes the default of its currency, taking that from any other list
 * in the same transaction. KT_EINVAL for a bad field, KT_EEXIST for a
 * taken code.
 */
int price_list_create(struct store *st, const struct price_list *pl, int64_t *id,
                      struct kt_err *err);

/* KT_ENOTFOUND names the code / id. */
int price_list_get(struct store *st, const char *code, struct price_list *out, struct kt_err *err);
int price_list_get_id(struct store *st, int64_t id, struct price_list *out, struct kt_err *err);

/* Every list ordered by code; *out is malloc'd (free() it), NULL when *n is 0. */
int price_list_all(struct store *st, struct price_list **out, size_t *n, struct kt_err *err);

/* Makes the list the default of its currency (the previous one stops being it). */
int price_list_set_default(struct store *st, int64_t price_list_id, struct kt_err *err);

/* An item of a price list. */
struct price_item {
    int64_t id; /* output */
    int64_t price_list_id;
    int64_t product_id;
    int64_t price;                    /* 1/10000, >= 0 */
    char valid_from[PRICE_DATE_SIZE]; /* "" = since ever */
    char valid_to[PRICE_DATE_SIZE];   /* "" = for ever; inclusive */
    int64_t min_qty;                  /* thousandths, >= 0; 0 = any quantity */
};

/*
 * Sets the price of a product in a list for quantities from min_qty up,
 * valid from valid_from: an item with the same (list, product, min_qty,
 * valid_from) is replaced (price and valid_to), otherwise one is added.
 * item->id is filled. KT_EINVAL for a negative price or min_qty, a bad date
 * or valid_to before valid_from; KT_ENOTFOUND for an unknown list or
 * product.
 */
int price_item_set(struct store *st, struct price_item *item, struct kt_err *err);

/*
 * Items of a list (product_id 0: of every product), ordered by product,
 * min_qty and valid_from. *out is malloc'd (free() it), NULL when *n is 0.
 */
int price_items(struct store *st, int64_t price_list_id, int64_t product_id,
                struct price_item **out, size_t *n, struct kt_err *err);

/* A price agreed with one customer for one product, in one currency. */
struct price_customer_price {
    int64_t id; /* output */
    int64_t customer_id;
    int64_t product_id;
    int64_t price; /* 1/10000, >= 0 */
    char currency[4];
    enum price_basis basis; /* net unless agreed otherwise */
    char valid_from[PRICE_DATE_SIZE];
    char valid_to[PRICE_DATE_SIZE];
};

/*
 * Sets a customer price: one with the same (customer, product, currency,
 * valid_from) is replaced, otherwise one is added; cp->id is filled.
 */
int price_customer_set(struct store *st, struct price_customer_price *cp, struct kt_err *err);

/* A customer's prices (product_id 0: all), by product, currency, valid_from. */
int price_customer_list(struct store *st, int64_t customer_id, int64_t product_id,
                        struct price_customer_price **out, size_t *n, struct kt_err *err);

/* A customer's price list and discount. */
struct price_terms {
    int64_t customer_id;
    int64_t price_list_id; /* 0: none, the default list of the currency applies */
    int64_t discount;      /* hundredths of a percent, 0..10000 */
};

/* Replaces the customer's terms. KT_ENOTFOUND for an unknown customer or list. */
int price_terms_set(struct store *st, const struct price_terms *t, struct kt_err *err);

/* The customer's terms; no list and no discount when none were set. */
int price_terms_get(struct store *st, int64_t customer_id, struct price_terms *out,
                    struct kt_err *err);

enum price_source {
    PRICE_SOURCE_CUSTOMER,      /* the customer's own price */
    PRICE_SOURCE_CUSTOMER_LIST, /* the customer's price list */
    PRICE_SOURCE_DEFAULT_LIST,  /* the default list of the currency */
};

/* A decided price and where it came from. */
struct price_quote {
    int64_t price; /* unit price after discount, 1/10000 */
    char currency[4];
    enum price_basis basis;
    enum price_source source;
    int64_t price_list_id;                         /* 0 for a customer price */
    char price_list_code[PRICE_LIST_CODE_MAX + 1]; /* "" for a customer price */
    int64_t list_price;                            /* before the discount */
    int64_t discount;                              /* applied, hundredths of a percent */
    int64_t min_qty;                               /* tier used (0 for a customer price) */
    int64_t item_id;                               /* price_list_items.id or customer_prices.id */
    char valid_from[PRICE_DATE_SIZE];
    char valid_to[PRICE_DATE_SIZE];
    /* "customer price", "price list RETAIL", "price list RETAIL − discount 5%" */
    char source_text[PRICE_LIST_CODE_MAX + 64];
};

/*
 * Decides the unit price of qty (thousandths, >= 0) of a product for a
 * customer (0: none) in a currency on a date, by the rules at the top.
 * KT_ENOTFOUND when no rule gives a price or the customer or product does
 * not exist; KT_EINVAL for an unknown currency or a negative qty.
 */
int price_resolve(struct store *st, int64_t customer_id, int64_t product_id, int64_t qty,
                  const char *currency, kt_date date, struct price_quote *out, struct kt_err *err);

#endif
