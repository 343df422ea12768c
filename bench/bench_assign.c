/*
 * bench_assign.c - time to relative gap 1e-4, 1e-6 and 1e-10 of Algorithm B
 * on Chicago-Sketch and Winnipeg (single thread, then with the gap's
 * shortest paths on 2 threads), median of 3 runs, with
 * the ratio to the published bar (Algorithm B, 0.6 s to 1e-6 on
 * Chicago-Sketch).  Reading the files is not timed.  Skips networks whose
 * files are missing.  Both wall-clock and process CPU time are reported:
 * on a shared machine the CPU time is the steadier measure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "silkroute.h"

#define RUNS 3
#define TNTP "../shared/data/tntp/"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void bench(const char *dir, const char *name, double tf, double df, int threads)
{
    char n[512], t[512];
    snprintf(n, sizeof n, TNTP "%s/%s_net.tntp", dir, name);
    snprintf(t, sizeof t, TNTP "%s/%s_trips.tntp", dir, name);
    if (access(n, R_OK) || access(t, R_OK)) {
        printf("%-14s skipped (no data in " TNTP ")\n", name);
        return;
    }
    sr_tap *tap;
    if (sr_tap_read_tntp(n, t, &tap) != SR_OK) {
        printf("%-14s %s\n", name, sr_tap_errmsg(tap));
        sr_tap_destroy(tap);
        return;
    }
    sr_tap_set_factors(tap, tf, df);
    const double gaps[] = {1e-4, 1e-6, 1e-10};
    for (size_t g = 0; g < 3; g++) {
        double sec[RUNS], cpu[RUNS];
        sr_tap_stats st = {0};
        for (int r = 0; r < RUNS; r++) {
            sr_tap_options o;
            sr_tap_options_init(&o);
            o.gap = gaps[g];
            o.threads = threads;
            struct timespec c0, c1;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
            sr_tap_solve(tap, &o, &st);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
            sec[r] = st.seconds;
            cpu[r] = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
        }
        qsort(sec, RUNS, sizeof sec[0], cmp);
        qsort(cpu, RUNS, sizeof cpu[0], cmp);
        printf("%-14s %d thr gap %.0e  wall median %6.3f s (min %.3f, max %.3f)  cpu median %6.3f s  %3ld iterations  "
               "gap %.2e  cpu ratio to 0.6 s bar %.2f\n",
               name, threads, gaps[g], sec[RUNS / 2], sec[0], sec[RUNS - 1], cpu[RUNS / 2], st.iterations, st.relative_gap,
               cpu[RUNS / 2] / 0.6);
    }
    sr_tap_destroy(tap);
}

int main(void)
{
    printf("Algorithm B, median of %d runs; 2 thr: the gap's shortest paths on 2 threads\n", RUNS);
    for (int th = 1; th <= 2; th++) {
        bench("Chicago-Sketch", "ChicagoSketch", 0.02, 0.04, th);
        bench("Winnipeg", "Winnipeg", 0, 0, th);
    }
    return 0;
}
