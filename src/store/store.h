/*
 * store: the database adapter. One interface (struct store_driver) with a
 * SQLite and a PostgreSQL implementation, chosen by URL at open time:
 *   sqlite:PATH                     (WAL, busy timeout, foreign keys on)
 *   postgresql://... / postgres://... (libpq connection URI)
 *
 * Ownership and threading: a struct store is one connection and is used by
 * one thread at a time; open one per thread. Prepared statements are cached
 * per connection by SQL text and owned by the connection: store_prepare hands
 * out a cached statement, the caller binds, steps, and calls store_stmt_done
 * (which resets it) when finished; store_close finalizes them all.
 * Column text/blob pointers are valid until the next step/done on that
 * statement.
 *
 * SQL: one text for both databases with numbered placeholders ?1 ?2 ...,
 * rewritten to $1 $2 ... for PostgreSQL. Never build SQL from user text.
 *
 * Errors map to KT_E* codes: unique violation -> KT_EEXIST, foreign key ->
 * KT_EFOREIGN, serialization failure / deadlock -> KT_ECONFLICT,
 * SQLITE_BUSY/LOCKED / lock_not_available -> KT_EBUSY, connection trouble
 * -> KT_EUNAVAIL, a file that is not a database -> KT_ECORRUPT, SQL the
 * database rejects -> KT_EINVAL. Bind functions return a code only (no
 * message): KT_EINVAL for an index the statement does not have.
 */
#ifndef KT_STORE_H
#define KT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct store;
struct store_stmt;

enum store_dialect { STORE_SQLITE, STORE_POSTGRES };

/* store_step results besides negative KT_E* codes */
enum { STORE_DONE = 0, STORE_ROW = 1 };

/*
 * A backend. Implementations: store_sqlite_driver, store_postgres_driver.
 * `conn` and `stmt` are the driver's own objects. SQL reaching `prepare` is
 * already in the driver's placeholder syntax.
 */
struct store_driver {
    const char *name;
    enum store_dialect dialect;
    int (*open)(const char *url, void **conn, struct kt_err *err);
    void (*close)(void *conn);
    int (*exec)(void *conn, const char *sql, struct kt_err *err);
    int (*prepare)(void *conn, const char *sql, void **stmt, struct kt_err *err);
    int (*bind_null)(void *stmt, int idx);
    int (*bind_int64)(void *stmt, int idx, int64_t v);
    int (*bind_text)(void *stmt, int idx, const char *s, size_t n);
    int (*bind_blob)(void *stmt, int idx, const void *p, size_t n);
    int (*step)(void *stmt, struct kt_err *err);
    int (*column_count)(void *stmt);
    int (*column_is_null)(void *stmt, int col);
    int64_t (*column_int64)(void *stmt, int col);
    const char *(*column_text)(void *stmt, int col);
    const void *(*column_blob)(void *stmt, int col, size_t *n);
    void (*reset)(void *stmt);
    void (*finalize)(void *stmt);
    int64_t (*changes)(void *conn);
    int (*begin)(void *conn, int write, struct kt_err *err);
    int (*commit)(void *conn, struct kt_err *err);
    void (*rollback)(void *conn);
};

extern const struct store_driver store_sqlite_driver;
extern const struct store_driver store_postgres_driver;

int store_open(const char *url, struct store **out, struct kt_err *err);
void store_close(struct store *st);
enum store_dialect store_dialect(const struct store *st);
const char *store_driver_name(const struct store *st);

/* Runs SQL without parameters (DDL, several statements allowed). */
int store_exec(struct store *st, const char *sql, struct kt_err *err);

int store_prepare(struct store *st, const char *sql, struct store_stmt **out,
                  struct kt_err *err);
