/*
 * web/server: `kontor serve`. Owns the libmicrohttpd daemon (epoll, a pool
 * of request threads), the per-thread database connections, the per-request
 * arenas, the limits (header and body size, connections, timeouts), the
 * access log, the password-hashing slots and graceful shutdown.
 *
 * Lifetime: web_server_start loads what every request reads (static files,
 * UI catalogues, templates) and checks the route table, then starts
 * listening; all of that is immutable until web_server_stop. Each request
 * gets a kt_arena released when the request completes. Each pool thread
 * opens its own database connection on first use (web_req_db) and closes
 * it when the thread ends; a connection that failed with KT_EUNAVAIL is
 * dropped and reopened by the next request.
 *
 * Shutdown: web_server_stop stops accepting connections, lets the requests
 * in flight finish (up to shutdown_ms), then stops the threads.
 *
 * Password hashing (argon2id, ~100 ms and 64 MiB each) runs on request
 * threads, but at most hash_slots at a time: web_hash_acquire waits up to
 * 250 ms for a slot and otherwise the request is answered 503 with
 * Retry-After, so a burst of logins never ties up more than hash_slots
 * threads nor more than hash_slots x 64 MiB, and the other threads keep
 * serving.
 */
#ifndef KT_WEB_SERVER_H
#define KT_WEB_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"
#include "web/http.h"

struct web_server;

struct web_options {
    const char *listen;       /* "ADDR:PORT"; port 0 picks a free one */
    int threads;              /* request threads */
    size_t max_body;          /* bytes; larger bodies get 413 */
    size_t max_header;        /* bytes of request line + headers; larger get 431 */
    unsigned max_connections; /* open connections at once */
    unsigned timeout_s;       /* idle connection timeout */
    unsigned shutdown_ms;     /* how long in-flight requests may take at shutdown */
    int secure_cookies;       /* cookies get Secure */
    int hash_slots;           /* concurrent password hashes */
    const char *web_dir;      /* holds static/, i18n/, templates/ */
    const char *data_dir;     /* [data] dir: the blob store (images, logo) */
    const char *db_url;
};

/* Reads [http] and [web] settings from cfg into o (strings borrowed from
 * cfg). KT_EINVAL names a bad setting. */
int web_options_from_config(const struct kt_config *cfg, struct web_options *o,
                            struct kt_err *err);

/*
 * Loads the assets, checks the route table, binds and starts the threads.
 * KT_EINVAL for a bad listen address, a template or catalogue error (the
 * message names the file), KT_EIO when the address cannot be bound.
 */
int web_server_start(const struct web_options *o, struct web_server **out, struct kt_err *err);

/* The port actually listened on (useful with port 0). */
unsigned web_server_port(const struct web_server *srv);

/* Graceful stop as described above; frees srv. */
void web_server_stop(struct web_server *srv);

/* The options the server runs with (read-only). */
const struct web_options *web_server_options(const struct web_server *srv);

struct web_static;
struct web_i18n;
struct mustache_cache;

/* What start-up loaded, shared read-only by every request. */
const struct web_static *web_server_static(const struct web_server *srv);
const struct web_i18n *web_server_i18n(const struct web_server *srv);
const struct mustache_cache *web_server_templates(const struct web_server *srv);

/* Drops this thread's database connection (after KT_EUNAVAIL), so the
 * next request opens a fresh one. */
void web_db_discard(void);

/* The client's IP address as text, in the request arena ("" if unknown). */
const char *web_req_client_ip(const struct web_req *req);

/* Password-hashing slots: 0 when one was taken (release it afterwards),
 * KT_EBUSY when none freed up within 250 ms. */
int web_hash_acquire(struct web_server *srv);
void web_hash_release(struct web_server *srv);

#endif
