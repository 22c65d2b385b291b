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
#include "base/arena.h"

#define ST (((struct fixture *)*state)->st)

/* A staff role with api and catalog.read, for integrations. */
static void make_integrator_role(struct store *st)
{
    struct access_role r;
    struct kt_err err;
    memset(&r, 0, sizeof r);
    snprintf(r.code, sizeof r.code, "integrator");
    snprintf(r.name, sizeof r.name, "Integration");
    r.kind = ACCESS_STAFF;
    access_perms_add(&r.perms, "api", NULL);
    access_perms_add(&r.perms, "catalog.read", NULL);
    access_perms_add(&r.perms, "orders.read", NULL);
    if (access_role_create(st, &r, &err) != 0)
        fail_msg("role: %s", err.msg);
}

static int64_t integrator(struct store *st, const char *login)
{
    make_integrator_role(st);
    return fix_staff(st, login, "integrator", NULL);
}

static void create_and_check(void **state)
{
    char tok[ACCESS_API_TOKEN_LEN + 1];
    struct access_api_token t;
    struct access_principal p;
    struct kt_err err;
    int64_t id = integrator(ST, "shopbot");
    assert_int_equal(access_token_create(ST, id, "shop sync", "catalog.read,orders.read", 0, tok,
                                         sizeof tok, &t, &err),
                     0);
    assert_int_equal(strlen(tok), ACCESS_API_TOKEN_LEN);
    assert_memory_equal(tok, "kt_", 3);
    assert_true(t.id > 0);
    assert_string_equal(t.scopes, "catalog.read orders.read");
    assert_int_equal(t.expires_at, 0);
    assert_int_equal(access_token_check(ST, tok, fix_clock, &p, &err), 0);
    assert_int_equal(p.user.id, id);
    assert_int_equal(p.token_id, t.id);
    assert_true(access_can(&p.perms, "catalog.read"));
    assert_true(access_can(&p.perms, "orders.read"));
    assert_false(access_can(&p.perms, "api")); /* not a scope of this token */
    assert_false(access_can(&p.perms, "catalog.write"));
    assert_string_equal(p.csrf, "");
    assert_int_equal(access_touch(ST, &p, &err), 0);
    assert_int_equal(fix_int(ST, "SELECT last_used_at FROM api_tokens", NULL), fix_clock);
}

static void scopes_are_a_subset(void **state)
{
    char tok[ACCESS_API_TOKEN_LEN + 1];
    struct kt_err err;
    int64_t id = integrator(ST, "shopbot");
    assert_int_equal(access_token_create(ST, id, "x", "catalog.read catalog.write", 0, tok,
                                         sizeof tok, NULL, &err),
                     KT_EPERM);
    assert_non_null(strstr(err.msg, "does not have the permission catalog.write"));
    assert_string_equal(tok, "");
    assert_int_equal(
        access_token_create(ST, id, "x", "catalog.read nonsense", 0, tok, sizeof tok, NULL, &err),
        KT_EINVAL);
    assert_non_null(strstr(err.msg, "'nonsense' is not a permission"));
    assert_int_equal(access_token_create(ST, id, "x", " , ", 0, tok, sizeof tok, NULL, &err),
                     KT_EINVAL);
    assert_int_equal(
        access_token_create(ST, id, "", "catalog.read", 0, tok, sizeof tok, NULL, &err), KT_EINVAL);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM api_tokens", NULL), 0);
}

static void api_permission_required(void **state)
{
    char tok[ACCESS_API_TOKEN_LEN + 1];
    struct kt_err err;
    int64_t id = fix_staff(ST, "clerk", "sales", NULL);
    assert_int_equal(
        access_token_create(ST, id, "x", "orders.read", 0, tok, sizeof tok, NULL, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "may not use the API"));
    /* admin implies api and every staff scope */
    int64_t adm = fix_staff(ST, "root", "admin", NULL);
    assert_int_equal(access_token_create(ST, adm, "x", "orders.write users.manage", 0, tok,
                                         sizeof tok, NULL, &err),
                     0);
}

static void customer_token_cannot_reach_staff(void **state)
{
    char tok[ACCESS_API_TOKEN_LEN + 1];
    struct access_role r;
    struct kt_err err;
    memset(&r, 0, sizeof r);
    snprintf(r.code, sizeof r.code, "customer_api");
    snprintf(r.name, sizeof r.name, "Customer API");
    r.kind = ACCESS_CUSTOMER;
    access_perms_add(&r.perms, "api", NULL);
    access_perms_add(&r.perms, "portal.orders", NULL);
    assert_int_equal(access_role_create(ST, &r, &err), 0);
    int64_t cust = fix_customer(ST, "K001");
    int64_t id = fix_customer_user(ST, "erp@k001.pl", cust, "customer_api", NULL);
    assert_int_equal(
        access_token_create(ST, id, "erp", "orders.read", 0, tok, sizeof tok, NULL, &err),
        KT_EPERM);
    assert_int_equal(
        access_token_create(ST, id, "erp", "portal.orders", 0, tok, sizeof tok, NULL, &err), 0);
}

