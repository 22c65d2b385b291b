#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "access/internal.h"
#include "base/log.h"
#include "base/banned.h"

/* Users, roles and the permissions users hold through their roles. */

const char *access_user_kind_name(enum access_user_kind k)
{
    return k == ACCESS_CUSTOMER ? "customer" : "staff";
}

int access_user_kind_parse(const char *s, enum access_user_kind *out, struct kt_err *err)
{
    if (s && strcmp(s, "staff") == 0)
        *out = ACCESS_STAFF;
    else if (s && strcmp(s, "customer") == 0)
        *out = ACCESS_CUSTOMER;
    else
        return kt_err_set(err, KT_EINVAL, "'%s' is not a kind of user; use staff or customer",
                          s ? s : "");
    return 0;
}

int access_login_normalize(const char *login, char *dst, size_t n, struct kt_err *err)
{
    size_t len = login ? strlen(login) : 0;
    if (len < 2 || len > ACCESS_LOGIN_MAX)
        return kt_err_set(err, KT_EINVAL, "a login has 2 to %d characters", ACCESS_LOGIN_MAX);
    if (len >= n)
        return kt_err_set(err, KT_ELIMIT, "the login does not fit");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)login[i];
        if (!(isalnum(c) && c < 0x80) && !strchr("._-@+", c))
            return kt_err_set(err, KT_EINVAL,
                              "login '%s': only letters a-z, digits and . _ - @ + are allowed",
                              login);
        dst[i] = (char)tolower(c);
    }
    dst[len] = '\0';
    return 0;
}

/* Role codes: a-z, digits, _ . - */
static int check_code(const char *code, struct kt_err *err)
{
    size_t len = code ? strlen(code) : 0;
    if (len == 0 || len > ACCESS_CODE_MAX)
        return kt_err_set(err, KT_EINVAL, "a role code has 1 to %d characters", ACCESS_CODE_MAX);
    for (size_t i = 0; i < len; i++)
        if (!((code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') ||
              strchr("_.-", code[i])))
            return kt_err_set(err, KT_EINVAL,
                              "role code '%s': only a-z, digits and _ . - are allowed", code);
    return 0;
}

static int copy_field(char *dst, size_t n, const char *src)
{
    return kt_strlcpy(dst, src ? src : "", n);
}

void acc_read_user(struct store_stmt *s, int c, struct access_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = store_col_int64(s, c);
    const char *kind = store_col_text(s, c + 1);
    u->kind = kind && strcmp(kind, "customer") == 0 ? ACCESS_CUSTOMER : ACCESS_STAFF;
    u->customer_id = store_col_is_null(s, c + 2) ? 0 : store_col_int64(s, c + 2);
    copy_field(u->login, sizeof u->login, store_col_text(s, c + 3));
    copy_field(u->name, sizeof u->name, store_col_text(s, c + 4));
    copy_field(u->email, sizeof u->email, store_col_text(s, c + 5));
    copy_field(u->lang, sizeof u->lang, store_col_text(s, c + 6));
    u->active = (int)store_col_int64(s, c + 7);
    u->created_at = store_col_int64(s, c + 8);
    u->password_changed_at = store_col_int64(s, c + 9);
    u->version = store_col_int64(s, c + 10);
}

void acc_perms_add_row(const struct access_user *u, const char *code, struct access_perms *out)
{
    if (!code || !u->active)
        return;
    const struct access_permission *p = access_permission_find(code);
    if (!p) {
        /* A permission dropped from the table: granting nothing is safe. */
        kt_log_warn("access.unknown_permission", "permission=%s", code);
        return;
    }
    if (u->kind == ACCESS_CUSTOMER && p->area == ACCESS_AREA_STAFF)
        return;
    if (u->kind == ACCESS_STAFF && p->area == ACCESS_AREA_CUSTOMER)
        return;
    access_perms_add(out, code, NULL);
}

int acc_user_perms(struct store *st, const struct access_user *u, struct access_perms *out,
                   struct kt_err *err)
{
    access_perms_clear(out);
    if (!u->active)
        return 0;
    struct store_stmt *s = NULL;
    /* Only roles of the user's own kind count, whatever the table holds. */
    int rc = store_prepare(st,
                           "SELECT DISTINCT rp.permission FROM user_roles ur "
                           "JOIN roles r ON r.id = ur.role_id "
                           "JOIN role_permissions rp ON rp.role_id = ur.role_id "
                           "WHERE ur.user_id = ?1 AND r.kind = ?2",
                           &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_int64(s, 1, u->id) != 0 ||
        store_bind_text(s, 2, access_user_kind_name(u->kind)) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the permission query");
        goto out;
    }
    while ((rc = store_step(s, err)) == STORE_ROW)
        acc_perms_add_row(u, store_col_text(s, 0), out);
    rc = rc < 0 ? rc : 0;
out:
    store_stmt_done(s);
    return rc;
}

static int get_user_where(struct store *st, const char *sql, int64_t id, const char *login,
                          struct access_user *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s, err);
    if (rc != 0)
        return rc;
    rc = login ? store_bind_text(s, 1, login) : store_bind_int64(s, 1, id);
    if (rc != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the user query");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        acc_read_user(s, 0, out);
        rc = 0;
    } else if (rc == STORE_DONE) {
        if (login)
            rc = kt_err_set(err, KT_ENOTFOUND, "there is no user with the login '%s'", login);
        else
            rc = kt_err_set(err, KT_ENOTFOUND, "there is no user with id %lld", (long long)id);
    }
out:
    store_stmt_done(s);
    return rc;
}

