/*
 * net_ch.c - contraction hierarchies of a network's state graph: the
 * states are (place, carrier class), numbered place * n_classes + class as
 * in the router (route.c); a link's arc joins two states of its class, a
 * transfer row two classes at one place.  The step id of an arc is its arc
 * index, of a transfer n_arcs + its index, as the router's `how`, so the
 * router builds the answer from the unpacked path exactly as from its own.
 *
 * One hierarchy serves one metric: an objective among time, cost and CO2e
 * and a cargo unit, at quantity 1, with every mode, only links open today,
 * nothing avoided and the default document options (year 0, the CIM/SMGS
 * common note, the TIR road regime) -- the default query.  The weight of
 * an arc is the expression of the router's Dijkstra with those settings,
 * document weights included (sr__doc_arc_weight(), sr__doc_xfer_weight()),
 * so the two searches minimise the same sum.  The document weights of a
 * border arc also depend on whether its ends lie in the origin's or the
 * destination's customs territory: the countries are grouped into classes
 * that agree on every arc (sr__net_ch_docs_classes()) and one hierarchy is
 * built per metric and pair of classes.  Other queries (another quantity,
 * a blend, avoided countries or places, modes, a year, a transfer limit,
 * separate consignment notes, national transit, the reliable or Pareto
 * search) run Dijkstra: a documented fallback, not a customisable
 * hierarchy (docs/ARCHITECTURE.md, docs/PERFORMANCE.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ch.h"
#include "documents/doc.h"
#include "network/network.h"

/* The router's tie-break share of the other criteria (route.c prepare()). */
#define EPS 1e-7

static void weights(sr_objective obj, double *wt, double *wc, double *we)
{
    *wt = obj == SR_BY_TIME ? 1 : EPS;
    *wc = obj == SR_BY_COST ? 1 : EPS;
    *we = obj == SR_BY_CO2 ? 1 : EPS;
}

double sr__net_ch_arc_weight(const sr_network *net, sr_objective obj, sr_unit unit, const sr__doc_query *dq,
                             uint32_t a)
{
    const sr_link *k = &net->links[net->arc_link[a]];
    if (!(net->modes[k->mode].units & (1u << unit)) || !sr__link_usable(k, 0))
        return INFINITY;
    double wt, wc, we, qty = 1, w90 = 0;
    weights(obj, &wt, &wc, &we);
    double w = wt * net->arc_time_h[a] + qty * (wc * net->arc_cost[unit][a] + we * net->arc_co2[unit][a]);
    if (dq && dq->docs && dq->docs->arc_border[a]) {
        /* As route.c adds them, term for term. */
        double dh, du;
        sr__doc_arc_weight(dq, a, &dh, &du);
        w += (wt + w90) * dh + wc * du;
    }
    return w;
}

double sr__net_ch_xfer_weight(const sr_network *net, sr_objective obj, sr_unit unit, const sr__doc_query *dq,
                              uint32_t x)
{
    const sr__xfer *tr = &net->xfers[x];
    double wt, wc, we, qty = 1, w90 = 0;
    weights(obj, &wt, &wc, &we);
    double w = wt * tr->duration_h + qty * wc * tr->cost_usd[unit] + w90 * tr->duration_p90_h;
    if (dq && dq->docs && dq->docs->xfer_reissue[x]) {
        double dh, du;
        sr__doc_xfer_weight(dq, x, &dh, &du);
        w += (wt + w90) * dh + wc * du;
    }
    return w;
}

/* The document query of a default query from `from` to `to`. */
static int default_doc_query(sr__doc_query *dq, const sr_network *net, sr_unit unit, uint32_t from, uint32_t to)
{
    memset(dq, 0, sizeof *dq);
    return sr__doc_query_init(dq, net, 0, SR_NOTE_CIM_SMGS, SR_ROAD_TIR, unit, 1, from, to);
}

