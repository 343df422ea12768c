/*
 * bench_timetable.c - benchmarks of the timetabled search (issue 4):
 * earliest-arrival and 14-day departure-window queries on the default
 * schedule set and on a synthetic timetable 100 times larger, with median
 * and p99 latencies and the memory the timetable takes.  Results are
 * recorded in docs/PERFORMANCE.md ("Timetables").
 *
 * The default schedule set is data/services/ opened as a bare feed, so the
 * numbers do not depend on the rest of the dataset; the synthetic feed is
 * written to a temporary directory and removed afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "silkroute.h"
#include "timetable/search.h"
#include "timetable/tt.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Bytes held by the timetable's arrays (what a query reads). */
static size_t tt_bytes(const sr_timetable *tt)
{
    size_t b = 0;
    b += (size_t)tt->n_stops * (2 * sizeof(char *) + 2 * sizeof(double) + sizeof(uint16_t) + sizeof(int32_t) + sizeof(uint32_t));
    b += (size_t)tt->n_services * (sizeof(char *) + (size_t)tt->words * 8);
    b += (size_t)tt->n_trips * (sizeof(char *) + 3 * sizeof(uint32_t) + 2 * sizeof(uint16_t) + sizeof(int32_t));
    b += (size_t)tt->n_st * (sizeof(uint32_t) + 2 * sizeof(int32_t) + sizeof(float));
    b += ((size_t)tt->n_places + 1) * sizeof(uint32_t) + (size_t)tt->ev_off[tt->n_places] * (sizeof(uint32_t) + sizeof(uint16_t));
    b += (size_t)tt->n_routes * sizeof(sr__route);
    return b;
}

static void report(const char *name, double *ms, int n)
{
    qsort(ms, (size_t)n, sizeof *ms, cmp_d);
    double p99 = ms[(int)(0.99 * (n - 1))];
    printf("  %-34s n=%4d  median %8.3f ms  p99 %8.3f ms  max %8.3f ms\n", name, n, ms[n / 2], p99, ms[n - 1]);
}

static void run(const char *title, const char *dir, int n_ea, int n_win)
{
    double t0 = now_ms();
    sr_network *net = NULL;
    if (sr_network_open(dir, &net) != SR_OK) {
        fprintf(stderr, "bench_timetable: %s: %s\n", dir, sr_network_errmsg(net));
        exit(1);
    }
    double load = now_ms() - t0;
    const sr_timetable *tt = sr_network_timetable(net);
    printf("%s: %zu stops, %zu trips, %u stop times, %zu services x %u days; load %.1f ms; timetable arrays %.2f MB\n",
           title, sr_timetable_stop_count(tt), sr_timetable_trip_count(tt), tt->n_st, sr_timetable_service_count(tt),
           tt->n_days, load, tt_bytes(tt) / 1048576.0);
    sr_query *q = NULL;
    sr_query_create(net, &q);
    double *ms = malloc((size_t)(n_ea > n_win ? n_ea : n_win) * sizeof *ms);
    int64_t june = sr__days_from_civil(2026, 6, 1) * 86400;
    size_t np = sr_network_place_count(net);
    int ok = 0;
    size_t opts = 0;
    static const char *const names[4] = {"earliest arrival", "Pareto (arrival, cost, CO2e, n)",
                                         "14-day window, earliest arrival", "14-day window, Pareto"};
    for (int pass = 0; pass < 4; pass++) {
        int n = pass >= 2 ? n_win : n_ea;
        int found = 0, tries = 0;
        /* Only queries with a journey count: random pairs in a sparse
         * schedule mostly have none, and those end in microseconds. */
        for (int i = 0; i < n && tries < 100 * n; tries++) {
            sr_route_options o;
            sr_route_options_init(&o);
            size_t a = rnd() % np, b;
            do
                b = rnd() % np;
            while (b == a);
            o.from = sr_network_place(net, a)->id;
            o.to = sr_network_place(net, b)->id;
            o.depart = june + (int64_t)(rnd() % (20 * 86400));
            o.pareto = pass == 1 || pass == 3;
            if (pass >= 2)
                o.window_s = 14 * 86400;
            sr_result *r = NULL;
            double s = now_ms();
            sr_code c = sr_route_query(q, &o, &r);
            double e = now_ms() - s;
            if (c == SR_OK) {
                ms[i++] = e;
                found++;
                opts += sr_result_count(r);
            }
            sr_result_free(r);
        }
        if (found) {
            report(names[pass], ms, found);
            printf("  %-34s %d queries with a journey out of %d tried; %.1f options per answer\n", "", found, tries,
                   (double)opts / found);
        }
        opts = 0;
        ok += found;
    }
    free(ms);
    sr_query_destroy(q);
    sr_network_close(net);
    if (!ok)
        exit(1);
}

