/*
 * test_route_diff.c - differential tests of the router (src/lib/route.c)
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
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "silkroute.h"
#include "util_randnet.h"

#define NODE_BUDGET 3000000L

typedef struct stats {
    long cases, queries, noroute, skipped, pareto_routes, limited;
} stats;

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

typedef void (*shape_fn)(const rn_net *m, uint64_t *rng, rn_query *rq);

/* Run n_nets random datasets with per_net random queries each; shape (may
 * be NULL) narrows the queries to the option family under test. */
static void run_cases(uint64_t seed, int n_nets, int per_net, shape_fn shape)
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
    assert_true(st.skipped * 20 <= st.cases);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_default_options),
        cmocka_unit_test(test_diff_random_options),
        cmocka_unit_test(test_diff_transfer_limits),
        cmocka_unit_test(test_diff_filters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
