/*
 * access: who may do what. Owns the permission table (permission.c), the
 * tables users, roles, role_permissions, user_roles, sessions,
 * login_throttle and api_tokens (migration 0007_access), password hashing
 * and policy, login with throttling, database sessions with CSRF tokens,
 * and API tokens with scopes.
 *
 * The web layer (cookies, headers, the router) and the CLI call this API;
 * no HTTP lives here. A request is authenticated by access_session_check
 * (cookie) or access_token_check (bearer token); both fill a struct
 * access_principal that carries the user, the permission set the router
 * tests with access_can, and (for sessions) the CSRF token. Both only read;
 * access_touch writes the bookkeeping they leave (last seen, last used).
 *
 * Secrets: session tokens and API tokens are 256 random bits; only their
 * SHA-256 (hex) is stored, so a copy of the database does not let anyone
 * log in. The raw token exists only in the value returned once to the
 * caller. Passwords are stored as argon2id strings (libsodium).
 *
 * Cost: hashing or verifying a password takes about 50-100 ms of CPU and
 * password_mem_kib of memory (64 MiB by default) on purpose. The functions
 * that do it are marked SLOW below: access_login, access_user_create,
 * access_user_set_password, access_password_hash/_verify. The web layer
 * must run them off its request threads (a small pool whose size bounds the
 * memory: threads x password_mem_kib). Everything else is one or two
 * indexed queries; checking a session or token is one.
 *
 * Time: every timestamp is integer unix milliseconds (UTC), taken from the
 * options' clock (injectable for tests); access_session_check and
 * access_token_check take `now` from the caller.
 *
 * Threading: access_set_options changes process-wide settings and must be
 * called before any thread uses this module; afterwards every function is
 * safe to call from several threads, each with its own struct store.
 *
 * Errors: KT_EPERM means "not authenticated / not allowed" with a sentence
 * for the user (wrong login or password, session expired, token revoked,
 * customer user offered a staff role); KT_EBUSY means a throttled login
 * (the sentence says how long to wait); KT_EINVAL a bad value (weak
 * password, unknown permission or role); other codes are database trouble.
 *
 * Writes to users, roles and tokens run in one transaction each and emit
 * "user.changed" {"user_id": N, "login": "...", "change": "..."} inside it;
 * change is created, password, roles, disabled, enabled, token.created,
 * token.revoked. Logins and sessions emit no events.
 */
#ifndef KT_ACCESS_H
#define KT_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/config.h"
#include "base/err.h"
#include "store/store.h"

/* ---- options ------------------------------------------------------------ */

struct access_options {
    /* argon2id cost of new hashes; stored hashes with other parameters are
     * rehashed at the next successful login. */
    unsigned long long pwhash_ops; /* default 2 (libsodium "interactive") */
    size_t pwhash_mem;             /* bytes; default 64 MiB ("interactive") */
    int64_t session_idle_ms;       /* default 30 minutes without a request */
    int64_t session_absolute_ms;   /* default 12 hours after login */
    int64_t session_touch_ms;      /* last_seen is written at most this often; default 60 s */
    int login_free_failures;       /* failures per account before back-off; default 5 */
    int address_free_failures;     /* failures per address before back-off; default 20 */
    int64_t throttle_base_ms;      /* first lock-out; doubles per further failure; default 1 s */
    int64_t throttle_cap_ms;       /* longest lock-out; default 15 minutes */
    int64_t throttle_forget_ms;    /* failures older than this start over; default 24 h */
    int64_t token_touch_ms;        /* api_tokens.last_used_at write interval; default 60 s */
    int64_t (*now_ms)(void);       /* clock, unix ms; NULL = the system clock */
};

/* Fills o with the defaults above. */
void access_options_default(struct access_options *o);

/*
 * Reads [access] password_ops, password_mem_kib, session_idle_min,
 * session_max_hours and login_attempts from cfg into o (other fields keep
 * their values). KT_EINVAL names a bad setting.
 */
