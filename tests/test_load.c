/*
 * test_load.c - the dataset loader and validator: the mini dataset loads
 * with the expected counts and derived values, and every kind of bad input
 * in every data file is reported with file, line and field and fails the
 * load (never a crash or a partial network).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "silkroute.h"
#include "util.h"

#define MINI "tests/data/mini"

static void loads_mini(void **st)
{
    (void)st;
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(MINI, &net), SR_OK);
    assert_int_equal(sr_network_place_count(net), 10);
    assert_int_equal(sr_network_link_count(net), 15);
    assert_int_equal(sr_network_crossing_count(net), 3);
    /* Defaults: L4 road 100 km at 60 km/h and 3 USD/km per 40ft. */
    const sr_link *l4 = sr_network_link(net, 3);
    assert_string_equal(l4->id, "L4");
    assert_true(l4->duration_h > 1.666 && l4->duration_h < 1.667);
    assert_true(l4->cost_usd[SR_UNIT_40FT] == 300);
    assert_true(l4->cost_usd[SR_UNIT_T] == 10);
    /* Link-level CO2e override and drawn geometry on the ferry. */
    const sr_link *l8 = sr_network_link(net, 7);
    assert_true(l8->co2e_kg_per_tkm == 0.01);
    assert_int_equal(l8->n_geom, 2);
    assert_true(l8->geom[0] == 100.8 && l8->geom[1] == 38.8 && l8->geom[2] == 101.2 && l8->geom[3] == 38.8);
    assert_int_equal(sr_network_link(net, 0)->n_geom, 0);
    assert_null(sr_network_link(net, 0)->geom);
    const sr_link *l13 = sr_network_link(net, 12);
    assert_int_equal(l13->status, SR_PLANNED);
    assert_int_equal(l13->open_year, 2030);
    assert_int_equal(sr_network_link(net, 1)->crossing, 0);
    assert_null(sr_network_link(net, 99));
    assert_string_equal(sr_network_errmsg(net), "");
    sr_network_close(net);
}

static void check_data_ok(void **st)
{
    (void)st;
    assert_int_equal(sr_check_data(MINI, NULL, NULL), 0);
    assert_int_equal(sr_check_data("/nonexistent", NULL, NULL), -1);
}

typedef struct bad_case {
    const char *file, *find, *repl, *expect;
} bad_case;

