#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/qty.h"

#define PARSE_IS(text, lang, want)                                                                 \
    do {                                                                                           \
        struct kt_err e_;                                                                          \
        int64_t q_ = 0;                                                                            \
        if (kt_qty_parse((text), (lang), &q_, &e_) != 0)                                           \
            fail_msg("parse \"%s\": %s", (text), e_.msg);                                          \
        assert_int_equal(q_, (want));                                                              \
    } while (0)

#define PARSE_FAILS(text, lang, code, part)                                                        \
    do {                                                                                           \
        struct kt_err e_;                                                                          \
        int64_t q_ = 77;                                                                           \
        assert_int_equal(kt_qty_parse((text), (lang), &q_, &e_), (code));                          \
        assert_int_equal(q_, 77);                                                                  \
        if (!strstr(e_.msg, (part)))                                                               \
            fail_msg("message \"%s\" lacks \"%s\"", e_.msg, (part));                               \
    } while (0)

#define FORMAT_IS(qty, lang, want)                                                                 \
    do {                                                                                           \
        struct kt_buf b_;                                                                          \
        struct kt_err e_;                                                                          \
        kt_buf_init(&b_, 0);                                                                       \
        assert_int_equal(kt_qty_format(&b_, (qty), (lang), &e_), 0);                               \
        assert_string_equal(kt_buf_str(&b_), (want));                                              \
        kt_buf_release(&b_);                                                                       \
    } while (0)

static const struct kt_unit *unit(const char *text)
{
    const struct kt_unit *u = NULL;
    struct kt_err err;
    if (kt_qty_unit_find(text, &u, &err) != 0)
        fail_msg("unit \"%s\": %s", text, err.msg);
    return u;
}

static void parse_polish(void **state)
{
    PARSE_IS("2,5", "pl", 2500);
    PARSE_IS("2.5", "pl", 2500);
    PARSE_IS("3", "pl", 3000);
    PARSE_IS("0,001", "pl", 1);
    PARSE_IS("1 234,5", "pl", 1234500);
    PARSE_IS("1 234,125", "pl", 1234125);
    PARSE_IS("-3", "pl", -3000);
    PARSE_IS(" 12 ", "pl", 12000);
}

static void parse_german_and_english(void **state)
{
    PARSE_IS("1.234,5", "de", 1234500);
    PARSE_IS("1.234", "de", 1234000);
    PARSE_IS("2,75", "de", 2750);
    PARSE_IS("1,234.5", "en", 1234500);
    PARSE_IS("1,234", "en", 1234000);
    PARSE_IS("0.125", "en", 125);
}

static void parse_without_language(void **state)
{
    PARSE_IS("2.5", NULL, 2500);
    PARSE_IS("2,5", NULL, 2500);
    PARSE_IS("1.234,5", NULL, 1234500);
    PARSE_FAILS("1,234", NULL, KT_EINVAL, "ambiguous");
}

static void parse_rejects_bad_text(void **state)
{
    PARSE_FAILS("abc", "pl", KT_EINVAL, "\"abc\" is not a valid quantity");
    PARSE_FAILS("2,5 kg", "pl", KT_EINVAL, "\"2,5 kg\"");
    PARSE_FAILS("", "pl", KT_EINVAL, "empty");
    PARSE_FAILS("1,2345", "pl", KT_EINVAL, "4 decimal places");
    PARSE_FAILS("12 34", "pl", KT_EINVAL, "thousands separators");
    PARSE_FAILS("1", "xx", KT_EINVAL, "\"xx\"");
}

static void parse_limits_and_overflow(void **state)
{
    PARSE_IS("9 223 372 036 854 775,807", "pl", INT64_MAX);
    PARSE_IS("-9 223 372 036 854 775,808", "pl", INT64_MIN);
    PARSE_FAILS("9 223 372 036 854 775,808", "pl", KT_EOVERFLOW, "too large");
    PARSE_FAILS("100000000000000000", "en", KT_EOVERFLOW, "quantity");
}

static void format_trims_trailing_zeros(void **state)
{
    FORMAT_IS(2500, "pl", "2,5");
    FORMAT_IS(2500, "en", "2.5");
    FORMAT_IS(3000, "pl", "3");
    FORMAT_IS(1, "pl", "0,001");
    FORMAT_IS(0, "de", "0");
    FORMAT_IS(-2500, "pl", "-2,5");
    FORMAT_IS(1234120, "pl", "1 234,12");
}

