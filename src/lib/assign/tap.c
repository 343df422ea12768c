/*
 * tap.c - the traffic assignment problem (sr_tap) and its solvers: Algorithm
 * B (Dial 2006) for user equilibrium and system optimum, and plain
 * Frank-Wolfe as the reference it is tested against.
 *
 * Algorithm B keeps, for every origin, a "bush": an acyclic subnetwork
 * rooted at the origin that carries all of the origin's flow.  Each pass
 * (1) prunes unused bush links and adds links that shorten the longest
 * bush paths (which keeps the bush acyclic), then (2) for every node in
 * reverse topological order shifts flow from the longest used path to the
 * shortest path, on the two segments between the node and the point where
 * the paths diverge, by a Newton step.  Bushes converge to tight gaps
 * because they shift exactly between path segments instead of moving all
 * flow toward an all-or-nothing solution as Frank-Wolfe does.
 *
 * Everything runs in one thread in a fixed order, so results are
 * deterministic.  Link flows are re-summed from the bush flows before each
 * gap computation so that round-off does not accumulate across passes.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>

#include "silkroute.h"
#include "tap.h"
#include "core/util.h"

/* ------------------------------------------------------------------------
 * Problem construction
 * ---------------------------------------------------------------------- */

static void seterr(sr_tap *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void seterr(sr_tap *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->errmsg, sizeof t->errmsg, fmt, ap);
    va_end(ap);
}

void sr_tap_options_init(sr_tap_options *o)
{
    memset(o, 0, sizeof *o);
    o->objective = SR_TAP_UE;
    o->algorithm = SR_TAP_ALGB;
    o->gap = 1e-6;
    o->max_iterations = 1000;
    o->threads = 1;
    o->unconnected = SR_TAP_UNCONNECTED_FAIL;
    o->stall_iterations = 25;
}

sr_code sr_tap_create(size_t n_nodes, size_t first_thru_node, sr_tap **out)
{
    *out = NULL;
    if (n_nodes > SR__TAP_MAX_NODES)
        return SR_ELIMIT;
    if (n_nodes == 0)
        return SR_EARG;
    sr_tap *t = calloc(1, sizeof *t);
    if (!t)
        return SR_ENOMEM;
    t->n_nodes = (uint32_t)n_nodes;
    if (first_thru_node < 1)
        first_thru_node = 1;
    if (first_thru_node > n_nodes + 1)
        first_thru_node = n_nodes + 1;
    t->first_thru = (uint32_t)(first_thru_node - 1);
    *out = t;
    return SR_OK;
}

void sr_tap_destroy(sr_tap *t)
{
    if (!t)
        return;
    free(t->tail);
    free(t->head);
    free(t->capacity);
    free(t->length);
    free(t->t0);
    free(t->b);
    free(t->power);
    free(t->toll);
    free(t->enabled);
    free(t->od_o);
    free(t->od_d);
    free(t->od_v);
    free(t->flow);
    free(t);
}

const char *sr_tap_errmsg(const sr_tap *t) { return t ? t->errmsg : ""; }

sr_code sr_tap_set_factors(sr_tap *t, double toll_factor, double distance_factor)
{
    if (!isfinite(toll_factor) || !isfinite(distance_factor) || toll_factor < 0 || distance_factor < 0) {
        seterr(t, "toll and distance factors must be finite and >= 0");
        return SR_EARG;
    }
    t->toll_factor = toll_factor;
    t->distance_factor = distance_factor;
    t->solved = 0;
    return SR_OK;
}

/* Grow the link arrays to hold n links. */
static int grow_links(sr_tap *t, uint32_t n)
{
    if (n <= t->cap_links)
        return 0;
    size_t nc = t->cap_links ? (size_t)t->cap_links * 2 : 64;
    if (nc < n)
        nc = n;
    void **arrs32[] = {(void **)&t->tail, (void **)&t->head};
    void **arrsd[] = {(void **)&t->capacity, (void **)&t->length, (void **)&t->t0,
                      (void **)&t->b,        (void **)&t->power,  (void **)&t->toll};
    for (size_t i = 0; i < 2; i++) {
        void *p = realloc(*arrs32[i], nc * sizeof(uint32_t));
        if (!p)
            return -1;
        *arrs32[i] = p;
    }
    for (size_t i = 0; i < 6; i++) {
        void *p = realloc(*arrsd[i], nc * sizeof(double));
        if (!p)
            return -1;
        *arrsd[i] = p;
    }
    void *p = realloc(t->enabled, nc);
    if (!p)
        return -1;
    t->enabled = p;
    t->cap_links = (uint32_t)nc;
    return 0;
}

static int finite_nonneg(double x) { return isfinite(x) && x >= 0; }

sr_code sr_tap_add_link(sr_tap *t, const sr_tap_link *l, size_t *index)
{
    if (l->from < 1 || l->from > t->n_nodes || l->to < 1 || l->to > t->n_nodes) {
        seterr(t, "link %u->%u: node out of range 1..%u", l->from, l->to, t->n_nodes);
        return SR_EARG;
    }
    if (!finite_nonneg(l->length) || !finite_nonneg(l->free_flow_time) || !finite_nonneg(l->b) ||
        !finite_nonneg(l->power) || !finite_nonneg(l->toll) || !isfinite(l->capacity) ||
        l->power > 100) {
        seterr(t, "link %u->%u: length, free flow time, b, power (<= 100) and toll must be finite and >= 0",
               l->from, l->to);
        return SR_EARG;
    }
    if (l->b > 0 && l->free_flow_time > 0 && !(l->capacity > 0)) {
        seterr(t, "link %u->%u: capacity must be > 0 when b > 0", l->from, l->to);
        return SR_EARG;
    }
    if (t->n_links >= SR__TAP_MAX_LINKS) {
        seterr(t, "more than %u links", SR__TAP_MAX_LINKS);
        return SR_ELIMIT;
    }
    if (grow_links(t, t->n_links + 1)) {
        seterr(t, "out of memory");
        return SR_ENOMEM;
    }
    uint32_t i = t->n_links++;
    t->tail[i] = l->from - 1;
    t->head[i] = l->to - 1;
    t->capacity[i] = l->capacity > 0 ? l->capacity : 1;
    t->length[i] = l->length;
    t->t0[i] = l->free_flow_time;
    t->b[i] = l->b;
    t->power[i] = l->power;
    t->toll[i] = l->toll;
    t->enabled[i] = 1;
    t->solved = 0;
    if (index)
        *index = i;
    return SR_OK;
}

