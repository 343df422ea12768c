/*
 * cmd_route.c - `silkroute route`, `places`, `network` and `check-data`:
 * the network and routing subcommands.  Each parses its arguments, calls
 * the public API and prints a table, JSON or GeoJSON.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/num.h" /* the library's strict number parser */

#define MAX_ARG CLI_MAX_ARG

static void route_usage(FILE *f)
{
    fprintf(f, "usage: silkroute route FROM TO [--by time|cost|co2|reliable] [--pareto] [--pareto-tolerance PCT]\n"
               "         [--modes rail,road,sea,air] [--avoid-countries KZ,RU] [--avoid PLACE,...]\n"
               "         [--year N] [--cargo 20ft|40ft|t] [--quantity N] [--max-transfers N]\n"
               "         [--weights TIME_H,COST_USD,CO2E_KG] [--data DIR|FILE] [--json | --geojson]\n"
               "         [--depart TIME] [--arrive-by TIME] [--window 14d] [--min-transfer MINUTES]\n"
               "         [--legs] [--geometry] [--csv | --xlsx FILE] [--time-limit S] [--max-work N]\n"
               "         [--documents] [--consignment-note cim-smgs|separate] [--road-regime tir|transit]\n"
               "         [--detail DIR]\n"
               "The table lists corridor segments (legs of one mode, gauge and country); --legs lists\n"
               "every network link.  --geometry adds each leg's drawn line to --json.  --csv prints the\n"
               "legs as CSV; --xlsx FILE writes a workbook (options, segments, legs).  --time-limit and\n"
               "--max-work bound the search (seconds, labels); a long search shows a counter on a terminal.\n"
               "TIME is ISO 8601, 2026-06-03T08:00 (local time at FROM, or at TO for --arrive-by) or\n"
               "2026-06-03T08:00+08:00; with a time, scheduled services wait for their departures and\n"
               "crossings for their opening hours; --window lists every non-dominated departure.\n"
               "FROM and TO are place ids or names in any language (Xi'an, xian, 西安, Сиань), or\n"
               "coordinates LAT,LON in decimal degrees (43.7384,7.4246: no spaces), which snap to the\n"
               "nearest place within 200 km.  --detail DIR (a detailed road network, e.g. an import-osm\n"
               "output) drives the first and last mile of coordinates on DIR's roads instead, to the\n"
               "corridor place within 50 km whose mile and route together are best by --by (the point\n"
               "within 2 km of a road); with the table or --json only (first_mile, last_mile, door_to_door).\n"
               "--max-transfers -1 means no limit (the default).\n"
               "--documents lists per segment the consignment note, carnet and permits in force, where\n"
               "notes are issued, reissued and closed, and the customs events, with the time and cost\n"
               "each adds (in the totals).  --consignment-note separate reissues the rail note where\n"
               "SMGS and CIM meet (default cim-smgs: the common note where accepted); --road-regime\n"
               "transit uses national transit declarations instead of TIR (the default).\n" CLI_EXIT_CODES);
}

static double hours_to_days(double h) { return h / 24.0; }

static void print_totals(const sr_route *r);

/* The crossing or transfer lines that follow leg i in both tables. */
static void print_events(const sr_network *net, const sr_route *r, size_t i, const char *indent)
{
    for (size_t ci = 0; ci < r->n_crossings; ci++) {
        const sr_border_crossing *x = &r->crossings[ci];
        if (x->leg != i)
            continue;
        const char *name = x->crossing >= 0 ? sr_network_crossing(net, (size_t)x->crossing)->name
                                            : sr_network_place(net, x->at)->name_en;
        if (x->in_service) {
            printf("%sborder       %s -> %s at %s: on board, in the service's schedule\n", indent, x->from_country,
                   x->to_country, name);
            continue;
        }
        printf("%sborder       %s -> %s at %s: dwell %.1f h (P90 %.1f h), fee %.0f USD", indent, x->from_country,
               x->to_country, name, x->dwell_h, x->dwell_p90_h, x->fee_usd);
        /* A border inside a customs union has no customs clearance. */
        if (x->internal_union)
            printf(" (internal to %s: no customs)", x->internal_union);
        printf("\n");
    }
    for (size_t xi = 0; xi < r->n_transfers; xi++) {
        const sr_transfer *t = &r->transfers[xi];
        if (t->after_leg != i)
            continue;
        if (t->in_service)
            printf("%s%-12s at %s: %s -> %s, on board, in the service's schedule\n", indent,
                   t->kind == SR_GAUGE_CHANGE ? "gauge change" : "mode change", sr_network_place(net, t->at)->name_en,
                   sr_network_class_name(net, t->from_class), sr_network_class_name(net, t->to_class));
        else
            printf("%s%-12s at %s: %s -> %s, %.1f h (P90 %.1f h), %.0f USD\n", indent,
                   t->kind == SR_GAUGE_CHANGE ? "gauge change" : "mode change", sr_network_place(net, t->at)->name_en,
                   sr_network_class_name(net, t->from_class), sr_network_class_name(net, t->to_class), t->duration_h,
                   t->duration_p90_h, t->cost_usd);
    }
}

