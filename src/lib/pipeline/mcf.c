/*
 * mcf.c - minimum-cost flow by successive shortest paths (see mcf.h).
 *
 * Each arc is stored with its reverse residual twin (arc 2i forward, 2i+1
 * backward).  Shortest paths are found by a FIFO Bellman-Ford (SPFA) over
 * the residual graph, because the pipeline model uses negative costs on
 * the arcs into the sink to express "deliver as much as possible"; the
 * networks are small (tens of nodes), so its O(VE) bound is no concern.
 * SSP keeps the residual graph free of negative cycles, so each path found
 * is a true shortest path and the final flow is optimal.  Callers that
 * need exact ties (the pipeline model) give integer costs below 2^53, whose
 * sums doubles represent exactly, so rounding can never make a zero-cost
 * cycle of the residual graph look negative.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/mcf.h"
#include "core/util.h"

/* Residual capacities at or below this are treated as zero, so that
 * rounding in sums of capacities never leaves phantom paths. */
#define RES_EPS 1e-12

typedef struct rarc {
    uint32_t to;
    uint32_t next;      /* next arc out of the same tail, UINT32_MAX ends */
    double cap, res, cost;
} rarc;

struct sr__mcf {
    size_t n;
    rarc *a;
    size_t na, cap_a;
    uint32_t *head, *tail_of;
    double value, cost;
    /* scratch */
    double *dist;
    uint32_t *pred, *queue;
    unsigned char *inq;
    uint32_t *count;
};

sr__mcf *sr__mcf_create(size_t n)
{
    if (n == 0 || n > 1000000)
        return NULL;
    sr__mcf *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n = n;
    m->head = malloc(n * sizeof *m->head);
    m->dist = malloc(n * sizeof *m->dist);
    m->pred = malloc(n * sizeof *m->pred);
    m->queue = malloc(n * sizeof *m->queue);
    m->inq = malloc(n);
    m->count = malloc(n * sizeof *m->count);
    if (!m->head || !m->dist || !m->pred || !m->queue || !m->inq || !m->count) {
        sr__mcf_destroy(m);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        m->head[i] = UINT32_MAX;
    return m;
}

void sr__mcf_destroy(sr__mcf *m)
{
    if (!m)
        return;
    free(m->a);
    free(m->tail_of);
    free(m->head);
    free(m->dist);
    free(m->pred);
    free(m->queue);
    free(m->inq);
    free(m->count);
    free(m);
}

long sr__mcf_add_arc(sr__mcf *m, uint32_t from, uint32_t to, double cap, double cost)
{
    if (!m || from >= m->n || to >= m->n || !(cap >= 0) || !isfinite(cap) || !isfinite(cost) ||
        m->na + 2 >= UINT32_MAX)
        return -1;
    size_t old = m->cap_a;
    if (sr__grow((void **)&m->a, &m->cap_a, m->na + 2, sizeof *m->a) < 0)
        return -1;
    if (m->cap_a != old) {
        uint32_t *t = realloc(m->tail_of, m->cap_a * sizeof *t);
        if (!t)
            return -1;
        m->tail_of = t;
    }
    /* Arcs are prepended to their tail's list; the solver walks lists, so
     * to keep "first added wins" ties we append instead. */
    size_t f = m->na, b = m->na + 1;
    m->a[f] = (rarc){to, UINT32_MAX, cap, cap, cost};
    m->a[b] = (rarc){from, UINT32_MAX, 0, 0, -cost};
    m->tail_of[f] = from;
    m->tail_of[b] = to;
    uint32_t *link = &m->head[from];
    while (*link != UINT32_MAX)
        link = &m->a[*link].next;
    *link = (uint32_t)f;
    link = &m->head[to];
    while (*link != UINT32_MAX)
        link = &m->a[*link].next;
    *link = (uint32_t)b;
    m->na += 2;
    return (long)(f / 2);
}

void sr__mcf_set_cap(sr__mcf *m, size_t arc, double cap)
{
    if (m && 2 * arc < m->na && cap >= 0 && isfinite(cap))
        m->a[2 * arc].cap = cap;
}

/* Bellman-Ford from s over residual arcs; 0 found (dist/pred filled), 1 t
 * unreachable, -2 negative cycle. */
static int shortest(sr__mcf *m, uint32_t s, uint32_t t)
{
    size_t n = m->n;
    for (size_t i = 0; i < n; i++) {
        m->dist[i] = INFINITY;
        m->pred[i] = UINT32_MAX;
        m->inq[i] = 0;
        m->count[i] = 0;
    }
    size_t qh = 0, qn = 0;
    m->dist[s] = 0;
    m->queue[0] = s;
    m->inq[s] = 1;
    qn = 1;
    while (qn) {
        uint32_t u = m->queue[qh];
        qh = (qh + 1) % n;
        qn--;
        m->inq[u] = 0;
        if (++m->count[u] > n)
            return -2;
        for (uint32_t e = m->head[u]; e != UINT32_MAX; e = m->a[e].next) {
            const rarc *r = &m->a[e];
            if (r->res <= RES_EPS)
                continue;
            double d = m->dist[u] + r->cost;
            /* A small relative margin: equal-cost alternatives never
             * replace the first path found, so ties are deterministic. */
            if (d < m->dist[r->to] - 1e-12 * (1 + fabs(d))) {
                m->dist[r->to] = d;
                m->pred[r->to] = e;
                if (!m->inq[r->to]) {
                    m->queue[(qh + qn) % n] = r->to;
                    qn++;
                    m->inq[r->to] = 1;
                }
            }
        }
    }
    return isfinite(m->dist[t]) ? 0 : 1;
}

int sr__mcf_solve(sr__mcf *m, uint32_t s, uint32_t t, int mode, long max_augment)
{
    if (!m || s >= m->n || t >= m->n || s == t)
        return -1;
    if (max_augment <= 0)
        max_augment = 1000000;
    for (size_t e = 0; e < m->na; e += 2) {
        m->a[e].res = m->a[e].cap;
        m->a[e + 1].res = 0;
    }
    m->value = m->cost = 0;
    for (long it = 0;; it++) {
        if (it >= max_augment)
            return -3;
        int r = shortest(m, s, t);
        if (r == -2)
            return -2;
        if (r == 1)
            break;
        if (mode == SR__MCF_MINCOST && m->dist[t] >= -1e-12)
            break;
        double push = INFINITY;
        size_t steps = 0;
        for (uint32_t v = t; v != s;) {
            /* A path longer than n arcs means the predecessors form a cycle:
             * rounding made a cycle look negative.  Report it, never loop. */
            if (++steps > m->n)
                return -2;
            uint32_t e = m->pred[v];
            if (m->a[e].res < push)
                push = m->a[e].res;
            v = m->tail_of[e];
        }
        if (!isfinite(push))
            return -1; /* an uncapacitated path: not allowed (caps are finite) */
        for (uint32_t v = t; v != s;) {
            uint32_t e = m->pred[v];
            m->a[e].res -= push;
            m->a[e ^ 1].res += push;
            v = m->tail_of[e];
        }
        m->value += push;
        m->cost += push * m->dist[t];
    }
    return 0;
}

double sr__mcf_flow(const sr__mcf *m, size_t arc)
{
    if (!m || 2 * arc >= m->na)
        return 0;
    return m->a[2 * arc + 1].res;
}

double sr__mcf_value(const sr__mcf *m) { return m ? m->value : 0; }
double sr__mcf_cost(const sr__mcf *m) { return m ? m->cost : 0; }
size_t sr__mcf_arc_count(const sr__mcf *m) { return m ? m->na / 2 : 0; }
