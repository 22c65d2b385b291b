/*
 * The order lifecycle: every pair of statuses tried against an expectation
 * table written here (independently of the one in lifecycle.c), who may
 * take which step, reservations on confirmation and their release on
 * cancellation, back-orders, revisions of confirmed orders with their
 * reservations, and atomicity: a failure injected at every driver call of a
 * confirmation leaves neither the change nor its history nor its events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/err.h"
#include "catalog/stock.h"
#include "orders/orders.h"
#include "ordersfix.h"

static struct ordersfix fx;

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

static int reset(void **state)
{
    (void)state;
    ordersfix_reset(&fx);
    ordersfix_stock(&fx, fx.p_pcs, fx.mag1, 1000000);
    ordersfix_stock(&fx, fx.p_8, fx.mag1, 1000000);
    return 0;
}

/* What the lifecycle must allow: [from][to]. */
static const int allowed[ORDERS_STATUS_COUNT][ORDERS_STATUS_COUNT] = {
    [ORDERS_DRAFT] = {[ORDERS_SUBMITTED] = 1, [ORDERS_CONFIRMED] = 1, [ORDERS_CANCELLED] = 1},
    [ORDERS_SUBMITTED] = {[ORDERS_CONFIRMED] = 1, [ORDERS_CANCELLED] = 1},
    [ORDERS_CONFIRMED] = {[ORDERS_IN_FULFILMENT] = 1, [ORDERS_CANCELLED] = 1},
    [ORDERS_IN_FULFILMENT] = {[ORDERS_SHIPPED] = 1},
    [ORDERS_SHIPPED] = {[ORDERS_COMPLETED] = 1},
};

static int64_t version_of(int64_t id)
{
    return ordersfix_int(fx.st, "SELECT version FROM orders WHERE id = ?1", id);
}

static int move(const struct orders_actor *actor, int64_t id, enum orders_status to,
                struct kt_err *err)
{
    int64_t v = version_of(id);
    switch (to) {
    case ORDERS_SUBMITTED:
        return orders_submit(fx.st, actor, id, v, NULL, err);
    case ORDERS_CONFIRMED:
        return orders_confirm(fx.st, actor, id, v, 0, NULL, err);
    case ORDERS_CANCELLED:
        return orders_cancel(fx.st, actor, id, v, "test", NULL, err);
    default:
        return orders_set_status(fx.st, actor, id, v, to, NULL, err);
    }
}

/* An order brought to `status` along the allowed path. */
static int64_t order_in(enum orders_status status)
{
    static const enum orders_status path[ORDERS_STATUS_COUNT][4] = {
        [ORDERS_SUBMITTED] = {ORDERS_SUBMITTED},
        [ORDERS_CONFIRMED] = {ORDERS_CONFIRMED},
        [ORDERS_IN_FULFILMENT] = {ORDERS_CONFIRMED, ORDERS_IN_FULFILMENT},
        [ORDERS_SHIPPED] = {ORDERS_CONFIRMED, ORDERS_IN_FULFILMENT, ORDERS_SHIPPED},
        [ORDERS_COMPLETED] = {ORDERS_CONFIRMED, ORDERS_IN_FULFILMENT, ORDERS_SHIPPED,
                              ORDERS_COMPLETED},
        [ORDERS_CANCELLED] = {ORDERS_CANCELLED},
    };
    const char *const lines[] = {"P-PCS:1"};
    int64_t id = ordersfix_order(&fx, fx.k001, lines, 1, NULL);
    struct kt_err err;
    for (int i = 0; i < 4 && path[status][i] != ORDERS_DRAFT; i++)
        if (move(&ordersfix_staff, id, path[status][i], &err) != 0)
            fail_msg("to %s: %s", orders_status_name(path[status][i]), err.msg);
    return id;
}

