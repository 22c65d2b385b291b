#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/log.h"
#include "base/banned.h"

/*
 * The known keys. Adding a setting means adding a row here (and a line in
 * kontor.ini.example and docs/cli.md); everything else follows from it.
 */
static const struct kt_config_key keys[] = {
    {
        .section = "database",
        .key = "url",
        .type = KT_CONFIG_STRING,
        .def = "sqlite:var/kontor.db",
        .env_alias = "KONTOR_DB",
        .help = "database: sqlite:PATH or postgresql://user@host/dbname",
    },
    {
        .section = "data",
        .key = "dir",
        .type = KT_CONFIG_STRING,
        .def = "var/",
        .env_alias = "KONTOR_DATA",
        .help = "data directory: blobs (images, PDFs, attachments) live under it",
    },
    {
        .section = "log",
        .key = "level",
        .type = KT_CONFIG_CHOICE,
        .def = "info",
        .choices = "debug|info|warn|error|off",
        .help = "lowest level of log lines written to stderr",
    },
    {
        .section = "output",
        .key = "json",
        .type = KT_CONFIG_BOOL,
        .def = "false",
        .help = "print data as JSON by default, as if --json were given",
    },
    {
        .section = "worker",
        .key = "poll_ms",
        .type = KT_CONFIG_INT,
        .def = "1000",
        .min = 10,
        .max = 600000,
        .help = "milliseconds the worker sleeps before looking again when no job is due",
    },
    {
        .section = "http",
        .key = "listen",
        .type = KT_CONFIG_STRING,
        .def = "127.0.0.1:8080",
        .help = "address and port kontor serve listens on, e.g. 0.0.0.0:8080 or [::1]:8080",
    },
    {
        .section = "http",
        .key = "threads",
        .type = KT_CONFIG_INT,
        .def = "4",
        .min = 1,
        .max = 256,
        .help = "request threads of kontor serve, each with its own database connection",
    },
    {
        .section = "http",
        .key = "max_body",
        .type = KT_CONFIG_INT,
        .def = "10485760",
        .min = 1024,
        .max = 1073741824,
        .help = "largest request body in bytes (uploads included); larger ones get 413",
    },
    {
        .section = "http",
        .key = "max_header",
        .type = KT_CONFIG_INT,
        .def = "16384",
        .min = 2048,
        .max = 1048576,
        .help = "largest request line plus headers in bytes; larger ones get 431",
    },
    {
        .section = "http",
        .key = "max_connections",
        .type = KT_CONFIG_INT,
        .def = "512",
        .min = 1,
        .max = 65536,
        .help = "open connections kontor serve accepts at once",
    },
    {
        .section = "http",
        .key = "timeout_s",
        .type = KT_CONFIG_INT,
        .def = "30",
        .min = 1,
        .max = 3600,
        .help = "seconds an idle or stalled connection is kept before it is closed",
    },
    {
        .section = "http",
        .key = "shutdown_s",
        .type = KT_CONFIG_INT,
        .def = "10",
        .min = 0,
        .max = 600,
        .help = "seconds requests in flight may take to finish when kontor serve stops",
    },
    {
        .section = "http",
        .key = "hash_slots",
        .type = KT_CONFIG_INT,
        .def = "2",
        .min = 1,
        .max = 64,
        .help = "logins hashing passwords at once (each takes about 64 MiB for ~0.1 s)",
    },
    {
        .section = "http",
        .key = "secure_cookies",
        .type = KT_CONFIG_BOOL,
        .def = "false",
        .help = "mark cookies Secure; set it when users reach kontor through HTTPS",
    },
    {
        .section = "web",
        .key = "dir",
        .type = KT_CONFIG_STRING,
        .def = "web",
        .help = "directory with the web templates/, static/ and i18n/ folders",
    },
    {
        .section = "access",
        .key = "password_ops",
        .type = KT_CONFIG_INT,
        .def = "2",
        .min = 1,
        .max = 10,
        .help = "argon2id passes for new password hashes; older hashes are redone at login",
    },
    {
        .section = "access",
        .key = "password_mem_kib",
        .type = KT_CONFIG_INT,
        .def = "65536",
        .min = 8,
        .max = 4194304,
        .help = "KiB of memory one password hash uses (64 MiB by default); tests use 8",
    },
    {
        .section = "access",
        .key = "session_idle_min",
        .type = KT_CONFIG_INT,
        .def = "30",
        .min = 1,
        .max = 1440,
        .help = "minutes without a request after which a login session ends",
    },
    {
        .section = "access",
        .key = "session_max_hours",
        .type = KT_CONFIG_INT,
        .def = "12",
        .min = 1,
        .max = 720,
        .help = "hours after login at which a session ends, however active",
    },
    {
        .section = "access",
        .key = "login_attempts",
        .type = KT_CONFIG_INT,
        .def = "5",
        .min = 1,
        .max = 100,
        .help = "failed logins to an account before each next try must wait (1 s, 2 s, 4 s ...)",
    },
};