int access_options_from_config(const struct kt_config *cfg, struct access_options *o,
                               struct kt_err *err);

/*
 * Validates and installs o (copied); NULL restores the defaults. KT_EINVAL
 * when a value is out of range (argon2id limits of libsodium, non-positive
 * times, idle longer than absolute).
 */
int access_set_options(const struct access_options *o, struct kt_err *err);

/* The options in force. */
void access_get_options(struct access_options *o);

/* ---- permissions ---------------------------------------------------------- */

/* Who may hold a permission. `admin` implies every STAFF and ANY permission. */
enum access_area {
    ACCESS_AREA_STAFF,    /* back office: only staff users */
    ACCESS_AREA_CUSTOMER, /* portals: only customer users */
    ACCESS_AREA_ANY,      /* both (e.g. `api`) */
};

struct access_permission {
    const char *code; /* e.g. "catalog.write" */
    enum access_area area;
    const char *desc_pl;
    const char *desc_en;
};

/* The table of permissions (static, in the order of permission.c). */
const struct access_permission *access_permissions(size_t *n);
/* The entry for code, or NULL when there is no such permission. */
const struct access_permission *access_permission_find(const char *code);

#define ACCESS_PERM_MAX 128 /* the set below has room for this many permissions */

/* A set of permissions; a plain value, copy it freely. */
struct access_perms {
    uint64_t bits[ACCESS_PERM_MAX / 64];
};

void access_perms_clear(struct access_perms *s);
/* Adds code to s; KT_EINVAL naming it when it is not a permission. */
int access_perms_add(struct access_perms *s, const char *code, struct kt_err *err);
/* 1 when s literally holds code (no implication), else 0. */
int access_perms_has(const struct access_perms *s, const char *code);
/* Number of permissions literally in s. */
size_t access_perms_count(const struct access_perms *s);

/*
 * The router's question: may a holder of s do perm? 1 when s holds perm, or
 * holds `admin` and perm is a STAFF or ANY permission; 0 otherwise, also
 * for an unknown perm.
 */
int access_can(const struct access_perms *s, const char *perm);

/*
 * Writes the codes in s, in table order, separated by `sep`, into dst
 * ("" for an empty set). KT_ELIMIT when dst is too small.
 */
int access_perms_format(const struct access_perms *s, const char *sep, char *dst, size_t n);

/* ---- passwords ------------------------------------------------------------ */

#define ACCESS_PASSWORD_MIN 10   /* characters (UTF-8 code points) */
#define ACCESS_PASSWORD_MAX 1024 /* bytes */
#define ACCESS_HASH_MAX 128      /* an argon2id string fits, with room */

/*
 * Policy for a new password of `login`: at least ACCESS_PASSWORD_MIN
 * characters, at most ACCESS_PASSWORD_MAX bytes, valid UTF-8, not the login
 * (in any letter case), not one of the most common passwords (built-in
 * list, any letter case). KT_EINVAL with the reason. Pure and fast.
 */
int access_password_policy(const char *login, const char *password, struct kt_err *err);

/* SLOW. Hashes password with argon2id and the options' cost into
 * out[ACCESS_HASH_MAX]. KT_ENOMEM when the memory limit cannot be had. */
int access_password_hash(const char *password, char *out, size_t n, struct kt_err *err);

/* SLOW. 1 when password matches hash, 0 when not (or hash is damaged).
 * The comparison is constant-time (libsodium). */
int access_password_verify(const char *hash, const char *password);

/* 1 when hash was made with other parameters than the options' (or another
 * algorithm) and should be replaced at the next successful login. */
int access_password_needs_rehash(const char *hash);

/*
 * How many times a login for an unknown user verified the password against
 * the built-in dummy hash (so an unknown login costs what a known one
 * does). Process-wide, for tests and metrics.
 */
unsigned long access_dummy_verifications(void);

/* ---- users and roles ------------------------------------------------------ */

#define ACCESS_LOGIN_MAX 254 /* an e-mail address fits */
#define ACCESS_NAME_MAX 200
#define ACCESS_EMAIL_MAX 254
#define ACCESS_CODE_MAX 64 /* role codes */

