/*
 * Totals the Polish way (src/orders/totals.h), against values computed by
 * hand in the comments: line values rounded once, VAT per rate (not per
 * line), gross-basis orders, discounts, zero rates, EUR and USD, and a
 * 1 000-line order. No database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "orders/totals.h"

/* Prices in 1/10000, quantities in thousandths, amounts in grosze/cents. */
#define PRICE(units, frac4) ((int64_t)(units)*10000 + (frac4))
#define QTY(whole) ((int64_t)(whole)*1000)

static struct orders_totals compute(const struct orders_totals_line *lines, size_t n,
                                    const char *currency, enum price_basis basis)
{
    struct orders_totals t;
    struct kt_err err;
    if (orders_totals_compute(lines, n, currency, basis, &t, &err) != 0)
        fail_msg("orders_totals_compute: %s", err.msg);
    return t;
}

static void assert_rate(const struct orders_totals *t, const char *vat, int64_t net,
                        int64_t vat_amount, int64_t gross)
{
    const struct orders_totals_rate *r = orders_totals_rate_of(t, vat);
    if (!r)
        fail_msg("no row for VAT %s", vat);
    assert_int_equal(r->net, net);
    assert_int_equal(r->vat_amount, vat_amount);
    assert_int_equal(r->gross, gross);
}

static int64_t value(int64_t price, int64_t qty, int64_t discount, const char *currency)
{
    int64_t v = 0;
    struct kt_err err;
    if (orders_line_value(price, qty, discount, currency, &v, &err) != 0)
        fail_msg("orders_line_value: %s", err.msg);
    return v;
}

static void test_line_value_rounds_once(void **state)
{
    (void)state;
    /* 0,0125 x 3 = 0,0375 -> 0,04 */
    assert_int_equal(value(PRICE(0, 125), QTY(3), 0, "PLN"), 4);
    /* 0,0125 x 2 = 0,025 -> 0,03 (half away from zero) */
    assert_int_equal(value(PRICE(0, 125), QTY(2), 0, "PLN"), 3);
    /* 0,0124 x 2 = 0,0248 -> 0,02 */
    assert_int_equal(value(PRICE(0, 124), QTY(2), 0, "PLN"), 2);
    /* 12,50 x 2,5 kg = 31,25 */
    assert_int_equal(value(PRICE(12, 5000), 2500, 0, "PLN"), 3125);
    /* 1,2345 x 2,5 - 3 % = 2,9936625 -> 2,99; rounding the undiscounted
     * value first (3,09 x 0,97 = 2,9973) would give 3,00. */
    assert_int_equal(value(PRICE(1, 2345), 2500, 300, "PLN"), 299);
}

static void test_line_value_discounts(void **state)
{
    (void)state;
    /* 10,00 x 3 - 5 % = 28,50 */
    assert_int_equal(value(PRICE(10, 0), QTY(3), 500, "PLN"), 2850);
    /* 19,99 x 7 - 12,5 % = 122,43875 -> 122,44 */
    assert_int_equal(value(PRICE(19, 9900), QTY(7), 1250, "PLN"), 12244);
    /* 100 % discount: 0 */
    assert_int_equal(value(PRICE(10, 0), QTY(3), 10000, "PLN"), 0);
    struct kt_err err;
    int64_t v = 77;
    assert_int_equal(orders_line_value(PRICE(1, 0), QTY(1), 10001, "PLN", &v, &err), KT_EINVAL);
    assert_int_equal(orders_line_value(PRICE(1, 0), QTY(1), -1, "PLN", &v, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "discount"));
    assert_int_equal(orders_line_value(PRICE(1, 0), QTY(1), 0, "XYZ", &v, &err), KT_EINVAL);
    assert_int_equal(v, 77);
}

static void test_line_value_overflow(void **state)
{
    (void)state;
    struct kt_err err;
    int64_t v = 5;
    assert_int_equal(orders_line_value(INT64_MAX, INT64_MAX, 0, "PLN", &v, &err), KT_EOVERFLOW);
    assert_int_equal(v, 5);
}

