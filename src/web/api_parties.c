/*
 * The customer endpoints of the JSON API: list and search, read, create
 * and update with If-Match, addressed by customer code. A customer is one
 * flat JSON object, the same shape in answers and in bodies; the effective
 * language, currency and document type are answers, the *_override members
 * set them ("auto" or absent: derived from the country and VAT id).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/money.h"
#include "parties/customer.h"
#include "web/api.h"
#include "web/router.h"
#include "base/banned.h"

static const char *iso_ms(struct kt_arena *a, int64_t ms)
{
    char t[KT_TIME_ISO_SIZE];
    kt_time_format_utc(ms / 1000, t);
    return kt_arena_strdup(a, t);
}

static json_t *customer_json(struct kt_arena *a, const struct parties_customer *c)
{
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s,"
        " s:s, s:s, s:b, s:I, s:s, s:s}",
        "id", (json_int_t)c->id, "code", c->code, "name", c->name, "tax_id_kind",
        parties_tax_kind_name(c->tax_id_kind), "tax_id", c->tax_id, "regon", c->regon, "country",
        c->country, "lang", c->lang, "lang_override", c->lang_override[0] ? c->lang_override : "auto",
        "currency", c->currency, "currency_override",
        c->currency_override[0] ? c->currency_override : "auto", "doc_type",
        parties_doc_type_name(c->doc_type), "payment_days", c->payment_days, "payment_method",
        parties_payment_method_name(c->payment_method), "street", c->street, "postal_code",
        c->postal_code, "city", c->city, "document_email", c->document_email, "notes", c->notes,
        "active", c->active, "version", (json_int_t)c->version, "created_at",
        iso_ms(a, c->created_at), "updated_at", iso_ms(a, c->updated_at));
    if (!o)
        return NULL;
    json_object_set_new(o, "doc_type_override",
                        json_string(parties_doc_type_name(c->doc_type_override)));
    if (c->has_credit_limit) {
        struct kt_buf b;
        kt_buf_init(&b, 64);
        if (kt_money_format_decimal(&b, c->credit_limit, c->currency, NULL) == 0)
            json_object_set_new(o, "credit_limit", json_string(kt_buf_str(&b)));
        kt_buf_release(&b);
    } else {
        json_object_set_new(o, "credit_limit", json_null());
    }
    return o;
}

static void copy(char *dst, size_t n, const struct web_value *v)
{
    if (v->present)
        kt_strlcpy(dst, v->text, n);
}

int web_customer_from_body(struct web_req *req, struct parties_customer *c)
{
    struct kt_err err;
    const struct web_value *v;
    copy(c->name, sizeof c->name, web_req_value(req, "name"));
    copy(c->tax_id, sizeof c->tax_id, web_req_value(req, "tax_id"));
    copy(c->regon, sizeof c->regon, web_req_value(req, "regon"));
    copy(c->street, sizeof c->street, web_req_value(req, "street"));
    copy(c->postal_code, sizeof c->postal_code, web_req_value(req, "postal_code"));
    copy(c->city, sizeof c->city, web_req_value(req, "city"));
    copy(c->document_email, sizeof c->document_email, web_req_value(req, "document_email"));
    copy(c->notes, sizeof c->notes, web_req_value(req, "notes"));
    if ((v = web_req_value(req, "country"))->present)
        for (size_t i = 0; i < 2 && v->text[i]; i++)
            c->country[i] = (char)(v->text[i] >= 'a' && v->text[i] <= 'z' ? v->text[i] - 32
                                                                          : v->text[i]);
    if ((v = web_req_value(req, "tax_id_kind"))->present &&
        parties_tax_kind_parse(v->text, &c->tax_id_kind, &err) != 0)
        return web_fail(req, KT_EINVAL, 400, "invalid_field", "tax_id_kind", "%s", err.msg);
    if ((v = web_req_value(req, "lang_override"))->present)
        kt_strlcpy(c->lang_override, strcmp(v->text, "auto") == 0 ? "" : v->text,
                   sizeof c->lang_override);
    if ((v = web_req_value(req, "currency_override"))->present)
        kt_strlcpy(c->currency_override, strcmp(v->text, "auto") == 0 ? "" : v->text,
                   sizeof c->currency_override);
    if ((v = web_req_value(req, "doc_type_override"))->present &&
        parties_doc_type_parse(v->text, &c->doc_type_override, &err) != 0)
        return web_fail(req, KT_EINVAL, 400, "invalid_field", "doc_type_override", "%s", err.msg);
    if ((v = web_req_value(req, "payment_days"))->present)
        c->payment_days = (int)v->num;
    if ((v = web_req_value(req, "payment_method"))->present &&
        parties_payment_method_parse(v->text, &c->payment_method, &err) != 0)
        return web_fail(req, KT_EINVAL, 400, "invalid_field", "payment_method", "%s", err.msg);
    if ((v = web_req_value(req, "credit_limit"))->present) {
        c->has_credit_limit = 1;
        c->credit_limit = v->num;
    }
    return 0;
}

/* Parties messages read "customer K1: postal code 123: expected NN-NNN
 * ...": the words after the customer's code name the field. */