/* The default table: one row per corridor segment (sr_route_segments()),
 * the way a forwarder reads a route; --legs prints one row per link. */
static void print_segments(const sr_network *net, const sr_route *r)
{
    printf("  %-3s %-28s %-28s %-5s %6s %4s %9s %8s %9s %9s\n", "#", "from", "to", "mode", "gauge", "legs", "km",
           "hours", "USD", "kg CO2e");
    size_t n = sr_route_segments(net, r, NULL, 0);
    sr_segment *sg = n ? malloc(n * sizeof *sg) : NULL;
    if (n && !sg)
        return;
    sr_route_segments(net, r, sg, n);
    for (size_t i = 0; i < n; i++) {
        const sr_segment *g = &sg[i];
        char ga[8] = "";
        if (g->mode == SR_RAIL)
            snprintf(ga, sizeof ga, "%u", g->gauge_mm);
        printf("  %-3zu ", i + 1);
        cli_cell(sr_network_place(net, g->from)->name_en, 28);
        cli_cell(sr_network_place(net, g->to)->name_en, 28);
        printf("%-5s %6s %4u %9.0f %8.1f %9.0f %9.0f\n", sr_mode_name(g->mode), ga, g->n_legs, g->distance_km,
               g->duration_h, g->cost_usd, g->co2e_kg);
        if (*g->name || g->service)
            printf("      %s%s%s%s\n", g->service ? "service " : "", g->service ? g->service : "",
                   g->service && *g->name ? ": " : "", g->name);
        if (g->timed) {
            char d1[40], d2[40];
            sr_time_format(g->depart, g->depart_utc_offset_s, d1, sizeof d1);
            sr_time_format(g->arrive, g->arrive_utc_offset_s, d2, sizeof d2);
            printf("      depart %s  arrive %s\n", d1, d2);
        }
        print_events(net, r, g->first_leg + g->n_legs - 1, "      ");
    }
    free(sg);
    print_totals(r);
}

static void print_legs(const sr_network *net, const sr_route *r)
{
    printf("  %-3s %-28s %-28s %-5s %6s %9s %8s %9s %9s\n", "#", "from", "to", "mode", "gauge", "km", "hours",
           "USD", "kg CO2e");
    for (size_t i = 0; i < r->n_legs; i++) {
        const sr_leg *l = &r->legs[i];
        const sr_place *a = sr_network_place(net, l->from), *b = sr_network_place(net, l->to);
        char ga[8] = "";
        if (l->mode == SR_RAIL)
            snprintf(ga, sizeof ga, "%u", l->gauge_mm);
        printf("  %-3zu ", i + 1);
        cli_cell(a->name_en, 28);
        cli_cell(b->name_en, 28);
        printf("%-5s %6s %9.0f %8.1f %9.0f %9.0f\n", sr_mode_name(l->mode), ga, l->distance_km, l->duration_h,
               l->cost_usd, l->co2e_kg);
        if (r->timed) {
            char d1[40], d2[40];
            sr_time_format(l->depart, l->depart_utc_offset_s, d1, sizeof d1);
            sr_time_format(l->arrive, l->arrive_utc_offset_s, d2, sizeof d2);
            printf("      depart %s  arrive %s", d1, d2);
            if (l->wait_h > 0.005)
                printf("  (waited %.1f h)", l->wait_h);
            if (l->service)
                printf("  service %s: %s", l->service, l->service_name ? l->service_name : "");
            printf("\n");
        }
        print_events(net, r, i, "      ");
    }
    print_totals(r);
}

