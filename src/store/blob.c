/*
 * blob.c: the content-addressed blob store (see blob.h). SHA-256 comes
 * from libsodium.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "store/blob.h"
#include "base/banned.h"

#define BLOB_CHUNK 65536
#define BLOB_PATH_MAX 4096

static void to_hex(const unsigned char digest[crypto_hash_sha256_BYTES], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < crypto_hash_sha256_BYTES; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[BLOB_HEX_LEN] = '\0';
}

/* SHA-256 needs no random source, so a failed init is only worth a log line. */
static void sodium_ready(void)
{
    if (sodium_init() < 0)
        kt_log_warn("blob.sodium_init", "result=failed");
}

void blob_hash(const void *p, size_t n, char hex[BLOB_HEX_LEN + 1])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    sodium_ready();
    crypto_hash_sha256(d, p, n);
    to_hex(d, hex);
}

static int valid_name(const char *hex)
{
    if (!hex)
        return 0;
    for (int i = 0; i < BLOB_HEX_LEN; i++)
        if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
            return 0;
    return hex[BLOB_HEX_LEN] == '\0';
}

int blob_path(const char *data_dir, const char *hex, char *out, size_t n, struct kt_err *err)
{
    if (!valid_name(hex))
        return kt_err_set(err, KT_EINVAL, "\"%.80s\" is not a blob name (64 hex digits)",
                          hex ? hex : "");
    int k = snprintf(out, n, "%s/blobs/%.2s/%s", data_dir, hex, hex + 2);
    if (k < 0 || (size_t)k >= n)
        return kt_err_set(err, KT_ELIMIT, "the data directory path %s is too long", data_dir);
    return 0;
}

