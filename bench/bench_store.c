/*
 * Store adapter overhead: insert N rows, one per transaction, then read each
 * back by primary key — once through the raw driver API (sqlite3 / libpq)
 * and once through store.h, in the same run, against the same kind of
 * database. Prints one BENCH line per measurement (see scripts/run-bench).
 *
 *   bench_store sqlite DIR [N]
 *   bench_store postgres BASE_URL [N]   (BASE_URL of a server; two databases
 *                                        are created and dropped)
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "store/store.h"
#include "base/banned.h"

#define TARGET_RATIO 1.15

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, detail);
    exit(1);
}

static const char create_sql[] =
    "CREATE TABLE bench_rows (id BIGINT PRIMARY KEY, code TEXT NOT NULL, qty BIGINT NOT NULL)";

/*
 * Each side (raw, adapter) is an object with "insert rows [from, to)" and
 * "read rows [from, to)" operations. The run alternates the two sides in
 * blocks, so that load from elsewhere on the machine and drift in the
 * database (checkpoints, caches) hit both alike.
 */
struct side {
    void *conn;
    void (*insert)(void *conn, long from, long to);
    int64_t (*read)(void *conn, long from, long to);
    double insert_s;
    double read_s;
};

/* ---- raw SQLite ---- */

struct raw_sqlite {
    sqlite3 *db;
    sqlite3_stmt *begin, *commit, *ins, *sel;
};

static void sqlite_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        die(sql, msg ? msg : sqlite3_errmsg(db));
}

static sqlite3_stmt *sqlite_prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        die(sql, sqlite3_errmsg(db));
    return s;
}

static void sqlite_step_done(sqlite3 *db, sqlite3_stmt *s)
{
    if (sqlite3_step(s) != SQLITE_DONE)
        die("step", sqlite3_errmsg(db));
    sqlite3_reset(s);
}

