#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "store/store.h"
#include "web/i18n.h"
#include "web/mustache.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/server.h"
#include "web/static.h"
#include "base/banned.h"

/* Whatever the options say, the static files may not take more memory
 * than this. */
#define STATIC_MAX_BYTES ((size_t)64 << 20)
#define HASH_WAIT_MS 250
/*
 * libmicrohttpd's memory per connection ("pool"), which it zeroes after
 * every request of a kept-alive connection, so its size is paid on every
 * request (80 KB cost about 1 us of the 9 us of /healthz). It holds the
 * request line and headers as read (max_header), MHD's copy of the Cookie
 * header (up to max_header) and its bookkeeping of 56 bytes a header,
 * cookie or query argument (up to max_header while they average 56 bytes
 * or more; a request packed with hundreds of tiny cookies can be refused
 * with 431 below max_header), then our response headers (the extra).
 */
#define CONN_MEMORY(max_header) (3 * (max_header) + 4096)

struct web_server {
    struct web_options o;
    struct MHD_Daemon *d;
    struct web_static *statics;
    struct web_i18n *i18n;
    struct mustache_cache *templates;
    sem_t hash_slots;
    atomic_int inflight;
    unsigned port;
};

/* One request: everything it allocates lives here and goes at completion. */
struct request {
    struct kt_arena arena;
    struct web_req req;
    struct web_resp resp;
    struct kt_buf body;
    int too_large;
    int answered;
    struct timespec start;
    int status;
    size_t bytes;
};

/* ---- per-thread database connection ------------------------------------------ */

static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void close_db(void *p)
{
    store_close(p);
}

static void make_db_key(void)
{
    if (pthread_key_create(&db_key, close_db) != 0)
        abort();
}

int web_req_db(struct web_req *req, struct store **st, struct kt_err *err)
{
    pthread_once(&db_key_once, make_db_key);
    struct store *s = pthread_getspecific(db_key);
    if (!s) {
        int rc = store_open(req->srv->o.db_url, &s, err);
        if (rc != 0) {
            kt_log_error("http.db", "msg=\"%s\"", err->msg);
            return kt_err_set(err, KT_EUNAVAIL, "the database is not available; try again later");
        }
        pthread_setspecific(db_key, s);
    }
    *st = s;
    return 0;
}

void web_db_discard(void)
{
    pthread_once(&db_key_once, make_db_key);
    struct store *s = pthread_getspecific(db_key);
    if (s) {
        pthread_setspecific(db_key, NULL);
        store_close(s);
    }
}

/* ---- options ------------------------------------------------------------------ */

int web_options_from_config(const struct kt_config *cfg, struct web_options *o,
                            struct kt_err *err)
{
    long long threads, max_body, max_header, max_conn, timeout, shutdown_s, slots;
    int secure;
    int rc;
    memset(o, 0, sizeof *o);
    if ((rc = kt_config_get_str(cfg, "http", "listen", &o->listen, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "http", "threads", &threads, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "http", "max_body", &max_body, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "http", "max_header", &max_header, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "http", "max_connections", &max_conn, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "http", "timeout_s", &timeout, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "http", "shutdown_s", &shutdown_s, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "http", "hash_slots", &slots, err)) != 0 ||
        (rc = kt_config_get_bool(cfg, "http", "secure_cookies", &secure, err)) != 0 ||
        (rc = kt_config_get_str(cfg, "web", "dir", &o->web_dir, err)) != 0 ||
        (rc = kt_config_get_str(cfg, "data", "dir", &o->data_dir, err)) != 0 ||
        (rc = kt_config_get_str(cfg, "database", "url", &o->db_url, err)) != 0)
        return rc;
    o->threads = (int)threads;
    o->max_body = (size_t)max_body;
    o->max_header = (size_t)max_header;
    o->max_connections = (unsigned)max_conn;
    o->timeout_s = (unsigned)timeout;
    o->shutdown_ms = (unsigned)shutdown_s * 1000;
    o->hash_slots = (int)slots;
    o->secure_cookies = secure;
    return 0;
}

