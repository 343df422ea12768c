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
} sr__route_buf;

void sr__route_init(sr__route_buf *rb);
void sr__route_release(sr__route_buf *rb);
int sr__route_add_leg(sr__route_buf *rb, const sr_leg *leg);
int sr__route_add_transfer(sr__route_buf *rb, const sr_transfer *t);
int sr__route_add_crossing(sr__route_buf *rb, const sr_border_crossing *x);
/* Fill view: pointers and totals = legs + transfers + crossing dwell/fees. */
void sr__route_totals(sr__route_buf *rb);
/* Why no route (diagnose.c): re-runs q with each constraint of o lifted;
 * the reason in buf, an SR_BLOCK_* mask returned.  Not re-entrant by
 * design: queries it runs itself are not diagnosed (sr__diagnosing()). */
unsigned sr__explain_noroute(sr_query *q, const sr_network *net, const sr_route_options *o, char *buf, size_t cap);
int sr__diagnosing(void);
/* The segment of r that begins at leg `first` (segments.c). */
void sr__segment_at(const sr_network *net, const sr_route *r, size_t first, sr_segment *sg);

struct sr_result {
    size_t n;
    sr__route_buf *routes;
};

/* A result with n empty routes, or NULL when memory runs out. */
sr_result *sr__result_new(size_t n);
sr__route_buf *sr__result_slot(sr_result *r, size_t i);
/* Thin a sorted Pareto set: keep the optimum of each criterion, then in
 * order every route not within (1 + eps) on all criteria of a kept one. */
void sr__result_thin(sr_result *r, double eps);
/* Sort routes by duration, then cost, then CO2e. */
void sr__result_sort_by_time(sr_result *r);

#endif
