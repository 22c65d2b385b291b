/*
 * web/input: declared inputs and their validators, in the manner of kcgi's
 * key tables. Every route lists the fields it reads (from the path, the
 * query string or the body) with a validator each; the router runs them
 * before the handler, so a handler only ever sees values that passed, and a
 * field that fails becomes a 400 response naming it.
 *
 * Validators (what a value must be, and what web_value holds afterwards):
 *   WEB_INT     decimal integer in [min, max]              num
 *   WEB_MONEY   amount with 2 decimals ("12.50", "1 234,56") num = minor units
 *   WEB_PRICE   unit price with up to 4 decimals            num = 1/10000
 *   WEB_QTY     quantity with up to 3 decimals               num = thousandths
 *   WEB_CODE    1..max (default 40) printable characters, no spaces at the
 *               ends (product codes, warehouse codes)        text
 *   WEB_EMAIL   an e-mail address (local@domain.tld), at most 254 bytes
 *   WEB_NIP     a Polish NIP with a valid check digit        text = 10 digits
 *   WEB_DATE    ISO date YYYY-MM-DD                          num = days since 1970
 *   WEB_ENUM    one of the words in `choices` ("a|b|c")      text
 *   WEB_STRING  UTF-8 text of min..max (default 0..1000) characters, no
 *               control characters except tab and line breaks
 *   WEB_BOOL    true/false (forms: "1"/"on"/"true" or "0"/"false"/"")  num
 *   WEB_SECRET  a password: UTF-8 of 1..max (default 1024) bytes, taken as
 *               typed (not trimmed), never quoted in messages
 *   WEB_ARRAY   JSON bodies only: an array of min..max elements   num = count;
 *               the handler checks each element against the element's own
 *               field table with web_input_json (an order's lines)
 * Every text must be valid UTF-8. Amounts and quantities in JSON are
 * decimal strings ("12.50"), never JSON numbers: money is never a float.
 *
 * Memory: text in a web_value points into the caller's arena.
 */
#ifndef KT_WEB_INPUT_H
#define KT_WEB_INPUT_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "web/http.h"

enum web_type {
    WEB_INT,
    WEB_MONEY,
    WEB_PRICE,
    WEB_QTY,
    WEB_CODE,
    WEB_EMAIL,
    WEB_NIP,
    WEB_DATE,
    WEB_ENUM,
    WEB_STRING,
    WEB_BOOL,
    WEB_SECRET,
    WEB_ARRAY,
};

/* Where a field is read from. */
enum web_from {
    WEB_FROM_PATH,  /* a {name} segment of the route's pattern */
    WEB_FROM_QUERY, /* ?name=value */
    WEB_FROM_BODY,  /* form field, or member of the JSON object */
};

struct web_field {
    const char *name;
    enum web_type type;
    enum web_from from;
    int required;
    long long min, max;  /* WEB_INT: range (both 0 = any int64);
                            WEB_STRING/WEB_CODE: length in characters */
    const char *choices; /* WEB_ENUM: "a|b|c" */
};

/* "integer", "money", ... for messages and the route listing. */
const char *web_type_name(enum web_type t);

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
int web_utf8_valid(const char *s, size_t n);

/*
 * Checks the text value of field f (from a path segment, query string or
 * form). lang ("pl", "en", or NULL for the machine form) selects how
 * amounts are read. Fills out on success; on failure returns KT_EINVAL
 * with a message that names the field and says what it must be.
 */
int web_input_text(const struct web_field *f, const char *text, const char *lang,
                   struct kt_arena *a, struct web_value *out, struct kt_err *err);

/*
 * Checks a member of a JSON body: integers must be JSON integers, booleans
 * JSON booleans, everything else a JSON string checked as above (amounts in
 * the machine form "1234.56"). JSON null counts as absent.
 */
int web_input_json(const struct web_field *f, json_t *v, struct kt_arena *a,
                   struct web_value *out, struct kt_err *err);

#endif
