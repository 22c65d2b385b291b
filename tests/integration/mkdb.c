/*
 * mkdb: throwaway databases for the CLI tests, which are scripts and cannot
 * call tests/support/testdb directly.
 *   mkdb            prints the URL of a new, empty database for the backend
 *                   in KT_TEST_BACKEND (sqlite or postgres)
 *   mkdb --drop URL removes it again
 */
#include <stdio.h>
#include <string.h>

#include "testdb.h"

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--drop") == 0) {
        testdb_drop(argv[2]);
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: mkdb | mkdb --drop URL\n");
        return 2;
    }
    char url[1024];
    if (testdb_create(url, sizeof url) != 0)
        return 1;
    printf("%s\n", url);
    return 0;
}
