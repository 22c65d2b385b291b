#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "access/access.h"

/* The cheapest argon2id parameters, so the tests stay fast. */
static void set_cost(unsigned long long ops, size_t mem)
{
    struct access_options o;
    struct kt_err err;
    access_options_default(&o);
    o.pwhash_ops = ops;
    o.pwhash_mem = mem;
    assert_int_equal(access_set_options(&o, &err), 0);
}

static int setup(void **state)
{
    (void)state;
    set_cost(crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN);
    return 0;
}

static void hash_and_verify(void **state)
{
    (void)state;
    char h[ACCESS_HASH_MAX];
    struct kt_err err;
    assert_int_equal(access_password_hash("correct horse battery", h, sizeof h, &err), 0);
    assert_memory_equal(h, "$argon2id$", 10);
    assert_null(strstr(h, "correct horse"));
    assert_true(access_password_verify(h, "correct horse battery"));
    assert_false(access_password_verify(h, "correct horse batterY"));
    assert_false(access_password_verify(h, ""));
    assert_false(access_password_needs_rehash(h));
}

static void same_password_different_salt(void **state)
{
    (void)state;
    char a[ACCESS_HASH_MAX], b[ACCESS_HASH_MAX];
    assert_int_equal(access_password_hash("correct horse battery", a, sizeof a, NULL), 0);
    assert_int_equal(access_password_hash("correct horse battery", b, sizeof b, NULL), 0);
    assert_string_not_equal(a, b);
    assert_true(access_password_verify(b, "correct horse battery"));
}

static void rehash_when_parameters_change(void **state)
{
    (void)state;
    char h[ACCESS_HASH_MAX];
    assert_int_equal(access_password_hash("correct horse battery", h, sizeof h, NULL), 0);
    assert_false(access_password_needs_rehash(h));
    set_cost(crypto_pwhash_argon2id_OPSLIMIT_MIN + 1, crypto_pwhash_argon2id_MEMLIMIT_MIN);
    assert_true(access_password_needs_rehash(h));
    /* the old hash still verifies: parameters are inside the string */
    assert_true(access_password_verify(h, "correct horse battery"));
    set_cost(crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN * 2);
    assert_true(access_password_needs_rehash(h));
    set_cost(crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN);
    assert_false(access_password_needs_rehash(h));
}

static void other_algorithm_is_rejected(void **state)
{
    (void)state;
    char h[crypto_pwhash_argon2i_STRBYTES];
    assert_int_equal(crypto_pwhash_argon2i_str(h, "correct horse battery", 21, 3,
                                               crypto_pwhash_argon2i_MEMLIMIT_MIN),
                     0);
    assert_false(access_password_verify(h, "correct horse battery"));
    assert_true(access_password_needs_rehash(h));
    assert_false(access_password_verify("garbage", "correct horse battery"));
    assert_false(access_password_verify(NULL, "x"));
}

static void policy(void **state)
{
    (void)state;
    struct kt_err err;
    assert_int_equal(access_password_policy("jan", "correct horse battery", &err), 0);
    assert_int_equal(access_password_policy("jan", "abc12345!", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "has 9 characters; it needs at least 10"));
    assert_int_equal(access_password_policy("jan", "", &err), KT_EINVAL);
    assert_int_equal(access_password_policy("jan", NULL, &err), KT_EINVAL);
    assert_int_equal(access_password_policy("jan.kowalski", "Jan.Kowalski", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "must not be the login"));
    assert_int_equal(access_password_policy("jan", "1234567890", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "most common"));
    assert_int_equal(access_password_policy("jan", "QWERTYUIOP", &err), KT_EINVAL);
    assert_int_equal(access_password_policy("jan", "Password123", &err), KT_EINVAL);
    /* ten characters, more bytes: counted as characters */
    assert_int_equal(access_password_policy("jan", "zażółćgęśl", &err), 0);
    assert_int_equal(access_password_policy("jan", "zażółćgęś", &err), KT_EINVAL);
    assert_int_equal(access_password_policy("jan", "abcdefghi\xff\xfe", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "UTF-8"));
    char big[ACCESS_PASSWORD_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(access_password_policy("jan", big, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "longer than"));
}

static void options_are_checked(void **state)
{
    (void)state;
    struct access_options o;
    struct kt_err err;
    access_options_default(&o);
    assert_int_equal(o.session_idle_ms, 30 * 60 * 1000);
    assert_int_equal(o.session_absolute_ms, 12 * 3600 * 1000);
    assert_int_equal(o.login_free_failures, 5);
    o.pwhash_ops = 0;
    assert_int_equal(access_set_options(&o, &err), KT_EINVAL);
    access_options_default(&o);
    o.pwhash_mem = 1024;
    assert_int_equal(access_set_options(&o, &err), KT_EINVAL);
    access_options_default(&o);
    o.session_idle_ms = o.session_absolute_ms + 1;
    assert_int_equal(access_set_options(&o, &err), KT_EINVAL);
    access_options_default(&o);
    o.login_free_failures = 0;
    assert_int_equal(access_set_options(&o, &err), KT_EINVAL);
    access_options_default(&o);
    o.throttle_cap_ms = o.throttle_base_ms - 1;
    assert_int_equal(access_set_options(&o, &err), KT_EINVAL);
    /* a refused setting leaves the cheap test cost in force */
    struct access_options now;
    access_get_options(&now);
    assert_int_equal(now.pwhash_ops, crypto_pwhash_argon2id_OPSLIMIT_MIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_and_verify),
        cmocka_unit_test(same_password_different_salt),
        cmocka_unit_test(rehash_when_parameters_change),
        cmocka_unit_test(other_algorithm_is_rejected),
        cmocka_unit_test(policy),
        cmocka_unit_test(options_are_checked),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
