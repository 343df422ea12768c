/*
 * bench_route.c - latency of route queries over all ordered place pairs of
 * the default dataset: single-objective (time, cost, CO2e) and Pareto.
 *
 * Why all pairs and one reused sr_query: that is how the server uses the
 * library (one query object per thread, arbitrary origin/destination), and
 * medians over every pair are not flattered by a few easy or hard queries.
 * The p99 shows the tail the HTTP server will see.  No assertions: the
 * numbers go to docs/PERFORMANCE.md and are compared with the targets
 * there (single median < 20 us, Pareto p99 < 2 ms).
 *
 * Run from the repository root (`make bench`): when the default dataset
 * (data/) is missing it falls back to tests/data/mini and says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "silkroute.h"

/* The router's switch to its reference Pareto search (src/lib/route/route.h,
 * internal; benchmarks and tests only). */
extern int sr__pareto_reference;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Thread CPU time as well: on a shared machine a query preempted for a
 * scheduler time slice (~4 ms) shows in the wall-clock p99 but not here,
 * which tells load from the router's own tail. */
static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct series {
    const char *name;
    double *lat, *cpu;
    size_t n, cap;
    long ok, noroute, other;
    double median, p99, mean, cpu_median, cpu_p99;
} series;

static void add(series *s, double us, double cpu)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->lat = realloc(s->lat, s->cap * sizeof *s->lat);
        s->cpu = realloc(s->cpu, s->cap * sizeof *s->cpu);
        if (!s->lat || !s->cpu) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    s->lat[s->n] = us;
    s->cpu[s->n++] = cpu;
}

static void summarise(series *s)
{
    if (!s->n)
        return;
    qsort(s->lat, s->n, sizeof *s->lat, cmp_double);
    qsort(s->cpu, s->n, sizeof *s->cpu, cmp_double);
    s->median = s->lat[s->n / 2];
    size_t k = (size_t)(0.99 * (double)(s->n - 1));
    s->p99 = s->lat[k];
    s->cpu_median = s->cpu[s->n / 2];
    s->cpu_p99 = s->cpu[k];
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += s->lat[i];
    s->mean = sum / (double)s->n;
}

/* --pairs N: N ordered pairs drawn with a fixed seed instead of all of
 * them (grids of thousands of places have millions of pairs). */
static size_t sample_pairs;
/* Where the by-time run also records serialising its answer (json.c). */
static series *json_series;

static void run(sr_query *q, const sr_network *net, series *s, int pareto, sr_objective obj)
{
    size_t np = sr_network_place_count(net);
    sr_route_options o;
    sr_route_options_init(&o);
    o.pareto = pareto;
    o.objective = obj;
    unsigned long long seed = 20261202;
    size_t total = sample_pairs ? sample_pairs : np * np;
    for (size_t k = 0; k < total; k++) {
        size_t a = k / np, b = k % np;
        if (sample_pairs) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            a = (size_t)(seed >> 33) % np;
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            b = (size_t)(seed >> 33) % np;
        }
        {
            if (a == b)
                continue;
            o.from = sr_network_place(net, a)->id;
            o.to = sr_network_place(net, b)->id;
            sr_result *r = NULL;
            double c0 = cpu_us(), t0 = now_us();
            sr_code rc = sr_route_query(q, &o, &r);
            double t1 = now_us(), c1 = cpu_us();
            if (json_series && rc == SR_OK) {
                /* The answer as the HTTP API writes it (json.c). */
                double jc0 = cpu_us(), jt0 = now_us();
                char *j = sr_result_json(net, r, 0);
                double jt1 = now_us(), jc1 = cpu_us();
                sr_free(j);
                add(json_series, jt1 - jt0, jc1 - jc0);
            }
            sr_result_free(r);
            add(s, t1 - t0, c1 - c0);
            if (rc == SR_OK)
                s->ok++;
            else if (rc == SR_ENOROUTE)
                s->noroute++;
            else
                s->other++;
        }
    }
}

