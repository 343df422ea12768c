/*
 * ch.c - building and querying contraction hierarchies on a plain weighted
 * digraph (see ch.h for the interface and its thread rules).
 *
 * Building.  Nodes are contracted one at a time, least important first.
 * Contracting v removes it from the graph and, for each pair of remaining
 * neighbours u -> v -> w, adds the shortcut u -> w (weight w(u,v) + w(v,w),
 * remembering v) unless a witness path u ~> w that avoids v is at most as
 * long; the witness search is a Dijkstra from u bounded by the longest
 * candidate and by a number of settled nodes, so a search cut short only
 * adds a shortcut that was not needed, never loses a path; a direct edge
 * no longer than the candidate settles a pair without a search.
 * Importance is dominated by the level (one more than the highest
 * contracted neighbour), then the edge quotient (shortcuts added over arcs
 * removed) and the hop quotient (the input arcs they stand for), the
 * ordering RoutingKit uses: nodes go nearly level by level, which keeps
 * the remaining graph sparse where the network has no hierarchy of its
 * own (a grid).  Priorities sit in a heap with lazy updates: the top is
 * re-evaluated before it is contracted; the neighbours of a contracted
 * node are re-evaluated after it when it had few, otherwise only their
 * level term is updated, because re-simulating every neighbour of every
 * node in the dense top cost most of the build (docs/PERFORMANCE.md).
 *
 * Querying.  With nodes numbered by rank, every shortest path has a form
 * that first climbs in rank and then descends; a forward search on the
 * upward edges from the sources and a backward search on the upward edges
 * (reversed) from the targets meet at its top.  Each direction stops once
 * its smallest key is at least the best meeting so far, and a node whose
 * distance is beaten through a higher neighbour is not expanded ("stall on
 * demand").  Shortcuts are unpacked into the caller's step ids through
 * the indexes of their two halves, stored with the hierarchy (found once
 * when it is built, where the query used to search the bypassed node's
 * edge lists for them).
 *
 * Ties: among paths of exactly equal weight the hierarchy may find another
 * one than a plain Dijkstra; the weight is the same (tests/test_ch.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ch.h"
#include "core/util.h"

#define NONE SR__CH_NONE

/* ---- a binary heap of (key, id) with lazy deletion ------------------------- */

typedef struct hitem {
    double key;
    uint32_t id;
} hitem;

typedef struct heap {
    hitem *a;
    size_t n, cap;
} heap;

static int hpush(heap *h, double key, uint32_t id)
{
    if (h->n == h->cap) {
        size_t nc = h->cap ? 2 * h->cap : 256;
        hitem *p = realloc(h->a, nc * sizeof *p);
        if (!p)
            return -1;
        h->a = p;
        h->cap = nc;
    }
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->a[p].key < key || (h->a[p].key == key && h->a[p].id <= id))
            break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = (hitem){key, id};
    return 0;
}

static hitem hpop(heap *h)
{
    hitem top = h->a[0], last = h->a[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && (h->a[c + 1].key < h->a[c].key || (h->a[c + 1].key == h->a[c].key && h->a[c + 1].id < h->a[c].id)))
            c++;
        if (last.key < h->a[c].key || (last.key == h->a[c].key && last.id <= h->a[c].id))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (n)
        h->a[i] = last;
    return top;
}

/* ---- the graph while it is contracted ---------------------------------------- */

typedef struct dedge {
    uint32_t nbr, mid, step;
    uint32_t hops;          /* input arcs the edge stands for (1: an input arc) */
    double w;
} dedge;

typedef struct dlist {
    dedge *e;
    uint32_t n, cap;
} dlist;

typedef struct builder {
    uint32_t n;
    dlist *out, *in;
    uint8_t *done;
    uint32_t *rank;         /* node -> rank once contracted */
    uint32_t *level;
    uint32_t *deleted;      /* contracted neighbours */
    /* witness search */
    double *dist;
    uint32_t *stamp, gen;
    uint32_t *tgt, tgt_gen;     /* targets of the current witness search */
    double *cand;               /* a target's candidate shortcut weight */
    uint32_t *pos, *pos_stamp, pos_gen; /* index of u's edge to x in out[u], while u's shortcuts are added */
    heap wh;
    /* final edges, in caller numbering, collected per contracted node */
    dlist *fup, *fdn;
    uint64_t shortcuts;
    sr__ch_limits lim; /* the witness bounds (ch.h) */
} builder;

