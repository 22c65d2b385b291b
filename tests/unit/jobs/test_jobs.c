/*
 * The outbox on one connection: emitting inside transactions, fan-out to
 * subscribed handlers, running, retries with backoff, dead-lettering,
 * requeueing, leases and their fencing, statistics. Time is a fake clock.
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/err.h"
#include "fixture.h"
#include "jobs/jobs.h"
#include "store/store.h"

#define T0 ((int64_t)1700000000000)

static struct fixture fx;

/* What the recording handler saw, and how the failing ones behave. */
static struct {
    int calls;
    int64_t event_id, job_id;
    int attempt;
    char type[64];
    char payload[256];
    int fail_until; /* fail while attempt <= fail_until */
    int64_t app_seen;
    volatile sig_atomic_t *stop;
} seen;

/* Inserts an effect row keyed by handler name and event id: a second run
 * that committed would fail the unique key, a rolled-back one leaves none. */
static int write_effect(struct store *st, const char *handler, const struct jobs_event *ev,
                        struct kt_err *err)
{
    char key[96];
    struct store_stmt *s = NULL;
    snprintf(key, sizeof key, "%s/%lld", handler, (long long)ev->id);
    int rc = store_prepare(st, "INSERT INTO effects (key, worker) VALUES (?1, ?2)", &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, key)) == 0 && (rc = store_bind_text(s, 2, "test")) == 0)
        rc = store_step(s, err);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int h_record(struct store *st, const struct jobs_event *ev, void *app,
                    struct kt_arena *arena, struct kt_err *err)
{
    seen.calls++;
    seen.event_id = ev->id;
    seen.job_id = ev->job_id;
    seen.attempt = ev->attempt;
    seen.app_seen = app ? *(int64_t *)app : -1;
    snprintf(seen.type, sizeof seen.type, "%s", ev->type);
    snprintf(seen.payload, sizeof seen.payload, "%s", ev->payload);
    assert_non_null(kt_arena_strdup(arena, ev->payload));
    return write_effect(st, "record", ev, err);
}

static int h_other(struct store *st, const struct jobs_event *ev, void *app,
                   struct kt_arena *arena, struct kt_err *err)
{
    return write_effect(st, "other", ev, err);
}

/* Writes its effect, then fails while attempt <= seen.fail_until: the
 * effect must vanish with the rolled-back transaction. */
static int h_flaky(struct store *st, const struct jobs_event *ev, void *app,
                   struct kt_arena *arena, struct kt_err *err)
{
    int rc = write_effect(st, "flaky", ev, err);
    if (rc < 0)
        return rc;
    if (ev->attempt <= seen.fail_until)
        return kt_err_set(err, KT_EUNAVAIL, "the mail server refused attempt %d", ev->attempt);
    return 0;
}

static int h_silent_fail(struct store *st, const struct jobs_event *ev, void *app,
                         struct kt_arena *arena, struct kt_err *err)
{
    return KT_EIO;
}

/* Emits a follow-up event from inside its transaction. */
static int h_chain(struct store *st, const struct jobs_event *ev, void *app,
                   struct kt_arena *arena, struct kt_err *err)
{
    char payload[64];
    snprintf(payload, sizeof payload, "{\"from\":%lld}", (long long)ev->id);
    return events_emit(st, "document.issued", payload, err);
}

/* Steals its own job's lease mid-run, as a worker that took over after an
 * expired lease would: the completion must then refuse to commit. */
static int h_lease_thief(struct store *st, const struct jobs_event *ev, void *app,
                         struct kt_arena *arena, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = write_effect(st, "thief", ev, err);
    if (rc < 0)
        return rc;
    rc = store_prepare(st, "UPDATE jobs SET locked_by = 'other-worker', attempts = attempts + 1 "
                           "WHERE id = ?1",
                       &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, ev->job_id)) == 0)
        rc = store_step(s, err);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int h_stopper(struct store *st, const struct jobs_event *ev, void *app,
                     struct kt_arena *arena, struct kt_err *err)
{
    seen.calls++;
    *seen.stop = 1;
    return write_effect(st, "stopper", ev, err);
}

