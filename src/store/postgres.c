/*
 * postgres.c: the PostgreSQL store driver (libpq). Owns the connection,
 * server-side prepared statements (named kt_N per connection), parameter
 * buffers (text for numbers and strings, binary for blobs), the result of
 * the current execution, and the mapping of SQLSTATE codes to KT_E* codes.
 * Results arrive in text format: integers and booleans are parsed strictly,
 * bytea is decoded on demand.
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "store/store.h"
#include "base/banned.h"

#define PG_BYTEA_OID 17
#define PG_CONNECT_TIMEOUT "10"

struct pg_conn {
    PGconn *c;
    int64_t changes;
    unsigned next_id;
};

struct pg_param {
    char *heap; /* text or blob bytes, reused across bindings */
    size_t cap;
    char num[24]; /* int64 as decimal text */
    const char *val;
    int len;
    int fmt;
};

struct pg_stmt {
    struct pg_conn *pc;
    char name[24];
    int nparams;
    struct pg_param *params;
    const char **vals;
    int *lens;
    int *fmts;
    PGresult *res;
    int row;
    int nrows;
    unsigned char *bytea; /* decoded bytea of the last column_blob call */
};

/* The first line of a server or libpq message, without trailing space. */
static void one_line(char *dst, size_t n, const char *src)
{
    if (!src)
        src = "";
    size_t k = strcspn(src, "\r\n");
    if (k >= n)
        k = n - 1;
    memcpy(dst, src, k);
    while (k > 0 && (dst[k - 1] == ' ' || dst[k - 1] == '.'))
        k--;
    dst[k] = '\0';
}

static const struct {
    const char *state; /* full code, or a class prefix */
    int code;
} sqlstates[] = {
    {"23505", KT_EEXIST},    {"23503", KT_EFOREIGN},  {"40001", KT_ECONFLICT},
    {"40P01", KT_ECONFLICT}, {"55P03", KT_EBUSY},     {"53100", KT_EIO},
    {"53300", KT_EUNAVAIL},  {"XX001", KT_ECORRUPT},  {"XX002", KT_ECORRUPT},
    {"25P02", KT_EINTERNAL}, {"57P", KT_EUNAVAIL},    {"08", KT_EUNAVAIL},
    {"22", KT_EINVAL},       {"23", KT_EINVAL},       {"42", KT_EINVAL},
};

static int map_sqlstate(const char *state)
{
    if (!state)
        return KT_EUNAVAIL;
    for (size_t i = 0; i < sizeof sqlstates / sizeof sqlstates[0]; i++)
        if (strncmp(state, sqlstates[i].state, strlen(sqlstates[i].state)) == 0)
            return sqlstates[i].code;
    return KT_EIO;
}

