/*
 * base/fold: text folding for search. Turns text into the form that is
 * stored in search columns and compared with what a user types:
 * lower case, with Polish, German and other Latin diacritics removed
 * ("Żółw" -> "zolw", "Łódź" -> "lodz", "Straße" -> "strasse",
 * "Müller" -> "muller"), Cyrillic lower-cased. UTF-8 in, UTF-8 out.
 * Pure functions, thread-safe. Used by the catalog's product search
 * (through catalog/fold.h) and the parties' customer search.
 */
#ifndef KT_BASE_FOLD_H
#define KT_BASE_FOLD_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

enum {
    /* Keep letters and digits only: every run of other characters
     * (spaces, punctuation, symbols) becomes one space; no space at the ends. */
    KT_FOLD_WORDS = 1,
    /* German spelling without umlauts: ä -> ae, ö -> oe, ü -> ue
     * ("Müller" -> "mueller") instead of ä -> a ... */
    KT_FOLD_UMLAUT_E = 2,
};

/* Longest word (bytes) kept with KT_FOLD_WORDS; longer ones are cut on a
 * character boundary, for the index and the query alike. */
#define KT_FOLD_WORD_MAX 64

/*
 * Appends the folded form of s[0..n) to out. KT_EINVAL when s is not valid
 * UTF-8 (the message gives the byte offset), KT_ELIMIT/KT_ENOMEM from out.
 */
int kt_fold(const char *s, size_t n, unsigned flags, struct kt_buf *out, struct kt_err *err);

/*
 * Counts the characters (code points) of a NUL-terminated string; KT_EINVAL
 * when it is not valid UTF-8 or contains a control character (below U+0020,
 * U+007F..U+009F). *chars may be NULL.
 */
int kt_utf8_check(const char *s, size_t *chars, struct kt_err *err);

#endif
