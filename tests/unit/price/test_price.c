/*
 * Prices: price lists and items, customer prices and terms, and the one
 * resolver's precedence (customer price > customer's list with discount >
 * default list of the currency), validity dates, quantity tiers, discount
 * rounding, currencies and the "no price" sentence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/date.h"
#include "base/err.h"
#include "catalog/price.h"
#include "stockfix.h"

static struct stockfix fx;
static int64_t p1, p2, k1, k2;

static int setup(void **state)
{
    (void)state;
    if (stockfix_open(&fx) != 0)
        return -1;
    p1 = stockfix_product(fx.st, "P-001");
    p2 = stockfix_product(fx.st, "P-002");
    k1 = stockfix_customer(fx.st, "K001");
    k2 = stockfix_customer(fx.st, "K002");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stockfix_close(&fx);
    return 0;
}

static int reset(void **state)
{
    (void)state;
    stockfix_exec(fx.st, "DELETE FROM customer_price_terms; DELETE FROM customer_prices; "
                         "DELETE FROM price_list_items; DELETE FROM price_lists; "
                         "DELETE FROM jobs; DELETE FROM events");
    return 0;
}

static kt_date day(const char *iso)
{
    kt_date d;
    struct kt_err err;
    if (kt_date_parse(iso, &d, &err) != 0)
        fail_msg("%s: %s", iso, err.msg);
    return d;
}

static int64_t new_list(const char *code, const char *currency, enum price_basis basis,
                        int is_default)
{
    struct price_list pl = {.basis = basis, .is_default = is_default, .active = 1};
    struct kt_err err;
    int64_t id = 0;
    snprintf(pl.code, sizeof pl.code, "%s", code);
    snprintf(pl.name, sizeof pl.name, "List %s", code);
    snprintf(pl.currency, sizeof pl.currency, "%s", currency);
    if (price_list_create(fx.st, &pl, &id, &err) != 0)
        fail_msg("list %s: %s", code, err.msg);
    return id;
}

static void set_item(int64_t list, int64_t product, int64_t price, int64_t min_qty,
                     const char *from, const char *to)
{
    struct price_item it = {
        .price_list_id = list, .product_id = product, .price = price, .min_qty = min_qty};
    struct kt_err err;
    snprintf(it.valid_from, sizeof it.valid_from, "%s", from);
    snprintf(it.valid_to, sizeof it.valid_to, "%s", to);
    if (price_item_set(fx.st, &it, &err) != 0)
        fail_msg("item: %s", err.msg);
    assert_true(it.id > 0);
}

static void set_customer_price(int64_t customer, int64_t product, int64_t price,
                               const char *currency, const char *from, const char *to)
{
    struct price_customer_price cp = {
        .customer_id = customer, .product_id = product, .price = price, .basis = PRICE_BASIS_NET};
    struct kt_err err;
    snprintf(cp.currency, sizeof cp.currency, "%s", currency);
    snprintf(cp.valid_from, sizeof cp.valid_from, "%s", from);
    snprintf(cp.valid_to, sizeof cp.valid_to, "%s", to);
    if (price_customer_set(fx.st, &cp, &err) != 0)
        fail_msg("customer price: %s", err.msg);
}

static void set_terms(int64_t customer, int64_t list, int64_t discount)
{
    struct price_terms t = {.customer_id = customer, .price_list_id = list, .discount = discount};
    struct kt_err err;
    if (price_terms_set(fx.st, &t, &err) != 0)
        fail_msg("terms: %s", err.msg);
}

/* Resolves and fails the test on error. */
static struct price_quote quote(int64_t customer, int64_t product, int64_t qty,
                                const char *currency, const char *date)
{
    struct price_quote q;
    struct kt_err err;
    if (price_resolve(fx.st, customer, product, qty, currency, day(date), &q, &err) != 0)
        fail_msg("resolve: %s", err.msg);
    return q;
}

/* ---- lists ---- */

