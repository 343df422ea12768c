/*
 * via.c - what a scheduled service passes between two of its stops: the
 * borders it crosses and the gauge changes it makes on the way, found on
 * the network the timetable is matched to.  A block train from Xi'an whose
 * feed lists only Xi'an, Malaszewicze and Duisburg still crosses China-
 * Kazakhstan, Kazakhstan-Russia, Russia-Belarus and Belarus-Poland and
 * changes gauge twice; routes report that (with the time inside the
 * schedule) instead of one border and no transfer.
 *
 * For each consecutive stop pair of each trip, the shortest path by
 * distance over open links of the trip's mode gives the events.  Distinct
 * stop pairs are computed once.  Where no path exists the pair has no
 * events and the router falls back to comparing the stops' countries.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network/network.h"
#include "timetable/tt.h"
#include "core/heap.h"
#include "core/util.h"

#define MAX_PAIRS 20000   /* more distinct stop pairs: too costly at load, skipped */

typedef struct dj {
    const sr_network *net;
    double *dist;
    uint32_t *pred_link, *pred_place;
    /* The shared heap (core/heap.h): ties between equal distances go to
     * the smaller place id, so the events of two equally short paths do
     * not depend on push order. */
    sr__heap heap;
} dj;

/* Shortest path a -> b by distance over open links of mode m.  Returns the
 * number of links (stored from b backwards in w->pred_*), or -1. */
static int path(dj *w, uint32_t a, uint32_t b, int m)
{
    const sr_network *net = w->net;
    for (uint32_t p = 0; p < net->n_places; p++)
        w->dist[p] = HUGE_VAL;
    w->heap.n = 0;
    w->dist[a] = 0;
    w->pred_link[a] = UINT32_MAX;
    if (sr__heap_push(&w->heap, 0, a) < 0)
        return -1;
    while (w->heap.n) {
        sr__heap_item it = sr__heap_pop(&w->heap);
        if (it.key > w->dist[it.id])
            continue;
        if (it.id == b)
            break;
        for (uint32_t k = net->arc_off[it.id]; k < net->arc_off[it.id + 1]; k++) {
            const sr_link *l = &net->links[net->arc_link[k]];
            if ((int)l->mode != m || l->status != SR_OPEN)
                continue;
            uint32_t h = net->arc_head[k];
            double d = it.key + l->distance_km;
            if (d < w->dist[h]) {
                w->dist[h] = d;
                w->pred_link[h] = net->arc_link[k];
                w->pred_place[h] = it.id;
                if (sr__heap_push(&w->heap, d, h) < 0)
                    return -1;
            }
        }
    }
    if (w->dist[b] == HUGE_VAL)
        return -1;
    int n = 0;
    for (uint32_t p = b; p != a; p = w->pred_place[p])
        n++;
    return n;
}

static int add_event(sr_timetable *tt, size_t *cap, const sr__via *v)
{
    if (sr__grow((void **)&tt->via, cap, tt->n_via + 1, sizeof *tt->via) < 0)
        return -1;
    tt->via[tt->n_via++] = *v;
    return 0;
}

/* The carrier class of a rail gauge, through the network's class table
 * (gauge.c): every gauge the links use has one. */
static uint8_t gauge_class(const sr_network *net, uint16_t g)
{
    int c = sr__class_of_gauge(net, g);
    return c >= 0 ? (uint8_t)c : SR_CLASS_RAIL1435;
}

/* The arc that runs along link l from place at (UINT32_MAX: none). */
static uint32_t arc_along(const sr_network *net, uint32_t at, uint32_t l, uint32_t next)
{
    for (uint32_t k = net->arc_off[at]; k < net->arc_off[at + 1]; k++)
        if (net->arc_link[k] == l && net->arc_head[k] == next)
            return k;
    return UINT32_MAX;
}

/* The transfer row for a change of class at place at, as a step number
 * (n_arcs + row), or UINT32_MAX when the network has none. */
static uint32_t xfer_step(const sr_network *net, uint32_t at, uint8_t from, uint8_t to)
{
    for (uint32_t x = net->xfer_off[at]; x < net->xfer_off[at + 1]; x++)
        if (net->xfers[x].from == from && net->xfers[x].to == to)
            return net->n_arcs + x;
    return UINT32_MAX;
}

uint32_t sr__tt_gauge_step(const sr_network *net, uint32_t at, int from_cls, int to_cls)
{
    if (!net || at >= net->n_places || from_cls < 0 || to_cls < 0)
        return UINT32_MAX;
    return xfer_step(net, at, (uint8_t)from_cls, (uint8_t)to_cls);
}

/* The events of path a -> b (found by path()) appended to tt->via; the
 * gauges of its first and last links in *g0, *g1 (0 unless rail), its
 * first arc in *a0. */
