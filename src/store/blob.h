/*
 * blob: the content-addressed file store under the data directory. A blob
 * is named by the SHA-256 of its content (64 lowercase hex digits) and
 * lives in DATA_DIR/blobs/ab/cdef... (the first two digits pick a fan-out
 * directory). The database keeps only the name.
 *
 * Writes go to a temporary file in DATA_DIR/blobs/, are fsynced, renamed
 * into place and the directory is fsynced, so a blob is either complete or
 * absent after a crash. Putting content that is already stored rewrites
 * nothing. Reads verify the hash: a damaged file is KT_ECORRUPT, never
 * silently wrong bytes. The functions keep no state and are thread-safe.
 */
#ifndef KT_BLOB_H
#define KT_BLOB_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define BLOB_HEX_LEN 64

/* SHA-256 of p[0..n) as 64 lowercase hex digits plus NUL. */
void blob_hash(const void *p, size_t n, char hex[BLOB_HEX_LEN + 1]);

/* Stores p[0..n) and returns its name in hex. */
int blob_put(const char *data_dir, const void *p, size_t n, char hex[BLOB_HEX_LEN + 1],
             struct kt_err *err);
/* Streams from fd (to its end) or from the file at path; more than max bytes -> KT_ELIMIT. */
int blob_put_fd(const char *data_dir, int fd, size_t max, char hex[BLOB_HEX_LEN + 1],
                struct kt_err *err);
int blob_put_file(const char *data_dir, const char *path, size_t max,
                  char hex[BLOB_HEX_LEN + 1], struct kt_err *err);

/*
 * Reads the blob into out (reset first), verifying its hash. KT_ENOTFOUND
 * when absent, KT_ELIMIT when larger than max, KT_ECORRUPT when damaged,
 * KT_EINVAL when hex is not a blob name.
 */
int blob_get(const char *data_dir, const char *hex, struct kt_buf *out, size_t max,
             struct kt_err *err);

/* The file name of a blob (whether or not it exists). */
int blob_path(const char *data_dir, const char *hex, char *out, size_t n, struct kt_err *err);

/* 1 when stored, 0 when not, negative KT_E* for a bad name. */
int blob_exists(const char *data_dir, const char *hex, struct kt_err *err);

#endif
