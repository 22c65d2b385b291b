/*
 * Numbering series: format checks and rendering, periods (yearly, monthly,
 * daily, never), and issuing numbers on the backend in KT_TEST_BACKEND:
 * only inside a transaction, restart per period, a rolled-back number is
 * issued again, and threads issuing at once get 1..N without gaps or
 * duplicates.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/date.h"
#include "base/err.h"
#include "series/series.h"
#include "store/migrate.h"
#include "testdb.h"

static char url[1024];
static struct store *st;

static kt_date day(int y, int m, int d)
{
    kt_date out;
    struct kt_err err;
    assert_int_equal(kt_date_from_ymd(y, m, d, &out, &err), 0);
    return out;
}

static int setup(void **state)
{
    (void)state;
    struct kt_err err;
    int applied;
    if (testdb_create(url, sizeof url) != 0)
        return -1;
    if (store_open(url, &st, &err) != 0 || store_migrate(st, &applied, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(st);
    testdb_drop(url);
    return 0;
}

static void test_format_check(void **state)
{
    (void)state;
    struct kt_err err;
    enum series_reset r;
    assert_int_equal(series_format_check("ZK/{YYYY}/{MM}/{NNNN}", &r, &err), 0);
    assert_int_equal(r, SERIES_RESET_MONTHLY);
    assert_int_equal(series_format_check("FV/{NNNNNN}/{YY}", &r, &err), 0);
    assert_int_equal(r, SERIES_RESET_YEARLY);
    assert_int_equal(series_format_check("D{DD}{MM}{YYYY}-{N}", &r, &err), 0);
    assert_int_equal(r, SERIES_RESET_DAILY);
    assert_int_equal(series_format_check("{NNN}", &r, &err), 0);
    assert_int_equal(r, SERIES_RESET_NEVER);
    assert_int_equal(series_format_check("ZK/{YYYY}", NULL, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "exactly one counter"));
    assert_int_equal(series_format_check("{NN}/{NN}", NULL, &err), KT_EINVAL);
    assert_int_equal(series_format_check("ZK/{YYY}/{NN}", NULL, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "unknown placeholder"));
    assert_int_equal(series_format_check("ZK}/{NN}", NULL, &err), KT_EINVAL);
    assert_int_equal(series_format_check("", NULL, &err), KT_EINVAL);
    assert_int_equal(series_format_check("{NNNNNNNNNNNNN}", NULL, &err), KT_EINVAL);
    assert_int_equal(series_format_check("ZK\n{NN}", NULL, &err), KT_EINVAL);
}

static void test_render_and_period(void **state)
{
    (void)state;
    struct kt_err err;
    char buf[SERIES_NUMBER_MAX], period[SERIES_PERIOD_SIZE];
    kt_date d = day(2026, 11, 28);
    assert_int_equal(series_render("ZK/{YYYY}/{MM}/{NNNN}", d, 7, buf, sizeof buf, &err), 0);
    assert_string_equal(buf, "ZK/2026/11/0007");
    assert_int_equal(series_render("FV/{NN}/{YY}", d, 12345, buf, sizeof buf, &err), 0);
    assert_string_equal(buf, "FV/12345/26");
    assert_int_equal(series_render("{DD}.{MM}-{N}", day(2027, 1, 5), 3, buf, sizeof buf, &err), 0);
    assert_string_equal(buf, "05.01-3");
    assert_int_equal(series_render("ZK/{NNNN}", d, 0, buf, sizeof buf, &err), KT_EINVAL);
    assert_int_equal(series_render("ZK/{YYYY}/{NNNN}", d, 1, buf, 8, &err), KT_ELIMIT);
    assert_int_equal(series_period("ZK/{YYYY}/{MM}/{NNNN}", d, period, &err), 0);
    assert_string_equal(period, "2026-11");
    assert_int_equal(series_period("ZK/{YY}/{NNNN}", d, period, &err), 0);
    assert_string_equal(period, "2026");
    assert_int_equal(series_period("{DD}{NNNN}", d, period, &err), 0);
    assert_string_equal(period, "2026-11-28");
    assert_int_equal(series_period("X{NNNN}", d, period, &err), 0);
    assert_string_equal(period, "");
}

static int next(const char *code, kt_date d, char *buf, struct kt_err *err)
{
    int rc = store_begin(st, err);
    if (rc == 0) {
        rc = series_next(st, code, d, buf, SERIES_NUMBER_MAX, err);
        if (rc == 0)
            rc = store_commit(st, err);
        else
            store_rollback(st);
    }
    return rc;
}

static void test_issue_in_periods(void **state)
{
    (void)state;
    struct kt_err err;
    char buf[SERIES_NUMBER_MAX], format[SERIES_FORMAT_MAX + 1];
    assert_int_equal(series_get_format(st, "ZK", format, &err), 0);
    assert_string_equal(format, "ZK/{YYYY}/{MM}/{NNNN}");
    assert_int_equal(series_define(st, "PF", "PF/{YYYY}/{MM}/{NNNN}", &err), 0);
    assert_int_equal(next("PF", day(2026, 11, 28), buf, &err), 0);
    assert_string_equal(buf, "PF/2026/11/0001");
    assert_int_equal(next("PF", day(2026, 11, 30), buf, &err), 0);
    assert_string_equal(buf, "PF/2026/11/0002");
    assert_int_equal(next("PF", day(2026, 12, 1), buf, &err), 0);
    assert_string_equal(buf, "PF/2026/12/0001");
    assert_int_equal(next("PF", day(2026, 11, 30), buf, &err), 0);
    assert_string_equal(buf, "PF/2026/11/0003");
    /* yearly from now on: a new counter for the year */
    assert_int_equal(series_define(st, "PF", "PF/{NNNNN}/{YYYY}", &err), 0);
    assert_int_equal(next("PF", day(2026, 12, 1), buf, &err), 0);
    assert_string_equal(buf, "PF/00001/2026");
    assert_int_equal(next("PF", day(2027, 1, 1), buf, &err), 0);
    assert_string_equal(buf, "PF/00001/2027");
    assert_int_equal(next("NOPE", day(2027, 1, 1), buf, &err), KT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no numbering series NOPE"));
    assert_int_equal(series_define(st, "bad code", "{N}", &err), KT_EINVAL);
    assert_int_equal(series_define(st, "X", "{YYYY}", &err), KT_EINVAL);
    /* outside a transaction: refused, nothing taken */
    assert_int_equal(series_next(st, "PF", day(2027, 1, 1), buf, sizeof buf, &err), KT_EINTERNAL);
    int64_t last = 0;
    assert_int_equal(series_last(st, "PF", day(2027, 1, 2), &last, &err), 0);
    assert_int_equal(last, 1);
}

