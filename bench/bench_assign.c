/*
 * bench_assign.c - CPU time of Algorithm B to relative gaps 1e-4, 1e-6 and
 * 1e-10 on every TNTP network of ../shared/data/tntp (no toll or distance
 * factors, one thread; median of 3 runs, Berlin-Center 1 run), with its
 * ratio to tap-b's solve time recorded in docs/PERFORMANCE.md (measured by
 * hand on the same machine, same inputs, alternating runs; tap-b is not
 * built here).  Then Chicago-Sketch with tolls and Winnipeg on 1 and 2
 * threads (the gap's shortest paths in parallel).  Reading the files is
 * not timed.  Skips networks whose files are missing.  Both wall-clock and
 * process CPU time are printed: on a shared machine CPU time is steadier.
 *
 * `bench_assign --one NET.tntp TRIPS.tntp GAP` reads one network (not
 * timed) and prints the process CPU time of one sr_tap_solve() call, its
 * iterations, gap and objective.  This is the silkroute side of the
 * tap-b comparison of short cases (docs/PERFORMANCE.md, "Branch
 * assign16d"): one solve per process, as tap-b runs, timed the same way
 * as a hand-made copy of tap-b times its AlgorithmB() call, so that
 * neither side's reading, set-up or process start enters the figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "silkroute.h"

#define TNTP "../shared/data/tntp/"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* tap-b's solve CPU seconds (process minus its read and set-up run), from
 * docs/PERFORMANCE.md, latest run of 2026-12-02 (Intel Xeon, 2 vCPUs); 0
 * where below the timer's resolution. */
typedef struct ref {
    const char *dir, *name;
    int runs;
    double tapb[3];
} ref;

static void bench(const ref *r, double tf, double df, int threads)
{
    char n[512], t[512];
    snprintf(n, sizeof n, TNTP "%s/%s_net.tntp", r->dir, r->name);
    snprintf(t, sizeof t, TNTP "%s/%s_trips.tntp", r->dir, r->name);
    if (access(n, R_OK) || access(t, R_OK)) {
        printf("%-14s skipped (no data in " TNTP ")\n", r->name);
        return;
    }
    sr_tap *tap;
    if (sr_tap_read_tntp(n, t, &tap) != SR_OK) {
        printf("%-14s %s\n", r->name, sr_tap_errmsg(tap));
        sr_tap_destroy(tap);
        return;
    }
    sr_tap_set_factors(tap, tf, df);
    const double gaps[] = {1e-4, 1e-6, 1e-10};
    for (size_t g = 0; g < 3; g++) {
        double sec[3], cpu[3];
        sr_tap_stats st = {0};
        sr_code rc = SR_OK;
        int runs = r->runs;
        for (int k = 0; k < runs; k++) {
            sr_tap_options o;
            sr_tap_options_init(&o);
            o.gap = gaps[g];
            o.threads = threads;
            struct timespec c0, c1;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
            rc = sr_tap_solve(tap, &o, &st);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
            sec[k] = st.seconds;
            cpu[k] = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
        }
        qsort(sec, (size_t)runs, sizeof sec[0], cmp);
        qsort(cpu, (size_t)runs, sizeof cpu[0], cmp);
        printf("%-14s %d thr gap %.0e  wall median %7.3f s  cpu median %7.3f s  %3ld it  gap %.2e  obj %.10g  %s", r->name,
               threads, gaps[g], sec[runs / 2], cpu[runs / 2], st.iterations, st.relative_gap, st.objective,
               sr_code_name(rc));
        if (tf == 0 && df == 0 && threads == 1 && r->tapb[g] > 0)
            printf("  ratio to tap-b %.2f", cpu[runs / 2] / r->tapb[g]);
        printf("\n");
    }
    sr_tap_destroy(tap);
}

/* One solve in a fresh process; see the file comment. */
static int one(const char *net, const char *trips, const char *gap)
{
    char *end;
    double g = strtod(gap, &end);
    if (*end || !(g >= 0)) {
        fprintf(stderr, "bench_assign --one: GAP '%s' is not a number >= 0\n", gap);
        return 2;
    }
    sr_tap *tap;
    if (sr_tap_read_tntp(net, trips, &tap) != SR_OK) {
        fprintf(stderr, "bench_assign --one: %s\n", sr_tap_errmsg(tap));
        sr_tap_destroy(tap);
        return 1;
    }
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = g;
    sr_tap_stats st = {0};
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    sr_code rc = sr_tap_solve(tap, &o, &st);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    printf("solve_cpu %.6f it %ld gap %.3e obj %.15g %s\n",
           (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec), st.iterations,
           st.relative_gap, st.objective, sr_code_name(rc));
    sr_tap_destroy(tap);
    return rc == SR_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "--one"))
        return one(argv[2], argv[3], argv[4]);
    if (argc != 1) {
        fprintf(stderr, "usage: bench_assign [--one NET.tntp TRIPS.tntp GAP]\n");
        return 2;
    }
    static const ref nets[] = {
        {"SiouxFalls", "SiouxFalls", 3, {0.0010, 0.0029, 0.0072}},
        {"Braess-Example", "Braess", 3, {0, 0, 0}},
        {"Anaheim", "Anaheim", 3, {0.0081, 0.0141, 0.0455}},
        {"Barcelona", "Barcelona", 3, {0.156, 0.223, 0.412}},
        {"Winnipeg", "Winnipeg", 3, {0.242, 0.410, 0.770}},
        {"Chicago-Sketch", "ChicagoSketch", 3, {0.397, 0.644, 1.227}},
        {"Berlin-Center", "berlin-center", 1, {13.6, 28.9, 74.1}},
    };
    printf("Algorithm B, median of 3 runs (Berlin-Center 1); ratio: CPU time over tap-b's solve time\n");
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++)
        bench(&nets[i], 0, 0, 1);
    printf("Chicago-Sketch with toll factor 0.02, distance factor 0.04; Winnipeg; 1 and 2 threads\n");
    for (int th = 1; th <= 2; th++) {
        bench(&nets[5], 0.02, 0.04, th);
        bench(&nets[4], 0, 0, th);
    }
    return 0;
}
