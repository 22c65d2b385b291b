#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "access/access.h"
#include "base/arena.h"
#include "base/date.h"
#include "cli/cli.h"
#include "parties/customer.h"
#include "base/banned.h"

/* kontor user | role | token: users, roles and API tokens (src/access). */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_LIST 32 /* --role / --scope values per command */

/* The exit code and message for a failed access call. */
static int fail(const struct kt_err *err)
{
    switch (err->code) {
    case KT_EINVAL:
    case KT_ELIMIT:
    case KT_EOVERFLOW:
        return cli_error(CLI_EXIT_USAGE, "%s", err->msg);
    case KT_ENOTFOUND:
    case KT_EEXIST:
    case KT_ECONFLICT:
    case KT_EPERM:
    case KT_EFOREIGN:
        return cli_error(CLI_EXIT_NO, "%s", err->msg);
    default:
        return cli_db_error("access", err);
    }
}

/* Installs the [access] settings and opens the migrated database. */
static int open_db(struct cli *cli)
{
    struct access_options o;
    struct kt_err err;
    access_options_default(&o);
    if (access_options_from_config(cli->cfg, &o, &err) != 0 || access_set_options(&o, &err) != 0)
        return cli_error(CLI_EXIT_USAGE, "%s", err.msg);
    int rc = cli_open_db(cli);
    return rc != 0 ? rc : cli_require_schema(cli);
}

/*
 * Takes every "--name V" / "--name=V" out of argv (in place; *argc shrinks)
 * and splits each V at commas and spaces into out[0..*n). So "--role a
 * --role b" and "--role a,b" mean the same.
 */
static int take_list(const char *cmd, int *argc, char **argv, const char *name, char *store,
                     size_t store_n, const char **out, size_t *n)
{
    size_t nlen = strlen(name), used = 0;
    int w = 1;
    *n = 0;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        if (strcmp(a, "--") == 0) {
            for (; i < *argc; i++)
                argv[w++] = argv[i];
            break;
        }
        if (strncmp(a, "--", 2) == 0 && strncmp(a + 2, name, nlen) == 0) {
            if (a[2 + nlen] == '=') {
                v = a + 3 + nlen;
            } else if (a[2 + nlen] == '\0') {
                if (i + 1 >= *argc)
                    return cli_error(CLI_EXIT_USAGE,
                                     "option --%s of '%s' needs a value; see 'kontor help %s'",
                                     name, cmd, cmd);
                v = argv[++i];
            }
        }
        if (!v) {
            argv[w++] = argv[i];
            continue;
        }
        size_t vl = strlen(v);
        if (used + vl + 1 > store_n)
            return cli_error(CLI_EXIT_USAGE, "too many --%s values", name);
        char *copy = store + used;
        memcpy(copy, v, vl + 1);
        used += vl + 1;
        for (char *p = copy; *p;) {
            p += strspn(p, ", ");
            if (!*p)
                break;
            if (*n >= MAX_LIST)
                return cli_error(CLI_EXIT_USAGE, "too many --%s values (at most %d)", name,
                                 MAX_LIST);
            out[(*n)++] = p;
            p += strcspn(p, ", ");
            if (*p)
                *p++ = '\0';
        }
    }
    *argc = w;
    return 0;
}

/* Reads one line without its line end; 0, or -1 at end of input. */
static int read_line(FILE *f, char *out, size_t n)
{
    if (!fgets(out, (int)n, f))
        return -1;
    size_t len = strlen(out);
    if (len > 0 && out[len - 1] == '\n')
        out[--len] = '\0';
    if (len > 0 && out[len - 1] == '\r')
        out[--len] = '\0';
    return 0;
}

/* Prompts on the terminal with echo off. Echo goes off (dropping anything
 * typed ahead) before the prompt appears, so what is typed after it is
 * neither lost nor shown. */
static int prompt_hidden(const char *prompt, char *out, size_t n)
{
    struct termios old, quiet;
    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return -1;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
        return -1;
    fputs(prompt, stderr);
    fflush(stderr);
    int rc = read_line(stdin, out, n);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fputc('\n', stderr);
    return rc;
}

/*
 * The new password of login: the first line of stdin with --password-stdin,
 * else asked twice on the terminal without echo.
 */