sr_code sr_tap_add_demand(sr_tap *t, uint32_t from, uint32_t to, double flow)
{
    if (from < 1 || from > t->n_nodes || to < 1 || to > t->n_nodes) {
        seterr(t, "demand %u->%u: node out of range 1..%u", from, to, t->n_nodes);
        return SR_EARG;
    }
    if (!finite_nonneg(flow) || flow > 1e15) {
        seterr(t, "demand %u->%u: flow must be finite, >= 0 and <= 1e15", from, to);
        return SR_EARG;
    }
    if (flow == 0 || from == to)
        return SR_OK;
    if (t->n_od >= SR__TAP_MAX_OD) {
        seterr(t, "more than %u origin-destination pairs", SR__TAP_MAX_OD);
        return SR_ELIMIT;
    }
    if (t->n_od == t->cap_od) {
        size_t nc = t->cap_od ? (size_t)t->cap_od * 2 : 256;
        uint32_t *a = realloc(t->od_o, nc * sizeof *a);
        if (a)
            t->od_o = a;
        uint32_t *b = a ? realloc(t->od_d, nc * sizeof *b) : NULL;
        if (b)
            t->od_d = b;
        double *v = b ? realloc(t->od_v, nc * sizeof *v) : NULL;
        if (!v) {
            seterr(t, "out of memory");
            return SR_ENOMEM;
        }
        t->od_v = v;
        t->cap_od = (uint32_t)nc;
    }
    t->od_o[t->n_od] = from - 1;
    t->od_d[t->n_od] = to - 1;
    t->od_v[t->n_od] = flow;
    t->n_od++;
    t->solved = 0;
    return SR_OK;
}

sr_code sr_tap_set_capacity(sr_tap *t, size_t link, double capacity)
{
    if (link >= t->n_links || !isfinite(capacity) || !(capacity > 0)) {
        seterr(t, "set capacity: link %zu out of range or capacity not > 0", link);
        return SR_EARG;
    }
    t->capacity[link] = capacity;
    t->solved = 0;
    return SR_OK;
}

sr_code sr_tap_set_enabled(sr_tap *t, size_t link, int enabled)
{
    if (link >= t->n_links) {
        seterr(t, "link %zu out of range", link);
        return SR_EARG;
    }
    t->enabled[link] = enabled != 0;
    t->solved = 0;
    return SR_OK;
}

size_t sr_tap_node_count(const sr_tap *t) { return t->n_nodes; }
size_t sr_tap_link_count(const sr_tap *t) { return t->n_links; }

sr_code sr_tap_link_get(const sr_tap *t, size_t i, sr_tap_link *out)
{
    if (i >= t->n_links)
        return SR_EARG;
    out->from = t->tail[i] + 1;
    out->to = t->head[i] + 1;
    out->capacity = t->capacity[i];
    out->length = t->length[i];
    out->free_flow_time = t->t0[i];
    out->b = t->b[i];
    out->power = t->power[i];
    out->toll = t->toll[i];
    return SR_OK;
}

/* ------------------------------------------------------------------------
 * Solver state
 * ---------------------------------------------------------------------- */

typedef struct hkey {
    double d;
    uint32_t v;
} hkey;

/* Scratch of one shortest-path computation (one per thread). */
typedef struct spwork {
    double *dist;
    uint32_t *pred, *order;
    uint8_t *done;
    hkey *hk;
} spwork;

#define SR__TAP_MAX_THREADS 64

/* The solver's working copy: enabled links only, sorted into stars. */
typedef struct solver {
    sr_tap *t;
    int so;                  /* 1: system optimum (marginal costs) */
    uint32_t n, m;           /* nodes, (enabled) links */
    uint32_t first_thru;
    uint32_t *lk;            /* solver link -> tap link */
    uint32_t *tail, *head;
    double *fix, *t0, *bc, *pw, *cap; /* fix: toll and distance terms; bc = b */
    uint8_t *pk;             /* power kind: 0 zero, 1 one, 4 four, 2 general */
    uint32_t *out_off, *out_lk; /* forward star */
    uint32_t *in_off, *in_lk;   /* backward star */

    /* Demand in rows by origin. */
    uint32_t n_orig;
    uint32_t *orig;          /* origin node per row */
    uint32_t *dem_off, *dem_d;
    double *dem_v;
    double total_demand;     /* demand with a path */
    int skip_unconnected;    /* leave pairs without a path out (else fail) */
    double unc_demand;       /* demand left out for want of a path */
    long unc_pairs;

    double *flow, *cost, *der;

    /* Dijkstra scratch */
    double *dist;
    uint32_t *pred, *heap, *hpos;
    hkey *hk;                /* heap entries: at most one push per link, plus one */
    uint32_t threads;        /* for the gap's shortest paths */
    spwork tw[SR__TAP_MAX_THREADS]; /* per extra thread; [0] unused */
    double *spr;             /* shortest-path total per origin */
    uint32_t *order;         /* settle order */

    /* Bushes: n_orig x m */
    uint8_t *inb;
    double *bf;
    uint32_t *topo;          /* n_orig x n: topological order of bush nodes */
    uint32_t *topo_n;
    uint32_t *barc, *bn;     /* per bush: links by head in topological order */
    uint32_t *bcnt;          /* per bush and topological position: links into that node */
    /* Bush scratch */
    double *L, *U, *Ua;
    uint32_t *Lp, *Up, *pos, *indeg, *back;
    int orphans;             /* a shift met flow without inflow */
    int inner, sweeps, lazy;
    uint8_t *quiet;          /* per bush: its last sweep shifted nothing */
    double tolf;
    double *nflow;
} solver;

static inline double powk(double r, double p, uint8_t k)
{
    switch (k) {
    case 0: return 1.0;
    case 1: return r;
    case 4: { double r2 = r * r; return r2 * r2; }
    default: return r > 0 ? pow(r, p) : 0.0;
    }
}

/* Cost and its derivative for link a at flow v (marginal ones for SO). */
static inline void eval(const solver *s, uint32_t a, double v, double *c, double *d)
{
    double t0 = s->t0[a], b = s->bc[a], p = s->pw[a];
    if (t0 == 0 || b == 0) {
        *c = s->fix[a] + t0;
        *d = 0;
        return;
    }
    double r = v / s->cap[a];
    double rp = powk(r, p, s->pk[a]); /* (v/c)^p */
    double m = s->so ? (p + 1) : 1;
    *c = s->fix[a] + t0 * (1 + b * m * rp);
    if (p == 0) {
        *d = 0;
    } else {
        /* d/dv of t0*b*m*(v/c)^p = t0*b*m*p*(v/c)^(p-1)/c */
        /* (v/c)^(p-1) from (v/c)^p: one pow() per link update, not two. */
        double rq = p == 1 ? 1.0 : (s->pk[a] == 4 ? r * r * r : (r > 0 ? rp / r : 0.0));
        *d = t0 * b * m * p * rq / s->cap[a];
    }
}

static inline void update_link(solver *s, uint32_t a)
{
    eval(s, a, s->flow[a], &s->cost[a], &s->der[a]);
}

/* Link cost at flow v by the user's cost function (never marginal). */
static double user_cost(const solver *s, uint32_t a, double v)
{
    double t0 = s->t0[a], b = s->bc[a];
    if (t0 == 0 || b == 0)
        return s->fix[a] + t0;
    return s->fix[a] + t0 * (1 + b * powk(v / s->cap[a], s->pw[a], s->pk[a]));
}

/* Beckmann integral of link a at flow v. */
static double beckmann_link(const solver *s, uint32_t a, double v)
{
    double t0 = s->t0[a], b = s->bc[a], p = s->pw[a];
    double f = (s->fix[a] + t0) * v;
    if (t0 == 0 || b == 0)
        return f;
    return f + t0 * b * s->cap[a] / (p + 1) * powk(v / s->cap[a], p, s->pk[a]) * (v / s->cap[a]);
}