/* One edit per case; the message must contain `expect`. */
static const bad_case bad[] = {
    /* sources.csv */
    {"sources.csv", "S-test,source", "S-test,sauce", "sources.csv:2: kind: 'sauce'"},
    {"sources.csv", "round numbers chosen to make golden answers easy to check by hand", "", "sources.csv:3: note: an assumption must state"},
    {"sources.csv", "", "S-test,source,Dup,,,,\n", "source id 'S-test' defined twice"},
    /* params.csv */
    {"params.csv", "tonnes_per_20ft,10", "tonnes_per_20ft,ten", "params.csv:2: value: 'ten' is not a number"},
    {"params.csv", "tonnes_per_40ft,20,t,A-test\n", "", "parameter tonnes_per_40ft missing"},
    {"params.csv", "tonnes_per_20ft,10,t,A-test", "tonnes_per_20ft,10,t,", "params.csv:2: source: missing"},
    /* modes.csv */
    {"modes.csv", "rail,50", "train,50", "modes.csv:2: mode: 'train'"},
    {"modes.csv", "rail,50", "rail,-5", "modes.csv:2: speed_kmh: -5 must be > 0"},
    {"modes.csv", "t,A-test\nroad", "kg,A-test\nroad", "modes.csv:2: units: 'kg'"},
    {"modes.csv", "air,800,10,15,3,0.8,t,A-test\n", "", "mode 'air' missing"},
    {"modes.csv", "road,60", "road,abc", "modes.csv:3: speed_kmh: 'abc' is not a number"},
    /* places.csv */
    {"places.csv", "Origin City,起点,Ориджин,Orig|Startville,AA,city", "Origin City,起点,Ориджин,Orig|Startville,AAA,city",
     "places.csv:3: country: 'AAA'"},
    {"places.csv", ",AA,city,40.0,100.0", ",AA,village,40.0,100.0", "places.csv:3: kind: 'village'"},
    {"places.csv", ",AA,city,40.0,100.0", ",AA,city,95.0,100.0", "places.csv:3: lat: 95.0 exceeds"},
    {"places.csv", "40.0,100.0,Asia/Shanghai", "40.0,100.0,Shanghai", "places.csv:3: tz: 'Shanghai'"},
    {"places.csv", "AA-BORDER,Border West", "AAORI,Border West", "place id 'AAORI' defined twice"},
    {"places.csv", "S-test\nAA-BORDER", "S-nope\nAA-BORDER", "places.csv:3: source: unknown source id 'S-nope'"},
    {"places.csv", "id,name_en", "ident,name_en", "places.csv:1: id: required column missing"},
    {"places.csv", "AAORI,Origin City", "AA ORI,Origin City", "places.csv:3: id: 'AA ORI'"},
    /* crossings.csv */
    {"crossings.csv", "rail,AA-BORDER,BB-BORDER,10", "rail,AA-BORDER,AAORI,10", "crossings.csv:2: place_b: 'AAORI' is in the same country"},
    {"crossings.csv", "rail,AA-BORDER,BB-BORDER,10", "rail,AA-BORDER,NOPE,10", "crossings.csv:2: place_b: unknown place 'NOPE'"},
    {"crossings.csv", "BB-BORDER,10,48", "BB-BORDER,10,5", "crossings.csv:2: dwell_congested_h: smaller than dwell_h"},
    {"crossings.csv", "Mon;Tue;Wed;Thu;Fri,09:00-18:00", "Mon;Tue;Funday,09:00-18:00", "crossings.csv:3: open_days"},
    {"crossings.csv", "Mon;Tue;Wed;Thu;Fri,09:00-18:00", "Mon,9am", "crossings.csv:3: open_hours: '9am'"},
    {"crossings.csv", "daily,24h,,50", "daily,24h,13-01..02-30,50", "crossings.csv:2: open_season"},
    {"crossings.csv", "rail,AA-BORDER,BB-BORDER,10", "sea,AA-BORDER,BB-BORDER,10", "crossings.csv:2: mode: 'sea' must be rail or road"},
    /* links.csv */
    {"links.csv", "L1,AAORI,AA-BORDER,rail,1435", "L1,AAORI,NOWHERE,rail,1435", "links.csv:2: to: unknown place 'NOWHERE'"},
    {"links.csv", "L1,AAORI,AA-BORDER,rail,1435", "L1,AAORI,AA-BORDER,rail,1435.5", "links.csv:2: gauge_mm: 1435.5: a track gauge is a whole number"},
    {"links.csv", "L1,AAORI,AA-BORDER,rail,1435", "L1,AAORI,AA-BORDER,rail,200", "links.csv:2: gauge_mm: 200: a track gauge"},
    /* A gauge no link uses is no class of the network. */
    {"transfers.csv", "BB-BORDER,gauge_change,rail1435,rail1520", "BB-BORDER,gauge_change,rail1435,rail1668", "transfers.csv:2: to: 'rail1668' is not a class"},
    {"links.csv", "L1,AAORI,AA-BORDER,rail,1435", "L1,AAORI,AA-BORDER,rail,", "links.csv:2: gauge_mm: required for rail"},
    {"links.csv", "L4,AAORI,AA-BORDER,road,", "L4,AAORI,AA-BORDER,road,1435", "links.csv:5: gauge_mm: only rail links"},
    {"links.csv", "L1,AAORI,AA-BORDER,rail,1435,100", "L1,AAORI,AA-BORDER,rail,1435,-100", "links.csv:2: distance_km: -100 must be > 0"},
    {"links.csv", "L1,AAORI,AA-BORDER,rail,1435,100", "L1,AAORI,AA-BORDER,rail,1435,1e999", "links.csv:2: distance_km: '1e999' is not a number"},
    {"links.csv", "L1,AAORI,AA-BORDER,rail,1435,100", "L1,AAORI,AA-BORDER,rail,1435,10", "links.csv:2: distance_km: 10 km is shorter than the great-circle"},
    {"links.csv", "L1,AAORI,AA-BORDER,rail,1435,100,2", "L1,AAORI,AA-BORDER,rail,1435,100,0", "links.csv:2: duration_h: 0 must be > 0"},
    {"links.csv", "L2,AA-BORDER,BB-BORDER,rail,1435,10,1,,,,,,open,,X-RAIL", "L2,AA-BORDER,BB-BORDER,rail,1435,10,1,,,,,,open,,", "links.csv:3: crossing: a rail link from AA to BB crosses a border"},
    {"links.csv", "open,,X-RAIL", "open,,X-NONE", "links.csv:3: crossing: unknown crossing 'X-NONE'"},
    {"links.csv", "open,,X-RAIL", "open,,X-ROAD", "links.csv:3: crossing: crossing 'X-ROAD' is a road crossing"},
    {"links.csv", "planned,2030,,,New line,", "planned,,,,New line,", "links.csv:14: open_year: required for a planned link"},
    {"links.csv", "planned,2030,,,New line,", "maybe,2030,,,New line,", "links.csv:14: status: 'maybe'"},
    {"links.csv", "L1,AAORI,AA-BORDER", "L1,AAORI,AAORI", "links.csv:2: to: a link must join two different places"},
    {"links.csv", "L3,BB-BORDER", "L1,BB-BORDER", "link id 'L1' defined twice"},
    {"links.csv", "1520,100,2,,,,,,open,,,,East", "1520,100,2,,,,,,open,,,2,East", "links.csv:4: directed: '2'"},
    {"links.csv", "L8,AAPRT,BBPRT,sea,,130,,,,,0.01", "L8,AAPRT,BBPRT,sea,,130,,,,,99", "links.csv:9: co2e_kg_per_tkm: 99 exceeds"},
    {"links.csv", "L1,AAORI,AA-BORDER,rail,1435,100,2,,,,,,open,,,,West line,A-test", "L1,AAORI,AA-BORDER,rail,1435,100,2,\"x,,,,,,,,,,,", "unterminated quoted field"},
    {"links.csv", "100.8 38.8;101.2 38.8", "100.8 38.8;101.2", "links.csv:9: geometry: point 2: expected 'lon lat'"},
    {"links.csv", "100.8 38.8;101.2 38.8", "100.8 38.8;201.2 38.8", "links.csv:9: geometry: point 2: 201.2 38.8 is not a WGS84"},
    {"links.csv", "100.8 38.8;101.2 38.8", "100.8 38.8;;101.2 38.8", "links.csv:9: geometry: point 2: expected"},
    {"links.csv", "100.8 38.8;101.2 38.8", "100.8,38.8", "links.csv:9: geometry: point 1: expected"},
    /* transfers.csv */
    {"transfers.csv", "BB-BORDER,gauge_change,rail1435,rail1520", "BB-BORDER,gauge_change,rail1435,road", "transfers.csv:2: kind: a gauge_change joins two rail classes"},
    {"transfers.csv", "AAPRT,mode_change,road,sea", "AAPRT,mode_change,road,boat", "transfers.csv:3: to: 'boat'"},
    {"transfers.csv", "AAPRT,mode_change,road,sea", "AAPRT,mode_change,road,road", "transfers.csv:3: to: a transfer joins two different classes"},
    {"transfers.csv", "AAPRT,mode_change,road,sea,4", "AAPRT,mode_change,road,sea,", "transfers.csv:3: duration_h: required"},
    {"transfers.csv", "AAPRT,mode_change", "ZZPRT,mode_change", "transfers.csv:3: place: unknown place 'ZZPRT'"},
    {"transfers.csv", "", "AAPRT,mode_change,sea,road,1,1,1,1,,A-test\n", "transfer sea -> road at AAPRT defined twice"},
};

