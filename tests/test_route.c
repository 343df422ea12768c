/*
 * test_route.c - golden answers of the router on the hand-made mini
 * dataset (tests/data/mini), each checked by hand:
 *   road   AAORI-AA-BORDER-BB-BORDER-BBDST   9.5 h, 630 USD, 336 kg (40ft)
 *   rail   same posts, gauge change at BB-BORDER: 20 h, 565 USD, 84 kg
 *   sea    via AAPRT-BBPRT ferry: 17.53 h, 1044 USD, 442 kg
 *   air    AAAIR-BBAIR, tonnes only: 4.725 h
 *   new    planned line from 2030 via CCNEW/BB-NEWPOST (rail only: 17 h)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "silkroute.h"

static sr_network *net;
static sr_query *q;

static int setup(void **st)
{
    (void)st;
    if (sr_network_open("tests/data/mini", &net) != SR_OK)
        return -1;
    return sr_query_create(net, &q) == SR_OK ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    sr_query_destroy(q);
    sr_network_close(net);
    return 0;
}

static void opts(sr_route_options *o)
{
    sr_route_options_init(o);
    o->from = "AAORI";
    o->to = "BBDST";
}

static const sr_route *run(sr_route_options *o, sr_result **r)
{
    sr_code c = sr_route_query(q, o, r);
    if (c != SR_OK)
        fail_msg("query failed: %s: %s", sr_code_name(c), sr_query_errmsg(q));
    assert_int_equal(sr_result_count(*r), 1);
    return sr_result_route(*r, 0);
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-3)

static const char *leg_to(const sr_route *r, size_t i) { return sr_network_place(net, r->legs[i].to)->id; }

static void fastest_is_road(void **st)
{
    (void)st;
    sr_route_options o;
    sr_result *res;
    opts(&o);
    const sr_route *r = run(&o, &res);
    NEAR(r->duration_h, 9.5);
    NEAR(r->cost_usd, 630);
    NEAR(r->co2e_kg, 336);
    NEAR(r->distance_km, 210);
    assert_int_equal(r->n_legs, 3);
    assert_int_equal(r->legs[0].mode, SR_ROAD);
    assert_int_equal(r->n_transfers, 0);
    assert_int_equal(r->n_crossings, 1);
    assert_string_equal(r->crossings[0].from_country, "AA");
    assert_string_equal(r->crossings[0].to_country, "BB");
    NEAR(r->crossings[0].dwell_h, 6);
    assert_string_equal(sr_network_crossing(net, (size_t)r->crossings[0].crossing)->id, "X-ROAD");
    sr_result_free(res);
}

static void cheapest_and_greenest_is_rail_with_gauge_change(void **st)
{
    (void)st;
    sr_route_options o;
    sr_result *res;
    for (int obj = SR_BY_COST; obj <= SR_BY_CO2; obj++) {
        opts(&o);
        o.objective = (sr_objective)obj;
        const sr_route *r = run(&o, &res);
        NEAR(r->duration_h, 20);
        NEAR(r->cost_usd, 565);
        NEAR(r->co2e_kg, 84);
        assert_int_equal(r->n_transfers, 1);
        assert_int_equal(r->transfers[0].kind, SR_GAUGE_CHANGE);
        assert_string_equal(sr_network_place(net, r->transfers[0].at)->id, "BB-BORDER");
        assert_int_equal(r->transfers[0].from_class, SR_CLASS_RAIL1435);
        assert_int_equal(r->transfers[0].to_class, SR_CLASS_RAIL1520);
        assert_int_equal(r->legs[2].gauge_mm, 1520);
        NEAR(r->crossings[0].fee_usd, 100);
        sr_result_free(res);
    }
}

static void pareto_set(void **st)
{
    (void)st;
    sr_route_options o;
    sr_result *res;
    opts(&o);
    o.pareto = 1;
    assert_int_equal(sr_route_query(q, &o, &res), SR_OK);
    /* Sea is dominated by road (slower, dearer, dirtier). */
    assert_int_equal(sr_result_count(res), 2);
    NEAR(sr_result_route(res, 0)->duration_h, 9.5);
    NEAR(sr_result_route(res, 1)->duration_h, 20);
    sr_result_free(res);
}

static void avoid_crossing_and_place(void **st)
{
    (void)st;
    sr_route_options o;
    sr_result *res;
    opts(&o);
    o.avoid[o.n_avoid++] = "X-ROAD";
    const sr_route *r = run(&o, &res);
    NEAR(r->duration_h, 130.0 / 60 + 4 + 130.0 / 25 + 4 + 130.0 / 60);
    assert_string_equal(leg_to(r, 0), "AAPRT");
    assert_int_equal(r->n_transfers, 2);
    assert_int_equal(r->transfers[0].kind, SR_MODE_CHANGE);
    sr_result_free(res);
    opts(&o);
    o.avoid[o.n_avoid++] = "Border West"; /* by name */
    r = run(&o, &res);
    assert_string_equal(leg_to(r, 0), "AAPRT");
    sr_result_free(res);
}

