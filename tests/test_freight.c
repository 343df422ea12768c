/*
 * test_freight.c - freight assignment on the corridor network (sr_freight_*)
 * and the `assign`, `compare` and `critical` commands, on the hand-made
 * mini dataset (tests/data/mini) with the demand and scenario files of
 * tests/data/assign.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "silkroute.h"
#include "util.h"

#define MINI "tests/data/mini"
#define A "tests/data/assign/"

static const char *argv0;
static char out[1 << 17];

static sr_network *net;

static int setup(void **st)
{
    (void)st;
    sr_code rc = sr_network_open(MINI, &net);
    if (rc != SR_OK)
        fprintf(stderr, "%s\n", sr_network_errmsg(net));
    return rc == SR_OK ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    sr_network_close(net);
    return 0;
}

static double xflow(const sr_freight *f, const char *id)
{
    long x = sr_crossing_find(net, id);
    assert_true(x >= 0);
    return sr_freight_crossing_flow(f, (size_t)x);
}

static sr_freight *solved(const char *demand, const char *scenario, sr_code want)
{
    sr_freight *f;
    assert_int_equal(sr_freight_create(net, &f), SR_OK);
    assert_int_equal(sr_freight_load_demand(f, demand), SR_OK);
    if (scenario)
        assert_int_equal(sr_freight_load_scenario(f, scenario), SR_OK);
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = 1e-10;
    sr_code rc = sr_freight_solve(f, &o);
    if (rc != want)
        fprintf(stderr, "solve: %s\n", sr_freight_errmsg(f));
    assert_int_equal(rc, want);
    return f;
}

static void base_assignment(void **st)
{
    (void)st;
    sr_freight *f = solved(A "mini_demand.csv", NULL, SR_OK);
    sr_freight_totals t;
    assert_int_equal(sr_freight_get_totals(f, &t), SR_OK);
    assert_true(fabs(t.teu_per_year - 300000) < 1e-6);
    assert_true(t.relative_gap <= 1e-10);
    /* All demand crosses the border once, by some crossing or by sea. */
    double xs = xflow(f, "X-RAIL") + xflow(f, "X-ROAD");
    long sea = -1;
    for (size_t l = 0; l < sr_network_link_count(net); l++)
        if (!strcmp(sr_network_link(net, l)->id, "L8"))
            sea = (long)l;
    assert_true(sea >= 0);
    xs += sr_freight_link_flow(f, (size_t)sea, 0) + sr_freight_link_flow(f, (size_t)sea, 1);
    assert_true(fabs(xs - 300000) < 1e-6);
    /* Capacity from crossings.csv: 500 TEU/day. */
    assert_true(fabs(sr_freight_crossing_capacity(f, (size_t)sr_crossing_find(net, "X-RAIL")) - 500 * 365.0) < 1e-9);
    /* Per-pair path figures: the rail path AAORI -> BBDST of the mini data
     * runs 2 + 1 + 10 (dwell) + 5 (gauge change) + 2 hours free-flow, more
     * with congestion at the crossing. */
    assert_int_equal(sr_freight_demand_count(f), 2);
    size_t po, pd;
    double teu, hours, usd;
    assert_int_equal(sr_freight_demand_row(f, 0, &po, &pd, &teu, &hours, &usd), SR_OK);
    assert_string_equal(sr_network_place(net, po)->id, "AAORI");
    assert_true(teu == 250000 && hours >= 20 && usd > 0);
    assert_int_equal(sr_freight_demand_row(f, 2, NULL, NULL, NULL, NULL, NULL), SR_EARG);
    char *j = sr_freight_json(f, 0), *g = sr_freight_geojson(f, 0);
    assert_non_null(j);
    assert_non_null(g);
    assert_non_null(strstr(j, "\"teu_per_year\""));
    assert_non_null(strstr(j, "\"X-RAIL\""));
    assert_non_null(strstr(j, "\"corridors\""));
    assert_non_null(strstr(j, "\"generalized_cost_h_per_teu\""));
    assert_non_null(strstr(g, "FeatureCollection"));
    sr_free(j);
    sr_free(g);
    sr_freight_destroy(f);
}

