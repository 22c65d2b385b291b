#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access.h"
#include "base/date.h"
#include "web/api.h"
#include "web/input.h"
#include "web/router.h"
#include "web/server.h"
#include "base/banned.h"

void web_api_page(const struct web_req *req, int64_t *page, int64_t *per_page)
{
    const struct web_value *p = web_req_value(req, "page");
    const struct web_value *pp = web_req_value(req, "per_page");
    *page = p->present ? p->num : 1;
    *per_page = pp->present ? pp->num : WEB_PER_PAGE_DEFAULT;
}

json_t *web_api_list(json_t *items, int64_t page, int64_t per_page, int64_t total)
{
    return json_pack("{s:o*, s:I, s:I, s:I}", "items", items, "page", (json_int_t)page, "per_page",
                     (json_int_t)per_page, "total", (json_int_t)total);
}

int web_api_etag(struct web_req *req, struct web_resp *resp, int64_t version)
{
    char tag[40];
    snprintf(tag, sizeof tag, "\"v%lld\"", (long long)version);
    if (web_resp_header(req, resp, "ETag", tag) != 0)
        return kt_err_set(&req->err, KT_ELIMIT, "too many response headers");
    return 0;
}

int web_api_if_match(struct web_req *req, int64_t *version)
{
    const char *h = web_req_header(req, "If-Match");
    if (!h)
        return web_fail(req, KT_EINVAL, 428, "precondition_required", NULL,
                        "send If-Match with the ETag you read, so that a change made by "
                        "someone else in the meantime is not overwritten");
    const char *p = h;
    while (*p == ' ')
        p++;
    if (strncmp(p, "W/", 2) == 0)
        p += 2;
    if (*p == '"')
        p++;
    if (*p != 'v' || !isdigit((unsigned char)p[1]))
        return web_fail(req, KT_EINVAL, 400, "invalid_header", NULL,
                        "If-Match must be an ETag of this API such as \"v3\"");
    char *end;
    errno = 0;
    long long v = strtoll(p + 1, &end, 10);
    if (errno || (*end != '"' && *end != '\0' && *end != ' ') || v < 1)
        return web_fail(req, KT_EINVAL, 400, "invalid_header", NULL,
                        "If-Match must be an ETag of this API such as \"v3\"");
    *version = v;
    return 0;
}

/* ---- JSON without a tree -------------------------------------------------------- */

void web_jw_init(struct web_jw *w, struct kt_buf *b)
{
    memset(w, 0, sizeof *w);
    w->b = b;
    w->first[0] = 1;
}

static void jw_add(struct web_jw *w, const char *s, size_t n)
{
    if (w->rc == 0)
        w->rc = kt_buf_add(w->b, s, n);
}

/* A JSON string, escaped as jansson does with JSON_ENSURE_ASCII: \" \\
 * \b \f \n \r \t, other controls and every code point above 0x7F as
 * \uXXXX (a surrogate pair above 0xFFFF). */
static void jw_string(struct web_jw *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0, i = 0, n = strlen(s);
    jw_add(w, "\"", 1);
    while (i < n && w->rc == 0) {
        unsigned c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        jw_add(w, s + run, i - run);
        char esc[13];
        size_t elen = 2;
        esc[0] = '\\';
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            i++;
        } else if (c < 0x20) {
            static const char short_esc[0x20] = {
                ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'};
            if (short_esc[c]) {
                esc[1] = short_esc[c];
            } else {
                memcpy(esc + 1, "u00", 3);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                elen = 6;
            }
            i++;
        } else {
            /* a multi-byte UTF-8 sequence: its code point */
            size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (c < 0xC2 || c > 0xF4 || i + len > n || !web_utf8_valid(s + i, len)) {
                w->rc = KT_EINVAL;
                break;
            }
            uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
            for (size_t k = 1; k < len; k++)
                cp = (cp << 6) | (p[i + k] & 0x3F);
            uint32_t units[2] = {cp, 0};
            size_t nunits = 1;
            if (cp > 0xFFFF) {
                cp -= 0x10000;
                units[0] = 0xD800 | (cp >> 10);
                units[1] = 0xDC00 | (cp & 0x3FF);
                nunits = 2;
            }
            elen = 0;
            for (size_t k = 0; k < nunits; k++) {
                esc[elen++] = '\\';
                esc[elen++] = 'u';
                for (int shift = 12; shift >= 0; shift -= 4)
                    esc[elen++] = hex[(units[k] >> shift) & 15];
            }
            i += len;
        }
        jw_add(w, esc, elen);
        run = i;
    }
    jw_add(w, s + run, i - run);
    jw_add(w, "\"", 1);
}

