#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/buf.h"
#include "web/server.h"
#include "web/static.h"
#include "base/banned.h"

#define MAX_DEPTH 4
#define MAX_FILES 4096

struct web_static {
    struct web_asset *assets; /* sorted by name */
    size_t n, cap;
    size_t total;
};

static const struct {
    const char *ext;
    const char *type;
    int compress;
} types[] = {
    {".css", "text/css; charset=utf-8", 1},
    {".js", "text/javascript; charset=utf-8", 1},
    {".json", "application/json", 1},
    {".svg", "image/svg+xml", 1},
    {".html", "text/html; charset=utf-8", 1},
    {".txt", "text/plain; charset=utf-8", 1},
    {".map", "application/json", 1},
    {".ico", "image/x-icon", 1},
    {".png", "image/png", 0},
    {".jpg", "image/jpeg", 0},
    {".jpeg", "image/jpeg", 0},
    {".webp", "image/webp", 0},
    {".gif", "image/gif", 0},
    {".woff2", "font/woff2", 0},
};

static void type_of(const char *name, const char **type, int *compress)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(dot, types[i].ext) == 0) {
            *type = types[i].type;
            *compress = types[i].compress;
            return;
        }
    }
    *type = "application/octet-stream";
    *compress = 0;
}

static int read_file(const char *path, unsigned char **data, size_t *len, struct kt_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    unsigned char *buf = NULL;
    struct stat sb;
    if (fd < 0)
        return kt_err_set(err, KT_EIO, "cannot open %s: %s", path, strerror(errno));
    if (fstat(fd, &sb) != 0) {
        kt_err_set(err, KT_EIO, "cannot read %s: %s", path, strerror(errno));
        goto fail;
    }
    buf = malloc((size_t)sb.st_size + 1);
    if (!buf) {
        kt_err_set(err, KT_ENOMEM, "out of memory reading %s", path);
        goto fail;
    }
    size_t got = 0;
    while (got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            kt_err_set(err, KT_EIO, "cannot read %s: %s", path, r < 0 ? strerror(errno) : "short read");
            goto fail;
        }
        got += (size_t)r;
    }
    close(fd);
    *data = buf;
    *len = got;
    return 0;
fail:
    free(buf);
    close(fd);
    return err->code;
}

/* gzip (RFC 1952) of data at the best compression; NULL when it does not
 * pay (not at least 5 % smaller) or fails. */
static unsigned char *gzip_of(const unsigned char *data, size_t len, size_t *gz_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)len) + 32;
    unsigned char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || n >= len - len / 20) {
        free(out);
        return NULL;
    }
    *gz_len = n;
    return out;
}

static int add_file(struct web_static *s, const char *path, const char *name, size_t max_bytes,
                    struct kt_err *err)
{
    if (s->n == MAX_FILES)
        return kt_err_set(err, KT_ELIMIT, "more than %d static files", MAX_FILES);
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        struct web_asset *a = realloc(s->assets, cap * sizeof *a);
        if (!a)
            return kt_err_set(err, KT_ENOMEM, "out of memory loading static files");
        s->assets = a;
        s->cap = cap;
    }
    struct web_asset *a = &s->assets[s->n];
    memset(a, 0, sizeof *a);
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = read_file(path, &data, &len, err);
    if (rc != 0)
        return rc;
    if (s->total + len > max_bytes) {
        free(data);
        return kt_err_set(err, KT_ELIMIT, "the static files are larger than %zu bytes", max_bytes);
    }
    char *nm = malloc(strlen(name) + 1);
    if (!nm) {
        free(data);
        return kt_err_set(err, KT_ENOMEM, "out of memory loading static files");
    }
    memcpy(nm, name, strlen(name) + 1);
    int compress;
    type_of(name, &a->content_type, &compress);
    a->name = nm;
    a->data = data;
    a->len = len;
    if (compress && len > 256)
        a->gz = gzip_of(data, len, &a->gz_len);
    unsigned char h[16];
    crypto_generichash(h, sizeof h, data, len, NULL, 0);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(a->etag, sizeof a->etag, "\"%.32s\"", hex);
    s->total += len;
    s->n++;
    return 0;
}