const char *web_customer_field_of(const char *msg)
{
    static const struct {
        const char *words;
        const char *field;
    } map[] = {
        {"postal code", "postal_code"}, {"nip", "tax_id"},          {"vat id", "tax_id"},
        {"tax id", "tax_id"},           {"regon", "regon"},         {"country", "country"},
        {"e-mail", "document_email"},   {"email", "document_email"}, {"payment days", "payment_days"},
        {"credit limit", "credit_limit"}, {"currency", "currency_override"},
        {"language", "lang_override"},  {"street", "street"},       {"city", "city"},
        {"notes", "notes"},             {"name", "name"},           {"code", "code"},
    };
    const char *p = msg;
    if (strncmp(p, "customer ", 9) == 0) {
        const char *colon = strstr(p, ": ");
        if (colon)
            p = colon + 2;
    }
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strncasecmp(p, map[i].words, strlen(map[i].words)) == 0)
            return map[i].field;
    return NULL;
}

int web_api_customers_list(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    int64_t page, per_page;
    web_api_page(req, &page, &per_page);
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    struct parties_customer_query q = {
        .search = web_req_value(req, "q")->text,
        .country = web_req_value(req, "country")->text,
        .include_inactive = web_req_value(req, "all")->num,
        .offset = (page - 1) * per_page,
        .limit = per_page,
    };
    struct parties_customer *cs;
    size_t n;
    int64_t total;
    rc = parties_customer_list(st, &q, req->arena, &cs, &n, &total, &req->err);
    if (rc != 0)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, customer_json(req->arena, &cs[i]));
    return web_resp_json(req, resp, 200, web_api_list(items, page, per_page, total));
}

int web_api_customer_get(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct parties_customer c;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_customer_get_by_code(st, web_req_value(req, "code")->text, &c, &req->err);
    if (rc == 0)
        rc = web_api_etag(req, resp, c.version);
    if (rc != 0)
        return rc;
    return web_resp_json(req, resp, 200, customer_json(req->arena, &c));
}

int web_api_customer_create(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct parties_customer c;
    parties_customer_init(&c);
    kt_strlcpy(c.code, web_req_value(req, "code")->text, sizeof c.code);
    int rc = web_customer_from_body(req, &c);
    if (rc == 0)
        rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_customer_create(st, &c, &req->err);
    if (rc == KT_EINVAL || rc == KT_EEXIST)
        req->err_field = req->err_field ? req->err_field : web_customer_field_of(req->err.msg);
    if (rc != 0)
        return rc;
    const char *loc = kt_arena_printf(req->arena, "/api/v1/customers/%s", c.code);
    if (!loc || web_resp_header(req, resp, "Location", loc) != 0)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    rc = web_api_etag(req, resp, c.version);
    if (rc != 0)
        return rc;
    return web_resp_json(req, resp, 201, customer_json(req->arena, &c));
}

int web_api_customer_update(struct web_req *req, struct web_resp *resp)
{
    int64_t version;
    int rc = web_api_if_match(req, &version);
    if (rc != 0)
        return rc;
    struct store *st;
    struct parties_customer c;
    rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_customer_get_by_code(st, web_req_value(req, "code")->text, &c, &req->err);
    if (rc != 0)
        return rc;
    /* members the body leaves out keep their stored values (a merge, not
     * a replacement: a customer has many fields that clients rarely know) */
    rc = web_customer_from_body(req, &c);
    if (rc != 0)
        return rc;
    c.version = version;
    rc = parties_customer_update(st, &c, &req->err);
    if (rc == KT_EINVAL || rc == KT_EEXIST)
        req->err_field = web_customer_field_of(req->err.msg);
    if (rc == 0)
        rc = parties_customer_get(st, c.id, &c, &req->err);
    if (rc == 0)
        rc = web_api_etag(req, resp, c.version);
    if (rc != 0)
        return rc;
    return web_resp_json(req, resp, 200, customer_json(req->arena, &c));
}
