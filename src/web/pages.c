#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access.h"
#include "base/log.h"
#include "jobs/jobs.h"
#include "web/i18n.h"
#include "web/mustache.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/server.h"
#include "web/static.h"
#include "base/banned.h"

#define SESSION_COOKIE "kontor_session"
#define LOGIN_COOKIE "kontor_login"
#define FLASH_COOKIE "kontor_flash"
#define LANG_COOKIE "kontor_lang"
#define PAGE_MAX ((size_t)8 << 20)

/*
 * The left navigation: one row per screen, shown to users who may use it.
 * A row's path must be a GET route of the same permission (routes.c).
 */
static const struct nav_item {
    const char *path;
    const char *label; /* catalogue key */
    enum web_auth auth;
    const char *perm;
} nav_items[] = {
    {"/dashboard", "nav.dashboard", WEB_STAFF, NULL},
    {"/products", "nav.products", WEB_STAFF, "catalog.read"},
    {"/customers", "nav.customers", WEB_STAFF, "customers.read"},
    {"/orders", "nav.orders", WEB_STAFF, "orders.read"},
    {"/pricelists", "nav.pricelists", WEB_STAFF, "catalog.read"},
    {"/company", "nav.company", WEB_STAFF, "admin"},
    {"/users", "nav.users", WEB_STAFF, "users.manage"},
    {"/account", "nav.account", WEB_USER, NULL},
};

static int may_see(const struct web_req *req, const struct nav_item *n)
{
    const struct access_principal *w = req->who;
    if (!w)
        return 0;
    if (n->auth == WEB_STAFF && w->user.kind != ACCESS_STAFF)
        return 0;
    return !n->perm || access_can(&w->perms, n->perm);
}

static json_t *nav_json(const struct web_req *req)
{
    json_t *list = json_array();
    const struct web_i18n *i18n = web_server_i18n(req->srv);
    for (size_t i = 0; list && i < sizeof nav_items / sizeof nav_items[0]; i++) {
        const struct nav_item *n = &nav_items[i];
        if (!may_see(req, n))
            continue;
        size_t len = strlen(n->path);
        int current = strncmp(req->path, n->path, len) == 0 &&
                      (req->path[len] == '\0' || req->path[len] == '/');
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "href", n->path, "label",
                                              web_i18n_text(i18n, req->lang, n->label), "current",
                                              current));
    }
    return list;
}

static json_t *langs_json(const struct web_req *req)
{
    static const char *const codes[WEB_NLANGS] = WEB_LANGS;
    const struct web_i18n *i18n = web_server_i18n(req->srv);
    json_t *list = json_array();
    for (size_t i = 0; list && i < WEB_NLANGS; i++) {
        char key[32];
        snprintf(key, sizeof key, "lang.%s", codes[i]);
        json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:s}", "code", codes[i], "name",
                                              web_i18n_text(i18n, codes[i], key), "current",
                                              strcmp(codes[i], req->lang) == 0, "next",
                                              req->path));
    }
    return list;
}

/* The flash message left by the previous response, if any; it is cleared. */
static json_t *take_flash(struct web_req *req, struct web_resp *resp)
{
    const char *c = web_req_cookie(req, FLASH_COOKIE);
    if (!c || !*c)
        return NULL;
    web_resp_cookie(req, resp, FLASH_COOKIE, "", 0);
    const char *dot = strchr(c, '.');
    if (!dot)
        return NULL;
    char kind[16];
    snprintf(kind, sizeof kind, "%.*s", (int)(dot - c), c);
    if (strcmp(kind, "success") != 0 && strcmp(kind, "warning") != 0 && strcmp(kind, "error") != 0)
        return NULL;
    char key[96];
    snprintf(key, sizeof key, "flash.%s", dot + 1);
    const char *text = web_i18n_text(web_server_i18n(req->srv), req->lang, key);
    if (text == key || strcmp(text, key) == 0)
        return NULL; /* only texts from the catalogue are ever shown */
    return json_pack("{s:s, s:s}", "kind", kind, "text", text);
}

