/* The parties rules that need no database: the country table, the customer
 * defaults by country and VAT id, and the field checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "parties/check.h"
#include "parties/company.h"
#include "parties/country.h"
#include "parties/customer.h"

/* ---- country table ---- */

static void countries_are_sorted_unique_and_complete(void **state)
{
    (void)state;
    assert_int_equal(parties_country_count(), 249);
    for (size_t i = 1; i < parties_country_count(); i++)
        assert_true(strcmp(parties_country_at(i - 1)->code, parties_country_at(i)->code) < 0);
    assert_null(parties_country_at(parties_country_count()));
}

static void eu_has_27_members_with_euro_default_except_poland(void **state)
{
    static const char *const members[] = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI",
                                          "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
                                          "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"};
    size_t eu = 0;
    (void)state;
    for (size_t i = 0; i < parties_country_count(); i++)
        eu += parties_country_at(i)->eu != 0;
    assert_int_equal(eu, 27);
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
        const struct parties_country *c = parties_country_find(members[i]);
        assert_non_null(c);
        assert_true(c->eu);
        assert_string_equal(c->currency, strcmp(members[i], "PL") == 0 ? "PLN" : "EUR");
    }
}

static void every_country_has_three_names_and_a_rule_currency(void **state)
{
    (void)state;
    for (size_t i = 0; i < parties_country_count(); i++) {
        const struct parties_country *c = parties_country_at(i);
        assert_true(strlen(c->name_pl) > 0 && strlen(c->name_en) > 0 && strlen(c->name_de) > 0);
        const char *expect = strcmp(c->code, "PL") == 0 ? "PLN" : c->eu ? "EUR" : "USD";
        assert_string_equal(c->currency, expect);
    }
}

static void country_lookup_any_case_and_names(void **state)
{
    (void)state;
    const struct parties_country *c = parties_country_find("de");
    assert_non_null(c);
    assert_string_equal(c->code, "DE");
    assert_string_equal(parties_country_name(c, "pl"), "Niemcy");
    assert_string_equal(parties_country_name(c, "de"), "Deutschland");
    assert_string_equal(parties_country_name(c, "en"), "Germany");
    assert_string_equal(parties_country_name(parties_country_find("PL"), "pl"), "Polska");
    assert_null(parties_country_find("XX"));
    assert_null(parties_country_find("POL"));
    assert_null(parties_country_find(""));
    assert_null(parties_country_find(NULL));
}

static void unknown_country_error_names_it(void **state)
{
    const struct parties_country *c;
    struct kt_err err;
    (void)state;
    assert_int_equal(parties_country_get("XX", &c, &err), KT_EINVAL);
    assert_string_equal(err.msg,
                        "country XX: not an ISO 3166-1 code (use two letters such as PL, DE, US).");
}

