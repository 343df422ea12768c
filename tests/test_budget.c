/*
 * test_budget.c - one work budget per query, shared by all its searches,
 * and cancellation (issue 8, item 2).
 *
 * The case of the issue: a GTFS feed whose frequencies.txt runs a trip
 * every 60 seconds (the smallest headway docs/DATA.md allows) and a Pareto
 * query over a departure window, which repeats the timetable search from
 * each option's departure.  Each single search is small; the window makes
 * the query's work grow with the number of departures.  The tests check
 * that the shared budget stops such a query with SR_ELIMIT naming the
 * limit, that the same work limit holds for the static searches, that a
 * time budget and a cancel from another thread stop a running query, and
 * that a budget large enough changes nothing.  No assertion depends on
 * timing: the long query would take minutes, so only a working stop lets
 * the test end.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "silkroute.h"

static char feed[64];

/* Stops P0..P5 on a line; trip T0 calls at all of them and, by
 * frequencies.txt, departs every 60 s all day; trip T1 is a slower,
 * cheaper alternative (another route) every 10 minutes, so that the Pareto
 * set has more than one option per departure. */
static void write_feed(const char *dir)
{
    char path[600];
    FILE *o;
#define OPEN(name) (snprintf(path, sizeof path, "%s/%s", dir, name), o = fopen(path, "w"), assert_non_null(o))
    OPEN("agency.txt");
    fprintf(o, "agency_id,agency_name,agency_url,agency_timezone\nA,Headway,http://x,UTC\n");
    fclose(o);
    OPEN("stops.txt");
    fprintf(o, "stop_id,stop_name,stop_lat,stop_lon\n");
    for (int s = 0; s < 6; s++)
        fprintf(o, "P%d,Stop %d,%d.0,%d.0\n", s, s, 40 + s, 60 + s);
    fclose(o);
    OPEN("routes.txt");
    fprintf(o, "route_id,agency_id,route_short_name,route_long_name,route_type\nR0,A,R0,Fast,2\nR1,A,R1,Slow,2\n");
    fclose(o);
    OPEN("route_freight.txt");
    fprintf(o, "route_id,price_40ft_usd,co2e_kg_per_tkm\nR0,900,0.02\nR1,500,0.01\n");
    fclose(o);
    OPEN("trips.txt");
    fprintf(o, "route_id,service_id,trip_id\nR0,S,T0\nR1,S,T1\n");
    fclose(o);
    OPEN("calendar.txt");
    fprintf(o, "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
               "S,1,1,1,1,1,1,1,20260601,20260830\n");
    fclose(o);
    OPEN("frequencies.txt");
    fprintf(o, "trip_id,start_time,end_time,headway_secs\nT0,00:00:00,24:00:00,60\nT1,00:00:00,24:00:00,600\n");
    fclose(o);
    OPEN("stop_times.txt");
    fprintf(o, "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    for (int s = 0; s < 6; s++)
        fprintf(o, "T0,%02d:00:00,%02d:00:00,P%d,%d\n", s, s, s, s + 1);
    for (int s = 0; s < 6; s++)
        fprintf(o, "T1,%02d:00:00,%02d:00:00,P%d,%d\n", 2 * s, 2 * s, s, s + 1);
    fclose(o);
#undef OPEN
}

static int setup(void **state)
{
    (void)state;
    snprintf(feed, sizeof feed, "/tmp/sr_budget_XXXXXX");
    if (!mkdtemp(feed))
        return -1;
    write_feed(feed);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const files[] = {"agency.txt", "stops.txt", "routes.txt", "route_freight.txt",
                                        "trips.txt", "calendar.txt", "frequencies.txt", "stop_times.txt"};
    char path[600];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", feed, files[i]);
        unlink(path);
    }
    rmdir(feed);
    return 0;
}

static void window_query(sr_route_options *o, int64_t window_s)
{
    sr_route_options_init(o);
    o->from = "P0";
    o->to = "P5";
    o->pareto = 1;
    assert_int_equal(sr_time_parse("2026-06-03T00:00Z", NULL, &o->depart), SR_OK);
    o->window_s = window_s;
}

/* The case: a one-day Pareto window over a 60 s headway.  With a
 * work budget the query stops with SR_ELIMIT and says which limit. */