int web_flash(struct web_req *req, struct web_resp *resp, const char *kind, const char *key)
{
    const char *v = kt_arena_printf(req->arena, "%s.%s", kind, key);
    if (!v)
        return KT_ENOMEM;
    return web_resp_cookie(req, resp, FLASH_COOKIE, v, 60);
}

static json_t *common_context(struct web_req *req, struct web_resp *resp)
{
    const struct web_static *st = web_server_static(req->srv);
    json_t *ctx = json_object();
    if (!ctx)
        return NULL;
    json_object_set(ctx, "t", web_i18n_catalog(web_server_i18n(req->srv), req->lang));
    json_object_set_new(ctx, "lang", json_string(req->lang));
    json_object_set_new(ctx, "langs", langs_json(req));
    json_object_set_new(
        ctx, "assets",
        json_pack("{s:s, s:s}", "css",
                  kt_arena_printf(req->arena, "/static/kontor.css?v=%s",
                                  web_static_version(st, "kontor.css")),
                  "js",
                  kt_arena_printf(req->arena, "/static/kontor.js?v=%s",
                                  web_static_version(st, "kontor.js"))));
    if (req->who) {
        const struct access_user *u = &req->who->user;
        json_object_set_new(ctx, "user",
                            json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)u->id, "name",
                                      u->name, "login", u->login, "staff",
                                      u->kind == ACCESS_STAFF));
        if (req->who->token_id == 0)
            json_object_set_new(ctx, "csrf", json_string(req->who->csrf));
        json_object_set_new(ctx, "nav", nav_json(req));
    }
    json_t *flash = take_flash(req, resp);
    if (flash)
        json_object_set_new(ctx, "flash", flash);
    return ctx;
}

/* The page shown when even the error template cannot be rendered. */
static void plain_error(struct web_resp *resp, int status, const char *message)
{
    kt_buf_reset(&resp->body);
    resp->fixed = NULL;
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
    kt_buf_printf(&resp->body,
                  "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>%d</title></head>"
                  "<body><main><h1>%d</h1><p>",
                  status, status);
    for (const char *p = message; *p; p++) {
        switch (*p) {
        case '<':
            kt_buf_adds(&resp->body, "&lt;");
            break;
        case '>':
            kt_buf_adds(&resp->body, "&gt;");
            break;
        case '&':
            kt_buf_adds(&resp->body, "&amp;");
            break;
        case '"':
            kt_buf_adds(&resp->body, "&quot;");
            break;
        case '\'':
            kt_buf_adds(&resp->body, "&#39;");
            break;
        default:
            kt_buf_addc(&resp->body, *p);
        }
    }
    kt_buf_adds(&resp->body, "</p><p><a href=\"/\">Kontor</a></p></main></body></html>\n");
}

int web_page_render(struct web_req *req, struct web_resp *resp, const char *name, json_t *page)
{
    struct kt_err err;
    kt_err_clear(&err);
    json_t *ctx = common_context(req, resp);
    if (!ctx) {
        json_decref(page);
        plain_error(resp, 500, "out of memory");
        return 0;
    }
    if (page) {
        json_object_update(ctx, page);
        json_decref(page);
    }
    struct kt_buf out;
    kt_buf_init(&out, PAGE_MAX);
    int rc = mustache_cache_render(web_server_templates(req->srv), name, ctx, &out, &err);
    json_decref(ctx);
    if (rc != 0) {
        kt_buf_release(&out);
        kt_log_error("template.render", "template=%s msg=\"%s\"", name, err.msg);
        plain_error(resp, 500, "this page cannot be shown because of a template error; the "
                               "details are in the server log");
        return 0;
    }
    kt_buf_release(&resp->body);
    resp->body = out;
    resp->fixed = NULL;
    if (resp->status == 0)
        resp->status = 200;
    resp->content_type = "text/html; charset=utf-8";
    return 0;
}

