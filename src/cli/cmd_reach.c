/*
 * cmd_reach.c - `silkroute reach` (places reachable within a time, cost or
 * CO2e budget: an isochrone on the corridor network) and `silkroute matrix`
 * (time, cost, CO2e and distance between many places, one search per
 * source).  Both take the route options of `silkroute route`.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_SIDE 1000

static void reach_usage(FILE *f)
{
    fprintf(f, "usage: silkroute reach FROM --within BUDGET [--by time|cost|co2] [--bands N]\n"
               "         [--modes rail,road,sea,air] [--avoid-countries KZ,RU] [--avoid PLACE,...]\n"
               "         [--year N] [--cargo 20ft|40ft|t] [--quantity N] [--max-transfers N]\n"
               "         [--data DIR] [--json | --geojson | --csv]\n"
               "       silkroute reach --at LAT,LON --within BUDGET ...\n"
               "BUDGET is a time for --by time (7d, 36h, or hours), USD for --by cost, kg CO2e for\n"
               "--by co2.  Lists every place whose best route stays within it (the route that\n"
               "`silkroute route` finds), with its arrival band: --bands equal shares of the budget\n"
               "(default: days for a time budget of whole days, else 5).\n"
               "exit status: 0 ok, 2 usage or unknown place, 4 bad data, 1 other failure\n");
}

/* "7d", "36h", "90m" or hours; 0 on success. */
static int parse_time_budget(const char *s, double *h)
{
    size_t n = strlen(s);
    if (!n || n > 32)
        return -1;
    char num[40];
    memcpy(num, s, n + 1);
    double scale = 1;
    char u = num[n - 1];
    if (u == 'd' || u == 'h' || u == 'm') {
        scale = u == 'd' ? 24 : u == 'h' ? 1 : 1.0 / 60;
        num[n - 1] = 0;
    }
    double v;
    if (cli_parse_double(num, 1e-9, 1e7, &v))
        return -1;
    *h = v * scale;
    return 0;
}

static const char *place_label(const sr_network *net, uint32_t p) { return sr_network_place(net, p)->id; }

