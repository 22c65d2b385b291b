/*
 * kontor customer ... and kontor company ...: the command line of the
 * parties module (src/parties). Parses arguments, calls the domain API,
 * prints text or JSON. Exit codes: 2 for a value the module rejects (the
 * message names the field), 1 when the request cannot be done as asked
 * (no such customer, code or IBAN taken, changed by someone else), 3/4
 * for database trouble as everywhere.
 */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/money.h"
#include "cli/cli.h"
#include "parties/company.h"
#include "parties/country.h"
#include "parties/customer.h"
#include "base/banned.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The exit code and message for a failed parties call. */
static int fail(const struct kt_err *err)
{
    switch (err->code) {
    case KT_EINVAL:
    case KT_ELIMIT:
    case KT_EOVERFLOW:
        return cli_error(CLI_EXIT_USAGE, "%s", err->msg);
    case KT_ENOTFOUND:
    case KT_EEXIST:
    case KT_ECONFLICT:
        return cli_error(CLI_EXIT_NO, "%s", err->msg);
    default:
        return cli_db_error("parties", err);
    }
}

static int parse_int(const char *what, const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return cli_error(CLI_EXIT_USAGE, "%s %s: expected a whole number from %lld to %lld", what,
                         s, min, max);
    *out = v;
    return 0;
}

static int copy_arg(const char *what, const char *s, char *out, size_t n)
{
    if (kt_strlcpy(out, s, n) < 0)
        return cli_error(CLI_EXIT_USAGE, "%s: too long (at most %zu bytes)", what, n - 1);
    return 0;
}

/* ---- JSON ---- */

static json_t *money_json(int64_t minor, const char *currency)
{
    struct kt_buf b;
    struct kt_err err;
    json_t *v = NULL;
    kt_buf_init(&b, 64);
    if (kt_money_format_decimal(&b, minor, currency, &err) == 0)
        v = json_string(kt_buf_str(&b));
    kt_buf_release(&b);
    return v;
}

static json_t *opt_string(const char *s)
{
    return s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *customer_json(const struct parties_customer *c)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    json_object_set_new(o, "id", json_integer(c->id));
    json_object_set_new(o, "version", json_integer(c->version));
    json_object_set_new(o, "code", json_string(c->code));
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "tax_id_kind", json_string(parties_tax_kind_name(c->tax_id_kind)));
    json_object_set_new(o, "tax_id", opt_string(c->tax_id));
    json_object_set_new(o, "regon", opt_string(c->regon));
    json_object_set_new(o, "country", json_string(c->country));
    json_object_set_new(o, "lang", json_string(c->lang));
    json_object_set_new(o, "lang_overridden", json_boolean(c->lang_override[0] != '\0'));
    json_object_set_new(o, "currency", json_string(c->currency));
    json_object_set_new(o, "currency_overridden", json_boolean(c->currency_override[0] != '\0'));
    json_object_set_new(o, "document_type", json_string(parties_doc_type_name(c->doc_type)));
    json_object_set_new(o, "document_type_overridden",
                        json_boolean(c->doc_type_override != PARTIES_DOC_AUTO));
    json_object_set_new(o, "payment_days", json_integer(c->payment_days));
    json_object_set_new(o, "payment_method",
                        json_string(parties_payment_method_name(c->payment_method)));
    json_object_set_new(o, "credit_limit",
                        c->has_credit_limit ? money_json(c->credit_limit, c->currency)
                                            : json_null());
    json_object_set_new(o, "street", json_string(c->street));
    json_object_set_new(o, "postal_code", json_string(c->postal_code));
    json_object_set_new(o, "city", json_string(c->city));
    json_object_set_new(o, "document_email", opt_string(c->document_email));
    json_object_set_new(o, "notes", json_string(c->notes));
    json_object_set_new(o, "active", json_boolean(c->active));
    json_object_set_new(o, "created_at", json_integer(c->created_at));
    json_object_set_new(o, "updated_at", json_integer(c->updated_at));
    return o;
}

static json_t *address_json(const struct parties_address *a)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)a->id, "label",
                     a->label, "recipient", a->recipient, "street", a->street, "postal_code",
                     a->postal_code, "city", a->city, "country", a->country, "default",
                     a->is_default);
}

static json_t *contact_json(const struct parties_contact *c)
{
    return json_pack("{s:I, s:s, s:o, s:o, s:s}", "id", (json_int_t)c->id, "name", c->name, "email",
                     opt_string(c->email), "phone", opt_string(c->phone), "role", c->role);
}

static json_t *bank_json(const struct parties_bank_account *b)
{
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)b->id, "iban", b->iban, "bank_name",
                     b->bank_name);
}

/* ---- customer fields from options ---- */

struct customer_opts {
    const char *code, *name, *country, *tax_id, *tax_kind, *regon, *lang, *currency, *doc_type,
        *payment_days, *payment_method, *credit_limit, *street, *postal_code, *city, *email, *notes;
};

