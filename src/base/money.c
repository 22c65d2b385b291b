#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/money.h"
#include "base/banned.h"

/*
 * HUF has 2 decimals in ISO 4217 although the filler is not minted; banks
 * and invoices still carry them, so 2 is what we store.
 */
static const struct kt_currency currencies[] = {
    {.code = "PLN", .exponent = 2, .symbol = "zł", .symbol_first = 0},
    {.code = "EUR", .exponent = 2, .symbol = "€", .symbol_first = 1},
    {.code = "USD", .exponent = 2, .symbol = "$", .symbol_first = 1},
    {.code = "GBP", .exponent = 2, .symbol = "£", .symbol_first = 1},
    {.code = "CZK", .exponent = 2},
    {.code = "CHF", .exponent = 2},
    {.code = "SEK", .exponent = 2},
    {.code = "NOK", .exponent = 2},
    {.code = "DKK", .exponent = 2},
    {.code = "HUF", .exponent = 2},
    {.code = "JPY", .exponent = 0},
};

/* What users type for a currency besides its code (matched case-insensitively). */
static const struct {
    const char *text;
    const char *code;
} currency_aliases[] = {
    {.text = "zł", .code = "PLN"}, {.text = "ZŁ", .code = "PLN"},  {.text = "zl", .code = "PLN"},
    {.text = "€", .code = "EUR"},  {.text = "US$", .code = "USD"}, {.text = "$", .code = "USD"},
    {.text = "£", .code = "GBP"},
};

struct lang_conv {
    const char *lang;
    char decimal;        /* decimal mark written */
    char group;          /* thousands separator written; 0: none */
    char group_mark;     /* '.' or ',' read as thousands before exactly 3 digits */
    const char *example; /* shown in error messages */
};

static const struct lang_conv langs[] = {
    {.lang = "pl", .decimal = ',', .group = ' ', .group_mark = 0, .example = "1 234,56"},
    {.lang = "de", .decimal = ',', .group = '.', .group_mark = '.', .example = "1.234,56"},
    {.lang = "en", .decimal = '.', .group = ',', .group_mark = ',', .example = "1,234.56"},
};

/* Machine form: no grouping, '.' decimal. */
static const struct lang_conv canonical = {.lang = "C", .decimal = '.', .group = 0};

static const int64_t pow10_table[19] = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

#define MAX_DECIMALS 18
#define FORMAT_MAX 128

int kt_money_currency(const char *code, const struct kt_currency **cur, struct kt_err *err)
{
    if (!code || !*code)
        return kt_err_set(err, KT_EINVAL, "No currency given: use a code such as PLN, EUR or USD.");
    for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++) {
        if (strcasecmp(code, currencies[i].code) == 0) {
            *cur = &currencies[i];
            return 0;
        }
    }
    return kt_err_set(err, KT_EINVAL,
                      "Unknown currency \"%.40s\": use PLN, EUR, USD, GBP, CZK, CHF, SEK, NOK, "
                      "DKK, HUF or JPY.",
                      code);
}

int kt_money_exponent(const char *currency, int *exponent, struct kt_err *err)
{
    const struct kt_currency *cur;
    int rc = kt_money_currency(currency, &cur, err);
    if (rc)
        return rc;
    *exponent = cur->exponent;
    return 0;
}

static int find_lang(const char *lang, const struct lang_conv **lc, struct kt_err *err)
{
    if (lang) {
        for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
            if (strcmp(lang, langs[i].lang) == 0) {
                *lc = &langs[i];
                return 0;
            }
        }
    }
    return kt_err_set(err, KT_EINVAL, "Unknown language \"%.40s\": use pl, de or en.",
                      lang ? lang : "(none)");
}

/* Parsing accepts a missing language; formatting does not. */
static int find_parse_lang(const char *lang, const struct lang_conv **lc, struct kt_err *err)
{
    if (!lang) {
        *lc = NULL;
        return 0;
    }
    return find_lang(lang, lc, err);
}

/* ---- parsing ---------------------------------------------------------- */

/* Length of a space-like character at p: space, tab, U+00A0, U+2009, U+202F. */
static size_t space_at(const char *p, const char *end)
{
    const unsigned char *u = (const unsigned char *)p;
    if (p < end && (*p == ' ' || *p == '\t'))
        return 1;
    if (end - p >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (end - p >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xAF || u[2] == 0x89))
        return 3;
    return 0;
}

