#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/money.h"
#include "catalog/internal.h"
#include "catalog/price.h"
#include "jobs/jobs.h"
#include "base/banned.h"

/* ---- small things ---- */

static const char *const basis_names[] = {[PRICE_BASIS_NET] = "net", [PRICE_BASIS_GROSS] = "gross"};

const char *price_basis_name(enum price_basis b)
{
    return (size_t)b < sizeof basis_names / sizeof basis_names[0] ? basis_names[b] : NULL;
}

int price_basis_parse(const char *text, enum price_basis *b, struct kt_err *err)
{
    for (size_t i = 0; i < sizeof basis_names / sizeof basis_names[0]; i++) {
        if (text && strcasecmp(text, basis_names[i]) == 0) {
            *b = (enum price_basis)i;
            return 0;
        }
    }
    return kt_err_set(err, KT_EINVAL, "price basis '%s' must be net or gross", text ? text : "");
}

static int parse_basis_col(const char *v, enum price_basis *b)
{
    struct kt_err e;
    if (price_basis_parse(v, b, &e) != 0) {
        *b = PRICE_BASIS_NET;
        return KT_ECORRUPT;
    }
    return 0;
}

static int check_code(const char *code, struct kt_err *err)
{
    size_t n = strlen(code);
    if (n == 0)
        return kt_err_set(err, KT_EINVAL, "a price list code is required, e.g. RETAIL");
    if (n > PRICE_LIST_CODE_MAX)
        return kt_err_set(err, KT_EINVAL, "price list code '%.40s...' is longer than %d characters",
                          code, PRICE_LIST_CODE_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)code[i];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.')
            return kt_err_set(err, KT_EINVAL,
                              "price list code '%s' may only hold letters, digits, '-', '_' "
                              "and '.'",
                              code);
    }
    return 0;
}

/* Checks and canonicalises a currency code in place ("eur" -> "EUR"). */
static int check_currency(char cur[4], struct kt_err *err)
{
    const struct kt_currency *c;
    int rc = kt_money_currency(cur, &c, err);
    if (rc == 0)
        kt_strlcpy(cur, c->code, 4);
    return rc;
}

/* "" or a valid "YYYY-MM-DD"; `what` names the field in the message. */
static int check_date(const char *what, const char *d, struct kt_err *err)
{
    kt_date v;
    struct kt_err e;
    if (d[0] == '\0' || kt_date_parse(d, &v, &e) == 0)
        return 0;
    return kt_err_set(err, KT_EINVAL, "%s '%s' is not a date like 2026-11-28", what, d);
}

static int check_validity(const char *from, const char *to, struct kt_err *err)
{
    int rc = check_date("valid from", from, err);
    if (rc == 0)
        rc = check_date("valid to", to, err);
    if (rc == 0 && from[0] && to[0] && strcmp(from, to) > 0)
        rc = kt_err_set(err, KT_EINVAL, "the price is valid to %s, before it is valid from %s", to,
                        from);
    return rc;
}

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

/* ---- price lists ---- */

#define LIST_COLUMNS "id, code, name, currency, basis, is_default, active"

static int read_list(struct store_stmt *s, struct price_list *pl)
{
    pl->id = store_col_int64(s, 0);
    catalog_col_copy(s, 1, pl->code, sizeof pl->code);
    catalog_col_copy(s, 2, pl->name, sizeof pl->name);
    catalog_col_copy(s, 3, pl->currency, sizeof pl->currency);
    pl->is_default = store_col_int64(s, 5) != 0;
    pl->active = store_col_int64(s, 6) != 0;
    return parse_basis_col(store_col_text(s, 4), &pl->basis);
}

/* Clears the default flag of the other lists of `currency`. */
static int clear_default(struct store *st, const char *currency, int64_t keep_id,
                         struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "UPDATE price_lists SET is_default = 0 "
                           "WHERE currency = ?1 AND is_default = 1 AND id <> ?2",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, currency)) != 0 || (rc = store_bind_int64(s, 2, keep_id)) != 0)
        rc = kt_err_set(err, rc, "price: binding failed");
    else
        rc = store_step(s, err);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

struct list_create {
    struct price_list pl;
    int64_t id;
};

