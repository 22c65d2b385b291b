#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/csv.h"
#include "base/err.h"

/* Golden files live in tests/data/csv (KT_TEST_DATA points at tests/data). */
static const char *data_path(const char *name)
{
    static char path[1024];
    const char *dir = getenv("KT_TEST_DATA");
    snprintf(path, sizeof path, "%s/csv/%s", dir ? dir : "tests/data", name);
    return path;
}

/* A scratch file with the given bytes; the caller unlinks it. */
static char *scratch(const void *bytes, size_t n)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/kt-test-csv.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, n), (ssize_t)n);
    close(fd);
    return path;
}

static struct kt_csv_reader *open_or_fail(const char *path, enum kt_csv_encoding enc, char delim)
{
    struct kt_csv_options opt = {.encoding = enc, .delimiter = delim};
    struct kt_csv_reader *r = NULL;
    struct kt_err err = {0};
    if (kt_csv_open(path, &opt, &r, &err) != 0)
        fail_msg("cannot open %s: %s", path, err.msg);
    return r;
}

static void expect_record(struct kt_csv_reader *r, long line, size_t n, ...)
{
    struct kt_csv_record rec;
    struct kt_err err = {0};
    int rc = kt_csv_next(r, &rec, &err);
    if (rc != 1)
        fail_msg("expected a record at line %ld, got %d: %s", line, rc, err.msg);
    assert_int_equal(rec.line, line);
    assert_int_equal(rec.n, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        assert_string_equal(rec.field[i], want);
        assert_int_equal(rec.len[i], strlen(want));
    }
    va_end(ap);
}

static void expect_end(struct kt_csv_reader *r)
{
    struct kt_csv_record rec;
    struct kt_err err = {0};
    int rc = kt_csv_next(r, &rec, &err);
    if (rc != 0)
        fail_msg("expected the end, got %d: %s", rc, err.msg);
    assert_int_equal(kt_csv_next(r, &rec, &err), 0);
}

