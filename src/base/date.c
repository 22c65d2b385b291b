#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/err.h"
#include "base/banned.h"

#define SECS_PER_DAY 86400
#define MAX_OFFSET_MIN (18 * 60)

/*
 * Days since 1970-01-01 for a proleptic Gregorian date, valid for any year
 * that fits (eras of 400 years; Howard Hinnant's days_from_civil).
 */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static const char *const month_en[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

bool kt_date_valid_ymd(int year, int month, int day)
{
    return year >= KT_DATE_YEAR_MIN && year <= KT_DATE_YEAR_MAX && month >= 1 && month <= 12 &&
           day >= 1 && day <= days_in_month(year, month);
}

int kt_date_from_ymd(int year, int month, int day, kt_date *out, struct kt_err *err)
{
    if (year < KT_DATE_YEAR_MIN || year > KT_DATE_YEAR_MAX)
        return kt_err_set(err, KT_EINVAL, "Year %d is outside the supported range %d to %d.", year,
                          KT_DATE_YEAR_MIN, KT_DATE_YEAR_MAX);
    if (month < 1 || month > 12)
        return kt_err_set(err, KT_EINVAL, "Month %d does not exist; months run from 1 to 12.",
                          month);
    int len = days_in_month(year, month);
    if (day < 1 || day > len)
        return kt_err_set(err, KT_EINVAL, "Day %d does not exist: %s %d has %d days.", day,
                          month_en[month - 1], year, len);
    *out = (kt_date)days_from_civil(year, month, day);
    return 0;
}

void kt_date_to_ymd(kt_date d, int *year, int *month, int *day)
{
    int64_t y;
    civil_from_days(d, &y, month, day);
    *year = (int)y;
}

/* Reads exactly n ASCII digits. */
static bool read_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" at s (which must hold at least 10 characters or a NUL
 * earlier); the fields are read, not yet range-checked. */
static bool read_ymd(const char *s, int *y, int *m, int *d)
{
    return read_digits(s, 4, y) && s[4] == '-' && read_digits(s + 5, 2, m) && s[7] == '-' &&
           read_digits(s + 8, 2, d);
}

int kt_date_parse(const char *s, kt_date *out, struct kt_err *err)
{
    int y, m, d;
    if (!s)
        s = "";
    if (strlen(s) != 10 || !read_ymd(s, &y, &m, &d))
        return kt_err_set(err, KT_EINVAL, "Date \"%.40s\" is not in the form YYYY-MM-DD.", s);
    int rc = kt_date_from_ymd(y, m, d, out, err);
    if (rc < 0)
        kt_err_prefix(err, "Date %s", s);
    return rc;
}

char *kt_date_format(kt_date d, char out[KT_DATE_ISO_SIZE])
{
    int y, m, day;
    kt_date_to_ymd(d, &y, &m, &day);
    snprintf(out, KT_DATE_ISO_SIZE, "%04d-%02d-%02d", y, m, day);
    return out;
}

/* How each language writes a date in running text. */
static const struct prose_style {
    const char *lang;
    const char *day_suffix; /* after the day number */
    const char *const *months;
} prose_styles[] = {
    {.lang = "pl",
     .day_suffix = "",
     .months = (const char *const[12]){"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
                                       "lipca", "sierpnia", "września", "października", "listopada",
                                       "grudnia"}},
    {.lang = "en", .day_suffix = "", .months = month_en},
    {.lang = "de",
     .day_suffix = ".",
     .months = (const char *const[12]){"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
                                       "August", "September", "Oktober", "November", "Dezember"}},
};

