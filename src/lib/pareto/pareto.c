/*
 * pareto.c - targeted multi-objective Dijkstra over the router's state
 * graph (see pareto.h for what it does and why it is exact).
 *
 * Layout.  The heap holds candidate labels by value, keyed by their
 * bounded totals (time, cost, CO2e each plus its lower bound to the
 * destination), compared lexicographically.  A label taken from the heap
 * that no permanent label dominates becomes permanent: it is appended to
 * the label array (for the path) and its (cost, CO2e) projection enters
 * its state's front.  A front is a staircase sorted by cost (CO2e falling)
 * kept in one pool of pairs per query; fronts grow by moving to the pool's
 * end, so a query allocates a few arrays and reuses them afterwards.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/budget.h"
#include "network/network.h"
#include "pareto/pareto.h"

#define NONE UINT32_MAX

typedef struct cand {
    double kt, kc, ke;      /* bounded totals: the heap key */
    double t, c, e;         /* totals from the origin */
    uint32_t state, pred, how;
} cand;

typedef struct plabel {
    double t, c, e;
    uint32_t pred, how;
} plabel;

typedef struct front {
    uint32_t off, len, cap; /* pairs in the pool */
} front;

struct sr__pareto_ws {
    size_t cap_states;
    uint32_t *stamp, gen;
    front *fr;              /* per state, plus one for the destination */
    double *pool;           /* (cost, co2) pairs */
    size_t n_pool, cap_pool;
    cand *heap;
    size_t n_heap, cap_heap;
    plabel *lab;
    size_t n_lab, cap_lab;
    uint32_t *tgt;
    size_t n_tgt, cap_tgt;
    /* Per arc: 0 not asked yet, 1 usable, 2 not (the query's filters are
     * asked once per arc, not once per label that reaches its tail). */
    uint8_t *arc_memo;
    size_t cap_arcs;
};

void sr__pareto_ws_free(sr__pareto_ws *ws)
{
    if (!ws)
        return;
    free(ws->stamp);
    free(ws->fr);
    free(ws->pool);
    free(ws->heap);
    free(ws->lab);
    free(ws->tgt);
    free(ws->arc_memo);
    free(ws);
}

/* The reference search's tolerance (route.c), so that float noise does not
 * keep near-identical labels apart and both searches agree. */
static inline int leq(double a, double b) { return a <= b + 1e-9 * (fabs(b) + 1); }

static inline int key_less(const cand *a, const cand *b)
{
    if (a->kt != b->kt)
        return a->kt < b->kt;
    if (a->kc != b->kc)
        return a->kc < b->kc;
    if (a->ke != b->ke)
        return a->ke < b->ke;
    /* Deterministic among equal keys. */
    if (a->state != b->state)
        return a->state < b->state;
    return a->pred < b->pred;
}

static int heap_push(sr__pareto_ws *w, const cand *x)
{
    if (sr__grow((void **)&w->heap, &w->cap_heap, w->n_heap + 1, sizeof *w->heap) < 0)
        return -1;
    size_t i = w->n_heap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!key_less(x, &w->heap[p]))
            break;
        w->heap[i] = w->heap[p];
        i = p;
    }
    w->heap[i] = *x;
    return 0;
}

static void heap_pop(sr__pareto_ws *w, cand *top)
{
    *top = w->heap[0];
    cand last = w->heap[--w->n_heap];
    size_t i = 0, n = w->n_heap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && key_less(&w->heap[c + 1], &w->heap[c]))
            c++;
        if (!key_less(&w->heap[c], &last))
            break;
        w->heap[i] = w->heap[c];
        i = c;
    }
    if (n)
        w->heap[i] = last;
}

static inline front *front_of(sr__pareto_ws *w, uint32_t s)
{
    if (w->stamp[s] != w->gen) {
        w->stamp[s] = w->gen;
        w->fr[s] = (front){0, 0, 0};
    }
    return &w->fr[s];
}

/* Is (c, e) dominated (with the tolerance) by a point of the front?  The
 * last point whose cost is within the tolerance has the least CO2e of all
 * such points, so one binary search decides. */
static int front_dominates(const sr__pareto_ws *w, const front *f, double c, double e)
{
    const double *p = w->pool + 2 * (size_t)f->off;
    size_t lo = 0, hi = f->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (leq(p[2 * mid], c))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && leq(p[2 * (lo - 1) + 1], e);
}

/* Add (c, e), which no point dominates: drop the points it dominates (a
 * run right after its place in cost order) and keep the order. */
