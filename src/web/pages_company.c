/*
 * The company settings screen (administrators): the own company's name,
 * NIP, address and defaults, its bank accounts per currency, and its logo
 * (uploaded as multipart/form-data, a PNG or JPEG checked by its bytes).
 * The logo is served to every logged-in user (GET /company/logo) with an
 * ETag, so the pages can show it.
 *
 * The company row has a version: the form carries the one it was made
 * from, and a save over someone else's change is refused (409) with the
 * form kept. Version 0 sets the company up for the first time.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/warehouse.h"
#include "parties/company.h"
#include "parties/country.h"
#include "store/blob.h"
#include "web/form.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/server.h"
#include "base/banned.h"

#define NF(a) (sizeof a / sizeof a[0])

static const struct web_form_field company_fields[] = {
    {"name", "company.name", WEB_FK_TEXT, 1},
    {"nip", "company.nip", WEB_FK_TEXT, 1},
    {"regon", "company.regon", WEB_FK_TEXT, 0},
    {"street", "company.street", WEB_FK_TEXT, 0},
    {"postal_code", "company.postal_code", WEB_FK_TEXT, 0},
    {"city", "company.city", WEB_FK_TEXT, 0},
    {"country", "company.country", WEB_FK_SELECT, 0},
    {"default_warehouse", "company.default_warehouse", WEB_FK_SELECT, 0},
    {"default_lang", "company.default_lang", WEB_FK_SELECT, 0},
    {"email_from_name", "company.email_from_name", WEB_FK_TEXT, 0},
    {"email_from_address", "company.email_from_address", WEB_FK_TEXT, 0},
};
static const struct web_form_field account_fields[] = {
    {"currency", "company.account_currency", WEB_FK_SELECT, 1},
    {"iban", "bank.iban", WEB_FK_TEXT, 1},
    {"bank_name", "bank.bank_name", WEB_FK_TEXT, 0},
    {"swift", "company.swift", WEB_FK_TEXT, 0},
    {"is_default", "company.account_default", WEB_FK_CHECKBOX, 0},
};
static const struct web_form_field logo_fields[] = {
    {"logo", "company.logo_file", WEB_FK_FILE, 1},
};

static const char *const currencies[] = {"PLN", "EUR", "USD", "GBP", "CHF",
                                         "CZK", "SEK", "NOK", "DKK", "HUF"};

struct company_forms {
    struct web_form *company, *account, *logo;
};

static const char *data_dir(const struct web_req *req)
{
    return web_server_options(req->srv)->data_dir;
}

static int company_form(struct web_req *req, struct store *st, struct web_form *f)
{
    int rc = web_form_init(req, f, company_fields, NF(company_fields), "", "/company");
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < parties_country_count(); i++) {
        const struct parties_country *c = parties_country_at(i);
        web_form_option(
            f, "country", c->code,
            kt_arena_printf(req->arena, "%s (%s)", parties_country_name(c, req->lang), c->code));
    }
    struct stock_warehouse *wh = NULL;
    size_t nwh = 0;
    struct kt_err err;
    web_form_option(f, "default_warehouse", "", web_t(req, "stock.none"));
    if (stock_warehouse_list(st, 0, &wh, &nwh, &err) == 0)
        for (size_t i = 0; i < nwh; i++)
            web_form_option(f, "default_warehouse", wh[i].code,
                            kt_arena_printf(req->arena, "%s — %s", wh[i].code, wh[i].name));
    free(wh);
    static const char *const langs[] = {"pl", "en", "de"};
    for (size_t i = 0; i < NF(langs); i++) {
        char key[32];
        snprintf(key, sizeof key, "customer.lang_%s", langs[i]);
        web_form_option(f, "default_lang", langs[i], web_t(req, key));
    }
    return 0;
}

static int account_form(struct web_req *req, struct web_form *f)
{
    int rc =
        web_form_init(req, f, account_fields, NF(account_fields), "acct-", "/company/accounts");
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < NF(currencies); i++)
        web_form_option(f, "currency", currencies[i], currencies[i]);
    return 0;
}

static json_t *form_json(struct web_req *req, struct web_form *f, const char *submit_key)
{
    json_t *o = web_form_json(req, f);
    if (o)
        json_object_set_new(o, "submit", json_string(web_t(req, submit_key)));
    return o;
}

static int show(struct web_req *req, struct web_resp *resp, struct company_forms *given,
                int64_t form_version)
{
    struct store *st;
    struct parties_company c;
    struct parties_company_account *accts = NULL;
    size_t na = 0;
    struct web_form fc, fa, fl;
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    memset(&c, 0, sizeof c);
    rc = parties_company_get(st, &c, &req->err);
    int set_up = rc == 0;
    if (rc == KT_ENOTFOUND)
        rc = 0;
    if (rc == 0)
        rc = parties_company_account_list(st, req->arena, &accts, &na, &req->err);
    if (rc != 0)
        return rc;
    struct company_forms f = given ? *given : (struct company_forms){0};
    if (!f.company) {
        f.company = &fc;
        if ((rc = company_form(req, st, &fc)) != 0)
            return rc;
        web_form_set(req, &fc, "name", c.name);
        web_form_set(req, &fc, "nip", c.nip);
        web_form_set(req, &fc, "regon", c.regon);
        web_form_set(req, &fc, "street", c.street);
        web_form_set(req, &fc, "postal_code", c.postal_code);
        web_form_set(req, &fc, "city", c.city);
        web_form_set(req, &fc, "country", c.country[0] ? c.country : "PL");
        web_form_set(req, &fc, "default_warehouse", c.default_warehouse);
        web_form_set(req, &fc, "default_lang", c.default_lang[0] ? c.default_lang : "pl");
        web_form_set(req, &fc, "email_from_name", c.email_from_name);
        web_form_set(req, &fc, "email_from_address", c.email_from_address);
        form_version = c.version;
    }
    if (!f.account) {
        f.account = &fa;
        if ((rc = account_form(req, &fa)) != 0)
            return rc;
        web_form_set(req, &fa, "currency", "PLN");
    }
    if (!f.logo) {
        f.logo = &fl;
        if ((rc = web_form_init(req, &fl, logo_fields, NF(logo_fields), "logo-",
                                "/company/logo")) != 0)
            return rc;
    }
    json_t *ja = json_array();
    for (size_t i = 0; ja && i < na; i++)
        json_array_append_new(
            ja, json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "currency", accts[i].currency, "iban",
                          accts[i].iban, "bank_name", accts[i].bank_name, "swift", accts[i].swift,
                          "is_default", accts[i].is_default, "delete_href",
                          kt_arena_printf(req->arena, "/company/accounts/%lld/delete",
                                          (long long)accts[i].id)));
    /* the version is text: 0 (not set up yet) must still reach the form */
    json_t *page = json_pack("{s:o, s:o, s:o, s:o, s:b, s:b, s:s, s:b}", "company_form",
                             form_json(req, f.company, "product.save"), "account_form",
                             form_json(req, f.account, "bank.add"), "logo_form",
                             form_json(req, f.logo, "company.logo_upload"), "accounts", ja,
                             "has_accounts", na > 0, "set_up", set_up, "version",
                             kt_arena_printf(req->arena, "%lld", (long long)form_version),
                             "has_logo", c.logo_blob[0] != '\0');
    if (!page)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    if (c.logo_blob[0])
        json_object_set_new(
            page, "logo",
            json_string(kt_arena_printf(req->arena, "/company/logo?v=%s", c.logo_blob)));
    return web_page_render(req, resp, "company", page);
}

