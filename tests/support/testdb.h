/*
 * Throwaway databases for tests. The backend comes from KT_TEST_BACKEND
 * ("sqlite" or "postgres", set per test by meson); PostgreSQL tests need
 * KONTOR_TEST_PG, the base URL of the server scripts/run-tests starts.
 * testdb_create fills `url` with the URL of a new, empty database;
 * testdb_drop removes it (the SQLite file with its WAL, or the PG database).
 */
#ifndef KT_TESTDB_H
#define KT_TESTDB_H

#include <stddef.h>

/* "sqlite" or "postgres"; aborts the test program if unset or unknown. */
const char *testdb_backend(void);
/* 0 on success; prints the reason to stderr and returns -1 on failure. */
int testdb_create(char *url, size_t n);
void testdb_drop(const char *url);

#endif
