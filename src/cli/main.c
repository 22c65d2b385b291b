#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/config.h"
#include "base/log.h"
#include "cli/cli.h"
#include "cli/version.h"
#include "store/store.h"
#include "base/banned.h"

static int cmd_help(struct cli *cli, int argc, char **argv);
static int cmd_version(struct cli *cli, int argc, char **argv);

/* The subcommands: this table drives dispatch, `kontor help` and the docs. */
static const struct cli_command commands[] = {
    {
        .name = "help",
        .summary = "show the commands, or the help of one command",
        .usage = "[COMMAND | config]",
        .help = "Without an argument, lists the commands, the global flags and the exit\n"
                "codes. With a command name, shows that command's help. 'kontor help\n"
                "config' lists every kontor.ini setting with its environment variable.\n",
        .run = cmd_help,
        .no_config = 1,
    },
    {
        .name = "version",
        .summary = "print the version and the database drivers built in",
        .usage = "",
        .help = "Prints the version of kontor and the store drivers it was built with.\n"
                "With --json: {\"version\": ..., \"drivers\": [...]}.\n",
        .run = cmd_version,
    },
    {
        .name = "init",
        .summary = "create the data directory and the database, and migrate it",
        .usage = "",
        .help = "Creates the data directory (--data, default var/) and the database\n"
                "(--db, default sqlite:var/kontor.db), then applies every pending\n"
                "migration. Safe to run again: what exists is kept, and each step\n"
                "says whether it created something or found it in place. A PostgreSQL\n"
                "database must exist already (createdb); init creates its tables.\n",
        .run = cli_cmd_init,
    },
    {
        .name = "db",
        .summary = "apply pending migrations, or show the schema and queue state",
        .usage = "migrate | status",
        .help = "db migrate   applies every pending migration, each in its own\n"
                "             transaction, and lists what it applied.\n"
                "db status    lists the migrations with their applied time, the number\n"
                "             still pending and the job queue counts. Exits 1 when\n"
                "             migrations are pending (run 'kontor db migrate').\n",
        .run = cli_cmd_db,
        .needs_db = 1,
    },
    {
        .name = "worker",
        .summary = "run due background jobs (event handlers)",
        .usage = "[--once]",
        .help = "Runs the jobs queued by domain events. With --once, runs every job\n"
                "that is due now, prints how many ran, and exits. Without it, keeps\n"
                "running, sleeping [worker] poll_ms between empty polls, until SIGINT\n"
                "or SIGTERM; a job in progress is finished (or rolled back) first.\n",
        .run = cli_cmd_worker,
        .needs_db = 1,
    },
    {
        .name = "validate",
        .summary = "check a NIP, REGON, EU VAT id, IBAN, NRB or EAN",
        .usage = "nip|regon|vat|iban|nrb|ean VALUE",
        .help = "Checks the format and check digits of VALUE. Exits 0 and prints\n"
                "'valid: ...' when it is valid; exits 1 and prints 'invalid: ' and the\n"
                "reason when it is not. With --json: {\"kind\", \"value\", \"valid\",\n"
                "\"reason\"}. Spaces and dashes are allowed where documents print them.\n",
        .run = cli_cmd_validate,
    },
    {
        .name = "words",
        .summary = "write an amount in words, as printed on invoices",
        .usage = "AMOUNT [--currency PLN|EUR|USD] [--lang pl|en|de]",
        .help = "Prints the amount in words with the minor units as a fraction, e.g.\n"
                "'kontor words 123,45 --currency PLN --lang pl' prints\n"
                "'sto dwadzieścia trzy złote 45/100'. AMOUNT is read in the convention\n"
                "of --lang (in Polish both ',' and '.' are decimal marks). Defaults:\n"
                "--currency PLN, --lang pl. With --json: {\"amount\", \"currency\",\n"
                "\"lang\", \"words\"}, the amount as a decimal string.\n",
        .run = cli_cmd_words,
    },
    {
        .name = "customer",
        .summary = "add, change, show and list customers (kontrahenci)",
        .usage = "add|update|show|list|activate|deactivate|address|contact|bank|find-iban|\n"
                 "import|export ...",
        .help = "customer add CODE --name NAME --country CC [--tax-id ID] [field options]\n"
                "customer update CODE [--code NEW] [field options]\n"
                "customer show CODE            the record with addresses, contacts, accounts\n"
                "customer list [TEXT] [--search TEXT] [--country CC] [--all]\n"
                "              [--limit N] [--offset N]   prefix of code, name or NIP\n"
                "customer activate|deactivate CODE\n"
                "customer address add CODE --label L --street S --postal-code P --city C\n"
                "              [--country CC] [--recipient R] [--default]\n"
                "customer address remove CODE ID\n"
                "customer contact add CODE --name N [--email E] [--phone P] [--role R]\n"
                "customer contact remove CODE ID\n"
                "customer bank add CODE IBAN [--bank-name B] | bank remove CODE ID\n"
                "customer find-iban IBAN       the customer who owns a bank account\n"
                "Field options: --name --country --tax-id --tax-kind nip|eu_vat|foreign|none\n"
                "--regon --lang pl|en|de|auto --currency CUR|auto\n"
                "--doc-type domestic|intra_eu|export|auto --payment-days N\n"
                "--payment-method transfer|cash|cod|card --credit-limit AMOUNT|none\n"
                "--street --postal-code --city --email (for documents) --notes.\n"
                "Language, currency and document type follow the country and VAT id\n"
                "unless set; 'auto' returns to the default. Exits 2 for a rejected value\n"
                "(the message names the field), 1 for an unknown customer, a taken code\n"
                "or a record changed by someone else. See docs/parties.md.\n",
        .run = cli_cmd_customer,
        .needs_db = 1,
    },
    {
        .name = "company",
        .summary = "show and set the own company, its bank accounts and logo",
        .usage = "show | set [options] | bank add|remove ... | logo FILE",
        .help = "company show\n"
                "company set [--name N] [--nip NIP] [--regon R] [--street S]\n"
                "            [--postal-code P] [--city C] [--country CC] [--warehouse CODE]\n"
                "            [--lang pl|en|de] [--email-from-name N] [--email-from ADDR]\n"
                "company bank add IBAN --currency CUR [--bank-name B] [--swift BIC] [--default]\n"
                "company bank remove ID\n"
                "company logo FILE             a PNG or JPEG of at most 2 MiB\n"
                "The first set needs --name and --nip. The first account of a currency\n"
                "is its default (printed on pro-formas); --default moves it.\n",
        .run = cli_cmd_company,
        .needs_db = 1,
    },
    {
        .name = "product",
        .summary = "add, change, show, list and search products; product images",
        .usage = "add|update|show|list|search|suggest|activate|deactivate|image|import|export ...",
        .help = "product add CODE --name NAME [field options]\n"
                "product update CODE [--version N] [--code NEW] [--active] [field options]\n"
                "product show CODE             the record, texts and images\n"
                "product list [--group G [--subgroups]] [--active|--inactive]\n"
                "              [--limit N] [--offset N]   by code\n"
                "product search TEXT [--lang pl|en|de] [--limit N] [--offset N] [--all]\n"
                "              by code, EAN and name words; case and diacritics do not\n"
                "              matter (zolw finds Zolw with its accents)\n"
                "product suggest PREFIX [--lang pl|en|de] [--limit N]   autocomplete\n"
                "product activate|deactivate CODE\n"
                "product image add CODE FILE   JPEG, PNG or WebP, at most 10 MB\n"
                "product image remove CODE HASH\n"
                "Field options: --name (Polish) --name-en --name-de --desc --desc-en\n"
                "--desc-de --long-desc --ean --unit (pcs, kg, szt. ...) --vat\n"
                "23|8|5|0|zw|np|oo --group CODE|none --weight GRAMS --pkwiu --cn --inactive.\n"
                "--version is the version you saw; a product changed since then is\n"
                "refused. Exits 2 for a rejected value (the message names the field), 1\n"
                "for an unknown product, a taken code or EAN or a stale version.\n"
                "See docs/catalog.md.\n",
        .run = cli_cmd_product,
        .needs_db = 1,
    },
    {
        .name = "group",
        .summary = "the tree of product groups",
        .usage = "add CODE --name NAME [...] | list [CODE] | move CODE --parent P",
        .help = "group add CODE --name NAME [--name-en N] [--name-de N] [--parent CODE]\n"
                "              [--position N]\n"
                "group list [CODE]             the tree (below CODE)\n"
                "group move CODE --parent CODE|none   a group cannot go below itself\n",
        .run = cli_cmd_group,
        .needs_db = 1,
    },
    {
        .name = "warehouse",
        .summary = "add and list warehouses",
        .usage = "add CODE --name NAME [...] | list [--all]",
        .help = "warehouse add CODE --name NAME [--street S] [--postal-code P] [--city C]\n"
                "              [--country CC] [--inactive]\n"
                "warehouse list [--all]        active warehouses (--all: inactive too)\n"
                "Codes are letters, digits, '-', '_' and '.'. See docs/stock.md.\n",
        .run = cli_cmd_warehouse,
        .needs_db = 1,
    },
    {
        .name = "stock",
        .summary = "set, move, reserve and show stock; the stock ledger",
        .usage = "set|adjust|move|reserve|release|issue|show|ledger|allow-negative|import|\n"
                 "export ...",
        .help = "stock set PRODUCT WAREHOUSE QTY [--reason set|import]   count: set on hand\n"
                "stock adjust PRODUCT WAREHOUSE DELTA\n"
                "              [--reason adjust|receipt|issue|return|import]\n"
                "stock move PRODUCT FROM TO QTY                 between two warehouses\n"
                "stock reserve|release|issue PRODUCT WAREHOUSE QTY\n"
                "              issue consumes a reservation (on hand and reserved drop)\n"
                "  every change takes [--doc REF] [--user NAME] (default $USER)\n"
                "stock show PRODUCT [--at TIME]   per warehouse, total, available;\n"
                "              --at 2026-11-28T10:00 (Warsaw time) rebuilds it from the ledger\n"
                "stock ledger PRODUCT [--warehouse W] [--from TIME] [--to TIME] [--limit N]\n"
                "stock allow-negative [on|off]   show or change whether stock may go below 0\n"
                "Quantities take ',' or '.' as the decimal mark (\"2,5\"). Exits 1 when\n"
                "there is not enough stock (nothing is changed) or for an unknown\n"
                "product or warehouse, 2 for a bad value. See docs/stock.md.\n",
        .run = cli_cmd_stock,
        .needs_db = 1,
    },
    {
        .name = "price",
        .summary = "price lists, customer prices and terms; resolve a price",
        .usage = "list add|show|default | set | customer | terms | resolve | import | export ...",
        .help = "price list add CODE --name N --currency CUR [--basis net|gross] [--default]\n"
                "price list show [CODE]        all lists, or one list with its items\n"
                "price list default CODE       the default list of its currency\n"
                "price set PRODUCT --list L --price 12,50 [--from DATE] [--to DATE]\n"
                "              [--min-qty QTY]\n"
                "price customer CUSTOMER PRODUCT --price P [--currency CUR] [--basis B]\n"
                "              [--from DATE] [--to DATE]\n"
                "price terms CUSTOMER [--list L|none] [--discount 5]\n"
                "price resolve --product P [--customer C] [--qty Q] [--currency CUR]\n"
                "              [--date DATE]   the price and where it came from\n"
                "A customer's own price beats the customer's list (minus the discount),\n"
                "which beats the default list of the currency. Exits 1 when there is\n"
                "no price or for an unknown product, customer or list, 2 for a bad\n"
                "value. See docs/prices.md.\n",
        .run = cli_cmd_price,
        .needs_db = 1,
    },
    {
        .name = "order",
        .summary = "customer orders: list, show, create, confirm, cancel, map lines",
        .usage = "list | show | create | confirm | cancel | map-line | series ...",
        .help = "order list [--status S] [--payment P] [--customer C] [--source S]\n"
                "           [--from DATE] [--to DATE] [--number PREFIX] [--po PREFIX]\n"
                "           [--product CODE] [--partial|--complete] [--sort number|date|\n"
                "           customer|total|status] [--asc] [--limit N] [--offset N]\n"
                "order show NUMBER             lines, VAT per rate, totals, history\n"
                "order create --customer CODE --line CODE:QTY[:PRICE] ... [--currency CUR]\n"
                "           [--po PO] [--gross|--net] [--source backoffice|portal|shop:NAME]\n"
                "           [--external-id ID] [--allow-unmatched] [--submit] [--date DATE]\n"
                "           [--notes TEXT] [--internal-notes TEXT] [--user NAME]\n"
                "order confirm NUMBER [--warehouse CODE]   reserves the stock\n"
                "order cancel NUMBER [--reason TEXT]       releases the reservations\n"
                "order map-line NUMBER LINE PRODUCT        maps an unmatched shop line\n"
                "order series [FORMAT]         shows or sets the numbering, e.g.\n"
                "                              ZK/{YYYY}/{MM}/{NNNN}\n"
                "Prices come from the customer's prices unless given in --line. Exits 1\n"
                "when the order rules refuse (the message names the line or field), 2\n"
                "for a bad value. See docs/orders.md.\n",
        .run = cli_cmd_order,
        .needs_db = 1,
    },
    {
        .name = "user",
        .summary = "add users, set passwords and roles, list, disable",
        .usage = "add|passwd|role|list|disable|enable ...",
        .help = "user add LOGIN --name NAME [--email E] [--lang pl|en] [--customer CODE]\n"
                "              --role ROLE[,ROLE...] [--password-stdin]\n"
                "              with --customer the user is that customer's (portal roles\n"
                "              only); without it a staff user (back-office roles only)\n"
                "user passwd LOGIN [--password-stdin]   new password; ends their sessions\n"
                "user role LOGIN --add ROLE | --remove ROLE\n"
                "user list                     every user with kind, customer and roles\n"
                "user disable|enable LOGIN     disabling ends the user's sessions\n"
                "The password is read from the terminal without echo (asked twice), or\n"
                "as the first line of standard input with --password-stdin. It needs\n"
                "10 characters or more, not the login, not a common password. Exits 1\n"
                "for an unknown user, role or customer, a taken login or a role of the\n"
                "wrong kind; 2 for a bad value. See docs/access.md.\n",
        .run = cli_cmd_user,
        .needs_db = 1,
    },
    {
        .name = "role",
        .summary = "list the roles with their permissions",
        .usage = "list",
        .help = "role list   every role (staff first), its permissions, and the table of\n"
                "            permissions. 'admin' includes every staff permission.\n",
        .run = cli_cmd_role,
        .needs_db = 1,
    },
    {
        .name = "token",
        .summary = "create, list and revoke API tokens",
        .usage = "create LOGIN --name N --scope PERM... | list [LOGIN] | revoke ID",
        .help = "token create LOGIN --name N --scope PERM[,PERM...] [--expires-days D]\n"
                "              prints the token once (kt_...); only its hash is kept.\n"
                "              Scopes are permissions the user has; the user needs 'api'.\n"
                "token list [LOGIN]            tokens with state, expiry and scopes\n"
                "token revoke ID               the token stops working at once\n",
        .run = cli_cmd_token,
        .needs_db = 1,
    },
    {
        .name = "import",
        .summary = "import products, customers, price lists or stock from a CSV file",
        .usage = "products|customers|pricelists|stock FILE [--dry-run] [--skip-bad-rows]\n"
                 "                [--encoding utf-8|windows-1250|auto] [--quiet] [--batch N]",
        .help = "Reads FILE (\"-\" for standard input) and creates or updates records by\n"
                "code; prints one line per row (created, updated, unchanged, or rejected\n"
                "with the line number and the reason; --quiet: rejected rows only) and a\n"
                "summary. The header is checked first: an unknown or missing column\n"
                "rejects the file. Default: all or nothing, one transaction; any rejected\n"
                "row and nothing is written. --skip-bad-rows writes the good rows (in\n"
                "transactions of --batch rows, default 1000). --dry-run checks everything\n"
                "against the database and writes nothing. ',' or ';' as the delimiter;\n"
                "--encoding auto tells UTF-8 from Windows-1250 (default utf-8). A progress\n"
                "bar shows on a terminal. Exits 1 if any row or the file was rejected.\n"
                "Columns: 'kontor export KIND' writes them; see docs/import-export.md.\n",
        .run = cli_cmd_import,
        .needs_db = 1,
    },
    {
        .name = "export",
        .summary = "export products, customers, price lists or stock as a CSV file",
        .usage = "products|customers|pricelists|stock [FILE]",
        .help = "Writes every record of the kind as CSV (UTF-8, ',' delimiter, header\n"
                "first) to FILE or standard output. What export writes, import reads:\n"
                "exporting, importing into another database with the same price lists,\n"
                "warehouses and groups, and exporting again gives the same bytes.\n",
        .run = cli_cmd_export,
        .needs_db = 1,
    },
    {
        .name = "demo",
        .summary = "create a demo company: products, stock, price lists, customers",
        .usage = "[--products N] [--customers M] [--images K] [--seed S]",
        .help = "Creates what is missing of a believable demo company: the own company\n"
                "with a logo, 200 products in six groups with pl/en/de names, EANs and\n"
                "pictures, 3 warehouses with stock, price lists RETAIL and WHOLESALE (PLN),\n"
                "EUR and USD, and 20 customers from PL, DE, CZ, FR, GB and US. Safe to run\n"
                "again: what exists is kept. --products and --customers scale it up for\n"
                "benchmarks (prices and stock for the first 1000 products, pictures for the\n"
                "first --images, default 300); the load rate is printed. See docs/demo.md.\n",
        .run = cli_cmd_demo,
        .needs_db = 1,
    },
    {
        .name = "serve",
        .summary = "run the web server: back office, portals and the JSON API",
        .usage = "[--listen ADDR:PORT] [--threads N] [--no-worker] [--routes]",
        .help = "Serves the back office, the portals and the JSON API (/api/v1) over HTTP\n"
                "on [http] listen (default 127.0.0.1:8080; port 0 picks a free port) with\n"
                "[http] threads request threads, and runs the jobs worker in the same\n"
                "process unless --no-worker. Prints the address it serves on. SIGINT or\n"
                "SIGTERM stop it: new connections are refused, requests in flight finish\n"
                "(up to [http] shutdown_s seconds). --routes prints the route table (with\n"
                "--json as JSON) and exits. Limits, timeouts and cookies: 'kontor help\n"
                "config'. See docs/web.md and docs/api.md.\n",
        .run = cli_cmd_serve,
        .needs_db = 1,
    },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int unknown_command(const char *name)
{
    const char *names[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i].name;
    const char *s = cli_suggest(name, names, NCOMMANDS);
    if (s)
        return cli_error(CLI_EXIT_USAGE, "'%s' is not a kontor command; did you mean '%s'?", name,
                         s);
    return cli_error(CLI_EXIT_USAGE,
                     "'%s' is not a kontor command; run 'kontor help' to see the commands", name);
}

static const char global_help[] =
    "Global flags (before or after the command):\n"
    "  --config FILE      read settings from FILE (default: ./kontor.ini if present)\n"
    "  --db URL           database: sqlite:PATH or postgresql://user@host/dbname\n"
    "                     (env KONTOR_DB; default sqlite:var/kontor.db)\n"
    "  --data DIR         data directory for blobs (env KONTOR_DATA; default var/)\n"
    "  --json             print data as JSON\n"
    "  --log-level LEVEL  debug, info, warn, error or off (default info)\n"
    "  -h, --help         show help\n"
    "\n"
    "Exit codes:\n"
    "  0  done; the answer is yes\n"
    "  1  the answer is no: the value is invalid, migrations are pending\n"
    "  2  usage error: unknown command or option, bad argument or setting\n"
    "  3  database or data directory error: unreachable, missing, corrupt, read-only\n"
    "  4  internal error: a bug, out of memory, or output that cannot be written\n"
    "\n"
    "Settings come from --flags, then KONTOR_SECTION_KEY environment variables,\n"
    "then kontor.ini, then built-in defaults; 'kontor help config' lists them.\n";

static void print_overview(FILE *f)
{
    fputs("kontor - order management for trading companies\n\n"
          "Usage: kontor [GLOBAL FLAGS] COMMAND [ARGUMENTS]\n\nCommands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s %s", commands[i].name, commands[i].usage);
        if (strlen(left) > 22)
            fprintf(f, "  %s\n  %-22s  %s\n", left, "", commands[i].summary);
        else
            fprintf(f, "  %-22s  %s\n", left, commands[i].summary);
    }
    fputc('\n', f);
    fputs(global_help, f);
}

