/*
 * The content-addressed blob store on a temporary data directory.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/blob.h"

static int setup(void **state)
{
    char *dir = strdup("/tmp/kontor-blob.XXXXXX");
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

/* Number of entries in DIR/blobs whose name starts with ".tmp-". */
static int temp_files(const char *dir)
{
    char p[512];
    snprintf(p, sizeof p, "%s/blobs", dir);
    DIR *d = opendir(p);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strncmp(e->d_name, ".tmp-", 5) == 0;
    closedir(d);
    return n;
}

static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[65];
    /* FIPS 180-2 examples */
    blob_hash("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    blob_hash("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    blob_hash(m, strlen(m), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_put_get_roundtrip(void **state)
{
    const char *dir = *state;
    struct kt_err err;
    char hex[65], path[512], want[512];
    const unsigned char data[] = {'a', 0, 'b', 0, 0, 0xff, 0x80};
    assert_int_equal(blob_put(dir, data, sizeof data, hex, &err), 0);
    assert_int_equal(strlen(hex), 64);
    assert_int_equal(blob_exists(dir, hex, &err), 1);
    assert_int_equal(blob_path(dir, hex, path, sizeof path, &err), 0);
    snprintf(want, sizeof want, "%s/blobs/%.2s/%s", dir, hex, hex + 2);
    assert_string_equal(path, want);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, sizeof data);
    struct kt_buf b;
    kt_buf_init(&b, 0);
    assert_int_equal(blob_get(dir, hex, &b, 1024, &err), 0);
    assert_int_equal(b.len, sizeof data);
    assert_memory_equal(b.data, data, sizeof data);
    kt_buf_release(&b);
    assert_int_equal(temp_files(dir), 0);
}

static void test_put_names_by_sha256(void **state)
{
    const char *dir = *state;
    struct kt_err err;
    char hex[65];
    assert_int_equal(blob_put(dir, "abc", 3, hex, &err), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(blob_put(dir, NULL, 0, hex, &err), 0);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    struct kt_buf b;
    kt_buf_init(&b, 0);
    assert_int_equal(blob_get(dir, hex, &b, 10, &err), 0);
    assert_int_equal(b.len, 0);
    kt_buf_release(&b);
}

static void test_dedup_no_rewrite(void **state)
{
    const char *dir = *state;
    struct kt_err err;
    char h1[65], h2[65], path[512];
    assert_int_equal(blob_put(dir, "same content", 12, h1, &err), 0);
    assert_int_equal(blob_path(dir, h1, path, sizeof path, &err), 0);
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);
    assert_int_equal(blob_put(dir, "same content", 12, h2, &err), 0);
    assert_string_equal(h1, h2);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino); /* not replaced by a new file */
    assert_int_equal(temp_files(dir), 0);
}

static void test_truncated_blob_repaired(void **state)
{
    const char *dir = *state;
    struct kt_err err;
    char hex[65], path[512];
    assert_int_equal(blob_put(dir, "0123456789", 10, hex, &err), 0);
    assert_int_equal(blob_path(dir, hex, path, sizeof path, &err), 0);
    assert_int_equal(truncate(path, 4), 0);
    assert_int_equal(blob_put(dir, "0123456789", 10, hex, &err), 0);
    struct kt_buf b;
    kt_buf_init(&b, 0);
    assert_int_equal(blob_get(dir, hex, &b, 100, &err), 0);
    assert_memory_equal(b.data, "0123456789", 10);
    kt_buf_release(&b);
}

static void test_corruption_detected(void **state)
{
    const char *dir = *state;
    struct kt_err err;
    char hex[65], path[512];
    assert_int_equal(blob_put(dir, "invoice PDF bytes", 17, hex, &err), 0);
    assert_int_equal(blob_path(dir, hex, path, sizeof path, &err), 0);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "X", 1, 3), 1);
    close(fd);
    struct kt_buf b;
    kt_buf_init(&b, 0);
    assert_int_equal(blob_get(dir, hex, &b, 100, &err), KT_ECORRUPT);
    assert_non_null(strstr(err.msg, "damaged"));
    assert_non_null(strstr(err.msg, hex));
    assert_int_equal(b.len, 0); /* no wrong bytes handed out */
    kt_buf_release(&b);
}

