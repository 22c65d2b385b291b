/*
 * Stock on one connection: warehouses, set/adjust/move/reserve/release/
 * issue with their ledger rows, the refusals and their sentences, events
 * written in the same transaction, totals, and stock_explain at past
 * moments (with a fake clock).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "catalog/stock.h"
#include "catalog/warehouse.h"
#include "stockfix.h"

static struct stockfix fx;
static int64_t fake_now;
static int64_t prod, prod2, mag1, mag2, mag3;

static int64_t fake_clock(void)
{
    return fake_now;
}

static int setup(void **state)
{
    (void)state;
    if (stockfix_open(&fx) != 0)
        return -1;
    stock_set_clock(fake_clock);
    fake_now = 1000000;
    prod = stockfix_product(fx.st, "P-001");
    prod2 = stockfix_product(fx.st, "P-002");
    mag1 = stockfix_warehouse(fx.st, "MAG1");
    mag2 = stockfix_warehouse(fx.st, "MAG2");
    mag3 = stockfix_warehouse(fx.st, "MAG3");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stock_set_clock(NULL);
    stockfix_close(&fx);
    return 0;
}

/* Every test starts from empty stock, ledger and events, negative stock off. */
static int reset(void **state)
{
    (void)state;
    struct kt_err err;
    stockfix_exec(fx.st, "DELETE FROM stock_ledger; DELETE FROM stock; DELETE FROM jobs; "
                         "DELETE FROM events");
    assert_int_equal(stock_allow_negative_set(fx.st, 0, &err), 0);
    fake_now += 1000;
    return 0;
}

static int64_t ledger_rows(void)
{
    return stockfix_int(fx.st, "SELECT COUNT(*) FROM stock_ledger", 0);
}

static int64_t stock_events(void)
{
    return stockfix_int(fx.st, "SELECT COUNT(*) FROM events WHERE type = 'stock.changed'", 0);
}

static struct stock_level level(int64_t product, int64_t wh)
{
    struct stock_level l;
    struct kt_err err;
    if (stock_get(fx.st, product, wh, &l, &err) != 0)
        fail_msg("stock_get: %s", err.msg);
    return l;
}

/* ---- warehouses ---- */

