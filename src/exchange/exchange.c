#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/csv.h"
#include "exchange/exchange.h"
#include "exchange/internal.h"
#include "base/banned.h"

#define DEFAULT_BATCH_ROWS 1000
/* a batch is committed early when the rows kept for a replay pass this */
#define BATCH_BYTES_MAX ((size_t)16 << 20)
#define MAX_COLUMNS 512

static const struct {
    const char *name;
    enum exchange_kind kind;
    const struct exchange_kind_def *def;
} kinds[] = {
    {"products", EXCHANGE_PRODUCTS, &exchange_products_kind},
    {"customers", EXCHANGE_CUSTOMERS, &exchange_customers_kind},
    {"pricelists", EXCHANGE_PRICELISTS, &exchange_pricelists_kind},
    {"stock", EXCHANGE_STOCK, &exchange_stock_kind},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

int exchange_kind_parse(const char *s, enum exchange_kind *out, struct kt_err *err)
{
    for (size_t i = 0; i < NKINDS; i++) {
        if (s && strcmp(s, kinds[i].name) == 0) {
            *out = kinds[i].kind;
            return 0;
        }
    }
    return kt_err_set(err, KT_EINVAL,
                      "'%s' is not something kontor imports or exports; use products, "
                      "customers, pricelists or stock",
                      s ? s : "");
}

const char *exchange_kind_name(enum exchange_kind k)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (kinds[i].kind == k)
            return kinds[i].name;
    return NULL;
}

static const struct exchange_kind_def *kind_def(enum exchange_kind k)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (kinds[i].kind == k)
            return kinds[i].def;
    return NULL;
}

const char *exchange_outcome_name(enum exchange_outcome o)
{
    static const char *const names[] = {"created", "updated", "unchanged", "rejected"};
    return (unsigned)o < 4 ? names[o] : "?";
}

/* ---- values ---- */

int exchange_parse_fixed(const char *text, int decimals, const char *what, int64_t *v,
                         struct kt_err *err)
{
    const char *s = text;
    int neg = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    int64_t acc = 0;
    int digits = 0, frac = -1;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s)) {
            if (frac >= 0 && ++frac > decimals)
                return kt_err_set(err, KT_EINVAL, "%s '%s' has more than %d decimal%s", what, text,
                                  decimals, decimals == 1 ? "" : "s");
            if (acc > (INT64_MAX - 9) / 10)
                return kt_err_set(err, KT_EINVAL, "%s '%s' is too large", what, text);
            acc = acc * 10 + (*s - '0');
            digits++;
        } else if ((*s == '.' || *s == ',') && frac < 0 && decimals > 0) {
            frac = 0;
        } else {
            break;
        }
    }
    if (*s || digits == 0 || frac == 0)
        return kt_err_set(err, KT_EINVAL, "%s '%s' is not a number; write it like %s", what, text,
                          decimals == 0 ? "12" : "12.50");
    for (int k = frac < 0 ? 0 : frac; k < decimals; k++) {
        if (acc > INT64_MAX / 10)
            return kt_err_set(err, KT_EINVAL, "%s '%s' is too large", what, text);
        acc *= 10;
    }
    *v = neg ? -acc : acc;
    return 0;
}

int exchange_format_fixed(struct kt_buf *out, int64_t v, int decimals, int min_dec)
{
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t whole = a / (uint64_t)scale, frac = a % (uint64_t)scale;
    char digits[24];
    snprintf(digits, sizeof digits, "%0*llu", decimals, (unsigned long long)frac);
    int nd = decimals;
    while (nd > min_dec && digits[nd - 1] == '0')
        nd--;
    int rc = kt_buf_printf(out, "%s%llu", v < 0 ? "-" : "", (unsigned long long)whole);
    if (rc == 0 && nd > 0)
        rc = kt_buf_printf(out, ".%.*s", nd, digits);
    return rc;
}