sr__ch *sr__net_ch_build(const sr_network *net, sr_objective obj, sr_unit unit, uint32_t from, uint32_t to,
                         void (*progress)(void *, double), void *ctx)
{
    uint32_t nc = net->n_classes;
    if ((unsigned)obj > SR_BY_CO2 || (unsigned)unit >= SR_UNIT_COUNT || !nc ||
        (uint64_t)net->n_places * nc >= UINT32_MAX)
        return NULL;
    sr__doc_query dq, *dqp = NULL;
    if (net->docs) {
        if (from >= net->n_places || to >= net->n_places || default_doc_query(&dq, net, unit, from, to) < 0)
            return NULL;
        dqp = &dq;
    }
    size_t n = (size_t)net->n_arcs + net->n_xfers;
    sr__ch_arc *arcs = malloc((n + 1) * sizeof *arcs);
    if (!arcs) {
        if (dqp)
            sr__doc_query_free(dqp);
        return NULL;
    }
    size_t m = 0;
    for (uint32_t p = 0; p < net->n_places; p++) {
        for (uint32_t a = net->arc_off[p]; a < net->arc_off[p + 1]; a++) {
            double w = sr__net_ch_arc_weight(net, obj, unit, dqp, a);
            if (w < INFINITY)
                arcs[m++] = (sr__ch_arc){.tail = p * nc + net->arc_cls[a], .head = net->arc_head[a] * nc + net->arc_cls[a],
                                         .w = w, .step = a};
        }
        for (uint32_t x = net->xfer_off[p]; x < net->xfer_off[p + 1]; x++)
            arcs[m++] = (sr__ch_arc){.tail = p * nc + net->xfers[x].from, .head = p * nc + net->xfers[x].to,
                                     .w = sr__net_ch_xfer_weight(net, obj, unit, dqp, x), .step = net->n_arcs + x};
    }
    sr__ch *ch = sr__ch_build(net->n_places * nc, arcs, m, progress, ctx);
    free(arcs);
    if (dqp)
        sr__doc_query_free(dqp);
    return ch;
}

static uint32_t arc_tail(const sr_network *net, uint32_t a)
{
    const sr_link *k = &net->links[net->arc_link[a]];
    return net->arc_head[a] == k->from ? k->to : k->from;
}

/* Number the countries by signature: country c's signature is row c of
 * sig (len bytes); equal rows get one class.  cls[c] is the class, rep[k]
 * a place of class k (UINT32_MAX: none); returns the number of classes. */
static uint32_t group(const sr_network *net, const uint8_t *sig, size_t len, uint32_t n, uint32_t *cls, uint32_t *rep)
{
    uint32_t k = 0;
    for (uint32_t c = 0; c < n; c++) {
        cls[c] = UINT32_MAX;
        for (uint32_t d = 0; d < c && cls[c] == UINT32_MAX; d++)
            if (!len || !memcmp(sig + (size_t)c * len, sig + (size_t)d * len, len))
                cls[c] = cls[d];
        if (cls[c] == UINT32_MAX)
            cls[c] = k++;
    }
    for (uint32_t j = 0; j < k; j++)
        rep[j] = UINT32_MAX;
    for (uint32_t p = net->n_places; p-- > 0;)
        if (net->docs->place_ci[p] < n)
            rep[cls[net->docs->place_ci[p]]] = p; /* the first place of the class */
    return k;
}

