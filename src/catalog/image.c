#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "catalog/image.h"
#include "jobs/jobs.h"
#include "base/banned.h"

#define MIME_JPEG "image/jpeg"
#define MIME_PNG "image/png"
#define MIME_WEBP "image/webp"

void catalog_image_limits_init(struct catalog_image_limits *l)
{
    l->max_bytes = (size_t)10 << 20;
    l->max_pixels = 50000000;
    l->thumb_size = 320;
}

static const struct catalog_image_limits *limits_or_default(const struct catalog_image_limits *l,
                                                            struct catalog_image_limits *def)
{
    if (l)
        return l;
    catalog_image_limits_init(def);
    return def;
}

/* What some common non-image files start with, to say what was given. */
static const struct {
    const char *magic;
    size_t len;
    const char *what;
} not_images[] = {
    {"\x7f"
     "ELF",
     4, "an ELF executable"},
    {"MZ", 2, "a Windows executable"},
    {"#!", 2, "a script"},
    {"%PDF", 4, "a PDF document"},
    {"PK\x03\x04", 4, "a ZIP archive (or an office document)"},
    {"GIF8", 4, "a GIF image, which is not accepted"},
    {"BM", 2, "a BMP image, which is not accepted"},
    {"\x00\x00\x01\x00", 4, "an icon file"},
    {"<", 1, "text (HTML, XML or SVG)"},
};

int catalog_image_sniff(const void *p, size_t n, const char **mime, struct kt_err *err)
{
    const unsigned char *b = p;
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
        *mime = MIME_JPEG;
        return 0;
    }
    if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) {
        *mime = MIME_PNG;
        return 0;
    }
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0) {
        *mime = MIME_WEBP;
        return 0;
    }
    for (size_t i = 0; i < sizeof not_images / sizeof not_images[0]; i++)
        if (n >= not_images[i].len && memcmp(b, not_images[i].magic, not_images[i].len) == 0)
            return kt_err_set(err, KT_EINVAL,
                              "the file is %s, not a JPEG, PNG or WebP image (whatever its name "
                              "says)",
                              not_images[i].what);
    if (n == 0)
        return kt_err_set(err, KT_EINVAL, "the file is empty, not an image");
    return kt_err_set(err, KT_EINVAL,
                      "the file is not a JPEG, PNG or WebP image (its first bytes are none of "
                      "theirs, whatever its name says)");
}

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static int vips_ok;

static void vips_start(void)
{
    if (VIPS_INIT("kontor") == 0) {
        /* no operation cache: every image is seen once, memory stays bounded */
        vips_cache_set_max(0);
        vips_ok = 1;
    }
}

static int vips_ready(struct kt_err *err)
{
    pthread_once(&vips_once, vips_start);
    if (!vips_ok)
        return kt_err_set(err, KT_EINTERNAL, "libvips could not be initialised: %s",
                          vips_error_buffer());
    return 0;
}

/* Reads the header (nothing is decoded) and checks the limits. */
static int inspect(const void *p, size_t n, const struct catalog_image_limits *lim,
                   struct catalog_image *img, struct kt_err *err)
{
    VipsImage *im = NULL;
    int rc;
    if (n > lim->max_bytes)
        return kt_err_set(err, KT_ELIMIT, "the image has %zu bytes; at most %zu are allowed", n,
                          lim->max_bytes);
    if ((rc = catalog_image_sniff(p, n, &img->mime, err)) < 0 || (rc = vips_ready(err)) < 0)
        return rc;
    im = vips_image_new_from_buffer(p, n, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!im) {
        vips_error_clear();
        return kt_err_set(err, KT_EINVAL, "the %s image is damaged and cannot be read",
                          img->mime + 6);
    }
    img->width = vips_image_get_width(im);
    img->height = vips_image_get_height(im);
    g_object_unref(im);
    img->bytes = (int64_t)n;
    if ((int64_t)img->width * img->height > lim->max_pixels)
        return kt_err_set(err, KT_ELIMIT,
                          "the image is %d x %d pixels; at most %lld pixels in total are allowed",
                          img->width, img->height, (long long)lim->max_pixels);
    return 0;
}

