/*
 * search.c - the time-dependent search: earliest arrival and Pareto sets
 * over (arrival, cost, CO2e, transfers) on scheduled services combined with
 * the network's continuous links, plus depart-at, arrive-by and departure
 * window queries built on it.
 *
 * The model.  A state is (place, carrier class) as in the static router.
 * From a label at time t a search can
 *   - drive a continuous link: wait until its border crossing is open (the
 *     crossing's days, hours and season, local time), then take its running
 *     time plus dwell;
 *   - change carrier class by a transfer row of the network;
 *   - board a scheduled trip that calls at the place: the earliest running
 *     day whose departure is at or after t plus the minimum transfer time,
 *     and alight at any later stop of that trip (one label per stop).
 * Every step is FIFO (leaving later never arrives earlier), so labels can
 * be settled in order of time: this is time-dependent Dijkstra (one label
 * per state) or multi-criteria label setting (a bag of non-dominated labels
 * per state), with pruning by the labels found at the destination.
 *
 * Memory does not grow with service days: running days are looked up in
 * the trips' bitfields while boarding, a handful of days around t.
 *
 * Windows and arrive-by queries repeat the search: a window from t finds
 * the best options, moves t past the latest departure that still catches
 * the earliest of them, and repeats; arrive-by bisects the departure time
 * (arrival is monotone in departure time).  A final filter keeps the options
 * not dominated in (later departure, earlier arrival, cost, CO2e, transfers).
 *
 * Document rules (documents/, docs/DOCUMENTS.md) weigh the steps as in the
 * static router: a border arc or transfer adds its reissue, carnet or
 * declaration time and cost after it; a scheduled ride adds those of the
 * borders and gauge changes it passes (via.c) at the stop where the cargo
 * is unloaded, since a timetable's stop times hold no paperwork.  The
 * route then lists the same events (build_docs()).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/budget.h"
#include "documents/doc.h"
#include "network/network.h"
#include "route/route.h"
#include "timetable/search.h"

#define NONE UINT32_MAX
#define HORIZON_S ((int64_t)62 * SR__DAY)  /* how far past departure a search looks */
#define MAX_WINDOW_S ((int64_t)62 * SR__DAY)
#define MAX_WINDOW_STEPS 20000
#define DEFAULT_MAX_LABELS 2000000u
#define STEP_S 60                          /* window and bisection resolution */

enum { K_START = 0, K_ARC, K_XFER, K_TRIP };

typedef struct tlab {
    int64_t t;          /* arrival at the state */
    int64_t dep;        /* when this step left (after waiting) */
    double c, e;
    uint32_t state, pred, next, how;
    uint32_t xfer;      /* K_TRIP: network transfer row used to board, or NONE */
    int32_t day;        /* K_TRIP: service day (days since 1970) */
    uint16_t ntr;       /* transfers: class changes and boardings after a first leg */
    uint16_t pos_from, pos_to;
    uint8_t kind, dead, moved;
    uint8_t fixed;      /* windows: the journey so far has a fixed event */
    int32_t doc_s;      /* of t - dep: document and customs time of this step (documents/) */
    /* Windows, fixed journeys: how much later the cargo could have left the
     * origin and still made this journey (the wait at its first fixed
     * event); 0 for continuous journeys. */
    int64_t slack;
} tlab;

typedef struct hitem {
    int64_t t;
    double c;
    uint32_t id;
} hitem;

typedef struct ctx {
    const sr__tt_plan *p;
    const sr_timetable *tt;
    const sr_network *net;
    uint32_t ncls, n_states;
    uint32_t *bag;      /* first label per state */
    tlab *lab;
    size_t n_lab, cap_lab, max_lab;
    hitem *heap;
    size_t n_heap, cap_heap;
    uint32_t target_bag;
    int64_t t0, horizon;
    int overflow;
    /* Windows: a journey with a fixed event (a scheduled departure, a
     * crossing's or terminal's hours) and one without are never compared,
     * so the search finds the best of each.  The continuous one can leave
     * at any time; without this, once it is the fastest at the window's
     * start, later block trains that beat it shifted would never be seen. */
    int flagged;
} ctx;

/* ---- heap ----------------------------------------------------------------- */

static inline int hless(const hitem *a, const hitem *b) { return a->t < b->t || (a->t == b->t && a->c < b->c); }

static int hpush(ctx *x, int64_t t, double c, uint32_t id)
{
    if (sr__grow((void **)&x->heap, &x->cap_heap, x->n_heap + 1, sizeof *x->heap) < 0)
        return -1;
    size_t i = x->n_heap++;
    hitem it = {t, c, id};
    while (i) {
        size_t par = (i - 1) / 2;
        if (!hless(&it, &x->heap[par]))
            break;
        x->heap[i] = x->heap[par];
        i = par;
    }
    x->heap[i] = it;
    return 0;
}

static hitem hpop(ctx *x)
{
    hitem top = x->heap[0], last = x->heap[--x->n_heap];
    size_t i = 0, n = x->n_heap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && hless(&x->heap[c + 1], &x->heap[c]))
            c++;
        if (!hless(&x->heap[c], &last))
            break;
        x->heap[i] = x->heap[c];
        i = c;
    }
    if (n)
        x->heap[i] = last;
    return top;
}

/* ---- dominance -------------------------------------------------------------- */

static inline int leq(double a, double b) { return a <= b + 1e-9 * (fabs(b) + 1); }

/* Does a dominate (t, c, e, n)?  Earliest-arrival mode compares time, then
 * cost as a tie-break; Pareto mode all four criteria. */
static inline int dom_crit(const ctx *x, const tlab *a, int64_t t, double c, double e, unsigned n)
{
    if (!x->p->pareto)
        return a->t < t || (a->t == t && leq(a->c, c));
    return a->t <= t && leq(a->c, c) && leq(a->e, e) && a->ntr <= n;
}

/* The same at one state.  In windows journeys of one kind (fixed or
 * continuous) are compared as they are; a continuous journey, which can
 * leave at any time, also beats a fixed one that it still beats when it
 * leaves as much later as the fixed one could (its slack): otherwise a
 * detour through a timed crossing, fixed only by that, would stand in for
 * the later block trains the fixed kind is kept for.
 *
 * A fixed journey beats another fixed one only if, besides, its arrival
 * less its slack is no later than the other's: then every continuous
 * journey that beats it (shifted by its slack) beats the other too, and
 * the relation stays transitive.  Without this a train boarded upstream,
 * which must leave early, beat the same train boarded downstream, which
 * arrives as early and may leave hours later, and was then itself beaten by
 * the continuous journey shifted by its small slack; shifted by the larger
 * slack that one arrives later, and the window lost the later departure.
 * A later departure that arrives as much later (the next train of a
 * headway) is still beaten: the window's next search, from just after
 * the first one's departure, finds it. */
static inline int dom(const ctx *x, const tlab *a, int64_t t, double c, double e, unsigned n, int fixed,
                      int64_t slack)
{
    if (x->flagged && a->fixed != fixed)
        return !a->fixed && dom_crit(x, a, t - slack, c, e, n);
    if (x->flagged && fixed && a->t - a->slack > t - slack)
        return 0;
    return dom_crit(x, a, t, c, e, n);
}

