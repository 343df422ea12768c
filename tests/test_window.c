/*
 * test_window.c - departure windows against brute force.  A window answer
 * (every option not dominated in later departure and earlier arrival; with
 * Pareto also cost and CO2e) is checked against plain depart-at queries at
 * many departure times in the window, for several mode sets:
 *   - completeness: whatever a depart-at query at time t finds is matched
 *     or beaten by an answer option usable at t (one leaving at t or later,
 *     or one without fixed times, which can leave at t and arrives as much
 *     later);
 *   - exactness of the earliest-arrival profile: the best arrival the
 *     answer offers for departure t equals the depart-at query's;
 *   - soundness: every option is what a depart-at query at its departure
 *     finds (or beats), and no option dominates another.
 * The regressions: all modes from Xi'an to Duisburg once listed only the
 * road option and lost the scheduled block trains; a train boarded
 * downstream, which may leave the origin hours later, was lost behind the
 * same train boarded upstream (test_regression_downstream_boarding).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "silkroute.h"
#include "util.h"

static sr_network *net;
static sr_query *q;

static int setup(void **st)
{
    (void)st;
    if (sr_network_open("data", &net) != SR_OK)
        return -1;
    return sr_query_create(net, &q) == SR_OK ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    sr_query_destroy(q);
    sr_network_close(net);
    return 0;
}

typedef struct opt {
    int64_t dep, arr, latest;
    double c, e;
    int ntr;            /* transfers as the search counts them */
    int fixed;          /* has a scheduled leg or waited for an opening */
} opt;

/* Pinned to its departure: a scheduled leg, or a wait for an opening.  A
 * journey that passes open crossings may leave a little later and arrive
 * as much later (until a crossing closes), as the engine treats it. */
static int is_fixed(const sr_route *r)
{
    for (size_t i = 0; i < r->n_legs; i++)
        if (r->legs[i].service || r->legs[i].wait_h > 1e-9)
            return 1;
    return 0;
}

/* Transfers as the search counts them (a Pareto criterion): class changes,
 * and boardings of services after a first leg; the class change of a
 * boarding is part of the boarding. */
static int transfers(const sr_route *r)
{
    int n = 0;
    for (size_t i = 0; i < r->n_transfers; i++) {
        if (r->transfers[i].in_service)
            continue;           /* the train's own gauge change */
        size_t next = r->transfers[i].after_leg + 1;
        if (!(next < r->n_legs && r->legs[next].service))
            n++;
    }
    for (size_t i = 1; i < r->n_legs; i++)
        n += r->legs[i].service != NULL;
    return n;
}

/* The latest departure from the origin that still makes route r found
 * leaving at r->depart: it may wait up to its first fixed event. */
static int64_t latest_departure(const sr_route *r)
{
    double wait = 0;
    for (size_t i = 0; i < r->n_legs; i++) {
        wait += r->legs[i].wait_h;
        if (r->legs[i].service)
            return r->depart + (int64_t)(wait * 3600.0 + 0.5);
    }
    return is_fixed(r) ? r->depart + (int64_t)(wait * 3600.0 + 0.5) : INT64_MAX;
}

static size_t run(const char *from, const char *to, unsigned modes, int pareto, const char *depart,
                  const char *window, opt *out, size_t cap)
{
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = from;
    o.to = to;
    o.modes = modes;
    o.pareto = pareto;
    char err[200];
    assert_int_equal(sr_route_options_set_times(net, &o, depart, NULL, window, err, sizeof err), SR_OK);
    sr_result *r = NULL;
    sr_code c = sr_route_query(q, &o, &r);
    if (c == SR_ENOROUTE)
        return 0;
    if (c != SR_OK)
        fail_msg("%s -> %s: %s", from, to, sr_query_errmsg(q));
    size_t n = 0;
    for (size_t i = 0; i < sr_result_count(r) && n < cap; i++) {
        const sr_route *rt = sr_result_route(r, i);
        out[n++] = (opt){rt->depart, rt->arrive, latest_departure(rt), rt->cost_usd, rt->co2e_kg, transfers(rt),
                         is_fixed(rt)};
    }
    sr_result_free(r);
    return n;
}

static int leq(double a, double b) { return a <= b + 1e-6 * (b > 0 ? b : -b) + 1e-6; }

