/*
 * pareto.h - the router's fast exact Pareto search over time, cost and
 * CO2e: a targeted multi-objective Dijkstra (after Maristany de las Casas,
 * Sedeño-Noda and Borndörfer, "An improved multiobjective shortest path
 * algorithm", Computers & Operations Research 135, 2021).
 *
 * The router (route.c) owns the query (places, filters, budget, lower
 * bounds) and calls this search on its (layer, place, class) state graph;
 * this module knows the network's arrays and nothing of queries, so it
 * never calls up.  route.c keeps its earlier label-setting search as the
 * reference implementation that tests/test_route_diff.c compares with.
 *
 * What makes it fast, all exact:
 *  - labels leave one heap in lexicographic order of (time, cost, CO2e)
 *    plus lower bounds to the destination (A*-style reduced costs, which
 *    keep the order monotone because every bound is consistent);
 *  - so a label is permanent when it leaves the heap, and every later
 *    candidate at the same state (or at the destination) is at least as
 *    slow: dominance reduces to two dimensions (cost, CO2e), checked by a
 *    binary search in a staircase of the permanent labels' projections
 *    (dimensionality reduction and truncated fronts);
 *  - candidates dominated there, or whose bounded completion is dominated
 *    by a destination label, are dropped before they reach the heap, and
 *    only permanent labels are stored.
 */
#ifndef SR_PARETO_H
#define SR_PARETO_H

#include <stddef.h>
#include <stdint.h>

#include "silkroute.h"

struct sr_network;
struct sr__budget;

typedef struct sr__pareto_in {
    const struct sr_network *net;
    uint32_t from, to;              /* place indices */
    int layers;                     /* state layers: 1 + transfer limit, or 1 */
    int limit_transfers;
    sr_unit unit;
    double qty;
    /* May the query use arc a?  (route.c's filters: modes, year, units,
     * avoided places and crossings.) */
    int (*arc_ok)(const void *ctx, uint32_t a);
    /* Lower bounds of time, cost and CO2e from a place to the destination;
     * consistent (bound(u) <= arc + bound(v)); INFINITY: unreachable. */
    void (*bound)(const void *ctx, uint32_t place, double lb[3]);
    /* Extra time and cost of edge e (an arc, or transfer e - n_arcs) on
     * top of the network's: the document events of route.c (a
     * reconsignment, a customs declaration), non-negative, so the bounds
     * above stay consistent.  NULL: none. */
    void (*extra)(const void *ctx, uint32_t e, double *dh, double *du);
    const void *ctx;
    struct sr__budget *budget;      /* one unit per label taken from the heap */
    size_t max_labels;              /* permanent labels at most */
    char *err;                      /* message on failure */
    size_t errcap;
} sr__pareto_in;

/* Per-query-object scratch (heap, labels, fronts), reused across queries;
 * one thread at a time, like the sr_query that owns it. */
typedef struct sr__pareto_ws sr__pareto_ws;
void sr__pareto_ws_free(sr__pareto_ws *ws);

/*
 * Run the search.  On SR_OK, *n_out destination labels (mutually
 * non-dominated, in the order found) are in *ids_out (owned by the
 * workspace, valid until its next search); *n_out == 0 means no route.
 * SR_ELIMIT when the budget or max_labels is spent (message in in->err),
 * SR_ENOMEM.  *ws is created on first use.
 */
sr_code sr__pareto_search(sr__pareto_ws **ws, const sr__pareto_in *in, const uint32_t **ids_out, size_t *n_out);
/* The steps (arc index, or n_arcs + transfer index) from the origin to
 * destination label id, malloc()ed into *steps (*n of them); -1 on ENOMEM. */
int sr__pareto_steps(const sr__pareto_ws *ws, uint32_t id, uint32_t **steps, size_t *n);
/* The label's totals. */
void sr__pareto_totals(const sr__pareto_ws *ws, uint32_t id, double *t, double *c, double *e);

#endif