/* Is a label with these criteria beaten by what reached the destination?
 * In windows a label still without a fixed event may go on continuously or
 * catch one, so only destination labels of both kinds prune it. */
static int target_prunes(const ctx *x, int64_t t, double c, double e, unsigned n, int fixed, int64_t slack)
{
    int by_fixed = 0, by_cont = 0;
    for (uint32_t i = x->target_bag; i != NONE; i = x->lab[i].next) {
        /* A continuous arrival shifted by a fixed label's slack still
         * arriving no later prunes it (see dom()). */
        if (x->flagged && fixed && !x->lab[i].fixed && dom_crit(x, &x->lab[i], t - slack, c, e, n))
            return 1;
        if (!dom_crit(x, &x->lab[i], t, c, e, n))
            continue;
        if (!x->flagged)
            return 1;
        if (x->lab[i].fixed) {
            /* A fixed one only as dom() says. */
            if (!fixed || x->lab[i].t - x->lab[i].slack <= t - slack)
                by_fixed = 1;
        } else {
            by_cont = 1;
        }
    }
    return fixed ? by_fixed : by_fixed && by_cont;
}

static const sr__hours *step_hours(const ctx *x, const tlab *L);

/* Add a label unless dominated at its state or at the destination; kill the
 * labels it dominates there. */
static int add_label(ctx *x, const tlab *L0)
{
    tlab Lc = *L0;
    const tlab *L = &Lc;
    if (L->t > x->horizon || (x->p->max_transfers >= 0 && L->ntr > x->p->max_transfers))
        return 0;
    /* What pins a journey's departure: a scheduled trip, or waiting for a
     * crossing or terminal to open.  Passing one while it is open does not:
     * leaving a little later arrives a little later, so such a journey is
     * searched with the journeys that can shift, and a block train that
     * becomes better meanwhile is still found as the best pinned one. */
    Lc.fixed = x->flagged && L->kind != K_START &&
               (x->lab[L->pred].fixed || L->kind == K_TRIP ||
                (step_hours(x, L) != NULL && L->dep > x->lab[L->pred].t));
    Lc.slack = 0;
    if (Lc.fixed) {
        const tlab *P = &x->lab[L->pred];
        Lc.slack = P->fixed ? P->slack : L->dep > P->t ? L->dep - P->t : 0;
    }
    if (target_prunes(x, L->t, L->c, L->e, L->ntr, L->fixed, L->slack))
        return 0;
    uint32_t *link = &x->bag[L->state];
    for (uint32_t i = *link; i != NONE; i = x->lab[i].next)
        if (!x->lab[i].dead && dom(x, &x->lab[i], L->t, L->c, L->e, L->ntr, L->fixed, L->slack))
            return 0;
    for (uint32_t i = *link; i != NONE; i = x->lab[i].next)
        if (!x->lab[i].dead &&
            dom(x, L, x->lab[i].t, x->lab[i].c, x->lab[i].e, x->lab[i].ntr, x->lab[i].fixed, x->lab[i].slack))
            x->lab[i].dead = 1;
    if (x->n_lab >= x->max_lab) {
        x->overflow = 1;
        return 0;
    }
    if (sr__grow((void **)&x->lab, &x->cap_lab, x->n_lab + 1, sizeof *x->lab) < 0)
        return -1;
    uint32_t id = (uint32_t)x->n_lab++;
    x->lab[id] = *L;
    x->lab[id].next = x->bag[L->state];
    x->bag[L->state] = id;
    return hpush(x, L->t, L->c, id);
}

/* ---- steps ------------------------------------------------------------------ */

static inline const sr__tz *zone_of(const sr_timetable *tt, int z) { return z >= 0 ? &tt->zones[z] : NULL; }

static int arc_usable(const ctx *x, uint32_t a)
{
    const sr_network *net = x->net;
    const sr__tt_plan *p = x->p;
    uint32_t l = net->arc_link[a];
    const sr_link *k = &net->links[l];
    if (!(p->modes & SR_MODE_BIT(k->mode)) || !(net->modes[k->mode].units & (1u << p->unit)))
        return 0;
    if (!sr__link_usable(k, p->year))
        return 0;
    if (p->banned_place && p->banned_place[net->arc_head[a]])
        return 0;
    if (k->crossing >= 0 && p->banned_crossing && p->banned_crossing[k->crossing])
        return 0;
    if (x->tt->link_scheduled && x->tt->link_scheduled[l])
        return 0;
    return 1;
}

/* ---- documents ----------------------------------------------------------- */

/* The document time and cost of one network step (arc, or n_arcs + transfer
 * row) under the query's rules; nothing without rules or step. */
static void step_doc(const ctx *x, uint32_t step, double *h, double *usd)
{
    *h = *usd = 0;
    const sr__doc_query *dq = x->p->doc;
    if (!dq || !dq->docs || step == NONE)
        return;
    if (step < x->net->n_arcs)
        sr__doc_arc_weight(dq, step, h, usd);
    else
        sr__doc_xfer_weight(dq, step - x->net->n_arcs, h, usd);
}

/* The class of a gauge for the gauge changes of a ride (via.c). */
static int gauge_cls(const sr_network *net, uint16_t g)
{
    int c = sr__class_of_gauge(net, g);
    return c >= 0 ? c : SR_CLASS_RAIL1435;
}

/* The network steps a ride of trip k from stop position pf to pt passes,
 * in order, for the document rules: the first arc (it opens the run's
 * note), the border arcs and the gauge changes (via.c).  Calls emit() with
 * each; the search sums their weights, build() lists their events. */
typedef void (*step_fn)(void *ctx, uint32_t step);

/* The steps between stops s and s + 1 of trip k (s absolute), the gauge
 * change at stop s + 1 included; last: s + 1 is where the ride ends. */
static void pair_steps(const ctx *x, uint32_t k, uint32_t s, int first, int last, step_fn emit, void *c)
{
    const sr_timetable *tt = x->tt;
    const sr_network *net = x->net;
    if (!net || !tt->st_via_off)
        return;
    uint32_t off = tt->st_via_off[s], len = tt->st_via_len[s];
    uint32_t a0 = tt->st_via_a0 ? tt->st_via_a0[s] : NONE;
    if (first && a0 != NONE && !(len && tt->via[off].kind == SR__VIA_BORDER && tt->via[off].step == a0))
        emit(c, a0);
    for (uint32_t v = off; v < off + len; v++)
        if (tt->via[v].step != NONE)
            emit(c, tt->via[v].step);
    const sr__route *rr = &tt->routes[tt->trip_route[k]];
    uint16_t g1 = tt->st_via_g1[s];
    uint16_t g2 = !last ? tt->st_via_g0[s + 1] : rr->mode == SR_RAIL ? (uint16_t)sr_network_class_gauge(net, (sr_class)rr->cls) : 0;
    if (g1 && g2 && g1 != g2) {
        uint32_t st = sr__tt_gauge_step(net, tt->stop_place[tt->st_stop[s + 1]], gauge_cls(net, g1), gauge_cls(net, g2));
        if (st != NONE)
            emit(c, st);
    }
}