/* Length of a space-like character ending at end, or 0. */
static size_t space_before(const char *start, const char *end)
{
    for (size_t n = 1; n <= 3 && (size_t)(end - start) >= n; n++) {
        if (space_at(end - n, end) == n)
            return n;
    }
    return 0;
}

static void trim(const char **p, const char **end)
{
    size_t n;
    while ((n = space_at(*p, *end)) > 0)
        *p += n;
    while ((n = space_before(*p, *end)) > 0)
        *end -= n;
}

/* Length of a minus sign ('-' or U+2212) at p, or 0. */
static size_t minus_at(const char *p, const char *end)
{
    const unsigned char *u = (const unsigned char *)p;
    if (p < end && *p == '-')
        return 1;
    if (end - p >= 3 && u[0] == 0xE2 && u[1] == 0x88 && u[2] == 0x92)
        return 3;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

enum sep { SEP_SPACE, SEP_DOT, SEP_COMMA };

#define MAX_RUNS 64 /* 22 groups of digits already overflow int64 */

struct number_ctx {
    const char *text; /* the whole input, quoted in messages */
    const char *what; /* "amount", "price", "quantity", "rate" */
    const struct lang_conv *lc;
    int decimals;
};

static int not_a_number(const struct number_ctx *c, struct kt_err *err)
{
    return kt_err_set(err, KT_EINVAL, "\"%.60s\" is not a valid %s: write a number such as %s.",
                      c->text, c->what, c->lc ? c->lc->example : "1234.56");
}

static int too_large(const struct number_ctx *c, struct kt_err *err)
{
    return kt_err_set(err, KT_EOVERFLOW, "\"%.60s\" is too large for a %s.", c->text, c->what);
}

/*
 * Parses [sign] digits {sep digits} in [p, end). neg_preset: 1 when a minus
 * was already read before a currency symbol (a second sign is then an
 * error), 0 otherwise.
 */
static int parse_number(const struct number_ctx *c, const char *p, const char *end, int neg_preset,
                        int64_t *value, struct kt_err *err)
{
    const char *run_start[MAX_RUNS];
    size_t run_len[MAX_RUNS];
    enum sep seps[MAX_RUNS];
    size_t nruns = 0;
    int neg = neg_preset;

    size_t ml = minus_at(p, end);
    if (ml || (p < end && *p == '+')) {
        if (neg_preset)
            return not_a_number(c, err);
        neg = ml > 0;
        p += ml ? ml : 1;
    }

    for (;;) {
        if (nruns == MAX_RUNS)
            return not_a_number(c, err);
        run_start[nruns] = p;
        while (p < end && is_digit(*p))
            p++;
        run_len[nruns] = (size_t)(p - run_start[nruns]);
        if (run_len[nruns] == 0)
            return not_a_number(c, err);
        nruns++;
        if (p == end)
            break;
        size_t sl = space_at(p, end);
        if (*p == '.') {
            seps[nruns - 1] = SEP_DOT;
            p++;
        } else if (*p == ',') {
            seps[nruns - 1] = SEP_COMMA;
            p++;
        } else if (sl) {
            seps[nruns - 1] = SEP_SPACE;
            p += sl;
        } else {
            return not_a_number(c, err);
        }
    }

    size_t nseps = nruns - 1;
    size_t count[3] = {0, 0, 0};
    for (size_t i = 0; i < nseps; i++)
        count[seps[i]]++;

    /* Index of the separator that is the decimal mark, or nseps for none. */
    size_t dec = nseps;
    if (nseps > 0 && seps[nseps - 1] != SEP_SPACE) {
        enum sep last = seps[nseps - 1];
        enum sep other = last == SEP_DOT ? SEP_COMMA : SEP_DOT;
        char mark = last == SEP_DOT ? '.' : ',';
        if (count[other] > 0 || (count[last] == 1 && count[SEP_SPACE] > 0)) {
            dec = nseps - 1;
        } else if (count[last] == 1) {
            /* "1.234" may group thousands; "0.125" and "12345.678" cannot. */
            int three = run_len[nseps] == 3 && run_len[0] <= 3 && run_start[0][0] != '0';
            if (!three)
                dec = nseps - 1;
            else if (c->lc && c->lc->group_mark == mark)
                dec = nseps;
            else if (c->lc)
                dec = nseps - 1;
            else
                return kt_err_set(err, KT_EINVAL,
                                  "\"%.60s\" is ambiguous: '%c' could mark decimals or "
                                  "thousands; write it without thousands separators, e.g. "
                                  "1234.5 or 1234.",
                                  c->text, mark);
        }
        if (dec < nseps && count[last] != 1)
            return not_a_number(c, err);
    }

    /* Thousands separators: one kind, groups of three after the first. */
    if (dec > 0) {
        enum sep g = seps[0];
        if (run_len[0] > 3)
            return kt_err_set(err, KT_EINVAL,
                              "\"%.60s\" has misplaced thousands separators: every group after "
                              "the first must have three digits.",
                              c->text);
        for (size_t i = 0; i < dec; i++) {
            if (seps[i] != g || run_len[i + 1] != 3)
                return kt_err_set(err, KT_EINVAL,
                                  "\"%.60s\" has misplaced thousands separators: every group "
                                  "after the first must have three digits.",
                                  c->text);
        }
    }

    size_t frac_len = dec < nseps ? run_len[nseps] : 0;
    if (frac_len > (size_t)c->decimals) {
        if (c->decimals == 0)
            return kt_err_set(err, KT_EINVAL, "\"%.60s\" has decimals; a %s here is whole.",
                              c->text, c->what);
        return kt_err_set(err, KT_EINVAL, "\"%.60s\" has %zu decimal places; a %s has at most %d.",
                          c->text, frac_len, c->what, c->decimals);
    }

    unsigned __int128 limit = neg ? (unsigned __int128)INT64_MAX + 1 : (unsigned __int128)INT64_MAX;
    unsigned __int128 acc = 0;
    /* The runs' digits in order are the value in units of 10^-frac_len. */
    for (size_t r = 0; r < nruns; r++) {
        for (size_t i = 0; i < run_len[r]; i++) {
            acc = acc * 10 + (unsigned)(run_start[r][i] - '0');
            if (acc > limit)
                return too_large(c, err);
        }
    }
    for (size_t i = frac_len; i < (size_t)c->decimals; i++) {
        acc *= 10;
        if (acc > limit)
            return too_large(c, err);
    }
    *value = neg ? -(int64_t)(acc - 1) - 1 : (int64_t)acc;
    return 0;
}

/* Length of a currency symbol, alias or code starting at p, or 0. */
static size_t currency_prefix(const char *p, const char *end, const char **code)
{
    size_t avail = (size_t)(end - p);
    for (size_t i = 0; i < sizeof currency_aliases / sizeof currency_aliases[0]; i++) {
        size_t n = strlen(currency_aliases[i].text);
        if (n <= avail && strncasecmp(p, currency_aliases[i].text, n) == 0 &&
            !(n < avail && is_alpha(p[n]))) {
            *code = currency_aliases[i].code;
            return n;
        }
    }
    for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++) {
        if (avail >= 3 && strncasecmp(p, currencies[i].code, 3) == 0 &&
            !(avail > 3 && is_alpha(p[3]))) {
            *code = currencies[i].code;
            return 3;
        }
    }
    return 0;
}