static int front_add(sr__pareto_ws *w, front *f, double c, double e)
{
    double *p = w->pool + 2 * (size_t)f->off;
    size_t pos = 0;
    while (pos < f->len && p[2 * pos] < c)
        pos++;
    size_t end = pos;
    while (end < f->len && p[2 * end] >= c && p[2 * end + 1] >= e)
        end++;
    size_t removed = end - pos, len = f->len - removed + 1;
    if (len > f->cap) {
        /* Move to the end of the pool with twice the room. */
        size_t cap = f->cap ? 2 * (size_t)f->cap : 4;
        if (w->n_pool + cap > UINT32_MAX || sr__grow((void **)&w->pool, &w->cap_pool, 2 * (w->n_pool + cap), sizeof *w->pool) < 0)
            return -1;
        p = w->pool + 2 * (size_t)f->off;
        double *q = w->pool + 2 * w->n_pool;
        memcpy(q, p, 2 * pos * sizeof *q);
        q[2 * pos] = c;
        q[2 * pos + 1] = e;
        memcpy(q + 2 * (pos + 1), p + 2 * end, 2 * (f->len - end) * sizeof *q);
        f->off = (uint32_t)w->n_pool;
        f->cap = (uint32_t)cap;
        w->n_pool += cap;
    } else {
        memmove(p + 2 * (pos + 1), p + 2 * end, 2 * (f->len - end) * sizeof *p);
        p[2 * pos] = c;
        p[2 * pos + 1] = e;
    }
    f->len = (uint32_t)len;
    return 0;
}

static int ensure(sr__pareto_ws *w, size_t n_states, size_t n_arcs)
{
    if (n_arcs + 1 > w->cap_arcs) {
        free(w->arc_memo);
        w->cap_arcs = n_arcs + 1;
        if (!(w->arc_memo = malloc(w->cap_arcs))) {
            w->cap_arcs = 0;
            return -1;
        }
    }
    memset(w->arc_memo, 0, n_arcs + 1);
    if (n_states + 1 > w->cap_states) {
        free(w->stamp);
        free(w->fr);
        w->cap_states = n_states + 1;
        w->stamp = calloc(w->cap_states, sizeof *w->stamp);
        w->fr = malloc(w->cap_states * sizeof *w->fr);
        w->gen = 0;
        if (!w->stamp || !w->fr) {
            w->cap_states = 0;
            return -1;
        }
    }
    if (++w->gen == 0) {
        memset(w->stamp, 0, w->cap_states * sizeof *w->stamp);
        w->gen = 1;
    }
    /* The pool is never NULL, so fronts of no points still point into it. */
    if (!w->pool && sr__grow((void **)&w->pool, &w->cap_pool, 64, sizeof *w->pool) < 0)
        return -1;
    w->n_pool = 0;
    w->n_heap = 0;
    w->n_lab = 0;
    w->n_tgt = 0;
    return 0;
}

/* Offer a candidate: drop it when it cannot lead to a new destination
 * label or is dominated at its state, else queue it. */
static sr_code offer(sr__pareto_ws *w, const sr__pareto_in *in, uint32_t tgt_front, uint32_t s, uint32_t place,
                     double t, double c, double e, uint32_t pred, uint32_t how)
{
    double lb[3];
    in->bound(in->ctx, place, lb);
    cand x = {.kt = t + lb[0], .kc = c + lb[1], .ke = e + lb[2], .t = t, .c = c, .e = e, .state = s, .pred = pred,
              .how = how};
    if (!(x.kt < INFINITY && x.kc < INFINITY && x.ke < INFINITY))
        return SR_OK;
    if (front_dominates(w, front_of(w, tgt_front), x.kc, x.ke) || front_dominates(w, front_of(w, s), c, e))
        return SR_OK;
    /* Queued candidates count against the label limit too, so that the
     * heap's memory is bounded (64 bytes each) and not only the work. */
    if (w->n_heap >= in->max_labels) {
        snprintf(in->err, in->errcap, "pareto: more than %zu labels; narrow the query (modes, avoid, max_transfers)",
                 in->max_labels);
        return SR_ELIMIT;
    }
    return heap_push(w, &x) < 0 ? SR_ENOMEM : SR_OK;
}

