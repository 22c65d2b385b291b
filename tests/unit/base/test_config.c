#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/config.h"

static char tmpdir[] = "/tmp/kontor-config-test.XXXXXX";
static char startdir[PATH_MAX];

/* Writes text to NAME inside the temporary directory; returns its path. */
static const char *write_file(const char *name, const char *text)
{
    static char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void clear_env(void)
{
    size_t n;
    const struct kt_config_key *k = kt_config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        char name[64];
        assert_int_equal(kt_config_env_name(name, sizeof name, k[i].section, k[i].key), 0);
        unsetenv(name);
        if (k[i].env_alias)
            unsetenv(k[i].env_alias);
    }
}

static int setup(void **state)
{
    (void)state;
    clear_env();
    unlink(write_file("kontor.ini", ""));
    return chdir(tmpdir);
}

static int teardown(void **state)
{
    (void)state;
    clear_env();
    return chdir(startdir);
}

static void test_env_name_uppercases(void **state)
{
    (void)state;
    char name[64];
    assert_int_equal(kt_config_env_name(name, sizeof name, "http", "listen"), 0);
    assert_string_equal(name, "KONTOR_HTTP_LISTEN");
    assert_int_equal(kt_config_env_name(name, sizeof name, "database", "url"), 0);
    assert_string_equal(name, "KONTOR_DATABASE_URL");
}

static void test_env_name_replaces_punctuation(void **state)
{
    (void)state;
    char name[64];
    assert_int_equal(kt_config_env_name(name, sizeof name, "mail.smtp", "max-size"), 0);
    assert_string_equal(name, "KONTOR_MAIL_SMTP_MAX_SIZE");
}

static void test_env_name_too_long(void **state)
{
    (void)state;
    char name[12];
    assert_int_equal(kt_config_env_name(name, sizeof name, "database", "url"), KT_ELIMIT);
}

static void test_key_table_is_complete(void **state)
{
    (void)state;
    size_t n;
    const struct kt_config_key *k = kt_config_keys(&n);
    assert_true(n >= 5);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(k[i].section);
        assert_non_null(k[i].key);
        assert_non_null(k[i].def);
        assert_non_null(k[i].help);
        if (k[i].type == KT_CONFIG_CHOICE)
            assert_non_null(k[i].choices);
        if (k[i].type == KT_CONFIG_INT)
            assert_true(k[i].min <= k[i].max);
    }
}

/* Every default passes its own type check: a fresh config reads cleanly. */
static void test_defaults_read_with_their_types(void **state)
{
    (void)state;
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, NULL, &err), 0);
    size_t n;
    const struct kt_config_key *k = kt_config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        const char *s;
        long long x;
        int b;
        switch (k[i].type) {
        case KT_CONFIG_STRING:
        case KT_CONFIG_CHOICE:
            assert_int_equal(kt_config_get_str(cfg, k[i].section, k[i].key, &s, &err), 0);
            assert_string_equal(s, k[i].def);
            break;
        case KT_CONFIG_INT:
            assert_int_equal(kt_config_get_int(cfg, k[i].section, k[i].key, &x, &err), 0);
            assert_true(x >= k[i].min && x <= k[i].max);
            break;
        case KT_CONFIG_BOOL:
            assert_int_equal(kt_config_get_bool(cfg, k[i].section, k[i].key, &b, &err), 0);
            break;
        }
    }
    kt_config_free(cfg);
}

static void test_no_file_gives_defaults(void **state)
{
    (void)state;
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, NULL, &err), 0);
    assert_null(kt_config_path(cfg));
    assert_string_equal(kt_config_get(cfg, "database", "url"), "sqlite:var/kontor.db");
    assert_string_equal(kt_config_get(cfg, "data", "dir"), "var/");
    char from[128];
    assert_int_equal(kt_config_origin(cfg, "database", "url", from, sizeof from),
                     KT_CONFIG_FROM_DEFAULT);
    assert_string_equal(from, "built-in default");
    kt_config_free(cfg);
}

