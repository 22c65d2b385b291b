/*
 * cli: the `kontor` command line. Owns argument parsing, the table of
 * subcommands (main.c), the exit codes and the way errors are reported.
 * Commands call the same domain and store functions as the web layer; no
 * business rule lives here.
 *
 * Output rules: data goes to stdout (as JSON with --json); errors go to
 * stderr as one sentence prefixed "kontor: ", and the exit code says what
 * kind of failure it was.
 */
#ifndef KT_CLI_H
#define KT_CLI_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"
#include "store/store.h"

/* Exit codes, documented in `kontor help` and docs/cli.md. */
enum cli_exit {
    CLI_EXIT_OK = 0,       /* done; the answer is yes */
    CLI_EXIT_NO = 1,       /* the answer is no: invalid value, pending migrations */
    CLI_EXIT_USAGE = 2,    /* unknown command or option, bad argument or setting */
    CLI_EXIT_DATA = 3,     /* database or data directory unavailable, corrupt, read-only */
    CLI_EXIT_INTERNAL = 4, /* a bug, out of memory, stdout not writable */
};

/* State shared by every command. */
struct cli {
    struct kt_config *cfg; /* loaded before the command runs, except for `help` */
    struct store *st;      /* opened by cli_open_db, closed by main */
    int json;              /* --json or [output] json */
};

struct cli_command {
    const char *name;
    const char *summary; /* one line for the command list */
    const char *usage;   /* arguments after the name, "" if none */
    const char *help;    /* paragraphs for `kontor help NAME` */
    /* argv[0] is the command name; global flags are already removed. */
    int (*run)(struct cli *cli, int argc, char **argv);
    int needs_db;  /* works on an existing database (said in its help) */
    int no_config; /* runs without reading the configuration (help) */
};

/* An option of one command: --name, or --name VALUE when value != NULL. */
struct cli_opt {
    const char *name; /* without the leading dashes */
    const char **value;
    int *set;
};

/*
 * Splits argv (argv[0] is the command) into options and positional
 * arguments. Accepts --name VALUE and --name=VALUE; "--" ends the options;
 * an argument such as "-5,00" that starts with '-' and a digit is
 * positional. Returns 0, or CLI_EXIT_USAGE after printing why (unknown
 * option with a suggestion, missing value, too many arguments).
 */
int cli_parse_opts(const char *cmd, int argc, char **argv, const struct cli_opt *opts, size_t nopts,
                   char **pos, size_t maxpos, size_t *npos);

/*
 * Opens the database named by the configuration into cli->st; it must
 * exist already (for SQLite: the file). Commands with needs_db call it
 * after checking their arguments. Returns 0 or an exit code after printing
 * why.
 */
int cli_open_db(struct cli *cli);

/*
 * Checks that every migration this binary knows is applied to cli->st;
 * otherwise prints what to run and returns CLI_EXIT_DATA.
 */
int cli_require_schema(struct cli *cli);

/*
 * cli_open_db, then cli_require_schema: what a command that works on the
 * data calls after checking its arguments. Returns 0 or an exit code after
 * printing why.
 */
int cli_use_db(struct cli *cli);

/*
 * The id of the product with this code, for commands that take a PRODUCT
 * argument: exit 1 with "there is no product X; 'kontor product list'
 * shows them" when there is none, 2 for a code that cannot be one, else
 * as cli_db_error.
 */
int cli_product_id(struct cli *cli, const char *code, int64_t *id);

/* A quantity (thousandths, base/qty.h) as a decimal with '.' and no
 * grouping, for text and JSON alike: "2.5", "-3", "0.125". */
void cli_qty_str(int64_t q, char *out, size_t n);

/* The same as a JSON string. */
json_t *cli_qty_json(int64_t q);

/* Prints "kontor: <message>" on stderr and returns code. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The exit code for a failed operation's KT_E* code outside the database:
 * bad input (KT_EINVAL, KT_EOVERFLOW, KT_ELIMIT) is a usage error.
 */
int cli_exit_for(int kt_code);

/*
 * Reports a failed operation on the database: "kontor: <what>: <err>;
 * <hint for the code>" (the hint only when the message has no advice of
 * its own) and returns CLI_EXIT_DATA (CLI_EXIT_INTERNAL for KT_ENOMEM and
 * KT_EINTERNAL). A database that refuses what is asked of it, even with
 * KT_EINVAL (a schema newer than this binary), is a data error.
 */
int cli_db_error(const char *what, const struct kt_err *err);

/*
 * Reports a failed store_open of the (redacted) URL: KT_EINVAL is a URL
 * kontor cannot use, a usage error; the rest as cli_db_error.
 */
int cli_open_error(const char *shown_url, const struct kt_err *err);

/*
 * Copies url to dst with any password replaced by "***", so that URLs can
 * be printed.
 */
void cli_redact_url(char *dst, size_t n, const char *url);

/* The closest of `n` candidates to `word` when it is close enough, else NULL. */
const char *cli_suggest(const char *word, const char *const *candidates, size_t n);

/*
 * Writes a JSON value to stdout with a newline and releases it. Returns
 * CLI_EXIT_OK, or CLI_EXIT_INTERNAL when json is NULL (a failed build-up).
 */
int cli_print_json(json_t *json);

/* The commands; each lives in its own cmd_*.c. */
int cli_cmd_init(struct cli *cli, int argc, char **argv);
int cli_cmd_db(struct cli *cli, int argc, char **argv);
int cli_cmd_worker(struct cli *cli, int argc, char **argv);
int cli_cmd_validate(struct cli *cli, int argc, char **argv);
int cli_cmd_words(struct cli *cli, int argc, char **argv);
int cli_cmd_customer(struct cli *cli, int argc, char **argv);
int cli_cmd_company(struct cli *cli, int argc, char **argv);
int cli_cmd_product(struct cli *cli, int argc, char **argv);
int cli_cmd_group(struct cli *cli, int argc, char **argv);
int cli_cmd_warehouse(struct cli *cli, int argc, char **argv);
int cli_cmd_stock(struct cli *cli, int argc, char **argv);
int cli_cmd_price(struct cli *cli, int argc, char **argv);
int cli_cmd_order(struct cli *cli, int argc, char **argv);
int cli_cmd_user(struct cli *cli, int argc, char **argv);
int cli_cmd_role(struct cli *cli, int argc, char **argv);
int cli_cmd_token(struct cli *cli, int argc, char **argv);
int cli_cmd_import(struct cli *cli, int argc, char **argv);
/* Runs `kontor import|export KIND …` for a module command's import/export
 * subcommand; argv[0] is "import" or "export". */
int cli_exchange_alias(struct cli *cli, const char *kind, int argc, char **argv);
int cli_cmd_export(struct cli *cli, int argc, char **argv);
int cli_cmd_demo(struct cli *cli, int argc, char **argv);

int cli_cmd_serve(struct cli *cli, int argc, char **argv);
#endif
