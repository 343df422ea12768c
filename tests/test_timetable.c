/*
 * test_timetable.c - tests of the timetable module (issue 4): time zones
 * and opening hours, GTFS loading and its error messages, earliest
 * arrivals on the real North Macedonia railway feed against a brute-force
 * scan of its stop_times and calendar, differential tests against a plain
 * time-expanded Dijkstra on random timetables, and property tests of the
 * public query (arrival after departure plus transfer time, no dominated
 * option returned, arrive-by agreeing with depart-at, crossings waiting for
 * their opening hours).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/csv.h"
#include "network/network.h"
#include "silkroute.h"
#include "timetable/search.h"
#include "timetable/tt.h"
#include "util.h"

#define NMK "../shared/data/gtfs/north-macedonia"
#define INF INT64_MAX

static int64_t utc(int y, int m, int d, int h, int mi) { return sr__days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60; }

/* ---- time zones, times, opening hours ----------------------------------------- */

static void test_tz(void **state)
{
    (void)state;
    int32_t off;
    assert_int_equal(sr_tz_offset("Asia/Tashkent", utc(2026, 6, 3, 0, 0), &off), SR_OK);
    assert_int_equal(off, 5 * 3600);
    assert_int_equal(sr_tz_offset("Asia/Shanghai", utc(2026, 6, 3, 0, 0), &off), SR_OK);
    assert_int_equal(off, 8 * 3600);
    assert_int_equal(sr_tz_offset("Asia/Almaty", utc(2026, 6, 3, 0, 0), &off), SR_OK);
    assert_true(off == 5 * 3600 || off == 6 * 3600); /* Kazakhstan moved to +05 in 2024 */
    /* Europe/Skopje: CET/CEST from the footer rule, switching 2026-03-29 01:00 UTC. */
    assert_int_equal(sr_tz_offset("Europe/Skopje", utc(2026, 1, 15, 12, 0), &off), SR_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(sr_tz_offset("Europe/Skopje", utc(2026, 3, 29, 0, 59), &off), SR_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(sr_tz_offset("Europe/Skopje", utc(2026, 3, 29, 1, 0), &off), SR_OK);
    assert_int_equal(off, 7200);
    assert_int_equal(sr_tz_offset("Europe/Skopje", utc(2031, 10, 26, 0, 59), &off), SR_OK);
    assert_int_equal(off, 7200);
    assert_int_equal(sr_tz_offset("Europe/Skopje", utc(2031, 10, 26, 1, 0), &off), SR_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(sr_tz_offset("../etc/passwd", 0, &off), SR_EARG);
    assert_int_equal(sr_tz_offset("Mars/Olympus", 0, &off), SR_EARG);

    int64_t t;
    assert_int_equal(sr_time_parse("2026-06-03T08:00", "Asia/Shanghai", &t), SR_OK);
    assert_true(t == utc(2026, 6, 3, 0, 0));
    assert_int_equal(sr_time_parse("2026-06-03T08:00+08:00", "Asia/Tashkent", &t), SR_OK);
    assert_true(t == utc(2026, 6, 3, 0, 0));
    assert_int_equal(sr_time_parse("2026-06-03T08:00[+08:00]", NULL, &t), SR_OK);
    assert_true(t == utc(2026, 6, 3, 0, 0));
    assert_int_equal(sr_time_parse("2026-06-03T08:00:30Z", NULL, &t), SR_OK);
    assert_true(t == utc(2026, 6, 3, 8, 0) + 30);
    assert_int_equal(sr_time_parse("2026-02-29T08:00", NULL, &t), SR_EARG);
    assert_int_equal(sr_time_parse("2026-06-03T25:00", NULL, &t), SR_EARG);
    assert_int_equal(sr_time_parse("2026-06-03T08:00+08", NULL, &t), SR_EARG);
    assert_int_equal(sr_time_parse("tomorrow", NULL, &t), SR_EARG);
    char buf[40];
    assert_true(sr_time_format(utc(2026, 6, 3, 0, 0), 5 * 3600, buf, sizeof buf) > 0);
    assert_string_equal(buf, "2026-06-03T05:00+05:00");
    assert_true(sr_time_format(utc(2026, 1, 1, 0, 30), -3600 * 3 - 1800, buf, sizeof buf) > 0);
    assert_string_equal(buf, "2025-12-31T21:00-03:30");
}

static void test_hours(void **state)
{
    (void)state;
    sr__hours h;
    char err[200];
    sr__tz z;
    assert_int_equal(sr__tz_load(&z, "Asia/Shanghai", err, sizeof err), 0);
    assert_int_equal(sr__hours_parse(&h, "Mon-Fri", "09:00-18:00", "", err, sizeof err), 0);
    /* Saturday 2026-06-06 10:00 local -> Monday 2026-06-08 09:00 local. */
    int64_t sat = utc(2026, 6, 6, 2, 0);
    assert_true(sr__hours_next_open(&h, &z, sat) == utc(2026, 6, 8, 1, 0));
    assert_true(sr__hours_prev_open(&h, &z, sat) == utc(2026, 6, 5, 10, 0) - 1);
    int64_t wed = utc(2026, 6, 3, 3, 0); /* 11:00 local: open */
    assert_true(sr__hours_next_open(&h, &z, wed) == wed);
    assert_int_equal(sr__hours_parse(&h, "daily", "22:00-06:00", "", err, sizeof err), 0);
    assert_true(sr__hours_next_open(&h, &z, utc(2026, 6, 3, 21, 0)) == utc(2026, 6, 3, 21, 0)); /* 05:00 local */
    assert_true(sr__hours_next_open(&h, &z, utc(2026, 6, 3, 23, 0)) == utc(2026, 6, 4, 14, 0));
    assert_int_equal(sr__hours_parse(&h, "daily", "24h", "04-01..10-31", err, sizeof err), 0);
    assert_true(sr__hours_next_open(&h, &z, utc(2026, 1, 10, 0, 0)) == utc(2026, 3, 31, 16, 0));
    assert_int_equal(sr__hours_parse(&h, "Mon;Thu", "", "", err, sizeof err), 0);
    assert_int_equal(h.days, 0x9);
    assert_int_equal(sr__hours_parse(&h, "Funday", "", "", err, sizeof err), -1);
    assert_non_null(strstr(err, "open_days"));
    assert_int_equal(sr__hours_parse(&h, "", "9-17", "", err, sizeof err), -1);
    assert_non_null(strstr(err, "open_hours"));
    assert_int_equal(sr__hours_parse(&h, "", "", "13-01..02-02", err, sizeof err), -1);
    assert_non_null(strstr(err, "open_season"));
    sr__tz_free(&z);
}

/* ---- GTFS loading errors --------------------------------------------------------- */

static const char *const FEED_NAMES[] = {"agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt",
                                         "calendar.txt", "calendar_dates.txt", "frequencies.txt"};

static sr_code load_mem(sr_timetable *tt, const char *const bufs[8])
{
    size_t lens[8];
    const char *names[8], *b[8];
    size_t n = 0;
    for (int i = 0; i < 8; i++)
        if (bufs[i]) {
            names[n] = FEED_NAMES[i];
            b[n] = bufs[i];
            lens[n] = strlen(bufs[i]);
            n++;
        }
    memset(tt, 0, sizeof *tt);
    return sr__gtfs_load_mem(tt, NULL, n, names, b, lens);
}

#define AG "agency_id,agency_name,agency_url,agency_timezone\nA,Ag,http://x,Asia/Tashkent\n"
#define ST "stop_id,stop_name,stop_lat,stop_lon\nS1,One,41,69\nS2,Two,41.5,69.5\nS3,Three,42,70\n"
#define RT "route_id,agency_id,route_short_name,route_long_name,route_type\nR,A,r,Route,2\n"
#define TR "route_id,service_id,trip_id\nR,WK,T1\nR,WK,T2\n"
#define CA "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20261231\n"
#define SS "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"

static void expect_error(const char *const bufs[8], const char *want)
{
    sr_timetable tt;
    sr_code rc = load_mem(&tt, bufs);
    if (rc == SR_OK || !strstr(tt.errmsg, want))
        fail_msg("expected error containing '%s', got %d '%s'", want, rc, tt.errmsg);
    sr__tt_free(&tt);
}

static void test_gtfs_errors(void **state)
{
    (void)state;
    sr_timetable tt;
    const char *ok[8] = {AG, ST, RT, TR, SS "T1,08:00:00,08:00:00,S1,1\nT1,,,S2,2\nT1,26:30:00,26:40:00,S3,3\n"
                                            "T2,09:00:00,09:00:00,S3,1\nT2,10:00:00,10:00:00,S1,2\n",
                         CA, "service_id,date,exception_type\nWK,20260604,2\nWK,20260606,1\n",
                         "trip_id,start_time,end_time,headway_secs\nT2,06:00:00,07:00:00,1800\n"};
    assert_int_equal(load_mem(&tt, ok), SR_OK);
    assert_int_equal(tt.n_stops, 3);
    /* T1, T2 (template, emptied) and three expansions at 06:00, 06:30, 07:00. */
    assert_int_equal(tt.n_trips, 5);
    assert_int_equal(tt.trip_len[1], 0);
    assert_int_equal(tt.trip_shift[4], 7 * 3600 - 9 * 3600);
    /* The untimed middle stop is interpolated; times past 24:00 kept. */
    assert_int_equal(tt.st_arr[1], (8 * 3600 + 26 * 3600 + 30 * 60) / 2);
    assert_int_equal(tt.st_dep[2], 26 * 3600 + 40 * 60);
    int64_t d = sr__days_from_civil(2026, 6, 3);
    assert_true(sr__tt_runs(&tt, 0, d));       /* Wednesday */
    assert_false(sr__tt_runs(&tt, 0, d + 1));  /* removed */
    assert_true(sr__tt_runs(&tt, 0, d + 3));   /* Saturday added */
    assert_false(sr__tt_runs(&tt, 0, d + 4));  /* Sunday */
    /* Bitfield memory: one year of calendar in 6 words per service. */
    assert_int_equal(tt.words, 6);
    sr__tt_free(&tt);

    /* Platforms of one station are one place: T1 arrives at platform P1,
     * T2 leaves from platform P2 of the same station. */
    const char *plat[8] = {AG, "stop_id,stop_name,parent_station\nS1,One,\nSTA,Station,\nP1,Platform 1,STA\nP2,Platform 2,STA\nS3,Three,\n",
                           RT, TR, SS "T1,08:00:00,08:00:00,S1,1\nT1,09:00:00,09:00:00,P1,2\nT2,09:30:00,09:30:00,P2,1\nT2,11:00:00,11:00:00,S3,2\n",
                           CA, NULL, NULL};
    assert_int_equal(load_mem(&tt, plat), SR_OK);
    int64_t arr;
    int64_t wed8 = sr__days_from_civil(2026, 6, 3) * 86400 + 2 * 3600; /* 07:00 +05:00 */
    assert_int_equal(sr__tt_earliest(&tt, (uint32_t)sr__tt_stop_find(&tt, "S1"), (uint32_t)sr__tt_stop_find(&tt, "S3"),
                                     wed8, 600, &arr), SR_OK);
    assert_true(arr == sr__days_from_civil(2026, 6, 3) * 86400 + 6 * 3600); /* 11:00 +05:00 */
    sr__tt_free(&tt);
    const char *plat_bad[8] = {AG, "stop_id,stop_name,parent_station\nP1,Platform 1,NOPE\n", RT, TR, SS, CA, NULL, NULL};
    expect_error(plat_bad, "parent_station: stop 'P1' names unknown station 'NOPE'");

    const char *b1[8] = {AG, ST, RT, TR, SS "T1,08:00:00,08:00:00,S1,1\nT1,07:00:00,07:00:00,S2,2\n", CA, NULL, NULL};
    expect_error(b1, "stop_times.txt:3: arrival_time: earlier");
    const char *b2[8] = {AG, ST, RT, TR, SS "T1,8:00,08:00:00,S1,1\n", CA, NULL, NULL};
    expect_error(b2, "stop_times.txt:2: arrival_time: not a time");
    const char *b3[8] = {AG, ST, RT, TR, SS "T1,08:00:00,08:00:00,S9,1\n", CA, NULL, NULL};
    expect_error(b3, "stop_times.txt:2: stop_id: unknown stop 'S9'");
    const char *b4[8] = {AG, ST, RT, "route_id,service_id,trip_id\nR,XX,T1\n", SS, CA, NULL, NULL};
    expect_error(b4, "trips.txt:2: service_id: unknown service 'XX'");
    const char *b5[8] = {AG, ST, RT, TR, SS, "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,2,0,0,20260101,20261231\n", NULL, NULL};
    expect_error(b5, "calendar.txt:2: friday: must be 0 or 1");
    const char *b6[8] = {AG, ST, RT, TR, SS, "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20450101\n", NULL, NULL};
    expect_error(b6, "spans");
    const char *b7[8] = {"agency_id,agency_name,agency_url,agency_timezone\nA,Ag,http://x,Nowhere/Land\n", ST, RT, TR, SS, CA, NULL, NULL};
    expect_error(b7, "agency.txt:2: agency_timezone: unknown time zone 'Nowhere/Land'");
    const char *b8[8] = {AG, ST, RT, TR, SS "T1,08:00:00,08:00:00,S1,1\nT1,08:00:00,08:00:00,S2,1\n", CA, NULL, NULL};
    expect_error(b8, "stop_sequence: 1 repeated");
    const char *b9[8] = {AG, ST, RT, TR, SS "T1,08:00:00,08:00:00,S1,1\n", CA, NULL, "trip_id,start_time,end_time,headway_secs\nT1,06:00:00,07:00:00,5\n"};
    expect_error(b9, "frequencies.txt:2: headway_secs");
    const char *b10[8] = {AG, "stop_id,stop_lat\nS1,91\n", RT, TR, SS, CA, NULL, NULL};
    expect_error(b10, "stops.txt:2: stop_lat");
    const char *b11[8] = {AG, ST, "route_id,route_type\nR,77\n", TR, SS, CA, NULL, NULL};
    expect_error(b11, "routes.txt:2: route_type");
    const char *b12[8] = {AG, ST, RT, TR, "trip_id,arrival_time,stop_id,stop_sequence\n", CA, NULL, NULL};
    expect_error(b12, "stop_times.txt:1: header: required column 'departure_time' missing");
    const char *b13[8] = {AG, ST, RT, TR, NULL, CA, NULL, NULL};
    expect_error(b13, "stop_times.txt: required GTFS file missing");
}

/* ---- North Macedonia: engine against a brute-force scan --------------------------- */

typedef struct bf_st {
    int trip, stop, seq;
    int32_t arr, dep;
} bf_st;

typedef struct bf {
    int n_stops;
    char ids[200][16];
    int n_trips;
    char trip_id[100][16];
    int trip_svc[100];
    int n_svc;
    char svc[10][32];
    int week[10][7];
    int64_t from[10], to[10];
    bf_st st[2000];
    int n_st;
} bf;

static int bf_find(char (*tab)[16], int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(tab[i], s))
            return i;
    return -1;
}

static int32_t bf_time(const char *s)
{
    int h, m, sec;
    if (sscanf(s, "%d:%d:%d", &h, &m, &sec) != 3)
        return -1;
    return h * 3600 + m * 60 + sec;
}

/* Read the feed with nothing but the CSV reader: independent of gtfs.c. */
static int bf_load(bf *b)
{
    sr__csv c;
    memset(b, 0, sizeof *b);
    if (sr__csv_open(&c, NMK "/stops.txt", "stops.txt") < 0)
        return -1;
    while (sr__csv_next(&c) > 0)
        snprintf(b->ids[b->n_stops++], 16, "%s", sr__csv_get(&c, sr__csv_col(&c, "stop_id")));
    sr__csv_close(&c);
    if (sr__csv_open(&c, NMK "/calendar.txt", "calendar.txt") < 0)
        return -1;
    static const char *const wd[7] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    while (sr__csv_next(&c) > 0) {
        int s = b->n_svc++;
        snprintf(b->svc[s], 32, "%s", sr__csv_get(&c, sr__csv_col(&c, "service_id")));
        for (int i = 0; i < 7; i++)
            b->week[s][i] = atoi(sr__csv_get(&c, sr__csv_col(&c, wd[i])));
        int y, m, d;
        sscanf(sr__csv_get(&c, sr__csv_col(&c, "start_date")), "%4d%2d%2d", &y, &m, &d);
        b->from[s] = sr__days_from_civil(y, m, d);
        sscanf(sr__csv_get(&c, sr__csv_col(&c, "end_date")), "%4d%2d%2d", &y, &m, &d);
        b->to[s] = sr__days_from_civil(y, m, d);
    }
    sr__csv_close(&c);
    if (sr__csv_open(&c, NMK "/trips.txt", "trips.txt") < 0)
        return -1;
    while (sr__csv_next(&c) > 0) {
        int k = b->n_trips++;
        snprintf(b->trip_id[k], 16, "%s", sr__csv_get(&c, sr__csv_col(&c, "trip_id")));
        const char *s = sr__csv_get(&c, sr__csv_col(&c, "service_id"));
        b->trip_svc[k] = -1;
        for (int i = 0; i < b->n_svc; i++)
            if (!strcmp(b->svc[i], s))
                b->trip_svc[k] = i;
    }
    sr__csv_close(&c);
    if (sr__csv_open(&c, NMK "/stop_times.txt", "stop_times.txt") < 0)
        return -1;
    while (sr__csv_next(&c) > 0 && b->n_st < 2000) {
        bf_st *r = &b->st[b->n_st++];
        r->trip = bf_find(b->trip_id, b->n_trips, sr__csv_get(&c, sr__csv_col(&c, "trip_id")));
        r->stop = bf_find(b->ids, b->n_stops, sr__csv_get(&c, sr__csv_col(&c, "stop_id")));
        r->seq = atoi(sr__csv_get(&c, sr__csv_col(&c, "stop_sequence")));
        r->arr = bf_time(sr__csv_get(&c, sr__csv_col(&c, "arrival_time")));
        r->dep = bf_time(sr__csv_get(&c, sr__csv_col(&c, "departure_time")));
    }
    sr__csv_close(&c);
    return 0;
}

static int bf_runs(const bf *b, int trip, int64_t day)
{
    int s = b->trip_svc[trip];
    int dow = (int)((day + 3) % 7);
    return s >= 0 && day >= b->from[s] && day <= b->to[s] && b->week[s][dow];
}

/* Earliest arrival (UTC) at every stop from `origin` at t0, by fixed-point
 * relaxation over all trip instances on service days `day` and `day + 1`
 * (local dates, UTC offset `off`). */
static void bf_earliest(const bf *b, int origin, int64_t t0, int64_t day, int32_t off, int mt, int64_t *best)
{
    for (int i = 0; i < b->n_stops; i++)
        best[i] = INF;
    best[origin] = t0;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int dd = 0; dd < 2; dd++)
            for (int k = 0; k < b->n_trips; k++) {
                if (!bf_runs(b, k, day + dd))
                    continue;
                int64_t base = (day + dd) * 86400 - off;
                /* The trip's stop times in sequence order (file order is by sequence). */
                int on = 0;
                int prev_seq = -1;
                for (int r = 0; r < b->n_st; r++) {
                    const bf_st *x = &b->st[r];
                    if (x->trip != k)
                        continue;
                    assert_true(x->seq > prev_seq);
                    prev_seq = x->seq;
                    if (on && base + x->arr < best[x->stop]) {
                        best[x->stop] = base + x->arr;
                        changed = 1;
                    }
                    int64_t ready = x->stop == origin ? t0 : best[x->stop] == INF ? INF : best[x->stop] + mt;
                    if (ready <= base + x->dep)
                        on = 1;
                }
            }
    }
}

