#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "fixture.h"
#include "base/err.h"
#include "store/migrate.h"
#include "testdb.h"

int64_t fixture_clock;

int64_t fixture_now_ms(void)
{
    return fixture_clock;
}

int fixture_open(struct fixture *f)
{
    struct kt_err err;
    int applied = 0;

    f->st = NULL;
    if (testdb_create(f->url, sizeof f->url) != 0)
        return -1;
    if (store_open(f->url, &f->st, &err) < 0 || store_migrate(f->st, &applied, &err) < 0 ||
        store_exec(f->st,
                   "CREATE TABLE effects (key TEXT PRIMARY KEY, worker TEXT);"
                   "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
                   "INSERT INTO counter (id, n) VALUES (1, 0);",
                   &err) < 0) {
        fprintf(stderr, "fixture: %s: %s\n", f->url, err.msg);
        fixture_close(f);
        return -1;
    }
    return 0;
}

void fixture_close(struct fixture *f)
{
    if (f->st)
        store_close(f->st);
    f->st = NULL;
    testdb_drop(f->url);
}

static int64_t query_int(struct store *st, const char *sql, const char *arg)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    int64_t v = -1;
    if (store_prepare(st, sql, &s, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    if (arg)
        assert_int_equal(store_bind_text(s, 1, arg), 0);
    int rc = store_step(s, &err);
    if (rc < 0)
        fail_msg("%s: %s", sql, err.msg);
    assert_int_equal(rc, STORE_ROW);
    v = store_col_int64(s, 0);
    store_stmt_done(s);
    return v;
}

int64_t fixture_int(struct store *st, const char *sql)
{
    return query_int(st, sql, NULL);
}

int64_t fixture_int_text(struct store *st, const char *sql, const char *arg)
{
    return query_int(st, sql, arg);
}

void fixture_text(struct store *st, const char *sql, char *buf, size_t n)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    if (store_prepare(st, sql, &s, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    int rc = store_step(s, &err);
    if (rc < 0)
        fail_msg("%s: %s", sql, err.msg);
    assert_int_equal(rc, STORE_ROW);
    const char *t = store_col_text(s, 0);
    snprintf(buf, n, "%s", t ? t : "");
    store_stmt_done(s);
}

void fixture_exec(struct store *st, const char *sql)
{
    struct kt_err err;
    if (store_exec(st, sql, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
}
