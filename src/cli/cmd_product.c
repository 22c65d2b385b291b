#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "catalog/group.h"
#include "catalog/image.h"
#include "catalog/product.h"
#include "catalog/search.h"
#include "cli/cli.h"
#include "base/banned.h"

/*
 * `kontor product` and `kontor group`: thin wrappers over catalog/product.h,
 * group.h, image.h and search.h. Products and groups are named by code.
 */

static int domain_error(const char *what, const struct kt_err *err)
{
    switch (err->code) {
    case KT_ENOTFOUND:
    case KT_EEXIST:
    case KT_ECONFLICT:
    case KT_EFOREIGN:
        return cli_error(CLI_EXIT_NO, "%s", err->msg);
    case KT_EINVAL:
    case KT_ELIMIT:
    case KT_EOVERFLOW:
        return cli_error(CLI_EXIT_USAGE, "%s", err->msg);
    default:
        return cli_db_error(what, err);
    }
}

static int parse_int(const char *text, const char *flag, int64_t min, int64_t *out)
{
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (!*text || *end || v < min)
        return cli_error(CLI_EXIT_USAGE, "--%s: \"%s\" is not a whole number of at least %lld",
                         flag, text, (long long)min);
    *out = v;
    return 0;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *product_json(const struct catalog_product *p, const char *group_code)
{
    json_t *texts = json_object();
    for (int i = 0; i < CATALOG_LANG_COUNT; i++) {
        const struct catalog_text *t = &p->text[i];
        if (!t->name)
            continue;
        json_object_set_new(texts, catalog_lang_code((enum catalog_lang)i),
                            json_pack("{s:s, s:o, s:o}", "name", t->name, "short_desc",
                                      str_or_null(t->short_desc), "long_desc",
                                      str_or_null(t->long_desc)));
    }
    return json_pack(
        "{s:I, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:I, s:I, s:I, s:o}", "id",
        (json_int_t)p->id, "code", p->code, "ean", str_or_null(p->ean), "unit", p->unit, "vat",
        p->vat_rate, "pkwiu", str_or_null(p->pkwiu), "cn_code", str_or_null(p->cn_code), "weight_g",
        p->weight_g >= 0 ? json_integer(p->weight_g) : json_null(), "group",
        str_or_null(group_code), "active", p->active, "created_at", (json_int_t)p->created_at,
        "updated_at", (json_int_t)p->updated_at, "version", (json_int_t)p->version, "texts", texts);
}

/* The fields shared by add and update. */
struct product_flags {
    const char *name, *name_en, *name_de, *desc, *desc_en, *desc_de, *long_desc;
    const char *ean, *unit, *vat, *group, *weight, *pkwiu, *cn;
    int inactive;
};

#define PRODUCT_OPTS(f)                                                                            \
    {.name = "name", .value = &(f).name}, {.name = "name-en", .value = &(f).name_en},              \
        {.name = "name-de", .value = &(f).name_de}, {.name = "desc", .value = &(f).desc},          \
        {.name = "desc-en", .value = &(f).desc_en}, {.name = "desc-de", .value = &(f).desc_de},    \
        {.name = "long-desc", .value = &(f).long_desc}, {.name = "ean", .value = &(f).ean},        \
        {.name = "unit", .value = &(f).unit}, {.name = "vat", .value = &(f).vat},                  \
        {.name = "group", .value = &(f).group}, {.name = "weight", .value = &(f).weight},          \
        {.name = "pkwiu", .value = &(f).pkwiu}, {.name = "cn", .value = &(f).cn},                  \
    {                                                                                              \
        .name = "inactive", .set = &(f).inactive                                                   \
    }

/* Applies the flags given to p; the group code is looked up (needs the db). */
static int apply_flags(struct cli *cli, const struct product_flags *f, struct kt_arena *a,
                       struct catalog_product *p)
{
    struct kt_err err;
    if (f->name)
        p->text[CATALOG_PL].name = f->name;
    if (f->name_en)
        p->text[CATALOG_EN].name = f->name_en;
    if (f->name_de)
        p->text[CATALOG_DE].name = f->name_de;
    if (f->desc)
        p->text[CATALOG_PL].short_desc = f->desc;
    if (f->desc_en)
        p->text[CATALOG_EN].short_desc = f->desc_en;
    if (f->desc_de)
        p->text[CATALOG_DE].short_desc = f->desc_de;
    if (f->long_desc)
        p->text[CATALOG_PL].long_desc = f->long_desc;
    if (f->ean)
        p->ean = f->ean;
    if (f->unit)
        p->unit = f->unit;
    if (f->vat)
        p->vat_rate = f->vat;
    if (f->pkwiu)
        p->pkwiu = f->pkwiu;
    if (f->cn)
        p->cn_code = f->cn;
    if (f->weight) {
        int rc = parse_int(f->weight, "weight", 0, &p->weight_g);
        if (rc)
            return rc;
    }
    if (f->inactive)
        p->active = 0;
    if (f->group) {
        struct catalog_group g;
        if (strcmp(f->group, "none") == 0) {
            p->group_id = 0;
        } else {
            kt_err_clear(&err);
            if (catalog_group_get_by_code(cli->st, f->group, a, &g, &err) != 0)
                return domain_error("cannot read the group", &err);
            p->group_id = g.id;
        }
    }
    return 0;
}

/* The code of group id (NULL for none) for output. */
static const char *group_code(struct cli *cli, int64_t id, struct kt_arena *a)
{
    struct catalog_group g;
    struct kt_err err;
    if (id <= 0 || catalog_group_get(cli->st, id, a, &g, &err) != 0)
        return NULL;
    return g.code;
}

static void print_product(struct cli *cli, const struct catalog_product *p, struct kt_arena *a)
{
    const char *g = group_code(cli, p->group_id, a);
    printf("%s  %s\n", p->code, p->text[CATALOG_PL].name);
    printf("  id %lld, version %lld, %s\n", (long long)p->id, (long long)p->version,
           p->active ? "active" : "withdrawn");
    printf("  unit %s, VAT %s", p->unit, p->vat_rate);
    if (p->ean)
        printf(", EAN %s", p->ean);
    if (p->weight_g >= 0)
        printf(", weight %lld g", (long long)p->weight_g);
    if (p->pkwiu)
        printf(", PKWiU %s", p->pkwiu);
    if (p->cn_code)
        printf(", CN %s", p->cn_code);
    if (g)
        printf(", group %s", g);
    printf("\n");
    for (int i = 0; i < CATALOG_LANG_COUNT; i++) {
        const struct catalog_text *t = &p->text[i];
        if (!t->name)
            continue;
        printf("  [%s] %s\n", catalog_lang_code((enum catalog_lang)i), t->name);
        if (t->short_desc)
            printf("       %s\n", t->short_desc);
    }
}

static int show_product(struct cli *cli, const struct catalog_product *p, struct kt_arena *a)
{
    if (cli->json)
        return cli_print_json(product_json(p, group_code(cli, p->group_id, a)));
    print_product(cli, p, a);
    return CLI_EXIT_OK;
}

static int product_add(struct cli *cli, int argc, char **argv)
{
    struct product_flags f = {0};
    const struct cli_opt opts[] = {PRODUCT_OPTS(f)};
    struct catalog_product p;
    struct kt_arena a;
    struct kt_err err;
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("product add", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 1,
                            &npos);
    if (rc != 0)
        return rc;
    if (npos != 1 || !f.name)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor product add CODE --name NAME [--ean E] "
                                         "[--unit U] [--vat V] [--group G] [--weight GRAMS] ...");
    catalog_product_init(&p);
    p.code = pos[0];
    kt_err_clear(&err);
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&a, 0);
    if ((rc = apply_flags(cli, &f, &a, &p)) == 0) {
        if (catalog_product_create(cli->st, &p, &err) != 0)
            rc = domain_error("cannot create the product", &err);
        else if (cli->json)
            rc = show_product(cli, &p, &a);
        else
            printf("created product %s (id %lld)\n", p.code, (long long)p.id);
    }
    kt_arena_release(&a);
    return rc;
}

