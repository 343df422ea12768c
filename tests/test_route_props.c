/*
 * test_route_props.c - property tests of the router on random datasets
 * (tests/util_randnet.c) and on the hand-made tests/data/mini.
 *
 * Why properties as well as the differential test: the brute force only
 * answers "what is optimal"; these checks state what every answer must look
 * like whatever the optimum is - totals that add up, connected legs,
 * transfers where the data allows them, filters respected, Pareto sets that
 * are really non-dominated and contain the single-objective optima - and
 * that answers do not depend on the history of the reused query object.
 * The route checker here uses only the public API, so it also works on
 * datasets the test did not generate.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"
#include "silkroute.h"
#include "util_randnet.h"

#define MINI "tests/data/mini"

static int close_rel(double a, double b, double rel)
{
    return fabs(a - b) <= rel * (1 + fmax(fabs(a), fabs(b)));
}

/* The class of a leg, from the network's class table (any gauge). */
static sr_class leg_class(const sr_network *net, const sr_leg *l)
{
    switch (l->mode) {
    case SR_RAIL:
        for (size_t c = 0; c < sr_network_class_count(net); c++)
            if (sr_network_class_gauge(net, (sr_class)c) == l->gauge_mm)
                return (sr_class)c;
        return (sr_class)SR_CLASS_MAX;
    case SR_ROAD: return SR_CLASS_ROAD;
    case SR_SEA: return SR_CLASS_SEA;
    default: return SR_CLASS_AIR;
    }
}

static int link_usable(const sr_link *k, int year)
{
    if (k->status == SR_CLOSED)
        return 0;
    if (k->status == SR_PLANNED)
        return year > 0 && k->open_year > 0 && k->open_year <= year;
    return year == 0 || k->open_year == 0 || k->open_year <= year;
}

#define FAIL(...)                                                                                                 \
    do {                                                                                                          \
        snprintf(why, cap, __VA_ARGS__);                                                                          \
        return -1;                                                                                                \
    } while (0)

/*
 * Check one route with the public API only.  unit_modes: the modes that
 * carry o->unit (modes.csv `units` is not in the public API).
 */
