#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "access/internal.h"
#include "base/log.h"
#include "base/banned.h"

/* Login, database sessions, CSRF tokens and logout. */

static int bind_fail(struct kt_err *err, const char *what)
{
    return kt_err_set(err, KT_EINTERNAL, "cannot bind the %s", what);
}

/* The user row and password hash for a normalised login; *found = 0 when
 * there is none. */
static int load_login(struct store *st, const char *login, struct access_user *u, char *hash,
                      size_t n, int *found, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    *found = 0;
    int rc = store_prepare(st,
                           "SELECT " ACC_USER_COLS ", u.password_hash FROM users u "
                           "WHERE u.login = ?1",
                           &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_text(s, 1, login) != 0) {
        rc = bind_fail(err, "login");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        acc_read_user(s, 0, u);
        const char *h = store_col_text(s, ACC_USER_NCOLS);
        kt_strlcpy(hash, h ? h : "", n);
        *found = 1;
    }
    rc = rc < 0 ? rc : 0;
out:
    store_stmt_done(s);
    return rc;
}

struct login_ctx {
    const struct access_user *u;
    const char *account_key;
    const char *old_hash;
    const char *new_hash; /* NULL: keep the stored hash */
    const char *prev_token;
    const char *ip;
    const char *ua;
    char token_hash[ACCESS_HASH_HEX + 1];
    struct access_session *out;
};

static int login_tx(struct store *st, void *p, struct kt_err *err)
{
    struct login_ctx *c = p;
    struct access_session *o = c->out;
    struct store_stmt *s = NULL;
    int rc = acc_throttle_reset(st, c->account_key, err);
    if (rc != 0)
        return rc;
    if (c->new_hash) {
        /* Only if nobody changed the password since it was verified. */
        rc = store_prepare(st,
                           "UPDATE users SET password_hash = ?2 WHERE id = ?1 AND "
                           "password_hash = ?3",
                           &s, err);
        if (rc != 0)
            return rc;
        if (store_bind_int64(s, 1, c->u->id) != 0 || store_bind_text(s, 2, c->new_hash) != 0 ||
            store_bind_text(s, 3, c->old_hash) != 0) {
            rc = bind_fail(err, "rehash");
            goto out;
        }
        if ((rc = store_step(s, err)) < 0)
            goto out;
        store_stmt_done(s);
        s = NULL;
    }
    if (c->prev_token && *c->prev_token) {
        char prev_hash[ACCESS_HASH_HEX + 1];
        acc_sha256_hex(c->prev_token, prev_hash);
        if ((rc = store_prepare(st, "DELETE FROM sessions WHERE token_hash = ?1", &s, err)) != 0)
            goto out;
        if (store_bind_text(s, 1, prev_hash) != 0) {
            rc = bind_fail(err, "session removal");
            goto out;
        }
        if ((rc = store_step(s, err)) < 0)
            goto out;
        store_stmt_done(s);
        s = NULL;
    }
    rc = store_prepare(st,
                       "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, "
                       "idle_expires_at, absolute_expires_at, csrf_token, ip, user_agent) "
                       "VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8)",
                       &s, err);
    if (rc != 0)
        goto out;
    if (store_bind_text(s, 1, c->token_hash) != 0 || store_bind_int64(s, 2, c->u->id) != 0 ||
        store_bind_int64(s, 3, o->created_at) != 0 ||
        store_bind_int64(s, 4, o->idle_expires_at) != 0 ||
        store_bind_int64(s, 5, o->absolute_expires_at) != 0 ||
        store_bind_text(s, 6, o->csrf) != 0 || store_bind_text(s, 7, c->ip) != 0 ||
        store_bind_text(s, 8, c->ua) != 0) {
        rc = bind_fail(err, "session insert");
        goto out;
    }
    rc = store_step(s, err);
    rc = rc < 0 ? rc : 0;
out:
    if (s)
        store_stmt_done(s);
    return rc;
}

static int throttled(struct access_session *out, int64_t wait_ms, struct kt_err *err)
{
    out->retry_after_ms = wait_ms;
    long long secs = (wait_ms + 999) / 1000;
    return kt_err_set(err, KT_EBUSY, "too many failed logins; try again in %lld second%s", secs,
                      secs == 1 ? "" : "s");
}

int access_login(struct store *st, const char *login, const char *password, const char *ip,
                 const char *ua, const char *prev_token, struct access_session *out,
                 struct kt_err *err)
{
    const struct access_options *o = acc_opts();
    char norm[ACCESS_LOGIN_MAX + 1];
    char kacc[ACC_THROTTLE_KEY_MAX], kaddr[ACC_THROTTLE_KEY_MAX];
    char hash[ACCESS_HASH_MAX] = "", new_hash[ACCESS_HASH_MAX];
    char ua_cut[ACCESS_UA_MAX + 1], ip_cut[ACCESS_IP_MAX + 1];
    struct access_user u;
    int found = 0, rc;
    int64_t now = acc_now();

