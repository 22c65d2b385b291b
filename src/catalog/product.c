#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "catalog/product.h"
#include "base/buf.h"
#include "base/qty.h"
#include "base/validate.h"
#include "catalog/fold.h"
#include "catalog/search.h"
#include "catalog/vat.h"
#include "jobs/jobs.h"
#include "base/banned.h"

static const char *const lang_codes[CATALOG_LANG_COUNT] = {"pl", "en", "de"};

#define PRODUCT_COLUMNS                                                                            \
    "id, code, ean, unit, vat_rate, pkwiu, cn_code, weight_g, group_id, active, created_at, "      \
    "updated_at, version"
#define PRODUCT_NCOLUMNS 13
/* The same, of products p, then the text columns of product_texts t (NULL
 * for a product without texts, read with a LEFT JOIN). */
#define PRODUCT_TEXT_COLUMNS                                                                       \
    "p.id, p.code, p.ean, p.unit, p.vat_rate, p.pkwiu, p.cn_code, p.weight_g, p.group_id, "        \
    "p.active, p.created_at, p.updated_at, p.version, t.lang, t.name, t.short_desc, t.long_desc"

const char *catalog_lang_code(enum catalog_lang lang)
{
    return ((int)lang >= 0 && lang < CATALOG_LANG_COUNT) ? lang_codes[lang] : NULL;
}

int catalog_lang_parse(const char *text, enum catalog_lang *lang, struct kt_err *err)
{
    for (int i = 0; i < CATALOG_LANG_COUNT; i++) {
        if (text && strcasecmp(text, lang_codes[i]) == 0) {
            *lang = (enum catalog_lang)i;
            return 0;
        }
    }
    return kt_err_set(err, KT_EINVAL, "\"%s\" is not a language; use pl, en or de",
                      text ? text : "");
}

void catalog_product_init(struct catalog_product *p)
{
    memset(p, 0, sizeof *p);
    p->unit = "pcs";
    p->vat_rate = "23";
    p->weight_g = -1;
    p->active = 1;
}

void catalog_product_filter_init(struct catalog_product_filter *f)
{
    memset(f, 0, sizeof *f);
    f->active = -1;
    f->limit = 50;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int empty(const char *s)
{
    return !s || !*s;
}

/* Text field: valid UTF-8 without control characters (newlines and tabs
 * allowed when multiline), at most max_chars characters. */
static int check_text(const char *field, const char *s, size_t max_chars, int multiline,
                      struct kt_err *err)
{
    size_t chars = 0;
    if (multiline) {
        /* newline, carriage return and tab are fine in a long description */
        struct kt_buf tmp;
        kt_buf_init(&tmp, 0);
        int rc = 0;
        for (const char *c = s; *c && rc == 0; c++)
            rc = kt_buf_addc(&tmp, (*c == '\n' || *c == '\r' || *c == '\t') ? ' ' : *c);
        if (rc == 0)
            rc = catalog_utf8_check(kt_buf_str(&tmp), &chars, err);
        else
            kt_err_set(err, rc, "is too long");
        kt_buf_release(&tmp);
        if (rc < 0)
            return kt_err_prefix(err, "%s", field);
    } else if (catalog_utf8_check(s, &chars, err) < 0) {
        return kt_err_prefix(err, "%s", field);
    }
    if (chars > max_chars)
        return kt_err_set(err, KT_EINVAL, "%s: is %zu characters long; at most %zu are allowed",
                          field, chars, max_chars);
    return 0;
}

int catalog_code_check(const char *field, const char *code, struct kt_err *err)
{
    size_t chars;
    if (empty(code))
        return kt_err_set(err, KT_EINVAL, "%s: a code is required", field);
    if (catalog_utf8_check(code, &chars, err) < 0)
        return kt_err_prefix(err, "%s", field);
    if (chars > CATALOG_CODE_MAX)
        return kt_err_set(err, KT_EINVAL,
                          "%s: \"%.60s\" has %zu characters; at most %d are allowed", field, code,
                          chars, CATALOG_CODE_MAX);
    if (code[0] == ' ' || code[strlen(code) - 1] == ' ')
        return kt_err_set(err, KT_EINVAL, "%s: \"%s\" starts or ends with a space", field, code);
    return 0;
}

/* PKWiU 2015: "27", "27.3", "27.32", "27.32.1", "27.32.13", "27.32.13.0". */
static int check_pkwiu(const char *s, struct kt_err *err)
{
    static const char *const shapes[] = {"99",      "99.9",     "99.99",
                                         "99.99.9", "99.99.99", "99.99.99.9"};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const char *a = shapes[i], *b = s;
        while (*a && *b && (*a == '9' ? (*b >= '0' && *b <= '9') : *a == *b))
            a++, b++;
        if (!*a && !*b)
            return 0;
    }
    return kt_err_set(err, KT_EINVAL,
                      "pkwiu: \"%.40s\" is not a PKWiU code; write it like 27.32.13.0", s);
}