static void print_command_help(const struct cli_command *c)
{
    printf("Usage: kontor %s%s%s\n\n%s\n%s", c->name, *c->usage ? " " : "", c->usage, c->summary,
           c->help);
    if (c->needs_db)
        printf("Uses the database named by --db, which 'kontor init' creates.\n");
}

static void print_config_help(void)
{
    size_t n;
    const struct kt_config_key *k = kt_config_keys(&n);
    printf("Settings in kontor.ini; each can be overridden by the environment variable\n"
           "shown (an empty variable counts as unset). Strongest first: --flag,\n"
           "environment, kontor.ini, default.\n\n");
    for (size_t i = 0; i < n; i++) {
        char env[64];
        kt_config_env_name(env, sizeof env, k[i].section, k[i].key);
        printf("[%s] %s\n    %s\n    env %s%s%s; default %s", k[i].section, k[i].key, k[i].help,
               k[i].env_alias ? k[i].env_alias : "", k[i].env_alias ? " or " : "", env, k[i].def);
        if (k[i].type == KT_CONFIG_INT)
            printf("; %lld to %lld", k[i].min, k[i].max);
        else if (k[i].type == KT_CONFIG_CHOICE)
            printf("; one of %s", k[i].choices);
        else if (k[i].type == KT_CONFIG_BOOL)
            printf("; true or false");
        printf("\n");
    }
}

