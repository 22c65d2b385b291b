#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/money.h"
#include "base/words.h"
#include "base/banned.h"

/* Singular, "few" (Polish 2-4 but not 12-14) and "many" forms of a noun. */
struct forms {
    const char *one, *few, *many;
};

/* ---- writing words into a buffer, remembering the first failure ---- */

struct out {
    struct kt_buf *b;
    int rc;
};

static void cat(struct out *o, const char *s)
{
    if (o->rc == 0)
        o->rc = kt_buf_adds(o->b, s);
}

/* Starts a new word: a space unless this is the first. */
static void word(struct out *o, const char *s)
{
    if (o->b->len > 0)
        cat(o, " ");
    cat(o, s);
}

/* ---- Polish ---------------------------------------------------------- */

static const char *const pl_ones[10] = {
    "", "jeden", "dwa", "trzy", "cztery", "pięć", "sześć", "siedem", "osiem", "dziewięć",
};
static const char *const pl_teens[10] = {
    "dziesięć",   "jedenaście", "dwanaście",    "trzynaście",  "czternaście",
    "piętnaście", "szesnaście", "siedemnaście", "osiemnaście", "dziewiętnaście",
};
static const char *const pl_tens[10] = {
    "",
    "",
    "dwadzieścia",
    "trzydzieści",
    "czterdzieści",
    "pięćdziesiąt",
    "sześćdziesiąt",
    "siedemdziesiąt",
    "osiemdziesiąt",
    "dziewięćdziesiąt",
};
static const char *const pl_hundreds[10] = {
    "",        "sto",      "dwieście",  "trzysta",  "czterysta",
    "pięćset", "sześćset", "siedemset", "osiemset", "dziewięćset",
};
/* Index k names 1000^k; int64 needs up to 10^18. */
static const struct forms pl_scales[7] = {
    {.one = "", .few = "", .many = ""},
    {.one = "tysiąc", .few = "tysiące", .many = "tysięcy"},
    {.one = "milion", .few = "miliony", .many = "milionów"},
    {.one = "miliard", .few = "miliardy", .many = "miliardów"},
    {.one = "bilion", .few = "biliony", .many = "bilionów"},
    {.one = "biliard", .few = "biliardy", .many = "biliardów"},
    {.one = "trylion", .few = "tryliony", .many = "trylionów"},
};

static const char *pl_form(const struct forms *f, uint64_t n)
{
    uint64_t last = n % 10, last2 = n % 100;
    if (n == 1)
        return f->one;
    if (last >= 2 && last <= 4 && !(last2 >= 12 && last2 <= 14))
        return f->few;
    return f->many;
}

static void pl_group(struct out *o, unsigned g)
{
    unsigned h = g / 100, r = g % 100;
    if (h)
        word(o, pl_hundreds[h]);
    if (r >= 10 && r < 20) {
        word(o, pl_teens[r - 10]);
        return;
    }
    if (r >= 20)
        word(o, pl_tens[r / 10]);
    if (r % 10)
        word(o, pl_ones[r % 10]);
}

static void pl_number(struct out *o, uint64_t n)
{
    if (n == 0) {
        word(o, "zero");
        return;
    }
    uint64_t scale = 1000000000000000000ULL;
    for (int k = 6; k >= 0; k--, scale /= 1000) {
        unsigned g = (unsigned)(n / scale % 1000);
        if (g == 0)
            continue;
        pl_group(o, g);
        if (k > 0)
            word(o, pl_form(&pl_scales[k], g));
    }
}

/* ---- English --------------------------------------------------------- */

static const char *const en_small[20] = {
    "zero",     "one",     "two",     "three",     "four",     "five",     "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
};
static const char *const en_tens[10] = {
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
};
static const char *const en_scales[7] = {
    "", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion",
};

static void en_group(struct out *o, unsigned g)
{
    unsigned h = g / 100, r = g % 100;
    if (h) {
        word(o, en_small[h]);
        word(o, "hundred");
    }
    if (r == 0)
        return;
    if (r < 20) {
        word(o, en_small[r]);
        return;
    }
    word(o, en_tens[r / 10]);
    if (r % 10) {
        cat(o, "-");
        cat(o, en_small[r % 10]);
    }
}

static void en_number(struct out *o, uint64_t n)
{
    if (n == 0) {
        word(o, "zero");
        return;
    }
    uint64_t scale = 1000000000000000000ULL;
    for (int k = 6; k >= 0; k--, scale /= 1000) {
        unsigned g = (unsigned)(n / scale % 1000);
        if (g == 0)
            continue;
        en_group(o, g);
        if (k > 0)
            word(o, en_scales[k]);
    }
}