static int list_create_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct list_create *c = ctx;
    struct store_stmt *s = NULL;
    int rc = 0;
    if (c->pl.is_default)
        rc = clear_default(st, c->pl.currency, 0, err);
    if (rc != 0)
        return rc;
    rc = store_prepare(st,
                       "INSERT INTO price_lists (code, name, currency, basis, is_default, active) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                       &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, c->pl.code)) != 0 ||
        (rc = store_bind_text(s, 2, c->pl.name)) != 0 ||
        (rc = store_bind_text(s, 3, c->pl.currency)) != 0 ||
        (rc = store_bind_text(s, 4, price_basis_name(c->pl.basis))) != 0 ||
        (rc = store_bind_int64(s, 5, c->pl.is_default ? 1 : 0)) != 0 ||
        (rc = store_bind_int64(s, 6, c->pl.active ? 1 : 0)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == KT_EEXIST)
        rc = kt_err_set(err, KT_EEXIST, "price list %s exists already; pick another code",
                        c->pl.code);
    else if (rc == STORE_ROW) {
        c->id = store_col_int64(s, 0);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_EINTERNAL, "creating price list %s returned no id", c->pl.code);
    }
out:
    store_stmt_done(s);
    return rc;
}

int price_list_create(struct store *st, const struct price_list *pl, int64_t *id,
                      struct kt_err *err)
{
    struct list_create c = {.pl = *pl};
    int rc = check_code(c.pl.code, err);
    if (rc == 0 && c.pl.name[0] == '\0')
        rc = kt_err_set(err, KT_EINVAL, "price list %s needs a name", c.pl.code);
    if (rc == 0 && !price_basis_name(c.pl.basis))
        rc = kt_err_set(err, KT_EINVAL, "price list %s: the basis must be net or gross", c.pl.code);
    if (rc == 0)
        rc = check_currency(c.pl.currency, err);
    if (rc == 0)
        rc = catalog_run_tx(st, list_create_tx, &c, err);
    if (rc == 0 && id)
        *id = c.id;
    return rc;
}

int price_list_get(struct store *st, const char *code, struct price_list *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT " LIST_COLUMNS " FROM price_lists WHERE code = ?1", &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, code)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_DONE)
        rc = kt_err_set(err, KT_ENOTFOUND,
                        "there is no price list %s; 'kontor price list show' lists them", code);
    else if (rc == STORE_ROW && read_list(s, out) != 0)
        rc = kt_err_set(err, KT_ECORRUPT, "price list %s has an unknown basis", code);
    else if (rc == STORE_ROW)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

int price_list_get_id(struct store *st, int64_t id, struct price_list *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT " LIST_COLUMNS " FROM price_lists WHERE id = ?1", &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, id)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_DONE)
        rc = kt_err_set(err, KT_ENOTFOUND, "there is no price list with id %lld", (long long)id);
    else if (rc == STORE_ROW && read_list(s, out) != 0)
        rc = kt_err_set(err, KT_ECORRUPT, "price list %lld has an unknown basis", (long long)id);
    else if (rc == STORE_ROW)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

static int read_list_row(struct store_stmt *s, void *row, struct kt_err *err)
{
    struct price_list *pl = row;
    if (read_list(s, pl) != 0)
        return kt_err_set(err, KT_ECORRUPT, "price list %s has an unknown basis", pl->code);
    return 0;
}

int price_list_all(struct store *st, struct price_list **out, size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    void *rows = NULL;
    *out = NULL;
    *n = 0;
    int rc = store_prepare(st, "SELECT " LIST_COLUMNS " FROM price_lists ORDER BY code", &s, err);
    if (rc != 0)
        return rc;
    rc = catalog_rows_read(s, sizeof **out, read_list_row, "price lists", &rows, n, err);
    *out = rows;
    store_stmt_done(s);
    return rc;
}

struct set_default {
    int64_t id;
};

static int set_default_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct set_default *d = ctx;
    struct price_list pl;
    struct store_stmt *s = NULL;
    int rc = price_list_get_id(st, d->id, &pl, err);
    if (rc == 0)
        rc = clear_default(st, pl.currency, pl.id, err);
    if (rc == 0)
        rc = store_prepare(st, "UPDATE price_lists SET is_default = 1 WHERE id = ?1", &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, pl.id)) != 0)
        rc = kt_err_set(err, rc, "price: binding failed");
    else
        rc = store_step(s, err);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int price_list_set_default(struct store *st, int64_t price_list_id, struct kt_err *err)
{
    struct set_default d = {.id = price_list_id};
    return catalog_run_tx(st, set_default_tx, &d, err);
}

/* ---- list items ---- */

