#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/fold.h"
#include "base/validate.h"
#include "parties/check.h"
#include "parties/country.h"
#include "parties/customer.h"
#include "base/banned.h"

#define LIST_DEFAULT_LIMIT 50
#define LIST_MAX_LIMIT 1000
#define FIND_IBAN_SHOWN 5

/* ---- names of the enums (database, JSON and CLI spelling) ---- */

static const char *const tax_kind_names[] = {
    [PARTIES_TAX_NONE] = "none",
    [PARTIES_TAX_NIP] = "nip",
    [PARTIES_TAX_EU_VAT] = "eu_vat",
    [PARTIES_TAX_FOREIGN] = "foreign",
};

static const char *const doc_type_names[] = {
    [PARTIES_DOC_AUTO] = "auto",
    [PARTIES_DOC_DOMESTIC] = "domestic",
    [PARTIES_DOC_INTRA_EU] = "intra_eu",
    [PARTIES_DOC_EXPORT] = "export",
};

static const char *const payment_method_names[] = {
    [PARTIES_PAY_TRANSFER] = "transfer",
    [PARTIES_PAY_CASH] = "cash",
    [PARTIES_PAY_COD] = "cod",
    [PARTIES_PAY_CARD] = "card",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int parse_name(const char *const *names, size_t n, const char *what, const char *allowed,
                      const char *s, int *out, struct kt_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (s != NULL && strcmp(s, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    return kt_err_set(err, KT_EINVAL, "%s %.40s: expected %s.", what,
                      s != NULL && s[0] != '\0' ? s : "(empty)", allowed);
}

const char *parties_tax_kind_name(enum parties_tax_kind k)
{
    return (size_t)k < COUNT(tax_kind_names) ? tax_kind_names[k] : "?";
}

int parties_tax_kind_parse(const char *s, enum parties_tax_kind *out, struct kt_err *err)
{
    int v;
    int rc = parse_name(tax_kind_names, COUNT(tax_kind_names), "tax id kind",
                        "none, nip, eu_vat or foreign", s, &v, err);
    if (rc == 0)
        *out = (enum parties_tax_kind)v;
    return rc;
}

const char *parties_doc_type_name(enum parties_doc_type t)
{
    return (size_t)t < COUNT(doc_type_names) ? doc_type_names[t] : "?";
}

int parties_doc_type_parse(const char *s, enum parties_doc_type *out, struct kt_err *err)
{
    int v;
    int rc = parse_name(doc_type_names, COUNT(doc_type_names), "document type",
                        "auto, domestic, intra_eu or export", s, &v, err);
    if (rc == 0)
        *out = (enum parties_doc_type)v;
    return rc;
}

const char *parties_payment_method_name(enum parties_payment_method m)
{
    return (size_t)m < COUNT(payment_method_names) ? payment_method_names[m] : "?";
}

int parties_payment_method_parse(const char *s, enum parties_payment_method *out,
                                 struct kt_err *err)
{
    int v;
    int rc = parse_name(payment_method_names, COUNT(payment_method_names), "payment method",
                        "transfer, cash, cod or card", s, &v, err);
    if (rc == 0)
        *out = (enum parties_payment_method)v;
    return rc;
}

/* ---- defaults ---- */

/* Does vat_id start with the two letters p (any case, after blanks)? */
static int vat_prefix_is(const char *vat_id, const char *p)
{
    while (vat_id != NULL && (*vat_id == ' ' || *vat_id == '\t'))
        vat_id++;
    return vat_id != NULL && (vat_id[0] == p[0] || vat_id[0] == p[0] - 'A' + 'a') &&
           (vat_id[1] == p[1] || vat_id[1] == p[1] - 'A' + 'a');
}

static int has_text(const char *s)
{
    while (s != NULL && (*s == ' ' || *s == '\t'))
        s++;
    return s != NULL && *s != '\0';
}

int parties_customer_defaults(const char *country, const char *vat_id, char currency[4],
                              char lang[3], enum parties_doc_type *doc_type, struct kt_err *err)
{
    const struct parties_country *c;
    int rc = parties_country_get(country, &c, err);
    if (rc < 0)
        return rc;
    memcpy(currency, c->currency, 4);
    memcpy(lang, c->lang, 3);
    if (strcmp(c->code, "PL") == 0)
        *doc_type = PARTIES_DOC_DOMESTIC;
    else if (c->eu)
        *doc_type = has_text(vat_id) ? PARTIES_DOC_INTRA_EU : PARTIES_DOC_DOMESTIC;
    else if (strcmp(c->code, "GB") == 0 && vat_prefix_is(vat_id, "XI"))
        /* Northern Ireland stays in the EU VAT area for goods (Windsor
         * Framework): a supply to an XI-registered buyer is a WDT. */
        *doc_type = PARTIES_DOC_INTRA_EU;
    else
        *doc_type = PARTIES_DOC_EXPORT;
    return 0;
}

void parties_customer_init(struct parties_customer *c)
{
    memset(c, 0, sizeof *c);
    c->active = 1;
    c->payment_days = 14;
    c->payment_method = PARTIES_PAY_TRANSFER;
}

/* ---- validation ---- */

/* The two-letter VAT prefix of an EU country (Greece uses EL) or of GB
 * (Northern Ireland, XI); NULL when the country issues no EU VAT ids. */
static const char *vat_prefix_for(const struct parties_country *c)
{
    if (strcmp(c->code, "GR") == 0)
        return "EL";
    if (strcmp(c->code, "GB") == 0)
        return "XI";
    return c->eu ? c->code : NULL;
}

static int check_tax_id(struct parties_customer *c, const struct parties_country *country,
                        struct kt_err *err)
{
    char norm[PARTIES_TAX_ID_MAX + 1];
    const char *prefix = vat_prefix_for(country);
    int rc;

    if (!has_text(c->tax_id)) {
        if (c->tax_id_kind != PARTIES_TAX_NONE)
            return kt_err_set(err, KT_EINVAL, "tax id: required for kind %s (or use kind none).",
                              parties_tax_kind_name(c->tax_id_kind));
        c->tax_id[0] = '\0';
        return 0;
    }
    if ((size_t)c->tax_id_kind >= COUNT(tax_kind_names))
        return kt_err_set(err, KT_EINVAL, "tax id kind: expected none, nip, eu_vat or foreign.");
    if (c->tax_id_kind == PARTIES_TAX_NONE) {
        /* A tax id without a kind: the country says what it must be. */
        if (strcmp(country->code, "PL") == 0)
            c->tax_id_kind = PARTIES_TAX_NIP;
        else if (prefix != NULL && (country->eu || vat_prefix_is(c->tax_id, prefix)))
            c->tax_id_kind = PARTIES_TAX_EU_VAT;
        else
            c->tax_id_kind = PARTIES_TAX_FOREIGN;
    }
    if (strcmp(country->code, "PL") == 0 && c->tax_id_kind == PARTIES_TAX_EU_VAT)
        c->tax_id_kind = PARTIES_TAX_NIP; /* PL + NIP is the Polish VAT id */

    switch (c->tax_id_kind) {
    case PARTIES_TAX_NIP:
        if (strcmp(country->code, "PL") != 0)
            return kt_err_set(err, KT_EINVAL,
                              "NIP %.40s: a NIP is for customers in Poland; for %s give an EU "
                              "VAT id or a foreign tax id.",
                              c->tax_id, country->code);
        if ((rc = kt_valid_nip(c->tax_id, err)) < 0)
            return rc;
        if ((rc = kt_normalize_tax_id(c->tax_id, norm, sizeof norm, err)) < 0)
            return rc;
        /* Stored as the 10 digits; "PL" is added where a VAT id is printed. */
        kt_strlcpy(c->tax_id, norm[0] == 'P' ? norm + 2 : norm, sizeof c->tax_id);
        return 0;
    case PARTIES_TAX_EU_VAT:
        if (prefix == NULL)
            return kt_err_set(err, KT_EINVAL,
                              "VAT id %.40s: %s is not in the EU VAT area; give a foreign tax "
                              "id instead.",
                              c->tax_id, country->code);
        if ((rc = kt_valid_vat_id(c->tax_id, err)) < 0)
            return rc;
        if ((rc = kt_normalize_tax_id(c->tax_id, norm, sizeof norm, err)) < 0)
            return rc;
        if (strncmp(norm, prefix, 2) != 0)
            return kt_err_set(err, KT_EINVAL,
                              "VAT id %s: the prefix %.2s does not match the country %s "
                              "(expected %s).",
                              norm, norm, country->code, prefix);
        kt_strlcpy(c->tax_id, norm, sizeof c->tax_id);
        return 0;
    case PARTIES_TAX_FOREIGN:
        if (strcmp(country->code, "PL") == 0)
            return kt_err_set(err, KT_EINVAL,
                              "tax id %.40s: a customer in Poland has a NIP, not a foreign tax "
                              "id.",
                              c->tax_id);
        return parties_check_text("tax id", c->tax_id, 1, 0, c->tax_id, sizeof c->tax_id, err);
    case PARTIES_TAX_NONE:
        break;
    }
    return kt_err_set(err, KT_EINTERNAL, "tax id kind %d left undecided.", (int)c->tax_id_kind);
}

/*
 * Checks and normalises every field of c and sets the effective lang,
 * currency and document type. Errors are prefixed "customer CODE: ".
 */
static int customer_check(struct parties_customer *c, struct kt_err *err)
{
    const struct parties_country *country;
    char def_currency[4], def_lang[3];
    enum parties_doc_type def_doc;
    int rc;

    if ((rc = parties_check_code("customer code", c->code, c->code, sizeof c->code, err)) < 0)
        return rc;
    if ((rc = parties_check_text("name", c->name, 1, 0, c->name, sizeof c->name, err)) < 0)
        goto out;
    if ((rc = parties_country_get(c->country, &country, err)) < 0)
        goto out;
    memcpy(c->country, country->code, 3);
    if ((rc = check_tax_id(c, country, err)) < 0)
        goto out;
    if (has_text(c->regon)) {
        if (strcmp(country->code, "PL") != 0) {
            rc = kt_err_set(err, KT_EINVAL, "REGON %.14s: only customers in Poland have one.",
                            c->regon);
            goto out;
        }
        char norm[20];
        if ((rc = kt_valid_regon(c->regon, err)) < 0 ||
            (rc = kt_normalize_tax_id(c->regon, norm, sizeof norm, err)) < 0)
            goto out;
        kt_strlcpy(c->regon, norm, sizeof c->regon);
    } else {
        c->regon[0] = '\0';
    }

    if ((rc = parties_customer_defaults(country->code,
                                        c->tax_id_kind == PARTIES_TAX_EU_VAT ? c->tax_id : NULL,
                                        def_currency, def_lang, &def_doc, err)) < 0)
        goto out;
    if (has_text(c->lang_override)) {
        if ((rc = parties_check_lang("language", c->lang_override, c->lang_override, err)) < 0)
            goto out;
        memcpy(c->lang, c->lang_override, 3);
    } else {
        c->lang_override[0] = '\0';
        memcpy(c->lang, def_lang, 3);
    }
    if (has_text(c->currency_override)) {
        if ((rc = parties_check_currency(c->currency_override, c->currency_override, err)) < 0)
            goto out;
        memcpy(c->currency, c->currency_override, 4);
    } else {
        c->currency_override[0] = '\0';
        memcpy(c->currency, def_currency, 4);
    }
    if ((size_t)c->doc_type_override >= COUNT(doc_type_names)) {
        rc = kt_err_set(err, KT_EINVAL,
                        "document type: expected auto, domestic, intra_eu or "
                        "export.");
        goto out;
    }
    c->doc_type = c->doc_type_override != PARTIES_DOC_AUTO ? c->doc_type_override : def_doc;

    if (c->payment_days < 0 || c->payment_days > 365) {
        rc = kt_err_set(err, KT_EINVAL, "payment days %d: expected 0 to 365.", c->payment_days);
        goto out;
    }
    if ((size_t)c->payment_method >= COUNT(payment_method_names)) {
        rc = kt_err_set(err, KT_EINVAL, "payment method: expected transfer, cash, cod or card.");
        goto out;
    }
    if (c->has_credit_limit && c->credit_limit < 0) {
        rc = kt_err_set(err, KT_EINVAL, "credit limit: must not be negative.");
        goto out;
    }
    if (!c->has_credit_limit)
        c->credit_limit = 0;

    if ((rc = parties_check_text("street", c->street, 0, 0, c->street, sizeof c->street, err)) <
            0 ||
        (rc = parties_check_text("city", c->city, 0, 0, c->city, sizeof c->city, err)) < 0)
        goto out;
    if (has_text(c->postal_code)) {
        if ((rc = parties_postal_code_check(country->code, c->postal_code, c->postal_code,
                                            sizeof c->postal_code, err)) < 0)
            goto out;
    } else {
        c->postal_code[0] = '\0';
    }
    if (has_text(c->document_email)) {
        if ((rc = parties_check_email("document e-mail", c->document_email, c->document_email,
                                      sizeof c->document_email, err)) < 0)
            goto out;
    } else {
        c->document_email[0] = '\0';
    }
    rc = parties_check_text("notes", c->notes, 0, 1, c->notes, sizeof c->notes, err);
out:
    if (rc < 0)
        kt_err_prefix(err, "customer %s", c->code);
    return rc;
}

/* ---- reading rows ---- */

#define CUSTOMER_COLUMNS                                                                           \
    "id, version, code, name, tax_id_kind, tax_id, regon, country, lang_override, "                \
    "currency_override, document_type_override, lang, currency, document_type, payment_days, "     \
    "payment_method, credit_limit, street, postal_code, city, document_email, notes, active, "     \
    "created_at, updated_at"

static int col_enum(struct store_stmt *s, int col, const char *const *names, size_t n)
{
    const char *v = store_col_text(s, col);
    for (size_t i = 0; v != NULL && i < n; i++)
        if (strcmp(v, names[i]) == 0)
            return (int)i;
    return 0;
}

static void read_customer(struct store_stmt *s, struct parties_customer *c)
{
    memset(c, 0, sizeof *c);
    c->id = store_col_int64(s, 0);
    c->version = store_col_int64(s, 1);
    parties_col_copy(s, 2, c->code, sizeof c->code);
    parties_col_copy(s, 3, c->name, sizeof c->name);
    c->tax_id_kind = (enum parties_tax_kind)col_enum(s, 4, tax_kind_names, COUNT(tax_kind_names));
    parties_col_copy(s, 5, c->tax_id, sizeof c->tax_id);
    parties_col_copy(s, 6, c->regon, sizeof c->regon);
    parties_col_copy(s, 7, c->country, sizeof c->country);
    parties_col_copy(s, 8, c->lang_override, sizeof c->lang_override);
    parties_col_copy(s, 9, c->currency_override, sizeof c->currency_override);
    c->doc_type_override =
        (enum parties_doc_type)col_enum(s, 10, doc_type_names, COUNT(doc_type_names));
    parties_col_copy(s, 11, c->lang, sizeof c->lang);
    parties_col_copy(s, 12, c->currency, sizeof c->currency);
    c->doc_type = (enum parties_doc_type)col_enum(s, 13, doc_type_names, COUNT(doc_type_names));
    c->payment_days = (int)store_col_int64(s, 14);
    c->payment_method = (enum parties_payment_method)col_enum(s, 15, payment_method_names,
                                                              COUNT(payment_method_names));
    c->has_credit_limit = !store_col_is_null(s, 16);
    c->credit_limit = c->has_credit_limit ? store_col_int64(s, 16) : 0;
    parties_col_copy(s, 17, c->street, sizeof c->street);
    parties_col_copy(s, 18, c->postal_code, sizeof c->postal_code);
    parties_col_copy(s, 19, c->city, sizeof c->city);
    parties_col_copy(s, 20, c->document_email, sizeof c->document_email);
    parties_col_copy(s, 21, c->notes, sizeof c->notes);
    c->active = store_col_int64(s, 22) != 0;
    c->created_at = store_col_int64(s, 23);
    c->updated_at = store_col_int64(s, 24);
}

/* ---- single reads ---- */

static int customer_get_where(struct store *st, const char *sql, int64_t id, const char *code,
                              struct parties_customer *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s, err);
    if (rc < 0)
        return rc;
    rc = code != NULL ? store_bind_text(s, 1, code) : store_bind_int64(s, 1, id);
    if (rc < 0) {
        rc = parties_bind_failed(err, rc, "the customer lookup");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        read_customer(s, out);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = code != NULL ? kt_err_set(err, KT_ENOTFOUND, "customer %.40s: no such customer.", code)
                          : kt_err_set(err, KT_ENOTFOUND, "customer #%lld: no such customer.",
                                       (long long)id);
    }
out:
    store_stmt_done(s);
    return rc;
}

int parties_customer_get(struct store *st, int64_t id, struct parties_customer *out,
                         struct kt_err *err)
{
    return customer_get_where(st, "SELECT " CUSTOMER_COLUMNS " FROM customers WHERE id = ?1", id,
                              NULL, out, err);
}

int parties_customer_get_by_code(struct store *st, const char *code, struct parties_customer *out,
                                 struct kt_err *err)
{
    char clean[PARTIES_CODE_MAX + 1];
    int rc = parties_check_code("customer code", code, clean, sizeof clean, err);
    if (rc < 0)
        return rc;
    return customer_get_where(st, "SELECT " CUSTOMER_COLUMNS " FROM customers WHERE code = ?1", 0,
                              clean, out, err);
}

/* KT_EEXIST when another customer (id != self) already has code. */
static int code_free(struct store *st, const char *code, int64_t self, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT id FROM customers WHERE code = ?1 AND id <> ?2", &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, code)) < 0 || (rc = store_bind_int64(s, 2, self)) < 0) {
        rc = parties_bind_failed(err, rc, "the customer code check");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        rc = kt_err_set(err, KT_EEXIST,
                        "customer %s: the code is already taken by another "
                        "customer.",
                        code);
    else if (rc == STORE_DONE)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/* Binds the editable fields of c to ?1 .. ?20 (shared by INSERT and UPDATE). */
static int bind_customer(struct store_stmt *s, const struct parties_customer *c, int64_t now)
{
    int rc;
    if ((rc = store_bind_text(s, 1, c->code)) < 0 || (rc = store_bind_text(s, 2, c->name)) < 0 ||
        (rc = store_bind_text(s, 3, parties_tax_kind_name(c->tax_id_kind))) < 0 ||
        (rc = parties_bind_opt(s, 4, c->tax_id)) < 0 ||
        (rc = parties_bind_opt(s, 5, c->regon)) < 0 ||
        (rc = store_bind_text(s, 6, c->country)) < 0 || (rc = store_bind_text(s, 7, c->lang)) < 0 ||
        (rc = parties_bind_opt(s, 8, c->lang_override)) < 0 ||
        (rc = store_bind_text(s, 9, c->currency)) < 0 ||
        (rc = parties_bind_opt(s, 10, c->currency_override)) < 0 ||
        (rc = store_bind_text(s, 11, parties_doc_type_name(c->doc_type))) < 0 ||
        (rc = store_bind_text(s, 12,
                              c->doc_type_override != PARTIES_DOC_AUTO
                                  ? parties_doc_type_name(c->doc_type_override)
                                  : NULL)) < 0 ||
        (rc = store_bind_int64(s, 13, c->payment_days)) < 0 ||
        (rc = store_bind_text(s, 14, parties_payment_method_name(c->payment_method))) < 0 ||
        (rc = c->has_credit_limit ? store_bind_int64(s, 15, c->credit_limit)
                                  : store_bind_null(s, 15)) < 0 ||
        (rc = store_bind_text(s, 16, c->street)) < 0 ||
        (rc = store_bind_text(s, 17, c->postal_code)) < 0 ||
        (rc = store_bind_text(s, 18, c->city)) < 0 ||
        (rc = parties_bind_opt(s, 19, c->document_email)) < 0 ||
        (rc = store_bind_text(s, 20, c->notes)) < 0 || (rc = store_bind_int64(s, 21, now)) < 0)
        return rc;
    return 0;
}

/*
 * Binds the search form of the customer's name at idx: a space, then the
 * name folded (base/fold.h), so that every word follows a space (column
 * search_fold, migration 0009). fold holds the text until the statement is
 * done.
 */
static int bind_search_fold(struct store_stmt *s, int idx, const struct parties_customer *c,
                            struct kt_buf *fold, struct kt_err *err)
{
    int rc = kt_buf_addc(fold, ' ');
    if (rc < 0)
        return kt_err_set(err, rc, "customer %s: no memory for the search text.", c->code);
    if ((rc = kt_fold(c->name, strlen(c->name), 0, fold, err)) < 0)
        return kt_err_prefix(err, "customer %s: name", c->code);
    if ((rc = store_bind_text(s, idx, kt_buf_str(fold))) < 0)
        return parties_bind_failed(err, rc, "the customer's search text");
    return 0;
}

/* ---- create ---- */

static int create_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct parties_customer *c = ctx;
    struct store_stmt *s = NULL;
    struct kt_buf fold;
    int64_t now = parties_now_ms();
    int rc;

    kt_buf_init(&fold, 4 * PARTIES_NAME_MAX);
    if ((rc = code_free(st, c->code, 0, err)) < 0)
        goto out;
    rc = store_prepare(st,
                       "INSERT INTO customers (code, name, tax_id_kind, tax_id, regon, country, "
                       "lang, lang_override, currency, currency_override, document_type, "
                       "document_type_override, payment_days, payment_method, credit_limit, "
                       "street, postal_code, city, document_email, notes, active, created_at, "
                       "updated_at, version, search_fold) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                       "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?22, ?21, "
                       "?21, 1, ?23) RETURNING id",
                       &s, err);
    if (rc < 0)
        goto out;
    if ((rc = bind_customer(s, c, now)) < 0 || (rc = store_bind_int64(s, 22, c->active)) < 0) {
        rc = parties_bind_failed(err, rc, "the customer insert");
        goto out;
    }
    if ((rc = bind_search_fold(s, 23, c, &fold, err)) < 0)
        goto out;
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc != STORE_ROW) {
        rc = kt_err_set(err, KT_EINTERNAL, "customer %s: the insert returned no id.", c->code);
        goto out;
    }
    c->id = store_col_int64(s, 0);
    c->version = 1;
    c->created_at = now;
    c->updated_at = now;
    store_stmt_done(s);
    s = NULL;
    rc = parties_emit(st, "customer.changed", "customer_id", c->id, c->code, "created", err);
out:
    store_stmt_done(s);
    kt_buf_release(&fold);
    return rc;
}

int parties_customer_create(struct store *st, struct parties_customer *c, struct kt_err *err)
{
    struct parties_customer work = *c;
    int rc;

    work.active = c->active ? 1 : 0;
    if ((rc = customer_check(&work, err)) < 0)
        return rc;
    rc = parties_tx(st, create_tx, &work, err);
    if (rc == 0)
        *c = work;
    return rc;
}

/* ---- update ---- */

/*
 * After a versioned write touched no row: KT_ENOTFOUND when the customer is
 * gone, else KT_ECONFLICT (someone else wrote a newer version).
 */
static int stale_or_missing(struct store *st, int64_t id, const char *code, struct kt_err *err)
{
    struct parties_customer cur;
    int rc = parties_customer_get(st, id, &cur, err);
    if (rc < 0)
        return rc;
    kt_err_set(err, KT_ECONFLICT,
               "customer %s was changed by someone else (now version %lld); reload it and try "
               "again.",
               code != NULL && code[0] != '\0' ? code : cur.code, (long long)cur.version);
    return PARTIES_STALE;
}

static int update_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct parties_customer *c = ctx;
    struct store_stmt *s = NULL;
    struct kt_buf fold;
    int64_t now = parties_now_ms();
    int rc;

    kt_buf_init(&fold, 4 * PARTIES_NAME_MAX);
    if ((rc = code_free(st, c->code, c->id, err)) < 0)
        goto out;
    rc = store_prepare(st,
                       "UPDATE customers SET code = ?1, name = ?2, tax_id_kind = ?3, tax_id = ?4, "
                       "regon = ?5, country = ?6, lang = ?7, lang_override = ?8, currency = ?9, "
                       "currency_override = ?10, document_type = ?11, "
                       "document_type_override = ?12, payment_days = ?13, payment_method = ?14, "
                       "credit_limit = ?15, street = ?16, postal_code = ?17, city = ?18, "
                       "document_email = ?19, notes = ?20, updated_at = ?21, search_fold = ?24, "
                       "version = version + 1 WHERE id = ?22 AND version = ?23 "
                       "RETURNING version, active, created_at",
                       &s, err);
    if (rc < 0)
        goto out;
    if ((rc = bind_customer(s, c, now)) < 0 || (rc = store_bind_int64(s, 22, c->id)) < 0 ||
        (rc = store_bind_int64(s, 23, c->version)) < 0) {
        rc = parties_bind_failed(err, rc, "the customer update");
        goto out;
    }
    if ((rc = bind_search_fold(s, 24, c, &fold, err)) < 0)
        goto out;
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc == STORE_DONE) {
        store_stmt_done(s);
        s = NULL;
        rc = stale_or_missing(st, c->id, c->code, err);
        goto out;
    }
    c->version = store_col_int64(s, 0);
    c->active = store_col_int64(s, 1) != 0;
    c->created_at = store_col_int64(s, 2);
    c->updated_at = now;
    store_stmt_done(s);
    s = NULL;
    rc = parties_emit(st, "customer.changed", "customer_id", c->id, c->code, "updated", err);
