/*
 * Orders through the domain API against the raw rows, in the same run on
 * the same database:
 *
 *   orders.BACKEND.create_confirm  an order of 5 lines created and confirmed
 *       with orders_create + orders_confirm (customer and addresses read,
 *       five prices resolved, number from the series, totals, reservations
 *       with ledger rows, history, events), both calls joining one
 *       transaction per order as the portal's auto-acceptance does, against
 *       the same rows written by hand-made INSERT/UPDATE statements through
 *       store.h in one transaction per order (no reads, no checks). The
 *       two sides alternate in blocks so drift hits both alike.
 *       ratio = domain orders/s / raw orders/s, target >= 0.5.
 *   orders.BACKEND.edit_line_1000_ms  one line of a 1 000-line order changed
 *       (quantity, price resolved again, totals recomputed over all lines,
 *       history, event); ratio = the slowest of 20 edits in ms, target <= 50.
 *
 *   bench_orders sqlite DIR [N]
 *   bench_orders postgres BASE_URL [N]   (a scratch database is created)
 *
 * N is the number of orders per side (default 2000).
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/log.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/stock.h"
#include "catalog/warehouse.h"
#include "orders/orders.h"
#include "parties/company.h"
#include "parties/customer.h"
#include "series/series.h"
#include "store/migrate.h"
#include "store/store.h"
#include "base/banned.h"

#define TARGET_RATIO 0.5
#define TARGET_EDIT_MS 50.0
#define BLOCK 50
#define LINES 5
#define BIG 1000
#define EDITS 20

static const struct orders_actor actor = {
    .kind = ORDERS_ACTOR_STAFF, .name = "bench", .rights = ORDERS_RIGHT_EDIT_CONFIRMED};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_orders: %s: %s\n", what, detail);
    exit(1);
}

static void pg_admin(const char *base, const char *sql)
{
    PGconn *c = PQconnectdb(base);
    if (PQstatus(c) != CONNECTION_OK)
        die(base, PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die(sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

/* ---- set-up ---- */

static int64_t products[BIG];
static int64_t customer_id, warehouse_id;

static void setup(struct store *st)
{
    struct kt_err err;
    struct stock_warehouse w = {.active = 1};
    snprintf(w.code, sizeof w.code, "MAG1");
    snprintf(w.name, sizeof w.name, "Main");
    if (stock_warehouse_create(st, &w, &warehouse_id, &err))
        die("warehouse", err.msg);
    struct parties_company co = {0};
    snprintf(co.name, sizeof co.name, "Bench Sp. z o.o.");
    snprintf(co.nip, sizeof co.nip, "5261040828");
    snprintf(co.city, sizeof co.city, "Warszawa");
    snprintf(co.default_warehouse, sizeof co.default_warehouse, "MAG1");
    if (parties_company_set(st, &co, &err))
        die("company", err.msg);
    struct parties_customer c;
    parties_customer_init(&c);
    snprintf(c.code, sizeof c.code, "K001");
    snprintf(c.name, sizeof c.name, "Customer");
    snprintf(c.country, sizeof c.country, "PL");
    if (parties_customer_create(st, &c, &err))
        die("customer", err.msg);
    customer_id = c.id;
    struct price_list pl = {.basis = PRICE_BASIS_NET, .is_default = 1, .active = 1};
    int64_t list_id;
    snprintf(pl.code, sizeof pl.code, "RETAIL");
    snprintf(pl.name, sizeof pl.name, "Retail");
    snprintf(pl.currency, sizeof pl.currency, "PLN");
    if (price_list_create(st, &pl, &list_id, &err))
        die("price list", err.msg);
    if (store_begin(st, &err))
        die("begin", err.msg);
    for (int i = 0; i < BIG; i++) {
        struct catalog_product p;
        char code[32], name[64];
        catalog_product_init(&p);
        snprintf(code, sizeof code, "P-%04d", i);
        snprintf(name, sizeof name, "Towar %d", i);
        p.code = code;
        p.vat_rate = i % 3 == 0 ? "23" : i % 3 == 1 ? "8" : "5";
        p.text[CATALOG_PL].name = name;
        if (catalog_product_insert_in_tx(st, &p, &err))
            die("product", err.msg);
        products[i] = p.id;
        struct price_item it = {
            .price_list_id = list_id, .product_id = p.id, .price = 10000 + 37 * i};
        if (price_item_set(st, &it, &err) ||
            stock_set(st, p.id, warehouse_id, 1000000000, STOCK_REASON_SET, NULL, NULL, &err))
            die("price/stock", err.msg);
    }
    if (store_commit(st, &err))
        die("commit", err.msg);
    if (series_define(st, "RAW", "RAW/{NNNNNNNN}", &err))
        die("series", err.msg);
}

/* ---- the domain side ---- */