int blob_exists(const char *data_dir, const char *hex, struct kt_err *err)
{
    char path[BLOB_PATH_MAX];
    int rc = blob_path(data_dir, hex, path, sizeof path, err);
    if (rc != 0)
        return rc;
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* An errno from writing under data_dir, as a sentence saying what to do. */
static int write_error(const char *data_dir, const char *what, int e, struct kt_err *err)
{
    switch (e) {
    case ENOENT:
        return kt_err_set(err, KT_EIO,
                          "the data directory %s does not exist; run kontor init or point --data "
                          "at the right directory",
                          data_dir);
    case EACCES:
    case EPERM:
    case EROFS:
        return kt_err_set(err, KT_EIO,
                          "cannot write to the data directory %s (%s); make it writable by the "
                          "user running kontor",
                          data_dir, strerror(e));
    case ENOSPC:
    case EDQUOT:
        return kt_err_set(err, KT_EIO, "the disk holding the data directory %s is full; free "
                                       "some space", data_dir);
    default:
        return kt_err_set(err, KT_EIO, "cannot %s in the data directory %s: %s", what, data_dir,
                          strerror(e));
    }
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

/* mkdir that tolerates an existing directory; fsyncs the parent when it created one. */
static int ensure_dir(const char *dir, const char *parent)
{
    if (mkdir(dir, 0755) == 0)
        return fsync_dir(parent);
    if (errno != EEXIST)
        return -1;
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return -1;
    if (!S_ISDIR(sb.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The blob is already stored in full: its size matches (the hash is the name). */
static int already_stored(const char *path, size_t n)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (size_t)sb.st_size == n;
}

/*
 * Writes the content (from p[0..n) when src_fd < 0, else streamed from
 * src_fd up to max bytes) into DATA_DIR/blobs/ under its hash.
 */
static int put(const char *data_dir, const void *p, size_t n, int src_fd, size_t max,
               char hex[BLOB_HEX_LEN + 1], struct kt_err *err)
{
    char blobs[BLOB_PATH_MAX], tmp[BLOB_PATH_MAX], fan[BLOB_PATH_MAX], final[BLOB_PATH_MAX];
    unsigned char *chunk = NULL;
    int fd = -1, rc = 0;
    tmp[0] = '\0';
    sodium_ready();
    if (snprintf(blobs, sizeof blobs, "%s/blobs", data_dir) >= (int)sizeof blobs ||
        snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", blobs) >= (int)sizeof tmp)
        return kt_err_set(err, KT_ELIMIT, "the data directory path %s is too long", data_dir);
    if (src_fd < 0) {
        blob_hash(p, n, hex);
        if ((rc = blob_path(data_dir, hex, final, sizeof final, err)) != 0)
            return rc;
        if (already_stored(final, n))
            return 0;
    }
    if (ensure_dir(blobs, data_dir) != 0) {
        tmp[0] = '\0';
        return write_error(data_dir, "create the blobs directory", errno, err);
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = write_error(data_dir, "create a temporary file", errno, err);
        tmp[0] = '\0';
        goto out;
    }
    if (src_fd < 0) {
        if (write_all(fd, p, n) != 0) {
            rc = write_error(data_dir, "write a blob", errno, err);
            goto out;
        }
    } else {
        crypto_hash_sha256_state h;
        crypto_hash_sha256_init(&h);
        chunk = malloc(BLOB_CHUNK);
        if (!chunk) {
            rc = kt_err_set(err, KT_ENOMEM, "out of memory storing a file");
            goto out;
        }
        n = 0;
        for (;;) {
            ssize_t r = read(src_fd, chunk, BLOB_CHUNK);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                rc = kt_err_set(err, KT_EIO, "cannot read the file to store: %s", strerror(errno));
                goto out;
            }
            if (r == 0)
                break;
            if ((size_t)r > max - n) {
                rc = kt_err_set(err, KT_ELIMIT, "the file is larger than the limit of %zu bytes",
                                max);
                goto out;
            }
            n += (size_t)r;
            crypto_hash_sha256_update(&h, chunk, (unsigned long long)r);
            if (write_all(fd, chunk, (size_t)r) != 0) {
                rc = write_error(data_dir, "write a blob", errno, err);
                goto out;
            }
        }
        unsigned char d[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_final(&h, d);
        to_hex(d, hex);
        if ((rc = blob_path(data_dir, hex, final, sizeof final, err)) != 0)
            goto out;
        if (already_stored(final, n))
            goto out; /* the temporary file is removed below */
    }
    if (fsync(fd) != 0 || fchmod(fd, 0644) != 0) {
        rc = write_error(data_dir, "write a blob", errno, err);
        goto out;
    }
    int cr = close(fd);
    fd = -1;
    if (cr != 0) {
        rc = write_error(data_dir, "write a blob", errno, err);
        goto out;
    }
    if (snprintf(fan, sizeof fan, "%s/%.2s", blobs, hex) >= (int)sizeof fan) {
        rc = kt_err_set(err, KT_ELIMIT, "the data directory path %s is too long", data_dir);
        goto out;
    }
    if (ensure_dir(fan, blobs) != 0 || rename(tmp, final) != 0) {
        rc = write_error(data_dir, "store a blob", errno, err);
        goto out;
    }
    tmp[0] = '\0';
    if (fsync_dir(fan) != 0)
        rc = write_error(data_dir, "store a blob", errno, err);
out:
    if (fd >= 0)
        close(fd);
    if (tmp[0])
        unlink(tmp);
    free(chunk);
    return rc;
}

int blob_put(const char *data_dir, const void *p, size_t n, char hex[BLOB_HEX_LEN + 1],
             struct kt_err *err)
{
    return put(data_dir, p ? p : "", n, -1, 0, hex, err);
}

int blob_put_fd(const char *data_dir, int fd, size_t max, char hex[BLOB_HEX_LEN + 1],
                struct kt_err *err)
{
    if (fd < 0)
        return kt_err_set(err, KT_EINVAL, "no file to store");
    return put(data_dir, NULL, 0, fd, max, hex, err);
}

int blob_put_file(const char *data_dir, const char *path, size_t max,
                  char hex[BLOB_HEX_LEN + 1], struct kt_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kt_err_set(err, errno == ENOENT ? KT_ENOTFOUND : KT_EIO, "cannot open %s: %s",
                          path, strerror(errno));
    int rc = put(data_dir, NULL, 0, fd, max, hex, err);
    if (rc != 0 && rc != KT_ELIMIT)
        kt_err_prefix(err, "storing %s", path);
    close(fd);
    return rc;
}

int blob_get(const char *data_dir, const char *hex, struct kt_buf *out, size_t max,
             struct kt_err *err)
{
    char path[BLOB_PATH_MAX];
    int rc = blob_path(data_dir, hex, path, sizeof path, err);
    if (rc != 0)
        return rc;
    kt_buf_reset(out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return kt_err_set(err, KT_ENOTFOUND, "blob %s is not in %s/blobs", hex, data_dir);
        return kt_err_set(err, KT_EIO, "cannot read blob %s: %s", path, strerror(errno));
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        rc = kt_err_set(err, KT_EIO, "cannot read blob %s: %s", path, strerror(errno));
        goto out;
    }
    size_t size = (size_t)sb.st_size;
    if (size > max) {
        rc = kt_err_set(err, KT_ELIMIT, "blob %s has %zu bytes, more than the limit of %zu", hex,
                        size, max);
        goto out;
    }
    rc = kt_buf_add(out, "", 0); /* "" even for an empty blob */
    size_t done = 0;
    while (rc == 0 && done < size) {
        char chunk[8192];
        ssize_t r = read(fd, chunk, sizeof chunk < size - done ? sizeof chunk : size - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = kt_err_set(err, KT_EIO, "cannot read blob %s: %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break; /* shorter than it was: caught by the hash below */
        rc = kt_buf_add(out, chunk, (size_t)r);
        done += (size_t)r;
    }
    if (rc != 0) {
        rc = kt_err_set(err, rc, "cannot hold blob %s (%zu bytes) in memory", hex, size);
        goto out;
    }
    char got[BLOB_HEX_LEN + 1];
    blob_hash(out->data, out->len, got);
    if (strcmp(got, hex) != 0) {
        kt_buf_reset(out);
        rc = kt_err_set(err, KT_ECORRUPT,
                        "blob %s is damaged (its content no longer matches its name); restore "
                        "%s from a backup",
                        hex, path);
    }
out:
    close(fd);
    return rc;
}