/* "127.0.0.1:8080", "[::1]:8080", ":8080" (all IPv4 addresses). */
static int parse_listen(const char *s, struct sockaddr_storage *ss, int *v6, struct kt_err *err)
{
    const char *colon = strrchr(s, ':');
    char host[128];
    memset(ss, 0, sizeof *ss);
    if (!colon || colon - s >= (long)sizeof host)
        return kt_err_set(err, KT_EINVAL, "listen address '%s' must be ADDRESS:PORT, e.g. "
                          "127.0.0.1:8080", s);
    char *end;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
        return kt_err_set(err, KT_EINVAL, "listen address '%s' has no valid port (0-65535)", s);
    snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
    if (host[0] == '[') {
        size_t n = strlen(host);
        if (n < 3 || host[n - 1] != ']')
            return kt_err_set(err, KT_EINVAL, "listen address '%s': IPv6 addresses go in [ ]", s);
        host[n - 1] = '\0';
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
            return kt_err_set(err, KT_EINVAL, "listen address '%s' is not an IPv6 address", s);
        *v6 = 1;
        return 0;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    if (host[0] == '\0')
        a4->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
        return kt_err_set(err, KT_EINVAL, "listen address '%s' is not an IPv4 address such as "
                          "127.0.0.1", s);
    *v6 = 0;
    return 0;
}

/* ---- request handling --------------------------------------------------------- */

const char *web_req_header(const struct web_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *web_req_cookie(const struct web_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *web_req_client_ip(const struct web_req *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[INET6_ADDRSTRLEN] = "";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
    }
    const char *s = kt_arena_strdup(req->arena, ip);
    return s ? s : "";
}

/* Paths are kept as sent (percent-encoded) so the router can split them
 * before decoding; query arguments are decoded by collect_query. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct web_req *req = cls;
    struct web_pair *p = kt_arena_alloc(req->arena, (req->nquery + 1) * sizeof *p);
    if (!p)
        return MHD_NO;
    if (req->nquery)
        memcpy(p, req->query, req->nquery * sizeof *p);
    const char *k = web_percent_decode(req->arena, key, strlen(key), 0);
    const char *v = value ? web_percent_decode(req->arena, value, strlen(value), 0) : "";
    if (!k || !v)
        return MHD_YES; /* a malformed escape: the argument is dropped */
    p[req->nquery].name = k;
    p[req->nquery].value = v;
    req->query = p;
    req->nquery++;
    return MHD_YES;
}

static int has_header(const struct web_resp *resp, const char *name)
{
    for (size_t i = 0; i < resp->nheaders; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return 1;
    return 0;
}

static enum MHD_Result send_response(struct MHD_Connection *c, struct request *x)
{
    struct web_resp *resp = &x->resp;
    struct MHD_Response *r;
    size_t len;
    if (resp->fixed) {
        len = resp->fixed_len;
        r = MHD_create_response_from_buffer(len, (void *)resp->fixed, MHD_RESPMEM_PERSISTENT);
    } else {
        len = resp->body.len;
        char *data = len ? kt_buf_detach(&resp->body) : NULL;
        r = data ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE)
                 : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!r)
            free(data);
    }
    if (!r)
        return MHD_NO;
    static const struct web_header security[] = {
        {"Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                    "script-src 'self'; frame-ancestors 'none'"},
        {"X-Frame-Options", "DENY"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "same-origin"},
    };
    for (size_t i = 0; i < sizeof security / sizeof security[0]; i++)
        MHD_add_response_header(r, security[i].name, security[i].value);
    if (resp->content_type)
        MHD_add_response_header(r, "Content-Type", resp->content_type);
    if (!has_header(resp, "Cache-Control"))
        MHD_add_response_header(r, "Cache-Control", "no-store");
    for (size_t i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    x->status = resp->status;
    x->bytes = len;
    x->answered = 1;
    return ok;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    size_t *total = cls;
    *total += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
    return MHD_YES;
}

static void answer_too_large(struct web_server *srv, struct MHD_Connection *c, struct request *x)
{
    x->req.route = NULL;
    web_error(&x->req, &x->resp, 413, NULL,
              kt_arena_printf(x->req.arena, "the request body is larger than %zu bytes",
                              srv->o.max_body),
              NULL);
    /* the rest of the body is not read; the connection closes after this */
    web_resp_header(&x->req, &x->resp, "Connection", "close");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size, void **ctx)
{
    (void)version;
    struct web_server *srv = cls;
    struct request *x = *ctx;
    if (!x) {
        x = calloc(1, sizeof *x);
        if (!x)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &x->start);
        kt_arena_init(&x->arena, 0);
        kt_buf_init(&x->resp.body, 0);
        kt_buf_init(&x->body, srv->o.max_body);
        x->req.srv = srv;
        x->req.arena = &x->arena;
        x->req.conn = c;
        x->req.method_name = kt_arena_strdup(&x->arena, method);
        x->req.method = web_method_parse(method);
        x->req.path = kt_arena_strdup(&x->arena, url);
        x->req.lang = web_i18n_pick(NULL, MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                                     "Accept-Language"));
        x->resp.status = 200;
        *ctx = x;
        atomic_fetch_add(&srv->inflight, 1);
        /* MHD refuses headers beyond its connection memory
         * (CONN_MEMORY); the limit itself is enforced here, to the byte */
        size_t header_bytes = strlen(url) + strlen(method) + 12;
        MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &header_bytes);
        if (header_bytes > srv->o.max_header) {
            web_error(&x->req, &x->resp, 431, "header_too_large",
                      kt_arena_printf(&x->arena, "the request headers are larger than %zu bytes",
                                      srv->o.max_header),
                      NULL);
            web_resp_header(&x->req, &x->resp, "Connection", "close");
            return send_response(c, x);
        }
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > srv->o.max_body) {
                answer_too_large(srv, c, x);
                return send_response(c, x);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!x->too_large && !x->answered &&
            kt_buf_add(&x->body, upload_data, *upload_data_size) != 0)
            x->too_large = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (x->answered)
        return MHD_YES;
    if (x->too_large) {
        answer_too_large(srv, c, x);
        return send_response(c, x);
    }
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &x->req);
    if (x->body.len) {
        x->req.body = kt_buf_str(&x->body);
        x->req.body_len = x->body.len;
    }
    web_router_handle(&x->req, x->req.path, &x->resp);
    return send_response(c, x);
}

