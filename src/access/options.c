#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/internal.h"
#include "jobs/jobs.h"
#include "base/banned.h"

static int64_t system_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void access_options_default(struct access_options *o)
{
    memset(o, 0, sizeof *o);
    o->pwhash_ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
    o->pwhash_mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
    o->session_idle_ms = 30 * 60 * 1000;
    o->session_absolute_ms = 12 * 3600 * 1000;
    o->session_touch_ms = 60 * 1000;
    o->login_free_failures = 5;
    o->address_free_failures = 20;
    o->throttle_base_ms = 1000;
    o->throttle_cap_ms = 15 * 60 * 1000;
    o->throttle_forget_ms = (int64_t)24 * 3600 * 1000;
    o->token_touch_ms = 60 * 1000;
}

static struct access_options opts;
static pthread_once_t opts_once = PTHREAD_ONCE_INIT;

static void init_opts(void)
{
    access_options_default(&opts);
}

const struct access_options *acc_opts(void)
{
    pthread_once(&opts_once, init_opts);
    return &opts;
}

int64_t acc_now(void)
{
    const struct access_options *o = acc_opts();
    return o->now_ms ? o->now_ms() : system_now_ms();
}

void access_get_options(struct access_options *o)
{
    *o = *acc_opts();
}

int access_set_options(const struct access_options *o, struct kt_err *err)
{
    struct access_options d;
    if (!o) {
        access_options_default(&d);
        o = &d;
    }
    if (o->pwhash_ops < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
        o->pwhash_ops > crypto_pwhash_argon2id_OPSLIMIT_MAX)
        return kt_err_set(err, KT_EINVAL, "password hashing ops limit %llu is outside %llu..%llu",
                          o->pwhash_ops, (unsigned long long)crypto_pwhash_argon2id_OPSLIMIT_MIN,
                          (unsigned long long)crypto_pwhash_argon2id_OPSLIMIT_MAX);
    if (o->pwhash_mem < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
        o->pwhash_mem > crypto_pwhash_argon2id_MEMLIMIT_MAX)
        return kt_err_set(err, KT_EINVAL,
                          "password hashing memory of %zu bytes is outside %zu..%zu", o->pwhash_mem,
                          (size_t)crypto_pwhash_argon2id_MEMLIMIT_MIN,
                          (size_t)crypto_pwhash_argon2id_MEMLIMIT_MAX);
    if (o->session_idle_ms <= 0 || o->session_absolute_ms <= 0 || o->session_touch_ms < 0 ||
        o->token_touch_ms < 0)
        return kt_err_set(err, KT_EINVAL, "session times must be positive");
    if (o->session_idle_ms > o->session_absolute_ms)
        return kt_err_set(err, KT_EINVAL,
                          "the idle timeout of a session cannot be longer than its absolute "
                          "lifetime");
    if (o->login_free_failures < 1 || o->address_free_failures < 1)
        return kt_err_set(err, KT_EINVAL,
                          "at least one failed login must be allowed before "
                          "the back-off starts");
    if (o->throttle_base_ms <= 0 || o->throttle_cap_ms < o->throttle_base_ms ||
        o->throttle_forget_ms < o->throttle_cap_ms)
        return kt_err_set(err, KT_EINVAL,
                          "login back-off: need 0 < base <= cap <= forget interval");
    int rc = acc_sodium(err);
    if (rc != 0)
        return rc;
    pthread_once(&opts_once, init_opts);
    opts = *o;
    return 0;
}

int access_options_from_config(const struct kt_config *cfg, struct access_options *o,
                               struct kt_err *err)
{
    long long ops, mem_kib, idle_min, max_hours, attempts;
    int rc;
    if ((rc = kt_config_get_int(cfg, "access", "password_ops", &ops, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "access", "password_mem_kib", &mem_kib, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "access", "session_idle_min", &idle_min, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "access", "session_max_hours", &max_hours, err)) != 0 ||
        (rc = kt_config_get_int(cfg, "access", "login_attempts", &attempts, err)) != 0)
        return rc;
    o->pwhash_ops = (unsigned long long)ops;
    o->pwhash_mem = (size_t)mem_kib * 1024;
    o->session_idle_ms = (int64_t)idle_min * 60 * 1000;
    o->session_absolute_ms = (int64_t)max_hours * 3600 * 1000;
    o->login_free_failures = (int)attempts;
    return 0;
}

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ok;

static void init_sodium(void)
{
    sodium_ok = sodium_init() >= 0;
}

int acc_sodium(struct kt_err *err)
{
    pthread_once(&sodium_once, init_sodium);
    if (!sodium_ok)
        return kt_err_set(err, KT_EINTERNAL, "libsodium could not be initialised");
    return 0;
}

int acc_random_token(char out[ACCESS_TOKEN_LEN + 1], struct kt_err *err)
{
    int rc = acc_sodium(err);
    if (rc != 0)
        return rc;
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, ACCESS_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return 0;
}

void acc_sha256_hex(const char *s, char out[ACCESS_HASH_HEX + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, ACCESS_HASH_HEX + 1, h, sizeof h);
}

int acc_emit_user(struct store *st, int64_t user_id, const char *login, const char *change,
                  struct kt_err *err)
{
    json_t *j = json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)user_id, "login", login,
                          "change", change);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text)
        return kt_err_set(err, KT_ENOMEM, "out of memory writing the user.changed event");
    int rc = events_emit(st, "user.changed", text, err);
    free(text);
    return rc;
}
