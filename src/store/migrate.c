/*
 * migrate.c: applies the embedded schema migrations and reports their
 * state. Owns the schema_migrations table.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "store/migrate.h"
#include "store/store.h"
#include "base/banned.h"

/* pg_advisory_xact_lock key: "kontor" in ASCII */
#define MIGRATE_LOCK_KEY "118126338666354"

static const char create_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL)";

static int query_int(struct store *st, const char *sql, int64_t *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s, err);
    if (rc != 0)
        return rc;
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        *out = store_col_int64(s, 0);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_EINTERNAL, "query returned no row: %s", sql);
    }
    store_stmt_done(s);
    return rc;
}

/* Serializes migrators on PostgreSQL; SQLite's BEGIN IMMEDIATE already does. */
static int lock_migrations(struct store *st, struct kt_err *err)
{
    if (store_dialect(st) != STORE_POSTGRES)
        return 0;
    int64_t ignored;
    return query_int(st, "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")) l",
                     &ignored, err);
}

static int create_table_tx(struct store *st, void *ctx, struct kt_err *err)
{
    (void)ctx;
    int rc = lock_migrations(st, err);
    return rc ? rc : store_exec(st, create_table_sql, err);
}

static int table_exists(struct store *st, int *exists, struct kt_err *err)
{
    const char *sql = store_dialect(st) == STORE_SQLITE
                          ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                            "name = 'schema_migrations'"
                          : "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                            "current_schema() AND tablename = 'schema_migrations'";
    int64_t n = 0;
    int rc = query_int(st, sql, &n, err);
    *exists = n > 0;
    return rc;
}

static int newer_check(struct store *st, const struct store_migration *list, size_t count,
                       struct kt_err *err)
{
    int64_t max = 0;
    int rc = query_int(st, "SELECT coalesce(max(version), 0) FROM schema_migrations", &max, err);
    if (rc != 0)
        return rc;
    int known = count ? list[count - 1].version : 0;
    if (max > known)
        return kt_err_set(err, KT_EINVAL,
                          "database schema version %lld is newer than this kontor (knows up to "
                          "%d); upgrade kontor",
                          (long long)max, known);
    return 0;
}

static void utc_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct apply_ctx {
    const struct store_migration *m;
    int did; /* set per attempt: store_tx may run the function again */
};

static int apply_tx(struct store *st, void *vctx, struct kt_err *err)
{
    struct apply_ctx *c = vctx;
    struct store_stmt *s = NULL;
    c->did = 0;
    int rc = lock_migrations(st, err);
    if (rc != 0)
        return rc;
    rc = store_prepare(st, "SELECT 1 FROM schema_migrations WHERE version = ?1", &s, err);
    if (rc != 0)
        return rc;
    store_bind_int64(s, 1, c->m->version);
    rc = store_step(s, err);
    store_stmt_done(s);
    s = NULL;
    if (rc == STORE_ROW)
        return 0; /* someone else applied it meanwhile */
    if (rc != STORE_DONE)
        return rc;
    const char *sql = store_dialect(st) == STORE_SQLITE ? c->m->sqlite_sql : c->m->postgres_sql;
    rc = store_exec(st, sql, err);
    if (rc != 0)
        return kt_err_prefix(err, "migration %04d_%s failed", c->m->version, c->m->name);
    char now[40];
    utc_now(now, sizeof now);
    rc = store_prepare(
        st, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)", &s,
        err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, c->m->version)) != 0 ||
        (rc = store_bind_text(s, 2, c->m->name)) != 0 || (rc = store_bind_text(s, 3, now)) != 0) {
        store_stmt_done(s);
        return kt_err_set(err, rc, "cannot record migration %04d_%s", c->m->version,
                          c->m->name);
    }
    rc = store_step(s, err);
    store_stmt_done(s);
    if (rc != STORE_DONE)
        return rc;
    c->did = 1;
    return 0;
}

int store_migrate_list(struct store *st, const struct store_migration *list, size_t count,
                       int *applied, struct kt_err *err)
{
    int n = 0;
    int rc = store_tx(st, create_table_tx, NULL, err);
    if (rc == 0)
        rc = newer_check(st, list, count, err);
    for (size_t i = 0; i < count && rc == 0; i++) {
        struct apply_ctx c = {&list[i], 0};
        rc = store_tx(st, apply_tx, &c, err);
        if (rc == 0 && c.did) {
            n++;
            kt_log_info("store.migrate", "version=%d name=%s", list[i].version, list[i].name);
        }
    }
    if (applied)
        *applied = n;
    return rc;
}

int store_migrate(struct store *st, int *applied, struct kt_err *err)
{
    return store_migrate_list(st, store_migrations, store_migrations_count, applied, err);
}

int store_migration_status_list(struct store *st, const struct store_migration *list,
                                size_t count, struct store_migration_info *out, size_t max,
                                size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int exists = 0;
    *n = 0;
    if (count > max)
        return kt_err_set(err, KT_ELIMIT, "room for %zu migrations, but this kontor knows %zu",
                          max, count);
    for (size_t i = 0; i < count; i++) {
        out[i].version = list[i].version;
        out[i].name = list[i].name;
        out[i].applied = 0;
        out[i].applied_at[0] = '\0';
    }
    *n = count;
    int rc = table_exists(st, &exists, err);
    if (rc != 0 || !exists)
        return rc;
    rc = store_prepare(st, "SELECT version, applied_at FROM schema_migrations ORDER BY version", &s,
                       err);
    if (rc != 0)
        return rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        int64_t v = store_col_int64(s, 0);
        for (size_t i = 0; i < count; i++)
            if (list[i].version == v) {
                out[i].applied = 1;
                const char *at = store_col_text(s, 1);
                kt_strlcpy(out[i].applied_at, at ? at : "", sizeof out[i].applied_at);
            }
    }
    store_stmt_done(s);
    if (rc != STORE_DONE)
        return rc;
    return newer_check(st, list, count, err);
}

int store_migration_status(struct store *st, struct store_migration_info *out, size_t max,
                           size_t *n, struct kt_err *err)
{
    return store_migration_status_list(st, store_migrations, store_migrations_count, out, max, n,
                                       err);
}
