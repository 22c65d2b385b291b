#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "access/access.h"
#include "base/log.h"
#include "web/i18n.h"
#include "web/multipart.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/server.h"
#include "base/banned.h"

#define SESSION_COOKIE "kontor_session"
#define LOGIN_COOKIE "kontor_login"

/* ---- small helpers of http.h ------------------------------------------------ */

const char *web_method_name(enum web_method m)
{
    switch (m) {
    case WEB_GET:
        return "GET";
    case WEB_HEAD:
        return "HEAD";
    case WEB_POST:
        return "POST";
    case WEB_PUT:
        return "PUT";
    case WEB_PATCH:
        return "PATCH";
    case WEB_DELETE:
        return "DELETE";
    }
    return "";
}

enum web_method web_method_parse(const char *name)
{
    static const enum web_method all[] = {WEB_GET, WEB_HEAD, WEB_POST, WEB_PUT, WEB_PATCH,
                                          WEB_DELETE};
    for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
        if (strcmp(name, web_method_name(all[i])) == 0)
            return all[i];
    return 0;
}

const char *web_area_name(enum web_area a)
{
    switch (a) {
    case WEB_AREA_BACKOFFICE:
        return "backoffice";
    case WEB_AREA_PORTAL:
        return "portal";
    case WEB_AREA_API:
        return "api";
    case WEB_AREA_STATIC:
        return "static";
    }
    return "";
}

static const char *auth_name(enum web_auth a)
{
    return a == WEB_PUBLIC ? "public" : a == WEB_USER ? "user" : "staff";
}

static const char *csrf_name(enum web_csrf c)
{
    return c == WEB_CSRF_NONE ? "none" : c == WEB_CSRF_SESSION ? "session" : "login";
}

static const char *from_name(enum web_from f)
{
    return f == WEB_FROM_PATH ? "path" : f == WEB_FROM_QUERY ? "query" : "body";
}

