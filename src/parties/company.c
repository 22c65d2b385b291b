#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/validate.h"
#include "parties/check.h"
#include "parties/company.h"
#include "parties/country.h"
#include "base/banned.h"

#define COMPANY_COLUMNS                                                                            \
    "version, name, nip, regon, street, postal_code, city, country, default_warehouse, "           \
    "default_lang, email_from_name, email_from_address, logo_blob, logo_type, updated_at"

static void read_company(struct store_stmt *s, struct parties_company *c)
{
    memset(c, 0, sizeof *c);
    c->version = store_col_int64(s, 0);
    parties_col_copy(s, 1, c->name, sizeof c->name);
    parties_col_copy(s, 2, c->nip, sizeof c->nip);
    parties_col_copy(s, 3, c->regon, sizeof c->regon);
    parties_col_copy(s, 4, c->street, sizeof c->street);
    parties_col_copy(s, 5, c->postal_code, sizeof c->postal_code);
    parties_col_copy(s, 6, c->city, sizeof c->city);
    parties_col_copy(s, 7, c->country, sizeof c->country);
    parties_col_copy(s, 8, c->default_warehouse, sizeof c->default_warehouse);
    parties_col_copy(s, 9, c->default_lang, sizeof c->default_lang);
    parties_col_copy(s, 10, c->email_from_name, sizeof c->email_from_name);
    parties_col_copy(s, 11, c->email_from_address, sizeof c->email_from_address);
    parties_col_copy(s, 12, c->logo_blob, sizeof c->logo_blob);
    parties_col_copy(s, 13, c->logo_type, sizeof c->logo_type);
    c->updated_at = store_col_int64(s, 14);
}

int parties_company_get(struct store *st, struct parties_company *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, "SELECT " COMPANY_COLUMNS " FROM company WHERE id = 1", &s, err);
    if (rc < 0)
        return rc;
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        read_company(s, out);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND,
                        "the own company is not set up yet (kontor company set --name ... "
                        "--nip ...).");
    }
    store_stmt_done(s);
    return rc;
}

static int company_check(struct parties_company *c, struct kt_err *err)
{
    const struct parties_country *country;
    char norm[PARTIES_TAX_ID_MAX + 1];
    int rc;

    if ((rc = parties_check_text("name", c->name, 1, 0, c->name, sizeof c->name, err)) < 0)
        goto out;
    if ((rc = parties_country_get(c->country[0] != '\0' ? c->country : "PL", &country, err)) < 0)
        goto out;
    memcpy(c->country, country->code, 3);
    if (c->nip[0] == '\0') {
        rc = kt_err_set(err, KT_EINVAL, "NIP: required (the seller's NIP is on every invoice).");
        goto out;
    }
    if ((rc = kt_valid_nip(c->nip, err)) < 0 ||
        (rc = kt_normalize_tax_id(c->nip, norm, sizeof norm, err)) < 0)
        goto out;
    kt_strlcpy(c->nip, norm[0] == 'P' ? norm + 2 : norm, sizeof c->nip);
    if (c->regon[0] != '\0') {
        if ((rc = kt_valid_regon(c->regon, err)) < 0 ||
            (rc = kt_normalize_tax_id(c->regon, norm, sizeof norm, err)) < 0)
            goto out;
        kt_strlcpy(c->regon, norm, sizeof c->regon);
    }
    if ((rc = parties_check_text("street", c->street, 0, 0, c->street, sizeof c->street, err)) <
            0 ||
        (rc = parties_check_text("city", c->city, 0, 0, c->city, sizeof c->city, err)) < 0 ||
        (rc = parties_check_text("e-mail sender name", c->email_from_name, 0, 0, c->email_from_name,
                                 sizeof c->email_from_name, err)) < 0)
        goto out;
    if (c->postal_code[0] != '\0' &&
        (rc = parties_postal_code_check(country->code, c->postal_code, c->postal_code,
                                        sizeof c->postal_code, err)) < 0)
        goto out;
    if (c->default_warehouse[0] != '\0' &&
        (rc = parties_check_code("default warehouse", c->default_warehouse, c->default_warehouse,
                                 sizeof c->default_warehouse, err)) < 0)
        goto out;
    if ((rc = parties_check_lang("default language",
                                 c->default_lang[0] != '\0' ? c->default_lang : "pl",
                                 c->default_lang, err)) < 0)
        goto out;
    if (c->email_from_address[0] != '\0' &&
        (rc = parties_check_email("e-mail sender address", c->email_from_address,
                                  c->email_from_address, sizeof c->email_from_address, err)) < 0)
        goto out;
out:
    if (rc < 0)
        kt_err_prefix(err, "company");
    return rc;
}

