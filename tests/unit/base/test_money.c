#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/money.h"

/* ---- helpers that report the caller's line -------------------------- */

#define FORMAT_IS(minor, cur, lang, want) format_is(minor, cur, lang, want, __FILE__, __LINE__)
#define PARSE_IS(text, lang, cur, want) parse_is(text, lang, cur, want, __FILE__, __LINE__)
#define PARSE_FAILS(text, lang, cur, code, part)                                                   \
    parse_fails(text, lang, cur, code, part, __FILE__, __LINE__)

static void format_is(int64_t minor, const char *cur, const char *lang, const char *want,
                      const char *file, int line)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    kt_err_clear(&err);
    _assert_int_equal(kt_money_format(&b, minor, cur, lang, &err), 0, file, line);
    _assert_string_equal(kt_buf_str(&b), want, file, line);
    kt_buf_release(&b);
}

static void parse_is(const char *text, const char *lang, const char *cur, int64_t want,
                     const char *file, int line)
{
    struct kt_err err;
    int64_t v = 0;
    kt_err_clear(&err);
    int rc = kt_money_parse(text, lang, cur, &v, &err);
    if (rc)
        print_error("parse \"%s\": %s\n", text, err.msg);
    _assert_int_equal(rc, 0, file, line);
    _assert_int_equal(v, want, file, line);
}

static void parse_fails(const char *text, const char *lang, const char *cur, int code,
                        const char *part, const char *file, int line)
{
    struct kt_err err;
    int64_t v = 4242;
    kt_err_clear(&err);
    _assert_int_equal(kt_money_parse(text, lang, cur, &v, &err), code, file, line);
    _assert_int_equal(err.code, code, file, line);
    _assert_int_equal(v, 4242, file, line);
    _assert_true(strstr(err.msg, part) != NULL, err.msg, file, line);
}

/* ---- currencies ------------------------------------------------------ */

static void currency_table_knows_exponents(void **state)
{
    struct kt_err err;
    int e = -1;
    assert_int_equal(kt_money_exponent("PLN", &e, &err), 0);
    assert_int_equal(e, 2);
    assert_int_equal(kt_money_exponent("huf", &e, &err), 0);
    assert_int_equal(e, 2);
    assert_int_equal(kt_money_exponent("JPY", &e, &err), 0);
    assert_int_equal(e, 0);
    const struct kt_currency *cur;
    assert_int_equal(kt_money_currency("eur", &cur, &err), 0);
    assert_string_equal(cur->code, "EUR");
    assert_string_equal(cur->symbol, "€");
}

static void unknown_currency_is_named(void **state)
{
    struct kt_err err;
    int e;
    assert_int_equal(kt_money_exponent("XYZ", &e, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "\"XYZ\""));
    assert_int_equal(kt_money_exponent(NULL, &e, &err), KT_EINVAL);
}

/* ---- formatting ------------------------------------------------------ */

static void format_zero(void **state)
{
    FORMAT_IS(0, "PLN", "pl", "0,00 zł");
    FORMAT_IS(0, "EUR", "de", "0,00 €");
    FORMAT_IS(0, "USD", "en", "$0.00");
    FORMAT_IS(0, "JPY", "en", "0 JPY");
}

static void format_polish(void **state)
{
    FORMAT_IS(5, "PLN", "pl", "0,05 zł");
    FORMAT_IS(99999, "PLN", "pl", "999,99 zł");
    FORMAT_IS(100000, "PLN", "pl", "1 000,00 zł");
    FORMAT_IS(123456, "PLN", "pl", "1 234,56 zł");
    FORMAT_IS(123456, "EUR", "pl", "1 234,56 €");
    FORMAT_IS(123456, "CZK", "pl", "1 234,56 CZK");
}

static void format_german(void **state)
{
    FORMAT_IS(123456, "EUR", "de", "1.234,56 €");
    FORMAT_IS(123456, "PLN", "de", "1.234,56 zł");
    FORMAT_IS(123456, "CHF", "de", "1.234,56 CHF");
}

static void format_english(void **state)
{
    FORMAT_IS(123456, "USD", "en", "$1,234.56");
    FORMAT_IS(123456, "EUR", "en", "€1,234.56");
    FORMAT_IS(123456, "GBP", "en", "£1,234.56");
    FORMAT_IS(123456, "PLN", "en", "1,234.56 zł");
    FORMAT_IS(123456, "SEK", "en", "1,234.56 SEK");
}

