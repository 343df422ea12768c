/*
 * test_osm_match.c - corridor links matched to an imported OpenStreetMap
 * network (src/lib/osm/match.c) and the first and last mile from
 * coordinates on a detailed road network (src/lib/osm/mile.c).
 *
 * Golden answers on tests/data/monaco (four places around Monaco: the
 * station, Fontvieille, the stations of Cap d'Ail and Roquebrune) over the
 * import of ../shared/data/osm/monaco.osm.pbf (skipped where it is
 * absent): the OSM path lengths along the Marseille-Ventimiglia line and
 * the streets, each checked against the great-circle distance between the
 * two places (a path is never shorter, and on this coastal line at most a
 * third longer).  Generated cases: a gauge the import lacks, an end too
 * far, an implausible length, both ends on one OSM place, and no path
 * (two separate roads written as a small .osm file).  Properties: the
 * geometry written is as long as the distance written; a mile's line is
 * as long as its road distance plus its two snaps.  Differential: the
 * one-mode Dijkstra of graph.c against the router's search on the same
 * import (road only, and rail only), by time, for random pairs.
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

#include "osm/osmgraph.h"
#include "silkroute.h"
#include "util.h"

static const char *const pbf = "../shared/data/osm/monaco.osm.pbf";
static const char *argv0;
static char *imported; /* the Monaco import, made once */

static double hav(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, d = M_PI / 180;
    double a = sin((lat2 - lat1) * d / 2), b = sin((lon2 - lon1) * d / 2);
    double h = a * a + cos(lat1 * d) * cos(lat2 * d) * b * b;
    return 2 * r * asin(sqrt(h));
}