static int pg_fail(struct pg_conn *pc, const PGresult *res, struct kt_err *err)
{
    char msg[300], detail[200];
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (!state || PQstatus(pc->c) == CONNECTION_BAD) {
        one_line(msg, sizeof msg, PQerrorMessage(pc->c));
        return kt_err_set(err, KT_EUNAVAIL,
                          "lost the connection to PostgreSQL (%s); check that the server is "
                          "running and reachable",
                          msg);
    }
    one_line(msg, sizeof msg, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    one_line(detail, sizeof detail, PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
    const char *open = *detail ? "; " : "";
    int code = map_sqlstate(state);
    switch (code) {
    case KT_EEXIST:
        return kt_err_set(err, code, "a record with the same key already exists (%s%s%s)", msg,
                          open, detail);
    case KT_EFOREIGN:
        return kt_err_set(err, code,
                          "the record refers to something that does not exist or is still "
                          "referenced (%s%s%s)",
                          msg, open, detail);
    case KT_ECONFLICT:
        return kt_err_set(err, code, "the transaction collided with a concurrent one (%s); try again",
                          msg);
    case KT_EBUSY:
        return kt_err_set(err, code, "a row or table is locked by another transaction (%s); try "
                                     "again", msg);
    case KT_EUNAVAIL:
        return kt_err_set(err, code,
                          "PostgreSQL is not available (%s); check that the server is running",
                          msg);
    case KT_ECORRUPT:
        return kt_err_set(err, code, "PostgreSQL reports damaged data (%s); restore from a backup",
                          msg);
    default:
        return kt_err_set(err, code, "PostgreSQL rejected the statement: %s%s%s [%s]", msg, open,
                          detail, state);
    }
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    char line[300];
    one_line(line, sizeof line, message);
    kt_log_debug("store.pg.notice", "msg=\"%s\"", line);
}

static int pg_open(const char *url, void **out, struct kt_err *err)
{
    *out = NULL;
    struct pg_conn *pc = calloc(1, sizeof *pc);
    if (!pc)
        return kt_err_set(err, KT_ENOMEM, "out of memory connecting to PostgreSQL");
    /* defaults first: settings in the URL override them */
    const char *keys[] = {"connect_timeout", "client_encoding", "application_name", "dbname", NULL};
    const char *vals[] = {PG_CONNECT_TIMEOUT, "UTF8", "kontor", url, NULL};
    pc->c = PQconnectdbParams(keys, vals, 1);
    if (!pc->c) {
        free(pc);
        return kt_err_set(err, KT_ENOMEM, "out of memory connecting to PostgreSQL");
    }
    if (PQstatus(pc->c) != CONNECTION_OK) {
        char msg[300];
        one_line(msg, sizeof msg, PQerrorMessage(pc->c));
        /* built from the parsed parts: the password never reaches a message */
        const char *host = PQhost(pc->c), *port = PQport(pc->c), *db = PQdb(pc->c);
        int rc = kt_err_set(err, KT_EUNAVAIL,
                            "cannot connect to PostgreSQL at %s%s%s (database %s): %s; check the "
                            "--db URL and that the server is running",
                            host && *host ? host : "localhost", port && *port ? ":" : "",
                            port ? port : "", db && *db ? db : "(default)", msg);
        PQfinish(pc->c);
        free(pc);
        return rc;
    }
    PQsetNoticeProcessor(pc->c, quiet_notices, NULL);
    *out = pc;
    return 0;
}

static void pg_close(void *conn)
{
    struct pg_conn *pc = conn;
    if (!pc)
        return;
    PQfinish(pc->c);
    free(pc);
}

static void note_changes(struct pg_conn *pc, PGresult *res)
{
    const char *status = PQcmdStatus(res);
    if (strncmp(status, "INSERT", 6) == 0 || strncmp(status, "UPDATE", 6) == 0 ||
        strncmp(status, "DELETE", 6) == 0 || strncmp(status, "MERGE", 5) == 0) {
        const char *n = PQcmdTuples(res);
        pc->changes = *n ? strtoll(n, NULL, 10) : 0;
    }
}

static int run(struct pg_conn *pc, const char *sql, PGresult **out, struct kt_err *err)
{
    PGresult *res = PQexec(pc->c, sql);
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        int rc = pg_fail(pc, res, err);
        PQclear(res);
        return rc;
    }
    note_changes(pc, res);
    if (out)
        *out = res;
    else
        PQclear(res);
    return 0;
}

static int pg_exec(void *conn, const char *sql, struct kt_err *err)
{
    return run(conn, sql, NULL, err);
}

static void pg_finalize(void *stmt)
{
    struct pg_stmt *s = stmt;
    if (!s)
        return;
    PQclear(s->res);
    PQfreemem(s->bytea);
    if (s->name[0] && PQstatus(s->pc->c) == CONNECTION_OK &&
        PQtransactionStatus(s->pc->c) != PQTRANS_INERROR) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        PQclear(PQexec(s->pc->c, sql));
    }
    for (int i = 0; i < s->nparams; i++)
        free(s->params[i].heap);
    free(s->params);
    free(s->vals);
    free(s->lens);
    free(s->fmts);
    free(s);
}

