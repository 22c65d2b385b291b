#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/search.h"
#include "catalog/fold.h"
#include "base/banned.h"

/* Upper bound of a prefix range: prefix || U+10FFFF. Every string that
 * starts with the prefix sorts below it in byte order (SQLite BINARY,
 * PostgreSQL COLLATE "C"). */
#define RANGE_END "\xF4\x8F\xBF\xBF"

#define MAX_WORDS 512 /* distinct words indexed per product (on the stack) */
#define QUERY_WORDS 8 /* words of a query */

struct word {
    const char *p;
    size_t n;
};

static int word_cmp(const void *a, const void *b)
{
    const struct word *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->p, y->p, n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Splits space-separated text into words; returns the count (at most max). */
static size_t split_words(const char *s, struct word *w, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        while (*s == ' ')
            s++;
        const char *start = s;
        while (*s && *s != ' ')
            s++;
        if (s > start)
            w[n++] = (struct word){start, (size_t)(s - start)};
    }
    return n;
}

/* Sorts and removes duplicates; returns the new count. */
static size_t sort_unique(struct word *w, size_t n)
{
    size_t k = 0;
    qsort(w, n, sizeof *w, word_cmp);
    for (size_t i = 0; i < n; i++)
        if (k == 0 || word_cmp(&w[k - 1], &w[i]) != 0)
            w[k++] = w[i];
    return k;
}

/* Whether UTF-8 text holds ä, ö, ü or their capitals (C3 A4/B6/BC/84/96/9C). */
static int has_umlaut(const char *s)
{
    for (const char *c = strchr(s, '\xC3'); c; c = strchr(c + 1, '\xC3')) {
        unsigned char n = (unsigned char)c[1];
        if (n == 0xA4 || n == 0xB6 || n == 0xBC || n == 0x84 || n == 0x96 || n == 0x9C)
            return 1;
    }
    return 0;
}

int catalog_search_text(const struct catalog_text text[CATALOG_LANG_COUNT], struct kt_buf *out,
                        struct kt_err *err)
{
    static const unsigned variants[] = {CATALOG_FOLD_WORDS,
                                        CATALOG_FOLD_WORDS | CATALOG_FOLD_UMLAUT_E};
    struct kt_buf all;
    struct word w[MAX_WORDS];
    size_t n;
    int rc = 0;

    kt_buf_init(&all, 1 << 20);
    for (int i = 0; i < CATALOG_LANG_COUNT && rc == 0; i++) {
        const char *name = text[i].name;
        if (!name || !*name)
            continue;
        /* the ae/oe/ue spelling only differs for names with ä, ö or ü */
        size_t variants_needed = has_umlaut(name) ? 2 : 1;
        for (size_t v = 0; v < variants_needed && rc == 0; v++) {
            if ((rc = kt_buf_addc(&all, ' ')) < 0)
                kt_err_set(err, rc, "the names are too long to index");
            else
                rc = catalog_fold(name, strlen(name), variants[v], &all, err);
        }
    }
    if (rc < 0)
        goto out;
    n = sort_unique(w, split_words(kt_buf_str(&all), w, MAX_WORDS));
    rc = kt_buf_addc(out, ' ');
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = kt_buf_add(out, w[i].p, w[i].n);
        if (rc == 0)
            rc = kt_buf_addc(out, ' ');
    }
    if (rc < 0)
        kt_err_set(err, rc, "the search text does not fit in its buffer");
out:
    kt_buf_release(&all);
    return rc;
}

/* Words go to the database WORD_SLOTS at a time; unused slots are NULL. */
#define WORD_SLOTS 16

/*
 * Inserts (insert = 1) or deletes the rows (word, id) of w[0..n), up to
 * WORD_SLOTS words per statement: one statement per product in the usual
 * case, which is what lets a bulk load reach its rate and saves PostgreSQL
 * a round trip per word. The INSERT differs by dialect: SQLite's
 * "INSERT OR IGNORE" tells it that the statement cannot abort half-way, so
 * it keeps no statement journal (a copy of every page the statement
 * touches); PostgreSQL spells "ignore a duplicate" ON CONFLICT DO NOTHING
 * and needs the VALUES column typed. The words are distinct, so nothing is
 * ever ignored.
 */
