/* Customers on a real database (SQLite or PostgreSQL per KT_TEST_BACKEND):
 * create with defaults and overrides, validation naming the field,
 * optimistic locking, list/search, addresses, contacts, bank accounts,
 * lookup by IBAN and the customer.changed events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/fold.h"
#include "fixture.h"
#include "parties/customer.h"
#include "store/migrate.h"
#include "store/store.h"

#define NIP_OK "5261040828"
#define IBAN_PL "PL61109010140000071219812874"
#define IBAN_DE "DE89370400440532013000"

static struct store *db(void **state)
{
    return ((struct fixture *)*state)->st;
}

static void customer(struct parties_customer *c, const char *code, const char *country,
                     const char *tax_id)
{
    parties_customer_init(c);
    kt_strlcpy(c->code, code, sizeof c->code);
    snprintf(c->name, sizeof c->name, "Customer %s", code);
    kt_strlcpy(c->country, country, sizeof c->country);
    if (tax_id != NULL)
        kt_strlcpy(c->tax_id, tax_id, sizeof c->tax_id);
}

static int64_t create_ok(void **state, struct parties_customer *c)
{
    struct kt_err err;
    if (parties_customer_create(db(state), c, &err) != 0)
        fail_msg("create %s: %s", c->code, err.msg);
    return c->id;
}

static int64_t events(void **state)
{
    return fixture_int(db(state), "SELECT count(*) FROM events WHERE type = 'customer.changed'",
                       NULL);
}

/* ---- defaults and overrides ---- */

static void polish_customer_gets_pln_pl_domestic(void **state)
{
    struct parties_customer c, got;
    struct kt_err err;
    customer(&c, "K001", "pl", "PL 526-104-08-28");
    create_ok(state, &c);
    assert_true(c.id > 0);
    assert_int_equal(c.version, 1);
    assert_int_equal(parties_customer_get(db(state), c.id, &got, &err), 0);
    assert_string_equal(got.code, "K001");
    assert_string_equal(got.country, "PL");
    assert_int_equal(got.tax_id_kind, PARTIES_TAX_NIP);
    assert_string_equal(got.tax_id, NIP_OK);
    assert_string_equal(got.currency, "PLN");
    assert_string_equal(got.lang, "pl");
    assert_int_equal(got.doc_type, PARTIES_DOC_DOMESTIC);
    assert_int_equal(got.doc_type_override, PARTIES_DOC_AUTO);
    assert_string_equal(got.currency_override, "");
    assert_int_equal(got.payment_days, 14);
    assert_int_equal(got.payment_method, PARTIES_PAY_TRANSFER);
    assert_int_equal(got.active, 1);
    assert_true(got.created_at > 0 && got.updated_at == got.created_at);
}

static void german_customer_with_and_without_vat_id(void **state)
{
    struct parties_customer with, without, got;
    struct kt_err err;
    customer(&with, "DE1", "DE", "de 136 695 976");
    customer(&without, "DE2", "DE", NULL);
    create_ok(state, &with);
    create_ok(state, &without);
    assert_int_equal(parties_customer_get_by_code(db(state), "DE1", &got, &err), 0);
    assert_int_equal(got.tax_id_kind, PARTIES_TAX_EU_VAT);
    assert_string_equal(got.tax_id, "DE136695976");
    assert_string_equal(got.currency, "EUR");
    assert_string_equal(got.lang, "de");
    assert_int_equal(got.doc_type, PARTIES_DOC_INTRA_EU);
    assert_int_equal(parties_customer_get_by_code(db(state), "DE2", &got, &err), 0);
    assert_int_equal(got.tax_id_kind, PARTIES_TAX_NONE);
    assert_int_equal(got.doc_type, PARTIES_DOC_DOMESTIC);
    assert_string_equal(got.currency, "EUR");
}

static void non_eu_customers_are_export_in_usd(void **state)
{
    static const char *const countries[] = {"US", "CH", "NO", "GB"};
    struct kt_err err;
    for (size_t i = 0; i < 4; i++) {
        struct parties_customer c, got;
        customer(&c, countries[i], countries[i], "TAX-123");
        create_ok(state, &c);
        assert_int_equal(parties_customer_get(db(state), c.id, &got, &err), 0);
        assert_int_equal(got.tax_id_kind, PARTIES_TAX_FOREIGN);
        assert_string_equal(got.tax_id, "TAX-123");
        assert_string_equal(got.currency, "USD");
        assert_string_equal(got.lang, strcmp(countries[i], "CH") == 0 ? "de" : "en");
        assert_int_equal(got.doc_type, PARTIES_DOC_EXPORT);
    }
}

static void northern_ireland_vat_id_is_intra_eu(void **state)
{
    struct parties_customer c;
    customer(&c, "NI1", "GB", "XI980780684");
    create_ok(state, &c);
    assert_int_equal(c.tax_id_kind, PARTIES_TAX_EU_VAT);
    assert_int_equal(c.doc_type, PARTIES_DOC_INTRA_EU);
    assert_string_equal(c.lang, "en");
}