static void test_default_file_is_read_when_present(void **state)
{
    (void)state;
    write_file("kontor.ini", "[database]\nurl = sqlite:/srv/k.db\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, NULL, &err), 0);
    assert_string_equal(kt_config_path(cfg), "kontor.ini");
    assert_string_equal(kt_config_get(cfg, "database", "url"), "sqlite:/srv/k.db");
    kt_config_free(cfg);
}

static void test_missing_explicit_file_is_error(void **state)
{
    (void)state;
    struct kt_config *cfg = (struct kt_config *)&cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, "/nonexistent/kontor.ini", &err), KT_ENOTFOUND);
    assert_null(cfg);
    assert_non_null(strstr(err.msg, "/nonexistent/kontor.ini"));
    assert_non_null(strstr(err.msg, "does not exist"));
}

static void test_directory_as_file_is_error(void **state)
{
    (void)state;
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, tmpdir, &err), KT_EIO);
    assert_non_null(strstr(err.msg, "not a regular file"));
}

static void test_file_overrides_default_and_names_line(void **state)
{
    (void)state;
    const char *p = write_file("a.ini", "; comment\n[log]\nlevel = debug\n\n[worker]\n"
                                        "poll_ms = 250\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), 0);
    assert_string_equal(kt_config_get(cfg, "log", "level"), "debug");
    long long x;
    assert_int_equal(kt_config_get_int(cfg, "worker", "poll_ms", &x, &err), 0);
    assert_int_equal(x, 250);
    char from[PATH_MAX + 64], want[PATH_MAX + 64];
    assert_int_equal(kt_config_origin(cfg, "worker", "poll_ms", from, sizeof from),
                     KT_CONFIG_FROM_FILE);
    snprintf(want, sizeof want, "%s line 6", p);
    assert_string_equal(from, want);
    kt_config_free(cfg);
}

static void test_section_and_key_are_case_insensitive(void **state)
{
    (void)state;
    const char *p = write_file("b.ini", "[Database]\nURL = postgresql:///k\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), 0);
    assert_string_equal(kt_config_get(cfg, "database", "url"), "postgresql:///k");
    kt_config_free(cfg);
}

static void test_env_overrides_file(void **state)
{
    (void)state;
    const char *p = write_file("c.ini", "[worker]\npoll_ms = 250\n");
    setenv("KONTOR_WORKER_POLL_MS", "500", 1);
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), 0);
    long long x;
    assert_int_equal(kt_config_get_int(cfg, "worker", "poll_ms", &x, &err), 0);
    assert_int_equal(x, 500);
    char from[128];
    assert_int_equal(kt_config_origin(cfg, "worker", "poll_ms", from, sizeof from),
                     KT_CONFIG_FROM_ENV);
    assert_string_equal(from, "environment variable KONTOR_WORKER_POLL_MS");
    kt_config_free(cfg);
}

static void test_short_alias_wins_over_long_name(void **state)
{
    (void)state;
    setenv("KONTOR_DATABASE_URL", "sqlite:long.db", 1);
    setenv("KONTOR_DB", "sqlite:short.db", 1);
    setenv("KONTOR_DATA", "/srv/data", 1);
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, NULL, &err), 0);
    assert_string_equal(kt_config_get(cfg, "database", "url"), "sqlite:short.db");
    assert_string_equal(kt_config_get(cfg, "data", "dir"), "/srv/data");
    char from[128];
    kt_config_origin(cfg, "database", "url", from, sizeof from);
    assert_string_equal(from, "environment variable KONTOR_DB");
    kt_config_free(cfg);
}

static void test_long_env_name_alone_works(void **state)
{
    (void)state;
    setenv("KONTOR_DATABASE_URL", "sqlite:long.db", 1);
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, NULL, &err), 0);
    assert_string_equal(kt_config_get(cfg, "database", "url"), "sqlite:long.db");
    kt_config_free(cfg);
}

static void test_empty_env_counts_as_unset(void **state)
{
    (void)state;
    const char *p = write_file("d.ini", "[data]\ndir = /srv/files\n");
    setenv("KONTOR_DATA", "", 1);
    setenv("KONTOR_DATA_DIR", "", 1);
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), 0);
    assert_string_equal(kt_config_get(cfg, "data", "dir"), "/srv/files");
    kt_config_free(cfg);
}