/* Reads records until an error; checks code and the message's start. */
static void expect_error_in(const char *path, enum kt_csv_encoding enc, int code,
                            const char *msg_start)
{
    struct kt_csv_reader *r = open_or_fail(path, enc, 0);
    struct kt_csv_record rec;
    struct kt_err err = {0};
    int rc;
    while ((rc = kt_csv_next(r, &rec, &err)) == 1)
        ;
    assert_int_equal(rc, code);
    if (strncmp(err.msg, msg_start, strlen(msg_start)) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", err.msg, msg_start);
    /* the error sticks */
    struct kt_err again = {0};
    assert_int_equal(kt_csv_next(r, &rec, &again), code);
    assert_string_equal(again.msg, err.msg);
    kt_csv_close(r);
}

static const char note_p1[] = "Cena \"promocyjna\", 12,50 zł";

/* ---- golden files ---- */

static void utf8_golden(void **state)
{
    struct kt_csv_reader *r = open_or_fail(data_path("pl_utf8.csv"), KT_CSV_UTF8, 0);
    expect_record(r, 1, 3, "code", "name", "note");
    assert_int_equal(kt_csv_delimiter(r), ',');
    expect_record(r, 2, 3, "P1", "Żółw ogrodowy", note_p1);
    expect_record(r, 3, 3, "P2", "Wkręt do drewna 4×40", "linia pierwsza\r\nlinia druga");
    /* line 5 is blank; the record after it is on line 6 */
    expect_record(r, 6, 3, "P3", "Łódź ĄĘŚĆŃ ąęśćń", "zażółć gęślą jaźń");
    expect_end(r);
    kt_csv_close(r);
}

static void multiline_record_spans_lines(void **state)
{
    struct kt_csv_reader *r = open_or_fail(data_path("pl_utf8.csv"), KT_CSV_UTF8, 0);
    struct kt_csv_record rec;
    struct kt_err err = {0};
    for (int i = 0; i < 3; i++)
        assert_int_equal(kt_csv_next(r, &rec, &err), 1);
    assert_int_equal(rec.line, 3);
    assert_int_equal(rec.last_line, 4);
    kt_csv_close(r);
}

static void cp1250_golden(void **state)
{
    struct kt_csv_reader *r = open_or_fail(data_path("pl_cp1250.csv"), KT_CSV_WINDOWS_1250, 0);
    expect_record(r, 1, 3, "code", "name", "note");
    expect_record(r, 2, 3, "P1", "Żółw ogrodowy", note_p1);
    expect_record(r, 3, 3, "P2", "Wkręt do drewna 4x40", "linia pierwsza\r\nlinia druga");
    expect_record(r, 6, 3, "P3", "Łódź ĄĘŚĆŃ ąęśćń", "zażółć gęślą jaźń");
    expect_end(r);
    kt_csv_close(r);
}

static void auto_detects_cp1250(void **state)
{
    struct kt_csv_reader *r = open_or_fail(data_path("pl_cp1250.csv"), KT_CSV_AUTO, 0);
    expect_record(r, 1, 3, "code", "name", "note");
    assert_int_equal(kt_csv_encoding_used(r), KT_CSV_AUTO); /* all ASCII so far */
    expect_record(r, 2, 3, "P1", "Żółw ogrodowy", note_p1);
    assert_int_equal(kt_csv_encoding_used(r), KT_CSV_WINDOWS_1250);
    expect_record(r, 3, 3, "P2", "Wkręt do drewna 4x40", "linia pierwsza\r\nlinia druga");
    expect_record(r, 6, 3, "P3", "Łódź ĄĘŚĆŃ ąęśćń", "zażółć gęślą jaźń");
    expect_end(r);
    kt_csv_close(r);
}

static void auto_detects_utf8(void **state)
{
    struct kt_csv_reader *r = open_or_fail(data_path("pl_utf8.csv"), KT_CSV_AUTO, 0);
    expect_record(r, 1, 3, "code", "name", "note");
    expect_record(r, 2, 3, "P1", "Żółw ogrodowy", note_p1);
    assert_int_equal(kt_csv_encoding_used(r), KT_CSV_UTF8);
    kt_csv_close(r);
}

static void cp1250_read_as_utf8_names_line(void **state)
{
    expect_error_in(data_path("pl_cp1250.csv"), KT_CSV_UTF8, KT_EINVAL,
                    "line 2: the text is not valid UTF-8 (byte 0xAF)");
}

static void latin_byte_in_auto_is_cp1250(void **state)
{
    /* 0xFC is ü in Windows-1250 as in Latin-1 */
    struct kt_csv_reader *r = open_or_fail(data_path("bad_utf8.csv"), KT_CSV_AUTO, 0);
    expect_record(r, 1, 2, "code", "name");
    expect_record(r, 2, 2, "P1", "ok");
    expect_record(r, 3, 2, "P2", "Grün");
    expect_end(r);
    kt_csv_close(r);
    expect_error_in(data_path("bad_utf8.csv"), KT_CSV_UTF8, KT_EINVAL,
                    "line 3: the text is not valid UTF-8 (byte 0xFC)");
}

static void cp1250_undefined_byte(void **state)
{
    static const char bytes[] = "code,name\nP1,a\x98z\n";
    char *path = scratch(bytes, sizeof bytes - 1);
    expect_error_in(path, KT_CSV_WINDOWS_1250, KT_EINVAL,
                    "line 2: byte 0x98 is not a Windows-1250 character");
    unlink(path);
}

static void semicolon_and_bom(void **state)
{
    struct kt_csv_reader *r = open_or_fail(data_path("semicolon_bom.csv"), KT_CSV_UTF8, 0);
    expect_record(r, 1, 3, "kod", "nazwa", "cena");
    assert_int_equal(kt_csv_delimiter(r), ';');
    expect_record(r, 2, 3, "A;1", "Młotek", "12,50");
    expect_record(r, 3, 3, "B2", "Piła", "7,00");
    expect_end(r);
    kt_csv_close(r);
}

static void bom_means_utf8_in_auto(void **state)
{
    struct kt_csv_reader *r = open_or_fail(data_path("semicolon_bom.csv"), KT_CSV_AUTO, 0);
    expect_record(r, 1, 3, "kod", "nazwa", "cena");
    assert_int_equal(kt_csv_encoding_used(r), KT_CSV_UTF8);
    kt_csv_close(r);
}

static void bom_with_cp1250_is_an_error(void **state)
{
    expect_error_in(data_path("semicolon_bom.csv"), KT_CSV_WINDOWS_1250, KT_EINVAL,
                    "line 1: the file starts with a UTF-8 byte order mark");
}

static void explicit_delimiter_wins(void **state)
{
    /* the header has more commas, but the caller says ';' */
    static const char bytes[] = "a,b,c;d\n1,2;3\n";
    char *path = scratch(bytes, sizeof bytes - 1);
    struct kt_csv_reader *r = open_or_fail(path, KT_CSV_UTF8, ';');
    expect_record(r, 1, 2, "a,b,c", "d");
    expect_record(r, 2, 2, "1,2", "3");
    expect_end(r);
    kt_csv_close(r);
    unlink(path);
}

static void no_final_newline_and_empty_fields(void **state)
{
    static const char bytes[] = "a,b,c\n,,\n x ,\"\",y";
    char *path = scratch(bytes, sizeof bytes - 1);
    struct kt_csv_reader *r = open_or_fail(path, KT_CSV_UTF8, 0);
    expect_record(r, 1, 3, "a", "b", "c");
    expect_record(r, 2, 3, "", "", "");
    expect_record(r, 3, 3, " x ", "", "y");
    expect_end(r);
    kt_csv_close(r);
    unlink(path);
}

/* ---- broken files ---- */

static void broken_quote_names_line(void **state)
{
    expect_error_in(data_path("broken_quote.csv"), KT_CSV_UTF8, KT_EINVAL,
                    "line 17: a quoted field is not closed");
}

static void unclosed_quote_at_end(void **state)
{
    expect_error_in(data_path("unclosed_at_end.csv"), KT_CSV_UTF8, KT_EINVAL,
                    "line 9: a quoted field is not closed (the file ends");
}

static void stray_quote(void **state)
{
    expect_error_in(data_path("stray_quote.csv"), KT_CSV_UTF8, KT_EINVAL,
                    "line 2: a quote in the middle of a field");
}

static void huge_field(void **state)
{
    size_t n = 70 << 10;
    char *bytes = malloc(n + 64);
    assert_non_null(bytes);
    size_t len = (size_t)snprintf(bytes, 64, "code,name\nP1,short\nP2,");
    memset(bytes + len, 'x', n);
    len += n;
    bytes[len++] = '\n';
    char *path = scratch(bytes, len);
    free(bytes);
    expect_error_in(path, KT_CSV_UTF8, KT_ELIMIT, "line 3: field longer than 64 KiB");
    unlink(path);
}

static void huge_quoted_field_on_one_line_within_chunk(void **state)
{
    /* a quoted field of 65 KiB + 10 bytes: over the cap, reported as such */
    size_t n = (64 << 10) + 10;
    char *bytes = malloc(n + 64);
    assert_non_null(bytes);
    size_t len = (size_t)snprintf(bytes, 64, "code,name\n\"");
    memset(bytes + len, 'y', n);
    len += n;
    memcpy(bytes + len, "\",z\n", 4);
    len += 4;
    char *path = scratch(bytes, len);
    free(bytes);
    expect_error_in(path, KT_CSV_UTF8, KT_ELIMIT, "line 2: field longer than 64 KiB");
    unlink(path);
}

static void unclosed_quote_runs_past_cap(void **state)
{
    /* an unclosed quote followed by 100 000 quote-free lines */
    struct kt_buf b;
    kt_buf_init(&b, 0);
    assert_int_equal(kt_buf_adds(&b, "code,name\nP1,ok\nP2,\"open\n"), 0);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(kt_buf_printf(&b, "P%d,Item %d\n", i, i), 0);
    char *path = scratch(b.data, b.len);
    kt_buf_release(&b);
    expect_error_in(path, KT_CSV_UTF8, KT_ELIMIT,
                    "line 3: a quoted field is not closed (it runs on for more than 64 KiB)");
    unlink(path);
}

static void record_and_field_count_caps(void **state)
{
    static const char bytes[] = "a,b,c,d,e\n";
    char *path = scratch(bytes, sizeof bytes - 1);
    struct kt_csv_options opt = {.fields_max = 4};
    struct kt_csv_reader *r = NULL;
    struct kt_err err = {0};
    struct kt_csv_record rec;
    assert_int_equal(kt_csv_open(path, &opt, &r, &err), 0);
    assert_int_equal(kt_csv_next(r, &rec, &err), KT_ELIMIT);
    assert_string_equal(err.msg, "line 1: more than 4 fields in one record");
    kt_csv_close(r);

    struct kt_csv_options opt2 = {.record_max = 6};
    assert_int_equal(kt_csv_open(path, &opt2, &r, &err), 0);
    assert_int_equal(kt_csv_next(r, &rec, &err), KT_ELIMIT);
    assert_non_null(strstr(err.msg, "line 1: record longer than"));
    kt_csv_close(r);
    unlink(path);
}

static void missing_file(void **state)
{
    struct kt_csv_reader *r = NULL;
    struct kt_err err = {0};
    assert_int_equal(kt_csv_open("/nonexistent/x.csv", NULL, &r, &err), KT_EIO);
    assert_null(r);
    assert_non_null(strstr(err.msg, "/nonexistent/x.csv"));
    assert_int_equal(kt_csv_open("/tmp", NULL, &r, &err), KT_EIO);
    assert_non_null(strstr(err.msg, "directory"));
}

static void bad_delimiter_option(void **state)
{
    struct kt_csv_options opt = {.delimiter = '\t'};
    struct kt_csv_reader *r = NULL;
    struct kt_err err = {0};
    assert_int_equal(kt_csv_open(data_path("pl_utf8.csv"), &opt, &r, &err), KT_EINVAL);
    assert_null(r);
}

/* ---- streaming: many chunks, bounded memory ---- */

static long max_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void large_file_is_streamed(void **state)
{
    /* ~30 MB, written in pieces so the test itself stays small */
    char path[] = "/tmp/kt-test-csv-big.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    const long rows = 300000;
    fprintf(f, "code,name,note\r\n");
    for (long i = 0; i < rows; i++)
        fprintf(f, "P%ld,\"Name, number %ld\",%s\r\n", i, i,
                i % 1000 == 0 ? "\"two\nlines\"" : "Zażółć gęślą jaźń zażółć gęślą jaźń zażółć");
    fclose(f);

    long before = max_rss_kib();
    struct kt_csv_reader *r = open_or_fail(path, KT_CSV_UTF8, 0);
    struct kt_csv_record rec;
    struct kt_err err = {0};
    assert_int_equal(kt_csv_next(r, &rec, &err), 1);
    long line = 2, count = 0;
    int rc;
    char want[64];
    while ((rc = kt_csv_next(r, &rec, &err)) == 1) {
        assert_int_equal(rec.line, line);
        snprintf(want, sizeof want, "P%ld", count);
        assert_string_equal(rec.field[0], want);
        line = rec.last_line + 1;
        count++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(count, rows);
    uint64_t done, total;
    kt_csv_progress(r, &done, &total);
    assert_true(total > 25000000);
    assert_int_equal(done, total);
    kt_csv_close(r);
    unlink(path);
    /* reading 30 MB may not grow the process by more than 8 MB */
    long grown = max_rss_kib() - before;
    if (grown > 8 * 1024)
        fail_msg("reading grew the RSS by %ld KiB", grown);
}

/* ---- writer ---- */

static void writer_quotes_as_rfc4180(void **state)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    struct kt_csv_writer w;
    kt_csv_writer_init(&w, f);
    struct kt_err err = {0};
    const char *row1[] = {"code", "name", "note"};
    const char *row2[] = {"P1", "Cal 5\" rura", "a,b"};
    const char *row3[] = {"", " lead", "x;y", "two\nlines", NULL};
    assert_int_equal(kt_csv_write_row(&w, row1, 3, &err), 0);
    assert_int_equal(kt_csv_write_row(&w, row2, 3, &err), 0);
    assert_int_equal(kt_csv_write_row(&w, row3, 5, &err), 0);
    assert_int_equal(w.rows, 3);
    kt_csv_writer_release(&w);
    fclose(f);
    assert_string_equal(text, "code,name,note\r\n"
                              "P1,\"Cal 5\"\" rura\",\"a,b\"\r\n"
                              ",\" lead\",\"x;y\",\"two\nlines\",\r\n");
    free(text);
}

static void writer_output_reads_back(void **state)
{
    static const char *const fields[] = {
        "plain", "",           " spaced ", "quote \" inside", "\"", "comma,semi;", "cr\r\nlf\n",
        "Żółw",  "trailing\r", "=1+2",     "tab\there",
    };
    size_t n = sizeof fields / sizeof fields[0];
    char path[] = "/tmp/kt-test-csv-rt.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    struct kt_csv_writer w;
    kt_csv_writer_init(&w, f);
    struct kt_err err = {0};
    assert_int_equal(kt_csv_write_row(&w, (const char *const *)fields, n, &err), 0);
    assert_int_equal(kt_csv_write_row(&w, (const char *const *)fields, n, &err), 0);
    kt_csv_writer_release(&w);
    fclose(f);
    struct kt_csv_reader *r = open_or_fail(path, KT_CSV_UTF8, 0);
    struct kt_csv_record rec;
    for (int k = 0; k < 2; k++) {
        assert_int_equal(kt_csv_next(r, &rec, &err), 1);
        assert_int_equal(rec.n, n);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(rec.field[i], fields[i]);
    }
    assert_int_equal(kt_csv_delimiter(r), ',');
    expect_end(r);
    kt_csv_close(r);
    unlink(path);
}

/* ---- UTF-8 validation and encoding names ---- */

static void utf8_validator(void **state)
{
    size_t bad = 99;
    assert_true(kt_csv_utf8_valid("Żółw €𝄞", strlen("Żółw €𝄞"), &bad));
    assert_false(kt_csv_utf8_valid("a\xC0\x80", 3, &bad)); /* overlong NUL */
    assert_int_equal(bad, 1);
    assert_false(kt_csv_utf8_valid("\xE0\x80\xAF", 3, &bad));     /* overlong '/' */
    assert_false(kt_csv_utf8_valid("\xED\xA0\x80", 3, &bad));     /* surrogate */
    assert_false(kt_csv_utf8_valid("\xF4\x90\x80\x80", 4, &bad)); /* > U+10FFFF */
    assert_false(kt_csv_utf8_valid("ab\xC5", 3, &bad));           /* cut short */
    assert_int_equal(bad, 2);
    assert_false(kt_csv_utf8_valid("\xC5\x41", 2, &bad)); /* bad continuation */
    assert_false(kt_csv_utf8_valid("\xFF", 1, &bad));
    assert_true(kt_csv_utf8_valid("", 0, &bad));
}

static void encoding_names(void **state)
{
    enum kt_csv_encoding e;
    struct kt_err err = {0};
    assert_int_equal(kt_csv_encoding_parse("UTF-8", &e, &err), 0);
    assert_int_equal(e, KT_CSV_UTF8);
    assert_int_equal(kt_csv_encoding_parse("windows-1250", &e, &err), 0);
    assert_int_equal(e, KT_CSV_WINDOWS_1250);
    assert_int_equal(kt_csv_encoding_parse("cp1250", &e, &err), 0);
    assert_int_equal(e, KT_CSV_WINDOWS_1250);
    assert_int_equal(kt_csv_encoding_parse("auto", &e, &err), 0);
    assert_int_equal(e, KT_CSV_AUTO);
    assert_int_equal(kt_csv_encoding_parse("latin2", &e, &err), KT_EINVAL);
    assert_string_equal(err.msg, "encoding 'latin2' is not known; use utf-8, windows-1250 or auto");
    assert_string_equal(kt_csv_encoding_name(KT_CSV_WINDOWS_1250), "windows-1250");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_golden),
        cmocka_unit_test(multiline_record_spans_lines),
        cmocka_unit_test(cp1250_golden),
        cmocka_unit_test(auto_detects_cp1250),
        cmocka_unit_test(auto_detects_utf8),
        cmocka_unit_test(cp1250_read_as_utf8_names_line),
        cmocka_unit_test(latin_byte_in_auto_is_cp1250),
        cmocka_unit_test(cp1250_undefined_byte),
        cmocka_unit_test(semicolon_and_bom),
        cmocka_unit_test(bom_means_utf8_in_auto),
        cmocka_unit_test(bom_with_cp1250_is_an_error),
        cmocka_unit_test(explicit_delimiter_wins),
        cmocka_unit_test(no_final_newline_and_empty_fields),
        cmocka_unit_test(broken_quote_names_line),
        cmocka_unit_test(unclosed_quote_at_end),
        cmocka_unit_test(stray_quote),
        cmocka_unit_test(huge_field),
        cmocka_unit_test(huge_quoted_field_on_one_line_within_chunk),
        cmocka_unit_test(unclosed_quote_runs_past_cap),
        cmocka_unit_test(record_and_field_count_caps),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(bad_delimiter_option),
        cmocka_unit_test(large_file_is_streamed),
        cmocka_unit_test(writer_quotes_as_rfc4180),
        cmocka_unit_test(writer_output_reads_back),
        cmocka_unit_test(utf8_validator),
        cmocka_unit_test(encoding_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
