#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "catalog/group.h"
#include "catalog/fold.h"
#include "catalog/product.h"
#include "base/banned.h"

#define GROUP_COLUMNS "id, parent_id, code, name_pl, name_en, name_de, position"

static int empty(const char *s)
{
    return !s || !*s;
}

static int check_group(const struct catalog_group *g, struct kt_err *err)
{
    static const char *const fields[] = {"name_pl", "name_en", "name_de"};
    const char *names[] = {g->name_pl, g->name_en, g->name_de};
    size_t chars;
    int rc;
    if ((rc = catalog_code_check("code", g->code, err)) < 0)
        return rc;
    if (empty(g->name_pl))
        return kt_err_set(err, KT_EINVAL, "name_pl: the Polish name of the group is required");
    for (int i = 0; i < 3; i++) {
        if (empty(names[i]))
            continue;
        if (catalog_utf8_check(names[i], &chars, err) < 0)
            return kt_err_prefix(err, "%s", fields[i]);
        if (chars > CATALOG_NAME_MAX)
            return kt_err_set(err, KT_EINVAL, "%s: at most %d characters are allowed", fields[i],
                              CATALOG_NAME_MAX);
    }
    if (g->parent_id < 0)
        return kt_err_set(err, KT_EINVAL, "parent: %lld is not a group id",
                          (long long)g->parent_id);
    return 0;
}

static const char *nullable(const char *s)
{
    return empty(s) ? NULL : s;
}

/*
 * Serialises changes to the shape of the tree. SQLite: the write
 * transaction (BEGIN IMMEDIATE) already does. PostgreSQL at READ COMMITTED:
 * two transactions moving A below B and B below A would each see no cycle
 * and both commit one; a table lock that conflicts with itself (but not
 * with readers) makes the second wait and then see the first's move.
 */
static int lock_tree(struct store *st, struct kt_err *err)
{
    if (store_dialect(st) != STORE_POSTGRES)
        return 0;
    return store_exec(st, "LOCK TABLE product_groups IN SHARE ROW EXCLUSIVE MODE", err);
}

/* Depth of parent_id counted from the top (a top-level group has 1), and
 * whether `self` is on the path. KT_ENOTFOUND for a missing parent. */
static int parent_depth(struct store *st, int64_t parent_id, int64_t self, int *depth,
                        int *contains_self, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int64_t cur = parent_id;
    int rc;
    *depth = 0;
    *contains_self = 0;
    while (cur > 0) {
        if (cur == self)
            *contains_self = 1;
        if (++*depth > CATALOG_GROUP_DEPTH_MAX + 1)
            return kt_err_set(err, KT_ECORRUPT, "the product group tree has a cycle above %lld",
                              (long long)parent_id);
        if ((rc = store_prepare(st, "SELECT parent_id FROM product_groups WHERE id = ?1", &s,
                                err)) < 0)
            return rc;
        store_bind_int64(s, 1, cur);
        rc = store_step(s, err);
        int64_t next = (rc == STORE_ROW && !store_col_is_null(s, 0)) ? store_col_int64(s, 0) : 0;
        store_stmt_done(s);
        if (rc < 0)
            return rc;
        if (rc == STORE_DONE)
            return kt_err_set(err, KT_ENOTFOUND, "parent: there is no product group with id %lld",
                              (long long)cur);
        cur = next;
    }
    return 0;
}

