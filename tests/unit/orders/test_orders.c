/*
 * Orders on one connection: creation with prices from price_resolve (lists,
 * tiers, customer prices on the other basis, discounts, EUR), snapshots,
 * unmatched lines and mapping, editing with history and versions, stale
 * versions, the refusals of bad input (naming the line or field, writing
 * nothing), listing with filters and sorting, payments, messages, and what
 * a customer user may see.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/err.h"
#include "orders/orders.h"
#include "ordersfix.h"
#include "series/series.h"

static struct ordersfix fx;

static int setup(void **state)
{
    (void)state;
    return ordersfix_open(&fx);
}

static int teardown(void **state)
{
    (void)state;
    ordersfix_close(&fx);
    return 0;
}

static int reset(void **state)
{
    (void)state;
    ordersfix_reset(&fx);
    return 0;
}

static int64_t count(const char *sql)
{
    return ordersfix_int(fx.st, sql, 0);
}

/* Everything an order writes; used to prove a refusal wrote nothing. */
static int64_t footprint(void)
{
    return count("SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_lines) + "
                 "(SELECT count(*) FROM order_history) + (SELECT count(*) FROM events) + "
                 "(SELECT count(*) FROM series_counters WHERE last > 0)");
}

static struct orders_order get(struct kt_arena *a, int64_t id)
{
    struct orders_order o;
    struct kt_err err;
    if (orders_get(fx.st, &ordersfix_staff, id, a, &o, &err) != 0)
        fail_msg("orders_get: %s", err.msg);
    return o;
}

static void test_create_prices_and_totals(void **state)
{
    (void)state;
    struct kt_arena a;
    struct kt_err err;
    struct orders_line_input lines[] = {
        {.product_code = "P-PCS", .qty = 3000},                /* 3 x 10,00 = 30,00 */
        {.product_code = "P-PCS", .qty = 12000},               /* tier: 12 x 9,00 = 108,00 */
        {.product_code = "P-KG", .qty = 2500},                 /* 2,5 kg x 12,50 = 31,25 */
        {.product_code = "P-8", .qty = 2000, .discount = 500}, /* 2 x 4,00 - 5 % = 7,60 */
        {.product_code = "P-ZW", .qty = 1000},                 /* 7,00 */
        {.product_code = "P-GROSS", .qty = 1000},              /* 12,30 gross -> 10,00 net */
    };
    struct orders_input in;
    orders_input_init(&in);
    in.customer_code = "K001";
    in.customer_po = "PO-77";
    in.notes_internal = "call first";
    in.shipping_method = "courier";
    in.shipping_cost = 1500; /* 15,00 at 23 % */
    in.lines = lines;
    in.nlines = 6;
    in.date = 20785; /* 2026-11-28 */
    int64_t id = 0, version = 0;
    char number[ORDERS_NUMBER_MAX];
    assert_int_equal(orders_create(fx.st, &ordersfix_staff, &in, &id, number, &version, &err), 0);
    assert_string_equal(number, "ZK/2026/11/0001");
    assert_int_equal(version, 1);

    kt_arena_init(&a, 0);
    struct orders_order o = get(&a, id);
    assert_string_equal(o.number, "ZK/2026/11/0001");
    assert_string_equal(o.customer_code, "K001");
    assert_string_equal(o.source, "backoffice");
    assert_string_equal(o.currency, "PLN");
    assert_int_equal(o.basis, PRICE_BASIS_NET);
    assert_string_equal(o.lang, "pl");
    assert_string_equal(o.document_type, "domestic");
    assert_int_equal(o.status, ORDERS_DRAFT);
    assert_int_equal(o.payment, ORDERS_UNPAID);
    assert_string_equal(o.billing.name, "Firma K001");
    assert_string_equal(o.billing.postal_code, "30-001");
    assert_string_equal(o.delivery.city, "Kraków");
    assert_string_equal(o.payment_method, "transfer");
    assert_int_equal(o.payment_days, 14);
    assert_string_equal(o.customer_po, "PO-77");
    assert_string_equal(o.notes_internal, "call first");
    assert_string_equal(o.created_by, "anna");
    assert_int_equal(o.nlines, 6);
    assert_int_equal(o.lines[0].unit_price, 100000);
    assert_int_equal(o.lines[0].value, 3000);
    assert_string_equal(o.lines[0].price_source, "price list DETAL");
    assert_string_equal(o.lines[0].name, "Towar P-PCS");
    assert_int_equal(o.lines[1].unit_price, 90000);
    assert_int_equal(o.lines[1].value, 10800);
    assert_int_equal(o.lines[2].value, 3125);
    assert_string_equal(o.lines[2].unit, "kg");
    assert_int_equal(o.lines[3].value, 760);
    assert_string_equal(o.lines[3].vat, "8");
    assert_int_equal(o.lines[4].value, 700);
    assert_int_equal(o.lines[5].unit_price, 100000);
    assert_string_equal(o.lines[5].price_source, "customer price");
    /* 23 %: 30 + 108 + 31,25 + 10 + 15 shipping = 194,25, VAT 44,6775 -> 44,68 */
    const struct orders_totals_rate *r = orders_totals_rate_of(&o.totals, "23");
    assert_non_null(r);
    assert_int_equal(r->net, 19425);
    assert_int_equal(r->vat_amount, 4468);
    /* 8 %: 7,60, VAT 0,61; zw 7,00 */
    assert_int_equal(orders_totals_rate_of(&o.totals, "8")->vat_amount, 61);
    assert_int_equal(o.totals.net, 19425 + 760 + 700);
    assert_int_equal(o.totals.vat, 4468 + 61);
    assert_int_equal(o.totals.gross, 19425 + 760 + 700 + 4468 + 61);
    /* stored totals agree */
    assert_int_equal(ordersfix_int(fx.st, "SELECT total_gross FROM orders WHERE id = ?1", id),
                     o.totals.gross);
    kt_arena_release(&a);

    assert_int_equal(count("SELECT count(*) FROM events WHERE type = 'order.created'"), 1);
    assert_int_equal(count("SELECT count(*) FROM order_history WHERE action = 'created'"), 1);
}

