#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/money.h"
#include "base/qty.h"
#include "catalog/product.h"
#include "catalog/warehouse.h"
#include "cli/cli.h"
#include "orders/orders.h"
#include "parties/customer.h"
#include "series/series.h"
#include "base/banned.h"

/*
 * `kontor order`: list, show, create, confirm, cancel and map-line through
 * the orders module (orders/orders.h), acting as a staff user with every
 * order right, named by --user or $USER. Quantities and prices are typed
 * the Polish or the English way ("2,5" or "2.5"); JSON carries amounts,
 * prices and quantities as decimal strings.
 */

#define MAX_LINES 1000

static int domain_error(const char *what, const struct kt_err *err)
{
    switch (err->code) {
    case KT_ENOTFOUND: /* no such order; no price */
    case KT_EEXIST:
    case KT_ECONFLICT: /* changed meanwhile */
    case KT_EPERM:
    case KT_EINVAL: /* a line or field the order rules refuse */
    case KT_EOVERFLOW:
    case KT_ELIMIT: /* includes "not enough stock" */
        return cli_error(CLI_EXIT_NO, "%s", err->msg);
    default:
        return cli_db_error(what, err);
    }
}

static int open_db(struct cli *cli)
{
    int rc = cli_open_db(cli);
    if (rc == 0)
        rc = cli_require_schema(cli);
    return rc;
}

static struct orders_actor actor_of(const char *user)
{
    const char *name = user && *user ? user : getenv("USER");
    struct orders_actor a = {
        .kind = ORDERS_ACTOR_STAFF,
        .name = name && *name ? name : "cli",
        .rights = ORDERS_RIGHT_EDIT_CONFIRMED | ORDERS_RIGHT_SET_PRICE,
    };
    return a;
}

/* ---- decimal strings ---- */

static void fixed(int64_t v, int decimals, int min_decimals, char *out, size_t n)
{
    static const uint64_t scale[] = {1, 10, 100, 1000, 10000};
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char f[24];
    snprintf(f, sizeof f, "%0*llu", decimals, (unsigned long long)(a % scale[decimals]));
    size_t len = strlen(f);
    while (len > (size_t)min_decimals && f[len - 1] == '0')
        f[--len] = '\0';
    snprintf(out, n, "%s%llu%s%s", v < 0 ? "-" : "", (unsigned long long)(a / scale[decimals]),
             len ? "." : "", f);
}

static json_t *qty_json(int64_t q)
{
    char s[40];
    fixed(q, KT_QTY_DECIMALS, 0, s, sizeof s);
    return json_string(s);
}

static json_t *price_json(int64_t p)
{
    char s[40];
    fixed(p, KT_PRICE_DECIMALS, 2, s, sizeof s);
    return json_string(s);
}

static void money_str(int64_t m, const char *currency, char *out, size_t n)
{
    struct kt_buf b;
    struct kt_err err;
    kt_buf_init(&b, 64);
    if (kt_money_format_decimal(&b, m, currency, &err) == 0)
        kt_strlcpy(out, kt_buf_str(&b), n);
    else
        fixed(m, 2, 2, out, n);
    kt_buf_release(&b);
}

static json_t *money_json(int64_t m, const char *currency)
{
    char s[40];
    money_str(m, currency, s, sizeof s);
    return json_string(s);
}

static const char *date_str(kt_date d, char out[KT_DATE_ISO_SIZE])
{
    return kt_date_format(d, out);
}

/* ---- lookups ---- */

static int find_order(struct cli *cli, const struct orders_actor *actor, const char *number,
                      struct kt_arena *arena, struct orders_order *o)
{
    struct kt_err err;
    int64_t id = 0;
    kt_err_clear(&err);
    if (orders_find(cli->st, actor, number, &id, &err) != 0 ||
        orders_get(cli->st, actor, id, arena, o, &err) != 0) {
        if (err.code == KT_ENOTFOUND)
            return cli_error(CLI_EXIT_NO, "there is no order %s; 'kontor order list' shows them",
                             number);
        return domain_error("cannot read the order", &err);
    }
    return 0;
}