static int company_set_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct parties_company *c = ctx;
    struct store_stmt *s = NULL;
    int64_t now = parties_now_ms();
    const char *change = c->version == 0 ? "created" : "updated";
    int rc;

    if (c->version == 0)
        /* ON CONFLICT: a row set up meanwhile by someone else is a stale
         * "create", reported below as a conflict instead of a unique error. */
        rc = store_prepare(st,
                           "INSERT INTO company (id, name, nip, regon, street, postal_code, city, "
                           "country, default_warehouse, default_lang, email_from_name, "
                           "email_from_address, updated_at, version) VALUES (1, ?1, ?2, ?3, ?4, "
                           "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1) ON CONFLICT (id) DO NOTHING "
                           "RETURNING version",
                           &s, err);
    else
        rc = store_prepare(st,
                           "UPDATE company SET name = ?1, nip = ?2, regon = ?3, street = ?4, "
                           "postal_code = ?5, city = ?6, country = ?7, default_warehouse = ?8, "
                           "default_lang = ?9, email_from_name = ?10, email_from_address = ?11, "
                           "updated_at = ?12, version = version + 1 "
                           "WHERE id = 1 AND version = ?13 RETURNING version",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, c->name)) < 0 || (rc = store_bind_text(s, 2, c->nip)) < 0 ||
        (rc = parties_bind_opt(s, 3, c->regon)) < 0 ||
        (rc = store_bind_text(s, 4, c->street)) < 0 ||
        (rc = store_bind_text(s, 5, c->postal_code)) < 0 ||
        (rc = store_bind_text(s, 6, c->city)) < 0 || (rc = store_bind_text(s, 7, c->country)) < 0 ||
        (rc = parties_bind_opt(s, 8, c->default_warehouse)) < 0 ||
        (rc = store_bind_text(s, 9, c->default_lang)) < 0 ||
        (rc = store_bind_text(s, 10, c->email_from_name)) < 0 ||
        (rc = parties_bind_opt(s, 11, c->email_from_address)) < 0 ||
        (rc = store_bind_int64(s, 12, now)) < 0 ||
        (c->version != 0 && (rc = store_bind_int64(s, 13, c->version)) < 0)) {
        rc = parties_bind_failed(err, rc, "the company write");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc == STORE_DONE) {
        kt_err_set(err, KT_ECONFLICT,
                   "company was changed by someone else; reload it and try again.");
        rc = PARTIES_STALE;
        goto out;
    }
    c->version = store_col_int64(s, 0);
    c->updated_at = now;
    store_stmt_done(s);
    s = NULL;
    rc = parties_emit(st, "company.changed", "company_id", 1, NULL, change, err);
out:
    store_stmt_done(s);
    return rc;
}

int parties_company_set(struct store *st, struct parties_company *c, struct kt_err *err)
{
    struct parties_company work = *c;
    int rc;

    if (work.version < 0)
        return kt_err_set(err, KT_EINVAL, "company: version must not be negative.");
    if ((rc = company_check(&work, err)) < 0)
        return rc;
    rc = parties_tx(st, company_set_tx, &work, err);
    if (rc == 0) {
        /* The logo is not set here; report what is stored. */
        rc = parties_company_get(st, c, err);
    }
    return rc;
}

const char *parties_logo_type(const void *p, size_t n)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    static const unsigned char jpeg[3] = {0xFF, 0xD8, 0xFF};

    if (n >= sizeof png && memcmp(p, png, sizeof png) == 0)
        return "image/png";
    if (n >= sizeof jpeg && memcmp(p, jpeg, sizeof jpeg) == 0)
        return "image/jpeg";
    return NULL;
}

struct logo_ctx {
    const char *hex;
    const char *type;
};

static int logo_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct logo_ctx *x = ctx;
    struct store_stmt *s = NULL;
    int rc = store_prepare(st,
                           "UPDATE company SET logo_blob = ?1, logo_type = ?2, updated_at = ?3, "
                           "version = version + 1 WHERE id = 1",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, x->hex)) < 0 || (rc = store_bind_text(s, 2, x->type)) < 0 ||
        (rc = store_bind_int64(s, 3, parties_now_ms())) < 0) {
        rc = parties_bind_failed(err, rc, "the logo update");
        goto out;
    }
    if ((rc = store_step(s, err)) < 0)
        goto out;
    if (store_changes(st) == 0) {
        rc = kt_err_set(err, KT_ENOTFOUND,
                        "company logo: set up the company first (kontor company set).");
        goto out;
    }
    store_stmt_done(s);
    s = NULL;
    rc = parties_emit(st, "company.changed", "company_id", 1, NULL, "logo", err);