/* Arrival of answer option a when the cargo is ready at t, or INT64_MAX
 * when a cannot be taken then. */
static int64_t arrival_from(const opt *a, int64_t t)
{
    if (!a->fixed)
        return a->arr + (t - a->dep);
    return a->dep >= t ? a->arr : INT64_MAX;
}

static void iso(int64_t t, char *b, size_t cap) { sr_time_format(t, 0, b, cap); }

static void check_pair(const char *from, const char *to, unsigned modes, int pareto, const char *depart,
                       int days, int step_min)
{
    static opt ans[4096], bf[512];
    char win[16];
    snprintf(win, sizeof win, "%dd", days);
    size_t na = run(from, to, modes, pareto, depart, win, ans, 4096);
    assert_true(na < 4096);
    int64_t t0;
    assert_int_equal(sr_time_parse(depart, NULL, &t0), SR_OK);
    /* Soundness 1: no answer option dominates another. */
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < na; j++) {
            if (i == j)
                continue;
            int64_t aj = arrival_from(&ans[j], ans[i].dep);
            int dominated = aj <= ans[i].arr &&
                            (!pareto || (leq(ans[j].c, ans[i].c) && leq(ans[j].e, ans[i].e) && ans[j].ntr <= ans[i].ntr)) &&
                            (aj < ans[i].arr || (pareto && (ans[j].c < ans[i].c - 1e-6 || ans[j].e < ans[i].e - 1e-6)));
            if (dominated && ans[i].fixed)
                fail_msg("%s -> %s: option %zu dominates option %zu", from, to, j, i);
        }
    long probes = 0;
    for (int64_t t = t0; t <= t0 + (int64_t)days * 86400; t += step_min * 60) {
        char d[40];
        iso(t, d, sizeof d);
        size_t nb = run(from, to, modes, pareto, d, NULL, bf, 512);
        probes++;
        for (size_t k = 0; k < nb; k++) {
            /* Journeys that must leave the origin after the window are not
             * the window's: the cargo waits for a departure outside it. */
            if (bf[k].latest != INT64_MAX && bf[k].latest > t0 + (int64_t)days * 86400)
                continue;
            /* Completeness: something in the answer, usable at t, as good. */
            int64_t best = INT64_MAX;
            int covered = 0;
            for (size_t i = 0; i < na; i++) {
                int64_t a = arrival_from(&ans[i], t);
                if (a < best)
                    best = a;
                if (a <= bf[k].arr &&
                    (!pareto || (leq(ans[i].c, bf[k].c) && leq(ans[i].e, bf[k].e) && ans[i].ntr <= bf[k].ntr)))
                    covered = 1;
            }
            if (!covered) {
                char da[40];
                iso(bf[k].arr, da, sizeof da);
                fail_msg("%s -> %s modes %#x%s: departing %s the search finds arrival %s, USD %.0f, kg %.0f; "
                         "the window answer (%zu options) offers nothing as good",
                         from, to, modes, pareto ? " pareto" : "", d, da, bf[k].c, bf[k].e, na);
            }
            /* Exact profile: the answer's best arrival for t is the search's. */
            if (!pareto && best != bf[k].arr && best > bf[k].arr)
                fail_msg("%s -> %s: departing %s the answer's best arrival differs from the search's", from, to, d);
        }
        if (!nb && !pareto)
            for (size_t i = 0; i < na; i++)
                assert_true(arrival_from(&ans[i], t) == INT64_MAX || arrival_from(&ans[i], t) > t + 62 * 86400LL);
    }
    /* Soundness 2: every option can be had by leaving at its departure. */
    for (size_t i = 0; i < na; i++) {
        char d[40];
        iso(ans[i].dep, d, sizeof d);
        size_t nb = run(from, to, modes, pareto, d, NULL, bf, 512);
        int found = 0;
        for (size_t k = 0; k < nb && !found; k++)
            found = bf[k].arr <= ans[i].arr &&
                    (!pareto || (leq(bf[k].c, ans[i].c) && leq(bf[k].e, ans[i].e) && bf[k].ntr <= ans[i].ntr));
        if (!found)
            fail_msg("%s -> %s: option %zu departing %s is not found departing then", from, to, i, d);
    }
    print_message("%s -> %s modes %#x%s: %zu options, %ld depart-at probes\n", from, to, modes,
                  pareto ? " pareto" : "", na, probes);
}

