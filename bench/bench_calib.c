/*
 * bench_calib.c - what the time distributions and the calibration cost:
 * the wall-clock time of `sr_calibrate` on the default dataset (as `make
 * calibrate` runs it), and the latency of single-route queries by time
 * (which now carry P90s: the Fenton-Wilkinson combination of the parts is
 * part of every answer) against `--by reliable` (three Dijkstra searches),
 * over all ordered place pairs, and what the P90 itself costs in an
 * answer: the Fenton-Wilkinson combination of a China-Europe route's
 * parts, timed alone.  No assertions: the numbers go to
 * docs/PERFORMANCE.md.  Run from the repository root (`make bench`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calib/calib.h"
#include "silkroute.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void pairs(sr_query *q, const sr_network *net, sr_objective by, double *lat, size_t *n)
{
    size_t np = sr_network_place_count(net);
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < np; j++) {
            if (i == j)
                continue;
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = sr_network_place(net, i)->id;
            o.to = sr_network_place(net, j)->id;
            o.objective = by;
            sr_result *r = NULL;
            double t0 = now_us();
            sr_code rc = sr_route_query(q, &o, &r);
            double t1 = now_us();
            if (rc == SR_OK)
                lat[(*n)++] = t1 - t0;
            sr_result_free(r);
        }
}

int main(void)
{
    sr_network *net = NULL;
    if (sr_network_open("data", &net) != SR_OK) {
        printf("bench_calib: data/ not loadable (%s); skipped\n", sr_network_errmsg(net));
        sr_network_close(net);
        return 0;
    }
    sr_calib_options o;
    sr_calib_options_init(&o);
    o.period_from = 2020;
    o.period_to = 2026;
    sr_calibration *c = NULL;
    double t0 = now_us();
    sr_code rc = sr_calibrate("data", &o, &c);
    double t1 = now_us();
    sr_calib_summary s = {0};
    if (rc == SR_OK)
        sr_calibration_summary(c, &s);
    printf("calibration (period 2020..2026, 5-fold CV): %s, %.2f s wall clock, %zu observations, %d rounds%s\n",
           sr_code_name(rc), (t1 - t0) / 1e6, s.n_observations, s.iterations, s.converged ? "" : " (NOT converged)");
    sr_calibration_destroy(c);
    o.folds = 0;
    t0 = now_us();
    rc = sr_calibrate("data", &o, &c);
    t1 = now_us();
    printf("calibration without cross-validation: %.2f s\n", (t1 - t0) / 1e6);
    sr_calibration_destroy(c);

    sr_query *q = NULL;
    if (sr_query_create(net, &q) != SR_OK)
        return 1;
    size_t np = sr_network_place_count(net), cap = np * np + 1, nt = 0, nr = 0;
    double *lt = malloc(cap * sizeof *lt), *lr = malloc(cap * sizeof *lr);
    if (!lt || !lr)
        return 1;
    pairs(q, net, SR_BY_TIME, lt, &nt); /* warm-up */
    nt = 0;
    pairs(q, net, SR_BY_TIME, lt, &nt);
    pairs(q, net, SR_BY_RELIABLE, lr, &nr);
    qsort(lt, nt, sizeof *lt, cmp_double);
    qsort(lr, nr, sizeof *lr, cmp_double);
    double mt = nt ? lt[nt / 2] : 0, mr = nr ? lr[nr / 2] : 0;
    printf("%-22s %9s %10s %10s\n", "query", "routes", "median_us", "p99_us");
    printf("%-22s %9zu %10.2f %10.2f\n", "time (with P90)", nt, mt, nt ? lt[(size_t)(0.99 * (double)(nt - 1))] : 0);
    printf("%-22s %9zu %10.2f %10.2f\n", "reliable (P90)", nr, mr, nr ? lr[(size_t)(0.99 * (double)(nr - 1))] : 0);
    printf("ratio reliable/time: median %.2f; target single median < 20 us: %s\n", mt > 0 ? mr / mt : 0,
           mt < 20 ? "met" : "MISSED");
    /* The P90 of an answer: Fenton-Wilkinson over the route's parts (legs,
     * borders, transfers), as the router does for every answer; timed
     * alone on Xi'an-Duisburg, the longest common route. */
    sr_route_options ro;
    sr_route_options_init(&ro);
    ro.from = "CNXIY";
    ro.to = "DEDUI";
    sr_result *res = NULL;
    if (sr_route_query(q, &ro, &res) == SR_OK) {
        const sr_route *v = sr_result_route(res, 0);
        double p50[256], p90[256];
        size_t n = 0;
        for (size_t i = 0; i < v->n_legs && n < 256; i++, n++)
            p50[n] = v->legs[i].duration_h, p90[n] = v->legs[i].duration_p90_h;
        for (size_t i = 0; i < v->n_crossings && n < 256; i++, n++)
            p50[n] = v->crossings[i].dwell_h, p90[n] = v->crossings[i].dwell_p90_h;
        for (size_t i = 0; i < v->n_transfers && n < 256; i++, n++)
            p50[n] = v->transfers[i].duration_h, p90[n] = v->transfers[i].duration_p90_h;
        const int reps = 1000000;
        double acc = 0;
        t0 = now_us();
        for (int k = 0; k < reps; k++) {
            sr__lnsum ls;
            p50[k % n] += 1e-12; /* keep the call from being hoisted */
            sr__lognormal_sum(p50, p90, n, &ls);
            acc += ls.p90;
        }
        t1 = now_us();
        double ns = (t1 - t0) * 1e3 / reps;
        printf("P90 of an answer (Fenton-Wilkinson, Xi'an-Duisburg, %zu parts): %.0f ns, %.1f %% of the by-time median "
               "(check %.0f)\n",
               n, ns, mt > 0 ? 100 * ns / (mt * 1e3) : 0, acc / reps);
    }
    sr_result_free(res);
    sr_query_destroy(q);
    /* The same by-time queries as `silkroute serve` answers them: it builds
     * the time, cost and CO2e hierarchies for 40-foot containers at start-up
     * (cmd_serve.c), and a default query then runs the hierarchy instead of
     * Dijkstra, with the same answer (tests/test_ch.c).  The rows above are
     * the library's Dijkstra, which every query with other options uses. */
    {
        double b0 = now_us();
        sr_code chc = sr_network_build_ch(net, SR_CH_METRIC(SR_BY_TIME, SR_UNIT_40FT), NULL, NULL);
        double b1 = now_us();
        size_t nh = 0;
        if (chc == SR_OK) {
            sr_query *qh = NULL;
            if (sr_query_create(net, &qh) == SR_OK) {
                pairs(qh, net, SR_BY_TIME, lt, &nh); /* warm-up */
                nh = 0;
                pairs(qh, net, SR_BY_TIME, lt, &nh);
                sr_route_options ho;
                sr_route_options_init(&ho);
                ho.from = "CNXIY";
                ho.to = "DEDUI";
                sr_result *hr = NULL;
                int used = sr_route_query(qh, &ho, &hr) == SR_OK && sr_query_used_ch(qh);
                sr_result_free(hr);
                sr_query_destroy(qh);
                qsort(lt, nh, sizeof *lt, cmp_double);
                double mh = nh ? lt[nh / 2] : 0;
                printf("%-22s %9zu %10.2f %10.2f\n", "time, hierarchy", nh, mh,
                       nh ? lt[(size_t)(0.99 * (double)(nh - 1))] : 0);
                printf("time with the hierarchy serve builds by default (built in %.0f ms%s): median %.2f us, "
                       "target < 20 us: %s\n",
                       (b1 - b0) / 1e3, used ? "" : "; NOT used by the query", mh, mh < 20 ? "met" : "MISSED");
            }
        } else {
            printf("time, hierarchy: not built (%s)\n", sr_strerror(chc));
        }
    }
    free(lt);
    free(lr);
    sr_network_close(net);
    return 0;
}
