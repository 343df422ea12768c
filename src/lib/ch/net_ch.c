/*
 * net_ch.c - contraction hierarchies of a network's state graph: the
 * states are (place, carrier class), numbered place * n_classes + class as
 * in the router (route.c); a link's arc joins two states of its class, a
 * transfer row two classes at one place.  The step id of an arc is its arc
 * index, of a transfer n_arcs + its index, as the router's `how`, so the
 * router builds the answer from the unpacked path exactly as from its own.
 *
 * One hierarchy serves one metric: an objective among time, cost and CO2e
 * and a cargo unit, at quantity 1, with every mode, only links open today
 * and nothing avoided -- the default query.  The weight of an arc is the
 * expression of the router's Dijkstra with those settings, so the two
 * searches minimise the same sum.  Other queries (another quantity, a
 * blend, avoided countries or places, modes, a year, a transfer limit, the
 * reliable or Pareto search) run Dijkstra: a documented fallback, not a
 * customisable hierarchy (docs/ARCHITECTURE.md, docs/PERFORMANCE.md).
 */
#include <math.h>
#include <stdlib.h>

#include "ch.h"
#include "network/network.h"

/* The router's tie-break share of the other criteria (route.c prepare()). */
#define EPS 1e-7

static void weights(sr_objective obj, double *wt, double *wc, double *we)
{
    *wt = obj == SR_BY_TIME ? 1 : EPS;
    *wc = obj == SR_BY_COST ? 1 : EPS;
    *we = obj == SR_BY_CO2 ? 1 : EPS;
}

double sr__net_ch_arc_weight(const sr_network *net, sr_objective obj, sr_unit unit, uint32_t a)
{
    const sr_link *k = &net->links[net->arc_link[a]];
    if (!(net->modes[k->mode].units & (1u << unit)) || !sr__link_usable(k, 0))
        return INFINITY;
    double wt, wc, we, qty = 1;
    weights(obj, &wt, &wc, &we);
    return wt * net->arc_time_h[a] + qty * (wc * net->arc_cost[unit][a] + we * net->arc_co2[unit][a]);
}

double sr__net_ch_xfer_weight(const sr_network *net, sr_objective obj, sr_unit unit, uint32_t x)
{
    const sr__xfer *tr = &net->xfers[x];
    double wt, wc, we, qty = 1, w90 = 0;
    weights(obj, &wt, &wc, &we);
    return wt * tr->duration_h + qty * wc * tr->cost_usd[unit] + w90 * tr->duration_p90_h;
}

sr__ch *sr__net_ch_build(const sr_network *net, sr_objective obj, sr_unit unit, void (*progress)(void *, double),
                         void *ctx)
{
    uint32_t nc = net->n_classes;
    if ((unsigned)obj > SR_BY_CO2 || (unsigned)unit >= SR_UNIT_COUNT || !nc ||
        (uint64_t)net->n_places * nc >= UINT32_MAX)
        return NULL;
    size_t n = (size_t)net->n_arcs + net->n_xfers;
    sr__ch_arc *arcs = malloc((n + 1) * sizeof *arcs);
    if (!arcs)
        return NULL;
    size_t m = 0;
    for (uint32_t p = 0; p < net->n_places; p++) {
        for (uint32_t a = net->arc_off[p]; a < net->arc_off[p + 1]; a++) {
            double w = sr__net_ch_arc_weight(net, obj, unit, a);
            if (w < INFINITY)
                arcs[m++] = (sr__ch_arc){.tail = p * nc + net->arc_cls[a], .head = net->arc_head[a] * nc + net->arc_cls[a],
                                         .w = w, .step = a};
        }
        for (uint32_t x = net->xfer_off[p]; x < net->xfer_off[p + 1]; x++)
            arcs[m++] = (sr__ch_arc){.tail = p * nc + net->xfers[x].from, .head = p * nc + net->xfers[x].to,
                                     .w = sr__net_ch_xfer_weight(net, obj, unit, x), .step = net->n_arcs + x};
    }
    sr__ch *ch = sr__ch_build(net->n_places * nc, arcs, m, progress, ctx);
    free(arcs);
    return ch;
}

void sr__net_ch_free(sr__net_ch *nc)
{
    if (!nc)
        return;
    for (int o = 0; o < SR__CH_OBJECTIVES; o++)
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            sr__ch_free(nc->ch[o][u]);
    free(nc);
}