/* Levels below id (0 for a leaf). */
static int subtree_height(struct store *st, int64_t id, int *height, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc =
        store_prepare(st,
                      "WITH RECURSIVE d(id, lvl) AS (SELECT CAST(?1 AS BIGINT), 0 UNION ALL "
                      "SELECT g.id, d.lvl + 1 FROM product_groups g JOIN d ON g.parent_id = d.id "
                      "WHERE d.lvl < ?2) SELECT max(lvl) FROM d",
                      &s, err);
    if (rc < 0)
        return rc;
    store_bind_int64(s, 1, id);
    store_bind_int64(s, 2, CATALOG_GROUP_DEPTH_MAX + 1);
    rc = store_step(s, err);
    *height = rc == STORE_ROW ? (int)store_col_int64(s, 0) : 0;
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int group_error(int rc, const struct catalog_group *g, struct kt_err *err)
{
    if (rc == KT_EEXIST)
        return kt_err_set(err, KT_EEXIST, "code: a product group with code \"%s\" already exists",
                          g->code);
    return rc;
}

static int create_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct catalog_group *g = ctx;
    struct store_stmt *s = NULL;
    int depth, cycle, rc;
    if ((rc = lock_tree(st, err)) < 0 ||
        (rc = parent_depth(st, g->parent_id, 0, &depth, &cycle, err)) < 0)
        return rc;
    if (depth + 1 > CATALOG_GROUP_DEPTH_MAX)
        return kt_err_set(err, KT_ELIMIT, "parent: groups nest at most %d levels deep",
                          CATALOG_GROUP_DEPTH_MAX);
    if ((rc = store_prepare(st,
                            "INSERT INTO product_groups (parent_id, code, name_pl, name_en, "
                            "name_de, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                            &s, err)) < 0)
        return rc;
    if (g->parent_id > 0)
        store_bind_int64(s, 1, g->parent_id);
    else
        store_bind_null(s, 1);
    store_bind_text(s, 2, g->code);
    store_bind_text(s, 3, g->name_pl);
    store_bind_text(s, 4, nullable(g->name_en));
    store_bind_text(s, 5, nullable(g->name_de));
    store_bind_int64(s, 6, g->position);
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        g->id = store_col_int64(s, 0);
    store_stmt_done(s);
    return rc < 0 ? group_error(rc, g, err) : 0;
}

int catalog_group_create(struct store *st, struct catalog_group *g, struct kt_err *err)
{
    int rc = check_group(g, err);
    return rc < 0 ? rc : store_tx(st, create_tx, g, err);
}

static int update_tx(struct store *st, void *ctx, struct kt_err *err)
{
    const struct catalog_group *g = ctx;
    struct store_stmt *s = NULL;
    int depth, cycle, height, rc;
    if ((rc = lock_tree(st, err)) < 0 ||
        (rc = parent_depth(st, g->parent_id, g->id, &depth, &cycle, err)) < 0)
        return rc;
    if (cycle)
        return kt_err_set(err, KT_EINVAL,
                          "parent: moving group %s below itself or one of its subgroups would "
                          "make a cycle",
                          g->code);
    if ((rc = subtree_height(st, g->id, &height, err)) < 0)
        return rc;
    if (depth + 1 + height > CATALOG_GROUP_DEPTH_MAX)
        return kt_err_set(err, KT_ELIMIT, "parent: groups nest at most %d levels deep",
                          CATALOG_GROUP_DEPTH_MAX);
    if ((rc = store_prepare(st,
                            "UPDATE product_groups SET parent_id = ?2, code = ?3, name_pl = ?4, "
                            "name_en = ?5, name_de = ?6, position = ?7 WHERE id = ?1",
                            &s, err)) < 0)
        return rc;
    store_bind_int64(s, 1, g->id);
    if (g->parent_id > 0)
        store_bind_int64(s, 2, g->parent_id);
    else
        store_bind_null(s, 2);
    store_bind_text(s, 3, g->code);
    store_bind_text(s, 4, g->name_pl);
    store_bind_text(s, 5, nullable(g->name_en));
    store_bind_text(s, 6, nullable(g->name_de));
    store_bind_int64(s, 7, g->position);
    rc = store_step(s, err);
    store_stmt_done(s);
    if (rc < 0)
        return group_error(rc, g, err);
    if (store_changes(st) != 1)
        return kt_err_set(err, KT_ENOTFOUND, "there is no product group with id %lld",
                          (long long)g->id);
    return 0;
}

int catalog_group_update(struct store *st, const struct catalog_group *g, struct kt_err *err)
{
    int rc = check_group(g, err);
    return rc < 0 ? rc : store_tx(st, update_tx, (void *)g, err);
}

static int read_group(struct store_stmt *s, struct kt_arena *a, struct catalog_group *g,
                      struct kt_err *err)
{
    const char *t[4];
    char *d[4];
    memset(g, 0, sizeof *g);
    g->id = store_col_int64(s, 0);
    g->parent_id = store_col_is_null(s, 1) ? 0 : store_col_int64(s, 1);
    g->position = (int)store_col_int64(s, 6);
    for (int i = 0; i < 4; i++) {
        t[i] = store_col_text(s, 2 + i);
        d[i] = t[i] ? kt_arena_strdup(a, t[i]) : NULL;
        if (t[i] && !d[i])
            return kt_err_set(err, KT_ENOMEM, "out of memory reading product groups");
    }
    g->code = d[0], g->name_pl = d[1], g->name_en = d[2], g->name_de = d[3];
    return 0;
}

static int get_one(struct store *st, const char *sql, int64_t id, const char *code,
                   struct kt_arena *a, struct catalog_group *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s, err);
    if (rc < 0)
        return rc;
    if (code)
        store_bind_text(s, 1, code);
    else
        store_bind_int64(s, 1, id);
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        rc = read_group(s, a, out, err);
    else if (rc == STORE_DONE)
        rc = code
                 ? kt_err_set(err, KT_ENOTFOUND, "there is no product group with code \"%s\"", code)
                 : kt_err_set(err, KT_ENOTFOUND, "there is no product group with id %lld",
                              (long long)id);
    store_stmt_done(s);
    return rc;
}

int catalog_group_get(struct store *st, int64_t id, struct kt_arena *arena,
                      struct catalog_group *out, struct kt_err *err)
{
    return get_one(st, "SELECT " GROUP_COLUMNS " FROM product_groups WHERE id = ?1", id, NULL,
                   arena, out, err);
}

int catalog_group_get_by_code(struct store *st, const char *code, struct kt_arena *arena,
                              struct catalog_group *out, struct kt_err *err)
{
    if (empty(code))
        return kt_err_set(err, KT_EINVAL, "code: a group code is required");
    return get_one(st, "SELECT " GROUP_COLUMNS " FROM product_groups WHERE code = ?1", 0, code,
                   arena, out, err);
}

/* Reads all rows of s into an arena array (growing by doubling). */
static int read_all(struct store_stmt *s, struct kt_arena *a, struct catalog_group **items,
                    size_t *n, struct kt_err *err)
{
    struct catalog_group *list = NULL;
    size_t count = 0, cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct catalog_group *bigger = kt_arena_alloc(a, sizeof *bigger * ncap);
            if (!bigger) {
                rc = kt_err_set(err, KT_ENOMEM, "out of memory reading product groups");
                break;
            }
            if (count)
                memcpy(bigger, list, sizeof *list * count);
            list = bigger, cap = ncap;
        }
        if ((rc = read_group(s, a, &list[count], err)) < 0)
            break;
        count++;
    }
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    *items = list;
    *n = count;
    return 0;
}

