/*
 * test_analysis_http.c - the analysis endpoints of `silkroute serve` over
 * real loopback sockets: /v1/scenarios, /v1/assign (base, named scenario,
 * scenario in the body), /v1/assign/compare, /v1/assign/critical,
 * /v1/reach and /v1/matrix: answers, formats and content types, limits
 * (matrix size, parameters), errors naming the parameter, the busy answer
 * and agreement with the library (the HTTP matrix is the library's).
 *
 * Runs on the default dataset (data/, which has the demand and the
 * scenarios); skipped with a message when it cannot be opened.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../src/server/server.h"

static sr_network *net;
static sr__server *srv;
static int port;

typedef struct resp {
    int status;
    char head[4096];
    char *body;
    size_t len;
} resp;

static int connect_lo(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {300, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Send a request on a new connection and read the whole answer (the
 * server closes it: Connection: close). */
static int exchange(const char *req, size_t n, resp *r)
{
    memset(r, 0, sizeof *r);
    int fd = connect_lo();
    if (fd < 0)
        return -1;
    for (size_t o = 0; o < n;) {
        ssize_t w = send(fd, req + o, n - o, MSG_NOSIGNAL);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        o += (size_t)w;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (len == cap)
            buf = realloc(buf, (cap *= 2) + 1);
        ssize_t k = recv(fd, buf + len, cap - len, 0);
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    close(fd);
    buf[len] = 0;
    char *hend = strstr(buf, "\r\n\r\n");
    if (!hend || sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1) {
        free(buf);
        return -1;
    }
    size_t hl = (size_t)(hend - buf);
    snprintf(r->head, sizeof r->head, "%.*s", (int)(hl < sizeof r->head - 1 ? hl : sizeof r->head - 1), buf);
    r->len = len - hl - 4;
    r->body = malloc(r->len + 1);
    memcpy(r->body, hend + 4, r->len);
    r->body[r->len] = 0;
    free(buf);
    return 0;
}

static void get(const char *target, resp *r)
{
    char req[20000];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", target);
    assert_int_equal(exchange(req, (size_t)n, r), 0);
}

static void post(const char *target, const char *body, resp *r)
{
    size_t blen = strlen(body), cap = blen + 512;
    char *req = malloc(cap);
    int n = snprintf(req, cap, "POST %s HTTP/1.1\r\nHost: t\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     target, blen);
    memcpy(req + n, body, blen);
    assert_int_equal(exchange(req, (size_t)n + blen, r), 0);
    free(req);
}

static void resp_free(resp *r) { free(r->body); }

static json_t *body_json(const resp *r, int status)
{
    if (r->status != status)
        fail_msg("expected %d, got %d: %.2000s", status, r->status, r->body);
    json_error_t e;
    json_t *j = json_loads(r->body, 0, &e);
    if (!j)
        fail_msg("not JSON (%s): %.2000s", e.text, r->body);
    return j;
}

static void expect_error(const char *target, const char *body, int status, const char *code, const char *msg)
{
    resp r;
    if (body)
        post(target, body, &r);
    else
        get(target, &r);
    json_t *j = body_json(&r, status);
    const char *c = json_string_value(json_object_get(j, "code")), *m = json_string_value(json_object_get(j, "message"));
    if (!c || !m || (code && strcmp(c, code)) || (msg && !strstr(m, msg)))
        fail_msg("%s: expected %s '%s', got %s", target, code ? code : "?", msg ? msg : "", r.body);
    json_decref(j);
    resp_free(&r);
}

static int setup(void **state)
{
    (void)state;
    if (sr_network_open("data", &net) != SR_OK) {
        sr_network_close(net);
        net = NULL;
        return 0;
    }
    /* Generous time limits: a criticality ranking takes seconds under the
     * sanitizers on a loaded machine. */
    sr__server_config cfg = {.bind = "127.0.0.1", .port = 0, .threads = 4, .timeout_s = 300, .max_connections = 64,
                             .max_request_s = 600, .analysis_jobs = 1};
    char err[256];
    if (sr__server_start(net, &cfg, &srv, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    port = sr__server_port(srv);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sr__server_stop(srv, 5000);
    sr_network_close(net);
    return 0;
}

#define NEED_DATA()                                                                                                \
    do {                                                                                                           \
        if (!net) {                                                                                                \
            print_message("    data/ not loadable: skipped\n");                                                    \
            skip();                                                                                                \
        }                                                                                                          \
    } while (0)

static void test_scenarios_and_assign(void **state)
{
    (void)state;
    NEED_DATA();
    resp r;
    get("/v1/scenarios", &r);
    json_t *j = body_json(&r, 200);
    json_t *sc = json_object_get(j, "scenarios");
    int found = 0;
    for (size_t i = 0; i < json_array_size(sc); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(sc, i), "name")), "cku-2030")) {
            found = 1;
            assert_non_null(strstr(json_string_value(json_object_get(json_array_get(sc, i), "text")), "year 2030"));
        }
    assert_true(found);
    json_decref(j);
    resp_free(&r);

    get("/v1/assign", &r);
    j = body_json(&r, 200);
    assert_true(json_number_value(json_object_get(json_object_get(j, "totals"), "teu_per_year")) == 1170000);
    json_decref(j);
    resp_free(&r);
    get("/v1/assign?scenario=cku-2030&format=geojson", &r);
    j = body_json(&r, 200);
    assert_non_null(strcasestr(r.head, "Content-Type: application/geo+json"));
    assert_string_equal(json_string_value(json_object_get(j, "type")), "FeatureCollection");
    json_decref(j);
    resp_free(&r);
    /* A scenario written by the client, in the body. */
    post("/v1/assign", "# closed\nclose crossing X-KHORGOS-ALTYNKOL-RAIL\n", &r);
    j = body_json(&r, 200);
    json_t *xs = json_object_get(j, "crossings");
    for (size_t i = 0; i < json_array_size(xs); i++)
        assert_string_not_equal(json_string_value(json_object_get(json_array_get(xs, i), "id")),
                                "X-KHORGOS-ALTYNKOL-RAIL");
    json_decref(j);
    resp_free(&r);
    expect_error("/v1/assign", "close crossing X-NOWHERE\n", 400, "BadArgument", "body:1");
    expect_error("/v1/assign?scenario=nope", NULL, 404, NULL, "no scenario 'nope'");
    expect_error("/v1/assign?scenario=..%2Fdemand", NULL, 400, "BadArgument", "not a scenario name");
    expect_error("/v1/assign?colour=red", NULL, 400, "BadArgument", "unknown parameter 'colour'");
    expect_error("/v1/assign?format=csv", NULL, 400, "BadArgument", "parameter 'format'");
    expect_error("/v1/assign?year=3000", NULL, 400, "BadArgument", "parameter 'year'");
}

static void test_compare_and_critical(void **state)
{
    (void)state;
    NEED_DATA();
    resp r;
    get("/v1/assign/compare?scenario=cku-2030", &r);
    json_t *j = body_json(&r, 200);
    double b = json_number_value(json_object_get(json_object_get(j, "base_totals"), "cost_usd"));
    double s = json_number_value(json_object_get(json_object_get(j, "scenario_totals"), "cost_usd"));
    double c = json_number_value(json_object_get(json_object_get(j, "change"), "cost_usd"));
    assert_true(b > 0 && fabs(s - b - c) < 1e-6 * b);
    /* The CKU railway (Torugart) carries flow only in the scenario. */
    json_t *cors = json_object_get(j, "corridors");
    int torugart = 0;
    for (size_t i = 0; i < json_array_size(cors); i++) {
        json_t *e = json_array_get(cors, i);
        if (!strcmp(json_string_value(json_object_get(e, "crossing")), "X-TORUGART-RAIL")) {
            torugart = 1;
            assert_true(json_number_value(json_object_get(e, "base_teu")) == 0);
            assert_true(json_number_value(json_object_get(e, "scenario_teu")) > 0);
        }
    }
    assert_true(torugart);
    json_decref(j);
    resp_free(&r);
    get("/v1/assign/compare?scenario=cku-2030&format=csv", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strcasestr(r.head, "Content-Type: text/csv"));
    assert_true(!strncmp(r.body, "kind,id,name,base_teu,scenario_teu,change_teu\n", 46));
    resp_free(&r);
    post("/v1/assign/compare?format=geojson", "close crossing X-KHORGOS-ALTYNKOL-RAIL\n", &r);
    j = body_json(&r, 200);
    assert_true(json_array_size(json_object_get(j, "features")) > 10);
    json_decref(j);
    resp_free(&r);
    expect_error("/v1/assign/compare", NULL, 400, "BadArgument", "parameter 'scenario' is required");
    expect_error("/v1/assign/compare?scenario=cku-2030", "year 2030\n", 400, "BadArgument", "not both");

    get("/v1/assign/critical?top=3", &r);
    j = body_json(&r, 200);
    json_t *rk = json_object_get(j, "ranking");
    assert_int_equal(json_array_size(rk), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rk, 0), "rank")), 1);
    json_decref(j);
    resp_free(&r);
    get("/v1/assign/critical?top=3&format=geojson&only=R-WUWEI-JIAYUGU,X-ALASHANKOU-DOSTYK-RAIL,R-HAMI-TURPAN", &r);
    j = body_json(&r, 200);
    assert_int_equal(json_array_size(json_object_get(j, "features")), 3);
    json_decref(j);
    resp_free(&r);
    expect_error("/v1/assign/critical?loss=1.5", NULL, 400, "BadArgument", "parameter 'loss'");
    expect_error("/v1/assign/critical?top=0", NULL, 400, "BadArgument", "parameter 'top'");
    expect_error("/v1/assign/critical?only=R-NOWHERE", NULL, 400, "BadArgument", "parameter 'only'");
}