static int read_password(const char *login, int from_stdin, char *out, size_t n)
{
    if (from_stdin) {
        if (read_line(stdin, out, n) != 0)
            return cli_error(CLI_EXIT_USAGE, "--password-stdin: no password on standard input");
        if (strlen(out) + 1 >= n)
            return cli_error(CLI_EXIT_USAGE, "the password is longer than %d bytes",
                             ACCESS_PASSWORD_MAX);
        return 0;
    }
    if (!isatty(STDIN_FILENO))
        return cli_error(CLI_EXIT_USAGE, "standard input is not a terminal; give the password with "
                                         "--password-stdin");
    char prompt[ACCESS_LOGIN_MAX + 32], again[ACCESS_PASSWORD_MAX + 2];
    snprintf(prompt, sizeof prompt, "New password for %s: ", login);
    if (prompt_hidden(prompt, out, n) != 0)
        return cli_error(CLI_EXIT_USAGE, "could not read the password from the terminal");
    if (prompt_hidden("Repeat it: ", again, sizeof again) != 0)
        return cli_error(CLI_EXIT_USAGE, "could not read the password from the terminal");
    int same = strcmp(out, again) == 0;
    explicit_bzero(again, sizeof again);
    if (!same)
        return cli_error(CLI_EXIT_USAGE, "the two passwords differ; nothing was changed");
    return 0;
}

static int find_user(struct cli *cli, const char *login, struct access_user *u)
{
    struct kt_err err;
    if (access_user_get_by_login(cli->st, login, u, &err) != 0)
        return fail(&err);
    return 0;
}

/* The customer code of a customer user ("" for staff). */
static void customer_code(struct cli *cli, const struct access_user *u, char *out, size_t n)
{
    struct parties_customer c;
    struct kt_err err;
    out[0] = '\0';
    if (u->kind == ACCESS_CUSTOMER && parties_customer_get(cli->st, u->customer_id, &c, &err) == 0)
        kt_strlcpy(out, c.code, n);
}

static json_t *str_array(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *perms_json(const struct access_perms *p)
{
    size_t np;
    const struct access_permission *perm = access_permissions(&np);
    json_t *a = json_array();
    for (size_t i = 0; a && i < np; i++)
        if (access_perms_has(p, perm[i].code))
            json_array_append_new(a, json_string(perm[i].code));
    return a;
}

/* Unix ms as "2026-11-28T10:15:00Z"; "" for 0 (never). */
static void iso_time(int64_t ms, char out[KT_TIME_ISO_SIZE])
{
    if (ms <= 0)
        out[0] = '\0';
    else
        kt_time_format_utc((kt_time)(ms / 1000), out);
}

/* The user with roles and permissions, as printed by add, show and list. */
static json_t *user_json(struct cli *cli, const struct access_user *u, struct kt_arena *a)
{
    struct kt_err err;
    const char **roles = NULL;
    size_t nroles = 0;
    struct access_perms perms;
    char code[PARTIES_CODE_MAX + 1], created[KT_TIME_ISO_SIZE], changed[KT_TIME_ISO_SIZE];
    access_perms_clear(&perms);
    if (access_user_roles(cli->st, u->id, a, &roles, &nroles, &err) != 0 ||
        access_user_permissions(cli->st, u->id, &perms, &err) != 0)
        return NULL;
    customer_code(cli, u, code, sizeof code);
    iso_time(u->created_at, created);
    iso_time(u->password_changed_at, changed);
    return json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:b, s:o, s:o, s:s, s:s}", "id",
                     (json_int_t)u->id, "login", u->login, "kind", access_user_kind_name(u->kind),
                     "customer", code[0] ? json_string(code) : json_null(), "name", u->name,
                     "email", u->email, "lang", u->lang, "active", u->active, "roles",
                     str_array(roles, nroles), "permissions", perms_json(&perms), "created_at",
                     created, "password_changed_at", changed);
}

