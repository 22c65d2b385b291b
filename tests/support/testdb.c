#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testdb.h"

static int counter;

const char *testdb_backend(void)
{
    const char *b = getenv("KT_TEST_BACKEND");
    if (!b || (strcmp(b, "sqlite") != 0 && strcmp(b, "postgres") != 0)) {
        fprintf(stderr, "testdb: set KT_TEST_BACKEND to sqlite or postgres\n");
        exit(2);
    }
    return b;
}

static int pg_admin(const char *sql)
{
    const char *base = getenv("KONTOR_TEST_PG");
    if (!base || !*base) {
        fprintf(stderr, "testdb: KONTOR_TEST_PG is not set; run the tests with scripts/run-tests "
                        "(it starts a throwaway PostgreSQL)\n");
        return -1;
    }
    PGconn *c = PQconnectdb(base);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "testdb: cannot connect to %s: %s", base, PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "testdb: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

int testdb_create(char *url, size_t n)
{
    if (strcmp(testdb_backend(), "sqlite") == 0) {
        char dir[] = "/tmp/kontor-test.XXXXXX";
        if (!mkdtemp(dir)) {
            perror("testdb: mkdtemp");
            return -1;
        }
        snprintf(url, n, "sqlite:%s/test.db", dir);
        return 0;
    }
    char name[64], sql[128];
    snprintf(name, sizeof name, "kt_%ld_%d", (long)getpid(), ++counter);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    if (pg_admin(sql) != 0)
        return -1;
    const char *base = getenv("KONTOR_TEST_PG");
    const char *q = strchr(base, '?');
    /* base is postgresql:///postgres?host=...: swap the database name */
    snprintf(url, n, "postgresql:///%s%s", name, q ? q : "");
    return 0;
}

void testdb_drop(const char *url)
{
    if (strncmp(url, "sqlite:", 7) == 0) {
        const char *path = url + 7;
        char p[4096];
        const char *suffix[] = {"", "-wal", "-shm", "-journal"};
        for (size_t i = 0; i < 4; i++) {
            snprintf(p, sizeof p, "%s%s", path, suffix[i]);
            unlink(p);
        }
        snprintf(p, sizeof p, "%s", path);
        char *slash = strrchr(p, '/');
        if (slash) {
            *slash = '\0';
            rmdir(p);
        }
        return;
    }
    const char *s = url + strlen("postgresql:///");
    char name[64];
    size_t k = strcspn(s, "?");
    if (k >= sizeof name)
        return;
    memcpy(name, s, k);
    name[k] = '\0';
    char sql[128];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    pg_admin(sql);
}