static void test_flag_overrides_env_and_file(void **state)
{
    (void)state;
    const char *p = write_file("e.ini", "[database]\nurl = sqlite:file.db\n");
    setenv("KONTOR_DB", "sqlite:env.db", 1);
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), 0);
    assert_string_equal(kt_config_get(cfg, "database", "url"), "sqlite:env.db");
    assert_int_equal(kt_config_set(cfg, "database", "url", "sqlite:flag.db", "--db", &err), 0);
    assert_string_equal(kt_config_get(cfg, "database", "url"), "sqlite:flag.db");
    char from[128];
    assert_int_equal(kt_config_origin(cfg, "database", "url", from, sizeof from),
                     KT_CONFIG_FROM_FLAG);
    assert_string_equal(from, "--db");
    kt_config_free(cfg);
}

static void test_bad_int_names_key_file_and_line(void **state)
{
    (void)state;
    const char *p = write_file("f.ini", "[worker]\n\npoll_ms = soon\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), KT_EINVAL);
    assert_null(cfg);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s line 3: [worker] poll_ms must be a whole number", p);
    assert_non_null(strstr(err.msg, want));
    assert_non_null(strstr(err.msg, "'soon'"));
}

static void test_int_out_of_range(void **state)
{
    (void)state;
    const char *p = write_file("g.ini", "[worker]\npoll_ms = 5\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "line 2"));
    assert_non_null(strstr(err.msg, "from 10 to 600000"));
}

static void test_int_overflow_and_trailing_text(void **state)
{
    (void)state;
    const char *values[] = {"99999999999999999999999", "100ms", "", "-"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "[worker]\npoll_ms = %s\n", values[i]);
        const char *p = write_file("h.ini", text);
        struct kt_config *cfg;
        struct kt_err err;
        assert_int_equal(kt_config_load(&cfg, p, &err), KT_EINVAL);
        assert_non_null(strstr(err.msg, "[worker] poll_ms"));
    }
}

static void test_bool_spellings(void **state)
{
    (void)state;
    const struct {
        const char *text;
        int want;
    } cases[] = {{"true", 1},  {"YES", 1}, {"On", 1},  {"1", 1},
                 {"false", 0}, {"no", 0},  {"OFF", 0}, {"0", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setenv("KONTOR_OUTPUT_JSON", cases[i].text, 1);
        struct kt_config *cfg;
        struct kt_err err;
        assert_int_equal(kt_config_load(&cfg, NULL, &err), 0);
        int b = -1;
        assert_int_equal(kt_config_get_bool(cfg, "output", "json", &b, &err), 0);
        assert_int_equal(b, cases[i].want);
        kt_config_free(cfg);
    }
}

static void test_bad_bool_in_env_names_variable(void **state)
{
    (void)state;
    setenv("KONTOR_OUTPUT_JSON", "maybe", 1);
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, NULL, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "environment variable KONTOR_OUTPUT_JSON"));
    assert_non_null(strstr(err.msg, "[output] json must be true or false"));
}