int web_fail(struct web_req *req, int code, int status, const char *word, const char *field,
             const char *fmt, ...)
{
    /* formatted apart first: callers pass req->err.msg itself as an argument
     * ("%s", req->err.msg), and vsnprintf into its own source is undefined */
    char msg[KT_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kt_err_set(&req->err, code, "%s", msg);
    req->fail_status = status;
    req->fail_code = word;
    req->err_field = field;
    return code;
}

int web_resp_header(struct web_req *req, struct web_resp *resp, const char *name,
                    const char *value)
{
    if (resp->nheaders == WEB_RESP_HEADERS_MAX)
        return KT_ELIMIT;
    const char *n = kt_arena_strdup(req->arena, name);
    const char *v = kt_arena_strdup(req->arena, value);
    if (!n || !v)
        return KT_ENOMEM;
    resp->headers[resp->nheaders].name = n;
    resp->headers[resp->nheaders].value = v;
    resp->nheaders++;
    return 0;
}

int web_resp_json(struct web_req *req, struct web_resp *resp, int status, json_t *v)
{
    if (!v)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory building the response");
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(v);
    if (!text)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory building the response");
    kt_buf_reset(&resp->body);
    int rc = kt_buf_adds(&resp->body, text);
    if (rc == 0)
        rc = kt_buf_addc(&resp->body, '\n');
    free(text);
    if (rc != 0)
        return kt_err_set(&req->err, rc, "the response is too large");
    resp->status = status;
    resp->content_type = "application/json";
    return 0;
}

int web_resp_redirect(struct web_req *req, struct web_resp *resp, const char *location)
{
    /* Only local paths: "//host" would leave the site. */
    if (location[0] != '/' || location[1] == '/' || location[1] == '\\')
        location = "/";
    resp->status = 303;
    resp->content_type = "text/plain; charset=utf-8";
    kt_buf_reset(&resp->body);
    if (web_resp_header(req, resp, "Location", location) != 0)
        return kt_err_set(&req->err, KT_ELIMIT, "too many response headers");
    return 0;
}

const char *web_req_query(const struct web_req *req, const char *name)
{
    for (size_t i = 0; i < req->nquery; i++)
        if (strcmp(req->query[i].name, name) == 0)
            return req->query[i].value;
    return NULL;
}

static const char *form_value(const struct web_req *req, const char *name)
{
    for (size_t i = 0; i < req->nform; i++)
        if (strcmp(req->form[i].name, name) == 0)
            return req->form[i].value;
    return NULL;
}

const char *web_req_form_text(const struct web_req *req, const char *name)
{
    return form_value(req, name);
}

const struct web_upload *web_req_upload(const struct web_req *req, const char *name)
{
    for (size_t i = 0; i < req->nuploads; i++)
        if (strcmp(req->uploads[i].field, name) == 0 &&
            (req->uploads[i].len > 0 || req->uploads[i].filename[0]))
            return &req->uploads[i];
    return NULL;
}

const struct web_value *web_req_value(const struct web_req *req, const char *name)
{
    static const struct web_value absent = {0};
    if (!req->route || !req->values)
        return &absent;
    const struct web_field *f = req->route->fields;
    for (size_t i = 0; f && f[i].name; i++)
        if (strcmp(f[i].name, name) == 0)
            return &req->values[i];
    return &absent;
}

/* ---- the table ---------------------------------------------------------------- */

size_t web_route_nfields(const struct web_route *r)
{
    size_t n = 0;
    while (r->fields && r->fields[n].name)
        n++;
    return n;
}

static const struct web_field *find_field(const struct web_route *r, const char *name, size_t len,
                                          enum web_from from)
{
    for (size_t i = 0; r->fields && r->fields[i].name; i++)
        if (r->fields[i].from == from && strlen(r->fields[i].name) == len &&
            strncmp(r->fields[i].name, name, len) == 0)
            return &r->fields[i];
    return NULL;
}

int web_routes_check(const struct web_route *table, size_t n, struct kt_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct web_route *r = &table[i];
        const char *m = web_method_name(r->method);
        if (!*m || !r->pattern || r->pattern[0] != '/' || !r->handler)
            return kt_err_set(err, KT_EINTERNAL, "route %zu (%s %s) is incomplete", i, m,
                              r->pattern ? r->pattern : "?");
        if (r->perm && !access_permission_find(r->perm))
            return kt_err_set(err, KT_EINTERNAL, "route %s %s needs '%s', which is not a permission",
                              m, r->pattern, r->perm);
        if (r->perm && r->auth == WEB_PUBLIC)
            return kt_err_set(err, KT_EINTERNAL, "route %s %s needs a permission but is public", m,
                              r->pattern);
        size_t params = 0;
        for (const char *p = r->pattern; (p = strchr(p, '{')) != NULL;) {
            const char *close = strchr(p, '}');
            if (!close)
                return kt_err_set(err, KT_EINTERNAL, "route %s %s has an unclosed '{'", m,
                                  r->pattern);
            if (!find_field(r, p + 1, (size_t)(close - p - 1), WEB_FROM_PATH))
                return kt_err_set(err, KT_EINTERNAL,
                                  "route %s %s: path parameter %.*s is not a declared field", m,
                                  r->pattern, (int)(close - p - 1), p + 1);
            params++;
            p = close + 1;
        }
        if (params > WEB_PARAMS_MAX)
            return kt_err_set(err, KT_EINTERNAL, "route %s %s has too many parameters", m,
                              r->pattern);
        for (size_t k = 0; r->fields && r->fields[k].name; k++) {
            if (r->fields[k].from != WEB_FROM_PATH)
                continue;
            char want[128];
            snprintf(want, sizeof want, "{%s}", r->fields[k].name);
            if (!strstr(r->pattern, want))
                return kt_err_set(err, KT_EINTERNAL, "route %s %s declares path field %s that "
                                  "its pattern lacks", m, r->pattern, r->fields[k].name);
        }
        for (size_t j = 0; j < i; j++)
            if (table[j].method == r->method && strcmp(table[j].pattern, r->pattern) == 0)
                return kt_err_set(err, KT_EINTERNAL, "route %s %s is in the table twice", m,
                                  r->pattern);
    }
    return 0;
}

