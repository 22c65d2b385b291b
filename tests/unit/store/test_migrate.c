/*
 * Schema migrations and instance settings against a real database
 * (KT_TEST_BACKEND = sqlite | postgres), a fresh database per test.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "store/migrate.h"
#include "store/store.h"
#include "testdb.h"

struct fx {
    char url[512];
    struct store *st;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct kt_err err;
    if (!f || testdb_create(f->url, sizeof f->url) != 0)
        return -1;
    if (store_open(f->url, &f->st, &err) != 0) {
        fprintf(stderr, "store_open %s: %s\n", f->url, err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->st);
    testdb_drop(f->url);
    free(f);
    return 0;
}

static int64_t count_rows(struct store *st, const char *sql)
{
    struct store_stmt *s;
    struct kt_err err;
    assert_int_equal(store_prepare(st, sql, &s, &err), 0);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    int64_t v = store_col_int64(s, 0);
    store_stmt_done(s);
    return v;
}

/* 1 when a query on the table works, 0 when the table is missing. */
static int table_works(struct store *st, const char *table)
{
    char sql[128];
    struct kt_err err;
    struct store_stmt *s = NULL;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    int rc = store_prepare(st, sql, &s, &err);
    if (rc == 0) {
        rc = store_step(s, &err);
        store_stmt_done(s);
    }
    return rc == STORE_ROW;
}

static void test_embedded_table_is_ordered(void **state)
{
    (void)state;
    assert_true(store_migrations_count >= 1);
    for (size_t i = 0; i < store_migrations_count; i++) {
        assert_int_equal(store_migrations[i].version, (int)i + 1);
        assert_non_null(store_migrations[i].sqlite_sql);
        assert_non_null(store_migrations[i].postgres_sql);
    }
    assert_string_equal(store_migrations[0].name, "core");
    assert_non_null(strstr(store_migrations[0].sqlite_sql, "CREATE TABLE kv_settings"));
}

static void test_migrate_applies_once(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    int applied = -1;
    assert_false(table_works(f->st, "kv_settings"));
    assert_int_equal(store_migrate(f->st, &applied, &err), 0);
    assert_int_equal(applied, (int)store_migrations_count);
    assert_true(table_works(f->st, "kv_settings"));
    assert_int_equal(count_rows(f->st, "SELECT count(*) FROM schema_migrations"),
                     (int64_t)store_migrations_count);
    assert_int_equal(store_migrate(f->st, &applied, &err), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(count_rows(f->st, "SELECT count(*) FROM schema_migrations"),
                     (int64_t)store_migrations_count);
}

static void test_status(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_migration_info info[64];
    size_t n = 99;
    assert_int_equal(store_migration_status(f->st, info, 64, &n, &err), 0);
    assert_int_equal(n, store_migrations_count);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(info[i].applied, 0);
        assert_string_equal(info[i].applied_at, "");
    }
    assert_int_equal(store_migrate(f->st, NULL, &err), 0);
    assert_int_equal(store_migration_status(f->st, info, 64, &n, &err), 0);
    assert_int_equal(n, store_migrations_count);
    assert_int_equal(info[0].version, 1);
    assert_string_equal(info[0].name, "core");
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(info[i].applied, 1);
        /* 2026-01-31T12:00:00Z */
        assert_int_equal(strlen(info[i].applied_at), 20);
        assert_int_equal(info[i].applied_at[10], 'T');
        assert_int_equal(info[i].applied_at[19], 'Z');
    }
    assert_int_equal(store_migration_status(f->st, info, 0, &n, &err), KT_ELIMIT);
}

static void test_newer_schema_refused(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    assert_int_equal(store_migrate(f->st, NULL, &err), 0);
    assert_int_equal(store_exec(f->st,
                                "INSERT INTO schema_migrations (version, name, applied_at) "
                                "VALUES (999, 'future', '2030-01-01T00:00:00Z')",
                                &err),
                     0);
    int applied = -1;
    assert_int_equal(store_migrate(f->st, &applied, &err), KT_EINVAL);
    assert_int_equal(applied, 0);
    char want[160];
    snprintf(want, sizeof want,
             "database schema version 999 is newer than this kontor (knows up to %d); upgrade "
             "kontor",
             store_migrations[store_migrations_count - 1].version);
    assert_string_equal(err.msg, want);
    struct store_migration_info info[64];
    size_t n = 0;
    assert_int_equal(store_migration_status(f->st, info, 64, &n, &err), KT_EINVAL);
    assert_int_equal(n, store_migrations_count);
    assert_int_equal(info[0].applied, 1);
}

