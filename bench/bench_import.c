/*
 * CSV import rate against the bulk load of the same products, in the same
 * run, on SQLite:
 *   0. `kontor demo --products DEMO_N` (default 1 000 000) into database C
 *      through demo_create (catalog_product_insert_in_tx in transactions
 *      of 20 000): the demo load rate in products/s, against the 50 000/s
 *      target;
 *   1. the same demo load of N products into database A: the baseline;
 *   2. export of A's products as CSV (exchange_export) to DIR/products.csv;
 *      its raw parse rate by the CSV reader alone is printed for
 *      information;
 *   3. import of that file into database B (same reference data) with
 *      exchange_import, all-or-nothing: rows/s.
 *
 *   bench_import DIR [N [DEMO_N]]   (N products, default 100 000)
 *
 * BENCH lines (scripts/run-bench):
 *   demo.sqlite.load         50 000 / demo products per second (target 1)
 *   import.sqlite.products   demo load rate of the N products / CSV import
 *                            rate of the same N products (target 3:
 *                            the import, which reads, checks and upserts
 *                            every row, runs at least at a third of the
 *                            bare bulk load)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/err.h"
#include "base/log.h"
#include "demo/demo.h"
#include "exchange/exchange.h"
#include "store/migrate.h"
#include "store/store.h"
#include "base/banned.h"

#define DEMO_TARGET_PER_S 50000.0
#define IMPORT_TARGET_RATIO 3.0

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_import: %s: %s\n", what, detail);
    exit(1);
}

static struct store *fresh_db(const char *dir, const char *name)
{
    char path[1024], url[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[1100];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    snprintf(url, sizeof url, "sqlite:%s", path);
    struct store *st = NULL;
    struct kt_err err;
    int applied;
    if (store_open(url, &st, &err) != 0 || store_migrate(st, &applied, &err) != 0)
        die(url, err.msg);
    return st;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        die("usage", "bench_import DIR [N]");
    const char *dir = argv[1];
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 100000;
    if (n < 1000)
        die("N", "at least 1000 products");
    kt_log_set_level(KT_LOG_WARN);
    struct kt_err err;

    /* 0. the demo bulk load at scale */
    long demo_n = argc > 3 ? strtol(argv[3], NULL, 10) : 1000000;
    struct store *c = fresh_db(dir, "bench_import_c.db");
    struct demo_options big = {.products = demo_n, .customers = 1, .images = 0};
    struct demo_summary sum;
    if (demo_create(c, &big, &sum, &err) != 0)
        die("demo", err.msg);
    store_close(c);
    double big_rate = (double)sum.products / sum.product_seconds;
    double demo_ratio = DEMO_TARGET_PER_S / big_rate;
    printf("BENCH demo.sqlite.load products=%ld seconds=%.2f per_s=%.0f ratio=%.3f target<=1.00 "
           "%s\n",
           sum.products, sum.product_seconds, big_rate, demo_ratio,
           demo_ratio <= 1.0 ? "pass" : "FAIL");
    fflush(stdout);

    /* 1. the baseline: the demo load of the N products the file will hold */
    struct store *a = fresh_db(dir, "bench_import_a.db");
    struct demo_options o = {.products = n, .customers = 1, .images = 0};
    if (demo_create(a, &o, &sum, &err) != 0)
        die("demo", err.msg);
    double demo_rate = (double)sum.products / sum.product_seconds;

    /* 2. the file */
    char csv[1024];
    snprintf(csv, sizeof csv, "%s/bench_import_products.csv", dir);
    FILE *f = fopen(csv, "wb");
    if (!f)
        die(csv, "cannot create");
    long rows;
    if (exchange_export(a, EXCHANGE_PRODUCTS, f, &rows, &err) != 0)
        die("export", err.msg);
    fclose(f);
    store_close(a);

    double t0 = now_s();
    struct kt_csv_reader *r;
    if (kt_csv_open(csv, NULL, &r, &err) != 0)
        die(csv, err.msg);
    struct kt_csv_record rec;
    long parsed = 0;
    int rc;
    while ((rc = kt_csv_next(r, &rec, &err)) == 1)
        parsed++;
    if (rc != 0)
        die("parse", err.msg);
    kt_csv_close(r);
    double parse_rate = (double)parsed / (now_s() - t0);

    /* 3. the import into a database with the same reference data */
    struct store *b = fresh_db(dir, "bench_import_b.db");
    struct demo_options ref = {.products = 1, .customers = 1, .images = 0};
    if (demo_create(b, &ref, &sum, &err) != 0)
        die("reference data", err.msg);
    if (store_exec(b, "PRAGMA cache_size = -262144", &err) != 0)
        die("cache_size", err.msg);
    struct exchange_summary isum;
    t0 = now_s();
    if (exchange_import(b, EXCHANGE_PRODUCTS, csv, NULL, &isum, &err) != 0)
        die("import", err.msg);
    double secs = now_s() - t0;
    if (!isum.written || isum.rejected != 0 || isum.created + isum.unchanged + isum.updated != rows)
        die("import", "not every row was imported");
    double import_rate = (double)isum.rows / secs;
    double ratio = demo_rate / import_rate;
    printf("BENCH import.sqlite.products rows=%ld seconds=%.2f rows_per_s=%.0f demo_per_s=%.0f "
           "parse_per_s=%.0f ratio=%.3f target<=%.2f %s\n",
           isum.rows, secs, import_rate, demo_rate, parse_rate, ratio, IMPORT_TARGET_RATIO,
           ratio <= IMPORT_TARGET_RATIO ? "pass" : "FAIL");
    store_close(b);
    unlink(csv);
    static const char *const dbs[] = {"bench_import_a.db", "bench_import_b.db",
                                      "bench_import_c.db"};
    for (size_t i = 0; i < 3; i++) {
        char p[1100];
        snprintf(p, sizeof p, "%s/%s", dir, dbs[i]);
        unlink(p);
    }
    return 0;
}