static int check_route_public(const sr_network *net, const sr_route_options *o, unsigned unit_modes,
                              const sr_route *r, char *why, size_t cap)
{
    size_t from, to;
    if (sr_place_find(net, o->from, &from) != SR_OK || sr_place_find(net, o->to, &to) != SR_OK)
        FAIL("cannot resolve the query's places");
    if (!r->n_legs)
        FAIL("no legs");
    if (r->legs[0].from != from || r->legs[r->n_legs - 1].to != to)
        FAIL("route runs %u..%u, query %zu..%zu", r->legs[0].from, r->legs[r->n_legs - 1].to, from, to);
    double t = 0, c = 0, e = 0, d = 0;
    for (size_t i = 0; i < r->n_legs; i++) {
        const sr_leg *L = &r->legs[i];
        if (i && L->from != r->legs[i - 1].to)
            FAIL("leg %zu starts at %u, leg %zu ended at %u", i, L->from, i - 1, r->legs[i - 1].to);
        const sr_link *k = sr_network_link(net, L->link);
        if (!k)
            FAIL("leg %zu: no link %u", i, L->link);
        if (!((L->from == k->from && L->to == k->to) || (!k->directed && L->from == k->to && L->to == k->from)))
            FAIL("leg %zu: %u->%u is not along link %s", i, L->from, L->to, k->id);
        if (L->mode != k->mode || L->gauge_mm != (k->mode == SR_RAIL ? k->gauge_mm : 0))
            FAIL("leg %zu: mode/gauge differ from link %s", i, k->id);
        if (!(o->modes & SR_MODE_BIT(k->mode)) || !(unit_modes & SR_MODE_BIT(k->mode)))
            FAIL("leg %zu: mode %s not allowed", i, sr_mode_name(k->mode));
        if (!link_usable(k, o->year))
            FAIL("leg %zu: link %s not usable in %d", i, k->id, o->year);
        const sr_place *head = sr_network_place(net, L->to);
        for (size_t a = 0; a < o->n_avoid; a++) {
            long x = sr_crossing_find(net, o->avoid[a]);
            size_t p;
            if (x >= 0 && k->crossing == x)
                FAIL("leg %zu: uses avoided crossing %s", i, o->avoid[a]);
            if (x < 0 && sr_place_find(net, o->avoid[a], &p) == SR_OK && p == L->to)
                FAIL("leg %zu: enters avoided place %s", i, o->avoid[a]);
        }
        for (size_t a = 0; a < o->n_avoid_countries; a++)
            if (!strcmp(head->country, o->avoid_countries[a]))
                FAIL("leg %zu: enters avoided country %s", i, head->country);
        if (!close_rel(L->cost_usd, k->cost_usd[o->unit] * o->quantity, 1e-9) ||
            !close_rel(L->duration_h, k->duration_h, 1e-9) || !close_rel(L->distance_km, k->distance_km, 1e-9))
            FAIL("leg %zu: figures differ from link %s", i, k->id);
        t += L->duration_h;
        c += L->cost_usd;
        e += L->co2e_kg;
        d += L->distance_km;
    }
    /* Transfers: in leg order, at the end of their leg, chaining the
     * classes of the legs around them. */
    size_t ti = 0;
    for (size_t i = 0; i < r->n_legs; i++) {
        sr_class cur = leg_class(net, &r->legs[i]);
        for (; ti < r->n_transfers && r->transfers[ti].after_leg == i; ti++) {
            const sr_transfer *x = &r->transfers[ti];
            if (i + 1 >= r->n_legs)
                FAIL("transfer %zu after the last leg", ti);
            if (x->at != r->legs[i].to)
                FAIL("transfer %zu at %u, leg %zu ends at %u", ti, x->at, i, r->legs[i].to);
            if (x->from_class != cur)
                FAIL("transfer %zu from %s, cargo on %s", ti, sr_network_class_name(net, x->from_class), sr_network_class_name(net, cur));
            int both_rail = sr_network_class_gauge(net, x->from_class) && sr_network_class_gauge(net, x->to_class);
            if ((x->kind == SR_GAUGE_CHANGE) != both_rail)
                FAIL("transfer %zu: kind %d between %s and %s", ti, x->kind, sr_network_class_name(net, x->from_class),
                     sr_network_class_name(net, x->to_class));
            cur = x->to_class;
            t += x->duration_h;
            c += x->cost_usd;
        }
        if (i + 1 < r->n_legs && leg_class(net, &r->legs[i + 1]) != cur)
            FAIL("leg %zu on %s without a transfer from %s", i + 1, sr_network_class_name(net, leg_class(net, &r->legs[i + 1])),
                 sr_network_class_name(net, cur));
    }
    if (ti != r->n_transfers)
        FAIL("%zu transfers, %zu in leg order", r->n_transfers, ti);
    if (o->max_transfers >= 0 && r->n_transfers > (size_t)o->max_transfers)
        FAIL("%zu transfers, limit %d", r->n_transfers, o->max_transfers);
    /* One border record per leg that changes country, with the crossing's
     * figures. */
    size_t nb = 0;
    for (size_t i = 0; i < r->n_legs; i++) {
        const sr_leg *L = &r->legs[i];
        const sr_link *k = sr_network_link(net, L->link);
        int crosses = strcmp(sr_network_place(net, L->from)->country, sr_network_place(net, L->to)->country) != 0;
        nb += (size_t)crosses;
        size_t found = 0;
        for (size_t j = 0; j < r->n_crossings; j++) {
            const sr_border_crossing *b = &r->crossings[j];
            if (b->leg != i)
                continue;
            found++;
            const sr_crossing *x = b->crossing >= 0 ? sr_network_crossing(net, (size_t)b->crossing) : NULL;
            if (b->crossing != k->crossing || b->at != L->to)
                FAIL("leg %zu: border record names crossing %d at %u", i, b->crossing, b->at);
            /* The dwell is the crossing's in the direction crossed
             * (crossing_times.csv, calibration overlay). */
            double dwell = 0, dwell90 = 0;
            if (x) {
                int dir = strcmp(b->from_country, sr_network_place(net, x->place_a)->country) != 0;
                sr_crossing_dwell(net, (size_t)b->crossing, dir, &dwell, &dwell90);
            }
            if (b->dwell_p90_h < b->dwell_h - 1e-9 || !close_rel(b->dwell_p90_h, dwell90, 1e-9))
                FAIL("leg %zu: border dwell P90 %g (P50 %g) does not match the crossing's %g", i, b->dwell_p90_h,
                     b->dwell_h, dwell90);
            if (!close_rel(b->dwell_h, dwell, 1e-9) ||
                !close_rel(b->fee_usd, x ? x->fee_usd[o->unit] * o->quantity : 0, 1e-9))
                FAIL("leg %zu: border dwell/fee %g/%g do not match the crossing", i, b->dwell_h, b->fee_usd);
        }
        if (found != (size_t)crosses)
            FAIL("leg %zu: %zu border records, expected %d", i, found, crosses);
    }
    if (nb != r->n_crossings)
        FAIL("%zu border records for %zu border legs", r->n_crossings, nb);
    for (size_t j = 0; j < r->n_crossings; j++) {
        t += r->crossings[j].dwell_h;
        c += r->crossings[j].fee_usd;
    }
    /* Document and customs events (documents/) are parts too. */
    for (size_t j = 0; j < r->n_documents; j++) {
        t += r->documents[j].duration_h;
        c += r->documents[j].cost_usd;
    }
    for (size_t j = 0; j < r->n_customs; j++) {
        t += r->customs[j].duration_h;
        c += r->customs[j].cost_usd;
    }
    if (!close_rel(r->duration_h, t, 1e-9) || !close_rel(r->cost_usd, c, 1e-9) || !close_rel(r->co2e_kg, e, 1e-9) ||
        !close_rel(r->distance_km, d, 1e-9))
        FAIL("totals %g h %g USD %g kg %g km; parts add up to %g %g %g %g", r->duration_h, r->cost_usd, r->co2e_kg,
             r->distance_km, t, c, e, d);
    return 0;
}

