#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/date.h"
#include "base/err.h"

/* Expected values were computed independently with Python's datetime,
 * zoneinfo (tzdata Europe/Warsaw) and dateutil.easter. */

static kt_date D(const char *iso)
{
    kt_date d;
    struct kt_err err;
    if (kt_date_parse(iso, &d, &err) != 0)
        fail_msg("test date %s does not parse: %s", iso, err.msg);
    return d;
}

static const char *iso(kt_date d)
{
    static char buf[KT_DATE_ISO_SIZE];
    return kt_date_format(d, buf);
}

static kt_time T(const char *s)
{
    kt_time t;
    struct kt_err err;
    if (kt_time_parse(s, &t, &err) != 0)
        fail_msg("test timestamp %s does not parse: %s", s, err.msg);
    return t;
}

/* ---- representation, parse, format ---- */

static void epoch_is_day_zero(void **state)
{
    assert_int_equal(D("1970-01-01"), 0);
    assert_int_equal(D("1969-12-31"), -1);
    assert_int_equal(D("2026-11-28"), 20785);
}

static void parse_and_format_round_trip(void **state)
{
    const char *dates[] = {"0001-01-01", "1600-02-29", "1999-12-31", "2000-02-29",
                           "2024-02-29", "2026-11-28", "9999-12-31"};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        assert_string_equal(iso(D(dates[i])), dates[i]);
}

static void every_day_of_four_centuries_round_trips(void **state)
{
    kt_date start = D("1900-01-01");
    kt_date end = D("2300-01-01");
    int y0 = 1900, m0 = 1, d0 = 1;
    for (kt_date d = start; d < end; d++) {
        int y, m, day;
        kt_date_to_ymd(d, &y, &m, &day);
        if (d != start) {
            /* consecutive days: either next day, or day 1 of the next month */
            bool next_day = y == y0 && m == m0 && day == d0 + 1;
            bool next_month =
                day == 1 && ((y == y0 && m == m0 + 1) || (y == y0 + 1 && m == 1 && m0 == 12));
            assert_true(next_day || next_month);
        }
        kt_date back;
        assert_int_equal(kt_date_from_ymd(y, m, day, &back, NULL), 0);
        assert_int_equal(back, d);
        y0 = y, m0 = m, d0 = day;
    }
    assert_int_equal(end - start, 146097); /* days in 400 Gregorian years */
}

static void february_29_only_in_leap_years(void **state)
{
    struct kt_err err;
    kt_date d;
    assert_int_equal(kt_date_parse("2026-02-29", &d, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "February 2026 has 28 days"));
    assert_int_equal(kt_date_parse("1900-02-29", &d, &err), KT_EINVAL);
    assert_int_equal(kt_date_parse("2000-02-29", &d, &err), 0);
    assert_int_equal(kt_date_parse("2028-02-29", &d, &err), 0);
}

static void impossible_months_and_days_rejected(void **state)
{
    struct kt_err err;
    kt_date d;
    assert_int_equal(kt_date_parse("2026-13-01", &d, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "Month 13"));
    assert_int_equal(kt_date_parse("2026-00-10", &d, &err), KT_EINVAL);
    assert_int_equal(kt_date_parse("2026-04-31", &d, &err), KT_EINVAL);
    assert_int_equal(kt_date_parse("2026-01-00", &d, &err), KT_EINVAL);
    assert_int_equal(kt_date_parse("0000-01-01", &d, &err), KT_EINVAL);
    assert_false(kt_date_valid_ymd(2026, 6, 31));
    assert_true(kt_date_valid_ymd(2026, 12, 31));
}

static void garbage_rejected(void **state)
{
    const char *bad[] = {"",           "2026",        "2026-1-01",   "2026-01-1",   "26-01-01",
                         "2026/01/01", "2026-01-01 ", " 2026-01-01", "2026-01-01T", "2O26-01-01",
                         "2026-01-+1", "2026-01-0x",  "yesterday",   "2026-011-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct kt_err err;
        kt_date d = 12345;
        assert_int_equal(kt_date_parse(bad[i], &d, &err), KT_EINVAL);
        assert_int_equal(err.code, KT_EINVAL);
        assert_true(strlen(err.msg) > 0);
        assert_int_equal(d, 12345); /* untouched on error */
    }
    struct kt_err err;
    kt_date d;
    assert_int_equal(kt_date_parse(NULL, &d, &err), KT_EINVAL);
}

