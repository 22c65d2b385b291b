/*
 * The store adapter against a real database: the backend comes from
 * KT_TEST_BACKEND (sqlite | postgres), each test gets a fresh database.
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

#include "base/buf.h"
#include "base/err.h"
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

static void exec_ok(struct store *st, const char *sql)
{
    struct kt_err err;
    kt_err_clear(&err);
    int rc = store_exec(st, sql, &err);
    if (rc != 0)
        fprintf(stderr, "exec %s: %s\n", sql, err.msg);
    assert_int_equal(rc, 0);
}

static const char *blob_type(struct store *st)
{
    return store_dialect(st) == STORE_SQLITE ? "BLOB" : "BYTEA";
}

static const char *serial_pk(struct store *st)
{
    return store_dialect(st) == STORE_SQLITE ? "INTEGER PRIMARY KEY"
                                             : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
}

/* One-value query returning an int64, asserting a single row. */
static int64_t query_i64(struct store *st, const char *sql)
{
    struct store_stmt *s;
    struct kt_err err;
    assert_int_equal(store_prepare(st, sql, &s, &err), 0);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    int64_t v = store_col_int64(s, 0);
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);
    return v;
}

/* ---- placeholder rewriting (pure) ---- */

static void rewrite_expect(const char *in, const char *want)
{
    struct kt_buf b;
    kt_buf_init(&b, 0);
    assert_int_equal(store_sql_to_postgres(in, &b), 0);
    assert_string_equal(kt_buf_str(&b), want);
    kt_buf_release(&b);
}

static void test_rewrite_plain(void **state)
{
    (void)state;
    rewrite_expect("SELECT ?1, ?2 FROM t WHERE a = ?10", "SELECT $1, $2 FROM t WHERE a = $10");
    rewrite_expect("", "");
    rewrite_expect("SELECT 1", "SELECT 1");
}

static void test_rewrite_skips_literals(void **state)
{
    (void)state;
    rewrite_expect("SELECT '?1', \"col?2\", ?3", "SELECT '?1', \"col?2\", $3");
    rewrite_expect("SELECT 'it''s ?1', ?2", "SELECT 'it''s ?1', $2");
    rewrite_expect("SELECT \"a\"\"?1\", ?2", "SELECT \"a\"\"?1\", $2");
    rewrite_expect("SELECT E'\\'?1', ?2", "SELECT E'\\'?1', $2");
    /* outside E'' a backslash is an ordinary character */
    rewrite_expect("SELECT '\\', ?1", "SELECT '\\', $1");
}

static void test_rewrite_skips_comments(void **state)
{
    (void)state;
    rewrite_expect("SELECT ?1 -- ?2\n, ?3", "SELECT $1 -- ?2\n, $3");
    rewrite_expect("SELECT /* ?1 */ ?2", "SELECT /* ?1 */ $2");
    rewrite_expect("SELECT x ? 'k'", "SELECT x ? 'k'");
}

/* ---- binding and columns ---- */

static void test_ten_vs_one(void **state)
{
    struct fx *f = *state;
    struct store_stmt *s;
    struct kt_err err;
    assert_int_equal(
        store_prepare(f->st, "SELECT ?10, ?1, '?1', ?2 + 0 + ?3 + ?4 + ?5 + ?6 + ?7 + ?8 + ?9", &s, &err),
        0);
    for (int i = 1; i <= 10; i++)
        assert_int_equal(store_bind_int64(s, i, i * 100), 0);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_int_equal(store_col_count(s), 4);
    assert_int_equal(store_col_int64(s, 0), 1000);
    assert_int_equal(store_col_int64(s, 1), 100);
    assert_string_equal(store_col_text(s, 2), "?1");
    assert_int_equal(store_col_int64(s, 3), 4400);
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);
}

