#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/date.h"
#include "base/err.h"
#include "base/validate.h"
#include "base/banned.h"

/* Longest value any validator here accepts after compaction (IBAN: 34). */
#define COMPACT_MAX 40

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static int dv(char c)
{
    return c - '0';
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

/*
 * Drops spaces, tabs, dashes and dots and upper-cases letters. Any other
 * character or an empty result is KT_EINVAL naming `what` ("NIP", "IBAN",
 * ...); a result longer than n - 1 is the code too_long.
 */
static int compact(const char *in, const char *what, char *out, size_t n, int too_long,
                   struct kt_err *err)
{
    size_t len = 0;
    if (!in)
        in = "";
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '-' || c == '.')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!is_digit(c) && !is_upper(c))
            return kt_err_set(err, KT_EINVAL,
                              "%s \"%.60s\" contains a character other than letters, digits, "
                              "spaces, dashes and dots.",
                              what, in);
        if (len + 1 >= n)
            return kt_err_set(err, too_long, "%s \"%.60s\" is too long.", what, in);
        out[len++] = c;
    }
    out[len] = '\0';
    if (len == 0)
        return kt_err_set(err, KT_EINVAL, "%s is empty.", what);
    return 0;
}

int kt_normalize_tax_id(const char *in, char *out, size_t n, struct kt_err *err)
{
    if (n == 0)
        return kt_err_set(err, KT_ELIMIT, "No room for the tax id.");
    int rc = compact(in, "Tax id", out, n, KT_ELIMIT, err);
    if (rc < 0)
        out[0] = '\0';
    return rc;
}

/* ---- shared check-digit algorithms ---- */

static int weighted_sum(const char *s, const int *w, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += dv(s[i]) * w[i];
    return sum;
}

/* Luhn: true if the digits s[0..n) including the check digit pass. */
static bool luhn_ok(const char *s, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int d = dv(s[n - 1 - i]);
        if (i % 2 == 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

/* ISO 7064 MOD 11,10 check digit of the n digits at s. */
static int mod11_10_check(const char *s, size_t n)
{
    int p = 10;
    for (size_t i = 0; i < n; i++) {
        int t = (dv(s[i]) + p) % 10;
        if (t == 0)
            t = 10;
        p = (2 * t) % 11;
    }
    return (11 - p) % 10;
}

/* ISO 7064 MOD 97-10 remainder of a string of digits and letters (A = 10). */
static int mod97(const char *s, size_t n)
{
    int r = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(s[i]))
            r = (r * 10 + dv(s[i])) % 97;
        else
            r = (r * 100 + (s[i] - 'A' + 10)) % 97;
    }
    return r;
}

/* ---- NIP ---- */

static const int nip_weights[9] = {6, 5, 7, 2, 3, 4, 5, 6, 7};

int kt_valid_nip(const char *s, struct kt_err *err)
{
    char v[COMPACT_MAX + 1];
    int rc = compact(s, "NIP", v, sizeof v, KT_EINVAL, err);
    if (rc < 0)
        return KT_EINVAL;
    const char *d = strncmp(v, "PL", 2) == 0 ? v + 2 : v;
    size_t n = strlen(d);
    if (!all_digits(d, n))
        return kt_err_set(err, KT_EINVAL, "NIP %s must consist of 10 digits.", v);
    if (n != 10)
        return kt_err_set(err, KT_EINVAL, "NIP %s has %zu digits; a NIP has 10.", d, n);
    int r = weighted_sum(d, nip_weights, 9) % 11;
    if (r == 10)
        return kt_err_set(err, KT_EINVAL,
                          "NIP %s is not valid: no check digit fits its first nine digits.", d);
    if (dv(d[9]) != r)
        return kt_err_set(err, KT_EINVAL, "NIP %s: check digit is %d, expected %d.", d, dv(d[9]),
                          r);
    return 0;
}

/* ---- REGON ---- */

static const int regon9_weights[8] = {8, 9, 2, 3, 4, 5, 6, 7};
static const int regon14_weights[13] = {2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8};

int kt_valid_regon(const char *s, struct kt_err *err)
{
    char v[COMPACT_MAX + 1];
    int rc = compact(s, "REGON", v, sizeof v, KT_EINVAL, err);
    if (rc < 0)
        return KT_EINVAL;
    size_t n = strlen(v);
    if (!all_digits(v, n) || (n != 9 && n != 14))
        return kt_err_set(err, KT_EINVAL, "REGON %s must consist of 9 or 14 digits.", v);
    int c9 = weighted_sum(v, regon9_weights, 8) % 11 % 10;
    if (dv(v[8]) != c9)
        return kt_err_set(err, KT_EINVAL, "REGON %s: check digit %d (position 9) should be %d.", v,
                          dv(v[8]), c9);
    if (n == 14) {
        int c14 = weighted_sum(v, regon14_weights, 13) % 11 % 10;
        if (dv(v[13]) != c14)
            return kt_err_set(err, KT_EINVAL, "REGON %s: check digit is %d, expected %d.", v,
                              dv(v[13]), c14);
    }
    return 0;
}