static void error_message_names_the_input(void **state)
{
    struct kt_err err;
    kt_date d;
    kt_date_parse("2026-02-30", &d, &err);
    assert_string_equal(err.msg,
                        "Date 2026-02-30: Day 30 does not exist: February 2026 has 28 days.");
    kt_date_parse("28.11.2026", &d, &err);
    assert_string_equal(err.msg, "Date \"28.11.2026\" is not in the form YYYY-MM-DD.");
}

/* ---- weekday, add days ---- */

static void weekdays(void **state)
{
    assert_int_equal(kt_date_weekday(D("1970-01-01")), KT_THURSDAY);
    assert_int_equal(kt_date_weekday(D("2026-11-28")), KT_SATURDAY);
    assert_int_equal(kt_date_weekday(D("2026-11-29")), KT_SUNDAY);
    assert_int_equal(kt_date_weekday(D("2026-11-30")), KT_MONDAY);
    assert_int_equal(kt_date_weekday(D("1969-12-29")), KT_MONDAY); /* negative day number */
    assert_int_equal(kt_date_weekday(D("0001-01-01")), KT_MONDAY);
    assert_int_equal(kt_date_weekday(D("2000-02-29")), KT_TUESDAY);
}

static void add_days_crosses_months_years_and_leap_days(void **state)
{
    kt_date out;
    assert_int_equal(kt_date_add_days(D("2026-11-28"), 14, &out, NULL), 0);
    assert_string_equal(iso(out), "2026-12-12");
    assert_int_equal(kt_date_add_days(D("2026-12-25"), 7, &out, NULL), 0);
    assert_string_equal(iso(out), "2027-01-01");
    assert_int_equal(kt_date_add_days(D("2028-02-28"), 1, &out, NULL), 0);
    assert_string_equal(iso(out), "2028-02-29");
    assert_int_equal(kt_date_add_days(D("2026-03-01"), -1, &out, NULL), 0);
    assert_string_equal(iso(out), "2026-02-28");
    assert_int_equal(kt_date_add_days(D("2026-01-01"), 0, &out, NULL), 0);
    assert_string_equal(iso(out), "2026-01-01");
}

static void add_days_outside_supported_years_is_overflow(void **state)
{
    struct kt_err err;
    kt_date out = 7;
    assert_int_equal(kt_date_add_days(D("9999-12-31"), 1, &out, &err), KT_EOVERFLOW);
    assert_non_null(strstr(err.msg, "9999-12-31 plus 1 days"));
    assert_int_equal(kt_date_add_days(D("0001-01-01"), -1, &out, &err), KT_EOVERFLOW);
    assert_int_equal(kt_date_add_days(D("2026-01-01"), 4000000, &out, &err), KT_EOVERFLOW);
    assert_int_equal(kt_date_add_days(D("2026-01-01"), -4000000000L, &out, &err), KT_EOVERFLOW);
    assert_int_equal(out, 7);
    assert_int_equal(kt_date_add_days(D("0001-01-01"), 3652058, &out, &err), 0);
    assert_string_equal(iso(out), "9999-12-31");
}

/* ---- prose ---- */

static void prose(kt_date d, const char *lang, const char *want)
{
    char out[KT_DATE_PROSE_SIZE];
    struct kt_err err;
    assert_int_equal(kt_date_format_prose(d, lang, out, sizeof out, &err), 0);
    assert_string_equal(out, want);
}

static void prose_polish_uses_genitive_months(void **state)
{
    prose(D("2026-11-28"), "pl", "28 listopada 2026");
    prose(D("2026-01-01"), "pl", "1 stycznia 2026");
    prose(D("2026-09-05"), "pl", "5 września 2026");
    prose(D("2026-10-31"), "pl", "31 października 2026");
    prose(D("2026-05-03"), "pl", "3 maja 2026");
}

static void prose_english_and_german(void **state)
{
    prose(D("2026-11-28"), "en", "28 November 2026");
    prose(D("2026-03-01"), "en", "1 March 2026");
    prose(D("2026-11-28"), "de", "28. November 2026");
    prose(D("2026-03-01"), "de", "1. März 2026");
    prose(D("2026-12-24"), "de", "24. Dezember 2026");
}

