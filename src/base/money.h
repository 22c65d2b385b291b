/*
 * Money: amounts, unit prices and percentage rates as integers, never floats.
 *
 * This module owns
 *   - the currency table (ISO 4217 code, minor-unit exponent, symbol);
 *   - amounts: int64 count of minor units (grosze, cents) of one currency;
 *   - unit prices: int64 count of 1/10000 of the currency unit
 *     (KT_PRICE_SCALE), so 0,0125 zł is 125;
 *   - percentage rates: int64 count of 1/100 of a percent (basis points),
 *     so 23 % is 2300 and 8,5 % is 850;
 *   - parsing and formatting in Polish, German and English conventions;
 *   - the arithmetic between them.
 *
 * Rounding is half away from zero everywhere (0,005 -> 0,01 and
 * -0,005 -> -0,01), and a value is rounded once, at the end of a
 * computation. Every operation that could leave int64 returns KT_EOVERFLOW
 * and leaves the result untouched; it never yields a wrong number.
 *
 * Languages are "pl", "de" and "en".  Formatting:
 *   pl  -1 234,56 zł    thousands separator is a plain ASCII space (U+0020),
 *                       so the text matches what users type and search for;
 *   de  -1.234,56 €
 *   en  -$1,234.56      $, € and £ go before the number in English;
 *                       zł and codes go after it: 1,234.56 zł, 1,234.56 CZK
 * Currencies with a symbol: PLN zł, EUR €, USD $, GBP £; every other
 * currency is written with its code after the number (1 234,56 CZK).
 * Groups of three digits start at 1 000 in all languages.
 *
 * Parsing accepts what users type: "1234.56", "1234,56", "1 234,56",
 * "1.234,56", "1,234.56", "-1 234,56 zł", "$1,234.56", "PLN 12,50", with the
 * sign before or after a leading symbol and spaces (also U+00A0 and U+202F)
 * around. The rules for separators:
 *   - spaces group thousands; groups after the first have exactly 3 digits;
 *   - when both '.' and ',' occur, the last one is the decimal mark and
 *     the other groups thousands;
 *   - a mark that occurs more than once groups thousands;
 *   - a single '.' or ',' is the decimal mark, except when it is followed
 *     by exactly three digits and is the language's thousands mark
 *     (de "1.234" = 1234, en "1,234" = 1234); with lang NULL such input is
 *     ambiguous and rejected; in "pl" both '.' and ',' are decimal marks;
 *   - more decimals than the type holds is an error, never a silent
 *     rounding ("1,005" is not an amount in PLN).
 * A symbol or code in the text must name the expected currency.
 */
#ifndef KT_MONEY_H
#define KT_MONEY_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* Unit prices are counted in 1/KT_PRICE_SCALE of the currency unit. */
#define KT_PRICE_DECIMALS 4
#define KT_PRICE_SCALE 10000

/* Rates are counted in 1/KT_RATE_SCALE of one percent: 23 % = 2300. */
#define KT_RATE_DECIMALS 2
#define KT_RATE_SCALE 100

struct kt_currency {
    const char *code;   /* ISO 4217, three upper-case letters */
    int exponent;       /* minor-unit digits: 2 for PLN, 0 for JPY */
    const char *symbol; /* "zł", "€", "$", "£"; NULL: write the code */
    int symbol_first;   /* English puts this symbol before the number */
};

/*
 * The currency with the given code (case-insensitive), or KT_EINVAL with a
 * message naming the code when it is not in the table.
 */
int kt_money_currency(const char *code, const struct kt_currency **cur, struct kt_err *err);

/* Minor-unit exponent of a currency; KT_EINVAL when unknown. */
int kt_money_exponent(const char *currency, int *exponent, struct kt_err *err);

/*
 * Parses an amount typed by a user into minor units of `currency`.
 * lang: "pl", "de", "en", or NULL to accept ',' and '.' as the decimal mark
 * whenever that is unambiguous. On error *minor is unchanged and the
 * message quotes the text.
 */
int kt_money_parse(const char *text, const char *lang, const char *currency, int64_t *minor,
                   struct kt_err *err);

/* Appends the amount with symbol or code, e.g. "1 234,56 zł", "$1,234.56". */
int kt_money_format(struct kt_buf *out, int64_t minor, const char *currency, const char *lang,
                    struct kt_err *err);

