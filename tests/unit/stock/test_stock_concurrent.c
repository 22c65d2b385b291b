/*
 * Stock under concurrency: threads with their own connections race moves,
 * adjustments and reservations on one product. What must hold afterwards:
 * each warehouse's stock equals its starting stock plus the deltas of the
 * changes that succeeded; the ledger sums to the stock row and its
 * resulting quantities form one unbroken chain (each row = previous row +
 * its delta, in id order); stock never went negative unless allowed;
 * reservations never exceeded what was there; one event per change.
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
#include "stockfix.h"

#define THREADS 4
#define OPS 60
#define NWH 3

static struct stockfix fx;
static int64_t prod, wh[NWH];
static pthread_barrier_t start_line;

enum race_kind { RACE_MIXED, RACE_OPPOSITE_MOVES, RACE_RESERVE_LAST };

struct racer {
    int index;
    enum race_kind kind;
    int64_t applied[NWH]; /* on_hand deltas of the changes that succeeded */
    int ok;               /* successful changes */
    int refused;          /* KT_ELIMIT: not enough stock */
    int failed;           /* any other error */
    char msg[KT_ERR_MSG_MAX];
};

static int slot_of(int64_t id)
{
    for (int i = 0; i < NWH; i++)
        if (wh[i] == id)
            return i;
    return -1;
}

static void record(struct racer *r, int rc, const struct kt_err *err)
{
    if (rc == 0)
        r->ok++;
    else if (rc == KT_ELIMIT)
        r->refused++;
    else {
        r->failed++;
        snprintf(r->msg, sizeof r->msg, "%s", err->msg);
    }
}

static void mixed(struct store *st, struct racer *r)
{
    unsigned seed = 7919u * (unsigned)(r->index + 1);
    for (int i = 0; i < OPS; i++) {
        struct kt_err err;
        kt_err_clear(&err);
        int a = rand_r(&seed) % NWH;
        int64_t units = 1 + rand_r(&seed) % 15;
        int rc;
        if (rand_r(&seed) % 2) {
            int b = (a + 1 + rand_r(&seed) % (NWH - 1)) % NWH;
            struct stock_result rf, rt;
            rc = stock_move(st, prod, wh[a], wh[b], units * 1000, NULL, &rf, &rt, &err);
            if (rc == 0) {
                r->applied[slot_of(wh[a])] += rf.delta;
                r->applied[slot_of(wh[b])] += rt.delta;
            }
        } else {
            int64_t delta = (rand_r(&seed) % 2 ? units : -units) * 1000;
            struct stock_result res;
            rc = stock_adjust(st, prod, wh[a], delta, STOCK_REASON_ADJUST, NULL, &res, &err);
            if (rc == 0 && res.delta != delta) {
                /* cmocka's asserts are not for threads: report it through r */
                rc = KT_EINTERNAL;
                kt_err_set(&err, rc, "adjust by %lld recorded %lld", (long long)delta,
                           (long long)res.delta);
            }
            if (rc == 0)
                r->applied[a] += delta;
        }
        record(r, rc, &err);
    }
}

static void opposite_moves(struct store *st, struct racer *r)
{
    int from = r->index % 2, to = 1 - from;
    for (int i = 0; i < OPS; i++) {
        struct kt_err err;
        kt_err_clear(&err);
        int rc = stock_move(st, prod, wh[from], wh[to], 1000, NULL, NULL, NULL, &err);
        if (rc == 0) {
            r->applied[from] -= 1000;
            r->applied[to] += 1000;
        }
        record(r, rc, &err);
    }
}

static void reserve_last(struct store *st, struct racer *r)
{
    for (int i = 0; i < OPS; i++) {
        struct kt_err err;
        kt_err_clear(&err);
        record(r, stock_reserve(st, prod, wh[0], 1000, NULL, NULL, &err), &err);
    }
}

static void *racer_main(void *arg)
{
    struct racer *r = arg;
    struct store *st = NULL;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = store_open(fx.url, &st, &err);
    pthread_barrier_wait(&start_line);
    if (rc != 0) {
        r->failed++;
        snprintf(r->msg, sizeof r->msg, "open: %.400s", err.msg);
        return NULL;
    }
    if (r->kind == RACE_MIXED)
        mixed(st, r);
    else if (r->kind == RACE_OPPOSITE_MOVES)
        opposite_moves(st, r);
    else
        reserve_last(st, r);
    store_close(st);
    return NULL;
}