static void test_window_shares_budget(void **state)
{
    (void)state;
    sr_network *net = NULL;
    if (sr_network_open(feed, &net) != SR_OK)
        fail_msg("%s", sr_network_errmsg(net));
    assert_true(sr_timetable_trip_count(sr_network_timetable(net)) >= 1440);
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    window_query(&o, 86400);
    /* One search of the window is small: a departure alone succeeds
     * within the budget the whole window exceeds. */
    assert_int_equal(sr_query_set_budget(q, 20000, 0), SR_OK);
    sr_route_options one = o;
    one.window_s = 0;
    sr_result *r = NULL;
    assert_int_equal(sr_route_query(q, &one, &r), SR_OK);
    assert_true(sr_result_count(r) >= 1);
    sr_result_free(r);
    /* The window repeats it some 1,500 times: over budget. */
    assert_int_equal(sr_route_query(q, &o, &r), SR_ELIMIT);
    assert_null(r);
    assert_non_null(strstr(sr_query_errmsg(q), "work budget"));
    assert_non_null(strstr(sr_query_errmsg(q), "20000 labels"));
    /* A short window with the default budget: many options, capped. */
    assert_int_equal(sr_query_set_budget(q, 0, 0), SR_OK);
    window_query(&o, 3600);
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    size_t all = sr_result_count(r);
    assert_true(all > 10);
    sr_result_free(r);
    o.max_options = 5;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    assert_int_equal(sr_result_count(r), 5);
    assert_int_equal(sr_result_found(r), all);
    char *js = sr_result_json(net, r, 0);
    char want[64];
    snprintf(want, sizeof want, ",\"options_found\":%zu}", all);
    assert_non_null(strstr(js, want));
    /* Route by route, the same bytes as the whole answer. */
    char *head = sr_result_json_head(net, r);
    assert_non_null(head);
    assert_memory_equal(js, head, strlen(head));
    size_t off = strlen(head);
    sr_free(head);
    for (size_t i = 0; i < sr_result_count(r); i++) {
        char *rj = sr_result_route_json(net, r, i, 0);
        assert_non_null(rj);
        assert_memory_equal(js + off, rj, strlen(rj));
        off += strlen(rj) + 1;
        sr_free(rj);
    }
    assert_null(sr_result_route_json(net, r, 5, 0));
    sr_free(js);
    sr_result_free(r);
    sr_query_destroy(q);
    sr_network_close(net);
}

/* The static searches draw from the same budget. */
static void test_static_budget(void **state)
{
    (void)state;
    sr_network *net = NULL;
    assert_int_equal(sr_network_open("tests/data/mini", &net), SR_OK);
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "AAORI";
    o.to = "BBDST";
    sr_result *r = NULL;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    sr_result_free(r);
    assert_int_equal(sr_query_set_budget(q, 2, 0), SR_OK);
    assert_int_equal(sr_route_query(q, &o, &r), SR_ELIMIT);
    assert_non_null(strstr(sr_query_errmsg(q), "work budget"));
    o.pareto = 1;
    assert_int_equal(sr_route_query(q, &o, &r), SR_ELIMIT);
    assert_non_null(strstr(sr_query_errmsg(q), "work budget"));
    /* A cancelled query object refuses until the flag is cleared. */
    assert_int_equal(sr_query_set_budget(q, 0, 0), SR_OK);
    sr_query_cancel(q, 1);
    assert_int_equal(sr_route_query(q, &o, &r), SR_ELIMIT);
    assert_non_null(strstr(sr_query_errmsg(q), "cancelled"));
    sr_query_cancel(q, 0);
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    sr_result_free(r);
    sr_query_destroy(q);
    sr_network_close(net);
}

typedef struct canceller {
    sr_query *q;
    volatile int done;
} canceller;

static void *cancel_main(void *arg)
{
    canceller *c = arg;
    nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    /* Keep cancelling until the query has returned: the first cancel might
     * land before the query started. */
    while (!c->done) {
        sr_query_cancel(c->q, 1);
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    return NULL;
}

/* A query that would run for minutes (a 62-day Pareto window over the 60 s
 * headway, with an unlimited work budget) stops on a time budget, and on a
 * cancel from another thread. */
static void test_time_budget_and_cancel(void **state)
{
    (void)state;
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(feed, &net), SR_OK);
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    window_query(&o, 62 * 86400);
    sr_result *r = NULL;
    assert_int_equal(sr_query_set_budget(q, UINT64_MAX, 100), SR_OK);
    assert_int_equal(sr_route_query(q, &o, &r), SR_ELIMIT);
    assert_non_null(strstr(sr_query_errmsg(q), "time budget"));
    assert_non_null(strstr(sr_query_errmsg(q), "100 ms"));

    assert_int_equal(sr_query_set_budget(q, UINT64_MAX, 0), SR_OK);
    canceller c = {q, 0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, cancel_main, &c), 0);
    sr_code rc = sr_route_query(q, &o, &r);
    c.done = 1;
    pthread_join(th, NULL);
    assert_int_equal(rc, SR_ELIMIT);
    assert_non_null(strstr(sr_query_errmsg(q), "cancelled"));
    sr_query_cancel(q, 0);
    sr_query_destroy(q);
    sr_network_close(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_shares_budget),
        cmocka_unit_test(test_static_budget),
        cmocka_unit_test(test_time_budget_and_cancel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
