/*
 * Torture test: a realistic sequence (open, migrate, prepare, bind, step,
 * transactions) is run again and again with driver call N failing, N = 1,
 * 2, 3 ... until the sequence gets through without reaching the fault.
 * Every failure must come back as a clean error with a message, leave the
 * stored data consistent, and (under ASan, suite 'fault') leak nothing.
 */
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

#define MAX_CALLS 500

static int tx_body(struct store *st, void *ctx, struct kt_err *err)
{
    (void)ctx;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "INSERT INTO kv_settings (key, value) VALUES (?1, ?2)", &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, "tx_a")) != 0 || (rc = store_bind_text(s, 2, "1")) != 0) {
        store_stmt_done(s);
        return kt_err_set(err, rc, "bind failed");
    }
    rc = store_step(s, err);
    store_stmt_done(s);
    if (rc != STORE_DONE)
        return rc;
    rc = store_prepare(st, "UPDATE kv_settings SET value = ?1 WHERE key = ?2 RETURNING value", &s,
                       err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, "2")) != 0 || (rc = store_bind_text(s, 2, "seed")) != 0) {
        store_stmt_done(s);
        return kt_err_set(err, rc, "bind failed");
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        rc = strcmp(store_col_text(s, 0), "2") == 0 ? store_step(s, err)
                                                     : kt_err_set(err, KT_EINTERNAL, "bad value");
    store_stmt_done(s);
    return rc == STORE_DONE ? 0 : rc;
}

/*
 * The sequence under test. Returns 0 or the first error; *fired tells
 * whether the injected fault was reached.
 */
static int sequence(const char *url, long nth, int code, int *fired, struct kt_err *err)
{
    struct store *st = NULL;
    struct store_stmt *s = NULL;
    char value[16];
    *fired = 0;
    store_fault_inject_open(nth, code);
    int rc = store_open(url, &st, err);
    if (rc != 0) {
        *fired = strstr(err->msg, "injected fault") != NULL;
        return rc;
    }
    int applied = 0;
    if ((rc = store_migrate(st, &applied, err)) != 0)
        goto out;
    if ((rc = store_setting_set(st, "seed", "1", err)) != 0)
        goto out;
    if ((rc = store_tx(st, tx_body, NULL, err)) != 0)
        goto out;
    if ((rc = store_prepare(st, "SELECT key, value FROM kv_settings WHERE key > ?1 ORDER BY key",
                            &s, err)) != 0)
        goto out;
    if ((rc = store_bind_text(s, 1, "")) != 0) {
        rc = kt_err_set(err, rc, "bind failed");
        goto out;
    }
    int rows = 0;
    while ((rc = store_step(s, err)) == STORE_ROW)
        rows += store_col_text(s, 0) != NULL && store_col_text(s, 1) != NULL;
    if (rc != STORE_DONE)
        goto out;
    rc = rows == 2 ? 0 : kt_err_set(err, KT_EINTERNAL, "expected 2 settings, saw %d", rows);
    store_stmt_done(s);
    s = NULL;
    if (rc != 0)
        goto out;
    if ((rc = store_begin(st, err)) != 0)
        goto out;
    if ((rc = store_exec(st, "DELETE FROM kv_settings WHERE key = 'nothing'", err)) != 0) {
        store_rollback(st);
        goto out;
    }
    if ((rc = store_commit(st, err)) != 0)
        goto out;
    rc = store_setting_get(st, "tx_a", value, sizeof value, err);
out:
    store_stmt_done(s);
    if (st)
        *fired = store_fault_fired(st);
    store_close(st);
    return rc;
}

/* After any run: the transaction's two writes are there together or not at all. */
static void check_consistent(const char *url)
{
    struct store *st;
    struct kt_err err;
    struct store_stmt *s;
    assert_int_equal(store_open(url, &st, &err), 0);
    if (store_prepare(st, "SELECT count(*) FROM kv_settings WHERE key = 'tx_a'", &s, &err) == 0) {
        assert_int_equal(store_step(s, &err), STORE_ROW);
        int64_t tx_a = store_col_int64(s, 0);
        store_stmt_done(s);
        assert_int_equal(store_prepare(st, "SELECT count(*) FROM kv_settings WHERE value = '2'",
                                       &s, &err),
                         0);
        assert_int_equal(store_step(s, &err), STORE_ROW);
        assert_int_equal(store_col_int64(s, 0), tx_a);
        store_stmt_done(s);
    }
    store_close(st);
}

/* An empty database for the next round: a new SQLite file, or on
 * PostgreSQL (where creating databases is slow) an emptied schema. */
static void fresh_db(char *url, size_t n, int first)
{
    if (first || strcmp(testdb_backend(), "sqlite") == 0) {
        if (!first)
            testdb_drop(url);
        assert_int_equal(testdb_create(url, n), 0);
        return;
    }
    struct store *st;
    struct kt_err err;
    assert_int_equal(store_open(url, &st, &err), 0);
    assert_int_equal(store_exec(st, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", &err), 0);
    store_close(st);
}

static void torture(int code)
{
    char url[512];
    struct kt_err err;
    long n;
    int done = 0, failures = 0;
    for (n = 1; n <= MAX_CALLS && !done; n++) {
        int fired = 0;
        fresh_db(url, sizeof url, n == 1);
        kt_err_clear(&err);
        int rc = sequence(url, n, code, &fired, &err);
        if (rc != 0) {
            failures++;
            if (!fired || rc != code)
                fprintf(stderr, "call %ld: rc=%s fired=%d: %s\n", n, kt_err_name(rc), fired,
                        err.msg);
            assert_true(fired);
            assert_int_equal(rc, code);
            assert_true(err.msg[0] != '\0');
            assert_null(strchr(err.msg, '\n'));
        } else if (!fired) {
            done = 1;
        }
        check_consistent(url);
    }
    testdb_drop(url);
    assert_true(done);     /* the sequence is shorter than MAX_CALLS */
    assert_true(n > 20);   /* and long enough to be a real sequence */
    assert_true(failures > 0);
}

static void test_every_call_fails_cleanly(void **state)
{
    (void)state;
    torture(KT_EIO);
}

/* Busy errors inside store_tx are retried; elsewhere they surface as such. */
static void test_busy_faults_retried_or_reported(void **state)
{
    (void)state;
    torture(KT_EBUSY);
}

static void test_unarmed_store_counts_nothing(void **state)
{
    (void)state;
    char url[512];
    struct kt_err err;
    struct store *st;
    assert_int_equal(testdb_create(url, sizeof url), 0);
    assert_int_equal(store_open(url, &st, &err), 0);
    store_fault_inject(st, 2, KT_EIO);
    assert_int_equal(store_exec(st, "CREATE TABLE f (x INTEGER)", &err), 0);
    assert_int_equal(store_exec(st, "INSERT INTO f VALUES (1)", &err), KT_EIO);
    assert_true(store_fault_fired(st));
    assert_int_equal(store_exec(st, "INSERT INTO f VALUES (2)", &err), 0); /* only once */
    store_fault_inject(st, 0, 0);
    assert_false(store_fault_fired(st));
    assert_int_equal(store_exec(st, "INSERT INTO f VALUES (3)", &err), 0);
    store_close(st);
    testdb_drop(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unarmed_store_counts_nothing),
        cmocka_unit_test(test_every_call_fails_cleanly),
        cmocka_unit_test(test_busy_faults_retried_or_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
