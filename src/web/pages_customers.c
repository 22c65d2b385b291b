/*
 * The back-office customer screens: the list with search, a customer's
 * page (details, delivery addresses, contacts, bank accounts, individual
 * prices and price terms), and the form to create or edit one. Every form
 * is checked by the route's validators, then by the parties and prices
 * modules; errors come back next to their fields and in the form's
 * summary, with what was typed kept.
 *
 * Addresses, contacts and bank accounts are part of the customer record:
 * their forms carry the customer version the page was made from, so a
 * change by someone else in the meantime is refused (409) rather than
 * silently mixed in.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access/access.h"
#include "base/date.h"
#include "base/money.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "parties/country.h"
#include "parties/customer.h"
#include "web/api.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/router.h"
#include "base/banned.h"

#define LIST_PER_PAGE 20
#define NF(a) (sizeof a / sizeof a[0])

static const struct web_form_field customer_fields[] = {
    {"code", "customer.code", WEB_FK_TEXT, 1},
    {"name", "customer.name", WEB_FK_TEXT, 1},
    {"country", "customer.country", WEB_FK_SELECT, 1},
    {"tax_id_kind", "customer.tax_id_kind", WEB_FK_SELECT, 0},
    {"tax_id", "customer.tax_id", WEB_FK_TEXT, 0},
    {"regon", "customer.regon", WEB_FK_TEXT, 0},
    {"street", "customer.street", WEB_FK_TEXT, 0},
    {"postal_code", "customer.postal_code", WEB_FK_TEXT, 0},
    {"city", "customer.city", WEB_FK_TEXT, 0},
    {"document_email", "customer.document_email", WEB_FK_TEXT, 0},
    {"lang_override", "customer.lang_override", WEB_FK_SELECT, 0},
    {"currency_override", "customer.currency_override", WEB_FK_SELECT, 0},
    {"doc_type_override", "customer.doc_type_override", WEB_FK_SELECT, 0},
    {"payment_days", "customer.payment_days", WEB_FK_NUMBER, 0},
    {"payment_method", "customer.payment_method", WEB_FK_SELECT, 0},
    {"credit_limit", "customer.credit_limit", WEB_FK_NUMBER, 0},
    {"notes", "customer.notes", WEB_FK_TEXTAREA, 0},
};
static const struct web_form_field address_fields[] = {
    {"label", "address.label", WEB_FK_TEXT, 1},
    {"recipient", "address.recipient", WEB_FK_TEXT, 0},
    {"street", "address.street", WEB_FK_TEXT, 1},
    {"postal_code", "address.postal_code", WEB_FK_TEXT, 1},
    {"city", "address.city", WEB_FK_TEXT, 1},
    {"country", "address.country", WEB_FK_SELECT, 0},
    {"is_default", "address.is_default", WEB_FK_CHECKBOX, 0},
};
static const struct web_form_field contact_fields[] = {
    {"name", "contact.name", WEB_FK_TEXT, 1},
    {"email", "contact.email", WEB_FK_TEXT, 0},
    {"phone", "contact.phone", WEB_FK_TEXT, 0},
    {"role", "contact.role", WEB_FK_TEXT, 0},
};
static const struct web_form_field bank_fields[] = {
    {"iban", "bank.iban", WEB_FK_TEXT, 1},
    {"bank_name", "bank.bank_name", WEB_FK_TEXT, 0},
};
static const struct web_form_field cprice_fields[] = {
    {"product", "cprice.product", WEB_FK_TEXT, 1},
    {"price", "price.price", WEB_FK_NUMBER, 1},
    {"currency", "cprice.currency", WEB_FK_SELECT, 0},
    {"valid_from", "price.valid_from", WEB_FK_DATE, 0},
    {"valid_to", "price.valid_to", WEB_FK_DATE, 0},
};
static const struct web_form_field terms_fields[] = {
    {"price_list", "terms.price_list", WEB_FK_SELECT, 0},
    {"discount", "terms.discount", WEB_FK_NUMBER, 0},
};

/* The currencies offered in the forms (all in base/money.h's table). */
static const char *const currencies[] = {"PLN", "EUR", "USD", "GBP", "CHF",
                                         "CZK", "SEK", "NOK", "DKK", "HUF"};

/* The forms of a customer's page; NULL members are built fresh. */
struct customer_forms {
    struct web_form *address, *contact, *bank, *cprice, *terms;
    const char *problem; /* shown at the top: e.g. a conflict */
};

static int can(const struct web_req *req, const char *perm)
{
    return access_can(&req->who->perms, perm);
}

