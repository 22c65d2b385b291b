#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/log.h"
#include "catalog/group.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/stock.h"
#include "catalog/warehouse.h"
#include "exchange/exchange.h"
#include "parties/customer.h"
#include "store/migrate.h"
#include "testdb.h"

/* A fresh, migrated database per test, with the reference data every
 * import refers to: group TOOLS, warehouses MAIN and WRO, price lists
 * RETAIL (PLN gross), WHOLESALE (PLN net) and EXPORT-EUR. */
struct fx {
    char url[1024];
    struct store *st;
    char path[64];
    /* the report */
    long lines[64];
    enum exchange_outcome outcomes[64];
    char reasons[64][KT_ERR_MSG_MAX];
    int nrows;
};

static void reference_data(struct store *st)
{
    struct kt_err err = {0};
    struct catalog_group g = {.code = "TOOLS", .name_pl = "Narzędzia"};
    if (catalog_group_create(st, &g, &err) != 0)
        fail_msg("group: %s", err.msg);
    static const char *const whs[] = {"MAIN", "WRO"};
    for (size_t i = 0; i < 2; i++) {
        struct stock_warehouse w = {.active = 1};
        snprintf(w.code, sizeof w.code, "%s", whs[i]);
        snprintf(w.name, sizeof w.name, "Magazyn %s", whs[i]);
        if (stock_warehouse_create(st, &w, NULL, &err) != 0)
            fail_msg("warehouse: %s", err.msg);
    }
    static const struct {
        const char *code, *cur;
        enum price_basis basis;
    } lists[] = {{"RETAIL", "PLN", PRICE_BASIS_GROSS},
                 {"WHOLESALE", "PLN", PRICE_BASIS_NET},
                 {"EXPORT-EUR", "EUR", PRICE_BASIS_NET}};
    for (size_t i = 0; i < 3; i++) {
        struct price_list pl = {.basis = lists[i].basis, .active = 1};
        snprintf(pl.code, sizeof pl.code, "%s", lists[i].code);
        snprintf(pl.name, sizeof pl.name, "List %s", lists[i].code);
        snprintf(pl.currency, sizeof pl.currency, "%s", lists[i].cur);
        if (price_list_create(st, &pl, NULL, &err) != 0)
            fail_msg("price list: %s", err.msg);
    }
}

