/*
 * test_reach.c - reach (isochrones) and many-to-many matrices
 * (src/lib/reach/): differential tests against the per-pair router and a
 * brute force, property tests, limits and the serialised forms.
 *
 * Why: the matrix runs one search per source instead of one per pair, and
 * reach filters a one-to-all search by a budget; both promise exactly the
 * route the router returns for each pair.  Random datasets
 * (tests/util_randnet.c) and the default dataset check that promise cell by
 * cell; properties (monotone in the budget, avoiding never helps, reach ==
 * matrix row) catch what a differential test against a shared mistake
 * would not.
 */
#include <jansson.h>
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

static int close_rel(double a, double b) { return fabs(a - b) <= 1e-9 * (1 + fabs(a) + fabs(b)); }

/* Every cell of an all-to-all matrix against sr_route_query() for the pair. */
static long diff_matrix(sr_network *net, sr_query *q, const sr_route_options *base, const char *const *ids, size_t n)
{
    sr_matrix *mx = NULL;
    sr_code rc = sr_matrix_query(q, base, ids, n, ids, n, &mx);
    if (rc == SR_EARG) /* an avoided source: the router refuses it too */
        return 0;
    assert_int_equal(rc, SR_OK);
    long cells = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            const sr_matrix_cell *c = sr_matrix_at(mx, i, j);
            assert_non_null(c);
            if (i == j) {
                assert_true(c->reachable);
                assert_true(c->duration_h == 0 && c->cost_usd == 0);
                continue;
            }
            sr_route_options o = *base;
            o.from = ids[i];
            o.to = ids[j];
            sr_result *res = NULL;
            sr_code r2 = sr_route_query(q, &o, &res);
            cells++;
            if (r2 == SR_OK) {
                const sr_route *r = sr_result_route(res, 0);
                if (!c->reachable || !close_rel(c->duration_h, r->duration_h) || !close_rel(c->cost_usd, r->cost_usd) ||
                    !close_rel(c->co2e_kg, r->co2e_kg) || !close_rel(c->distance_km, r->distance_km))
                    fail_msg("%s -> %s: matrix %d (%.9g h, %.9g USD, %.9g kg, %.9g km), router (%.9g h, %.9g USD, "
                             "%.9g kg, %.9g km)",
                             ids[i], ids[j], c->reachable, c->duration_h, c->cost_usd, c->co2e_kg, c->distance_km,
                             r->duration_h, r->cost_usd, r->co2e_kg, r->distance_km);
            } else {
                /* No route, or an avoided destination (SR_EARG). */
                if (c->reachable)
                    fail_msg("%s -> %s: matrix reachable, router %s: %s", ids[i], ids[j], sr_code_name(r2),
                             sr_query_errmsg(q));
                assert_true(r2 == SR_ENOROUTE || r2 == SR_EARG);
            }
            sr_result_free(res);
        }
    sr_matrix_free(mx);
    return cells;
}

static void test_matrix_vs_router_random(void **state)
{
    (void)state;
    uint64_t rng = 0x5eed12ULL;
    rn_net *m = malloc(sizeof *m);
    assert_non_null(m);
    long cells = 0, brute = 0;
    for (int d = 0; d < 60; d++) {
        sr_network *net = rn_open_random(m, &rng);
        assert_non_null(net);
        sr_query *q = NULL;
        assert_int_equal(sr_query_create(net, &q), SR_OK);
        const char *ids[RN_MAXP];
        for (int i = 0; i < m->np; i++)
            ids[i] = m->id[i];
        for (int k = 0; k < 4; k++) {
            rn_query rq;
            rn_random_query(m, &rng, &rq);
            rq.pareto = 0;
            sr_route_options o;
            rn_options(m, &rq, &o);
            cells += diff_matrix(net, q, &o, ids, (size_t)m->np);
            /* The reach of the query's origin against the brute force's
             * optimum, for the objectives reach supports. */
            if (rq.obj == SR_BY_BLEND)
                continue;
            sr_reach *r = NULL;
            sr_code rc = sr_reach_query(q, &o, 1e11, &r);
            if (rc == SR_EARG)
                continue;
            assert_int_equal(rc, SR_OK);
            rn_brute b;
            rn_brute_run(m, &rq, 3000000L, &b);
            if (!b.overflow) {
                const sr_reach_place *hit = NULL;
                for (size_t i = 0; i < sr_reach_count(r); i++)
                    if ((int)sr_reach_at(r, i)->place == rq.to)
                        hit = sr_reach_at(r, i);
                assert_int_equal(hit != NULL, b.found);
                if (hit) {
                    double best = b.best_val[rq.obj];
                    /* The tie-break share of the other criteria (1e-7) may
                     * cost that much of the primary one (as in
                     * test_route_diff.c). */
                    rn_vec bv = b.best[rq.obj];
                    double slack = 1e-6 * (1 + fabs(best)) + 1e-7 * (bv.t + bv.c + bv.e);
                    assert_true(hit->value <= best + slack && hit->value >= best - 1e-6 * (1 + fabs(best)));
                    brute++;
                }
            }
            rn_brute_free(&b);
            sr_reach_free(r);
        }
        sr_query_destroy(q);
        sr_network_close(net);
        /* rn_open_random wrote the dataset to a temp directory it removes. */
    }
    free(m);
    print_message("    %ld matrix cells equal to the router's routes, %ld reach values equal to the brute force\n", cells,
                  brute);
    assert_true(cells > 1000);
}

