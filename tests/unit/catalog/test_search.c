#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "catalog/product.h"
#include "catalog/search.h"

static size_t search(struct fixture *f, const char *q, struct catalog_hit **hits)
{
    struct catalog_search_opts o;
    struct kt_err err;
    size_t n = 0;
    catalog_search_opts_init(&o);
    if (catalog_search(f->st, q, &o, &f->arena, hits, &n, &err) < 0)
        fail_msg("search %s: %s", q, err.msg);
    return n;
}

/* The code of the only hit of q, or fails. */
static void finds_only(struct fixture *f, const char *q, const char *code)
{
    struct catalog_hit *h;
    size_t n = search(f, q, &h);
    if (n != 1)
        fail_msg("\"%s\": %zu hits, expected only %s", q, n, code);
    assert_string_equal(h[0].code, code);
}

static int setup_names(void **state)
{
    if (fixture_setup(state) < 0)
        return -1;
    struct fixture *f = *state;
    fixture_create(f->st, "T-1", "Żółw ogrodowy", NULL, NULL);
    fixture_create(f->st, "T-2", "Mapa Łodzi", NULL, NULL);
    fixture_create(f->st, "T-3", "Tablica ulic", "Straßenschild", NULL);
    fixture_create(f->st, "T-4", "Kubek", "Tasse Müller", NULL);
    fixture_create(f->st, "T-5", "Łódź wiosłowa", NULL, NULL);
    return 0;
}

static void test_diacritics(void **state)
{
    struct fixture *f = *state;
    finds_only(f, "zolw", "T-1");
    finds_only(f, "ŻÓŁW", "T-1");
    finds_only(f, "Zol", "T-1");
    finds_only(f, "lodz wio", "T-5");
    struct catalog_hit *both;
    assert_int_equal(search(f, "LODZ", &both), 2); /* "Łódź" and "Łodzi" */
    assert_string_equal(both[0].code, "T-5");      /* "lodz wioslowa" < "mapa lodzi" */
    finds_only(f, "lodzi", "T-2");
    finds_only(f, "strasse", "T-3");
    finds_only(f, "straßensch", "T-3");
    finds_only(f, "muller", "T-4");
    finds_only(f, "mueller", "T-4");
    finds_only(f, "Müll", "T-4");
    finds_only(f, "ogrodowy zol", "T-1"); /* every word, in any order */
    struct catalog_hit *h;
    assert_int_equal(search(f, "ogrodowy lodz", &h), 0);
    assert_int_equal(search(f, "olw", &h), 0); /* word prefixes, not infixes */
}