static void print_totals(const sr_route *r)
{
    printf("  total: %.0f km, %.1f h (%.1f days; P90 %.1f days), %.0f USD, %.2f t CO2e; %zu transfer%s, %zu border "
           "crossing%s\n",
           r->distance_km, r->duration_h, hours_to_days(r->duration_h), hours_to_days(r->duration_p90_h), r->cost_usd,
           r->co2e_kg / 1000.0, r->n_transfers, r->n_transfers == 1 ? "" : "s", r->n_crossings,
           r->n_crossings == 1 ? "" : "s");
    if (r->on_time_probability >= 0)
        printf("  probability of arriving by the deadline: %.0f %%\n", 100 * r->on_time_probability);
    if (r->timed) {
        char d1[40], d2[40];
        sr_time_format(r->depart, r->depart_utc_offset_s, d1, sizeof d1);
        sr_time_format(r->arrive, r->arrive_utc_offset_s, d2, sizeof d2);
        printf("  depart %s, arrive %s; %d scheduled service%s\n", d1, d2, r->n_boardings,
               r->n_boardings == 1 ? "" : "s");
    }
}

/* A first or last mile in the tables: the road leg before or after the
 * corridor route. */
static void print_mile(const sr_network *net, const sr_mile *m)
{
    const sr_place *p = sr_network_place(net, m->place);
    char pt[64];
    snprintf(pt, sizeof pt, "%.6f,%.6f", m->lat, m->lon);
    printf("  %s road %.1f km, %.2f h (%zu links of the detailed network) from %s%s%s%s to %s%s%s%s; snaps %.2f "
           "and %.2f km\n",
           m->last ? "last mile: " : "first mile:", m->distance_km, m->duration_h, m->n_links,
           m->last ? p->name_en : pt, m->last ? " (" : "", m->last ? p->id : "", m->last ? ")" : "",
           m->last ? pt : p->name_en, m->last ? "" : " (", m->last ? "" : p->id, m->last ? "" : ")", m->snap_km,
           m->place_snap_km);
}

static void print_door_to_door(const sr_route *r, const sr_mile *m, const int *have)
{
    double km = r->distance_km, h = r->duration_h;
    for (int e = 0; e < 2; e++)
        if (have[e])
            km += m[e].distance_km, h += m[e].duration_h;
    printf("  door to door: %.0f km, %.1f h (%.1f days) with the %s\n", km, h, hours_to_days(h),
           have[0] && have[1] ? "first and last mile" : have[0] ? "first mile" : "last mile");
}

