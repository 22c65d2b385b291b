#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/date.h"
#include "base/money.h"
#include "base/qty.h"
#include "base/validate.h"
#include "web/input.h"
#include "base/banned.h"

#define DEFAULT_STRING_MAX 1000
#define DEFAULT_CODE_MAX 40
#define EMAIL_MAX 254

const char *web_type_name(enum web_type t)
{
    static const char *const names[] = {
        [WEB_INT] = "integer", [WEB_MONEY] = "money",   [WEB_PRICE] = "price",
        [WEB_QTY] = "quantity", [WEB_CODE] = "code",    [WEB_EMAIL] = "email",
        [WEB_NIP] = "nip",     [WEB_DATE] = "date",     [WEB_ENUM] = "enum",
        [WEB_STRING] = "string", [WEB_BOOL] = "boolean", [WEB_SECRET] = "secret",
        [WEB_ARRAY] = "array",
    };
    if ((size_t)t < sizeof names / sizeof names[0] && names[t])
        return names[t];
    return "?";
}

int web_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        static const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* Characters (code points) in a valid UTF-8 string. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int has_control(const char *s, int allow_breaks)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == 0x7F)
            return 1;
        if (c < 0x20 && !(allow_breaks && (c == '\t' || c == '\n' || c == '\r')))
            return 1;
    }
    return 0;
}

static int in_choices(const char *choices, const char *v)
{
    size_t len = strlen(v);
    const char *p = choices;
    while (p && *p) {
        size_t k = strcspn(p, "|");
        if (k == len && len > 0 && strncmp(p, v, len) == 0)
            return 1;
        p += k;
        if (*p == '|')
            p++;
    }
    return 0;
}

static int fail(struct kt_err *err, const struct web_field *f, const char *why)
{
    return kt_err_set(err, KT_EINVAL, "field '%s' %s", f->name, why);
}

static int check_int(const struct web_field *f, const char *t, struct web_value *out,
                     struct kt_err *err)
{
    char *end;
    errno = 0;
    const char *p = t;
    if (*p == '+' || *p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return fail(err, f, "must be a whole number");
    long long v = strtoll(t, &end, 10);
    if (errno == ERANGE || *end != '\0')
        return fail(err, f, "must be a whole number that fits in 64 bits");
    if ((f->min != 0 || f->max != 0) && (v < f->min || v > f->max))
        return kt_err_set(err, KT_EINVAL, "field '%s' must be between %lld and %lld", f->name,
                          f->min, f->max);
    out->num = v;
    return 0;
}

static int check_email(const struct web_field *f, const char *t, struct kt_err *err)
{
    const char *at = strchr(t, '@');
    if (strlen(t) > EMAIL_MAX)
        return fail(err, f, "must be an e-mail address of at most 254 characters");
    if (!at || at == t || strchr(at + 1, '@') || !at[1])
        return fail(err, f, "must be an e-mail address such as name@example.com");
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || !dot[1])
        return fail(err, f, "must be an e-mail address with a domain such as example.com");
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == '<' || *p == '>' || *p == '"' || *p == ',')
            return fail(err, f, "must be an e-mail address without spaces or quotes");
    return 0;
}

int web_input_text(const struct web_field *f, const char *text, const char *lang,
                   struct kt_arena *a, struct web_value *out, struct kt_err *err)
{
    struct kt_err inner;
    kt_err_clear(&inner);
    memset(out, 0, sizeof *out);
    if (!web_utf8_valid(text, strlen(text)))
        return fail(err, f, "is not valid UTF-8 text");

