/*
 * ota.c - the one-to-all search of reach and matrices (see ota.h).
 *
 * The loop is the router's Dijkstra (route.c) without a goal: the same
 * arc and transfer weights added in the same order, the same binary heap
 * ordered by (key, state id), no transfer at the origin.  Besides the key
 * it carries, per state, the hours, USD, kg CO2e and km of the path, so a
 * place's figures are those of the route the router returns for the pair.
 * Arrays are sized once per sr__ota and reset by a generation stamp, so a
 * matrix pays for the allocation once, not per source.
 */
#include <stdlib.h>
#include <string.h>

#include "ota.h"

/* The network's carrier classes (a further gauge adds one, gauge.c). */
#define NC (net->n_classes)
#define NONE UINT32_MAX

sr_code sr__ota_init(sr__ota *s, sr_query *q, const sr_route_options *o)
{
    memset(s, 0, sizeof *s);
    const sr_network *net = sr__query_net(q);
    s->net = net;
    s->arc_usable = malloc((size_t)net->n_arcs + 1);
    s->banned = malloc((size_t)net->n_places + 1);
    if (!s->arc_usable || !s->banned)
        return SR_ENOMEM;
    sr_code rc = sr__scalar_prepare(q, o, &s->sp, s->arc_usable, s->banned);
    if (rc != SR_OK)
        return rc;
    size_t n = (size_t)s->sp.layers * net->n_places * NC;
    s->n_states = n;
    s->stamp = calloc(n + 1, sizeof *s->stamp);
    s->dist = malloc((n + 1) * sizeof *s->dist);
    s->acc = malloc((n + 1) * 4 * sizeof *s->acc);
    s->how = malloc((n + 1) * sizeof *s->how);
    s->pred = malloc((n + 1) * sizeof *s->pred);
    s->done = calloc(n + 1, 1);
    s->place_state = malloc(((size_t)net->n_places + 1) * sizeof *s->place_state);
    s->place_stamp = calloc((size_t)net->n_places + 1, sizeof *s->place_stamp);
    if (!s->stamp || !s->dist || !s->acc || !s->how || !s->pred || !s->done || !s->place_state || !s->place_stamp)
        return SR_ENOMEM;
    s->year = o->year;
    s->note = o->consignment_note;
    s->road = o->road_regime;
    return SR_OK;
}

void sr__ota_free(sr__ota *s)
{
    free(s->arc_usable);
    free(s->banned);
    free(s->stamp);
    free(s->dist);
    free(s->acc);
    free(s->how);
    free(s->pred);
    free(s->done);
    free(s->place_state);
    free(s->place_stamp);
    sr__heap_free(&s->heap);
    sr__doc_query_free(&s->doc);
    memset(s, 0, sizeof *s);
}

/* Relax state t from s with key nd and the path figures of s plus (h, usd,
 * kg, km). */
static inline int relax(sr__ota *o, size_t from, size_t t, double nd, uint32_t how, double h, double usd, double kg,
                        double km)
{
    if (o->stamp[t] == o->gen && !(nd < o->dist[t]))
        return 0;
    if (o->stamp[t] != o->gen)
        o->done[t] = 0;
    o->stamp[t] = o->gen;
    o->dist[t] = nd;
    o->pred[t] = (uint32_t)from;
    o->how[t] = how;
    const double *a = o->acc + 4 * from;
    double *b = o->acc + 4 * t;
    b[0] = a[0] + h;
    b[1] = a[1] + usd;
    b[2] = a[2] + kg;
    b[3] = a[3] + km;
    return sr__heap_push(&o->heap, nd, (uint32_t)t);
}

sr_code sr__ota_run(sr__ota *o, uint32_t from)
{
    const sr_network *net = o->net;
    const sr__scalar *p = &o->sp;
    const size_t np = net->n_places;
    const double *cost = net->arc_cost[p->unit], *co2 = net->arc_co2[p->unit];
    if (++o->gen == 0) {
        memset(o->stamp, 0, o->n_states * sizeof *o->stamp);
        memset(o->place_stamp, 0, np * sizeof *o->place_stamp);
        o->gen = 1;
    }
    o->heap.n = 0;
    size_t want = o->n_want;
    /* The document rules from this origin, as the router's (documents/). */
    if (sr__doc_query_init(&o->doc, net, o->year, o->note, o->road, p->unit, p->qty, from, UINT32_MAX) < 0)
        return SR_ENOMEM;
    const sr__docs *docs = o->doc.docs;
    for (uint32_t c = 0; c < NC; c++) {
        size_t s = (size_t)from * NC + (size_t)c;
        o->stamp[s] = o->gen;
        o->done[s] = 0;
        o->dist[s] = 0;
        o->pred[s] = NONE;
        o->how[s] = NONE;
        memset(o->acc + 4 * s, 0, 4 * sizeof *o->acc);
        if (sr__heap_push(&o->heap, 0, (uint32_t)s) < 0)
            return SR_ENOMEM;
    }
    while (o->heap.n) {
        sr__heap_item it = sr__heap_pop(&o->heap);
        size_t s = it.id;
        if (it.key > o->dist[s] || o->done[s])
            continue;
        o->done[s] = 1;
        uint32_t cls = (uint32_t)(s % NC), place = (uint32_t)((s / NC) % np), layer = (uint32_t)(s / NC / np);
        if (o->place_stamp[place] != o->gen) {
            o->place_stamp[place] = o->gen;
            o->place_state[place] = (uint32_t)s;
            if (o->want && o->want[place] && --want == 0)
                break;
        }
        double d = it.key;
        for (uint32_t a = net->arc_off[place]; a < net->arc_off[place + 1]; a++) {
            if (net->arc_cls[a] != cls || !o->arc_usable[a])
                continue;
            double w = p->wt * net->arc_time_h[a] + p->qty * (p->wc * cost[a] + p->we * co2[a]);
            double dh = 0, du = 0;
            if (docs && docs->arc_border[a]) {
                sr__doc_arc_weight(&o->doc, a, &dh, &du);
                w += p->wt * dh + p->wc * du;
            }
            size_t t = (((size_t)layer * np + net->arc_head[a]) * NC) + cls;
            if (relax(o, s, t, d + w, a, net->arc_time_h[a] + dh, p->qty * cost[a] + du, p->qty * co2[a],
                      net->links[net->arc_link[a]].distance_km) < 0)
                return SR_ENOMEM;
        }
        if (place == from || (p->limit_transfers && (int)layer + 1 >= p->layers))
            continue;
        uint32_t nl = p->limit_transfers ? layer + 1 : 0;
        for (uint32_t x = net->xfer_off[place]; x < net->xfer_off[place + 1]; x++) {
            const sr__xfer *tr = &net->xfers[x];
            if (tr->from != cls)
                continue;
            double w = p->wt * tr->duration_h + p->qty * p->wc * tr->cost_usd[p->unit];
            double dh = 0, du = 0;
            if (docs && docs->xfer_reissue[x]) {
                sr__doc_xfer_weight(&o->doc, x, &dh, &du);
                w += p->wt * dh + p->wc * du;
            }
            size_t t = (((size_t)nl * np + place) * NC) + tr->to;
            if (relax(o, s, t, d + w, net->n_arcs + x, tr->duration_h + dh, p->qty * tr->cost_usd[p->unit] + du, 0, 0) < 0)
                return SR_ENOMEM;
        }
    }
    return SR_OK;
}
