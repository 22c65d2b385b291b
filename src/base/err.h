/*
 * Errors: a fallible function returns int (0 = ok, negative KT_E* code) and
 * fills a caller-supplied struct kt_err with one sentence a user can act on.
 * The struct owns no heap memory; it may live on the stack.
 */
#ifndef KT_ERR_H
#define KT_ERR_H

#include <stdarg.h>

enum {
    KT_OK = 0,
    KT_EINVAL = -1,     /* bad input: a value, a flag, a file */
    KT_ENOMEM = -2,     /* allocation failed */
    KT_EIO = -3,        /* file system or socket error */
    KT_ENOTFOUND = -4,  /* the thing asked for does not exist */
    KT_EEXIST = -5,     /* unique key already taken */
    KT_EFOREIGN = -6,   /* foreign key: refers to something missing / still referenced */
    KT_ECONFLICT = -7,  /* concurrent change: serialization failure, stale version */
    KT_EUNAVAIL = -8,   /* database or service unreachable */
    KT_EOVERFLOW = -9,  /* arithmetic result does not fit */
    KT_ELIMIT = -10,    /* a size or count cap was reached */
    KT_EPERM = -11,     /* not allowed */
    KT_ECORRUPT = -12,  /* stored data is damaged */
    KT_EBUSY = -13,     /* locked by someone else, try again */
    KT_EINTERNAL = -14, /* a bug: an invariant did not hold */
};

#define KT_ERR_MSG_MAX 512

struct kt_err {
    int code;
    char msg[KT_ERR_MSG_MAX];
};

/* Clears the error to KT_OK with an empty message. */
void kt_err_clear(struct kt_err *err);

/*
 * Records code and a printf-style message; returns code so that callers can
 * write `return kt_err_set(err, KT_EINVAL, "...")`. err may be NULL.
 */
int kt_err_set(struct kt_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int kt_err_setv(struct kt_err *err, int code, const char *fmt, va_list ap);

/* Prepends context: "context: previous message". Returns err->code. */
int kt_err_prefix(struct kt_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Stable symbolic name of a code, e.g. "EINVAL", for logs and JSON. */
const char *kt_err_name(int code);

#endif