typedef struct doc_sum {
    const ctx *x;
    double h, usd;
} doc_sum;

static void sum_step(void *c, uint32_t step)
{
    doc_sum *d = c;
    double h, u;
    step_doc(d->x, step, &h, &u);
    d->h += h;
    d->usd += u;
}

static int32_t doc_seconds(double h) { return (int32_t)llround(h * 3600.0); }

static int expand_links(ctx *x, uint32_t id)
{
    const sr_network *net = x->net;
    const sr__tt_plan *p = x->p;
    tlab L = x->lab[id];
    uint32_t place = L.state / x->ncls, cls = L.state % x->ncls;
    for (uint32_t a = net->arc_off[place]; a < net->arc_off[place + 1]; a++) {
        if (net->arc_cls[a] != cls || !arc_usable(x, a))
            continue;
        const sr_link *k = &net->links[net->arc_link[a]];
        int64_t start = L.t;
        if (k->crossing >= 0 && x->tt->cross_hours) {
            const sr__hours *h = &x->tt->cross_hours[k->crossing];
            start = sr__hours_next_open(h, zone_of(x->tt, h->zone), L.t);
            if (start == INT64_MAX)
                continue;
        }
        tlab N = {0};
        N.t = start + (int64_t)llround(net->arc_time_h[a] * 3600.0);
        if (k->crossing >= 0 && (net->n_xseason || (p->year > 0 && net->n_xyear))) {
            /* A seasonal dwell (crossing_times.csv) where the crossing is
             * reached in its season, else the calibrated dwell of the
             * query's year, in place of the all-year one. */
            uint32_t xi = 2 * (uint32_t)k->crossing + (uint32_t)sr__arc_xdir(net, a);
            double s = sr__xseason_dwell(net, xi, start, NULL);
            if (s < 0)
                s = sr__xyear_dwell(net, xi, p->year, NULL);
            if (s >= 0)
                N.t += (int64_t)llround((s - net->x_p50[xi]) * 3600.0);
        }
        N.dep = start;
        N.c = L.c + p->qty * net->arc_cost[p->unit][a];
        if (p->doc && p->doc->docs && p->doc->docs->arc_border[a]) {
            /* Reconsignment, carnets, transit declarations: after the
             * crossing, before the truck or train goes on. */
            double dh, du;
            sr__doc_arc_weight(p->doc, a, &dh, &du);
            N.doc_s = doc_seconds(dh);
            N.t += N.doc_s;
            N.c += du;
        }
        N.e = L.e + p->qty * net->arc_co2[p->unit][a];
        N.state = net->arc_head[a] * x->ncls + cls;
        N.pred = id;
        N.how = a;
        N.ntr = L.ntr;
        N.kind = K_ARC;
        N.moved = 1;
        if (add_label(x, &N) < 0)
            return -1;
    }
    if (place == p->from)
        return 0; /* as in the static router: no transfer at the origin */
    for (uint32_t t = net->xfer_off[place]; t < net->xfer_off[place + 1]; t++) {
        const sr__xfer *tr = &net->xfers[t];
        if (tr->from != cls)
            continue;
        int64_t start = L.t;
        if (x->tt->place_hours) {
            const sr__hours *h = &x->tt->place_hours[place];
            start = sr__hours_next_open(h, zone_of(x->tt, h->zone), L.t);
            if (start == INT64_MAX)
                continue;
        }
        tlab N = {0};
        N.t = start + (int64_t)llround(tr->duration_h * 3600.0);
        N.dep = start;
        N.c = L.c + p->qty * tr->cost_usd[p->unit];
        if (p->doc && p->doc->docs && p->doc->docs->xfer_reissue[t]) {
            double dh, du;
            sr__doc_xfer_weight(p->doc, t, &dh, &du);
            N.doc_s = doc_seconds(dh);
            N.t += N.doc_s;
            N.c += du;
        }
        N.e = L.e;
        N.state = place * x->ncls + tr->to;
        N.pred = id;
        N.how = t;
        N.ntr = (uint16_t)(L.ntr + 1);
        N.kind = K_XFER;
        N.moved = L.moved;
        if (add_label(x, &N) < 0)
            return -1;
    }
    return 0;
}

/* Cost and CO2e of riding trip k from position i to j. */
static void ride_cost(const ctx *x, uint32_t k, uint32_t i, uint32_t j, double *c, double *e, double *km)
{
    const sr_timetable *tt = x->tt;
    const sr__route *r = &tt->routes[tt->trip_route[k]];
    const sr__tt_plan *p = x->p;
    uint32_t s = tt->trip_st[k], n = tt->trip_len[k];
    double d = (double)tt->st_km[s + j] - (double)tt->st_km[s + i];
    double total = (double)tt->st_km[s + n - 1] - (double)tt->st_km[s];
    double share;
    if (total > 0)
        share = d / total;
    else {
        double tot_t = (double)(tt->st_arr[s + n - 1] - tt->st_dep[s]);
        share = tot_t > 0 ? (double)(tt->st_arr[s + j] - tt->st_dep[s + i]) / tot_t : 1.0;
    }
    *km = d;
    const sr_network *net = x->net;
    if (r->price_usd[p->unit] >= 0)
        *c = p->qty * r->price_usd[p->unit] * share;
    else if (net)
        *c = p->qty * net->modes[r->mode].cost_per_km[p->unit] * d;
    else
        *c = 0;
    double tonnes = net ? net->tonnes_per_unit[p->unit] : (p->unit == SR_UNIT_T ? 1.0 : p->unit == SR_UNIT_20FT ? 10.0 : 20.0);
    double f = r->co2e_kg_per_tkm >= 0 ? r->co2e_kg_per_tkm : net ? net->modes[r->mode].co2e_kg_per_tkm : 0;
    *e = p->qty * tonnes * f * d;
}

static int trip_allowed(const ctx *x, uint32_t k)
{
    const sr__tt_plan *p = x->p;
    const sr__route *r = &x->tt->routes[x->tt->trip_route[k]];
    if (!(p->modes & SR_MODE_BIT(r->mode)) || !(r->units & (1u << p->unit)))
        return 0;
    if (r->capacity_teu > 0 && p->unit != SR_UNIT_T && p->qty * (p->unit == SR_UNIT_40FT ? 2 : 1) > r->capacity_teu)
        return 0;
    return 1;
}

/* Earliest running day of trip k whose departure from position pos is at or
 * after `ready`: the UTC departure in *dep and the day, or -1. */
static int earliest_instance(const ctx *x, uint32_t k, uint32_t pos, int64_t ready, int64_t *dep, int64_t *day)
{
    const sr_timetable *tt = x->tt;
    int32_t off = tt->st_dep[tt->trip_st[k] + pos] + tt->trip_shift[k];
    const sr__tz *z = &tt->zones[tt->trip_zone[k]];
    /* The service day whose start + off is near `ready`, one day early to be
     * safe across offsets; then walk forward over the bitfield. */
    int64_t local = ready + sr__tz_offset(z, ready) - off;
    int64_t d = local / SR__DAY - (local % SR__DAY < 0) - 1;
    int64_t last = tt->day0 + (int64_t)tt->n_days - 1;
    if (d < tt->day0)
        d = tt->day0;
    for (; d <= last; d++) {
        if (!sr__tt_runs(tt, tt->trip_service[k], d))
            continue;
        int64_t t = sr__tt_day_start(tt, tt->trip_zone[k], d) + off;
        if (t > x->horizon)
            return -1;
        if (t >= ready) {
            *dep = t;
            *day = d;
            return 0;
        }
    }
    return -1;
}

