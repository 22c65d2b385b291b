/*
 * Dates and timestamps: ISO 8601 parsing and formatting, Europe/Warsaw local
 * time, weekdays, Polish public holidays and business days, and dates in
 * prose for documents (PL/EN/DE).
 *
 * Representation (owned by this module):
 *   kt_date  days since 1970-01-01 in the proleptic Gregorian calendar
 *            (1970-01-01 = 0, 1969-12-31 = -1). Plain integers, so dates
 *            compare with < and subtract to a number of days.
 *   kt_time  seconds since 1970-01-01T00:00:00Z (UTC, no leap seconds),
 *            the same scale as time(2).
 * The parsers accept years KT_DATE_YEAR_MIN..KT_DATE_YEAR_MAX only. Every
 * other function is total: a value outside that range never causes undefined
 * behaviour, it formats with more year digits (which the parsers reject).
 *
 * Europe/Warsaw is computed here, never read from TZ or tzdata: CET (UTC+1)
 * in winter, CEST (UTC+2) from the last Sunday of March 01:00 UTC to the
 * last Sunday of October 01:00 UTC (the EU rule, applied to every year).
 *
 * Polish public holidays follow the Act of 18 January 1951 as amended:
 * 1 Jan, 6 Jan (since 2011), Easter Sunday and Monday, 1 May, 3 May,
 * Pentecost Sunday (Easter + 49), Corpus Christi (Easter + 60), 15 Aug,
 * 1 Nov, 11 Nov, 24 Dec (since 2025), 25 Dec, 26 Dec. Years before 1990
 * get the same rules; they are not historically accurate for that era.
 * A business day is Monday..Friday and not a public holiday.
 *
 * No function allocates; nothing here keeps state.
 */
#ifndef KT_DATE_H
#define KT_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef int32_t kt_date;
typedef int64_t kt_time;

#define KT_DATE_YEAR_MIN 1
#define KT_DATE_YEAR_MAX 9999

/* ISO 8601 weekday numbers. */
enum kt_weekday {
    KT_MONDAY = 1,
    KT_TUESDAY = 2,
    KT_WEDNESDAY = 3,
    KT_THURSDAY = 4,
    KT_FRIDAY = 5,
    KT_SATURDAY = 6,
    KT_SUNDAY = 7,
};

/* A broken-down civil time; offset_min is local minus UTC, in minutes. */
struct kt_datetime {
    int year, month, day; /* month 1..12, day 1..31 */
    int hour, min, sec;   /* 0..23, 0..59, 0..59 */
    int offset_min;       /* 0 for UTC, 60 for CET, 120 for CEST */
};

/* Buffer sizes that fit any value, including out-of-range years. */
#define KT_DATE_ISO_SIZE 16   /* "2026-11-28" */
#define KT_TIME_ISO_SIZE 40   /* "2026-11-28T10:15:00+01:00" */
#define KT_DATE_PROSE_SIZE 48 /* "28 października 2026" (UTF-8) */

/* ---- dates ---- */

/* True if year/month/day name a real day within the supported years. */
bool kt_date_valid_ymd(int year, int month, int day);

/* Builds a date; KT_EINVAL (with the reason) for e.g. 2026-02-29. */
int kt_date_from_ymd(int year, int month, int day, kt_date *out, struct kt_err *err);

void kt_date_to_ymd(kt_date d, int *year, int *month, int *day);

/* Strict "YYYY-MM-DD"; nothing before or after. */
int kt_date_parse(const char *s, kt_date *out, struct kt_err *err);

/* Writes "YYYY-MM-DD" into out and returns out. */
char *kt_date_format(kt_date d, char out[KT_DATE_ISO_SIZE]);

/*
 * The date in prose as printed on documents: lang "pl" → "28 listopada 2026"
 * (genitive month name, UTF-8), "en" → "28 November 2026", "de" →
 * "28. November 2026". KT_EINVAL for another lang, KT_ELIMIT if n is too
 * small (KT_DATE_PROSE_SIZE always suffices).
 */
