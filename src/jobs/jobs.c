#include <jansson.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/log.h"
#include "jobs/jobs.h"
#include "store/store.h"
#include "base/banned.h"

#define JOBS_TYPE_MAX 128
#define JOBS_PAYLOAD_MAX ((size_t)1 << 20)

/* Process-wide settings: written before workers start, read-only after. */
static const struct jobs_handler *handler_table;
static size_t handler_count;
static void *handler_app;

static const struct jobs_options default_options = {
    .max_attempts = 10,
    .lease_ms = 300000,
    .backoff_base_ms = 1000,
    .backoff_cap_ms = 3600000,
    .poll_ms = 1000,
    .now_ms = NULL,
};
static struct jobs_options options = default_options;

void jobs_set_handlers(const struct jobs_handler *table, size_t n, void *app)
{
    handler_table = n ? table : NULL;
    handler_count = table ? n : 0;
    handler_app = app;
}

void jobs_options_default(struct jobs_options *o)
{
    *o = default_options;
}

int jobs_set_options(const struct jobs_options *o, struct kt_err *err)
{
    if (!o) {
        options = default_options;
        return 0;
    }
    if (o->max_attempts < 1)
        return kt_err_set(err, KT_EINVAL, "jobs: max_attempts must be at least 1, not %d",
                          o->max_attempts);
    if (o->lease_ms < 1)
        return kt_err_set(err, KT_EINVAL, "jobs: the lease must be at least 1 ms, not %" PRId64,
                          o->lease_ms);
    if (o->backoff_base_ms < 0 || o->backoff_cap_ms < o->backoff_base_ms)
        return kt_err_set(err, KT_EINVAL,
                          "jobs: backoff base (%" PRId64 " ms) must be >= 0 and not above the "
                          "cap (%" PRId64 " ms)",
                          o->backoff_base_ms, o->backoff_cap_ms);
    if (o->poll_ms < 1)
        return kt_err_set(err, KT_EINVAL, "jobs: poll interval must be at least 1 ms, not %" PRId64,
                          o->poll_ms);
    options = *o;
    return 0;
}

