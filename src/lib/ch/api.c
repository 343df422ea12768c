/*
 * api.c - the public face of the contraction hierarchies: building them on
 * an open network (sr_network_build_ch()) and saying which it has.  Which
 * query uses one is decided in the query layer (query/plan.c).  A network
 * with document rules gets one hierarchy per metric and pair of customs
 * territory classes (net_ch.c), built here in turn.
 */
#include <stdlib.h>

#include "ch.h"
#include "documents/doc.h"
#include "network/network.h"

typedef struct prog {
    sr_progress_fn fn;
    void *ctx;
    uint64_t done;
    double part, parts;     /* the hierarchy being built of a metric's parts */
} prog;

static void on_progress(void *ctx, double share)
{
    prog *p = ctx;
    if (p->fn)
        p->fn(p->ctx, p->done * 1000 + (uint64_t)((p->part + share) / p->parts * 1000), 1000, 0);
}

/* The hierarchies of one metric on a network with document rules: one per
 * pair of origin and destination territory classes (net_ch.c). */
static sr_code build_docs(sr_network *net, int o, int u, prog *p)
{
    sr__net_ch_docs *cd = net->ch->docs;
    size_t n = (size_t)cd->n_ocls * cd->n_dcls;
    sr__ch **v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return SR_ENOMEM;
    p->parts = (double)(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t from = cd->orep[i / cd->n_dcls], to = cd->drep[i % cd->n_dcls];
        p->part = (double)i;
        if (from == UINT32_MAX || to == UINT32_MAX)
            continue; /* a class without a place is never asked for */
        if (!(v[i] = sr__net_ch_build(net, (sr_objective)o, (sr_unit)u, from, to, on_progress, p))) {
            while (i-- > 0)
                sr__ch_free(v[i]);
            free(v);
            return SR_ENOMEM;
        }
    }
    cd->ch[o][u] = v;
    return SR_OK;
}

sr_code sr_network_build_ch(sr_network *net, unsigned metrics, sr_progress_fn progress, void *ctx)
{
    if (!net || (metrics & ~(unsigned)SR_CH_ALL_METRICS) || !net->n_classes || !net->arc_off)
        return SR_EARG;
    if ((uint64_t)net->n_places * net->n_classes >= UINT32_MAX)
        return SR_EARG;
    if (!net->ch) {
        net->ch = calloc(1, sizeof *net->ch);
        if (!net->ch)
            return SR_ENOMEM;
        net->ch->n_classes = net->n_classes;
    }
    if (sr__net_ch_docs_classes(net, net->ch) < 0)
        return SR_ENOMEM;
    prog p = {progress, ctx, 0, 0, 1};
    for (int o = 0; o < SR__CH_OBJECTIVES; o++)
        for (int u = 0; u < SR_UNIT_COUNT; u++) {
            if (!(metrics & SR_CH_METRIC(o, u)))
                continue;
            if (net->docs) {
                if (!net->ch->docs->ch[o][u]) {
                    sr_code rc = build_docs(net, o, u, &p);
                    if (rc != SR_OK)
                        return rc;
                }
            } else if (!net->ch->ch[o][u]) {
                p.part = 0;
                p.parts = 1;
                sr__ch *ch = sr__net_ch_build(net, (sr_objective)o, (sr_unit)u, 0, 0, on_progress, &p);
                if (!ch)
                    return SR_ENOMEM;
                net->ch->ch[o][u] = ch;
            } else {
                continue;
            }
            p.done++;
        }
    return SR_OK;
}

unsigned sr_network_ch_metrics(const sr_network *net)
{
    unsigned m = 0;
    for (int o = 0; net && net->ch && o < SR__CH_OBJECTIVES; o++)
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            if (net->docs ? net->ch->docs && net->ch->docs->serial == net->docs->serial && net->ch->docs->ch[o][u]
                          : net->ch->ch[o][u] != NULL)
                m |= SR_CH_METRIC(o, u);
    return m;
}