static int open_db(char *url, size_t n, struct store **st)
{
    struct kt_err err = {0};
    int applied;
    if (testdb_create(url, n) != 0)
        return -1;
    if (store_open(url, st, &err) != 0 || store_migrate(*st, &applied, &err) != 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    reference_data(*st);
    return 0;
}

static int setup(void **state)
{
    kt_log_set_level(KT_LOG_WARN);
    struct fx *f = calloc(1, sizeof *f);
    if (!f || open_db(f->url, sizeof f->url, &f->st) != 0)
        return -1;
    snprintf(f->path, sizeof f->path, "/tmp/kt-test-exchange.XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->st);
    testdb_drop(f->url);
    unlink(f->path);
    free(f);
    return 0;
}

static void write_file(struct fx *f, const char *text)
{
    FILE *o = fopen(f->path, "wb");
    assert_non_null(o);
    fputs(text, o);
    fclose(o);
}

static void on_row(void *ctx, const struct exchange_row_report *r)
{
    struct fx *f = ctx;
    if (f->nrows >= 64)
        return;
    f->lines[f->nrows] = r->line;
    f->outcomes[f->nrows] = r->outcome;
    snprintf(f->reasons[f->nrows], sizeof f->reasons[0], "%s", r->reason ? r->reason : "");
    f->nrows++;
}

static int run_import(struct fx *f, enum exchange_kind kind, const char *text, int dry_run,
                      int skip, struct exchange_summary *sum, struct kt_err *err)
{
    if (text)
        write_file(f, text);
    f->nrows = 0;
    struct exchange_options opt = {.dry_run = dry_run,
                                   .skip_bad_rows = skip,
                                   .on_row = on_row,
                                   .row_ctx = f,
                                   .encoding = KT_CSV_AUTO};
    return exchange_import(f->st, kind, f->path, &opt, sum, err);
}

/* Imports and expects success of the run (rows may still be rejected). */
static void import_ok(struct fx *f, enum exchange_kind kind, const char *text, int dry_run,
                      int skip, struct exchange_summary *sum)
{
    struct kt_err err = {0};
    int rc = run_import(f, kind, text, dry_run, skip, sum, &err);
    if (rc != 0)
        fail_msg("import failed (%d): %s", rc, err.msg);
}

static int64_t count(struct store *st, const char *sql)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    if (store_prepare(st, sql, &s, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    if (store_step(s, &err) != STORE_ROW)
        fail_msg("%s: %s", sql, err.msg);
    int64_t v = store_col_int64(s, 0);
    store_stmt_done(s);
    return v;
}

/* The reason reported for `line`; fails when there is none. */
static const char *reason_for(struct fx *f, long line)
{
    for (int i = 0; i < f->nrows; i++)
        if (f->lines[i] == line && f->outcomes[i] == EXCHANGE_REJECTED)
            return f->reasons[i];
    fail_msg("no rejection reported for line %ld", line);
    return NULL;
}

static char *export_text(struct store *st, enum exchange_kind kind)
{
    char *text = NULL;
    size_t size = 0;
    FILE *o = open_memstream(&text, &size);
    struct kt_err err = {0};
    long rows;
    if (exchange_export(st, kind, o, &rows, &err) != 0)
        fail_msg("export: %s", err.msg);
    fclose(o);
    return text;
}

static const char products_csv[] =
    "code,ean,name_pl,name_en,name_de,unit,vat,group,weight_g,active,price:RETAIL,"
    "price:WHOLESALE,stock:MAIN,stock:WRO\r\n"
    "P-001,5901234123457,Młotek ślusarski 500 g,Hammer 500 g,Hammer 500 g,pcs,23,TOOLS,650,1,"
    "49.99,32.5,12,0\r\n"
    "P-002,,\"Wkręt 4x40, opak. 100\",\"Screw 4x40, pack of 100\",,szt.,23,,120,1,0.0125,,"
    "1500.5,\r\n"
    "P-003,96385074,Żółw ogrodowy,,,pcs,8,TOOLS,,0,10,,,\r\n";

static int64_t product_id(struct store *st, const char *code)
{
    struct kt_arena a;
    kt_arena_init(&a, 0);
    struct catalog_product p;
    struct kt_err err;
    int rc = catalog_product_get_by_code(st, code, &a, &p, &err);
    kt_arena_release(&a);
    return rc == 0 ? p.id : 0;
}

/* ---- products ---- */

static void products_created_with_prices_and_stock(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS, products_csv, 0, 0, &sum);
    assert_int_equal(sum.rows, 3);
    assert_int_equal(sum.created, 3);
    assert_int_equal(sum.rejected, 0);
    assert_true(sum.written);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 3);
    struct kt_arena a;
    kt_arena_init(&a, 0);
    struct catalog_product p;
    struct kt_err err;
    assert_int_equal(catalog_product_get_by_code(f->st, "P-002", &a, &p, &err), 0);
    assert_string_equal(p.text[CATALOG_PL].name, "Wkręt 4x40, opak. 100");
    assert_string_equal(p.unit, "pcs");
    assert_null(p.ean);
    assert_int_equal(p.weight_g, 120);
    assert_int_equal(p.group_id, 0);
    assert_int_equal(catalog_product_get_by_code(f->st, "P-003", &a, &p, &err), 0);
    assert_int_equal(p.active, 0);
    assert_string_equal(p.vat_rate, "8");
    assert_int_equal(p.weight_g, -1);
    kt_arena_release(&a);

    struct price_list retail;
    assert_int_equal(price_list_get(f->st, "RETAIL", &retail, &err), 0);
    struct price_item *items = NULL;
    size_t n = 0;
    assert_int_equal(price_items(f->st, retail.id, product_id(f->st, "P-002"), &items, &n, &err),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].price, 125); /* 0,0125 zł */
    free(items);
    struct stock_warehouse main_wh;
    assert_int_equal(stock_warehouse_get(f->st, "MAIN", &main_wh, &err), 0);
    struct stock_level lvl;
    assert_int_equal(stock_get(f->st, product_id(f->st, "P-002"), main_wh.id, &lvl, &err), 0);
    assert_int_equal(lvl.on_hand, 1500500);
}