static int write_words(struct store *st, int insert, int64_t id, const struct word *w, size_t n,
                       struct kt_err *err)
{
    static const char *const sql[3] = {
        "DELETE FROM product_words WHERE product_id = ?17 AND word IN (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        "INSERT OR IGNORE INTO product_words (word, product_id) SELECT column1, ?17 "
        "FROM (VALUES (?1), (?2), (?3), (?4), (?5), (?6), (?7), (?8), (?9), (?10), (?11), (?12), "
        "(?13), (?14), (?15), (?16)) "
        "WHERE column1 IS NOT NULL",
        "INSERT INTO product_words (word, product_id) SELECT column1, CAST(?17 AS BIGINT) "
        "FROM (VALUES (CAST(?1 AS TEXT)), (?2), (?3), (?4), (?5), (?6), (?7), (?8), (?9), (?10), "
        "(?11), (?12), (?13), (?14), (?15), (?16)) AS v "
        "WHERE column1 IS NOT NULL ON CONFLICT DO NOTHING",
    };
    int which = !insert ? 0 : store_dialect(st) == STORE_POSTGRES ? 2 : 1;
    int rc = 0;

    for (size_t i = 0; i < n && rc >= 0; i += WORD_SLOTS) {
        struct store_stmt *s = NULL;
        if ((rc = store_prepare(st, sql[which], &s, err)) < 0)
            break;
        for (size_t k = 0; k < WORD_SLOTS; k++) {
            if (i + k < n)
                store_bind_textn(s, (int)k + 1, w[i + k].p, w[i + k].n);
            else
                store_bind_null(s, (int)k + 1);
        }
        store_bind_int64(s, WORD_SLOTS + 1, id);
        rc = store_step(s, err);
        store_stmt_done(s);
    }
    return rc < 0 ? rc : 0;
}

int catalog_search_reindex_in_tx(struct store *st, int64_t id, const char *old_text,
                                 const char *new_text, struct kt_err *err)
{
    struct word a[MAX_WORDS], b[MAX_WORDS], gone[MAX_WORDS], come[MAX_WORDS];
    size_t na = 0, nb, ng = 0, nc = 0, i = 0, j = 0;
    int rc;

    if (old_text)
        na = sort_unique(a, split_words(old_text, a, MAX_WORDS));
    nb = sort_unique(b, split_words(new_text, b, MAX_WORDS));
    /* merge walk: words only in the old text go, words only in the new come */
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : word_cmp(&a[i], &b[j]);
        if (c < 0)
            gone[ng++] = a[i++];
        else if (c > 0)
            come[nc++] = b[j++];
        else
            i++, j++;
    }
    if ((rc = write_words(st, 0, id, gone, ng, err)) < 0)
        return rc;
    return write_words(st, 1, id, come, nc, err);
}

void catalog_search_opts_init(struct catalog_search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lang = CATALOG_PL;
    o->limit = 20;
}

/* A query, folded two ways. */
struct query {
    struct kt_buf code; /* folded, trimmed: compared with code_fold */
    struct kt_buf code_end;
    struct kt_buf words;                /* folded words */
    struct kt_buf pattern[QUERY_WORDS]; /* "% word%" for LIKE on search_text */
    struct word w[QUERY_WORDS];
    size_t nw;
    struct kt_buf word_end; /* range end of the driving word */
    size_t driver;          /* index in w of the word read from the index */
    int digits;             /* the query is an EAN prefix */
};

static void query_release(struct query *q)
{
    kt_buf_release(&q->code);
    kt_buf_release(&q->code_end);
    kt_buf_release(&q->words);
    kt_buf_release(&q->word_end);
    for (size_t i = 0; i < QUERY_WORDS; i++)
        kt_buf_release(&q->pattern[i]);
}

