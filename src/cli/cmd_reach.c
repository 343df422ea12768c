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

#define MAX_ARG 4096
#define MAX_SIDE 1000

/* Argument storage of the route options (their strings point here). */
typedef struct ropt_bufs {
    char modes[MAX_ARG], avoidc[MAX_ARG], avoid[MAX_ARG];
} ropt_bufs;

/*
 * Parse one route option of `silkroute route` at argv[*i] into o: 1 when
 * consumed, 0 when argv[*i] is not a route option, or -(exit status + 1)
 * after printing the error.
 */
static int route_opt(int argc, char **argv, int *i, sr_route_options *o, ropt_bufs *b, int json)
{
    const char *v = NULL, *a = argv[*i];
    int r;
#define OPT(name) ((r = cli_opt_val(argc, argv, i, name, &v)) < 0 ? -(cli_fail(json, SR_EARG, "%s: a value is required", name) + 1) : r)
#define FAIL(...) return -(cli_fail(json, SR_EARG, __VA_ARGS__) + 1)
    if ((r = OPT("--by"))) {
        if (r < 0)
            return r;
        if (!strcmp(v, "time"))
            o->objective = SR_BY_TIME;
        else if (!strcmp(v, "cost"))
            o->objective = SR_BY_COST;
        else if (!strcmp(v, "co2") || !strcmp(v, "co2e"))
            o->objective = SR_BY_CO2;
        else
            FAIL("--by: '%s' is not one of time, cost, co2", v);
        return 1;
    }
    if ((r = OPT("--modes"))) {
        if (r < 0)
            return r;
        snprintf(b->modes, sizeof b->modes, "%s", v);
        const char *m[8];
        int n = cli_split_list(b->modes, m, 8);
        o->modes = 0;
        for (int k = 0; k < n; k++) {
            int md = sr_mode_parse(m[k]);
            if (md < 0)
                FAIL("--modes: '%s' is not one of rail, road, sea, air", m[k]);
            o->modes |= SR_MODE_BIT(md);
        }
        if (n <= 0)
            FAIL("--modes: give at least one of rail, road, sea, air");
        return 1;
    }
    if ((r = OPT("--avoid-countries"))) {
        if (r < 0)
            return r;
        snprintf(b->avoidc, sizeof b->avoidc, "%s", v);
        int n = cli_split_list(b->avoidc, o->avoid_countries, SR_MAX_AVOID);
        if (n < 0)
            FAIL("--avoid-countries: at most %d countries", SR_MAX_AVOID);
        o->n_avoid_countries = (size_t)n;
        return 1;
    }
    if ((r = OPT("--avoid"))) {
        if (r < 0)
            return r;
        snprintf(b->avoid, sizeof b->avoid, "%s", v);
        int n = cli_split_list(b->avoid, o->avoid, SR_MAX_AVOID);
        if (n < 0)
            FAIL("--avoid: at most %d places or crossings", SR_MAX_AVOID);
        o->n_avoid = (size_t)n;
        return 1;
    }
    if ((r = OPT("--year"))) {
        long y;
        if (r < 0)
            return r;
        if (cli_parse_int(v, 1800, 2200, &y))
            FAIL("--year: '%s' is not a year between 1800 and 2200", v);
        o->year = (int)y;
        return 1;
    }
    if ((r = OPT("--cargo"))) {
        if (r < 0)
            return r;
        int u = sr_unit_parse(v);
        if (u < 0)
            FAIL("--cargo: '%s' is not one of 20ft, 40ft, t", v);
        o->unit = (sr_unit)u;
        return 1;
    }
    if ((r = OPT("--quantity"))) {
        if (r < 0)
            return r;
        if (cli_parse_double(v, 1e-9, 1e9, &o->quantity))
            FAIL("--quantity: '%s' is not a number in (0, 1e9]", v);
        return 1;
    }
    if ((r = OPT("--max-transfers"))) {
        long n;
        if (r < 0)
            return r;
        if (cli_parse_int(v, 0, 31, &n))
            FAIL("--max-transfers: '%s' is not a whole number from 0 to 31", v);
        o->max_transfers = (int)n;
        return 1;
    }
    if ((r = OPT("--weights"))) {
        if (r < 0)
            return r;
        double w[3];
        char buf[256], *save = NULL;
        snprintf(buf, sizeof buf, "%s", v);
        int n = 0;
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (n == 3 || cli_parse_double(t, 0, 1e12, &w[n]))
                FAIL("--weights: give three non-negative numbers TIME_H,COST_USD,CO2E_KG");
            n++;
        }
        if (n != 3)
            FAIL("--weights: give three non-negative numbers TIME_H,COST_USD,CO2E_KG");
        o->objective = SR_BY_BLEND;
        o->weight_time_h = w[0];
        o->weight_cost_usd = w[1];
        o->weight_co2e_kg = w[2];
        return 1;
    }
    (void)a;
    return 0;