out:
    store_stmt_done(s);
    kt_buf_release(&fold);
    return rc;
}

int parties_customer_update(struct store *st, struct parties_customer *c, struct kt_err *err)
{
    struct parties_customer work = *c;
    int rc;

    if (c->id <= 0)
        return kt_err_set(err, KT_EINVAL, "customer %s: no id to update (create it first).",
                          c->code);
    if ((rc = customer_check(&work, err)) < 0)
        return rc;
    rc = parties_tx(st, update_tx, &work, err);
    if (rc == 0)
        *c = work;
    return rc;
}

struct active_ctx {
    int64_t id;
    int active;
};

static int set_active_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct active_ctx *a = ctx;
    struct store_stmt *s = NULL;
    char code[PARTIES_CODE_MAX + 1];
    int rc = store_prepare(st,
                           "UPDATE customers SET active = ?2, updated_at = ?3, "
                           "version = version + 1 WHERE id = ?1 RETURNING code",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, a->id)) < 0 || (rc = store_bind_int64(s, 2, a->active)) < 0 ||
        (rc = store_bind_int64(s, 3, parties_now_ms())) < 0) {
        rc = parties_bind_failed(err, rc, "the customer activation");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND, "customer #%lld: no such customer.", (long long)a->id);
        goto out;
    }
    parties_col_copy(s, 0, code, sizeof code);
    store_stmt_done(s);
    s = NULL;
    rc = parties_emit(st, "customer.changed", "customer_id", a->id, code,
                      a->active ? "activated" : "deactivated", err);