int cmd_reach(int argc, char **argv)
{
    sr_route_options o;
    sr_route_options_init(&o);
    static cli_route_bufs bufs;
    const char *data = NULL, *from = NULL, *within = NULL, *at = NULL;
    int json = 0, geojson = 0, csv = 0;
    long bands = 0;
    enum { O_JSON = 256, O_GEOJSON, O_CSV, O_WITHIN, O_BANDS, O_AT, O_DATA };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON},
        {"geojson", no_argument, NULL, O_GEOJSON}, {"csv", no_argument, NULL, O_CSV},
        {"within", required_argument, NULL, O_WITHIN}, {"budget", required_argument, NULL, O_WITHIN},
        {"bands", required_argument, NULL, O_BANDS}, {"at", required_argument, NULL, O_AT},
        {"data", required_argument, NULL, O_DATA}, CLI_ROUTE_OPTIONS, {NULL, 0, NULL, 0},
    };
    json = cli_has_flag(argc, argv, "--json");
    int oc, status = 0;
    while ((oc = cli_getopt(argc, argv, "reach", opts, json, &status)) != -1) {
        const char *v = optarg;
        switch (oc) {
        case 'h': reach_usage(stdout); return EXIT_OK;
        case '?': return status;
        case O_JSON: json = 1; break;
        case O_GEOJSON: geojson = 1; break;
        case O_CSV: csv = 1; break;
        case O_WITHIN: within = v; break;
        case O_BANDS:
            if (cli_parse_int(v, 1, 100, &bands))
                return cli_fail(json, SR_EARG, "--bands: '%s' is not a whole number from 1 to 100", v);
            break;
        case O_AT: at = v; break;
        case O_DATA: data = v; break;
        default:
            if (cli_route_opt(oc, v, &o, &bufs, json, &status) <= 0)
                return status ? status : cli_fail(json, SR_EINTERNAL, "reach: option %d not handled", oc);
        }
    }
    if (cli_operands(argc, argv, "reach", 0, 1, "one FROM place", json))
        return EXIT_USAGE;
    if (optind < argc)
        from = argv[optind];
    if (json + geojson + csv > 1)
        return cli_fail(json, SR_EARG, "--json, --geojson and --csv exclude each other");
    if (!from == !at) {
        if (!json)
            reach_usage(stderr);
        return cli_fail(json, SR_EARG, "give a FROM place or --at LAT,LON (one of them)");
    }
    if (!within)
        return cli_fail(json, SR_EARG, "--within: a budget is required (7d, 5000 USD with --by cost, ...)");
    if (o.objective == SR_BY_BLEND)
        return cli_fail(json, SR_EARG, "--weights: reach needs --by time, cost or co2");
    if (o.objective == SR_BY_RELIABLE)
        return cli_fail(json, SR_EARG, "--by: reach takes time, cost or co2");
    double budget;
    if (o.objective == SR_BY_TIME ? parse_time_budget(within, &budget) : cli_parse_double(within, 1e-9, 1e12, &budget))
        return cli_fail(json, SR_EARG, "--within: '%s' is not a %s", within,
                        o.objective == SR_BY_TIME ? "time such as 7d, 36h or 168" : "positive number");
    if (!bands) {
        double days = budget / 24;
        bands = o.objective == SR_BY_TIME && fabs(days - round(days)) < 1e-9 && days >= 1 && days <= 100 ? (long)round(days) : 5;
    }
    sr_network *net = cli_open_network(data, json, &status);
    if (!net)
        return status;
    size_t origin = 0;
    if (at) {
        double lat, lon;
        char extra;
        if (sscanf(at, "%lf,%lf%c", &lat, &lon, &extra) != 2 || sr_place_nearest(net, lat, lon, &origin, NULL) != SR_OK) {
            sr_network_close(net);
            return cli_fail(json, SR_EARG, "--at: '%s' is not LAT,LON in degrees (e.g. 34.26,108.94)", at);
        }
        from = sr_network_place(net, origin)->id;
    }
    o.from = from;
    sr_query *q = NULL;
    sr_reach *r = NULL;
    sr_code c = sr_query_create(net, &q);
    if (c == SR_OK)
        c = sr_reach_query(q, &o, budget, &r);
    if (c != SR_OK) {
        status = cli_fail(json, c, "%s", q && *sr_query_errmsg(q) ? sr_query_errmsg(q) : sr_strerror(c));
        goto out;
    }
    status = EXIT_OK;
    if (json || geojson) {
        char *s = json ? sr_reach_json(net, r, (unsigned)bands, SR_JSON_PRETTY) : sr_reach_geojson(net, r, (unsigned)bands, 0);
        if (!s || cli_puts(s))
            status = cli_fail(0, SR_EIO, "cannot write the answer");
        sr_free(s);
        goto out;
    }
    if (csv) {
        printf("place,name,country,value,band,duration_h,cost_usd,co2e_kg,distance_km,via\n");
        for (size_t i = 0; i < sr_reach_count(r); i++) {
            const sr_reach_place *p = sr_reach_at(r, i);
            const sr_place *pl = sr_network_place(net, p->place);
            double b = floor(p->value / budget * (double)bands);
            printf("%s,\"%s\",%s,%.2f,%ld,%.2f,%.2f,%.2f,%.2f,%s\n", pl->id, pl->name_en, pl->country, p->value,
                   b >= bands ? bands - 1 : (long)b, p->duration_h, p->cost_usd, p->co2e_kg, p->distance_km,
                   p->via_place == UINT32_MAX ? "" : place_label(net, p->via_place));
        }
        if (fflush(stdout))
            status = cli_fail(0, SR_EIO, "cannot write the answer");
        goto out;
    }
    {
        const sr_place *op = sr_network_place(net, sr_reach_origin(r));
        char nb[48];
        const char *unit = o.objective == SR_BY_TIME ? "h" : o.objective == SR_BY_COST ? "USD" : "kg CO2e";
        printf("%s (%s): %zu places within %s %s by %s, %ld bands\n", op->name_en, op->id, sr_reach_count(r),
               cli_num(nb, sizeof nb, budget, o.objective == SR_BY_TIME ? 1 : 0, 0), unit,
               o.objective == SR_BY_TIME ? "time" : o.objective == SR_BY_COST ? "cost" : "CO2e", bands);
        /* Ids are printed in full: the widest decides the column. */
        int w = 8;
        for (size_t i = 0; i < sr_reach_count(r); i++) {
            int l = (int)strlen(sr_network_place(net, sr_reach_at(r, i)->place)->id);
            if (l > w)
                w = l;
        }
        printf("  %-4s  %-*s %-28s %-2s %9s %8s %10s %10s %9s\n", "band", w, "id", "name", "cc", "hours", "days",
               "USD", "kg CO2e", "km");
        for (size_t i = 0; i < sr_reach_count(r); i++) {
            const sr_reach_place *p = sr_reach_at(r, i);
            const sr_place *pl = sr_network_place(net, p->place);
            double b = floor(p->value / budget * (double)bands);
            char h[32], d[32], u[32], k[32], km[32];
            printf("  %-4ld  %-*s ", b >= bands ? bands - 1 : (long)b, w, pl->id);
            cli_cell(pl->name_en, 28);
            printf("%-2s %9s %8s %10s %10s %9s\n", pl->country, cli_num(h, sizeof h, p->duration_h, 1, 0),
                   cli_num(d, sizeof d, p->duration_h / 24, 1, 0), cli_num(u, sizeof u, p->cost_usd, 0, 0),
                   cli_num(k, sizeof k, p->co2e_kg, 0, 0), cli_num(km, sizeof km, p->distance_km, 0, 0));
        }
        if (fflush(stdout))
            status = cli_fail(0, SR_EIO, "cannot write the answer");
    }