static int expand_trips(ctx *x, uint32_t id)
{
    const sr_timetable *tt = x->tt;
    const sr__tt_plan *p = x->p;
    tlab L = x->lab[id];
    uint32_t place = L.state / x->ncls;
    if (place >= tt->n_places)
        return 0;
    for (uint32_t ev = tt->ev_off[place]; ev < tt->ev_off[place + 1]; ev++) {
        uint32_t k = tt->ev_trip[ev], pos = tt->ev_pos[ev];
        if (!trip_allowed(x, k))
            continue;
        uint32_t s = tt->trip_st[k];
        int64_t ready = L.t;
        if (tt->place_hours) {
            /* Gate-in at the terminal: while it is open, then its dwell. */
            const sr__hours *h = &tt->place_hours[place];
            ready = sr__hours_next_open(h, zone_of(tt, h->zone), ready);
            if (ready == INT64_MAX)
                continue;
            ready += tt->place_dwell_s[place];
        }
        if (L.kind != K_START) {
            int32_t m = tt->stop_min_xfer[tt->st_stop[s + pos]];
            ready += m >= 0 ? m : p->min_transfer_s;
        }
        const sr__route *r = &tt->routes[tt->trip_route[k]];
        uint32_t cls = x->ncls == 1 ? 0 : r->cls;
        /* Boarding a service of another carrier class takes the network's
         * transfer row for that change at this place, when there is one
         * (trucks to a ferry: the road -> sea handling). */
        uint32_t xf = NONE;
        double xcost = 0;
        if (x->net && cls != L.state % x->ncls)
            for (uint32_t t = x->net->xfer_off[place]; t < x->net->xfer_off[place + 1]; t++)
                if (x->net->xfers[t].from == L.state % x->ncls && x->net->xfers[t].to == cls) {
                    xf = t;
                    ready += (int64_t)llround(x->net->xfers[t].duration_h * 3600.0);
                    xcost = p->qty * x->net->xfers[t].cost_usd[p->unit];
                    break;
                }
        int64_t dep, day;
        if (earliest_instance(x, k, pos, ready, &dep, &day) < 0)
            continue;
        int64_t base = dep - tt->st_dep[s + pos];
        /* Documents of the ride so far (the stop pairs before j, the gauge
         * changes at their stops), and of the boarding transfer. */
        doc_sum acc = {x, 0, 0};
        if (p->doc && xf != NONE)
            sum_step(&acc, x->net->n_arcs + xf);
        for (uint32_t j = pos + 1; j < tt->trip_len[k]; j++) {
            uint32_t pl = tt->stop_place[tt->st_stop[s + j]];
            doc_sum here = acc;
            if (p->doc) {
                pair_steps(x, k, s + j - 1, j == pos + 1, 1, sum_step, &here);
                pair_steps(x, k, s + j - 1, j == pos + 1, 0, sum_step, &acc);
            }
            if (pl == UINT32_MAX || pl == place || (p->banned_place && p->banned_place[pl]))
                continue;
            tlab N = {0};
            double c, e, km;
            ride_cost(x, k, pos, j, &c, &e, &km);
            /* The timetable's stops do not include the paperwork: a
             * reissue or declaration on the way delays the cargo's
             * availability at the stop it is unloaded at. */
            N.doc_s = doc_seconds(here.h);
            N.t = base + tt->st_arr[s + j] + N.doc_s;
            N.dep = dep;
            N.c = L.c + c + xcost + here.usd;
            N.e = L.e + e;
            N.state = pl * x->ncls + cls;
            N.pred = id;
            N.how = k;
            N.xfer = xf;
            N.day = (int32_t)day;
            N.pos_from = (uint16_t)pos;
            N.pos_to = (uint16_t)j;
            N.ntr = (uint16_t)(L.ntr + (L.moved ? 1 : 0));
            N.kind = K_TRIP;
            N.moved = 1;
            if (add_label(x, &N) < 0)
                return -1;
        }
    }
    return 0;
}

/* One search from t0.  Leaves the labels in x; the destination's labels are
 * on x->target_bag. */
static sr_code run(ctx *x, int64_t t0)
{
    const sr__tt_plan *p = x->p;
    x->n_lab = 0;
    x->n_heap = 0;
    x->target_bag = NONE;
    x->overflow = 0;
    x->t0 = t0;
    x->horizon = t0 + HORIZON_S;
    memset(x->bag, 0xff, (size_t)x->n_states * sizeof *x->bag);
    for (uint32_t c = 0; c < x->ncls; c++) {
        tlab S = {0};
        S.t = S.dep = t0;
        S.state = p->from * x->ncls + c;
        S.pred = NONE;
        S.kind = K_START;
        if (add_label(x, &S) < 0)
            return SR_ENOMEM;
    }
    while (x->n_heap) {
        if (sr__budget_step(p->budget))
            return SR_ELIMIT;
        hitem it = hpop(x);
        uint32_t id = it.id;
        if (x->lab[id].dead)
            continue;
        uint32_t place = x->lab[id].state / x->ncls;
        /* Dominated meanwhile by a destination label? */
        const tlab *Lp = &x->lab[id];
        if (target_prunes(x, Lp->t, Lp->c, Lp->e, Lp->ntr, Lp->fixed, Lp->slack))
            continue;
        if (place == p->to) {
            /* Settled at the destination: move to the target bag. */
            x->lab[id].dead = 2;
            uint32_t i = id;
            tlab *T = &x->lab[i];
            for (uint32_t *pp = &x->target_bag; *pp != NONE;) {
                tlab *o = &x->lab[*pp];
                if (dom(x, T, o->t, o->c, o->e, o->ntr, o->fixed, o->slack))
                    *pp = o->next;
                else
                    pp = &o->next;
            }
            /* The bag link of this label is reused for the target list;
             * the state bag no longer needs it (the destination is never
             * expanded). */
            T->next = x->target_bag;
            x->target_bag = i;
            if (!p->pareto) {
                /* One journey is the answer; in windows one of each kind. */
                int kinds = 0;
                for (uint32_t k = x->target_bag; k != NONE; k = x->lab[k].next)
                    kinds |= 1 << x->lab[k].fixed;
                if (!x->flagged || kinds == 3)
                    break;
            }
            continue;
        }
        if (x->net && expand_links(x, id) < 0)
            return SR_ENOMEM;
        if (expand_trips(x, id) < 0)
            return SR_ENOMEM;
    }
    return SR_OK;
}

/* ---- journeys ---------------------------------------------------------------- */

