#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "series/series.h"
#include "store/store.h"
#include "base/banned.h"

/* The placeholders of a format; the table drives parsing and rendering. */
enum token_kind { TOK_YYYY, TOK_YY, TOK_MM, TOK_DD, TOK_N };

static const struct token {
    const char *text;
    enum token_kind kind;
} tokens[] = {
    {.text = "{YYYY}", .kind = TOK_YYYY},
    {.text = "{YY}", .kind = TOK_YY},
    {.text = "{MM}", .kind = TOK_MM},
    {.text = "{DD}", .kind = TOK_DD},
};

#define NTOKENS (sizeof tokens / sizeof tokens[0])
#define COUNTER_DIGITS_MAX 12

/*
 * Recognises the placeholder at p (which points at '{'): its kind, its
 * length in bytes and, for {N...}, the number of digits. 0 when it is not
 * a placeholder.
 */
static size_t token_at(const char *p, enum token_kind *kind, int *digits)
{
    for (size_t i = 0; i < NTOKENS; i++) {
        size_t n = strlen(tokens[i].text);
        if (strncmp(p, tokens[i].text, n) == 0) {
            *kind = tokens[i].kind;
            return n;
        }
    }
    size_t k = 1;
    while (p[k] == 'N')
        k++;
    if (k > 1 && p[k] == '}' && k - 1 <= COUNTER_DIGITS_MAX) {
        *kind = TOK_N;
        *digits = (int)(k - 1);
        return k + 1;
    }
    return 0;
}

int series_format_check(const char *format, enum series_reset *reset, struct kt_err *err)
{
    if (!format || !*format)
        return kt_err_set(err, KT_EINVAL, "format: is empty; write it like ZK/{YYYY}/{MM}/{NNNN}");
    if (strlen(format) > SERIES_FORMAT_MAX)
        return kt_err_set(err, KT_EINVAL, "format: longer than %d bytes", SERIES_FORMAT_MAX);
    int counters = 0;
    enum series_reset r = SERIES_RESET_NEVER;
    for (const char *p = format; *p;) {
        unsigned char c = (unsigned char)*p;
        if (c == '}')
            return kt_err_set(err, KT_EINVAL, "format: '}' without '{' in %s", format);
        if (c < 0x20 || c == 0x7f)
            return kt_err_set(err, KT_EINVAL, "format: control characters are not allowed");
        if (c != '{') {
            p++;
            continue;
        }
        enum token_kind kind;
        int digits = 0;
        size_t n = token_at(p, &kind, &digits);
        if (n == 0)
            return kt_err_set(err, KT_EINVAL,
                              "format: unknown placeholder at \"%.12s\"; use {YYYY}, {YY}, {MM}, "
                              "{DD} and one {N...} (1 to %d N's)",
                              p, COUNTER_DIGITS_MAX);
        switch (kind) {
        case TOK_N:
            counters++;
            break;
        case TOK_YYYY:
        case TOK_YY:
            if (r < SERIES_RESET_YEARLY)
                r = SERIES_RESET_YEARLY;
            break;
        case TOK_MM:
            if (r < SERIES_RESET_MONTHLY)
                r = SERIES_RESET_MONTHLY;
            break;
        case TOK_DD:
            r = SERIES_RESET_DAILY;
            break;
        }
        p += n;
    }
    if (counters != 1)
        return kt_err_set(err, KT_EINVAL,
                          "format: needs exactly one counter placeholder such as {NNNN}, %s has %d",
                          format, counters);
    if (reset)
        *reset = r;
    return 0;
}

int series_period(const char *format, kt_date date, char period[SERIES_PERIOD_SIZE],
                  struct kt_err *err)
{
    enum series_reset r;
    int rc = series_format_check(format, &r, err);
    if (rc)
        return rc;
    int y, m, d;
    kt_date_to_ymd(date, &y, &m, &d);
    if (y < KT_DATE_YEAR_MIN || y > KT_DATE_YEAR_MAX)
        return kt_err_set(err, KT_EINVAL, "date: year %d is out of range", y);
    switch (r) {
    case SERIES_RESET_NEVER:
        period[0] = '\0';
        break;
    case SERIES_RESET_YEARLY:
        snprintf(period, SERIES_PERIOD_SIZE, "%04d", y);
        break;
    case SERIES_RESET_MONTHLY:
        snprintf(period, SERIES_PERIOD_SIZE, "%04d-%02d", y, m);
        break;
    case SERIES_RESET_DAILY:
        snprintf(period, SERIES_PERIOD_SIZE, "%04d-%02d-%02d", y, m, d);
        break;
    }
    return 0;
}

