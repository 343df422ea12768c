/*
 * miles.c - a corridor route with its first and last mile from
 * coordinates: the one implementation behind `route --detail` (CLI) and
 * /v1/route on a server started with --detail, so that both answer the
 * same route and the same JSON.
 *
 * Each end given as coordinates has up to SR_MILE_CANDIDATES corridor
 * places reached by road (osm/mile.c); the corridor route is searched for
 * every pair of candidates and the pair whose miles and route together
 * are best by the objective is kept.  All these searches run under one
 * work budget (route.c, sr__query_hold_budget()), so a query with miles
 * is bounded like any other.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"
#include "silkroute.h"

int sr_is_coords(const char *text)
{
    double la, lo;
    return text && sr_coord_parse(text, &la, &lo) != SR_EPLACE;
}

void sr_miles_clear(sr_miles *m)
{
    if (!m)
        return;
    for (int e = 0; e < 2; e++) {
        if (m->have[e])
            sr_mile_clear(&m->mile[e]);
        m->have[e] = 0;
    }
}

/* What the objective minimises, over a route and the miles' hours (which
 * carry no tariff or CO2e model: they count only where time does). */
static double mile_score(const sr_route_options *o, const sr_result *res, double mile_h)
{
    double best = HUGE_VAL;
    for (size_t i = 0; i < sr_result_count(res); i++) {
        const sr_route *r = sr_result_route(res, i);
        double v;
        switch (o->objective) {
        case SR_BY_COST: v = r->cost_usd + 1e-9 * (r->duration_h + mile_h); break;
        case SR_BY_CO2: v = r->co2e_kg + 1e-9 * (r->duration_h + mile_h); break;
        case SR_BY_BLEND:
            v = o->weight_time_h * (r->duration_h + mile_h) + o->weight_cost_usd * r->cost_usd +
                o->weight_co2e_kg * r->co2e_kg;
            break;
        case SR_BY_RELIABLE: v = r->duration_p90_h + mile_h; break;
        default: v = r->duration_h + mile_h;
        }
        if (v < best)
            best = v;
    }
    return best;
}

/* The corridor route for every pair of candidate places (a named end is
 * its one place), the best by the objective with its miles moved into m;
 * the other candidates are cleared.  When no pair routes, the error is
 * that of the quickest miles' pair; when every pair meets at one place,
 * the message says so. */
static sr_code route_pairs(sr_query *q, sr_route_options *o, sr_mile cand[2][SR_MILE_CANDIDATES],
                           const size_t *ncand, sr_result **res, sr_miles *m, const char *const *label)
{
    const sr_network *net = sr__query_net(q);
    const char *end0[2] = {o->from, o->to};
    size_t n[2] = {ncand[0] ? ncand[0] : 1, ncand[1] ? ncand[1] : 1}, pick[2] = {0, 0};
    double best = HUGE_VAL, best_h = HUGE_VAL, road_h = HUGE_VAL, road_km = 0;
    sr_result *br = NULL;
    size_t road_place = 0;
    sr_code c = SR_OK, lim = SR_OK;
    for (size_t a = 0; a < n[0] && lim == SR_OK; a++)
        for (size_t b = 0; b < n[1] && lim == SR_OK; b++) {
            o->from = ncand[0] ? sr_network_place(net, cand[0][a].place)->id : end0[0];
            o->to = ncand[1] ? sr_network_place(net, cand[1][b].place)->id : end0[1];
            size_t fi, ti;
            double h = (ncand[0] ? cand[0][a].duration_h : 0) + (ncand[1] ? cand[1][b].duration_h : 0);
            if (sr_place_find(net, o->from, &fi) == SR_OK && sr_place_find(net, o->to, &ti) == SR_OK && fi == ti) {
                /* Both miles meet at one place: the trip by road alone. */
                if (h < road_h) {
                    road_h = h;
                    road_place = fi;
                    road_km = (ncand[0] ? cand[0][a].distance_km : 0) + (ncand[1] ? cand[1][b].distance_km : 0);
                }
                continue;
            }
            sr_result *r = NULL;
            sr_code rc = sr_route_query(q, o, &r);
            if (rc == SR_ELIMIT) {
                /* The one budget is spent (or the query cancelled): no
                 * further pair can be searched, and none is known best. */
                lim = rc;
                continue;
            }
            if (rc == SR_OK) {
                double v = mile_score(o, r, h);
                if (v < best) {
                    sr_result_free(br);
                    br = r;
                    best = v;
                    best_h = HUGE_VAL;
                    for (size_t i = 0; i < sr_result_count(r); i++)
                        if (sr_result_route(r, i)->duration_h + h < best_h)
                            best_h = sr_result_route(r, i)->duration_h + h;
                    pick[0] = a;
                    pick[1] = b;
                    continue;
                }
            }
            sr_result_free(r);
        }
    if (lim != SR_OK) {
        /* q's message names the limit (sr_query_errmsg()). */
        sr_result_free(br);
        br = NULL;
        c = lim;
        m->routed = 1;
    } else if (road_h < HUGE_VAL && road_h <= best_h) {
        /* Sooner by road through one place than by any corridor route. */
        sr__prepared pp;
        sr__query_prepared(q, &pp);
        snprintf(pp.err, pp.errcap,
                 "%s and %s are nearer by road alone (%.1f km, %.2f h through %s) than by any corridor route: "
                 "no corridor route is needed",
                 label[0], label[1], road_km, road_h, sr_network_place(net, road_place)->id);
        sr_result_free(br);
        br = NULL;
        c = SR_EARG;
    } else if (!br) {
        o->from = ncand[0] ? sr_network_place(net, cand[0][0].place)->id : end0[0];
        o->to = ncand[1] ? sr_network_place(net, cand[1][0].place)->id : end0[1];
        c = sr_route_query(q, o, res);
        m->routed = 1;
    } else {
        *res = br;
        m->routed = 1;
        o->from = ncand[0] ? sr_network_place(net, cand[0][pick[0]].place)->id : end0[0];
        o->to = ncand[1] ? sr_network_place(net, cand[1][pick[1]].place)->id : end0[1];
    }
    for (int e = 0; e < 2; e++) {
        for (size_t i = 0; i < ncand[e]; i++) {
            if (i == pick[e] && c == SR_OK) {
                m->mile[e] = cand[e][i];
                m->have[e] = 1;
            } else {
                sr_mile_clear(&cand[e][i]);
            }
        }
    }
    return c;
}