int kt_date_format_prose(kt_date d, const char *lang, char *out, size_t n, struct kt_err *err)
{
    const struct prose_style *st = NULL;
    for (size_t i = 0; i < sizeof prose_styles / sizeof prose_styles[0]; i++)
        if (lang && strcmp(lang, prose_styles[i].lang) == 0)
            st = &prose_styles[i];
    if (!st)
        return kt_err_set(err, KT_EINVAL,
                          "Language \"%.20s\" has no date format; use pl, en or de.",
                          lang ? lang : "");
    int y, m, day;
    kt_date_to_ymd(d, &y, &m, &day);
    int len = snprintf(out, n, "%d%s %s %d", day, st->day_suffix, st->months[m - 1], y);
    if (len < 0 || (size_t)len >= n)
        return kt_err_set(err, KT_ELIMIT, "The date needs %d bytes but the buffer holds %zu.",
                          len + 1, n);
    return 0;
}

/* ISO weekday (1 = Monday) of a day number; 1970-01-01 was a Thursday. */
static int weekday_of(int64_t days)
{
    int64_t r = (days + 3) % 7;
    if (r < 0)
        r += 7;
    return (int)r + 1;
}

enum kt_weekday kt_date_weekday(kt_date d)
{
    return (enum kt_weekday)weekday_of(d);
}

static const int64_t day_min = -719162; /* 0001-01-01 */
static const int64_t day_max = 2932896; /* 9999-12-31 */

int kt_date_add_days(kt_date d, long days, kt_date *out, struct kt_err *err)
{
    int64_t span = day_max - day_min;
    if (days > span || days < -span || (int64_t)d + days < day_min || (int64_t)d + days > day_max) {
        char iso[KT_DATE_ISO_SIZE];
        return kt_err_set(err, KT_EOVERFLOW, "%s plus %ld days falls outside the years %d to %d.",
                          kt_date_format(d, iso), days, KT_DATE_YEAR_MIN, KT_DATE_YEAR_MAX);
    }
    *out = (kt_date)((int64_t)d + days);
    return 0;
}

/* ---- holidays ---- */

/*
 * Polish public holidays (ustawa o dniach wolnych od pracy). A fixed holiday
 * has month/day; a movable one has month 0 and an offset from Easter Sunday.
 */
static const struct holiday_rule {
    int month, day;
    int easter_offset;
    int from_year; /* first year the holiday applies; 0 = always */
    const char *name_pl;
    const char *name_en;
} holiday_rules[] = {
    {.month = 1, .day = 1, .name_pl = "Nowy Rok", .name_en = "New Year's Day"},
    {.month = 1,
     .day = 6,
     .from_year = 2011,
     .name_pl = "Święto Trzech Króli",
     .name_en = "Epiphany"},
    {.easter_offset = 0, .name_pl = "Wielkanoc", .name_en = "Easter Sunday"},
    {.easter_offset = 1, .name_pl = "Poniedziałek Wielkanocny", .name_en = "Easter Monday"},
    {.month = 5, .day = 1, .name_pl = "Święto Pracy", .name_en = "Labour Day"},
    {.month = 5,
     .day = 3,
     .name_pl = "Święto Narodowe Trzeciego Maja",
     .name_en = "Constitution Day"},
    {.easter_offset = 49, .name_pl = "Zielone Świątki", .name_en = "Pentecost Sunday"},
    {.easter_offset = 60, .name_pl = "Boże Ciało", .name_en = "Corpus Christi"},
    {.month = 8,
     .day = 15,
     .name_pl = "Wniebowzięcie Najświętszej Maryi Panny",
     .name_en = "Assumption Day"},
    {.month = 11, .day = 1, .name_pl = "Wszystkich Świętych", .name_en = "All Saints' Day"},
    {.month = 11,
     .day = 11,
     .name_pl = "Narodowe Święto Niepodległości",
     .name_en = "Independence Day"},
    {.month = 12,
     .day = 24,
     .from_year = 2025,
     .name_pl = "Wigilia Bożego Narodzenia",
     .name_en = "Christmas Eve"},
    {.month = 12,
     .day = 25,
     .name_pl = "Boże Narodzenie (pierwszy dzień)",
     .name_en = "Christmas Day"},
    {.month = 12,
     .day = 26,
     .name_pl = "Boże Narodzenie (drugi dzień)",
     .name_en = "Second Day of Christmas"},
};

