#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/money.h"
#include "base/validate.h"
#include "exchange/internal.h"
#include "parties/customer.h"
#include "base/banned.h"

/*
 * customers: the main fields and the billing address. lang, currency and
 * doc_type are the overrides: empty means "derived from the country and
 * the VAT id" (parties_customer_defaults), so a round trip keeps them
 * derived. credit_limit is in the customer's currency, empty for none.
 */
enum {
    C_CODE,
    C_NAME,
    C_TAX_ID,
    C_REGON,
    C_COUNTRY,
    C_LANG,
    C_CURRENCY,
    C_DOC_TYPE,
    C_PAYMENT_DAYS,
    C_PAYMENT_METHOD,
    C_CREDIT_LIMIT,
    C_STREET,
    C_POSTAL_CODE,
    C_CITY,
    C_EMAIL,
    C_NOTES,
    C_ACTIVE,
    C_COUNT
};

static const struct exchange_column columns[C_COUNT] = {
    [C_CODE] = {"code", 1},
    [C_NAME] = {"name", 0},
    [C_TAX_ID] = {"tax_id", 0},
    [C_REGON] = {"regon", 0},
    [C_COUNTRY] = {"country", 0},
    [C_LANG] = {"lang", 0},
    [C_CURRENCY] = {"currency", 0},
    [C_DOC_TYPE] = {"doc_type", 0},
    [C_PAYMENT_DAYS] = {"payment_days", 0},
    [C_PAYMENT_METHOD] = {"payment_method", 0},
    [C_CREDIT_LIMIT] = {"credit_limit", 0},
    [C_STREET] = {"street", 0},
    [C_POSTAL_CODE] = {"postal_code", 0},
    [C_CITY] = {"city", 0},
    [C_EMAIL] = {"email", 0},
    [C_NOTES] = {"notes", 0},
    [C_ACTIVE] = {"active", 0},
};

static int cust_open(struct exchange_run *run, void **state, struct kt_err *err)
{
    (void)run;
    (void)err;
    *state = NULL;
    return 0;
}

/* Copies a column's text into a fixed field; too long is a rejection. */
static int put(const struct exchange_row *row, size_t c, char *dst, size_t n, struct kt_err *err)
{
    if (!exchange_has(row, c))
        return 0;
    if (kt_strlcpy(dst, exchange_get(row, c), n) != 0)
        return kt_err_set(err, KT_EINVAL, "%s: longer than %zu bytes", columns[c].name, n - 1);
    return 0;
}

/* Drops "customer CODE: " from a parties message: the report names the row. */
static int domain_reason(struct kt_err *err, const struct kt_err *from, const char *code)
{
    char prefix[PARTIES_CODE_MAX + 16];
    snprintf(prefix, sizeof prefix, "customer %s: ", code);
    const char *m = from->msg;
    if (strncmp(m, prefix, strlen(prefix)) == 0)
        m += strlen(prefix);
    char msg[KT_ERR_MSG_MAX];
    kt_strlcpy(msg, m, sizeof msg);
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '.')
        msg[--n] = '\0';
    return kt_err_set(err, from->code, "%s", msg);
}

