/*
 * cache.c - the route answer cache of the HTTP server (see cache.h).
 *
 * Sixteen shards, each a small fully associative set of entries scanned
 * linearly under its own mutex: with a few dozen entries per shard a scan
 * of 64-bit hashes is cheaper than any pointer-chasing structure, and the
 * shards keep pool threads from queueing on one lock.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

#define SHARDS 16

typedef struct entry {
    uint64_t hash, used;
    char *key, *body;
    size_t len;
    int status;
} entry;

typedef struct shard {
    pthread_mutex_t lock;
    entry *e;
    uint64_t tick, hits, misses;
} shard;

struct sr__cache {
    size_t ways, max_body;
    shard s[SHARDS];
};

/* FNV-1a: keys are short and trusted to be ours, not attacker-chosen
 * hash-flooding material (the scan is bounded by `ways` anyway). */
static uint64_t hash(const char *k)
{
    uint64_t h = 1469598103934665603ull;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

sr__cache *sr__cache_create(size_t entries, size_t max_body)
{
    if (!entries)
        return NULL;
    sr__cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ways = (entries + SHARDS - 1) / SHARDS;
    c->max_body = max_body;
    for (int i = 0; i < SHARDS; i++) {
        pthread_mutex_init(&c->s[i].lock, NULL);
        c->s[i].e = calloc(c->ways, sizeof(entry));
        if (!c->s[i].e) {
            sr__cache_free(c);
            return NULL;
        }
    }
    return c;
}

void sr__cache_free(sr__cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < SHARDS; i++) {
        for (size_t w = 0; c->s[i].e && w < c->ways; w++) {
            free(c->s[i].e[w].key);
            free(c->s[i].e[w].body);
        }
        free(c->s[i].e);
        pthread_mutex_destroy(&c->s[i].lock);
    }
    free(c);
}

int sr__cache_get(sr__cache *c, const char *key, char **body, size_t *len, int *status)
{
    uint64_t h = hash(key);
    shard *s = &c->s[h % SHARDS];
    int hit = 0;
    pthread_mutex_lock(&s->lock);
    for (size_t w = 0; w < c->ways; w++) {
        entry *e = &s->e[w];
        if (e->key && e->hash == h && !strcmp(e->key, key)) {
            char *copy = malloc(e->len + 1);
            if (copy) {
                memcpy(copy, e->body, e->len + 1);
                *body = copy;
                *len = e->len;
                *status = e->status;
                e->used = ++s->tick;
                hit = 1;
            }
            break;
        }
    }
    if (hit)
        s->hits++;
    else
        s->misses++;
    pthread_mutex_unlock(&s->lock);
    return hit;
}

void sr__cache_put(sr__cache *c, const char *key, const char *body, size_t len, int status)
{
    if (len > c->max_body)
        return;
    /* Copy outside the lock; the lock only swaps pointers. */
    char *k = strdup(key), *b = malloc(len + 1);
    if (!k || !b) {
        free(k);
        free(b);
        return;
    }
    memcpy(b, body, len);
    b[len] = '\0';
    uint64_t h = hash(key);
    shard *s = &c->s[h % SHARDS];
    pthread_mutex_lock(&s->lock);
    entry *victim = &s->e[0];
    for (size_t w = 0; w < c->ways; w++) {
        entry *e = &s->e[w];
        if (e->key && e->hash == h && !strcmp(e->key, key)) { /* raced: another thread stored it */
            victim = NULL;
            break;
        }
        if (!e->key || e->used < victim->used)
            victim = e;
        if (!e->key)
            break;
    }
    if (victim) {
        char *ok = victim->key, *ob = victim->body;
        victim->key = k;
        victim->body = b;
        victim->len = len;
        victim->hash = h;
        victim->status = status;
        victim->used = ++s->tick;
        k = ok;
        b = ob;
    }
    pthread_mutex_unlock(&s->lock);
    free(k);
    free(b);
}

void sr__cache_stats(sr__cache *c, uint64_t *hits, uint64_t *misses, size_t *entries)
{
    *hits = *misses = 0;
    *entries = 0;
    for (int i = 0; c && i < SHARDS; i++) {
        pthread_mutex_lock(&c->s[i].lock);
        *hits += c->s[i].hits;
        *misses += c->s[i].misses;
        for (size_t w = 0; w < c->ways; w++)
            *entries += c->s[i].e[w].key != NULL;
        pthread_mutex_unlock(&c->s[i].lock);
    }
}
