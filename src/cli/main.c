#include <stdio.h>
#include <string.h>

#include "base/banned.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "version") == 0) {
        puts("kontor 0.1.0");
        return 0;
    }
    fputs("kontor: the command line is being written\n", stderr);
    return 2;
}