void web_page_error(struct web_req *req, struct web_resp *resp, int status, const char *code,
                    const char *message)
{
    const struct web_i18n *i18n = web_server_i18n(req->srv);
    char key[64];
    snprintf(key, sizeof key, "error.%d", status);
    const char *title = web_i18n_text(i18n, req->lang, key);
    if (strcmp(title, key) == 0)
        title = web_i18n_text(i18n, req->lang, "error.other");
    resp->status = status;
    json_t *page = json_pack("{s:i, s:s, s:s, s:s}", "status", status, "code", code ? code : "",
                             "title", title, "message", message ? message : "");
    if (!page) {
        plain_error(resp, status, message ? message : "");
        return;
    }
    web_page_render(req, resp, "error", page);
    resp->status = status;
}

/* ---- handlers ------------------------------------------------------------------ */

int web_page_healthz(struct web_req *req, struct web_resp *resp)
{
    (void)req;
    resp->status = 200;
    resp->content_type = "text/plain; charset=utf-8";
    return kt_buf_adds(&resp->body, "ok\n") == 0
               ? 0
               : kt_err_set(&req->err, KT_ENOMEM, "out of memory");
}

static const char *home_of(const struct web_req *req)
{
    return req->who && req->who->user.kind == ACCESS_STAFF ? "/dashboard" : "/account";
}

int web_page_root(struct web_req *req, struct web_resp *resp)
{
    return web_resp_redirect(req, resp, req->who ? home_of(req) : "/login");
}

/* A local path to go back to after login; "" when next is not one. */
static const char *safe_next(const struct web_req *req)
{
    const struct web_value *v = web_req_value(req, "next");
    const char *n = v->present ? v->text : "";
    if (n[0] != '/' || n[1] == '/' || n[1] == '\\' || strncmp(n, "/login", 6) == 0)
        return "";
    return n;
}

static int login_page(struct web_req *req, struct web_resp *resp, const char *token,
                      const char *error, const char *login)
{
    json_t *page = json_pack("{s:s, s:s, s:s?, s:s?}", "login_csrf", token, "next",
                             safe_next(req), "error", error, "login", login);
    return web_page_render(req, resp, "login", page);
}

int web_page_login_form(struct web_req *req, struct web_resp *resp)
{
    if (req->who)
        return web_resp_redirect(req, resp, home_of(req));
    unsigned char raw[24];
    char token[2 * sizeof raw + 1];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, sizeof token, raw, sizeof raw);
    int rc = web_resp_cookie(req, resp, LOGIN_COOKIE, token, 3600);
    if (rc != 0)
        return kt_err_set(&req->err, rc, "too many response headers");
    return login_page(req, resp, token, NULL, NULL);
}

int web_page_login(struct web_req *req, struct web_resp *resp)
{
    const char *login = web_req_value(req, "login")->text;
    const char *password = web_req_value(req, "password")->text;
    const char *token = web_req_cookie(req, LOGIN_COOKIE);
    const struct web_i18n *i18n = web_server_i18n(req->srv);
    struct store *st;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    if (web_hash_acquire(req->srv) != 0) {
        web_resp_header(req, resp, "Retry-After", "1");
        resp->status = 503;
        return login_page(req, resp, token, web_i18n_text(i18n, req->lang, "login.busy"), login);
    }
    struct access_session s;
    memset(&s, 0, sizeof s);
    rc = access_login(st, login, password, web_req_client_ip(req),
                      web_req_header(req, "User-Agent"), web_req_cookie(req, SESSION_COOKIE), &s,
                      &err);
    web_hash_release(req->srv);
    if (rc == KT_EBUSY) {
        char secs[32];
        snprintf(secs, sizeof secs, "%lld", (long long)(s.retry_after_ms + 999) / 1000);
        web_resp_header(req, resp, "Retry-After", secs);
        resp->status = 429;
        return login_page(req, resp, token, err.msg, login);
    }
    if (rc == KT_EPERM) {
        resp->status = 401;
        return login_page(req, resp, token, err.msg, login);
    }
    if (rc != 0) {
        req->err = err;
        return rc;
    }
    /* the session cookie lives as long as the browser; the server ends the
     * session at its idle or absolute expiry */
    if ((rc = web_resp_cookie(req, resp, SESSION_COOKIE, s.token, -1)) != 0 ||
        (rc = web_resp_cookie(req, resp, LOGIN_COOKIE, "", 0)) != 0)
        return kt_err_set(&req->err, rc, "too many response headers");
    struct access_user u;
    const char *next = safe_next(req);
    if (!*next) {
        next = "/account";
        if (access_user_get(st, s.user_id, &u, &err) == 0 && u.kind == ACCESS_STAFF)
            next = "/dashboard";
    }
    return web_resp_redirect(req, resp, next);
}

