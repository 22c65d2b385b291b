/*
 * sqlite.c: the SQLite store driver. Owns the sqlite3 connection settings
 * (WAL, busy timeout, foreign keys, synchronous=NORMAL) and the mapping of
 * SQLite result codes to KT_E* codes with sentences that name the file.
 * The driver's conn is a sqlite3 *, its stmt a sqlite3_stmt *.
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/err.h"
#include "store/store.h"
#include "base/banned.h"

#define SQ_BUSY_TIMEOUT_MS 5000

static const char *db_file(sqlite3 *db)
{
    const char *f = db ? sqlite3_db_filename(db, "main") : NULL;
    return f && *f ? f : "(in memory)";
}

static int map_code(int rc)
{
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return KT_EEXIST;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return KT_EFOREIGN;
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
        return KT_EINVAL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return KT_EBUSY;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return KT_ECORRUPT;
    case SQLITE_CANTOPEN:
        return KT_EUNAVAIL;
    case SQLITE_NOMEM:
        return KT_ENOMEM;
    case SQLITE_TOOBIG:
        return KT_ELIMIT;
    case SQLITE_MISUSE:
        return KT_EINTERNAL;
    default:
        return KT_EIO; /* IOERR, READONLY, FULL, PERM, ... */
    }
}

static int fail(sqlite3 *db, int rc, struct kt_err *err)
{
    int code = map_code(rc);
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    const char *file = db_file(db);
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        if (code == KT_EEXIST)
            return kt_err_set(err, code, "a record with the same key already exists (%s)", msg);
        if (code == KT_EFOREIGN)
            return kt_err_set(err, code,
                              "the record refers to something that does not exist or is still "
                              "referenced (%s)",
                              msg);
        return kt_err_set(err, code, "a value breaks a database rule (%s)", msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return kt_err_set(err, code,
                          "the database %s is locked by another connection; try again", file);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return kt_err_set(err, code,
                          "%s is not a Kontor database or is damaged; check the --db path or "
                          "restore the file from a backup",
                          file);
    case SQLITE_CANTOPEN:
        return kt_err_set(err, code,
                          "cannot open the database file %s (%s); check that it exists and that "
                          "its directory is writable",
                          file, msg);
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return kt_err_set(err, code,
                          "the database file %s is read-only (%s); make the file and its directory "
                          "writable by the user running kontor",
                          file, msg);
    case SQLITE_FULL:
        return kt_err_set(err, code, "the disk holding the database %s is full; free some space",
                          file);
    case SQLITE_IOERR:
        return kt_err_set(err, code,
                          "input/output error on the database %s (%s); check the disk and the "
                          "file's permissions",
                          file, msg);
    case SQLITE_NOMEM:
        return kt_err_set(err, code, "out of memory in SQLite");
    default:
        return kt_err_set(err, code, "SQLite: %s", msg);
    }
}

/* The parent directory must already exist: opening never creates it. */
static int check_dir(const char *path, struct kt_err *err)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return 0;
    char dir[4096];
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir)
        return kt_err_set(err, KT_EINVAL, "the database path %s is too long", path);
    memcpy(dir, path, n);
    dir[n] = '\0';
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return kt_err_set(err, KT_EUNAVAIL,
                          "cannot open the database %s: the directory %s %s; create it first or "
                          "run kontor init",
                          path, dir, errno == ENOENT ? "does not exist" : strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return kt_err_set(err, KT_EUNAVAIL,
                          "cannot open the database %s: %s is not a directory", path, dir);
    return 0;
}

static void sq_close(void *conn)
{
    sqlite3_close_v2(conn);
}