/* The steps of the journey ending at label id, first to last. */
static size_t steps_of(const ctx *x, uint32_t id, uint32_t **out)
{
    size_t n = 0;
    for (uint32_t i = id; x->lab[i].pred != NONE; i = x->lab[i].pred)
        n++;
    uint32_t *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return SIZE_MAX;
    size_t j = n;
    for (uint32_t i = id; x->lab[i].pred != NONE; i = x->lab[i].pred)
        s[--j] = i;
    *out = s;
    return n;
}

/* The latest departure from the origin that still makes the same journey:
 * shift the steps before the first fixed event (a scheduled departure or a
 * crossing with opening hours) by their slack.  INT64_MAX when the journey
 * has no fixed event (it can leave at any time). */
/* Index of the first step with a fixed time (a scheduled departure or a
 * crossing with opening hours), or n. */
/* The opening hours that make a link or transfer step start at a fixed
 * time (a crossing's, or a terminal's for a transfer), or NULL. */
static const sr__hours *step_hours(const ctx *x, const tlab *L)
{
    const sr_timetable *tt = x->tt;
    if (L->kind == K_ARC) {
        const sr_link *k = &x->net->links[x->net->arc_link[L->how]];
        if (k->crossing >= 0 && tt->cross_hours && !tt->cross_hours[k->crossing].always)
            return &tt->cross_hours[k->crossing];
    } else if (L->kind == K_XFER && tt->place_hours) {
        const sr__hours *h = &tt->place_hours[L->state / x->ncls];
        if (!h->always)
            return h;
    }
    return NULL;
}

static size_t fixed_index(const ctx *x, const uint32_t *st, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const tlab *L = &x->lab[st[i]];
        if (L->kind == K_TRIP || step_hours(x, L))
            return i;
    }
    return n;
}

static int64_t latest_departure(const ctx *x, const uint32_t *st, size_t n)
{
    const sr_timetable *tt = x->tt;
    int64_t before = 0; /* running time of the steps before the fixed one */
    for (size_t i = 0; i < n; i++) {
        const tlab *L = &x->lab[st[i]];
        const tlab *P = &x->lab[L->pred];
        if (L->kind == K_TRIP) {
            int64_t ready = L->dep;
            if (P->kind != K_START) {
                int32_t m = tt->stop_min_xfer[tt->st_stop[tt->trip_st[L->how] + L->pos_from]];
                ready -= m >= 0 ? m : x->p->min_transfer_s;
            }
            if (L->xfer != NONE)
                ready -= (int64_t)llround(x->net->xfers[L->xfer].duration_h * 3600.0);
            if (tt->place_hours) {
                /* The latest gate-in that still leaves the dwell. */
                uint32_t pl = P->state / x->ncls;
                const sr__hours *h = &tt->place_hours[pl];
                ready = sr__hours_prev_open(h, zone_of(tt, h->zone), ready - tt->place_dwell_s[pl]);
            }
            return ready - before;
        }
        if (step_hours(x, L))
            return L->dep - before;
        before += L->t - L->dep;
    }
    return INT64_MAX;
}

static int32_t place_offset(const ctx *x, uint32_t place, int64_t t)
{
    const sr_timetable *tt = x->tt;
    int z = tt->place_zone ? tt->place_zone[place] : -1;
    return z >= 0 ? sr__tz_offset(&tt->zones[z], t) : 0;
}

/* P90/P50 ratio of running times of a class (1 without time_spread.csv). */
static double run_ratio(const sr_network *net, sr_class c)
{
    return (unsigned)c < SR_CLASS_COUNT && net->run_ratio[c] > 0 ? net->run_ratio[c] : 1;
}

/* The network steps of a journey with the route leg of each, for the
 * document rules' listing (sr__doc_annotate_legs). */
typedef struct step_list {
    uint32_t *step, *leg;
    size_t n, cap, cap2;
    uint32_t cur_leg;
    int failed;
} step_list;

static void push_step(void *c, uint32_t step)
{
    step_list *l = c;
    if (sr__grow((void **)&l->step, &l->cap, l->n + 1, sizeof *l->step) < 0 ||
        sr__grow((void **)&l->leg, &l->cap2, l->n + 1, sizeof *l->leg) < 0) {
        l->failed = 1;
        return;
    }
    l->step[l->n] = step;
    l->leg[l->n++] = l->cur_leg;
}

static sr_code build_docs(const ctx *x, const uint32_t *st, size_t n, sr__route_buf *rb);

