/*
 * Mustache templates: our own engine for the HTML pages and e-mails.
 *
 * A template is compiled once into an immutable node array whose strings are
 * slices of the template's own copy of its source; rendering walks that
 * array with a context stack of jansson values and appends to the caller's
 * capped kt_buf. Rendering parses nothing and allocates nothing except what
 * the buffer needs to grow.
 *
 * Implemented: the core spec (interpolation, sections, inverted sections,
 * comments, partials, set delimiters, standalone-line rules) plus the
 * optional ~inheritance (blocks {{$name}}…{{/name}} and parents
 * {{<layout}}…{{/layout}}) and ~dynamic-names ({{>*name}}, {{<*name}}).
 * Not implemented: ~lambdas (JSON values cannot be functions).
 *
 * Values: {{x}} escapes & < > " ' for HTML; {{{x}}} and {{&x}} do not.
 * Integers print as integers, reals in their shortest round-trip form
 * (1.210 -> "1.21"), true/false as words; null, objects and arrays print
 * nothing. Falsy for sections: missing, null, false, 0, "" and [].
 *
 * Ownership: a struct mustache_tpl owns its nodes and source. A
 * struct mustache_cache owns the templates added to it; it is filled at
 * start-up by one thread and is read-only afterwards, when any number of
 * threads may look templates up and render them at once without locks.
 * Templates in a cache are linked to the partials and parents they name
 * (static names are resolved once, when added; dynamic names are looked up
 * in the cache at render time).
 *
 * Errors are values: compile errors name the template, line and column
 * ("template orders/list line 12 column 5: section 'items' is not closed");
 * render errors are the output cap (KT_ELIMIT) and the nesting limit.
 */
#ifndef KT_WEB_MUSTACHE_H
#define KT_WEB_MUSTACHE_H

#include <jansson.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* Sections, partials, parents and blocks nested at render time. */
#define MUSTACHE_MAX_DEPTH 100
/* Longest template or partial name, e.g. "orders/list". */
#define MUSTACHE_NAME_MAX 128
/* Largest template file mustache_cache_load_dir reads. */
#define MUSTACHE_FILE_MAX ((size_t)1 << 20)

struct mustache_tpl;
struct mustache_cache;

/*
 * Supplies the source of template NAME (a checked name, see
 * mustache_name_check) by appending it to src. Returns 0, KT_ENOTFOUND when
 * there is no such template, or another negative code with err filled.
 */
typedef int (*mustache_loader_fn)(void *ctx, const char *name, struct kt_buf *src,
                                  struct kt_err *err);

/*
 * Compiles src[0..len) under name. Static partial and parent names are
 * resolved in `partials` (may be NULL), which must already hold them: a
 * missing parent is an error, a missing partial renders as nothing (as the
 * spec says). The caller owns *out (mustache_tpl_free).
 */
int mustache_compile(const struct mustache_cache *partials, const char *name, const char *src,
                     size_t len, struct mustache_tpl **out, struct kt_err *err);
void mustache_tpl_free(struct mustache_tpl *t);
const char *mustache_tpl_name(const struct mustache_tpl *t);

/*
 * Appends t rendered against data to out. On error out is left as it was
 * and err says why: KT_ELIMIT for the buffer's cap or the nesting limit.
 */
int mustache_render(const struct mustache_tpl *t, const json_t *data, struct kt_buf *out,
                    struct kt_err *err);

/*
 * Template names are relative paths without the .mustache suffix:
 * segments of letters, digits, '_', '-' and '.', separated by single '/',
 * no segment starting with '.', at most MUSTACHE_NAME_MAX bytes. Anything
 * else (.., absolute paths, backslashes) is KT_EINVAL.
 */
int mustache_name_check(const char *name, size_t len, struct kt_err *err);

/* load may be NULL: then only templates added explicitly exist. */
int mustache_cache_new(struct mustache_cache **out, mustache_loader_fn load, void *load_ctx,
                       struct kt_err *err);
void mustache_cache_free(struct mustache_cache *c);

/*
 * Compiles src as template `name` into the cache and loads, through the
 * loader, every template it names that the cache does not hold yet
 * (recursively). A name already in the cache is KT_EEXIST. On an error
 * elsewhere the template stays in the cache; references that could not be
 * resolved render as nothing.
 */
int mustache_cache_add(struct mustache_cache *c, const char *name, const char *src, size_t len,
                       struct kt_err *err);

/* The cached template `name`, loading it through the loader if needed. */
int mustache_cache_load(struct mustache_cache *c, const char *name, const struct mustache_tpl **out,
                        struct kt_err *err);

/*
 * Compiles every DIR/NAME.mustache (subdirectories give names like
 * "orders/list"), in name order, and links them. Every template's error is
 * logged (event template.error); err gets the first and the count. Here a
 * missing partial is an error too: a deployment must be complete.
 */
int mustache_cache_load_dir(struct mustache_cache *c, const char *dir, struct kt_err *err);

/* NULL when absent. Safe from many threads once start-up is over. */
const struct mustache_tpl *mustache_cache_find(const struct mustache_cache *c, const char *name);
size_t mustache_cache_count(const struct mustache_cache *c);

/* mustache_render of the cached template `name`; KT_ENOTFOUND if absent. */
int mustache_cache_render(const struct mustache_cache *c, const char *name, const json_t *data,
                          struct kt_buf *out, struct kt_err *err);

#endif
