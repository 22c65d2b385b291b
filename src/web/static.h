/*
 * web/static: the files under web/static/, served at /static/NAME.
 *
 * At start-up every regular file under the directory (sub-directories
 * included, names starting with '.' skipped) is read into memory with its
 * content type, a strong ETag (a hash of the content) and, for text types,
 * a gzip variant made with zlib when it is smaller. Requests are answered
 * from this table only: a name that is not in it is a 404, so no request
 * path ever reaches the file system and "../" cannot escape the directory.
 *
 * Caching: a request carrying ?v=ETAG (as the templates write asset URLs)
 * is cacheable for a year ("immutable"); without it the browser revalidates
 * with If-None-Match and gets 304 when nothing changed. The gzip variant is
 * sent when Accept-Encoding allows gzip, with Vary: Accept-Encoding.
 *
 * Ownership: the table and its bytes are immutable after web_static_load
 * until web_static_free, and are shared by every request thread.
 */
#ifndef KT_WEB_STATIC_H
#define KT_WEB_STATIC_H

#include <stddef.h>

#include "base/err.h"
#include "web/http.h"

struct web_static;

struct web_asset {
    const char *name; /* relative to the directory, '/'-separated */
    const char *content_type;
    const unsigned char *data;
    size_t len;
    const unsigned char *gz; /* NULL when not worth it */
    size_t gz_len;
    char etag[40]; /* quoted, e.g. "\"3f2a...\"" */
};

/*
 * Loads dir. A missing directory is KT_ENOTFOUND; an unreadable file
 * KT_EIO; more than max_bytes in total KT_ELIMIT (the message names the
 * directory).
 */
int web_static_load(const char *dir, size_t max_bytes, struct web_static **out,
                    struct kt_err *err);
void web_static_free(struct web_static *s);

/* The asset called name, or NULL. */
const struct web_asset *web_static_find(const struct web_static *s, const char *name);

/* The ETag of name without quotes (for ?v= in asset URLs), or "" when it
 * does not exist. */
const char *web_static_version(const struct web_static *s, const char *name);

/* Route handler for GET /static/ *. */
int web_static_handler(struct web_req *req, struct web_resp *resp);

#endif