static void czech_and_french_customers(void **state)
{
    struct parties_customer cz, fr;
    customer(&cz, "CZ1", "CZ", "CZ25123891");
    customer(&fr, "FR1", "FR", NULL);
    create_ok(state, &cz);
    create_ok(state, &fr);
    assert_int_equal(cz.doc_type, PARTIES_DOC_INTRA_EU);
    assert_string_equal(cz.currency, "EUR");
    assert_string_equal(cz.lang, "en");
    assert_int_equal(fr.doc_type, PARTIES_DOC_DOMESTIC);
}

static void overrides_are_kept_and_shown_as_such(void **state)
{
    struct parties_customer c, got;
    struct kt_err err;
    customer(&c, "OV1", "DE", "DE136695976");
    kt_strlcpy(c.currency_override, "pln", sizeof c.currency_override);
    kt_strlcpy(c.lang_override, "EN", sizeof c.lang_override);
    c.doc_type_override = PARTIES_DOC_DOMESTIC;
    create_ok(state, &c);
    assert_int_equal(parties_customer_get(db(state), c.id, &got, &err), 0);
    assert_string_equal(got.currency, "PLN");
    assert_string_equal(got.currency_override, "PLN");
    assert_string_equal(got.lang, "en");
    assert_string_equal(got.lang_override, "en");
    assert_int_equal(got.doc_type, PARTIES_DOC_DOMESTIC);
    assert_int_equal(got.doc_type_override, PARTIES_DOC_DOMESTIC);

    /* Moving the customer to Austria keeps the overrides... */
    kt_strlcpy(got.country, "AT", sizeof got.country);
    kt_strlcpy(got.tax_id, "ATU13585627", sizeof got.tax_id);
    got.tax_id_kind = PARTIES_TAX_NONE;
    assert_int_equal(parties_customer_update(db(state), &got, &err), 0);
    assert_string_equal(got.currency, "PLN");
    assert_string_equal(got.lang, "en");
    assert_int_equal(got.doc_type, PARTIES_DOC_DOMESTIC);
    /* ...and dropping them brings back the defaults of the new country. */
    got.currency_override[0] = '\0';
    got.lang_override[0] = '\0';
    got.doc_type_override = PARTIES_DOC_AUTO;
    assert_int_equal(parties_customer_update(db(state), &got, &err), 0);
    assert_string_equal(got.currency, "EUR");
    assert_string_equal(got.lang, "de");
    assert_int_equal(got.doc_type, PARTIES_DOC_INTRA_EU);
}

static void defaults_follow_a_country_change(void **state)
{
    struct parties_customer c, got;
    struct kt_err err;
    customer(&c, "MV1", "PL", NIP_OK);
    create_ok(state, &c);
    c.tax_id[0] = '\0';
    c.tax_id_kind = PARTIES_TAX_NONE;
    kt_strlcpy(c.country, "US", sizeof c.country);
    assert_int_equal(parties_customer_update(db(state), &c, &err), 0);
    assert_int_equal(parties_customer_get(db(state), c.id, &got, &err), 0);
    assert_string_equal(got.currency, "USD");
    assert_string_equal(got.lang, "en");
    assert_int_equal(got.doc_type, PARTIES_DOC_EXPORT);
    assert_int_equal(got.version, 2);
}

/* ---- validation names the field ---- */

static void expect_create_error(void **state, struct parties_customer *c, int code, const char *msg)
{
    struct kt_err err;
    int64_t before = events(state);
    assert_int_equal(parties_customer_create(db(state), c, &err), code);
    if (strcmp(err.msg, msg) != 0)
        fail_msg("expected \"%s\", got \"%s\"", msg, err.msg);
    assert_int_equal(events(state), before);
    assert_int_equal(
        fixture_int(db(state), "SELECT count(*) FROM customers WHERE code = ?1", c->code), 0);
}

static void invalid_nip_is_rejected_naming_customer_and_field(void **state)
{
    struct parties_customer c;
    customer(&c, "K001", "PL", "5261040827");
    expect_create_error(state, &c, KT_EINVAL,
                        "customer K001: NIP 5261040827: check digit is 7, expected 8.");
}

static void invalid_vat_ids_are_rejected(void **state)
{
    struct parties_customer c;
    customer(&c, "D1", "DE", "DE136695977");
    expect_create_error(
        state, &c, KT_EINVAL,
        "customer D1: VAT id DE136695977 is not valid for Germany: the check digits do not "
        "match.");
    customer(&c, "D2", "FR", "DE136695976");
    expect_create_error(state, &c, KT_EINVAL,
                        "customer D2: VAT id DE136695976: the prefix DE does not match the "
                        "country FR (expected FR).");
    customer(&c, "D3", "US", "DE136695976");
    c.tax_id_kind = PARTIES_TAX_EU_VAT;
    expect_create_error(state, &c, KT_EINVAL,
                        "customer D3: VAT id DE136695976: US is not in the EU VAT area; give a "
                        "foreign tax id instead.");
    customer(&c, "D4", "DE", NIP_OK);
    c.tax_id_kind = PARTIES_TAX_NIP;
    expect_create_error(state, &c, KT_EINVAL,
                        "customer D4: NIP 5261040828: a NIP is for customers in Poland; for DE "
                        "give an EU VAT id or a foreign tax id.");
}