static struct raw_sqlite *raw_sqlite_open(const char *path)
{
    static struct raw_sqlite r;
    if (sqlite3_open_v2(path, &r.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        die(path, sqlite3_errmsg(r.db));
    /* the same settings the store's SQLite driver applies */
    sqlite3_busy_timeout(r.db, 5000);
    sqlite_exec(r.db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
    sqlite_exec(r.db, create_sql);
    r.begin = sqlite_prep(r.db, "BEGIN IMMEDIATE");
    r.commit = sqlite_prep(r.db, "COMMIT");
    r.ins = sqlite_prep(r.db, "INSERT INTO bench_rows (id, code, qty) VALUES (?1, ?2, ?3)");
    r.sel = sqlite_prep(r.db, "SELECT code, qty FROM bench_rows WHERE id = ?1");
    return &r;
}

static void raw_sqlite_close(struct raw_sqlite *r)
{
    sqlite3_finalize(r->begin);
    sqlite3_finalize(r->commit);
    sqlite3_finalize(r->ins);
    sqlite3_finalize(r->sel);
    sqlite3_close(r->db);
}

static void raw_sqlite_insert(void *conn, long from, long to)
{
    struct raw_sqlite *r = conn;
    char code[32];
    for (long i = from; i < to; i++) {
        sqlite_step_done(r->db, r->begin);
        snprintf(code, sizeof code, "P-%08ld", i);
        sqlite3_bind_int64(r->ins, 1, i);
        sqlite3_bind_text(r->ins, 2, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(r->ins, 3, i * 1000);
        sqlite_step_done(r->db, r->ins);
        sqlite_step_done(r->db, r->commit);
    }
}

static int64_t raw_sqlite_read(void *conn, long from, long to)
{
    struct raw_sqlite *r = conn;
    int64_t sum = 0;
    for (long i = from; i < to; i++) {
        sqlite3_bind_int64(r->sel, 1, i);
        if (sqlite3_step(r->sel) != SQLITE_ROW)
            die("read back", "row missing");
        sum += sqlite3_column_int64(r->sel, 1) +
               (int64_t)strlen((const char *)sqlite3_column_text(r->sel, 0));
        sqlite3_reset(r->sel);
    }
    return sum;
}

/* ---- raw PostgreSQL ---- */

static void pg_ok(PGconn *c, PGresult *r, const char *what)
{
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        die(what, PQerrorMessage(c));
}

static void pg_run(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    pg_ok(c, r, sql);
    PQclear(r);
}

static PGconn *raw_postgres_open(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        die(url, PQerrorMessage(c));
    pg_run(c, create_sql);
    PGresult *r =
        PQprepare(c, "ins", "INSERT INTO bench_rows (id, code, qty) VALUES ($1, $2, $3)", 3, NULL);
    pg_ok(c, r, "prepare insert");
    PQclear(r);
    r = PQprepare(c, "sel", "SELECT code, qty FROM bench_rows WHERE id = $1", 1, NULL);
    pg_ok(c, r, "prepare select");
    PQclear(r);
    return c;
}

static void raw_postgres_insert(void *conn, long from, long to)
{
    PGconn *c = conn;
    char id[24], code[32], qty[24];
    const char *params[3] = {id, code, qty};
    for (long i = from; i < to; i++) {
        pg_run(c, "BEGIN");
        snprintf(id, sizeof id, "%ld", i);
        snprintf(code, sizeof code, "P-%08ld", i);
        snprintf(qty, sizeof qty, "%ld", i * 1000);
        PGresult *r = PQexecPrepared(c, "ins", 3, params, NULL, NULL, 0);
        pg_ok(c, r, "insert");
        PQclear(r);
        pg_run(c, "COMMIT");
    }
}

static int64_t raw_postgres_read(void *conn, long from, long to)
{
    PGconn *c = conn;
    char id[24];
    const char *params[1] = {id};
    int64_t sum = 0;
    for (long i = from; i < to; i++) {
        snprintf(id, sizeof id, "%ld", i);
        PGresult *r = PQexecPrepared(c, "sel", 1, params, NULL, NULL, 0);
        pg_ok(c, r, "select");
        if (PQntuples(r) != 1)
            die("read back", "row missing");
        sum += strtoll(PQgetvalue(r, 0, 1), NULL, 10) + (int64_t)strlen(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    return sum;
}

/* ---- through the adapter ---- */

static struct store *adapter_open(const char *url)
{
    struct kt_err err;
    struct store *st = NULL;
    if (store_open(url, &st, &err) != 0)
        die(url, err.msg);
    if (store_exec(st, create_sql, &err) != 0)
        die("create", err.msg);
    return st;
}

static void adapter_insert(void *conn, long from, long to)
{
    struct store *st = conn;
    struct store_stmt *s = NULL;
    struct kt_err err;
    char code[32];
    for (long i = from; i < to; i++) {
        if (store_begin(st, &err) != 0)
            die("begin", err.msg);
        if (store_prepare(st, "INSERT INTO bench_rows (id, code, qty) VALUES (?1, ?2, ?3)", &s,
                          &err) != 0)
            die("prepare", err.msg);
        snprintf(code, sizeof code, "P-%08ld", i);
        store_bind_int64(s, 1, i);
        store_bind_text(s, 2, code);
        store_bind_int64(s, 3, i * 1000);
        if (store_step(s, &err) != STORE_DONE)
            die("insert", err.msg);
        store_stmt_done(s);
        if (store_commit(st, &err) != 0)
            die("commit", err.msg);
    }
}

static int64_t adapter_read(void *conn, long from, long to)
{
    struct store *st = conn;
    struct store_stmt *s = NULL;
    struct kt_err err;
    int64_t sum = 0;
    for (long i = from; i < to; i++) {
        if (store_prepare(st, "SELECT code, qty FROM bench_rows WHERE id = ?1", &s, &err) != 0)
            die("prepare", err.msg);
        store_bind_int64(s, 1, i);
        if (store_step(s, &err) != STORE_ROW)
            die("read back", "row missing");
        sum += store_col_int64(s, 1) + (int64_t)strlen(store_col_text(s, 0));
        store_stmt_done(s);
    }
    return sum;
}

#define BLOCK 2000

/* Runs both sides over rows 1..n in alternating blocks; checks what was read. */
static void run_sides(struct side *a, struct side *b, long n)
{
    struct side *sides[2] = {a, b};
    for (long from = 1; from <= n; from += BLOCK) {
        long to = from + BLOCK > n + 1 ? n + 1 : from + BLOCK;
        for (int k = 0; k < 2; k++) {
            /* swap the order every block: neither side always goes first */
            struct side *s = sides[(k + from / BLOCK) % 2];
            double t0 = now_s();
            s->insert(s->conn, from, to);
            s->insert_s += now_s() - t0;
        }
    }
    for (long from = 1; from <= n; from += BLOCK) {
        long to = from + BLOCK > n + 1 ? n + 1 : from + BLOCK;
        for (int k = 0; k < 2; k++) {
            struct side *s = sides[(k + from / BLOCK) % 2];
            double t0 = now_s();
            int64_t sum = s->read(s->conn, from, to);
            s->read_s += now_s() - t0;
            int64_t want = 1000 * (int64_t)(to - 1) * to / 2 - 1000 * (int64_t)(from - 1) * from / 2 +
                           10 * (int64_t)(to - from);
            if (sum != want)
                die("read back", "wrong values");
        }
    }
}

/* ---- PostgreSQL scratch databases ---- */

static void pg_admin(const char *base, const char *sql)
{
    PGconn *c = PQconnectdb(base);
    if (PQstatus(c) != CONNECTION_OK)
        die(base, PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    pg_ok(c, r, sql);
    PQclear(r);
    PQfinish(c);
}

static void pg_url(char *out, size_t n, const char *base, const char *db)
{
    const char *q = strchr(base, '?');
    snprintf(out, n, "postgresql:///%s%s", db, q ? q : "");
}

static void report(const char *backend, const char *op, long n, double raw_s, double adapter_s)
{
    printf("BENCH store.%s.%s ops=%ld raw_per_s=%.0f adapter_per_s=%.0f ratio=%.3f target<=%.2f %s\n",
           backend, op, n, n / raw_s, n / adapter_s, adapter_s / raw_s, TARGET_RATIO,
           adapter_s / raw_s <= TARGET_RATIO ? "pass" : "FAIL");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_store sqlite DIR [N] | postgres BASE_URL [N]\n");
        return 2;
    }
    long n = argc > 3 ? strtol(argv[3], NULL, 10) : 100000;
    if (n <= 0)
        die("N", "must be a positive number");
    struct side raw = {0}, ad = {0};
    if (strcmp(argv[1], "sqlite") == 0) {
        char path[4096], url[4200];
        snprintf(path, sizeof path, "%s/raw.db", argv[2]);
        struct raw_sqlite *r = raw_sqlite_open(path);
        snprintf(url, sizeof url, "sqlite:%s/adapter.db", argv[2]);
        raw = (struct side){.conn = r, .insert = raw_sqlite_insert, .read = raw_sqlite_read};
        ad = (struct side){.conn = adapter_open(url), .insert = adapter_insert, .read = adapter_read};
        run_sides(&raw, &ad, n);
        raw_sqlite_close(r);
    } else if (strcmp(argv[1], "postgres") == 0) {
        char url[4200], sql[128];
        const char *names[2] = {"bench_raw", "bench_adapter"};
        for (int k = 0; k < 2; k++) {
            snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", names[k]);
            pg_admin(argv[2], sql);
            snprintf(sql, sizeof sql, "CREATE DATABASE %s", names[k]);
            pg_admin(argv[2], sql);
        }
        pg_url(url, sizeof url, argv[2], "bench_raw");
        PGconn *c = raw_postgres_open(url);
        raw = (struct side){.conn = c, .insert = raw_postgres_insert, .read = raw_postgres_read};
        pg_url(url, sizeof url, argv[2], "bench_adapter");
        ad = (struct side){.conn = adapter_open(url), .insert = adapter_insert, .read = adapter_read};
        run_sides(&raw, &ad, n);
        PQfinish(c);
    } else {
        die(argv[1], "unknown backend (sqlite or postgres)");
    }
    store_close(ad.conn);
    report(argv[1], "insert_tx", n, raw.insert_s, ad.insert_s);
    report(argv[1], "read_by_key", n, raw.read_s, ad.read_s);
    return 0;
}
