#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/stock.h"
#include "catalog/warehouse.h"
#include "ordersfix.h"
#include "parties/company.h"
#include "parties/customer.h"
#include "store/migrate.h"
#include "testdb.h"

const struct orders_actor ordersfix_staff = {.kind = ORDERS_ACTOR_STAFF,
                                             .name = "anna",
                                             .rights = ORDERS_RIGHT_EDIT_CONFIRMED |
                                                       ORDERS_RIGHT_SET_PRICE};
const struct orders_actor ordersfix_clerk = {.kind = ORDERS_ACTOR_STAFF, .name = "jan"};
const struct orders_actor ordersfix_system = {.kind = ORDERS_ACTOR_SYSTEM, .name = "job:shop"};

struct orders_actor ordersfix_customer_actor(int64_t customer_id)
{
    struct orders_actor a = {
        .kind = ORDERS_ACTOR_CUSTOMER, .name = "buyer@example.com", .customer_id = customer_id};
    return a;
}

static void check(int rc, const char *what, const struct kt_err *err)
{
    if (rc != 0)
        fail_msg("%s: %s", what, err->msg);
}

static int64_t product(struct store *st, const char *code, const char *unit, const char *vat,
                       int active)
{
    struct catalog_product p;
    struct kt_err err;
    char name[64];
    catalog_product_init(&p);
    snprintf(name, sizeof name, "Towar %s", code);
    p.code = code;
    p.unit = unit;
    p.vat_rate = vat;
    p.text[CATALOG_PL].name = name;
    p.text[CATALOG_EN].name = "Goods";
    check(catalog_product_create(st, &p, &err), code, &err);
    if (!active)
        check(catalog_product_set_active(st, p.id, 0, 0, NULL, &err), code, &err);
    return p.id;
}

static int64_t customer(struct store *st, const char *code, const char *country, const char *postal)
{
    struct parties_customer c;
    struct kt_err err;
    parties_customer_init(&c);
    snprintf(c.code, sizeof c.code, "%s", code);
    snprintf(c.name, sizeof c.name, "Firma %s", code);
    snprintf(c.country, sizeof c.country, "%s", country);
    snprintf(c.street, sizeof c.street, "ul. Długa 1");
    snprintf(c.postal_code, sizeof c.postal_code, "%s", postal);
    snprintf(c.city, sizeof c.city, "Kraków");
    check(parties_customer_create(st, &c, &err), code, &err);
    return c.id;
}

static int64_t warehouse(struct store *st, const char *code)
{
    struct stock_warehouse w = {.active = 1};
    struct kt_err err;
    int64_t id = 0;
    snprintf(w.code, sizeof w.code, "%s", code);
    snprintf(w.name, sizeof w.name, "Magazyn %s", code);
    check(stock_warehouse_create(st, &w, &id, &err), code, &err);
    return id;
}

static int64_t list(struct store *st, const char *code, const char *currency)
{
    struct price_list pl = {.basis = PRICE_BASIS_NET, .is_default = 1, .active = 1};
    struct kt_err err;
    int64_t id = 0;
    snprintf(pl.code, sizeof pl.code, "%s", code);
    snprintf(pl.name, sizeof pl.name, "Cennik %s", code);
    snprintf(pl.currency, sizeof pl.currency, "%s", currency);
    check(price_list_create(st, &pl, &id, &err), code, &err);
    return id;
}

static void price(struct store *st, int64_t list_id, int64_t product_id, int64_t p, int64_t min_qty)
{
    struct price_item it = {
        .price_list_id = list_id, .product_id = product_id, .price = p, .min_qty = min_qty};
    struct kt_err err;
    check(price_item_set(st, &it, &err), "price", &err);
}