static void expiry(void **state)
{
    char tok[ACCESS_API_TOKEN_LEN + 1];
    struct access_principal p;
    struct kt_err err;
    int64_t id = integrator(ST, "shopbot");
    assert_int_equal(access_token_create(ST, id, "x", "catalog.read", fix_clock - 1, tok,
                                         sizeof tok, NULL, &err),
                     KT_EINVAL);
    int64_t exp = fix_clock + 3600 * 1000;
    assert_int_equal(
        access_token_create(ST, id, "x", "catalog.read", exp, tok, sizeof tok, NULL, &err), 0);
    assert_int_equal(access_token_check(ST, tok, exp - 1, &p, &err), 0);
    assert_int_equal(access_token_check(ST, tok, exp, &p, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "expired"));
    assert_false(access_can(&p.perms, "catalog.read"));
}

static void revoke_and_list(void **state)
{
    char t1[ACCESS_API_TOKEN_LEN + 1], t2[ACCESS_API_TOKEN_LEN + 1], t3[ACCESS_API_TOKEN_LEN + 1];
    struct access_api_token a, b, *list;
    struct access_principal p;
    struct kt_err err;
    struct kt_arena ar;
    size_t n;
    int64_t id = integrator(ST, "shopbot");
    int64_t other = fix_staff(ST, "other", "integrator", NULL);
    assert_int_equal(
        access_token_create(ST, id, "first", "catalog.read", 0, t1, sizeof t1, &a, &err), 0);
    fix_clock += 1000;
    assert_int_equal(
        access_token_create(ST, id, "second", "orders.read", 0, t2, sizeof t2, &b, &err), 0);
    assert_int_equal(
        access_token_create(ST, other, "theirs", "orders.read", 0, t3, sizeof t3, NULL, &err), 0);
    assert_string_not_equal(t1, t2);
    int64_t events = fix_int(ST, "SELECT count(*) FROM events", NULL);
    assert_int_equal(access_token_revoke(ST, a.id, &err), 0);
    assert_int_equal(access_token_revoke(ST, a.id, &err), 0); /* twice is fine */
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM events", NULL), events + 1);
    assert_int_equal(access_token_revoke(ST, 99999, &err), KT_ENOTFOUND);
    assert_int_equal(access_token_check(ST, t1, fix_clock, &p, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "revoked"));
    assert_int_equal(access_token_check(ST, t2, fix_clock, &p, &err), 0);
    assert_int_equal(access_touch(ST, &p, &err), 0);

    kt_arena_init(&ar, 0);
    assert_int_equal(access_token_list(ST, id, &ar, &list, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "second");
    assert_int_equal(list[0].revoked, 0);
    assert_int_equal(list[0].last_used_at, fix_clock);
    assert_string_equal(list[1].name, "first");
    assert_int_equal(list[1].revoked, 1);
    assert_int_equal(list[1].last_used_at, 0);
    assert_int_equal(access_token_list(ST, 0, &ar, &list, &n, &err), 0);
    assert_int_equal(n, 3);
    kt_arena_release(&ar);
}

static void bad_tokens(void **state)
{
    struct access_principal p;
    struct kt_err err;
    char forged[ACCESS_API_TOKEN_LEN + 1];
    memset(forged, 'A', sizeof forged - 1);
    forged[sizeof forged - 1] = '\0';
    assert_int_equal(access_token_check(ST, forged, fix_clock, &p, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "not a kontor API token"));
    memcpy(forged, "kt_", 3);
    assert_int_equal(access_token_check(ST, forged, fix_clock, &p, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "unknown API token"));
    assert_int_equal(access_token_check(ST, NULL, fix_clock, &p, &err), KT_EPERM);
    assert_int_equal(access_token_check(ST, "kt_short", fix_clock, &p, &err), KT_EPERM);
}

static void scopes_follow_the_user(void **state)
{
    char tok[ACCESS_API_TOKEN_LEN + 1];
    struct access_principal p;
    struct kt_err err;
    int64_t id = integrator(ST, "shopbot");
    assert_int_equal(access_user_role_add(ST, id, "warehouse", &err), 0);
    assert_int_equal(access_token_create(ST, id, "x", "catalog.read stock.write", 0, tok,
                                         sizeof tok, NULL, &err),
                     0);
    assert_int_equal(access_token_check(ST, tok, fix_clock, &p, &err), 0);
    assert_true(access_can(&p.perms, "stock.write"));
    /* the role goes, the scope goes with it */
    assert_int_equal(access_user_role_remove(ST, id, "warehouse", &err), 0);
    assert_int_equal(access_token_check(ST, tok, fix_clock, &p, &err), 0);
    assert_false(access_can(&p.perms, "stock.write"));
    assert_true(access_can(&p.perms, "catalog.read"));
    /* without api the token stops working */
    assert_int_equal(access_user_role_remove(ST, id, "integrator", &err), 0);
    assert_int_equal(access_token_check(ST, tok, fix_clock, &p, &err), KT_EPERM);
}

static void disabled_user_token(void **state)
{
    char tok[ACCESS_API_TOKEN_LEN + 1];
    struct access_principal p;
    struct kt_err err;
    int64_t id = integrator(ST, "shopbot");
    assert_int_equal(
        access_token_create(ST, id, "x", "catalog.read", 0, tok, sizeof tok, NULL, &err), 0);
    assert_int_equal(access_user_set_active(ST, id, 0, &err), 0);
    assert_int_equal(access_token_check(ST, tok, fix_clock, &p, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "disabled"));
    assert_int_equal(access_user_set_active(ST, id, 1, &err), 0);
    assert_int_equal(access_token_check(ST, tok, fix_clock, &p, &err), 0);
}

static void last_used_written_at_most_once_a_minute(void **state)
{
    char tok[ACCESS_API_TOKEN_LEN + 1];
    struct access_principal p;
    struct kt_err err;
    int64_t id = integrator(ST, "shopbot");
    assert_int_equal(
        access_token_create(ST, id, "x", "catalog.read", 0, tok, sizeof tok, NULL, &err), 0);
    int64_t t0 = fix_clock;
    assert_int_equal(access_token_check(ST, tok, t0, &p, &err), 0);
    assert_int_equal(p.touch, ACCESS_TOUCH_SEEN);
    assert_true(fix_int(ST, "SELECT count(*) FROM api_tokens WHERE last_used_at IS NULL", NULL) ==
                1); /* the check only reads */
    assert_int_equal(access_touch(ST, &p, &err), 0);
    assert_int_equal(p.touch, ACCESS_TOUCH_NONE);
    assert_int_equal(access_token_check(ST, tok, t0 + 59999, &p, &err), 0);
    assert_int_equal(p.touch, ACCESS_TOUCH_NONE);
    assert_int_equal(fix_int(ST, "SELECT last_used_at FROM api_tokens", NULL), t0);
    assert_int_equal(access_token_check(ST, tok, t0 + 60000, &p, &err), 0);
    assert_int_equal(access_touch(ST, &p, &err), 0);
    assert_int_equal(fix_int(ST, "SELECT last_used_at FROM api_tokens", NULL), t0 + 60000);
}

static void admin_token_scopes(void **state)
{
    char tok[ACCESS_API_TOKEN_LEN + 1];
    struct access_principal p;
    struct kt_err err;
    int64_t id = fix_staff(ST, "boss", "admin", NULL);
    /* admin implies api and every staff permission, never a portal one */
    assert_int_equal(access_token_create(ST, id, "x", "catalog.read prices.write", 0, tok,
                                         sizeof tok, NULL, &err),
                     0);
    assert_int_equal(access_token_check(ST, tok, fix_clock, &p, &err), 0);
    assert_true(access_perms_has(&p.perms, "catalog.read"));
    assert_true(access_perms_has(&p.perms, "prices.write"));
    assert_int_equal(access_perms_count(&p.perms), 2); /* the scopes, not all admin may do */
    assert_false(access_can(&p.perms, "customers.read"));
    assert_int_equal(
        access_token_create(ST, id, "y", "portal.orders", 0, tok, sizeof tok, NULL, &err),
        KT_EPERM);
}

static void only_hash_stored(void **state)
{
    char tok[ACCESS_API_TOKEN_LEN + 1];
    struct kt_err err;
    int64_t id = integrator(ST, "shopbot");
    assert_int_equal(
        access_token_create(ST, id, "x", "catalog.read", 0, tok, sizeof tok, NULL, &err), 0);
    const char *tables[] = {"api_tokens", "users", "events", "sessions"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char *rows = fix_dump(ST, tables[i]);
        assert_null(strstr(rows, tok));
        assert_null(strstr(rows, tok + 3)); /* nor without its prefix */
        free(rows);
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * sizeof h + 1];
    crypto_hash_sha256(h, (const unsigned char *)tok, strlen(tok));
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM api_tokens WHERE token_hash = ?1", hex), 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
    const struct CMUnitTest tests[] = {
        T(create_and_check),
        T(scopes_are_a_subset),
        T(api_permission_required),
        T(customer_token_cannot_reach_staff),
        T(expiry),
        T(revoke_and_list),
        T(bad_tokens),
        T(scopes_follow_the_user),
        T(disabled_user_token),
        T(last_used_written_at_most_once_a_minute),
        T(admin_token_scopes),
        T(only_hash_stored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