/* Scales to fit thumb_size and encodes WebP into out. */
static int make_thumbnail(const void *p, size_t n, const struct catalog_image_limits *lim,
                          struct kt_buf *out, struct kt_err *err)
{
    VipsImage *thumb = NULL;
    void *buf = NULL;
    size_t len = 0;
    int rc = 0;
    if (lim->thumb_size < 16 || lim->thumb_size > 2048)
        return kt_err_set(err, KT_EINVAL, "thumb_size: must be between 16 and 2048 pixels");
    if ((rc = vips_ready(err)) < 0)
        return rc;
    /* vips_thumbnail_buffer does not write to the buffer; its prototype
     * lacks the const. fail_on=warning: a truncated or corrupt image is an
     * error, not a thumbnail with a grey half. */
    if (vips_thumbnail_buffer((void *)p, n, &thumb, lim->thumb_size, "height", lim->thumb_size,
                              "size", VIPS_SIZE_DOWN, "option_string", "fail_on=warning",
                              NULL) != 0 ||
        vips_webpsave_buffer(thumb, &buf, &len, "Q", 80, "strip", TRUE, NULL) != 0) {
        rc = kt_err_set(err, KT_EINVAL, "the image could not be decoded for its thumbnail: %s",
                        vips_error_buffer());
        vips_error_clear();
        goto out;
    }
    kt_buf_reset(out);
    if ((rc = kt_buf_add(out, buf, len)) < 0)
        kt_err_set(err, rc, "the thumbnail does not fit in memory");
out:
    if (thumb)
        g_object_unref(thumb);
    g_free(buf);
    return rc;
}

static int product_code(struct store *st, int64_t id, char *code, size_t size, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT code FROM products WHERE id = ?1", &s, err);
    if (rc < 0)
        return rc;
    store_bind_int64(s, 1, id);
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        rc = kt_strlcpy(code, store_col_text(s, 0), size) < 0 ? KT_EINTERNAL : 0;
    else if (rc == STORE_DONE)
        rc = kt_err_set(err, KT_ENOTFOUND, "there is no product with id %lld", (long long)id);
    store_stmt_done(s);
    return rc;
}

/* product.changed for an image change, inside the transaction. */
static int emit_changed(struct store *st, int64_t id, const char *code, struct kt_err *err)
{
    struct kt_buf payload;
    int rc;
    kt_buf_init(&payload, 4096);
    rc = kt_buf_printf(&payload, "{\"id\":%lld,\"code\":\"", (long long)id);
    for (const char *c = code; *c && rc == 0; c++) {
        if (*c == '"' || *c == '\\')
            rc = kt_buf_addc(&payload, '\\');
        if (rc == 0)
            rc = kt_buf_addc(&payload, *c);
    }
    if (rc == 0)
        rc = kt_buf_adds(&payload, "\"}");
    if (rc < 0)
        kt_err_set(err, rc, "the product.changed event does not fit in memory");
    else
        rc = events_emit(st, "product.changed", kt_buf_str(&payload), err);
    kt_buf_release(&payload);
    return rc;
}

struct add_ctx {
    struct catalog_image *img;
    char code[256];
};

static int add_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct add_ctx *a = ctx;
    struct catalog_image *img = a->img;
    struct store_stmt *s = NULL;
    struct timespec ts;
    int rc;

    if ((rc = product_code(st, img->product_id, a->code, sizeof a->code, err)) < 0)
        return rc;
    clock_gettime(CLOCK_REALTIME, &ts);
    if ((rc = store_prepare(
             st,
             "INSERT INTO product_images (product_id, blob_hash, position, mime, width, height, "
             "bytes, thumb_hash, created_at) SELECT ?1, ?2, COALESCE(max(position) + 1, 0), ?3, "
             "?4, ?5, ?6, ?7, ?8 FROM product_images WHERE product_id = ?1 RETURNING position",
             &s, err)) < 0)
        return rc;
    store_bind_int64(s, 1, img->product_id);
    store_bind_text(s, 2, img->blob_hash);
    store_bind_text(s, 3, img->mime);
    store_bind_int64(s, 4, img->width);
    store_bind_int64(s, 5, img->height);
    store_bind_int64(s, 6, img->bytes);
    store_bind_text(s, 7, img->thumb_hash);
    store_bind_int64(s, 8, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        img->position = (int)store_col_int64(s, 0);
    store_stmt_done(s);
    if (rc == KT_EEXIST)
        return kt_err_set(err, KT_EEXIST, "product %s already has this image", a->code);
    if (rc < 0)
        return rc;
    return emit_changed(st, img->product_id, a->code, err);
}