static const char *customer_href(struct web_req *req, const char *code, const char *rest)
{
    return kt_arena_printf(req->arena, "/customers/%s%s", web_url_enc(req, code), rest);
}

static const char *enum_label(struct web_req *req, const char *group, const char *name)
{
    char key[96];
    snprintf(key, sizeof key, "%s_%s", group, name);
    return web_t(req, key);
}

static void enum_options(struct web_req *req, struct web_form *f, const char *field,
                         const char *group, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        web_form_option(f, field, names[i], enum_label(req, group, names[i]));
}

static void country_options(struct web_req *req, struct web_form *f, const char *field)
{
    for (size_t i = 0; i < parties_country_count(); i++) {
        const struct parties_country *c = parties_country_at(i);
        web_form_option(
            f, field, c->code,
            kt_arena_printf(req->arena, "%s (%s)", parties_country_name(c, req->lang), c->code));
    }
}

static void currency_options(struct web_form *f, const char *field)
{
    for (size_t i = 0; i < NF(currencies); i++)
        web_form_option(f, field, currencies[i], currencies[i]);
}

/* ---- list ------------------------------------------------------------------------ */

int web_page_customers(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    const char *q = web_text(req, "q");
    const struct web_value *pg = web_req_value(req, "page");
    int64_t page = pg->present ? pg->num : 1;
    struct parties_customer_query cq = {.search = q,
                                        .include_inactive = 1,
                                        .offset = (page - 1) * LIST_PER_PAGE,
                                        .limit = LIST_PER_PAGE};
    struct parties_customer *cs;
    size_t n;
    int64_t total;
    rc = parties_customer_list(st, &cq, req->arena, &cs, &n, &total, &req->err);
    if (rc != 0)
        return rc;
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < n; i++) {
        const struct parties_country *c = parties_country_find(cs[i].country);
        json_array_append_new(rows,
                              json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "code", cs[i].code,
                                        "href", customer_href(req, cs[i].code, ""), "name",
                                        cs[i].name, "tax_id", cs[i].tax_id, "country",
                                        c ? parties_country_name(c, req->lang) : cs[i].country,
                                        "city", cs[i].city, "active", cs[i].active));
    }
    json_t *p = json_pack("{s:o, s:b, s:s, s:I, s:I, s:b, s:b}", "rows", rows, "has_rows", n > 0,
                          "q", q, "total", (json_int_t)total, "page", (json_int_t)page, "can_write",
                          can(req, "customers.write"), "searching", *q != '\0');
    if (!p)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    if (page > 1)
        json_object_set_new(p, "prev",
                            json_string(kt_arena_printf(req->arena, "/customers?page=%lld&q=%s",
                                                        (long long)page - 1, web_url_enc(req, q))));
    if ((page - 1) * LIST_PER_PAGE + (int64_t)n < total)
        json_object_set_new(p, "next",
                            json_string(kt_arena_printf(req->arena, "/customers?page=%lld&q=%s",
                                                        (long long)page + 1, web_url_enc(req, q))));
    return web_page_render(req, resp, "customers/list", p);
}

/* ---- the customer form -------------------------------------------------------------- */

static int customer_form(struct web_req *req, struct web_form *f, const char *code)
{
    int rc = web_form_init(req, f, code ? customer_fields + 1 : customer_fields,
                           code ? NF(customer_fields) - 1 : NF(customer_fields), "",
                           code ? customer_href(req, code, "") : "/customers");
    if (rc != 0)
        return rc;
    country_options(req, f, "country");
    static const char *const kinds[] = {"none", "nip", "eu_vat", "foreign"};
    enum_options(req, f, "tax_id_kind", "customer.tax_kind", kinds, NF(kinds));
    static const char *const langs[] = {"auto", "pl", "en", "de"};
    enum_options(req, f, "lang_override", "customer.lang", langs, NF(langs));
    web_form_option(f, "currency_override", "auto", web_t(req, "customer.auto"));
    currency_options(f, "currency_override");
    static const char *const docs[] = {"auto", "domestic", "intra_eu", "export"};
    enum_options(req, f, "doc_type_override", "customer.doc", docs, NF(docs));
    static const char *const pays[] = {"transfer", "cash", "cod", "card"};
    enum_options(req, f, "payment_method", "customer.pay", pays, NF(pays));
    return 0;
}

