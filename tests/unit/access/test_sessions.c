#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "fixture.h"

#define ST (((struct fixture *)*state)->st)
#define MIN (60 * 1000)

static void login_ok(struct store *st, const char *login, const char *prev,
                     struct access_session *s)
{
    struct kt_err err;
    if (access_login(st, login, FIX_PASSWORD, "10.0.0.1", "test-agent", prev, s, &err) != 0)
        fail_msg("login %s: %s", login, err.msg);
}

/* What the router does: the check (inside the request's read transaction),
 * then the bookkeeping it leaves. */
static int check(struct store *st, const char *token, struct access_principal *p)
{
    struct kt_err err;
    int rc = access_session_check(st, token, fix_clock, p, &err);
    if (access_touch(st, p, &err) != 0)
        fail_msg("touch: %s", err.msg);
    assert_int_equal(p->touch, ACCESS_TOUCH_NONE);
    return rc;
}

static void login_creates_session(void **state)
{
    struct access_session s;
    struct access_principal p;
    struct kt_err err;
    int64_t id = fix_staff(ST, "jan", "sales", NULL);
    assert_int_equal(access_login(ST, "JAN", FIX_PASSWORD, "10.0.0.1", "Firefox", NULL, &s, &err),
                     0);
    assert_int_equal(strlen(s.token), ACCESS_TOKEN_LEN);
    assert_int_equal(strlen(s.csrf), ACCESS_TOKEN_LEN);
    assert_string_not_equal(s.token, s.csrf);
    assert_int_equal(strspn(s.token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789-_"),
                     ACCESS_TOKEN_LEN);
    assert_int_equal(s.user_id, id);
    assert_int_equal(s.idle_expires_at, fix_clock + 30 * MIN);
    assert_int_equal(s.absolute_expires_at, fix_clock + 12 * 60 * MIN);
    assert_int_equal(check(ST, s.token, &p), 0);
    assert_int_equal(p.user.id, id);
    assert_string_equal(p.user.login, "jan");
    assert_int_equal(p.token_id, 0);
    assert_string_equal(p.csrf, s.csrf);
    assert_true(access_can(&p.perms, "orders.write"));
    assert_false(access_can(&p.perms, "bank.import"));
    assert_int_equal(fix_int(ST,
                             "SELECT count(*) FROM sessions WHERE ip = '10.0.0.1' AND "
                             "user_agent = 'Firefox'",
                             NULL),
                     1);
}

static void wrong_password_and_unknown_login_look_alike(void **state)
{
    struct access_session s;
    struct kt_err e1, e2;
    fix_staff(ST, "jan", NULL);
    assert_int_equal(access_login(ST, "jan", "wrong password!", "10.0.0.2", NULL, NULL, &s, &e1),
                     KT_EPERM);
    assert_int_equal(access_login(ST, "janek", "wrong password!", "10.0.0.2", NULL, NULL, &s, &e2),
                     KT_EPERM);
    assert_string_equal(e1.msg, "wrong login or password");
    assert_string_equal(e2.msg, e1.msg);
    assert_string_equal(s.token, "");
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM sessions", NULL), 0);
}

static void unknown_login_verifies_dummy_hash(void **state)
{
    struct access_session s;
    struct kt_err err;
    fix_staff(ST, "jan", NULL);
    unsigned long before = access_dummy_verifications();
    assert_int_equal(access_login(ST, "jan", "wrong password!", NULL, NULL, NULL, &s, &err),
                     KT_EPERM);
    assert_int_equal(access_dummy_verifications(), before); /* known: real hash */
    assert_int_equal(access_login(ST, "nosuchuser", "wrong password!", NULL, NULL, NULL, &s, &err),
                     KT_EPERM);
    assert_int_equal(access_dummy_verifications(), before + 1);
    assert_int_equal(access_login(ST, "bad login!", FIX_PASSWORD, NULL, NULL, NULL, &s, &err),
                     KT_EPERM);
    assert_int_equal(access_dummy_verifications(), before + 2);
    login_ok(ST, "jan", NULL, &s);
    assert_int_equal(access_dummy_verifications(), before + 2);
}

static void only_hashes_stored(void **state)
{
    struct access_session s;
    fix_staff(ST, "jan", NULL);
    login_ok(ST, "jan", NULL, &s);
    char *rows = fix_dump(ST, "sessions");
    assert_null(strstr(rows, s.token));
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * sizeof h + 1];
    crypto_hash_sha256(h, (const unsigned char *)s.token, strlen(s.token));
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    assert_non_null(strstr(rows, hex));
    free(rows);
    rows = fix_dump(ST, "users");
    assert_null(strstr(rows, FIX_PASSWORD));
    assert_null(strstr(rows, s.token));
    assert_non_null(strstr(rows, "$argon2id$"));
    free(rows);
    rows = fix_dump(ST, "events");
    assert_null(strstr(rows, s.token));
    assert_null(strstr(rows, FIX_PASSWORD));
    free(rows);
}

