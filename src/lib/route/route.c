/*
 * route.c - the intermodal router: per-thread query state, single-objective
 * search (Dijkstra) and multi-criteria Pareto search (label setting) over
 * the network's (place, carrier class) state graph.
 *
 * The state graph.  A state is a place together with the carrier class the
 * cargo is on (one per rail gauge of the network, road, sea, air; gauge.c).  A link's arc moves
 * between states of its own class; a transfer row moves between classes at
 * one place and costs time and money, so a gauge change is never free.  At
 * the origin every class is a start state, at the destination every class
 * is a goal.  With a transfer limit the states gain a layer per transfer
 * used (state = (layer, place, class)), which keeps the search exact.
 *
 * Costs are non-negative, so Dijkstra on a scalar weight (time, cost, CO2e
 * or a weighted blend) is exact; the Pareto search keeps, per state, a bag
 * of mutually non-dominated labels and processes labels in order of time,
 * pruning any label dominated at its own state or at the destination.
 *
 * Query state (distance arrays, heap, label store) is allocated on first
 * use and reused; arrays are reset lazily by a generation stamp, so the cost
 * of a query depends on the part of the network it explores, not its size.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/budget.h"
#include "documents/doc.h"
#include "core/heap.h"
#include "network/network.h"
#include "pareto/pareto.h"
#include "route/route.h"

#define NONE UINT32_MAX
#define DEFAULT_MAX_LABELS 2000000u
#define MAX_TRANSFER_LAYERS 32

typedef struct label {
    double t, c, e;
    uint32_t state;
    uint32_t pred;       /* label index, NONE at the origin */
    uint32_t how;        /* arc index, or n_arcs + transfer index */
    uint32_t next;       /* next label in the same state's bag */
    uint8_t dead;
} label;

typedef struct plan {
    uint32_t from, to;
    int layers;                 /* 1 + max transfers, or 1 when unlimited */
    int limit_transfers;
    unsigned modes;
    int year;
    sr_unit unit;
    double qty;
    double wt, wc, we;          /* scalar weights */
    double w90;                 /* weight of the P90 time (reliable search) */
    const double *xd50, *xd90;  /* per-year dwell changes, or NULL */
} plan;

struct sr_query {
    const sr_network *net;
    char errmsg[1024];
    unsigned blocked;           /* SR_BLOCK_* of the last SR_ENOROUTE */
    int used_ch;                /* the last query was answered by a hierarchy (query/plan.c) */
    /* The query being run (sr__route_prepare) and its work budget, shared
     * by all its searches; the cancel flag may be set by any thread. */
    plan plan;
    sr__budget budget;
    sr_progress_fn progress;    /* sr_query_set_progress() */
    void *progress_ctx;
    atomic_int cancel;
    uint64_t work_max;
    unsigned work_ms;
    int budget_held;            /* sr__query_hold_budget(): prepare() keeps the running budget */
    /* per-state arrays */
    size_t cap_states;
    uint32_t *stamp, gen;
    double *dist;
    uint32_t *pred, *how;
    uint32_t *bag;              /* Pareto: first label of each state */
    /* heap */
    sr__heap heap;
    /* Pareto labels */
    label *labels;
    size_t n_labels, cap_labels;
    /* per-query filters */
    uint8_t *banned_place;      /* n_places */
    uint8_t *banned_crossing;   /* n_crossings */
    /* Pareto: labels that reached the destination, in settling order (a
     * list of their own, so that the per-state bags stay intact). */
    uint32_t *tgt;
    size_t n_tgt, cap_tgt;
    /* Pareto: lower bounds of time, cost and CO2e from each place to the
     * destination (reverse Dijkstra per criterion, ignoring classes and
     * transfers, which can only add), used to prune labels that cannot
     * lead to a non-dominated route and as an A* heap key.  Built lazily:
     * the reverse adjacency once per query object, the bounds per query. */
    uint32_t *rev_off, *rev_arc, *rev_tail;
    double *lb;                 /* 3 x n_places */
    uint32_t *lb_seen, *lb_done, lb_gen;
    double lb_radius[3];        /* bound for places the search did not settle */
    /* --year with per-year dwell (calibration overlay): change of each
     * crossing direction's P50 and P90 against the default, 2 per crossing. */
    double *xd50, *xd90;
    /* The fast Pareto search's scratch (pareto/pareto.c). */
    sr__pareto_ws *pws;
    /* The document rules of the query (documents/apply.c): doc.docs is
     * NULL when the network has none, and then nothing below changes. */
    sr__doc_query doc;
};

static void qerr(sr_query *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void qerr(sr_query *q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->errmsg, sizeof q->errmsg, fmt, ap);
    va_end(ap);
    /* Place names from the caller are quoted: escape control bytes. */
    sr__escape_inplace(q->errmsg, sizeof q->errmsg);
}

sr_code sr_query_create(const sr_network *net, sr_query **out)
{
    if (!out)
        return SR_EARG;
    *out = NULL;
    if (!net)
        return SR_EARG;
    sr_query *q = calloc(1, sizeof *q);
    if (!q)
        return SR_ENOMEM;
    q->net = net;
    atomic_init(&q->cancel, 0);
    q->banned_place = calloc(net->n_places + 1, 1);
    q->banned_crossing = calloc(net->n_crossings + 1, 1);
    if (!q->banned_place || !q->banned_crossing) {
        sr_query_destroy(q);
        return SR_ENOMEM;
    }
    *out = q;
    return SR_OK;
}

void sr_query_destroy(sr_query *q)
{
    if (!q)
        return;
    free(q->stamp);
    free(q->dist);
    free(q->pred);
    free(q->how);
    free(q->bag);
    sr__heap_free(&q->heap);
    free(q->labels);
    free(q->banned_place);
    free(q->banned_crossing);
    free(q->tgt);
    free(q->rev_off);
    free(q->rev_arc);
    free(q->rev_tail);
    free(q->lb);
    free(q->lb_seen);
    free(q->lb_done);
    free(q->xd50);
    free(q->xd90);
    sr__pareto_ws_free(q->pws);
    sr__doc_query_free(&q->doc);
    free(q);
}

const char *sr_query_errmsg(const sr_query *q) { return q ? q->errmsg : ""; }

