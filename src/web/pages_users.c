/*
 * The users and roles screens (users.manage): every user, a new staff or
 * customer user (a customer user belongs to one customer and can only be
 * given customer roles: access refuses a staff role, and the form says so
 * at the role), a user's page with roles to grant and take away, enabling
 * and disabling, and setting a password; the roles with their permissions.
 *
 * Setting a password hashes it with argon2id, which is slow and memory
 * hungry on purpose: it runs only with one of the server's hashing slots
 * (web_hash_acquire), like a login, and a burst that finds none free is
 * answered 503 with the form kept.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "parties/customer.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/server.h"
#include "base/banned.h"

#define NF(a) (sizeof a / sizeof a[0])

static const struct web_form_field user_fields[] = {
    {"kind", "user.kind", WEB_FK_SELECT, 1}, {"login", "user.login", WEB_FK_TEXT, 1},
    {"name", "user.name", WEB_FK_TEXT, 1},   {"email", "user.email", WEB_FK_TEXT, 0},
    {"lang", "user.lang", WEB_FK_SELECT, 0}, {"customer", "user.customer", WEB_FK_TEXT, 0},
    {"role", "user.role", WEB_FK_SELECT, 1}, {"password", "user.password", WEB_FK_PASSWORD, 1},
};
static const struct web_form_field role_fields[] = {
    {"role", "user.role", WEB_FK_SELECT, 1},
};
static const struct web_form_field password_fields[] = {
    {"password", "user.new_password", WEB_FK_PASSWORD, 1},
};

static const char *user_href(struct web_req *req, int64_t id, const char *rest)
{
    return kt_arena_printf(req->arena, "/users/%lld%s", (long long)id, rest);
}

static const char *kind_label(struct web_req *req, enum access_user_kind k)
{
    return web_t(req, k == ACCESS_STAFF ? "account.kind_staff" : "account.kind_customer");
}

static const char *customer_code(struct web_req *req, struct store *st, int64_t id)
{
    struct parties_customer c;
    struct kt_err err;
    if (!id || parties_customer_get(st, id, &c, &err) != 0)
        return "";
    return kt_arena_strdup(req->arena, c.code);
}

/* Role choices, each labelled with who may hold it. */
static int role_options(struct web_req *req, struct store *st, struct web_form *f, int only_kind,
                        enum access_user_kind kind)
{
    struct access_role *roles;
    size_t n;
    int rc = access_role_list(st, req->arena, &roles, &n, &req->err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (only_kind && roles[i].kind != kind)
            continue;
        web_form_option(f, "role", roles[i].code,
                        kt_arena_printf(req->arena, "%s — %s (%s)", roles[i].code, roles[i].name,
                                        kind_label(req, roles[i].kind)));
    }
    return rc;
}

/* ---- lists ----------------------------------------------------------------------- */

static const char *roles_text(struct web_req *req, struct store *st, int64_t user_id)
{
    const char **codes;
    size_t n;
    struct kt_err err;
    if (access_user_roles(st, user_id, req->arena, &codes, &n, &err) != 0)
        return "";
    const char *s = "";
    for (size_t i = 0; i < n; i++)
        s = kt_arena_printf(req->arena, "%s%s%s", s, i ? ", " : "", codes[i]);
    return s ? s : "";
}

int web_page_users(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct access_user *users;
    size_t n;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = access_user_list(st, req->arena, &users, &n, &req->err);
    if (rc != 0)
        return rc;
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < n; i++)
        json_array_append_new(
            rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "login", users[i].login, "href",
                            user_href(req, users[i].id, ""), "name", users[i].name, "kind",
                            kind_label(req, users[i].kind), "customer",
                            customer_code(req, st, users[i].customer_id), "roles",
                            roles_text(req, st, users[i].id), "active", users[i].active));
    return web_page_render(req, resp, "users/list",
                           json_pack("{s:o, s:b}", "rows", rows, "has_rows", n > 0));
}

int web_page_roles(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct access_role *roles;
    size_t n, np;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = access_role_list(st, req->arena, &roles, &n, &req->err);
    if (rc != 0)
        return rc;
    const struct access_permission *all = access_permissions(&np);
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < n; i++) {
        json_t *perms = json_array();
        for (size_t k = 0; perms && k < np; k++)
            if (access_perms_has(&roles[i].perms, all[k].code))
                json_array_append_new(
                    perms,
                    json_pack("{s:s, s:s}", "code", all[k].code, "desc",
                              strcmp(req->lang, "en") == 0 ? all[k].desc_en : all[k].desc_pl));
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:o}", "code", roles[i].code, "name",
                                              roles[i].name, "kind", kind_label(req, roles[i].kind),
                                              "permissions", perms));
    }
    return web_page_render(req, resp, "users/roles", json_pack("{s:o}", "rows", rows));
}

/* ---- a new user --------------------------------------------------------------------- */

