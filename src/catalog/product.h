/*
 * catalog/product: the product record (kartoteka towarowa). Owns the tables
 * products, product_texts and product_words (migration 0003_catalog) and
 * the event product.changed.
 *
 * A product has a unique code (SKU), an optional EAN (unique when present),
 * a unit (code from base/qty.h's units table), a VAT rate (code from
 * catalog/vat.h), optional PKWiU and CN codes, an optional weight in grams,
 * an optional product group, an active flag, timestamps (unix ms) and a
 * version for optimistic locking. Its name and descriptions exist per
 * language (pl, en, de); the Polish name is required.
 *
 * Memory: strings in a struct catalog_product are borrowed. On input
 * (create, update) they belong to the caller and are not kept. On output
 * (get, list) they are allocated from the caller's arena and live until
 * that arena is released.
 *
 * Every create/update writes the event product.changed with payload
 * {"id": ID, "code": "CODE"} in the same transaction as the change.
 *
 * Versions: a new product has version 1; every update and set_active adds
 * 1. Updates carry the version the caller read; if the row has moved on,
 * they fail with KT_ECONFLICT ("product X was changed by someone else
 * (version 4, you had 3)") and change nothing.
 */
#ifndef KT_CATALOG_PRODUCT_H
#define KT_CATALOG_PRODUCT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

enum catalog_lang { CATALOG_PL, CATALOG_EN, CATALOG_DE, CATALOG_LANG_COUNT };

#define CATALOG_CODE_MAX 40  /* characters of a product or group code */
#define CATALOG_NAME_MAX 250 /* characters of a name */
#define CATALOG_SHORT_DESC_MAX 1000
#define CATALOG_LONG_DESC_MAX 65536 /* bytes */

/* "pl", "en", "de" for CATALOG_PL ...; NULL for anything else. */
const char *catalog_lang_code(enum catalog_lang lang);
/* "pl"/"en"/"de" (case-insensitive) to the enum; KT_EINVAL otherwise. */
int catalog_lang_parse(const char *text, enum catalog_lang *lang, struct kt_err *err);

struct catalog_text {
    const char *name;       /* NULL or "" = no text in this language (pl is required) */
    const char *short_desc; /* NULL = none */
    const char *long_desc;  /* NULL = none */
};

struct catalog_product {
    int64_t id;
    const char *code;     /* 1..40 printable characters, no spaces at the ends */
    const char *ean;      /* NULL = none; EAN-8/UPC-A/EAN-13/GTIN-14 with check digit */
    const char *unit;     /* unit code, e.g. "pcs", "kg" (base/qty.h) */
    const char *vat_rate; /* "23", "8", "5", "0", "zw", "np", "oo" */
    const char *pkwiu;    /* NULL = none; e.g. "27.32.13.0" */
    const char *cn_code;  /* NULL = none; CN code, 2..8 digits ("8544 49 95" accepted) */
    int64_t weight_g;     /* grams; -1 = unknown */
    int64_t group_id;     /* 0 = no group */
    int active;           /* 1 active, 0 withdrawn */
    int64_t created_at;   /* unix ms; output only */
    int64_t updated_at;   /* unix ms; output only */
    int64_t version;      /* output; for update the version the caller read */
    struct catalog_text text[CATALOG_LANG_COUNT]; /* indexed by enum catalog_lang */
};

/* Checks a code (product or group): 1..CATALOG_CODE_MAX printable
 * characters, valid UTF-8, no space at either end. KT_EINVAL with a
 * message starting with `field`. */
int catalog_code_check(const char *field, const char *code, struct kt_err *err);

/* Clears p: no strings, weight unknown, no group, active, vat "23", unit "pcs". */
void catalog_product_init(struct catalog_product *p);

/*
 * Checks every field without touching the database; KT_EINVAL with a
 * message naming the field ("code: ...", "ean: ...", "vat: ...") on the
 * first bad one. It accepts what create and update accept: the unit by code
 * or name in any language ("szt." is stored as "pcs"), the VAT rate in any
 * case and with a % sign ("ZW" is stored as "zw", "23%" as "23"), the CN
 * code with spaces ("8544 49 95" is stored as "85444995"); an empty EAN,
 * PKWiU or CN code means none.
 */
