/*
 * test_assign.c - tests of the traffic assignment engine (sr_tap_*):
 * reproduction of the published best-known solutions of the TNTP networks
 * in ../shared/data/tntp, Braess, parser errors, limits and statuses.
 *
 * All five networks also run under ASan+UBSan (about 10 s together there).
 * Tests that need the shared data skip when it is absent.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "silkroute.h"

#define TNTP "../shared/data/tntp/"

/* Load PREFIX_net.tntp and PREFIX_trips.tntp; skip the test if absent. */
static sr_tap *load(const char *dir, const char *name)
{
    char n[512], t[512];
    snprintf(n, sizeof n, TNTP "%s/%s_net.tntp", dir, name);
    snprintf(t, sizeof t, TNTP "%s/%s_trips.tntp", dir, name);
    if (access(n, R_OK) != 0 || access(t, R_OK) != 0)
        return NULL;
    sr_tap *tap = NULL;
    sr_code rc = sr_tap_read_tntp(n, t, &tap);
    if (rc != SR_OK)
        fprintf(stderr, "load %s: %s\n", name, sr_tap_errmsg(tap));
    assert_int_equal(rc, SR_OK);
    return tap;
}

/* Solve to `gap`, check the objective against the published one and the
 * link flows against the published flow file on links whose cost strictly
 * increases with flow (elsewhere equilibrium flows are not unique). */
static void reproduce(const char *dir, const char *name, double tf, double df, double gap, double best,
                      double obj_tol, int check_flows)
{
    sr_tap *t = load(dir, name);
    if (!t) {
        skip();
        return;
    }
    assert_int_equal(sr_tap_set_factors(t, tf, df), SR_OK);
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = gap;
    o.max_iterations = 500;
    sr_tap_stats st;
    sr_code rc = sr_tap_solve(t, &o, &st);
    if (rc != SR_OK)
        fprintf(stderr, "%s: %s\n", name, sr_tap_errmsg(t));
    assert_int_equal(rc, SR_OK);
    assert_true(st.relative_gap <= gap);
    double err = fabs(st.objective - best) / best;
    fprintf(stderr, "   %s: gap %.2e objective %.10f relative error %.2e, %ld iterations, %.2f s\n", name,
            st.relative_gap, st.objective, err, st.iterations, st.seconds);
    assert_true(err <= obj_tol);
    if (check_flows) {
        char f[512];
        snprintf(f, sizeof f, TNTP "%s/%s_flow.tntp", dir, name);
        size_t m = sr_tap_link_count(t);
        double *ref = malloc(m * sizeof *ref);
        assert_non_null(ref);
        assert_int_equal(sr_tap_read_flows(t, f, ref), SR_OK);
        double worst = 0;
        for (size_t i = 0; i < m; i++) {
            sr_tap_link l;
            assert_int_equal(sr_tap_link_get(t, i, &l), SR_OK);
            if (!(l.b > 0 && l.power > 0 && l.free_flow_time > 0) || isnan(ref[i]))
                continue;
            double e = fabs(sr_tap_link_flow(t, i) - ref[i]) / fmax(1.0, fabs(ref[i]));
            if (e > worst)
                worst = e;
        }
        fprintf(stderr, "   %s: worst relative link flow error %.2e\n", name, worst);
        assert_true(worst <= 1e-3);
        free(ref);
    }
    sr_tap_destroy(t);
}

static void test_siouxfalls(void **state)
{
    (void)state;
    /* README: 42.31335287107440 in units of 1e5. */
    reproduce("SiouxFalls", "SiouxFalls", 0, 0, 1e-12, 4231335.287107440, 1e-9, 1);
}

static void test_anaheim(void **state)
{
    (void)state;
    reproduce("Anaheim", "Anaheim", 0, 0, 1e-12, 1286032.1711, 1e-9, 1);
}

static void test_barcelona(void **state)
{
    (void)state;
    reproduce("Barcelona", "Barcelona", 0, 0, 1e-11, 1265654.92203176, 1e-9, 1);
}

static void test_winnipeg(void **state)
{
    (void)state;
    reproduce("Winnipeg", "Winnipeg", 0, 0, 1e-11, 827911.49463, 1e-9, 1);
}