static void format_negative(void **state)
{
    FORMAT_IS(-123456, "PLN", "pl", "-1 234,56 zł");
    FORMAT_IS(-123456, "EUR", "de", "-1.234,56 €");
    FORMAT_IS(-123456, "USD", "en", "-$1,234.56");
    FORMAT_IS(-1, "PLN", "pl", "-0,01 zł");
    FORMAT_IS(-1, "USD", "en", "-$0.01");
}

static void format_millions(void **state)
{
    FORMAT_IS(123456789, "PLN", "pl", "1 234 567,89 zł");
    FORMAT_IS(123456789, "EUR", "de", "1.234.567,89 €");
    FORMAT_IS(123456789, "USD", "en", "$1,234,567.89");
    FORMAT_IS(-100000000, "PLN", "pl", "-1 000 000,00 zł");
    FORMAT_IS(-100000000, "EUR", "de", "-1.000.000,00 €");
    FORMAT_IS(-100000000, "USD", "en", "-$1,000,000.00");
}

static void format_zero_exponent_currency(void **state)
{
    FORMAT_IS(1234, "JPY", "pl", "1 234 JPY");
    FORMAT_IS(-1234567, "JPY", "de", "-1.234.567 JPY");
}

static void format_int64_limits(void **state)
{
    FORMAT_IS(INT64_MAX, "PLN", "pl", "92 233 720 368 547 758,07 zł");
    FORMAT_IS(INT64_MIN, "PLN", "pl", "-92 233 720 368 547 758,08 zł");
    FORMAT_IS(INT64_MIN, "USD", "en", "-$92,233,720,368,547,758.08");
    FORMAT_IS(INT64_MAX, "JPY", "de", "9.223.372.036.854.775.807 JPY");
}

static void format_number_and_decimal(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_money_format_number(&b, -123456, "PLN", "pl", &err), 0);
    assert_string_equal(kt_buf_str(&b), "-1 234,56");
    kt_buf_reset(&b);
    assert_int_equal(kt_money_format_decimal(&b, -123456789, "EUR", &err), 0);
    assert_string_equal(kt_buf_str(&b), "-1234567.89");
    kt_buf_reset(&b);
    assert_int_equal(kt_money_format_decimal(&b, 7, "PLN", &err), 0);
    assert_string_equal(kt_buf_str(&b), "0.07");
    kt_buf_reset(&b);
    assert_int_equal(kt_money_format_decimal(&b, 1234, "JPY", &err), 0);
    assert_string_equal(kt_buf_str(&b), "1234");
    kt_buf_reset(&b);
    assert_int_equal(kt_money_format_decimal(&b, INT64_MIN, "PLN", &err), 0);
    assert_string_equal(kt_buf_str(&b), "-92233720368547758.08");
    kt_buf_release(&b);
}

static void format_rejects_unknown_language_and_currency(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_money_format(&b, 100, "PLN", "fr", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "\"fr\""));
    assert_int_equal(kt_money_format(&b, 100, "PLN", NULL, &err), KT_EINVAL);
    assert_int_equal(kt_money_format(&b, 100, "ABC", "pl", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "\"ABC\""));
    assert_int_equal(b.len, 0);
    kt_buf_release(&b);
}

static void format_into_full_buffer_leaves_it_unchanged(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 8);
    assert_int_equal(kt_buf_adds(&b, "x"), 0);
    assert_int_equal(kt_money_format(&b, 123456, "PLN", "pl", &err), KT_ELIMIT);
    assert_int_equal(err.code, KT_ELIMIT);
    assert_string_equal(kt_buf_str(&b), "x");
    kt_buf_release(&b);
}

/* ---- parsing --------------------------------------------------------- */

static void parse_polish_inputs(void **state)
{
    PARSE_IS("1234,56", "pl", "PLN", 123456);
    PARSE_IS("1234.56", "pl", "PLN", 123456);
    PARSE_IS("1 234,56", "pl", "PLN", 123456);
    PARSE_IS("1 234,56 zł", "pl", "PLN", 123456);
    PARSE_IS("1234,56zł", "pl", "PLN", 123456);
    PARSE_IS("1 234,56 PLN", "pl", "PLN", 123456);
    PARSE_IS("1 234,56 pln", "pl", "PLN", 123456);
    PARSE_IS("12,5 zl", "pl", "PLN", 1250);
    PARSE_IS("1.234,56", "pl", "PLN", 123456);
    PARSE_IS("  12  ", "pl", "PLN", 1200);
    PARSE_IS("0,05", "pl", "PLN", 5);
    PARSE_IS("1 000 000", "pl", "PLN", 100000000);
}