static void test_north_macedonia(void **state)
{
    (void)state;
    struct stat st;
    if (stat(NMK "/stops.txt", &st) != 0) {
        skip();
        return;
    }
    static bf b;
    assert_int_equal(bf_load(&b), 0);
    sr_timetable *tt = NULL;
    assert_int_equal(sr_timetable_open(NMK, NULL, &tt), SR_OK);
    assert_int_equal((int)sr_timetable_stop_count(tt), b.n_stops);
    /* Wednesday 3 June and Sunday 7 June 2026; CEST (+02:00). */
    const int64_t days[2] = {sr__days_from_civil(2026, 6, 3), sr__days_from_civil(2026, 6, 7)};
    const int hours[2] = {5, 16};
    const int mts[2] = {0, 300};
    long compared = 0, reachable = 0;
    int64_t *best = malloc((size_t)b.n_stops * sizeof *best);
    for (int di = 0; di < 2; di++)
        for (int hi = 0; hi < 2; hi++)
            for (int mi = 0; mi < 2; mi++)
                for (int o = 0; o < b.n_stops; o++) {
                    int64_t t0 = days[di] * 86400 - 7200 + hours[hi] * 3600;
                    bf_earliest(&b, o, t0, days[di], 7200, mts[mi], best);
                    long so = sr__tt_stop_find(tt, b.ids[o]);
                    for (int d = 0; d < b.n_stops; d++) {
                        if (d == o)
                            continue;
                        int64_t a;
                        long sd = sr__tt_stop_find(tt, b.ids[d]);
                        assert_int_equal(sr__tt_earliest(tt, (uint32_t)so, (uint32_t)sd, t0, mts[mi], &a), SR_OK);
                        compared++;
                        if (best[d] != INF) {
                            reachable++;
                            if (a != best[d])
                                fail_msg("%s -> %s at %lld (mt %d): engine %lld, brute force %lld", b.ids[o], b.ids[d],
                                         (long long)t0, mts[mi], (long long)a, (long long)best[d]);
                        } else {
                            /* Not within the two days: the engine may only find later trips. */
                            assert_true(a == SR_TIME_NONE || a >= (days[di] + 2) * 86400 - 7200);
                        }
                    }
                }
    free(best);
    print_message("north-macedonia: %ld pairs compared, %ld reachable within two days\n", compared, reachable);
    assert_true(reachable > 1000);
    sr_timetable_close(tt);
}