/* CN: 2, 4, 6 or 8 digits, spaces allowed between them ("8544 49 95"). */
static int cn_digits(const char *s, char out[9], struct kt_err *err)
{
    size_t n = 0;
    for (const char *c = s; *c; c++) {
        if (*c == ' ')
            continue;
        if (*c < '0' || *c > '9' || n == 8)
            return kt_err_set(
                err, KT_EINVAL,
                "cn_code: \"%.40s\" is not a CN code; use 2 to 8 digits like 8544 49 95", s);
        out[n++] = *c;
    }
    out[n] = '\0';
    if (n == 0 || n % 2 != 0)
        return kt_err_set(err, KT_EINVAL,
                          "cn_code: \"%.40s\" has %zu digits; a CN code has 2, 4, 6 or 8", s, n);
    return 0;
}

int catalog_product_validate(const struct catalog_product *p, struct kt_err *err)
{
    const struct kt_unit *unit;
    const struct catalog_vat *vat;
    char cn[9];
    int rc;

    if ((rc = catalog_code_check("code", p->code, err)) < 0)
        return rc;
    if (!empty(p->ean) && kt_valid_ean(p->ean, err) < 0)
        return kt_err_prefix(err, "ean");
    if (kt_qty_unit_find(p->unit, &unit, err) < 0)
        return kt_err_prefix(err, "unit");
    if (catalog_vat_find(p->vat_rate, &vat, err) < 0)
        return kt_err_prefix(err, "vat");
    if (!empty(p->pkwiu) && (rc = check_pkwiu(p->pkwiu, err)) < 0)
        return rc;
    if (!empty(p->cn_code) && (rc = cn_digits(p->cn_code, cn, err)) < 0)
        return rc;
    if (p->weight_g < -1)
        return kt_err_set(err, KT_EINVAL, "weight: must not be negative");
    if (p->group_id < 0)
        return kt_err_set(err, KT_EINVAL, "group: %lld is not a group id", (long long)p->group_id);
    if (p->active != 0 && p->active != 1)
        return kt_err_set(err, KT_EINVAL, "active: must be 0 or 1");
    if (empty(p->text[CATALOG_PL].name))
        return kt_err_set(err, KT_EINVAL, "name_pl: the Polish name is required");
    for (int i = 0; i < CATALOG_LANG_COUNT; i++) {
        const struct catalog_text *t = &p->text[i];
        char field[32];
        if (empty(t->name)) {
            if (!empty(t->short_desc) || !empty(t->long_desc))
                return kt_err_set(err, KT_EINVAL,
                                  "name_%s: a description in this language needs a name too",
                                  lang_codes[i]);
            continue;
        }
        snprintf(field, sizeof field, "name_%s", lang_codes[i]);
        if ((rc = check_text(field, t->name, CATALOG_NAME_MAX, 0, err)) < 0)
            return rc;
        if (t->name[0] == ' ' || t->name[strlen(t->name) - 1] == ' ')
            return kt_err_set(err, KT_EINVAL, "%s: starts or ends with a space", field);
        snprintf(field, sizeof field, "short_desc_%s", lang_codes[i]);
        if (t->short_desc &&
            (rc = check_text(field, t->short_desc, CATALOG_SHORT_DESC_MAX, 1, err)) < 0)
            return rc;
        snprintf(field, sizeof field, "long_desc_%s", lang_codes[i]);
        if (t->long_desc && strlen(t->long_desc) > CATALOG_LONG_DESC_MAX)
            return kt_err_set(err, KT_EINVAL, "%s: is longer than %d bytes", field,
                              CATALOG_LONG_DESC_MAX);
        if (t->long_desc &&
            (rc = check_text(field, t->long_desc, CATALOG_LONG_DESC_MAX, 1, err)) < 0)
            return rc;
    }
    return 0;
}

/* Canonical stored values of a validated product. */
struct canon {
    const char *unit;
    const char *vat;
    char cn[9];
    struct kt_buf code_fold;
    struct kt_buf name_fold;
    struct kt_buf search_text;
    struct kt_buf payload;
};

static void canon_release(struct canon *c)
{
    kt_buf_release(&c->code_fold);
    kt_buf_release(&c->name_fold);
    kt_buf_release(&c->search_text);
    kt_buf_release(&c->payload);
}

static int json_string(struct kt_buf *b, const char *s)
{
    int rc = kt_buf_addc(b, '"');
    for (; *s && rc == 0; s++) {
        if (*s == '"' || *s == '\\')
            rc = kt_buf_addc(b, '\\');
        if (rc == 0)
            rc = kt_buf_addc(b, *s);
    }
    return rc ? rc : kt_buf_addc(b, '"');
}