static int item_set_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct price_item *it = ctx;
    struct price_list pl;
    struct store_stmt *s = NULL;
    char pcode[128];
    int rc = price_list_get_id(st, it->price_list_id, &pl, err);
    if (rc == 0)
        rc = catalog_code_of(st, CATALOG_PRODUCT, it->product_id, pcode, sizeof pcode, err);
    if (rc != 0)
        return rc;
    rc = store_prepare(st,
                       "INSERT INTO price_list_items (price_list_id, product_id, price, "
                       "valid_from, valid_to, min_qty) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                       "ON CONFLICT (price_list_id, product_id, min_qty, COALESCE(valid_from, '')) "
                       "DO UPDATE SET price = excluded.price, valid_to = excluded.valid_to "
                       "RETURNING id",
                       &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, it->price_list_id)) != 0 ||
        (rc = store_bind_int64(s, 2, it->product_id)) != 0 ||
        (rc = store_bind_int64(s, 3, it->price)) != 0 ||
        (rc = store_bind_text(s, 4, or_null(it->valid_from))) != 0 ||
        (rc = store_bind_text(s, 5, or_null(it->valid_to))) != 0 ||
        (rc = store_bind_int64(s, 6, it->min_qty)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        it->id = store_col_int64(s, 0);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_EINTERNAL, "setting a price of %s returned no id", pcode);
    } else {
        kt_err_prefix(err, "cannot set the price of %s in list %s", pcode, pl.code);
    }
    store_stmt_done(s);
    s = NULL;
    if (rc == 0) {
        char payload[96];
        snprintf(payload, sizeof payload,
                 "{\"product_id\":%" PRId64 ",\"price_list_id\":%" PRId64 "}", it->product_id,
                 it->price_list_id);
        rc = events_emit(st, "price.changed", payload, err);
    }
out:
    store_stmt_done(s);
    return rc;
}

int price_item_set(struct store *st, struct price_item *item, struct kt_err *err)
{
    if (item->price < 0)
        return kt_err_set(err, KT_EINVAL, "a price cannot be negative");
    if (item->min_qty < 0)
        return kt_err_set(err, KT_EINVAL, "a minimum quantity cannot be negative");
    int rc = check_validity(item->valid_from, item->valid_to, err);
    if (rc == 0)
        rc = catalog_run_tx(st, item_set_tx, item, err);
    return rc;
}

static int read_item(struct store_stmt *s, void *row, struct kt_err *err)
{
    struct price_item *it = row;
    it->id = store_col_int64(s, 0);
    it->price_list_id = store_col_int64(s, 1);
    it->product_id = store_col_int64(s, 2);
    it->price = store_col_int64(s, 3);
    catalog_col_copy(s, 4, it->valid_from, sizeof it->valid_from);
    catalog_col_copy(s, 5, it->valid_to, sizeof it->valid_to);
    it->min_qty = store_col_int64(s, 6);
    return 0;
}

int price_items(struct store *st, int64_t price_list_id, int64_t product_id,
                struct price_item **out, size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    void *rows = NULL;
    *out = NULL;
    *n = 0;
    int rc = store_prepare(st,
                           "SELECT i.id, i.price_list_id, i.product_id, i.price, i.valid_from, "
                           "i.valid_to, i.min_qty FROM price_list_items i "
                           "JOIN products p ON p.id = i.product_id "
                           "WHERE i.price_list_id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR "
                           "i.product_id = ?2) "
                           "ORDER BY p.code, i.min_qty, COALESCE(i.valid_from, ''), i.id",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, price_list_id)) != 0 ||
        (rc = store_bind_int64(s, 2, product_id)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = catalog_rows_read(s, sizeof **out, read_item, "prices", &rows, n, err);
    *out = rows;
out:
    store_stmt_done(s);
    return rc;
}

/* ---- customer prices ---- */

static int customer_set_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct price_customer_price *cp = ctx;
    struct store_stmt *s = NULL;
    char pcode[128], ccode[64];
    int rc = catalog_code_of(st, CATALOG_CUSTOMER, cp->customer_id, ccode, sizeof ccode, err);
    if (rc == 0)
        rc = catalog_code_of(st, CATALOG_PRODUCT, cp->product_id, pcode, sizeof pcode, err);
    if (rc != 0)
        return rc;
    rc = store_prepare(st,
                       "INSERT INTO customer_prices (customer_id, product_id, price, currency, "
                       "basis, valid_from, valid_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                       "ON CONFLICT (customer_id, product_id, currency, COALESCE(valid_from, '')) "
                       "DO UPDATE SET price = excluded.price, basis = excluded.basis, "
                       "valid_to = excluded.valid_to RETURNING id",
                       &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, cp->customer_id)) != 0 ||
        (rc = store_bind_int64(s, 2, cp->product_id)) != 0 ||
        (rc = store_bind_int64(s, 3, cp->price)) != 0 ||
        (rc = store_bind_text(s, 4, cp->currency)) != 0 ||
        (rc = store_bind_text(s, 5, price_basis_name(cp->basis))) != 0 ||
        (rc = store_bind_text(s, 6, or_null(cp->valid_from))) != 0 ||
        (rc = store_bind_text(s, 7, or_null(cp->valid_to))) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        cp->id = store_col_int64(s, 0);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_EINTERNAL, "setting a customer price returned no id");
    } else {
        kt_err_prefix(err, "cannot set the price of %s for customer %s", pcode, ccode);
    }
