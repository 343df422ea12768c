/*
 * test_route_diff.c - differential tests of the router (src/lib/route/route.c)
 * against a plain brute force (tests/util_randnet.c).
 *
 * Why: Dijkstra over (layer, place, class) states and Pareto label setting
 * with dominance pruning are easy to get subtly wrong (a pruning rule that
 * is one tolerance too eager, a transfer allowed at the origin, a filter
 * applied to the wrong end of an arc).  Random small datasets are written
 * as CSV files, loaded through the public API, and every query is answered
 * twice: by the library and by exhaustive DFS over simple state paths.  The
 * seeds are fixed so that a failure reproduces; the failing dataset is kept
 * under /tmp and its path printed.
 *
 * Pareto queries run the fast search (targeted multi-objective Dijkstra,
 * src/lib/pareto/) by default; every Pareto case is also answered by the
 * reference label-setting search of route.c (sr__pareto_reference), and
 * the two sets of (time, cost, CO2e) vectors must be the same.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "documents/doc.h"
#include "network/network.h"
#include "route/route.h"
#include "silkroute.h"
#include "util_randnet.h"

#define NODE_BUDGET 3000000L

typedef struct stats {
    long cases, queries, noroute, skipped, pareto_routes, limited;
    /* Routes (checked valid and optimal) that ride the third gauge, and
     * that change gauge to or from it. */
    long on_1668, change_1668;
} stats;

/* Count what a checked route shows of the third gauge (1668 mm). */
static void count_gauges(const sr_network *net, const sr_route *r, stats *st)
{
    int on = 0, ch = 0;
    for (size_t i = 0; i < r->n_legs; i++)
        on |= r->legs[i].gauge_mm == 1668;
    for (size_t i = 0; i < r->n_transfers; i++)
        ch |= r->transfers[i].kind == SR_GAUGE_CHANGE && (sr_network_class_gauge(net, r->transfers[i].from_class) == 1668 ||
                                                         sr_network_class_gauge(net, r->transfers[i].to_class) == 1668);
    st->on_1668 += on;
    st->change_1668 += ch;
}

/* Keep the dataset of a failing case for debugging and describe the query. */
static void report_failure(const rn_net *m, const rn_query *rq, const char *what, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *dir = rn_tempdir();
    if (dir && rn_write(m, dir) == 0)
        fprintf(stderr, "dataset kept in %s\n", dir);
    free(dir);
    fprintf(stderr,
            "%s: from %s to %s obj %d pareto %d w=(%g,%g,%g) modes %#x year %d unit %d qty %g max_tr %d "
            "avoid places %d crossings %d countries %d\n  %s\n",
            what, m->id[rq->from], m->id[rq->to], rq->obj, rq->pareto, rq->wt, rq->wc, rq->we, rq->modes, rq->year,
            rq->unit, rq->qty, rq->max_tr, rq->n_avoid_place, rq->n_avoid_x, rq->n_avoid_cc, msg);
    fail_msg("%s", what);
}

static void check_single(const rn_net *m, const sr_network *net, sr_query *q, const rn_query *rq, const rn_brute *b,
                         stats *st)
{
    sr_route_options o;
    rn_options(m, rq, &o);
    sr_result *res = NULL;
    sr_code rc = sr_route_query(q, &o, &res);
    st->queries++;
    if (!b->found) {
        if (rc != SR_ENOROUTE || res)
            report_failure(m, rq, "single: brute force finds no route", "library says %s (%d routes)",
                           sr_code_name(rc), res ? (int)sr_result_count(res) : 0);
        return;
    }
    if (rc != SR_OK || sr_result_count(res) != 1) {
        sr_result_free(res);
        report_failure(m, rq, "single: library finds no route", "code %s: %s; brute best %g", sr_code_name(rc),
                       sr_query_errmsg(q), b->best_val[rq->obj]);
        return;
    }
    char why[512];
    rn_vec v;
    if (rn_check_route(m, rq, net, sr_result_route(res, 0), &v, why, sizeof why) != 0) {
        sr_result_free(res);
        report_failure(m, rq, "single: invalid route", "%s", why);
        return;
    }
    count_gauges(net, sr_result_route(res, 0), st);
    sr_result_free(res);
    double got = rn_objective(rq, rq->obj, v), best = b->best_val[rq->obj];
    rn_vec bv = b->best[rq->obj];
    /* The library adds 1e-7 x the other criteria to break ties, which can
     * cost at most that much of the primary objective. */
    double slack = 1e-6 * (1 + fabs(best));
    if (rq->obj == SR_BY_TIME)
        slack += 1e-7 * (bv.c + bv.e);
    else if (rq->obj == SR_BY_COST)
        slack += 1e-7 * (bv.t + bv.e);
    else if (rq->obj == SR_BY_CO2)
        slack += 1e-7 * (bv.t + bv.c);
    if (got > best + slack || got < best - 1e-6 * (1 + fabs(best)))
        report_failure(m, rq, "single: objective differs", "library %.9g (t %g c %g e %g), brute force %.9g (t %g c %g e %g)",
                       got, v.t, v.c, v.e, best, bv.t, bv.c, bv.e);
}