static void customer_values(struct web_req *req, struct web_form *f,
                            const struct parties_customer *c)
{
    web_form_set(req, f, "code", c->code);
    web_form_set(req, f, "name", c->name);
    web_form_set(req, f, "country", c->country[0] ? c->country : "PL");
    web_form_set(req, f, "tax_id_kind", parties_tax_kind_name(c->tax_id_kind));
    web_form_set(req, f, "tax_id", c->tax_id);
    web_form_set(req, f, "regon", c->regon);
    web_form_set(req, f, "street", c->street);
    web_form_set(req, f, "postal_code", c->postal_code);
    web_form_set(req, f, "city", c->city);
    web_form_set(req, f, "document_email", c->document_email);
    web_form_set(req, f, "lang_override", c->lang_override[0] ? c->lang_override : "auto");
    web_form_set(req, f, "currency_override",
                 c->currency_override[0] ? c->currency_override : "auto");
    web_form_set(req, f, "doc_type_override", parties_doc_type_name(c->doc_type_override));
    web_form_setf(req, f, "payment_days", "%d", c->payment_days);
    web_form_set(req, f, "payment_method", parties_payment_method_name(c->payment_method));
    if (c->has_credit_limit) {
        struct kt_buf b;
        kt_buf_init(&b, 64);
        if (kt_money_format_number(&b, c->credit_limit, c->currency, req->lang, NULL) == 0)
            web_form_set(req, f, "credit_limit", kt_buf_str(&b));
        kt_buf_release(&b);
    }
    web_form_set(req, f, "notes", c->notes);
}

static int render_customer_form(struct web_req *req, struct web_resp *resp, struct web_form *f,
                                const char *code, int64_t version)
{
    json_t *page = json_pack("{s:o, s:s?, s:I, s:s, s:s}", "form", web_form_json(req, f), "code",
                             code, "version", (json_int_t)version, "title",
                             web_t(req, code ? "customer.edit_title" : "customer.new_title"),
                             "cancel", code ? customer_href(req, code, "") : "/customers");
    if (!page)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    return web_page_render(req, resp, "customers/form", page);
}

int web_page_customer_new(struct web_req *req, struct web_resp *resp)
{
    struct web_form f;
    struct parties_customer c;
    parties_customer_init(&c);
    int rc = customer_form(req, &f, NULL);
    if (rc != 0)
        return rc;
    customer_values(req, &f, &c);
    web_form_set(req, &f, "payment_days", "14");
    return render_customer_form(req, resp, &f, NULL, 0);
}

int web_page_customer_edit(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct parties_customer c;
    struct web_form f;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_customer_get_by_code(st, web_text(req, "code"), &c, &req->err);
    if (rc == 0)
        rc = customer_form(req, &f, c.code);
    if (rc != 0)
        return rc;
    customer_values(req, &f, &c);
    return render_customer_form(req, resp, &f, c.code, c.version);
}

static int save_customer(struct web_req *req, struct web_resp *resp, int create)
{
    struct store *st;
    struct parties_customer c;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc != 0)
        return rc;
    if (create) {
        parties_customer_init(&c);
        kt_strlcpy(c.code, web_text(req, "code"), sizeof c.code);
    } else if ((rc = parties_customer_get_by_code(st, web_text(req, "code"), &c, &req->err)) != 0) {
        return rc;
    }
    const char *code = create ? NULL : kt_arena_strdup(req->arena, c.code);
    if ((rc = customer_form(req, &f, code)) != 0)
        return rc;
    web_form_from_request(req, &f);
    int64_t version = create ? 0 : web_req_value(req, "version")->num;
    if (web_form_has_errors(&f)) {
        resp->status = 422;
        return render_customer_form(req, resp, &f, code, version);
    }
    /* a form sends every field: empty ones clear what was stored */
    if (!web_req_value(req, "credit_limit")->present)
        c.has_credit_limit = 0;
    static const char *const texts[] = {"tax_id", "regon",          "street", "postal_code",
                                        "city",   "document_email", "notes"};
    for (size_t i = 0; i < NF(texts); i++) {
        if (web_req_value(req, texts[i])->present)
            continue;
        if (strcmp(texts[i], "tax_id") == 0)
            c.tax_id[0] = '\0';
        else if (strcmp(texts[i], "regon") == 0)
            c.regon[0] = '\0';
        else if (strcmp(texts[i], "street") == 0)
            c.street[0] = '\0';
        else if (strcmp(texts[i], "postal_code") == 0)
            c.postal_code[0] = '\0';
        else if (strcmp(texts[i], "city") == 0)
            c.city[0] = '\0';
        else if (strcmp(texts[i], "document_email") == 0)
            c.document_email[0] = '\0';
        else
            c.notes[0] = '\0';
    }
    if ((rc = web_customer_from_body(req, &c)) != 0)
        return rc;
    if (!*c.tax_id)
        c.tax_id_kind = PARTIES_TAX_NONE;
    if (!create)
        c.version = version;
    rc = create ? parties_customer_create(st, &c, &err) : parties_customer_update(st, &c, &err);
    if (rc == 0)
        return web_done(req, resp, create ? "customer_created" : "customer_saved",
                        customer_href(req, c.code, ""));
    if (rc == KT_ECONFLICT) {
        struct parties_customer cur;
        if (parties_customer_get(st, c.id, &cur, &req->err) != 0)
            return req->err.code;
        resp->status = 409;
        web_form_error(&f, NULL, web_t(req, "customer.conflict"));
        return render_customer_form(req, resp, &f, code, cur.version);
    }
    if (rc != KT_EINVAL && rc != KT_EEXIST) {
        req->err = err;
        return rc;
    }
    const char *msg = kt_arena_strdup(req->arena, err.msg);
    web_form_error(&f, rc == KT_EEXIST ? "code" : web_customer_field_of(msg), msg);
    resp->status = rc == KT_EEXIST ? 409 : 422;
    return render_customer_form(req, resp, &f, code, version);
}