static void test_mixed_rates_net(void **state)
{
    (void)state;
    const struct orders_totals_line lines[] = {
        {.price = PRICE(100, 0), .qty = QTY(1), .vat = "23"}, /* 100,00 */
        {.price = PRICE(50, 0), .qty = QTY(2), .vat = "8"},   /* 100,00 */
        {.price = PRICE(10, 0), .qty = QTY(3), .vat = "5"},   /* 30,00 */
        {.price = PRICE(20, 0), .qty = QTY(1), .vat = "0"},   /* 20,00 */
        {.price = PRICE(15, 0), .qty = QTY(1), .vat = "zw"},  /* 15,00 */
        {.price = PRICE(5, 0), .qty = QTY(1), .vat = "23"},   /* 5,00 */
    };
    struct orders_totals t = compute(lines, 6, "PLN", PRICE_BASIS_NET);
    assert_string_equal(t.currency, "PLN");
    assert_int_equal(t.nrates, 5);
    /* display order of the VAT table */
    assert_string_equal(t.rates[0].vat, "23");
    assert_string_equal(t.rates[1].vat, "8");
    assert_string_equal(t.rates[2].vat, "5");
    assert_string_equal(t.rates[3].vat, "0");
    assert_string_equal(t.rates[4].vat, "zw");
    assert_int_equal(t.rates[0].lines, 2);
    assert_rate(&t, "23", 10500, 2415, 12915); /* 105,00 x 23 % = 24,15 */
    assert_rate(&t, "8", 10000, 800, 10800);
    assert_rate(&t, "5", 3000, 150, 3150);
    assert_rate(&t, "0", 2000, 0, 2000);
    assert_rate(&t, "zw", 1500, 0, 1500);
    assert_int_equal(t.net, 27000);
    assert_int_equal(t.vat, 3365);
    assert_int_equal(t.gross, 30365);
}

static void test_vat_per_rate_not_per_line(void **state)
{
    (void)state;
    /* Three lines of 0,33 at 23 %: net 0,99; VAT 0,99 x 23 % = 0,2277 ->
     * 0,23. Per line it would be 3 x 0,0759 -> 3 x 0,08 = 0,24. */
    const struct orders_totals_line three[] = {
        {.price = PRICE(0, 3300), .qty = QTY(1), .vat = "23"},
        {.price = PRICE(0, 3300), .qty = QTY(1), .vat = "23"},
        {.price = PRICE(0, 3300), .qty = QTY(1), .vat = "23"},
    };
    struct orders_totals t = compute(three, 3, "PLN", PRICE_BASIS_NET);
    assert_rate(&t, "23", 99, 23, 122);

    /* Ten lines of 0,015 at 23 %: each line 0,015 -> 0,02 (rounded once
     * per line); net 0,20; VAT 0,046 -> 0,05. Per-line VAT would be
     * 10 x 0,0046 -> 0,00. */
    struct orders_totals_line ten[10];
    for (int i = 0; i < 10; i++)
        ten[i] = (struct orders_totals_line){.price = PRICE(0, 150), .qty = QTY(1), .vat = "23"};
    t = compute(ten, 10, "PLN", PRICE_BASIS_NET);
    assert_rate(&t, "23", 20, 5, 25);

    /* 8 % and 5 % in the same order: 7 x 0,07 at 8 % = 0,49, VAT 0,0392 ->
     * 0,04 (per line 7 x 0,0056 -> 7 x 0,01 = 0,07); 7 x 0,07 at 5 % =
     * 0,49, VAT 0,0245 -> 0,02 (per line 7 x 0,0035 -> 0,00). */
    struct orders_totals_line mixed[14];
    for (int i = 0; i < 14; i++)
        mixed[i] = (struct orders_totals_line){
            .price = PRICE(0, 700), .qty = QTY(1), .vat = i % 2 ? "5" : "8"};
    t = compute(mixed, 14, "PLN", PRICE_BASIS_NET);
    assert_rate(&t, "8", 49, 4, 53);
    assert_rate(&t, "5", 49, 2, 51);
    assert_int_equal(t.vat, 6);
    assert_int_equal(t.gross, 104);
}

