#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "catalog/group.h"
#include "catalog/product.h"

static void test_create_get(void **state)
{
    struct fixture *f = *state;
    struct catalog_product p, got;
    struct kt_err err;

    fixture_product(&p, "KAB-3x1.5", "Kabel miedziany żółty", "5901234123457");
    p.unit = "szt.";
    p.vat_rate = "ZW";
    p.cn_code = "8544 49 95";
    p.pkwiu = "27.32.13.0";
    p.weight_g = 1250;
    p.text[CATALOG_PL].short_desc = "Krótki opis";
    p.text[CATALOG_PL].long_desc = "Długi opis\nw dwóch liniach";
    p.text[CATALOG_EN].name = "Copper cable";
    assert_int_equal(catalog_product_create(f->st, &p, &err), 0);
    assert_true(p.id > 0);
    assert_int_equal(p.version, 1);
    assert_true(p.created_at > 1600000000000);

    assert_int_equal(catalog_product_get(f->st, p.id, &f->arena, &got, &err), 0);
    assert_string_equal(got.code, "KAB-3x1.5");
    assert_string_equal(got.ean, "5901234123457");
    assert_string_equal(got.unit, "pcs");
    assert_string_equal(got.vat_rate, "zw");
    assert_string_equal(got.cn_code, "85444995");
    assert_string_equal(got.pkwiu, "27.32.13.0");
    assert_int_equal(got.weight_g, 1250);
    assert_int_equal(got.group_id, 0);
    assert_int_equal(got.active, 1);
    assert_int_equal(got.version, 1);
    assert_string_equal(got.text[CATALOG_PL].name, "Kabel miedziany żółty");
    assert_string_equal(got.text[CATALOG_PL].long_desc, "Długi opis\nw dwóch liniach");
    assert_string_equal(got.text[CATALOG_EN].name, "Copper cable");
    assert_null(got.text[CATALOG_EN].short_desc);
    assert_null(got.text[CATALOG_DE].name);

    assert_int_equal(catalog_product_get_by_code(f->st, "KAB-3x1.5", &f->arena, &got, &err), 0);
    assert_int_equal(got.id, p.id);
    assert_int_equal(catalog_product_get_by_code(f->st, "nope", &f->arena, &got, &err),
                     KT_ENOTFOUND);
    assert_int_equal(catalog_product_get(f->st, p.id + 100, &f->arena, &got, &err), KT_ENOTFOUND);
}

static void test_update_version_conflict(void **state)
{
    struct fixture *f = *state;
    struct catalog_product p, stale, got;
    struct kt_err err;
    int64_t id = fixture_create(f->st, "P-1", "Młotek", NULL, NULL);

    assert_int_equal(catalog_product_get(f->st, id, &f->arena, &p, &err), 0);
    stale = p;
    p.text[CATALOG_PL].name = "Młotek stolarski";
    p.text[CATALOG_DE].name = "Hammer";
    p.weight_g = 800;
    assert_int_equal(catalog_product_update(f->st, &p, &err), 0);
    assert_int_equal(p.version, 2);

    stale.text[CATALOG_PL].name = "Młotek murarski";
    assert_int_equal(catalog_product_update(f->st, &stale, &err), KT_ECONFLICT);
    /* no retries: the message is the first and only one */
    assert_int_equal(
        strncmp(err.msg, "product P-1 was changed by someone else (version 2, you had 1)", 62), 0);
    assert_int_equal(stale.version, 1);

    assert_int_equal(catalog_product_get(f->st, id, &f->arena, &got, &err), 0);
    assert_string_equal(got.text[CATALOG_PL].name, "Młotek stolarski");
    assert_string_equal(got.text[CATALOG_DE].name, "Hammer");
    assert_int_equal(got.weight_g, 800);
    assert_int_equal(got.version, 2);
    assert_true(got.updated_at >= got.created_at);

    /* a text left out of the update is deleted */
    got.text[CATALOG_DE].name = NULL;
    assert_int_equal(catalog_product_update(f->st, &got, &err), 0);
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM product_texts"), 1);

    p.id = id + 50;
    p.version = 1;
    assert_int_equal(catalog_product_update(f->st, &p, &err), KT_ENOTFOUND);
}