static void parse_non_breaking_spaces(void **state)
{
    PARSE_IS("1\xC2\xA0"
             "234,56\xC2\xA0zł",
             "pl", "PLN", 123456);
    PARSE_IS("1\xE2\x80\xAF"
             "234\xE2\x80\xAF"
             "567,89",
             "pl", "PLN", 123456789);
}

static void parse_german_inputs(void **state)
{
    PARSE_IS("1.234,56", "de", "EUR", 123456);
    PARSE_IS("1.234,56 €", "de", "EUR", 123456);
    PARSE_IS("1.234", "de", "EUR", 123400);
    PARSE_IS("1.234.567", "de", "EUR", 123456700);
    PARSE_IS("1234,56", "de", "EUR", 123456);
    PARSE_IS("1234.56", "de", "EUR", 123456);
    PARSE_FAILS("0.125", "de", "EUR", KT_EINVAL, "3 decimal places");
}

static void parse_english_inputs(void **state)
{
    PARSE_IS("1,234.56", "en", "USD", 123456);
    PARSE_IS("$1,234.56", "en", "USD", 123456);
    PARSE_IS("-$1,234.56", "en", "USD", -123456);
    PARSE_IS("$-1,234.56", "en", "USD", -123456);
    PARSE_IS("USD 12.50", "en", "USD", 1250);
    PARSE_IS("US$3", "en", "USD", 300);
    PARSE_IS("1,234", "en", "USD", 123400);
    PARSE_IS("1234.56", "en", "USD", 123456);
    PARSE_IS("1 234.56", "en", "USD", 123456);
    PARSE_IS("£0.99", "en", "GBP", 99);
}

static void parse_negative_amounts(void **state)
{
    PARSE_IS("-1 234,56 zł", "pl", "PLN", -123456);
    PARSE_IS("-0,01", "pl", "PLN", -1);
    PARSE_IS("\xE2\x88\x92"
             "5,00 zł",
             "pl", "PLN", -500);
    PARSE_IS("-1.234,56 €", "de", "EUR", -123456);
    PARSE_IS("+7", "en", "USD", 700);
}

static void parse_without_language_accepts_unambiguous_marks(void **state)
{
    PARSE_IS("1234.56", NULL, "PLN", 123456);
    PARSE_IS("1234,56", NULL, "PLN", 123456);
    PARSE_IS("1 234,56", NULL, "PLN", 123456);
    PARSE_FAILS("1 234,567", NULL, "PLN", KT_EINVAL, "3 decimal places");
}

static void parse_without_language_decides_by_both_marks(void **state)
{
    PARSE_IS("1.234,56", NULL, "PLN", 123456);
    PARSE_IS("1,234.56", NULL, "PLN", 123456);
    PARSE_IS("1,234,567.89", NULL, "USD", 123456789);
    PARSE_IS("1.234.567", NULL, "EUR", 123456700);
    PARSE_IS("2,5", NULL, "EUR", 250);
}

static void parse_without_language_rejects_ambiguous(void **state)
{
    PARSE_FAILS("1,234", NULL, "PLN", KT_EINVAL, "ambiguous");
    PARSE_FAILS("1.234", NULL, "PLN", KT_EINVAL, "\"1.234\"");
}

static void parse_zero_exponent_currency(void **state)
{
    PARSE_IS("1 234 JPY", "pl", "JPY", 1234);
    PARSE_IS("1,234", "en", "JPY", 1234);
    PARSE_FAILS("12,5", "pl", "JPY", KT_EINVAL, "decimals");
}

static void parse_rejects_garbage_naming_the_text(void **state)
{
    PARSE_FAILS("abc", "pl", "PLN", KT_EINVAL, "\"abc\"");
    PARSE_FAILS("12a", "pl", "PLN", KT_EINVAL, "\"12a\" is not a valid amount");
    PARSE_FAILS("", "pl", "PLN", KT_EINVAL, "empty");
    PARSE_FAILS("   ", "en", "USD", KT_EINVAL, "empty");
    PARSE_FAILS("zł", "pl", "PLN", KT_EINVAL, "\"zł\"");
    PARSE_FAILS(",5", "pl", "PLN", KT_EINVAL, "\",5\"");
    PARSE_FAILS("5,", "pl", "PLN", KT_EINVAL, "\"5,\"");
    PARSE_FAILS("--5", "pl", "PLN", KT_EINVAL, "\"--5\"");
    PARSE_FAILS("1,2,3", "pl", "PLN", KT_EINVAL, "thousands");
    PARSE_FAILS("1.234,56.7", "de", "EUR", KT_EINVAL, "\"1.234,56.7\"");
    PARSE_FAILS("zł 5 zł", "pl", "PLN", KT_EINVAL, "\"zł 5 zł\"");
    PARSE_FAILS(
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "pl", "PLN", KT_EINVAL, "is not a valid amount");
}