static int print_user(struct cli *cli, const struct access_user *u, const char *verb)
{
    struct kt_arena a;
    struct kt_err err;
    const char **roles = NULL;
    size_t nroles = 0;
    int rc;
    kt_arena_init(&a, 0);
    if (cli->json) {
        json_t *j = user_json(cli, u, &a);
        kt_arena_release(&a);
        return cli_print_json(j);
    }
    if (access_user_roles(cli->st, u->id, &a, &roles, &nroles, &err) != 0) {
        kt_arena_release(&a);
        return fail(&err);
    }
    char code[PARTIES_CODE_MAX + 1];
    customer_code(cli, u, code, sizeof code);
    printf("%s user %s (%s%s%s)%s; roles:", verb, u->login, access_user_kind_name(u->kind),
           code[0] ? " of " : "", code, u->active ? "" : ", disabled");
    for (size_t i = 0; i < nroles; i++)
        printf("%s %s", i ? "," : "", roles[i]);
    rc = printf("%s\n", nroles ? "" : " none") < 0 ? CLI_EXIT_INTERNAL : CLI_EXIT_OK;
    kt_arena_release(&a);
    return rc;
}

static int user_add(struct cli *cli, int argc, char **argv)
{
    char list_store[2048], password[ACCESS_PASSWORD_MAX + 2];
    const char *roles[MAX_LIST];
    size_t nroles;
    const char *name = NULL, *email = NULL, *lang = NULL, *customer = NULL;
    int from_stdin = 0;
    int rc =
        take_list("user add", &argc, argv, "role", list_store, sizeof list_store, roles, &nroles);
    if (rc != 0)
        return rc;
    const struct cli_opt opts[] = {
        {.name = "name", .value = &name},
        {.name = "email", .value = &email},
        {.name = "lang", .value = &lang},
        {.name = "customer", .value = &customer},
        {.name = "password-stdin", .set = &from_stdin},
    };
    char *pos[1];
    size_t npos;
    if ((rc = cli_parse_opts("user add", argc, argv, opts, COUNT(opts), pos, 1, &npos)) != 0)
        return rc;
    if (npos != 1 || !name)
        return cli_error(CLI_EXIT_USAGE,
                         "'user add' needs a LOGIN and --name; see 'kontor help user'");
    struct access_user u;
    memset(&u, 0, sizeof u);
    if (kt_strlcpy(u.login, pos[0], sizeof u.login) != 0 ||
        kt_strlcpy(u.name, name, sizeof u.name) != 0 ||
        kt_strlcpy(u.email, email ? email : "", sizeof u.email) != 0 ||
        kt_strlcpy(u.lang, lang ? lang : "", sizeof u.lang) != 0)
        return cli_error(CLI_EXIT_USAGE, "'user add': a value is too long");
    if ((rc = open_db(cli)) != 0)
        return rc;
    struct kt_err err;
    if (customer) {
        struct parties_customer c;
        if (parties_customer_get_by_code(cli->st, customer, &c, &err) != 0)
            return fail(&err);
        u.kind = ACCESS_CUSTOMER;
        u.customer_id = c.id;
    }
    if ((rc = read_password(u.login, from_stdin, password, sizeof password)) != 0)
        return rc;
    rc = access_user_create(cli->st, &u, password, roles, nroles, &err);
    explicit_bzero(password, sizeof password);
    if (rc != 0)
        return fail(&err);
    return print_user(cli, &u, "created");
}