/* The separator and the key before a value. */
static void jw_member(struct web_jw *w, const char *key)
{
    if (!w->first[w->depth])
        jw_add(w, ",", 1);
    w->first[w->depth] = 0;
    if (key) {
        jw_string(w, key);
        jw_add(w, ":", 1);
    }
}

static void jw_open(struct web_jw *w, const char *key, int array)
{
    jw_member(w, key);
    if (w->rc == 0 && w->depth == WEB_JW_DEPTH)
        w->rc = KT_EINTERNAL; /* nested deeper than any answer of ours */
    jw_add(w, array ? "[" : "{", 1);
    if (w->rc != 0)
        return;
    w->depth++;
    w->first[w->depth] = 1;
    w->array[w->depth] = (unsigned char)array;
}

void web_jw_object(struct web_jw *w, const char *key)
{
    jw_open(w, key, 0);
}

void web_jw_array(struct web_jw *w, const char *key)
{
    jw_open(w, key, 1);
}

void web_jw_close(struct web_jw *w)
{
    if (w->rc != 0 || w->depth == 0)
        return;
    jw_add(w, w->array[w->depth] ? "]" : "}", 1);
    w->depth--;
}

void web_jw_str(struct web_jw *w, const char *key, const char *v)
{
    jw_member(w, key);
    if (v)
        jw_string(w, v);
    else
        jw_add(w, "null", 4);
}

void web_jw_int(struct web_jw *w, const char *key, int64_t v)
{
    char num[24];
    jw_member(w, key);
    int n = snprintf(num, sizeof num, "%lld", (long long)v);
    jw_add(w, num, (size_t)n);
}

void web_jw_bool(struct web_jw *w, const char *key, int v)
{
    jw_member(w, key);
    jw_add(w, v ? "true" : "false", v ? 4 : 5);
}

void web_jw_null(struct web_jw *w, const char *key)
{
    jw_member(w, key);
    jw_add(w, "null", 4);
}

int web_resp_jw(struct web_req *req, struct web_resp *resp, int status, struct web_jw *w)
{
    if (w->rc == 0 && w->depth != 0)
        w->rc = KT_EINTERNAL;
    jw_add(w, "\n", 1);
    if (w->rc == KT_ENOMEM)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory building the response");
    if (w->rc == KT_ELIMIT)
        return kt_err_set(&req->err, KT_ELIMIT, "the response is too large");
    if (w->rc != 0)
        return kt_err_set(&req->err, KT_EINTERNAL, "the response cannot be written as JSON (%s)",
                          kt_err_name(w->rc));
    resp->status = status;
    resp->content_type = "application/json";
    resp->fixed = NULL;
    return 0;
}

/* ---- handlers ------------------------------------------------------------------ */

int web_api_index(struct web_req *req, struct web_resp *resp)
{
    size_t n;
    const struct web_route *all = web_routes(&n);
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        if (all[i].area != WEB_AREA_API)
            continue;
        json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:s}", "method",
                                              web_method_name(all[i].method), "path",
                                              all[i].pattern, "permission", all[i].perm, "summary",
                                              all[i].summary ? all[i].summary : ""));
    }
    return web_resp_json(req, resp, 200,
                         json_pack("{s:s, s:o*}", "version", "v1", "endpoints", list));
}

int web_api_me(struct web_req *req, struct web_resp *resp)
{
    const struct access_principal *w = req->who;
    json_t *perms = json_array();
    size_t n;
    const struct access_permission *all = access_permissions(&n);
    for (size_t i = 0; perms && i < n; i++)
        if (access_can(&w->perms, all[i].code))
            json_array_append_new(perms, json_string(all[i].code));
    json_t *me =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o*}", "id", (json_int_t)w->user.id, "login",
                  w->user.login, "name", w->user.name, "kind", access_user_kind_name(w->user.kind),
                  "lang", w->user.lang[0] ? w->user.lang : "pl", "via",
                  w->token_id ? "token" : "session", "permissions", perms);
    if (me && w->user.kind == ACCESS_CUSTOMER)
        json_object_set_new(me, "customer_id", json_integer(w->user.customer_id));
    return web_resp_json(req, resp, 200, me);
}

