/*
 * Template overhead: the product list page (a layout through {{<parent}},
 * a 20-row table, escaped names) rendered by the Mustache engine from
 * jansson values, against a hand-written snprintf loop that produces the
 * same bytes from plain C structs. Both run in the same process, in
 * alternating blocks, into a reused buffer. Prints one BENCH line (see
 * scripts/run-bench).
 *
 *   bench_mustache [N]    N pages per side (default 100000)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "web/mustache.h"
#include "base/banned.h"

#define TARGET_RATIO 3.0
#define ROWS 20
#define BLOCK 1000

static const char layout_src[] = "<!doctype html>\n"
                                 "<html lang=\"{{lang}}\">\n"
                                 "<head>\n"
                                 "<meta charset=\"utf-8\">\n"
                                 "<title>{{$title}}Kontor{{/title}}</title>\n"
                                 "<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
                                 "</head>\n"
                                 "<body>\n"
                                 "<header><a href=\"/\">Kontor</a> <span>{{user.name}}</span>"
                                 "</header>\n"
                                 "<main>\n"
                                 "  {{$content}}\n"
                                 "  {{/content}}\n"
                                 "</main>\n"
                                 "</body>\n"
                                 "</html>\n";

static const char page_src[] =
    "{{<layout}}\n"
    "{{$title}}Products – Kontor{{/title}}\n"
    "{{$content}}\n"
    "<h1>Products</h1>\n"
    "<table class=\"list\">\n"
    "<thead><tr><th>Code</th><th>Name</th><th>Price</th><th>Stock</th></tr></thead>\n"
    "<tbody>\n"
    "{{#products}}\n"
    "<tr><td><a href=\"/products/{{code}}\">{{code}}</a></td><td>{{name}}</td>"
    "<td class=\"num\">{{price}}</td><td class=\"num\">{{stock}}</td></tr>\n"
    "{{/products}}\n"
    "</tbody>\n"
    "</table>\n"
    "{{/content}}\n"
    "{{/layout}}\n";

struct product {
    char code[32];
    char name[96];
    char price[32];
    long stock;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_mustache: %s: %s\n", what, detail);
    exit(1);
}

/* The hand-written side: escape into a scratch array, then snprintf. */
static size_t escape(char *dst, size_t size, const char *s)
{
    size_t n = 0;
    for (; *s && n + 7 < size; s++) {
        const char *e = NULL;
        switch (*s) {
        case '&':
            e = "&amp;";
            break;
        case '<':
            e = "&lt;";
            break;
        case '>':
            e = "&gt;";
            break;
        case '"':
            e = "&quot;";
            break;
        case '\'':
            e = "&#39;";
            break;
        default:
            dst[n++] = *s;
            continue;
        }
        size_t k = strlen(e);
        memcpy(dst + n, e, k);
        n += k;
    }
    dst[n] = '\0';
    return n;
}

static size_t render_by_hand(char *out, size_t size, const char *lang, const char *user,
                             const struct product *p, size_t n)
{
    char e_user[256], e_code[128], e_name[512], e_price[128];
    escape(e_user, sizeof e_user, user);
    size_t len = (size_t)snprintf(
        out, size,
        "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>Products – Kontor</title>\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
        "</head>\n<body>\n<header><a href=\"/\">Kontor</a> <span>%s</span></header>\n<main>\n"
        "  <h1>Products</h1>\n  <table class=\"list\">\n"
        "  <thead><tr><th>Code</th><th>Name</th><th>Price</th><th>Stock</th></tr></thead>\n"
        "  <tbody>\n",
        lang, e_user);
    for (size_t i = 0; i < n && len < size; i++) {
        escape(e_code, sizeof e_code, p[i].code);
        escape(e_name, sizeof e_name, p[i].name);
        escape(e_price, sizeof e_price, p[i].price);
        len += (size_t)snprintf(out + len, size - len,
                                "  <tr><td><a href=\"/products/%s\">%s</a></td><td>%s</td>"
                                "<td class=\"num\">%s</td><td class=\"num\">%ld</td></tr>\n",
                                e_code, e_code, e_name, e_price, p[i].stock);
    }
    if (len < size)
        len += (size_t)snprintf(out + len, size - len,
                                "  </tbody>\n  </table>\n</main>\n</body>\n</html>\n");
    return len;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    if (n < BLOCK)
        n = BLOCK;
    struct kt_err err;
    struct mustache_cache *cache = NULL;
    if (mustache_cache_new(&cache, NULL, NULL, &err) ||
        mustache_cache_add(cache, "layout", layout_src, strlen(layout_src), &err) ||
        mustache_cache_add(cache, "products/list", page_src, strlen(page_src), &err))
        die("compile", err.msg);
    const struct mustache_tpl *page = mustache_cache_find(cache, "products/list");

    struct product products[ROWS];
    json_t *rows = json_array();
    for (int i = 0; i < ROWS; i++) {
        struct product *p = &products[i];
        snprintf(p->code, sizeof p->code, "SRB-M8-%04d", i);
        snprintf(p->name, sizeof p->name,
                 i % 4 ? "Śruba M8x%d ocynkowana" : "Śruba M8x%d <nierdzewna> & podkładka", 20 + i);
        snprintf(p->price, sizeof p->price, "%d,%02d zł", 1 + i * 37, (i * 13) % 100);
        p->stock = 1000L * i + 7;
        json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:I}", "code", p->code, "name", p->name,
                                              "price", p->price, "stock", (json_int_t)p->stock));
    }
    json_t *data = json_pack("{s:s,s:{s:s},s:o}", "lang", "pl", "user", "name", "Anna O'Neil",
                             "products", rows);

    struct kt_buf out;
    kt_buf_init(&out, 1 << 20);
    static char hand[1 << 16];
    if (mustache_render(page, data, &out, &err))
        die("render", err.msg);
    size_t hand_len = render_by_hand(hand, sizeof hand, "pl", "Anna O'Neil", products, ROWS);
    if (hand_len != out.len || memcmp(hand, out.data, out.len) != 0) {
        fprintf(stderr, "--- mustache\n%s--- by hand\n%s", kt_buf_str(&out), hand);
        die("compare", "the two sides do not produce the same page");
    }

    double t_hand = 0, t_tpl = 0;
    size_t sink = 0;
    for (long done = 0; done < n; done += BLOCK) {
        double t0 = now_s();
        for (int i = 0; i < BLOCK; i++)
            sink += render_by_hand(hand, sizeof hand, "pl", "Anna O'Neil", products, ROWS);
        double t1 = now_s();
        for (int i = 0; i < BLOCK; i++) {
            kt_buf_reset(&out);
            if (mustache_render(page, data, &out, &err))
                die("render", err.msg);
            sink += out.len;
        }
        double t2 = now_s();
        t_hand += t1 - t0;
        t_tpl += t2 - t1;
    }
    long pages = (n / BLOCK) * BLOCK;
    double ratio = t_tpl / t_hand;
    printf("BENCH mustache.product_page ops=%ld bytes=%zu snprintf_per_s=%.0f "
           "mustache_per_s=%.0f ratio=%.3f target<=%.2f %s\n",
           pages, sink / (size_t)(2 * pages), pages / t_hand, pages / t_tpl, ratio, TARGET_RATIO,
           ratio <= TARGET_RATIO ? "pass" : "FAIL");
    kt_buf_release(&out);
    json_decref(data);
    mustache_cache_free(cache);
    return 0;
}
