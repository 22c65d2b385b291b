/*
 * At-least-once delivery, exactly-once effects: a worker process is killed
 * with SIGKILL in the middle of a handler, after the handler wrote its
 * effect inside the job's transaction but before the commit. After the
 * lease expires another worker runs the job again; the in-database effect
 * then exists exactly once and the job is done. The handler also has an
 * "outside" effect guarded by an idempotency key (a marker file named after
 * the event id): it is delivered twice but performed once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/err.h"
#include "fixture.h"
#include "jobs/jobs.h"
#include "store/store.h"

static struct fixture fx;
static char outside[] = "/tmp/kontor-jobs-kill.XXXXXX";
static int64_t emitted_id;
static int signal_fd = -1; /* in the child: where to say "effect written" */

/* Appends one line per delivery; creates the idempotency marker once. */
static int outside_effect(int64_t event_id, struct kt_err *err)
{
    char path[256];
    snprintf(path, sizeof path, "%s/deliveries", outside);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0 || write(fd, "delivery\n", 9) != 9) {
        if (fd >= 0)
            close(fd);
        return kt_err_set(err, KT_EIO, "cannot log the delivery in %s", path);
    }
    close(fd);
    snprintf(path, sizeof path, "%s/sent-%lld", outside, (long long)event_id);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return errno == EEXIST ? 0 : kt_err_set(err, KT_EIO, "cannot create %s", path);
    close(fd);
    /* first delivery under this key: perform the effect */
    snprintf(path, sizeof path, "%s/performed", outside);
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0 || write(fd, "sent\n", 5) != 5) {
        if (fd >= 0)
            close(fd);
        return kt_err_set(err, KT_EIO, "cannot perform the effect in %s", path);
    }
    close(fd);
    return 0;
}

static int h_issue(struct store *st, const struct jobs_event *ev, void *app,
                   struct kt_arena *arena, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    char key[32];
    snprintf(key, sizeof key, "proforma/%lld", (long long)ev->id);
    int rc = store_prepare(st, "INSERT INTO effects (key, worker) VALUES (?1, ?2)", &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, key)) == 0 &&
        (rc = store_bind_text(s, 2, signal_fd >= 0 ? "child" : "parent")) == 0)
        rc = store_step(s, err);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if ((rc = outside_effect(ev->id, err)) < 0)
        return rc;
    if (signal_fd >= 0) {
        /* effect written, transaction open: tell the parent, wait to die */
        if (write(signal_fd, "x", 1) != 1)
            _exit(3);
        for (;;)
            pause();
    }
    return 0;
}

static const struct jobs_handler handlers[] = {
    {.event = "order.confirmed", .name = "documents.issue_proforma", .run = h_issue},
};

static void child(int fd)
{
    struct store *st = NULL;
    struct kt_err err;
    int ran = 0;
    signal_fd = fd;
    if (jobs_set_options(NULL, &err) < 0 || store_open(fx.url, &st, &err) < 0)
        _exit(4);
    jobs_run_due(st, "child-worker", &ran, &err);
    /* reaching here means the handler did not block: tell the parent */
    if (write(fd, "E", 1) != 1)
        _exit(5);
    _exit(6);
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    int n = 0, c;
    if (!f)
        return -1;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static void test_killed_worker_job_reruns_with_effect_once(void **state)
{
    struct kt_err err;

    assert_int_equal(store_begin(fx.st, &err), 0);
    assert_int_equal(events_emit_id(fx.st, "order.confirmed", "{\"order\":1}", &emitted_id, &err), 0);
    assert_int_equal(store_commit(fx.st, &err), 0);
    store_close(fx.st); /* no connection crosses the fork */
    fx.st = NULL;

    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        child(p[1]);
    }
    close(p[1]);
    struct pollfd pfd = {.fd = p[0], .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 60000), 1);
    char c = 0;
    assert_int_equal(read(p[0], &c, 1), 1);
    close(p[0]);
    assert_int_equal(c, 'x');

    /* the child sits inside its handler transaction, its effect unseen */
    assert_int_equal(store_open(fx.url, &fx.st, &err), 0);
    assert_int_equal(fixture_int(fx.st, "SELECT COUNT(*) FROM jobs WHERE state = 'running' "
                                        "AND locked_by = 'child-worker' AND attempts = 1"),
                     1);
    assert_int_equal(fixture_int(fx.st, "SELECT COUNT(*) FROM effects"), 0);
    int64_t lease_end = fixture_int(fx.st, "SELECT locked_until FROM jobs");

    int status = 0;
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* until the lease ends nobody takes the job over */
    struct jobs_options o;
    jobs_options_default(&o);
    o.now_ms = fixture_now_ms;
    assert_int_equal(jobs_set_options(&o, &err), 0);
    int ran = -1;
    fixture_clock = lease_end - 1;
    assert_int_equal(jobs_run_due(fx.st, "parent-worker", &ran, &err), 0);
    assert_int_equal(ran, 0);
    fixture_clock = lease_end;
    if (jobs_run_due(fx.st, "parent-worker", &ran, &err) < 0)
        fail_msg("run_due: %s", err.msg);
    assert_int_equal(ran, 1);

    assert_int_equal(fixture_int(fx.st, "SELECT COUNT(*) FROM jobs WHERE state = 'done' "
                                        "AND attempts = 2 AND locked_by IS NULL"),
                     1);
    assert_int_equal(fixture_int(fx.st, "SELECT COUNT(*) FROM effects"), 1);
    assert_int_equal(fixture_int_text(fx.st, "SELECT COUNT(*) FROM effects WHERE worker = ?1",
                                      "parent"),
                     1);

    /* delivered twice, performed once */
    char path[256];
    snprintf(path, sizeof path, "%s/deliveries", outside);
    assert_int_equal(count_lines(path), 2);
    snprintf(path, sizeof path, "%s/performed", outside);
    assert_int_equal(count_lines(path), 1);
    struct stat sb;
    snprintf(path, sizeof path, "%s/sent-%lld", outside, (long long)emitted_id);
    assert_int_equal(stat(path, &sb), 0);
}

static int group_setup(void **state)
{
    if (!mkdtemp(outside))
        return -1;
    jobs_set_handlers(handlers, 1, NULL);
    return fixture_open(&fx);
}

static int group_teardown(void **state)
{
    char path[256];
    jobs_set_handlers(NULL, 0, NULL);
    fixture_close(&fx);
    snprintf(path, sizeof path, "%s/deliveries", outside);
    unlink(path);
    snprintf(path, sizeof path, "%s/performed", outside);
    unlink(path);
    snprintf(path, sizeof path, "%s/sent-%lld", outside, (long long)emitted_id);
    unlink(path);
    rmdir(outside);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_killed_worker_job_reruns_with_effect_once),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