out:
    store_stmt_done(s);
    return rc;
}

int price_customer_set(struct store *st, struct price_customer_price *cp, struct kt_err *err)
{
    if (cp->price < 0)
        return kt_err_set(err, KT_EINVAL, "a price cannot be negative");
    if (!price_basis_name(cp->basis))
        return kt_err_set(err, KT_EINVAL, "the price basis must be net or gross");
    int rc = check_currency(cp->currency, err);
    if (rc == 0)
        rc = check_validity(cp->valid_from, cp->valid_to, err);
    if (rc == 0)
        rc = catalog_run_tx(st, customer_set_tx, cp, err);
    return rc;
}

static int read_customer_price(struct store_stmt *s, void *row, struct kt_err *err)
{
    struct price_customer_price *cp = row;
    cp->id = store_col_int64(s, 0);
    cp->customer_id = store_col_int64(s, 1);
    cp->product_id = store_col_int64(s, 2);
    cp->price = store_col_int64(s, 3);
    catalog_col_copy(s, 4, cp->currency, sizeof cp->currency);
    if (parse_basis_col(store_col_text(s, 5), &cp->basis) != 0)
        return kt_err_set(err, KT_ECORRUPT, "customer price %lld has an unknown basis",
                          (long long)cp->id);
    catalog_col_copy(s, 6, cp->valid_from, sizeof cp->valid_from);
    catalog_col_copy(s, 7, cp->valid_to, sizeof cp->valid_to);
    return 0;
}

int price_customer_list(struct store *st, int64_t customer_id, int64_t product_id,
                        struct price_customer_price **out, size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    void *rows = NULL;
    *out = NULL;
    *n = 0;
    int rc = store_prepare(st,
                           "SELECT c.id, c.customer_id, c.product_id, c.price, c.currency, "
                           "c.basis, c.valid_from, c.valid_to FROM customer_prices c "
                           "JOIN products p ON p.id = c.product_id "
                           "WHERE c.customer_id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR "
                           "c.product_id = ?2) "
                           "ORDER BY p.code, c.currency, COALESCE(c.valid_from, ''), c.id",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, customer_id)) != 0 ||
        (rc = store_bind_int64(s, 2, product_id)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = catalog_rows_read(s, sizeof **out, read_customer_price, "customer prices", &rows, n, err);
    *out = rows;
out:
    store_stmt_done(s);
    return rc;
}

/* ---- terms ---- */