static void prose_every_month_differs_per_language(void **state)
{
    for (int m = 1; m <= 12; m++) {
        kt_date d;
        assert_int_equal(kt_date_from_ymd(2026, m, 10, &d, NULL), 0);
        char pl[KT_DATE_PROSE_SIZE], en[KT_DATE_PROSE_SIZE];
        assert_int_equal(kt_date_format_prose(d, "pl", pl, sizeof pl, NULL), 0);
        assert_int_equal(kt_date_format_prose(d, "en", en, sizeof en, NULL), 0);
        assert_string_not_equal(pl, en);
        assert_true(strncmp(pl, "10 ", 3) == 0);
    }
}

static void prose_rejects_unknown_language_and_small_buffer(void **state)
{
    char out[KT_DATE_PROSE_SIZE];
    struct kt_err err;
    assert_int_equal(kt_date_format_prose(D("2026-11-28"), "fr", out, sizeof out, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "\"fr\""));
    assert_int_equal(kt_date_format_prose(D("2026-11-28"), NULL, out, sizeof out, &err), KT_EINVAL);
    char small[10];
    assert_int_equal(kt_date_format_prose(D("2026-11-28"), "pl", small, sizeof small, &err),
                     KT_ELIMIT);
    assert_int_equal(strlen(small), sizeof small - 1); /* truncated but terminated */
}

/* ---- Easter and holidays ---- */

