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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
    expect("route AAORI BBDST" MINI " --by", 2, "option '--by' needs a value");
    expect("route AAORI BBDST --modes rail,boat" MINI, 2, "--modes: 'boat'");
    expect("route AAORI BBDST --modes ," MINI, 2, "--modes: give at least one");
    expect("route AAORI BBDST --year 20x1" MINI, 2, "--year: '20x1'");
    expect("route AAORI BBDST --year 99999" MINI, 2, "--year");
    expect("route AAORI BBDST --cargo 30ft" MINI, 2, "--cargo: '30ft'");
    expect("route AAORI BBDST --max-transfers -2" MINI, 2, "--max-transfers");
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
    /* DIR/FILE:LINE: error: ... - the form editors jump to. */
    char want[600];
    snprintf(want, sizeof want, "%s/links.csv:2: error: distance_km: '", dir);
    expect(args, 4, want);
    snprintf(args, sizeof args, "check-data %s --json", dir);
    expect(args, 4, "\"line\": 2");
    expect(args, 4, "\"code\": \"BadData\"");
    snprintf(want, sizeof want, "\"file\": \"%s/links.csv\"", dir);
    expect(args, 4, want);
    tu_rmdir(dir);
    expect("check-data tests/data/mini --json", 0, "\"errors\": 0");
    expect("network --json --data tests/data/mini", 0, "\"places\": ");
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

/* Run the CLI as user nobody (setpriv), for permission tests under root,
 * which reads any file.  Returns the exit status, or -2 when impossible. */