static void test_chicago(void **state)
{
    (void)state;
    reproduce("Chicago-Sketch", "ChicagoSketch", 0.02, 0.04, 1e-11, 17313018.7387477, 1e-9, 1);
}

static void test_braess(void **state)
{
    (void)state;
    sr_tap *t = load("Braess-Example", "Braess");
    if (!t) {
        skip();
        return;
    }
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = 1e-12;
    sr_tap_stats st;
    assert_int_equal(sr_tap_solve(t, &o, &st), SR_OK);
    assert_true(fabs(st.tstt - 552) < 1e-4);
    o.objective = SR_TAP_SO;
    assert_int_equal(sr_tap_solve(t, &o, &st), SR_OK);
    assert_true(fabs(st.tstt - 498) < 1e-4);
    assert_true(fabs(st.objective - 498) < 1e-4);
    /* Removing the middle link (3->4) lowers UE cost: Braess's paradox. */
    assert_int_equal(sr_tap_set_enabled(t, 3, 0), SR_OK);
    o.objective = SR_TAP_UE;
    assert_int_equal(sr_tap_solve(t, &o, &st), SR_OK);
    assert_true(fabs(st.tstt - 498) < 1e-4);
    sr_tap_destroy(t);
}

/* Same problem, same options: bit-identical flows. */
static void test_deterministic(void **state)
{
    (void)state;
    sr_tap *t = load("SiouxFalls", "SiouxFalls");
    if (!t) {
        skip();
        return;
    }
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = 1e-9;
    assert_int_equal(sr_tap_solve(t, &o, NULL), SR_OK);
    size_t m = sr_tap_link_count(t);
    double *f = malloc(m * sizeof *f);
    assert_non_null(f);
    for (size_t i = 0; i < m; i++)
        f[i] = sr_tap_link_flow(t, i);
    assert_int_equal(sr_tap_solve(t, &o, NULL), SR_OK);
    for (size_t i = 0; i < m; i++)
        assert_memory_equal(&f[i], &(double){sr_tap_link_flow(t, i)}, sizeof(double));
    /* The thread count of the gap computation changes nothing. */
    sr_tap_stats s1, s3;
    assert_int_equal(sr_tap_solve(t, &o, &s1), SR_OK);
    o.threads = 3;
    assert_int_equal(sr_tap_solve(t, &o, &s3), SR_OK);
    assert_memory_equal(&s1.relative_gap, &s3.relative_gap, sizeof(double));
    for (size_t i = 0; i < m; i++)
        assert_memory_equal(&f[i], &(double){sr_tap_link_flow(t, i)}, sizeof(double));
    o.threads = -1;
    assert_int_equal(sr_tap_solve(t, &o, NULL), SR_EARG);
    free(f);
    sr_tap_destroy(t);
}

static void test_not_converged(void **state)
{
    (void)state;
    sr_tap *t = load("SiouxFalls", "SiouxFalls");
    if (!t) {
        skip();
        return;
    }
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = 1e-14;
    o.max_iterations = 2;
    sr_tap_stats st;
    assert_int_equal(sr_tap_solve(t, &o, &st), SR_ENOTCONVERGED);
    assert_int_equal(st.iterations, 2);
    assert_true(st.relative_gap > 1e-14);
    assert_non_null(strstr(sr_tap_errmsg(t), "iteration limit"));
    assert_true(sr_tap_link_flow(t, 0) > 0);
    sr_tap_destroy(t);
}

/* Parse in-memory TNTP text; return the code, message in msg. */
static sr_code parse(const char *net, const char *trips, char *msg, size_t cap)
{
    sr_tap *t = NULL;
    sr_code rc = sr_tap_parse_tntp(net, strlen(net), trips, strlen(trips), &t);
    snprintf(msg, cap, "%s", sr_tap_errmsg(t));
    sr_tap_destroy(t);
    return rc;
}

#define NET_HEAD "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 2\n<END OF METADATA>\n~ comment\n"
#define TRIPS_OK "<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n 2 : 5.0; 3 : 1;\n"

