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
#include "catalog/price.h"
#include "catalog/product.h"
#include "cli/cli.h"
#include "parties/customer.h"
#include "base/banned.h"

/*
 * `kontor price`: price lists, list items, customer prices and terms, and
 * `price resolve`, which asks price_resolve (catalog/price.h), the only
 * place prices are decided. Prices and quantities are read the Polish way
 * ("12,50" and "12.50" both work); JSON carries them as decimal strings.
 */

static int domain_error(const char *what, const struct kt_err *err)
{
    switch (err->code) {
    case KT_ENOTFOUND: /* no such product, customer or list; no price */
    case KT_EEXIST:    /* the code is taken */
        return cli_error(CLI_EXIT_NO, "%s", err->msg);
    case KT_EINVAL:
    case KT_EOVERFLOW:
    case KT_ELIMIT:
        return cli_error(CLI_EXIT_USAGE, "%s", err->msg);
    default:
        return cli_db_error(what, err);
    }
}

/* A unit price as a decimal string: at least 2, at most 4 decimals ("12.50", "0.0125"). */
static void price_str(int64_t p, char *out, size_t n)
{
    uint64_t a = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
    char f[8];
    snprintf(f, sizeof f, "%04llu", (unsigned long long)(a % KT_PRICE_SCALE));
    size_t len = strlen(f);
    while (len > 2 && f[len - 1] == '0')
        f[--len] = '\0';
    snprintf(out, n, "%s%llu.%s", p < 0 ? "-" : "", (unsigned long long)(a / KT_PRICE_SCALE), f);
}

static json_t *price_json(int64_t p)
{
    char s[40];
    price_str(p, s, sizeof s);
    return json_string(s);
}

static int parse_price(const char *text, const char *currency, int64_t *price)
{
    struct kt_err err;
    kt_err_clear(&err);
    if (kt_price_parse(text, "pl", currency, price, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "--price: %s", err.msg);
    if (*price < 0)
        return cli_error(CLI_EXIT_USAGE, "--price: a price cannot be negative");
    return 0;
}

static int parse_date_opt(const char *text, const char *flag, char out[PRICE_DATE_SIZE])
{
    kt_date d;
    struct kt_err err;
    kt_err_clear(&err);
    if (!text) {
        out[0] = '\0';
        return 0;
    }
    if (kt_date_parse(text, &d, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "%s: %s; write it as 2026-11-28", flag, err.msg);
    char iso[KT_DATE_ISO_SIZE];
    kt_strlcpy(out, kt_date_format(d, iso), PRICE_DATE_SIZE);
    return 0;
}

/* The code of product id into out ("?" if it cannot be read). */
static void product_code(struct cli *cli, int64_t id, char *out, size_t n)
{
    struct kt_arena arena;
    struct catalog_product p;
    struct kt_err err;
    kt_arena_init(&arena, 0);
    if (catalog_product_get(cli->st, id, &arena, &p, &err) == 0)
        kt_strlcpy(out, p.code, n);
    else
        kt_strlcpy(out, "?", n);
    kt_arena_release(&arena);
}

static int customer_lookup(struct cli *cli, const char *code, struct parties_customer *c)
{
    struct kt_err err;
    kt_err_clear(&err);
    int rc = parties_customer_get_by_code(cli->st, code, c, &err);
    if (rc == KT_ENOTFOUND)
        return cli_error(CLI_EXIT_NO, "there is no customer %s; 'kontor customer list' shows them",
                         code);
    if (rc != 0)
        return domain_error("cannot look up the customer", &err);
    return 0;
}

static int list_lookup(struct cli *cli, const char *code, struct price_list *pl)
{
    struct kt_err err;
    kt_err_clear(&err);
    if (price_list_get(cli->st, code, pl, &err) != 0)
        return domain_error("cannot look up the price list", &err);
    return 0;
}

/* ---- price list add | show | default ---- */

static json_t *list_json(const struct price_list *pl)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "code", pl->code, "name", pl->name,
                     "currency", pl->currency, "basis", price_basis_name(pl->basis), "default",
                     pl->is_default, "active", pl->active);
}

