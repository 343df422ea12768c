/*
 * test_cli.c - the `silkroute` command line as a user meets it: documented
 * exit codes, error messages naming the bad option, JSON errors with
 * --json, and output formats.  Runs build/silkroute next to this binary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static const char *argv0;
static char out[1 << 16];

#define MINI " --data tests/data/mini"

static void expect(const char *args, int status, const char *needle)
{
    int rc = tu_cli(argv0, args, out, sizeof out);
    if (rc != status || (needle && !strstr(out, needle)))
        fail_msg("silkroute %s: exit %d (want %d), output:\n%s\n(want '%s')", args, rc, status, out,
                 needle ? needle : "");
}

static void usage_and_help(void **st)
{
    (void)st;
    expect("", 2, "usage: silkroute COMMAND");
    expect("--help", 0, "commands:");
    expect("--version", 0, "silkroute ");
    expect("frobnicate", 2, "unknown command 'frobnicate'");
    expect("route --help", 0, "usage: silkroute route FROM TO");
}

static void route_ok(void **st)
{
    (void)st;
    expect("route AAORI BBDST" MINI, 0, "total: 210 km, 9.5 h");
    expect("route 'origin city' zielstadt --by cost" MINI, 0, "gauge change at Border East");
    expect("route AAORI BBDST --json" MINI, 0, "\"code\": \"Ok\"");
    expect("route AAORI BBDST --geojson" MINI, 0, "\"FeatureCollection\"");
    expect("route AAORI BBDST --pareto" MINI, 0, "Option 2 of 2");
    expect("route AAORI BBDST --pareto-tolerance 10" MINI, 0, "Option 2 of 2");
    expect("route AAORI BBDST --modes rail --year 2031" MINI, 0, "New Post");
    expect("route AAORI BBDST --cargo t --by=time" MINI, 0, "air");
    expect("route AAORI BBDST --weights 1,1,0" MINI, 0, "565 USD");
    expect("route AAORI BBDST --avoid X-ROAD --max-transfers 2" MINI, 0, "Port West");
}

static void route_errors(void **st)
{
    (void)st;
    expect("route AAORI" MINI, 2, "give FROM and TO");
    expect("route AAORI BBDST extra" MINI, 2, "unexpected argument 'extra'");
    expect("route AAORI Nowhere" MINI, 2, "to: unknown place 'Nowhere'");
    expect("route AAORI Destinaton" MINI, 2, "did you mean: Destination (BBDST)");
    expect("route AAORI Nowhere --json" MINI, 2, "\"code\":\"UnknownPlace\"");
    expect("route AAORI BBDST --by speed" MINI, 2, "--by: 'speed' is not one of time, cost, co2");
    expect("route AAORI BBDST" MINI " --by", 2, "--by: a value is required");
    expect("route AAORI BBDST --modes rail,boat" MINI, 2, "--modes: 'boat'");
    expect("route AAORI BBDST --modes ," MINI, 2, "--modes: give at least one");
    expect("route AAORI BBDST --year 20x1" MINI, 2, "--year: '20x1'");
    expect("route AAORI BBDST --year 99999" MINI, 2, "--year");
    expect("route AAORI BBDST --cargo 30ft" MINI, 2, "--cargo: '30ft'");
    expect("route AAORI BBDST --max-transfers -1" MINI, 2, "--max-transfers");
    expect("route AAORI BBDST --max-transfers 1e3" MINI, 2, "--max-transfers");
    expect("route AAORI BBDST --quantity 0" MINI, 2, "--quantity");
    expect("route AAORI BBDST --quantity nan" MINI, 2, "--quantity");
    expect("route AAORI BBDST --weights 1,2" MINI, 2, "--weights");
    expect("route AAORI BBDST --avoid-countries KZZ" MINI, 2, "avoid_countries: 'KZZ'");
    expect("route AAORI BBDST --avoid-countries BB" MINI, 2, "destination");
    expect("route AAORI BBDST --avoid Nowhere" MINI, 2, "avoid: unknown place 'Nowhere'");
    expect("route AAORI BBDST --frob" MINI, 2, "unknown option '--frob'");
    expect("route AAORI BBDST --pareto-tolerance -3" MINI, 2, "--pareto-tolerance: '-3'");
    expect("route AAORI BBDST --pareto-tolerance five" MINI, 2, "--pareto-tolerance: 'five'");
    expect("route AAORI BBDST --json --geojson" MINI, 2, "exclude");
    expect("route AAORI AAORI" MINI, 2, "the same place");
    expect("route AAORI BBDST --modes rail --max-transfers 0" MINI, 3, "no route");
    expect("route AAORI BBDST --modes rail --max-transfers 0 --json" MINI, 3, "\"code\":\"NoRoute\"");
    expect("route AAORI BBDST --data /nonexistent", 1, "not a readable dataset directory");
}

static void bad_data_exit_code(void **st)
{
    (void)st;
    char *dir = tu_copy_dataset("tests/data/mini");
    tu_edit(dir, "links.csv", "L1,AAORI,AA-BORDER,rail,1435,100", "L1,AAORI,AA-BORDER,rail,1435,abc");
    char args[512];
    snprintf(args, sizeof args, "route AAORI BBDST --data %s", dir);
    expect(args, 4, "links.csv:2: distance_km: 'abc' is not a number");
    snprintf(args, sizeof args, "route AAORI BBDST --json --data %s", dir);
    expect(args, 4, "\"code\":\"BadData\"");
    snprintf(args, sizeof args, "check-data %s", dir);
    expect(args, 4, "1 error");
    tu_rmdir(dir);
    expect("check-data tests/data/mini", 0, "0 errors");
    expect("check-data /nonexistent", 1, "not a readable dataset directory");
}

static void places_and_network(void **st)
{
    (void)st;
    expect("places" MINI, 0, "AAORI");
    expect("places 起点" MINI, 0, "Origin City");
    expect("places dest --json" MINI, 0, "\"id\":\"BBDST\"");
    expect("places qqqqqqqqqqq" MINI, 2, "no place matches");
    expect("places --limit 0" MINI, 2, "--limit");
    expect("network" MINI, 0, "10 places, 15 links (3 planned), 3 border crossings");
    expect("network --geojson --modes sea" MINI, 0, "\"L8\"");
    expect("network --geojson --year all" MINI, 0, "\"planned\"");
    expect("network --year abc" MINI, 2, "--year");
}

static void write_failure(void **st)
{
    (void)st;
    /* A full disk must not look like success (git's rule). */
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        skip();
    fclose(f);
    /* stdout to /dev/full, stderr to the pipe; '#' comments out the
     * helper's own redirection. */
    expect("route AAORI BBDST --json" MINI " 2>&1 >/dev/full #", 1, "cannot write output");
}

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usage_and_help),     cmocka_unit_test(route_ok),
        cmocka_unit_test(route_errors),       cmocka_unit_test(bad_data_exit_code),
        cmocka_unit_test(places_and_network), cmocka_unit_test(write_failure),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
