/*
 * Torture: the store fails its Nth driver call, for N = 1, 2, 3 ... over a
 * whole jobs sequence (emit in a transaction, run the due jobs, statistics,
 * requeue dead jobs), until a run completes without reaching N. After every
 * run the failure must have left no transaction open, and a normal worker
 * run must bring the queue to a consistent end: either the event was never
 * committed (no event, no jobs, no effects) or both of its jobs are done and
 * each effect exists exactly once. ASan checks that every error path frees
 * what it holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "fixture.h"
#include "jobs/jobs.h"
#include "store/store.h"

#define DAY_MS ((int64_t)86400000)

static struct fixture fx;

static int write_effect(struct store *st, const char *name, const struct jobs_event *ev,
                        struct kt_err *err)
{
    struct store_stmt *s = NULL;
    char key[64];
    snprintf(key, sizeof key, "%s/%lld", name, (long long)ev->id);
    int rc = store_prepare(st, "INSERT INTO effects (key, worker) VALUES (?1, 'w')", &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, key)) == 0)
        rc = store_step(s, err);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int h_proforma(struct store *st, const struct jobs_event *ev, void *app,
                      struct kt_arena *arena, struct kt_err *err)
{
    if (!kt_arena_strdup(arena, ev->payload))
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    return write_effect(st, "proforma", ev, err);
}

static int h_mail(struct store *st, const struct jobs_event *ev, void *app,
                  struct kt_arena *arena, struct kt_err *err)
{
    int rc = write_effect(st, "mail", ev, err);
    if (rc < 0)
        return rc;
    return store_exec(st, "UPDATE counter SET n = n + 1 WHERE id = 1", err);
}

static const struct jobs_handler handlers[] = {
    {.event = "order.confirmed", .name = "documents.issue_proforma", .run = h_proforma},
    {.event = "order.confirmed", .name = "mail.order_confirmed", .run = h_mail},
};

/* The sequence under torture. Errors are expected; crashes and leaks not. */
static void sequence(struct store *st)
{
    struct kt_err err;
    struct jobs_stats stats;
    int64_t n;
    int ran;

    kt_err_clear(&err);
    if (store_begin(st, &err) == 0) {
        if (events_emit(st, "order.confirmed", "{\"order\":42,\"total\":\"99.90\"}", &err) == 0)
            store_commit(st, &err);
        else
            store_rollback(st);
    }
    if (jobs_run_due(st, "torture", &ran, &err) < 0)
        assert_true(err.msg[0] != '\0');
    if (jobs_stats(st, &stats, &err) < 0)
        assert_true(err.msg[0] != '\0');
    if (jobs_retry_dead(st, 0, &n, &err) < 0)
        assert_true(err.msg[0] != '\0');
}

/* With faults off: drive the queue to its end and check the outcome. */
static void recover_and_check(struct store *st, long nth)
{
    struct kt_err err;
    struct jobs_stats stats;
    int ran;

    assert_false(store_in_tx(st));
    for (int i = 0; i < 20; i++) {
        fixture_clock += DAY_MS;
        if (jobs_run_due(st, "recovery", &ran, &err) < 0)
            fail_msg("N=%ld: recovery run failed: %s", nth, err.msg);
        assert_int_equal(jobs_stats(st, &stats, &err), 0);
        if (stats.pending + stats.running == 0)
            break;
    }
    assert_int_equal(stats.pending + stats.running + stats.dead, 0);
    if (stats.events == 0) {
        assert_int_equal(stats.done, 0);
        assert_int_equal(fixture_int(st, "SELECT COUNT(*) FROM effects"), 0);
    } else {
        assert_int_equal(stats.events, 1);
        assert_int_equal(stats.done, 2);
        assert_int_equal(fixture_int(st, "SELECT COUNT(*) FROM effects"), 2);
        assert_int_equal(fixture_int(st, "SELECT n FROM counter WHERE id = 1"), 1);
    }
}

static void torture(int code)
{
    struct jobs_options o;
    struct kt_err err;
    long nth;

    jobs_options_default(&o);
    o.now_ms = fixture_now_ms;
    o.lease_ms = 60000;
    assert_int_equal(jobs_set_options(&o, &err), 0);
    for (nth = 1; nth < 1000; nth++) {
        fixture_exec(fx.st, "DELETE FROM jobs; DELETE FROM events; DELETE FROM effects; "
                            "UPDATE counter SET n = 0;");
        fixture_clock = (int64_t)1700000000000;
        store_fault_inject(fx.st, nth, code);
        sequence(fx.st);
        int fired = store_fault_fired(fx.st);
        store_fault_inject(fx.st, 0, 0);
        recover_and_check(fx.st, nth);
        if (!fired)
            break;
    }
    /* the sequence makes dozens of driver calls; each one was failed once */
    assert_true(nth > 20);
    assert_true(nth < 1000);
}

static void test_every_io_failure_is_survived(void **state)
{
    torture(KT_EIO);
}

static void test_every_conflict_is_survived(void **state)
{
    torture(KT_ECONFLICT);
}

static void test_every_unavailable_is_survived(void **state)
{
    torture(KT_EUNAVAIL);
}

static int group_setup(void **state)
{
    jobs_set_handlers(handlers, 2, NULL);
    return fixture_open(&fx);
}

static int group_teardown(void **state)
{
    jobs_set_handlers(NULL, 0, NULL);
    fixture_close(&fx);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_io_failure_is_survived),
        cmocka_unit_test(test_every_conflict_is_survived),
        cmocka_unit_test(test_every_unavailable_is_survived),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