static void format_groups_thousands(void **state)
{
    FORMAT_IS(1234500, "pl", "1 234,5");
    FORMAT_IS(1234500, "de", "1.234,5");
    FORMAT_IS(1234500, "en", "1,234.5");
    FORMAT_IS(1000000000, "de", "1.000.000");
    FORMAT_IS(INT64_MIN, "pl", "-9 223 372 036 854 775,808");
}

static void format_rejects_unknown_language(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_qty_format(&b, 1000, "fr", &err), KT_EINVAL);
    assert_int_equal(b.len, 0);
    kt_buf_release(&b);
}

static void parse_format_round_trip(void **state)
{
    static const int64_t values[] = {0,       1,       -1,         999,       1000,     2500,
                                     1234500, 1234000, -987654321, INT64_MAX, INT64_MIN};
    static const char *const langs[] = {"pl", "de", "en"};
    for (size_t l = 0; l < 3; l++) {
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            struct kt_buf b;
            struct kt_err err;
            int64_t back = 0;
            kt_buf_init(&b, 0);
            assert_int_equal(kt_qty_format(&b, values[v], langs[l], &err), 0);
            if (kt_qty_parse(kt_buf_str(&b), langs[l], &back, &err) != 0)
                fail_msg("%s \"%s\": %s", langs[l], kt_buf_str(&b), err.msg);
            assert_int_equal(back, values[v]);
            kt_buf_release(&b);
        }
    }
}

static void units_table_is_complete(void **state)
{
    int n = 0;
    const struct kt_unit *u = kt_qty_units(&n);
    assert_int_equal(n, 10);
    for (int i = 0; i < n; i++) {
        assert_true(strlen(u[i].code) > 0);
        assert_true(strlen(u[i].pl) > 0);
        assert_true(strlen(u[i].en) > 0);
        assert_true(strlen(u[i].de) > 0);
        assert_true(strlen(u[i].uncefact) >= 2);
        for (int j = 0; j < i; j++) {
            assert_string_not_equal(u[i].code, u[j].code);
            assert_string_not_equal(u[i].uncefact, u[j].uncefact);
        }
        /* every name finds its own unit */
        assert_ptr_equal(unit(u[i].code), &u[i]);
        assert_ptr_equal(unit(u[i].pl), &u[i]);
        assert_ptr_equal(unit(u[i].en), &u[i]);
        assert_ptr_equal(unit(u[i].de), &u[i]);
    }
}

static void unit_lookup_by_any_name(void **state)
{
    assert_string_equal(unit("szt.")->code, "pcs");
    assert_string_equal(unit("szt")->code, "pcs");
    assert_string_equal(unit("SZT.")->code, "pcs");
    assert_string_equal(unit("Stk")->code, "pcs");
    assert_string_equal(unit("m²")->code, "m2");
    assert_string_equal(unit("m3")->code, "m3");
    assert_string_equal(unit("kpl.")->code, "set");
    assert_string_equal(unit("opak")->code, "pack");
    assert_string_equal(unit("godz.")->code, "h");
    assert_string_equal(unit("KG")->uncefact, "KGM");
    assert_string_equal(unit("pcs")->uncefact, "H87");
}

static void unknown_unit_is_named(void **state)
{
    const struct kt_unit *u = NULL;
    struct kt_err err;
    assert_int_equal(kt_qty_unit_find("beczka", &u, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "\"beczka\""));
    assert_int_equal(kt_qty_unit_find("", &u, &err), KT_EINVAL);
    assert_int_equal(kt_qty_unit_find(".", &u, &err), KT_EINVAL);
    assert_null(u);
}

static void unit_names_per_language(void **state)
{
    const struct kt_unit *pcs = unit("pcs");
    assert_string_equal(kt_qty_unit_name(pcs, "pl"), "szt.");
    assert_string_equal(kt_qty_unit_name(pcs, "en"), "pcs");
    assert_string_equal(kt_qty_unit_name(pcs, "de"), "Stk.");
    assert_string_equal(kt_qty_unit_name(unit("m3"), "en"), "m³");
    assert_string_equal(kt_qty_unit_name(unit("m3"), "pl"), "m3");
    assert_null(kt_qty_unit_name(pcs, "fr"));
    assert_null(kt_qty_unit_name(pcs, NULL));
}

