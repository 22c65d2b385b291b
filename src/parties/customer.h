/*
 * parties/customer: customers (kontrahenci). Owns the tables customers,
 * customer_addresses, customer_contacts and customer_bank_accounts
 * (migration 0004_parties) and the rules that derive a customer's language,
 * currency and document type from its country and VAT id.
 *
 * Prices, price lists and discounts of a customer are NOT here: the prices
 * module keeps them in its own tables, referring to customers(id).
 *
 * Values: every text field is a fixed, NUL-terminated array; "" means
 * "not given". Identifiers are stored normalised (upper case, no spaces or
 * dashes; a Polish NIP as 10 digits without "PL"; an IBAN without spaces).
 * Timestamps are unix milliseconds (UTC). Money (credit limit) is minor
 * units of the customer's currency.
 *
 * Errors name the customer and the field, e.g.
 *   "customer K001: NIP 5261040827: check digit is 7, expected 8."
 * Writes run in one transaction each (store_tx) and emit the event
 * "customer.changed" {"customer_id": N, "code": "...", "change": "..."}
 * inside it; change is created, updated, activated, deactivated,
 * address.added/updated/removed, contact.added/updated/removed,
 * bank_account.added/removed.
 *
 * Optimistic locking: every customer row has a version. Update functions
 * take the version the caller read; if the row changed since, they fail with
 * KT_ECONFLICT ("customer K001 was changed by someone else; ...") and write
 * nothing. Changes to addresses, contacts and bank accounts bump the
 * customer's version too (they are part of the customer record).
 */
#ifndef KT_PARTIES_CUSTOMER_H
#define KT_PARTIES_CUSTOMER_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

#define PARTIES_CODE_MAX 32  /* customer code: letters, digits, . _ - / */
#define PARTIES_NAME_MAX 200 /* names, streets, bank names (bytes of UTF-8) */
#define PARTIES_CITY_MAX 100
#define PARTIES_POSTAL_MAX 16
#define PARTIES_TAX_ID_MAX 32 /* normalised NIP, VAT id or foreign id */
#define PARTIES_EMAIL_MAX 254
#define PARTIES_PHONE_MAX 32
#define PARTIES_LABEL_MAX 64 /* address label, contact role */
#define PARTIES_IBAN_MAX 34
#define PARTIES_NOTES_MAX 2000

enum parties_tax_kind {
    PARTIES_TAX_NONE = 0, /* consumer or not registered: no tax id */
    PARTIES_TAX_NIP,      /* Polish NIP (country PL) */
    PARTIES_TAX_EU_VAT,   /* EU VAT id with its prefix (EU countries; XI for GB) */
    PARTIES_TAX_FOREIGN,  /* any other tax id, free form (checked for length only) */
};

enum parties_doc_type {
    PARTIES_DOC_AUTO = 0, /* only as an override: derive from country and VAT id */
    PARTIES_DOC_DOMESTIC, /* Polish VAT */
    PARTIES_DOC_INTRA_EU, /* intra-Community supply (WDT), 0 % */
    PARTIES_DOC_EXPORT,   /* export outside the EU, 0 % */
};

enum parties_payment_method {
    PARTIES_PAY_TRANSFER = 0,
    PARTIES_PAY_CASH,
    PARTIES_PAY_COD, /* cash on delivery */
    PARTIES_PAY_CARD,
};

/* Names used in the database, in JSON and on the command line:
 * "none" "nip" "eu_vat" "foreign"; "auto" "domestic" "intra_eu" "export";
 * "transfer" "cash" "cod" "card". Parsers return KT_EINVAL naming the
 * allowed values. */
const char *parties_tax_kind_name(enum parties_tax_kind k);
int parties_tax_kind_parse(const char *s, enum parties_tax_kind *out, struct kt_err *err);
const char *parties_doc_type_name(enum parties_doc_type t);
int parties_doc_type_parse(const char *s, enum parties_doc_type *out, struct kt_err *err);
const char *parties_payment_method_name(enum parties_payment_method m);
int parties_payment_method_parse(const char *s, enum parties_payment_method *out,
                                 struct kt_err *err);