/* A synthetic feed: `scale` copies of a corridor-like pattern.  Each copy
 * has 13 stops and 15 routes of 2-6 stops over multi-day running times,
 * linked to the next copy so that journeys cross copies. */
static void write_synthetic(const char *dir, int scale)
{
    char p[600];
    FILE *f;
#define OPEN(n) (snprintf(p, sizeof p, "%s/%s", dir, n), f = fopen(p, "w"))
    OPEN("agency.txt");
    fprintf(f, "agency_id,agency_name,agency_url,agency_timezone\nA,Synthetic,http://x,Asia/Shanghai\n");
    fclose(f);
    int ns = 13 * scale;
    OPEN("stops.txt");
    fprintf(f, "stop_id,stop_name,stop_lat,stop_lon\n");
    for (int s = 0; s < ns; s++)
        fprintf(f, "S%d,Stop %d,%.4f,%.4f\n", s, s, 30 + (s % 200) * 0.1, 60 + (s / 200) * 0.5);
    fclose(f);
    OPEN("calendar.txt");
    fprintf(f, "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n");
    for (int w = 1; w < 128; w++)
        fprintf(f, "W%d,%d,%d,%d,%d,%d,%d,%d,20260101,20271231\n", w, w & 1, w >> 1 & 1, w >> 2 & 1, w >> 3 & 1,
                w >> 4 & 1, w >> 5 & 1, w >> 6 & 1);
    fclose(f);
    FILE *r, *t, *st;
    snprintf(p, sizeof p, "%s/routes.txt", dir);
    r = fopen(p, "w");
    snprintf(p, sizeof p, "%s/trips.txt", dir);
    t = fopen(p, "w");
    snprintf(p, sizeof p, "%s/stop_times.txt", dir);
    st = fopen(p, "w");
    fprintf(r, "route_id,agency_id,route_short_name,route_long_name,route_type\n");
    fprintf(t, "route_id,service_id,trip_id\n");
    fprintf(st, "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    for (int k = 0; k < 15 * scale; k++) {
        fprintf(r, "R%d,A,R%d,Route %d,2\n", k, k, k);
        fprintf(t, "R%d,W%u,T%d\n", k, 1 + rnd() % 127, k);
        int n = 2 + (int)(rnd() % 5), base = (k / 15) * 13;
        int32_t time = (int32_t)(rnd() % 86400);
        for (int i = 0; i < n; i++) {
            /* Mostly within the copy, sometimes into the next one. */
            int s = (base + (int)(rnd() % 13) + (i == n - 1 && rnd() % 3 == 0 ? 13 : 0)) % ns;
            if (i)
                time += 3600 * (4 + (int)(rnd() % 60));
            fprintf(st, "T%d,%d:%02d:00,%d:%02d:00,S%d,%d\n", k, time / 3600, time / 60 % 60, time / 3600,
                    time / 60 % 60, s, i + 1);
        }
    }
    fclose(r);
    fclose(t);
    fclose(st);
#undef OPEN
}

static void remove_synthetic(const char *dir)
{
    static const char *const files[] = {"agency.txt", "stops.txt", "calendar.txt", "routes.txt", "trips.txt",
                                        "stop_times.txt"};
    char p[600];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

int main(void)
{
    struct stat sb;
    if (stat("data/places.csv", &sb) == 0 && stat("data/services/stops.txt", &sb) == 0)
        run("default dataset with services (data)", "data", 400, 100);
    if (stat("data/services/stops.txt", &sb) == 0)
        run("default schedule set (data/services)", "data/services", 400, 100);
    char dir[] = "/tmp/sr_bench_tt_XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    write_synthetic(dir, 100);
    run("synthetic timetable, 100x", dir, 400, 100);
    remove_synthetic(dir);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %.1f MB\n", ru.ru_maxrss / 1024.0);
    return 0;
}
