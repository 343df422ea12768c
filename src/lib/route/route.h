/*
 * route.h - internal representation of route results, shared by the router
 * (route.c), the result accessors (result.c), the serialisers (json.c) and
 * any other search that produces routes (timetables).
 */
#ifndef SR_ROUTE_H
#define SR_ROUTE_H

#include "silkroute.h"

/* One route under construction: growable arrays behind the public view. */
typedef struct sr__route_buf {
    sr_route view;          /* what sr_result_route() hands out */
    sr_leg *legs;
    size_t n_legs, cap_legs;
    sr_transfer *transfers;
    size_t n_transfers, cap_transfers;
    sr_border_crossing *crossings;
    size_t n_crossings, cap_crossings;
    sr_document_event *documents;       /* documents/apply.c */
    size_t n_documents, cap_documents;
    sr_customs_event *customs;
    size_t n_customs, cap_customs;
} sr__route_buf;

void sr__route_init(sr__route_buf *rb);
void sr__route_release(sr__route_buf *rb);
int sr__route_add_leg(sr__route_buf *rb, const sr_leg *leg);
int sr__route_add_transfer(sr__route_buf *rb, const sr_transfer *t);
int sr__route_add_crossing(sr__route_buf *rb, const sr_border_crossing *x);
int sr__route_add_document(sr__route_buf *rb, const sr_document_event *e);
int sr__route_add_customs(sr__route_buf *rb, const sr_customs_event *e);
/* Fill view: pointers and totals = legs + transfers + crossing dwell/fees
 * + document and customs events. */
void sr__route_totals(sr__route_buf *rb);
/* Why no route (diagnose.c): re-runs q with each constraint of o lifted;
 * the reason in buf, an SR_BLOCK_* mask returned.  Not re-entrant by
 * design: queries it runs itself are not diagnosed (sr__diagnosing()). */
unsigned sr__explain_noroute(sr_query *q, const sr_network *net, const sr_route_options *o, char *buf, size_t cap);
int sr__diagnosing(void);
/* The segment of r that begins at leg `first` (segments.c). */
void sr__segment_at(const sr_network *net, const sr_route *r, size_t first, sr_segment *sg);
/* Fill the view's P90 and log-normal parameters from the parts (called by
 * sr__route_totals; timed searches adjust time_fixed_h after it). */
void sr__route_spread(sr__route_buf *rb);
/* Set a timed route's duration (arrive - depart): the difference to the
 * parts' sum is waiting, which shifts the fixed part and the P90. */
void sr__route_set_duration(sr_route *v, double hours);

struct sr_result {
    size_t n;
    sr__route_buf *routes;
    size_t n_found;         /* options found before the cap (query/plan.c); 0: not capped */
    /* The places the query's from and to resolved to, and how far the
     * coordinates given were snapped (0 for names); from == UINT32_MAX
     * when not set (results built by hand). */
    uint32_t wp_place[2];
    double wp_snap_km[2];
    int wp_coords[2];       /* given as LAT,LON */
};

/* A result with n empty routes, or NULL when memory runs out. */
sr_result *sr__result_new(size_t n);
/* One route as its JSON object (json.c), malloc()ed; the tracking store
 * keeps it as a shipment's booked route. */
char *sr__route_json(const sr_network *net, const sr_route *r);
sr__route_buf *sr__result_slot(sr_result *r, size_t i);
/* Thin a sorted Pareto set: keep the optimum of each criterion, then in
 * order every route not within (1 + eps) on all criteria of a kept one. */
void sr__result_thin(sr_result *r, double eps);
/* Sort routes by duration, then cost, then CO2e. */
void sr__result_sort_by_time(sr_result *r);

/* ---- The router's entry points for the query layer (query/plan.c) ------
 * The router knows nothing of timetables: the query layer prepares a
 * query here (places resolved, avoid filters built, work budget started)
 * and then runs either the router's static search or the timetable search
 * on what was prepared. */
struct sr__budget;
typedef struct sr__prepared {
    uint32_t from, to;                  /* place indices */
    const uint8_t *banned_place;        /* n_places */
    const uint8_t *banned_crossing;     /* n_crossings */
    struct sr__budget *budget;          /* the query's budget, owned by q */
    char *err;                          /* q's message buffer */
    size_t errcap;
} sr__prepared;

/* Validate o, resolve its places and filters into q, start q's budget. */
sr_code sr__route_prepare(sr_query *q, const sr_route_options *o);
/* Record which constraints block the last SR_ENOROUTE (sr_query_blocked()). */
void sr__query_set_blocked(sr_query *q, unsigned mask);
/* hold != 0: start q's budget now and let the queries run on q until
 * hold == 0 draw from it instead of each starting its own, so that a
 * query made of several route queries (a route with first and last
 * miles, query/miles.c, tries every pair of candidate places) has one
 * budget in all. */
void sr__query_hold_budget(sr_query *q, int hold);
/* What sr__route_prepare() built (pointers owned by q). */
void sr__query_prepared(sr_query *q, sr__prepared *out);
const sr_network *sr__query_net(const sr_query *q);
/* Non-zero: Pareto queries run the reference label-setting search of
 * route.c instead of the fast one (pareto/pareto.c).  For the differential
 * tests and benchmarks only: set it before any query runs, never while
 * another thread queries. */
extern int sr__pareto_reference;
/* Dijkstra, or the Pareto search when o->pareto (then thinned). */
sr_code sr__route_static(sr_query *q, const sr_route_options *o, sr_result **out);

/*
 * The router's scalar search plan, for the one-to-all searches of reach.c
 * and matrix.c, which walk the same (layer, place, class) state graph.
 * sr__scalar_prepare() validates o exactly as sr_route_query() does, but
 * without a destination (o->to is ignored), sets q's avoid filters, and
 * stores per arc whether the query may use it (arc_usable: n_arcs bytes).
 * place_banned (n_places bytes, may be NULL) receives the avoided places.
 * The arc weight is wt * time + qty * (wc * cost + we * co2), a transfer's
 * wt * duration + qty * wc * cost, as in the router's Dijkstra.
 */
typedef struct sr__scalar {
    uint32_t from;
    int layers;              /* 1 + max transfers, or 1 when unlimited */
    int limit_transfers;
    sr_unit unit;
    double qty;
    double wt, wc, we;
} sr__scalar;
sr_code sr__scalar_prepare(sr_query *q, const sr_route_options *o, sr__scalar *sp, uint8_t *arc_usable,
                           uint8_t *place_banned);
/* The query's error message buffer (cap bytes), for errors found outside
 * route.c. */
char *sr__query_errbuf(sr_query *q, size_t *cap);

/* A contraction hierarchy's path as the answer (query/plan.c): steps as
 * the router's `how`; the no-route message as Dijkstra's; whether the
 * last query used a hierarchy (sr_query_used_ch()). */
sr_code sr__route_from_steps(sr_query *q, const uint32_t *steps, size_t n, sr_result **out);
sr_code sr__route_noroute(sr_query *q);
void sr__query_set_used_ch(sr_query *q, int used);

#endif
