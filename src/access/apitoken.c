#include <stdio.h>
#include <string.h>

#include "access/internal.h"
#include "base/banned.h"

/* API tokens: "kt_" + 256 random bits; only the SHA-256 is stored. */

#define TOKEN_PREFIX "kt_"

static int bind_fail(struct kt_err *err, const char *what)
{
    return kt_err_set(err, KT_EINTERNAL, "cannot bind the %s", what);
}

/* Parses permission codes separated by spaces or commas into set. */
static int parse_scopes(const char *scopes, struct access_perms *set, struct kt_err *err)
{
    access_perms_clear(set);
    const char *p = scopes ? scopes : "";
    while (*p) {
        size_t skip = strspn(p, " ,\t");
        p += skip;
        size_t len = strcspn(p, " ,\t");
        if (len == 0)
            break;
        char code[64];
        if (len >= sizeof code)
            return kt_err_set(err, KT_EINVAL, "'%.*s' is not a permission", (int)len, p);
        memcpy(code, p, len);
        code[len] = '\0';
        int rc = access_perms_add(set, code, err);
        if (rc != 0)
            return rc;
        p += len;
    }
    if (access_perms_count(set) == 0)
        return kt_err_set(err, KT_EINVAL, "an API token needs at least one scope (a permission)");
    return 0;
}

struct create_ctx {
    const struct access_user *u;
    struct access_api_token *t;
    const char *hash;
};

static int create_tx(struct store *st, void *p, struct kt_err *err)
{
    struct create_ctx *c = p;
    struct access_api_token *t = c->t;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, "
                           "expires_at, last_used_at, revoked) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, 0) RETURNING id",
                           &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_int64(s, 1, t->user_id) != 0 || store_bind_text(s, 2, t->name) != 0 ||
        store_bind_text(s, 3, c->hash) != 0 || store_bind_text(s, 4, t->scopes) != 0 ||
        store_bind_int64(s, 5, t->created_at) != 0 ||
        (t->expires_at ? store_bind_int64(s, 6, t->expires_at) : store_bind_null(s, 6)) != 0) {
        rc = bind_fail(err, "token insert");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    t->id = store_col_int64(s, 0);
    store_stmt_done(s);
    s = NULL;
    rc = acc_emit_user(st, c->u->id, c->u->login, "token.created", err);
out:
    if (s)
        store_stmt_done(s);
    return rc;
}

int access_token_create(struct store *st, int64_t user_id, const char *name, const char *scopes,
                        int64_t expires_at, char *token, size_t n, struct access_api_token *t,
                        struct kt_err *err)
{
    struct access_api_token rec;
    struct access_user u;
    struct access_perms want, have;
    char raw[ACCESS_TOKEN_LEN + 1], hash[ACCESS_HASH_HEX + 1];
    int64_t now = acc_now();
    int rc;

    memset(&rec, 0, sizeof rec);
    if (n < ACCESS_API_TOKEN_LEN + 1)
        return kt_err_set(err, KT_EINTERNAL, "API token buffer too small");
    token[0] = '\0';
    if (!name || !*name || strlen(name) > ACCESS_NAME_MAX)
        return kt_err_set(err, KT_EINVAL, "an API token needs a name of 1 to %d characters",
                          ACCESS_NAME_MAX);
    if (expires_at != 0 && expires_at <= now)
        return kt_err_set(err, KT_EINVAL, "an API token cannot expire in the past");
    if ((rc = parse_scopes(scopes, &want, err)) != 0)
        return rc;
    if ((rc = access_user_get(st, user_id, &u, err)) != 0)
        return rc;
    if ((rc = acc_user_perms(st, &u, &have, err)) != 0)
        return rc;
    if (!access_can(&have, "api"))
        return kt_err_set(err, KT_EPERM,
                          "user %s may not use the API; give them a role with the permission api",
                          u.login);
    size_t np;
    const struct access_permission *perm = access_permissions(&np);
    for (size_t i = 0; i < np; i++)
        if (access_perms_has(&want, perm[i].code) && !access_can(&have, perm[i].code))
            return kt_err_set(err, KT_EPERM,
                              "user %s does not have the permission %s, so a token of theirs "
                              "cannot have it either",
                              u.login, perm[i].code);

