/*
 * web/form: what every back-office form page shares. A form is a table of
 * fields (name, catalogue key of the label, kind, required); a page fills
 * in the values to show (the stored record, or what the user typed) and
 * the errors (the router's validators, then the domain's rules), and
 * web_form_json turns it into the members the templates render with
 * partials/field and partials/form_errors: every field with its label,
 * hint, value, error and options, and the summary of errors linking to
 * the fields.
 *
 * Field ids are "f-" + prefix + name, so that several forms on one page
 * (a customer with its address, contact and bank account forms) never
 * share an id.
 *
 * Memory: everything, choices included, is allocated from req->arena, so
 * a handler may drop a form at any point without releasing anything.
 */
#ifndef KT_WEB_FORM_H
#define KT_WEB_FORM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "web/http.h"

enum web_fk {
    WEB_FK_TEXT,
    WEB_FK_TEXTAREA,
    WEB_FK_SELECT,
    WEB_FK_CHECKBOX,
    WEB_FK_PASSWORD,
    WEB_FK_FILE,
    WEB_FK_DATE,
    WEB_FK_NUMBER, /* text with inputmode=decimal: amounts, quantities */
};

struct web_form_field {
    const char *name;
    const char *label; /* catalogue key; "<label>_hint" is shown under it when present */
    enum web_fk kind;
    int required;
};

/* One choice of a select field (a list in the arena). */
struct web_form_option {
    const char *value;
    const char *label;
    struct web_form_option *next;
};

struct web_form {
    struct web_req *req;
    const struct web_form_field *fields;
    size_t n;
    const char *prefix; /* for ids; "" by default */
    const char *action; /* where the form posts */
    const char **value;
    const char **error;
    struct web_form_option **first, **last; /* choices per field */
    const char *problem;                    /* an error that belongs to no field */
};

/* Sets up f for fields[0..n) posting to action. KT_ENOMEM. */
int web_form_init(struct web_req *req, struct web_form *f, const struct web_form_field *fields,
                  size_t n, const char *prefix, const char *action);

/* The value shown in field name (copied into the arena; NULL = ""). */
void web_form_set(struct web_req *req, struct web_form *f, const char *name, const char *value);
void web_form_setf(struct web_req *req, struct web_form *f, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds a choice to a select field (strings copied); selected when value
 * equals the field's value at render time. */
void web_form_option(struct web_form *f, const char *name, const char *value, const char *label);
/* 1 when select field name has choices already. */
int web_form_has_options(const struct web_form *f, const char *name);

/* Takes what the user typed into every field, and the router's validation
 * messages next to them. Returns the number of fields with an error. */
size_t web_form_from_request(struct web_req *req, struct web_form *f);

/* Puts msg next to field name; 1 when the form has that field, 0 when it
 * does not (then msg is the form's problem, shown in the summary). */
int web_form_error(struct web_form *f, const char *name, const char *msg);

/* 1 when some field has an error or the form has a problem. */
int web_form_has_errors(const struct web_form *f);

/* {"action", "fields": [...], "errors": [{"id", "message"}], "has_errors",
 * "problem"}: the form for a template. */
json_t *web_form_json(struct web_req *req, struct web_form *f);

/* The UI text of key in the request's language. */
const char *web_t(const struct web_req *req, const char *key);

/* s percent-encoded for one path segment or query value, in the arena. */
const char *web_url_enc(struct web_req *req, const char *s);

/* The validated value of a text field, "" when absent. */
const char *web_text(const struct web_req *req, const char *name);

/* Ends a handler that changed something: a flash message (key under
 * "flash.") and a 303 to location. */
int web_done(struct web_req *req, struct web_resp *resp, const char *flash_key,
             const char *location);

#endif