#define CUSTOMER_OPTS(f)                                                                           \
    {"name", &(f).name, NULL}, {"country", &(f).country, NULL}, {"tax-id", &(f).tax_id, NULL},     \
        {"tax-kind", &(f).tax_kind, NULL}, {"regon", &(f).regon, NULL}, {"lang", &(f).lang, NULL}, \
        {"currency", &(f).currency, NULL}, {"doc-type", &(f).doc_type, NULL},                      \
        {"payment-days", &(f).payment_days, NULL}, {"payment-method", &(f).payment_method, NULL},  \
        {"credit-limit", &(f).credit_limit, NULL}, {"street", &(f).street, NULL},                  \
        {"postal-code", &(f).postal_code, NULL}, {"city", &(f).city, NULL},                        \
        {"email", &(f).email, NULL},                                                               \
    {                                                                                              \
        "notes", &(f).notes, NULL                                                                  \
    }

/* Copies the given options into c ("auto" clears an override). */
static int apply_opts(const struct customer_opts *f, struct parties_customer *c)
{
    struct kt_err err;
    int rc = 0;
    const struct {
        const char *value, *what;
        char *out;
        size_t n;
    } texts[] = {
        {f->code, "code", c->code, sizeof c->code},
        {f->name, "name", c->name, sizeof c->name},
        {f->country, "country", c->country, sizeof c->country},
        {f->tax_id, "tax id", c->tax_id, sizeof c->tax_id},
        {f->regon, "REGON", c->regon, sizeof c->regon},
        {f->street, "street", c->street, sizeof c->street},
        {f->postal_code, "postal code", c->postal_code, sizeof c->postal_code},
        {f->city, "city", c->city, sizeof c->city},
        {f->email, "e-mail", c->document_email, sizeof c->document_email},
        {f->notes, "notes", c->notes, sizeof c->notes},
    };
    for (size_t i = 0; i < COUNT(texts) && rc == 0; i++)
        if (texts[i].value != NULL)
            rc = copy_arg(texts[i].what, texts[i].value, texts[i].out, texts[i].n);
    if (rc != 0)
        return rc;
    if (f->tax_id != NULL && f->tax_kind == NULL)
        c->tax_id_kind = PARTIES_TAX_NONE; /* a new tax id: let the country decide its kind */
    if (f->tax_kind != NULL && parties_tax_kind_parse(f->tax_kind, &c->tax_id_kind, &err) < 0)
        return fail(&err);
    if (f->lang != NULL && (rc = copy_arg("language", strcmp(f->lang, "auto") == 0 ? "" : f->lang,
                                          c->lang_override, sizeof c->lang_override)) != 0)
        return rc;
    if (f->currency != NULL &&
        (rc = copy_arg("currency", strcmp(f->currency, "auto") == 0 ? "" : f->currency,
                       c->currency_override, sizeof c->currency_override)) != 0)
        return rc;
    if (f->doc_type != NULL && parties_doc_type_parse(f->doc_type, &c->doc_type_override, &err) < 0)
        return fail(&err);
    if (f->payment_days != NULL) {
        long long v;
        if ((rc = parse_int("payment days", f->payment_days, 0, 365, &v)) != 0)
            return rc;
        c->payment_days = (int)v;
    }
    if (f->payment_method != NULL &&
        parties_payment_method_parse(f->payment_method, &c->payment_method, &err) < 0)
        return fail(&err);
    if (f->credit_limit != NULL) {
        if (strcmp(f->credit_limit, "none") == 0) {
            c->has_credit_limit = 0;
            c->credit_limit = 0;
        } else {
            /* The limit is in the customer's currency: the override, or the
             * default of the country. */
            char currency[4], lang[3];
            enum parties_doc_type doc;
            if (c->currency_override[0] != '\0')
                kt_strlcpy(currency, c->currency_override, sizeof currency);
            else if (parties_customer_defaults(c->country, NULL, currency, lang, &doc, &err) < 0)
                return fail(&err);
            if (kt_money_parse(f->credit_limit, NULL, currency, &c->credit_limit, &err) < 0)
                return cli_error(CLI_EXIT_USAGE, "customer %s: credit limit: %s", c->code, err.msg);
            c->has_credit_limit = 1;
        }
    }
    return 0;
}

/* ---- text output ---- */

