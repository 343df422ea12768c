/*
 * cmd_assign.c - `silkroute assign`: static traffic assignment of a TNTP
 * problem (--tntp PREFIX) with the library's Algorithm B, printing the
 * convergence statistics as a table or JSON and optionally writing the
 * link flows in the TNTP flow format.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_PATH_ARG 4000


static void assign_usage(FILE *f)
{
    fprintf(f, "usage: silkroute assign --tntp PREFIX [--toll-factor X] [--distance-factor Y]\n"
               "         [--gap 1e-6] [--max-iterations N] [--objective ue|so] [--algorithm b|fw]\n"
               "         [--threads N] [--json] [--flows-out FILE]\n"
               "PREFIX_net.tntp and PREFIX_trips.tntp must exist (TNTP format).\n"
               "The relative gap is TSTT/SPTT - 1 (see docs/ASSIGN.md).\n"
               "Exit 0 converged, 5 iteration limit reached first, 3 demand without a path.\n" CLI_EXIT_CODES);
}

/* ------------------------------------------------------------------------
 * Corridor mode: assign, compare, critical on the dataset network
 * ---------------------------------------------------------------------- */

typedef struct fopts {
    const char *data, *demand, *scenario, *base;
    int json, geojson, csv, top;
    char *only_buf;           /* --only list, split in place */
    const char *only[256];
    size_t n_only;
    long year;
    double gap, vot, loss, bpr_b, bpr_p;
    long max_it;
    int so;
} fopts;

/* Parse the options shared by the corridor commands; returns -1 when done
 * and ok, or an exit status. */