static void scenario_close_and_squeeze(void **st)
{
    (void)st;
    sr_freight *b = solved(A "mini_demand.csv", NULL, SR_OK);
    sr_freight *c = solved(A "mini_demand.csv", A "close_xrail.scn", SR_OK);
    sr_freight *s = solved(A "mini_demand.csv", A "squeeze_xrail.scn", SR_OK);
    assert_true(xflow(c, "X-RAIL") == 0);
    assert_true(xflow(c, "X-ROAD") > 0);
    assert_true(xflow(s, "X-RAIL") < xflow(b, "X-RAIL"));
    sr_freight_totals tb, tc, ts;
    sr_freight_get_totals(b, &tb);
    sr_freight_get_totals(c, &tc);
    sr_freight_get_totals(s, &ts);
    assert_true(tc.generalized_h > tb.generalized_h);
    assert_true(ts.generalized_h > tb.generalized_h);
    assert_true(fabs(sr_freight_crossing_capacity(s, (size_t)sr_crossing_find(net, "X-RAIL")) - 50 * 365.0) < 1e-9);
    /* BB-NEWPOST is reachable only over planned links: no path until the
     * scenario opens the crossing (L14) and its approach (L13). */
    sr_freight *o = solved(A "newpost_demand.csv", NULL, SR_ENOROUTE);
    assert_non_null(strstr(sr_freight_errmsg(o), "no usable path from Origin City (AAORI)"));
    sr_freight_destroy(o);
    o = solved(A "newpost_demand.csv", A "open_xnew.scn", SR_OK);
    assert_true(fabs(xflow(o, "X-NEW") - 1000) < 1e-9);
    sr_freight_destroy(o);
    /* The overlay never touched the network: a fresh assignment is the base. */
    sr_freight *b2 = solved(A "mini_demand.csv", NULL, SR_OK);
    sr_freight_totals t2;
    sr_freight_get_totals(b2, &t2);
    assert_true(t2.generalized_h == tb.generalized_h);
    sr_freight_destroy(b);
    sr_freight_destroy(b2);
    sr_freight_destroy(c);
    sr_freight_destroy(s);
}

static void scenario_errors(void **st)
{
    (void)st;
    sr_freight *f;
    assert_int_equal(sr_freight_create(net, &f), SR_OK);
    assert_int_equal(sr_freight_load_scenario(f, A "bad_verb.scn"), SR_EDATA);
    assert_non_null(strstr(sr_freight_errmsg(f), "bad_verb.scn:2: command: expected one of"));
    assert_int_equal(sr_freight_load_scenario(f, A "bad_link.scn"), SR_EDATA);
    assert_non_null(strstr(sr_freight_errmsg(f), "bad_link.scn:1: link: unknown link 'L99'"));
    assert_int_equal(sr_freight_load_scenario(f, A "bad_number.scn"), SR_EDATA);
    assert_non_null(strstr(sr_freight_errmsg(f), "bad_number.scn:2: capacity: 'lots' is not a number"));
    assert_int_equal(sr_freight_load_scenario(f, A "nul.scn"), SR_EDATA);
    assert_non_null(strstr(sr_freight_errmsg(f), "nul.scn:1: NUL byte in line"));
    assert_int_equal(sr_freight_load_scenario(f, A "missing.scn"), SR_EIO);
    assert_non_null(strstr(sr_freight_errmsg(f), "tests/data/assign/missing.scn: cannot open"));
    assert_int_equal(sr_freight_load_demand(f, A "bad_demand.csv"), SR_EDATA);
    assert_non_null(strstr(sr_freight_errmsg(f), "bad_demand.csv:3: destination: unknown place 'Nowhere'"));
    assert_int_equal(sr_freight_load_demand(f, A "bad_source.csv"), SR_EDATA);
    assert_non_null(strstr(sr_freight_errmsg(f), "bad_source.csv:2: source: 'S-missing' is not an id"));
    assert_int_equal(sr_freight_set_params(f, 0, 0.15, 4), SR_EARG);
    assert_null(sr_freight_json(f, 0));
    sr_freight_destroy(f);
}

