/*
 * web/http: what a route handler sees of one HTTP request and what it fills
 * in for the response. The server (server.c) builds a struct web_req per
 * request, the router (router.c) matches it to a row of the route table and
 * checks session, permission, CSRF and the declared inputs, and only then
 * calls the handler.
 *
 * Ownership: every pointer in a web_req (path, parameters, validated
 * values, the parsed JSON body, the session) lives in req->arena or in the
 * server's connection and is valid until the request completes; the arena
 * is released right after the response is sent. A handler allocates its own
 * temporary memory from req->arena too. The response body is a kt_buf owned
 * by the response; static files are referenced, not copied (they are
 * immutable after start-up).
 *
 * Threading: a request is handled by one thread of the server's pool from
 * start to end; web_req_db hands out that thread's database connection.
 */
#ifndef KT_WEB_HTTP_H
#define KT_WEB_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "access/access.h"
#include "store/store.h"

struct web_server;
struct web_route;

/* Methods as bits, so a route table row or an Allow header can hold a set. */
enum web_method {
    WEB_GET = 1 << 0,
    WEB_HEAD = 1 << 1,
    WEB_POST = 1 << 2,
    WEB_PUT = 1 << 3,
    WEB_PATCH = 1 << 4,
    WEB_DELETE = 1 << 5,
};

/* Which part of the application a route belongs to: it decides how errors
 * look (HTML page or JSON body) and how a missing login is answered
 * (redirect to the login page or 401). */
enum web_area {
    WEB_AREA_BACKOFFICE,
    WEB_AREA_PORTAL,
    WEB_AREA_API,
    WEB_AREA_STATIC,
};

/* A validated input value (see input.h). */
struct web_value {
    int present;      /* the field was given (and passed its validator) */
    const char *text; /* normalised text: trimmed, NIP digits only, ... */
    int64_t num;      /* integer, money (minor units), price (1/10000),
                         quantity (thousandths), date (days since 1970),
                         bool (0/1) */
};

/* A decoded name=value pair of the query string or a form body. */
struct web_pair {
    const char *name;
    const char *value;
};

/* A file sent in a multipart/form-data body (routes marked `multipart`).
 * The bytes are as sent: nothing about them is trusted, not even the
 * content type or the name; the catalogue checks images by their bytes. */
struct web_upload {
    const char *field;        /* the form field's name */
    const char *filename;     /* as the browser sent it ("" when none) */
    const char *content_type; /* as sent, or "" */
    const unsigned char *data;
    size_t len;
};

struct web_req {
    struct web_server *srv;
    struct kt_arena *arena;
    enum web_method method;
    const char *method_name; /* as received, for the log */
    const char *path;        /* path as received, without the query string */
    const char *path_rest;   /* what a trailing "*" of the pattern matched, decoded */
    const struct web_route *route;
    /* One value per entry of route->fields, in the same order. */
    struct web_value *values;
    /* Routes marked `form`: the message of each field that failed (NULL
     * when it passed), parallel to values; nfield_errors counts them. */
    const char **field_errors;
    size_t nfield_errors;
    struct web_pair *query; /* the query string, decoded */
    size_t nquery;
    struct web_pair *form; /* the fields of a form body, decoded */
    size_t nform;
    struct web_upload *uploads; /* files of a multipart body */
    size_t nuploads;
    json_t *json;        /* the parsed JSON body of an API request, or NULL */
    const char *body;    /* the raw body (NUL-terminated), or NULL */
    size_t body_len;
    const char *lang;    /* "pl" or "en": the UI language chosen for this request */
    /* Who is asking: set by the router from the session cookie or the
     * bearer token before the handler runs; NULL when nobody is logged in.
     * who->token_id != 0 when it came from an API token. */
    const struct access_principal *who;
    const char *session_token; /* the kontor_session cookie when it was valid */
    void *conn;          /* the server's connection (headers), opaque */
    /* A handler that fails fills err and returns its code; it may also name
     * the input to blame and choose the status and error word itself
     * (web_fail), otherwise the router maps the code. */
    struct kt_err err;
    const char *err_field;
    int fail_status;
    const char *fail_code;
};

struct web_header {
    const char *name;
    const char *value;
};

#define WEB_RESP_HEADERS_MAX 16

struct web_resp {
    int status;
    const char *content_type;
    struct kt_buf body;
    const void *fixed;       /* immutable body (static files) used instead of body */
    size_t fixed_len;
    struct web_header headers[WEB_RESP_HEADERS_MAX];
    size_t nheaders;
};

/*
 * A handler: reads req (validated values only), fills resp and returns 0,
 * or returns a negative KT_E* code with req->err set (and req->err_field
 * when one input is to blame); the router then answers with the matching
 * status and an error page or JSON error body for the route's area.
 */
typedef int (*web_handler_fn)(struct web_req *req, struct web_resp *resp);

/*
 * Records a failure with an explicit status and error word (e.g. 429
 * "too_many_requests"); field may be NULL. Returns code, for
 * `return web_fail(...)` from a handler.
 */
int web_fail(struct web_req *req, int code, int status, const char *word, const char *field,
             const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A request header, or NULL. */
const char *web_req_header(const struct web_req *req, const char *name);
/* A cookie sent with the request, or NULL. */
const char *web_req_cookie(const struct web_req *req, const char *name);
/* The file sent in form field `name` of a multipart body, or NULL (also
 * for a file input left empty: no name and no bytes). */
const struct web_upload *web_req_upload(const struct web_req *req, const char *name);
/* A form field as typed (decoded, not validated), or NULL: for showing a
 * form again with what the user typed. */
const char *web_req_form_text(const struct web_req *req, const char *name);
/* A query-string argument as sent (decoded), or NULL. */
const char *web_req_query(const struct web_req *req, const char *name);
/* The validated value of the route's field `name` (programming error if the
 * route does not declare it: returns a value with present = 0). */
const struct web_value *web_req_value(const struct web_req *req, const char *name);

/*
 * This thread's database connection, opened on first use and kept for the
 * next requests of the thread. KT_EUNAVAIL when the database cannot be
 * reached; after a request fails with KT_EUNAVAIL the server drops the
 * connection so the next request opens a fresh one.
 */
int web_req_db(struct web_req *req, struct store **st, struct kt_err *err);

/* Adds a response header (copied into the request arena). KT_ELIMIT past
 * WEB_RESP_HEADERS_MAX. */
int web_resp_header(struct web_req *req, struct web_resp *resp, const char *name,
                    const char *value);

/* Sets the status, the content type "application/json" and the body to
 * the JSON text of v; takes the reference to v. */
int web_resp_json(struct web_req *req, struct web_resp *resp, int status, json_t *v);

/*
 * Sets a cookie with HttpOnly, SameSite=Lax, Path=/ and, when [http]
 * secure_cookies is on, Secure. max_age_s < 0 makes a browser-session
 * cookie, 0 deletes it.
 */
int web_resp_cookie(struct web_req *req, struct web_resp *resp, const char *name,
                    const char *value, long max_age_s);

/* A 303 redirect to a local path ("/..."; anything else goes to "/"). */
int web_resp_redirect(struct web_req *req, struct web_resp *resp, const char *location);

/* "GET", "POST", ... for one method bit; "" for anything else. */
const char *web_method_name(enum web_method m);
/* The method bit for a name; 0 for one we do not serve. */
enum web_method web_method_parse(const char *name);
/* "backoffice", "portal", "api", "static". */
const char *web_area_name(enum web_area a);

#endif
