/*
 * Folding tables: Latin-1 Supplement and Latin Extended-A map to lower-case
 * ASCII (one or two letters); a few more ranges are handled in fold_cp.
 * Folded text is stored (customers.search_fold; migration 0009 spells this
 * mapping out in SQL for its backfill): a change to the mapping needs a new
 * migration that refreshes the stored column.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/fold.h"
#include "base/banned.h"

/* U+00C0 .. U+017F. NULL: not a letter (× ÷). */
static const char *const latin_fold[0x180 - 0xC0] = {
    /* C0 */ "a",  "a", "a",  "a",  "a", "a", "ae", "c",
    "e",           "e", "e",  "e",  "i", "i", "i",  "i",
    /* D0 */ "d",  "n", "o",  "o",  "o", "o", "o",  NULL,
    "o",           "u", "u",  "u",  "u", "y", "th", "ss",
    /* E0 */ "a",  "a", "a",  "a",  "a", "a", "ae", "c",
    "e",           "e", "e",  "e",  "i", "i", "i",  "i",
    /* F0 */ "d",  "n", "o",  "o",  "o", "o", "o",  NULL,
    "o",           "u", "u",  "u",  "u", "y", "th", "y",
    /* 100 */ "a", "a", "a",  "a",  "a", "a", "c",  "c",
    "c",           "c", "c",  "c",  "c", "c", "d",  "d",
    /* 110 */ "d", "d", "e",  "e",  "e", "e", "e",  "e",
    "e",           "e", "e",  "e",  "g", "g", "g",  "g",
    /* 120 */ "g", "g", "g",  "g",  "h", "h", "h",  "h",
    "i",           "i", "i",  "i",  "i", "i", "i",  "i",
    /* 130 */ "i", "i", "ij", "ij", "j", "j", "k",  "k",
    "k",           "l", "l",  "l",  "l", "l", "l",  "l",
    /* 140 */ "l", "l", "l",  "n",  "n", "n", "n",  "n",
    "n",           "n", "n",  "n",  "o", "o", "o",  "o",
    /* 150 */ "o", "o", "oe", "oe", "r", "r", "r",  "r",
    "r",           "r", "s",  "s",  "s", "s", "s",  "s",
    /* 160 */ "s", "s", "t",  "t",  "t", "t", "t",  "t",
    "u",           "u", "u",  "u",  "u", "u", "u",  "u",
    /* 170 */ "u", "u", "u",  "u",  "w", "w", "y",  "y",
    "y",           "z", "z",  "z",  "z", "z", "z",  "s",
};

/* Decodes one UTF-8 sequence at s[0..n); returns its length, 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static int is_separator(uint32_t c)
{
    if (c < 0x80)
        return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    return c <= 0xBF || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) ||
           (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF ||
           (c >= 0x1F000 && c <= 0x1FAFF);
}

static int put_cp(struct kt_buf *out, uint32_t c)
{
    char b[4];
    size_t n;
    if (c < 0x80) {
        b[0] = (char)c, n = 1;
    } else if (c < 0x800) {
        b[0] = (char)(0xC0 | (c >> 6)), b[1] = (char)(0x80 | (c & 0x3F)), n = 2;
    } else if (c < 0x10000) {
        b[0] = (char)(0xE0 | (c >> 12)), b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (char)(0x80 | (c & 0x3F)), n = 3;
    } else {
        b[0] = (char)(0xF0 | (c >> 18)), b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((c >> 6) & 0x3F)), b[3] = (char)(0x80 | (c & 0x3F)), n = 4;
    }
    return kt_buf_add(out, b, n);
}

/* Appends the folded form of one letter or digit. */
static int fold_cp(struct kt_buf *out, uint32_t c, unsigned flags)
{
    if (c < 0x80)
        return kt_buf_addc(out, (char)((c >= 'A' && c <= 'Z') ? c + 32 : c));
    if ((flags & KT_FOLD_UMLAUT_E) &&
        (c == 0xC4 || c == 0xE4 || c == 0xD6 || c == 0xF6 || c == 0xDC || c == 0xFC)) {
        const char *s = (c == 0xC4 || c == 0xE4) ? "ae" : (c == 0xD6 || c == 0xF6) ? "oe" : "ue";
        return kt_buf_adds(out, s);
    }
    if (c >= 0xC0 && c < 0x180 && latin_fold[c - 0xC0])
        return kt_buf_adds(out, latin_fold[c - 0xC0]);
    if (c == 0x1E9E) /* capital sharp s */
        return kt_buf_adds(out, "ss");
    if (c >= 0x218 && c <= 0x21B) /* Romanian comma-below s and t */
        return kt_buf_addc(out, c <= 0x219 ? 's' : 't');
    if (c >= 0x410 && c <= 0x42F) /* Cyrillic capitals А..Я */
        return put_cp(out, c + 0x20);
    if (c >= 0x400 && c <= 0x40F) /* Ѐ..Џ */
        return put_cp(out, c + 0x50);
    return put_cp(out, c);
}

int kt_fold(const char *s, size_t n, unsigned flags, struct kt_buf *out, struct kt_err *err)
{
    const unsigned char *p = (const unsigned char *)s;
    int words = (flags & KT_FOLD_WORDS) != 0;
    int pending_space = 0;
    size_t word_start = out->len;
    size_t start_len = out->len;
    size_t i = 0;
    int rc;

    while (i < n) {
        uint32_t c;
        size_t len = utf8_decode(p + i, n - i, &c);
        if (len == 0) {
            rc = kt_err_set(err, KT_EINVAL, "the text is not valid UTF-8 (byte %zu)", i + 1);
            goto fail;
        }
        i += len;
        if (words && is_separator(c)) {
            pending_space = out->len > start_len;
            continue;
        }
        if (pending_space) {
            if ((rc = kt_buf_addc(out, ' ')) < 0)
                goto full;
            pending_space = 0;
            word_start = out->len;
        }
        if (words && out->len - word_start >= KT_FOLD_WORD_MAX)
            continue;
        size_t before = out->len;
        if ((rc = fold_cp(out, c, flags)) < 0)
            goto full;
        if (words && out->len - word_start > KT_FOLD_WORD_MAX) {
            /* the last character crossed the cap: drop it whole */
            out->len = before;
            out->data[before] = '\0';
        }
    }
    return 0;
full:
    kt_err_set(err, rc, "the folded text does not fit in its buffer");
fail:
    out->len = start_len;
    if (out->data)
        out->data[start_len] = '\0';
    return rc;
}

int kt_utf8_check(const char *s, size_t *chars, struct kt_err *err)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, count = 0;
    while (i < n) {
        uint32_t c;
        size_t len = utf8_decode(p + i, n - i, &c);
        if (len == 0)
            return kt_err_set(err, KT_EINVAL, "is not valid UTF-8 (byte %zu)", i + 1);
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
            return kt_err_set(err, KT_EINVAL, "contains a control character (U+%04X at byte %zu)",
                              (unsigned)c, i + 1);
        i += len;
        count++;
    }
    if (chars)
        *chars = count;
    return 0;
}