int exchange_parse_bool(const char *text, const char *what, int *v, struct kt_err *err)
{
    static const char *const yes[] = {"1", "yes", "true", "tak", "y", "t"};
    static const char *const no[] = {"0", "no", "false", "nie", "n", "f"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *v = 1;
            return 0;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *v = 0;
            return 0;
        }
    }
    return kt_err_set(err, KT_EINVAL, "%s '%s' must be 1 or 0", what, text);
}

int exchange_parse_int(const char *text, int64_t min, int64_t max, const char *what, int64_t *v,
                       struct kt_err *err)
{
    int64_t x;
    if (exchange_parse_fixed(text, 0, what, &x, err) != 0)
        return KT_EINVAL;
    if (x < min || x > max)
        return kt_err_set(err, KT_EINVAL, "%s %s is out of range (%lld to %lld)", what, text,
                          (long long)min, (long long)max);
    *v = x;
    return 0;
}

int exchange_reason(struct kt_err *err, int code, const char *column, const struct kt_err *from)
{
    char msg[KT_ERR_MSG_MAX];
    kt_strlcpy(msg, from->msg, sizeof msg);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '.' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    size_t cl = strlen(column);
    if (strncasecmp(msg, column, cl) == 0 && (msg[cl] == ' ' || msg[cl] == ':'))
        return kt_err_set(err, code, "%s%s", column, msg + cl);
    return kt_err_set(err, code, "%s: %s", column, msg);
}

/* ---- the run ---- */

/* A row kept in the open batch, for a replay after a failed write. */
struct kept_row {
    long line;
    size_t n;
    char **field;
    int rejected;
    enum exchange_outcome outcome;
    char *key;
    char *reason;
};

struct exchange_run {
    struct store *st;
    const struct exchange_kind_def *def;
    struct exchange_options opt;
    struct exchange_summary *sum;
    void *state;
    int col[MAX_COLUMNS];
    size_t header_n;
    int replay;

    /* scratch database for "appears twice" */
    struct store *seen;
    char seen_dir[64];

    /* skip-bad-rows batch */
    struct kt_arena batch_arena;
    struct kept_row *batch;
    size_t nbatch;
    size_t batch_cap;

    int doomed;     /* all-or-nothing: a row was rejected, nothing will be written */
    int csv_failed; /* the file broke (kt_csv_next failed) */
};

struct store *exchange_run_store(struct exchange_run *run)
{
    return run->st;
}

const char *exchange_run_source(struct exchange_run *run)
{
    return run->opt.source;
}

const char *exchange_get(const struct exchange_row *row, size_t c)
{
    int i = row->col[c];
    return i >= 0 && (size_t)i < row->n ? row->field[i] : "";
}

int exchange_has(const struct exchange_row *row, size_t c)
{
    return row->col[c] >= 0;
}

static int seen_open(struct exchange_run *run, struct kt_err *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(run->seen_dir, sizeof run->seen_dir, "%s/kontor-import.XXXXXX",
             tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    if (!mkdtemp(run->seen_dir)) {
        run->seen_dir[0] = '\0';
        return kt_err_set(err, KT_EIO, "cannot create a scratch directory for the import: %s",
                          strerror(errno));
    }
    char url[128];
    snprintf(url, sizeof url, "sqlite:%s/seen.db", run->seen_dir);
    int rc = store_open(url, &run->seen, err);
    if (rc == 0)
        rc = store_exec(run->seen,
                        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                        "CREATE TABLE seen (key TEXT PRIMARY KEY, line INTEGER NOT NULL)",
                        err);
    if (rc == 0)
        rc = store_begin(run->seen, err);
    if (rc != 0)
        kt_err_prefix(err, "cannot set up the import's scratch database");
    return rc;
}

static void seen_close(struct exchange_run *run)
{
    if (run->seen) {
        store_rollback(run->seen);
        store_close(run->seen);
        run->seen = NULL;
    }
    if (run->seen_dir[0]) {
        static const char *const files[] = {"seen.db", "seen.db-wal", "seen.db-shm",
                                            "seen.db-journal"};
        char p[128];
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
            snprintf(p, sizeof p, "%s/%s", run->seen_dir, files[i]);
            unlink(p);
        }
        rmdir(run->seen_dir);
        run->seen_dir[0] = '\0';
    }
}