static void products_again_unchanged_then_updated(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS, products_csv, 0, 0, &sum);
    import_ok(f, EXCHANGE_PRODUCTS, products_csv, 0, 0, &sum);
    assert_int_equal(sum.unchanged, 3);
    assert_int_equal(sum.created + sum.updated + sum.rejected, 0);
    import_ok(f, EXCHANGE_PRODUCTS,
              "code,name_pl,price:RETAIL\nP-001,Młotek 500 g,49.99\nP-002,\"Wkręt 4x40, opak. "
              "100\",0.0150\n",
              0, 0, &sum);
    assert_int_equal(sum.updated, 2);
    struct kt_arena a;
    kt_arena_init(&a, 0);
    struct catalog_product p;
    struct kt_err err;
    assert_int_equal(catalog_product_get_by_code(f->st, "P-001", &a, &p, &err), 0);
    assert_string_equal(p.text[CATALOG_PL].name, "Młotek 500 g");
    assert_string_equal(p.text[CATALOG_EN].name, "Hammer 500 g"); /* absent column kept */
    assert_int_equal(p.weight_g, 650);
    kt_arena_release(&a);
}

static void bad_ean_rejects_all(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS,
              "code,ean,name_pl\nA1,5901234123457,Dobry\nA2,5901234123458,Zły\n", 0, 0, &sum);
    assert_int_equal(sum.rejected, 1);
    assert_false(sum.written);
    assert_string_equal(reason_for(f, 3), "ean 5901234123458: check digit is 8, expected 7");
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 0);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM events"), 0);
}

static void skip_bad_rows_writes_good_ones(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS,
              "code,ean,name_pl,price:RETAIL\n"
              "A1,5901234123457,Dobry,1.00\n"
              "A2,5901234123458,Zły EAN,1.00\n"
              "A3,,Ujemna cena,-5.00\n"
              "A4,,Też dobry,2\n",
              0, 1, &sum);
    assert_int_equal(sum.created, 2);
    assert_int_equal(sum.rejected, 2);
    assert_true(sum.written);
    assert_string_equal(reason_for(f, 4), "price:RETAIL -5.00: a price must not be negative");
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 2);
    assert_int_not_equal(product_id(f->st, "A4"), 0);
    assert_int_equal(product_id(f->st, "A2"), 0);
}

static void skip_bad_rows_survives_a_failed_write(void **state)
{
    /* the second EAN is valid but taken by another product: only the
     * database can tell, the batch is replayed without that row */
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS, "code,ean,name_pl\nX1,5901234123457,Pierwszy\n", 0, 0, &sum);
    import_ok(f, EXCHANGE_PRODUCTS,
              "code,ean,name_pl\nB1,,Przed\nB2,5901234123457,Ten sam EAN\nB3,,Po\n", 0, 1, &sum);
    assert_int_equal(sum.created, 2);
    assert_int_equal(sum.rejected, 1);
    assert_non_null(strstr(reason_for(f, 3), "5901234123457"));
    assert_int_not_equal(product_id(f->st, "B1"), 0);
    assert_int_not_equal(product_id(f->st, "B3"), 0);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 3);
}

static void failed_write_in_all_or_nothing_writes_nothing(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS, "code,ean,name_pl\nX1,5901234123457,Pierwszy\n", 0, 0, &sum);
    import_ok(f, EXCHANGE_PRODUCTS,
              "code,ean,name_pl\nB1,,Przed\nB2,5901234123457,Ten sam EAN\nB3,,Po\n", 0, 0, &sum);
    assert_int_equal(sum.rejected, 1);
    assert_false(sum.written);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 1);
}

static void dry_run_writes_nothing(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    int64_t events = count(f->st, "SELECT COUNT(*) FROM events");
    import_ok(f, EXCHANGE_PRODUCTS, products_csv, 1, 0, &sum);
    assert_int_equal(sum.created, 3);
    assert_false(sum.written);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 0);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM stock_ledger"), 0);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM events"), events);
    /* dry run with skip-bad-rows: also nothing */
    import_ok(f, EXCHANGE_PRODUCTS, products_csv, 1, 1, &sum);
    assert_int_equal(sum.created, 3);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 0);
}

static void duplicate_code_in_file(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS, "code,name_pl\nD1,Jeden\nD2,Dwa\nD1,Znowu jeden\n", 0, 0, &sum);
    assert_int_equal(sum.rejected, 1);
    assert_string_equal(reason_for(f, 4), "code D1 appears twice in the file (first on line 2)");
    import_ok(f, EXCHANGE_PRODUCTS,
              "code,ean,name_pl\nE1,5901234123457,Jeden\nE2,5901234123457,Dwa\n", 0, 0, &sum);
    assert_string_equal(reason_for(f, 3),
                        "ean 5901234123457 appears twice in the file (first on line 2)");
}