static int pg_prepare(void *conn, const char *sql, void **out, struct kt_err *err)
{
    struct pg_conn *pc = conn;
    PGresult *res = NULL;
    int rc = 0;
    struct pg_stmt *s = calloc(1, sizeof *s);
    if (!s)
        return kt_err_set(err, KT_ENOMEM, "out of memory preparing an SQL statement");
    s->pc = pc;
    char name[24];
    snprintf(name, sizeof name, "kt_%u", ++pc->next_id);
    res = PQprepare(pc->c, name, sql, 0, NULL);
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = pg_fail(pc, res, err);
        goto out;
    }
    memcpy(s->name, name, sizeof name);
    PQclear(res);
    /* the server knows how many parameters the statement takes */
    res = PQdescribePrepared(pc->c, name);
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = pg_fail(pc, res, err);
        goto out;
    }
    s->nparams = PQnparams(res);
    if (s->nparams > 0) {
        size_t n = (size_t)s->nparams;
        s->params = calloc(n, sizeof *s->params);
        s->vals = calloc(n, sizeof *s->vals);
        s->lens = calloc(n, sizeof *s->lens);
        s->fmts = calloc(n, sizeof *s->fmts);
        if (!s->params || !s->vals || !s->lens || !s->fmts) {
            s->nparams = 0;
            rc = kt_err_set(err, KT_ENOMEM, "out of memory preparing an SQL statement");
            goto out;
        }
    }
    *out = s;
    s = NULL;
out:
    PQclear(res);
    pg_finalize(s);
    return rc;
}

static struct pg_param *param(struct pg_stmt *s, int idx)
{
    if (idx < 1 || idx > s->nparams)
        return NULL;
    return &s->params[idx - 1];
}

static int set_bytes(struct pg_stmt *s, int idx, const void *p, size_t n, int fmt)
{
    struct pg_param *pp = param(s, idx);
    if (!pp)
        return KT_EINVAL;
    if (n > INT32_MAX)
        return KT_ELIMIT;
    if (n + 1 > pp->cap) {
        char *h = realloc(pp->heap, n + 1);
        if (!h)
            return KT_ENOMEM;
        pp->heap = h;
        pp->cap = n + 1;
    }
    memcpy(pp->heap, p, n);
    pp->heap[n] = '\0';
    pp->val = pp->heap;
    pp->len = (int)n;
    pp->fmt = fmt;
    return 0;
}

static int pg_bind_null(void *stmt, int idx)
{
    struct pg_param *pp = param(stmt, idx);
    if (!pp)
        return KT_EINVAL;
    pp->val = NULL;
    pp->len = 0;
    pp->fmt = 0;
    return 0;
}

static int pg_bind_int64(void *stmt, int idx, int64_t v)
{
    struct pg_param *pp = param(stmt, idx);
    if (!pp)
        return KT_EINVAL;
    pp->len = snprintf(pp->num, sizeof pp->num, "%" PRId64, v);
    pp->val = pp->num;
    pp->fmt = 0;
    return 0;
}

static int pg_bind_text(void *stmt, int idx, const char *str, size_t n)
{
    return set_bytes(stmt, idx, str, n, 0);
}

static int pg_bind_blob(void *stmt, int idx, const void *p, size_t n)
{
    return set_bytes(stmt, idx, p, n, 1);
}

static void drop_result(struct pg_stmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    PQfreemem(s->bytea);
    s->bytea = NULL;
}

static int pg_step(void *stmt, struct kt_err *err)
{
    struct pg_stmt *s = stmt;
    PQfreemem(s->bytea);
    s->bytea = NULL;
    if (!s->res) {
        for (int i = 0; i < s->nparams; i++) {
            s->vals[i] = s->params[i].val;
            s->lens[i] = s->params[i].len;
            s->fmts[i] = s->params[i].fmt;
        }
        PGresult *res =
            PQexecPrepared(s->pc->c, s->name, s->nparams, s->vals, s->lens, s->fmts, 0);
        ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
            int rc = pg_fail(s->pc, res, err);
            PQclear(res);
            return rc;
        }
        note_changes(s->pc, res);
        s->res = res;
        s->nrows = st == PGRES_TUPLES_OK ? PQntuples(res) : 0;
        s->row = -1;
    }
    if (s->row < s->nrows)
        s->row++;
    return s->row < s->nrows ? STORE_ROW : STORE_DONE;
}