/* ---- list ---- */

static int order_list(struct cli *cli, int argc, char **argv)
{
    const char *status = NULL, *payment = NULL, *customer = NULL, *source = NULL, *from = NULL,
               *to = NULL, *number = NULL, *po = NULL, *product = NULL, *sort = NULL, *limit = NULL,
               *offset = NULL;
    int partial = 0, complete = 0, asc = 0;
    const struct cli_opt opts[] = {
        {.name = "status", .value = &status},
        {.name = "payment", .value = &payment},
        {.name = "customer", .value = &customer},
        {.name = "source", .value = &source},
        {.name = "from", .value = &from},
        {.name = "to", .value = &to},
        {.name = "number", .value = &number},
        {.name = "po", .value = &po},
        {.name = "product", .value = &product},
        {.name = "sort", .value = &sort},
        {.name = "limit", .value = &limit},
        {.name = "offset", .value = &offset},
        {.name = "partial", .set = &partial},
        {.name = "complete", .set = &complete},
        {.name = "asc", .set = &asc},
    };
    char *pos[1];
    size_t npos;
    int rc =
        cli_parse_opts("order list", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0, &npos);
    if (rc)
        return rc;
    struct orders_query q;
    struct kt_err err;
    kt_err_clear(&err);
    orders_query_init(&q);
    if (status) {
        enum orders_status s;
        if (orders_status_parse(status, &s, &err))
            return cli_error(CLI_EXIT_USAGE, "--%s", err.msg);
        q.status = (int)s;
    }
    if (payment) {
        enum orders_payment p;
        if (orders_payment_parse(payment, &p, &err))
            return cli_error(CLI_EXIT_USAGE, "--%s", err.msg);
        q.payment = (int)p;
    }
    if (sort && orders_sort_parse(sort, &q.sort, &err))
        return cli_error(CLI_EXIT_USAGE, "--%s", err.msg);
    q.descending = !asc;
    if (from && kt_date_parse(from, &q.date_from, &err))
        return cli_error(CLI_EXIT_USAGE, "--from: %s; write it as 2026-11-28", err.msg);
    if (to && kt_date_parse(to, &q.date_to, &err))
        return cli_error(CLI_EXIT_USAGE, "--to: %s; write it as 2026-11-28", err.msg);
    if (partial && complete)
        return cli_error(CLI_EXIT_USAGE, "--partial and --complete exclude each other");
    q.partial = partial ? 1 : complete ? 0 : -1;
    char *end = NULL;
    if (limit) {
        long v = strtol(limit, &end, 10);
        if (!*limit || *end || v < 1 || v > 1000)
            return cli_error(CLI_EXIT_USAGE, "--limit: a number from 1 to 1000");
        q.limit = (int)v;
    }
    if (offset) {
        long v = strtol(offset, &end, 10);
        if (!*offset || *end || v < 0 || v > 100000000)
            return cli_error(CLI_EXIT_USAGE, "--offset: a number from 0");
        q.offset = (int)v;
    }
    q.source = source;
    q.number = number;
    q.customer_po = po;
    if ((rc = open_db(cli)))
        return rc;
    struct kt_arena arena;
    kt_arena_init(&arena, 0);
    if (customer) {
        struct parties_customer c;
        if (parties_customer_get_by_code(cli->st, customer, &c, &err)) {
            rc = err.code == KT_ENOTFOUND
                     ? cli_error(CLI_EXIT_NO, "there is no customer %s", customer)
                     : domain_error("cannot look up the customer", &err);
            goto out;
        }
        q.customer_id = c.id;
    }
    if (product) {
        struct catalog_product p;
        if (catalog_product_get_by_code(cli->st, product, &arena, &p, &err)) {
            rc = err.code == KT_ENOTFOUND
                     ? cli_error(CLI_EXIT_NO, "there is no product %s", product)
                     : domain_error("cannot look up the product", &err);
            goto out;
        }
        q.product_id = p.id;
    }
    struct orders_actor actor = actor_of(NULL);
    struct orders_summary *items = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (orders_list(cli->st, &actor, &q, &arena, &items, &n, &total, &err)) {
        rc = domain_error("cannot list orders", &err);
        goto out;
    }
    char d[KT_DATE_ISO_SIZE], gross[40];
    if (cli->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++) {
            const struct orders_summary *o = &items[i];
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:s, s:s}",
                               "number", o->number, "customer", o->customer_code, "customer_name",
                               o->customer_name, "date", date_str(o->date, d), "status",
                               orders_status_name(o->status), "payment",
                               orders_payment_name(o->payment), "source", o->source, "partial",
                               o->partial, "net", money_json(o->total_net, o->currency), "gross",
                               money_json(o->total_gross, o->currency), "currency", o->currency,
                               "po", o->customer_po));
        }
        rc = cli_print_json(json_pack("{s:o, s:I}", "orders", arr, "total", (json_int_t)total));
        goto out;
    }
    if (n == 0) {
        printf("no orders\n");
        goto out;
    }
    printf("%-18s %-10s %-10s %-13s %-14s %14s\n", "number", "date", "customer", "status",
           "payment", "gross");
    for (size_t i = 0; i < n; i++) {
        const struct orders_summary *o = &items[i];
        money_str(o->total_gross, o->currency, gross, sizeof gross);
        printf("%-18s %-10s %-10s %-13s %-14s %10s %s%s\n", o->number, date_str(o->date, d),
               o->customer_code, orders_status_name(o->status), orders_payment_name(o->payment),
               gross, o->currency, o->partial ? " partial" : "");
    }
    if ((int64_t)n < total)
        printf("%zu of %lld orders; --offset %d for more\n", n, (long long)total,
               q.offset + (int)n);