static void parse_accepts_leading_zeros(void **state)
{
    PARSE_IS("0000000000000000000000000000000012,50", "pl", "PLN", 1250);
}

static void parse_rejects_misplaced_grouping(void **state)
{
    PARSE_FAILS("1 23,45", "pl", "PLN", KT_EINVAL, "thousands separators");
    PARSE_FAILS("1234 567", "pl", "PLN", KT_EINVAL, "thousands separators");
    PARSE_FAILS("1 234.567,89", "de", "EUR", KT_EINVAL, "thousands separators");
    PARSE_FAILS("1  234", "pl", "PLN", KT_EINVAL, "\"1  234\"");
}

static void parse_rejects_too_many_decimals(void **state)
{
    PARSE_FAILS("1,005", "pl", "PLN", KT_EINVAL, "3 decimal places");
    PARSE_FAILS("0.001", "en", "USD", KT_EINVAL, "at most 2");
}

static void parse_rejects_other_currency(void **state)
{
    PARSE_FAILS("€5", "pl", "PLN", KT_EINVAL, "is in EUR");
    PARSE_FAILS("5 zł", "de", "EUR", KT_EINVAL, "is in PLN");
    PARSE_FAILS("5 CZK", "en", "USD", KT_EINVAL, "\"5 CZK\"");
}

static void parse_rejects_unknown_language_and_currency(void **state)
{
    PARSE_FAILS("5", "fr", "PLN", KT_EINVAL, "\"fr\"");
    PARSE_FAILS("5", "pl", "XYZ", KT_EINVAL, "\"XYZ\"");
}

static void parse_int64_limits(void **state)
{
    PARSE_IS("92 233 720 368 547 758,07", "pl", "PLN", INT64_MAX);
    PARSE_IS("-92 233 720 368 547 758,08", "pl", "PLN", INT64_MIN);
    PARSE_IS("9223372036854775807", "pl", "JPY", INT64_MAX);
}

static void parse_detects_overflow(void **state)
{
    PARSE_FAILS("92 233 720 368 547 758,08", "pl", "PLN", KT_EOVERFLOW, "too large");
    PARSE_FAILS("-92 233 720 368 547 758,09", "pl", "PLN", KT_EOVERFLOW, "too large");
    PARSE_FAILS("92233720368547759", "en", "USD", KT_EOVERFLOW, "too large");
    PARSE_FAILS("99999999999999999999999999999999", "pl", "PLN", KT_EOVERFLOW, "too large");
}

static void parse_format_round_trip(void **state)
{
    static const int64_t values[] = {0,         1,         -1,        5,        99,
                                     100,       1000,      123400,    123456,   -123456,
                                     100000000, 123456789, INT64_MAX, INT64_MIN};
    static const char *const langs[] = {"pl", "de", "en"};
    static const char *const curs[] = {"PLN", "EUR", "USD", "GBP", "CZK", "JPY"};
    for (size_t l = 0; l < 3; l++) {
        for (size_t c = 0; c < sizeof curs / sizeof curs[0]; c++) {
            for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
                struct kt_buf b;
                struct kt_err err;
                int64_t back = 0;
                kt_buf_init(&b, 0);
                assert_int_equal(kt_money_format(&b, values[v], curs[c], langs[l], &err), 0);
                if (kt_money_parse(kt_buf_str(&b), langs[l], curs[c], &back, &err) != 0)
                    fail_msg("%s %s: \"%s\": %s", langs[l], curs[c], kt_buf_str(&b), err.msg);
                assert_int_equal(back, values[v]);
                kt_buf_release(&b);
            }
        }
    }
}

/* ---- rounding -------------------------------------------------------- */

#define RESCALE_IS(v, from, to, want)                                                              \
    do {                                                                                           \
        struct kt_err e_;                                                                          \
        int64_t r_ = 0;                                                                            \
        assert_int_equal(kt_money_rescale((v), (from), (to), &r_, &e_), 0);                        \
        assert_int_equal(r_, (want));                                                              \
    } while (0)

static void rounding_half_away_from_zero(void **state)
{
    RESCALE_IS(5, 3, 2, 1);   /* 0,005 -> 0,01 */
    RESCALE_IS(-5, 3, 2, -1); /* -0,005 -> -0,01 */
    RESCALE_IS(4, 3, 2, 0);
    RESCALE_IS(-4, 3, 2, 0);
    RESCALE_IS(15, 3, 2, 2); /* not banker's rounding */
    RESCALE_IS(25, 3, 2, 3);
    RESCALE_IS(-25, 3, 2, -3);
    RESCALE_IS(1234567, 3, 2, 123457);
    RESCALE_IS(4999, 6, 2, 0); /* 0,004999 */
    RESCALE_IS(5000, 6, 2, 1); /* 0,005000 */
}