int main(int argc, char **argv)
{
    /* bench_route [DIR] [--reps N] [--pairs N] [--pareto-only | --no-pareto]
     * [--reference-pareto]: the options
     * are for profiling runs (perf record -- build/bench/bench_route ...)
     * and for large synthetic grids (--pairs: a fixed random sample).
     * --no-pareto skips the Pareto series, which takes minutes on data/,
     * so that the single-objective figure can be re-run in seconds. */
    const char *dir = NULL;
    int force_reps = 0, pareto_only = 0, no_pareto = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            force_reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--pairs") && i + 1 < argc)
            sample_pairs = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--reference-pareto"))
            sr__pareto_reference = 1; /* the earlier search, side by side */
        else if (!strcmp(argv[i], "--pareto-only"))
            pareto_only = 1;
        else if (!strcmp(argv[i], "--no-pareto"))
            no_pareto = 1;
        else
            dir = argv[i];
    }
    sr_network *net = NULL;
    sr_code rc = sr_network_open(dir, &net);
    const char *used = dir ? dir : "default dataset";
    if (rc != SR_OK) {
        printf("note: %s not loadable (%s); falling back to tests/data/mini\n", dir ? dir : "the default dataset",
               net ? sr_network_errmsg(net) : sr_strerror(rc));
        sr_network_close(net);
        net = NULL;
        if (sr_network_open("tests/data/mini", &net) != SR_OK) {
            fprintf(stderr, "cannot open tests/data/mini: %s\n", net ? sr_network_errmsg(net) : "?");
            sr_network_close(net);
            return 1;
        }
        used = "tests/data/mini (fallback)";
    }
    size_t np = sr_network_place_count(net);
    size_t pairs = sample_pairs ? sample_pairs : np * (np - 1);
    /* Enough repetitions for stable percentiles on small datasets without
     * running for minutes on big ones. */
    int reps = pairs ? (int)(200000 / pairs) : 1;
    if (reps < 1)
        reps = 1;
    if (reps > 50)
        reps = 50;
    if (force_reps > 0)
        reps = force_reps;
    printf("dataset: %s (%s): %zu places, %zu links, %zu crossings; %zu ordered pairs x %d repetitions\n", used,
           sr_network_dir(net), np, sr_network_link_count(net), sr_network_crossing_count(net), pairs, reps);
    sr_query *q = NULL;
    if (sr_query_create(net, &q) != SR_OK) {
        fprintf(stderr, "sr_query_create failed\n");
        sr_network_close(net);
        return 1;
    }
    series s[4] = {{.name = "time"}, {.name = "cost"}, {.name = "co2"}, {.name = "pareto"}};
    /* Warm-up: the first query allocates the per-query arrays (a Pareto
     * pass, which takes minutes on data/; a single-objective one when
     * --no-pareto asks for seconds). */
    series warm = {.name = "warm"}, js = {.name = "json (time)"};
    run(q, net, &warm, !no_pareto, SR_BY_TIME);
    free(warm.lat);
    free(warm.cpu);
    for (int r = 0; r < reps; r++) {
        if (!pareto_only) {
            json_series = &js;
            run(q, net, &s[0], 0, SR_BY_TIME);
            json_series = NULL;
            run(q, net, &s[1], 0, SR_BY_COST);
            run(q, net, &s[2], 0, SR_BY_CO2);
        }
        if (!no_pareto)
            run(q, net, &s[3], 1, SR_BY_TIME);
    }
    series single = {.name = "single (all)"};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < s[k].n; i++)
            add(&single, s[k].lat[i], s[k].cpu[i]);
    single.ok = s[0].ok + s[1].ok + s[2].ok;
    single.noroute = s[0].noroute + s[1].noroute + s[2].noroute;
    single.other = s[0].other + s[1].other + s[2].other;
    for (int k = 0; k < 4; k++)
        summarise(&s[k]);
    summarise(&single);
    summarise(&js);
    js.ok = (long)js.n;
    printf("%-14s %9s %8s %9s %7s %10s %10s %10s %10s %10s %10s\n", "query", "count", "routes", "no-route", "failed",
           "median_us", "p99_us", "mean_us", "max_us", "cpu_med_us", "cpu_p99_us");
    series *all[6] = {&s[0], &s[1], &s[2], &single, &s[3], &js};
    for (int k = 0; k < 6; k++)
        printf("%-14s %9zu %8ld %9ld %7ld %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f\n", all[k]->name, all[k]->n,
               all[k]->ok, all[k]->noroute, all[k]->other, all[k]->median, all[k]->p99, all[k]->mean,
               all[k]->n ? all[k]->lat[all[k]->n - 1] : 0.0, all[k]->cpu_median, all[k]->cpu_p99);
    printf("ratio pareto/single: median %.2f, p99 %.2f\n", single.median > 0 ? s[3].median / single.median : 0,
           single.p99 > 0 ? s[3].p99 / single.p99 : 0);
    printf("targets: single median < 20 us: %s; pareto p99 < 2000 us: %s\n",
           !single.n ? "n/a" : single.median < 20 ? "met" : "MISSED", !s[3].n ? "n/a" : s[3].p99 < 2000 ? "met" : "MISSED");
    double load[3];
    if (getloadavg(load, 3) == 3)
        printf("load average at the end: %.2f %.2f %.2f (wall-clock p99 far above cpu p99 means preemption)\n",
               load[0], load[1], load[2]);
    for (int k = 0; k < 4; k++) {
        free(s[k].lat);
        free(s[k].cpu);
    }
    free(single.lat);
    free(single.cpu);
    free(js.lat);
    free(js.cpu);
    sr_query_destroy(q);
    sr_network_close(net);
    return 0;
}
