/*
 * graph.c - the one-mode graph of osmgraph.h: arcs in compressed rows, the
 * places that have arcs sorted by latitude for nearest-node lookups within
 * a radius, and a binary-heap Dijkstra whose scratch is reset by a stamp
 * so repeated searches on a big imported network cost only what they
 * visit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "osm/osmgraph.h"
#include "core/util.h"

static int keep(const sr_link *k, sr_mode mode, unsigned gauge)
{
    return k->mode == mode && (mode != SR_RAIL || !gauge || k->gauge_mm == gauge);
}

typedef struct latp {
    double lat;
    uint32_t p;
} latp;

static int by_lat(const void *a, const void *b)
{
    const latp *x = a, *y = b;
    if (x->lat != y->lat)
        return x->lat < y->lat ? -1 : 1;
    return x->p < y->p ? -1 : x->p > y->p;
}

int sr__og_build(sr__og *g, const sr_network *net, sr_mode mode, unsigned gauge, int reverse)
{
    memset(g, 0, sizeof *g);
    g->net = net;
    g->n = sr_network_place_count(net);
    size_t nl = sr_network_link_count(net), na = 0;
    for (size_t l = 0; l < nl; l++) {
        const sr_link *k = sr_network_link(net, l);
        if (keep(k, mode, gauge))
            na += k->directed ? 1 : 2;
    }
    g->off = calloc(g->n + 1, sizeof *g->off);
    g->arc_from = malloc((na ? na : 1) * sizeof *g->arc_from);
    g->arc_to = malloc((na ? na : 1) * sizeof *g->arc_to);
    g->arc_link = malloc((na ? na : 1) * sizeof *g->arc_link);
    g->bylat = malloc((g->n ? g->n : 1) * sizeof *g->bylat);
    g->dist = malloc((g->n ? g->n : 1) * sizeof *g->dist);
    g->pred = malloc((g->n ? g->n : 1) * sizeof *g->pred);
    g->stamp = calloc(g->n ? g->n : 1, sizeof *g->stamp);
    uint8_t *touched = calloc(g->n ? g->n : 1, 1);
    if (!g->off || !g->arc_from || !g->arc_to || !g->arc_link || !g->bylat || !g->dist || !g->pred || !g->stamp ||
        !touched) {
        free(touched);
        sr__og_free(g);
        return -1;
    }
    /* Two passes: count arcs per tail, then place them. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t l = 0; l < nl; l++) {
            const sr_link *k = sr_network_link(net, l);
            if (!keep(k, mode, gauge))
                continue;
            for (int dir = 0; dir < (k->directed ? 1 : 2); dir++) {
                uint32_t a = dir ? k->to : k->from, b = dir ? k->from : k->to;
                if (reverse) {
                    uint32_t t = a;
                    a = b;
                    b = t;
                }
                if (pass == 0) {
                    g->off[a + 1]++;
                    touched[a] = touched[b] = 1;
                } else {
                    uint32_t i = g->off[a]++;
                    g->arc_from[i] = a;
                    g->arc_to[i] = b;
                    g->arc_link[i] = (uint32_t)l;
                }
            }
        }
        if (pass == 0) {
            for (size_t p = 0; p < g->n; p++)
                g->off[p + 1] += g->off[p];
        } else {
            /* The second pass advanced each offset to the next row's start. */
            for (size_t p = g->n; p > 0; p--)
                g->off[p] = g->off[p - 1];
            g->off[0] = 0;
        }
    }
    g->n_arcs = na;
    size_t nt = 0;
    for (size_t p = 0; p < g->n; p++)
        nt += touched[p];
    latp *s = malloc((nt ? nt : 1) * sizeof *s);
    if (!s) {
        free(touched);
        sr__og_free(g);
        return -1;
    }
    for (size_t p = 0; p < g->n; p++)
        if (touched[p])
            s[g->n_bylat++] = (latp){sr_network_place(net, p)->lat, (uint32_t)p};
    free(touched);
    qsort(s, g->n_bylat, sizeof *s, by_lat);
    for (size_t i = 0; i < g->n_bylat; i++)
        g->bylat[i] = s[i].p;
    free(s);
    return 0;
}

void sr__og_free(sr__og *g)
{
    free(g->off);
    free(g->arc_from);
    free(g->arc_to);
    free(g->arc_link);
    free(g->bylat);
    free(g->dist);
    free(g->pred);
    free(g->stamp);
    free(g->heap);
    free(g->hkey);
    memset(g, 0, sizeof *g);
}

int sr__og_view(sr__og *view, const sr__og *g)
{
    *view = *g;
    view->dist = malloc((g->n ? g->n : 1) * sizeof *view->dist);
    view->pred = malloc((g->n ? g->n : 1) * sizeof *view->pred);
    view->stamp = calloc(g->n ? g->n : 1, sizeof *view->stamp);
    view->cur = 0;
    view->heap = NULL;
    view->hkey = NULL;
    view->n_heap = view->cap_heap = 0;
    if (!view->dist || !view->pred || !view->stamp) {
        sr__og_view_free(view);
        return -1;
    }
    return 0;
}

