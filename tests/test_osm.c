/*
 * test_osm.c - the OpenStreetMap import (src/lib/osm/import.c).
 *
 * Golden answers on ../shared/data/osm/monaco.osm.pbf (skipped where it is
 * absent), checked against the extract and the map: Monaco's one railway
 * line (SNCF Marseille-Ventimiglia, standard gauge; 9 of its ways have no
 * gauge tag and take the labelled 1435 mm assumption) with the station "Monaco - Monte Carlo", roads of every class
 * and one ferry; the dataset passes check-data, opens, and routes along
 * the rail line through the station.  The cases Monaco lacks are written
 * as small .osm XML files (readosm reads both formats): a gauge change
 * where a 1435 mm and a 1520 mm line meet, a border control between two
 * countries on a road and a railway, a ferry, a one-way road and a way
 * cut at the extract's edge.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "silkroute.h"
#include "util.h"

static long lines_with(const char *dir, const char *file, const char *needle)
{
    char path[4200], line[8192];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    long n = 0;
    while (fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

static void report(void *ctx, int is_error, const char *line)
{
    long *n = ctx;
    if (is_error) {
        (*n)++;
        fprintf(stderr, "check-data: %s\n", line);
    }
}

static void test_monaco(void **state)
{
    (void)state;
    const char *pbf = "../shared/data/osm/monaco.osm.pbf";
    struct stat st;
    if (stat(pbf, &st) != 0) {
        printf("skip: %s is absent\n", pbf);
        skip();
    }
    char *dir = tu_mkdtemp();
    sr_osm_options o = {.country = "MC"};
    sr_osm_stats s;
    char err[512];
    assert_int_equal(sr_osm_import(pbf, dir, &o, &s, err, sizeof err), SR_OK);
    printf("monaco: %llu railways, %llu roads, %llu ferries, %llu places, %llu links, %llu transfers, %llu nodes "
           "read, %llu kept, %.1f MB of tables\n",
           (unsigned long long)s.ways[0], (unsigned long long)s.ways[1], (unsigned long long)s.ways[2],
           (unsigned long long)s.places, (unsigned long long)s.links, (unsigned long long)s.transfers,
           (unsigned long long)s.nodes_read, (unsigned long long)s.nodes_kept, (double)s.table_bytes / 1048576.0);
    /* Golden figures of this extract (counted with the tags named in
     * import.c; the railway is tagged gauge=1435 throughout). */
    assert_int_equal(s.nodes_read, 180118);
    assert_int_equal(s.ways[0], 67);
    assert_int_equal(s.ways[1], 1345);
    assert_int_equal(s.ways[2], 1);
    /* 9 railway ways (sidings, service tracks) have no gauge tag. */
    assert_int_equal(s.rail_default_gauge, 9);
    assert_int_equal(s.places, 1753);
    assert_int_equal(s.links, 2124);
    assert_int_equal(s.crossings, 0);
    assert_int_equal(lines_with(dir, "places.csv", "Monaco - Monte Carlo,MC,rail_terminal"), 1);
    assert_int_equal(lines_with(dir, "links.csv", ",rail,1435,"), 75);
    assert_int_equal(lines_with(dir, "links.csv", ",rail,1520,"), 0);
    assert_true(lines_with(dir, "osm_links.csv", ",highway,primary,") > 0);
    assert_true(lines_with(dir, "osm_links.csv", ",highway,residential,") > 0);
    assert_int_equal(lines_with(dir, "links.csv", ",sea,"), 1);
    assert_int_equal(lines_with(dir, "sources.csv", "Open Database License"), 1);
    assert_int_equal(lines_with(dir, "NOTICE", "OpenStreetMap contributors"), 1);
    long errors = 0;
    assert_int_equal(sr_check_data(dir, report, &errors), 0);
    assert_int_equal(errors, 0);
    /* It opens and routes along the railway through the station. */
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(dir, &net), SR_OK);
    size_t station;
    assert_int_equal(sr_place_find(net, "Monaco - Monte Carlo", &station), SR_OK);
    /* The longest rail-only route from the station to a place on the
     * line: through the tunnels of the line, standard gauge throughout. */
    sr_query *q;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    double best = 0;
    size_t best_legs = 0, reached = 0;
    for (size_t l = 0; l < sr_network_link_count(net); l++) {
        const sr_link *k = sr_network_link(net, l);
        if (k->mode != SR_RAIL || k->to == station)
            continue;
        sr_route_options ro;
        sr_route_options_init(&ro);
        ro.from = sr_network_place(net, station)->id;
        ro.to = sr_network_place(net, k->to)->id;
        ro.modes = SR_MODE_BIT(SR_RAIL);
        sr_result *r = NULL;
        if (sr_route_query(q, &ro, &r) == SR_OK) {
            const sr_route *rt = sr_result_route(r, 0);
            for (size_t i = 0; i < rt->n_legs; i++)
                assert_int_equal(rt->legs[i].gauge_mm, 1435);
            if (rt->distance_km > best)
                best = rt->distance_km, best_legs = rt->n_legs;
            reached++;
        }
        sr_result_free(r);
    }
    printf("monaco: %zu rail places reached from the station by rail, the farthest %.2f km in %zu legs\n", reached,
           best, best_legs);
    assert_true(reached >= 10);
    /* Monaco is about 3 km across; its railway runs the whole width. */
    assert_true(best > 1.0 && best < 10);
    sr_query_destroy(q);
    sr_network_close(net);
    tu_rmdir(dir);
}