static int canonicalise(const struct catalog_product *p, struct canon *c, struct kt_err *err)
{
    const struct kt_unit *unit;
    const struct catalog_vat *vat;
    int rc;

    kt_buf_init(&c->code_fold, 4096);
    kt_buf_init(&c->name_fold, 4096);
    kt_buf_init(&c->search_text, 1 << 20);
    kt_buf_init(&c->payload, 4096);
    c->cn[0] = '\0';
    if ((rc = catalog_product_validate(p, err)) < 0)
        return rc;
    /* validate succeeded, so these lookups do too */
    if ((rc = kt_qty_unit_find(p->unit, &unit, err)) < 0 ||
        (rc = catalog_vat_find(p->vat_rate, &vat, err)) < 0 ||
        (!empty(p->cn_code) && (rc = cn_digits(p->cn_code, c->cn, err)) < 0))
        return rc;
    c->unit = unit->code;
    c->vat = vat->code;
    if ((rc = catalog_fold(p->code, strlen(p->code), 0, &c->code_fold, err)) < 0 ||
        (rc = catalog_fold(p->text[CATALOG_PL].name, strlen(p->text[CATALOG_PL].name), 0,
                           &c->name_fold, err)) < 0 ||
        (rc = catalog_search_text(p->text, &c->search_text, err)) < 0)
        return rc;
    return 0;
}

static int event_payload(struct canon *c, int64_t id, const char *code, struct kt_err *err)
{
    kt_buf_reset(&c->payload);
    int rc = kt_buf_printf(&c->payload, "{\"id\":%lld,\"code\":", (long long)id);
    if (rc == 0)
        rc = json_string(&c->payload, code);
    if (rc == 0)
        rc = kt_buf_addc(&c->payload, '}');
    if (rc < 0)
        return kt_err_set(err, rc, "the product.changed event does not fit in memory");
    return 0;
}

static const char *nullable(const char *s)
{
    return empty(s) ? NULL : s;
}

/* Turns a store error on products into a message naming the field. */
static int explain_write_error(int rc, const struct catalog_product *p, struct kt_err *err)
{
    if (rc == KT_EEXIST) {
        if (strstr(err->msg, "ean") && !empty(p->ean))
            return kt_err_set(err, KT_EEXIST, "ean: EAN %s is already used by another product",
                              p->ean);
        return kt_err_set(err, KT_EEXIST, "code: a product with code \"%s\" already exists",
                          p->code);
    }
    if (rc == KT_EFOREIGN)
        return kt_err_set(err, KT_EFOREIGN, "group: there is no product group with id %lld",
                          (long long)p->group_id);
    return rc;
}

/* One single-row INSERT per language with a name: a multi-row statement
 * would make SQLite keep a statement journal for the foreign key check. */