static void test_every_transition(void **state)
{
    (void)state;
    struct kt_err err;
    struct kt_arena a;
    kt_arena_init(&a, 0);
    for (int from = 0; from < ORDERS_STATUS_COUNT; from++) {
        for (int to = 0; to < ORDERS_STATUS_COUNT; to++) {
            assert_int_equal(orders_transition_allowed(from, to), allowed[from][to]);
            if (to == ORDERS_DRAFT)
                continue; /* nothing leads back to draft: no function even asks */
            int64_t id = order_in(from);
            int64_t before =
                ordersfix_int(fx.st, "SELECT count(*) FROM order_history WHERE order_id = ?1", id);
            int rc = move(&ordersfix_staff, id, to, &err);
            struct orders_order o;
            assert_int_equal(orders_get(fx.st, &ordersfix_staff, id, &a, &o, &err), 0);
            int64_t after =
                ordersfix_int(fx.st, "SELECT count(*) FROM order_history WHERE order_id = ?1", id);
            if (allowed[from][to]) {
                if (rc != 0)
                    fail_msg("%s -> %s refused: %s", orders_status_name(from),
                             orders_status_name(to), err.msg);
                assert_int_equal(o.status, to);
                assert_int_equal(after, before + 1);
            } else {
                if (rc == 0)
                    fail_msg("%s -> %s allowed", orders_status_name(from), orders_status_name(to));
                assert_int_equal(rc, KT_EINVAL);
                char want[128];
                snprintf(want, sizeof want, "is %s and cannot become %s", orders_status_name(from),
                         orders_status_name(to));
                assert_non_null(strstr(err.msg, want));
                assert_int_equal(o.status, from);
                assert_int_equal(after, before);
            }
        }
    }
    kt_arena_release(&a);
    assert_int_equal(orders_set_status(fx.st, &ordersfix_staff, 1, 1, ORDERS_CONFIRMED, NULL, &err),
                     KT_EINVAL);
}

static void test_events_of_transitions(void **state)
{
    (void)state;
    order_in(ORDERS_COMPLETED);
    order_in(ORDERS_CANCELLED);
    order_in(ORDERS_SUBMITTED);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM events WHERE type = "
                                   "'order.created'",
                                   0),
                     3);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM events WHERE type = "
                                   "'order.confirmed'",
                                   0),
                     1);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM events WHERE type = "
                                   "'order.status_changed'",
                                   0),
                     3);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM events WHERE type = "
                                   "'order.cancelled'",
                                   0),
                     1);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM events WHERE type = "
                                   "'order.submitted'",
                                   0),
                     1);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM events WHERE type = "
                                   "'order.status_changed' AND payload LIKE "
                                   "'%\"to\":\"shipped\"%'",
                                   0),
                     1);
}

static void test_customer_rights(void **state)
{
    (void)state;
    struct kt_err err;
    struct orders_actor buyer = ordersfix_customer_actor(fx.k001);
    struct orders_actor stranger = ordersfix_customer_actor(fx.k003);
    int64_t id = order_in(ORDERS_DRAFT);
    assert_int_equal(move(&stranger, id, ORDERS_SUBMITTED, &err), KT_ENOTFOUND);
    assert_int_equal(move(&buyer, id, ORDERS_SUBMITTED, &err), 0);
    assert_int_equal(move(&buyer, id, ORDERS_CONFIRMED, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "only staff"));
    assert_int_equal(move(&buyer, id, ORDERS_CANCELLED, &err), 0);
    id = order_in(ORDERS_CONFIRMED);
    assert_int_equal(move(&buyer, id, ORDERS_CANCELLED, &err), KT_EPERM);
    assert_int_equal(move(&buyer, id, ORDERS_IN_FULFILMENT, &err), KT_EPERM);
    /* a customer edits its order only until it is accepted */
    id = order_in(ORDERS_SUBMITTED);
    assert_int_equal(
        orders_line_update(fx.st, &buyer, id, version_of(id), 1, 3000, 0, 0, -1, NULL, &err), 0);
    id = order_in(ORDERS_CONFIRMED);
    assert_int_equal(
        orders_line_update(fx.st, &buyer, id, version_of(id), 1, 3000, 0, 0, -1, NULL, &err),
        KT_EPERM);
    assert_non_null(strstr(err.msg, "accepted already"));
}