static double objective_of(const sr_route_options *o, sr_objective obj, const sr_route *r)
{
    switch (obj) {
    case SR_BY_TIME: return r->duration_h;
    case SR_BY_COST: return r->cost_usd;
    case SR_BY_CO2: return r->co2e_kg;
    default: return o->weight_time_h * r->duration_h + o->weight_cost_usd * r->cost_usd + o->weight_co2e_kg * r->co2e_kg;
    }
}

/* a strictly dominates b, beyond float noise */
static int strictly_dominates(const sr_route *a, const sr_route *b)
{
    const double tol = 1e-9;
    double at[3] = {a->duration_h, a->cost_usd, a->co2e_kg}, bt[3] = {b->duration_h, b->cost_usd, b->co2e_kg};
    int better = 0;
    for (int i = 0; i < 3; i++) {
        double eps = tol * (1 + fabs(bt[i]));
        if (at[i] > bt[i] + eps)
            return 0;
        if (at[i] < bt[i] - eps)
            better = 1;
    }
    return better;
}

static int same_vector(const sr_route *a, const sr_route *b)
{
    return close_rel(a->duration_h, b->duration_h, 1e-9) && close_rel(a->cost_usd, b->cost_usd, 1e-9) &&
           close_rel(a->co2e_kg, b->co2e_kg, 1e-9);
}

/* Field-by-field identity of two results (structs have padding, so no
 * memcmp). */