static void check_pareto(const rn_net *m, const sr_network *net, sr_query *q, const rn_query *rq, const rn_brute *b,
                         stats *st)
{
    sr_route_options o;
    rn_options(m, rq, &o);
    sr_result *res = NULL;
    sr_code rc = sr_route_query(q, &o, &res);
    st->queries++;
    if (!b->found) {
        if (rc != SR_ENOROUTE || res)
            report_failure(m, rq, "pareto: brute force finds no route", "library says %s", sr_code_name(rc));
        return;
    }
    if (rc != SR_OK) {
        report_failure(m, rq, "pareto: library finds no route", "code %s: %s", sr_code_name(rc), sr_query_errmsg(q));
        return;
    }
    size_t n = sr_result_count(res);
    st->pareto_routes += (long)n;
    rn_vec *lv = calloc(n + 1, sizeof *lv);
    assert_non_null(lv);
    char why[512];
    for (size_t i = 0; i < n; i++) {
        const sr_route *r = sr_result_route(res, i);
        if (rn_check_route(m, rq, net, r, &lv[i], why, sizeof why) != 0) {
            free(lv);
            sr_result_free(res);
            report_failure(m, rq, "pareto: invalid route", "route %zu: %s", i, why);
            return;
        }
        if (i > 0 && sr_result_route(res, i - 1)->duration_h > r->duration_h + 1e-9) {
            free(lv);
            sr_result_free(res);
            report_failure(m, rq, "pareto: not sorted by time", "route %zu", i);
            return;
        }
    }
    sr_result_free(res);
    char buf[768] = "";
    int bad = n != b->n_front;
    for (size_t i = 0; i < n && !bad; i++) {
        int hit = 0;
        for (size_t j = 0; j < b->n_front && !hit; j++)
            hit = rn_vec_close(lv[i], b->front[j], 1e-6);
        if (!hit) {
            bad = 1;
            snprintf(buf, sizeof buf, "library vector (%g,%g,%g) not in the brute-force front", lv[i].t, lv[i].c,
                     lv[i].e);
        }
    }
    for (size_t j = 0; j < b->n_front && !bad; j++) {
        int hit = 0;
        for (size_t i = 0; i < n && !hit; i++)
            hit = rn_vec_close(lv[i], b->front[j], 1e-6);
        if (!hit) {
            bad = 1;
            snprintf(buf, sizeof buf, "brute-force vector (%g,%g,%g) missing from the library's set", b->front[j].t,
                     b->front[j].c, b->front[j].e);
        }
    }
    if (bad) {
        size_t len = strlen(buf);
        len += (size_t)snprintf(buf + len, sizeof buf - len, " [library %zu:", n);
        for (size_t i = 0; i < n && len < sizeof buf - 64; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, " (%g,%g,%g)", lv[i].t, lv[i].c, lv[i].e);
        len += (size_t)snprintf(buf + len, sizeof buf - len, "] [brute %zu:", b->n_front);
        for (size_t j = 0; j < b->n_front && len < sizeof buf - 64; j++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, " (%g,%g,%g)", b->front[j].t, b->front[j].c,
                                    b->front[j].e);
        if (len < sizeof buf - 2)
            snprintf(buf + len, sizeof buf - len, "]");
    }
    free(lv);
    if (bad)
        report_failure(m, rq, "pareto: set differs", "%s", buf);
}

/* The same query through the reference Pareto search and the fast one:
 * same code, same set of vectors (in any order).  Returns the number of
 * options compared; fails the test on a difference. */
