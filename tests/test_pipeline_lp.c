/*
 * test_pipeline_lp.c - differential and property tests of the pipeline
 * flow solver (src/lib/pipeline/mcf.c) on small random networks with
 * fixed seeds, so that a failure reproduces:
 *
 *  - against GLPK's simplex on the same linear programme (min-cost flow of
 *    any amount, and max flow), objectives agree to 1e-7 relative;
 *  - against exhaustive enumeration of integer flows on tiny networks;
 *  - properties of every solution: conservation at every node, 0 <= flow
 *    <= capacity on every arc, optimality (no negative-cost cycle in the
 *    residual graph, checked by an independent Bellman-Ford here) and
 *    determinism (the same problem gives bit-identical flows).
 * Without GLPK (glpk.h absent at build time) the LP comparison is skipped.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipeline/mcf.h"

#if defined(__has_include)
#if __has_include(<glpk.h>)
#include <glpk.h>
#define HAVE_GLPK 1
#endif
#endif

#define CASES 300
#define MAXN 12
#define MAXA 48

static uint64_t rng;
static double urand(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) / 9007199254740992.0;
}
static int irand(int n) { return (int)(urand() * n); }

typedef struct prob {
    int n, na, s, t;
    int from[MAXA], to[MAXA];
    double cap[MAXA], cost[MAXA];
} prob;

/* A random network: nodes 0..n-1 with s = 0, t = n-1.  Costs are >= 0 on
 * inner arcs (so there is no negative cycle) and negative on arcs into t
 * when gains, as the pipeline model uses them. */
static void make(prob *p, int gains, int integral)
{
    p->n = 3 + irand(MAXN - 2);
    p->s = 0;
    p->t = p->n - 1;
    p->na = p->n + irand(MAXA - p->n);
    for (int a = 0; a < p->na; a++) {
        int u, v;
        do {
            u = irand(p->n - 1);
            v = 1 + irand(p->n - 1);
        } while (u == v);
        p->from[a] = u;
        p->to[a] = v;
        p->cap[a] = integral ? 1 + irand(4) : 0.5 + 20 * urand();
        p->cost[a] = integral ? irand(5) : 10 * urand();
        if (v == p->t && gains)
            p->cost[a] = -(integral ? 5 + irand(20) : 20 + 100 * urand());
    }
}

static sr__mcf *solve(const prob *p, int mode)
{
    sr__mcf *m = sr__mcf_create((size_t)p->n);
    assert_non_null(m);
    for (int a = 0; a < p->na; a++)
        assert_int_equal(sr__mcf_add_arc(m, (uint32_t)p->from[a], (uint32_t)p->to[a], p->cap[a], p->cost[a]), a);
    assert_int_equal(sr__mcf_solve(m, (uint32_t)p->s, (uint32_t)p->t, mode, 0), 0);
    return m;
}

/* Conservation, bounds, and no negative residual cycle. */
static void check_props(const prob *p, sr__mcf *m)
{
    double bal[MAXN] = {0}, cost = 0;
    for (int a = 0; a < p->na; a++) {
        double x = sr__mcf_flow(m, (size_t)a);
        assert_true(x >= -1e-12);
        assert_true(x <= p->cap[a] + 1e-9);
        bal[p->from[a]] -= x;
        bal[p->to[a]] += x;
        cost += x * p->cost[a];
    }
    for (int v = 0; v < p->n; v++)
        if (v != p->s && v != p->t)
            assert_true(fabs(bal[v]) < 1e-9);
    assert_true(fabs(bal[p->t] - sr__mcf_value(m)) < 1e-9);
    assert_true(fabs(cost - sr__mcf_cost(m)) < 1e-7 * (1 + fabs(cost)));
    /* Residual graph: forward arcs with room, backward arcs with flow. */
    double d[MAXN];
    for (int v = 0; v < p->n; v++)
        d[v] = 0;
    int changed = 1;
    for (int round = 0; changed && round <= p->n; round++) {
        changed = 0;
        for (int a = 0; a < p->na; a++) {
            double x = sr__mcf_flow(m, (size_t)a);
            if (x < p->cap[a] - 1e-9 && d[p->from[a]] + p->cost[a] < d[p->to[a]] - 1e-9) {
                d[p->to[a]] = d[p->from[a]] + p->cost[a];
                changed = 1;
            }
            if (x > 1e-9 && d[p->to[a]] - p->cost[a] < d[p->from[a]] - 1e-9) {
                d[p->from[a]] = d[p->to[a]] - p->cost[a];
                changed = 1;
            }
        }
    }
    /* Still relaxing after n rounds: a negative cycle, so not optimal.
     * (In MINCOST mode the cycle through t and s would also be improving;
     * it is covered by the LP comparison.) */
    assert_false(changed);
}

#ifdef HAVE_GLPK
/* The same problem as an LP: min sum c x (or max flow into t) subject to
 * conservation at inner nodes and bounds. */
static double glpk_opt(const prob *p, int maxflow)
{
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, maxflow ? GLP_MAX : GLP_MIN);
    glp_add_rows(lp, p->n - 2);
    for (int r = 1; r <= p->n - 2; r++)
        glp_set_row_bnds(lp, r, GLP_FX, 0, 0);
    glp_add_cols(lp, p->na);
    int ia[2 * MAXA + 1], ja[2 * MAXA + 1], k = 0;
    double ar[2 * MAXA + 1];
    for (int a = 0; a < p->na; a++) {
        int c = a + 1;
        glp_set_col_bnds(lp, c, GLP_DB, 0, p->cap[a]);
        glp_set_obj_coef(lp, c, maxflow ? (p->to[a] == p->t) - (p->from[a] == p->t) : p->cost[a]);
        /* inner node v is row v (1..n-2) */
        if (p->from[a] != p->s && p->from[a] != p->t) {
            k++;
            ia[k] = p->from[a];
            ja[k] = c;
            ar[k] = -1;
        }
        if (p->to[a] != p->s && p->to[a] != p->t) {
            k++;
            ia[k] = p->to[a];
            ja[k] = c;
            ar[k] = 1;
        }
    }
    glp_load_matrix(lp, k, ia, ja, ar);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    assert_int_equal(glp_simplex(lp, &parm), 0);
    assert_int_equal(glp_get_status(lp), GLP_OPT);
    double z = glp_get_obj_val(lp);
    glp_delete_prob(lp);
    return z;
}
#endif

