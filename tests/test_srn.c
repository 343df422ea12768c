/*
 * test_srn.c - the compiled network file (src/lib/srn/, docs/FORMAT.md):
 * differential tests of every answer on a compiled file against the
 * CSV-loaded network it was compiled from, and refusal of files that are
 * damaged, truncated, of another version or crafted with valid checksums
 * but bad indexes.
 *
 * Why: the compiled file replaces the CSV loader for large networks, so it
 * must carry everything a query reads; comparing the full JSON answers of
 * random queries of every kind (objectives, Pareto, reliable, avoid lists,
 * years, transfer limits, units, quantities) catches a field that was not
 * written or read back (the document rules of data/documents/ included).
 * The damage tests edit the file with the layout of docs/FORMAT.md, so they
 * also check that the document is right.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "network/network.h"
#include "silkroute.h"
#include "srn/srn.h"
#include "util.h"
#include "util_randnet.h"

static char *compile_to(const char *dir, unsigned metrics, char *path, size_t cap)
{
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(dir, &net), SR_OK);
    if (metrics)
        assert_int_equal(sr_network_build_ch(net, metrics, NULL, NULL), SR_OK);
    char *tmp = tu_mkdtemp();
    assert_non_null(tmp);
    snprintf(path, cap, "%s/net.srn", tmp);
    char err[512];
    sr_code rc = sr_network_compile(net, path, err, sizeof err);
    if (rc != SR_OK)
        fail_msg("compile: %s", err);
    sr_network_close(net);
    return tmp;
}

/* JSON answers of o on both networks must be identical. */
static void same_answer(const sr_network *a, sr_query *qa, const sr_network *b, sr_query *qb, const sr_route_options *o,
                        long *n)
{
    sr_result *ra = NULL, *rb = NULL;
    sr_code ca = sr_route_query(qa, o, &ra), cb = sr_route_query(qb, o, &rb);
    if (ca != cb)
        fail_msg("%s -> %s: CSV %s, compiled %s (%s)", o->from, o->to, sr_strerror(ca), sr_strerror(cb),
                 sr_query_errmsg(qb));
    if (ca == SR_OK) {
        char *ja = sr_result_json(a, ra, 0), *jb = sr_result_json(b, rb, 0);
        assert_non_null(ja);
        assert_non_null(jb);
        if (strcmp(ja, jb))
            fail_msg("%s -> %s: answers differ\nCSV:      %.400s\ncompiled: %.400s", o->from, o->to, ja, jb);
        free(ja);
        free(jb);
    } else {
        assert_string_equal(sr_query_errmsg(qa), sr_query_errmsg(qb));
        assert_int_equal(sr_query_blocked(qa), sr_query_blocked(qb));
    }
    sr_result_free(ra);
    sr_result_free(rb);
    (*n)++;
}

