/*
 * catalog/image: ordered product images. Owns the table product_images
 * (migration 0003_catalog). The files live in the blob store (store/blob.h)
 * under DATA_DIR; a row keeps the blob's hash, its type, pixel size, byte
 * size and the hash of its thumbnail. Position 0 is the main image.
 *
 * Accepted: JPEG, PNG and WebP, recognised by their first bytes (magic
 * numbers), never by a file name; the whole image must decode with libvips.
 * Anything else is refused with a sentence saying what it really is ("an
 * ELF executable, not an image"). Limits (catalog_image_limits): file size
 * (default 10 MB) and pixel count (default 50 megapixels; checked from the
 * header before anything is decoded, so a small file that would inflate to
 * gigabytes — a decompression bomb — is refused cheaply).
 *
 * Thumbnails for listings: the image scaled to fit a box of thumb_size
 * pixels (default 320) on its longest side, WebP (keeps transparency),
 * made with libvips and stored in the blob store; regenerated if the blob
 * was removed.
 *
 * Adding, removing and reordering write product.changed in the same
 * transaction. Blobs are written before the transaction; a rolled-back
 * transaction leaves an unreferenced blob, which content addressing makes
 * harmless (the next add of the same bytes reuses it).
 *
 * libvips is initialised once per process on first use; the functions are
 * safe to call from several threads with their own struct store.
 */
#ifndef KT_CATALOG_IMAGE_H
#define KT_CATALOG_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "store/blob.h"
#include "store/store.h"

struct catalog_image_limits {
    size_t max_bytes;   /* file size; default 10 MB */
    int64_t max_pixels; /* width * height; default 50 000 000 */
    int thumb_size;     /* longest side of a thumbnail, 16..2048; default 320 */
};

void catalog_image_limits_init(struct catalog_image_limits *l);

struct catalog_image {
    int64_t product_id;
    int position; /* 0 = main image */
    char blob_hash[BLOB_HEX_LEN + 1];
    char thumb_hash[BLOB_HEX_LEN + 1];
    const char *mime; /* "image/jpeg", "image/png", "image/webp" (static) */
    int width, height;
    int64_t bytes;
};

/*
 * Recognises p[0..n) by its first bytes: sets *mime to the type for JPEG,
 * PNG and WebP; KT_EINVAL naming what the bytes are otherwise.
 */
int catalog_image_sniff(const void *p, size_t n, const char **mime, struct kt_err *err);

/*
 * Checks and stores an image and appends it as the last image of the
 * product (limits may be NULL for the defaults). KT_EINVAL for a type that
 * is not accepted or a damaged image, KT_ELIMIT over a limit,
 * KT_ENOTFOUND for no such product, KT_EEXIST when the product already has
 * this exact image. out may be NULL.
 */
int catalog_image_add(struct store *st, const char *data_dir, int64_t product_id, const void *p,
                      size_t n, const struct catalog_image_limits *limits,
                      struct catalog_image *out, struct kt_err *err);
/* The same for a file (read with the size limit, whatever its name says). */
int catalog_image_add_file(struct store *st, const char *data_dir, int64_t product_id,
                           const char *path, const struct catalog_image_limits *limits,
                           struct catalog_image *out, struct kt_err *err);

/* The product's images by position (arena array). */
int catalog_image_list(struct store *st, int64_t product_id, struct kt_arena *arena,
                       struct catalog_image **items, size_t *n, struct kt_err *err);

#define CATALOG_IMAGE_MAIN_MAX 100
/* The main image of each product of ids[0..n) (n <= CATALOG_IMAGE_MAIN_MAX),
 * in one statement, for a list: hashes[i] is the blob hash of product
 * ids[i]'s main image (from arena), or NULL when it has none. */
int catalog_image_main_hashes(struct store *st, const int64_t *ids, size_t n,
                              struct kt_arena *arena, const char **hashes, struct kt_err *err);

/* Sets the order: hashes lists every image of the product exactly once,
 * the new main image first. KT_EINVAL otherwise. */
int catalog_image_reorder(struct store *st, int64_t product_id, const char *const *hashes, size_t n,
                          struct kt_err *err);

/* Detaches an image (the blob stays; others may share it); the images
 * after it move up. KT_ENOTFOUND when the product has no such image. */
int catalog_image_remove(struct store *st, int64_t product_id, const char *hash,
                         struct kt_err *err);

/* The thumbnail (WebP bytes) of one image of a product into out. */
int catalog_image_thumbnail(struct store *st, const char *data_dir, int64_t product_id,
                            const char *hash, const struct catalog_image_limits *limits,
                            struct kt_buf *out, struct kt_err *err);

#endif