static int terms_set_tx(struct store *st, void *ctx, struct kt_err *err)
{
    const struct price_terms *t = ctx;
    struct store_stmt *s = NULL;
    char ccode[64];
    int rc = catalog_code_of(st, CATALOG_CUSTOMER, t->customer_id, ccode, sizeof ccode, err);
    if (rc == 0 && t->price_list_id != 0) {
        struct price_list pl;
        rc = price_list_get_id(st, t->price_list_id, &pl, err);
    }
    if (rc != 0)
        return rc;
    rc = store_prepare(st,
                       "INSERT INTO customer_price_terms (customer_id, price_list_id, discount) "
                       "VALUES (?1, ?2, ?3) ON CONFLICT (customer_id) DO UPDATE SET "
                       "price_list_id = excluded.price_list_id, discount = excluded.discount",
                       &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, t->customer_id)) != 0 ||
        (rc = t->price_list_id ? store_bind_int64(s, 2, t->price_list_id)
                               : store_bind_null(s, 2)) != 0 ||
        (rc = store_bind_int64(s, 3, t->discount)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        kt_err_prefix(err, "cannot set the price terms of customer %s", ccode);
    else
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

int price_terms_set(struct store *st, const struct price_terms *t, struct kt_err *err)
{
    if (t->discount < 0 || t->discount > 100 * KT_RATE_SCALE)
        return kt_err_set(err, KT_EINVAL, "a discount must be between 0 and 100%%");
    struct price_terms copy = *t;
    return catalog_run_tx(st, terms_set_tx, &copy, err);
}

int price_terms_get(struct store *st, int64_t customer_id, struct price_terms *out,
                    struct kt_err *err)
{
    struct store_stmt *s = NULL;
    char ccode[64];
    memset(out, 0, sizeof *out);
    out->customer_id = customer_id;
    int rc = catalog_code_of(st, CATALOG_CUSTOMER, customer_id, ccode, sizeof ccode, err);
    if (rc == 0)
        rc = store_prepare(st,
                           "SELECT price_list_id, discount FROM customer_price_terms "
                           "WHERE customer_id = ?1",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, customer_id)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        out->price_list_id = store_col_int64(s, 0); /* NULL reads as 0: no list */
        out->discount = store_col_int64(s, 1);
    }
    if (rc > 0)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/* ---- resolution ---- */

/* The customer's own price valid on date; *found 0 when none. */
static int find_customer_price(struct store *st, int64_t customer_id, int64_t product_id,
                               const char *currency, const char *date, struct price_quote *q,
                               int *found, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    *found = 0;
    int rc = store_prepare(st,
                           "SELECT id, price, basis, valid_from, valid_to FROM customer_prices "
                           "WHERE customer_id = ?1 AND product_id = ?2 AND currency = ?3 "
                           "AND (valid_from IS NULL OR valid_from <= ?4) "
                           "AND (valid_to IS NULL OR valid_to >= ?4) "
                           "ORDER BY COALESCE(valid_from, '') DESC, id DESC LIMIT 1",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, customer_id)) != 0 ||
        (rc = store_bind_int64(s, 2, product_id)) != 0 ||
        (rc = store_bind_text(s, 3, currency)) != 0 || (rc = store_bind_text(s, 4, date)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        q->item_id = store_col_int64(s, 0);
        q->list_price = store_col_int64(s, 1);
        if (parse_basis_col(store_col_text(s, 2), &q->basis) != 0) {
            rc = kt_err_set(err, KT_ECORRUPT, "customer price %lld has an unknown basis",
                            (long long)q->item_id);
            goto out;
        }
        catalog_col_copy(s, 3, q->valid_from, sizeof q->valid_from);
        catalog_col_copy(s, 4, q->valid_to, sizeof q->valid_to);
        *found = 1;
    }
    if (rc > 0)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/*
 * The item of an active list in `currency` for product, qty and date; *found
 * 0 when the list is inactive, in another currency or has no such item.
 */
static int find_list_price(struct store *st, int64_t list_id, int64_t product_id, int64_t qty,
                           const char *currency, const char *date, struct price_quote *q,
                           int *found, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    *found = 0;
    int rc = store_prepare(st,
                           "SELECT i.id, i.price, l.basis, i.valid_from, i.valid_to, i.min_qty, "
                           "l.code FROM price_list_items i "
                           "JOIN price_lists l ON l.id = i.price_list_id "
                           "WHERE i.price_list_id = ?1 AND l.active = 1 AND l.currency = ?2 "
                           "AND i.product_id = ?3 AND i.min_qty <= ?4 "
                           "AND (i.valid_from IS NULL OR i.valid_from <= ?5) "
                           "AND (i.valid_to IS NULL OR i.valid_to >= ?5) "
                           "ORDER BY i.min_qty DESC, COALESCE(i.valid_from, '') DESC, i.id DESC "
                           "LIMIT 1",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, list_id)) != 0 ||
        (rc = store_bind_text(s, 2, currency)) != 0 ||
        (rc = store_bind_int64(s, 3, product_id)) != 0 || (rc = store_bind_int64(s, 4, qty)) != 0 ||
        (rc = store_bind_text(s, 5, date)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        q->item_id = store_col_int64(s, 0);
        q->list_price = store_col_int64(s, 1);
        if (parse_basis_col(store_col_text(s, 2), &q->basis) != 0) {
            rc = kt_err_set(err, KT_ECORRUPT, "price list %lld has an unknown basis",
                            (long long)list_id);
            goto out;
        }
        catalog_col_copy(s, 3, q->valid_from, sizeof q->valid_from);
        catalog_col_copy(s, 4, q->valid_to, sizeof q->valid_to);
        q->min_qty = store_col_int64(s, 5);
        catalog_col_copy(s, 6, q->price_list_code, sizeof q->price_list_code);
        q->price_list_id = list_id;
        *found = 1;
    }
    if (rc > 0)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/* The id of the active default list of currency; 0 when there is none. */
static int default_list(struct store *st, const char *currency, int64_t *id, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    *id = 0;
    int rc = store_prepare(st,
                           "SELECT id FROM price_lists WHERE currency = ?1 AND is_default = 1 "
                           "AND active = 1",
                           &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, currency)) != 0) {
        rc = kt_err_set(err, rc, "price: binding failed");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW)
        *id = store_col_int64(s, 0);
    if (rc > 0)
        rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