static sr_network *open_default(void)
{
    sr_network *net = NULL;
    if (sr_network_open("data", &net) != SR_OK) {
        print_message("    data/ not loadable (%s): skipped\n", net ? sr_network_errmsg(net) : "?");
        sr_network_close(net);
        return NULL;
    }
    return net;
}

static void test_matrix_vs_router_default(void **state)
{
    (void)state;
    sr_network *net = open_default();
    if (!net)
        skip();
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    size_t np = sr_network_place_count(net);
    /* Every 9th place: 24 places, 552 pairs per option set. */
    const char *ids[64];
    size_t n = 0;
    for (size_t i = 0; i < np && n < 64; i += 9)
        ids[n++] = sr_network_place(net, i)->id;
    long cells = 0;
    for (int v = 0; v < 5; v++) {
        sr_route_options o;
        sr_route_options_init(&o);
        if (v == 1)
            o.objective = SR_BY_COST;
        if (v == 2) {
            o.objective = SR_BY_CO2;
            o.modes = SR_MODE_BIT(SR_RAIL) | SR_MODE_BIT(SR_ROAD);
        }
        if (v == 3) {
            o.objective = SR_BY_BLEND;
            o.weight_time_h = 20;
            o.weight_cost_usd = 1;
            o.weight_co2e_kg = 0.1;
            o.year = 2035;
            o.unit = SR_UNIT_20FT;
        }
        if (v == 4) {
            o.max_transfers = 1;
            o.n_avoid_countries = 1;
            o.avoid_countries[0] = "RU";
        }
        cells += diff_matrix(net, q, &o, ids, n);
    }
    print_message("    default data: %ld cells equal to the router's routes\n", cells);
    sr_query_destroy(q);
    sr_network_close(net);
}

static void test_reach_properties(void **state)
{
    (void)state;
    sr_network *net = open_default();
    if (!net)
        skip();
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    size_t np = sr_network_place_count(net);
    const char *all[2048]; /* the default dataset has about 550 places */
    assert_true(np <= 2048);
    for (size_t i = 0; i < np; i++)
        all[i] = sr_network_place(net, i)->id;
    long checked = 0;
    for (size_t s = 0; s < np; s += 23) {
        for (int obj = 0; obj < 3; obj++) {
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = all[s];
            o.objective = (sr_objective)obj;
            double budget = obj == 0 ? 168 : obj == 1 ? 4000 : 1500;
            sr_reach *r1 = NULL, *r2 = NULL, *rall = NULL;
            assert_int_equal(sr_reach_query(q, &o, budget, &r1), SR_OK);
            assert_int_equal(sr_reach_query(q, &o, 2 * budget, &r2), SR_OK);
            assert_int_equal(sr_reach_query(q, &o, 1e12, &rall), SR_OK);
            /* The origin comes first, at 0; values are sorted and within
             * the budget; a larger budget keeps every place at the same
             * value. */
            assert_true(sr_reach_count(r1) >= 1);
            assert_int_equal(sr_reach_at(r1, 0)->place, (uint32_t)s);
            assert_true(sr_reach_at(r1, 0)->value == 0);
            for (size_t i = 0; i < sr_reach_count(r1); i++) {
                const sr_reach_place *a = sr_reach_at(r1, i);
                assert_true(a->value <= budget);
                if (i)
                    assert_true(sr_reach_at(r1, i - 1)->value <= a->value);
                int found = 0;
                for (size_t j = 0; j < sr_reach_count(r2) && !found; j++)
                    if (sr_reach_at(r2, j)->place == a->place) {
                        found = 1;
                        assert_true(sr_reach_at(r2, j)->value == a->value);
                    }
                assert_true(found);
                checked++;
            }
            assert_true(sr_reach_count(r2) >= sr_reach_count(r1));
            /* Reach without a budget equals the matrix row. */
            sr_matrix *mx = NULL;
            const char *src[1] = {all[s]};
            assert_int_equal(sr_matrix_query(q, &o, src, 1, all, np, &mx), SR_OK);
            size_t reachable = 0;
            for (size_t j = 0; j < np; j++)
                reachable += (size_t)sr_matrix_at(mx, 0, j)->reachable;
            assert_int_equal(reachable, sr_reach_count(rall));
            for (size_t i = 0; i < sr_reach_count(rall); i++) {
                const sr_reach_place *a = sr_reach_at(rall, i);
                const sr_matrix_cell *c = sr_matrix_at(mx, 0, a->place);
                assert_true(c->reachable && c->value == a->value && c->duration_h == a->duration_h);
            }
            /* Avoiding a country never makes a place cheaper to reach. */
            sr_route_options oa = o;
            oa.n_avoid_countries = 1;
            oa.avoid_countries[0] = strcmp(sr_network_place(net, s)->country, "KZ") ? "KZ" : "CN";
            sr_reach *ra = NULL;
            assert_int_equal(sr_reach_query(q, &oa, 1e12, &ra), SR_OK);
            for (size_t i = 0; i < sr_reach_count(ra); i++) {
                const sr_reach_place *a = sr_reach_at(ra, i);
                const sr_matrix_cell *c = sr_matrix_at(mx, 0, a->place);
                assert_true(c->reachable);
                /* Objective keys include the 1e-7 tie-break; allow it. */
                assert_true(a->value >= c->value - 1e-6 * (1 + c->value + c->duration_h + c->cost_usd + c->co2e_kg));
            }
            sr_reach_free(ra);
            sr_matrix_free(mx);
            sr_reach_free(r1);
            sr_reach_free(r2);
            sr_reach_free(rall);
        }
    }
    print_message("    %ld reached places checked\n", checked);
    sr_query_destroy(q);
    sr_network_close(net);
}