static void idle_expiry(void **state)
{
    struct access_session s;
    struct access_principal p;
    fix_staff(ST, "jan", NULL);
    login_ok(ST, "jan", NULL, &s);
    fix_clock += 30 * MIN - 1;
    assert_int_equal(check(ST, s.token, &p), 0); /* slides the idle expiry */
    fix_clock += 30 * MIN - 1;
    assert_int_equal(check(ST, s.token, &p), 0);
    fix_clock += 30 * MIN;
    struct kt_err err;
    assert_int_equal(access_session_check(ST, s.token, fix_clock, &p, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "expired; log in again"));
    assert_int_equal(p.user.id, 0);
    assert_int_equal(p.touch, ACCESS_TOUCH_END);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM sessions", NULL), 1); /* only read */
    assert_int_equal(access_touch(ST, &p, &err), 0);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM sessions", NULL), 0);
}

static void check_only_reads(void **state)
{
    struct access_session s;
    struct access_principal p;
    struct kt_err err;
    fix_staff(ST, "jan", "sales", NULL);
    login_ok(ST, "jan", NULL, &s);
    int64_t t0 = fix_clock;
    /* inside a read transaction, as a request runs it */
    assert_int_equal(store_begin_read(ST, &err), 0);
    assert_int_equal(access_session_check(ST, s.token, t0 + MIN, &p, &err), 0);
    assert_true(access_can(&p.perms, "orders.write")); /* read with the session */
    store_rollback(ST);
    assert_int_equal(p.touch, ACCESS_TOUCH_SEEN);
    assert_int_equal(p.idle_expires_at, t0 + 31 * MIN);
    assert_int_equal(fix_int(ST, "SELECT last_seen_at FROM sessions", NULL), t0);
    assert_int_equal(access_touch(ST, &p, &err), 0);
    assert_int_equal(fix_int(ST, "SELECT last_seen_at FROM sessions", NULL), t0 + MIN);
    assert_int_equal(p.touch, ACCESS_TOUCH_NONE);
    assert_int_equal(access_touch(ST, &p, &err), 0); /* nothing left to do */
}

static void failed_check_removes_nothing(void **state)
{
    struct access_session s;
    struct access_principal p;
    struct kt_err err;
    fix_staff(ST, "jan", NULL);
    login_ok(ST, "jan", NULL, &s);
    char other[ACCESS_TOKEN_LEN + 1];
    memset(other, 'B', ACCESS_TOKEN_LEN);
    other[ACCESS_TOKEN_LEN] = '\0';
    assert_int_equal(access_session_check(ST, other, fix_clock, &p, &err), KT_EPERM);
    assert_int_equal(p.touch, ACCESS_TOUCH_NONE); /* an unknown session: nothing to remove */
    assert_int_equal(access_touch(ST, &p, &err), 0);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM sessions", NULL), 1);
}