sr_code sr_route_query_miles(sr_query *q, sr_detail *d, sr_route_options *o, sr_result **res, sr_miles *m)
{
    if (res)
        *res = NULL;
    if (m)
        for (int e = 0; e < 2; e++) {
            m->have[e] = 0;
            memset(&m->mile[e], 0, sizeof m->mile[e]);
        }
    if (!q || !o || !res || !m)
        return SR_EARG;
    m->routed = 0;
    if (!d || (!sr_is_coords(o->from) && !sr_is_coords(o->to))) {
        m->routed = 1;
        return sr_route_query(q, o, res);
    }
    const char *label[2] = {m->label[0] ? m->label[0] : "from", m->label[1] ? m->label[1] : "to"};
    sr__prepared pp;
    sr__query_prepared(q, &pp);
    if (o->depart != SR_TIME_NONE || o->arrive_by != SR_TIME_NONE || o->window_s) {
        snprintf(pp.err, pp.errcap, "a first or last mile is planned for static routes only (no depart, arrive_by "
                                    "or window)");
        return SR_EARG;
    }
    const sr_network *net = sr__query_net(q);
    sr_mile cand[2][SR_MILE_CANDIDATES];
    size_t ncand[2] = {0, 0};
    const char *end[2] = {o->from, o->to};
    for (int e = 0; e < 2; e++) {
        if (!sr_is_coords(end[e]))
            continue; /* a place id or name: no mile */
        sr_code mc = sr_detail_miles(d, net, end[e], e, cand[e], SR_MILE_CANDIDATES, &ncand[e]);
        if (mc != SR_OK) {
            snprintf(pp.err, pp.errcap, "%s: %s", label[e], sr_detail_errmsg(d));
            for (size_t i = 0; e && i < ncand[0]; i++)
                sr_mile_clear(&cand[0][i]);
            return mc;
        }
    }
    /* One budget for every pair's search, as for any one query. */
    sr__query_hold_budget(q, 1);
    sr_code c = route_pairs(q, o, cand, ncand, res, m, label);
    sr__query_hold_budget(q, 0);
    return c;
}

char *sr_result_json_miles(const sr_network *net, const sr_result *res, unsigned flags, const sr_miles *m)
{
    char *s = sr_result_json(net, res, flags);
    if (!s || !m || (!m->have[0] && !m->have[1]))
        return s;
    int pretty = (flags & SR_JSON_PRETTY) != 0;
    size_t len = strlen(s);
    while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
        len--;
    if (!len || s[len - 1] != '}') {
        sr_free(s);
        return NULL;
    }
    char *mj[2] = {NULL, NULL};
    size_t need = len + 256;
    for (int e = 0; e < 2; e++)
        if (m->have[e]) {
            mj[e] = sr_mile_json(net, &m->mile[e]);
            if (!mj[e]) {
                sr_free(mj[0]);
                sr_free(s);
                return NULL;
            }
            need += strlen(mj[e]) + 32;
        }
    size_t nr = sr_result_count(res);
    need += nr * 64;
    char *out = malloc(need);
    if (!out) {
        sr_free(mj[0]);
        sr_free(mj[1]);
        sr_free(s);
        return NULL;
    }
    size_t k = len - 1;
    while (k && (s[k - 1] == '\n' || s[k - 1] == ' '))
        k--;
    memcpy(out, s, k);
    size_t o = k;
    const char *sep = pretty ? ",\n  " : ",";
    for (int e = 0; e < 2; e++)
        if (mj[e])
            o += (size_t)snprintf(out + o, need - o, "%s\"%s\": %s", sep, e ? "last_mile" : "first_mile", mj[e]);
    /* Door-to-door totals per route option, in the order of "routes". */
    o += (size_t)snprintf(out + o, need - o, "%s\"door_to_door\": [", sep);
    for (size_t i = 0; i < nr; i++) {
        const sr_route *r = sr_result_route(res, i);
        double km = r->distance_km, h = r->duration_h;
        for (int e = 0; e < 2; e++)
            if (m->have[e])
                km += m->mile[e].distance_km, h += m->mile[e].duration_h;
        o += (size_t)snprintf(out + o, need - o, "%s{\"distance_km\": %.3f, \"duration_h\": %.3f}", i ? ", " : "", km,
                              h);
    }
    snprintf(out + o, need - o, pretty ? "]\n}\n" : "]}");
    sr_free(mj[0]);
    sr_free(mj[1]);
    sr_free(s);
    return out;
}