static void solver_free(solver *s)
{
    void *ps[] = {s->lk, s->tail, s->head, s->fix, s->t0, s->bc, s->pw, s->cap, s->pk,
                  s->out_off, s->out_lk, s->in_off, s->in_lk, s->orig, s->dem_off, s->dem_d,
                  s->dem_v, s->flow, s->cost, s->der, s->dist, s->pred, s->heap, s->hpos, s->hk,
                  s->order, s->inb, s->bf, s->topo, s->topo_n, s->barc, s->bn, s->bcnt, s->L, s->U, s->Ua, s->Lp, s->Up,
                  s->pos, s->indeg, s->back, s->nflow, s->quiet};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        free(ps[i]);
    for (int i = 1; i < SR__TAP_MAX_THREADS; i++) {
        free(s->tw[i].dist);
        free(s->tw[i].pred);
        free(s->tw[i].order);
        free(s->tw[i].done);
        free(s->tw[i].hk);
    }
    free(s->spr);
}

/* Order OD triples by origin, then destination, merging duplicates. */
static int od_cmp(const void *x, const void *y)
{
    const uint64_t *a = x, *b = y;
    return *a < *b ? -1 : *a > *b;
}

static sr_code solver_init(solver *s, sr_tap *t, int so)
{
    memset(s, 0, sizeof *s);
    s->t = t;
    s->so = so;
    uint32_t n = t->n_nodes, m = 0;
    for (uint32_t i = 0; i < t->n_links; i++)
        m += t->enabled[i];
    s->n = n;
    s->m = m;
    s->first_thru = t->first_thru;
    size_t M = m ? m : 1;
#define ALLOC(p, cnt) do { if (!((p) = calloc((cnt), sizeof *(p)))) goto nomem; } while (0)
    ALLOC(s->lk, M); ALLOC(s->tail, M); ALLOC(s->head, M); ALLOC(s->fix, M); ALLOC(s->t0, M);
    ALLOC(s->bc, M); ALLOC(s->pw, M); ALLOC(s->cap, M); ALLOC(s->pk, M);
    ALLOC(s->out_off, n + 1); ALLOC(s->out_lk, M); ALLOC(s->in_off, n + 1); ALLOC(s->in_lk, M);
    ALLOC(s->flow, M); ALLOC(s->cost, M); ALLOC(s->der, M);
    ALLOC(s->dist, n); ALLOC(s->pred, n); ALLOC(s->heap, n); ALLOC(s->hpos, n); ALLOC(s->order, n); ALLOC(s->hk, M + 1);
    {
        uint32_t j = 0;
        for (uint32_t i = 0; i < t->n_links; i++) {
            if (!t->enabled[i])
                continue;
            s->lk[j] = i;
            s->tail[j] = t->tail[i];
            s->head[j] = t->head[i];
            s->fix[j] = t->toll_factor * t->toll[i] + t->distance_factor * t->length[i];
            s->t0[j] = t->t0[i];
            s->bc[j] = t->b[i];
            s->pw[j] = t->power[i];
            s->cap[j] = t->capacity[i];
            s->pk[j] = t->power[i] == 0 ? 0 : t->power[i] == 1 ? 1 : t->power[i] == 4 ? 4 : 2;
            j++;
        }
    }
    for (uint32_t a = 0; a < m; a++) {
        s->out_off[s->tail[a] + 1]++;
        s->in_off[s->head[a] + 1]++;
    }
    for (uint32_t v = 0; v < n; v++) {
        s->out_off[v + 1] += s->out_off[v];
        s->in_off[v + 1] += s->in_off[v];
    }
    {
        uint32_t *fo = s->order, *fi = s->heap; /* scratch fill pointers */
        memcpy(fo, s->out_off, n * sizeof *fo);
        memcpy(fi, s->in_off, n * sizeof *fi);
        for (uint32_t a = 0; a < m; a++) {
            s->out_lk[fo[s->tail[a]]++] = a;
            s->in_lk[fi[s->head[a]]++] = a;
        }
    }
    /* Demand rows. */
    {
        size_t k = t->n_od;
        uint64_t *key = malloc((k ? k : 1) * sizeof *key);
        if (!key)
            goto nomem;
        for (size_t i = 0; i < k; i++)
            key[i] = ((uint64_t)t->od_o[i] << 32 | t->od_d[i]) << 0;
        /* Sort indices by key: pack index into a separate sort. */
        uint64_t *idx = malloc((k ? k : 1) * 2 * sizeof *idx);
        if (!idx) {
            free(key);
            goto nomem;
        }
        for (size_t i = 0; i < k; i++) {
            idx[2 * i] = key[i];
            idx[2 * i + 1] = i;
        }
        free(key);
        /* qsort pairs: compare first element only, ties by index (stable). */
        qsort(idx, k, 2 * sizeof *idx, od_cmp);
        uint32_t no = 0;
        for (size_t i = 0; i < k; i++)
            if (i == 0 || (idx[2 * i] >> 32) != (idx[2 * (i - 1)] >> 32))
                no++;
        s->n_orig = no;
        ALLOC(s->orig, no ? no : 1);
        ALLOC(s->dem_off, no + 1);
        ALLOC(s->dem_d, k ? k : 1);
        ALLOC(s->dem_v, k ? k : 1);
        uint32_t r = 0, nd = 0;
        for (size_t i = 0; i < k; i++) {
            uint32_t o = (uint32_t)(idx[2 * i] >> 32), d = (uint32_t)idx[2 * i];
            double v = t->od_v[idx[2 * i + 1]];
            if (i == 0 || o != s->orig[r - 1]) {
                s->orig[r] = o;
                s->dem_off[r] = nd;
                r++;
            }
            if (nd > s->dem_off[r - 1] && s->dem_d[nd - 1] == d) {
                s->dem_v[nd - 1] += v;
            } else {
                s->dem_d[nd] = d;
                s->dem_v[nd] = v;
                nd++;
            }
            s->total_demand += v;
        }
        s->dem_off[no] = nd;
        free(idx);
    }
    for (uint32_t a = 0; a < m; a++)
        update_link(s, a);
    return SR_OK;
nomem:
    solver_free(s);
    return SR_ENOMEM;
}

/* May flow of origin `o` leave node v?  Zones other than the origin are
 * sinks only. */
static inline int passable(const solver *s, uint32_t v, uint32_t o)
{
    return v >= s->first_thru || v == o;
}

#define NONE UINT32_MAX

/* Shortest paths from o with current costs; pred[] holds the link into
 * each node, order[] the settle order.  Returns the number settled.
 * Binary heap of (distance, node) pairs with lazy deletion: a node may sit
 * in the heap more than once and stale entries are skipped when popped,
 * which keeps the sift loops free of indirect loads. */