_Static_assert(sizeof holiday_rules / sizeof holiday_rules[0] <= KT_DATE_HOLIDAYS_MAX,
               "KT_DATE_HOLIDAYS_MAX too small");

static kt_date easter_sunday(int year)
{
    /* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
    int a = year % 19, b = year / 100, c = year % 100;
    int d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = (h + l - 7 * m + 114) % 31 + 1;
    return (kt_date)days_from_civil(year, month, day);
}

static int check_year(int year, struct kt_err *err)
{
    if (year < KT_DATE_YEAR_MIN || year > KT_DATE_YEAR_MAX)
        return kt_err_set(err, KT_EINVAL, "Year %d is outside the supported range %d to %d.", year,
                          KT_DATE_YEAR_MIN, KT_DATE_YEAR_MAX);
    return 0;
}

int kt_date_easter(int year, kt_date *out, struct kt_err *err)
{
    int rc = check_year(year, err);
    if (rc < 0)
        return rc;
    *out = easter_sunday(year);
    return 0;
}

int kt_date_holidays(int year, struct kt_holiday out[KT_DATE_HOLIDAYS_MAX], struct kt_err *err)
{
    int rc = check_year(year, err);
    if (rc < 0)
        return rc;
    kt_date easter = easter_sunday(year);
    int n = 0;
    for (size_t i = 0; i < sizeof holiday_rules / sizeof holiday_rules[0]; i++) {
        const struct holiday_rule *r = &holiday_rules[i];
        if (year < r->from_year)
            continue;
        struct kt_holiday h = {
            .date = r->month ? (kt_date)days_from_civil(year, r->month, r->day)
                             : easter + r->easter_offset,
            .name_pl = r->name_pl,
            .name_en = r->name_en,
        };
        /* Insertion sort: Easter-based holidays move between fixed ones. */
        int j = n++;
        while (j > 0 && out[j - 1].date > h.date) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = h;
    }
    return n;
}

bool kt_date_is_holiday(kt_date d, const char **name)
{
    int y, m, day;
    kt_date_to_ymd(d, &y, &m, &day);
    struct kt_holiday hol[KT_DATE_HOLIDAYS_MAX];
    int n = kt_date_holidays(y, hol, NULL);
    for (int i = 0; i < n; i++) {
        if (hol[i].date == d) {
            if (name)
                *name = hol[i].name_pl;
            return true;
        }
    }
    return false;
}

bool kt_date_is_business_day(kt_date d)
{
    return kt_date_weekday(d) < KT_SATURDAY && !kt_date_is_holiday(d, NULL);
}

kt_date kt_date_last_business_day_before(kt_date d)
{
    /* Terminates: no run of weekends and holidays is longer than a few days. */
    do
        d--;
    while (!kt_date_is_business_day(d));
    return d;
}

/* ---- timestamps ---- */

/* Europe/Warsaw summer time of year y: [start, end) in kt_time. */
static void warsaw_dst(int64_t y, kt_time *start, kt_time *end)
{
    int64_t mar31 = days_from_civil(y, 3, 31);
    int64_t oct31 = days_from_civil(y, 10, 31);
    /* Sunday is weekday 7, so weekday % 7 is the distance back to Sunday. */
    int64_t last_sun_mar = mar31 - weekday_of(mar31) % 7;
    int64_t last_sun_oct = oct31 - weekday_of(oct31) % 7;
    *start = last_sun_mar * SECS_PER_DAY + 3600;
    *end = last_sun_oct * SECS_PER_DAY + 3600;
}

static void split_time(kt_time t, int64_t *days, int *secs)
{
    *days = floor_div(t, SECS_PER_DAY);
    *secs = (int)(t - *days * SECS_PER_DAY);
}

int kt_time_warsaw_offset(kt_time t)
{
    int64_t days, y;
    int secs, m, d;
    split_time(t, &days, &secs);
    civil_from_days(days, &y, &m, &d);
    kt_time start, end;
    warsaw_dst(y, &start, &end);
    return t >= start && t < end ? 120 : 60;
}

