/*
 * result.c - route results: building routes leg by leg, their totals, and
 * the public accessors of sr_result.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib/calib.h"
#include "route/route.h"
#include "core/util.h"

void sr__route_init(sr__route_buf *rb)
{
    sr__route_release(rb);
}

void sr__route_release(sr__route_buf *rb)
{
    free(rb->legs);
    free(rb->transfers);
    free(rb->crossings);
    free(rb->documents);
    free(rb->customs);
    memset(rb, 0, sizeof *rb);
}

int sr__route_add_leg(sr__route_buf *rb, const sr_leg *leg)
{
    if (sr__grow((void **)&rb->legs, &rb->cap_legs, rb->n_legs + 1, sizeof *leg) < 0)
        return -1;
    rb->legs[rb->n_legs++] = *leg;
    return 0;
}

int sr__route_add_transfer(sr__route_buf *rb, const sr_transfer *t)
{
    if (sr__grow((void **)&rb->transfers, &rb->cap_transfers, rb->n_transfers + 1, sizeof *t) < 0)
        return -1;
    rb->transfers[rb->n_transfers++] = *t;
    return 0;
}

int sr__route_add_crossing(sr__route_buf *rb, const sr_border_crossing *x)
{
    if (sr__grow((void **)&rb->crossings, &rb->cap_crossings, rb->n_crossings + 1, sizeof *x) < 0)
        return -1;
    rb->crossings[rb->n_crossings++] = *x;
    return 0;
}

int sr__route_add_document(sr__route_buf *rb, const sr_document_event *e)
{
    if (sr__grow((void **)&rb->documents, &rb->cap_documents, rb->n_documents + 1, sizeof *e) < 0)
        return -1;
    rb->documents[rb->n_documents++] = *e;
    return 0;
}

int sr__route_add_customs(sr__route_buf *rb, const sr_customs_event *e)
{
    if (sr__grow((void **)&rb->customs, &rb->cap_customs, rb->n_customs + 1, sizeof *e) < 0)
        return -1;
    rb->customs[rb->n_customs++] = *e;
    return 0;
}

/* The route's time distribution from its parts (Fenton-Wilkinson, see
 * calib/spread.c).  Parts without a P90 (0) count as fixed at their P50. */
void sr__route_spread(sr__route_buf *rb)
{
    sr_route *v = &rb->view;
    size_t n = rb->n_legs + rb->n_transfers + rb->n_crossings, k = 0;
    double stack50[64], stack90[64];
    double *p50 = n <= 64 ? stack50 : malloc(n * sizeof *p50), *p90 = n <= 64 ? stack90 : malloc(n * sizeof *p90);
    if (!p50 || !p90) {
        if (p50 != stack50)
            free(p50);
        if (p90 != stack90)
            free(p90);
        v->duration_p90_h = v->duration_h;
        v->time_mu = v->duration_h > 0 ? log(v->duration_h) : -INFINITY;
        v->time_sigma = 0;
        return;
    }
    for (size_t i = 0; i < rb->n_legs; i++, k++) {
        p50[k] = rb->legs[i].duration_h;
        p90[k] = fmax(rb->legs[i].duration_p90_h, p50[k]);
    }
    for (size_t i = 0; i < rb->n_transfers; i++, k++) {
        p50[k] = rb->transfers[i].duration_h;
        p90[k] = fmax(rb->transfers[i].duration_p90_h, p50[k]);
    }
    for (size_t i = 0; i < rb->n_crossings; i++, k++) {
        p50[k] = rb->crossings[i].dwell_h;
        p90[k] = fmax(rb->crossings[i].dwell_p90_h, p50[k]);
    }
    sr__lnsum s;
    sr__lognormal_sum(p50, p90, n, &s);
    if (p50 != stack50)
        free(p50);
    if (p90 != stack90)
        free(p90);
    v->time_mu = s.mu;
    v->time_sigma = s.sigma;
    v->time_fixed_h = 0;
    /* duration_h stays the sum of the parts' P50s; the P90 is the sum's. */
    v->duration_p90_h = fmax(s.p90, s.sum_p50);
    v->on_time_probability = -1;
}

void sr__route_set_duration(sr_route *v, double hours)
{
    double d = hours - v->duration_h;
    v->duration_h = hours;
    v->time_fixed_h += d;
    v->duration_p90_h += d;
}

