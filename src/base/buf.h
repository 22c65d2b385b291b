/*
 * A length-carrying growable buffer with a cap. Every build-up of text
 * (HTML, JSON, SQL, MIME, CLI output) goes through it. Appends fail with
 * KT_ELIMIT instead of growing past `max`, and with KT_ENOMEM when malloc
 * fails; on failure the buffer is unchanged. `data` is always
 * NUL-terminated once anything was added (and "" before that via kt_buf_str).
 * The buffer owns `data`; kt_buf_release frees it.
 */
#ifndef KT_BUF_H
#define KT_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct kt_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len, 0 means KT_BUF_DEFAULT_MAX */
};

#define KT_BUF_DEFAULT_MAX ((size_t)64 << 20)

void kt_buf_init(struct kt_buf *b, size_t max);
void kt_buf_release(struct kt_buf *b);
void kt_buf_reset(struct kt_buf *b); /* len = 0, keeps memory */

int kt_buf_add(struct kt_buf *b, const void *p, size_t n);
int kt_buf_adds(struct kt_buf *b, const char *s);
int kt_buf_addc(struct kt_buf *b, char c);
int kt_buf_printf(struct kt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kt_buf_vprintf(struct kt_buf *b, const char *fmt, va_list ap);

/* The contents as a C string; "" for an empty buffer. */
const char *kt_buf_str(const struct kt_buf *b);

/* Hands the heap string to the caller (free() it); the buffer is emptied. */
char *kt_buf_detach(struct kt_buf *b);

/*
 * Copies src into dst of size dstsize, always NUL-terminating; returns
 * KT_ELIMIT when src did not fit (dst then holds the truncated prefix).
 */
int kt_strlcpy(char *dst, const char *src, size_t dstsize);

#endif
