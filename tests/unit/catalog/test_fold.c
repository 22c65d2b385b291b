#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "catalog/fold.h"
#include "catalog/vat.h"

static void check(const char *in, unsigned flags, const char *want)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    assert_int_equal(catalog_fold(in, strlen(in), flags, &b, &err), 0);
    assert_string_equal(kt_buf_str(&b), want);
    kt_buf_release(&b);
}

static void test_polish(void **state)
{
    (void)state;
    check("Żółw", 0, "zolw");
    check("Łódź", 0, "lodz");
    check("ZAŻÓŁĆ GĘŚLĄ JAŹŃ", 0, "zazolc gesla jazn");
    check("ąćęłńóśźż", 0, "acelnoszz");
}

static void test_german(void **state)
{
    (void)state;
    check("Straße", 0, "strasse");
    check("STRAẞE", 0, "strasse");
    check("Müller Äpfel Öl", 0, "muller apfel ol");
    check("Müller Äpfel Öl", CATALOG_FOLD_UMLAUT_E, "mueller aepfel oel");
}

static void test_other_scripts(void **state)
{
    (void)state;
    check("Crème Brûlée", 0, "creme brulee");
    check("Šťastný Čech", 0, "stastny cech");
    check("МОЛОКО", 0, "молоко");
    check("ÆØÅ", 0, "aeoa");
}

static void test_words(void **state)
{
    (void)state;
    check("  Kabel, 3x1.5 mm² — (żółty)!  ", CATALOG_FOLD_WORDS, "kabel 3x1 5 mm zolty");
    check("ABC-123/x", 0, "abc-123/x");
    check("ABC-123/x", CATALOG_FOLD_WORDS, "abc 123 x");
    check("...", CATALOG_FOLD_WORDS, "");
}

static void test_word_cap(void **state)
{
    (void)state;
    char longw[200];
    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = '\0';
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    assert_int_equal(catalog_fold(longw, strlen(longw), CATALOG_FOLD_WORDS, &b, &err), 0);
    assert_int_equal(b.len, CATALOG_WORD_MAX);
    kt_buf_reset(&b);
    /* a two-byte character that would cross the cap is dropped whole */
    char mixed[CATALOG_WORD_MAX + 8];
    memset(mixed, 'a', CATALOG_WORD_MAX - 1);
    memcpy(mixed + CATALOG_WORD_MAX - 1, "\xd0\x96 b", 5);
    assert_int_equal(catalog_fold(mixed, CATALOG_WORD_MAX + 3, CATALOG_FOLD_WORDS, &b, &err), 0);
    assert_int_equal(b.len, CATALOG_WORD_MAX - 1 + 2);
    assert_memory_equal(b.data + CATALOG_WORD_MAX - 1, " b", 2);
    kt_buf_release(&b);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    kt_buf_adds(&b, "keep");
    assert_int_equal(catalog_fold("ab\xc3(", 4, 0, &b, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "byte 3"));
    assert_string_equal(kt_buf_str(&b), "keep");
    assert_int_equal(catalog_fold("\xed\xa0\x80", 3, 0, &b, &err), KT_EINVAL); /* surrogate */
    assert_int_equal(catalog_fold("\xc0\xaf", 2, 0, &b, &err), KT_EINVAL);     /* overlong */
    kt_buf_release(&b);
}

static void test_utf8_check(void **state)
{
    (void)state;
    struct kt_err err;
    size_t chars = 0;
    assert_int_equal(catalog_utf8_check("Żółw", &chars, &err), 0);
    assert_int_equal(chars, 4);
    assert_int_equal(catalog_utf8_check("a\tb", &chars, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "control character"));
    assert_int_equal(catalog_utf8_check("a\xc2\x85", &chars, &err), KT_EINVAL);
}

static void test_vat_table(void **state)
{
    (void)state;
    const struct catalog_vat *v;
    struct kt_err err;
    int n;
    const struct catalog_vat *all = catalog_vat_rates(&n);
    assert_int_equal(n, 7);
    assert_string_equal(all[0].code, "23");
    assert_int_equal(catalog_vat_find("23%", &v, &err), 0);
    assert_int_equal(v->rate, 2300);
    assert_false(catalog_vat_is_zero_kind(v));
    assert_int_equal(catalog_vat_find("ZW", &v, &err), 0);
    assert_string_equal(v->code, "zw");
    assert_true(catalog_vat_is_zero_kind(v));
    assert_string_equal(catalog_vat_label(v, "en"), "exempt");
    assert_int_equal(catalog_vat_find("8 %", &v, &err), 0);
    assert_int_equal(v->rate, 800);
    assert_int_equal(catalog_vat_find("7", &v, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "zw, np, oo"));
    assert_int_equal(catalog_vat_find("", &v, &err), KT_EINVAL);
    assert_null(catalog_vat_label(all, "fr"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polish),        cmocka_unit_test(test_german),
        cmocka_unit_test(test_other_scripts), cmocka_unit_test(test_words),
        cmocka_unit_test(test_word_cap),      cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_utf8_check),    cmocka_unit_test(test_vat_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