int series_render(const char *format, kt_date date, int64_t n, char *buf, size_t len,
                  struct kt_err *err)
{
    int rc = series_format_check(format, NULL, err);
    if (rc)
        return rc;
    if (n < 1)
        return kt_err_set(err, KT_EINVAL, "a series number starts at 1, not %lld", (long long)n);
    int y, m, d;
    kt_date_to_ymd(date, &y, &m, &d);
    struct kt_buf b;
    kt_buf_init(&b, len > 0 ? len - 1 : 0);
    for (const char *p = format; *p && rc == 0;) {
        enum token_kind kind;
        int digits = 0;
        size_t tl = *p == '{' ? token_at(p, &kind, &digits) : 0;
        if (tl == 0) {
            rc = kt_buf_addc(&b, *p++);
            continue;
        }
        switch (kind) {
        case TOK_YYYY:
            rc = kt_buf_printf(&b, "%04d", y);
            break;
        case TOK_YY:
            rc = kt_buf_printf(&b, "%02d", y % 100);
            break;
        case TOK_MM:
            rc = kt_buf_printf(&b, "%02d", m);
            break;
        case TOK_DD:
            rc = kt_buf_printf(&b, "%02d", d);
            break;
        case TOK_N:
            rc = kt_buf_printf(&b, "%0*lld", digits, (long long)n);
            break;
        }
        p += tl;
    }
    if (rc == 0 && kt_strlcpy(buf, kt_buf_str(&b), len) != 0)
        rc = KT_ELIMIT;
    kt_buf_release(&b);
    if (rc)
        return kt_err_set(err, KT_ELIMIT, "the number of format %s does not fit in %zu bytes",
                          format, len);
    return 0;
}

/* The first failed bind is kept in *b; step_bound reports it instead of
 * running a statement with a parameter left unbound. */
static void bind_txt(struct store_stmt *s, int idx, const char *text, int *b)
{
    if (*b == 0)
        *b = store_bind_text(s, idx, text);
}

static void bind_int(struct store_stmt *s, int idx, int64_t v, int *b)
{
    if (*b == 0)
        *b = store_bind_int64(s, idx, v);
}

static int step_bound(struct store_stmt *s, int b, struct kt_err *err)
{
    if (b)
        return kt_err_set(err, b, "cannot pass a value to the database (%s)", kt_err_name(b));
    return store_step(s, err);
}

static int check_code(const char *code, struct kt_err *err)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0 || n > SERIES_CODE_MAX)
        return kt_err_set(err, KT_EINVAL, "series: a code has 1 to %d characters", SERIES_CODE_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return kt_err_set(err, KT_EINVAL,
                              "series: %s: use letters, digits, '-', '_' and '.' only", code);
    }
    return 0;
}

struct define_ctx {
    const char *code, *format;
};

