/*
 * test_pipelines.c - the pipeline model on the shipped data and on bad
 * input:
 *
 *  - golden answers a person checked against the sources in
 *    data/sources.csv: the A+B+C ceiling of 55 bcm/yr (S-oge-2014-06-linec),
 *    line D's addition in its (assumed) opening year 2030 (25 bcm/yr of
 *    Turkmen gas, up to 65 in all, S-turkmennebit-2022-03; 30 bcm/yr pipe,
 *    85 with D, S-kebev-linec-diameter), the loss of line C east of
 *    Shymkent (25 bcm/yr), the Atasu–Alashankou ceiling of 20 Mt/yr
 *    (S-kmg-ar2020-oil) and a transit-country offtake;
 *  - properties on the shipped data: conservation at every node, no
 *    segment over capacity, determinism, base flows against observations;
 *  - the criticality ranking;
 *  - bad input in every pipeline file and in scenarios: FILE:LINE: field
 *    messages, SR_EDATA, and the CLI's documented exit codes.
 */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../src/server/pipelines.h"
#include "pipeline/pipe.h"
#include "silkroute.h"
#include "util.h"

static const char *argv0;
static sr_pipelines *P;

static long idx_delivery(const char *id)
{
    for (size_t i = 0; i < sr_pipelines_delivery_count(P); i++)
        if (!strcmp(sr_pipelines_delivery(P, i)->id, id))
            return (long)i;
    fail_msg("no delivery %s", id);
    return -1;
}

static long idx_supply(const char *id) { return sr__pipe_find_supply(P, id); }

/* A solved scenario from text (and a year). */
static sr_pipeflow *scen(int year, const char *text)
{
    sr_pipeflow *f = NULL;
    assert_int_equal(sr_pipeflow_create(P, &f), SR_OK);
    if (year)
        assert_int_equal(sr_pipeflow_set_year(f, year), SR_OK);
    if (text)
        assert_int_equal(sr_pipeflow_parse_scenario(f, text, strlen(text), "t.scn"), SR_OK);
    assert_int_equal(sr_pipeflow_solve(f), SR_OK);
    return f;
}

static double del(sr_pipeflow *f, const char *id) { return sr_pipeflow_delivered(f, (size_t)idx_delivery(id)); }
static double served(sr_pipeflow *f, const char *id) { return sr_pipeflow_supply_served(f, (size_t)idx_supply(id)); }

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_abc_ceiling(void **state)
{
    (void)state;
    sr_pipeflow *f = scen(0, NULL);
    NEAR(del(f, "KHORGOS"), 55); /* 30 (A+B) + 25 (C) */
    NEAR(del(f, "WUQIA"), 0);    /* line D is planned */
    NEAR(del(f, "ALASHANKOU"), 20);
    NEAR(served(f, "RU-TRANSIT"), 10);
    sr_pipeflow_destroy(f);
    /* Ten times the supply: the pipes, not the suppliers, bind at 55. */
    f = scen(0, "scale supplies 10\n");
    NEAR(del(f, "KHORGOS"), 55);
    NEAR(del(f, "ALASHANKOU"), 20);
    sr_pipeflow_destroy(f);
    /* 2012: line C (2014) not yet open: A+B only. */
    f = scen(2012, "scale supplies 10");
    NEAR(del(f, "KHORGOS"), 30);
    sr_pipeflow_destroy(f);
}

static void test_line_d(void **state)
{
    (void)state;
    sr_pipeflow *f = scen(2029, NULL);
    NEAR(del(f, "WUQIA"), 0);
    sr_pipeflow_destroy(f);
    /* Opening year 2030 (A-lined-open-year): 25 bcm/yr more Turkmen gas,
     * 80 in all; supply, not the 30 bcm/yr pipe, limits line D. */
    f = scen(2030, NULL);
    NEAR(del(f, "WUQIA"), 25);
    NEAR(del(f, "KHORGOS"), 55);
    NEAR(sr_pipeflow_system_delivered(f, 0), 80);
    sr_pipeflow_destroy(f);
    f = scen(2030, "scale supplies 10");
    NEAR(del(f, "WUQIA"), 30);
    NEAR(sr_pipeflow_system_delivered(f, 0), 85); /* 55 + 30, the sources' 85 */
    sr_pipeflow_destroy(f);
    /* The shipped scenario file gives the same. */
    f = NULL;
    assert_int_equal(sr_pipeflow_create(P, &f), SR_OK);
    assert_int_equal(sr_pipeflow_load_scenario(f, "data/pipelines/scenarios/line-d-2030.scn"), SR_OK);
    assert_int_equal(sr_pipeflow_solve(f), SR_OK);
    NEAR(del(f, "WUQIA"), 25);
    sr_pipeflow_destroy(f);
}

