/*
 * Shared set-up for the jobs tests: a fresh database for the backend in
 * KT_TEST_BACKEND, migrated, with test tables for handler effects, and a
 * fake clock the tests move by hand.
 */
#ifndef KT_JOBS_FIXTURE_H
#define KT_JOBS_FIXTURE_H

#include <stdint.h>

#include "store/store.h"

struct fixture {
    char url[1024];
    struct store *st;
};

/* The fake clock: fixture_now_ms reads fixture_clock. */
extern int64_t fixture_clock;
int64_t fixture_now_ms(void);

/* Creates, opens and migrates a database and adds the tables
 *   effects(key TEXT PRIMARY KEY, worker TEXT)  one row per in-database effect
 *   counter(id INTEGER PRIMARY KEY, n INTEGER)  row id 1, incremented per run
 * Returns 0 or -1 (reason printed). */
int fixture_open(struct fixture *f);
void fixture_close(struct fixture *f);

/* SELECT returning one integer; aborts the test on error. */
int64_t fixture_int(struct store *st, const char *sql);
/* Same, with one text parameter ?1. */
int64_t fixture_int_text(struct store *st, const char *sql, const char *arg);
/* Text of the first column of the first row, copied into buf ("" if NULL). */
void fixture_text(struct store *st, const char *sql, char *buf, size_t n);
/* Runs SQL that must succeed. */
void fixture_exec(struct store *st, const char *sql);

#endif
