#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/money.h"
#include "base/qty.h"
#include "base/banned.h"

static const struct kt_unit units[] = {
    {.code = "pcs", .pl = "szt.", .en = "pcs", .de = "Stk.", .uncefact = "H87", .whole = 1},
    {.code = "kg", .pl = "kg", .en = "kg", .de = "kg", .uncefact = "KGM"},
    {.code = "g", .pl = "g", .en = "g", .de = "g", .uncefact = "GRM"},
    {.code = "m", .pl = "m", .en = "m", .de = "m", .uncefact = "MTR"},
    {.code = "m2", .pl = "m2", .en = "m²", .de = "m²", .uncefact = "MTK"},
    {.code = "m3", .pl = "m3", .en = "m³", .de = "m³", .uncefact = "MTQ"},
    {.code = "l", .pl = "l", .en = "l", .de = "l", .uncefact = "LTR"},
    {.code = "set", .pl = "kpl.", .en = "set", .de = "Satz", .uncefact = "SET", .whole = 1},
    {.code = "pack", .pl = "opak.", .en = "pack", .de = "Pck.", .uncefact = "PK", .whole = 1},
    {.code = "h", .pl = "godz.", .en = "h", .de = "Std.", .uncefact = "HUR"},
};

#define NUNITS ((int)(sizeof units / sizeof units[0]))

const struct kt_unit *kt_qty_units(int *count)
{
    *count = NUNITS;
    return units;
}

/* "szt." matches "szt." and "szt"; letters compare case-insensitively. */
static int name_matches(const char *name, const char *text)
{
    size_t n = strlen(name), t = strlen(text);
    if (t == n && strcasecmp(name, text) == 0)
        return 1;
    return n > 1 && name[n - 1] == '.' && t == n - 1 && strncasecmp(name, text, t) == 0;
}

int kt_qty_unit_find(const char *text, const struct kt_unit **unit, struct kt_err *err)
{
    if (!text || !*text)
        return kt_err_set(err, KT_EINVAL, "No unit given: use e.g. pcs, kg, m or h.");
    for (int i = 0; i < NUNITS; i++) {
        const struct kt_unit *u = &units[i];
        if (name_matches(u->code, text) || name_matches(u->pl, text) || name_matches(u->en, text) ||
            name_matches(u->de, text)) {
            *unit = u;
            return 0;
        }
    }
    return kt_err_set(err, KT_EINVAL,
                      "Unknown unit \"%.40s\": use pcs (szt.), kg, g, m, m2, m3, l, set (kpl.), "
                      "pack (opak.) or h (godz.).",
                      text);
}

const char *kt_qty_unit_name(const struct kt_unit *unit, const char *lang)
{
    if (!lang)
        return NULL;
    if (strcmp(lang, "pl") == 0)
        return unit->pl;
    if (strcmp(lang, "en") == 0)
        return unit->en;
    if (strcmp(lang, "de") == 0)
        return unit->de;
    return NULL;
}

int kt_qty_parse(const char *text, const char *lang, int64_t *qty, struct kt_err *err)
{
    return kt_money_fixed_parse(text, lang, KT_QTY_DECIMALS, "quantity", qty, err);
}

int kt_qty_format(struct kt_buf *out, int64_t qty, const char *lang, struct kt_err *err)
{
    return kt_money_fixed_format(out, qty, KT_QTY_DECIMALS, 0, lang, err);
}

int kt_qty_format_unit(struct kt_buf *out, int64_t qty, const struct kt_unit *unit,
                       const char *lang, struct kt_err *err)
{
    struct kt_buf tmp;
    kt_buf_init(&tmp, 256);
    const char *name = kt_qty_unit_name(unit, lang);
    int rc;
    if (!name) {
        rc = kt_err_set(err, KT_EINVAL, "Unknown language \"%.40s\": use pl, de or en.",
                        lang ? lang : "(none)");
        goto out;
    }
    rc = kt_qty_format(&tmp, qty, lang, err);
    if (rc)
        goto out;
    rc = kt_buf_printf(&tmp, " %s", name);
    if (rc == 0)
        rc = kt_buf_add(out, tmp.data, tmp.len);
    if (rc == KT_ENOMEM)
        kt_err_set(err, rc, "Out of memory while formatting a quantity.");
    else if (rc)
        kt_err_set(err, rc, "The quantity does not fit in the output buffer.");
out:
    kt_buf_release(&tmp);
    return rc;
}

int kt_qty_check_unit(int64_t qty, const struct kt_unit *unit, struct kt_err *err)
{
    if (unit->whole && qty % KT_QTY_SCALE != 0)
        return kt_err_set(err, KT_EINVAL,
                          "A quantity in %s (%s) must be a whole number; fractions are only for "
                          "units such as kg or m.",
                          unit->en, unit->pl);
    return 0;
}

int kt_qty_add(int64_t a, int64_t b, int64_t *sum, struct kt_err *err)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return kt_err_set(err, KT_EOVERFLOW, "The total quantity is too large to compute.");
    *sum = r;
    return 0;
}

int kt_qty_sub(int64_t a, int64_t b, int64_t *diff, struct kt_err *err)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return kt_err_set(err, KT_EOVERFLOW, "The quantity difference is too large to compute.");
    *diff = r;
    return 0;
}
