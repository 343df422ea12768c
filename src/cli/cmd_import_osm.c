/*
 * cmd_import_osm.c - `silkroute import-osm FILE --out DIR`: an OpenStreetMap
 * extract as a dataset (src/lib/osm/import.c), with a progress line on a
 * terminal and a summary of what was taken.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: silkroute import-osm FILE.osm.pbf|FILE.osm --out DIR [--country CC] [--quiet]\n"
               "Writes the railways (gauge, usage, electrification), roads by class, ferries, border controls\n"
               "and stations of an OpenStreetMap extract as a dataset in DIR (docs/DATA.md), every place and\n"
               "link named by its OSM id, with the ODbL attribution (sources.csv, NOTICE). --country: the\n"
               "country of places that no tag or connected place gives one (default ZZ).\n" CLI_EXIT_CODES);
}

static void progress(void *ctx, const char *pass, uint64_t n)
{
    (void)ctx;
    fprintf(stderr, "\r  reading %s: %.1f M elements ", pass, (double)n / 1e6);
    fflush(stderr);
}

int cmd_import_osm(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    sr_osm_options o = {.country = ""};
    int quiet = 0;
    enum { O_QUIET = 256, O_OUT, O_COUNTRY };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"quiet", no_argument, NULL, O_QUIET},
        {"out", required_argument, NULL, O_OUT}, {"country", required_argument, NULL, O_COUNTRY},
        {NULL, 0, NULL, 0},
    };
    int oc, status = 0;
    while ((oc = cli_getopt(argc, argv, "import-osm", opts, 0, &status)) != -1) {
        const char *v = optarg;
        switch (oc) {
        case 'h': usage(stdout); return EXIT_OK;
        case '?': return status;
        case O_QUIET: quiet = 1; break;
        case O_OUT:
            if (!*v)
                return cli_fail(0, SR_EARG, "--out: a directory is required");
            out = v;
            break;
        case O_COUNTRY:
            if (strlen(v) != 2)
                return cli_fail(0, SR_EARG, "--country: '%s' is not an ISO 3166-1 alpha-2 code (e.g. KZ)", v);
            memcpy(o.country, v, 3);
            break;
        }
    }
    if (cli_operands(argc, argv, "import-osm", 0, 1, "one OpenStreetMap FILE", 0))
        return EXIT_USAGE;
    if (optind < argc)
        in = argv[optind];
    if (!in || !out) {
        usage(stderr);
        return cli_fail(0, SR_EARG, "%s", !in ? "an OpenStreetMap file is required" : "--out DIR is required");
    }
    int tty = !quiet && isatty(STDERR_FILENO);
    if (tty)
        o.progress = progress;
    sr_osm_stats st;
    char err[1024];
    sr_code c = sr_osm_import(in, out, &o, &st, err, sizeof err);
    if (tty)
        fprintf(stderr, "\r%50s\r", "");
    if (c != SR_OK)
        return cli_fail(0, c, "%s", *err ? err : sr_strerror(c));
    if (!quiet)
        fprintf(stderr,
                "%s: %llu railways, %llu roads, %llu ferries; %llu places, %llu links, %llu border crossings, "
                "%llu transfers (%llu gauge changes); %llu nodes read, %llu kept, %llu missing from the extract\n",
                out, (unsigned long long)st.ways[0], (unsigned long long)st.ways[1], (unsigned long long)st.ways[2],
                (unsigned long long)st.places, (unsigned long long)st.links, (unsigned long long)st.crossings,
                (unsigned long long)st.transfers, (unsigned long long)st.gauge_changes,
                (unsigned long long)st.nodes_read, (unsigned long long)st.nodes_kept,
                (unsigned long long)st.missing_nodes);
    return EXIT_OK;
}