static void test_int64_extremes(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    exec_ok(f->st, "CREATE TABLE n (k INTEGER NOT NULL, v BIGINT)");
    const int64_t vals[] = {INT64_MIN, -1, 0, 1, INT64_MAX};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(store_prepare(f->st, "INSERT INTO n (k, v) VALUES (?1, ?2)", &s, &err), 0);
        assert_int_equal(store_bind_int64(s, 1, i), 0);
        assert_int_equal(store_bind_int64(s, 2, vals[i]), 0);
        assert_int_equal(store_step(s, &err), STORE_DONE);
        assert_int_equal(store_changes(f->st), 1);
        store_stmt_done(s);
    }
    assert_int_equal(store_prepare(f->st, "SELECT v FROM n ORDER BY k", &s, &err), 0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(store_step(s, &err), STORE_ROW);
        assert_false(store_col_is_null(s, 0));
        assert_true(store_col_int64(s, 0) == vals[i]);
    }
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);
    /* the extremes survive a round trip through a parameter, too */
    assert_int_equal(store_prepare(f->st, "SELECT count(*) FROM n WHERE v = ?1 OR v = ?2", &s, &err),
                     0);
    store_bind_int64(s, 1, INT64_MIN);
    store_bind_int64(s, 2, INT64_MAX);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_int_equal(store_col_int64(s, 0), 2);
    store_stmt_done(s);
}

static void test_text_utf8_quotes(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    const char *txt = "Zażółć gęślą jaźń — \"cytat\" it's '?1' \\ ż";
    exec_ok(f->st, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
    assert_int_equal(store_prepare(f->st, "INSERT INTO t (k, v) VALUES (1, ?1)", &s, &err), 0);
    assert_int_equal(store_bind_text(s, 1, txt), 0);
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);
    /* textn binds exactly n bytes */
    assert_int_equal(store_prepare(f->st, "INSERT INTO t (k, v) VALUES (2, ?1)", &s, &err), 0);
    assert_int_equal(store_bind_textn(s, 1, "abcdef", 3), 0);
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);
    assert_int_equal(store_prepare(f->st, "SELECT v FROM t WHERE v = ?1", &s, &err), 0);
    store_bind_text(s, 1, txt);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_string_equal(store_col_text(s, 0), txt);
    store_stmt_done(s);
    assert_int_equal(store_prepare(f->st, "SELECT v FROM t WHERE k = 2", &s, &err), 0);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_string_equal(store_col_text(s, 0), "abc");
    store_stmt_done(s);
}

static void test_null(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    exec_ok(f->st, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT, i BIGINT)");
    assert_int_equal(store_prepare(f->st, "INSERT INTO t (k, v, i) VALUES (1, ?1, ?2)", &s, &err),
                     0);
    assert_int_equal(store_bind_text(s, 1, NULL), 0);
    assert_int_equal(store_bind_null(s, 2), 0);
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);
    assert_int_equal(store_prepare(f->st, "SELECT v, i, v IS NULL FROM t", &s, &err), 0);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_true(store_col_is_null(s, 0));
    assert_true(store_col_is_null(s, 1));
    assert_null(store_col_text(s, 0));
    assert_int_equal(store_col_int64(s, 1), 0);
    assert_int_equal(store_col_int64(s, 2), 1); /* a boolean reads as 1 */
    store_stmt_done(s);
}

static void test_blob_zero_bytes(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    char ddl[128];
    snprintf(ddl, sizeof ddl, "CREATE TABLE b (k INTEGER PRIMARY KEY, v %s)", blob_type(f->st));
    exec_ok(f->st, ddl);
    const unsigned char data[] = {0, 1, 0, 0xff, '\\', 'x', 0, '\'', 0x80};
    assert_int_equal(store_prepare(f->st, "INSERT INTO b (k, v) VALUES (?1, ?2)", &s, &err), 0);
    store_bind_int64(s, 1, 1);
    assert_int_equal(store_bind_blob(s, 2, data, sizeof data), 0);
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);
    assert_int_equal(store_prepare(f->st, "INSERT INTO b (k, v) VALUES (?1, ?2)", &s, &err), 0);
    store_bind_int64(s, 1, 2);
    assert_int_equal(store_bind_blob(s, 2, NULL, 0), 0);
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);

    assert_int_equal(store_prepare(f->st, "SELECT v FROM b ORDER BY k", &s, &err), 0);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    size_t n = 0;
    const void *p = store_col_blob(s, 0, &n);
    assert_int_equal(n, sizeof data);
    assert_memory_equal(p, data, sizeof data);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_false(store_col_is_null(s, 0));
    p = store_col_blob(s, 0, &n);
    assert_non_null(p);
    assert_int_equal(n, 0);
    store_stmt_done(s);
}