static int64_t now_ms(void)
{
    if (options.now_ms)
        return options.now_ms();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* base * 2^attempts, capped, without overflowing on the way. */
static int64_t backoff_ms(int attempts)
{
    int64_t d = options.backoff_base_ms;
    for (int i = 0; i < attempts && d < options.backoff_cap_ms; i++)
        d = d > options.backoff_cap_ms / 2 ? options.backoff_cap_ms : d * 2;
    return d < options.backoff_cap_ms ? d : options.backoff_cap_ms;
}

static const struct jobs_handler *handler_find(const char *name)
{
    for (size_t i = 0; i < handler_count; i++)
        if (strcmp(handler_table[i].name, name) == 0)
            return &handler_table[i];
    return NULL;
}

static int bind_failed(struct kt_err *err, int rc, const char *what)
{
    return kt_err_set(err, rc, "jobs: could not bind the parameters of %s", what);
}

/* ---- emitting ---------------------------------------------------------- */

static int payload_check(const char *type, const char *payload, struct kt_err *err)
{
    size_t n = strlen(payload);
    if (n > JOBS_PAYLOAD_MAX)
        return kt_err_set(err, KT_ELIMIT,
                          "jobs: the payload of event %s has %zu bytes, more than the %zu allowed",
                          type, n, JOBS_PAYLOAD_MAX);
    json_error_t jerr;
    json_t *j = json_loadb(payload, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        return kt_err_set(err, KT_EINVAL,
                          "jobs: the payload of event %s is not valid JSON (line %d: %s)", type,
                          jerr.line, jerr.text);
    int is_object = json_is_object(j);
    json_decref(j);
    if (!is_object)
        return kt_err_set(err, KT_EINVAL, "jobs: the payload of event %s must be a JSON object",
                          type);
    return 0;
}

int events_emit_id(struct store *st, const char *type, const char *payload_json,
                   int64_t *event_id, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc;

    if (!type || !*type || strlen(type) > JOBS_TYPE_MAX)
        return kt_err_set(err, KT_EINVAL, "jobs: an event type must be 1 to %d characters",
                          JOBS_TYPE_MAX);
    if (!payload_json)
        return kt_err_set(err, KT_EINVAL, "jobs: event %s has no payload", type);
    if ((rc = payload_check(type, payload_json, err)) < 0)
        return rc;
    if (!store_in_tx(st))
        return kt_err_set(err, KT_EINTERNAL,
                          "jobs: event %s emitted outside a transaction (a bug: events_emit "
                          "belongs inside the transaction of the change it describes)",
                          type);

    int64_t now = now_ms(), id = 0;
    rc = store_prepare(st, "INSERT INTO events (type, payload, created_at) "
                           "VALUES (?1, ?2, ?3) RETURNING id",
                       &s, err);
    if (rc < 0)
        goto out;
    if ((rc = store_bind_text(s, 1, type)) < 0 || (rc = store_bind_text(s, 2, payload_json)) < 0 ||
        (rc = store_bind_int64(s, 3, now)) < 0) {
        bind_failed(err, rc, "the event insert");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc != STORE_ROW) {
        rc = kt_err_set(err, KT_EINTERNAL, "jobs: inserting event %s returned no id", type);
        goto out;
    }
    id = store_col_int64(s, 0);
    store_stmt_done(s);
    s = NULL;

    for (size_t i = 0; i < handler_count; i++) {
        const struct jobs_handler *h = &handler_table[i];
        if (strcmp(h->event, type) != 0)
            continue;
        rc = store_prepare(st, "INSERT INTO jobs (event_id, handler, state, attempts, run_at, "
                               "created_at) VALUES (?1, ?2, 'pending', 0, ?3, ?3)",
                           &s, err);
        if (rc < 0)
            goto out;
        if ((rc = store_bind_int64(s, 1, id)) < 0 || (rc = store_bind_text(s, 2, h->name)) < 0 ||
            (rc = store_bind_int64(s, 3, now)) < 0) {
            bind_failed(err, rc, "the job insert");
            goto out;
        }
        rc = store_step(s, err);
        if (rc < 0)
            goto out;
        store_stmt_done(s);
        s = NULL;
    }
    if (event_id)
        *event_id = id;
    rc = 0;
out:
    if (s)
        store_stmt_done(s);
    if (rc < 0)
        kt_err_prefix(err, "cannot record event %s", type);
    return rc;
}

int events_emit(struct store *st, const char *type, const char *payload_json, struct kt_err *err)
{
    return events_emit_id(st, type, payload_json, NULL, err);
}

/* ---- claiming ---------------------------------------------------------- */

/*
 * One text for both databases except the row lock: PostgreSQL needs
 * FOR UPDATE SKIP LOCKED so that concurrent claimers skip each other's
 * candidate instead of queueing behind it (and then finding it taken);
 * SQLite has no row locks and no such clause, and does not need it because
 * BEGIN IMMEDIATE already holds the database write lock around the UPDATE.
 */
#define CLAIM_HEAD                                                                               \
    "UPDATE jobs SET state = 'running', locked_by = ?1, locked_until = ?2, "                     \
    "attempts = attempts + 1 "                                                                   \
    "WHERE id = (SELECT id FROM jobs "                                                           \
    "WHERE (state = 'pending' AND run_at <= ?3) OR (state = 'running' AND locked_until <= ?3) " \
    "ORDER BY run_at, id LIMIT 1"
#define CLAIM_TAIL ") RETURNING id, event_id, handler, attempts"

static const char claim_sql_sqlite[] = CLAIM_HEAD CLAIM_TAIL;
static const char claim_sql_postgres[] = CLAIM_HEAD " FOR UPDATE SKIP LOCKED" CLAIM_TAIL;

struct claim {
    const char *worker_id;
    struct kt_arena *arena;
    int found;
    int64_t id, event_id;
    const char *handler;
    int attempts;
};

/*
 * A job whose worker died on its last allowed attempt would otherwise be
 * claimed again forever: its expired lease makes it due, and only a run
 * that returns can mark it dead. Reaping it here keeps max_attempts a bound.
 */
static int reap_exhausted(struct store *st, int64_t now, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "UPDATE jobs SET state = 'dead', locked_by = NULL, locked_until = NULL, "
                           "last_error = ?3 "
                           "WHERE state = 'running' AND locked_until <= ?1 AND attempts >= ?2",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, now)) < 0 ||
        (rc = store_bind_int64(s, 2, options.max_attempts)) < 0 ||
        (rc = store_bind_text(s, 3, "the worker running the last allowed attempt stopped "
                                    "before finishing (its lease expired)")) < 0) {
        bind_failed(err, rc, "the dead-letter sweep");
        goto out;
    }
    rc = store_step(s, err);
    if (rc >= 0) {
        int64_t n = store_changes(st);
        if (n > 0)
            kt_log_warn("jobs.dead", "count=%" PRId64 " reason=lease_expired", n);
        rc = 0;
    }