out:
    store_stmt_done(s);
    return rc;
}

int parties_customer_set_active(struct store *st, int64_t id, int active, struct kt_err *err)
{
    struct active_ctx a = {.id = id, .active = active ? 1 : 0};
    return parties_tx(st, set_active_tx, &a, err);
}

/* ---- list ---- */

/* Appends s to out as a LIKE prefix pattern: % _ and \ escaped with \. */
static int like_prefix(const char *s, struct kt_buf *out)
{
    int rc = 0;
    for (; *s != '\0' && rc == 0; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            rc = kt_buf_addc(out, '\\');
        if (rc == 0)
            rc = kt_buf_addc(out, *s);
    }
    return rc != 0 ? rc : kt_buf_addc(out, '%');
}

/* The WHERE clause shared by the page and the count: ?1 search given,
 * ?2 folded code prefix ('zolw%'), ?3 folded word start ('% zolw%') matched
 * against search_fold (" " + the folded name), ?4 tax id prefix, ?5 country
 * ('' = any), ?6 include inactive. Codes are ASCII letters, digits and
 * . _ - / only, so lower(code) is their folded form on both databases. */
#define LIST_WHERE                                                                                 \
    " FROM customers WHERE (?1 = 0 OR lower(code) LIKE ?2 ESCAPE '\\' "                            \
    "OR search_fold LIKE ?3 ESCAPE '\\' OR tax_id LIKE ?4 ESCAPE '\\') "                           \
    "AND (?5 = '' OR country = ?5) AND (?6 = 1 OR active = 1)"