static int have_cell(struct pg_stmt *s, int col)
{
    return s->res && s->row >= 0 && s->row < s->nrows && col >= 0 && col < PQnfields(s->res);
}

static int pg_column_count(void *stmt)
{
    struct pg_stmt *s = stmt;
    return s->res ? PQnfields(s->res) : 0;
}

static int pg_column_is_null(void *stmt, int col)
{
    struct pg_stmt *s = stmt;
    return !have_cell(s, col) || PQgetisnull(s->res, s->row, col);
}

static int64_t pg_column_int64(void *stmt, int col)
{
    struct pg_stmt *s = stmt;
    if (pg_column_is_null(s, col))
        return 0;
    const char *v = PQgetvalue(s->res, s->row, col);
    if (strcmp(v, "t") == 0)
        return 1;
    if (strcmp(v, "f") == 0)
        return 0;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0') {
        kt_log_warn("store.pg.not_integer", "column=%d value=\"%.40s\"", col, v);
        return 0;
    }
    return (int64_t)n;
}

static const char *pg_column_text(void *stmt, int col)
{
    struct pg_stmt *s = stmt;
    if (pg_column_is_null(s, col))
        return NULL;
    return PQgetvalue(s->res, s->row, col);
}

static const void *pg_column_blob(void *stmt, int col, size_t *n)
{
    struct pg_stmt *s = stmt;
    *n = 0;
    if (pg_column_is_null(s, col))
        return NULL;
    const char *v = PQgetvalue(s->res, s->row, col);
    if (PQftype(s->res, col) != PG_BYTEA_OID) {
        *n = (size_t)PQgetlength(s->res, s->row, col);
        return v;
    }
    PQfreemem(s->bytea);
    s->bytea = PQunescapeBytea((const unsigned char *)v, n);
    if (!s->bytea)
        *n = 0;
    return s->bytea;
}

static void pg_reset(void *stmt)
{
    struct pg_stmt *s = stmt;
    drop_result(s);
    for (int i = 0; i < s->nparams; i++) {
        s->params[i].val = NULL;
        s->params[i].len = 0;
        s->params[i].fmt = 0;
    }
}

static int64_t pg_changes(void *conn)
{
    return ((struct pg_conn *)conn)->changes;
}

static int pg_begin(void *conn, int write, struct kt_err *err)
{
    /* READ COMMITTED: our writes are conditional UPDATEs and counter rows */
    return run(conn, write ? "BEGIN" : "BEGIN READ ONLY", NULL, err);
}

static int pg_commit(void *conn, struct kt_err *err)
{
    struct pg_conn *pc = conn;
    PGresult *res = NULL;
    int rc = run(pc, "COMMIT", &res, err);
    if (rc != 0)
        return rc;
    /* COMMIT of an aborted transaction "succeeds" with the tag ROLLBACK */
    if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
        rc = kt_err_set(err, KT_EINTERNAL,
                        "PostgreSQL rolled the transaction back because a statement in it failed");
    PQclear(res);
    return rc;
}

static void pg_rollback(void *conn)
{
    struct pg_conn *pc = conn;
    if (PQtransactionStatus(pc->c) != PQTRANS_IDLE)
        PQclear(PQexec(pc->c, "ROLLBACK"));
}

const struct store_driver store_postgres_driver = {
    .name = "postgres",
    .dialect = STORE_POSTGRES,
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_null = pg_bind_null,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .column_count = pg_column_count,
    .column_is_null = pg_column_is_null,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .changes = pg_changes,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
};