/* Length of a currency symbol, alias or code ending at end, or 0. */
static size_t currency_suffix(const char *start, const char *end, const char **code)
{
    size_t avail = (size_t)(end - start);
    for (size_t i = 0; i < sizeof currency_aliases / sizeof currency_aliases[0]; i++) {
        size_t n = strlen(currency_aliases[i].text);
        if (n <= avail && strncasecmp(end - n, currency_aliases[i].text, n) == 0 &&
            !(n < avail && is_alpha(end[-(ptrdiff_t)n - 1]))) {
            *code = currency_aliases[i].code;
            return n;
        }
    }
    for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++) {
        if (avail >= 3 && strncasecmp(end - 3, currencies[i].code, 3) == 0 &&
            !(avail > 3 && is_alpha(end[-4]))) {
            *code = currencies[i].code;
            return 3;
        }
    }
    return 0;
}

/* Amount or price text: [sign] [symbol] [sign] number [symbol]. */
static int parse_with_currency(const char *text, const char *lang, const char *currency,
                               int decimals_over_minor, const char *what, int64_t *value,
                               struct kt_err *err)
{
    const struct kt_currency *cur;
    const struct lang_conv *lc;
    int rc = kt_money_currency(currency, &cur, err);
    if (rc)
        return rc;
    rc = find_parse_lang(lang, &lc, err);
    if (rc)
        return rc;
    if (!text)
        return kt_err_set(err, KT_EINVAL, "No %s given.", what);