static sr_code build(const ctx *x, const uint32_t *st, size_t n, int64_t depart, sr__route_buf *rb)
{
    const sr_network *net = x->net;
    const sr_timetable *tt = x->tt;
    const sr__tt_plan *p = x->p;
    sr__route_init(rb);
    int boardings = 0;
    /* Leaving later than the search did (windows, arrive-by) shifts the
     * steps before the first fixed time; that step then waits less. */
    size_t f = fixed_index(x, st, n);
    int64_t shift = depart > x->t0 && f < n ? depart - x->t0 : 0;
    for (size_t i = 0; i < n; i++) {
        tlab Lc = x->lab[st[i]];
        const tlab *L = &Lc;
        const tlab *P = &x->lab[L->pred];
        uint32_t from = P->state / x->ncls, to = L->state / x->ncls;
        int64_t prev_t = i == 0 ? depart : P->t + (i - 1 < f ? shift : 0);
        if (i < f) {
            Lc.dep += shift;
            Lc.t += shift;
        }
        if (L->kind == K_XFER) {
            const sr__xfer *xf = &net->xfers[L->how];
            sr_transfer t = {from, (sr_transfer_kind)xf->kind, (sr_class)xf->from, (sr_class)xf->to,
                             rb->n_legs ? (uint32_t)(rb->n_legs - 1) : 0, xf->duration_h, xf->cost_usd[p->unit] * p->qty, 0, 0};
            t.duration_p90_h = xf->duration_p90_h;
            if (sr__route_add_transfer(rb, &t) < 0)
                return SR_ENOMEM;
            continue;
        }
        if (L->kind == K_TRIP && L->xfer != NONE) {
            const sr__xfer *xf = &net->xfers[L->xfer];
            sr_transfer t = {from, (sr_transfer_kind)xf->kind, (sr_class)xf->from, (sr_class)xf->to,
                             rb->n_legs ? (uint32_t)(rb->n_legs - 1) : 0, xf->duration_h, xf->cost_usd[p->unit] * p->qty, 0, 0};
            t.duration_p90_h = xf->duration_p90_h;
            if (sr__route_add_transfer(rb, &t) < 0)
                return SR_ENOMEM;
            prev_t += (int64_t)llround(xf->duration_h * 3600.0);
        }
        sr_leg leg;
        memset(&leg, 0, sizeof leg);
        leg.from = from;
        leg.to = to;
        leg.depart = L->dep;
        leg.arrive = L->t - L->doc_s; /* the documents' time follows the leg (build_docs) */
        leg.wait_h = (double)(L->dep - prev_t) / 3600.0;
        leg.depart_utc_offset_s = place_offset(x, from, L->dep);
        leg.arrive_utc_offset_s = place_offset(x, to, L->t);
        int32_t crossing = -1;
        double dwell = 0, dwell90 = 0, fee = 0;
        if (L->kind == K_ARC) {
            const sr_link *k = &net->links[net->arc_link[L->how]];
            leg.link = net->arc_link[L->how];
            leg.mode = k->mode;
            leg.gauge_mm = k->mode == SR_RAIL ? k->gauge_mm : 0;
            leg.distance_km = k->distance_km;
            leg.duration_h = k->duration_h;
            leg.cost_usd = k->cost_usd[p->unit] * p->qty;
            leg.co2e_kg = net->arc_co2[p->unit][L->how] * p->qty;
            crossing = k->crossing;
            leg.duration_p90_h = k->duration_h * run_ratio(net, sr__time_class(net, k));
            if (crossing >= 0) {
                size_t xi = 2 * (size_t)crossing + (size_t)sr__arc_xdir(net, L->how);
                dwell = net->x_p50 ? net->x_p50[xi] : net->crossings[crossing].dwell_h;
                dwell90 = net->x_p90 ? net->x_p90[xi] : dwell;
                double s90 = 0, s = net->x_p50 ? sr__xseason_dwell(net, (uint32_t)xi, L->dep, &s90) : -1;
                if (s < 0 && net->x_p50)
                    s = sr__xyear_dwell(net, (uint32_t)xi, p->year, &s90);
                if (s >= 0) {
                    dwell = s;
                    dwell90 = s90;
                }
                fee = net->crossings[crossing].fee_usd[p->unit] * p->qty;
            }
        } else {
            const sr__route *r = &tt->routes[tt->trip_route[L->how]];
            double c, e, km;
            ride_cost(x, L->how, L->pos_from, L->pos_to, &c, &e, &km);
            leg.link = SR_NO_LINK;
            leg.mode = (sr_mode)r->mode;
            leg.gauge_mm = r->mode == SR_RAIL ? (uint16_t)(x->net ? sr_network_class_gauge(x->net, (sr_class)r->cls) : 1435) : 0;
            leg.distance_km = km;
            leg.duration_h = (double)(leg.arrive - L->dep) / 3600.0;
            leg.cost_usd = c;
            leg.co2e_kg = e;
            leg.service = tt->trip_id[L->how];
            leg.service_name = *r->long_name ? r->long_name : *r->short_name ? r->short_name : r->id;
            leg.duration_p90_h = net ? leg.duration_h * run_ratio(net, (sr_class)r->cls) : leg.duration_h;
            boardings++;
        }
        if (sr__route_add_leg(rb, &leg) < 0)
            return SR_ENOMEM;
        int via_done = 0;
        if (net && L->kind == K_TRIP && tt->st_via_off) {
            /* The borders and gauge changes the service passes between the
             * stops it is ridden between, from the network (via.c). */
            uint32_t s0 = tt->trip_st[L->how];
            uint32_t leg_i = (uint32_t)(rb->n_legs - 1);
            const sr__route *rr = &tt->routes[tt->trip_route[L->how]];
            for (uint32_t s = s0 + L->pos_from; s < s0 + L->pos_to; s++) {
                for (uint32_t v = tt->st_via_off[s]; v < tt->st_via_off[s] + tt->st_via_len[s]; v++) {
                    const sr__via *e = &tt->via[v];
                    via_done |= e->kind == SR__VIA_BORDER;
                    if (e->kind == SR__VIA_BORDER) {
                        sr_border_crossing bc = {e->crossing, e->at, leg_i, {0}, {0}, 0, 0, 1, 0, NULL};
                        memcpy(bc.from_country, e->from_country, 3);
                        memcpy(bc.to_country, e->to_country, 3);
                        bc.internal_union = sr_network_common_union(net, bc.from_country, bc.to_country, p->year);
                        if (sr__route_add_crossing(rb, &bc) < 0)
                            return SR_ENOMEM;
                    } else {
                        sr_transfer t = {e->at, SR_GAUGE_CHANGE, (sr_class)e->from_cls, (sr_class)e->to_cls, leg_i, 0, 0, 1, 0};
                        if (sr__route_add_transfer(rb, &t) < 0)
                            return SR_ENOMEM;
                    }
                }
                /* At a stop the train changes gauge where the track it
                 * leaves on differs from the one it came on, and at the
                 * last stop where it delivers on another gauge (its class). */
                uint16_t g1 = tt->st_via_g1[s];
                uint16_t g2 = s + 1 < s0 + L->pos_to ? tt->st_via_g0[s + 1]
                              : rr->mode == SR_RAIL ? (uint16_t)sr_network_class_gauge(net, (sr_class)rr->cls) : 0;
                if (g1 && g2 && g1 != g2) {
                    sr_transfer t = {tt->stop_place[tt->st_stop[s + 1]], SR_GAUGE_CHANGE,
                                     (sr_class)sr__class_of_gauge(net, g1), (sr_class)sr__class_of_gauge(net, g2), leg_i,
                                     0, 0, 1, 0};
                    if (sr__route_add_transfer(rb, &t) < 0)
                        return SR_ENOMEM;
                }
            }
        }
        if (net && !via_done) {
            const char *ca = net->places[from].country, *cb = net->places[to].country;
            if (*ca && *cb && strcmp(ca, cb)) {
                sr_border_crossing bc = {crossing, to, (uint32_t)(rb->n_legs - 1), {0}, {0}, dwell, fee, 0, 0, NULL};
                bc.dwell_p90_h = dwell90;
                memcpy(bc.from_country, ca, 3);
                memcpy(bc.to_country, cb, 3);
                bc.internal_union = sr_network_common_union(net, ca, cb, p->year);
                if (sr__route_add_crossing(rb, &bc) < 0)
                    return SR_ENOMEM;
            }
        }
    }
    if (p->doc && p->doc->docs) {
        sr_code rc = build_docs(x, st, n, rb);
        if (rc != SR_OK)
            return rc;
    }
    sr__route_totals(rb);
    sr_route *v = &rb->view;
    int64_t arrive = n ? x->lab[st[n - 1]].t : depart;
    v->timed = 1;
    v->depart = depart;
    v->arrive = arrive;
    v->depart_utc_offset_s = place_offset(x, p->from, depart);
    v->arrive_utc_offset_s = place_offset(x, p->to, arrive);
    sr__route_set_duration(v, (double)(arrive - depart) / 3600.0);
    v->n_boardings = boardings;
    return SR_OK;
}

/* The documents and customs events of a journey: its network steps (arcs,
 * transfers, and what each ride passes) in the static router's terms, so
 * the listing is the one the search's weights summed (expand_links,
 * expand_trips). */
static sr_code build_docs(const ctx *x, const uint32_t *st, size_t n, sr__route_buf *rb)
{
    const sr_network *net = x->net;
    step_list l = {0};
    uint32_t leg = 0;
    for (size_t i = 0; i < n && !l.failed; i++) {
        const tlab *L = &x->lab[st[i]];
        l.cur_leg = leg;
        if (L->kind == K_XFER) {
            push_step(&l, net->n_arcs + L->how);
            continue;
        }
        if (L->kind == K_TRIP && L->xfer != NONE)
            push_step(&l, net->n_arcs + L->xfer);
        if (L->kind == K_ARC) {
            push_step(&l, L->how);
        } else {
            uint32_t s0 = x->tt->trip_st[L->how];
            for (uint32_t j = L->pos_from; j < L->pos_to; j++)
                pair_steps(x, L->how, s0 + j, j == L->pos_from, j + 1 == L->pos_to, push_step, &l);
        }
        leg++;
    }
    int bad = l.failed || sr__doc_annotate_legs(x->p->doc, l.step, l.leg, l.n, rb) < 0;
    free(l.step);
    free(l.leg);
    return bad ? SR_ENOMEM : SR_OK;
}