static void test_discounts_in_totals(void **state)
{
    (void)state;
    const struct orders_totals_line lines[] = {
        {.price = PRICE(10, 0), .qty = QTY(3), .discount = 500, .vat = "23"},     /* 28,50 */
        {.price = PRICE(19, 9900), .qty = QTY(7), .discount = 1250, .vat = "23"}, /* 122,44 */
        {.price = PRICE(1, 2345), .qty = 2500, .discount = 300, .vat = "8"},      /* 2,99 */
    };
    struct orders_totals t = compute(lines, 3, "PLN", PRICE_BASIS_NET);
    /* 23 %: 150,94 net, VAT 34,7162 -> 34,72, gross 185,66 */
    assert_rate(&t, "23", 15094, 3472, 18566);
    /* 8 %: 2,99 net, VAT 0,2392 -> 0,24, gross 3,23 */
    assert_rate(&t, "8", 299, 24, 323);
    assert_int_equal(t.net, 15393);
    assert_int_equal(t.vat, 3496);
    assert_int_equal(t.gross, 18889);
}

static void test_gross_basis_shop_order(void **state)
{
    (void)state;
    const struct orders_totals_line lines[] = {
        {.price = PRICE(123, 0), .qty = QTY(1), .vat = "23"},  /* 123,00 gross */
        {.price = PRICE(9, 9900), .qty = QTY(3), .vat = "23"}, /* 29,97 gross */
        {.price = PRICE(10, 8000), .qty = QTY(1), .vat = "8"}, /* 10,80 gross */
        {.price = PRICE(7, 0), .qty = QTY(1), .vat = "zw"},    /* 7,00 */
    };
    struct orders_totals t = compute(lines, 4, "PLN", PRICE_BASIS_GROSS);
    assert_int_equal(t.basis, PRICE_BASIS_GROSS);
    /* 23 %: gross 152,97; VAT 152,97 x 23 / 123 = 28,6041 -> 28,60; net 124,37 */
    assert_rate(&t, "23", 12437, 2860, 15297);
    /* 8 %: gross 10,80; VAT 10,80 x 8 / 108 = 0,80; net 10,00 */
    assert_rate(&t, "8", 1000, 80, 1080);
    assert_rate(&t, "zw", 700, 0, 700);
    assert_int_equal(t.gross, 17077);
    assert_int_equal(t.vat, 2940);
    assert_int_equal(t.net, 14137);
}

static void test_gross_basis_small_lines(void **state)
{
    (void)state;
    /* Five lines of 0,99 gross at 23 %: gross 4,95; VAT 4,95 x 23/123 =
     * 0,9256 -> 0,93; net 4,02. Per line: 0,1851 -> 0,19 x 5 = 0,95. */
    struct orders_totals_line lines[5];
    for (int i = 0; i < 5; i++)
        lines[i] = (struct orders_totals_line){.price = PRICE(0, 9900), .qty = QTY(1), .vat = "23"};
    struct orders_totals t = compute(lines, 5, "PLN", PRICE_BASIS_GROSS);
    assert_rate(&t, "23", 402, 93, 495);
}