static int results_identical(const sr_result *a, const sr_result *b)
{
    if (sr_result_count(a) != sr_result_count(b))
        return 0;
    for (size_t i = 0; i < sr_result_count(a); i++) {
        const sr_route *x = sr_result_route(a, i), *y = sr_result_route(b, i);
        if (x->duration_h != y->duration_h || x->cost_usd != y->cost_usd || x->co2e_kg != y->co2e_kg ||
            x->distance_km != y->distance_km || x->n_legs != y->n_legs || x->n_transfers != y->n_transfers ||
            x->n_crossings != y->n_crossings)
            return 0;
        for (size_t j = 0; j < x->n_legs; j++) {
            const sr_leg *p = &x->legs[j], *q = &y->legs[j];
            if (p->from != q->from || p->to != q->to || p->link != q->link || p->cost_usd != q->cost_usd ||
                p->co2e_kg != q->co2e_kg || p->duration_h != q->duration_h)
                return 0;
        }
        for (size_t j = 0; j < x->n_transfers; j++) {
            const sr_transfer *p = &x->transfers[j], *q = &y->transfers[j];
            if (p->at != q->at || p->kind != q->kind || p->from_class != q->from_class || p->to_class != q->to_class ||
                p->after_leg != q->after_leg || p->duration_h != q->duration_h || p->cost_usd != q->cost_usd)
                return 0;
        }
        for (size_t j = 0; j < x->n_crossings; j++) {
            const sr_border_crossing *p = &x->crossings[j], *q = &y->crossings[j];
            if (p->crossing != q->crossing || p->at != q->at || p->leg != q->leg || p->dwell_h != q->dwell_h ||
                p->fee_usd != q->fee_usd)
                return 0;
        }
    }
    return 1;
}

typedef struct counts {
    long queries, routes, noroute;
} counts;

/*
 * All properties of one option set: runs the four single objectives and
 * the Pareto query on the reused q, repeats each on q (determinism) and on
 * a fresh query object (no state leaks between queries), and checks each
 * route (public checker, plus the model checker when m is given).
 */
static void check_query_family(const sr_network *net, sr_query *q, sr_route_options *o, unsigned unit_modes,
                               const rn_net *m, const rn_query *rq, counts *cnt)
{
    sr_result *single[4] = {0}, *par = NULL;
    sr_code rcs[5];
    char why[512];
    for (int k = 0; k < 5; k++) {
        o->pareto = k == 4;
        o->objective = k == 4 ? SR_BY_TIME : (sr_objective)k;
        sr_result *res = NULL, *again = NULL, *fresh = NULL;
        sr_code rc = sr_route_query(q, o, &res);
        rcs[k] = rc;
        cnt->queries++;
        if (rc != SR_OK && rc != SR_ENOROUTE)
            fail_msg("%s -> %s: unexpected %s: %s", o->from, o->to, sr_code_name(rc), sr_query_errmsg(q));
        assert_int_equal(rc == SR_OK, res != NULL);
        if (k && (rc == SR_OK) != (rcs[0] == SR_OK))
            fail_msg("%s -> %s: objective %d finds %s, time finds %s", o->from, o->to, k, sr_code_name(rc),
                     sr_code_name(rcs[0]));
        /* Determinism and query reuse. */
        assert_int_equal(sr_route_query(q, o, &again), rc);
        sr_query *fq = NULL;
        assert_int_equal(sr_query_create(net, &fq), SR_OK);
        assert_int_equal(sr_route_query(fq, o, &fresh), rc);
        sr_query_destroy(fq);
        if (rc == SR_OK) {
            if (!results_identical(res, again))
                fail_msg("%s -> %s (k=%d): the same query twice gives different results", o->from, o->to, k);
            if (!results_identical(res, fresh))
                fail_msg("%s -> %s (k=%d): reused and fresh query objects disagree", o->from, o->to, k);
            cnt->routes += (long)sr_result_count(res);
            for (size_t i = 0; i < sr_result_count(res); i++) {
                const sr_route *r = sr_result_route(res, i);
                if (check_route_public(net, o, unit_modes, r, why, sizeof why) != 0)
                    fail_msg("%s -> %s (k=%d) route %zu: %s", o->from, o->to, k, i, why);
                if (m && rn_check_route(m, rq, net, r, NULL, why, sizeof why) != 0)
                    fail_msg("%s -> %s (k=%d) route %zu (model): %s", o->from, o->to, k, i, why);
            }
        } else {
            cnt->noroute += k == 0;
        }
        sr_result_free(again);
        sr_result_free(fresh);
        if (k < 4)
            single[k] = res;
        else
            par = res;
    }
    if (par) {
        size_t n = sr_result_count(par);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                if (i == j)
                    continue;
                const sr_route *a = sr_result_route(par, i), *b = sr_result_route(par, j);
                if (strictly_dominates(a, b) || (i < j && same_vector(a, b)))
                    fail_msg("%s -> %s: Pareto route %zu (%g,%g,%g) dominates or repeats route %zu (%g,%g,%g)", o->from,
                             o->to, i, a->duration_h, a->cost_usd, a->co2e_kg, j, b->duration_h, b->cost_usd,
                             b->co2e_kg);
            }
        for (int k = 0; k < 4; k++) {
            const sr_route *s = sr_result_route(single[k], 0);
            double best = INFINITY, best_sum = 0;
            for (size_t i = 0; i < n; i++) {
                const sr_route *a = sr_result_route(par, i);
                if (strictly_dominates(a, s))
                    fail_msg("%s -> %s: Pareto route %zu dominates the optimum by objective %d", o->from, o->to, i, k);
                double v = objective_of(o, (sr_objective)k, a);
                if (v < best) {
                    best = v;
                    best_sum = a->duration_h + a->cost_usd + a->co2e_kg;
                }
            }
            double got = objective_of(o, (sr_objective)k, s);
            /* Single-objective search breaks ties with 1e-7 x the other
             * criteria, so it may prefer a route that is worse by up to
             * 1e-7 x the criteria of the Pareto set's best (a near tie
             * with a far dearer route: Hohhot -> Shuangliu airport, 5 t,
             * rail by 9 s against air). */
            double slack = 1e-6 * (1 + fabs(best)) +
                           (k < 3 ? 1e-7 * (s->duration_h + s->cost_usd + s->co2e_kg + best_sum) : 0);
            if (fabs(got - best) > slack)
                fail_msg("%s -> %s: objective %d optimum %.9g, best in the Pareto set %.9g", o->from, o->to, k, got,
                         best);
        }
    }
    for (int k = 0; k < 4; k++)
        sr_result_free(single[k]);
    sr_result_free(par);
}