    rec.user_id = u.id;
    kt_strlcpy(rec.name, name, sizeof rec.name);
    if (access_perms_format(&want, " ", rec.scopes, sizeof rec.scopes) != 0)
        return kt_err_set(err, KT_ELIMIT, "too many scopes for one token");
    rec.created_at = now;
    rec.expires_at = expires_at;
    if ((rc = acc_random_token(raw, err)) != 0)
        return rc;
    snprintf(token, n, TOKEN_PREFIX "%s", raw);
    acc_sha256_hex(token, hash);
    struct create_ctx c = {.u = &u, .t = &rec, .hash = hash};
    if ((rc = store_tx(st, create_tx, &c, err)) != 0) {
        memset(token, 0, n);
        return rc;
    }
    if (t)
        *t = rec;
    return 0;
}

int access_token_check(struct store *st, const char *token, int64_t now,
                       struct access_principal *out, struct kt_err *err)
{
    const struct access_options *o = acc_opts();
    struct store_stmt *s = NULL;
    struct access_perms scopes, have, may;
    char hash[ACCESS_HASH_HEX + 1];
    int64_t expires_at = 0, last_used = 0;
    int revoked = 0, found = 0, scope_rc = 0;
    memset(out, 0, sizeof *out);
    access_perms_clear(&have);
    if (!token || strlen(token) != ACCESS_API_TOKEN_LEN ||
        strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0)
        return kt_err_set(err, KT_EPERM, "this is not a kontor API token (kt_...)");
    acc_sha256_hex(token, hash);
    int rc = store_prepare(
        st,
        "SELECT t.id, t.scopes, t.expires_at, t.last_used_at, t.revoked, " ACC_USER_COLS
        ", rp.permission FROM api_tokens t "
        "JOIN users u ON u.id = t.user_id" ACC_PERMS_JOIN " WHERE t.token_hash = ?1",
        &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_text(s, 1, hash) != 0) {
        rc = bind_fail(err, "token query");
        goto out;
    }
    /* a row per permission of the user, the token and the user on each */
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (!found) {
            out->token_id = store_col_int64(s, 0);
            scope_rc = parse_scopes(store_col_text(s, 1), &scopes, err);
            expires_at = store_col_is_null(s, 2) ? 0 : store_col_int64(s, 2);
            last_used = store_col_is_null(s, 3) ? 0 : store_col_int64(s, 3);
            revoked = (int)store_col_int64(s, 4);
            acc_read_user(s, 5, &out->user);
            found = 1;
        }
        acc_perms_add_row(&out->user, store_col_text(s, 5 + ACC_USER_NCOLS), &have);
    }
    store_stmt_done(s);
    s = NULL;
    if (rc < 0)
        goto out;
    if (!found) {
        rc = kt_err_set(err, KT_EPERM, "unknown API token");
        goto out;
    }
    if ((rc = scope_rc) != 0)
        goto out;
    if (revoked) {
        rc = kt_err_set(err, KT_EPERM, "this API token was revoked");
        goto out;
    }
    if (expires_at != 0 && now >= expires_at) {
        rc = kt_err_set(err, KT_EPERM, "this API token has expired");
        goto out;
    }
    if (!out->user.active) {
        rc = kt_err_set(err, KT_EPERM, "the account %s is disabled", out->user.login);
        goto out;
    }
    acc_perms_implied(&have, &may);
    if (!access_perms_has(&may, "api")) {
        rc = kt_err_set(err, KT_EPERM, "user %s may no longer use the API", out->user.login);
        goto out;
    }
    /* the scopes the user may still use */
    for (size_t i = 0; i < sizeof may.bits / sizeof may.bits[0]; i++)
        out->perms.bits[i] = scopes.bits[i] & may.bits[i];
    out->checked_at = now;
    if (now - last_used >= o->token_touch_ms)
        out->touch = ACCESS_TOUCH_SEEN;
    rc = 0;