#define NKEYS (sizeof keys / sizeof keys[0])

struct slot {
    char *value; /* heap copy; NULL means the default */
    enum kt_config_source source;
    int line;       /* KT_CONFIG_FROM_FILE */
    char label[64]; /* environment variable or flag name */
};

struct kt_config {
    char *path;
    struct slot slots[NKEYS];
};

const struct kt_config_key *kt_config_keys(size_t *n)
{
    *n = NKEYS;
    return keys;
}

int kt_config_env_name(char *dst, size_t n, const char *section, const char *key)
{
    int w = snprintf(dst, n, "KONTOR_%s_%s", section, key);
    if (w < 0 || (size_t)w >= n)
        return KT_ELIMIT;
    for (char *p = dst; *p; p++)
        *p = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
    return 0;
}

static int find_key(const char *section, const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcasecmp(keys[i].section, section) == 0 && strcasecmp(keys[i].key, key) == 0)
            return (int)i;
    return -1;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

static int in_choices(const char *choices, const char *v)
{
    size_t len = strlen(v);
    const char *p = choices;
    while (*p) {
        size_t k = strcspn(p, "|");
        if (k == len && len > 0 && strncasecmp(p, v, len) == 0)
            return 1;
        p += k;
        if (*p == '|')
            p++;
    }
    return 0;
}

/*
 * Checks v against the key's type; fills the parsed number or flag when
 * asked. On failure writes the reason ("must be ...") to why.
 */
static int check_value(const struct kt_config_key *k, const char *v, long long *ival, int *bval,
                       char *why, size_t n)
{
    switch (k->type) {
    case KT_CONFIG_STRING:
        if (*v == '\0') {
            snprintf(why, n, "must not be empty");
            return -1;
        }
        return 0;
    case KT_CONFIG_CHOICE:
        if (!in_choices(k->choices, v)) {
            snprintf(why, n, "must be one of %s, not '%s'", k->choices, v);
            return -1;
        }
        return 0;
    case KT_CONFIG_BOOL: {
        int b;
        if (parse_bool(v, &b) != 0) {
            snprintf(why, n, "must be true or false (also yes/no, on/off, 1/0), not '%s'", v);
            return -1;
        }
        if (bval)
            *bval = b;
        return 0;
    }
    case KT_CONFIG_INT: {
        char *end;
        errno = 0;
        long long x = strtoll(v, &end, 10);
        if (*v == '\0' || *end != '\0' || errno == ERANGE || x < k->min || x > k->max) {
            snprintf(why, n, "must be a whole number from %lld to %lld, not '%s'", k->min, k->max,
                     v);
            return -1;
        }
        if (ival)
            *ival = x;
        return 0;
    }
    }
    snprintf(why, n, "has a type this build does not know");
    return -1;
}

static void origin_text(const struct kt_config *cfg, size_t i, char *dst, size_t n)
{
    const struct slot *s = &cfg->slots[i];
    switch (s->source) {
    case KT_CONFIG_FROM_FILE:
        snprintf(dst, n, "%s line %d", cfg->path ? cfg->path : "?", s->line);
        return;
    case KT_CONFIG_FROM_ENV:
        snprintf(dst, n, "environment variable %s", s->label);
        return;
    case KT_CONFIG_FROM_FLAG:
        snprintf(dst, n, "%s", s->label);
        return;
    case KT_CONFIG_FROM_DEFAULT:
        break;
    }
    snprintf(dst, n, "built-in default");
}

static int store_value(struct kt_config *cfg, size_t i, const char *v, enum kt_config_source src,
                       int line, const char *label, struct kt_err *err)
{
    char *copy = strdup(v);
    if (!copy)
        return kt_err_set(err, KT_ENOMEM, "out of memory while reading the configuration");
    struct slot *s = &cfg->slots[i];
    free(s->value);
    s->value = copy;
    s->source = src;
    s->line = line;
    kt_strlcpy(s->label, label ? label : "", sizeof s->label);
    return 0;
}