static int sq_exec(void *conn, const char *sql, struct kt_err *err)
{
    int rc = sqlite3_exec(conn, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : fail(conn, rc, err);
}

/* Before the first connection: no global memory statistics, whose mutex
 * every allocation of every connection takes (request threads bounce it
 * between cores). SQLITE_MISUSE when SQLite was initialised already. */
static pthread_once_t sq_config_once = PTHREAD_ONCE_INIT;
static void sq_config(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(const char *url, void **out, struct kt_err *err)
{
    const char *path = url + strlen("sqlite:");
    sqlite3 *db = NULL;
    sqlite3_stmt *jm = NULL;
    *out = NULL;
    if (!*path)
        return kt_err_set(err, KT_EINVAL, "the database URL sqlite: needs a file path, e.g. "
                                          "sqlite:var/kontor.db");
    int rc = check_dir(path, err);
    if (rc != 0)
        return rc;
    pthread_once(&sq_config_once, sq_config);
    int sr = sqlite3_open_v2(path, &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                                 SQLITE_OPEN_EXRESCODE,
                             NULL);
    if (sr != SQLITE_OK) {
        if (!db) {
            rc = kt_err_set(err, KT_ENOMEM, "out of memory opening %s", path);
            goto out;
        }
        rc = fail(db, sr, err);
        /* sqlite3_db_filename is empty when the open itself failed */
        if ((sr & 0xff) == SQLITE_CANTOPEN)
            rc = kt_err_set(err, KT_EUNAVAIL,
                            "cannot open the database file %s (%s); check the path and that its "
                            "directory is writable",
                            path, sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, SQ_BUSY_TIMEOUT_MS);
    /* journal_mode reads the header first: a foreign file fails here untouched */
    sr = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &jm, NULL);
    if (sr == SQLITE_OK)
        sr = sqlite3_step(jm);
    if (sr != SQLITE_ROW) {
        rc = fail(db, sr, err);
        goto out;
    }
    const char *mode = (const char *)sqlite3_column_text(jm, 0);
    if (!mode || (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)) {
        rc = kt_err_set(err, KT_EIO,
                        "cannot switch the database %s to WAL mode (it stays in %s mode); check "
                        "that its directory is writable",
                        path, mode ? mode : "an unknown");
        goto out;
    }
    rc = sq_exec(db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL", err);
out:
    sqlite3_finalize(jm);
    if (rc != 0)
        sqlite3_close_v2(db);
    else
        *out = db;
    return rc;
}

static int sq_prepare(void *conn, const char *sql, void **stmt, struct kt_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK)
        return fail(conn, rc, err);
    if (!s)
        return kt_err_set(err, KT_EINVAL, "the SQL statement is empty");
    *stmt = s;
    return 0;
}

static int sq_bind_null(void *stmt, int idx)
{
    int rc = sqlite3_bind_null(stmt, idx);
    return rc == SQLITE_OK ? 0 : map_code(rc);
}

static int sq_bind_int64(void *stmt, int idx, int64_t v)
{
    int rc = sqlite3_bind_int64(stmt, idx, v);
    return rc == SQLITE_OK ? 0 : map_code(rc);
}

static int sq_bind_text(void *stmt, int idx, const char *s, size_t n)
{
    int rc = sqlite3_bind_text64(stmt, idx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
    return rc == SQLITE_OK ? 0 : map_code(rc);
}

static int sq_bind_blob(void *stmt, int idx, const void *p, size_t n)
{
    int rc = sqlite3_bind_blob64(stmt, idx, p, n, SQLITE_TRANSIENT);
    return rc == SQLITE_OK ? 0 : map_code(rc);
}

static int sq_step(void *stmt, struct kt_err *err)
{
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        return STORE_ROW;
    if (rc == SQLITE_DONE)
        return STORE_DONE;
    return fail(sqlite3_db_handle(stmt), rc, err);
}

static int sq_column_count(void *stmt)
{
    return sqlite3_column_count(stmt);
}

static int sq_column_is_null(void *stmt, int col)
{
    return sqlite3_column_type(stmt, col) == SQLITE_NULL;
}

static int64_t sq_column_int64(void *stmt, int col)
{
    return sqlite3_column_int64(stmt, col);
}

static const char *sq_column_text(void *stmt, int col)
{
    return (const char *)sqlite3_column_text(stmt, col);
}

static const void *sq_column_blob(void *stmt, int col, size_t *n)
{
    const void *p = sqlite3_column_blob(stmt, col);
    *n = (size_t)sqlite3_column_bytes(stmt, col);
    if (!p && sqlite3_column_type(stmt, col) != SQLITE_NULL)
        p = ""; /* an empty blob is not NULL */
    return p;
}

static void sq_reset(void *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

static void sq_finalize(void *stmt)
{
    sqlite3_finalize(stmt);
}

static int64_t sq_changes(void *conn)
{
    return sqlite3_changes64(conn);
}

static int sq_begin(void *conn, int write, struct kt_err *err)
{
    /* a deferred transaction that later writes can hit SQLITE_BUSY that no
     * busy timeout cures; IMMEDIATE takes the write lock up front */
    return sq_exec(conn, write ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

static int sq_commit(void *conn, struct kt_err *err)
{
    return sq_exec(conn, "COMMIT", err);
}

static void sq_rollback(void *conn)
{
    if (!sqlite3_get_autocommit(conn))
        sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
}

const struct store_driver store_sqlite_driver = {
    .name = "sqlite",
    .dialect = STORE_SQLITE,
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_null = sq_bind_null,
    .bind_int64 = sq_bind_int64,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .column_count = sq_column_count,
    .column_is_null = sq_column_is_null,
    .column_int64 = sq_column_int64,
    .column_text = sq_column_text,
    .column_blob = sq_column_blob,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .changes = sq_changes,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
};
