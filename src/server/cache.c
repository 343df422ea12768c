/*
 * cache.c - the route answer cache of the HTTP server (see cache.h).
 *
 * Sixteen shards, each a small fully associative set of entries scanned
 * linearly under its own mutex: with a few dozen entries per shard a scan
 * of 64-bit hashes is cheaper than any pointer-chasing structure, and the
 * shards keep pool threads from queueing on one lock.  Each shard also
 * remembers the hashes of recent misses in a small direct-mapped table
 * (the admission filter): an answer is stored only when its key missed
 * before, which is what keeps a miss-heavy load from paying for stores,
 * evictions and frees it never profits from.
 *
 * Under the lock there is only hashing-free work: comparing hashes and
 * keys, moving pointers and counting references.  Copies of keys are made
 * before taking it, and evicted entries are freed after releasing it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "silkroute.h"

#define SHARDS 16
#define WAYS 128          /* entries per shard at most */
#define SEEN 512          /* remembered misses per shard */
#define OVERHEAD 96       /* bookkeeping bytes charged per entry */

typedef struct entry {
    uint64_t hash, used;
    char *key;
    size_t key_len;
    sr__blob *blob;
} entry;

typedef struct shard {
    pthread_mutex_t lock;
    entry e[WAYS];
    uint64_t seen[SEEN];
    uint64_t tick, hits, misses;
    size_t bytes, n;
} shard;

struct sr__cache {
    size_t max_shard_bytes, max_body;
    shard s[SHARDS];
};

sr__blob *sr__blob_new(char *data, size_t len, int status)
{
    sr__blob *b = malloc(sizeof *b);
    if (!b) {
        sr_free(data);
        return NULL;
    }
    atomic_init(&b->refs, 1);
    b->status = status;
    b->len = len;
    b->data = data;
    return b;
}

void sr__blob_ref(sr__blob *b) { atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed); }

void sr__blob_unref(void *p)
{
    sr__blob *b = p;
    if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1) {
        sr_free(b->data);
        free(b);
    }
}

/* FNV-1a over the key's bytes; keys are length-prefixed encodings made by
 * the server, and each scan is bounded by WAYS, so hash flooding cannot
 * cost more than a full scan. */
static uint64_t hash(const char *k, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
    return h ? h : 1; /* 0 marks an empty slot of the admission filter */
}

sr__cache *sr__cache_create(size_t max_bytes, size_t max_body)
{
    if (!max_bytes)
        return NULL;
    sr__cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->max_shard_bytes = max_bytes / SHARDS;
    c->max_body = max_body;
    for (int i = 0; i < SHARDS; i++)
        pthread_mutex_init(&c->s[i].lock, NULL);
    return c;
}

void sr__cache_free(sr__cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < SHARDS; i++) {
        for (size_t w = 0; w < WAYS; w++) {
            free(c->s[i].e[w].key);
            sr__blob_unref(c->s[i].e[w].blob);
        }
        pthread_mutex_destroy(&c->s[i].lock);
    }
    free(c);
}

static entry *find(shard *s, uint64_t h, const char *key, size_t n)
{
    for (size_t w = 0; w < WAYS; w++) {
        entry *e = &s->e[w];
        if (e->key && e->hash == h && e->key_len == n && !memcmp(e->key, key, n))
            return e;
    }
    return NULL;
}

sr__blob *sr__cache_get(sr__cache *c, const char *key, size_t key_len)
{
    uint64_t h = hash(key, key_len);
    shard *s = &c->s[h % SHARDS];
    sr__blob *b = NULL;
    pthread_mutex_lock(&s->lock);
    entry *e = s->n ? find(s, h, key, key_len) : NULL;
    if (e) {
        b = e->blob;
        sr__blob_ref(b);
        e->used = ++s->tick;
        s->hits++;
    } else {
        s->misses++;
    }
    pthread_mutex_unlock(&s->lock);
    return b;
}

static size_t cost(size_t key_len, const sr__blob *b) { return key_len + b->len + OVERHEAD; }

void sr__cache_put(sr__cache *c, const char *key, size_t key_len, sr__blob *b)
{
    if (!b || b->len > c->max_body || cost(key_len, b) > c->max_shard_bytes)
        return;
    uint64_t h = hash(key, key_len);
    shard *s = &c->s[h % SHARDS];
    uint64_t *seen = &s->seen[(h / SHARDS) % SEEN];
    /* Admission: the first miss of a key only leaves its hash behind. */
    pthread_mutex_lock(&s->lock);
    int admit = *seen == h;
    *seen = admit ? 0 : h;
    pthread_mutex_unlock(&s->lock);
    if (!admit)
        return;
    char *k = malloc(key_len ? key_len : 1);
    if (!k)
        return;
    memcpy(k, key, key_len);
    size_t need = cost(key_len, b);
    entry old[WAYS];
    size_t n_old = 0;
    pthread_mutex_lock(&s->lock);
    if (find(s, h, key, key_len)) { /* raced: another thread stored it */
        pthread_mutex_unlock(&s->lock);
        free(k);
        return;
    }
    /* Evict least recently used entries until the answer fits in bytes
     * and in ways. */
    while (s->n && (s->bytes + need > c->max_shard_bytes || s->n == WAYS)) {
        entry *v = NULL;
        for (size_t w = 0; w < WAYS; w++)
            if (s->e[w].key && (!v || s->e[w].used < v->used))
                v = &s->e[w];
        s->bytes -= cost(v->key_len, v->blob);
        s->n--;
        old[n_old++] = *v;
        memset(v, 0, sizeof *v);
    }
    entry *slot = NULL;
    for (size_t w = 0; w < WAYS && !slot; w++)
        if (!s->e[w].key)
            slot = &s->e[w];
    sr__blob_ref(b);
    *slot = (entry){h, ++s->tick, k, key_len, b};
    s->bytes += need;
    s->n++;
    pthread_mutex_unlock(&s->lock);
    for (size_t i = 0; i < n_old; i++) {
        free(old[i].key);
        sr__blob_unref(old[i].blob);
    }
}

void sr__cache_stats(sr__cache *c, uint64_t *hits, uint64_t *misses, size_t *entries, size_t *bytes)
{
    *hits = *misses = 0;
    *entries = *bytes = 0;
    for (int i = 0; c && i < SHARDS; i++) {
        pthread_mutex_lock(&c->s[i].lock);
        *hits += c->s[i].hits;
        *misses += c->s[i].misses;
        *entries += c->s[i].n;
        *bytes += c->s[i].bytes;
        pthread_mutex_unlock(&c->s[i].lock);
    }
}