static void domain_order(struct store *st, long i)
{
    struct orders_line_input lines[LINES];
    struct orders_input in;
    struct kt_err err;
    int64_t id, version;
    for (int k = 0; k < LINES; k++)
        lines[k] = (struct orders_line_input){.product_id = products[(i * LINES + k) % BIG],
                                              .qty = 1000 * (1 + k)};
    orders_input_init(&in);
    in.customer_id = customer_id;
    in.lines = lines;
    in.nlines = LINES;
    /* Created and confirmed at once (as the portal's auto-acceptance
     * does): both calls join this transaction. */
    if (store_begin(st, &err) || orders_create(st, &actor, &in, &id, NULL, &version, &err) ||
        orders_confirm(st, &actor, id, version, 0, NULL, &err) || store_commit(st, &err))
        die("domain order", err.msg);
}

/* ---- the raw side: the same rows, one transaction ---- */

static void step_done(struct store *st, const char *sql, int64_t *out, const int64_t *ints,
                      int nints, const char *const *texts, int ntexts)
{
    struct store_stmt *s = NULL;
    struct kt_err err;
    if (store_prepare(st, sql, &s, &err))
        die(sql, err.msg);
    for (int k = 0; k < nints; k++)
        if (store_bind_int64(s, k + 1, ints[k]))
            die(sql, "bind");
    for (int k = 0; k < ntexts; k++)
        if (store_bind_text(s, nints + k + 1, texts[k]))
            die(sql, "bind");
    int rc = store_step(s, &err);
    if (rc < 0)
        die(sql, err.msg);
    if (out)
        *out = rc == STORE_ROW ? store_col_int64(s, 0) : 0;
    store_stmt_done(s);
}

static void raw_order(struct store *st, long i)
{
    struct kt_err err;
    int64_t n = 0, id = 0, now = (int64_t)time(NULL) * 1000;
    char number[32];
    if (store_begin(st, &err))
        die("begin", err.msg);
    step_done(st,
              "INSERT INTO series_counters (series_code, period, last) VALUES ('RAW', '', 0) "
              "ON CONFLICT (series_code, period) DO NOTHING",
              NULL, NULL, 0, NULL, 0);
    step_done(st,
              "UPDATE series_counters SET last = last + 1 WHERE series_code = 'RAW' AND "
              "period = '' RETURNING last",
              &n, NULL, 0, NULL, 0);
    snprintf(number, sizeof number, "RAW/%08lld", (long long)n);
    {
        int64_t ints[] = {customer_id, now};
        const char *texts[] = {number};
        step_done(st,
                  "INSERT INTO orders (customer_id, created_at, updated_at, number, source, "
                  "order_date, currency, price_basis, lang, document_type, status, bill_name, "
                  "bill_country, ship_country, payment_method, payment_days, created_by) "
                  "VALUES (?1, ?2, ?2, ?3, 'backoffice', '2026-11-28', 'PLN', 'net', 'pl', "
                  "'domestic', 'draft', 'Customer', 'PL', 'PL', 'transfer', 14, 'bench') "
                  "RETURNING id",
                  &id, ints, 2, texts, 1);
    }
    int64_t line_ids[LINES];
    for (int k = 0; k < LINES; k++) {
        int64_t p = (i * LINES + k) % BIG;
        int64_t ints[] = {id,
                          k + 1,
                          products[p],
                          1000 * (1 + k),
                          10000 + 37 * p,
                          (10000 + 37 * p) * (1 + k) / 100};
        step_done(st,
                  "INSERT INTO order_lines (order_id, position, kind, product_id, qty, "
                  "unit_price, value, code, name, unit, vat_rate, price_source) "
                  "VALUES (?1, ?2, 'product', ?3, ?4, ?5, ?6, 'P', 'Towar', 'pcs', '23', "
                  "'price list RETAIL') RETURNING id",
                  &line_ids[k], ints, 6, NULL, 0);
    }
    {
        int64_t ints[] = {id, now};
        step_done(st,
                  "UPDATE orders SET total_net = 1000, total_vat = 230, total_gross = 1230, "
                  "updated_at = ?2 WHERE id = ?1",
                  NULL, ints, 2, NULL, 0);
        step_done(st,
                  "INSERT INTO order_history (order_id, at, actor, action, to_status, detail) "
                  "VALUES (?1, ?2, 'bench', 'created', 'draft', '{}')",
                  NULL, ints, 2, NULL, 0);
        step_done(st,
                  "INSERT INTO events (type, payload, created_at) VALUES ('order.created', "
                  "'{\"order_id\":1}', ?1)",
                  NULL, &now, 1, NULL, 0);
    }
    for (int k = 0; k < LINES; k++) {
        int64_t p = (i * LINES + k) % BIG, onhand = 0;
        int64_t ints[] = {products[p], warehouse_id, 1000 * (1 + k), now};
        step_done(st,
                  "UPDATE stock SET reserved = reserved + ?3 WHERE product_id = ?1 AND "
                  "warehouse_id = ?2 AND on_hand - reserved >= ?3 RETURNING on_hand",
                  &onhand, ints, 3, NULL, 0);
        step_done(st,
                  "INSERT INTO stock_ledger (at, warehouse_id, product_id, delta, reserved_delta, "
                  "reason, doc_ref, resulting_on_hand, resulting_reserved, username) "
                  "VALUES (?4, ?2, ?1, 0, ?3, 'reserve', 'RAW', 0, ?3, 'bench')",
                  NULL, ints, 4, NULL, 0);
        step_done(st,
                  "INSERT INTO events (type, payload, created_at) VALUES ('stock.changed', "
                  "'{\"product_id\":1}', ?1)",
                  NULL, &now, 1, NULL, 0);
        int64_t line[] = {line_ids[k], 1000 * (1 + k)};
        step_done(st, "UPDATE order_lines SET reserved = ?2 WHERE id = ?1", NULL, line, 2, NULL, 0);
    }
    {
        int64_t ints[] = {id, now, warehouse_id};
        step_done(st,
                  "UPDATE orders SET status = 'confirmed', warehouse_id = ?3, confirmed_at = ?2, "
                  "confirmed_by = 'bench', version = version + 1 WHERE id = ?1",
                  NULL, ints, 3, NULL, 0);
        step_done(st,
                  "INSERT INTO order_history (order_id, at, actor, action, from_status, "
                  "to_status, detail) VALUES (?1, ?2, 'bench', 'confirmed', 'draft', "
                  "'confirmed', '{}')",
                  NULL, ints, 2, NULL, 0);
        step_done(st,
                  "INSERT INTO events (type, payload, created_at) VALUES ('order.confirmed', "
                  "'{\"order_id\":1}', ?1)",
                  NULL, &now, 1, NULL, 0);
    }
    if (store_commit(st, &err))
        die("commit", err.msg);
}

