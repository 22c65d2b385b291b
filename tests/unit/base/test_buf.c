#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"

static void empty_buffer_reads_as_empty_string(void **state)
{
    struct kt_buf b;
    kt_buf_init(&b, 0);
    assert_string_equal(kt_buf_str(&b), "");
    assert_int_equal(b.len, 0);
    kt_buf_release(&b);
}

static void appends_concatenate_and_terminate(void **state)
{
    struct kt_buf b;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_buf_adds(&b, "Zamówienie "), 0);
    assert_int_equal(kt_buf_printf(&b, "ZK/%d/%s", 42, "2026"), 0);
    assert_int_equal(kt_buf_addc(&b, '!'), 0);
    assert_string_equal(kt_buf_str(&b), "Zamówienie ZK/42/2026!");
    assert_int_equal(b.len, strlen("Zamówienie ZK/42/2026!"));
    kt_buf_release(&b);
}

static void growth_keeps_contents_across_many_appends(void **state)
{
    struct kt_buf b;
    kt_buf_init(&b, 0);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(kt_buf_printf(&b, "%04d", i % 10000), 0);
    assert_int_equal(b.len, 40000);
    assert_memory_equal(b.data + 4 * 1234, "1234", 4);
    assert_memory_equal(b.data + 4 * 9999, "9999", 4);
    kt_buf_release(&b);
}

static void cap_refuses_growth_and_leaves_buffer_unchanged(void **state)
{
    struct kt_buf b;
    kt_buf_init(&b, 10);
    assert_int_equal(kt_buf_adds(&b, "0123456789"), 0);
    assert_int_equal(kt_buf_adds(&b, "x"), KT_ELIMIT);
    assert_int_equal(kt_buf_printf(&b, "%d", 7), KT_ELIMIT);
    assert_string_equal(kt_buf_str(&b), "0123456789");
    kt_buf_release(&b);

    kt_buf_init(&b, 4);
    assert_int_equal(kt_buf_adds(&b, "abcde"), KT_ELIMIT);
    assert_string_equal(kt_buf_str(&b), "");
    kt_buf_release(&b);
}

static void huge_length_does_not_wrap_around(void **state)
{
    struct kt_buf b;
    kt_buf_init(&b, SIZE_MAX);
    assert_int_equal(kt_buf_adds(&b, "ab"), 0);
    assert_int_equal(kt_buf_add(&b, "x", SIZE_MAX - 1), KT_ELIMIT);
    assert_string_equal(kt_buf_str(&b), "ab");
    kt_buf_release(&b);
}

static void reset_keeps_memory_and_detach_hands_over(void **state)
{
    struct kt_buf b;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_buf_adds(&b, "abc"), 0);
    kt_buf_reset(&b);
    assert_string_equal(kt_buf_str(&b), "");
    assert_non_null(b.data);
    assert_int_equal(kt_buf_adds(&b, "xyz"), 0);
    char *s = kt_buf_detach(&b);
    assert_string_equal(s, "xyz");
    assert_null(b.data);
    free(s);
    s = kt_buf_detach(&b);
    assert_string_equal(s, "");
    free(s);
}

static void strlcpy_truncates_and_reports(void **state)
{
    char small[4];
    assert_int_equal(kt_strlcpy(small, "abc", sizeof small), 0);
    assert_string_equal(small, "abc");
    assert_int_equal(kt_strlcpy(small, "abcd", sizeof small), KT_ELIMIT);
    assert_string_equal(small, "abc");
    assert_int_equal(kt_strlcpy(small, "x", 0), KT_ELIMIT);
}

static void error_set_prefix_and_names(void **state)
{
    struct kt_err err;
    kt_err_clear(&err);
    assert_int_equal(err.code, KT_OK);
    assert_int_equal(kt_err_set(&err, KT_EINVAL, "NIP %s is invalid", "123"), KT_EINVAL);
    assert_string_equal(err.msg, "NIP 123 is invalid");
    assert_int_equal(kt_err_prefix(&err, "customer %s", "K001"), KT_EINVAL);
    assert_string_equal(err.msg, "customer K001: NIP 123 is invalid");
    assert_string_equal(kt_err_name(KT_EEXIST), "EEXIST");
    assert_string_equal(kt_err_name(12345), "EUNKNOWN");
    assert_int_equal(kt_err_set(NULL, KT_EIO, "ignored"), KT_EIO);

    char longtext[600];
    memset(longtext, 'a', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    kt_err_set(&err, KT_EIO, "%s", longtext);
    assert_int_equal(strlen(err.msg), KT_ERR_MSG_MAX - 1);
    kt_err_prefix(&err, "ctx");
    assert_int_equal(strlen(err.msg), KT_ERR_MSG_MAX - 1);
    assert_memory_equal(err.msg, "ctx: aaa", 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_buffer_reads_as_empty_string),
        cmocka_unit_test(appends_concatenate_and_terminate),
        cmocka_unit_test(growth_keeps_contents_across_many_appends),
        cmocka_unit_test(cap_refuses_growth_and_leaves_buffer_unchanged),
        cmocka_unit_test(huge_length_does_not_wrap_around),
        cmocka_unit_test(reset_keeps_memory_and_detach_hands_over),
        cmocka_unit_test(strlcpy_truncates_and_reports),
        cmocka_unit_test(error_set_prefix_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