static void test_eur_gross_discount_and_customer_actor(void **state)
{
    (void)state;
    struct kt_arena a;
    struct kt_err err;
    struct orders_line_input l = {.product_code = "P-PCS", .qty = 4000};
    struct orders_input in;
    orders_input_init(&in);
    in.customer_id = fx.k002; /* DE: EUR, language de */
    in.lines = &l;
    in.nlines = 1;
    int64_t id = 0;
    assert_int_equal(orders_create(fx.st, &ordersfix_staff, &in, &id, NULL, NULL, &err), 0);
    kt_arena_init(&a, 0);
    struct orders_order o = get(&a, id);
    assert_string_equal(o.currency, "EUR");
    assert_string_equal(o.lang, "de");
    assert_int_equal(o.lines[0].value, 1000); /* 4 x 2,50 EUR */
    assert_int_equal(o.totals.gross, 1230);

    /* A shop order is gross: 10,00 net -> 12,30 gross per piece. */
    orders_input_init(&in);
    in.customer_id = fx.k001;
    in.source = "shop:shoper";
    in.external_id = "S-1001";
    in.lines = &l;
    in.nlines = 1;
    assert_int_equal(orders_create(fx.st, &ordersfix_system, &in, &id, NULL, NULL, &err), 0);
    o = get(&a, id);
    assert_int_equal(o.basis, PRICE_BASIS_GROSS);
    assert_int_equal(o.lines[0].unit_price, 123000);
    assert_int_equal(o.totals.gross, 4920);
    assert_int_equal(o.totals.vat, 920); /* 49,20 x 23 / 123 */
    /* the same shop order again */
    assert_int_equal(orders_create(fx.st, &ordersfix_system, &in, &id, NULL, NULL, &err),
                     KT_EEXIST);
    assert_non_null(strstr(err.msg, "imported already as ZK/"));

    /* K003 has 10 % off the list: 10,00 -> 9,00; placed from the portal. */
    struct orders_actor buyer = ordersfix_customer_actor(fx.k003);
    orders_input_init(&in);
    in.customer_code = "K001"; /* ignored: a customer orders for itself */
    in.lines = &l;
    in.nlines = 1;
    in.submit = 1;
    assert_int_equal(orders_create(fx.st, &buyer, &in, &id, NULL, NULL, &err), 0);
    o = get(&a, id);
    assert_int_equal(o.customer_id, fx.k003);
    assert_string_equal(o.source, "portal");
    assert_int_equal(o.status, ORDERS_SUBMITTED);
    assert_int_equal(o.lines[0].unit_price, 90000);
    assert_int_equal(count("SELECT count(*) FROM events WHERE type = 'order.submitted'"), 1);
    /* another customer cannot see it */
    struct orders_actor other = ordersfix_customer_actor(fx.k001);
    assert_int_equal(orders_get(fx.st, &other, id, &a, &o, &err), KT_ENOTFOUND);
    assert_int_equal(orders_get(fx.st, &buyer, id, &a, &o, &err), 0);
    assert_string_equal(o.notes_internal, "");
    /* a customer cannot set a price */
    l.has_price = 1;
    l.price = 1;
    assert_int_equal(orders_create(fx.st, &buyer, &in, &id, NULL, NULL, &err), KT_EPERM);
    assert_non_null(strstr(err.msg, "line 1 (P-PCS)"));
    kt_arena_release(&a);
}