/* Appends only the number in the language's convention: "1 234,56". */
int kt_money_format_number(struct kt_buf *out, int64_t minor, const char *currency,
                           const char *lang, struct kt_err *err);

/*
 * Appends the canonical machine form for JSON, CSV and XML: no grouping,
 * '.' as the decimal mark, all minor digits: "-1234.56", "0.00", "1234" (JPY).
 */
int kt_money_format_decimal(struct kt_buf *out, int64_t minor, const char *currency,
                            struct kt_err *err);

/*
 * Fixed-point numbers in the conventions above, shared by amounts, prices,
 * rates and quantities: *value counts 1/10^decimals (decimals 0..18).
 * kt_money_fixed_parse takes a bare number (sign, digits, marks, spaces
 * around, no symbol); `what` names the kind in messages ("quantity").
 * kt_money_fixed_format writes at least min_decimals and at most
 * `decimals` digits after the mark, trimming trailing zeros in between.
 */
int kt_money_fixed_parse(const char *text, const char *lang, int decimals, const char *what,
                         int64_t *value, struct kt_err *err);
int kt_money_fixed_format(struct kt_buf *out, int64_t value, int decimals, int min_decimals,
                          const char *lang, struct kt_err *err);

/* *sum = a + b, *diff = a - b, *prod = minor * factor; KT_EOVERFLOW if it does not fit. */
int kt_money_add(int64_t a, int64_t b, int64_t *sum, struct kt_err *err);
int kt_money_sub(int64_t a, int64_t b, int64_t *diff, struct kt_err *err);
int kt_money_mul_int(int64_t minor, int64_t factor, int64_t *prod, struct kt_err *err);

/*
 * Changes the number of decimals of a fixed-point value: from_decimals 3,
 * to_decimals 2 turns 0,005 (5) into 0,01 (1). Scaling down rounds half
 * away from zero; scaling up checks for overflow. Decimals are 0..18.
 */
int kt_money_rescale(int64_t value, int from_decimals, int to_decimals, int64_t *out,
                     struct kt_err *err);

/*
 * Percentage rates. kt_money_rate_parse accepts "23", "23%", "8,5 %",
 * "8.5" (at most two decimals, 0..10000 %); kt_money_rate_format appends
 * "23" / "8,5" / "8.5" without the percent sign (trailing zeros trimmed).
 */
int kt_money_rate_parse(const char *text, int64_t *rate, struct kt_err *err);
int kt_money_rate_format(struct kt_buf *out, int64_t rate, const char *lang, struct kt_err *err);

/* *result = minor * rate / 100 %, rounded once: 100,00 zł at 8,5 % is 8,50 zł. */
int kt_money_mul_rate(int64_t minor, int64_t rate, int64_t *result, struct kt_err *err);

/*
 * VAT contained in a gross amount: gross * rate / (100 % + rate), rounded
 * once: 123,00 zł at 23 % holds 23,00 zł. rate must be >= 0.
 */
int kt_money_vat_from_gross(int64_t gross, int64_t rate, int64_t *vat, struct kt_err *err);

/*
 * Unit prices (four decimals). Parsing follows kt_money_parse, with up to
 * KT_PRICE_DECIMALS decimals. Formatting shows at least the currency's
 * minor digits and up to four, trailing zeros beyond them trimmed:
 * "0,0125 zł", "12,50 zł", "12,505 zł".
 */
int kt_price_parse(const char *text, const char *lang, const char *currency, int64_t *price,
                   struct kt_err *err);
int kt_price_format(struct kt_buf *out, int64_t price, const char *currency, const char *lang,
                    struct kt_err *err);

/* A price that is a whole amount: minor units -> price units (exact). */
int kt_price_from_minor(int64_t minor, const char *currency, int64_t *price, struct kt_err *err);

/* A price rounded half away from zero to minor units: 0,0125 zł -> 0,01 zł. */
int kt_price_to_minor(int64_t price, const char *currency, int64_t *minor, struct kt_err *err);

/*
 * Line value: unit price (1/10000) x quantity (thousandths, see qty.h),
 * rounded once, half away from zero, to minor units of `currency`:
 * 0,0125 zł x 3,000 = 0,0375 -> 0,04 zł.
 */
int kt_price_line_value(int64_t price, int64_t qty, const char *currency, int64_t *minor,
                        struct kt_err *err);

#endif
