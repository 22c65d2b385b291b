#include <stdint.h>
#include <string.h>

#include "base/err.h"
#include "base/money.h"
#include "base/qty.h"
#include "catalog/price.h"
#include "catalog/vat.h"
#include "orders/totals.h"
#include "base/banned.h"

/* 100 % in the units of a discount or a rate (hundredths of a percent). */
#define HUNDRED_PERCENT ((int64_t)100 * KT_RATE_SCALE)

/* Quantity decimals + price decimals: price x qty counts 1/10^7 of a unit. */
#define LINE_DECIMALS (KT_QTY_DECIMALS + KT_PRICE_DECIMALS)

static const __int128 pow10_small[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};

/* num / den rounded half away from zero; den > 0. */
static __int128 round_div(__int128 num, __int128 den)
{
    __int128 q = num / den, r = num % den;
    if (r < 0)
        r = -r;
    if (r >= den - r)
        q += num < 0 ? -1 : 1;
    return q;
}

static int too_large(struct kt_err *err, const char *what)
{
    return kt_err_set(err, KT_EOVERFLOW,
                      "the %s is too large to compute exactly; check the prices and quantities",
                      what);
}

int orders_line_value(int64_t price, int64_t qty, int64_t discount, const char *currency,
                      int64_t *value, struct kt_err *err)
{
    int exponent, rc;
    if ((rc = kt_money_exponent(currency, &exponent, err)))
        return rc;
    if (discount < 0 || discount > HUNDRED_PERCENT)
        return kt_err_set(err, KT_EINVAL, "discount: must be between 0 and 100 %%");
    if (exponent < 0 || exponent > LINE_DECIMALS)
        return kt_err_set(err, KT_EINVAL, "%s: unsupported number of minor digits", currency);
    /* |price x qty| < 2^126; times 10^4 could pass 2^127, so check it. */
    __int128 num = (__int128)price * qty, scaled;
    if (__builtin_mul_overflow(num, (__int128)(HUNDRED_PERCENT - discount), &scaled))
        return too_large(err, "line value");
    __int128 r = round_div(scaled, pow10_small[LINE_DECIMALS - exponent] * HUNDRED_PERCENT);
    if (r < INT64_MIN || r > INT64_MAX)
        return too_large(err, "line value");
    *value = (int64_t)r;
    return 0;
}

int orders_totals_begin(struct orders_totals *t, const char *currency, enum price_basis basis,
                        struct kt_err *err)
{
    const struct kt_currency *cur;
    int rc = kt_money_currency(currency, &cur, err);
    if (rc)
        return rc;
    memset(t, 0, sizeof *t);
    memcpy(t->currency, cur->code, 3);
    t->basis = basis;
    return 0;
}

/* Position of a VAT code in the table (display order). */
static int table_index(const char *code)
{
    int count;
    const struct catalog_vat *table = catalog_vat_rates(&count);
    for (int i = 0; i < count; i++)
        if (strcmp(table[i].code, code) == 0)
            return i;
    return count;
}

int orders_totals_add(struct orders_totals *t, const char *vat, int64_t value, struct kt_err *err)
{
    const struct catalog_vat *v;
    int count, rc;
    if ((rc = catalog_vat_find(vat, &v, err)))
        return rc;
    const struct catalog_vat *table = catalog_vat_rates(&count);
    /* Rows stay in the table's display order. */
    int idx = (int)(v - table);
    size_t at = 0;
    while (at < t->nrates && table_index(t->rates[at].vat) < idx)
        at++;
    if (at < t->nrates && strcmp(t->rates[at].vat, v->code) == 0) {
        struct orders_totals_rate *r = &t->rates[at];
        if (__builtin_add_overflow(r->base, value, &r->base))
            return too_large(err, "total");
        r->lines++;
        return 0;
    }
    if (t->nrates >= ORDERS_TOTALS_RATES_MAX || (int)t->nrates >= count)
        return kt_err_set(err, KT_EINTERNAL, "more VAT rates than the table has");
    memmove(&t->rates[at + 1], &t->rates[at], (t->nrates - at) * sizeof t->rates[0]);
    t->rates[at] =
        (struct orders_totals_rate){.vat = v->code, .rate = v->rate, .base = value, .lines = 1};
    t->nrates++;
    return 0;
}

int orders_totals_finish(struct orders_totals *t, struct kt_err *err)
{
    int rc;
    t->net = t->vat = t->gross = 0;
    for (size_t i = 0; i < t->nrates; i++) {
        struct orders_totals_rate *r = &t->rates[i];
        const struct catalog_vat *v;
        if ((rc = catalog_vat_find(r->vat, &v, err)))
            return rc;
        int zero = catalog_vat_is_zero_kind(v);
        if (t->basis == PRICE_BASIS_NET) {
            r->net = r->base;
            r->vat_amount = 0;
            if (!zero && (rc = kt_money_mul_rate(r->net, r->rate, &r->vat_amount, err)))
                return rc;
            if ((rc = kt_money_add(r->net, r->vat_amount, &r->gross, err)))
                return rc;
        } else {
            r->gross = r->base;
            r->vat_amount = 0;
            if (!zero && (rc = kt_money_vat_from_gross(r->gross, r->rate, &r->vat_amount, err)))
                return rc;
            if ((rc = kt_money_sub(r->gross, r->vat_amount, &r->net, err)))
                return rc;
        }
        if ((rc = kt_money_add(t->net, r->net, &t->net, err)) ||
            (rc = kt_money_add(t->vat, r->vat_amount, &t->vat, err)) ||
            (rc = kt_money_add(t->gross, r->gross, &t->gross, err)))
            return rc;
    }
    return 0;
}

int orders_totals_compute(const struct orders_totals_line *lines, size_t n, const char *currency,
                          enum price_basis basis, struct orders_totals *out, struct kt_err *err)
{
    int rc = orders_totals_begin(out, currency, basis, err);
    for (size_t i = 0; i < n && rc == 0; i++) {
        int64_t value;
        if ((rc = orders_line_value(lines[i].price, lines[i].qty, lines[i].discount, currency,
                                    &value, err)) ||
            (rc = orders_totals_add(out, lines[i].vat, value, err)))
            kt_err_prefix(err, "line %zu", i + 1);
    }
    if (rc == 0)
        rc = orders_totals_finish(out, err);
    return rc;
}

const struct orders_totals_rate *orders_totals_rate_of(const struct orders_totals *t,
                                                       const char *vat)
{
    for (size_t i = 0; i < t->nrates; i++)
        if (strcmp(t->rates[i].vat, vat) == 0)
            return &t->rates[i];
    return NULL;
}

int orders_price_convert(int64_t price, int64_t rate, enum price_basis from, enum price_basis to,
                         int64_t *out, struct kt_err *err)
{
    int64_t vat;
    int rc;
    if (rate < 0)
        return kt_err_set(err, KT_EINVAL, "a VAT rate cannot be negative");
    if (from == to) {
        *out = price;
        return 0;
    }
    if (from == PRICE_BASIS_NET)
        return kt_money_mul_rate(price, HUNDRED_PERCENT + rate, out, err);
    if ((rc = kt_money_vat_from_gross(price, rate, &vat, err)))
        return rc;
    return kt_money_sub(price, vat, out, err);
}