/* ---- random datasets ----------------------------------------------------- */

static void test_props_random(void **state)
{
    (void)state;
    uint64_t rng = 0x9a0b5eedull;
    counts cnt = {0};
    rn_net *m = malloc(sizeof *m);
    assert_non_null(m);
    for (int d = 0; d < 30; d++) {
        sr_network *net = rn_open_random(m, &rng);
        assert_non_null(net);
        sr_query *q = NULL;
        assert_int_equal(sr_query_create(net, &q), SR_OK);
        for (int c = 0; c < 8; c++) {
            rn_query rq;
            rn_random_query(m, &rng, &rq);
            sr_route_options o;
            rn_options(m, &rq, &o);
            unsigned unit_modes = 0;
            for (int md = 0; md < SR_MODE_COUNT; md++)
                if (m->units[md] >> rq.unit & 1)
                    unit_modes |= SR_MODE_BIT(md);
            check_query_family(net, q, &o, unit_modes, m, &rq, &cnt);
        }
        sr_query_destroy(q);
        sr_network_close(net);
    }
    free(m);
    print_message("    %ld queries, %ld routes checked, %ld option sets without route\n", cnt.queries, cnt.routes,
                  cnt.noroute);
}

/* ---- tests/data/mini ------------------------------------------------------ */

/* modes.csv of mini: air carries tonnes only. */
static unsigned mini_unit_modes(sr_unit u)
{
    return u == SR_UNIT_T ? SR_MODES_ALL : SR_MODES_ALL & ~SR_MODE_BIT(SR_AIR);
}