static void test_eur_and_usd(void **state)
{
    (void)state;
    /* EUR, domestic VAT: 2,40 x 10 = 24,00 EUR, VAT 5,52, gross 29,52 */
    const struct orders_totals_line eur[] = {
        {.price = PRICE(2, 4000), .qty = QTY(10), .vat = "23"},
        {.price = PRICE(0, 3333), .qty = QTY(3), .vat = "0"}, /* 0,9999 -> 1,00 EUR */
    };
    struct orders_totals t = compute(eur, 2, "EUR", PRICE_BASIS_NET);
    assert_string_equal(t.currency, "EUR");
    assert_rate(&t, "23", 2400, 552, 2952);
    assert_rate(&t, "0", 100, 0, 100);
    assert_int_equal(t.gross, 3052);

    /* USD export: 99,99 x 2 = 199,98 at 0 %; a service not subject to
     * Polish VAT (np) 50,005 x 1 -> 50,01; reverse charge (oo) 10 x 1. */
    const struct orders_totals_line usd[] = {
        {.price = PRICE(99, 9900), .qty = QTY(2), .vat = "0"},
        {.price = PRICE(50, 50), .qty = QTY(1), .vat = "np"},
        {.price = PRICE(10, 0), .qty = QTY(1), .vat = "oo"},
    };
    t = compute(usd, 3, "usd", PRICE_BASIS_NET);
    assert_string_equal(t.currency, "USD");
    assert_rate(&t, "0", 19998, 0, 19998);
    assert_rate(&t, "np", 5001, 0, 5001);
    assert_rate(&t, "oo", 1000, 0, 1000);
    assert_int_equal(t.vat, 0);
    assert_int_equal(t.net, 25999);
    assert_int_equal(t.gross, 25999);
}

static void test_thousand_lines(void **state)
{
    (void)state;
    struct orders_totals_line *lines = calloc(1000, sizeof *lines);
    assert_non_null(lines);
    /* 1 000 lines of 0,005 at 23 %: each line 0,005 -> 0,01, net 10,00
     * (the unrounded sum would be 5,00), VAT 2,30, gross 12,30. */
    for (int i = 0; i < 1000; i++)
        lines[i] = (struct orders_totals_line){.price = PRICE(0, 50), .qty = QTY(1), .vat = "23"};
    struct orders_totals t = compute(lines, 1000, "PLN", PRICE_BASIS_NET);
    assert_int_equal(t.rates[0].lines, 1000);
    assert_rate(&t, "23", 1000, 230, 1230);

    /* Gross basis: 999 lines of 1,23 and one of 0,01 at 23 %: gross
     * 1 228,78; VAT 1 228,78 x 23 / 123 = 229,7719 -> 229,77; net 999,01. */
    for (int i = 0; i < 1000; i++)
        lines[i] = (struct orders_totals_line){
            .price = i == 999 ? PRICE(0, 100) : PRICE(1, 2300), .qty = QTY(1), .vat = "23"};
    t = compute(lines, 1000, "PLN", PRICE_BASIS_GROSS);
    assert_rate(&t, "23", 99901, 22977, 122878);

    /* Alternating 23/8/5/zw, 250 lines each of 4,01 x 1: net per rate
     * 1 002,50; VAT 23 % 230,575 -> 230,58; 8 % 80,20; 5 % 50,125 -> 50,13. */
    static const char *const rates[] = {"23", "8", "5", "zw"};
    for (int i = 0; i < 1000; i++)
        lines[i] =
            (struct orders_totals_line){.price = PRICE(4, 100), .qty = QTY(1), .vat = rates[i % 4]};
    t = compute(lines, 1000, "PLN", PRICE_BASIS_NET);
    assert_rate(&t, "23", 100250, 23058, 123308);
    assert_rate(&t, "8", 100250, 8020, 108270);
    assert_rate(&t, "5", 100250, 5013, 105263);
    assert_rate(&t, "zw", 100250, 0, 100250);
    assert_int_equal(t.net, 401000);
    assert_int_equal(t.vat, 36091);
    assert_int_equal(t.gross, 437091);
    free(lines);
}

static void test_bad_lines_named(void **state)
{
    (void)state;
    const struct orders_totals_line lines[] = {
        {.price = PRICE(1, 0), .qty = QTY(1), .vat = "23"},
        {.price = PRICE(1, 0), .qty = QTY(1), .vat = "7"},
    };
    struct orders_totals t;
    struct kt_err err;
    assert_int_equal(orders_totals_compute(lines, 2, "PLN", PRICE_BASIS_NET, &t, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "line 2"));
    assert_non_null(strstr(err.msg, "\"7\" is not a VAT rate"));
    assert_int_equal(orders_totals_compute(lines, 1, "ABC", PRICE_BASIS_NET, &t, &err), KT_EINVAL);
}

