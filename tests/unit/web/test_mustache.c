/*
 * Mustache engine: compile errors (with template, line and column), HTML
 * escaping of hostile values, value formatting, limits (nesting, output
 * cap), the template cache and its folder loader (errors at start-up, path
 * traversal) and rendering one compiled template from several threads.
 */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "web/mustache.h"

/* Compiles src alone and returns the error code; the message is in *err. */
static int compile_err(const char *name, const char *src, struct kt_err *err)
{
    struct mustache_tpl *t = NULL;
    kt_err_clear(err);
    int rc = mustache_compile(NULL, name, src, strlen(src), &t, err);
    mustache_tpl_free(t);
    return rc;
}

/* Renders src against JSON text data; returns the output (static buffer). */
static const char *render(const char *src, const char *data)
{
    static char result[4096];
    struct kt_err err;
    struct mustache_tpl *t = NULL;
    json_error_t je;
    json_t *j = json_loads(data, JSON_DECODE_ANY, &je);
    assert_non_null(j);
    assert_int_equal(mustache_compile(NULL, "t", src, strlen(src), &t, &err), 0);
    struct kt_buf out;
    kt_buf_init(&out, 0);
    assert_int_equal(mustache_render(t, j, &out, &err), 0);
    snprintf(result, sizeof result, "%s", kt_buf_str(&out));
    kt_buf_release(&out);
    mustache_tpl_free(t);
    json_decref(j);
    return result;
}

/* ---- compile errors ---- */

static void test_error_unclosed_section(void **state)
{
    struct kt_err err;
    const char *src = "<ul>\n"
                      "  <li>x</li>\n"
                      "  {{#items}}\n"
                      "    <li>{{name}}</li>\n";
    assert_int_equal(compile_err("orders/list", src, &err), KT_EINVAL);
    assert_string_equal(err.msg,
                        "template orders/list line 3 column 3: section 'items' is not closed");
}

