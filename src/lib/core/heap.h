/*
 * heap.h - the binary min-heap of (key, state id) pairs shared by the
 * library's label-setting searches: the router's Dijkstra (route.c) and the
 * one-to-all search of reach and matrices (reach/ota.c), and the paths
 * between a scheduled trip's stops (timetable/via.c).
 *
 * Why one copy: reach and matrices promise the router's answer cell for
 * cell (tests/test_reach.c), which holds only if both searches settle
 * states in the same order; ties are therefore broken by state id, here,
 * once.  Deletion is lazy: a state may be pushed again with a smaller key
 * and the caller skips a popped item that is already settled.  The
 * functions are inline because push and pop are a third of the search's
 * instructions (docs/PERFORMANCE.md, "Router on the enlarged corridor
 * network").
 */
#ifndef SR_HEAP_H
#define SR_HEAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/util.h"

typedef struct sr__heap_item {
    double key;
    uint32_t id;
} sr__heap_item;

typedef struct sr__heap {
    sr__heap_item *a;
    size_t n, cap;
} sr__heap;

/* a comes before b: the smaller key, then the smaller id. */
static inline int sr__heap_before(double ka, uint32_t ia, double kb, uint32_t ib)
{
    return ka < kb || (ka == kb && ia < ib);
}

/* Push (key, id); -1 when the array cannot grow (nothing changed). */
static inline int sr__heap_push(sr__heap *h, double key, uint32_t id)
{
    /* The capacity test inline: a call per push was 2.4% of the
     * single-objective search (callgrind, docs/PERFORMANCE.md). */
    if (h->n == h->cap && sr__grow((void **)&h->a, &h->cap, h->n + 1, sizeof *h->a) < 0)
        return -1;
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!sr__heap_before(key, id, h->a[p].key, h->a[p].id))
            break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = (sr__heap_item){key, id};
    return 0;
}

/* Remove and return the first item; the heap must not be empty. */
static inline sr__heap_item sr__heap_pop(sr__heap *h)
{
    sr__heap_item top = h->a[0], last = h->a[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && sr__heap_before(h->a[c + 1].key, h->a[c + 1].id, h->a[c].key, h->a[c].id))
            c++;
        if (!sr__heap_before(h->a[c].key, h->a[c].id, last.key, last.id))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (n)
        h->a[i] = last;
    return top;
}

static inline void sr__heap_free(sr__heap *h)
{
    free(h->a);
    h->a = NULL;
    h->n = h->cap = 0;
}

#endif
