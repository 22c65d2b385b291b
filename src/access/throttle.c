#include <stdio.h>
#include <string.h>

#include "access/internal.h"
#include "base/banned.h"

/*
 * Login throttling: one row per key in login_throttle, "login:<login>" for
 * an account (known or not: an unknown login is throttled like a known one,
 * so the back-off does not tell which logins exist) and "addr:<ip>" for an
 * address. The first `free` failures cost nothing; from then on each
 * failure locks the key for base * 2^(failures - free), up to cap. An
 * attempt while a key is locked is refused without looking at the
 * password. Failures older than the forget interval start over.
 */

void acc_throttle_key_login(const char *normalized_login, char *dst, size_t n)
{
    snprintf(dst, n, "login:%s", normalized_login);
}

void acc_throttle_key_addr(const char *ip, char *dst, size_t n)
{
    snprintf(dst, n, "addr:%s", ip);
}

int64_t acc_throttle_delay(int failures, int free_failures)
{
    const struct access_options *o = acc_opts();
    if (failures < free_failures)
        return 0;
    int64_t d = o->throttle_base_ms;
    for (int i = free_failures; i < failures && d < o->throttle_cap_ms; i++)
        d *= 2;
    return d < o->throttle_cap_ms ? d : o->throttle_cap_ms;
}

int acc_throttle_wait(struct store *st, const char *key, int64_t now, int64_t *wait_ms,
                      struct kt_err *err)
{
    struct store_stmt *s = NULL;
    *wait_ms = 0;
    int rc = store_prepare(st, "SELECT locked_until FROM login_throttle WHERE key = ?1", &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, key)) != 0) {
        rc = kt_err_set(err, rc, "cannot bind the throttle key");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        int64_t until = store_col_int64(s, 0);
        *wait_ms = until > now ? until - now : 0;
    }
    rc = rc < 0 ? rc : 0;
out:
    store_stmt_done(s);
    return rc;
}

struct fail_ctx {
    const char *key;
    int free_failures;
    int64_t now;
};

static int fail_tx(struct store *st, void *p, struct kt_err *err)
{
    struct fail_ctx *c = p;
    const struct access_options *o = acc_opts();
    struct store_stmt *s = NULL;
    int failures = 0;
    int rc = store_prepare(st,
                           "INSERT INTO login_throttle (key, failures, locked_until, updated_at) "
                           "VALUES (?1, 1, 0, ?2) "
                           "ON CONFLICT (key) DO UPDATE SET failures = CASE "
                           "WHEN login_throttle.updated_at < ?3 THEN 1 "
                           "ELSE login_throttle.failures + 1 END, updated_at = ?2 "
                           "RETURNING failures",
                           &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_text(s, 1, c->key) != 0 || store_bind_int64(s, 2, c->now) != 0 ||
        store_bind_int64(s, 3, c->now - o->throttle_forget_ms) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the throttle update");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc != STORE_ROW) {
        rc = kt_err_set(err, KT_EINTERNAL, "the throttle update returned no row");
        goto out;
    }
    failures = (int)store_col_int64(s, 0);
    store_stmt_done(s);
    s = NULL;

    int64_t delay = acc_throttle_delay(failures, c->free_failures);
    if (delay == 0) {
        rc = 0;
        goto out;
    }
    rc = store_prepare(st, "UPDATE login_throttle SET locked_until = ?2 WHERE key = ?1", &s, err);
    if (rc != 0)
        goto out;
    if (store_bind_text(s, 1, c->key) != 0 || store_bind_int64(s, 2, c->now + delay) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the throttle lock");
        goto out;
    }
    rc = store_step(s, err);
    rc = rc < 0 ? rc : 0;
out:
    if (s)
        store_stmt_done(s);
    return rc;
}

int acc_throttle_fail(struct store *st, const char *key, int free_failures, int64_t now,
                      struct kt_err *err)
{
    struct fail_ctx c = {.key = key, .free_failures = free_failures, .now = now};
    return store_tx(st, fail_tx, &c, err);
}

int acc_throttle_reset(struct store *st, const char *key, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "DELETE FROM login_throttle WHERE key = ?1", &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_text(s, 1, key) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the throttle key");
        goto out;
    }
    rc = store_step(s, err);
    rc = rc < 0 ? rc : 0;
out:
    store_stmt_done(s);
    return rc;
}