static void test_booleans_and_count(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    assert_int_equal(store_prepare(f->st, "SELECT 2 > 1, 1 > 2, count(*) FROM (SELECT 1 AS x) q",
                                   &s, &err),
                     0);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_int_equal(store_col_int64(s, 0), 1);
    assert_int_equal(store_col_int64(s, 1), 0);
    assert_int_equal(store_col_int64(s, 2), 1);
    store_stmt_done(s);
}

/* ---- statement cache ---- */

static void test_cache_reuse(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *a, *b, *c;
    const char *sql = "SELECT ?1 + 1";
    assert_int_equal(store_prepare(f->st, sql, &a, &err), 0);
    store_bind_int64(a, 1, 1);
    assert_int_equal(store_step(a, &err), STORE_ROW);
    assert_int_equal(store_col_int64(a, 0), 2);
    store_stmt_done(a);
    assert_int_equal(store_prepare(f->st, sql, &b, &err), 0);
    assert_ptr_equal(a, b); /* same SQL text: the cached statement */
    /* while b is in use the same SQL gets a private statement */
    assert_int_equal(store_prepare(f->st, sql, &c, &err), 0);
    assert_ptr_not_equal(b, c);
    store_bind_int64(b, 1, 10);
    store_bind_int64(c, 1, 20);
    assert_int_equal(store_step(b, &err), STORE_ROW);
    assert_int_equal(store_step(c, &err), STORE_ROW);
    assert_int_equal(store_col_int64(b, 0), 11);
    assert_int_equal(store_col_int64(c, 0), 21);
    store_stmt_done(c);
    store_stmt_done(b);
    assert_int_equal(store_prepare(f->st, sql, &c, &err), 0);
    assert_ptr_equal(a, c);
    store_stmt_done(c);
}

static void test_done_clears_bindings(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    const char *sql = "SELECT coalesce(?1, 'unset')";
    assert_int_equal(store_prepare(f->st, sql, &s, &err), 0);
    store_bind_text(s, 1, "bound");
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_string_equal(store_col_text(s, 0), "bound");
    store_stmt_done(s);
    assert_int_equal(store_prepare(f->st, sql, &s, &err), 0);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_string_equal(store_col_text(s, 0), "unset");
    store_stmt_done(s);
}

static void test_many_statements(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    char sql[64];
    /* more distinct texts than the first table size: the cache grows */
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 150; i++) {
            snprintf(sql, sizeof sql, "SELECT %d + ?1", i);
            assert_int_equal(store_prepare(f->st, sql, &s, &err), 0);
            store_bind_int64(s, 1, round);
            assert_int_equal(store_step(s, &err), STORE_ROW);
            assert_int_equal(store_col_int64(s, 0), i + round);
            store_stmt_done(s);
        }
}

/* ---- errors ---- */

static void test_unique_violation(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    exec_ok(f->st, "CREATE TABLE u (code TEXT PRIMARY KEY, name TEXT UNIQUE)");
    exec_ok(f->st, "INSERT INTO u VALUES ('A', 'x')");
    assert_int_equal(store_prepare(f->st, "INSERT INTO u VALUES (?1, ?2)", &s, &err), 0);
    store_bind_text(s, 1, "A");
    store_bind_text(s, 2, "y");
    assert_int_equal(store_step(s, &err), KT_EEXIST);
    assert_int_equal(err.code, KT_EEXIST);
    assert_non_null(strstr(err.msg, "already exists"));
    store_stmt_done(s);
    assert_int_equal(store_prepare(f->st, "INSERT INTO u VALUES (?1, ?2)", &s, &err), 0);
    store_bind_text(s, 1, "B");
    store_bind_text(s, 2, "x");
    assert_int_equal(store_step(s, &err), KT_EEXIST);
    store_stmt_done(s);
    assert_int_equal(query_i64(f->st, "SELECT count(*) FROM u"), 1);
}

