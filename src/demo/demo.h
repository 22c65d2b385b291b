/*
 * demo: a believable demo company for trying Kontor and for benchmarks.
 * Owns nothing in the database: everything is created through the
 * catalog, stock, price and parties APIs. Owns the generator: the tables
 * of product families, names in pl/en/de, cities, customers, and the
 * pictures (logo and product images drawn with cairo).
 *
 * What it creates (the defaults):
 *   - the own company "Kontor Demo sp. z o.o." with a valid NIP, REGON,
 *     bank accounts in PLN, EUR and USD and a generated logo;
 *   - product groups (tools, fasteners, electrical, paints, garden, safety)
 *     with pl/en/de names;
 *   - 200 products DEMO-000001 ... in those groups: Polish, English and
 *     German names, EAN-13 with valid check digits (prefix 590), unit,
 *     VAT rate, weight; a generated PNG image for the first
 *     DEMO_IMAGES_DEFAULT products;
 *   - 3 warehouses (MAIN Warszawa, WRO Wrocław, GDA Gdańsk) with stock;
 *   - price lists RETAIL (PLN, gross, default for PLN), WHOLESALE (PLN,
 *     net), EUR (net, default for EUR) and USD (net, default for USD) with
 *     a price of every product that gets stock (see below);
 *   - 20 customers from PL, DE, CZ, FR, GB and US with valid NIP / VAT ids,
 *     billing and delivery addresses, contacts, and individual prices and
 *     price terms for some of them.
 *
 * Deterministic: the same seed and sizes give the same data, so tests can
 * assert counts and values.
 *
 * Idempotent: it creates what is missing and leaves what exists alone
 * (matched by code). Products are created in code order in transactions of
 * DEMO_BATCH products, so a run that stopped half-way is continued by the
 * next one.
 *
 * Scaling up (--products N): prices and stock are given to the first
 * DEMO_PRICED products only, and images to the first `images` products;
 * the rest are bare product records, loaded in big transactions with
 * catalog_product_insert_in_tx — that is the bulk-load rate the benchmark
 * measures.
 */
#ifndef KT_DEMO_H
#define KT_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define DEMO_PRODUCTS_DEFAULT 200
#define DEMO_CUSTOMERS_DEFAULT 20
#define DEMO_IMAGES_DEFAULT 300
#define DEMO_PRICED 1000
#define DEMO_BATCH 20000

struct demo_options {
    long products;        /* 0 = DEMO_PRODUCTS_DEFAULT */
    long customers;       /* 0 = DEMO_CUSTOMERS_DEFAULT */
    long images;          /* products with an image; -1 = DEMO_IMAGES_DEFAULT, 0 = none */
    const char *data_dir; /* blob store for the logo and images; NULL = no pictures */
    uint64_t seed;        /* 0 = 1 */
    /* called after each product batch: products done of total */
    void (*progress)(void *ctx, long done, long total);
    void *progress_ctx;
};

struct demo_summary {
    long groups; /* created now */
    long warehouses;
    long price_lists;
    long products;       /* created now */
    long products_total; /* demo products in the database afterwards */
    long images;
    long prices;
    long stock_rows;
    long customers;
    int company;            /* 1 when the company was set up now */
    double product_seconds; /* time spent loading product records */
};

/*
 * Creates what is missing of the demo company. KT_EINVAL for bad options;
 * a database error stops it (what was committed before stays; run it again
 * to continue).
 */
int demo_create(struct store *st, const struct demo_options *opt, struct demo_summary *sum,
                struct kt_err *err);

/* The code of demo product number i (1-based): "DEMO-000001". */
void demo_product_code(long i, char *out, size_t n);

#endif