static int dl_add(dlist *l, dedge e)
{
    if (l->n == l->cap) {
        uint32_t nc = l->cap ? 2 * l->cap : 4;
        dedge *p = realloc(l->e, (size_t)nc * sizeof *p);
        if (!p)
            return -1;
        l->e = p;
        l->cap = nc;
    }
    l->e[l->n++] = e;
    return 0;
}

static void dl_remove(dlist *l, uint32_t nbr)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (l->e[i].nbr == nbr) {
            l->e[i] = l->e[--l->n];
            return;
        }
}

/* Add or lower the arc u -> w; 0 unchanged, 1 added or lowered, -1 no memory. */
static int set_arc(builder *b, uint32_t u, uint32_t w, double wt, uint32_t mid, uint32_t step, uint32_t hops)
{
    dlist *o = &b->out[u];
    for (uint32_t i = 0; i < o->n; i++)
        if (o->e[i].nbr == w) {
            if (o->e[i].w <= wt)
                return 0;
            o->e[i] = (dedge){w, mid, step, hops, wt};
            dlist *in = &b->in[w];
            for (uint32_t j = 0; j < in->n; j++)
                if (in->e[j].nbr == u) {
                    in->e[j] = (dedge){u, mid, step, hops, wt};
                    break;
                }
            return 1;
        }
    if (dl_add(o, (dedge){w, mid, step, hops, wt}) < 0 || dl_add(&b->in[w], (dedge){u, mid, step, hops, wt}) < 0)
        return -1;
    return 1;
}

static void next_gen(uint32_t *stamp, uint32_t *gen, size_t n);

/* set_arc() for the tail u whose out-list positions are in b->pos (stamped
 * pos_gen): the same result without scanning u's out-list, which in the
 * dense top of a grid's hierarchy (thousands of neighbours) made adding a
 * node's shortcuts cubic in its degree. */
static int set_arc_indexed(builder *b, uint32_t u, uint32_t w, double wt, uint32_t mid, uint32_t hops)
{
    dlist *o = &b->out[u];
    if (b->pos_stamp[w] == b->pos_gen) {
        dedge *e = &o->e[b->pos[w]];
        if (e->w <= wt)
            return 0;
        *e = (dedge){w, mid, NONE, hops, wt};
        dlist *in = &b->in[w];
        for (uint32_t j = 0; j < in->n; j++)
            if (in->e[j].nbr == u) {
                in->e[j] = (dedge){u, mid, NONE, hops, wt};
                break;
            }
        return 1;
    }
    if (dl_add(o, (dedge){w, mid, NONE, hops, wt}) < 0 || dl_add(&b->in[w], (dedge){u, mid, NONE, hops, wt}) < 0)
        return -1;
    b->pos_stamp[w] = b->pos_gen;
    b->pos[w] = o->n - 1;
    return 1;
}

static void next_gen(uint32_t *stamp, uint32_t *gen, size_t n)
{
    if (++*gen == 0) {
        memset(stamp, 0, n * sizeof *stamp);
        *gen = 1;
    }
}

/* Witness Dijkstra from u in the remaining graph without v, up to `limit`
 * and `settle` settled nodes; distances in b->dist where stamped. */
static int witness(builder *b, uint32_t u, uint32_t v, double limit, int settle, uint32_t n_targets)
{
    next_gen(b->stamp, &b->gen, b->n);
    b->wh.n = 0;
    b->stamp[u] = b->gen;
    b->dist[u] = 0;
    if (hpush(&b->wh, 0, u) < 0)
        return -1;
    int settled = 0;
    while (b->wh.n) {
        hitem it = hpop(&b->wh);
        if (it.key > b->dist[it.id])
            continue;
        if (it.key > limit || ++settled > settle)
            break;
        /* Done once every target is settled: its distance is final. */
        if (b->tgt[it.id] == b->tgt_gen && --n_targets == 0)
            break;
        const dlist *o = &b->out[it.id];
        for (uint32_t i = 0; i < o->n; i++) {
            uint32_t x = o->e[i].nbr;
            if (x == v)
                continue;
            double nd = it.key + o->e[i].w;
            if (nd > limit)
                continue;
            if (b->stamp[x] != b->gen || nd < b->dist[x]) {
                b->stamp[x] = b->gen;
                b->dist[x] = nd;
                if (hpush(&b->wh, nd, x) < 0)
                    return -1;
            }
        }
    }
    return 0;
}

static inline double wdist(const builder *b, uint32_t x) { return b->stamp[x] == b->gen ? b->dist[x] : INFINITY; }

/* Contract v (commit) or only count the shortcuts it needs.  Returns the
 * count, or -1 when memory runs out. */