static void test_foreign_key(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    exec_ok(f->st, "CREATE TABLE p (id INTEGER PRIMARY KEY);"
                   "CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER NOT NULL REFERENCES p(id))");
    exec_ok(f->st, "INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1)");
    assert_int_equal(store_prepare(f->st, "INSERT INTO c VALUES (2, ?1)", &s, &err), 0);
    store_bind_int64(s, 1, 99);
    assert_int_equal(store_step(s, &err), KT_EFOREIGN);
    store_stmt_done(s);
    /* deleting a referenced parent is refused too */
    assert_int_equal(store_exec(f->st, "DELETE FROM p WHERE id = 1", &err), KT_EFOREIGN);
    assert_int_equal(query_i64(f->st, "SELECT count(*) FROM p"), 1);
}

static void test_sql_error(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s = NULL;
    int rc = store_prepare(f->st, "SELECT * FROM no_such_table", &s, &err);
    if (rc == 0) { /* PostgreSQL may defer the check to execution */
        rc = store_step(s, &err);
        store_stmt_done(s);
    }
    assert_int_equal(rc, KT_EINVAL);
    assert_non_null(strstr(err.msg, "no_such_table"));
}

/* ---- transactions ---- */

static void test_commit_visible(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store *other;
    exec_ok(f->st, "CREATE TABLE t (k INTEGER PRIMARY KEY)");
    assert_int_equal(store_open(f->url, &other, &err), 0);
    assert_int_equal(store_begin(f->st, &err), 0);
    assert_true(store_in_tx(f->st));
    exec_ok(f->st, "INSERT INTO t VALUES (1)");
    assert_int_equal(query_i64(other, "SELECT count(*) FROM t"), 0);
    assert_int_equal(store_commit(f->st, &err), 0);
    assert_false(store_in_tx(f->st));
    assert_int_equal(query_i64(other, "SELECT count(*) FROM t"), 1);
    store_close(other);
}

static void test_rollback_invisible(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    exec_ok(f->st, "CREATE TABLE t (k INTEGER PRIMARY KEY)");
    assert_int_equal(store_begin(f->st, &err), 0);
    exec_ok(f->st, "INSERT INTO t VALUES (1)");
    assert_int_equal(query_i64(f->st, "SELECT count(*) FROM t"), 1);
    store_rollback(f->st);
    assert_int_equal(query_i64(f->st, "SELECT count(*) FROM t"), 0);
    /* a read transaction sees committed rows */
    exec_ok(f->st, "INSERT INTO t VALUES (2)");
    assert_int_equal(store_begin_read(f->st, &err), 0);
    assert_int_equal(query_i64(f->st, "SELECT count(*) FROM t"), 1);
    assert_int_equal(store_commit(f->st, &err), 0);
}

static void test_nested_begin(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    assert_int_equal(store_begin(f->st, &err), 0);
    assert_int_equal(store_begin(f->st, &err), KT_EINTERNAL);
    assert_non_null(strstr(err.msg, "already open"));
    assert_int_equal(store_begin_read(f->st, &err), KT_EINTERNAL);
    assert_int_equal(store_commit(f->st, &err), 0);
    assert_int_equal(store_commit(f->st, &err), KT_EINTERNAL);
}

static void test_failed_statement_fails_commit(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    exec_ok(f->st, "CREATE TABLE t (k INTEGER PRIMARY KEY)");
    assert_int_equal(store_begin(f->st, &err), 0);
    exec_ok(f->st, "INSERT INTO t VALUES (1)");
    assert_int_equal(store_exec(f->st, "INSERT INTO t VALUES (1)", &err), KT_EEXIST);
    assert_int_equal(store_commit(f->st, &err), KT_EINTERNAL);
    assert_non_null(strstr(err.msg, "rolled back"));
    assert_false(store_in_tx(f->st));
    assert_int_equal(query_i64(f->st, "SELECT count(*) FROM t"), 0);
}

struct retry_ctx {
    int calls;
    int fail_first; /* how many attempts fail */
    int fail_code;
};

static int insert_once(struct store *st, void *vctx, struct kt_err *err)
{
    struct retry_ctx *c = vctx;
    c->calls++;
    int rc = store_exec(st, "INSERT INTO t (k) VALUES (7)", err);
    if (rc == 0 && c->calls <= c->fail_first)
        return kt_err_set(err, c->fail_code, "simulated failure");
    return rc;
}