int store_bind_null(struct store_stmt *s, int idx);
int store_bind_int64(struct store_stmt *s, int idx, int64_t v);
int store_bind_text(struct store_stmt *s, int idx, const char *text); /* NULL binds NULL */
int store_bind_textn(struct store_stmt *s, int idx, const char *text, size_t n);
int store_bind_blob(struct store_stmt *s, int idx, const void *p, size_t n);
int store_step(struct store_stmt *s, struct kt_err *err); /* STORE_ROW, STORE_DONE or <0 */
int store_col_count(struct store_stmt *s);
int store_col_is_null(struct store_stmt *s, int col);
int64_t store_col_int64(struct store_stmt *s, int col);
const char *store_col_text(struct store_stmt *s, int col); /* NULL for SQL NULL */
const void *store_col_blob(struct store_stmt *s, int col, size_t *n);
void store_stmt_done(struct store_stmt *s);
/* Rows changed by the last completed INSERT/UPDATE/DELETE on this connection. */
int64_t store_changes(struct store *st);

/*
 * Instance settings (table kv_settings, created by migration 0001): small
 * facts about the installation such as its id. store_setting_get copies the
 * value into out (KT_ENOTFOUND when the key is absent, KT_ELIMIT when out
 * is too small); store_setting_set inserts or replaces.
 */
int store_setting_get(struct store *st, const char *key, char *out, size_t n,
                      struct kt_err *err);
int store_setting_set(struct store *st, const char *key, const char *value, struct kt_err *err);

/*
 * Rewrites ?N placeholders to $N (PostgreSQL syntax) into out, leaving text
 * inside string literals, quoted identifiers and comments alone. A `?` not
 * followed by a digit is copied as is. Returns 0, KT_ELIMIT or KT_ENOMEM.
 */
int store_sql_to_postgres(const char *sql, struct kt_buf *out);

/*
 * Transactions. store_begin starts a write transaction (BEGIN IMMEDIATE on
 * SQLite); store_begin_read a read-only one. store_tx runs fn inside a
 * write transaction and commits; when fn or the commit fails with
 * KT_ECONFLICT or KT_EBUSY it rolls back and runs fn again (bounded retries
 * with backoff). fn must therefore have no effects outside the database.
 */
int store_begin(struct store *st, struct kt_err *err);
int store_begin_read(struct store *st, struct kt_err *err);
int store_commit(struct store *st, struct kt_err *err);
void store_rollback(struct store *st);
typedef int (*store_tx_fn)(struct store *st, void *ctx, struct kt_err *err);
int store_tx(struct store *st, store_tx_fn fn, void *ctx, struct kt_err *err);
/* 1 while a transaction begun with store_begin/store_begin_read is open. */
int store_in_tx(const struct store *st);

/*
 * Isolation and failed statements. PostgreSQL transactions run at READ
 * COMMITTED: write paths use conditional UPDATEs (`... WHERE on_hand -
 * reserved >= ?1`, then check store_changes) and counter rows
 * (`UPDATE ... RETURNING`), which are correct at that level. On PostgreSQL a
 * failed statement aborts the whole transaction; to keep both databases
 * alike, store_commit after any failed statement in the transaction rolls
 * back and fails on SQLite too. Expected conflicts belong in the SQL
 * (`INSERT ... ON CONFLICT DO NOTHING`), not in a caught error.
 */

/*
 * Fault injection for tests (torture runs under ASan). Counts the fallible
 * driver calls (open, exec, prepare, bind, step, begin, commit) made through
 * the driver vtable and makes call number `nth` (1-based) fail with `code`
 * instead of reaching the database; every other call goes through.
 * nth <= 0 disarms.
 *   store_fault_inject       counts calls on st from now on;
 *   store_fault_inject_open  arms the next store_open on this thread (the
 *                            driver's open is call 1) and hands the plan to
 *                            the store it opens.
 * store_fault_fired tells whether the injected failure has happened.
 */
void store_fault_inject(struct store *st, long nth, int code);
void store_fault_inject_open(long nth, int code);
int store_fault_fired(const struct store *st);

#endif