    memset(out, 0, sizeof *out);
    memset(&u, 0, sizeof u);
    if (!login)
        login = "";
    if (!password)
        password = "";
    int valid_login = access_login_normalize(login, norm, sizeof norm, NULL) == 0;
    /* A malformed login is throttled under its own text like any other. */
    acc_throttle_key_login(valid_login ? norm : login, kacc, sizeof kacc);
    kt_strlcpy(ip_cut, ip ? ip : "", sizeof ip_cut);
    kt_strlcpy(ua_cut, ua ? ua : "", sizeof ua_cut);
    acc_throttle_key_addr(ip_cut, kaddr, sizeof kaddr);

    int64_t wait_acc = 0, wait_addr = 0;
    if ((rc = acc_throttle_wait(st, kacc, now, &wait_acc, err)) != 0)
        return rc;
    if (ip_cut[0] && (rc = acc_throttle_wait(st, kaddr, now, &wait_addr, err)) != 0)
        return rc;
    if (wait_acc > 0 || wait_addr > 0)
        return throttled(out, wait_acc > wait_addr ? wait_acc : wait_addr, err);

    if (valid_login && (rc = load_login(st, norm, &u, hash, sizeof hash, &found, err)) != 0)
        return rc;
    int ok;
    if (found) {
        ok = access_password_verify(hash, password);
    } else {
        if ((rc = acc_dummy_verify(password, err)) != 0)
            return rc;
        ok = 0;
    }
    if (!ok) {
        if ((rc = acc_throttle_fail(st, kacc, o->login_free_failures, now, err)) != 0)
            return rc;
        if (ip_cut[0] &&
            (rc = acc_throttle_fail(st, kaddr, o->address_free_failures, now, err)) != 0)
            return rc;
        kt_log_info("access.login_failed", "login=%.64s ip=%s", valid_login ? norm : "-",
                    ip_cut[0] ? ip_cut : "-");
        return kt_err_set(err, KT_EPERM, "wrong login or password");
    }
    if (!u.active)
        return kt_err_set(err, KT_EPERM, "the account %s is disabled; ask an administrator",
                          u.login);

    struct login_ctx c = {.u = &u,
                          .account_key = kacc,
                          .old_hash = hash,
                          .prev_token = prev_token,
                          .ip = ip_cut,
                          .ua = ua_cut,
                          .out = out};
    if (access_password_needs_rehash(hash)) {
        struct kt_err e2;
        if (access_password_hash(password, new_hash, sizeof new_hash, &e2) == 0)
            c.new_hash = new_hash;
        else
            kt_log_warn("access.rehash_failed", "user=%s reason=\"%s\"", u.login, e2.msg);
    }
    if ((rc = acc_random_token(out->token, err)) != 0 ||
        (rc = acc_random_token(out->csrf, err)) != 0)
        return rc;
    acc_sha256_hex(out->token, c.token_hash);
    out->user_id = u.id;
    out->created_at = now;
    out->absolute_expires_at = now + o->session_absolute_ms;
    out->idle_expires_at = now + o->session_idle_ms;
    if (out->idle_expires_at > out->absolute_expires_at)
        out->idle_expires_at = out->absolute_expires_at;
    rc = store_tx(st, login_tx, &c, err);
    if (rc != 0) {
        sodium_memzero(out->token, sizeof out->token);
        sodium_memzero(out->csrf, sizeof out->csrf);
        return rc;
    }
    kt_log_info("access.login", "user=%s ip=%s rehashed=%d", u.login, ip_cut[0] ? ip_cut : "-",
                c.new_hash != NULL);
    return 0;
}

/* Deletes one session by the hash of its token (autocommit). */
static int delete_session(struct store *st, const char *token_hash, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "DELETE FROM sessions WHERE token_hash = ?1", &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_text(s, 1, token_hash) != 0) {
        rc = bind_fail(err, "session removal");
        goto out;
    }
    rc = store_step(s, err);
    rc = rc < 0 ? rc : 0;
out:
    store_stmt_done(s);
    return rc;
}

int access_session_check(struct store *st, const char *token, int64_t now,
                         struct access_principal *out, struct kt_err *err)
{
    const struct access_options *o = acc_opts();
    struct store_stmt *s = NULL;
    int64_t last_seen = 0;
    int found = 0, ended = 0;
    memset(out, 0, sizeof *out);
    if (!token || strlen(token) != ACCESS_TOKEN_LEN)
        return kt_err_set(err, KT_EPERM, "you are not logged in; log in first");
    acc_sha256_hex(token, out->session_hash);
    int rc =
        store_prepare(st,
                      "SELECT s.last_seen_at, s.idle_expires_at, s.absolute_expires_at, "
                      "s.csrf_token, " ACC_USER_COLS ", rp.permission FROM sessions s "
                      "JOIN users u ON u.id = s.user_id" ACC_PERMS_JOIN " WHERE s.token_hash = ?1",
                      &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_text(s, 1, out->session_hash) != 0) {
        rc = bind_fail(err, "session query");
        goto out;
    }
    /* a row per permission, the session and the user on each */
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (!found) {
            last_seen = store_col_int64(s, 0);
            out->idle_expires_at = store_col_int64(s, 1);
            out->absolute_expires_at = store_col_int64(s, 2);
            kt_strlcpy(out->csrf, store_col_text(s, 3) ? store_col_text(s, 3) : "",
                       sizeof out->csrf);
            acc_read_user(s, 4, &out->user);
            found = 1;
        }
        acc_perms_add_row(&out->user, store_col_text(s, 4 + ACC_USER_NCOLS), &out->perms);
    }
    store_stmt_done(s);
    s = NULL;
    if (rc < 0)
        goto out;
    if (!found) {
        rc = kt_err_set(err, KT_EPERM, "your session has ended; log in again");
        goto out;
    }
    out->checked_at = now;
    if (now >= out->idle_expires_at || now >= out->absolute_expires_at || !out->user.active) {
        ended = 1;
        rc = kt_err_set(err, KT_EPERM,
                        out->user.active ? "your session has expired; log in again"
                                         : "your account is disabled; ask an administrator");
        goto out;
    }
    if (now - last_seen >= o->session_touch_ms) {
        int64_t idle = now + o->session_idle_ms;
        out->idle_expires_at = idle < out->absolute_expires_at ? idle : out->absolute_expires_at;
        out->touch = ACCESS_TOUCH_SEEN;
    }
    rc = 0;
