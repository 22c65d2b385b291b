/*
 * series: numbering series (serie numeracji) for orders and documents.
 * Owns the tables number_series (code -> format) and series_counters
 * (code, period -> last number issued), migration 0008_orders.
 *
 * A format is text with placeholders:
 *   {YYYY} year, {YY} two-digit year, {MM} month, {DD} day (of the date
 *   the number is issued for), {N...} the counter, zero-padded to as many
 *   digits as there are N's (more digits are printed when it grows past
 *   them: {NN} prints 7, 42, 123).
 * Exactly one counter placeholder is required; `{` and `}` appear only in
 * placeholders. The counter restarts with the finest date placeholder in
 * the format: daily with {DD}, monthly with {MM}, yearly with {YYYY} or
 * {YY}, never without any ("ZK/{YYYY}/{MM}/{NNNN}" restarts every month).
 * The period key stored with the counter is "2026-11-28", "2026-11",
 * "2026" or "".
 *
 * Gapless: series_next runs inside the caller's open write transaction and
 * takes the number with one `UPDATE series_counters SET last = last + 1
 * ... RETURNING last` (the counter row is created first with
 * `INSERT ... ON CONFLICT DO NOTHING`). The row lock orders concurrent
 * issuers; a rolled-back transaction rolls the counter back with it, so
 * numbers are never skipped nor issued twice. The price is that issuers
 * of one series wait for each other's commit: keep the issuing
 * transaction short.
 */
#ifndef KT_SERIES_H
#define KT_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "store/store.h"

#define SERIES_CODE_MAX 32   /* letters, digits, '-', '_', '.' */
#define SERIES_FORMAT_MAX 64 /* bytes of a format */
#define SERIES_NUMBER_MAX 96 /* bytes of an issued number, NUL included */
#define SERIES_PERIOD_SIZE 11

/* How often a format restarts its counter. */
enum series_reset {
    SERIES_RESET_NEVER,
    SERIES_RESET_YEARLY,
    SERIES_RESET_MONTHLY,
    SERIES_RESET_DAILY
};

/*
 * Checks a format (see above); on success *reset (may be NULL) tells when
 * its counter restarts. KT_EINVAL says what is wrong ("format: ...").
 */
int series_format_check(const char *format, enum series_reset *reset, struct kt_err *err);

/* The period key of `date` for a format ("2026-11" for a monthly one). */
int series_period(const char *format, kt_date date, char period[SERIES_PERIOD_SIZE],
                  struct kt_err *err);

/*
 * Renders number n (>= 1) of a format for `date` into buf:
 * "ZK/{YYYY}/{MM}/{NNNN}", 2026-11-28, 7 -> "ZK/2026/11/0007". Pure.
 * KT_ELIMIT when buf is too small.
 */
int series_render(const char *format, kt_date date, int64_t n, char *buf, size_t len,
                  struct kt_err *err);

/*
 * Creates series `code` with `format`, or changes the format of an existing
 * one (counters are kept: a changed format with the same period continues
 * its numbering). Runs in the caller's transaction when one is open, else
 * in its own. KT_EINVAL for a bad code or format.
 */
int series_define(struct store *st, const char *code, const char *format, struct kt_err *err);

/* The format of series `code`; KT_ENOTFOUND names the code. */
int series_get_format(struct store *st, const char *code, char format[SERIES_FORMAT_MAX + 1],
                      struct kt_err *err);

/*
 * Issues the next number of series `code` for `date` into buf (len bytes;
 * SERIES_NUMBER_MAX always suffices). Must run inside the caller's open
 * write transaction (KT_EINTERNAL otherwise, nothing written); the number
 * belongs to that transaction and disappears with its rollback.
 * KT_ENOTFOUND for an unknown series.
 */
int series_next(struct store *st, const char *code, kt_date date, char *buf, size_t len,
                struct kt_err *err);

/* The last number issued in `code` for the period of `date` (0: none yet). */
int series_last(struct store *st, const char *code, kt_date date, int64_t *last,
                struct kt_err *err);

#endif
