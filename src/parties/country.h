/*
 * parties/country: the country table (ISO 3166-1 alpha-2, all 249 codes)
 * with names in Polish, English and German, EU membership, the default
 * currency and document language of a customer there, and the postal code
 * format where it is simple enough to check. The table in country.c is the
 * only place these facts live; names come from Debian's iso-codes
 * translations (English: the common name where ISO's is formal).
 *
 * Rules encoded in the table: default currency PLN for Poland, EUR for the
 * other EU members, USD for every other country; language pl for Poland,
 * de for Germany, Austria, Switzerland and Liechtenstein, en elsewhere.
 */
#ifndef KT_PARTIES_COUNTRY_H
#define KT_PARTIES_COUNTRY_H

#include <stddef.h>

#include "base/err.h"

struct parties_country {
    const char *code; /* "PL" */
    const char *name_pl;
    const char *name_en;
    const char *name_de;
    int eu;               /* member of the European Union (VAT area) */
    const char *currency; /* default currency of a customer there */
    const char *lang;     /* default document language: "pl", "en" or "de" */
    /* Postal code patterns separated by '|': N a digit, L a letter, any
     * other character itself. NULL: only a plausibility check. */
    const char *postal;
};

/* The country with `code` (any case), or NULL. */
const struct parties_country *parties_country_find(const char *code);

/* The same with an error naming the code: "country XX: not an ISO 3166-1
 * code (use two letters such as PL, DE, US)." */
int parties_country_get(const char *code, const struct parties_country **out, struct kt_err *err);

/* The name in "pl", "de" or (anything else) English. */
const char *parties_country_name(const struct parties_country *c, const char *lang);

/* Iteration in code order: index 0 .. parties_country_count() - 1. */
size_t parties_country_count(void);
const struct parties_country *parties_country_at(size_t i);

/*
 * Checks a postal code for `country` and writes it normalised (trimmed,
 * letters upper-cased) to out (size n). Countries with a pattern must
 * match it ("postal code 0O-950: expected NN-NNN for PL, e.g. 00-950.");
 * others accept 2..16 letters, digits, spaces and dashes. An empty code is
 * KT_EINVAL; callers decide whether the field is optional.
 */
int parties_postal_code_check(const char *country, const char *postal, char *out, size_t n,
                              struct kt_err *err);

#endif