static void print_customer(const struct parties_customer *c)
{
    const struct parties_country *country = parties_country_find(c->country);
    printf("%s  %s%s\n", c->code, c->name, c->active ? "" : "  (inactive)");
    printf("  tax id:        %s%s%s\n", c->tax_id[0] != '\0' ? c->tax_id : "none",
           c->tax_id[0] != '\0' ? " " : "",
           c->tax_id[0] != '\0' ? (c->tax_id_kind == PARTIES_TAX_NIP      ? "(NIP)"
                                   : c->tax_id_kind == PARTIES_TAX_EU_VAT ? "(EU VAT id)"
                                                                          : "(foreign)")
                                : "");
    if (c->regon[0] != '\0')
        printf("  REGON:         %s\n", c->regon);
    printf("  country:       %s %s\n", c->country, country != NULL ? country->name_en : "");
    printf("  address:       %s, %s %s\n", c->street, c->postal_code, c->city);
    printf("  language:      %s%s\n", c->lang, c->lang_override[0] != '\0' ? " (overridden)" : "");
    printf("  currency:      %s%s\n", c->currency,
           c->currency_override[0] != '\0' ? " (overridden)" : "");
    printf("  document type: %s%s\n", parties_doc_type_name(c->doc_type),
           c->doc_type_override != PARTIES_DOC_AUTO ? " (overridden)" : "");
    printf("  payment:       %d days, %s\n", c->payment_days,
           parties_payment_method_name(c->payment_method));
    if (c->has_credit_limit) {
        struct kt_buf b;
        struct kt_err err;
        kt_buf_init(&b, 64);
        if (kt_money_format(&b, c->credit_limit, c->currency, "en", &err) == 0)
            printf("  credit limit:  %s\n", kt_buf_str(&b));
        kt_buf_release(&b);
    }
    if (c->document_email[0] != '\0')
        printf("  documents to:  %s\n", c->document_email);
    if (c->notes[0] != '\0')
        printf("  notes:         %s\n", c->notes);
    printf("  version:       %lld\n", (long long)c->version);
}

/* ---- subcommands ---- */

static int find(struct cli *cli, const char *code, struct parties_customer *c)
{
    struct kt_err err;
    if (parties_customer_get_by_code(cli->st, code, c, &err) < 0)
        return fail(&err);
    return 0;
}

