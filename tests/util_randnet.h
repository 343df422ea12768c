/*
 * util_randnet.h - random small multimodal datasets and an independent
 * reference model of the router, shared by the differential and property
 * tests of the router (test_route_diff.c, test_route_props.c).
 *
 * Why a separate model: the tests must not trust the library's own arrays
 * (network.h) to decide what the right answer is.  The generator keeps
 * every figure it writes to the CSV files in plain structs, and the brute
 * force and the route checker below work only from those structs and the
 * semantics in docs/DATA.md.  Agreement with the library is then evidence,
 * not a tautology.
 */
#ifndef UTIL_RANDNET_H
#define UTIL_RANDNET_H

#include <stddef.h>
#include <stdint.h>

#include "silkroute.h"

#define RN_MAXP 12
#define RN_MAXL 48
#define RN_MAXX 48
#define RN_MAXT 64

/* The model's own class numbers (not the library's): the three gauges
 * 1435, 1520 and Spain's 1668 mm, road, sea, air.  The library numbers a
 * further gauge in the order its loader meets it, so the checker maps the
 * library's classes to these by name (rn_class_of()). */
enum { RN_RAIL1435 = 0, RN_RAIL1520, RN_ROAD, RN_SEA, RN_AIR, RN_RAIL1668, RN_NCLS };
extern const char *const rn_class_names[RN_NCLS];
/* The model class of a library class of net, or -1. */
int rn_class_of(const sr_network *net, sr_class c);
/* Is a model class a rail gauge? */
int rn_class_is_rail(int c);

typedef struct rn_link {
    int from, to;
    sr_mode mode;
    int gauge;              /* rail only */
    int cls;                /* model class (RN_*) */
    double dist, dur;       /* dur: as the loader sees it (default applied) */
    double cost[SR_UNIT_COUNT];
    double co2f;            /* kg per t-km (default applied) */
    sr_status status;
    int open_year;          /* 0: none */
    int crossing;           /* -1: none */
    int directed;
} rn_link;

typedef struct rn_crossing {
    char id[16];
    int a, b;
    sr_mode mode;
    double dwell;
    double fee[SR_UNIT_COUNT];
} rn_crossing;

typedef struct rn_xfer {
    int place, c1, c2;      /* applies both ways */
    double dur;
    double cost[SR_UNIT_COUNT];
} rn_xfer;

typedef struct rn_net {
    int np, ncc;
    int coarse;             /* few distinct small values: many ties */
    char id[RN_MAXP][16];
    char country[RN_MAXP][3];
    double lat[RN_MAXP], lon[RN_MAXP];
    int nl;
    rn_link links[RN_MAXL];
    int nx;
    rn_crossing crossings[RN_MAXX];
    int nt;
    rn_xfer xfers[RN_MAXT];
    double speed[SR_MODE_COUNT], perkm[SR_MODE_COUNT][SR_UNIT_COUNT], co2f[SR_MODE_COUNT];
    unsigned units[SR_MODE_COUNT];
    double tonnes[SR_UNIT_COUNT];
    /* how each optional link field was written, to exercise loader defaults */
    uint8_t wrote_dur[RN_MAXL], wrote_cost[RN_MAXL], wrote_co2[RN_MAXL];
} rn_net;

/* A query in model terms; rn_options() turns it into sr_route_options. */
typedef struct rn_query {
    int from, to;
    sr_objective obj;
    int pareto;
    double wt, wc, we;
    unsigned modes;
    int year;
    sr_unit unit;
    double qty;
    int max_tr;             /* -1 unlimited */
    int n_avoid_place, avoid_place[4];
    int n_avoid_x, avoid_x[4];
    int n_avoid_cc;
    char avoid_cc[3][3];
} rn_query;

/* Deterministic PRNG (splitmix64): the tests must fail the same way twice. */
uint64_t rn_next(uint64_t *s);
int rn_int(uint64_t *s, int lo, int hi);      /* inclusive */
double rn_unit(uint64_t *s);                   /* [0,1) */

/* Generate a random dataset. */
void rn_generate(rn_net *m, uint64_t *rng);
/* A fresh temp directory under /tmp (malloc()ed path), or NULL. */
char *rn_tempdir(void);
/* Write the dataset's CSV files into dir.  0 on success. */
int rn_write(const rn_net *m, const char *dir);
/* Remove the dataset files and the directory; frees dir. */
void rn_rmdir(char *dir);
/* Generate, write and open a random dataset; returns the network or NULL. */
sr_network *rn_open_random(rn_net *m, uint64_t *rng);

/* A random query (from != to, avoid lists not containing them). */
void rn_random_query(const rn_net *m, uint64_t *rng, rn_query *q);
/* Fill o from q; strings point into m. */
void rn_options(const rn_net *m, const rn_query *q, sr_route_options *o);

/* Brute force: exhaustive DFS over simple (place, class) paths. */
typedef struct rn_vec {
    double t, c, e;
} rn_vec;

typedef struct rn_brute {
    int found;
    rn_vec best[4];         /* the path minimising time, cost, co2, blend */
    double best_val[4];     /* its objective value */
    rn_vec *front;          /* non-dominated set (malloc()ed) */
    size_t n_front, cap_front;
    long nodes;
    int overflow;           /* node budget exhausted: result unusable */
} rn_brute;

void rn_brute_run(const rn_net *m, const rn_query *q, long node_budget, rn_brute *b);
void rn_brute_free(rn_brute *b);

/* The objective value of a vector under query q and objective obj. */
double rn_objective(const rn_query *q, sr_objective obj, rn_vec v);

/* Is the model link usable for q (mode, unit, year, avoid)?  Arc target
 * place `head` is checked against the avoid lists. */
int rn_arc_ok(const rn_net *m, const rn_query *q, int link, int head);

/*
 * Check a library route against the model: connectivity, link usage,
 * filters, transfers (places, kinds, counts), border crossings, per-leg
 * figures, and totals = legs + transfers + crossings.  Returns 0 when
 * valid, else -1 with a reason in why.  *v gets the totals recomputed
 * from the model.
 */
int rn_check_route(const rn_net *m, const rn_query *q, const sr_network *net, const sr_route *r, rn_vec *v,
                   char *why, size_t cap);

/* Relative closeness used by the tests. */
int rn_close(double a, double b, double rel);
int rn_vec_close(rn_vec a, rn_vec b, double rel);
/* a dominates b (weakly, with tolerance rel) */
int rn_dominates(rn_vec a, rn_vec b, double rel);

#endif