static void modes_year_transfers_units(void **st)
{
    (void)st;
    sr_route_options o;
    sr_result *res;
    /* Rail only, today: the old line. */
    opts(&o);
    o.modes = SR_MODE_BIT(SR_RAIL);
    const sr_route *r = run(&o, &res);
    NEAR(r->duration_h, 20);
    sr_result_free(res);
    /* Rail only from 2031: the new line with its gauge change at the new post. */
    o.year = 2031;
    r = run(&o, &res);
    NEAR(r->duration_h, 3 + 1 + 8 + 3 + 2);
    assert_string_equal(leg_to(r, 0), "CCNEW");
    assert_string_equal(sr_network_place(net, r->transfers[0].at)->id, "BB-NEWPOST");
    sr_result_free(res);
    /* Before it opens: the old line. */
    o.year = 2029;
    r = run(&o, &res);
    NEAR(r->duration_h, 20);
    sr_result_free(res);
    /* No transfers allowed: by cost the road wins over the rail's gauge change. */
    opts(&o);
    o.objective = SR_BY_COST;
    o.max_transfers = 0;
    r = run(&o, &res);
    NEAR(r->cost_usd, 630);
    sr_result_free(res);
    /* Rail only, no transfers: impossible. */
    o.modes = SR_MODE_BIT(SR_RAIL);
    assert_int_equal(sr_route_query(q, &o, &res), SR_ENOROUTE);
    assert_null(res);
    assert_non_null(strstr(sr_query_errmsg(q), "no route"));
    /* Tonnes may fly; containers may not. */
    opts(&o);
    o.unit = SR_UNIT_T;
    r = run(&o, &res);
    NEAR(r->duration_h, 0.25 + 2 + 0.225 + 2 + 0.25);
    assert_int_equal(r->legs[1].mode, SR_AIR);
    sr_result_free(res);
    opts(&o);
    o.modes = SR_MODE_BIT(SR_AIR) | SR_MODE_BIT(SR_ROAD);
    o.avoid[o.n_avoid++] = "X-ROAD";
    assert_int_equal(sr_route_query(q, &o, &res), SR_ENOROUTE);
    /* Quantity scales cost and CO2e, not time. */
    opts(&o);
    o.quantity = 3;
    r = run(&o, &res);
    NEAR(r->duration_h, 9.5);
    NEAR(r->cost_usd, 3 * 630);
    NEAR(r->co2e_kg, 3 * 336);
    sr_result_free(res);
    /* A blend that prices time cheaply picks the cheap rail. */
    opts(&o);
    o.objective = SR_BY_BLEND;
    o.weight_time_h = 1;
    o.weight_cost_usd = 1;
    r = run(&o, &res);
    NEAR(r->cost_usd, 565);
    sr_result_free(res);
}

static void bad_arguments(void **st)
{
    (void)st;
    sr_route_options o;
    sr_result *res = (sr_result *)1;
    opts(&o);
    o.to = "Destinaton";
    assert_int_equal(sr_route_query(q, &o, &res), SR_EPLACE);
    assert_null(res);
    assert_non_null(strstr(sr_query_errmsg(q), "to: unknown place 'Destinaton'; did you mean: Destination (BBDST)"));
    opts(&o);
    o.to = "AAORI";
    assert_int_equal(sr_route_query(q, &o, &res), SR_EARG);
    opts(&o);
    o.avoid_countries[o.n_avoid_countries++] = "BB";
    assert_int_equal(sr_route_query(q, &o, &res), SR_EARG);
    assert_non_null(strstr(sr_query_errmsg(q), "destination"));
    opts(&o);
    o.avoid_countries[o.n_avoid_countries++] = "xx";
    assert_int_equal(sr_route_query(q, &o, &res), SR_EARG);
    opts(&o);
    o.avoid[o.n_avoid++] = "Nowhere";
    assert_int_equal(sr_route_query(q, &o, &res), SR_EPLACE);
    opts(&o);
    o.modes = 0;
    assert_int_equal(sr_route_query(q, &o, &res), SR_EARG);
    opts(&o);
    o.quantity = -1;
    assert_int_equal(sr_route_query(q, &o, &res), SR_EARG);
    opts(&o);
    o.objective = SR_BY_BLEND;
    assert_int_equal(sr_route_query(q, &o, &res), SR_EARG); /* all weights zero */
    opts(&o);
    o.max_transfers = 1000;
    assert_int_equal(sr_route_query(q, &o, &res), SR_EARG);
    opts(&o);
    o.pareto = 1;
    o.max_labels = 3;
    assert_int_equal(sr_route_query(q, &o, &res), SR_ELIMIT);
    assert_int_equal(sr_route_query(q, NULL, &res), SR_EARG);
    assert_int_equal(sr_route_query(q, &o, NULL), SR_EARG);
}