struct bad_case {
    const char *field;
    void (*apply)(struct catalog_product *p);
};

static void bad_code_empty(struct catalog_product *p)
{
    p->code = "";
}
static void bad_code_space(struct catalog_product *p)
{
    p->code = "ABC ";
}
static void bad_code_long(struct catalog_product *p)
{
    p->code = "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJX";
}
static void bad_code_ctrl(struct catalog_product *p)
{
    p->code = "AB\x01"
              "C";
}
static void bad_ean(struct catalog_product *p)
{
    p->ean = "5901234123458";
}
static void bad_vat(struct catalog_product *p)
{
    p->vat_rate = "7";
}
static void bad_unit(struct catalog_product *p)
{
    p->unit = "furlong";
}
static void bad_cn(struct catalog_product *p)
{
    p->cn_code = "123";
}
static void bad_pkwiu(struct catalog_product *p)
{
    p->pkwiu = "27-32";
}
static void bad_name(struct catalog_product *p)
{
    p->text[CATALOG_PL].name = NULL;
}
static void bad_name_utf8(struct catalog_product *p)
{
    p->text[CATALOG_EN].name = "caf\xe9";
}
static void bad_weight(struct catalog_product *p)
{
    p->weight_g = -5;
}
static void bad_desc_only(struct catalog_product *p)
{
    p->text[CATALOG_DE].short_desc = "kurz";
}

static void test_invalid_fields(void **state)
{
    struct fixture *f = *state;
    static const struct bad_case cases[] = {
        {"code:", bad_code_empty},   {"code:", bad_code_space},   {"code:", bad_code_long},
        {"code:", bad_code_ctrl},    {"ean:", bad_ean},           {"vat:", bad_vat},
        {"unit:", bad_unit},         {"cn_code:", bad_cn},        {"pkwiu:", bad_pkwiu},
        {"name_pl:", bad_name},      {"name_en:", bad_name_utf8}, {"weight:", bad_weight},
        {"name_de:", bad_desc_only},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct catalog_product p;
        struct kt_err err;
        fixture_product(&p, "OK-1", "Nazwa", NULL);
        cases[i].apply(&p);
        assert_int_equal(catalog_product_create(f->st, &p, &err), KT_EINVAL);
        if (strncmp(err.msg, cases[i].field, strlen(cases[i].field)) != 0)
            fail_msg("case %zu: expected %s, got \"%s\"", i, cases[i].field, err.msg);
    }
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM products"), 0);
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM events"), 0);
}

static void test_duplicates(void **state)
{
    struct fixture *f = *state;
    struct catalog_product p;
    struct kt_err err;
    fixture_create(f->st, "D-1", "Pierwszy", NULL, "5901234123457");
    fixture_product(&p, "D-1", "Drugi", NULL);
    assert_int_equal(catalog_product_create(f->st, &p, &err), KT_EEXIST);
    assert_string_equal(err.msg, "code: a product with code \"D-1\" already exists");
    fixture_product(&p, "D-2", "Drugi", "5901234123457");
    assert_int_equal(catalog_product_create(f->st, &p, &err), KT_EEXIST);
    assert_string_equal(err.msg, "ean: EAN 5901234123457 is already used by another product");
    fixture_product(&p, "D-3", "Trzeci", NULL);
    p.group_id = 999;
    assert_int_equal(catalog_product_create(f->st, &p, &err), KT_EFOREIGN);
    assert_non_null(strstr(err.msg, "group:"));
    /* products without EAN do not collide */
    fixture_create(f->st, "D-4", "Czwarty", NULL, NULL);
    fixture_create(f->st, "D-5", "Piąty", NULL, "");
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM products"), 3);
}