/* A small map: A (KZ) -1520 rail- G (gauge change, KZ) -1435 rail- B
 * (border control) -1435 rail- C (CN); a road A - X (border control) - C
 * parallel; a one-way road C -> D; a ferry D ~ E; a railway that runs off
 * the extract's edge (node 99 missing). */
static const char *xml =
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<osm version='0.6' generator='test_osm.c'>\n"
    " <node id='1' lat='45.00' lon='80.00'><tag k='name' v='Alpha'/><tag k='addr:country' v='KZ'/>"
    "<tag k='railway' v='station'/></node>\n"
    " <node id='2' lat='45.00' lon='80.10'/>\n"
    " <node id='3' lat='45.00' lon='80.20'><tag k='name' v='Gauge Yard'/><tag k='railway' v='yard'/></node>\n"
    " <node id='4' lat='45.00' lon='80.30'><tag k='barrier' v='border_control'/><tag k='name' v='Rail Post'/></node>\n"
    " <node id='5' lat='45.00' lon='80.40'><tag k='name' v='Gamma'/><tag k='addr:country' v='CN'/>"
    "<tag k='railway' v='station'/></node>\n"
    " <node id='6' lat='45.10' lon='80.15'/>\n"
    " <node id='7' lat='45.10' lon='80.30'><tag k='barrier' v='border_control'/><tag k='name' v='Road Post'/></node>\n"
    " <node id='8' lat='45.00' lon='80.60'><tag k='name' v='Delta'/></node>\n"
    " <node id='9' lat='44.80' lon='80.90'><tag k='name' v='Epsilon'/></node>\n"
    " <node id='10' lat='45.20' lon='80.40'/>\n"
    " <way id='100'><nd ref='1'/><nd ref='2'/><nd ref='3'/><tag k='railway' v='rail'/><tag k='gauge' v='1520'/>"
    "<tag k='usage' v='main'/><tag k='electrified' v='contact_line'/><tag k='name' v='Broad line'/></way>\n"
    " <way id='101'><nd ref='3'/><nd ref='4'/><nd ref='5'/><tag k='railway' v='rail'/><tag k='gauge' v='1435'/>"
    "<tag k='usage' v='main'/><tag k='electrified' v='no'/></way>\n"
    " <way id='102'><nd ref='1'/><nd ref='6'/><nd ref='7'/><nd ref='5'/><tag k='highway' v='trunk'/></way>\n"
    " <way id='103'><nd ref='5'/><nd ref='8'/><tag k='highway' v='primary'/><tag k='oneway' v='yes'/></way>\n"
    " <way id='104'><nd ref='8'/><nd ref='9'/><tag k='route' v='ferry'/></way>\n"
    " <way id='105'><nd ref='5'/><nd ref='10'/><nd ref='99'/><tag k='railway' v='rail'/><tag k='gauge' v='1435'/></way>\n"
    " <way id='106'><nd ref='2'/><nd ref='6'/><tag k='waterway' v='river'/></way>\n"
    "</osm>\n";