out:
    store_stmt_done(s);
    return rc;
}

static int claim_fn(struct store *st, void *ctx, struct kt_err *err)
{
    struct claim *c = ctx;
    struct store_stmt *s = NULL;
    int64_t now = now_ms();
    int rc;

    c->found = 0;
    if ((rc = reap_exhausted(st, now, err)) < 0)
        return rc;
    rc = store_prepare(st, store_dialect(st) == STORE_POSTGRES ? claim_sql_postgres : claim_sql_sqlite,
                       &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, c->worker_id)) < 0 ||
        (rc = store_bind_int64(s, 2, now + options.lease_ms)) < 0 ||
        (rc = store_bind_int64(s, 3, now)) < 0) {
        bind_failed(err, rc, "the job claim");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc == STORE_ROW) {
        c->id = store_col_int64(s, 0);
        c->event_id = store_col_int64(s, 1);
        c->handler = kt_arena_strdup(c->arena, store_col_text(s, 2) ? store_col_text(s, 2) : "");
        c->attempts = (int)store_col_int64(s, 3);
        if (!c->handler) {
            rc = kt_err_set(err, KT_ENOMEM, "jobs: out of memory claiming job %" PRId64, c->id);
            goto out;
        }
        /* finish the statement: SQLite applies the UPDATE on the first step,
         * PostgreSQL has the whole result already; either way it is DONE next */
        rc = store_step(s, err);
        if (rc < 0)
            goto out;
        c->found = 1;
    }
    rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/* ---- running ----------------------------------------------------------- */

static int load_event(struct store *st, const struct claim *c, struct kt_arena *arena,
                      struct jobs_event *ev, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT type, payload, created_at FROM events WHERE id = ?1", &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, c->event_id)) < 0) {
        bind_failed(err, rc, "the event lookup");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc != STORE_ROW) {
        rc = kt_err_set(err, KT_ECORRUPT, "jobs: job %" PRId64 " refers to missing event %" PRId64,
                        c->id, c->event_id);
        goto out;
    }
    const char *type = store_col_text(s, 0), *payload = store_col_text(s, 1);
    ev->id = c->event_id;
    ev->type = kt_arena_strdup(arena, type ? type : "");
    ev->payload = kt_arena_strdup(arena, payload ? payload : "");
    ev->created_at = store_col_int64(s, 2);
    ev->job_id = c->id;
    ev->attempt = c->attempts;
    if (!ev->type || !ev->payload) {
        rc = kt_err_set(err, KT_ENOMEM, "jobs: out of memory loading event %" PRId64, c->event_id);
        goto out;
    }
    rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/*
 * Marks the job done, fenced by the lease: only the worker that claimed this
 * attempt may complete it. *won is 0 when the lease was taken over.
 */
static int complete(struct store *st, const struct claim *c, int *won, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "UPDATE jobs SET state = 'done', done_at = ?1, locked_by = NULL, "
                           "locked_until = NULL "
                           "WHERE id = ?2 AND state = 'running' AND locked_by = ?3 AND attempts = ?4",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, now_ms())) < 0 || (rc = store_bind_int64(s, 2, c->id)) < 0 ||
        (rc = store_bind_text(s, 3, c->worker_id)) < 0 ||
        (rc = store_bind_int64(s, 4, c->attempts)) < 0) {
        bind_failed(err, rc, "the job completion");
        goto out;
    }
    rc = store_step(s, err);
    if (rc >= 0) {
        *won = store_changes(st) == 1;
        rc = 0;
    }
out:
    store_stmt_done(s);
    return rc;
}

struct failure {
    const struct claim *c;
    const char *message;
    const char *state; /* out: "pending" or "dead" */
    int64_t run_at;    /* out */
};