static int list_add(struct cli *cli, int argc, char **argv)
{
    const char *name = NULL, *currency = NULL, *basis = NULL;
    int is_default = 0, inactive = 0;
    const struct cli_opt opts[] = {
        {.name = "name", .value = &name},       {.name = "currency", .value = &currency},
        {.name = "basis", .value = &basis},     {.name = "default", .set = &is_default},
        {.name = "inactive", .set = &inactive},
    };
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("price list add", argc, argv, opts, 5, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1 || !name || !currency)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor price list add CODE --name NAME "
                                         "--currency PLN [--basis net|gross] [--default] "
                                         "[--inactive]");
    struct price_list pl = {
        .basis = PRICE_BASIS_NET, .is_default = is_default, .active = !inactive};
    struct kt_err err;
    kt_err_clear(&err);
    if (basis && price_basis_parse(basis, &pl.basis, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "--basis: %s", err.msg);
    if (kt_strlcpy(pl.code, pos[0], sizeof pl.code) != 0 ||
        kt_strlcpy(pl.name, name, sizeof pl.name) != 0 ||
        kt_strlcpy(pl.currency, currency, sizeof pl.currency) != 0)
        return cli_error(CLI_EXIT_USAGE, "price list code, name or currency is too long");
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    if (price_list_create(cli->st, &pl, &pl.id, &err) != 0 ||
        price_list_get_id(cli->st, pl.id, &pl, &err) != 0)
        return domain_error("cannot create the price list", &err);
    if (cli->json)
        return cli_print_json(list_json(&pl));
    printf("created price list %s (%s, %s, %s%s)\n", pl.code, pl.name, pl.currency,
           price_basis_name(pl.basis), pl.is_default ? ", default" : "");
    return CLI_EXIT_OK;
}

static int list_show_all(struct cli *cli)
{
    struct price_list *lists = NULL;
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    if (price_list_all(cli->st, &lists, &n, &err) != 0)
        return domain_error("cannot read the price lists", &err);
    if (cli->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, list_json(&lists[i]));
        free(lists);
        return cli_print_json(arr);
    }
    if (n == 0)
        printf("no price lists yet; add one with 'kontor price list add RETAIL --name ... "
               "--currency PLN'\n");
    else
        printf("%-14s %-30s %-8s %-6s %s\n", "code", "name", "currency", "basis", "");
    for (size_t i = 0; i < n; i++)
        printf("%-14s %-30s %-8s %-6s %s%s\n", lists[i].code, lists[i].name, lists[i].currency,
               price_basis_name(lists[i].basis), lists[i].is_default ? "default" : "",
               lists[i].active ? "" : " inactive");
    free(lists);
    return CLI_EXIT_OK;
}

static int list_show_one(struct cli *cli, const char *code)
{
    struct price_list pl;
    int rc = list_lookup(cli, code, &pl);
    if (rc != 0)
        return rc;
    struct price_item *items = NULL;
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    if (price_items(cli->st, pl.id, 0, &items, &n, &err) != 0)
        return domain_error("cannot read the price list", &err);
    json_t *arr = cli->json ? json_array() : NULL;
    if (!cli->json)
        printf("price list %s (%s, %s, %s%s)\n%-16s %14s %10s %-10s %-10s\n", pl.code, pl.name,
               pl.currency, price_basis_name(pl.basis), pl.is_default ? ", default" : "", "product",
               "price", "min qty", "from", "to");
    for (size_t i = 0; i < n; i++) {
        char pcode[64], price[40], mq[40];
        product_code(cli, items[i].product_id, pcode, sizeof pcode);
        if (arr) {
            json_array_append_new(
                arr,
                json_pack("{s:s, s:o, s:o, s:s?, s:s?}", "product", pcode, "price",
                          price_json(items[i].price), "min_qty", cli_qty_json(items[i].min_qty),
                          "valid_from", items[i].valid_from[0] ? items[i].valid_from : NULL,
                          "valid_to", items[i].valid_to[0] ? items[i].valid_to : NULL));
            continue;
        }
        price_str(items[i].price, price, sizeof price);
        cli_qty_str(items[i].min_qty, mq, sizeof mq);
        printf("%-16s %14s %10s %-10s %-10s\n", pcode, price, mq,
               items[i].valid_from[0] ? items[i].valid_from : "-",
               items[i].valid_to[0] ? items[i].valid_to : "-");
    }
    free(items);
    if (cli->json) {
        json_t *j = list_json(&pl);
        if (j)
            json_object_set_new(j, "items", arr);
        else
            json_decref(arr);
        return cli_print_json(j);
    }
    return CLI_EXIT_OK;
}