static const struct jobs_handler handlers[] = {
    {.event = "order.confirmed", .name = "documents.issue_proforma", .run = h_record},
    {.event = "order.confirmed", .name = "mail.order_confirmed", .run = h_other},
    {.event = "payment.received", .name = "bank.settle", .run = h_flaky},
    {.event = "stock.changed", .name = "shops.push_stock", .run = h_silent_fail},
    {.event = "order.placed", .name = "orders.chain", .run = h_chain},
    {.event = "document.issued", .name = "mail.document", .run = h_other},
    {.event = "order.cancelled", .name = "orders.thief", .run = h_lease_thief},
    {.event = "worker.stop", .name = "test.stopper", .run = h_stopper},
};

static int64_t app_value = 4242;

static void use_options(int max_attempts, int64_t base, int64_t cap)
{
    struct jobs_options o;
    struct kt_err err;
    jobs_options_default(&o);
    o.now_ms = fixture_now_ms;
    o.max_attempts = max_attempts;
    o.backoff_base_ms = base;
    o.backoff_cap_ms = cap;
    o.lease_ms = 60000;
    o.poll_ms = 10;
    assert_int_equal(jobs_set_options(&o, &err), 0);
}

static int setup(void **state)
{
    fixture_exec(fx.st, "DELETE FROM jobs; DELETE FROM events; DELETE FROM effects; "
                        "UPDATE counter SET n = 0;");
    memset(&seen, 0, sizeof seen);
    fixture_clock = T0;
    jobs_set_handlers(handlers, sizeof handlers / sizeof handlers[0], &app_value);
    use_options(10, 1000, 3600000);
    return 0;
}

/* Emits one event in its own committed transaction. */
static int64_t emit(const char *type, const char *payload)
{
    struct kt_err err;
    int64_t id = 0;
    assert_int_equal(store_begin(fx.st, &err), 0);
    if (events_emit_id(fx.st, type, payload, &id, &err) < 0)
        fail_msg("emit %s: %s", type, err.msg);
    assert_int_equal(store_commit(fx.st, &err), 0);
    return id;
}

static int run_due(void)
{
    struct kt_err err;
    int ran = -1;
    if (jobs_run_due(fx.st, "test-worker", &ran, &err) < 0)
        fail_msg("run_due: %s", err.msg);
    return ran;
}

static int64_t count(const char *sql)
{
    return fixture_int(fx.st, sql);
}

static void test_emit_rolled_back_leaves_nothing(void **state)
{
    struct kt_err err;
    assert_int_equal(store_begin(fx.st, &err), 0);
    assert_int_equal(events_emit(fx.st, "order.confirmed", "{\"order\":1}", &err), 0);
    store_rollback(fx.st);
    assert_int_equal(count("SELECT COUNT(*) FROM events"), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs"), 0);
    assert_int_equal(run_due(), 0);
}

static void test_emit_committed_makes_one_job_per_subscriber(void **state)
{
    int64_t id = emit("order.confirmed", "{\"order\":7}");
    assert_true(id > 0);
    assert_int_equal(count("SELECT COUNT(*) FROM events"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs"), 2);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE handler = 'documents.issue_proforma' "
                           "AND state = 'pending' AND attempts = 0"),
                     1);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE handler = 'mail.order_confirmed'"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE run_at = 1700000000000 "
                           "AND created_at = 1700000000000"),
                     2);
    char payload[64];
    fixture_text(fx.st, "SELECT payload FROM events", payload, sizeof payload);
    assert_string_equal(payload, "{\"order\":7}");
}