static size_t check_fast_vs_reference(sr_query *q, const sr_route_options *o, const char *what)
{
    sr_result *fast = NULL, *ref = NULL;
    sr__pareto_reference = 0;
    sr_code rf = sr_route_query(q, o, &fast);
    char msg_fast[1100];
    snprintf(msg_fast, sizeof msg_fast, "%s", sr_query_errmsg(q));
    sr__pareto_reference = 1;
    sr_code rr = sr_route_query(q, o, &ref);
    sr__pareto_reference = 0;
    if (rf != rr)
        fail_msg("%s %s -> %s: fast search says %s (%s), reference %s (%s)", what, o->from, o->to, sr_code_name(rf),
                 msg_fast, sr_code_name(rr), sr_query_errmsg(q));
    size_t n = rf == SR_OK ? sr_result_count(fast) : 0;
    int bad = rf == SR_OK && n != sr_result_count(ref);
    for (size_t i = 0; i < n && !bad; i++) {
        const sr_route *a = sr_result_route(fast, i);
        rn_vec va = {a->duration_h, a->cost_usd, a->co2e_kg};
        int hit = 0;
        for (size_t j = 0; j < sr_result_count(ref) && !hit; j++) {
            const sr_route *b = sr_result_route(ref, j);
            hit = rn_vec_close(va, (rn_vec){b->duration_h, b->cost_usd, b->co2e_kg}, 1e-6);
        }
        bad = !hit;
    }
    if (bad) {
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "  fast (%g, %g, %g)\n", sr_result_route(fast, i)->duration_h,
                    sr_result_route(fast, i)->cost_usd, sr_result_route(fast, i)->co2e_kg);
        for (size_t j = 0; j < sr_result_count(ref); j++)
            fprintf(stderr, "  ref  (%g, %g, %g)\n", sr_result_route(ref, j)->duration_h,
                    sr_result_route(ref, j)->cost_usd, sr_result_route(ref, j)->co2e_kg);
        fail_msg("%s %s -> %s: fast and reference Pareto sets differ (%zu and %zu options)", what, o->from, o->to, n,
                 sr_result_count(ref));
    }
    sr_result_free(fast);
    sr_result_free(ref);
    return n;
}

typedef void (*shape_fn)(const rn_net *m, uint64_t *rng, rn_query *rq);

/* Run n_nets random datasets with per_net random queries each; shape (may
 * be NULL) narrows the queries to the option family under test. */
static stats run_cases(uint64_t seed, int n_nets, int per_net, shape_fn shape)
{
    uint64_t rng = seed;
    stats st = {0};
    rn_net *m = malloc(sizeof *m);
    assert_non_null(m);
    for (int d = 0; d < n_nets; d++) {
        sr_network *net = rn_open_random(m, &rng);
        assert_non_null(net);
        /* The checker relies on the library keeping file order. */
        assert_int_equal(sr_network_place_count(net), (size_t)m->np);
        assert_int_equal(sr_network_link_count(net), (size_t)m->nl);
        for (int i = 0; i < m->np; i++)
            assert_string_equal(sr_network_place(net, (size_t)i)->id, m->id[i]);
        sr_query *q = NULL;
        assert_int_equal(sr_query_create(net, &q), SR_OK);
        for (int c = 0; c < per_net; c++) {
            rn_query rq;
            rn_random_query(m, &rng, &rq);
            if (shape)
                shape(m, &rng, &rq);
            rn_brute b;
            rn_brute_run(m, &rq, NODE_BUDGET, &b);
            if (b.overflow) {
                st.skipped++;
                rn_brute_free(&b);
                continue;
            }
            st.cases++;
            st.noroute += !b.found;
            st.limited += rq.max_tr >= 0;
            for (int obj = 0; obj < 4; obj++) {
                rq.obj = (sr_objective)obj;
                rq.pareto = 0;
                check_single(m, net, q, &rq, &b, &st);
            }
            rq.pareto = 1;
            check_pareto(m, net, q, &rq, &b, &st);
            {
                sr_route_options o;
                rn_options(m, &rq, &o);
                check_fast_vs_reference(q, &o, "random net");
            }
            rn_brute_free(&b);
        }
        sr_query_destroy(q);
        sr_network_close(net);
    }
    free(m);
    print_message("    %ld cases (%ld without route, %ld with a transfer limit), %ld queries, %.2f Pareto routes per "
                  "case, %ld skipped (brute force too large)\n",
                  st.cases, st.noroute, st.limited, st.queries,
                  st.cases ? (double)st.pareto_routes / (double)(st.cases - st.noroute + (st.cases == st.noroute)) : 0,
                  st.skipped);
    print_message("    %ld optimal routes on the 1668 mm gauge, %ld with a gauge change to or from it\n", st.on_1668,
                  st.change_1668);
    assert_true(st.skipped * 20 <= st.cases);
    return st;
}