static int parse_fopts(int argc, char **argv, int first, fopts *o, const char *cmd, void (*usage)(FILE *))
{
    (void)first;
    enum {
        O_JSON = 256, O_GEOJSON, O_CSV, O_DATA, O_DEMAND, O_SCENARIO, O_BASE, O_YEAR, O_GAP, O_MAX_IT, O_BPR_B,
        O_BPR_P, O_VOT, O_LOSS, O_ONLY, O_TOP, O_OBJECTIVE
    };
    /* One table per command: compare takes --base and a SCENARIO operand,
     * critical --loss, --only and --top, assign none of those. */
#define FOPTS_COMMON                                                                                          \
    {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON},                                    \
        {"geojson", no_argument, NULL, O_GEOJSON}, {"data", required_argument, NULL, O_DATA},                 \
        {"demand", required_argument, NULL, O_DEMAND}, {"scenario", required_argument, NULL, O_SCENARIO},     \
        {"year", required_argument, NULL, O_YEAR}, {"gap", required_argument, NULL, O_GAP},                   \
        {"max-iterations", required_argument, NULL, O_MAX_IT}, {"bpr-b", required_argument, NULL, O_BPR_B},   \
        {"bpr-power", required_argument, NULL, O_BPR_P},                                                      \
        {"value-of-time", required_argument, NULL, O_VOT}, {"objective", required_argument, NULL, O_OBJECTIVE}
    static const struct option assign_opts[] = {FOPTS_COMMON, {NULL, 0, NULL, 0}};
    static const struct option compare_opts[] = {FOPTS_COMMON, {"csv", no_argument, NULL, O_CSV},
                                                 {"base", required_argument, NULL, O_BASE}, {NULL, 0, NULL, 0}};
    static const struct option critical_opts[] = {FOPTS_COMMON, {"csv", no_argument, NULL, O_CSV},
                                                  {"loss", required_argument, NULL, O_LOSS},
                                                  {"only", required_argument, NULL, O_ONLY},
                                                  {"top", required_argument, NULL, O_TOP}, {NULL, 0, NULL, 0}};
#undef FOPTS_COMMON
    int is_compare = !strcmp(cmd, "compare");
    const struct option *opts = is_compare ? compare_opts : !strcmp(cmd, "critical") ? critical_opts : assign_opts;
    o->json = cli_has_flag(argc, argv, "--json");
    int oc, status = 0;
    while ((oc = cli_getopt(argc, argv, cmd, opts, o->json, &status)) != -1) {
        const char *v = optarg;
        switch (oc) {
        case 'h': usage(stdout); return EXIT_OK;
        case '?': return status;
        case O_JSON: o->json = 1; break;
        case O_GEOJSON: o->geojson = 1; break;
        case O_CSV: o->csv = 1; break;
        case O_DATA:
        case O_DEMAND:
        case O_SCENARIO:
        case O_BASE:
            if (!*v)
                return cli_fail(o->json, SR_EARG, "--%s: expected a %s", oc == O_DATA ? "data" : oc == O_DEMAND ? "demand" : oc == O_BASE ? "base" : "scenario",
                                oc == O_DATA ? "directory" : oc == O_DEMAND ? "CSV file" : "scenario file");
            *(oc == O_DATA ? &o->data : oc == O_DEMAND ? &o->demand : oc == O_BASE ? &o->base : &o->scenario) = v;
            break;
        case O_YEAR:
            if (cli_parse_int(v, 1900, 2200, &o->year))
                return cli_fail(o->json, SR_EARG, "--year: '%s' is not a year in 1900..2200", v);
            break;
        case O_GAP:
            if (cli_parse_double(v, 0, 1, &o->gap))
                return cli_fail(o->json, SR_EARG, "--gap: '%s' is not a relative gap in 0..1", v);
            break;
        case O_MAX_IT:
            if (cli_parse_int(v, 0, 100000000, &o->max_it))
                return cli_fail(o->json, SR_EARG, "--max-iterations: '%s' is not an integer in 0..100000000", v);
            break;
        case O_BPR_B:
            if (cli_parse_double(v, 0, 1000, &o->bpr_b))
                return cli_fail(o->json, SR_EARG, "--bpr-b: '%s' is not a number in 0..1000", v);
            break;
        case O_BPR_P:
            if (cli_parse_double(v, 0, 20, &o->bpr_p))
                return cli_fail(o->json, SR_EARG, "--bpr-power: '%s' is not a number in 0..20", v);
            break;
        case O_VOT:
            if (cli_parse_double(v, 1e-6, 1e6, &o->vot))
                return cli_fail(o->json, SR_EARG, "--value-of-time: '%s' is not USD per TEU-hour in 1e-6..1e6", v);
            break;
        case O_LOSS:
            if (cli_parse_double(v, 1e-6, 1, &o->loss))
                return cli_fail(o->json, SR_EARG, "--loss: '%s' is not a capacity loss fraction in (0, 1]", v);
            break;
        case O_ONLY: {
            if (!*v || strlen(v) > 16000)
                return cli_fail(o->json, SR_EARG, "--only: expected a comma-separated list of link or crossing ids");
            free(o->only_buf);
            o->only_buf = strdup(v);
            o->n_only = 0;
            if (!o->only_buf)
                return cli_fail(o->json, SR_ENOMEM, "out of memory");
            char *save = NULL;
            for (char *t = strtok_r(o->only_buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (o->n_only == sizeof o->only / sizeof o->only[0])
                    return cli_fail(o->json, SR_EARG, "--only: more than 256 ids");
                o->only[o->n_only++] = t;
            }
            break;
        }
        case O_TOP: {
            long t;
            if (cli_parse_int(v, 1, 1000000, &t))
                return cli_fail(o->json, SR_EARG, "--top: '%s' is not a count in 1..1000000", v);
            o->top = (int)t;
            break;
        }
        case O_OBJECTIVE:
            if (strcmp(v, "ue") && strcmp(v, "so"))
                return cli_fail(o->json, SR_EARG, "--objective: '%s' is not 'ue' or 'so'", v);
            o->so = !strcmp(v, "so");
            break;
        }
    }
    /* compare takes its SCENARIO as an operand too. */
    if (cli_operands(argc, argv, cmd, 0, is_compare && !o->scenario, is_compare ? "one SCENARIO" : "no arguments but options",
                     o->json))
        return EXIT_USAGE;
    if (optind < argc)
        o->scenario = argv[optind];
    if (o->json + o->geojson + o->csv > 1)
        return cli_fail(o->json, SR_EARG, "--json, --geojson and --csv exclude each other");
    return -1;
}

/* Width of an id column: the longest id printed, so ids are never cut. */
static int id_width(int w, const char *id)
{
    int l = (int)strlen(id);
    return l > w ? l : w;
}

static void fopts_init(fopts *o)
{
    memset(o, 0, sizeof *o);
    o->gap = 1e-8;
    o->vot = 2.0;
    o->loss = 0.9;
    o->max_it = 1000;
    o->bpr_b = 0.15;
    o->bpr_p = 4;
}

/* Open the network, create the assignment, load demand and scenario. */
static int open_freight(const fopts *o, const char *scenario, sr_network **net, sr_freight **f)
{
    int st;
    *f = NULL;
    *net = cli_open_network(o->data, o->json, &st);
    if (!*net)
        return st;
    sr_code rc = sr_freight_create(*net, f);
    if (rc == SR_OK)
        rc = sr_freight_set_params(*f, o->vot, o->bpr_b, o->bpr_p);
    if (rc == SR_OK)
        rc = sr_freight_load_demand(*f, o->demand);
    if (rc == SR_OK && o->year)
        rc = sr_freight_set_year(*f, (int)o->year);
    if (rc == SR_OK && scenario)
        rc = sr_freight_load_scenario(*f, scenario);
    if (rc != SR_OK) {
        st = cli_fail(o->json, rc, "%s", *f ? sr_freight_errmsg(*f) : sr_strerror(rc));
        sr_freight_destroy(*f);
        sr_network_close(*net);
        *f = NULL;
        *net = NULL;
        return st;
    }
    return -1;
}

static void tap_opts(const fopts *o, sr_tap_options *t)
{
    sr_tap_options_init(t);
    t->gap = o->gap;
    t->max_iterations = o->max_it;
    t->objective = o->so ? SR_TAP_SO : SR_TAP_UE;
}

/* TEU per year and TEU-weighted mean hours and USD per TEU of the demand
 * bound for country cc. */
static void country_stats(const sr_freight *f, const sr_network *net, const char *cc, double *teu, double *h,
                          double *usd)
{
    *teu = *h = *usd = 0;
    for (size_t r = 0; r < sr_freight_demand_count(f); r++) {
        size_t d;
        double v, hr, us;
        sr_freight_demand_row(f, r, NULL, &d, &v, &hr, &us);
        if (strcmp(sr_network_place(net, d)->country, cc))
            continue;
        *teu += v;
        *h += v * hr;
        *usd += v * us;
    }
    if (*teu > 0) {
        *h /= *teu;
        *usd /= *teu;
    }
}

/* The distinct destination countries of the demand, in order of first
 * appearance; returns how many (at most max). */
static size_t dest_countries(const sr_freight *f, const sr_network *net, char (*out)[3], size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sr_freight_demand_count(f); i++) {
        size_t d;
        sr_freight_demand_row(f, i, NULL, &d, NULL, NULL, NULL);
        const char *cc = sr_network_place(net, d)->country;
        int dup = 0;
        for (size_t k = 0; k < n && !dup; k++)
            dup = !strcmp(out[k], cc);
        if (!dup && n < max)
            memcpy(out[n++], cc, 3);
    }
    return n;
}