static int user_passwd(struct cli *cli, int argc, char **argv)
{
    int from_stdin = 0;
    const struct cli_opt opts[] = {{.name = "password-stdin", .set = &from_stdin}};
    char *pos[1];
    size_t npos;
    char password[ACCESS_PASSWORD_MAX + 2];
    int rc = cli_parse_opts("user passwd", argc, argv, opts, COUNT(opts), pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "'user passwd' needs a LOGIN");
    struct access_user u;
    struct kt_err err;
    if ((rc = open_db(cli)) != 0 || (rc = find_user(cli, pos[0], &u)) != 0)
        return rc;
    if ((rc = read_password(u.login, from_stdin, password, sizeof password)) != 0)
        return rc;
    rc = access_user_set_password(cli->st, u.id, password, &err);
    explicit_bzero(password, sizeof password);
    if (rc != 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(
            json_pack("{s:s, s:b, s:b}", "login", u.login, "changed", 1, "sessions_ended", 1));
    printf("changed the password of %s and ended all of their sessions\n", u.login);
    return CLI_EXIT_OK;
}

static int user_role(struct cli *cli, int argc, char **argv)
{
    const char *add = NULL, *remove = NULL;
    const struct cli_opt opts[] = {{.name = "add", .value = &add},
                                   {.name = "remove", .value = &remove}};
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("user role", argc, argv, opts, COUNT(opts), pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1 || (!add == !remove))
        return cli_error(CLI_EXIT_USAGE,
                         "'user role' needs a LOGIN and either --add ROLE or --remove ROLE");
    struct access_user u;
    struct kt_err err;
    if ((rc = open_db(cli)) != 0 || (rc = find_user(cli, pos[0], &u)) != 0)
        return rc;
    rc = add ? access_user_role_add(cli->st, u.id, add, &err)
             : access_user_role_remove(cli->st, u.id, remove, &err);
    if (rc != 0)
        return fail(&err);
    return print_user(cli, &u, "changed");
}

static int user_set_active(struct cli *cli, int argc, char **argv, int active)
{
    char *pos[1];
    size_t npos;
    const char *cmd = active ? "user enable" : "user disable";
    int rc = cli_parse_opts(cmd, argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "'%s' needs a LOGIN", cmd);
    struct access_user u;
    struct kt_err err;
    if ((rc = open_db(cli)) != 0 || (rc = find_user(cli, pos[0], &u)) != 0)
        return rc;
    if (access_user_set_active(cli->st, u.id, active, &err) != 0)
        return fail(&err);
    if ((rc = find_user(cli, pos[0], &u)) != 0)
        return rc;
    return print_user(cli, &u, active ? "enabled" : "disabled");
}

static int user_list(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos, n;
    int rc = cli_parse_opts("user list", argc, argv, NULL, 0, pos, 0, &npos);
    if (rc != 0 || (rc = open_db(cli)) != 0)
        return rc;
    struct kt_arena a;
    struct kt_err err;
    struct access_user *users;
    kt_arena_init(&a, 0);
    if (access_user_list(cli->st, &a, &users, &n, &err) != 0) {
        kt_arena_release(&a);
        return fail(&err);
    }
    if (cli->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++) {
            json_t *j = user_json(cli, &users[i], &a);
            if (!j || json_array_append_new(arr, j) != 0) {
                json_decref(arr);
                arr = NULL;
            }
        }
        kt_arena_release(&a);
        return cli_print_json(arr);
    }
    printf("%-24s %-8s %-12s %-6s %-30s %s\n", "LOGIN", "KIND", "CUSTOMER", "ACTIVE", "ROLES",
           "NAME");
    for (size_t i = 0; i < n; i++) {
        const char **roles;
        size_t nr;
        char code[PARTIES_CODE_MAX + 1], rl[256] = "";
        if (access_user_roles(cli->st, users[i].id, &a, &roles, &nr, &err) != 0) {
            kt_arena_release(&a);
            return fail(&err);
        }
        for (size_t k = 0; k < nr; k++) {
            size_t l = strlen(rl);
            snprintf(rl + l, sizeof rl - l, "%s%s", k ? "," : "", roles[k]);
        }
        customer_code(cli, &users[i], code, sizeof code);
        printf("%-24s %-8s %-12s %-6s %-30s %s\n", users[i].login,
               access_user_kind_name(users[i].kind), code[0] ? code : "-",
               users[i].active ? "yes" : "no", nr ? rl : "-", users[i].name);
    }
    kt_arena_release(&a);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
}

int cli_cmd_user(struct cli *cli, int argc, char **argv)
{
    static const char *const subs[] = {"add", "passwd", "role", "list", "disable", "enable"};
    if (argc < 2)
        return cli_error(CLI_EXIT_USAGE, "'user' needs one of add, passwd, role, list, disable, "
                                         "enable; see 'kontor help user'");
    const char *sub = argv[1];
    if (strcmp(sub, "add") == 0)
        return user_add(cli, argc - 1, argv + 1);
    if (strcmp(sub, "passwd") == 0)
        return user_passwd(cli, argc - 1, argv + 1);
    if (strcmp(sub, "role") == 0)
        return user_role(cli, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0)
        return user_list(cli, argc - 1, argv + 1);
    if (strcmp(sub, "disable") == 0)
        return user_set_active(cli, argc - 1, argv + 1, 0);
    if (strcmp(sub, "enable") == 0)
        return user_set_active(cli, argc - 1, argv + 1, 1);
    const char *s = cli_suggest(sub, subs, COUNT(subs));
    if (s)
        return cli_error(CLI_EXIT_USAGE, "'user %s' is not a command; did you mean 'user %s'?", sub,
                         s);
    return cli_error(CLI_EXIT_USAGE, "'user %s' is not a command; see 'kontor help user'", sub);
}