static struct stock_level level(int64_t product, int64_t wh)
{
    struct stock_level l;
    struct kt_err err;
    if (stock_get(fx.st, product, wh, &l, &err) != 0)
        fail_msg("stock_get: %s", err.msg);
    return l;
}

static void test_reserve_and_release(void **state)
{
    (void)state;
    struct kt_err err;
    ordersfix_stock(&fx, fx.p_pcs, fx.mag1, 10000);
    ordersfix_stock(&fx, fx.p_8, fx.mag1, 0);
    ordersfix_stock(&fx, fx.p_8, fx.mag2, 5000);
    const char *const lines[] = {"P-PCS:4", "P-8:5", "P-PCS:2"};
    int64_t version;
    int64_t id = ordersfix_order(&fx, fx.k001, lines, 3, &version);
    /* P-8 is only in MAG2: the default warehouse MAG1 lacks it */
    assert_int_equal(orders_confirm(fx.st, &ordersfix_staff, id, version, 0, NULL, &err),
                     KT_ELIMIT);
    if (!strstr(err.msg, "line 2 (P-8): not enough stock of P-8 in MAG1"))
        fail_msg("%s", err.msg);
    assert_int_equal(level(fx.p_pcs, fx.mag1).reserved, 0); /* nothing half-reserved */
    assert_int_equal(version_of(id), version);
    /* MAG2 has P-8 but no P-PCS */
    assert_int_equal(orders_confirm(fx.st, &ordersfix_staff, id, version, fx.mag2, NULL, &err),
                     KT_ELIMIT);
    assert_int_equal(level(fx.p_8, fx.mag2).reserved, 0);
    ordersfix_stock(&fx, fx.p_pcs, fx.mag2, 6000);
    assert_int_equal(orders_confirm(fx.st, &ordersfix_staff, id, version, fx.mag2, &version, &err),
                     0);
    assert_int_equal(level(fx.p_pcs, fx.mag2).reserved, 6000);
    assert_int_equal(level(fx.p_8, fx.mag2).reserved, 5000);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT sum(reserved) FROM order_lines WHERE order_id "
                                   "= ?1",
                                   id),
                     11000);
    assert_int_equal(ordersfix_int(fx.st, "SELECT warehouse_id FROM orders WHERE id = ?1", id),
                     fx.mag2);
    assert_int_equal(
        orders_cancel(fx.st, &ordersfix_staff, id, version, "customer called", NULL, &err), 0);
    assert_int_equal(level(fx.p_pcs, fx.mag2).reserved, 0);
    assert_int_equal(level(fx.p_8, fx.mag2).reserved, 0);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT sum(reserved) FROM order_lines WHERE order_id "
                                   "= ?1",
                                   id),
                     0);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM order_history WHERE order_id = ?1 "
                                   "AND detail LIKE '%customer called%'",
                                   id),
                     1);
    /* reservations are in the ledger with the order number */
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM stock_ledger l JOIN orders o ON "
                                   "o.number = l.doc_ref WHERE o.id = ?1",
                                   id),
                     6);
}