out:
    store_stmt_done(s);
    return rc;
}

int parties_company_set_logo(struct store *st, const char *data_dir, const void *p, size_t n,
                             char hex[BLOB_HEX_LEN + 1], struct kt_err *err)
{
    char name[BLOB_HEX_LEN + 1];
    struct logo_ctx x;
    int rc;

    if (n > PARTIES_LOGO_MAX)
        return kt_err_set(err, KT_ELIMIT, "company logo: %zu bytes, at most %zu allowed.", n,
                          PARTIES_LOGO_MAX);
    x.type = parties_logo_type(p, n);
    if (x.type == NULL)
        return kt_err_set(err, KT_EINVAL,
                          "company logo: not a PNG or JPEG image (checked by its first bytes).");
    if ((rc = blob_put(data_dir, p, n, name, err)) < 0)
        return kt_err_prefix(err, "company logo");
    x.hex = name;
    rc = parties_tx(st, logo_tx, &x, err);
    if (rc == 0 && hex != NULL)
        memcpy(hex, name, sizeof name);
    return rc;
}

/* ---- bank accounts ---- */

static int account_check(struct parties_company_account *a, struct kt_err *err)
{
    int rc;
    if ((rc = parties_check_currency(a->currency, a->currency, err)) < 0 ||
        (rc = parties_check_iban(a->iban, a->iban, sizeof a->iban, err)) < 0 ||
        (rc = parties_check_text("bank name", a->bank_name, 0, 0, a->bank_name, sizeof a->bank_name,
                                 err)) < 0 ||
        (a->swift[0] != '\0' &&
         (rc = parties_check_swift(a->swift, a->swift, sizeof a->swift, err)) < 0))
        return kt_err_prefix(err, "company bank account");
    a->is_default = a->is_default ? 1 : 0;
    return 0;
}

/* Runs sql with ?1 = t and ?2 = v. Returns 1 when it yields a row (its
 * first column goes to *row_value if not NULL), 0 when not, or an error. */
static int exec_text_int(struct store *st, const char *sql, const char *t, int64_t v,
                         int64_t *row_value, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = store_prepare(st, sql, &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, t)) < 0 || (rc = store_bind_int64(s, 2, v)) < 0) {
        rc = parties_bind_failed(err, rc, "a bank account statement");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        if (row_value != NULL)
            *row_value = store_col_int64(s, 0);
        rc = 1;
    }
out:
    store_stmt_done(s);
    return rc;
}

static int account_add_tx(struct store *st, void *ctx, struct kt_err *err)
{
    struct parties_company_account *a = ctx;
    struct store_stmt *s = NULL;
    int64_t have = 0;
    int rc;

    rc = exec_text_int(st, "SELECT id FROM company_bank_accounts WHERE iban = ?1 AND id <> ?2",
                       a->iban, 0, NULL, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return kt_err_set(err, KT_EEXIST, "company bank account %s: already there.", a->iban);
    rc = exec_text_int(st,
                       "SELECT count(*) FROM company_bank_accounts WHERE currency = ?1 "
                       "AND id <> ?2",
                       a->currency, 0, &have, err);
    if (rc < 0)
        return rc;
    if (have == 0)
        a->is_default = 1;
    if (a->is_default) {
        rc = exec_text_int(st,
                           "UPDATE company_bank_accounts SET is_default = 0 WHERE currency = ?1 "
                           "AND id <> ?2 AND is_default = 1",
                           a->currency, 0, NULL, err);
        if (rc < 0)
            return rc;
    }
    rc = store_prepare(st,
                       "INSERT INTO company_bank_accounts (currency, iban, bank_name, swift, "
                       "is_default, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                       &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, a->currency)) < 0 ||
        (rc = store_bind_text(s, 2, a->iban)) < 0 ||
        (rc = store_bind_text(s, 3, a->bank_name)) < 0 ||
        (rc = parties_bind_opt(s, 4, a->swift)) < 0 ||
        (rc = store_bind_int64(s, 5, a->is_default)) < 0 ||
        (rc = store_bind_int64(s, 6, parties_now_ms())) < 0) {
        rc = parties_bind_failed(err, rc, "the bank account insert");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc != STORE_ROW) {
        rc = kt_err_set(err, KT_EINTERNAL, "company bank account: the insert returned no id.");
        goto out;
    }
    a->id = store_col_int64(s, 0);
    store_stmt_done(s);
    s = NULL;
    rc = parties_emit(st, "company.changed", "company_id", 1, NULL, "bank_account.added", err);
out:
    store_stmt_done(s);
    return rc;
}

int parties_company_account_add(struct store *st, struct parties_company_account *a,
                                struct kt_err *err)
{
    struct parties_company_account work = *a;
    int rc = account_check(&work, err);
    if (rc < 0)
        return rc;
    rc = parties_tx(st, account_add_tx, &work, err);
    if (rc == 0)
        *a = work;
    return rc;
}

static int account_remove_tx(struct store *st, void *ctx, struct kt_err *err)
{
    const int64_t *id = ctx;
    struct store_stmt *s = NULL;
    char currency[4] = "";
    int was_default;
    int rc = store_prepare(st,
                           "DELETE FROM company_bank_accounts WHERE id = ?1 "
                           "RETURNING currency, is_default",
                           &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, *id)) < 0) {
        rc = parties_bind_failed(err, rc, "the bank account removal");
        goto out;
    }
    rc = store_step(s, err);
    if (rc < 0)
        goto out;
    if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND, "company bank account #%lld: no such account.",
                        (long long)*id);
        goto out;
    }
    parties_col_copy(s, 0, currency, sizeof currency);
    was_default = store_col_int64(s, 1) != 0;
    store_stmt_done(s);
    s = NULL;
    if (was_default) {
        /* The oldest remaining account of the currency takes over. */
        rc = exec_text_int(st,
                           "UPDATE company_bank_accounts SET is_default = 1 WHERE id = "
                           "(SELECT min(id) FROM company_bank_accounts WHERE currency = ?1 "
                           "AND id <> ?2)",
                           currency, *id, NULL, err);
        if (rc < 0)
            goto out;
    }
    rc = parties_emit(st, "company.changed", "company_id", 1, NULL, "bank_account.removed", err);
