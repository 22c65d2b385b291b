#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "jobs/jobs.h"
#include "store/migrate.h"
#include "store/store.h"
#include "base/banned.h"

/*
 * mkdir -p: creates path and its missing parents. *created says whether
 * the last component was made now. Returns 0 or an errno value.
 */
static int make_dirs(const char *path, int *created)
{
    char p[PATH_MAX];
    *created = 0;
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p)
        return ENAMETOOLONG;
    size_t len = strlen(p);
    while (len > 1 && p[len - 1] == '/')
        p[--len] = '\0';
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            return errno;
        *s = '/';
    }
    if (mkdir(p, 0755) == 0) {
        *created = 1;
        return 0;
    }
    if (errno != EEXIST)
        return errno;
    struct stat sb;
    if (stat(p, &sb) != 0)
        return errno;
    return S_ISDIR(sb.st_mode) ? 0 : ENOTDIR;
}

/* Proves the directory takes new files by creating and removing one. */
static int check_writable(const char *dir)
{
    char probe[PATH_MAX];
    if (snprintf(probe, sizeof probe, "%s/.kontor-write-check.XXXXXX", dir) >= (int)sizeof probe)
        return ENAMETOOLONG;
    int fd = mkstemp(probe);
    if (fd < 0)
        return errno;
    close(fd);
    unlink(probe);
    return 0;
}

/* The migrations this binary knows, with their state in the database. */
struct mig_state {
    struct store_migration_info *info;
    size_t n;
    size_t applied;
};

static int read_migrations(struct cli *cli, struct mig_state *ms, const char *shown)
{
    struct kt_err err;
    kt_err_clear(&err);
    ms->n = 0;
    ms->applied = 0;
    ms->info = calloc(store_migrations_count + 1, sizeof *ms->info);
    if (!ms->info)
        return cli_error(CLI_EXIT_INTERNAL, "out of memory");
    if (store_migration_status(cli->st, ms->info, store_migrations_count + 1, &ms->n, &err) != 0) {
        char what[1200];
        snprintf(what, sizeof what, "cannot read the schema state of database %s", shown);
        return cli_db_error(what, &err);
    }
    for (size_t i = 0; i < ms->n; i++)
        ms->applied += ms->info[i].applied ? 1 : 0;
    return 0;
}

int cli_require_schema(struct cli *cli)
{
    const char *url = kt_config_get(cli->cfg, "database", "url");
    char shown[1024];
    cli_redact_url(shown, sizeof shown, url);
    struct mig_state ms = {0};
    int rc = read_migrations(cli, &ms, shown);
    if (rc == 0 && ms.applied < ms.n)
        rc = cli_error(CLI_EXIT_DATA,
                       "database %s lacks %zu of %zu migrations; run 'kontor db migrate' first",
                       shown, ms.n - ms.applied, ms.n);
    free(ms.info);
    return rc;
}

/*
 * Applies pending migrations and adds to obj (JSON) or prints what was
 * applied. Returns an exit code.
 */
static int migrate(struct cli *cli, const char *shown, json_t *obj)
{
    struct mig_state before = {0}, after = {0};
    struct kt_err err;
    kt_err_clear(&err);
    int rc = read_migrations(cli, &before, shown);
    if (rc != 0)
        goto out;
    int applied = 0;
    if (store_migrate(cli->st, &applied, &err) != 0) {
        char what[1200];
        snprintf(what, sizeof what, "cannot migrate database %s", shown);
        rc = cli_db_error(what, &err);
        goto out;
    }
    rc = read_migrations(cli, &after, shown);
    if (rc != 0)
        goto out;
    json_t *list = obj ? json_array() : NULL;
    for (size_t i = 0; i < after.n; i++) {
        if (!after.info[i].applied || (i < before.n && before.info[i].applied))
            continue;
        if (list)
            json_array_append_new(list, json_pack("{s:i, s:s}", "version", after.info[i].version,
                                                  "name", after.info[i].name));
        else
            printf("applied migration %04d %s\n", after.info[i].version, after.info[i].name);
    }
    if (obj) {
        json_object_set_new(obj, "migrations_applied", list ? list : json_null());
        json_object_set_new(obj, "migrations_total", json_integer((json_int_t)after.n));
    } else if (applied == 0) {
        printf("database schema is up to date (%zu migration%s)\n", after.n,
               after.n == 1 ? "" : "s");
    } else {
        printf("database schema is up to date (%zu migration%s, %d applied now)\n", after.n,
               after.n == 1 ? "" : "s", applied);
    }
out:
    free(before.info);
    free(after.info);
    return rc;
}