static long contract(builder *b, uint32_t v, int commit, long *hops)
{
    dlist *in = &b->in[v], *out = &b->out[v];
    long count = 0;
    *hops = 0;
    for (uint32_t i = 0; i < in->n; i++) {
        uint32_t u = in->e[i].nbr;
        double wu = in->e[i].w, maxw = -1;
        /* The targets w of u (v's out-neighbours), each with its candidate
         * u -> v -> w (v's out-list has one edge per neighbour). */
        next_gen(b->tgt, &b->tgt_gen, b->n);
        uint32_t nt = 0;
        for (uint32_t j = 0; j < out->n; j++) {
            uint32_t w = out->e[j].nbr;
            if (w == u)
                continue;
            b->tgt[w] = b->tgt_gen;
            b->cand[w] = wu + out->e[j].w;
            nt++;
        }
        if (!nt)
            continue;
        /* A direct edge u -> w no longer than the candidate is a witness:
         * in the dense top of the hierarchy most targets have one, and
         * this saves the search (a resolved target is unmarked). */
        const dlist *uo = &b->out[u];
        for (uint32_t j = 0; j < uo->n; j++) {
            uint32_t x = uo->e[j].nbr;
            if (x != v && b->tgt[x] == b->tgt_gen && uo->e[j].w <= b->cand[x]) {
                b->tgt[x] = 0;
                nt--;
            }
        }
        for (uint32_t j = 0; j < out->n; j++) {
            uint32_t w = out->e[j].nbr;
            if (w != u && b->tgt[w] == b->tgt_gen && b->cand[w] > maxw)
                maxw = b->cand[w];
        }
        if (nt && witness(b, u, v, maxw, commit ? b->lim.wit_settle : b->lim.sim_settle, nt) < 0)
            return -1;
        if (commit) {
            next_gen(b->pos_stamp, &b->pos_gen, b->n);
            for (uint32_t j = 0; j < uo->n; j++) {
                b->pos_stamp[uo->e[j].nbr] = b->pos_gen;
                b->pos[uo->e[j].nbr] = j;
            }
        }
        for (uint32_t j = 0; j < out->n; j++) {
            uint32_t w = out->e[j].nbr;
            if (w == u)
                continue;
            double c = wu + out->e[j].w;
            if (b->tgt[w] != b->tgt_gen || wdist(b, w) <= c)
                continue;
            count++;
            *hops += in->e[i].hops + out->e[j].hops;
            if (commit) {
                int r = set_arc_indexed(b, u, w, c, v, in->e[i].hops + out->e[j].hops);
                if (r < 0)
                    return -1;
                b->shortcuts += (uint64_t)r;
            }
        }
    }
    return count;
}

static double priority(builder *b, uint32_t v, int *oom)
{
    long hops;
    long sc = contract(b, v, 0, &hops);
    if (sc < 0) {
        *oom = 1;
        return 0;
    }
    /* Edge quotient and hop quotient (shortcuts added over arcs removed,
     * and the input arcs they stand for), dominated by the level: nodes
     * are contracted nearly level by level, which keeps the remaining
     * graph sparse on networks without a natural hierarchy (grids). */
    double removed = 1.0 + b->in[v].n + b->out[v].n, hops_removed = 1.0;
    for (uint32_t i = 0; i < b->in[v].n; i++)
        hops_removed += b->in[v].e[i].hops;
    for (uint32_t i = 0; i < b->out[v].n; i++)
        hops_removed += b->out[v].e[i].hops;
    return 1000.0 * b->level[v] + 1000.0 * (double)sc / removed + 1000.0 * (double)hops / hops_removed;
}

/* Move v's remaining edges to the final lists and out of its neighbours'. */
static int finish_node(builder *b, uint32_t v)
{
    dlist *in = &b->in[v], *out = &b->out[v];
    for (uint32_t i = 0; i < out->n; i++) {
        uint32_t y = out->e[i].nbr;
        if (dl_add(&b->fup[v], out->e[i]) < 0)
            return -1;
        dl_remove(&b->in[y], v);
        b->deleted[y]++;
        if (b->level[y] < b->level[v] + 1)
            b->level[y] = b->level[v] + 1;
    }
    for (uint32_t i = 0; i < in->n; i++) {
        uint32_t y = in->e[i].nbr;
        if (dl_add(&b->fdn[v], in->e[i]) < 0)
            return -1;
        dl_remove(&b->out[y], v);
        b->deleted[y]++;
        if (b->level[y] < b->level[v] + 1)
            b->level[y] = b->level[v] + 1;
    }
    free(in->e);
    free(out->e);
    *in = (dlist){0};
    *out = (dlist){0};
    return 0;
}

