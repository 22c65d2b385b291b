/*
 * web/router: the one route table and the single place that decides
 * access. Each row of the table (routes.c) says which method and path
 * pattern it answers, which handler runs, who may call it (login, staff
 * only, a permission from access's table), whether a CSRF token is
 * required, which area it belongs to and which inputs it reads with a
 * validator each. For every request the router
 *   1. matches the path and method: no path -> 404, no method -> 405 with
 *      Allow;
 *   2. authenticates: the session cookie (kontor_session) or, in the API
 *      area, a bearer token (Authorization: Bearer kt_...);
 *   3. refuses before the handler runs: not logged in -> 401 (API) or a
 *      redirect to /login (pages); lacking the permission, or a customer
 *      user on a staff route -> 403;
 *   4. checks the CSRF token of state-changing requests made with a session
 *      (form field _csrf or header X-CSRF-Token) -> 403 when wrong;
 *   5. reads and validates the declared inputs (path, query, form or JSON
 *      body) -> 400 naming the first bad field, 415 for a body of another
 *      media type;
 *   6. runs the handler, and turns its error code into a status and an
 *      error page or JSON error body.
 *
 * Path patterns: literal segments, {name} for one segment (declared as a
 * WEB_FROM_PATH field of the route, whose validator checks it) and a final
 * "*" for the rest of the path (static files). Segments are
 * percent-decoded one by one after splitting, so "%2F" inside a code stays
 * part of that segment.
 */
#ifndef KT_WEB_ROUTER_H
#define KT_WEB_ROUTER_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "web/http.h"
#include "web/input.h"

/* Who may reach a route at all (before any permission). */
enum web_auth {
    WEB_PUBLIC, /* anyone, logged in or not */
    WEB_USER,   /* any logged-in user, staff or customer */
    WEB_STAFF,  /* a logged-in staff user */
};

/* How a state-changing request proves it came from our own page. */
enum web_csrf {
    WEB_CSRF_NONE,
    WEB_CSRF_SESSION, /* the session's token in _csrf / X-CSRF-Token (not
                         needed with a bearer token, which browsers never
                         send on their own) */
    WEB_CSRF_LOGIN,   /* before login: the kontor_login cookie must equal
                         the form's _csrf (double submit) */
};

struct web_route {
    enum web_method method; /* one method; GET rows also answer HEAD */
    const char *pattern;
    web_handler_fn handler;
    enum web_area area;
    enum web_auth auth;
    const char *perm; /* permission code (access_permissions), or NULL */
    enum web_csrf csrf;
    /* An HTML form: a field that fails its validator does not stop the
     * request; its message goes to req->field_errors and the handler shows
     * the form again with the errors next to the fields. */
    int form;
    /* The form may come as multipart/form-data with files (req->uploads);
     * read with libmicrohttpd's post processor within [http] max_body. */
    int multipart;
    /* The handler only reads (never a GET that writes, e.g. a thumbnail
     * made on first use): the router runs the session or token check and
     * the handler in one read transaction, so they see one snapshot at the
     * cost of one lock round trip on SQLite. The bookkeeping of the check
     * (last seen, last used) is written after it. */
    int snapshot;
    const struct web_field *fields; /* ended by an entry with name NULL; may be NULL */
    const char *summary;            /* one line, for the listing and docs/api.md */
};

/* A field list for a route row: WEB_FIELDS({...}, {...}). */
#define WEB_FIELDS(...) ((const struct web_field[]){__VA_ARGS__, {0}})

/* The route table (routes.c); *n receives its length. */
const struct web_route *web_routes(size_t *n);

/* Number of fields a route declares. */
size_t web_route_nfields(const struct web_route *r);

/*
 * Checks the table once at start-up: every permission exists in access's
 * table, every {name} in a pattern is a declared WEB_FROM_PATH field and
 * the reverse, no two rows share method and pattern. KT_EINTERNAL naming
 * the row otherwise.
 */
int web_routes_check(const struct web_route *table, size_t n, struct kt_err *err);

/* The table as JSON: [{"method", "pattern", "area", "auth", "perm", "csrf",
 * "summary", "fields": [{"name", "type", "from", "required"}]}]. */
json_t *web_routes_json(const struct web_route *table, size_t n);

#define WEB_PARAMS_MAX 8

enum web_match_result {
    WEB_MATCH_OK,
    WEB_MATCH_NO_PATH,   /* 404 */
    WEB_MATCH_NO_METHOD, /* 405: *allowed holds the methods the path has */
};

struct web_match {
    const struct web_route *route;
    const char *names[WEB_PARAMS_MAX];  /* {name} of each path parameter */
    const char *values[WEB_PARAMS_MAX]; /* decoded segment, in the arena */
    size_t nparams;
    const char *rest; /* what "*" matched, decoded, or NULL */
    unsigned allowed; /* WEB_MATCH_NO_METHOD: the methods of the path */
};

/*
 * Finds the route for method and raw (still percent-encoded) path. A
 * malformed escape, an encoded NUL or an encoded '/' in a literal or "*"
 * part never matches (404).
 */
enum web_match_result web_route_match(const struct web_route *table, size_t n,
                                      enum web_method method, const char *raw_path,
                                      struct kt_arena *a, struct web_match *out);

/* Decodes %XX escapes (and '+' as space when plus_space) into the arena;
 * NULL for a malformed escape or an encoded NUL. */
char *web_percent_decode(struct kt_arena *a, const char *s, size_t n, int plus_space);

/*
 * Handles one request end to end as described at the top. req carries the
 * method, raw path, arena, server and connection; resp is filled. Never
 * fails: every failure becomes an error response.
 */
void web_router_handle(struct web_req *req, const char *raw_path, struct web_resp *resp);

/*
 * The error response of the router and of handlers: a JSON body
 * {"error": {"code", "message", "field"}} in the API area, an HTML error
 * page elsewhere. code is a stable word ("not_found", "invalid_field",
 * ...); field may be NULL.
 */
void web_error(struct web_req *req, struct web_resp *resp, int status, const char *code,
               const char *message, const char *field);

#endif
