/*
 * mcf.h - a small minimum-cost flow solver (successive shortest paths with
 * Bellman-Ford on the residual graph) used by the pipeline model.  It is
 * internal: the pipeline module builds one problem per solve, and the
 * differential tests compare it with GLPK's simplex on random networks.
 *
 * Arcs carry real capacities and costs (negative costs allowed as long as
 * the arcs given contain no negative cycle).  sr__mcf_solve() sends flow
 * from s to t along cheapest residual paths; in SR__MCF_MINCOST mode it
 * stops when the cheapest path no longer has negative cost (the least-cost
 * flow of any amount), in SR__MCF_MAXFLOW mode when no path is left (the
 * least-cost maximum flow).  Results are deterministic: ties are broken by
 * the order in which arcs were added.
 */
#ifndef SR_PIPELINE_MCF_H
#define SR_PIPELINE_MCF_H

#include <stddef.h>
#include <stdint.h>

typedef struct sr__mcf sr__mcf;

enum { SR__MCF_MINCOST = 0, SR__MCF_MAXFLOW = 1 };

/* A problem with nodes 0..n-1 (n <= 1,000,000); NULL when out of memory. */
sr__mcf *sr__mcf_create(size_t n);
void sr__mcf_destroy(sr__mcf *m);
/* Add arc from -> to with capacity cap (>= 0, finite) and cost; returns its
 * index (0, 1, ... in order) or -1 for bad arguments or no memory. */
long sr__mcf_add_arc(sr__mcf *m, uint32_t from, uint32_t to, double cap, double cost);
/* Change an arc's capacity before a solve (>= 0). */
void sr__mcf_set_cap(sr__mcf *m, size_t arc, double cap);
/* Solve from s to t, resetting earlier flows.  Returns 0, -1 when out of
 * memory, -2 when a negative cycle was found, -3 when max_augment
 * augmentations did not finish (0: a default of 1,000,000). */
int sr__mcf_solve(sr__mcf *m, uint32_t s, uint32_t t, int mode, long max_augment);
double sr__mcf_flow(const sr__mcf *m, size_t arc);
/* Total flow out of s and total cost of the last solve. */
double sr__mcf_value(const sr__mcf *m);
double sr__mcf_cost(const sr__mcf *m);
size_t sr__mcf_arc_count(const sr__mcf *m);

#endif
