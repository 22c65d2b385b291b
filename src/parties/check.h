/*
 * parties/check: field checks shared by customers and the own company
 * (text bounds, codes, e-mail, phone, IBAN, SWIFT/BIC, language,
 * currency), the clock and the event helper. Internal to the parties
 * module: other modules use customer.h and company.h.
 *
 * Every check writes the cleaned value (trimmed; identifiers normalised)
 * to out (size n) and on failure returns KT_EINVAL with a sentence that
 * names the field, e.g. "e-mail jan@: the domain is missing.".
 */
#ifndef KT_PARTIES_CHECK_H
#define KT_PARTIES_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* Text of at most n - 1 bytes of valid UTF-8 without control characters
 * (multiline also allows newlines and tabs); trimmed. `required`: "" is an
 * error. */
int parties_check_text(const char *field, const char *in, int required, int multiline, char *out,
                       size_t n, struct kt_err *err);

/* A code (customer code, warehouse code): 1..n-1 letters, digits, . _ - /. */
int parties_check_code(const char *field, const char *in, char *out, size_t n, struct kt_err *err);

/* An e-mail address local@domain.tld ("" is not valid). */
int parties_check_email(const char *field, const char *in, char *out, size_t n, struct kt_err *err);

/* A phone number: digits, spaces and + - ( ) /, at least 5 digits. */
int parties_check_phone(const char *in, char *out, size_t n, struct kt_err *err);

/* A valid IBAN, normalised to upper case without separators. */
int parties_check_iban(const char *in, char *out, size_t n, struct kt_err *err);

/* SWIFT/BIC: 4 letters (bank), 2 letters (country), 2 letters or digits
 * (location), optionally 3 more (branch); normalised to upper case. */
int parties_check_swift(const char *in, char *out, size_t n, struct kt_err *err);

/* "pl", "en" or "de" (any case). */
int parties_check_lang(const char *field, const char *in, char out[3], struct kt_err *err);

/* An ISO 4217 code from the money module's table, upper case. */
int parties_check_currency(const char *in, char out[4], struct kt_err *err);

/* Copies text column col (NULL as "") into out. */
void parties_col_copy(struct store_stmt *s, int col, char *out, size_t n);

/* Binds "" as NULL (optional columns). */
int parties_bind_opt(struct store_stmt *s, int idx, const char *v);

/* The error for a failed bind: "cannot bind the parameters of <what>." */
int parties_bind_failed(struct kt_err *err, int rc, const char *what);

/* Unix milliseconds now (UTC). */
int64_t parties_now_ms(void);

/* Emits `type` with {"<id_key>": id, "code": code, "change": change} in the
 * caller's open transaction (code may be NULL: left out). */
int parties_emit(struct store *st, const char *type, const char *id_key, int64_t id,
                 const char *code, const char *change, struct kt_err *err);

/* What a transaction function returns when the version it was given is
 * stale (err already says so): store_tx then rolls back without retrying,
 * which it would do for KT_ECONFLICT; parties_tx reports KT_ECONFLICT. */
#define PARTIES_STALE 1

/* Runs fn in the caller's open transaction if there is one (so a CSV
 * import can commit many records all or nothing), else in its own
 * store_tx. */
int parties_tx(struct store *st, store_tx_fn fn, void *ctx, struct kt_err *err);

#endif
