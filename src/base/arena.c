#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/banned.h"

struct kt_arena_block {
    struct kt_arena_block *next;
    size_t size;
    size_t used;
    max_align_t data[];
};

#define BLOCK_MIN 8192
#define ALIGN (_Alignof(max_align_t))

void kt_arena_init(struct kt_arena *a, size_t limit)
{
    a->head = NULL;
    a->used = 0;
    a->limit = limit ? limit : KT_ARENA_DEFAULT_LIMIT;
}

void kt_arena_release(struct kt_arena *a)
{
    struct kt_arena_block *b = a->head;
    while (b) {
        struct kt_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}

void *kt_arena_alloc(struct kt_arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ALIGN)
        return NULL;
    size_t rounded = (n + ALIGN - 1) & ~(ALIGN - 1);
    if (rounded > a->limit || a->used > a->limit - rounded)
        return NULL;
    struct kt_arena_block *b = a->head;
    if (!b || b->size - b->used < rounded) {
        size_t size = rounded > BLOCK_MIN ? rounded : BLOCK_MIN;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        if (a->head && rounded > BLOCK_MIN) {
            /* a big one-off: keep the current head block for small ones */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += rounded;
    a->used += rounded;
    return p;
}

void *kt_arena_zalloc(struct kt_arena *a, size_t n)
{
    void *p = kt_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *kt_arena_strndup(struct kt_arena *a, const char *s, size_t n)
{
    char *p = kt_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *kt_arena_strdup(struct kt_arena *a, const char *s)
{
    return kt_arena_strndup(a, s, strlen(s));
}

char *kt_arena_printf(struct kt_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = NULL;
    if (n >= 0) {
        p = kt_arena_alloc(a, (size_t)n + 1);
        if (p)
            vsnprintf(p, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    return p;
}
