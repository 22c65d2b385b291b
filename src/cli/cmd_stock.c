#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/qty.h"
#include "catalog/stock.h"
#include "catalog/warehouse.h"
#include "cli/cli.h"
#include "base/banned.h"

/*
 * `kontor warehouse` and `kontor stock`: thin wrappers over
 * catalog/warehouse.h and catalog/stock.h. Quantities are read the Polish
 * way ("2,5" and "2.5" both work) and printed with '.' as the decimal mark,
 * in JSON as decimal strings ("2.5").
 */

/* ---- shared bits ---- */

/* The exit code and the sentence for a failed domain call. */
static int domain_error(const char *what, const struct kt_err *err)
{
    switch (err->code) {
    case KT_ELIMIT:    /* not enough stock */
    case KT_ENOTFOUND: /* no such product or warehouse */
    case KT_EEXIST:    /* the code is taken */
        return cli_error(CLI_EXIT_NO, "%s", err->msg);
    case KT_EINVAL:
    case KT_EOVERFLOW:
        return cli_error(CLI_EXIT_USAGE, "%s", err->msg);
    default:
        return cli_db_error(what, err);
    }
}

static int parse_qty(const char *text, const char *what, int64_t *q)
{
    struct kt_err err;
    kt_err_clear(&err);
    if (kt_qty_parse(text, "pl", q, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "%s: %s", what, err.msg);
    return 0;
}

/* A time typed by the user: "2026-11-28T10:00[:SS]" in Warsaw, or with an offset. */
static int parse_time_ms(const char *text, const char *flag, int64_t *ms)
{
    kt_time t;
    struct kt_err err;
    kt_err_clear(&err);
    if (kt_time_parse_warsaw(text, &t, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "%s: %s; write it as 2026-11-28T10:00 (Warsaw time)", flag,
                         err.msg);
    *ms = (int64_t)t * 1000;
    return 0;
}

static void time_str(int64_t ms, char out[KT_TIME_ISO_SIZE])
{
    kt_time_format_warsaw((kt_time)(ms / 1000), out);
}

static int warehouse_id(struct cli *cli, const char *code, int64_t *id)
{
    struct stock_warehouse w;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = stock_warehouse_get(cli->st, code, &w, &err);
    if (rc != 0)
        return domain_error("cannot look up the warehouse", &err);
    *id = w.id;
    return 0;
}

static const char *default_user(const char *flag)
{
    if (flag && *flag)
        return flag;
    const char *u = getenv("USER");
    return u && *u ? u : "cli";
}

/* ---- kontor warehouse ---- */

static json_t *warehouse_json(const struct stock_warehouse *w)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "code", w->code, "name", w->name,
                     "street", w->street, "postal_code", w->postal_code, "city", w->city, "country",
                     w->country, "active", w->active);
}

static int copy_field(char *dst, size_t n, const char *v, const char *flag)
{
    if (!v)
        return 0;
    if (kt_strlcpy(dst, v, n) != 0)
        return cli_error(CLI_EXIT_USAGE, "--%s is longer than %zu bytes", flag, n - 1);
    return 0;
}

