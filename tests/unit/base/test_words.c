#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/words.h"

/* One row = one test case: the amount in minor units and the exact line. */
struct row {
    int64_t minor;
    const char *currency;
    const char *lang;
    enum kt_words_minor style;
    const char *want;
};

#define PL_1234567 "jeden milion dwieście trzydzieści cztery tysiące pięćset sześćdziesiąt siedem"
#define EN_1234567 "one million two hundred thirty-four thousand five hundred sixty-seven"
#define DE_1234567 "eine Million zweihundertvierunddreißigtausendfünfhundertsiebenundsechzig"

static const struct row rows[] = {
    /* PLN in Polish: złoty / złote / złotych */
    {1, "PLN", "pl", KT_WORDS_FRACTION, "zero złotych 01/100"},
    {100, "PLN", "pl", KT_WORDS_FRACTION, "jeden złoty 00/100"},
    {200, "PLN", "pl", KT_WORDS_FRACTION, "dwa złote 00/100"},
    {500, "PLN", "pl", KT_WORDS_FRACTION, "pięć złotych 00/100"},
    {1100, "PLN", "pl", KT_WORDS_FRACTION, "jedenaście złotych 00/100"},
    {1200, "PLN", "pl", KT_WORDS_FRACTION, "dwanaście złotych 00/100"},
    {2100, "PLN", "pl", KT_WORDS_FRACTION, "dwadzieścia jeden złotych 00/100"},
    {2200, "PLN", "pl", KT_WORDS_FRACTION, "dwadzieścia dwa złote 00/100"},
    {10000, "PLN", "pl", KT_WORDS_FRACTION, "sto złotych 00/100"},
    {12345, "PLN", "pl", KT_WORDS_FRACTION, "sto dwadzieścia trzy złote 45/100"},
    {100000, "PLN", "pl", KT_WORDS_FRACTION, "jeden tysiąc złotych 00/100"},
    {100000000, "PLN", "pl", KT_WORDS_FRACTION, "jeden milion złotych 00/100"},
    {123456789, "PLN", "pl", KT_WORDS_FRACTION, PL_1234567 " złotych 89/100"},
    /* tysiąc / tysiące / tysięcy, milion / miliony / milionów */
    {200000, "PLN", "pl", KT_WORDS_FRACTION, "dwa tysiące złotych 00/100"},
    {500000, "PLN", "pl", KT_WORDS_FRACTION, "pięć tysięcy złotych 00/100"},
    {1200000, "PLN", "pl", KT_WORDS_FRACTION, "dwanaście tysięcy złotych 00/100"},
    {2200000, "PLN", "pl", KT_WORDS_FRACTION, "dwadzieścia dwa tysiące złotych 00/100"},
    {11200000, "PLN", "pl", KT_WORDS_FRACTION, "sto dwanaście tysięcy złotych 00/100"},
    {10100000, "PLN", "pl", KT_WORDS_FRACTION, "sto jeden tysięcy złotych 00/100"},
    {200000000, "PLN", "pl", KT_WORDS_FRACTION, "dwa miliony złotych 00/100"},
    {500000000, "PLN", "pl", KT_WORDS_FRACTION, "pięć milionów złotych 00/100"},
    {1400000000, "PLN", "pl", KT_WORDS_FRACTION, "czternaście milionów złotych 00/100"},
    {2400000000, "PLN", "pl", KT_WORDS_FRACTION, "dwadzieścia cztery miliony złotych 00/100"},
    {100000000000, "PLN", "pl", KT_WORDS_FRACTION, "jeden miliard złotych 00/100"},
    {99999999999999, "PLN", "pl", KT_WORDS_FRACTION,
     "dziewięćset dziewięćdziesiąt dziewięć miliardów dziewięćset dziewięćdziesiąt dziewięć "
     "milionów dziewięćset dziewięćdziesiąt dziewięć tysięcy dziewięćset dziewięćdziesiąt "
     "dziewięć złotych 99/100"},
    {-12345, "PLN", "pl", KT_WORDS_FRACTION, "minus sto dwadzieścia trzy złote 45/100"},
    {INT64_MIN, "PLN", "pl", KT_WORDS_FRACTION,
     "minus dziewięćdziesiąt dwa biliardy dwieście trzydzieści trzy biliony siedemset "
     "dwadzieścia miliardów trzysta sześćdziesiąt osiem milionów pięćset czterdzieści siedem "
     "tysięcy siedemset pięćdziesiąt osiem złotych 08/100"},
    /* EUR in Polish: euro does not decline */
    {1, "EUR", "pl", KT_WORDS_FRACTION, "zero euro 01/100"},
    {100, "EUR", "pl", KT_WORDS_FRACTION, "jeden euro 00/100"},
    {200, "EUR", "pl", KT_WORDS_FRACTION, "dwa euro 00/100"},
    {500, "EUR", "pl", KT_WORDS_FRACTION, "pięć euro 00/100"},
    {1100, "EUR", "pl", KT_WORDS_FRACTION, "jedenaście euro 00/100"},
    {1200, "EUR", "pl", KT_WORDS_FRACTION, "dwanaście euro 00/100"},
    {2100, "EUR", "pl", KT_WORDS_FRACTION, "dwadzieścia jeden euro 00/100"},
    {2200, "EUR", "pl", KT_WORDS_FRACTION, "dwadzieścia dwa euro 00/100"},
    {10000, "EUR", "pl", KT_WORDS_FRACTION, "sto euro 00/100"},
    {12345, "EUR", "pl", KT_WORDS_FRACTION, "sto dwadzieścia trzy euro 45/100"},
    {100000, "EUR", "pl", KT_WORDS_FRACTION, "jeden tysiąc euro 00/100"},
    {100000000, "EUR", "pl", KT_WORDS_FRACTION, "jeden milion euro 00/100"},
    {123456789, "EUR", "pl", KT_WORDS_FRACTION, PL_1234567 " euro 89/100"},
    /* USD in Polish: dolar / dolary / dolarów */
    {1, "USD", "pl", KT_WORDS_FRACTION, "zero dolarów 01/100"},
    {100, "USD", "pl", KT_WORDS_FRACTION, "jeden dolar 00/100"},
    {200, "USD", "pl", KT_WORDS_FRACTION, "dwa dolary 00/100"},
    {500, "USD", "pl", KT_WORDS_FRACTION, "pięć dolarów 00/100"},
    {1100, "USD", "pl", KT_WORDS_FRACTION, "jedenaście dolarów 00/100"},
    {1200, "USD", "pl", KT_WORDS_FRACTION, "dwanaście dolarów 00/100"},
    {2100, "USD", "pl", KT_WORDS_FRACTION, "dwadzieścia jeden dolarów 00/100"},
    {2200, "USD", "pl", KT_WORDS_FRACTION, "dwadzieścia dwa dolary 00/100"},
    {10000, "USD", "pl", KT_WORDS_FRACTION, "sto dolarów 00/100"},
    {100000, "USD", "pl", KT_WORDS_FRACTION, "jeden tysiąc dolarów 00/100"},
    {100000000, "USD", "pl", KT_WORDS_FRACTION, "jeden milion dolarów 00/100"},
    {123456789, "USD", "pl", KT_WORDS_FRACTION, PL_1234567 " dolarów 89/100"},
    /* English */
    {1, "PLN", "en", KT_WORDS_FRACTION, "zero zlotys 01/100"},
    {100, "PLN", "en", KT_WORDS_FRACTION, "one zloty 00/100"},
    {200, "PLN", "en", KT_WORDS_FRACTION, "two zlotys 00/100"},
    {500, "PLN", "en", KT_WORDS_FRACTION, "five zlotys 00/100"},
    {1100, "PLN", "en", KT_WORDS_FRACTION, "eleven zlotys 00/100"},
    {1200, "PLN", "en", KT_WORDS_FRACTION, "twelve zlotys 00/100"},
    {2100, "PLN", "en", KT_WORDS_FRACTION, "twenty-one zlotys 00/100"},
    {2200, "PLN", "en", KT_WORDS_FRACTION, "twenty-two zlotys 00/100"},
    {10000, "PLN", "en", KT_WORDS_FRACTION, "one hundred zlotys 00/100"},
    {12345, "PLN", "en", KT_WORDS_FRACTION, "one hundred twenty-three zlotys 45/100"},
    {100000, "PLN", "en", KT_WORDS_FRACTION, "one thousand zlotys 00/100"},
    {100000000, "PLN", "en", KT_WORDS_FRACTION, "one million zlotys 00/100"},
    {123456789, "PLN", "en", KT_WORDS_FRACTION, EN_1234567 " zlotys 89/100"},
    {1, "EUR", "en", KT_WORDS_FRACTION, "zero euros 01/100"},
    {100, "EUR", "en", KT_WORDS_FRACTION, "one euro 00/100"},
    {200, "EUR", "en", KT_WORDS_FRACTION, "two euros 00/100"},
    {500, "EUR", "en", KT_WORDS_FRACTION, "five euros 00/100"},
    {1100, "EUR", "en", KT_WORDS_FRACTION, "eleven euros 00/100"},
    {1200, "EUR", "en", KT_WORDS_FRACTION, "twelve euros 00/100"},
    {2100, "EUR", "en", KT_WORDS_FRACTION, "twenty-one euros 00/100"},
    {2200, "EUR", "en", KT_WORDS_FRACTION, "twenty-two euros 00/100"},
    {10000, "EUR", "en", KT_WORDS_FRACTION, "one hundred euros 00/100"},
    {100000, "EUR", "en", KT_WORDS_FRACTION, "one thousand euros 00/100"},
    {100000000, "EUR", "en", KT_WORDS_FRACTION, "one million euros 00/100"},
    {123456789, "EUR", "en", KT_WORDS_FRACTION, EN_1234567 " euros 89/100"},
    {1, "USD", "en", KT_WORDS_FRACTION, "zero dollars 01/100"},
    {100, "USD", "en", KT_WORDS_FRACTION, "one dollar 00/100"},
    {200, "USD", "en", KT_WORDS_FRACTION, "two dollars 00/100"},
    {500, "USD", "en", KT_WORDS_FRACTION, "five dollars 00/100"},
    {1100, "USD", "en", KT_WORDS_FRACTION, "eleven dollars 00/100"},
    {1200, "USD", "en", KT_WORDS_FRACTION, "twelve dollars 00/100"},
    {2100, "USD", "en", KT_WORDS_FRACTION, "twenty-one dollars 00/100"},
    {2200, "USD", "en", KT_WORDS_FRACTION, "twenty-two dollars 00/100"},
    {10000, "USD", "en", KT_WORDS_FRACTION, "one hundred dollars 00/100"},
    {100000, "USD", "en", KT_WORDS_FRACTION, "one thousand dollars 00/100"},
    {100000000, "USD", "en", KT_WORDS_FRACTION, "one million dollars 00/100"},
    {123456789, "USD", "en", KT_WORDS_FRACTION, EN_1234567 " dollars 89/100"},
    {123400, "USD", "en", KT_WORDS_FRACTION, "one thousand two hundred thirty-four dollars 00/100"},
    {-100, "USD", "en", KT_WORDS_FRACTION, "minus one dollar 00/100"},
    /* German */
    {1, "PLN", "de", KT_WORDS_FRACTION, "null Złoty 01/100"},
    {100, "PLN", "de", KT_WORDS_FRACTION, "ein Złoty 00/100"},
    {200, "PLN", "de", KT_WORDS_FRACTION, "zwei Złoty 00/100"},
    {500, "PLN", "de", KT_WORDS_FRACTION, "fünf Złoty 00/100"},
    {1100, "PLN", "de", KT_WORDS_FRACTION, "elf Złoty 00/100"},
    {1200, "PLN", "de", KT_WORDS_FRACTION, "zwölf Złoty 00/100"},
    {2100, "PLN", "de", KT_WORDS_FRACTION, "einundzwanzig Złoty 00/100"},
    {2200, "PLN", "de", KT_WORDS_FRACTION, "zweiundzwanzig Złoty 00/100"},
    {10000, "PLN", "de", KT_WORDS_FRACTION, "einhundert Złoty 00/100"},
    {12345, "PLN", "de", KT_WORDS_FRACTION, "einhundertdreiundzwanzig Złoty 45/100"},
    {100000, "PLN", "de", KT_WORDS_FRACTION, "eintausend Złoty 00/100"},
    {100000000, "PLN", "de", KT_WORDS_FRACTION, "eine Million Złoty 00/100"},
    {123456789, "PLN", "de", KT_WORDS_FRACTION, DE_1234567 " Złoty 89/100"},
    {1, "EUR", "de", KT_WORDS_FRACTION, "null Euro 01/100"},
    {100, "EUR", "de", KT_WORDS_FRACTION, "ein Euro 00/100"},
    {200, "EUR", "de", KT_WORDS_FRACTION, "zwei Euro 00/100"},
    {500, "EUR", "de", KT_WORDS_FRACTION, "fünf Euro 00/100"},
    {1100, "EUR", "de", KT_WORDS_FRACTION, "elf Euro 00/100"},
    {1200, "EUR", "de", KT_WORDS_FRACTION, "zwölf Euro 00/100"},
    {2100, "EUR", "de", KT_WORDS_FRACTION, "einundzwanzig Euro 00/100"},
    {2200, "EUR", "de", KT_WORDS_FRACTION, "zweiundzwanzig Euro 00/100"},
    {10000, "EUR", "de", KT_WORDS_FRACTION, "einhundert Euro 00/100"},
    {100000, "EUR", "de", KT_WORDS_FRACTION, "eintausend Euro 00/100"},
    {100000000, "EUR", "de", KT_WORDS_FRACTION, "eine Million Euro 00/100"},
    {123456789, "EUR", "de", KT_WORDS_FRACTION, DE_1234567 " Euro 89/100"},
    {1, "USD", "de", KT_WORDS_FRACTION, "null US-Dollar 01/100"},
    {100, "USD", "de", KT_WORDS_FRACTION, "ein US-Dollar 00/100"},
    {200, "USD", "de", KT_WORDS_FRACTION, "zwei US-Dollar 00/100"},
    {500, "USD", "de", KT_WORDS_FRACTION, "fünf US-Dollar 00/100"},
    {1100, "USD", "de", KT_WORDS_FRACTION, "elf US-Dollar 00/100"},
    {1200, "USD", "de", KT_WORDS_FRACTION, "zwölf US-Dollar 00/100"},
    {2100, "USD", "de", KT_WORDS_FRACTION, "einundzwanzig US-Dollar 00/100"},
    {2200, "USD", "de", KT_WORDS_FRACTION, "zweiundzwanzig US-Dollar 00/100"},
    {10000, "USD", "de", KT_WORDS_FRACTION, "einhundert US-Dollar 00/100"},
    {100000, "USD", "de", KT_WORDS_FRACTION, "eintausend US-Dollar 00/100"},
    {100000000, "USD", "de", KT_WORDS_FRACTION, "eine Million US-Dollar 00/100"},
    {123456789, "USD", "de", KT_WORDS_FRACTION, DE_1234567 " US-Dollar 89/100"},
    {123400, "EUR", "de", KT_WORDS_FRACTION, "eintausendzweihundertvierunddreißig Euro 00/100"},
    {10100, "EUR", "de", KT_WORDS_FRACTION, "einhunderteins Euro 00/100"},
    {200000000, "EUR", "de", KT_WORDS_FRACTION, "zwei Millionen Euro 00/100"},
    {2100000000, "EUR", "de", KT_WORDS_FRACTION, "einundzwanzig Millionen Euro 00/100"},
    {100000000000, "EUR", "de", KT_WORDS_FRACTION, "eine Milliarde Euro 00/100"},
    {10100000000, "EUR", "de", KT_WORDS_FRACTION, "einhunderteine Millionen Euro 00/100"},
    {100000100, "EUR", "de", KT_WORDS_FRACTION, "eine Million eins Euro 00/100"},
    {2100100, "EUR", "de", KT_WORDS_FRACTION, "einundzwanzigtausendeins Euro 00/100"},
    {-12345, "EUR", "de", KT_WORDS_FRACTION, "minus einhundertdreiundzwanzig Euro 45/100"},
    /* Minor units spelled out: grosz / grosze / groszy */
    {12345, "PLN", "pl", KT_WORDS_SPELLED, "sto dwadzieścia trzy złote czterdzieści pięć groszy"},
    {101, "PLN", "pl", KT_WORDS_SPELLED, "jeden złoty jeden grosz"},
    {222, "PLN", "pl", KT_WORDS_SPELLED, "dwa złote dwadzieścia dwa grosze"},
    {512, "PLN", "pl", KT_WORDS_SPELLED, "pięć złotych dwanaście groszy"},
    {500, "PLN", "pl", KT_WORDS_SPELLED, "pięć złotych zero groszy"},
    {103, "EUR", "pl", KT_WORDS_SPELLED, "jeden euro trzy centy"},
    {105, "USD", "pl", KT_WORDS_SPELLED, "jeden dolar pięć centów"},
    {12345, "USD", "en", KT_WORDS_SPELLED, "one hundred twenty-three dollars forty-five cents"},
    {101, "USD", "en", KT_WORDS_SPELLED, "one dollar one cent"},
    {205, "PLN", "en", KT_WORDS_SPELLED, "two zlotys five groszy"},
    {101, "EUR", "de", KT_WORDS_SPELLED, "ein Euro ein Cent"},
    {12345, "PLN", "de", KT_WORDS_SPELLED, "einhundertdreiundzwanzig Złoty fünfundvierzig Groszy"},
};

