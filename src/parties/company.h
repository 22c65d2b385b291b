/*
 * parties/company: the own company (the seller on every document). Owns the
 * tables company (a single row, id 1) and company_bank_accounts (migration
 * 0004_parties).
 *
 * The company row is written with optimistic locking like a customer:
 * version 0 means "set it up for the first time"; later writes pass the
 * version read and fail with KT_ECONFLICT if someone else wrote in between.
 * Every write is one transaction (the caller's, if one is open) that also
 * emits "company.changed" {"company_id": 1, "change": "..."}.
 *
 * The logo is a PNG or JPEG (checked by its magic bytes, at most
 * PARTIES_LOGO_MAX bytes) kept in the blob store; the row holds its hash.
 * Bank accounts are per currency; one of each currency is the default,
 * printed on pro-formas (parties_company_account_for).
 */
#ifndef KT_PARTIES_COMPANY_H
#define KT_PARTIES_COMPANY_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "parties/customer.h"
#include "store/blob.h"
#include "store/store.h"

#define PARTIES_LOGO_MAX ((size_t)2 << 20) /* 2 MiB */

struct parties_company {
    int64_t version; /* 0: not set up yet (for set: create) */
    char name[PARTIES_NAME_MAX + 1];
    char nip[PARTIES_TAX_ID_MAX + 1]; /* required, valid; stored as 10 digits */
    char regon[15];                   /* optional */
    char street[PARTIES_NAME_MAX + 1];
    char postal_code[PARTIES_POSTAL_MAX + 1];
    char city[PARTIES_CITY_MAX + 1];
    char country[3]; /* "" on set: PL */
    /* Code of the warehouse documents use by default (the stock module owns
     * warehouses; only the code's format is checked here). */
    char default_warehouse[PARTIES_CODE_MAX + 1];
    char default_lang[3]; /* "" on set: pl */
    char email_from_name[PARTIES_NAME_MAX + 1];
    char email_from_address[PARTIES_EMAIL_MAX + 1];
    /* Set only by parties_company_set_logo; ignored by set. */
    char logo_blob[BLOB_HEX_LEN + 1];
    char logo_type[16]; /* "image/png" or "image/jpeg" */
    int64_t updated_at;
};

/* KT_ENOTFOUND when the company is not set up yet. */
int parties_company_get(struct store *st, struct parties_company *out, struct kt_err *err);

/* Validates and writes c (see the version rule above); on success c holds
 * the normalised values and the new version. */
int parties_company_set(struct store *st, struct parties_company *c, struct kt_err *err);

/* "image/png" or "image/jpeg" from the magic bytes of p[0..n), else NULL. */
const char *parties_logo_type(const void *p, size_t n);

/*
 * Stores p[0..n) as the company logo: KT_EINVAL when it is not a PNG or
 * JPEG, KT_ELIMIT when larger than PARTIES_LOGO_MAX, KT_ENOTFOUND when the
 * company is not set up. The blob is written first (content-addressed, so
 * a failed transaction leaves at most an unreferenced file), then the row.
 * *hex (may be NULL) receives the blob name.
 */
int parties_company_set_logo(struct store *st, const char *data_dir, const void *p, size_t n,
                             char hex[BLOB_HEX_LEN + 1], struct kt_err *err);

struct parties_company_account {
    int64_t id;
    char currency[4];
    char iban[PARTIES_IBAN_MAX + 1]; /* valid, normalised; unique */
    char bank_name[PARTIES_NAME_MAX + 1];
    char swift[12]; /* optional SWIFT/BIC, format-checked */
    int is_default; /* the first account of a currency is its default */
};

/* Adds an account (a->id set); is_default makes it the default of its
 * currency in place of the previous one. KT_EEXIST for a known IBAN. */
int parties_company_account_add(struct store *st, struct parties_company_account *a,
                                struct kt_err *err);
/* Removes one; if it was the default, the oldest remaining account of the
 * currency becomes the default. */
int parties_company_account_remove(struct store *st, int64_t id, struct kt_err *err);
/* All accounts ordered by currency, default first. */
int parties_company_account_list(struct store *st, struct kt_arena *arena,
                                 struct parties_company_account **out, size_t *n,
                                 struct kt_err *err);
/* The default account for `currency`; KT_ENOTFOUND when there is none. */
int parties_company_account_for(struct store *st, const char *currency,
                                struct parties_company_account *out, struct kt_err *err);

#endif
