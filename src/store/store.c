/*
 * store.c: the driver-independent layer of the database adapter. Owns the
 * choice of driver by URL, placeholder rewriting for PostgreSQL, the
 * per-connection prepared-statement cache, transaction state and retries,
 * and the fault-injection wrapper around every fallible driver call.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "store/store.h"
#include "base/banned.h"

/*
 * A cached statement. `busy` is set between store_prepare and
 * store_stmt_done; a second prepare of the same SQL while the cached one is
 * busy gets a private statement (`cached` = 0) that store_stmt_done
 * finalizes.
 */
struct store_stmt {
    struct store *st;
    void *drv;
    char *sql; /* the caller's SQL text: the cache key */
    uint64_t hash;
    int busy;
    int cached;
};

struct store {
    const struct store_driver *drv;
    void *conn;
    struct store_stmt **slots; /* open addressing, linear probing */
    size_t nslots;             /* power of two */
    size_t nused;
    int in_tx;
    int tx_failed; /* a statement failed inside the open transaction */
    int tx_fail_code;
    /* fault injection */
    long fault_nth;
    long fault_calls;
    int fault_code;
    int fault_fired;
    unsigned rng;
    struct kt_buf rewrite;
};

#define STORE_CACHE_INITIAL 64
#define STORE_CACHE_MAX 4096 /* distinct SQL texts; more means SQL is being built dynamically */
#define STORE_TX_ATTEMPTS 12
#define STORE_TX_BACKOFF_MIN_US 1000L
#define STORE_TX_BACKOFF_MAX_US 256000L

static _Thread_local struct {
    long nth;
    int code;
} open_fault;

/* ---- fault-injection wrapper: every fallible driver call passes here ---- */

static int fault_hit(struct store *st, const char *what, struct kt_err *err)
{
    if (st->fault_nth <= 0 || st->fault_fired)
        return 0;
    if (++st->fault_calls < st->fault_nth)
        return 0;
    st->fault_fired = 1;
    return kt_err_set(err, st->fault_code, "injected fault: driver call %ld (%s) failed with %s",
                      st->fault_calls, what, kt_err_name(st->fault_code));
}

void store_fault_inject(struct store *st, long nth, int code)
{
    st->fault_nth = nth;
    st->fault_calls = 0;
    st->fault_code = code;
    st->fault_fired = 0;
}

void store_fault_inject_open(long nth, int code)
{
    open_fault.nth = nth;
    open_fault.code = code;
}

int store_fault_fired(const struct store *st)
{
    return st->fault_fired;
}

static int bind_fault(struct store_stmt *s, const char *what)
{
    struct kt_err e;
    return fault_hit(s->st, what, &e);
}

/* ---- placeholder rewriting ---- */

static int is_ident_char(char c)
{
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int store_sql_to_postgres(const char *sql, struct kt_buf *out)
{
    kt_buf_reset(out);
    const char *p = sql;
    int rc = 0;
    while (*p && rc == 0) {
        char c = *p;
        if (c == '\'' || c == '"') {
            /* E'...' strings treat backslash as an escape */
            int backslash = c == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
                            (p - 1 == sql || !is_ident_char(p[-2]));
            const char *q = p + 1;
            for (;;) {
                if (*q == '\0')
                    break;
                if (backslash && *q == '\\' && q[1]) {
                    q += 2;
                    continue;
                }
                if (*q == c) {
                    if (q[1] == c) { /* doubled quote stays inside */
                        q += 2;
                        continue;
                    }
                    q++;
                    break;
                }
                q++;
            }
            rc = kt_buf_add(out, p, (size_t)(q - p));
            p = q;
        } else if (c == '-' && p[1] == '-') {
            size_t n = strcspn(p, "\n");
            rc = kt_buf_add(out, p, n);
            p += n;
        } else if (c == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            size_t n = end ? (size_t)(end + 2 - p) : strlen(p);
            rc = kt_buf_add(out, p, n);
            p += n;
        } else if (c == '?' && p[1] >= '0' && p[1] <= '9') {
            rc = kt_buf_addc(out, '$');
            p++;
        } else {
            rc = kt_buf_addc(out, c);
            p++;
        }
    }
    if (rc == 0 && !out->data)
        rc = kt_buf_add(out, "", 0);
    return rc;
}

/* ---- open / close ---- */

static const struct store_driver *driver_for(const char *url)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        return &store_sqlite_driver;
#ifdef KT_HAVE_POSTGRES
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return &store_postgres_driver;
#endif
    return NULL;
}