static void other_fields_are_checked(void **state)
{
    struct parties_customer c;
    customer(&c, "F1", "PL", NIP_OK);
    kt_strlcpy(c.postal_code, "00950", sizeof c.postal_code);
    expect_create_error(state, &c, KT_EINVAL,
                        "customer F1: postal code 00950: expected NN-NNN for PL, e.g. 12-345.");
    customer(&c, "F2", "PL", NIP_OK);
    kt_strlcpy(c.document_email, "faktury@", sizeof c.document_email);
    expect_create_error(state, &c, KT_EINVAL,
                        "customer F2: document e-mail faktury@: the domain is missing.");
    customer(&c, "F3", "ZZ", NULL);
    expect_create_error(state, &c, KT_EINVAL,
                        "customer F3: country ZZ: not an ISO 3166-1 code (use two letters such "
                        "as PL, DE, US).");
    customer(&c, "F4", "PL", NIP_OK);
    kt_strlcpy(c.currency_override, "XYZ", sizeof c.currency_override);
    expect_create_error(state, &c, KT_EINVAL,
                        "customer F4: Unknown currency \"XYZ\": use PLN, EUR, USD, GBP, CZK, CHF, "
                        "SEK, NOK, DKK, HUF or JPY.");
    customer(&c, "F5", "PL", NIP_OK);
    c.name[0] = '\0';
    expect_create_error(state, &c, KT_EINVAL, "customer F5: name: required.");
    customer(&c, "F6", "PL", NIP_OK);
    c.payment_days = 400;
    expect_create_error(state, &c, KT_EINVAL, "customer F6: payment days 400: expected 0 to 365.");
    customer(&c, "F7", "PL", NIP_OK);
    kt_strlcpy(c.regon, "123456786", sizeof c.regon);
    expect_create_error(state, &c, KT_EINVAL,
                        "customer F7: REGON 123456786: check digit 6 (position 9) should be 5.");
    customer(&c, "F8", "DE", NULL);
    kt_strlcpy(c.regon, "123456785", sizeof c.regon);
    expect_create_error(state, &c, KT_EINVAL,
                        "customer F8: REGON 123456785: only customers in Poland have one.");
    customer(&c, "F9", "PL", NIP_OK);
    c.has_credit_limit = 1;
    c.credit_limit = -1;
    expect_create_error(state, &c, KT_EINVAL, "customer F9: credit limit: must not be negative.");
}

static void duplicate_code_is_eexist(void **state)
{
    struct parties_customer a, b;
    customer(&a, "DUP", "PL", NULL);
    create_ok(state, &a);
    customer(&b, "DUP", "DE", NULL);
    struct kt_err err;
    assert_int_equal(parties_customer_create(db(state), &b, &err), KT_EEXIST);
    assert_string_equal(err.msg, "customer DUP: the code is already taken by another customer.");
}

static void stored_fields_round_trip(void **state)
{
    struct parties_customer c, got;
    struct kt_err err;
    customer(&c, "RT", "PL", NIP_OK);
    kt_strlcpy(c.regon, "123-456-785", sizeof c.regon);
    kt_strlcpy(c.street, "ul. Żółwia 5", sizeof c.street);
    kt_strlcpy(c.postal_code, "61-001", sizeof c.postal_code);
    kt_strlcpy(c.city, "Poznań", sizeof c.city);
    kt_strlcpy(c.document_email, "faktury@example.pl", sizeof c.document_email);
    kt_strlcpy(c.notes, "line one\nline two", sizeof c.notes);
    c.payment_days = 30;
    c.payment_method = PARTIES_PAY_COD;
    c.has_credit_limit = 1;
    c.credit_limit = 5000000;
    create_ok(state, &c);
    assert_int_equal(parties_customer_get(db(state), c.id, &got, &err), 0);
    assert_string_equal(got.regon, "123456785");
    assert_string_equal(got.street, "ul. Żółwia 5");
    assert_string_equal(got.city, "Poznań");
    assert_string_equal(got.postal_code, "61-001");
    assert_string_equal(got.document_email, "faktury@example.pl");
    assert_string_equal(got.notes, "line one\nline two");
    assert_int_equal(got.payment_days, 30);
    assert_int_equal(got.payment_method, PARTIES_PAY_COD);
    assert_int_equal(got.has_credit_limit, 1);
    assert_int_equal(got.credit_limit, 5000000);
}

/* ---- optimistic locking ---- */