void sr__route_totals(sr__route_buf *rb)
{
    sr_route *v = &rb->view;
    v->duration_h = v->distance_km = v->cost_usd = v->co2e_kg = 0;
    for (size_t i = 0; i < rb->n_legs; i++) {
        v->duration_h += rb->legs[i].duration_h;
        v->distance_km += rb->legs[i].distance_km;
        v->cost_usd += rb->legs[i].cost_usd;
        v->co2e_kg += rb->legs[i].co2e_kg;
    }
    for (size_t i = 0; i < rb->n_transfers; i++) {
        v->duration_h += rb->transfers[i].duration_h;
        v->cost_usd += rb->transfers[i].cost_usd;
    }
    for (size_t i = 0; i < rb->n_crossings; i++) {
        v->duration_h += rb->crossings[i].dwell_h;
        v->cost_usd += rb->crossings[i].fee_usd;
    }
    /* Document and customs events (documents/apply.c): office work of a
     * fixed length, so their time shifts the distribution like a wait. */
    v->documents_h = v->documents_usd = 0;
    for (size_t i = 0; i < rb->n_documents; i++) {
        v->documents_h += rb->documents[i].duration_h;
        v->documents_usd += rb->documents[i].cost_usd;
    }
    for (size_t i = 0; i < rb->n_customs; i++) {
        v->documents_h += rb->customs[i].duration_h;
        v->documents_usd += rb->customs[i].cost_usd;
    }
    v->duration_h += v->documents_h;
    v->cost_usd += v->documents_usd;
    sr__route_spread(rb);
    if (v->documents_h > 0) {
        v->time_fixed_h += v->documents_h;
        v->duration_p90_h += v->documents_h;
    }
    v->documents = rb->documents;
    v->n_documents = rb->n_documents;
    v->customs = rb->customs;
    v->n_customs = rb->n_customs;
    v->legs = rb->legs;
    v->n_legs = rb->n_legs;
    v->transfers = rb->transfers;
    v->n_transfers = rb->n_transfers;
    v->crossings = rb->crossings;
    v->n_crossings = rb->n_crossings;
}

sr_result *sr__result_new(size_t n)
{
    sr_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->routes = calloc(n ? n : 1, sizeof *r->routes);
    if (!r->routes) {
        free(r);
        return NULL;
    }
    r->n = n;
    r->wp_place[0] = r->wp_place[1] = UINT32_MAX;
    return r;
}

sr__route_buf *sr__result_slot(sr_result *r, size_t i) { return i < r->n ? &r->routes[i] : NULL; }

size_t sr_result_found(const sr_result *r) { return !r ? 0 : r->n_found > r->n ? r->n_found : r->n; }

static int cmp_route(const void *a, const void *b)
{
    const sr_route *x = &((const sr__route_buf *)a)->view, *y = &((const sr__route_buf *)b)->view;
    if (x->duration_h != y->duration_h)
        return x->duration_h < y->duration_h ? -1 : 1;
    if (x->cost_usd != y->cost_usd)
        return x->cost_usd < y->cost_usd ? -1 : 1;
    if (x->co2e_kg != y->co2e_kg)
        return x->co2e_kg < y->co2e_kg ? -1 : 1;
    return 0;
}

void sr__result_sort_by_time(sr_result *r)
{
    qsort(r->routes, r->n, sizeof *r->routes, cmp_route);
    /* qsort moved the buffers: the views point into the buffers' own heap
     * arrays, which did not move, so they stay valid. */
}

static int covers(const sr_route *a, const sr_route *b, double eps)
{
    return a->duration_h <= b->duration_h * (1 + eps) && a->cost_usd <= b->cost_usd * (1 + eps) &&
           a->co2e_kg <= b->co2e_kg * (1 + eps);
}

void sr__result_thin(sr_result *r, double eps)
{
    if (!r || r->n < 2 || !(eps > 0))
        return;
    char *keep = calloc(r->n, 1);
    if (!keep)
        return; /* thinning is a convenience: the exact set stays valid */
    size_t best[3] = {0, 0, 0};
    for (size_t i = 1; i < r->n; i++) {
        const sr_route *v = &r->routes[i].view;
        if (v->duration_h < r->routes[best[0]].view.duration_h)
            best[0] = i;
        if (v->cost_usd < r->routes[best[1]].view.cost_usd)
            best[1] = i;
        if (v->co2e_kg < r->routes[best[2]].view.co2e_kg)
            best[2] = i;
    }
    for (int k = 0; k < 3; k++)
        keep[best[k]] = 1;
    /* Decide the others best first (by the sum of each criterion relative
     * to its optimum), so that a balanced option is kept and the lopsided
     * near-copies it covers are dropped, whatever their order by time. */
    double t0 = r->routes[best[0]].view.duration_h, c0 = r->routes[best[1]].view.cost_usd,
           e0 = r->routes[best[2]].view.co2e_kg;
    size_t *order = malloc(r->n * sizeof *order);
    double *score = malloc(r->n * sizeof *score);
    if (!order || !score) {
        free(order);
        free(score);
        free(keep);
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        const sr_route *v = &r->routes[i].view;
        order[i] = i;
        score[i] = v->duration_h / (t0 > 0 ? t0 : 1) + v->cost_usd / (c0 > 0 ? c0 : 1) + v->co2e_kg / (e0 > 0 ? e0 : 1);
    }
    for (size_t i = 1; i < r->n; i++) /* insertion sort: sets are small */
        for (size_t j = i; j > 0 && score[order[j]] < score[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t k = 0; k < r->n; k++) {
        size_t i = order[k];
        if (keep[i])
            continue;
        int covered = 0;
        for (size_t j = 0; j < r->n && !covered; j++)
            covered = keep[j] && covers(&r->routes[j].view, &r->routes[i].view, eps);
        keep[i] = !covered;
    }
    free(order);
    free(score);
    size_t w = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (keep[i])
            r->routes[w++] = r->routes[i];
        else
            sr__route_release(&r->routes[i]);
    }
    r->n = w;
    free(keep);
}

void sr_result_free(sr_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        sr__route_release(&r->routes[i]);
    free(r->routes);
    free(r);
}

size_t sr_result_count(const sr_result *r) { return r ? r->n : 0; }

const sr_route *sr_result_route(const sr_result *r, size_t i)
{
    return r && i < r->n ? &r->routes[i].view : NULL;
}