static void test_segment_outage(void **state)
{
    (void)state;
    sr_pipeflow *f = NULL;
    assert_int_equal(sr_pipeflow_create(P, &f), SR_OK);
    assert_int_equal(sr_pipeflow_load_scenario(f, "data/pipelines/scenarios/c-kz2-outage.scn"), SR_OK);
    assert_int_equal(sr_pipeflow_solve(f), SR_OK);
    /* Only A and B (30) reach Khorgos; Turkmen gas (priority 1) fills them. */
    NEAR(del(f, "KHORGOS"), 30);
    NEAR(served(f, "TM-AB") + served(f, "TM-C"), 30);
    NEAR(served(f, "UZ-C"), 0);
    NEAR(served(f, "KZ-C"), 0);
    sr_pipeflow_destroy(f);
    /* A compressor-station failure modelled as half of line C in
     * Uzbekistan: 15 + 15 + 12.5 cross into Kazakhstan, and the 5 of
     * Kazakh gas join at Shymkent, downstream of the cut. */
    f = scen(0, "derate segment C-UZ 0.5");
    NEAR(del(f, "KHORGOS"), 47.5);
    sr_pipeflow_destroy(f);
    /* Closing a node closes every segment through it. */
    f = scen(0, "close node KZ-ATASU");
    NEAR(del(f, "ALASHANKOU"), 0);
    sr_pipeflow_destroy(f);
}

static void test_offtake_and_supply_cut(void **state)
{
    (void)state;
    sr_pipeflow *f = NULL;
    assert_int_equal(sr_pipeflow_create(P, &f), SR_OK);
    assert_int_equal(sr_pipeflow_load_scenario(f, "data/pipelines/scenarios/uz-offtake.scn"), SR_OK);
    assert_int_equal(sr_pipeflow_solve(f), SR_OK);
    /* TM 40 + KZ 5 offered; Kazakhstan takes 5 first at Shymkent. */
    assert_int_equal(sr_pipeflow_offtake_count(f), 1);
    NEAR(sr_pipeflow_offtake_served(f, 0), 5);
    NEAR(del(f, "KHORGOS"), 40);
    sr_pipeflow_destroy(f);
    /* Less Russian crude: Kazakh crude fills Atasu–Alashankou only up to
     * what its own segments carry (KCO-1 6, KCO-2 10 with Kenkiyak). */
    assert_int_equal(sr_pipeflow_create(P, &f), SR_OK);
    assert_int_equal(sr_pipeflow_load_scenario(f, "data/pipelines/scenarios/ru-oil-cut.scn"), SR_OK);
    assert_int_equal(sr_pipeflow_solve(f), SR_OK);
    NEAR(served(f, "RU-TRANSIT"), 5);
    NEAR(del(f, "ALASHANKOU"), 15.5); /* 5 RU + 6 Atyrau + 1.5 Kenkiyak + 3 Kumkol */
    sr_pipeflow_destroy(f);
}

/* Conservation at every node and capacities, on several scenarios. */
static void check_balance(sr_pipeflow *f)
{
    size_t nn = sr_pipelines_node_count(P);
    double *bal = calloc(nn, sizeof *bal);
    assert_non_null(bal);
    for (size_t i = 0; i < sr_pipelines_segment_count(P); i++) {
        const sr_pipe_segment *s = sr_pipelines_segment(P, i);
        double x = sr_pipeflow_segment_flow(f, i);
        assert_true(x >= 0);
        assert_true(x <= sr_pipeflow_segment_capacity(f, i) + 1e-9);
        bal[s->from] -= x;
        bal[s->to] += x;
    }
    for (size_t i = 0; i < sr_pipelines_supply_count(P); i++) {
        double x = sr_pipeflow_supply_served(f, i);
        assert_true(x <= sr_pipeflow_supply_offered(f, i) + 1e-9);
        bal[sr_pipelines_supply(P, i)->node] += x;
    }
    for (size_t i = 0; i < sr_pipelines_delivery_count(P); i++)
        bal[sr_pipelines_delivery(P, i)->node] -= sr_pipeflow_delivered(f, i);
    for (size_t i = 0; i < sr_pipeflow_offtake_count(f); i++)
        bal[f->offs[i].node] -= sr_pipeflow_offtake_served(f, i);
    for (size_t v = 0; v < nn; v++)
        assert_true(fabs(bal[v]) < 1e-9);
    free(bal);
}