static int bind_list(struct store_stmt *s, const struct parties_customer_query *q,
                     const char *name_pat, const char *tax_pat, const char *country)
{
    int rc;
    int searching = q->search != NULL && q->search[0] != '\0';
    /* name_pat is "% " + the code pattern: one buffer serves both */
    if ((rc = store_bind_int64(s, 1, searching)) < 0 ||
        (rc = store_bind_text(s, 2, name_pat + 2)) < 0 ||
        (rc = store_bind_text(s, 3, name_pat)) < 0 || (rc = store_bind_text(s, 4, tax_pat)) < 0 ||
        (rc = store_bind_text(s, 5, country)) < 0 ||
        (rc = store_bind_int64(s, 6, q->include_inactive ? 1 : 0)) < 0)
        return rc;
    return 0;
}

int parties_customer_list(struct store *st, const struct parties_customer_query *q,
                          struct kt_arena *arena, struct parties_customer **out, size_t *n,
                          int64_t *total, struct kt_err *err)
{
    struct kt_buf fold, name_pat, tax_pat;
    struct store_stmt *s = NULL;
    struct parties_customer *items = NULL;
    char country[3] = "";
    char tax_norm[PARTIES_TAX_ID_MAX + 1];
    int64_t limit = q->limit == 0 ? LIST_DEFAULT_LIMIT : q->limit;
    size_t count = 0;
    const char *search = q->search != NULL ? q->search : "";
    int rc;

    kt_buf_init(&fold, 1024);
    kt_buf_init(&name_pat, 1024);
    kt_buf_init(&tax_pat, 1024);
    *out = NULL;
    *n = 0;
    if (limit < 1 || limit > LIST_MAX_LIMIT || q->offset < 0) {
        rc = kt_err_set(err, KT_EINVAL, "customer list: limit must be 1 to %d and offset >= 0.",
                        LIST_MAX_LIMIT);
        goto out;
    }
    if (q->country != NULL && q->country[0] != '\0') {
        const struct parties_country *c;
        if ((rc = parties_country_get(q->country, &c, err)) < 0)
            goto out;
        memcpy(country, c->code, 3);
    }
    /* A tax id is stored without separators: search for it the same way;
     * a term that cannot be a tax id still searches code and name. */
    if (kt_normalize_tax_id(search, tax_norm, sizeof tax_norm, NULL) < 0)
        kt_strlcpy(tax_norm, search, sizeof tax_norm);
    if (strncmp(tax_norm, "PL", 2) == 0 && tax_norm[2] >= '0' && tax_norm[2] <= '9')
        memmove(tax_norm, tax_norm + 2, strlen(tax_norm + 2) + 1); /* NIP stored without PL */
    if ((rc = kt_fold(search, strlen(search), 0, &fold, err)) < 0) {
        kt_err_prefix(err, "customer search");
        goto out;
    }
    if (kt_buf_adds(&name_pat, "% ") < 0 || like_prefix(kt_buf_str(&fold), &name_pat) < 0 ||
        like_prefix(tax_norm, &tax_pat) < 0) {
        rc = kt_err_set(err, KT_EINVAL, "customer list: the search text is too long.");
        goto out;
    }

    if (total != NULL) {
        if ((rc = store_prepare(st, "SELECT count(*)" LIST_WHERE, &s, err)) < 0)
            goto out;
        if ((rc = bind_list(s, q, kt_buf_str(&name_pat), kt_buf_str(&tax_pat), country)) < 0) {
            rc = parties_bind_failed(err, rc, "the customer count");
            goto out;
        }
        if ((rc = store_step(s, err)) < 0)
            goto out;
        *total = rc == STORE_ROW ? store_col_int64(s, 0) : 0;
        store_stmt_done(s);
        s = NULL;
    }

    items = kt_arena_alloc(arena, sizeof *items * (size_t)limit);
    if (items == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "customer list: out of memory for %lld rows.",
                        (long long)limit);
        goto out;
    }
    rc = store_prepare(
        st, "SELECT " CUSTOMER_COLUMNS LIST_WHERE " ORDER BY code LIMIT ?7 OFFSET ?8", &s, err);
    if (rc < 0)
        goto out;
    if ((rc = bind_list(s, q, kt_buf_str(&name_pat), kt_buf_str(&tax_pat), country)) < 0 ||
        (rc = store_bind_int64(s, 7, limit)) < 0 || (rc = store_bind_int64(s, 8, q->offset)) < 0) {
        rc = parties_bind_failed(err, rc, "the customer list");
        goto out;
    }
    while ((rc = store_step(s, err)) == STORE_ROW && count < (size_t)limit)
        read_customer(s, &items[count++]);
    if (rc < 0)
        goto out;
    rc = 0;
    *out = items;
    *n = count;
