/*
 * cmd_pipelines.c - `silkroute pipelines`: capacities, modelled flows and
 * utilisation of the gas and oil pipeline systems (DIR/pipelines/), the
 * deliveries at each receiving point and the binding segments, for a year
 * and a scenario; `silkroute pipelines compare FILE` shows deliveries and
 * shortfalls against the base.  A thin client of the public pipeline API.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void pipelines_usage(FILE *f)
{
    fprintf(f, "usage: silkroute pipelines [--year N] [--scenario FILE] [--critical] [--data DIR]\n"
               "                           [--json | --geojson]\n"
               "       silkroute pipelines compare FILE [--base FILE] [--year N] [--data DIR] [--json]\n"
               "Gas (bcm/yr) and oil (Mt/yr) pipelines: segment capacity, modelled flow and utilisation,\n"
               "deliveries at receiving points, binding segments and published observations.\n"
               "--critical ranks segments by the delivery lost when each is cut.  Scenario format:\n"
               "docs/SCENARIOS.md (\"Pipeline scenarios\").\n"
               "exit status: 0 ok, 2 usage error, 4 bad data or scenario, 1 other failure\n");
}

typedef struct popts {
    const char *data, *scenario, *base;
    long year;
    int json, geojson, critical, compare;
} popts;

static int parse(int argc, char **argv, popts *o)
{
    /* "pipelines compare FILE ...": the subcommand's own argv. */
    if (argc > 1 && !strcmp(argv[1], "compare")) {
        o->compare = 1;
        argc--;
        argv++;
    }
    const char *cmd = o->compare ? "pipelines compare" : "pipelines";
    enum { O_JSON = 256, O_GEOJSON, O_CRITICAL, O_DATA, O_SCENARIO, O_BASE, O_YEAR };
    static const struct option plain[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON},
        {"geojson", no_argument, NULL, O_GEOJSON}, {"critical", no_argument, NULL, O_CRITICAL},
        {"data", required_argument, NULL, O_DATA}, {"scenario", required_argument, NULL, O_SCENARIO},
        {"year", required_argument, NULL, O_YEAR}, {NULL, 0, NULL, 0},
    };
    static const struct option compare[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON},
        {"data", required_argument, NULL, O_DATA}, {"base", required_argument, NULL, O_BASE},
        {"year", required_argument, NULL, O_YEAR}, {NULL, 0, NULL, 0},
    };
    o->json = cli_has_flag(argc, argv, "--json");
    int oc, status = 0;
    while ((oc = cli_getopt(argc, argv, cmd, o->compare ? compare : plain, o->json, &status)) != -1) {
        const char *v = optarg;
        switch (oc) {
        case 'h': pipelines_usage(stdout); return EXIT_OK;
        case '?': return status;
        case O_JSON: o->json = 1; break;
        case O_GEOJSON: o->geojson = 1; break;
        case O_CRITICAL: o->critical = 1; break;
        case O_DATA:
        case O_SCENARIO:
        case O_BASE:
            if (!*v)
                return cli_fail(o->json, SR_EARG, "--%s: expected a %s", oc == O_DATA ? "data" : oc == O_BASE ? "base" : "scenario",
                                oc == O_DATA ? "directory" : "scenario file");
            *(oc == O_DATA ? &o->data : oc == O_BASE ? &o->base : &o->scenario) = v;
            break;
        case O_YEAR:
            if (cli_parse_int(v, 1900, 2200, &o->year))
                return cli_fail(o->json, SR_EARG, "--year: '%s' is not a year in 1900..2200", v);
            break;
        }
    }
    if (cli_operands(argc, argv, cmd, o->compare, o->compare, o->compare ? "one scenario FILE" : "no arguments but options",
                     o->json))
        return EXIT_USAGE;
    if (o->compare)
        o->scenario = argv[optind];
    if (o->json && o->geojson)
        return cli_fail(0, SR_EARG, "--json and --geojson exclude each other");
    return -1;
}

/* A scenario: year, then the file; solved.  NULL after printing an error. */
static sr_pipeflow *scenario(const sr_pipelines *p, long year, const char *file, int json, int *status)
{
    sr_pipeflow *f = NULL;
    sr_code c = sr_pipeflow_create(p, &f);
    if (c == SR_OK && year)
        c = sr_pipeflow_set_year(f, (int)year);
    if (c == SR_OK && file)
        c = sr_pipeflow_load_scenario(f, file);
    if (c == SR_OK)
        c = sr_pipeflow_solve(f);
    if (c != SR_OK) {
        *status = cli_fail(json, c, "%s", f && *sr_pipeflow_errmsg(f) ? sr_pipeflow_errmsg(f) : sr_strerror(c));
        sr_pipeflow_destroy(f);
        return NULL;
    }
    return f;
}