static int product_update(struct cli *cli, int argc, char **argv)
{
    struct product_flags f = {0};
    const char *code = NULL, *version = NULL;
    int active = 0;
    const struct cli_opt opts[] = {PRODUCT_OPTS(f),
                                   {.name = "code", .value = &code},
                                   {.name = "version", .value = &version},
                                   {.name = "active", .set = &active}};
    struct catalog_product p;
    struct kt_arena a;
    struct kt_err err;
    char *pos[1];
    size_t npos;
    int64_t expected = 0;
    int rc = cli_parse_opts("product update", argc, argv, opts, sizeof opts / sizeof opts[0], pos,
                            1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor product update CODE [--version N] "
                                         "[--code NEW] [field options]");
    if (version && (rc = parse_int(version, "version", 1, &expected)) != 0)
        return rc;
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&a, 0);
    kt_err_clear(&err);
    if (catalog_product_get_by_code(cli->st, pos[0], &a, &p, &err) != 0) {
        rc = domain_error("cannot read the product", &err);
        goto out;
    }
    /* --version: the version the user saw; without it, the one just read */
    if (expected > 0)
        p.version = expected;
    if (code)
        p.code = code;
    if (active)
        p.active = 1;
    if ((rc = apply_flags(cli, &f, &a, &p)) != 0)
        goto out;
    if (catalog_product_update(cli->st, &p, &err) != 0) {
        rc = domain_error("cannot update the product", &err);
        goto out;
    }
    if (cli->json)
        rc = show_product(cli, &p, &a);
    else
        printf("updated product %s (version %lld)\n", p.code, (long long)p.version);