static void test_parse_errors(void **state)
{
    (void)state;
    char msg[1024];
    assert_int_equal(parse(NET_HEAD "1 2 10 1 1 0.15 4 0 0 1 ;\n2 3 10 1 1 0.15 4 0 0 1;\n", TRIPS_OK, msg,
                           sizeof msg), SR_OK);
    assert_int_equal(parse(NET_HEAD "1 2 10 1 1 0.15 4 0 0 1 ;\n2 x 10 1 1 0.15 4 0 0 1;\n", TRIPS_OK, msg,
                           sizeof msg), SR_EDATA);
    assert_string_equal(msg, "net:8: term_node: 'x' is not a node in 1..3");
    assert_int_equal(parse(NET_HEAD "1 2 10 1 1 0.15 4 0 0 1 ;\n2 3 0 1 1 0.15 4 0 0 1;\n", TRIPS_OK, msg,
                           sizeof msg), SR_EDATA);
    assert_string_equal(msg, "net:8: capacity: must be > 0 when b > 0");
    assert_int_equal(parse(NET_HEAD "1 2 10 1 -1 0.15 4 0 0 1 ;\n", TRIPS_OK, msg, sizeof msg), SR_EDATA);
    assert_non_null(strstr(msg, "net:7: free_flow_time"));
    assert_int_equal(parse(NET_HEAD "1 2 10 1 1 0.15 4 0 0 1 ;\n", TRIPS_OK, msg, sizeof msg), SR_EDATA);
    assert_non_null(strstr(msg, "1 links but <NUMBER OF LINKS> says 2"));
    assert_int_equal(parse(NET_HEAD "1 2 10 1 nan 0.15 4 0 0 1 ;\n", TRIPS_OK, msg, sizeof msg), SR_EDATA);
    assert_int_equal(parse(NET_HEAD "1 2 10 1 1 0.15;\n", TRIPS_OK, msg, sizeof msg), SR_EDATA);
    assert_non_null(strstr(msg, "net:7: expected 7 to 10 fields"));
    assert_int_equal(parse("<NUMBER OF NODES> 3\n", "", msg, sizeof msg), SR_EDATA);
    assert_non_null(strstr(msg, "<NUMBER OF LINKS>"));
    assert_int_equal(parse("<NUMBER OF NODES> 99999999999\n<NUMBER OF LINKS> 1\n<END OF METADATA>\n", "", msg,
                           sizeof msg), SR_ELIMIT);
    const char *net = NET_HEAD "1 2 10 1 1 0.15 4 0 0 1 ;\n2 3 10 1 1 0.15 4 0 0 1;\n";
    assert_int_equal(parse(net, "<END OF METADATA>\n 2 : 5.0;\n", msg, sizeof msg), SR_EDATA);
    assert_string_equal(msg, "trips:2: origin: destination entries before any \"Origin\" line");
    assert_int_equal(parse(net, "<END OF METADATA>\nOrigin 1\n 4 : 5.0;\n", msg, sizeof msg), SR_EDATA);
    assert_string_equal(msg, "trips:3: destination: '4 : 5.0;' is not a node in 1..3");
    assert_int_equal(parse(net, "<END OF METADATA>\nOrigin 1\n 2 : -5.0;\n", msg, sizeof msg), SR_EDATA);
    assert_non_null(strstr(msg, "trips:3: flow:"));
    assert_int_equal(parse(net, "<END OF METADATA>\nOrigin 1\n 2 5.0;\n", msg, sizeof msg), SR_EDATA);
    assert_non_null(strstr(msg, "expected ':'"));
    assert_int_equal(parse(net, "<END OF METADATA>\nOrigin 7\n", msg, sizeof msg), SR_EDATA);
    /* Missing files name the file. */
    sr_tap *t = NULL;
    assert_int_equal(sr_tap_read_tntp("/nonexistent/x_net.tntp", "/nonexistent/x_trips.tntp", &t), SR_EIO);
    assert_non_null(strstr(sr_tap_errmsg(t), "/nonexistent/x_net.tntp: cannot open"));
    sr_tap_destroy(t);
}

