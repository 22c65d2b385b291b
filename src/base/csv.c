#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/banned.h"

struct kt_csv_reader {
    int fd;
    int own_fd;
    struct csv_parser p;
    int parser_ready;
    struct kt_csv_options opt;
    char delim;

    unsigned char *chunk;
    size_t chunk_len;
    size_t chunk_pos;
    int eof;      /* read(2) returned 0 */
    int finished; /* csv_fini was called */
    int started;  /* the first chunk was looked at (BOM, delimiter) */

    long line;     /* line of the byte at chunk_pos */
    long rec_line; /* line where the record being parsed began */
    long rec_last; /* line where the last complete record ended */
    int in_record;

    /* the record being assembled: fields back to back, each NUL-terminated */
    struct kt_buf rbuf;
    size_t *offs;
    size_t *lens;
    const char **fields;
    size_t nf;
    size_t fcap;
    int ready;

    int failed;
    struct kt_err fail;

    enum kt_csv_encoding decided; /* for auto: KT_CSV_AUTO until a non-ASCII field */
    iconv_t cd;

    uint64_t done;
    uint64_t total;
};

static const struct {
    const char *name;
    enum kt_csv_encoding enc;
} encodings[] = {
    {"utf-8", KT_CSV_UTF8},          {"utf8", KT_CSV_UTF8}, {"windows-1250", KT_CSV_WINDOWS_1250},
    {"cp1250", KT_CSV_WINDOWS_1250}, {"auto", KT_CSV_AUTO},
};

int kt_csv_encoding_parse(const char *s, enum kt_csv_encoding *out, struct kt_err *err)
{
    for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++) {
        if (s && strcasecmp(s, encodings[i].name) == 0) {
            *out = encodings[i].enc;
            return 0;
        }
    }
    return kt_err_set(err, KT_EINVAL, "encoding '%s' is not known; use utf-8, windows-1250 or auto",
                      s ? s : "");
}

const char *kt_csv_encoding_name(enum kt_csv_encoding e)
{
    switch (e) {
    case KT_CSV_UTF8:
        return "utf-8";
    case KT_CSV_WINDOWS_1250:
        return "windows-1250";
    case KT_CSV_AUTO:
        return "auto";
    }
    return "?";
}