/* ---- German ---------------------------------------------------------- */

static const char *const de_small[20] = {
    "",         "eins",     "zwei",     "drei",     "vier",     "fünf",     "sechs",
    "sieben",   "acht",     "neun",     "zehn",     "elf",      "zwölf",    "dreizehn",
    "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn", "neunzehn",
};
/* Units before "und...zig" and before "hundert": "ein", not "eins". */
static const char *const de_prefix[10] = {
    "", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
};
static const char *const de_tens[10] = {
    "", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig",
};
/* Index k names 1000^k for k >= 2; they are nouns, written apart. */
static const struct forms de_scales[7] = {
    {.one = "", .many = ""},
    {.one = "", .many = ""},
    {.one = "Million", .many = "Millionen"},
    {.one = "Milliarde", .many = "Milliarden"},
    {.one = "Billion", .many = "Billionen"},
    {.one = "Billiarde", .many = "Billiarden"},
    {.one = "Trillion", .many = "Trillionen"},
};

/*
 * 1..999 appended to the current word. last_one: what a final 1 becomes
 * ("eins" at the end of a number, "ein" before "tausend", "eine" before
 * "Millionen").
 */
static void de_group(struct out *o, unsigned g, const char *last_one)
{
    unsigned h = g / 100, r = g % 100;
    if (h) {
        cat(o, de_prefix[h]);
        cat(o, "hundert");
    }
    if (r == 1) {
        cat(o, last_one);
    } else if (r > 1 && r < 20) {
        cat(o, de_small[r]);
    } else if (r >= 20) {
        if (r % 10) {
            cat(o, de_prefix[r % 10]);
            cat(o, "und");
        }
        cat(o, de_tens[r / 10]);
    }
}

static void de_number(struct out *o, uint64_t n)
{
    if (n == 0) {
        word(o, "null");
        return;
    }
    uint64_t scale = 1000000000000000000ULL;
    for (int k = 6; k >= 2; k--, scale /= 1000) {
        unsigned g = (unsigned)(n / scale % 1000);
        if (g == 0)
            continue;
        if (g == 1) {
            word(o, "eine");
        } else {
            word(o, "");
            de_group(o, g, "eine");
        }
        word(o, g == 1 ? de_scales[k].one : de_scales[k].many);
    }
    unsigned below = (unsigned)(n % 1000000);
    if (below == 0)
        return;
    word(o, "");
    if (below >= 1000) {
        de_group(o, below / 1000, "ein");
        cat(o, "tausend");
    }
    de_group(o, below % 1000, "eins");
}

/* ---- languages and currencies ------------------------------------------ */

struct lang_words {
    const char *lang;
    void (*number)(struct out *o, uint64_t n);
    const char *minus;
    const char *one_before_noun; /* German "ein Euro"; NULL: the number word */
    const char *(*form)(const struct forms *f, uint64_t n);
};

static const char *one_or_many(const struct forms *f, uint64_t n)
{
    return n == 1 ? f->one : f->many;
}

static const struct lang_words lang_table[] = {
    {.lang = "pl", .number = pl_number, .minus = "minus", .form = pl_form},
    {.lang = "en", .number = en_number, .minus = "minus", .form = one_or_many},
    {.lang = "de",
     .number = de_number,
     .minus = "minus",
     .one_before_noun = "ein",
     .form = one_or_many},
};

struct currency_words {
    const char *code;
    const char *lang;
    struct forms major, minor;
};

static const struct currency_words currency_table[] = {
    {.code = "PLN",
     .lang = "pl",
     .major = {.one = "złoty", .few = "złote", .many = "złotych"},
     .minor = {.one = "grosz", .few = "grosze", .many = "groszy"}},
    {.code = "EUR",
     .lang = "pl",
     .major = {.one = "euro", .few = "euro", .many = "euro"},
     .minor = {.one = "cent", .few = "centy", .many = "centów"}},
    {.code = "USD",
     .lang = "pl",
     .major = {.one = "dolar", .few = "dolary", .many = "dolarów"},
     .minor = {.one = "cent", .few = "centy", .many = "centów"}},
    {.code = "PLN",
     .lang = "en",
     .major = {.one = "zloty", .many = "zlotys"},
     .minor = {.one = "grosz", .many = "groszy"}},
    {.code = "EUR",
     .lang = "en",
     .major = {.one = "euro", .many = "euros"},
     .minor = {.one = "cent", .many = "cents"}},
    {.code = "USD",
     .lang = "en",
     .major = {.one = "dollar", .many = "dollars"},
     .minor = {.one = "cent", .many = "cents"}},
    {.code = "PLN",
     .lang = "de",
     .major = {.one = "Złoty", .many = "Złoty"},
     .minor = {.one = "Grosz", .many = "Groszy"}},
    {.code = "EUR",
     .lang = "de",
     .major = {.one = "Euro", .many = "Euro"},
     .minor = {.one = "Cent", .many = "Cent"}},
    {.code = "USD",
     .lang = "de",
     .major = {.one = "US-Dollar", .many = "US-Dollar"},
     .minor = {.one = "Cent", .many = "Cent"}},
};

