#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "orders/internal.h"
#include "orders/orders.h"
#include "store/store.h"
#include "base/banned.h"

/*
 * The history of an order and its message thread. Messages do not change
 * the order (no version bump): a customer writing while staff edits the
 * order never causes a conflict.
 */

static const char *dup_col(struct kt_arena *a, struct store_stmt *s, int col)
{
    const char *t = store_col_text(s, col);
    return kt_arena_strdup(a, t ? t : "");
}

/* Grows an arena array of `size`-byte items; NULL when out of memory. */
static void *grow(struct kt_arena *a, void *items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *bigger = kt_arena_alloc(a, ncap * size);
    if (bigger && n)
        memcpy(bigger, items, n * size);
    *cap = ncap;
    return bigger;
}

int orders_history(struct store *st, const struct orders_actor *actor, int64_t id,
                   struct kt_arena *arena, struct orders_history_entry **out, size_t *n,
                   struct kt_err *err)
{
    int b = 0;
    struct orders_head h;
    struct store_stmt *s = NULL;
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    if ((rc = orders_actor_check(actor, err)) || (rc = orders_head_load(st, actor, id, &h, err)))
        return rc;
    if ((rc = store_prepare(st,
                            "SELECT id, at, actor, action, from_status, to_status, revision, "
                            "detail FROM order_history WHERE order_id = ?1 ORDER BY id",
                            &s, err)))
        return rc;
    orders_bind_int(s, 1, h.id, &b);
    while ((rc = orders_step(s, b, err)) == STORE_ROW) {
        struct orders_history_entry *items = grow(arena, *out, *n, &cap, sizeof **out);
        if (!items) {
            rc = kt_err_set(err, KT_ENOMEM, "the history of %s does not fit in memory", h.number);
            break;
        }
        *out = items;
        struct orders_history_entry *e = &items[(*n)++];
        e->id = store_col_int64(s, 0);
        e->at = store_col_int64(s, 1);
        e->actor = dup_col(arena, s, 2);
        e->action = dup_col(arena, s, 3);
        e->from_status = dup_col(arena, s, 4);
        e->to_status = dup_col(arena, s, 5);
        e->revision = (int)store_col_int64(s, 6);
        e->detail = dup_col(arena, s, 7);
    }
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static const char *side_of(const struct orders_actor *a)
{
    return a->kind == ORDERS_ACTOR_CUSTOMER ? "customer" : "staff";
}

struct post_ctx {
    const struct orders_actor *actor;
    int64_t id;
    const char *body;
    int64_t message_id;
};

static int post_tx(struct store *st, void *ctx, struct kt_err *err)
{
    int b = 0;
    struct post_ctx *cx = ctx;
    struct orders_head h;
    struct store_stmt *s = NULL;
    int rc;
    cx->message_id = 0;
    if ((rc = orders_head_load(st, cx->actor, cx->id, &h, err)))
        return rc;
    if ((rc = store_prepare(st,
                            "INSERT INTO order_messages (order_id, at, author_kind, author, body) "
                            "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                            &s, err)))
        return rc;
    orders_bind_int(s, 1, h.id, &b);
    orders_bind_int(s, 2, orders_now(), &b);
    orders_bind_txt(s, 3, side_of(cx->actor), &b);
    orders_bind_txt(s, 4, cx->actor->name, &b);
    orders_bind_txt(s, 5, cx->body, &b);
    rc = orders_step(s, b, err);
    if (rc == STORE_ROW)
        cx->message_id = store_col_int64(s, 0);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    json_t *extra = json_pack("{s:I, s:s, s:s}", "message_id", (json_int_t)cx->message_id,
                              "author_kind", side_of(cx->actor), "author", cx->actor->name);
    if (!extra)
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    rc = orders_emit(st, "order.message", &h, extra, err);
    json_decref(extra);
    return rc;
}

/* Checks UTF-8 well-formedness (no overlongs, no surrogates). */
static int utf8_ok(const unsigned char *p)
{
    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        int n = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
        if (n < 0 || (*p == 0xc0 || *p == 0xc1) || *p > 0xf4)
            return 0;
        uint32_t cp = *p & (0x3f >> n);
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        p += n + 1;
    }
    return 1;
}

int orders_message_post(struct store *st, const struct orders_actor *actor, int64_t id,
                        const char *body, int64_t *message_id, struct kt_err *err)
{
    int rc = orders_actor_check(actor, err);
    if (rc)
        return rc;
    size_t len = body ? strlen(body) : 0;
    size_t start = 0;
    while (start < len && (body[start] == ' ' || body[start] == '\n' || body[start] == '\t' ||
                           body[start] == '\r'))
        start++;
    if (start == len)
        return kt_err_set(err, KT_EINVAL, "message: is empty");
    if (len > ORDERS_TEXT_MAX)
        return kt_err_set(err, KT_EINVAL, "message: longer than %d bytes", ORDERS_TEXT_MAX);
    if (!utf8_ok((const unsigned char *)body))
        return kt_err_set(err, KT_EINVAL, "message: is not valid UTF-8 text");
    struct post_ctx cx = {.actor = actor, .id = id, .body = body};
    rc = orders_run(st, post_tx, &cx, err);
    if (rc == 0 && message_id)
        *message_id = cx.message_id;
    return rc;
}

int orders_messages(struct store *st, const struct orders_actor *actor, int64_t id,
                    struct kt_arena *arena, struct orders_message **out, size_t *n, int64_t *unread,
                    struct kt_err *err)
{
    int b = 0;
    struct orders_head h;
    struct store_stmt *s = NULL;
    size_t cap = 0;
    int64_t not_read = 0;
    int rc;
    *out = NULL;
    *n = 0;
    if ((rc = orders_actor_check(actor, err)) || (rc = orders_head_load(st, actor, id, &h, err)))
        return rc;
    if ((rc = store_prepare(st,
                            "SELECT id, at, author_kind, author, body, read_at FROM order_messages "
                            "WHERE order_id = ?1 ORDER BY id",
                            &s, err)))
        return rc;
    orders_bind_int(s, 1, h.id, &b);
    const char *mine = side_of(actor);
    while ((rc = orders_step(s, b, err)) == STORE_ROW) {
        struct orders_message *items = grow(arena, *out, *n, &cap, sizeof **out);
        if (!items) {
            rc = kt_err_set(err, KT_ENOMEM, "the messages of %s do not fit in memory", h.number);
            break;
        }
        *out = items;
        struct orders_message *m = &items[(*n)++];
        m->id = store_col_int64(s, 0);
        m->at = store_col_int64(s, 1);
        m->author_kind = dup_col(arena, s, 2);
        m->author = dup_col(arena, s, 3);
        m->body = dup_col(arena, s, 4);
        m->read_at = store_col_is_null(s, 5) ? 0 : store_col_int64(s, 5);
        if (m->read_at == 0 && strcmp(m->author_kind, mine) != 0)
            not_read++;
    }
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if (unread)
        *unread = not_read;
    return 0;
}

struct read_ctx {
    const struct orders_actor *actor;
    int64_t id;
};

static int read_tx(struct store *st, void *ctx, struct kt_err *err)
{
    int b = 0;
    struct read_ctx *cx = ctx;
    struct orders_head h;
    struct store_stmt *s = NULL;
    int rc;
    if ((rc = orders_head_load(st, cx->actor, cx->id, &h, err)))
        return rc;
    if ((rc = store_prepare(st,
                            "UPDATE order_messages SET read_at = ?2 WHERE order_id = ?1 AND "
                            "author_kind <> ?3 AND read_at IS NULL",
                            &s, err)))
        return rc;
    orders_bind_int(s, 1, h.id, &b);
    orders_bind_int(s, 2, orders_now(), &b);
    orders_bind_txt(s, 3, side_of(cx->actor), &b);
    rc = orders_step(s, b, err);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int orders_messages_mark_read(struct store *st, const struct orders_actor *actor, int64_t id,
                              struct kt_err *err)
{
    int rc = orders_actor_check(actor, err);
    if (rc)
        return rc;
    struct read_ctx cx = {.actor = actor, .id = id};
    return orders_run(st, read_tx, &cx, err);
}