#define NROWS (sizeof rows / sizeof rows[0])

static void row_is_written_exactly(void **state)
{
    const struct row *r = *state;
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    kt_err_clear(&err);
    int rc = kt_amount_in_words_ex(&b, r->minor, r->currency, r->lang, r->style, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(kt_buf_str(&b), r->want);
    kt_buf_release(&b);
}

static void fraction_form_is_the_default(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_amount_in_words(&b, 12345, "PLN", "pl", &err), 0);
    assert_string_equal(kt_buf_str(&b), "sto dwadzieścia trzy złote 45/100");
    kt_buf_release(&b);
}

static void words_append_to_existing_text(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_buf_adds(&b, "Słownie: "), 0);
    assert_int_equal(kt_amount_in_words(&b, 500, "PLN", "pl", &err), 0);
    assert_string_equal(kt_buf_str(&b), "Słownie: pięć złotych 00/100");
    kt_buf_release(&b);
}

static void other_currency_is_rejected_by_name(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_amount_in_words(&b, 100, "GBP", "pl", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "\"GBP\""));
    assert_int_equal(kt_amount_in_words(&b, 100, NULL, "pl", &err), KT_EINVAL);
    assert_int_equal(b.len, 0);
    kt_buf_release(&b);
}

static void other_language_is_rejected_by_name(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_amount_in_words(&b, 100, "PLN", "fr", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "\"fr\""));
    assert_int_equal(kt_amount_in_words(&b, 100, "PLN", NULL, &err), KT_EINVAL);
    assert_int_equal(b.len, 0);
    kt_buf_release(&b);
}

