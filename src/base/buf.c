#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/banned.h"

void kt_buf_init(struct kt_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : KT_BUF_DEFAULT_MAX;
}

void kt_buf_release(struct kt_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void kt_buf_reset(struct kt_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int grow(struct kt_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return KT_ELIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (b->max < SIZE_MAX && cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->data, cap);
    if (!p)
        return KT_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int kt_buf_add(struct kt_buf *b, const void *p, size_t n)
{
    int rc = grow(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int kt_buf_adds(struct kt_buf *b, const char *s)
{
    return kt_buf_add(b, s, strlen(s));
}

int kt_buf_addc(struct kt_buf *b, char c)
{
    return kt_buf_add(b, &c, 1);
}

int kt_buf_vprintf(struct kt_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return KT_EINVAL;
    int rc = grow(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int kt_buf_printf(struct kt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = kt_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *kt_buf_str(const struct kt_buf *b)
{
    return b->data ? b->data : "";
}

char *kt_buf_detach(struct kt_buf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

int kt_strlcpy(char *dst, const char *src, size_t dstsize)
{
    if (dstsize == 0)
        return KT_ELIMIT;
    size_t n = strlen(src);
    if (n >= dstsize) {
        memcpy(dst, src, dstsize - 1);
        dst[dstsize - 1] = '\0';
        return KT_ELIMIT;
    }
    memcpy(dst, src, n + 1);
    return 0;
}