out:
    store_stmt_done(s);
    kt_buf_release(&fold);
    kt_buf_release(&name_pat);
    kt_buf_release(&tax_pat);
    return rc;
}

/* ---- sub-records: addresses, contacts, bank accounts ---- */

/* What every sub-record write knows about its customer. */
struct owner {
    int64_t id;
    int64_t version; /* expected; 0 = any */
    char code[PARTIES_CODE_MAX + 1];
    char country[3];
};

/* Loads the owner's code and country and checks its version (read before
 * the change so that a bad field is reported without writing anything). */
static int owner_load(struct store *st, struct owner *o, struct kt_err *err)
{
    struct parties_customer c;
    int rc = parties_customer_get(st, o->id, &c, err);
    if (rc < 0)
        return rc;
    kt_strlcpy(o->code, c.code, sizeof o->code);
    memcpy(o->country, c.country, sizeof o->country);
    if (o->version != 0 && o->version != c.version) {
        kt_err_set(err, KT_ECONFLICT,
                   "customer %s was changed by someone else (now version %lld); reload it and "
                   "try again.",
                   c.code, (long long)c.version);
        return PARTIES_STALE;
    }
    return 0;
}

/* Bumps the owner's version (conditionally on the expected one) and emits
 * customer.changed with `change`; *new_version gets the new version. */
static int owner_touch(struct store *st, const struct owner *o, const char *change,
                       int64_t *new_version, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "UPDATE customers SET version = version + 1, updated_at = ?3 "
                           "WHERE id = ?1 AND (?2 = 0 OR version = ?2) RETURNING version",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, o->id)) < 0 || (rc = store_bind_int64(s, 2, o->version)) < 0 ||
        (rc = store_bind_int64(s, 3, parties_now_ms())) < 0) {
        rc = parties_bind_failed(err, rc, "the customer version update");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc == STORE_DONE) {
        store_stmt_done(s);
        s = NULL;
        rc = stale_or_missing(st, o->id, o->code, err);
        goto out;
    }
    if (new_version != NULL)
        *new_version = store_col_int64(s, 0);
    store_stmt_done(s);
    s = NULL;
    rc = parties_emit(st, "customer.changed", "customer_id", o->id, o->code, change, err);
out:
    store_stmt_done(s);
    return rc;
}

/* Runs a statement expected to change exactly one row of the owner's
 * sub-records; 0 rows -> KT_ENOTFOUND "customer K001: no <what> N.". */
static int exec_one(struct store *st, struct store_stmt *s, const struct owner *o, const char *what,
                    int64_t rec_id, struct kt_err *err)
{
    int rc = store_step(s, err);
    if (rc < 0)
        return rc;
    if (store_changes(st) == 0)
        return kt_err_set(err, KT_ENOTFOUND, "customer %s: no %s #%lld.", o->code, what,
                          (long long)rec_id);
    return 0;
}

/* 1 when the SQL (with ?1 customer, ?2 value, ?3 own id) finds a row. */
static int exists(struct store *st, const char *sql, int64_t customer_id, const char *value,
                  int64_t self, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, customer_id)) < 0 || (rc = store_bind_text(s, 2, value)) < 0 ||
        (rc = store_bind_int64(s, 3, self)) < 0) {
        rc = parties_bind_failed(err, rc, "a duplicate check");
        goto out;
    }
    rc = store_step(s, err);
    if (rc >= 0)
        rc = rc == STORE_ROW;