json_t *web_routes_json(const struct web_route *table, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        const struct web_route *r = &table[i];
        json_t *fields = json_array();
        for (size_t k = 0; fields && r->fields && r->fields[k].name; k++) {
            const struct web_field *f = &r->fields[k];
            json_array_append_new(fields, json_pack("{s:s, s:s, s:s, s:b}", "name", f->name,
                                                    "type", web_type_name(f->type), "from",
                                                    from_name(f->from), "required", f->required));
        }
        json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:o*}", "method",
                                web_method_name(r->method), "pattern", r->pattern, "area",
                                web_area_name(r->area), "auth", auth_name(r->auth), "perm", r->perm,
                                "csrf", csrf_name(r->csrf), "summary",
                                r->summary ? r->summary : "", "fields", fields);
        if (!row || json_array_append_new(list, row) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

/* ---- matching ------------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *web_percent_decode(struct kt_arena *a, const char *s, size_t n, int plus_space)
{
    char *out = kt_arena_alloc(a, n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n)
                return NULL;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_space) {
            out[o++] = ' ';
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    return out;
}

/*
 * Route matching. The path is split into its segments once; each route's
 * pattern is compared segment by segment, a mismatch usually at the first
 * one, without allocating: only a segment holding a %-escape is decoded
 * (once, for every route that looks at it), and parameter names are copied
 * for the route that matched.
 */
#define PATH_SEGS_MAX 32

struct path_seg {
    const char *raw; /* into the raw path, not terminated */
    size_t len;
    int escaped;     /* holds a '%' */
    const char *dec; /* decoded, when needed: NULL not yet */
    int bad;         /* malformed escape or encoded NUL */
};

struct path {
    const char *raw;
    struct path_seg seg[PATH_SEGS_MAX];
    size_t n;
    int more; /* segments beyond PATH_SEGS_MAX (only a "*" can take them) */
};

static int split_path(const char *raw, struct path *pp)
{
    memset(pp, 0, sizeof *pp);
    pp->raw = raw;
    if (raw[0] != '/')
        return 0;
    const char *s = raw;
    while (*s == '/') {
        s++;
        if (pp->n == PATH_SEGS_MAX) {
            pp->more = 1;
            break;
        }
        size_t len = strcspn(s, "/");
        struct path_seg *g = &pp->seg[pp->n++];
        g->raw = s;
        g->len = len;
        g->escaped = memchr(s, '%', len) != NULL;
        s += len;
    }
    return 1;
}

/* The decoded text of a segment (from the arena), NULL when malformed. */
static const char *seg_text(struct path_seg *g, struct kt_arena *a)
{
    if (!g->dec && !g->bad) {
        g->dec = web_percent_decode(a, g->raw, g->len, 0);
        g->bad = g->dec == NULL;
    }
    return g->dec;
}

/* Matches one route's pattern against the split path; with m, fills its
 * parameters and rest. A literal segment is compared as the bytes go, so
 * that most routes are ruled out at their first byte. */
static int match_pattern(const char *pattern, struct path *pp, struct kt_arena *a,
                         struct web_match *m)
{
    const char *p = pattern;
    size_t i = 0;
    if (m) {
        m->nparams = 0;
        m->rest = NULL;
    }
    while (*p) {
        if (*p != '/')
            return 0;
        p++;
        if (p[0] == '*' && p[1] == '\0') {
            /* the rest: decoded as a whole; an encoded '/' would let a name
             * differ from what the segments say, so it is refused */
            if (i >= pp->n)
                return 0;
            const char *raw = pp->seg[i].raw;
            char *rest = web_percent_decode(a, raw, strlen(raw), 0);
            if (!rest || strstr(raw, "%2f") || strstr(raw, "%2F"))
                return 0;
            if (m)
                m->rest = rest;
            return 1;
        }
        if (i >= pp->n)
            return 0;
        struct path_seg *g = &pp->seg[i++];
        if (p[0] == '{') {
            size_t plen = strcspn(p, "/");
            if (g->len == 0 || !seg_text(g, a))
                return 0;
            if (m) {
                if (m->nparams == WEB_PARAMS_MAX)
                    return 0;
                char *name = kt_arena_strndup(a, p + 1, plen - 2);
                if (!name)
                    return 0;
                m->names[m->nparams] = name;
                m->values[m->nparams] = g->dec;
                m->nparams++;
            }
            p += plen;
        } else if (!g->escaped) {
            size_t k = 0;
            while (k < g->len && p[k] == g->raw[k])
                k++;
            if (k < g->len || (p[k] != '/' && p[k] != '\0'))
                return 0;
            p += k;
        } else {
            size_t plen = strcspn(p, "/");
            const char *v = seg_text(g, a);
            if (!v || strlen(v) != plen || strncmp(v, p, plen) != 0)
                return 0;
            p += plen;
        }
    }
    return i == pp->n && !pp->more;
}

enum web_match_result web_route_match(const struct web_route *table, size_t n,
                                      enum web_method method, const char *raw_path,
                                      struct kt_arena *a, struct web_match *out)
{
    memset(out, 0, sizeof *out);
    enum web_method want = method == WEB_HEAD ? WEB_GET : method;
    const struct web_route *found = NULL;
    struct path pp;
    if (!split_path(raw_path, &pp))
        return WEB_MATCH_NO_PATH;
    for (size_t i = 0; i < n; i++) {
        if (!match_pattern(table[i].pattern, &pp, a, NULL))
            continue;
        out->allowed |= table[i].method;
        if (table[i].method == WEB_GET)
            out->allowed |= WEB_HEAD;
        if (!found && table[i].method == want)
            found = &table[i];
    }
    if (!found)
        return out->allowed ? WEB_MATCH_NO_METHOD : WEB_MATCH_NO_PATH;
    unsigned allowed = out->allowed;
    if (!match_pattern(found->pattern, &pp, a, out))
        return WEB_MATCH_NO_PATH; /* out of memory for a parameter name */
    out->allowed = allowed;
    out->route = found;
    return WEB_MATCH_OK;
}

/* ---- errors --------------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum web_area guess_area(const char *path)
{
    if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0)
        return WEB_AREA_API;
    if (strncmp(path, "/static/", 8) == 0)
        return WEB_AREA_STATIC;
    if (strncmp(path, "/portal/", 8) == 0)
        return WEB_AREA_PORTAL;
    return WEB_AREA_BACKOFFICE;
}

static const char *word_for_status(int status)
{
    switch (status) {
    case 400:
        return "invalid_request";
    case 401:
        return "unauthorized";
    case 403:
        return "forbidden";
    case 404:
        return "not_found";
    case 405:
        return "method_not_allowed";
    case 409:
        return "conflict";
    case 412:
        return "precondition_failed";
    case 413:
        return "payload_too_large";
    case 415:
        return "unsupported_media_type";
    case 422:
        return "unprocessable";
    case 428:
        return "precondition_required";
    case 429:
        return "too_many_requests";
    case 431:
        return "header_too_large";
    case 503:
        return "unavailable";
    default:
        return "internal";
    }
}

/* The status a handler's error code stands for. */
static int status_for_code(int code)
{
    switch (code) {
    case KT_EINVAL:
    case KT_EOVERFLOW:
        return 422;
    case KT_ENOTFOUND:
        return 404;
    case KT_EEXIST:
    case KT_EFOREIGN:
        return 409;
    case KT_ECONFLICT:
        return 412;
    case KT_EPERM:
        return 403;
    case KT_ELIMIT:
        return 413;
    case KT_EBUSY:
    case KT_EUNAVAIL:
        return 503;
    default:
        return 500;
    }
}

void web_error(struct web_req *req, struct web_resp *resp, int status, const char *code,
               const char *message, const char *field)
{
    enum web_area area = req->route ? req->route->area : guess_area(req->path);
    resp->fixed = NULL;
    resp->fixed_len = 0;
    kt_buf_reset(&resp->body);
    if (!code)
        code = word_for_status(status);
    if (area == WEB_AREA_API) {
        json_t *e = json_pack("{s:s, s:s, s:s?}", "code", code, "message", message, "field",
                              field);
        if (web_resp_json(req, resp, status, json_pack("{s:o*}", "error", e)) == 0)
            return;
        resp->status = status;
        resp->content_type = "application/json";
        kt_buf_reset(&resp->body);
        kt_buf_adds(&resp->body, "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}\n");
        return;
    }
    resp->status = status;
    if (area == WEB_AREA_STATIC) {
        resp->content_type = "text/plain; charset=utf-8";
        kt_buf_printf(&resp->body, "%d %s\n", status, message);
        return;
    }
    web_page_error(req, resp, status, code, message);
}

/* Answers a handler's or a check's failure recorded in req. */
static void fail_from_err(struct web_req *req, struct web_resp *resp, int code)
{
    int status = req->fail_status ? req->fail_status : status_for_code(code);
    const char *msg = req->err.msg[0] ? req->err.msg : "the request failed";
    if (status >= 500) {
        kt_log_error("http.error", "method=%s path=\"%s\" code=%s msg=\"%s\"",
                     req->method_name ? req->method_name : "?", req->path, kt_err_name(code),
                     req->err.msg);
        if (status == 500)
            msg = "internal error; the details are in the server log";
    }
    if (status == 503)
        web_resp_header(req, resp, "Retry-After", "1");
    web_error(req, resp, status, req->fail_code, msg, req->err_field);
}

int web_resp_cookie(struct web_req *req, struct web_resp *resp, const char *name,
                    const char *value, long max_age_s)
{
    const struct web_options *o = web_server_options(req->srv);
    char age[48] = "";
    if (max_age_s >= 0)
        snprintf(age, sizeof age, "; Max-Age=%ld", max_age_s);
    const char *c = kt_arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name,
                                    value, o->secure_cookies ? "; Secure" : "", age);
    if (!c)
        return KT_ENOMEM;
    return web_resp_header(req, resp, "Set-Cookie", c);
}