static void breakdown(int64_t days, int secs, int offset_min, struct kt_datetime *out)
{
    int64_t y;
    civil_from_days(days, &y, &out->month, &out->day);
    out->year = (int)y;
    out->hour = secs / 3600;
    out->min = secs / 60 % 60;
    out->sec = secs % 60;
    out->offset_min = offset_min;
}

void kt_time_to_utc(kt_time t, struct kt_datetime *out)
{
    int64_t days;
    int secs;
    split_time(t, &days, &secs);
    breakdown(days, secs, 0, out);
}

void kt_time_to_warsaw(kt_time t, struct kt_datetime *out)
{
    int off = kt_time_warsaw_offset(t);
    int64_t days;
    int secs;
    split_time(t, &days, &secs);
    /* Shift in days and seconds separately so that no int64 can overflow. */
    secs += off * 60;
    if (secs >= SECS_PER_DAY) {
        secs -= SECS_PER_DAY;
        days++;
    }
    breakdown(days, secs, off, out);
}

kt_date kt_time_utc_date(kt_time t)
{
    int64_t days;
    int secs;
    split_time(t, &days, &secs);
    return (kt_date)days;
}

kt_date kt_time_warsaw_date(kt_time t)
{
    struct kt_datetime dt;
    kt_time_to_warsaw(t, &dt);
    return (kt_date)days_from_civil(dt.year, dt.month, dt.day);
}

static char *format_datetime(const struct kt_datetime *dt, char out[KT_TIME_ISO_SIZE])
{
    int n = snprintf(out, KT_TIME_ISO_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d", dt->year, dt->month,
                     dt->day, dt->hour, dt->min, dt->sec);
    if (n < 0 || n >= KT_TIME_ISO_SIZE)
        return out;
    if (dt->offset_min == 0) {
        snprintf(out + n, (size_t)(KT_TIME_ISO_SIZE - n), "Z");
    } else {
        int a = dt->offset_min < 0 ? -dt->offset_min : dt->offset_min;
        snprintf(out + n, (size_t)(KT_TIME_ISO_SIZE - n), "%c%02d:%02d",
                 dt->offset_min < 0 ? '-' : '+', a / 60, a % 60);
    }
    return out;
}

char *kt_time_format_utc(kt_time t, char out[KT_TIME_ISO_SIZE])
{
    struct kt_datetime dt;
    kt_time_to_utc(t, &dt);
    return format_datetime(&dt, out);
}

char *kt_time_format_warsaw(kt_time t, char out[KT_TIME_ISO_SIZE])
{
    struct kt_datetime dt;
    kt_time_to_warsaw(t, &dt);
    return format_datetime(&dt, out);
}

/* Range-checks the wall-clock fields and returns them as seconds since the
 * epoch read as if they were UTC. */
static int local_seconds(const struct kt_datetime *dt, int64_t *out, struct kt_err *err)
{
    kt_date d;
    int rc = kt_date_from_ymd(dt->year, dt->month, dt->day, &d, err);
    if (rc < 0)
        return rc;
    if (dt->hour < 0 || dt->hour > 23 || dt->min < 0 || dt->min > 59 || dt->sec < 0 || dt->sec > 59)
        return kt_err_set(err, KT_EINVAL,
                          "Time %02d:%02d:%02d does not exist; use 00:00:00 to 23:59:59.", dt->hour,
                          dt->min, dt->sec);
    *out = (int64_t)d * SECS_PER_DAY + dt->hour * 3600 + dt->min * 60 + dt->sec;
    return 0;
}