static void corridor_usage(FILE *f)
{
    fprintf(f, "usage: silkroute assign [--data DIR] [--demand FILE] [--scenario FILE] [--year N]\n"
               "         [--gap 1e-8] [--max-iterations N] [--objective ue|so] [--value-of-time USD]\n"
               "         [--json | --geojson]\n"
               "       silkroute assign --tntp PREFIX ...   (see --tntp --help)\n"
               "Assigns the annual container demand (DIR/demand.csv, TEU per year) onto the network\n"
               "and prints utilisation of crossings, terminals and links.  See docs/ASSIGN.md.\n" CLI_EXIT_CODES);
}

static int corridor_assign(int argc, char **argv)
{
    fopts o;
    fopts_init(&o);
    int st = parse_fopts(argc, argv, 1, &o, "assign", corridor_usage);
    if (st >= 0)
        return st;
    sr_network *net;
    sr_freight *f;
    if ((st = open_freight(&o, o.scenario, &net, &f)) >= 0)
        return st;
    sr_tap_options t;
    tap_opts(&o, &t);
    sr_code rc = sr_freight_solve(f, &t);
    if (rc != SR_OK && rc != SR_ENOTCONVERGED) {
        st = cli_fail(o.json || o.geojson, rc, "%s", sr_freight_errmsg(f));
        goto out;
    }
    st = cli_exit_code(rc);
    if (o.json || o.geojson) {
        char *s = o.geojson ? sr_freight_geojson(f, 0) : sr_freight_json(f, 0);
        if (!s) {
            st = cli_fail(1, SR_ENOMEM, "out of memory");
            goto out;
        }
        cli_puts(s);
        sr_free(s);
    } else {
        sr_freight_totals tt;
        sr_freight_get_totals(f, &tt);
        char n1[48];
        printf("demand           %s TEU/year\n", cli_num(n1, sizeof n1, tt.teu_per_year, 0, 0));
        printf("total cost       %s USD/year (tariffs, fees, transfers)\n", cli_num(n1, sizeof n1, tt.cost_usd, 0, 0));
        printf("total time       %s TEU-hours/year\n", cli_num(n1, sizeof n1, tt.teu_hours, 0, 0));
        printf("total CO2e       %s t/year\n", cli_num(n1, sizeof n1, tt.co2e_kg / 1000, 0, 0));
        printf("relative gap     %.2e after %ld iterations\n\n", tt.relative_gap, tt.iterations);
        /* Corridor totals by destination country (TEU-weighted means of
         * the equilibrium paths). */
        printf("by destination country (means over TEU; generalised cost = days + USD / value of time,\n"
               "equal on all used paths; days and USD of the least-cost path):\n");
        printf("%-12s %12s %14s %12s %14s\n", "to country", "TEU/year", "gen. days", "path days", "path USD/TEU");
        char ccs[256][3];
        size_t ncc = dest_countries(f, net, ccs, 256);
        for (size_t i = 0; i < ncc; i++) {
            double teu, h, usd;
            country_stats(f, net, ccs[i], &teu, &h, &usd);
            char a1[32], a2[32];
            printf("%-12s %12s %14.1f %12.1f %14s\n", ccs[i], cli_num(a1, sizeof a1, teu, 0, 0), (h + usd / o.vot) / 24,
                   h / 24, cli_num(a2, sizeof a2, usd, 0, 0));
        }
        printf("\n");
        int wx = 8, wl = 4;
        for (size_t x = 0; x < sr_network_crossing_count(net); x++)
            if (sr_freight_crossing_flow(f, x) > 0)
                wx = id_width(wx, sr_network_crossing(net, x)->id);
        for (size_t l = 0; l < sr_network_link_count(net); l++)
            if (sr_freight_link_flow(f, l, 0) > 0 || sr_freight_link_flow(f, l, 1) > 0)
                wl = id_width(wl, sr_network_link(net, l)->id);
        printf("\n%-*s %-34s %12s %12s %6s\n", wx, "crossing", "name", "TEU/year", "capacity", "util");
        for (size_t x = 0; x < sr_network_crossing_count(net); x++) {
            double v = sr_freight_crossing_flow(f, x), c = sr_freight_crossing_capacity(f, x);
            if (v <= 0)
                continue;
            const sr_crossing *X = sr_network_crossing(net, x);
            char cs[32] = "-", us[16] = "-";
            if (c > 0) {
                cli_num(cs, sizeof cs, c, 0, 0);
                snprintf(us, sizeof us, "%.0f%%", 100 * sr_freight_crossing_utilisation(f, x));
            }
            char vs[32];
            printf("%-*s ", wx, X->id);
            cli_cell(X->name, 34);
            printf("%12s %12s %6s\n", cli_num(vs, sizeof vs, v, 0, 0), cs, us);
        }
        printf("\n%-*s %-12s %-12s %-5s %12s %12s %12s %6s\n", wl, "link", "from", "to", "mode", "TEU/yr fwd",
               "TEU/yr back", "capacity", "util");
        for (size_t l = 0; l < sr_network_link_count(net); l++) {
            double a = sr_freight_link_flow(f, l, 0), b = sr_freight_link_flow(f, l, 1);
            if (a <= 0 && b <= 0)
                continue;
            const sr_link *k = sr_network_link(net, l);
            double c = sr_freight_link_capacity(f, l);
            char cs[32] = "-", us[16] = "-";
            if (c > 0) {
                cli_num(cs, sizeof cs, c, 0, 0);
                snprintf(us, sizeof us, "%.0f%%", 100 * fmax(a, b) / c);
            }
            char as[32], bs[32];
            printf("%-*s %-12s %-12s %-5s %12s %12s %12s %6s\n", wl, k->id, sr_network_place(net, k->from)->id,
                   sr_network_place(net, k->to)->id, sr_mode_name(k->mode), cli_num(as, sizeof as, a, 0, 0),
                   cli_num(bs, sizeof bs, b, 0, 0), cs, us);
        }
    }
    if (rc == SR_ENOTCONVERGED)
        fprintf(stderr, "silkroute: warning: %s\n", sr_freight_errmsg(f));
out:
    sr_freight_destroy(f);
    sr_network_close(net);
    return st;
}