/* Default options: only the places vary. */
static void shape_default(const rn_net *m, uint64_t *rng, rn_query *rq)
{
    rn_query d;
    memset(&d, 0, sizeof d);
    d.from = rq->from;
    d.to = rq->to;
    d.wt = rq->wt;
    d.wc = rq->wc;
    d.we = rq->we;
    d.modes = SR_MODES_ALL;
    d.unit = SR_UNIT_40FT;
    d.qty = 1;
    d.max_tr = -1;
    (void)m;
    (void)rng;
    *rq = d;
}

static void shape_transfers(const rn_net *m, uint64_t *rng, rn_query *rq)
{
    (void)m;
    rq->max_tr = rn_int(rng, 0, 3);
}

static void shape_filters(const rn_net *m, uint64_t *rng, rn_query *rq)
{
    /* Always some filter: a mode subset, a year, an avoid list, a unit. */
    switch (rn_int(rng, 0, 4)) {
    case 0: rq->modes = (unsigned)rn_int(rng, 1, 14); break;
    case 1: rq->year = rn_int(rng, 0, 1) ? 2030 : 2025; break;
    case 2:
        for (int p = 0; p < m->np && rq->n_avoid_place < 2; p++)
            if (p != rq->from && p != rq->to && rn_int(rng, 0, 2) == 0)
                rq->avoid_place[rq->n_avoid_place++] = p;
        break;
    case 3:
        if (m->nx > 0 && rq->n_avoid_x < 2)
            rq->avoid_x[rq->n_avoid_x++] = rn_int(rng, 0, m->nx - 1);
        break;
    default: rq->unit = SR_UNIT_T; rq->qty = 2.5; break;
    }
}

static void test_diff_default_options(void **state)
{
    (void)state;
    run_cases(0x5111c0de0001ull, 25, 8, shape_default);
}

static void test_diff_random_options(void **state)
{
    (void)state;
    run_cases(0x5111c0de0002ull, 40, 10, NULL);
}

static void test_diff_transfer_limits(void **state)
{
    (void)state;
    run_cases(0x5111c0de0003ull, 25, 8, shape_transfers);
}

static void test_diff_filters(void **state)
{
    (void)state;
    run_cases(0x5111c0de0004ull, 25, 8, shape_filters);
}

/* Three gauges (1435, 1520 and Spain's 1668 mm) on random networks: the
 * third gauge is a class like the others, with no special case, so the
 * router must agree with the brute force on routes that ride it and change
 * gauge to and from it.  The generator draws all three gauges for every
 * test above; this one also asserts that such routes were exercised. */
static void test_diff_three_gauges(void **state)
{
    (void)state;
    stats st = run_cases(0x5111c0de1668ull, 40, 10, shape_default);
    assert_true(st.on_1668 >= 20);
    assert_true(st.change_1668 >= 5);
}

/* ---- data/: Pareto sets against a plain label-correcting search -------- */

/*
 * On the real dataset a brute force is out of reach, but a one-to-all
 * label-correcting search (FIFO, per-state bags of non-dominated vectors,
 * no lower bounds, no destination pruning, no heap order) is simple enough
 * to trust and independent of the router's label-setting machinery.  It
 * reads the network's arc arrays (network.h), so it checks the search, not
 * the loader: the loader is covered by the random datasets above.
 */
typedef struct lc_label {
    double t, c, e;
    uint32_t state;
    uint8_t alive;
} lc_label;

typedef struct lc_search {
    lc_label *pool;
    size_t n, cap;
    uint32_t **bag;       /* per state: label ids */
    size_t *bag_n, *bag_cap;
    uint32_t *queue;
    size_t qh, qt, qcap;
} lc_search;