out:
    kt_arena_release(&arena);
    return rc;
}

/* ---- show ---- */

static json_t *order_json(const struct orders_order *o, const struct orders_history_entry *h,
                          size_t nh)
{
    char d[KT_DATE_ISO_SIZE];
    json_t *lines = json_array(), *rates = json_array(), *hist = json_array();
    for (size_t i = 0; lines && i < o->nlines; i++) {
        const struct orders_line *l = &o->lines[i];
        json_t *j = json_pack(
            "{s:i, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:s, s:s, s:o, s:o, s:o}", "position",
            l->position, "kind", l->kind == ORDERS_LINE_PRODUCT ? "product" : "unmatched", "code",
            l->code, "name", l->name, "qty", qty_json(l->qty), "unit", l->unit, "price",
            price_json(l->unit_price), "discount", qty_json(l->discount * 10), "vat", l->vat,
            "price_source", l->price_source, "value", money_json(l->value, o->currency), "reserved",
            qty_json(l->reserved), "backordered", qty_json(l->backordered));
        json_array_append_new(lines, j);
    }
    for (size_t i = 0; rates && i < o->totals.nrates; i++) {
        const struct orders_totals_rate *r = &o->totals.rates[i];
        json_array_append_new(rates, json_pack("{s:s, s:o, s:o, s:o}", "vat", r->vat, "net",
                                               money_json(r->net, o->currency), "vat_amount",
                                               money_json(r->vat_amount, o->currency), "gross",
                                               money_json(r->gross, o->currency)));
    }
    for (size_t i = 0; hist && i < nh; i++) {
        json_t *detail = json_loads(h[i].detail, 0, NULL);
        json_array_append_new(hist, json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:o}", "at",
                                              (json_int_t)h[i].at, "actor", h[i].actor, "action",
                                              h[i].action, "from", h[i].from_status, "to",
                                              h[i].to_status, "revision", h[i].revision, "detail",
                                              detail ? detail : json_object()));
    }
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:i, s:I, s:i, "
        "s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
        "number", o->number, "customer", o->customer_code, "date", date_str(o->date, d), "status",
        orders_status_name(o->status), "payment", orders_payment_name(o->payment), "source",
        o->source, "po", o->customer_po, "currency", o->currency, "basis",
        price_basis_name(o->basis), "lang", o->lang, "partial", o->partial, "payment_method",
        o->payment_method, "document_type", o->document_type, "payment_days", o->payment_days,
        "version", (json_int_t)o->version, "revision", o->revision, "lines", lines, "vat", rates,
        "net", money_json(o->totals.net, o->currency), "vat_total",
        money_json(o->totals.vat, o->currency), "gross", money_json(o->totals.gross, o->currency),
        "paid", money_json(o->paid, o->currency), "history", hist);
}