void sr_query_set_progress(sr_query *q, sr_progress_fn fn, void *ctx)
{
    if (!q)
        return;
    q->progress = fn;
    q->progress_ctx = ctx;
}

sr_code sr_query_set_budget(sr_query *q, uint64_t max_labels, unsigned max_ms)
{
    if (!q)
        return SR_EARG;
    q->work_max = max_labels;
    q->work_ms = max_ms;
    return SR_OK;
}

void sr_query_cancel(sr_query *q, int cancel)
{
    if (q)
        atomic_store_explicit(&q->cancel, cancel != 0, memory_order_relaxed);
}

void sr_route_options_init(sr_route_options *o)
{
    memset(o, 0, sizeof *o);
    o->objective = SR_BY_TIME;
    o->modes = SR_MODES_ALL;
    o->unit = SR_UNIT_40FT;
    o->quantity = 1;
    o->max_transfers = -1;
    o->depart = SR_TIME_NONE;
    o->arrive_by = SR_TIME_NONE;
}

/* ---- per-query preparation ---------------------------------------------- */

static int resolve_place(sr_query *q, const char *name, const char *what, uint32_t *out)
{
    size_t idx;
    if (!name || !*name) {
        qerr(q, "%s: a place is required", what);
        return SR_EARG;
    }
    if (sr_place_find(q->net, name, &idx) != SR_OK) {
        char msg[800];
        sr__unknown_place_msg(q->net, what, name, msg, sizeof msg);
        qerr(q, "%s", msg);
        return SR_EPLACE;
    }
    *out = (uint32_t)idx;
    return SR_OK;
}

static void clear_bans(sr_query *q)
{
    memset(q->banned_place, 0, q->net->n_places);
    memset(q->banned_crossing, 0, q->net->n_crossings);
}

/* need_to == 0: a one-to-all search (src/lib/reach/) without a destination. */
static sr_code prepare(sr_query *q, const sr_route_options *o, int need_to)
{
    const sr_network *net = q->net;
    plan *p = &q->plan;
    sr_code rc;
    memset(p, 0, sizeof *p);
    q->errmsg[0] = 0;
    /* One budget per query: the searches a no-route diagnosis runs
     * (diagnose.c) draw from the budget of the query they explain. */
    if (!sr__diagnosing() && !q->budget_held) {
        sr__budget_start(&q->budget, q->work_max, q->work_ms, &q->cancel);
        q->budget.progress = q->progress;
        q->budget.progress_ctx = q->progress_ctx;
    }
    if ((rc = resolve_place(q, o->from, "from", &p->from)) ||
        (need_to && (rc = resolve_place(q, o->to, "to", &p->to))))
        return rc;
    if (!need_to)
        p->to = p->from;
    q->doc.docs = NULL; /* set below for route queries only */
    if ((unsigned)o->objective > SR_BY_RELIABLE) {
        qerr(q, "by: unknown objective");
        return SR_EARG;
    }
    if ((unsigned)o->unit >= SR_UNIT_COUNT) {
        qerr(q, "cargo: unknown unit");
        return SR_EARG;
    }
    if (!(o->quantity > 0) || o->quantity > 1e9) {
        qerr(q, "quantity: must be > 0 and at most 1e9");
        return SR_EARG;
    }
    if (!(o->modes & SR_MODES_ALL) || (o->modes & ~SR_MODES_ALL)) {
        qerr(q, "modes: at least one of rail, road, sea, air is required");
        return SR_EARG;
    }
    if (o->year < 0 || (o->year > 0 && o->year < 1800) || o->year > 2200) {
        qerr(q, "year: %d is out of range (0 or 1800-2200)", o->year);
        return SR_EARG;
    }
    if (o->max_transfers > MAX_TRANSFER_LAYERS - 1) {
        qerr(q, "max_transfers: at most %d", MAX_TRANSFER_LAYERS - 1);
        return SR_EARG;
    }
    if (o->consignment_note != SR_NOTE_CIM_SMGS && o->consignment_note != SR_NOTE_SEPARATE) {
        qerr(q, "consignment_note: unknown value %d (cim-smgs or separate)", o->consignment_note);
        return SR_EARG;
    }
    if (o->road_regime != SR_ROAD_TIR && o->road_regime != SR_ROAD_TRANSIT) {
        qerr(q, "road_regime: unknown value %d (tir or transit)", o->road_regime);
        return SR_EARG;
    }
    if (o->n_avoid > SR_MAX_AVOID || o->n_avoid_countries > SR_MAX_AVOID) {
        qerr(q, "avoid: at most %d entries", SR_MAX_AVOID);
        return SR_EARG;
    }
    p->modes = o->modes;
    p->year = o->year;
    p->unit = o->unit;
    p->qty = o->quantity;
    p->limit_transfers = o->max_transfers >= 0;
    p->layers = p->limit_transfers ? o->max_transfers + 1 : 1;
    /* Scalar weights.  A tiny share of the other criteria breaks ties
     * towards routes that are also good on them, deterministically. */
    const double eps = 1e-7;
    switch (o->objective) {
    case SR_BY_TIME: p->wt = 1; p->wc = eps; p->we = eps; break;
    case SR_BY_COST: p->wt = eps; p->wc = 1; p->we = eps; break;
    case SR_BY_CO2: p->wt = eps; p->wc = eps; p->we = 1; break;
    /* The reliable search runs several Dijkstras (see reliable()); the
     * time weights are set there. */
    case SR_BY_RELIABLE: p->wt = 1; p->wc = eps; p->we = eps; break;
    case SR_BY_BLEND:
        p->wt = o->weight_time_h;
        p->wc = o->weight_cost_usd;
        p->we = o->weight_co2e_kg;
        if (!(p->wt >= 0) || !(p->wc >= 0) || !(p->we >= 0) || !isfinite(p->wt + p->wc + p->we) ||
            p->wt + p->wc + p->we <= 0) {
            qerr(q, "weights: blend weights must be finite, non-negative and not all zero");
            return SR_EARG;
        }
        /* The same tie-break as above, relative to the largest weight, so
         * that a zero weight never lets a dominated route win a tie. */
        {
            double wmax = fmax(p->wt, fmax(p->wc, p->we));
            p->wt += eps * wmax;
            p->wc += eps * wmax;
            p->we += eps * wmax;
        }
        break;
    }
    clear_bans(q);
    for (size_t i = 0; i < o->n_avoid_countries; i++) {
        const char *cc = o->avoid_countries[i];
        if (!cc || strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z') {
            qerr(q, "avoid_countries: '%.20s' is not an ISO 3166-1 alpha-2 code (e.g. KZ)", cc ? cc : "");
            return SR_EARG;
        }
        for (uint32_t k = 0; k < net->n_places; k++)
            if (!strcmp(net->places[k].country, cc))
                q->banned_place[k] = 1;
    }
    for (size_t i = 0; i < o->n_avoid; i++) {
        const char *a = o->avoid[i];
        long x = sr_crossing_find(net, a ? a : "");
        if (x >= 0) {
            q->banned_crossing[x] = 1;
            continue;
        }
        uint32_t pl;
        if ((rc = resolve_place(q, a, "avoid", &pl)) != SR_OK)
            return rc;
        q->banned_place[pl] = 1;
    }
    if (!need_to && q->banned_place[p->from]) {
        qerr(q, "avoid: the origin %s (%s) is itself avoided", net->places[p->from].name_en, net->places[p->from].id);
        return SR_EARG;
    }
    if (!need_to)
        return SR_OK;
    if (q->banned_place[p->from] || q->banned_place[p->to]) {
        qerr(q, "avoid: the %s %s (%s) is itself avoided", q->banned_place[p->from] ? "origin" : "destination",
             net->places[q->banned_place[p->from] ? p->from : p->to].name_en,
             net->places[q->banned_place[p->from] ? p->from : p->to].id);
        return SR_EARG;
    }
    if (p->from == p->to) {
        qerr(q, "from and to are the same place (%s)", net->places[p->from].id);
        return SR_EARG;
    }
    /* Document rules of this query: customs territories of the origin and
     * destination in its year, the road regime's costs (documents/). */
    if (sr__doc_query_init(&q->doc, net, o->year, o->consignment_note, o->road_regime, o->unit, o->quantity, p->from,
                           p->to) < 0)
        return SR_ENOMEM;
    /* The dwell of the query's year where the calibration fitted one. */
    int any = 0;
    for (size_t i = 0; o->year > 0 && i < net->n_xyear; i++)
        if (net->xyear[i].year == o->year)
            any = 1;
    if (any) {
        size_t n = 2 * (size_t)net->n_crossings + 1;
        if (!q->xd50 && (!(q->xd50 = malloc(n * sizeof *q->xd50)) || !(q->xd90 = malloc(n * sizeof *q->xd90))))
            return SR_ENOMEM;
        memset(q->xd50, 0, n * sizeof *q->xd50);
        memset(q->xd90, 0, n * sizeof *q->xd90);
        for (size_t i = 0; i < net->n_xyear; i++)
            if (net->xyear[i].year == o->year) {
                uint32_t xi = net->xyear[i].xi;
                q->xd50[xi] = net->xyear[i].p50 - net->x_p50[xi];
                q->xd90[xi] = net->xyear[i].p90 - net->x_p90[xi];
            }
        p->xd50 = q->xd50;
        p->xd90 = q->xd90;
    }
    return SR_OK;
}