static void bad_number_format(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS,
              "code,name_pl,weight_g,price:RETAIL,stock:MAIN\n"
              "N1,A,12.5kg,,\nN2,B,,1.2.3,\nN3,C,,1.00001,\nN4,D,,,abc\nN5,E,,\"12,50\",\"2,5\"\n",
              0, 1, &sum);
    assert_string_equal(reason_for(f, 2), "weight_g '12.5kg' is not a number; write it like 12");
    assert_string_equal(reason_for(f, 3),
                        "price:RETAIL '1.2.3' is not a number; write it like 12.50");
    assert_string_equal(reason_for(f, 4), "price:RETAIL '1.00001' has more than 4 decimals");
    assert_string_equal(reason_for(f, 5), "stock:MAIN 'abc' is not a number; write it like 12.50");
    assert_int_equal(sum.created, 1); /* a ',' decimal mark is fine */
}

static void header_errors_reject_the_file(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    struct kt_err err = {0};
    assert_int_equal(
        run_import(f, EXCHANGE_PRODUCTS, "code,name_pl,colour\nA,B,C\n", 0, 1, &sum, &err),
        KT_EINVAL);
    assert_non_null(strstr(err.msg, "line 1: unknown column 'colour'; the products columns are "
                                    "code, ean, name_pl"));
    assert_int_equal(
        run_import(f, EXCHANGE_PRODUCTS, "ean,name_pl\n5901234123457,B\n", 0, 0, &sum, &err),
        KT_EINVAL);
    assert_string_equal(err.msg, "line 1: column 'code' is missing");
    assert_int_equal(
        run_import(f, EXCHANGE_PRODUCTS, "code,name_pl,price:NOPE\nA,B,1\n", 0, 0, &sum, &err),
        KT_EINVAL);
    assert_string_equal(err.msg, "line 1: column 'price:NOPE': unknown price list NOPE");
    assert_int_equal(
        run_import(f, EXCHANGE_PRODUCTS, "code,name_pl,stock:NOPE\nA,B,1\n", 0, 0, &sum, &err),
        KT_EINVAL);
    assert_string_equal(err.msg, "line 1: column 'stock:NOPE': unknown warehouse NOPE");
    assert_int_equal(
        run_import(f, EXCHANGE_PRODUCTS, "code,name_pl,Code\nA,B,C\n", 0, 0, &sum, &err),
        KT_EINVAL);
    assert_string_equal(err.msg, "line 1: column 'Code' appears twice");
    assert_int_equal(run_import(f, EXCHANGE_PRODUCTS, "", 0, 0, &sum, &err), KT_EINVAL);
    assert_int_equal(sum.rows, 0);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 0);
}

static void wrong_field_count(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS, "code,name_pl,unit\nA,B,pcs\nC,D\n", 0, 0, &sum);
    assert_string_equal(reason_for(f, 3), "2 fields, the header has 3");
}

static void broken_quote_stops_the_import(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    struct kt_err err = {0};
    const char text[] = "code,name_pl\nQ1,Dobry\nQ2,\"Niezamknięty\nQ3,Trzeci\nQ4,\"x\"y\n";
    assert_int_equal(run_import(f, EXCHANGE_PRODUCTS, text, 0, 0, &sum, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "line 3: a quoted field is not closed"));
    assert_false(sum.written);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 0);
    /* with skip-bad-rows the rows before the broken line are kept */
    assert_int_equal(run_import(f, EXCHANGE_PRODUCTS, text, 0, 1, &sum, &err), KT_EINVAL);
    assert_true(sum.written);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), 1);
}

static void windows_1250_file(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    /* "Żółć" in Windows-1250 with ';' as Polish Excel writes it */
    import_ok(f, EXCHANGE_PRODUCTS,
              "code;name_pl;price:RETAIL\r\nW1;\xAF\xF3\xB3\xE6 \xB9\xEA;12,50\r\n", 0, 0, &sum);
    assert_int_equal(sum.created, 1);
    struct kt_arena a;
    kt_arena_init(&a, 0);
    struct catalog_product p;
    struct kt_err err;
    assert_int_equal(catalog_product_get_by_code(f->st, "W1", &a, &p, &err), 0);
    assert_string_equal(p.text[CATALOG_PL].name, "Żółć ąę");
    kt_arena_release(&a);
}

/* ---- customers ---- */