static void test_reach(void **state)
{
    (void)state;
    NEED_DATA();
    resp r;
    get("/v1/reach?from=Xi%27an&budget=7d&modes=rail", &r);
    json_t *j = body_json(&r, 200);
    assert_int_equal(json_array_size(json_object_get(j, "bands")), 8);
    json_t *pl = json_object_get(j, "places");
    int almaty = 0;
    for (size_t i = 0; i < json_array_size(pl); i++) {
        json_t *p = json_array_get(pl, i);
        assert_true(json_number_value(json_object_get(p, "value")) <= 168);
        if (!strcmp(json_string_value(json_object_get(p, "id")), "KZALA"))
            almaty = 1;
    }
    assert_true(almaty);
    json_decref(j);
    resp_free(&r);
    get("/v1/reach?lat=34.3&lon=108.9&budget=3d&format=geojson", &r);
    j = body_json(&r, 200);
    assert_non_null(strcasestr(r.head, "Content-Type: application/geo+json"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "reach"), "origin")), "CNXIY");
    json_decref(j);
    resp_free(&r);
    post("/v1/reach", "{\"from\":\"CNXIY\",\"budget\":3000,\"by\":\"cost\",\"bands\":3}", &r);
    j = body_json(&r, 200);
    assert_string_equal(json_string_value(json_object_get(j, "unit")), "USD");
    json_decref(j);
    resp_free(&r);
    expect_error("/v1/reach?from=CNXIY", NULL, 400, "BadArgument", "parameter 'budget'");
    expect_error("/v1/reach?from=CNXIY&budget=soon", NULL, 400, "BadArgument", "parameter 'budget'");
    expect_error("/v1/reach?from=Nowhereville&budget=1d", NULL, 404, "UnknownPlace", "unknown place");
    expect_error("/v1/reach?from=CNXIY&to=KZALA&budget=1d", NULL, 400, "BadArgument", "no destination");
    expect_error("/v1/reach?from=CNXIY&budget=1d&pareto=true", NULL, 400, "BadArgument", "pareto");
    expect_error("/v1/reach?from=CNXIY&budget=1d&depart=2026-06-03T08:00", NULL, 400, "BadArgument", "timetables");
    expect_error("/v1/reach?lat=91&lon=0&budget=1d", NULL, 400, "BadArgument", "'lat'");
    expect_error("/v1/reach?from=CNXIY&budget=1d&bands=0", NULL, 400, "BadArgument", "'bands'");
    expect_error("/v1/reach?from=CNXIY&budget=1d&weights=1,1,1", NULL, 400, "BadArgument", "time, cost or co2");
}