static int customer_add(struct cli *cli, int argc, char **argv)
{
    struct customer_opts f = {0};
    const struct cli_opt opts[] = {CUSTOMER_OPTS(f)};
    char *pos[1];
    size_t npos;
    struct parties_customer c;
    struct kt_err err;
    int rc = cli_parse_opts("customer add", argc, argv, opts, COUNT(opts), pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1 || f.name == NULL || f.country == NULL)
        return cli_error(CLI_EXIT_USAGE,
                         "'customer add' needs a CODE, --name and --country; see 'kontor help "
                         "customer'");
    parties_customer_init(&c);
    f.code = pos[0];
    if ((rc = apply_opts(&f, &c)) != 0)
        return rc;
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    if (parties_customer_create(cli->st, &c, &err) < 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(customer_json(&c));
    printf("created customer %s (%s, %s, %s)\n", c.code, c.country, c.currency,
           parties_doc_type_name(c.doc_type));
    return 0;
}

static int customer_update(struct cli *cli, int argc, char **argv)
{
    struct customer_opts f = {0};
    const char *new_code = NULL;
    const struct cli_opt opts[] = {CUSTOMER_OPTS(f), {"code", &new_code, NULL}};
    char *pos[1];
    size_t npos;
    struct parties_customer c;
    struct kt_err err;
    int rc = cli_parse_opts("customer update", argc, argv, opts, COUNT(opts), pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "'customer update' needs the CODE of the customer");
    if ((rc = cli_use_db(cli)) != 0 || (rc = find(cli, pos[0], &c)) != 0)
        return rc;
    f.code = new_code;
    if ((rc = apply_opts(&f, &c)) != 0)
        return rc;
    if (parties_customer_update(cli->st, &c, &err) < 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(customer_json(&c));
    printf("updated customer %s (version %lld)\n", c.code, (long long)c.version);
    return 0;
}

static int customer_show(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    struct parties_customer c;
    struct parties_address *addr;
    struct parties_contact *cont;
    struct parties_bank_account *bank;
    size_t na, nc, nb;
    struct kt_arena arena;
    struct kt_err err;
    int rc = cli_parse_opts("customer show", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "'customer show' needs the CODE of the customer");
    if ((rc = cli_use_db(cli)) != 0 || (rc = find(cli, pos[0], &c)) != 0)
        return rc;
    kt_arena_init(&arena, 0);
    if (parties_address_list(cli->st, c.id, &arena, &addr, &na, &err) < 0 ||
        parties_contact_list(cli->st, c.id, &arena, &cont, &nc, &err) < 0 ||
        parties_bank_account_list(cli->st, c.id, &arena, &bank, &nb, &err) < 0) {
        rc = fail(&err);
        goto out;
    }
    if (cli->json) {
        json_t *o = customer_json(&c);
        json_t *a = json_array(), *k = json_array(), *b = json_array();
        for (size_t i = 0; i < na; i++)
            json_array_append_new(a, address_json(&addr[i]));
        for (size_t i = 0; i < nc; i++)
            json_array_append_new(k, contact_json(&cont[i]));
        for (size_t i = 0; i < nb; i++)
            json_array_append_new(b, bank_json(&bank[i]));
        json_object_set_new(o, "addresses", a);
        json_object_set_new(o, "contacts", k);
        json_object_set_new(o, "bank_accounts", b);
        rc = cli_print_json(o);
        goto out;
    }
    print_customer(&c);
    for (size_t i = 0; i < na; i++)
        printf("  delivery #%lld: %s%s: %s%s%s, %s %s, %s\n", (long long)addr[i].id, addr[i].label,
               addr[i].is_default ? " (default)" : "", addr[i].recipient,
               addr[i].recipient[0] != '\0' ? ", " : "", addr[i].street, addr[i].postal_code,
               addr[i].city, addr[i].country);
    for (size_t i = 0; i < nc; i++)
        printf("  contact #%lld: %s%s%s %s %s\n", (long long)cont[i].id, cont[i].name,
               cont[i].role[0] != '\0' ? " – " : "", cont[i].role, cont[i].email, cont[i].phone);
    for (size_t i = 0; i < nb; i++)
        printf("  bank #%lld: %s %s\n", (long long)bank[i].id, bank[i].iban, bank[i].bank_name);
out:
    kt_arena_release(&arena);
    return rc;
}

static int customer_list(struct cli *cli, int argc, char **argv)
{
    const char *search = NULL, *country = NULL, *limit = NULL, *offset = NULL;
    int all = 0;
    const struct cli_opt opts[] = {{"search", &search, NULL},
                                   {"country", &country, NULL},
                                   {"limit", &limit, NULL},
                                   {"offset", &offset, NULL},
                                   {"all", NULL, &all}};
    char *pos[1];
    size_t npos, n;
    struct parties_customer_query q = {0};
    struct parties_customer *page;
    struct kt_arena arena;
    struct kt_err err;
    int64_t total;
    long long v;
    int rc = cli_parse_opts("customer list", argc, argv, opts, COUNT(opts), pos, 1, &npos);
    if (rc != 0)
        return rc;
    q.search = npos == 1 ? pos[0] : search;
    q.country = country;
    q.include_inactive = all;
    if (limit != NULL) {
        if ((rc = parse_int("--limit", limit, 1, 1000, &v)) != 0)
            return rc;
        q.limit = v;
    }
    if (offset != NULL) {
        if ((rc = parse_int("--offset", offset, 0, INT64_MAX, &v)) != 0)
            return rc;
        q.offset = v;
    }
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    kt_arena_init(&arena, 0);
    if (parties_customer_list(cli->st, &q, &arena, &page, &n, &total, &err) < 0) {
        rc = fail(&err);
        goto out;
    }
    if (cli->json) {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, customer_json(&page[i]));
        rc =
            cli_print_json(json_pack("{s:o, s:I}", "customers", items, "total", (json_int_t)total));
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        printf("%-12s %-40s %s %-12s %s %s%s\n", page[i].code, page[i].name, page[i].country,
               page[i].tax_id, page[i].currency, parties_doc_type_name(page[i].doc_type),
               page[i].active ? "" : " (inactive)");
    printf("%zu of %lld customer%s\n", n, (long long)total, total == 1 ? "" : "s");
out:
    kt_arena_release(&arena);
    return rc;
}

static int customer_set_active(struct cli *cli, int argc, char **argv, int active)
{
    char *pos[1];
    size_t npos;
    struct parties_customer c;
    struct kt_err err;
    int rc = cli_parse_opts(active ? "customer activate" : "customer deactivate", argc, argv, NULL,
                            0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "'customer %s' needs the CODE of the customer",
                         active ? "activate" : "deactivate");
    if ((rc = cli_use_db(cli)) != 0 || (rc = find(cli, pos[0], &c)) != 0)
        return rc;
    if (parties_customer_set_active(cli->st, c.id, active, &err) < 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(json_pack("{s:s, s:b}", "code", c.code, "active", active));
    printf("customer %s is %s\n", c.code, active ? "active" : "inactive");
    return 0;
}

/* ---- addresses, contacts and bank accounts of a customer ---- */

/* What 'customer address|contact|bank add|remove' differ in. */
struct sub_kind {
    const char *cmd;       /* "customer address" */
    const char *add_args;  /* "CODE ...": in "use 'customer address add CODE ...'" */
    const char *add_needs; /* "the CODE": in "'customer address add' needs the CODE" */
    size_t add_npos;       /* positional arguments of add */
    const char *noun;      /* "delivery address": in "removed delivery address #3 of K001" */
    const char *id_what;   /* "address id": names a bad ID */
    int (*remove)(struct store *st, int64_t version, int64_t customer_id, int64_t id,
                  int64_t *new_version, struct kt_err *err);
};

static const struct sub_kind address_kind = {
    .cmd = "customer address",
    .add_args = "CODE ...",
    .add_needs = "the CODE",
    .add_npos = 1,
    .noun = "delivery address",
    .id_what = "address id",
    .remove = parties_address_remove,
};

static const struct sub_kind contact_kind = {
    .cmd = "customer contact",
    .add_args = "CODE --name ...",
    .add_needs = "the CODE",
    .add_npos = 1,
    .noun = "contact",
    .id_what = "contact id",
    .remove = parties_contact_remove,
};

static const struct sub_kind bank_kind = {
    .cmd = "customer bank",
    .add_args = "CODE IBAN",
    .add_needs = "CODE and IBAN",
    .add_npos = 2,
    .noun = "bank account",
    .id_what = "bank account id",
    .remove = parties_bank_account_remove,
};

/*
 * The start of 'customer KIND add CODE ... | remove CODE ID': checks the
 * verb and the arguments (into pos; the options only for add), opens the
 * database and finds the customer *c. *removing says which verb it was.
 */
static int sub_start(struct cli *cli, int argc, char **argv, const struct sub_kind *k,
                     const struct cli_opt *opts, size_t nopts, char **pos,
                     struct parties_customer *c, int *removing)
{
    size_t npos;
    int rc;

    if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "remove") != 0))
        return cli_error(CLI_EXIT_USAGE, "use '%s add %s' or '%s remove CODE ID'", k->cmd,
                         k->add_args, k->cmd);
    *removing = strcmp(argv[1], "remove") == 0;
    rc = cli_parse_opts(k->cmd, argc - 1, argv + 1, opts, *removing ? 0 : nopts, pos, 2, &npos);
    if (rc != 0)
        return rc;
    if (*removing && npos != 2)
        return cli_error(CLI_EXIT_USAGE, "'%s remove' needs CODE and ID", k->cmd);
    if (!*removing && npos != k->add_npos)
        return cli_error(CLI_EXIT_USAGE, "'%s add' needs %s", k->cmd, k->add_needs);
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    return find(cli, pos[0], c);
}