static void lc_push_queue(lc_search *S, uint32_t id)
{
    if (S->qt == S->qcap) {
        S->qcap = S->qcap ? 2 * S->qcap : 1024;
        S->queue = realloc(S->queue, S->qcap * sizeof *S->queue);
        assert_non_null(S->queue);
    }
    S->queue[S->qt++] = id;
}

static void lc_try(lc_search *S, uint32_t st, double t, double c, double e)
{
    rn_vec v = {t, c, e};
    size_t k = 0;
    for (size_t i = 0; i < S->bag_n[st]; i++) {
        lc_label *o = &S->pool[S->bag[st][i]];
        if (rn_dominates((rn_vec){o->t, o->c, o->e}, v, 1e-9))
            return;
    }
    for (size_t i = 0; i < S->bag_n[st]; i++) {
        lc_label *o = &S->pool[S->bag[st][i]];
        if (rn_dominates(v, (rn_vec){o->t, o->c, o->e}, 1e-9))
            o->alive = 0;
        else
            S->bag[st][k++] = S->bag[st][i];
    }
    S->bag_n[st] = k;
    if (S->n == S->cap) {
        S->cap = S->cap ? 2 * S->cap : 4096;
        S->pool = realloc(S->pool, S->cap * sizeof *S->pool);
        assert_non_null(S->pool);
    }
    uint32_t id = (uint32_t)S->n++;
    S->pool[id] = (lc_label){t, c, e, st, 1};
    if (S->bag_n[st] == S->bag_cap[st]) {
        S->bag_cap[st] = S->bag_cap[st] ? 2 * S->bag_cap[st] : 8;
        S->bag[st] = realloc(S->bag[st], S->bag_cap[st] * sizeof **S->bag);
        assert_non_null(S->bag[st]);
    }
    S->bag[st][S->bag_n[st]++] = id;
    lc_push_queue(S, id);
}

/* One-to-all Pareto sets from `from` with default options (40ft, year 0,
 * all modes, no limits). */
static void lc_run(const sr_network *net, uint32_t from, lc_search *S)
{
    const sr_unit u = SR_UNIT_40FT;
    uint32_t ns = net->n_places * net->n_classes;
    memset(S, 0, sizeof *S);
    S->bag = calloc(ns, sizeof *S->bag);
    S->bag_n = calloc(ns, sizeof *S->bag_n);
    S->bag_cap = calloc(ns, sizeof *S->bag_cap);
    assert_true(S->bag && S->bag_n && S->bag_cap);
    /* The document rules' weights per step (documents/, checked on their
     * own in test_documents.c).  Under the default options they do not
     * depend on the destination, so a one-to-all reference can add them. */
    sr__doc_query dq = {0};
    assert_int_equal(sr__doc_query_init(&dq, net, 0, SR_NOTE_CIM_SMGS, SR_ROAD_TIR, u, 1, from, UINT32_MAX), 0);
    for (uint32_t c = 0; c < net->n_classes; c++)
        lc_try(S, from * net->n_classes + c, 0, 0, 0);
    while (S->qh < S->qt) {
        lc_label L = S->pool[S->queue[S->qh++]];
        if (!L.alive)
            continue;
        uint32_t place = L.state / net->n_classes, cls = L.state % net->n_classes;
        for (uint32_t a = net->arc_off[place]; a < net->arc_off[place + 1]; a++) {
            const sr_link *k = &net->links[net->arc_link[a]];
            if (net->arc_cls[a] != cls || !(net->modes[k->mode].units >> u & 1) || !sr__link_usable(k, 0) ||
                net->arc_head[a] == from)
                continue;
            double dh, du;
            sr__doc_arc_weight(&dq, a, &dh, &du);
            lc_try(S, net->arc_head[a] * net->n_classes + cls, L.t + net->arc_time_h[a] + dh,
                   L.c + net->arc_cost[u][a] + du, L.e + net->arc_co2[u][a]);
        }
        if (place == from)
            continue;
        for (uint32_t x = net->xfer_off[place]; x < net->xfer_off[place + 1]; x++)
            if (net->xfers[x].from == cls) {
                double dh, du;
                sr__doc_xfer_weight(&dq, x, &dh, &du);
                lc_try(S, place * net->n_classes + net->xfers[x].to, L.t + net->xfers[x].duration_h + dh,
                       L.c + net->xfers[x].cost_usd[u] + du, L.e);
            }
    }
    sr__doc_query_free(&dq);
}