/* The feed as a whole dataset: --data FEED_DIR. */
static void test_feed_as_dataset(void **state)
{
    (void)state;
    struct stat st;
    if (stat(NMK "/stops.txt", &st) != 0) {
        skip();
        return;
    }
    assert_int_equal(sr_check_data(NMK, NULL, NULL), 0);
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(NMK, &net), SR_OK);
    assert_non_null(sr_network_timetable(net));
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "SKP";
    o.to = "BTL";
    /* Sunday 7 June 2026, 08:00 local. */
    assert_int_equal(sr_time_parse("2026-06-07T08:00", "Europe/Skopje", &o.depart), SR_OK);
    sr_result *r = NULL;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    const sr_route *rt = sr_result_route(r, 0);
    assert_true(rt->timed);
    assert_true(rt->depart == o.depart);
    assert_true(rt->arrive > rt->depart);
    assert_int_equal(rt->depart_utc_offset_s, 7200);
    assert_non_null(rt->legs[0].service);
    char *js = sr_result_json(net, r, 0);
    assert_non_null(strstr(js, "\"depart\": \"2026-06-07T08:00+02:00\"") ? js : strstr(js, "\"depart\":\"2026-06-07T08:00+02:00\""));
    assert_non_null(strstr(js, "\"wait_h\""));
    sr_free(js);
    sr_result_free(r);
    /* A window of three days: at least one option a day, sorted by departure. */
    o.window_s = 3 * 86400;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    assert_true(sr_result_count(r) >= 3);
    for (size_t i = 1; i < sr_result_count(r); i++) {
        assert_true(sr_result_route(r, i)->depart > sr_result_route(r, i - 1)->depart);
        assert_true(sr_result_route(r, i)->arrive > sr_result_route(r, i - 1)->arrive);
    }
    sr_result_free(r);
    sr_query_destroy(q);
    sr_network_close(net);
}