static void test_props_mini(void **state)
{
    (void)state;
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(MINI, &net), SR_OK);
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    counts cnt = {0};
    size_t np = sr_network_place_count(net);
    /* Option sets that matter on mini: units (air), years (the planned new
     * line), avoided crossings, mode subsets, transfer limits. */
    for (int variant = 0; variant < 10; variant++) {
        for (size_t a = 0; a < np; a++)
            for (size_t b = 0; b < np; b++) {
                if (a == b)
                    continue;
                sr_route_options o;
                sr_route_options_init(&o);
                o.from = sr_network_place(net, a)->id;
                o.to = sr_network_place(net, b)->id;
                o.weight_time_h = 50;
                o.weight_cost_usd = 1;
                o.weight_co2e_kg = 0.1;
                switch (variant) {
                case 1: o.unit = SR_UNIT_T; o.quantity = 12; break;
                case 2: o.year = 2030; break;
                case 3: o.year = 2030; o.max_transfers = 0; break;
                case 4: o.avoid[o.n_avoid++] = "X-ROAD"; break;
                case 5: o.modes = SR_MODE_BIT(SR_RAIL) | SR_MODE_BIT(SR_ROAD); o.unit = SR_UNIT_20FT; break;
                case 6: o.unit = SR_UNIT_T; o.max_transfers = 1; break;
                case 7: o.year = 2025; o.quantity = 3; break;
                case 8: o.modes = SR_MODE_BIT(SR_SEA) | SR_MODE_BIT(SR_ROAD); o.max_transfers = 2; break;
                case 9: o.year = 2030; o.avoid[o.n_avoid++] = "X-RAIL"; o.avoid[o.n_avoid++] = "X-ROAD"; break;
                default: break;
                }
                check_query_family(net, q, &o, mini_unit_modes(o.unit), NULL, NULL, &cnt);
            }
    }
    print_message("    %ld queries, %ld routes checked, %ld option sets without route\n", cnt.queries, cnt.routes,
                  cnt.noroute);
    sr_query_destroy(q);
    sr_network_close(net);
}

/* Answers worked out by hand from the mini CSV files. */
static void test_mini_golden(void **state)
{
    (void)state;
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(MINI, &net), SR_OK);
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_result *r = NULL;

    /* 40ft by time: road 100/60 + 10/60 + 6 h border + 100/60 = 9.5 h. */
    sr_route_options_init(&o);
    o.from = "AAORI";
    o.to = "BBDST";
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    assert_true(close_rel(sr_result_route(r, 0)->duration_h, 9.5, 1e-9));
    assert_int_equal(sr_result_route(r, 0)->n_legs, 3);
    assert_int_equal(sr_result_route(r, 0)->n_crossings, 1);
    sr_result_free(r);

    /* Tonnes by time: air 15/60 + 2 + 180/800 + 2 + 15/60 = 4.725 h. */
    o.unit = SR_UNIT_T;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    assert_true(close_rel(sr_result_route(r, 0)->duration_h, 4.725, 1e-9));
    assert_int_equal(sr_result_route(r, 0)->n_transfers, 2);
    sr_result_free(r);

    /* 40ft avoiding the road crossing: the ferry (130/60 + 4 + 130/25 + 4 +
     * 130/60 = 17.5333 h) beats rail (2 + 1 + 10 + 5 + 2 = 20 h). */
    o.unit = SR_UNIT_40FT;
    o.avoid[o.n_avoid++] = "X-ROAD";
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    assert_true(close_rel(sr_result_route(r, 0)->duration_h, 130.0 / 60 * 2 + 8 + 130.0 / 25, 1e-9));
    sr_result_free(r);

    /* ... and with rail only: 20 h with one gauge change and a 100 USD fee:
     * 150 + 15 + 150 (links, 1.5 USD/km 40ft) + 150 gauge change + 100 fee. */
    o.modes = SR_MODE_BIT(SR_RAIL);
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    const sr_route *rt = sr_result_route(r, 0);
    assert_true(close_rel(rt->duration_h, 20, 1e-9));
    assert_true(close_rel(rt->cost_usd, 150 + 15 + 150 + 150 + 100, 1e-9));
    assert_int_equal(rt->n_transfers, 1);
    assert_int_equal(rt->transfers[0].kind, SR_GAUGE_CHANGE);
    assert_string_equal(sr_network_place(net, rt->transfers[0].at)->id, "BB-BORDER");
    sr_result_free(r);

    /* Rail only with no transfers allowed: no route (the gauge changes). */
    o.max_transfers = 0;
    assert_int_equal(sr_route_query(q, &o, &r), SR_ENOROUTE);
    assert_null(r);
    assert_true(strlen(sr_query_errmsg(q)) > 0);

    /* Avoiding the origin or asking for the same place is an argument
     * error, an unknown place is SR_EPLACE. */
    sr_route_options_init(&o);
    o.from = "AAORI";
    o.to = "BBDST";
    o.avoid[o.n_avoid++] = "AAORI";
    assert_int_equal(sr_route_query(q, &o, &r), SR_EARG);
    o.n_avoid = 0;
    o.avoid_countries[o.n_avoid_countries++] = "BB";
    assert_int_equal(sr_route_query(q, &o, &r), SR_EARG);
    o.n_avoid_countries = 0;
    o.to = "AAORI";
    assert_int_equal(sr_route_query(q, &o, &r), SR_EARG);
    o.to = "Nowhere-at-all";
    assert_int_equal(sr_route_query(q, &o, &r), SR_EPLACE);
    assert_null(r);

    /* Years outside "0 or 1800-2200" (the range the message names and the
     * loader accepts for open_year) are argument errors: year 5 used to be
     * accepted and silently dropped every open link with an open_year. */
    o.to = "BBDST";
    static const int bad_years[] = {-1, 5, 1799, 2201};
    for (size_t i = 0; i < sizeof bad_years / sizeof *bad_years; i++) {
        o.year = bad_years[i];
        assert_int_equal(sr_route_query(q, &o, &r), SR_EARG);
        assert_null(r);
    }
    o.year = 1800;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    sr_result_free(r);

    sr_query_destroy(q);
    sr_network_close(net);
}