static int setup(void **st)
{
    (void)st;
    struct stat s;
    if (stat(pbf, &s) != 0)
        return 0;
    imported = tu_mkdtemp();
    sr_osm_options o = {.country = "MC"};
    char err[512];
    if (sr_osm_import(pbf, imported, &o, NULL, err, sizeof err) != SR_OK) {
        fprintf(stderr, "import: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    tu_rmdir(imported);
    imported = NULL;
    return 0;
}

#define NEED_MONACO()                                                                                              \
    do {                                                                                                           \
        if (!imported) {                                                                                           \
            printf("skip: %s is absent\n", pbf);                                                                   \
            skip();                                                                                                \
        }                                                                                                          \
    } while (0)

static void report_err(void *ctx, int is_error, const char *line)
{
    long *n = ctx;
    if (is_error) {
        (*n)++;
        fprintf(stderr, "check-data: %s\n", line);
    }
}

/* The report row of a link: its fields in f[], at most 16. */
static int report_row(const char *path, const char *link, char f[16][2048])
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    static char line[1 << 16];
    int found = 0;
    size_t n = strlen(link);
    while (!found && fgets(line, sizeof line, fp)) {
        if (strncmp(line, link, n) || line[n] != ',')
            continue;
        found = 1;
        int k = 0, q = 0;
        size_t j = 0;
        for (char *p = line; *p && *p != '\n' && k < 16; p++) {
            if (*p == '"') {
                q = !q;
                continue;
            }
            if (*p == ',' && !q) {
                f[k][j] = 0;
                k++, j = 0;
                continue;
            }
            if (j + 1 < 2048)
                f[k][j++] = *p;
        }
        if (k < 16)
            f[k][j] = 0;
    }
    fclose(fp);
    return found;
}

static double line_km(const double *g, size_t n)
{
    double km = 0;
    for (size_t i = 1; i < n; i++)
        km += hav(g[2 * i - 1], g[2 * i - 2], g[2 * i + 1], g[2 * i]);
    return km;
}

static void test_match_monaco(void **st)
{
    (void)st;
    NEED_MONACO();
    char *out = tu_mkdtemp();
    char report[4300];
    snprintf(report, sizeof report, "%s/report.csv", out);
    sr_match_stats s;
    char err[1024];
    sr_match_options o;
    sr_match_options_init(&o);
    assert_int_equal(sr_osm_match("tests/data/monaco", imported, out, report, &o, &s, err, sizeof err), SR_OK);
    assert_int_equal(s.links, 3);
    assert_int_equal(s.matched, 3);
    long errors = 0;
    assert_int_equal(sr_check_data(out, report_err, &errors), 0);
    assert_int_equal(errors, 0);

    sr_network *cor, *net;
    assert_int_equal(sr_network_open("tests/data/monaco", &cor), SR_OK);
    assert_int_equal(sr_network_open(out, &net), SR_OK);
    /* Golden OSM lengths (km, to the metre, as written): the railway west
     * to Cap d'Ail through the tunnel, east to Roquebrune, and the streets
     * from the station down to Fontvieille. */
    static const struct {
        const char *id;
        double km;
        const char *first_way;
    } gold[] = {{"R-MON-CAP", 3.296, "OSM-W182695884-1"},
                {"R-MON-ROQ", 4.136, "OSM-W182695884-0"},
                {"D-MON-FON", 1.371, "OSM-W166009795-0"}};
    for (size_t i = 0; i < 3; i++) {
        const sr_link *k = NULL;
        for (size_t l = 0; l < sr_network_link_count(net); l++)
            if (!strcmp(sr_network_link(net, l)->id, gold[i].id))
                k = sr_network_link(net, l);
        assert_non_null(k);
        const sr_place *a = sr_network_place(net, k->from), *b = sr_network_place(net, k->to);
        double gc = hav(a->lat, a->lon, b->lat, b->lon);
        printf("%s: OSM %.3f km, great circle %.3f km, %u points\n", gold[i].id, k->distance_km, gc, k->n_geom);
        assert_true(fabs(k->distance_km - gold[i].km) < 0.0005);
        assert_true(k->distance_km >= gc && k->distance_km <= 1.34 * gc);
        /* Property: the line written is as long as the distance written
         * (the snapped OSM places are the line's ends here). */
        double g = line_km(k->geom, k->n_geom) + hav(a->lat, a->lon, k->geom[1], k->geom[0]) +
                   hav(k->geom[2 * k->n_geom - 1], k->geom[2 * k->n_geom - 2], b->lat, b->lon);
        assert_true(fabs(g - k->distance_km) < 0.001 * k->distance_km + 0.05);
        char f[16][2048];
        assert_true(report_row(report, gold[i].id, f));
        assert_string_equal(f[5], "matched");
        assert_true(!strncmp(f[15], gold[i].first_way, strlen(gold[i].first_way)));
        /* The other fields stay as they were. */
        const sr_link *c = NULL;
        for (size_t l = 0; l < sr_network_link_count(cor); l++)
            if (!strcmp(sr_network_link(cor, l)->id, gold[i].id))
                c = sr_network_link(cor, l);
        assert_non_null(c);
        assert_int_equal(c->gauge_mm, k->gauge_mm);
        assert_int_equal(c->crossing >= 0, k->crossing >= 0);
        assert_string_equal(c->name, k->name);
    }
    sr_network_close(cor);
    sr_network_close(net);
    /* The ODbL attribution travels with it. */
    char path[4300];
    snprintf(path, sizeof path, "%s/NOTICE", out);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    tu_rmdir(out);
}

static void expect_status(const char *corridor, const char *imp, const char *link, const char *status,
                          const char *reason_part)
{
    char *out = tu_mkdtemp();
    char report[4300], err[1024];
    snprintf(report, sizeof report, "%s/match_report.csv", out);
    sr_match_stats s;
    sr_code c = sr_osm_match(corridor, imp, out, NULL, NULL, &s, err, sizeof err);
    if (c != SR_OK)
        fail_msg("match: %s", err);
    char f[16][2048];
    assert_true(report_row(report, link, f));
    if (strcmp(f[5], status) || !strstr(f[6], reason_part))
        fail_msg("%s: %s (%s), expected %s (%s)", link, f[5], f[6], status, reason_part);
    /* An unmatched link is written unchanged. */
    long errors = 0;
    assert_int_equal(sr_check_data(out, report_err, &errors), 0);
    tu_rmdir(out);
}

static void test_match_generated(void **st)
{
    (void)st;
    NEED_MONACO();
    char *d = tu_copy_dataset("tests/data/monaco");
    assert_non_null(d);
    /* A place 20 km away (Nice, off the extract), a place 5 m from the
     * road node the station snaps to (both ends snap to it), a 1520 mm line, and a
     * road whose corridor length is far from the map's. */
    assert_int_equal(tu_edit(d, "places.csv", "",
                             "MC-NEAR,Station forecourt,,,,MC,city,43.73815,7.41930,Europe/Monaco,S-test\n"
                             "FR-NICE,Nice,,,,FR,city,43.7034,7.2663,Europe/Paris,S-test\n"),
                     0);
    assert_int_equal(tu_edit(d, "crossings.csv", "",
                             "X-MC-FR-N,Monaco–Nice,,,road,MCMON,FR-NICE,0,,,daily,24h,,0,0,0,A-test\n"
                             "X-MC-FR-B,Monaco–Cap d'Ail broad,,,rail,MCMON,FR-CAPDAIL,0,,,daily,24h,,0,0,0,A-test\n"),
                     0);
    assert_int_equal(tu_edit(d, "links.csv", "",
                             "D-MON-NICE,MCMON,FR-NICE,road,,22,,,,,,,open,,X-MC-FR-N,,,A-test\n"
                             "D-MON-NEAR,MCMON,MC-NEAR,road,,0.1,,,,,,,open,,,,,A-test\n"
                             "R-BROAD,MCMON,FR-CAPDAIL,rail,1520,3,,,,,,,open,,X-MC-FR-B,,,A-test\n"
                             "D-LONG,MCMON,MC-FONTVIEILLE,road,,10,,,,,,,open,,,,,A-test\n"),
                     0);
    expect_status(d, imported, "D-MON-NICE", "end_not_found", "within 5 km of FR-NICE");
    expect_status(d, imported, "D-MON-NEAR", "ends_meet", "one imported place");
    expect_status(d, imported, "R-BROAD", "no_osm_lines", "no rail 1520 links");
    expect_status(d, imported, "D-LONG", "implausible_length", "against 10.000 km");
    /* With a wider tolerance the long one is accepted. */
    char *out = tu_mkdtemp();
    sr_match_options o;
    sr_match_options_init(&o);
    o.tolerance = 9;
    sr_match_stats s;
    char err[1024];
    assert_int_equal(sr_osm_match(d, imported, out, NULL, &o, &s, err, sizeof err), SR_OK);
    assert_int_equal(s.links, 7);
    assert_int_equal(s.matched, 4);
    assert_int_equal(s.end_not_found + s.ends_meet + s.no_osm_lines, 3);
    tu_rmdir(out);
    tu_rmdir(d);
}

/* Two roads that do not meet: no path between their ends. */
static const char *two_roads =
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<osm version='0.6' generator='test_osm_match.c'>\n"
    " <node id='1' lat='43.7000' lon='7.4000'/>\n"
    " <node id='2' lat='43.7050' lon='7.4000'/>\n"
    " <node id='3' lat='43.7100' lon='7.4000'/>\n"
    " <node id='4' lat='43.7150' lon='7.4000'/>\n"
    " <way id='10'><nd ref='1'/><nd ref='2'/><tag k='highway' v='primary'/></way>\n"
    " <way id='11'><nd ref='3'/><nd ref='4'/><tag k='highway' v='primary'/></way>\n"
    "</osm>\n";

static void test_match_no_path(void **st)
{
    (void)st;
    char *dir = tu_mkdtemp(), *imp = tu_mkdtemp(), *cor = tu_copy_dataset("tests/data/monaco");
    assert_int_equal(tu_write(dir, "map.osm", two_roads), 0);
    char in[4300], err[1024];
    snprintf(in, sizeof in, "%s/map.osm", dir);
    sr_osm_options oo = {.country = "MC"};
    assert_int_equal(sr_osm_import(in, imp, &oo, NULL, err, sizeof err), SR_OK);
    assert_int_equal(tu_edit(cor, "places.csv", "",
                             "MC-S1,South,,,,MC,city,43.7001,7.4001,Europe/Monaco,S-test\n"
                             "MC-N1,North,,,,MC,city,43.7149,7.4001,Europe/Monaco,S-test\n"),
                     0);
    assert_int_equal(tu_edit(cor, "links.csv", "", "D-S-N,MC-S1,MC-N1,road,,1.7,,,,,,,open,,,,,A-test\n"), 0);
    expect_status(cor, imp, "D-S-N", "no_path", "no path on the imported road lines between OSM-N1 and OSM-N4");
    tu_rmdir(cor);
    tu_rmdir(imp);
    tu_rmdir(dir);
}

static void test_match_errors(void **st)
{
    (void)st;
    char err[1024];
    sr_match_options o;
    sr_match_options_init(&o);
    char *out = tu_mkdtemp();
    assert_int_equal(sr_osm_match("tests/data/monaco", "/nonexistent", out, NULL, &o, NULL, err, sizeof err), SR_EIO);
    assert_non_null(strstr(err, "/nonexistent: the imported dataset must be a directory"));
    /* A dataset that is not an import (no S-osm source) is refused. */
    assert_int_equal(sr_osm_match("tests/data/monaco", "tests/data/mini", out, NULL, &o, NULL, err, sizeof err),
                     SR_EDATA);
    assert_non_null(strstr(err, "no S-osm source"));
    assert_int_equal(sr_osm_match("tests/data/monaco", "tests/data/mini", "tests/data/monaco", NULL, &o, NULL, err,
                                  sizeof err),
                     SR_EARG);
    o.radius_km = 0;
    assert_int_equal(sr_osm_match("tests/data/monaco", "tests/data/mini", out, NULL, &o, NULL, err, sizeof err),
                     SR_EARG);
    assert_non_null(strstr(err, "radius"));
    sr_match_options_init(&o);
    o.tolerance = NAN;
    assert_int_equal(sr_osm_match("tests/data/monaco", "tests/data/mini", out, NULL, &o, NULL, err, sizeof err),
                     SR_EARG);
    /* A corridor dataset with an error names its file and line. */
    char *bad = tu_copy_dataset("tests/data/monaco");
    assert_int_equal(tu_edit(bad, "links.csv", "MCMON,FR-CAPDAIL", "MCMON,FR-NOWHERE"), 0);
    assert_int_equal(sr_osm_match(bad, "tests/data/mini", out, NULL, NULL, NULL, err, sizeof err), SR_EDATA);
    assert_non_null(strstr(err, "links.csv:2"));
    tu_rmdir(bad);
    tu_rmdir(out);
}

static void test_coord_parse(void **st)
{
    (void)st;
    double la, lo;
    assert_int_equal(sr_coord_parse("43.7384,7.4246", &la, &lo), SR_OK);
    assert_true(la == 43.7384 && lo == 7.4246);
    assert_int_equal(sr_coord_parse("-33.9,-70.1", &la, &lo), SR_OK);
    assert_int_equal(sr_coord_parse("95,7", &la, &lo), SR_EARG);
    assert_int_equal(sr_coord_parse("43,190.5", &la, &lo), SR_EARG);
    assert_int_equal(sr_coord_parse("Xi'an", &la, &lo), SR_EPLACE);
    assert_int_equal(sr_coord_parse("43.7, 7.4", &la, &lo), SR_EPLACE);
    assert_int_equal(sr_coord_parse("1e1,2", &la, &lo), SR_EPLACE);
    assert_int_equal(sr_coord_parse("43.7,7.4,1", &la, &lo), SR_EPLACE);
    assert_int_equal(sr_coord_parse("", &la, &lo), SR_EPLACE);
}

static void check_mile_line(const sr_mile *m)
{
    /* Property: the line is the road distance plus the two snaps. */
    double g = line_km(m->geom, m->n_geom);
    assert_true(fabs(g - (m->distance_km + m->snap_km + m->place_snap_km)) < 0.002 * g + 0.005);
}

static void test_mile_monaco(void **st)
{
    (void)st;
    NEED_MONACO();
    sr_detail *d = NULL;
    assert_int_equal(sr_detail_open(imported, &d), SR_OK);
    sr_network *cor;
    assert_int_equal(sr_network_open("tests/data/monaco", &cor), SR_OK);
    sr_mile m;
    /* From the Boulevard Princesse Charlotte, above the station. */
    assert_int_equal(sr_detail_mile(d, cor, "43.7384,7.4246", 0, &m), SR_OK);
    printf("first mile: %.3f km, %.4f h, %zu links to %s, snaps %.3f / %.3f km\n", m.distance_km, m.duration_h,
           m.n_links, sr_network_place(cor, m.place)->id, m.snap_km, m.place_snap_km);
    assert_string_equal(sr_network_place(cor, m.place)->id, "MCMON");
    assert_true(fabs(m.distance_km - 0.685) < 0.0005);
    assert_true(m.duration_h > 0 && m.snap_km < 0.05);
    assert_true(m.geom[0] == 7.4246 && m.geom[1] == 43.7384);
    assert_true(m.distance_km >= hav(43.7384, 7.4246, 43.7382340, 7.4195921) - m.snap_km - m.place_snap_km);
    check_mile_line(&m);
    char *j = sr_mile_json(cor, &m);
    assert_non_null(j);
    assert_non_null(strstr(j, "\"mode\": \"road\", \"from\": {\"lat\": 43.738400, \"lon\": 7.424600}, \"to\": "
                              "{\"id\": \"MCMON\""));
    assert_non_null(strstr(j, "\"type\": \"LineString\""));
    sr_free(j);
    sr_mile_clear(&m);
    /* A last mile into Fontvieille. */
    assert_int_equal(sr_detail_mile(d, cor, "43.7300,7.4140", 1, &m), SR_OK);
    assert_string_equal(sr_network_place(cor, m.place)->id, "MC-FONTVIEILLE");
    assert_true(fabs(m.distance_km - 0.687) < 0.0005);
    assert_true(m.geom[2 * m.n_geom - 2] == 7.4140 && m.geom[2 * m.n_geom - 1] == 43.73);
    check_mile_line(&m);
    sr_mile_clear(&m);
    /* Bad input. */
    assert_int_equal(sr_detail_mile(d, cor, "95,7", 0, &m), SR_EARG);
    assert_non_null(strstr(sr_detail_errmsg(d), "out of range"));
    assert_int_equal(sr_detail_mile(d, cor, "Monaco", 0, &m), SR_EARG);
    assert_int_equal(sr_detail_mile(d, cor, "43.9,7.0", 0, &m), SR_EPLACE);
    assert_non_null(strstr(sr_detail_errmsg(d), "43.9,7.0: no road of the detailed network within 2 km"));
    sr_network_close(cor);
    sr_detail_close(d);
}

static void test_mile_errors(void **st)
{
    (void)st;
    sr_detail *d = NULL;
    assert_int_not_equal(sr_detail_open("/nonexistent", &d), SR_OK);
    assert_non_null(strstr(sr_detail_errmsg(d), "/nonexistent (detailed network)"));
    sr_detail_close(d);
    /* No corridor place near: the mini network is in another continent. */
    char *dir = tu_mkdtemp(), *imp = tu_mkdtemp();
    assert_int_equal(tu_write(dir, "map.osm", two_roads), 0);
    char in[4300], err[1024];
    snprintf(in, sizeof in, "%s/map.osm", dir);
    sr_osm_options oo = {.country = "MC"};
    assert_int_equal(sr_osm_import(in, imp, &oo, NULL, err, sizeof err), SR_OK);
    assert_int_equal(sr_detail_open(imp, &d), SR_OK);
    sr_network *mini;
    assert_int_equal(sr_network_open("tests/data/mini", &mini), SR_OK);
    sr_mile m;
    assert_int_equal(sr_detail_mile(d, mini, "43.7001,7.4001", 0, &m), SR_EPLACE);
    assert_non_null(strstr(sr_detail_errmsg(d), "no place of the corridor network within 50 km"));
    sr_network_close(mini);
    /* A corridor place on the other, separate road: no road leads there. */
    sr_network *cor;
    char *c = tu_copy_dataset("tests/data/monaco");
    assert_int_equal(tu_edit(c, "places.csv", "", "MC-N1,North,,,,MC,city,43.7149,7.4001,Europe/Monaco,S-test\n"), 0);
    assert_int_equal(sr_network_open(c, &cor), SR_OK);
    /* The candidates are MC-N1 (on road 11) and Cap d'Ail, 2.2 km from any
     * road of this map: only MC-N1 qualifies, and road 10 does not reach it. */
    assert_int_equal(sr_detail_mile(d, cor, "43.7001,7.4001", 0, &m), SR_ENOROUTE);
    assert_non_null(strstr(sr_detail_errmsg(d), "no road of the detailed network leads to"));
    assert_int_equal(sr_detail_mile(d, cor, "43.7149,7.4001", 0, &m), SR_OK);
    assert_string_equal(sr_network_place(cor, m.place)->id, "MC-N1");
    sr_mile_clear(&m);
    sr_network_close(cor);
    sr_detail_close(d);
    tu_rmdir(c);
    tu_rmdir(imp);
    tu_rmdir(dir);
}

static void test_graph_vs_router(void **st)
{
    (void)st;
    NEED_MONACO();
    sr_network *net;
    sr_query *q;
    assert_int_equal(sr_network_open(imported, &net), SR_OK);
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    static const sr_mode modes[2] = {SR_ROAD, SR_RAIL};
    unsigned seed = 17;
    size_t compared = 0, unreachable = 0;
    for (int mi = 0; mi < 2; mi++) {
        sr__og g;
        assert_int_equal(sr__og_build(&g, net, modes[mi], modes[mi] == SR_RAIL ? 1435 : 0, 0), 0);
        assert_true(g.n_bylat > 10);
        for (int k = 0; k < 40; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t a = g.bylat[(seed >> 8) % g.n_bylat];
            seed = seed * 1103515245u + 12345u;
            uint32_t b = g.bylat[(seed >> 8) % g.n_bylat];
            if (a == b)
                continue;
            assert_int_equal(sr__og_search(&g, a, 1, &b, 1), 0);
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = sr_network_place(net, a)->id;
            o.to = sr_network_place(net, b)->id;
            o.modes = SR_MODE_BIT(modes[mi]);
            sr_result *r = NULL;
            sr_code c = sr_route_query(q, &o, &r);
            if (!sr__og_reached(&g, b)) {
                assert_int_not_equal(c, SR_OK);
                unreachable++;
            } else {
                assert_int_equal(c, SR_OK);
                double h = sr_result_route(r, 0)->duration_h;
                if (fabs(h - sr__og_dist(&g, b)) > 1e-6 * (1 + h))
                    fail_msg("%s -> %s: router %.9f h, graph.c %.9f h", o.from, o.to, h, sr__og_dist(&g, b));
                /* The path found is as long as its links. */
                uint32_t arcs[4096];
                size_t n = sr__og_path(&g, b, arcs, 4096);
                assert_true(n <= 4096);
                double sum = 0;
                for (size_t i = 0; i < n; i++)
                    sum += sr_network_link(net, g.arc_link[arcs[i]])->duration_h;
                assert_true(fabs(sum - sr__og_dist(&g, b)) < 1e-9);
                assert_int_equal(sr__og_arc_from(&g, arcs[0]), a);
                compared++;
            }
            sr_result_free(r);
        }
        sr__og_free(&g);
    }
    printf("graph.c against the router: %zu pairs equal, %zu unreachable in both\n", compared, unreachable);
    assert_true(compared >= 30);
    sr_query_destroy(q);
    sr_network_close(net);
}

/* route --detail: the joint choice of the mile's place, added fields
 * only, and clean errors. */
static void test_route_detail_cli(void **st)
{
    (void)st;
    NEED_MONACO();
    static char a[1 << 20], b[1 << 20];
    char args[8192];
    /* To a point in Fontvieille from Cap d'Ail: the train to the station
     * and 1.3 km by road beats the road place nearest the point, which
     * the route would reach only through a 2 h mode change. */
    snprintf(args, sizeof args, "route FR-CAPDAIL 43.7300,7.4140 --data tests/data/monaco --detail %s --json",
             imported);
    assert_int_equal(tu_cli(argv0, args, a, sizeof a), 0);
    assert_non_null(strstr(a, "\"last_mile\": {\"mode\": \"road\", \"from\": {\"id\": \"MCMON\""));
    assert_non_null(strstr(a, "\"door_to_door\": [{\"distance_km\": "));
    assert_null(strstr(a, "\"first_mile\""));
    /* Every field before the added ones is the plain route's, byte for byte. */
    assert_int_equal(tu_cli(argv0, "route FR-CAPDAIL MCMON --data tests/data/monaco --json", b, sizeof b), 0);
    char *end = strstr(a, ",\n  \"last_mile\"");
    assert_non_null(end);
    size_t nb = strlen(b);
    while (nb && (b[nb - 1] == '\n' || b[nb - 1] == '}'))
        nb--;
    assert_int_equal((size_t)(end - a), nb);
    assert_memory_equal(a, b, nb);
    snprintf(args, sizeof args, "route 43.7384,7.4246 FR-CAPDAIL --data tests/data/monaco --detail %s", imported);
    assert_int_equal(tu_cli(argv0, args, a, sizeof a), 0);
    assert_non_null(strstr(a, "first mile: road 0.7 km"));
    assert_non_null(strstr(a, "to Monaco - Monte Carlo (MCMON)"));
    assert_non_null(strstr(a, "door to door: 4 km"));
    /* Two points nearer by road through one place than by any corridor
     * route: said so, exit 2. */
    snprintf(args, sizeof args, "route 43.7384,7.4246 43.7383,7.4245 --data tests/data/monaco --detail %s", imported);
    assert_int_equal(tu_cli(argv0, args, a, sizeof a), 2);
    assert_non_null(strstr(a, "FROM and TO are nearer by road alone"));
    snprintf(args, sizeof args, "route 43.9,7.0 MCMON --data tests/data/monaco --detail %s --json", imported);
    assert_int_equal(tu_cli(argv0, args, a, sizeof a), 2);
    assert_non_null(strstr(a, "{\"code\":\"UnknownPlace\",\"message\":\"FROM: 43.9,7.0: no road"));
    snprintf(args, sizeof args, "match-osm tests/data/monaco %s --out %s/m --quiet", imported, imported);
    assert_int_equal(tu_cli(argv0, args, a, sizeof a), 0);
    snprintf(args, sizeof args, "match-osm tests/data/monaco %s --out %s/m", imported, imported);
    assert_int_equal(tu_cli(argv0, args, a, sizeof a), 0);
    assert_non_null(strstr(a, "3 of 3 links matched"));
}

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_monaco), cmocka_unit_test(test_match_generated),
        cmocka_unit_test(test_match_no_path), cmocka_unit_test(test_match_errors),
        cmocka_unit_test(test_coord_parse),  cmocka_unit_test(test_mile_monaco),
        cmocka_unit_test(test_mile_errors),  cmocka_unit_test(test_route_detail_cli),
        cmocka_unit_test(test_graph_vs_router),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