static void compare_usage(FILE *f)
{
    fprintf(f, "usage: silkroute compare SCENARIO [--base SCENARIO] [--data DIR] [--demand FILE]\n"
               "         [--year N] [--gap 1e-8] [--max-iterations N] [--objective ue|so]\n"
               "         [--json | --geojson | --csv]\n"
               "Assigns the demand under the base (no edits, or --base) and under SCENARIO and\n"
               "prints the change in total cost, time, CO2e and flows per crossing (corridor).\n" CLI_EXIT_CODES);
}

int cmd_compare(int argc, char **argv)
{
    fopts o;
    fopts_init(&o);
    int st = parse_fopts(argc, argv, 1, &o, "compare", compare_usage);
    if (st >= 0)
        return st;
    if (!o.scenario) {
        compare_usage(stderr);
        return cli_fail(o.json, SR_EARG, "a SCENARIO file is required");
    }
    sr_network *n1 = NULL, *n2 = NULL;
    sr_freight *a = NULL, *b = NULL;
    if ((st = open_freight(&o, o.base, &n1, &a)) >= 0)
        return st;
    if ((st = open_freight(&o, o.scenario, &n2, &b)) >= 0) {
        sr_freight_destroy(a);
        sr_network_close(n1);
        return st;
    }
    sr_tap_options t;
    tap_opts(&o, &t);
    sr_code ra = sr_freight_solve(a, &t);
    if (ra != SR_OK && ra != SR_ENOTCONVERGED) {
        st = cli_fail(o.json, ra, "base: %s", sr_freight_errmsg(a));
        goto out;
    }
    sr_code rb = sr_freight_solve(b, &t);
    if (rb != SR_OK && rb != SR_ENOTCONVERGED) {
        st = cli_fail(o.json, rb, "%s: %s", o.scenario, sr_freight_errmsg(b));
        goto out;
    }
    st = (ra == SR_ENOTCONVERGED || rb == SR_ENOTCONVERGED) ? EXIT_NOTCONV : EXIT_OK;
    sr_freight_totals ta, tb;
    sr_freight_get_totals(a, &ta);
    sr_freight_get_totals(b, &tb);
    if (o.geojson || o.csv) {
        /* Flows of both solves, link by link: the difference map. */
        char *s = o.geojson ? sr_freight_compare_geojson(n1, a, b, 0) : sr_freight_compare_csv(n1, a, b);
        if (!s || fputs(s, stdout) == EOF || (o.geojson && fputc('\n', stdout) == EOF) || fflush(stdout))
            st = cli_fail(0, s ? SR_EIO : SR_ENOMEM, "cannot write the answer");
        sr_free(s);
    } else if (o.json) {
        json_t *cors = json_array();
        for (size_t x = 0; x < sr_network_crossing_count(n1); x++) {
            double va = sr_freight_crossing_flow(a, x), vb = sr_freight_crossing_flow(b, x);
            if (va <= 0 && vb <= 0)
                continue;
            json_array_append_new(cors, json_pack("{s:s, s:f, s:f, s:f}", "crossing", sr_network_crossing(n1, x)->id,
                                                  "base_teu", va, "scenario_teu", vb, "change_teu", vb - va));
        }
        json_t *dests = json_array();
        char ccs[256][3];
        size_t ncc = dest_countries(b, n2, ccs, 256);
        for (size_t i = 0; i < ncc; i++) {
            double t1, h1, u1, t2, h2, u2;
            country_stats(a, n1, ccs[i], &t1, &h1, &u1);
            country_stats(b, n2, ccs[i], &t2, &h2, &u2);
            json_array_append_new(dests, json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "destination_country",
                                                   ccs[i], "teu_per_year", t2, "base_generalized_cost_h_per_teu",
                                                   h1 + u1 / o.vot, "scenario_generalized_cost_h_per_teu",
                                                   h2 + u2 / o.vot, "base_path_hours", h1, "scenario_path_hours", h2,
                                                   "base_path_cost_usd_per_teu", u1,
                                                   "scenario_path_cost_usd_per_teu", u2));
        }
        json_t *j = json_pack("{s:s, s:s, s:s?, s:{s:f, s:f, s:f, s:f}, s:{s:f, s:f, s:f, s:f}, "
                              "s:{s:f, s:f, s:f, s:f}, s:o, s:o}",
                              "code", "Ok", "scenario", o.scenario, "base", o.base, "base_totals", "cost_usd",
                              ta.cost_usd, "teu_hours", ta.teu_hours, "co2e_kg", ta.co2e_kg, "generalized_cost_h",
                              ta.generalized_h, "scenario_totals", "cost_usd", tb.cost_usd, "teu_hours",
                              tb.teu_hours, "co2e_kg", tb.co2e_kg, "generalized_cost_h", tb.generalized_h, "change",
                              "cost_usd", tb.cost_usd - ta.cost_usd, "teu_hours", tb.teu_hours - ta.teu_hours,
                              "co2e_kg", tb.co2e_kg - ta.co2e_kg, "generalized_cost_h",
                              tb.generalized_h - ta.generalized_h, "corridors", cors, "destinations", dests);
        char *s = j ? json_dumps(j, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) : NULL;
        json_decref(j);
        if (!s) {
            st = cli_fail(1, SR_ENOMEM, "out of memory");
            goto out;
        }
        cli_puts(s);
        free(s);
    } else {
        printf("%-22s %20s %20s %18s %8s\n", "", "base", "scenario", "change", "%");
        const char *names[] = {"cost USD/year", "time TEU-h/year", "CO2e t/year", "generalised h"};
        double va[] = {ta.cost_usd, ta.teu_hours, ta.co2e_kg / 1000, ta.generalized_h};
        double vb[] = {tb.cost_usd, tb.teu_hours, tb.co2e_kg / 1000, tb.generalized_h};
        for (int i = 0; i < 4; i++) {
            char s1[48], s2[48], s3[48];
            printf("%-22s %20s %20s %18s %+7.2f%%\n", names[i], cli_num(s1, sizeof s1, va[i], 0, 0),
                   cli_num(s2, sizeof s2, vb[i], 0, 0), cli_num(s3, sizeof s3, vb[i] - va[i], 0, 1),
                   va[i] != 0 ? 100 * (vb[i] - va[i]) / va[i] : 0.0);
        }
        int wx = 19;
        for (size_t x = 0; x < sr_network_crossing_count(n1); x++)
            if (sr_freight_crossing_flow(a, x) > 0 || sr_freight_crossing_flow(b, x) > 0)
                wx = id_width(wx, sr_network_crossing(n1, x)->id);
        printf("\n%-*s %-34s %12s %12s %12s\n", wx, "corridor (crossing)", "name", "base TEU", "scenario",
               "change TEU");
        for (size_t x = 0; x < sr_network_crossing_count(n1); x++) {
            double fa = sr_freight_crossing_flow(a, x), fb = sr_freight_crossing_flow(b, x);
            if (fa <= 0 && fb <= 0)
                continue;
            const sr_crossing *X = sr_network_crossing(n1, x);
            char s1[32], s2[32], s3[32];
            printf("%-*s ", wx, X->id);
            cli_cell(X->name, 34);
            printf("%12s %12s %12s\n", cli_num(s1, sizeof s1, fa, 0, 0), cli_num(s2, sizeof s2, fb, 0, 0),
                   cli_num(s3, sizeof s3, fb - fa, 0, 1));
        }
        printf("\nby destination country: generalised cost per TEU (days + USD / value of time; equal on\n"
               "all used paths), and days and USD of the least-cost path\n");
        printf("%-10s %10s %10s %10s %10s %10s %12s %12s\n", "to", "TEU/year", "base gen.", "scen. gen.", "base days",
               "scen. days", "base USD", "scen. USD");
        char ccs[256][3];
        size_t ncc = dest_countries(b, n2, ccs, 256);
        for (size_t i = 0; i < ncc; i++) {
            double t1, h1, u1, t2, h2, u2;
            country_stats(a, n1, ccs[i], &t1, &h1, &u1);
            country_stats(b, n2, ccs[i], &t2, &h2, &u2);
            char s1[32], s2[32], s3[32];
            printf("%-10s %10s %10.1f %10.1f %10.1f %10.1f %12s %12s\n", ccs[i], cli_num(s1, sizeof s1, t2, 0, 0),
                   (h1 + u1 / o.vot) / 24, (h2 + u2 / o.vot) / 24, h1 / 24, h2 / 24, cli_num(s2, sizeof s2, u1, 0, 0),
                   cli_num(s3, sizeof s3, u2, 0, 0));
        }
    }