out:
    store_stmt_done(s);
    return rc;
}

/* Runs a count query with ?1 = customer id. */
static int count_for(struct store *st, const char *sql, int64_t customer_id, int64_t *count,
                     struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, customer_id)) < 0) {
        rc = parties_bind_failed(err, rc, "a count");
        goto out;
    }
    if ((rc = store_step(s, err)) < 0)
        goto out;
    *count = rc == STORE_ROW ? store_col_int64(s, 0) : 0;
    rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/* One add or update of a sub-record (address, contact or bank account) in
 * a transaction: rec points to a copy of the caller's record that the
 * transaction normalises and gives an id. */
struct sub_write {
    struct owner o;
    void *rec;
    int adding;
    int64_t new_version; /* the owner's, after the write */
};

/*
 * Ends an add or update of a sub-record of x->o: steps *s, prepared and
 * bound, which is an INSERT ... RETURNING id when adding (the id goes to
 * *id) or an UPDATE of the one row *id; finishes it (*s = NULL) and bumps
 * the owner's version with the customer.changed `change`.
 */
static int sub_write_end(struct store *st, struct store_stmt **s, struct sub_write *x,
                         const char *what, int64_t *id, const char *change, struct kt_err *err)
{
    int rc;

    if (x->adding) {
        rc = store_step(*s, err);
        if (rc == STORE_ROW)
            *id = store_col_int64(*s, 0);
        else if (rc >= 0)
            rc = kt_err_set(err, KT_EINTERNAL, "customer %s: the %s insert returned no id.",
                            x->o.code, what);
    } else {
        rc = exec_one(st, *s, &x->o, what, *id, err);
    }
    store_stmt_done(*s);
    *s = NULL;
    if (rc < 0)
        return rc;
    return owner_touch(st, &x->o, change, &x->new_version, err);
}

/*
 * Runs tx, an add or update of the sub-record rec (size bytes) of customer
 * customer_id at its expected version, as one transaction on a copy of rec;
 * rec and *new_version are updated only when it committed.
 */
static int sub_write_run(struct store *st, int (*tx)(struct store *, void *, struct kt_err *),
                         int64_t version, int64_t customer_id, void *rec, size_t size, int adding,
                         int64_t *new_version, struct kt_err *err)
{
    union {
        struct parties_address a;
        struct parties_contact c;
        struct parties_bank_account b;
    } work;
    struct sub_write x = {
        .o = {.id = customer_id, .version = version}, .rec = &work, .adding = adding};
    int rc;

    if (size > sizeof work)
        return kt_err_set(err, KT_EINTERNAL, "customer #%lld: a sub-record of %zu bytes.",
                          (long long)customer_id, size);
    memcpy(&work, rec, size);
    rc = parties_tx(st, tx, &x, err);
    if (rc == 0) {
        memcpy(rec, &work, size);
        if (new_version != NULL)
            *new_version = x.new_version;
    }
    return rc;
}

/* -- addresses -- */

static int address_check(const struct owner *o, struct parties_address *a, struct kt_err *err)
{
    const struct parties_country *country;
    int rc;

    if ((rc = parties_check_text("label", a->label, 1, 0, a->label, sizeof a->label, err)) < 0)
        goto out;
    if ((rc = parties_country_get(has_text(a->country) ? a->country : o->country, &country, err)) <
        0)
        goto out;
    memcpy(a->country, country->code, 3);
    if ((rc = parties_check_text("recipient", a->recipient, 0, 0, a->recipient, sizeof a->recipient,
                                 err)) < 0 ||
        (rc = parties_check_text("street", a->street, 1, 0, a->street, sizeof a->street, err)) <
            0 ||
        (rc = parties_check_text("city", a->city, 1, 0, a->city, sizeof a->city, err)) < 0 ||
        (rc = parties_postal_code_check(country->code, a->postal_code, a->postal_code,
                                        sizeof a->postal_code, err)) < 0)
        goto out;
    a->is_default = a->is_default ? 1 : 0;
    a->customer_id = o->id;
out:
    if (rc < 0)
        kt_err_prefix(err, "customer %s: address \"%.64s\"", o->code, a->label);
    return rc;
}

/* Clears the default flag on the owner's other addresses (before one is
 * made the default: the partial unique index allows only one). */
static int address_clear_default(struct store *st, int64_t customer_id, int64_t keep,
                                 struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "UPDATE customer_addresses SET is_default = 0 "
                           "WHERE customer_id = ?1 AND id <> ?2 AND is_default = 1",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, customer_id)) < 0 || (rc = store_bind_int64(s, 2, keep)) < 0) {
        rc = parties_bind_failed(err, rc, "the default address update");
        goto out;
    }
    rc = store_step(s, err);
    if (rc > 0)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

static int address_write_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct sub_write *x = ctx;
    struct parties_address *a = x->rec;
    struct store_stmt *s = NULL;
    int64_t now = parties_now_ms();
    int rc;

    if ((rc = owner_load(st, &x->o, err)) != 0 || (rc = address_check(&x->o, a, err)) < 0)
        return rc;
    rc = exists(st,
                "SELECT id FROM customer_addresses WHERE customer_id = ?1 AND label = ?2 "
                "AND id <> ?3",
                x->o.id, a->label, x->adding ? 0 : a->id, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return kt_err_set(err, KT_EEXIST, "customer %s: there already is an address labelled %s.",
                          x->o.code, a->label);
    if (x->adding) {
        /* The first delivery address is the default one. */
        int64_t have = 0;
        rc = count_for(st, "SELECT count(*) FROM customer_addresses WHERE customer_id = ?1",
                       x->o.id, &have, err);
        if (rc < 0)
            return rc;
        if (have == 0)
            a->is_default = 1;
    }
    if (a->is_default && (rc = address_clear_default(st, x->o.id, x->adding ? 0 : a->id, err)) < 0)
        return rc;
    if (x->adding)
        rc = store_prepare(st,
                           "INSERT INTO customer_addresses (customer_id, label, recipient, street, "
                           "postal_code, city, country, is_default, created_at, updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) RETURNING id",
                           &s, err);
    else
        rc = store_prepare(st,
                           "UPDATE customer_addresses SET label = ?2, recipient = ?3, street = ?4, "
                           "postal_code = ?5, city = ?6, country = ?7, is_default = ?8, "
                           "updated_at = ?9 WHERE customer_id = ?1 AND id = ?10",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, x->o.id)) < 0 || (rc = store_bind_text(s, 2, a->label)) < 0 ||
        (rc = store_bind_text(s, 3, a->recipient)) < 0 ||
        (rc = store_bind_text(s, 4, a->street)) < 0 ||
        (rc = store_bind_text(s, 5, a->postal_code)) < 0 ||
        (rc = store_bind_text(s, 6, a->city)) < 0 || (rc = store_bind_text(s, 7, a->country)) < 0 ||
        (rc = store_bind_int64(s, 8, a->is_default)) < 0 ||
        (rc = store_bind_int64(s, 9, now)) < 0 ||
        (!x->adding && (rc = store_bind_int64(s, 10, a->id)) < 0)) {
        rc = parties_bind_failed(err, rc, "the address write");
        goto out;
    }
    rc = sub_write_end(st, &s, x, "delivery address", &a->id,
                       x->adding ? "address.added" : "address.updated", err);
out:
    store_stmt_done(s);
    return rc;
}