#define FORMAT_UNIT_IS(qty, code, lang, want)                                                      \
    do {                                                                                           \
        struct kt_buf b_;                                                                          \
        struct kt_err e_;                                                                          \
        kt_buf_init(&b_, 0);                                                                       \
        assert_int_equal(kt_qty_format_unit(&b_, (qty), unit(code), (lang), &e_), 0);              \
        assert_string_equal(kt_buf_str(&b_), (want));                                              \
        kt_buf_release(&b_);                                                                       \
    } while (0)

static void format_with_unit(void **state)
{
    FORMAT_UNIT_IS(2500, "kg", "pl", "2,5 kg");
    FORMAT_UNIT_IS(1000, "pcs", "pl", "1 szt.");
    FORMAT_UNIT_IS(3000, "pcs", "en", "3 pcs");
    FORMAT_UNIT_IS(1500, "m2", "en", "1.5 m²");
    FORMAT_UNIT_IS(1500, "m2", "pl", "1,5 m2");
    FORMAT_UNIT_IS(2000, "h", "de", "2 Std.");
    FORMAT_UNIT_IS(1234000, "set", "pl", "1 234 kpl.");
}

static void format_with_unit_failures_leave_buffer_unchanged(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 4);
    assert_int_equal(kt_qty_format_unit(&b, 1000, unit("pcs"), "fr", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "\"fr\""));
    assert_int_equal(kt_qty_format_unit(&b, 1234000, unit("pcs"), "pl", &err), KT_ELIMIT);
    assert_int_equal(err.code, KT_ELIMIT);
    assert_int_equal(b.len, 0);
    kt_buf_release(&b);
}

static void whole_units_reject_fractions(void **state)
{
    struct kt_err err;
    assert_int_equal(kt_qty_check_unit(2500, unit("szt."), &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "whole number"));
    assert_int_equal(kt_qty_check_unit(-1, unit("kpl."), &err), KT_EINVAL);
    assert_int_equal(kt_qty_check_unit(2000, unit("szt."), &err), 0);
    assert_int_equal(kt_qty_check_unit(2500, unit("kg"), &err), 0);
    assert_int_equal(kt_qty_check_unit(1, unit("h"), &err), 0);
}

static void add_and_sub_detect_overflow(void **state)
{
    struct kt_err err;
    int64_t r = 0;
    assert_int_equal(kt_qty_add(2500, 500, &r, &err), 0);
    assert_int_equal(r, 3000);
    assert_int_equal(kt_qty_sub(2500, 3000, &r, &err), 0);
    assert_int_equal(r, -500);
    r = 5;
    assert_int_equal(kt_qty_add(INT64_MAX, 1, &r, &err), KT_EOVERFLOW);
    assert_int_equal(err.code, KT_EOVERFLOW);
    assert_int_equal(kt_qty_sub(INT64_MIN, 1, &r, &err), KT_EOVERFLOW);
    assert_int_equal(kt_qty_sub(0, INT64_MIN, &r, &err), KT_EOVERFLOW);
    assert_int_equal(r, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_polish),
        cmocka_unit_test(parse_german_and_english),
        cmocka_unit_test(parse_without_language),
        cmocka_unit_test(parse_rejects_bad_text),
        cmocka_unit_test(parse_limits_and_overflow),
        cmocka_unit_test(format_trims_trailing_zeros),
        cmocka_unit_test(format_groups_thousands),
        cmocka_unit_test(format_rejects_unknown_language),
        cmocka_unit_test(parse_format_round_trip),
        cmocka_unit_test(units_table_is_complete),
        cmocka_unit_test(unit_lookup_by_any_name),
        cmocka_unit_test(unknown_unit_is_named),
        cmocka_unit_test(unit_names_per_language),
        cmocka_unit_test(format_with_unit),
        cmocka_unit_test(format_with_unit_failures_leave_buffer_unchanged),
        cmocka_unit_test(whole_units_reject_fractions),
        cmocka_unit_test(add_and_sub_detect_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