out:
    sr_freight_destroy(a);
    sr_freight_destroy(b);
    sr_network_close(n1);
    sr_network_close(n2);
    return st;
}

static void critical_usage(FILE *f)
{
    fprintf(f, "usage: silkroute critical [--loss 0.9] [--top N] [--only ID,...] [--scenario FILE] [--data DIR]\n"
               "         [--demand FILE] [--year N] [--gap 1e-8] [--objective ue|so]\n"
               "         [--json | --geojson | --csv]\n"
               "Re-assigns the demand with each loaded link, crossing and terminal losing --loss\n"
               "of its capacity (1 = removal; without a capacity, of its base flow) and ranks them by the increase of\n"
               "total generalised cost (Network Robustness Index); negative values are Braess effects.\n" CLI_EXIT_CODES);
}

int cmd_critical(int argc, char **argv)
{
    fopts o;
    fopts_init(&o);
    int st = parse_fopts(argc, argv, 1, &o, "critical", critical_usage);
    sr_network *net = NULL;
    sr_freight *f = NULL;
    sr_critical *r = NULL;
    if (st >= 0)
        goto out;
    if ((st = open_freight(&o, o.scenario, &net, &f)) >= 0)
        goto out;
    sr_tap_options t;
    tap_opts(&o, &t);
    size_t n = 0;
    sr_code rc = sr_freight_critical(f, &t, o.loss, o.only, o.n_only, &r, &n);
    if (rc != SR_OK && rc != SR_ENOTCONVERGED) {
        st = cli_fail(o.json, rc, "%s", sr_freight_errmsg(f));
        goto out;
    }
    st = cli_exit_code(rc);
    size_t shown = o.top && (size_t)o.top < n ? (size_t)o.top : n;
    static const char *const kinds[] = {"link", "crossing", "terminal"};
    if (o.geojson || o.csv) {
        char *s = o.geojson ? sr_critical_geojson(net, r, shown, 0) : sr_critical_csv(net, r, shown);
        if (!s || fputs(s, stdout) == EOF || (o.geojson && fputc('\n', stdout) == EOF) || fflush(stdout))
            st = cli_fail(0, s ? SR_EIO : SR_ENOMEM, "cannot write the answer");
        sr_free(s);
    } else if (o.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < shown; i++) {
            const char *id = r[i].label;
            json_t *e = json_pack("{s:i, s:s, s:s, s:I, s:f, s:b, s:b}", "rank", (int)i + 1, "kind", kinds[r[i].kind],
                                  "id", id, "index", (json_int_t)r[i].index, "base_flow_teu", r[i].base_flow,
                                  "notional_capacity", r[i].notional, "isolates", r[i].isolates);
            if (e && !r[i].isolates) {
                json_object_set_new(e, "delta_generalized_cost_h", json_real(r[i].delta_h));
                json_object_set_new(e, "delta_cost_usd", json_real(r[i].delta_usd));
            }
            json_array_append_new(arr, e);
        }
        json_t *j = json_pack("{s:s, s:f, s:o}", "code", "Ok", "capacity_loss", o.loss, "ranking", arr);
        char *s = j ? json_dumps(j, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) : NULL;
        json_decref(j);
        if (s)
            cli_puts(s);
        free(s);
    } else {
        printf("capacity loss %.0f%%; %zu loaded elements re-assigned (* no capacity in the data: its base flow\n"
               "was used as a notional capacity)\n", 100 * o.loss, n);
        int w = 2;
        for (size_t i = 0; i < shown; i++)
            w = id_width(w, r[i].label);
        printf("%-5s %-9s %-*s %14s %20s %20s\n", "rank", "kind", w, "id", "base TEU/yr", "NRI (gen. hours)",
               "delta USD/year");
        for (size_t i = 0; i < shown; i++) {
            const char *id = r[i].label;
            char s1[32], s2[48], s3[48];
            cli_num(s1, sizeof s1, r[i].base_flow, 0, 0);
            if (r[i].isolates)
                printf("%-5zu %-9s %-*s %14s %20s %20s\n", i + 1, kinds[r[i].kind], w, id, s1, "isolates demand", "-");
            else
                printf("%-5zu %-9s %-*s %14s %20s %20s%s\n", i + 1, kinds[r[i].kind], w, id, s1,
                       cli_num(s2, sizeof s2, r[i].delta_h, 0, 1), cli_num(s3, sizeof s3, r[i].delta_usd, 0, 1),
                       r[i].notional ? "  *" : "");
        }
    }
