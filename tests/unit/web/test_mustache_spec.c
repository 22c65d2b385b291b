/*
 * Runs every test of the Mustache spec files (core + ~inheritance +
 * ~dynamic-names) against our engine and prints one TAP line per test case:
 *   ok 12 - interpolation: Dotted Names - Basic Interpolation
 * and at the end "# mustache spec: N of M passed". Exits 1 on any failure.
 * The files are read from $KT_SHARED/samples/mustache-spec/ (the shared
 * folder next to the repository when KT_SHARED is not set).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "web/mustache.h"

#ifndef KT_SHARED_DEFAULT
#define KT_SHARED_DEFAULT "../shared"
#endif

static const char *const spec_files[] = {
    "interpolation", "sections",   "inverted",     "comments",
    "partials",      "delimiters", "~inheritance", "~dynamic-names",
};
#define NFILES (sizeof spec_files / sizeof spec_files[0])

/* Loader: partials come from the test case's "partials" object. */
static int load_partial(void *ctx, const char *name, struct kt_buf *src, struct kt_err *err)
{
    const json_t *partials = ctx;
    const json_t *p = json_object_get(partials, name);
    if (!json_is_string(p))
        return KT_ENOTFOUND;
    int rc = kt_buf_add(src, json_string_value(p), json_string_length(p));
    return rc ? kt_err_set(err, rc, "partial %s does not fit", name) : 0;
}

static void print_escaped(const char *label, const char *s, size_t n)
{
    printf("#   %-9s \"", label);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            fputs("\\n", stdout);
        else if (s[i] == '\r')
            fputs("\\r", stdout);
        else if (s[i] == '\t')
            fputs("\\t", stdout);
        else
            putchar(s[i]);
    }
    puts("\"");
}

/* Renders one case; returns 1 when the output is the expected one. */
static int run_case(const json_t *tc, struct kt_buf *out, struct kt_err *err)
{
    const json_t *partials = json_object_get(tc, "partials");
    const json_t *tpl = json_object_get(tc, "template");
    struct mustache_cache *c = NULL;
    const struct mustache_tpl *t;
    int ok = 0;
    kt_buf_reset(out);
    kt_err_clear(err);
    if (mustache_cache_new(&c, load_partial, (void *)partials, err))
        goto out;
    if (mustache_cache_add(c, "spec-template", json_string_value(tpl), json_string_length(tpl),
                           err))
        goto out;
    /* Partials only named dynamically ({{>*name}}) are loaded up front. */
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)partials, name, v)
    {
        if (mustache_cache_load(c, name, &t, err))
            goto out;
    }
    if (mustache_cache_render(c, "spec-template", json_object_get(tc, "data"), out, err))
        goto out;
    const json_t *exp = json_object_get(tc, "expected");
    ok = out->len == json_string_length(exp) &&
         memcmp(kt_buf_str(out), json_string_value(exp), out->len) == 0;
out:
    mustache_cache_free(c);
    return ok;
}

int main(void)
{
    const char *shared = getenv("KT_SHARED");
    if (!shared || !*shared)
        shared = KT_SHARED_DEFAULT;
    json_t *files[NFILES] = {0};
    size_t total = 0;
    for (size_t i = 0; i < NFILES; i++) {
        char path[4096];
        json_error_t je;
        snprintf(path, sizeof path, "%s/samples/mustache-spec/%s.json", shared, spec_files[i]);
        files[i] = json_load_file(path, 0, &je);
        if (!files[i]) {
            printf("Bail out! cannot read %s: %s\n", path, je.text);
            return 1;
        }
        total += json_array_size(json_object_get(files[i], "tests"));
    }

    printf("1..%zu\n", total);
    struct kt_buf out;
    kt_buf_init(&out, 0);
    size_t n = 0, passed = 0;
    for (size_t i = 0; i < NFILES; i++) {
        const json_t *tests = json_object_get(files[i], "tests");
        for (size_t k = 0; k < json_array_size(tests); k++) {
            const json_t *tc = json_array_get(tests, k);
            struct kt_err err;
            int ok = run_case(tc, &out, &err);
            const char *tname = json_string_value(json_object_get(tc, "name"));
            printf("%s %zu - %s: %s\n", ok ? "ok" : "not ok", ++n, spec_files[i], tname);
            if (ok) {
                passed++;
                continue;
            }
            const json_t *tpl = json_object_get(tc, "template");
            const json_t *exp = json_object_get(tc, "expected");
            print_escaped("template:", json_string_value(tpl), json_string_length(tpl));
            print_escaped("expected:", json_string_value(exp), json_string_length(exp));
            if (err.code)
                printf("#   error:    %s\n", err.msg);
            else
                print_escaped("got:", kt_buf_str(&out), out.len);
        }
    }
    printf("# mustache spec: %zu of %zu passed\n", passed, total);
    kt_buf_release(&out);
    for (size_t i = 0; i < NFILES; i++)
        json_decref(files[i]);
    return passed == total ? 0 : 1;
}
