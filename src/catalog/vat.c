#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "catalog/vat.h"
#include "base/banned.h"

static const struct catalog_vat vat_rates[] = {
    {.code = "23", .rate = 2300, .kind = CATALOG_VAT_RATED, .pl = "23%", .en = "23%", .de = "23%"},
    {.code = "8", .rate = 800, .kind = CATALOG_VAT_RATED, .pl = "8%", .en = "8%", .de = "8%"},
    {.code = "5", .rate = 500, .kind = CATALOG_VAT_RATED, .pl = "5%", .en = "5%", .de = "5%"},
    {.code = "0", .rate = 0, .kind = CATALOG_VAT_ZERO, .pl = "0%", .en = "0%", .de = "0%"},
    {.code = "zw",
     .rate = 0,
     .kind = CATALOG_VAT_EXEMPT,
     .pl = "zw",
     .en = "exempt",
     .de = "steuerfrei"},
    {.code = "np",
     .rate = 0,
     .kind = CATALOG_VAT_OUTSIDE,
     .pl = "np",
     .en = "not subject",
     .de = "nicht steuerbar"},
    {.code = "oo",
     .rate = 0,
     .kind = CATALOG_VAT_REVERSE,
     .pl = "oo",
     .en = "reverse charge",
     .de = "Steuerschuldnerschaft des Leistungsempfängers"},
};

const struct catalog_vat *catalog_vat_rates(int *count)
{
    *count = (int)(sizeof vat_rates / sizeof vat_rates[0]);
    return vat_rates;
}

int catalog_vat_find(const char *code, const struct catalog_vat **vat, struct kt_err *err)
{
    size_t n = code ? strlen(code) : 0;
    while (n > 0 && code[n - 1] == ' ')
        n--;
    if (n > 0 && code[n - 1] == '%')
        n--;
    while (n > 0 && code[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < sizeof vat_rates / sizeof vat_rates[0]; i++) {
        if (n > 0 && strlen(vat_rates[i].code) == n &&
            strncasecmp(vat_rates[i].code, code, n) == 0) {
            *vat = &vat_rates[i];
            return 0;
        }
    }
    return kt_err_set(err, KT_EINVAL,
                      "\"%s\" is not a VAT rate; use one of 23, 8, 5, 0, zw, np, oo",
                      code ? code : "");
}

const char *catalog_vat_label(const struct catalog_vat *vat, const char *lang)
{
    if (!lang)
        return NULL;
    if (strcmp(lang, "pl") == 0)
        return vat->pl;
    if (strcmp(lang, "en") == 0)
        return vat->en;
    if (strcmp(lang, "de") == 0)
        return vat->de;
    return NULL;
}

int catalog_vat_is_zero_kind(const struct catalog_vat *vat)
{
    return vat->kind != CATALOG_VAT_RATED;
}
