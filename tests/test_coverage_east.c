/*
 * test_coverage_east.c - golden scenarios and line-length checks for the
 * eastern half of the default dataset (China, Mongolia, Russia and the
 * Russia-Kazakhstan border), each checked by a person against the sources
 * cited here and in data/sources.csv:
 *  - Harbin -> Moscow by rail leaves China at Manzhouli with the gauge
 *    change at Zabaykalsk; its length is Moscow-Beijing via Manchuria
 *    (8,961 km, S-east-transmanchurian) less Beijing-Harbin (1,249 km,
 *    S-east-wiki-jingha);
 *  - Zhengzhou -> Moscow avoiding Kazakhstan runs through Erenhot,
 *    Ulaanbaatar and Naushki with the gauge change at Zamyn-Uud (the
 *    middle corridor: S-east-people-2025-erenhot, a Qingdao-Erenhot-Moscow
 *    train of about two weeks);
 *  - Chongqing -> Moscow uses the Lanzhou-Chongqing railway (2017);
 *  - Guangzhou and Shenzhen -> Almaty cross into Kazakhstan by rail with
 *    one gauge change (S-east-macaudaily-2022-nansha, S-east-szhy-2017-
 *    shenzhen: trains leave China at Alashankou);
 *  - with every mode allowed no route hops the border by truck at the rail
 *    border stations (Manzhouli, Zabaykalsk, Erenhot, Suifenhe);
 *  - rail prices from Qingdao, Shanghai and Tianjin to Moscow within 10% of
 *    the 2023 market range USD 6,000-7,000 per 40ft;
 *  - at least 30 Chinese cities that run China-Europe or China-Central
 *    Asia trains reach Moscow and Almaty by rail;
 *  - the distance table: well-known lines within 10% of their published
 *    lengths.
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

#define RAIL SR_MODE_BIT(SR_RAIL)

/* Route by time over `modes`, avoiding the countries and places listed in
 * the two comma-free NULL-terminated lists. */
static sr_result *route(const char *from, const char *to, unsigned modes, const char *const *avoid_countries,
                        const char *const *avoid_places)
{
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = from;
    o.to = to;
    o.modes = modes;
    for (size_t i = 0; avoid_countries && avoid_countries[i]; i++)
        o.avoid_countries[o.n_avoid_countries++] = avoid_countries[i];
    for (size_t i = 0; avoid_places && avoid_places[i]; i++)
        o.avoid[o.n_avoid++] = avoid_places[i];
    sr_result *r = NULL;
    sr_code c = sr_route_query(q, &o, &r);
    if (c != SR_OK)
        fail_msg("%s -> %s: %s: %s", from, to, sr_code_name(c), sr_query_errmsg(q));
    return r;
}

static int crosses(const sr_route *r, const char *a, const char *b)
{
    for (size_t i = 0; i < r->n_crossings; i++)
        if (!strcmp(r->crossings[i].from_country, a) && !strcmp(r->crossings[i].to_country, b))
            return 1;
    return 0;
}

static int passes(const sr_route *r, const char *place_id)
{
    for (size_t i = 0; i < r->n_legs; i++)
        if (!strcmp(sr_network_place(net, r->legs[i].from)->id, place_id) ||
            !strcmp(sr_network_place(net, r->legs[i].to)->id, place_id))
            return 1;
    return 0;
}

static size_t gauge_changes(const sr_route *r, const char **at)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_transfers; i++)
        if (r->transfers[i].kind == SR_GAUGE_CHANGE) {
            n++;
            if (at)
                *at = sr_network_place(net, r->transfers[i].at)->id;
        }
    return n;
}

static void within(const char *what, double v, double lo, double hi)
{
    if (!(v >= lo && v <= hi))
        fail_msg("%s = %.1f, expected %.1f..%.1f", what, v, lo, hi);
}

static void harbin_moscow_through_manzhouli(void **st)
{
    (void)st;
    sr_result *res = route("Harbin", "Moscow", RAIL, NULL, NULL);
    const sr_route *r = sr_result_route(res, 0);
    assert_true(crosses(r, "CN", "RU"));
    assert_true(passes(r, "CN-MANZHOULI"));
    assert_int_equal(r->n_crossings, 1);
    const char *at = NULL;
    assert_int_equal(gauge_changes(r, &at), 1);
    assert_string_equal(at, "RU-ZABAYKALSK");
    within("Harbin-Moscow km", r->distance_km, (8961 - 1249) * 0.9, (8961 - 1249) * 1.1);
    within("Harbin-Moscow days", r->duration_h / 24, 6, 14);
    sr_result_free(res);
}

