#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/log.h"
#include "base/validate.h"
#include "catalog/image.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/stock.h"
#include "catalog/warehouse.h"
#include "demo/demo.h"
#include "parties/company.h"
#include "parties/customer.h"
#include "store/migrate.h"
#include "testdb.h"

struct fx {
    char url[1024];
    char dir[64];
    struct store *st;
};

static int setup(void **state)
{
    kt_log_set_level(KT_LOG_WARN);
    struct fx *f = calloc(1, sizeof *f);
    struct kt_err err;
    int applied;
    if (!f || testdb_create(f->url, sizeof f->url) != 0)
        return -1;
    if (store_open(f->url, &f->st, &err) != 0 || store_migrate(f->st, &applied, &err) != 0)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/kt-test-demo.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->st);
    testdb_drop(f->url);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->dir);
    free(f);
    return 0;
}

static int64_t count(struct store *st, const char *sql)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    if (store_prepare(st, sql, &s, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    if (store_step(s, &err) != STORE_ROW)
        fail_msg("%s: %s", sql, err.msg);
    int64_t v = store_col_int64(s, 0);
    store_stmt_done(s);
    return v;
}

static void run_demo(struct fx *f, const struct demo_options *o, struct demo_summary *sum)
{
    struct kt_err err = {0};
    if (demo_create(f->st, o, sum, &err) != 0)
        fail_msg("demo: %s", err.msg);
}

static void default_demo_counts(void **state)
{
    struct fx *f = *state;
    struct demo_options o = {.images = 5, .data_dir = f->dir};
    struct demo_summary sum;
    run_demo(f, &o, &sum);
    assert_int_equal(sum.products, 200);
    assert_int_equal(sum.customers, 20);
    assert_int_equal(sum.warehouses, 3);
    assert_int_equal(sum.price_lists, 4);
    assert_int_equal(sum.groups, 6);
    assert_int_equal(sum.images, 5);
    assert_true(sum.company);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 200);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM customers"), 20);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM warehouses"), 3);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM price_lists"), 4);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM price_list_items"), 800);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM stock"), 600);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM customers WHERE country = 'PL'"), 8);
    static const char *const others[] = {"DE", "CZ", "FR", "GB", "US"};
    for (size_t i = 0; i < 5; i++) {
        struct kt_err err;
        struct store_stmt *s = NULL;
        assert_int_equal(
            store_prepare(f->st, "SELECT COUNT(*) FROM customers WHERE country = ?1", &s, &err), 0);
        assert_int_equal(store_bind_text(s, 1, others[i]), 0);
        assert_int_equal(store_step(s, &err), STORE_ROW);
        int64_t n = store_col_int64(s, 0);
        store_stmt_done(s);
        if (n < 2)
            fail_msg("%s: %lld demo customers, expected at least 2", others[i], (long long)n);
    }
    assert_true(count(f->st, "SELECT COUNT(*) FROM customer_prices") >= 5);
    assert_true(count(f->st, "SELECT COUNT(*) FROM customer_contacts") == 20);
    assert_true(count(f->st, "SELECT COUNT(*) FROM company_bank_accounts") == 3);
}

static void products_are_believable(void **state)
{
    struct fx *f = *state;
    struct demo_options o = {.images = 0};
    struct demo_summary sum;
    run_demo(f, &o, &sum);
    struct kt_arena a;
    kt_arena_init(&a, 0);
    struct kt_err err;
    for (long i = 1; i <= 200; i += 13) {
        char code[32];
        demo_product_code(i, code, sizeof code);
        struct catalog_product p;
        assert_int_equal(catalog_product_get_by_code(f->st, code, &a, &p, &err), 0);
        assert_non_null(p.ean);
        assert_int_equal(kt_valid_ean(p.ean, &err), 0);
        assert_non_null(p.text[CATALOG_PL].name);
        assert_non_null(p.text[CATALOG_EN].name);
        assert_non_null(p.text[CATALOG_DE].name);
        assert_true(p.group_id > 0);
        assert_true(p.weight_g > 0);
    }
    struct catalog_product p;
    assert_int_equal(catalog_product_get_by_code(f->st, "DEMO-000001", &a, &p, &err), 0);
    assert_string_equal(p.text[CATALOG_PL].name, "Młotek ślusarski 300 g");
    assert_string_equal(p.text[CATALOG_DE].name, "Schlosserhammer 300 g");
    assert_string_equal(p.ean, "5901200000010");
    kt_arena_release(&a);
}

