#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/csv.h"
#include "cli/cli.h"
#include "exchange/exchange.h"
#include "base/banned.h"

/* kontor import KIND FILE / kontor export KIND [FILE]: CSV files of master data. */

struct import_out {
    json_t *rows; /* --json: the reported rows */
    int quiet;    /* only rejected rows */
    int progress; /* a progress bar on stderr (a terminal) */
    double last_draw;
    int drawn;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_row(void *ctx, const struct exchange_row_report *r)
{
    struct import_out *o = ctx;
    if (o->quiet && r->outcome != EXCHANGE_REJECTED)
        return;
    if (o->rows) {
        json_t *row = json_pack("{s:I, s:s, s:s}", "line", (json_int_t)r->line, "outcome",
                                exchange_outcome_name(r->outcome), "key", r->key);
        if (row && r->reason)
            json_object_set_new(row, "reason", json_string(r->reason));
        json_array_append_new(o->rows, row);
        return;
    }
    if (o->drawn) {
        fputs("\r\033[K", stderr);
        o->drawn = 0;
    }
    if (r->reason)
        printf("line %ld: %s %s: %s\n", r->line, exchange_outcome_name(r->outcome), r->key,
               r->reason);
    else
        printf("line %ld: %s %s\n", r->line, exchange_outcome_name(r->outcome), r->key);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total, long rows)
{
    struct import_out *o = ctx;
    double t = now_s();
    if (!o->progress || (t - o->last_draw < 0.1 && done < total))
        return;
    o->last_draw = t;
    fflush(stdout);
    if (total > 0) {
        int pct = (int)(done * 100 / total);
        int bar = pct * 30 / 100;
        fprintf(stderr, "\r[%.*s%*s] %3d%% %ld rows", bar, "##############################",
                30 - bar, "", pct, rows);
    } else {
        fprintf(stderr, "\r%ld rows", rows);
    }
    o->drawn = 1;
}

static int usage_import(void)
{
    return cli_error(CLI_EXIT_USAGE,
                     "usage: kontor import products|customers|pricelists|stock FILE "
                     "[--dry-run] [--skip-bad-rows] [--encoding utf-8|windows-1250|auto]");
}

int cli_cmd_import(struct cli *cli, int argc, char **argv)
{
    const char *encoding = NULL, *batch = NULL;
    int dry_run = 0, skip = 0, quiet = 0;
    const struct cli_opt opts[] = {
        {"dry-run", NULL, &dry_run},   {"skip-bad-rows", NULL, &skip}, {"quiet", NULL, &quiet},
        {"encoding", &encoding, NULL}, {"batch", &batch, NULL},
    };
    char *pos[2];
    size_t npos;
    int rc =
        cli_parse_opts("import", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 2, &npos);
    if (rc != 0)
        return rc;
    if (npos != 2)
        return usage_import();
    struct kt_err err;
    kt_err_clear(&err);
    enum exchange_kind kind;
    if (exchange_kind_parse(pos[0], &kind, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "%s", err.msg);
    struct exchange_options opt = {.dry_run = dry_run, .skip_bad_rows = skip};
    if (encoding && kt_csv_encoding_parse(encoding, &opt.encoding, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "--encoding: %s", err.msg);
    if (batch) {
        char *end;
        errno = 0;
        long b = strtol(batch, &end, 10);
        if (errno || *end || b < 1 || b > 1000000)
            return cli_error(CLI_EXIT_USAGE, "--batch must be a number of rows from 1 to 1000000");
        opt.batch_rows = b;
    }
    if (strcmp(pos[1], "-") != 0 && access(pos[1], R_OK) != 0)
        return cli_error(CLI_EXIT_USAGE, "cannot read %s: %s", pos[1], strerror(errno));
    rc = cli_open_db(cli);
    if (rc == 0)
        rc = cli_require_schema(cli);
    if (rc != 0)
        return rc;

    struct import_out out = {.quiet = quiet, .progress = !cli->json && isatty(STDERR_FILENO)};
    if (cli->json && !(out.rows = json_array()))
        return cli_error(CLI_EXIT_INTERNAL, "out of memory");
    opt.on_row = on_row;
    opt.row_ctx = &out;
    opt.on_progress = on_progress;
    opt.progress_ctx = &out;
    struct exchange_summary sum;
    double t0 = now_s();
    int irc = exchange_import(cli->st, kind, pos[1], &opt, &sum, &err);
    double secs = now_s() - t0;
    if (out.drawn)
        fputs("\r\033[K", stderr);

    if (irc != 0 && irc != KT_EINVAL && irc != KT_ELIMIT) {
        json_decref(out.rows);
        if (irc == KT_EIO)
            return cli_error(CLI_EXIT_USAGE, "%s", err.msg);
        char what[256];
        snprintf(what, sizeof what, "cannot import %s", pos[1]);
        return cli_db_error(what, &err);
    }
    const char *verdict;
    if (dry_run)
        verdict = "dry run: nothing was written";
    else if (sum.written && sum.rejected == 0 && irc == 0)
        verdict = "written";
    else if (sum.written)
        verdict = "the good rows were written, the rejected ones were not";
    else if (irc != 0)
        verdict = "nothing was written";
    else
        verdict = "nothing was written: fix the rejected rows, or import the good ones with "
                  "--skip-bad-rows";
    if (cli->json) {
        json_t *o = json_pack(
            "{s:s, s:s, s:b, s:b, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:b, s:s*, s:f}", "kind",
            exchange_kind_name(kind), "file", pos[1], "dry_run", dry_run, "skip_bad_rows", skip,
            "rows", out.rows, "summary", "rows", (json_int_t)sum.rows, "created",
            (json_int_t)sum.created, "updated", (json_int_t)sum.updated, "unchanged",
            (json_int_t)sum.unchanged, "rejected", (json_int_t)sum.rejected, "written", sum.written,
            "error", irc != 0 ? err.msg : NULL, "seconds", secs);
        rc = cli_print_json(o);
        if (rc != 0)
            return rc;
    } else {
        printf("%s: %ld row%s: %ld created, %ld updated, %ld unchanged, %ld rejected; %s\n",
               exchange_kind_name(kind), sum.rows, sum.rows == 1 ? "" : "s", sum.created,
               sum.updated, sum.unchanged, sum.rejected, verdict);
    }
    if (irc != 0)
        return cli_error(CLI_EXIT_NO, "cannot import %s: %s", pos[1], err.msg);
    return sum.rejected > 0 ? CLI_EXIT_NO : CLI_EXIT_OK;
}

/*
 * `kontor product import FILE` is `kontor import products FILE`: the module
 * commands hand their import/export subcommands here. argv[0] is "import"
 * or "export", the rest are that subcommand's arguments.
 */
int cli_exchange_alias(struct cli *cli, const char *kind, int argc, char **argv)
{
    char **args = calloc((size_t)argc + 2, sizeof *args);
    if (!args)
        return cli_error(CLI_EXIT_INTERNAL, "out of memory");
    args[0] = argv[0];
    args[1] = (char *)kind;
    for (int i = 1; i < argc; i++)
        args[i + 1] = argv[i];
    int rc = strcmp(argv[0], "import") == 0 ? cli_cmd_import(cli, argc + 1, args)
                                            : cli_cmd_export(cli, argc + 1, args);
    free(args);
    return rc;
}

int cli_cmd_export(struct cli *cli, int argc, char **argv)
{
    char *pos[2];
    size_t npos;
    int rc = cli_parse_opts("export", argc, argv, NULL, 0, pos, 2, &npos);
    if (rc != 0)
        return rc;
    if (npos < 1)
        return cli_error(CLI_EXIT_USAGE,
                         "usage: kontor export products|customers|pricelists|stock [FILE]");
    struct kt_err err;
    kt_err_clear(&err);
    enum exchange_kind kind;
    if (exchange_kind_parse(pos[0], &kind, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "%s", err.msg);
    rc = cli_open_db(cli);
    if (rc == 0)
        rc = cli_require_schema(cli);
    if (rc != 0)
        return rc;
    FILE *f = stdout;
    if (npos == 2 && strcmp(pos[1], "-") != 0) {
        f = fopen(pos[1], "wb");
        if (!f)
            return cli_error(CLI_EXIT_USAGE, "cannot write %s: %s", pos[1], strerror(errno));
    }
    long rows = 0;
    int erc = exchange_export(cli->st, kind, f, &rows, &err);
    if (f != stdout && fclose(f) != 0 && erc == 0)
        erc = kt_err_set(&err, KT_EIO, "cannot write %s: %s", pos[1], strerror(errno));
    if (erc != 0) {
        if (erc == KT_EIO)
            return cli_error(CLI_EXIT_INTERNAL, "%s", err.msg);
        return cli_db_error("cannot export", &err);
    }
    if (f != stdout) {
        if (cli->json)
            return cli_print_json(json_pack("{s:s, s:s, s:I}", "kind", exchange_kind_name(kind),
                                            "file", pos[1], "rows", (json_int_t)rows));
        printf("exported %ld %s to %s\n", rows, exchange_kind_name(kind), pos[1]);
    }
    return CLI_EXIT_OK;
}