static void test_random_roundtrip(void **state)
{
    (void)state;
    uint64_t rng = 0xc0ffee17ull;
    long n = 0;
    for (int cs = 0; cs < 80; cs++) {
        rn_net m;
        rn_generate(&m, &rng);
        char *dir = rn_tempdir();
        assert_int_equal(rn_write(&m, dir), 0);
        char path[4200];
        /* Every other file with hierarchies: then both sides use them. */
        unsigned metrics = cs % 2 ? SR_CH_ALL_METRICS : 0;
        char *tmp = compile_to(dir, metrics, path, sizeof path);
        sr_network *a = NULL, *b = NULL;
        assert_int_equal(sr_network_open(dir, &a), SR_OK);
        if (metrics)
            assert_int_equal(sr_network_build_ch(a, metrics, NULL, NULL), SR_OK);
        sr_code rc = sr_network_open(path, &b);
        if (rc != SR_OK)
            fail_msg("open %s: %s", path, sr_network_errmsg(b));
        assert_int_equal(sr_network_ch_metrics(b), metrics);
        assert_int_equal(sr_network_place_count(a), sr_network_place_count(b));
        assert_int_equal(sr_network_link_count(a), sr_network_link_count(b));
        sr_query *qa, *qb;
        assert_int_equal(sr_query_create(a, &qa), SR_OK);
        assert_int_equal(sr_query_create(b, &qb), SR_OK);
        for (int k = 0; k < 60; k++) {
            rn_query rq;
            rn_random_query(&m, &rng, &rq);
            sr_route_options o;
            rn_options(&m, &rq, &o);
            same_answer(a, qa, b, qb, &o, &n);
        }
        /* Ids resolve to the same places and links (a compiled file
         * bisects its sorted id orders instead of hashing, names.c). */
        for (size_t i = 0; i < sr_network_place_count(a); i++) {
            const char *id = sr_network_place(a, i)->id;
            assert_int_equal(sr__place_id_find(b, id), sr__place_id_find(a, id));
        }
        for (size_t i = 0; i < sr_network_link_count(a); i++) {
            const char *id = sr_network_link(a, i)->id;
            assert_int_equal(sr__link_find(b, id), sr__link_find(a, id));
        }
        assert_int_equal(sr__place_id_find(b, "no such place"), -1);
        assert_int_equal(sr__link_find(b, "no such link"), -1);
        assert_int_equal(sr__link_find(b, ""), -1);
        /* The network export is the same too. */
        char *ga = sr_network_geojson(a, SR_MODES_ALL, 0, 0), *gb = sr_network_geojson(b, SR_MODES_ALL, 0, 0);
        assert_non_null(ga);
        assert_non_null(gb);
        assert_string_equal(ga, gb);
        free(ga);
        free(gb);
        sr_query_destroy(qa);
        sr_query_destroy(qb);
        sr_network_close(a);
        sr_network_close(b);
        tu_rmdir(tmp);
        rn_rmdir(dir);
    }
    printf("random: %ld queries answered identically from CSV and the compiled file\n", n);
}

static void test_dataset_roundtrip(void **state)
{
    (void)state;
    struct stat st;
    if (stat("data/places.csv", &st) != 0)
        skip();
    char path[4200];
    /* data/'s top-level files: the compiled file holds no services/ or
     * pipelines/ (docs/FORMAT.md), so compare like with like; documents/
     * has its own test below. */
    char *src = tu_copy_dataset("data");
    char *tmp = compile_to(src, 0, path, sizeof path);
    sr_network *a = NULL, *b = NULL;
    assert_int_equal(sr_network_open(src, &a), SR_OK);
    assert_int_equal(sr_network_open(path, &b), SR_OK);
    sr_query *qa, *qb;
    assert_int_equal(sr_query_create(a, &qa), SR_OK);
    assert_int_equal(sr_query_create(b, &qb), SR_OK);
    uint64_t seed = 7;
    long n = 0;
    size_t np = sr_network_place_count(a);
    for (int k = 0; k < 400; k++) {
        sr_route_options o;
        sr_route_options_init(&o);
        o.from = sr_network_place(a, rn_next(&seed) % np)->id;
        o.to = sr_network_place(a, rn_next(&seed) % np)->id;
        o.objective = (sr_objective)(k % 5);
        o.unit = (sr_unit)(k % 3);
        o.pareto = k % 7 == 0;
        o.year = k % 11 == 0 ? 2030 : 0;
        o.max_transfers = k % 13 == 0 ? 2 : -1;
        if (o.objective == SR_BY_BLEND)
            o.weight_time_h = 10, o.weight_cost_usd = 1, o.weight_co2e_kg = 0.1;
        if (k % 17 == 0) {
            o.n_avoid_countries = 1;
            o.avoid_countries[0] = "RU";
        }
        same_answer(a, qa, b, qb, &o, &n);
    }
    /* Names resolve the same way (the name index is stored). */
    size_t ia, ib;
    assert_int_equal(sr_place_find(a, "duisburg", &ia), SR_OK);
    assert_int_equal(sr_place_find(b, "duisburg", &ib), SR_OK);
    assert_int_equal(ia, ib);
    printf("data/: %ld queries answered identically from CSV and the compiled file\n", n);
    sr_query_destroy(qa);
    sr_query_destroy(qb);
    sr_network_close(a);
    sr_network_close(b);
    tu_rmdir(tmp);
    tu_rmdir(src);
}

/* data/ with its documents/ rules (issue 14): the compiled file stores
 * them (sections 35-39), so routes on it carry the same documents and
 * customs events, under both note options and road regimes. */