/* ---- EU VAT ids ---- */

/*
 * A tiny pattern language for the shape of a VAT id after its country
 * prefix: 'n' a digit, 'p' a digit 1-9, 'a' a letter, 'c' a letter or
 * digit; an upper-case letter or a digit stands for itself; a class may be
 * followed by {m} or {m,n}; '|' separates alternatives.
 */
static bool class_ok(char cls, char c)
{
    switch (cls) {
    case 'n':
        return is_digit(c);
    case 'p':
        return c >= '1' && c <= '9';
    case 'a':
        return is_upper(c);
    case 'c':
        return is_digit(c) || is_upper(c);
    default:
        return c == cls;
    }
}

static int read_count(const char **p)
{
    int v = 0;
    while (is_digit(**p))
        v = v * 10 + dv(*(*p)++);
    return v;
}

static bool match_here(const char *pat, const char *s)
{
    if (*pat == '\0' || *pat == '|')
        return *s == '\0';
    char cls = *pat++;
    int lo = 1, hi = 1;
    if (*pat == '{') {
        pat++;
        lo = hi = read_count(&pat);
        if (*pat == ',') {
            pat++;
            hi = read_count(&pat);
        }
        pat++; /* '}' */
    }
    for (int k = 0; k < lo; k++)
        if (!class_ok(cls, s[k]))
            return false;
    for (int k = lo;; k++) {
        if (match_here(pat, s + k))
            return true;
        if (k >= hi || !class_ok(cls, s[k]))
            return false;
    }
}

static bool pattern_match(const char *pat, const char *s)
{
    for (;;) {
        if (match_here(pat, s))
            return true;
        pat = strchr(pat, '|');
        if (!pat)
            return false;
        pat++;
    }
}

/*
 * Check functions get the part after the country prefix, already matched
 * against the pattern, and return NULL if it is valid or the reason why not.
 */
typedef const char *vat_check_fn(const char *b, size_t n);

static const char *const BAD_CHECK = "the check digits do not match";

static const char *vat_at(const char *b, size_t n)
{
    /* U + 7 digits: Luhn-style sum of the 7 digits, check = (6 - sum) mod 10 */
    int sum = 0;
    for (int i = 0; i < 7; i++) {
        int d = dv(b[1 + i]);
        if (i % 2 == 1) {
            d *= 2;
            d = d / 10 + d % 10;
        }
        sum += d;
    }
    return dv(b[8]) == ((6 - sum) % 10 + 10) % 10 ? NULL : BAD_CHECK;
}

static const char *vat_be(const char *b, size_t n)
{
    int64_t base = 0;
    for (int i = 0; i < 8; i++)
        base = base * 10 + dv(b[i]);
    int check = dv(b[8]) * 10 + dv(b[9]);
    if (base == 0)
        return "the number is zero";
    return (base + check) % 97 == 0 ? NULL : BAD_CHECK;
}

static bool bg_egn_ok(const char *b)
{
    static const int w[9] = {2, 4, 8, 5, 10, 9, 7, 3, 6};
    int year = 1900 + dv(b[0]) * 10 + dv(b[1]);
    int month = dv(b[2]) * 10 + dv(b[3]);
    int day = dv(b[4]) * 10 + dv(b[5]);
    if (month > 40) {
        year += 100;
        month -= 40;
    } else if (month > 20) {
        year -= 100;
        month -= 20;
    }
    return kt_date_valid_ymd(year, month, day) && weighted_sum(b, w, 9) % 11 % 10 == dv(b[9]);
}