static void test_against_lp(void **state)
{
    (void)state;
#ifndef HAVE_GLPK
    skip();
#else
    glp_term_out(GLP_OFF);
    int nontrivial = 0;
    for (int c = 0; c < CASES; c++) {
        rng = 0x5eed0000u + (uint64_t)c;
        prob p;
        make(&p, 1, 0);
        sr__mcf *m = solve(&p, SR__MCF_MINCOST);
        double z = glpk_opt(&p, 0);
        assert_true(fabs(sr__mcf_cost(m) - z) <= 1e-7 * (1 + fabs(z)));
        nontrivial += sr__mcf_value(m) > 0;
        check_props(&p, m);
        sr__mcf_destroy(m);
        /* Max flow: the solver's MAXFLOW value against the LP's. */
        m = solve(&p, SR__MCF_MAXFLOW);
        double mf = glpk_opt(&p, 1);
        assert_true(fabs(sr__mcf_value(m) - mf) <= 1e-7 * (1 + mf));
        check_props(&p, m);
        sr__mcf_destroy(m);
    }
    /* The random problems must exercise the solver, not only trivial zeros. */
    assert_true(nontrivial > CASES / 2);
#endif
}

/* Exhaustive reference: every integer flow vector within the capacities,
 * on tiny networks (at most 6 arcs of capacity <= 2). */
static double brute(const prob *p)
{
    int x[MAXA] = {0};
    double best = 0; /* the zero flow is feasible */
    for (;;) {
        int a = 0;
        while (a < p->na && ++x[a] > (int)p->cap[a])
            x[a++] = 0;
        if (a == p->na)
            break;
        int bal[MAXN] = {0}, ok = 1;
        double cost = 0;
        for (int e = 0; e < p->na; e++) {
            bal[p->from[e]] -= x[e];
            bal[p->to[e]] += x[e];
            cost += x[e] * p->cost[e];
        }
        for (int v = 0; v < p->n && ok; v++)
            if (v != p->s && v != p->t && bal[v])
                ok = 0;
        if (ok && cost < best)
            best = cost;
    }
    return best;
}

static void test_against_brute_force(void **state)
{
    (void)state;
    for (int c = 0; c < 200; c++) {
        rng = 0xb007u + (uint64_t)c;
        prob p;
        make(&p, 1, 1);
        p.n = p.n > 5 ? 5 : p.n;
        p.t = p.n - 1;
        p.na = 6;
        for (int a = 0; a < p.na; a++) {
            int u, v;
            do {
                u = irand(p.n - 1);
                v = 1 + irand(p.n - 1);
            } while (u == v);
            p.from[a] = u;
            p.to[a] = v;
            p.cap[a] = 1 + irand(2);
            p.cost[a] = v == p.t ? -(1 + irand(9)) : irand(4);
        }
        sr__mcf *m = solve(&p, SR__MCF_MINCOST);
        assert_true(fabs(sr__mcf_cost(m) - brute(&p)) < 1e-9);
        check_props(&p, m);
        sr__mcf_destroy(m);
    }
}

static void test_deterministic(void **state)
{
    (void)state;
    for (int c = 0; c < 50; c++) {
        rng = 0xd00du + (uint64_t)c;
        prob p;
        make(&p, 1, 1); /* integral data: many equal-cost ties */
        sr__mcf *a = solve(&p, SR__MCF_MINCOST), *b = solve(&p, SR__MCF_MINCOST);
        for (int e = 0; e < p.na; e++)
            assert_memory_equal(&(double){sr__mcf_flow(a, (size_t)e)}, &(double){sr__mcf_flow(b, (size_t)e)},
                                sizeof(double));
        sr__mcf_destroy(a);
        sr__mcf_destroy(b);
    }
}

static void test_bad_arguments(void **state)
{
    (void)state;
    assert_null(sr__mcf_create(0));
    sr__mcf *m = sr__mcf_create(3);
    assert_int_equal(sr__mcf_add_arc(m, 0, 3, 1, 0), -1);
    assert_int_equal(sr__mcf_add_arc(m, 0, 1, -1, 0), -1);
    assert_int_equal(sr__mcf_add_arc(m, 0, 1, NAN, 0), -1);
    assert_int_equal(sr__mcf_add_arc(m, 0, 1, INFINITY, 0), -1);
    assert_int_equal(sr__mcf_solve(m, 0, 0, SR__MCF_MINCOST, 0), -1);
    /* A negative cycle is reported, never looped on. */
    assert_int_equal(sr__mcf_add_arc(m, 0, 1, 1, 0), 0);
    assert_int_equal(sr__mcf_add_arc(m, 1, 2, 1, -1), 1);
    assert_int_equal(sr__mcf_add_arc(m, 2, 1, 1, -1), 2);
    assert_int_equal(sr__mcf_solve(m, 0, 2, SR__MCF_MAXFLOW, 0), -2);
    sr__mcf_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_lp),
        cmocka_unit_test(test_against_brute_force),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