static void full_buffer_is_left_unchanged(void **state)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 16);
    assert_int_equal(kt_buf_adds(&b, "x"), 0);
    assert_int_equal(kt_amount_in_words(&b, 123456789, "PLN", "pl", &err), KT_ELIMIT);
    assert_int_equal(err.code, KT_ELIMIT);
    assert_string_equal(kt_buf_str(&b), "x");
    kt_buf_release(&b);
}

#define NUMBER_IS(n, lang, want)                                                                   \
    do {                                                                                           \
        struct kt_buf b_;                                                                          \
        struct kt_err e_;                                                                          \
        kt_buf_init(&b_, 0);                                                                       \
        assert_int_equal(kt_words_number(&b_, (n), (lang), &e_), 0);                               \
        assert_string_equal(kt_buf_str(&b_), (want));                                              \
        kt_buf_release(&b_);                                                                       \
    } while (0)

static void cardinal_numbers(void **state)
{
    NUMBER_IS(0, "pl", "zero");
    NUMBER_IS(0, "en", "zero");
    NUMBER_IS(0, "de", "null");
    NUMBER_IS(1, "de", "eins");
    NUMBER_IS(-5, "pl", "minus pięć");
    NUMBER_IS(919, "pl", "dziewięćset dziewiętnaście");
    NUMBER_IS(1001, "de", "eintausendeins");
    NUMBER_IS(17070, "en", "seventeen thousand seventy");
    NUMBER_IS(999999, "de", "neunhundertneunundneunzigtausendneunhundertneunundneunzig");
    NUMBER_IS(INT64_MAX, "en",
              "nine quintillion two hundred twenty-three quadrillion three hundred "
              "seventy-two trillion thirty-six billion eight hundred fifty-four million seven "
              "hundred seventy-five thousand eight hundred seven");
    NUMBER_IS(INT64_MIN, "de",
              "minus neun Trillionen zweihundertdreiundzwanzig Billiarden "
              "dreihundertzweiundsiebzig Billionen sechsunddreißig Milliarden "
              "achthundertvierundfünfzig Millionen "
              "siebenhundertfünfundsiebzigtausendachthundertacht");
    NUMBER_IS(2000000000000000000, "pl", "dwa tryliony");
}

int main(void)
{
    static char names[NROWS][96];
    static const char *const style_names[] = {"", " spelled"};
    struct CMUnitTest *tests = calloc(NROWS + 7, sizeof *tests);
    if (!tests)
        return 1;
    size_t n = 0;
    for (size_t i = 0; i < NROWS; i++) {
        snprintf(names[i], sizeof names[i], "words %s %s %lld%s", rows[i].currency, rows[i].lang,
                 (long long)rows[i].minor, style_names[rows[i].style]);
        tests[n++] = (struct CMUnitTest){.name = names[i],
                                         .test_func = row_is_written_exactly,
                                         .initial_state = (void *)&rows[i]};
    }
    const struct CMUnitTest more[] = {
        cmocka_unit_test(fraction_form_is_the_default),
        cmocka_unit_test(words_append_to_existing_text),
        cmocka_unit_test(other_currency_is_rejected_by_name),
        cmocka_unit_test(other_language_is_rejected_by_name),
        cmocka_unit_test(full_buffer_is_left_unchanged),
        cmocka_unit_test(cardinal_numbers),
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        tests[n++] = more[i];
    int failed = _cmocka_run_group_tests("words", tests, n, NULL, NULL);
    free(tests);
    return failed;
}