int cmd_route(int argc, char **argv)
{
    sr_route_options o;
    sr_route_options_init(&o);
    const char *data = NULL, *pos[2] = {NULL, NULL}, *depart_s = NULL, *arrive_s = NULL,
               *window_s = NULL;
    int npos = 0, json = 0, geojson = 0, legs = 0, geometry = 0, csv = 0, documents = 0;
    const char *xlsx = NULL, *detail = NULL;
    unsigned time_limit_ms = 0;
    uint64_t max_work = 0;
    static cli_route_bufs rbufs;
    enum {
        O_JSON = 256, O_GEOJSON, O_CSV, O_LEGS, O_GEOMETRY, O_PARETO, O_XLSX, O_TIME_LIMIT, O_MAX_WORK, O_DEPART,
        O_ARRIVE_BY, O_WINDOW, O_MIN_TRANSFER, O_PARETO_TOLERANCE, O_DATA, O_DOCUMENTS, O_CONSIGNMENT_NOTE,
        O_ROAD_REGIME, O_DETAIL
    };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, O_JSON},
        {"geojson", no_argument, NULL, O_GEOJSON},
        {"csv", no_argument, NULL, O_CSV},
        {"legs", no_argument, NULL, O_LEGS},
        {"geometry", no_argument, NULL, O_GEOMETRY},
        {"pareto", no_argument, NULL, O_PARETO},
        CLI_ROUTE_OPTIONS,
        {"xlsx", required_argument, NULL, O_XLSX},
        {"time-limit", required_argument, NULL, O_TIME_LIMIT},
        {"max-work", required_argument, NULL, O_MAX_WORK},
        {"depart", required_argument, NULL, O_DEPART},
        {"arrive-by", required_argument, NULL, O_ARRIVE_BY},
        {"window", required_argument, NULL, O_WINDOW},
        {"min-transfer", required_argument, NULL, O_MIN_TRANSFER},
        {"pareto-tolerance", required_argument, NULL, O_PARETO_TOLERANCE},
        {"data", required_argument, NULL, O_DATA},
        {"documents", no_argument, NULL, O_DOCUMENTS},
        {"consignment-note", required_argument, NULL, O_CONSIGNMENT_NOTE},
        {"road-regime", required_argument, NULL, O_ROAD_REGIME},
        {"detail", required_argument, NULL, O_DETAIL},
        {NULL, 0, NULL, 0},
    };
    /* JSON output is decided before parsing the rest so that usage errors
     * come out in the format the caller asked for. */
    json = cli_has_flag(argc, argv, "--json");
    int oc, status = 0;
    while ((oc = cli_getopt(argc, argv, "route", opts, json, &status)) != -1) {
        const char *v = optarg;
        switch (oc) {
        case 'h':
            route_usage(stdout);
            return EXIT_OK;
        case '?':
            return status;
        case O_JSON: json = 1; break;
        case O_GEOJSON: geojson = 1; break;
        case O_CSV: csv = 1; break;
        case O_LEGS: legs = 1; break;
        case O_GEOMETRY: geometry = 1; break;
        case O_PARETO: o.pareto = 1; break;
        case O_XLSX: xlsx = v; break;
        case O_TIME_LIMIT: {
            double secs;
            if (cli_parse_double(v, 0.001, 86400, &secs))
                return cli_fail(json, SR_EARG, "--time-limit: '%s' is not a number of seconds from 0.001 to 86400", v);
            time_limit_ms = (unsigned)(secs * 1000.0 + 0.5);
            break;
        }
        case O_MAX_WORK: {
            long n;
            if (cli_parse_int(v, 1, 2000000000L, &n))
                return cli_fail(json, SR_EARG, "--max-work: '%s' is not a whole number of labels from 1 to 2e9", v);
            max_work = (uint64_t)n;
            break;
        }
        case O_DEPART: depart_s = v; break;
        case O_ARRIVE_BY: arrive_s = v; break;
        case O_WINDOW: window_s = v; break;
        case O_MIN_TRANSFER: {
            long m;
            if (cli_parse_int(v, 0, 7 * 24 * 60, &m))
                return cli_fail(json, SR_EARG, "--min-transfer: '%s' is not a whole number of minutes", v);
            o.min_transfer_s = (int)m * 60;
            break;
        }
        case O_PARETO_TOLERANCE: {
            double pct;
            if (cli_parse_double(v, 0, 1000, &pct))
                return cli_fail(json, SR_EARG, "--pareto-tolerance: '%s' is not a percentage from 0 to 1000", v);
            o.pareto_tolerance = pct / 100.0;
            o.pareto = 1;
            break;
        }
        case O_DATA: data = v; break;
        case O_DOCUMENTS: documents = 1; break;
        case O_DETAIL:
            if (!*v)
                return cli_fail(json, SR_EARG, "--detail: a directory is required");
            detail = v;
            break;
        case O_CONSIGNMENT_NOTE:
            /* Transport documents (docs/DOCUMENTS.md). */
            if (!strcmp(v, "cim-smgs"))
                o.consignment_note = SR_NOTE_CIM_SMGS;
            else if (!strcmp(v, "separate"))
                o.consignment_note = SR_NOTE_SEPARATE;
            else
                return cli_fail(json, SR_EARG, "--consignment-note: '%s' is not one of cim-smgs, separate", v);
            break;
        case O_ROAD_REGIME:
            if (!strcmp(v, "tir"))
                o.road_regime = SR_ROAD_TIR;
            else if (!strcmp(v, "transit"))
                o.road_regime = SR_ROAD_TRANSIT;
            else
                return cli_fail(json, SR_EARG, "--road-regime: '%s' is not one of tir, transit", v);
            break;
        default:
            /* --by, --modes, --avoid...: the options route shares with reach and matrix. */
            if (cli_route_opt(oc, v, &o, &rbufs, json, &status) <= 0)
                return status ? status : cli_fail(json, SR_EINTERNAL, "route: option %d not handled", oc);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (npos == 2)
            return cli_fail(json, SR_EARG, "route: unexpected argument '%s': give exactly FROM and TO", argv[i]);
        pos[npos++] = argv[i];
    }
    if (npos != 2) {
        if (!json)
            route_usage(stderr);
        return cli_fail(json, SR_EARG, "route: give FROM and TO places");
    }
    if (json && geojson)
        return cli_fail(json, SR_EARG, "--json and --geojson exclude each other");
    if (csv + json + geojson + (xlsx != NULL) > 1)
        return cli_fail(json, SR_EARG, "--json, --geojson, --csv and --xlsx exclude each other");
    if (detail && (geojson || csv || xlsx || depart_s || arrive_s || window_s))
        return cli_fail(json, SR_EARG, "--detail: only with the table or --json, and without --depart, "
                                       "--arrive-by or --window");
    o.from = pos[0];
    o.to = pos[1];
    sr_network *net = cli_open_network(data, json, &status);
    if (!net)
        return status;
    /* First and last mile: coordinates drive to a corridor place on the
     * detailed roads, and the corridor route starts or ends there
     * (sr_route_query_miles(), the same as the server's). */
    sr_miles miles = {.label = {"FROM", "TO"}};
    sr_detail *det = NULL;
    if (detail) {
        sr_code dc = sr_detail_open(detail, &det);
        if (dc != SR_OK) {
            status = cli_fail(json, dc, "--detail: %s", sr_detail_errmsg(det));
            sr_detail_close(det);
            sr_network_close(net);
            return status;
        }
    }
    /* Times without an offset are local at the origin (departure) or the
     * destination (arrive-by). */
    char terr[256];
    if (sr_route_options_set_times(net, &o, depart_s, arrive_s, window_s, terr, sizeof terr) != SR_OK) {
        sr_detail_close(det);
        sr_network_close(net);
        return cli_fail(json, SR_EARG, "--%s", terr);
    }
    sr_query *q = NULL;
    sr_result *res = NULL;
    sr_code c = sr_query_create(net, &q);
    if (c == SR_OK) {
        /* Long searches show a counter on a terminal and stop at the
         * limits asked for (the library's work budget otherwise). */
        sr_query_set_budget(q, max_work, time_limit_ms);
        cli_progress_attach(q);
        if (det && (sr_is_coords(o.from) || sr_is_coords(o.to))) {
            c = sr_route_query_miles(q, det, &o, &res, &miles);
            /* A mile that cannot be driven (or is not needed) is the
             * message alone, not the route error object. */
            if (c != SR_OK && !miles.routed) {
                cli_progress_done();
                status = cli_fail(json, c, "%s", sr_query_errmsg(q));
                goto out;
            }
        } else {
            c = sr_route_query(q, &o, &res);
        }
        cli_progress_done();
    }
    if (c != SR_OK) {
        if (json && q) {
            /* The same error object as the HTTP API: blocked_by, suggestions. */
            char *e = sr_route_error_json(q, &o, c, 0);
            if (e)
                cli_puts(e);
            sr_free(e);
            status = cli_exit_code(c);
        } else {
            status = cli_fail(json, c, "%s", q && *sr_query_errmsg(q) ? sr_query_errmsg(q) : sr_strerror(c));
        }
    } else if (xlsx) {
        status = sr_result_xlsx(net, res, xlsx) == SR_OK
                     ? EXIT_OK
                     : cli_fail(json, SR_EIO, "--xlsx: cannot write '%s'", xlsx);
    } else if (csv) {
        char *s = sr_result_csv(net, res, 0);
        status = !s || fputs(s, stdout) == EOF ? EXIT_FAIL : EXIT_OK;
        sr_free(s);
    } else if (json || geojson) {
        unsigned jf = SR_JSON_PRETTY | (geometry ? SR_JSON_GEOMETRY : 0);
        char *s = json ? sr_result_json_miles(net, res, jf, &miles) : sr_result_geojson(net, res, SR_JSON_PRETTY);
        status = !s || cli_puts(s) ? EXIT_FAIL : EXIT_OK;
        sr_free(s);
    } else {
        size_t n = sr_result_count(res);
        size_t fi = 0, ti = 0;
        sr_place_find(net, o.from, &fi);
        sr_place_find(net, o.to, &ti);
        static const char *const by[] = {"time", "cost", "co2", "weights", "reliable (P90)"};
        printf("%s (%s) -> %s (%s): %s, cargo %g x %s", sr_network_place(net, fi)->name_en,
               sr_network_place(net, fi)->id, sr_network_place(net, ti)->name_en, sr_network_place(net, ti)->id,
               o.pareto ? "Pareto options over time, cost and CO2e" : by[o.objective], o.quantity,
               sr_unit_name(o.unit));
        if (o.year)
            printf(", network of %d", o.year);
        printf("\n");
        for (size_t i = 0; i < n; i++) {
            if (n > 1)
                printf("Option %zu of %zu\n", i + 1, n);
            if (miles.have[0])
                print_mile(net, &miles.mile[0]);
            if (legs)
                print_legs(net, sr_result_route(res, i));
            else
                print_segments(net, sr_result_route(res, i));
            if (miles.have[1])
                print_mile(net, &miles.mile[1]);
            if (miles.have[0] || miles.have[1])
                print_door_to_door(sr_result_route(res, i), miles.mile, miles.have);
            if (documents)
                cli_print_documents(net, sr_result_route(res, i));
        }
        status = EXIT_OK;
    }
out:
    sr_result_free(res);
    sr_query_destroy(q);
    sr_miles_clear(&miles);
    sr_detail_close(det);
    sr_network_close(net);
    return status;
}