static void easter_sundays(void **state)
{
    static const struct {
        int year;
        const char *date;
    } cases[] = {
        {2024, "2024-03-31"}, {2025, "2025-04-20"}, {2026, "2026-04-05"},
        {2027, "2027-03-28"}, {2038, "2038-04-25"}, {2000, "2000-04-23"},
        {2019, "2019-04-21"}, {1943, "1943-04-25"}, {2285, "2285-03-22"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kt_date d;
        assert_int_equal(kt_date_easter(cases[i].year, &d, NULL), 0);
        assert_string_equal(iso(d), cases[i].date);
        assert_int_equal(kt_date_weekday(d), KT_SUNDAY);
    }
}

static void easter_rejects_unsupported_year(void **state)
{
    kt_date d;
    struct kt_err err;
    assert_int_equal(kt_date_easter(0, &d, &err), KT_EINVAL);
    assert_int_equal(kt_date_easter(10000, &d, &err), KT_EINVAL);
}

static void holidays_2026_full_list(void **state)
{
    static const char *want[] = {
        "2026-01-01", "2026-01-06", "2026-04-05", "2026-04-06", "2026-05-01",
        "2026-05-03", "2026-05-24", "2026-06-04", "2026-08-15", "2026-11-01",
        "2026-11-11", "2026-12-24", "2026-12-25", "2026-12-26",
    };
    struct kt_holiday h[KT_DATE_HOLIDAYS_MAX];
    int n = kt_date_holidays(2026, h, NULL);
    assert_int_equal(n, 14);
    for (int i = 0; i < n; i++)
        assert_string_equal(iso(h[i].date), want[i]);
    assert_string_equal(h[6].name_pl, "Zielone Świątki");
    assert_string_equal(h[7].name_pl, "Boże Ciało");
    assert_string_equal(h[7].name_en, "Corpus Christi");
}

static void corpus_christi_and_pentecost_follow_easter(void **state)
{
    const char *name = NULL;
    assert_true(kt_date_is_holiday(D("2026-06-04"), &name));
    assert_string_equal(name, "Boże Ciało");
    assert_true(kt_date_is_holiday(D("2026-05-24"), &name));
    assert_string_equal(name, "Zielone Świątki");
    assert_true(kt_date_is_holiday(D("2025-06-19"), NULL)); /* Easter 2025-04-20 + 60 */
    assert_true(kt_date_is_holiday(D("2027-05-27"), NULL)); /* Easter 2027-03-28 + 60 */
    assert_false(kt_date_is_holiday(D("2026-06-05"), NULL));
}

static void christmas_eve_is_a_holiday_from_2025(void **state)
{
    struct kt_holiday h[KT_DATE_HOLIDAYS_MAX];
    assert_int_equal(kt_date_holidays(2024, h, NULL), 13);
    assert_int_equal(kt_date_holidays(2025, h, NULL), 14);
    assert_false(kt_date_is_holiday(D("2024-12-24"), NULL));
    const char *name = NULL;
    assert_true(kt_date_is_holiday(D("2025-12-24"), &name));
    assert_string_equal(name, "Wigilia Bożego Narodzenia");
}

static void epiphany_is_a_holiday_from_2011(void **state)
{
    assert_false(kt_date_is_holiday(D("2010-01-06"), NULL));
    assert_true(kt_date_is_holiday(D("2011-01-06"), NULL));
}

static void holidays_sorted_even_when_easter_is_late(void **state)
{
    /* 2038: Easter 25 April, Easter Monday 26 April, Corpus Christi 24 June. */
    struct kt_holiday h[KT_DATE_HOLIDAYS_MAX];
    int n = kt_date_holidays(2038, h, NULL);
    assert_int_equal(n, 14);
    for (int i = 1; i < n; i++)
        assert_true(h[i - 1].date < h[i].date);
    assert_string_equal(iso(h[3].date), "2038-04-26");
    assert_string_equal(iso(h[7].date), "2038-06-24");
}

static void holidays_reject_unsupported_year(void **state)
{
    struct kt_holiday h[KT_DATE_HOLIDAYS_MAX];
    struct kt_err err;
    assert_int_equal(kt_date_holidays(0, h, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "Year 0"));
}

/* ---- business days ---- */

static void business_days(void **state)
{
    assert_true(kt_date_is_business_day(D("2026-11-27")));  /* Friday */
    assert_false(kt_date_is_business_day(D("2026-11-28"))); /* Saturday */
    assert_false(kt_date_is_business_day(D("2026-11-29"))); /* Sunday */
    assert_false(kt_date_is_business_day(D("2026-11-11"))); /* Wednesday, holiday */
    assert_false(kt_date_is_business_day(D("2026-04-06"))); /* Easter Monday */
    assert_true(kt_date_is_business_day(D("2024-12-24")));  /* Tuesday, before the law */
}

static void last_business_day(const char *before, const char *want)
{
    kt_date d = kt_date_last_business_day_before(D(before));
    assert_string_equal(iso(d), want);
}

static void last_business_day_before_epiphany(void **state)
{
    /* 2026-01-07 is a Wednesday; Tuesday 6 Jan is a holiday. */
    last_business_day("2026-01-07", "2026-01-05");
    /* 2026-01-05 is a Monday: back over the weekend. */
    last_business_day("2026-01-05", "2026-01-02");
    /* 2026-01-02 is a Friday; 1 Jan is a holiday; back to Wednesday. */
    last_business_day("2026-01-02", "2025-12-31");
}

static void last_business_day_around_easter(void **state)
{
    /* Easter 2026-04-05: Monday 6 April is a holiday. */
    last_business_day("2026-04-07", "2026-04-03");
    last_business_day("2026-04-06", "2026-04-03");
    last_business_day("2026-04-08", "2026-04-07");
    /* 2025: Easter Monday 21 April. */
    last_business_day("2025-04-22", "2025-04-18");
}

static void last_business_day_around_independence_day(void **state)
{
    last_business_day("2026-11-12", "2026-11-10"); /* 11 Nov 2026 is a Wednesday */
    last_business_day("2026-11-11", "2026-11-10");
    last_business_day("2025-11-12", "2025-11-10"); /* 11 Nov 2025 is a Tuesday */
    last_business_day("2024-11-12", "2024-11-08"); /* Monday 11 Nov 2024 */
}

static void last_business_day_over_christmas(void **state)
{
    /* 2025: 24, 25, 26 Dec are Wed, Thu, Fri, then the weekend. */
    last_business_day("2025-12-29", "2025-12-23");
    /* 2024: 24 Dec was still a working day. */
    last_business_day("2024-12-27", "2024-12-24");
}

static void last_business_day_is_strictly_before(void **state)
{
    last_business_day("2026-11-25", "2026-11-24"); /* Wednesday → Tuesday */
    last_business_day("2026-05-04", "2026-04-30"); /* 1 May Fri, weekend, 3 May Sun */
    last_business_day("2026-06-05", "2026-06-03"); /* Corpus Christi Thursday */
}

/* ---- timestamps ---- */

static void parse_utc_and_offsets(void **state)
{
    assert_int_equal(T("2026-11-28T10:15:00Z"), 1795860900);
    assert_int_equal(T("2026-11-28T11:15:00+01:00"), 1795860900);
    assert_int_equal(T("2026-11-28T05:45:00-04:30"), 1795860900);
    assert_int_equal(T("2026-11-28T10:15:00.999Z"), 1795860900); /* fraction truncated */
    assert_int_equal(T("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(T("1969-12-31T23:59:59Z"), -1);
}

static void timestamp_garbage_and_missing_zone_rejected(void **state)
{
    const char *bad[] = {
        "2026-11-28",
        "2026-11-28T10:15Z",
        "2026-11-28 10:15:00Z",
        "2026-11-28T10:15:00",
        "2026-11-28T10:15:00+1",
        "2026-11-28T10:15:00+01",
        "2026-11-28T10:15:00+0100",
        "2026-11-28T10:15:00ZZ",
        "2026-11-28T10:15:00.Z",
        "2026-11-28T24:00:00Z",
        "2026-11-28T10:60:00Z",
        "2026-11-28T10:15:60Z",
        "2026-02-29T10:15:00Z",
        "2026-11-28T10:15:00+19:00",
        "2026-11-28T10:15:00+01:60",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kt_time t = 42;
        struct kt_err err;
        int rc = kt_time_parse(bad[i], &t, &err);
        if (rc != KT_EINVAL)
            fail_msg("%s was accepted", bad[i]);
        assert_true(strlen(err.msg) > 0);
        assert_int_equal(t, 42);
    }
    kt_time t;
    struct kt_err err;
    kt_time_parse("2026-11-28T10:15:00", &t, &err);
    assert_non_null(strstr(err.msg, "has no time zone"));
}

static void format_utc_and_warsaw(void **state)
{
    char buf[KT_TIME_ISO_SIZE];
    kt_time t = T("2026-11-28T10:15:00Z");
    assert_string_equal(kt_time_format_utc(t, buf), "2026-11-28T10:15:00Z");
    assert_string_equal(kt_time_format_warsaw(t, buf), "2026-11-28T11:15:00+01:00");
    t = T("2026-07-01T12:00:00Z");
    assert_string_equal(kt_time_format_warsaw(t, buf), "2026-07-01T14:00:00+02:00");
    assert_string_equal(kt_time_format_utc(-1, buf), "1969-12-31T23:59:59Z");
}

static void formatted_timestamps_parse_back(void **state)
{
    char buf[KT_TIME_ISO_SIZE];
    for (kt_time t = T("2026-01-01T00:00:00Z"); t < T("2027-01-01T00:00:00Z"); t += 3607) {
        kt_time back;
        assert_int_equal(kt_time_parse(kt_time_format_warsaw(t, buf), &back, NULL), 0);
        assert_int_equal(back, t);
        assert_int_equal(kt_time_parse(kt_time_format_utc(t, buf), &back, NULL), 0);
        assert_int_equal(back, t);
    }
}

static void warsaw_spring_forward_2026(void **state)
{
    /* Last Sunday of March 2026 is the 29th; clocks go 02:00 CET → 03:00 CEST. */
    char buf[KT_TIME_ISO_SIZE];
    kt_time before = T("2026-03-29T00:59:59Z");
    kt_time at = T("2026-03-29T01:00:00Z");
    assert_int_equal(kt_time_warsaw_offset(before), 60);
    assert_int_equal(kt_time_warsaw_offset(at), 120);
    assert_string_equal(kt_time_format_warsaw(before, buf), "2026-03-29T01:59:59+01:00");
    assert_string_equal(kt_time_format_warsaw(at, buf), "2026-03-29T03:00:00+02:00");
}

static void warsaw_fall_back_2026(void **state)
{
    /* Last Sunday of October 2026 is the 25th; clocks go 03:00 CEST → 02:00 CET. */
    char buf[KT_TIME_ISO_SIZE];
    kt_time before = T("2026-10-25T00:59:59Z");
    kt_time at = T("2026-10-25T01:00:00Z");
    assert_int_equal(kt_time_warsaw_offset(before), 120);
    assert_int_equal(kt_time_warsaw_offset(at), 60);
    assert_string_equal(kt_time_format_warsaw(before, buf), "2026-10-25T02:59:59+02:00");
    assert_string_equal(kt_time_format_warsaw(at, buf), "2026-10-25T02:00:00+01:00");
}

static void warsaw_dst_dates_other_years(void **state)
{
    /* 2025: 30 March and 26 October; 2027: 28 March and 31 October. */
    assert_int_equal(kt_time_warsaw_offset(T("2025-03-30T00:59:59Z")), 60);
    assert_int_equal(kt_time_warsaw_offset(T("2025-03-30T01:00:00Z")), 120);
    assert_int_equal(kt_time_warsaw_offset(T("2025-10-26T00:59:59Z")), 120);
    assert_int_equal(kt_time_warsaw_offset(T("2025-10-26T01:00:00Z")), 60);
    assert_int_equal(kt_time_warsaw_offset(T("2027-03-28T01:00:00Z")), 120);
    assert_int_equal(kt_time_warsaw_offset(T("2027-10-31T00:59:59Z")), 120);
    assert_int_equal(kt_time_warsaw_offset(T("2027-10-31T01:00:00Z")), 60);
    assert_int_equal(kt_time_warsaw_offset(T("2027-01-15T12:00:00Z")), 60);
}

static void warsaw_local_gap_is_rejected(void **state)
{
    kt_time t;
    struct kt_err err;
    assert_int_equal(kt_time_parse_warsaw("2026-03-29T02:30", &t, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "does not exist in Warsaw"));
    assert_int_equal(kt_time_parse_warsaw("2026-03-29T01:59:59", &t, &err), 0);
    assert_int_equal(t, T("2026-03-29T00:59:59Z"));
    assert_int_equal(kt_time_parse_warsaw("2026-03-29T03:00", &t, &err), 0);
    assert_int_equal(t, T("2026-03-29T01:00:00Z"));
}

static void warsaw_local_overlap_takes_earlier_instant(void **state)
{
    kt_time t;
    assert_int_equal(kt_time_parse_warsaw("2026-10-25T02:30:00", &t, NULL), 0);
    assert_int_equal(t, T("2026-10-25T00:30:00Z"));
    assert_int_equal(kt_time_parse_warsaw("2026-10-25T03:00:00", &t, NULL), 0);
    assert_int_equal(t, T("2026-10-25T02:00:00Z"));
    assert_int_equal(kt_time_parse_warsaw("2026-10-25T01:59:59", &t, NULL), 0);
    assert_int_equal(t, T("2026-10-24T23:59:59Z"));
}

static void warsaw_local_with_offset_uses_the_offset(void **state)
{
    kt_time t;
    assert_int_equal(kt_time_parse_warsaw("2026-11-28T10:15:00Z", &t, NULL), 0);
    assert_int_equal(t, 1795860900);
    assert_int_equal(kt_time_parse_warsaw("2026-11-28T11:15:00", &t, NULL), 0);
    assert_int_equal(t, 1795860900);
}

static void from_warsaw_and_back_every_hour_of_2026(void **state)
{
    /* Every instant's Warsaw wall-clock time converts back to it, except
     * the second pass through the autumn overlap, which maps to the first. */
    kt_time overlap_end = T("2026-10-25T01:00:00Z");
    for (kt_time t = T("2026-01-01T00:00:00Z"); t < T("2027-01-01T00:00:00Z"); t += 1800) {
        struct kt_datetime dt;
        kt_time_to_warsaw(t, &dt);
        kt_time back;
        assert_int_equal(kt_time_from_warsaw(&dt, &back, NULL), 0);
        if (t >= overlap_end && t < overlap_end + 3600)
            assert_int_equal(back, t - 3600);
        else
            assert_int_equal(back, t);
    }
}

static void warsaw_date_changes_at_local_midnight(void **state)
{
    /* 23:30 UTC on 31 Dec is already New Year in Warsaw. */
    kt_time t = T("2026-12-31T23:30:00Z");
    assert_string_equal(iso(kt_time_utc_date(t)), "2026-12-31");
    assert_string_equal(iso(kt_time_warsaw_date(t)), "2027-01-01");
    /* 22:30 UTC in summer is 00:30 CEST the next day. */
    t = T("2026-06-30T22:30:00Z");
    assert_string_equal(iso(kt_time_warsaw_date(t)), "2026-07-01");
    assert_string_equal(iso(kt_time_utc_date(-1)), "1969-12-31");
}

static void datetime_breakdown(void **state)
{
    struct kt_datetime dt;
    kt_time_to_utc(T("2026-11-28T10:15:07Z"), &dt);
    assert_int_equal(dt.year, 2026);
    assert_int_equal(dt.month, 11);
    assert_int_equal(dt.day, 28);
    assert_int_equal(dt.hour, 10);
    assert_int_equal(dt.min, 15);
    assert_int_equal(dt.sec, 7);
    assert_int_equal(dt.offset_min, 0);
    kt_time_to_warsaw(T("2026-11-28T23:15:07Z"), &dt);
    assert_int_equal(dt.day, 29);
    assert_int_equal(dt.hour, 0);
    assert_int_equal(dt.offset_min, 60);
}

static void from_datetime_checks_fields(void **state)
{
    struct kt_err err;
    kt_time t;
    struct kt_datetime dt = {2026, 11, 28, 11, 15, 0, 60};
    assert_int_equal(kt_time_from_datetime(&dt, &t, &err), 0);
    assert_int_equal(t, 1795860900);
    dt.offset_min = 19 * 60;
    assert_int_equal(kt_time_from_datetime(&dt, &t, &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "offset"));
    dt.offset_min = 0;
    dt.hour = 24;
    assert_int_equal(kt_time_from_datetime(&dt, &t, &err), KT_EINVAL);
    dt.hour = 0;
    dt.day = 31;
    assert_int_equal(kt_time_from_datetime(&dt, &t, &err), KT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(epoch_is_day_zero),
        cmocka_unit_test(parse_and_format_round_trip),
        cmocka_unit_test(every_day_of_four_centuries_round_trips),
        cmocka_unit_test(february_29_only_in_leap_years),
        cmocka_unit_test(impossible_months_and_days_rejected),
        cmocka_unit_test(garbage_rejected),
        cmocka_unit_test(error_message_names_the_input),
        cmocka_unit_test(weekdays),
        cmocka_unit_test(add_days_crosses_months_years_and_leap_days),
        cmocka_unit_test(add_days_outside_supported_years_is_overflow),
        cmocka_unit_test(prose_polish_uses_genitive_months),
        cmocka_unit_test(prose_english_and_german),
        cmocka_unit_test(prose_every_month_differs_per_language),
        cmocka_unit_test(prose_rejects_unknown_language_and_small_buffer),
        cmocka_unit_test(easter_sundays),
        cmocka_unit_test(easter_rejects_unsupported_year),
        cmocka_unit_test(holidays_2026_full_list),
        cmocka_unit_test(corpus_christi_and_pentecost_follow_easter),
        cmocka_unit_test(christmas_eve_is_a_holiday_from_2025),
        cmocka_unit_test(epiphany_is_a_holiday_from_2011),
        cmocka_unit_test(holidays_sorted_even_when_easter_is_late),
        cmocka_unit_test(holidays_reject_unsupported_year),
        cmocka_unit_test(business_days),
        cmocka_unit_test(last_business_day_before_epiphany),
        cmocka_unit_test(last_business_day_around_easter),
        cmocka_unit_test(last_business_day_around_independence_day),
        cmocka_unit_test(last_business_day_over_christmas),
        cmocka_unit_test(last_business_day_is_strictly_before),
        cmocka_unit_test(parse_utc_and_offsets),
        cmocka_unit_test(timestamp_garbage_and_missing_zone_rejected),
        cmocka_unit_test(format_utc_and_warsaw),
        cmocka_unit_test(formatted_timestamps_parse_back),
        cmocka_unit_test(warsaw_spring_forward_2026),
        cmocka_unit_test(warsaw_fall_back_2026),
        cmocka_unit_test(warsaw_dst_dates_other_years),
        cmocka_unit_test(warsaw_local_gap_is_rejected),
        cmocka_unit_test(warsaw_local_overlap_takes_earlier_instant),
        cmocka_unit_test(warsaw_local_with_offset_uses_the_offset),
        cmocka_unit_test(from_warsaw_and_back_every_hour_of_2026),
        cmocka_unit_test(warsaw_date_changes_at_local_midnight),
        cmocka_unit_test(datetime_breakdown),
        cmocka_unit_test(from_datetime_checks_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