static int user_form(struct web_req *req, struct store *st, struct web_form *f)
{
    int rc = web_form_init(req, f, user_fields, NF(user_fields), "", "/users");
    if (rc != 0)
        return rc;
    web_form_option(f, "kind", "staff", web_t(req, "account.kind_staff"));
    web_form_option(f, "kind", "customer", web_t(req, "account.kind_customer"));
    web_form_option(f, "lang", "pl", web_t(req, "customer.lang_pl"));
    web_form_option(f, "lang", "en", web_t(req, "customer.lang_en"));
    return role_options(req, st, f, 0, ACCESS_STAFF);
}

static int render_user_form(struct web_req *req, struct web_resp *resp, struct web_form *f)
{
    return web_page_render(req, resp, "users/form",
                           json_pack("{s:o}", "form", web_form_json(req, f)));
}

int web_page_user_new(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct web_form f;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = user_form(req, st, &f);
    if (rc != 0)
        return rc;
    return render_user_form(req, resp, &f);
}

/* The field of the new-user form an access message is about. */
static const char *user_field(const char *msg, int code)
{
    if (code == KT_EPERM)
        return "role";
    if (code == KT_EFOREIGN)
        return "customer";
    if (code == KT_EEXIST)
        return "login";
    if (strstr(msg, "password"))
        return "password";
    if (strstr(msg, "login"))
        return "login";
    if (strstr(msg, "e-mail") || strstr(msg, "email"))
        return "email";
    if (strstr(msg, "customer"))
        return "customer";
    if (strstr(msg, "role"))
        return "role";
    if (strstr(msg, "name"))
        return "name";
    return NULL;
}

int web_page_user_create(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = user_form(req, st, &f);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    if (!web_form_has_errors(&f)) {
        struct access_user u;
        memset(&u, 0, sizeof u);
        u.kind = strcmp(web_text(req, "kind"), "customer") == 0 ? ACCESS_CUSTOMER : ACCESS_STAFF;
        kt_strlcpy(u.login, web_text(req, "login"), sizeof u.login);
        kt_strlcpy(u.name, web_text(req, "name"), sizeof u.name);
        kt_strlcpy(u.email, web_text(req, "email"), sizeof u.email);
        kt_strlcpy(u.lang, web_text(req, "lang"), sizeof u.lang);
        const char *cust = web_text(req, "customer");
        if (u.kind == ACCESS_CUSTOMER) {
            struct parties_customer c;
            if (!*cust)
                rc = kt_err_set(&err, KT_EINVAL, "%s", web_t(req, "user.customer_needed"));
            else
                rc = parties_customer_get_by_code(st, cust, &c, &err);
            if (rc == KT_ENOTFOUND)
                rc = KT_EFOREIGN;
            u.customer_id = rc == 0 ? c.id : 0;
            if (rc != 0)
                web_form_error(&f, "customer", kt_arena_strdup(req->arena, err.msg));
        } else if (*cust) {
            rc = KT_EINVAL;
            web_form_error(&f, "customer", web_t(req, "user.customer_staff"));
        }
        if (rc == 0) {
            if (web_hash_acquire(req->srv) != 0) {
                web_resp_header(req, resp, "Retry-After", "1");
                resp->status = 503;
                web_form_error(&f, NULL, web_t(req, "login.busy"));
                return render_user_form(req, resp, &f);
            }
            const char *role = web_text(req, "role");
            rc = access_user_create(st, &u, web_req_value(req, "password")->text, &role, 1, &err);
            web_hash_release(req->srv);
            if (rc == 0)
                return web_done(req, resp, "user_created", user_href(req, u.id, ""));
            if (rc != KT_EINVAL && rc != KT_EEXIST && rc != KT_EFOREIGN && rc != KT_EPERM &&
                rc != KT_ENOTFOUND) {
                req->err = err;
                return rc;
            }
            const char *msg = kt_arena_strdup(req->arena, err.msg);
            web_form_error(&f, rc == KT_ENOTFOUND ? "role" : user_field(msg, rc), msg);
        }
        resp->status = rc == KT_EEXIST ? 409 : 422;
    } else {
        resp->status = 422;
    }
    return render_user_form(req, resp, &f);
}

/* ---- one user --------------------------------------------------------------------------- */

static json_t *sub_json(struct web_req *req, struct web_form *f, const char *submit_key)
{
    json_t *o = web_form_json(req, f);
    if (o)
        json_object_set_new(o, "submit", json_string(web_t(req, submit_key)));
    return o;
}