static void builder_free(builder *b)
{
    for (uint32_t i = 0; b->out && i < b->n; i++) {
        free(b->out[i].e);
        free(b->in[i].e);
    }
    for (uint32_t i = 0; b->fup && i < b->n; i++) {
        free(b->fup[i].e);
        free(b->fdn[i].e);
    }
    free(b->out);
    free(b->in);
    free(b->fup);
    free(b->fdn);
    free(b->done);
    free(b->rank);
    free(b->level);
    free(b->deleted);
    free(b->dist);
    free(b->stamp);
    free(b->tgt);
    free(b->cand);
    free(b->pos);
    free(b->pos_stamp);
    free(b->wh.a);
}

/* The edge of `list` (from off[x]..off[x+1]) whose other end is y. */
static const sr__ch_edge *find_edge(const uint32_t *off, const sr__ch_edge *list, uint32_t x, uint32_t y)
{
    for (uint32_t i = off[x]; i < off[x + 1]; i++)
        if (list[i].other == y)
            return &list[i];
    return NULL;
}

/* The final CSR arrays in rank numbering from the per-node lists. */
static int emit(builder *b, sr__ch *ch)
{
    uint32_t n = b->n;
    ch->n = n;
    ch->node_of = malloc(((size_t)n + 1) * sizeof *ch->node_of);
    ch->up_off = calloc((size_t)n + 1, sizeof *ch->up_off);
    ch->dn_off = calloc((size_t)n + 1, sizeof *ch->dn_off);
    if (!ch->node_of || !ch->up_off || !ch->dn_off)
        return -1;
    memcpy(ch->node_of, b->rank, (size_t)n * sizeof *ch->node_of);
    uint32_t *by_rank = malloc(((size_t)n + 1) * sizeof *by_rank);
    if (!by_rank)
        return -1;
    for (uint32_t v = 0; v < n; v++)
        by_rank[b->rank[v]] = v;
    uint64_t nu = 0, nd = 0;
    for (uint32_t r = 0; r < n; r++) {
        nu += b->fup[by_rank[r]].n;
        nd += b->fdn[by_rank[r]].n;
        ch->up_off[r + 1] = (uint32_t)nu;
        ch->dn_off[r + 1] = (uint32_t)nd;
    }
    if (nu >= UINT32_MAX || nd >= UINT32_MAX) {
        free(by_rank);
        return -1;
    }
    ch->n_up = nu;
    ch->n_dn = nd;
    ch->n_shortcuts = b->shortcuts;
    ch->up = malloc((nu + 1) * sizeof *ch->up);
    ch->dn = malloc((nd + 1) * sizeof *ch->dn);
    if (!ch->up || !ch->dn) {
        free(by_rank);
        return -1;
    }
    for (uint32_t r = 0; r < n; r++) {
        uint32_t v = by_rank[r];
        sr__ch_edge *u = ch->up + ch->up_off[r], *d = ch->dn + ch->dn_off[r];
        for (uint32_t i = 0; i < b->fup[v].n; i++) {
            const dedge *e = &b->fup[v].e[i];
            u[i] = (sr__ch_edge){.other = b->rank[e->nbr],
                                 .via = e->mid == NONE ? e->step : SR__CH_SHORTCUT | b->rank[e->mid], .w = e->w};
        }
        for (uint32_t i = 0; i < b->fdn[v].n; i++) {
            const dedge *e = &b->fdn[v].e[i];
            d[i] = (sr__ch_edge){.other = b->rank[e->nbr],
                                 .via = e->mid == NONE ? e->step : SR__CH_SHORTCUT | b->rank[e->mid], .w = e->w};
        }
    }
    free(by_rank);
    /* Each shortcut's two halves, found once here (the same edges the
     * query found by searching before: one edge per pair and direction). */
    ch->up_half = malloc((2 * nu + 2) * sizeof *ch->up_half);
    ch->dn_half = malloc((2 * nd + 2) * sizeof *ch->dn_half);
    if (!ch->up_half || !ch->dn_half)
        return -1;
    for (int dir = 0; dir < 2; dir++) {
        const uint32_t *off = dir ? ch->dn_off : ch->up_off;
        const sr__ch_edge *E = dir ? ch->dn : ch->up;
        uint32_t *half = dir ? ch->dn_half : ch->up_half;
        for (uint32_t x = 0; x < n; x++)
            for (uint32_t i = off[x]; i < off[x + 1]; i++) {
                half[2 * i] = half[2 * i + 1] = NONE;
                if (!(E[i].via & SR__CH_SHORTCUT))
                    continue;
                uint32_t m = E[i].via & ~SR__CH_SHORTCUT;
                uint32_t tail = dir ? E[i].other : x, head = dir ? x : E[i].other;
                const sr__ch_edge *e1 = find_edge(ch->dn_off, ch->dn, m, tail); /* tail -> m */
                const sr__ch_edge *e2 = find_edge(ch->up_off, ch->up, m, head); /* m -> head */
                if (!e1 || !e2)
                    return -1; /* cannot happen: contracting m left both */
                half[2 * i] = (uint32_t)(e1 - ch->dn);
                half[2 * i + 1] = (uint32_t)(e2 - ch->up);
            }
    }
    return 0;
}