static void absolute_expiry(void **state)
{
    struct access_session s;
    struct access_principal p;
    fix_staff(ST, "jan", NULL);
    login_ok(ST, "jan", NULL, &s);
    int64_t start = fix_clock;
    while (fix_clock + 20 * MIN < start + 12 * 60 * MIN) {
        fix_clock += 20 * MIN;
        assert_int_equal(check(ST, s.token, &p), 0);
        assert_true(p.idle_expires_at <= p.absolute_expires_at);
    }
    fix_clock = start + 12 * 60 * MIN - 1;
    assert_int_equal(check(ST, s.token, &p), 0);
    fix_clock = start + 12 * 60 * MIN;
    assert_int_equal(check(ST, s.token, &p), KT_EPERM);
}

static void last_seen_written_at_most_once_a_minute(void **state)
{
    struct access_session s;
    struct access_principal p;
    fix_staff(ST, "jan", NULL);
    login_ok(ST, "jan", NULL, &s);
    int64_t t0 = fix_clock;
    fix_clock += 30 * 1000;
    assert_int_equal(check(ST, s.token, &p), 0);
    assert_int_equal(fix_int(ST, "SELECT last_seen_at FROM sessions", NULL), t0);
    assert_int_equal(p.idle_expires_at, t0 + 30 * MIN);
    fix_clock = t0 + MIN;
    assert_int_equal(check(ST, s.token, &p), 0);
    assert_int_equal(fix_int(ST, "SELECT last_seen_at FROM sessions", NULL), t0 + MIN);
    assert_int_equal(fix_int(ST, "SELECT idle_expires_at FROM sessions", NULL), t0 + 31 * MIN);
    assert_int_equal(p.idle_expires_at, t0 + 31 * MIN);
}

static void bad_tokens(void **state)
{
    struct access_principal p;
    struct kt_err err;
    assert_int_equal(access_session_check(ST, NULL, fix_clock, &p, &err), KT_EPERM);
    assert_int_equal(access_session_check(ST, "", fix_clock, &p, &err), KT_EPERM);
    assert_int_equal(access_session_check(ST, "short", fix_clock, &p, &err), KT_EPERM);
    char forged[ACCESS_TOKEN_LEN + 1];
    memset(forged, 'A', ACCESS_TOKEN_LEN);
    forged[ACCESS_TOKEN_LEN] = '\0';
    assert_int_equal(access_session_check(ST, forged, fix_clock, &p, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "log in again"));
}

static void rotation_at_login(void **state)
{
    struct access_session a, b, other;
    struct access_principal p;
    fix_staff(ST, "jan", NULL);
    login_ok(ST, "jan", NULL, &a);
    login_ok(ST, "jan", NULL, &other); /* another device */
    login_ok(ST, "jan", a.token, &b);  /* the browser sent cookie a */
    assert_string_not_equal(a.token, b.token);
    assert_string_not_equal(a.csrf, b.csrf);
    assert_int_equal(check(ST, a.token, &p), KT_EPERM);
    assert_int_equal(check(ST, b.token, &p), 0);
    assert_int_equal(check(ST, other.token, &p), 0);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM sessions", NULL), 2);
}

static void logout_one_and_all(void **state)
{
    struct access_session a, b, c;
    struct access_principal p;
    struct kt_err err;
    int64_t jan = fix_staff(ST, "jan", NULL);
    fix_staff(ST, "ewa", NULL);
    login_ok(ST, "jan", NULL, &a);
    login_ok(ST, "jan", NULL, &b);
    login_ok(ST, "ewa", NULL, &c);
    assert_int_equal(access_logout(ST, a.token, &err), 0);
    assert_int_equal(check(ST, a.token, &p), KT_EPERM);
    assert_int_equal(check(ST, b.token, &p), 0);
    assert_int_equal(access_logout(ST, a.token, &err), 0); /* again: nothing to do */
    assert_int_equal(access_logout(ST, NULL, &err), 0);
    login_ok(ST, "jan", NULL, &a);
    int64_t ended = 0;
    assert_int_equal(access_logout_all(ST, jan, &ended, &err), 0);
    assert_int_equal(ended, 2);
    assert_int_equal(check(ST, a.token, &p), KT_EPERM);
    assert_int_equal(check(ST, b.token, &p), KT_EPERM);
    assert_int_equal(check(ST, c.token, &p), 0);
}

