/*
 * Quantities and units of measure.
 *
 * This module owns
 *   - quantities: int64 count of thousandths (KT_QTY_SCALE), so 2,5 kg is
 *     2500 and 1 szt. is 1000;
 *   - parsing and formatting them in "pl", "de" and "en" conventions, with
 *     the separator rules of money.h (plain-space thousands in Polish,
 *     '.' in German, ',' in English), up to three decimals, trailing zeros
 *     trimmed: "1 234,5" (pl), "1.234,5" (de), "1,234.5" (en), "2";
 *   - the table of units: a stable code stored in the database, the names
 *     printed on documents in each language, the UN/CEFACT Rec. 20 code for
 *     e-invoices, and whether the unit is counted in whole numbers only.
 *
 * Arithmetic fails with KT_EOVERFLOW instead of wrapping.
 */
#ifndef KT_QTY_H
#define KT_QTY_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define KT_QTY_DECIMALS 3
#define KT_QTY_SCALE 1000

struct kt_unit {
    const char *code;     /* stable, stored: "pcs", "kg", "m2" ... */
    const char *pl;       /* "szt.", "kg", "m2" */
    const char *en;       /* "pcs", "kg", "m²" */
    const char *de;       /* "Stk.", "kg", "m²" */
    const char *uncefact; /* UN/ECE Recommendation 20: "H87", "KGM" ... */
    int whole;            /* 1: only whole numbers make sense (pieces, sets) */
};

/* The units table and its length, in a fixed order (for pickers). */
const struct kt_unit *kt_qty_units(int *count);

/*
 * Finds a unit by code or by its name in any language, case-insensitive:
 * "szt.", "szt", "pcs", "Stk.", "m²", "m2" all work. KT_EINVAL names the text.
 */
int kt_qty_unit_find(const char *text, const struct kt_unit **unit, struct kt_err *err);

/* The unit's name in "pl", "de" or "en"; NULL for another language. */
const char *kt_qty_unit_name(const struct kt_unit *unit, const char *lang);

/*
 * Parses a quantity ("2,5", "1 234,125", "1.234,5" de, "1,234.5" en, "-3").
 * lang NULL: either decimal mark when unambiguous (see money.h).
 * More than three decimals is an error.
 */
int kt_qty_parse(const char *text, const char *lang, int64_t *qty, struct kt_err *err);

/* Appends "1 234,5" / "1.234,5" / "1,234.5"; zero is "0". */
int kt_qty_format(struct kt_buf *out, int64_t qty, const char *lang, struct kt_err *err);

/* Appends quantity and unit name: "2,5 kg", "1 szt.", "3 pcs", "1,5 m²". */
int kt_qty_format_unit(struct kt_buf *out, int64_t qty, const struct kt_unit *unit,
                       const char *lang, struct kt_err *err);

/* KT_EINVAL when a whole-only unit gets a fraction ("2,5 szt."). */
int kt_qty_check_unit(int64_t qty, const struct kt_unit *unit, struct kt_err *err);

/* *sum = a + b, *diff = a - b; KT_EOVERFLOW if it does not fit. */
int kt_qty_add(int64_t a, int64_t b, int64_t *sum, struct kt_err *err);
int kt_qty_sub(int64_t a, int64_t b, int64_t *diff, struct kt_err *err);

#endif