static void zhengzhou_moscow_through_mongolia(void **st)
{
    (void)st;
    /* Without Kazakhstan and the two north-eastern crossings the route must take the central
     * corridor.  Manzhouli is avoided since the calibration of issue 10 (obs10): the central
     * corridor's published times (Qingdao and Tianjin to Moscow via Erenhot, 14-15 days) fit
     * the Erenhot-Zamyn-Uud dwell to about 47 h, which makes Manzhouli the faster way from
     * Zhengzhou; this test is about the Mongolian line being there, not about which is faster. */
    static const char *const kz[] = {"KZ", NULL};
    static const char *const ne[] = {"CN-MANZHOULI", "CN-SUIFENHE", NULL};
    sr_result *res = route("Zhengzhou", "Moscow", RAIL, kz, ne);
    const sr_route *r = sr_result_route(res, 0);
    assert_true(crosses(r, "CN", "MN"));
    assert_true(crosses(r, "MN", "RU"));
    assert_true(passes(r, "CN-ERENHOT"));
    assert_true(passes(r, "MNULN"));
    assert_true(passes(r, "RU-NAUSHKI"));
    const char *at = NULL;
    assert_int_equal(gauge_changes(r, &at), 1);
    assert_string_equal(at, "MN-ZAMYN-UUD");
    within("Zhengzhou-Moscow days", r->duration_h / 24, 7, 16);
    sr_result_free(res);
}

static void chongqing_moscow_over_lanzhou_chongqing(void **st)
{
    (void)st;
    sr_result *res = route("Chongqing", "Moscow", RAIL, NULL, NULL);
    const sr_route *r = sr_result_route(res, 0);
    assert_true(passes(r, "CN-GUANGYUAN"));
    assert_true(passes(r, "CN-LANZHOU"));
    assert_int_equal(gauge_changes(r, NULL), 1);
    within("Chongqing-Moscow days", r->duration_h / 24, 7, 16);
    sr_result_free(res);
}

static void pearl_river_delta_to_almaty(void **st)
{
    (void)st;
    static const char *const from[] = {"Guangzhou", "Shenzhen", "Dongguan"};
    for (size_t i = 0; i < 3; i++) {
        sr_result *res = route(from[i], "Almaty", RAIL, NULL, NULL);
        const sr_route *r = sr_result_route(res, 0);
        assert_true(crosses(r, "CN", "KZ"));
        assert_int_equal(gauge_changes(r, NULL), 1);
        within("Pearl River Delta-Almaty days", r->duration_h / 24, 5, 14);
        sr_result_free(res);
    }
}

/* With every mode allowed, no route changes between rail and road at the
 * border stations to cross by truck and skip the rail dwell and the gauge
 * change (they have no rail-road transfer). */