static const char *vat_bg(const char *b, size_t n)
{
    if (n == 9) {
        static const int w1[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        static const int w2[8] = {3, 4, 5, 6, 7, 8, 9, 10};
        int r = weighted_sum(b, w1, 8) % 11;
        if (r == 10)
            r = weighted_sum(b, w2, 8) % 11;
        return r % 10 == dv(b[8]) ? NULL : BAD_CHECK;
    }
    /* 10 digits: a citizen (EGN), a foreigner (PNF) or another taxpayer. */
    static const int wf[9] = {21, 19, 17, 13, 11, 9, 7, 3, 1};
    static const int wo[9] = {4, 3, 2, 7, 6, 5, 4, 3, 2};
    if (bg_egn_ok(b) || weighted_sum(b, wf, 9) % 10 == dv(b[9]))
        return NULL;
    int r = (11 - weighted_sum(b, wo, 9) % 11) % 11;
    return r == dv(b[9]) ? NULL : BAD_CHECK;
}

static const char *vat_cy(const char *b, size_t n)
{
    static const int odd[10] = {1, 0, 5, 7, 9, 13, 15, 17, 19, 21};
    if (b[0] == '1' && b[1] == '2')
        return "numbers starting with 12 are not issued";
    int sum = 0;
    for (int i = 0; i < 8; i++)
        sum += i % 2 == 0 ? odd[dv(b[i])] : dv(b[i]);
    return b[8] == 'A' + sum % 26 ? NULL : BAD_CHECK;
}

static const char *vat_cz(const char *b, size_t n)
{
    static const int w[7] = {8, 7, 6, 5, 4, 3, 2};
    if (n == 8) {
        if (b[0] == '9')
            return "8-digit numbers starting with 9 are not issued";
        int c = (11 - weighted_sum(b, w, 7) % 11) % 11;
        return (c == 0 ? 1 : c) % 10 == dv(b[7]) ? NULL : BAD_CHECK;
    }
    if (n == 9 && b[0] == '6') {
        /* special numbers: digits 2..8 weighted 8..2 */
        int r = weighted_sum(b + 1, w, 7) % 11;
        return ((8 - (10 - r) % 11) % 10 + 10) % 10 == dv(b[8]) ? NULL : BAD_CHECK;
    }
    if (n == 10) {
        /* birth number: divisible by 11, or remainder 10 with last digit 0 */
        int64_t v = 0;
        for (int i = 0; i < 9; i++)
            v = v * 10 + dv(b[i]);
        int r = (int)(v % 11);
        return (r == 10 ? 0 : r) == dv(b[9]) ? NULL : BAD_CHECK;
    }
    return NULL; /* 9-digit birth numbers (born before 1954) carry no check digit */
}

static const char *vat_de(const char *b, size_t n)
{
    return mod11_10_check(b, 8) == dv(b[8]) ? NULL : BAD_CHECK;
}

static const char *vat_dk(const char *b, size_t n)
{
    static const int w[8] = {2, 7, 6, 5, 4, 3, 2, 1};
    return weighted_sum(b, w, 8) % 11 == 0 ? NULL : BAD_CHECK;
}

static const char *vat_ee(const char *b, size_t n)
{
    static const int w[9] = {3, 7, 1, 3, 7, 1, 3, 7, 1};
    return weighted_sum(b, w, 9) % 10 == 0 ? NULL : BAD_CHECK;
}

static const char *vat_el(const char *b, size_t n)
{
    static const int w[8] = {256, 128, 64, 32, 16, 8, 4, 2};
    return weighted_sum(b, w, 8) % 11 % 10 == dv(b[8]) ? NULL : BAD_CHECK;
}

static const char *vat_es(const char *b, size_t n)
{
    static const char dni_letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";
    char first = b[0];
    if (is_digit(first) || first == 'X' || first == 'Y' || first == 'Z' || first == 'K' ||
        first == 'L' || first == 'M') {
        /* DNI (8 digits), NIE (X/Y/Z = 0/1/2) or K/L/M + 7 digits: check letter */
        long v = 0;
        if (is_digit(first))
            v = dv(first);
        else if (first == 'Y')
            v = 1;
        else if (first == 'Z')
            v = 2;
        for (int i = 1; i < 8; i++)
            v = v * 10 + dv(b[i]);
        return b[8] == dni_letters[v % 23] ? NULL : BAD_CHECK;
    }
    if (!strchr("ABCDEFGHJNPQRSUVW", first))
        return "the first character must be a digit or one of the letters A-H, J-N, P-S, "
               "U-Z";
    /* CIF: Luhn check digit over the 7 digits, written as a digit or a letter */
    int sum = 0;
    for (int i = 0; i < 7; i++) {
        int d = dv(b[1 + i]);
        if (i % 2 == 0) {
            d *= 2;
            d = d / 10 + d % 10;
        }
        sum += d;
    }
    int c = (10 - sum % 10) % 10;
    return b[8] == '0' + c || b[8] == "JABCDEFGHI"[c] ? NULL : BAD_CHECK;
}

static const char *vat_fi(const char *b, size_t n)
{
    static const int w[7] = {7, 9, 10, 5, 8, 4, 2};
    int r = weighted_sum(b, w, 7) % 11;
    if (r == 1)
        return BAD_CHECK;
    return (r == 0 ? 0 : 11 - r) == dv(b[7]) ? NULL : BAD_CHECK;
}

static const char *vat_fr(const char *b, size_t n)
{
    static const char key_alphabet[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    const char *k0 = strchr(key_alphabet, b[0]);
    const char *k1 = strchr(key_alphabet, b[1]);
    if (!k0 || !k1)
        return "the two key characters cannot be I or O";
    /* The SIREN has a Luhn digit of its own; Monaco's numbers (000...) do not. */
    if (!(b[2] == '0' && b[3] == '0' && b[4] == '0') && !luhn_ok(b + 2, 9))
        return "the SIREN (last 9 digits) is not valid";
    int64_t siren = 0;
    for (int i = 2; i < 11; i++)
        siren = siren * 10 + dv(b[i]);
    if (is_digit(b[0]) && is_digit(b[1]))
        return (siren * 100 + 12) % 97 == dv(b[0]) * 10 + dv(b[1]) ? NULL : BAD_CHECK;
    /* new-style key with a letter */
    int i0 = (int)(k0 - key_alphabet), i1 = (int)(k1 - key_alphabet);
    int check = is_digit(b[0]) ? i0 * 24 + i1 - 10 : i0 * 34 + i1 - 100;
    return (siren + 1 + check / 11) % 11 == check % 11 ? NULL : BAD_CHECK;
}

static const char *vat_hr(const char *b, size_t n)
{
    return mod11_10_check(b, 10) == dv(b[10]) ? NULL : BAD_CHECK;
}

static const char *vat_hu(const char *b, size_t n)
{
    static const int w[8] = {9, 7, 3, 1, 9, 7, 3, 1};
    return weighted_sum(b, w, 8) % 10 == 0 ? NULL : BAD_CHECK;
}

static const char *vat_ie(const char *b, size_t n)
{
    static const char alphabet[] = "WABCDEFGHIJKLMNOPQRSTUV";
    char digits[7];
    int extra = 0;
    if (is_digit(b[1])) {
        /* current form: 7 digits, check letter, optional second letter */
        memcpy(digits, b, 7);
        if (n == 9) {
            const char *x = strchr(alphabet, b[8]);
            if (!x)
                return "the last letter must be one of A-V or W";
            extra = (int)(x - alphabet);
        }
    } else {
        /* old form: digit, letter, 5 digits, check letter → "0" + 5 digits + first digit */
        digits[0] = '0';
        memcpy(digits + 1, b + 2, 5);
        digits[6] = b[0];
    }
    int sum = 9 * extra;
    for (int i = 0; i < 7; i++)
        sum += (8 - i) * dv(digits[i]);
    return b[7] == alphabet[sum % 23] ? NULL : BAD_CHECK;
}

static const char *vat_it(const char *b, size_t n)
{
    if (strncmp(b, "0000000", 7) == 0)
        return "the taxpayer number (first 7 digits) is zero";
    int office = dv(b[7]) * 100 + dv(b[8]) * 10 + dv(b[9]);
    if (!((office >= 1 && office <= 100) || office == 120 || office == 121 || office == 888 ||
          office == 999))
        return "digits 8 to 10 are not a tax office code";
    return luhn_ok(b, 11) ? NULL : BAD_CHECK;
}

static const char *vat_lt(const char *b, size_t n)
{
    if (b[n - 2] != '1')
        return n == 9 ? "the 8th digit must be 1" : "the 11th digit must be 1";
    int sum = 0;
    for (size_t i = 0; i + 1 < n; i++)
        sum += (int)(1 + i % 9) * dv(b[i]);
    int r = sum % 11;
    if (r == 10) {
        sum = 0;
        for (size_t i = 0; i + 1 < n; i++)
            sum += (int)(1 + (i + 2) % 9) * dv(b[i]);
        r = sum % 11;
    }
    return r % 10 == dv(b[n - 1]) ? NULL : BAD_CHECK;
}

static const char *vat_lu(const char *b, size_t n)
{
    long v = 0;
    for (int i = 0; i < 6; i++)
        v = v * 10 + dv(b[i]);
    return v % 89 == dv(b[6]) * 10 + dv(b[7]) ? NULL : BAD_CHECK;
}

static const char *vat_lv(const char *b, size_t n)
{
    static const int w[11] = {9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1};
    if (b[0] <= '3')
        return NULL; /* natural person's code: no published check */
    return weighted_sum(b, w, 11) % 11 == 3 ? NULL : BAD_CHECK;
}

static const char *vat_mt(const char *b, size_t n)
{
    static const int w[8] = {3, 4, 6, 7, 8, 9, 10, 1};
    return weighted_sum(b, w, 8) % 37 == 0 ? NULL : BAD_CHECK;
}

static const char *vat_nl(const char *b, size_t n)
{
    /* RSIN/BSN "elfproef" (weights 9..2, then -1), or since 2020 for sole
     * traders: "NL" + the whole id passes ISO 7064 MOD 97-10. */
    static const int w[8] = {9, 8, 7, 6, 5, 4, 3, 2};
    if ((weighted_sum(b, w, 8) - dv(b[8])) % 11 == 0)
        return NULL;
    char full[16] = "NL";
    memcpy(full + 2, b, 12);
    return mod97(full, 14) == 1 ? NULL : BAD_CHECK;
}

static const char *vat_pl(const char *b, size_t n)
{
    return weighted_sum(b, nip_weights, 9) % 11 == dv(b[9]) ? NULL : BAD_CHECK;
}

static const char *vat_pt(const char *b, size_t n)
{
    static const int w[8] = {9, 8, 7, 6, 5, 4, 3, 2};
    return (11 - weighted_sum(b, w, 8) % 11) % 11 % 10 == dv(b[8]) ? NULL : BAD_CHECK;
}

static const char *vat_ro(const char *b, size_t n)
{
    static const int w[9] = {7, 5, 3, 2, 1, 7, 5, 3, 2};
    size_t body = n - 1, pad = 9 - body;
    int sum = weighted_sum(b, w + pad, body);
    return sum * 10 % 11 % 10 == dv(b[n - 1]) ? NULL : BAD_CHECK;
}

static const char *vat_se(const char *b, size_t n)
{
    return luhn_ok(b, 10) ? NULL : BAD_CHECK;
}

static const char *vat_si(const char *b, size_t n)
{
    static const int w[7] = {8, 7, 6, 5, 4, 3, 2};
    int c = 11 - weighted_sum(b, w, 7) % 11;
    if (c == 11)
        return BAD_CHECK;
    return c % 10 == dv(b[7]) ? NULL : BAD_CHECK;
}

static const char *vat_sk(const char *b, size_t n)
{
    if (!strchr("234789", b[2]))
        return "the third digit must be 2, 3, 4, 7, 8 or 9";
    int64_t v = 0;
    for (int i = 0; i < 10; i++)
        v = v * 10 + dv(b[i]);
    return v % 11 == 0 ? NULL : BAD_CHECK;
}

static const char *vat_xi(const char *b, size_t n)
{
    if (n == 5) {
        int v = dv(b[2]) * 100 + dv(b[3]) * 10 + dv(b[4]);
        if (b[0] == 'G' && v >= 500)
            return "government departments are numbered GD000 to GD499";
        if (b[0] == 'H' && v < 500)
            return "health authorities are numbered HA500 to HA999";
        return NULL;
    }
    static const int w[9] = {8, 7, 6, 5, 4, 3, 2, 10, 1};
    int r = weighted_sum(b, w, 9) % 97;
    bool modern = dv(b[0]) * 100 + dv(b[1]) * 10 + dv(b[2]) >= 100;
    return r == 0 || (modern && (r == 42 || r == 55)) ? NULL : BAD_CHECK;
}

/*
 * One row per prefix. `shape` is the user-facing form of `pattern`;
 * `coverage` is the table column that says how much the check digits prove:
 * every country here has a public algorithm for at least its common form.
 */
static const struct vat_country {
    const char *prefix;
    const char *country;
    const char *pattern;
    const char *shape;
    vat_check_fn *check;
    const char *coverage;
} vat_countries[] = {
    {.prefix = "AT",
     .country = "Austria",
     .pattern = "Un{8}",
     .shape = "U followed by 8 digits",
     .check = vat_at,
     .coverage = "checksum"},
    {.prefix = "BE",
     .country = "Belgium",
     .pattern = "0n{9}|1n{9}",
     .shape = "10 digits starting with 0 or 1",
     .check = vat_be,
     .coverage = "checksum"},
    {.prefix = "BG",
     .country = "Bulgaria",
     .pattern = "n{9,10}",
     .shape = "9 or 10 digits",
     .check = vat_bg,
     .coverage = "checksum"},
    {.prefix = "CY",
     .country = "Cyprus",
     .pattern = "n{8}a",
     .shape = "8 digits and a letter",
     .check = vat_cy,
     .coverage = "checksum"},
    {.prefix = "CZ",
     .country = "Czechia",
     .pattern = "n{8,10}",
     .shape = "8, 9 or 10 digits",
     .check = vat_cz,
     .coverage = "checksum; 9-digit birth numbers not starting with 6 are format-only"},
    {.prefix = "DE",
     .country = "Germany",
     .pattern = "pn{8}",
     .shape = "9 digits, not starting with 0",
     .check = vat_de,
     .coverage = "checksum"},
    {.prefix = "DK",
     .country = "Denmark",
     .pattern = "pn{7}",
     .shape = "8 digits, not starting with 0",
     .check = vat_dk,
     .coverage = "checksum"},
    {.prefix = "EE",
     .country = "Estonia",
     .pattern = "n{9}",
     .shape = "9 digits",
     .check = vat_ee,
     .coverage = "checksum"},
    {.prefix = "EL",
     .country = "Greece",
     .pattern = "n{9}",
     .shape = "9 digits",
     .check = vat_el,
     .coverage = "checksum"},
    {.prefix = "ES",
     .country = "Spain",
     .pattern = "cn{7}c",
     .shape = "9 characters: a letter or digit, 7 digits, a letter or digit",
     .check = vat_es,
     .coverage = "checksum"},
    {.prefix = "FI",
     .country = "Finland",
     .pattern = "n{8}",
     .shape = "8 digits",
     .check = vat_fi,
     .coverage = "checksum"},
    {.prefix = "FR",
     .country = "France",
     .pattern = "c{2}n{9}",
     .shape = "2 letters or digits and 9 digits",
     .check = vat_fr,
     .coverage = "checksum"},
    {.prefix = "HR",
     .country = "Croatia",
     .pattern = "n{11}",
     .shape = "11 digits",
     .check = vat_hr,
     .coverage = "checksum"},
    {.prefix = "HU",
     .country = "Hungary",
     .pattern = "n{8}",
     .shape = "8 digits",
     .check = vat_hu,
     .coverage = "checksum"},
    {.prefix = "IE",
     .country = "Ireland",
     .pattern = "n{7}a{1,2}|nan{5}a",
     .shape = "7 digits and 1 or 2 letters (old form: digit, letter, 5 digits, letter)",
     .check = vat_ie,
     .coverage = "checksum"},
    {.prefix = "IT",
     .country = "Italy",
     .pattern = "n{11}",
     .shape = "11 digits",
     .check = vat_it,
     .coverage = "checksum"},
    {.prefix = "LT",
     .country = "Lithuania",
     .pattern = "n{9}|n{12}",
     .shape = "9 or 12 digits",
     .check = vat_lt,
     .coverage = "checksum"},
    {.prefix = "LU",
     .country = "Luxembourg",
     .pattern = "n{8}",
     .shape = "8 digits",
     .check = vat_lu,
     .coverage = "checksum"},
    {.prefix = "LV",
     .country = "Latvia",
     .pattern = "n{11}",
     .shape = "11 digits",
     .check = vat_lv,
     .coverage = "checksum for legal entities; natural persons (first digit 0-3) format-only"},
    {.prefix = "MT",
     .country = "Malta",
     .pattern = "pn{7}",
     .shape = "8 digits, not starting with 0",
     .check = vat_mt,
     .coverage = "checksum"},
    {.prefix = "NL",
     .country = "the Netherlands",
     .pattern = "n{9}Bn{2}",
     .shape = "9 digits, the letter B and 2 digits",
     .check = vat_nl,
     .coverage = "checksum (mod 11, or mod 97 for the 2020 sole-trader ids)"},
    {.prefix = "PL",
     .country = "Poland",
     .pattern = "n{10}",
     .shape = "10 digits (the NIP)",
     .check = vat_pl,
     .coverage = "checksum"},
    {.prefix = "PT",
     .country = "Portugal",
     .pattern = "pn{8}",
     .shape = "9 digits, not starting with 0",
     .check = vat_pt,
     .coverage = "checksum"},
    {.prefix = "RO",
     .country = "Romania",
     .pattern = "pn{1,9}",
     .shape = "2 to 10 digits, not starting with 0",
     .check = vat_ro,
     .coverage = "checksum"},
    {.prefix = "SE",
     .country = "Sweden",
     .pattern = "n{10}01",
     .shape = "10 digits followed by 01",
     .check = vat_se,
     .coverage = "checksum"},
    {.prefix = "SI",
     .country = "Slovenia",
     .pattern = "pn{7}",
     .shape = "8 digits, not starting with 0",
     .check = vat_si,
     .coverage = "checksum"},
    {.prefix = "SK",
     .country = "Slovakia",
     .pattern = "pn{9}",
     .shape = "10 digits, not starting with 0",
     .check = vat_sk,
     .coverage = "checksum"},
    {.prefix = "XI",
     .country = "Northern Ireland",
     .pattern = "n{9}|n{12}|GDn{3}|HAn{3}",
     .shape = "9 or 12 digits, or GD/HA and 3 digits",
     .check = vat_xi,
     .coverage = "checksum on the first 9 digits; GD/HA ranges only"},
};

int kt_valid_vat_id(const char *s, struct kt_err *err)
{
    char v[COMPACT_MAX + 1];
    int rc = compact(s, "VAT id", v, sizeof v, KT_EINVAL, err);
    if (rc < 0)
        return KT_EINVAL;
    if (!is_upper(v[0]) || !is_upper(v[1]))
        return kt_err_set(err, KT_EINVAL,
                          "VAT id %s must start with a two-letter country prefix such as DE.", v);
    if (strncmp(v, "GR", 2) == 0)
        return kt_err_set(err, KT_EINVAL, "VAT id %s: Greek VAT ids use the prefix EL, not GR.", v);
    if (strncmp(v, "GB", 2) == 0)
        return kt_err_set(err, KT_EINVAL,
                          "VAT id %s: GB numbers are not EU VAT ids; Northern Ireland traders "
                          "use the prefix XI.",
                          v);
    const struct vat_country *c = NULL;
    for (size_t i = 0; i < sizeof vat_countries / sizeof vat_countries[0]; i++)
        if (strncmp(v, vat_countries[i].prefix, 2) == 0)
            c = &vat_countries[i];
    if (!c)
        return kt_err_set(err, KT_EINVAL,
                          "VAT id %s: %.2s is not an EU country prefix (use EL for Greece, XI "
                          "for Northern Ireland).",
                          v, v);
    const char *body = v + 2;
    if (!pattern_match(c->pattern, body))
        return kt_err_set(err, KT_EINVAL, "VAT id %s: a VAT id from %s is %.2s and %s.", v,
                          c->country, c->prefix, c->shape);
    const char *why = c->check(body, strlen(body));
    if (why)
        return kt_err_set(err, KT_EINVAL, "VAT id %s is not valid for %s: %s.", v, c->country, why);
    return 0;
}

/* ---- IBAN ---- */

/*
 * BBAN structure per country in the notation of the SWIFT IBAN registry:
 * <length>!<n|a|c> (digits, upper-case letters, letters or digits). The
 * IBAN length is 4 plus the sum of the lengths.
 */
static const struct iban_country {
    const char *code;
    const char *bban;
} iban_countries[] = {
    {"AD", "4!n4!n12!c"},       {"AE", "3!n16!n"},
    {"AL", "8!n16!c"},          {"AT", "5!n11!n"},
    {"AZ", "4!a20!c"},          {"BA", "3!n3!n8!n2!n"},
    {"BE", "3!n7!n2!n"},        {"BG", "4!a4!n2!n8!c"},
    {"BH", "4!a14!c"},          {"BR", "8!n5!n10!n1!a1!c"},
    {"CH", "5!n12!c"},          {"CR", "4!n14!n"},
    {"CY", "3!n5!n16!c"},       {"CZ", "4!n6!n10!n"},
    {"DE", "8!n10!n"},          {"DK", "4!n9!n1!n"},
    {"DO", "4!c20!n"},          {"EE", "2!n2!n11!n1!n"},
    {"ES", "4!n4!n1!n1!n10!n"}, {"FI", "6!n7!n1!n"},
    {"FO", "4!n9!n1!n"},        {"FR", "5!n5!n11!c2!n"},
    {"GB", "4!a6!n8!n"},        {"GE", "2!a16!n"},
    {"GI", "4!a15!c"},          {"GL", "4!n9!n1!n"},
    {"GR", "3!n4!n16!c"},       {"GT", "4!c20!c"},
    {"HR", "7!n10!n"},          {"HU", "3!n4!n1!n15!n1!n"},
    {"IE", "4!a6!n8!n"},        {"IL", "3!n3!n13!n"},
    {"IS", "4!n2!n6!n10!n"},    {"IT", "1!a5!n5!n12!c"},
    {"JO", "4!a4!n18!c"},       {"KW", "4!a22!c"},
    {"KZ", "3!n13!c"},          {"LB", "4!n20!c"},
    {"LC", "4!a24!c"},          {"LI", "5!n12!c"},
    {"LT", "5!n11!n"},          {"LU", "3!n13!c"},
    {"LV", "4!a13!c"},          {"MC", "5!n5!n11!c2!n"},
    {"MD", "2!c18!c"},          {"ME", "3!n13!n2!n"},
    {"MK", "3!n10!c2!n"},       {"MR", "5!n5!n11!n2!n"},
    {"MT", "4!a5!n18!c"},       {"MU", "4!a2!n2!n12!n3!n3!a"},
    {"NL", "4!a10!n"},          {"NO", "4!n6!n1!n"},
    {"PK", "4!a16!c"},          {"PL", "8!n16!n"},
    {"PS", "4!a21!c"},          {"PT", "4!n4!n11!n2!n"},
    {"QA", "4!a21!c"},          {"RO", "4!a16!c"},
    {"RS", "3!n13!n2!n"},       {"SA", "2!n18!c"},
    {"SE", "3!n16!n1!n"},       {"SI", "5!n8!n2!n"},
    {"SK", "4!n6!n10!n"},       {"SM", "1!a5!n5!n12!c"},
    {"ST", "4!n4!n11!n2!n"},    {"TL", "3!n14!n2!n"},
    {"TN", "2!n3!n13!n2!n"},    {"TR", "5!n1!n16!c"},
    {"UA", "6!n19!c"},          {"VA", "3!n15!n"},
    {"VG", "4!a16!n"},          {"XK", "4!n10!n2!n"},
};

static size_t bban_length(const char *bban)
{
    size_t total = 0;
    const char *p = bban;
    while (*p) {
        total += (size_t)read_count(&p);
        p += 2; /* "!n" */
    }
    return total;
}

static const char *class_name(char cls)
{
    return cls == 'n' ? "a digit" : cls == 'a' ? "a letter" : "a letter or digit";
}

/* Index of the first character of bban that breaks the structure, or -1. */
static long bban_mismatch(const char *structure, const char *bban, char *want)
{
    const char *p = structure;
    long pos = 0;
    while (*p) {
        int count = read_count(&p);
        char cls = p[1];
        p += 2;
        for (int i = 0; i < count; i++, pos++) {
            char c = bban[pos];
            bool ok = cls == 'n'   ? is_digit(c)
                      : cls == 'a' ? is_upper(c)
                                   : is_digit(c) || is_upper(c);
            if (!ok) {
                *want = cls;
                return pos;
            }
        }
    }
    return -1;
}

/* Checks an upper-case IBAN without separators; `label` names it in errors. */
static int iban_check(const char *v, const char *label, struct kt_err *err)
{
    size_t n = strlen(v);
    if (n < 4 || !is_upper(v[0]) || !is_upper(v[1]))
        return kt_err_set(err, KT_EINVAL,
                          "%s %s must start with a two-letter country code such as PL.", label, v);
    if (!is_digit(v[2]) || !is_digit(v[3]))
        return kt_err_set(err, KT_EINVAL,
                          "%s %s: the country code must be followed by two check digits.", label,
                          v);
    const struct iban_country *c = NULL;
    for (size_t i = 0; i < sizeof iban_countries / sizeof iban_countries[0]; i++)
        if (strncmp(v, iban_countries[i].code, 2) == 0)
            c = &iban_countries[i];
    if (!c)
        return kt_err_set(err, KT_EINVAL, "%s %s: country %.2s does not use IBANs.", label, v, v);
    size_t want = 4 + bban_length(c->bban);
    if (n != want)
        return kt_err_set(err, KT_EINVAL, "%s %s has %zu characters; %.2s IBANs have %zu.", label,
                          v, n, v, want);
    char cls;
    long bad = bban_mismatch(c->bban, v + 4, &cls);
    if (bad >= 0)
        return kt_err_set(err, KT_EINVAL, "%s %s: character %ld (%c) should be %s.", label, v,
                          bad + 5, v[4 + bad], class_name(cls));
    /* Rearranged: BBAN, country code, "00" gives the remainder the check digits must fix. */
    char moved[COMPACT_MAX + 1];
    memcpy(moved, v + 4, n - 4);
    memcpy(moved + n - 4, v, 2);
    memcpy(moved + n - 2, "00", 2);
    int expected = 98 - mod97(moved, n);
    int given = dv(v[2]) * 10 + dv(v[3]);
    if (given != expected)
        return kt_err_set(err, KT_EINVAL, "%s %s: check digits are %02d, expected %02d.", label, v,
                          given, expected);
    return 0;
}

int kt_valid_iban(const char *s, struct kt_err *err)
{
    char v[COMPACT_MAX + 1];
    int rc = compact(s, "IBAN", v, sizeof v, KT_EINVAL, err);
    if (rc < 0)
        return KT_EINVAL;
    return iban_check(v, "IBAN", err);
}

int kt_valid_nrb(const char *s, struct kt_err *err)
{
    char v[COMPACT_MAX + 1];
    int rc = compact(s, "NRB", v, sizeof v, KT_EINVAL, err);
    if (rc < 0)
        return KT_EINVAL;
    const char *d = strncmp(v, "PL", 2) == 0 ? v + 2 : v;
    size_t n = strlen(d);
    if (!all_digits(d, n) || n != 26)
        return kt_err_set(err, KT_EINVAL, "NRB %s must consist of 26 digits.", d);
    char iban[COMPACT_MAX + 1] = "PL";
    memcpy(iban + 2, d, 27);
    return iban_check(iban, "NRB", err);
}

/* ---- EAN / UPC / GTIN ---- */

int kt_valid_ean(const char *s, struct kt_err *err)
{
    if (!s || !*s)
        return kt_err_set(err, KT_EINVAL, "EAN is empty.");
    size_t n = strlen(s);
    if (!all_digits(s, n))
        return kt_err_set(err, KT_EINVAL, "EAN \"%.40s\" must consist of digits only.", s);
    if (n != 8 && n != 12 && n != 13 && n != 14)
        return kt_err_set(err, KT_EINVAL,
                          "EAN %.40s has %zu digits; use 8 (EAN-8), 12 (UPC-A), 13 (EAN-13) "
                          "or 14 (GTIN-14).",
                          s, n);
    /* GS1: from the right, excluding the check digit, weights 3, 1, 3, ... */
    int sum = 0;
    for (size_t i = 1; i < n; i++)
        sum += dv(s[n - 1 - i]) * (i % 2 == 1 ? 3 : 1);
    int expected = (10 - sum % 10) % 10;
    if (dv(s[n - 1]) != expected)
        return kt_err_set(err, KT_EINVAL, "EAN %s: check digit is %d, expected %d.", s,
                          dv(s[n - 1]), expected);
    return 0;
}