/* ---- the steps before the handler ------------------------------------------ */

static int token_from_header(const char *authz, const char **token)
{
    if (strncasecmp(authz, "Bearer ", 7) != 0)
        return -1;
    const char *t = authz + 7;
    while (*t == ' ')
        t++;
    *token = t;
    return *t ? 0 : -1;
}

/* Finds who is asking. Returns 0 (req->who set or left NULL), or a code
 * with req's failure recorded. Only reads; *checked is the principal whose
 * bookkeeping (access_touch) is due after the request, or NULL. */
static int authenticate(struct web_req *req, struct web_resp *resp,
                        struct access_principal **checked)
{
    const struct web_route *r = req->route;
    if (r->area == WEB_AREA_STATIC)
        return 0;
    const char *authz = r->area == WEB_AREA_API ? web_req_header(req, "Authorization") : NULL;
    const char *cookie = web_req_cookie(req, SESSION_COOKIE);
    if (!authz && !cookie)
        return 0;
    struct store *st;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    struct access_principal *p = kt_arena_zalloc(req->arena, sizeof *p);
    if (!p)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    if (authz) {
        const char *token;
        if (token_from_header(authz, &token) != 0)
            return web_fail(req, KT_EPERM, 401, "unauthorized", NULL,
                            "the Authorization header must be 'Bearer kt_...'");
        rc = access_token_check(st, token, now_ms(), p, &err);
        *checked = p;
        if (rc == KT_EPERM)
            return web_fail(req, KT_EPERM, 401, "invalid_token", NULL, "%s", err.msg);
        if (rc != 0) {
            req->err = err;
            return rc;
        }
        req->who = p;
        return 0;
    }
    rc = access_session_check(st, cookie, now_ms(), p, &err);
    *checked = p;
    if (rc == KT_EPERM) {
        /* an expired or unknown session: forget the cookie */
        web_resp_cookie(req, resp, SESSION_COOKIE, "", 0);
        return 0;
    }
    if (rc != 0) {
        req->err = err;
        return rc;
    }
    req->who = p;
    req->session_token = cookie;
    return 0;
}