int cli_cmd_init(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("init", argc, argv, NULL, 0, pos, 0, &npos);
    if (rc != 0)
        return rc;
    const char *dir = kt_config_get(cli->cfg, "data", "dir");
    const char *url = kt_config_get(cli->cfg, "database", "url");
    char shown[1024];
    cli_redact_url(shown, sizeof shown, url);
    json_t *obj = cli->json ? json_object() : NULL;
    if (cli->json && !obj)
        return cli_error(CLI_EXIT_INTERNAL, "out of memory");

    int created;
    int e = make_dirs(dir, &created);
    if (e != 0) {
        rc = cli_error(CLI_EXIT_DATA,
                       "cannot create data directory %s: %s; fix the permissions or choose "
                       "another directory with --data",
                       dir, strerror(e));
        goto out;
    }
    e = check_writable(dir);
    if (e != 0) {
        rc = cli_error(CLI_EXIT_DATA,
                       "data directory %s is not writable: %s; fix its permissions or choose "
                       "another directory with --data",
                       dir, strerror(e));
        goto out;
    }
    if (obj) {
        json_object_set_new(obj, "data_dir", json_string(dir));
        json_object_set_new(obj, "data_dir_created", json_boolean(created));
    } else {
        printf(created ? "created data directory %s\n" : "data directory %s already exists\n", dir);
    }

    int db_created = 0;
    if (strncmp(url, "sqlite:", 7) == 0 && url[7] != '\0') {
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%s", url + 7);
        char *slash = strrchr(parent, '/');
        struct stat sb;
        if (slash && slash != parent) {
            *slash = '\0';
            int made;
            e = make_dirs(parent, &made);
            if (e != 0) {
                rc = cli_error(CLI_EXIT_DATA,
                               "cannot create directory %s for database %s: %s; fix the "
                               "permissions or choose another path with --db",
                               parent, shown, strerror(e));
                goto out;
            }
        }
        db_created = stat(url + 7, &sb) != 0;
    }
    struct kt_err err;
    kt_err_clear(&err);
    if (store_open(url, &cli->st, &err) != 0) {
        rc = cli_open_error(shown, &err);
        goto out;
    }
    if (obj) {
        json_object_set_new(obj, "database", json_string(shown));
        json_object_set_new(obj, "database_created", json_boolean(db_created));
    } else if (db_created) {
        printf("created database %s\n", shown);
    } else {
        printf("database %s already exists\n", shown);
    }
    rc = migrate(cli, shown, obj);
    if (rc == 0 && obj) {
        rc = cli_print_json(obj);
        obj = NULL;
    }
    if (rc == 0 && !cli->json)
        printf("next: 'kontor db status' shows the schema, 'kontor worker' runs jobs\n");
out:
    json_decref(obj);
    return rc;
}

static int db_migrate(struct cli *cli, const char *shown)
{
    json_t *obj = cli->json ? json_object() : NULL;
    if (cli->json && !obj)
        return cli_error(CLI_EXIT_INTERNAL, "out of memory");
    int rc = migrate(cli, shown, obj);
    if (rc == 0 && obj)
        return cli_print_json(obj);
    json_decref(obj);
    return rc;
}