static void test_event_in_same_tx(void **state)
{
    struct fixture *f = *state;
    struct catalog_product p;
    struct kt_err err;
    struct store_stmt *s = NULL;
    char want[128];

    int64_t id = fixture_create(f->st, "EV\"1", "Zdarzenie", NULL, NULL);
    assert_int_equal(store_prepare(f->st, "SELECT type, payload FROM events", &s, &err), 0);
    assert_int_equal(store_step(s, &err), STORE_ROW);
    assert_string_equal(store_col_text(s, 0), "product.changed");
    snprintf(want, sizeof want, "{\"id\":%lld,\"code\":\"EV\\\"1\"}", (long long)id);
    assert_string_equal(store_col_text(s, 1), want);
    store_stmt_done(s);

    /* the caller's transaction rolls back: no product, no event */
    assert_int_equal(store_begin(f->st, &err), 0);
    fixture_product(&p, "EV-2", "Wycofany", NULL);
    assert_int_equal(catalog_product_insert_in_tx(f->st, &p, &err), 0);
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM events"), 2);
    store_rollback(f->st);
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM products"), 1);
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM events"), 1);
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM product_words"), 1);

    /* updates and set_active emit too */
    int64_t v = 0;
    assert_int_equal(catalog_product_set_active(f->st, id, 0, 1, &v, &err), 0);
    assert_int_equal(v, 2);
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM events"), 2);
    assert_int_equal(catalog_product_set_active(f->st, id, 1, 1, &v, &err), KT_ECONFLICT);
    assert_int_equal(fixture_int(f->st, "SELECT count(*) FROM events"), 2);
}

static void test_list_pages(void **state)
{
    struct fixture *f = *state;
    struct catalog_group g = {.code = "NARZ", .name_pl = "Narzędzia"};
    struct catalog_group sub = {.code = "MLOT", .name_pl = "Młotki"};
    struct catalog_product_filter flt;
    struct catalog_product *items, p;
    struct kt_err err;
    size_t n;
    int64_t total;
    char code[16];

    assert_int_equal(catalog_group_create(f->st, &g, &err), 0);
    sub.parent_id = g.id;
    assert_int_equal(catalog_group_create(f->st, &sub, &err), 0);
    for (int i = 0; i < 25; i++) {
        snprintf(code, sizeof code, "L-%02d", i);
        fixture_product(&p, code, "Lista", NULL);
        p.group_id = i < 10 ? g.id : i < 15 ? sub.id : 0;
        p.active = i % 5 != 0;
        assert_int_equal(catalog_product_create(f->st, &p, &err), 0);
    }
    catalog_product_filter_init(&flt);
    flt.limit = 10;
    flt.offset = 20;
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, &total, &err), 0);
    assert_int_equal(total, 25);
    assert_int_equal(n, 5);
    assert_string_equal(items[0].code, "L-20");
    assert_string_equal(items[0].text[CATALOG_PL].name, "Lista");

    flt.offset = 0;
    flt.group_id = g.id;
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, &total, &err), 0);
    assert_int_equal(total, 10);
    flt.subgroups = 1;
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, &total, &err), 0);
    assert_int_equal(total, 15);
    flt.active = 1;
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, &total, &err), 0);
    assert_int_equal(total, 12); /* 0, 5, 10 withdrawn */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(items[i].active, 1);
    flt.limit = 0;
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, &total, &err),
                     KT_EINVAL);
}

/* Codes L-00 .. L-24 with a Polish name and description; every fifth withdrawn. */
static void make_list(struct fixture *f)
{
    struct catalog_product p;
    struct kt_err err;
    char code[16];
    for (int i = 0; i < 25; i++) {
        snprintf(code, sizeof code, "L-%02d", i);
        fixture_product(&p, code, "Lista", NULL);
        p.text[CATALOG_PL].short_desc = "Opis";
        p.text[CATALOG_EN].name = "List";
        p.active = i % 5 != 0;
        assert_int_equal(catalog_product_create(f->st, &p, &err), 0);
    }
}

