/*
 * idhash.c - the id hash index (idhash.h): open addressing with linear
 * probing, the hash kept in the slot, load factor at most 1/2.
 */
#include <stdlib.h>
#include <string.h>

#include "idhash.h"

static uint32_t hash_id(const char *s)
{
    /* FNV-1a, then a final mix: ids are short, and the index takes the
     * low bits, which FNV alone spreads poorly for ids that differ only in
     * their last characters ("X12Y7", "X12Y8"). */
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 16777619u;
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return h;
}

void sr__idhash_init(sr__idhash *h) { memset(h, 0, sizeof *h); }

void sr__idhash_free(sr__idhash *h)
{
    free(h->slot);
    memset(h, 0, sizeof *h);
}

static void put_slot(sr__idhash *h, const char *id, uint32_t hv, uint32_t val)
{
    size_t mask = h->cap - 1, i = hv & mask;
    while (h->slot[i].key)
        i = (i + 1) & mask;
    h->slot[i] = (sr__idslot){.key = id, .hash = hv, .val = val};
    h->n++;
}

static int rehash(sr__idhash *h, size_t cap)
{
    sr__idhash nh = {.cap = cap, .slot = calloc(cap, sizeof(sr__idslot))};
    if (!nh.slot)
        return -1;
    for (size_t i = 0; i < h->cap; i++)
        if (h->slot[i].key)
            put_slot(&nh, h->slot[i].key, h->slot[i].hash, h->slot[i].val);
    sr__idhash_free(h);
    *h = nh;
    return 0;
}

int sr__idhash_reserve(sr__idhash *h, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n) {
        if (cap > SIZE_MAX / 4 / sizeof(sr__idslot))
            return -1;
        cap *= 2;
    }
    return cap > h->cap ? rehash(h, cap) : 0;
}

int sr__idhash_put(sr__idhash *h, const char *id, uint32_t val, uint32_t *old)
{
    if (2 * (h->n + 1) > h->cap && sr__idhash_reserve(h, 2 * (h->n + 1)) < 0)
        return -1;
    uint32_t hv = hash_id(id);
    size_t mask = h->cap - 1;
    for (size_t i = hv & mask; h->slot[i].key; i = (i + 1) & mask)
        if (h->slot[i].hash == hv && !strcmp(h->slot[i].key, id)) {
            if (old)
                *old = h->slot[i].val;
            return 1;
        }
    put_slot(h, id, hv, val);
    return 0;
}

long sr__idhash_get(const sr__idhash *h, const char *id)
{
    if (!h->cap)
        return -1;
    uint32_t hv = hash_id(id);
    size_t mask = h->cap - 1;
    for (size_t i = hv & mask; h->slot[i].key; i = (i + 1) & mask)
        if (h->slot[i].hash == hv && !strcmp(h->slot[i].key, id))
            return (long)h->slot[i].val;
    return -1;
}