static void test_get_errors(void **state)
{
    const char *dir = *state;
    struct kt_err err;
    char hex[65];
    struct kt_buf b;
    kt_buf_init(&b, 0);
    blob_hash("never stored", 12, hex);
    assert_int_equal(blob_exists(dir, hex, &err), 0);
    assert_int_equal(blob_get(dir, hex, &b, 100, &err), KT_ENOTFOUND);
    assert_int_equal(blob_get(dir, "../../etc/passwd", &b, 100, &err), KT_EINVAL);
    assert_int_equal(blob_exists(dir, "ABC", &err), KT_EINVAL);
    char upper[65];
    memcpy(upper, hex, 65);
    upper[0] = 'F';
    assert_int_equal(blob_get(dir, upper, &b, 100, &err), KT_EINVAL);
    /* larger than the cap */
    assert_int_equal(blob_put(dir, "0123456789", 10, hex, &err), 0);
    assert_int_equal(blob_get(dir, hex, &b, 9, &err), KT_ELIMIT);
    assert_int_equal(blob_get(dir, hex, &b, 10, &err), 0);
    kt_buf_release(&b);
}

static void test_put_file_streams(void **state)
{
    const char *dir = *state;
    struct kt_err err;
    size_t n = 300000; /* several chunks */
    unsigned char *data = malloc(n);
    assert_non_null(data);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u;
        data[i] = (unsigned char)(x >> 24);
    }
    char src[512], want[65], hex[65];
    snprintf(src, sizeof src, "%s/upload.bin", dir);
    FILE *f = fopen(src, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    blob_hash(data, n, want);
    assert_int_equal(blob_put_file(dir, src, n, hex, &err), 0);
    assert_string_equal(hex, want);
    struct kt_buf b;
    kt_buf_init(&b, 0);
    assert_int_equal(blob_get(dir, hex, &b, n, &err), 0);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, data, n);
    kt_buf_release(&b);
    /* streaming the same content again leaves one copy and no temp file */
    int fd = open(src, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(blob_put_fd(dir, fd, n, hex, &err), 0);
    close(fd);
    assert_string_equal(hex, want);
    assert_int_equal(temp_files(dir), 0);
    free(data);
}

static void test_put_file_cap(void **state)
{
    const char *dir = *state;
    struct kt_err err;
    char src[512], hex[65];
    snprintf(src, sizeof src, "%s/big.bin", dir);
    FILE *f = fopen(src, "wb");
    assert_non_null(f);
    for (int i = 0; i < 1000; i++)
        fputs("0123456789", f);
    fclose(f);
    assert_int_equal(blob_put_file(dir, src, 9999, hex, &err), KT_ELIMIT);
    assert_non_null(strstr(err.msg, "9999"));
    assert_int_equal(temp_files(dir), 0);
    assert_int_equal(blob_put_file(dir, src, 10000, hex, &err), 0);
    snprintf(src, sizeof src, "%s/missing.bin", dir);
    assert_int_equal(blob_put_file(dir, src, 10, hex, &err), KT_ENOTFOUND);
}

static void test_missing_data_dir(void **state)
{
    const char *dir = *state;
    struct kt_err err;
    char missing[512], hex[65];
    snprintf(missing, sizeof missing, "%s/not-there", dir);
    assert_int_equal(blob_put(missing, "x", 1, hex, &err), KT_EIO);
    assert_non_null(strstr(err.msg, missing));
    assert_non_null(strstr(err.msg, "does not exist"));
    struct stat sb;
    assert_int_equal(stat(missing, &sb), -1); /* not created behind the user's back */
}

/* Runs blob_put in a child without the right to write (root ignores modes). */
static void test_read_only_data_dir(void **state)
{
    const char *dir = *state;
    char ro[512];
    snprintf(ro, sizeof ro, "%s/ro", dir);
    assert_int_equal(mkdir(ro, 0555), 0);
    assert_int_equal(chmod(dir, 0755), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        struct kt_err err;
        char hex[65];
        int rc = blob_put(ro, "x", 1, hex, &err);
        int ok = rc == KT_EIO && strstr(err.msg, ro) && strstr(err.msg, "writable");
        if (!ok)
            fprintf(stderr, "blob_put on read-only dir: rc=%d %s\n", rc, err.msg);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test_setup_teardown(test_put_get_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_names_by_sha256, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dedup_no_rewrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_blob_repaired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corruption_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_file_streams, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_file_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_data_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_data_dir, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