static void test_matrix(void **state)
{
    (void)state;
    NEED_DATA();
    resp r;
    get("/v1/matrix?sources=CNXIY,CNCKG&targets=KZALA,DEDUI&by=cost", &r);
    json_t *j = body_json(&r, 200);
    /* The same bytes as the library's JSON for the same query. */
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.objective = SR_BY_COST;
    const char *src[2] = {"CNXIY", "CNCKG"}, *tgt[2] = {"KZALA", "DEDUI"};
    sr_matrix *m = NULL;
    assert_int_equal(sr_matrix_query(q, &o, src, 2, tgt, 2, &m), SR_OK);
    char *lib = sr_matrix_json(net, m, 0);
    assert_string_equal(lib, r.body);
    sr_free(lib);
    sr_matrix_free(m);
    sr_query_destroy(q);
    json_decref(j);
    resp_free(&r);
    get("/v1/matrix?sources=CNXIY&targets=KZALA,CNXIY&format=csv", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "CNXIY,CNXIY,1,0,0,0,0\n"));
    resp_free(&r);
    /* 200 x 200 by POST (the documented size; 250 a side is the limit). */
    size_t np = sr_network_place_count(net);
    json_t *ids = json_array();
    for (size_t i = 0; i < 200; i++)
        json_array_append_new(ids, json_string(sr_network_place(net, i % np)->id));
    json_t *req = json_pack("{s:O,s:O}", "sources", ids, "targets", ids);
    char *body = json_dumps(req, JSON_COMPACT);
    post("/v1/matrix", body, &r);
    j = body_json(&r, 200);
    assert_int_equal(json_array_size(json_object_get(j, "duration_h")), 200);
    assert_int_equal(json_array_size(json_array_get(json_object_get(j, "duration_h"), 199)), 200);
    json_decref(j);
    resp_free(&r);
    free(body);
    for (size_t i = 200; i < 251; i++)
        json_array_append_new(ids, json_string(sr_network_place(net, i % np)->id));
    json_object_set(req, "sources", ids);
    body = json_dumps(req, JSON_COMPACT);
    expect_error("/v1/matrix", body, 400, "LimitExceeded", "at most 250 sources");
    free(body);
    json_decref(req);
    json_decref(ids);
    expect_error("/v1/matrix?targets=KZALA", NULL, 400, "BadArgument", "'sources'");
    expect_error("/v1/matrix?sources=CNXIY,Nowhereville", NULL, 404, "UnknownPlace", "sources[1]");
    expect_error("/v1/matrix?sources=CNXIY&format=geojson", NULL, 400, "BadArgument", "'format'");
    expect_error("/v1/matrix?sources=CNXIY&from=CNXIY", NULL, 400, "BadArgument", "'sources' and 'targets'");
}