static void test_rollback_leaves_no_gap(void **state)
{
    (void)state;
    struct kt_err err;
    char buf[SERIES_NUMBER_MAX];
    assert_int_equal(series_define(st, "WZ", "WZ/{NNN}", &err), 0);
    assert_int_equal(next("WZ", day(2026, 1, 1), buf, &err), 0);
    assert_string_equal(buf, "WZ/001");
    assert_int_equal(store_begin(st, &err), 0);
    assert_int_equal(series_next(st, "WZ", day(2026, 1, 1), buf, sizeof buf, &err), 0);
    assert_string_equal(buf, "WZ/002");
    store_rollback(st);
    assert_int_equal(next("WZ", day(2026, 1, 1), buf, &err), 0);
    assert_string_equal(buf, "WZ/002");
}

#define THREADS 4
#define PER_THREAD 25

static pthread_barrier_t start_line;

struct issuer {
    int numbers[PER_THREAD];
    int n, failed;
    char msg[KT_ERR_MSG_MAX];
};

static void *issue(void *arg)
{
    struct issuer *is = arg;
    struct store *mine = NULL;
    struct kt_err err;
    if (store_open(url, &mine, &err) != 0) {
        is->failed = 1;
        snprintf(is->msg, sizeof is->msg, "%s", err.msg);
        return NULL;
    }
    pthread_barrier_wait(&start_line);
    for (int i = 0; i < PER_THREAD * 2 && is->n < PER_THREAD; i++) {
        char buf[SERIES_NUMBER_MAX];
        int rc = store_begin(mine, &err);
        if (rc == 0)
            rc = series_next(mine, "MM", day(2026, 5, 5), buf, sizeof buf, &err);
        if (rc == 0 && i % 5 == 4) {
            store_rollback(mine); /* thrown away: must be issued again */
            continue;
        }
        if (rc == 0)
            rc = store_commit(mine, &err);
        else
            store_rollback(mine);
        if (rc == 0) {
            is->numbers[is->n++] = (int)strtol(buf + 3, NULL, 10);
        } else if (rc != KT_EBUSY && rc != KT_ECONFLICT) {
            is->failed = 1;
            snprintf(is->msg, sizeof is->msg, "%s", err.msg);
            break;
        }
    }
    store_close(mine);
    return NULL;
}

static void test_concurrent_issuers_gapless(void **state)
{
    (void)state;
    struct kt_err err;
    struct issuer is[THREADS];
    pthread_t t[THREADS];
    int seen[THREADS * PER_THREAD + 1];
    assert_int_equal(series_define(st, "MM", "MM/{NNNN}", &err), 0);
    memset(is, 0, sizeof is);
    memset(seen, 0, sizeof seen);
    pthread_barrier_init(&start_line, NULL, THREADS);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, issue, &is[i]), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start_line);
    int total = 0;
    for (int i = 0; i < THREADS; i++) {
        if (is[i].failed)
            fail_msg("issuer %d: %s", i, is[i].msg);
        for (int k = 0; k < is[i].n; k++) {
            int v = is[i].numbers[k];
            assert_true(v >= 1 && v <= THREADS * PER_THREAD);
            assert_int_equal(seen[v], 0); /* no duplicate */
            seen[v] = 1;
        }
        total += is[i].n;
    }
    for (int v = 1; v <= total; v++)
        assert_int_equal(seen[v], 1); /* no gap */
    int64_t last = 0;
    assert_int_equal(series_last(st, "MM", day(2026, 5, 5), &last, &err), 0);
    assert_int_equal(last, total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_check),
        cmocka_unit_test(test_render_and_period),
        cmocka_unit_test(test_issue_in_periods),
        cmocka_unit_test(test_rollback_leaves_no_gap),
        cmocka_unit_test(test_concurrent_issuers_gapless),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