sr_code sr__route_prepare(sr_query *q, const sr_route_options *o) { return prepare(q, o, 1); }

/* Is arc a usable under the plan?  Filters: mode, year, cargo unit,
 * avoided places and crossings. */
static inline int arc_ok(const sr_query *q, const plan *p, uint32_t a)
{
    const sr_network *net = q->net;
    const sr_link *k = &net->links[net->arc_link[a]];
    if (!(p->modes & SR_MODE_BIT(k->mode)) || !(net->modes[k->mode].units & (1u << p->unit)))
        return 0;
    if (!sr__link_usable(k, p->year))
        return 0;
    if (q->banned_place[net->arc_head[a]])
        return 0;
    if (k->crossing >= 0 && q->banned_crossing[k->crossing])
        return 0;
    return 1;
}

static int ensure_states(sr_query *q, size_t n, int pareto)
{
    if (n <= q->cap_states && (!pareto || q->bag))
        return 0;
    size_t cap = n > q->cap_states ? n : q->cap_states;
    free(q->stamp);
    free(q->dist);
    free(q->pred);
    free(q->how);
    free(q->bag);
    q->stamp = calloc(cap, sizeof *q->stamp);
    q->dist = malloc(cap * sizeof *q->dist);
    q->pred = malloc(cap * sizeof *q->pred);
    q->how = malloc(cap * sizeof *q->how);
    q->bag = malloc(cap * sizeof *q->bag);
    q->gen = 0;
    q->cap_states = cap;
    if (!q->stamp || !q->dist || !q->pred || !q->how || !q->bag) {
        q->cap_states = 0;
        return -1;
    }
    return 0;
}

static void next_generation(sr_query *q)
{
    if (++q->gen == 0) {
        memset(q->stamp, 0, q->cap_states * sizeof *q->stamp);
        q->gen = 1;
    }
}

/* States are numbered layer-major, then place, then class; dims->nc is the
 * network's class count (gauge.c). */
#define STATE(p, layer, place, cls) ((((size_t)(layer) * (p)->np + (place)) * (p)->nc) + (cls))

/* ---- result assembly ---------------------------------------------------- */

