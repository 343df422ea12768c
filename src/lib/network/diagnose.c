/*
 * diagnose.c - why a route query found no route.  It re-runs the query with
 * each of its constraints lifted in turn (modes, avoided countries, avoided
 * places and crossings, the network year, the transfer limit, the timing)
 * and names those whose removal gives a route, so "no route" becomes
 * "no route: the mode restriction (rail) blocks; with all modes there is
 * one".  Uses only the public query API, guarded against recursion.
 */
#include <stdio.h>
#include <string.h>

#include "network/network.h"
#include "route/route.h"

/* Set while a diagnosis runs its own queries on this thread, so that those
 * do not diagnose themselves. */
static _Thread_local int diagnosing;

int sr__diagnosing(void) { return diagnosing; }

/* Does the query with options o find a route?  On success, stores the
 * result in *keep when keep is not NULL. */
static int routes(sr_query *q, const sr_route_options *o, sr_result **keep)
{
    sr_result *r = NULL;
    sr_code c = sr_route_query(q, o, &r);
    if (c == SR_OK && keep)
        *keep = r;
    else
        sr_result_free(r);
    return c == SR_OK;
}

static void add(char *buf, size_t cap, size_t *len, const char *fmt, const char *a)
{
    if (*len >= cap)
        return;
    int w = snprintf(buf + *len, cap - *len, fmt, a);
    if (w > 0)
        *len += (size_t)w < cap - *len ? (size_t)w : cap - *len - 1;
}

/* The planned link of a route with the latest opening year: what a year
 * must reach for the route to exist. */
static int latest_opening(const sr_network *net, const sr_result *r, const char **name)
{
    int y = 0;
    *name = "";
    for (size_t i = 0; i < sr_result_count(r); i++) {
        const sr_route *rt = sr_result_route(r, i);
        for (size_t k = 0; k < rt->n_legs; k++) {
            const sr_leg *l = &rt->legs[k];
            if (l->link == SR_NO_LINK)
                continue;
            const sr_link *lk = &net->links[l->link];
            if (lk->status == SR_PLANNED && lk->open_year > y) {
                y = lk->open_year;
                *name = *lk->name ? lk->name : lk->id;
            }
        }
    }
    return y;
}

unsigned sr__explain_noroute(sr_query *q, const sr_network *net, const sr_route_options *o, char *buf, size_t cap)
{
    unsigned mask = 0;
    size_t len = 0;
    if (!cap)
        return 0;
    buf[0] = 0;
    if (diagnosing)
        return 0;
    diagnosing = 1;
    sr_route_options r;
    /* Pareto sets and windows answer the same question more slowly: one
     * plain search per relaxation is enough to say whether a route exists. */
    sr_route_options base = *o;
    base.pareto = 0;
    base.window_s = 0;
    char tmp[160];
    if (o->modes != SR_MODES_ALL) {
        r = base;
        r.modes = SR_MODES_ALL;
        if (routes(q, &r, NULL)) {
            mask |= SR_BLOCK_MODES;
            add(buf, cap, &len, "%s", "the mode restriction (with all modes there is a route)");
        }
    }
    if (o->n_avoid_countries) {
        r = base;
        r.n_avoid_countries = 0;
        if (routes(q, &r, NULL)) {
            mask |= SR_BLOCK_COUNTRIES;
            add(buf, cap, &len, "%s", len ? "; " : "");
            add(buf, cap, &len, "%s", "the avoided countries (without them there is a route)");
        }
    }
    if (o->n_avoid) {
        r = base;
        r.n_avoid = 0;
        if (routes(q, &r, NULL)) {
            mask |= SR_BLOCK_AVOID;
            add(buf, cap, &len, "%s", len ? "; " : "");
            add(buf, cap, &len, "%s", "the avoided places or crossings (without them there is a route)");
        }
    }
    if (o->year < 2100) {
        r = base;
        r.year = 2100;
        sr_result *res = NULL;
        if (routes(q, &r, &res)) {
            const char *name;
            int y = latest_opening(net, res, &name);
            if (y > 0) {
                mask |= SR_BLOCK_YEAR;
                add(buf, cap, &len, "%s", len ? "; " : "");
                snprintf(tmp, sizeof tmp, "the network year: a route opens with %.80s in %d (--year %d)", name, y, y);
                add(buf, cap, &len, "%s", tmp);
            }
            sr_result_free(res);
        }
    }
    if (o->max_transfers >= 0) {
        r = base;
        r.max_transfers = -1;
        if (routes(q, &r, NULL)) {
            mask |= SR_BLOCK_TRANSFERS;
            add(buf, cap, &len, "%s", len ? "; " : "");
            snprintf(tmp, sizeof tmp, "the transfer limit of %d (without it there is a route)", o->max_transfers);
            add(buf, cap, &len, "%s", tmp);
        }
    }
    if (o->depart != SR_TIME_NONE || o->arrive_by != SR_TIME_NONE) {
        r = base;
        r.depart = r.arrive_by = SR_TIME_NONE;
        r.window_s = 0;
        sr_result *res = NULL;
        if (routes(q, &r, &res)) {
            mask |= SR_BLOCK_TIMING;
            add(buf, cap, &len, "%s", len ? "; " : "");
            add(buf, cap, &len, "%s", "the timing: a route exists, but no departure or deadline given fits "
                                       "the opening days, hours and seasons of its crossings or its services");
            /* Name the seasonal crossings on that route: the usual cause. */
            const sr_route *rt = sr_result_route(res, 0);
            int named = 0;
            for (size_t k = 0; rt && k < rt->n_crossings; k++) {
                int32_t c = rt->crossings[k].crossing;
                if (c < 0 || !*net->crossings[c].open_season)
                    continue;
                snprintf(tmp, sizeof tmp, "%s%.80s open %.20s", named++ ? ", " : " (", net->crossings[c].name,
                         net->crossings[c].open_season);
                add(buf, cap, &len, "%s", tmp);
            }
            if (named)
                add(buf, cap, &len, "%s", ")");
            sr_result_free(res);
        }
    }
    if (!mask) {
        /* No single constraint: lift them all at once. */
        r = base;
        r.modes = SR_MODES_ALL;
        r.n_avoid_countries = r.n_avoid = 0;
        r.year = 2100;
        r.max_transfers = -1;
        r.depart = r.arrive_by = SR_TIME_NONE;
        int constrained = o->modes != SR_MODES_ALL || o->n_avoid_countries || o->n_avoid || o->year < 2100 ||
                          o->max_transfers >= 0 || o->depart != SR_TIME_NONE || o->arrive_by != SR_TIME_NONE;
        if (constrained && routes(q, &r, NULL)) {
            mask |= SR_BLOCK_COMBINED;
            add(buf, cap, &len, "%s", "several constraints together (lifting all of them gives a route)");
        } else {
            mask |= SR_BLOCK_UNCONNECTED;
            add(buf, cap, &len, "%s", "none of the query's constraints: the two places are not connected in the network");
        }
    }
    diagnosing = 0;
    return mask;
}