/* ---- the query kinds ------------------------------------------------------------ */

typedef struct cand {
    int64_t dep, arr;
    double c, e;
    unsigned ntr;
    uint32_t *steps;    /* label ids (valid only in the search that made them) */
    size_t n;
    int fixed;          /* has a fixed event (scheduled departure, crossing hours) */
    int64_t next_t;     /* windows: where the next search starts, INT64_MAX none */
    uint64_t sig;       /* hash of the steps: the same journey found twice */
    sr__route_buf rb;
} cand;

static int cand_dominates(const sr__tt_plan *p, const cand *a0, const cand *b)
{
    /* A journey without a fixed event can leave at any time and arrive as
     * much later: compare it as if it left when b does. */
    cand as;
    const cand *a = a0;
    if (!a0->fixed && a0->dep != b->dep) {
        as = *a0;
        as.arr += b->dep - a0->dep;
        as.dep = b->dep;
        a = &as;
    }
    if (a->dep < b->dep || a->arr > b->arr)
        return 0;
    if (!p->pareto)
        return a->dep > b->dep || a->arr < b->arr || leq(a->c, b->c);
    return leq(a->c, b->c) && leq(a->e, b->e) && a->ntr <= b->ntr;
}

/* The current destination labels, best first, as candidate journeys with
 * routes built.  depart_fixed: report this departure; else the latest. */
static sr_code collect(ctx *x, int64_t depart_fixed, cand **cs, size_t *nc, size_t *capc)
{
    const sr_timetable *tt = x->tt;
    for (uint32_t i = x->target_bag; i != NONE; i = x->lab[i].next) {
        if (sr__grow((void **)cs, capc, *nc + 1, sizeof **cs) < 0)
            return SR_ENOMEM;
        cand *c = &(*cs)[*nc];
        memset(c, 0, sizeof *c);
        c->n = steps_of(x, i, &c->steps);
        if (c->n == SIZE_MAX)
            return SR_ENOMEM;
        int64_t ld = latest_departure(x, c->steps, c->n);
        size_t f = fixed_index(x, c->steps, c->n);
        c->fixed = f < c->n;
        c->dep = depart_fixed != SR_TIME_NONE ? depart_fixed : ld == INT64_MAX ? x->t0 : ld;
        c->arr = x->lab[i].t;
        c->c = x->lab[i].c;
        c->e = x->lab[i].e;
        c->ntr = x->lab[i].ntr;
        c->next_t = INT64_MAX;
        if (c->fixed) {
            const tlab *F = &x->lab[c->steps[f]];
            const tlab *P = &x->lab[F->pred];
            c->next_t = ld + STEP_S;
            const sr__hours *h = step_hours(x, F);
            if (h && F->dep == P->t) {
                /* Through an open crossing or terminal without waiting:
                 * leaving a bit later only arrives a bit later, until it
                 * closes; the next distinct option meets it closed. */
                int64_t e = sr__hours_open_until(h, zone_of(tt, h->zone), F->dep);
                if (e != INT64_MAX && e - (F->dep - ld) > c->next_t)
                    c->next_t = e - (F->dep - ld);
            }
        }
        uint64_t sig = 1469598103934665603ull;
        for (size_t k = 0; k < c->n; k++) {
            const tlab *L = &x->lab[c->steps[k]];
            uint64_t v = (uint64_t)L->kind << 60 ^ (uint64_t)L->how << 28 ^ (uint64_t)(uint32_t)L->day ^
                         (uint64_t)L->pos_to << 44;
            sig = (sig ^ v) * 1099511628211ull;
        }
        c->sig = sig;
        sr_code rc = build(x, c->steps, c->n, c->dep, &c->rb);
        free(c->steps);
        c->steps = NULL;
        (*nc)++;
        if (rc != SR_OK)
            return rc;
        c->rb.view.depart = c->dep;
    }
    return SR_OK;
}

static void free_cands(cand *cs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sr__route_release(&cs[i].rb);
    free(cs);
}

static sr_code to_result(const sr__tt_plan *p, cand *cs, size_t nc, sr_result **out)
{
    /* Drop dominated and duplicate candidates.  The same journey found from
     * several start times (it runs through open crossings, or needs no fixed
     * time at all) is one journey: its copies are not compared with each
     * other.  A copy is dominated when, leaving at its departure, another
     * journey is as good; a journey without fixed times is kept at the first
     * departure at which nothing beats it (before that, a block train may
     * have; after that train has left, it is the best again). */
    uint8_t *drop = calloc(nc ? nc : 1, 1);
    if (!drop)
        return SR_ENOMEM;
    size_t keep = 0;
    for (size_t i = 0; i < nc; i++)
        for (size_t j = 0; j < nc && !drop[i]; j++) {
            if (i == j || (cs[j].sig == cs[i].sig && cs[j].n == cs[i].n))
                continue;
            int ji = cand_dominates(p, &cs[j], &cs[i]), ij = cand_dominates(p, &cs[i], &cs[j]);
            if (ji && (!ij || j < i))
                drop[i] = 1;
        }
    for (size_t i = 0; i < nc; i++) {
        for (size_t j = 0; j < i && !drop[i]; j++)
            if (!drop[j] && cs[j].sig == cs[i].sig && cs[j].n == cs[i].n)
                drop[i] = 1;
        keep += !drop[i];
    }
    sr_result *r = sr__result_new(keep);
    if (!r) {
        free(drop);
        return SR_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < nc; i++)
        if (!drop[i]) {
            r->routes[k++] = cs[i].rb;
            memset(&cs[i].rb, 0, sizeof cs[i].rb);
        }
    free(drop);
    /* Departure order, then arrival, then cost. */
    for (size_t i = 1; i < keep; i++)
        for (size_t j = i; j > 0; j--) {
            const sr_route *a = &r->routes[j - 1].view, *b = &r->routes[j].view;
            int swap = a->depart > b->depart || (a->depart == b->depart && (a->arrive > b->arrive ||
                                                                             (a->arrive == b->arrive && a->cost_usd > b->cost_usd)));
            if (!swap)
                break;
            sr__route_buf tmp = r->routes[j - 1];
            r->routes[j - 1] = r->routes[j];
            r->routes[j] = tmp;
        }
    *out = r;
    return SR_OK;
}

static sr_code ctx_init(ctx *x, const sr__tt_plan *p)
{
    memset(x, 0, sizeof *x);
    x->p = p;
    x->tt = p->tt;
    x->net = p->tt->net;
    x->ncls = x->net ? x->net->n_classes : 1;
    x->n_states = p->tt->n_places * x->ncls;
    x->max_lab = p->max_labels ? p->max_labels : DEFAULT_MAX_LABELS;
    x->bag = malloc((x->n_states ? x->n_states : 1) * sizeof *x->bag);
    return x->bag ? SR_OK : SR_ENOMEM;
}