static void stale_update_is_a_conflict(void **state)
{
    struct parties_customer c, first, second;
    struct kt_err err;
    customer(&c, "K001", "PL", NIP_OK);
    create_ok(state, &c);
    assert_int_equal(parties_customer_get(db(state), c.id, &first, &err), 0);
    second = first;
    kt_strlcpy(first.name, "First writer", sizeof first.name);
    assert_int_equal(parties_customer_update(db(state), &first, &err), 0);
    assert_int_equal(first.version, 2);
    kt_strlcpy(second.name, "Second writer", sizeof second.name);
    int64_t before = events(state);
    assert_int_equal(parties_customer_update(db(state), &second, &err), KT_ECONFLICT);
    assert_string_equal(err.msg, "customer K001 was changed by someone else (now version 2); "
                                 "reload it and try again.");
    assert_int_equal(events(state), before);
    assert_int_equal(parties_customer_get(db(state), c.id, &c, &err), 0);
    assert_string_equal(c.name, "First writer");
}

static void update_of_missing_customer_is_not_found(void **state)
{
    struct parties_customer c;
    struct kt_err err;
    customer(&c, "GONE", "PL", NULL);
    c.id = 999;
    c.version = 1;
    assert_int_equal(parties_customer_update(db(state), &c, &err), KT_ENOTFOUND);
    assert_int_equal(parties_customer_get_by_code(db(state), "NOPE", &c, &err), KT_ENOTFOUND);
    assert_string_equal(err.msg, "customer NOPE: no such customer.");
}

static void code_can_change_but_not_to_a_taken_one(void **state)
{
    struct parties_customer a, b;
    struct kt_err err;
    customer(&a, "A1", "PL", NULL);
    customer(&b, "B1", "PL", NULL);
    create_ok(state, &a);
    create_ok(state, &b);
    kt_strlcpy(b.code, "A1", sizeof b.code);
    assert_int_equal(parties_customer_update(db(state), &b, &err), KT_EEXIST);
    kt_strlcpy(b.code, "B2", sizeof b.code);
    assert_int_equal(parties_customer_update(db(state), &b, &err), 0);
    assert_int_equal(parties_customer_get_by_code(db(state), "B2", &a, &err), 0);
    assert_int_equal(a.id, b.id);
}

/* ---- list and search ---- */

