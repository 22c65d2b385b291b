/*
 * jobs: the transactional outbox. Owns the tables `events` and `jobs`
 * (migration 0002_jobs) and the worker that drains them.
 *
 * A module that changes something calls events_emit inside the SAME
 * transaction as the change. The event row and one job row per subscribed
 * handler commit or roll back together with the change, so a crash between
 * the change and its reaction loses nothing and a rolled-back change leaves
 * no reaction behind.
 *
 * Handlers are a table supplied by the application at start-up
 * (jobs_set_handlers). Each (event, subscribed handler) pair is one job row,
 * so several handlers react to one event independently: one failing does
 * not hold back the others.
 *
 * Delivery is at least once; effects in the database are exactly once:
 * the worker opens a write transaction, runs the handler inside it, marks the
 * job done in the same transaction and commits. If the handler fails, the
 * process dies or the lease is lost, that transaction rolls back with every
 * write the handler made, and the job runs again later. A handler with
 * effects OUTSIDE the database (e-mail, shop API, carrier) must make them
 * idempotent: derive an idempotency key from the event id (or job id) and
 * let the outside system, or a row written first, recognise a repeat.
 *
 * Claiming: a worker takes one due job at a time in a short transaction,
 * setting state 'running' with a lease (locked_by, locked_until) and bumping
 * attempts. On PostgreSQL the candidate row is chosen with
 * FOR UPDATE SKIP LOCKED, so workers on many machines share one queue
 * without waiting on each other; on SQLite the claim is one conditional
 * UPDATE inside BEGIN IMMEDIATE (the database write lock serialises
 * claimers). A job whose lease expired (its worker died) is due again.
 * attempts doubles as a fencing token: the completion UPDATE requires the
 * lease holder and the attempt number it claimed, so a worker whose lease
 * was taken over cannot also complete the job.
 *
 * Failure: the handler returns a negative KT_E* code; the job goes back to
 * 'pending' with run_at = now + min(backoff_base_ms * 2^attempts,
 * backoff_cap_ms), and after max_attempts attempts to 'dead' (dead-letter),
 * keeping the last error message. jobs_retry_dead requeues dead jobs.
 *
 * Time: every timestamp column is integer unix milliseconds (UTC), taken
 * from the options' clock (injectable for tests). Integers sort and compare
 * identically on SQLite and PostgreSQL, unlike text or timestamptz. Workers
 * on several machines compare their clocks against leases written by others,
 * so keep hosts NTP-synchronised and leases far longer than the skew.
 *
 * Threading: jobs_set_handlers and jobs_set_options change process-wide
 * settings and must be called before any worker or emitting thread starts;
 * afterwards the settings are read-only and every other function is safe
 * to call from several threads, each with its own struct store.
 */
#ifndef KT_JOBS_H
#define KT_JOBS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

/* What a handler is told about the event it reacts to. Strings are valid for
 * the duration of the handler call only. */
struct jobs_event {
    int64_t id;          /* events.id */
    const char *type;    /* e.g. "order.confirmed" */
    const char *payload; /* JSON text as emitted */
    int64_t created_at;  /* unix ms */
    int64_t job_id;      /* jobs.id: one per (event, handler) */
    int attempt;         /* 1 on the first run */
};

/*
 * A handler runs inside an open write transaction on st; it must not begin,
 * commit or roll back. Everything it writes through st commits together with
 * the job's completion. `arena` belongs to this job run and is released right
 * after it; nothing allocated from it may be kept. `app` is the pointer given
 * to jobs_set_handlers. Returns 0 when done, a negative KT_E* code (with err
 * set) to be retried later with backoff.
 */
typedef int (*jobs_handler_fn)(struct store *st, const struct jobs_event *ev, void *app,
                               struct kt_arena *arena, struct kt_err *err);

struct jobs_handler {
    const char *event; /* event type it subscribes to */
    const char *name;  /* stable name stored in jobs.handler, e.g. "documents.issue_proforma";
                          unique within the table */
    jobs_handler_fn run;
};

