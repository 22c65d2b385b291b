/*
 * migrate: numbered schema migrations. The SQL files in src/store/migrations/
 * (NNNN_name.sql for both databases, or a NNNN_name.sqlite.sql +
 * NNNN_name.postgres.sql pair) are embedded into the binary at build time
 * by scripts/embed-migrations into the table store_migrations[], ordered by
 * version 1, 2, 3 ... without gaps.
 *
 * Each migration runs in its own transaction together with its row in
 * schema_migrations(version, name, applied_at); on PostgreSQL an advisory
 * lock keeps several nodes migrating at once from colliding. Re-running is
 * a no-op. A database that records a version newer than this binary knows
 * is refused with KT_EINVAL ("... upgrade kontor").
 */
#ifndef KT_MIGRATE_H
#define KT_MIGRATE_H

#include <stddef.h>

#include "base/err.h"
#include "store/store.h"

struct store_migration {
    int version;
    const char *name;
    const char *sqlite_sql;
    const char *postgres_sql;
};

extern const struct store_migration store_migrations[];
extern const size_t store_migrations_count;

struct store_migration_info {
    int version;
    const char *name; /* static: points into the migration table */
    int applied;
    char applied_at[40]; /* UTC, "2026-01-31T12:00:00Z"; "" when not applied */
};

/* Applies every pending migration; *applied (may be NULL) = how many. */
int store_migrate(struct store *st, int *applied, struct kt_err *err);

/*
 * Fills out[0..*n) with every migration this binary knows, in version
 * order, with its applied flag. KT_ELIMIT when max is too small; the
 * newer-schema error (with out filled) when the database is ahead.
 */
int store_migration_status(struct store *st, struct store_migration_info *out, size_t max,
                           size_t *n, struct kt_err *err);

/* The same over a caller-given table (tests use a table of their own). */
int store_migrate_list(struct store *st, const struct store_migration *list, size_t count,
                       int *applied, struct kt_err *err);
int store_migration_status_list(struct store *st, const struct store_migration *list,
                                size_t count, struct store_migration_info *out, size_t max,
                                size_t *n, struct kt_err *err);

#endif