static void password_change_ends_sessions(void **state)
{
    struct access_session a;
    struct access_principal p;
    struct kt_err err;
    struct access_user u;
    int64_t jan = fix_staff(ST, "jan", NULL);
    login_ok(ST, "jan", NULL, &a);
    fix_clock += 5000;
    assert_int_equal(access_user_set_password(ST, jan, "jan", &err), KT_EINVAL);
    assert_int_equal(access_user_set_password(ST, jan, "Tr0mbone staple", &err), 0);
    assert_int_equal(check(ST, a.token, &p), KT_EPERM);
    assert_int_equal(access_user_get(ST, jan, &u, &err), 0);
    assert_int_equal(u.password_changed_at, fix_clock);
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, NULL, NULL, NULL, &a, &err), KT_EPERM);
    assert_int_equal(access_login(ST, "jan", "Tr0mbone staple", NULL, NULL, NULL, &a, &err), 0);
}

static void disabled_user(void **state)
{
    struct access_session a;
    struct access_principal p;
    struct kt_err err;
    int64_t jan = fix_staff(ST, "jan", NULL);
    login_ok(ST, "jan", NULL, &a);
    assert_int_equal(access_user_set_active(ST, jan, 0, &err), 0);
    assert_int_equal(check(ST, a.token, &p), KT_EPERM);
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, NULL, NULL, NULL, &a, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "disabled"));
    assert_int_equal(access_login(ST, "jan", "wrong password!", NULL, NULL, NULL, &a, &err),
                     KT_EPERM);
    assert_string_equal(err.msg, "wrong login or password");
}

static void csrf(void **state)
{
    struct access_session a, b;
    struct access_principal p;
    fix_staff(ST, "jan", NULL);
    login_ok(ST, "jan", NULL, &a);
    login_ok(ST, "jan", NULL, &b);
    assert_int_equal(check(ST, a.token, &p), 0);
    assert_true(access_csrf_ok(&p, a.csrf));
    assert_false(access_csrf_ok(&p, b.csrf)); /* another session's token */
    char wrong[ACCESS_TOKEN_LEN + 1];
    memcpy(wrong, a.csrf, sizeof wrong);
    wrong[ACCESS_TOKEN_LEN - 1] = wrong[ACCESS_TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
    assert_false(access_csrf_ok(&p, wrong));
    wrong[ACCESS_TOKEN_LEN - 1] = '\0';
    assert_false(access_csrf_ok(&p, wrong));
    assert_false(access_csrf_ok(&p, ""));
    assert_false(access_csrf_ok(&p, NULL));
    assert_false(access_csrf_ok(NULL, a.csrf));
    struct access_principal empty;
    memset(&empty, 0, sizeof empty);
    assert_false(access_csrf_ok(&empty, ""));
}

static int fail_login(struct store *st, const char *login, const char *ip, struct access_session *s,
                      struct kt_err *err)
{
    return access_login(st, login, "wrong password!", ip, NULL, NULL, s, err);
}

static void throttle_account_backoff_and_reset(void **state)
{
    struct access_session s;
    struct kt_err err;
    fix_staff(ST, "jan", NULL);
    for (int i = 0; i < 4; i++)
        assert_int_equal(fail_login(ST, "jan", NULL, &s, &err), KT_EPERM);
    assert_int_equal(
        fix_int(ST, "SELECT locked_until FROM login_throttle WHERE key = 'login:jan'", NULL), 0);
    assert_int_equal(fail_login(ST, "jan", NULL, &s, &err), KT_EPERM); /* 5th: locks 1 s */
    /* refused even with the right password, and says how long to wait */
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, NULL, NULL, NULL, &s, &err), KT_EBUSY);
    assert_string_equal(err.msg, "too many failed logins; try again in 1 second");
    assert_int_equal(s.retry_after_ms, 1000);
    fix_clock += 400;
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, NULL, NULL, NULL, &s, &err), KT_EBUSY);
    assert_int_equal(s.retry_after_ms, 600);
    fix_clock += 600;
    assert_int_equal(fail_login(ST, "jan", NULL, &s, &err), KT_EPERM); /* 6th: 2 s */
    assert_int_equal(fail_login(ST, "jan", NULL, &s, &err), KT_EBUSY);
    assert_int_equal(s.retry_after_ms, 2000);
    fix_clock += 2000;
    assert_int_equal(fail_login(ST, "jan", NULL, &s, &err), KT_EPERM); /* 7th: 4 s */
    assert_int_equal(fail_login(ST, "jan", NULL, &s, &err), KT_EBUSY);
    assert_string_equal(err.msg, "too many failed logins; try again in 4 seconds");
    fix_clock += 4000;
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, NULL, NULL, NULL, &s, &err), 0);
    assert_int_equal(
        fix_int(ST, "SELECT count(*) FROM login_throttle WHERE key = 'login:jan'", NULL), 0);
    /* the counter starts over */
    for (int i = 0; i < 4; i++)
        assert_int_equal(fail_login(ST, "jan", NULL, &s, &err), KT_EPERM);
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, NULL, NULL, NULL, &s, &err), 0);
}