static int cmd_help(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("help", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos == 0) {
        print_overview(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(pos[0], "config") == 0) {
        print_config_help();
        return CLI_EXIT_OK;
    }
    const struct cli_command *c = find_command(pos[0]);
    if (!c)
        return unknown_command(pos[0]);
    print_command_help(c);
    return CLI_EXIT_OK;
}

static int cmd_version(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("version", argc, argv, NULL, 0, pos, 0, &npos);
    if (rc != 0)
        return rc;
    const struct store_driver *drivers[] = {
        &store_sqlite_driver,
#ifdef KT_HAVE_POSTGRES
        &store_postgres_driver,
#endif
    };
    size_t nd = sizeof drivers / sizeof drivers[0];
    if (cli->json) {
        json_t *list = json_array();
        for (size_t i = 0; list && i < nd; i++)
            json_array_append_new(list, json_string(drivers[i]->name));
        return cli_print_json(json_pack("{s:s, s:o*}", "version", KONTOR_VERSION, "drivers", list));
    }
    printf("kontor %s\nstore drivers:", KONTOR_VERSION);
    for (size_t i = 0; i < nd; i++)
        printf(" %s", drivers[i]->name);
    printf("\n");
    return CLI_EXIT_OK;
}

/* Flags that apply to every command. */
struct globals {
    const char *config;
    const char *db;
    const char *data;
    const char *log_level;
    int json;
    int help;
};

static const char *const global_names[] = {"--config", "--db",        "--data",
                                           "--json",   "--log-level", "--help"};

/*
 * If argv[*i] is a global flag, records it (consuming its value) and sets
 * *matched. Returns CLI_EXIT_USAGE when its value is missing.
 */
static int take_global(int argc, char **argv, int *i, struct globals *g, int *matched)
{
    const char *a = argv[*i];
    *matched = 1;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
        g->help = 1;
        return 0;
    }
    if (strcmp(a, "--json") == 0) {
        g->json = 1;
        return 0;
    }
    static const char *const with_value[] = {"--config", "--db", "--data", "--log-level"};
    const char **slots[] = {&g->config, &g->db, &g->data, &g->log_level};
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
        size_t len = strlen(with_value[k]);
        if (strncmp(a, with_value[k], len) != 0)
            continue;
        if (a[len] == '=') {
            *slots[k] = a + len + 1;
            return 0;
        }
        if (a[len] != '\0')
            continue;
        if (*i + 1 >= argc)
            return cli_error(CLI_EXIT_USAGE, "%s needs a value; see 'kontor help'", with_value[k]);
        *slots[k] = argv[++*i];
        return 0;
    }
    *matched = 0;
    return 0;
}