/* Golden: the README's all-rail Xi'an -> Almaty route (154.7 h, 3741 km,
 * via Khorgos-Altynkol; docs and corridor facts) is within a 7-day reach. */
static void test_reach_golden_xian(void **state)
{
    (void)state;
    sr_network *net = open_default();
    if (!net)
        skip();
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Xi'an";
    o.modes = SR_MODE_BIT(SR_RAIL);
    sr_reach *r = NULL;
    assert_int_equal(sr_reach_query(q, &o, 168, &r), SR_OK);
    size_t ala;
    assert_int_equal(sr_place_find(net, "KZALA", &ala), SR_OK);
    const sr_reach_place *hit = NULL;
    for (size_t i = 0; i < sr_reach_count(r); i++)
        if (sr_reach_at(r, i)->place == ala)
            hit = sr_reach_at(r, i);
    assert_non_null(hit);
    /* The same as the router's Xi'an-Almaty by rail (the calibrated network
     * moves the figures; the published rail distance is 3,866 km, +-10%). */
    o.to = "KZALA";
    sr_result *rr = NULL;
    assert_int_equal(sr_route_query(q, &o, &rr), SR_OK);
    const sr_route *rt = sr_result_route(rr, 0);
    assert_true(fabs(hit->duration_h - rt->duration_h) < 0.06);
    assert_true(fabs(hit->distance_km - rt->distance_km) < 1);
    assert_true(fabs(hit->distance_km - 3866) < 387);
    sr_result_free(rr);
    o.to = NULL;
    /* JSON and GeoJSON parse and carry bands 0..6 for seven days. */
    char *j = sr_reach_json(net, r, 7, 0);
    assert_non_null(j);
    json_error_t e;
    json_t *doc = json_loads(j, 0, &e);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "bands")), 8);
    assert_int_equal(json_array_size(json_object_get(doc, "places")), sr_reach_count(r));
    json_decref(doc);
    sr_free(j);
    char *g = sr_reach_geojson(net, r, 7, 0);
    assert_non_null(g);
    doc = json_loads(g, 0, &e);
    assert_non_null(doc);
    json_t *feats = json_object_get(doc, "features");
    size_t points = 0, lines = 0;
    for (size_t i = 0; i < json_array_size(feats); i++) {
        json_t *f = json_array_get(feats, i);
        const char *ty = json_string_value(json_object_get(json_object_get(f, "geometry"), "type"));
        json_int_t band = json_integer_value(json_object_get(json_object_get(f, "properties"), "band"));
        assert_true(band >= 0 && band < 7);
        points += !strcmp(ty, "Point");
        lines += !strcmp(ty, "LineString");
    }
    assert_int_equal(points, sr_reach_count(r));
    assert_true(lines >= 1 && lines < points);
    json_decref(doc);
    sr_free(g);
    assert_null(sr_reach_json(net, r, 0, 0));
    assert_null(sr_reach_json(net, r, 101, 0));
    sr_reach_free(r);
    /* Nearest place to the coordinates of Xi'an. */
    size_t idx, xiy;
    double km;
    assert_int_equal(sr_place_find(net, "CNXIY", &xiy), SR_OK);
    const sr_place *px = sr_network_place(net, xiy);
    assert_int_equal(sr_place_nearest(net, px->lat, px->lon, &idx, &km), SR_OK);
    assert_true(km < 1e-6);
    assert_int_equal(sr_place_nearest(net, 91, 0, &idx, NULL), SR_EARG);
    assert_int_equal(sr_place_nearest(net, NAN, 0, &idx, NULL), SR_EARG);
    sr_query_destroy(q);
    sr_network_close(net);
}

