#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "fixture.h"
#include "store/migrate.h"
#include "testdb.h"

int fixture_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct kt_err err;

    if (f == NULL)
        return -1;
    kt_log_set_level(KT_LOG_WARN); /* no migration chatter per test */
    if (testdb_create(f->url, sizeof f->url) != 0) {
        free(f);
        return -1;
    }
    if (store_open(f->url, &f->st, &err) < 0 || store_migrate(f->st, NULL, &err) < 0) {
        fprintf(stderr, "fixture: %s: %s\n", f->url, err.msg);
        if (f->st != NULL)
            store_close(f->st);
        testdb_drop(f->url);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int fixture_teardown(void **state)
{
    struct fixture *f = *state;
    if (f == NULL)
        return 0;
    store_close(f->st);
    testdb_drop(f->url);
    free(f);
    return 0;
}

static struct store_stmt *run(struct store *st, const char *sql, const char *arg)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    if (store_prepare(st, sql, &s, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    if (arg != NULL)
        assert_int_equal(store_bind_text(s, 1, arg), 0);
    int rc = store_step(s, &err);
    if (rc < 0)
        fail_msg("%s: %s", sql, err.msg);
    assert_int_equal(rc, STORE_ROW);
    return s;
}

int64_t fixture_int(struct store *st, const char *sql, const char *arg)
{
    struct store_stmt *s = run(st, sql, arg);
    int64_t v = store_col_int64(s, 0);
    store_stmt_done(s);
    return v;
}

void fixture_text(struct store *st, const char *sql, const char *arg, char *buf, size_t n)
{
    struct store_stmt *s = run(st, sql, arg);
    const char *v = store_col_text(s, 0);
    kt_strlcpy(buf, v != NULL ? v : "", n);
    store_stmt_done(s);
}
