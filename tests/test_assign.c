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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