static int apply(const struct exchange_row *row, struct parties_customer *c, struct kt_err *err)
{
    struct kt_err e;
    int rc;
    if ((rc = put(row, C_NAME, c->name, sizeof c->name, err)) ||
        (rc = put(row, C_REGON, c->regon, sizeof c->regon, err)) ||
        (rc = put(row, C_LANG, c->lang_override, sizeof c->lang_override, err)) ||
        (rc = put(row, C_STREET, c->street, sizeof c->street, err)) ||
        (rc = put(row, C_POSTAL_CODE, c->postal_code, sizeof c->postal_code, err)) ||
        (rc = put(row, C_CITY, c->city, sizeof c->city, err)) ||
        (rc = put(row, C_EMAIL, c->document_email, sizeof c->document_email, err)) ||
        (rc = put(row, C_NOTES, c->notes, sizeof c->notes, err)))
        return rc;
    if (exchange_has(row, C_COUNTRY)) {
        const char *cc = exchange_get(row, C_COUNTRY);
        if (strlen(cc) != 2)
            return kt_err_set(err, KT_EINVAL, "country '%s' must be a two-letter ISO code", cc);
        c->country[0] = (char)(cc[0] & ~0x20);
        c->country[1] = (char)(cc[1] & ~0x20);
        c->country[2] = '\0';
    }
    if (exchange_has(row, C_CURRENCY)) {
        const char *cur = exchange_get(row, C_CURRENCY);
        const struct kt_currency *k;
        if (*cur && kt_money_currency(cur, &k, &e) != 0)
            return exchange_reason(err, KT_EINVAL, "currency", &e);
        kt_strlcpy(c->currency_override, *cur ? k->code : "", sizeof c->currency_override);
    }
    if (exchange_has(row, C_TAX_ID)) {
        const char *t = exchange_get(row, C_TAX_ID);
        char before[PARTIES_TAX_ID_MAX + 1];
        kt_strlcpy(before, c->tax_id, sizeof before);
        c->tax_id[0] = '\0';
        if (*t) {
            char norm[PARTIES_TAX_ID_MAX + 1];
            if (kt_normalize_tax_id(t, norm, sizeof norm, &e) != 0)
                return exchange_reason(err, KT_EINVAL, "tax_id", &e);
            /* a Polish customer's NIP is checked here so the reason names the column */
            if (strcmp(c->country, "PL") == 0) {
                if (kt_valid_nip(norm, &e) != 0)
                    return exchange_reason(err, KT_EINVAL, "tax_id", &e);
                kt_strlcpy(c->tax_id, strncmp(norm, "PL", 2) == 0 ? norm + 2 : norm,
                           sizeof c->tax_id);
            } else {
                kt_strlcpy(c->tax_id, norm, sizeof c->tax_id);
            }
        }
        /* the same id keeps its kind; a new one is worked out by parties */
        if (strcmp(before, c->tax_id) != 0 || !c->tax_id[0])
            c->tax_id_kind = PARTIES_TAX_NONE;
    }
    if (exchange_has(row, C_DOC_TYPE)) {
        const char *d = exchange_get(row, C_DOC_TYPE);
        c->doc_type_override = PARTIES_DOC_AUTO;
        if (*d && parties_doc_type_parse(d, &c->doc_type_override, &e) != 0)
            return exchange_reason(err, KT_EINVAL, "doc_type", &e);
    }
    if (exchange_has(row, C_PAYMENT_DAYS)) {
        int64_t v;
        if (exchange_parse_int(exchange_get(row, C_PAYMENT_DAYS), 0, 365, "payment_days", &v,
                               err) != 0)
            return KT_EINVAL;
        c->payment_days = (int)v;
    }
    if (exchange_has(row, C_PAYMENT_METHOD) &&
        parties_payment_method_parse(exchange_get(row, C_PAYMENT_METHOD), &c->payment_method, &e) !=
            0)
        return exchange_reason(err, KT_EINVAL, "payment_method", &e);
    if (exchange_has(row, C_CREDIT_LIMIT)) {
        const char *t = exchange_get(row, C_CREDIT_LIMIT);
        c->has_credit_limit = *t != '\0';
        c->credit_limit = 0;
        if (*t) {
            char cur[4], lang[3];
            enum parties_doc_type dt;
            if (parties_customer_defaults(c->country, c->tax_id, cur, lang, &dt, &e) != 0)
                return exchange_reason(err, KT_EINVAL, "country", &e);
            int exp = 2;
            if (kt_money_exponent(c->currency_override[0] ? c->currency_override : cur, &exp, &e) !=
                0)
                return exchange_reason(err, KT_EINVAL, "currency", &e);
            if (exchange_parse_fixed(t, exp, "credit_limit", &c->credit_limit, err) != 0)
                return KT_EINVAL;
            if (c->credit_limit < 0)
                return kt_err_set(err, KT_EINVAL, "credit_limit %s must not be negative", t);
        }
    }
    if (exchange_has(row, C_ACTIVE)) {
        int a;
        if (exchange_parse_bool(exchange_get(row, C_ACTIVE), "active", &a, err) != 0)
            return KT_EINVAL;
        c->active = a;
    }
    return 0;
}

static int same(const struct parties_customer *a, const struct parties_customer *b)
{
    return strcmp(a->name, b->name) == 0 && a->tax_id_kind == b->tax_id_kind &&
           strcmp(a->tax_id, b->tax_id) == 0 && strcmp(a->regon, b->regon) == 0 &&
           strcmp(a->country, b->country) == 0 && strcmp(a->lang_override, b->lang_override) == 0 &&
           strcmp(a->currency_override, b->currency_override) == 0 &&
           a->doc_type_override == b->doc_type_override && a->payment_days == b->payment_days &&
           a->payment_method == b->payment_method && a->has_credit_limit == b->has_credit_limit &&
           a->credit_limit == b->credit_limit && strcmp(a->street, b->street) == 0 &&
           strcmp(a->postal_code, b->postal_code) == 0 && strcmp(a->city, b->city) == 0 &&
           strcmp(a->document_email, b->document_email) == 0 && strcmp(a->notes, b->notes) == 0;
}

/* A parties failure: KT_EINVAL is a check before any write, the rest may
 * have failed a statement. */
static int write_failed(struct kt_err *err, const struct kt_err *e, const char *code)
{
    domain_reason(err, e, code);
    return e->code == KT_EINVAL ? EXCHANGE_ROW_REJECT : EXCHANGE_ROW_WRITE_FAILED;
}