/* Runs the race and returns the sums over all racers in *total. */
static void race(enum race_kind kind, struct racer *total)
{
    pthread_t th[THREADS];
    struct racer rs[THREADS];
    memset(total, 0, sizeof *total);
    pthread_barrier_init(&start_line, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        memset(&rs[i], 0, sizeof rs[i]);
        rs[i].index = i;
        rs[i].kind = kind;
        assert_int_equal(pthread_create(&th[i], NULL, racer_main, &rs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start_line);
    for (int i = 0; i < THREADS; i++) {
        if (rs[i].failed)
            fail_msg("racer %d: %d errors, last: %s", i, rs[i].failed, rs[i].msg);
        for (int w = 0; w < NWH; w++)
            total->applied[w] += rs[i].applied[w];
        total->ok += rs[i].ok;
        total->refused += rs[i].refused;
    }
}

static int setup(void **state)
{
    (void)state;
    if (stockfix_open(&fx) != 0)
        return -1;
    prod = stockfix_product(fx.st, "P-001");
    char code[8];
    for (int i = 0; i < NWH; i++) {
        snprintf(code, sizeof code, "MAG%d", i + 1);
        wh[i] = stockfix_warehouse(fx.st, code);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stockfix_close(&fx);
    return 0;
}

/* Empty stock, then `units` in every warehouse; negative stock as given. */
static void start_with(int64_t units, int allow_negative)
{
    struct kt_err err;
    stockfix_exec(fx.st, "DELETE FROM stock_ledger; DELETE FROM stock; DELETE FROM jobs; "
                         "DELETE FROM events");
    assert_int_equal(stock_allow_negative_set(fx.st, allow_negative, &err), 0);
    for (int i = 0; i < NWH; i++)
        assert_int_equal(
            stock_set(fx.st, prod, wh[i], units * 1000, STOCK_REASON_SET, NULL, NULL, &err), 0);
}

/*
 * The ledger of warehouse slot w: an unbroken chain ending at the stock
 * row, never below zero unless allowed. Returns the final on_hand.
 */
static int64_t check_ledger(int w, int allow_negative)
{
    struct kt_err err;
    struct stock_ledger_query q = {.product_id = prod, .warehouse_id = wh[w], .limit = 100000};
    struct stock_ledger_entry *rows = NULL;
    size_t n = 0;
    assert_int_equal(stock_ledger_list(fx.st, &q, &rows, &n, &err), 0);
    int64_t on_hand = 0, reserved = 0;
    for (size_t i = 0; i < n; i++) {
        on_hand += rows[i].delta;
        reserved += rows[i].reserved_delta;
        if (rows[i].resulting_on_hand != on_hand || rows[i].resulting_reserved != reserved)
            fail_msg("MAG%d ledger row %lld records %lld/%lld, the chain says %lld/%lld", w + 1,
                     (long long)rows[i].id, (long long)rows[i].resulting_on_hand,
                     (long long)rows[i].resulting_reserved, (long long)on_hand,
                     (long long)reserved);
        if (!allow_negative)
            assert_true(rows[i].resulting_on_hand - rows[i].resulting_reserved >= 0);
        assert_true(rows[i].resulting_reserved >= 0);
    }
    free(rows);
    struct stock_level l;
    assert_int_equal(stock_get(fx.st, prod, wh[w], &l, &err), 0);
    assert_int_equal(l.on_hand, on_hand);
    assert_int_equal(l.reserved, reserved);
    struct stock_explanation ex;
    assert_int_equal(stock_explain(fx.st, prod, wh[w], INT64_MAX, &ex, &err), 0);
    assert_int_equal(ex.on_hand, on_hand);
    return on_hand;
}

static int64_t stock_events(void)
{
    return stockfix_int(fx.st, "SELECT COUNT(*) FROM events WHERE type = 'stock.changed'", 0);
}

static void check_outcome(int64_t start_units, const struct racer *t, int allow_negative)
{
    for (int w = 0; w < NWH; w++) {
        int64_t on_hand = check_ledger(w, allow_negative);
        assert_int_equal(on_hand, start_units * 1000 + t->applied[w]);
        if (!allow_negative)
            assert_true(on_hand >= 0);
    }
    /* the NWH initial sets plus one event per successful change */
    assert_int_equal(stock_events(), NWH + t->ok);
}

static void test_racing_moves_and_adjustments(void **state)
{
    (void)state;
    struct racer t;
    start_with(20, 0);
    race(RACE_MIXED, &t);
    check_outcome(20, &t, 0);
    assert_int_equal(t.ok + t.refused, THREADS * OPS);
    /* with 20 units and steps up to 15 the stock runs short along the way */
    assert_true(t.refused > 0);
    assert_true(t.ok > 0);
}

static void test_racing_with_negative_stock_allowed(void **state)
{
    (void)state;
    struct racer t;
    start_with(5, 1);
    race(RACE_MIXED, &t);
    check_outcome(5, &t, 1);
    assert_int_equal(t.refused, 0);
    assert_int_equal(t.ok, THREADS * OPS);
}

static void test_opposite_moves_neither_deadlock_nor_lose(void **state)
{
    (void)state;
    struct racer t;
    start_with(1000, 0);
    race(RACE_OPPOSITE_MOVES, &t);
    check_outcome(1000, &t, 0);
    assert_int_equal(t.ok, THREADS * OPS);
    /* as many moves each way: back where it started */
    assert_int_equal(t.applied[0], 0);
    assert_int_equal(t.applied[1], 0);
}

static void test_reservations_race_for_the_last_units(void **state)
{
    (void)state;
    struct racer t;
    struct kt_err err;
    start_with(10, 0);
    race(RACE_RESERVE_LAST, &t);
    assert_int_equal(t.ok, 10);
    assert_int_equal(t.refused, THREADS * OPS - 10);
    struct stock_level l;
    assert_int_equal(stock_get(fx.st, prod, wh[0], &l, &err), 0);
    assert_int_equal(l.reserved, 10000);
    assert_int_equal(l.available, 0);
    check_outcome(10, &t, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_racing_moves_and_adjustments),
        cmocka_unit_test(test_racing_with_negative_stock_allowed),
        cmocka_unit_test(test_opposite_moves_neither_deadlock_nor_lose),
        cmocka_unit_test(test_reservations_race_for_the_last_units),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
