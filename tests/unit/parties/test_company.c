/* The own company on a real database: set/get with optimistic locking,
 * the logo in the blob store (type checked by magic bytes), bank accounts
 * per currency with one default each. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "fixture.h"
#include "parties/company.h"
#include "store/blob.h"

static struct store *db(void **state)
{
    return ((struct fixture *)*state)->st;
}

static void company(struct parties_company *c)
{
    memset(c, 0, sizeof *c);
    kt_strlcpy(c->name, "Kontor Handel sp. z o.o.", sizeof c->name);
    kt_strlcpy(c->nip, "PL 526-104-08-28", sizeof c->nip);
    kt_strlcpy(c->street, "ul. Długa 1", sizeof c->street);
    kt_strlcpy(c->postal_code, "00-950", sizeof c->postal_code);
    kt_strlcpy(c->city, "Warszawa", sizeof c->city);
}

static void not_set_up_is_not_found(void **state)
{
    struct parties_company c;
    struct kt_err err;
    assert_int_equal(parties_company_get(db(state), &c, &err), KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "kontor company set"));
}

static void set_then_get_normalised_with_defaults(void **state)
{
    struct parties_company c, got;
    struct kt_err err;
    company(&c);
    kt_strlcpy(c.regon, "123456785", sizeof c.regon);
    kt_strlcpy(c.default_warehouse, "MAG1", sizeof c.default_warehouse);
    kt_strlcpy(c.email_from_name, "Kontor – biuro", sizeof c.email_from_name);
    kt_strlcpy(c.email_from_address, "biuro@kontor.example", sizeof c.email_from_address);
    assert_int_equal(parties_company_set(db(state), &c, &err), 0);
    assert_int_equal(c.version, 1);
    assert_int_equal(parties_company_get(db(state), &got, &err), 0);
    assert_string_equal(got.nip, "5261040828");
    assert_string_equal(got.country, "PL");
    assert_string_equal(got.default_lang, "pl");
    assert_string_equal(got.default_warehouse, "MAG1");
    assert_string_equal(got.email_from_name, "Kontor – biuro");
    assert_string_equal(got.email_from_address, "biuro@kontor.example");
    assert_string_equal(got.regon, "123456785");
    assert_string_equal(got.logo_blob, "");
    assert_int_equal(
        fixture_int(db(state), "SELECT count(*) FROM events WHERE type = 'company.changed'", NULL),
        1);
}

static void nip_is_required_and_checked(void **state)
{
    struct parties_company c;
    struct kt_err err;
    company(&c);
    c.nip[0] = '\0';
    assert_int_equal(parties_company_set(db(state), &c, &err), KT_EINVAL);
    assert_string_equal(err.msg, "company: NIP: required (the seller's NIP is on every invoice).");
    company(&c);
    kt_strlcpy(c.nip, "5261040827", sizeof c.nip);
    assert_int_equal(parties_company_set(db(state), &c, &err), KT_EINVAL);
    assert_string_equal(err.msg, "company: NIP 5261040827: check digit is 7, expected 8.");
    company(&c);
    kt_strlcpy(c.email_from_address, "biuro", sizeof c.email_from_address);
    assert_int_equal(parties_company_set(db(state), &c, &err), KT_EINVAL);
    assert_string_equal(err.msg, "company: e-mail sender address biuro: the @ is missing.");
    company(&c);
    kt_strlcpy(c.default_lang, "fr", sizeof c.default_lang);
    assert_int_equal(parties_company_set(db(state), &c, &err), KT_EINVAL);
    assert_string_equal(err.msg, "company: default language fr: expected pl, en or de.");
    assert_int_equal(parties_company_get(db(state), &c, &err), KT_ENOTFOUND);
}

static void stale_company_write_is_a_conflict(void **state)
{
    struct parties_company a, b;
    struct kt_err err;
    company(&a);
    assert_int_equal(parties_company_set(db(state), &a, &err), 0);
    b = a;
    kt_strlcpy(a.city, "Kraków", sizeof a.city);
    kt_strlcpy(a.postal_code, "30-001", sizeof a.postal_code);
    assert_int_equal(parties_company_set(db(state), &a, &err), 0);
    assert_int_equal(a.version, 2);
    kt_strlcpy(b.city, "Gdańsk", sizeof b.city);
    assert_int_equal(parties_company_set(db(state), &b, &err), KT_ECONFLICT);
    /* A second "first set-up" is stale too. */
    company(&b);
    assert_int_equal(parties_company_set(db(state), &b, &err), KT_ECONFLICT);
    assert_int_equal(parties_company_get(db(state), &b, &err), 0);
    assert_string_equal(b.city, "Kraków");
}

