/*
 * Orders under concurrency, each thread with its own connection:
 *   - threads confirm orders for the last units of a product at once: the
 *     reserved quantity never exceeds what is on hand, exactly as many
 *     confirmations succeed as the stock covers, the others are refused
 *     with "not enough stock" and leave their order unconfirmed;
 *   - threads create orders at once, some inside a transaction they roll
 *     back: the numbers that remain are 1..N without a gap or a duplicate.
 */
#include <pthread.h>
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
#include "orders/orders.h"
#include "ordersfix.h"
#include "series/series.h"

#define THREADS 6
#define ROUNDS 3
#define CREATES 12

static struct ordersfix fx;
static pthread_barrier_t start_line;

static int setup(void **state)
{
    (void)state;
    return ordersfix_open(&fx);
}

static int teardown(void **state)
{
    (void)state;
    ordersfix_close(&fx);
    return 0;
}

struct racer {
    int64_t order_id, version;
    int rc;
    char msg[KT_ERR_MSG_MAX];
    /* numbering */
    int index, created, rolled_back, other;
};

static void *confirm_one(void *arg)
{
    struct racer *r = arg;
    struct store *st = ordersfix_connect(&fx);
    struct kt_err err;
    kt_err_clear(&err);
    pthread_barrier_wait(&start_line);
    r->rc = orders_confirm(st, &ordersfix_staff, r->order_id, r->version, 0, NULL, &err);
    snprintf(r->msg, sizeof r->msg, "%s", err.msg);
    store_close(st);
    return NULL;
}

static void test_last_units_never_reserved_twice(void **state)
{
    (void)state;
    for (int round = 0; round < ROUNDS; round++) {
        ordersfix_reset(&fx);
        /* 5 pieces; every order wants 2: only two can have them */
        ordersfix_stock(&fx, fx.p_pcs, fx.mag1, 5000);
        struct racer r[THREADS];
        pthread_t t[THREADS];
        const char *const lines[] = {"P-8:1", "P-PCS:2"};
        ordersfix_stock(&fx, fx.p_8, fx.mag1, 100000);
        memset(r, 0, sizeof r);
        for (int i = 0; i < THREADS; i++)
            r[i].order_id = ordersfix_order(&fx, fx.k001, lines, 2, &r[i].version);
        pthread_barrier_init(&start_line, NULL, THREADS);
        for (int i = 0; i < THREADS; i++)
            assert_int_equal(pthread_create(&t[i], NULL, confirm_one, &r[i]), 0);
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        pthread_barrier_destroy(&start_line);
        int ok = 0;
        for (int i = 0; i < THREADS; i++) {
            if (r[i].rc == 0) {
                ok++;
                continue;
            }
            if (r[i].rc != KT_ELIMIT)
                fail_msg("confirmation %d: %d %s", i, r[i].rc, r[i].msg);
            if (!strstr(r[i].msg, "line 2 (P-PCS): not enough stock"))
                fail_msg("confirmation %d: %s", i, r[i].msg);
            assert_int_equal(ordersfix_int(fx.st,
                                           "SELECT count(*) FROM orders WHERE id = ?1 AND "
                                           "status = 'draft'",
                                           r[i].order_id),
                             1);
        }
        assert_int_equal(ok, 2);
        struct stock_level lv;
        struct kt_err err;
        assert_int_equal(stock_get(fx.st, fx.p_pcs, fx.mag1, &lv, &err), 0);
        assert_int_equal(lv.on_hand, 5000);
        assert_int_equal(lv.reserved, 4000);
        assert_true(lv.reserved <= lv.on_hand);
        /* the P-8 lines of refused orders were not reserved either */
        assert_int_equal(stock_get(fx.st, fx.p_8, fx.mag1, &lv, &err), 0);
        assert_int_equal(lv.reserved, 2000);
        assert_int_equal(
            ordersfix_int(fx.st, "SELECT coalesce(sum(reserved), 0) FROM order_lines", 0), 6000);
        assert_int_equal(ordersfix_int(fx.st,
                                       "SELECT count(*) FROM events WHERE type = "
                                       "'order.confirmed'",
                                       0),
                         2);
    }
}

static int create_one(struct store *st, struct kt_err *err)
{
    struct orders_line_input l = {.product_code = "P-PCS", .qty = 1000};
    struct orders_input in;
    orders_input_init(&in);
    in.customer_id = fx.k001;
    in.lines = &l;
    in.nlines = 1;
    in.date = 20785;
    return orders_create(st, &ordersfix_staff, &in, NULL, NULL, NULL, err);
}

static void *create_many(void *arg)
{
    struct racer *r = arg;
    struct store *st = ordersfix_connect(&fx);
    pthread_barrier_wait(&start_line);
    for (int i = 0; i < CREATES; i++) {
        struct kt_err err;
        kt_err_clear(&err);
        if ((i + r->index) % 4 == 3) {
            /* a number taken inside a transaction that is rolled back */
            if (store_begin(st, &err) != 0) {
                r->other++;
                continue;
            }
            int rc = create_one(st, &err);
            store_rollback(st);
            if (rc == 0)
                r->rolled_back++;
            else
                r->other++;
            continue;
        }
        int rc = create_one(st, &err);
        if (rc == 0) {
            r->created++;
        } else {
            r->other++;
            snprintf(r->msg, sizeof r->msg, "%s", err.msg);
        }
    }
    store_close(st);
    return NULL;
}

static void test_gapless_numbers(void **state)
{
    (void)state;
    ordersfix_reset(&fx);
    struct racer r[THREADS];
    pthread_t t[THREADS];
    memset(r, 0, sizeof r);
    pthread_barrier_init(&start_line, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        r[i].index = i;
        assert_int_equal(pthread_create(&t[i], NULL, create_many, &r[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start_line);
    int created = 0, rolled_back = 0;
    for (int i = 0; i < THREADS; i++) {
        if (r[i].other)
            fail_msg("thread %d: %d creations failed: %s", i, r[i].other, r[i].msg);
        created += r[i].created;
        rolled_back += r[i].rolled_back;
    }
    assert_true(rolled_back > 0);
    assert_int_equal(created + rolled_back, THREADS * CREATES);
    assert_int_equal(ordersfix_int(fx.st, "SELECT count(*) FROM orders", 0), created);
    assert_int_equal(ordersfix_int(fx.st, "SELECT count(DISTINCT number) FROM orders", 0), created);
    /* exactly ZK/2026/11/0001 .. N */
    char want[ORDERS_NUMBER_MAX];
    for (int i = 1; i <= created; i++) {
        snprintf(want, sizeof want, "ZK/2026/11/%04d", i);
        struct store_stmt *s = NULL;
        struct kt_err err;
        assert_int_equal(
            store_prepare(fx.st, "SELECT count(*) FROM orders WHERE number = ?1", &s, &err), 0);
        store_bind_text(s, 1, want);
        assert_int_equal(store_step(s, &err), STORE_ROW);
        if (store_col_int64(s, 0) != 1)
            fail_msg("number %s is missing", want);
        store_stmt_done(s);
    }
    int64_t last = 0;
    struct kt_err err;
    assert_int_equal(series_last(fx.st, ORDERS_SERIES, 20785, &last, &err), 0);
    assert_int_equal(last, created);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_last_units_never_reserved_twice),
        cmocka_unit_test(test_gapless_numbers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