int parties_address_add(struct store *st, int64_t version, struct parties_address *a,
                        int64_t *new_version, struct kt_err *err)
{
    return sub_write_run(st, address_write_tx, version, a->customer_id, a, sizeof *a, 1,
                         new_version, err);
}

int parties_address_update(struct store *st, int64_t version, struct parties_address *a,
                           int64_t *new_version, struct kt_err *err)
{
    return sub_write_run(st, address_write_tx, version, a->customer_id, a, sizeof *a, 0,
                         new_version, err);
}

/* Removal of any sub-record: ?1 customer id, ?2 record id. */
struct remove_ctx {
    struct owner o;
    const char *sql;
    const char *what;
    const char *change;
    int64_t rec_id;
    int64_t new_version;
};

static int remove_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct remove_ctx *x = ctx;
    struct store_stmt *s = NULL;
    int rc;

    if ((rc = owner_load(st, &x->o, err)) != 0)
        return rc;
    if ((rc = store_prepare(st, x->sql, &s, err)) < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, x->o.id)) < 0 ||
        (rc = store_bind_int64(s, 2, x->rec_id)) < 0) {
        rc = parties_bind_failed(err, rc, "the removal");
        goto out;
    }
    if ((rc = exec_one(st, s, &x->o, x->what, x->rec_id, err)) < 0)
        goto out;
    store_stmt_done(s);
    s = NULL;
    rc = owner_touch(st, &x->o, x->change, &x->new_version, err);
out:
    store_stmt_done(s);
    return rc;
}

static int remove_record(struct store *st, int64_t version, int64_t customer_id, int64_t rec_id,
                         const char *sql, const char *what, const char *change,
                         int64_t *new_version, struct kt_err *err)
{
    struct remove_ctx x = {.o = {.id = customer_id, .version = version},
                           .sql = sql,
                           .what = what,
                           .change = change,
                           .rec_id = rec_id};
    int rc = parties_tx(st, remove_tx, &x, err);
    if (rc == 0 && new_version != NULL)
        *new_version = x.new_version;
    return rc;
}

int parties_address_remove(struct store *st, int64_t version, int64_t customer_id,
                           int64_t address_id, int64_t *new_version, struct kt_err *err)
{
    return remove_record(st, version, customer_id, address_id,
                         "DELETE FROM customer_addresses WHERE customer_id = ?1 AND id = ?2",
                         "delivery address", "address.removed", new_version, err);
}

/*
 * Runs a per-customer list query (?1 = customer id), calling read for each
 * row into an arena array of elements of `size` bytes. The customer must
 * exist (KT_ENOTFOUND otherwise), so an empty list means "has none".
 */
static int list_rows(struct store *st, int64_t customer_id, const char *count_sql, const char *sql,
                     size_t size, void (*read)(struct store_stmt *, void *), struct kt_arena *arena,
                     void **out, size_t *n, struct kt_err *err)
{
    struct parties_customer c;
    struct store_stmt *s = NULL;
    int64_t count = 0;
    size_t got = 0;
    char *items = NULL;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = parties_customer_get(st, customer_id, &c, err)) < 0)
        return rc;
    if ((rc = count_for(st, count_sql, customer_id, &count, err)) < 0)
        return rc;
    if (count == 0)
        return 0;
    items = kt_arena_zalloc(arena, size * (size_t)count);
    if (items == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "customer %s: out of memory for %lld records.", c.code,
                        (long long)count);
        goto out;
    }
    if ((rc = store_prepare(st, sql, &s, err)) < 0)
        goto out;
    if ((rc = store_bind_int64(s, 1, customer_id)) < 0) {
        rc = parties_bind_failed(err, rc, "a list");
        goto out;
    }
    while ((rc = store_step(s, err)) == STORE_ROW && got < (size_t)count)
        read(s, items + size * got++);
    if (rc < 0)
        goto out;
    rc = 0;
    *out = items;
    *n = got;
out:
    store_stmt_done(s);
    return rc;
}

static void read_address(struct store_stmt *s, void *p)
{
    struct parties_address *a = p;
    a->id = store_col_int64(s, 0);
    a->customer_id = store_col_int64(s, 1);
    parties_col_copy(s, 2, a->label, sizeof a->label);
    parties_col_copy(s, 3, a->recipient, sizeof a->recipient);
    parties_col_copy(s, 4, a->street, sizeof a->street);
    parties_col_copy(s, 5, a->postal_code, sizeof a->postal_code);
    parties_col_copy(s, 6, a->city, sizeof a->city);
    parties_col_copy(s, 7, a->country, sizeof a->country);
    a->is_default = store_col_int64(s, 8) != 0;
}

int parties_address_list(struct store *st, int64_t customer_id, struct kt_arena *arena,
                         struct parties_address **out, size_t *n, struct kt_err *err)
{
    void *items;
    int rc =
        list_rows(st, customer_id, "SELECT count(*) FROM customer_addresses WHERE customer_id = ?1",
                  "SELECT id, customer_id, label, recipient, street, postal_code, city, "
                  "country, is_default FROM customer_addresses WHERE customer_id = ?1 "
                  "ORDER BY is_default DESC, label",
                  sizeof **out, read_address, arena, &items, n, err);
    *out = items;
    return rc;
}

/* -- contacts -- */

static int contact_check(const struct owner *o, struct parties_contact *c, struct kt_err *err)
{
    int rc;

    if ((rc = parties_check_text("name", c->name, 1, 0, c->name, sizeof c->name, err)) < 0 ||
        (rc = parties_check_text("role", c->role, 0, 0, c->role, sizeof c->role, err)) < 0)
        goto out;
    if (has_text(c->email)) {
        if ((rc = parties_check_email("e-mail", c->email, c->email, sizeof c->email, err)) < 0)
            goto out;
    } else {
        c->email[0] = '\0';
    }
    if (has_text(c->phone)) {
        if ((rc = parties_check_phone(c->phone, c->phone, sizeof c->phone, err)) < 0)
            goto out;
    } else {
        c->phone[0] = '\0';
    }
    c->customer_id = o->id;
out:
    if (rc < 0)
        kt_err_prefix(err, "customer %s: contact \"%.60s\"", o->code, c->name);
    return rc;
}

static int contact_write_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct sub_write *x = ctx;
    struct parties_contact *c = x->rec;
    struct store_stmt *s = NULL;
    int rc;

    if ((rc = owner_load(st, &x->o, err)) != 0 || (rc = contact_check(&x->o, c, err)) < 0)
        return rc;
    if (x->adding)
        rc = store_prepare(st,
                           "INSERT INTO customer_contacts (customer_id, name, email, phone, role, "
                           "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) "
                           "RETURNING id",
                           &s, err);
    else
        rc = store_prepare(st,
                           "UPDATE customer_contacts SET name = ?2, email = ?3, phone = ?4, "
                           "role = ?5, updated_at = ?6 WHERE customer_id = ?1 AND id = ?7",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, x->o.id)) < 0 || (rc = store_bind_text(s, 2, c->name)) < 0 ||
        (rc = parties_bind_opt(s, 3, c->email)) < 0 ||
        (rc = parties_bind_opt(s, 4, c->phone)) < 0 || (rc = store_bind_text(s, 5, c->role)) < 0 ||
        (rc = store_bind_int64(s, 6, parties_now_ms())) < 0 ||
        (!x->adding && (rc = store_bind_int64(s, 7, c->id)) < 0)) {
        rc = parties_bind_failed(err, rc, "the contact write");
        goto out;
    }
    rc = sub_write_end(st, &s, x, "contact", &c->id,
                       x->adding ? "contact.added" : "contact.updated", err);
