#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/validate.h"

/*
 * Every "valid" example below was checked with an independent Python
 * implementation of the same rules; every "invalid" one differs from a
 * valid one by a single character (or breaks one documented rule).
 */

typedef int validator_fn(const char *s, struct kt_err *err);

static void expect_valid(validator_fn *fn, const char *s)
{
    struct kt_err err = {0};
    int rc = fn(s, &err);
    if (rc != 0)
        fail_msg("\"%s\" rejected: %s", s, err.msg);
}

/* Rejected with KT_EINVAL; the message must contain `needle` (if given). */
static void expect_invalid(validator_fn *fn, const char *s, const char *needle)
{
    struct kt_err err = {0};
    int rc = fn(s, &err);
    if (rc != KT_EINVAL)
        fail_msg("\"%s\" accepted (rc %d)", s ? s : "(null)", rc);
    assert_int_equal(err.code, KT_EINVAL);
    assert_true(strlen(err.msg) > 10);
    if (needle && !strstr(err.msg, needle))
        fail_msg("message for \"%s\" is \"%s\", expected it to contain \"%s\"", s, err.msg, needle);
}

/* ---- NIP ---- */

static void nip_valid(void **state)
{
    expect_valid(kt_valid_nip, "5261040828");
    expect_valid(kt_valid_nip, "7680002466");
    expect_valid(kt_valid_nip, "526-104-08-28");
    expect_valid(kt_valid_nip, "526 10 40 828");
    expect_valid(kt_valid_nip, "PL5261040828");
    expect_valid(kt_valid_nip, "pl 526-104-08-28");
}

static void nip_wrong_check_digit(void **state)
{
    struct kt_err err;
    assert_int_equal(kt_valid_nip("5261040827", &err), KT_EINVAL);
    assert_string_equal(err.msg, "NIP 5261040827: check digit is 7, expected 8.");
    expect_invalid(kt_valid_nip, "7680002467", "expected 6");
    expect_invalid(kt_valid_nip, "5261040838", "check digit");
}

static void nip_remainder_ten_is_never_valid(void **state)
{
    /* 1234567890: weighted sum 230, 230 mod 11 = 10 */
    for (int d = 0; d <= 9; d++) {
        char s[11] = "123456789";
        s[9] = (char)('0' + d);
        expect_invalid(kt_valid_nip, s, "no check digit fits");
    }
}

static void nip_wrong_length_and_characters(void **state)
{
    expect_invalid(kt_valid_nip, "526104082", "has 9 digits");
    expect_invalid(kt_valid_nip, "52610408288", "has 11 digits");
    expect_invalid(kt_valid_nip, "52610408X8", "10 digits");
    expect_invalid(kt_valid_nip, "DE5261040828", "10 digits");
    expect_invalid(kt_valid_nip, "526/104/08/28", "character");
    expect_invalid(kt_valid_nip, "", "empty");
    expect_invalid(kt_valid_nip, "  - ", "empty");
    expect_invalid(kt_valid_nip, NULL, "empty");
    expect_invalid(kt_valid_nip, "5261040828526104082852610408285261040828526104082852610408",
                   "too long");
}

/* ---- REGON ---- */

static void regon_valid(void **state)
{
    expect_valid(kt_valid_regon, "123456785");
    expect_valid(kt_valid_regon, "012100784"); /* NBP */
    expect_valid(kt_valid_regon, "12345678512347");
    expect_valid(kt_valid_regon, "123-456-785");
}

static void regon_invalid(void **state)
{
    expect_invalid(kt_valid_regon, "123456786", "should be 5");
    expect_invalid(kt_valid_regon, "012100785", "should be 4");
    expect_invalid(kt_valid_regon, "12345678512348", "check digit is 8, expected 7");
    /* 14 digits whose own check digit fits but whose 9-digit prefix does not */
    expect_invalid(kt_valid_regon, "12345678612342", "position 9");
    expect_invalid(kt_valid_regon, "1234567851", "9 or 14 digits");
    expect_invalid(kt_valid_regon, "12345678A", "9 or 14 digits");
}