sr__ch *sr__ch_build(uint32_t n, const sr__ch_arc *arcs, size_t n_arcs, void (*progress)(void *, double), void *ctx)
{
    return sr__ch_build_limits(n, arcs, n_arcs, NULL, progress, ctx);
}

sr__ch *sr__ch_build_limits(uint32_t n, const sr__ch_arc *arcs, size_t n_arcs, const sr__ch_limits *lim,
                            void (*progress)(void *, double), void *ctx)
{
    builder b = {.n = n};
    b.lim = lim ? *lim : (sr__ch_limits){SR__CH_SIM_SETTLE, SR__CH_WIT_SETTLE, SR__CH_FULL_UPDATE};
    if (b.lim.sim_settle < 1)
        b.lim.sim_settle = 1;
    if (b.lim.wit_settle < 1)
        b.lim.wit_settle = 1;
    sr__ch *ch = calloc(1, sizeof *ch);
    size_t nn = (size_t)n + 1;
    b.out = calloc(nn, sizeof *b.out);
    b.in = calloc(nn, sizeof *b.in);
    b.fup = calloc(nn, sizeof *b.fup);
    b.fdn = calloc(nn, sizeof *b.fdn);
    b.done = calloc(nn, 1);
    b.rank = calloc(nn, sizeof *b.rank);
    b.level = calloc(nn, sizeof *b.level);
    b.deleted = calloc(nn, sizeof *b.deleted);
    b.dist = malloc(nn * sizeof *b.dist);
    b.stamp = calloc(nn, sizeof *b.stamp);
    b.tgt = calloc(nn, sizeof *b.tgt);
    b.cand = malloc(nn * sizeof *b.cand);
    b.pos = malloc(nn * sizeof *b.pos);
    b.pos_stamp = calloc(nn, sizeof *b.pos_stamp);
    uint32_t *ver = calloc(nn, sizeof *ver);
    heap pq = {0};
    int oom = n >= SR__CH_SHORTCUT || !ch || !b.out || !b.in || !b.fup || !b.fdn || !b.done || !b.rank || !b.level || !b.deleted || !b.dist ||
              !b.stamp || !b.tgt || !b.cand || !b.pos || !b.pos_stamp || !ver;
    /* Input arcs: self loops never help; of parallel arcs the lightest. */
    for (size_t i = 0; !oom && i < n_arcs; i++) {
        const sr__ch_arc *a = &arcs[i];
        if (a->tail == a->head || a->tail >= n || a->head >= n || !(a->w < INFINITY))
            continue;
        if (a->step >= SR__CH_SHORTCUT) {
            oom = 1; /* the edge record has no room for it (ch.h) */
            break;
        }
        if (set_arc(&b, a->tail, a->head, a->w, NONE, a->step, 1) < 0)
            oom = 1;
    }
    /* The heap holds (priority, node); an entry whose priority is stale is
     * recognised by comparing with the current one (prio[] via ver[]). */
    double *prio = malloc(nn * sizeof *prio), *qpart = malloc(nn * sizeof *qpart);
    oom |= !prio || !qpart;
    for (uint32_t v = 0; !oom && v < n; v++) {
        prio[v] = priority(&b, v, &oom);
        qpart[v] = prio[v] - 1000.0 * b.level[v];
        if (!oom && hpush(&pq, prio[v], v) < 0)
            oom = 1;
    }
    uint32_t next_rank = 0;
    uint32_t *nbrs = NULL;
    size_t cap_nbrs = 0;
    while (!oom && pq.n) {
        hitem it = hpop(&pq);
        uint32_t v = it.id;
        if (b.done[v] || it.key != prio[v])
            continue;
        /* Lazy update: re-evaluate; if it is no longer the least, requeue. */
        double p = priority(&b, v, &oom);
        if (oom)
            break;
        qpart[v] = p - 1000.0 * b.level[v];
        if (p > it.key && pq.n && p > pq.a[0].key) {
            prio[v] = p;
            if (hpush(&pq, p, v) < 0)
                oom = 1;
            continue;
        }
        long hops;
        if (contract(&b, v, 1, &hops) < 0) {
            oom = 1;
            break;
        }
        size_t nb = (size_t)b.in[v].n + b.out[v].n;
        if (sr__grow((void **)&nbrs, &cap_nbrs, nb + 1, sizeof *nbrs) < 0) {
            oom = 1;
            break;
        }
        nb = 0;
        for (uint32_t i = 0; i < b.in[v].n; i++)
            nbrs[nb++] = b.in[v].e[i].nbr;
        for (uint32_t i = 0; i < b.out[v].n; i++)
            nbrs[nb++] = b.out[v].e[i].nbr;
        b.done[v] = 1;
        b.rank[v] = next_rank++;
        if (finish_node(&b, v) < 0) {
            oom = 1;
            break;
        }
        for (size_t i = 0; i < nb && !oom; i++) {
            uint32_t y = nbrs[i];
            if (b.done[y] || ver[y] == next_rank)
                continue;
            ver[y] = next_rank;
            /* With a full_update bound (ch.h), the neighbours of a node of
             * high degree (the dense top of the hierarchy) only get their
             * level raised: simulating each of them again costs most of
             * the build on grids.  By default every neighbour is
             * re-evaluated, which gives the smaller hierarchy. */
            if (nb > b.lim.full_update)
                prio[y] = 1000.0 * b.level[y] + qpart[y];
            else {
                prio[y] = priority(&b, y, &oom);
                qpart[y] = prio[y] - 1000.0 * b.level[y];
            }
            if (!oom && hpush(&pq, prio[y], y) < 0)
                oom = 1;
        }
        if (progress && (next_rank & 0xffff) == 0)
            progress(ctx, (double)next_rank / n);
    }
    free(nbrs);
    free(pq.a);
    free(prio);
    free(qpart);
    free(ver);
    if (!oom && emit(&b, ch) < 0)
        oom = 1;
    builder_free(&b);
    if (oom) {
        sr__ch_free(ch);
        return NULL;
    }
    sr__ch_init_loaded(ch);
    ch->borrowed = 0;
    if (progress)
        progress(ctx, 1.0);
    return ch;
}