/* ---- random timetables: differential and property tests --------------------------- */

#define RS 7      /* stops */
#define RT_N 14   /* trips */
#define RDAYS 10  /* calendar days */

typedef struct rtrip {
    int n;
    int stop[6];
    int32_t arr[6], dep[6];
    uint16_t days;          /* bit d: runs on day0 + d */
    int route;
} rtrip;

typedef struct rfeed {
    int zone_off;           /* fixed offset of the agency zone ... */
    int dst;                /* ... or Europe/Skopje across the 2026-03-29 DST change */
    const char *zone;
    int64_t day0;
    int32_t freq_start, freq_end, headway; /* trip 0 runs by frequencies.txt */
    rtrip trips[RT_N];
    double price[3];
} rfeed;

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static void gen_feed(rfeed *f)
{
    int z = (int)(rnd() % 3);
    f->dst = z == 2;
    f->zone_off = z == 1 ? 5 * 3600 : 0;
    f->zone = z == 0 ? "UTC" : z == 1 ? "Asia/Tashkent" : "Europe/Skopje";
    f->day0 = f->dst ? sr__days_from_civil(2026, 3, 25) : sr__days_from_civil(2026, 6, 1);
    f->freq_start = (int32_t)(rnd() % (20 * 3600)) / 60 * 60;
    f->headway = (int32_t)(3 + rnd() % 6) * 3600;
    f->freq_end = f->freq_start + (int32_t)(rnd() % (12 * 3600)) / 60 * 60;
    for (int r = 0; r < 3; r++)
        f->price[r] = 100 + rnd() % 900;
    for (int k = 0; k < RT_N; k++) {
        rtrip *t = &f->trips[k];
        t->n = 2 + (int)(rnd() % 4);
        t->route = (int)(rnd() % 3);
        int used = 0;
        int32_t time = (int32_t)(rnd() % (30 * 3600));
        for (int i = 0; i < t->n; i++) {
            int s;
            do
                s = (int)(rnd() % RS);
            while (used >> s & 1);
            used |= 1 << s;
            t->stop[i] = s;
            if (i)
                time += 600 + (int32_t)(rnd() % (8 * 3600));
            t->arr[i] = time;
            if (rnd() % 3 == 0)
                time += 60 * (int32_t)(rnd() % 30);
            t->dep[i] = time;
        }
        t->days = (uint16_t)(rnd() & ((1u << RDAYS) - 1));
    }
}

/* UTC offset of the feed's zone at noon of day day0 + d: written out
 * independently of tz.c (Skopje switches to CEST on 29 March 2026). */
static int32_t ref_offset(const rfeed *f, int d)
{
    if (!f->dst)
        return f->zone_off;
    return f->day0 + d < sr__days_from_civil(2026, 3, 29) ? 3600 : 7200;
}

static void hms(char *b, size_t cap, int32_t s) { snprintf(b, cap, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60); }

/* Write the feed as GTFS (calendar_dates only, route prices in
 * route_freight.txt) into dir. */