static int query_parse(const char *text, int last_word_drives, struct query *q, struct kt_err *err)
{
    struct word all[QUERY_WORDS + 1];
    size_t n, len;
    int rc;

    memset(q, 0, sizeof *q);
    kt_buf_init(&q->code, 4096);
    kt_buf_init(&q->code_end, 4096);
    kt_buf_init(&q->words, 4096);
    kt_buf_init(&q->word_end, 4096);
    for (size_t i = 0; i < QUERY_WORDS; i++)
        kt_buf_init(&q->pattern[i], 4096);
    if (!text)
        text = "";
    len = strlen(text);
    if (len > CATALOG_QUERY_MAX)
        return kt_err_set(err, KT_ELIMIT, "query: is %zu bytes long; at most %d are allowed", len,
                          CATALOG_QUERY_MAX);
    while (len > 0 && (*text == ' ' || *text == '\t'))
        text++, len--;
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if ((rc = catalog_fold(text, len, 0, &q->code, err)) < 0 ||
        (rc = catalog_fold(text, len, CATALOG_FOLD_WORDS, &q->words, err)) < 0)
        return kt_err_prefix(err, "query");
    n = split_words(kt_buf_str(&q->words), all, QUERY_WORDS + 1);
    if (n > QUERY_WORDS)
        return kt_err_set(err, KT_EINVAL, "query: use at most %d words", QUERY_WORDS);
    if (q->code.len == 0 && n == 0)
        return kt_err_set(err, KT_EINVAL, "query: type part of a code, an EAN or a name");
    q->nw = n;
    memcpy(q->w, all, sizeof all[0] * n);
    q->digits = q->code.len > 0 && strspn(kt_buf_str(&q->code), "0123456789") == q->code.len;
    rc = kt_buf_add(&q->code_end, q->code.data ? q->code.data : "", q->code.len);
    if (rc == 0)
        rc = kt_buf_adds(&q->code_end, RANGE_END);
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = kt_buf_adds(&q->pattern[i], "% ");
        if (rc == 0)
            rc = kt_buf_add(&q->pattern[i], q->w[i].p, q->w[i].n);
        if (rc == 0)
            rc = kt_buf_addc(&q->pattern[i], '%');
        /* the longest word narrows the index range most; while typing, the
         * last word is the one being completed and decides the order */
        if (!last_word_drives && q->w[i].n > q->w[q->driver].n)
            q->driver = i;
    }
    if (last_word_drives && n > 0)
        q->driver = n - 1;
    if (rc == 0 && n > 0) {
        rc = kt_buf_add(&q->word_end, q->w[q->driver].p, q->w[q->driver].n);
        if (rc == 0)
            rc = kt_buf_adds(&q->word_end, RANGE_END);
    }
    if (rc < 0)
        return kt_err_set(err, rc, "query: too long");
    return 0;
}

/* Binds the driving word range at ?r, ?r+1 and the LIKE patterns of the
 * other words at ?pat .. ?pat+QUERY_WORDS-2 ("%" for the unused ones). */
static void bind_words(struct store_stmt *s, int r, int pat, const struct query *q)
{
    if (q->nw > 0) {
        const struct word *d = &q->w[q->driver];
        store_bind_textn(s, r, d->p, d->n);
        store_bind_text(s, r + 1, kt_buf_str(&q->word_end));
    } else {
        store_bind_null(s, r);
        store_bind_null(s, r + 1);
    }
    int k = 0;
    for (size_t i = 0; i < q->nw; i++)
        if (i != q->driver)
            store_bind_text(s, pat + k++, kt_buf_str(&q->pattern[i]));
    while (k < QUERY_WORDS - 1)
        store_bind_text(s, pat + k++, "%");
}

/* The words other than the driving one, each the start of a word of a name. */
#define WORD_FILTER(a, b, c, d, e, f, g)                                                           \
    "p.search_text LIKE " a " AND p.search_text LIKE " b " AND p.search_text LIKE " c              \
    " AND p.search_text LIKE " d " AND p.search_text LIKE " e " AND p.search_text LIKE " f         \
    " AND p.search_text LIKE " g

/* id, code, ean, active, name in language ?L (else Polish) */
#define HIT_COLUMNS(lang)                                                                          \
    "p.id, p.code, p.ean, p.active, COALESCE(t.name, pl.name) FROM products p "                    \
    "LEFT JOIN product_texts t ON t.product_id = p.id AND t.lang = " lang " "                      \
    "LEFT JOIN product_texts pl ON pl.product_id = p.id AND pl.lang = 'pl' "

/* Reads the hit columns starting at column c. */
static int read_hit(struct store_stmt *s, int c, struct kt_arena *a, struct catalog_hit *h,
                    struct kt_err *err)
{
    const char *code = store_col_text(s, c + 1), *ean = store_col_text(s, c + 2),
               *name = store_col_text(s, c + 4);
    h->id = store_col_int64(s, c);
    h->active = (int)store_col_int64(s, c + 3);
    h->code = kt_arena_strdup(a, code ? code : "");
    h->ean = ean ? kt_arena_strdup(a, ean) : NULL;
    h->name = kt_arena_strdup(a, name ? name : "");
    if (!h->code || !h->name || (ean && !h->ean))
        return kt_err_set(err, KT_ENOMEM, "out of memory for search results");
    return 0;
}