/* Parsing state shared by the inih reader and handler. */
struct parse_ctx {
    struct kt_config *cfg;
    FILE *f;
    int line;      /* line number of the text last handed to inih */
    int next_line; /* line number the next read starts on */
    struct kt_err *err;
    int failed; /* first error already recorded in err */
};

/* fgets for inih that also counts lines, so errors can name them. */
static char *counting_reader(char *str, int num, void *stream)
{
    struct parse_ctx *ctx = stream;
    char *r = fgets(str, num, ctx->f);
    if (!r)
        return NULL;
    ctx->line = ctx->next_line;
    if (strchr(str, '\n'))
        ctx->next_line++;
    return r;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct parse_ctx *ctx = user;
    int i = find_key(section, name);
    if (i < 0) {
        kt_log_warn("config.unknown_key", "file=%s line=%d key=\"[%s] %s\" action=ignored",
                    ctx->cfg->path, ctx->line, section, name);
        return 1;
    }
    char why[256];
    if (check_value(&keys[i], value, NULL, NULL, why, sizeof why) != 0) {
        if (!ctx->failed)
            kt_err_set(ctx->err, KT_EINVAL, "%s line %d: [%s] %s %s", ctx->cfg->path, ctx->line,
                       keys[i].section, keys[i].key, why);
        ctx->failed = 1;
        return 0;
    }
    if (store_value(ctx->cfg, (size_t)i, value, KT_CONFIG_FROM_FILE, ctx->line, NULL, ctx->err) !=
        0) {
        ctx->failed = 1;
        return 0;
    }
    return 1;
}

static int read_file(struct kt_config *cfg, struct kt_err *err)
{
    int rc = 0;
    struct parse_ctx ctx = {.cfg = cfg, .line = 0, .next_line = 1, .err = err};
    ctx.f = fopen(cfg->path, "r");
    if (!ctx.f) {
        if (errno == ENOENT)
            return kt_err_set(err, KT_ENOTFOUND,
                              "config file %s does not exist; create it (see "
                              "kontor.ini.example) or leave out --config",
                              cfg->path);
        return kt_err_set(err, KT_EIO, "cannot read config file %s: %s", cfg->path,
                          strerror(errno));
    }
    struct stat sb;
    if (fstat(fileno(ctx.f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        rc = kt_err_set(err, KT_EIO, "config file %s is not a regular file", cfg->path);
        goto out;
    }
    int r = ini_parse_stream(counting_reader, &ctx, on_pair, &ctx);
    if (ctx.failed) {
        rc = err ? err->code : KT_EINVAL;
        goto out;
    }
    if (ferror(ctx.f)) {
        rc = kt_err_set(err, KT_EIO, "cannot read config file %s", cfg->path);
        goto out;
    }
    if (r == -2) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory while reading %s", cfg->path);
        goto out;
    }
    if (r != 0) {
        rc = kt_err_set(err, KT_EINVAL,
                        "%s line %d: expected '[section]' or 'key = value' (comments start "
                        "with ; or #)",
                        cfg->path, r);
        goto out;
    }
out:
    fclose(ctx.f);
    return rc;
}

static int apply_env(struct kt_config *cfg, struct kt_err *err)
{
    for (size_t i = 0; i < NKEYS; i++) {
        char longname[64];
        if (kt_config_env_name(longname, sizeof longname, keys[i].section, keys[i].key) != 0)
            return kt_err_set(err, KT_EINTERNAL, "config key [%s] %s has too long a name",
                              keys[i].section, keys[i].key);
        const char *names[2] = {keys[i].env_alias, longname};
        for (size_t j = 0; j < 2; j++) {
            const char *v = names[j] ? getenv(names[j]) : NULL;
            if (!v || !*v)
                continue;
            char why[256];
            if (check_value(&keys[i], v, NULL, NULL, why, sizeof why) != 0)
                return kt_err_set(err, KT_EINVAL, "environment variable %s: [%s] %s %s", names[j],
                                  keys[i].section, keys[i].key, why);
            int rc = store_value(cfg, i, v, KT_CONFIG_FROM_ENV, 0, names[j], err);
            if (rc != 0)
                return rc;
            break; /* the alias wins over the long name */
        }
    }
    return 0;
}

int kt_config_load(struct kt_config **out, const char *path, struct kt_err *err)
{
    int rc = 0;
    *out = NULL;
    struct kt_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return kt_err_set(err, KT_ENOMEM, "out of memory while reading the configuration");
    if (!path && access(KT_CONFIG_DEFAULT_FILE, F_OK) == 0)
        path = KT_CONFIG_DEFAULT_FILE;
    if (path) {
        cfg->path = strdup(path);
        if (!cfg->path) {
            rc = kt_err_set(err, KT_ENOMEM, "out of memory while reading the configuration");
            goto out;
        }
        rc = read_file(cfg, err);
        if (rc != 0)
            goto out;
    }
    rc = apply_env(cfg, err);
out:
    if (rc != 0)
        kt_config_free(cfg);
    else
        *out = cfg;
    return rc;
}

void kt_config_free(struct kt_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < NKEYS; i++)
        free(cfg->slots[i].value);
    free(cfg->path);
    free(cfg);
}