static void expect_refused(struct orders_input *in, const struct orders_actor *actor, int code,
                           const char *text)
{
    struct kt_err err;
    int64_t before = footprint(), id = 0;
    int rc = orders_create(fx.st, actor, in, &id, NULL, NULL, &err);
    if (rc != code || !strstr(err.msg, text))
        fail_msg("expected %d \"%s\", got %d \"%s\"", code, text, rc, err.msg);
    assert_int_equal(footprint(), before);
}

static void test_bad_input_refused_whole(void **state)
{
    (void)state;
    struct orders_line_input lines[2] = {{.product_code = "P-PCS", .qty = 1000}};
    struct orders_input in;
    orders_input_init(&in);
    in.customer_code = "K001";
    in.lines = lines;
    in.nlines = 2;

    lines[1] = (struct orders_line_input){.product_code = "P-PCS", .qty = 0};
    expect_refused(&in, &ordersfix_staff, KT_EINVAL,
                   "line 2 (P-PCS): the quantity must be more than 0");
    lines[1].qty = -3000;
    expect_refused(&in, &ordersfix_staff, KT_EINVAL, "line 2 (P-PCS): the quantity");
    lines[1] = (struct orders_line_input){.product_code = "P-PCS", .qty = 2500};
    expect_refused(&in, &ordersfix_staff, KT_EINVAL, "line 2 (P-PCS)");
    lines[1] = (struct orders_line_input){.product_code = "P-OFF", .qty = 1000};
    expect_refused(&in, &ordersfix_staff, KT_EINVAL, "line 2 (P-OFF): the product is withdrawn");
    lines[1] = (struct orders_line_input){.product_code = "P-NOPRICE", .qty = 1000};
    expect_refused(&in, &ordersfix_staff, KT_ENOTFOUND,
                   "line 2 (P-NOPRICE): no price for P-NOPRICE in PLN");
    lines[1] = (struct orders_line_input){.product_code = "NOPE", .qty = 1000};
    expect_refused(&in, &ordersfix_staff, KT_EINVAL, "line 2 (NOPE): there is no such product");
    lines[1] = (struct orders_line_input){
        .product_code = "P-PCS", .qty = 1000, .has_price = 1, .price = 5};
    expect_refused(&in, &ordersfix_clerk, KT_EPERM, "line 2 (P-PCS): giving a price by hand");
    lines[1] = (struct orders_line_input){.product_code = "P-PCS", .qty = 1000, .discount = 10001};
    expect_refused(&in, &ordersfix_staff, KT_EINVAL, "line 2 (P-PCS): a discount");

    lines[1] = (struct orders_line_input){.product_code = "P-PCS", .qty = 1000};
    in.customer_code = "K999";
    expect_refused(&in, &ordersfix_staff, KT_EINVAL, "customer: there is no customer K999");
    in.customer_code = "K001";
    in.currency = "XYZ";
    expect_refused(&in, &ordersfix_staff, KT_EINVAL, "currency");
    in.currency = "EUR"; /* P-PCS has a EUR price; P-KG has none */
    lines[1] = (struct orders_line_input){.product_code = "P-KG", .qty = 1000};
    expect_refused(&in, &ordersfix_staff, KT_ENOTFOUND, "line 2 (P-KG): no price for P-KG in EUR");
    in.currency = NULL;
    in.source = "amazon";
    expect_refused(&in, &ordersfix_staff, KT_EINVAL, "source");
    in.source = NULL;
    in.nlines = 0;
    expect_refused(&in, &ordersfix_staff, KT_EINVAL, "at least one line");
    /* after all the refusals the first order still gets number 1 */
    in.nlines = 1;
    char number[ORDERS_NUMBER_MAX];
    struct kt_err err;
    in.date = 20785;
    assert_int_equal(orders_create(fx.st, &ordersfix_staff, &in, NULL, number, NULL, &err), 0);
    assert_string_equal(number, "ZK/2026/11/0001");
}