static int load_dir(struct web_static *s, const char *dir, const char *prefix, int depth,
                    size_t max_bytes, struct kt_err *err)
{
    if (depth > MAX_DEPTH)
        return kt_err_set(err, KT_ELIMIT, "%s is nested deeper than %d directories", dir,
                          MAX_DEPTH);
    DIR *d = opendir(dir);
    if (!d)
        return kt_err_set(err, errno == ENOENT ? KT_ENOTFOUND : KT_EIO,
                          "cannot read the static directory %s: %s", dir, strerror(errno));
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096], name[1024];
        int w1 = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        int w2 = snprintf(name, sizeof name, "%s%s", prefix, e->d_name);
        if (w1 < 0 || (size_t)w1 >= sizeof path || w2 < 0 || (size_t)w2 >= sizeof name) {
            rc = kt_err_set(err, KT_ELIMIT, "a static file name under %s is too long", dir);
            break;
        }
        struct stat sb;
        if (stat(path, &sb) != 0) {
            rc = kt_err_set(err, KT_EIO, "cannot read %s: %s", path, strerror(errno));
            break;
        }
        if (S_ISDIR(sb.st_mode)) {
            char sub[1100];
            snprintf(sub, sizeof sub, "%s/", name);
            rc = load_dir(s, path, sub, depth + 1, max_bytes, err);
        } else if (S_ISREG(sb.st_mode)) {
            rc = add_file(s, path, name, max_bytes, err);
        }
    }
    closedir(d);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct web_asset *)a)->name, ((const struct web_asset *)b)->name);
}

int web_static_load(const char *dir, size_t max_bytes, struct web_static **out,
                    struct kt_err *err)
{
    struct web_static *s = calloc(1, sizeof *s);
    if (!s)
        return kt_err_set(err, KT_ENOMEM, "out of memory loading static files");
    if (sodium_init() < 0) {
        free(s);
        return kt_err_set(err, KT_EINTERNAL, "libsodium cannot be initialised");
    }
    int rc = load_dir(s, dir, "", 0, max_bytes, err);
    if (rc != 0) {
        web_static_free(s);
        return rc;
    }
    if (s->n > 0)
        qsort(s->assets, s->n, sizeof *s->assets, by_name);
    *out = s;
    return 0;
}

void web_static_free(struct web_static *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free((void *)s->assets[i].name);
        free((void *)s->assets[i].data);
        free((void *)s->assets[i].gz);
    }
    free(s->assets);
    free(s);
}

const struct web_asset *web_static_find(const struct web_static *s, const char *name)
{
    if (!s || !name || s->n == 0)
        return NULL;
    struct web_asset key = {.name = name};
    return bsearch(&key, s->assets, s->n, sizeof *s->assets, by_name);
}

const char *web_static_version(const struct web_static *s, const char *name)
{
    static _Thread_local char v[40];
    const struct web_asset *a = web_static_find(s, name);
    if (!a)
        return "";
    snprintf(v, sizeof v, "%.*s", (int)strlen(a->etag) - 2, a->etag + 1);
    return v;
}

/* 1 when the Accept-Encoding header allows gzip (a q=0 refuses it). */
static int accepts_gzip(const char *ae)
{
    const char *p = ae;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t tok = strcspn(p, ",; ");
        int is_gzip = (tok == 4 && strncmp(p, "gzip", 4) == 0) ||
                      (tok == 1 && p[0] == '*');
        const char *end = p + strcspn(p, ",");
        if (is_gzip) {
            const char *q = strstr(p, "q=");
            if (q && q < end) {
                char *stop;
                double qv = strtod(q + 2, &stop);
                return qv > 0.0;
            }
            return 1;
        }
        p = end;
    }
    return 0;
}

/* 1 when If-None-Match lists etag (or is "*"). */
static int etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return 0;
    if (strcmp(inm, "*") == 0)
        return 1;
    return strstr(inm, etag) != NULL;
}

int web_static_handler(struct web_req *req, struct web_resp *resp)
{
    const struct web_static *s = web_server_static(req->srv);
    const struct web_asset *a = web_static_find(s, req->path_rest);
    if (!a) {
        req->err_field = NULL;
        return kt_err_set(&req->err, KT_ENOTFOUND, "there is no static file /static/%s",
                          req->path_rest ? req->path_rest : "");
    }
    const char *v = web_req_query(req, "v");
    int versioned = v && strlen(v) + 2 == strlen(a->etag) && strncmp(v, a->etag + 1, strlen(v)) == 0;
    int rc = web_resp_header(req, resp, "ETag", a->etag);
    if (rc == 0)
        rc = web_resp_header(req, resp, "Cache-Control",
                             versioned ? "public, max-age=31536000, immutable" : "public, no-cache");
    if (rc == 0 && a->gz)
        rc = web_resp_header(req, resp, "Vary", "Accept-Encoding");
    if (rc != 0)
        return kt_err_set(&req->err, rc, "too many response headers");
    resp->content_type = a->content_type;
    if (etag_matches(web_req_header(req, "If-None-Match"), a->etag)) {
        resp->status = 304;
        return 0;
    }
    resp->status = 200;
    if (a->gz && accepts_gzip(web_req_header(req, "Accept-Encoding"))) {
        rc = web_resp_header(req, resp, "Content-Encoding", "gzip");
        if (rc != 0)
            return kt_err_set(&req->err, rc, "too many response headers");
        resp->fixed = a->gz;
        resp->fixed_len = a->gz_len;
    } else {
        resp->fixed = a->data;
        resp->fixed_len = a->len;
    }
    return 0;
}