static void test_emit_without_subscribers_keeps_event_only(void **state)
{
    emit("customer.created", "{\"customer\":3}");
    assert_int_equal(count("SELECT COUNT(*) FROM events WHERE type = 'customer.created'"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs"), 0);
}

static void test_emit_rejects_invalid_payloads(void **state)
{
    struct kt_err err;
    assert_int_equal(store_begin(fx.st, &err), 0);
    assert_int_equal(events_emit(fx.st, "order.confirmed", "{\"order\":", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "not valid JSON"));
    assert_int_equal(events_emit(fx.st, "order.confirmed", "[1,2]", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "JSON object"));
    assert_int_equal(events_emit(fx.st, "order.confirmed", "{\"a\":1,\"a\":2}", &err), KT_EINVAL);
    assert_int_equal(events_emit(fx.st, "order.confirmed", NULL, &err), KT_EINVAL);
    assert_int_equal(events_emit(fx.st, "", "{}", &err), KT_EINVAL);
    char longtype[200];
    memset(longtype, 'x', sizeof longtype - 1);
    longtype[sizeof longtype - 1] = '\0';
    assert_int_equal(events_emit(fx.st, longtype, "{}", &err), KT_EINVAL);
    assert_int_equal(store_commit(fx.st, &err), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM events"), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs"), 0);
}

static void test_emit_outside_transaction_is_refused(void **state)
{
    struct kt_err err;
    assert_int_equal(events_emit(fx.st, "order.confirmed", "{}", &err), KT_EINTERNAL);
    assert_non_null(strstr(err.msg, "outside a transaction"));
    assert_int_equal(count("SELECT COUNT(*) FROM events"), 0);
}

static void test_run_due_passes_event_to_handler(void **state)
{
    int64_t id = emit("order.confirmed", "{\"order\":7,\"total\":\"123.45\"}");
    assert_int_equal(run_due(), 2);
    assert_int_equal(seen.calls, 1);
    assert_int_equal(seen.event_id, id);
    assert_int_equal(seen.attempt, 1);
    assert_int_equal(seen.app_seen, 4242);
    assert_string_equal(seen.type, "order.confirmed");
    assert_string_equal(seen.payload, "{\"order\":7,\"total\":\"123.45\"}");
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'done' AND attempts = 1 "
                           "AND done_at = 1700000000000 AND locked_by IS NULL"),
                     2);
    assert_int_equal(count("SELECT COUNT(*) FROM effects"), 2);
    /* the job id the handler saw is the row that is now done */
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM jobs WHERE id = %lld AND state = 'done'",
             (long long)seen.job_id);
    assert_int_equal(count(sql), 1);
    assert_int_equal(run_due(), 0);
}

static void test_failed_handler_rolls_back_and_backs_off(void **state)
{
    seen.fail_until = 100;
    emit("payment.received", "{\"amount\":100}");
    assert_int_equal(run_due(), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM effects"), 0);
    assert_int_equal(count("SELECT attempts FROM jobs"), 1);
    assert_int_equal(count("SELECT run_at FROM jobs WHERE state = 'pending'"), T0 + 2000);
    char msg[256];
    fixture_text(fx.st, "SELECT last_error FROM jobs", msg, sizeof msg);
    assert_string_equal(msg, "the mail server refused attempt 1");
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE locked_by IS NULL "
                           "AND locked_until IS NULL"),
                     1);
}

static void test_retry_with_backoff_then_success(void **state)
{
    seen.fail_until = 2;
    emit("payment.received", "{\"amount\":100}");
    assert_int_equal(run_due(), 1); /* attempt 1 fails: due at T0 + 2 s */
    assert_int_equal(run_due(), 0);
    fixture_clock = T0 + 1999;
    assert_int_equal(run_due(), 0);
    fixture_clock = T0 + 2000;
    assert_int_equal(run_due(), 1); /* attempt 2 fails: due 4 s later */
    assert_int_equal(count("SELECT run_at FROM jobs"), T0 + 2000 + 4000);
    fixture_clock = T0 + 5999;
    assert_int_equal(run_due(), 0);
    fixture_clock = T0 + 6000;
    assert_int_equal(run_due(), 1); /* attempt 3 succeeds */
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'done' AND attempts = 3"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM effects WHERE key LIKE 'flaky/%'"), 1);
}