int access_user_get(struct store *st, int64_t id, struct access_user *out, struct kt_err *err)
{
    return get_user_where(st, "SELECT " ACC_USER_COLS " FROM users u WHERE u.id = ?1", id, NULL,
                          out, err);
}

int access_user_get_by_login(struct store *st, const char *login, struct access_user *out,
                             struct kt_err *err)
{
    char norm[ACCESS_LOGIN_MAX + 1];
    if (access_login_normalize(login, norm, sizeof norm, NULL) != 0)
        return kt_err_set(err, KT_ENOTFOUND, "there is no user with the login '%s'",
                          login ? login : "");
    return get_user_where(st, "SELECT " ACC_USER_COLS " FROM users u WHERE u.login = ?1", 0, norm,
                          out, err);
}

int access_user_list(struct store *st, struct kt_arena *arena, struct access_user **out, size_t *n,
                     struct kt_err *err)
{
    struct store_stmt *s = NULL;
    size_t cap = 16, cnt = 0;
    struct access_user *v = kt_arena_alloc(arena, cap * sizeof *v);
    *out = NULL;
    *n = 0;
    if (!v)
        return kt_err_set(err, KT_ENOMEM, "out of memory listing users");
    int rc = store_prepare(st, "SELECT " ACC_USER_COLS " FROM users u ORDER BY u.login", &s, err);
    if (rc != 0)
        return rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (cnt == cap) {
            struct access_user *w = kt_arena_alloc(arena, 2 * cap * sizeof *w);
            if (!w) {
                rc = kt_err_set(err, KT_ENOMEM, "out of memory listing users");
                goto out;
            }
            memcpy(w, v, cnt * sizeof *v);
            v = w;
            cap *= 2;
        }
        acc_read_user(s, 0, &v[cnt++]);
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

int access_user_permissions(struct store *st, int64_t user_id, struct access_perms *out,
                            struct kt_err *err)
{
    struct access_user u;
    int rc = access_user_get(st, user_id, &u, err);
    if (rc != 0)
        return rc;
    return acc_user_perms(st, &u, out, err);
}

/* ---- roles ---------------------------------------------------------------- */

static int read_role_perms(struct store *st, struct access_role *r, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    access_perms_clear(&r->perms);
    int rc =
        store_prepare(st, "SELECT permission FROM role_permissions WHERE role_id = ?1", &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_int64(s, 1, r->id) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the role query");
        goto out;
    }
    while ((rc = store_step(s, err)) == STORE_ROW)
        access_perms_add(&r->perms, store_col_text(s, 0), NULL);
    rc = rc < 0 ? rc : 0;
out:
    store_stmt_done(s);
    return rc;
}

static void read_role(struct store_stmt *s, struct access_role *r)
{
    memset(r, 0, sizeof *r);
    r->id = store_col_int64(s, 0);
    copy_field(r->code, sizeof r->code, store_col_text(s, 1));
    copy_field(r->name, sizeof r->name, store_col_text(s, 2));
    const char *kind = store_col_text(s, 3);
    r->kind = kind && strcmp(kind, "customer") == 0 ? ACCESS_CUSTOMER : ACCESS_STAFF;
}

int access_role_get(struct store *st, const char *code, struct access_role *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT id, code, name, kind FROM roles WHERE code = ?1", &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_text(s, 1, code) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the role query");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND,
                        "there is no role '%s'; 'kontor role list' shows the roles",
                        code ? code : "");
        goto out;
    }
    if (rc < 0)
        goto out;
    read_role(s, out);
    store_stmt_done(s);
    s = NULL;
    rc = read_role_perms(st, out, err);