static void test_warehouse_create_get_list(void **state)
{
    (void)state;
    struct kt_err err;
    struct stock_warehouse w = {.active = 1}, got;
    int64_t id = 0;
    snprintf(w.code, sizeof w.code, "WRO");
    snprintf(w.name, sizeof w.name, "Wrocław");
    snprintf(w.street, sizeof w.street, "ul. Legnicka 1");
    snprintf(w.postal_code, sizeof w.postal_code, "54-203");
    snprintf(w.city, sizeof w.city, "Wrocław");
    assert_int_equal(stock_warehouse_create(fx.st, &w, &id, &err), 0);
    assert_true(id > 0);
    assert_int_equal(stock_warehouse_get(fx.st, "WRO", &got, &err), 0);
    assert_int_equal(got.id, id);
    assert_string_equal(got.name, "Wrocław");
    assert_string_equal(got.street, "ul. Legnicka 1");
    assert_string_equal(got.postal_code, "54-203");
    assert_string_equal(got.country, "PL");
    assert_int_equal(got.active, 1);
    assert_int_equal(stock_warehouse_get_id(fx.st, id, &got, &err), 0);
    assert_string_equal(got.code, "WRO");

    struct stock_warehouse *list = NULL;
    size_t n = 0;
    assert_int_equal(stock_warehouse_list(fx.st, 0, &list, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(list[0].code, "MAG1");
    assert_string_equal(list[3].code, "WRO");
    free(list);
}

static void test_warehouse_refusals(void **state)
{
    (void)state;
    struct kt_err err;
    struct stock_warehouse w = {.active = 1}, got;
    snprintf(w.code, sizeof w.code, "MAG1");
    snprintf(w.name, sizeof w.name, "again");
    assert_int_equal(stock_warehouse_create(fx.st, &w, NULL, &err), KT_EEXIST);
    assert_non_null(strstr(err.msg, "MAG1 exists already"));
    snprintf(w.code, sizeof w.code, "MAG 9");
    assert_int_equal(stock_warehouse_create(fx.st, &w, NULL, &err), KT_EINVAL);
    snprintf(w.code, sizeof w.code, "MAG9");
    w.name[0] = '\0';
    assert_int_equal(stock_warehouse_create(fx.st, &w, NULL, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "name is required"));
    snprintf(w.name, sizeof w.name, "x");
    snprintf(w.country, sizeof w.country, "pl");
    assert_int_equal(stock_warehouse_create(fx.st, &w, NULL, &err), KT_EINVAL);
    assert_int_equal(stock_warehouse_get(fx.st, "NOPE", &got, &err), KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no warehouse NOPE"));
}

static void test_inactive_warehouse_listed_on_request(void **state)
{
    (void)state;
    struct kt_err err;
    struct stock_warehouse w = {.active = 0};
    snprintf(w.code, sizeof w.code, "OLD");
    snprintf(w.name, sizeof w.name, "closed");
    assert_int_equal(stock_warehouse_create(fx.st, &w, NULL, &err), 0);
    struct stock_warehouse *list = NULL;
    size_t n = 0, all = 0;
    assert_int_equal(stock_warehouse_list(fx.st, 0, &list, &n, &err), 0);
    free(list);
    assert_int_equal(stock_warehouse_list(fx.st, 1, &list, &all, &err), 0);
    assert_int_equal(all, n + 1);
    int seen = 0;
    for (size_t i = 0; i < all; i++)
        seen += strcmp(list[i].code, "OLD") == 0 && !list[i].active;
    assert_int_equal(seen, 1);
    free(list);
}

/* ---- changes ---- */

static void test_set_records_the_difference(void **state)
{
    (void)state;
    struct kt_err err;
    struct stock_result r;
    struct stock_origin o = {.doc_ref = "INW/1/2026", .user = "anna"};
    assert_int_equal(stock_set(fx.st, prod, mag1, 10000, STOCK_REASON_SET, &o, &r, &err), 0);
    assert_int_equal(r.delta, 10000);
    assert_int_equal(r.on_hand, 10000);
    assert_int_equal(stock_set(fx.st, prod, mag1, 7500, STOCK_REASON_SET, &o, &r, &err), 0);
    assert_int_equal(r.delta, -2500);
    assert_int_equal(r.on_hand, 7500);
    /* a count that confirms the stock is still a ledger row, with delta 0 */
    assert_int_equal(stock_set(fx.st, prod, mag1, 7500, STOCK_REASON_SET, NULL, &r, &err), 0);
    assert_int_equal(r.delta, 0);

    struct stock_ledger_query q = {.product_id = prod};
    struct stock_ledger_entry *rows = NULL;
    size_t n = 0;
    assert_int_equal(stock_ledger_list(fx.st, &q, &rows, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].delta, 10000);
    assert_int_equal(rows[1].delta, -2500);
    assert_int_equal(rows[1].resulting_on_hand, 7500);
    assert_int_equal(rows[1].reason, STOCK_REASON_SET);
    assert_string_equal(rows[1].doc_ref, "INW/1/2026");
    assert_string_equal(rows[1].user, "anna");
    assert_string_equal(rows[1].warehouse_code, "MAG1");
    assert_string_equal(rows[2].doc_ref, "");
    assert_true(rows[0].id < rows[1].id && rows[1].id < rows[2].id);
    free(rows);
    assert_int_equal(level(prod, mag1).on_hand, 7500);
}

static void test_adjust_and_not_enough_stock(void **state)
{
    (void)state;
    struct kt_err err;
    struct stock_result r;
    assert_int_equal(stock_adjust(fx.st, prod, mag1, 3000, STOCK_REASON_RECEIPT, NULL, &r, &err),
                     0);
    assert_int_equal(r.on_hand, 3000);
    int64_t rows = ledger_rows(), events = stock_events();
    assert_int_equal(stock_adjust(fx.st, prod, mag1, -5000, STOCK_REASON_ISSUE, NULL, &r, &err),
                     KT_ELIMIT);
    assert_string_equal(err.msg, "not enough stock of P-001 in MAG1: available 3, asked 5");
    assert_int_equal(ledger_rows(), rows);
    assert_int_equal(stock_events(), events);
    assert_int_equal(level(prod, mag1).on_hand, 3000);
    assert_int_equal(stock_adjust(fx.st, prod, mag1, -3000, STOCK_REASON_ISSUE, NULL, &r, &err), 0);
    assert_int_equal(r.on_hand, 0);
    assert_int_equal(r.delta, -3000);
}

static void test_adjust_without_any_row_is_refused(void **state)
{
    (void)state;
    struct kt_err err;
    assert_int_equal(stock_adjust(fx.st, prod2, mag3, -1500, STOCK_REASON_ADJUST, NULL, NULL, &err),
                     KT_ELIMIT);
    assert_string_equal(err.msg, "not enough stock of P-002 in MAG3: available 0, asked 1.5");
    assert_int_equal(ledger_rows(), 0);
}

static void test_negative_stock_when_allowed(void **state)
{
    (void)state;
    struct kt_err err;
    struct stock_result r;
    int allowed = -1;
    assert_int_equal(stock_allow_negative_get(fx.st, &allowed, &err), 0);
    assert_int_equal(allowed, 0);
    assert_int_equal(stock_set(fx.st, prod, mag1, -1000, STOCK_REASON_SET, NULL, &r, &err),
                     KT_EINVAL);
    assert_int_equal(stock_allow_negative_set(fx.st, 1, &err), 0);
    assert_int_equal(stock_allow_negative_get(fx.st, &allowed, &err), 0);
    assert_int_equal(allowed, 1);
    assert_int_equal(stock_adjust(fx.st, prod, mag1, -2000, STOCK_REASON_ISSUE, NULL, &r, &err), 0);
    assert_int_equal(r.on_hand, -2000);
    assert_int_equal(stock_set(fx.st, prod, mag1, -500, STOCK_REASON_SET, NULL, &r, &err), 0);
    assert_int_equal(r.delta, 1500);
    /* reservations never exceed what is available, even now */
    assert_int_equal(stock_reserve(fx.st, prod, mag1, 1000, NULL, NULL, &err), KT_ELIMIT);
    assert_int_equal(stock_adjust(fx.st, prod, mag1, 600, STOCK_REASON_RECEIPT, NULL, &r, &err), 0);
    assert_int_equal(r.on_hand, 100);
}

static void test_zero_and_bad_arguments(void **state)
{
    (void)state;
    struct kt_err err;
    assert_int_equal(stock_adjust(fx.st, prod, mag1, 0, STOCK_REASON_ADJUST, NULL, NULL, &err),
                     KT_EINVAL);
    assert_int_equal(stock_adjust(fx.st, prod, mag1, 5, STOCK_REASON_MOVE, NULL, NULL, &err),
                     KT_EINVAL);
    assert_int_equal(stock_set(fx.st, prod, mag1, 5, STOCK_REASON_RECEIPT, NULL, NULL, &err),
                     KT_EINVAL);
    assert_int_equal(stock_reserve(fx.st, prod, mag1, 0, NULL, NULL, &err), KT_EINVAL);
    assert_int_equal(stock_move(fx.st, prod, mag1, mag1, 1000, NULL, NULL, NULL, &err), KT_EINVAL);
    assert_int_equal(stock_set(fx.st, 999999, mag1, 5, STOCK_REASON_SET, NULL, NULL, &err),
                     KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no product with id 999999"));
    assert_int_equal(stock_set(fx.st, prod, 999999, 5, STOCK_REASON_SET, NULL, NULL, &err),
                     KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no warehouse with id 999999"));
    /* reserve, release and issue look the codes up only to explain a refusal */
    assert_int_equal(stock_reserve(fx.st, 999999, mag1, 5, NULL, NULL, &err), KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no product with id 999999"));
    assert_int_equal(stock_release(fx.st, prod, 999999, 5, NULL, NULL, &err), KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no warehouse with id 999999"));
    assert_int_equal(stock_issue(fx.st, 999999, mag1, 5, NULL, NULL, &err), KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no product with id 999999"));
    char long_ref[STOCK_DOC_REF_MAX + 2];
    memset(long_ref, 'x', sizeof long_ref - 1);
    long_ref[sizeof long_ref - 1] = '\0';
    struct stock_origin o = {.doc_ref = long_ref};
    assert_int_equal(stock_set(fx.st, prod, mag1, 5, STOCK_REASON_SET, &o, NULL, &err), KT_EINVAL);
    assert_int_equal(ledger_rows(), 0);
    enum stock_reason r;
    assert_int_equal(stock_reason_parse("receipt", &r, &err), 0);
    assert_int_equal(r, STOCK_REASON_RECEIPT);
    assert_int_equal(stock_reason_parse("gift", &r, &err), KT_EINVAL);
    assert_string_equal(stock_reason_name(STOCK_REASON_IMPORT), "import");
}

static void test_reserve_release_issue(void **state)
{
    (void)state;
    struct kt_err err;
    struct stock_result r;
    struct stock_origin o = {.doc_ref = "ZK/7"};
    assert_int_equal(stock_set(fx.st, prod, mag1, 5000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    assert_int_equal(stock_reserve(fx.st, prod, mag1, 3000, &o, &r, &err), 0);
    assert_int_equal(r.reserved, 3000);
    assert_int_equal(r.on_hand, 5000);
    assert_int_equal(r.delta, 0);
    struct stock_level l = level(prod, mag1);
    assert_int_equal(l.available, 2000);
    assert_int_equal(stock_reserve(fx.st, prod, mag1, 2500, &o, &r, &err), KT_ELIMIT);
    assert_string_equal(err.msg,
                        "not enough stock of P-001 in MAG1 to reserve: available 2, asked 2.5");
    /* stock cannot be counted below what is reserved */
    assert_int_equal(stock_set(fx.st, prod, mag1, 2000, STOCK_REASON_SET, NULL, NULL, &err),
                     KT_ELIMIT);
    assert_non_null(strstr(err.msg, "3 are reserved"));
    assert_int_equal(stock_release(fx.st, prod, mag1, 4000, &o, &r, &err), KT_ELIMIT);
    assert_string_equal(err.msg, "cannot release 4 of P-001 in MAG1: only 3 reserved");
    assert_int_equal(stock_release(fx.st, prod, mag1, 1000, &o, &r, &err), 0);
    assert_int_equal(r.reserved, 2000);
    assert_int_equal(stock_issue(fx.st, prod, mag1, 3000, &o, &r, &err), KT_ELIMIT);
    assert_non_null(strstr(err.msg, "only 2 reserved"));
    assert_int_equal(stock_issue(fx.st, prod, mag1, 2000, &o, &r, &err), 0);
    assert_int_equal(r.on_hand, 3000);
    assert_int_equal(r.reserved, 0);
    assert_int_equal(r.delta, -2000);

    struct stock_ledger_query q = {.product_id = prod, .warehouse_id = mag1};
    struct stock_ledger_entry *rows = NULL;
    size_t n = 0;
    assert_int_equal(stock_ledger_list(fx.st, &q, &rows, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_int_equal(rows[1].reason, STOCK_REASON_RESERVE);
    assert_int_equal(rows[1].reserved_delta, 3000);
    assert_int_equal(rows[1].delta, 0);
    assert_int_equal(rows[2].reason, STOCK_REASON_RELEASE);
    assert_int_equal(rows[2].reserved_delta, -1000);
    assert_int_equal(rows[3].reason, STOCK_REASON_ISSUE);
    assert_int_equal(rows[3].delta, -2000);
    assert_int_equal(rows[3].reserved_delta, -2000);
    assert_int_equal(rows[3].resulting_reserved, 0);
    free(rows);
}

static void check_move(int64_t from, int64_t to)
{
    struct kt_err err;
    struct stock_result rf, rt;
    assert_int_equal(stock_set(fx.st, prod, from, 4000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    int64_t rows = ledger_rows();
    assert_int_equal(stock_move(fx.st, prod, from, to, 1500, NULL, &rf, &rt, &err), 0);
    assert_int_equal(rf.on_hand, 2500);
    assert_int_equal(rf.delta, -1500);
    assert_int_equal(rt.on_hand, 1500);
    assert_int_equal(rt.delta, 1500);
    assert_int_equal(ledger_rows(), rows + 2);
    /* too much: refused, and the destination is exactly as before */
    assert_int_equal(stock_move(fx.st, prod, from, to, 3000, NULL, NULL, NULL, &err), KT_ELIMIT);
    assert_non_null(strstr(err.msg, "available 2.5, asked 3"));
    assert_int_equal(level(prod, from).on_hand, 2500);
    assert_int_equal(level(prod, to).on_hand, 1500);
    assert_int_equal(ledger_rows(), rows + 2);
    struct stock_level t;
    assert_int_equal(stock_total(fx.st, prod, &t, &err), 0);
    assert_int_equal(t.on_hand, 4000);
}

static void test_move_to_higher_id(void **state)
{
    (void)state;
    assert_true(mag1 < mag2);
    check_move(mag1, mag2);
}

static void test_move_to_lower_id(void **state)
{
    (void)state;
    check_move(mag3, mag1);
}

static void test_move_ledger_rows(void **state)
{
    (void)state;
    struct kt_err err;
    struct stock_origin o = {.doc_ref = "MM/3", .user = "jan"};
    assert_int_equal(stock_set(fx.st, prod, mag2, 2000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    assert_int_equal(stock_move(fx.st, prod, mag2, mag3, 2000, &o, NULL, NULL, &err), 0);
    struct stock_ledger_query q = {.product_id = prod};
    struct stock_ledger_entry *rows = NULL;
    size_t n = 0;
    assert_int_equal(stock_ledger_list(fx.st, &q, &rows, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(rows[1].reason, STOCK_REASON_MOVE);
    assert_int_equal(rows[1].warehouse_id, mag2);
    assert_int_equal(rows[1].delta, -2000);
    assert_int_equal(rows[1].resulting_on_hand, 0);
    assert_int_equal(rows[2].reason, STOCK_REASON_MOVE);
    assert_int_equal(rows[2].warehouse_id, mag3);
    assert_int_equal(rows[2].delta, 2000);
    assert_string_equal(rows[2].doc_ref, "MM/3");
    assert_string_equal(rows[2].user, "jan");
    free(rows);
}

static void test_totals_and_levels(void **state)
{
    (void)state;
    struct kt_err err;
    assert_int_equal(stock_set(fx.st, prod, mag1, 1000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    assert_int_equal(stock_set(fx.st, prod, mag2, 2500, STOCK_REASON_SET, NULL, NULL, &err), 0);
    assert_int_equal(stock_set(fx.st, prod2, mag2, 9000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    assert_int_equal(stock_reserve(fx.st, prod, mag2, 500, NULL, NULL, &err), 0);
    struct stock_level t;
    assert_int_equal(stock_total(fx.st, prod, &t, &err), 0);
    assert_int_equal(t.on_hand, 3500);
    assert_int_equal(t.reserved, 500);
    assert_int_equal(t.available, 3000);
    struct stock_level *lv = NULL;
    size_t n = 0;
    assert_int_equal(stock_levels(fx.st, prod, &lv, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(lv[0].warehouse_code, "MAG1");
    assert_int_equal(lv[0].on_hand, 1000);
    assert_string_equal(lv[1].warehouse_code, "MAG2");
    assert_int_equal(lv[1].available, 2000);
    free(lv);
    /* a warehouse that never had the product reads as zero */
    struct stock_level z = level(prod, mag3);
    assert_int_equal(z.on_hand, 0);
    assert_string_equal(z.warehouse_code, "MAG3");
    assert_int_equal(stock_total(fx.st, 999999, &t, &err), KT_ENOTFOUND);
}

/* ---- events and transactions ---- */

static void test_event_per_change_with_totals(void **state)
{
    (void)state;
    struct kt_err err;
    assert_int_equal(stock_set(fx.st, prod, mag1, 4000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    assert_int_equal(stock_set(fx.st, prod, mag2, 1000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    assert_int_equal(stock_reserve(fx.st, prod, mag1, 1500, NULL, NULL, &err), 0);
    assert_int_equal(stock_events(), 3);
    struct store_stmt *s = NULL;
    assert_int_equal(store_prepare(fx.st,
                                   "SELECT payload FROM events WHERE type = 'stock.changed' "
                                   "ORDER BY id DESC",
                                   &s, &err),
                     0);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    char want[128];
    snprintf(want, sizeof want,
             "{\"product_id\":%lld,\"total_on_hand\":5000,"
             "\"total_available\":3500}",
             (long long)prod);
    assert_string_equal(store_col_text(s, 0), want);
    store_stmt_done(s);
}

static void test_change_joins_callers_transaction(void **state)
{
    (void)state;
    struct kt_err err;
    assert_int_equal(store_begin(fx.st, &err), 0);
    assert_int_equal(stock_set(fx.st, prod, mag1, 4000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    /* a refused change inside it leaves the transaction usable */
    assert_int_equal(stock_move(fx.st, prod, mag1, mag2, 9000, NULL, NULL, NULL, &err), KT_ELIMIT);
    assert_int_equal(stock_move(fx.st, prod, mag1, mag2, 1000, NULL, NULL, NULL, &err), 0);
    store_rollback(fx.st);
    /* rolled back together: no stock, no ledger, no event */
    assert_int_equal(level(prod, mag1).on_hand, 0);
    assert_int_equal(ledger_rows(), 0);
    assert_int_equal(stock_events(), 0);

    assert_int_equal(store_begin(fx.st, &err), 0);
    assert_int_equal(stock_set(fx.st, prod, mag1, 4000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    assert_int_equal(stock_move(fx.st, prod, mag1, mag2, 9000, NULL, NULL, NULL, &err), KT_ELIMIT);
    assert_int_equal(stock_move(fx.st, prod, mag2, mag1, 9000, NULL, NULL, NULL, &err), KT_ELIMIT);
    assert_int_equal(stock_move(fx.st, prod, mag1, mag2, 1000, NULL, NULL, NULL, &err), 0);
    assert_int_equal(store_commit(fx.st, &err), 0);
    assert_int_equal(level(prod, mag1).on_hand, 3000);
    assert_int_equal(level(prod, mag2).on_hand, 1000);
    assert_int_equal(ledger_rows(), 3);
    assert_int_equal(stock_events(), 2);
}

/* ---- history ---- */

static void test_explain_past_moments(void **state)
{
    (void)state;
    struct kt_err err;
    struct stock_explanation ex;
    int64_t t0 = fake_now;
    fake_now = t0 + 100;
    assert_int_equal(stock_set(fx.st, prod, mag1, 10000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    fake_now = t0 + 200;
    assert_int_equal(stock_reserve(fx.st, prod, mag1, 4000, NULL, NULL, &err), 0);
    fake_now = t0 + 300;
    assert_int_equal(stock_move(fx.st, prod, mag1, mag2, 2000, NULL, NULL, NULL, &err), 0);
    fake_now = t0 + 400;
    assert_int_equal(stock_issue(fx.st, prod, mag1, 3000, NULL, NULL, &err), 0);

    assert_int_equal(stock_explain(fx.st, prod, mag1, t0 + 50, &ex, &err), 0);
    assert_int_equal(ex.on_hand, 0);
    assert_int_equal(ex.changes, 0);
    assert_int_equal(ex.last_ledger_id, 0);
    assert_int_equal(stock_explain(fx.st, prod, mag1, t0 + 100, &ex, &err), 0);
    assert_int_equal(ex.on_hand, 10000);
    assert_int_equal(ex.reserved, 0);
    assert_int_equal(ex.last_at, t0 + 100);
    assert_int_equal(stock_explain(fx.st, prod, mag1, t0 + 250, &ex, &err), 0);
    assert_int_equal(ex.on_hand, 10000);
    assert_int_equal(ex.reserved, 4000);
    assert_int_equal(ex.changes, 2);
    assert_int_equal(stock_explain(fx.st, prod, mag1, t0 + 350, &ex, &err), 0);
    assert_int_equal(ex.on_hand, 8000);
    assert_int_equal(stock_explain(fx.st, prod, mag2, t0 + 350, &ex, &err), 0);
    assert_int_equal(ex.on_hand, 2000);
    assert_int_equal(stock_explain(fx.st, prod, mag1, t0 + 10000, &ex, &err), 0);
    assert_int_equal(ex.on_hand, 5000);
    assert_int_equal(ex.reserved, 1000);
    assert_int_equal(ex.changes, 4);
    struct stock_level now = level(prod, mag1);
    assert_int_equal(now.on_hand, ex.on_hand);
    assert_int_equal(now.reserved, ex.reserved);

    /* the ledger window between two moments */
    struct stock_ledger_query q = {.product_id = prod, .from_at = t0 + 150, .to_at = t0 + 300};
    struct stock_ledger_entry *rows = NULL;
    size_t n = 0;
    assert_int_equal(stock_ledger_list(fx.st, &q, &rows, &n, &err), 0);
    assert_int_equal(n, 3); /* the reservation and both halves of the move */
    free(rows);
    q.from_at = 0;
    q.to_at = 0;
    q.limit = 2;
    assert_int_equal(stock_ledger_list(fx.st, &q, &rows, &n, &err), 0);
    assert_int_equal(n, 2); /* the newest two, oldest first */
    assert_int_equal(rows[1].reason, STOCK_REASON_ISSUE);
    assert_int_equal(rows[0].warehouse_id, mag2);
    free(rows);
}

static void test_explain_detects_edited_ledger(void **state)
{
    (void)state;
    struct kt_err err;
    struct stock_explanation ex;
    assert_int_equal(stock_set(fx.st, prod, mag1, 3000, STOCK_REASON_SET, NULL, NULL, &err), 0);
    assert_int_equal(stock_adjust(fx.st, prod, mag1, 2000, STOCK_REASON_RECEIPT, NULL, NULL, &err),
                     0);
    stockfix_exec(fx.st, "UPDATE stock_ledger SET delta = 2500 WHERE reason = 'receipt'");
    assert_int_equal(stock_explain(fx.st, prod, mag1, fake_now, &ex, &err), KT_ECORRUPT);
    assert_non_null(strstr(err.msg, "does not add up"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_warehouse_create_get_list, reset),
        cmocka_unit_test_setup(test_warehouse_refusals, reset),
        cmocka_unit_test_setup(test_inactive_warehouse_listed_on_request, reset),
        cmocka_unit_test_setup(test_set_records_the_difference, reset),
        cmocka_unit_test_setup(test_adjust_and_not_enough_stock, reset),
        cmocka_unit_test_setup(test_adjust_without_any_row_is_refused, reset),
        cmocka_unit_test_setup(test_negative_stock_when_allowed, reset),
        cmocka_unit_test_setup(test_zero_and_bad_arguments, reset),
        cmocka_unit_test_setup(test_reserve_release_issue, reset),
        cmocka_unit_test_setup(test_move_to_higher_id, reset),
        cmocka_unit_test_setup(test_move_to_lower_id, reset),
        cmocka_unit_test_setup(test_move_ledger_rows, reset),
        cmocka_unit_test_setup(test_totals_and_levels, reset),
        cmocka_unit_test_setup(test_event_per_change_with_totals, reset),
        cmocka_unit_test_setup(test_change_joins_callers_transaction, reset),
        cmocka_unit_test_setup(test_explain_past_moments, reset),
        cmocka_unit_test_setup(test_explain_detects_edited_ledger, reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