int catalog_product_validate(const struct catalog_product *p, struct kt_err *err);

/*
 * Creates a product in its own transaction. On success p->id, version (1)
 * and the timestamps are filled. KT_EEXIST when the code or EAN is taken,
 * KT_EFOREIGN when group_id does not exist, KT_EINVAL for a bad field.
 */
int catalog_product_create(struct store *st, struct catalog_product *p, struct kt_err *err);

/*
 * Same as create, inside the caller's open write transaction (store_begin
 * / store_tx); neither begins nor commits. Made for bulk loads: it uses the
 * connection's cached prepared statements and writes a product with five
 * statements in the usual case (the row, one per text, the name words 16 at
 * a time, the event); about 45 000 products/s on SQLite on a 2-core machine
 * in transactions of 50 000 (bench_search). A failure leaves the
 * transaction unusable (PostgreSQL semantics, see store.h): roll it back.
 */
int catalog_product_insert_in_tx(struct store *st, struct catalog_product *p, struct kt_err *err);

/* Reads a product with all its texts. KT_ENOTFOUND when there is none. */
int catalog_product_get(struct store *st, int64_t id, struct kt_arena *arena,
                        struct catalog_product *out, struct kt_err *err);
int catalog_product_get_by_code(struct store *st, const char *code, struct kt_arena *arena,
                                struct catalog_product *out, struct kt_err *err);

/*
 * Replaces every field and text of product p->id (texts absent in p are
 * deleted) when its version is still p->version; then p->version and
 * p->updated_at hold the new values. KT_ECONFLICT for a stale version,
 * KT_ENOTFOUND for no such product. update runs its own transaction,
 * update_in_tx uses the caller's.
 */
int catalog_product_update(struct store *st, struct catalog_product *p, struct kt_err *err);
int catalog_product_update_in_tx(struct store *st, struct catalog_product *p, struct kt_err *err);

/* Sets the active flag (a version bump and a product.changed event).
 * expected_version 0 skips the version check. *new_version may be NULL. */
int catalog_product_set_active(struct store *st, int64_t id, int active, int64_t expected_version,
                               int64_t *new_version, struct kt_err *err);

struct catalog_product_filter {
    int64_t group_id; /* 0 = any group */
    int subgroups;    /* with group_id: 1 includes the groups below it */
    int active;       /* -1 any, 0 withdrawn only, 1 active only */
    int limit;        /* 1..1000 */
    int offset;       /* >= 0; 0 when after or before is set */
    /*
     * Keyset paging, for lists a user pages through: the page holds the
     * first `limit` products whose code sorts after `after`, or the last
     * `limit` products whose code sorts before `before` (still in
     * ascending order). Either reads only the rows it returns, however deep
     * the page, where an offset reads every row before it. At most one of
     * them; NULL = none.
     */
    const char *after;
    const char *before;
    /* 1: of the texts read only the names in name_lang and in Polish (a
     * list shows one name: the user's language, else the Polish one) */
    int names_only;
    enum catalog_lang name_lang;
};

/* Fills f: any group, any state, limit 50, offset 0, no keys, all texts. */
void catalog_product_filter_init(struct catalog_product_filter *f);

/*
 * One page of products ordered by code, texts included (only the names
 * with names_only). *items is an arena array of *n products; *total (may
 * be NULL) receives the number of products matching the filter on all
 * pages, an exact count that reads the whole index (about 50 ms at a
 * million products): lists a user pages through use
 * catalog_product_count with a cap instead. A page costs two statements:
 * the products, then the texts of up to 32 of them at a time. KT_EINVAL
 * for a bad limit, offset or filter, or both keys.
 */
int catalog_product_list(struct store *st, const struct catalog_product_filter *f,
                         struct kt_arena *arena, struct catalog_product **items, size_t *n,
                         int64_t *total, struct kt_err *err);

/*
 * Counts the products matching f's group and state (limit, offset and keys
 * do not matter). With cap > 0 the count stops there: *count == cap means
 * "cap or more", learnt by stepping over cap - 1 rows (about 10 us per
 * thousand rows without a filter); cap 0 counts them all.
 */
int catalog_product_count(struct store *st, const struct catalog_product_filter *f, int64_t cap,
                          int64_t *count, struct kt_err *err);

#endif
