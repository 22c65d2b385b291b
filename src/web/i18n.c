#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/money.h"
#include "base/qty.h"
#include "web/i18n.h"
#include "base/banned.h"

static const char *const langs[WEB_NLANGS] = WEB_LANGS;

struct web_i18n {
    json_t *cat[WEB_NLANGS];
};

/* Checks that every leaf is a string; the first offender's key into bad. */
static int leaves_are_strings(json_t *o, const char *prefix, char *bad, size_t n)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", k);
        if (json_is_object(v)) {
            if (!leaves_are_strings(v, path, bad, n))
                return 0;
        } else if (!json_is_string(v)) {
            snprintf(bad, n, "%s", path);
            return 0;
        }
    }
    return 1;
}

static int missing_in(json_t *a, json_t *b, const char *prefix, char *dst, size_t n)
{
    const char *k;
    json_t *v;
    json_object_foreach(a, k, v) {
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", k);
        json_t *w = json_is_object(b) ? json_object_get(b, k) : NULL;
        if (!w || json_is_object(v) != json_is_object(w)) {
            snprintf(dst, n, "%s", path);
            return 1;
        }
        if (json_is_object(v) && missing_in(v, w, path, dst, n))
            return 1;
    }
    return 0;
}

int web_i18n_missing_key(json_t *a, json_t *b, char *dst, size_t n)
{
    return missing_in(a, b, "", dst, n);
}

int web_i18n_load(const char *dir, struct web_i18n **out, struct kt_err *err)
{
    struct web_i18n *i = calloc(1, sizeof *i);
    if (!i)
        return kt_err_set(err, KT_ENOMEM, "out of memory loading the UI catalogues");
    int rc = 0;
    for (size_t l = 0; l < WEB_NLANGS; l++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.json", dir, langs[l]);
        if (access(path, R_OK) != 0) {
            rc = kt_err_set(err, errno == ENOENT ? KT_ENOTFOUND : KT_EIO,
                            "cannot read the UI catalogue %s: %s", path, strerror(errno));
            goto out;
        }
        json_error_t je;
        i->cat[l] = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
        if (!i->cat[l]) {
            rc = kt_err_set(err, KT_EINVAL, "UI catalogue %s: %s (line %d, column %d)", path,
                            je.text, je.line, je.column);
            goto out;
        }
        char bad[512];
        if (!json_is_object(i->cat[l])) {
            rc = kt_err_set(err, KT_EINVAL, "UI catalogue %s must be a JSON object", path);
            goto out;
        }
        if (!leaves_are_strings(i->cat[l], "", bad, sizeof bad)) {
            rc = kt_err_set(err, KT_EINVAL, "UI catalogue %s: key %s must be a text or an object",
                            path, bad);
            goto out;
        }
    }
    for (size_t l = 1; l < WEB_NLANGS; l++) {
        char key[512];
        if (web_i18n_missing_key(i->cat[0], i->cat[l], key, sizeof key)) {
            rc = kt_err_set(err, KT_EINVAL, "UI catalogue %s/%s.json lacks the key %s that %s.json has",
                            dir, langs[l], key, langs[0]);
            goto out;
        }
        if (web_i18n_missing_key(i->cat[l], i->cat[0], key, sizeof key)) {
            rc = kt_err_set(err, KT_EINVAL, "UI catalogue %s/%s.json lacks the key %s that %s.json has",
                            dir, langs[0], key, langs[l]);
            goto out;
        }
    }
out:
    if (rc != 0) {
        web_i18n_free(i);
        return rc;
    }
    *out = i;
    return 0;
}

void web_i18n_free(struct web_i18n *i)
{
    if (!i)
        return;
    for (size_t l = 0; l < WEB_NLANGS; l++)
        json_decref(i->cat[l]);
    free(i);
}

static int lang_index(const char *lang)
{
    for (size_t l = 0; lang && l < WEB_NLANGS; l++)
        if (strcmp(lang, langs[l]) == 0)
            return (int)l;
    return -1;
}