/* 'customer KIND remove CODE ID' after sub_start; id_arg is the ID as typed. */
static int sub_remove(struct cli *cli, const struct sub_kind *k, const struct parties_customer *c,
                      const char *id_arg)
{
    struct kt_err err;
    long long id;
    int rc = parse_int(k->id_what, id_arg, 1, INT64_MAX, &id);
    if (rc != 0)
        return rc;
    if (k->remove(cli->st, 0, c->id, id, NULL, &err) < 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(json_pack("{s:s, s:I}", "code", c->code, "removed", id));
    printf("removed %s #%lld of %s\n", k->noun, id, c->code);
    return 0;
}

static int customer_address(struct cli *cli, int argc, char **argv)
{
    const char *label = NULL, *recipient = NULL, *street = NULL, *postal = NULL, *city = NULL,
               *country = NULL;
    int is_default = 0;
    const struct cli_opt opts[] = {{"label", &label, NULL},       {"recipient", &recipient, NULL},
                                   {"street", &street, NULL},     {"postal-code", &postal, NULL},
                                   {"city", &city, NULL},         {"country", &country, NULL},
                                   {"default", NULL, &is_default}};
    char *pos[2];
    struct parties_customer c;
    struct kt_err err;
    int removing;
    int rc = sub_start(cli, argc, argv, &address_kind, opts, COUNT(opts), pos, &c, &removing);
    if (rc != 0)
        return rc;
    if (removing)
        return sub_remove(cli, &address_kind, &c, pos[1]);
    struct parties_address a = {.customer_id = c.id, .is_default = is_default};
    if ((label != NULL && (rc = copy_arg("label", label, a.label, sizeof a.label)) != 0) ||
        (recipient != NULL &&
         (rc = copy_arg("recipient", recipient, a.recipient, sizeof a.recipient)) != 0) ||
        (street != NULL && (rc = copy_arg("street", street, a.street, sizeof a.street)) != 0) ||
        (postal != NULL &&
         (rc = copy_arg("postal code", postal, a.postal_code, sizeof a.postal_code)) != 0) ||
        (city != NULL && (rc = copy_arg("city", city, a.city, sizeof a.city)) != 0) ||
        (country != NULL && (rc = copy_arg("country", country, a.country, sizeof a.country)) != 0))
        return rc;
    if (parties_address_add(cli->st, 0, &a, NULL, &err) < 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(address_json(&a));
    printf("added delivery address #%lld \"%s\" to %s%s\n", (long long)a.id, a.label, c.code,
           a.is_default ? " (default)" : "");
    return 0;
}

static int customer_contact(struct cli *cli, int argc, char **argv)
{
    const char *name = NULL, *email = NULL, *phone = NULL, *role = NULL;
    const struct cli_opt opts[] = {{"name", &name, NULL},
                                   {"email", &email, NULL},
                                   {"phone", &phone, NULL},
                                   {"role", &role, NULL}};
    char *pos[2];
    struct parties_customer c;
    struct kt_err err;
    int removing;
    int rc = sub_start(cli, argc, argv, &contact_kind, opts, COUNT(opts), pos, &c, &removing);
    if (rc != 0)
        return rc;
    if (removing)
        return sub_remove(cli, &contact_kind, &c, pos[1]);
    struct parties_contact k = {.customer_id = c.id};
    if ((name != NULL && (rc = copy_arg("name", name, k.name, sizeof k.name)) != 0) ||
        (email != NULL && (rc = copy_arg("e-mail", email, k.email, sizeof k.email)) != 0) ||
        (phone != NULL && (rc = copy_arg("phone", phone, k.phone, sizeof k.phone)) != 0) ||
        (role != NULL && (rc = copy_arg("role", role, k.role, sizeof k.role)) != 0))
        return rc;
    if (parties_contact_add(cli->st, 0, &k, NULL, &err) < 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(contact_json(&k));
    printf("added contact #%lld %s to %s\n", (long long)k.id, k.name, c.code);
    return 0;
}

static int customer_bank(struct cli *cli, int argc, char **argv)
{
    const char *bank_name = NULL;
    const struct cli_opt opts[] = {{"bank-name", &bank_name, NULL}};
    char *pos[2];
    struct parties_customer c;
    struct kt_err err;
    int removing;
    int rc = sub_start(cli, argc, argv, &bank_kind, opts, COUNT(opts), pos, &c, &removing);
    if (rc != 0)
        return rc;
    if (removing)
        return sub_remove(cli, &bank_kind, &c, pos[1]);
    struct parties_bank_account b = {.customer_id = c.id};
    if ((rc = copy_arg("IBAN", pos[1], b.iban, sizeof b.iban)) != 0 ||
        (bank_name != NULL &&
         (rc = copy_arg("bank name", bank_name, b.bank_name, sizeof b.bank_name)) != 0))
        return rc;
    if (parties_bank_account_add(cli->st, 0, &b, NULL, &err) < 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(bank_json(&b));
    printf("added bank account #%lld %s to %s\n", (long long)b.id, b.iban, c.code);
    return 0;
}

static int customer_find_iban(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    struct parties_customer c;
    struct kt_err err;
    int rc = cli_parse_opts("customer find-iban", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "'customer find-iban' needs an IBAN");
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    if (parties_customer_find_by_iban(cli->st, pos[0], &c, &err) < 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(customer_json(&c));
    printf("%s  %s\n", c.code, c.name);
    return 0;
}

int cli_cmd_customer(struct cli *cli, int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(struct cli *, int, char **);
    } subs[] = {
        {"add", customer_add},   {"update", customer_update},       {"show", customer_show},
        {"list", customer_list}, {"address", customer_address},     {"contact", customer_contact},
        {"bank", customer_bank}, {"find-iban", customer_find_iban},
    };
    static const char *const names[] = {"add",     "update", "show",      "list",     "address",
                                        "contact", "bank",   "find-iban", "activate", "deactivate",
                                        "import",  "export"};
    if (argc < 2)
        return cli_error(CLI_EXIT_USAGE, "'customer' needs a subcommand: add, update, show, list, "
                                         "activate, deactivate, address, contact, bank, "
                                         "find-iban; see 'kontor help customer'");
    if (strcmp(argv[1], "activate") == 0 || strcmp(argv[1], "deactivate") == 0)
        return customer_set_active(cli, argc - 1, argv + 1, argv[1][0] == 'a');
    if (strcmp(argv[1], "import") == 0 || strcmp(argv[1], "export") == 0)
        return cli_exchange_alias(cli, "customers", argc - 1, argv + 1);
    for (size_t i = 0; i < COUNT(subs); i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(cli, argc - 1, argv + 1);
    const char *s = cli_suggest(argv[1], names, COUNT(names));
    if (s != NULL)
        return cli_error(CLI_EXIT_USAGE, "'customer' has no subcommand '%s'; did you mean '%s'?",
                         argv[1], s);
    return cli_error(CLI_EXIT_USAGE,
                     "'customer' has no subcommand '%s'; see 'kontor help customer'", argv[1]);
}

/* ---- company ---- */

static json_t *company_json(const struct parties_company *c)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    json_object_set_new(o, "version", json_integer(c->version));
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "nip", json_string(c->nip));
    json_object_set_new(o, "regon", opt_string(c->regon));
    json_object_set_new(o, "street", json_string(c->street));
    json_object_set_new(o, "postal_code", json_string(c->postal_code));
    json_object_set_new(o, "city", json_string(c->city));
    json_object_set_new(o, "country", json_string(c->country));
    json_object_set_new(o, "default_warehouse", opt_string(c->default_warehouse));
    json_object_set_new(o, "default_lang", json_string(c->default_lang));
    json_object_set_new(o, "email_from_name", json_string(c->email_from_name));
    json_object_set_new(o, "email_from_address", opt_string(c->email_from_address));
    json_object_set_new(o, "logo_blob", opt_string(c->logo_blob));
    json_object_set_new(o, "logo_type", opt_string(c->logo_type));
    return o;
}

static json_t *account_json(const struct parties_company_account *a)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:b}", "id", (json_int_t)a->id, "currency",
                     a->currency, "iban", a->iban, "bank_name", a->bank_name, "swift",
                     opt_string(a->swift), "default", a->is_default);
}