static int warehouse_add(struct cli *cli, int argc, char **argv)
{
    const char *name = NULL, *street = NULL, *postal = NULL, *city = NULL, *country = NULL;
    int inactive = 0;
    const struct cli_opt opts[] = {
        {.name = "name", .value = &name},          {.name = "street", .value = &street},
        {.name = "postal-code", .value = &postal}, {.name = "city", .value = &city},
        {.name = "country", .value = &country},    {.name = "inactive", .set = &inactive},
    };
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("warehouse add", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 1,
                            &npos);
    if (rc != 0)
        return rc;
    if (npos != 1 || !name)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor warehouse add CODE --name NAME "
                                         "[--street S] [--postal-code P] [--city C] [--country "
                                         "CC] [--inactive]");
    struct stock_warehouse w = {.active = !inactive};
    if ((rc = copy_field(w.code, sizeof w.code, pos[0], "code")) != 0 ||
        (rc = copy_field(w.name, sizeof w.name, name, "name")) != 0 ||
        (rc = copy_field(w.street, sizeof w.street, street, "street")) != 0 ||
        (rc = copy_field(w.postal_code, sizeof w.postal_code, postal, "postal-code")) != 0 ||
        (rc = copy_field(w.city, sizeof w.city, city, "city")) != 0 ||
        (rc = copy_field(w.country, sizeof w.country, country, "country")) != 0)
        return rc;
    struct kt_err err;
    kt_err_clear(&err);
    if (stock_warehouse_check_code(w.code, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "%s", err.msg);
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    if (stock_warehouse_create(cli->st, &w, &w.id, &err) != 0)
        return domain_error("cannot create the warehouse", &err);
    if (stock_warehouse_get_id(cli->st, w.id, &w, &err) != 0)
        return domain_error("cannot read the warehouse back", &err);
    if (cli->json)
        return cli_print_json(warehouse_json(&w));
    printf("created warehouse %s (%s)\n", w.code, w.name);
    return CLI_EXIT_OK;
}

static int warehouse_list(struct cli *cli, int argc, char **argv)
{
    int all = 0;
    const struct cli_opt opts[] = {{.name = "all", .set = &all}};
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("warehouse list", argc, argv, opts, 1, pos, 0, &npos);
    if (rc != 0)
        return rc;
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    struct stock_warehouse *ws = NULL;
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    if (stock_warehouse_list(cli->st, all, &ws, &n, &err) != 0)
        return domain_error("cannot list the warehouses", &err);
    if (cli->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, warehouse_json(&ws[i]));
        free(ws);
        return cli_print_json(arr);
    }
    if (n == 0)
        printf("no warehouses yet; add one with 'kontor warehouse add MAG1 --name ...'\n");
    else
        printf("%-12s %-30s %-20s %s\n", "code", "name", "city", "country");
    for (size_t i = 0; i < n; i++)
        printf("%-12s %-30s %-20s %s%s\n", ws[i].code, ws[i].name, ws[i].city, ws[i].country,
               ws[i].active ? "" : " (inactive)");
    free(ws);
    return CLI_EXIT_OK;
}