static void test_properties_on_data(void **state)
{
    (void)state;
    const char *scns[] = {NULL, "year 2030", "close segment A-KZ2", "scale supplies 3\nyear 2030",
                          "offtake X KZ-SHYMKENT KZ 50", "derate segment KCO-2 0.3\nsupply KZ-KUMKOL 9"};
    for (size_t k = 0; k < sizeof scns / sizeof *scns; k++) {
        sr_pipeflow *f = scen(0, scns[k]);
        check_balance(f);
        /* Deterministic: the same scenario prints the same JSON. */
        sr_pipeflow *g = scen(0, scns[k]);
        char *a = sr_pipeflow_json(f, NULL, SR_PIPE_JSON_CRITICAL), *b = sr_pipeflow_json(g, NULL, SR_PIPE_JSON_CRITICAL);
        assert_non_null(a);
        assert_string_equal(a, b);
        sr_free(a);
        sr_free(b);
        sr_pipeflow_destroy(f);
        sr_pipeflow_destroy(g);
    }
}

/* Base flows beside the published observations: the model is the
 * capacity ceiling, so observed deliveries are at most the modelled ones,
 * and the Turkmen share of Central Asian gas is close to the customs'. */
static void test_observations(void **state)
{
    (void)state;
    sr_pipeflow *f = scen(0, NULL);
    char *j = sr_pipeflow_json(f, NULL, 0);
    json_t *root = json_loads(j, 0, NULL);
    assert_non_null(root);
    size_t si, oi;
    json_t *sys, *o;
    int checked = 0;
    json_array_foreach(json_object_get(root, "systems"), si, sys) {
        json_array_foreach(json_object_get(sys, "observations"), oi, o) {
            const char *kind = json_string_value(json_object_get(o, "kind"));
            double v = json_number_value(json_object_get(o, "value"));
            json_t *m = json_object_get(o, "model");
            if (!strcmp(kind, "delivered") || !strcmp(kind, "transit")) {
                assert_true(json_is_number(m));
                assert_true(v <= json_number_value(m) + 1e-9);
                checked++;
            } else if (!strcmp(kind, "supplier_share")) {
                assert_true(fabs(v - json_number_value(m)) < 0.05);
                checked++;
            }
        }
    }
    assert_true(checked >= 6);
    json_decref(root);
    sr_free(j);
    sr_pipeflow_destroy(f);
}

static void test_critical(void **state)
{
    (void)state;
    sr_pipeflow *f = scen(0, NULL);
    sr_pipe_critical *c = NULL;
    size_t n = 0;
    assert_int_equal(sr_pipeflow_critical(f, &c, &n), SR_OK);
    assert_true(n > 10);
    /* The largest single loss: Atasu–Alashankou (all 20 Mt/yr) or line C
     * east of Shymkent (25 bcm/yr); each system's top entry is named. */
    const char *top_gas = NULL, *top_oil = NULL;
    double lost_gas = 0, lost_oil = 0;
    for (size_t i = 0; i < n; i++) {
        const sr_pipe_segment *s = sr_pipelines_segment(P, c[i].segment);
        if (i)
            assert_true(c[i].lost <= c[i - 1].lost);
        if (!strcmp(sr_pipelines_system(P, s->system)->id, "CAGP") && !top_gas) {
            top_gas = s->id;
            lost_gas = c[i].lost;
        }
        if (!strcmp(sr_pipelines_system(P, s->system)->id, "KCOP") && !top_oil) {
            top_oil = s->id;
            lost_oil = c[i].lost;
        }
    }
    assert_string_equal(top_gas, "C-KZ2");
    NEAR(lost_gas, 25);
    assert_string_equal(top_oil, "KCO-4");
    NEAR(lost_oil, 20);
    sr_free(c);
    sr_pipeflow_destroy(f);
}