static uint32_t sp_run(const solver *s, const spwork *w, uint32_t o)
{
    uint32_t n = s->n, hn = 0, ns = 0;
    double *dist = w->dist;
    uint32_t *pred = w->pred;
    uint8_t *done = w->done;
    hkey *h = w->hk;
    for (uint32_t v = 0; v < n; v++) {
        dist[v] = INFINITY;
        pred[v] = NONE;
    }
    memset(done, 0, n);
    dist[o] = 0;
    h[hn++] = (hkey){0, o};
    while (hn) {
        hkey top = h[0];
        hkey last = h[--hn];
        /* Sift `last` down from the root. */
        uint32_t i = 0;
        for (;;) {
            uint32_t c = 2 * i + 1;
            if (c >= hn)
                break;
            if (c + 1 < hn && h[c + 1].d < h[c].d)
                c++;
            if (h[c].d >= last.d)
                break;
            h[i] = h[c];
            i = c;
        }
        if (hn)
            h[i] = last;
        uint32_t u = top.v;
        if (done[u] || top.d > dist[u])
            continue;
        done[u] = 1;
        w->order[ns++] = u;
        if (!passable(s, u, o))
            continue;
        double du = top.d;
        for (uint32_t k = s->out_off[u]; k < s->out_off[u + 1]; k++) {
            uint32_t a = s->out_lk[k], v = s->head[a];
            double nd = du + s->cost[a];
            if (nd < dist[v] && !done[v]) {
                dist[v] = nd;
                pred[v] = a;
                /* Push and sift up. */
                uint32_t j = hn++;
                while (j > 0) {
                    uint32_t p = (j - 1) / 2;
                    if (h[p].d <= nd)
                        break;
                    h[j] = h[p];
                    j = p;
                }
                h[j] = (hkey){nd, v};
            }
        }
    }
    return ns;
}

static uint32_t dijkstra(solver *s, uint32_t o)
{
    spwork w = {s->dist, s->pred, s->order, (uint8_t *)s->hpos, s->hk};
    return sp_run(s, &w, o);
}

/* Shortest-path totals of origins [lo, hi) into s->spr[], with workspace w:
 * one block of the gap computation, run by one thread. */
typedef struct spjob {
    const solver *s;
    spwork w;
    uint32_t lo, hi;
} spjob;

/* Shortest paths from the origin of bush r, started from the bush's own
 * shortest-path labels: every bush path is a path of the network, so
 * they are upper bounds, and near equilibrium they are nearly exact.  A
 * label-correcting pass (FIFO queue, every labelled node queued once in
 * topological order) then finds the few improvements outside the bush in
 * about one scan of the links, instead of a heap-ordered search from
 * nothing.  Falls back to Dijkstra if corrections pile up (never seen;
 * label correcting has no good worst case).  Reads the bush only, so
 * origins run in parallel. */
static void sp_warm(const solver *s, const spwork *w, uint32_t r)
{
    uint32_t n = s->n, o = s->orig[r];
    const uint32_t *topo = s->topo + (size_t)r * s->n, tn = s->topo_n[r];
    const uint32_t *ba = s->barc + (size_t)r * s->m, *bc = s->bcnt + (size_t)r * s->n;
    double *dist = w->dist;
    uint8_t *inq = w->done;
    uint32_t *q = w->order; /* ring of at most n queued nodes */
    for (uint32_t v = 0; v < n; v++)
        dist[v] = INFINITY;
    memset(inq, 0, n);
    dist[o] = 0;
    uint32_t k = 0;
    for (uint32_t i = 1; i < tn; i++) {
        uint32_t v = topo[i];
        double lv = INFINITY;
        for (uint32_t end = k + bc[i]; k < end; k++) {
            uint32_t a = ba[k];
            if (dist[s->tail[a]] + s->cost[a] < lv)
                lv = dist[s->tail[a]] + s->cost[a];
        }
        dist[v] = lv;
    }
    uint32_t qh = 0, qn = 0;
    for (uint32_t i = 0; i < tn; i++) {
        q[i] = topo[i];
        inq[topo[i]] = 1;
    }
    qn = tn;
    uint64_t scans = 0, budget = 4 * (uint64_t)n + 64;
    while (qn) {
        uint32_t u = q[qh];
        qh = qh + 1 == n ? 0 : qh + 1;
        qn--;
        inq[u] = 0;
        if (!passable(s, u, o))
            continue;
        if (++scans > budget) {
            sp_run(s, w, o);
            return;
        }
        double du = dist[u];
        for (uint32_t e = s->out_off[u]; e < s->out_off[u + 1]; e++) {
            uint32_t a = s->out_lk[e], v = s->head[a];
            double nd = du + s->cost[a];
            if (nd < dist[v]) {
                dist[v] = nd;
                if (!inq[v]) {
                    inq[v] = 1;
                    uint32_t t = qh + qn;
                    q[t >= n ? t - n : t] = v;
                    qn++;
                }
            }
        }
    }
}

static void *sp_block(void *arg)
{
    spjob *j = arg;
    const solver *s = j->s;
    for (uint32_t r = j->lo; r < j->hi; r++) {
        if (s->inb)
            sp_warm(s, &j->w, r);
        else
            sp_run(s, &j->w, s->orig[r]);
        double t = 0;
        for (uint32_t k = s->dem_off[r]; k < s->dem_off[r + 1]; k++)
            if (s->dem_v[k] > 0) /* pairs left out have no path: 0 * inf */
                t += s->dem_v[k] * j->w.dist[s->dem_d[k]];
        s->spr[r] = t;
    }
    return NULL;
}

/* Fill s->spr[] for all origins, with up to s->threads threads.  Each
 * origin's total is computed the same way whatever the thread count, and
 * the caller sums them in origin order, so results do not depend on it. */
static void sp_all(solver *s)
{
    uint32_t T = s->threads;
    if (T > s->n_orig / 4)
        T = s->n_orig / 4;
    if (T <= 1) {
        spjob j = {s, {s->dist, s->pred, s->order, (uint8_t *)s->hpos, s->hk}, 0, s->n_orig};
        sp_block(&j);
        return;
    }
    spjob jobs[SR__TAP_MAX_THREADS];
    pthread_t tid[SR__TAP_MAX_THREADS];
    int started[SR__TAP_MAX_THREADS] = {0};
    for (uint32_t i = 0; i < T; i++) {
        jobs[i].s = s;
        jobs[i].lo = (uint32_t)((uint64_t)s->n_orig * i / T);
        jobs[i].hi = (uint32_t)((uint64_t)s->n_orig * (i + 1) / T);
        if (i == 0) {
            jobs[i].w = (spwork){s->dist, s->pred, s->order, (uint8_t *)s->hpos, s->hk};
            continue;
        }
        jobs[i].w = s->tw[i];
        if (jobs[i].w.dist && pthread_create(&tid[i], NULL, sp_block, &jobs[i]) == 0)
            started[i] = 1;
    }
    sp_block(&jobs[0]);
    for (uint32_t i = 1; i < T; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else {
            jobs[i].w = (spwork){s->dist, s->pred, s->order, (uint8_t *)s->hpos, s->hk};
            sp_block(&jobs[i]);
        }
    }
}

/* Check every destination of origin row r is reachable (after dijkstra).
 * When unreachable pairs are to be skipped, their demand is set to 0 and
 * counted instead, so that nothing downstream loads or prices it. */
static sr_code check_reach(solver *s, uint32_t r)
{
    for (uint32_t k = s->dem_off[r]; k < s->dem_off[r + 1]; k++) {
        uint32_t d = s->dem_d[k];
        if (!isfinite(s->dist[d]) && s->skip_unconnected) {
            if (s->dem_v[k] > 0) {
                s->unc_demand += s->dem_v[k];
                s->unc_pairs++;
                s->total_demand -= s->dem_v[k];
                s->dem_v[k] = 0;
            }
        } else if (!isfinite(s->dist[d])) {
            seterr(s->t, "no path from node %u to node %u (demand %g)", s->orig[r] + 1, d + 1,
                   s->dem_v[k]);
            return SR_ENOROUTE;
        }
    }
    return SR_OK;
}