static void test_list_create_get_all(void **state)
{
    (void)state;
    struct kt_err err;
    int64_t id = new_list("RETAIL", "pln", PRICE_BASIS_GROSS, 1);
    struct price_list pl;
    assert_int_equal(price_list_get(fx.st, "RETAIL", &pl, &err), 0);
    assert_int_equal(pl.id, id);
    assert_string_equal(pl.currency, "PLN");
    assert_int_equal(pl.basis, PRICE_BASIS_GROSS);
    assert_int_equal(pl.is_default, 1);
    assert_int_equal(pl.active, 1);
    new_list("EXPORT", "EUR", PRICE_BASIS_NET, 0);
    struct price_list *all = NULL;
    size_t n = 0;
    assert_int_equal(price_list_all(fx.st, &all, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(all[0].code, "EXPORT");
    assert_string_equal(all[1].code, "RETAIL");
    free(all);
    assert_int_equal(price_list_get(fx.st, "NOPE", &pl, &err), KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no price list NOPE"));
}

static void test_list_refusals(void **state)
{
    (void)state;
    struct kt_err err;
    new_list("RETAIL", "PLN", PRICE_BASIS_NET, 0);
    struct price_list pl = {.basis = PRICE_BASIS_NET, .active = 1};
    snprintf(pl.code, sizeof pl.code, "RETAIL");
    snprintf(pl.name, sizeof pl.name, "again");
    snprintf(pl.currency, sizeof pl.currency, "PLN");
    assert_int_equal(price_list_create(fx.st, &pl, NULL, &err), KT_EEXIST);
    snprintf(pl.code, sizeof pl.code, "OTHER");
    snprintf(pl.currency, sizeof pl.currency, "XYZ");
    assert_int_equal(price_list_create(fx.st, &pl, NULL, &err), KT_EINVAL);
    snprintf(pl.currency, sizeof pl.currency, "EUR");
    pl.name[0] = '\0';
    assert_int_equal(price_list_create(fx.st, &pl, NULL, &err), KT_EINVAL);
    snprintf(pl.name, sizeof pl.name, "x");
    snprintf(pl.code, sizeof pl.code, "A B");
    assert_int_equal(price_list_create(fx.st, &pl, NULL, &err), KT_EINVAL);
    enum price_basis b;
    assert_int_equal(price_basis_parse("Gross", &b, &err), 0);
    assert_int_equal(b, PRICE_BASIS_GROSS);
    assert_int_equal(price_basis_parse("brutto", &b, &err), KT_EINVAL);
}

static void test_one_default_per_currency(void **state)
{
    (void)state;
    struct kt_err err;
    int64_t a = new_list("A", "PLN", PRICE_BASIS_NET, 1);
    int64_t b = new_list("B", "PLN", PRICE_BASIS_NET, 1); /* takes it over */
    int64_t e = new_list("E", "EUR", PRICE_BASIS_NET, 1);
    struct price_list pl;
    assert_int_equal(price_list_get_id(fx.st, a, &pl, &err), 0);
    assert_int_equal(pl.is_default, 0);
    assert_int_equal(price_list_get_id(fx.st, b, &pl, &err), 0);
    assert_int_equal(pl.is_default, 1);
    assert_int_equal(price_list_set_default(fx.st, a, &err), 0);
    assert_int_equal(price_list_get_id(fx.st, a, &pl, &err), 0);
    assert_int_equal(pl.is_default, 1);
    assert_int_equal(price_list_get_id(fx.st, b, &pl, &err), 0);
    assert_int_equal(pl.is_default, 0);
    assert_int_equal(price_list_get_id(fx.st, e, &pl, &err), 0);
    assert_int_equal(pl.is_default, 1);
    set_item(a, p1, 100000, 0, "", "");
    set_item(b, p1, 200000, 0, "", "");
    assert_int_equal(quote(0, p1, 1000, "PLN", "2026-11-28").price, 100000);
}

/* ---- items ---- */

static void test_item_set_replaces_same_key_and_emits(void **state)
{
    (void)state;
    struct kt_err err;
    int64_t l = new_list("RETAIL", "PLN", PRICE_BASIS_NET, 1);
    set_item(l, p1, 125000, 0, "", "");
    set_item(l, p1, 130000, 0, "", ""); /* same key: replaced */
    set_item(l, p1, 110000, 10000, "", "");
    set_item(l, p2, 5000, 0, "2026-01-01", "2026-12-31");
    struct price_item *items = NULL;
    size_t n = 0;
    assert_int_equal(price_items(fx.st, l, 0, &items, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(items[0].product_id, p1);
    assert_int_equal(items[0].price, 130000);
    assert_int_equal(items[1].min_qty, 10000);
    assert_string_equal(items[2].valid_from, "2026-01-01");
    assert_string_equal(items[2].valid_to, "2026-12-31");
    free(items);
    assert_int_equal(price_items(fx.st, l, p2, &items, &n, &err), 0);
    assert_int_equal(n, 1);
    free(items);
    assert_int_equal(
        stockfix_int(fx.st, "SELECT COUNT(*) FROM events WHERE type = 'price.changed'", 0), 4);
}

static void test_item_refusals(void **state)
{
    (void)state;
    struct kt_err err;
    int64_t l = new_list("RETAIL", "PLN", PRICE_BASIS_NET, 1);
    struct price_item it = {.price_list_id = l, .product_id = p1, .price = -1};
    assert_int_equal(price_item_set(fx.st, &it, &err), KT_EINVAL);
    it.price = 100;
    it.min_qty = -1;
    assert_int_equal(price_item_set(fx.st, &it, &err), KT_EINVAL);
    it.min_qty = 0;
    snprintf(it.valid_from, sizeof it.valid_from, "2026-13-01");
    assert_int_equal(price_item_set(fx.st, &it, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "2026-13-01"));
    snprintf(it.valid_from, sizeof it.valid_from, "2026-05-01");
    snprintf(it.valid_to, sizeof it.valid_to, "2026-04-30");
    assert_int_equal(price_item_set(fx.st, &it, &err), KT_EINVAL);
    it.valid_to[0] = '\0';
    it.product_id = 999999;
    assert_int_equal(price_item_set(fx.st, &it, &err), KT_ENOTFOUND);
    it.product_id = p1;
    it.price_list_id = 999999;
    assert_int_equal(price_item_set(fx.st, &it, &err), KT_ENOTFOUND);
    assert_int_equal(stockfix_int(fx.st, "SELECT COUNT(*) FROM price_list_items", 0), 0);
}

/* ---- resolution ---- */

static void test_default_list_without_customer(void **state)
{
    (void)state;
    int64_t l = new_list("RETAIL", "PLN", PRICE_BASIS_GROSS, 1);
    set_item(l, p1, 125000, 0, "", "");
    struct price_quote q = quote(0, p1, 1000, "PLN", "2026-11-28");
    assert_int_equal(q.price, 125000);
    assert_int_equal(q.basis, PRICE_BASIS_GROSS);
    assert_int_equal(q.source, PRICE_SOURCE_DEFAULT_LIST);
    assert_int_equal(q.price_list_id, l);
    assert_string_equal(q.price_list_code, "RETAIL");
    assert_string_equal(q.currency, "PLN");
    assert_string_equal(q.source_text, "price list RETAIL");
    /* a customer without terms gets the same */
    q = quote(k1, p1, 1000, "pln", "2026-11-28");
    assert_int_equal(q.price, 125000);
    assert_int_equal(q.discount, 0);
}

static void test_quantity_tiers(void **state)
{
    (void)state;
    int64_t l = new_list("WHOLESALE", "PLN", PRICE_BASIS_NET, 1);
    set_item(l, p1, 100000, 0, "", "");
    set_item(l, p1, 90000, 10000, "", "");
    set_item(l, p1, 80000, 100000, "", "");
    assert_int_equal(quote(0, p1, 0, "PLN", "2026-11-28").price, 100000);
    assert_int_equal(quote(0, p1, 9999, "PLN", "2026-11-28").price, 100000);
    struct price_quote q = quote(0, p1, 10000, "PLN", "2026-11-28");
    assert_int_equal(q.price, 90000);
    assert_int_equal(q.min_qty, 10000);
    assert_int_equal(quote(0, p1, 99999, "PLN", "2026-11-28").price, 90000);
    assert_int_equal(quote(0, p1, 500000, "PLN", "2026-11-28").price, 80000);
}

static void test_tiers_only_above_a_quantity(void **state)
{
    (void)state;
    struct price_quote q;
    struct kt_err err;
    int64_t l = new_list("BULK", "PLN", PRICE_BASIS_NET, 1);
    set_item(l, p1, 70000, 50000, "", "");
    assert_int_equal(price_resolve(fx.st, 0, p1, 49000, "PLN", day("2026-11-28"), &q, &err),
                     KT_ENOTFOUND);
    assert_int_equal(quote(0, p1, 50000, "PLN", "2026-11-28").price, 70000);
}

static void test_validity_dates(void **state)
{
    (void)state;
    int64_t l = new_list("RETAIL", "PLN", PRICE_BASIS_NET, 1);
    set_item(l, p1, 120000, 0, "", "2026-06-30");
    set_item(l, p1, 130000, 0, "2026-07-01", "");
    set_item(l, p1, 99000, 0, "2026-11-27", "2026-11-29"); /* a promotion within */
    assert_int_equal(quote(0, p1, 1000, "PLN", "2020-01-01").price, 120000);
    assert_int_equal(quote(0, p1, 1000, "PLN", "2026-06-30").price, 120000);
    assert_int_equal(quote(0, p1, 1000, "PLN", "2026-07-01").price, 130000);
    struct price_quote q = quote(0, p1, 1000, "PLN", "2026-11-28");
    assert_int_equal(q.price, 99000); /* the latest start wins where they overlap */
    assert_string_equal(q.valid_from, "2026-11-27");
    assert_string_equal(q.valid_to, "2026-11-29");
    assert_int_equal(quote(0, p1, 1000, "PLN", "2026-11-29").price, 99000);
    assert_int_equal(quote(0, p1, 1000, "PLN", "2026-11-30").price, 130000);
}

static void test_customer_price_beats_lists(void **state)
{
    (void)state;
    int64_t retail = new_list("RETAIL", "PLN", PRICE_BASIS_GROSS, 1);
    int64_t whs = new_list("WHOLESALE", "PLN", PRICE_BASIS_NET, 0);
    set_item(retail, p1, 150000, 0, "", "");
    set_item(whs, p1, 125000, 0, "", "");
    set_terms(k1, whs, 500);
    set_customer_price(k1, p1, 99900, "PLN", "", "");
    struct price_quote q = quote(k1, p1, 1000, "PLN", "2026-11-28");
    assert_int_equal(q.price, 99900);
    assert_int_equal(q.source, PRICE_SOURCE_CUSTOMER);
    assert_int_equal(q.discount, 0); /* no discount on an agreed price */
    assert_int_equal(q.basis, PRICE_BASIS_NET);
    assert_int_equal(q.price_list_id, 0);
    assert_string_equal(q.source_text, "customer price");
    /* another customer still gets the default list */
    q = quote(k2, p1, 1000, "PLN", "2026-11-28");
    assert_int_equal(q.price, 150000);
    assert_int_equal(q.source, PRICE_SOURCE_DEFAULT_LIST);
}

static void test_expired_customer_price_falls_back_to_list(void **state)
{
    (void)state;
    int64_t whs = new_list("WHOLESALE", "PLN", PRICE_BASIS_NET, 0);
    set_item(whs, p1, 125000, 0, "", "");
    set_terms(k1, whs, 500);
    set_customer_price(k1, p1, 99900, "PLN", "2026-01-01", "2026-10-31");
    assert_int_equal(quote(k1, p1, 1000, "PLN", "2026-10-31").price, 99900);
    struct price_quote q = quote(k1, p1, 1000, "PLN", "2026-11-01");
    assert_int_equal(q.source, PRICE_SOURCE_CUSTOMER_LIST);
    assert_int_equal(q.list_price, 125000);
    assert_int_equal(q.discount, 500);
    assert_int_equal(q.price, 118750); /* 12,50 - 5 % = 11,875 */
    assert_string_equal(q.source_text, "price list WHOLESALE \xe2\x88\x92 discount 5%");
    /* not yet valid either */
    assert_int_equal(quote(k1, p1, 1000, "PLN", "2025-12-31").source, PRICE_SOURCE_CUSTOMER_LIST);
}

static void test_discount_rounds_half_away_from_zero(void **state)
{
    (void)state;
    int64_t whs = new_list("SCREWS", "PLN", PRICE_BASIS_NET, 0);
    set_item(whs, p1, 125, 0, "", ""); /* 0,0125 zł */
    set_item(whs, p2, 333, 0, "", ""); /* 0,0333 zł */
    set_terms(k1, whs, 500);           /* 0,011875 -> 0,0119 */
    assert_int_equal(quote(k1, p1, 1000, "PLN", "2026-11-28").price, 119);
    set_terms(k1, whs, 250); /* 0,0333 * 0,975 = 0,0324675 -> 0,0325 */
    struct price_quote q = quote(k1, p2, 1000, "PLN", "2026-11-28");
    assert_int_equal(q.price, 325);
    assert_string_equal(q.source_text, "price list SCREWS \xe2\x88\x92 discount 2.5%");
    set_terms(k1, whs, 10000);
    assert_int_equal(quote(k1, p2, 1000, "PLN", "2026-11-28").price, 0);
}

static void test_currency_mismatch(void **state)
{
    (void)state;
    int64_t whs = new_list("WHOLESALE", "PLN", PRICE_BASIS_NET, 0);
    int64_t eur = new_list("EUR", "EUR", PRICE_BASIS_NET, 1);
    set_item(whs, p1, 125000, 0, "", "");
    set_item(eur, p1, 30000, 0, "", "");
    set_terms(k1, whs, 1000);
    set_customer_price(k1, p1, 99900, "PLN", "", "");
    /* asked in EUR: the PLN customer price and PLN list do not apply */
    struct price_quote q = quote(k1, p1, 1000, "EUR", "2026-11-28");
    assert_int_equal(q.source, PRICE_SOURCE_DEFAULT_LIST);
    assert_int_equal(q.price_list_id, eur);
    assert_int_equal(q.price, 27000); /* the customer's 10 % still applies */
    assert_string_equal(q.currency, "EUR");
    /* a customer price in EUR wins in EUR */
    set_customer_price(k1, p1, 25000, "EUR", "", "");
    assert_int_equal(quote(k1, p1, 1000, "EUR", "2026-11-28").price, 25000);
    assert_int_equal(quote(k1, p1, 1000, "PLN", "2026-11-28").price, 99900);
}

static void test_customer_list_without_the_product_or_inactive(void **state)
{
    (void)state;
    int64_t retail = new_list("RETAIL", "PLN", PRICE_BASIS_NET, 1);
    int64_t special = new_list("SPECIAL", "PLN", PRICE_BASIS_NET, 0);
    set_item(retail, p1, 150000, 0, "", "");
    set_item(retail, p2, 50000, 0, "", "");
    set_item(special, p1, 100000, 0, "", "");
    set_terms(k1, special, 0);
    assert_int_equal(quote(k1, p1, 1000, "PLN", "2026-11-28").price, 100000);
    /* the special list has no P-002: the default list gives it */
    struct price_quote q = quote(k1, p2, 1000, "PLN", "2026-11-28");
    assert_int_equal(q.price, 50000);
    assert_int_equal(q.source, PRICE_SOURCE_DEFAULT_LIST);
    stockfix_exec(fx.st, "UPDATE price_lists SET active = 0 WHERE code = 'SPECIAL'");
    assert_int_equal(quote(k1, p1, 1000, "PLN", "2026-11-28").price, 150000);
}

static void test_no_price_says_what_is_missing(void **state)
{
    (void)state;
    struct price_quote q;
    struct kt_err err;
    int64_t retail = new_list("RETAIL", "PLN", PRICE_BASIS_NET, 1);
    set_item(retail, p1, 150000, 0, "", "");
    assert_int_equal(price_resolve(fx.st, k1, p1, 1000, "EUR", day("2026-11-28"), &q, &err),
                     KT_ENOTFOUND);
    assert_string_equal(err.msg, "no price for P-001 in EUR for customer K001 on 2026-11-28");
    assert_int_equal(price_resolve(fx.st, 0, p2, 1000, "PLN", day("2026-11-28"), &q, &err),
                     KT_ENOTFOUND);
    assert_string_equal(err.msg, "no price for P-002 in PLN on 2026-11-28");
    assert_int_equal(price_resolve(fx.st, 0, p1, 1000, "XYZ", day("2026-11-28"), &q, &err),
                     KT_EINVAL);
    assert_int_equal(price_resolve(fx.st, 0, p1, -1, "PLN", day("2026-11-28"), &q, &err),
                     KT_EINVAL);
    assert_int_equal(price_resolve(fx.st, 999999, p1, 1000, "PLN", day("2026-11-28"), &q, &err),
                     KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no customer with id 999999"));
    assert_int_equal(price_resolve(fx.st, 0, 999999, 1000, "PLN", day("2026-11-28"), &q, &err),
                     KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no product with id 999999"));
}

/* ---- customer prices and terms ---- */

static void test_customer_prices_and_terms_round_trip(void **state)
{
    (void)state;
    struct kt_err err;
    int64_t whs = new_list("WHOLESALE", "PLN", PRICE_BASIS_NET, 0);
    struct price_terms t;
    assert_int_equal(price_terms_get(fx.st, k2, &t, &err), 0);
    assert_int_equal(t.price_list_id, 0);
    assert_int_equal(t.discount, 0);
    set_terms(k2, whs, 750);
    assert_int_equal(price_terms_get(fx.st, k2, &t, &err), 0);
    assert_int_equal(t.price_list_id, whs);
    assert_int_equal(t.discount, 750);
    set_terms(k2, 0, 300);
    assert_int_equal(price_terms_get(fx.st, k2, &t, &err), 0);
    assert_int_equal(t.price_list_id, 0);
    assert_int_equal(t.discount, 300);
    struct price_terms bad = {.customer_id = k2, .discount = 10001};
    assert_int_equal(price_terms_set(fx.st, &bad, &err), KT_EINVAL);
    bad.discount = 0;
    bad.price_list_id = 999999;
    assert_int_equal(price_terms_set(fx.st, &bad, &err), KT_ENOTFOUND);
    bad.customer_id = 999999;
    bad.price_list_id = 0;
    assert_int_equal(price_terms_set(fx.st, &bad, &err), KT_ENOTFOUND);

    set_customer_price(k2, p1, 1000, "PLN", "", "");
    set_customer_price(k2, p1, 1100, "PLN", "", ""); /* replaced */
    set_customer_price(k2, p1, 300, "EUR", "2026-01-01", "");
    struct price_customer_price *cps = NULL;
    size_t n = 0;
    assert_int_equal(price_customer_list(fx.st, k2, 0, &cps, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(cps[0].currency, "EUR");
    assert_string_equal(cps[0].valid_from, "2026-01-01");
    assert_int_equal(cps[1].price, 1100);
    free(cps);
    struct price_customer_price cp = {.customer_id = k2, .product_id = p1, .price = 5};
    snprintf(cp.currency, sizeof cp.currency, "ABC");
    assert_int_equal(price_customer_set(fx.st, &cp, &err), KT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_list_create_get_all, reset),
        cmocka_unit_test_setup(test_list_refusals, reset),
        cmocka_unit_test_setup(test_one_default_per_currency, reset),
        cmocka_unit_test_setup(test_item_set_replaces_same_key_and_emits, reset),
        cmocka_unit_test_setup(test_item_refusals, reset),
        cmocka_unit_test_setup(test_default_list_without_customer, reset),
        cmocka_unit_test_setup(test_quantity_tiers, reset),
        cmocka_unit_test_setup(test_tiers_only_above_a_quantity, reset),
        cmocka_unit_test_setup(test_validity_dates, reset),
        cmocka_unit_test_setup(test_customer_price_beats_lists, reset),
        cmocka_unit_test_setup(test_expired_customer_price_falls_back_to_list, reset),
        cmocka_unit_test_setup(test_discount_rounds_half_away_from_zero, reset),
        cmocka_unit_test_setup(test_currency_mismatch, reset),
        cmocka_unit_test_setup(test_customer_list_without_the_product_or_inactive, reset),
        cmocka_unit_test_setup(test_no_price_says_what_is_missing, reset),
        cmocka_unit_test_setup(test_customer_prices_and_terms_round_trip, reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