static void test_tx_retries_conflict(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    exec_ok(f->st, "CREATE TABLE t (k INTEGER PRIMARY KEY)");
    struct retry_ctx c = {0, 2, KT_ECONFLICT};
    assert_int_equal(store_tx(f->st, insert_once, &c, &err), 0);
    assert_int_equal(c.calls, 3);
    /* the failed attempts were rolled back: one row, no KT_EEXIST */
    assert_int_equal(query_i64(f->st, "SELECT count(*) FROM t"), 1);
    struct retry_ctx b = {0, 1, KT_EBUSY};
    exec_ok(f->st, "DELETE FROM t");
    assert_int_equal(store_tx(f->st, insert_once, &b, &err), 0);
    assert_int_equal(b.calls, 2);
}

static void test_tx_no_retry_on_other_errors(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    exec_ok(f->st, "CREATE TABLE t (k INTEGER PRIMARY KEY)");
    struct retry_ctx c = {0, 5, KT_EINVAL};
    assert_int_equal(store_tx(f->st, insert_once, &c, &err), KT_EINVAL);
    assert_int_equal(c.calls, 1);
    assert_int_equal(query_i64(f->st, "SELECT count(*) FROM t"), 0);
    assert_false(store_in_tx(f->st));
}

static void test_tx_gives_up(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    exec_ok(f->st, "CREATE TABLE t (k INTEGER PRIMARY KEY)");
    struct retry_ctx c = {0, 1000, KT_ECONFLICT};
    assert_int_equal(store_tx(f->st, insert_once, &c, &err), KT_ECONFLICT);
    assert_true(c.calls > 1 && c.calls < 100);
    assert_non_null(strstr(err.msg, "gave up"));
    assert_int_equal(query_i64(f->st, "SELECT count(*) FROM t"), 0);
}

#define INCREMENTS 200

struct counter_thread {
    const char *url;
    int rc;
    int64_t last;
};

static int increment(struct store *st, void *vctx, struct kt_err *err)
{
    struct counter_thread *t = vctx;
    struct store_stmt *s;
    int rc = store_prepare(st, "UPDATE counter SET n = n + ?1 WHERE id = 1 RETURNING n", &s, err);
    if (rc)
        return rc;
    store_bind_int64(s, 1, 1);
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        t->last = store_col_int64(s, 0);
        rc = store_step(s, err);
    }
    store_stmt_done(s);
    return rc;
}

static void *counter_main(void *arg)
{
    struct counter_thread *t = arg;
    struct store *st = NULL;
    struct kt_err err;
    t->rc = store_open(t->url, &st, &err);
    for (int i = 0; i < INCREMENTS && t->rc == 0; i++)
        t->rc = store_tx(st, increment, t, &err);
    if (t->rc)
        fprintf(stderr, "counter thread: %s\n", err.msg);
    store_close(st);
    return NULL;
}