static void regon_remainder_ten_means_zero(void **state)
{
    /* 00000003: weighted sum 3 * 7 = 21, 21 mod 11 = 10, so the check digit is 0 */
    expect_valid(kt_valid_regon, "000000030");
    expect_invalid(kt_valid_regon, "000000031", "should be 0");
}

/* ---- EU VAT ids, one case per country ---- */

struct vat_case {
    const char *name;
    const char *valid[4];
    const char *invalid[4];
};

static const struct vat_case vat_cases[] = {
    {"vat_AT", {"ATU13585627", "AT U1358 5627"}, {"ATU13585628", "ATX13585627", "ATU1358562"}},
    {"vat_BE",
     {"BE0428759497", "BE1000000021", "BE 0428.759.497"},
     {"BE0428759498", "BE2428759497", "BE428759497"}},
    {"vat_BG",
     {"BG175074752", "BG7523169263", "BG7111042925"},
     {"BG175074753", "BG7523169264", "BG7111042926", "BG17507475"}},
    {"vat_CY", {"CY10259033P"}, {"CY10259034P", "CY12000000A", "CY102590331"}},
    {"vat_CZ",
     {"CZ25123891", "CZ640903926", "CZ7103192745"},
     {"CZ25123892", "CZ640903927", "CZ7103192746", "CZ95123891"}},
    {"vat_DE", {"DE136695976", "de 136 695 976"}, {"DE136695977", "DE036695976", "DE13669597"}},
    {"vat_DK", {"DK13585628"}, {"DK13585629", "DK03585628"}},
    {"vat_EE", {"EE100931558"}, {"EE100931559", "EE10093155"}},
    {"vat_EL", {"EL094259216"}, {"EL094259217", "EL09425921A"}},
    {"vat_ES",
     {"ESB64717838", "ES54362315K", "ESX5253868R", "ESJ99216582"},
     {"ESB64717839", "ES54362316K", "ESX5253869R", "ESI1234567A"}},
    {"vat_FI", {"FI20774740"}, {"FI20774741", "FI2077474"}},
    {"vat_FR",
     {"FR40303265045", "FRK7399859412", "FR4Z123456782"},
     {"FR40303265046", "FRK7399859413", "FRIO334175221", "FR4Z12345678A"}},
    {"vat_HR", {"HR33392005961"}, {"HR33392005962", "HR3339200596"}},
    {"vat_HU", {"HU12892312"}, {"HU12892313", "HU1289231"}},
    {"vat_IE",
     {"IE6433435F", "IE8D79739I", "IE1234567FA"},
     {"IE6433436F", "IE8D79730I", "IE1234568FA", "IE64334351"}},
    {"vat_IT", {"IT00743110157"}, {"IT00743110158", "IT00743112007", "IT00000000157"}},
    {"vat_LT", {"LT119511515", "LT100001919017"}, {"LT119511516", "LT100001919018", "LT119511522"}},
    {"vat_LU", {"LU15027442"}, {"LU15027443", "LU1502744"}},
    {"vat_LV", {"LV40003521600"}, {"LV40003521601", "LV4000352160"}},
    {"vat_MT", {"MT11679112", "MT 1167-9112"}, {"MT11679113", "MT01679112"}},
    {"vat_NL",
     {"NL004495445B01", "NL000099998B57"},
     {"NL004495446B01", "NL000099998B58", "NL004495445A01"}},
    {"vat_PL", {"PL5261040828", "PL7680002466"}, {"PL5261040829", "PL526104082"}},
    {"vat_PT", {"PT501964843"}, {"PT501964844", "PT001964843"}},
    {"vat_RO", {"RO18547290", "RO 185 472 90"}, {"RO18547291", "RO0185472", "RO12345678901"}},
    {"vat_SE", {"SE123456789701"}, {"SE123456789702", "SE123456789801"}},
    {"vat_SI", {"SI50223054"}, {"SI50223055", "SI05022305"}},
    {"vat_SK", {"SK2022749619"}, {"SK2022749610", "SK2052749619"}},
    {"vat_XI",
     {"XI980780684", "XI980780684001", "XIGD001", "XIHA500"},
     {"XI980780685", "XIGD500", "XIHA499", "XI98078068"}},
};