out:
    store_stmt_done(s);
    return rc;
}

int parties_company_account_remove(struct store *st, int64_t id, struct kt_err *err)
{
    return parties_tx(st, account_remove_tx, &id, err);
}

#define ACCOUNT_COLUMNS "id, currency, iban, bank_name, swift, is_default"

static void read_account(struct store_stmt *s, struct parties_company_account *a)
{
    memset(a, 0, sizeof *a);
    a->id = store_col_int64(s, 0);
    parties_col_copy(s, 1, a->currency, sizeof a->currency);
    parties_col_copy(s, 2, a->iban, sizeof a->iban);
    parties_col_copy(s, 3, a->bank_name, sizeof a->bank_name);
    parties_col_copy(s, 4, a->swift, sizeof a->swift);
    a->is_default = store_col_int64(s, 5) != 0;
}

int parties_company_account_list(struct store *st, struct kt_arena *arena,
                                 struct parties_company_account **out, size_t *n,
                                 struct kt_err *err)
{
    struct store_stmt *s = NULL;
    struct parties_company_account *items = NULL;
    int64_t count = 0;
    size_t got = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = store_prepare(st, "SELECT count(*) FROM company_bank_accounts", &s, err)) < 0)
        return rc;
    if ((rc = store_step(s, err)) < 0)
        goto out;
    count = rc == STORE_ROW ? store_col_int64(s, 0) : 0;
    store_stmt_done(s);
    s = NULL;
    rc = 0;
    if (count == 0)
        goto out;
    items = kt_arena_zalloc(arena, sizeof *items * (size_t)count);
    if (items == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "company bank accounts: out of memory.");
        goto out;
    }
    rc = store_prepare(st,
                       "SELECT " ACCOUNT_COLUMNS " FROM company_bank_accounts "
                       "ORDER BY currency, is_default DESC, id",
                       &s, err);
    if (rc < 0)
        goto out;
    while ((rc = store_step(s, err)) == STORE_ROW && got < (size_t)count)
        read_account(s, &items[got++]);
    if (rc < 0)
        goto out;
    rc = 0;
    *out = items;
    *n = got;
out:
    store_stmt_done(s);
    return rc;
}

int parties_company_account_for(struct store *st, const char *currency,
                                struct parties_company_account *out, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    char code[4];
    int rc = parties_check_currency(currency, code, err);
    if (rc < 0)
        return rc;
    rc = store_prepare(st,
                       "SELECT " ACCOUNT_COLUMNS " FROM company_bank_accounts "
                       "WHERE currency = ?1 AND is_default = 1",
                       &s, err);
    if (rc < 0)
        return rc;
    if ((rc = store_bind_text(s, 1, code)) < 0) {
        rc = parties_bind_failed(err, rc, "the bank account lookup");
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_ROW) {
        read_account(s, out);
        rc = 0;
    } else if (rc == STORE_DONE) {
        rc = kt_err_set(err, KT_ENOTFOUND,
                        "the company has no bank account in %s (kontor company bank add "
                        "--currency %s IBAN).",
                        code, code);
    }
out:
    store_stmt_done(s);
    return rc;
}