int cli_cmd_warehouse(struct cli *cli, int argc, char **argv)
{
    static const char *const subs[] = {"add", "list"};
    if (argc < 2 || argv[1][0] == '-')
        return cli_error(CLI_EXIT_USAGE, "'warehouse' needs a subcommand: add or list");
    if (strcmp(argv[1], "add") == 0)
        return warehouse_add(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return warehouse_list(cli, argc - 1, argv + 1);
    const char *s = cli_suggest(argv[1], subs, sizeof subs / sizeof subs[0]);
    if (s)
        return cli_error(CLI_EXIT_USAGE,
                         "'warehouse %s' is not a command; did you mean "
                         "'warehouse %s'?",
                         argv[1], s);
    return cli_error(CLI_EXIT_USAGE, "'warehouse %s' is not a command; use add or list", argv[1]);
}

/* ---- kontor stock: changes ---- */

static json_t *result_json(const char *warehouse, const struct stock_result *r)
{
    return json_pack("{s:s, s:I, s:o, s:o, s:o, s:o}", "warehouse", warehouse, "ledger_id",
                     (json_int_t)r->ledger_id, "delta", cli_qty_json(r->delta), "on_hand",
                     cli_qty_json(r->on_hand), "reserved", cli_qty_json(r->reserved), "available",
                     cli_qty_json(r->on_hand - r->reserved));
}

static void print_result(const char *product, const char *warehouse, const struct stock_result *r)
{
    char d[40], h[40], res[40], a[40];
    cli_qty_str(r->delta, d, sizeof d);
    cli_qty_str(r->on_hand, h, sizeof h);
    cli_qty_str(r->reserved, res, sizeof res);
    cli_qty_str(r->on_hand - r->reserved, a, sizeof a);
    printf("%s in %s: on hand %s (%s%s), reserved %s, available %s\n", product, warehouse, h,
           r->delta >= 0 ? "+" : "", d, res, a);
}

enum change_kind { CH_SET, CH_ADJUST, CH_RESERVE, CH_RELEASE, CH_ISSUE };

static const struct {
    const char *name;
    enum change_kind kind;
    const char *usage;
} change_cmds[] = {
    {"set", CH_SET, "kontor stock set PRODUCT WAREHOUSE QTY [--reason set|import]"},
    {"adjust", CH_ADJUST,
     "kontor stock adjust PRODUCT WAREHOUSE DELTA [--reason adjust|receipt|issue|return|import]"},
    {"reserve", CH_RESERVE, "kontor stock reserve PRODUCT WAREHOUSE QTY"},
    {"release", CH_RELEASE, "kontor stock release PRODUCT WAREHOUSE QTY"},
    {"issue", CH_ISSUE, "kontor stock issue PRODUCT WAREHOUSE QTY"},
};

static int stock_change(struct cli *cli, size_t k, int argc, char **argv)
{
    const char *reason_text = NULL, *doc = NULL, *user = NULL;
    const struct cli_opt opts[] = {
        {.name = "reason", .value = &reason_text},
        {.name = "doc", .value = &doc},
        {.name = "user", .value = &user},
    };
    char cmd[32];
    snprintf(cmd, sizeof cmd, "stock %s", change_cmds[k].name);
    char *pos[3];
    size_t npos;
    enum change_kind kind = change_cmds[k].kind;
    size_t nopts = kind == CH_SET || kind == CH_ADJUST ? 3 : 2;
    const struct cli_opt *o = nopts == 3 ? opts : opts + 1;
    int rc = cli_parse_opts(cmd, argc, argv, o, nopts, pos, 3, &npos);
    if (rc != 0)
        return rc;
    if (npos != 3)
        return cli_error(CLI_EXIT_USAGE, "usage: %s [--doc REF] [--user NAME]",
                         change_cmds[k].usage);
    int64_t qty = 0, pid = 0, wid = 0;
    if ((rc = parse_qty(pos[2], "quantity", &qty)) != 0)
        return rc;
    struct kt_err err;
    kt_err_clear(&err);
    enum stock_reason reason = kind == CH_SET ? STOCK_REASON_SET : STOCK_REASON_ADJUST;
    if (reason_text && stock_reason_parse(reason_text, &reason, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "%s", err.msg);
    if ((rc = cli_use_db(cli)) != 0 || (rc = cli_product_id(cli, pos[0], &pid)) != 0 ||
        (rc = warehouse_id(cli, pos[1], &wid)) != 0)
        return rc;
    struct stock_origin origin = {.doc_ref = doc, .user = default_user(user)};
    struct stock_result r;
    switch (kind) {
    case CH_SET:
        rc = stock_set(cli->st, pid, wid, qty, reason, &origin, &r, &err);
        break;
    case CH_ADJUST:
        rc = stock_adjust(cli->st, pid, wid, qty, reason, &origin, &r, &err);
        break;
    case CH_RESERVE:
        rc = stock_reserve(cli->st, pid, wid, qty, &origin, &r, &err);
        break;
    case CH_RELEASE:
        rc = stock_release(cli->st, pid, wid, qty, &origin, &r, &err);
        break;
    case CH_ISSUE:
        rc = stock_issue(cli->st, pid, wid, qty, &origin, &r, &err);
        break;
    }
    if (rc != 0)
        return domain_error("cannot change the stock", &err);
    if (cli->json) {
        json_t *j = result_json(pos[1], &r);
        if (j)
            json_object_set_new(j, "product", json_string(pos[0]));
        return cli_print_json(j);
    }
    print_result(pos[0], pos[1], &r);
    return CLI_EXIT_OK;
}

static int stock_move_cmd(struct cli *cli, int argc, char **argv)
{
    const char *doc = NULL, *user = NULL;
    const struct cli_opt opts[] = {{.name = "doc", .value = &doc},
                                   {.name = "user", .value = &user}};
    char *pos[4];
    size_t npos;
    int rc = cli_parse_opts("stock move", argc, argv, opts, 2, pos, 4, &npos);
    if (rc != 0)
        return rc;
    if (npos != 4)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor stock move PRODUCT FROM TO QTY [--doc "
                                         "REF] [--user NAME]");
    int64_t qty = 0, pid = 0, from = 0, to = 0;
    if ((rc = parse_qty(pos[3], "quantity", &qty)) != 0)
        return rc;
    if ((rc = cli_use_db(cli)) != 0 || (rc = cli_product_id(cli, pos[0], &pid)) != 0 ||
        (rc = warehouse_id(cli, pos[1], &from)) != 0 || (rc = warehouse_id(cli, pos[2], &to)) != 0)
        return rc;
    struct stock_origin origin = {.doc_ref = doc, .user = default_user(user)};
    struct stock_result rf, rt;
    struct kt_err err;
    kt_err_clear(&err);
    if (stock_move(cli->st, pid, from, to, qty, &origin, &rf, &rt, &err) != 0)
        return domain_error("cannot move the stock", &err);
    if (cli->json)
        return cli_print_json(json_pack("{s:s, s:o, s:o}", "product", pos[0], "from",
                                        result_json(pos[1], &rf), "to", result_json(pos[2], &rt)));
    print_result(pos[0], pos[1], &rf);
    print_result(pos[0], pos[2], &rt);
    return CLI_EXIT_OK;
}

/* ---- kontor stock: reading ---- */

/* One warehouse's stock, or the total when warehouse is NULL (no "warehouse" key). */
static json_t *level_json(const char *warehouse, int64_t on_hand, int64_t reserved)
{
    json_t *j = json_pack("{s:o, s:o, s:o}", "on_hand", cli_qty_json(on_hand), "reserved",
                          cli_qty_json(reserved), "available", cli_qty_json(on_hand - reserved));
    if (j && warehouse)
        json_object_set_new(j, "warehouse", json_string(warehouse));
    return j;
}

static void print_level(const char *label, int64_t on_hand, int64_t reserved)
{
    char h[40], r[40], a[40];
    cli_qty_str(on_hand, h, sizeof h);
    cli_qty_str(reserved, r, sizeof r);
    cli_qty_str(on_hand - reserved, a, sizeof a);
    printf("%-14s %12s %12s %12s\n", label, h, r, a);
}

/* `stock show PRODUCT --at TIME`: every warehouse explained at that moment. */
static int show_at(struct cli *cli, const char *code, int64_t pid, int64_t at)
{
    struct stock_warehouse *ws = NULL;
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    if (stock_warehouse_list(cli->st, 1, &ws, &n, &err) != 0)
        return domain_error("cannot list the warehouses", &err);
    json_t *arr = cli->json ? json_array() : NULL;
    int64_t th = 0, tr = 0;
    char when[KT_TIME_ISO_SIZE];
    time_str(at, when);
    if (!cli->json)
        printf("%s at %s\n%-14s %12s %12s %12s\n", code, when, "warehouse", "on hand", "reserved",
               "available");
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        struct stock_explanation ex;
        if (stock_explain(cli->st, pid, ws[i].id, at, &ex, &err) != 0) {
            rc = domain_error("cannot explain the stock", &err);
            goto out;
        }
        if (ex.changes == 0)
            continue;
        th += ex.on_hand;
        tr += ex.reserved;
        if (arr)
            json_array_append_new(arr, level_json(ws[i].code, ex.on_hand, ex.reserved));
        else
            print_level(ws[i].code, ex.on_hand, ex.reserved);
    }
    if (cli->json) {
        rc = cli_print_json(json_pack("{s:s, s:s, s:o, s:o}", "product", code, "at", when,
                                      "warehouses", arr, "total", level_json(NULL, th, tr)));
        arr = NULL;
    } else {
        print_level("total", th, tr);
    }
out:
    json_decref(arr);
    free(ws);
    return rc;
}

static int stock_show(struct cli *cli, int argc, char **argv)
{
    const char *at_text = NULL;
    const struct cli_opt opts[] = {{.name = "at", .value = &at_text}};
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("stock show", argc, argv, opts, 1, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor stock show PRODUCT [--at TIME]");
    int64_t at = 0, pid;
    if (at_text && (rc = parse_time_ms(at_text, "--at", &at)) != 0)
        return rc;
    if ((rc = cli_use_db(cli)) != 0 || (rc = cli_product_id(cli, pos[0], &pid)) != 0)
        return rc;
    if (at_text)
        return show_at(cli, pos[0], pid, at + 999);
    struct stock_level *lv = NULL, total;
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    if (stock_levels(cli->st, pid, &lv, &n, &err) != 0 ||
        stock_total(cli->st, pid, &total, &err) != 0) {
        free(lv);
        return domain_error("cannot read the stock", &err);
    }
    if (cli->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr,
                                  level_json(lv[i].warehouse_code, lv[i].on_hand, lv[i].reserved));
        free(lv);
        return cli_print_json(json_pack("{s:s, s:o*, s:o}", "product", pos[0], "warehouses", arr,
                                        "total", level_json(NULL, total.on_hand, total.reserved)));
    }
    printf("%-14s %12s %12s %12s\n", "warehouse", "on hand", "reserved", "available");
    for (size_t i = 0; i < n; i++)
        print_level(lv[i].warehouse_code, lv[i].on_hand, lv[i].reserved);
    print_level("total", total.on_hand, total.reserved);
    free(lv);
    return CLI_EXIT_OK;
}

static int stock_ledger(struct cli *cli, int argc, char **argv)
{
    const char *wh = NULL, *limit_text = NULL, *from_text = NULL, *to_text = NULL;
    const struct cli_opt opts[] = {
        {.name = "warehouse", .value = &wh},
        {.name = "limit", .value = &limit_text},
        {.name = "from", .value = &from_text},
        {.name = "to", .value = &to_text},
    };
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("stock ledger", argc, argv, opts, 4, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor stock ledger PRODUCT [--warehouse W] "
                                         "[--from TIME] [--to TIME] [--limit N]");
    struct stock_ledger_query q = {0};
    if (limit_text) {
        char *end;
        long long v = strtoll(limit_text, &end, 10);
        if (*limit_text == '\0' || *end != '\0' || v < 1 || v > 100000)
            return cli_error(CLI_EXIT_USAGE, "--limit must be a number from 1 to 100000, not '%s'",
                             limit_text);
        q.limit = (size_t)v;
    }
    if (from_text && (rc = parse_time_ms(from_text, "--from", &q.from_at)) != 0)
        return rc;
    if (to_text && (rc = parse_time_ms(to_text, "--to", &q.to_at)) != 0)
        return rc;
    if (to_text)
        q.to_at += 999;
    if ((rc = cli_use_db(cli)) != 0 || (rc = cli_product_id(cli, pos[0], &q.product_id)) != 0)
        return rc;
    if (wh && (rc = warehouse_id(cli, wh, &q.warehouse_id)) != 0)
        return rc;
    struct stock_ledger_entry *rows = NULL;
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    if (stock_ledger_list(cli->st, &q, &rows, &n, &err) != 0)
        return domain_error("cannot read the stock ledger", &err);
    char when[KT_TIME_ISO_SIZE], d[40], rd[40], h[40], r[40];
    json_t *arr = cli->json ? json_array() : NULL;
    if (!cli->json)
        printf("%-6s %-25s %-8s %-8s %9s %9s %9s %9s  %-14s %s\n", "id", "time", "warehouse",
               "reason", "delta", "res.delta", "on hand", "reserved", "document", "user");
    for (size_t i = 0; i < n; i++) {
        const struct stock_ledger_entry *e = &rows[i];
        time_str(e->at, when);
        if (arr) {
            json_array_append_new(
                arr,
                json_pack("{s:I, s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:s?, s:s?}", "id",
                          (json_int_t)e->id, "at", when, "at_ms", (json_int_t)e->at, "warehouse",
                          e->warehouse_code, "reason", stock_reason_name(e->reason), "delta",
                          cli_qty_json(e->delta), "reserved_delta", cli_qty_json(e->reserved_delta),
                          "on_hand", cli_qty_json(e->resulting_on_hand), "reserved",
                          cli_qty_json(e->resulting_reserved), "doc_ref",
                          e->doc_ref[0] ? e->doc_ref : NULL, "user", e->user[0] ? e->user : NULL));
            continue;
        }
        cli_qty_str(e->delta, d, sizeof d);
        cli_qty_str(e->reserved_delta, rd, sizeof rd);
        cli_qty_str(e->resulting_on_hand, h, sizeof h);
        cli_qty_str(e->resulting_reserved, r, sizeof r);
        printf("%-6lld %-25s %-8s %-8s %9s %9s %9s %9s  %-14s %s\n", (long long)e->id, when,
               e->warehouse_code, stock_reason_name(e->reason), d, rd, h, r,
               e->doc_ref[0] ? e->doc_ref : "-", e->user[0] ? e->user : "-");
    }
    free(rows);
    if (arr)
        return cli_print_json(arr);
    return CLI_EXIT_OK;
}

static int stock_allow_negative_cmd(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("stock allow-negative", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    int want = -1;
    if (npos == 1) {
        if (strcmp(pos[0], "on") == 0)
            want = 1;
        else if (strcmp(pos[0], "off") == 0)
            want = 0;
        else
            return cli_error(CLI_EXIT_USAGE, "stock allow-negative takes on or off, not '%s'",
                             pos[0]);
    }
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    struct kt_err err;
    kt_err_clear(&err);
    int allowed = 0;
    if (want >= 0 && stock_allow_negative_set(cli->st, want, &err) != 0)
        return domain_error("cannot change the setting", &err);
    if (stock_allow_negative_get(cli->st, &allowed, &err) != 0)
        return domain_error("cannot read the setting", &err);
    if (cli->json)
        return cli_print_json(json_pack("{s:b}", "allow_negative", allowed));
    printf("negative stock is %s\n", allowed ? "allowed" : "not allowed");
    return CLI_EXIT_OK;
}

int cli_cmd_stock(struct cli *cli, int argc, char **argv)
{
    static const char *const subs[] = {"set",   "adjust", "move",   "reserve",       "release",
                                       "issue", "show",   "ledger", "allow-negative", "import", "export"};
    if (argc < 2 || argv[1][0] == '-')
        return cli_error(CLI_EXIT_USAGE, "'stock' needs a subcommand: set, adjust, move, "
                                         "reserve, release, issue, show, ledger or "
                                         "allow-negative");
    const char *sub = argv[1];
    for (size_t k = 0; k < sizeof change_cmds / sizeof change_cmds[0]; k++)
        if (strcmp(sub, change_cmds[k].name) == 0)
            return stock_change(cli, k, argc - 1, argv + 1);
    if (strcmp(sub, "move") == 0)
        return stock_move_cmd(cli, argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0)
        return stock_show(cli, argc - 1, argv + 1);
    if (strcmp(sub, "ledger") == 0)
        return stock_ledger(cli, argc - 1, argv + 1);
    if (strcmp(sub, "import") == 0 || strcmp(sub, "export") == 0)
        return cli_exchange_alias(cli, "stock", argc - 1, argv + 1);
    if (strcmp(sub, "allow-negative") == 0)
        return stock_allow_negative_cmd(cli, argc - 1, argv + 1);
    const char *s = cli_suggest(sub, subs, sizeof subs / sizeof subs[0]);
    if (s)
        return cli_error(CLI_EXIT_USAGE, "'stock %s' is not a command; did you mean 'stock %s'?",
                         sub, s);
    return cli_error(CLI_EXIT_USAGE, "'stock %s' is not a command; see 'kontor help stock'", sub);
}