out:
    if (s)
        store_stmt_done(s);
    if (rc != 0) {
        struct access_principal empty;
        memset(&empty, 0, sizeof empty);
        *out = empty;
    }
    return rc;
}

static int revoke_tx(struct store *st, void *p, struct kt_err *err)
{
    int64_t id = *(int64_t *)p;
    struct store_stmt *s = NULL;
    char login[ACCESS_LOGIN_MAX + 1];
    int rc = store_prepare(st,
                           "SELECT t.user_id, u.login, t.revoked FROM api_tokens t "
                           "JOIN users u ON u.id = t.user_id WHERE t.id = ?1",
                           &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_int64(s, 1, id) != 0) {
        rc = bind_fail(err, "token id");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND, "there is no API token with id %lld", (long long)id);
        goto out;
    }
    int64_t user_id = store_col_int64(s, 0);
    kt_strlcpy(login, store_col_text(s, 1) ? store_col_text(s, 1) : "", sizeof login);
    int revoked = (int)store_col_int64(s, 2);
    store_stmt_done(s);
    s = NULL;
    if (revoked) {
        rc = 0;
        goto out;
    }
    rc = store_prepare(st, "UPDATE api_tokens SET revoked = 1 WHERE id = ?1", &s, err);
    if (rc != 0)
        goto out;
    if (store_bind_int64(s, 1, id) != 0) {
        rc = bind_fail(err, "token id");
        goto out;
    }
    if ((rc = store_step(s, err)) < 0)
        goto out;
    store_stmt_done(s);
    s = NULL;
    rc = acc_emit_user(st, user_id, login, "token.revoked", err);
out:
    if (s)
        store_stmt_done(s);
    return rc;
}

int access_token_revoke(struct store *st, int64_t token_id, struct kt_err *err)
{
    return store_tx(st, revoke_tx, &token_id, err);
}

int access_token_list(struct store *st, int64_t user_id, struct kt_arena *arena,
                      struct access_api_token **out, size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    size_t cap = 8, cnt = 0;
    struct access_api_token *v = kt_arena_alloc(arena, cap * sizeof *v);
    *out = NULL;
    *n = 0;
    if (!v)
        return kt_err_set(err, KT_ENOMEM, "out of memory listing API tokens");
#define TOKEN_LIST_SQL(where)                                                                      \
    "SELECT id, user_id, name, scopes, created_at, expires_at, last_used_at, revoked "             \
    "FROM api_tokens " where " ORDER BY created_at DESC, id DESC"
    int rc = store_prepare(st, user_id ? TOKEN_LIST_SQL("WHERE user_id = ?1") : TOKEN_LIST_SQL(""),
                           &s, err);
    if (rc != 0)
        return rc;
    if (user_id && store_bind_int64(s, 1, user_id) != 0) {
        rc = bind_fail(err, "user id");
        goto out;
    }
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (cnt == cap) {
            struct access_api_token *w = kt_arena_alloc(arena, 2 * cap * sizeof *w);
            if (!w) {
                rc = kt_err_set(err, KT_ENOMEM, "out of memory listing API tokens");
                goto out;
            }
            memcpy(w, v, cnt * sizeof *v);
            v = w;
            cap *= 2;
        }
        struct access_api_token *t = &v[cnt++];
        memset(t, 0, sizeof *t);
        t->id = store_col_int64(s, 0);
        t->user_id = store_col_int64(s, 1);
        kt_strlcpy(t->name, store_col_text(s, 2) ? store_col_text(s, 2) : "", sizeof t->name);
        kt_strlcpy(t->scopes, store_col_text(s, 3) ? store_col_text(s, 3) : "", sizeof t->scopes);
        t->created_at = store_col_int64(s, 4);
        t->expires_at = store_col_is_null(s, 5) ? 0 : store_col_int64(s, 5);
        t->last_used_at = store_col_is_null(s, 6) ? 0 : store_col_int64(s, 6);
        t->revoked = (int)store_col_int64(s, 7);
    }
    if (rc < 0)
        goto out;
    rc = 0;
    *out = v;
    *n = cnt;
out:
    store_stmt_done(s);
    return rc;
}