static void criticality(void **st)
{
    (void)st;
    sr_freight *f;
    assert_int_equal(sr_freight_create(net, &f), SR_OK);
    assert_int_equal(sr_freight_load_demand(f, A "port_demand.csv"), SR_OK);
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = 1e-10;
    sr_critical *r;
    size_t n;
    assert_int_equal(sr_freight_critical(f, &o, 0.9, NULL, 0, &r, &n), SR_OK);
    /* The rail border link L2 is the only link through X-RAIL: both rank
     * first with the same index (L2 has no capacity of its own, so its
     * notional one is its flow capped by the crossing's). */
    assert_true(n >= 2);
    assert_string_equal(r[0].label, "L2");
    assert_int_equal(r[0].notional, 1);
    assert_string_equal(r[1].label, "X-RAIL");
    assert_int_equal(r[1].notional, 0);
    assert_true(r[0].delta_h == r[1].delta_h && r[0].delta_h > 0);
    for (size_t i = 1; i < n; i++)
        assert_true(r[i - 1].delta_h >= r[i].delta_h);
    sr_free(r);
    /* Removal: the road to the airport is the only way there for containers
     * (air carries tonnes only). */
    assert_int_equal(sr_freight_critical(f, &o, 1.0, NULL, 0, &r, &n), SR_OK);
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(r[i].label, "L11")) {
            found = 1;
            assert_int_equal(r[i].isolates, 1);
            assert_true(i == 0 || r[i - 1].isolates);
        }
    assert_true(found);
    sr_free(r);
    /* The base solution is left in place. */
    sr_freight_totals t;
    assert_int_equal(sr_freight_get_totals(f, &t), SR_OK);
    assert_true(fabs(t.teu_per_year - 251000) < 1e-6);
    assert_int_equal(sr_freight_critical(f, &o, 0, NULL, 0, &r, &n), SR_EARG);
    /* A chosen set: only those elements are tried. */
    const char *only[] = {"L11", "X-RAIL"};
    assert_int_equal(sr_freight_critical(f, &o, 1.0, only, 2, &r, &n), SR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].label, "L11");
    assert_string_equal(r[1].label, "X-RAIL");
    sr_free(r);
    const char *bad[] = {"NOPE"};
    assert_int_equal(sr_freight_critical(f, &o, 1.0, bad, 1, &r, &n), SR_EARG);
    assert_non_null(strstr(sr_freight_errmsg(f), "'NOPE'"));
    sr_freight_destroy(f);
}

/* The default dataset with its demand table and example scenarios. */
static void default_dataset(void **st)
{
    (void)st;
    sr_network *dn = NULL;
    if (sr_network_open("data", &dn) != SR_OK) {
        sr_network_close(dn);
        skip();
        return;
    }
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = 1e-8;
    const char *scen[] = {NULL, "data/scenarios/cku-2030.scn", "data/scenarios/khorgos-closed.scn",
                          "data/scenarios/dostyk-expanded.scn"};
    double gen[4];
    for (int i = 0; i < 4; i++) {
        sr_freight *f;
        assert_int_equal(sr_freight_create(dn, &f), SR_OK);
        sr_code rc = sr_freight_load_demand(f, NULL);
        if (rc)
            fprintf(stderr, "%s\n", sr_freight_errmsg(f));
        assert_int_equal(rc, SR_OK);
        if (scen[i]) {
            rc = sr_freight_load_scenario(f, scen[i]);
            if (rc)
                fprintf(stderr, "%s\n", sr_freight_errmsg(f));
            assert_int_equal(rc, SR_OK);
        }
        rc = sr_freight_solve(f, &o);
        if (rc)
            fprintf(stderr, "%s\n", sr_freight_errmsg(f));
        assert_int_equal(rc, SR_OK);
        sr_freight_totals t;
        assert_int_equal(sr_freight_get_totals(f, &t), SR_OK);
        assert_true(t.teu_per_year > 1e6);
        gen[i] = t.generalized_h;
        long kh = sr_crossing_find(dn, "X-KHORGOS-ALTYNKOL-RAIL"), kr = sr_crossing_find(dn, "X-KHORGOS-NURZHOLY-ROAD");
        if (i == 2 && kh >= 0 && kr >= 0)
            assert_true(sr_freight_crossing_flow(f, (size_t)kh) == 0 && sr_freight_crossing_flow(f, (size_t)kr) == 0);
        sr_freight_destroy(f);
    }
    /* Closing Khorgos costs more; a new line or more capacity costs less. */
    assert_true(gen[2] > gen[0]);
    assert_true(gen[1] <= gen[0]);
    assert_true(gen[3] <= gen[0]);
    sr_network_close(dn);
}

