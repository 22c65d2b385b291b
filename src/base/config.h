/*
 * config: Kontor's settings. This module owns the table of known keys
 * (section, key, type, default, help) and the values chosen for them.
 *
 * Where a value comes from, strongest first:
 *   1. a command-line flag          (kt_config_set, e.g. --db, --data)
 *   2. the environment              KONTOR_SECTION_KEY, uppercased
 *                                   ([http] listen -> KONTOR_HTTP_LISTEN);
 *                                   some keys also have a short alias
 *                                   (KONTOR_DB, KONTOR_DATA) that wins over
 *                                   the long name; an empty variable counts
 *                                   as unset
 *   3. the INI file                 kontor.ini, parsed with inih
 *   4. the built-in default
 *
 * Every value is checked against its key's type when it is loaded or set,
 * so a bad value is reported at start-up with where it came from ("kontor.ini
 * line 4", "environment variable KONTOR_LOG_LEVEL", "--db"). Unknown
 * sections and keys in the file are logged as warnings and ignored.
 *
 * Ownership: struct kt_config owns copies of every string; pointers returned
 * by the getters stay valid until kt_config_set changes that key or
 * kt_config_free. The key table is static and immutable.
 */
#ifndef KT_CONFIG_H
#define KT_CONFIG_H

#include <stddef.h>

#include "base/err.h"

enum kt_config_type {
    KT_CONFIG_STRING, /* any non-empty text */
    KT_CONFIG_INT,    /* decimal integer within [min, max] */
    KT_CONFIG_BOOL,   /* true/false, yes/no, on/off, 1/0 (any case) */
    KT_CONFIG_CHOICE, /* one of the words in `choices`, separated by '|' */
};

struct kt_config_key {
    const char *section;
    const char *key;
    enum kt_config_type type;
    const char *def;       /* built-in default, as text */
    long long min, max;    /* KT_CONFIG_INT only */
    const char *choices;   /* KT_CONFIG_CHOICE only, e.g. "debug|info|warn" */
    const char *env_alias; /* a short environment name besides the long one, or NULL */
    const char *help;      /* one line, for `kontor help config` and docs */
};

enum kt_config_source {
    KT_CONFIG_FROM_DEFAULT,
    KT_CONFIG_FROM_FILE,
    KT_CONFIG_FROM_ENV,
    KT_CONFIG_FROM_FLAG,
};

/* The file looked for when no path is given. */
#define KT_CONFIG_DEFAULT_FILE "kontor.ini"

struct kt_config;

/* The table of known keys; *n receives its length. */
const struct kt_config_key *kt_config_keys(size_t *n);

/*
 * The long environment name of a key, "KONTOR_" + SECTION + "_" + KEY,
 * uppercased, with any character other than a letter or digit turned into
 * '_'. KT_ELIMIT when it does not fit in dst.
 */
int kt_config_env_name(char *dst, size_t n, const char *section, const char *key);

/*
 * Loads the configuration. With path NULL, ./kontor.ini is read if it
 * exists and the built-in defaults are used otherwise; a path that is given
 * must exist (KT_ENOTFOUND). Then the environment overrides are applied.
 * Errors: KT_EINVAL for a syntax error or a bad value (the message names the
 * key, the file and the line, or the environment variable), KT_EIO when the
 * file cannot be read, KT_ENOMEM.
 */
int kt_config_load(struct kt_config **out, const char *path, struct kt_err *err);
void kt_config_free(struct kt_config *cfg);

/* The file that was read, or NULL when none was. */
const char *kt_config_path(const struct kt_config *cfg);

/*
 * Sets a value from a command-line flag; `flag` names it in messages
 * ("--db"). KT_EINVAL for an unknown key or a value its type rejects.
 */
int kt_config_set(struct kt_config *cfg, const char *section, const char *key, const char *value,
                  const char *flag, struct kt_err *err);

/* The value as text; NULL only for a key that is not in the table. */
const char *kt_config_get(const struct kt_config *cfg, const char *section, const char *key);

/*
 * Typed getters. KT_EINVAL when the value does not parse or is out of range
 * (the message names the key and where its value came from); KT_EINTERNAL
 * when the key is not in the table or has another type (a programming error).
 */
int kt_config_get_str(const struct kt_config *cfg, const char *section, const char *key,
                      const char **out, struct kt_err *err);
int kt_config_get_int(const struct kt_config *cfg, const char *section, const char *key,
                      long long *out, struct kt_err *err);
int kt_config_get_bool(const struct kt_config *cfg, const char *section, const char *key, int *out,
                       struct kt_err *err);

/*
 * Where the value of a key came from, as text for messages: "kontor.ini
 * line 4", "environment variable KONTOR_DB", "--db", "built-in default".
 * Returns the source, or -1 for a key that is not in the table.
 */
int kt_config_origin(const struct kt_config *cfg, const char *section, const char *key, char *dst,
                     size_t n);

#endif
