/*
 * libFuzzer target for the Mustache engine: the input is a template. It is
 * compiled against a cache of fixed partials and layouts and rendered
 * against fixed data with every JSON type; then it is added to a cache whose
 * loader answers every name with the input itself, so that partials and
 * parents include each other arbitrarily (the nesting limit must hold).
 * Any crash, sanitizer report or leak is a bug; compile errors are not.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *       fuzz/fuzz_mustache.c src/web/mustache.c src/base/{buf,err,log}.c -ljansson
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "web/mustache.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mustache_cache *fixed;
static json_t *context;

static const char *const partials[] = {
    "row",    "{{name}}{{#kids}}\n  {{>row}}\n{{/kids}}",
    "layout", "<h1>{{$title}}T{{/title}}</h1>\n  {{$body}}\n  default\n  {{/body}}\n",
    "card",   "{{<layout}}{{$title}}{{name}}{{/title}}{{/layout}}",
};

struct input {
    const char *src;
    size_t len;
};

static int echo_loader(void *ctx, const char *name, struct kt_buf *src, struct kt_err *err)
{
    const struct input *in = ctx;
    return kt_buf_add(src, in->src, in->len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct kt_err err;
    kt_log_set_level(KT_LOG_OFF);
    if (mustache_cache_new(&fixed, NULL, NULL, &err))
        abort();
    for (size_t i = 0; i < sizeof partials / sizeof *partials; i += 2)
        if (mustache_cache_add(fixed, partials[i], partials[i + 1], strlen(partials[i + 1]), &err))
            abort();
    context = json_loads("{\"name\": \"<a&b>\", \"n\": 0, \"r\": 1.21, \"t\": true, \"f\": false,"
                         " \"z\": null, \"s\": \"\", \"kind\": \"row\", \"lay\": \"layout\","
                         " \"kids\": [{\"name\": \"x\", \"kids\": []}, 3, \"s\", [1, [2]]],"
                         " \"o\": {\"a\": {\"b\": \"c\"}}}",
                         0, NULL);
    if (!context)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    struct kt_err err;
    struct kt_buf out;
    kt_buf_init(&out, (size_t)1 << 20);

    struct mustache_tpl *t = NULL;
    if (mustache_compile(fixed, "fuzz", src, size, &t, &err) == 0) {
        mustache_render(t, context, &out, &err);
        mustache_tpl_free(t);
    }

    struct input in = {src, size};
    struct mustache_cache *c = NULL;
    if (mustache_cache_new(&c, echo_loader, &in, &err) == 0) {
        if (mustache_cache_add(c, "self", src, size, &err) == 0) {
            kt_buf_reset(&out);
            mustache_cache_render(c, "self", context, &out, &err);
        }
        mustache_cache_free(c);
    }
    kt_buf_release(&out);
    return 0;
}