static const unsigned MODESETS[] = {SR_MODES_ALL, SR_MODE_BIT(SR_RAIL), SR_MODE_BIT(SR_RAIL) | SR_MODE_BIT(SR_ROAD)};

static void test_regression_block_trains(void **st)
{
    (void)st;
    static opt ans[256];
    size_t n = run("Xi'an", "Duisburg", SR_MODES_ALL, 0, "2026-06-03T08:00+08:00", "7d", ans, 256);
    int trains = 0;
    for (size_t i = 0; i < n; i++)
        trains += ans[i].fixed;
    assert_true(n >= 2);
    assert_true(trains >= 1);      /* the scheduled block train is listed with all modes */
}

/* The mini network (tests/data/mini: AAORI -> AA-BORDER -> BB-BORDER ->
 * BBDST by rail, 20 h continuously) with one daily train calling at AAORI
 * (01:00), AA-BORDER (06:00, reached by rail in 2 h) and BBDST (22:00).
 * From a window starting at 00:00 the train boarded at AAORI must leave by
 * 01:00 and is cheaper; boarded at AA-BORDER it can leave the origin up to
 * 04:00 and arrive as early.  The continuous journey leaving 1 h later
 * beats the first (21:00 + 1 h), leaving 4 h later not the second; the
 * search once let the first, whose departure is earlier, dominate the
 * second, then pruned the first by the continuous one, and the window lost
 * the train that a depart-at query at 04:00 finds. */
static const char *const DOWNSTREAM_FILES[][2] = {
    {"services/agency.txt", "agency_id,agency_name,agency_url,agency_timezone\nT,Train Co,http://x,Asia/Shanghai\n"},
    {"services/stops.txt", "stop_id,stop_name\nAAORI,Origin City\nAA-BORDER,Border West\nBBDST,Destination\n"},
    {"services/routes.txt", "route_id,agency_id,route_short_name,route_long_name,route_type\nTR,T,T1,Through train,2\n"},
    {"services/route_freight.txt", "route_id,class,capacity_teu,price_20ft_usd,price_40ft_usd,price_t_usd,units,assumed,source\n"
                                   "TR,rail1435,100,150,200,10,20ft;40ft;t,1,A-test\n"},
    {"services/trips.txt", "route_id,service_id,trip_id\nTR,DAILY,T-1\n"},
    {"services/stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n"
                                "T-1,01:00:00,01:00:00,AAORI,1,0\nT-1,06:00:00,06:00:00,AA-BORDER,2,100\n"
                                "T-1,22:00:00,22:00:00,BBDST,3,210\n"},
    {"services/calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                              "DAILY,1,1,1,1,1,1,1,20260101,20261231\n"},
};

/* Set-up and tear-down of that test: run() and check_pair() query the
 * globals, so they point at the mini network for it, and back after it
 * (the tear-down runs when the test fails too). */
static sr_network *keep_net;
static sr_query *keep_q;
static char *mini_dir;

static int setup_downstream(void **st)
{
    (void)st;
    mini_dir = tu_copy_dataset("tests/data/mini");
    if (!mini_dir)
        return -1;
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/services", mini_dir);
    if (mkdir(sub, 0700) != 0)
        return -1;
    for (size_t i = 0; i < sizeof DOWNSTREAM_FILES / sizeof *DOWNSTREAM_FILES; i++)
        if (tu_write(mini_dir, DOWNSTREAM_FILES[i][0], DOWNSTREAM_FILES[i][1]) != 0)
            return -1;
    keep_net = net;
    keep_q = q;
    net = NULL;
    q = NULL;
    if (sr_network_open(mini_dir, &net) != SR_OK) {
        print_error("%s\n", sr_network_errmsg(net));
        return -1;
    }
    return sr_query_create(net, &q) == SR_OK ? 0 : -1;
}

static int teardown_downstream(void **st)
{
    (void)st;
    sr_query_destroy(q);
    sr_network_close(net);
    net = keep_net;
    q = keep_q;
    tu_rmdir(mini_dir);
    mini_dir = NULL;
    return 0;
}

static void test_regression_downstream_boarding(void **st)
{
    (void)st;
    static opt ans[64];
    size_t n = run("AAORI", "BBDST", SR_MODE_BIT(SR_RAIL), 0, "2026-06-03T00:00+08:00", "1d", ans, 64);
    int64_t t0;
    assert_int_equal(sr_time_parse("2026-06-03T00:00+08:00", NULL, &t0), SR_OK);
    /* The train boarded at AA-BORDER: leave by 04:00, arrive 22:00. */
    int found = 0;
    for (size_t i = 0; i < n; i++)
        found |= ans[i].fixed && ans[i].dep == t0 + 4 * 3600 && ans[i].arr == t0 + 22 * 3600;
    assert_true(found);
    check_pair("AAORI", "BBDST", SR_MODE_BIT(SR_RAIL), 0, "2026-06-03T00:00+08:00", 1, 15);
    check_pair("AAORI", "BBDST", SR_MODE_BIT(SR_RAIL), 1, "2026-06-03T00:00+08:00", 1, 15);
}

static void test_earliest_profile(void **st)
{
    (void)st;
    static const char *const pairs[][2] = {
        {"Xi'an", "Duisburg"}, {"Chongqing", "Duisburg"}, {"Xi'an", "Almaty"}, {"Yiwu", "Tashkent"}, {"Chengdu", "Almaty"}};
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++)
        for (size_t m = 0; m < sizeof MODESETS / sizeof MODESETS[0]; m++)
            check_pair(pairs[p][0], pairs[p][1], MODESETS[m], 0, "2026-06-03T08:00+08:00", 4, 20);
}