static void rescale_up_and_at_limits(void **state)
{
    RESCALE_IS(123, 2, 4, 12300);
    RESCALE_IS(INT64_MAX, 3, 2, 922337203685477581);
    RESCALE_IS(INT64_MIN, 3, 2, -922337203685477581);
    RESCALE_IS(INT64_MAX, 18, 0, 9);
    RESCALE_IS(INT64_MAX, 2, 2, INT64_MAX);

    struct kt_err err;
    int64_t r = 7;
    assert_int_equal(kt_money_rescale(INT64_MAX, 2, 4, &r, &err), KT_EOVERFLOW);
    assert_int_equal(r, 7);
    assert_int_equal(kt_money_rescale(922337203685477581, 2, 3, &r, &err), KT_EOVERFLOW);
    assert_int_equal(kt_money_rescale(1, 2, 19, &r, &err), KT_EINVAL);
}

/* ---- add, subtract, multiply -------------------------------------------- */

static void add_sub_mul_detect_overflow(void **state)
{
    struct kt_err err;
    int64_t r = 0;
    assert_int_equal(kt_money_add(123456, -56, &r, &err), 0);
    assert_int_equal(r, 123400);
    assert_int_equal(kt_money_add(INT64_MAX - 1, 1, &r, &err), 0);
    assert_int_equal(r, INT64_MAX);
    r = 9;
    assert_int_equal(kt_money_add(INT64_MAX, 1, &r, &err), KT_EOVERFLOW);
    assert_int_equal(err.code, KT_EOVERFLOW);
    assert_int_equal(r, 9);
    assert_int_equal(kt_money_sub(INT64_MIN, 1, &r, &err), KT_EOVERFLOW);
    assert_int_equal(kt_money_sub(100, 250, &r, &err), 0);
    assert_int_equal(r, -150);
    assert_int_equal(kt_money_mul_int(1999, 3, &r, &err), 0);
    assert_int_equal(r, 5997);
    assert_int_equal(kt_money_mul_int(INT64_MAX / 2 + 1, 2, &r, &err), KT_EOVERFLOW);
    assert_int_equal(kt_money_mul_int(INT64_MIN, -1, &r, &err), KT_EOVERFLOW);
}

/* ---- rates and VAT ------------------------------------------------------ */

static void rate_parse_accepts_percent_forms(void **state)
{
    struct kt_err err;
    int64_t r = 0;
    assert_int_equal(kt_money_rate_parse("23", &r, &err), 0);
    assert_int_equal(r, 2300);
    assert_int_equal(kt_money_rate_parse("23%", &r, &err), 0);
    assert_int_equal(r, 2300);
    assert_int_equal(kt_money_rate_parse(" 8,5 % ", &r, &err), 0);
    assert_int_equal(r, 850);
    assert_int_equal(kt_money_rate_parse("8.5", &r, &err), 0);
    assert_int_equal(r, 850);
    assert_int_equal(kt_money_rate_parse("0", &r, &err), 0);
    assert_int_equal(r, 0);
    assert_int_equal(kt_money_rate_parse("0,25", &r, &err), 0);
    assert_int_equal(r, 25);
}

static void rate_parse_rejects_bad_rates(void **state)
{
    struct kt_err err;
    int64_t r = 1;
    assert_int_equal(kt_money_rate_parse("-5", &r, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "\"-5\""));
    assert_int_equal(kt_money_rate_parse("zw", &r, &err), KT_EINVAL);
    assert_int_equal(kt_money_rate_parse("8,555", &r, &err), KT_EINVAL);
    assert_int_equal(kt_money_rate_parse("%", &r, &err), KT_EINVAL);
    assert_int_equal(kt_money_rate_parse("10001", &r, &err), KT_EINVAL);
    assert_int_equal(r, 1);
}

static void rate_format_trims_zeros(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_money_rate_format(&b, 2300, "pl", &err), 0);
    assert_string_equal(kt_buf_str(&b), "23");
    kt_buf_reset(&b);
    assert_int_equal(kt_money_rate_format(&b, 850, "pl", &err), 0);
    assert_string_equal(kt_buf_str(&b), "8,5");
    kt_buf_reset(&b);
    assert_int_equal(kt_money_rate_format(&b, 850, "en", &err), 0);
    assert_string_equal(kt_buf_str(&b), "8.5");
    kt_buf_reset(&b);
    assert_int_equal(kt_money_rate_format(&b, 5, "de", &err), 0);
    assert_string_equal(kt_buf_str(&b), "0,05");
    kt_buf_release(&b);
}

