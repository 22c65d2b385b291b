#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "base/arena.h"

#define ST (((struct fixture *)*state)->st)

static void seeded_roles(void **state)
{
    struct kt_arena a;
    struct access_role *r;
    size_t n;
    struct kt_err err;
    kt_arena_init(&a, 0);
    assert_int_equal(access_role_list(ST, &a, &r, &n, &err), 0);
    const char *want[] = {"accountant",         "admin",           "sales",
                          "warehouse",          "customer_all",    "customer_buyer",
                          "customer_documents", "customer_service"};
    assert_int_equal(n, 8);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(r[i].code, want[i]);
        assert_int_equal(r[i].kind, i < 4 ? ACCESS_STAFF : ACCESS_CUSTOMER);
    }
    char buf[256];
    access_perms_format(&r[1].perms, " ", buf, sizeof buf);
    assert_string_equal(buf, "admin");
    access_perms_format(&r[4].perms, " ", buf, sizeof buf);
    assert_string_equal(buf, "portal.orders portal.service portal.documents");
    access_perms_format(&r[5].perms, " ", buf, sizeof buf);
    assert_string_equal(buf, "portal.orders");
    access_perms_format(&r[3].perms, " ", buf, sizeof buf);
    assert_string_equal(buf, "catalog.read stock.write orders.read shipping.write");
    kt_arena_release(&a);
}

/* Every permission the migration grants is in the C table: a typo in the
 * seed would grant nothing silently. */
static void seeded_permissions_are_known(void **state)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    assert_int_equal(
        store_prepare(ST, "SELECT DISTINCT permission FROM role_permissions", &s, &err), 0);
    int rows = 0;
    while (store_step(s, &err) == STORE_ROW) {
        const char *code = store_col_text(s, 0);
        if (!access_permission_find(code))
            fail_msg("unknown permission %s in role_permissions", code);
        rows++;
    }
    store_stmt_done(s);
    assert_int_equal(rows, 14);
}

static void create_and_get(void **state)
{
    struct access_user u, g;
    struct kt_err err;
    memset(&u, 0, sizeof u);
    snprintf(u.login, sizeof u.login, "Jan.Kowalski@Firma.PL");
    snprintf(u.name, sizeof u.name, "Jan Kowalski");
    snprintf(u.email, sizeof u.email, "jan@firma.pl");
    const char *roles[] = {"sales"};
    assert_int_equal(access_user_create(ST, &u, FIX_PASSWORD, roles, 1, &err), 0);
    assert_true(u.id > 0);
    assert_string_equal(u.login, "jan.kowalski@firma.pl");
    assert_string_equal(u.lang, "pl");
    assert_int_equal(u.active, 1);
    assert_int_equal(u.created_at, fix_clock);
    assert_int_equal(access_user_get_by_login(ST, "JAN.kowalski@firma.pl", &g, &err), 0);
    assert_int_equal(g.id, u.id);
    assert_string_equal(g.name, "Jan Kowalski");
    assert_string_equal(g.email, "jan@firma.pl");
    assert_int_equal(g.kind, ACCESS_STAFF);
    assert_int_equal(g.customer_id, 0);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM events WHERE type = 'user.changed'", NULL),
                     1);
    assert_int_equal(access_user_get_by_login(ST, "nobody", &g, &err), KT_ENOTFOUND);
    assert_int_equal(access_user_get(ST, 9999, &g, &err), KT_ENOTFOUND);
}

static void login_unique_in_any_case(void **state)
{
    struct access_user u;
    struct kt_err err;
    fix_staff(ST, "anna", NULL);
    memset(&u, 0, sizeof u);
    snprintf(u.login, sizeof u.login, "ANNA");
    snprintf(u.name, sizeof u.name, "Anna 2");
    assert_int_equal(access_user_create(ST, &u, FIX_PASSWORD, NULL, 0, &err), KT_EEXIST);
    assert_non_null(strstr(err.msg, "'anna' is taken"));
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM users", NULL), 1);
}

