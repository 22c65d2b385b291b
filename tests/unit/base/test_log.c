#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/log.h"

/* Runs fn with stderr redirected into a pipe and returns what it wrote. */
static void capture(void (*fn)(void), char *out, size_t n)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int saved = dup(STDERR_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    fn();
    dup2(saved, STDERR_FILENO);
    close(saved);
    ssize_t got = read(fds[0], out, n - 1);
    close(fds[0]);
    out[got > 0 ? got : 0] = '\0';
}

static void log_info_line(void)
{
    kt_log_info("job.done", "id=%d ms=%d", 42, 3);
}

static void log_debug_line(void)
{
    kt_log_debug("noise", "x=1");
}

static void log_long_line(void)
{
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    kt_log_warn("big", "v=%s", big);
}

static void line_has_timestamp_level_event_and_fields(void **state)
{
    char out[4096];
    kt_log_set_level(KT_LOG_INFO);
    capture(log_info_line, out, sizeof out);
    assert_memory_equal(out, "ts=", 3);
    assert_non_null(strstr(out, "Z level=info event=job.done id=42 ms=3\n"));
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
}

static void lines_below_the_level_are_dropped(void **state)
{
    char out[4096];
    kt_log_set_level(KT_LOG_INFO);
    capture(log_debug_line, out, sizeof out);
    assert_string_equal(out, "");
    kt_log_set_level(KT_LOG_DEBUG);
    capture(log_debug_line, out, sizeof out);
    assert_non_null(strstr(out, "level=debug event=noise x=1"));
    kt_log_set_level(KT_LOG_OFF);
    capture(log_info_line, out, sizeof out);
    assert_string_equal(out, "");
    kt_log_set_level(KT_LOG_INFO);
}

static void long_lines_are_cut_but_stay_one_line(void **state)
{
    char out[8192];
    capture(log_long_line, out, sizeof out);
    size_t n = strlen(out);
    assert_true(n <= 2048);
    assert_int_equal(out[n - 1], '\n');
    assert_null(memchr(out, '\n', n - 1));
}

static void level_names_parse(void **state)
{
    assert_int_equal(kt_log_level_parse("debug"), KT_LOG_DEBUG);
    assert_int_equal(kt_log_level_parse("warn"), KT_LOG_WARN);
    assert_int_equal(kt_log_level_parse("off"), KT_LOG_OFF);
    assert_int_equal(kt_log_level_parse("loud"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_has_timestamp_level_event_and_fields),
        cmocka_unit_test(lines_below_the_level_are_dropped),
        cmocka_unit_test(long_lines_are_cut_but_stay_one_line),
        cmocka_unit_test(level_names_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