int catalog_search(struct store *st, const char *query, const struct catalog_search_opts *o,
                   struct kt_arena *arena, struct catalog_hit **hits, size_t *n, struct kt_err *err)
{
    /* ?1 ?2 code range, ?3 ?4 EAN range, ?5 language, ?6 ?7 range of the
     * driving word, ?8..?14 the other words, ?15 inactive too, ?16 ?17 page.
     * The candidates come from three index ranges; all of them are ranked. */
    static const char sql[] =
        "SELECT CASE WHEN p.code_fold = ?1 THEN 1 "
        "WHEN p.code_fold >= ?1 AND p.code_fold < ?2 THEN 2 "
        "WHEN p.ean >= ?3 AND p.ean < ?4 THEN 3 ELSE 4 END AS cls, " HIT_COLUMNS(
            "?5") "WHERE p.id IN ("
                  "SELECT id FROM products WHERE code_fold >= ?1 AND code_fold < ?2 "
                  "UNION SELECT id FROM products WHERE ean >= ?3 AND ean < ?4 "
                  "UNION SELECT w.product_id FROM product_words w JOIN products p ON p.id = "
                  "w.product_id "
                  "WHERE w.word >= ?6 AND w.word < ?7 AND " WORD_FILTER(
                      "?8", "?9", "?10", "?11", "?12", "?13",
                      "?14") ") "
                             "AND (?15 = 1 OR p.active = 1) "
                             "ORDER BY cls, p.name_fold, p.id LIMIT ?16 OFFSET ?17";
    struct query q;
    struct store_stmt *s = NULL;
    struct catalog_hit *list = NULL;
    size_t count = 0;
    int rc;

    *hits = NULL;
    *n = 0;
    if (o->limit < 1 || o->limit > CATALOG_SEARCH_MAX_LIMIT || o->offset < 0)
        return kt_err_set(err, KT_EINVAL, "limit must be 1..%d and offset not negative",
                          CATALOG_SEARCH_MAX_LIMIT);
    if ((rc = query_parse(query, 0, &q, err)) < 0)
        goto out;
    list = kt_arena_zalloc(arena, sizeof *list * (size_t)o->limit);
    if (!list) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory for %d search results", o->limit);
        goto out;
    }
    if ((rc = store_prepare(st, sql, &s, err)) < 0)
        goto out;
    store_bind_text(s, 1, kt_buf_str(&q.code));
    store_bind_text(s, 2, kt_buf_str(&q.code_end));
    store_bind_text(s, 3, q.digits ? kt_buf_str(&q.code) : NULL);
    store_bind_text(s, 4, q.digits ? kt_buf_str(&q.code_end) : NULL);
    store_bind_text(s, 5, catalog_lang_code(o->lang));
    bind_words(s, 6, 8, &q);
    store_bind_int64(s, 15, o->include_inactive ? 1 : 0);
    store_bind_int64(s, 16, o->limit);
    store_bind_int64(s, 17, o->offset);
    while (count < (size_t)o->limit && (rc = store_step(s, err)) == STORE_ROW) {
        if ((rc = read_hit(s, 1, arena, &list[count], err)) < 0)
            break;
        list[count++].match = (enum catalog_match)store_col_int64(s, 0);
    }
    store_stmt_done(s);
    if (rc < 0)
        goto out;
    *hits = list;
    *n = count;
    rc = 0;
out:
    query_release(&q);
    return rc;
}

/* Runs one prepared class query and appends its hits, skipping products
 * already listed. *rows counts the rows read (to know if there are more). */