static void test_backoff_is_capped(void **state)
{
    use_options(20, 1000, 5000);
    seen.fail_until = 100;
    emit("payment.received", "{}");
    for (int i = 0; i < 6; i++) {
        assert_int_equal(run_due(), 1);
        fixture_clock = count("SELECT run_at FROM jobs");
    }
    /* attempts 1, 2 wait 2 s, 4 s; from attempt 3 on 8 s is capped to 5 s */
    int64_t last = count("SELECT run_at FROM jobs");
    assert_int_equal(run_due(), 1);
    assert_int_equal(count("SELECT run_at FROM jobs") - last, 5000);
}

static void test_dead_after_max_attempts(void **state)
{
    use_options(3, 1000, 3600000);
    seen.fail_until = 100;
    emit("payment.received", "{}");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(run_due(), 1);
        fixture_clock += 3600000;
    }
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'dead' AND attempts = 3"), 1);
    char msg[256];
    fixture_text(fx.st, "SELECT last_error FROM jobs", msg, sizeof msg);
    assert_string_equal(msg, "the mail server refused attempt 3");
    fixture_clock += 3600000;
    assert_int_equal(run_due(), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM effects"), 0);
}

static void test_handler_without_message_gets_one(void **state)
{
    use_options(1, 1000, 3600000);
    emit("stock.changed", "{}");
    assert_int_equal(run_due(), 1);
    char msg[256];
    fixture_text(fx.st, "SELECT last_error FROM jobs WHERE state = 'dead'", msg, sizeof msg);
    assert_non_null(strstr(msg, "shops.push_stock failed with EIO"));
}

static void test_retry_dead_requeues(void **state)
{
    struct kt_err err;
    int64_t n = -1;
    use_options(2, 1000, 3600000);
    seen.fail_until = 2;
    emit("payment.received", "{}");
    emit("payment.received", "{}");
    for (int i = 0; i < 2; i++) {
        assert_int_equal(run_due(), 2);
        fixture_clock += 3600000;
    }
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'dead'"), 2);
    int64_t first = count("SELECT MIN(id) FROM jobs");

    assert_int_equal(jobs_retry_dead(fx.st, first, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'pending' AND attempts = 0"), 1);
    /* a job that is not dead cannot be requeued */
    assert_int_equal(jobs_retry_dead(fx.st, first, &n, &err), KT_ENOTFOUND);
    assert_int_equal(jobs_retry_dead(fx.st, -1, &n, &err), KT_EINVAL);
    assert_int_equal(jobs_retry_dead(fx.st, 0, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'pending' AND attempts = 0 "
                           "AND locked_by IS NULL AND run_at = 1700007200000"),
                     2);
    /* the requeued jobs start counting attempts afresh */
    seen.fail_until = 0;
    assert_int_equal(run_due(), 2);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'done' AND attempts = 1"), 2);
    assert_int_equal(count("SELECT COUNT(*) FROM effects"), 2);
    assert_int_equal(jobs_retry_dead(fx.st, 0, &n, &err), 0);
    assert_int_equal(n, 0);
}

static void test_handlers_of_one_event_are_independent(void **state)
{
    static const struct jobs_handler mixed[] = {
        {.event = "order.confirmed", .name = "ok", .run = h_other},
        {.event = "order.confirmed", .name = "broken", .run = h_silent_fail},
    };
    jobs_set_handlers(mixed, 2, NULL);
    emit("order.confirmed", "{}");
    assert_int_equal(run_due(), 2);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE handler = 'ok' AND state = 'done'"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE handler = 'broken' "
                           "AND state = 'pending' AND attempts = 1"),
                     1);
}

static void test_unknown_handler_fails_the_job(void **state)
{
    emit("order.confirmed", "{}");
    static const struct jobs_handler fewer[] = {
        {.event = "order.confirmed", .name = "mail.order_confirmed", .run = h_other},
    };
    jobs_set_handlers(fewer, 1, NULL);
    assert_int_equal(run_due(), 2);
    char msg[256];
    fixture_text(fx.st, "SELECT last_error FROM jobs WHERE state = 'pending'", msg, sizeof msg);
    assert_string_equal(msg, "no handler named documents.issue_proforma is registered in this worker");
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE handler = 'mail.order_confirmed' "
                           "AND state = 'done'"),
                     1);
}