out:
    if (s)
        store_stmt_done(s);
    return rc;
}

int access_role_list(struct store *st, struct kt_arena *arena, struct access_role **out, size_t *n,
                     struct kt_err *err)
{
    struct store_stmt *s = NULL;
    size_t cap = 16, cnt = 0;
    struct access_role *v = kt_arena_alloc(arena, cap * sizeof *v);
    *out = NULL;
    *n = 0;
    if (!v)
        return kt_err_set(err, KT_ENOMEM, "out of memory listing roles");
    /* 'customer' sorts after 'staff' reversed: order staff first explicitly. */
    int rc = store_prepare(st,
                           "SELECT id, code, name, kind FROM roles "
                           "ORDER BY CASE kind WHEN 'staff' THEN 0 ELSE 1 END, code",
                           &s, err);
    if (rc != 0)
        return rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (cnt == cap) {
            struct access_role *w = kt_arena_alloc(arena, 2 * cap * sizeof *w);
            if (!w) {
                rc = kt_err_set(err, KT_ENOMEM, "out of memory listing roles");
                goto out;
            }
            memcpy(w, v, cnt * sizeof *v);
            v = w;
            cap *= 2;
        }
        read_role(s, &v[cnt++]);
    }
    if (rc < 0)
        goto out;
    store_stmt_done(s);
    s = NULL;
    for (size_t i = 0; i < cnt; i++)
        if ((rc = read_role_perms(st, &v[i], err)) != 0)
            goto out;
    rc = 0;
    *out = v;
    *n = cnt;
out:
    if (s)
        store_stmt_done(s);
    return rc;
}

/* KT_EPERM when a permission of the set does not fit a role of kind. */
static int check_role_perms(const struct access_role *r, struct kt_err *err)
{
    size_t np;
    const struct access_permission *p = access_permissions(&np);
    for (size_t i = 0; i < np; i++) {
        if (!access_perms_has(&r->perms, p[i].code))
            continue;
        if (r->kind == ACCESS_CUSTOMER && p[i].area == ACCESS_AREA_STAFF)
            return kt_err_set(err, KT_EPERM,
                              "role %s is for customer users and cannot hold the staff "
                              "permission %s",
                              r->code, p[i].code);
        if (r->kind == ACCESS_STAFF && p[i].area == ACCESS_AREA_CUSTOMER)
            return kt_err_set(err, KT_EPERM,
                              "role %s is for staff and cannot hold the portal permission %s",
                              r->code, p[i].code);
    }
    return 0;
}

static int role_create_tx(struct store *st, void *p, struct kt_err *err)
{
    struct access_role *r = p;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "INSERT INTO roles (code, name, kind) VALUES (?1, ?2, ?3) "
                           "RETURNING id",
                           &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_text(s, 1, r->code) != 0 || store_bind_text(s, 2, r->name) != 0 ||
        store_bind_text(s, 3, access_user_kind_name(r->kind)) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the role insert");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == KT_EEXIST)
        rc = kt_err_set(err, KT_EEXIST, "there is a role '%s' already", r->code);
    if (rc < 0)
        goto out;
    r->id = store_col_int64(s, 0);
    store_stmt_done(s);
    s = NULL;
    size_t np;
    const struct access_permission *perm = access_permissions(&np);
    for (size_t i = 0; i < np; i++) {
        if (!access_perms_has(&r->perms, perm[i].code))
            continue;
        rc = store_prepare(st, "INSERT INTO role_permissions (role_id, permission) VALUES (?1, ?2)",
                           &s, err);
        if (rc != 0)
            goto out;
        if (store_bind_int64(s, 1, r->id) != 0 || store_bind_text(s, 2, perm[i].code) != 0) {
            rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the role permission insert");
            goto out;
        }
        rc = store_step(s, err);
        if (rc < 0)
            goto out;
        store_stmt_done(s);
        s = NULL;
    }
    rc = 0;
out:
    if (s)
        store_stmt_done(s);
    return rc;
}

