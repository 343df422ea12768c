/*
 * cmd_match_osm.c - `silkroute match-osm CORRIDOR IMPORTED --out DIR`: the
 * corridor links with geometry and distance from an imported OpenStreetMap
 * network (src/lib/osm/match.c), and a report of every link.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: silkroute match-osm CORRIDOR_DIR IMPORTED_DIR --out DIR [--report FILE]\n"
               "         [--radius KM] [--tolerance PCT] [--quiet]\n"
               "Matches each link of the corridor dataset to the OpenStreetMap lines of IMPORTED_DIR (an\n"
               "import-osm output) between its two places: each end snaps to the nearest imported place of\n"
               "the link's mode (rail: its gauge) within --radius (default 5 km), the shortest path joins\n"
               "them, and it is accepted when its length is within --tolerance (default 25 %%) of the\n"
               "link's distance_km.  DIR gets the corridor dataset with the matched links' distance and\n"
               "geometry from OSM (source S-osm, ODbL notice); --report FILE (default DIR/match_report.csv)\n"
               "lists every link: matched (OSM and old km, difference, OSM link ids) or why not.\n" CLI_EXIT_CODES);
}

int cmd_match_osm(int argc, char **argv)
{
    const char *out = NULL, *report = NULL;
    sr_match_options o;
    sr_match_options_init(&o);
    int quiet = 0;
    enum { O_QUIET = 256, O_OUT, O_REPORT, O_RADIUS, O_TOLERANCE };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},          {"quiet", no_argument, NULL, O_QUIET},
        {"out", required_argument, NULL, O_OUT},   {"report", required_argument, NULL, O_REPORT},
        {"radius", required_argument, NULL, O_RADIUS}, {"tolerance", required_argument, NULL, O_TOLERANCE},
        {NULL, 0, NULL, 0},
    };
    int oc, status = 0;
    while ((oc = cli_getopt(argc, argv, "match-osm", opts, 0, &status)) != -1) {
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
        case O_REPORT:
            if (!*v)
                return cli_fail(0, SR_EARG, "--report: a file is required");
            report = v;
            break;
        case O_RADIUS:
            if (cli_parse_double(v, 0.001, 100, &o.radius_km))
                return cli_fail(0, SR_EARG, "--radius: '%s' is not a number of km from 0.001 to 100", v);
            break;
        case O_TOLERANCE: {
            double pct;
            if (cli_parse_double(v, 0.1, 1000, &pct))
                return cli_fail(0, SR_EARG, "--tolerance: '%s' is not a percentage from 0.1 to 1000", v);
            o.tolerance = pct / 100.0;
            break;
        }
        }
    }
    if (cli_operands(argc, argv, "match-osm", 2, 2, "CORRIDOR_DIR and IMPORTED_DIR", 0))
        return EXIT_USAGE;
    if (!out) {
        usage(stderr);
        return cli_fail(0, SR_EARG, "--out DIR is required");
    }
    sr_match_stats st;
    char err[1024];
    sr_code c = sr_osm_match(argv[optind], argv[optind + 1], out, report, &o, &st, err, sizeof err);
    if (c != SR_OK)
        return cli_fail(0, c, "%s", *err ? err : sr_strerror(c));
    if (!quiet)
        fprintf(stderr,
                "%s: %llu of %llu links matched; not matched: %llu no OSM lines of their mode, %llu an end not "
                "found, %llu ends at one OSM place, %llu no path, %llu implausible length (report: %s%s)\n",
                out, (unsigned long long)st.matched, (unsigned long long)st.links,
                (unsigned long long)st.no_osm_lines, (unsigned long long)st.end_not_found,
                (unsigned long long)st.ends_meet, (unsigned long long)st.no_path,
                (unsigned long long)st.implausible, report ? report : out, report ? "" : "/match_report.csv");
    return EXIT_OK;
}
