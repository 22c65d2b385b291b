/*
 * access internals shared by the files of the module; not part of its
 * public face (access.h).
 */
#ifndef KT_ACCESS_INTERNAL_H
#define KT_ACCESS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "access/access.h"

/* The options in force (never NULL; read-only after start-up). */
const struct access_options *acc_opts(void);
/* The options' clock, unix ms. */
int64_t acc_now(void);
/* Initialises libsodium once; 0 or KT_EINTERNAL. */
int acc_sodium(struct kt_err *err);

/* 32 random bytes as base64url without padding (ACCESS_TOKEN_LEN chars). */
int acc_random_token(char out[ACCESS_TOKEN_LEN + 1], struct kt_err *err);
/* SHA-256 of s in lower-case hex. */
void acc_sha256_hex(const char *s, char out[ACCESS_HASH_HEX + 1]);

/* Emits user.changed {"user_id", "login", "change"} inside the open tx. */
int acc_emit_user(struct store *st, int64_t user_id, const char *login, const char *change,
                  struct kt_err *err);

/* Reads the user row columns in the order of ACC_USER_COLS. */
#define ACC_USER_COLS                                                                              \
    "u.id, u.kind, u.customer_id, u.login, u.name, u.email, u.lang, u.active, u.created_at, "      \
    "u.password_changed_at, u.version"
#define ACC_USER_NCOLS 11
void acc_read_user(struct store_stmt *s, int first_col, struct access_user *u);

/*
 * The permission rows of user u's roles of u's own kind, to join to a query
 * that reads users u: one row per permission in rp.permission (one row with
 * NULL for a user without any), so that a session or token and what it may
 * do are one statement. Each row goes to acc_perms_add_row.
 */
#define ACC_PERMS_JOIN                                                                             \
    " LEFT JOIN user_roles ur ON ur.user_id = u.id LEFT JOIN roles r ON r.id = ur.role_id "        \
    "AND r.kind = u.kind LEFT JOIN role_permissions rp ON rp.role_id = r.id"
/* Adds permission code (NULL: none) to out when user u may hold it: an
 * active user, a permission of the table and of u's area. */
void acc_perms_add_row(const struct access_user *u, const char *code, struct access_perms *out);

/* s with what it implies: every STAFF and ANY permission when s holds
 * admin. access_can(s, p) is "p in acc_perms_implied(s)", as a set. */
void acc_perms_implied(const struct access_perms *s, struct access_perms *out);

/* The permissions of user u (a user row already read); see
 * access_user_permissions. */
int acc_user_perms(struct store *st, const struct access_user *u, struct access_perms *out,
                   struct kt_err *err);

/* SLOW. Verifies password against the dummy hash (made on first use and
 * whenever the cost options change) and counts it; the result is always
 * "wrong". 0, or an error when the dummy hash cannot be made. */
int acc_dummy_verify(const char *password, struct kt_err *err);

/* Throttle keys and bookkeeping (throttle.c). */
#define ACC_THROTTLE_KEY_MAX (ACCESS_LOGIN_MAX + 16)
void acc_throttle_key_login(const char *normalized_login, char *dst, size_t n);
void acc_throttle_key_addr(const char *ip, char *dst, size_t n);
/* *wait_ms = how long key is still locked at now (0 when not). */
int acc_throttle_wait(struct store *st, const char *key, int64_t now, int64_t *wait_ms,
                      struct kt_err *err);
/* Counts a failure for key (own transaction); free = failures allowed
 * before the back-off starts. */
int acc_throttle_fail(struct store *st, const char *key, int free_failures, int64_t now,
                      struct kt_err *err);
/* Forgets key's failures; runs inside the caller's transaction. */
int acc_throttle_reset(struct store *st, const char *key, struct kt_err *err);
/* The lock-out after the given number of failures (0 within the free ones). */
int64_t acc_throttle_delay(int failures, int free_failures);

#endif