static int order_show(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("order show", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor order show NUMBER");
    if ((rc = open_db(cli)))
        return rc;
    struct orders_actor actor = actor_of(NULL);
    struct kt_arena arena;
    struct orders_order o;
    struct orders_history_entry *h = NULL;
    size_t nh = 0;
    struct kt_err err;
    kt_arena_init(&arena, 0);
    if ((rc = find_order(cli, &actor, pos[0], &arena, &o)))
        goto out;
    if (orders_history(cli->st, &actor, o.id, &arena, &h, &nh, &err)) {
        rc = domain_error("cannot read the history", &err);
        goto out;
    }
    if (cli->json) {
        rc = cli_print_json(order_json(&o, h, nh));
        goto out;
    }
    char d[KT_DATE_ISO_SIZE], m[40], q[40];
    printf("%s  %s  %s  customer %s  %s%s\n", o.number, date_str(o.date, d),
           orders_status_name(o.status), o.customer_code, orders_payment_name(o.payment),
           o.partial ? "  PARTIAL" : "");
    printf("source %s, %s prices in %s, PO %s\n", o.source, price_basis_name(o.basis), o.currency,
           o.customer_po[0] ? o.customer_po : "-");
    for (size_t i = 0; i < o.nlines; i++) {
        const struct orders_line *l = &o.lines[i];
        fixed(l->qty, KT_QTY_DECIMALS, 0, q, sizeof q);
        money_str(l->value, o.currency, m, sizeof m);
        char p[40];
        fixed(l->unit_price, KT_PRICE_DECIMALS, 2, p, sizeof p);
        printf("%3d %-14s %8s %-4s x %10s  VAT %-3s %12s%s\n", l->position, l->code, q, l->unit, p,
               l->vat, m, l->kind == ORDERS_LINE_UNMATCHED ? "  (not mapped)" : "");
    }
    for (size_t i = 0; i < o.totals.nrates; i++) {
        const struct orders_totals_rate *r = &o.totals.rates[i];
        char net[40], vat[40], gross[40];
        money_str(r->net, o.currency, net, sizeof net);
        money_str(r->vat_amount, o.currency, vat, sizeof vat);
        money_str(r->gross, o.currency, gross, sizeof gross);
        printf("VAT %-3s net %12s  VAT %10s  gross %12s\n", r->vat, net, vat, gross);
    }
    money_str(o.totals.gross, o.currency, m, sizeof m);
    printf("total %s %s\n", m, o.currency);
    for (size_t i = 0; i < nh; i++)
        printf("history: %s by %s %s\n", h[i].action, h[i].actor, h[i].detail);
out:
    kt_arena_release(&arena);
    return rc;
}

/* ---- create ---- */

/* CODE:QTY[:PRICE] into l; code/price text copied into the given buffers. */
static int parse_line(const char *text, struct orders_line_input *l, char *code, size_t n)
{
    struct kt_err err;
    const char *c1 = strchr(text, ':');
    if (!c1 || c1 == text)
        return cli_error(CLI_EXIT_USAGE, "--line %s: write it as CODE:QTY or CODE:QTY:PRICE", text);
    if ((size_t)(c1 - text) >= n)
        return cli_error(CLI_EXIT_USAGE, "--line %s: the code is too long", text);
    snprintf(code, n, "%.*s", (int)(c1 - text), text);
    const char *c2 = strchr(c1 + 1, ':');
    char qty[64];
    snprintf(qty, sizeof qty, "%.*s", (int)(c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1)), c1 + 1);
    memset(l, 0, sizeof *l);
    l->product_code = code;
    if (kt_qty_parse(qty, NULL, &l->qty, &err))
        return cli_error(CLI_EXIT_USAGE, "--line %s: %s", text, err.msg);
    if (c2) {
        /* the currency is not known yet: parse as a bare number with 4 decimals */
        if (kt_money_fixed_parse(c2 + 1, NULL, KT_PRICE_DECIMALS, "price", &l->price, &err))
            return cli_error(CLI_EXIT_USAGE, "--line %s: %s", text, err.msg);
        l->has_price = 1;
    }
    return 0;
}

