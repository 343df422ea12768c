/*
 * idhash.h - a hash index from string ids to 32-bit indices, for the
 * loaders' id look-ups (places, crossings, links, stops).
 *
 * Why: a dataset of a million links resolves two place ids per link and
 * checks every link id for repeats; a sorted array answered that in about
 * twenty strcmp() calls each and was over a third of the load time.  This
 * table answers in one hash and usually one comparison.  It stores only
 * pointers to the ids, which must outlive it (they live in the network's
 * arena); it never owns them.  One thread builds it, after which any
 * number of threads may look up concurrently.
 */
#ifndef SR_IDHASH_H
#define SR_IDHASH_H

#include <stddef.h>
#include <stdint.h>

/* One slot: the key's hash beside it, so most probes skip strcmp(), and
 * all three in one cache line. */
typedef struct sr__idslot {
    const char *key;    /* NULL: empty slot */
    uint32_t hash, val;
} sr__idslot;

typedef struct sr__idhash {
    sr__idslot *slot;
    size_t cap, n;      /* cap is a power of two, or 0 */
} sr__idhash;

/* An empty table; no allocation until the first insert. */
void sr__idhash_init(sr__idhash *h);
void sr__idhash_free(sr__idhash *h);
/* Room for n ids without growing (optional; inserts grow as needed). */
int sr__idhash_reserve(sr__idhash *h, size_t n);
/* Insert id -> val.  Returns 0 when inserted, 1 when id was already there
 * (*old, when not NULL, receives its value; the table is unchanged), -1
 * when memory runs out. */
int sr__idhash_put(sr__idhash *h, const char *id, uint32_t val, uint32_t *old);
/* The value of id, or -1 when absent. */
long sr__idhash_get(const sr__idhash *h, const char *id);

#endif
