/*
 * Two worker threads, each with its own connection, drain 200 jobs at the
 * same time. Every job must run exactly once: each run inserts a row with a
 * unique key (a second run would fail the key and leave the job retried,
 * which attempts = 1 rules out) and increments one counter row.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/err.h"
#include "fixture.h"
#include "jobs/jobs.h"
#include "store/store.h"

#define JOBS 200

static struct fixture fx;
static pthread_barrier_t start_line;
static _Thread_local const char *current_worker;

static int h_count(struct store *st, const struct jobs_event *ev, void *app,
                   struct kt_arena *arena, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)ev->id);
    int rc = store_prepare(st, "INSERT INTO effects (key, worker) VALUES (?1, ?2)", &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, key)) == 0 && (rc = store_bind_text(s, 2, current_worker)) == 0)
        rc = store_step(s, err);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    rc = store_exec(st, "UPDATE counter SET n = n + 1 WHERE id = 1", err);
    if (rc < 0)
        return rc;
    /* hold the job a moment so the two workers really overlap */
    struct timespec ts = {.tv_sec = 0, .tv_nsec = 1000000};
    nanosleep(&ts, NULL);
    return 0;
}

static const struct jobs_handler handlers[] = {
    {.event = "item.added", .name = "count", .run = h_count},
};

struct worker {
    const char *id;
    int ran;
    int rc;
    char msg[KT_ERR_MSG_MAX];
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct store *st = NULL;
    struct kt_err err;
    kt_err_clear(&err);
    current_worker = w->id;
    w->rc = store_open(fx.url, &st, &err);
    pthread_barrier_wait(&start_line);
    if (w->rc == 0)
        w->rc = jobs_run_due(st, w->id, &w->ran, &err);
    snprintf(w->msg, sizeof w->msg, "%s", err.msg);
    if (st)
        store_close(st);
    return NULL;
}

static void test_two_workers_run_every_job_once(void **state)
{
    struct kt_err err;
    assert_int_equal(store_begin(fx.st, &err), 0);
    for (int i = 0; i < JOBS; i++) {
        char payload[32];
        snprintf(payload, sizeof payload, "{\"item\":%d}", i);
        if (events_emit(fx.st, "item.added", payload, &err) < 0)
            fail_msg("emit: %s", err.msg);
    }
    assert_int_equal(store_commit(fx.st, &err), 0);
    assert_int_equal(fixture_int(fx.st, "SELECT COUNT(*) FROM jobs WHERE state = 'pending'"), JOBS);

    struct worker w[2] = {{.id = "worker-a"}, {.id = "worker-b"}};
    pthread_t t[2];
    assert_int_equal(pthread_barrier_init(&start_line, NULL, 2), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start_line);
    for (int i = 0; i < 2; i++)
        if (w[i].rc != 0)
            fail_msg("%s: %s", w[i].id, w[i].msg);

    assert_int_equal(w[0].ran + w[1].ran, JOBS);
    assert_int_equal(fixture_int(fx.st, "SELECT COUNT(*) FROM effects"), JOBS);
    assert_int_equal(fixture_int(fx.st, "SELECT n FROM counter WHERE id = 1"), JOBS);
    assert_int_equal(fixture_int(fx.st, "SELECT COUNT(*) FROM jobs "
                                        "WHERE state = 'done' AND attempts = 1"),
                     JOBS);
    /* every event got its effect: none lost, none doubled */
    assert_int_equal(fixture_int(fx.st, "SELECT COUNT(*) FROM events e "
                                        "JOIN effects f ON f.key = CAST(e.id AS TEXT)"),
                     JOBS);
    /* and each worker's count matches the effects it wrote */
    assert_int_equal(fixture_int_text(fx.st, "SELECT COUNT(*) FROM effects WHERE worker = ?1",
                                      "worker-a"),
                     w[0].ran);
    assert_int_equal(fixture_int_text(fx.st, "SELECT COUNT(*) FROM effects WHERE worker = ?1",
                                      "worker-b"),
                     w[1].ran);
    if (store_dialect(fx.st) == STORE_POSTGRES) {
        /* SKIP LOCKED lets both claim side by side; on SQLite the write
         * lock may let one worker take them all, which is also correct */
        assert_true(w[0].ran > 0);
        assert_true(w[1].ran > 0);
    }
}

static int group_setup(void **state)
{
    struct jobs_options o;
    struct kt_err err;
    if (fixture_open(&fx) != 0)
        return -1;
    jobs_options_default(&o);
    o.lease_ms = 600000;
    if (jobs_set_options(&o, &err) < 0)
        return -1;
    jobs_set_handlers(handlers, 1, NULL);
    return 0;
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
        cmocka_unit_test(test_two_workers_run_every_job_once),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