static int write_texts(struct store *st, int64_t id, const struct catalog_product *p,
                       struct kt_err *err)
{
    static const char sql[] = "INSERT INTO product_texts (product_id, lang, name, short_desc, "
                              "long_desc) VALUES (?1, ?2, ?3, ?4, ?5)";
    for (int i = 0; i < CATALOG_LANG_COUNT; i++) {
        const struct catalog_text *t = &p->text[i];
        struct store_stmt *s = NULL;
        int rc;
        if (empty(t->name))
            continue;
        if ((rc = store_prepare(st, sql, &s, err)) < 0)
            return rc;
        store_bind_int64(s, 1, id);
        store_bind_text(s, 2, lang_codes[i]);
        store_bind_text(s, 3, t->name);
        store_bind_text(s, 4, nullable(t->short_desc));
        store_bind_text(s, 5, nullable(t->long_desc));
        rc = store_step(s, err);
        store_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int catalog_product_insert_in_tx(struct store *st, struct catalog_product *p, struct kt_err *err)
{
    /* The new id: PostgreSQL hands it back with RETURNING; SQLite would
     * buffer RETURNING rows in a temporary table on every insert, so it is
     * asked for last_insert_rowid() instead (same connection, no round
     * trip). */
#define INSERT_PRODUCT                                                                             \
    "INSERT INTO products (code, code_fold, ean, unit, vat_rate, pkwiu, cn_code, weight_g, "       \
    "group_id, active, name_fold, search_text, created_at, updated_at, version) "                  \
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, 1)"
    static const char *const sql[2] = {INSERT_PRODUCT, INSERT_PRODUCT " RETURNING id"};
#undef INSERT_PRODUCT
    int pg = store_dialect(st) == STORE_POSTGRES;
    struct canon c;
    struct store_stmt *s = NULL;
    int64_t now = now_ms(), id = 0;
    int rc;

    if ((rc = canonicalise(p, &c, err)) < 0)
        goto out;
    if ((rc = store_prepare(st, sql[pg], &s, err)) < 0)
        goto out;
    store_bind_text(s, 1, p->code);
    store_bind_text(s, 2, kt_buf_str(&c.code_fold));
    store_bind_text(s, 3, nullable(p->ean));
    store_bind_text(s, 4, c.unit);
    store_bind_text(s, 5, c.vat);
    store_bind_text(s, 6, nullable(p->pkwiu));
    store_bind_text(s, 7, nullable(c.cn));
    if (p->weight_g >= 0)
        store_bind_int64(s, 8, p->weight_g);
    else
        store_bind_null(s, 8);
    if (p->group_id > 0)
        store_bind_int64(s, 9, p->group_id);
    else
        store_bind_null(s, 9);
    store_bind_int64(s, 10, p->active);
    store_bind_text(s, 11, kt_buf_str(&c.name_fold));
    store_bind_text(s, 12, kt_buf_str(&c.search_text));
    store_bind_int64(s, 13, now);
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        id = store_col_int64(s, 0);
    store_stmt_done(s);
    if (rc < 0) {
        rc = explain_write_error(rc, p, err);
        goto out;
    }
    if (!pg) {
        if ((rc = store_prepare(st, "SELECT last_insert_rowid()", &s, err)) < 0)
            goto out;
        rc = store_step(s, err);
        if (rc == STORE_ROW)
            id = store_col_int64(s, 0);
        store_stmt_done(s);
        if (rc < 0)
            goto out;
    }
    if (id <= 0) {
        rc = kt_err_set(err, KT_EINTERNAL, "the database returned no id for product %s", p->code);
        goto out;
    }
    if ((rc = write_texts(st, id, p, err)) < 0 ||
        (rc = catalog_search_reindex_in_tx(st, id, NULL, kt_buf_str(&c.search_text), err)) < 0 ||
        (rc = event_payload(&c, id, p->code, err)) < 0 ||
        (rc = events_emit(st, "product.changed", kt_buf_str(&c.payload), err)) < 0)
        goto out;
    p->id = id;
    p->version = 1;
    p->created_at = p->updated_at = now;
    rc = 0;
out:
    canon_release(&c);
    return rc;
}

static int create_tx(struct store *st, void *ctx, struct kt_err *err)
{
    return catalog_product_insert_in_tx(st, ctx, err);
}

int catalog_product_create(struct store *st, struct catalog_product *p, struct kt_err *err)
{
    return store_tx(st, create_tx, p, err);
}

static char *dup_col(struct store_stmt *s, int col, struct kt_arena *a, int *oom)
{
    const char *t = store_col_text(s, col);
    if (!t)
        return NULL;
    char *d = kt_arena_strdup(a, t);
    if (!d)
        *oom = 1;
    return d;
}

/* Fills out from a row of PRODUCT_COLUMNS starting at column 0. */
static int read_row(struct store_stmt *s, struct kt_arena *a, struct catalog_product *out,
                    struct kt_err *err)
{
    int oom = 0;
    memset(out, 0, sizeof *out);
    out->id = store_col_int64(s, 0);
    out->code = dup_col(s, 1, a, &oom);
    out->ean = dup_col(s, 2, a, &oom);
    out->unit = dup_col(s, 3, a, &oom);
    out->vat_rate = dup_col(s, 4, a, &oom);
    out->pkwiu = dup_col(s, 5, a, &oom);
    out->cn_code = dup_col(s, 6, a, &oom);
    out->weight_g = store_col_is_null(s, 7) ? -1 : store_col_int64(s, 7);
    out->group_id = store_col_is_null(s, 8) ? 0 : store_col_int64(s, 8);
    out->active = (int)store_col_int64(s, 9);
    out->created_at = store_col_int64(s, 10);
    out->updated_at = store_col_int64(s, 11);
    out->version = store_col_int64(s, 12);
    if (oom)
        return kt_err_set(err, KT_ENOMEM, "out of memory reading product %lld", (long long)out->id);
    return 0;
}

/* Takes the text columns of a row (see PRODUCT_TEXT_COLUMNS) into p. */
static void read_text_cols(struct store_stmt *s, int col, struct kt_arena *a,
                           struct catalog_product *p, int *oom)
{
    enum catalog_lang lang;
    if (store_col_is_null(s, col) || catalog_lang_parse(store_col_text(s, col), &lang, NULL) < 0)
        return; /* no texts; the CHECK constraint allows only pl, en, de */
    p->text[lang].name = dup_col(s, col + 1, a, oom);
    p->text[lang].short_desc = dup_col(s, col + 2, a, oom);
    p->text[lang].long_desc = dup_col(s, col + 3, a, oom);
}

/* One product and its texts: a row per text, one statement. */
static int get_where(struct store *st, const char *sql, int64_t id, const char *code,
                     struct kt_arena *a, struct catalog_product *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc, oom = 0, found = 0;
    if ((rc = store_prepare(st, sql, &s, err)) < 0)
        return rc;
    if (code)
        store_bind_text(s, 1, code);
    else
        store_bind_int64(s, 1, id);
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (!found && (rc = read_row(s, a, out, err)) < 0)
            break;
        found = 1;
        read_text_cols(s, PRODUCT_NCOLUMNS, a, out, &oom);
    }
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if (!found)
        return code ? kt_err_set(err, KT_ENOTFOUND, "there is no product with code \"%s\"", code)
                    : kt_err_set(err, KT_ENOTFOUND, "there is no product with id %lld",
                                 (long long)id);
    if (oom)
        return kt_err_set(err, KT_ENOMEM, "out of memory reading the texts of product %lld",
                          (long long)out->id);
    return 0;
}