out:
    kt_arena_release(&a);
    return rc;
}

static int product_show(struct cli *cli, int argc, char **argv)
{
    struct catalog_product p;
    struct catalog_image *imgs = NULL;
    struct kt_arena a;
    struct kt_err err;
    char *pos[1];
    size_t npos, nimg = 0;
    int rc = cli_parse_opts("product show", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor product show CODE");
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&a, 0);
    kt_err_clear(&err);
    if (catalog_product_get_by_code(cli->st, pos[0], &a, &p, &err) != 0 ||
        catalog_image_list(cli->st, p.id, &a, &imgs, &nimg, &err) != 0) {
        rc = domain_error("cannot read the product", &err);
        goto out;
    }
    if (cli->json) {
        json_t *j = product_json(&p, group_code(cli, p.group_id, &a));
        json_t *list = json_array();
        for (size_t i = 0; i < nimg; i++)
            json_array_append_new(list, json_pack("{s:i, s:s, s:s, s:s, s:i, s:i, s:I}", "position",
                                                  imgs[i].position, "hash", imgs[i].blob_hash,
                                                  "thumb", imgs[i].thumb_hash, "mime", imgs[i].mime,
                                                  "width", imgs[i].width, "height", imgs[i].height,
                                                  "bytes", (json_int_t)imgs[i].bytes));
        json_object_set_new(j, "images", list);
        rc = cli_print_json(j);
        goto out;
    }
    print_product(cli, &p, &a);
    for (size_t i = 0; i < nimg; i++)
        printf("  image %d%s: %s %dx%d %lld bytes %s\n", imgs[i].position, i == 0 ? " (main)" : "",
               imgs[i].mime, imgs[i].width, imgs[i].height, (long long)imgs[i].bytes,
               imgs[i].blob_hash);
out:
    kt_arena_release(&a);
    return rc;
}

