/* The JSON writer of web/api: the same bytes as jansson's compact,
 * ASCII-only dump, and its errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "web/api.h"

/* Writes {"s": text} both ways and compares. */
static void same_as_jansson(const char *text)
{
    struct kt_buf b;
    struct web_jw w;
    kt_buf_init(&b, 0);
    web_jw_init(&w, &b);
    web_jw_object(&w, NULL);
    web_jw_str(&w, "s", text);
    web_jw_close(&w);
    assert_int_equal(w.rc, 0);
    json_t *o = json_pack("{s:s}", "s", text);
    assert_non_null(o);
    char *want = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    assert_string_equal(kt_buf_str(&b), want);
    free(want);
    json_decref(o);
    kt_buf_release(&b);
}

static void test_strings(void **state)
{
    (void)state;
    same_as_jansson("");
    same_as_jansson("Kabel YDY 3x1,5 mm");
    same_as_jansson("quote \" backslash \\ slash / tab \t newline \n cr \r");
    same_as_jansson("controls \x01\x08\x0c\x1f and delete \x7f");
    same_as_jansson("Żółć gęślą jaźń");        /* two-byte sequences */
    same_as_jansson("price 12 \xe2\x82\xac");  /* three bytes: the euro sign */
    same_as_jansson("\xf0\x9f\x98\x80 emoji"); /* four bytes: a surrogate pair */
    same_as_jansson("<script>alert('x')</script>");
}

static void test_structure(void **state)
{
    (void)state;
    struct kt_buf b;
    struct web_jw w;
    kt_buf_init(&b, 0);
    web_jw_init(&w, &b);
    web_jw_object(&w, NULL);
    web_jw_array(&w, "items");
    web_jw_object(&w, NULL);
    web_jw_int(&w, "id", -9223372036854775807LL - 1);
    web_jw_bool(&w, "active", 1);
    web_jw_null(&w, "ean");
    web_jw_str(&w, "code", NULL);
    web_jw_close(&w);
    web_jw_object(&w, NULL);
    web_jw_close(&w);
    web_jw_close(&w);
    web_jw_int(&w, "total", 2);
    web_jw_bool(&w, "more", 0);
    web_jw_close(&w);
    assert_int_equal(w.rc, 0);
    json_t *o = json_pack("{s:[{s:I, s:b, s:n, s:n}, {}], s:I, s:b}", "items", "id",
                          (json_int_t)(-9223372036854775807LL - 1), "active", 1, "ean", "code",
                          "total", (json_int_t)2, "more", 0);
    char *want = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    assert_string_equal(kt_buf_str(&b), want);
    free(want);
    json_decref(o);
    kt_buf_release(&b);
}

static void test_answer(void **state)
{
    (void)state;
    struct web_req req;
    struct web_resp resp;
    struct web_jw w;
    memset(&req, 0, sizeof req);
    memset(&resp, 0, sizeof resp);
    kt_buf_init(&resp.body, 0);
    web_jw_init(&w, &resp.body);
    web_jw_object(&w, NULL);
    web_jw_str(&w, "code", "P-1");
    web_jw_close(&w);
    assert_int_equal(web_resp_jw(&req, &resp, 201, &w), 0);
    assert_int_equal(resp.status, 201);
    assert_string_equal(resp.content_type, "application/json");
    assert_string_equal(kt_buf_str(&resp.body), "{\"code\":\"P-1\"}\n");
    kt_buf_release(&resp.body);
}

static void test_errors(void **state)
{
    (void)state;
    struct web_req req;
    struct web_resp resp;
    struct web_jw w;
    memset(&req, 0, sizeof req);
    memset(&resp, 0, sizeof resp);
    kt_buf_init(&resp.body, 0);

    /* not UTF-8: refused, and nothing after it is written */
    web_jw_init(&w, &resp.body);
    web_jw_object(&w, NULL);
    web_jw_str(&w, "name", "bad \xc3\x28 byte");
    size_t len = resp.body.len;
    web_jw_int(&w, "id", 1);
    assert_int_equal(resp.body.len, len);
    web_jw_close(&w);
    assert_int_not_equal(web_resp_jw(&req, &resp, 200, &w), 0);
    assert_int_equal(req.err.code, KT_EINTERNAL);
    assert_non_null(strstr(req.err.msg, "JSON"));

    /* an object left open */
    kt_buf_reset(&resp.body);
    web_jw_init(&w, &resp.body);
    web_jw_object(&w, NULL);
    assert_int_not_equal(web_resp_jw(&req, &resp, 200, &w), 0);

    /* nested too deep */
    kt_buf_reset(&resp.body);
    web_jw_init(&w, &resp.body);
    for (int i = 0; i <= WEB_JW_DEPTH; i++)
        web_jw_array(&w, NULL);
    assert_int_equal(w.rc, KT_EINTERNAL);

    /* a full buffer */
    struct kt_buf small;
    kt_buf_init(&small, 8);
    web_jw_init(&w, &small);
    web_jw_str(&w, NULL, "longer than eight bytes");
    assert_int_equal(w.rc, KT_ELIMIT);
    kt_buf_release(&small);
    kt_buf_release(&resp.body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_answer),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