int cmd_places(int argc, char **argv)
{
    const char *data = NULL, *query = NULL;
    int json = 0;
    long limit = 0;
    enum { O_JSON = 256, O_DATA, O_LIMIT };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON},
        {"data", required_argument, NULL, O_DATA}, {"limit", required_argument, NULL, O_LIMIT},
        {NULL, 0, NULL, 0},
    };
    json = cli_has_flag(argc, argv, "--json");
    int oc, status = 0;
    while ((oc = cli_getopt(argc, argv, "places", opts, json, &status)) != -1) {
        switch (oc) {
        case 'h':
            printf("usage: silkroute places [QUERY] [--limit N] [--data DIR] [--json]\n"
                   "Lists the places of the network, or those matching QUERY in any language.\n" CLI_EXIT_CODES);
            return EXIT_OK;
        case '?': return status;
        case O_JSON: json = 1; break;
        case O_DATA: data = optarg; break;
        case O_LIMIT:
            if (cli_parse_int(optarg, 1, 100000, &limit))
                return cli_fail(json, SR_EARG, "--limit: '%s' is not a whole number from 1 to 100000", optarg);
            break;
        }
    }
    if (cli_operands(argc, argv, "places", 0, 1, "at most one QUERY", json))
        return EXIT_USAGE;
    if (optind < argc) {
        if (strlen(argv[optind]) > 1024)
            return cli_fail(json, SR_EARG, "QUERY: longer than 1024 bytes");
        query = argv[optind];
    }
    sr_network *net = cli_open_network(data, json, &status);
    if (!net)
        return status;
    size_t np = sr_network_place_count(net);
    size_t max = limit ? (size_t)limit : query ? 20 : np;
    size_t *idx = malloc((max ? max : 1) * sizeof *idx);
    if (!idx) {
        sr_network_close(net);
        return cli_fail(json, SR_ENOMEM, "out of memory");
    }
    size_t n = sr_place_search(net, query ? query : "", idx, max);
    if (json) {
        printf("{\"code\":\"Ok\",\"places\":[");
        for (size_t i = 0; i < n; i++) {
            char *s = sr_place_json(net, idx[i], 0);
            printf("%s%s", i ? "," : "", s ? s : "null");
            sr_free(s);
        }
        printf("]}\n");
    } else {
        printf("%-18s %-26s %-12s %-20s %-2s %-15s %9s %9s\n", "id", "name", "zh", "ru", "cc", "kind", "lat", "lon");
        for (size_t i = 0; i < n; i++) {
            const sr_place *p = sr_network_place(net, idx[i]);
            cli_cell(p->id, 18);
            cli_cell(p->name_en, 26);
            cli_cell(p->name_zh, 12);
            cli_cell(p->name_ru, 20);
            printf("%-2s %-15s %9.4f %9.4f\n", p->country, sr_place_kind_name(p->kind), p->lat, p->lon);
        }
        if (query && n == 0)
            fprintf(stderr, "silkroute: no place matches '%s'\n", query);
    }
    free(idx);
    sr_network_close(net);
    return query && n == 0 ? EXIT_USAGE : EXIT_OK;
}