static int collect(struct store_stmt *s, enum catalog_match match, struct kt_arena *a,
                   struct catalog_hit *list, size_t *count, size_t limit, size_t *rows,
                   struct kt_err *err)
{
    int rc = 0;
    *rows = 0;
    while (*count < limit && (rc = store_step(s, err)) == STORE_ROW) {
        int64_t id = store_col_int64(s, 0);
        int seen = 0;
        (*rows)++;
        for (size_t i = 0; i < *count && !seen; i++)
            seen = list[i].id == id;
        if (seen)
            continue;
        if ((rc = read_hit(s, 0, a, &list[*count], err)) < 0)
            break;
        list[(*count)++].match = match;
    }
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int catalog_autocomplete(struct store *st, const char *prefix, enum catalog_lang lang, int limit,
                         struct kt_arena *arena, struct catalog_hit **hits, size_t *n,
                         struct kt_err *err)
{
    /* Each class reads an ordered index range and stops after a few rows:
     * (code_fold), (ean), and the primary key (word, product_id). */
    static const char code_sql[] =
        "SELECT " HIT_COLUMNS("?3") "WHERE p.code_fold >= ?1 AND p.code_fold < ?2 "
                                    "AND p.active = 1 ORDER BY p.code_fold, p.id LIMIT ?4";
    static const char ean_sql[] =
        "SELECT " HIT_COLUMNS("?3") "WHERE p.ean >= ?1 AND p.ean < ?2 AND p.active = 1 "
                                    "ORDER BY p.ean LIMIT ?4";
    static const char word_sql[] = "SELECT " HIT_COLUMNS(
        "?10") "JOIN product_words w ON w.product_id = p.id "
               "WHERE w.word >= ?1 AND w.word < ?2 AND p.active = 1 AND " WORD_FILTER(
                   "?3", "?4", "?5", "?6", "?7", "?8",
                   "?9") " "
                         "ORDER BY w.word, w.product_id LIMIT ?11 OFFSET ?12";
    struct query q;
    struct store_stmt *s = NULL;
    struct catalog_hit *list = NULL;
    size_t count = 0, rows = 0;
    int rc;

    *hits = NULL;
    *n = 0;
    if (limit < 1 || limit > 100)
        return kt_err_set(err, KT_EINVAL, "limit: must be between 1 and 100");
    if ((rc = query_parse(prefix, 1, &q, err)) < 0)
        goto out;
    list = kt_arena_zalloc(arena, sizeof *list * (size_t)limit);
    if (!list) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory for %d suggestions", limit);
        goto out;
    }
    if (q.code.len > 0) {
        if ((rc = store_prepare(st, code_sql, &s, err)) < 0)
            goto out;
        store_bind_text(s, 1, kt_buf_str(&q.code));
        store_bind_text(s, 2, kt_buf_str(&q.code_end));
        store_bind_text(s, 3, catalog_lang_code(lang));
        store_bind_int64(s, 4, limit);
        if ((rc = collect(s, CATALOG_MATCH_CODE_PREFIX, arena, list, &count, (size_t)limit, &rows,
                          err)) < 0)
            goto out;
        /* exact codes sort first in their range; tell them apart */
        for (size_t i = 0; i < count; i++) {
            struct kt_buf f;
            kt_buf_init(&f, 4096);
            if (catalog_fold(list[i].code, strlen(list[i].code), 0, &f, NULL) == 0 &&
                strcmp(kt_buf_str(&f), kt_buf_str(&q.code)) == 0)
                list[i].match = CATALOG_MATCH_CODE;
            kt_buf_release(&f);
        }
    }
    if (count < (size_t)limit && q.digits) {
        if ((rc = store_prepare(st, ean_sql, &s, err)) < 0)
            goto out;
        store_bind_text(s, 1, kt_buf_str(&q.code));
        store_bind_text(s, 2, kt_buf_str(&q.code_end));
        store_bind_text(s, 3, catalog_lang_code(lang));
        store_bind_int64(s, 4, limit);
        if ((rc = collect(s, CATALOG_MATCH_EAN, arena, list, &count, (size_t)limit, &rows, err)) <
            0)
            goto out;
    }
    /* A product whose name has two words with the prefix comes twice, and
     * one already listed by code comes again: read on until the page is
     * full or the range is exhausted. */
    for (int64_t offset = 0; count < (size_t)limit && q.nw > 0;) {
        int64_t want = 2 * ((int64_t)limit - (int64_t)count) + 2;
        if ((rc = store_prepare(st, word_sql, &s, err)) < 0)
            goto out;
        bind_words(s, 1, 3, &q);
        store_bind_text(s, 10, catalog_lang_code(lang));
        store_bind_int64(s, 11, want);
        store_bind_int64(s, 12, offset);
        if ((rc = collect(s, CATALOG_MATCH_NAME, arena, list, &count, (size_t)limit, &rows, err)) <
            0)
            goto out;
        if ((int64_t)rows < want && count < (size_t)limit)
            break;
        offset += (int64_t)rows;
    }
    *hits = list;
    *n = count;
    rc = 0;
out:
    query_release(&q);
    return rc;
}