enum access_user_kind {
    ACCESS_STAFF = 0, /* back office; customer_id is 0 */
    ACCESS_CUSTOMER,  /* a customer's user; customer_id names the customer */
};

/* "staff" / "customer"; parse gives KT_EINVAL naming the allowed words. */
const char *access_user_kind_name(enum access_user_kind k);
int access_user_kind_parse(const char *s, enum access_user_kind *out, struct kt_err *err);

struct access_user {
    int64_t id; /* 0 before create */
    enum access_user_kind kind;
    int64_t customer_id; /* customers.id for ACCESS_CUSTOMER, 0 for staff */
    /* Letters a-z, digits and . _ - @ +, 2..ACCESS_LOGIN_MAX characters;
     * stored lower-cased, so logins are unique in any letter case. */
    char login[ACCESS_LOGIN_MAX + 1];
    char name[ACCESS_NAME_MAX + 1];   /* display name; required */
    char email[ACCESS_EMAIL_MAX + 1]; /* optional */
    char lang[3];                     /* UI language "pl" or "en"; "" = "pl" */
    int active;                       /* set by create (1) and set_active */
    int64_t created_at;
    int64_t password_changed_at;
    int64_t version;
};

/*
 * Normalises a login (trims nothing, lower-cases ASCII letters) into dst
 * and checks its characters and length. KT_EINVAL with the reason.
 */
int access_login_normalize(const char *login, char *dst, size_t n, struct kt_err *err);

/*
 * SLOW. Creates user u with password (checked by access_password_policy)
 * and the roles named in role_codes[0..nroles) (each must exist and be of
 * the user's kind). On success u->id, login (normalised), version,
 * timestamps and active are set. KT_EINVAL for a bad field or weak
 * password, KT_EEXIST when the login is taken, KT_EFOREIGN when the
 * customer does not exist, KT_EPERM when a customer user is given a staff
 * role.
 */
int access_user_create(struct store *st, struct access_user *u, const char *password,
                       const char *const *role_codes, size_t nroles, struct kt_err *err);

/* KT_ENOTFOUND when there is no such user. get_by_login accepts any case. */
int access_user_get(struct store *st, int64_t id, struct access_user *out, struct kt_err *err);
int access_user_get_by_login(struct store *st, const char *login, struct access_user *out,
                             struct kt_err *err);

/* Every user ordered by login, allocated from arena. */
int access_user_list(struct store *st, struct kt_arena *arena, struct access_user **out, size_t *n,
                     struct kt_err *err);

/*
 * SLOW. Sets a new password (policy checked), records password_changed_at
 * and ends every session of the user (access_logout_all) in the same
 * transaction.
 */
int access_user_set_password(struct store *st, int64_t user_id, const char *password,
                             struct kt_err *err);

/* Enables or disables a user. Disabling ends the user's sessions at once;
 * a disabled user's API tokens stop working while disabled. */
int access_user_set_active(struct store *st, int64_t user_id, int active, struct kt_err *err);

/* Grants / takes away a role by code. KT_ENOTFOUND for an unknown role,
 * KT_EPERM when the role's kind is not the user's kind (a customer user
 * never gets a staff role, nor a staff user a portal role). Granting a held
 * role or removing one not held changes nothing and is not an error. */
int access_user_role_add(struct store *st, int64_t user_id, const char *role_code,
                         struct kt_err *err);
int access_user_role_remove(struct store *st, int64_t user_id, const char *role_code,
                            struct kt_err *err);

/* The role codes of a user, ordered, allocated from arena. */
int access_user_roles(struct store *st, int64_t user_id, struct kt_arena *arena,
                      const char ***codes, size_t *n, struct kt_err *err);

/*
 * The permissions the user holds through their roles. A customer user
 * holds only CUSTOMER and ANY permissions, whatever is stored; a disabled
 * user holds none. KT_ENOTFOUND when there is no such user.
 */