/* The path for the log: printable ASCII only, quotes replaced. */
static void log_path(char *dst, size_t n, const char *path)
{
    size_t o = 0;
    for (const char *p = path ? path : ""; *p && o + 1 < n; p++)
        dst[o++] = (*p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? *p : '?';
    dst[o] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx,
                         enum MHD_RequestTerminationCode why)
{
    (void)c;
    struct web_server *srv = cls;
    struct request *x = *ctx;
    if (!x)
        return;
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    long long us = (long long)(end.tv_sec - x->start.tv_sec) * 1000000 +
                   (end.tv_nsec - x->start.tv_nsec) / 1000;
    char path[256];
    log_path(path, sizeof path, x->req.path);
    kt_log_info("http.request",
                "method=%s path=\"%s\" status=%d bytes=%zu ms=%lld.%03lld user=%lld%s",
                x->req.method_name ? x->req.method_name : "?", path, x->status, x->bytes,
                us / 1000, us % 1000, x->req.who ? (long long)x->req.who->user.id : 0LL,
                why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
    json_decref(x->req.json);
    kt_buf_release(&x->body);
    kt_buf_release(&x->resp.body);
    kt_arena_release(&x->arena);
    free(x);
    *ctx = NULL;
    atomic_fetch_sub(&srv->inflight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    for (char *p = msg; *p; p++)
        if (*p == '"')
            *p = '\'';
    kt_log_warn("http.server", "msg=\"%s\"", msg);
}

/* ---- start and stop ----------------------------------------------------------- */

const struct web_options *web_server_options(const struct web_server *srv)
{
    return &srv->o;
}

const struct web_static *web_server_static(const struct web_server *srv)
{
    return srv->statics;
}

const struct web_i18n *web_server_i18n(const struct web_server *srv)
{
    return srv->i18n;
}

const struct mustache_cache *web_server_templates(const struct web_server *srv)
{
    return srv->templates;
}

unsigned web_server_port(const struct web_server *srv)
{
    return srv->port;
}

int web_hash_acquire(struct web_server *srv)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)HASH_WAIT_MS * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    while (sem_timedwait(&srv->hash_slots, &until) != 0) {
        if (errno != EINTR)
            return KT_EBUSY;
    }
    return 0;
}

void web_hash_release(struct web_server *srv)
{
    sem_post(&srv->hash_slots);
}

static void free_server(struct web_server *srv)
{
    mustache_cache_free(srv->templates);
    web_i18n_free(srv->i18n);
    web_static_free(srv->statics);
    sem_destroy(&srv->hash_slots);
    free(srv);
}

int web_server_start(const struct web_options *o, struct web_server **out, struct kt_err *err)
{
    struct sockaddr_storage ss;
    int v6 = 0;
    int rc = parse_listen(o->listen, &ss, &v6, err);
    if (rc != 0)
        return rc;
    size_t nroutes;
    const struct web_route *routes = web_routes(&nroutes);
    rc = web_routes_check(routes, nroutes, err);
    if (rc != 0)
        return rc;

    struct web_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return kt_err_set(err, KT_ENOMEM, "out of memory starting the web server");
    srv->o = *o;
    if (srv->o.hash_slots >= srv->o.threads && srv->o.threads > 1)
        srv->o.hash_slots = srv->o.threads - 1; /* keep one thread for everything else */
    if (srv->o.hash_slots < 1)
        srv->o.hash_slots = 1;
    if (sem_init(&srv->hash_slots, 0, (unsigned)srv->o.hash_slots) != 0) {
        free(srv);
        return kt_err_set(err, KT_EINTERNAL, "cannot create the hashing semaphore: %s",
                          strerror(errno));
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/static", o->web_dir);
    rc = web_static_load(dir, STATIC_MAX_BYTES, &srv->statics, err);
    if (rc == 0) {
        snprintf(dir, sizeof dir, "%s/i18n", o->web_dir);
        rc = web_i18n_load(dir, &srv->i18n, err);
    }
    if (rc == 0)
        rc = mustache_cache_new(&srv->templates, NULL, NULL, err);
    if (rc == 0) {
        snprintf(dir, sizeof dir, "%s/templates", o->web_dir);
        rc = mustache_cache_load_dir(srv->templates, dir, err);
    }
    if (rc != 0) {
        free_server(srv);
        return rc;
    }

    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (v6)
        flags |= MHD_USE_IPv6;
    srv->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)o->threads, MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        CONN_MEMORY(o->max_header), MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
        MHD_OPTION_END);
    if (!srv->d) {
        int e = errno;
        free_server(srv);
        return kt_err_set(err, KT_EIO, "cannot listen on %s: %s; is another server using it?",
                          o->listen, e ? strerror(e) : "the server did not start");
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : 0;
    *out = srv;
    return 0;
}

void web_server_stop(struct web_server *srv)
{
    if (!srv)
        return;
    MHD_quiesce_daemon(srv->d);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        int n = atomic_load(&srv->inflight);
        if (n == 0)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long ms = (long long)(now.tv_sec - t0.tv_sec) * 1000 +
                       (now.tv_nsec - t0.tv_nsec) / 1000000;
        if (ms >= srv->o.shutdown_ms) {
            kt_log_warn("http.stop", "msg=\"%d requests still running after %u ms; closing them\"",
                        n, srv->o.shutdown_ms);
            break;
        }
        struct timespec nap = {0, 20 * 1000000};
        nanosleep(&nap, NULL);
    }
    MHD_stop_daemon(srv->d);
    free_server(srv);
}