/* A dataset with document rules compiled with hierarchies (version 3):
 * one per metric and pair of customs territory classes (ch/net_ch.c),
 * stored after SEC_CH_DOCS; the file answers from them exactly as the
 * dataset with the same hierarchies built in memory. */
static void test_documents_ch_roundtrip(void **state)
{
    (void)state;
    struct stat st;
    if (stat("data/documents/costs.csv", &st) != 0)
        skip();
    unsigned metrics = SR_CH_METRIC(SR_BY_TIME, SR_UNIT_40FT) | SR_CH_METRIC(SR_BY_COST, SR_UNIT_20FT);
    char path[4200];
    char *tmp = compile_to("data", metrics, path, sizeof path);
    sr_network *a = NULL, *b = NULL;
    assert_int_equal(sr_network_open("data", &a), SR_OK);
    assert_int_equal(sr_network_build_ch(a, metrics, NULL, NULL), SR_OK);
    if (sr_network_open(path, &b) != SR_OK)
        fail_msg("open %s: %s", path, sr_network_errmsg(b));
    assert_int_equal(sr_network_ch_metrics(b), metrics);
    sr_query *qa, *qb;
    assert_int_equal(sr_query_create(a, &qa), SR_OK);
    assert_int_equal(sr_query_create(b, &qb), SR_OK);
    uint64_t seed = 23;
    long n = 0, used = 0;
    size_t np = sr_network_place_count(a);
    for (int k = 0; k < 300; k++) {
        sr_route_options o;
        sr_route_options_init(&o);
        o.from = sr_network_place(a, rn_next(&seed) % np)->id;
        o.to = sr_network_place(a, rn_next(&seed) % np)->id;
        if (k % 2)
            o.objective = SR_BY_COST, o.unit = SR_UNIT_20FT;
        if (k % 10 == 9)
            o.road_regime = SR_ROAD_TRANSIT; /* not the hierarchies' document options */
        same_answer(a, qa, b, qb, &o, &n);
        assert_int_equal(sr_query_used_ch(qa), sr_query_used_ch(qb));
        used += sr_query_used_ch(qb);
    }
    assert_true(used > 200);
    print_message("    %ld answers compared, %ld from the file's hierarchies\n", n, used);
    sr_query_destroy(qa);
    sr_query_destroy(qb);
    sr_network_close(a);
    sr_network_close(b);
    /* check-data verifies every stored hierarchy. */
    assert_int_equal(sr_check_data(path, NULL, NULL), 0);
    tu_rmdir(tmp);
}

static void test_documents_roundtrip(void **state)
{
    (void)state;
    struct stat st;
    if (stat("data/documents/costs.csv", &st) != 0)
        skip();
    char path[4200];
    char *tmp = compile_to("data", 0, path, sizeof path);
    sr_network *a = NULL, *b = NULL;
    assert_int_equal(sr_network_open("data", &a), SR_OK);
    assert_int_equal(sr_network_open(path, &b), SR_OK);
    sr_query *qa, *qb;
    assert_int_equal(sr_query_create(a, &qa), SR_OK);
    assert_int_equal(sr_query_create(b, &qb), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Xi'an";
    o.to = "Duisburg";
    o.modes = SR_MODE_BIT(SR_RAIL);
    o.consignment_note = SR_NOTE_SEPARATE;
    sr_result *r = NULL;
    assert_int_equal(sr_route_query(qb, &o, &r), SR_OK);
    const sr_route *v = sr_result_route(r, 0);
    assert_true(v->n_documents > 0 && v->n_customs > 0);
    assert_true(fabs(v->documents_usd - 44) < 1e-9);
    sr_result_free(r);
    uint64_t seed = 11;
    long n = 0;
    size_t np = sr_network_place_count(a);
    for (int k = 0; k < 200; k++) {
        sr_route_options_init(&o);
        o.from = sr_network_place(a, rn_next(&seed) % np)->id;
        o.to = sr_network_place(a, rn_next(&seed) % np)->id;
        o.objective = (sr_objective)(k % 5);
        o.pareto = k % 7 == 0;
        o.year = k % 11 == 0 ? 2030 : 0;
        o.consignment_note = k % 2 ? SR_NOTE_SEPARATE : SR_NOTE_CIM_SMGS;
        o.road_regime = k % 3 == 0 ? SR_ROAD_TRANSIT : SR_ROAD_TIR;
        if (o.objective == SR_BY_BLEND)
            o.weight_time_h = 10, o.weight_cost_usd = 1, o.weight_co2e_kg = 0.1;
        same_answer(a, qa, b, qb, &o, &n);
    }
    printf("data/ with documents: %ld queries answered identically from CSV and the compiled file\n", n);
    sr_query_destroy(qa);
    sr_query_destroy(qb);
    sr_network_close(a);
    sr_network_close(b);
    tu_rmdir(tmp);
}

/* ---- damaged files -------------------------------------------------------------- */

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*n + 1);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static void spit(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> 8 * i);
}