static int is_option(const char *a)
{
    return a[0] == '-' && a[1] != '\0' && !isdigit((unsigned char)a[1]);
}

static int unknown_global(const char *a)
{
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)strcspn(a, "="), a);
    const char *s = cli_suggest(word, global_names, sizeof global_names / sizeof global_names[0]);
    if (s)
        return cli_error(CLI_EXIT_USAGE, "unknown option '%s'; did you mean '%s'?", a, s);
    return cli_error(CLI_EXIT_USAGE,
                     "unknown option '%s'; options that belong to a command go after it, "
                     "see 'kontor help'",
                     a);
}

/* Loads the configuration and lays the command-line flags over it. */
static int load_config(struct cli *cli, const struct globals *g)
{
    struct kt_err err;
    kt_err_clear(&err);
    int rc = kt_config_load(&cli->cfg, g->config, &err);
    if (rc == 0 && g->db)
        rc = kt_config_set(cli->cfg, "database", "url", g->db, "--db", &err);
    if (rc == 0 && g->data)
        rc = kt_config_set(cli->cfg, "data", "dir", g->data, "--data", &err);
    if (rc == 0 && g->log_level)
        rc = kt_config_set(cli->cfg, "log", "level", g->log_level, "--log-level", &err);
    const char *level;
    int json = 0;
    if (rc == 0)
        rc = kt_config_get_str(cli->cfg, "log", "level", &level, &err);
    if (rc == 0)
        rc = kt_config_get_bool(cli->cfg, "output", "json", &json, &err);
    if (rc != 0) {
        int code = rc == KT_ENOMEM || rc == KT_EINTERNAL ? CLI_EXIT_INTERNAL : CLI_EXIT_USAGE;
        return cli_error(code, "%s", err.msg);
    }
    kt_log_set_level((enum kt_log_level)kt_log_level_parse(level));
    cli->json = cli->json || json;
    return 0;
}

