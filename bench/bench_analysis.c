/*
 * bench_analysis.c - the corridor analysis on the default dataset: a
 * 200 x 200 matrix (target < 50 ms), a 7-day reach from Xi'an (target
 * < 5 ms), and the work behind each analysis endpoint of the HTTP API
 * (/v1/assign, /v1/assign/compare, /v1/assign/critical, /v1/reach,
 * /v1/matrix) with the size of its answer.  The library calls here are
 * what the endpoints run; the server adds parsing, caching and sending.
 *
 * Medians and maxima over repeated runs, wall-clock and thread CPU time
 * (on a shared machine the CPU time tells the code's cost from preemption).
 * No assertions: numbers go to docs/PERFORMANCE.md.  Run from the
 * repository root (`make bench`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "silkroute.h"

static double now_ms(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct run {
    double wall[64], cpu[64];
    int n;
    size_t bytes;
} run;

static void report(const char *name, run *r, double target_ms)
{
    qsort(r->wall, (size_t)r->n, sizeof r->wall[0], cmp_double);
    qsort(r->cpu, (size_t)r->n, sizeof r->cpu[0], cmp_double);
    printf("%-34s median %9.3f ms  max %9.3f ms  cpu median %9.3f ms  answer %9zu bytes", name, r->wall[r->n / 2],
           r->wall[r->n - 1], r->cpu[r->n / 2], r->bytes);
    if (target_ms > 0)
        printf("  target < %.0f ms: %s", target_ms, r->wall[r->n / 2] < target_ms ? "met" : "MISSED");
    printf("\n");
}

#define TIMED(r, ...)                                                                                              \
    do {                                                                                                           \
        double w0_ = now_ms(CLOCK_MONOTONIC), c0_ = now_ms(CLOCK_THREAD_CPUTIME_ID);                              \
        __VA_ARGS__;                                                                                               \
        (r)->wall[(r)->n] = now_ms(CLOCK_MONOTONIC) - w0_;                                                         \
        (r)->cpu[(r)->n] = now_ms(CLOCK_THREAD_CPUTIME_ID) - c0_;                                                  \
        (r)->n++;                                                                                                  \
    } while (0)

static sr_freight *solved(const sr_network *net, const char *scenario)
{
    sr_freight *f = NULL;
    if (sr_freight_create(net, &f) != SR_OK || sr_freight_load_demand(f, NULL) != SR_OK ||
        (scenario && sr_freight_load_scenario(f, scenario) != SR_OK)) {
        fprintf(stderr, "assignment: %s\n", f ? sr_freight_errmsg(f) : "out of memory");
        exit(1);
    }
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = 1e-8;
    sr_code rc = sr_freight_solve(f, &o);
    if (rc != SR_OK && rc != SR_ENOTCONVERGED) {
        fprintf(stderr, "solve: %s\n", sr_freight_errmsg(f));
        exit(1);
    }
    return f;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "data";
    sr_network *net = NULL;
    if (sr_network_open(dir, &net) != SR_OK) {
        fprintf(stderr, "%s: %s\n", dir, net ? sr_network_errmsg(net) : "out of memory");
        sr_network_close(net);
        return 1;
    }
    sr_query *q = NULL;
    if (sr_query_create(net, &q) != SR_OK)
        return 1;
    size_t np = sr_network_place_count(net);
    printf("dataset %s: %zu places, %zu links\n", dir, np, sr_network_link_count(net));

    /* 200 x 200: the first 200 places both ways (all of them when fewer). */
    size_t side = np < 200 ? np : 200;
    const char **ids = malloc(side * sizeof *ids);
    for (size_t i = 0; i < side; i++)
        ids[i] = sr_network_place(net, i)->id;
    sr_route_options o;
    sr_route_options_init(&o);
    run mx = {0}, mxj = {0}, mxc = {0};
    long reachable = 0;
    for (int k = 0; k < 21; k++) {
        sr_matrix *m = NULL;
        TIMED(&mx, sr_matrix_query(q, &o, ids, side, ids, side, &m));
        if (!m) {
            fprintf(stderr, "matrix: %s\n", sr_query_errmsg(q));
            return 1;
        }
        if (k == 0)
            for (size_t i = 0; i < side; i++)
                for (size_t j = 0; j < side; j++)
                    reachable += sr_matrix_at(m, i, j)->reachable;
        char *s = NULL;
        TIMED(&mxj, s = sr_matrix_json(net, m, 0));
        mxj.bytes = strlen(s);
        sr_free(s);
        TIMED(&mxc, s = sr_matrix_csv(net, m));
        mxc.bytes = strlen(s);
        sr_free(s);
        sr_matrix_free(m);
    }
    char name[64];
    snprintf(name, sizeof name, "matrix %zux%zu (search)", side, side);
    report(name, &mx, 50);
    report("  + JSON (GET /v1/matrix)", &mxj, 0);
    report("  + CSV (format=csv)", &mxc, 0);
    printf("  %ld of %zu cells reachable\n", reachable, side * side);

    sr_route_options_init(&o);
    o.from = "CNXIY";
    run rr = {0}, rj = {0}, rg = {0};
    size_t count = 0;
    for (int k = 0; k < 41; k++) {
        sr_reach *r = NULL;
        TIMED(&rr, sr_reach_query(q, &o, 168, &r));
        if (!r) {
            fprintf(stderr, "reach: %s\n", sr_query_errmsg(q));
            return 1;
        }
        count = sr_reach_count(r);
        char *s = NULL;
        TIMED(&rj, s = sr_reach_json(net, r, 7, 0));
        rj.bytes = strlen(s);
        sr_free(s);
        TIMED(&rg, s = sr_reach_geojson(net, r, 7, 0));
        rg.bytes = strlen(s);
        sr_free(s);
        sr_reach_free(r);
    }
    report("reach 7 days from Xi'an (search)", &rr, 5);
    report("  + JSON (GET /v1/reach)", &rj, 0);
    report("  + GeoJSON (format=geojson)", &rg, 0);
    printf("  %zu places reachable\n", count);

    char scen[4200];
    snprintf(scen, sizeof scen, "%s/scenarios/cku-2030.scn", dir);
    run ab = {0}, cmp = {0}, crit = {0};
    for (int k = 0; k < 9; k++) {
        char *s = NULL;
        TIMED(&ab, {
            sr_freight *f = solved(net, NULL);
            s = sr_freight_json(f, 0);
            sr_freight_destroy(f);
        });
        ab.bytes = strlen(s);
        sr_free(s);
        TIMED(&cmp, {
            sr_freight *a = solved(net, NULL), *b = solved(net, scen);
            s = sr_freight_compare_json(net, a, b, NULL, "cku-2030", 0);
            sr_freight_destroy(a);
            sr_freight_destroy(b);
        });
        cmp.bytes = strlen(s);
        sr_free(s);
        if (k < 3) {
            TIMED(&crit, {
                sr_freight *f = solved(net, NULL);
                sr_tap_options t;
                sr_tap_options_init(&t);
                t.gap = 1e-8;
                sr_critical *r = NULL;
                size_t n = 0;
                sr_freight_critical(f, &t, 0.9, NULL, 0, &r, &n);
                s = sr_critical_json(net, r, n < 20 ? n : 20, 0.9, 0);
                sr_free(r);
                sr_freight_destroy(f);
            });
            crit.bytes = strlen(s);
            sr_free(s);
        }
    }
    report("assign base (GET /v1/assign)", &ab, 0);
    report("compare cku-2030 (/v1/assign/compare)", &cmp, 0);
    report("critical top 20 (/v1/assign/critical)", &crit, 0);
    free(ids);
    sr_query_destroy(q);
    sr_network_close(net);
    return 0;
}