int exchange_seen(struct exchange_run *run, const struct exchange_row *row, const char *what,
                  const char *key, struct kt_err *err)
{
    if (run->replay)
        return 0;
    struct store_stmt *s = NULL;
    int rc = store_prepare(
        run->seen, "INSERT INTO seen (key, line) VALUES (?1, ?2) ON CONFLICT DO NOTHING", &s, err);
    if (rc != 0)
        return rc;
    char full[512];
    snprintf(full, sizeof full, "%s\x1f%s", what, key);
    store_bind_text(s, 1, full);
    store_bind_int64(s, 2, row->line);
    rc = store_step(s, err);
    store_stmt_done(s);
    if (rc < 0)
        return rc;
    if (store_changes(run->seen) == 1)
        return 0;
    long first = 0;
    rc = store_prepare(run->seen, "SELECT line FROM seen WHERE key = ?1", &s, err);
    if (rc != 0)
        return rc;
    store_bind_text(s, 1, full);
    if (store_step(s, err) == STORE_ROW)
        first = (long)store_col_int64(s, 0);
    store_stmt_done(s);
    return kt_err_set(err, KT_EEXIST, "%s %s appears twice in the file (first on line %ld)", what,
                      key, first);
}

static void report(struct exchange_run *run, long line, enum exchange_outcome o, const char *key,
                   const char *reason)
{
    switch (o) {
    case EXCHANGE_CREATED:
        run->sum->created++;
        break;
    case EXCHANGE_UPDATED:
        run->sum->updated++;
        break;
    case EXCHANGE_UNCHANGED:
        run->sum->unchanged++;
        break;
    case EXCHANGE_REJECTED:
        run->sum->rejected++;
        break;
    }
    if (run->opt.on_row) {
        struct exchange_row_report r = {line, o, key ? key : "", reason};
        run->opt.on_row(run->opt.row_ctx, &r);
    }
}

/* Maps the header to the kind's columns; the whole file fails on a bad one. */
static int map_header(struct exchange_run *run, const struct kt_csv_record *h, struct kt_err *err)
{
    const struct exchange_kind_def *d = run->def;
    for (size_t c = 0; c < d->ncolumns; c++)
        run->col[c] = -1;
    if (h->n > MAX_COLUMNS)
        return kt_err_set(err, KT_EINVAL, "line %ld: more than %d columns", h->line, MAX_COLUMNS);
    for (size_t i = 0; i < h->n; i++) {
        const char *name = h->field[i];
        if (!*name)
            return kt_err_set(err, KT_EINVAL, "line %ld: column %zu has no name", h->line, i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcasecmp(h->field[j], name) == 0)
                return kt_err_set(err, KT_EINVAL, "line %ld: column '%s' appears twice", h->line,
                                  name);
        size_t c;
        for (c = 0; c < d->ncolumns; c++)
            if (strcasecmp(d->columns[c].name, name) == 0)
                break;
        if (c < d->ncolumns) {
            run->col[c] = (int)i;
            continue;
        }
        struct kt_err e;
        kt_err_clear(&e);
        if (d->extra_column && d->extra_column(run->state, name, i, &e) == 0)
            continue;
        if (e.msg[0])
            return kt_err_set(err, KT_EINVAL, "line %ld: column '%s': %s", h->line, name, e.msg);
        struct kt_buf list;
        kt_buf_init(&list, 4096);
        for (size_t k = 0; k < d->ncolumns; k++)
            kt_buf_printf(&list, "%s%s", k ? ", " : "", d->columns[k].name);
        kt_err_set(err, KT_EINVAL, "line %ld: unknown column '%s'; the %s columns are %s", h->line,
                   name, d->name, kt_buf_str(&list));
        kt_buf_release(&list);
        return KT_EINVAL;
    }
    for (size_t c = 0; c < d->ncolumns; c++)
        if (d->columns[c].required && run->col[c] < 0)
            return kt_err_set(err, KT_EINVAL, "line %ld: column '%s' is missing", h->line,
                              d->columns[c].name);
    run->header_n = h->n;
    return 0;
}