/*
 * Installs the application's handler table (static storage; not copied) and
 * the context pointer passed to every handler. A job whose handler name is
 * not in the table fails like a handler error ("no handler named ...") and
 * ends up dead after max_attempts, so removing a handler never loses jobs
 * silently. Call before any worker or emitter runs; n == 0 clears the table.
 */
void jobs_set_handlers(const struct jobs_handler *table, size_t n, void *app);

struct jobs_options {
    int max_attempts;        /* runs before a job is dead; default 10 */
    int64_t lease_ms;        /* claim lease; default 300000 (5 minutes) */
    int64_t backoff_base_ms; /* retry delay = base * 2^attempts; default 1000 */
    int64_t backoff_cap_ms;  /* upper bound of the delay; default 3600000 (1 hour) */
    int64_t poll_ms;         /* jobs_worker_loop idle sleep; default 1000 */
    int64_t (*now_ms)(void); /* clock, unix ms; NULL = the system clock */
};

/* Fills o with the defaults above. */
void jobs_options_default(struct jobs_options *o);
/* Validates and installs o (copied); NULL restores the defaults. KT_EINVAL
 * when a value is out of range (max_attempts < 1, lease_ms < 1, negative
 * delays, cap below base). */
int jobs_set_options(const struct jobs_options *o, struct kt_err *err);

/*
 * Writes a domain event of `type` (1..128 characters) with payload_json (a
 * JSON object of at most 1 MiB, checked with jansson: invalid JSON or not an
 * object -> KT_EINVAL, too big -> KT_ELIMIT) and one pending job per handler
 * subscribed to `type`, due now. Must be called inside the caller's open
 * write transaction (store_begin / store_tx) and neither begins nor commits:
 * calling it outside one is a programmer error (it would commit the event
 * apart from the change it describes) and fails with KT_EINTERNAL, writing
 * nothing. events_emit_id also hands back the new events.id in *event_id.
 */
int events_emit(struct store *st, const char *type, const char *payload_json,
                struct kt_err *err);
int events_emit_id(struct store *st, const char *type, const char *payload_json,
                   int64_t *event_id, struct kt_err *err);

/*
 * Claims and runs every job that is due now, one at a time, then returns
 * (`kontor worker --once`). *ran (may be NULL) receives the number of
 * handler runs, successful or not. A handler failure is recorded in its job
 * and is not an error of this function; store errors are.
 * worker_id names the lease holder and must be unique per running worker
 * thread (see jobs_worker_id).
 */
int jobs_run_due(struct store *st, const char *worker_id, int *ran, struct kt_err *err);

/*
 * Runs jobs_run_due repeatedly, sleeping poll_ms while the queue is idle,
 * until *stop becomes non-zero (set it from a signal handler). Transient
 * database contention (KT_EBUSY, KT_ECONFLICT) is logged and retried; any
 * other store error ends the loop and is returned.
 */
int jobs_worker_loop(struct store *st, const char *worker_id, volatile sig_atomic_t *stop,
                     struct kt_err *err);

/* A worker id "host:pid" (plus ":suffix" when suffix is not NULL, e.g. a
 * thread number). Truncated to fit n. */
void jobs_worker_id(char *buf, size_t n, const char *suffix);

struct jobs_stats {
    int64_t pending; /* waiting, due now or later */
    int64_t due;     /* pending with run_at <= now */
    int64_t running; /* claimed (including expired leases not yet reclaimed) */
    int64_t done;
    int64_t dead;
    int64_t events;
};

/* Counts jobs per state and events in total, for `kontor db status` and
 * the worker's output. */
int jobs_stats(struct store *st, struct jobs_stats *out, struct kt_err *err);

/*
 * Requeues dead jobs: job_id > 0 requeues that one job (KT_ENOTFOUND when
 * it does not exist or is not dead), job_id == 0 all dead jobs. Attempts
 * restart at 0, the job is due now, last_error is kept until the next run.
 * Runs its own transaction. *requeued (may be NULL) receives the count.
 */
int jobs_retry_dead(struct store *st, int64_t job_id, int64_t *requeued, struct kt_err *err);

#endif
