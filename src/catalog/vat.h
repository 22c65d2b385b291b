/*
 * catalog/vat: the table of VAT rates a product, an order line or a document
 * can carry. Owns the codes stored in the database ('23', '8', '5', '0',
 * 'zw', 'np', 'oo'), their percentage (1/100 of a percent, as
 * kt_money_rate_* in base/money.h), their labels in pl/en/de and their kind.
 * The table is static and read-only; every function is thread-safe.
 */
#ifndef KT_CATALOG_VAT_H
#define KT_CATALOG_VAT_H

#include <stdint.h>

#include "base/err.h"

enum catalog_vat_kind {
    CATALOG_VAT_RATED,   /* a positive percentage is charged */
    CATALOG_VAT_ZERO,    /* 0 %: taxable at a zero rate (export, intra-EU supply) */
    CATALOG_VAT_EXEMPT,  /* zw: exempt (art. 43 / 113 of the Polish VAT act) */
    CATALOG_VAT_OUTSIDE, /* np: not subject to Polish VAT (place of supply abroad) */
    CATALOG_VAT_REVERSE, /* oo: reverse charge, the buyer accounts for the VAT */
};

struct catalog_vat {
    const char *code; /* stored: "23", "8", "5", "0", "zw", "np", "oo" */
    int64_t rate;     /* 1/100 of a percent: 2300 = 23 %; 0 for every non-rated kind */
    enum catalog_vat_kind kind;
    const char *pl; /* label on documents: "23%", "zw", "np", "oo" */
    const char *en; /* "23%", "exempt", "not subject", "reverse charge" */
    const char *de; /* "23%", "steuerfrei", "nicht steuerbar", "Steuerschuldnerschaft des
                       Leistungsempfängers" */
};

/* The table in display order, and its length. */
const struct catalog_vat *catalog_vat_rates(int *count);

/* Finds a rate by its code ("23", "ZW" — case-insensitive, "23%" accepted).
 * KT_EINVAL naming the valid codes when unknown. */
int catalog_vat_find(const char *code, const struct catalog_vat **vat, struct kt_err *err);

/* The label in "pl", "en" or "de"; NULL for another language. */
const char *catalog_vat_label(const struct catalog_vat *vat, const char *lang);

/* 1 when no VAT is charged at this rate (0 %, zw, np, oo), else 0. */
int catalog_vat_is_zero_kind(const struct catalog_vat *vat);

#endif
