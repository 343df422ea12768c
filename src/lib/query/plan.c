/*
 * plan.c - the query layer: the one place that chooses the search for a
 * route query (Dijkstra, Pareto, or the timetable search) and applies what
 * is common to all of them (one work budget per query, the cap on options
 * per answer).
 *
 * Why a layer of its own: the router (route.c) and the timetable module
 * (timetable/) are both searches over the network; neither should call the
 * other.  This layer sits above both, so lower modules never call up:
 * route.c prepares the query (places, filters, budget) and runs static
 * searches, timetable/ runs timed ones, and only this file knows both.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/budget.h"
#include "ch/ch.h"
#include "network/network.h"
#include "route/route.h"
#include "timetable/tt.h"

typedef struct ranked {
    double score;
    size_t i;
} ranked;

static int by_score(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->score < y->score ? -1 : x->score > y->score ? 1 : x->i < y->i ? -1 : x->i > y->i;
}

/* Keep at most max routes of r: the fastest, cheapest and lowest-CO2e
 * first, then the most balanced ones (by the sum of each criterion
 * relative to its optimum, as sr__result_thin() ranks them), in their
 * original order.  Returns -1 when memory runs out (r is then unchanged). */
static int cap_options(sr_result *r, size_t max)
{
    if (!r || !max || r->n <= max)
        return 0;
    size_t n = r->n, best[3] = {0, 0, 0};
    for (size_t i = 1; i < n; i++) {
        const sr_route *v = &r->routes[i].view;
        if (v->duration_h < r->routes[best[0]].view.duration_h)
            best[0] = i;
        if (v->cost_usd < r->routes[best[1]].view.cost_usd)
            best[1] = i;
        if (v->co2e_kg < r->routes[best[2]].view.co2e_kg)
            best[2] = i;
    }
    double t0 = r->routes[best[0]].view.duration_h, c0 = r->routes[best[1]].view.cost_usd,
           e0 = r->routes[best[2]].view.co2e_kg;
    ranked *rk = malloc(n * sizeof *rk);
    char *keep = calloc(n, 1);
    if (!rk || !keep) {
        free(rk);
        free(keep);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const sr_route *v = &r->routes[i].view;
        rk[i].i = i;
        rk[i].score = v->duration_h / (t0 > 0 ? t0 : 1) + v->cost_usd / (c0 > 0 ? c0 : 1) + v->co2e_kg / (e0 > 0 ? e0 : 1);
    }
    qsort(rk, n, sizeof *rk, by_score);
    size_t kept = 0;
    for (int k = 0; k < 3; k++)
        if (!keep[best[k]] && kept < max)
            keep[best[k]] = 1, kept++;
    for (size_t k = 0; k < n && kept < max; k++)
        if (!keep[rk[k].i])
            keep[rk[k].i] = 1, kept++;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (keep[i])
            r->routes[w++] = r->routes[i];
        else
            sr__route_release(&r->routes[i]);
    }
    r->n = w;
    r->n_found = n;
    free(rk);
    free(keep);
    return 0;
}

/*
 * The contraction hierarchy that answers o exactly, or NULL.  A hierarchy
 * is built for one metric (ch/net_ch.c): the default query of one
 * objective and unit.  Anything that changes arc weights or usability for
 * this query -- another quantity, a blend, modes, a year, avoided places,
 * crossings or countries, a transfer limit (layers), the reliable or
 * Pareto search, a departure time -- falls back to Dijkstra.  On a network
 * with document rules (documents/) the hierarchies carry the document
 * weights of the default document options: the CIM/SMGS common note and
 * the TIR road regime in year 0; separate notes or national transit fall
 * back to Dijkstra too.  There the hierarchy is the one of the customs
 * territory classes of the query's origin and destination (net_ch.c).
 */
static sr__ch *ch_for(const sr_network *net, const sr_route_options *o, uint32_t from, uint32_t to)
{
    if (!net->ch || o->pareto || o->quantity != 1 || o->modes != SR_MODES_ALL || o->year != 0 ||
        o->max_transfers >= 0 || o->n_avoid || o->n_avoid_countries || o->depart != SR_TIME_NONE ||
        o->arrive_by != SR_TIME_NONE || (unsigned)o->objective > SR_BY_CO2 || (unsigned)o->unit >= SR_UNIT_COUNT)
        return NULL;
    if (net->docs && (o->consignment_note != SR_NOTE_CIM_SMGS || o->road_regime != SR_ROAD_TIR))
        return NULL;
    return sr__net_ch_for(net, o->objective, o->unit, from, to);
}

/* The hierarchy's shortest path from any class at the origin to any class
 * at the destination, assembled by the router as its own. */