int catalog_product_get(struct store *st, int64_t id, struct kt_arena *arena,
                        struct catalog_product *out, struct kt_err *err)
{
    return get_where(st,
                     "SELECT " PRODUCT_TEXT_COLUMNS " FROM products p LEFT JOIN product_texts t "
                     "ON t.product_id = p.id WHERE p.id = ?1",
                     id, NULL, arena, out, err);
}

int catalog_product_get_by_code(struct store *st, const char *code, struct kt_arena *arena,
                                struct catalog_product *out, struct kt_err *err)
{
    if (empty(code))
        return kt_err_set(err, KT_EINVAL, "code: a product code is required");
    return get_where(st,
                     "SELECT " PRODUCT_TEXT_COLUMNS " FROM products p LEFT JOIN product_texts t "
                     "ON t.product_id = p.id WHERE p.code = ?1",
                     0, code, arena, out, err);
}

/* The current version and search text of a product (search_text into buf). */
static int current_state(struct store *st, int64_t id, int64_t *version, struct kt_buf *text,
                         struct kt_buf *code, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc;
    if ((rc = store_prepare(st, "SELECT version, search_text, code FROM products WHERE id = ?1", &s,
                            err)) < 0)
        return rc;
    store_bind_int64(s, 1, id);
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        *version = store_col_int64(s, 0);
        rc = 0;
        if (text)
            rc = kt_buf_adds(text, store_col_text(s, 1));
        if (rc == 0)
            rc = kt_buf_adds(code, store_col_text(s, 2));
        if (rc < 0)
            kt_err_set(err, rc, "product %lld is too large to read", (long long)id);
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND, "there is no product with id %lld", (long long)id);
    }
    store_stmt_done(s);
    return rc;
}

static int stale(const char *code, int64_t current, int64_t had, struct kt_err *err)
{
    return kt_err_set(err, KT_ECONFLICT,
                      "product %s was changed by someone else (version %lld, you had %lld); "
                      "load it again and repeat your change",
                      code, (long long)current, (long long)had);
}

/*
 * store_tx retries a transaction that fails with KT_ECONFLICT (a
 * serialization failure is worth another try); a stale version is not, so
 * inside store_tx it travels as STALE and becomes KT_ECONFLICT after.
 */
#define STALE 1

static int update_impl(struct store *st, struct catalog_product *p, int *was_stale,
                       struct kt_err *err)
{
    static const char sql[] =
        "UPDATE products SET code = ?3, code_fold = ?4, ean = ?5, unit = ?6, vat_rate = ?7, "
        "pkwiu = ?8, cn_code = ?9, weight_g = ?10, group_id = ?11, active = ?12, "
        "name_fold = ?13, search_text = ?14, updated_at = ?15, version = version + 1 "
        "WHERE id = ?1 AND version = ?2";
    struct canon c;
    struct kt_buf old_text, old_code;
    struct store_stmt *s = NULL;
    int64_t current = 0, now = now_ms();
    int rc;