void sr__og_view_free(sr__og *view)
{
    free(view->dist);
    free(view->pred);
    free(view->stamp);
    free(view->heap);
    free(view->hkey);
    memset(view, 0, sizeof *view);
}

long sr__og_nearest(const sr__og *g, double lat, double lon, double max_km, double *km)
{
    /* A degree of latitude is at least 110.5 km, so every place within
     * max_km lies in this band of the sorted array. */
    double band = max_km / 110.5 + 1e-9;
    size_t lo = 0, hi = g->n_bylat;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sr_network_place(g->net, g->bylat[mid])->lat < lat - band)
            lo = mid + 1;
        else
            hi = mid;
    }
    long best = -1;
    double bd = HUGE_VAL;
    for (size_t i = lo; i < g->n_bylat; i++) {
        const sr_place *p = sr_network_place(g->net, g->bylat[i]);
        if (p->lat > lat + band)
            break;
        double d = sr__haversine_km(lat, lon, p->lat, p->lon);
        if (d <= max_km && (d < bd || (d == bd && (long)g->bylat[i] < best))) {
            bd = d;
            best = g->bylat[i];
        }
    }
    if (km)
        *km = best >= 0 ? bd : HUGE_VAL;
    return best;
}

static int push(sr__og *g, uint32_t p, double key)
{
    if (g->n_heap == g->cap_heap) {
        size_t nc = g->cap_heap ? 2 * g->cap_heap : 256;
        uint32_t *h = realloc(g->heap, nc * sizeof *h);
        if (!h)
            return -1;
        g->heap = h;
        double *k = realloc(g->hkey, nc * sizeof *k);
        if (!k)
            return -1;
        g->hkey = k;
        g->cap_heap = nc;
    }
    size_t i = g->n_heap++;
    while (i > 0 && g->hkey[(i - 1) / 2] > key) {
        g->heap[i] = g->heap[(i - 1) / 2];
        g->hkey[i] = g->hkey[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    g->heap[i] = p;
    g->hkey[i] = key;
    return 0;
}

static void pop(sr__og *g, uint32_t *p, double *key)
{
    *p = g->heap[0];
    *key = g->hkey[0];
    uint32_t lp = g->heap[--g->n_heap];
    double lk = g->hkey[g->n_heap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= g->n_heap)
            break;
        if (c + 1 < g->n_heap && g->hkey[c + 1] < g->hkey[c])
            c++;
        if (g->hkey[c] >= lk)
            break;
        g->heap[i] = g->heap[c];
        g->hkey[i] = g->hkey[c];
        i = c;
    }
    if (g->n_heap) {
        g->heap[i] = lp;
        g->hkey[i] = lk;
    }
}

int sr__og_reached(const sr__og *g, uint32_t p)
{
    return p < g->n && g->stamp[p] == g->cur;
}

double sr__og_dist(const sr__og *g, uint32_t p)
{
    return sr__og_reached(g, p) ? g->dist[p] : HUGE_VAL;
}

int sr__og_search(sr__og *g, uint32_t src, int by_time, const uint32_t *targets, size_t n_targets)
{
    if (++g->cur == 0) {
        memset(g->stamp, 0, g->n * sizeof *g->stamp);
        g->cur = 1;
    }
    g->n_heap = 0;
    if (src >= g->n)
        return 0;
    g->stamp[src] = g->cur;
    g->dist[src] = 0;
    g->pred[src] = UINT32_MAX;
    if (push(g, src, 0) < 0)
        return -1;
    size_t left = n_targets;
    while (g->n_heap) {
        uint32_t p;
        double d;
        pop(g, &p, &d);
        if (d > g->dist[p])
            continue; /* a stale entry */
        if (targets) {
            for (size_t t = 0; t < n_targets; t++)
                if (targets[t] == p) {
                    left--;
                    break;
                }
            if (!left)
                break;
        }
        for (uint32_t a = g->off[p]; a < g->off[p + 1]; a++) {
            const sr_link *k = sr_network_link(g->net, g->arc_link[a]);
            double w = by_time ? k->duration_h : k->distance_km;
            uint32_t q = g->arc_to[a];
            double nd = d + w;
            if (g->stamp[q] != g->cur || nd < g->dist[q]) {
                g->stamp[q] = g->cur;
                g->dist[q] = nd;
                g->pred[q] = a;
                if (push(g, q, nd) < 0)
                    return -1;
            }
        }
    }
    return 0;
}

size_t sr__og_path(const sr__og *g, uint32_t p, uint32_t *arcs, size_t cap)
{
    if (!sr__og_reached(g, p))
        return 0;
    size_t n = 0;
    for (uint32_t q = p; g->pred[q] != UINT32_MAX; q = g->arc_from[g->pred[q]])
        n++;
    size_t i = n;
    for (uint32_t q = p; g->pred[q] != UINT32_MAX; q = g->arc_from[g->pred[q]]) {
        i--;
        if (i < cap)
            arcs[i] = g->pred[q];
    }
    return n;
}

uint32_t sr__og_arc_from(const sr__og *g, uint32_t a)
{
    return g->arc_from[a];
}
