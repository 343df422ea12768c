/*
 * test_segments.c - corridor segments (sr_route_segments()): on routes over
 * the built-in data they partition the legs, keep one mode, gauge, country
 * and service each, end at every border and transfer, and add up to the
 * route's leg sums; the JSON answer carries them beside the legs, and legs
 * carry drawn geometry only when asked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "silkroute.h"

static sr_network *net;

static int setup(void **st)
{
    (void)st;
    return sr_network_open("data", &net) == SR_OK ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    sr_network_close(net);
    return 0;
}

/* Every property of the grouping for one route. */
static void check_route(const sr_route *r)
{
    size_t n = sr_route_segments(net, r, NULL, 0);
    assert_true(n >= 1 && n <= r->n_legs);
    sr_segment *sg = calloc(n, sizeof *sg);
    assert_int_equal(sr_route_segments(net, r, sg, n), n);
    size_t next = 0;
    double km = 0, h = 0, usd = 0, co2 = 0;
    for (size_t i = 0; i < n; i++) {
        const sr_segment *g = &sg[i];
        assert_int_equal(g->first_leg, next);            /* a partition, in order */
        assert_true(g->n_legs >= 1);
        next = g->first_leg + g->n_legs;
        assert_int_equal(g->from, r->legs[g->first_leg].from);
        assert_int_equal(g->to, r->legs[next - 1].to);
        double gkm = 0;
        for (size_t k = g->first_leg; k < next; k++) {
            const sr_leg *l = &r->legs[k];
            assert_int_equal(l->mode, g->mode);
            if (l->mode == SR_RAIL)
                assert_int_equal(l->gauge_mm, g->gauge_mm);
            assert_string_equal(sr_network_place(net, l->from)->country, g->country);
            gkm += l->distance_km;
            /* Borders and transfers only ever at a segment's last leg. */
            for (size_t c = 0; c < r->n_crossings; c++)
                if (r->crossings[c].leg == k)
                    assert_int_equal(k, next - 1);
            for (size_t t = 0; t < r->n_transfers; t++)
                if (r->transfers[t].after_leg == k && k + 1 < r->n_legs)
                    assert_int_equal(k, next - 1);
        }
        assert_true(fabs(gkm - g->distance_km) < 1e-6);
        km += g->distance_km;
        h += g->duration_h;
        usd += g->cost_usd;
        co2 += g->co2e_kg;
    }
    assert_int_equal(next, r->n_legs);
    double lkm = 0, lh = 0, lusd = 0, lco2 = 0;
    for (size_t k = 0; k < r->n_legs; k++) {
        lkm += r->legs[k].distance_km;
        lh += r->legs[k].duration_h;
        lusd += r->legs[k].cost_usd;
        lco2 += r->legs[k].co2e_kg;
    }
    assert_true(fabs(km - lkm) < 1e-6 && fabs(h - lh) < 1e-6 && fabs(usd - lusd) < 1e-6 && fabs(co2 - lco2) < 1e-6);
    /* A small cap stores only what fits and still counts all. */
    sr_segment one;
    assert_int_equal(sr_route_segments(net, r, &one, 1), n);
    assert_int_equal(one.first_leg, 0);
    free(sg);
}

/* Properties on Pareto sets between many pairs of the built-in network. */
static void test_properties(void **st)
{
    (void)st;
    sr_query *q;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    size_t np = sr_network_place_count(net), routes = 0;
    for (size_t a = 0; a < np; a += 7) {
        for (size_t b = 3; b < np; b += 11) {
            if (a == b)
                continue;
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = sr_network_place(net, a)->id;
            o.to = sr_network_place(net, b)->id;
            o.pareto = (a + b) % 2;
            sr_result *res = NULL;
            if (sr_route_query(q, &o, &res) != SR_OK)
                continue;
            for (size_t i = 0; i < sr_result_count(res); i++, routes++)
                check_route(sr_result_route(res, i));
            sr_result_free(res);
        }
    }
    sr_query_destroy(q);
    assert_true(routes > 100);
}

static sr_result *route(const char *from, const char *to, unsigned modes)
{
    sr_query *q;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = from;
    o.to = to;
    if (modes)
        o.modes = modes;
    sr_result *res = NULL;
    assert_int_equal(sr_route_query(q, &o, &res), SR_OK);
    sr_query_destroy(q);
    return res;
}

/* Chongqing -> Duisburg by rail: a segment per country and gauge, with the
 * gauge changes (Dostyk or Altynkol, Malaszewicze) between segments. */
static void test_rail_to_europe(void **st)
{
    (void)st;
    sr_result *res = route("Chongqing", "Duisburg", SR_MODE_BIT(SR_RAIL));
    const sr_route *r = sr_result_route(res, 0);
    sr_segment sg[64];
    size_t n = sr_route_segments(net, r, sg, 64);
    assert_true(n < r->n_legs);            /* grouping shortens the table */
    assert_string_equal(sg[0].country, "CN");
    assert_int_equal(sg[0].gauge_mm, 1435);
    assert_string_equal(sg[n - 1].country, "DE");
    assert_int_equal(sg[n - 1].gauge_mm, 1435);
    int saw1520 = 0;
    for (size_t i = 0; i < n; i++)
        saw1520 |= sg[i].gauge_mm == 1520;
    assert_true(saw1520);
    sr_result_free(res);
}

/* The JSON answer: "segments" beside "legs"; "geometry" on legs only with
 * SR_JSON_GEOMETRY, as a LineString from the leg's start to its end. */
static void test_json(void **st)
{
    (void)st;
    sr_result *res = route("Xi'an", "Almaty", 0);
    const sr_route *r = sr_result_route(res, 0);
    char *plain = sr_result_json(net, res, 0), *geo = sr_result_json(net, res, SR_JSON_GEOMETRY);
    json_error_t e;
    json_t *a = json_loads(plain, 0, &e), *b = json_loads(geo, 0, &e);
    assert_non_null(a);
    assert_non_null(b);
    json_t *ra = json_array_get(json_object_get(a, "routes"), 0);
    json_t *segs = json_object_get(ra, "segments");
    assert_true(json_is_array(segs));
    assert_int_equal(json_array_size(segs), sr_route_segments(net, r, NULL, 0));
    json_t *leg0 = json_array_get(json_object_get(ra, "legs"), 0);
    assert_null(json_object_get(leg0, "geometry"));
    json_t *rb = json_array_get(json_object_get(b, "routes"), 0);
    json_t *legs = json_object_get(rb, "legs");
    for (size_t i = 0; i < json_array_size(legs); i++) {
        json_t *g = json_object_get(json_array_get(legs, i), "geometry");
        assert_string_equal(json_string_value(json_object_get(g, "type")), "LineString");
        json_t *c = json_object_get(g, "coordinates");
        assert_true(json_array_size(c) >= 2);
        const sr_place *from = sr_network_place(net, r->legs[i].from);
        json_t *p0 = json_array_get(c, 0);
        assert_true(fabs(json_real_value(json_array_get(p0, 0)) - from->lon) < 1e-5);
        assert_true(fabs(json_real_value(json_array_get(p0, 1)) - from->lat) < 1e-5);
    }
    assert_true(strlen(geo) > strlen(plain));
    json_decref(a);
    json_decref(b);
    sr_free(plain);
    sr_free(geo);
    sr_result_free(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_rail_to_europe),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