int kt_csv_utf8_valid(const char *s, size_t n, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = u[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            goto fail;
        }
        if (i + need >= n)
            goto fail;
        for (size_t k = 1; k <= need; k++) {
            if ((u[i + k] & 0xC0) != 0x80)
                goto fail;
            cp = (cp << 6) | (u[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto fail;
        i += need + 1;
    }
    return 1;
fail:
    if (bad)
        *bad = i;
    return 0;
}

static int fail(struct kt_csv_reader *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct kt_csv_reader *r, int code, const char *fmt, ...)
{
    if (r->failed)
        return r->fail.code;
    va_list ap;
    va_start(ap, fmt);
    kt_err_setv(&r->fail, code, fmt, ap);
    va_end(ap);
    r->failed = 1;
    return code;
}

static int is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* Appends a Windows-1250 field converted to UTF-8. */
static int add_cp1250(struct kt_csv_reader *r, const char *s, size_t n)
{
    if (r->cd == (iconv_t)-1) {
        r->cd = iconv_open("UTF-8", "WINDOWS-1250");
        if (r->cd == (iconv_t)-1)
            return fail(r, KT_EINTERNAL, "the Windows-1250 converter is not available: %s",
                        strerror(errno));
    }
    char out[1024];
    char *in = (char *)s;
    size_t inleft = n;
    iconv(r->cd, NULL, NULL, NULL, NULL);
    while (inleft > 0) {
        char *o = out;
        size_t oleft = sizeof out;
        size_t rc = iconv(r->cd, &in, &inleft, &o, &oleft);
        int e = errno;
        if (o > out && kt_buf_add(&r->rbuf, out, (size_t)(o - out)) != 0)
            return fail(r, KT_ELIMIT, "line %ld: record longer than %zu KiB", r->rec_line,
                        r->opt.record_max >> 10);
        if (rc == (size_t)-1 && e != E2BIG)
            return fail(r, KT_EINVAL, "line %ld: byte 0x%02X is not a Windows-1250 character",
                        r->rec_line, (unsigned)(unsigned char)*in);
    }
    return 0;
}

/* libcsv: one field parsed. */
static void on_field(void *data, size_t n, void *rp)
{
    struct kt_csv_reader *r = rp;
    const char *s = data ? data : "";
    if (r->failed)
        return;
    if (n > r->opt.field_max) {
        fail(r, KT_ELIMIT, "line %ld: field longer than %zu KiB", r->rec_line,
             r->opt.field_max >> 10);
        return;
    }
    if (r->nf >= r->opt.fields_max) {
        fail(r, KT_ELIMIT, "line %ld: more than %zu fields in one record", r->rec_line,
             r->opt.fields_max);
        return;
    }
    if (r->nf == r->fcap) {
        size_t cap = r->fcap ? r->fcap * 2 : 16;
        size_t *o = realloc(r->offs, cap * sizeof *o);
        if (o)
            r->offs = o;
        size_t *l = o ? realloc(r->lens, cap * sizeof *l) : NULL;
        if (l)
            r->lens = l;
        const char **f = l ? realloc(r->fields, cap * sizeof *f) : NULL;
        if (!f) {
            fail(r, KT_ENOMEM, "out of memory reading line %ld", r->rec_line);
            return;
        }
        r->fields = f;
        r->fcap = cap;
    }
    size_t start = r->rbuf.len;
    enum kt_csv_encoding enc = r->decided;
    if (enc == KT_CSV_AUTO && !is_ascii(s, n)) {
        enc = kt_csv_utf8_valid(s, n, NULL) ? KT_CSV_UTF8 : KT_CSV_WINDOWS_1250;
        r->decided = enc;
    }
    size_t bad;
    if (enc == KT_CSV_WINDOWS_1250) {
        if (add_cp1250(r, s, n) != 0)
            return;
    } else {
        if (enc == KT_CSV_UTF8 && !kt_csv_utf8_valid(s, n, &bad)) {
            fail(r, KT_EINVAL,
                 "line %ld: the text is not valid UTF-8 (byte 0x%02X); save the file as UTF-8 "
                 "or read it as Windows-1250",
                 r->rec_line, (unsigned)(unsigned char)s[bad]);
            return;
        }
        if (n > 0 && kt_buf_add(&r->rbuf, s, n) != 0) {
            fail(r, KT_ELIMIT, "line %ld: record longer than %zu KiB", r->rec_line,
                 r->opt.record_max >> 10);
            return;
        }
    }
    if (kt_buf_addc(&r->rbuf, '\0') != 0) {
        fail(r, KT_ELIMIT, "line %ld: record longer than %zu KiB", r->rec_line,
             r->opt.record_max >> 10);
        return;
    }
    r->offs[r->nf] = start;
    r->lens[r->nf] = r->rbuf.len - 1 - start;
    r->nf++;
}

/* libcsv: one record ended (at a '\n' or at the end of the file). */
static void on_record(int c, void *rp)
{
    struct kt_csv_reader *r = rp;
    (void)c;
    if (r->failed)
        return;
    for (size_t i = 0; i < r->nf; i++)
        r->fields[i] = r->rbuf.data + r->offs[i];
    r->ready = 1;
    r->rec_last = r->line;
    r->in_record = 0;
}

static int only_lf(unsigned char c)
{
    return c == '\n';
}

/* '\r' before a line end or around a quoted field is not data. */
static int only_cr(unsigned char c)
{
    return c == '\r';
}

int kt_csv_open(const char *path, const struct kt_csv_options *opt, struct kt_csv_reader **out,
                struct kt_err *err)
{
    struct kt_csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        return kt_err_set(err, KT_ENOMEM, "out of memory opening %s", path);
    r->fd = -1;
    r->cd = (iconv_t)-1;
    if (opt)
        r->opt = *opt;
    if (!r->opt.field_max)
        r->opt.field_max = KT_CSV_FIELD_MAX_DEFAULT;
    if (!r->opt.record_max)
        r->opt.record_max = KT_CSV_RECORD_MAX_DEFAULT;
    if (!r->opt.fields_max)
        r->opt.fields_max = KT_CSV_FIELDS_MAX_DEFAULT;
    r->decided = r->opt.encoding;
    r->line = 1;
    kt_buf_init(&r->rbuf, r->opt.record_max);
    int rc = 0;
    if (r->opt.delimiter && r->opt.delimiter != ',' && r->opt.delimiter != ';') {
        rc = kt_err_set(err, KT_EINVAL, "the CSV delimiter must be ',' or ';', not '%c'",
                        r->opt.delimiter);
        goto out;
    }
    r->chunk = malloc(KT_CSV_CHUNK);
    if (!r->chunk) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory opening %s", path);
        goto out;
    }
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory opening %s", path);
        goto out;
    }
    r->parser_ready = 1;
    csv_set_term_func(&r->p, only_lf);
    csv_set_space_func(&r->p, only_cr);
    csv_set_blk_size(&r->p, 4096);
    if (strcmp(path, "-") == 0) {
        r->fd = STDIN_FILENO;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            rc = kt_err_set(err, KT_EIO, "cannot open %s: %s", path, strerror(errno));
            goto out;
        }
        r->own_fd = 1;
    }
    struct stat sb;
    if (fstat(r->fd, &sb) == 0 && S_ISREG(sb.st_mode))
        r->total = (uint64_t)sb.st_size;
    else if (r->own_fd && fstat(r->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        rc = kt_err_set(err, KT_EIO, "cannot read %s: it is a directory", path);
        goto out;
    }
out:
    if (rc != 0) {
        kt_csv_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

void kt_csv_close(struct kt_csv_reader *r)
{
    if (!r)
        return;
    if (r->own_fd && r->fd >= 0)
        close(r->fd);
    if (r->parser_ready)
        csv_free(&r->p);
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    kt_buf_release(&r->rbuf);
    free(r->offs);
    free(r->lens);
    free(r->fields);
    free(r->chunk);
    free(r);
}

static int fill(struct kt_csv_reader *r)
{
    for (;;) {
        ssize_t n = read(r->fd, r->chunk, KT_CSV_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(r, KT_EIO, "line %ld: cannot read the file: %s", r->line, strerror(errno));
        r->chunk_len = (size_t)n;
        r->chunk_pos = 0;
        if (n == 0)
            r->eof = 1;
        return 0;
    }
}

/* The delimiter of the first line: ';' if it occurs more often than ','. */
static char detect_delimiter(const unsigned char *s, size_t n)
{
    size_t commas = 0, semis = 0;
    int quoted = 0;
    for (size_t i = 0; i < n && (quoted || s[i] != '\n'); i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && s[i] == ',')
            commas++;
        else if (!quoted && s[i] == ';')
            semis++;
    }
    return semis > commas ? ';' : ',';
}

static int start(struct kt_csv_reader *r)
{
    r->started = 1;
    if (fill(r) != 0)
        return r->fail.code;
    if (r->chunk_len >= 3 && memcmp(r->chunk, "\xEF\xBB\xBF", 3) == 0) {
        if (r->opt.encoding == KT_CSV_WINDOWS_1250)
            return fail(r, KT_EINVAL,
                        "line 1: the file starts with a UTF-8 byte order mark, so it is not "
                        "Windows-1250; read it as UTF-8");
        r->chunk_pos = 3;
        r->decided = KT_CSV_UTF8;
        r->done = 3;
    }
    r->delim = r->opt.delimiter
                   ? r->opt.delimiter
                   : detect_delimiter(r->chunk + r->chunk_pos, r->chunk_len - r->chunk_pos);
    csv_set_delim(&r->p, (unsigned char)r->delim);
    return 0;
}

static int blank(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* libcsv stopped at a byte it cannot accept in strict mode: a stray quote. */
static int quote_error(struct kt_csv_reader *r)
{
    if (r->line > r->rec_line)
        return fail(r, KT_EINVAL,
                    "line %ld: a quoted field is not closed (the next quote, on line %ld, is "
                    "followed by more text)",
                    r->rec_line, r->line);
    return fail(r, KT_EINVAL,
                "line %ld: a quote in the middle of a field; put the whole field in quotes and "
                "double the quotes inside it",
                r->line);
}

static int feed(struct kt_csv_reader *r)
{
    const unsigned char *s = r->chunk + r->chunk_pos;
    size_t avail = r->chunk_len - r->chunk_pos;
    const unsigned char *nl = memchr(s, '\n', avail);
    size_t n = nl ? (size_t)(nl - s) + 1 : avail;
    if (!r->in_record && !blank(s, n)) {
        r->in_record = 1;
        r->rec_line = r->line;
        r->nf = 0;
        kt_buf_reset(&r->rbuf);
    }
    size_t used = csv_parse(&r->p, s, n, on_field, on_record, r);
    if (r->failed)
        return r->fail.code;
    if (used != n) {
        if (csv_error(&r->p) == CSV_EPARSE)
            return quote_error(r);
        return fail(r, KT_ENOMEM, "line %ld: out of memory: %s", r->line,
                    csv_strerror(csv_error(&r->p)));
    }
    /* a field still open after this piece: check the cap before it grows */
    if (r->p.entry_pos > r->opt.field_max) {
        if (r->p.quoted && r->line > r->rec_line)
            return fail(r, KT_ELIMIT,
                        "line %ld: a quoted field is not closed (it runs on for more than %zu "
                        "KiB)",
                        r->rec_line, r->opt.field_max >> 10);
        return fail(r, KT_ELIMIT, "line %ld: field longer than %zu KiB", r->rec_line,
                    r->opt.field_max >> 10);
    }
    r->chunk_pos += n;
    r->done += n;
    if (nl)
        r->line++;
    return 0;
}

int kt_csv_next(struct kt_csv_reader *r, struct kt_csv_record *rec, struct kt_err *err)
{
    if (!r->failed && !r->started)
        start(r);
    r->ready = 0;
    while (!r->failed && !r->ready && !r->finished) {
        if (r->chunk_pos < r->chunk_len) {
            feed(r);
            continue;
        }
        if (!r->eof) {
            fill(r);
            continue;
        }
        r->finished = 1;
        long last = r->line;
        if (csv_fini(&r->p, on_field, on_record, r) != 0 && !r->failed)
            fail(r, KT_EINVAL, "line %ld: a quoted field is not closed (the file ends at line %ld)",
                 r->rec_line, last);
    }
    if (r->failed) {
        if (err) {
            err->code = r->fail.code;
            kt_strlcpy(err->msg, r->fail.msg, sizeof err->msg);
        }
        return r->fail.code;
    }
    if (!r->ready)
        return 0;
    rec->line = r->rec_line;
    rec->last_line = r->rec_last;
    rec->n = r->nf;
    rec->field = r->fields;
    rec->len = r->lens;
    return 1;
}

char kt_csv_delimiter(const struct kt_csv_reader *r)
{
    return r->delim;
}

enum kt_csv_encoding kt_csv_encoding_used(const struct kt_csv_reader *r)
{
    return r->decided;
}

void kt_csv_progress(const struct kt_csv_reader *r, uint64_t *done, uint64_t *total)
{
    *done = r->done;
    *total = r->total;
}

/* ---- writer ---- */

int kt_csv_quote(struct kt_buf *out, const char *field, size_t len)
{
    int need = len > 0 && (field[0] == ' ' || field[len - 1] == ' ');
    for (size_t i = 0; !need && i < len; i++) {
        char c = field[i];
        need = c == ',' || c == ';' || c == '"' || c == '\r' || c == '\n';
    }
    if (!need)
        return len ? kt_buf_add(out, field, len) : 0;
    int rc = kt_buf_addc(out, '"');
    for (size_t i = 0; rc == 0 && i < len; i++) {
        if (field[i] == '"')
            rc = kt_buf_addc(out, '"');
        if (rc == 0)
            rc = kt_buf_addc(out, field[i]);
    }
    if (rc == 0)
        rc = kt_buf_addc(out, '"');
    return rc;
}

void kt_csv_writer_init(struct kt_csv_writer *w, FILE *f)
{
    w->f = f;
    w->rows = 0;
    kt_buf_init(&w->line, 0);
}

void kt_csv_writer_release(struct kt_csv_writer *w)
{
    kt_buf_release(&w->line);
}

int kt_csv_write_row(struct kt_csv_writer *w, const char *const *fields, size_t n,
                     struct kt_err *err)
{
    kt_buf_reset(&w->line);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (i > 0)
            rc = kt_buf_addc(&w->line, ',');
        if (rc == 0 && fields[i])
            rc = kt_csv_quote(&w->line, fields[i], strlen(fields[i]));
    }
    if (rc == 0)
        rc = kt_buf_add(&w->line, "\r\n", 2);
    if (rc != 0)
        return kt_err_set(err, rc, "row %ld of the CSV output is too long", w->rows + 1);
    if (fwrite(w->line.data, 1, w->line.len, w->f) != w->line.len)
        return kt_err_set(err, KT_EIO, "cannot write the CSV output: %s", strerror(errno));
    w->rows++;
    return 0;
}