/* A step of a path: an arc or a transfer (how >= n_arcs), in order. */
static sr_code build_route(sr_query *q, const plan *p, const uint32_t *steps, size_t n, sr__route_buf *rb)
{
    const sr_network *net = q->net;
    sr__route_init(rb);
    for (size_t i = 0; i < n; i++) {
        uint32_t h = steps[i];
        if (h < net->n_arcs) {
            const sr_link *k = &net->links[net->arc_link[h]];
            /* The arc runs from one end of its link to the other. */
            uint32_t tail = net->arc_head[h] == k->from ? k->to : k->from;
            sr_leg leg = {.from = tail, .to = net->arc_head[h], .link = net->arc_link[h], .mode = k->mode,
                          .gauge_mm = k->mode == SR_RAIL ? k->gauge_mm : 0, .distance_km = k->distance_km,
                          .duration_h = k->duration_h, .cost_usd = k->cost_usd[p->unit] * p->qty,
                          .co2e_kg = net->arc_co2[p->unit][h] * p->qty};
            sr_class cls = sr__time_class(net, k);
            leg.duration_p90_h = k->duration_h * (net->run_ratio[cls] > 0 ? net->run_ratio[cls] : 1);
            if (sr__route_add_leg(rb, &leg) < 0)
                return SR_ENOMEM;
            const char *ca = net->places[tail].country, *cb = net->places[leg.to].country;
            if (strcmp(ca, cb)) {
                sr_border_crossing bc = {k->crossing, leg.to, (uint32_t)(rb->n_legs - 1), {0}, {0}, 0, 0, 0, 0, NULL};
                memcpy(bc.from_country, ca, 3);
                memcpy(bc.to_country, cb, 3);
                bc.internal_union = sr_network_common_union(net, ca, cb, p->year);
                if (k->crossing >= 0) {
                    /* Dwell in the direction the arc crosses (calib/spread.c). */
                    const sr_crossing *x = &net->crossings[k->crossing];
                    size_t xi = 2 * (size_t)k->crossing + (size_t)sr__arc_xdir(net, h);
                    bc.dwell_h = net->x_p50 ? net->x_p50[xi] : x->dwell_h;
                    bc.dwell_p90_h = net->x_p90 ? net->x_p90[xi] : bc.dwell_h;
                    if (p->xd50) {
                        bc.dwell_h += p->xd50[xi];
                        bc.dwell_p90_h += p->xd90[xi];
                    }
                    bc.fee_usd = x->fee_usd[p->unit] * p->qty;
                }
                if (sr__route_add_crossing(rb, &bc) < 0)
                    return SR_ENOMEM;
            }
        } else {
            const sr__xfer *x = &net->xfers[h - net->n_arcs];
            uint32_t at = rb->n_legs ? rb->legs[rb->n_legs - 1].to : p->from;
            sr_transfer t = {at, (sr_transfer_kind)x->kind, (sr_class)x->from, (sr_class)x->to,
                             rb->n_legs ? (uint32_t)(rb->n_legs - 1) : 0, x->duration_h, x->cost_usd[p->unit] * p->qty, 0, 0};
            t.duration_p90_h = x->duration_p90_h;
            if (sr__route_add_transfer(rb, &t) < 0)
                return SR_ENOMEM;
        }
    }
    if (q->doc.docs && sr__doc_annotate(&q->doc, steps, n, rb) < 0)
        return SR_ENOMEM;
    sr__route_totals(rb);
    return SR_OK;
}

/* Size the per-state arrays for this query's state graph, invalidate the
 * previous query's marks and empty the heap. */
static int begin_search(sr_query *q, const plan *p, size_t np, int pareto)
{
    if (ensure_states(q, (size_t)p->layers * np * q->net->n_classes, pareto) < 0)
        return -1;
    next_generation(q);
    q->heap.n = 0;
    return 0;
}

/* ---- single objective ---------------------------------------------------- */

static sr_code dijkstra(sr_query *q, plan *p, size_t np, sr_result **out)
{
    const sr_network *net = q->net;
    struct {
        uint32_t np, nc;
    } dims = {(uint32_t)np, net->n_classes};
    const uint32_t NC = dims.nc;
    if (begin_search(q, p, np, 0) < 0)
        return SR_ENOMEM;
    const double *cost = net->arc_cost[p->unit], *co2 = net->arc_co2[p->unit];
    const double *arc90 = net->arc_p90_h ? net->arc_p90_h : net->arc_time_h;
    const sr__docs *docs = q->doc.docs;
    for (uint32_t c = 0; c < NC; c++) {
        size_t s = STATE(&dims, 0, p->from, c);
        q->stamp[s] = q->gen;
        q->dist[s] = 0;
        q->pred[s] = NONE;
        q->how[s] = NONE;
        if (sr__heap_push(&q->heap, 0, (uint32_t)s) < 0)
            return SR_ENOMEM;
    }
    size_t goal = SIZE_MAX;
    while (q->heap.n) {
        if (sr__budget_step(&q->budget)) {
            sr__budget_message(&q->budget, q->errmsg, sizeof q->errmsg);
            return SR_ELIMIT;
        }
        sr__heap_item it = sr__heap_pop(&q->heap);
        size_t s = it.id;
        if (it.key > q->dist[s])
            continue;
        /* One 32-bit division per state (state ids fit in 32 bits: the heap
         * holds them as uint32_t), and none for the layer without a
         * transfer limit: 64-bit divisions cost tens of cycles each. */
        uint32_t pc = it.id / NC, cls = it.id - pc * NC, place = pc, layer = 0;
        if (p->limit_transfers) {
            place = pc % (uint32_t)np;
            layer = pc / (uint32_t)np;
        }
        if (place == p->to) {
            goal = s;
            break;
        }
        double d = it.key;
        for (uint32_t a = net->arc_off[place]; a < net->arc_off[place + 1]; a++) {
            if (net->arc_cls[a] != cls || !arc_ok(q, p, a))
                continue;
            double w = p->wt * net->arc_time_h[a] + p->qty * (p->wc * cost[a] + p->we * co2[a]);
            if (p->w90 > 0)
                w += p->w90 * arc90[a];
            if (p->xd50 && net->arc_xi[a] != NONE)
                w += p->wt * p->xd50[net->arc_xi[a]] + p->w90 * p->xd90[net->arc_xi[a]];
            if (docs && docs->arc_border[a]) {
                double dh, du;
                sr__doc_arc_weight(&q->doc, a, &dh, &du);
                w += (p->wt + p->w90) * dh + p->wc * du;
            }
            size_t t = STATE(&dims, layer, net->arc_head[a], cls);
            double nd = d + w;
            if (q->stamp[t] != q->gen || nd < q->dist[t]) {
                q->stamp[t] = q->gen;
                q->dist[t] = nd;
                q->pred[t] = (uint32_t)s;
                q->how[t] = a;
                if (sr__heap_push(&q->heap, nd, (uint32_t)t) < 0)
                    return SR_ENOMEM;
            }
        }
        if (place == p->from || (p->limit_transfers && (int)layer + 1 >= p->layers))
            continue;
        uint32_t nl = p->limit_transfers ? layer + 1 : 0;
        for (uint32_t x = net->xfer_off[place]; x < net->xfer_off[place + 1]; x++) {
            const sr__xfer *tr = &net->xfers[x];
            if (tr->from != cls)
                continue;
            double w = p->wt * tr->duration_h + p->qty * p->wc * tr->cost_usd[p->unit] + p->w90 * tr->duration_p90_h;
            if (docs && docs->xfer_reissue[x]) {
                double dh, du;
                sr__doc_xfer_weight(&q->doc, x, &dh, &du);
                w += (p->wt + p->w90) * dh + p->wc * du;
            }
            size_t t = STATE(&dims, nl, place, tr->to);
            double nd = d + w;
            if (q->stamp[t] != q->gen || nd < q->dist[t]) {
                q->stamp[t] = q->gen;
                q->dist[t] = nd;
                q->pred[t] = (uint32_t)s;
                q->how[t] = net->n_arcs + x;
                if (sr__heap_push(&q->heap, nd, (uint32_t)t) < 0)
                    return SR_ENOMEM;
            }
        }
    }
    if (goal == SIZE_MAX) {
        qerr(q, "no route from %s (%s) to %s (%s) under the given constraints", net->places[p->from].name_en,
             net->places[p->from].id, net->places[p->to].name_en, net->places[p->to].id);
        return SR_ENOROUTE;
    }
    size_t n = 0;
    for (size_t s = goal; q->pred[s] != NONE; s = q->pred[s])
        n++;
    uint32_t *steps = malloc((n ? n : 1) * sizeof *steps);
    if (!steps)
        return SR_ENOMEM;
    size_t i = n;
    for (size_t s = goal; q->pred[s] != NONE; s = q->pred[s])
        steps[--i] = q->how[s];
    sr_result *r = sr__result_new(1);
    sr_code rc = r ? build_route(q, p, steps, n, sr__result_slot(r, 0)) : SR_ENOMEM;
    free(steps);
    if (rc != SR_OK) {
        sr_result_free(r);
        return rc;
    }
    *out = r;
    return SR_OK;
}