static void write_feed(const rfeed *f, const char *dir)
{
    char path[600];
    FILE *o;
#define OPEN(name) (snprintf(path, sizeof path, "%s/%s", dir, name), o = fopen(path, "w"), assert_non_null(o))
    OPEN("agency.txt");
    fprintf(o, "agency_id,agency_name,agency_url,agency_timezone\nA,Random,http://x,%s\n", f->zone);
    fclose(o);
    OPEN("stops.txt");
    fprintf(o, "stop_id,stop_name,stop_lat,stop_lon\n");
    for (int s = 0; s < RS; s++)
        fprintf(o, "P%d,Stop %d,%d.0,%d.0\n", s, s, 40 + s, 60 + s);
    fclose(o);
    OPEN("routes.txt");
    fprintf(o, "route_id,agency_id,route_short_name,route_long_name,route_type\n");
    for (int r = 0; r < 3; r++)
        fprintf(o, "R%d,A,R%d,Route %d,2\n", r, r, r);
    fclose(o);
    OPEN("route_freight.txt");
    fprintf(o, "route_id,price_40ft_usd,co2e_kg_per_tkm\n");
    for (int r = 0; r < 3; r++)
        fprintf(o, "R%d,%.0f,%.3f\n", r, f->price[r], 0.01 + 0.01 * r);
    fclose(o);
    OPEN("trips.txt");
    fprintf(o, "route_id,service_id,trip_id\n");
    for (int k = 0; k < RT_N; k++)
        fprintf(o, "R%d,S%d,T%d\n", f->trips[k].route, k, k);
    fclose(o);
    OPEN("calendar_dates.txt");
    fprintf(o, "service_id,date,exception_type\n");
    for (int k = 0; k < RT_N; k++) {
        /* A service that never runs still needs a row: a removal. */
        if (!f->trips[k].days)
            fprintf(o, "S%d,20260601,2\n", k);
        for (int d = 0; d < RDAYS; d++)
            if (f->trips[k].days >> d & 1) {
                int y, m, dd;
                sr__civil_from_days(f->day0 + d, &y, &m, &dd);
                fprintf(o, "S%d,%04d%02d%02d,1\n", k, y, m, dd);
            }
    }
    fprintf(o, "NEVER,20260601,2\n");
    fclose(o);
    OPEN("frequencies.txt");
    {
        char a[16], b[16];
        hms(a, sizeof a, f->freq_start);
        hms(b, sizeof b, f->freq_end);
        fprintf(o, "trip_id,start_time,end_time,headway_secs\nT0,%s,%s,%d\n", a, b, (int)f->headway);
    }
    fclose(o);
    OPEN("stop_times.txt");
    fprintf(o, "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    for (int k = 0; k < RT_N; k++)
        for (int i = 0; i < f->trips[k].n; i++) {
            char a[16], d[16];
            hms(a, sizeof a, f->trips[k].arr[i]);
            hms(d, sizeof d, f->trips[k].dep[i]);
            fprintf(o, "T%d,%s,%s,P%d,%d\n", k, a, d, f->trips[k].stop[i], 10 * (i + 1));
        }
    fclose(o);
#undef OPEN
}

/* A plain time-expanded graph: one node per trip-instance arrival and
 * departure event, plus a waiting chain per stop; earliest arrival by
 * Dijkstra over event times (all edges go forward in time, so settling in
 * time order is Dijkstra with the node time as distance). */
typedef struct te_node {
    int64_t t;
    int stop;
    int kind;          /* 0 wait, 1 dep, 2 arr */
    int next_wait;     /* wait chain successor */
    int out[2];        /* dep -> arr(next); arr -> dep(same pos), arr -> wait */
} te_node;

static te_node *g_nodes;
static int cmp_idx(const void *a, const void *b)
{
    const te_node *x = &g_nodes[*(const int *)a], *y = &g_nodes[*(const int *)b];
    if (x->stop != y->stop)
        return x->stop - y->stop;
    return x->t < y->t ? -1 : x->t > y->t;
}

static int64_t te_earliest(const rfeed *f, int from, int to, int64_t t0, int mt)
{
    enum { MAXN = (RT_N + 12) * RDAYS * 12 + RS + 16 };
    static te_node n[MAXN * 2];
    int nn = 0;
    /* Events: every trip instance, trip 0 expanded from its frequency. */
    for (int k = 0; k < RT_N; k++)
        for (int d = 0; d < RDAYS; d++) {
            const rtrip *t = &f->trips[k];
            if (!(t->days >> d & 1))
                continue;
            int64_t day_start = (f->day0 + d) * 86400 - ref_offset(f, d);
            for (int32_t st = f->freq_start; k > 0 || st <= f->freq_end; st += f->headway) {
                int64_t base = day_start + (k == 0 ? st - t->dep[0] : 0);
                int arr_of[6], dep_of[6];
                for (int i = 0; i < t->n; i++) {
                    arr_of[i] = nn;
                    n[nn++] = (te_node){base + t->arr[i], t->stop[i], 2, -1, {-1, -1}};
                    dep_of[i] = nn;
                    n[nn++] = (te_node){base + t->dep[i], t->stop[i], 1, -1, {-1, -1}};
                }
                for (int i = 0; i < t->n; i++) {
                    if (i + 1 < t->n)
                        n[dep_of[i]].out[0] = arr_of[i + 1];
                    n[arr_of[i]].out[0] = dep_of[i];
                }
                if (k > 0)
                    break;
            }
        }
    int n_events = nn;
    /* Waiting nodes: the origin at t0, each departure, each arrival + mt. */
    int start = nn;
    n[nn++] = (te_node){t0, from, 0, -1, {-1, -1}};
    static int wait_for[MAXN * 2];
    for (int e = 0; e < n_events; e++) {
        if (n[e].kind == 1) {
            wait_for[e] = nn;
            n[nn++] = (te_node){n[e].t, n[e].stop, 0, -1, {e, -1}};
        } else {
            wait_for[e] = nn;
            n[nn++] = (te_node){n[e].t + mt, n[e].stop, 0, -1, {-1, -1}};
            n[e].out[1] = wait_for[e];
        }
    }
    /* Chain the waiting nodes of each stop in time order. */
    static int order[MAXN * 2];
    int nw = 0;
    for (int i = n_events; i < nn; i++)
        order[nw++] = i;
    g_nodes = n;
    qsort(order, (size_t)nw, sizeof *order, cmp_idx);
    for (int i = 0; i + 1 < nw; i++)
        if (n[order[i]].stop == n[order[i + 1]].stop)
            n[order[i]].next_wait = order[i + 1];
    /* Reachability in time order (a linear scan suffices since every edge
     * goes forward or sideways in time, but plain Dijkstra is the spec). */
    static int64_t dist[MAXN * 2];
    static char done[MAXN * 2];
    for (int i = 0; i < nn; i++) {
        dist[i] = INF;
        done[i] = 0;
    }
    dist[start] = t0;
    int64_t best = INF;
    for (;;) {
        int u = -1;
        for (int i = 0; i < nn; i++)
            if (!done[i] && dist[i] != INF && (u < 0 || dist[i] < dist[u]))
                u = i;
        if (u < 0)
            break;
        done[u] = 1;
        if (n[u].kind == 2 && n[u].stop == to && n[u].t < best)
            best = n[u].t;
        int succ[3] = {n[u].out[0], n[u].out[1], n[u].kind == 0 ? n[u].next_wait : -1};
        for (int j = 0; j < 3; j++) {
            int v = succ[j];
            if (v < 0)
                continue;
            /* Entering a node means being there at its time. */
            if (n[v].t >= dist[u] && n[v].t < dist[v])
                dist[v] = n[v].t;
        }
    }
    return best;
}

static int mkfeeddir(char *dir, size_t cap)
{
    snprintf(dir, cap, "/tmp/sr_tt_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static void rmfeeddir(const char *dir)
{
    static const char *const files[] = {"agency.txt", "stops.txt", "routes.txt", "route_freight.txt", "trips.txt",
                                        "calendar_dates.txt", "stop_times.txt", "frequencies.txt"};
    char path[600];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void test_random_differential(void **state)
{
    (void)state;
    rng_state = 0x9e3779b97f4a7c15ull;
    long compared = 0, found = 0;
    for (int iter = 0; iter < 40; iter++) {
        static rfeed f;
        gen_feed(&f);
        char dir[64];
        assert_int_equal(mkfeeddir(dir, sizeof dir), 0);
        write_feed(&f, dir);
        sr_timetable *tt = NULL;
        if (sr_timetable_open(dir, NULL, &tt) != SR_OK)
            fail_msg("%s", sr_timetable_errmsg(tt));
        for (int qn = 0; qn < 40; qn++) {
            int a = (int)(rnd() % RS), b = (int)(rnd() % RS);
            if (a == b)
                continue;
            int64_t t0 = (f.day0 + (int64_t)(rnd() % (RDAYS - 2))) * 86400 + (int64_t)(rnd() % 86400);
            int mt = (int)(rnd() % 3) * 900;
            int64_t ref = te_earliest(&f, a, b, t0, mt), got;
            char id_a[8], id_b[8];
            snprintf(id_a, sizeof id_a, "P%d", a);
            snprintf(id_b, sizeof id_b, "P%d", b);
            assert_int_equal(sr__tt_earliest(tt, (uint32_t)sr__tt_stop_find(tt, id_a),
                                             (uint32_t)sr__tt_stop_find(tt, id_b), t0, mt, &got),
                             SR_OK);
            if (got == SR_TIME_NONE)
                got = INF;
            if (got != ref)
                fail_msg("feed %d query %d: %s -> %s at %lld mt %d: engine %lld, time-expanded %lld", iter, qn, id_a,
                         id_b, (long long)t0, mt, (long long)got, (long long)ref);
            compared++;
            found += ref != INF;
        }
        sr_timetable_close(tt);
        if (iter == 0) {
            /* check-data on a bare feed reports the loader's first error. */
            assert_int_equal(sr_check_data(dir, NULL, NULL), 0);
            char p[600];
            snprintf(p, sizeof p, "%s/trips.txt", dir);
            FILE *o = fopen(p, "a");
            fputs("R9,S0,TX\n", o);
            fclose(o);
            assert_int_equal(sr_check_data(dir, NULL, NULL), 1);
        }
        rmfeeddir(dir);
    }
    print_message("random: %ld queries compared, %ld with a journey\n", compared, found);
    assert_true(found > 100);
}

static int dominated(const sr_route *a, const sr_route *b)
{
    /* Does a dominate b on (departure later, arrival, cost, CO2e, transfers)? */
    return a->depart >= b->depart && a->arrive <= b->arrive && a->cost_usd <= b->cost_usd + 1e-6 &&
           a->co2e_kg <= b->co2e_kg + 1e-6 && a->n_boardings <= b->n_boardings &&
           (a->depart > b->depart || a->arrive < b->arrive || a->cost_usd < b->cost_usd - 1e-6 ||
            a->co2e_kg < b->co2e_kg - 1e-6 || a->n_boardings < b->n_boardings);
}

static void check_route_times(const sr_route *rt, int mt)
{
    assert_true(rt->timed);
    assert_true(rt->arrive >= rt->depart);
    int64_t t = rt->depart;
    for (size_t i = 0; i < rt->n_legs; i++) {
        const sr_leg *l = &rt->legs[i];
        assert_true(l->depart >= t);
        /* Boarding another service after arriving needs the transfer time. */
        if (i > 0 && l->service)
            assert_true(l->depart >= rt->legs[i - 1].arrive + mt);
        assert_true(l->arrive >= l->depart);
        assert_true(l->wait_h >= 0);
        t = l->arrive;
    }
    assert_true(t == rt->arrive);
}

static void test_random_properties(void **state)
{
    (void)state;
    rng_state = 0x1234567887654321ull;
    long pareto_sets = 0, windows = 0, arrive_by = 0;
    for (int iter = 0; iter < 12; iter++) {
        static rfeed f;
        gen_feed(&f);
        char dir[64];
        assert_int_equal(mkfeeddir(dir, sizeof dir), 0);
        write_feed(&f, dir);
        sr_network *net = NULL;
        if (sr_network_open(dir, &net) != SR_OK)
            fail_msg("%s", sr_network_errmsg(net));
        sr_query *q = NULL;
        assert_int_equal(sr_query_create(net, &q), SR_OK);
        for (int qn = 0; qn < 15; qn++) {
            int a = (int)(rnd() % RS), b = (int)(rnd() % RS);
            if (a == b)
                continue;
            char id_a[8], id_b[8];
            snprintf(id_a, sizeof id_a, "P%d", a);
            snprintf(id_b, sizeof id_b, "P%d", b);
            int mt = (int)(rnd() % 2) * 1200;
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = id_a;
            o.to = id_b;
            o.min_transfer_s = mt;
            o.depart = (f.day0 + (int64_t)(rnd() % 4)) * 86400 + (int64_t)(rnd() % 86400);
            sr_result *ea = NULL, *r = NULL;
            sr_code rc = sr_route_query(q, &o, &ea);
            if (rc == SR_ENOROUTE)
                continue;
            assert_int_equal(rc, SR_OK);
            const sr_route *best = sr_result_route(ea, 0);
            check_route_times(best, mt);
            /* Pareto: every option valid, none dominated, the fastest equal
             * to the earliest arrival. */
            o.pareto = 1;
            assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
            int64_t min_arr = INT64_MAX;
            for (size_t i = 0; i < sr_result_count(r); i++) {
                const sr_route *x = sr_result_route(r, i);
                check_route_times(x, mt);
                if (x->arrive < min_arr)
                    min_arr = x->arrive;
                for (size_t j = 0; j < sr_result_count(r); j++)
                    if (i != j)
                        assert_false(dominated(sr_result_route(r, j), x));
            }
            assert_true(min_arr == best->arrive);
            pareto_sets++;
            sr_result_free(r);
            /* Window of 3 days: sorted, not dominated, and the first option
             * is no worse than the earliest arrival. */
            o.pareto = 0;
            o.window_s = 3 * 86400;
            rc = sr_route_query(q, &o, &r);
            if (rc == SR_ENOROUTE) {
                /* Only when the first departure is after the window. */
                assert_true(best->legs[0].depart > o.depart + o.window_s);
                sr_result_free(ea);
                continue;
            }
            assert_int_equal(rc, SR_OK);
            for (size_t i = 0; i < sr_result_count(r); i++) {
                const sr_route *x = sr_result_route(r, i);
                check_route_times(x, mt);
                assert_true(x->depart >= o.depart && x->depart <= o.depart + o.window_s);
                for (size_t j = 0; j < sr_result_count(r); j++)
                    if (i != j)
                        assert_false(sr_result_route(r, j)->depart >= x->depart &&
                                     sr_result_route(r, j)->arrive <= x->arrive &&
                                     (sr_result_route(r, j)->depart > x->depart ||
                                      sr_result_route(r, j)->arrive < x->arrive));
            }
            assert_true(sr_result_route(r, 0)->arrive == best->arrive);
            windows++;
            sr_result_free(r);
            /* Arrive-by the earliest arrival: the latest departure found
             * reaches by then, and departing later (one step) does not. */
            o.window_s = 0;
            int64_t deadline = best->arrive;
            int64_t dep0 = o.depart;
            o.depart = SR_TIME_NONE;
            o.arrive_by = deadline;
            assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
            const sr_route *ab = sr_result_route(r, 0);
            check_route_times(ab, mt);
            assert_true(ab->arrive <= deadline);
            assert_true(ab->depart >= dep0);
            sr_route_options o2 = o;
            o2.arrive_by = SR_TIME_NONE;
            o2.depart = ab->depart;
            sr_result *r2 = NULL;
            assert_int_equal(sr_route_query(q, &o2, &r2), SR_OK);
            assert_true(sr_result_route(r2, 0)->arrive <= deadline);
            sr_result_free(r2);
            o2.depart = ab->depart + 61;
            rc = sr_route_query(q, &o2, &r2);
            assert_true(rc == SR_ENOROUTE || sr_result_route(r2, 0)->arrive > deadline);
            sr_result_free(r2);
            arrive_by++;
            sr_result_free(r);
            /* Pareto arrive-by: every option in time, none dominated. */
            o2 = o;
            o2.pareto = 1;
            o2.arrive_by = deadline + 2 * 86400;
            assert_int_equal(sr_route_query(q, &o2, &r), SR_OK);
            for (size_t i = 0; i < sr_result_count(r); i++) {
                const sr_route *x = sr_result_route(r, i);
                check_route_times(x, mt);
                assert_true(x->arrive <= o2.arrive_by);
                for (size_t j = 0; j < sr_result_count(r); j++)
                    if (i != j)
                        assert_false(dominated(sr_result_route(r, j), x));
            }
            sr_result_free(r);
            sr_result_free(ea);
        }
        sr_query_destroy(q);
        sr_network_close(net);
        rmfeeddir(dir);
    }
    print_message("properties: %ld pareto sets, %ld windows, %ld arrive-by\n", pareto_sets, windows, arrive_by);
    assert_true(pareto_sets > 20);
}

/* ---- the mini network with a scheduled ferry and a crossing's hours ------------------ */

static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    assert_non_null(a);
    assert_non_null(b);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0)
        assert_int_equal(fwrite(buf, 1, n, b), n);
    fclose(a);
    fclose(b);
}

static const char *const MINI_FILES[] = {"sources.csv", "params.csv", "modes.csv", "places.csv",
                                         "crossings.csv", "links.csv", "transfers.csv"};
static const char *const FERRY_FILES[][2] = {
    {"agency.txt", "agency_id,agency_name,agency_url,agency_timezone\nF,Ferry Co,http://x,Asia/Shanghai\n"},
    {"stops.txt", "stop_id,stop_name\nAAPRT,Port West\nBBPRT,Port East\n"},
    {"routes.txt", "route_id,agency_id,route_short_name,route_long_name,route_type\nFERRY,F,F1,West-East ferry,4\n"},
    {"route_freight.txt", "route_id,class,capacity_teu,price_20ft_usd,price_40ft_usd,price_t_usd,units,assumed,source\n"
                          "FERRY,sea,50,300,500,20,20ft;40ft;t,1,A-test\n"},
    {"trips.txt", "route_id,service_id,trip_id\nFERRY,MONTHU,F-OUT\n"},
    {"stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                       "F-OUT,10:00:00,10:00:00,AAPRT,1\nF-OUT,30:00:00,30:00:00,BBPRT,2\n"},
    {"calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                     "MONTHU,1,0,0,1,0,0,0,20260101,20261231\n"},
    {"terminals.txt", "stop_id,open_days,open_hours,dwell_h\nAAPRT,Mon-Fri,09:00-17:00,1.5\n"},
};

static void make_mini_with_services(char *dir, size_t cap)
{
    assert_int_equal(mkfeeddir(dir, cap), 0);
    char from[600], to[600];
    for (size_t i = 0; i < sizeof MINI_FILES / sizeof *MINI_FILES; i++) {
        snprintf(from, sizeof from, "tests/data/mini/%s", MINI_FILES[i]);
        snprintf(to, sizeof to, "%s/%s", dir, MINI_FILES[i]);
        copy_file(from, to);
    }
    snprintf(to, sizeof to, "%s/services", dir);
    assert_int_equal(mkdir(to, 0700), 0);
    for (size_t i = 0; i < sizeof FERRY_FILES / sizeof *FERRY_FILES; i++) {
        snprintf(to, sizeof to, "%s/services/%s", dir, FERRY_FILES[i][0]);
        FILE *f = fopen(to, "w");
        assert_non_null(f);
        fputs(FERRY_FILES[i][1], f);
        fclose(f);
    }
}

static void remove_mini(const char *dir)
{
    char p[600];
    for (size_t i = 0; i < sizeof FERRY_FILES / sizeof *FERRY_FILES; i++) {
        snprintf(p, sizeof p, "%s/services/%s", dir, FERRY_FILES[i][0]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/services", dir);
    rmdir(p);
    for (size_t i = 0; i < sizeof MINI_FILES / sizeof *MINI_FILES; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, MINI_FILES[i]);
        unlink(p);
    }
    rmdir(dir);
}

static void test_network_services(void **state)
{
    (void)state;
    char dir[64];
    make_mini_with_services(dir, sizeof dir);
    sr_network *net = NULL;
    if (sr_network_open(dir, &net) != SR_OK)
        fail_msg("%s", sr_network_errmsg(net));
    assert_int_equal(sr_timetable_trip_count(sr_network_timetable(net)), 1);
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "AAORI";
    o.to = "BBDST";

    /* By road on a Saturday: the road crossing (Mon-Fri 09:00-18:00, Asia/
     * Shanghai) keeps the truck waiting until Monday 09:00 +08:00. */
    o.modes = SR_MODE_BIT(SR_ROAD);
    assert_int_equal(sr_time_parse("2026-06-06T10:00", "Asia/Shanghai", &o.depart), SR_OK);
    sr_result *r = NULL;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    const sr_route *rt = sr_result_route(r, 0);
    int found = 0;
    for (size_t i = 0; i < rt->n_legs; i++)
        if (rt->legs[i].link != SR_NO_LINK && !strcmp(sr_network_link(net, rt->legs[i].link)->id, "L5")) {
            assert_true(rt->legs[i].depart == utc(2026, 6, 8, 1, 0));
            assert_true(rt->legs[i].wait_h > 40);
            assert_int_equal(rt->legs[i].depart_utc_offset_s, 8 * 3600);
            found = 1;
        }
    assert_true(found);
    check_route_times(rt, 0);
    sr_result_free(r);
    /* On a Wednesday morning the crossing is open: no wait at all. */
    assert_int_equal(sr_time_parse("2026-06-03T08:00+08:00", NULL, &o.depart), SR_OK);
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    rt = sr_result_route(r, 0);
    for (size_t i = 0; i < rt->n_legs; i++)
        assert_true(rt->legs[i].wait_h < 0.01);
    sr_result_free(r);

    /* By road and sea: the continuous ferry link L8 is replaced by the
     * Monday/Thursday sailing, boarded after the road -> sea transfer. */
    o.modes = SR_MODE_BIT(SR_ROAD) | SR_MODE_BIT(SR_SEA);
    o.avoid[0] = "X-ROAD";
    o.n_avoid = 1;
    assert_int_equal(sr_time_parse("2026-06-05T08:00", "Asia/Shanghai", &o.depart), SR_OK); /* Friday */
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    rt = sr_result_route(r, 0);
    check_route_times(rt, 0);
    found = 0;
    for (size_t i = 0; i < rt->n_legs; i++)
        if (rt->legs[i].service) {
            assert_string_equal(rt->legs[i].service, "F-OUT");
            /* Monday 8 June 10:00 +08:00. */
            assert_true(rt->legs[i].depart == utc(2026, 6, 8, 2, 0));
            assert_true(rt->legs[i].arrive == utc(2026, 6, 8, 22, 0));
            assert_true(rt->legs[i].cost_usd > 499 && rt->legs[i].cost_usd < 501);
            found = 1;
        }
    assert_true(found);
    assert_true(rt->n_transfers >= 2); /* road -> sea, sea -> road */
    sr_result_free(r);
    /* Sunday evening: the port terminal (Mon-Fri 09:00-17:00, 1.5 h
     * handling) takes the truck on Monday 09:00, too late for Monday's
     * sailing after the 4 h road -> sea transfer: Thursday's it is. */
    assert_int_equal(sr_time_parse("2026-06-07T20:00+08:00", NULL, &o.depart), SR_OK);
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    rt = sr_result_route(r, 0);
    check_route_times(rt, 0);
    found = 0;
    for (size_t i = 0; i < rt->n_legs; i++)
        if (rt->legs[i].service) {
            assert_true(rt->legs[i].depart == utc(2026, 6, 11, 2, 0));
            found = 1;
        }
    assert_true(found);
    char *js = sr_result_json(net, r, 0);
    assert_non_null(js);
    assert_non_null(strstr(js, "\"service\""));
    assert_non_null(strstr(js, "+08:00"));
    sr_free(js);
    sr_result_free(r);

    /* Pareto over the two weeks from that Friday: every option valid and
     * none dominated. */
    o.modes = SR_MODES_ALL;
    o.n_avoid = 0;
    o.pareto = 1;
    o.window_s = 14 * 86400;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    assert_true(sr_result_count(r) >= 2);
    for (size_t i = 0; i < sr_result_count(r); i++) {
        check_route_times(sr_result_route(r, i), 0);
        for (size_t j = 0; j < sr_result_count(r); j++)
            if (i != j)
                assert_false(dominated(sr_result_route(r, j), sr_result_route(r, i)));
    }
    sr_result_free(r);
    sr_query_destroy(q);
    sr_network_close(net);
    remove_mini(dir);
}

/* ---- the CLI flags ------------------------------------------------------------------- */

static const char *argv0;

static void expect_cli(const char *args, int status, const char *needle)
{
    /* A 14-day Pareto window on the full network prints megabytes of JSON;
     * the needle may sit anywhere in it. */
    static char out[1 << 23];
    int rc = tu_cli(argv0, args, out, sizeof out);
    if (rc != status || (needle && !strstr(out, needle)))
        fail_msg("silkroute %s: exit %d (want %d), output:\n%.2000s\n(want '%s')", args, rc, status, out,
                 needle ? needle : "");
}

static void test_cli_times(void **state)
{
    (void)state;
    struct stat st;
    if (stat(NMK "/stops.txt", &st) == 0) {
        expect_cli("route Skopje Bitola --data " NMK " --depart 2026-06-07T06:00 --json", 0,
                   "\"depart\": \"2026-06-07T06:00+02:00\"");
        expect_cli("route Skopje Bitola --data " NMK " --depart 2026-06-07T06:00", 0, "service T641");
        expect_cli("route Skopje Bitola --data " NMK " --depart 2026-06-07T06:00 --window 1d", 0, "Option 3 of 3");
        expect_cli("route Skopje Bitola --data " NMK " --arrive-by 2026-06-07T12:00", 0, "arrive 2026-06-07T10:31+02:00");
        expect_cli("route Skopje Bitola --data " NMK " --depart tomorrow", 2, "--depart: 'tomorrow'");
        expect_cli("route Skopje Bitola --data " NMK " --depart 2026-06-07T06:00 --window 1x", 2, "--window");
        expect_cli("route Skopje Bitola --data " NMK " --window 1d", 2, "needs depart or arrive_by");
        expect_cli("route Skopje Bitola --data " NMK " --depart tomorrow --json", 2, "\"code\":\"BadArgument\"");
    }
    if (stat("data/places.csv", &st) == 0 && stat("data/services/stops.txt", &st) == 0)
        expect_cli("route \"Xi'an\" Tashkent --depart 2026-06-03T08:00 --window 14d --pareto --json", 0,
                   "\"service\": \"XA-TAS-1\"");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tz),
        cmocka_unit_test(test_hours),
        cmocka_unit_test(test_gtfs_errors),
        cmocka_unit_test(test_north_macedonia),
        cmocka_unit_test(test_feed_as_dataset),
        cmocka_unit_test(test_random_differential),
        cmocka_unit_test(test_random_properties),
        cmocka_unit_test(test_network_services),
        cmocka_unit_test(test_cli_times),
    };
    (void)argc;
    argv0 = argv[0];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