static void ctx_free(ctx *x)
{
    free(x->bag);
    free(x->lab);
    free(x->heap);
}

/* Earliest arrival from t at the destination, SR_TIME_NONE if none. */
static sr_code ea_at(ctx *x, int64_t t, int64_t *arr)
{
    sr_code rc = run(x, t);
    if (rc != SR_OK)
        return rc;
    *arr = x->target_bag == NONE ? SR_TIME_NONE : x->lab[x->target_bag].t;
    return SR_OK;
}

sr_code sr__tt_search(const sr__tt_plan *p, sr_result **out, char *err, size_t errcap)
{
    *out = NULL;
    ctx x;
    sr_code rc = ctx_init(&x, p);
    cand *cs = NULL;
    size_t nc = 0, capc = 0;
    if (rc != SR_OK)
        goto done;
    if (p->window_s < 0 || p->window_s > MAX_WINDOW_S) {
        snprintf(err, errcap, "window: must be between 0 and %lld days", (long long)(MAX_WINDOW_S / SR__DAY));
        rc = SR_EARG;
        goto done;
    }
    if (p->arrive_by != SR_TIME_NONE && p->window_s == 0 && !p->pareto) {
        /* Arrive-by: the latest departure whose earliest arrival is in time. */
        int64_t lo = p->depart != SR_TIME_NONE ? p->depart : p->arrive_by - 31 * (int64_t)SR__DAY, hi = p->arrive_by;
        int64_t a;
        if ((rc = ea_at(&x, lo, &a)) != SR_OK)
            goto done;
        if (a == SR_TIME_NONE || a > p->arrive_by) {
            snprintf(err, errcap, "no journey arrives by the requested time");
            rc = SR_ENOROUTE;
            goto done;
        }
        while (hi - lo > STEP_S) {
            int64_t mid = lo + (hi - lo) / 2;
            if ((rc = ea_at(&x, mid, &a)) != SR_OK)
                goto done;
            if (a != SR_TIME_NONE && a <= p->arrive_by)
                lo = mid;
            else
                hi = mid;
        }
        if ((rc = ea_at(&x, lo, &a)) != SR_OK || (rc = collect(&x, SR_TIME_NONE, &cs, &nc, &capc)) != SR_OK)
            goto done;
        /* The latest departure of the journey found is at least lo. */
        for (size_t i = 0; i < nc; i++)
            if (cs[i].dep < lo || !cs[i].fixed) {
                cs[i].dep = lo;
                cs[i].rb.view.depart = lo;
                sr__route_set_duration(&cs[i].rb.view, (double)(cs[i].arr - lo) / 3600.0);
            }
        rc = to_result(p, cs, nc, out);
        goto done;
    }
    int64_t start = p->depart, end;
    if (p->window_s > 0 || p->arrive_by != SR_TIME_NONE) {
        if (start == SR_TIME_NONE)
            start = p->arrive_by - (p->window_s > 0 ? p->window_s : 14 * (int64_t)SR__DAY);
        end = p->window_s > 0 ? start + p->window_s : p->arrive_by;
        if (p->arrive_by != SR_TIME_NONE && end > p->arrive_by)
            end = p->arrive_by;
        int64_t t = start;
        x.flagged = 1;
        for (int steps = 0;; steps++) {
            if (steps >= MAX_WINDOW_STEPS) {
                snprintf(err, errcap, "window: more than %d departures to examine", MAX_WINDOW_STEPS);
                rc = SR_ELIMIT;
                goto done;
            }
            if ((rc = run(&x, t)) != SR_OK)
                goto done;
            if (x.overflow) {
                snprintf(err, errcap, "more than %zu labels; narrow the query or raise max_labels", x.max_lab);
                rc = SR_ELIMIT;
                goto done;
            }
            size_t first = nc;
            if ((rc = collect(&x, SR_TIME_NONE, &cs, &nc, &capc)) != SR_OK)
                goto done;
            int64_t next_t = INT64_MAX;
            for (size_t i = first; i < nc; i++)
                if (cs[i].next_t < next_t)
                    next_t = cs[i].next_t;
            /* Options departing after the window, or arriving too late, go. */
            for (size_t i = first; i < nc;) {
                if (cs[i].dep > end || (p->arrive_by != SR_TIME_NONE && cs[i].arr > p->arrive_by)) {
                    sr__route_release(&cs[i].rb);
                    cs[i] = cs[--nc];
                } else {
                    i++;
                }
            }
            if (next_t == INT64_MAX || next_t > end)
                break;
            t = next_t > t ? next_t : t + STEP_S;
        }
        if (nc == 0) {
            snprintf(err, errcap, "no journey %s", p->arrive_by != SR_TIME_NONE ? "arrives by the requested time"
                                                                                 : "departs in the window");
            rc = SR_ENOROUTE;
            goto done;
        }
        rc = to_result(p, cs, nc, out);
        goto done;
    }
    /* Depart at. */
    if ((rc = run(&x, start)) != SR_OK)
        goto done;
    if (x.overflow) {
        snprintf(err, errcap, "more than %zu labels; narrow the query or raise max_labels", x.max_lab);
        rc = SR_ELIMIT;
        goto done;
    }
    if (x.target_bag == NONE) {
        snprintf(err, errcap, "no journey within %lld days of the departure", (long long)(HORIZON_S / SR__DAY));
        rc = SR_ENOROUTE;
        goto done;
    }
    if ((rc = collect(&x, start, &cs, &nc, &capc)) != SR_OK)
        goto done;
    rc = to_result(p, cs, nc, out);
done:
    /* The query's budget ran out (or it was cancelled): say which. */
    if (rc == SR_ELIMIT && p->budget && p->budget->hit)
        sr__budget_message(p->budget, err, errcap);
    free_cands(cs, nc);
    ctx_free(&x);
    return rc;
}

sr_code sr__tt_earliest(const sr_timetable *tt, uint32_t from, uint32_t to, int64_t t0, int min_transfer_s,
                        int64_t *arrival)
{
    return sr__tt_earliest_modes(tt, from, to, t0, SR_MODES_ALL, min_transfer_s, arrival);
}

sr_code sr__tt_earliest_modes(const sr_timetable *tt, uint32_t from, uint32_t to, int64_t t0, unsigned modes,
                              int min_transfer_s, int64_t *arrival)
{
    sr__tt_plan p;
    memset(&p, 0, sizeof p);
    p.tt = tt;
    p.from = from;
    p.to = to;
    p.modes = modes;
    p.unit = SR_UNIT_40FT;
    p.qty = 1;
    p.min_transfer_s = min_transfer_s;
    p.depart = t0;
    p.arrive_by = SR_TIME_NONE;
    p.max_transfers = -1;
    ctx x;
    sr_code rc = ctx_init(&x, &p);
    if (rc == SR_OK)
        rc = ea_at(&x, t0, arrival);
    ctx_free(&x);
    return rc;
}
