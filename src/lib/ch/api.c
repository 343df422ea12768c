/*
 * api.c - the public face of the contraction hierarchies: building them on
 * an open network (sr_network_build_ch()) and saying which it has.  Which
 * query uses one is decided in the query layer (query/plan.c).
 */
#include <stdlib.h>

#include "ch.h"
#include "network/network.h"

typedef struct prog {
    sr_progress_fn fn;
    void *ctx;
    uint64_t done;
} prog;

static void on_progress(void *ctx, double share)
{
    prog *p = ctx;
    if (p->fn)
        p->fn(p->ctx, p->done * 1000 + (uint64_t)(share * 1000), 1000, 0);
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
    prog p = {progress, ctx, 0};
    for (int o = 0; o < SR__CH_OBJECTIVES; o++)
        for (int u = 0; u < SR_UNIT_COUNT; u++) {
            if (!(metrics & SR_CH_METRIC(o, u)) || net->ch->ch[o][u])
                continue;
            sr__ch *ch = sr__net_ch_build(net, (sr_objective)o, (sr_unit)u, on_progress, &p);
            if (!ch)
                return SR_ENOMEM;
            net->ch->ch[o][u] = ch;
            p.done++;
        }
    return SR_OK;
}

unsigned sr_network_ch_metrics(const sr_network *net)
{
    unsigned m = 0;
    for (int o = 0; net && net->ch && o < SR__CH_OBJECTIVES; o++)
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            if (net->ch->ch[o][u])
                m |= SR_CH_METRIC(o, u);
    return m;
}
