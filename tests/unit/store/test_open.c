/*
 * Opening a database that is not there, not reachable or not ours: one
 * clear sentence, the right code, and nothing on disk changed.
 */
#include <fcntl.h>
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

#include "base/err.h"
#include "store/store.h"

static int setup(void **state)
{
    char *dir = strdup("/tmp/kontor-open.XXXXXX");
    if (!dir || !mkdtemp(dir))
        return -1;
    *state = dir;
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", (char *)*state);
    if (system(cmd) != 0)
        return -1;
    free(*state);
    return 0;
}

static void test_unknown_url(void **state)
{
    (void)state;
    struct kt_err err;
    struct store *st = (struct store *)&err; /* must be cleared on failure */
    assert_int_equal(store_open("mysql://localhost/kontor", &st, &err), KT_EINVAL);
    assert_null(st);
    assert_non_null(strstr(err.msg, "sqlite:PATH"));
    assert_non_null(strstr(err.msg, "postgresql://"));
    assert_int_equal(store_open("", &st, &err), KT_EINVAL);
    assert_int_equal(store_open("var/kontor.db", &st, &err), KT_EINVAL);
    assert_int_equal(store_open("sqlite:", &st, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "file path"));
}

static void test_sqlite_creates_file_and_reports_driver(void **state)
{
    const char *dir = *state;
    char url[512];
    struct kt_err err;
    struct store *st;
    snprintf(url, sizeof url, "sqlite:%s/new.db", dir);
    assert_int_equal(store_open(url, &st, &err), 0);
    assert_string_equal(store_driver_name(st), "sqlite");
    assert_int_equal(store_dialect(st), STORE_SQLITE);
    store_close(st);
    struct stat sb;
    snprintf(url, sizeof url, "%s/new.db", dir);
    assert_int_equal(stat(url, &sb), 0);
}

static void test_missing_directory(void **state)
{
    const char *dir = *state;
    char url[600], sub[512];
    struct kt_err err;
    struct store *st;
    snprintf(sub, sizeof sub, "%s/not-there", dir);
    snprintf(url, sizeof url, "sqlite:%s/kontor.db", sub);
    assert_int_equal(store_open(url, &st, &err), KT_EUNAVAIL);
    assert_non_null(strstr(err.msg, sub));
    assert_non_null(strstr(err.msg, "does not exist"));
    struct stat sb;
    assert_int_equal(stat(sub, &sb), -1); /* never created silently */
}

static void test_path_is_directory(void **state)
{
    const char *dir = *state;
    char url[512];
    struct kt_err err;
    struct store *st;
    snprintf(url, sizeof url, "sqlite:%s", dir);
    assert_int_equal(store_open(url, &st, &err), KT_EUNAVAIL);
    assert_non_null(strstr(err.msg, dir));
}

static void test_corrupt_sqlite_file(void **state)
{
    const char *dir = *state;
    char path[512], url[600], wal[520];
    unsigned char garbage[8192];
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (unsigned char)(i * 7 + 3);
    memcpy(garbage, "Kontor export, not a database\n", 30);
    snprintf(path, sizeof path, "%s/kontor.db", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(garbage, 1, sizeof garbage, f), sizeof garbage);
    fclose(f);
    snprintf(url, sizeof url, "sqlite:%s", path);
    struct kt_err err;
    struct store *st;
    assert_int_equal(store_open(url, &st, &err), KT_ECORRUPT);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "is not a Kontor database or is damaged"));
    /* the file is untouched and no journal was left next to it */
    unsigned char back[sizeof garbage + 1];
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(back, 1, sizeof back, f), sizeof garbage);
    fclose(f);
    assert_memory_equal(back, garbage, sizeof garbage);
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_int_not_equal(access(wal, F_OK), 0);
}

static void test_unreachable_postgres(void **state)
{
    (void)state;
    struct kt_err err;
    struct store *st;
    const char *url = "postgresql://kontor:s3cretpw@127.0.0.1:1/kontor?connect_timeout=2";
    assert_int_equal(store_open(url, &st, &err), KT_EUNAVAIL);
    assert_non_null(strstr(err.msg, "cannot connect to PostgreSQL at 127.0.0.1:1"));
    assert_null(strstr(err.msg, "s3cretpw"));
    assert_null(strchr(err.msg, '\n'));
    /* the short scheme is accepted too, and fails the same way */
    assert_int_equal(store_open("postgres://u:pw123456@127.0.0.1:1/x?connect_timeout=2", &st,
                                &err),
                     KT_EUNAVAIL);
    assert_null(strstr(err.msg, "pw123456"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_url),
        cmocka_unit_test_setup_teardown(test_sqlite_creates_file_and_reports_driver, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_is_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_sqlite_file, setup, teardown),
        cmocka_unit_test(test_unreachable_postgres),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