int web_page_customer_create(struct web_req *req, struct web_resp *resp)
{
    return save_customer(req, resp, 1);
}

int web_page_customer_save(struct web_req *req, struct web_resp *resp)
{
    return save_customer(req, resp, 0);
}

/* ---- the customer's page -------------------------------------------------------------- */

static int sub_form(struct web_req *req, struct web_form *f, const struct web_form_field *fields,
                    size_t n, const char *prefix, const char *code, const char *rest)
{
    return web_form_init(req, f, fields, n, prefix, customer_href(req, code, rest));
}

static int build_forms(struct web_req *req, const struct parties_customer *c,
                       const struct price_list *lists, size_t nl, struct customer_forms *in,
                       struct web_form *mem)
{
    int rc = 0;
    if (!in->address) {
        in->address = &mem[0];
        rc = sub_form(req, in->address, address_fields, NF(address_fields), "addr-", c->code,
                      "/addresses");
        if (rc == 0)
            web_form_set(req, in->address, "country", c->country);
    }
    if (rc == 0 && !web_form_has_options(in->address, "country"))
        country_options(req, in->address, "country");
    if (rc == 0 && !in->contact) {
        in->contact = &mem[1];
        rc = sub_form(req, in->contact, contact_fields, NF(contact_fields), "contact-", c->code,
                      "/contacts");
    }
    if (rc == 0 && !in->bank) {
        in->bank = &mem[2];
        rc = sub_form(req, in->bank, bank_fields, NF(bank_fields), "bank-", c->code,
                      "/bank-accounts");
    }
    if (rc == 0 && !in->cprice) {
        in->cprice = &mem[3];
        rc = sub_form(req, in->cprice, cprice_fields, NF(cprice_fields), "cprice-", c->code,
                      "/prices");
        if (rc == 0)
            web_form_set(req, in->cprice, "currency", c->currency);
    }
    if (rc == 0 && !web_form_has_options(in->cprice, "currency"))
        currency_options(in->cprice, "currency");
    if (rc == 0 && !in->terms) {
        in->terms = &mem[4];
        rc = sub_form(req, in->terms, terms_fields, NF(terms_fields), "terms-", c->code, "/terms");
    }
    if (rc == 0 && !web_form_has_options(in->terms, "price_list")) {
        web_form_option(in->terms, "price_list", "", web_t(req, "terms.default_list"));
        for (size_t i = 0; i < nl; i++)
            web_form_option(in->terms, "price_list", lists[i].code,
                            kt_arena_printf(req->arena, "%s — %s (%s)", lists[i].code,
                                            lists[i].name, lists[i].currency));
    }
    return rc;
}

/* A sub-form for partials/subform: the form plus its button's text. */
static json_t *form_json(struct web_req *req, struct web_form *f, const char *submit_key)
{
    json_t *o = web_form_json(req, f);
    if (o)
        json_object_set_new(o, "submit", json_string(web_t(req, submit_key)));
    return o;
}

static const char *rate_text(struct web_req *req, int64_t rate)
{
    struct kt_buf b;
    kt_buf_init(&b, 32);
    const char *s = NULL;
    if (kt_money_rate_format(&b, rate, req->lang, NULL) == 0)
        s = kt_arena_strdup(req->arena, kt_buf_str(&b));
    kt_buf_release(&b);
    return s ? s : "";
}