int catalog_group_children(struct store *st, int64_t parent_id, struct kt_arena *arena,
                           struct catalog_group **items, size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc;
    *items = NULL;
    *n = 0;
    if (parent_id > 0)
        rc = store_prepare(st,
                           "SELECT " GROUP_COLUMNS " FROM product_groups WHERE parent_id = ?1 "
                           "ORDER BY position, code",
                           &s, err);
    else
        rc = store_prepare(st,
                           "SELECT " GROUP_COLUMNS " FROM product_groups WHERE parent_id IS NULL "
                           "ORDER BY position, code",
                           &s, err);
    if (rc < 0)
        return rc;
    if (parent_id > 0)
        store_bind_int64(s, 1, parent_id);
    return read_all(s, arena, items, n, err);
}

int catalog_group_path(struct store *st, int64_t id, struct kt_arena *arena,
                       struct catalog_group **items, size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc;
    *items = NULL;
    *n = 0;
    /* the walk up is bounded, so a damaged tree cannot loop forever */
    rc = store_prepare(
        st,
        "WITH RECURSIVE up(id, lvl) AS (SELECT CAST(?1 AS BIGINT), 0 UNION ALL "
        "SELECT g.parent_id, up.lvl + 1 FROM product_groups g JOIN up ON g.id = up.id "
        "WHERE g.parent_id IS NOT NULL AND up.lvl < ?2) "
        "SELECT g.id, g.parent_id, g.code, g.name_pl, g.name_en, g.name_de, "
        "g.position FROM up JOIN product_groups g ON g.id = up.id "
        "ORDER BY up.lvl DESC",
        &s, err);
    if (rc < 0)
        return rc;
    store_bind_int64(s, 1, id);
    store_bind_int64(s, 2, CATALOG_GROUP_DEPTH_MAX + 1);
    if ((rc = read_all(s, arena, items, n, err)) < 0)
        return rc;
    if (*n == 0)
        return kt_err_set(err, KT_ENOTFOUND, "there is no product group with id %lld",
                          (long long)id);
    return 0;
}