static int cli_as_nobody(const char *args, char *o, size_t cap)
{
    if (system("command -v setpriv >/dev/null 2>&1") != 0)
        return -2;
    char bin[1024], cmd[8192];
    snprintf(bin, sizeof bin, "%s", argv0);
    char *slash = strrchr(bin, '/');
    if (slash)
        *slash = 0;
    snprintf(cmd, sizeof cmd, "setpriv --reuid=65534 --regid=65534 --clear-groups %s/../silkroute %s 2>&1", bin, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -2;
    size_t n = fread(o, 1, cap - 1, p);
    o[n] = 0;
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0)
        ;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * The documented exit codes, one row each (README "Exit status", the
 * `--help` table and docs/API.md), with the cases of issue 8: FIFOs and
 * devices as data files, unreadable files, strict numbers, --max-transfers
 * -1, serve --bind, size limits.
 */
static void exit_code_matrix(void **st)
{
    (void)st;
    char args[2048];
    /* The table itself, in --help and in every command's --help. */
    expect("--help", 0, "exit status: 0 ok, 1 I/O or internal failure, 2 usage error or unknown place, 3 no route,\n"
                        "4 bad data, 5 not converged, 6 size or work limit exceeded");
    expect("route --help", 0, "6 size or work limit exceeded");
    expect("serve --help", 0, "6 size or work limit exceeded");
    expect("check-data --help", 0, "6 size or work limit exceeded");
    expect("assign --help", 0, "6 size or work limit exceeded");

    /* 0 */
    expect("route AAORI BBDST --max-transfers -1" MINI, 0, "total: 210 km");
    expect("route AAORI BBDST --quantity 1e1 --weights 1,0.5,0" MINI, 0, "total:");

    /* 1: I/O - missing directory, FIFOs, devices, unreadable files. */
    char *dir = tu_copy_dataset("tests/data/mini");
    char p[1200];
    snprintf(p, sizeof p, "%s/links.csv", dir);
    unlink(p);
    assert_int_equal(mkfifo(p, 0600), 0);
    snprintf(args, sizeof args, "route AAORI BBDST --data %s", dir);
    expect(args, 1, "links.csv: not a regular file (it is a FIFO)");
    snprintf(args, sizeof args, "route AAORI BBDST --json --data %s", dir);
    expect(args, 1, "\"code\":\"IoError\"");
    snprintf(args, sizeof args, "check-data %s", dir);
    expect(args, 1, "links.csv: error: not a regular file (it is a FIFO)");
    snprintf(args, sizeof args, "network --data %s", dir);
    expect(args, 1, "links.csv: not a regular file");
    snprintf(args, sizeof args, "serve --port 0 --quiet --data %s", dir);
    expect(args, 1, "links.csv: not a regular file");
    snprintf(args, sizeof args, "assign --data %s", dir);
    expect(args, 1, "links.csv: not a regular file");
    snprintf(args, sizeof args, "%s/scen.scn", dir);
    assert_int_equal(mkfifo(args, 0600), 0);
    snprintf(args, sizeof args, "compare %s/scen.scn --data tests/data/mini --demand tests/data/assign/mini_demand.csv", dir);
    expect(args, 1, "scen.scn: not a regular file (it is a FIFO)");
    expect("compare /dev/zero --data tests/data/mini --demand tests/data/assign/mini_demand.csv", 1,
           "/dev/zero: not a regular file (it is a character device)");
    snprintf(args, sizeof args, "%s/t_net.tntp", dir);
    assert_int_equal(mkfifo(args, 0600), 0);
    snprintf(args, sizeof args, "%s/t_trips.tntp", dir);
    FILE *f = fopen(args, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(args, sizeof args, "assign --tntp %s/t", dir);
    expect(args, 1, "t_net.tntp: not a regular file (it is a FIFO)");
    tu_rmdir(dir);
    expect("route AAORI BBDST --data /nonexistent", 1, "not a readable dataset directory");
    /* Permission denied: an I/O error (1), not bad data. */
    dir = tu_copy_dataset("tests/data/mini");
    chmod(dir, 0755);
    snprintf(p, sizeof p, "%s/links.csv", dir);
    chmod(p, 0);
    snprintf(args, sizeof args, "route AAORI BBDST --data %s", dir);
    int rc = geteuid() == 0 ? cli_as_nobody(args, out, sizeof out) : tu_cli(argv0, args, out, sizeof out);
    if (rc == -2)
        print_message("permission test skipped: running as root without setpriv\n");
    else if (rc != 1 || !strstr(out, "links.csv: cannot open: Permission denied"))
        fail_msg("unreadable links.csv: exit %d: %s", rc, out);
    tu_rmdir(dir);

    /* 2: usage - strict numbers, lists, addresses. */
    expect("route AAORI BBDST --quantity 0x10" MINI, 2, "--quantity: '0x10'");
    expect("route AAORI BBDST --quantity ' 5'" MINI, 2, "--quantity: ' 5'");
    expect("route AAORI BBDST --quantity '5 '" MINI, 2, "--quantity");
    expect("route AAORI BBDST --quantity inf" MINI, 2, "--quantity");
    expect("route AAORI BBDST --year ' 2030'" MINI, 2, "--year: ' 2030'");
    expect("route AAORI BBDST --year +2030" MINI, 2, "--year");
    expect("route AAORI BBDST --max-transfers 0x1" MINI, 2, "--max-transfers");
    expect("route AAORI BBDST --max-transfers 99999999999999999999" MINI, 2, "--max-transfers");
    expect("route AAORI BBDST --weights 1,,0,0" MINI, 2, "--weights: '1,,0,0' has an empty item");
    expect("route AAORI BBDST --weights 1,,0" MINI, 2, "has an empty item");
    expect("route AAORI BBDST --weights 1,0,0,0" MINI, 2, "has the wrong number of items");
    expect("route AAORI BBDST --weights 0x1,0,0" MINI, 2, "--weights");
    expect("route AAORI BBDST --min-transfer ' 5'" MINI, 2, "--min-transfer");
    expect("route AAORI BBDST --depart 2026-06-03T08:00 --window 0x10d" MINI, 2, "--window: '0x10d'");
    expect("route AAORI BBDST --depart 2026-06-03T08:00 --window ' 3d'" MINI, 2, "--window");
    expect("serve --bind bogus", 2, "--bind: 'bogus' is not a numeric IPv4 or IPv6 address");
    expect("serve --bind 127.0.0.1.5", 2, "--bind");
    expect("serve --port ' 80'", 2, "--port");
    expect("serve --threads 0x4", 2, "--threads");
    expect("places --limit 0x10" MINI, 2, "--limit");
    expect("assign --gap 0x1p-3" MINI, 2, "--gap");
    expect("route AAORI Nowhere" MINI, 2, "unknown place");
    /* Control bytes in an argument come back escaped. */
    expect("route AAORI BBDST --by \"$(printf 'x\\033[2Jy')\"" MINI, 2, "--by: 'x\\x1B[2Jy'");

    /* 3 */
    expect("route AAORI BBDST --modes rail --max-transfers 0" MINI, 3, "no route");

    /* 4: bad data, with the strict parser in the CSV files. */
    dir = tu_copy_dataset("tests/data/mini");
    tu_edit(dir, "links.csv", "L1,AAORI,AA-BORDER,rail,1435,100", "L1,AAORI,AA-BORDER,rail,1435,0x10");
    snprintf(args, sizeof args, "route AAORI BBDST --data %s", dir);
    expect(args, 4, "links.csv:2: distance_km: '0x10' is not a number");
    snprintf(args, sizeof args, "check-data %s", dir);
    expect(args, 4, "1 error");
    /* DIR/FILE:LINE: error: ... - the form editors jump to. */
    char want[600];
    snprintf(want, sizeof want, "%s/links.csv:2: error: distance_km: '", dir);
    expect(args, 4, want);
    snprintf(args, sizeof args, "check-data %s --json", dir);
    expect(args, 4, "\"line\": 2");
    expect(args, 4, "\"code\": \"BadData\"");
    snprintf(want, sizeof want, "\"file\": \"%s/links.csv\"", dir);
    expect(args, 4, want);
    tu_rmdir(dir);
    expect("check-data tests/data/mini --json", 0, "\"errors\": 0");
    expect("network --json --data tests/data/mini", 0, "\"places\": ");
    expect("assign --scenario tests/data/assign/bad_number.scn --data tests/data/mini --demand "
           "tests/data/assign/mini_demand.csv", 4, "bad_number.scn");

    /* 5 */
    if (access("../shared/data/tntp/SiouxFalls/SiouxFalls_net.tntp", R_OK) == 0)
        expect("assign --tntp ../shared/data/tntp/SiouxFalls/SiouxFalls --gap 1e-14 --max-iterations 3", 5, NULL);
    else
        print_message("exit 5 row skipped: ../shared/data/tntp is absent\n");

    /* 6: limits - a 629 MB (sparse) links.csv is over the 512 MiB cap. */
    dir = tu_copy_dataset("tests/data/mini");
    snprintf(p, sizeof p, "%s/links.csv", dir);
    if (truncate(p, 629000000) == 0) {
        snprintf(args, sizeof args, "route AAORI BBDST --data %s", dir);
        expect(args, 6, "links.csv: file larger than 536870912 bytes");
        snprintf(args, sizeof args, "route AAORI BBDST --json --data %s", dir);
        expect(args, 6, "\"code\":\"LimitExceeded\"");
        snprintf(args, sizeof args, "check-data %s", dir);
        expect(args, 6, "links.csv: error: file larger than 536870912 bytes");
    }
    tu_rmdir(dir);
}

/* assign --tntp on a network with pairs that have no path: by default they
 * are left out and reported (exit 0); with --unconnected fail, exit 3. */
static void assign_unconnected(void **st)
{
    (void)st;
    expect("assign --tntp tests/data/assign/unconnected --gap 1e-12 --json", 0, "\"unconnected_pairs\": 2");
    expect("assign --tntp tests/data/assign/unconnected --gap 1e-12 --json", 0, "\"unconnected_demand\": 7.5");
    expect("assign --tntp tests/data/assign/unconnected --gap 1e-12 --json", 0, "\"stalled\": false");
    expect("assign --tntp tests/data/assign/unconnected --gap 1e-12", 0, "unconnected      2 pairs, demand 7.5000");
    expect("assign --tntp tests/data/assign/unconnected --unconnected fail", 3, "no path from node 1 to node 3");
    expect("assign --tntp tests/data/assign/unconnected --unconnected maybe", 2, "--unconnected");
    expect("assign --tntp tests/data/assign/unconnected --stall-iterations -1", 2, "--stall-iterations");
}

/* README's exit status table and the code agree. */
static void readme_table(void **st)
{
    (void)st;
    FILE *f = fopen("README.md", "r");
    if (!f)
        skip();
    static char text[1 << 17];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    static const char *const rows[] = {"| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |", "| 5 |", "| 6 |"};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        if (!strstr(text, rows[i]))
            fail_msg("README.md: no exit status row '%s'", rows[i]);
    /* The man page lists the same codes. */
    f = fopen("docs/silkroute.1", "r");
    if (f) {
        n = fread(text, 1, sizeof text - 1, f);
        text[n] = 0;
        fclose(f);
        char *es = strstr(text, ".SH EXIT STATUS");
        assert_non_null(es);
        for (int c = 0; c <= 6; c++) {
            char row[16];
            snprintf(row, sizeof row, ".B %d\n", c);
            if (!strstr(es, row))
                fail_msg("docs/silkroute.1: no exit status %d", c);
        }
    }
}

/*
 * getopt_long conventions, on every command: --help after any of its
 * options (even one that expects a value: "assign --tntp --help") prints
 * the usage and exits 0; the options are the ones its own --help lists.
 * Plus --name=value, unique prefixes, ambiguity named, "--" ending the
 * options, and one wording for bad options everywhere.
 */
static void help_after_any_option(void **st)
{
    (void)st;
    static const char *const cmds[] = {"route", "places", "network", "check-data", "assign", "compare",
                                       "critical", "reach", "matrix", "pipelines", "pipelines compare",
                                       "serve", "calibrate", "ship create", "ship event", "ship list",
                                       "token create", "token list", "compile", "import-osm",
                                       "match-osm"};
    static char help[1 << 16];
    int checked = 0;
    for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
        char args[256];
        snprintf(args, sizeof args, "%s --help", cmds[c]);
        int rc = tu_cli(argv0, args, help, sizeof help);
        if (rc != 0 || !strstr(help, "usage: silkroute"))
            fail_msg("silkroute %s: exit %d, output:\n%s", args, rc, help);
        /* Every --option the usage names, once. */
        char seen[8192] = " ";
        for (const char *p = help; (p = strstr(p, "--")); p += 2) {
            char name[64];
            size_t n = 0;
            while (n + 1 < sizeof name && ((p[2 + n] >= 'a' && p[2 + n] <= 'z') || p[2 + n] == '-'))
                name[n] = p[2 + n], n++;
            name[n] = 0;
            if (n < 2 || !strcmp(name, "help"))
                continue;
            char key[80];
            snprintf(key, sizeof key, " %s ", name);
            if (strstr(seen, key) || strlen(seen) + strlen(key) >= sizeof seen)
                continue;
            strcat(seen, name);
            strcat(seen, " ");
            snprintf(args, sizeof args, "%s --%s --help", cmds[c], name);
            expect(args, 0, "usage: silkroute");
            checked++;
        }
    }
    if (checked < 100)
        fail_msg("only %d options checked", checked);
    print_message("--help after each of %d options of %zu commands\n", checked, sizeof cmds / sizeof cmds[0]);
    expect("assign --tntp --help", 0, "usage: silkroute assign --tntp PREFIX");
    expect("route AAORI BBDST --by=cost" MINI, 0, "cost");
    expect("route AAORI BBDST --geoj" MINI, 0, "\"FeatureCollection\"");
    expect("route AAORI BBDST --p" MINI, 2, "ambiguous option '--p' (--pareto, --pareto-tolerance)");
    expect("route AAORI BBDST --pareto=yes" MINI, 2, "option '--pareto' takes no value");
    expect("route AAORI --data tests/data/mini -- BBDST", 0, "total: 210 km");
    expect("route AAORI --data tests/data/mini -- --json", 2, "unknown place '--json'");
    expect("places --limit", 2, "places: option '--limit' needs a value");
    expect("network --frob", 2, "network: unknown option '--frob' (see silkroute network --help)");
    expect("check-data a b", 2, "check-data: unexpected argument 'b'");
    expect("serve --frob", 2, "serve: unknown option '--frob'");
    expect("token create --role", 2, "token create: option '--role' needs a value");
    expect("ship create --frob", 2, "ship create: unknown option '--frob'");
    expect("calibrate extra", 2, "calibrate: unexpected argument 'extra'");
    expect("pipelines compare", 2, "pipelines compare: give one scenario FILE");
    /* First and last mile (--detail) and match-osm: bad input names the
     * parameter; a name stays a name. */
    expect("route 95,7 BBDST --detail tests/data/mini" MINI, 2, "FROM: '95,7': coordinates out of range");
    expect("route AAORI 40.0,140.0 --detail tests/data/mini" MINI, 2,
           "TO: 40.0,140.0: no road of the detailed network within 2 km");
    expect("route AAORI BBDST --detail tests/data/mini" MINI, 0, "total: 210 km, 9.5 h");
    expect("route 40.0,100.0 BBDST --detail tests/data/mini --geojson" MINI, 2, "--detail: only with the table");
    expect("match-osm tests/data/mini", 2, "match-osm: give CORRIDOR_DIR and IMPORTED_DIR");
    expect("match-osm tests/data/monaco tests/data/mini", 2, "--out DIR is required");
    expect("match-osm tests/data/monaco tests/data/mini --out /tmp/x --radius 0", 2, "--radius: '0'");
}

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usage_and_help),     cmocka_unit_test(route_ok),
        cmocka_unit_test(route_errors),       cmocka_unit_test(bad_data_exit_code),
        cmocka_unit_test(places_and_network), cmocka_unit_test(write_failure),
        cmocka_unit_test(exit_code_matrix),   cmocka_unit_test(readme_table),
        cmocka_unit_test(help_after_any_option),
        cmocka_unit_test(assign_unconnected),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