out:
    if (s)
        store_stmt_done(s);
    if (rc != 0) {
        /* an ended session is still named, for access_touch to remove it */
        struct access_principal empty;
        memset(&empty, 0, sizeof empty);
        if (ended) {
            memcpy(empty.session_hash, out->session_hash, sizeof empty.session_hash);
            empty.touch = ACCESS_TOUCH_END;
            empty.checked_at = now;
        }
        *out = empty;
    }
    return rc;
}

int access_touch(struct store *st, struct access_principal *p, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = 0;
    if (p->touch == ACCESS_TOUCH_NONE)
        return 0;
    if (p->touch == ACCESS_TOUCH_END) {
        rc = delete_session(st, p->session_hash, err);
    } else if (p->token_id) {
        rc = store_prepare(st, "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1", &s, err);
        if (rc != 0)
            return rc;
        if (store_bind_int64(s, 1, p->token_id) != 0 || store_bind_int64(s, 2, p->checked_at) != 0)
            rc = bind_fail(err, "token update");
    } else {
        rc = store_prepare(st,
                           "UPDATE sessions SET last_seen_at = ?2, idle_expires_at = ?3 "
                           "WHERE token_hash = ?1",
                           &s, err);
        if (rc != 0)
            return rc;
        if (store_bind_text(s, 1, p->session_hash) != 0 ||
            store_bind_int64(s, 2, p->checked_at) != 0 ||
            store_bind_int64(s, 3, p->idle_expires_at) != 0)
            rc = bind_fail(err, "session update");
    }
    if (s) {
        if (rc == 0 && (rc = store_step(s, err)) > 0)
            rc = 0;
        store_stmt_done(s);
    }
    if (rc == 0)
        p->touch = ACCESS_TOUCH_NONE;
    return rc;
}

int access_logout(struct store *st, const char *token, struct kt_err *err)
{
    if (!token || !*token)
        return 0;
    char h[ACCESS_HASH_HEX + 1];
    acc_sha256_hex(token, h);
    return delete_session(st, h, err);
}

int access_logout_all(struct store *st, int64_t user_id, int64_t *ended, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "DELETE FROM sessions WHERE user_id = ?1", &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_int64(s, 1, user_id) != 0) {
        rc = bind_fail(err, "user id");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (ended)
        *ended = store_changes(st);
    rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

int access_csrf_ok(const struct access_principal *p, const char *token)
{
    if (!p || !token || strlen(token) != ACCESS_TOKEN_LEN || strlen(p->csrf) != ACCESS_TOKEN_LEN)
        return 0;
    return sodium_memcmp(p->csrf, token, ACCESS_TOKEN_LEN) == 0;
}

struct prune_ctx {
    int64_t now;
    int64_t removed;
};

static int prune_tx(struct store *st, void *p, struct kt_err *err)
{
    struct prune_ctx *c = p;
    static const char *const sql[] = {
        "DELETE FROM sessions WHERE idle_expires_at <= ?1 OR absolute_expires_at <= ?1",
        "DELETE FROM login_throttle WHERE updated_at < ?2 AND locked_until <= ?1",
    };
    c->removed = 0;
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        struct store_stmt *s = NULL;
        int rc = store_prepare(st, sql[i], &s, err);
        if (rc != 0)
            return rc;
        if (store_bind_int64(s, 1, c->now) != 0 ||
            (i == 1 && store_bind_int64(s, 2, c->now - acc_opts()->throttle_forget_ms) != 0))
            rc = bind_fail(err, "prune");
        else if ((rc = store_step(s, err)) >= 0) {
            c->removed += store_changes(st);
            rc = 0;
        }
        store_stmt_done(s);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int access_prune(struct store *st, int64_t now, int64_t *removed, struct kt_err *err)
{
    struct prune_ctx c = {.now = now};
    int rc = store_tx(st, prune_tx, &c, err);
    if (rc == 0 && removed)
        *removed = c.removed;
    return rc;
}