/* ---- the default dataset (data/), when present -------------------------- */

/* The modes that carry each unit, from DIR/modes.csv (not in the public
 * API). */
static unsigned dataset_unit_modes(const char *dir, sr_unit unit)
{
    char path[512];
    snprintf(path, sizeof path, "%s/modes.csv", dir);
    sr__csv csv;
    unsigned out = 0;
    if (sr__csv_open(&csv, path, "modes.csv") == 0) {
        int cm = sr__csv_col(&csv, "mode"), cu = sr__csv_col(&csv, "units");
        while (sr__csv_next(&csv) > 0) {
            int m = sr_mode_parse(sr__csv_get(&csv, cm));
            char buf[128];
            snprintf(buf, sizeof buf, "%s", sr__csv_get(&csv, cu));
            char *save = NULL;
            for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save))
                if (m >= 0 && sr_unit_parse(t) == (int)unit)
                    out |= SR_MODE_BIT(m);
        }
    }
    sr__csv_close(&csv);
    return out;
}

static void test_props_default_data(void **state)
{
    (void)state;
    sr_network *net = NULL;
    if (sr_network_open("data", &net) != SR_OK) {
        print_message("    data/ not loadable (%s): skipped\n", net ? sr_network_errmsg(net) : "?");
        sr_network_close(net);
        skip();
    }
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    counts cnt = {0};
    size_t np = sr_network_place_count(net), pairs = np * (np - 1);
    /* A deterministic sample of about 600 ordered pairs per option set:
     * enough to meet every corridor, small enough for the sanitizer run. */
    size_t step = pairs / 600 + 1;
    for (int variant = 0; variant < 4; variant++) {
        for (size_t k = (size_t)variant; k < pairs; k += step) {
            size_t a = k / (np - 1), b = k % (np - 1);
            if (b >= a)
                b++;
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = sr_network_place(net, a)->id;
            o.to = sr_network_place(net, b)->id;
            o.weight_time_h = 20;
            o.weight_cost_usd = 1;
            o.weight_co2e_kg = 0.05;
            switch (variant) {
            case 1: o.unit = SR_UNIT_T; o.quantity = 5; break;
            case 2: o.year = 2030; o.max_transfers = 2; break;
            case 3: o.unit = SR_UNIT_20FT; o.modes = SR_MODE_BIT(SR_RAIL) | SR_MODE_BIT(SR_ROAD); break;
            default: break;
            }
            check_query_family(net, q, &o, dataset_unit_modes("data", o.unit), NULL, NULL, &cnt);
        }
    }
    print_message("    %ld queries, %ld routes checked, %ld option sets without route\n", cnt.queries, cnt.routes,
                  cnt.noroute);
    sr_query_destroy(q);
    sr_network_close(net);
}

/* ---- pareto_tolerance: thinning after the exact search ------------------- */