static void lc_free(const sr_network *net, lc_search *S)
{
    for (uint32_t s = 0; s < net->n_places * net->n_classes; s++)
        free(S->bag[s]);
    free(S->bag);
    free(S->bag_n);
    free(S->bag_cap);
    free(S->pool);
    free(S->queue);
}

static void test_diff_pareto_default_data(void **state)
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
    uint32_t np = net->n_places;
    long compared = 0, routes = 0, noroute = 0;
    /* Every 37th place as origin (a spread over the corridors), all
     * destinations. */
    for (uint32_t from = 0; from < np; from += 37) {
        lc_search S;
        lc_run(net, from, &S);
        for (uint32_t to = 0; to < np; to++) {
            if (to == from)
                continue;
            /* Reference front at the destination over all classes. */
            rn_vec *ref = NULL;
            size_t nref = 0;
            for (uint32_t c = 0; c < net->n_classes; c++) {
                uint32_t st = to * net->n_classes + c;
                for (size_t i = 0; i < S.bag_n[st]; i++) {
                    const lc_label *L = &S.pool[S.bag[st][i]];
                    rn_vec v = {L->t, L->c, L->e};
                    int dom = 0;
                    for (size_t j = 0; j < nref && !dom; j++)
                        dom = rn_dominates(ref[j], v, 1e-9);
                    if (dom)
                        continue;
                    size_t k = 0;
                    for (size_t j = 0; j < nref; j++)
                        if (!rn_dominates(v, ref[j], 1e-9))
                            ref[k++] = ref[j];
                    nref = k;
                    ref = realloc(ref, (nref + 1) * sizeof *ref);
                    assert_non_null(ref);
                    ref[nref++] = v;
                }
            }
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = net->places[from].id;
            o.to = net->places[to].id;
            o.pareto = 1;
            sr_result *res = NULL;
            /* Every 5th pair also against the reference search. */
            if ((from + to) % 5 == 0)
                check_fast_vs_reference(q, &o, "data/");
            sr_code rc = sr_route_query(q, &o, &res);
            compared++;
            if (!nref) {
                noroute++;
                if (rc != SR_ENOROUTE)
                    fail_msg("%s -> %s: reference finds no route, library says %s", o.from, o.to, sr_code_name(rc));
                free(ref);
                continue;
            }
            if (rc != SR_OK)
                fail_msg("%s -> %s: library says %s: %s", o.from, o.to, sr_code_name(rc), sr_query_errmsg(q));
            size_t n = sr_result_count(res);
            routes += (long)n;
            int bad = n != nref;
            for (size_t i = 0; i < n && !bad; i++) {
                const sr_route *r = sr_result_route(res, i);
                rn_vec v = {r->duration_h, r->cost_usd, r->co2e_kg};
                int hit = 0;
                for (size_t j = 0; j < nref && !hit; j++)
                    hit = rn_vec_close(v, ref[j], 1e-6);
                bad = !hit;
            }
            if (bad) {
                fprintf(stderr, "%s -> %s: library %zu options, reference %zu\n", o.from, o.to, n, nref);
                for (size_t i = 0; i < n; i++)
                    fprintf(stderr, "  lib (%g, %g, %g)\n", sr_result_route(res, i)->duration_h,
                            sr_result_route(res, i)->cost_usd, sr_result_route(res, i)->co2e_kg);
                for (size_t j = 0; j < nref; j++)
                    fprintf(stderr, "  ref (%g, %g, %g)\n", ref[j].t, ref[j].c, ref[j].e);
                fail_msg("%s -> %s: Pareto sets differ", o.from, o.to);
            }
            sr_result_free(res);
            free(ref);
        }
        lc_free(net, &S);
    }
    print_message("    %ld pairs compared (%ld without route), %.2f options per pair\n", compared, noroute,
                  compared > noroute ? (double)routes / (double)(compared - noroute) : 0);
    sr_query_destroy(q);
    sr_network_close(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_default_options),
        cmocka_unit_test(test_diff_random_options),
        cmocka_unit_test(test_diff_transfer_limits),
        cmocka_unit_test(test_diff_filters),
        cmocka_unit_test(test_diff_three_gauges),
        cmocka_unit_test(test_diff_pareto_default_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