const char *kt_config_path(const struct kt_config *cfg)
{
    return cfg->path;
}

int kt_config_set(struct kt_config *cfg, const char *section, const char *key, const char *value,
                  const char *flag, struct kt_err *err)
{
    int i = find_key(section, key);
    if (i < 0)
        return kt_err_set(err, KT_EINVAL, "%s: [%s] %s is not a known setting", flag, section, key);
    char why[256];
    if (check_value(&keys[i], value, NULL, NULL, why, sizeof why) != 0)
        return kt_err_set(err, KT_EINVAL, "%s %s", flag, why);
    return store_value(cfg, (size_t)i, value, KT_CONFIG_FROM_FLAG, 0, flag, err);
}

static const char *value_of(const struct kt_config *cfg, size_t i)
{
    return cfg->slots[i].value ? cfg->slots[i].value : keys[i].def;
}

const char *kt_config_get(const struct kt_config *cfg, const char *section, const char *key)
{
    int i = find_key(section, key);
    return i < 0 ? NULL : value_of(cfg, (size_t)i);
}

/* Finds the key and checks its type; a mismatch is a programming error. */
static int typed_key(const char *section, const char *key, enum kt_config_type want,
                     struct kt_err *err)
{
    int i = find_key(section, key);
    if (i < 0)
        return kt_err_set(err, KT_EINTERNAL, "config key [%s] %s is not in the key table", section,
                          key);
    enum kt_config_type t = keys[i].type;
    int ok = t == want || (want == KT_CONFIG_STRING && t == KT_CONFIG_CHOICE);
    if (!ok)
        return kt_err_set(err, KT_EINTERNAL, "config key [%s] %s is read with the wrong type",
                          section, key);
    return i;
}

static int typed_get(const struct kt_config *cfg, const char *section, const char *key,
                     enum kt_config_type want, long long *ival, int *bval, const char **sval,
                     struct kt_err *err)
{
    int i = typed_key(section, key, want, err);
    if (i < 0)
        return i;
    const char *v = value_of(cfg, (size_t)i);
    char why[256];
    if (check_value(&keys[i], v, ival, bval, why, sizeof why) != 0) {
        char from[320];
        origin_text(cfg, (size_t)i, from, sizeof from);
        return kt_err_set(err, KT_EINVAL, "%s: [%s] %s %s", from, keys[i].section, keys[i].key,
                          why);
    }
    if (sval)
        *sval = v;
    return 0;
}

int kt_config_get_str(const struct kt_config *cfg, const char *section, const char *key,
                      const char **out, struct kt_err *err)
{
    return typed_get(cfg, section, key, KT_CONFIG_STRING, NULL, NULL, out, err);
}

int kt_config_get_int(const struct kt_config *cfg, const char *section, const char *key,
                      long long *out, struct kt_err *err)
{
    return typed_get(cfg, section, key, KT_CONFIG_INT, out, NULL, NULL, err);
}

int kt_config_get_bool(const struct kt_config *cfg, const char *section, const char *key, int *out,
                       struct kt_err *err)
{
    return typed_get(cfg, section, key, KT_CONFIG_BOOL, NULL, out, NULL, err);
}

int kt_config_origin(const struct kt_config *cfg, const char *section, const char *key, char *dst,
                     size_t n)
{
    int i = find_key(section, key);
    if (i < 0)
        return -1;
    origin_text(cfg, (size_t)i, dst, n);
    return (int)cfg->slots[i].source;
}