/* Applies the discount to q->list_price and writes the source text. */
static int finish_list_quote(struct price_quote *q, int64_t discount, struct kt_err *err)
{
    q->discount = discount;
    q->price = q->list_price;
    if (discount == 0) {
        snprintf(q->source_text, sizeof q->source_text, "price list %s", q->price_list_code);
        return 0;
    }
    int rc = kt_money_mul_rate(q->list_price, 100 * KT_RATE_SCALE - discount, &q->price, err);
    if (rc != 0)
        return rc;
    struct kt_buf b;
    kt_buf_init(&b, 64);
    rc = kt_money_rate_format(&b, discount, "en", err);
    if (rc == 0)
        snprintf(q->source_text, sizeof q->source_text, "price list %s \xe2\x88\x92 discount %s%%",
                 q->price_list_code, kt_buf_str(&b));
    kt_buf_release(&b);
    return rc;
}

int price_resolve(struct store *st, int64_t customer_id, int64_t product_id, int64_t qty,
                  const char *currency, kt_date date, struct price_quote *out, struct kt_err *err)
{
    char cur[4], day[KT_DATE_ISO_SIZE], pcode[128], ccode[64] = "";
    struct price_terms terms = {0};
    struct price_quote q;
    int found = 0;
    memset(out, 0, sizeof *out);
    memset(&q, 0, sizeof q);
    if (qty < 0)
        return kt_err_set(err, KT_EINVAL, "a price is asked for a quantity of at least 0");
    if (!currency || kt_strlcpy(cur, currency, sizeof cur) != 0)
        return kt_err_set(err, KT_EINVAL, "'%s' is not a currency code such as EUR",
                          currency ? currency : "");
    int rc = check_currency(cur, err);
    if (rc != 0)
        return rc;
    kt_date_format(date, day);
    kt_strlcpy(q.currency, cur, sizeof q.currency);

    if (customer_id != 0) {
        rc = find_customer_price(st, customer_id, product_id, cur, day, &q, &found, err);
        if (rc != 0)
            return rc;
        if (found) {
            q.source = PRICE_SOURCE_CUSTOMER;
            q.price = q.list_price;
            snprintf(q.source_text, sizeof q.source_text, "customer price");
            *out = q;
            return 0;
        }
        rc = price_terms_get(st, customer_id, &terms, err);
        if (rc != 0)
            return rc;
        if (terms.price_list_id != 0) {
            rc = find_list_price(st, terms.price_list_id, product_id, qty, cur, day, &q, &found,
                                 err);
            if (rc != 0)
                return rc;
            q.source = PRICE_SOURCE_CUSTOMER_LIST;
        }
    }
    if (!found) {
        int64_t def;
        rc = default_list(st, cur, &def, err);
        if (rc == 0 && def != 0)
            rc = find_list_price(st, def, product_id, qty, cur, day, &q, &found, err);
        if (rc != 0)
            return rc;
        q.source = PRICE_SOURCE_DEFAULT_LIST;
    }
    if (!found) {
        /*
         * The codes are only for this sentence; looking them up here also
         * reports a missing product or customer, which has no price either.
         */
        rc = catalog_code_of(st, CATALOG_PRODUCT, product_id, pcode, sizeof pcode, err);
        if (rc == 0 && customer_id != 0)
            rc = catalog_code_of(st, CATALOG_CUSTOMER, customer_id, ccode, sizeof ccode, err);
        if (rc != 0)
            return rc;
        if (customer_id != 0)
            return kt_err_set(err, KT_ENOTFOUND, "no price for %s in %s for customer %s on %s",
                              pcode, cur, ccode, day);
        return kt_err_set(err, KT_ENOTFOUND, "no price for %s in %s on %s", pcode, cur, day);
    }
    rc = finish_list_quote(&q, terms.discount, err);
    if (rc == 0)
        *out = q;
    return rc;
}