static void report_cb(void *ctx, int is_error, const char *line)
{
    if (!is_error)
        return;
    char *buf = ctx;
    size_t n = strlen(buf);
    snprintf(buf + n, 8192 - n, "%s\n", line);
}

static void bad_input(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const bad_case *c = &bad[i];
        char *dir = tu_copy_dataset(MINI);
        assert_non_null(dir);
        if (tu_edit(dir, c->file, c->find, c->repl) != 0)
            fail_msg("case %zu: '%s' not found in %s", i, c->find, c->file);
        /* The validator lists it ... */
        char *all = calloc(1, 8192);
        long n = sr_check_data(dir, report_cb, all);
        if (n <= 0 || !strstr(all, c->expect))
            fail_msg("case %zu (%s): expected '%s' among %ld errors:\n%s", i, c->file, c->expect, n, all);
        /* ... and opening fails cleanly with an error naming the file. */
        sr_network *net = NULL;
        sr_code rc = sr_network_open(dir, &net);
        assert_int_equal(rc, SR_EDATA);
        assert_non_null(strstr(sr_network_errmsg(net), ".csv"));
        sr_network_close(net);
        free(all);
        tu_rmdir(dir);
    }
}

static void missing_files(void **st)
{
    (void)st;
    static const char *const files[] = {"sources.csv", "params.csv", "modes.csv", "places.csv",
                                        "crossings.csv", "links.csv", "transfers.csv"};
    for (size_t i = 0; i < 7; i++) {
        char *dir = tu_copy_dataset(MINI);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
        sr_network *net = NULL;
        assert_int_equal(sr_network_open(dir, &net), SR_EDATA);
        if (!strstr(sr_network_errmsg(net), files[i]))
            fail_msg("missing %s: message '%s'", files[i], sr_network_errmsg(net));
        sr_network_close(net);
        tu_rmdir(dir);
    }
    sr_network *net = NULL;
    assert_int_equal(sr_network_open("/nonexistent/dir", &net), SR_EIO);
    assert_non_null(strstr(sr_network_errmsg(net), "/nonexistent/dir"));
    sr_network_close(net);
}