int catalog_image_add(struct store *st, const char *data_dir, int64_t product_id, const void *p,
                      size_t n, const struct catalog_image_limits *limits,
                      struct catalog_image *out, struct kt_err *err)
{
    struct catalog_image_limits def;
    const struct catalog_image_limits *lim = limits_or_default(limits, &def);
    struct catalog_image img;
    struct kt_buf thumb;
    struct add_ctx ctx = {.img = &img};
    int rc;

    memset(&img, 0, sizeof img);
    img.product_id = product_id;
    kt_buf_init(&thumb, lim->max_bytes);
    if ((rc = inspect(p, n, lim, &img, err)) < 0 ||
        (rc = make_thumbnail(p, n, lim, &thumb, err)) < 0 ||
        (rc = blob_put(data_dir, p, n, img.blob_hash, err)) < 0 ||
        (rc = blob_put(data_dir, thumb.data, thumb.len, img.thumb_hash, err)) < 0 ||
        (rc = store_tx(st, add_tx, &ctx, err)) < 0)
        goto out;
    if (out)
        *out = img;
out:
    kt_buf_release(&thumb);
    return rc;
}

int catalog_image_add_file(struct store *st, const char *data_dir, int64_t product_id,
                           const char *path, const struct catalog_image_limits *limits,
                           struct catalog_image *out, struct kt_err *err)
{
    struct catalog_image_limits def;
    const struct catalog_image_limits *lim = limits_or_default(limits, &def);
    struct kt_buf data;
    char chunk[65536];
    int fd, rc = 0;

    kt_buf_init(&data, lim->max_bytes);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kt_err_set(err, errno == ENOENT ? KT_ENOTFOUND : KT_EIO, "%s: %s", path,
                          strerror(errno));
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = kt_err_set(err, KT_EIO, "%s: %s", path, strerror(errno));
            break;
        }
        if (got == 0)
            break;
        if ((rc = kt_buf_add(&data, chunk, (size_t)got)) < 0) {
            kt_err_set(err, rc, "%s: the image is larger than %zu bytes", path, lim->max_bytes);
            break;
        }
    }
    close(fd);
    if (rc == 0)
        rc = catalog_image_add(st, data_dir, product_id, data.data ? data.data : "", data.len, lim,
                               out, err);
    kt_buf_release(&data);
    return rc;
}

static const char *mime_static(const char *m)
{
    if (m && strcmp(m, MIME_PNG) == 0)
        return MIME_PNG;
    if (m && strcmp(m, MIME_WEBP) == 0)
        return MIME_WEBP;
    return MIME_JPEG;
}

int catalog_image_list(struct store *st, int64_t product_id, struct kt_arena *arena,
                       struct catalog_image **items, size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    struct catalog_image *list = NULL;
    size_t count = 0, cap = 0;
    int rc;

    *items = NULL;
    *n = 0;
    if ((rc = store_prepare(st,
                            "SELECT position, blob_hash, thumb_hash, mime, width, height, bytes "
                            "FROM product_images WHERE product_id = ?1 ORDER BY position",
                            &s, err)) < 0)
        return rc;
    store_bind_int64(s, 1, product_id);
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct catalog_image *bigger = kt_arena_alloc(arena, sizeof *bigger * ncap);
            if (!bigger) {
                rc = kt_err_set(err, KT_ENOMEM, "out of memory listing images");
                break;
            }
            if (count)
                memcpy(bigger, list, sizeof *list * count);
            list = bigger, cap = ncap;
        }
        struct catalog_image *img = &list[count++];
        memset(img, 0, sizeof *img);
        img->product_id = product_id;
        img->position = (int)store_col_int64(s, 0);
        kt_strlcpy(img->blob_hash, store_col_text(s, 1), sizeof img->blob_hash);
        if (!store_col_is_null(s, 2))
            kt_strlcpy(img->thumb_hash, store_col_text(s, 2), sizeof img->thumb_hash);
        img->mime = mime_static(store_col_text(s, 3));
        img->width = (int)store_col_int64(s, 4);
        img->height = (int)store_col_int64(s, 5);
        img->bytes = store_col_int64(s, 6);
    }
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    *items = list;
    *n = count;
    return 0;
}