sr_code sr__pareto_search(sr__pareto_ws **wsp, const sr__pareto_in *in, const uint32_t **ids_out, size_t *n_out)
{
    const sr_network *net = in->net;
    const uint32_t np = net->n_places, NC = net->n_classes;
    *ids_out = NULL;
    *n_out = 0;
    if (!*wsp && !(*wsp = calloc(1, sizeof **wsp)))
        return SR_ENOMEM;
    sr__pareto_ws *w = *wsp;
    size_t n_states = (size_t)in->layers * np * NC;
    if (ensure(w, n_states, net->n_arcs) < 0)
        return SR_ENOMEM;
    const uint32_t TGT = (uint32_t)n_states; /* the destination's front */
    const double *cost = net->arc_cost[in->unit], *co2 = net->arc_co2[in->unit];
    const double qty = in->qty;
    sr_code rc;
    for (uint32_t c = 0; c < NC; c++)
        if ((rc = offer(w, in, TGT, (uint32_t)((size_t)in->from * NC + c), in->from, 0, 0, 0, NONE, NONE)) != SR_OK)
            return rc;
    while (w->n_heap) {
        if (sr__budget_step(in->budget)) {
            sr__budget_message(in->budget, in->err, in->errcap);
            return SR_ELIMIT;
        }
        cand L;
        heap_pop(w, &L);
        /* Fronts may have grown since L was queued. */
        front *fs = front_of(w, L.state), *ft = front_of(w, TGT);
        if (front_dominates(w, ft, L.kc, L.ke) || front_dominates(w, fs, L.c, L.e))
            continue;
        if (w->n_lab >= in->max_labels) {
            snprintf(in->err, in->errcap, "pareto: more than %zu labels; narrow the query (modes, avoid, max_transfers)",
                     in->max_labels);
            return SR_ELIMIT;
        }
        if (sr__grow((void **)&w->lab, &w->cap_lab, w->n_lab + 1, sizeof *w->lab) < 0 ||
            front_add(w, front_of(w, L.state), L.c, L.e) < 0)
            return SR_ENOMEM;
        uint32_t id = (uint32_t)w->n_lab++;
        w->lab[id] = (plabel){.t = L.t, .c = L.c, .e = L.e, .pred = L.pred, .how = L.how};
        uint32_t s = L.state, cls = s % NC, place = (s / NC) % np, layer = s / NC / np;
        if (place == in->to) {
            /* A destination label is final: its bound is zero, so the
             * destination's front holds its totals. */
            if (front_add(w, front_of(w, TGT), L.kc, L.ke) < 0 ||
                sr__grow((void **)&w->tgt, &w->cap_tgt, w->n_tgt + 1, sizeof *w->tgt) < 0)
                return SR_ENOMEM;
            w->tgt[w->n_tgt++] = id;
            continue;
        }
        size_t base = (size_t)layer * np;
        for (uint32_t a = net->arc_off[place]; a < net->arc_off[place + 1]; a++) {
            if (net->arc_cls[a] != cls)
                continue;
            if (!w->arc_memo[a])
                w->arc_memo[a] = in->arc_ok(in->ctx, a) ? 1 : 2;
            if (w->arc_memo[a] != 1)
                continue;
            uint32_t h = net->arc_head[a];
            double dh = 0, du = 0;
            if (in->extra)
                in->extra(in->ctx, a, &dh, &du);
            if ((rc = offer(w, in, TGT, (uint32_t)((base + h) * NC + cls), h, L.t + net->arc_time_h[a] + dh,
                            L.c + qty * cost[a] + du, L.e + qty * co2[a], id, a)) != SR_OK)
                return rc;
        }
        if (place == in->from || (in->limit_transfers && (int)layer + 1 >= in->layers))
            continue;
        size_t nbase = (size_t)(in->limit_transfers ? layer + 1 : 0) * np;
        for (uint32_t x = net->xfer_off[place]; x < net->xfer_off[place + 1]; x++) {
            const sr__xfer *tr = &net->xfers[x];
            if (tr->from != cls)
                continue;
            double dh = 0, du = 0;
            if (in->extra)
                in->extra(in->ctx, net->n_arcs + x, &dh, &du);
            if ((rc = offer(w, in, TGT, (uint32_t)((nbase + place) * NC + tr->to), place, L.t + tr->duration_h + dh,
                            L.c + qty * tr->cost_usd[in->unit] + du, L.e, id, net->n_arcs + x)) != SR_OK)
                return rc;
        }
    }
    *ids_out = w->tgt;
    *n_out = w->n_tgt;
    return SR_OK;
}

int sr__pareto_steps(const sr__pareto_ws *ws, uint32_t id, uint32_t **steps, size_t *n)
{
    size_t len = 0;
    for (uint32_t l = id; ws->lab[l].pred != NONE; l = ws->lab[l].pred)
        len++;
    *steps = malloc((len ? len : 1) * sizeof **steps);
    if (!*steps)
        return -1;
    size_t j = len;
    for (uint32_t l = id; ws->lab[l].pred != NONE; l = ws->lab[l].pred)
        (*steps)[--j] = ws->lab[l].how;
    *n = len;
    return 0;
}

void sr__pareto_totals(const sr__pareto_ws *ws, uint32_t id, double *t, double *c, double *e)
{
    *t = ws->lab[id].t;
    *c = ws->lab[id].c;
    *e = ws->lab[id].e;
}
