/*
 * cache.h - a bounded cache of /v1/route answers for the HTTP server.
 *
 * The network is immutable while the server runs, so a route query is a
 * pure function of its options: the same options always give the same
 * bytes.  A route search costs about a millisecond on the default dataset,
 * while sending a cached answer costs microseconds, and real clients (the
 * web map, dashboards) repeat the same corridors, so the server memoises
 * answers keyed by the canonical form of the parsed options (not the raw
 * URL).  Bounded in entries and in the size of one answer; least recently
 * used entries are replaced.  Thread-safe: sharded, one mutex per shard.
 */
#ifndef SR_SERVER_CACHE_H
#define SR_SERVER_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sr__cache sr__cache;

/* A cache of about `entries` answers of at most max_body bytes each; NULL
 * when entries is 0 (caching off) or memory runs out. */
sr__cache *sr__cache_create(size_t entries, size_t max_body);
void sr__cache_free(sr__cache *c);
/* On a hit: a malloc()ed copy of the answer in *body (caller frees), its
 * length and HTTP status; returns 1.  Returns 0 on a miss. */
int sr__cache_get(sr__cache *c, const char *key, char **body, size_t *len, int *status);
/* Store a copy of an answer (ignored when too large). */
void sr__cache_put(sr__cache *c, const char *key, const char *body, size_t len, int status);
/* Counters for /v1/health. */
void sr__cache_stats(sr__cache *c, uint64_t *hits, uint64_t *misses, size_t *entries);

#endif
