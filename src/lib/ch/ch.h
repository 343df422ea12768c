/*
 * ch.h - contraction hierarchies (Geisberger et al. 2008) over a plain
 * weighted digraph, and their use on the network's state graph.
 *
 * The graph module (ch.c) knows nothing of networks: it takes nodes and
 * weighted arcs, each arc carrying a caller's step id, contracts the nodes
 * in an order chosen by edge difference with lazy updates, and answers
 * many-to-many shortest path queries (every node of a source set at
 * distance 0 to any node of a target set) by the bidirectional upward
 * search, with the path unpacked into the caller's step ids.
 *
 * The network half (net_ch.c) builds the state graph of a network for one
 * metric -- objective (time, cost, CO2e) and cargo unit, quantity 1, all
 * modes, links open today, no avoided places, the default document options
 * -- and hands it to ch.c; the query layer (query/plan.c) uses it only for
 * queries with exactly that metric and falls back to Dijkstra otherwise
 * (docs/ARCHITECTURE.md).
 *
 * Thread rules: a built sr__ch is read-only and may be queried from any
 * number of threads at once; each query takes scratch space from a pool
 * guarded by a mutex (sr__ch_query()).
 */
#ifndef SR_CH_H
#define SR_CH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "silkroute.h"

#define SR__CH_NONE UINT32_MAX

/* One input arc: tail -> head with weight w >= 0, step: the caller's id. */
typedef struct sr__ch_arc {
    uint32_t tail, head;
    double w;
    uint32_t step;
} sr__ch_arc;

/* An edge of the hierarchy, 16 bytes so that four share a cache line:
 * `other` is the higher-ranked end; `via` is, for a shortcut,
 * SR__CH_SHORTCUT | the rank of the contracted node it bypasses, and for
 * an input arc its step id (below SR__CH_SHORTCUT).  Building refuses a
 * graph whose node count or step ids reach that bit. */
#define SR__CH_SHORTCUT 0x80000000u
typedef struct sr__ch_edge {
    uint32_t other;
    uint32_t via;
    double w;
} sr__ch_edge;

struct sr__ch_scratch;

typedef struct sr__ch {
    uint32_t n;             /* nodes, numbered by rank (0 contracted first) */
    uint32_t *node_of;      /* caller's node -> rank */
    /* up[x]: edges x -> other with rank other > x (forward search);
     * dn[x]: edges other -> x with rank other > x (backward search). */
    uint32_t *up_off, *dn_off;  /* n + 1 each */
    sr__ch_edge *up, *dn;
    /* up_half[2i], up_half[2i+1] (dn_half likewise): for a shortcut
     * tail -> m -> head, the index in dn[] of its first half tail -> m and
     * the index in up[] of its second half m -> head (both stored at m);
     * NONE, NONE for an input arc.  Unpacking follows them instead of
     * searching m's edge lists. */
    uint32_t *up_half, *dn_half;
    uint64_t n_up, n_dn;
    uint64_t n_shortcuts;
    /* Set when the arrays live in a mapped file (srn/srn.c frees them). */
    int borrowed;
    int lock_ready;         /* lock initialised (sr__ch_init_loaded) */
    pthread_mutex_t lock;
    struct sr__ch_scratch *pool;
    /* A check run once, under the lock, before the first query: a mapped
     * file's hierarchy is verified (checksums, structure) on first use
     * rather than when the file is opened (srn/srn.c).  It returns 0 when
     * the arrays are sound, else writes why into msg.  check_ctx is freed
     * with the hierarchy.  check_state: 0 not run, 1 sound, 2 corrupted
     * (check_msg says why); NULL check: sound. */
    int (*check)(const struct sr__ch *ch, void *ctx, char *msg, size_t cap);
    void *check_ctx;
    atomic_int check_state;
    char check_msg[384];
} sr__ch;

/* How hard the contraction looks for witnesses.  A witness search (a
 * Dijkstra from a neighbour, avoiding the node being contracted) stops
 * after this many settled nodes; a path it did not find becomes a
 * shortcut, so a bound only adds shortcuts and the hierarchy stays exact
 * (tests/test_ch.c builds with a bound of 1).  A higher bound finds more
 * witnesses: fewer shortcuts, a smaller query search, a slower build.
 * full_update: a contracted node with at most this many neighbours has
 * them all re-evaluated; above it only their level term changes, and the
 * queue's top is re-evaluated (lazily) before it is contracted. */
typedef struct sr__ch_limits {
    int sim_settle;       /* while estimating a node's importance */
    int wit_settle;       /* while contracting it */
    size_t full_update;
} sr__ch_limits;
#define SR__CH_SIM_SETTLE 100
#define SR__CH_WIT_SETTLE 500
#define SR__CH_FULL_UPDATE SIZE_MAX

/* Build the hierarchy of n nodes and the arcs (copied; any order, parallel
 * arcs allowed).  progress (may be NULL) is called now and then with the
 * share done.  Returns NULL when memory runs out, or when n or a step id
 * is not below SR__CH_SHORTCUT. */