static void no_truck_hop_at_border_stations(void **st)
{
    (void)st;
    static const char *const pairs[][2] = {
        {"Harbin", "Moscow"}, {"Zhengzhou", "Ulan-Ude"}, {"Beijing", "Moscow"}, {"Mudanjiang", "Vladivostok"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        sr_result *res = route(pairs[i][0], pairs[i][1], SR_MODES_ALL, NULL, NULL);
        const sr_route *r = sr_result_route(res, 0);
        for (size_t k = 0; k < r->n_transfers; k++) {
            const sr_place *p = sr_network_place(net, r->transfers[k].at);
            if (r->transfers[k].kind == SR_MODE_CHANGE && p->kind == SR_PLACE_BORDER_CROSSING)
                fail_msg("%s -> %s changes mode at the border post %s", pairs[i][0], pairs[i][1], p->id);
        }
        sr_result_free(res);
    }
}

/* Rail prices to Moscow from China's main ports fall in the 2023 market
 * range of USD 6,000-7,000 per 40ft (S-east-socialbites-2023, within 10%),
 * and the cheapest Xi'an-Moscow route still crosses Kazakhstan, as the
 * tariff calibration of data/README.md has it. */
static void port_to_moscow_prices(void **st)
{
    (void)st;
    static const char *const ports[] = {"Qingdao", "Shanghai", "Tianjin"};
    for (size_t i = 0; i < 3; i++) {
        sr_result *res = route(ports[i], "Moscow", RAIL, NULL, NULL);
        within("port-Moscow 40ft USD", sr_result_route(res, 0)->cost_usd, 6000 * 0.9, 7000 * 1.1);
        sr_result_free(res);
    }
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Xi'an";
    o.to = "Moscow";
    o.modes = RAIL;
    o.objective = SR_BY_COST;
    sr_result *res = NULL;
    assert_int_equal(sr_route_query(q, &o, &res), SR_OK);
    assert_true(crosses(sr_result_route(res, 0), "CN", "KZ"));
    sr_result_free(res);
}

/* Chinese cities with China-Europe or China-Central Asia train services
 * (sources on each place row of data/places.csv). */
static const char *const origins[] = {
    "Lianyungang", "Zhengzhou", "Xi'an",   "Chengdu",   "Chongqing", "Yiwu",         "Urumqi",    "Lanzhou",
    "Wuhan",       "Changsha",  "Suzhou",  "Hefei",     "Jinan",     "Qingdao",      "Tianjin",   "Beijing",
    "Shenyang",    "Harbin",    "Dalian",  "Guangzhou", "Shenzhen",  "Xiamen",       "Nanchang",  "Ganzhou",
    "Nanning",     "Kunming",   "Nantong", "Jinhua",    "Taiyuan",   "Hohhot",       "Baotou",    "Xining",
    "Yinchuan",    "Changchun", "Yingkou", "Dongguan",  "Shijiazhuang",
};

static void thirty_origins_reach_moscow_and_almaty(void **st)
{
    (void)st;
    size_t n = sizeof origins / sizeof origins[0];
    assert_true(n >= 30);
    for (size_t i = 0; i < n; i++) {
        size_t idx;
        if (sr_place_find(net, origins[i], &idx) != SR_OK)
            fail_msg("origin '%s' not found", origins[i]);
        assert_string_equal(sr_network_place(net, idx)->country, "CN");
        static const char *const to[] = {"Moscow", "Almaty"};
        for (size_t k = 0; k < 2; k++) {
            sr_result *res = route(origins[i], to[k], RAIL, NULL, NULL);
            const sr_route *r = sr_result_route(res, 0);
            assert_true(r->n_crossings >= 1);
            assert_true(gauge_changes(r, NULL) >= 1);
            sr_result_free(res);
        }
    }
}

static void names_in_three_languages(void **st)
{
    (void)st;
    static const char *const same[][4] = {
        {"Erenhot", "二连浩特", "Erlian", "Эрлянь"},
        {"Zabaykalsk", "后贝加尔斯克", "Zabaikalsk", "Забайкальск"},
        {"Ulaanbaatar", "乌兰巴托", "Ulan Bator", "Улан-Батор"},
        {"Manzhouli", "满洲里", "Manchuria station", "Маньчжурия"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        size_t a, b;
        assert_int_equal(sr_place_find(net, same[i][0], &a), SR_OK);
        for (size_t k = 1; k < 4; k++) {
            if (sr_place_find(net, same[i][k], &b) != SR_OK)
                fail_msg("'%s' not found", same[i][k]);
            assert_int_equal(a, b);
        }
    }
}

/* Every crossing pair of the region has at least one crossing with a dwell,
 * and the main gauge-change crossings have a capacity. */
static void eastern_crossings_modelled(void **st)
{
    (void)st;
    static const char *const pairs[][2] = {{"CN", "MN"}, {"CN", "RU"}, {"MN", "RU"}, {"KZ", "RU"}};
    for (size_t p = 0; p < 4; p++) {
        size_t rail = 0, road = 0;
        for (size_t i = 0; i < sr_network_crossing_count(net); i++) {
            const sr_crossing *x = sr_network_crossing(net, i);
            const char *a = sr_network_place(net, x->place_a)->country;
            const char *b = sr_network_place(net, x->place_b)->country;
            if ((!strcmp(a, pairs[p][0]) && !strcmp(b, pairs[p][1])) ||
                (!strcmp(a, pairs[p][1]) && !strcmp(b, pairs[p][0]))) {
                assert_true(x->dwell_h > 0);
                rail += x->mode == SR_RAIL;
                road += x->mode == SR_ROAD;
            }
        }
        if (rail < 1 || road < 1)
            fail_msg("%s-%s: %zu rail and %zu road crossings", pairs[p][0], pairs[p][1], rail, road);
    }
    static const char *const cap[] = {"X-MANZHOULI-ZABAYKALSK-RAIL", "X-ERENHOT-ZAMYNUUD-RAIL"};
    for (size_t k = 0; k < 2; k++) {
        int found = 0;
        for (size_t i = 0; i < sr_network_crossing_count(net); i++) {
            const sr_crossing *x = sr_network_crossing(net, i);
            if (!strcmp(x->id, cap[k])) {
                found = 1;
                assert_true(x->capacity_teu_per_day > 0);
            }
        }
        assert_true(found);
    }
}

/* Every link of the region over 300 km is drawn through the places it
 * passes. */
static void long_links_have_geometry(void **st)
{
    (void)st;
    size_t checked = 0;
    for (size_t i = 0; i < sr_network_link_count(net); i++) {
        const sr_link *k = sr_network_link(net, i);
        if (k->mode != SR_RAIL && k->mode != SR_ROAD)
            continue;
        const char *a = sr_network_place(net, k->from)->country, *b = sr_network_place(net, k->to)->country;
        int east = !strcmp(a, "CN") || !strcmp(a, "MN") || !strcmp(a, "RU") || !strcmp(b, "CN") ||
                   !strcmp(b, "MN") || !strcmp(b, "RU");
        if (east && k->distance_km > 300) {
            checked++;
            if (k->n_geom == 0)
                fail_msg("link %s (%.0f km) has no geometry", k->id, k->distance_km);
        }
    }
    assert_true(checked >= 100);
}

/* The distance table: the fastest rail route between the ends of a
 * well-known line follows it and has its published length within 10%. */
typedef struct {
    const char *from, *to;
    const char *avoid_countries[3]; /* NULL-terminated */
    const char *avoid_places[3]; /* NULL-terminated */
    double km;
    const char *source;
} line_row;

static const line_row lines[] = {
    {"Moscow", "Vladivostok", {"KZ", "MN", NULL}, {NULL}, 9259, "S-east-kolej-transsib (9,289 via Yaroslavl: S-east-wiki-transsib)"},
    {"Moscow", "Irkutsk", {"KZ", NULL}, {NULL}, 5153, "S-east-kolej-transsib"},
    {"Moscow", "Beijing", {"KZ", NULL}, {"CN-MANZHOULI", NULL}, 7622, "S-east-transmanchurian (Trans-Mongolian)"},
    {"Moscow", "Beijing", {"KZ", "MN", NULL}, {NULL}, 8961, "S-east-transmanchurian (Trans-Manchurian)"},
    {"Ulan-Ude", "Zamyn-Uud", {NULL}, {NULL}, 5900 - 5642 + 1113, "S-east-wiki-transmongolian km posts"},
    {"Harbin", "Manzhouli", {NULL}, {NULL}, 935, "S-east-wiki-binzhou"},
    {"Harbin", "Suifenhe", {NULL}, {NULL}, 548, "S-east-wiki-binsui"},
    {"Beijing", "Harbin", {NULL}, {NULL}, 1249, "S-east-wiki-jingha"},
    {"Lanzhou", "Chongqing", {NULL}, {NULL}, 862, "S-east-rg-lanzhou-chongqing (886: S-east-xinhua-lanyu)"},
    /* Along the Turksib itself (Semey, Aktogay, Almaty), not the faster
     * route through Pavlodar and Astana. */
    {"Novosibirsk", "Arys", {NULL}, {"KZ-PAVLODAR", "KZ-MOYYNTY"}, 2351, "S-east-wiki-turksib"},
    {"Novosibirsk", "Semey", {NULL}, {NULL}, 650, "S-east-wiki-turksib (Altai railway)"},
    {"Shenzhen", "Minsk", {"MN", NULL}, {"CN-MANZHOULI", "CN-ERENHOT"}, 9900, "S-east-szhy-2017-shenzhen (via Alashankou)"},
};

static void distance_table(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const line_row *l = &lines[i];
        sr_result *res = route(l->from, l->to, RAIL, l->avoid_countries, l->avoid_places);
        const sr_route *r = sr_result_route(res, 0);
        printf("  %-12s -> %-12s model %6.0f km  published %6.0f km  (%+5.1f%%)  %s\n", l->from, l->to,
               r->distance_km, l->km, 100 * (r->distance_km / l->km - 1), l->source);
        if (fabs(r->distance_km / l->km - 1) > 0.10)
            fail_msg("%s -> %s: %.0f km, published %.0f km (%s)", l->from, l->to, r->distance_km, l->km, l->source);
        sr_result_free(res);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(harbin_moscow_through_manzhouli),
        cmocka_unit_test(zhengzhou_moscow_through_mongolia),
        cmocka_unit_test(chongqing_moscow_over_lanzhou_chongqing),
        cmocka_unit_test(pearl_river_delta_to_almaty),
        cmocka_unit_test(port_to_moscow_prices),
        cmocka_unit_test(no_truck_hop_at_border_stations),
        cmocka_unit_test(thirty_origins_reach_moscow_and_almaty),
        cmocka_unit_test(names_in_three_languages),
        cmocka_unit_test(eastern_crossings_modelled),
        cmocka_unit_test(long_links_have_geometry),
        cmocka_unit_test(distance_table),
    };
    return cmocka_run_group_tests_name("coverage_east", tests, setup, teardown);
}