static void test_handler_can_emit_followups(void **state)
{
    emit("order.placed", "{\"order\":1}");
    assert_int_equal(run_due(), 2); /* the chain job, then the follow-up it emitted */
    assert_int_equal(count("SELECT COUNT(*) FROM events"), 2);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 2);
    char payload[64];
    fixture_text(fx.st, "SELECT payload FROM events WHERE type = 'document.issued'", payload,
                 sizeof payload);
    char want[64];
    snprintf(want, sizeof want, "{\"from\":%lld}",
             (long long)count("SELECT id FROM events WHERE type = 'order.placed'"));
    assert_string_equal(payload, want);
}

static void test_expired_lease_is_claimed_again(void **state)
{
    emit("order.confirmed", "{}");
    /* a worker claimed the first job and vanished: lease until T0 + 1 s */
    fixture_exec(fx.st, "UPDATE jobs SET state = 'running', locked_by = 'ghost', "
                        "locked_until = 1700000001000, attempts = 1 "
                        "WHERE handler = 'documents.issue_proforma'");
    assert_int_equal(run_due(), 1); /* only the other job */
    assert_int_equal(seen.calls, 0);
    fixture_clock = T0 + 999;
    assert_int_equal(run_due(), 0);
    fixture_clock = T0 + 1000;
    assert_int_equal(run_due(), 1);
    assert_int_equal(seen.calls, 1);
    assert_int_equal(seen.attempt, 2);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 2);
}

static void test_exhausted_expired_lease_goes_dead(void **state)
{
    use_options(3, 1000, 3600000);
    emit("order.confirmed", "{}");
    fixture_exec(fx.st, "UPDATE jobs SET state = 'running', locked_by = 'ghost', "
                        "locked_until = 1700000001000, attempts = 3 "
                        "WHERE handler = 'documents.issue_proforma'");
    fixture_clock = T0 + 1000;
    assert_int_equal(run_due(), 1);
    assert_int_equal(seen.calls, 0);
    char msg[256];
    fixture_text(fx.st, "SELECT last_error FROM jobs WHERE state = 'dead'", msg, sizeof msg);
    assert_non_null(strstr(msg, "lease expired"));
}

static void test_lost_lease_cannot_complete(void **state)
{
    emit("order.cancelled", "{}");
    assert_int_equal(run_due(), 1);
    /* the completion found the job taken over and rolled everything back,
     * the theft included: the job is still ours and running, no effect */
    assert_int_equal(count("SELECT COUNT(*) FROM effects"), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'running' "
                           "AND locked_by = 'test-worker' AND attempts = 1"),
                     1);
}

static void test_stats_count_states(void **state)
{
    struct jobs_stats s;
    struct kt_err err;
    use_options(1, 1000, 3600000);
    seen.fail_until = 100;
    emit("order.confirmed", "{}"); /* 2 jobs that will be done */
    emit("stock.changed", "{}");   /* 1 job that will be dead */
    assert_int_equal(run_due(), 3);
    emit("payment.received", "{}"); /* pending, due */
    emit("customer.created", "{}"); /* event without jobs */
    fixture_exec(fx.st, "UPDATE jobs SET state = 'running', locked_by = 'w', "
                        "locked_until = 1800000000000 WHERE handler = 'bank.settle'");
    emit("payment.received", "{}");
    fixture_exec(fx.st, "UPDATE jobs SET run_at = 1800000000000 WHERE state = 'pending'");
    emit("payment.received", "{}");
    assert_int_equal(jobs_stats(fx.st, &s, &err), 0);
    assert_int_equal(s.done, 2);
    assert_int_equal(s.dead, 1);
    assert_int_equal(s.running, 1);
    assert_int_equal(s.pending, 2);
    assert_int_equal(s.due, 1);
    assert_int_equal(s.events, 6);
}

