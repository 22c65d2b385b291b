/*
 * orders/totals: the one place where the value of lines and the totals of
 * an order or a document are computed, the Polish way. Pure functions: no
 * database, no state, thread-safe. Documents use them too, so an invoice
 * and the order it comes from can never disagree on a grosz.
 *
 * Rules:
 *   - line value = unit price (1/10000) x quantity (thousandths) x
 *     (100 % - discount), rounded ONCE, half away from zero, to the minor
 *     unit of the currency; it is on the order's price basis (net or gross);
 *   - line values are summed per VAT rate (code from catalog/vat.h);
 *   - net basis: the sum is the net of the rate; VAT of the rate = net x
 *     rate, rounded once to the minor unit; gross = net + VAT;
 *   - gross basis (shop orders): the sum is the gross of the rate; VAT =
 *     gross x rate / (100 % + rate), rounded once; net = gross - VAT;
 *   - rates that charge no VAT (0, zw, np, oo) have VAT 0 and net = gross;
 *   - the order's totals are the sums of the per-rate rows.
 * VAT is therefore never the sum of per-line VAT amounts (which would
 * drift by a grosz per few lines): it is computed per rate.
 */
#ifndef KT_ORDERS_TOTALS_H
#define KT_ORDERS_TOTALS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "catalog/price.h"

/* A line as totals see it. */
struct orders_totals_line {
    int64_t price;    /* unit price, 1/10000 of the currency unit, >= 0 */
    int64_t qty;      /* thousandths */
    int64_t discount; /* hundredths of a percent, 0..10000 */
    const char *vat;  /* VAT code: "23", "8", "5", "0", "zw", "np", "oo" */
};

/* One row of the VAT summary. */
struct orders_totals_rate {
    const char *vat;    /* the code, static storage (catalog/vat.h's table) */
    int64_t rate;       /* hundredths of a percent: 2300 */
    int64_t base;       /* sum of the line values of this rate, on the basis */
    int64_t net;        /* minor units */
    int64_t vat_amount; /* minor units */
    int64_t gross;      /* minor units */
    int64_t lines;      /* number of lines of this rate */
};

#define ORDERS_TOTALS_RATES_MAX 8

/* The totals: per-rate rows in the VAT table's display order (only rates
 * that occur), and their sums. */
struct orders_totals {
    char currency[4];
    enum price_basis basis;
    size_t nrates;
    struct orders_totals_rate rates[ORDERS_TOTALS_RATES_MAX];
    int64_t net;
    int64_t vat;
    int64_t gross;
};

/*
 * The value of one line in minor units of `currency`, rounded once (see
 * above): 0,0125 zł x 3 = 0,0375 -> 0,04 zł; 10,00 zł x 3 - 5 % = 28,50 zł.
 * KT_EINVAL for a discount outside 0..10000 or an unknown currency,
 * KT_EOVERFLOW when the result does not fit.
 */
int orders_line_value(int64_t price, int64_t qty, int64_t discount, const char *currency,
                      int64_t *value, struct kt_err *err);

/* Starts empty totals in `currency` on `basis`. KT_EINVAL for an unknown currency. */
int orders_totals_begin(struct orders_totals *t, const char *currency, enum price_basis basis,
                        struct kt_err *err);

/* Adds a line value (minor units, on the basis) at VAT code `vat`.
 * KT_EINVAL names an unknown code; KT_EOVERFLOW when a sum does not fit. */
int orders_totals_add(struct orders_totals *t, const char *vat, int64_t value, struct kt_err *err);

/* Computes VAT, net and gross per rate and the sums from what was added. */
int orders_totals_finish(struct orders_totals *t, struct kt_err *err);

/*
 * All three at once over n lines (line values computed with
 * orders_line_value). On error the message names the line (1-based).
 */
int orders_totals_compute(const struct orders_totals_line *lines, size_t n, const char *currency,
                          enum price_basis basis, struct orders_totals *out, struct kt_err *err);

/* The per-rate row of code `vat` in t, or NULL when that rate does not occur. */
const struct orders_totals_rate *orders_totals_rate_of(const struct orders_totals *t,
                                                       const char *vat);

/*
 * Converts a unit price between bases at a VAT rate (hundredths of a
 * percent), rounded once to 1/10000: net -> gross = price x (100 % + rate);
 * gross -> net = price - price x rate / (100 % + rate). Used when a price
 * list's basis differs from the order's.
 */
int orders_price_convert(int64_t price, int64_t rate, enum price_basis from, enum price_basis to,
                         int64_t *out, struct kt_err *err);

#endif