static void test_concurrent_counter(void **state)
{
    struct fx *f = *state;
    exec_ok(f->st, "CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL);"
                   "INSERT INTO counter VALUES (1, 0)");
    struct counter_thread t[2] = {{f->url, 0, 0}, {f->url, 0, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, counter_main, &t[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(t[0].rc, 0);
    assert_int_equal(t[1].rc, 0);
    assert_int_equal(query_i64(f->st, "SELECT n FROM counter WHERE id = 1"), 2 * INCREMENTS);
    /* the thread that finished last saw the final value through RETURNING */
    assert_true(t[0].last == 2 * INCREMENTS || t[1].last == 2 * INCREMENTS);
}

/*
 * Two transactions lock two rows in opposite order. On PostgreSQL one of
 * them is chosen as the deadlock victim (40P01); store_tx must retry it.
 * SQLite's BEGIN IMMEDIATE serializes writers, so there the second waits
 * and no deadlock can form; the final counts hold on both.
 */
struct dl_thread {
    const char *url;
    int first, second;
    pthread_barrier_t *barrier;
    int calls;
    int rc;
};

static int bump(struct store *st, int id, struct kt_err *err)
{
    struct store_stmt *s;
    int rc = store_prepare(st, "UPDATE counter SET n = n + 1 WHERE id = ?1", &s, err);
    if (rc)
        return rc;
    store_bind_int64(s, 1, id);
    rc = store_step(s, err);
    store_stmt_done(s);
    return rc;
}

static int cross(struct store *st, void *vctx, struct kt_err *err)
{
    struct dl_thread *t = vctx;
    int rc = bump(st, t->first, err);
    if (rc == 0 && ++t->calls == 1 && store_dialect(st) == STORE_POSTGRES)
        pthread_barrier_wait(t->barrier);
    if (rc == 0)
        rc = bump(st, t->second, err);
    return rc;
}

static void *cross_main(void *arg)
{
    struct dl_thread *t = arg;
    struct store *st = NULL;
    struct kt_err err;
    t->rc = store_open(t->url, &st, &err);
    if (t->rc == 0)
        t->rc = store_tx(st, cross, t, &err);
    if (t->rc)
        fprintf(stderr, "deadlock thread: %s\n", err.msg);
    store_close(st);
    return NULL;
}

static void test_deadlock_retried(void **state)
{
    struct fx *f = *state;
    exec_ok(f->st, "CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL);"
                   "INSERT INTO counter VALUES (1, 0); INSERT INTO counter VALUES (2, 0)");
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, 2);
    struct dl_thread t[2] = {{f->url, 1, 2, &barrier, 0, 0}, {f->url, 2, 1, &barrier, 0, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, cross_main, &t[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);
    assert_int_equal(t[0].rc, 0);
    assert_int_equal(t[1].rc, 0);
    if (store_dialect(f->st) == STORE_POSTGRES)
        /* at least one victim, run again; under a sanitizer's slowness the
         * retried victim can be chosen again before the winner commits */
        assert_true(t[0].calls + t[1].calls >= 3);
    assert_int_equal(query_i64(f->st, "SELECT n FROM counter WHERE id = 1"), 2);
    assert_int_equal(query_i64(f->st, "SELECT n FROM counter WHERE id = 2"), 2);
}

/* ---- RETURNING and changes ---- */

static void test_returning(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    char ddl[160];
    snprintf(ddl, sizeof ddl, "CREATE TABLE o (id %s, code TEXT NOT NULL)", serial_pk(f->st));
    exec_ok(f->st, ddl);
    int64_t ids[3];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(
            store_prepare(f->st, "INSERT INTO o (code) VALUES (?1) RETURNING id, code", &s, &err),
            0);
        store_bind_text(s, 1, i == 1 ? "B" : "A");
        assert_int_equal(store_step(s, &err), STORE_ROW);
        ids[i] = store_col_int64(s, 0);
        assert_string_equal(store_col_text(s, 1), i == 1 ? "B" : "A");
        assert_int_equal(store_step(s, &err), STORE_DONE);
        store_stmt_done(s);
    }
    assert_true(ids[0] < ids[1] && ids[1] < ids[2]);
    /* changes counts rows touched by a conditional update */
    assert_int_equal(store_prepare(f->st, "UPDATE o SET code = 'C' WHERE code = ?1", &s, &err), 0);
    store_bind_text(s, 1, "A");
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);
    assert_int_equal(store_changes(f->st), 2);
    assert_int_equal(store_prepare(f->st, "UPDATE o SET code = 'C' WHERE code = ?1", &s, &err), 0);
    store_bind_text(s, 1, "nothing");
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);
    assert_int_equal(store_changes(f->st), 0);
}

static void test_exec_many_and_empty_result(void **state)
{
    struct fx *f = *state;
    struct kt_err err;
    struct store_stmt *s;
    exec_ok(f->st, "CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER); "
                   "INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)");
    assert_int_equal(query_i64(f->st, "SELECT x + (SELECT y FROM b) FROM a"), 3);
    assert_int_equal(store_prepare(f->st, "SELECT x FROM a WHERE x > ?1", &s, &err), 0);
    store_bind_int64(s, 1, 100);
    assert_int_equal(store_step(s, &err), STORE_DONE);
    store_stmt_done(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewrite_plain),
        cmocka_unit_test(test_rewrite_skips_literals),
        cmocka_unit_test(test_rewrite_skips_comments),
        cmocka_unit_test_setup_teardown(test_ten_vs_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_int64_extremes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_utf8_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blob_zero_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_booleans_and_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_done_clears_bindings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_statements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unique_violation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_visible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_invisible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_begin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_statement_fails_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_retries_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_no_retry_on_other_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_gives_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_counter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadlock_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_returning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exec_many_and_empty_result, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