static const struct store_migration good_list[] = {
    {1, "first", "CREATE TABLE m_a (x INTEGER)", "CREATE TABLE m_a (x INTEGER)"},
    {2, "second", "CREATE TABLE m_b (x BLOB); CREATE TABLE m_lite (x INTEGER)",
     "CREATE TABLE m_b (x BYTEA); CREATE TABLE m_pg (x INTEGER)"},
};

static const struct store_migration bad_list[] = {
    {1, "first", "CREATE TABLE m_a (x INTEGER)", "CREATE TABLE m_a (x INTEGER)"},
    {2, "second", "CREATE TABLE m_b (x INTEGER); INSERT INTO m_missing VALUES (1)",
     "CREATE TABLE m_b (x INTEGER); INSERT INTO m_missing VALUES (1)"},
};

static void test_failed_migration_rolls_back(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    int applied = -1;
    assert_int_equal(store_migrate_list(f->st, bad_list, 2, &applied, &err), KT_EINVAL);
    assert_int_equal(applied, 1);
    assert_non_null(strstr(err.msg, "migration 0002_second failed"));
    assert_true(table_works(f->st, "m_a"));
    assert_false(table_works(f->st, "m_b")); /* DDL rolled back with the failure */
    assert_int_equal(count_rows(f->st, "SELECT count(*) FROM schema_migrations"), 1);
    /* the fixed migration goes in afterwards, with the dialect's own DDL */
    assert_int_equal(store_migrate_list(f->st, good_list, 2, &applied, &err), 0);
    assert_int_equal(applied, 1);
    assert_true(table_works(f->st, "m_b"));
    int lite = store_dialect(f->st) == STORE_SQLITE;
    assert_int_equal(table_works(f->st, "m_lite"), lite);
    assert_int_equal(table_works(f->st, "m_pg"), !lite);
}

struct mig_thread {
    const char *url;
    int applied;
    int rc;
};

static void *migrate_main(void *arg)
{
    struct mig_thread *t = arg;
    struct store *st = NULL;
    struct kt_err err;
    t->rc = store_open(t->url, &st, &err);
    if (t->rc == 0)
        t->rc = store_migrate_list(st, good_list, 2, &t->applied, &err);
    if (t->rc)
        fprintf(stderr, "migrate thread: %s\n", err.msg);
    store_close(st);
    return NULL;
}

static void test_concurrent_migrators(void **state)
{
    struct fx *f = *state;
    struct mig_thread t[3] = {{f->url, 0, 0}, {f->url, 0, 0}, {f->url, 0, 0}};
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&th[i], NULL, migrate_main, &t[i]), 0);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 3; i++)
        assert_int_equal(t[i].rc, 0);
    assert_int_equal(t[0].applied + t[1].applied + t[2].applied, 2);
    assert_int_equal(count_rows(f->st, "SELECT count(*) FROM schema_migrations"), 2);
}

static void test_settings(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    char v[64], tiny[4];
    assert_int_equal(store_migrate(f->st, NULL, &err), 0);
    assert_int_equal(store_setting_get(f->st, "instance_id", v, sizeof v, &err), KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "instance_id"));
    assert_int_equal(store_setting_set(f->st, "instance_id", "a1b2c3", &err), 0);
    assert_int_equal(store_setting_get(f->st, "instance_id", v, sizeof v, &err), 0);
    assert_string_equal(v, "a1b2c3");
    assert_int_equal(store_setting_set(f->st, "instance_id", "żółw 'x'", &err), 0);
    assert_int_equal(store_setting_get(f->st, "instance_id", v, sizeof v, &err), 0);
    assert_string_equal(v, "żółw 'x'");
    assert_int_equal(count_rows(f->st, "SELECT count(*) FROM kv_settings"), 1);
    assert_int_equal(store_setting_get(f->st, "instance_id", tiny, sizeof tiny, &err), KT_ELIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedded_table_is_ordered),
        cmocka_unit_test_setup_teardown(test_migrate_applies_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_migration_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_migrators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