static void vat_country(void **state)
{
    const struct vat_case *c = *state;
    for (int i = 0; i < 4 && c->valid[i]; i++)
        expect_valid(kt_valid_vat_id, c->valid[i]);
    for (int i = 0; i < 4 && c->invalid[i]; i++)
        expect_invalid(kt_valid_vat_id, c->invalid[i], NULL);
}

static void vat_messages_explain_the_problem(void **state)
{
    expect_invalid(kt_valid_vat_id, "DE136695977",
                   "VAT id DE136695977 is not valid for Germany: the check digits do not match");
    expect_invalid(kt_valid_vat_id, "ATU1358562", "U followed by 8 digits");
    expect_invalid(kt_valid_vat_id, "ESI1234567A", "first character");
    expect_invalid(kt_valid_vat_id, "SK2052749619", "third digit");
    expect_invalid(kt_valid_vat_id, "IT00743112007", "tax office");
    expect_invalid(kt_valid_vat_id, "FRIO334175221", "cannot be I or O");
    expect_invalid(kt_valid_vat_id, "LT119511522", "8th digit must be 1");
}

static void vat_prefix_rules(void **state)
{
    expect_invalid(kt_valid_vat_id, "GR094259216", "use the prefix EL");
    expect_invalid(kt_valid_vat_id, "GB980780684", "use the prefix XI");
    expect_invalid(kt_valid_vat_id, "US123456789", "not an EU country prefix");
    expect_invalid(kt_valid_vat_id, "5261040828", "two-letter country prefix");
    expect_invalid(kt_valid_vat_id, "PL", "is PL and 10 digits");
    expect_invalid(kt_valid_vat_id, "", "empty");
    expect_invalid(kt_valid_vat_id, "PL 526+104", "character");
}

/* ---- IBAN and NRB ---- */

static const char *const valid_ibans[] = {
    "DE89370400440532013000",
    "GB82WEST12345698765432",
    "PL61109010140000071219812874",
    "AT611904300234573201",
    "BE68539007547034",
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "CH9300762011623852957",
    "IT60X0542811101000000123456",
    "ES9121000418450200051332",
    "NO9386011117947",
    "MT84MALT011000012345MTLCAST001S",
    "SE4550000000058398257466",
    "CZ6508000000192000145399",
    "LT121000011101001000",
    "HU42117730161111101800000000",
    "SK3112000000198742637541",
    "UA213223130000026007233566001",
    "VA59001123000012345678",
    "FI2112345600000785",
    "IE29AIBK93115212345678",
    "PT50000201231234567890154",
    "DK5000400440116243",
    "LU280019400644750000",
    "SI56263300012039086",
    "HR1210010051863000160",
    "RO49AAAA1B31007593840000",
    "BG80BNBG96611020345678",
    "CY17002001280000001200527600",
    "EE382200221020145685",
    "LV80BANK0000435195001",
    "GR1601101250000000012300695",
    "IS140159260076545510730339",
    "LI21088100002324013AA",
    "AD1200012030200359100100",
    "MC5811222000010123456789030",
    "SM86U0322509800000000270100",
    "AL47212110090000000235698741",
    "MD24AG000225100013104168",
    "ME25505000012345678951",
    "MK07250120000058984",
    "RS35260005601001611379",
};

static void iban_valid_for_many_countries(void **state)
{
    for (size_t i = 0; i < sizeof valid_ibans / sizeof valid_ibans[0]; i++)
        expect_valid(kt_valid_iban, valid_ibans[i]);
}

