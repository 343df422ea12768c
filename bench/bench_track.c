/*
 * bench_track.c - the tracking store: event ingest per second, one event
 * per transaction and batched (500 per batch), then the latency of posting
 * one event including its ETA update with SILKROUTE_BENCH_EVENTS events
 * stored (default 1,000,000, over 1,000 shipments), p50/p99/max over 2,000
 * posts, then 4 concurrent posters with a commit each and through one
 * group commit.  SQLite in a temporary file on the build machine's disk (WAL,
 * synchronous=FULL: every commit is fsynced; WAL checkpoints on a thread
 * of their own every second, as in the server); PostgreSQL too when
 * SILKROUTE_BENCH_PG names a store (scripts/pg-test.sh --exec runs it on a
 * throwaway cluster).  Targets on the 2-core machine: at least 5,000
 * events/s batched on SQLite, p99 of a post with its ETA update at most
 * 5 ms.  Network: tests/data/server.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "silkroute.h"

#define SHIPS 1000
#define BATCH 500

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static sr_network *net;
static int64_t T0;
static long seq[SHIPS];

static sr_event mk(int ship, char *key, size_t cap)
{
    static char refs[SHIPS][16];
    if (!refs[ship][0])
        snprintf(refs[ship], sizeof refs[ship], "B-%d", ship);
    sr_event e;
    sr_event_init(&e);
    e.shipment = refs[ship];
    long s = seq[ship]++;
    /* Along the route: gate-in and departures at the places of the plan. */
    static const char *const places[] = {"CNXIA", "CN-ALASHANKOU", "KZ-DOSTYK", "KZALA"};
    e.type = s % 2 ? SR_EV_DEPA : SR_EV_ARRI;
    e.place = places[(s / 2) % 4];
    e.time = T0 + s * 30;
    snprintf(key, cap, "k%ld", s);
    e.key = key;
    e.source = "bench";
    return e;
}

/* As in the server: checkpoints on a thread of their own, every second. */
static atomic_int ck_stop;
static void *checkpointer(void *arg)
{
    sr_store *st = NULL;
    if (sr_store_open(arg, &st) == SR_OK)
        while (!atomic_load(&ck_stop)) {
            sr_store_checkpoint(st);
            for (int i = 0; i < 50 && !atomic_load(&ck_stop); i++)
                nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
        }
    sr_store_close(st);
    return NULL;
}

enum { POSTERS = 4, PER_POSTER = 500 };

typedef struct poster {
    const char *uri;
    sr_store_group *g; /* NULL: a handle of its own */
    int w, failed;
    size_t n;
    double lat[PER_POSTER];
} poster;

/* One of the concurrent posters: single events to random shipments of
 * its own (ship % POSTERS == w, so that their sequence numbers are its
 * alone), each timed from the call to the acknowledgement. */
static void *post_thread(void *arg)
{
    poster *p = arg;
    sr_store *st = NULL;
    if (!p->g) {
        if (sr_store_open(p->uri, &st) != SR_OK) {
            p->failed = 1;
            sr_store_close(st);
            return NULL;
        }
        sr_store_defer_checkpoints(st);
    }
    unsigned rnd = 11u + (unsigned)p->w;
    char key[24], err[512];
    for (int i = 0; i < PER_POSTER; i++) {
        rnd = rnd * 1103515245u + 12345u;
        int ship = (int)((rnd >> 8) % (SHIPS / POSTERS)) * POSTERS + p->w;
        sr_event e = mk(ship, key, sizeof key);
        double t = now_s();
        sr_code c = p->g ? sr_store_group_post(p->g, net, &e, 1, NULL, NULL, err, sizeof err)
                         : sr_event_post(st, net, &e, 1, NULL, NULL);
        if (c != SR_OK) {
            printf("post: %s\n", p->g ? err : sr_store_errmsg(st));
            p->failed = 1;
            break;
        }
        p->lat[p->n++] = (now_s() - t) * 1e3;
    }
    sr_store_close(st);
    return NULL;
}