static int list_show(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("price list show", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    return npos == 0 ? list_show_all(cli) : list_show_one(cli, pos[0]);
}

static int list_default(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("price list default", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor price list default CODE");
    struct price_list pl;
    struct kt_err err;
    kt_err_clear(&err);
    if ((rc = cli_use_db(cli)) != 0 || (rc = list_lookup(cli, pos[0], &pl)) != 0)
        return rc;
    if (price_list_set_default(cli->st, pl.id, &err) != 0 ||
        price_list_get_id(cli->st, pl.id, &pl, &err) != 0)
        return domain_error("cannot change the default price list", &err);
    if (cli->json)
        return cli_print_json(list_json(&pl));
    printf("price list %s is now the default for %s\n", pl.code, pl.currency);
    return CLI_EXIT_OK;
}

static int price_list_cmd(struct cli *cli, int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-')
        return cli_error(CLI_EXIT_USAGE, "'price list' needs add, show or default");
    if (strcmp(argv[1], "add") == 0)
        return list_add(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return list_show(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "default") == 0)
        return list_default(cli, argc - 1, argv + 1);
    return cli_error(CLI_EXIT_USAGE, "'price list %s' is not a command; use add, show or default",
                     argv[1]);
}

/* ---- price set ---- */

static int price_set_cmd(struct cli *cli, int argc, char **argv)
{
    const char *list = NULL, *price_text = NULL, *from = NULL, *to = NULL, *min_qty = NULL;
    const struct cli_opt opts[] = {
        {.name = "list", .value = &list},       {.name = "price", .value = &price_text},
        {.name = "from", .value = &from},       {.name = "to", .value = &to},
        {.name = "min-qty", .value = &min_qty},
    };
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("price set", argc, argv, opts, 5, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1 || !list || !price_text)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor price set PRODUCT --list LIST --price "
                                         "12,50 [--from DATE] [--to DATE] [--min-qty QTY]");
    struct price_item it = {0};
    struct kt_err err;
    kt_err_clear(&err);
    if ((rc = parse_date_opt(from, "--from", it.valid_from)) != 0 ||
        (rc = parse_date_opt(to, "--to", it.valid_to)) != 0)
        return rc;
    if (min_qty && kt_qty_parse(min_qty, "pl", &it.min_qty, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "--min-qty: %s", err.msg);
    struct price_list pl;
    if ((rc = cli_use_db(cli)) != 0 || (rc = list_lookup(cli, list, &pl)) != 0 ||
        (rc = parse_price(price_text, pl.currency, &it.price)) != 0 ||
        (rc = cli_product_id(cli, pos[0], &it.product_id)) != 0)
        return rc;
    it.price_list_id = pl.id;
    if (price_item_set(cli->st, &it, &err) != 0)
        return domain_error("cannot set the price", &err);
    char price[40], mq[40];
    price_str(it.price, price, sizeof price);
    cli_qty_str(it.min_qty, mq, sizeof mq);
    if (cli->json)
        return cli_print_json(json_pack("{s:s, s:s, s:s, s:s, s:o, s:s?, s:s?}", "product", pos[0],
                                        "list", pl.code, "currency", pl.currency, "price", price,
                                        "min_qty", cli_qty_json(it.min_qty), "valid_from",
                                        it.valid_from[0] ? it.valid_from : NULL, "valid_to",
                                        it.valid_to[0] ? it.valid_to : NULL));
    printf("%s in price list %s: %s %s from quantity %s, valid %s to %s\n", pos[0], pl.code, price,
           pl.currency, mq, it.valid_from[0] ? it.valid_from : "always",
           it.valid_to[0] ? it.valid_to : "open");
    return CLI_EXIT_OK;
}

/* ---- price customer ---- */

static int price_customer_cmd(struct cli *cli, int argc, char **argv)
{
    const char *price_text = NULL, *currency = NULL, *basis = NULL, *from = NULL, *to = NULL;
    const struct cli_opt opts[] = {
        {.name = "price", .value = &price_text},
        {.name = "currency", .value = &currency},
        {.name = "basis", .value = &basis},
        {.name = "from", .value = &from},
        {.name = "to", .value = &to},
    };
    char *pos[2];
    size_t npos;
    int rc = cli_parse_opts("price customer", argc, argv, opts, 5, pos, 2, &npos);
    if (rc != 0)
        return rc;
    if (npos != 2 || !price_text)
        return cli_error(CLI_EXIT_USAGE,
                         "usage: kontor price customer CUSTOMER PRODUCT --price 12,50 "
                         "[--currency EUR] [--basis net|gross] [--from DATE] [--to DATE]");
    struct price_customer_price cp = {.basis = PRICE_BASIS_NET};
    struct kt_err err;
    kt_err_clear(&err);
    if (basis && price_basis_parse(basis, &cp.basis, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "--basis: %s", err.msg);
    if ((rc = parse_date_opt(from, "--from", cp.valid_from)) != 0 ||
        (rc = parse_date_opt(to, "--to", cp.valid_to)) != 0)
        return rc;
    struct parties_customer c;
    if ((rc = cli_use_db(cli)) != 0 || (rc = customer_lookup(cli, pos[0], &c)) != 0)
        return rc;
    /* the customer's own currency unless another is named */
    if (kt_strlcpy(cp.currency, currency ? currency : c.currency, sizeof cp.currency) != 0)
        return cli_error(CLI_EXIT_USAGE, "--currency '%s' is not a currency code such as EUR",
                         currency);
    if ((rc = parse_price(price_text, cp.currency, &cp.price)) != 0 ||
        (rc = cli_product_id(cli, pos[1], &cp.product_id)) != 0)
        return rc;
    cp.customer_id = c.id;
    if (price_customer_set(cli->st, &cp, &err) != 0)
        return domain_error("cannot set the customer price", &err);
    char price[40];
    price_str(cp.price, price, sizeof price);
    if (cli->json)
        return cli_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}", "customer", c.code,
                                        "product", pos[1], "currency", cp.currency, "price", price,
                                        "basis", price_basis_name(cp.basis), "valid_from",
                                        cp.valid_from[0] ? cp.valid_from : NULL, "valid_to",
                                        cp.valid_to[0] ? cp.valid_to : NULL));
    printf("%s for customer %s: %s %s %s, valid %s to %s\n", pos[1], c.code, price, cp.currency,
           price_basis_name(cp.basis), cp.valid_from[0] ? cp.valid_from : "always",
           cp.valid_to[0] ? cp.valid_to : "open");
    return CLI_EXIT_OK;
}