static void list_searches_code_name_and_nip_prefix(void **state)
{
    struct parties_customer c, *page;
    struct kt_arena arena;
    struct kt_err err;
    size_t n;
    int64_t total;

    customer(&c, "ALFA", "PL", NIP_OK);
    kt_strlcpy(c.name, "Hurtownia Alfa", sizeof c.name);
    create_ok(state, &c);
    customer(&c, "BETA", "DE", "DE136695976");
    kt_strlcpy(c.name, "Beta GmbH", sizeof c.name);
    create_ok(state, &c);
    customer(&c, "GAMMA", "DE", NULL);
    kt_strlcpy(c.name, "Alfa Handel", sizeof c.name);
    create_ok(state, &c);
    assert_int_equal(parties_customer_set_active(db(state), c.id, 0, &err), 0);

    kt_arena_init(&arena, 0);
    struct parties_customer_query q = {.search = "alf"};
    assert_int_equal(parties_customer_list(db(state), &q, &arena, &page, &n, &total, &err), 0);
    assert_int_equal(n, 1); /* GAMMA is inactive */
    assert_string_equal(page[0].code, "ALFA");
    q.include_inactive = 1;
    assert_int_equal(parties_customer_list(db(state), &q, &arena, &page, &n, &total, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(total, 2);
    q = (struct parties_customer_query){.search = "526-10"};
    assert_int_equal(parties_customer_list(db(state), &q, &arena, &page, &n, &total, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(page[0].code, "ALFA");
    q = (struct parties_customer_query){.search = "DE1366"};
    assert_int_equal(parties_customer_list(db(state), &q, &arena, &page, &n, &total, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(page[0].code, "BETA");
    q = (struct parties_customer_query){.country = "de", .include_inactive = 1};
    assert_int_equal(parties_customer_list(db(state), &q, &arena, &page, &n, &total, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(page[0].code, "BETA");
    assert_string_equal(page[1].code, "GAMMA");
    q = (struct parties_customer_query){.search = "%"};
    assert_int_equal(parties_customer_list(db(state), &q, &arena, &page, &n, &total, &err), 0);
    assert_int_equal(n, 0); /* LIKE wildcards are literal */
    kt_arena_release(&arena);
}

/* Codes of the customers a search finds (all, active and inactive), in code
 * order and separated by spaces, into out. */
static void found(void **state, const char *search, char *out, size_t n)
{
    struct parties_customer *page;
    struct kt_arena arena;
    struct kt_err err;
    size_t count;
    int64_t total;
    struct parties_customer_query q = {.search = search, .include_inactive = 1};

    kt_arena_init(&arena, 0);
    if (parties_customer_list(db(state), &q, &arena, &page, &count, &total, &err) != 0)
        fail_msg("search %s: %s", search, err.msg);
    assert_int_equal(total, (int64_t)count);
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%s", i ? " " : "", page[i].code);
    }
    kt_arena_release(&arena);
}

static void named(void **state, const char *code, const char *name)
{
    struct parties_customer c;
    customer(&c, code, "PL", NULL);
    kt_strlcpy(c.name, name, sizeof c.name);
    create_ok(state, &c);
}

static void search_ignores_case_and_diacritics(void **state)
{
    char got[256];
    named(state, "OGR", "Ogrodnictwo Żółw sp. z o.o.");
    named(state, "STR", "Straße GmbH");
    named(state, "LDZ", "ŁÓDŹ-Łąka");
    found(state, "zolw", got, sizeof got);
    assert_string_equal(got, "OGR");
    found(state, "ŻÓŁW", got, sizeof got);
    assert_string_equal(got, "OGR");
    found(state, "ogrodnictwo żółw", got, sizeof got);
    assert_string_equal(got, "OGR");
    found(state, "OGRODNICTWO ZOLW SP.", got, sizeof got);
    assert_string_equal(got, "OGR");
    found(state, "strasse", got, sizeof got);
    assert_string_equal(got, "STR");
    found(state, "STRASSE g", got, sizeof got);
    assert_string_equal(got, "STR");
    found(state, "łódź", got, sizeof got);
    assert_string_equal(got, "LDZ");
    found(state, "lodz-laka", got, sizeof got);
    assert_string_equal(got, "LDZ");
}

static void search_matches_word_starts_only(void **state)
{
    char got[256];
    named(state, "OGR", "Ogrodnictwo Żółw");
    named(state, "ZAB", "Żabka Polska");
    found(state, "olw", got, sizeof got); /* inside a word */
    assert_string_equal(got, "");
    found(state, "zolwie", got, sizeof got); /* longer than the word */
    assert_string_equal(got, "");
    found(state, "z", got, sizeof got); /* Żółw and Żabka, plus no code */
    assert_string_equal(got, "OGR ZAB");
    found(state, "zo%", got, sizeof got); /* % is literal */
    assert_string_equal(got, "");
    found(state, "_olw", got, sizeof got); /* _ is literal */
    assert_string_equal(got, "");
}

static void search_by_code_any_case(void **state)
{
    char got[256];
    named(state, "KL-001", "Ogrodnictwo Żółw");
    named(state, "KL-002", "Straße GmbH");
    named(state, "AB.7", "Klara Nowak");
    found(state, "kl-00", got, sizeof got);
    assert_string_equal(got, "KL-001 KL-002");
    found(state, "KL-002", got, sizeof got);
    assert_string_equal(got, "KL-002");
    found(state, "kl", got, sizeof got); /* code prefix or name word "Klara" */
    assert_string_equal(got, "AB.7 KL-001 KL-002");
    found(state, "ab.", got, sizeof got);
    assert_string_equal(got, "AB.7");
    found(state, "l-001", got, sizeof got); /* codes match from their start */
    assert_string_equal(got, "");
}

static void search_follows_a_renamed_customer(void **state)
{
    struct parties_customer c;
    struct kt_err err;
    char got[256];
    customer(&c, "REN", "PL", NULL);
    kt_strlcpy(c.name, "Stara Nazwa", sizeof c.name);
    create_ok(state, &c);
    kt_strlcpy(c.name, "Nowa Żółta Firma", sizeof c.name);
    assert_int_equal(parties_customer_update(db(state), &c, &err), 0);
    found(state, "stara", got, sizeof got);
    assert_string_equal(got, "");
    found(state, "ZOLTA", got, sizeof got);
    assert_string_equal(got, "REN");
    char fold[64];
    fixture_text(db(state), "SELECT search_fold FROM customers WHERE code = ?1", "REN", fold,
                 sizeof fold);
    assert_string_equal(fold, " nowa zolta firma");
}

/* Runs the backfill UPDATE of migration 0009 again, taken from the
 * migration text embedded in the binary. */
static void rerun_backfill(void **state)
{
    const struct store_migration *m = NULL;
    struct kt_err err;
    for (size_t i = 0; i < store_migrations_count; i++)
        if (strcmp(store_migrations[i].name, "customer_search") == 0)
            m = &store_migrations[i];
    assert_non_null(m);
    const char *sql = store_dialect(db(state)) == STORE_SQLITE ? m->sqlite_sql : m->postgres_sql;
    const char *update = strstr(sql, "UPDATE customers SET search_fold");
    assert_non_null(update);
    if (store_exec(db(state), update, &err) != 0)
        fail_msg("backfill: %s", err.msg);
}

/* The migration's backfill spells the fold out in SQL: clear search_fold,
 * run the backfill and compare with what parties stores through kt_fold. */
static void migration_backfill_matches_the_fold(void **state)
{
    static const char *const names[] = {
        "Ogrodnictwo Żółw sp. z o.o.",
        "Straße GmbH",
        "ŁÓDŹ ĄĘĆŃŚŹ",
        "Müller & Söhne ẞ",
        "ȘTEFAN Țară",
        "ОДЕСА Ёлка Ђ",
        "Ελλάδα ΑΒΓ",
        "Æble Œuvre Þór ĲSSEL",
    };
    char got[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char code[8];
        snprintf(code, sizeof code, "B%zu", i);
        named(state, code, names[i]);
    }
    struct kt_err err;
    assert_int_equal(store_exec(db(state), "UPDATE customers SET search_fold = ''", &err), 0);
    assert_int_equal(
        fixture_int(db(state), "SELECT count(*) FROM customers WHERE search_fold = ''", NULL),
        (int64_t)(sizeof names / sizeof names[0]));
    rerun_backfill(state);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char code[8];
        struct kt_buf b;
        snprintf(code, sizeof code, "B%zu", i);
        kt_buf_init(&b, 1024);
        assert_int_equal(kt_buf_addc(&b, ' '), 0);
        assert_int_equal(kt_fold(names[i], strlen(names[i]), 0, &b, &err), 0);
        fixture_text(db(state), "SELECT search_fold FROM customers WHERE code = ?1", code, got,
                     sizeof got);
        assert_string_equal(got, kt_buf_str(&b));
        kt_buf_release(&b);
    }
}

static void list_pages_in_code_order(void **state)
{
    struct parties_customer c, *page;
    struct kt_arena arena;
    struct kt_err err;
    size_t n;
    int64_t total;
    char code[16];

    for (int i = 9; i >= 0; i--) {
        snprintf(code, sizeof code, "P%02d", i);
        customer(&c, code, "PL", NULL);
        create_ok(state, &c);
    }
    kt_arena_init(&arena, 0);
    struct parties_customer_query q = {.limit = 4, .offset = 8};
    assert_int_equal(parties_customer_list(db(state), &q, &arena, &page, &n, &total, &err), 0);
    assert_int_equal(total, 10);
    assert_int_equal(n, 2);
    assert_string_equal(page[0].code, "P08");
    assert_string_equal(page[1].code, "P09");
    q.limit = 5000;
    assert_int_equal(parties_customer_list(db(state), &q, &arena, &page, &n, &total, &err),
                     KT_EINVAL);
    kt_arena_release(&arena);
}

/* ---- addresses ---- */

static void address(struct parties_address *a, int64_t customer_id, const char *label,
                    const char *postal)
{
    memset(a, 0, sizeof *a);
    a->customer_id = customer_id;
    kt_strlcpy(a->label, label, sizeof a->label);
    kt_strlcpy(a->street, "ul. Magazynowa 1", sizeof a->street);
    kt_strlcpy(a->postal_code, postal, sizeof a->postal_code);
    kt_strlcpy(a->city, "Poznań", sizeof a->city);
}

static void addresses_crud_with_one_default(void **state)
{
    struct parties_customer c;
    struct parties_address a1, a2, *list;
    struct kt_arena arena;
    struct kt_err err;
    size_t n;
    int64_t v;

    customer(&c, "ADR", "PL", NULL);
    create_ok(state, &c);
    address(&a1, c.id, "Main", "61-001");
    assert_int_equal(parties_address_add(db(state), c.version, &a1, &v, &err), 0);
    assert_int_equal(v, 2);
    assert_int_equal(a1.is_default, 1); /* the first one is the default */
    assert_string_equal(a1.country, "PL");
    address(&a2, c.id, "Berlin", "10115");
    kt_strlcpy(a2.country, "de", sizeof a2.country);
    a2.is_default = 1;
    assert_int_equal(parties_address_add(db(state), v, &a2, &v, &err), 0);
    assert_int_equal(v, 3);

    kt_arena_init(&arena, 0);
    assert_int_equal(parties_address_list(db(state), c.id, &arena, &list, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].label, "Berlin"); /* default first */
    assert_int_equal(list[0].is_default, 1);
    assert_string_equal(list[0].country, "DE");
    assert_int_equal(list[1].is_default, 0);

    kt_strlcpy(a1.city, "Gniezno", sizeof a1.city);
    a1.is_default = 1;
    assert_int_equal(parties_address_update(db(state), v, &a1, &v, &err), 0);
    assert_int_equal(parties_address_list(db(state), c.id, &arena, &list, &n, &err), 0);
    assert_string_equal(list[0].label, "Main");
    assert_string_equal(list[0].city, "Gniezno");
    assert_int_equal(list[1].is_default, 0);

    assert_int_equal(parties_address_remove(db(state), v, c.id, a2.id, &v, &err), 0);
    assert_int_equal(parties_address_list(db(state), c.id, &arena, &list, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(parties_address_remove(db(state), v, c.id, a2.id, &v, &err), KT_ENOTFOUND);
    assert_string_equal(err.msg, "customer ADR: no delivery address #2.");
    kt_arena_release(&arena);
}

static void address_errors(void **state)
{
    struct parties_customer c, other;
    struct parties_address a;
    struct kt_err err;
    int64_t v;

    customer(&c, "ADE", "PL", NULL);
    create_ok(state, &c);
    address(&a, c.id, "Main", "6100");
    assert_int_equal(parties_address_add(db(state), 0, &a, &v, &err), KT_EINVAL);
    assert_string_equal(err.msg, "customer ADE: address \"Main\": postal code 6100: expected "
                                 "NN-NNN for PL, e.g. 12-345.");
    address(&a, c.id, "Main", "61-001");
    assert_int_equal(parties_address_add(db(state), 0, &a, &v, &err), 0);
    address(&a, c.id, "Main", "61-002");
    assert_int_equal(parties_address_add(db(state), 0, &a, &v, &err), KT_EEXIST);
    /* A stale customer version is a conflict, and nothing is written. */
    address(&a, c.id, "Second", "61-002");
    assert_int_equal(parties_address_add(db(state), 1, &a, &v, &err), KT_ECONFLICT);
    assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM customer_addresses", NULL), 1);
    /* An address of one customer cannot be changed through another. */
    customer(&other, "OTH", "PL", NULL);
    create_ok(state, &other);
    address(&a, other.id, "Main", "61-001");
    a.id = 1;
    assert_int_equal(parties_address_update(db(state), 0, &a, &v, &err), KT_ENOTFOUND);
    address(&a, 999, "Main", "61-001");
    assert_int_equal(parties_address_add(db(state), 0, &a, &v, &err), KT_ENOTFOUND);
}

/* ---- contacts ---- */

static void contacts_crud_and_email_check(void **state)
{
    struct parties_customer c;
    struct parties_contact k, *list;
    struct kt_arena arena;
    struct kt_err err;
    size_t n;
    int64_t v;

    customer(&c, "CON", "PL", NULL);
    create_ok(state, &c);
    memset(&k, 0, sizeof k);
    k.customer_id = c.id;
    kt_strlcpy(k.name, "Anna Nowak", sizeof k.name);
    kt_strlcpy(k.email, "anna@", sizeof k.email);
    assert_int_equal(parties_contact_add(db(state), 0, &k, &v, &err), KT_EINVAL);
    assert_string_equal(
        err.msg, "customer CON: contact \"Anna Nowak\": e-mail anna@: the domain is missing.");
    kt_strlcpy(k.email, "anna@example.pl", sizeof k.email);
    kt_strlcpy(k.phone, "+48 600 100 200", sizeof k.phone);
    kt_strlcpy(k.role, "purchasing", sizeof k.role);
    assert_int_equal(parties_contact_add(db(state), 0, &k, &v, &err), 0);
    kt_strlcpy(k.role, "accounts", sizeof k.role);
    k.phone[0] = '\0';
    assert_int_equal(parties_contact_update(db(state), v, &k, &v, &err), 0);

    kt_arena_init(&arena, 0);
    assert_int_equal(parties_contact_list(db(state), c.id, &arena, &list, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].role, "accounts");
    assert_string_equal(list[0].phone, "");
    assert_string_equal(list[0].email, "anna@example.pl");
    assert_int_equal(parties_contact_remove(db(state), v, c.id, k.id, &v, &err), 0);
    assert_int_equal(parties_contact_list(db(state), c.id, &arena, &list, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(parties_contact_list(db(state), 999, &arena, &list, &n, &err), KT_ENOTFOUND);
    kt_arena_release(&arena);
}

/* ---- bank accounts and lookup by IBAN ---- */

static void bank_accounts_and_find_by_iban(void **state)
{
    struct parties_customer a, b, found;
    struct parties_bank_account acc, *list;
    struct kt_arena arena;
    struct kt_err err;
    size_t n;

    customer(&a, "BANKA", "PL", NULL);
    customer(&b, "BANKB", "DE", NULL);
    create_ok(state, &a);
    create_ok(state, &b);
    memset(&acc, 0, sizeof acc);
    acc.customer_id = a.id;
    kt_strlcpy(acc.iban, "PL61 1090 1014 0000 0712 1981 2875", sizeof acc.iban);
    assert_int_equal(parties_bank_account_add(db(state), 0, &acc, NULL, &err), KT_EINVAL);
    assert_string_equal(err.msg, "customer BANKA: bank account: IBAN "
                                 "PL61109010140000071219812875: check digits are 61, expected "
                                 "34.");
    kt_strlcpy(acc.iban, "pl61 1090 1014 0000 0712 1981 2874", sizeof acc.iban);
    kt_strlcpy(acc.bank_name, "Santander", sizeof acc.bank_name);
    assert_int_equal(parties_bank_account_add(db(state), 0, &acc, NULL, &err), 0);
    assert_string_equal(acc.iban, IBAN_PL);
    assert_int_equal(parties_bank_account_add(db(state), 0, &acc, NULL, &err), KT_EEXIST);

    assert_int_equal(parties_customer_find_by_iban(db(state), "PL61 1090 1014 0000 0712 1981 2874",
                                                   &found, &err),
                     0);
    assert_string_equal(found.code, "BANKA");
    assert_int_equal(parties_customer_find_by_iban(db(state), IBAN_DE, &found, &err), KT_ENOTFOUND);
    assert_int_equal(
        parties_customer_find_by_iban(db(state), "DE88370400440532013000", &found, &err),
        KT_EINVAL);

    /* The same account at two customers (e.g. a factoring company): ambiguous. */
    acc.id = 0;
    acc.customer_id = b.id;
    assert_int_equal(parties_bank_account_add(db(state), 0, &acc, NULL, &err), 0);
    assert_int_equal(parties_customer_find_by_iban(db(state), IBAN_PL, &found, &err), KT_ECONFLICT);
    assert_string_equal(err.msg, "IBAN " IBAN_PL ": belongs to several customers (BANKA, BANKB); "
                                 "decide which one paid.");

    kt_arena_init(&arena, 0);
    assert_int_equal(parties_bank_account_list(db(state), b.id, &arena, &list, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(parties_bank_account_remove(db(state), 0, b.id, list[0].id, NULL, &err), 0);
    assert_int_equal(parties_customer_find_by_iban(db(state), IBAN_PL, &found, &err), 0);
    assert_string_equal(found.code, "BANKA");
    kt_arena_release(&arena);
}

/* ---- events ---- */

static void each_change_emits_one_event_with_its_kind(void **state)
{
    struct parties_customer c;
    struct parties_contact k;
    struct kt_err err;
    char payload[256];

    customer(&c, "EV1", "PL", NULL);
    create_ok(state, &c);
    assert_int_equal(events(state), 1);
    fixture_text(db(state), "SELECT payload FROM events ORDER BY id DESC LIMIT 1", NULL, payload,
                 sizeof payload);
    char expect[128];
    snprintf(expect, sizeof expect,
             "{\"change\":\"created\",\"code\":\"EV1\",\"customer_id\":%lld}", (long long)c.id);
    assert_string_equal(payload, expect);

    assert_int_equal(parties_customer_update(db(state), &c, &err), 0);
    memset(&k, 0, sizeof k);
    k.customer_id = c.id;
    kt_strlcpy(k.name, "Jan", sizeof k.name);
    assert_int_equal(parties_contact_add(db(state), 0, &k, NULL, &err), 0);
    assert_int_equal(parties_customer_set_active(db(state), c.id, 0, &err), 0);
    assert_int_equal(events(state), 4);
    fixture_text(db(state), "SELECT payload FROM events ORDER BY id DESC LIMIT 1", NULL, payload,
                 sizeof payload);
    assert_non_null(strstr(payload, "\"change\":\"deactivated\""));
    assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM events WHERE payload LIKE ?1",
                                 "%contact.added%"),
                     1);
}

static void rolled_back_transaction_leaves_neither_customer_nor_event(void **state)
{
    struct parties_customer c;
    struct kt_err err;

    assert_int_equal(store_begin(db(state), &err), 0);
    customer(&c, "TX1", "PL", NIP_OK);
    assert_int_equal(parties_customer_create(db(state), &c, &err), 0);
    customer(&c, "TX2", "DE", NULL);
    assert_int_equal(parties_customer_create(db(state), &c, &err), 0);
    /* Inside the caller's transaction both are there, with their events. */
    assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM customers", NULL), 2);
    assert_int_equal(events(state), 2);
    store_rollback(db(state));
    assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM customers", NULL), 0);
    assert_int_equal(events(state), 0);
}

static void failed_commit_leaves_nothing(void **state)
{
    struct parties_customer c;
    struct kt_err err;

    customer(&c, "FC1", "PL", NIP_OK);
    /* Calls in create's own transaction: begin, prepare/bind/step of the
     * code check, the insert, the event ... Failing each one in turn must
     * leave no customer and no event behind. */
    for (long nth = 1; nth < 200; nth++) {
        struct parties_customer work = c;
        store_fault_inject(db(state), nth, KT_EUNAVAIL);
        int rc = parties_customer_create(db(state), &work, &err);
        int fired = store_fault_fired(db(state));
        store_fault_inject(db(state), 0, 0);
        if (!fired) {
            assert_int_equal(rc, 0);
            break;
        }
        assert_int_equal(rc, KT_EUNAVAIL);
        assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM customers", NULL), 0);
        assert_int_equal(events(state), 0);
    }
    assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM customers", NULL), 1);
    assert_int_equal(events(state), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(polish_customer_gets_pln_pl_domestic),
        T(german_customer_with_and_without_vat_id),
        T(non_eu_customers_are_export_in_usd),
        T(northern_ireland_vat_id_is_intra_eu),
        T(czech_and_french_customers),
        T(overrides_are_kept_and_shown_as_such),
        T(defaults_follow_a_country_change),
        T(invalid_nip_is_rejected_naming_customer_and_field),
        T(invalid_vat_ids_are_rejected),
        T(other_fields_are_checked),
        T(duplicate_code_is_eexist),
        T(stored_fields_round_trip),
        T(stale_update_is_a_conflict),
        T(update_of_missing_customer_is_not_found),
        T(code_can_change_but_not_to_a_taken_one),
        T(list_searches_code_name_and_nip_prefix),
        T(list_pages_in_code_order),
        T(search_ignores_case_and_diacritics),
        T(search_matches_word_starts_only),
        T(search_by_code_any_case),
        T(search_follows_a_renamed_customer),
        T(migration_backfill_matches_the_fold),
        T(addresses_crud_with_one_default),
        T(address_errors),
        T(contacts_crud_and_email_check),
        T(bank_accounts_and_find_by_iban),
        T(each_change_emits_one_event_with_its_kind),
        T(rolled_back_transaction_leaves_neither_customer_nor_event),
        T(failed_commit_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