/* Gap statistics at the current flows.  Re-sums nothing; callers do. */
static void measure(solver *s, sr_tap_stats *st)
{
    double tstt = 0, sptt = 0, bk = 0, ttc = 0;
    for (uint32_t a = 0; a < s->m; a++) {
        update_link(s, a);
        tstt += s->flow[a] * s->cost[a];
        bk += beckmann_link(s, a, s->flow[a]);
        ttc += s->flow[a] * user_cost(s, a, s->flow[a]);
    }
    sp_all(s);
    for (uint32_t r = 0; r < s->n_orig; r++)
        sptt += s->spr[r];
    st->tstt = ttc;
    st->beckmann = bk;
    st->sptt = sptt;
    st->total_demand = s->total_demand;
    st->unconnected_demand = s->unc_demand;
    st->unconnected_pairs = s->unc_pairs;
    st->relative_gap = sptt > 0 ? tstt / sptt - 1 : 0;
    if (st->relative_gap < 0 && st->relative_gap > -1e-15)
        st->relative_gap = 0; /* round-off at an exact optimum */
    st->average_excess_cost = s->total_demand > 0 ? (tstt - sptt) / s->total_demand : 0;
    st->objective = s->so ? ttc : bk;
}

/* ------------------------------------------------------------------------
 * Frank-Wolfe (reference)
 * ---------------------------------------------------------------------- */

/* All-or-nothing loading of the current shortest paths into y[]. */
static void aon(solver *s, double *y)
{
    memset(y, 0, s->m * sizeof *y);
    double *nf = s->nflow;
    for (uint32_t r = 0; r < s->n_orig; r++) {
        uint32_t ns = dijkstra(s, s->orig[r]);
        for (uint32_t i = 0; i < ns; i++)
            nf[s->order[i]] = 0;
        for (uint32_t k = s->dem_off[r]; k < s->dem_off[r + 1]; k++)
            nf[s->dem_d[k]] += s->dem_v[k];
        for (uint32_t i = ns; i-- > 1;) {
            uint32_t v = s->order[i], a = s->pred[v];
            if (a == NONE || nf[v] == 0)
                continue;
            y[a] += nf[v];
            nf[s->tail[a]] += nf[v];
        }
    }
}

/* Directional derivative of the objective along d at flow + lambda*d. */
static double fw_slope(solver *s, const double *y, double lambda)
{
    double g = 0;
    for (uint32_t a = 0; a < s->m; a++) {
        double d = y[a] - s->flow[a];
        if (d == 0)
            continue;
        double c, dd;
        eval(s, a, s->flow[a] + lambda * d, &c, &dd);
        g += c * d;
    }
    return g;
}

static sr_code solve_fw(solver *s, const sr_tap_options *o, sr_tap_stats *st)
{
    double *y = malloc((s->m ? s->m : 1) * sizeof *y);
    if (!y)
        return SR_ENOMEM;
    aon(s, s->flow);
    long it = 0;
    sr_code rc = SR_ENOTCONVERGED;
    for (;;) {
        measure(s, st);
        st->iterations = it;
        if (st->relative_gap <= o->gap) {
            rc = SR_OK;
            break;
        }
        if (it >= o->max_iterations)
            break;
        aon(s, y);
        /* Bisection on the slope: exact line search to machine precision. */
        double lo = 0, hi = 1;
        if (fw_slope(s, y, 1) <= 0) {
            lo = 1;
        } else {
            for (int k = 0; k < 60; k++) {
                double mid = 0.5 * (lo + hi);
                if (fw_slope(s, y, mid) > 0)
                    hi = mid;
                else
                    lo = mid;
            }
        }
        for (uint32_t a = 0; a < s->m; a++)
            s->flow[a] += lo * (y[a] - s->flow[a]);
        it++;
    }
    free(y);
    return rc;
}

/* ------------------------------------------------------------------------
 * Algorithm B
 * ---------------------------------------------------------------------- */

/* Bush links grouped by head in the bush's topological order (backward-
 * star order within a head, so ties break as in a star scan), after a new
 * order.  bush_update() writes the same groups itself while it prunes and
 * adds, so they never hold a link outside the bush and the label passes
 * need not check. */
static void bush_arcs(solver *s, uint32_t r)
{
    const uint8_t *inb = s->inb + (size_t)r * s->m;
    const uint32_t *topo = s->topo + (size_t)r * s->n;
    uint32_t *ba = s->barc + (size_t)r * s->m, nb = 0, *bc = s->bcnt + (size_t)r * s->n;
    for (uint32_t i = 1, tn = s->topo_n[r]; i < tn; i++) {
        uint32_t v = topo[i], before = nb;
        for (uint32_t k = s->in_off[v]; k < s->in_off[v + 1]; k++)
            if (inb[s->in_lk[k]])
                ba[nb++] = s->in_lk[k];
        bc[i] = nb - before;
    }
    s->bn[r] = nb;
}

/* Kahn's algorithm over bush r; writes topo order, returns 0 or -1 if the
 * bush has a cycle (which the update rules exclude; checked anyway).
 * With grouped != 0 the link groups are current for the bush's links
 * (bush_update() has just written them over the same nodes), so they give
 * the in-degrees without a scan of every network link. */
static int bush_topo(solver *s, uint32_t r, int grouped)
{
    const uint8_t *inb = s->inb + (size_t)r * s->m;
    uint32_t *topo = s->topo + (size_t)r * s->n, n = s->n, o = s->orig[r];
    uint32_t *indeg = s->indeg, members = 1;
    if (grouped) {
        const uint32_t *bc = s->bcnt + (size_t)r * s->n;
        for (uint32_t i = 1, tn = s->topo_n[r]; i < tn; i++)
            if ((indeg[topo[i]] = bc[i]) > 0)
                members++;
    } else {
        memset(indeg, 0, n * sizeof *indeg);
        for (uint32_t a = 0; a < s->m; a++)
            if (inb[a] && indeg[s->head[a]]++ == 0)
                members++;
    }
    uint32_t qh = 0, qt = 0;
    topo[qt++] = o;
    while (qh < qt) {
        uint32_t u = topo[qh++];
        s->pos[u] = qh - 1;
        for (uint32_t k = s->out_off[u]; k < s->out_off[u + 1]; k++) {
            uint32_t a = s->out_lk[k];
            if (inb[a] && --indeg[s->head[a]] == 0)
                topo[qt++] = s->head[a];
        }
    }
    s->topo_n[r] = qt;
    /* Every node with a bush link into it must have been ordered, unless
     * a cycle blocked it (the origin has none: links into it never join). */
    if (qt != members)
        return -1;
    bush_arcs(s, r);
    return 0;
}

/* Initial bush: the shortest-path tree at current costs, loaded with the
 * origin's demand. */