static int company_show(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos, n;
    struct parties_company c;
    struct parties_company_account *acc;
    struct kt_arena arena;
    struct kt_err err;
    int rc = cli_parse_opts("company show", argc, argv, NULL, 0, pos, 0, &npos);
    if (rc != 0)
        return rc;
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    if (parties_company_get(cli->st, &c, &err) < 0)
        return fail(&err);
    kt_arena_init(&arena, 0);
    if (parties_company_account_list(cli->st, &arena, &acc, &n, &err) < 0) {
        rc = fail(&err);
        goto out;
    }
    if (cli->json) {
        json_t *o = company_json(&c), *list = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, account_json(&acc[i]));
        json_object_set_new(o, "bank_accounts", list);
        rc = cli_print_json(o);
        goto out;
    }
    printf("%s\n  NIP:           %s\n", c.name, c.nip);
    if (c.regon[0] != '\0')
        printf("  REGON:         %s\n", c.regon);
    printf("  address:       %s, %s %s, %s\n", c.street, c.postal_code, c.city, c.country);
    printf("  language:      %s\n", c.default_lang);
    if (c.default_warehouse[0] != '\0')
        printf("  warehouse:     %s\n", c.default_warehouse);
    if (c.email_from_address[0] != '\0')
        printf("  e-mail from:   %s <%s>\n", c.email_from_name, c.email_from_address);
    if (c.logo_blob[0] != '\0')
        printf("  logo:          %s (%s)\n", c.logo_blob, c.logo_type);
    for (size_t i = 0; i < n; i++)
        printf("  bank #%lld:       %s %s %s%s%s\n", (long long)acc[i].id, acc[i].currency,
               acc[i].iban, acc[i].bank_name, acc[i].swift[0] != '\0' ? " " : "", acc[i].swift);
    for (size_t i = 0; i < n; i++)
        if (acc[i].is_default)
            printf("  pro-formas in %s show account #%lld\n", acc[i].currency,
                   (long long)acc[i].id);