/*
 * The defaults for a customer in `country` (ISO 3166-1 alpha-2, any case)
 * with EU VAT id `vat_id` (NULL or "" when it has none; it is not validated
 * here, only its prefix is looked at):
 *   currency: PLN for PL, EUR for other EU members, USD for the rest;
 *   lang:     pl for PL; de for DE, AT, LI and CH; en otherwise;
 *   doc_type: PL -> domestic; EU member with a VAT id -> intra_eu;
 *             EU member without one -> domestic (Polish VAT, consumer);
 *             GB with an XI (Northern Ireland) VAT id -> intra_eu;
 *             any other country -> export.
 * currency gets 4 bytes, lang 3. KT_EINVAL for an unknown country.
 * Pure: no database, no state.
 */
int parties_customer_defaults(const char *country, const char *vat_id, char currency[4],
                              char lang[3], enum parties_doc_type *doc_type, struct kt_err *err);

struct parties_customer {
    int64_t id;      /* 0 before create */
    int64_t version; /* for update: the version read; set after every write */
    char code[PARTIES_CODE_MAX + 1];
    char name[PARTIES_NAME_MAX + 1];
    /* Tax id: with kind NONE, tax_id must be "". When creating or updating,
     * a kind of NONE with a non-empty tax_id means "work it out": NIP for
     * PL, EU VAT id for EU members (and XI… for GB), foreign otherwise. */
    enum parties_tax_kind tax_id_kind;
    char tax_id[PARTIES_TAX_ID_MAX + 1];
    char regon[15];  /* optional; 9 or 14 digits, Polish customers only */
    char country[3]; /* ISO 3166-1 alpha-2, upper case; required */
    /* Overrides: "" / PARTIES_DOC_AUTO = use the default for the country. */
    char lang_override[3];
    char currency_override[4];
    enum parties_doc_type doc_type_override;
    /* Effective values, set by create/update/get (inputs are ignored). */
    char lang[3];
    char currency[4];
    enum parties_doc_type doc_type;
    int payment_days; /* 0..365 */
    enum parties_payment_method payment_method;
    int has_credit_limit; /* 0: no limit set */
    int64_t credit_limit; /* minor units of `currency`, >= 0 */
    /* Billing address; its country is `country`. Postal codes are checked
     * where the country's format is simple (PL NN-NNN, DE NNNNN, ...). */
    char street[PARTIES_NAME_MAX + 1];
    char postal_code[PARTIES_POSTAL_MAX + 1];
    char city[PARTIES_CITY_MAX + 1];
    char document_email[PARTIES_EMAIL_MAX + 1]; /* where documents are sent */
    char notes[PARTIES_NOTES_MAX + 1];
    int active; /* set by create (1) and set_active; ignored by update */
    int64_t created_at;
    int64_t updated_at;
};

/* Zeroes c and sets the defaults of a new customer: active, transfer, 14
 * days. */
void parties_customer_init(struct parties_customer *c);

/*
 * Validates c, fills the defaults and effective values, inserts it and
 * emits customer.changed (created). On success c->id, version (1),
 * timestamps and the effective lang/currency/doc_type are set.
 * KT_EINVAL naming the field; KT_EEXIST when the code is taken.
 */
int parties_customer_create(struct store *st, struct parties_customer *c, struct kt_err *err);

/* KT_ENOTFOUND when there is no such customer. */
int parties_customer_get(struct store *st, int64_t id, struct parties_customer *out,
                         struct kt_err *err);
int parties_customer_get_by_code(struct store *st, const char *code, struct parties_customer *out,
                                 struct kt_err *err);

/*
 * Replaces every editable field of customer c->id (all but id, created_at
 * and active) with c's values, if the stored version still is c->version.
 * The code may change (KT_EEXIST if taken). Effective lang, currency and
 * document type are derived again from the (new) country and VAT id unless
 * overridden. On success c holds the new version and updated_at.
 */
int parties_customer_update(struct store *st, struct parties_customer *c, struct kt_err *err);

/* Activates or deactivates a customer (no version check: it is one flag).
 * Inactive customers stay readable but are hidden from lists by default. */
int parties_customer_set_active(struct store *st, int64_t id, int active, struct kt_err *err);

struct parties_customer_query {
    const char *search;  /* NULL/"": all; else prefix of code, name or tax id; case and
                          * diacritics ignored ("zolw" finds "Żółw") */
    const char *country; /* NULL/"": all countries */
    int include_inactive;
    int64_t offset;
    int64_t limit; /* 1..1000; 0 means 50 */
};