/* The main images of up to MAIN_AT_ONCE products a statement (unused
 * places bound to NULL), so that any list has one SQL text. */
#define MAIN_AT_ONCE 32

int catalog_image_main_hashes(struct store *st, const int64_t *ids, size_t n,
                              struct kt_arena *arena, const char **hashes, struct kt_err *err)
{
    static const char sql[] =
        "SELECT product_id, blob_hash FROM product_images WHERE position = 0 "
        "AND product_id IN (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
        "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)";
    if (n > CATALOG_IMAGE_MAIN_MAX)
        return kt_err_set(err, KT_EINVAL, "at most %d products at a time", CATALOG_IMAGE_MAIN_MAX);
    for (size_t i = 0; i < n; i++)
        hashes[i] = NULL;
    for (size_t from = 0; from < n; from += MAIN_AT_ONCE) {
        size_t m = n - from < MAIN_AT_ONCE ? n - from : MAIN_AT_ONCE;
        struct store_stmt *s = NULL;
        int rc = store_prepare(st, sql, &s, err);
        if (rc < 0)
            return rc;
        for (size_t i = 0; i < MAIN_AT_ONCE; i++) {
            if (i < m)
                store_bind_int64(s, (int)i + 1, ids[from + i]);
            else
                store_bind_null(s, (int)i + 1);
        }
        while ((rc = store_step(s, err)) == STORE_ROW) {
            int64_t id = store_col_int64(s, 0);
            for (size_t i = from; i < from + m; i++) {
                if (ids[i] == id && !hashes[i] &&
                    !(hashes[i] = kt_arena_strdup(arena, store_col_text(s, 1)))) {
                    rc = kt_err_set(err, KT_ENOMEM, "out of memory listing images");
                    break;
                }
            }
            if (rc < 0)
                break;
        }
        store_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return 0;
}

struct reorder_ctx {
    int64_t product_id;
    const char *const *hashes;
    size_t n;
};

static int reorder_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct reorder_ctx *r = ctx;
    struct store_stmt *s = NULL;
    char code[256];
    int64_t have = 0;
    int rc;

    if ((rc = product_code(st, r->product_id, code, sizeof code, err)) < 0)
        return rc;
    if ((rc = store_prepare(st, "SELECT count(*) FROM product_images WHERE product_id = ?1", &s,
                            err)) < 0)
        return rc;
    store_bind_int64(s, 1, r->product_id);
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        have = store_col_int64(s, 0);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if ((int64_t)r->n != have)
        return kt_err_set(err, KT_EINVAL,
                          "product %s has %lld images; the new order lists %zu — name each once",
                          code, (long long)have, r->n);
    for (size_t i = 0; i < r->n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->hashes[i], r->hashes[j]) == 0)
                return kt_err_set(err, KT_EINVAL, "image %.12s is listed twice in the new order",
                                  r->hashes[i]);
        if ((rc = store_prepare(st,
                                "UPDATE product_images SET position = ?3 WHERE product_id = ?1 "
                                "AND blob_hash = ?2",
                                &s, err)) < 0)
            return rc;
        store_bind_int64(s, 1, r->product_id);
        store_bind_text(s, 2, r->hashes[i]);
        store_bind_int64(s, 3, (int64_t)i);
        rc = store_step(s, err);
        store_stmt_done(s);
        if (rc < 0)
            return rc;
        if (store_changes(st) != 1)
            return kt_err_set(err, KT_EINVAL, "product %s has no image %.12s", code, r->hashes[i]);
    }
    return emit_changed(st, r->product_id, code, err);
}