static char data_dir[256];

static int data_dir_setup(void **state)
{
    snprintf(data_dir, sizeof data_dir, "/tmp/kt-parties-blob-XXXXXX");
    if (mkdtemp(data_dir) == NULL)
        return -1;
    return fixture_setup(state);
}

static int data_dir_teardown(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", data_dir);
    if (system(cmd) != 0)
        return -1;
    return fixture_teardown(state);
}

static void logo_png_and_jpeg_are_stored(void **state)
{
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                        0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
    struct parties_company c;
    struct kt_err err;
    struct kt_buf back;
    char hex[BLOB_HEX_LEN + 1];

    company(&c);
    assert_int_equal(parties_company_set_logo(db(state), data_dir, png, sizeof png, hex, &err),
                     KT_ENOTFOUND);
    assert_int_equal(parties_company_set(db(state), &c, &err), 0);
    assert_int_equal(parties_company_set_logo(db(state), data_dir, png, sizeof png, hex, &err), 0);
    assert_int_equal(parties_company_get(db(state), &c, &err), 0);
    assert_string_equal(c.logo_blob, hex);
    assert_string_equal(c.logo_type, "image/png");
    assert_int_equal(c.version, 2);
    kt_buf_init(&back, 0);
    assert_int_equal(blob_get(data_dir, hex, &back, 1024, &err), 0);
    assert_int_equal(back.len, sizeof png);
    assert_memory_equal(back.data, png, sizeof png);
    kt_buf_release(&back);

    assert_int_equal(parties_company_set_logo(db(state), data_dir, jpeg, sizeof jpeg, hex, &err),
                     0);
    assert_int_equal(parties_company_get(db(state), &c, &err), 0);
    assert_string_equal(c.logo_type, "image/jpeg");
}

static void logo_spoofing_and_size_are_rejected(void **state)
{
    static const unsigned char elf[] = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0};
    struct parties_company c;
    struct kt_err err;
    char hex[BLOB_HEX_LEN + 1];

    company(&c);
    assert_int_equal(parties_company_set(db(state), &c, &err), 0);
    assert_int_equal(parties_company_set_logo(db(state), data_dir, elf, sizeof elf, hex, &err),
                     KT_EINVAL);
    assert_string_equal(err.msg,
                        "company logo: not a PNG or JPEG image (checked by its first bytes).");
    unsigned char *big = calloc(1, PARTIES_LOGO_MAX + 1);
    assert_non_null(big);
    memcpy(big, "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal(
        parties_company_set_logo(db(state), data_dir, big, PARTIES_LOGO_MAX + 1, hex, &err),
        KT_ELIMIT);
    free(big);
    assert_int_equal(parties_company_get(db(state), &c, &err), 0);
    assert_string_equal(c.logo_blob, "");
}

static void account(struct parties_company_account *a, const char *currency, const char *iban)
{
    memset(a, 0, sizeof *a);
    kt_strlcpy(a->currency, currency, sizeof a->currency);
    kt_strlcpy(a->iban, iban, sizeof a->iban);
    kt_strlcpy(a->bank_name, "PKO BP", sizeof a->bank_name);
}