static void test_no_route(void **state)
{
    (void)state;
    sr_tap *t;
    assert_int_equal(sr_tap_create(3, 1, &t), SR_OK);
    sr_tap_link l = {.from = 1, .to = 2, .capacity = 1, .length = 1, .free_flow_time = 1, .b = 0.15, .power = 4};
    assert_int_equal(sr_tap_add_link(t, &l, NULL), SR_OK);
    assert_int_equal(sr_tap_add_demand(t, 1, 3, 5), SR_OK);
    assert_int_equal(sr_tap_solve(t, NULL, NULL), SR_ENOROUTE);
    assert_non_null(strstr(sr_tap_errmsg(t), "no path from node 1 to node 3"));
    /* Bad arguments are refused with a message. */
    assert_int_equal(sr_tap_add_demand(t, 1, 4, 5), SR_EARG);
    assert_int_equal(sr_tap_add_demand(t, 1, 2, NAN), SR_EARG);
    l.capacity = 0;
    assert_int_equal(sr_tap_add_link(t, &l, NULL), SR_EARG);
    assert_int_equal(sr_tap_set_capacity(t, 5, 1), SR_EARG);
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = -1;
    assert_int_equal(sr_tap_solve(t, &o, NULL), SR_EARG);
    sr_tap_destroy(t);
}

/* Zones (below FIRST THRU NODE) carry no through traffic: Anaheim style. */
static void test_zones_not_passed(void **state)
{
    (void)state;
    /* 1 -> 2 -> 3 through zone 2 is cheap; 1 -> 4 -> 3 is the only legal
     * path when zones 1..3 may not be passed. */
    for (int ft = 1; ft <= 4; ft += 3) {
        sr_tap *t;
        assert_int_equal(sr_tap_create(4, (size_t)ft, &t), SR_OK);
        sr_tap_link a = {.from = 1, .to = 2, .capacity = 10, .free_flow_time = 1, .b = 0.15, .power = 4};
        sr_tap_link b = a, c = a, d = a;
        b.from = 2; b.to = 3;
        c.from = 1; c.to = 4; c.free_flow_time = 5;
        d.from = 4; d.to = 3; d.free_flow_time = 5;
        assert_int_equal(sr_tap_add_link(t, &a, NULL), SR_OK);
        assert_int_equal(sr_tap_add_link(t, &b, NULL), SR_OK);
        assert_int_equal(sr_tap_add_link(t, &c, NULL), SR_OK);
        assert_int_equal(sr_tap_add_link(t, &d, NULL), SR_OK);
        assert_int_equal(sr_tap_add_demand(t, 1, 3, 2), SR_OK);
        assert_int_equal(sr_tap_solve(t, NULL, NULL), SR_OK);
        if (ft == 1)
            assert_true(fabs(sr_tap_link_flow(t, 1) - 2) < 1e-9);
        else
            assert_true(fabs(sr_tap_link_flow(t, 3) - 2) < 1e-9 && sr_tap_link_flow(t, 1) == 0);
        sr_tap_destroy(t);
    }
}


/* A small network with what Berlin-Center has: zero-cost connectors and
 * zero-cost cycles between through nodes, a duplicated (parallel) link, a
 * zone that can be left but not reached, and links of equal cost.  Nodes
 * 1..3 are zones (first through node 4). */
static sr_tap *berlin_like(void)
{
    sr_tap *t;
    assert_int_equal(sr_tap_create(9, 4, &t), SR_OK);
    static const struct { uint32_t a, b; double t0, cap; } L[] = {
        {1, 4, 0, 0}, {4, 1, 0, 0}, {2, 7, 0, 0}, {7, 2, 0, 0}, {3, 5, 0, 0}, /* connectors */
        {4, 5, 0, 0}, {5, 4, 0, 0}, {6, 9, 0, 0}, {9, 6, 0, 0},               /* zero-cost cycles */
        {5, 6, 2, 20}, {5, 6, 2, 20},                                         /* duplicated link */
        {4, 8, 1, 15}, {8, 6, 1, 15}, {8, 7, 4, 30}, {6, 7, 1, 25}, {9, 7, 1, 25}, {7, 4, 3, 40},
    };
    for (size_t i = 0; i < sizeof L / sizeof L[0]; i++) {
        sr_tap_link l = {.from = L[i].a, .to = L[i].b, .free_flow_time = L[i].t0, .capacity = L[i].cap,
                         .b = L[i].t0 > 0 ? 0.15 : 0, .power = 4};
        assert_int_equal(sr_tap_add_link(t, &l, NULL), SR_OK);
    }
    assert_int_equal(sr_tap_add_demand(t, 1, 2, 50), SR_OK);
    assert_int_equal(sr_tap_add_demand(t, 3, 2, 20), SR_OK);
    assert_int_equal(sr_tap_add_demand(t, 2, 1, 10), SR_OK);
    assert_int_equal(sr_tap_add_demand(t, 1, 3, 7), SR_OK); /* zone 3 has no way in */
    assert_int_equal(sr_tap_add_demand(t, 2, 3, 0.5), SR_OK);
    return t;
}