static sr_code bush_init(solver *s, uint32_t r)
{
    uint8_t *inb = s->inb + (size_t)r * s->m;
    double *bf = s->bf + (size_t)r * s->m;
    uint32_t ns = dijkstra(s, s->orig[r]);
    sr_code rc = check_reach(s, r);
    if (rc)
        return rc;
    double *nf = s->nflow;
    for (uint32_t i = 0; i < ns; i++)
        nf[s->order[i]] = 0;
    for (uint32_t k = s->dem_off[r]; k < s->dem_off[r + 1]; k++)
        nf[s->dem_d[k]] += s->dem_v[k];
    for (uint32_t i = ns; i-- > 1;) {
        uint32_t v = s->order[i], a = s->pred[v];
        if (a == NONE)
            continue;
        inb[a] = 1;
        bf[a] = nf[v];
        nf[s->tail[a]] += nf[v];
    }
    bush_topo(s, r, 0);
    return SR_OK;
}

/* Shortest (L) and longest used (U) labels of bush r in topological order:
 * U is the longest path over links that carry flow (the shortest label at
 * nodes without flow).  With all_arcs, Ua also gets the longest path over
 * all bush links, which bush_update() needs to keep the bush acyclic. */
static void bush_labels(solver *s, uint32_t r, int all_arcs)
{
    const double *bf = s->bf + (size_t)r * s->m;
    const uint32_t *topo = s->topo + (size_t)r * s->n;
    uint32_t tn = s->topo_n[r];
    double *L = s->L, *U = s->U;
    uint32_t o = topo[0];
    /* Only bush nodes get labels; the bush holds every node reachable from
     * the origin, and the bush-growing test skips the others by position. */
    double *Ua = s->Ua;
    L[o] = U[o] = Ua[o] = 0;
    s->Lp[o] = s->Up[o] = NONE;
    /* The bush's links in topological order of their heads: one linear
     * scan instead of every node's full backward star. */
    const uint32_t *ba = s->barc + (size_t)r * s->m;
    const uint32_t *bc = s->bcnt + (size_t)r * s->n;
    uint32_t k = 0;
    const uint32_t *tail = s->tail;
    const double *cost = s->cost;
    uint32_t *Lp = s->Lp, *Up = s->Up;
    for (uint32_t i = 1; i < tn; i++) {
        uint32_t v = topo[i];
        if (bc[i] == 1) {
            /* Most bush nodes have one link in: nothing to compare, and
             * no unpredictable branch. */
            uint32_t a = ba[k++], u = tail[a];
            double c = cost[a], lv = L[u] + c;
            if (all_arcs)
                Ua[v] = Ua[u] + c;
            L[v] = lv;
            Lp[v] = Up[v] = a;
            U[v] = bf[a] > 0 ? U[u] + c : lv;
            continue;
        }
        double lv = INFINITY, uv = -INFINITY, av = -INFINITY;
        uint32_t lp = NONE, up = NONE;
        /* Selections written as conditional moves: which link is shortest
         * or longest is data-dependent and mispredicts as a branch. */
        for (uint32_t end = k + bc[i]; k < end; k++) {
            uint32_t a = ba[k];
            uint32_t u = tail[a];
            double c = cost[a];
            double tl = L[u] + c, tu = U[u] + c;
            int bl = tl < lv, bu = bf[a] > 0 && tu > uv;
            lv = bl ? tl : lv;
            lp = bl ? a : lp;
            uv = bu ? tu : uv;
            up = bu ? a : up;
            if (all_arcs && Ua[u] + c > av)
                av = Ua[u] + c;
        }
        if (all_arcs)
            Ua[v] = av;
        L[v] = lv;
        Lp[v] = lp;
        if (up == NONE) {
            U[v] = lv;
            Up[v] = lp;
        } else {
            U[v] = uv;
            Up[v] = up;
        }
    }
}

/* Prune unused links (keeping the shortest-path tree) and add links that
 * shorten longest used paths: (u,v) joins when U[u] + c < U[v], with U the
 * longest used-path label (the shortest label at nodes without flow), so
 * at a bush equilibrium the test is exactly the global optimality test
 * L[u] + c < L[v].  Links that go forward in the current topological
 * order cannot close a cycle; backward ones are kept only if the bush
 * stays acyclic.  Returns the number of links added, or -1. */
static long bush_update(solver *s, uint32_t r)
{
    uint8_t *inb = s->inb + (size_t)r * s->m;
    double *bf = s->bf + (size_t)r * s->m;
    uint32_t o = s->orig[r];
    const uint32_t *topo = s->topo + (size_t)r * s->n;
    /* One pass gives all three labels: pruning removes neither a shortest
     * path link nor one with flow, so L and U stay as they are. */
    bush_labels(s, r, 1);
    uint32_t tn = s->topo_n[r];
    for (uint32_t v = 0; v < s->n; v++)
        s->pos[v] = UINT32_MAX;
    for (uint32_t i = 0; i < tn; i++)
        s->pos[topo[i]] = i;
    /* One pass over the backward stars of the bush's nodes in topological
     * order both prunes and adds, and writes the new link groups as
     * bush_arcs() would (links into nodes outside the bush stay out). */
    uint32_t *ba = s->barc + (size_t)r * s->m, nb = 0, *bc = s->bcnt + (size_t)r * s->n;
    long added = 0;
    uint32_t nback = 0;
    for (uint32_t i = 1; i < tn; i++) {
        uint32_t v = topo[i], before = nb;
        for (uint32_t k = s->in_off[v]; k < s->in_off[v + 1]; k++) {
            uint32_t a = s->in_lk[k];
            if (inb[a]) {
                if (!(bf[a] <= 0 && s->Lp[v] != a)) {
                    ba[nb++] = a;
                    continue;
                }
                /* Pruned; it may join again below, as a shortcut. */
                inb[a] = 0;
                bf[a] = 0;
            }
            uint32_t u = s->tail[a];
            if (!passable(s, u, o) || s->pos[u] == UINT32_MAX || !(s->U[u] + s->cost[a] < s->U[v]))
                continue;
            if (s->pos[u] > i) {
                if (!(s->Ua[u] < s->Ua[v]))
                    continue;
                s->back[nback++] = a;
            }
            inb[a] = 1;
            ba[nb++] = a;
            added++;
        }
        bc[i] = nb - before;
    }
    s->bn[r] = nb;
    /* Pruning and links forward in the order keep the topological order
     * valid; only backward links need a new one. */
    if (nback == 0)
        return added;
    if (bush_topo(s, r, 1) == 0)
        return added;
    /* A backward link closed a cycle: drop the backward ones. */
    for (uint32_t k = 0; k < nback; k++)
        inb[s->back[k]] = 0;
    added -= nback;
    if (bush_topo(s, r, 0))
        return -1;
    return added;
}

/* One equilibration sweep of bush r: Newton shifts from the longest used
 * to the shortest path segment at each node, last node first.  Returns the
 * largest label difference U - L seen at a node carrying flow. */
