/*
 * A per-request / per-job arena: many small allocations, freed together.
 * Ownership rule: memory from an arena lives until kt_arena_release on that
 * arena; nothing allocated from it may be kept after the request or job it
 * belongs to ends. An arena has a byte cap; allocation past it returns NULL.
 */
#ifndef KT_ARENA_H
#define KT_ARENA_H

#include <stddef.h>

struct kt_arena_block;

struct kt_arena {
    struct kt_arena_block *head;
    size_t used;  /* bytes handed out, for limits and statistics */
    size_t limit; /* 0 = KT_ARENA_DEFAULT_LIMIT */
};

#define KT_ARENA_DEFAULT_LIMIT ((size_t)256 << 20)

void kt_arena_init(struct kt_arena *a, size_t limit);
void kt_arena_release(struct kt_arena *a);

/* Aligned for any type; NULL when out of memory or past the limit. */
void *kt_arena_alloc(struct kt_arena *a, size_t n);
void *kt_arena_zalloc(struct kt_arena *a, size_t n);
char *kt_arena_strdup(struct kt_arena *a, const char *s);
char *kt_arena_strndup(struct kt_arena *a, const char *s, size_t n);
char *kt_arena_printf(struct kt_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