static json_t *token_json(const struct access_api_token *t)
{
    char exp[KT_TIME_ISO_SIZE], used[KT_TIME_ISO_SIZE], created[KT_TIME_ISO_SIZE];
    kt_time_format_utc(t->created_at / 1000, created);
    if (t->expires_at)
        kt_time_format_utc(t->expires_at / 1000, exp);
    if (t->last_used_at)
        kt_time_format_utc(t->last_used_at / 1000, used);
    return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:b}", "id", (json_int_t)t->id, "name",
                     t->name, "scopes", t->scopes, "created_at", created, "expires_at",
                     t->expires_at ? exp : NULL, "last_used_at", t->last_used_at ? used : NULL,
                     "revoked", t->revoked);
}

int web_api_tokens_list(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct access_api_token *tokens;
    size_t n;
    int64_t page, per_page;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = access_token_list(st, req->who->user.id, req->arena, &tokens, &n, &req->err);
    if (rc != 0)
        return rc;
    web_api_page(req, &page, &per_page);
    json_t *items = json_array();
    int64_t first = (page - 1) * per_page;
    for (int64_t i = first; items && i < (int64_t)n && i < first + per_page; i++)
        json_array_append_new(items, token_json(&tokens[i]));
    return web_resp_json(req, resp, 200, web_api_list(items, page, per_page, (int64_t)n));
}

/* With a token, a new token may not reach further than the one used. */
static int scopes_within_caller(struct web_req *req, const char *scopes)
{
    if (!req->who->token_id)
        return 0;
    const char *p = scopes;
    while (*p) {
        size_t skip = strspn(p, " ,");
        p += skip;
        size_t len = strcspn(p, " ,");
        if (len == 0)
            break;
        char code[128];
        snprintf(code, sizeof code, "%.*s", (int)len, p);
        /* an unknown code is access_token_create's to refuse (422) */
        if (access_permission_find(code) && !access_can(&req->who->perms, code))
            return web_fail(req, KT_EPERM, 403, "forbidden", "scopes",
                            "the token you are using does not have the scope %s, so it cannot "
                            "give it to a new token",
                            code);
        p += len;
    }
    return 0;
}

int web_api_token_create(struct web_req *req, struct web_resp *resp)
{
    const char *name = web_req_value(req, "name")->text;
    const char *scopes = web_req_value(req, "scopes")->text;
    const struct web_value *exp = web_req_value(req, "expires_on");
    int64_t expires_at = 0;
    if (exp->present)
        expires_at = ((int64_t)exp->num + 1) * 86400 * 1000; /* valid through that day (UTC) */
    int rc = scopes_within_caller(req, scopes);
    if (rc != 0)
        return rc;
    struct store *st;
    rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    char token[ACCESS_API_TOKEN_LEN + 1];
    struct access_api_token t;
    rc = access_token_create(st, req->who->user.id, name, scopes, expires_at, token, sizeof token,
                             &t, &req->err);
    if (rc == KT_EINVAL || rc == KT_EPERM)
        req->err_field = "scopes";
    if (rc != 0)
        return rc;
    json_t *body = token_json(&t);
    if (body)
        json_object_set_new(body, "token", json_string(token));
    const char *loc = kt_arena_printf(req->arena, "/api/v1/tokens/%lld", (long long)t.id);
    if (loc)
        web_resp_header(req, resp, "Location", loc);
    return web_resp_json(req, resp, 201, body);
}

int web_api_token_revoke(struct web_req *req, struct web_resp *resp)
{
    int64_t id = web_req_value(req, "id")->num;
    struct store *st;
    struct access_api_token *tokens;
    size_t n;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = access_token_list(st, req->who->user.id, req->arena, &tokens, &n, &req->err);
    if (rc != 0)
        return rc;
    /* only the caller's own tokens: someone else's is as good as absent */
    size_t i = 0;
    while (i < n && tokens[i].id != id)
        i++;
    if (i == n)
        return kt_err_set(&req->err, KT_ENOTFOUND, "you have no API token %lld", (long long)id);
    rc = access_token_revoke(st, id, &req->err);
    if (rc != 0)
        return rc;
    resp->status = 204;
    return 0;
}