static int covers_eps(const sr_route *a, const sr_route *b, double eps)
{
    return a->duration_h <= b->duration_h * (1 + eps) + 1e-9 && a->cost_usd <= b->cost_usd * (1 + eps) + 1e-9 &&
           a->co2e_kg <= b->co2e_kg * (1 + eps) + 1e-9;
}

/* The thinned set is a subset of the exact set, keeps the three optima and
 * covers every dropped option within the tolerance. */
static void check_thinning(sr_query *q, sr_route_options *o, double eps, long *thinned)
{
    sr_result *exact = NULL, *thin = NULL;
    o->pareto = 1;
    o->pareto_tolerance = 0;
    sr_code rc = sr_route_query(q, o, &exact);
    o->pareto_tolerance = eps;
    assert_int_equal(sr_route_query(q, o, &thin), rc);
    if (rc != SR_OK)
        return;
    size_t ne = sr_result_count(exact), nt = sr_result_count(thin);
    assert_true(nt >= 1 && nt <= ne);
    *thinned += (long)(ne - nt);
    for (size_t i = 0; i < nt; i++) {
        int found = 0;
        for (size_t j = 0; j < ne && !found; j++)
            found = same_vector(sr_result_route(thin, i), sr_result_route(exact, j));
        if (!found)
            fail_msg("%s -> %s eps %g: thinned option %zu is not in the exact set", o->from, o->to, eps, i);
    }
    for (int k = 0; k < 3; k++) {
        double be = INFINITY, bt = INFINITY;
        for (size_t j = 0; j < ne; j++)
            be = fmin(be, objective_of(o, (sr_objective)k, sr_result_route(exact, j)));
        for (size_t i = 0; i < nt; i++)
            bt = fmin(bt, objective_of(o, (sr_objective)k, sr_result_route(thin, i)));
        if (!close_rel(be, bt, 1e-9))
            fail_msg("%s -> %s eps %g: optimum %d lost by thinning (%g vs %g)", o->from, o->to, eps, k, bt, be);
    }
    for (size_t j = 0; j < ne; j++) {
        int cov = 0;
        for (size_t i = 0; i < nt && !cov; i++)
            cov = covers_eps(sr_result_route(thin, i), sr_result_route(exact, j), eps);
        if (!cov)
            fail_msg("%s -> %s eps %g: exact option %zu dropped but not covered", o->from, o->to, eps, j);
    }
    sr_result_free(exact);
    sr_result_free(thin);
    o->pareto_tolerance = 0;
    o->pareto = 0;
}

static void test_pareto_tolerance(void **state)
{
    (void)state;
    static const double eps[] = {0.01, 0.05, 0.2, 1.0};
    uint64_t rng = 0x7011e4a7ull;
    long thinned = 0, n = 0;
    rn_net *m = malloc(sizeof *m);
    assert_non_null(m);
    for (int d = 0; d < 20; d++) {
        sr_network *net = rn_open_random(m, &rng);
        assert_non_null(net);
        sr_query *q = NULL;
        assert_int_equal(sr_query_create(net, &q), SR_OK);
        for (int c = 0; c < 10; c++) {
            rn_query rq;
            rn_random_query(m, &rng, &rq);
            sr_route_options o;
            rn_options(m, &rq, &o);
            check_thinning(q, &o, eps[c % 4], &thinned);
            n++;
        }
        sr_query_destroy(q);
        sr_network_close(net);
    }
    free(m);
    /* Invalid tolerances are argument errors. */
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(MINI, &net), SR_OK);
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "AAORI";
    o.to = "BBDST";
    o.pareto = 1;
    sr_result *r = NULL;
    o.pareto_tolerance = -0.1;
    assert_int_equal(sr_route_query(q, &o, &r), SR_EARG);
    o.pareto_tolerance = NAN;
    assert_int_equal(sr_route_query(q, &o, &r), SR_EARG);
    o.pareto_tolerance = 0.1;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    sr_result_free(r);
    sr_query_destroy(q);
    sr_network_close(net);
    print_message("    %ld queries, %ld options thinned away\n", n, thinned);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_props_random),
        cmocka_unit_test(test_props_mini),
        cmocka_unit_test(test_mini_golden),
        cmocka_unit_test(test_props_default_data),
        cmocka_unit_test(test_pareto_tolerance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