/*
 * Runs the kind's row function on one record. Returns EXCHANGE_ROW_* or a
 * fatal negative code; row->outcome / *reason describe the result.
 */
static int run_row(struct exchange_run *run, long line, const char *const *field, size_t n,
                   struct exchange_row *row, struct kt_err *reason)
{
    kt_err_clear(reason);
    row->line = line;
    row->field = field;
    row->n = n;
    row->col = run->col;
    row->key[0] = '\0';
    row->outcome = EXCHANGE_REJECTED;
    if (n != run->header_n) {
        /* the report still names the row by what is in its first column */
        if (n > 0 && run->col[0] >= 0 && (size_t)run->col[0] < n)
            kt_strlcpy(row->key, field[run->col[0]], sizeof row->key);
        kt_err_set(reason, KT_EINVAL, "%zu field%s, the header has %zu", n, n == 1 ? "" : "s",
                   run->header_n);
        return EXCHANGE_ROW_REJECT;
    }
    struct kt_arena arena;
    kt_arena_init(&arena, (size_t)8 << 20);
    row->arena = &arena;
    int rc = run->def->row(run, run->state, row, reason);
    kt_arena_release(&arena);
    row->arena = NULL;
    if (rc != EXCHANGE_ROW_OK)
        row->outcome = EXCHANGE_REJECTED;
    return rc;
}

static int keep_row(struct exchange_run *run, long line, const char *const *field, size_t n,
                    struct kt_err *err)
{
    if (run->nbatch == run->batch_cap) {
        size_t cap = run->batch_cap ? run->batch_cap * 2 : 256;
        struct kept_row *b = realloc(run->batch, cap * sizeof *b);
        if (!b)
            return kt_err_set(err, KT_ENOMEM, "out of memory at line %ld", line);
        run->batch = b;
        run->batch_cap = cap;
    }
    struct kept_row *k = &run->batch[run->nbatch];
    memset(k, 0, sizeof *k);
    k->line = line;
    k->n = n;
    k->field = kt_arena_alloc(&run->batch_arena, (n ? n : 1) * sizeof *k->field);
    if (!k->field)
        return kt_err_set(err, KT_ENOMEM, "out of memory at line %ld", line);
    for (size_t i = 0; i < n; i++) {
        k->field[i] = kt_arena_strdup(&run->batch_arena, field[i]);
        if (!k->field[i])
            return kt_err_set(err, KT_ENOMEM, "out of memory at line %ld", line);
    }
    run->nbatch++;
    return 0;
}

static void note_kept(struct exchange_run *run, struct kept_row *k, const struct exchange_row *row,
                      const struct kt_err *reason)
{
    k->outcome = row->outcome;
    k->rejected = row->outcome == EXCHANGE_REJECTED;
    k->key = kt_arena_strdup(&run->batch_arena, row->key);
    k->reason = k->rejected ? kt_arena_strdup(&run->batch_arena, reason->msg) : NULL;
}

/* Commits the open batch and reports its rows. */
static int flush_batch(struct exchange_run *run, struct kt_err *err)
{
    int rc = store_commit(run->st, err);
    if (rc != 0)
        return rc;
    run->sum->written = 1;
    for (size_t i = 0; i < run->nbatch; i++) {
        struct kept_row *k = &run->batch[i];
        report(run, k->line, k->outcome, k->key, k->reason);
    }
    run->nbatch = 0;
    kt_arena_release(&run->batch_arena);
    kt_arena_init(&run->batch_arena, 0);
    return store_begin(run->st, err);
}