static void test_unmatched_lines_and_mapping(void **state)
{
    (void)state;
    struct kt_arena a;
    struct kt_err err;
    struct orders_line_input lines[] = {
        {.product_code = "P-PCS", .qty = 1000},
        {.product_code = "SHOP-77",
         .qty = 2000,
         .has_price = 1,
         .price = 615000,
         .name = "Lampa",
         .vat = "23"},
        {.product_code = "SHOP-88",
         .qty = 1000,
         .has_price = 1,
         .price = 108000,
         .name = "Książka",
         .vat = "8"},
    };
    struct orders_input in;
    orders_input_init(&in);
    in.customer_id = fx.k001;
    in.source = "shop:idosell";
    in.unmatched_ok = 1;
    in.lines = lines;
    in.nlines = 3;
    int64_t id = 0, version = 0;
    assert_int_equal(orders_create(fx.st, &ordersfix_system, &in, &id, NULL, &version, &err), 0);
    kt_arena_init(&a, 0);
    struct orders_order o = get(&a, id);
    assert_int_equal(o.partial, 1);
    assert_int_equal(o.lines[1].kind, ORDERS_LINE_UNMATCHED);
    assert_string_equal(o.lines[1].name, "Lampa");
    assert_string_equal(o.lines[1].price_source, "received");
    assert_int_equal(o.lines[1].product_id, 0);
    /* gross: 12,30 + 123,00 at 23 % and 10,80 at 8 % */
    assert_int_equal(o.totals.gross, 1230 + 12300 + 1080);

    struct orders_query q;
    struct orders_summary *items;
    size_t n;
    orders_query_init(&q);
    q.partial = 1;
    assert_int_equal(orders_list(fx.st, &ordersfix_staff, &q, &a, &items, &n, NULL, &err), 0);
    assert_int_equal(n, 1);

    /* a partial order cannot be confirmed */
    assert_int_equal(orders_confirm(fx.st, &ordersfix_staff, id, version, 0, NULL, &err),
                     KT_EINVAL);
    assert_non_null(strstr(err.msg, "map line 2 (SHOP-77), 3 (SHOP-88)"));
    /* a customer cannot map */
    struct orders_actor buyer = ordersfix_customer_actor(fx.k001);
    assert_int_equal(orders_map_line(fx.st, &buyer, id, version, 2, fx.p_kg, NULL, &err), KT_EPERM);
    /* 2 pieces cannot be mapped onto... kg is fine; a product line is refused */
    assert_int_equal(orders_map_line(fx.st, &ordersfix_staff, id, version, 1, fx.p_kg, NULL, &err),
                     KT_EINVAL);
    assert_non_null(strstr(err.msg, "mapped to a product already"));
    assert_int_equal(
        orders_map_line(fx.st, &ordersfix_staff, id, version, 2, fx.p_kg, &version, &err), 0);
    o = get(&a, id);
    assert_int_equal(o.partial, 1);
    assert_string_equal(o.lines[1].code, "P-KG");
    assert_int_equal(o.lines[1].unit_price, 615000); /* the price received stays */
    /* mapping the 8 % book onto a 23 % product changes the VAT */
    assert_int_equal(
        orders_map_line(fx.st, &ordersfix_staff, id, version, 3, fx.p_pcs, &version, &err), 0);
    o = get(&a, id);
    assert_int_equal(o.partial, 0);
    assert_string_equal(o.lines[2].vat, "23");
    assert_null(orders_totals_rate_of(&o.totals, "8"));
    assert_int_equal(o.totals.gross, 1230 + 12300 + 1080);
    assert_int_equal(count("SELECT count(*) FROM order_history WHERE action = 'changed'"), 2);
    assert_int_equal(orders_confirm(fx.st, &ordersfix_staff, id, version, fx.mag2, NULL, &err),
                     KT_ELIMIT); /* no stock, but no longer refused as partial */
    kt_arena_release(&a);
}