static void postal_codes_per_country(void **state)
{
    char out[PARTIES_POSTAL_MAX + 1];
    struct kt_err err;
    (void)state;
    assert_int_equal(parties_postal_code_check("PL", " 00-950 ", out, sizeof out, &err), 0);
    assert_string_equal(out, "00-950");
    assert_int_equal(parties_postal_code_check("PL", "00950", out, sizeof out, &err), KT_EINVAL);
    assert_string_equal(err.msg, "postal code 00950: expected NN-NNN for PL, e.g. 12-345.");
    assert_int_equal(parties_postal_code_check("DE", "10115", out, sizeof out, &err), 0);
    assert_int_equal(parties_postal_code_check("DE", "1011", out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(parties_postal_code_check("CZ", "110 00", out, sizeof out, &err), 0);
    assert_int_equal(parties_postal_code_check("CZ", "11000", out, sizeof out, &err), 0);
    assert_int_equal(parties_postal_code_check("NL", "1012 ab", out, sizeof out, &err), 0);
    assert_string_equal(out, "1012 AB");
    assert_int_equal(parties_postal_code_check("US", "10001-1234", out, sizeof out, &err), 0);
    assert_int_equal(parties_postal_code_check("PT", "1000-001", out, sizeof out, &err), 0);
    /* No simple format: plausibility only. */
    assert_int_equal(parties_postal_code_check("GB", "SW1A 1AA", out, sizeof out, &err), 0);
    assert_int_equal(parties_postal_code_check("GB", "SW1A#1AA", out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(parties_postal_code_check("GB", "", out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(parties_postal_code_check("ZZ", "12345", out, sizeof out, &err), KT_EINVAL);
}

/* ---- customer defaults ---- */

struct defaults_case {
    const char *country;
    const char *vat_id;
    const char *currency;
    const char *lang;
    enum parties_doc_type doc;
};

static const struct defaults_case defaults_cases[] = {
    {"PL", NULL, "PLN", "pl", PARTIES_DOC_DOMESTIC},
    {"pl", "PL5261040828", "PLN", "pl", PARTIES_DOC_DOMESTIC},
    {"DE", "DE136695976", "EUR", "de", PARTIES_DOC_INTRA_EU},
    {"DE", NULL, "EUR", "de", PARTIES_DOC_DOMESTIC},
    {"DE", "", "EUR", "de", PARTIES_DOC_DOMESTIC},
    {"AT", "ATU13585627", "EUR", "de", PARTIES_DOC_INTRA_EU},
    {"CZ", "CZ25123891", "EUR", "en", PARTIES_DOC_INTRA_EU},
    {"CZ", NULL, "EUR", "en", PARTIES_DOC_DOMESTIC},
    {"FR", "FR40303265045", "EUR", "en", PARTIES_DOC_INTRA_EU},
    {"GR", "EL094259216", "EUR", "en", PARTIES_DOC_INTRA_EU},
    {"GB", NULL, "USD", "en", PARTIES_DOC_EXPORT},
    {"GB", "GB980780684", "USD", "en", PARTIES_DOC_EXPORT},
    {"GB", "XI980780684", "USD", "en", PARTIES_DOC_INTRA_EU},
    {"GB", "xi 980780684", "USD", "en", PARTIES_DOC_INTRA_EU},
    {"US", NULL, "USD", "en", PARTIES_DOC_EXPORT},
    {"US", "12-3456789", "USD", "en", PARTIES_DOC_EXPORT},
    {"CH", "CHE-123.456.788", "USD", "de", PARTIES_DOC_EXPORT},
    {"LI", NULL, "USD", "de", PARTIES_DOC_EXPORT},
    {"NO", "NO123456785MVA", "USD", "en", PARTIES_DOC_EXPORT},
    {"CN", NULL, "USD", "en", PARTIES_DOC_EXPORT},
};

static void defaults_by_country_and_vat_id(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof defaults_cases / sizeof defaults_cases[0]; i++) {
        const struct defaults_case *t = &defaults_cases[i];
        char currency[4] = "", lang[3] = "";
        enum parties_doc_type doc = PARTIES_DOC_AUTO;
        struct kt_err err;
        int rc = parties_customer_defaults(t->country, t->vat_id, currency, lang, &doc, &err);
        if (rc != 0)
            fail_msg("case %zu (%s): %s", i, t->country, err.msg);
        if (strcmp(currency, t->currency) != 0 || strcmp(lang, t->lang) != 0 || doc != t->doc)
            fail_msg("case %zu %s/%s: got %s %s %s", i, t->country, t->vat_id ? t->vat_id : "-",
                     currency, lang, parties_doc_type_name(doc));
    }
}

/* Every country of the table follows the rules, with and without VAT id. */
static void defaults_rule_holds_for_every_country(void **state)
{
    (void)state;
    for (size_t i = 0; i < parties_country_count(); i++) {
        const struct parties_country *c = parties_country_at(i);
        char currency[4], lang[3], vat[16];
        enum parties_doc_type with, without;
        struct kt_err err;
        memcpy(vat, c->code, 2);
        memcpy(vat + 2, "123456789", 10);
        assert_int_equal(parties_customer_defaults(c->code, vat, currency, lang, &with, &err), 0);
        assert_int_equal(parties_customer_defaults(c->code, NULL, currency, lang, &without, &err),
                         0);
        if (strcmp(c->code, "PL") == 0) {
            assert_int_equal(with, PARTIES_DOC_DOMESTIC);
            assert_string_equal(lang, "pl");
        } else if (c->eu) {
            assert_int_equal(with, PARTIES_DOC_INTRA_EU);
        } else {
            assert_int_equal(with, PARTIES_DOC_EXPORT);
        }
        assert_int_equal(without, c->eu ? PARTIES_DOC_DOMESTIC : PARTIES_DOC_EXPORT);
        assert_string_equal(currency, c->currency);
        assert_string_equal(lang, c->lang);
    }
}

static void defaults_unknown_country(void **state)
{
    char currency[4], lang[3];
    enum parties_doc_type doc;
    struct kt_err err;
    (void)state;
    assert_int_equal(parties_customer_defaults("XI", "XI980780684", currency, lang, &doc, &err),
                     KT_EINVAL);
    assert_non_null(strstr(err.msg, "country XI"));
}

static void enum_names_round_trip(void **state)
{
    struct kt_err err;
    enum parties_doc_type d;
    enum parties_tax_kind k;
    enum parties_payment_method m;
    (void)state;
    assert_int_equal(parties_doc_type_parse("intra_eu", &d, &err), 0);
    assert_int_equal(d, PARTIES_DOC_INTRA_EU);
    assert_string_equal(parties_doc_type_name(PARTIES_DOC_EXPORT), "export");
    assert_int_equal(parties_tax_kind_parse("eu_vat", &k, &err), 0);
    assert_int_equal(k, PARTIES_TAX_EU_VAT);
    assert_int_equal(parties_payment_method_parse("cod", &m, &err), 0);
    assert_int_equal(m, PARTIES_PAY_COD);
    assert_int_equal(parties_payment_method_parse("cheque", &m, &err), KT_EINVAL);
    assert_string_equal(err.msg, "payment method cheque: expected transfer, cash, cod or card.");
}

/* ---- field checks ---- */

static void emails(void **state)
{
    static const char *const good[] = {"jan@example.com", "a.b+c@sub.example.co.uk",
                                       " faktury@firma.pl "};
    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"jan.example.com", "e-mail jan.example.com: the @ is missing."},
        {"jan@", "e-mail jan@: the domain is missing."},
        {"jan@localhost", "e-mail jan@localhost: the domain needs a dot (example.com)."},
        {"@example.com", "e-mail @example.com: the part before @ must have 1 to 64 characters."},
        {"jan..kowalski@example.com",
         "e-mail jan..kowalski@example.com: dots must separate words before the @."},
        {"jan@exa_mple.com", "e-mail jan@exa_mple.com: the domain exa_mple.com is not valid."},
        {"jan@-example.com", "e-mail jan@-example.com: the domain -example.com is not valid."},
        {"ja n@example.com", "e-mail ja n@example.com: the character ' ' is not allowed."},
        {"jan@example..com", "e-mail jan@example..com: the domain example..com is not valid."},
    };
    char out[PARTIES_EMAIL_MAX + 1];
    struct kt_err err;
    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(parties_check_email("e-mail", good[i], out, sizeof out, &err), 0);
    assert_string_equal(out, "faktury@firma.pl");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parties_check_email("e-mail", bad[i].in, out, sizeof out, &err),
                         KT_EINVAL);
        assert_string_equal(err.msg, bad[i].msg);
    }
}

static void phones_codes_swift_text(void **state)
{
    char out[64];
    struct kt_err err;
    (void)state;
    assert_int_equal(parties_check_phone("+48 (61) 123-45-67", out, sizeof out, &err), 0);
    assert_int_equal(parties_check_phone("call me", out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(parties_check_phone("+48 1", out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(parties_check_code("customer code", "K-001/A", out, sizeof out, &err), 0);
    assert_int_equal(parties_check_code("customer code", "K 001", out, sizeof out, &err),
                     KT_EINVAL);
    assert_string_equal(err.msg, "customer code \"K 001\": use letters, digits and . _ - / only.");
    assert_int_equal(parties_check_swift("bpkoplpw", out, sizeof out, &err), 0);
    assert_string_equal(out, "BPKOPLPW");
    assert_int_equal(parties_check_swift("BPKOPLPWXXX", out, sizeof out, &err), 0);
    assert_int_equal(parties_check_swift("BPKOPLP", out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(parties_check_swift("BPK0PLPW", out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(parties_check_text("name", "  Żółw sp. z o.o. ", 1, 0, out, sizeof out, &err),
                     0);
    assert_string_equal(out, "Żółw sp. z o.o.");
    assert_int_equal(parties_check_text("name", "", 1, 0, out, sizeof out, &err), KT_EINVAL);
    assert_string_equal(err.msg, "name: required.");
    assert_int_equal(parties_check_text("name", "a\x01b", 1, 0, out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(parties_check_text("notes", "a\nb", 0, 1, out, sizeof out, &err), 0);
    assert_int_equal(parties_check_text("name", "\xC3\x28", 1, 0, out, sizeof out, &err),
                     KT_EINVAL);
    assert_string_equal(err.msg, "name: not valid UTF-8 text.");
}

static void iban_is_normalised(void **state)
{
    char out[PARTIES_IBAN_MAX + 1];
    struct kt_err err;
    (void)state;
    assert_int_equal(
        parties_check_iban("pl61 1090 1014 0000 0712 1981 2874", out, sizeof out, &err), 0);
    assert_string_equal(out, "PL61109010140000071219812874");
    assert_int_equal(parties_check_iban("DE88370400440532013000", out, sizeof out, &err),
                     KT_EINVAL);
    assert_string_equal(err.msg, "IBAN DE88370400440532013000: check digits are 88, expected 89.");
}

static void logo_types_by_magic(void **state)
{
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0};
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10};
    static const unsigned char elf[] = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0};
    (void)state;
    assert_string_equal(parties_logo_type(png, sizeof png), "image/png");
    assert_string_equal(parties_logo_type(jpeg, sizeof jpeg), "image/jpeg");
    assert_null(parties_logo_type(elf, sizeof elf));
    assert_null(parties_logo_type(png, 4)); /* truncated signature */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(countries_are_sorted_unique_and_complete),
        cmocka_unit_test(eu_has_27_members_with_euro_default_except_poland),
        cmocka_unit_test(every_country_has_three_names_and_a_rule_currency),
        cmocka_unit_test(country_lookup_any_case_and_names),
        cmocka_unit_test(unknown_country_error_names_it),
        cmocka_unit_test(postal_codes_per_country),
        cmocka_unit_test(defaults_by_country_and_vat_id),
        cmocka_unit_test(defaults_rule_holds_for_every_country),
        cmocka_unit_test(defaults_unknown_country),
        cmocka_unit_test(enum_names_round_trip),
        cmocka_unit_test(emails),
        cmocka_unit_test(phones_codes_swift_text),
        cmocka_unit_test(iban_is_normalised),
        cmocka_unit_test(logo_types_by_magic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