int access_role_create(struct store *st, struct access_role *r, struct kt_err *err)
{
    int rc = check_code(r->code, err);
    if (rc != 0)
        return rc;
    if (!r->name[0])
        return kt_err_set(err, KT_EINVAL, "role %s needs a name", r->code);
    if ((rc = check_role_perms(r, err)) != 0)
        return rc;
    return store_tx(st, role_create_tx, r, err);
}

/* ---- creating and changing users ---------------------------------------- */

static int check_user_fields(struct access_user *u, struct kt_err *err)
{
    char norm[ACCESS_LOGIN_MAX + 1];
    int rc = access_login_normalize(u->login, norm, sizeof norm, err);
    if (rc != 0)
        return rc;
    kt_strlcpy(u->login, norm, sizeof u->login);
    if (!u->name[0])
        return kt_err_set(err, KT_EINVAL, "user %s needs a name", u->login);
    if (u->email[0]) {
        const char *at = strchr(u->email, '@');
        if (!at || at == u->email || !at[1] || strchr(at + 1, '@') || strpbrk(u->email, " \t<>,;"))
            return kt_err_set(err, KT_EINVAL, "user %s: '%s' is not an e-mail address", u->login,
                              u->email);
    }
    if (!u->lang[0])
        kt_strlcpy(u->lang, "pl", sizeof u->lang);
    if (strcmp(u->lang, "pl") != 0 && strcmp(u->lang, "en") != 0)
        return kt_err_set(err, KT_EINVAL, "user %s: language '%s' is not pl or en", u->login,
                          u->lang);
    if (u->kind == ACCESS_CUSTOMER && u->customer_id <= 0)
        return kt_err_set(err, KT_EINVAL, "customer user %s must belong to a customer", u->login);
    if (u->kind == ACCESS_STAFF && u->customer_id != 0)
        return kt_err_set(err, KT_EINVAL, "staff user %s cannot belong to a customer", u->login);
    return 0;
}

/* Grants role_code to user (id, kind, login) inside the open transaction;
 * *added = 1 when it was not held before. */