int cli_open_db(struct cli *cli)
{
    const char *url = kt_config_get(cli->cfg, "database", "url");
    char shown[1024];
    cli_redact_url(shown, sizeof shown, url);
    if (strncmp(url, "sqlite:", 7) == 0) {
        struct stat sb;
        if (stat(url + 7, &sb) != 0 && errno == ENOENT)
            return cli_error(CLI_EXIT_DATA,
                             "database %s does not exist; run 'kontor init' to create it, or "
                             "point --db at an existing one",
                             shown);
    }
    struct kt_err err;
    kt_err_clear(&err);
    if (store_open(url, &cli->st, &err) != 0)
        return cli_open_error(shown, &err);
    return 0;
}

int main(int argc, char **argv)
{
    struct globals g = {0};
    struct cli cli = {0};
    const struct cli_command *cmd = NULL;
    int rc = CLI_EXIT_OK;
    char **cargv = calloc((size_t)argc + 1, sizeof *cargv);
    int cargc = 0;
    if (!cargv)
        return cli_error(CLI_EXIT_INTERNAL, "out of memory");

    /*
     * Global flags are taken out wherever they are; the first other word is
     * the command, and the rest goes to it. After "--" everything goes to
     * the command untouched.
     */
    int passthrough = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!passthrough && strcmp(a, "--") == 0) {
            if (cargc > 0)
                cargv[cargc++] = argv[i];
            passthrough = 1;
            continue;
        }
        if (!passthrough && is_option(a)) {
            int matched;
            rc = take_global(argc, argv, &i, &g, &matched);
            if (rc != 0)
                goto out;
            if (matched)
                continue;
            if (cargc == 0) {
                rc = unknown_global(a);
                goto out;
            }
        }
        cargv[cargc++] = argv[i];
    }
    cli.json = g.json;

    if (g.log_level && kt_log_level_parse(g.log_level) < 0) {
        rc =
            cli_error(CLI_EXIT_USAGE,
                      "--log-level must be debug, info, warn, error or off, not '%s'", g.log_level);
        goto out;
    }
    if (g.log_level)
        kt_log_set_level((enum kt_log_level)kt_log_level_parse(g.log_level));

    if (cargc == 0) {
        if (g.help) {
            print_overview(stdout);
            goto out;
        }
        print_overview(stderr);
        rc = cli_error(CLI_EXIT_USAGE, "no command given; pick one of the commands above");
        goto out;
    }
    cmd = find_command(cargv[0]);
    if (!cmd) {
        rc = unknown_command(cargv[0]);
        goto out;
    }
    if (g.help) {
        print_command_help(cmd);
        goto out;
    }
    if (!cmd->no_config) {
        rc = load_config(&cli, &g);
        if (rc != 0)
            goto out;
    }
    rc = cmd->run(&cli, cargc, cargv);
out:
    if (cli.st)
        store_close(cli.st);
    kt_config_free(cli.cfg);
    free(cargv);
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == CLI_EXIT_OK)
        rc = cli_error(CLI_EXIT_INTERNAL, "cannot write the output: %s", strerror(errno));
    return rc;
}