    struct number_ctx c = {.text = text, .what = what, .lc = lc, .decimals = decimals_over_minor};
    const char *p = text, *end = text + strlen(text);
    trim(&p, &end);
    if (p == end)
        return kt_err_set(err, KT_EINVAL, "The %s is empty: write a number such as %s.", what,
                          lc ? lc->example : "1234.56");

    int neg = 0;
    size_t ml = minus_at(p, end);
    const char *found = NULL;
    const char *after_sign = p + ml;
    size_t n = currency_prefix(after_sign, end, &found);
    if (n) {
        neg = ml > 0;
        p = after_sign + n;
        trim(&p, &end);
    } else {
        n = currency_suffix(p, end, &found);
        end -= n;
        trim(&p, &end);
    }
    if (found && strcmp(found, cur->code) != 0)
        return kt_err_set(err, KT_EINVAL, "\"%.60s\" is in %s, but a %s in %s is expected.", text,
                          found, what, cur->code);
    return parse_number(&c, p, end, neg, value, err);
}

int kt_money_parse(const char *text, const char *lang, const char *currency, int64_t *minor,
                   struct kt_err *err)
{
    const struct kt_currency *cur;
    int rc = kt_money_currency(currency, &cur, err);
    if (rc)
        return rc;
    return parse_with_currency(text, lang, currency, cur->exponent, "amount", minor, err);
}

int kt_price_parse(const char *text, const char *lang, const char *currency, int64_t *price,
                   struct kt_err *err)
{
    return parse_with_currency(text, lang, currency, KT_PRICE_DECIMALS, "price", price, err);
}

int kt_money_fixed_parse(const char *text, const char *lang, int decimals, const char *what,
                         int64_t *value, struct kt_err *err)
{
    const struct lang_conv *lc;
    if (decimals < 0 || decimals > MAX_DECIMALS)
        return kt_err_set(err, KT_EINVAL, "A number cannot have %d decimal places.", decimals);
    int rc = find_parse_lang(lang, &lc, err);
    if (rc)
        return rc;
    if (!what)
        what = "number";
    if (!text)
        return kt_err_set(err, KT_EINVAL, "No %s given.", what);
    struct number_ctx c = {.text = text, .what = what, .lc = lc, .decimals = decimals};
    const char *p = text, *end = text + strlen(text);
    trim(&p, &end);
    if (p == end)
        return kt_err_set(err, KT_EINVAL, "The %s is empty: write a number such as %s.", what,
                          lc ? lc->example : "1234.56");
    return parse_number(&c, p, end, 0, value, err);
}

/* ---- formatting -------------------------------------------------------- */

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
}

/*
 * Writes the magnitude of a fixed-point value (no sign) into dst, which
 * holds FORMAT_MAX bytes. Returns the length.
 */