int store_open(const char *url, struct store **out, struct kt_err *err)
{
    long nth = open_fault.nth;
    int fcode = open_fault.code;
    open_fault.nth = 0;
    *out = NULL;
    if (!url || !*url)
        return kt_err_set(err, KT_EINVAL,
                          "no database URL given; use sqlite:PATH or postgresql://USER@HOST/DB");
    const struct store_driver *drv = driver_for(url);
    if (!drv) {
        if (strncmp(url, "postgres", 8) == 0 && strstr(url, "://"))
            return kt_err_set(err, KT_EINVAL,
                              "this kontor was built without PostgreSQL support; use sqlite:PATH");
        return kt_err_set(err, KT_EINVAL,
                          "unknown database URL; use sqlite:PATH (e.g. sqlite:var/kontor.db) or "
                          "postgresql://USER@HOST/DB (postgres:// works too)");
    }
    struct store *st = calloc(1, sizeof *st);
    if (!st)
        return kt_err_set(err, KT_ENOMEM, "out of memory opening the database");
    st->drv = drv;
    kt_buf_init(&st->rewrite, 0);
    st->rng = (unsigned)(uintptr_t)st ^ (unsigned)time(NULL);
    if (nth > 0)
        store_fault_inject(st, nth, fcode);
    int rc = fault_hit(st, "open", err);
    if (rc == 0)
        rc = drv->open(url, &st->conn, err);
    if (rc != 0) {
        kt_buf_release(&st->rewrite);
        free(st);
        return rc;
    }
    *out = st;
    return 0;
}

static void stmt_free(struct store_stmt *s)
{
    if (!s)
        return;
    if (s->drv)
        s->st->drv->finalize(s->drv);
    free(s->sql);
    free(s);
}

void store_close(struct store *st)
{
    if (!st)
        return;
    if (st->in_tx)
        st->drv->rollback(st->conn);
    for (size_t i = 0; i < st->nslots; i++)
        stmt_free(st->slots[i]);
    free(st->slots);
    st->drv->close(st->conn);
    kt_buf_release(&st->rewrite);
    free(st);
}

enum store_dialect store_dialect(const struct store *st)
{
    return st->drv->dialect;
}

const char *store_driver_name(const struct store *st)
{
    return st->drv->name;
}

static void note_failure(struct store *st, int rc)
{
    if (rc < 0 && st->in_tx && !st->tx_failed) {
        st->tx_failed = 1;
        st->tx_fail_code = rc;
    }
}

int store_exec(struct store *st, const char *sql, struct kt_err *err)
{
    int rc = fault_hit(st, "exec", err);
    if (rc == 0)
        rc = st->drv->exec(st->conn, sql, err);
    note_failure(st, rc);
    return rc;
}

/* ---- statement cache ---- */