static void test_bad_choice(void **state)
{
    (void)state;
    const char *p = write_file("i.ini", "[log]\nlevel = loud\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), KT_EINVAL);
    assert_non_null(
        strstr(err.msg, "line 2: [log] level must be one of debug|info|warn|error|off"));
}

static void test_empty_string_value_rejected(void **state)
{
    (void)state;
    const char *p = write_file("j.ini", "[database]\nurl =\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "line 2: [database] url must not be empty"));
}

static void test_syntax_error_names_line(void **state)
{
    (void)state;
    const char *p = write_file("k.ini", "[database]\nurl = sqlite:x.db\nthis line is junk\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "line 3"));
    assert_non_null(strstr(err.msg, "expected '[section]' or 'key = value'"));
}

static void test_first_bad_value_is_reported(void **state)
{
    (void)state;
    const char *p = write_file("l.ini", "[log]\nlevel = loud\n[worker]\npoll_ms = x\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "line 2: [log] level"));
}

static void test_unknown_keys_are_ignored(void **state)
{
    (void)state;
    const char *p = write_file("m.ini", "top = 1\n[nosuch]\nthing = 1\n[database]\n"
                                        "colour = red\nurl = sqlite:ok.db\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), 0);
    assert_string_equal(kt_config_get(cfg, "database", "url"), "sqlite:ok.db");
    assert_null(kt_config_get(cfg, "database", "colour"));
    assert_null(kt_config_get(cfg, "nosuch", "thing"));
    kt_config_free(cfg);
}

static void test_later_line_wins(void **state)
{
    (void)state;
    const char *p = write_file("n.ini", "[log]\nlevel = warn\nlevel = error\n");
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, p, &err), 0);
    assert_string_equal(kt_config_get(cfg, "log", "level"), "error");
    kt_config_free(cfg);
}

static void test_set_rejects_bad_value_naming_flag(void **state)
{
    (void)state;
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, NULL, &err), 0);
    assert_int_equal(kt_config_set(cfg, "log", "level", "chatty", "--log-level", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "--log-level must be one of"));
    assert_int_equal(kt_config_set(cfg, "data", "dir", "", "--data", &err), KT_EINVAL);
    assert_string_equal(err.msg, "--data must not be empty");
    /* the rejected values left the old ones in place */
    assert_string_equal(kt_config_get(cfg, "log", "level"), "info");
    assert_string_equal(kt_config_get(cfg, "data", "dir"), "var/");
    assert_int_equal(kt_config_set(cfg, "no", "such", "x", "--x", &err), KT_EINVAL);
    kt_config_free(cfg);
}

static void test_wrong_type_and_unknown_key_are_internal(void **state)
{
    (void)state;
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, NULL, &err), 0);
    long long x;
    int b;
    const char *s;
    assert_int_equal(kt_config_get_int(cfg, "database", "url", &x, &err), KT_EINTERNAL);
    assert_int_equal(kt_config_get_bool(cfg, "worker", "poll_ms", &b, &err), KT_EINTERNAL);
    assert_int_equal(kt_config_get_str(cfg, "output", "json", &s, &err), KT_EINTERNAL);
    assert_int_equal(kt_config_get_str(cfg, "no", "such", &s, &err), KT_EINTERNAL);
    char from[32];
    assert_int_equal(kt_config_origin(cfg, "no", "such", from, sizeof from), -1);
    kt_config_free(cfg);
}

static void test_choice_read_as_string(void **state)
{
    (void)state;
    setenv("KONTOR_LOG_LEVEL", "warn", 1);
    struct kt_config *cfg;
    struct kt_err err;
    assert_int_equal(kt_config_load(&cfg, NULL, &err), 0);
    const char *s;
    assert_int_equal(kt_config_get_str(cfg, "log", "level", &s, &err), 0);
    assert_string_equal(s, "warn");
    kt_config_free(cfg);
}

static int group_setup(void **state)
{
    (void)state;
    if (!getcwd(startdir, sizeof startdir) || !mkdtemp(tmpdir))
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_env_name_uppercases),
        T(test_env_name_replaces_punctuation),
        T(test_env_name_too_long),
        T(test_key_table_is_complete),
        T(test_defaults_read_with_their_types),
        T(test_no_file_gives_defaults),
        T(test_default_file_is_read_when_present),
        T(test_missing_explicit_file_is_error),
        T(test_directory_as_file_is_error),
        T(test_file_overrides_default_and_names_line),
        T(test_section_and_key_are_case_insensitive),
        T(test_env_overrides_file),
        T(test_short_alias_wins_over_long_name),
        T(test_long_env_name_alone_works),
        T(test_empty_env_counts_as_unset),
        T(test_flag_overrides_env_and_file),
        T(test_bad_int_names_key_file_and_line),
        T(test_int_out_of_range),
        T(test_int_overflow_and_trailing_text),
        T(test_bool_spellings),
        T(test_bad_bool_in_env_names_variable),
        T(test_bad_choice),
        T(test_empty_string_value_rejected),
        T(test_syntax_error_names_line),
        T(test_first_bad_value_is_reported),
        T(test_unknown_keys_are_ignored),
        T(test_later_line_wins),
        T(test_set_rejects_bad_value_naming_flag),
        T(test_wrong_type_and_unknown_key_are_internal),
        T(test_choice_read_as_string),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
