/*
 * test_scenarios.c - golden scenarios on the default dataset (data/), each
 * checked by a person against ../shared/corridor-facts.md:
 *  - Xi'an -> Almaty by rail crosses China-Kazakhstan with one gauge change,
 *    about 3,866 km (chinadaily 2013) in 6-9 days;
 *  - Xi'an -> Tashkent by rail about 4,486 km via Khorgos and Saryagash;
 *  - Chongqing -> Duisburg by rail about 11,179 km in 13-16 days as
 *    published for the route via Xi'an, less the ~650 km that the
 *    Lanzhou-Chongqing railway (2017, railwaygazette) cuts off;
 *  - Xi'an -> Moscow by rail through Kazakhstan about 7,251 km (the fastest
 *    route now runs through Erenhot and Mongolia, about 8,300 km);
 *  - Xi'an -> Baku over the Trans-Caspian route about 11 days;
 *  - Kashgar -> Tashkent avoiding Kazakhstan crosses into Kyrgyzstan;
 *  - from 2031 Kashgar -> Andijan by rail runs over the China-Kyrgyzstan-
 *    Uzbekistan line with its gauge change at Makmal.
 * Distances are checked within 6% of the published figures (published
 * figures round and lines differ slightly by routing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "silkroute.h"
#include "util.h"

static sr_network *net;
static sr_query *q;

static int setup(void **st)
{
    (void)st;
    return tu_open_data("data", &net, &q);
}

static int teardown(void **st)
{
    (void)st;
    tu_close_data(net, q);
    return 0;
}

static sr_result *route(const char *from, const char *to, sr_objective by, unsigned modes, int year,
                        const char *avoid_country)
{
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = from;
    o.to = to;
    o.objective = by;
    o.modes = modes;
    o.year = year;
    if (avoid_country)
        o.avoid_countries[o.n_avoid_countries++] = avoid_country;
    sr_result *r = NULL;
    sr_code c = sr_route_query(q, &o, &r);
    if (c != SR_OK)
        fail_msg("%s -> %s: %s: %s", from, to, sr_code_name(c), sr_query_errmsg(q));
    return r;
}

static int country_pair(const sr_route *r, const char *a, const char *b)
{
    for (size_t i = 0; i < r->n_crossings; i++)
        if ((!strcmp(r->crossings[i].from_country, a) && !strcmp(r->crossings[i].to_country, b)))
            return 1;
    return 0;
}

static size_t gauge_changes(const sr_route *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_transfers; i++)
        n += r->transfers[i].kind == SR_GAUGE_CHANGE;
    return n;
}

static void within(const char *what, double v, double lo, double hi)
{
    if (!(v >= lo && v <= hi))
        fail_msg("%s = %.1f, expected %.1f..%.1f", what, v, lo, hi);
}

#define RAIL SR_MODE_BIT(SR_RAIL)

static void names_in_any_language(void **st)
{
    (void)st;
    size_t a, b;
    static const char *const xian[] = {"Xi'an", "xian", "XIAN", "西安", "Сиань"};
    assert_int_equal(sr_place_find(net, xian[0], &a), SR_OK);
    for (size_t i = 1; i < 5; i++) {
        if (sr_place_find(net, xian[i], &b) != SR_OK)
            fail_msg("'%s' not found", xian[i]);
        assert_int_equal(a, b);
    }
    assert_int_equal(sr_place_find(net, "Алматы", &a), SR_OK);
    assert_int_equal(sr_place_find(net, "almaty", &b), SR_OK);
    assert_int_equal(a, b);
}

static void xian_almaty_rail(void **st)
{
    (void)st;
    sr_result *res = route("Xi'an", "Almaty", SR_BY_TIME, RAIL, 0, NULL);
    const sr_route *r = sr_result_route(res, 0);
    assert_true(country_pair(r, "CN", "KZ"));
    assert_int_equal(gauge_changes(r), 1);
    within("Xi'an-Almaty km", r->distance_km, 3866 * 0.94, 3866 * 1.06);
    within("Xi'an-Almaty days", r->duration_h / 24, 5, 10);
    sr_result_free(res);
}

static void xian_tashkent_rail(void **st)
{
    (void)st;
    sr_result *res = route("Xi'an", "Tashkent", SR_BY_TIME, RAIL, 0, NULL);
    const sr_route *r = sr_result_route(res, 0);
    within("Xi'an-Tashkent days", r->duration_h / 24, 5, 11);
    assert_true(country_pair(r, "KZ", "UZ"));
    sr_result_free(res);
    /* The published 4,486 km are those of the route through Khorgos; the
     * calibrated dwell there (a market report of about 9 days Xi'an-Almaty
     * via Khorgos) can make the longer Dostyk route the faster one, so the
     * distance is checked on the Khorgos route itself. */
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Xi'an";
    o.to = "Tashkent";
    o.modes = RAIL;
    o.avoid[o.n_avoid++] = "X-ALASHANKOU-DOSTYK-RAIL";
    assert_int_equal(sr_route_query(q, &o, &res), SR_OK);
    r = sr_result_route(res, 0);
    within("Xi'an-Tashkent km via Khorgos", r->distance_km, 4486 * 0.94, 4486 * 1.06);
    sr_result_free(res);
}

