#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "web/form.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/server.h"
#include "base/banned.h"

const char *web_t(const struct web_req *req, const char *key)
{
    return web_i18n_text(web_server_i18n(req->srv), req->lang, key);
}

const char *web_url_enc(struct web_req *req, const char *s)
{
    size_t n = strlen(s);
    char *out = kt_arena_alloc(req->arena, 3 * n + 1);
    size_t o = 0;
    if (!out)
        return "";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[o++] = (char)c;
        } else {
            snprintf(out + o, 4, "%%%02X", c);
            o += 3;
        }
    }
    out[o] = '\0';
    return out;
}

const char *web_text(const struct web_req *req, const char *name)
{
    const struct web_value *v = web_req_value(req, name);
    return v->present && v->text ? v->text : "";
}

int web_done(struct web_req *req, struct web_resp *resp, const char *flash_key,
             const char *location)
{
    if (flash_key && web_flash(req, resp, "success", flash_key) != 0)
        return kt_err_set(&req->err, KT_ELIMIT, "too many response headers");
    return web_resp_redirect(req, resp, location ? location : "/");
}

int web_form_init(struct web_req *req, struct web_form *f, const struct web_form_field *fields,
                  size_t n, const char *prefix, const char *action)
{
    memset(f, 0, sizeof *f);
    f->req = req;
    f->fields = fields;
    f->n = n;
    f->prefix = prefix ? prefix : "";
    f->action = action;
    f->value = kt_arena_zalloc(req->arena, (n ? n : 1) * sizeof *f->value);
    f->error = kt_arena_zalloc(req->arena, (n ? n : 1) * sizeof *f->error);
    f->first = kt_arena_zalloc(req->arena, (n ? n : 1) * sizeof *f->first);
    f->last = kt_arena_zalloc(req->arena, (n ? n : 1) * sizeof *f->last);
    if (!f->value || !f->error || !f->first || !f->last)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory");
    return 0;
}

static long find(const struct web_form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return (long)i;
    return -1;
}

void web_form_set(struct web_req *req, struct web_form *f, const char *name, const char *value)
{
    long i = find(f, name);
    if (i >= 0)
        f->value[i] = value ? kt_arena_strdup(req->arena, value) : NULL;
}

void web_form_setf(struct web_req *req, struct web_form *f, const char *name, const char *fmt, ...)
{
    long i = find(f, name);
    if (i < 0)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    f->value[i] = kt_arena_strdup(req->arena, buf);
}

void web_form_option(struct web_form *f, const char *name, const char *value, const char *label)
{
    long i = find(f, name);
    if (i < 0)
        return;
    struct web_form_option *o = kt_arena_zalloc(f->req->arena, sizeof *o);
    if (!o)
        return;
    o->value = kt_arena_strdup(f->req->arena, value);
    o->label = kt_arena_strdup(f->req->arena, label ? label : value);
    if (!o->value || !o->label)
        return;
    if (f->last[i])
        f->last[i]->next = o;
    else
        f->first[i] = o;
    f->last[i] = o;
}

int web_form_has_options(const struct web_form *f, const char *name)
{
    long i = find(f, name);
    return i >= 0 && f->first[i] != NULL;
}

size_t web_form_from_request(struct web_req *req, struct web_form *f)
{
    size_t errors = 0;
    for (size_t i = 0; i < f->n; i++) {
        const char *name = f->fields[i].name;
        const char *typed = web_req_form_text(req, name);
        if (f->fields[i].kind == WEB_FK_CHECKBOX)
            f->value[i] = web_req_value(req, name)->num ? "1" : "";
        else if (f->fields[i].kind != WEB_FK_PASSWORD && f->fields[i].kind != WEB_FK_FILE)
            f->value[i] = typed ? typed : "";
        for (size_t k = 0; req->route->fields && req->route->fields[k].name; k++) {
            if (strcmp(req->route->fields[k].name, name) == 0 && req->field_errors[k]) {
                f->error[i] = req->field_errors[k];
                errors++;
            }
        }
    }
    return errors;
}

int web_form_error(struct web_form *f, const char *name, const char *msg)
{
    long i = name ? find(f, name) : -1;
    if (i < 0) {
        f->problem = msg;
        return 0;
    }
    f->error[i] = msg;
    return 1;
}

int web_form_has_errors(const struct web_form *f)
{
    if (f->problem)
        return 1;
    for (size_t i = 0; i < f->n; i++)
        if (f->error[i])
            return 1;
    return 0;
}

json_t *web_form_json(struct web_req *req, struct web_form *f)
{
    json_t *fields = json_array();
    json_t *errors = json_array();
    for (size_t i = 0; fields && errors && i < f->n; i++) {
        const struct web_form_field *d = &f->fields[i];
        const char *v = f->value[i] ? f->value[i] : "";
        const char *id = kt_arena_printf(req->arena, "f-%s%s", f->prefix, d->name);
        char hint[96];
        snprintf(hint, sizeof hint, "%s_hint", d->label);
        const char *h = web_t(req, hint);
        json_t *o = json_pack(
            "{s:s, s:s, s:s, s:s, s:s?, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "name",
            d->name, "id", id ? id : d->name, "label", web_t(req, d->label), "value", v, "error",
            f->error[i], "required", d->required, "text",
            d->kind == WEB_FK_TEXT || d->kind == WEB_FK_NUMBER, "decimal", d->kind == WEB_FK_NUMBER,
            "textarea", d->kind == WEB_FK_TEXTAREA, "checkbox", d->kind == WEB_FK_CHECKBOX,
            "checked", d->kind == WEB_FK_CHECKBOX && *v, "password", d->kind == WEB_FK_PASSWORD,
            "file", d->kind == WEB_FK_FILE, "date", d->kind == WEB_FK_DATE);
        if (!o)
            continue;
        if (strcmp(h, hint) != 0)
            json_object_set_new(o, "hint", json_string(h));
        if (d->kind == WEB_FK_SELECT) {
            json_t *opts = json_array();
            for (const struct web_form_option *c = f->first[i]; opts && c; c = c->next)
                json_array_append_new(opts,
                                      json_pack("{s:s, s:s, s:b}", "value", c->value, "label",
                                                c->label, "selected", strcmp(c->value, v) == 0));
            json_object_set_new(o, "options", opts);
            json_object_set_new(o, "select", json_true());
        }
        json_array_append_new(fields, o);
        if (f->error[i])
            json_array_append_new(
                errors, json_pack("{s:s, s:s}", "id", id ? id : d->name, "message", f->error[i]));
    }
    json_t *out = json_pack("{s:s, s:o*, s:o*, s:b, s:s?}", "action", f->action ? f->action : "",
                            "fields", fields, "errors", errors, "has_errors",
                            web_form_has_errors(f), "problem", f->problem);
    return out;
}