static void test_json_geojson(void **state)
{
    (void)state;
    sr_pipeflow *b = scen(0, NULL), *f = scen(0, "close segment C-KZ2");
    char *j = sr_pipeflow_json(f, b, 0);
    json_t *root = json_loads(j, 0, NULL);
    assert_non_null(root);
    json_t *cagp = json_array_get(json_object_get(root, "systems"), 0);
    assert_true(fabs(json_number_value(json_object_get(cagp, "shortfall")) - 25) < 1e-9);
    json_decref(root);
    sr_free(j);
    char *g = sr_pipeflow_geojson(f);
    root = json_loads(g, 0, NULL);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "features")),
                     sr_pipelines_segment_count(P) + sr_pipelines_node_count(P));
    json_decref(root);
    sr_free(g);
    sr_pipeflow_destroy(f);
    sr_pipeflow_destroy(b);
    /* Unsolved: no output. */
    sr_pipeflow *u = NULL;
    assert_int_equal(sr_pipeflow_create(P, &u), SR_OK);
    assert_null(sr_pipeflow_json(u, NULL, 0));
    assert_null(sr_pipeflow_geojson(u));
    sr_pipeflow_destroy(u);
}

/* ---------------------------------------------------------------------------
 * Bad input
 * ------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, fp);
    fclose(fp);
    s[got] = 0;
    if (len)
        *len = got;
    return s;
}

/* Load the shipped files with file k's first `find` replaced by `repl`;
 * expect an error whose first message starts with want. */
static void expect_bad(int k, const char *find, const char *repl, const char *want)
{
    char *bufs[SR__PF_COUNT];
    size_t lens[SR__PF_COUNT];
    for (int i = 0; i < SR__PF_COUNT; i++) {
        char path[256];
        snprintf(path, sizeof path, "data/pipelines/%s", sr__pipe_file_names[i]);
        bufs[i] = slurp(path, &lens[i]);
        assert_non_null(bufs[i]);
    }
    char *hit = strstr(bufs[k], find);
    if (!hit)
        fail_msg("'%s' not in %s", find, sr__pipe_file_names[k]);
    size_t fl = strlen(find), rl = strlen(repl);
    char *ed = malloc(lens[k] - fl + rl + 1);
    memcpy(ed, bufs[k], (size_t)(hit - bufs[k]));
    memcpy(ed + (hit - bufs[k]), repl, rl);
    strcpy(ed + (hit - bufs[k]) + rl, hit + fl);
    free(bufs[k]);
    bufs[k] = ed;
    lens[k] = strlen(ed);
    size_t slen;
    char *src = slurp("data/sources.csv", &slen);
    sr_pipelines *p = calloc(1, sizeof *p);
    long e = sr__pipe_load_bufs(p, (const char *const *)bufs, lens, src, slen, NULL, NULL);
    if (e < 1 || strncmp(p->errmsg, want, strlen(want)))
        fail_msg("%s: edit '%s' -> '%s': %ld errors, first '%s', wanted '%s'", sr__pipe_file_names[k], find, repl, e,
                 p->errmsg, want);
    sr_pipelines_close(p);
    free(src);
    for (int i = 0; i < SR__PF_COUNT; i++)
        free(bufs[i]);
}

static void test_shipped_files_load(void **state)
{
    (void)state;
    /* The shipped files load without a problem through the buffer path the
     * bad-input cases (and the fuzzer) use. */
    char *bufs[SR__PF_COUNT];
    size_t lens[SR__PF_COUNT], slen;
    for (int i = 0; i < SR__PF_COUNT; i++) {
        char path[256];
        snprintf(path, sizeof path, "data/pipelines/%s", sr__pipe_file_names[i]);
        bufs[i] = slurp(path, &lens[i]);
        assert_non_null(bufs[i]);
    }
    char *src = slurp("data/sources.csv", &slen);
    sr_pipelines *p = calloc(1, sizeof *p);
    assert_int_equal(sr__pipe_load_bufs(p, (const char *const *)bufs, lens, src, slen, NULL, NULL), 0);
    assert_int_equal(sr_pipelines_segment_count(p), sr_pipelines_segment_count(P));
    sr_pipelines_close(p);
    free(src);
    for (int i = 0; i < SR__PF_COUNT; i++)
        free(bufs[i]);
}

