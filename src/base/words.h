/*
 * Amounts in words, as printed on invoices ("słownie", "in words",
 * "in Worten").
 *
 * This module owns the number words of Polish, English and German, the
 * grammatical forms of the currency names, and the line printed on
 * documents:
 *   pl  PLN  sto dwadzieścia trzy złote 45/100
 *   pl  EUR  sto dwadzieścia trzy euro 45/100
 *   pl  USD  sto dwadzieścia trzy dolary 45/100
 *   en  PLN  one hundred twenty-three zlotys 45/100
 *   en  EUR  one hundred twenty-three euros 45/100
 *   en  USD  one hundred twenty-three dollars 45/100
 *   de  PLN  einhundertdreiundzwanzig Złoty 45/100
 *   de  EUR  einhundertdreiundzwanzig Euro 45/100
 *   de  USD  einhundertdreiundzwanzig US-Dollar 45/100
 *
 * Decisions:
 *   - Polish writes the leading one of a scale word: "jeden tysiąc",
 *     "jeden milion" (as on most Polish invoices; nothing can be prefixed).
 *     Forms: 1 -> złoty/tysiąc/milion; ending in 2-4 but not 12-14 ->
 *     złote/tysiące/miliony; otherwise (0, 5-21, 25 ...) złotych/tysięcy/
 *     milionów. Euro is indeclinable; dolar/dolary/dolarów.
 *   - English: American style without "and", hyphenated tens
 *     ("one thousand two hundred thirty-four"); the currency is singular
 *     only for exactly one unit ("one zloty", "zero zlotys", "two euros").
 *   - German: one word below a million, always with "ein-"
 *     ("einhundertdreiundzwanzig", "eintausendzweihundertvierunddreißig");
 *     "eine Million", "zwei Millionen", "eine Milliarde", scales separated
 *     by spaces. The number word is "eins" (einhunderteins, eine Million
 *     eins) except for an amount of exactly one unit, which is written as
 *     the article before the currency: "ein Euro 00/100".
 *   - Negative amounts start with "minus".
 *   - Every int64 amount is supported (up to 92 quadrillion units), well
 *     beyond 999 999 999 999,99.
 * Currencies: PLN, EUR, USD; others fail with KT_EINVAL.
 */
#ifndef KT_WORDS_H
#define KT_WORDS_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* How the minor units (grosze, cents) are written after the whole units. */
enum kt_words_minor {
    KT_WORDS_FRACTION, /* "45/100" — the invoice form */
    KT_WORDS_SPELLED,  /* "czterdzieści pięć groszy", "forty-five cents",
                          "fünfundvierzig Cent" */
};

/* Appends e.g. "sto dwadzieścia trzy złote 45/100" for 12345 PLN "pl". */
int kt_amount_in_words(struct kt_buf *out, int64_t minor, const char *currency, const char *lang,
                       struct kt_err *err);

/*
 * Like kt_amount_in_words, choosing how the minor units are written:
 * KT_WORDS_SPELLED gives "sto dwadzieścia trzy złote czterdzieści pięć
 * groszy" (grosz/grosze/groszy, cent/centy/centów in Polish; cent/cents;
 * Cent, Grosz/Groszy in German).
 */
int kt_amount_in_words_ex(struct kt_buf *out, int64_t minor, const char *currency, const char *lang,
                          enum kt_words_minor style, struct kt_err *err);

/* Appends the cardinal number in words: "dwadzieścia dwa", "twenty-two", "zweiundzwanzig". */
int kt_words_number(struct kt_buf *out, int64_t n, const char *lang, struct kt_err *err);

#endif