/* ---- Pareto --------------------------------------------------------------- */

/* Relative tolerance so that float noise does not keep near-identical
 * labels apart. */
static inline int leq(double a, double b) { return a <= b + 1e-9 * (fabs(b) + 1); }

static inline int dominates(const label *a, double t, double c, double e)
{
    return leq(a->t, t) && leq(a->c, c) && leq(a->e, e);
}

/* Incoming arcs of each place (the network stores outgoing ones only). */
static int build_reverse(sr_query *q)
{
    const sr_network *net = q->net;
    uint32_t np = net->n_places, na = net->n_arcs;
    q->rev_off = calloc((size_t)np + 1, sizeof *q->rev_off);
    q->rev_arc = malloc(((size_t)na + 1) * sizeof *q->rev_arc);
    q->rev_tail = malloc(((size_t)na + 1) * sizeof *q->rev_tail);
    uint32_t *fill = malloc(((size_t)np + 1) * sizeof *fill);
    q->lb = malloc(((size_t)np * 3 + 1) * sizeof *q->lb);
    q->lb_seen = calloc((size_t)np * 3 + 1, sizeof *q->lb_seen);
    q->lb_done = calloc((size_t)np * 3 + 1, sizeof *q->lb_done);
    q->lb_gen = 0;
    if (!q->rev_off || !q->rev_arc || !q->rev_tail || !fill || !q->lb || !q->lb_seen || !q->lb_done) {
        free(fill);
        free(q->rev_off);
        q->rev_off = NULL;
        return -1;
    }
    for (uint32_t a = 0; a < na; a++)
        q->rev_off[net->arc_head[a] + 1]++;
    for (uint32_t v = 0; v < np; v++)
        q->rev_off[v + 1] += q->rev_off[v];
    memcpy(fill, q->rev_off, ((size_t)np + 1) * sizeof *fill);
    for (uint32_t u = 0; u < np; u++)
        for (uint32_t a = net->arc_off[u]; a < net->arc_off[u + 1]; a++) {
            uint32_t i = fill[net->arc_head[a]]++;
            q->rev_arc[i] = a;
            q->rev_tail[i] = u;
        }
    free(fill);
    return 0;
}

/*
 * Lower bounds to the destination per criterion.  Each reverse Dijkstra
 * stops once the origin is settled: places it settled have exact relaxed
 * distances, all others are at least as far as the last settled key (the
 * radius), which is a valid and still consistent bound.
 */
static int lower_bounds(sr_query *q, const plan *p, uint32_t np)
{
    const sr_network *net = q->net;
    if (!q->rev_off && build_reverse(q) < 0)
        return -1;
    if (++q->lb_gen == 0) {
        memset(q->lb_seen, 0, (size_t)np * 3 * sizeof *q->lb_seen);
        memset(q->lb_done, 0, (size_t)np * 3 * sizeof *q->lb_done);
        q->lb_gen = 1;
    }
    const uint32_t gen = q->lb_gen;
    const double *cost = net->arc_cost[p->unit], *co2 = net->arc_co2[p->unit];
    for (int k = 0; k < 3; k++) {
        double *d = q->lb + (size_t)k * np;
        uint32_t *seen = q->lb_seen + (size_t)k * np, *done = q->lb_done + (size_t)k * np;
        double radius = INFINITY; /* heap exhausted: unsettled places cannot reach the destination */
        q->heap.n = 0;
        seen[p->to] = gen;
        d[p->to] = 0;
        if (sr__heap_push(&q->heap, 0, p->to) < 0)
            return -1;
        while (q->heap.n) {
            sr__heap_item it = sr__heap_pop(&q->heap);
            uint32_t v = it.id;
            if (done[v] == gen || it.key > d[v])
                continue;
            done[v] = gen;
            if (v == p->from) {
                radius = it.key;
                break;
            }
            for (uint32_t i = q->rev_off[v]; i < q->rev_off[v + 1]; i++) {
                uint32_t a = q->rev_arc[i], u = q->rev_tail[i];
                if (done[u] == gen || !arc_ok(q, p, a))
                    continue;
                double w = k == 0 ? net->arc_time_h[a] : k == 1 ? p->qty * cost[a] : p->qty * co2[a];
                double nd = it.key + w;
                if (seen[u] != gen || nd < d[u]) {
                    seen[u] = gen;
                    d[u] = nd;
                    if (sr__heap_push(&q->heap, nd, u) < 0)
                        return -1;
                }
            }
        }
        q->lb_radius[k] = radius;
    }
    q->heap.n = 0;
    return 0;
}

