#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/qty.h"
#include "catalog/product.h"
#include "cli/cli.h"
#include "base/banned.h"

int cli_error(int code, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "kontor: %s\n", msg);
    return code;
}

int cli_use_db(struct cli *cli)
{
    int rc = cli_open_db(cli);
    return rc != 0 ? rc : cli_require_schema(cli);
}

int cli_product_id(struct cli *cli, const char *code, int64_t *id)
{
    struct kt_arena arena;
    struct catalog_product p;
    struct kt_err err;
    kt_err_clear(&err);
    kt_arena_init(&arena, 0);
    int rc = catalog_product_get_by_code(cli->st, code, &arena, &p, &err);
    if (rc == 0)
        *id = p.id;
    kt_arena_release(&arena);
    if (rc == KT_ENOTFOUND)
        return cli_error(CLI_EXIT_NO, "there is no product %s; 'kontor product list' shows them",
                         code);
    if (rc == KT_EINVAL || rc == KT_EOVERFLOW)
        return cli_error(CLI_EXIT_USAGE, "%s", err.msg);
    if (rc != 0)
        return cli_db_error("cannot look up the product", &err);
    return 0;
}

void cli_qty_str(int64_t q, char *out, size_t n)
{
    uint64_t a = q < 0 ? (uint64_t)0 - (uint64_t)q : (uint64_t)q;
    unsigned long long whole = a / KT_QTY_SCALE, frac = a % KT_QTY_SCALE;
    if (frac == 0) {
        snprintf(out, n, "%s%llu", q < 0 ? "-" : "", whole);
        return;
    }
    char f[8];
    snprintf(f, sizeof f, "%03llu", frac);
    size_t len = strlen(f);
    while (len > 0 && f[len - 1] == '0')
        f[--len] = '\0';
    snprintf(out, n, "%s%llu.%s", q < 0 ? "-" : "", whole, f);
}

json_t *cli_qty_json(int64_t q)
{
    char s[40];
    cli_qty_str(q, s, sizeof s);
    return json_string(s);
}

int cli_exit_for(int kt_code)
{
    switch (kt_code) {
    case KT_OK:
        return CLI_EXIT_OK;
    case KT_EINVAL:
    case KT_EOVERFLOW:
    case KT_ELIMIT:
        return CLI_EXIT_USAGE;
    case KT_ENOMEM:
    case KT_EINTERNAL:
        return CLI_EXIT_INTERNAL;
    default:
        return CLI_EXIT_DATA;
    }
}

/* What the user can do about a database error of this kind. */
static const char *db_hint(int code)
{
    switch (code) {
    case KT_EUNAVAIL:
        return "check the URL (--db, KONTOR_DB or [database] url) and that the database "
               "server is running";
    case KT_ECORRUPT:
        return "the file was left as it is; restore it from a backup or point --db at "
               "another database";
    case KT_EIO:
    case KT_EPERM:
        return "check that the path exists and that kontor may write there";
    case KT_EBUSY:
    case KT_ECONFLICT:
        return "another process holds the database; try again in a moment";
    default:
        return NULL;
    }
}

int cli_db_error(const char *what, const struct kt_err *err)
{
    int code =
        err->code == KT_ENOMEM || err->code == KT_EINTERNAL ? CLI_EXIT_INTERNAL : CLI_EXIT_DATA;
    const char *hint = db_hint(err->code);
    /* messages end without a full stop so that the hint can follow */
    char msg[KT_ERR_MSG_MAX];
    kt_strlcpy(msg, err->msg, sizeof msg);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '.' || isspace((unsigned char)msg[n - 1])))
        msg[--n] = '\0';
    /* the store's messages often carry their own advice after a ';' */
    if (hint && !strchr(msg, ';'))
        return cli_error(code, "%s: %s; %s", what, msg, hint);
    return cli_error(code, "%s: %s", what, msg);
}

int cli_open_error(const char *shown_url, const struct kt_err *err)
{
    char what[1200];
    snprintf(what, sizeof what, "cannot open database %s", shown_url);
    if (err->code == KT_EINVAL)
        return cli_error(CLI_EXIT_USAGE, "%s: %s", what, err->msg);
    return cli_db_error(what, err);
}

void cli_redact_url(char *dst, size_t n, const char *url)
{
    /* scheme://user:password@host... -> scheme://user:***@host... */
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end) {
        kt_strlcpy(dst, url, n);
        return;
    }
    const char *auth = scheme_end + 3;
    size_t auth_len = strcspn(auth, "/?#");
    const char *at = memchr(auth, '@', auth_len);
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (!colon) {
        kt_strlcpy(dst, url, n);
        return;
    }
    snprintf(dst, n, "%.*s:***%s", (int)(colon - url), url, at);
}

/* Edit distance with adjacent transpositions counting as one edit. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return (size_t)-1;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost =
                tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *cli_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    if (!best || best_d > 2 || best_d >= strlen(best))
        return NULL;
    return best;
}

int cli_print_json(json_t *json)
{
    if (!json)
        return cli_error(CLI_EXIT_INTERNAL, "out of memory while building the JSON output");
    int rc = json_dumpf(json, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(json);
    if (rc != 0 || fputc('\n', stdout) == EOF)
        return cli_error(CLI_EXIT_INTERNAL, "cannot write the JSON output");
    return CLI_EXIT_OK;
}

static int is_option(const char *a)
{
    return a[0] == '-' && a[1] != '\0' && !isdigit((unsigned char)a[1]);
}

int cli_parse_opts(const char *cmd, int argc, char **argv, const struct cli_opt *opts, size_t nopts,
                   char **pos, size_t maxpos, size_t *npos)
{
    int only_pos = 0;
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (only_pos || !is_option(a)) {
            if (*npos >= maxpos)
                return cli_error(CLI_EXIT_USAGE,
                                 "'%s' takes at most %zu argument%s, but '%s' is one more; "
                                 "see 'kontor help %s'",
                                 cmd, maxpos, maxpos == 1 ? "" : "s", a, cmd);
            pos[(*npos)++] = argv[i];
            continue;
        }
        const char *name = a + (a[1] == '-' ? 2 : 1);
        size_t len = strcspn(name, "=");
        const struct cli_opt *o = NULL;
        for (size_t k = 0; k < nopts; k++)
            if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0)
                o = &opts[k];
        if (!o) {
            char word[64];
            snprintf(word, sizeof word, "%.*s", (int)len, name);
            const char *names[16];
            size_t nn = 0;
            for (size_t k = 0; k < nopts && nn < 16; k++)
                names[nn++] = opts[k].name;
            const char *s = cli_suggest(word, names, nn);
            if (s)
                return cli_error(CLI_EXIT_USAGE, "'%s' has no option '%s'; did you mean '--%s'?",
                                 cmd, a, s);
            return cli_error(CLI_EXIT_USAGE, "'%s' has no option '%s'; see 'kontor help %s'", cmd,
                             a, cmd);
        }
        if (!o->value) {
            if (name[len] == '=')
                return cli_error(CLI_EXIT_USAGE, "option --%s of '%s' takes no value", o->name,
                                 cmd);
            *o->set = 1;
            continue;
        }
        if (name[len] == '=') {
            *o->value = name + len + 1;
        } else if (i + 1 < argc) {
            *o->value = argv[++i];
        } else {
            return cli_error(CLI_EXIT_USAGE,
                             "option --%s of '%s' needs a value; see 'kontor "
                             "help %s'",
                             o->name, cmd, cmd);
        }
        if (o->set)
            *o->set = 1;
    }
    return CLI_EXIT_OK;
}