static void test_list_keyset(void **state)
{
    struct fixture *f = *state;
    struct catalog_product_filter flt;
    struct catalog_product *items;
    struct kt_err err;
    size_t n;

    make_list(f);
    catalog_product_filter_init(&flt);
    flt.limit = 5;
    flt.after = "L-09";
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, NULL, &err), 0);
    assert_int_equal(n, 5);
    assert_string_equal(items[0].code, "L-10");
    assert_string_equal(items[4].code, "L-14");
    assert_string_equal(items[4].text[CATALOG_PL].short_desc, "Opis");
    assert_string_equal(items[4].text[CATALOG_EN].name, "List");

    flt.after = NULL;
    flt.before = "L-10";
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, NULL, &err), 0);
    assert_int_equal(n, 5);
    assert_string_equal(items[0].code, "L-05"); /* the five before, still in code order */
    assert_string_equal(items[4].code, "L-09");

    flt.before = "L-02";
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, NULL, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].code, "L-00");

    flt.before = NULL;
    flt.after = "L-24";
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, NULL, &err), 0);
    assert_int_equal(n, 0);

    flt.after = "L-20";
    flt.active = 1;
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, NULL, &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(items[0].code, "L-21");
}

static void test_list_names_only(void **state)
{
    struct fixture *f = *state;
    struct catalog_product_filter flt;
    struct catalog_product *items;
    struct kt_err err;
    size_t n;

    make_list(f);
    catalog_product_filter_init(&flt);
    flt.limit = 3;
    flt.names_only = 1;
    flt.name_lang = CATALOG_EN;
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, NULL, &err), 0);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(items[i].text[CATALOG_PL].name, "Lista");
        assert_string_equal(items[i].text[CATALOG_EN].name, "List");
        assert_null(items[i].text[CATALOG_PL].short_desc);
        assert_null(items[i].text[CATALOG_DE].name);
    }
    flt.name_lang = CATALOG_PL; /* the Polish name alone */
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, NULL, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(items[0].text[CATALOG_PL].name, "Lista");
    assert_null(items[0].text[CATALOG_EN].name);
}

static void test_list_bad_keys(void **state)
{
    struct fixture *f = *state;
    struct catalog_product_filter flt;
    struct catalog_product *items;
    struct kt_err err;
    size_t n;

    catalog_product_filter_init(&flt);
    flt.after = "A";
    flt.before = "B";
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, NULL, &err),
                     KT_EINVAL);
    flt.before = NULL;
    flt.offset = 10;
    assert_int_equal(catalog_product_list(f->st, &flt, &f->arena, &items, &n, NULL, &err),
                     KT_EINVAL);
    assert_non_null(strstr(err.msg, "offset"));
}

static void test_count_capped(void **state)
{
    struct fixture *f = *state;
    struct catalog_product_filter flt;
    struct kt_err err;
    int64_t count;

    make_list(f);
    catalog_product_filter_init(&flt);
    assert_int_equal(catalog_product_count(f->st, &flt, 0, &count, &err), 0);
    assert_int_equal(count, 25);
    assert_int_equal(catalog_product_count(f->st, &flt, 10, &count, &err), 0);
    assert_int_equal(count, 10);
    assert_int_equal(catalog_product_count(f->st, &flt, 1000, &count, &err), 0);
    assert_int_equal(count, 25);
    flt.active = 0;
    flt.after = "L-99"; /* keys do not narrow a count */
    assert_int_equal(catalog_product_count(f->st, &flt, 1000, &count, &err), 0);
    assert_int_equal(count, 5);
    assert_int_equal(catalog_product_count(f->st, &flt, -1, &count, &err), KT_EINVAL);
    flt.active = 2;
    assert_int_equal(catalog_product_count(f->st, &flt, 0, &count, &err), KT_EINVAL);
}