static void test_options_are_validated(void **state)
{
    struct jobs_options o;
    struct kt_err err;
    jobs_options_default(&o);
    assert_int_equal(o.max_attempts, 10);
    o.max_attempts = 0;
    assert_int_equal(jobs_set_options(&o, &err), KT_EINVAL);
    jobs_options_default(&o);
    o.lease_ms = 0;
    assert_int_equal(jobs_set_options(&o, &err), KT_EINVAL);
    jobs_options_default(&o);
    o.backoff_cap_ms = o.backoff_base_ms - 1;
    assert_int_equal(jobs_set_options(&o, &err), KT_EINVAL);
    jobs_options_default(&o);
    o.poll_ms = 0;
    assert_int_equal(jobs_set_options(&o, &err), KT_EINVAL);
    assert_int_equal(jobs_set_options(NULL, &err), 0);
    /* the defaults are back: a failure waits 2 s on the system clock */
    seen.fail_until = 100;
    emit("payment.received", "{}");
    assert_int_equal(run_due(), 1);
    int64_t wait = count("SELECT run_at - created_at FROM jobs");
    assert_true(wait >= 2000 && wait < 3600000);
}

static void test_run_due_needs_worker_id(void **state)
{
    struct kt_err err;
    assert_int_equal(jobs_run_due(fx.st, "", NULL, &err), KT_EINVAL);
}

static void test_worker_loop_runs_until_stopped(void **state)
{
    struct kt_err err;
    volatile sig_atomic_t stop = 0;
    seen.stop = &stop;
    emit("worker.stop", "{}");
    assert_int_equal(jobs_worker_loop(fx.st, "loop-worker", &stop, &err), 0);
    assert_int_equal(seen.calls, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 1);
}

static void test_worker_id_names_host_and_pid(void **state)
{
    char id[128], pid[32];
    jobs_worker_id(id, sizeof id, "t3");
    snprintf(pid, sizeof pid, ":%ld:t3", (long)getpid());
    assert_non_null(strstr(id, pid));
    assert_true(strlen(id) > strlen(pid));
    char full[128], cut[8];
    jobs_worker_id(full, sizeof full, NULL);
    jobs_worker_id(cut, sizeof cut, NULL);
    size_t want = strlen(full) < 7 ? strlen(full) : 7;
    assert_int_equal(strlen(cut), want);
    assert_memory_equal(cut, full, want);
}

static int group_setup(void **state)
{
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
        cmocka_unit_test_setup(test_emit_rolled_back_leaves_nothing, setup),
        cmocka_unit_test_setup(test_emit_committed_makes_one_job_per_subscriber, setup),
        cmocka_unit_test_setup(test_emit_without_subscribers_keeps_event_only, setup),
        cmocka_unit_test_setup(test_emit_rejects_invalid_payloads, setup),
        cmocka_unit_test_setup(test_emit_outside_transaction_is_refused, setup),
        cmocka_unit_test_setup(test_run_due_passes_event_to_handler, setup),
        cmocka_unit_test_setup(test_failed_handler_rolls_back_and_backs_off, setup),
        cmocka_unit_test_setup(test_retry_with_backoff_then_success, setup),
        cmocka_unit_test_setup(test_backoff_is_capped, setup),
        cmocka_unit_test_setup(test_dead_after_max_attempts, setup),
        cmocka_unit_test_setup(test_handler_without_message_gets_one, setup),
        cmocka_unit_test_setup(test_retry_dead_requeues, setup),
        cmocka_unit_test_setup(test_handlers_of_one_event_are_independent, setup),
        cmocka_unit_test_setup(test_unknown_handler_fails_the_job, setup),
        cmocka_unit_test_setup(test_handler_can_emit_followups, setup),
        cmocka_unit_test_setup(test_expired_lease_is_claimed_again, setup),
        cmocka_unit_test_setup(test_exhausted_expired_lease_goes_dead, setup),
        cmocka_unit_test_setup(test_lost_lease_cannot_complete, setup),
        cmocka_unit_test_setup(test_stats_count_states, setup),
        cmocka_unit_test_setup(test_options_are_validated, setup),
        cmocka_unit_test_setup(test_run_due_needs_worker_id, setup),
        cmocka_unit_test_setup(test_worker_loop_runs_until_stopped, setup),
        cmocka_unit_test_setup(test_worker_id_names_host_and_pid, setup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