static int show(struct web_req *req, struct web_resp *resp, const char *code,
                struct customer_forms *forms)
{
    struct store *st;
    struct parties_customer c;
    struct parties_address *addrs;
    struct parties_contact *contacts;
    struct parties_bank_account *banks;
    struct price_customer_price *cps = NULL;
    struct price_list *lists = NULL;
    struct price_terms terms;
    size_t na = 0, nc = 0, nb = 0, ncp = 0, nl = 0;
    struct web_form mem[5];
    struct customer_forms none = {0};
    if (!forms)
        forms = &none;
    json_t *page = NULL;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_customer_get_by_code(st, code, &c, &req->err);
    if (rc == 0)
        rc = parties_address_list(st, c.id, req->arena, &addrs, &na, &req->err);
    if (rc == 0)
        rc = parties_contact_list(st, c.id, req->arena, &contacts, &nc, &req->err);
    if (rc == 0)
        rc = parties_bank_account_list(st, c.id, req->arena, &banks, &nb, &req->err);
    if (rc == 0)
        rc = price_customer_list(st, c.id, 0, &cps, &ncp, &req->err);
    if (rc == 0)
        rc = price_terms_get(st, c.id, &terms, &req->err);
    if (rc == 0)
        rc = price_list_all(st, &lists, &nl, &req->err);
    if (rc == 0)
        rc = build_forms(req, &c, lists, nl, forms, mem);
    if (rc != 0)
        goto out;

    const char *version = kt_arena_printf(req->arena, "%lld", (long long)c.version);
    json_t *ja = json_array();
    for (size_t i = 0; ja && i < na; i++) {
        const struct parties_country *ct = parties_country_find(addrs[i].country);
        json_array_append_new(
            ja, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "label", addrs[i].label,
                          "recipient", addrs[i].recipient, "street", addrs[i].street, "postal_code",
                          addrs[i].postal_code, "city", addrs[i].city, "country",
                          ct ? parties_country_name(ct, req->lang) : addrs[i].country, "is_default",
                          addrs[i].is_default, "delete_href",
                          customer_href(req, c.code,
                                        kt_arena_printf(req->arena, "/addresses/%lld/delete",
                                                        (long long)addrs[i].id))));
    }
    json_t *jc = json_array();
    for (size_t i = 0; jc && i < nc; i++)
        json_array_append_new(
            jc, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", contacts[i].name, "email",
                          contacts[i].email, "phone", contacts[i].phone, "role", contacts[i].role,
                          "delete_href",
                          customer_href(req, c.code,
                                        kt_arena_printf(req->arena, "/contacts/%lld/delete",
                                                        (long long)contacts[i].id))));
    json_t *jb = json_array();
    for (size_t i = 0; jb && i < nb; i++)
        json_array_append_new(
            jb, json_pack("{s:s, s:s, s:s}", "iban", banks[i].iban, "bank_name", banks[i].bank_name,
                          "delete_href",
                          customer_href(req, c.code,
                                        kt_arena_printf(req->arena, "/bank-accounts/%lld/delete",
                                                        (long long)banks[i].id))));
    json_t *jp = json_array();
    for (size_t i = 0; jp && i < ncp; i++) {
        struct catalog_product p;
        struct kt_err e;
        const char *pcode = "?";
        if (catalog_product_get(st, cps[i].product_id, req->arena, &p, &e) == 0)
            pcode = p.code;
        const char *price = web_fmt_price(req->arena, cps[i].price, cps[i].currency, req->lang);
        json_array_append_new(
            jp, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "product", pcode, "product_href",
                          kt_arena_printf(req->arena, "/products/%s", web_url_enc(req, pcode)),
                          "price", price ? price : "", "basis",
                          web_t(req, cps[i].basis == PRICE_BASIS_NET ? "price.net" : "price.gross"),
                          "valid_from", cps[i].valid_from, "valid_to", cps[i].valid_to));
    }
    const char *terms_list = web_t(req, "terms.default_list");
    for (size_t i = 0; i < nl; i++)
        if (lists[i].id == terms.price_list_id)
            terms_list = kt_arena_printf(req->arena, "%s — %s", lists[i].code, lists[i].name);
    if (!forms->terms->value[0]) {
        for (size_t i = 0; i < nl; i++)
            if (lists[i].id == terms.price_list_id)
                web_form_set(req, forms->terms, "price_list", lists[i].code);
        web_form_set(req, forms->terms, "discount", rate_text(req, terms.discount));
    }
    const struct parties_country *ct = parties_country_find(c.country);
    const char *credit = NULL;
    if (c.has_credit_limit)
        credit = web_fmt_money(req->arena, c.credit_limit, c.currency, req->lang);
    page = json_pack(
        "{s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?,"
        " s:s, s:b},"
        " s:s, s:o, s:b, s:o, s:b, s:o, s:b, s:o, s:b, s:s, s:s, s:b, s:b, s:s, s:s?}",
        "customer", "code", c.code, "name", c.name, "tax_id", c.tax_id, "tax_kind",
        enum_label(req, "customer.tax_kind", parties_tax_kind_name(c.tax_id_kind)), "regon",
        c.regon, "country", ct ? parties_country_name(ct, req->lang) : c.country, "address",
        kt_arena_printf(req->arena, "%s%s%s %s", c.street, *c.street ? ", " : "", c.postal_code,
                        c.city),
        "lang", enum_label(req, "customer.lang", c.lang), "currency", c.currency, "doc_type",
        enum_label(req, "customer.doc", parties_doc_type_name(c.doc_type)), "payment",
        kt_arena_printf(
            req->arena, "%s, %d %s",
            enum_label(req, "customer.pay", parties_payment_method_name(c.payment_method)),
            c.payment_days, web_t(req, "customer.days")),
        "document_email", c.document_email, "notes", c.notes, "updated",
        web_fmt_time(req->arena, c.updated_at), "edit_href", customer_href(req, c.code, "/edit"),
        "credit_limit", credit, "version", version, "active", c.active, "version", version,
        "addresses", ja, "has_addresses", na > 0, "contacts", jc, "has_contacts", nc > 0, "banks",
        jb, "has_banks", nb > 0, "cprices", jp, "has_cprices", ncp > 0, "terms_list", terms_list,
        "terms_discount", rate_text(req, terms.discount), "can_write", can(req, "customers.write"),
        "can_price", can(req, "prices.write"), "customer_code", c.code, "problem", forms->problem);
    if (!page) {
        rc = kt_err_set(&req->err, KT_ENOMEM, "out of memory");
        goto out;
    }
    if (can(req, "customers.write")) {
        json_object_set_new(page, "address_form", form_json(req, forms->address, "address.add"));
        json_object_set_new(page, "contact_form", form_json(req, forms->contact, "contact.add"));
        json_object_set_new(page, "bank_form", form_json(req, forms->bank, "bank.add"));
    }
    if (can(req, "prices.write")) {
        json_object_set_new(page, "cprice_form", form_json(req, forms->cprice, "cprice.submit"));
        json_object_set_new(page, "terms_form", form_json(req, forms->terms, "terms.submit"));
    }
    rc = web_page_render(req, resp, "customers/show", page);
    page = NULL;