sr__ch *sr__ch_build(uint32_t n, const sr__ch_arc *arcs, size_t n_arcs, void (*progress)(void *, double),
                     void *ctx);
/* The same with the witness bounds given (NULL: the defaults above). */
sr__ch *sr__ch_build_limits(uint32_t n, const sr__ch_arc *arcs, size_t n_arcs, const sr__ch_limits *lim,
                            void (*progress)(void *, double), void *ctx);
/* Prepare a hierarchy whose arrays were set by the caller (a mapped file). */
void sr__ch_init_loaded(sr__ch *ch);
void sr__ch_free(sr__ch *ch);

/* Run the hierarchy's first-use check now if it has not run (thread-safe);
 * 0 when sound, -1 when corrupted (ch->check_msg says why). */
int sr__ch_checked(sr__ch *ch);

/*
 * The shortest path from any of src[0..ns) to any of dst[0..nd) (caller's
 * node numbers).  On success returns 0 with *dist and the steps of the
 * path in order in *steps (malloc()ed, *n_steps of them; the caller frees);
 * 1 when no path exists; -1 when memory runs out; -2 when the hierarchy's
 * first-use check found it corrupted (ch->check_msg).
 */
int sr__ch_query(sr__ch *ch, const uint32_t *src, size_t ns, const uint32_t *dst, size_t nd, double *dist,
                 uint32_t **steps, size_t *n_steps);

/* ---- the network's hierarchies (net_ch.c) -------------------------------- */

/* The metrics a network may carry hierarchies for: objective x unit. */
#define SR__CH_OBJECTIVES 3 /* SR_BY_TIME, SR_BY_COST, SR_BY_CO2 */

/*
 * On a network with document rules (documents/) the default query's
 * document weights -- year 0, the CIM/SMGS common note, the TIR road
 * regime, the metric's unit, quantity 1 -- are fixed per arc and transfer
 * except for one thing: whether a border arc's tail lies in the origin's
 * customs territory (export clearance and the TIR carnet instead of
 * closing a transit) and its head in the destination's (import clearance
 * instead of opening one).  So the origin countries are grouped into
 * classes that give every arc the same weight, likewise the destination
 * countries, and one hierarchy is built per metric and pair of classes
 * (net_ch.c, sr__net_ch_docs_classes()).  On data/ the import and transit
 * rows cost the same, so there is one destination class.
 */
typedef struct sr__net_ch_docs {
    uint64_t serial;        /* the sr__docs serial the classes were made for */
    uint32_t n_countries;   /* the document rules' country indexes */
    uint32_t n_ocls, n_dcls;
    uint32_t *ocls, *dcls;  /* per country index: origin / destination class */
    uint32_t *orep, *drep;  /* per class: a place in one of its countries */
    /* per metric: n_ocls * n_dcls hierarchies, [oc * n_dcls + dc]; NULL
     * until built */
    sr__ch **ch[SR__CH_OBJECTIVES][SR_UNIT_COUNT];
} sr__net_ch_docs;

typedef struct sr__net_ch {
    /* State numbering: state = place * n_classes + class; the hierarchy's
     * caller node numbers are these states. */
    uint32_t n_classes;
    /* A network without document rules: one hierarchy per metric. */
    sr__ch *ch[SR__CH_OBJECTIVES][SR_UNIT_COUNT]; /* NULL: not built */
    /* A network with document rules: the hierarchies per territory class
     * (NULL when the network has no document rules). */
    sr__net_ch_docs *docs;
} sr__net_ch;

/* Build the hierarchy of one metric on net (whose arrays must be final).
 * On a network with document rules, from and to are places whose customs
 * territories the document weights are those of (a default query between
 * them); without rules they are ignored. */
sr__ch *sr__net_ch_build(const sr_network *net, sr_objective obj, sr_unit unit, uint32_t from, uint32_t to,
                         void (*progress)(void *, double), void *ctx);
/* The weight a state-graph arc or transfer has under the metric: the same
 * expression the router's Dijkstra uses at quantity 1 (route.c), or
 * INFINITY when the arc is not usable for a default query.  dq: the
 * default document query of the hierarchy (NULL: no document rules). */
struct sr__doc_query;
double sr__net_ch_arc_weight(const sr_network *net, sr_objective obj, sr_unit unit, const struct sr__doc_query *dq,
                             uint32_t a);
double sr__net_ch_xfer_weight(const sr_network *net, sr_objective obj, sr_unit unit, const struct sr__doc_query *dq,
                              uint32_t x);
/* Group the document rules' countries into origin and destination classes
 * (nc->docs); 0, or -1 when memory runs out.  Does nothing when the
 * network has no rules or the classes are already made. */
int sr__net_ch_docs_classes(const sr_network *net, sr__net_ch *nc);
/* The hierarchy of a metric for a default query from place `from` to
 * place `to`, or NULL when none is built. */
sr__ch *sr__net_ch_for(const sr_network *net, sr_objective obj, sr_unit unit, uint32_t from, uint32_t to);
void sr__net_ch_free(sr__net_ch *nc);

#endif