static uint64_t hash_sql(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static int cache_grow(struct store *st)
{
    size_t n = st->nslots ? st->nslots * 2 : STORE_CACHE_INITIAL;
    struct store_stmt **slots = calloc(n, sizeof *slots);
    if (!slots)
        return KT_ENOMEM;
    for (size_t i = 0; i < st->nslots; i++) {
        struct store_stmt *s = st->slots[i];
        if (!s)
            continue;
        size_t j = (size_t)s->hash & (n - 1);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = s;
    }
    free(st->slots);
    st->slots = slots;
    st->nslots = n;
    return 0;
}

static struct store_stmt *cache_find(struct store *st, const char *sql, uint64_t h)
{
    if (!st->nslots)
        return NULL;
    size_t i = (size_t)h & (st->nslots - 1);
    for (struct store_stmt *s; (s = st->slots[i]) != NULL; i = (i + 1) & (st->nslots - 1))
        if (s->hash == h && strcmp(s->sql, sql) == 0)
            return s;
    return NULL;
}

static void cache_insert(struct store *st, struct store_stmt *s)
{
    size_t i = (size_t)s->hash & (st->nslots - 1);
    while (st->slots[i])
        i = (i + 1) & (st->nslots - 1);
    st->slots[i] = s;
    st->nused++;
    s->cached = 1;
}

int store_prepare(struct store *st, const char *sql, struct store_stmt **out, struct kt_err *err)
{
    *out = NULL;
    uint64_t h = hash_sql(sql);
    struct store_stmt *s = cache_find(st, sql, h);
    if (s && !s->busy) {
        s->busy = 1;
        *out = s;
        return 0;
    }
    int rc = 0;
    s = calloc(1, sizeof *s);
    if (!s || !(s->sql = strdup(sql))) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory preparing an SQL statement");
        goto out;
    }
    s->st = st;
    s->hash = h;
    const char *text = sql;
    if (st->drv->dialect == STORE_POSTGRES) {
        if (store_sql_to_postgres(sql, &st->rewrite) != 0) {
            rc = kt_err_set(err, KT_ENOMEM, "out of memory preparing an SQL statement");
            goto out;
        }
        text = kt_buf_str(&st->rewrite);
    }
    rc = fault_hit(st, "prepare", err);
    if (rc == 0)
        rc = st->drv->prepare(st->conn, text, &s->drv, err);
    if (rc != 0)
        goto out;
    /* a busy duplicate stays private; otherwise cache it if there is room */
    if (!cache_find(st, sql, h) && st->nused < STORE_CACHE_MAX) {
        if ((st->nused + 1) * 4 > st->nslots * 3 && cache_grow(st) != 0) {
            rc = kt_err_set(err, KT_ENOMEM, "out of memory preparing an SQL statement");
            goto out;
        }
        cache_insert(st, s);
    }
    s->busy = 1;
    *out = s;
    s = NULL;
out:
    note_failure(st, rc);
    stmt_free(s);
    return rc;
}

void store_stmt_done(struct store_stmt *s)
{
    if (!s)
        return;
    s->st->drv->reset(s->drv);
    s->busy = 0;
    if (!s->cached)
        stmt_free(s);
}

int store_bind_null(struct store_stmt *s, int idx)
{
    int rc = bind_fault(s, "bind");
    return rc ? rc : s->st->drv->bind_null(s->drv, idx);
}

int store_bind_int64(struct store_stmt *s, int idx, int64_t v)
{
    int rc = bind_fault(s, "bind");
    return rc ? rc : s->st->drv->bind_int64(s->drv, idx, v);
}

int store_bind_text(struct store_stmt *s, int idx, const char *text)
{
    if (!text)
        return store_bind_null(s, idx);
    return store_bind_textn(s, idx, text, strlen(text));
}

int store_bind_textn(struct store_stmt *s, int idx, const char *text, size_t n)
{
    int rc = bind_fault(s, "bind");
    return rc ? rc : s->st->drv->bind_text(s->drv, idx, text ? text : "", n);
}

int store_bind_blob(struct store_stmt *s, int idx, const void *p, size_t n)
{
    int rc = bind_fault(s, "bind");
    return rc ? rc : s->st->drv->bind_blob(s->drv, idx, p ? p : "", n);
}

int store_step(struct store_stmt *s, struct kt_err *err)
{
    int rc = fault_hit(s->st, "step", err);
    if (rc == 0)
        rc = s->st->drv->step(s->drv, err);
    note_failure(s->st, rc);
    return rc;
}

int store_col_count(struct store_stmt *s)
{
    return s->st->drv->column_count(s->drv);
}

int store_col_is_null(struct store_stmt *s, int col)
{
    return s->st->drv->column_is_null(s->drv, col);
}

int64_t store_col_int64(struct store_stmt *s, int col)
{
    return s->st->drv->column_int64(s->drv, col);
}

const char *store_col_text(struct store_stmt *s, int col)
{
    return s->st->drv->column_text(s->drv, col);
}

const void *store_col_blob(struct store_stmt *s, int col, size_t *n)
{
    return s->st->drv->column_blob(s->drv, col, n);
}

int64_t store_changes(struct store *st)
{
    return st->drv->changes(st->conn);
}

/* ---- transactions ---- */