/* ---- the 1 000-line edit ---- */

static double edit_big(struct store *st)
{
    static struct orders_line_input lines[BIG];
    struct orders_input in;
    struct kt_err err;
    int64_t id, version;
    for (int k = 0; k < BIG; k++)
        lines[k] = (struct orders_line_input){.product_id = products[k], .qty = 1000};
    orders_input_init(&in);
    in.customer_id = customer_id;
    in.lines = lines;
    in.nlines = BIG;
    if (orders_create(st, &actor, &in, &id, NULL, &version, &err))
        die("1000-line order", err.msg);
    double worst = 0;
    for (int e = 0; e < EDITS; e++) {
        double t0 = now_s();
        if (orders_line_update(st, &actor, id, version, 1 + (e * 37) % BIG, 2000 + 1000 * e, 0, 0,
                               -1, &version, &err))
            die("edit", err.msg);
        double ms = (now_s() - t0) * 1000;
        if (ms > worst)
            worst = ms;
    }
    return worst;
}

int main(int argc, char **argv)
{
    char url[2048];
    struct store *st = NULL;
    struct kt_err err;
    int applied = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: bench_orders sqlite DIR [N] | postgres BASE_URL [N]\n");
        return 2;
    }
    long n = argc > 3 ? strtol(argv[3], NULL, 10) : 2000;
    if (n < BLOCK)
        n = BLOCK;
    kt_log_set_level(KT_LOG_WARN);
    const char *backend = argv[1];
    if (strcmp(backend, "postgres") == 0) {
        const char *q = strchr(argv[2], '?');
        pg_admin(argv[2], "DROP DATABASE IF EXISTS bench_orders");
        pg_admin(argv[2], "CREATE DATABASE bench_orders");
        snprintf(url, sizeof url, "postgresql:///bench_orders%s", q ? q : "");
    } else if (strcmp(backend, "sqlite") == 0) {
        snprintf(url, sizeof url, "sqlite:%s/bench_orders.db", argv[2]);
    } else {
        die(backend, "unknown backend (sqlite or postgres)");
    }
    if (store_open(url, &st, &err) || store_migrate(st, &applied, &err))
        die(url, err.msg);
    setup(st);

    double domain_s = 0, raw_s = 0;
    for (long done = 0; done < n; done += BLOCK) {
        double t0 = now_s();
        for (long i = done; i < done + BLOCK; i++)
            domain_order(st, i);
        double t1 = now_s();
        for (long i = done; i < done + BLOCK; i++)
            raw_order(st, i);
        double t2 = now_s();
        domain_s += t1 - t0;
        raw_s += t2 - t1;
    }
    double domain_rate = n / domain_s, raw_rate = n / raw_s, ratio = domain_rate / raw_rate;
    printf("BENCH orders.%s.create_confirm orders=%ld lines=%d domain_per_s=%.0f raw_per_s=%.0f "
           "ratio=%.3f target>=%.2f %s\n",
           backend, n, LINES, domain_rate, raw_rate, ratio, TARGET_RATIO,
           ratio >= TARGET_RATIO ? "pass" : "FAIL");
    double worst = edit_big(st);
    printf("BENCH orders.%s.edit_line_1000_ms lines=%d edits=%d ratio=%.2f target<=%.0f %s\n",
           backend, BIG, EDITS, worst, TARGET_EDIT_MS, worst <= TARGET_EDIT_MS ? "pass" : "FAIL");
    store_close(st);
    if (strcmp(backend, "postgres") == 0)
        pg_admin(argv[2], "DROP DATABASE IF EXISTS bench_orders");
    return 0;
}