static double jd(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *js(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Print the tables from the library's JSON (one source of truth for the
 * numbers the CLI, the HTTP API and the web map show). */
static int print_tables(const char *text, int compare)
{
    json_error_t e;
    json_t *root = json_loads(text, 0, &e);
    if (!root)
        return cli_fail(0, SR_EINTERNAL, "cannot read the library's JSON: %s", e.text);
    json_t *yr = json_object_get(root, "year");
    size_t si;
    json_t *sys;
    json_array_foreach(json_object_get(root, "systems"), si, sys) {
        const char *unit = js(sys, "unit");
        printf("%s%s (%s)\n", si ? "\n" : "", js(sys, "name"), unit);
        if (json_is_integer(yr))
            printf("  network of %lld\n", (long long)json_integer_value(yr));
        if (!compare) {
            printf("  %-9s %-15s %-14s %-14s %7s %7s %8s %8s %6s\n", "segment", "line", "from", "to", "km", "mm",
                   "capacity", "flow", "util");
            size_t i;
            json_t *g;
            json_array_foreach(json_object_get(sys, "segments"), i, g) {
                printf("  ");
                cli_cell(js(g, "id"), 9);
                cli_cell(js(g, "line"), 15);
                cli_cell(js(g, "from"), 14);
                cli_cell(js(g, "to"), 14);
                double km = jd(g, "length_km"), mm = jd(g, "diameter_mm"), u = jd(g, "utilisation");
                if (isnan(km))
                    printf("%7s ", "-");
                else
                    printf("%7.0f ", km);
                if (isnan(mm))
                    printf("%7s ", "-");
                else
                    printf("%7.0f ", mm);
                printf("%8.2f %8.2f ", jd(g, "capacity"), jd(g, "flow"));
                if (isnan(u))
                    printf("%6s", json_is_true(json_object_get(g, "usable")) ? "-" : js(g, "status"));
                else
                    printf("%5.0f%%", 100 * u);
                printf("%s\n", json_is_true(json_object_get(g, "binding")) ? "  binds" : "");
            }
        }
        printf("  supplies:\n");
        size_t i;
        json_t *u;
        json_array_foreach(json_object_get(sys, "supplies"), i, u) {
            printf("    %-12s %-2s at %-14s prio %d  offered %7.2f  served %7.2f", js(u, "id"), js(u, "supplier"),
                   js(u, "node"), (int)jd(u, "priority"), jd(u, "offered"), jd(u, "served"));
            if (compare)
                printf("  base %7.2f  shortfall %7.2f", jd(u, "base"), jd(u, "shortfall"));
            printf("\n");
        }
        if (json_array_size(json_object_get(sys, "offtakes"))) {
            printf("  offtakes in transit countries:\n");
            json_array_foreach(json_object_get(sys, "offtakes"), i, u) {
                printf("    %-12s %-2s at %-14s volume %7.2f  served %7.2f", js(u, "id"), js(u, "country"),
                       js(u, "node"), jd(u, "volume"), jd(u, "served"));
                if (compare)
                    printf("  base %7.2f  shortfall %7.2f", jd(u, "base"), jd(u, "shortfall"));
                printf("\n");
            }
        }
        printf("  deliveries:\n");
        json_array_foreach(json_object_get(sys, "deliveries"), i, u) {
            printf("    %-12s at %-14s %8.2f %s", js(u, "id"), js(u, "node"), jd(u, "delivered"), unit);
            if (compare)
                printf("  base %8.2f  shortfall %8.2f", jd(u, "base"), jd(u, "shortfall"));
            printf("\n");
        }
        printf("  total delivered %.2f %s of %.2f offered", jd(sys, "delivered"), unit, jd(sys, "offered"));
        if (compare)
            printf("; base %.2f, shortfall %.2f", jd(sys, "base_delivered"), jd(sys, "shortfall"));
        printf("\n");
        if (!compare) {
            printf("  binding segments:");
            json_t *b;
            json_array_foreach(json_object_get(sys, "binding"), i, b) printf(" %s", json_string_value(b));
            printf("%s\n", json_array_size(json_object_get(sys, "binding")) ? "" : " none");
            if (json_array_size(json_object_get(sys, "observations")))
                printf("  observations (published) beside the model:\n");
            json_array_foreach(json_object_get(sys, "observations"), i, u) {
                double m = jd(u, "model");
                printf("    %d %-14s %-10s %10.3f %-6s model ", (int)jd(u, "year"), js(u, "kind"), js(u, "subject"),
                       jd(u, "value"), js(u, "unit"));
                if (isnan(m))
                    printf("%10s\n", "-");
                else
                    printf("%10.3f\n", m);
            }
            json_t *cr = json_object_get(sys, "critical");
            if (cr) {
                printf("  critical segments (delivery lost when cut):\n");
                json_array_foreach(cr, i, u) printf("    %-2zu %-9s %-15s flow %7.2f  lost %7.2f %s (%.0f%%)\n", i + 1,
                                                    js(u, "segment"), js(u, "line"), jd(u, "flow"), jd(u, "lost"),
                                                    unit, 100 * jd(u, "lost_share"));
            }
        }
    }
    json_decref(root);
    return EXIT_OK;
}

int cmd_pipelines(int argc, char **argv)
{
    popts o = {0};
    int st = parse(argc, argv, &o);
    if (st >= 0)
        return st;
    sr_pipelines *p = NULL;
    sr_code c = sr_pipelines_open(o.data, &p);
    if (c != SR_OK) {
        st = cli_fail(o.json, c, "%s", p ? sr_pipelines_errmsg(p) : sr_strerror(c));
        sr_pipelines_close(p);
        return st;
    }
    sr_pipeflow *f = NULL, *b = NULL;
    char *out = NULL;
    if (o.compare) {
        b = scenario(p, o.year, o.base, o.json, &st);
        if (b)
            f = scenario(p, o.year, o.scenario, o.json, &st);
    } else {
        f = scenario(p, o.year, o.scenario, o.json, &st);
    }
    if (f) {
        out = o.geojson ? sr_pipeflow_geojson(f) : sr_pipeflow_json(f, b, o.critical ? SR_PIPE_JSON_CRITICAL : 0);
        if (!out)
            st = cli_fail(o.json, SR_ENOMEM, "out of memory");
        else if (o.json || o.geojson)
            st = cli_puts(out) ? EXIT_FAIL : EXIT_OK;
        else
            st = print_tables(out, o.compare);
    }
    sr_free(out);
    sr_pipeflow_destroy(f);
    sr_pipeflow_destroy(b);
    sr_pipelines_close(p);
    return st;
}