static void expect(const char *args, int status, const char *needle)
{
    int rc = tu_cli(argv0, args, out, sizeof out);
    if (rc != status || (needle && !strstr(out, needle)))
        fail_msg("silkroute %s: exit %d (want %d), output:\n%.4000s\n(want '%s')", args, rc, status, out,
                 needle ? needle : "");
}

#define D " --data " MINI " --demand " A "mini_demand.csv"

static void cli(void **st)
{
    (void)st;
    expect("assign" D, 0, "X-RAIL");
    expect("assign --json" D, 0, "\"totals\"");
    expect("assign --geojson" D, 0, "\"FeatureCollection\"");
    expect("assign --help", 0, "usage: silkroute assign");
    expect("assign", 0, "TEU/year");
    expect("compare data/scenarios/khorgos-closed.scn --json", 0, "\"corridors\"");
    expect("assign --year 1800" D, 2, "--year");
    expect("assign --scenario " A "bad_link.scn" D, 4, "bad_link.scn:1: link: unknown link 'L99'");
    expect("assign --json --scenario " A "bad_link.scn" D, 4, "\"code\":\"BadData\"");
    expect("assign --data " MINI " --demand " A "bad_demand.csv", 4, "bad_demand.csv:3: destination");
    expect("compare " A "close_xrail.scn" D, 0, "X-ROAD");
    expect("compare " A "close_xrail.scn --json" D, 0, "\"destinations\"");
    expect("assign" D, 0, "by destination country");
    expect("compare " A "close_xrail.scn --base " A "squeeze_xrail.scn --json" D, 0, "\"change\"");
    expect("compare" D, 2, "SCENARIO");
    expect("critical --top 2" D, 0, "X-RAIL");
    expect("critical --json --loss 1" D, 0, "\"ranking\"");
    expect("critical --loss 2" D, 2, "--loss");
    expect("critical --only X-RAIL,L1 --loss 1" D, 0, "L1 ");
    expect("critical --only NOPE" D, 2, "unknown link, crossing or terminal 'NOPE'");
    expect("assign --tntp tests/data/assign/none", 1, "none_net.tntp: cannot open");
    expect("assign --tntp x --gap -1", 2, "--gap");
    expect("assign --tntp x --objective xx", 2, "--objective");
    expect("assign --tntp x --bogus", 2, "unknown option '--bogus'");
}

static void cli_tntp(void **st)
{
    (void)st;
    FILE *fp = fopen("../shared/data/tntp/SiouxFalls/SiouxFalls_net.tntp", "r");
    if (!fp) {
        skip();
        return;
    }
    fclose(fp);
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char args[1024];
    snprintf(args, sizeof args,
             "assign --tntp ../shared/data/tntp/SiouxFalls/SiouxFalls --gap 1e-10 --json --flows-out %s/f.tntp", dir);
    expect(args, 0, "\"relative_gap\"");
    assert_non_null(strstr(out, "\"objective\": 4231335.28710"));
    assert_non_null(strstr(out, "\"tstt\""));
    assert_non_null(strstr(out, "\"iterations\""));
    /* The written flows read back as the solution. */
    sr_tap *t;
    assert_int_equal(sr_tap_read_tntp("../shared/data/tntp/SiouxFalls/SiouxFalls_net.tntp",
                                      "../shared/data/tntp/SiouxFalls/SiouxFalls_trips.tntp", &t), SR_OK);
    double *fl = malloc(sr_tap_link_count(t) * sizeof *fl);
    assert_non_null(fl);
    char path[1024];
    snprintf(path, sizeof path, "%s/f.tntp", dir);
    assert_int_equal(sr_tap_read_flows(t, path, fl), SR_OK);
    assert_true(fabs(fl[0] - 4494.6576) < 1e-2);
    free(fl);
    sr_tap_destroy(t);
    expect("assign --tntp ../shared/data/tntp/SiouxFalls/SiouxFalls --gap 1e-14 --max-iterations 3", 5,
           "iteration limit 3");
    expect("assign --tntp ../shared/data/tntp/Braess-Example/Braess --objective so --gap 1e-12", 0, "TSTT             498.0");
    tu_rmdir(dir);
}

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base_assignment),
        cmocka_unit_test(scenario_close_and_squeeze),
        cmocka_unit_test(scenario_errors),
        cmocka_unit_test(criticality),
        cmocka_unit_test(default_dataset),
        cmocka_unit_test(cli),
        cmocka_unit_test(cli_tntp),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