out:
    kt_arena_release(&arena);
    return rc;
}

static int company_set(struct cli *cli, int argc, char **argv)
{
    const char *v[11] = {0};
    static const char *const names[11] = {
        "name",    "nip",       "regon", "street",          "postal-code", "city",
        "country", "warehouse", "lang",  "email-from-name", "email-from"};
    struct cli_opt opts[11];
    char *pos[1];
    size_t npos;
    struct parties_company c;
    struct kt_err err;
    int rc;

    for (size_t i = 0; i < COUNT(opts); i++)
        opts[i] = (struct cli_opt){names[i], &v[i], NULL};
    rc = cli_parse_opts("company set", argc, argv, opts, COUNT(opts), pos, 0, &npos);
    if (rc != 0)
        return rc;
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    rc = parties_company_get(cli->st, &c, &err);
    if (rc == KT_ENOTFOUND)
        memset(&c, 0, sizeof c); /* first set-up: version 0 */
    else if (rc < 0)
        return fail(&err);
    char *out[11] = {c.name,
                     c.nip,
                     c.regon,
                     c.street,
                     c.postal_code,
                     c.city,
                     c.country,
                     c.default_warehouse,
                     c.default_lang,
                     c.email_from_name,
                     c.email_from_address};
    size_t size[11] = {sizeof c.name,
                       sizeof c.nip,
                       sizeof c.regon,
                       sizeof c.street,
                       sizeof c.postal_code,
                       sizeof c.city,
                       sizeof c.country,
                       sizeof c.default_warehouse,
                       sizeof c.default_lang,
                       sizeof c.email_from_name,
                       sizeof c.email_from_address};
    for (size_t i = 0; i < COUNT(opts); i++)
        if (v[i] != NULL && (rc = copy_arg(names[i], v[i], out[i], size[i])) != 0)
            return rc;
    if (parties_company_set(cli->st, &c, &err) < 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(company_json(&c));
    printf("company %s saved (version %lld)\n", c.name, (long long)c.version);
    return 0;
}

static int company_bank(struct cli *cli, int argc, char **argv)
{
    const char *currency = NULL, *bank_name = NULL, *swift = NULL;
    int is_default = 0;
    const struct cli_opt opts[] = {{"currency", &currency, NULL},
                                   {"bank-name", &bank_name, NULL},
                                   {"swift", &swift, NULL},
                                   {"default", NULL, &is_default}};
    char *pos[1];
    size_t npos;
    struct kt_err err;
    int removing;
    int rc;

    if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "remove") != 0))
        return cli_error(CLI_EXIT_USAGE, "use 'company bank add IBAN --currency CUR' or 'company "
                                         "bank remove ID'");
    removing = strcmp(argv[1], "remove") == 0;
    rc = cli_parse_opts("company bank", argc - 1, argv + 1, opts, removing ? 0 : COUNT(opts), pos,
                        1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1 || (!removing && currency == NULL))
        return cli_error(CLI_EXIT_USAGE, removing ? "'company bank remove' needs the account ID"
                                                  : "'company bank add' needs IBAN and --currency");
    if ((rc = cli_use_db(cli)) != 0)
        return rc;
    if (removing) {
        long long id;
        if ((rc = parse_int("bank account id", pos[0], 1, INT64_MAX, &id)) != 0)
            return rc;
        if (parties_company_account_remove(cli->st, id, &err) < 0)
            return fail(&err);
        if (cli->json)
            return cli_print_json(json_pack("{s:I}", "removed", id));
        printf("removed company bank account #%lld\n", id);
        return 0;
    }
    struct parties_company_account a = {.is_default = is_default};
    if ((rc = copy_arg("IBAN", pos[0], a.iban, sizeof a.iban)) != 0 ||
        (rc = copy_arg("currency", currency, a.currency, sizeof a.currency)) != 0 ||
        (bank_name != NULL &&
         (rc = copy_arg("bank name", bank_name, a.bank_name, sizeof a.bank_name)) != 0) ||
        (swift != NULL && (rc = copy_arg("SWIFT/BIC", swift, a.swift, sizeof a.swift)) != 0))
        return rc;
    if (parties_company_account_add(cli->st, &a, &err) < 0)
        return fail(&err);
    if (cli->json)
        return cli_print_json(account_json(&a));
    printf("added company bank account #%lld %s %s%s\n", (long long)a.id, a.currency, a.iban,
           a.is_default ? " (default)" : "");
    return 0;
}

