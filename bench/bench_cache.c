/*
 * bench_cache.c - what the server's route cache costs per request on a
 * miss-heavy load (issue 8, item 9), measured in-process so that the
 * number does not depend on wrk, the kernel or other load on the machine:
 * the lookup and the offer of a new answer (cache.c), per miss, with two
 * threads on sixteen shards, next to what a route search costs.
 *
 * Every key is new (random origin-destination pairs never repeat here),
 * so the cache can only cost time; the goal is that the cost is a small
 * fraction of one search, so that the cache is never slower than no cache.
 * Thread CPU time is reported beside wall time: on a shared machine the
 * wall clock includes other processes' time slices.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/server/cache.c"

#define KEYS_PER_THREAD 200000
#define THREADS 2
#define BODY 8000 /* bytes: a typical single-route answer of the default dataset */

static sr__cache *cache;

static double now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct job {
    int id;
    double wall, cpu;
} job;

static int use_cache = 1;

static void *miss_loop(void *arg)
{
    job *j = arg;
    char key[128];
    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
    for (int i = 0; i < KEYS_PER_THREAD; i++) {
        int n = snprintf(key, sizeof key, "route/1;5:T%04d;5:P%05d;0|1,0,0|0|0|15|0|1|1|-1|x|%d", j->id, i, i);
        if (!use_cache) {
            /* Without a cache: the answer is made, sent and freed. */
            char *body = malloc(BODY + 1);
            memset(body, 'x', BODY);
            body[BODY] = '\0';
            sr__blob *b = sr__blob_new(body, BODY, 200);
            sr__blob_unref(b);
            continue;
        }
        sr__blob *b = sr__cache_get(cache, key, (size_t)n);
        if (b) {
            sr__blob_unref(b);
            continue;
        }
        /* What the server does on a miss: wrap the answer, offer it. */
        char *body = malloc(BODY + 1);
        memset(body, 'x', BODY);
        body[BODY] = '\0';
        b = sr__blob_new(body, BODY, 200);
        sr__cache_put(cache, key, (size_t)n, b);
        sr__blob_unref(b);
    }
    j->wall = now_s(CLOCK_MONOTONIC) - w0;
    j->cpu = now_s(CLOCK_THREAD_CPUTIME_ID) - c0;
    return NULL;
}

/* Mean wall and CPU ns per key of one run over THREADS threads. */
static void run(double *wall_ns, double *cpu_ns)
{
    pthread_t th[THREADS];
    job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i].id = i;
        pthread_create(&th[i], NULL, miss_loop, &jobs[i]);
    }
    double wall = 0, cpu = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        wall += jobs[i].wall;
        cpu += jobs[i].cpu;
    }
    double n = (double)THREADS * KEYS_PER_THREAD;
    *wall_ns = wall / n * 1e9;
    *cpu_ns = cpu / n * 1e9;
}

int main(void)
{
    cache = sr__cache_create((size_t)64 << 20, 256 * 1024);
    double bw, bc, cw, cc;
    use_cache = 0;
    run(&bw, &bc);
    use_cache = 1;
    run(&cw, &cc);
    uint64_t hits, misses;
    size_t entries, bytes;
    sr__cache_stats(cache, &hits, &misses, &entries, &bytes);
    printf("route cache, all-miss load, %d threads x %d new keys, %d-byte answers:\n", THREADS, KEYS_PER_THREAD,
           BODY);
    printf("  per request without a cache (answer made and freed): %.0f ns wall, %.0f ns CPU\n", bw, bc);
    printf("  per request with the cache (lookup + offer too):      %.0f ns wall, %.0f ns CPU\n", cw, cc);
    printf("  the cache's own cost per miss: %.0f ns CPU\n", cc - bc);
    printf("  stored: %zu entries, %zu bytes (admission on the second miss: 0 expected)\n", entries, bytes);
    sr__cache_free(cache);
    return 0;
}