static int cust_row(struct exchange_run *run, void *state, struct exchange_row *row,
                    struct kt_err *err)
{
    (void)state;
    struct store *st = exchange_run_store(run);
    const char *code = exchange_get(row, C_CODE);
    struct kt_err e;
    kt_err_clear(&e);
    kt_strlcpy(row->key, code, sizeof row->key);
    if (!*code) {
        kt_err_set(err, KT_EINVAL, "code is empty");
        return EXCHANGE_ROW_REJECT;
    }
    if (strlen(code) > PARTIES_CODE_MAX) {
        kt_err_set(err, KT_EINVAL, "code %s is longer than %d characters", code, PARTIES_CODE_MAX);
        return EXCHANGE_ROW_REJECT;
    }
    int rc = exchange_seen(run, row, "code", code, err);
    if (rc == KT_EEXIST)
        return EXCHANGE_ROW_REJECT;
    if (rc < 0)
        return rc;

    struct parties_customer old, c;
    rc = parties_customer_get_by_code(st, code, &old, &e);
    if (rc < 0 && rc != KT_ENOTFOUND) {
        *err = e;
        return rc;
    }
    int exists = rc == 0;
    if (exists) {
        c = old;
    } else {
        parties_customer_init(&c);
        kt_strlcpy(c.code, code, sizeof c.code);
        if (!exchange_has(row, C_COUNTRY) || !*exchange_get(row, C_COUNTRY)) {
            kt_err_set(err, KT_EINVAL, "country is required for a new customer");
            return EXCHANGE_ROW_REJECT;
        }
    }
    if (apply(row, &c, err) != 0)
        return EXCHANGE_ROW_REJECT;
    if (!exists) {
        rc = parties_customer_create(st, &c, &e);
        if (rc != 0)
            return write_failed(err, &e, code);
        row->outcome = EXCHANGE_CREATED;
        return EXCHANGE_ROW_OK;
    }
    int changed = !same(&old, &c);
    if (changed && (rc = parties_customer_update(st, &c, &e)) != 0)
        return write_failed(err, &e, code);
    if (c.active != old.active) {
        if ((rc = parties_customer_set_active(st, old.id, c.active, &e)) != 0)
            return write_failed(err, &e, code);
        changed = 1;
    }
    row->outcome = changed ? EXCHANGE_UPDATED : EXCHANGE_UNCHANGED;
    return EXCHANGE_ROW_OK;
}

static int cust_export(struct store *st, struct kt_csv_writer *w, long *rows, struct kt_err *err)
{
    const char *hdr[C_COUNT];
    for (size_t i = 0; i < C_COUNT; i++)
        hdr[i] = columns[i].name;
    int rc = kt_csv_write_row(w, hdr, C_COUNT, err);
    struct parties_customer_query q = {.include_inactive = 1, .limit = 500};
    struct kt_buf credit, days;
    kt_buf_init(&credit, 64);
    kt_buf_init(&days, 32);
    while (rc == 0) {
        struct kt_arena arena;
        kt_arena_init(&arena, 0);
        struct parties_customer *list = NULL;
        size_t n = 0;
        rc = parties_customer_list(st, &q, &arena, &list, &n, NULL, err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            const struct parties_customer *c = &list[i];
            kt_buf_reset(&credit);
            kt_buf_reset(&days);
            int exp = 2;
            if (c->has_credit_limit) {
                rc = kt_money_exponent(c->currency, &exp, err);
                if (rc == 0)
                    rc = exchange_format_fixed(&credit, c->credit_limit, exp, exp);
            }
            if (rc == 0)
                rc = kt_buf_printf(&days, "%d", c->payment_days);
            if (rc != 0)
                break;
            const char *f[C_COUNT] = {
                [C_CODE] = c->code,
                [C_NAME] = c->name,
                [C_TAX_ID] = c->tax_id,
                [C_REGON] = c->regon,
                [C_COUNTRY] = c->country,
                [C_LANG] = c->lang_override,
                [C_CURRENCY] = c->currency_override,
                [C_DOC_TYPE] = c->doc_type_override == PARTIES_DOC_AUTO
                                   ? ""
                                   : parties_doc_type_name(c->doc_type_override),
                [C_PAYMENT_DAYS] = kt_buf_str(&days),
                [C_PAYMENT_METHOD] = parties_payment_method_name(c->payment_method),
                [C_CREDIT_LIMIT] = kt_buf_str(&credit),
                [C_STREET] = c->street,
                [C_POSTAL_CODE] = c->postal_code,
                [C_CITY] = c->city,
                [C_EMAIL] = c->document_email,
                [C_NOTES] = c->notes,
                [C_ACTIVE] = c->active ? "1" : "0",
            };
            rc = kt_csv_write_row(w, f, C_COUNT, err);
            if (rc == 0)
                (*rows)++;
        }
        kt_arena_release(&arena);
        if (rc != 0 || n < (size_t)q.limit)
            break;
        q.offset += q.limit;
    }
    kt_buf_release(&credit);
    kt_buf_release(&days);
    return rc;
}

const struct exchange_kind_def exchange_customers_kind = {
    .name = "customers",
    .columns = columns,
    .ncolumns = C_COUNT,
    .open = cust_open,
    .row = cust_row,
    .export = cust_export,
};