/*
 * After a failed write in batch mode: roll back, and run the batch's good
 * rows again in a new transaction. A row that fails again is rejected and
 * the replay starts over without it.
 */
static int replay_batch(struct exchange_run *run, struct kt_err *err)
{
    struct exchange_row row;
    struct kt_err reason;
    for (;;) {
        store_rollback(run->st);
        int rc = store_begin(run->st, err);
        if (rc != 0)
            return rc;
        run->replay = 1;
        int again = 0;
        for (size_t i = 0; i < run->nbatch && !again; i++) {
            struct kept_row *k = &run->batch[i];
            if (k->rejected)
                continue;
            rc = run_row(run, k->line, (const char *const *)k->field, k->n, &row, &reason);
            if (rc < 0) {
                run->replay = 0;
                *err = reason;
                return rc;
            }
            note_kept(run, k, &row, &reason);
            if (rc == EXCHANGE_ROW_WRITE_FAILED)
                again = 1;
        }
        run->replay = 0;
        if (!again)
            return 0;
    }
}

static int import_rows(struct exchange_run *run, struct kt_csv_reader *r, struct kt_err *err)
{
    struct kt_csv_record rec;
    struct exchange_row row;
    struct kt_err reason;
    long batch_rows = run->opt.batch_rows > 0 ? run->opt.batch_rows : DEFAULT_BATCH_ROWS;
    int batching = run->opt.skip_bad_rows && !run->opt.dry_run;
    int rc;
    while ((rc = kt_csv_next(r, &rec, err)) == 1) {
        run->sum->rows++;
        if (batching) {
            rc = keep_row(run, rec.line, rec.field, rec.n, err);
            if (rc != 0)
                return rc;
        }
        rc = run_row(run, rec.line, rec.field, rec.n, &row, &reason);
        if (rc < 0) {
            kt_err_set(err, rc, "line %ld: %s", rec.line, reason.msg);
            return rc;
        }
        if (batching) {
            note_kept(run, &run->batch[run->nbatch - 1], &row, &reason);
            if (rc == EXCHANGE_ROW_WRITE_FAILED && (rc = replay_batch(run, err)) != 0)
                return rc;
            if ((long)run->nbatch >= batch_rows || run->batch_arena.used > BATCH_BYTES_MAX) {
                rc = flush_batch(run, err);
                if (rc != 0)
                    return rc;
            }
        } else {
            if (rc == EXCHANGE_ROW_WRITE_FAILED) {
                /* the transaction may be unusable (PostgreSQL): start a new
                 * one; nothing will be written in this mode anyway */
                store_rollback(run->st);
                rc = store_begin(run->st, err);
                if (rc != 0)
                    return rc;
            }
            if (row.outcome == EXCHANGE_REJECTED)
                run->doomed = 1;
            report(run, rec.line, row.outcome, row.key,
                   row.outcome == EXCHANGE_REJECTED ? reason.msg : NULL);
        }
        if (run->opt.on_progress && (run->sum->rows & 255) == 0) {
            uint64_t done, total;
            kt_csv_progress(r, &done, &total);
            run->opt.on_progress(run->opt.progress_ctx, done, total, run->sum->rows);
        }
    }
    if (run->opt.on_progress) {
        uint64_t done, total;
        kt_csv_progress(r, &done, &total);
        run->opt.on_progress(run->opt.progress_ctx, done, total, run->sum->rows);
    }
    if (rc < 0)
        run->csv_failed = 1;
    return rc;
}

