/*
 * cache.h - a bounded cache of /v1/route answers for the HTTP server.
 *
 * The network is immutable while the server runs, so a route query is a
 * pure function of its options: the same options always give the same
 * bytes.  A route search costs about a millisecond on the default dataset,
 * while sending a cached answer costs microseconds, and real clients (the
 * web map, dashboards) repeat the same corridors, so the server memoises
 * answers keyed by a canonical, collision-free encoding of the parsed
 * options (not the raw URL; see route_key() in server.c).
 *
 * Bounded in bytes (keys, answers and bookkeeping together), in entries and
 * in the size of one answer; least recently used entries are replaced.
 * Answers are immutable, reference-counted blobs: a hit hands out a
 * reference (no copy, nothing copied under a lock) that the HTTP response
 * releases when it has been sent.  An answer is admitted only on the second
 * miss of its key within a recent window, so a load of all-different
 * queries (random origin-destination pairs) costs one lookup per miss and
 * never churns the cache.  Thread-safe: sharded, one mutex per shard.
 */
#ifndef SR_SERVER_CACHE_H
#define SR_SERVER_CACHE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sr__cache sr__cache;

/* An answer: immutable once made, freed when its last reference goes. */
typedef struct sr__blob {
    atomic_int refs;
    int status;
    size_t len;
    char *data;     /* NUL-terminated; released with sr_free() */
} sr__blob;

/* Wrap an answer (taken over; released with sr_free()) in a blob with one
 * reference; NULL when memory runs out (then data is freed). */
sr__blob *sr__blob_new(char *data, size_t len, int status);
void sr__blob_ref(sr__blob *b);
void sr__blob_unref(void *b); /* void *: usable as a response free callback */

/* A cache of at most max_bytes in all, answers of at most max_body bytes;
 * NULL when max_bytes is 0 (caching off) or memory runs out. */
sr__cache *sr__cache_create(size_t max_bytes, size_t max_body);
void sr__cache_free(sr__cache *c);
/* On a hit: a new reference to the answer (release it with
 * sr__blob_unref()).  NULL on a miss. */
sr__blob *sr__cache_get(sr__cache *c, const char *key, size_t key_len);
/* Offer an answer for key.  Stored (with a reference of its own) when it is
 * small enough and its key missed before recently; the caller's reference
 * is untouched either way. */
void sr__cache_put(sr__cache *c, const char *key, size_t key_len, sr__blob *b);
/* Counters for /v1/health. */
void sr__cache_stats(sr__cache *c, uint64_t *hits, uint64_t *misses, size_t *entries, size_t *bytes);

#endif