int access_user_permissions(struct store *st, int64_t user_id, struct access_perms *out,
                            struct kt_err *err);

struct access_role {
    int64_t id;
    char code[ACCESS_CODE_MAX + 1];
    char name[ACCESS_NAME_MAX + 1];
    enum access_user_kind kind; /* who may hold it */
    struct access_perms perms;
};

/*
 * Creates a role with the permissions in perms. KT_EINVAL when the code is
 * malformed (a-z, digits, _ . -), KT_EPERM when a permission does not fit
 * the kind (a staff permission in a customer role or the reverse),
 * KT_EEXIST when the code is taken.
 */
int access_role_create(struct store *st, struct access_role *r, struct kt_err *err);

/* KT_ENOTFOUND when there is no such role. */
int access_role_get(struct store *st, const char *code, struct access_role *out,
                    struct kt_err *err);
/* Every role ordered by kind (staff first) and code, from arena. */
int access_role_list(struct store *st, struct kt_arena *arena, struct access_role **out, size_t *n,
                     struct kt_err *err);

/* ---- login, sessions, CSRF ------------------------------------------------ */

#define ACCESS_TOKEN_LEN 43 /* base64url of 32 random bytes, no padding */
#define ACCESS_HASH_HEX 64  /* SHA-256 in hex */
#define ACCESS_IP_MAX 64
#define ACCESS_UA_MAX 512 /* longer user agents are cut */

/* A new session as handed to the web layer by access_login. */
struct access_session {
    char token[ACCESS_TOKEN_LEN + 1]; /* for the cookie; not stored anywhere */
    char csrf[ACCESS_TOKEN_LEN + 1];  /* for forms (hidden field / header) */
    int64_t user_id;
    int64_t created_at;
    int64_t idle_expires_at;
    int64_t absolute_expires_at;
    /* When access_login fails with KT_EBUSY: milliseconds until the next
     * attempt may be made (for a Retry-After header); 0 otherwise. */
    int64_t retry_after_ms;
};

/*
 * SLOW. Logs in: refuses at once (KT_EBUSY, "... try again in N seconds")
 * while the account or the address ip is locked out; looks the user up and
 * verifies the password (an unknown login is verified against a dummy hash
 * so it costs the same time); records a failure for the account and the
 * address, or on success clears the account's failures, rehashes the
 * password when the cost parameters changed, and creates a new session
 * with a new random token and CSRF token. When prev_token (may be NULL)
 * names an existing session (the cookie the browser sent), that session is
 * deleted in the same transaction: a token from before the login never
 * becomes a logged-in one. ip and ua (may be NULL) are recorded.
 * Wrong login or password: KT_EPERM "wrong login or password." (the same
 * for unknown logins); a disabled user with the right password: KT_EPERM
 * saying so.
 */
int access_login(struct store *st, const char *login, const char *password, const char *ip,
                 const char *ua, const char *prev_token, struct access_session *out,
                 struct kt_err *err);

/* What a check leaves to be written afterwards (access_touch). */
enum access_touch {
    ACCESS_TOUCH_NONE = 0,
    ACCESS_TOUCH_SEEN, /* a session's last_seen_at and idle expiry, a token's last_used_at */
    ACCESS_TOUCH_END,  /* an expired session: remove it */
};

/* An authenticated caller: from a session or from an API token. */
struct access_principal {
    struct access_user user;
    struct access_perms perms; /* test with access_can */
    int64_t token_id;          /* api_tokens.id for a token, 0 for a session */
    /* Sessions only: */
    char session_hash[ACCESS_HASH_HEX + 1]; /* identifies the session, e.g. in logs */
    char csrf[ACCESS_TOKEN_LEN + 1];
    int64_t idle_expires_at; /* after the touch, when one is due */
    int64_t absolute_expires_at;
    /* For access_touch: what to write, and the time of the check. */
    enum access_touch touch;
    int64_t checked_at;
};