static void test_bad_each_file(void **state)
{
    (void)state;
    expect_bad(SR__PF_SYSTEMS, "gas,bcm/yr", "water,bcm/yr", "pipelines/systems.csv:3: commodity:");
    expect_bad(SR__PF_SYSTEMS, "oil,Mt/yr", "oil,bcm/yr", "pipelines/systems.csv:4: unit:");
    expect_bad(SR__PF_SYSTEMS, "id,name,commodity", "ident,name,commodity", "pipelines/systems.csv:2: id: missing column");
    expect_bad(SR__PF_NODES, "field,TM,39.05,63.70", "field,TM,139.05,63.70", "pipelines/nodes.csv:4: lat:");
    expect_bad(SR__PF_NODES, "border,UZ,39.42", "pump,UZ,39.42", "pipelines/nodes.csv:5: kind:");
    expect_bad(SR__PF_NODES, "TM-UZ-GEDAIM,CAGP", "TM-UZ-GEDAIM,XXX", "pipelines/nodes.csv:5: system: unknown system 'XXX'");
    expect_bad(SR__PF_NODES, "A-pipe-coords\nTM-UZ", "S-nope\nTM-UZ", "pipelines/nodes.csv:4: source: unknown source id");
    expect_bad(SR__PF_SEGMENTS, "1067,15,open,2009", "1067,lots,open,2009", "pipelines/segments.csv:4: capacity:");
    expect_bad(SR__PF_SEGMENTS, "A-TM,CAGP,A,TM-SAMANDEPE", "A-TM,CAGP,A,TM-NOWHERE", "pipelines/segments.csv:4: from: unknown node");
    expect_bad(SR__PF_SEGMENTS, "B-TM,CAGP", "A-TM,CAGP", "pipelines/segments.csv:5: id: duplicate id 'A-TM'");
    expect_bad(SR__PF_SEGMENTS, "30,planned,2030", "30,planned,", "pipelines/segments.csv:17: open_year: missing");
    expect_bad(SR__PF_SEGMENTS, "KZ-ATYRAU,KZ-KENKIYAK", "KZ-ATYRAU,TM-UZ-GEDAIM", "pipelines/segments.csv:22: to: node 'TM-UZ-GEDAIM' belongs to system 'CAGP'");
    expect_bad(SR__PF_SEGMENTS, ",15,open,2009", ",15,opened,2009", "pipelines/segments.csv:4: status:");
    expect_bad(SR__PF_SUPPLIES, "TM,30,1", "TM,-30,1", "pipelines/supplies.csv:4: volume:");
    expect_bad(SR__PF_SUPPLIES, "TM,30,1", "TM,30,1.5", "pipelines/supplies.csv:4: priority:");
    expect_bad(SR__PF_SUPPLIES, "TM-SAMANDEPE,TM", "TM-SAMANDEPE,Turkmenistan", "pipelines/supplies.csv:4: supplier:");
    expect_bad(SR__PF_OFFTAKES, "id,system,node,country,volume,source\n",
               "id,system,node,country,volume,source\nK,CAGP,KZ-SHYMKENT,KZ,,S-gem-kcop\n",
               "pipelines/offtakes.csv:5: volume: missing");
    expect_bad(SR__PF_DELIVERIES, "CN-KHORGOS,Khorgos into the West–East gas pipeline,,",
               "CN-KHORGOS,Khorgos,-1,", "pipelines/deliveries.csv:3: capacity:");
    expect_bad(SR__PF_DELIVERIES, "WUQIA,CAGP,CN-WUQIA", "WUQIA,CAGP,CN-WUQI", "pipelines/deliveries.csv:4: node: unknown node 'CN-WUQI'");
    expect_bad(SR__PF_OBSERVATIONS, "CAGP,2019,delivered", "CAGP,19,delivered", "pipelines/observations.csv:4: year:");
    expect_bad(SR__PF_OBSERVATIONS, "47.9,bcm", "many,bcm", "pipelines/observations.csv:4: value:");
    /* Malformed CSV and a file that cannot be parsed at all. */
    expect_bad(SR__PF_NODES, "Saman-Depe (Bagtyyarlyk fields)", "\"Saman-Depe", "pipelines/nodes.csv:");
}

static void test_bad_missing_file(void **state)
{
    (void)state;
    const char *bufs[SR__PF_COUNT] = {0};
    size_t lens[SR__PF_COUNT] = {0};
    sr_pipelines *p = calloc(1, sizeof *p);
    long e = sr__pipe_load_bufs(p, bufs, lens, NULL, 0, NULL, NULL);
    assert_true(e >= 5); /* five required files missing */
    assert_string_equal(p->errmsg, "pipelines/systems.csv: missing");
    sr_pipelines_close(p);
    /* A dataset without a pipelines folder: SR_EIO with a message. */
    char *d = tu_mkdtemp();
    assert_int_equal(sr_pipelines_open(d, &p), SR_EIO);
    assert_non_null(strstr(sr_pipelines_errmsg(p), "no pipelines folder"));
    sr_pipelines_close(p);
    tu_rmdir(d);
}