/* Refuses a caller who may not use the route. */
static int authorize(struct web_req *req, struct web_resp *resp, int *redirected)
{
    const struct web_route *r = req->route;
    *redirected = 0;
    if (r->auth == WEB_PUBLIC)
        return 0;
    if (!req->who) {
        if (r->area == WEB_AREA_API) {
            web_resp_header(req, resp, "WWW-Authenticate", "Bearer realm=\"kontor\"");
            return web_fail(req, KT_EPERM, 401, "unauthorized", NULL,
                            "log in or send 'Authorization: Bearer kt_...'");
        }
        const char *next = req->method == WEB_GET ? req->path : "/";
        char enc[1024];
        size_t o = 0;
        for (const char *c = next; *c && o + 4 < sizeof enc; c++) {
            unsigned char u = (unsigned char)*c;
            if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                u == '/' || u == '-' || u == '_' || u == '.') {
                enc[o++] = (char)u;
            } else {
                snprintf(enc + o, 4, "%%%02X", u);
                o += 3;
            }
        }
        enc[o] = '\0';
        *redirected = 1;
        return web_resp_redirect(req, resp, kt_arena_printf(req->arena, "/login?next=%s", enc));
    }
    if (r->auth == WEB_STAFF && req->who->user.kind != ACCESS_STAFF)
        return web_fail(req, KT_EPERM, 403, "forbidden", NULL,
                        "this page is for staff users; customer users work in the portals");
    if (r->perm && !access_can(&req->who->perms, r->perm))
        return web_fail(req, KT_EPERM, 403, "forbidden", NULL,
                        "you do not have the permission %s; ask an administrator", r->perm);
    return 0;
}