static int fail_fn(struct store *st, void *ctx, struct kt_err *err)
{
    struct failure *f = ctx;
    struct store_stmt *s = NULL;
    int64_t now = now_ms();
    int rc;

    f->state = f->c->attempts >= options.max_attempts ? "dead" : "pending";
    f->run_at = now + backoff_ms(f->c->attempts);
    rc = store_prepare(st,
                       "UPDATE jobs SET state = ?1, run_at = ?2, last_error = ?3, locked_by = NULL, "
                       "locked_until = NULL "
                       "WHERE id = ?4 AND state = 'running' AND locked_by = ?5 AND attempts = ?6",
                       &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, f->state)) < 0 || (rc = store_bind_int64(s, 2, f->run_at)) < 0 ||
        (rc = store_bind_text(s, 3, f->message)) < 0 || (rc = store_bind_int64(s, 4, f->c->id)) < 0 ||
        (rc = store_bind_text(s, 5, f->c->worker_id)) < 0 ||
        (rc = store_bind_int64(s, 6, f->c->attempts)) < 0) {
        bind_failed(err, rc, "the job failure record");
        goto out;
    }
    rc = store_step(s, err);
    if (rc >= 0)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/*
 * One claimed job: the handler and the completion share one transaction.
 * Anything that goes wrong inside it (the handler, loading the event, the
 * commit) rolls all of it back and is recorded as a failed attempt in a
 * transaction of its own; only failing to record that is our error.
 */
static int run_claimed(struct store *st, struct claim *c, struct kt_arena *arena, struct kt_err *err)
{
    struct jobs_event ev = {0};
    struct kt_err herr;
    const struct jobs_handler *h = handler_find(c->handler);
    int64_t started = now_ms();
    int rc, won = 0;

    kt_err_clear(&herr);
    rc = store_begin(st, &herr);
    if (rc < 0)
        goto failed;
    rc = load_event(st, c, arena, &ev, &herr);
    if (rc == 0 && !h)
        rc = kt_err_set(&herr, KT_ENOTFOUND, "no handler named %s is registered in this worker",
                        c->handler);
    if (rc == 0) {
        rc = h->run(st, &ev, handler_app, arena, &herr);
        if (rc > 0)
            rc = kt_err_set(&herr, KT_EINTERNAL, "handler %s returned %d, not 0 or a KT_E* code",
                            c->handler, rc);
        else if (rc < 0 && herr.code == KT_OK)
            kt_err_set(&herr, rc, "handler %s failed with %s and gave no reason", c->handler,
                       kt_err_name(rc));
    }
    if (rc == 0)
        rc = complete(st, c, &won, &herr);
    if (rc == 0 && !won) {
        store_rollback(st);
        kt_log_warn("job.lease_lost", "id=%" PRId64 " handler=%s attempt=%d", c->id, c->handler,
                    c->attempts);
        return 0;
    }
    if (rc == 0)
        rc = store_commit(st, &herr);
    if (rc == 0) {
        kt_log_info("job.done", "id=%" PRId64 " event=%" PRId64 " handler=%s attempt=%d ms=%" PRId64,
                    c->id, c->event_id, c->handler, c->attempts, now_ms() - started);
        return 0;
    }
    store_rollback(st);
failed:;
    struct failure f = {.c = c, .message = herr.msg[0] ? herr.msg : kt_err_name(rc)};
    rc = store_tx(st, fail_fn, &f, err);
    if (rc < 0)
        return kt_err_prefix(err, "cannot record the failure of job %" PRId64 " (%s)", c->id,
                             f.message);
    if (strcmp(f.state, "dead") == 0)
        kt_log_error("job.dead", "id=%" PRId64 " handler=%s attempts=%d error=\"%s\"", c->id,
                     c->handler, c->attempts, f.message);
    else
        kt_log_warn("job.retry", "id=%" PRId64 " handler=%s attempt=%d in_ms=%" PRId64
                    " error=\"%s\"",
                    c->id, c->handler, c->attempts, f.run_at - now_ms(), f.message);
    return 0;
}