/* Takes every --line VALUE / --line=VALUE out of argv (in place). */
static int take_lines(int *argc, char **argv, const char **lines, size_t *n)
{
    int w = 1;
    *n = 0;
    for (int i = 1; i < *argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[w++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--line") == 0) {
            if (i + 1 >= *argc)
                return cli_error(CLI_EXIT_USAGE, "option --line of 'order create' needs a value");
            v = argv[++i];
        } else if (strncmp(argv[i], "--line=", 7) == 0) {
            v = argv[i] + 7;
        }
        if (!v) {
            argv[w++] = argv[i];
            continue;
        }
        if (*n >= MAX_LINES)
            return cli_error(CLI_EXIT_USAGE, "at most %d --line options", MAX_LINES);
        lines[(*n)++] = v;
    }
    *argc = w;
    return 0;
}

static int order_create(struct cli *cli, int argc, char **argv)
{
    static const char *line_text[MAX_LINES];
    static char codes[MAX_LINES][CATALOG_CODE_MAX * 4 + 1];
    static struct orders_line_input lines[MAX_LINES];
    size_t nlines = 0;
    int rc = take_lines(&argc, argv, line_text, &nlines);
    if (rc)
        return rc;
    const char *customer = NULL, *currency = NULL, *po = NULL, *source = NULL, *date = NULL,
               *notes = NULL, *internal = NULL, *user = NULL, *external = NULL;
    int gross = 0, net = 0, submit = 0, unmatched = 0;
    const struct cli_opt opts[] = {
        {.name = "customer", .value = &customer},
        {.name = "currency", .value = &currency},
        {.name = "po", .value = &po},
        {.name = "source", .value = &source},
        {.name = "date", .value = &date},
        {.name = "notes", .value = &notes},
        {.name = "internal-notes", .value = &internal},
        {.name = "user", .value = &user},
        {.name = "external-id", .value = &external},
        {.name = "gross", .set = &gross},
        {.name = "net", .set = &net},
        {.name = "submit", .set = &submit},
        {.name = "allow-unmatched", .set = &unmatched},
    };
    char *pos[1];
    size_t npos;
    if ((rc = cli_parse_opts("order create", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0,
                             &npos)))
        return rc;
    if (!customer || nlines == 0)
        return cli_error(CLI_EXIT_USAGE,
                         "usage: kontor order create --customer CODE --line CODE:QTY[:PRICE] ...");
    if (gross && net)
        return cli_error(CLI_EXIT_USAGE, "--gross and --net exclude each other");
    for (size_t i = 0; i < nlines; i++)
        if ((rc = parse_line(line_text[i], &lines[i], codes[i], sizeof codes[i])))
            return rc;
    struct orders_input in;
    struct kt_err err;
    kt_err_clear(&err);
    orders_input_init(&in);
    in.customer_code = customer;
    in.currency = currency;
    in.customer_po = po;
    in.source = source;
    in.external_id = external;
    in.notes_customer = notes;
    in.notes_internal = internal;
    in.submit = submit;
    in.unmatched_ok = unmatched;
    if (gross || net) {
        in.basis_set = 1;
        in.basis = gross ? PRICE_BASIS_GROSS : PRICE_BASIS_NET;
    }
    if (date && kt_date_parse(date, &in.date, &err))
        return cli_error(CLI_EXIT_USAGE, "--date: %s; write it as 2026-11-28", err.msg);
    for (size_t i = 0; unmatched && i < nlines; i++) {
        /* a shop line for an unknown product: its code is also its name, 23 % */
        lines[i].name = lines[i].product_code;
        lines[i].vat = "23";
    }
    in.lines = lines;
    in.nlines = nlines;
    if ((rc = open_db(cli)))
        return rc;
    struct orders_actor actor = actor_of(user);
    if (source && strncmp(source, "shop:", 5) == 0)
        actor.kind = ORDERS_ACTOR_SYSTEM;
    char number[ORDERS_NUMBER_MAX];
    int64_t id = 0;
    if (orders_create(cli->st, &actor, &in, &id, number, NULL, &err))
        return domain_error("cannot create the order", &err);
    if (cli->json) {
        struct kt_arena arena;
        struct orders_order o;
        kt_arena_init(&arena, 0);
        rc = orders_get(cli->st, &actor, id, &arena, &o, &err) == 0
                 ? cli_print_json(order_json(&o, NULL, 0))
                 : domain_error("cannot read the order", &err);
        kt_arena_release(&arena);
        return rc;
    }
    printf("created order %s\n", number);
    return 0;
}