#define MUL_RATE_IS(minor, rate, want)                                                             \
    do {                                                                                           \
        struct kt_err e_;                                                                          \
        int64_t r_ = 0;                                                                            \
        assert_int_equal(kt_money_mul_rate((minor), (rate), &r_, &e_), 0);                         \
        assert_int_equal(r_, (want));                                                              \
    } while (0)

static void amount_times_rate_rounds_once(void **state)
{
    MUL_RATE_IS(10000, 2300, 2300); /* 100,00 at 23 % = 23,00 */
    MUL_RATE_IS(10000, 850, 850);   /* 100,00 at 8,5 % = 8,50 */
    MUL_RATE_IS(150, 2300, 35);     /* 0,345 -> 0,35 */
    MUL_RATE_IS(-150, 2300, -35);
    MUL_RATE_IS(3, 2300, 1); /* 0,0069 -> 0,01 */
    MUL_RATE_IS(2, 2300, 0); /* 0,0046 -> 0,00 */
    MUL_RATE_IS(12345, 0, 0);
    MUL_RATE_IS(INT64_MAX, 10000, INT64_MAX);
    MUL_RATE_IS(INT64_MIN, 10000, INT64_MIN);
}

static void amount_times_rate_detects_overflow(void **state)
{
    struct kt_err err;
    int64_t r = 3;
    assert_int_equal(kt_money_mul_rate(INT64_MAX, 10001, &r, &err), KT_EOVERFLOW);
    assert_int_equal(kt_money_mul_rate(INT64_MIN, 1000000, &r, &err), KT_EOVERFLOW);
    assert_int_equal(r, 3);
}

#define VAT_IS(gross, rate, want)                                                                  \
    do {                                                                                           \
        struct kt_err e_;                                                                          \
        int64_t r_ = 0;                                                                            \
        assert_int_equal(kt_money_vat_from_gross((gross), (rate), &r_, &e_), 0);                   \
        assert_int_equal(r_, (want));                                                              \
    } while (0)

static void vat_from_gross(void **state)
{
    VAT_IS(12300, 2300, 2300); /* 123,00 gross at 23 % holds 23,00 */
    VAT_IS(10000, 2300, 1870); /* 18,699... -> 18,70 */
    VAT_IS(10800, 800, 800);
    VAT_IS(10500, 500, 500);
    VAT_IS(100, 2300, 19); /* 0,18699 -> 0,19 */
    VAT_IS(-12300, 2300, -2300);
    VAT_IS(10850, 850, 850); /* 108,50 at 8,5 % */
    VAT_IS(12345, 0, 0);
    VAT_IS(INT64_MAX, 2300, 1724695584127315801);
    VAT_IS(INT64_MIN, 2300, -1724695584127315801);
}

static void vat_from_gross_rejects_negative_rate(void **state)
{
    struct kt_err err;
    int64_t r = 3;
    assert_int_equal(kt_money_vat_from_gross(100, -1, &r, &err), KT_EINVAL);
    assert_int_equal(r, 3);
}

/* ---- unit prices ------------------------------------------------------ */

#define PRICE_FORMAT_IS(price, cur, lang, want)                                                    \
    do {                                                                                           \
        struct kt_buf b_;                                                                          \
        struct kt_err e_;                                                                          \
        kt_buf_init(&b_, 0);                                                                       \
        assert_int_equal(kt_price_format(&b_, (price), (cur), (lang), &e_), 0);                    \
        assert_string_equal(kt_buf_str(&b_), (want));                                              \
        kt_buf_release(&b_);                                                                       \
    } while (0)

static void price_format_shows_up_to_four_decimals(void **state)
{
    PRICE_FORMAT_IS(125, "PLN", "pl", "0,0125 zł");
    PRICE_FORMAT_IS(125000, "PLN", "pl", "12,50 zł");
    PRICE_FORMAT_IS(125050, "PLN", "pl", "12,505 zł");
    PRICE_FORMAT_IS(12345678900, "PLN", "pl", "1 234 567,89 zł");
    PRICE_FORMAT_IS(125, "USD", "en", "$0.0125");
    PRICE_FORMAT_IS(-125, "EUR", "de", "-0,0125 €");
    PRICE_FORMAT_IS(12345, "JPY", "pl", "1,2345 JPY");
    PRICE_FORMAT_IS(10000, "JPY", "en", "1 JPY");
    PRICE_FORMAT_IS(0, "PLN", "pl", "0,00 zł");
}