static void throttle_backoff_is_capped(void **state)
{
    struct access_session s;
    struct kt_err err;
    fix_staff(ST, "jan", NULL);
    int64_t last = 0;
    for (int i = 0; i < 20; i++) {
        assert_int_equal(fail_login(ST, "jan", NULL, &s, &err), KT_EPERM);
        int64_t until =
            fix_int(ST, "SELECT locked_until FROM login_throttle WHERE key = 'login:jan'", NULL);
        last = until > fix_clock ? until - fix_clock : 0;
        fix_clock += last;
    }
    assert_int_equal(last, 15 * MIN);
}

static void throttle_unknown_login_too(void **state)
{
    struct access_session s;
    struct kt_err err;
    for (int i = 0; i < 5; i++)
        assert_int_equal(fail_login(ST, "ghost", NULL, &s, &err), KT_EPERM);
    assert_int_equal(fail_login(ST, "ghost", NULL, &s, &err), KT_EBUSY);
    assert_int_equal(fail_login(ST, "GHOST", NULL, &s, &err), KT_EBUSY);
}

static void few_per_address(struct access_options *o)
{
    o->address_free_failures = 3;
}

static void throttle_per_address(void **state)
{
    struct access_session s;
    struct kt_err err;
    fix_options(few_per_address);
    fix_staff(ST, "jan", NULL);
    /* three different accounts from one address */
    assert_int_equal(fail_login(ST, "a1", "192.0.2.7", &s, &err), KT_EPERM);
    assert_int_equal(fail_login(ST, "a2", "192.0.2.7", &s, &err), KT_EPERM);
    assert_int_equal(fail_login(ST, "a3", "192.0.2.7", &s, &err), KT_EPERM);
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, "192.0.2.7", NULL, NULL, &s, &err),
                     KT_EBUSY);
    assert_int_equal(s.retry_after_ms, 1000);
    /* another address is not affected, and jan's account is not locked */
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, "192.0.2.8", NULL, NULL, &s, &err), 0);
    fix_clock += 1000;
    assert_int_equal(fail_login(ST, "a4", "192.0.2.7", &s, &err), KT_EPERM); /* 4th: 2 s */
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, "192.0.2.7", NULL, NULL, &s, &err),
                     KT_EBUSY);
    assert_int_equal(s.retry_after_ms, 2000);
    fix_clock += 2000;
    /* success clears the account, not the address */
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, "192.0.2.7", NULL, NULL, &s, &err), 0);
    assert_int_equal(
        fix_int(ST, "SELECT failures FROM login_throttle WHERE key = 'addr:192.0.2.7'", NULL), 4);
}

static void throttle_forgets_old_failures(void **state)
{
    struct access_session s;
    struct kt_err err;
    fix_staff(ST, "jan", NULL);
    for (int i = 0; i < 4; i++)
        assert_int_equal(fail_login(ST, "jan", NULL, &s, &err), KT_EPERM);
    fix_clock += (int64_t)24 * 60 * MIN + 1;
    assert_int_equal(fail_login(ST, "jan", NULL, &s, &err), KT_EPERM);
    assert_int_equal(
        fix_int(ST, "SELECT failures FROM login_throttle WHERE key = 'login:jan'", NULL), 1);
    assert_int_equal(access_login(ST, "jan", FIX_PASSWORD, NULL, NULL, NULL, &s, &err), 0);
}