static int media_type_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

#define FORM_PAIRS_MAX 1000

static int parse_form(struct web_req *req)
{
    size_t cap = 1;
    for (const char *c = req->body; *c; c++)
        cap += *c == '&';
    if (cap > FORM_PAIRS_MAX)
        return web_fail(req, KT_ELIMIT, 413, NULL, NULL, "the form has more than %d fields",
                        FORM_PAIRS_MAX);
    req->form = kt_arena_alloc(req->arena, cap * sizeof *req->form);
    if (!req->form)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory reading the form");
    const char *p = req->body;
    while (*p) {
        size_t len = strcspn(p, "&");
        size_t eq = strcspn(p, "=");
        if (eq > len)
            eq = len;
        if (len > 0) {
            char *name = web_percent_decode(req->arena, p, eq, 1);
            char *value = eq < len ? web_percent_decode(req->arena, p + eq + 1, len - eq - 1, 1)
                                   : kt_arena_strdup(req->arena, "");
            if (!name || !value)
                return web_fail(req, KT_EINVAL, 400, "invalid_form", NULL,
                                "the form body has a malformed %%-escape");
            req->form[req->nform].name = name;
            req->form[req->nform].value = value;
            req->nform++;
        }
        p += len;
        if (*p == '&')
            p++;
    }
    return 0;
}

static int parse_body(struct web_req *req)
{
    const struct web_route *r = req->route;
    if (req->body_len == 0)
        return 0;
    const char *ct = web_req_header(req, "Content-Type");
    /* files may hold any bytes, NUL included: the post processor reads
     * them by length */
    if (r->multipart && media_type_is(ct, "multipart/form-data"))
        return web_multipart_parse(req);
    if (strlen(req->body) != req->body_len)
        return web_fail(req, KT_EINVAL, 400, "invalid_body", NULL,
                        "the request body must not contain NUL bytes");
    if (r->area == WEB_AREA_API) {
        if (!media_type_is(ct, "application/json"))
            return web_fail(req, KT_EINVAL, 415, NULL, NULL,
                            "send the body as Content-Type: application/json");
        if (!web_utf8_valid(req->body, req->body_len))
            return web_fail(req, KT_EINVAL, 400, "invalid_utf8", NULL,
                            "the request body is not valid UTF-8");
        json_error_t je;
        req->json = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
        if (!req->json)
            return web_fail(req, KT_EINVAL, 400, "invalid_json", NULL,
                            "the body is not valid JSON: %s (line %d, column %d)", je.text, je.line,
                            je.column);
        if (!json_is_object(req->json))
            return web_fail(req, KT_EINVAL, 400, "invalid_json", NULL,
                            "the body must be a JSON object");
        const char *k;
        json_t *v;
        json_object_foreach(req->json, k, v) {
            if (!find_field(r, k, strlen(k), WEB_FROM_BODY)) {
                (void)v;
                return web_fail(req, KT_EINVAL, 400, "unknown_field",
                                kt_arena_strdup(req->arena, k),
                                "field '%s' is not part of this request", k);
            }
        }
        return 0;
    }
    if (!media_type_is(ct, "application/x-www-form-urlencoded"))
        return web_fail(req, KT_EINVAL, 415, NULL, NULL,
                        r->multipart ? "send the form as multipart/form-data"
                                     : "send the form as application/x-www-form-urlencoded");
    return parse_form(req);
}