/* ---- price terms ---- */

static int price_terms_cmd(struct cli *cli, int argc, char **argv)
{
    const char *list = NULL, *discount = NULL;
    const struct cli_opt opts[] = {{.name = "list", .value = &list},
                                   {.name = "discount", .value = &discount}};
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("price terms", argc, argv, opts, 2, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor price terms CUSTOMER [--list LIST|none] "
                                         "[--discount 5]");
    struct kt_err err;
    kt_err_clear(&err);
    int64_t rate = 0;
    if (discount && kt_money_rate_parse(discount, &rate, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "--discount: %s", err.msg);
    if (rate > 100 * KT_RATE_SCALE)
        return cli_error(CLI_EXIT_USAGE, "--discount: a discount must be between 0 and 100%%");
    struct parties_customer c;
    struct price_terms t;
    if ((rc = cli_use_db(cli)) != 0 || (rc = customer_lookup(cli, pos[0], &c)) != 0)
        return rc;
    if (price_terms_get(cli->st, c.id, &t, &err) != 0)
        return domain_error("cannot read the price terms", &err);
    if (list || discount) {
        if (list && strcmp(list, "none") == 0) {
            t.price_list_id = 0;
        } else if (list) {
            struct price_list pl;
            if ((rc = list_lookup(cli, list, &pl)) != 0)
                return rc;
            t.price_list_id = pl.id;
        }
        if (discount)
            t.discount = rate;
        if (price_terms_set(cli->st, &t, &err) != 0)
            return domain_error("cannot set the price terms", &err);
    }
    struct price_list pl = {0};
    if (t.price_list_id && price_list_get_id(cli->st, t.price_list_id, &pl, &err) != 0)
        return domain_error("cannot read the price list", &err);
    struct kt_buf b;
    kt_buf_init(&b, 64);
    if (kt_money_rate_format(&b, t.discount, "en", &err) != 0) {
        kt_buf_release(&b);
        return domain_error("cannot format the discount", &err);
    }
    if (cli->json)
        rc =
            cli_print_json(json_pack("{s:s, s:s?, s:s}", "customer", c.code, "price_list",
                                     t.price_list_id ? pl.code : NULL, "discount", kt_buf_str(&b)));
    else
        printf("customer %s: price list %s, discount %s%%\n", c.code,
               t.price_list_id ? pl.code : "none (the default list of the currency)",
               kt_buf_str(&b));
    kt_buf_release(&b);
    return rc;
}

/* ---- price resolve ---- */

static const char *const source_names[] = {
    [PRICE_SOURCE_CUSTOMER] = "customer_price",
    [PRICE_SOURCE_CUSTOMER_LIST] = "customer_list",
    [PRICE_SOURCE_DEFAULT_LIST] = "default_list",
};

static int price_resolve_cmd(struct cli *cli, int argc, char **argv)
{
    const char *customer = NULL, *product = NULL, *qty_text = NULL, *currency = NULL,
               *date_text = NULL;
    const struct cli_opt opts[] = {
        {.name = "customer", .value = &customer}, {.name = "product", .value = &product},
        {.name = "qty", .value = &qty_text},      {.name = "currency", .value = &currency},
        {.name = "date", .value = &date_text},
    };
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("price resolve", argc, argv, opts, 5, pos, 0, &npos);
    if (rc != 0)
        return rc;
    if (!product || (!customer && !currency))
        return cli_error(CLI_EXIT_USAGE,
                         "usage: kontor price resolve --product P [--customer C] [--qty 1] "
                         "[--currency EUR] [--date 2026-11-28] (--currency is needed without "
                         "--customer)");
    struct kt_err err;
    kt_err_clear(&err);
    int64_t qty = KT_QTY_SCALE;
    if (qty_text && kt_qty_parse(qty_text, "pl", &qty, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "--qty: %s", err.msg);
    kt_date date = kt_time_warsaw_date((kt_time)time(NULL));
    if (date_text && kt_date_parse(date_text, &date, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "--date: %s; write it as 2026-11-28", err.msg);
    struct parties_customer c = {0};
    int64_t pid;
    if ((rc = cli_use_db(cli)) != 0 ||
        (customer && (rc = customer_lookup(cli, customer, &c)) != 0) ||
        (rc = cli_product_id(cli, product, &pid)) != 0)
        return rc;
    const char *cur = currency ? currency : c.currency;
    struct price_quote q;
    rc = price_resolve(cli->st, c.id, pid, qty, cur, date, &q, &err);
    if (rc != 0)
        return domain_error("cannot resolve the price", &err);
    char iso[KT_DATE_ISO_SIZE], price[40], list_price[40], qs[40];
    kt_date_format(date, iso);
    price_str(q.price, price, sizeof price);
    price_str(q.list_price, list_price, sizeof list_price);
    cli_qty_str(qty, qs, sizeof qs);
    struct kt_buf disc;
    kt_buf_init(&disc, 64);
    if (kt_money_rate_format(&disc, q.discount, "en", &err) != 0) {
        kt_buf_release(&disc);
        return domain_error("cannot format the discount", &err);
    }
    if (cli->json) {
        rc = cli_print_json(json_pack(
            "{s:s, s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s}", "product", product,
            "customer", customer ? c.code : NULL, "qty", qs, "date", iso, "currency", q.currency,
            "price", price, "basis", price_basis_name(q.basis), "source", source_names[q.source],
            "source_text", q.source_text, "price_list", q.price_list_id ? q.price_list_code : NULL,
            "list_price", list_price, "discount", kt_buf_str(&disc)));
    } else {
        printf("%s %s %s per unit for %s x %s%s%s on %s\nfrom: %s\n", price, q.currency,
               price_basis_name(q.basis), qs, product, customer ? " for customer " : "",
               customer ? c.code : "", iso, q.source_text);
    }
    kt_buf_release(&disc);
    return rc;
}

int cli_cmd_price(struct cli *cli, int argc, char **argv)
{
    static const char *const subs[] = {"list",    "set",    "customer", "terms",
                                       "resolve", "import", "export"};
    if (argc < 2 || argv[1][0] == '-')
        return cli_error(CLI_EXIT_USAGE, "'price' needs a subcommand: list, set, customer, terms "
                                         "or resolve");
    const char *sub = argv[1];
    if (strcmp(sub, "list") == 0)
        return price_list_cmd(cli, argc - 1, argv + 1);
    if (strcmp(sub, "import") == 0 || strcmp(sub, "export") == 0)
        return cli_exchange_alias(cli, "pricelists", argc - 1, argv + 1);
    if (strcmp(sub, "set") == 0)
        return price_set_cmd(cli, argc - 1, argv + 1);
    if (strcmp(sub, "customer") == 0)
        return price_customer_cmd(cli, argc - 1, argv + 1);
    if (strcmp(sub, "terms") == 0)
        return price_terms_cmd(cli, argc - 1, argv + 1);
    if (strcmp(sub, "resolve") == 0)
        return price_resolve_cmd(cli, argc - 1, argv + 1);
    const char *s = cli_suggest(sub, subs, sizeof subs / sizeof subs[0]);
    if (s)
        return cli_error(CLI_EXIT_USAGE, "'price %s' is not a command; did you mean 'price %s'?",
                         sub, s);
    return cli_error(CLI_EXIT_USAGE, "'price %s' is not a command; see 'kontor help price'", sub);
}