/* A cross-border link must name a crossing between its own two countries. */
static void crossing_of_other_countries(void **st)
{
    (void)st;
    char *dir = tu_copy_dataset(MINI);
    assert_int_equal(tu_edit(dir, "places.csv", "BB-NEWPOST,New Post,新口岸,Новый пост,,BB", "BB-NEWPOST,New Post,新口岸,Новый пост,,CC"), 0);
    assert_int_equal(tu_edit(dir, "crossings.csv", "X-NEW,New line crossing,新线口岸,Новый переход,rail,CCNEW,BB-NEWPOST",
                             "X-NEW,New line crossing,新线口岸,Новый переход,rail,CCNEW,BB-BORDER"), 0);
    char *all = calloc(1, 8192);
    long n = sr_check_data(dir, report_cb, all);
    if (n <= 0 || !strstr(all, "link 'L14' joins AA and CC but names crossing 'X-NEW' between AA and BB"))
        fail_msg("got %ld errors:\n%s", n, all);
    free(all);
    tu_rmdir(dir);
}

static void warnings_do_not_fail(void **st)
{
    (void)st;
    char *dir = tu_copy_dataset(MINI);
    tu_edit(dir, "places.csv", "tz,source", "tz,source,colour");
    assert_int_equal(sr_check_data(dir, NULL, NULL), 0);
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(dir, &net), SR_OK);
    sr_network_close(net);
    tu_rmdir(dir);
}

static void garbage_files(void **st)
{
    (void)st;
    /* Binary junk and absurd sizes in every file: errors, never crashes. */
    static const char *const junk[] = {"\x01\x02\x03", "\"", "a,b\n\"", ",,,,\n,,,,\n", "id\n\xff\xfe\n"};
    static const char *const files[] = {"sources.csv", "params.csv", "modes.csv", "places.csv",
                                        "crossings.csv", "links.csv", "transfers.csv"};
    for (size_t f = 0; f < 7; f++)
        for (size_t j = 0; j < 5; j++) {
            char *dir = tu_copy_dataset(MINI);
            tu_write(dir, files[f], junk[j]);
            sr_network *net = NULL;
            sr_code rc = sr_network_open(dir, &net);
            assert_int_not_equal(rc, SR_OK);
            sr_network_close(net);
            tu_rmdir(dir);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_mini),    cmocka_unit_test(check_data_ok),         cmocka_unit_test(bad_input),
        cmocka_unit_test(missing_files), cmocka_unit_test(crossing_of_other_countries),
        cmocka_unit_test(warnings_do_not_fail), cmocka_unit_test(garbage_files),
    };
    return cmocka_run_group_tests_name("load", tests, NULL, NULL);
}