static void test_hit_names_in_language(void **state)
{
    struct fixture *f = *state;
    struct catalog_search_opts o;
    struct catalog_hit *h;
    struct kt_err err;
    size_t n;
    catalog_search_opts_init(&o);
    o.lang = CATALOG_DE;
    assert_int_equal(catalog_search(f->st, "kubek", &o, &f->arena, &h, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(h[0].name, "Tasse Müller");
    assert_int_equal(catalog_search(f->st, "zolw", &o, &f->arena, &h, &n, &err), 0);
    assert_string_equal(h[0].name, "Żółw ogrodowy"); /* no German name: Polish */
}

static void test_rename_reindexes(void **state)
{
    struct fixture *f = *state;
    struct catalog_product p;
    struct catalog_hit *h;
    struct kt_err err;
    assert_int_equal(catalog_product_get_by_code(f->st, "T-1", &f->arena, &p, &err), 0);
    p.text[CATALOG_PL].name = "Jeż ogrodowy";
    assert_int_equal(catalog_product_update(f->st, &p, &err), 0);
    assert_int_equal(search(f, "zolw", &h), 0);
    finds_only(f, "jez", "T-1");
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM product_words WHERE product_id = 1"),
                     2);
    /* withdrawn products are not found unless asked for */
    assert_int_equal(catalog_product_set_active(f->st, p.id, 0, 0, NULL, &err), 0);
    assert_int_equal(search(f, "jez", &h), 0);
    struct catalog_search_opts o;
    size_t n;
    catalog_search_opts_init(&o);
    o.include_inactive = 1;
    assert_int_equal(catalog_search(f->st, "jez", &o, &f->arena, &h, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].active, 0);
}

static void test_bad_queries(void **state)
{
    struct fixture *f = *state;
    struct catalog_search_opts o;
    struct catalog_hit *h;
    struct kt_err err;
    size_t n;
    char big[CATALOG_QUERY_MAX + 2];
    catalog_search_opts_init(&o);
    assert_int_equal(catalog_search(f->st, "   ", &o, &f->arena, &h, &n, &err), KT_EINVAL);
    assert_int_equal(catalog_search(f->st, "a b c d e f g h i", &o, &f->arena, &h, &n, &err),
                     KT_EINVAL);
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(catalog_search(f->st, big, &o, &f->arena, &h, &n, &err), KT_ELIMIT);
    assert_int_equal(catalog_search(f->st, "ab\xff", &o, &f->arena, &h, &n, &err), KT_EINVAL);
    /* LIKE wildcards in a query are folded away, never patterns */
    assert_int_equal(catalog_search(f->st, "%", &o, &f->arena, &h, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(catalog_autocomplete(f->st, "zo", CATALOG_PL, 0, &f->arena, &h, &n, &err),
                     KT_EINVAL);
}

static int setup_ranking(void **state)
{
    if (fixture_setup(state) < 0)
        return -1;
    struct fixture *f = *state;
    fixture_create(f->st, "KAB-10", "Zestaw kabli", NULL, NULL);       /* code prefix */
    fixture_create(f->st, "X-1", "Kabel zasilający", NULL, NULL);      /* name */
    fixture_create(f->st, "KAB", "Przedłużacz", NULL, NULL);           /* exact code */
    fixture_create(f->st, "X-2", "Kabelek krótki", NULL, NULL);        /* name */
    fixture_create(f->st, "X-3", "Adapter kabel kabelek", NULL, NULL); /* name, two words */
    fixture_create(f->st, "Y-1", "Wtyczka", NULL, "5901234123457");
    fixture_create(f->st, "Y-2", "Gniazdo", NULL, "4006381333931");
    return 0;
}

static void test_search_ranking(void **state)
{
    struct fixture *f = *state;
    struct catalog_hit *h;
    size_t n = search(f, "kab", &h);
    assert_int_equal(n, 5);
    assert_string_equal(h[0].code, "KAB");
    assert_int_equal(h[0].match, CATALOG_MATCH_CODE);
    assert_string_equal(h[1].code, "KAB-10");
    assert_int_equal(h[1].match, CATALOG_MATCH_CODE_PREFIX);
    /* names: by folded Polish name */
    assert_string_equal(h[2].code, "X-3"); /* adapter */
    assert_string_equal(h[3].code, "X-1"); /* kabel zasilajacy */
    assert_string_equal(h[4].code, "X-2"); /* kabelek */
    assert_int_equal(h[4].match, CATALOG_MATCH_NAME);

    n = search(f, "5901", &h);
    assert_int_equal(n, 1);
    assert_string_equal(h[0].code, "Y-1");
    assert_int_equal(h[0].match, CATALOG_MATCH_EAN);
    n = search(f, "4006381333931", &h);
    assert_int_equal(n, 1);
    assert_string_equal(h[0].code, "Y-2");
    n = search(f, "kab-1", &h);
    assert_int_equal(n, 1);
    assert_string_equal(h[0].code, "KAB-10");
}

static void test_search_pages(void **state)
{
    struct fixture *f = *state;
    struct catalog_search_opts o;
    struct catalog_hit *h;
    struct kt_err err;
    size_t n;
    const char *want[] = {"KAB", "KAB-10", "X-3", "X-1", "X-2"};
    catalog_search_opts_init(&o);
    o.limit = 2;
    for (int page = 0; page < 3; page++) {
        o.offset = page * 2;
        assert_int_equal(catalog_search(f->st, "kab", &o, &f->arena, &h, &n, &err), 0);
        assert_int_equal(n, page < 2 ? 2 : 1);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(h[i].code, want[page * 2 + i]);
    }
}

static void test_autocomplete_ranking(void **state)
{
    struct fixture *f = *state;
    struct catalog_hit *h;
    struct kt_err err;
    size_t n;
    assert_int_equal(catalog_autocomplete(f->st, "kab", CATALOG_PL, 10, &f->arena, &h, &n, &err),
                     0);
    assert_int_equal(n, 5);
    assert_string_equal(h[0].code, "KAB");
    assert_int_equal(h[0].match, CATALOG_MATCH_CODE);
    assert_string_equal(h[1].code, "KAB-10");
    assert_int_equal(h[1].match, CATALOG_MATCH_CODE_PREFIX);
    /* completions of "kab": word "kabel" (X-1, X-3 by id), then "kabelek"
     * (X-2; X-3 is already listed) */
    assert_string_equal(h[2].code, "X-1");
    assert_string_equal(h[3].code, "X-3");
    assert_string_equal(h[4].code, "X-2");
    assert_int_equal(h[4].match, CATALOG_MATCH_NAME);
    assert_string_equal(h[4].name, "Kabelek krótki");

    /* top N: the best ones */
    assert_int_equal(catalog_autocomplete(f->st, "kab", CATALOG_PL, 3, &f->arena, &h, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(h[2].code, "X-1");
    /* the last word is the one being typed */
    assert_int_equal(
        catalog_autocomplete(f->st, "adapter kabele", CATALOG_PL, 10, &f->arena, &h, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(h[0].code, "X-3");
    assert_int_equal(catalog_autocomplete(f->st, "590", CATALOG_PL, 10, &f->arena, &h, &n, &err),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].match, CATALOG_MATCH_EAN);
    assert_int_equal(catalog_autocomplete(f->st, "zzz", CATALOG_PL, 10, &f->arena, &h, &n, &err),
                     0);
    assert_int_equal(n, 0);
}

static void test_autocomplete_many(void **state)
{
    struct fixture *f = *state;
    struct catalog_hit *h;
    struct kt_err err;
    struct catalog_product p;
    char code[16];
    size_t n;
    /* many products with the same two matching words: the page still fills */
    assert_int_equal(store_begin(f->st, &err), 0);
    for (int i = 0; i < 40; i++) {
        snprintf(code, sizeof code, "M-%02d", i);
        fixture_product(&p, code, "Młotek młot", NULL);
        assert_int_equal(catalog_product_insert_in_tx(f->st, &p, &err), 0);
    }
    assert_int_equal(store_commit(f->st, &err), 0);
    assert_int_equal(catalog_autocomplete(f->st, "mlo", CATALOG_PL, 30, &f->arena, &h, &n, &err),
                     0);
    assert_int_equal(n, 30);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            assert_true(h[i].id != h[j].id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_diacritics, setup_names, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_hit_names_in_language, setup_names, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rename_reindexes, setup_names, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bad_queries, setup_names, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_search_ranking, setup_ranking, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_search_pages, setup_ranking, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_autocomplete_ranking, setup_ranking, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_autocomplete_many, setup_ranking, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
