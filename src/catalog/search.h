/*
 * catalog/search: finding products by code, EAN and the words of their
 * names, insensitive to case and to Polish and German diacritics, with
 * prefix matching for as-you-type autocomplete. Owns the search columns of
 * products (code_fold, name_fold, search_text) and the word index
 * product_words (migration 0003_catalog), which catalog/product keeps up to
 * date through catalog_search_text and catalog_search_reindex_in_tx.
 *
 * Matching. The query is folded (catalog/fold.h). A product matches when
 *   1. its folded code equals the folded query            (exact code),
 *   2. its folded code starts with the folded query       (code prefix),
 *   3. its EAN starts with the query (digits)              (EAN),
 *   4. every word of the query is the beginning of some word of one of its
 *      names, in any language                              (name words).
 * "zolw" finds "Żółw", "lodz" finds "Łódź", "strasse" finds "Straße"; for
 * German names both spellings are indexed, so "muller" and "mueller" both
 * find "Müller".
 *
 * Ranking: by the first class that matches (1 best), then
 *   catalog_search:       by folded Polish name, then id;
 *   catalog_autocomplete: classes 1-3 by code / EAN, class 4 by the word
 *     that completes the prefix (the shortest completion first: "kab" lists
 *     "kabel" before "kabelek"), then by id, so that the top N come straight
 *     off an ordered index however many products match (bench_search).
 * Inactive products are left out unless asked for.
 *
 * Results are allocated from the caller's arena.
 */
#ifndef KT_CATALOG_SEARCH_H
#define KT_CATALOG_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "catalog/product.h"
#include "store/store.h"

enum catalog_match {
    CATALOG_MATCH_CODE = 1,
    CATALOG_MATCH_CODE_PREFIX = 2,
    CATALOG_MATCH_EAN = 3,
    CATALOG_MATCH_NAME = 4,
};

struct catalog_hit {
    int64_t id;
    const char *code;
    const char *ean;  /* NULL when none */
    const char *name; /* in the language asked for, else the Polish name */
    int active;
    enum catalog_match match;
};

#define CATALOG_SEARCH_MAX_LIMIT 1000
#define CATALOG_QUERY_MAX 200 /* bytes of a query */

struct catalog_search_opts {
    enum catalog_lang lang; /* language of hit names */
    int limit;              /* 1..CATALOG_SEARCH_MAX_LIMIT */
    int offset;             /* >= 0 */
    int include_inactive;   /* 1: withdrawn products too */
};

/* lang pl, limit 20, offset 0, active products only. */
void catalog_search_opts_init(struct catalog_search_opts *o);

/*
 * Full search, ranked and paginated. *hits is an arena array of *n hits.
 * A query with nothing to search for (empty, only punctuation) is
 * KT_EINVAL; a query longer than CATALOG_QUERY_MAX bytes is KT_ELIMIT.
 */
int catalog_search(struct store *st, const char *query, const struct catalog_search_opts *o,
                   struct kt_arena *arena, struct catalog_hit **hits, size_t *n,
                   struct kt_err *err);

/* The top `limit` (1..100) active products for a prefix being typed. */
int catalog_autocomplete(struct store *st, const char *prefix, enum catalog_lang lang, int limit,
                         struct kt_arena *arena, struct catalog_hit **hits, size_t *n,
                         struct kt_err *err);

/*
 * For catalog/product. catalog_search_text appends to out the search text
 * of a product with these names: " w1 w2 ... wn " — the distinct folded
 * words of all names (with the ae/oe/ue spelling of German umlauts as
 * extra words), in byte order, with a space before and after each.
 * catalog_search_reindex_in_tx makes product_words of product id match
 * new_text, given old_text (NULL for a new product), inside the caller's
 * write transaction.
 */
int catalog_search_text(const struct catalog_text text[CATALOG_LANG_COUNT], struct kt_buf *out,
                        struct kt_err *err);
int catalog_search_reindex_in_tx(struct store *st, int64_t id, const char *old_text,
                                 const char *new_text, struct kt_err *err);

#endif
