/*
 * catalog/group: the tree of product groups for browsing. Owns the table
 * product_groups (migration 0003_catalog). A group has a unique code, a
 * name in Polish (required) and optionally in English and German, a parent
 * (none for a top-level group) and a position among its siblings. The tree
 * never has a cycle: moving a group below itself or one of its descendants
 * is refused.
 *
 * Strings in an output struct catalog_group come from the caller's arena;
 * on input they belong to the caller.
 */
#ifndef KT_CATALOG_GROUP_H
#define KT_CATALOG_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

#define CATALOG_GROUP_DEPTH_MAX 32 /* levels of the tree */

struct catalog_group {
    int64_t id;
    int64_t parent_id; /* 0 = top level */
    const char *code;  /* 1..40 printable characters, no spaces at the ends */
    const char *name_pl;
    const char *name_en; /* NULL = none */
    const char *name_de; /* NULL = none */
    int position;        /* order among siblings, ascending */
};

/* Creates a group in its own transaction and fills g->id. KT_EEXIST when
 * the code is taken, KT_ENOTFOUND when the parent does not exist,
 * KT_ELIMIT when the tree would get deeper than CATALOG_GROUP_DEPTH_MAX. */
int catalog_group_create(struct store *st, struct catalog_group *g, struct kt_err *err);

/* Replaces code, names, position and parent of group g->id. A new parent
 * that is the group itself or lies below it is KT_EINVAL ("would make a
 * cycle"). */
int catalog_group_update(struct store *st, const struct catalog_group *g, struct kt_err *err);

int catalog_group_get(struct store *st, int64_t id, struct kt_arena *arena,
                      struct catalog_group *out, struct kt_err *err);
int catalog_group_get_by_code(struct store *st, const char *code, struct kt_arena *arena,
                              struct catalog_group *out, struct kt_err *err);

/* The direct children of parent_id (0: the top-level groups), by position
 * then code. */
int catalog_group_children(struct store *st, int64_t parent_id, struct kt_arena *arena,
                           struct catalog_group **items, size_t *n, struct kt_err *err);

/* The path from the top-level group down to id (id itself last). */
int catalog_group_path(struct store *st, int64_t id, struct kt_arena *arena,
                       struct catalog_group **items, size_t *n, struct kt_err *err);

#endif