int kt_time_from_datetime(const struct kt_datetime *dt, kt_time *out, struct kt_err *err)
{
    int64_t local;
    int rc = local_seconds(dt, &local, err);
    if (rc < 0)
        return rc;
    if (dt->offset_min < -MAX_OFFSET_MIN || dt->offset_min > MAX_OFFSET_MIN)
        return kt_err_set(err, KT_EINVAL,
                          "UTC offset of %d minutes is out of range; offsets run from -18:00 "
                          "to +18:00.",
                          dt->offset_min);
    *out = local - (int64_t)dt->offset_min * 60;
    return 0;
}

int kt_time_from_warsaw(const struct kt_datetime *local, kt_time *out, struct kt_err *err)
{
    int64_t wall;
    int rc = local_seconds(local, &wall, err);
    if (rc < 0)
        return rc;
    /* Try summer time first: in the autumn overlap that is the earlier instant. */
    kt_time t = wall - 7200;
    if (kt_time_warsaw_offset(t) == 120) {
        *out = t;
        return 0;
    }
    t = wall - 3600;
    if (kt_time_warsaw_offset(t) == 60) {
        *out = t;
        return 0;
    }
    return kt_err_set(err, KT_EINVAL,
                      "%04d-%02d-%02d %02d:%02d does not exist in Warsaw: clocks jump from "
                      "02:00 to 03:00 that night.",
                      local->year, local->month, local->day, local->hour, local->min);
}

/*
 * Parses "YYYY-MM-DDTHH:MM[:SS][.fff][Z|±HH:MM]". need_seconds demands
 * ":SS"; *has_offset says whether a zone designator was present.
 */
static int parse_datetime(const char *s, bool need_seconds, struct kt_datetime *dt,
                          bool *has_offset, struct kt_err *err)
{
    const char *p = s;
    size_t len = strlen(s);
    memset(dt, 0, sizeof *dt);
    *has_offset = false;
    if (len < 16 || !read_ymd(p, &dt->year, &dt->month, &dt->day) || p[10] != 'T' ||
        !read_digits(p + 11, 2, &dt->hour) || p[13] != ':' || !read_digits(p + 14, 2, &dt->min))
        goto bad;
    p += 16;
    if (*p == ':') {
        if (!read_digits(p + 1, 2, &dt->sec))
            goto bad;
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                goto bad;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    } else if (need_seconds) {
        goto bad;
    }
    if (*p == 'Z') {
        *has_offset = true;
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!read_digits(p + 1, 2, &oh) || p[3] != ':' || !read_digits(p + 4, 2, &om) || om > 59)
            goto bad;
        dt->offset_min = (oh * 60 + om) * (*p == '-' ? -1 : 1);
        *has_offset = true;
        p += 6;
    }
    if (*p != '\0')
        goto bad;
    return 0;
bad:
    return kt_err_set(err, KT_EINVAL,
                      "Timestamp \"%.60s\" is not in the form YYYY-MM-DDTHH:MM:SS%s.", s,
                      need_seconds ? " followed by Z or an offset like +01:00" : "");
}

int kt_time_parse(const char *s, kt_time *out, struct kt_err *err)
{
    struct kt_datetime dt;
    bool has_offset;
    if (!s)
        s = "";
    int rc = parse_datetime(s, true, &dt, &has_offset, err);
    if (rc < 0)
        return rc;
    if (!has_offset)
        return kt_err_set(err, KT_EINVAL,
                          "Timestamp \"%.60s\" has no time zone; add Z or an offset like "
                          "+01:00.",
                          s);
    rc = kt_time_from_datetime(&dt, out, err);
    if (rc < 0)
        kt_err_prefix(err, "Timestamp %.60s", s);
    return rc;
}

int kt_time_parse_warsaw(const char *s, kt_time *out, struct kt_err *err)
{
    struct kt_datetime dt;
    bool has_offset;
    if (!s)
        s = "";
    int rc = parse_datetime(s, false, &dt, &has_offset, err);
    if (rc < 0)
        return rc;
    rc = has_offset ? kt_time_from_datetime(&dt, out, err) : kt_time_from_warsaw(&dt, out, err);
    if (rc < 0)
        kt_err_prefix(err, "Timestamp %.60s", s);
    return rc;
}