int ordersfix_open(struct ordersfix *f)
{
    struct kt_err err;
    int applied = 0;
    memset(f, 0, sizeof *f);
    if (testdb_create(f->url, sizeof f->url) != 0)
        return -1;
    if (store_open(f->url, &f->st, &err) < 0 || store_migrate(f->st, &applied, &err) < 0) {
        fprintf(stderr, "ordersfix: %s: %s\n", f->url, err.msg);
        ordersfix_close(f);
        return -1;
    }
    struct store *st = f->st;
    f->mag1 = warehouse(st, "MAG1");
    f->mag2 = warehouse(st, "MAG2");
    struct parties_company co = {0};
    snprintf(co.name, sizeof co.name, "Kontor Sp. z o.o.");
    snprintf(co.nip, sizeof co.nip, "5261040828");
    snprintf(co.street, sizeof co.street, "ul. Krótka 2");
    snprintf(co.postal_code, sizeof co.postal_code, "00-001");
    snprintf(co.city, sizeof co.city, "Warszawa");
    snprintf(co.default_warehouse, sizeof co.default_warehouse, "MAG1");
    check(parties_company_set(st, &co, &err), "company", &err);
    f->k001 = customer(st, "K001", "PL", "30-001");
    f->k002 = customer(st, "K002", "DE", "10115");
    f->k003 = customer(st, "K003", "PL", "30-002");
    f->p_pcs = product(st, "P-PCS", "pcs", "23", 1);
    f->p_kg = product(st, "P-KG", "kg", "23", 1);
    f->p_8 = product(st, "P-8", "pcs", "8", 1);
    f->p_zw = product(st, "P-ZW", "pcs", "zw", 1);
    f->p_gross = product(st, "P-GROSS", "pcs", "23", 1);
    f->p_noprice = product(st, "P-NOPRICE", "pcs", "23", 1);
    f->p_off = product(st, "P-OFF", "pcs", "23", 0);
    int64_t pln = list(st, "DETAL", "PLN"), eur = list(st, "EXPORT", "EUR");
    price(st, pln, f->p_pcs, 100000, 0);
    price(st, pln, f->p_pcs, 90000, 10000);
    price(st, pln, f->p_kg, 125000, 0);
    price(st, pln, f->p_8, 40000, 0);
    price(st, pln, f->p_zw, 70000, 0);
    price(st, pln, f->p_off, 10000, 0);
    price(st, eur, f->p_pcs, 25000, 0);
    struct price_customer_price cp = {.customer_id = f->k001,
                                      .product_id = f->p_gross,
                                      .price = 123000,
                                      .basis = PRICE_BASIS_GROSS};
    snprintf(cp.currency, sizeof cp.currency, "PLN");
    check(price_customer_set(st, &cp, &err), "customer price", &err);
    struct price_terms t = {.customer_id = f->k003, .discount = 1000};
    check(price_terms_set(st, &t, &err), "terms", &err);
    return 0;
}

void ordersfix_close(struct ordersfix *f)
{
    if (f->st)
        store_close(f->st);
    f->st = NULL;
    testdb_drop(f->url);
}

struct store *ordersfix_connect(const struct ordersfix *f)
{
    struct store *st = NULL;
    struct kt_err err;
    if (store_open(f->url, &st, &err) != 0)
        fail_msg("store_open: %s", err.msg);
    return st;
}

void ordersfix_stock(struct ordersfix *f, int64_t product_id, int64_t warehouse_id, int64_t qty)
{
    struct kt_err err;
    check(stock_set(f->st, product_id, warehouse_id, qty, STOCK_REASON_SET, NULL, NULL, &err),
          "stock_set", &err);
}

void ordersfix_reset(struct ordersfix *f)
{
    ordersfix_exec(f->st, "DELETE FROM order_messages; DELETE FROM order_revisions; "
                          "DELETE FROM order_history; DELETE FROM order_lines; DELETE FROM orders; "
                          "DELETE FROM series_counters; DELETE FROM stock_ledger; "
                          "DELETE FROM stock; DELETE FROM jobs; DELETE FROM events; "
                          "DELETE FROM kv_settings WHERE key = 'orders.allow_backorders'");
}

int64_t ordersfix_int(struct store *st, const char *sql, int64_t arg)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    if (store_prepare(st, sql, &s, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    if (strstr(sql, "?1"))
        assert_int_equal(store_bind_int64(s, 1, arg), 0);
    int rc = store_step(s, &err);
    if (rc < 0)
        fail_msg("%s: %s", sql, err.msg);
    assert_int_equal(rc, STORE_ROW);
    int64_t v = store_col_int64(s, 0);
    store_stmt_done(s);
    return v;
}

void ordersfix_exec(struct store *st, const char *sql)
{
    struct kt_err err;
    if (store_exec(st, sql, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
}

int64_t ordersfix_order(struct ordersfix *f, int64_t customer_id, const char *const *lines,
                        size_t n, int64_t *version)
{
    struct orders_line_input in[16];
    char codes[16][32];
    struct orders_input o;
    struct kt_err err;
    int64_t id = 0;
    assert_true(n <= 16);
    orders_input_init(&o);
    o.customer_id = customer_id;
    for (size_t i = 0; i < n; i++) {
        const char *colon = strchr(lines[i], ':');
        assert_non_null(colon);
        snprintf(codes[i], sizeof codes[i], "%.*s", (int)(colon - lines[i]), lines[i]);
        in[i] = (struct orders_line_input){.product_code = codes[i],
                                           .qty = strtoll(colon + 1, NULL, 10) * 1000};
    }
    o.lines = in;
    o.nlines = n;
    check(orders_create(f->st, &ordersfix_staff, &o, &id, NULL, version, &err), "orders_create",
          &err);
    return id;
}