static int define_tx(struct store *st, void *ctx, struct kt_err *err)
{
    int b = 0;
    struct define_ctx *d = ctx;
    struct store_stmt *s = NULL;
    int rc =
        store_prepare(st,
                      "INSERT INTO number_series (code, format, updated_at) VALUES (?1, ?2, ?3) "
                      "ON CONFLICT (code) DO UPDATE SET format = excluded.format, "
                      "updated_at = excluded.updated_at",
                      &s, err);
    if (rc)
        return rc;
    bind_txt(s, 1, d->code, &b);
    bind_txt(s, 2, d->format, &b);
    bind_int(s, 3, (int64_t)time(NULL) * 1000, &b);
    rc = step_bound(s, b, err);
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int series_define(struct store *st, const char *code, const char *format, struct kt_err *err)
{
    int rc;
    if ((rc = check_code(code, err)) || (rc = series_format_check(format, NULL, err)))
        return rc;
    struct define_ctx d = {.code = code, .format = format};
    if (store_in_tx(st))
        return define_tx(st, &d, err);
    return store_tx(st, define_tx, &d, err);
}

int series_get_format(struct store *st, const char *code, char format[SERIES_FORMAT_MAX + 1],
                      struct kt_err *err)
{
    int b = 0;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT format FROM number_series WHERE code = ?1", &s, err);
    if (rc)
        return rc;
    bind_txt(s, 1, code, &b);
    rc = step_bound(s, b, err);
    if (rc == STORE_ROW) {
        const char *f = store_col_text(s, 0);
        rc = kt_strlcpy(format, f ? f : "", SERIES_FORMAT_MAX + 1) == 0
                 ? 0
                 : kt_err_set(err, KT_ECORRUPT, "series %s: the stored format is too long", code);
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND, "there is no numbering series %s", code);
    }
    store_stmt_done(s);
    return rc;
}

int series_next(struct store *st, const char *code, kt_date date, char *buf, size_t len,
                struct kt_err *err)
{
    char format[SERIES_FORMAT_MAX + 1], period[SERIES_PERIOD_SIZE];
    struct store_stmt *s = NULL;
    int64_t n = 0;
    int rc;

    if (!store_in_tx(st))
        return kt_err_set(err, KT_EINTERNAL,
                          "series_next needs the issuing transaction; a number taken outside "
                          "it could be lost");
    if ((rc = series_get_format(st, code, format, err)) ||
        (rc = series_period(format, date, period, err)))
        return rc;
    /* The usual case is one UPDATE. The counter row of a new period is
     * created first with INSERT ... ON CONFLICT DO NOTHING (concurrent
     * creators meet on the primary key; all but one do nothing) and the
     * UPDATE is repeated. */
    for (int attempt = 0; attempt < 2; attempt++) {
        int b = 0;
        if (attempt == 1) {
            if ((rc = store_prepare(st,
                                    "INSERT INTO series_counters (series_code, period, last) "
                                    "VALUES (?1, ?2, 0) "
                                    "ON CONFLICT (series_code, period) DO NOTHING",
                                    &s, err)))
                return rc;
            bind_txt(s, 1, code, &b);
            bind_txt(s, 2, period, &b);
            rc = step_bound(s, b, err);
            store_stmt_done(s);
            if (rc < 0)
                return rc;
        }
        if ((rc = store_prepare(st,
                                "UPDATE series_counters SET last = last + 1 "
                                "WHERE series_code = ?1 AND period = ?2 RETURNING last",
                                &s, err)))
            return rc;
        bind_txt(s, 1, code, &b);
        bind_txt(s, 2, period, &b);
        rc = step_bound(s, b, err);
        if (rc == STORE_ROW)
            n = store_col_int64(s, 0);
        store_stmt_done(s);
        if (rc != STORE_DONE)
            break;
    }
    if (rc < 0)
        return rc;
    if (rc != STORE_ROW)
        return kt_err_set(err, KT_EINTERNAL, "series %s: the counter of %s vanished", code,
                          period[0] ? period : "all time");
    return series_render(format, date, n, buf, len, err);
}

int series_last(struct store *st, const char *code, kt_date date, int64_t *last, struct kt_err *err)
{
    int b = 0;
    char format[SERIES_FORMAT_MAX + 1], period[SERIES_PERIOD_SIZE];
    struct store_stmt *s = NULL;
    int rc;
    if ((rc = series_get_format(st, code, format, err)) ||
        (rc = series_period(format, date, period, err)))
        return rc;
    if ((rc = store_prepare(
             st, "SELECT last FROM series_counters WHERE series_code = ?1 AND period = ?2", &s,
             err)))
        return rc;
    bind_txt(s, 1, code, &b);
    bind_txt(s, 2, period, &b);
    rc = step_bound(s, b, err);
    *last = rc == STORE_ROW ? store_col_int64(s, 0) : 0;
    store_stmt_done(s);
    return rc < 0 ? rc : 0;
}