/* ---- confirm, cancel, map-line ---- */

static int order_change(struct cli *cli, int argc, char **argv, const char *sub)
{
    const char *warehouse = NULL, *reason = NULL, *user = NULL;
    const struct cli_opt opts[] = {
        {.name = "warehouse", .value = &warehouse},
        {.name = "reason", .value = &reason},
        {.name = "user", .value = &user},
    };
    int is_confirm = strcmp(sub, "confirm") == 0, is_cancel = strcmp(sub, "cancel") == 0;
    char *pos[3];
    size_t npos;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "order %s", sub);
    int rc = cli_parse_opts(cmd, argc, argv, opts, 3, pos, is_confirm || is_cancel ? 1 : 3, &npos);
    if (rc)
        return rc;
    if ((is_confirm || is_cancel) && npos != 1)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor order %s NUMBER%s", sub,
                         is_confirm ? " [--warehouse CODE]" : " [--reason TEXT]");
    if (!is_confirm && !is_cancel && npos != 3)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor order map-line NUMBER LINE PRODUCT");
    if (warehouse && !is_confirm)
        return cli_error(CLI_EXIT_USAGE, "--warehouse belongs to 'order confirm'");
    if (reason && !is_cancel)
        return cli_error(CLI_EXIT_USAGE, "--reason belongs to 'order cancel'");
    long position = 0;
    if (!is_confirm && !is_cancel) {
        char *end = NULL;
        position = strtol(pos[1], &end, 10);
        if (!*pos[1] || *end || position < 1 || position > ORDERS_LINES_MAX)
            return cli_error(CLI_EXIT_USAGE, "LINE: the line number, 1 for the first line");
    }
    if ((rc = open_db(cli)))
        return rc;
    struct orders_actor actor = actor_of(user);
    struct kt_arena arena;
    struct orders_order o;
    struct kt_err err;
    int64_t version = 0;
    kt_err_clear(&err);
    kt_arena_init(&arena, 0);
    if ((rc = find_order(cli, &actor, pos[0], &arena, &o)))
        goto out;
    if (is_confirm) {
        int64_t wh = 0;
        if (warehouse) {
            struct stock_warehouse w;
            if (stock_warehouse_get(cli->st, warehouse, &w, &err)) {
                rc = domain_error("cannot look up the warehouse", &err);
                goto out;
            }
            wh = w.id;
        }
        if (orders_confirm(cli->st, &actor, o.id, o.version, wh, &version, &err)) {
            rc = domain_error("cannot confirm the order", &err);
            goto out;
        }
    } else if (is_cancel) {
        if (orders_cancel(cli->st, &actor, o.id, o.version, reason, &version, &err)) {
            rc = domain_error("cannot cancel the order", &err);
            goto out;
        }
    } else {
        struct catalog_product p;
        if (catalog_product_get_by_code(cli->st, pos[2], &arena, &p, &err)) {
            rc = err.code == KT_ENOTFOUND ? cli_error(CLI_EXIT_NO, "there is no product %s", pos[2])
                                          : domain_error("cannot look up the product", &err);
            goto out;
        }
        if (orders_map_line(cli->st, &actor, o.id, o.version, (int)position, p.id, &version,
                            &err)) {
            rc = domain_error("cannot map the line", &err);
            goto out;
        }
    }
    if ((rc = find_order(cli, &actor, pos[0], &arena, &o)))
        goto out;
    if (cli->json) {
        rc = cli_print_json(order_json(&o, NULL, 0));
        goto out;
    }
    if (is_confirm)
        printf("confirmed order %s\n", o.number);
    else if (is_cancel)
        printf("cancelled order %s\n", o.number);
    else
        printf("mapped line %ld of order %s to %s%s\n", position, o.number, pos[2],
               o.partial ? "" : "; the order is complete");
