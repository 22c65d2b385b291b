#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "demo/demo.h"
#include "base/banned.h"

/* kontor demo: the demo company (src/demo/demo.h). */

static int number(const char *flag, const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || end == text || v < lo || v > hi)
        return cli_error(CLI_EXIT_USAGE, "--%s must be a whole number from %ld to %ld, not '%s'",
                         flag, lo, hi, text);
    *out = v;
    return 0;
}

static void progress(void *ctx, long done, long total)
{
    (void)ctx;
    fprintf(stderr, "\rproducts: %ld of %ld", done, total);
    if (done == total)
        fputc('\n', stderr);
}

int cli_cmd_demo(struct cli *cli, int argc, char **argv)
{
    const char *products = NULL, *customers = NULL, *images = NULL, *seed = NULL;
    const struct cli_opt opts[] = {
        {"products", &products, NULL},
        {"customers", &customers, NULL},
        {"images", &images, NULL},
        {"seed", &seed, NULL},
    };
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("demo", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0, &npos);
    if (rc != 0)
        return rc;
    struct demo_options o = {.images = -1};
    long s = 1;
    if ((products && (rc = number("products", products, 1, 9999999, &o.products))) ||
        (customers && (rc = number("customers", customers, 1, 9999, &o.customers))) ||
        (images && (rc = number("images", images, 0, 9999999, &o.images))) ||
        (seed && (rc = number("seed", seed, 1, 2147483647, &s))))
        return rc;
    o.seed = (uint64_t)s;
    o.data_dir = kt_config_get(cli->cfg, "data", "dir");
    if (!cli->json && isatty(STDERR_FILENO))
        o.progress = progress;
    rc = cli_open_db(cli);
    if (rc == 0)
        rc = cli_require_schema(cli);
    if (rc != 0)
        return rc;
    struct demo_summary sum;
    struct kt_err err;
    kt_err_clear(&err);
    int drc = demo_create(cli->st, &o, &sum, &err);
    if (drc == KT_EINVAL)
        return cli_error(CLI_EXIT_USAGE, "%s", err.msg);
    if (drc != 0) {
        if (drc == KT_EIO || drc == KT_EPERM)
            return cli_error(CLI_EXIT_DATA, "cannot store the demo pictures: %s", err.msg);
        return cli_db_error("cannot create the demo data", &err);
    }
    double rate = sum.product_seconds > 0 ? (double)sum.products / sum.product_seconds : 0;
    if (cli->json)
        return cli_print_json(json_pack(
            "{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f}", "company", sum.company,
            "groups", (json_int_t)sum.groups, "warehouses", (json_int_t)sum.warehouses,
            "price_lists", (json_int_t)sum.price_lists, "products", (json_int_t)sum.products,
            "products_total", (json_int_t)sum.products_total, "images", (json_int_t)sum.images,
            "prices", (json_int_t)sum.prices, "stock_rows", (json_int_t)sum.stock_rows, "customers",
            (json_int_t)sum.customers, "product_seconds", sum.product_seconds,
            "products_per_second", rate));
    printf("demo company: %s\n", sum.company ? "set up now" : "already set up");
    printf("created now: %ld groups, %ld warehouses, %ld price lists, %ld products, %ld images, "
           "%ld prices, %ld stock rows, %ld customers\n",
           sum.groups, sum.warehouses, sum.price_lists, sum.products, sum.images, sum.prices,
           sum.stock_rows, sum.customers);
    printf("demo products in the database: %ld\n", sum.products_total);
    if (sum.products > 0)
        printf("loaded %ld products in %.2f s (%.0f products/s)\n", sum.products,
               sum.product_seconds, rate);
    return CLI_EXIT_OK;
}