out:
    json_decref(page);
    free(cps);
    free(lists);
    return rc;
}

int web_page_customer(struct web_req *req, struct web_resp *resp)
{
    return show(req, resp, web_text(req, "code"), NULL);
}

/* ---- sub-records ------------------------------------------------------------------------ */

/* The field of a sub-record form a parties message is about: the words
 * after the last quoted label ("... address \"Main\": postal code ..."). */
static const char *sub_field(const char *msg, const struct web_form *f)
{
    static const struct {
        const char *words;
        const char *field;
    } map[] = {
        {"postal code", "postal_code"},
        {"street", "street"},
        {"city", "city"},
        {"recipient", "recipient"},
        {"country", "country"},
        {"label", "label"},
        {"e-mail", "email"},
        {"phone", "phone"},
        {"role", "role"},
        {"iban", "iban"},
        {"bank name", "bank_name"},
        {"name", "name"},
    };
    const char *p = strrchr(msg, '"');
    p = p ? p : msg;
    for (size_t i = 0; i < NF(map); i++) {
        size_t n = strlen(map[i].words);
        for (const char *q = p; *q; q++) {
            if (strncasecmp(q, map[i].words, n) != 0)
                continue;
            for (size_t k = 0; k < f->n; k++)
                if (strcmp(f->fields[k].name, map[i].field) == 0)
                    return map[i].field;
        }
    }
    return NULL;
}

enum sub_kind { SUB_ADDRESS, SUB_CONTACT, SUB_BANK };