static void iban_any_single_digit_change_is_caught(void **state)
{
    for (size_t i = 0; i < sizeof valid_ibans / sizeof valid_ibans[0]; i++) {
        char s[40];
        size_t n = strlen(valid_ibans[i]);
        memcpy(s, valid_ibans[i], n + 1);
        for (size_t k = 2; k < n; k++) {
            if (s[k] < '0' || s[k] > '9')
                continue;
            char orig = s[k];
            s[k] = (char)(orig == '9' ? '0' : orig + 1);
            expect_invalid(kt_valid_iban, s, NULL);
            s[k] = orig;
        }
    }
}

static void iban_print_form_and_lower_case(void **state)
{
    expect_valid(kt_valid_iban, "PL61 1090 1014 0000 0712 1981 2874");
    expect_valid(kt_valid_iban, "de89 3704 0044 0532 0130 00");
}

static void iban_errors_name_the_problem(void **state)
{
    struct kt_err err;
    assert_int_equal(kt_valid_iban("DE88370400440532013000", &err), KT_EINVAL);
    assert_string_equal(err.msg, "IBAN DE88370400440532013000: check digits are 88, expected 89.");
    expect_invalid(kt_valid_iban, "DE8937040044053201300", "has 21 characters; DE IBANs have 22");
    expect_invalid(kt_valid_iban, "PL6110901014000007121981287", "have 28");
    expect_invalid(kt_valid_iban, "XX89370400440532013000", "does not use IBANs");
    expect_invalid(kt_valid_iban, "US12345678901234", "does not use IBANs");
    expect_invalid(kt_valid_iban, "8937040044053201300022", "country code");
    expect_invalid(kt_valid_iban, "DEXX370400440532013000", "two check digits");
    expect_invalid(kt_valid_iban, "DE8937040044053201300A", "character 22 (A) should be a digit");
    expect_invalid(kt_valid_iban, "GB82W3ST12345698765432", "should be a letter");
    expect_invalid(kt_valid_iban, "", "empty");
    expect_invalid(kt_valid_iban, "DE89 3704 0044 0532 0130 0000 0000 0000 0000 0000 0000",
                   "too long");
}

static void iban_check_digits_97_98_99(void **state)
{
    /* "99" is 2 mod 97, so it could satisfy mod 97 == 1 where "02" does; ISO
     * 13616 only issues 02..98 and the expected digits are reported. */
    expect_valid(kt_valid_iban, "GB02BARC20201530093451");
    expect_invalid(kt_valid_iban, "GB99BARC20201530093451", "expected 02");
}

static void nrb_valid(void **state)
{
    expect_valid(kt_valid_nrb, "61109010140000071219812874");
    expect_valid(kt_valid_nrb, "61 1090 1014 0000 0712 1981 2874");
    expect_valid(kt_valid_nrb, "PL61 1090 1014 0000 0712 1981 2874");
}

static void nrb_invalid(void **state)
{
    expect_invalid(kt_valid_nrb, "61109010140000071219812875", "NRB");
    expect_invalid(kt_valid_nrb, "62109010140000071219812874", "expected 61");
    expect_invalid(kt_valid_nrb, "6110901014000007121981287", "26 digits");
    expect_invalid(kt_valid_nrb, "611090101400000712198128744", "26 digits");
    expect_invalid(kt_valid_nrb, "DE89370400440532013000", "26 digits");
}

/* ---- EAN / UPC / GTIN ---- */

static void ean_valid(void **state)
{
    expect_valid(kt_valid_ean, "5901234123457");  /* EAN-13 */
    expect_valid(kt_valid_ean, "96385074");       /* EAN-8 */
    expect_valid(kt_valid_ean, "036000291452");   /* UPC-A */
    expect_valid(kt_valid_ean, "10012345678902"); /* GTIN-14 */
    expect_valid(kt_valid_ean, "4006381333931");
}

