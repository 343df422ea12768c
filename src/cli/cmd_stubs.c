/*
 * cmd_stubs.c - subcommands whose implementation has not landed yet.  Each
 * one is removed from this file when its real cmd_*.c arrives.
 */
#include "cli.h"

static int not_yet(const char *name)
{
    fprintf(stderr, "silkroute: error: '%s' is not available in this build\n", name);
    return EXIT_USAGE;
}

int cmd_compare(int argc, char **argv) { (void)argc; (void)argv; return not_yet("compare"); }
int cmd_critical(int argc, char **argv) { (void)argc; (void)argv; return not_yet("critical"); }
