/*
 * Shared set-up for the parties database tests: a fresh, migrated database
 * for the backend in KT_TEST_BACKEND per test, and one-value queries.
 */
#ifndef KT_PARTIES_FIXTURE_H
#define KT_PARTIES_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct fixture {
    char url[1024];
    struct store *st;
};

/* cmocka group setup/teardown: *state becomes a struct fixture *. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* SELECT returning one integer (optional text parameter ?1); fails the
 * test on error. */
int64_t fixture_int(struct store *st, const char *sql, const char *arg);
/* Text of the first column of the first row into buf ("" for NULL). */
void fixture_text(struct store *st, const char *sql, const char *arg, char *buf, size_t n);

#endif