static void test_pareto_window(void **st)
{
    (void)st;
    static const char *const pairs[][2] = {{"Xi'an", "Duisburg"}, {"Xi'an", "Almaty"}};
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++)
        for (size_t m = 0; m < sizeof MODESETS / sizeof MODESETS[0]; m++)
            check_pair(pairs[p][0], pairs[p][1], MODESETS[m], 1, "2026-06-03T08:00+08:00", 2, 180);
}

/* A block train is reported truthfully: the Xi'an - Malaszewicze block train
 * (one scheduled leg; the feed lists no stop between) crosses China-
 * Kazakhstan, Kazakhstan-Russia, Russia-Belarus and Belarus-Poland and
 * changes gauge at Dostyk and Malaszewicze, on board, inside its schedule. */
static void test_service_reports_borders(void **st)
{
    (void)st;
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Xi'an";
    o.to = "Duisburg";
    o.modes = SR_MODE_BIT(SR_RAIL);
    char err[200];
    assert_int_equal(sr_route_options_set_times(net, &o, "2026-06-04T08:00+08:00", NULL, NULL, err, sizeof err), SR_OK);
    sr_result *r = NULL;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    const sr_route *rt = sr_result_route(r, 0);
    assert_non_null(rt->legs[0].service);
    const char *want[][2] = {{"CN", "KZ"}, {"KZ", "RU"}, {"RU", "BY"}, {"BY", "PL"}};
    size_t k = 0;
    for (size_t i = 0; i < rt->n_crossings; i++) {
        const sr_border_crossing *x = &rt->crossings[i];
        if (!x->in_service)
            continue;
        assert_int_equal(x->leg, 0);
        assert_true(x->dwell_h == 0 && x->fee_usd == 0);
        assert_true(k < 4);
        assert_string_equal(x->from_country, want[k][0]);
        assert_string_equal(x->to_country, want[k][1]);
        k++;
    }
    assert_int_equal(k, 4);
    int gauge = 0;
    for (size_t i = 0; i < rt->n_transfers; i++)
        if (rt->transfers[i].in_service) {
            assert_int_equal(rt->transfers[i].kind, SR_GAUGE_CHANGE);
            assert_true(rt->transfers[i].duration_h == 0 && rt->transfers[i].cost_usd == 0);
            gauge++;
        }
    assert_int_equal(gauge, 2);
    sr_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regression_block_trains),
        cmocka_unit_test_setup_teardown(test_regression_downstream_boarding, setup_downstream, teardown_downstream),
        cmocka_unit_test(test_service_reports_borders),
        cmocka_unit_test(test_earliest_profile),
        cmocka_unit_test(test_pareto_window),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
