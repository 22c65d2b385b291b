/*
 * web/i18n: the UI text catalogues (web/i18n/pl.json, en.json) and the
 * choice of language per request, plus money, quantity and date formatting
 * in that language (base/money.h, qty.h, date.h).
 *
 * A catalogue is a JSON object of objects whose leaves are strings, e.g.
 * {"nav": {"products": "Towary"}}; templates read it as {{t.nav.products}}.
 * Every catalogue must have exactly the same keys: web_i18n_load refuses to
 * start otherwise and names the first key that is missing where.
 *
 * Language of a request: the user's own setting, then the best supported
 * language of Accept-Language (by q-value), then Polish.
 *
 * Ownership: the catalogues are immutable after loading and shared by all
 * request threads; formatted strings are allocated from the caller's arena.
 */
#ifndef KT_WEB_I18N_H
#define KT_WEB_I18N_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct web_i18n;

/* The UI languages, the first is the default. */
#define WEB_LANGS {"pl", "en"}
#define WEB_NLANGS 2

/*
 * Loads DIR/pl.json and DIR/en.json. KT_ENOTFOUND / KT_EIO when a file
 * cannot be read, KT_EINVAL for bad JSON (file, line, column), a leaf that
 * is not a string, or key sets that differ (the key and the file that
 * lacks it).
 */
int web_i18n_load(const char *dir, struct web_i18n **out, struct kt_err *err);
void web_i18n_free(struct web_i18n *i);

/* The catalogue of lang (borrowed), or the default's for an unknown lang. */
json_t *web_i18n_catalog(const struct web_i18n *i, const char *lang);

/* The text at a dotted key ("nav.products"); the key itself when absent. */
const char *web_i18n_text(const struct web_i18n *i, const char *lang, const char *key);

/*
 * The language for a request: user_lang when supported (may be NULL or
 * ""), else the best of accept_language (may be NULL), else "pl". The
 * result is a static string.
 */
const char *web_i18n_pick(const char *user_lang, const char *accept_language);

/*
 * Leaf keys of a in dotted form that b lacks: the first one into dst.
 * Returns 1 when there is one, 0 when every key of a is in b.
 */
int web_i18n_missing_key(json_t *a, json_t *b, char *dst, size_t n);

/* "1 234,56 zł" / "1,234.56 zł"; NULL on overflow or unknown currency. */
const char *web_fmt_money(struct kt_arena *a, int64_t minor, const char *currency,
                          const char *lang);
/* A unit price with 2..4 decimals and the currency. */
const char *web_fmt_price(struct kt_arena *a, int64_t price, const char *currency,
                          const char *lang);
/* A quantity in thousandths: "2,5" / "2.5". */
const char *web_fmt_qty(struct kt_arena *a, int64_t qty, const char *lang);
/* A timestamp (unix ms) as Europe/Warsaw date and time "2026-11-28 14:05". */
const char *web_fmt_time(struct kt_arena *a, int64_t unix_ms);
/* A date (days since 1970) in prose: "28 listopada 2026" / "28 November 2026". */
const char *web_fmt_date_prose(struct kt_arena *a, int32_t days, const char *lang);

#endif