static int check_csrf(struct web_req *req)
{
    const struct web_route *r = req->route;
    if (r->csrf == WEB_CSRF_NONE)
        return 0;
    const char *sent = web_req_header(req, "X-CSRF-Token");
    if (!sent)
        sent = form_value(req, "_csrf");
    if (r->csrf == WEB_CSRF_SESSION) {
        if (req->who && req->who->token_id != 0)
            return 0;
        if (req->who && access_csrf_ok(req->who, sent))
            return 0;
    } else {
        const char *cookie = web_req_cookie(req, LOGIN_COOKIE);
        if (cookie && sent && strlen(cookie) >= 16 && strlen(cookie) == strlen(sent) &&
            sodium_memcmp(cookie, sent, strlen(sent)) == 0)
            return 0;
    }
    return web_fail(req, KT_EPERM, 403, "csrf", NULL,
                    "the form has expired or did not come from Kontor; reload the page and try "
                    "again");
}

static int check_inputs(struct web_req *req, const struct web_match *m)
{
    const struct web_route *r = req->route;
    size_t n = web_route_nfields(r);
    req->values = kt_arena_zalloc(req->arena, (n ? n : 1) * sizeof *req->values);
    req->field_errors = kt_arena_zalloc(req->arena, (n ? n : 1) * sizeof *req->field_errors);
    if (!req->values || !req->field_errors)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    if (r->area == WEB_AREA_API) {
        for (size_t i = 0; i < req->nquery; i++) {
            const char *q = req->query[i].name;
            if (!find_field(r, q, strlen(q), WEB_FROM_QUERY))
                return web_fail(req, KT_EINVAL, 400, "unknown_field", q,
                                "query parameter '%s' is not part of this request", q);
        }
    }
    /* HTML forms read amounts the way the user's language writes them. */
    const char *lang = r->area == WEB_AREA_API ? NULL : req->lang;
    for (size_t i = 0; i < n; i++) {
        const struct web_field *f = &r->fields[i];
        struct kt_err err;
        kt_err_clear(&err);
        int rc = 0;
        const char *text = NULL;
        int from_json = 0;
        if (f->from == WEB_FROM_PATH) {
            for (size_t k = 0; k < m->nparams; k++)
                if (strcmp(m->names[k], f->name) == 0)
                    text = m->values[k];
        } else if (f->from == WEB_FROM_QUERY) {
            text = web_req_query(req, f->name);
        } else if (r->area == WEB_AREA_API) {
            from_json = 1;
        } else {
            text = form_value(req, f->name);
        }
        if (from_json) {
            json_t *v = req->json ? json_object_get(req->json, f->name) : NULL;
            rc = web_input_json(f, v, req->arena, &req->values[i], &err);
        } else if (text && (*text || f->type == WEB_STRING)) {
            rc = web_input_text(f, text, lang, req->arena, &req->values[i], &err);
        }
        if (rc == 0 && f->required && !req->values[i].present)
            rc = kt_err_set(&err, KT_EINVAL, "field '%s' is required", f->name);
        if (rc == 0 && f->required && f->type == WEB_STRING && req->values[i].text &&
            !*req->values[i].text)
            rc = kt_err_set(&err, KT_EINVAL, "field '%s' is required", f->name);
        if (rc == KT_EINVAL && r->form && f->from == WEB_FROM_BODY) {
            req->field_errors[i] = kt_arena_strdup(req->arena, err.msg);
            req->nfield_errors++;
            memset(&req->values[i], 0, sizeof req->values[i]);
            continue;
        }
        if (rc != 0) {
            req->err = err;
            req->fail_status = rc == KT_ENOMEM ? 500 : 400;
            req->fail_code = "invalid_field";
            req->err_field = f->name;
            return rc;
        }
    }
    return 0;
}

