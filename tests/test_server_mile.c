/*
 * test_server_mile.c - /v1/route from and to coordinates on a server
 * started with a detailed road network (serve --detail): the first and
 * last mile legs, the answer equal to the CLI's `route --detail --json`
 * for the same query, bad coordinates and impossible miles as the 4xx of
 * docs/API.md, a server without a detailed network saying so, the route
 * cache keyed by the coordinates and the mile flag, one work budget over
 * all the candidate pairs, and many threads asking at once (each worker
 * has its own sr_detail_clone()).
 *
 * The detailed network is the import of ../shared/data/osm/monaco.osm.pbf
 * (every test skips with a message where it is absent); the corridor
 * network is tests/data/monaco.
 */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../src/server/server.h"
#include "http_client.h"
#include "silkroute.h"
#include "util.h"

static const char *const pbf = "../shared/data/osm/monaco.osm.pbf";
#define CORRIDOR "tests/data/monaco"
static const char *argv0;
static char *imported;
static sr_network *net;
static sr_detail *det;
static sr__server *srv, *plain, *tight, *nocache;
static int port, plain_port, tight_port, nocache_port;

static int start(sr__server_config *cfg, sr__server **s, int *p)
{
    char err[256];
    if (sr__server_start(net, cfg, s, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *p = sr__server_port(*s);
    return 0;
}

static int setup(void **st)
{
    (void)st;
    struct stat sb;
    if (stat(pbf, &sb) != 0)
        return 0;
    imported = tu_mkdtemp();
    sr_osm_options o = {.country = "MC"};
    char err[512];
    if (sr_osm_import(pbf, imported, &o, NULL, err, sizeof err) != SR_OK) {
        fprintf(stderr, "import: %s\n", err);
        return -1;
    }
    if (sr_network_open(CORRIDOR, &net) != SR_OK || sr_detail_open(imported, &det) != SR_OK)
        return -1;
    sr__server_config cfg = {.bind = "127.0.0.1", .threads = 4, .detail = det};
    sr__server_config cfg_plain = {.bind = "127.0.0.1", .threads = 2};
    /* A work budget of a few labels: enough for no search with miles. */
    sr__server_config cfg_tight = {.bind = "127.0.0.1", .threads = 2, .detail = det, .max_work = 2, .route_cache = -1};
    /* No cache: every request of the concurrent test searches its miles. */
    sr__server_config cfg_nocache = {.bind = "127.0.0.1", .threads = 4, .detail = det, .route_cache = -1};
    if (start(&cfg, &srv, &port) || start(&cfg_plain, &plain, &plain_port) || start(&cfg_tight, &tight, &tight_port) ||
        start(&cfg_nocache, &nocache, &nocache_port))
        return -1;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    if (!imported)
        return 0;
    sr__server_stop(srv, 2000);
    sr__server_stop(plain, 2000);
    sr__server_stop(tight, 2000);
    sr__server_stop(nocache, 2000);
    sr_detail_close(det);
    sr_network_close(net);
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

static json_t *get_json(int p, const char *path, int want_status)
{
    hc_resp r;
    assert_int_equal(hc_request(p, "GET", path, NULL, NULL, &r), 0);
    if (r.status != want_status)
        fail_msg("GET %s: status %d, not %d: %s", path, r.status, want_status, r.body);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    free(r.body);
    return j;
}

/* The CLI's `route FROM TO --detail --json` answer, parsed. */
static json_t *cli_json(const char *from, const char *to, int want_exit)
{
    static char out[1 << 20];
    char args[8192];
    snprintf(args, sizeof args, "route %s %s --data " CORRIDOR " --detail %s --json", from, to, imported);
    int rc = tu_cli(argv0, args, out, sizeof out);
    if (rc != want_exit)
        fail_msg("%s: exit %d, not %d: %s", args, rc, want_exit, out);
    json_t *j = json_loads(out, 0, NULL);
    if (!j)
        fail_msg("%s: not JSON: %s", args, out);
    return j;
}

/* The HTTP answer for from/to equals the CLI's, member for member. */
static json_t *same_as_cli(const char *from, const char *to, int status, int exit_code)
{
    char path[512];
    snprintf(path, sizeof path, "/v1/route?from=%s&to=%s", from, to);
    json_t *h = get_json(port, path, status);
    json_t *c = cli_json(from, to, exit_code);
    /* An error names the ends as each side calls them: the HTTP
     * parameters from and to, the CLI's operands FROM and TO. */
    const char *hm = json_string_value(json_object_get(h, "message"));
    const char *cm = json_string_value(json_object_get(c, "message"));
    int same = status == 200 ? json_equal(h, c)
                             : hm && cm && !strcasecmp(hm, cm) &&
                                   json_equal(json_object_get(h, "code"), json_object_get(c, "code"));
    if (!same) {
        char *a = json_dumps(h, JSON_COMPACT), *b = json_dumps(c, JSON_COMPACT);
        fail_msg("%s: HTTP and CLI differ:\n%.2000s\n%.2000s", path, a, b);
    }
    json_decref(c);
    return h;
}

static void test_mile_ends(void **st)
{
    (void)st;
    NEED_MONACO();
    /* To a point in Fontvieille: the train to Monaco and the last mile
     * by road (the CLI's own case, test_osm_match.c). */
    json_t *j = same_as_cli("FR-CAPDAIL", "43.7300,7.4140", 200, 0);
    json_t *lm = json_object_get(j, "last_mile");
    assert_non_null(lm);
    assert_null(json_object_get(j, "first_mile"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(lm, "from"), "id")), "MCMON");
    assert_string_equal(json_string_value(json_object_get(json_object_get(lm, "geometry"), "type")), "LineString");
    json_t *dd = json_array_get(json_object_get(j, "door_to_door"), 0);
    json_t *r0 = json_array_get(json_object_get(j, "routes"), 0);
    double want = json_real_value(json_object_get(r0, "duration_h")) + json_real_value(json_object_get(lm, "duration_h"));
    assert_true(fabs(json_real_value(json_object_get(dd, "duration_h")) - want) < 0.0015);
    json_decref(j);
    /* From a point above the station. */
    j = same_as_cli("43.7384,7.4246", "FR-CAPDAIL", 200, 0);
    assert_non_null(json_object_get(j, "first_mile"));
    assert_null(json_object_get(j, "last_mile"));
    json_decref(j);
    /* Both ends: from above the station to Fontvieille, nearer by road
     * through one place than by the corridor: the CLI's message, 400. */
    j = same_as_cli("43.7384,7.4246", "43.7300,7.4140", 400, 2);
    assert_string_equal(json_string_value(json_object_get(j, "code")), "BadArgument");
    assert_non_null(strstr(json_string_value(json_object_get(j, "message")), "nearer by road alone"));
    json_decref(j);
    /* The same both-end query through a POST body answers the same. */
    hc_resp r;
    assert_int_equal(hc_request(port, "POST", "/v1/route", NULL, "{\"from\":\"43.7384,7.4246\",\"to\":\"FR-CAPDAIL\"}", &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"first_mile\": {\"mode\": \"road\""));
    free(r.body);
}

static void test_mile_both(void **st)
{
    (void)st;
    NEED_MONACO();
    /* From near Cap d'Ail's station to Fontvieille: both miles. */
    json_t *j = same_as_cli("43.7212,7.3950", "43.7300,7.4140", 200, 0);
    assert_non_null(json_object_get(j, "first_mile"));
    assert_non_null(json_object_get(j, "last_mile"));
    json_decref(j);
}

static void test_mile_errors(void **st)
{
    (void)st;
    NEED_MONACO();
    struct {
        const char *q;
        int status;
        const char *code, *msg;
    } cases[] = {
        {"from=95,7&to=MCMON", 400, "BadArgument", "from: '95,7': coordinates out of range"},
        {"from=MCMON&to=43.7,190.5", 400, "BadArgument", "to: '43.7,190.5': coordinates out of range"},
        {"from=43.9,7.0&to=MCMON", 404, "UnknownPlace", "from: 43.9,7.0: no road of the detailed network within 2 km"},
        {"from=MCMON&to=43.7300,7.4140&format=csv", 400, "BadArgument", "parameter 'format'"},
        {"from=MCMON&to=43.7300,7.4140&depart=2026-06-03T08:00", 400, "BadArgument", "parameter 'depart'"},
        {"from=MCMON&to=FR-CAPDAIL&mile=true", 400, "BadArgument", "parameter 'mile': neither 'from' nor 'to'"},
        {"from=MCMON&to=43.7300,7.4140&mile=perhaps", 400, "BadArgument", "parameter 'mile': expected true or false"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "/v1/route?%s", cases[i].q);
        json_t *j = get_json(port, path, cases[i].status);
        assert_string_equal(json_string_value(json_object_get(j, "code")), cases[i].code);
        const char *m = json_string_value(json_object_get(j, "message"));
        if (!m || !strstr(m, cases[i].msg))
            fail_msg("%s: message '%s' lacks '%s'", path, m ? m : "(none)", cases[i].msg);
        json_decref(j);
    }
    /* The CLI says the same of the same bad end (exit 2, its own label). */
    json_t *c = cli_json("43.9,7.0", "MCMON", 2);
    assert_non_null(strstr(json_string_value(json_object_get(c, "message")), "FROM: 43.9,7.0: no road"));
    json_decref(c);
}

static void test_no_detail(void **st)
{
    (void)st;
    NEED_MONACO();
    json_t *j = get_json(plain_port, "/v1/route?from=MCMON&to=43.7300,7.4140&mile=true", 400);
    assert_non_null(strstr(json_string_value(json_object_get(j, "message")), "this server has no detailed network"));
    json_decref(j);
    /* Without mile, coordinates snap to the nearest place, as before. */
    j = get_json(plain_port, "/v1/route?from=FR-CAPDAIL&to=43.7300,7.4140", 200);
    assert_null(json_object_get(j, "last_mile"));
    assert_non_null(json_object_get(json_array_get(json_object_get(j, "waypoints"), 1), "snap_km"));
    json_decref(j);
    j = get_json(plain_port, "/v1/health", 200);
    assert_true(json_is_null(json_object_get(j, "detail")));
    json_decref(j);
    j = get_json(port, "/v1/health", 200);
    json_t *d = json_object_get(j, "detail");
    assert_true(json_integer_value(json_object_get(d, "links")) > 1000);
    json_decref(j);
    /* mile=false on a server with roads: the plain snap, same answer. */
    json_t *a = get_json(port, "/v1/route?from=FR-CAPDAIL&to=43.7300,7.4140&mile=false", 200);
    json_t *b = get_json(plain_port, "/v1/route?from=FR-CAPDAIL&to=43.7300,7.4140", 200);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
}

static long cache_hits(int p)
{
    json_t *j = get_json(p, "/v1/health", 200);
    long h = (long)json_integer_value(json_object_get(json_object_get(j, "route_cache"), "hits"));
    json_decref(j);
    return h;
}

static char *body_of(int p, const char *path)
{
    hc_resp r;
    assert_int_equal(hc_request(p, "GET", path, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    return r.body;
}

static void test_cache_key(void **st)
{
    (void)st;
    NEED_MONACO();
    /* The cache admits a key on its second miss (cache.c). */
    char *a = body_of(port, "/v1/route?from=FR-CAPDAIL&to=43.7301,7.4141");
    free(body_of(port, "/v1/route?from=FR-CAPDAIL&to=43.7301,7.4141"));
    long h0 = cache_hits(port);
    char *b = body_of(port, "/v1/route?from=FR-CAPDAIL&to=43.7301,7.4141");
    assert_int_equal(cache_hits(port), h0 + 1);
    assert_string_equal(a, b);
    /* Other coordinates or the mile turned off are other answers. */
    char *c = body_of(port, "/v1/route?from=FR-CAPDAIL&to=43.7320,7.4170");
    free(body_of(port, "/v1/route?from=FR-CAPDAIL&to=43.7320,7.4170"));
    char *d = body_of(port, "/v1/route?from=FR-CAPDAIL&to=43.7301,7.4141&mile=false");
    free(body_of(port, "/v1/route?from=FR-CAPDAIL&to=43.7301,7.4141&mile=false"));
    assert_int_equal(cache_hits(port), h0 + 1);
    assert_string_not_equal(a, c);
    assert_string_not_equal(a, d);
    assert_null(strstr(d, "last_mile"));
    free(a);
    free(b);
    free(c);
    free(d);
}

static void test_budget(void **st)
{
    (void)st;
    NEED_MONACO();
    /* The budget covers every candidate pair's search: 422 naming it. */
    json_t *j = get_json(tight_port, "/v1/route?from=FR-CAPDAIL&to=43.7300,7.4140", 422);
    assert_string_equal(json_string_value(json_object_get(j, "code")), "LimitExceeded");
    assert_non_null(strstr(json_string_value(json_object_get(j, "message")), "work budget"));
    json_decref(j);
}

/* Workers asking at once: each has its own detail clone, so every answer
 * is the one asked alone. */
typedef struct worker {
    const char *const *paths;
    char **want;
    size_t n;
    int bad;
} worker;

static void *ask(void *arg)
{
    worker *w = arg;
    for (int round = 0; round < 6; round++)
        for (size_t i = 0; i < w->n; i++) {
            size_t k = (i + (size_t)round) % w->n;
            hc_resp r;
            if (hc_request(nocache_port, "GET", w->paths[k], NULL, NULL, &r) || r.status != 200 || strcmp(r.body, w->want[k]))
                w->bad++;
            free(r.body);
        }
    return NULL;
}

static void test_concurrent(void **st)
{
    (void)st;
    NEED_MONACO();
    /* On the server without a cache, so that every answer is searched. */
    static const char *const paths[] = {
        "/v1/route?from=FR-CAPDAIL&to=43.7302,7.4143",   "/v1/route?from=43.7384,7.4246&to=FR-CAPDAIL",
        "/v1/route?from=43.7212,7.3950&to=43.7300,7.4140", "/v1/route?from=43.7380,7.4240&to=FR-CAPDAIL",
        "/v1/route?from=FR-CAPDAIL&to=43.7330,7.4180",   "/v1/route?from=43.7390,7.4250&to=FR-CAPDAIL",
    };
    size_t n = sizeof paths / sizeof paths[0];
    char *want[sizeof paths / sizeof paths[0]];
    for (size_t i = 0; i < n; i++)
        want[i] = body_of(nocache_port, paths[i]);
    worker w[6];
    pthread_t t[6];
    for (int i = 0; i < 6; i++) {
        w[i] = (worker){.paths = paths, .want = want, .n = n};
        assert_int_equal(pthread_create(&t[i], NULL, ask, &w[i]), 0);
    }
    int bad = 0;
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        bad += w[i].bad;
    }
    assert_int_equal(bad, 0);
    for (size_t i = 0; i < n; i++)
        free(want[i]);
}

/* The library's clone against its parent: the same miles, and the
 * parent's searches undisturbed by the clone's. */
static void test_clone(void **st)
{
    (void)st;
    NEED_MONACO();
    sr_detail *c = NULL, *cc = NULL;
    assert_int_equal(sr_detail_clone(det, &c), SR_OK);
    assert_int_equal(sr_detail_clone(c, &cc), SR_EARG); /* not of a clone */
    assert_null(cc);
    sr_mile a, b;
    assert_int_equal(sr_detail_mile(det, net, "43.7384,7.4246", 0, &a), SR_OK);
    assert_int_equal(sr_detail_mile(c, net, "43.7300,7.4140", 1, &b), SR_OK);
    sr_mile_clear(&b);
    assert_int_equal(sr_detail_mile(c, net, "43.7384,7.4246", 0, &b), SR_OK);
    assert_int_equal(a.place, b.place);
    assert_int_equal(a.n_geom, b.n_geom);
    assert_memory_equal(a.geom, b.geom, 2 * a.n_geom * sizeof *a.geom);
    assert_true(a.duration_h == b.duration_h);
    sr_mile_clear(&a);
    sr_mile_clear(&b);
    size_t pl, li;
    sr_detail_stats(c, &pl, &li);
    assert_true(pl > 1000 && li > 1000);
    sr_detail_close(c);
}

/* A compiled network file (silkroute compile) serves as the detailed
 * network too, with the same answers as its directory. */
static void test_srn_detail(void **st)
{
    (void)st;
    NEED_MONACO();
    static char out[1 << 16];
    char args[8192], srn[4200];
    snprintf(srn, sizeof srn, "%s/detail.srn", imported);
    snprintf(args, sizeof args, "compile %s --out %s --quiet", imported, srn);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 0);
    sr_detail *d2 = NULL;
    assert_int_equal(sr_detail_open(srn, &d2), SR_OK);
    sr__server *s2;
    int p2 = 0;
    sr__server_config cfg = {.bind = "127.0.0.1", .threads = 2, .detail = d2};
    assert_int_equal(start(&cfg, &s2, &p2), 0);
    static const char *const path = "/v1/route?from=43.7384,7.4246&to=FR-CAPDAIL";
    char *a = body_of(nocache_port, path), *b = body_of(p2, path);
    assert_string_equal(a, b);
    free(a);
    free(b);
    sr__server_stop(s2, 2000);
    sr_detail_close(d2);
}

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mile_ends),  cmocka_unit_test(test_mile_both), cmocka_unit_test(test_mile_errors),
        cmocka_unit_test(test_no_detail),  cmocka_unit_test(test_cache_key), cmocka_unit_test(test_budget),
        cmocka_unit_test(test_concurrent), cmocka_unit_test(test_clone),     cmocka_unit_test(test_srn_detail),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