static void json_contract(void **st)
{
    (void)st;
    sr_route_options o;
    sr_result *res;
    opts(&o);
    o.objective = SR_BY_COST;
    run(&o, &res);
    char *j = sr_result_json(net, res, 0);
    assert_non_null(j);
    static const char *const keys[] = {"\"code\":\"Ok\"", "\"routes\":[", "\"duration_h\":", "\"distance_km\":",
                                       "\"cost_usd\":", "\"co2e_kg\":", "\"legs\":[", "\"from\":{\"id\":\"AAORI\"",
                                       "\"mode\":\"rail\"", "\"gauge_mm\":1435", "\"transfers\":[",
                                       "\"kind\":\"gauge_change\"", "\"border_crossings\":[", "\"from_country\":\"AA\"",
                                       "\"to_country\":\"BB\"", "\"dwell_h\":10"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strstr(j, keys[i]))
            fail_msg("JSON lacks %s: %s", keys[i], j);
    sr_free(j);
    j = sr_result_geojson(net, res, 0);
    assert_non_null(strstr(j, "\"type\":\"FeatureCollection\""));
    assert_non_null(strstr(j, "\"LineString\""));
    sr_free(j);
    sr_result_free(res);
    /* The ferry's drawn geometry, forwards and backwards. */
    opts(&o);
    o.avoid[o.n_avoid++] = "X-ROAD";
    run(&o, &res);
    j = sr_result_geojson(net, res, 0);
    assert_non_null(strstr(j, "[[100.5,39.0],[100.8,38.8],[101.2,38.8],[101.5,39.0]]"));
    sr_free(j);
    sr_result_free(res);
    opts(&o);
    o.from = "BBDST";
    o.to = "AAORI";
    o.avoid[o.n_avoid++] = "X-ROAD";
    run(&o, &res);
    j = sr_result_geojson(net, res, 0);
    assert_non_null(strstr(j, "[[101.5,39.0],[101.2,38.8],[100.8,38.8],[100.5,39.0]]"));
    sr_free(j);
    sr_result_free(res);
    j = sr_network_geojson(net, SR_MODE_BIT(SR_SEA), 0, 0);
    assert_non_null(strstr(j, "[[100.5,39.0],[100.8,38.8],[101.2,38.8],[101.5,39.0]]"));
    sr_free(j);
    j = sr_error_json(SR_ENOROUTE, "no way", 0);
    assert_string_equal(j, "{\"code\":\"NoRoute\",\"message\":\"no way\"}");
    sr_free(j);
    j = sr_error_json(SR_EARG, "bad \xff utf8", 0); /* still valid JSON */
    assert_non_null(strstr(j, "BadArgument"));
    sr_free(j);
    j = sr_network_geojson(net, SR_MODES_ALL, 0, 0);
    assert_null(strstr(j, "\"id\":\"L13\"")); /* planned: not in today's network */
    sr_free(j);
    j = sr_network_geojson(net, SR_MODES_ALL, -1, 0);
    assert_non_null(strstr(j, "\"id\":\"L13\""));
    assert_non_null(strstr(j, "\"status\":\"planned\""));
    sr_free(j);
}

static void errors_and_names(void **st)
{
    (void)st;
    assert_string_equal(sr_code_name(SR_ENOROUTE), "NoRoute");
    assert_string_equal(sr_strerror(SR_OK), "success");
    assert_string_equal(sr_code_name((sr_code)999), "UnknownError");
    assert_int_equal(sr_mode_parse("sea"), SR_SEA);
    assert_int_equal(sr_mode_parse("boat"), -1);
    assert_int_equal(sr_unit_parse("20ft"), SR_UNIT_20FT);
    assert_string_equal(sr_class_name(SR_CLASS_RAIL1520), "rail1520");
    assert_string_equal(sr_place_kind_name(SR_PLACE_DRY_PORT), "dry_port");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fastest_is_road),
        cmocka_unit_test(cheapest_and_greenest_is_rail_with_gauge_change),
        cmocka_unit_test(pareto_set),
        cmocka_unit_test(avoid_crossing_and_place),
        cmocka_unit_test(modes_year_transfers_units),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(json_contract),
        cmocka_unit_test(errors_and_names),
    };
    return cmocka_run_group_tests_name("route", tests, setup, teardown);
}
