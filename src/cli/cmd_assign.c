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

/* "--name value" or "--name=value"; 1 with *val set, 0 when argv[*i] is
 * not this option, -1 when the value is missing. */
static int opt_val(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n))
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n])
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *val = argv[++*i];
    return 1;
}

static void assign_usage(FILE *f)
{
    fprintf(f, "usage: silkroute assign --tntp PREFIX [--toll-factor X] [--distance-factor Y]\n"
               "         [--gap 1e-6] [--max-iterations N] [--objective ue|so] [--algorithm b|fw]\n"
               "         [--json] [--flows-out FILE]\n"
               "PREFIX_net.tntp and PREFIX_trips.tntp must exist (TNTP format).\n"
               "The relative gap is TSTT/SPTT - 1 (see docs/ASSIGN.md).\n"
               "exit status: 0 converged, 5 iteration limit reached first, 2 usage error,\n"
               "4 bad input file, 3 demand without a path, 1 other failure\n");
}

int cmd_assign(int argc, char **argv)
{
    const char *prefix = NULL, *flows_out = NULL, *v;
    double toll_factor = 0, distance_factor = 0, gap = 1e-6;
    long max_it = -1;
    int json = 0, so = 0, fw = 0;
    for (int i = 1; i < argc; i++) {
        int r;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            assign_usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if ((r = opt_val(argc, argv, &i, "--tntp", &v))) {
            if (r < 0 || !*v || strlen(v) > MAX_PATH_ARG)
                return cli_fail(json, SR_EARG, "--tntp: expected a path prefix of at most %d bytes", MAX_PATH_ARG);
            prefix = v;
        } else if ((r = opt_val(argc, argv, &i, "--flows-out", &v))) {
            if (r < 0 || !*v)
                return cli_fail(json, SR_EARG, "--flows-out: expected a file name");
            flows_out = v;
        } else if ((r = opt_val(argc, argv, &i, "--toll-factor", &v))) {
            if (r < 0 || cli_parse_double(v, 0, 1e12, &toll_factor))
                return cli_fail(json, SR_EARG, "--toll-factor: expected a number in 0..1e12");
        } else if ((r = opt_val(argc, argv, &i, "--distance-factor", &v))) {
            if (r < 0 || cli_parse_double(v, 0, 1e12, &distance_factor))
                return cli_fail(json, SR_EARG, "--distance-factor: expected a number in 0..1e12");
        } else if ((r = opt_val(argc, argv, &i, "--gap", &v))) {
            if (r < 0 || cli_parse_double(v, 0, 1, &gap))
                return cli_fail(json, SR_EARG, "--gap: expected a relative gap in 0..1");
        } else if ((r = opt_val(argc, argv, &i, "--max-iterations", &v))) {
            if (r < 0 || cli_parse_int(v, 0, 100000000, &max_it))
                return cli_fail(json, SR_EARG, "--max-iterations: expected an integer in 0..100000000");
        } else if ((r = opt_val(argc, argv, &i, "--objective", &v))) {
            if (r < 0 || (strcmp(v, "ue") && strcmp(v, "so")))
                return cli_fail(json, SR_EARG, "--objective: expected 'ue' or 'so'");
            so = !strcmp(v, "so");
        } else if ((r = opt_val(argc, argv, &i, "--algorithm", &v))) {
            if (r < 0 || (strcmp(v, "b") && strcmp(v, "fw")))
                return cli_fail(json, SR_EARG, "--algorithm: expected 'b' or 'fw'");
            fw = !strcmp(v, "fw");
        } else {
            assign_usage(stderr);
            return cli_fail(json, SR_EARG, "unknown argument '%.200s'", argv[i]);
        }
    }
    if (!prefix) {
        assign_usage(stderr);
        return cli_fail(json, SR_EARG, "--tntp PREFIX is required");
    }

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