/* ---- role ----------------------------------------------------------------- */

int cli_cmd_role(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos, n;
    if (argc < 2 || strcmp(argv[1], "list") != 0)
        return cli_error(CLI_EXIT_USAGE, "'role' knows only 'role list'; see 'kontor help role'");
    int rc = cli_parse_opts("role list", argc - 1, argv + 1, NULL, 0, pos, 0, &npos);
    if (rc != 0 || (rc = open_db(cli)) != 0)
        return rc;
    struct kt_arena a;
    struct kt_err err;
    struct access_role *roles;
    kt_arena_init(&a, 0);
    if (access_role_list(cli->st, &a, &roles, &n, &err) != 0) {
        kt_arena_release(&a);
        return fail(&err);
    }
    if (cli->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o}", "code", roles[i].code,
                                                 "name", roles[i].name, "kind",
                                                 access_user_kind_name(roles[i].kind),
                                                 "permissions", perms_json(&roles[i].perms)));
        kt_arena_release(&a);
        return cli_print_json(arr);
    }
    for (size_t i = 0; i < n; i++) {
        char perms[1024];
        access_perms_format(&roles[i].perms, ", ", perms, sizeof perms);
        printf("%-20s %-8s %s\n%-20s %-8s permissions: %s\n", roles[i].code,
               access_user_kind_name(roles[i].kind), roles[i].name, "", "",
               perms[0] ? perms : "none");
    }
    kt_arena_release(&a);
    printf("\n'admin' includes every staff permission. Permissions:\n");
    size_t np;
    const struct access_permission *p = access_permissions(&np);
    for (size_t i = 0; i < np; i++)
        printf("  %-18s %-8s %s\n", p[i].code,
               p[i].area == ACCESS_AREA_STAFF      ? "staff"
               : p[i].area == ACCESS_AREA_CUSTOMER ? "customer"
                                                   : "any",
               p[i].desc_en);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
}

/* ---- token ---------------------------------------------------------------- */

static int token_create(struct cli *cli, int argc, char **argv)
{
    char list_store[2048], scopes[ACCESS_SCOPES_MAX + 1] = "";
    const char *scope_v[MAX_LIST];
    size_t nscopes;
    const char *name = NULL, *days = NULL;
    int rc = take_list("token create", &argc, argv, "scope", list_store, sizeof list_store, scope_v,
                       &nscopes);
    if (rc != 0)
        return rc;
    const struct cli_opt opts[] = {{.name = "name", .value = &name},
                                   {.name = "expires-days", .value = &days}};
    char *pos[1];
    size_t npos;
    if ((rc = cli_parse_opts("token create", argc, argv, opts, COUNT(opts), pos, 1, &npos)) != 0)
        return rc;
    if (npos != 1 || !name || nscopes == 0)
        return cli_error(CLI_EXIT_USAGE, "'token create' needs a LOGIN, --name and at least one "
                                         "--scope; see 'kontor help token'");
    for (size_t i = 0; i < nscopes; i++) {
        size_t l = strlen(scopes);
        if (snprintf(scopes + l, sizeof scopes - l, "%s%s", i ? " " : "", scope_v[i]) >=
            (int)(sizeof scopes - l))
            return cli_error(CLI_EXIT_USAGE, "too many scopes");
    }
    long long ndays = 0;
    if (days) {
        char *end;
        errno = 0;
        ndays = strtoll(days, &end, 10);
        if (errno != 0 || end == days || *end != '\0' || ndays < 1 || ndays > 3650)
            return cli_error(CLI_EXIT_USAGE,
                             "--expires-days %s: expected a whole number from 1 to 3650", days);
    }
    struct access_user u;
    struct access_api_token t;
    struct kt_err err;
    char token[ACCESS_API_TOKEN_LEN + 1];
    if ((rc = open_db(cli)) != 0 || (rc = find_user(cli, pos[0], &u)) != 0)
        return rc;
    int64_t expires = 0;
    if (ndays) {
        /* the same clock the access module uses for created_at */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        expires = ((int64_t)ts.tv_sec + ndays * 86400) * 1000;
    }
    if (access_token_create(cli->st, u.id, name, scopes, expires, token, sizeof token, &t, &err) !=
        0)
        return fail(&err);
    char exp[KT_TIME_ISO_SIZE];
    iso_time(t.expires_at, exp);
    if (cli->json)
        return cli_print_json(json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)t.id,
                                        "login", u.login, "name", t.name, "token", token, "scopes",
                                        t.scopes, "expires_at",
                                        exp[0] ? json_string(exp) : json_null()));
    printf("created API token %lld '%s' for %s, scopes: %s, %s%s\n"
           "it is shown only now; keep it secret:\n%s\n",
           (long long)t.id, t.name, u.login, t.scopes, exp[0] ? "expires " : "never expires", exp,
           token);
    return CLI_EXIT_OK;
}