static void test_group_tree(void **state)
{
    struct fixture *f = *state;
    struct catalog_group a = {.code = "A", .name_pl = "Grupa A", .position = 2};
    struct catalog_group b = {.code = "B", .name_pl = "Grupa B", .position = 1};
    struct catalog_group a1 = {.code = "A1", .name_pl = "Podgrupa A1", .name_en = "Sub A1"};
    struct catalog_group a11 = {.code = "A11", .name_pl = "Podgrupa A11"};
    struct catalog_group *items, got;
    struct kt_err err;
    size_t n;

    assert_int_equal(catalog_group_create(f->st, &a, &err), 0);
    assert_int_equal(catalog_group_create(f->st, &b, &err), 0);
    a1.parent_id = a.id;
    assert_int_equal(catalog_group_create(f->st, &a1, &err), 0);
    a11.parent_id = a1.id;
    assert_int_equal(catalog_group_create(f->st, &a11, &err), 0);

    assert_int_equal(catalog_group_children(f->st, 0, &f->arena, &items, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].code, "B"); /* by position */
    assert_string_equal(items[1].code, "A");
    assert_int_equal(catalog_group_children(f->st, a.id, &f->arena, &items, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].name_en, "Sub A1");

    assert_int_equal(catalog_group_path(f->st, a11.id, &f->arena, &items, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(items[0].code, "A");
    assert_string_equal(items[1].code, "A1");
    assert_string_equal(items[2].code, "A11");

    /* A below A11 (its grandchild) would be a cycle; below itself too */
    a.parent_id = a11.id;
    assert_int_equal(catalog_group_update(f->st, &a, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "cycle"));
    a.parent_id = a.id;
    assert_int_equal(catalog_group_update(f->st, &a, &err), KT_EINVAL);
    /* a legal move: A1 below B */
    a1.parent_id = b.id;
    assert_int_equal(catalog_group_update(f->st, &a1, &err), 0);
    assert_int_equal(catalog_group_path(f->st, a11.id, &f->arena, &items, &n, &err), 0);
    assert_string_equal(items[0].code, "B");
    assert_int_equal(catalog_group_get_by_code(f->st, "A1", &f->arena, &got, &err), 0);
    assert_int_equal(got.parent_id, b.id);

    struct catalog_group dup = {.code = "A", .name_pl = "Znowu"};
    assert_int_equal(catalog_group_create(f->st, &dup, &err), KT_EEXIST);
    struct catalog_group orphan = {.code = "O", .name_pl = "Sierota", .parent_id = 999};
    assert_int_equal(catalog_group_create(f->st, &orphan, &err), KT_ENOTFOUND);
    struct catalog_group noname = {.code = "N"};
    assert_int_equal(catalog_group_create(f->st, &noname, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "name_pl"));
}

static void test_group_depth_limit(void **state)
{
    struct fixture *f = *state;
    struct kt_err err;
    int64_t parent = 0;
    char code[16];
    for (int i = 0; i < CATALOG_GROUP_DEPTH_MAX; i++) {
        snprintf(code, sizeof code, "L%d", i);
        struct catalog_group g = {.code = code, .name_pl = "Poziom", .parent_id = parent};
        assert_int_equal(catalog_group_create(f->st, &g, &err), 0);
        parent = g.id;
    }
    struct catalog_group deep = {.code = "DEEP", .name_pl = "Za głęboko", .parent_id = parent};
    assert_int_equal(catalog_group_create(f->st, &deep, &err), KT_ELIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_get, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_update_version_conflict, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_fields, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_event_in_same_tx, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_list_pages, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_list_keyset, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_list_names_only, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_list_bad_keys, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_count_capped, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_group_tree, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_group_depth_limit, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