int catalog_image_reorder(struct store *st, int64_t product_id, const char *const *hashes, size_t n,
                          struct kt_err *err)
{
    struct reorder_ctx r = {.product_id = product_id, .hashes = hashes, .n = n};
    return store_tx(st, reorder_tx, &r, err);
}

struct remove_ctx {
    int64_t product_id;
    const char *hash;
};

static int remove_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct remove_ctx *r = ctx;
    struct store_stmt *s = NULL;
    char code[256];
    int64_t pos = -1;
    int rc;

    if ((rc = product_code(st, r->product_id, code, sizeof code, err)) < 0)
        return rc;
    if ((rc = store_prepare(st,
                            "DELETE FROM product_images WHERE product_id = ?1 AND blob_hash = ?2 "
                            "RETURNING position",
                            &s, err)) < 0)
        return rc;
    store_bind_int64(s, 1, r->product_id);
    store_bind_text(s, 2, r->hash);
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        pos = store_col_int64(s, 0);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if (pos < 0)
        return kt_err_set(err, KT_ENOTFOUND, "product %s has no image %.12s", code, r->hash);
    if ((rc = store_prepare(st,
                            "UPDATE product_images SET position = position - 1 "
                            "WHERE product_id = ?1 AND position > ?2",
                            &s, err)) < 0)
        return rc;
    store_bind_int64(s, 1, r->product_id);
    store_bind_int64(s, 2, pos);
    rc = store_step(s, err);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    return emit_changed(st, r->product_id, code, err);
}

int catalog_image_remove(struct store *st, int64_t product_id, const char *hash, struct kt_err *err)
{
    struct remove_ctx r = {.product_id = product_id, .hash = hash};
    if (!hash)
        return kt_err_set(err, KT_EINVAL, "which image? give its hash");
    return store_tx(st, remove_tx, &r, err);
}

int catalog_image_thumbnail(struct store *st, const char *data_dir, int64_t product_id,
                            const char *hash, const struct catalog_image_limits *limits,
                            struct kt_buf *out, struct kt_err *err)
{
    struct catalog_image_limits def;
    const struct catalog_image_limits *lim = limits_or_default(limits, &def);
    struct store_stmt *s = NULL;
    char thumb[BLOB_HEX_LEN + 1] = "";
    struct kt_buf orig;
    int rc;

    if ((rc = store_prepare(st,
                            "SELECT thumb_hash FROM product_images WHERE product_id = ?1 AND "
                            "blob_hash = ?2",
                            &s, err)) < 0)
        return rc;
    store_bind_int64(s, 1, product_id);
    store_bind_text(s, 2, hash);
    rc = store_step(s, err);
    if (rc == STORE_ROW && !store_col_is_null(s, 0))
        kt_strlcpy(thumb, store_col_text(s, 0), sizeof thumb);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if (rc == STORE_DONE)
        return kt_err_set(err, KT_ENOTFOUND, "product %lld has no image %.12s",
                          (long long)product_id, hash ? hash : "");
    if (thumb[0]) {
        rc = blob_get(data_dir, thumb, out, lim->max_bytes, err);
        if (rc != KT_ENOTFOUND)
            return rc;
    }
    /* the cached thumbnail is gone: make it again from the original */
    kt_buf_init(&orig, lim->max_bytes);
    if ((rc = blob_get(data_dir, hash, &orig, lim->max_bytes, err)) < 0 ||
        (rc = make_thumbnail(orig.data, orig.len, lim, out, err)) < 0 ||
        (rc = blob_put(data_dir, out->data, out->len, thumb, err)) < 0)
        goto out;
    if ((rc = store_prepare(st,
                            "UPDATE product_images SET thumb_hash = ?3 WHERE product_id = ?1 AND "
                            "blob_hash = ?2",
                            &s, err)) < 0)
        goto out;
    store_bind_int64(s, 1, product_id);
    store_bind_text(s, 2, hash);
    store_bind_text(s, 3, thumb);
    rc = store_step(s, err);
    store_stmt_done(s);
    if (rc > 0)
        rc = 0;
out:
    kt_buf_release(&orig);
    return rc;
}