int kt_date_format_prose(kt_date d, const char *lang, char *out, size_t n, struct kt_err *err);

enum kt_weekday kt_date_weekday(kt_date d);

/* *out = d + days (days may be negative); KT_EOVERFLOW if the result leaves
 * the supported years. */
int kt_date_add_days(kt_date d, long days, kt_date *out, struct kt_err *err);

/* ---- Polish public holidays and business days ---- */

#define KT_DATE_HOLIDAYS_MAX 16

struct kt_holiday {
    kt_date date;
    const char *name_pl; /* "Wigilia Bożego Narodzenia" (UTF-8, static) */
    const char *name_en; /* "Christmas Eve" (static) */
};

/* Easter Sunday of a Gregorian year (anonymous Gregorian computus). */
int kt_date_easter(int year, kt_date *out, struct kt_err *err);

/*
 * Fills out with the public holidays of year in date order and returns how
 * many there are (13 before 2025, 14 from 2025), or KT_EINVAL for a year
 * outside the supported range.
 */
int kt_date_holidays(int year, struct kt_holiday out[KT_DATE_HOLIDAYS_MAX], struct kt_err *err);

/* True if d is a public holiday; *name (may be NULL) gets its Polish name. */
bool kt_date_is_holiday(kt_date d, const char **name);

/* Monday..Friday and not a public holiday. */
bool kt_date_is_business_day(kt_date d);

/* The latest business day strictly before d (e.g. the NBP rate date for a
 * tax point d). */
kt_date kt_date_last_business_day_before(kt_date d);

/* ---- timestamps ---- */

/*
 * RFC 3339 / ISO 8601 "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM" /
 * "-HH:MM" (offset up to ±18:00); optional fractional seconds ".ddd" are
 * accepted and truncated. A timestamp without an offset is rejected: use
 * kt_time_parse_warsaw for local times.
 */
int kt_time_parse(const char *s, kt_time *out, struct kt_err *err);

/*
 * "YYYY-MM-DDTHH:MM[:SS]" with no offset, read as Europe/Warsaw local time
 * (see kt_time_from_warsaw for the DST gap and overlap). A string with an
 * offset is accepted too and parsed as kt_time_parse does.
 */
int kt_time_parse_warsaw(const char *s, kt_time *out, struct kt_err *err);

/* "2026-11-28T10:15:00Z" */
char *kt_time_format_utc(kt_time t, char out[KT_TIME_ISO_SIZE]);

/* "2026-11-28T11:15:00+01:00": Warsaw local time with its offset. */
char *kt_time_format_warsaw(kt_time t, char out[KT_TIME_ISO_SIZE]);

/* UTC offset of Europe/Warsaw at t in minutes: 60 (CET) or 120 (CEST). */
int kt_time_warsaw_offset(kt_time t);

/* Breaks t down as UTC (offset_min 0) or as Warsaw local time. */
void kt_time_to_utc(kt_time t, struct kt_datetime *out);
void kt_time_to_warsaw(kt_time t, struct kt_datetime *out);

/*
 * Converts a broken-down time to kt_time. kt_time_from_datetime honours
 * dt->offset_min; kt_time_from_warsaw ignores it and reads the fields as
 * Warsaw wall-clock time: a time in the spring-forward gap (last Sunday of
 * March, 02:00..02:59) is KT_EINVAL; one in the autumn overlap (last Sunday
 * of October, 02:00..02:59) is taken as the earlier instant (CEST).
 */
int kt_time_from_datetime(const struct kt_datetime *dt, kt_time *out, struct kt_err *err);
int kt_time_from_warsaw(const struct kt_datetime *local, kt_time *out, struct kt_err *err);

/* The calendar date of t in UTC and in Warsaw. */
kt_date kt_time_utc_date(kt_time t);
kt_date kt_time_warsaw_date(kt_time t);

#endif