static double bush_shift(solver *s, uint32_t r, double tol)
{
    double *bf = s->bf + (size_t)r * s->m;
    const uint32_t *topo = s->topo + (size_t)r * s->n;
    uint32_t tn = s->topo_n[r];
    bush_labels(s, r, 0);
    for (uint32_t i = 0; i < tn; i++)
        s->pos[topo[i]] = i;
    double maxdiff = 0;
    for (uint32_t i = tn; i-- > 1;) {
        uint32_t j = topo[i];
        double diff = s->U[j] - s->L[j];
        if (!(diff > tol * (s->L[j] > 1 ? s->L[j] : 1)))
            continue;
        if (diff > maxdiff)
            maxdiff = diff;
        /* Find where the two paths into j meet. */
        uint32_t x = s->tail[s->Lp[j]], y = s->tail[s->Up[j]];
        while (x != y) {
            if (s->pos[x] > s->pos[y])
                x = s->tail[s->Lp[x]];
            else
                y = s->tail[s->Up[y]];
        }
        uint32_t mnode = x;
        double cl = 0, cu = 0, dsum = 0, maxshift = INFINITY;
        for (uint32_t v = j; v != mnode;) {
            uint32_t a = s->Lp[v];
            cl += s->cost[a];
            dsum += s->der[a];
            v = s->tail[a];
        }
        for (uint32_t v = j; v != mnode;) {
            uint32_t a = s->Up[v];
            cu += s->cost[a];
            dsum += s->der[a];
            if (bf[a] < maxshift)
                maxshift = bf[a];
            v = s->tail[a];
        }
        if (!(maxshift > 0))
            s->orphans = 1;
        if (!(cu > cl) || !(maxshift > 0))
            continue;
        double dx = dsum > 0 ? (cu - cl) / dsum : maxshift;
        int all = 0;
        if (dx >= maxshift) {
            dx = maxshift;
            all = 1;
        }
        for (uint32_t v = j; v != mnode;) {
            uint32_t a = s->Up[v];
            /* Links that should empty together can differ in the last
             * bits; empty them all so no node keeps outflow without
             * inflow. */
            if (all && bf[a] - dx <= 1e-11 * bf[a]) {
                bf[a] = 0;
            } else {
                bf[a] -= dx;
                if (bf[a] < 0)
                    bf[a] = 0;
            }
            s->flow[a] -= dx;
            if (s->flow[a] < 0)
                s->flow[a] = 0;
            update_link(s, a);
            v = s->tail[a];
        }
        for (uint32_t v = j; v != mnode;) {
            uint32_t a = s->Lp[v];
            bf[a] += dx;
            s->flow[a] += dx;
            update_link(s, a);
            v = s->tail[a];
        }
    }
    return maxdiff;
}

/* Remove flow that leaves a bush node without entering it (a residue of
 * round-off), upstream first so that removals cascade. */
static void bush_fix(solver *s, uint32_t r)
{
    double *bf = s->bf + (size_t)r * s->m;
    const uint32_t *topo = s->topo + (size_t)r * s->n;
    const uint32_t *ba = s->barc + (size_t)r * s->m, *bc = s->bcnt + (size_t)r * s->n;
    /* One pass over the bush's links in topological order of their heads:
     * a node's in-links all come before its out-links, so when a link is
     * reached its tail is known to have inflow or not (U[] as a flag). */
    double *dry = s->U;
    dry[topo[0]] = 0;
    uint32_t k = 0;
    for (uint32_t i = 1, tn = s->topo_n[r]; i < tn; i++) {
        double in = 0;
        for (uint32_t end = k + bc[i]; k < end; k++) {
            uint32_t a = ba[k];
            if (dry[s->tail[a]] != 0 && bf[a] > 0) {
                s->flow[a] -= bf[a];
                if (s->flow[a] < 0)
                    s->flow[a] = 0;
                bf[a] = 0;
                update_link(s, a);
            }
            in += bf[a];
        }
        dry[topo[i]] = in > 0 ? 0 : 1;
    }
}

/* Re-sum link flows from bush flows in a fixed order. */
static void resum(solver *s)
{
    memset(s->flow, 0, s->m * sizeof *s->flow);
    for (uint32_t r = 0; r < s->n_orig; r++) {
        const double *bf = s->bf + (size_t)r * s->m;
        for (uint32_t a = 0; a < s->m; a++)
            s->flow[a] += bf[a];
    }
    for (uint32_t a = 0; a < s->m; a++)
        update_link(s, a);
}

static sr_code solve_b(solver *s, const sr_tap_options *o, sr_tap_stats *st)
{
    size_t cells = (size_t)s->n_orig * s->m;
    if (cells > SR__TAP_MAX_BUSH_CELLS || (size_t)s->n_orig * s->n > SR__TAP_MAX_BUSH_CELLS) {
        seterr(s->t, "problem too large for bush storage (%u origins x %u links)", s->n_orig, s->m);
        return SR_ELIMIT;
    }
    size_t C = cells ? cells : 1, N = s->n;
    if (!(s->inb = calloc(C, 1)) || !(s->bf = calloc(C, sizeof *s->bf)) ||
        !(s->topo = calloc((size_t)(s->n_orig ? s->n_orig : 1) * N, sizeof *s->topo)) ||
        !(s->topo_n = calloc(s->n_orig ? s->n_orig : 1, sizeof *s->topo_n)) ||
        !(s->barc = calloc(C, sizeof *s->barc)) ||
        !(s->bcnt = calloc((size_t)(s->n_orig ? s->n_orig : 1) * N, sizeof *s->bcnt)) || !(s->bn = calloc(s->n_orig ? s->n_orig : 1, sizeof *s->bn)) ||
        !(s->L = calloc(N, sizeof *s->L)) || !(s->U = calloc(N, sizeof *s->U)) || !(s->Ua = calloc(N, sizeof *s->Ua)) || !(s->quiet = calloc(s->n_orig ? s->n_orig : 1, 1)) ||
        !(s->Lp = calloc(N, sizeof *s->Lp)) || !(s->Up = calloc(N, sizeof *s->Up)) ||
        !(s->pos = calloc(N, sizeof *s->pos)) || !(s->back = calloc(s->m ? s->m : 1, sizeof *s->back)) || !(s->indeg = calloc(N, sizeof *s->indeg)))
        return SR_ENOMEM;
    /* Initial loading: free-flow (or current) shortest paths. */
    for (uint32_t r = 0; r < s->n_orig; r++) {
        sr_code rc = bush_init(s, r);
        if (rc)
            return rc;
    }
    resum(s);
    /* Tuned on Chicago-Sketch, Winnipeg and Barcelona (CPU time to gaps
     * 1e-4, 1e-6 and 1e-10): two sweeps per bush right after its update,
     * then ten sweeps over all bushes (cheap: no bush changes, and a bush
     * whose last sweep found nothing to shift sits the rest of the
     * iteration out), shifting only where a node's path costs differ by
     * more than 1e-2 of the current gap (1e-3 cost 15 % more CPU over
     * those nine runs; 3e-2 and more inner sweeps made some tight solves
     * take two to six times the iterations). */
    s->inner = 2;
    s->sweeps = 10;
    s->lazy = 1;
    s->tolf = 1e-2;
    long it = 0, since = 0;
    double ref = INFINITY; /* gap when it last fell by 1 % */
    for (;;) {
        measure(s, st);
        st->iterations = it;
        if (st->relative_gap <= o->gap)
            return SR_OK;
        if (it >= o->max_iterations)
            return SR_ENOTCONVERGED;
        /* A stall (the gap no longer falling, as round-off or a bush that
         * cannot grow would cause) is reported, never iterated on
         * silently up to the iteration limit. */
        if (st->relative_gap < 0.99 * ref) {
            ref = st->relative_gap;
            since = 0;
        } else if (o->stall_iterations > 0 && ++since >= o->stall_iterations) {
            return SR_ESTALLED;
        }
        /* Shift tolerance follows the gap so early passes stay cheap. */
        double tol = st->relative_gap * s->tolf;
        if (tol > 1e-3)
            tol = 1e-3;
        if (tol < 1e-16)
            tol = 1e-16;
        /* Two rounds of bush updates per iteration, the second after the
         * sweeps.  The gap left after the sweeps is almost all outside
         * the bushes (Winnipeg at 1e-4: 3.5e-5 between the bushes' and
         * the network's shortest paths, 3e-6 within them): the sweeps
         * move costs, and shortcuts that appear then wait for the next
         * iteration's update.  The second round takes them in before the
         * gap is measured, so flow reaches them that the gap would
         * otherwise count, and the objective falls faster per unit of gap
         * (every 1e-4 and 1e-6 objective of the TNTP networks then below
         * tap-b's, against five above it at 1e-4 with one round;
         * docs/PERFORMANCE.md).  The second round shifts once per bush:
         * two shifts there made Chicago-Sketch with tolls take 47
         * iterations to 1e-10 instead of 15 (one shift: 10). */
        for (int round = 0; round < 2; round++) {
            for (uint32_t r = 0; r < s->n_orig; r++) {
                long ad = bush_update(s, r);
                if (ad < 0) {
                    seterr(s->t, "internal error: bush of node %u has a cycle", s->orig[r] + 1);
                    return SR_EINTERNAL;
                }
                s->quiet[r] = 0;
                for (int k = 0; k < (round ? 1 : s->inner); k++) {
                    s->orphans = 0;
                    double md = bush_shift(s, r, tol);
                    s->quiet[r] = md == 0;
                    if (s->orphans)
                        bush_fix(s, r);
                    if (md == 0)
                        break;
                }
            }
            if (round == 1)
                break;
            /* Extra sweeps without bush changes settle the coupling
             * between origins cheaply. */
            for (int pass = 0; pass < s->sweeps; pass++)
                for (uint32_t r = 0; r < s->n_orig; r++) {
                    if (s->lazy && s->quiet[r])
                        continue;
                    s->orphans = 0;
                    s->quiet[r] = bush_shift(s, r, tol) == 0;
                    if (s->orphans)
                        bush_fix(s, r);
                }
        }
        resum(s);
        it++;
    }
}