static void price_parse_four_decimals(void **state)
{
    struct kt_err err;
    int64_t p = 0;
    assert_int_equal(kt_price_parse("0,0125 zł", "pl", "PLN", &p, &err), 0);
    assert_int_equal(p, 125);
    assert_int_equal(kt_price_parse("12,5", "pl", "PLN", &p, &err), 0);
    assert_int_equal(p, 125000);
    assert_int_equal(kt_price_parse("$1,234.5678", "en", "USD", &p, &err), 0);
    assert_int_equal(p, 12345678);
    assert_int_equal(kt_price_parse("-0,0001", NULL, "EUR", &p, &err), 0);
    assert_int_equal(p, -1);
    p = 9;
    assert_int_equal(kt_price_parse("0,00001", "pl", "PLN", &p, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "5 decimal places"));
    assert_non_null(strstr(err.msg, "price"));
    assert_int_equal(p, 9);
}

static void price_minor_conversions(void **state)
{
    struct kt_err err;
    int64_t r = 0;
    assert_int_equal(kt_price_to_minor(125, "PLN", &r, &err), 0); /* 0,0125 -> 0,01 */
    assert_int_equal(r, 1);
    assert_int_equal(kt_price_to_minor(50, "PLN", &r, &err), 0); /* 0,005 -> 0,01 */
    assert_int_equal(r, 1);
    assert_int_equal(kt_price_to_minor(-50, "PLN", &r, &err), 0);
    assert_int_equal(r, -1);
    assert_int_equal(kt_price_to_minor(149, "PLN", &r, &err), 0);
    assert_int_equal(r, 1);
    assert_int_equal(kt_price_to_minor(15000, "JPY", &r, &err), 0); /* 1,5 yen -> 2 */
    assert_int_equal(r, 2);
    assert_int_equal(kt_price_from_minor(123, "PLN", &r, &err), 0);
    assert_int_equal(r, 12300);
    assert_int_equal(kt_price_from_minor(5, "JPY", &r, &err), 0);
    assert_int_equal(r, 50000);
    r = 4;
    assert_int_equal(kt_price_from_minor(INT64_MAX / 10, "PLN", &r, &err), KT_EOVERFLOW);
    assert_int_equal(r, 4);
    assert_int_equal(kt_price_to_minor(1, "XYZ", &r, &err), KT_EINVAL);
}

#define LINE_IS(price, qty, cur, want)                                                             \
    do {                                                                                           \
        struct kt_err e_;                                                                          \
        int64_t r_ = 0;                                                                            \
        assert_int_equal(kt_price_line_value((price), (qty), (cur), &r_, &e_), 0);                 \
        assert_int_equal(r_, (want));                                                              \
    } while (0)

static void line_value_rounds_once(void **state)
{
    LINE_IS(125, 3000, "PLN", 4);     /* 0,0125 x 3 = 0,0375 -> 0,04 */
    LINE_IS(125, 1000, "PLN", 1);     /* 0,0125 -> 0,01 */
    LINE_IS(19999, 2500, "PLN", 500); /* 1,9999 x 2,5 = 4,99975 -> 5,00 */
    LINE_IS(19999, -2500, "PLN", -500);
    LINE_IS(-19999, 2500, "PLN", -500);
    LINE_IS(50000, 1, "PLN", 1); /* 5,00 x 0,001 = 0,005 -> 0,01 */
    LINE_IS(-50000, 1, "PLN", -1);
    LINE_IS(40000, 1, "PLN", 0);            /* 0,004 -> 0,00 */
    LINE_IS(1234500, 12000, "EUR", 148140); /* 123,45 x 12 */
    LINE_IS(10000, 1500, "JPY", 2);         /* 1 yen x 1,5 -> 2 */
    LINE_IS(0, 1000000, "PLN", 0);
}

static void line_value_near_limits(void **state)
{
    /* INT64_MAX / 10^4 currency units x 1 = INT64_MAX / 100 grosze, rounded */
    LINE_IS(INT64_MAX, 1000, "PLN", 92233720368547758);
    LINE_IS(INT64_MIN, 1000, "PLN", -92233720368547758);
    LINE_IS(INT64_MAX, 100000, "PLN", INT64_MAX);
    LINE_IS(1000000000000LL, 1000000000LL, "PLN", 10000000000000000LL); /* 10^8 zł x 10^6 */
}