#undef OPT
#undef FAIL
}

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
    static ropt_bufs bufs;
    const char *data = NULL, *from = NULL, *within = NULL, *at = NULL;
    int json = 0, geojson = 0, csv = 0;
    long bands = 0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--json"))
            json = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        int r;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            reach_usage(stdout);
            return EXIT_OK;
        }
        if (strlen(a) > MAX_ARG - 1)
            return cli_fail(json, SR_EARG, "argument %d: longer than %d bytes", i, MAX_ARG - 1);
        if (!strcmp(a, "--json"))
            continue;
        if (!strcmp(a, "--geojson")) {
            geojson = 1;
            continue;
        }
        if (!strcmp(a, "--csv")) {
            csv = 1;
            continue;
        }
        if ((r = route_opt(argc, argv, &i, &o, &bufs, json)) < 0)
            return -r - 1;
        if (r)
            continue;
        if ((r = cli_opt_val(argc, argv, &i, "--within", &v)) || (r = cli_opt_val(argc, argv, &i, "--budget", &v))) {
            if (r < 0)
                return cli_fail(json, SR_EARG, "--within: a value is required");
            within = v;
        } else if ((r = cli_opt_val(argc, argv, &i, "--bands", &v))) {
            if (r < 0 || cli_parse_int(v, 1, 100, &bands))
                return cli_fail(json, SR_EARG, "--bands: expected a whole number from 1 to 100");
        } else if ((r = cli_opt_val(argc, argv, &i, "--at", &v))) {
            if (r < 0)
                return cli_fail(json, SR_EARG, "--at: a value is required");
            at = v;
        } else if ((r = cli_opt_val(argc, argv, &i, "--data", &v))) {
            if (r < 0)
                return cli_fail(json, SR_EARG, "--data: a value is required");
            data = v;
        } else if (a[0] == '-' && a[1]) {
            return cli_fail(json, SR_EARG, "unknown option '%s' (see silkroute reach --help)", a);
        } else if (from) {
            return cli_fail(json, SR_EARG, "unexpected argument '%s': give one FROM place", a);
        } else {
            from = a;
        }
    }
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
    double budget;
    if (o.objective == SR_BY_TIME ? parse_time_budget(within, &budget) : cli_parse_double(within, 1e-9, 1e12, &budget))
        return cli_fail(json, SR_EARG, "--within: '%s' is not a %s", within,
                        o.objective == SR_BY_TIME ? "time such as 7d, 36h or 168" : "positive number");
    if (!bands) {
        double days = budget / 24;
        bands = o.objective == SR_BY_TIME && fabs(days - round(days)) < 1e-9 && days >= 1 && days <= 100 ? (long)round(days) : 5;
    }
    int status;
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
    static ropt_bufs bufs;
    const char *data = NULL;
    char *from_s = NULL, *to_s = NULL;
    int json = 0, csv = 0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--json"))
            json = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        int r;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            matrix_usage(stdout);
            return EXIT_OK;
        }
        if (!strcmp(a, "--json"))
            continue;
        if (!strcmp(a, "--csv")) {
            csv = 1;
            continue;
        }
        if ((r = route_opt(argc, argv, &i, &o, &bufs, json)) < 0)
            return -r - 1;
        if (r)
            continue;
        if ((r = cli_opt_val(argc, argv, &i, "--from", &v))) {
            if (r < 0 || !*v)
                return cli_fail(json, SR_EARG, "--from: a comma-separated list of places is required");
            from_s = argv[i] + (v - argv[i]);
        } else if ((r = cli_opt_val(argc, argv, &i, "--to", &v))) {
            if (r < 0 || !*v)
                return cli_fail(json, SR_EARG, "--to: a comma-separated list of places is required");
            to_s = argv[i] + (v - argv[i]);
        } else if ((r = cli_opt_val(argc, argv, &i, "--data", &v))) {
            if (r < 0)
                return cli_fail(json, SR_EARG, "--data: a value is required");
            data = v;
        } else {
            return cli_fail(json, SR_EARG, "unknown argument '%s' (see silkroute matrix --help)", a);
        }
    }
    if (json && csv)
        return cli_fail(json, SR_EARG, "--json and --csv exclude each other");
    if (!from_s) {
        if (!json)
            matrix_usage(stderr);
        return cli_fail(json, SR_EARG, "--from: give the source places");
    }
    int status;
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