static void test_unmatched_needs_what_was_received(void **state)
{
    (void)state;
    struct orders_line_input l = {
        .product_code = "SHOP-1", .qty = 1000, .has_price = 1, .price = 100};
    struct orders_input in;
    orders_input_init(&in);
    in.customer_id = fx.k001;
    in.unmatched_ok = 1;
    in.source = "shop:x";
    in.lines = &l;
    in.nlines = 1;
    expect_refused(&in, &ordersfix_system, KT_EINVAL,
                   "line 1 (SHOP-1): an unknown product needs the name");
    l.name = "X";
    l.vat = "17";
    expect_refused(&in, &ordersfix_system, KT_EINVAL, "line 1 (SHOP-1)");
    l.vat = "23";
    l.has_price = 0;
    expect_refused(&in, &ordersfix_system, KT_EINVAL, "needs the price received");
}

static void test_edit_lines_versions_and_history(void **state)
{
    (void)state;
    struct kt_arena a;
    struct kt_err err;
    int64_t version = 0;
    const char *const lines[] = {"P-PCS:2", "P-8:1", "P-ZW:1"};
    int64_t id = ordersfix_order(&fx, fx.k001, lines, 3, &version);
    int64_t v2 = 0;
    /* 12 pieces reach the tier: 9,00 */
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_clerk, id, version, 1, 12000, 0, 0, -1, &v2, &err), 0);
    assert_int_equal(v2, version + 1);
    kt_arena_init(&a, 0);
    struct orders_order o = get(&a, id);
    assert_int_equal(o.lines[0].unit_price, 90000);
    assert_int_equal(o.lines[0].value, 10800);
    assert_int_equal(o.version, v2);
    /* the stale version is refused and changes nothing */
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_clerk, id, version, 1, 5000, 0, 0, -1, NULL, &err),
        KT_ECONFLICT);
    assert_non_null(strstr(err.msg, "was changed by someone else"));
    o = get(&a, id);
    assert_int_equal(o.lines[0].qty, 12000);
    /* price by hand needs the right */
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_clerk, id, v2, 2, 0, 1, 35000, -1, NULL, &err),
        KT_EPERM);
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_staff, id, v2, 2, 0, 1, 35000, 1000, &v2, &err), 0);
    o = get(&a, id);
    assert_int_equal(o.lines[1].value, 315); /* 3,50 - 10 % */
    assert_string_equal(o.lines[1].price_source, "manual");
    /* decimals for pieces */
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_staff, id, v2, 2, 1500, 0, 0, -1, NULL, &err),
        KT_EINVAL);
    assert_non_null(strstr(err.msg, "line 2 (P-8)"));
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_staff, id, v2, 9, 1000, 0, 0, -1, NULL, &err),
        KT_EINVAL);
    assert_non_null(strstr(err.msg, "line 9"));
    /* add and remove: positions close up */
    struct orders_line_input add = {.product_code = "P-KG", .qty = 1500};
    assert_int_equal(orders_line_add(fx.st, &ordersfix_clerk, id, v2, &add, &v2, &err), 0);
    assert_int_equal(orders_line_remove(fx.st, &ordersfix_clerk, id, v2, 1, &v2, &err), 0);
    o = get(&a, id);
    assert_int_equal(o.nlines, 3);
    assert_string_equal(o.lines[0].code, "P-8");
    assert_int_equal(o.lines[0].position, 1);
    assert_string_equal(o.lines[2].code, "P-KG");
    assert_int_equal(o.lines[2].position, 3);
    assert_int_equal(o.totals.gross, 315 + 25 + 700 + 1875 + 431); /* 8 %: 0,25; 23 %: 4,3125 */
    /* header */
    struct orders_header_change hc;
    orders_header_change_init(&hc);
    hc.customer_po = "PO-9";
    hc.shipping_cost_set = 1;
    hc.shipping_cost = 2000;
    hc.payment_method = "cod";
    assert_int_equal(orders_update_header(fx.st, &ordersfix_clerk, id, v2, &hc, &v2, &err), 0);
    o = get(&a, id);
    assert_string_equal(o.customer_po, "PO-9");
    assert_string_equal(o.payment_method, "cod");
    assert_int_equal(o.shipping_cost, 2000);
    assert_int_equal(o.version, v2);

    struct orders_history_entry *h;
    size_t n;
    assert_int_equal(orders_history(fx.st, &ordersfix_staff, id, &a, &h, &n, &err), 0);
    assert_int_equal(n, 6); /* created + 5 changes */
    assert_string_equal(h[1].action, "changed");
    assert_string_equal(h[1].actor, "jan");
    assert_non_null(strstr(h[1].detail, "\"qty\":[\"2\",\"12\"]"));
    assert_non_null(strstr(h[1].detail, "\"price\":[\"10.00\",\"9.00\"]"));
    assert_non_null(strstr(h[5].detail, "\"customer_po\":[\"\",\"PO-9\"]"));
    assert_non_null(strstr(h[5].detail, "\"shipping_cost\":[\"0.00\",\"20.00\"]"));
    assert_int_equal(count("SELECT count(*) FROM events WHERE type = 'order.changed'"), 5);
    kt_arena_release(&a);
}