int web_page_logout(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0 && req->session_token)
        rc = access_logout(st, req->session_token, &req->err);
    if (rc != 0)
        return rc;
    if ((rc = web_resp_cookie(req, resp, SESSION_COOKIE, "", 0)) != 0 ||
        (rc = web_flash(req, resp, "success", "logged_out")) != 0)
        return kt_err_set(&req->err, rc, "too many response headers");
    return web_resp_redirect(req, resp, "/login");
}

int web_page_lang(struct web_req *req, struct web_resp *resp)
{
    const char *code = web_req_value(req, "code")->text;
    const struct web_value *next = web_req_value(req, "next");
    int rc = web_resp_cookie(req, resp, LANG_COOKIE, code, 365L * 24 * 3600);
    if (rc != 0)
        return kt_err_set(&req->err, rc, "too many response headers");
    return web_resp_redirect(req, resp, next->present ? next->text : "/");
}

int web_page_dashboard(struct web_req *req, struct web_resp *resp)
{
    json_t *page = json_object();
    if (!page)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    if (access_can(&req->who->perms, "admin")) {
        struct store *st;
        struct jobs_stats js;
        int rc = web_req_db(req, &st, &req->err);
        if (rc == 0)
            rc = jobs_stats(st, &js, &req->err);
        if (rc != 0) {
            json_decref(page);
            return rc;
        }
        json_object_set_new(page, "jobs",
                            json_pack("{s:I, s:I, s:I}", "pending", (json_int_t)js.pending,
                                      "running", (json_int_t)js.running, "dead",
                                      (json_int_t)js.dead));
    }
    /* the tiles lead to the other screens: every nav entry but this one */
    json_t *tiles = nav_json(req);
    size_t i;
    json_t *t;
    json_array_foreach(tiles, i, t) {
        if (json_is_true(json_object_get(t, "current"))) {
            json_array_remove(tiles, i);
            break;
        }
    }
    json_object_set_new(page, "tiles", tiles);
    return web_page_render(req, resp, "dashboard", page);
}

int web_page_account(struct web_req *req, struct web_resp *resp)
{
    const struct access_principal *w = req->who;
    char perms[2048];
    if (access_perms_format(&w->perms, ", ", perms, sizeof perms) != 0)
        return kt_err_set(&req->err, KT_ELIMIT, "too many permissions to show");
    const struct web_i18n *i18n = web_server_i18n(req->srv);
    json_t *page = json_pack(
        "{s:{s:s, s:s, s:s, s:s, s:s, s:s}}", "account", "login", w->user.login, "name",
        w->user.name, "email", w->user.email, "kind",
        web_i18n_text(i18n, req->lang,
                      w->user.kind == ACCESS_STAFF ? "account.kind_staff" : "account.kind_customer"),
        "permissions", perms, "since",
        web_fmt_time(req->arena, w->user.created_at));
    if (!page)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    return web_page_render(req, resp, "account", page);
}