/* Requests racing for the one computation slot: each answer is a result or
 * a clear 503 with Retry-After, never a hang or a broken answer. */
static void *critical_req(void *arg)
{
    resp *r = arg;
    char t[128];
    static const char *const ids[] = {"R-WUWEI-JIAYUGU", "R-HAMI-TURPAN", "R-LANZHOU-WUWEI"};
    snprintf(t, sizeof t, "/v1/assign/critical?only=%s", ids[r->len % 3]);
    r->len = 0;
    get(t, r);
    return NULL;
}

static void test_busy_and_methods(void **state)
{
    (void)state;
    NEED_DATA();
    resp rs[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        rs[i].len = (size_t)i;
        pthread_create(&th[i], NULL, critical_req, &rs[i]);
    }
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    int ok = 0, busy = 0;
    for (int i = 0; i < 3; i++) {
        if (rs[i].status == 200)
            ok++;
        else if (rs[i].status == 503 && strcasestr(rs[i].head, "Retry-After: 1") && strstr(rs[i].body, "busy"))
            busy++;
        else
            fail_msg("unexpected answer %d: %s", rs[i].status, rs[i].body);
        resp_free(&rs[i]);
    }
    assert_int_equal(ok + busy, 3);
    assert_true(ok >= 1);
    print_message("    3 racing critical requests: %d answered, %d busy (503)\n", ok, busy);
    resp r;
    char req[] = "DELETE /v1/matrix HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    assert_int_equal(exchange(req, sizeof req - 1, &r), 0);
    assert_int_equal(r.status, 405);
    assert_non_null(strcasestr(r.head, "Allow: GET, HEAD, POST, OPTIONS"));
    resp_free(&r);
    post("/v1/scenarios", "x", &r);
    assert_int_equal(r.status, 405);
    resp_free(&r);
    /* Every endpoint here is in the OpenAPI document. */
    get("/v1/openapi.json", &r);
    json_t *j = body_json(&r, 200);
    static const char *const all[] = {"/v1/scenarios", "/v1/assign", "/v1/assign/compare", "/v1/assign/critical",
                                      "/v1/reach", "/v1/matrix"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!json_object_get(json_object_get(j, "paths"), all[i]))
            fail_msg("openapi.json lacks %s", all[i]);
    json_decref(j);
    resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenarios_and_assign), cmocka_unit_test(test_compare_and_critical),
        cmocka_unit_test(test_reach),                cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_busy_and_methods),
    };
    return cmocka_run_group_tests_name("analysis_http", tests, setup, teardown);
}