out:
    sr_reach_free(r);
    sr_query_destroy(q);
    sr_network_close(net);
    return status;
}

static void matrix_usage(FILE *f)
{
    fprintf(f, "usage: silkroute matrix --from PLACE,... [--to PLACE,...] [--by time|cost|co2]\n"
               "         [--weights TIME_H,COST_USD,CO2E_KG] [--modes rail,road,sea,air]\n"
               "         [--avoid-countries KZ,RU] [--avoid PLACE,...] [--year N] [--cargo 20ft|40ft|t]\n"
               "         [--quantity N] [--max-transfers N] [--data DIR] [--json | --csv]\n"
               "Time, cost, CO2e and distance of the best route (as `silkroute route` finds it) from\n"
               "every --from place to every --to place (default: the --from places); one search per\n"
               "source.  --from all or --to all takes every place.  At most %d places a side.\n"
               "exit status: 0 ok, 2 usage or unknown place, 4 bad data, 1 other failure\n",
            MAX_SIDE);
}

/* Split a comma list of places ("all": every place) into a new array. */
static int place_list(const sr_network *net, char *s, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!strcmp(s, "all")) {
        size_t np = sr_network_place_count(net);
        if (np > MAX_SIDE)
            return -1;
        *out = malloc((np + 1) * sizeof **out);
        if (!*out)
            return -2;
        for (size_t i = 0; i < np; i++)
            (*out)[i] = sr_network_place(net, i)->id;
        *n = np;
        return 0;
    }
    *out = malloc((MAX_SIDE + 1) * sizeof **out);
    if (!*out)
        return -2;
    int k = cli_split_list(s, *out, MAX_SIDE);
    if (k < 0)
        return -1;
    *n = (size_t)k;
    return 0;
}