static int product_list(struct cli *cli, int argc, char **argv)
{
    const char *group = NULL, *limit = NULL, *offset = NULL;
    int subgroups = 0, active = 0, inactive = 0;
    const struct cli_opt opts[] = {
        {.name = "group", .value = &group}, {.name = "subgroups", .set = &subgroups},
        {.name = "active", .set = &active}, {.name = "inactive", .set = &inactive},
        {.name = "limit", .value = &limit}, {.name = "offset", .value = &offset},
    };
    struct catalog_product_filter flt;
    struct catalog_product *items;
    struct kt_arena a;
    struct kt_err err;
    char *pos[1];
    size_t npos, n;
    int64_t total = 0, v;
    int rc = cli_parse_opts("product list", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0,
                            &npos);
    if (rc != 0)
        return rc;
    catalog_product_filter_init(&flt);
    flt.subgroups = subgroups;
    flt.active = active ? 1 : inactive ? 0 : -1;
    if (limit) {
        if ((rc = parse_int(limit, "limit", 1, &v)) != 0)
            return rc;
        flt.limit = v > 1000 ? 1000 : (int)v;
    }
    if (offset) {
        if ((rc = parse_int(offset, "offset", 0, &v)) != 0)
            return rc;
        if (v > INT32_MAX)
            return cli_error(CLI_EXIT_USAGE, "--offset: too large");
        flt.offset = (int)v;
    }
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&a, 0);
    kt_err_clear(&err);
    if (group) {
        struct catalog_group g;
        if (catalog_group_get_by_code(cli->st, group, &a, &g, &err) != 0) {
            rc = domain_error("cannot read the group", &err);
            goto out;
        }
        flt.group_id = g.id;
    }
    if (catalog_product_list(cli->st, &flt, &a, &items, &n, &total, &err) != 0) {
        rc = domain_error("cannot list products", &err);
        goto out;
    }
    if (cli->json) {
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list,
                                  product_json(&items[i], group_code(cli, items[i].group_id, &a)));
        rc = cli_print_json(json_pack("{s:I, s:o}", "total", (json_int_t)total, "products", list));
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        printf("%-20s %-14s %-4s %s%s\n", items[i].code, items[i].ean ? items[i].ean : "-",
               items[i].vat_rate, items[i].text[CATALOG_PL].name,
               items[i].active ? "" : "  (withdrawn)");
    printf("%zu of %lld products\n", n, (long long)total);
out:
    kt_arena_release(&a);
    return rc;
}

static const char *const match_names[] = {"", "code", "code prefix", "EAN", "name"};

static int product_search(struct cli *cli, int argc, char **argv, int suggest)
{
    const char *lang = NULL, *limit = NULL, *offset = NULL;
    int all = 0;
    const struct cli_opt opts[] = {
        {.name = "lang", .value = &lang},
        {.name = "limit", .value = &limit},
        {.name = "offset", .value = &offset},
        {.name = "all", .set = &all},
    };
    struct catalog_search_opts o;
    struct catalog_hit *hits;
    struct kt_arena a;
    struct kt_err err;
    char *pos[8];
    char query[CATALOG_QUERY_MAX + 1];
    size_t npos, n;
    int64_t v;
    int rc = cli_parse_opts(suggest ? "product suggest" : "product search", argc, argv, opts,
                            suggest ? 2 : 4, pos, 8, &npos);
    if (rc != 0)
        return rc;
    if (npos < 1)
        return cli_error(CLI_EXIT_USAGE, suggest ? "usage: kontor product suggest PREFIX "
                                                   "[--lang pl|en|de] [--limit N]"
                                                 : "usage: kontor product search TEXT [--lang "
                                                   "pl|en|de] [--limit N] [--offset N] [--all]");
    /* the words may come as one argument or several */
    query[0] = '\0';
    for (size_t i = 0; i < npos; i++) {
        size_t len = strlen(query);
        if (snprintf(query + len, sizeof query - len, "%s%s", i ? " " : "", pos[i]) >=
            (int)(sizeof query - len))
            return cli_error(CLI_EXIT_USAGE, "the search text is longer than %d bytes",
                             CATALOG_QUERY_MAX);
    }
    catalog_search_opts_init(&o);
    kt_err_clear(&err);
    if (lang && catalog_lang_parse(lang, &o.lang, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "--lang: %s", err.msg);
    if (limit) {
        if ((rc = parse_int(limit, "limit", 1, &v)) != 0)
            return rc;
        o.limit = v > (suggest ? 100 : CATALOG_SEARCH_MAX_LIMIT)
                      ? (suggest ? 100 : CATALOG_SEARCH_MAX_LIMIT)
                      : (int)v;
    } else if (suggest) {
        o.limit = 10;
    }
    if (offset) {
        if ((rc = parse_int(offset, "offset", 0, &v)) != 0)
            return rc;
        if (v > INT32_MAX)
            return cli_error(CLI_EXIT_USAGE, "--offset: too large");
        o.offset = (int)v;
    }
    o.include_inactive = all;
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&a, 0);
    if (suggest)
        rc = catalog_autocomplete(cli->st, query, o.lang, o.limit, &a, &hits, &n, &err);
    else
        rc = catalog_search(cli->st, query, &o, &a, &hits, &n, &err);
    if (rc != 0) {
        rc = domain_error("cannot search", &err);
        goto out;
    }
    if (cli->json) {
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, json_pack("{s:I, s:s, s:o, s:s, s:b, s:s}", "id",
                                                  (json_int_t)hits[i].id, "code", hits[i].code,
                                                  "ean", str_or_null(hits[i].ean), "name",
                                                  hits[i].name, "active", hits[i].active, "match",
                                                  match_names[hits[i].match]));
        rc = cli_print_json(list);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        printf("%-20s %s  [%s]%s\n", hits[i].code, hits[i].name, match_names[hits[i].match],
               hits[i].active ? "" : " (withdrawn)");
    if (n == 0)
        printf("no products found\n");
out:
    kt_arena_release(&a);
    return rc;
}