/* ---- queries ------------------------------------------------------------------ */

/* A node's state in one direction of a query: its distance, the query
 * (generation) that set it, and the edge that reached it (its index in
 * up[] or dn[], NONE at a source).  Kept together so that a relaxation or
 * a stall test touches one cache line, not three; the node an edge comes
 * from is found from the offsets when the path is unpacked. */
typedef struct qnode {
    double d;
    uint32_t stamp;
    uint32_t pe;
} qnode;

typedef struct sr__ch_scratch {
    struct sr__ch_scratch *next;
    qnode *qf, *qb;
    uint32_t gen;
    heap hf, hb;
} sr__ch_scratch;

void sr__ch_init_loaded(sr__ch *ch)
{
    atomic_init(&ch->check_state, 0);
    pthread_mutex_init(&ch->lock, NULL);
    ch->lock_ready = 1;
    ch->pool = NULL;
    ch->borrowed = 1;
}

static void scratch_free(sr__ch_scratch *s)
{
    if (!s)
        return;
    free(s->qf);
    free(s->qb);
    free(s->hf.a);
    free(s->hb.a);
    free(s);
}

void sr__ch_free(sr__ch *ch)
{
    if (!ch)
        return;
    for (sr__ch_scratch *s = ch->pool, *nx; s; s = nx) {
        nx = s->next;
        scratch_free(s);
    }
    if (ch->lock_ready)
        pthread_mutex_destroy(&ch->lock);
    free(ch->check_ctx);
    if (!ch->borrowed) {
        free(ch->node_of);
        free(ch->up_off);
        free(ch->dn_off);
        free(ch->up);
        free(ch->dn);
        free(ch->up_half);
        free(ch->dn_half);
    }
    free(ch);
}

static sr__ch_scratch *scratch_get(sr__ch *ch)
{
    pthread_mutex_lock(&ch->lock);
    sr__ch_scratch *s = ch->pool;
    if (s)
        ch->pool = s->next;
    pthread_mutex_unlock(&ch->lock);
    if (s)
        return s;
    size_t n = (size_t)ch->n + 1;
    s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->qf = calloc(n, sizeof *s->qf);
    s->qb = calloc(n, sizeof *s->qb);
    if (!s->qf || !s->qb) {
        scratch_free(s);
        return NULL;
    }
    return s;
}