static int begin(struct store *st, int write, struct kt_err *err)
{
    if (st->in_tx)
        return kt_err_set(err, KT_EINTERNAL,
                          "a transaction is already open on this connection (nested store_begin)");
    int rc = fault_hit(st, "begin", err);
    if (rc == 0)
        rc = st->drv->begin(st->conn, write, err);
    if (rc == 0) {
        st->in_tx = 1;
        st->tx_failed = 0;
        st->tx_fail_code = 0;
    }
    return rc;
}

int store_begin(struct store *st, struct kt_err *err)
{
    return begin(st, 1, err);
}

int store_begin_read(struct store *st, struct kt_err *err)
{
    return begin(st, 0, err);
}

int store_in_tx(const struct store *st)
{
    return st->in_tx;
}

void store_rollback(struct store *st)
{
    if (!st->in_tx)
        return;
    st->drv->rollback(st->conn);
    st->in_tx = 0;
    st->tx_failed = 0;
}

int store_commit(struct store *st, struct kt_err *err)
{
    if (!st->in_tx)
        return kt_err_set(err, KT_EINTERNAL, "commit without an open transaction");
    if (st->tx_failed) {
        int code = st->tx_fail_code;
        store_rollback(st);
        return kt_err_set(err, code == KT_ECONFLICT || code == KT_EBUSY ? code : KT_EINTERNAL,
                          "the transaction was rolled back because a statement in it failed "
                          "(%s)",
                          kt_err_name(code));
    }
    int rc = fault_hit(st, "commit", err);
    if (rc == 0)
        rc = st->drv->commit(st->conn, err);
    if (rc != 0) {
        st->drv->rollback(st->conn);
    }
    st->in_tx = 0;
    st->tx_failed = 0;
    return rc;
}

static void backoff(struct store *st, int attempt)
{
    long cap = STORE_TX_BACKOFF_MIN_US << (attempt < 8 ? attempt : 8);
    if (cap > STORE_TX_BACKOFF_MAX_US)
        cap = STORE_TX_BACKOFF_MAX_US;
    /* full jitter: uniform in [cap/2, cap) so that contenders spread out */
    st->rng = st->rng * 1103515245u + 12345u;
    long us = cap / 2 + (long)((st->rng >> 8) % (unsigned long)(cap / 2));
    struct timespec ts = {us / 1000000L, (us % 1000000L) * 1000L};
    nanosleep(&ts, NULL);
}

static int retryable(int rc)
{
    return rc == KT_ECONFLICT || rc == KT_EBUSY;
}

int store_tx(struct store *st, store_tx_fn fn, void *ctx, struct kt_err *err)
{
    int rc = 0;
    for (int attempt = 0; attempt < STORE_TX_ATTEMPTS; attempt++) {
        if (attempt > 0) {
            kt_log_debug("store.tx.retry", "attempt=%d code=%s", attempt + 1, kt_err_name(rc));
            backoff(st, attempt - 1);
        }
        rc = store_begin(st, err);
        if (rc == 0) {
            rc = fn(st, ctx, err);
            if (rc == 0)
                rc = store_commit(st, err);
            else
                store_rollback(st);
        }
        if (rc == 0 || !retryable(rc))
            return rc;
    }
    return kt_err_prefix(err, "gave up after %d attempts", STORE_TX_ATTEMPTS);
}

/* ---- instance settings ---- */

int store_setting_get(struct store *st, const char *key, char *out, size_t n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT value FROM kv_settings WHERE key = ?1", &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, key)) != 0) {
        rc = kt_err_set(err, rc, "cannot look up the setting %s", key);
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND, "the setting %s is not set", key);
    } else if (rc == STORE_ROW) {
        const char *v = store_col_text(s, 0);
        rc = kt_strlcpy(out, v ? v : "", n);
        if (rc != 0)
            rc = kt_err_set(err, KT_ELIMIT, "the setting %s is longer than %zu bytes", key, n - 1);
    }
out:
    store_stmt_done(s);
    return rc;
}

int store_setting_set(struct store *st, const char *key, const char *value, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "INSERT INTO kv_settings (key, value) VALUES (?1, ?2) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, key)) != 0 || (rc = store_bind_text(s, 2, value)) != 0) {
        rc = kt_err_set(err, rc, "cannot store the setting %s", key);
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        rc = kt_err_set(err, KT_EINTERNAL, "storing the setting %s returned a row", key);
out:
    store_stmt_done(s);
    return rc;
}