int exchange_import(struct store *st, enum exchange_kind kind, const char *path,
                    const struct exchange_options *opt, struct exchange_summary *sum,
                    struct kt_err *err)
{
    struct exchange_run run;
    memset(&run, 0, sizeof run);
    memset(sum, 0, sizeof *sum);
    run.st = st;
    run.sum = sum;
    run.def = kind_def(kind);
    if (opt)
        run.opt = *opt;
    if (!run.opt.source)
        run.opt.source = path;
    kt_arena_init(&run.batch_arena, 0);
    struct kt_csv_reader *r = NULL;
    int in_tx = 0;
    int rc;
    if (!run.def)
        return kt_err_set(err, KT_EINVAL, "unknown kind of import");
    struct kt_csv_options copt = {.encoding = run.opt.encoding};
    rc = kt_csv_open(path, &copt, &r, err);
    if (rc != 0)
        goto out;
    struct kt_csv_record h;
    rc = kt_csv_next(r, &h, err);
    if (rc == 0) {
        rc = kt_err_set(err, KT_EINVAL,
                        "the file is empty; its first line must be the header (%s, ...)",
                        run.def->columns[0].name);
        goto out;
    }
    if (rc < 0)
        goto out;
    rc = store_begin(st, err);
    if (rc != 0)
        goto out;
    in_tx = 1;
    rc = run.def->open(&run, &run.state, err);
    if (rc != 0)
        goto out;
    rc = map_header(&run, &h, err);
    if (rc != 0)
        goto out;
    rc = seen_open(&run, err);
    if (rc != 0)
        goto out;
    rc = import_rows(&run, r, err);
    if (rc < 0 && run.csv_failed && run.opt.skip_bad_rows && !run.opt.dry_run) {
        /* a broken line ends the file: the good rows before it are written */
        struct kt_err cerr;
        kt_err_clear(&cerr);
        in_tx = 0;
        if (store_commit(st, &cerr) != 0) {
            *err = cerr;
            rc = cerr.code;
            goto out;
        }
        sum->written = 1;
        for (size_t i = 0; i < run.nbatch; i++)
            report(&run, run.batch[i].line, run.batch[i].outcome, run.batch[i].key,
                   run.batch[i].reason);
        goto out;
    }
    if (rc < 0)
        goto out;
    rc = 0;
    if (run.opt.dry_run || (!run.opt.skip_bad_rows && run.doomed)) {
        store_rollback(st);
        in_tx = 0;
        goto out;
    }
    if (run.opt.skip_bad_rows) {
        rc = store_commit(st, err);
        in_tx = 0;
        if (rc != 0)
            goto out;
        sum->written = 1;
        for (size_t i = 0; i < run.nbatch; i++)
            report(&run, run.batch[i].line, run.batch[i].outcome, run.batch[i].key,
                   run.batch[i].reason);
        goto out;
    }
    rc = store_commit(st, err);
    in_tx = 0;
    if (rc == 0)
        sum->written = 1;
out:
    if (in_tx)
        store_rollback(st);
    if (run.state && run.def->close)
        run.def->close(run.state);
    seen_close(&run);
    free(run.batch);
    kt_arena_release(&run.batch_arena);
    kt_csv_close(r);
    return rc;
}

int exchange_export(struct store *st, enum exchange_kind kind, FILE *out, long *rows,
                    struct kt_err *err)
{
    const struct exchange_kind_def *d = kind_def(kind);
    if (!d)
        return kt_err_set(err, KT_EINVAL, "unknown kind of export");
    struct kt_csv_writer w;
    kt_csv_writer_init(&w, out);
    long n = 0;
    int rc = store_begin_read(st, err);
    if (rc == 0) {
        rc = d->export(st, &w, &n, err);
        if (rc == 0)
            rc = store_commit(st, err);
        else
            store_rollback(st);
    }
    if (rc == 0 && fflush(out) != 0)
        rc = kt_err_set(err, KT_EIO, "cannot write the CSV output: %s", strerror(errno));
    kt_csv_writer_release(&w);
    if (rows)
        *rows = n;
    return rc;
}