static int sub_add(struct web_req *req, struct web_resp *resp, enum sub_kind kind)
{
    struct store *st;
    struct parties_customer c;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_customer_get_by_code(st, web_text(req, "code"), &c, &req->err);
    if (rc != 0)
        return rc;
    static const struct {
        const struct web_form_field *fields;
        size_t n;
        const char *prefix, *rest, *flash;
    } kinds[] = {
        [SUB_ADDRESS] = {address_fields, NF(address_fields), "addr-", "/addresses",
                         "address_added"},
        [SUB_CONTACT] = {contact_fields, NF(contact_fields), "contact-", "/contacts",
                         "contact_added"},
        [SUB_BANK] = {bank_fields, NF(bank_fields), "bank-", "/bank-accounts", "bank_added"},
    };
    rc = sub_form(req, &f, kinds[kind].fields, kinds[kind].n, kinds[kind].prefix, c.code,
                  kinds[kind].rest);
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    int64_t version = web_req_value(req, "version")->num;
    if (!web_form_has_errors(&f)) {
        if (kind == SUB_ADDRESS) {
            struct parties_address a;
            memset(&a, 0, sizeof a);
            a.customer_id = c.id;
            kt_strlcpy(a.label, web_text(req, "label"), sizeof a.label);
            kt_strlcpy(a.recipient, web_text(req, "recipient"), sizeof a.recipient);
            kt_strlcpy(a.street, web_text(req, "street"), sizeof a.street);
            kt_strlcpy(a.postal_code, web_text(req, "postal_code"), sizeof a.postal_code);
            kt_strlcpy(a.city, web_text(req, "city"), sizeof a.city);
            kt_strlcpy(a.country, web_text(req, "country"), sizeof a.country);
            a.is_default = (int)web_req_value(req, "is_default")->num;
            rc = parties_address_add(st, version, &a, NULL, &err);
        } else if (kind == SUB_CONTACT) {
            struct parties_contact k;
            memset(&k, 0, sizeof k);
            k.customer_id = c.id;
            kt_strlcpy(k.name, web_text(req, "name"), sizeof k.name);
            kt_strlcpy(k.email, web_text(req, "email"), sizeof k.email);
            kt_strlcpy(k.phone, web_text(req, "phone"), sizeof k.phone);
            kt_strlcpy(k.role, web_text(req, "role"), sizeof k.role);
            rc = parties_contact_add(st, version, &k, NULL, &err);
        } else {
            struct parties_bank_account b;
            memset(&b, 0, sizeof b);
            b.customer_id = c.id;
            kt_strlcpy(b.iban, web_text(req, "iban"), sizeof b.iban);
            kt_strlcpy(b.bank_name, web_text(req, "bank_name"), sizeof b.bank_name);
            rc = parties_bank_account_add(st, version, &b, NULL, &err);
        }
        if (rc == 0)
            return web_done(req, resp, kinds[kind].flash,
                            customer_href(req, c.code,
                                          kind == SUB_ADDRESS   ? "#addresses"
                                          : kind == SUB_CONTACT ? "#contacts"
                                                                : "#banks"));
        if (rc != KT_EINVAL && rc != KT_EEXIST && rc != KT_ECONFLICT) {
            req->err = err;
            return rc;
        }
        const char *msg = rc == KT_ECONFLICT ? web_t(req, "customer.conflict")
                                             : kt_arena_strdup(req->arena, err.msg);
        web_form_error(&f, rc == KT_ECONFLICT ? NULL : sub_field(msg, &f), msg);
    }
    resp->status = rc == KT_ECONFLICT || rc == KT_EEXIST ? 409 : 422;
    struct customer_forms forms = {0};
    if (kind == SUB_ADDRESS)
        forms.address = &f;
    else if (kind == SUB_CONTACT)
        forms.contact = &f;
    else
        forms.bank = &f;
    return show(req, resp, c.code, &forms);
}

int web_page_customer_address_add(struct web_req *req, struct web_resp *resp)
{
    return sub_add(req, resp, SUB_ADDRESS);
}

int web_page_customer_contact_add(struct web_req *req, struct web_resp *resp)
{
    return sub_add(req, resp, SUB_CONTACT);
}

int web_page_customer_bank_add(struct web_req *req, struct web_resp *resp)
{
    return sub_add(req, resp, SUB_BANK);
}

static int sub_remove(struct web_req *req, struct web_resp *resp, enum sub_kind kind)
{
    struct store *st;
    struct parties_customer c;
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_customer_get_by_code(st, web_text(req, "code"), &c, &req->err);
    if (rc != 0)
        return rc;
    int64_t version = web_req_value(req, "version")->num;
    int64_t id = web_req_value(req, "id")->num;
    if (kind == SUB_ADDRESS)
        rc = parties_address_remove(st, version, c.id, id, NULL, &req->err);
    else if (kind == SUB_CONTACT)
        rc = parties_contact_remove(st, version, c.id, id, NULL, &req->err);
    else
        rc = parties_bank_account_remove(st, version, c.id, id, NULL, &req->err);
    if (rc == KT_ECONFLICT)
        return web_fail(req, rc, 409, "conflict", NULL, "%s", web_t(req, "customer.conflict"));
    if (rc != 0)
        return rc;
    return web_done(req, resp, "record_removed",
                    customer_href(req, c.code,
                                  kind == SUB_ADDRESS   ? "#addresses"
                                  : kind == SUB_CONTACT ? "#contacts"
                                                        : "#banks"));
}