static int token_revoke(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("token revoke", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    char *end;
    errno = 0;
    long long id = npos == 1 ? strtoll(pos[0], &end, 10) : 0;
    if (npos != 1 || errno != 0 || end == pos[0] || *end != '\0' || id < 1)
        return cli_error(CLI_EXIT_USAGE, "'token revoke' needs the token's ID (a number; see "
                                         "'kontor token list')");
    struct kt_err err;
    if ((rc = open_db(cli)) != 0)
        return rc;
    if (access_token_revoke(cli->st, id, &err) != 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1));
    printf("revoked API token %lld\n", id);
    return CLI_EXIT_OK;
}

static int token_list(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos, n;
    int rc = cli_parse_opts("token list", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0 || (rc = open_db(cli)) != 0)
        return rc;
    struct access_user u;
    memset(&u, 0, sizeof u);
    if (npos == 1 && (rc = find_user(cli, pos[0], &u)) != 0)
        return rc;
    struct kt_arena a;
    struct kt_err err;
    struct access_api_token *t;
    kt_arena_init(&a, 0);
    if (access_token_list(cli->st, u.id, &a, &t, &n, &err) != 0) {
        kt_arena_release(&a);
        return fail(&err);
    }
    json_t *arr = cli->json ? json_array() : NULL;
    if (!cli->json)
        printf("%-6s %-24s %-20s %-6s %-22s %s\n", "ID", "USER", "NAME", "STATE", "EXPIRES",
               "SCOPES");
    for (size_t i = 0; i < n; i++) {
        struct access_user owner;
        char exp[KT_TIME_ISO_SIZE], used[KT_TIME_ISO_SIZE];
        if (access_user_get(cli->st, t[i].user_id, &owner, &err) != 0) {
            json_decref(arr);
            kt_arena_release(&a);
            return fail(&err);
        }
        iso_time(t[i].expires_at, exp);
        iso_time(t[i].last_used_at, used);
        if (arr)
            json_array_append_new(
                arr,
                json_pack("{s:I, s:s, s:s, s:s, s:b, s:o, s:o}", "id", (json_int_t)t[i].id, "login",
                          owner.login, "name", t[i].name, "scopes", t[i].scopes, "revoked",
                          t[i].revoked, "expires_at", exp[0] ? json_string(exp) : json_null(),
                          "last_used_at", used[0] ? json_string(used) : json_null()));
        else
            printf("%-6lld %-24s %-20s %-6s %-22s %s\n", (long long)t[i].id, owner.login, t[i].name,
                   t[i].revoked ? "revoked" : "active", exp[0] ? exp : "never", t[i].scopes);
    }
    kt_arena_release(&a);
    if (cli->json)
        return cli_print_json(arr);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
}

int cli_cmd_token(struct cli *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "create") == 0)
        return token_create(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "revoke") == 0)
        return token_revoke(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return token_list(cli, argc - 1, argv + 1);
    return cli_error(CLI_EXIT_USAGE,
                     "'token' needs create, revoke or list; see 'kontor help token'");
}