/*
 * Checks a session token from a cookie at time now: it must exist, be
 * before its idle and absolute expiry and belong to an active user. Fills
 * out with the user, their permissions and the CSRF token, with one
 * statement. It only reads, so a request can run it inside its read
 * transaction: sliding the idle expiry (last_seen_at is written at most
 * once per session_touch_ms) is left to access_touch (out->touch).
 * KT_EPERM "... log in again." for a missing, unknown or expired session;
 * for an expired one out is empty but for session_hash and touch
 * (ACCESS_TOUCH_END), so that access_touch removes it.
 */
int access_session_check(struct store *st, const char *token, int64_t now,
                         struct access_principal *out, struct kt_err *err);

/*
 * Writes what a check left in p->touch and clears it: the session's
 * last_seen_at and idle expiry, or the token's last_used_at, or removes
 * the expired session. Nothing for ACCESS_TOUCH_NONE. Runs on its own
 * (autocommit), outside any transaction: a write inside a request's read
 * transaction could fail at once on SQLite when another connection wrote
 * since the transaction began.
 */
int access_touch(struct store *st, struct access_principal *p, struct kt_err *err);

/* Ends the session of token (no error when there is none). */
int access_logout(struct store *st, const char *token, struct kt_err *err);
/* Ends every session of a user; *ended (may be NULL) = how many. */
int access_logout_all(struct store *st, int64_t user_id, int64_t *ended, struct kt_err *err);

/* 1 when token (from the form or header) is the session's CSRF token;
 * constant-time. 0 for NULL, wrong length or mismatch. */
int access_csrf_ok(const struct access_principal *p, const char *token);

/* Deletes expired sessions and forgotten throttle counters; *removed (may
 * be NULL) = rows deleted. For a periodic job. */
int access_prune(struct store *st, int64_t now, int64_t *removed, struct kt_err *err);

/* ---- API tokens ----------------------------------------------------------- */

#define ACCESS_API_TOKEN_LEN (3 + ACCESS_TOKEN_LEN) /* "kt_" + base64url */
#define ACCESS_SCOPES_MAX 1024

struct access_api_token {
    int64_t id;
    int64_t user_id;
    char name[ACCESS_NAME_MAX + 1];
    char scopes[ACCESS_SCOPES_MAX + 1]; /* space-separated permission codes */
    int64_t created_at;
    int64_t expires_at;   /* 0 = never */
    int64_t last_used_at; /* 0 = never used */
    int revoked;
};

/*
 * Creates an API token for user_id named name with scopes (permission codes
 * separated by spaces or commas; each must be one the user may do, see
 * access_can; the user must be able to do `api`), expiring at expires_at
 * (0 = never). The token, "kt_" + 43 characters, is written to
 * token[ACCESS_API_TOKEN_LEN + 1] and cannot be shown again. t (may be
 * NULL) receives the stored record. KT_EINVAL for an unknown scope or bad
 * name, KT_EPERM for a scope beyond the user's permissions.
 */
int access_token_create(struct store *st, int64_t user_id, const char *name, const char *scopes,
                        int64_t expires_at, char *token, size_t n, struct access_api_token *t,
                        struct kt_err *err);

/*
 * Checks a bearer token at time now: it must exist, not be revoked or
 * expired, and its user must be active. out->perms is the token's scopes
 * limited to what the user may do now (a role taken away takes its scopes
 * with it), read with the token in one statement. It only reads: writing
 * last_used_at (at most once per token_touch_ms) is left to access_touch.
 * KT_EPERM with the reason otherwise.
 */
int access_token_check(struct store *st, const char *token, int64_t now,
                       struct access_principal *out, struct kt_err *err);

/* Revokes token id (KT_ENOTFOUND when there is none; revoking twice is
 * fine). */
int access_token_revoke(struct store *st, int64_t token_id, struct kt_err *err);

/* The tokens of a user (user_id 0: of everyone), newest first, from arena. */
int access_token_list(struct store *st, int64_t user_id, struct kt_arena *arena,
                      struct access_api_token **out, size_t *n, struct kt_err *err);

#endif