int cmd_matrix(int argc, char **argv)
{
    sr_route_options o;
    sr_route_options_init(&o);
    static cli_route_bufs bufs;
    const char *data = NULL;
    char *from_s = NULL, *to_s = NULL;
    int json = 0, csv = 0;
    enum { O_JSON = 256, O_CSV, O_FROM, O_TO, O_DATA };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON}, {"csv", no_argument, NULL, O_CSV},
        {"from", required_argument, NULL, O_FROM}, {"to", required_argument, NULL, O_TO},
        {"data", required_argument, NULL, O_DATA}, CLI_ROUTE_OPTIONS, {NULL, 0, NULL, 0},
    };
    json = cli_has_flag(argc, argv, "--json");
    int oc, status = 0;
    while ((oc = cli_getopt(argc, argv, "matrix", opts, json, &status)) != -1) {
        /* The lists are split in place: optarg points into argv. */
        char *v = optarg;
        switch (oc) {
        case 'h': matrix_usage(stdout); return EXIT_OK;
        case '?': return status;
        case O_JSON: json = 1; break;
        case O_CSV: csv = 1; break;
        case O_FROM:
        case O_TO:
            if (!*v)
                return cli_fail(json, SR_EARG, "--%s: a comma-separated list of places is required", oc == O_FROM ? "from" : "to");
            *(oc == O_FROM ? &from_s : &to_s) = v;
            break;
        case O_DATA: data = v; break;
        default:
            if (cli_route_opt(oc, v, &o, &bufs, json, &status) <= 0)
                return status ? status : cli_fail(json, SR_EINTERNAL, "matrix: option %d not handled", oc);
        }
    }
    if (cli_operands(argc, argv, "matrix", 0, 0, "the places with --from and --to", json))
        return EXIT_USAGE;
    if (o.objective == SR_BY_RELIABLE)
        return cli_fail(json, SR_EARG, "--by: matrix takes time, cost, co2 or --weights");
    if (json && csv)
        return cli_fail(json, SR_EARG, "--json and --csv exclude each other");
    if (!from_s) {
        if (!json)
            matrix_usage(stderr);
        return cli_fail(json, SR_EARG, "--from: give the source places");
    }
    sr_network *net = cli_open_network(data, json, &status);
    if (!net)
        return status;
    const char **src = NULL, **tgt = NULL;
    size_t ns = 0, nt = 0;
    sr_query *q = NULL;
    sr_matrix *m = NULL;
    int e1 = place_list(net, from_s, &src, &ns), e2 = e1 ? 0 : place_list(net, to_s ? to_s : from_s, &tgt, &nt);
    if (e1 || e2 || !ns || !nt) {
        status = cli_fail(json, e1 == -2 || e2 == -2 ? SR_ENOMEM : SR_EARG,
                          "--from/--to: give 1 to %d places a side (comma-separated ids or names, or all)", MAX_SIDE);
        goto out;
    }
    sr_code c = sr_query_create(net, &q);
    if (c == SR_OK)
        c = sr_matrix_query(q, &o, src, ns, tgt, nt, &m);
    if (c != SR_OK) {
        status = cli_fail(json, c, "%s", q && *sr_query_errmsg(q) ? sr_query_errmsg(q) : sr_strerror(c));
        goto out;
    }
    status = EXIT_OK;
    if (json || csv) {
        char *s = json ? sr_matrix_json(net, m, 0) : sr_matrix_csv(net, m);
        if (!s || fputs(s, stdout) == EOF || (json && fputc('\n', stdout) == EOF) || fflush(stdout))
            status = cli_fail(0, SR_EIO, "cannot write the answer");
        sr_free(s);
        goto out;
    }
    {
        /* One line per pair: a wide table of four figures does not fit a
         * terminal. */
        int w = 6;
        for (size_t i = 0; i < ns; i++)
            if ((int)strlen(sr_network_place(net, sr_matrix_source(m, i))->id) > w)
                w = (int)strlen(sr_network_place(net, sr_matrix_source(m, i))->id);
        for (size_t j = 0; j < nt; j++)
            if ((int)strlen(sr_network_place(net, sr_matrix_target(m, j))->id) > w)
                w = (int)strlen(sr_network_place(net, sr_matrix_target(m, j))->id);
        printf("%-*s %-*s %9s %7s %10s %10s %9s\n", w, "from", w, "to", "hours", "days", "USD", "kg CO2e", "km");
        for (size_t i = 0; i < ns; i++)
            for (size_t j = 0; j < nt; j++) {
                const sr_matrix_cell *cl = sr_matrix_at(m, i, j);
                printf("%-*s %-*s ", w, sr_network_place(net, sr_matrix_source(m, i))->id, w,
                       sr_network_place(net, sr_matrix_target(m, j))->id);
                if (!cl->reachable) {
                    printf("%9s\n", "no route");
                    continue;
                }
                char h[32], d[32], u[32], k[32], km[32];
                printf("%9s %7s %10s %10s %9s\n", cli_num(h, sizeof h, cl->duration_h, 1, 0),
                       cli_num(d, sizeof d, cl->duration_h / 24, 1, 0), cli_num(u, sizeof u, cl->cost_usd, 0, 0),
                       cli_num(k, sizeof k, cl->co2e_kg, 0, 0), cli_num(km, sizeof km, cl->distance_km, 0, 0));
            }
        if (fflush(stdout))
            status = cli_fail(0, SR_EIO, "cannot write the answer");
    }
out:
    free(src);
    free(tgt);
    sr_matrix_free(m);
    sr_query_destroy(q);
    sr_network_close(net);
    return status;
}