static int events(sr_timetable *tt, size_t *cap, dj *w, uint32_t a, uint32_t b, int n, uint16_t *g0, uint16_t *g1,
                  uint32_t *a0)
{
    const sr_network *net = w->net;
    uint32_t *links = malloc((size_t)(n ? n : 1) * sizeof *links);
    if (!links)
        return -1;
    int i = n;
    for (uint32_t p = b; p != a; p = w->pred_place[p])
        links[--i] = w->pred_link[p];
    uint32_t at = a;
    *a0 = arc_along(net, a, links[0], net->links[links[0]].from == a ? net->links[links[0]].to : net->links[links[0]].from);
    *g0 = net->links[links[0]].mode == SR_RAIL ? net->links[links[0]].gauge_mm : 0;
    *g1 = net->links[links[n - 1]].mode == SR_RAIL ? net->links[links[n - 1]].gauge_mm : 0;
    for (int k = 0; k < n; k++) {
        const sr_link *l = &net->links[links[k]];
        uint32_t next = l->from == at ? l->to : l->from;
        if (k > 0 && l->mode == SR_RAIL) {
            const sr_link *prev = &net->links[links[k - 1]];
            if (prev->gauge_mm != l->gauge_mm) {
                uint8_t fc = gauge_class(net, prev->gauge_mm), tc = gauge_class(net, l->gauge_mm);
                sr__via v = {SR__VIA_GAUGE, -1, at, fc, tc, {0}, {0}, xfer_step(net, at, fc, tc)};
                if (add_event(tt, cap, &v) < 0)
                    goto fail;
            }
        }
        const char *ca = net->places[at].country, *cb = net->places[next].country;
        if (*ca && *cb && strcmp(ca, cb)) {
            sr__via v = {SR__VIA_BORDER, l->crossing, next, 0, 0, {0}, {0}, arc_along(net, at, links[k], next)};
            memcpy(v.from_country, ca, 3);
            memcpy(v.to_country, cb, 3);
            if (add_event(tt, cap, &v) < 0)
                goto fail;
        }
        at = next;
    }
    free(links);
    return 0;
fail:
    free(links);
    return -1;
}

typedef struct pair {
    uint64_t key;       /* a << 33 | b << 1 | 1; 0 empty */
    uint32_t off, len;
    uint16_t g0, g1;    /* gauge of the path's first and last link (rail) */
    uint32_t a0;        /* the path's first arc */
} pair;

sr_code sr__tt_build_via(sr_timetable *tt, const sr_network *net)
{
    if (!net || !tt->n_st || !net->n_places)
        return SR_OK;
    tt->st_via_off = calloc((size_t)tt->n_st + 1, sizeof *tt->st_via_off);
    tt->st_via_len = calloc((size_t)tt->n_st + 1, sizeof *tt->st_via_len);
    tt->st_via_g0 = calloc((size_t)tt->n_st + 1, sizeof *tt->st_via_g0);
    tt->st_via_g1 = calloc((size_t)tt->n_st + 1, sizeof *tt->st_via_g1);
    tt->st_via_a0 = malloc(((size_t)tt->n_st + 1) * sizeof *tt->st_via_a0);
    dj w = {net, malloc(net->n_places * sizeof(double)), malloc(net->n_places * sizeof(uint32_t)),
            malloc(net->n_places * sizeof(uint32_t)), {NULL, 0, 0}};
    size_t nslots = 1;
    while (nslots < 4 * (size_t)MAX_PAIRS)
        nslots <<= 1;
    pair *tab = calloc(nslots, sizeof *tab);
    size_t cap = 0, npairs = 0;
    sr_code rc = SR_ENOMEM;
    if (tt->st_via_a0)
        memset(tt->st_via_a0, 0xff, ((size_t)tt->n_st + 1) * sizeof *tt->st_via_a0);
    if (!tt->st_via_off || !tt->st_via_len || !tt->st_via_g0 || !tt->st_via_g1 || !tt->st_via_a0 || !w.dist || !w.pred_link || !w.pred_place || !tab)
        goto done;
    for (uint32_t k = 0; k < tt->n_trips; k++) {
        int mode = tt->routes[tt->trip_route[k]].mode;
        for (uint32_t i = 0; i + 1 < tt->trip_len[k]; i++) {
            uint32_t s = tt->trip_st[k] + i;
            uint32_t a = tt->stop_place[tt->st_stop[s]], b = tt->stop_place[tt->st_stop[s + 1]];
            if (a == UINT32_MAX || b == UINT32_MAX || a == b || a >= net->n_places || b >= net->n_places)
                continue;
            uint64_t key = ((uint64_t)a << 33 | (uint64_t)b << 1 | 1) ^ ((uint64_t)mode << 60);
            size_t h = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (nslots - 1);
            while (tab[h].key && tab[h].key != key)
                h = (h + 1) & (nslots - 1);
            if (!tab[h].key) {
                if (npairs == MAX_PAIRS)
                    continue;   /* a feed this large reports endpoint countries only */
                npairs++;
                tab[h].key = key;
                tab[h].off = tt->n_via;
                tab[h].a0 = UINT32_MAX;
                int n = path(&w, a, b, mode);
                if (n > 0 && events(tt, &cap, &w, a, b, n, &tab[h].g0, &tab[h].g1, &tab[h].a0) < 0)
                    goto done;
                tab[h].len = tt->n_via - tab[h].off;
            }
            tt->st_via_off[s] = tab[h].off;
            tt->st_via_len[s] = tab[h].len;
            tt->st_via_g0[s] = tab[h].g0;
            tt->st_via_g1[s] = tab[h].g1;
            tt->st_via_a0[s] = tab[h].a0;
        }
    }
    rc = SR_OK;
done:
    free(tab);
    free(w.dist);
    free(w.pred_link);
    free(w.pred_place);
    sr__heap_free(&w.heap);
    if (rc != SR_OK)
        snprintf(tt->errmsg, sizeof tt->errmsg, "out of memory");
    return rc;
}