static size_t format_magnitude(char *dst, uint64_t mag, int decimals, int min_decimals,
                               const struct lang_conv *lc)
{
    uint64_t scale = (uint64_t)pow10_table[decimals];
    uint64_t ip = mag / scale, fp = mag % scale;
    char digits[24];
    int nd = snprintf(digits, sizeof digits, "%" PRIu64, ip);
    size_t len = 0;
    for (int i = 0; i < nd; i++) {
        if (lc->group && i > 0 && (nd - i) % 3 == 0)
            dst[len++] = lc->group;
        dst[len++] = digits[i];
    }
    if (decimals > 0) {
        char frac[MAX_DECIMALS];
        for (int i = decimals - 1; i >= 0; i--) {
            frac[i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        int keep = decimals;
        while (keep > min_decimals && frac[keep - 1] == '0')
            keep--;
        if (keep > 0) {
            dst[len++] = lc->decimal;
            memcpy(dst + len, frac, (size_t)keep);
            len += (size_t)keep;
        }
    }
    dst[len] = '\0';
    return len;
}

static int append(struct kt_buf *out, const char *s, struct kt_err *err)
{
    int rc = kt_buf_adds(out, s);
    if (rc == KT_ENOMEM)
        return kt_err_set(err, rc, "Out of memory while formatting a number.");
    if (rc)
        return kt_err_set(err, rc, "The output buffer is full; the number was not added.");
    return 0;
}

int kt_money_fixed_format(struct kt_buf *out, int64_t value, int decimals, int min_decimals,
                          const char *lang, struct kt_err *err)
{
    const struct lang_conv *lc;
    if (decimals < 0 || decimals > MAX_DECIMALS || min_decimals < 0 || min_decimals > decimals)
        return kt_err_set(err, KT_EINVAL,
                          "Cannot format with %d to %d decimal places; use 0 to 18.", min_decimals,
                          decimals);
    int rc = find_lang(lang, &lc, err);
    if (rc)
        return rc;
    char num[FORMAT_MAX];
    num[0] = '-';
    format_magnitude(num + (value < 0), magnitude(value), decimals, min_decimals, lc);
    return append(out, num, err);
}

/*
 * Sign, symbol or code and number in the language's order:
 * "-1 234,56 zł", "-1.234,56 €", "-$1,234.56", "-1,234.56 CZK".
 */
static int format_with_currency(struct kt_buf *out, int64_t value, int decimals, int min_decimals,
                                const char *currency, const char *lang, struct kt_err *err)
{
    const struct kt_currency *cur;
    const struct lang_conv *lc;
    int rc = kt_money_currency(currency, &cur, err);
    if (rc)
        return rc;
    rc = find_lang(lang, &lc, err);
    if (rc)
        return rc;
    char num[FORMAT_MAX], text[FORMAT_MAX + 16];
    format_magnitude(num, magnitude(value), decimals, min_decimals, lc);
    const char *sign = value < 0 ? "-" : "";
    const char *sym = cur->symbol ? cur->symbol : cur->code;
    if (strcmp(lc->lang, "en") == 0 && cur->symbol_first)
        snprintf(text, sizeof text, "%s%s%s", sign, sym, num);
    else
        snprintf(text, sizeof text, "%s%s %s", sign, num, sym);
    return append(out, text, err);
}

int kt_money_format(struct kt_buf *out, int64_t minor, const char *currency, const char *lang,
                    struct kt_err *err)
{
    int exponent;
    int rc = kt_money_exponent(currency, &exponent, err);
    if (rc)
        return rc;
    return format_with_currency(out, minor, exponent, exponent, currency, lang, err);
}

int kt_money_format_number(struct kt_buf *out, int64_t minor, const char *currency,
                           const char *lang, struct kt_err *err)
{
    int exponent;
    int rc = kt_money_exponent(currency, &exponent, err);
    if (rc)
        return rc;
    return kt_money_fixed_format(out, minor, exponent, exponent, lang, err);
}

int kt_money_format_decimal(struct kt_buf *out, int64_t minor, const char *currency,
                            struct kt_err *err)
{
    int exponent;
    int rc = kt_money_exponent(currency, &exponent, err);
    if (rc)
        return rc;
    char num[FORMAT_MAX];
    num[0] = '-';
    format_magnitude(num + (minor < 0), magnitude(minor), exponent, exponent, &canonical);
    return append(out, num, err);
}

int kt_price_format(struct kt_buf *out, int64_t price, const char *currency, const char *lang,
                    struct kt_err *err)
{
    int exponent;
    int rc = kt_money_exponent(currency, &exponent, err);
    if (rc)
        return rc;
    int min = exponent < KT_PRICE_DECIMALS ? exponent : KT_PRICE_DECIMALS;
    return format_with_currency(out, price, KT_PRICE_DECIMALS, min, currency, lang, err);
}

/* ---- arithmetic -------------------------------------------------------- */

static int overflow(struct kt_err *err, const char *what)
{
    return kt_err_set(err, KT_EOVERFLOW,
                      "The %s is too large to compute exactly; check the amounts and "
                      "quantities involved.",
                      what);
}

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

static int fits(__int128 v)
{
    return v >= INT64_MIN && v <= INT64_MAX;
}

int kt_money_add(int64_t a, int64_t b, int64_t *sum, struct kt_err *err)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return overflow(err, "sum");
    *sum = r;
    return 0;
}

int kt_money_sub(int64_t a, int64_t b, int64_t *diff, struct kt_err *err)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return overflow(err, "difference");
    *diff = r;
    return 0;
}

int kt_money_mul_int(int64_t minor, int64_t factor, int64_t *prod, struct kt_err *err)
{
    int64_t r;
    if (__builtin_mul_overflow(minor, factor, &r))
        return overflow(err, "product");
    *prod = r;
    return 0;
}