    kt_buf_init(&old_text, 1 << 20);
    kt_buf_init(&old_code, 4096);
    if ((rc = canonicalise(p, &c, err)) < 0)
        goto out;
    if ((rc = current_state(st, p->id, &current, &old_text, &old_code, err)) < 0)
        goto out;
    if (current != p->version) {
        rc = stale(kt_buf_str(&old_code), current, p->version, err);
        *was_stale = 1;
        goto out;
    }
    if ((rc = store_prepare(st, sql, &s, err)) < 0)
        goto out;
    store_bind_int64(s, 1, p->id);
    store_bind_int64(s, 2, p->version);
    store_bind_text(s, 3, p->code);
    store_bind_text(s, 4, kt_buf_str(&c.code_fold));
    store_bind_text(s, 5, nullable(p->ean));
    store_bind_text(s, 6, c.unit);
    store_bind_text(s, 7, c.vat);
    store_bind_text(s, 8, nullable(p->pkwiu));
    store_bind_text(s, 9, nullable(c.cn));
    if (p->weight_g >= 0)
        store_bind_int64(s, 10, p->weight_g);
    else
        store_bind_null(s, 10);
    if (p->group_id > 0)
        store_bind_int64(s, 11, p->group_id);
    else
        store_bind_null(s, 11);
    store_bind_int64(s, 12, p->active);
    store_bind_text(s, 13, kt_buf_str(&c.name_fold));
    store_bind_text(s, 14, kt_buf_str(&c.search_text));
    store_bind_int64(s, 15, now);
    rc = store_step(s, err);
    store_stmt_done(s);
    if (rc < 0) {
        rc = explain_write_error(rc, p, err);
        goto out;
    }
    /* Another transaction committed a change between our read and this
     * UPDATE (PostgreSQL READ COMMITTED re-checks the WHERE clause). */
    if (store_changes(st) != 1) {
        rc = stale(kt_buf_str(&old_code), current + 1, p->version, err);
        *was_stale = 1;
        goto out;
    }
    if ((rc = store_prepare(st, "DELETE FROM product_texts WHERE product_id = ?1", &s, err)) < 0)
        goto out;
    store_bind_int64(s, 1, p->id);
    rc = store_step(s, err);
    store_stmt_done(s);
    if (rc < 0 || (rc = write_texts(st, p->id, p, err)) < 0 ||
        (rc = catalog_search_reindex_in_tx(st, p->id, kt_buf_str(&old_text),
                                           kt_buf_str(&c.search_text), err)) < 0 ||
        (rc = event_payload(&c, p->id, p->code, err)) < 0 ||
        (rc = events_emit(st, "product.changed", kt_buf_str(&c.payload), err)) < 0)
        goto out;
    p->version++;
    p->updated_at = now;
    rc = 0;
out:
    canon_release(&c);
    kt_buf_release(&old_text);
    kt_buf_release(&old_code);
    return rc;
}

int catalog_product_update_in_tx(struct store *st, struct catalog_product *p, struct kt_err *err)
{
    int was_stale = 0;
    return update_impl(st, p, &was_stale, err);
}

static int update_tx(struct store *st, void *ctx, struct kt_err *err)
{
    int was_stale = 0;
    int rc = update_impl(st, ctx, &was_stale, err);
    return was_stale ? STALE : rc;
}

int catalog_product_update(struct store *st, struct catalog_product *p, struct kt_err *err)
{
    int64_t had = p->version;
    int rc = store_tx(st, update_tx, p, err);
    if (rc == STALE)
        rc = KT_ECONFLICT;
    if (rc != 0)
        p->version = had;
    return rc;
}

struct set_active_ctx {
    int64_t id, expected, version;
    int active;
};

static int set_active_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct set_active_ctx *a = ctx;
    struct kt_buf code, payload;
    struct store_stmt *s = NULL;
    int64_t current = 0;
    int rc;

    kt_buf_init(&code, 4096);
    kt_buf_init(&payload, 4096);
    if ((rc = current_state(st, a->id, &current, NULL, &code, err)) < 0)
        goto out;
    if (a->expected > 0 && current != a->expected) {
        stale(kt_buf_str(&code), current, a->expected, err);
        rc = STALE;
        goto out;
    }
    if ((rc = store_prepare(st,
                            "UPDATE products SET active = ?3, updated_at = ?4, "
                            "version = version + 1 WHERE id = ?1 AND version = ?2",
                            &s, err)) < 0)
        goto out;
    store_bind_int64(s, 1, a->id);
    store_bind_int64(s, 2, current);
    store_bind_int64(s, 3, a->active);
    store_bind_int64(s, 4, now_ms());
    rc = store_step(s, err);
    store_stmt_done(s);
    if (rc < 0)
        goto out;
    if (store_changes(st) != 1) {
        stale(kt_buf_str(&code), current + 1, current, err);
        rc = STALE;
        goto out;
    }
    a->version = current + 1;
    rc = kt_buf_printf(&payload, "{\"id\":%lld,\"code\":", (long long)a->id);
    if (rc == 0)
        rc = json_string(&payload, kt_buf_str(&code));
    if (rc == 0)
        rc = kt_buf_addc(&payload, '}');
    if (rc < 0) {
        kt_err_set(err, rc, "the product.changed event does not fit in memory");
        goto out;
    }
    rc = events_emit(st, "product.changed", kt_buf_str(&payload), err);
out:
    kt_buf_release(&code);
    kt_buf_release(&payload);
    return rc;
}