int cmd_network(int argc, char **argv)
{
    const char *data = NULL;
    int geojson = 0, json_out = 0;
    long year = 0;
    unsigned modes = SR_MODES_ALL;
    char buf[256];
    enum { O_GEOJSON = 256, O_JSON, O_DATA, O_YEAR, O_MODES };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"geojson", no_argument, NULL, O_GEOJSON},
        {"json", no_argument, NULL, O_JSON}, {"data", required_argument, NULL, O_DATA},
        {"year", required_argument, NULL, O_YEAR}, {"modes", required_argument, NULL, O_MODES},
        {NULL, 0, NULL, 0},
    };
    int oc, status = 0;
    int json_err = cli_has_flag(argc, argv, "--json");
    while ((oc = cli_getopt(argc, argv, "network", opts, json_err, &status)) != -1) {
        const char *v = optarg;
        switch (oc) {
        case 'h':
            printf("usage: silkroute network [--geojson | --json] [--modes rail,road,sea,air] [--year N|all] [--data DIR]\n"
                   "Without --geojson prints a summary (--json: the summary as JSON).  --year N keeps links usable in year N (default: open\n"
                   "links only); --year all keeps every link with its status.\n" CLI_EXIT_CODES);
            return EXIT_OK;
        case '?': return status;
        case O_GEOJSON: geojson = 1; break;
        case O_JSON: json_out = 1; break;
        case O_DATA: data = v; break;
        case O_YEAR:
            if (!strcmp(v, "all"))
                year = -1;
            else if (cli_parse_int(v, 1800, 2200, &year))
                return cli_fail(json_err, SR_EARG, "--year: '%s' is not a year between 1800 and 2200 or 'all'", v);
            break;
        case O_MODES: {
            snprintf(buf, sizeof buf, "%s", v);
            const char *m[8];
            int n = cli_split_list(buf, m, 8);
            modes = 0;
            for (int k = 0; k < n; k++) {
                int md = sr_mode_parse(m[k]);
                if (md < 0)
                    return cli_fail(json_err, SR_EARG, "--modes: '%s' is not one of rail, road, sea, air", m[k]);
                modes |= SR_MODE_BIT(md);
            }
            if (n <= 0)
                return cli_fail(json_err, SR_EARG, "--modes: give at least one mode");
            break;
        }
        }
    }
    if (cli_operands(argc, argv, "network", 0, 0, "no arguments but options", json_err))
        return EXIT_USAGE;
    if (geojson && json_out)
        return cli_fail(1, SR_EARG, "network: --json and --geojson exclude each other");
    sr_network *net = cli_open_network(data, json_out, &status);
    if (!net)
        return status;
    if (geojson) {
        char *s = sr_network_geojson(net, modes, (int)year, 0);
        status = !s || cli_puts(s) ? EXIT_FAIL : EXIT_OK;
        sr_free(s);
    } else {
        size_t by_mode[SR_MODE_COUNT] = {0}, planned = 0;
        double km[SR_MODE_COUNT] = {0};
        for (size_t i = 0; i < sr_network_link_count(net); i++) {
            const sr_link *k = sr_network_link(net, i);
            by_mode[k->mode]++;
            km[k->mode] += k->distance_km;
            planned += k->status == SR_PLANNED;
        }
        if (json_out) {
            json_t *bm = json_object();
            for (int m = 0; m < SR_MODE_COUNT; m++)
                json_object_set_new(bm, sr_mode_name((sr_mode)m),
                                    json_pack("{s:I,s:f}", "links", (json_int_t)by_mode[m], "km", km[m]));
            json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:o}", "code", "Ok", "dataset", sr_network_dir(net),
                                  "places", (json_int_t)sr_network_place_count(net), "links",
                                  (json_int_t)sr_network_link_count(net), "planned_links", (json_int_t)planned,
                                  "crossings", (json_int_t)sr_network_crossing_count(net), "modes", bm);
            char *js = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
            json_decref(o);
            status = !js || cli_puts(js) ? EXIT_FAIL : EXIT_OK;
            free(js);
        } else {
            printf("dataset %s: %zu places, %zu links (%zu planned), %zu border crossings\n", sr_network_dir(net),
                   sr_network_place_count(net), sr_network_link_count(net), planned, sr_network_crossing_count(net));
            for (int m = 0; m < SR_MODE_COUNT; m++)
                printf("  %-5s %5zu links %9.0f km\n", sr_mode_name((sr_mode)m), by_mode[m], km[m]);
        }
    }
    sr_network_close(net);
    return status;
}