static void test_generated(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    assert_int_equal(tu_write(dir, "map.osm", xml), 0);
    char in[4200], out[4200];
    snprintf(in, sizeof in, "%s/map.osm", dir);
    snprintf(out, sizeof out, "%s/net", dir);
    sr_osm_stats s;
    char err[512];
    sr_code rc = sr_osm_import(in, out, NULL, &s, err, sizeof err);
    if (rc != SR_OK)
        fail_msg("import: %s", err);
    assert_int_equal(s.ways[0], 3);
    assert_int_equal(s.ways[1], 2);
    assert_int_equal(s.ways[2], 1);
    assert_int_equal(s.missing_nodes, 1);
    assert_int_equal(s.gauge_changes, 1);
    assert_int_equal(s.crossings, 2);
    assert_int_equal(lines_with(out, "transfers.csv", "OSM-N3,gauge_change,rail1520,rail1435"), 1);
    /* Untagged posts are on the first side that reached them (China
     * here); the crossing is the link to the other side. */
    assert_int_equal(lines_with(out, "crossings.csv", "OSM-X4-3,Rail Post (CN-KZ),rail,OSM-N4,OSM-N3"), 1);
    assert_int_equal(lines_with(out, "crossings.csv", "OSM-X7-1,Road Post (CN-KZ),road,OSM-N7,OSM-N1"), 1);
    assert_int_equal(lines_with(out, "places.csv", "OSM-N4,Rail Post,CN,border_crossing"), 1);
    assert_int_equal(lines_with(out, "places.csv", "OSM-N3,Gauge Yard,KZ,rail_terminal"), 1);
    assert_int_equal(lines_with(out, "places.csv", "OSM-N8,Delta,CN,seaport"), 1);
    assert_int_equal(lines_with(out, "links.csv", "OSM-W103-0,OSM-N5,OSM-N8,road,,"), 1);
    assert_int_equal(lines_with(out, "links.csv", ",1,,"), 1); /* the one-way road only */
    assert_int_equal(lines_with(out, "links.csv", ",sea,"), 1);
    assert_int_equal(lines_with(out, "osm_links.csv", "OSM-W100-0,100,railway,main,1520,contact_line,0"), 1);
    assert_int_equal(lines_with(out, "links.csv", "OSM-W106"), 0); /* a river is no transport link */
    long errors = 0;
    assert_int_equal(sr_check_data(out, report, &errors), 0);
    /* From Alpha to Epsilon by rail and ferry: the gauge change at the
     * yard, the border at the rail post, the road to the ferry. */
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(out, &net), SR_OK);
    sr_query *q;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options ro;
    sr_route_options_init(&ro);
    ro.from = "Alpha";
    ro.to = "Epsilon";
    ro.avoid[0] = "Road Post";
    ro.n_avoid = 1;
    sr_result *r = NULL;
    rc = sr_route_query(q, &ro, &r);
    if (rc != SR_OK)
        fail_msg("route: %s", sr_query_errmsg(q));
    const sr_route *rt = sr_result_route(r, 0);
    int gauge_change = 0, sea = 0;
    for (size_t i = 0; i < rt->n_transfers; i++)
        gauge_change += rt->transfers[i].kind == SR_GAUGE_CHANGE;
    for (size_t i = 0; i < rt->n_legs; i++)
        sea += rt->legs[i].mode == SR_SEA;
    assert_int_equal(gauge_change, 1);
    assert_int_equal(sea, 1);
    assert_int_equal(rt->n_crossings, 1);
    assert_string_equal(rt->crossings[0].from_country, "KZ");
    assert_string_equal(rt->crossings[0].to_country, "CN");
    assert_non_null(strstr(sr_network_crossing(net, rt->crossings[0].crossing)->id, "OSM-X4-"));
    sr_result_free(r);
    /* The one-way road cannot be driven back. */
    ro.from = "Delta";
    ro.to = "Gamma";
    ro.n_avoid = 0;
    ro.modes = SR_MODE_BIT(SR_ROAD);
    assert_int_equal(sr_route_query(q, &ro, &r), SR_ENOROUTE);
    sr_result_free(r);
    sr_query_destroy(q);
    sr_network_close(net);
    /* Errors: a missing file, a file that is not OSM, a bad country. */
    assert_int_not_equal(sr_osm_import("/nonexistent.osm.pbf", out, NULL, NULL, err, sizeof err), SR_OK);
    assert_true(*err);
    /* XML that readosm 1.1.0a would crash on (a <tag> without v) or leak
     * on (invalid UTF-8): refused before readosm sees it, with the line
     * (fuzz_osm findings; src/lib/osm/xmlcheck.c).  Under the sanitizers
     * this also shows that nothing leaks. */
    static const struct {
        const char *xml, *want;
    } bad[] = {
        {"<?xml version='1.0'?>\n<osm version='0.6'>\n <node id='1' lat='45' lon='80'><tag k='name'/></node>\n</osm>\n",
         "line 3: <tag> without its v attribute"},
        {"<?xml version='1.0'?>\n<osm version='0.6'>\n <node id='1' lat='45' lon='80'><tag k='name' v='\xff\xfe'/></node>\n"
         "</osm>\n",
         "line 3: not well-formed XML"},
        {"<?xml version='1.0'?>\n<osm version='0.6'>\n <way id='9'><nd/></way>\n</osm>\n", "line 3: <nd> without its ref attribute"},
        {"<?xml version='1.0'?>\n<osm version='0.6'>\n <node id='1' lat='45'/>\n</osm>\n",
         "line 3: <node> without its lon attribute"},
        {"<osm><node id='1' lat='45' lon='80'>", "not well-formed XML"},
        /* An encoding expat does not know (readosm leaked on it). */
        {"<?xml version='1.0' encoding='TUF-8'?>\n<osm version='0.6'/>\n", "line 1: not well-formed XML"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(tu_write(dir, "bad.osm", bad[i].xml), 0);
        snprintf(in, sizeof in, "%s/bad.osm", dir);
        assert_int_equal(sr_osm_import(in, out, NULL, NULL, err, sizeof err), SR_EDATA);
        if (!strstr(err, bad[i].want) || !strstr(err, "bad.osm: "))
            fail_msg("case %zu: %s", i, err);
    }
    /* A node given twice keeps its last version and leaks nothing (under
     * the sanitizers; a fuzz_osm finding). */
    assert_int_equal(tu_write(dir, "dup.osm",
                              "<?xml version='1.0'?>\n<osm version='0.6'>\n"
                              " <node id='1' lat='45' lon='80'><tag k='name' v='One'/><tag k='railway' v='station'/></node>\n"
                              " <node id='1' lat='45' lon='80'><tag k='name' v='Two'/><tag k='railway' v='station'/></node>\n"
                              " <node id='2' lat='45' lon='80.1'><tag k='name' v='Three'/><tag k='railway' v='station'/></node>\n"
                              " <way id='5'><nd ref='1'/><nd ref='2'/><tag k='railway' v='rail'/></way>\n</osm>\n"),
                     0);
    snprintf(in, sizeof in, "%s/dup.osm", dir);
    char out2[4300];
    snprintf(out2, sizeof out2, "%s/dup", dir);
    rc = sr_osm_import(in, out2, NULL, NULL, err, sizeof err);
    if (rc != SR_OK)
        fail_msg("duplicate node: %s", err);
    assert_int_equal(lines_with(out2, "places.csv", ",Two,"), 1);
    assert_int_equal(lines_with(out2, "places.csv", ",One,"), 0);
    /* A damaged PBF. */
    assert_int_equal(tu_write(dir, "bad.osm.pbf", "\x7f\x7f\x7f\x7fnot a pbf block at all"), 0);
    snprintf(in, sizeof in, "%s/bad.osm.pbf", dir);
    assert_int_not_equal(sr_osm_import(in, out, NULL, NULL, err, sizeof err), SR_OK);
    sr_osm_options o = {.country = "k1"};
    assert_int_equal(sr_osm_import(in, out, &o, NULL, err, sizeof err), SR_EARG);
    tu_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generated),
        cmocka_unit_test(test_monaco),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
