#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/banned.h"

void kt_err_clear(struct kt_err *err)
{
    if (!err)
        return;
    err->code = KT_OK;
    err->msg[0] = '\0';
}

int kt_err_setv(struct kt_err *err, int code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

int kt_err_set(struct kt_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kt_err_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int kt_err_prefix(struct kt_err *err, const char *fmt, ...)
{
    if (!err)
        return KT_EINTERNAL;
    char prefix[KT_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t plen = strlen(prefix);
    if (plen > sizeof err->msg - 3)
        plen = sizeof err->msg - 3;
    size_t room = sizeof err->msg - 1 - plen - 2;
    size_t olen = strlen(err->msg);
    if (olen > room)
        olen = room;
    memmove(err->msg + plen + 2, err->msg, olen);
    err->msg[plen + 2 + olen] = '\0';
    memcpy(err->msg, prefix, plen);
    memcpy(err->msg + plen, ": ", 2);
    return err->code;
}

static const struct {
    int code;
    const char *name;
} names[] = {
    {KT_OK, "OK"},
    {KT_EINVAL, "EINVAL"},
    {KT_ENOMEM, "ENOMEM"},
    {KT_EIO, "EIO"},
    {KT_ENOTFOUND, "ENOTFOUND"},
    {KT_EEXIST, "EEXIST"},
    {KT_EFOREIGN, "EFOREIGN"},
    {KT_ECONFLICT, "ECONFLICT"},
    {KT_EUNAVAIL, "EUNAVAIL"},
    {KT_EOVERFLOW, "EOVERFLOW"},
    {KT_ELIMIT, "ELIMIT"},
    {KT_EPERM, "EPERM"},
    {KT_ECORRUPT, "ECORRUPT"},
    {KT_EBUSY, "EBUSY"},
    {KT_EINTERNAL, "EINTERNAL"},
};

const char *kt_err_name(int code)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == code)
            return names[i].name;
    return "EUNKNOWN";
}
