/*
 * Product search at catalogue scale: loads N products (default 1 000 000)
 * through the bulk insert path (catalog_product_insert_in_tx, 50 000 per
 * transaction), then measures autocomplete (catalog_autocomplete, top 10)
 * for realistic 2-5 character prefixes of generated names and codes,
 * interleaved one to one with a primary-key lookup on the same table
 * (SELECT id, code, name_fold, version FROM products WHERE id = ?1 through
 * store.h), so both see the same load and caches.
 *
 *   bench_search sqlite DIR [N]
 *   bench_search postgres BASE_URL [N]   (a database is created and dropped)
 *
 * BENCH lines (scripts/run-bench): ratio is the measured value in the unit
 * of the target:
 *   search.B.autocomplete_p99_ms   p99 of autocomplete in ms
 *                                  (target 5 on SQLite, 10 on PostgreSQL)
 *   search.B.autocomplete_vs_pk    p99(autocomplete) / p99(primary-key lookup)
 *                                  (target 20)
 *   search.sqlite.bulk_insert      50 000 / measured products per second
 *                                  (target 1, i.e. >= 50 000/s); the
 *                                  PostgreSQL load rate goes to stderr
 */
#include <libpq-fe.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/log.h"
#include "catalog/product.h"
#include "catalog/search.h"
#include "store/migrate.h"
#include "store/store.h"
#include "base/banned.h"

#define QUERIES 2000
#define BATCH 50000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_search: %s: %s\n", what, detail);
    exit(1);
}