out:
    sr_free(r);
    sr_freight_destroy(f);
    sr_network_close(net);
    free(o.only_buf);
    return st;
}

int cmd_assign(int argc, char **argv)
{
    int has_tntp = 0;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strncmp(argv[i], "--tntp", 6))
            has_tntp = 1;
    if (!has_tntp)
        return corridor_assign(argc, argv);
    const char *prefix = NULL, *flows_out = NULL;
    double toll_factor = 0, distance_factor = 0, gap = 1e-6;
    long max_it = -1;
    int json = 0, so = 0, fw = 0;
    long threads = 1;
    enum { O_JSON = 256, O_TNTP, O_FLOWS_OUT, O_TOLL, O_DIST, O_GAP, O_MAX_IT, O_OBJECTIVE, O_THREADS, O_ALGORITHM };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON},
        {"tntp", required_argument, NULL, O_TNTP}, {"flows-out", required_argument, NULL, O_FLOWS_OUT},
        {"toll-factor", required_argument, NULL, O_TOLL}, {"distance-factor", required_argument, NULL, O_DIST},
        {"gap", required_argument, NULL, O_GAP}, {"max-iterations", required_argument, NULL, O_MAX_IT},
        {"objective", required_argument, NULL, O_OBJECTIVE}, {"threads", required_argument, NULL, O_THREADS},
        {"algorithm", required_argument, NULL, O_ALGORITHM}, {NULL, 0, NULL, 0},
    };
    json = cli_has_flag(argc, argv, "--json");
    int oc, pst = 0;
    while ((oc = cli_getopt(argc, argv, "assign", opts, json, &pst)) != -1) {
        const char *v = optarg;
        switch (oc) {
        case 'h': assign_usage(stdout); return EXIT_OK;
        case '?': return pst;
        case O_JSON: json = 1; break;
        case O_TNTP:
            if (!*v || strlen(v) > MAX_PATH_ARG)
                return cli_fail(json, SR_EARG, "--tntp: expected a path prefix of at most %d bytes", MAX_PATH_ARG);
            prefix = v;
            break;
        case O_FLOWS_OUT:
            if (!*v)
                return cli_fail(json, SR_EARG, "--flows-out: expected a file name");
            flows_out = v;
            break;
        case O_TOLL:
            if (cli_parse_double(v, 0, 1e12, &toll_factor))
                return cli_fail(json, SR_EARG, "--toll-factor: '%s' is not a number in 0..1e12", v);
            break;
        case O_DIST:
            if (cli_parse_double(v, 0, 1e12, &distance_factor))
                return cli_fail(json, SR_EARG, "--distance-factor: '%s' is not a number in 0..1e12", v);
            break;
        case O_GAP:
            if (cli_parse_double(v, 0, 1, &gap))
                return cli_fail(json, SR_EARG, "--gap: '%s' is not a relative gap in 0..1", v);
            break;
        case O_MAX_IT:
            if (cli_parse_int(v, 0, 100000000, &max_it))
                return cli_fail(json, SR_EARG, "--max-iterations: '%s' is not an integer in 0..100000000", v);
            break;
        case O_OBJECTIVE:
            if (strcmp(v, "ue") && strcmp(v, "so"))
                return cli_fail(json, SR_EARG, "--objective: '%s' is not 'ue' or 'so'", v);
            so = !strcmp(v, "so");
            break;
        case O_THREADS:
            if (cli_parse_int(v, 1, 64, &threads))
                return cli_fail(json, SR_EARG, "--threads: '%s' is not an integer in 1..64", v);
            break;
        case O_ALGORITHM:
            if (strcmp(v, "b") && strcmp(v, "fw"))
                return cli_fail(json, SR_EARG, "--algorithm: '%s' is not 'b' or 'fw'", v);
            fw = !strcmp(v, "fw");
            break;
        }
    }
    if (cli_operands(argc, argv, "assign", 0, 0, "no arguments but options", json))
        return EXIT_USAGE;
    if (!prefix)
        return corridor_assign(argc, argv);

    char net[MAX_PATH_ARG + 32], trips[MAX_PATH_ARG + 32];
    snprintf(net, sizeof net, "%s_net.tntp", prefix);
    snprintf(trips, sizeof trips, "%s_trips.tntp", prefix);
    sr_tap *t = NULL;
    sr_code rc = sr_tap_read_tntp(net, trips, &t);
    if (rc != SR_OK) {
        int st = cli_fail(json, rc, "%s", t ? sr_tap_errmsg(t) : sr_strerror(rc));
        sr_tap_destroy(t);
        return st;
    }
    sr_tap_set_factors(t, toll_factor, distance_factor);
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = gap;
    o.objective = so ? SR_TAP_SO : SR_TAP_UE;
    o.algorithm = fw ? SR_TAP_FW : SR_TAP_ALGB;
    o.threads = (int)threads;
    if (max_it >= 0)
        o.max_iterations = max_it;
    else if (fw)
        o.max_iterations = 100000;
    sr_tap_stats st;
    rc = sr_tap_solve(t, &o, &st);
    if (rc != SR_OK && rc != SR_ENOTCONVERGED) {
        int s = cli_fail(json, rc, "%s", sr_tap_errmsg(t));
        sr_tap_destroy(t);
        return s;
    }
    int status = cli_exit_code(rc);
    if (flows_out && sr_tap_write_flows(t, flows_out) != SR_OK) {
        int s = cli_fail(json, SR_EIO, "%s", sr_tap_errmsg(t));
        sr_tap_destroy(t);
        return s;
    }
    if (json) {
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:f, s:b, s:I, s:I, s:f}",
                              "code", sr_code_name(rc), "network", prefix, "objective_kind", so ? "so" : "ue",
                              "algorithm", fw ? "frank-wolfe" : "algorithm-b", "objective", st.objective,
                              "relative_gap", st.relative_gap, "tstt", st.tstt, "sptt", st.sptt, "beckmann",
                              st.beckmann, "average_excess_cost", st.average_excess_cost, "total_demand",
                              st.total_demand, "iterations", (json_int_t)st.iterations, "seconds", st.seconds,
                              "converged", rc == SR_OK, "nodes", (json_int_t)sr_tap_node_count(t), "links",
                              (json_int_t)sr_tap_link_count(t), "requested_gap", gap);
        char *s = j ? json_dumps(j, JSON_REAL_PRECISION(17) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(j);
        if (!s) {
            sr_tap_destroy(t);
            return cli_fail(0, SR_ENOMEM, "out of memory");
        }
        cli_puts(s);
        free(s);
    } else {
        printf("network          %s (%zu nodes, %zu links)\n", prefix, sr_tap_node_count(t), sr_tap_link_count(t));
        printf("assignment       %s, %s\n", so ? "system optimum" : "user equilibrium",
               fw ? "Frank-Wolfe" : "Algorithm B");
        printf("objective        %.10f  (%s)\n", st.objective, so ? "total system cost" : "Beckmann");
        printf("relative gap     %.3e  (requested %.1e)\n", st.relative_gap, gap);
        printf("TSTT             %.10f\n", st.tstt);
        printf("SPTT             %.10f\n", st.sptt);
        printf("avg excess cost  %.3e\n", st.average_excess_cost);
        printf("total demand     %.4f\n", st.total_demand);
        printf("iterations       %ld\n", st.iterations);
        printf("time             %.3f s\n", st.seconds);
    }
    if (rc == SR_ENOTCONVERGED)
        fprintf(stderr, "silkroute: warning: %s\n", sr_tap_errmsg(t));
    sr_tap_destroy(t);
    return status;
}
