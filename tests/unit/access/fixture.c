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
#include "base/buf.h"
#include "store/migrate.h"
#include "testdb.h"

int64_t fix_clock;

static int64_t fix_now(void)
{
    return fix_clock;
}

void fix_options(void (*tweak)(struct access_options *o))
{
    struct access_options o;
    struct kt_err err;
    access_options_default(&o);
    o.pwhash_ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    o.pwhash_mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
    o.now_ms = fix_now;
    if (tweak)
        tweak(&o);
    if (access_set_options(&o, &err) != 0)
        fail_msg("options: %s", err.msg);
}

int fix_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct kt_err err;
    if (!f || testdb_create(f->url, sizeof f->url) != 0)
        return -1;
    if (store_open(f->url, &f->st, &err) < 0 || store_migrate(f->st, NULL, &err) < 0) {
        fprintf(stderr, "fixture: %s: %s\n", f->url, err.msg);
        return -1;
    }
    fix_clock = 1767225600000; /* 2026-01-01T00:00:00Z */
    fix_options(NULL);
    *state = f;
    return 0;
}

int fix_teardown(void **state)
{
    struct fixture *f = *state;
    if (f->st)
        store_close(f->st);
    testdb_drop(f->url);
    free(f);
    return 0;
}

static int64_t make_user(struct store *st, const char *login, enum access_user_kind kind,
                         int64_t customer_id, va_list ap)
{
    const char *roles[16];
    size_t n = 0;
    const char *r;
    while ((r = va_arg(ap, const char *)) != NULL && n < 16)
        roles[n++] = r;
    struct access_user u;
    struct kt_err err;
    memset(&u, 0, sizeof u);
    u.kind = kind;
    u.customer_id = customer_id;
    snprintf(u.login, sizeof u.login, "%s", login);
    snprintf(u.name, sizeof u.name, "User %s", login);
    if (access_user_create(st, &u, FIX_PASSWORD, roles, n, &err) != 0)
        fail_msg("create %s: %s", login, err.msg);
    return u.id;
}

int64_t fix_staff(struct store *st, const char *login, ...)
{
    va_list ap;
    va_start(ap, login);
    int64_t id = make_user(st, login, ACCESS_STAFF, 0, ap);
    va_end(ap);
    return id;
}

int64_t fix_customer_user(struct store *st, const char *login, int64_t customer_id, ...)
{
    va_list ap;
    va_start(ap, customer_id);
    int64_t id = make_user(st, login, ACCESS_CUSTOMER, customer_id, ap);
    va_end(ap);
    return id;
}

int64_t fix_customer(struct store *st, const char *code)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    if (store_prepare(st,
                      "INSERT INTO customers (code, name, tax_id_kind, country, lang, currency, "
                      "document_type, payment_days, payment_method, created_at, updated_at) "
                      "VALUES (?1, ?1, 'none', 'PL', 'pl', 'PLN', 'domestic', 14, 'transfer', "
                      "1, 1) RETURNING id",
                      &s, &err) != 0)
        fail_msg("customer: %s", err.msg);
    assert_int_equal(store_bind_text(s, 1, code), 0);
    if (store_step(s, &err) != STORE_ROW)
        fail_msg("customer: %s", err.msg);
    int64_t id = store_col_int64(s, 0);
    store_stmt_done(s);
    return id;
}

int64_t fix_int(struct store *st, const char *sql, const char *arg)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    if (store_prepare(st, sql, &s, &err) != 0)
        fail_msg("%s: %s", sql, err.msg);
    if (arg)
        assert_int_equal(store_bind_text(s, 1, arg), 0);
    int rc = store_step(s, &err);
    if (rc < 0)
        fail_msg("%s: %s", sql, err.msg);
    int64_t v = rc == STORE_ROW ? store_col_int64(s, 0) : -1;
    store_stmt_done(s);
    return v;
}

char *fix_dump(struct store *st, const char *table)
{
    struct kt_err err;
    struct kt_buf b;
    struct store_stmt *s = NULL;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
    kt_buf_init(&b, 0);
    if (store_prepare(st, sql, &s, &err) != 0)
        fail_msg("%s: %s", sql, err.msg);
    int rc;
    while ((rc = store_step(s, &err)) == STORE_ROW) {
        for (int c = 0; c < store_col_count(s); c++) {
            const char *t = store_col_text(s, c);
            kt_buf_adds(&b, t ? t : "NULL");
            kt_buf_addc(&b, '|');
        }
        kt_buf_addc(&b, '\n');
    }
    if (rc < 0)
        fail_msg("%s: %s", sql, err.msg);
    store_stmt_done(s);
    kt_buf_addc(&b, '\0');
    return kt_buf_detach(&b);
}