static int run(const char *uri, long total)
{
    sr_store *st = NULL;
    if (sr_store_open(uri, &st) != SR_OK) {
        printf("%s: %s\n", uri, sr_store_errmsg(st));
        sr_store_close(st);
        return 1;
    }
    printf("== %s store (%s)\n", sr_store_backend(st), uri);
    sr_store_defer_checkpoints(st);
    atomic_store(&ck_stop, 0);
    pthread_t ck;
    pthread_create(&ck, NULL, checkpointer, (void *)uri);
    memset(seq, 0, sizeof seq);
    sr_query *q;
    sr_query_create(net, &q);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "CNXIA";
    o.to = "KZALA";
    o.modes = SR_MODE_BIT(SR_RAIL);
    sr_result *r = NULL;
    sr_route_query(q, &o, &r);
    for (int i = 0; i < SHIPS; i++) {
        char ref[16];
        snprintf(ref, sizeof ref, "B-%d", i);
        sr_shipment_spec s;
        sr_shipment_spec_init(&s);
        s.ref = ref;
        s.ready = T0;
        if (sr_shipment_create(st, net, &s, sr_result_route(r, 0), NULL) != SR_OK) {
            printf("booking: %s\n", sr_store_errmsg(st));
            return 1;
        }
    }
    sr_result_free(r);
    sr_query_destroy(q);
    char keys[BATCH][24];
    sr_event ev[BATCH];
    /* 1. One event per transaction. */
    int n1 = 1000;
    double t = now_s();
    for (int i = 0; i < n1; i++) {
        ev[0] = mk(i % SHIPS, keys[0], sizeof keys[0]);
        if (sr_event_post(st, net, ev, 1, NULL, NULL) != SR_OK) {
            printf("post: %s\n", sr_store_errmsg(st));
            return 1;
        }
    }
    double single = n1 / (now_s() - t);
    printf("ingest, one event per request:  %8.0f events/s (%d events)\n", single, n1);
    /* 2. Batches of 500 for one shipment each, up to `total` events. */
    long stored = n1, batches = 0;
    double tb = 0;
    int ship = 0;
    while (stored + BATCH <= total) {
        for (int k = 0; k < BATCH; k++)
            ev[k] = mk(ship, keys[k], sizeof keys[k]);
        t = now_s();
        if (sr_event_post(st, net, ev, BATCH, NULL, NULL) != SR_OK) {
            printf("batch: %s\n", sr_store_errmsg(st));
            return 1;
        }
        tb += now_s() - t;
        stored += BATCH;
        batches++;
        ship = (ship + 1) % SHIPS;
        if (batches % 400 == 0) {
            printf("  ... %ld events stored, %.0f events/s batched so far\n", stored, (double)(stored - n1) / tb);
            fflush(stdout);
        }
    }
    printf("ingest, batches of %d:         %8.0f events/s (%ld events, %ld batches)\n", BATCH,
           (double)(stored - n1) / tb, stored - n1, batches);
    /* 3. Latency of one post with its ETA update, with `stored` events. */
    enum { N = 2000 };
    static double lat[N], cpu[N];
    unsigned rnd = 7;
    for (int i = 0; i < N; i++) {
        rnd = rnd * 1103515245u + 12345u;
        ev[0] = mk((int)((rnd >> 8) % SHIPS), keys[0], sizeof keys[0]);
        t = now_s();
        double c = cpu_s();
        if (sr_event_post(st, net, ev, 1, NULL, NULL) != SR_OK) {
            printf("post: %s\n", sr_store_errmsg(st));
            return 1;
        }
        cpu[i] = (cpu_s() - c) * 1e3;
        lat[i] = (now_s() - t) * 1e3;
    }
    qsort(lat, N, sizeof lat[0], cmp);
    qsort(cpu, N, sizeof cpu[0], cmp);
    printf("post + ETA update with %ld events stored (%ld per shipment): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           stored, stored / SHIPS, lat[N / 2], lat[N * 99 / 100], lat[N - 1]);
    /* The CPU time of the posting thread: what the work costs without the
     * waits for the disk (fsync) and for the other jobs of the machine. */
    printf("  CPU time of the post: p50 %.2f ms, p99 %.2f ms\n", cpu[N / 2], cpu[N * 99 / 100]);
    /* 4. Concurrent posters: 4 threads posting single events at once,
     * each with its own handle (each post its own commit and flush), then
     * all through one group commit (sr_store_group_post). */
    for (int mode = 0; mode < 2; mode++) {
        sr_store_group *g = NULL;
        if (mode && sr_store_group_open(uri, &g) != SR_OK) {
            printf("group: %s\n", sr_store_group_errmsg(g));
            sr_store_group_close(g);
            return 1;
        }
        pthread_t th[POSTERS];
        poster ps[POSTERS];
        double t4 = now_s();
        for (int w = 0; w < POSTERS; w++) {
            ps[w] = (poster){.uri = uri, .g = g, .w = w};
            pthread_create(&th[w], NULL, post_thread, &ps[w]);
        }
        static double all[POSTERS * PER_POSTER];
        size_t na = 0;
        int failed = 0;
        for (int w = 0; w < POSTERS; w++) {
            pthread_join(th[w], NULL);
            failed |= ps[w].failed;
            memcpy(all + na, ps[w].lat, ps[w].n * sizeof *all);
            na += ps[w].n;
        }
        double wall = now_s() - t4;
        if (failed || !na)
            return 1;
        qsort(all, na, sizeof all[0], cmp);
        unsigned long groups = 0, calls = 0;
        if (g)
            sr_store_group_stats(g, &groups, &calls);
        printf("%d concurrent posters, %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms, %.0f posts/s", POSTERS,
               mode ? "group commit" : "a commit each", all[na / 2], all[na * 99 / 100], all[na - 1], (double)na / wall);
        if (g)
            printf(", %.1f posts per commit", groups ? (double)calls / (double)groups : 0.0);
        printf("\n");
        fflush(stdout);
        sr_store_group_close(g);
    }
    atomic_store(&ck_stop, 1);
    pthread_join(ck, NULL);
    sr_store_close(st);
    return 0;
}

int main(void)
{
    if (sr_network_open("tests/data/server", &net) != SR_OK) {
        printf("bench_track: cannot open tests/data/server\n");
        return 1;
    }
    sr_time_parse("2026-06-03T00:00Z", NULL, &T0);
    const char *ev = getenv("SILKROUTE_BENCH_EVENTS");
    long total = ev && *ev ? atol(ev) : 1000000;
    /* SILKROUTE_BENCH_DIR: where the SQLite file goes (default build/);
     * /dev/shm there measures without the cost of fsync. */
    const char *base = getenv("SILKROUTE_BENCH_DIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/bench-track-XXXXXX", base && *base ? base : "build");
    if (!mkdtemp(dir)) {
        printf("bench_track: cannot make a temporary directory\n");
        return 1;
    }
    char uri[600];
    snprintf(uri, sizeof uri, "%s/bench.db", dir);
    /* SILKROUTE_BENCH_PG_ONLY: the PostgreSQL part alone. */
    const char *only = getenv("SILKROUTE_BENCH_PG_ONLY");
    int rc = only && *only ? 0 : run(uri, total);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) {
    }
    const char *pg = getenv("SILKROUTE_BENCH_PG");
    if (!rc && pg && *pg)
        rc = run(pg, total);
    else if (!rc)
        printf("== postgresql: skipped (set SILKROUTE_BENCH_PG, or run scripts/pg-test.sh --exec build/bench/bench_track)\n");
    sr_network_close(net);
    return rc;
}