static int product_set_active(struct cli *cli, int argc, char **argv, int active)
{
    struct catalog_product p;
    struct kt_arena a;
    struct kt_err err;
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts(active ? "product activate" : "product deactivate", argc, argv, NULL, 0,
                            pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor product %s CODE",
                         active ? "activate" : "deactivate");
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&a, 0);
    kt_err_clear(&err);
    if (catalog_product_get_by_code(cli->st, pos[0], &a, &p, &err) != 0 ||
        catalog_product_set_active(cli->st, p.id, active, p.version, NULL, &err) != 0)
        rc = domain_error("cannot change the product", &err);
    else
        printf("product %s is %s\n", p.code, active ? "active" : "withdrawn");
    kt_arena_release(&a);
    return rc;
}

static int product_image(struct cli *cli, int argc, char **argv)
{
    struct catalog_product p;
    struct catalog_image img;
    struct kt_arena a;
    struct kt_err err;
    char *pos[3];
    size_t npos;
    int rc = cli_parse_opts("product image", argc, argv, NULL, 0, pos, 3, &npos);
    if (rc != 0)
        return rc;
    if (npos != 3 || (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "remove") != 0))
        return cli_error(CLI_EXIT_USAGE, "usage: kontor product image add CODE FILE | "
                                         "kontor product image remove CODE HASH");
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&a, 0);
    kt_err_clear(&err);
    const char *dir = kt_config_get(cli->cfg, "data", "dir");
    if (catalog_product_get_by_code(cli->st, pos[1], &a, &p, &err) != 0) {
        rc = domain_error("cannot read the product", &err);
    } else if (strcmp(pos[0], "add") == 0) {
        if (catalog_image_add_file(cli->st, dir, p.id, pos[2], NULL, &img, &err) != 0)
            rc = err.code == KT_EIO ? cli_error(CLI_EXIT_DATA, "%s", err.msg)
                                    : domain_error("cannot add the image", &err);
        else if (cli->json)
            rc = cli_print_json(json_pack("{s:s, s:i, s:s, s:s, s:i, s:i}", "hash", img.blob_hash,
                                          "position", img.position, "thumb", img.thumb_hash, "mime",
                                          img.mime, "width", img.width, "height", img.height));
        else
            printf("added image %d of %s: %s %dx%d %s\n", img.position, p.code, img.mime, img.width,
                   img.height, img.blob_hash);
    } else if (catalog_image_remove(cli->st, p.id, pos[2], &err) != 0) {
        rc = domain_error("cannot remove the image", &err);
    } else {
        printf("removed image %.12s from %s\n", pos[2], p.code);
    }
    kt_arena_release(&a);
    return rc;
}