int catalog_product_set_active(struct store *st, int64_t id, int active, int64_t expected_version,
                               int64_t *new_version, struct kt_err *err)
{
    struct set_active_ctx a = {.id = id, .expected = expected_version, .active = active};
    if (active != 0 && active != 1)
        return kt_err_set(err, KT_EINVAL, "active: must be 0 or 1");
    int rc = store_tx(st, set_active_tx, &a, err);
    if (rc == STALE)
        rc = KT_ECONFLICT;
    if (rc == 0 && new_version)
        *new_version = a.version;
    return rc;
}

/*
 * The list's SQL, in two forms. Filtered: the group (with subgroups, every
 * group below ?1 as well) and the state ?3, then ?4 and ?5. Every product
 * (no group, any state: the back office's list): no condition to evaluate
 * per row, ?1 and ?2. PostgreSQL wants every parameter up to the highest
 * used, hence the numbering.
 */
#define LIST_GROUPS                                                                                \
    "WITH RECURSIVE sub(id) AS (SELECT CAST(?1 AS BIGINT) UNION ALL "                              \
    "SELECT g.id FROM product_groups g JOIN sub ON g.parent_id = sub.id WHERE ?2 = 1) "
#define LIST_WHERE "(?1 = 0 OR group_id IN (SELECT id FROM sub)) AND (?3 < 0 OR active = ?3)"
#define LIST_FILTERED LIST_GROUPS "SELECT " PRODUCT_COLUMNS " FROM products WHERE " LIST_WHERE
#define LIST_ALL "SELECT " PRODUCT_COLUMNS " FROM products"

enum list_way { BY_OFFSET, AFTER_KEY, BEFORE_KEY };

/* [filtered][way]: limit, then the offset or the key */
static const char *const page_sql[2][3] = {
    {
        LIST_ALL " ORDER BY code LIMIT ?1 OFFSET ?2",
        LIST_ALL " WHERE code > ?2 ORDER BY code LIMIT ?1",
        LIST_ALL " WHERE code < ?2 ORDER BY code DESC LIMIT ?1",
    },
    {
        LIST_FILTERED " ORDER BY code LIMIT ?4 OFFSET ?5",
        LIST_FILTERED " AND code > ?5 ORDER BY code LIMIT ?4",
        LIST_FILTERED " AND code < ?5 ORDER BY code DESC LIMIT ?4",
    },
};

/* [filtered]: the exact count; up to a cap (?1 / ?4); whether a row exists
 * after the first cap - 1 (the cheapest way to learn "cap or more": no
 * count to keep per row) */
static const char *const count_sql[2][3] = {
    {
        "SELECT count(*) FROM products",
        "SELECT count(*) FROM (SELECT 1 FROM products LIMIT ?1) c",
        "SELECT 1 FROM products LIMIT 1 OFFSET ?1",
    },
    {
        LIST_GROUPS "SELECT count(*) FROM products WHERE " LIST_WHERE,
        LIST_GROUPS "SELECT count(*) FROM (SELECT 1 FROM products WHERE " LIST_WHERE " LIMIT ?4) c",
        LIST_GROUPS "SELECT 1 FROM products WHERE " LIST_WHERE " LIMIT 1 OFFSET ?4",
    },
};

/* The texts of up to TEXTS_AT_ONCE products a statement (unused places
 * bound to NULL), so that a page of any size has one SQL text. */
#define TEXTS_AT_ONCE 32
#define TEXTS_IN                                                                                   \
    " FROM product_texts WHERE product_id IN (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, " \
    "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, "   \
    "?31, ?32)"
static const char texts_sql[] = "SELECT product_id, lang, name, short_desc, long_desc" TEXTS_IN;
static const char names_sql[] =
    "SELECT product_id, lang, name, NULL, NULL" TEXTS_IN " AND (lang = 'pl' OR lang = ?33)";

static int check_filter(const struct catalog_product_filter *f, struct kt_err *err)
{
    if (f->active < -1 || f->active > 1 || f->group_id < 0)
        return kt_err_set(err, KT_EINVAL, "filter: active must be -1, 0 or 1 and group >= 0");
    return 0;
}

static int filtered(const struct catalog_product_filter *f)
{
    return f->group_id != 0 || f->active != -1;
}

/* Binds the filter (filtered SQL only); returns the next parameter. */
static int bind_filter(struct store_stmt *s, const struct catalog_product_filter *f)
{
    if (!filtered(f))
        return 1;
    store_bind_int64(s, 1, f->group_id);
    store_bind_int64(s, 2, f->subgroups ? 1 : 0);
    store_bind_int64(s, 3, f->active);
    return 4;
}