static void dearer(struct access_options *o)
{
    o->pwhash_ops = crypto_pwhash_argon2id_OPSLIMIT_MIN + 1;
}

static void rehash_on_login(void **state)
{
    struct access_session s;
    struct kt_err err;
    char before[256], after[256];
    struct store_stmt *q = NULL;
    fix_staff(ST, "jan", NULL);
    const char *sql = "SELECT password_hash FROM users WHERE login = 'jan'";
    assert_int_equal(store_prepare(ST, sql, &q, &err), 0);
    assert_int_equal(store_step(q, &err), STORE_ROW);
    snprintf(before, sizeof before, "%s", store_col_text(q, 0));
    store_stmt_done(q);
    login_ok(ST, "jan", NULL, &s); /* same parameters: unchanged */
    assert_int_equal(store_prepare(ST, sql, &q, &err), 0);
    assert_int_equal(store_step(q, &err), STORE_ROW);
    assert_string_equal(store_col_text(q, 0), before);
    store_stmt_done(q);

    fix_options(dearer);
    assert_true(access_password_needs_rehash(before));
    assert_int_equal(access_login(ST, "jan", "wrong password!", NULL, NULL, NULL, &s, &err),
                     KT_EPERM);
    assert_int_equal(store_prepare(ST, sql, &q, &err), 0);
    assert_int_equal(store_step(q, &err), STORE_ROW);
    assert_string_equal(store_col_text(q, 0), before); /* not on a failure */
    store_stmt_done(q);
    login_ok(ST, "jan", NULL, &s);
    assert_int_equal(store_prepare(ST, sql, &q, &err), 0);
    assert_int_equal(store_step(q, &err), STORE_ROW);
    snprintf(after, sizeof after, "%s", store_col_text(q, 0));
    store_stmt_done(q);
    assert_string_not_equal(after, before);
    assert_false(access_password_needs_rehash(after));
    assert_true(access_password_verify(after, FIX_PASSWORD));
    login_ok(ST, "jan", NULL, &s);
}

static void prune(void **state)
{
    struct access_session a, b, s;
    struct kt_err err;
    int64_t removed = 0;
    fix_staff(ST, "jan", NULL);
    login_ok(ST, "jan", NULL, &a);
    fix_clock += 20 * MIN;
    login_ok(ST, "jan", NULL, &b);
    assert_int_equal(fail_login(ST, "ghost", NULL, &s, &err), KT_EPERM);
    fix_clock += 15 * MIN; /* a idle-expired, b alive */
    assert_int_equal(access_prune(ST, fix_clock, &removed, &err), 0);
    assert_int_equal(removed, 1);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM sessions", NULL), 1);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM login_throttle", NULL), 1);
    fix_clock += (int64_t)25 * 60 * MIN;
    assert_int_equal(access_prune(ST, fix_clock, &removed, &err), 0);
    assert_int_equal(removed, 2);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM login_throttle", NULL), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
    const struct CMUnitTest tests[] = {
        T(login_creates_session),
        T(wrong_password_and_unknown_login_look_alike),
        T(unknown_login_verifies_dummy_hash),
        T(only_hashes_stored),
        T(idle_expiry),
        T(check_only_reads),
        T(failed_check_removes_nothing),
        T(absolute_expiry),
        T(last_seen_written_at_most_once_a_minute),
        T(bad_tokens),
        T(rotation_at_login),
        T(logout_one_and_all),
        T(password_change_ends_sessions),
        T(disabled_user),
        T(csrf),
        T(throttle_account_backoff_and_reset),
        T(throttle_backoff_is_capped),
        T(throttle_unknown_login_too),
        T(throttle_per_address),
        T(throttle_forgets_old_failures),
        T(rehash_on_login),
        T(prune),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