static void test_limits_and_errors(void **state)
{
    (void)state;
    sr_network *net = open_default();
    if (!net)
        skip();
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "CNXIY";
    sr_reach *r = NULL;
    assert_int_equal(sr_reach_query(q, &o, 0, &r), SR_EARG);
    assert_int_equal(sr_reach_query(q, &o, NAN, &r), SR_EARG);
    assert_int_equal(sr_reach_query(q, &o, INFINITY, &r), SR_EARG);
    assert_null(r);
    o.pareto = 1;
    assert_int_equal(sr_reach_query(q, &o, 10, &r), SR_EARG);
    o.pareto = 0;
    o.objective = SR_BY_BLEND;
    o.weight_time_h = 1;
    assert_int_equal(sr_reach_query(q, &o, 10, &r), SR_EARG);
    o.objective = SR_BY_TIME;
    o.from = "Nowhereville";
    assert_int_equal(sr_reach_query(q, &o, 10, &r), SR_EPLACE);
    assert_non_null(strstr(sr_query_errmsg(q), "unknown place"));
    o.from = "CNXIY";
    o.n_avoid_countries = 1;
    o.avoid_countries[0] = "CN";
    assert_int_equal(sr_reach_query(q, &o, 10, &r), SR_EARG);
    o.n_avoid_countries = 0;
    o.depart = 0;
    assert_int_equal(sr_reach_query(q, &o, 10, &r), SR_EARG);
    o.depart = SR_TIME_NONE;

    sr_matrix *m = NULL;
    const char *ids[2] = {"CNXIY", "KZALA"};
    const char *bad[2] = {"CNXIY", "Nowhereville"};
    assert_int_equal(sr_matrix_query(q, &o, ids, 0, ids, 2, &m), SR_EARG);
    assert_int_equal(sr_matrix_query(q, &o, ids, 2, bad, 2, &m), SR_EPLACE);
    assert_non_null(strstr(sr_query_errmsg(q), "targets[1]"));
    /* Too many cells: refused before any work or allocation. */
    const char **many = calloc(1001, sizeof *many);
    assert_non_null(many);
    for (int i = 0; i < 1001; i++)
        many[i] = "CNXIY";
    assert_int_equal(sr_matrix_query(q, &o, many, 1001, many, 1000, &m), SR_ELIMIT);
    assert_null(m);
    free(many);
    /* Avoided target: unreachable; avoided source: refused. */
    o.n_avoid = 1;
    o.avoid[0] = "KZALA";
    assert_int_equal(sr_matrix_query(q, &o, ids, 1, ids, 2, &m), SR_OK);
    assert_false(sr_matrix_at(m, 0, 1)->reachable);
    assert_null(sr_matrix_at(m, 1, 0));
    assert_int_equal(sr_matrix_source(m, 5), UINT32_MAX);
    sr_matrix_free(m);
    assert_int_equal(sr_matrix_query(q, &o, ids, 2, ids, 2, &m), SR_EARG);
    o.n_avoid = 0;
    /* JSON and CSV forms. */
    assert_int_equal(sr_matrix_query(q, &o, ids, 2, ids, 2, &m), SR_OK);
    char *j = sr_matrix_json(net, m, 0);
    json_error_t e;
    json_t *doc = json_loads(j, 0, &e);
    assert_non_null(doc);
    json_t *dur = json_object_get(doc, "duration_h");
    assert_int_equal(json_array_size(dur), 2);
    assert_true(json_number_value(json_array_get(json_array_get(dur, 0), 1)) > 24);
    assert_true(json_number_value(json_array_get(json_array_get(dur, 0), 0)) == 0);
    json_decref(doc);
    sr_free(j);
    char *c = sr_matrix_csv(net, m);
    assert_non_null(c);
    size_t lines = 0;
    for (const char *p = c; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 5);
    const char *head = "source,target,reachable,duration_h,cost_usd,co2e_kg,distance_km\nCNXIY,CNXIY,1,0,0,0,0\nCNXIY,KZALA,1,";
    if (strncmp(c, head, strlen(head)))
        fail_msg("CSV starts with: %.200s", c);
    sr_free(c);
    sr_matrix_free(m);
    sr_query_destroy(q);
    sr_network_close(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_vs_router_random), cmocka_unit_test(test_matrix_vs_router_default),
        cmocka_unit_test(test_reach_properties),        cmocka_unit_test(test_reach_golden_xian),
        cmocka_unit_test(test_limits_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