/* Runs count_sql[..][which] with n; *got = its first column (0 without a row). */
static int count_step(struct store *st, const struct catalog_product_filter *f, int which,
                      int64_t n, int64_t *got, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, count_sql[filtered(f)][which], &s, err);
    if (rc < 0)
        return rc;
    int next = bind_filter(s, f);
    if (which > 0)
        store_bind_int64(s, next, n);
    *got = 0;
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        *got = store_col_int64(s, 0);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int catalog_product_count(struct store *st, const struct catalog_product_filter *f, int64_t cap,
                          int64_t *count, struct kt_err *err)
{
    int rc;
    int64_t beyond;
    *count = 0;
    if (cap < 0)
        return kt_err_set(err, KT_EINVAL, "cap: must not be negative");
    if ((rc = check_filter(f, err)) < 0)
        return rc;
    if (cap == 0)
        return count_step(st, f, 0, 0, count, err);
    if ((rc = count_step(st, f, 2, cap - 1, &beyond, err)) < 0)
        return rc;
    if (beyond) {
        *count = cap;
        return 0;
    }
    return count_step(st, f, 1, cap, count, err);
}

/* Reads the texts of list[0..n) (n <= TEXTS_AT_ONCE) with one statement. */
static int read_texts_of(struct store *st, struct catalog_product *list, size_t n,
                         const struct catalog_product_filter *f, struct kt_arena *arena,
                         struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc, oom = 0;
    if ((rc = store_prepare(st, f->names_only ? names_sql : texts_sql, &s, err)) < 0)
        return rc;
    if (f->names_only)
        store_bind_text(s, TEXTS_AT_ONCE + 1, catalog_lang_code(f->name_lang));
    for (size_t i = 0; i < TEXTS_AT_ONCE; i++) {
        if (i < n)
            store_bind_int64(s, (int)i + 1, list[i].id);
        else
            store_bind_null(s, (int)i + 1);
    }
    while ((rc = store_step(s, err)) == STORE_ROW) {
        int64_t id = store_col_int64(s, 0);
        for (size_t i = 0; i < n; i++) {
            if (list[i].id == id) {
                read_text_cols(s, 1, arena, &list[i], &oom);
                break;
            }
        }
    }
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if (oom)
        return kt_err_set(err, KT_ENOMEM, "out of memory reading a page of products");
    return 0;
}

int catalog_product_list(struct store *st, const struct catalog_product_filter *f,
                         struct kt_arena *arena, struct catalog_product **items, size_t *n,
                         int64_t *total, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    struct catalog_product *list = NULL;
    size_t count = 0;
    int rc;

    *items = NULL;
    *n = 0;
    if (f->limit < 1 || f->limit > 1000)
        return kt_err_set(err, KT_EINVAL, "limit: must be between 1 and 1000");
    if (f->offset < 0)
        return kt_err_set(err, KT_EINVAL, "offset: must not be negative");
    if (f->after && f->before)
        return kt_err_set(err, KT_EINVAL,
                          "filter: a page starts after a code or ends before one, not both");
    if ((f->after || f->before) && f->offset)
        return kt_err_set(err, KT_EINVAL, "offset: must be 0 with a paging key");
    if ((rc = check_filter(f, err)) < 0)
        return rc;
    if (total && (rc = catalog_product_count(st, f, 0, total, err)) < 0)
        return rc;
    list = kt_arena_zalloc(arena, sizeof *list * (size_t)f->limit);
    if (!list)
        return kt_err_set(err, KT_ENOMEM, "out of memory for a page of %d products", f->limit);
    enum list_way way = f->after ? AFTER_KEY : f->before ? BEFORE_KEY : BY_OFFSET;
    if ((rc = store_prepare(st, page_sql[filtered(f)][way], &s, err)) < 0)
        return rc;
    int next = bind_filter(s, f);
    store_bind_int64(s, next, f->limit);
    if (way == BY_OFFSET)
        store_bind_int64(s, next + 1, f->offset);
    else
        store_bind_text(s, next + 1, f->after ? f->after : f->before);
    while ((rc = store_step(s, err)) == STORE_ROW && count < (size_t)f->limit) {
        if ((rc = read_row(s, arena, &list[count], err)) < 0)
            break;
        count++;
    }
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if (way == BEFORE_KEY) {
        /* read backwards from the key; a page is in code order */
        for (size_t i = 0; i < count / 2; i++) {
            struct catalog_product t = list[i];
            list[i] = list[count - 1 - i];
            list[count - 1 - i] = t;
        }
    }
    for (size_t i = 0; i < count; i += TEXTS_AT_ONCE) {
        size_t m = count - i < TEXTS_AT_ONCE ? count - i : TEXTS_AT_ONCE;
        if ((rc = read_texts_of(st, list + i, m, f, arena, err)) < 0)
            return rc;
    }
    *items = list;
    *n = count;
    return 0;
}