static inline double lower_bound(const sr_query *q, uint32_t np, int k, uint32_t place)
{
    size_t i = (size_t)k * np + place;
    return q->lb_done[i] == q->lb_gen ? q->lb[i] : q->lb_radius[k];
}

static sr_code pareto(sr_query *q, plan *p, size_t np, size_t max_labels, sr_result **out)
{
    const sr_network *net = q->net;
    struct {
        uint32_t np, nc;
    } dims = {(uint32_t)np, net->n_classes};
    const uint32_t NC = dims.nc;
    if (begin_search(q, p, np, 1) < 0)
        return SR_ENOMEM;
    q->n_labels = 0;
    q->n_tgt = 0;
    const double *cost = net->arc_cost[p->unit], *co2 = net->arc_co2[p->unit];
    const sr__docs *docs = q->doc.docs;
    if (lower_bounds(q, p, (uint32_t)np) < 0)
        return SR_ENOMEM;

#define BAG(s) (q->stamp[s] == q->gen ? q->bag[s] : NONE)

    /* Insert a label at state S (place PL) unless it, or its best possible
     * completion (label + lower bounds), is dominated; unlink the labels of
     * the state's bag that it dominates. */
#define TRY_LABEL(S, PL, T, C, E, PRED, HOW)                                                                      \
    do {                                                                                                          \
        size_t s_ = (S);                                                                                          \
        uint32_t pl_ = (PL);                                                                                      \
        double t_ = (T), c_ = (C), e_ = (E);                                                                      \
        double bt_ = t_ + lower_bound(q, (uint32_t)np, 0, pl_), bc_ = c_ + lower_bound(q, (uint32_t)np, 1, pl_), \
               be_ = e_ + lower_bound(q, (uint32_t)np, 2, pl_);                                                   \
        int dom_ = !(bt_ < INFINITY && bc_ < INFINITY && be_ < INFINITY);                                        \
        for (size_t k_ = 0; k_ < q->n_tgt && !dom_; k_++)                                                         \
            if (!q->labels[q->tgt[k_]].dead && dominates(&q->labels[q->tgt[k_]], bt_, bc_, be_))                  \
                dom_ = 1;                                                                                         \
        for (uint32_t l_ = BAG(s_); l_ != NONE && !dom_; l_ = q->labels[l_].next)                                 \
            if (!q->labels[l_].dead && dominates(&q->labels[l_], t_, c_, e_))                                     \
                dom_ = 1;                                                                                         \
        if (dom_)                                                                                                 \
            break;                                                                                                \
        if (q->stamp[s_] == q->gen) {                                                                             \
            uint32_t *pp_ = &q->bag[s_];                                                                          \
            while (*pp_ != NONE) {                                                                                \
                label *o_ = &q->labels[*pp_];                                                                     \
                if (!o_->dead && leq(t_, o_->t) && leq(c_, o_->c) && leq(e_, o_->e))                              \
                    o_->dead = 1;                                                                                 \
                if (o_->dead)                                                                                     \
                    *pp_ = o_->next;                                                                              \
                else                                                                                              \
                    pp_ = &o_->next;                                                                              \
            }                                                                                                     \
        }                                                                                                         \
        if (q->n_labels >= max_labels) {                                                                          \
            qerr(q, "pareto: more than %zu labels; narrow the query (modes, avoid, max_transfers)", max_labels); \
            return SR_ELIMIT;                                                                                     \
        }                                                                                                         \
        if (sr__grow((void **)&q->labels, &q->cap_labels, q->n_labels + 1, sizeof *q->labels) < 0)               \
            return SR_ENOMEM;                                                                                     \
        uint32_t id_ = (uint32_t)q->n_labels++;                                                                   \
        q->labels[id_] = (label){t_, c_, e_, (uint32_t)s_, (PRED), (HOW), BAG(s_), 0};                           \
        q->stamp[s_] = q->gen;                                                                                    \
        q->bag[s_] = id_;                                                                                         \
        if (sr__heap_push(&q->heap, bt_ + 1e-6 * bc_ + 1e-9 * be_, id_) < 0)                                                \
            return SR_ENOMEM;                                                                                     \
    } while (0)

    for (uint32_t c = 0; c < NC; c++)
        TRY_LABEL(STATE(&dims, 0, p->from, c), p->from, 0.0, 0.0, 0.0, NONE, NONE);

    while (q->heap.n) {
        if (sr__budget_step(&q->budget)) {
            sr__budget_message(&q->budget, q->errmsg, sizeof q->errmsg);
            return SR_ELIMIT;
        }
        sr__heap_item it = sr__heap_pop(&q->heap);
        label L = q->labels[it.id];
        if (L.dead)
            continue;
        size_t s = L.state;
        uint32_t cls = (uint32_t)(s % NC), place = (uint32_t)((s / NC) % np), layer = (uint32_t)(s / NC / np);
        /* A label settled later may still be dominated (with its lower
         * bounds) by a destination label found since it was queued. */
        double bt = L.t + lower_bound(q, (uint32_t)np, 0, place), bc = L.c + lower_bound(q, (uint32_t)np, 1, place),
               be = L.e + lower_bound(q, (uint32_t)np, 2, place);
        int dom = 0;
        for (size_t k = 0; k < q->n_tgt && !dom; k++)
            if (dominates(&q->labels[q->tgt[k]], bt, bc, be))
                dom = 1;
        if (dom) {
            q->labels[it.id].dead = 1;
            continue;
        }
        if (place == p->to) {
            /* Move into the destination bag (labels there are final since
             * they are popped in non-decreasing key order). */
            if (sr__grow((void **)&q->tgt, &q->cap_tgt, q->n_tgt + 1, sizeof *q->tgt) < 0)
                return SR_ENOMEM;
            q->tgt[q->n_tgt++] = it.id;
            continue;
        }
        for (uint32_t a = net->arc_off[place]; a < net->arc_off[place + 1]; a++) {
            if (net->arc_cls[a] != cls || !arc_ok(q, p, a))
                continue;
            double dh = 0, du = 0;
            if (docs && docs->arc_border[a])
                sr__doc_arc_weight(&q->doc, a, &dh, &du);
            TRY_LABEL(STATE(&dims, layer, net->arc_head[a], cls), net->arc_head[a], L.t + net->arc_time_h[a] + dh,
                      L.c + p->qty * cost[a] + du, L.e + p->qty * co2[a], it.id, a);
        }
        if (place == p->from || (p->limit_transfers && (int)layer + 1 >= p->layers))
            continue;
        uint32_t nl = p->limit_transfers ? layer + 1 : 0;
        for (uint32_t x = net->xfer_off[place]; x < net->xfer_off[place + 1]; x++) {
            const sr__xfer *tr = &net->xfers[x];
            if (tr->from != cls)
                continue;
            double dh = 0, du = 0;
            if (docs && docs->xfer_reissue[x])
                sr__doc_xfer_weight(&q->doc, x, &dh, &du);
            TRY_LABEL(STATE(&dims, nl, place, tr->to), place, L.t + tr->duration_h + dh,
                      L.c + p->qty * tr->cost_usd[p->unit] + du, L.e, it.id, net->n_arcs + x);
        }
    }
#undef TRY_LABEL
#undef BAG
    /* Collect the destination labels (in settling order); keep the
     * non-dominated ones. */
    size_t n = q->n_tgt;
    if (!n) {
        qerr(q, "no route from %s (%s) to %s (%s) under the given constraints", net->places[p->from].name_en,
             net->places[p->from].id, net->places[p->to].name_en, net->places[p->to].id);
        return SR_ENOROUTE;
    }
    uint32_t *ids = malloc(n * sizeof *ids);
    if (!ids)
        return SR_ENOMEM;
    memcpy(ids, q->tgt, n * sizeof *ids);
    /* Destination labels of different classes may dominate each other. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const label *a = &q->labels[ids[i]];
        int dom = 0;
        for (size_t j = 0; j < n && !dom; j++) {
            if (i == j)
                continue;
            const label *b = &q->labels[ids[j]];
            if (dominates(b, a->t, a->c, a->e) && (!dominates(a, b->t, b->c, b->e) || j < i))
                dom = 1;
        }
        if (!dom)
            ids[m++] = ids[i];
    }
    sr_result *r = sr__result_new(m);
    if (!r) {
        free(ids);
        return SR_ENOMEM;
    }
    sr_code rc = SR_OK;
    for (size_t i = 0; i < m && rc == SR_OK; i++) {
        size_t len = 0;
        for (uint32_t l = ids[i]; q->labels[l].pred != NONE; l = q->labels[l].pred)
            len++;
        uint32_t *steps = malloc((len ? len : 1) * sizeof *steps);
        if (!steps) {
            rc = SR_ENOMEM;
            break;
        }
        size_t j = len;
        for (uint32_t l = ids[i]; q->labels[l].pred != NONE; l = q->labels[l].pred)
            steps[--j] = q->labels[l].how;
        rc = build_route(q, p, steps, len, sr__result_slot(r, i));
        free(steps);
    }
    free(ids);
    if (rc != SR_OK) {
        sr_result_free(r);
        return rc;
    }
    sr__result_sort_by_time(r);
    *out = r;
    return SR_OK;
}

/* ---- Pareto, fast: targeted multi-objective Dijkstra (pareto/) ------------ */

int sr__pareto_reference;

static int pareto_arc_ok(const void *ctx, uint32_t a)
{
    const sr_query *q = ctx;
    return arc_ok(q, &q->plan, a);
}

static void pareto_bound(const void *ctx, uint32_t place, double lb[3])
{
    const sr_query *q = ctx;
    uint32_t np = q->net->n_places;
    for (int k = 0; k < 3; k++)
        lb[k] = lower_bound(q, np, k, place);
}

/* The document weights (documents/): as the reference search adds them. */
static void pareto_extra(const void *ctx, uint32_t e, double *dh, double *du)
{
    const sr_query *q = ctx;
    const sr__docs *docs = q->doc.docs;
    uint32_t na = q->net->n_arcs;
    if (e < na) {
        if (docs->arc_border[e])
            sr__doc_arc_weight(&q->doc, e, dh, du);
    } else if (docs->xfer_reissue[e - na]) {
        sr__doc_xfer_weight(&q->doc, e - na, dh, du);
    }
}

static sr_code pareto_fast(sr_query *q, plan *p, size_t np, size_t max_labels, sr_result **out)
{
    const sr_network *net = q->net;
    if (lower_bounds(q, p, (uint32_t)np) < 0)
        return SR_ENOMEM;
    sr__pareto_in in = {.net = net, .from = p->from, .to = p->to, .layers = p->layers,
                        .limit_transfers = p->limit_transfers, .unit = p->unit, .qty = p->qty,
                        .arc_ok = pareto_arc_ok, .bound = pareto_bound, .extra = q->doc.docs ? pareto_extra : NULL,
                        .ctx = q, .budget = &q->budget,
                        .max_labels = max_labels, .err = q->errmsg, .errcap = sizeof q->errmsg};
    const uint32_t *ids;
    size_t m;
    sr_code rc = sr__pareto_search(&q->pws, &in, &ids, &m);
    if (rc != SR_OK)
        return rc;
    if (!m) {
        qerr(q, "no route from %s (%s) to %s (%s) under the given constraints", net->places[p->from].name_en,
             net->places[p->from].id, net->places[p->to].name_en, net->places[p->to].id);
        return SR_ENOROUTE;
    }
    sr_result *r = sr__result_new(m);
    if (!r)
        return SR_ENOMEM;
    for (size_t i = 0; i < m && rc == SR_OK; i++) {
        uint32_t *steps;
        size_t len;
        if (sr__pareto_steps(q->pws, ids[i], &steps, &len) < 0) {
            rc = SR_ENOMEM;
            break;
        }
        rc = build_route(q, p, steps, len, sr__result_slot(r, i));
        free(steps);
    }
    if (rc != SR_OK) {
        sr_result_free(r);
        return rc;
    }
    sr__result_sort_by_time(r);
    *out = r;
    return SR_OK;
}

unsigned sr_query_blocked(const sr_query *q)
{
    return q ? q->blocked : 0;
}

void sr__query_set_blocked(sr_query *q, unsigned mask) { q->blocked = mask; }

/* The searches the query layer (query/plan.c) chooses between, on the
 * query prepared by sr__route_prepare(). */
/*
 * The most reliable route: the least P90 of the door-to-door time.  The
 * P90 of a sum is not a sum of per-arc weights, so no label-setting search
 * on one scalar is exact.  Instead three Dijkstras give candidates -- the
 * least sum of the parts' P90s (which over-states the total's P90 as little
 * for spread-out parts as for tight ones), the least P50 (the fastest
 * route), and their midpoint -- and the candidate whose combined P90
 * (Fenton-Wilkinson) is least wins, ties to the faster P50.  Because the
 * fastest route is a candidate, the answer's P90 is never worse than the
 * fastest route's.
 */
static sr_code reliable(sr_query *q, plan *p, size_t np, sr_result **out)
{
    static const double mix[3][2] = {{0, 1}, {1, 0}, {0.5, 0.5}};
    sr_result *best = NULL;
    const double eps = 1e-7;
    for (int k = 0; k < 3; k++) {
        /* Candidate 1 is exactly the SR_BY_TIME query (same weights, same
         * tie-breaks), so the answer can never be worse than it. */
        p->wt = k == 1 ? 1 : mix[k][0] + eps;
        p->w90 = mix[k][1];
        p->wc = p->we = eps;
        sr_result *r = NULL;
        sr_code rc = dijkstra(q, p, np, &r);
        if (rc != SR_OK) {
            sr_result_free(best);
            p->w90 = 0;
            return rc;
        }
        const sr_route *a = sr_result_route(r, 0), *b = best ? sr_result_route(best, 0) : NULL;
        if (!b || a->duration_p90_h < b->duration_p90_h - 1e-9 ||
            (fabs(a->duration_p90_h - b->duration_p90_h) <= 1e-9 && a->duration_h < b->duration_h)) {
            sr_result_free(best);
            best = r;
        } else
            sr_result_free(r);
    }
    p->w90 = 0;
    *out = best;
    return SR_OK;
}

sr_code sr__route_static(sr_query *q, const sr_route_options *o, sr_result **out)
{
    plan *p = &q->plan;
    size_t np = q->net->n_places;
    if ((size_t)p->layers * np * q->net->n_classes > UINT32_MAX - 1) {
        qerr(q, "network too large for a transfer limit of %d", p->layers - 1);
        return SR_ELIMIT;
    }
    if (!o->pareto)
        return o->objective == SR_BY_RELIABLE ? reliable(q, p, np, out) : dijkstra(q, p, np, out);
    if (!(o->pareto_tolerance >= 0 && o->pareto_tolerance <= 10)) {
        qerr(q, "pareto_tolerance: must be between 0 and 10");
        return SR_EARG;
    }
    size_t ml = o->max_labels ? o->max_labels : DEFAULT_MAX_LABELS;
    sr_code rc = sr__pareto_reference ? pareto(q, p, np, ml, out) : pareto_fast(q, p, np, ml, out);
    if (rc == SR_OK)
        sr__result_thin(*out, o->pareto_tolerance);
    return rc;
}

const sr_network *sr__query_net(const sr_query *q) { return q->net; }
void sr__query_hold_budget(sr_query *q, int hold)
{
    if (hold && !q->budget_held) {
        sr__budget_start(&q->budget, q->work_max, q->work_ms, &q->cancel);
        q->budget.progress = q->progress;
        q->budget.progress_ctx = q->progress_ctx;
    }
    q->budget_held = hold != 0;
}

void sr__query_prepared(sr_query *q, sr__prepared *out)
{
    out->from = q->plan.from;
    out->to = q->plan.to;
    out->banned_place = q->banned_place;
    out->banned_crossing = q->banned_crossing;
    out->budget = &q->budget;
    out->err = q->errmsg;
    out->errcap = sizeof q->errmsg;
}

/* ---- hooks for the one-to-all searches (src/lib/reach/) ------------------ */

sr_code sr__scalar_prepare(sr_query *q, const sr_route_options *o, sr__scalar *sp, uint8_t *arc_usable,
                           uint8_t *place_banned)
{
    sr_code rc = prepare(q, o, 0);
    if (rc != SR_OK)
        return rc;
    const plan *p = &q->plan;
    *sp = (sr__scalar){p->from, p->layers, p->limit_transfers, p->unit, p->qty, p->wt, p->wc, p->we};
    for (uint32_t a = 0; a < q->net->n_arcs; a++)
        arc_usable[a] = (uint8_t)arc_ok(q, p, a);
    if (place_banned)
        memcpy(place_banned, q->banned_place, q->net->n_places);
    return SR_OK;
}

char *sr__query_errbuf(sr_query *q, size_t *cap)
{
    *cap = sizeof q->errmsg;
    return q->errmsg;
}

/* ---- hooks for the contraction hierarchies (query/plan.c, ch/) ------------ */

/* The answer of a path found by another search over the same state graph
 * (steps as the router's `how`: arc index, or n_arcs + transfer index),
 * assembled exactly as the router's own. */
sr_code sr__route_from_steps(sr_query *q, const uint32_t *steps, size_t n, sr_result **out)
{
    sr_result *r = sr__result_new(1);
    sr_code rc = r ? build_route(q, &q->plan, steps, n, sr__result_slot(r, 0)) : SR_ENOMEM;
    if (rc != SR_OK) {
        sr_result_free(r);
        return rc;
    }
    *out = r;
    return SR_OK;
}

void sr__query_set_used_ch(sr_query *q, int used) { q->used_ch = used; }
int sr_query_used_ch(const sr_query *q) { return q ? q->used_ch : 0; }

/* The message for a query the hierarchy found no path for, as Dijkstra's. */
sr_code sr__route_noroute(sr_query *q)
{
    const sr_network *net = q->net;
    const plan *p = &q->plan;
    qerr(q, "no route from %s (%s) to %s (%s) under the given constraints", net->places[p->from].name_en,
         net->places[p->from].id, net->places[p->to].name_en, net->places[p->to].id);
    return SR_ENOROUTE;
}