int sr__net_ch_docs_classes(const sr_network *net, sr__net_ch *nc)
{
    const sr__docs *docs = net->docs;
    if (!docs || (nc->docs && nc->docs->serial == docs->serial))
        return 0;
    if (nc->docs)
        return -1; /* the network's rules are fixed once it is open */
    uint32_t n = docs->n_countries ? docs->n_countries : 1;
    sr__net_ch_docs *cd = calloc(1, sizeof *cd);
    uint8_t *dep = calloc(net->n_arcs ? net->n_arcs : 1, 1);
    uint32_t *eo = NULL, *ei = NULL;
    uint8_t *so = NULL, *si = NULL;
    sr__doc_query dq = {0};
    int rc = -1;
    if (!cd || !dep)
        goto out;
    cd->serial = docs->serial;
    cd->n_countries = n;
    /* Which border arcs' weights depend on the origin's territory (bit 0:
     * export clearance and carnet, or closing a transit) and which on the
     * destination's (bit 1: import clearance, or opening a transit), in any
     * unit: evaluated with the default query's own weight function, with
     * the two territory bits of the arc's ends set either way. */
    size_t n_eo = 0, n_ei = 0;
    for (int u = 0; u < SR_UNIT_COUNT && docs->n_countries; u++) {
        if (default_doc_query(&dq, net, (sr_unit)u, 0, 0) < 0)
            goto out;
        for (uint32_t a = 0; a < net->n_arcs; a++) {
            if (!docs->arc_border[a])
                continue;
            uint16_t ca = docs->place_ci[arc_tail(net, a)], cb = docs->place_ci[net->arc_head[a]];
            uint32_t sa = dq.terr[ca], sb = dq.terr[cb];
            double h[4], c[4];
            for (int e = 0; e < 4; e++) {
                dq.terr[ca] = (dq.terr[ca] & ~1u) | (e & 1u);
                dq.terr[cb] = (dq.terr[cb] & ~2u) | (e & 2u);
                sr__doc_arc_weight(&dq, a, &h[e], &c[e]);
            }
            dq.terr[ca] = sa;
            dq.terr[cb] = sb;
            if (h[1] != h[0] || c[1] != c[0] || h[3] != h[2] || c[3] != c[2])
                dep[a] |= 1;
            if (h[2] != h[0] || c[2] != c[0] || h[3] != h[1] || c[3] != c[1])
                dep[a] |= 2;
        }
        sr__doc_query_free(&dq);
    }
    for (uint32_t a = 0; a < net->n_arcs; a++) {
        n_eo += dep[a] & 1;
        n_ei += dep[a] >> 1 & 1;
    }
    /* Signatures: per country, whether each dependent arc's tail (head)
     * lies in its customs territory today (documents/load.c same0). */
    eo = malloc((n_eo + 1) * sizeof *eo);
    ei = malloc((n_ei + 1) * sizeof *ei);
    so = calloc((size_t)n * n_eo + 1, 1);
    si = calloc((size_t)n * n_ei + 1, 1);
    cd->ocls = malloc(n * sizeof *cd->ocls);
    cd->dcls = malloc(n * sizeof *cd->dcls);
    cd->orep = malloc(n * sizeof *cd->orep);
    cd->drep = malloc(n * sizeof *cd->drep);
    if (!eo || !ei || !so || !si || !cd->ocls || !cd->dcls || !cd->orep || !cd->drep)
        goto out;
    size_t jo = 0, ji = 0;
    for (uint32_t a = 0; a < net->n_arcs; a++) {
        if (dep[a] & 1)
            eo[jo++] = docs->place_ci[arc_tail(net, a)];
        if (dep[a] & 2)
            ei[ji++] = docs->place_ci[net->arc_head[a]];
    }
    for (uint32_t c = 0; c < docs->n_countries; c++) {
        for (size_t j = 0; j < n_eo; j++)
            so[(size_t)c * n_eo + j] = docs->same0[(size_t)eo[j] * n + c];
        for (size_t j = 0; j < n_ei; j++)
            si[(size_t)c * n_ei + j] = docs->same0[(size_t)ei[j] * n + c];
    }
    cd->n_ocls = group(net, so, n_eo, n, cd->ocls, cd->orep);
    cd->n_dcls = group(net, si, n_ei, n, cd->dcls, cd->drep);
    nc->docs = cd;
    cd = NULL;
    rc = 0;
out:
    sr__doc_query_free(&dq);
    free(dep);
    free(eo);
    free(ei);
    free(so);
    free(si);
    if (cd) {
        free(cd->ocls);
        free(cd->dcls);
        free(cd->orep);
        free(cd->drep);
        free(cd);
    }
    return rc;
}

sr__ch *sr__net_ch_for(const sr_network *net, sr_objective obj, sr_unit unit, uint32_t from, uint32_t to)
{
    const sr__net_ch *nc = net->ch;
    if (!nc || (unsigned)obj >= SR__CH_OBJECTIVES || (unsigned)unit >= SR_UNIT_COUNT)
        return NULL;
    if (!net->docs)
        return nc->ch[obj][unit];
    const sr__net_ch_docs *cd = nc->docs;
    /* Hierarchies built without the rules (an older compiled file's) are
     * never used on a network with rules. */
    if (!cd || cd->serial != net->docs->serial || !cd->ch[obj][unit] || from >= net->n_places || to >= net->n_places)
        return NULL;
    uint32_t co = net->docs->place_ci[from], ct = net->docs->place_ci[to];
    if (co >= cd->n_countries || ct >= cd->n_countries)
        return NULL;
    return cd->ch[obj][unit][(size_t)cd->ocls[co] * cd->n_dcls + cd->dcls[ct]];
}

void sr__net_ch_free(sr__net_ch *nc)
{
    if (!nc)
        return;
    for (int o = 0; o < SR__CH_OBJECTIVES; o++)
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            sr__ch_free(nc->ch[o][u]);
    sr__net_ch_docs *cd = nc->docs;
    if (cd) {
        for (int o = 0; o < SR__CH_OBJECTIVES; o++)
            for (int u = 0; u < SR_UNIT_COUNT; u++) {
                for (size_t i = 0; cd->ch[o][u] && i < (size_t)cd->n_ocls * cd->n_dcls; i++)
                    sr__ch_free(cd->ch[o][u][i]);
                free(cd->ch[o][u]);
            }
        free(cd->ocls);
        free(cd->dcls);
        free(cd->orep);
        free(cd->drep);
        free(cd);
    }
    free(nc);
}
