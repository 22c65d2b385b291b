/* A fresh, migrated database per test, a settable clock and helpers for the
 * access tests. */
#ifndef KT_TEST_ACCESS_FIXTURE_H
#define KT_TEST_ACCESS_FIXTURE_H

#include <stdint.h>

#include "access/access.h"
#include "store/store.h"

#define FIX_PASSWORD "correct horse battery"

struct fixture {
    char url[1024];
    struct store *st;
};

extern int64_t fix_clock; /* unix ms returned by the access clock */

/* cmocka setup/teardown: *state becomes a struct fixture *. Installs cheap
 * hashing options with the fixture clock. */
int fix_setup(void **state);
int fix_teardown(void **state);

/* Sets options (cheap hashing, fixture clock) after `tweak` changed o. */
void fix_options(void (*tweak)(struct access_options *o));

/* Creates an active user with FIX_PASSWORD and roles (NULL-terminated). */
int64_t fix_staff(struct store *st, const char *login, ...);
int64_t fix_customer_user(struct store *st, const char *login, int64_t customer_id, ...);
/* Inserts a customer row directly; returns its id. */
int64_t fix_customer(struct store *st, const char *code);

/* One integer from SQL with an optional text argument ?1. */
int64_t fix_int(struct store *st, const char *sql, const char *arg);
/* Every cell of every row of `table` as text, concatenated. */
char *fix_dump(struct store *st, const char *table);

#endif