static void customers_have_valid_tax_ids(void **state)
{
    struct fx *f = *state;
    struct demo_options o = {.images = 0, .products = 30};
    struct demo_summary sum;
    run_demo(f, &o, &sum);
    struct kt_err err;
    for (long j = 1; j <= 20; j++) {
        char code[32];
        snprintf(code, sizeof code, "DEMO-K%04ld", j);
        struct parties_customer c;
        assert_int_equal(parties_customer_get_by_code(f->st, code, &c, &err), 0);
        assert_true(c.tax_id[0] != '\0');
        if (strcmp(c.country, "PL") == 0)
            assert_int_equal(kt_valid_nip(c.tax_id, &err), 0);
        else if (strcmp(c.country, "GB") != 0 && strcmp(c.country, "US") != 0)
            assert_int_equal(kt_valid_vat_id(c.tax_id, &err), 0);
    }
    struct parties_company co;
    assert_int_equal(parties_company_get(f->st, &co, &err), 0);
    assert_int_equal(kt_valid_nip(co.nip, &err), 0);
}

static void idempotent_and_continues(void **state)
{
    struct fx *f = *state;
    struct demo_options o = {.images = 0, .products = 50, .customers = 5};
    struct demo_summary sum;
    run_demo(f, &o, &sum);
    run_demo(f, &o, &sum);
    assert_int_equal(sum.products, 0);
    assert_int_equal(sum.customers, 0);
    assert_int_equal(sum.warehouses + sum.price_lists + sum.groups + sum.company, 0);
    assert_int_equal(sum.products_total, 50);
    o.products = 80;
    o.customers = 7;
    run_demo(f, &o, &sum);
    assert_int_equal(sum.products, 30);
    assert_int_equal(sum.customers, 2);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 80);
}

static void deterministic(void **state)
{
    struct fx *f = *state;
    struct demo_options o = {.images = 0, .products = 20, .customers = 3, .seed = 7};
    struct demo_summary sum;
    run_demo(f, &o, &sum);
    char url[1024];
    struct store *st2;
    struct kt_err err;
    int applied;
    assert_int_equal(testdb_create(url, sizeof url), 0);
    assert_int_equal(store_open(url, &st2, &err), 0);
    assert_int_equal(store_migrate(st2, &applied, &err), 0);
    assert_int_equal(demo_create(st2, &o, &sum, &err), 0);
    struct parties_customer c1, c2;
    assert_int_equal(parties_customer_get_by_code(f->st, "DEMO-K0002", &c1, &err), 0);
    assert_int_equal(parties_customer_get_by_code(st2, "DEMO-K0002", &c2, &err), 0);
    assert_string_equal(c1.tax_id, c2.tax_id);
    struct price_list pl;
    assert_int_equal(price_list_get(f->st, "RETAIL", &pl, &err), 0);
    struct price_item *i1, *i2;
    size_t n1, n2;
    struct price_list pl2;
    assert_int_equal(price_list_get(st2, "RETAIL", &pl2, &err), 0);
    assert_int_equal(price_items(f->st, pl.id, 0, &i1, &n1, &err), 0);
    assert_int_equal(price_items(st2, pl2.id, 0, &i2, &n2, &err), 0);
    assert_int_equal(n1, 20);
    assert_int_equal(n2, 20);
    for (size_t i = 0; i < n1; i++)
        assert_int_equal(i1[i].price, i2[i].price);
    free(i1);
    free(i2);
    store_close(st2);
    testdb_drop(url);
}

static void bad_options(void **state)
{
    struct fx *f = *state;
    struct demo_options o = {.products = -5};
    struct demo_summary sum;
    struct kt_err err;
    assert_int_equal(demo_create(f->st, &o, &sum, &err), KT_EINVAL);
    assert_string_equal(err.msg, "the number of products must be 1 to 9999999, not -5");
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(default_demo_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(products_are_believable, setup, teardown),
        cmocka_unit_test_setup_teardown(customers_have_valid_tax_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(idempotent_and_continues, setup, teardown),
        cmocka_unit_test_setup_teardown(deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_options, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