#define READ_CHUNK 65536

/* Reads at most max + 1 bytes of path into out (one more than allowed, so
 * that the module can say the file is too big). */
static int read_file(const char *path, size_t max, struct kt_buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[READ_CHUNK];
    size_t n;
    int rc = 0;
    if (f == NULL)
        return cli_error(CLI_EXIT_USAGE, "cannot open %s: %s", path, strerror(errno));
    while (rc == 0 && out->len <= max && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (kt_buf_add(out, chunk, n) < 0)
            rc = cli_error(CLI_EXIT_INTERNAL, "out of memory reading %s", path);
    if (rc == 0 && ferror(f))
        rc = cli_error(CLI_EXIT_USAGE, "cannot read %s: %s", path, strerror(errno));
    fclose(f);
    return rc;
}

static int company_logo(struct cli *cli, int argc, char **argv)
{
    char *pos[1];
    size_t npos;
    struct kt_buf data;
    struct kt_err err;
    char hex[BLOB_HEX_LEN + 1];
    int rc = cli_parse_opts("company logo", argc, argv, NULL, 0, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos != 1)
        return cli_error(CLI_EXIT_USAGE, "'company logo' needs the FILE (PNG or JPEG)");
    kt_buf_init(&data, PARTIES_LOGO_MAX + READ_CHUNK + 1);
    if ((rc = read_file(pos[0], PARTIES_LOGO_MAX, &data)) != 0)
        goto out;
    if ((rc = cli_use_db(cli)) != 0)
        goto out;
    if (parties_company_set_logo(cli->st, kt_config_get(cli->cfg, "data", "dir"), data.data,
                                 data.len, hex, &err) < 0) {
        rc = fail(&err);
        goto out;
    }
    if (cli->json)
        rc = cli_print_json(json_pack("{s:s, s:s}", "logo_blob", hex, "logo_type",
                                      parties_logo_type(data.data, data.len)));
    else
        printf("company logo set: %s (%s, %zu bytes)\n", hex,
               parties_logo_type(data.data, data.len), data.len);
out:
    kt_buf_release(&data);
    return rc;
}

int cli_cmd_company(struct cli *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return company_show(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "set") == 0)
        return company_set(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "bank") == 0)
        return company_bank(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "logo") == 0)
        return company_logo(cli, argc - 1, argv + 1);
    return cli_error(CLI_EXIT_USAGE, "'company' needs a subcommand: show, set, bank, logo; see "
                                     "'kontor help company'");
}