static void test_empty_and_accumulator(void **state)
{
    (void)state;
    struct orders_totals t;
    struct kt_err err;
    assert_int_equal(orders_totals_compute(NULL, 0, "PLN", PRICE_BASIS_NET, &t, &err), 0);
    assert_int_equal(t.nrates, 0);
    assert_int_equal(t.gross, 0);
    /* begin/add/finish, adding rates out of display order */
    assert_int_equal(orders_totals_begin(&t, "PLN", PRICE_BASIS_NET, &err), 0);
    assert_int_equal(orders_totals_add(&t, "zw", 100, &err), 0);
    assert_int_equal(orders_totals_add(&t, "5", 1000, &err), 0);
    assert_int_equal(orders_totals_add(&t, "23", 1000, &err), 0);
    assert_int_equal(orders_totals_add(&t, "5", 1000, &err), 0);
    assert_int_equal(orders_totals_finish(&t, &err), 0);
    assert_int_equal(t.nrates, 3);
    assert_string_equal(t.rates[0].vat, "23");
    assert_string_equal(t.rates[1].vat, "5");
    assert_string_equal(t.rates[2].vat, "zw");
    assert_rate(&t, "5", 2000, 100, 2100);
    assert_null(orders_totals_rate_of(&t, "8"));
    /* finish twice gives the same sums */
    assert_int_equal(orders_totals_finish(&t, &err), 0);
    assert_int_equal(t.gross, 100 + 2100 + 1230);
}

static void test_price_convert(void **state)
{
    (void)state;
    struct kt_err err;
    int64_t p = 0;
    /* 100,00 net at 23 % = 123,00 gross and back */
    assert_int_equal(
        orders_price_convert(PRICE(100, 0), 2300, PRICE_BASIS_NET, PRICE_BASIS_GROSS, &p, &err), 0);
    assert_int_equal(p, PRICE(123, 0));
    assert_int_equal(
        orders_price_convert(PRICE(123, 0), 2300, PRICE_BASIS_GROSS, PRICE_BASIS_NET, &p, &err), 0);
    assert_int_equal(p, PRICE(100, 0));
    /* 9,99 gross at 23 %: VAT 1,86804878 -> 1,8680; net 8,1220 */
    assert_int_equal(
        orders_price_convert(PRICE(9, 9900), 2300, PRICE_BASIS_GROSS, PRICE_BASIS_NET, &p, &err),
        0);
    assert_int_equal(p, PRICE(8, 1220));
    /* zero rate and same basis: unchanged */
    assert_int_equal(
        orders_price_convert(PRICE(9, 9900), 0, PRICE_BASIS_GROSS, PRICE_BASIS_NET, &p, &err), 0);
    assert_int_equal(p, PRICE(9, 9900));
    assert_int_equal(
        orders_price_convert(PRICE(1, 1), 800, PRICE_BASIS_NET, PRICE_BASIS_NET, &p, &err), 0);
    assert_int_equal(p, PRICE(1, 1));
    assert_int_equal(orders_price_convert(1, -1, PRICE_BASIS_NET, PRICE_BASIS_GROSS, &p, &err),
                     KT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_value_rounds_once),
        cmocka_unit_test(test_line_value_discounts),
        cmocka_unit_test(test_line_value_overflow),
        cmocka_unit_test(test_mixed_rates_net),
        cmocka_unit_test(test_vat_per_rate_not_per_line),
        cmocka_unit_test(test_discounts_in_totals),
        cmocka_unit_test(test_gross_basis_shop_order),
        cmocka_unit_test(test_gross_basis_small_lines),
        cmocka_unit_test(test_eur_and_usd),
        cmocka_unit_test(test_thousand_lines),
        cmocka_unit_test(test_bad_lines_named),
        cmocka_unit_test(test_empty_and_accumulator),
        cmocka_unit_test(test_price_convert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