static void accounts_per_currency_with_default(void **state)
{
    struct parties_company_account pln1, pln2, eur, got, *list;
    struct kt_arena arena;
    struct kt_err err;
    size_t n;

    account(&pln1, "pln", "PL61 1090 1014 0000 0712 1981 2874");
    kt_strlcpy(pln1.swift, "wbkpplpp", sizeof pln1.swift);
    assert_int_equal(parties_company_account_add(db(state), &pln1, &err), 0);
    assert_int_equal(pln1.is_default, 1);
    assert_string_equal(pln1.swift, "WBKPPLPP");
    account(&pln2, "PLN", "PL27114020040000300201355387");
    assert_int_equal(parties_company_account_add(db(state), &pln2, &err), 0);
    assert_int_equal(pln2.is_default, 0);
    account(&eur, "EUR", "DE89370400440532013000");
    assert_int_equal(parties_company_account_add(db(state), &eur, &err), 0);

    assert_int_equal(parties_company_account_for(db(state), "PLN", &got, &err), 0);
    assert_int_equal(got.id, pln1.id);
    assert_int_equal(parties_company_account_for(db(state), "eur", &got, &err), 0);
    assert_string_equal(got.iban, "DE89370400440532013000");
    assert_int_equal(parties_company_account_for(db(state), "USD", &got, &err), KT_ENOTFOUND);
    assert_string_equal(err.msg, "the company has no bank account in USD (kontor company bank add "
                                 "--currency USD IBAN).");

    /* A new default replaces the old one of that currency only. */
    account(&pln2, "PLN", "PL10105000997603123456789123");
    pln2.is_default = 1;
    assert_int_equal(parties_company_account_add(db(state), &pln2, &err), 0);
    assert_int_equal(parties_company_account_for(db(state), "PLN", &got, &err), 0);
    assert_int_equal(got.id, pln2.id);
    /* Removing the default hands it to the oldest remaining account. */
    assert_int_equal(parties_company_account_remove(db(state), pln2.id, &err), 0);
    assert_int_equal(parties_company_account_for(db(state), "PLN", &got, &err), 0);
    assert_int_equal(got.id, pln1.id);
    assert_int_equal(parties_company_account_remove(db(state), pln2.id, &err), KT_ENOTFOUND);

    kt_arena_init(&arena, 0);
    assert_int_equal(parties_company_account_list(db(state), &arena, &list, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].currency, "EUR");
    assert_string_equal(list[1].currency, "PLN");
    assert_int_equal(list[1].is_default, 1);
    kt_arena_release(&arena);
}

static void account_errors(void **state)
{
    struct parties_company_account a;
    struct kt_err err;

    account(&a, "PLN", "PL61109010140000071219812875");
    assert_int_equal(parties_company_account_add(db(state), &a, &err), KT_EINVAL);
    assert_string_equal(err.msg, "company bank account: IBAN PL61109010140000071219812875: check "
                                 "digits are 61, expected 34.");
    account(&a, "PLN", "PL61109010140000071219812874");
    kt_strlcpy(a.swift, "PKO", sizeof a.swift);
    assert_int_equal(parties_company_account_add(db(state), &a, &err), KT_EINVAL);
    assert_string_equal(err.msg, "company bank account: SWIFT/BIC PKO: 3 characters, expected 8 "
                                 "or 11 (e.g. BPKOPLPW).");
    account(&a, "ZZZ", "PL61109010140000071219812874");
    assert_int_equal(parties_company_account_add(db(state), &a, &err), KT_EINVAL);
    account(&a, "PLN", "PL61109010140000071219812874");
    assert_int_equal(parties_company_account_add(db(state), &a, &err), 0);
    assert_int_equal(parties_company_account_add(db(state), &a, &err), KT_EEXIST);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
#define TB(fn) cmocka_unit_test_setup_teardown(fn, data_dir_setup, data_dir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(not_set_up_is_not_found),
        T(set_then_get_normalised_with_defaults),
        T(nip_is_required_and_checked),
        T(stale_company_write_is_a_conflict),
        TB(logo_png_and_jpeg_are_stored),
        TB(logo_spoofing_and_size_are_rejected),
        T(accounts_per_currency_with_default),
        T(account_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