static const char customers_csv[] =
    "code,name,tax_id,regon,country,lang,currency,doc_type,payment_days,payment_method,"
    "credit_limit,street,postal_code,city,email,notes,active\r\n"
    "K001,Hurtownia Żak sp. z o.o.,526-104-08-28,,PL,,,,14,transfer,5000.00,ul. Długa 5,"
    "00-950,Warszawa,faktury@zak.example,\"Uwagi: \"\"VIP\"\"\",1\r\n"
    "K002,Müller GmbH,DE136695976,,DE,,,,30,transfer,,Hauptstraße 1,10115,Berlin,,,1\r\n"
    "K003,Acme Inc.,12-3456789,,US,,,,0,card,,1 Main St,10001,New York,,,0\r\n";

static void customers_import_and_bad_nip(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_CUSTOMERS, customers_csv, 0, 0, &sum);
    assert_int_equal(sum.created, 3);
    struct parties_customer c;
    struct kt_err err;
    assert_int_equal(parties_customer_get_by_code(f->st, "K001", &c, &err), 0);
    assert_string_equal(c.tax_id, "5261040828");
    assert_int_equal(c.credit_limit, 500000);
    assert_string_equal(c.notes, "Uwagi: \"VIP\"");
    assert_int_equal(parties_customer_get_by_code(f->st, "K002", &c, &err), 0);
    assert_string_equal(c.currency, "EUR");
    assert_int_equal(parties_customer_get_by_code(f->st, "K003", &c, &err), 0);
    assert_int_equal(c.active, 0);

    import_ok(f, EXCHANGE_CUSTOMERS,
              "code,name,tax_id,country\nK004,Nowy,5261040828,PL\nK005,Zły NIP,5261040827,PL\n", 0,
              0, &sum);
    assert_string_equal(reason_for(f, 3), "tax_id: NIP 5261040827: check digit is 7, expected 8");
    assert_false(sum.written);
    assert_int_equal(parties_customer_get_by_code(f->st, "K004", &c, &err), KT_ENOTFOUND);
    import_ok(f, EXCHANGE_CUSTOMERS, customers_csv, 0, 0, &sum);
    assert_int_equal(sum.unchanged, 3);
}

/* ---- price lists and stock ---- */

static void pricelists_import(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS, products_csv, 0, 0, &sum);
    import_ok(f, EXCHANGE_PRICELISTS,
              "list,product,price,valid_from,valid_to,min_qty\n"
              "RETAIL,P-001,45.00,2026-01-01,2026-12-31,\n"
              "WHOLESALE,P-002,0.011,,,1000\n"
              "RETAIL,P-001,49.99,,,\n"
              "NOPE,P-001,1,,,\n"
              "RETAIL,P-404,1,,,\n"
              "RETAIL,P-002,-1,,,\n"
              "RETAIL,P-002,1,2026-02-30,,\n"
              "WHOLESALE,P-002,0.012,,,1000\n",
              0, 1, &sum);
    assert_int_equal(sum.created, 2);
    assert_int_equal(sum.unchanged, 1);
    assert_int_equal(sum.rejected, 5);
    assert_string_equal(reason_for(f, 5), "price list NOPE: no such price list");
    assert_string_equal(reason_for(f, 6), "product P-404: no such product");
    assert_string_equal(reason_for(f, 7), "price -1: a price must not be negative");
    assert_string_equal(reason_for(f, 8),
                        "valid_from '2026-02-30' is not a date; write it like 2026-01-31");
    assert_string_equal(reason_for(f, 9), "price WHOLESALE/P-002/1000/ appears twice in the file "
                                          "(first on line 3)");
}

static void stock_import(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS, products_csv, 0, 0, &sum);
    import_ok(f, EXCHANGE_STOCK,
              "product,warehouse,quantity\nP-001,MAIN,12\nP-001,WRO,3.5\nP-003,MAIN,1\n"
              "P-001,NOPE,1\nP-404,MAIN,1\nP-003,WRO,-2\n",
              0, 1, &sum);
    assert_int_equal(sum.unchanged, 1);
    assert_int_equal(sum.updated, 1);
    assert_int_equal(sum.created, 1);
    assert_string_equal(reason_for(f, 5), "warehouse NOPE: no such warehouse");
    assert_string_equal(reason_for(f, 6), "product P-404: no such product");
    assert_string_equal(reason_for(f, 7), "quantity -2 must not be negative");
    assert_true(count(f->st, "SELECT COUNT(*) FROM stock_ledger WHERE reason = 'import'") >= 4);
}

/* ---- round trip ---- */