typedef struct report_ctx {
    const char *dir;
    json_t *problems;   /* --json: the problems, else NULL */
    long warnings;
    int is_file;        /* a compiled network file: lines name it already */
} report_ctx;

/* Print a problem as DIR/FILE:LINE: error: field: message - the form
 * compilers use, so editors jump to the line (vim's quickfix, Emacs's
 * compile mode) - or collect it for --json. */
static void print_report(void *ctx, int is_error, const char *line)
{
    report_ctx *rc = ctx;
    rc->warnings += !is_error;
    /* The library's line is "FILE:LINE: rest" or "FILE: rest". */
    const char *sep = strstr(line, ": ");
    size_t pl = sep ? (size_t)(sep - line) : 0;
    const char *rest = sep ? sep + 2 : line;
    if (rc->is_file) {
        /* "FILE: message" from the compiled-file reader. */
        if (rc->problems) {
            json_t *o = json_pack("{s:s,s:s,s:s}", "severity", is_error ? "error" : "warning", "file", rc->dir,
                                  "message", rest);
            json_array_append_new(rc->problems, o);
        } else {
            printf("%s: %s: %s\n", rc->dir, is_error ? "error" : "warning", rest);
        }
        return;
    }
    if (rc->problems) {
        char file[1024] = "";
        long ln = 0;
        if (pl && pl < sizeof file) {
            memcpy(file, line, pl);
            file[pl] = 0;
            char *colon = strrchr(file, ':');
            char *end = NULL;
            if (colon && colon[1] && (ln = strtol(colon + 1, &end, 10)) > 0 && !*end)
                *colon = 0;
            else
                ln = 0;
        }
        char path[1200];
        snprintf(path, sizeof path, "%s%s%s", *file ? rc->dir : "", *file ? "/" : "", file);
        json_t *o = json_pack("{s:s,s:s,s:s}", "severity", is_error ? "error" : "warning", "file", path, "message", rest);
        if (o && ln)
            json_object_set_new(o, "line", json_integer(ln));
        json_array_append_new(rc->problems, o);
        return;
    }
    if (pl)
        printf("%s/%.*s: %s: %s\n", rc->dir, (int)pl, line, is_error ? "error" : "warning", rest);
    else
        printf("%s: %s: %s\n", rc->dir, is_error ? "error" : "warning", line);
}

