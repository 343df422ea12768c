/*
 * bench_load.c - how long opening a dataset takes (sr_network_open: read,
 * validate, build the search arrays and indices) and how much memory it
 * keeps, for the default dataset and any directories given.
 *
 * Why: issue 16 measured 5.6 s and 439 MB for a million links, over a
 * third of it in strcmp() through id look-ups; the target is under 1.5 s.
 * A large synthetic network comes from bench/gen_synthetic.py, e.g.
 *   bench/gen_synthetic.py /tmp/g1m 620 440    (272,800 places, 1,046,790 links)
 *   build/bench/bench_load /tmp/g1m
 * Process CPU time (user + system) is reported beside wall time: on a
 * shared machine the wall clock includes other processes' time slices.
 * Peak RSS is the process's high-water mark (getrusage), so the largest
 * dataset should be given last.  No assertions: numbers go to
 * docs/PERFORMANCE.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "silkroute.h"

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(long *maxrss_kb)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    if (maxrss_kb)
        *maxrss_kb = ru.ru_maxrss;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Open dir reps times; print median wall and CPU seconds and peak RSS. */
static int bench(const char *dir, int reps)
{
    double w[16], c[16];
    size_t links = 0, places = 0;
    long rss = 0;
    for (int r = 0; r < reps; r++) {
        sr_network *net = NULL;
        double c0 = cpu_s(NULL), w0 = wall_s();
        sr_code rc = sr_network_open(dir, &net);
        w[r] = wall_s() - w0;
        c[r] = cpu_s(&rss) - c0;
        if (rc != SR_OK) {
            printf("%s: %s\n", dir ? dir : "default dataset", net ? sr_network_errmsg(net) : sr_strerror(rc));
            sr_network_close(net);
            return 1;
        }
        places = sr_network_place_count(net);
        links = sr_network_link_count(net);
        sr_network_close(net);
    }
    qsort(w, (size_t)reps, sizeof *w, cmp_double);
    qsort(c, (size_t)reps, sizeof *c, cmp_double);
    printf("%-28s %9zu %10zu %5d %10.3f %10.3f %10.1f\n", dir ? dir : "default dataset", places, links, reps,
           w[reps / 2], c[reps / 2], (double)rss / 1024.0);
    return 0;
}

int main(int argc, char **argv)
{
    int reps = 3;
    printf("%-28s %9s %10s %5s %10s %10s %10s\n", "dataset", "places", "links", "reps", "wall_med_s", "cpu_med_s",
           "peak_rss_mb");
    int bad = bench(NULL, 5);
    for (int i = 1; i < argc; i++)
        bad |= bench(argv[i], reps);
    double load[3];
    if (getloadavg(load, 3) == 3)
        printf("load average at the end: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
    return bad;
}