static void chongqing_duisburg_rail(void **st)
{
    (void)st;
    sr_result *res = route("Chongqing", "Duisburg", SR_BY_TIME, RAIL, 0, NULL);
    const sr_route *r = sr_result_route(res, 0);
    /* Since 2017 the trains run Chongqing-Lanzhou directly, about 650 km
     * shorter than the 11,179 km published for the route via Xi'an. */
    within("Chongqing-Duisburg km", r->distance_km, (11179 - 650) * 0.94, (11179 - 650) * 1.06);
    within("Chongqing-Duisburg days", r->duration_h / 24, 12, 18);
    /* Two gauge breaks: into the 1520 mm area and out of it at Brest. */
    assert_int_equal(gauge_changes(r), 2);
    sr_result_free(res);
}

static void xian_moscow_rail(void **st)
{
    (void)st;
    /* The published 7,251 km is the route through Kazakhstan; without
     * that constraint the fastest route goes through Mongolia. */
    sr_result *res = route("Xi'an", "Moscow", SR_BY_TIME, RAIL, 0, "MN");
    const sr_route *r = sr_result_route(res, 0);
    assert_true(country_pair(r, "CN", "KZ"));
    within("Xi'an-Moscow km", r->distance_km, 7251 * 0.94, 7251 * 1.06);
    sr_result_free(res);
}

static void xian_baku_trans_caspian(void **st)
{
    (void)st;
    /* Rail and sea only: over the Caspian, and avoiding Russia. */
    sr_result *res = route("Xi'an", "Baku", SR_BY_TIME, RAIL | SR_MODE_BIT(SR_SEA), 0, "RU");
    const sr_route *r = sr_result_route(res, 0);
    int sea = 0;
    for (size_t i = 0; i < r->n_legs; i++)
        sea |= r->legs[i].mode == SR_SEA;
    assert_true(sea);
    within("Xi'an-Baku days", r->duration_h / 24, 8, 16);
    sr_result_free(res);
}

static void kashgar_tashkent_avoiding_kazakhstan(void **st)
{
    (void)st;
    sr_result *res = route("Kashgar", "Tashkent", SR_BY_TIME, SR_MODES_ALL, 0, "KZ");
    const sr_route *r = sr_result_route(res, 0);
    assert_true(country_pair(r, "CN", "KG"));
    for (size_t i = 0; i < r->n_legs; i++) {
        assert_string_not_equal(sr_network_place(net, r->legs[i].to)->country, "KZ");
    }
    sr_result_free(res);
}

static void cku_railway_from_2031(void **st)
{
    (void)st;
    sr_result *res = route("Kashgar", "Andijan", SR_BY_TIME, RAIL, 2031, NULL);
    const sr_route *r = sr_result_route(res, 0);
    assert_true(country_pair(r, "CN", "KG"));
    assert_true(country_pair(r, "KG", "UZ"));
    assert_int_equal(gauge_changes(r), 1);
    size_t at = 0;
    for (size_t i = 0; i < r->n_transfers; i++)
        if (r->transfers[i].kind == SR_GAUGE_CHANGE)
            at = r->transfers[i].at;
    const sr_place *p = sr_network_place(net, at);
    if (!strstr(p->name_en, "Makmal"))
        fail_msg("gauge change at %s, expected Makmal", p->name_en);
    sr_result_free(res);
    /* Before the line opens, rail alone cannot do it without Kazakhstan. */
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Kashgar";
    o.to = "Andijan";
    o.modes = RAIL;
    o.year = 2026;
    o.avoid_countries[o.n_avoid_countries++] = "KZ";
    sr_result *none = NULL;
    assert_int_equal(sr_route_query(q, &o, &none), SR_ENOROUTE);
}

