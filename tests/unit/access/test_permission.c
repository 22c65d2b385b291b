#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "access/access.h"

static const char *const required[] = {
    "catalog.read",
    "catalog.write",
    "customers.read",
    "customers.write",
    "stock.write",
    "prices.write",
    "orders.read",
    "orders.write",
    "documents.issue",
    "mail.templates",
    "bank.import",
    "shipping.write",
    "shops.sync",
    "users.manage",
    "admin",
    "portal.orders",
    "portal.service",
    "portal.documents",
    "api",
};

static void table_has_every_required_permission(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        const struct access_permission *p = access_permission_find(required[i]);
        assert_non_null(p);
        assert_string_equal(p->code, required[i]);
    }
}

static void codes_unique_and_described(void **state)
{
    (void)state;
    size_t n;
    const struct access_permission *p = access_permissions(&n);
    assert_true(n >= 19 && n <= ACCESS_PERM_MAX);
    for (size_t i = 0; i < n; i++) {
        assert_true(strlen(p[i].desc_pl) > 3);
        assert_true(strlen(p[i].desc_en) > 3);
        for (size_t k = i + 1; k < n; k++)
            assert_string_not_equal(p[i].code, p[k].code);
    }
}

static void areas(void **state)
{
    (void)state;
    assert_int_equal(access_permission_find("portal.orders")->area, ACCESS_AREA_CUSTOMER);
    assert_int_equal(access_permission_find("portal.documents")->area, ACCESS_AREA_CUSTOMER);
    assert_int_equal(access_permission_find("orders.write")->area, ACCESS_AREA_STAFF);
    assert_int_equal(access_permission_find("api")->area, ACCESS_AREA_ANY);
    assert_null(access_permission_find("orders.delete"));
    assert_null(access_permission_find(NULL));
}

static void can_literal(void **state)
{
    (void)state;
    struct access_perms s;
    access_perms_clear(&s);
    assert_int_equal(access_perms_add(&s, "orders.read", NULL), 0);
    assert_true(access_can(&s, "orders.read"));
    assert_false(access_can(&s, "orders.write"));
    assert_false(access_can(&s, "portal.orders"));
    assert_int_equal(access_perms_count(&s), 1);
}

static void admin_implies_staff_side_only(void **state)
{
    (void)state;
    struct access_perms s;
    access_perms_clear(&s);
    access_perms_add(&s, "admin", NULL);
    size_t n;
    const struct access_permission *p = access_permissions(&n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(access_can(&s, p[i].code), p[i].area != ACCESS_AREA_CUSTOMER);
    assert_true(access_can(&s, "users.manage"));
    assert_true(access_can(&s, "api"));
    assert_false(access_can(&s, "portal.service"));
    /* implication is in access_can only; the set itself holds just admin */
    assert_false(access_perms_has(&s, "users.manage"));
}

static void unknown_permission(void **state)
{
    (void)state;
    struct access_perms s;
    struct kt_err err;
    access_perms_clear(&s);
    access_perms_add(&s, "admin", NULL);
    assert_int_equal(access_perms_add(&s, "orders.delete", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "'orders.delete' is not a permission"));
    assert_false(access_can(&s, "orders.delete"));
    assert_false(access_can(&s, NULL));
}

static void format_in_table_order(void **state)
{
    (void)state;
    struct access_perms s;
    char buf[128];
    access_perms_clear(&s);
    assert_int_equal(access_perms_format(&s, " ", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    access_perms_add(&s, "api", NULL);
    access_perms_add(&s, "catalog.read", NULL);
    access_perms_add(&s, "orders.write", NULL);
    assert_int_equal(access_perms_format(&s, " ", buf, sizeof buf), 0);
    assert_string_equal(buf, "catalog.read orders.write api");
    assert_int_equal(access_perms_format(&s, ", ", buf, sizeof buf), 0);
    assert_string_equal(buf, "catalog.read, orders.write, api");
    char small[10];
    assert_int_equal(access_perms_format(&s, " ", small, sizeof small), KT_ELIMIT);
    assert_string_equal(small, "");
}

static void every_bit_distinct(void **state)
{
    (void)state;
    size_t n;
    const struct access_permission *p = access_permissions(&n);
    for (size_t i = 0; i < n; i++) {
        struct access_perms s;
        access_perms_clear(&s);
        access_perms_add(&s, p[i].code, NULL);
        assert_int_equal(access_perms_count(&s), 1);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(access_perms_has(&s, p[k].code), i == k);
    }
}

static void login_normalize(void **state)
{
    (void)state;
    char out[ACCESS_LOGIN_MAX + 1];
    struct kt_err err;
    assert_int_equal(access_login_normalize("Jan.Kowalski@Firma.PL", out, sizeof out, &err), 0);
    assert_string_equal(out, "jan.kowalski@firma.pl");
    assert_int_equal(access_login_normalize("a", out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(access_login_normalize("jan kowalski", out, sizeof out, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "only letters"));
    assert_int_equal(access_login_normalize("łukasz", out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(access_login_normalize(NULL, out, sizeof out, &err), KT_EINVAL);
    char big[ACCESS_LOGIN_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(access_login_normalize(big, out, sizeof out, &err), KT_EINVAL);
}

static void user_kind_names(void **state)
{
    (void)state;
    enum access_user_kind k;
    struct kt_err err;
    assert_int_equal(access_user_kind_parse("customer", &k, &err), 0);
    assert_int_equal(k, ACCESS_CUSTOMER);
    assert_string_equal(access_user_kind_name(k), "customer");
    assert_int_equal(access_user_kind_parse("staff", &k, &err), 0);
    assert_int_equal(k, ACCESS_STAFF);
    assert_int_equal(access_user_kind_parse("boss", &k, &err), KT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_has_every_required_permission),
        cmocka_unit_test(codes_unique_and_described),
        cmocka_unit_test(areas),
        cmocka_unit_test(can_literal),
        cmocka_unit_test(admin_implies_staff_side_only),
        cmocka_unit_test(unknown_permission),
        cmocka_unit_test(format_in_table_order),
        cmocka_unit_test(every_bit_distinct),
        cmocka_unit_test(login_normalize),
        cmocka_unit_test(user_kind_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