static int show(struct web_req *req, struct web_resp *resp, int64_t id, struct web_form *role_in,
                struct web_form *pw_in)
{
    struct store *st;
    struct access_user u;
    struct access_perms perms;
    const char **codes;
    size_t n;
    struct web_form rf, pf;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = access_user_get(st, id, &u, &req->err);
    if (rc == 0)
        rc = access_user_roles(st, id, req->arena, &codes, &n, &req->err);
    if (rc == 0)
        rc = access_user_permissions(st, id, &perms, &req->err);
    if (rc != 0)
        return rc;
    if (!role_in) {
        role_in = &rf;
        rc = web_form_init(req, &rf, role_fields, NF(role_fields), "role-",
                           user_href(req, id, "/roles"));
        if (rc == 0)
            rc = role_options(req, st, &rf, 1, u.kind);
        if (rc != 0)
            return rc;
    }
    if (!pw_in) {
        pw_in = &pf;
        if ((rc = web_form_init(req, &pf, password_fields, NF(password_fields), "pw-",
                                user_href(req, id, "/password"))) != 0)
            return rc;
    }
    json_t *roles = json_array();
    for (size_t i = 0; roles && i < n; i++)
        json_array_append_new(roles, json_pack("{s:s}", "code", codes[i]));
    char permtext[2048];
    if (access_perms_format(&perms, ", ", permtext, sizeof permtext) != 0)
        kt_strlcpy(permtext, "…", sizeof permtext);
    json_t *page = json_pack(
        "{s:{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}, s:o, s:b, s:o, s:o, s:b}", "u",
        "id", (json_int_t)u.id, "login", u.login, "name", u.name, "email", u.email, "kind",
        kind_label(req, u.kind), "customer", customer_code(req, st, u.customer_id), "lang", u.lang,
        "active", u.active, "permissions", permtext, "since",
        web_fmt_time(req->arena, u.created_at), "password_changed",
        u.password_changed_at ? web_fmt_time(req->arena, u.password_changed_at) : "", "roles",
        roles, "has_roles", n > 0, "role_form", sub_json(req, role_in, "user.grant"),
        "password_form", sub_json(req, pw_in, "user.set_password"), "self",
        u.id == req->who->user.id);
    if (!page)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    json_object_set_new(page, "roles_href", json_string(user_href(req, id, "/roles")));
    json_object_set_new(page, "active_href", json_string(user_href(req, id, "/active")));
    return web_page_render(req, resp, "users/show", page);
}

int web_page_user(struct web_req *req, struct web_resp *resp)
{
    return show(req, resp, web_req_value(req, "id")->num, NULL, NULL);
}

int web_page_user_roles(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct access_user u;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int64_t id = web_req_value(req, "id")->num;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = access_user_get(st, id, &u, &req->err);
    if (rc == 0)
        rc = web_form_init(req, &f, role_fields, NF(role_fields), "role-",
                           user_href(req, id, "/roles"));
    if (rc == 0)
        rc = role_options(req, st, &f, 1, u.kind);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    if (!web_form_has_errors(&f)) {
        const char *role = web_text(req, "role");
        int remove = strcmp(web_text(req, "action"), "remove") == 0;
        if (remove && u.id == req->who->user.id)
            return web_fail(req, KT_EPERM, 422, "unprocessable", "role", "%s",
                            web_t(req, "user.not_own_roles"));
        rc = remove ? access_user_role_remove(st, id, role, &err)
                    : access_user_role_add(st, id, role, &err);
        if (rc == 0)
            return web_done(req, resp, remove ? "role_removed" : "role_granted",
                            user_href(req, id, ""));
        if (rc != KT_EPERM && rc != KT_ENOTFOUND && rc != KT_EINVAL) {
            req->err = err;
            return rc;
        }
        web_form_error(&f, "role", kt_arena_strdup(req->arena, err.msg));
    }
    resp->status = 422;
    return show(req, resp, id, &f, NULL);
}

int web_page_user_active(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    int64_t id = web_req_value(req, "id")->num;
    int active = (int)web_req_value(req, "active")->num;
    if (!active && id == req->who->user.id)
        return web_fail(req, KT_EPERM, 422, "unprocessable", "active", "%s",
                        web_t(req, "user.not_self"));
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = access_user_set_active(st, id, active, &req->err);
    if (rc != 0)
        return rc;
    return web_done(req, resp, active ? "user_enabled" : "user_disabled", user_href(req, id, ""));
}

int web_page_user_password(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct access_user u;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int64_t id = web_req_value(req, "id")->num;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = access_user_get(st, id, &u, &req->err);
    if (rc == 0)
        rc = web_form_init(req, &f, password_fields, NF(password_fields), "pw-",
                           user_href(req, id, "/password"));
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    if (!web_form_has_errors(&f)) {
        if (web_hash_acquire(req->srv) != 0) {
            web_resp_header(req, resp, "Retry-After", "1");
            resp->status = 503;
            web_form_error(&f, NULL, web_t(req, "login.busy"));
            return show(req, resp, id, NULL, &f);
        }
        rc = access_user_set_password(st, id, web_req_value(req, "password")->text, &err);
        web_hash_release(req->srv);
        if (rc == 0)
            return web_done(req, resp, "password_set", user_href(req, id, ""));
        if (rc != KT_EINVAL) {
            req->err = err;
            return rc;
        }
        web_form_error(&f, "password", kt_arena_strdup(req->arena, err.msg));
    }
    resp->status = 422;
    return show(req, resp, id, NULL, &f);
}