int jobs_run_due(struct store *st, const char *worker_id, int *ran, struct kt_err *err)
{
    int rc = 0, count = 0;

    if (!worker_id || !*worker_id)
        return kt_err_set(err, KT_EINVAL, "jobs: a worker needs a non-empty id");
    for (;;) {
        struct kt_arena arena;
        kt_arena_init(&arena, 0);
        struct claim c = {.worker_id = worker_id, .arena = &arena};
        rc = store_tx(st, claim_fn, &c, err);
        if (rc == 0 && c.found) {
            count++;
            rc = run_claimed(st, &c, &arena, err);
        }
        kt_arena_release(&arena);
        if (rc < 0 || !c.found)
            break;
    }
    if (ran)
        *ran = count;
    return rc;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int jobs_worker_loop(struct store *st, const char *worker_id, volatile sig_atomic_t *stop,
                     struct kt_err *err)
{
    kt_log_info("worker.start", "id=%s", worker_id ? worker_id : "");
    while (!*stop) {
        int ran = 0;
        int rc = jobs_run_due(st, worker_id, &ran, err);
        if (rc == KT_EBUSY || rc == KT_ECONFLICT) {
            kt_log_warn("worker.contention", "error=\"%s\"", err ? err->msg : "");
            ran = 0;
        } else if (rc < 0) {
            kt_log_error("worker.stop", "id=%s error=\"%s\"", worker_id ? worker_id : "",
                         err ? err->msg : "");
            return rc;
        }
        /* sleep in short slices so a stop request is honoured promptly */
        for (int64_t slept = 0; ran == 0 && slept < options.poll_ms && !*stop; slept += 50)
            sleep_ms(options.poll_ms - slept < 50 ? options.poll_ms - slept : 50);
    }
    kt_log_info("worker.stop", "id=%s", worker_id ? worker_id : "");
    return 0;
}

void jobs_worker_id(char *buf, size_t n, const char *suffix)
{
    char host[256];
    if (gethostname(host, sizeof host) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    if (suffix)
        snprintf(buf, n, "%s:%ld:%s", host[0] ? host : "localhost", (long)getpid(), suffix);
    else
        snprintf(buf, n, "%s:%ld", host[0] ? host : "localhost", (long)getpid());
}

/* ---- inspection and repair --------------------------------------------- */

static int count_query(struct store *st, const char *sql, int64_t bind1, int64_t *out,
                       struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s, err);
    if (rc < 0)
        return rc;
    if (bind1 >= 0 && (rc = store_bind_int64(s, 1, bind1)) < 0) {
        bind_failed(err, rc, "a job count");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    *out = rc == STORE_ROW ? store_col_int64(s, 0) : 0;
    rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

int jobs_stats(struct store *st, struct jobs_stats *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    struct jobs_stats t = {0};
    int rc = store_prepare(st, "SELECT state, COUNT(*) FROM jobs GROUP BY state", &s, err);
    if (rc < 0)
        goto out;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        const char *state = store_col_text(s, 0);
        int64_t n = store_col_int64(s, 1);
        if (!state)
            continue;
        if (strcmp(state, "pending") == 0)
            t.pending = n;
        else if (strcmp(state, "running") == 0)
            t.running = n;
        else if (strcmp(state, "done") == 0)
            t.done = n;
        else if (strcmp(state, "dead") == 0)
            t.dead = n;
    }
    if (rc < 0)
        goto out;
    store_stmt_done(s);
    s = NULL;
    rc = count_query(st, "SELECT COUNT(*) FROM jobs WHERE state = 'pending' AND run_at <= ?1",
                     now_ms(), &t.due, err);
    if (rc < 0)
        goto out;
    rc = count_query(st, "SELECT COUNT(*) FROM events", -1, &t.events, err);
    if (rc < 0)
        goto out;
    *out = t;
out:
    if (s)
        store_stmt_done(s);
    if (rc < 0)
        kt_err_prefix(err, "cannot count jobs");
    return rc;
}

struct requeue {
    int64_t job_id;
    int64_t count;
};

static int requeue_fn(struct store *st, void *ctx, struct kt_err *err)
{
    struct requeue *q = ctx;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           q->job_id > 0
                               ? "UPDATE jobs SET state = 'pending', attempts = 0, run_at = ?1, "
                                 "locked_by = NULL, locked_until = NULL "
                                 "WHERE state = 'dead' AND id = ?2"
                               : "UPDATE jobs SET state = 'pending', attempts = 0, run_at = ?1, "
                                 "locked_by = NULL, locked_until = NULL WHERE state = 'dead'",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, now_ms())) < 0 ||
        (q->job_id > 0 && (rc = store_bind_int64(s, 2, q->job_id)) < 0)) {
        bind_failed(err, rc, "the dead job requeue");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    q->count = store_changes(st);
    rc = 0;
    if (q->job_id > 0 && q->count == 0)
        rc = kt_err_set(err, KT_ENOTFOUND, "jobs: there is no dead job %" PRId64, q->job_id);
out:
    store_stmt_done(s);
    return rc;
}

int jobs_retry_dead(struct store *st, int64_t job_id, int64_t *requeued, struct kt_err *err)
{
    struct requeue q = {.job_id = job_id};
    if (job_id < 0)
        return kt_err_set(err, KT_EINVAL, "jobs: job id must be positive, or 0 for all dead jobs");
    int rc = store_tx(st, requeue_fn, &q, err);
    if (rc < 0)
        return rc;
    if (q.count > 0)
        kt_log_info("jobs.requeued", "count=%" PRId64, q.count);
    if (requeued)
        *requeued = q.count;
    return 0;
}
