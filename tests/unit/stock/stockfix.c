#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "catalog/warehouse.h"
#include "stockfix.h"
#include "store/migrate.h"
#include "testdb.h"

int stockfix_open(struct stockfix *f)
{
    struct kt_err err;
    int applied = 0;
    f->st = NULL;
    if (testdb_create(f->url, sizeof f->url) != 0)
        return -1;
    if (store_open(f->url, &f->st, &err) < 0 || store_migrate(f->st, &applied, &err) < 0) {
        fprintf(stderr, "stockfix: %s: %s\n", f->url, err.msg);
        stockfix_close(f);
        return -1;
    }
    return 0;
}

void stockfix_close(struct stockfix *f)
{
    if (f->st)
        store_close(f->st);
    f->st = NULL;
    testdb_drop(f->url);
}

static int64_t insert_returning(struct store *st, const char *sql, const char *code)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    if (store_prepare(st, sql, &s, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    assert_int_equal(store_bind_text(s, 1, code), 0);
    int rc = store_step(s, &err);
    if (rc < 0)
        fail_msg("%s: %s", sql, err.msg);
    assert_int_equal(rc, STORE_ROW);
    int64_t id = store_col_int64(s, 0);
    store_stmt_done(s);
    return id;
}

int64_t stockfix_product(struct store *st, const char *code)
{
    return insert_returning(
        st,
        "INSERT INTO products (code, code_fold, unit, vat_rate, name_fold, "
        "search_text, created_at, updated_at) "
        "VALUES (?1, lower(?1), 'pcs', '23', lower(?1), ' ' || lower(?1) || ' ', "
        "0, 0) RETURNING id",
        code);
}

int64_t stockfix_customer(struct store *st, const char *code)
{
    return insert_returning(st,
                            "INSERT INTO customers (code, name, tax_id_kind, country, lang, "
                            "currency, document_type, payment_days, payment_method, created_at, "
                            "updated_at) VALUES (?1, 'Customer ' || ?1, 'none', 'PL', 'pl', 'PLN', "
                            "'domestic', 14, 'transfer', 0, 0) RETURNING id",
                            code);
}

int64_t stockfix_warehouse(struct store *st, const char *code)
{
    struct stock_warehouse w = {.active = 1};
    struct kt_err err;
    int64_t id = 0;
    snprintf(w.code, sizeof w.code, "%s", code);
    snprintf(w.name, sizeof w.name, "Warehouse %s", code);
    if (stock_warehouse_create(st, &w, &id, &err) != 0)
        fail_msg("warehouse %s: %s", code, err.msg);
    return id;
}

int64_t stockfix_int(struct store *st, const char *sql, int64_t arg)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    if (store_prepare(st, sql, &s, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    if (strstr(sql, "?1"))
        assert_int_equal(store_bind_int64(s, 1, arg), 0);
    int rc = store_step(s, &err);
    if (rc < 0)
        fail_msg("%s: %s", sql, err.msg);
    assert_int_equal(rc, STORE_ROW);
    int64_t v = store_col_int64(s, 0);
    store_stmt_done(s);
    return v;
}

void stockfix_exec(struct store *st, const char *sql)
{
    struct kt_err err;
    if (store_exec(st, sql, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
}