int cmd_check_data(int argc, char **argv)
{
    const char *dir = NULL;
    int json_out = 0;
    enum { O_JSON = 256 };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON}, {NULL, 0, NULL, 0},
    };
    int oc, status = 0;
    json_out = cli_has_flag(argc, argv, "--json");
    while ((oc = cli_getopt(argc, argv, "check-data", opts, json_out, &status)) != -1) {
        switch (oc) {
        case 'h':
            printf("usage: silkroute check-data [DIR|FILE] [--json]   (default: the built-in dataset)\n"
                   "Prints one line per problem, DIR/FILE:LINE: error: field: message (the form editors jump\n"
                   "to), or with --json one object with every problem; exit 4 when there are errors\n"
                   "(1 when the first is a file that cannot be read, 6 when it is a file over its size cap).\n"
                   "A compiled network FILE (silkroute compile) is checked in full: every checksum and hierarchy.\n"
                   CLI_EXIT_CODES);
            return EXIT_OK;
        case '?': return status;
        case O_JSON: json_out = 1; break;
        }
    }
    if (cli_operands(argc, argv, "check-data", 0, 1, "at most one dataset DIR", json_out))
        return EXIT_USAGE;
    if (optind < argc)
        dir = argv[optind];
    if (!dir) {
        /* The built-in dataset: ask the library where it is. */
        sr_network *net = NULL;
        sr_network_open(NULL, &net);
        static char path[4096];
        snprintf(path, sizeof path, "%s", net ? sr_network_dir(net) : "data");
        sr_network_close(net);
        dir = path;
    }
    sr_code first = SR_OK;
    struct stat st;
    report_ctx rc = {dir, json_out ? json_array() : NULL, 0, stat(dir, &st) == 0 && S_ISREG(st.st_mode)};
    long errors = sr_check_data_code(dir, print_report, &rc, &first);
    if (errors < 0) {
        json_decref(rc.problems);
        return cli_fail(json_out, first, "%s: not a readable dataset directory", dir);
    }
    if (json_out) {
        json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:o}", "code", errors ? sr_code_name(first == SR_OK ? SR_EDATA : first) : "Ok",
                              "dataset", dir, "errors", (json_int_t)errors, "warnings", (json_int_t)rc.warnings, "problems",
                              rc.problems ? rc.problems : json_array());
        char *js = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        if (!js || cli_puts(js))
            errors = errors ? errors : 1;
        free(js);
    } else {
        printf("%s: %ld error%s\n", dir, errors, errors == 1 ? "" : "s");
    }
    /* The class of the first error: 4 bad data, 1 a file that cannot be
     * read (or is no regular file), 6 a file over its size cap. */
    return errors ? cli_exit_code(first == SR_OK ? SR_EDATA : first) : EXIT_OK;
}