int cli_cmd_product(struct cli *cli, int argc, char **argv)
{
    static const char *const subs[] = {"add",     "update",   "show",       "list", "search",
                                       "suggest", "activate", "deactivate", "image",
                                       "import",  "export"};
    if (argc < 2 || argv[1][0] == '-')
        return cli_error(CLI_EXIT_USAGE,
                         "'product' needs a subcommand: add, update, show, list, search, "
                         "suggest, activate, deactivate or image");
    const char *sub = argv[1];
    argc--, argv++;
    if (strcmp(sub, "add") == 0)
        return product_add(cli, argc, argv);
    if (strcmp(sub, "update") == 0)
        return product_update(cli, argc, argv);
    if (strcmp(sub, "show") == 0)
        return product_show(cli, argc, argv);
    if (strcmp(sub, "list") == 0)
        return product_list(cli, argc, argv);
    if (strcmp(sub, "search") == 0)
        return product_search(cli, argc, argv, 0);
    if (strcmp(sub, "suggest") == 0)
        return product_search(cli, argc, argv, 1);
    if (strcmp(sub, "activate") == 0 || strcmp(sub, "deactivate") == 0)
        return product_set_active(cli, argc, argv, sub[0] == 'a');
    if (strcmp(sub, "image") == 0)
        return product_image(cli, argc, argv);
    if (strcmp(sub, "import") == 0 || strcmp(sub, "export") == 0)
        return cli_exchange_alias(cli, "products", argc, argv);
    const char *s = cli_suggest(sub, subs, sizeof subs / sizeof subs[0]);
    if (s)
        return cli_error(CLI_EXIT_USAGE,
                         "'product %s' is not a command; did you mean 'product %s'?", sub, s);
    return cli_error(CLI_EXIT_USAGE, "'product %s' is not a command; see kontor help product", sub);
}

/* ---- kontor group ---- */

static json_t *group_json(const struct catalog_group *g, const char *parent)
{
    return json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:i}", "id", (json_int_t)g->id, "code",
                     g->code, "parent", str_or_null(parent), "name_pl", g->name_pl, "name_en",
                     str_or_null(g->name_en), "name_de", str_or_null(g->name_de), "position",
                     g->position);
}

static int group_add(struct cli *cli, int argc, char **argv)
{
    const char *name = NULL, *name_en = NULL, *name_de = NULL, *parent = NULL, *position = NULL;
    const struct cli_opt opts[] = {
        {.name = "name", .value = &name},         {.name = "name-en", .value = &name_en},
        {.name = "name-de", .value = &name_de},   {.name = "parent", .value = &parent},
        {.name = "position", .value = &position},
    };
    struct catalog_group g = {0}, pg;
    struct kt_arena a;
    struct kt_err err;
    char *pos[1];
    size_t npos;
    int64_t v = 0;
    int rc =
        cli_parse_opts("group add", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1 || !name)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor group add CODE --name NAME [--name-en N] "
                                         "[--name-de N] [--parent CODE] [--position N]");
    if (position && (rc = parse_int(position, "position", 0, &v)) != 0)
        return rc;
    if (v > INT32_MAX)
        return cli_error(CLI_EXIT_USAGE, "--position: too large");
    g.code = pos[0], g.name_pl = name, g.name_en = name_en, g.name_de = name_de;
    g.position = (int)v;
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&a, 0);
    kt_err_clear(&err);
    if (parent && catalog_group_get_by_code(cli->st, parent, &a, &pg, &err) != 0) {
        rc = domain_error("cannot read the parent group", &err);
        goto out;
    }
    g.parent_id = parent ? pg.id : 0;
    if (catalog_group_create(cli->st, &g, &err) != 0)
        rc = domain_error("cannot create the group", &err);
    else if (cli->json)
        rc = cli_print_json(group_json(&g, parent));
    else
        printf("created group %s (id %lld)\n", g.code, (long long)g.id);