static int grant_role(struct store *st, const struct access_user *u, const char *role_code,
                      int *added, struct kt_err *err)
{
    struct access_role r;
    int rc = access_role_get(st, role_code, &r, err);
    if (rc != 0)
        return rc;
    if (r.kind != u->kind)
        return kt_err_set(err, KT_EPERM,
                          u->kind == ACCESS_CUSTOMER
                              ? "user %s is a customer user and cannot get the staff role %s"
                              : "user %s is staff and cannot get the customer role %s",
                          u->login, r.code);
    struct store_stmt *s = NULL;
    rc = store_prepare(st,
                       "INSERT INTO user_roles (user_id, role_id) VALUES (?1, ?2) "
                       "ON CONFLICT DO NOTHING",
                       &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_int64(s, 1, u->id) != 0 || store_bind_int64(s, 2, r.id) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the role grant");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    *added = store_changes(st) > 0;
    rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

struct create_ctx {
    struct access_user *u;
    const char *hash;
    const char *const *roles;
    size_t nroles;
};

static int user_create_tx(struct store *st, void *p, struct kt_err *err)
{
    struct create_ctx *c = p;
    struct access_user *u = c->u;
    struct store_stmt *s = NULL;
    int64_t now = acc_now();
    int rc = store_prepare(st,
                           "INSERT INTO users (kind, customer_id, login, name, email, lang, "
                           "password_hash, active, created_at, password_changed_at, version) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, 1) RETURNING id",
                           &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_text(s, 1, access_user_kind_name(u->kind)) != 0 ||
        (u->customer_id ? store_bind_int64(s, 2, u->customer_id) : store_bind_null(s, 2)) != 0 ||
        store_bind_text(s, 3, u->login) != 0 || store_bind_text(s, 4, u->name) != 0 ||
        store_bind_text(s, 5, u->email) != 0 || store_bind_text(s, 6, u->lang) != 0 ||
        store_bind_text(s, 7, c->hash) != 0 || store_bind_int64(s, 8, now) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the user insert");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == KT_EEXIST)
        rc = kt_err_set(err, KT_EEXIST, "the login '%s' is taken already", u->login);
    else if (rc == KT_EFOREIGN)
        rc = kt_err_set(err, KT_EFOREIGN, "there is no customer with id %lld",
                        (long long)u->customer_id);
    if (rc < 0)
        goto out;
    u->id = store_col_int64(s, 0);
    u->active = 1;
    u->created_at = u->password_changed_at = now;
    u->version = 1;
    store_stmt_done(s);
    s = NULL;
    for (size_t i = 0; i < c->nroles; i++) {
        int added;
        if ((rc = grant_role(st, u, c->roles[i], &added, err)) != 0)
            goto out;
    }
    rc = acc_emit_user(st, u->id, u->login, "created", err);
out:
    if (s)
        store_stmt_done(s);
    return rc;
}

int access_user_create(struct store *st, struct access_user *u, const char *password,
                       const char *const *role_codes, size_t nroles, struct kt_err *err)
{
    char hash[ACCESS_HASH_MAX];
    int rc = check_user_fields(u, err);
    if (rc != 0)
        return rc;
    if ((rc = access_password_policy(u->login, password, err)) != 0)
        return kt_err_prefix(err, "user %s", u->login);
    if ((rc = access_password_hash(password, hash, sizeof hash, err)) != 0)
        return rc;
    struct create_ctx c = {.u = u, .hash = hash, .roles = role_codes, .nroles = nroles};
    rc = store_tx(st, user_create_tx, &c, err);
    if (rc != 0)
        u->id = 0;
    return rc;
}

/* Runs `sql` (binding ?1 = user id) in the open transaction. */
static int exec_for_user(struct store *st, const char *sql, int64_t user_id, int64_t *changed,
                         struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_int64(s, 1, user_id) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the user id");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (changed)
        *changed = store_changes(st);
    rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

struct passwd_ctx {
    const struct access_user *u;
    const char *hash;
};

static int passwd_tx(struct store *st, void *p, struct kt_err *err)
{
    struct passwd_ctx *c = p;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "UPDATE users SET password_hash = ?2, password_changed_at = ?3, "
                           "version = version + 1 WHERE id = ?1",
                           &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_int64(s, 1, c->u->id) != 0 || store_bind_text(s, 2, c->hash) != 0 ||
        store_bind_int64(s, 3, acc_now()) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the password update");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (store_changes(st) == 0) {
        rc = kt_err_set(err, KT_ENOTFOUND, "user %s was deleted meanwhile", c->u->login);
        goto out;
    }
    store_stmt_done(s);
    s = NULL;
    if ((rc = exec_for_user(st, "DELETE FROM sessions WHERE user_id = ?1", c->u->id, NULL, err)) !=
        0)
        goto out;
    rc = acc_emit_user(st, c->u->id, c->u->login, "password", err);
out:
    if (s)
        store_stmt_done(s);
    return rc;
}

int access_user_set_password(struct store *st, int64_t user_id, const char *password,
                             struct kt_err *err)
{
    struct access_user u;
    char hash[ACCESS_HASH_MAX];
    int rc = access_user_get(st, user_id, &u, err);
    if (rc != 0)
        return rc;
    if ((rc = access_password_policy(u.login, password, err)) != 0)
        return kt_err_prefix(err, "user %s", u.login);
    if ((rc = access_password_hash(password, hash, sizeof hash, err)) != 0)
        return rc;
    struct passwd_ctx c = {.u = &u, .hash = hash};
    return store_tx(st, passwd_tx, &c, err);
}

struct active_ctx {
    const struct access_user *u;
    int active;
};

static int active_tx(struct store *st, void *p, struct kt_err *err)
{
    struct active_ctx *c = p;
    int64_t changed = 0;
    int rc = exec_for_user(st,
                           c->active ? "UPDATE users SET active = 1, version = version + 1 "
                                       "WHERE id = ?1 AND active = 0"
                                     : "UPDATE users SET active = 0, version = version + 1 "
                                       "WHERE id = ?1 AND active = 1",
                           c->u->id, &changed, err);
    if (rc != 0 || changed == 0)
        return rc;
    if (!c->active && (rc = exec_for_user(st, "DELETE FROM sessions WHERE user_id = ?1", c->u->id,
                                          NULL, err)) != 0)
        return rc;
    return acc_emit_user(st, c->u->id, c->u->login, c->active ? "enabled" : "disabled", err);
}

int access_user_set_active(struct store *st, int64_t user_id, int active, struct kt_err *err)
{
    struct access_user u;
    int rc = access_user_get(st, user_id, &u, err);
    if (rc != 0)
        return rc;
    struct active_ctx c = {.u = &u, .active = active != 0};
    return store_tx(st, active_tx, &c, err);
}

struct role_ctx {
    const struct access_user *u;
    const char *code;
    int add;
};

static int role_tx(struct store *st, void *p, struct kt_err *err)
{
    struct role_ctx *c = p;
    int changed = 0;
    int rc;
    if (c->add) {
        rc = grant_role(st, c->u, c->code, &changed, err);
    } else {
        struct access_role r;
        struct store_stmt *s = NULL;
        if ((rc = access_role_get(st, c->code, &r, err)) != 0)
            return rc;
        rc = store_prepare(st, "DELETE FROM user_roles WHERE user_id = ?1 AND role_id = ?2", &s,
                           err);
        if (rc != 0)
            return rc;
        if (store_bind_int64(s, 1, c->u->id) != 0 || store_bind_int64(s, 2, r.id) != 0)
            rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the role removal");
        else if ((rc = store_step(s, err)) >= 0) {
            changed = store_changes(st) > 0;
            rc = 0;
        }
        store_stmt_done(s);
    }
    if (rc != 0 || !changed)
        return rc;
    return acc_emit_user(st, c->u->id, c->u->login, "roles", err);
}

static int change_role(struct store *st, int64_t user_id, const char *code, int add,
                       struct kt_err *err)
{
    struct access_user u;
    int rc = access_user_get(st, user_id, &u, err);
    if (rc != 0)
        return rc;
    struct role_ctx c = {.u = &u, .code = code, .add = add};
    return store_tx(st, role_tx, &c, err);
}

int access_user_role_add(struct store *st, int64_t user_id, const char *role_code,
                         struct kt_err *err)
{
    return change_role(st, user_id, role_code, 1, err);
}

int access_user_role_remove(struct store *st, int64_t user_id, const char *role_code,
                            struct kt_err *err)
{
    return change_role(st, user_id, role_code, 0, err);
}

int access_user_roles(struct store *st, int64_t user_id, struct kt_arena *arena,
                      const char ***codes, size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    size_t cap = 8, cnt = 0;
    const char **v = kt_arena_alloc(arena, cap * sizeof *v);
    *codes = NULL;
    *n = 0;
    if (!v)
        return kt_err_set(err, KT_ENOMEM, "out of memory listing roles");
    int rc = store_prepare(st,
                           "SELECT r.code FROM user_roles ur JOIN roles r ON r.id = ur.role_id "
                           "WHERE ur.user_id = ?1 ORDER BY r.code",
                           &s, err);
    if (rc != 0)
        return rc;
    if (store_bind_int64(s, 1, user_id) != 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "cannot bind the user id");
        goto out;
    }
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (cnt == cap) {
            const char **w = kt_arena_alloc(arena, 2 * cap * sizeof *w);
            if (!w) {
                rc = kt_err_set(err, KT_ENOMEM, "out of memory listing roles");
                goto out;
            }
            memcpy(w, v, cnt * sizeof *v);
            v = w;
            cap *= 2;
        }
        if (!(v[cnt++] = kt_arena_strdup(arena, store_col_text(s, 0)))) {
            rc = kt_err_set(err, KT_ENOMEM, "out of memory listing roles");
            goto out;
        }
    }
    if (rc < 0)
        goto out;
    rc = 0;
    *codes = v;
    *n = cnt;
out:
    store_stmt_done(s);
    return rc;
}