int kt_money_rescale(int64_t value, int from_decimals, int to_decimals, int64_t *out,
                     struct kt_err *err)
{
    if (from_decimals < 0 || from_decimals > MAX_DECIMALS || to_decimals < 0 ||
        to_decimals > MAX_DECIMALS)
        return kt_err_set(err, KT_EINVAL,
                          "Cannot rescale from %d to %d decimal places; use 0 to 18.",
                          from_decimals, to_decimals);
    __int128 r;
    if (from_decimals >= to_decimals)
        r = round_div(value, pow10_table[from_decimals - to_decimals]);
    else
        r = (__int128)value * pow10_table[to_decimals - from_decimals];
    if (!fits(r))
        return overflow(err, "value");
    *out = (int64_t)r;
    return 0;
}

int kt_money_rate_parse(const char *text, int64_t *rate, struct kt_err *err)
{
    if (!text)
        return kt_err_set(err, KT_EINVAL, "No rate given.");
    struct number_ctx c = {.text = text, .what = "rate", .lc = NULL, .decimals = KT_RATE_DECIMALS};
    const char *p = text, *end = text + strlen(text);
    trim(&p, &end);
    if (p < end && end[-1] == '%') {
        end--;
        trim(&p, &end);
    }
    if (p == end)
        return kt_err_set(err, KT_EINVAL,
                          "The rate is empty: write a percentage such as 23 or 8,5.");
    int64_t v;
    int rc = parse_number(&c, p, end, 0, &v, err);
    if (rc)
        return rc;
    if (v < 0 || v > 100 * 100 * KT_RATE_SCALE)
        return kt_err_set(err, KT_EINVAL,
                          "\"%.60s\" is not a usable rate: it must be between 0 and 10000 %%.",
                          text);
    *rate = v;
    return 0;
}

int kt_money_rate_format(struct kt_buf *out, int64_t rate, const char *lang, struct kt_err *err)
{
    return kt_money_fixed_format(out, rate, KT_RATE_DECIMALS, 0, lang, err);
}

/* 100 % expressed in rate units. */
#define RATE_HUNDRED ((int64_t)100 * KT_RATE_SCALE)

int kt_money_mul_rate(int64_t minor, int64_t rate, int64_t *result, struct kt_err *err)
{
    __int128 r = round_div((__int128)minor * rate, RATE_HUNDRED);
    if (!fits(r))
        return overflow(err, "percentage");
    *result = (int64_t)r;
    return 0;
}

int kt_money_vat_from_gross(int64_t gross, int64_t rate, int64_t *vat, struct kt_err *err)
{
    if (rate < 0)
        return kt_err_set(err, KT_EINVAL, "A VAT rate cannot be negative.");
    __int128 r = round_div((__int128)gross * rate, (__int128)RATE_HUNDRED + rate);
    if (!fits(r))
        return overflow(err, "VAT amount");
    *vat = (int64_t)r;
    return 0;
}

int kt_price_from_minor(int64_t minor, const char *currency, int64_t *price, struct kt_err *err)
{
    int exponent;
    int rc = kt_money_exponent(currency, &exponent, err);
    if (rc)
        return rc;
    return kt_money_rescale(minor, exponent, KT_PRICE_DECIMALS, price, err);
}

int kt_price_to_minor(int64_t price, const char *currency, int64_t *minor, struct kt_err *err)
{
    int exponent;
    int rc = kt_money_exponent(currency, &exponent, err);
    if (rc)
        return rc;
    return kt_money_rescale(price, KT_PRICE_DECIMALS, exponent, minor, err);
}

/* Quantities are thousandths (qty.h); kept here as a number to avoid a header cycle. */
#define LINE_DECIMALS (KT_PRICE_DECIMALS + 3)

int kt_price_line_value(int64_t price, int64_t qty, const char *currency, int64_t *minor,
                        struct kt_err *err)
{
    int exponent;
    int rc = kt_money_exponent(currency, &exponent, err);
    if (rc)
        return rc;
    /* |price * qty| < 2^126; the divisor is at most 10^7, so nothing wraps. */
    __int128 r = round_div((__int128)price * qty, pow10_table[LINE_DECIMALS - exponent]);
    if (!fits(r))
        return overflow(err, "line value");
    *minor = (int64_t)r;
    return 0;
}