static void round_trip_is_byte_identical(void **state)
{
    struct fx *f = *state;
    struct exchange_summary sum;
    import_ok(f, EXCHANGE_PRODUCTS, products_csv, 0, 0, &sum);
    import_ok(f, EXCHANGE_CUSTOMERS, customers_csv, 0, 0, &sum);
    import_ok(f, EXCHANGE_PRICELISTS,
              "list,product,price,valid_from,valid_to,min_qty\n"
              "RETAIL,P-001,45.00,2026-01-01,2026-12-31,\nWHOLESALE,P-002,0.011,,,1000\n"
              "EXPORT-EUR,P-003,2.5,,,2.5\n",
              0, 0, &sum);
    static const enum exchange_kind kinds[] = {EXCHANGE_PRODUCTS, EXCHANGE_CUSTOMERS,
                                               EXCHANGE_PRICELISTS, EXCHANGE_STOCK};
    char *first[4];
    for (int k = 0; k < 4; k++)
        first[k] = export_text(f->st, kinds[k]);
    assert_non_null(strstr(first[0], "P-002,,\"Wkręt 4x40, opak. 100\""));
    assert_non_null(strstr(first[0], ",0.0125,"));

    char url[1024];
    struct store *st2 = NULL;
    assert_int_equal(open_db(url, sizeof url, &st2), 0);
    struct store *keep = f->st;
    f->st = st2;
    for (int k = 0; k < 4; k++) {
        import_ok(f, kinds[k], first[k], 0, 0, &sum);
        assert_int_equal(sum.rejected, 0);
    }
    for (int k = 0; k < 4; k++) {
        char *second = export_text(st2, kinds[k]);
        assert_string_equal(second, first[k]);
        free(second);
        free(first[k]);
    }
    f->st = keep;
    store_close(st2);
    testdb_drop(url);
}

/* ---- a larger file: streamed, memory bounded ---- */

static void large_file_memory_bounded(void **state)
{
    struct fx *f = *state;
    const long rows = 20000;
    FILE *o = fopen(f->path, "wb");
    assert_non_null(o);
    fprintf(o, "code,name_pl,unit,vat,weight_g,price:RETAIL,stock:MAIN\n");
    for (long i = 0; i < rows; i++)
        fprintf(o, "L%06ld,Produkt numer %ld z dość długą nazwą,pcs,23,%ld,%ld.%02ld,%ld\n", i, i,
                i % 5000, i % 1000, i % 100, i % 50);
    fclose(o);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long before = ru.ru_maxrss;
    (void)before;
    struct exchange_summary sum;
    f->nrows = 0;
    struct exchange_options opt = {.skip_bad_rows = 1, .batch_rows = 2000};
    struct kt_err err = {0};
    int rc = exchange_import(f->st, EXCHANGE_PRODUCTS, f->path, &opt, &sum, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(sum.created, rows);
    assert_int_equal(count(f->st, "SELECT COUNT(*) FROM products"), rows);
    getrusage(RUSAGE_SELF, &ru);
    /* AddressSanitizer keeps freed memory in quarantine: the RSS says
     * nothing there, the bound holds for the plain build */
#ifndef __SANITIZE_ADDRESS__
    if (ru.ru_maxrss - before > 48 * 1024)
        fail_msg("the import grew the RSS by %ld KiB", ru.ru_maxrss - before);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(products_created_with_prices_and_stock, setup, teardown),
        cmocka_unit_test_setup_teardown(products_again_unchanged_then_updated, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_ean_rejects_all, setup, teardown),
        cmocka_unit_test_setup_teardown(skip_bad_rows_writes_good_ones, setup, teardown),
        cmocka_unit_test_setup_teardown(skip_bad_rows_survives_a_failed_write, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_write_in_all_or_nothing_writes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dry_run_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(duplicate_code_in_file, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_number_format, setup, teardown),
        cmocka_unit_test_setup_teardown(header_errors_reject_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_field_count, setup, teardown),
        cmocka_unit_test_setup_teardown(broken_quote_stops_the_import, setup, teardown),
        cmocka_unit_test_setup_teardown(windows_1250_file, setup, teardown),
        cmocka_unit_test_setup_teardown(customers_import_and_bad_nip, setup, teardown),
        cmocka_unit_test_setup_teardown(pricelists_import, setup, teardown),
        cmocka_unit_test_setup_teardown(stock_import, setup, teardown),
        cmocka_unit_test_setup_teardown(round_trip_is_byte_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(large_file_memory_bounded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