static sr_code ch_route(sr_query *q, sr__ch *ch, sr_result **out)
{
    const sr_network *net = sr__query_net(q);
    sr__prepared pp;
    sr__query_prepared(q, &pp);
    uint32_t nc = net->ch->n_classes, src[SR_CLASS_MAX], dst[SR_CLASS_MAX];
    for (uint32_t c = 0; c < nc; c++) {
        src[c] = pp.from * nc + c;
        dst[c] = pp.to * nc + c;
    }
    double dist;
    uint32_t *steps;
    size_t n;
    int r = sr__ch_query(ch, src, nc, dst, nc, &dist, &steps, &n);
    if (r == -2) {
        /* The compiled file's hierarchy failed its first-use check. */
        snprintf(pp.err, pp.errcap, "%s", ch->check_msg);
        return SR_EDATA;
    }
    if (r < 0)
        return SR_ENOMEM;
    if (r > 0)
        return sr__route_noroute(q);
    /* Transfers at the origin or the destination never shorten a route
     * (every class there is a start or a goal) and the router's Dijkstra
     * takes none there: drop any a zero-weight tie let in. */
    size_t first = 0;
    while (first < n && steps[first] >= net->n_arcs)
        first++;
    while (n > first && steps[n - 1] >= net->n_arcs)
        n--;
    sr_code rc = sr__route_from_steps(q, steps + first, n - first, out);
    free(steps);
    return rc;
}

static sr_code route_query(sr_query *q, const sr_route_options *o, sr_result **out)
{
    sr_code rc = sr__route_prepare(q, o);
    if (rc != SR_OK)
        return rc;
    if (o->depart != SR_TIME_NONE || o->arrive_by != SR_TIME_NONE) {
        sr__prepared pp;
        sr__query_prepared(q, &pp);
        rc = sr__tt_route_query(sr__query_net(q), o, pp.from, pp.to, pp.banned_place, pp.banned_crossing, pp.budget,
                                out, pp.err, pp.errcap);
        /* Arrive-by answers: the probability of arriving by the deadline
         * (the route's time distribution, calib/spread.c). */
        for (size_t i = 0; rc == SR_OK && o->arrive_by != SR_TIME_NONE && i < (*out)->n; i++) {
            sr_route *v = &(*out)->routes[i].view;
            if (v->timed)
                v->on_time_probability = sr_route_prob_within(v, (double)(o->arrive_by - v->depart) / 3600.0);
        }
    } else {
        sr__prepared pp;
        sr__query_prepared(q, &pp);
        sr__ch *ch = ch_for(sr__query_net(q), o, pp.from, pp.to);
        sr__query_set_used_ch(q, ch != NULL);
        rc = ch ? ch_route(q, ch, out) : sr__route_static(q, o, out);
    }
    if (rc == SR_OK && cap_options(*out, o->max_options) < 0) {
        sr_result_free(*out);
        *out = NULL;
        rc = SR_ENOMEM;
    }
    if (rc == SR_OK) {
        /* Where from and to resolved, for the answer's waypoints: a place
         * given as coordinates says how far it was snapped. */
        const sr_network *net = sr__query_net(q);
        const char *names[2] = {o->from, o->to};
        for (int k = 0; k < 2; k++) {
            size_t idx;
            double km = 0, lat, lon;
            if (sr_place_resolve(net, names[k], &idx, &km) == SR_OK) {
                (*out)->wp_place[k] = (uint32_t)idx;
                (*out)->wp_snap_km[k] = km;
                (*out)->wp_coords[k] = sr__parse_latlon(names[k], &lat, &lon) == 0;
            }
        }
    }
    return rc;
}

sr_code sr_route_query(sr_query *q, const sr_route_options *o, sr_result **out)
{
    if (!out)
        return SR_EARG;
    *out = NULL;
    if (!q || !o)
        return SR_EARG;
    sr__query_set_blocked(q, 0);
    sr__query_set_used_ch(q, 0);
    sr_code rc = route_query(q, o, out);
    if (rc == SR_ENOROUTE && !sr__diagnosing()) {
        /* Say which constraint blocks (diagnose.c): the diagnosis re-runs
         * the query, so keep this answer's own message to put first. */
        sr__prepared pp;
        sr__query_prepared(q, &pp);
        char msg[1024], why[600];
        snprintf(msg, sizeof msg, "%s", pp.err);
        int used_ch = sr_query_used_ch(q);
        unsigned mask = sr__explain_noroute(q, sr__query_net(q), o, why, sizeof why);
        sr__query_set_used_ch(q, used_ch); /* this query's search, not the diagnosis's */
        snprintf(pp.err, pp.errcap, "%.400s%sblocked by: %s", *msg ? msg : "no route", "; ", why);
        sr__query_set_blocked(q, mask);
    }
    return rc;
}
