/*
 * osmgraph.h - an internal graph over one mode (and gauge) of a network,
 * with a nearest-node lookup and Dijkstra, shared by the matching of
 * corridor links to an imported network (match.c) and the first and last
 * mile from coordinates (mile.c).  It is a plain, exact search: these
 * networks are searched a few times per link or per query, so the
 * hierarchies of src/lib/ch/ would not pay for themselves here.
 */
#ifndef SR_OSMGRAPH_H
#define SR_OSMGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "silkroute.h"

typedef struct sr__og {
    const sr_network *net;
    size_t n;                   /* places of net */
    uint32_t *off;              /* n + 1 arc offsets */
    uint32_t *arc_from, *arc_to, *arc_link;
    size_t n_arcs;
    uint32_t *bylat;            /* places with an arc either way, by latitude */
    size_t n_bylat;
    /* Dijkstra scratch */
    double *dist;
    uint32_t *pred;             /* arc into the place, UINT32_MAX: none */
    uint32_t *stamp, cur;
    uint32_t *heap;             /* place indices, lazy deletion */
    double *hkey;
    size_t n_heap, cap_heap;
} sr__og;

/* The arcs of net's links of `mode` (and of gauge mm when mode is rail and
 * gauge > 0), both ways unless a link is directed; reverse: every arc
 * turned around (for searches towards a place).  0, or -1 out of memory. */
int sr__og_build(sr__og *g, const sr_network *net, sr_mode mode, unsigned gauge, int reverse);
void sr__og_free(sr__og *g);
/* A view of g for another thread: g's arcs and nearest-node index shared
 * (read only; g must outlive the view), Dijkstra scratch of its own
 * (20 bytes per place), so searches on g and its views may run at once.
 * 0, or -1 out of memory.  Freed by sr__og_view_free(), never by
 * sr__og_free(). */
int sr__og_view(sr__og *view, const sr__og *g);
void sr__og_view_free(sr__og *view);
/* The place with an arc nearest to (lat, lon) within max_km, or -1; its
 * great-circle distance in *km. */
long sr__og_nearest(const sr__og *g, double lat, double lon, double max_km, double *km);
/* Dijkstra from src by link distance (by_time 0) or running time (1),
 * until every target is settled (targets may be NULL: the whole graph).
 * 0, or -1 out of memory. */
int sr__og_search(sr__og *g, uint32_t src, int by_time, const uint32_t *targets, size_t n_targets);
/* Reached by the last search? */
int sr__og_reached(const sr__og *g, uint32_t p);
double sr__og_dist(const sr__og *g, uint32_t p);
/* The arcs of the path to p, from the source; the number stored (at most
 * cap; the full count is returned so a caller can size a buffer). */
size_t sr__og_path(const sr__og *g, uint32_t p, uint32_t *arcs, size_t cap);
/* Where arc a leaves from. */
uint32_t sr__og_arc_from(const sr__og *g, uint32_t a);

/* Check an OpenStreetMap XML file before readosm reads it (xmlcheck.c):
 * well-formed, and every element has the attributes readosm needs.  0, or
 * -1 with the reason (with its line) in err. */
int sr__osm_xml_check(const char *path, char *err, size_t errcap);

#endif