static void line_value_detects_overflow(void **state)
{
    struct kt_err err;
    int64_t r = 11;
    assert_int_equal(kt_price_line_value(INT64_MAX, 100001, "PLN", &r, &err), KT_EOVERFLOW);
    assert_int_equal(kt_price_line_value(INT64_MAX, INT64_MAX, "PLN", &r, &err), KT_EOVERFLOW);
    assert_int_equal(kt_price_line_value(INT64_MIN, INT64_MAX, "PLN", &r, &err), KT_EOVERFLOW);
    assert_int_equal(kt_price_line_value(1000000000000000LL, 1000000000LL, "PLN", &r, &err),
                     KT_EOVERFLOW);
    assert_non_null(strstr(err.msg, "line value"));
    assert_int_equal(r, 11);
}

/* ---- generic fixed-point helpers ------------------------------------------ */

static void fixed_parse_and_format(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    int64_t v = 0;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_money_fixed_parse("1 234,5", "pl", 1, "weight", &v, &err), 0);
    assert_int_equal(v, 12345);
    assert_int_equal(kt_money_fixed_parse("x", "pl", 1, "weight", &v, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "weight"));
    assert_int_equal(kt_money_fixed_parse("1", "pl", 19, "weight", &v, &err), KT_EINVAL);
    assert_int_equal(kt_money_fixed_format(&b, 12345, 4, 2, "en", &err), 0);
    assert_string_equal(kt_buf_str(&b), "1.2345");
    kt_buf_reset(&b);
    assert_int_equal(kt_money_fixed_format(&b, 10000, 4, 2, "de", &err), 0);
    assert_string_equal(kt_buf_str(&b), "1,00");
    kt_buf_reset(&b);
    assert_int_equal(kt_money_fixed_format(&b, 10000, 2, 3, "de", &err), KT_EINVAL);
    kt_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(currency_table_knows_exponents),
        cmocka_unit_test(unknown_currency_is_named),
        cmocka_unit_test(format_zero),
        cmocka_unit_test(format_polish),
        cmocka_unit_test(format_german),
        cmocka_unit_test(format_english),
        cmocka_unit_test(format_negative),
        cmocka_unit_test(format_millions),
        cmocka_unit_test(format_zero_exponent_currency),
        cmocka_unit_test(format_int64_limits),
        cmocka_unit_test(format_number_and_decimal),
        cmocka_unit_test(format_rejects_unknown_language_and_currency),
        cmocka_unit_test(format_into_full_buffer_leaves_it_unchanged),
        cmocka_unit_test(parse_polish_inputs),
        cmocka_unit_test(parse_non_breaking_spaces),
        cmocka_unit_test(parse_german_inputs),
        cmocka_unit_test(parse_english_inputs),
        cmocka_unit_test(parse_negative_amounts),
        cmocka_unit_test(parse_without_language_accepts_unambiguous_marks),
        cmocka_unit_test(parse_without_language_decides_by_both_marks),
        cmocka_unit_test(parse_without_language_rejects_ambiguous),
        cmocka_unit_test(parse_zero_exponent_currency),
        cmocka_unit_test(parse_rejects_garbage_naming_the_text),
        cmocka_unit_test(parse_accepts_leading_zeros),
        cmocka_unit_test(parse_rejects_misplaced_grouping),
        cmocka_unit_test(parse_rejects_too_many_decimals),
        cmocka_unit_test(parse_rejects_other_currency),
        cmocka_unit_test(parse_rejects_unknown_language_and_currency),
        cmocka_unit_test(parse_int64_limits),
        cmocka_unit_test(parse_detects_overflow),
        cmocka_unit_test(parse_format_round_trip),
        cmocka_unit_test(rounding_half_away_from_zero),
        cmocka_unit_test(rescale_up_and_at_limits),
        cmocka_unit_test(add_sub_mul_detect_overflow),
        cmocka_unit_test(rate_parse_accepts_percent_forms),
        cmocka_unit_test(rate_parse_rejects_bad_rates),
        cmocka_unit_test(rate_format_trims_zeros),
        cmocka_unit_test(amount_times_rate_rounds_once),
        cmocka_unit_test(amount_times_rate_detects_overflow),
        cmocka_unit_test(vat_from_gross),
        cmocka_unit_test(vat_from_gross_rejects_negative_rate),
        cmocka_unit_test(price_format_shows_up_to_four_decimals),
        cmocka_unit_test(price_parse_four_decimals),
        cmocka_unit_test(price_minor_conversions),
        cmocka_unit_test(line_value_rounds_once),
        cmocka_unit_test(line_value_near_limits),
        cmocka_unit_test(line_value_detects_overflow),
        cmocka_unit_test(fixed_parse_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