static int db_status(struct cli *cli, const char *shown)
{
    struct mig_state ms = {0};
    struct jobs_stats js = {0};
    struct kt_err err;
    kt_err_clear(&err);
    int rc = read_migrations(cli, &ms, shown);
    if (rc != 0)
        goto out;
    size_t pending = ms.n - ms.applied;
    /* the queue tables exist only once the schema is complete */
    int have_jobs = pending == 0;
    if (have_jobs && jobs_stats(cli->st, &js, &err) != 0) {
        char what[1200];
        snprintf(what, sizeof what, "cannot read the job queue of database %s", shown);
        rc = cli_db_error(what, &err);
        goto out;
    }
    if (cli->json) {
        json_t *list = json_array();
        for (size_t i = 0; list && i < ms.n; i++)
            json_array_append_new(
                list, json_pack("{s:i, s:s, s:b, s:s?}", "version", ms.info[i].version, "name",
                                ms.info[i].name, "applied", ms.info[i].applied, "applied_at",
                                ms.info[i].applied ? ms.info[i].applied_at : NULL));
        json_t *jobs = have_jobs
                           ? json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "pending",
                                       (json_int_t)js.pending, "due", (json_int_t)js.due, "running",
                                       (json_int_t)js.running, "done", (json_int_t)js.done, "dead",
                                       (json_int_t)js.dead, "events", (json_int_t)js.events)
                           : json_null();
        rc = cli_print_json(json_pack("{s:s, s:s, s:o*, s:i, s:o*}", "database", shown, "driver",
                                      store_driver_name(cli->st), "migrations", list, "pending",
                                      (int)pending, "jobs", jobs));
    } else {
        printf("database %s (%s)\n", shown, store_driver_name(cli->st));
        for (size_t i = 0; i < ms.n; i++)
            printf("  %04d %-24s %s%s\n", ms.info[i].version, ms.info[i].name,
                   ms.info[i].applied ? "applied " : "pending",
                   ms.info[i].applied ? ms.info[i].applied_at : "");
        printf("%zu of %zu migrations applied, %zu pending\n", ms.applied, ms.n, pending);
        if (have_jobs)
            printf("jobs: %lld pending (%lld due now), %lld running, %lld done, %lld dead; "
                   "%lld events\n",
                   (long long)js.pending, (long long)js.due, (long long)js.running,
                   (long long)js.done, (long long)js.dead, (long long)js.events);
        else
            printf("run 'kontor db migrate' to apply the pending migrations\n");
    }
    if (rc == 0 && pending > 0)
        rc = CLI_EXIT_NO;
out:
    free(ms.info);
    return rc;
}

int cli_cmd_db(struct cli *cli, int argc, char **argv)
{
    static const char *const subs[] = {"migrate", "status"};
    char *pos[2];
    size_t npos;
    int rc = cli_parse_opts("db", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos == 0)
        return cli_error(CLI_EXIT_USAGE, "'db' needs a subcommand: 'kontor db migrate' or "
                                         "'kontor db status'");
    int is_migrate = strcmp(pos[0], "migrate") == 0;
    if (is_migrate || strcmp(pos[0], "status") == 0) {
        const char *url = kt_config_get(cli->cfg, "database", "url");
        char shown[1024];
        cli_redact_url(shown, sizeof shown, url);
        rc = cli_open_db(cli);
        if (rc != 0)
            return rc;
        return is_migrate ? db_migrate(cli, shown) : db_status(cli, shown);
    }
    const char *s = cli_suggest(pos[0], subs, sizeof subs / sizeof subs[0]);
    if (s)
        return cli_error(CLI_EXIT_USAGE, "'db %s' is not a command; did you mean 'db %s'?", pos[0],
                         s);
    return cli_error(CLI_EXIT_USAGE, "'db %s' is not a command; use 'db migrate' or 'db status'",
                     pos[0]);
}