static void weak_password_refused(void **state)
{
    struct access_user u;
    struct kt_err err;
    memset(&u, 0, sizeof u);
    snprintf(u.login, sizeof u.login, "piotr");
    snprintf(u.name, sizeof u.name, "Piotr");
    assert_int_equal(access_user_create(ST, &u, "qwertyuiop", NULL, 0, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "user piotr: "));
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM users", NULL), 0);
}

static void bad_fields_refused(void **state)
{
    struct access_user u;
    struct kt_err err;
    memset(&u, 0, sizeof u);
    snprintf(u.login, sizeof u.login, "ewa");
    assert_int_equal(access_user_create(ST, &u, FIX_PASSWORD, NULL, 0, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "needs a name"));
    snprintf(u.name, sizeof u.name, "Ewa");
    snprintf(u.email, sizeof u.email, "not-an-address");
    assert_int_equal(access_user_create(ST, &u, FIX_PASSWORD, NULL, 0, &err), KT_EINVAL);
    u.email[0] = '\0';
    snprintf(u.lang, sizeof u.lang, "de");
    assert_int_equal(access_user_create(ST, &u, FIX_PASSWORD, NULL, 0, &err), KT_EINVAL);
    u.lang[0] = '\0';
    u.customer_id = 1;
    assert_int_equal(access_user_create(ST, &u, FIX_PASSWORD, NULL, 0, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "staff user ewa cannot belong to a customer"));
    u.customer_id = 0;
    u.kind = ACCESS_CUSTOMER;
    assert_int_equal(access_user_create(ST, &u, FIX_PASSWORD, NULL, 0, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "must belong to a customer"));
    u.customer_id = 424242;
    assert_int_equal(access_user_create(ST, &u, FIX_PASSWORD, NULL, 0, &err), KT_EFOREIGN);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM users", NULL), 0);
}