static void test_zero_cost_duplicates_unconnected(void **state)
{
    (void)state;
    sr_tap *t = berlin_like();
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = 1e-12;
    /* By default a pair without a path is an error naming it. */
    assert_int_equal(sr_tap_solve(t, &o, NULL), SR_ENOROUTE);
    assert_non_null(strstr(sr_tap_errmsg(t), "to node 3"));
    /* Skipped, the rest converges and the left-out demand is reported. */
    o.unconnected = SR_TAP_UNCONNECTED_SKIP;
    sr_tap_stats st;
    assert_int_equal(sr_tap_solve(t, &o, &st), SR_OK);
    assert_true(st.relative_gap <= 1e-12);
    assert_int_equal(st.unconnected_pairs, 2);
    assert_true(fabs(st.unconnected_demand - 7.5) < 1e-12);
    assert_true(fabs(st.total_demand - 80) < 1e-12);
    size_t m = sr_tap_link_count(t);
    double *f = malloc(m * sizeof *f);
    assert_non_null(f);
    for (size_t i = 0; i < m; i++)
        f[i] = sr_tap_link_flow(t, i);
    /* Origins load their connectors with exactly their assigned demand;
     * the duplicated links share their flow equally. */
    assert_true(fabs(f[0] - 50) < 1e-9 && fabs(f[2] - 10) < 1e-9 && fabs(f[4] - 20) < 1e-9);
    assert_true(f[9] > 1 && fabs(f[9] - f[10]) <= 1e-6 * f[9]);
    /* Frank-Wolfe on the same problem reaches the same objective. */
    sr_tap_options fw = o;
    fw.algorithm = SR_TAP_FW;
    fw.gap = 1e-7;
    fw.max_iterations = 200000;
    sr_tap_stats sf;
    assert_int_equal(sr_tap_solve(t, &fw, &sf), SR_OK);
    assert_int_equal(sf.unconnected_pairs, 2);
    fprintf(stderr, "   berlin-like: B %.12f (%ld it), FW %.12f (%ld it)\n", st.objective, st.iterations, sf.objective,
            sf.iterations);
    assert_true(fabs(sf.objective - st.objective) <= 1e-6 * st.objective);
    assert_true(sf.objective >= st.objective - 1e-9 * st.objective);
    /* Deterministic: again, and with the gap on two threads. */
    for (int th = 1; th <= 2; th++) {
        o.threads = th;
        sr_tap_stats s2;
        assert_int_equal(sr_tap_solve(t, &o, &s2), SR_OK);
        assert_int_equal(s2.iterations, st.iterations);
        for (size_t i = 0; i < m; i++)
            assert_true(memcmp(&f[i], &(double){sr_tap_link_flow(t, i)}, sizeof(double)) == 0);
    }
    free(f);
    sr_tap_destroy(t);
}


/* A random network (ring plus chords, BPR power 4) solved to gap 0, which
 * round-off rarely allows: every solve must end, either converged at gap
 * 0 or reported as stalled with valid flows, long before the iteration
 * limit; with stall detection off the same solve runs into the limit. */