sr_code sr_tap_solve(sr_tap *t, const sr_tap_options *opt, sr_tap_stats *stats)
{
    sr_tap_options def;
    if (!opt) {
        sr_tap_options_init(&def);
        opt = &def;
    }
    t->errmsg[0] = 0;
    if (!(opt->gap >= 0) || opt->max_iterations < 0 || opt->threads < 0 ||
        (opt->objective != SR_TAP_UE && opt->objective != SR_TAP_SO) ||
        (opt->algorithm != SR_TAP_ALGB && opt->algorithm != SR_TAP_FW) || opt->stall_iterations < 0 ||
        (opt->unconnected != SR_TAP_UNCONNECTED_FAIL && opt->unconnected != SR_TAP_UNCONNECTED_SKIP)) {
        seterr(t, "bad options (gap must be >= 0, max_iterations and stall_iterations >= 0)");
        return SR_EARG;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    solver s;
    sr_code rc = solver_init(&s, t, opt->objective == SR_TAP_SO);
    if (rc) {
        seterr(t, "out of memory");
        return rc;
    }
    s.skip_unconnected = opt->unconnected == SR_TAP_UNCONNECTED_SKIP;
    /* Workspaces of the extra gap threads; a thread whose workspace cannot
     * be allocated is simply not used. */
    s.threads = opt->threads > 1 ? (uint32_t)(opt->threads > SR__TAP_MAX_THREADS ? SR__TAP_MAX_THREADS : opt->threads) : 1;
    for (uint32_t i = 1; i < s.threads; i++) {
        spwork *w = &s.tw[i];
        w->dist = malloc(s.n * sizeof *w->dist);
        w->pred = malloc(s.n * sizeof *w->pred);
        w->order = malloc(s.n * sizeof *w->order);
        w->done = malloc(s.n ? s.n : 1);
        w->hk = malloc(((size_t)s.m + 1) * sizeof *w->hk);
        if (!w->dist || !w->pred || !w->order || !w->done || !w->hk) {
            free(w->dist);
            free(w->pred);
            free(w->order);
            free(w->done);
            free(w->hk);
            memset(w, 0, sizeof *w);
        }
    }
    if (!(s.spr = calloc(s.n_orig ? s.n_orig : 1, sizeof *s.spr)) || !(s.nflow = calloc(s.n, sizeof *s.nflow))) {
        solver_free(&s);
        seterr(t, "out of memory");
        return SR_ENOMEM;
    }
    sr_tap_stats st;
    memset(&st, 0, sizeof st);
    /* Every destination must be reachable before anything else (Algorithm
     * B checks while it builds its initial bushes). */
    for (uint32_t r = 0; opt->algorithm == SR_TAP_FW && r < s.n_orig && rc == SR_OK; r++) {
        dijkstra(&s, s.orig[r]);
        rc = check_reach(&s, r);
    }
    if (rc == SR_OK) {
        if (opt->algorithm == SR_TAP_FW)
            rc = solve_fw(&s, opt, &st);
        else
            rc = solve_b(&s, opt, &st);
        if (rc == SR_ENOMEM)
            seterr(t, "out of memory");
        if (rc == SR_ENOTCONVERGED)
            seterr(t, "iteration limit %ld reached at relative gap %.3g (requested %.3g)",
                   opt->max_iterations, st.relative_gap, opt->gap);
        if (rc == SR_ESTALLED)
            seterr(t, "stalled: relative gap %.3g did not fall by 1%% in %ld iterations (requested %.3g, %ld iterations)",
                   st.relative_gap, opt->stall_iterations, opt->gap, st.iterations);
    }
    if (rc == SR_OK || rc == SR_ENOTCONVERGED || rc == SR_ESTALLED) {
        double *f = realloc(t->flow, (t->n_links ? t->n_links : 1) * sizeof *f);
        if (!f) {
            rc = SR_ENOMEM;
            seterr(t, "out of memory");
        } else {
            t->flow = f;
            memset(f, 0, (t->n_links ? t->n_links : 1) * sizeof *f);
            for (uint32_t a = 0; a < s.m; a++)
                f[s.lk[a]] = s.flow[a];
            clock_gettime(CLOCK_MONOTONIC, &t1);
            st.seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
            t->stats = st;
            t->solved = 1;
        }
    }
    solver_free(&s);
    if (stats)
        *stats = st;
    return rc;
}

double sr_tap_link_flow(const sr_tap *t, size_t i)
{
    return (t->solved && i < t->n_links) ? t->flow[i] : 0;
}

double sr_tap_link_cost(const sr_tap *t, size_t i)
{
    if (i >= t->n_links)
        return 0;
    double v = t->solved ? t->flow[i] : 0;
    double c = t->toll_factor * t->toll[i] + t->distance_factor * t->length[i] + t->t0[i];
    if (t->b[i] > 0 && t->t0[i] > 0) {
        double r = v / t->capacity[i];
        c += t->t0[i] * t->b[i] * (t->power[i] == 0 ? 1 : r > 0 ? pow(r, t->power[i]) : 0);
    }
    return c;
}