int web_page_company(struct web_req *req, struct web_resp *resp)
{
    return show(req, resp, NULL, 0);
}

/* The field of the company form a parties message is about. */
static const char *company_field(const char *msg)
{
    static const struct {
        const char *words, *field;
    } map[] = {
        {"NIP", "nip"},
        {"REGON", "regon"},
        {"postal", "postal_code"},
        {"street", "street"},
        {"city", "city"},
        {"country", "country"},
        {"warehouse", "default_warehouse"},
        {"language", "default_lang"},
        {"e-mail", "email_from_address"},
        {"name", "name"},
    };
    for (size_t i = 0; i < NF(map); i++)
        if (strstr(msg, map[i].words))
            return map[i].field;
    return NULL;
}

int web_page_company_save(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = company_form(req, st, &f);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    int64_t version = web_req_value(req, "version")->num;
    if (!web_form_has_errors(&f)) {
        struct parties_company c;
        memset(&c, 0, sizeof c);
        c.version = version;
        kt_strlcpy(c.name, web_text(req, "name"), sizeof c.name);
        kt_strlcpy(c.nip, web_text(req, "nip"), sizeof c.nip);
        kt_strlcpy(c.regon, web_text(req, "regon"), sizeof c.regon);
        kt_strlcpy(c.street, web_text(req, "street"), sizeof c.street);
        kt_strlcpy(c.postal_code, web_text(req, "postal_code"), sizeof c.postal_code);
        kt_strlcpy(c.city, web_text(req, "city"), sizeof c.city);
        kt_strlcpy(c.country, web_text(req, "country"), sizeof c.country);
        kt_strlcpy(c.default_warehouse, web_text(req, "default_warehouse"),
                   sizeof c.default_warehouse);
        kt_strlcpy(c.default_lang, web_text(req, "default_lang"), sizeof c.default_lang);
        kt_strlcpy(c.email_from_name, web_text(req, "email_from_name"), sizeof c.email_from_name);
        kt_strlcpy(c.email_from_address, web_text(req, "email_from_address"),
                   sizeof c.email_from_address);
        rc = parties_company_set(st, &c, &err);
        if (rc == 0)
            return web_done(req, resp, "company_saved", "/company");
        if (rc == KT_ECONFLICT) {
            struct parties_company cur;
            if (parties_company_get(st, &cur, &req->err) != 0)
                return req->err.code;
            web_form_error(&f, NULL, web_t(req, "company.conflict"));
            resp->status = 409;
            struct company_forms forms = {.company = &f};
            return show(req, resp, &forms, cur.version);
        }
        if (rc != KT_EINVAL) {
            req->err = err;
            return rc;
        }
        const char *msg = kt_arena_strdup(req->arena, err.msg);
        web_form_error(&f, company_field(msg), msg);
    }
    resp->status = 422;
    struct company_forms forms = {.company = &f};
    return show(req, resp, &forms, version);
}