static void pareto_on_a_long_route(void **st)
{
    (void)st;
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Xi'an";
    o.to = "Duisburg";
    o.pareto = 1;
    sr_result *res = NULL;
    assert_int_equal(sr_route_query(q, &o, &res), SR_OK);
    size_t n = sr_result_count(res);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            const sr_route *a = sr_result_route(res, i), *b = sr_result_route(res, j);
            if (i != j && a->duration_h <= b->duration_h && a->cost_usd <= b->cost_usd && a->co2e_kg <= b->co2e_kg)
                fail_msg("option %zu dominates option %zu", i, j);
        }
    sr_result_free(res);
}

/* With a tolerance the options are a subset of the exact set that keeps
 * each criterion's optimum and covers every dropped option within it. */
static void pareto_tolerance_thins(void **st)
{
    (void)st;
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Xi'an";
    o.to = "Baku";
    o.pareto = 1;
    sr_result *all = NULL, *thin = NULL;
    assert_int_equal(sr_route_query(q, &o, &all), SR_OK);
    o.pareto_tolerance = 0.05;
    assert_int_equal(sr_route_query(q, &o, &thin), SR_OK);
    size_t na = sr_result_count(all), nt = sr_result_count(thin);
    assert_true(nt >= 1 && nt < na);
    double best[3] = {1e300, 1e300, 1e300}, tbest[3] = {1e300, 1e300, 1e300};
    for (size_t i = 0; i < na; i++) {
        const sr_route *a = sr_result_route(all, i);
        best[0] = fmin(best[0], a->duration_h);
        best[1] = fmin(best[1], a->cost_usd);
        best[2] = fmin(best[2], a->co2e_kg);
        int covered = 0, member = 0;
        for (size_t j = 0; j < nt; j++) {
            const sr_route *t = sr_result_route(thin, j);
            covered |= t->duration_h <= a->duration_h * 1.05 && t->cost_usd <= a->cost_usd * 1.05 &&
                       t->co2e_kg <= a->co2e_kg * 1.05;
            member |= t->duration_h == a->duration_h && t->cost_usd == a->cost_usd && t->co2e_kg == a->co2e_kg;
        }
        assert_true(covered || member);
    }
    for (size_t j = 0; j < nt; j++) {
        const sr_route *t = sr_result_route(thin, j);
        tbest[0] = fmin(tbest[0], t->duration_h);
        tbest[1] = fmin(tbest[1], t->cost_usd);
        tbest[2] = fmin(tbest[2], t->co2e_kg);
    }
    for (int k = 0; k < 3; k++)
        assert_true(tbest[k] == best[k]);
    sr_result_free(all);
    sr_result_free(thin);
    o.pareto_tolerance = -1;
    assert_int_equal(sr_route_query(q, &o, &thin), SR_EARG);
}

static void dataset_is_valid_and_large_enough(void **st)
{
    (void)st;
    assert_int_equal(sr_check_data("data", NULL, NULL), 0);
    assert_true(sr_network_place_count(net) >= 100);
    assert_true(sr_network_link_count(net) >= 250);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dataset_is_valid_and_large_enough),
        cmocka_unit_test(names_in_any_language),
        cmocka_unit_test(xian_almaty_rail),
        cmocka_unit_test(xian_tashkent_rail),
        cmocka_unit_test(chongqing_duisburg_rail),
        cmocka_unit_test(xian_moscow_rail),
        cmocka_unit_test(xian_baku_trans_caspian),
        cmocka_unit_test(kashgar_tashkent_avoiding_kazakhstan),
        cmocka_unit_test(cku_railway_from_2031),
        cmocka_unit_test(pareto_on_a_long_route),
        cmocka_unit_test(pareto_tolerance_thins),
    };
    return cmocka_run_group_tests_name("scenarios", tests, setup, teardown);
}
