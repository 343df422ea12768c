/*
 * cmd_compile.c - `silkroute compile DIR --out FILE`: load a dataset, build
 * its contraction hierarchies and write the compiled network file that
 * `--data FILE` opens in milliseconds (docs/FORMAT.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: silkroute compile DIR --out FILE [--ch LIST] [--unit 20ft|40ft|t[,...]] [--quiet]\n"
               "Loads the dataset DIR, builds contraction hierarchies and writes the compiled network file\n"
               "FILE (docs/FORMAT.md), which route, reach, matrix and serve open with --data FILE.\n"
               "--ch: the objectives to build hierarchies for, a comma list of time, cost, co2, or none\n"
               "(default time,cost,co2); --unit: the cargo units (default 40ft). A query with another\n"
               "objective, unit or constraint runs Dijkstra on the compiled file, with the same answer.\n" CLI_EXIT_CODES);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(void *ctx, uint64_t done, uint64_t max, double seconds)
{
    (void)seconds;
    const int *total = ctx;
    fprintf(stderr, "\r  contracting: hierarchy %d of %d, %3.0f%% ", (int)(done / 1000) + 1, *total,
            (double)(done % 1000) / 10.0);
    (void)max;
    fflush(stderr);
}

int cmd_compile(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    char chs[64] = "time,cost,co2", units[64] = "40ft";
    int quiet = 0;
    enum { O_QUIET = 256, O_OUT, O_CH, O_UNIT };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"quiet", no_argument, NULL, O_QUIET},
        {"out", required_argument, NULL, O_OUT}, {"ch", required_argument, NULL, O_CH},
        {"unit", required_argument, NULL, O_UNIT}, {NULL, 0, NULL, 0},
    };
    int oc, status = 0;
    while ((oc = cli_getopt(argc, argv, "compile", opts, 0, &status)) != -1) {
        const char *v = optarg;
        switch (oc) {
        case 'h': usage(stdout); return EXIT_OK;
        case '?': return status;
        case O_QUIET: quiet = 1; break;
        case O_OUT:
            if (!*v)
                return cli_fail(0, SR_EARG, "--out: a file name is required");
            out = v;
            break;
        case O_CH:
            if (strlen(v) >= sizeof chs)
                return cli_fail(0, SR_EARG, "--ch: expected a list of time, cost, co2, or none");
            snprintf(chs, sizeof chs, "%s", v);
            break;
        case O_UNIT:
            if (strlen(v) >= sizeof units)
                return cli_fail(0, SR_EARG, "--unit: expected a list of 20ft, 40ft, t");
            snprintf(units, sizeof units, "%s", v);
            break;
        }
    }
    if (cli_operands(argc, argv, "compile", 0, 1, "one dataset DIR", 0))
        return EXIT_USAGE;
    if (optind < argc)
        dir = argv[optind];
    if (!dir || !out) {
        usage(stderr);
        return cli_fail(0, SR_EARG, "%s", !dir ? "a dataset directory is required" : "--out FILE is required");
    }
    unsigned metrics = 0;
    int total = 0;
    if ((status = cli_ch_metrics(chs, units, "unit", &metrics, &total)) != 0)
        return status;
    double t0 = now_s();
    sr_network *net = cli_open_network(dir, 0, &status);
    if (!net)
        return status;
    double t1 = now_s();
    int tty = !quiet && isatty(STDERR_FILENO);
    sr_code c = sr_network_build_ch(net, metrics, tty ? progress : NULL, &total);
    if (tty)
        fprintf(stderr, "\r%60s\r", "");
    if (c != SR_OK) {
        sr_network_close(net);
        return cli_fail(0, c, "compile: building the hierarchies: %s", sr_strerror(c));
    }
    double t2 = now_s();
    char err[1024];
    c = sr_network_compile(net, out, err, sizeof err);
    double t3 = now_s();
    size_t np = sr_network_place_count(net), nl = sr_network_link_count(net);
    sr_network_close(net);
    if (c != SR_OK)
        return cli_fail(0, c, "%s", *err ? err : sr_strerror(c));
    if (!quiet)
        fprintf(stderr, "%s: %zu places, %zu links, %d hierarchies; load %.2f s, contract %.2f s, write %.2f s\n", out,
                np, nl, total, t1 - t0, t2 - t1, t3 - t2);
    return EXIT_OK;
}