static void test_backorders(void **state)
{
    (void)state;
    struct kt_err err;
    int allowed_now = 1;
    ordersfix_stock(&fx, fx.p_pcs, fx.mag1, 3000);
    assert_int_equal(orders_backorders_get(fx.st, &allowed_now, &err), 0);
    assert_int_equal(allowed_now, 0);
    assert_int_equal(orders_backorders_set(fx.st, 1, &err), 0);
    const char *const lines[] = {"P-PCS:5"};
    int64_t version;
    int64_t id = ordersfix_order(&fx, fx.k001, lines, 1, &version);
    assert_int_equal(orders_confirm(fx.st, &ordersfix_staff, id, version, 0, &version, &err), 0);
    struct kt_arena a;
    struct orders_order o;
    kt_arena_init(&a, 0);
    assert_int_equal(orders_get(fx.st, &ordersfix_staff, id, &a, &o, &err), 0);
    assert_int_equal(o.lines[0].reserved, 3000);
    assert_int_equal(o.lines[0].backordered, 2000);
    assert_int_equal(level(fx.p_pcs, fx.mag1).reserved, 3000);
    /* lowering the quantity takes from the back-order first */
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_staff, id, version, 1, 4000, 0, 0, -1, &version, &err),
        0);
    assert_int_equal(orders_get(fx.st, &ordersfix_staff, id, &a, &o, &err), 0);
    assert_int_equal(o.lines[0].reserved, 3000);
    assert_int_equal(o.lines[0].backordered, 1000);
    assert_int_equal(orders_cancel(fx.st, &ordersfix_staff, id, version, NULL, NULL, &err), 0);
    assert_int_equal(level(fx.p_pcs, fx.mag1).reserved, 0);
    kt_arena_release(&a);
}

static void test_revisions_of_confirmed(void **state)
{
    (void)state;
    struct kt_err err;
    ordersfix_stock(&fx, fx.p_pcs, fx.mag1, 10000);
    const char *const lines[] = {"P-PCS:2", "P-8:1"};
    int64_t version;
    int64_t id = ordersfix_order(&fx, fx.k001, lines, 2, &version);
    assert_int_equal(orders_confirm(fx.st, &ordersfix_staff, id, version, 0, &version, &err), 0);
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_clerk, id, version, 1, 3000, 0, 0, -1, NULL, &err),
        KT_EPERM);
    assert_non_null(strstr(err.msg, "right to edit confirmed orders"));
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_staff, id, version, 1, 7000, 0, 0, -1, &version, &err),
        0);
    assert_int_equal(level(fx.p_pcs, fx.mag1).reserved, 7000);
    /* more than there is: refused, nothing changes */
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_staff, id, version, 1, 11000, 0, 0, -1, NULL, &err),
        KT_ELIMIT);
    assert_non_null(strstr(err.msg, "line 1 (P-PCS)"));
    assert_int_equal(level(fx.p_pcs, fx.mag1).reserved, 7000);
    assert_int_equal(orders_line_remove(fx.st, &ordersfix_staff, id, version, 1, &version, &err),
                     0);
    assert_int_equal(level(fx.p_pcs, fx.mag1).reserved, 0);
    assert_int_equal(ordersfix_int(fx.st, "SELECT revision FROM orders WHERE id = ?1", id), 2);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM order_revisions WHERE order_id = "
                                   "?1",
                                   id),
                     2);
    /* revision 1: 2 -> 7 pieces, gross 24,60 + 4,32 -> 86,10 + 4,32 */
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT gross_before FROM order_revisions WHERE "
                                   "order_id = ?1 AND revision = 1",
                                   id),
                     2460 + 432);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT gross_after FROM order_revisions WHERE "
                                   "order_id = ?1 AND revision = 1",
                                   id),
                     8610 + 432);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM order_revisions WHERE order_id = "
                                   "?1 AND diff LIKE '%\"qty\":[\"2\",\"7\"]%'",
                                   id),
                     1);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM order_history WHERE order_id = "
                                   "?1 AND action = 'revised' AND revision = 2",
                                   id),
                     1);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM events WHERE type = "
                                   "'order.changed' AND payload LIKE '%\"revision\":2%'",
                                   0),
                     1);
}

static int64_t n_history(void)
{
    return ordersfix_int(fx.st, "SELECT count(*) FROM order_history", 0);
}

static int64_t n_events(void)
{
    return ordersfix_int(fx.st, "SELECT count(*) FROM events", 0);
}