static int find_lang_words(const char *lang, const struct lang_words **lw, struct kt_err *err)
{
    for (size_t i = 0; lang && i < sizeof lang_table / sizeof lang_table[0]; i++) {
        if (strcmp(lang, lang_table[i].lang) == 0) {
            *lw = &lang_table[i];
            return 0;
        }
    }
    return kt_err_set(err, KT_EINVAL,
                      "Unknown language \"%.40s\" for amounts in words: use pl, en or de.",
                      lang ? lang : "(none)");
}

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
}

static int finish(struct kt_buf *out, struct kt_buf *tmp, int rc, struct kt_err *err)
{
    if (rc == 0)
        rc = kt_buf_add(out, tmp->data, tmp->len);
    if (rc == KT_ENOMEM)
        return kt_err_set(err, rc, "Out of memory while writing an amount in words.");
    if (rc)
        return kt_err_set(err, rc, "The amount in words does not fit in the output buffer.");
    return 0;
}

/* The count n followed by its noun, with German "ein" for exactly one. */
static void counted(struct out *o, const struct lang_words *lw, uint64_t n,
                    const struct forms *noun)
{
    if (n == 1 && lw->one_before_noun)
        word(o, lw->one_before_noun);
    else
        lw->number(o, n);
    word(o, lw->form(noun, n));
}

int kt_amount_in_words_ex(struct kt_buf *out, int64_t minor, const char *currency, const char *lang,
                          enum kt_words_minor style, struct kt_err *err)
{
    const struct lang_words *lw;
    const struct currency_words *cw = NULL;
    int exponent;
    int rc = find_lang_words(lang, &lw, err);
    if (rc)
        return rc;
    for (size_t i = 0; currency && i < sizeof currency_table / sizeof currency_table[0]; i++) {
        if (strcmp(currency, currency_table[i].code) == 0 &&
            strcmp(lang, currency_table[i].lang) == 0)
            cw = &currency_table[i];
    }
    if (!cw)
        return kt_err_set(err, KT_EINVAL,
                          "Amounts in words are written for PLN, EUR and USD, not \"%.40s\".",
                          currency ? currency : "(none)");
    rc = kt_money_exponent(cw->code, &exponent, err);
    if (rc)
        return rc;

    struct kt_buf tmp;
    kt_buf_init(&tmp, 4096);
    struct out o = {.b = &tmp, .rc = 0};
    uint64_t denom = 1;
    for (int i = 0; i < exponent; i++)
        denom *= 10;
    uint64_t mag = magnitude(minor);
    uint64_t units = mag / denom, cents = mag % denom;

    if (minor < 0)
        word(&o, lw->minus);
    counted(&o, lw, units, &cw->major);
    if (style == KT_WORDS_SPELLED) {
        counted(&o, lw, cents, &cw->minor);
    } else {
        char frac[48];
        snprintf(frac, sizeof frac, "%0*llu/%llu", exponent, (unsigned long long)cents,
                 (unsigned long long)denom);
        word(&o, frac);
    }
    rc = finish(out, &tmp, o.rc, err);
    kt_buf_release(&tmp);
    return rc;
}

int kt_amount_in_words(struct kt_buf *out, int64_t minor, const char *currency, const char *lang,
                       struct kt_err *err)
{
    return kt_amount_in_words_ex(out, minor, currency, lang, KT_WORDS_FRACTION, err);
}

int kt_words_number(struct kt_buf *out, int64_t n, const char *lang, struct kt_err *err)
{
    const struct lang_words *lw;
    int rc = find_lang_words(lang, &lw, err);
    if (rc)
        return rc;
    struct kt_buf tmp;
    kt_buf_init(&tmp, 4096);
    struct out o = {.b = &tmp, .rc = 0};
    if (n < 0)
        word(&o, lw->minus);
    lw->number(&o, magnitude(n));
    rc = finish(out, &tmp, o.rc, err);
    kt_buf_release(&tmp);
    return rc;
}