static void scratch_put(sr__ch *ch, sr__ch_scratch *s)
{
    pthread_mutex_lock(&ch->lock);
    s->next = ch->pool;
    ch->pool = s;
    pthread_mutex_unlock(&ch->lock);
}

/* The node whose edge list (off[x]..off[x+1]) holds edge i: the last x
 * with off[x] <= i (an empty list before it has the same offset). */
static uint32_t edge_tail(const uint32_t *off, uint32_t n, uint32_t i)
{
    uint32_t lo = 0, hi = n; /* off[lo] <= i < off[hi] */
    while (hi - lo > 1) {
        uint32_t m = lo + (hi - lo) / 2;
        if (off[m] <= i)
            lo = m;
        else
            hi = m;
    }
    return lo;
}

/* Append the steps of edge i of up[] (dn = 0) or dn[] (dn = 1) to out:
 * a shortcut is replaced by its two halves, depth first, first half
 * first, until only input arcs remain. */
static int unpack(const sr__ch *ch, int dn, uint32_t i, uint32_t **out, size_t *n, size_t *cap)
{
    /* A stack of (edge index, list): 64 entries on the C stack cover the
     * hierarchies measured (depth grows with the levels), more go to the
     * heap. */
    uint32_t st_i[64];
    uint8_t st_d[64];
    uint32_t *hi = NULL;
    uint8_t *hd = NULL;
    size_t ns = 0, cs = 64;
    uint32_t *si = st_i;
    uint8_t *sd = st_d;
    si[ns] = i;
    sd[ns++] = (uint8_t)dn;
    int rc = 0;
    while (ns) {
        ns--;
        uint32_t e = si[ns];
        int d = sd[ns];
        const sr__ch_edge *E = d ? ch->dn : ch->up;
        if (!(E[e].via & SR__CH_SHORTCUT)) {
            if (sr__grow((void **)out, cap, *n + 1, sizeof **out) < 0) {
                rc = -1;
                break;
            }
            (*out)[(*n)++] = E[e].via;
            continue;
        }
        const uint32_t *h = (d ? ch->dn_half : ch->up_half) + 2 * (size_t)e;
        if (ns + 2 > cs) {
            size_t nc = 2 * cs;
            uint32_t *ni = malloc(nc * sizeof *ni);
            uint8_t *nd = malloc(nc);
            if (!ni || !nd) {
                free(ni);
                free(nd);
                rc = -1;
                break;
            }
            memcpy(ni, si, ns * sizeof *ni);
            memcpy(nd, sd, ns);
            free(hi);
            free(hd);
            si = hi = ni;
            sd = hd = nd;
            cs = nc;
        }
        si[ns] = h[1]; /* m -> head, in up[] */
        sd[ns++] = 0;
        si[ns] = h[0]; /* tail -> m, in dn[] */
        sd[ns++] = 1;
    }
    free(hi);
    free(hd);
    return rc;
}

int sr__ch_checked(sr__ch *ch)
{
    int st = atomic_load(&ch->check_state);
    if (st == 1 || !ch->check)
        return 0;
    if (st == 0) {
        pthread_mutex_lock(&ch->lock);
        if (atomic_load(&ch->check_state) == 0)
            atomic_store(&ch->check_state,
                         ch->check(ch, ch->check_ctx, ch->check_msg, sizeof ch->check_msg) == 0 ? 1 : 2);
        pthread_mutex_unlock(&ch->lock);
        st = atomic_load(&ch->check_state);
    }
    return st == 1 ? 0 : -1;
}

/* Counters of the query's work (heap pops, settled and stalled nodes,
 * edges scanned), compiled in only with -DSR_CH_STATS: bench_ch built
 * that way prints them per query, to compare search spaces with another
 * implementation (docs/PERFORMANCE.md).  Not thread-safe; off by default. */