static void test_confirm_is_atomic_under_faults(void **state)
{
    (void)state;
    ordersfix_stock(&fx, fx.p_8, fx.mag1, 10000);
    const char *const lines[] = {"P-PCS:2", "P-8:1"};
    int64_t version;
    int64_t id = ordersfix_order(&fx, fx.k001, lines, 2, &version);
    int64_t h0 = n_history(), e0 = n_events();
    int done = 0, failures = 0;
    for (long nth = 1; nth < 400 && !done; nth++) {
        struct kt_err err;
        kt_err_clear(&err);
        store_fault_inject(fx.st, nth, KT_EIO);
        int rc = orders_confirm(fx.st, &ordersfix_staff, id, version, 0, NULL, &err);
        int fired = store_fault_fired(fx.st);
        store_fault_inject(fx.st, 0, 0);
        if (rc == 0) {
            assert_false(fired);
            done = 1;
            break;
        }
        failures++;
        if (!fired)
            fail_msg("call %ld: failed without the injected fault: %s", nth, err.msg);
        assert_int_not_equal(err.msg[0], '\0');
        /* neither the change nor its history nor its events */
        assert_int_equal(n_history(), h0);
        assert_int_equal(n_events(), e0);
        assert_int_equal(version_of(id), version);
        assert_int_equal(level(fx.p_pcs, fx.mag1).reserved, 0);
        assert_int_equal(level(fx.p_8, fx.mag1).reserved, 0);
    }
    assert_true(done);
    assert_true(failures > 10);
    /* both: history row, order.confirmed, two stock.changed, reservations */
    assert_int_equal(n_history(), h0 + 1);
    assert_int_equal(ordersfix_int(fx.st,
                                   "SELECT count(*) FROM events WHERE type = "
                                   "'order.confirmed'",
                                   0),
                     1);
    assert_int_equal(n_events(), e0 + 3);
    assert_int_equal(level(fx.p_pcs, fx.mag1).reserved, 2000);
}

static void test_create_is_atomic_under_faults(void **state)
{
    (void)state;
    struct orders_line_input l[] = {{.product_code = "P-PCS", .qty = 1000},
                                    {.product_code = "P-8", .qty = 1000}};
    struct orders_input in;
    orders_input_init(&in);
    in.customer_id = fx.k001;
    in.lines = l;
    in.nlines = 2;
    int64_t e0 = n_events(); /* the stock set up by reset */
    int done = 0;
    for (long nth = 1; nth < 400 && !done; nth++) {
        struct kt_err err;
        char number[ORDERS_NUMBER_MAX];
        store_fault_inject(fx.st, nth, KT_EIO);
        int rc = orders_create(fx.st, &ordersfix_staff, &in, NULL, number, NULL, &err);
        store_fault_inject(fx.st, 0, 0);
        if (rc != 0 && ordersfix_int(fx.st, "SELECT count(*) FROM orders", 0) != 0)
            fail_msg("call %ld: %s left an order behind", nth, err.msg);
        if (rc == 0) {
            done = 1;
            /* every failed attempt left no number behind: this is the first */
            assert_non_null(strstr(number, "/0001"));
            break;
        }
        assert_int_equal(ordersfix_int(fx.st, "SELECT count(*) FROM orders", 0), 0);
        assert_int_equal(ordersfix_int(fx.st, "SELECT count(*) FROM order_lines", 0), 0);
        if (n_history() != 0 || n_events() != e0)
            fail_msg("call %ld: %s left %lld history rows and %lld events", nth, err.msg,
                     (long long)n_history(), (long long)n_events());
    }
    assert_true(done);
    assert_int_equal(n_history(), 1);
    assert_int_equal(n_events(), e0 + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_every_transition, reset),
        cmocka_unit_test_setup(test_events_of_transitions, reset),
        cmocka_unit_test_setup(test_customer_rights, reset),
        cmocka_unit_test_setup(test_reserve_and_release, reset),
        cmocka_unit_test_setup(test_backorders, reset),
        cmocka_unit_test_setup(test_revisions_of_confirmed, reset),
        cmocka_unit_test_setup(test_confirm_is_atomic_under_faults, reset),
        cmocka_unit_test_setup(test_create_is_atomic_under_faults, reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