static void test_bad_scenarios(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
        sr_code code;
    } cases[] = {
        {"close segment Q9", "t.scn:1: segment: unknown segment 'Q9'", SR_EDATA},
        {"# c\n\ncapacity segment A-TM lots", "t.scn:3: capacity: 'lots' is not a number", SR_EDATA},
        {"year 20300", "t.scn:1: year: '20300' is not a year", SR_EDATA},
        {"explode segment A-TM", "t.scn:1: explode: unknown edit", SR_EDATA},
        {"derate segment A-TM 1.5", "t.scn:1: derate: '1.5' is not a number in 0..1", SR_EDATA},
        {"supply NOPE 3", "t.scn:1: supply: unknown supply 'NOPE'", SR_EDATA},
        {"offtake X KZ-SHYMKENT kz 3", "t.scn:1: country:", SR_EDATA},
        {"offtake X KZ-NOWHERE KZ 3", "t.scn:1: node: unknown node", SR_EDATA},
        {"close segment", "t.scn:1: close: expected", SR_EDATA},
        {"scale demand 2", "t.scn:1: demand: expected 'supplies'", SR_EDATA},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sr_pipeflow *f = NULL;
        assert_int_equal(sr_pipeflow_create(P, &f), SR_OK);
        sr_code c = sr_pipeflow_parse_scenario(f, cases[i].text, strlen(cases[i].text), "t.scn");
        if (c != cases[i].code || strncmp(sr_pipeflow_errmsg(f), cases[i].want, strlen(cases[i].want)))
            fail_msg("'%s': %d '%s', wanted '%s'", cases[i].text, c, sr_pipeflow_errmsg(f), cases[i].want);
        sr_pipeflow_destroy(f);
    }
    /* A line over the limit and NUL bytes. */
    sr_pipeflow *f = NULL;
    assert_int_equal(sr_pipeflow_create(P, &f), SR_OK);
    char big[2000];
    memset(big, 'x', sizeof big);
    assert_int_equal(sr_pipeflow_parse_scenario(f, big, sizeof big, "t.scn"), SR_ELIMIT);
    assert_int_equal(sr_pipeflow_parse_scenario(f, "year\0 2030", 10, "t.scn"), SR_EDATA);
    assert_int_equal(sr_pipeflow_load_scenario(f, "/nonexistent.scn"), SR_EIO);
    sr_pipeflow_destroy(f);
}

static void test_cli(void **state)
{
    (void)state;
    static char out[1 << 17];
    int rc = tu_cli(argv0, "pipelines --year 2030", out, sizeof out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "WUQIA"));
    assert_non_null(strstr(out, "binding segments:"));
    rc = tu_cli(argv0, "pipelines compare data/pipelines/scenarios/c-kz2-outage.scn", out, sizeof out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "base    55.00  shortfall    25.00"));
    rc = tu_cli(argv0, "pipelines --json --critical", out, sizeof out);
    assert_int_equal(rc, 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    json_decref(j);
    rc = tu_cli(argv0, "pipelines --geojson --year 2030", out, sizeof out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "FeatureCollection"));
    assert_int_equal(tu_cli(argv0, "pipelines --year soon", out, sizeof out), 2);
    assert_non_null(strstr(out, "--year"));
    assert_int_equal(tu_cli(argv0, "pipelines --bogus", out, sizeof out), 2);
    assert_int_equal(tu_cli(argv0, "pipelines compare", out, sizeof out), 2);
    char *d = tu_mkdtemp();
    char path[1200];
    snprintf(path, sizeof path, "%s/bad.scn", d);
    FILE *fp = fopen(path, "w");
    fputs("close segment ZZ\n", fp);
    fclose(fp);
    char args[1400];
    snprintf(args, sizeof args, "pipelines --scenario %s", path);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 4);
    assert_non_null(strstr(out, "bad.scn:1: segment: unknown segment 'ZZ'"));
    snprintf(args, sizeof args, "pipelines --json --scenario %s", path);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 4);
    assert_non_null(strstr(out, "\"BadData\""));
    /* A dataset with a bad pipeline file: exit 4 with FILE:LINE. */
    snprintf(args, sizeof args,
             "cp -r data/. %s/ds && sed -i 's/1067,15,open,2009/1067,lots,open,2009/' %s/ds/pipelines/segments.csv", d,
             d);
    mkdir(d, 0700);
    assert_int_equal(system(args), 0);
    snprintf(args, sizeof args, "pipelines --data %s/ds", d);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 4);
    assert_non_null(strstr(out, "pipelines/segments.csv:4: capacity: 'lots' is not a number"));
    snprintf(args, sizeof args, "check-data %s/ds", d);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 4);
    assert_non_null(strstr(out, "pipelines/segments.csv:4: error: capacity:"));
    snprintf(args, sizeof args, "rm -rf %s/ds", d);
    assert_int_equal(system(args), 0);
    tu_rmdir(d);
}