json_t *web_i18n_catalog(const struct web_i18n *i, const char *lang)
{
    int l = lang_index(lang);
    return i->cat[l < 0 ? 0 : l];
}

const char *web_i18n_text(const struct web_i18n *i, const char *lang, const char *key)
{
    json_t *v = web_i18n_catalog(i, lang);
    const char *p = key;
    while (v && *p) {
        size_t k = strcspn(p, ".");
        char part[128];
        if (k >= sizeof part)
            return key;
        memcpy(part, p, k);
        part[k] = '\0';
        v = json_is_object(v) ? json_object_get(v, part) : NULL;
        p += k;
        if (*p == '.')
            p++;
    }
    return v && json_is_string(v) ? json_string_value(v) : key;
}

const char *web_i18n_pick(const char *user_lang, const char *accept_language)
{
    int l = lang_index(user_lang);
    if (l >= 0)
        return langs[l];
    /* Accept-Language: "en-GB,en;q=0.9,pl;q=0.8": the supported language
     * with the highest q wins; equal q keeps the earlier one. */
    int best = -1;
    int best_q = 0;
    const char *p = accept_language;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t tok = strcspn(p, ",;");
        size_t primary = strcspn(p, "-,; ");
        if (primary > tok)
            primary = tok;
        int q = 1000;
        const char *end = p + strcspn(p, ",");
        const char *qs = strstr(p, ";q=");
        if (!qs)
            qs = strstr(p, "; q=");
        if (qs && qs < end) {
            const char *d = strchr(qs, '=') + 1;
            /* q is 0, 1 or a decimal with up to three digits */
            int whole = *d == '1' ? 1000 : 0;
            q = whole;
            if (*d == '0' && d[1] == '.') {
                int scale = 100;
                for (const char *c = d + 2; c < end && *c >= '0' && *c <= '9' && scale > 0;
                     c++, scale /= 10)
                    q += (*c - '0') * scale;
            }
        }
        for (size_t k = 0; k < WEB_NLANGS && primary == 2; k++) {
            if (strncasecmp(p, langs[k], 2) == 0 && q > best_q) {
                best = (int)k;
                best_q = q;
            }
        }
        p = end;
    }
    return best >= 0 ? langs[best] : langs[0];
}

static const char *detach_to_arena(struct kt_arena *a, struct kt_buf *b, int rc)
{
    const char *s = rc == 0 ? kt_arena_strdup(a, kt_buf_str(b)) : NULL;
    kt_buf_release(b);
    return s;
}

const char *web_fmt_money(struct kt_arena *a, int64_t minor, const char *currency,
                          const char *lang)
{
    struct kt_buf b;
    kt_buf_init(&b, 256);
    return detach_to_arena(a, &b, kt_money_format(&b, minor, currency, lang, NULL));
}

const char *web_fmt_price(struct kt_arena *a, int64_t price, const char *currency,
                          const char *lang)
{
    struct kt_buf b;
    kt_buf_init(&b, 256);
    return detach_to_arena(a, &b, kt_price_format(&b, price, currency, lang, NULL));
}

const char *web_fmt_qty(struct kt_arena *a, int64_t qty, const char *lang)
{
    struct kt_buf b;
    kt_buf_init(&b, 256);
    return detach_to_arena(a, &b, kt_qty_format(&b, qty, lang, NULL));
}

const char *web_fmt_time(struct kt_arena *a, int64_t unix_ms)
{
    struct kt_datetime dt;
    kt_time_to_warsaw((kt_time)(unix_ms / 1000), &dt);
    return kt_arena_printf(a, "%04d-%02d-%02d %02d:%02d", dt.year, dt.month, dt.day, dt.hour,
                           dt.min);
}

const char *web_fmt_date_prose(struct kt_arena *a, int32_t days, const char *lang)
{
    char out[KT_DATE_PROSE_SIZE];
    if (kt_date_format_prose((kt_date)days, lang, out, sizeof out, NULL) != 0)
        return NULL;
    return kt_arena_strdup(a, out);
}