static void test_error_unclosed_inner_section(void **state)
{
    struct kt_err err;
    assert_int_equal(compile_err("p", "{{#a}}\n{{^b}}\n{{/a}}", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 3 column 1: '{{/a}}' does not close inverted "
                                 "section 'b' opened at line 2 column 1");
}

static void test_error_mismatched_close(void **state)
{
    struct kt_err err;
    assert_int_equal(compile_err("p", "{{#items}}x\n  {{/item}}", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 2 column 3: '{{/item}}' does not close section "
                                 "'items' opened at line 1 column 1");
}

static void test_error_close_without_open(void **state)
{
    struct kt_err err;
    assert_int_equal(compile_err("p", "a\nbc {{/x}}", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 2 column 4: '{{/x}}' closes nothing: no "
                                 "section is open");
}

static void test_error_bad_delimiter(void **state)
{
    struct kt_err err;
    assert_int_equal(compile_err("p", "ok\n{{=<% =}}", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "template p line 2 column 1: bad delimiter tag"));
    assert_int_equal(compile_err("p", "{{=<% %> x=}}", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "bad delimiter tag"));
    assert_int_equal(compile_err("p", "{{=a= b=}}", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "bad delimiter tag"));
}

static void test_error_unclosed_tag(void **state)
{
    struct kt_err err;
    assert_int_equal(compile_err("p", "Hello {{name", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 1 column 7: tag '{{' is not closed with '}}'");
    assert_int_equal(compile_err("p", "{{{raw}}", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 1 column 1: tag '{{{' is not closed with '}}}'");
}

static void test_error_column_counts_characters(void **state)
{
    struct kt_err err;
    /* "Zażółć " is 7 characters but 11 bytes. */
    assert_int_equal(compile_err("p", "Zażółć {{#x}}", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 1 column 8: section 'x' is not closed");
}

static void test_error_bad_names(void **state)
{
    struct kt_err err;
    assert_int_equal(compile_err("p", "{{ }}", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 1 column 1: tag '{{ }}' has no name");
    assert_int_equal(compile_err("p", "{{a..b}}", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 1 column 1: name 'a..b' has an empty part "
                                 "between dots");
    assert_int_equal(compile_err("p", "{{first name}}", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 1 column 1: name 'first name' contains "
                                 "whitespace");
}

static void test_error_unknown_parent(void **state)
{
    struct kt_err err;
    assert_int_equal(compile_err("pages/home", "\n  {{<layouts/main}}{{/layouts/main}}", &err),
                     KT_ENOTFOUND);
    assert_string_equal(err.msg, "template pages/home line 2 column 3: parent 'layouts/main' not "
                                 "found");
}

static void test_error_nesting_limit(void **state)
{
    struct kt_buf src;
    struct kt_err err;
    kt_buf_init(&src, 0);
    for (int i = 0; i <= MUSTACHE_MAX_DEPTH; i++)
        kt_buf_adds(&src, "{{#a}}");
    assert_int_equal(compile_err("deep", kt_buf_str(&src), &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "nested deeper than 100 levels"));
    kt_buf_release(&src);
}

static void test_error_only_blocks_in_parent(void **state)
{
    struct kt_err err;
    assert_int_equal(compile_err("p", "{{<layout}}{{title}}{{/layout}}", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 1 column 12: only blocks may be inside parent "
                                 "'layout', not '{{title}}'");
}

/* ---- values and escaping ---- */

static void test_escape_hostile_input(void **state)
{
    const char *data = "{\"q\": \"<script>alert('x')</script>\", "
                       "\"a\": \"\\\" onmouseover=\\\"evil()\"}";
    assert_string_equal(render("<p>{{q}}</p>", data),
                        "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>");
    assert_string_equal(render("<input value=\"{{a}}\">", data),
                        "<input value=\"&quot; onmouseover=&quot;evil()\">");
    assert_string_equal(render("{{q}} & {{{q}}} & {{&q}}", "{\"q\": \"a&b\"}"),
                        "a&amp;b & a&b & a&b");
}

static void test_escape_in_sections_and_partials(void **state)
{
    assert_string_equal(render("{{#rows}}<td>{{.}}</td>{{/rows}}", "{\"rows\": [\"<b>\", \"&\"]}"),
                        "<td>&lt;b&gt;</td><td>&amp;</td>");
}

static void test_values_numbers(void **state)
{
    assert_string_equal(render("{{a}} {{b}} {{c}} {{d}} {{e}}",
                               "{\"a\": 1.210, \"b\": 85, \"c\": -3, \"d\": 0.5, \"e\": 100.0}"),
                        "1.21 85 -3 0.5 100");
    assert_string_equal(render("{{x}}", "{\"x\": 0.30000000000000004}"), "0.30000000000000004");
    assert_string_equal(render("{{x}}", "{\"x\": 9007199254740993}"), "9007199254740993");
    assert_string_equal(render("{{t}}/{{f}}/{{n}}/{{o}}/{{l}}",
                               "{\"t\": true, \"f\": false, \"n\": null, \"o\": {}, \"l\": [1]}"),
                        "true/false///");
}

static void test_values_falsy(void **state)
{
    const char *tpl = "{{#v}}yes{{/v}}{{^v}}no{{/v}}";
    assert_string_equal(render(tpl, "{\"v\": 0}"), "no");
    assert_string_equal(render(tpl, "{\"v\": 0.0}"), "no");
    assert_string_equal(render(tpl, "{\"v\": \"\"}"), "no");
    assert_string_equal(render(tpl, "{\"v\": []}"), "no");
    assert_string_equal(render(tpl, "{\"v\": null}"), "no");
    assert_string_equal(render(tpl, "{\"v\": false}"), "no");
    assert_string_equal(render(tpl, "{}"), "no");
    assert_string_equal(render(tpl, "{\"v\": {}}"), "yes");
    assert_string_equal(render(tpl, "{\"v\": 7}"), "yes");
    assert_string_equal(render(tpl, "{\"v\": \"0\"}"), "yes");
}

static void test_render_appends_and_null_data(void **state)
{
    struct kt_err err;
    struct mustache_tpl *t = NULL;
    assert_int_equal(mustache_compile(NULL, "t", "[{{x}}]", 7, &t, &err), 0);
    struct kt_buf out;
    kt_buf_init(&out, 0);
    kt_buf_adds(&out, "head:");
    assert_int_equal(mustache_render(t, NULL, &out, &err), 0);
    assert_string_equal(kt_buf_str(&out), "head:[]");
    kt_buf_release(&out);
    mustache_tpl_free(t);
}

/* ---- limits ---- */

static int map_loader(void *ctx, const char *name, struct kt_buf *src, struct kt_err *err)
{
    const char *const *map = ctx;
    for (; map[0]; map += 2)
        if (strcmp(map[0], name) == 0)
            return kt_buf_adds(src, map[1]);
    return KT_ENOTFOUND;
}

static void test_limit_self_including_partial(void **state)
{
    const char *map[] = {"self", "x{{>self}}", NULL};
    struct mustache_cache *c = NULL;
    struct kt_err err;
    const struct mustache_tpl *t;
    assert_int_equal(mustache_cache_new(&c, map_loader, map, &err), 0);
    assert_int_equal(mustache_cache_load(c, "self", &t, &err), 0);
    struct kt_buf out;
    kt_buf_init(&out, 0);
    kt_buf_adds(&out, "before");
    assert_int_equal(mustache_render(t, NULL, &out, &err), KT_ELIMIT);
    assert_non_null(strstr(err.msg, "template self line 1 column 2: templates nested deeper than "
                                    "100 levels"));
    /* The caller's buffer is left as it was. */
    assert_string_equal(kt_buf_str(&out), "before");
    kt_buf_release(&out);
    mustache_cache_free(c);
}

static void test_limit_mutual_parents(void **state)
{
    const char *map[] = {"a", "{{<b}}{{/b}}", "b", "{{<a}}{{/a}}", NULL};
    struct mustache_cache *c = NULL;
    struct kt_err err;
    assert_int_equal(mustache_cache_new(&c, map_loader, map, &err), 0);
    assert_int_equal(mustache_cache_add(c, "page", "{{<a}}{{/a}}", 12, &err), 0);
    struct kt_buf out;
    kt_buf_init(&out, 0);
    assert_int_equal(mustache_cache_render(c, "page", NULL, &out, &err), KT_ELIMIT);
    assert_int_equal(out.len, 0);
    kt_buf_release(&out);
    mustache_cache_free(c);
}

static void test_recursive_partial_over_data_terminates(void **state)
{
    const char *map[] = {"node", "{{name}}({{#kids}}{{>node}}{{/kids}})", NULL};
    struct mustache_cache *c = NULL;
    struct kt_err err;
    const struct mustache_tpl *t;
    assert_int_equal(mustache_cache_new(&c, map_loader, map, &err), 0);
    assert_int_equal(mustache_cache_load(c, "node", &t, &err), 0);
    /* Leaves need "kids": [], or {{#kids}} finds the parent's kids again. */
    json_t *tree = json_loads("{\"name\":\"a\",\"kids\":[{\"name\":\"b\",\"kids\":[{\"name\":"
                              "\"c\",\"kids\":[]}]},{\"name\":\"d\",\"kids\":[]}]}",
                              0, NULL);
    struct kt_buf out;
    kt_buf_init(&out, 0);
    assert_int_equal(mustache_render(t, tree, &out, &err), 0);
    assert_string_equal(kt_buf_str(&out), "a(b(c())d())");
    kt_buf_release(&out);
    json_decref(tree);
    mustache_cache_free(c);
}

static void test_limit_output_cap(void **state)
{
    struct kt_err err;
    struct mustache_tpl *t = NULL;
    const char *src = "{{#rows}}<tr><td>{{name}}</td></tr>\n{{/rows}}";
    assert_int_equal(mustache_compile(NULL, "table", src, strlen(src), &t, &err), 0);
    json_t *rows = json_array();
    for (int i = 0; i < 100; i++)
        json_array_append_new(rows, json_pack("{s:s}", "name", "product"));
    json_t *data = json_pack("{s:o}", "rows", rows);
    struct kt_buf out;
    kt_buf_init(&out, 1000);
    assert_int_equal(mustache_render(t, data, &out, &err), KT_ELIMIT);
    assert_string_equal(err.msg, "template table: the output is larger than the limit of 1000 "
                                 "bytes");
    assert_int_equal(out.len, 0);
    /* The same render fits under a larger cap: 100 rows of 33 bytes. */
    kt_buf_release(&out);
    kt_buf_init(&out, 4000);
    assert_int_equal(mustache_render(t, data, &out, &err), 0);
    assert_int_equal(out.len, 100 * strlen("<tr><td>product</td></tr>\n"));
    kt_buf_release(&out);
    json_decref(data);
    mustache_tpl_free(t);
}

/* ---- names and path traversal ---- */

static void test_name_check(void **state)
{
    struct kt_err err;
    const char *good[] = {"home", "orders/list", "mail/order-confirmed.pl", "a_b/c-d/e.f"};
    const char *bad[] = {"../etc/passwd", "..",   "/etc/passwd", "a//b", "a/",           ".hidden",
                         "a/../b",        "a\\b", "a b",         "",     "orders/./list"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(mustache_name_check(good[i], strlen(good[i]), &err), 0);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(mustache_name_check(bad[i], strlen(bad[i]), &err), KT_EINVAL);
}

static void test_traversal_in_partial_refused(void **state)
{
    struct kt_err err;
    assert_int_equal(compile_err("p", "x\n {{> ../../kontor.ini }}", &err), KT_EINVAL);
    assert_string_equal(err.msg, "template p line 2 column 2: partial name '../../kontor.ini' is "
                                 "not allowed: use letters, digits, '_', '-' and '.' in parts "
                                 "separated by single '/', no part starting with '.'");
    assert_int_equal(compile_err("p", "{{</etc/passwd}}{{//etc/passwd}}", &err), KT_EINVAL);
    assert_non_null(strstr(err.msg, "parent name '/etc/passwd' is not allowed"));
}

static int calls;
static int counting_loader(void *ctx, const char *name, struct kt_buf *src, struct kt_err *err)
{
    calls++;
    return KT_ENOTFOUND;
}

static void test_traversal_in_load_refused(void **state)
{
    struct mustache_cache *c = NULL;
    struct kt_err err;
    const struct mustache_tpl *t = NULL;
    calls = 0;
    assert_int_equal(mustache_cache_new(&c, counting_loader, NULL, &err), 0);
    assert_int_equal(mustache_cache_load(c, "../secret", &t, &err), KT_EINVAL);
    assert_null(t);
    assert_int_equal(calls, 0);
    assert_int_equal(mustache_cache_load(c, "missing", &t, &err), KT_ENOTFOUND);
    assert_string_equal(err.msg, "template missing not found");
    assert_int_equal(calls, 1);
    mustache_cache_free(c);
}

static void test_traversal_in_dynamic_name_renders_nothing(void **state)
{
    const char *map[] = {"card", "[{{x}}]", NULL};
    struct mustache_cache *c = NULL;
    struct kt_err err;
    assert_int_equal(mustache_cache_new(&c, map_loader, map, &err), 0);
    const struct mustache_tpl *card;
    assert_int_equal(mustache_cache_load(c, "card", &card, &err), 0);
    assert_int_equal(mustache_cache_add(c, "page", "<{{>*kind}}>", 12, &err), 0);
    struct kt_buf out;
    kt_buf_init(&out, 0);
    json_t *ok = json_pack("{s:s,s:i}", "kind", "card", "x", 5);
    json_t *evil = json_pack("{s:s}", "kind", "../card");
    assert_int_equal(mustache_cache_render(c, "page", ok, &out, &err), 0);
    assert_int_equal(mustache_cache_render(c, "page", evil, &out, &err), 0);
    assert_string_equal(kt_buf_str(&out), "<[5]><>");
    kt_buf_release(&out);
    json_decref(ok);
    json_decref(evil);
    mustache_cache_free(c);
}

/* ---- the cache and its folder loader ---- */

static char tmpdir[64];

static void write_file(const char *rel, const char *content)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static int setup_dir(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/kt-mustache-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    char path[256];
    snprintf(path, sizeof path, "%s/layouts", tmpdir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/orders", tmpdir);
    mkdir(path, 0700);
    return 0;
}

static int teardown_dir(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char layout_src[] = "<html>\n"
                                 "<head><title>{{$title}}Kontor{{/title}}</title></head>\n"
                                 "<body>\n"
                                 "  {{$content}}\n"
                                 "  <p>empty</p>\n"
                                 "  {{/content}}\n"
                                 "</body>\n"
                                 "</html>\n";

static const char list_src[] = "{{<layouts/main}}\n"
                               "{{$title}}Orders – {{company}}{{/title}}\n"
                               "{{$content}}\n"
                               "<ul>\n"
                               "  {{#orders}}\n"
                               "  {{>orders/row}}\n"
                               "  {{/orders}}\n"
                               "</ul>\n"
                               "{{/content}}\n"
                               "{{/layouts/main}}\n";

static void test_cache_load_dir_layout(void **state)
{
    write_file("layouts/main.mustache", layout_src);
    write_file("orders/list.mustache", list_src);
    write_file("orders/row.mustache", "<li>{{number}}: {{customer}}</li>\n");
    write_file("notes.txt", "not a template {{");
    struct mustache_cache *c = NULL;
    struct kt_err err;
    assert_int_equal(mustache_cache_new(&c, NULL, NULL, &err), 0);
    assert_int_equal(mustache_cache_load_dir(c, tmpdir, &err), 0);
    assert_int_equal(mustache_cache_count(c), 3);
    assert_non_null(mustache_cache_find(c, "orders/row"));
    assert_null(mustache_cache_find(c, "notes"));

    json_t *data = json_loads("{\"company\": \"A&B\", \"orders\": ["
                              "{\"number\": \"ZA/1\", \"customer\": \"<Kowalski>\"},"
                              "{\"number\": \"ZA/2\", \"customer\": \"Nowak\"}]}",
                              0, NULL);
    struct kt_buf out;
    kt_buf_init(&out, 0);
    assert_int_equal(mustache_cache_render(c, "orders/list", data, &out, &err), 0);
    assert_string_equal(kt_buf_str(&out), "<html>\n"
                                          "<head><title>Orders – A&amp;B</title></head>\n"
                                          "<body>\n"
                                          "  <ul>\n"
                                          "    <li>ZA/1: &lt;Kowalski&gt;</li>\n"
                                          "    <li>ZA/2: Nowak</li>\n"
                                          "  </ul>\n"
                                          "</body>\n"
                                          "</html>\n");
    kt_buf_reset(&out);
    assert_int_equal(mustache_cache_render(c, "layouts/main", NULL, &out, &err), 0);
    assert_non_null(strstr(kt_buf_str(&out), "<title>Kontor</title>"));
    assert_non_null(strstr(kt_buf_str(&out), "\n  <p>empty</p>\n</body>"));
    assert_int_equal(mustache_cache_render(c, "orders/none", NULL, &out, &err), KT_ENOTFOUND);
    kt_buf_release(&out);
    json_decref(data);
    mustache_cache_free(c);
}

static void test_cache_load_dir_reports_bad_template(void **state)
{
    write_file("home.mustache", "<h1>{{title}}</h1>\n");
    write_file("orders/list.mustache", "<ul>\n{{#items}}\n  <li>{{name}}</li>\n");
    struct mustache_cache *c = NULL;
    struct kt_err err;
    kt_log_set_level(KT_LOG_OFF);
    assert_int_equal(mustache_cache_new(&c, NULL, NULL, &err), 0);
    assert_int_equal(mustache_cache_load_dir(c, tmpdir, &err), KT_EINVAL);
    assert_string_equal(err.msg, "template orders/list line 2 column 1: section 'items' is not "
                                 "closed");
    /* The good template is there and renders. */
    assert_non_null(mustache_cache_find(c, "home"));
    assert_null(mustache_cache_find(c, "orders/list"));
    mustache_cache_free(c);
}

static void test_cache_load_dir_reports_every_error(void **state)
{
    write_file("a.mustache", "{{#x}}");
    write_file("b.mustache", "{{>missing}}");
    write_file("c.mustache", "{{>a}} is broken but reported once");
    write_file("d.mustache", "{{> ../../etc/passwd}}");
    struct mustache_cache *c = NULL;
    struct kt_err err;
    kt_log_set_level(KT_LOG_OFF);
    assert_int_equal(mustache_cache_new(&c, NULL, NULL, &err), 0);
    assert_int_equal(mustache_cache_load_dir(c, tmpdir, &err), KT_EINVAL);
    char want[512];
    snprintf(want, sizeof want,
             "3 templates in %s have errors (each is logged); the first: "
             "template a line 1 column 1: section 'x' is not closed",
             tmpdir);
    assert_string_equal(err.msg, want);
    mustache_cache_free(c);

    /* Only the missing partial left: its message names the folder. */
    char path[256];
    snprintf(path, sizeof path, "%s/a.mustache", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/c.mustache", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/d.mustache", tmpdir);
    unlink(path);
    assert_int_equal(mustache_cache_new(&c, NULL, NULL, &err), 0);
    assert_int_equal(mustache_cache_load_dir(c, tmpdir, &err), KT_ENOTFOUND);
    snprintf(want, sizeof want,
             "template b line 1 column 1: partial 'missing' not found (no such "
             ".mustache file in %s)",
             tmpdir);
    assert_string_equal(err.msg, want);
    mustache_cache_free(c);
}

static void test_cache_load_dir_missing_folder(void **state)
{
    struct mustache_cache *c = NULL;
    struct kt_err err;
    assert_int_equal(mustache_cache_new(&c, NULL, NULL, &err), 0);
    assert_int_equal(mustache_cache_load_dir(c, "/nonexistent/templates", &err), KT_EIO);
    assert_non_null(strstr(err.msg, "cannot read template folder /nonexistent/templates/"));
    mustache_cache_free(c);
}

static void test_cache_add_duplicate_and_missing_partial(void **state)
{
    struct mustache_cache *c = NULL;
    struct kt_err err;
    assert_int_equal(mustache_cache_new(&c, NULL, NULL, &err), 0);
    /* Without a loader a missing partial renders as nothing (spec). */
    assert_int_equal(mustache_cache_add(c, "x", "a{{>nope}}b", 11, &err), 0);
    assert_int_equal(mustache_cache_add(c, "x", "again", 5, &err), KT_EEXIST);
    struct kt_buf out;
    kt_buf_init(&out, 0);
    assert_int_equal(mustache_cache_render(c, "x", NULL, &out, &err), 0);
    assert_string_equal(kt_buf_str(&out), "ab");
    kt_buf_release(&out);
    mustache_cache_free(c);
}

static void test_compile_against_cache(void **state)
{
    const char *map[] = {"money", "{{amount}} {{currency}}", NULL};
    struct mustache_cache *c = NULL;
    struct kt_err err;
    const struct mustache_tpl *m;
    struct mustache_tpl *t = NULL;
    assert_int_equal(mustache_cache_new(&c, map_loader, map, &err), 0);
    assert_int_equal(mustache_cache_load(c, "money", &m, &err), 0);
    /* e.g. an e-mail template stored in the database, compiled at run time */
    const char *src = "Total: {{#total}}{{>money}}{{/total}}";
    assert_int_equal(mustache_compile(c, "mail/subject", src, strlen(src), &t, &err), 0);
    json_t *d = json_pack("{s:{s:s,s:s}}", "total", "amount", "12,30", "currency", "PLN");
    struct kt_buf out;
    kt_buf_init(&out, 0);
    assert_int_equal(mustache_render(t, d, &out, &err), 0);
    assert_string_equal(kt_buf_str(&out), "Total: 12,30 PLN");
    kt_buf_release(&out);
    json_decref(d);
    mustache_tpl_free(t);
    mustache_cache_free(c);
}

/* ---- threads ---- */

struct thread_arg {
    const struct mustache_cache *cache;
    const json_t *data;
    const char *expected;
    int failures;
};

static void *render_many(void *p)
{
    struct thread_arg *a = p;
    struct kt_buf out;
    struct kt_err err;
    kt_buf_init(&out, 0);
    for (int i = 0; i < 2000; i++) {
        kt_buf_reset(&out);
        if (mustache_cache_render(a->cache, "page", a->data, &out, &err) != 0 ||
            strcmp(kt_buf_str(&out), a->expected) != 0)
            a->failures++;
    }
    kt_buf_release(&out);
    return NULL;
}

static void test_threads_share_compiled_template(void **state)
{
    const char *map[] = {"layout", "<main>\n  {{$body}}\n  {{/body}}\n</main>\n", "row",
                         "<tr><td>{{code}}</td><td>{{price}}</td></tr>\n", NULL};
    const char *page = "{{<layout}}{{$body}}\n<table>\n{{#rows}}\n{{>row}}\n{{/rows}}\n</table>\n"
                       "{{/body}}{{/layout}}";
    struct mustache_cache *c = NULL;
    struct kt_err err;
    assert_int_equal(mustache_cache_new(&c, map_loader, map, &err), 0);
    assert_int_equal(mustache_cache_add(c, "page", page, strlen(page), &err), 0);

    enum { NTHREADS = 4 };
    json_t *data[NTHREADS];
    char *expected[NTHREADS];
    pthread_t th[NTHREADS];
    struct thread_arg args[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        json_t *rows = json_array();
        struct kt_buf want;
        kt_buf_init(&want, 0);
        kt_buf_adds(&want, "<main>\n  <table>\n");
        for (int r = 0; r < 5 + i; r++) {
            char code[32];
            snprintf(code, sizeof code, "T%d-P%d<", i, r);
            json_array_append_new(rows, json_pack("{s:s,s:i}", "code", code, "price", r * 100));
            kt_buf_printf(&want, "  <tr><td>T%d-P%d&lt;</td><td>%d</td></tr>\n", i, r, r * 100);
        }
        kt_buf_adds(&want, "  </table>\n</main>\n");
        data[i] = json_pack("{s:o}", "rows", rows);
        expected[i] = kt_buf_detach(&want);
        args[i] = (struct thread_arg){c, data[i], expected[i], 0};
    }
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, render_many, &args[i]), 0);
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].failures, 0);
        json_decref(data[i]);
        free(expected[i]);
    }
    mustache_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_unclosed_section),
        cmocka_unit_test(test_error_unclosed_inner_section),
        cmocka_unit_test(test_error_mismatched_close),
        cmocka_unit_test(test_error_close_without_open),
        cmocka_unit_test(test_error_bad_delimiter),
        cmocka_unit_test(test_error_unclosed_tag),
        cmocka_unit_test(test_error_column_counts_characters),
        cmocka_unit_test(test_error_bad_names),
        cmocka_unit_test(test_error_unknown_parent),
        cmocka_unit_test(test_error_nesting_limit),
        cmocka_unit_test(test_error_only_blocks_in_parent),
        cmocka_unit_test(test_escape_hostile_input),
        cmocka_unit_test(test_escape_in_sections_and_partials),
        cmocka_unit_test(test_values_numbers),
        cmocka_unit_test(test_values_falsy),
        cmocka_unit_test(test_render_appends_and_null_data),
        cmocka_unit_test(test_limit_self_including_partial),
        cmocka_unit_test(test_limit_mutual_parents),
        cmocka_unit_test(test_recursive_partial_over_data_terminates),
        cmocka_unit_test(test_limit_output_cap),
        cmocka_unit_test(test_name_check),
        cmocka_unit_test(test_traversal_in_partial_refused),
        cmocka_unit_test(test_traversal_in_load_refused),
        cmocka_unit_test(test_traversal_in_dynamic_name_renders_nothing),
        cmocka_unit_test_setup_teardown(test_cache_load_dir_layout, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_cache_load_dir_reports_bad_template, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_cache_load_dir_reports_every_error, setup_dir,
                                        teardown_dir),
        cmocka_unit_test(test_cache_load_dir_missing_folder),
        cmocka_unit_test(test_cache_add_duplicate_and_missing_partial),
        cmocka_unit_test(test_compile_against_cache),
        cmocka_unit_test(test_threads_share_compiled_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