/* A deterministic generator (xorshift64*), so runs are comparable. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

/* Names: noun + adjective + material + size, in Polish and English. */
static const char *const nouns[][2] = {
    {"Młotek", "Hammer"},      {"Wkrętarka", "Screwdriver"},
    {"Śruba", "Screw"},        {"Kabel", "Cable"},
    {"Żarówka", "Bulb"},       {"Łańcuch", "Chain"},
    {"Klucz", "Wrench"},       {"Piła", "Saw"},
    {"Wiertło", "Drill bit"},  {"Taśma", "Tape"},
    {"Gwóźdź", "Nail"},        {"Nakrętka", "Nut"},
    {"Podkładka", "Washer"},   {"Przedłużacz", "Extension cord"},
    {"Gniazdo", "Socket"},     {"Wtyczka", "Plug"},
    {"Lampa", "Lamp"},         {"Drabina", "Ladder"},
    {"Pędzel", "Brush"},       {"Farba", "Paint"},
    {"Klej", "Glue"},          {"Silikon", "Silicone"},
    {"Rękawice", "Gloves"},    {"Kask", "Helmet"},
    {"Okulary", "Goggles"},    {"Latarka", "Torch"},
    {"Bateria", "Battery"},    {"Ładowarka", "Charger"},
    {"Szlifierka", "Grinder"}, {"Poziomica", "Spirit level"},
    {"Miara", "Tape measure"}, {"Kombinerki", "Pliers"},
    {"Nożyce", "Shears"},      {"Siekiera", "Axe"},
    {"Łopata", "Shovel"},      {"Grabie", "Rake"},
    {"Wąż", "Hose"},           {"Zraszacz", "Sprinkler"},
    {"Wiadro", "Bucket"},      {"Taczka", "Wheelbarrow"},
    {"Kłódka", "Padlock"},     {"Zawias", "Hinge"},
    {"Uchwyt", "Handle"},      {"Półka", "Shelf"},
    {"Skrzynka", "Box"},       {"Worek", "Sack"},
    {"Folia", "Foil"},         {"Sznurek", "String"},
    {"Dłuto", "Chisel"},       {"Pilnik", "File"},
};
static const char *const adjectives[][2] = {
    {"stalowy", "steel"},
    {"żółty", "yellow"},
    {"czerwony", "red"},
    {"mały", "small"},
    {"duży", "large"},
    {"profesjonalny", "professional"},
    {"ogrodowy", "garden"},
    {"warsztatowy", "workshop"},
    {"wzmocniony", "reinforced"},
    {"lekki", "light"},
    {"ciężki", "heavy"},
    {"składany", "folding"},
    {"ręczny", "manual"},
    {"elektryczny", "electric"},
    {"akumulatorowy", "cordless"},
    {"uniwersalny", "universal"},
    {"wodoodporny", "waterproof"},
    {"izolowany", "insulated"},
    {"magnetyczny", "magnetic"},
    {"precyzyjny", "precision"},
};
static const char *const materials[][2] = {
    {"ocynk", "zinc"},          {"mosiądz", "brass"}, {"nierdzewny", "stainless"},
    {"aluminium", "aluminium"}, {"drewno", "wood"},   {"plastik", "plastic"},
    {"miedź", "copper"},        {"guma", "rubber"},   {"włókno", "fibre"},
    {"żeliwo", "cast iron"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct gen {
    char code[32];
    char ean[16];
    char name_pl[160];
    char name_en[160];
};

static void ean13(uint64_t body, char out[16])
{
    char d[13];
    int sum = 0;
    snprintf(d, sizeof d, "590%09llu", (unsigned long long)(body % 1000000000ull));
    for (int i = 0; i < 12; i++)
        sum += (d[i] - '0') * (i % 2 ? 3 : 1);
    snprintf(out, 16, "%.12s%d", d, (10 - sum % 10) % 10);
}

/* Product i (1-based) is always generated the same way. */
static void generate(long i, struct gen *g)
{
    uint64_t h = (uint64_t)i * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    size_t n = (size_t)(h % COUNT(nouns)), a = (size_t)((h >> 8) % COUNT(adjectives)),
           m = (size_t)((h >> 16) % COUNT(materials));
    int size = (int)((h >> 24) % 200) + 1;
    snprintf(g->code, sizeof g->code, "%c%c-%07ld", 'A' + (int)((h >> 32) % 26),
             'A' + (int)((h >> 40) % 26), i);
    if (i % 2 == 0)
        ean13((uint64_t)i, g->ean);
    else
        g->ean[0] = '\0';
    snprintf(g->name_pl, sizeof g->name_pl, "%s %s %s %d mm", nouns[n][0], adjectives[a][0],
             materials[m][0], size);
    snprintf(g->name_en, sizeof g->name_en, "%s %s %s %d mm", adjectives[a][1], materials[m][1],
             nouns[n][1], size);
}

static double load(struct store *st, long n)
{
    struct kt_err err;
    struct gen g;
    double t0 = now_s();
    for (long i = 1; i <= n;) {
        if (store_begin(st, &err) < 0)
            die("begin", err.msg);
        for (long k = 0; k < BATCH && i <= n; k++, i++) {
            struct catalog_product p;
            generate(i, &g);
            catalog_product_init(&p);
            p.code = g.code;
            p.ean = g.ean[0] ? g.ean : NULL;
            p.text[CATALOG_PL].name = g.name_pl;
            p.text[CATALOG_EN].name = g.name_en;
            p.weight_g = i % 5000;
            if (catalog_product_insert_in_tx(st, &p, &err) < 0)
                die(g.code, err.msg);
        }
        if (store_commit(st, &err) < 0)
            die("commit", err.msg);
    }
    return now_s() - t0;
}

/* A prefix a user would type: 2-5 characters of a word of a name (as
 * written, with capitals and diacritics, or plain), of a code or an EAN. */
static void make_prefix(long n, char *out, size_t size)
{
    struct gen g;
    generate((long)(rnd() % (uint64_t)n) + 1, &g);
    unsigned kind = (unsigned)(rnd() % 10);
    size_t want = 2 + (size_t)(rnd() % 4);
    const char *src;
    if (kind < 1)
        src = g.code;
    else if (kind < 2 && g.ean[0])
        src = g.ean;
    else {
        /* a word of one of the names */
        const char *name = kind < 7 ? g.name_pl : g.name_en;
        int words = 1;
        for (const char *c = name; *c; c++)
            words += *c == ' ';
        int pick = (int)(rnd() % (uint64_t)(words - 2)); /* not the size or "mm" */
        src = name;
        while (pick-- > 0)
            src = strchr(src, ' ') + 1;
    }
    /* copy `want` characters (not bytes) */
    size_t o = 0, chars = 0;
    for (const char *c = src; *c && *c != ' ' && chars < want && o + 4 < size; chars++) {
        do
            out[o++] = *c++;
        while ((*c & 0xC0) == 0x80);
    }
    out[o] = '\0';
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(double *v, size_t n, double p)
{
    size_t k = (size_t)(p * (double)(n - 1) + 0.5);
    return v[k];
}

static void measure(const char *backend, struct store *st, long n, double target_ms)
{
    static double ac[QUERIES], pk[QUERIES];
    static char slow_prefix[3][64];
    double slow_ms[3] = {0, 0, 0};
    struct kt_arena arena;
    struct kt_err err;
    char prefix[64];
    size_t hits_total = 0;

    kt_arena_init(&arena, 0);
    for (int q = -200; q < QUERIES; q++) { /* 200 rounds of warm-up */
        struct catalog_hit *hits;
        size_t nh;
        struct store_stmt *s = NULL;
        int64_t id = (int64_t)(rnd() % (uint64_t)n) + 1;
        make_prefix(n, prefix, sizeof prefix);

        double t0 = now_s();
        if (catalog_autocomplete(st, prefix, CATALOG_PL, 10, &arena, &hits, &nh, &err) < 0)
            die(prefix, err.msg);
        double t1 = now_s();
        if (store_prepare(st, "SELECT id, code, name_fold, version FROM products WHERE id = ?1", &s,
                          &err) < 0)
            die("pk", err.msg);
        store_bind_int64(s, 1, id);
        if (store_step(s, &err) != STORE_ROW || store_col_int64(s, 0) != id)
            die("pk", "a generated id was not found");
        store_stmt_done(s);
        double t2 = now_s();
        if (nh == 0)
            die(prefix, "a prefix taken from a product found nothing");
        if (q >= 0) {
            /* keep the three slowest prefixes, to tell what the tail is */
            for (int k = 0; k < 3; k++)
                if ((t1 - t0) * 1000 > slow_ms[k]) {
                    for (int m = 2; m > k; m--) {
                        slow_ms[m] = slow_ms[m - 1];
                        memcpy(slow_prefix[m], slow_prefix[m - 1], sizeof slow_prefix[m]);
                    }
                    slow_ms[k] = (t1 - t0) * 1000;
                    snprintf(slow_prefix[k], sizeof slow_prefix[k], "%s", prefix);
                    break;
                }
            ac[q] = (t1 - t0) * 1000;
            pk[q] = (t2 - t1) * 1000;
            hits_total += nh;
        }
        kt_arena_release(&arena);
        kt_arena_init(&arena, 0);
    }
    kt_arena_release(&arena);
    fprintf(stderr,
            "bench_search: %s: slowest autocomplete: \"%s\" %.3f ms, \"%s\" %.3f ms, "
            "\"%s\" %.3f ms\n",
            backend, slow_prefix[0], slow_ms[0], slow_prefix[1], slow_ms[1], slow_prefix[2],
            slow_ms[2]);
    qsort(ac, QUERIES, sizeof ac[0], cmp_double);
    qsort(pk, QUERIES, sizeof pk[0], cmp_double);
    double ac50 = percentile(ac, QUERIES, 0.5), ac99 = percentile(ac, QUERIES, 0.99);
    double pk50 = percentile(pk, QUERIES, 0.5), pk99 = percentile(pk, QUERIES, 0.99);
    printf("BENCH search.%s.autocomplete_p99_ms products=%ld queries=%d median_ms=%.3f "
           "p99_ms=%.3f avg_hits=%.1f ratio=%.3f target<=%.2f %s\n",
           backend, n, QUERIES, ac50, ac99, (double)hits_total / QUERIES, ac99, target_ms,
           ac99 <= target_ms ? "pass" : "FAIL");
    double ratio = ac99 / pk99;
    printf("BENCH search.%s.autocomplete_vs_pk products=%ld pk_median_ms=%.4f pk_p99_ms=%.4f "
           "autocomplete_p99_ms=%.3f ratio=%.2f target<=20.00 %s\n",
           backend, n, pk50, pk99, ac99, ratio, ratio <= 20 ? "pass" : "FAIL");
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

int main(int argc, char **argv)
{
    struct store *st = NULL;
    struct kt_err err;
    char url[2048];
    int applied;

    if (argc < 3) {
        fprintf(stderr, "usage: bench_search sqlite DIR [N] | postgres BASE_URL [N]\n");
        return 2;
    }
    long n = argc > 3 ? strtol(argv[3], NULL, 10) : 1000000;
    if (n < 100)
        die("N", "use at least 100 products");
    kt_log_set_level(KT_LOG_WARN);
    /* SQLite mallocs and frees a 64 KB scratch buffer for every B-tree page
     * split; with glibc's default trim threshold each free shrinks the heap
     * and the next malloc grows it again (two brk calls and page faults per
     * split). Keeping some slack at the top of the heap avoids that. */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 1 << 20);
    int pg = strcmp(argv[1], "postgres") == 0;
    if (pg) {
        const char *q = strchr(argv[2], '?');
        pg_admin(argv[2], "DROP DATABASE IF EXISTS bench_search");
        pg_admin(argv[2], "CREATE DATABASE bench_search");
        snprintf(url, sizeof url, "postgresql:///bench_search%s", q ? q : "");
    } else if (strcmp(argv[1], "sqlite") == 0) {
        snprintf(url, sizeof url, "sqlite:%s/bench_search.db", argv[2]);
    } else {
        die(argv[1], "unknown backend (sqlite or postgres)");
    }
    if (store_open(url, &st, &err) < 0 || store_migrate(st, &applied, &err) < 0)
        die(url, err.msg);
    /* A bulk load keeps the indexes it writes to in memory: 256 MB of page
     * cache on SQLite (the default 2 MB would re-read index pages). */
    if (!pg && store_exec(st, "PRAGMA cache_size = -262144", &err) < 0)
        die("cache_size", err.msg);

    double secs = load(st, n);
    double rate = (double)n / secs;
    /* the 50 000/s target is SQLite's (the embedded default, what `kontor
     * demo` loads into); PostgreSQL's rate is reported for information */
    if (pg)
        fprintf(stderr, "bench_search: postgres: bulk insert %ld products in %.1f s, %.0f/s\n", n,
                secs, rate);
    else
        printf("BENCH search.sqlite.bulk_insert products=%ld seconds=%.1f per_s=%.0f ratio=%.3f "
               "target<=1.00 %s\n",
               n, secs, rate, 50000.0 / rate, 50000.0 / rate <= 1.0 ? "pass" : "FAIL");
    fflush(stdout);
    if (pg && store_exec(st, "ANALYZE", &err) < 0)
        die("analyze", err.msg);
    measure(argv[1], st, n, pg ? 10.0 : 5.0);
    store_close(st);
    if (pg)
        pg_admin(argv[2], "DROP DATABASE bench_search");
    return 0;
}