/* Open path and expect SR_EDATA (or SR_EIO) with `want` in the message. */
static void refused(const char *path, const char *want)
{
    sr_network *net = NULL;
    sr_code rc = sr_network_open(path, &net);
    if (rc == SR_OK || !strstr(sr_network_errmsg(net), want))
        fail_msg("expected a refusal with '%s', got %s: %s", want, sr_strerror(rc), sr_network_errmsg(net));
    assert_true(rc == SR_EDATA || rc == SR_EIO);
    sr_network_close(net);
}

/* check-data on a compiled file checks everything at open: the number of
 * errors it reports (0 or 1). */
static long check_errors(const char *path)
{
    sr_code first;
    long e = sr_check_data_code(path, NULL, NULL, &first);
    assert_true(e == 0 || e == 1);
    assert_true(e == 0 ? first == SR_OK : first == SR_EDATA);
    return e;
}

/* Whether byte `at` of the file lies in the header, the table or a
 * section (the padding between sections belongs to none). */
static int covered(const unsigned char *b, size_t n, size_t at);

/* Recompute the checksums after an edit, as docs/FORMAT.md defines them. */
static void reseal(unsigned char *b, size_t n)
{
    uint64_t toff = rd64(b + 24);
    uint32_t ns = rd32(b + 32);
    for (uint32_t i = 0; i < ns; i++) {
        unsigned char *t = b + toff + 32 * i;
        wr32(t + 4, sr__crc32(0, b + rd64(t + 8), (size_t)rd64(t + 16)));
    }
    wr32(b + 36, sr__crc32(0, b + toff, 32 * (size_t)ns));
    wr32(b + 60, sr__crc32(0, b, 60));
    (void)n;
}

static unsigned char *section(unsigned char *b, uint32_t id, uint64_t *size)
{
    uint64_t toff = rd64(b + 24);
    uint32_t ns = rd32(b + 32);
    for (uint32_t i = 0; i < ns; i++) {
        unsigned char *t = b + toff + 32 * i;
        if (rd32(t) == id) {
            *size = rd64(t + 16);
            return b + rd64(t + 8);
        }
    }
    return NULL;
}

static int covered(const unsigned char *b, size_t n, size_t at)
{
    uint64_t toff = rd64(b + 24);
    if (at < SRN_HEADER || at >= toff)
        return 1;
    uint32_t ns = rd32(b + 32);
    for (uint32_t i = 0; i < ns; i++) {
        const unsigned char *t = b + toff + 32 * i;
        if (at >= rd64(t + 8) && at < rd64(t + 8) + rd64(t + 16))
            return 1;
    }
    (void)n;
    return 0;
}