    if (f->type == WEB_SECRET) {
        long long max = f->max > 0 ? f->max : 1024;
        size_t n = strlen(text);
        if (n == 0 || (long long)n > max)
            return kt_err_set(err, KT_EINVAL, "field '%s' must be 1 to %lld bytes long", f->name,
                              max);
        out->text = kt_arena_strdup(a, text);
        if (!out->text)
            return kt_err_set(err, KT_ENOMEM, "out of memory reading field '%s'", f->name);
        out->present = 1;
        return 0;
    }
    /* Surrounding blanks are never meaningful in a typed value. */
    size_t len = strlen(text);
    size_t b = 0;
    while (b < len && (text[b] == ' ' || text[b] == '\t'))
        b++;
    while (len > b && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    char *t = kt_arena_strndup(a, text + b, len - b);
    if (!t)
        return kt_err_set(err, KT_ENOMEM, "out of memory reading field '%s'", f->name);

    switch (f->type) {
    case WEB_INT:
        if (check_int(f, t, out, err) != 0)
            return err->code;
        break;
    case WEB_MONEY:
        if (kt_money_fixed_parse(t, lang, 2, "amount", &out->num, &inner) != 0)
            return kt_err_set(err, KT_EINVAL, "field '%s': %s", f->name, inner.msg);
        break;
    case WEB_PRICE:
        if (kt_money_fixed_parse(t, lang, KT_PRICE_DECIMALS, "price", &out->num, &inner) != 0)
            return kt_err_set(err, KT_EINVAL, "field '%s': %s", f->name, inner.msg);
        break;
    case WEB_QTY:
        if (kt_qty_parse(t, lang, &out->num, &inner) != 0)
            return kt_err_set(err, KT_EINVAL, "field '%s': %s", f->name, inner.msg);
        break;
    case WEB_CODE: {
        long long max = f->max > 0 ? f->max : DEFAULT_CODE_MAX;
        size_t n = utf8_chars(t);
        if (n == 0 || (long long)n > max)
            return kt_err_set(err, KT_EINVAL, "field '%s' must be a code of 1 to %lld characters",
                              f->name, max);
        if (has_control(t, 0))
            return fail(err, f, "must not contain control characters");
        break;
    }
    case WEB_EMAIL:
        if (check_email(f, t, err) != 0)
            return err->code;
        break;
    case WEB_NIP: {
        char norm[32];
        if (kt_normalize_tax_id(t, norm, sizeof norm, &inner) != 0 ||
            kt_valid_nip(norm, &inner) != 0)
            return kt_err_set(err, KT_EINVAL, "field '%s': %s", f->name, inner.msg);
        const char *digits = strncmp(norm, "PL", 2) == 0 ? norm + 2 : norm;
        t = kt_arena_strdup(a, digits);
        if (!t)
            return kt_err_set(err, KT_ENOMEM, "out of memory reading field '%s'", f->name);
        break;
    }
    case WEB_DATE: {
        kt_date d;
        if (kt_date_parse(t, &d, &inner) != 0)
            return kt_err_set(err, KT_EINVAL, "field '%s': %s", f->name, inner.msg);
        out->num = d;
        break;
    }
    case WEB_ENUM:
        if (!in_choices(f->choices, t))
            return kt_err_set(err, KT_EINVAL, "field '%s' must be one of %s", f->name,
                              f->choices ? f->choices : "(none)");
        break;
    case WEB_STRING: {
        long long max = f->max > 0 ? f->max : DEFAULT_STRING_MAX;
        long long n = (long long)utf8_chars(t);
        if (n < f->min || n > max)
            return kt_err_set(err, KT_EINVAL, "field '%s' must be %lld to %lld characters long",
                              f->name, f->min, max);
        if (has_control(t, 1))
            return fail(err, f, "must not contain control characters");
        break;
    }
    case WEB_ARRAY:
        return fail(err, f, "must be a JSON array: send it in a JSON body");
    case WEB_BOOL:
        if (strcmp(t, "1") == 0 || strcasecmp(t, "on") == 0 || strcasecmp(t, "true") == 0)
            out->num = 1;
        else if (*t == '\0' || strcmp(t, "0") == 0 || strcasecmp(t, "false") == 0)
            out->num = 0;
        else
            return fail(err, f, "must be true or false");
        break;
    default:
        return kt_err_set(err, KT_EINTERNAL, "field '%s' has no validator", f->name);
    }
    out->text = t;
    out->present = 1;
    return 0;
}

int web_input_json(const struct web_field *f, json_t *v, struct kt_arena *a,
                   struct web_value *out, struct kt_err *err)
{
    memset(out, 0, sizeof *out);
    if (!v || json_is_null(v))
        return 0;
    switch (f->type) {
    case WEB_INT: {
        if (!json_is_integer(v))
            return fail(err, f, "must be a JSON integer");
        long long n = json_integer_value(v);
        if ((f->min != 0 || f->max != 0) && (n < f->min || n > f->max))
            return kt_err_set(err, KT_EINVAL, "field '%s' must be between %lld and %lld", f->name,
                              f->min, f->max);
        out->num = n;
        out->text = kt_arena_printf(a, "%lld", n);
        break;
    }
    case WEB_BOOL:
        if (!json_is_boolean(v))
            return fail(err, f, "must be true or false");
        out->num = json_is_true(v);
        out->text = out->num ? "true" : "false";
        break;
    case WEB_ARRAY: {
        if (!json_is_array(v))
            return fail(err, f, "must be a JSON array");
        long long n = (long long)json_array_size(v);
        if ((f->min != 0 || f->max != 0) && (n < f->min || n > f->max))
            return kt_err_set(err, KT_EINVAL, "field '%s' must have %lld to %lld elements",
                              f->name, f->min, f->max);
        out->num = n;
        out->text = "";
        break;
    }
    case WEB_MONEY:
    case WEB_PRICE:
    case WEB_QTY:
        if (!json_is_string(v))
            return fail(err, f, "must be a decimal string such as \"12.50\", not a JSON number");
        return web_input_text(f, json_string_value(v), NULL, a, out, err);
    default:
        if (!json_is_string(v))
            return fail(err, f, "must be a JSON string");
        /* jansson strings may hold NUL; our text may not. */
        if (strlen(json_string_value(v)) != json_string_length(v))
            return fail(err, f, "must not contain NUL characters");
        return web_input_text(f, json_string_value(v), NULL, a, out, err);
    }
    if (!out->text)
        return kt_err_set(err, KT_ENOMEM, "out of memory reading field '%s'", f->name);
    out->present = 1;
    return 0;
}