out:
    kt_arena_release(&arena);
    return rc;
}

/* ---- series ---- */

static int order_series(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("order series", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc)
        return rc;
    if ((rc = open_db(cli)))
        return rc;
    struct kt_err err;
    char format[SERIES_FORMAT_MAX + 1];
    kt_err_clear(&err);
    if (npos == 1 && series_define(cli->st, ORDERS_SERIES, pos[0], &err))
        return err.code == KT_EINVAL ? cli_error(CLI_EXIT_USAGE, "%s", err.msg)
                                     : domain_error("cannot set the series", &err);
    if (series_get_format(cli->st, ORDERS_SERIES, format, &err))
        return domain_error("cannot read the series", &err);
    if (cli->json)
        return cli_print_json(json_pack("{s:s, s:s}", "series", ORDERS_SERIES, "format", format));
    printf("orders are numbered %s\n", format);
    return 0;
}

int cli_cmd_order(struct cli *cli, int argc, char **argv)
{
    static const char *const subs[] = {"list",   "show",     "create", "confirm",
                                       "cancel", "map-line", "series"};
    if (argc < 2)
        return cli_error(CLI_EXIT_USAGE,
                         "usage: kontor order list|show|create|confirm|cancel|map-line|series; "
                         "see 'kontor help order'");
    const char *sub = argv[1];
    if (strcmp(sub, "list") == 0)
        return order_list(cli, argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0)
        return order_show(cli, argc - 1, argv + 1);
    if (strcmp(sub, "create") == 0)
        return order_create(cli, argc - 1, argv + 1);
    if (strcmp(sub, "confirm") == 0 || strcmp(sub, "cancel") == 0 || strcmp(sub, "map-line") == 0)
        return order_change(cli, argc - 1, argv + 1, sub);
    if (strcmp(sub, "series") == 0)
        return order_series(cli, argc - 1, argv + 1);
    const char *s = cli_suggest(sub, subs, sizeof subs / sizeof subs[0]);
    if (s)
        return cli_error(CLI_EXIT_USAGE, "'order %s' is not a command; did you mean 'order %s'?",
                         sub, s);
    return cli_error(CLI_EXIT_USAGE, "'order %s' is not a command; see 'kontor help order'", sub);
}