/* Document rules damaged with valid checksums: refused, naming the rule. */
static void test_documents_damage(void **state)
{
    (void)state;
    struct stat st;
    if (stat("data/documents/costs.csv", &st) != 0)
        skip();
    char path[4200], bad[4300];
    char *tmp = compile_to("data", 0, path, sizeof path);
    snprintf(bad, sizeof bad, "%s.bad", path);
    size_t n;
    unsigned char *orig = slurp(path, &n), *b = malloc(n);
    uint64_t size;
    struct {
        uint32_t sec;
        size_t at;
        uint32_t value;
        const char *want;
    } cases[] = {
        {SEC_DOC_RAIL, 4, 7, "rail document rule 0"},
        {SEC_DOC_PERMITS, 0, 0x3030, "road-permit rule 0"},
        {SEC_DOC_FORMALITIES, 0, 0xfffffff0u, "crossing formality 0"},
        {SEC_DOC_COSTS, 0, 200, "document cost 0"},
        {SEC_DOC_TIR, 12, 0xfffffff0u, "string offset"},
        {SEC_META, 14 * 8, 9, "document rules of layout 9"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        memcpy(b, orig, n);
        unsigned char *p = section(b, cases[k].sec, &size);
        assert_non_null(p);
        assert_true(size >= cases[k].at + 4);
        if (cases[k].sec == SEC_DOC_RAIL || cases[k].sec == SEC_DOC_COSTS)
            p[cases[k].at] = (unsigned char)cases[k].value;
        else
            wr32(p + cases[k].at, cases[k].value);
        reseal(b, n);
        spit(bad, b, n);
        refused(bad, cases[k].want);
    }
    free(orig);
    free(b);
    unlink(bad);
    tu_rmdir(tmp);
}

static void test_damage(void **state)
{
    (void)state;
    uint64_t rng = 5;
    rn_net m;
    rn_generate(&m, &rng);
    char *dir = rn_tempdir();
    assert_int_equal(rn_write(&m, dir), 0);
    char path[4200], bad[4300];
    char *tmp = compile_to(dir, SR_CH_METRIC(SR_BY_TIME, SR_UNIT_40FT), path, sizeof path);
    snprintf(bad, sizeof bad, "%s.bad", path);
    size_t n;
    unsigned char *orig = slurp(path, &n), *b = malloc(n + 64);
    assert_true(n > 200);
    assert_int_equal(memcmp(orig, SRN_MAGIC, 8), 0);

    /* A flipped bit anywhere is found: every 37th byte in turn. */
    long tried = 0, lazy = 0;
    for (size_t at = 0; at < n; at += 37) {
        memcpy(b, orig, n);
        b[at] ^= 0x10;
        spit(bad, b, n);
        sr_network *net = NULL;
        sr_code rc = sr_network_open(bad, &net);
        sr_network_close(net);
        /* A hierarchy's sections are checked on first use, and every
         * section by check-data; padding between sections is covered by
         * no checksum: harmless. */
        if (rc == SR_OK) {
            assert_int_equal(check_errors(bad), covered(orig, n, at));
            lazy += covered(orig, n, at);
            continue;
        }
        assert_int_equal(rc, SR_EDATA);
        assert_int_equal(check_errors(bad), 1);
        tried++;
    }
    assert_true(tried > 0);
    assert_true(lazy > 0);
    /* Truncated and extended. */
    spit(bad, orig, n - 1);
    refused(bad, "truncated");
    memcpy(b, orig, n);
    memset(b + n, 0, 8);
    spit(bad, b, n + 8);
    refused(bad, "truncated or extended");
    spit(bad, orig, 10);
    refused(bad, "shorter than its header");
    /* Another version, with a valid header checksum. */
    memcpy(b, orig, n);
    wr32(b + 8, SRN_VERSION + 1);
    wr32(b + 60, sr__crc32(0, b, 60));
    spit(bad, b, n);
    refused(bad, "format version");
    /* The version before (24-byte hierarchy edges) is refused the same way:
     * compile again. */
    wr32(b + 8, SRN_VERSION - 1);
    wr32(b + 60, sr__crc32(0, b, 60));
    spit(bad, b, n);
    refused(bad, "compile the dataset again");
    /* Not one at all. */
    spit(bad, (const unsigned char *)"id,name\nx,y\n", 12);
    refused(bad, "not a compiled network file");
    /* A section's checksum. */
    memcpy(b, orig, n);
    uint64_t sz;
    unsigned char *heads = section(b, SEC_ARC_HEAD, &sz);
    assert_non_null(heads);
    assert_true(sz >= 4);
    wr32(heads, 0x7fffffff);
    spit(bad, b, n);
    refused(bad, "checksum of section");
    /* Valid checksums, bad index: still refused, never read. */
    reseal(b, n);
    spit(bad, b, n);
    refused(bad, "corrupted: arc");
    memcpy(b, orig, n);
    unsigned char *up = section(b, SEC_CH + 8 * (SR_BY_TIME * SR_UNIT_COUNT + SR_UNIT_40FT) + CH_UP, &sz);
    assert_non_null(up);
    if (sz >= REC_CH_EDGE) {
        wr32(up, 0); /* an edge that does not go up */
        reseal(b, n);
        spit(bad, b, n);
        /* Opens (the hierarchy is checked on first use); a query that
         * would use it fails with SR_EDATA and says why, every time; a
         * constrained query (Dijkstra) still answers; check-data refuses. */
        sr_network *net = NULL;
        assert_int_equal(sr_network_open(bad, &net), SR_OK);
        sr_query *q;
        assert_int_equal(sr_query_create(net, &q), SR_OK);
        for (int k = 0; k < 2; k++) {
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = sr_network_place(net, 0)->id;
            o.to = sr_network_place(net, 1)->id;
            o.unit = SR_UNIT_40FT;
            sr_result *res = NULL;
            assert_int_equal(sr_route_query(q, &o, &res), SR_EDATA);
            assert_null(res);
            if (!strstr(sr_query_errmsg(q), "hierarchy"))
                fail_msg("expected 'hierarchy' in: %s", sr_query_errmsg(q));
            o.year = 2030;
            sr_code drc = sr_route_query(q, &o, &res);
            assert_true(drc == SR_OK || drc == SR_ENOROUTE);
            sr_result_free(res);
        }
        sr_query_destroy(q);
        sr_network_close(net);
        assert_int_equal(check_errors(bad), 1);
        sr_check_data_code(bad, NULL, NULL, NULL);
    }
    /* check-data passes the original. */
    assert_int_equal(check_errors(path), 0);
    memcpy(b, orig, n);
    unsigned char *links = section(b, SEC_LINKS, &sz);
    wr32(links + 8, 999999); /* link 0 from a place that does not exist */
    reseal(b, n);
    spit(bad, b, n);
    refused(bad, "link 0");
    /* The resealed original opens: reseal() follows the document. */
    memcpy(b, orig, n);
    reseal(b, n);
    assert_int_equal(memcmp(b, orig, n), 0);
    /* A directory that is not there, a file that is not a regular file. */
    refused("/nonexistent/net.srn", "not a readable dataset directory or compiled network file");
    free(orig);
    free(b);
    unlink(bad);
    tu_rmdir(tmp);
    rn_rmdir(dir);
}

static const char *argv0;

/* The CLI: compile, then route with --data FILE. */
static void test_cli(void **state)
{
    (void)state;
    struct stat st;
    if (stat("data/places.csv", &st) != 0)
        skip();
    char *tmp = tu_mkdtemp();
    char args[4400], out[8192], out2[8192];
    snprintf(args, sizeof args, "compile data --out %s/net.srn --quiet", tmp);
    int rc = tu_cli(argv0, args, out, sizeof out);
    if (rc != 0)
        fail_msg("compile: %s", out);
    snprintf(args, sizeof args, "route --data %s/net.srn Xian Duisburg --json", tmp);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 0);
    assert_int_equal(tu_cli(argv0, "route Xian Duisburg --json", out2, sizeof out2), 0);
    assert_string_equal(out, out2);
    snprintf(args, sizeof args, "compile data --out %s/x.srn --ch bogus", tmp);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 2);
    assert_non_null(strstr(out, "--ch"));
    snprintf(args, sizeof args, "compile /nonexistent --out %s/y.srn", tmp);
    assert_int_not_equal(tu_cli(argv0, args, out, sizeof out), 0);
    snprintf(args, sizeof args, "%s/y.srn", tmp);
    assert_int_not_equal(stat(args, &st), 0);
    tu_rmdir(tmp);
}

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_roundtrip),
        cmocka_unit_test(test_dataset_roundtrip),
        cmocka_unit_test(test_documents_roundtrip),
        cmocka_unit_test(test_documents_ch_roundtrip),
        cmocka_unit_test(test_documents_damage),
        cmocka_unit_test(test_damage),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