/* GET /v1/pipelines as the server answers it (src/server/pipelines.c). */
static int http(const char *target, char **body, sr_code *code, char *err)
{
    sr__target t;
    char e[256];
    assert_int_equal(sr__target_parse(target, strlen(target), &t, e, sizeof e), 0);
    const char *ctype;
    int st = sr__pipes_answer(P, "data", &t, body, &ctype, code, err, 512);
    sr__target_free(&t);
    return st;
}

static void test_http(void **state)
{
    (void)state;
    char *body = NULL, err[512];
    sr_code c;
    assert_int_equal(http("/v1/pipelines?year=2030&scenario=c-kz2-outage.scn&base=1&critical=1", &body, &c, err), 200);
    json_t *j = json_loads(body, 0, NULL);
    assert_non_null(j);
    json_t *cagp = json_array_get(json_object_get(j, "systems"), 0);
    assert_true(fabs(json_number_value(json_object_get(cagp, "delivered")) - 55) < 1e-9); /* 30 A+B, 25 D */
    assert_true(fabs(json_number_value(json_object_get(cagp, "shortfall")) - 25) < 1e-9);
    assert_non_null(json_object_get(cagp, "critical"));
    json_decref(j);
    sr_free(body);
    /* The same answer as the CLI's JSON (one serialiser). */
    assert_int_equal(http("/v1/pipelines?format=geojson&edits=close%20segment%20A-TM%3Byear%202030", &body, &c, err),
                     200);
    assert_non_null(strstr(body, "FeatureCollection"));
    sr_free(body);
    static const struct {
        const char *target, *want;
        int status;
    } bad[] = {
        {"/v1/pipelines?year=3000", "parameter 'year'", 400},
        {"/v1/pipelines?scenario=..%2Fsecret", "parameter 'scenario'", 400},
        {"/v1/pipelines?scenario=none.scn", "parameter 'scenario': no scenario", 404},
        {"/v1/pipelines?edits=close%20segment%20ZZ", "parameter 'edits': edits:1: segment: unknown segment 'ZZ'", 400},
        {"/v1/pipelines?format=xml", "parameter 'format'", 400},
        {"/v1/pipelines?critical=yes", "parameters 'critical'", 400},
        {"/v1/pipelines?colour=red", "unknown parameter 'colour'", 400},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        body = NULL;
        int st = http(bad[i].target, &body, &c, err);
        if (st != bad[i].status || strncmp(err, bad[i].want, strlen(bad[i].want)))
            fail_msg("%s: %d '%s', wanted %d '%s'", bad[i].target, st, err, bad[i].status, bad[i].want);
        assert_null(body);
    }
}

static int setup(void **state)
{
    (void)state;
    sr_code c = sr_pipelines_open("data", &P);
    if (c != SR_OK) {
        fprintf(stderr, "cannot open data/pipelines: %s\n", sr_pipelines_errmsg(P));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sr_pipelines_close(P);
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abc_ceiling),
        cmocka_unit_test(test_line_d),
        cmocka_unit_test(test_segment_outage),
        cmocka_unit_test(test_offtake_and_supply_cut),
        cmocka_unit_test(test_properties_on_data),
        cmocka_unit_test(test_observations),
        cmocka_unit_test(test_critical),
        cmocka_unit_test(test_json_geojson),
        cmocka_unit_test(test_shipped_files_load),
        cmocka_unit_test(test_bad_each_file),
        cmocka_unit_test(test_bad_missing_file),
        cmocka_unit_test(test_bad_scenarios),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_http),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