int web_page_customer_address_remove(struct web_req *req, struct web_resp *resp)
{
    return sub_remove(req, resp, SUB_ADDRESS);
}

int web_page_customer_contact_remove(struct web_req *req, struct web_resp *resp)
{
    return sub_remove(req, resp, SUB_CONTACT);
}

int web_page_customer_bank_remove(struct web_req *req, struct web_resp *resp)
{
    return sub_remove(req, resp, SUB_BANK);
}

/* ---- individual prices and terms ---------------------------------------------------------- */

int web_page_customer_price_set(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct parties_customer c;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_customer_get_by_code(st, web_text(req, "code"), &c, &req->err);
    if (rc == 0)
        rc = sub_form(req, &f, cprice_fields, NF(cprice_fields), "cprice-", c.code, "/prices");
    if (rc != 0)
        return rc;
    currency_options(&f, "currency");
    web_form_from_request(req, &f);
    if (!web_form_has_errors(&f)) {
        struct catalog_product p;
        const char *field = "product";
        rc = catalog_product_get_by_code(st, web_text(req, "product"), req->arena, &p, &err);
        if (rc == 0) {
            struct price_customer_price cp;
            memset(&cp, 0, sizeof cp);
            cp.customer_id = c.id;
            cp.product_id = p.id;
            cp.price = web_req_value(req, "price")->num;
            cp.basis = PRICE_BASIS_NET;
            const char *cur = web_text(req, "currency");
            kt_strlcpy(cp.currency, *cur ? cur : c.currency, sizeof cp.currency);
            char d[KT_DATE_ISO_SIZE];
            const struct web_value *vf = web_req_value(req, "valid_from");
            const struct web_value *vt = web_req_value(req, "valid_to");
            if (vf->present)
                kt_strlcpy(cp.valid_from, kt_date_format((kt_date)vf->num, d),
                           sizeof cp.valid_from);
            if (vt->present)
                kt_strlcpy(cp.valid_to, kt_date_format((kt_date)vt->num, d), sizeof cp.valid_to);
            field = "price";
            rc = price_customer_set(st, &cp, &err);
            if (rc == KT_EINVAL && strstr(err.msg, "valid"))
                field = "valid_to";
        }
        if (rc == 0)
            return web_done(req, resp, "price_saved", customer_href(req, c.code, "#prices"));
        if (rc != KT_EINVAL && rc != KT_ENOTFOUND) {
            req->err = err;
            return rc;
        }
        web_form_error(&f, field, kt_arena_strdup(req->arena, err.msg));
    }
    resp->status = 422;
    struct customer_forms forms = {.cprice = &f};
    return show(req, resp, c.code, &forms);
}

int web_page_customer_terms_set(struct web_req *req, struct web_resp *resp)
{
    struct store *st;
    struct parties_customer c;
    struct web_form f;
    struct kt_err err;
    kt_err_clear(&err);
    int rc = web_req_db(req, &st, &req->err);
    if (rc == 0)
        rc = parties_customer_get_by_code(st, web_text(req, "code"), &c, &req->err);
    if (rc == 0)
        rc = sub_form(req, &f, terms_fields, NF(terms_fields), "terms-", c.code, "/terms");
    if (rc != 0)
        return rc;
    web_form_from_request(req, &f);
    struct price_terms t = {.customer_id = c.id};
    if (!web_form_has_errors(&f)) {
        const char *field = "discount";
        const char *d = web_text(req, "discount");
        if (*d)
            rc = kt_money_rate_parse(d, &t.discount, &err);
        if (rc == 0 && (t.discount < 0 || t.discount > 10000))
            rc = kt_err_set(&err, KT_EINVAL, "%s", web_t(req, "terms.discount_range"));
        const char *lc = web_text(req, "price_list");
        if (rc == 0 && *lc) {
            struct price_list pl;
            field = "price_list";
            rc = price_list_get(st, lc, &pl, &err);
            t.price_list_id = pl.id;
        }
        if (rc == 0)
            rc = price_terms_set(st, &t, &err);
        if (rc == 0)
            return web_done(req, resp, "terms_saved", customer_href(req, c.code, "#prices"));
        if (rc != KT_EINVAL && rc != KT_ENOTFOUND) {
            req->err = err;
            return rc;
        }
        web_form_error(&f, field, kt_arena_strdup(req->arena, err.msg));
    }
    resp->status = 422;
    struct customer_forms forms = {.terms = &f};
    return show(req, resp, c.code, &forms);
}