out:
    store_stmt_done(s);
    return rc;
}

int parties_contact_add(struct store *st, int64_t version, struct parties_contact *c,
                        int64_t *new_version, struct kt_err *err)
{
    return sub_write_run(st, contact_write_tx, version, c->customer_id, c, sizeof *c, 1,
                         new_version, err);
}

int parties_contact_update(struct store *st, int64_t version, struct parties_contact *c,
                           int64_t *new_version, struct kt_err *err)
{
    return sub_write_run(st, contact_write_tx, version, c->customer_id, c, sizeof *c, 0,
                         new_version, err);
}

int parties_contact_remove(struct store *st, int64_t version, int64_t customer_id,
                           int64_t contact_id, int64_t *new_version, struct kt_err *err)
{
    return remove_record(st, version, customer_id, contact_id,
                         "DELETE FROM customer_contacts WHERE customer_id = ?1 AND id = ?2",
                         "contact", "contact.removed", new_version, err);
}

static void read_contact(struct store_stmt *s, void *p)
{
    struct parties_contact *c = p;
    c->id = store_col_int64(s, 0);
    c->customer_id = store_col_int64(s, 1);
    parties_col_copy(s, 2, c->name, sizeof c->name);
    parties_col_copy(s, 3, c->email, sizeof c->email);
    parties_col_copy(s, 4, c->phone, sizeof c->phone);
    parties_col_copy(s, 5, c->role, sizeof c->role);
}

int parties_contact_list(struct store *st, int64_t customer_id, struct kt_arena *arena,
                         struct parties_contact **out, size_t *n, struct kt_err *err)
{
    void *items;
    int rc =
        list_rows(st, customer_id, "SELECT count(*) FROM customer_contacts WHERE customer_id = ?1",
                  "SELECT id, customer_id, name, email, phone, role FROM customer_contacts "
                  "WHERE customer_id = ?1 ORDER BY name, id",
                  sizeof **out, read_contact, arena, &items, n, err);
    *out = items;
    return rc;
}

/* -- bank accounts -- */

static int bank_add_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct sub_write *x = ctx;
    struct parties_bank_account *b = x->rec;
    struct store_stmt *s = NULL;
    int rc;

    if ((rc = owner_load(st, &x->o, err)) != 0)
        return rc;
    if ((rc = parties_check_iban(b->iban, b->iban, sizeof b->iban, err)) < 0 ||
        (rc = parties_check_text("bank name", b->bank_name, 0, 0, b->bank_name, sizeof b->bank_name,
                                 err)) < 0)
        return kt_err_prefix(err, "customer %s: bank account", x->o.code);
    b->customer_id = x->o.id;
    rc = exists(st,
                "SELECT id FROM customer_bank_accounts WHERE customer_id = ?1 AND iban = ?2 "
                "AND id <> ?3",
                x->o.id, b->iban, 0, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return kt_err_set(err, KT_EEXIST, "customer %s: bank account %s is already there.",
                          x->o.code, b->iban);
    rc = store_prepare(st,
                       "INSERT INTO customer_bank_accounts (customer_id, iban, bank_name, "
                       "created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                       &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, x->o.id)) < 0 || (rc = store_bind_text(s, 2, b->iban)) < 0 ||
        (rc = store_bind_text(s, 3, b->bank_name)) < 0 ||
        (rc = store_bind_int64(s, 4, parties_now_ms())) < 0) {
        rc = parties_bind_failed(err, rc, "the bank account insert");
        goto out;
    }
    rc = sub_write_end(st, &s, x, "bank account", &b->id, "bank_account.added", err);
out:
    store_stmt_done(s);
    return rc;
}

int parties_bank_account_add(struct store *st, int64_t version, struct parties_bank_account *b,
                             int64_t *new_version, struct kt_err *err)
{
    return sub_write_run(st, bank_add_tx, version, b->customer_id, b, sizeof *b, 1, new_version,
                         err);
}

int parties_bank_account_remove(struct store *st, int64_t version, int64_t customer_id,
                                int64_t account_id, int64_t *new_version, struct kt_err *err)
{
    return remove_record(st, version, customer_id, account_id,
                         "DELETE FROM customer_bank_accounts WHERE customer_id = ?1 AND id = ?2",
                         "bank account", "bank_account.removed", new_version, err);
}

static void read_bank(struct store_stmt *s, void *p)
{
    struct parties_bank_account *b = p;
    b->id = store_col_int64(s, 0);
    b->customer_id = store_col_int64(s, 1);
    parties_col_copy(s, 2, b->iban, sizeof b->iban);
    parties_col_copy(s, 3, b->bank_name, sizeof b->bank_name);
}

int parties_bank_account_list(struct store *st, int64_t customer_id, struct kt_arena *arena,
                              struct parties_bank_account **out, size_t *n, struct kt_err *err)
{
    void *items;
    int rc = list_rows(st, customer_id,
                       "SELECT count(*) FROM customer_bank_accounts WHERE customer_id = ?1",
                       "SELECT id, customer_id, iban, bank_name FROM customer_bank_accounts "
                       "WHERE customer_id = ?1 ORDER BY id",
                       sizeof **out, read_bank, arena, &items, n, err);
    *out = items;
    return rc;
}

int parties_customer_find_by_iban(struct store *st, const char *iban, struct parties_customer *out,
                                  struct kt_err *err)
{
    char norm[PARTIES_IBAN_MAX + 1];
    struct store_stmt *s = NULL;
    struct kt_buf codes;
    int64_t first = 0;
    int found = 0;
    int rc;

    kt_buf_init(&codes, 1024);
    if ((rc = parties_check_iban(iban, norm, sizeof norm, err)) < 0)
        goto out;
    rc = store_prepare(st,
                       "SELECT c.id, c.code FROM customer_bank_accounts b "
                       "JOIN customers c ON c.id = b.customer_id WHERE b.iban = ?1 "
                       "ORDER BY c.code LIMIT ?2",
                       &s, err);
    if (rc < 0)
        goto out;
    if ((rc = store_bind_text(s, 1, norm)) < 0 ||
        (rc = store_bind_int64(s, 2, FIND_IBAN_SHOWN + 1)) < 0) {
        rc = parties_bind_failed(err, rc, "the IBAN lookup");
        goto out;
    }
    while ((rc = store_step(s, err)) == STORE_ROW) {
        const char *code = store_col_text(s, 1);
        if (found == 0)
            first = store_col_int64(s, 0);
        if (found < FIND_IBAN_SHOWN)
            kt_buf_printf(&codes, "%s%s", found > 0 ? ", " : "", code != NULL ? code : "?");
        found++;
    }
    if (rc < 0)
        goto out;
    store_stmt_done(s);
    s = NULL;
    if (found == 0) {
        rc = kt_err_set(err, KT_ENOTFOUND, "IBAN %s: no customer has this bank account.", norm);
        goto out;
    }
    if (found > 1) {
        rc = kt_err_set(err, KT_ECONFLICT,
                        "IBAN %s: belongs to several customers (%s%s); decide which one paid.",
                        norm, kt_buf_str(&codes), found > FIND_IBAN_SHOWN ? ", …" : "");
        goto out;
    }
    rc = parties_customer_get(st, first, out, err);
out:
    store_stmt_done(s);
    kt_buf_release(&codes);
    return rc;
}