static sr_tap *ring_tap(uint64_t seed)
{
    uint64_t x = seed;
#define NEXT() (x = x * 6364136223846793005ULL + 1442695040888963407ULL, (double)(x >> 11) / 9007199254740992.0)
    int n = 6 + (int)(NEXT() * 10);
    sr_tap *t;
    assert_int_equal(sr_tap_create((size_t)n, 1, &t), SR_OK);
    for (int i = 1; i <= n; i++)
        for (int d = 0; d < 2; d++) {
            sr_tap_link l = {.from = (uint32_t)i, .to = (uint32_t)(d ? (i % n) + 1 : ((i + n - 2) % n) + 1),
                             .capacity = 5 + 45 * NEXT(), .free_flow_time = 1 + 9 * NEXT(), .b = 0.15, .power = 4};
            assert_int_equal(sr_tap_add_link(t, &l, NULL), SR_OK);
        }
    for (int k = 0; k < 2 * n; k++) {
        sr_tap_link l = {.from = 1 + (uint32_t)(NEXT() * n), .to = 1 + (uint32_t)(NEXT() * n),
                         .capacity = 5 + 45 * NEXT(), .free_flow_time = 1 + 9 * NEXT(), .b = 0.15, .power = 4};
        if (l.from != l.to)
            assert_int_equal(sr_tap_add_link(t, &l, NULL), SR_OK);
    }
    for (int k = 0; k < 3 * n; k++) {
        uint32_t o = 1 + (uint32_t)(NEXT() * n), d = 1 + (uint32_t)(NEXT() * n);
        assert_int_equal(sr_tap_add_demand(t, o, d, 5 + 60 * NEXT()), SR_OK);
    }
#undef NEXT
    return t;
}

static void test_stall_detected(void **state)
{
    (void)state;
    int stalled = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        sr_tap *t = ring_tap(seed);
        sr_tap_options o;
        sr_tap_options_init(&o);
        o.gap = 0;
        o.max_iterations = 100000;
        o.stall_iterations = 5;
        sr_tap_stats st;
        sr_code rc = sr_tap_solve(t, &o, &st);
        assert_true(rc == SR_OK || rc == SR_ESTALLED);
        assert_true(st.iterations < 5000);
        assert_true(st.relative_gap >= 0 && st.relative_gap < 1e-6);
        if (rc == SR_OK) {
            assert_true(st.relative_gap == 0);
        } else {
            stalled++;
            assert_non_null(strstr(sr_tap_errmsg(t), "stalled: relative gap"));
            assert_true(sr_tap_link_flow(t, 0) >= 0 && sr_tap_link_flow(t, 0) == sr_tap_link_flow(t, 0));
            /* The same stall again, bit for bit. */
            double f0 = sr_tap_link_flow(t, 0);
            sr_tap_stats s2;
            assert_int_equal(sr_tap_solve(t, &o, &s2), SR_ESTALLED);
            assert_int_equal(s2.iterations, st.iterations);
            assert_true(memcmp(&f0, &(double){sr_tap_link_flow(t, 0)}, sizeof f0) == 0);
            /* Without detection the solve never reports a stall: it runs on
             * to the iteration limit (or, by luck of round-off, to 0). */
            o.stall_iterations = 0;
            o.max_iterations = st.iterations + 20;
            sr_code r2 = sr_tap_solve(t, &o, &s2);
            assert_true(r2 == SR_ENOTCONVERGED || (r2 == SR_OK && s2.relative_gap == 0));
            assert_true(s2.iterations > st.iterations);
        }
        sr_tap_destroy(t);
    }
    fprintf(stderr, "   %d of 12 random networks stalled at gap 0 (the rest reached it)\n", stalled);
    assert_true(stalled > 0);
    /* Negative stall counts are refused. */
    sr_tap *t = ring_tap(1);
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.stall_iterations = -1;
    assert_int_equal(sr_tap_solve(t, &o, NULL), SR_EARG);
    sr_tap_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_braess),
        cmocka_unit_test(test_siouxfalls),
        cmocka_unit_test(test_anaheim),
        cmocka_unit_test(test_barcelona),
        cmocka_unit_test(test_winnipeg),
        cmocka_unit_test(test_chicago),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_not_converged),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_no_route),
        cmocka_unit_test(test_zones_not_passed),
        cmocka_unit_test(test_zero_cost_duplicates_unconnected),
        cmocka_unit_test(test_stall_detected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