#ifdef SR_CH_STATS
unsigned long long sr__ch_st_pop, sr__ch_st_settle, sr__ch_st_stall, sr__ch_st_relax, sr__ch_st_push, sr__ch_st_stallscan;
#define ST(x) (x)++
#else
#define ST(x) ((void)0)
#endif
int sr__ch_query(sr__ch *ch, const uint32_t *src, size_t ns, const uint32_t *dst, size_t nd, double *dist,
                 uint32_t **steps, size_t *n_steps)
{
    *steps = NULL;
    *n_steps = 0;
    if (sr__ch_checked(ch) < 0)
        return -2;
    sr__ch_scratch *s = scratch_get(ch);
    if (!s)
        return -1;
    /* Both directions share one generation; at a wrap both are reset. */
    if (++s->gen == 0) {
        for (size_t i = 0; i < ch->n; i++)
            s->qf[i].stamp = s->qb[i].stamp = 0;
        s->gen = 1;
    }
    uint32_t g = s->gen;
    s->hf.n = s->hb.n = 0;
    int oom = 0;
    for (size_t i = 0; i < ns; i++) {
        uint32_t x = ch->node_of[src[i]];
        s->qf[x] = (qnode){0, g, NONE};
        oom |= hpush(&s->hf, 0, x) < 0;
    }
    for (size_t i = 0; i < nd; i++) {
        uint32_t x = ch->node_of[dst[i]];
        s->qb[x] = (qnode){0, g, NONE};
        oom |= hpush(&s->hb, 0, x) < 0;
    }
    double best = INFINITY;
    uint32_t meet = NONE;
    /* A source that is also a target meets at distance 0. */
    for (size_t i = 0; i < ns; i++) {
        uint32_t x = ch->node_of[src[i]];
        if (s->qb[x].stamp == g && best > 0) {
            best = 0;
            meet = x;
        }
    }
    while (!oom && (s->hf.n || s->hb.n)) {
        int fwd;
        double kf = s->hf.n ? s->hf.a[0].key : INFINITY, kb = s->hb.n ? s->hb.a[0].key : INFINITY;
        if (kf >= best && kb >= best)
            break;
        fwd = kf <= kb;
        heap *h = fwd ? &s->hf : &s->hb;
        qnode *q = fwd ? s->qf : s->qb, *oq = fwd ? s->qb : s->qf;
        const uint32_t *off = fwd ? ch->up_off : ch->dn_off, *ooff = fwd ? ch->dn_off : ch->up_off;
        const sr__ch_edge *E = fwd ? ch->up : ch->dn, *OE = fwd ? ch->dn : ch->up;
        hitem it = hpop(h);
        uint32_t x = it.id;
        ST(sr__ch_st_pop);
        if (it.key > q[x].d)
            continue;
        ST(sr__ch_st_settle);
        if (oq[x].stamp == g && it.key + oq[x].d < best) {
            best = it.key + oq[x].d;
            meet = x;
        }
        /* Stall on demand: x is reached more cheaply from a higher node
         * through an edge of the other direction's list. */
        int stalled = 0;
        for (uint32_t i = ooff[x]; i < ooff[x + 1] && !stalled; i++) {
            const qnode *qy = &q[OE[i].other];
            ST(sr__ch_st_stallscan);
            if (qy->stamp == g && qy->d + OE[i].w < it.key)
                stalled = 1;
        }
        if (stalled) {
            ST(sr__ch_st_stall);
            continue;
        }
        for (uint32_t i = off[x]; i < off[x + 1]; i++) {
            uint32_t y = E[i].other;
            double nd2 = it.key + E[i].w;
            ST(sr__ch_st_relax);
            if (nd2 >= best)
                continue;
            qnode *qy = &q[y];
            if (qy->stamp != g || nd2 < qy->d) {
                *qy = (qnode){nd2, g, i};
                ST(sr__ch_st_push);
                if (hpush(h, nd2, y) < 0) {
                    oom = 1;
                    break;
                }
                if (oq[y].stamp == g && nd2 + oq[y].d < best) {
                    best = nd2 + oq[y].d;
                    meet = y;
                }
            }
        }
    }
    if (oom) {
        scratch_put(ch, s);
        return -1;
    }
    if (meet == NONE) {
        scratch_put(ch, s);
        return 1;
    }
    /* The forward half, source -> meet, in order; then meet -> target. */
    uint32_t *chain = NULL;
    size_t nc = 0, cc = 0, cap = 0;
    for (uint32_t x = meet; s->qf[x].pe != NONE; x = edge_tail(ch->up_off, ch->n, s->qf[x].pe)) {
        if (sr__grow((void **)&chain, &cc, nc + 1, sizeof *chain) < 0) {
            oom = 1;
            break;
        }
        chain[nc++] = x;
    }
    for (size_t k = nc; !oom && k-- > 0;)
        oom = unpack(ch, 0, s->qf[chain[k]].pe, steps, n_steps, &cap) < 0;
    for (uint32_t x = meet; !oom && s->qb[x].pe != NONE; x = edge_tail(ch->dn_off, ch->n, s->qb[x].pe))
        oom = unpack(ch, 1, s->qb[x].pe, steps, n_steps, &cap) < 0;
    free(chain);
    scratch_put(ch, s);
    if (oom) {
        free(*steps);
        *steps = NULL;
        *n_steps = 0;
        return -1;
    }
    *dist = best;
    return 0;
}
