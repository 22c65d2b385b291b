#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "access/internal.h"
#include "base/banned.h"

/*
 * The most common passwords of at least ACCESS_PASSWORD_MIN characters
 * (shorter ones fail the length rule anyway), from the public breach
 * lists, with Polish favourites. Compared in any letter case.
 */
static const char *const common_passwords[] = {
    "1234567890",    "12345678910",  "123456789a",   "123456789q",   "0123456789",   "0987654321",
    "1111111111",    "0000000000",   "1q2w3e4r5t",   "1q2w3e4r5t6y", "1qaz2wsx3edc", "qwertyuiop",
    "qwerty1234",    "qwerty12345",  "qwerty123456", "asdfghjkl1",   "zxcvbnm123",   "password12",
    "password123",   "password1234", "passw0rd123",  "iloveyou12",   "1234qwerty",   "abcdefghij",
    "abcd123456",    "a123456789",   "q1w2e3r4t5",   "zaq12wsxcde",  "zaq1@wsx3edc", "zaq1zaq1zaq1",
    "haslo12345",    "haslo123456",  "polska1234",   "polska12345",  "kochamcie1",   "kochamcie123",
    "administrator", "admin12345",   "admin123456",  "welcome123",   "letmein123",   "football123",
    "princess123",   "sunshine12",   "qazwsxedc123", "kontor1234",   "kontor12345",
};

/* Characters in a UTF-8 string; -1 when it is not valid UTF-8. */
static long utf8_chars(const char *s)
{
    long n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = *p < 0x80         ? 1
                  : (*p >> 5) == 6  ? 2
                  : (*p >> 4) == 14 ? 3
                  : (*p >> 3) == 30 ? 4
                                    : 0;
        if (len == 0)
            return -1;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xc0) != 0x80)
                return -1;
        p += len;
        n++;
    }
    return n;
}

int access_password_policy(const char *login, const char *password, struct kt_err *err)
{
    if (!password || !*password)
        return kt_err_set(err, KT_EINVAL,
                          "the password is empty; choose one of at least %d "
                          "characters",
                          ACCESS_PASSWORD_MIN);
    if (strlen(password) > ACCESS_PASSWORD_MAX)
        return kt_err_set(err, KT_EINVAL, "the password is longer than %d bytes",
                          ACCESS_PASSWORD_MAX);
    long chars = utf8_chars(password);
    if (chars < 0)
        return kt_err_set(err, KT_EINVAL, "the password is not valid UTF-8 text");
    if (chars < ACCESS_PASSWORD_MIN)
        return kt_err_set(err, KT_EINVAL, "the password has %ld characters; it needs at least %d",
                          chars, ACCESS_PASSWORD_MIN);
    if (login && strcasecmp(login, password) == 0)
        return kt_err_set(err, KT_EINVAL, "the password must not be the login");
    for (size_t i = 0; i < sizeof common_passwords / sizeof common_passwords[0]; i++)
        if (strcasecmp(common_passwords[i], password) == 0)
            return kt_err_set(err, KT_EINVAL,
                              "the password is one of the most common passwords; choose "
                              "another");
    return 0;
}

int access_password_hash(const char *password, char *out, size_t n, struct kt_err *err)
{
    int rc = acc_sodium(err);
    if (rc != 0)
        return rc;
    if (n < crypto_pwhash_STRBYTES)
        return kt_err_set(err, KT_EINTERNAL, "password hash buffer too small");
    const struct access_options *o = acc_opts();
    if (crypto_pwhash_str_alg(out, password, strlen(password), o->pwhash_ops, o->pwhash_mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return kt_err_set(err, KT_ENOMEM,
                          "cannot hash the password: %zu KiB of memory are not available; lower "
                          "[access] password_mem_kib",
                          o->pwhash_mem / 1024);
    return 0;
}

int access_password_verify(const char *hash, const char *password)
{
    if (acc_sodium(NULL) != 0 || !hash || !password)
        return 0;
    /* Only argon2id strings: a hash of another algorithm is damaged data. */
    if (strncmp(hash, crypto_pwhash_argon2id_STRPREFIX, strlen(crypto_pwhash_argon2id_STRPREFIX)) !=
        0)
        return 0;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int access_password_needs_rehash(const char *hash)
{
    if (acc_sodium(NULL) != 0)
        return 0;
    const struct access_options *o = acc_opts();
    /* 1: other parameters, -1: not an argon2id string; both mean rehash. */
    return crypto_pwhash_argon2id_str_needs_rehash(hash, o->pwhash_ops, o->pwhash_mem) != 0;
}

/*
 * The dummy hash: made once per cost setting from a random password nobody
 * knows, so verifying against it costs what verifying a real user's hash
 * costs and never succeeds.
 */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[crypto_pwhash_STRBYTES];
static atomic_ulong dummy_count;

int acc_dummy_verify(const char *password, struct kt_err *err)
{
    char hash[crypto_pwhash_STRBYTES];
    pthread_mutex_lock(&dummy_lock);
    int rc = 0;
    if (!dummy_hash[0] || access_password_needs_rehash(dummy_hash)) {
        char secret[ACCESS_TOKEN_LEN + 1];
        rc = acc_random_token(secret, err);
        if (rc == 0)
            rc = access_password_hash(secret, dummy_hash, sizeof dummy_hash, err);
        if (rc != 0)
            dummy_hash[0] = '\0';
    }
    memcpy(hash, dummy_hash, sizeof hash);
    pthread_mutex_unlock(&dummy_lock);
    if (rc != 0)
        return rc;
    atomic_fetch_add(&dummy_count, 1);
    (void)access_password_verify(hash, password ? password : "");
    return 0;
}

unsigned long access_dummy_verifications(void)
{
    return atomic_load(&dummy_count);
}