static void test_last_line_cannot_go(void **state)
{
    (void)state;
    struct kt_err err;
    int64_t version;
    const char *const lines[] = {"P-PCS:1"};
    int64_t id = ordersfix_order(&fx, fx.k001, lines, 1, &version);
    assert_int_equal(orders_line_remove(fx.st, &ordersfix_staff, id, version, 1, NULL, &err),
                     KT_EINVAL);
    assert_non_null(strstr(err.msg, "cancel the order instead"));
    assert_int_equal(ordersfix_int(fx.st, "SELECT version FROM orders WHERE id = ?1", id), version);
}

static void test_list_filters_and_sorting(void **state)
{
    (void)state;
    struct kt_arena a;
    struct kt_err err;
    const char *const one[] = {"P-PCS:1"};
    const char *const big[] = {"P-PCS:5", "P-8:3"};
    int64_t o1 = ordersfix_order(&fx, fx.k001, one, 1, NULL);
    int64_t o2 = ordersfix_order(&fx, fx.k003, big, 2, NULL);
    int64_t o3 = ordersfix_order(&fx, fx.k001, big, 2, NULL);
    struct orders_query q;
    struct orders_summary *items;
    size_t n;
    int64_t total;
    kt_arena_init(&a, 0);
    orders_query_init(&q);
    assert_int_equal(orders_list(fx.st, &ordersfix_staff, &q, &a, &items, &n, &total, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(total, 3);
    assert_int_equal(items[0].id, o3); /* newest first */
    q.customer_id = fx.k001;
    q.sort = ORDERS_SORT_TOTAL;
    q.descending = 0;
    assert_int_equal(orders_list(fx.st, &ordersfix_staff, &q, &a, &items, &n, &total, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, o1);
    assert_string_equal(items[0].customer_code, "K001");
    orders_query_init(&q);
    q.product_id = fx.p_8;
    q.limit = 1;
    assert_int_equal(orders_list(fx.st, &ordersfix_staff, &q, &a, &items, &n, &total, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(total, 2);
    orders_query_init(&q);
    q.number = "ZK/";
    q.status = ORDERS_DRAFT;
    q.payment = ORDERS_UNPAID;
    q.source = "backoffice";
    assert_int_equal(orders_list(fx.st, &ordersfix_staff, &q, &a, &items, &n, &total, &err), 0);
    assert_int_equal(total, 3);
    q.source = "shop";
    assert_int_equal(orders_list(fx.st, &ordersfix_staff, &q, &a, &items, &n, &total, &err), 0);
    assert_int_equal(total, 0);
    q.source = NULL;
    q.number = "ZK_%";
    assert_int_equal(orders_list(fx.st, &ordersfix_staff, &q, &a, &items, &n, &total, &err), 0);
    assert_int_equal(total, 0); /* wildcards are literal */
    /* a customer user sees only its own, whatever it asks for */
    struct orders_actor buyer = ordersfix_customer_actor(fx.k003);
    orders_query_init(&q);
    q.customer_id = fx.k001;
    assert_int_equal(orders_list(fx.st, &buyer, &q, &a, &items, &n, &total, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, o2);
    q.limit = 1001;
    assert_int_equal(orders_list(fx.st, &buyer, &q, &a, &items, &n, &total, &err), KT_EINVAL);
    kt_arena_release(&a);
}

static void test_payments(void **state)
{
    (void)state;
    struct kt_err err;
    const char *const lines[] = {"P-PCS:1"}; /* 12,30 gross */
    int64_t id = ordersfix_order(&fx, fx.k001, lines, 1, NULL);
    enum orders_payment p;
    assert_int_equal(orders_payment_record(fx.st, &ordersfix_system, id, 500, "MT940/1", &p, &err),
                     0);
    assert_int_equal(p, ORDERS_PARTIALLY_PAID);
    assert_int_equal(orders_payment_record(fx.st, &ordersfix_system, id, 730, NULL, &p, &err), 0);
    assert_int_equal(p, ORDERS_PAID);
    assert_int_equal(orders_payment_record(fx.st, &ordersfix_system, id, 1, NULL, &p, &err), 0);
    assert_int_equal(p, ORDERS_OVERPAID);
    assert_int_equal(orders_payment_record(fx.st, &ordersfix_system, id, -1231, NULL, &p, &err), 0);
    assert_int_equal(p, ORDERS_UNPAID);
    struct orders_actor buyer = ordersfix_customer_actor(fx.k001);
    assert_int_equal(orders_payment_record(fx.st, &buyer, id, 100, NULL, &p, &err), KT_EPERM);
    assert_int_equal(count("SELECT count(*) FROM events WHERE type = 'order.payment_changed'"), 4);
    assert_int_equal(orders_payment_state(0, 0), ORDERS_PAID);
    assert_int_equal(orders_payment_state(100, 0), ORDERS_UNPAID);
    assert_int_equal(orders_payment_state(100, 99), ORDERS_PARTIALLY_PAID);
    /* a price change moves the state: paid in full, then the order grows */
    assert_int_equal(orders_payment_record(fx.st, &ordersfix_system, id, 1230, NULL, &p, &err), 0);
    int64_t v = ordersfix_int(fx.st, "SELECT version FROM orders WHERE id = ?1", id);
    assert_int_equal(
        orders_line_update(fx.st, &ordersfix_staff, id, v, 1, 2000, 0, 0, -1, NULL, &err), 0);
    struct kt_arena a;
    kt_arena_init(&a, 0);
    struct orders_order o;
    assert_int_equal(orders_get(fx.st, &ordersfix_staff, id, &a, &o, &err), 0);
    assert_int_equal(o.payment, ORDERS_PARTIALLY_PAID);
    kt_arena_release(&a);
}

static void test_messages(void **state)
{
    (void)state;
    struct kt_arena a;
    struct kt_err err;
    const char *const lines[] = {"P-PCS:1"};
    int64_t id = ordersfix_order(&fx, fx.k001, lines, 1, NULL);
    struct orders_actor buyer = ordersfix_customer_actor(fx.k001);
    struct orders_actor stranger = ordersfix_customer_actor(fx.k003);
    int64_t mid = 0;
    assert_int_equal(
        orders_message_post(fx.st, &buyer, id, "Czy możliwa dostawa w piątek?", &mid, &err), 0);
    assert_true(mid > 0);
    assert_int_equal(orders_message_post(fx.st, &stranger, id, "hi", NULL, &err), KT_ENOTFOUND);
    assert_int_equal(orders_message_post(fx.st, &buyer, id, "  \n", NULL, &err), KT_EINVAL);
    assert_int_equal(orders_message_post(fx.st, &buyer, id, "\xc3\x28", NULL, &err), KT_EINVAL);
    struct orders_message *m;
    size_t n;
    int64_t unread;
    kt_arena_init(&a, 0);
    assert_int_equal(orders_messages(fx.st, &ordersfix_staff, id, &a, &m, &n, &unread, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(unread, 1);
    assert_string_equal(m[0].author_kind, "customer");
    assert_string_equal(m[0].author, "buyer@example.com");
    assert_int_equal(orders_messages(fx.st, &buyer, id, &a, &m, &n, &unread, &err), 0);
    assert_int_equal(unread, 0); /* its own message */
    assert_int_equal(orders_messages_mark_read(fx.st, &ordersfix_staff, id, &err), 0);
    assert_int_equal(orders_message_post(fx.st, &ordersfix_staff, id, "Tak.", NULL, &err), 0);
    assert_int_equal(orders_messages(fx.st, &ordersfix_staff, id, &a, &m, &n, &unread, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(unread, 0);
    assert_true(m[0].read_at > 0);
    assert_int_equal(m[1].read_at, 0);
    assert_int_equal(orders_messages(fx.st, &buyer, id, &a, &m, &n, &unread, &err), 0);
    assert_int_equal(unread, 1);
    assert_int_equal(count("SELECT count(*) FROM events WHERE type = 'order.message'"), 2);
    /* messages leave the version alone */
    assert_int_equal(ordersfix_int(fx.st, "SELECT version FROM orders WHERE id = ?1", id), 1);
    kt_arena_release(&a);
}

static void test_find_and_series_format(void **state)
{
    (void)state;
    struct kt_err err;
    assert_int_equal(series_define(fx.st, ORDERS_SERIES, "ZAM/{YY}/{NNNNN}", &err), 0);
    struct orders_line_input l = {.product_code = "P-PCS", .qty = 1000};
    struct orders_input in;
    orders_input_init(&in);
    in.customer_id = fx.k001;
    in.lines = &l;
    in.nlines = 1;
    in.date = 20785;
    char number[ORDERS_NUMBER_MAX];
    int64_t id = 0, found = 0;
    assert_int_equal(orders_create(fx.st, &ordersfix_staff, &in, &id, number, NULL, &err), 0);
    assert_string_equal(number, "ZAM/26/00001");
    assert_int_equal(orders_find(fx.st, &ordersfix_staff, number, &found, &err), 0);
    assert_int_equal(found, id);
    struct orders_actor stranger = ordersfix_customer_actor(fx.k003);
    assert_int_equal(orders_find(fx.st, &stranger, number, &found, &err), KT_ENOTFOUND);
    assert_int_equal(series_define(fx.st, ORDERS_SERIES, "ZK/{YYYY}/{MM}/{NNNN}", &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_create_prices_and_totals, reset),
        cmocka_unit_test_setup(test_eur_gross_discount_and_customer_actor, reset),
        cmocka_unit_test_setup(test_bad_input_refused_whole, reset),
        cmocka_unit_test_setup(test_unmatched_lines_and_mapping, reset),
        cmocka_unit_test_setup(test_unmatched_needs_what_was_received, reset),
        cmocka_unit_test_setup(test_edit_lines_versions_and_history, reset),
        cmocka_unit_test_setup(test_last_line_cannot_go, reset),
        cmocka_unit_test_setup(test_list_filters_and_sorting, reset),
        cmocka_unit_test_setup(test_payments, reset),
        cmocka_unit_test_setup(test_messages, reset),
        cmocka_unit_test_setup(test_find_and_series_format, reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