int web_page_company_account_add(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = account_form(req, &f);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    if (!web_form_has_errors(&f)) {
        struct parties_company_account a;
        memset(&a, 0, sizeof a);
        kt_strlcpy(a.currency, web_text(req, "currency"), sizeof a.currency);
        kt_strlcpy(a.iban, web_text(req, "iban"), sizeof a.iban);
        kt_strlcpy(a.bank_name, web_text(req, "bank_name"), sizeof a.bank_name);
        kt_strlcpy(a.swift, web_text(req, "swift"), sizeof a.swift);
        a.is_default = (int)web_req_value(req, "is_default")->num;
        rc = parties_company_account_add(st, &a, &err);
        if (rc == 0)
            return web_done(req, resp, "bank_added", "/company#accounts");
        if (rc != KT_EINVAL && rc != KT_EEXIST && rc != KT_ENOTFOUND) {
            req->err = err;
            return rc;
        }
        const char *msg = kt_arena_strdup(req->arena, err.msg);
        web_form_error(&f,
                       strstr(msg, "SWIFT") || strstr(msg, "BIC") ? "swift"
                       : strstr(msg, "currency")                  ? "currency"
                       : rc == KT_ENOTFOUND                       ? NULL
                                                                  : "iban",
                       msg);
        resp->status = rc == KT_EEXIST ? 409 : 422;
    } else {
        resp->status = 422;
    }
    struct company_forms forms = {.account = &f};
    return show(req, resp, &forms, 0);
}

int web_page_company_account_remove(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_company_account_remove(st, web_req_value(req, "id")->num, &req->err);
    if (rc != 0)
        return rc;
    return web_done(req, resp, "record_removed", "/company#accounts");
}

int web_page_company_logo_upload(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = web_form_init(req, &f, logo_fields, NF(logo_fields), "logo-", "/company/logo");
    if (rc != 0)
        return rc;
    const struct web_upload *up = web_req_upload(req, "logo");
    if (!up || up->len == 0) {
        web_form_error(&f, "logo", web_t(req, "image.choose"));
    } else {
        rc = parties_company_set_logo(st, data_dir(req), up->data, up->len, NULL, &err);
        if (rc == 0)
            return web_done(req, resp, "logo_saved", "/company#logo");
        if (rc != KT_EINVAL && rc != KT_ELIMIT && rc != KT_ENOTFOUND) {
            req->err = err;
            return rc;
        }
        web_form_error(&f, "logo", kt_arena_strdup(req->arena, err.msg));
    }
    resp->status = 422;
    struct company_forms forms = {.logo = &f};
    return show(req, resp, &forms, 0);
}

int web_page_company_logo(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct parties_company c;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_company_get(st, &c, &req->err);
    if (rc != 0)
        return rc;
    if (!c.logo_blob[0])
        return kt_err_set(&req->err, KT_ENOTFOUND, "the company has no logo yet");
    char etag[BLOB_HEX_LEN + 3];
    snprintf(etag, sizeof etag, "\"%s\"", c.logo_blob);
    const char *v = web_text(req, "v");
    if (web_resp_header(req, resp, "ETag", etag) != 0 ||
        web_resp_header(req, resp, "Cache-Control",
                        strcmp(v, c.logo_blob) == 0 ? "private, max-age=31536000, immutable"
                                                    : "private, no-cache") != 0)
        return kt_err_set(&req->err, KT_ELIMIT, "too many response headers");
    const char *inm = web_req_header(req, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        resp->status = 304;
        resp->content_type = NULL;
        return 0;
    }
    struct kt_buf out;
    kt_buf_init(&out, 0);
    rc = blob_get(data_dir(req), c.logo_blob, &out, PARTIES_LOGO_MAX, &req->err);
    if (rc != 0) {
        kt_buf_release(&out);
        return rc;
    }
    kt_buf_release(&resp->body);
    resp->body = out;
    resp->content_type = c.logo_type[0] ? kt_arena_strdup(req->arena, c.logo_type) : "image/png";
    return 0;
}