static void ean_wrong_check_digit(void **state)
{
    struct kt_err err;
    assert_int_equal(kt_valid_ean("5901234123458", &err), KT_EINVAL);
    assert_string_equal(err.msg, "EAN 5901234123458: check digit is 8, expected 7.");
    expect_invalid(kt_valid_ean, "96385075", "expected 4");
    expect_invalid(kt_valid_ean, "036000291453", "expected 2");
    expect_invalid(kt_valid_ean, "10012345678903", "expected 2");
    expect_invalid(kt_valid_ean, "5901234123447", "expected");
}

static void ean_wrong_length_or_characters(void **state)
{
    expect_invalid(kt_valid_ean, "590123412345", NULL); /* 12 digits, check fails */
    expect_invalid(kt_valid_ean, "5901234", "has 7 digits");
    expect_invalid(kt_valid_ean, "590123412345712", "has 15 digits");
    expect_invalid(kt_valid_ean, "590123412345X", "digits only");
    expect_invalid(kt_valid_ean, "5901234 123457", "digits only");
    expect_invalid(kt_valid_ean, "", "empty");
    expect_invalid(kt_valid_ean, NULL, "empty");
}

/* ---- normaliser ---- */

static void normalize_strips_and_uppercases(void **state)
{
    char out[32];
    assert_int_equal(kt_normalize_tax_id(" pl 526-104-08-28 ", out, sizeof out, NULL), 0);
    assert_string_equal(out, "PL5261040828");
    assert_int_equal(kt_normalize_tax_id("de.136.695.976", out, sizeof out, NULL), 0);
    assert_string_equal(out, "DE136695976");
}

static void normalize_rejects_and_limits(void **state)
{
    char out[8];
    struct kt_err err;
    assert_int_equal(kt_normalize_tax_id("PL5261040828", out, sizeof out, &err), KT_ELIMIT);
    assert_int_equal(kt_normalize_tax_id("PL/526", out, sizeof out, &err), KT_EINVAL);
    assert_string_equal(out, "");
    assert_int_equal(kt_normalize_tax_id(" - ", out, sizeof out, &err), KT_EINVAL);
    assert_int_equal(kt_normalize_tax_id("PL", out, 0, &err), KT_ELIMIT);
    assert_int_equal(kt_normalize_tax_id("ZAŻÓŁĆ", out, sizeof out, &err), KT_EINVAL);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(nip_valid),
        cmocka_unit_test(nip_wrong_check_digit),
        cmocka_unit_test(nip_remainder_ten_is_never_valid),
        cmocka_unit_test(nip_wrong_length_and_characters),
        cmocka_unit_test(regon_valid),
        cmocka_unit_test(regon_invalid),
        cmocka_unit_test(regon_remainder_ten_means_zero),
        cmocka_unit_test(vat_messages_explain_the_problem),
        cmocka_unit_test(vat_prefix_rules),
        cmocka_unit_test(iban_valid_for_many_countries),
        cmocka_unit_test(iban_any_single_digit_change_is_caught),
        cmocka_unit_test(iban_print_form_and_lower_case),
        cmocka_unit_test(iban_errors_name_the_problem),
        cmocka_unit_test(iban_check_digits_97_98_99),
        cmocka_unit_test(nrb_valid),
        cmocka_unit_test(nrb_invalid),
        cmocka_unit_test(ean_valid),
        cmocka_unit_test(ean_wrong_check_digit),
        cmocka_unit_test(ean_wrong_length_or_characters),
        cmocka_unit_test(normalize_strips_and_uppercases),
        cmocka_unit_test(normalize_rejects_and_limits),
    };
    enum { NFIXED = sizeof fixed / sizeof fixed[0], NVAT = sizeof vat_cases / sizeof vat_cases[0] };
    struct CMUnitTest tests[NFIXED + NVAT];
    memcpy(tests, fixed, sizeof fixed);
    for (size_t i = 0; i < NVAT; i++) {
        tests[NFIXED + i] = (struct CMUnitTest){
            .name = vat_cases[i].name,
            .test_func = vat_country,
            .initial_state = (void *)&vat_cases[i],
        };
    }
    return _cmocka_run_group_tests("test_validate", tests, NFIXED + NVAT, NULL, NULL);
}