/*
 * One page of customers ordered by code, allocated from arena; *total is
 * the number of matching customers over all pages (may be NULL).
 */
int parties_customer_list(struct store *st, const struct parties_customer_query *q,
                          struct kt_arena *arena, struct parties_customer **out, size_t *n,
                          int64_t *total, struct kt_err *err);

/* Delivery addresses. */
struct parties_address {
    int64_t id;
    int64_t customer_id;
    char label[PARTIES_LABEL_MAX + 1]; /* unique per customer, e.g. "Warehouse Poznań" */
    char recipient[PARTIES_NAME_MAX + 1];
    char street[PARTIES_NAME_MAX + 1];
    char postal_code[PARTIES_POSTAL_MAX + 1];
    char city[PARTIES_CITY_MAX + 1];
    char country[3]; /* "" on add: the customer's country */
    int is_default;  /* at most one per customer; setting it clears the others */
};

struct parties_contact {
    int64_t id;
    int64_t customer_id;
    char name[PARTIES_NAME_MAX + 1];
    char email[PARTIES_EMAIL_MAX + 1]; /* optional, validated */
    char phone[PARTIES_PHONE_MAX + 1]; /* optional: digits, spaces, + - ( ) / */
    char role[PARTIES_LABEL_MAX + 1];  /* free text: "purchasing", "accounts" */
};

struct parties_bank_account {
    int64_t id;
    int64_t customer_id;
    char iban[PARTIES_IBAN_MAX + 1]; /* validated and normalised; unique per customer */
    char bank_name[PARTIES_NAME_MAX + 1];
};

/*
 * Sub-records. add fills a->id; update replaces the record with id a->id
 * (which must belong to a->customer_id); remove deletes one. Each is one
 * transaction that also bumps the customer's version and emits
 * customer.changed. `version` is the customer version the caller read
 * (0 = do not check); on success *new_version (may be NULL) receives the
 * customer's new version. KT_ENOTFOUND for an unknown customer or record,
 * KT_EEXIST for a duplicate label or IBAN.
 */
int parties_address_add(struct store *st, int64_t version, struct parties_address *a,
                        int64_t *new_version, struct kt_err *err);
int parties_address_update(struct store *st, int64_t version, struct parties_address *a,
                           int64_t *new_version, struct kt_err *err);
int parties_address_remove(struct store *st, int64_t version, int64_t customer_id,
                           int64_t address_id, int64_t *new_version, struct kt_err *err);
int parties_address_list(struct store *st, int64_t customer_id, struct kt_arena *arena,
                         struct parties_address **out, size_t *n, struct kt_err *err);

int parties_contact_add(struct store *st, int64_t version, struct parties_contact *c,
                        int64_t *new_version, struct kt_err *err);
int parties_contact_update(struct store *st, int64_t version, struct parties_contact *c,
                           int64_t *new_version, struct kt_err *err);
int parties_contact_remove(struct store *st, int64_t version, int64_t customer_id,
                           int64_t contact_id, int64_t *new_version, struct kt_err *err);
int parties_contact_list(struct store *st, int64_t customer_id, struct kt_arena *arena,
                         struct parties_contact **out, size_t *n, struct kt_err *err);

int parties_bank_account_add(struct store *st, int64_t version, struct parties_bank_account *b,
                             int64_t *new_version, struct kt_err *err);
int parties_bank_account_remove(struct store *st, int64_t version, int64_t customer_id,
                                int64_t account_id, int64_t *new_version, struct kt_err *err);
int parties_bank_account_list(struct store *st, int64_t customer_id, struct kt_arena *arena,
                              struct parties_bank_account **out, size_t *n, struct kt_err *err);

/*
 * The customer who owns bank account `iban` (any spacing/case), for
 * recognising incoming payments. KT_EINVAL for an invalid IBAN,
 * KT_ENOTFOUND when no customer has it, KT_ECONFLICT when several
 * customers have it (the message lists their codes; a person must decide).
 */
int parties_customer_find_by_iban(struct store *st, const char *iban, struct parties_customer *out,
                                  struct kt_err *err);

#endif