out:
    kt_arena_release(&a);
    return rc;
}

static int group_move(struct cli *cli, int argc, char **argv)
{
    const char *parent = NULL;
    const struct cli_opt opts[] = {{.name = "parent", .value = &parent}};
    struct catalog_group g, pg;
    struct kt_arena a;
    struct kt_err err;
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("group move", argc, argv, opts, 1, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1 || !parent)
        return cli_error(CLI_EXIT_USAGE, "usage: kontor group move CODE --parent CODE|none");
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&a, 0);
    kt_err_clear(&err);
    if (catalog_group_get_by_code(cli->st, pos[0], &a, &g, &err) != 0 ||
        (strcmp(parent, "none") != 0 &&
         catalog_group_get_by_code(cli->st, parent, &a, &pg, &err) != 0)) {
        rc = domain_error("cannot read the group", &err);
        goto out;
    }
    g.parent_id = strcmp(parent, "none") == 0 ? 0 : pg.id;
    if (catalog_group_update(cli->st, &g, &err) != 0)
        rc = domain_error("cannot move the group", &err);
    else
        printf("moved group %s below %s\n", g.code, parent);
out:
    kt_arena_release(&a);
    return rc;
}

/* Prints the tree below parent_id, depth-first. */
static int group_tree(struct cli *cli, int64_t parent_id, const char *parent_code, int depth,
                      struct kt_arena *a, json_t *out, struct kt_err *err)
{
    struct catalog_group *items;
    size_t n;
    if (depth > CATALOG_GROUP_DEPTH_MAX)
        return 0;
    if (catalog_group_children(cli->st, parent_id, a, &items, &n, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (out)
            json_array_append_new(out, group_json(&items[i], parent_code));
        else
            printf("%*s%s  %s\n", depth * 2, "", items[i].code, items[i].name_pl);
        if (group_tree(cli, items[i].id, items[i].code, depth + 1, a, out, err) != 0)
            return -1;
    }
    return 0;
}

static int group_list(struct cli *cli, int argc, char **argv)
{
    struct catalog_group g;
    struct kt_arena a;
    struct kt_err err;
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("group list", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&a, 0);
    kt_err_clear(&err);
    int64_t root = 0;
    if (npos == 1) {
        if (catalog_group_get_by_code(cli->st, pos[0], &a, &g, &err) != 0) {
            rc = domain_error("cannot read the group", &err);
            goto out;
        }
        root = g.id;
    }
    json_t *list = cli->json ? json_array() : NULL;
    if (group_tree(cli, root, npos == 1 ? pos[0] : NULL, 0, &a, list, &err) != 0) {
        json_decref(list);
        rc = domain_error("cannot list groups", &err);
        goto out;
    }
    if (list)
        rc = cli_print_json(list);
out:
    kt_arena_release(&a);
    return rc;
}

int cli_cmd_group(struct cli *cli, int argc, char **argv)
{
    static const char *const subs[] = {"add", "list", "move"};
    if (argc < 2 || argv[1][0] == '-')
        return cli_error(CLI_EXIT_USAGE, "'group' needs a subcommand: add, list or move");
    if (strcmp(argv[1], "add") == 0)
        return group_add(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return group_list(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "move") == 0)
        return group_move(cli, argc - 1, argv + 1);
    const char *s = cli_suggest(argv[1], subs, sizeof subs / sizeof subs[0]);
    if (s)
        return cli_error(CLI_EXIT_USAGE, "'group %s' is not a command; did you mean 'group %s'?",
                         argv[1], s);
    return cli_error(CLI_EXIT_USAGE, "'group %s' is not a command; use add, list or move", argv[1]);
}