void web_router_handle(struct web_req *req, const char *raw_path, struct web_resp *resp)
{
    size_t n;
    const struct web_route *table = web_routes(&n);
    struct web_match m;
    enum web_match_result mr =
        req->method ? web_route_match(table, n, req->method, raw_path, req->arena, &m)
                    : WEB_MATCH_NO_PATH;
    req->lang = web_i18n_pick(NULL, web_req_header(req, "Accept-Language"));
    if (!req->method) {
        web_resp_header(req, resp, "Allow", "GET, HEAD, POST, PUT, PATCH, DELETE");
        web_error(req, resp, 405, NULL, "this method is not supported", NULL);
        return;
    }
    if (mr == WEB_MATCH_NO_PATH) {
        web_error(req, resp, 404, NULL, "there is nothing at this address", NULL);
        return;
    }
    if (mr == WEB_MATCH_NO_METHOD) {
        char allow[128] = "";
        static const enum web_method order[] = {WEB_GET, WEB_HEAD, WEB_POST, WEB_PUT, WEB_PATCH,
                                                WEB_DELETE};
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
            if (!(m.allowed & order[i]))
                continue;
            size_t used = strlen(allow);
            snprintf(allow + used, sizeof allow - used, "%s%s", used ? ", " : "",
                     web_method_name(order[i]));
        }
        web_resp_header(req, resp, "Allow", allow);
        web_error(req, resp, 405, NULL,
                  kt_arena_printf(req->arena, "%s is not allowed here; use %s",
                                  req->method_name, allow),
                  NULL);
        return;
    }
    req->route = m.route;
    req->path_rest = m.rest;
    struct store *st = NULL;
    struct access_principal *checked = NULL;
    int redirected = 0;
    int rc = 0;
    /* a reading route sees one snapshot: one transaction for the session
     * or token check and the handler (on SQLite one lock round trip instead
     * of one per statement) */
    if (m.route->snapshot && (rc = web_req_db(req, &st, &req->err)) == 0)
        rc = store_begin_read(st, &req->err);
    if (rc == 0)
        rc = authenticate(req, resp, &checked);
    if (rc == 0) {
        /* the language chosen in this browser's top bar, then the user's
         * setting, then Accept-Language: every user has a setting ("pl"
         * unless chosen), so the switcher must come first to work at all */
        const char *pref = web_req_cookie(req, "kontor_lang");
        if ((!pref || (strcmp(pref, "pl") != 0 && strcmp(pref, "en") != 0)) && req->who)
            pref = req->who->user.lang;
        req->lang = web_i18n_pick(pref, web_req_header(req, "Accept-Language"));
    }
    if (rc == 0)
        rc = authorize(req, resp, &redirected);
    if (rc == 0 && !redirected)
        rc = parse_body(req);
    if (rc == 0 && !redirected)
        rc = check_csrf(req);
    if (rc == 0 && !redirected)
        rc = check_inputs(req, &m);
    if (rc == 0 && !redirected) {
        resp->status = 200;
        rc = m.route->handler(req, resp);
    }
    if (st && store_in_tx(st))
        store_rollback(st); /* the end of a read transaction: nothing to keep */
    if (rc == KT_EUNAVAIL) {
        web_db_discard();
    } else if (checked && checked->touch != ACCESS_TOUCH_NONE) {
        /* last seen / last used, after the read transaction: a write inside
         * it could fail at once on SQLite when another connection wrote
         * since it began. Bookkeeping: a failure is logged, the answer
         * stands, and the next request tries again. */
        struct kt_err err;
        kt_err_clear(&err);
        if (web_req_db(req, &st, &err) != 0 || access_touch(st, checked, &err) != 0)
            kt_log_warn("http.touch", "path=\"%s\" msg=\"%s\"", req->path, err.msg);
    }
    if (rc != 0)
        fail_from_err(req, resp, rc);
}
