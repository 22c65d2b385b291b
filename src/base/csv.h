/*
 * CSV: a streaming reader over libcsv and an RFC 4180 writer.
 *
 * This module owns the rules for the CSV files Kontor reads and writes:
 *
 * Reading
 *   - the file is read in fixed chunks (KT_CSV_CHUNK bytes); memory is
 *     bounded by the chunk, the field cap and the record cap, whatever the
 *     size of the file (a 2 GB file is streamed, never loaded);
 *   - records come one at a time with the line number their first byte is
 *     on (lines count '\n'; the first line is 1); blank lines are skipped;
 *   - the delimiter is ',' or ';' (Polish Excel writes ';'): given, or
 *     detected from the first line (whichever occurs more often outside
 *     quotes; ',' on a tie);
 *   - line ends are LF or CRLF; a quoted field may hold line breaks;
 *   - a UTF-8 byte order mark at the start is skipped;
 *   - encodings: UTF-8 (validated: invalid UTF-8 is an error naming the
 *     line), Windows-1250 (converted to UTF-8 with iconv), or auto: the
 *     first field with a byte above 0x7F decides — valid UTF-8 means the
 *     file is UTF-8, anything else means Windows-1250. Everything before
 *     that field is ASCII, which reads the same in both, so the decision
 *     never re-reads anything. A BOM means UTF-8.
 *   - errors name the line and say what to fix:
 *       "line 17: a quoted field is not closed"
 *       "line 1234: field longer than 64 KiB"
 *     A quote in the middle of an unquoted field, or text after a closing
 *     quote, is an error too (strict mode): such files are broken, and
 *     guessing would import wrong data.
 *
 * Writing: UTF-8, ',' as the delimiter, CRLF line ends (RFC 4180); a field
 * is quoted when it holds ',', ';', '"', CR or LF or starts or ends with a
 * space, and quotes inside are doubled. Whatever the writer writes, the
 * reader reads back as the same fields.
 *
 * Ownership: the reader owns its file descriptor (unless it reads stdin)
 * and every buffer; the fields of a record stay valid until the next
 * kt_csv_next or kt_csv_close on that reader.
 */
#ifndef KT_CSV_H
#define KT_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"

#define KT_CSV_CHUNK ((size_t)64 << 10)
#define KT_CSV_FIELD_MAX_DEFAULT ((size_t)64 << 10)
#define KT_CSV_RECORD_MAX_DEFAULT ((size_t)1 << 20)
#define KT_CSV_FIELDS_MAX_DEFAULT 1024

enum kt_csv_encoding { KT_CSV_UTF8 = 0, KT_CSV_WINDOWS_1250, KT_CSV_AUTO };

/* "utf-8" (also "utf8"), "windows-1250" (also "cp1250"), "auto"; any case. */
int kt_csv_encoding_parse(const char *s, enum kt_csv_encoding *out, struct kt_err *err);
const char *kt_csv_encoding_name(enum kt_csv_encoding e);

struct kt_csv_options {
    enum kt_csv_encoding encoding;
    char delimiter;    /* ',' or ';'; 0 = detect from the first line */
    size_t field_max;  /* bytes of one field as read; 0 = KT_CSV_FIELD_MAX_DEFAULT */
    size_t record_max; /* bytes of one record in UTF-8; 0 = KT_CSV_RECORD_MAX_DEFAULT */
    size_t fields_max; /* fields per record; 0 = KT_CSV_FIELDS_MAX_DEFAULT */
};

struct kt_csv_record {
    long line;                /* line of the record's first byte */
    long last_line;           /* line of its last byte (> line with line breaks in quotes) */
    size_t n;                 /* number of fields, >= 1 */
    const char *const *field; /* n NUL-terminated UTF-8 strings */
    const size_t *len;        /* their lengths in bytes */
};

struct kt_csv_reader;

/*
 * Opens path for reading ("-" reads standard input). opt may be NULL for
 * the defaults (UTF-8, detected delimiter). KT_EIO naming the file when it
 * cannot be opened, KT_ENOMEM.
 */
int kt_csv_open(const char *path, const struct kt_csv_options *opt, struct kt_csv_reader **out,
                struct kt_err *err);

/*
 * Reads the next record into rec. Returns 1 with a record, 0 at the end
 * of the file, or a negative KT_E* code: KT_EINVAL for a broken file (the
 * message starts with "line N: "), KT_ELIMIT for a field, record or field
 * count over its cap, KT_EIO for a read error. After an error every later
 * call returns the same error.
 */
int kt_csv_next(struct kt_csv_reader *r, struct kt_csv_record *rec, struct kt_err *err);

/* The delimiter in use (0 until the first record was read). */
char kt_csv_delimiter(const struct kt_csv_reader *r);

/* The encoding the file is read in: for auto, the one decided so far
 * (KT_CSV_AUTO while everything read was ASCII). */
enum kt_csv_encoding kt_csv_encoding_used(const struct kt_csv_reader *r);

/* Bytes consumed so far and the file size (0 when unknown: a pipe). */
void kt_csv_progress(const struct kt_csv_reader *r, uint64_t *done, uint64_t *total);

void kt_csv_close(struct kt_csv_reader *r);

/*
 * Writer. kt_csv_writer_init sets up w to write to f (not owned);
 * kt_csv_write_row appends one record; kt_csv_writer_release frees the
 * line buffer. KT_EIO when f does not take the bytes.
 */
struct kt_csv_writer {
    FILE *f;
    struct kt_buf line;
    long rows;
};

void kt_csv_writer_init(struct kt_csv_writer *w, FILE *f);
int kt_csv_write_row(struct kt_csv_writer *w, const char *const *fields, size_t n,
                     struct kt_err *err);
void kt_csv_writer_release(struct kt_csv_writer *w);

/* Appends one field, quoted if needed, to out (used by the writer). */
int kt_csv_quote(struct kt_buf *out, const char *field, size_t len);

/* 1 if s[0..n) is valid UTF-8 (no overlong forms, surrogates or code
 * points above U+10FFFF); *bad gets the offset of the first bad byte. */
int kt_csv_utf8_valid(const char *s, size_t n, size_t *bad);

#endif
