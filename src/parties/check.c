#include <ctype.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/money.h"
#include "base/validate.h"
#include "jobs/jobs.h"
#include "parties/check.h"
#include "base/banned.h"

/* Length of the longest valid UTF-8 sequence at s (1..4), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (s[0] == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (s[0] == 0xED && s[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (s[0] == 0xF0 && s[1] < 0x90)
            return 0;
        if (s[0] == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Trims in into [*start, *start + *len). */
static void trim(const char *in, const char **start, size_t *len)
{
    const char *s = in != NULL ? in : "";
    size_t n;

    while (is_space(*s))
        s++;
    n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        n--;
    *start = s;
    *len = n;
}

int parties_check_text(const char *field, const char *in, int required, int multiline, char *out,
                       size_t n, struct kt_err *err)
{
    const char *s;
    size_t len, i = 0;

    trim(in, &s, &len);
    if (len == 0) {
        out[0] = '\0';
        return required ? kt_err_set(err, KT_EINVAL, "%s: required.", field) : 0;
    }
    if (len >= n)
        return kt_err_set(err, KT_EINVAL, "%s: too long (%zu bytes, at most %zu).", field, len,
                          n - 1);
    while (i < len) {
        const unsigned char *p = (const unsigned char *)s + i;
        size_t k = utf8_seq(p);
        if (k == 0 || i + k > len)
            return kt_err_set(err, KT_EINVAL, "%s: not valid UTF-8 text.", field);
        if (k == 1 && (p[0] < 0x20 || p[0] == 0x7F) &&
            !(multiline && (p[0] == '\n' || p[0] == '\t' || p[0] == '\r')))
            return kt_err_set(err, KT_EINVAL, "%s: contains a control character.", field);
        i += k;
    }
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

int parties_check_code(const char *field, const char *in, char *out, size_t n, struct kt_err *err)
{
    const char *s;
    size_t len;

    trim(in, &s, &len);
    if (len == 0)
        return kt_err_set(err, KT_EINVAL, "%s: required.", field);
    if (len >= n)
        return kt_err_set(err, KT_EINVAL, "%s %.40s: too long (at most %zu characters).", field, s,
                          n - 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != '-' && c != '/')
            return kt_err_set(err, KT_EINVAL, "%s \"%.*s\": use letters, digits and . _ - / only.",
                              field, (int)len, s);
    }
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

static int email_local_char(unsigned char c)
{
    return isalnum(c) || strchr("!#$%&'*+/=?^_`{|}~.-", c) != NULL;
}

static int has_double_dot(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (s[i] == '.' && s[i - 1] == '.')
            return 1;
    return 0;
}

int parties_check_email(const char *field, const char *in, char *out, size_t n, struct kt_err *err)
{
    const char *s, *at, *domain, *label;
    size_t len, local_len, dlen;
    int dots = 0;

    trim(in, &s, &len);
    if (len == 0)
        return kt_err_set(err, KT_EINVAL, "%s: required.", field);
    if (len >= n || len > 254)
        return kt_err_set(err, KT_EINVAL, "%s %.60s: too long (at most 254 characters).", field, s);
    at = memchr(s, '@', len);
    if (at == NULL)
        return kt_err_set(err, KT_EINVAL, "%s %.*s: the @ is missing.", field, (int)len, s);
    local_len = (size_t)(at - s);
    domain = at + 1;
    dlen = len - local_len - 1;
    if (local_len == 0 || local_len > 64)
        return kt_err_set(err, KT_EINVAL,
                          "%s %.*s: the part before @ must have 1 to 64 characters.", field,
                          (int)len, s);
    for (size_t i = 0; i < local_len; i++)
        if (!email_local_char((unsigned char)s[i]))
            return kt_err_set(err, KT_EINVAL, "%s %.*s: the character '%c' is not allowed.", field,
                              (int)len, s, s[i]);
    if (s[0] == '.' || s[local_len - 1] == '.' || has_double_dot(s, local_len))
        return kt_err_set(err, KT_EINVAL, "%s %.*s: dots must separate words before the @.", field,
                          (int)len, s);
    if (dlen == 0)
        return kt_err_set(err, KT_EINVAL, "%s %.*s: the domain is missing.", field, (int)len, s);
    label = domain;
    for (size_t i = 0; i <= dlen; i++) {
        if (i == dlen || domain[i] == '.') {
            size_t llen = (size_t)(domain + i - label);
            if (llen == 0 || llen > 63 || label[0] == '-' || label[llen - 1] == '-')
                return kt_err_set(err, KT_EINVAL, "%s %.*s: the domain %.*s is not valid.", field,
                                  (int)len, s, (int)dlen, domain);
            if (i < dlen)
                dots++;
            label = domain + i + 1;
        } else if (!isalnum((unsigned char)domain[i]) && domain[i] != '-') {
            return kt_err_set(err, KT_EINVAL, "%s %.*s: the domain %.*s is not valid.", field,
                              (int)len, s, (int)dlen, domain);
        }
    }
    if (dots == 0)
        return kt_err_set(err, KT_EINVAL, "%s %.*s: the domain needs a dot (example.com).", field,
                          (int)len, s);
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

int parties_check_phone(const char *in, char *out, size_t n, struct kt_err *err)
{
    const char *s;
    size_t len;
    int digits = 0;

    trim(in, &s, &len);
    if (len == 0)
        return kt_err_set(err, KT_EINVAL, "phone: required.");
    if (len >= n)
        return kt_err_set(err, KT_EINVAL, "phone %.40s: too long (at most %zu characters).", s,
                          n - 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isdigit(c))
            digits++;
        else if (strchr(" +-()/", c) == NULL)
            return kt_err_set(err, KT_EINVAL, "phone %.*s: use digits, spaces and + - ( ) / only.",
                              (int)len, s);
    }
    if (digits < 5)
        return kt_err_set(err, KT_EINVAL, "phone %.*s: too few digits.", (int)len, s);
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

int parties_check_iban(const char *in, char *out, size_t n, struct kt_err *err)
{
    int rc = kt_valid_iban(in, err);
    if (rc < 0)
        return rc;
    return kt_normalize_tax_id(in, out, n, err);
}

int parties_check_swift(const char *in, char *out, size_t n, struct kt_err *err)
{
    char bic[16];
    size_t len;
    int rc;

    rc = kt_normalize_tax_id(in, bic, sizeof bic, err);
    if (rc < 0)
        return kt_err_set(err, KT_EINVAL, "SWIFT/BIC %.20s: expected 8 or 11 letters and digits.",
                          in != NULL ? in : "");
    len = strlen(bic);
    if (len != 8 && len != 11)
        return kt_err_set(err, KT_EINVAL,
                          "SWIFT/BIC %s: %zu characters, expected 8 or 11 (e.g. BPKOPLPW).", bic,
                          len);
    for (size_t i = 0; i < 6; i++)
        if (!isupper((unsigned char)bic[i]))
            return kt_err_set(err, KT_EINVAL,
                              "SWIFT/BIC %s: the first 6 characters (bank and country) must be "
                              "letters.",
                              bic);
    if (len >= n)
        return kt_err_set(err, KT_ELIMIT, "SWIFT/BIC %s: no room for it.", bic);
    memcpy(out, bic, len + 1);
    return 0;
}

int parties_check_lang(const char *field, const char *in, char out[3], struct kt_err *err)
{
    static const char *const langs[] = {"pl", "en", "de"};
    char low[3];

    if (in != NULL && strlen(in) == 2) {
        low[0] = (char)tolower((unsigned char)in[0]);
        low[1] = (char)tolower((unsigned char)in[1]);
        low[2] = '\0';
        for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++)
            if (strcmp(low, langs[i]) == 0) {
                memcpy(out, low, 3);
                return 0;
            }
    }
    return kt_err_set(err, KT_EINVAL, "%s %.20s: expected pl, en or de.", field,
                      in != NULL && in[0] != '\0' ? in : "(empty)");
}

int parties_check_currency(const char *in, char out[4], struct kt_err *err)
{
    const struct kt_currency *cur;
    int rc = kt_money_currency(in != NULL ? in : "", &cur, err);
    if (rc < 0)
        return rc;
    return kt_strlcpy(out, cur->code, 4) < 0 ? kt_err_set(err, KT_EINTERNAL,
                                                          "currency code %s "
                                                          "is not 3 letters.",
                                                          cur->code)
                                             : 0;
}

void parties_col_copy(struct store_stmt *s, int col, char *out, size_t n)
{
    const char *v = store_col_text(s, col);
    kt_strlcpy(out, v != NULL ? v : "", n);
}

int parties_bind_opt(struct store_stmt *s, int idx, const char *v)
{
    return store_bind_text(s, idx, v != NULL && v[0] != '\0' ? v : NULL);
}

int parties_bind_failed(struct kt_err *err, int rc, const char *what)
{
    return kt_err_set(err, rc < 0 ? rc : KT_EINTERNAL, "cannot bind the parameters of %s.", what);
}

int64_t parties_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int parties_emit(struct store *st, const char *type, const char *id_key, int64_t id,
                 const char *code, const char *change, struct kt_err *err)
{
    json_t *obj = json_object();
    char *text = NULL;
    int rc;

    if (obj == NULL || json_object_set_new(obj, id_key, json_integer(id)) != 0 ||
        (code != NULL && json_object_set_new(obj, "code", json_string(code)) != 0) ||
        json_object_set_new(obj, "change", json_string(change)) != 0 ||
        (text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory building the %s event.", type);
        goto out;
    }
    rc = events_emit(st, type, text, err);
out:
    free(text);
    json_decref(obj);
    return rc;
}

int parties_tx(struct store *st, store_tx_fn fn, void *ctx, struct kt_err *err)
{
    int rc = store_in_tx(st) ? fn(st, ctx, err) : store_tx(st, fn, ctx, err);
    return rc == PARTIES_STALE ? KT_ECONFLICT : rc;
}