static void unknown_role_refused(void **state)
{
    struct access_user u;
    struct kt_err err;
    memset(&u, 0, sizeof u);
    snprintf(u.login, sizeof u.login, "ola");
    snprintf(u.name, sizeof u.name, "Ola");
    const char *roles[] = {"sales", "boss"};
    assert_int_equal(access_user_create(ST, &u, FIX_PASSWORD, roles, 2, &err), KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no role 'boss'"));
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM users", NULL), 0);
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM user_roles", NULL), 0);
}

static void customer_user_cannot_get_staff_roles(void **state)
{
    struct access_user u;
    struct access_perms p;
    struct kt_err err;
    int64_t cust = fix_customer(ST, "K001");
    memset(&u, 0, sizeof u);
    u.kind = ACCESS_CUSTOMER;
    u.customer_id = cust;
    snprintf(u.login, sizeof u.login, "buyer@k001.pl");
    snprintf(u.name, sizeof u.name, "Buyer");
    const char *roles[] = {"customer_buyer", "admin"};
    assert_int_equal(access_user_create(ST, &u, FIX_PASSWORD, roles, 2, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "cannot get the staff role admin"));
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM users", NULL), 0);

    int64_t id = fix_customer_user(ST, "buyer@k001.pl", cust, "customer_buyer", NULL);
    assert_int_equal(access_user_role_add(ST, id, "sales", &err), KT_EPERM);
    assert_int_equal(access_user_role_add(ST, id, "admin", &err), KT_EPERM);
    assert_int_equal(access_user_permissions(ST, id, &p, &err), 0);
    assert_true(access_can(&p, "portal.orders"));
    assert_false(access_can(&p, "catalog.read"));

    /* Even a staff role slipped into the table past the API grants nothing. */
    char sql[160];
    snprintf(sql, sizeof sql,
             "INSERT INTO user_roles (user_id, role_id) SELECT %lld, id FROM roles "
             "WHERE code = 'admin'",
             (long long)id);
    assert_int_equal(store_exec(ST, sql, &err), 0);
    assert_int_equal(access_user_permissions(ST, id, &p, &err), 0);
    assert_false(access_perms_has(&p, "admin"));
    assert_false(access_can(&p, "orders.write"));
    assert_false(access_can(&p, "users.manage"));
    assert_true(access_can(&p, "portal.orders"));
}

static void staff_cannot_get_customer_roles(void **state)
{
    struct kt_err err;
    int64_t id = fix_staff(ST, "marek", "warehouse", NULL);
    assert_int_equal(access_user_role_add(ST, id, "customer_all", &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "is staff"));
}

static void customer_link_stored(void **state)
{
    struct access_user g;
    struct kt_err err;
    int64_t cust = fix_customer(ST, "K002");
    int64_t id = fix_customer_user(ST, "docs@k002.pl", cust, "customer_documents", NULL);
    assert_int_equal(access_user_get(ST, id, &g, &err), 0);
    assert_int_equal(g.kind, ACCESS_CUSTOMER);
    assert_int_equal(g.customer_id, cust);
}

static void permissions_per_role(void **state)
{
    struct access_perms p;
    struct kt_err err;
    int64_t id = fix_staff(ST, "multi", "sales", "warehouse", NULL);
    assert_int_equal(access_user_permissions(ST, id, &p, &err), 0);
    char buf[512];
    access_perms_format(&p, " ", buf, sizeof buf);
    assert_string_equal(buf, "catalog.read customers.read customers.write stock.write "
                             "prices.write orders.read orders.write documents.issue "
                             "shipping.write");
    assert_false(access_can(&p, "bank.import"));
    assert_false(access_can(&p, "users.manage"));

    int64_t acc = fix_staff(ST, "ksiegowa", "accountant", NULL);
    assert_int_equal(access_user_permissions(ST, acc, &p, &err), 0);
    assert_true(access_can(&p, "bank.import"));
    assert_false(access_can(&p, "stock.write"));

    int64_t adm = fix_staff(ST, "boss", "admin", NULL);
    assert_int_equal(access_user_permissions(ST, adm, &p, &err), 0);
    assert_true(access_can(&p, "users.manage"));
    assert_true(access_can(&p, "shops.sync"));
    assert_false(access_can(&p, "portal.orders"));

    int64_t none = fix_staff(ST, "nobody", NULL);
    assert_int_equal(access_user_permissions(ST, none, &p, &err), 0);
    assert_int_equal(access_perms_count(&p), 0);
}

static void role_add_and_remove(void **state)
{
    struct access_perms p;
    struct kt_err err;
    struct kt_arena a;
    const char **codes;
    size_t n;
    int64_t id = fix_staff(ST, "zosia", "warehouse", NULL);
    int64_t events = fix_int(ST, "SELECT count(*) FROM events", NULL);
    assert_int_equal(access_user_role_add(ST, id, "accountant", &err), 0);
    assert_int_equal(access_user_role_add(ST, id, "accountant", &err), 0); /* no change */
    assert_int_equal(fix_int(ST, "SELECT count(*) FROM events", NULL), events + 1);
    assert_int_equal(access_user_permissions(ST, id, &p, &err), 0);
    assert_true(access_can(&p, "bank.import"));
    kt_arena_init(&a, 0);
    assert_int_equal(access_user_roles(ST, id, &a, &codes, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(codes[0], "accountant");
    assert_string_equal(codes[1], "warehouse");
    assert_int_equal(access_user_role_remove(ST, id, "warehouse", &err), 0);
    assert_int_equal(access_user_permissions(ST, id, &p, &err), 0);
    assert_false(access_can(&p, "stock.write"));
    assert_true(access_can(&p, "bank.import"));
    assert_int_equal(access_user_role_remove(ST, id, "warehouse", &err), 0);
    assert_int_equal(access_user_role_remove(ST, id, "nosuch", &err), KT_ENOTFOUND);
    assert_int_equal(access_user_roles(ST, id, &a, &codes, &n, &err), 0);
    assert_int_equal(n, 1);
    kt_arena_release(&a);
}

static void disabled_user_holds_nothing(void **state)
{
    struct access_perms p;
    struct kt_err err;
    struct access_user g;
    int64_t id = fix_staff(ST, "gone", "admin", NULL);
    assert_int_equal(access_user_set_active(ST, id, 0, &err), 0);
    assert_int_equal(access_user_get(ST, id, &g, &err), 0);
    assert_int_equal(g.active, 0);
    assert_int_equal(g.version, 2);
    assert_int_equal(access_user_permissions(ST, id, &p, &err), 0);
    assert_int_equal(access_perms_count(&p), 0);
    assert_false(access_can(&p, "catalog.read"));
    assert_int_equal(access_user_set_active(ST, id, 1, &err), 0);
    assert_int_equal(access_user_permissions(ST, id, &p, &err), 0);
    assert_true(access_can(&p, "catalog.read"));
}

static void role_create_checks_kind(void **state)
{
    struct access_role r, g;
    struct kt_err err;
    memset(&r, 0, sizeof r);
    snprintf(r.code, sizeof r.code, "portal_admin");
    snprintf(r.name, sizeof r.name, "Portal with orders");
    r.kind = ACCESS_CUSTOMER;
    access_perms_add(&r.perms, "portal.orders", NULL);
    access_perms_add(&r.perms, "orders.write", NULL);
    assert_int_equal(access_role_create(ST, &r, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "cannot hold the staff permission orders.write"));
    access_perms_clear(&r.perms);
    access_perms_add(&r.perms, "portal.orders", NULL);
    access_perms_add(&r.perms, "api", NULL);
    assert_int_equal(access_role_create(ST, &r, &err), 0);
    assert_int_equal(access_role_get(ST, "portal_admin", &g, &err), 0);
    assert_int_equal(g.kind, ACCESS_CUSTOMER);
    assert_true(access_perms_has(&g.perms, "api"));
    assert_int_equal(access_perms_count(&g.perms), 2);
    assert_int_equal(access_role_create(ST, &r, &err), KT_EEXIST);
    snprintf(r.code, sizeof r.code, "Bad Code");
    assert_int_equal(access_role_create(ST, &r, &err), KT_EINVAL);

    memset(&r, 0, sizeof r);
    snprintf(r.code, sizeof r.code, "shop_portal");
    snprintf(r.name, sizeof r.name, "x");
    r.kind = ACCESS_STAFF;
    access_perms_add(&r.perms, "portal.service", NULL);
    assert_int_equal(access_role_create(ST, &r, &err), KT_EPERM);
}

static void list_users(void **state)
{
    struct kt_arena a;
    struct access_user *u;
    size_t n;
    struct kt_err err;
    char login[32];
    for (int i = 19; i >= 0; i--) {
        snprintf(login, sizeof login, "user%02d", i);
        fix_staff(ST, login, NULL);
    }
    kt_arena_init(&a, 0);
    assert_int_equal(access_user_list(ST, &a, &u, &n, &err), 0);
    assert_int_equal(n, 20);
    assert_string_equal(u[0].login, "user00");
    assert_string_equal(u[19].login, "user19");
    kt_arena_release(&a);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
    const struct CMUnitTest tests[] = {
        T(seeded_roles),
        T(seeded_permissions_are_known),
        T(create_and_get),
        T(login_unique_in_any_case),
        T(weak_password_refused),
        T(bad_fields_refused),
        T(unknown_role_refused),
        T(customer_user_cannot_get_staff_roles),
        T(staff_cannot_get_customer_roles),
        T(customer_link_stored),
        T(permissions_per_role),
        T(role_add_and_remove),
        T(disabled_user_holds_nothing),
        T(role_create_checks_kind),
        T(list_users),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
