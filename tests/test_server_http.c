/*
 * test_server_http.c - the HTTP server over real loopback sockets: every
 * endpoint, the exact JSON contract of /v1/route, and a corpus of
 * malformed requests (truncated, oversized, bad UTF-8, bad numbers,
 * unknown or repeated parameters, path traversal, slow clients), each
 * answered with the right 4xx while the server keeps serving others.
 *
 * The server runs in this process on an ephemeral port of 127.0.0.1 over
 * the small dataset tests/data/server, with a 1 s idle timeout so that
 * slow-client tests end quickly.  Every socket has a receive timeout and
 * every loop a fixed bound.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
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
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "../src/server/server.h"

#define DATA "tests/data/server"
#define WEB "build/test-web"

static sr_network *net;
static char bin_dir[512]; /* the build directory of this test binary */
static sr__server *srv;
static int port;

typedef struct resp {
    int status;
    char head[4096];
    char *body;
    size_t len;
} resp;

/* A loopback connection to port p with 5 s send and receive timeouts. */
static int connect_port(int p)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int connect_lo(void) { return connect_port(port); }

static int send_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read one response (headers + Content-Length body) from fd. */
static int read_resp(int fd, resp *r)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    memset(r, 0, sizeof *r);
    /* The end of the headers as an offset: buf moves when it grows. */
    long hoff = -1;
    long clen = -1;
    for (int rounds = 0; rounds < 100000; rounds++) {
        if (hoff >= 0 && clen >= 0 && len >= (size_t)hoff + 4 + (size_t)clen)
            break;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        char *hend;
        if (hoff < 0 && (hend = strstr(buf, "\r\n\r\n"))) {
            hoff = hend - buf;
            char *cl = strcasestr(buf, "\r\nContent-Length:");
            clen = cl && cl < hend ? strtol(cl + 17, NULL, 10) : 0;
        }
    }
    buf[len] = '\0';
    if (hoff < 0 || sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1) {
        free(buf);
        return -1;
    }
    size_t hl = (size_t)hoff;
    snprintf(r->head, sizeof r->head, "%.*s", (int)(hl < sizeof r->head - 1 ? hl : sizeof r->head - 1), buf);
    r->len = len - hl - 4;
    r->body = malloc(r->len + 1);
    memcpy(r->body, buf + hl + 4, r->len);
    r->body[r->len] = '\0';
    free(buf);
    return 0;
}

/* Send a raw request on a new connection and read the answer. */
static int raw(const char *req, size_t n, resp *r)
{
    int fd = connect_lo();
    if (fd < 0)
        return -1;
    int rc = send_all(fd, req, n);
    if (!rc)
        rc = read_resp(fd, r);
    close(fd);
    return rc;
}

static int get(const char *target, resp *r)
{
    char req[20000];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", target);
    return raw(req, (size_t)n, r);
}

static int post(const char *target, const char *body, size_t blen, resp *r)
{
    size_t cap = blen + 512;
    char *req = malloc(cap);
    int n = snprintf(req, cap,
                     "POST %s HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     target, blen);
    memcpy(req + n, body, blen);
    int rc = raw(req, (size_t)n + blen, r);
    free(req);
    return rc;
}

static void resp_free(resp *r) { free(r->body); }

static int has_header(const resp *r, const char *h) { return strcasestr(r->head, h) != NULL; }

/* The error object of an answer: "code" and "message" present. */
static void assert_error(const resp *r, int status, const char *code, const char *msg_part)
{
    if (r->status != status)
        fail_msg("expected %d, got %d: %s", status, r->status, r->body);
    json_t *j = json_loads(r->body, 0, NULL);
    assert_non_null(j);
    const char *c = json_string_value(json_object_get(j, "code"));
    const char *m = json_string_value(json_object_get(j, "message"));
    assert_non_null(c);
    assert_non_null(m);
    if (code && strcmp(c, code))
        fail_msg("expected code %s, got %s (%s)", code, c, m);
    if (msg_part && !strstr(m, msg_part))
        fail_msg("message '%s' lacks '%s'", m, msg_part);
    assert_true(has_header(r, "Content-Type: application/json"));
    json_decref(j);
}

static int setup(void **state)
{
    (void)state;
    if (sr_network_open(DATA, &net) != SR_OK)
        return -1;
    mkdir("build", 0755);
    mkdir(WEB, 0755);
    mkdir(WEB "/sub", 0755);
    FILE *f = fopen(WEB "/index.html", "w");
    fputs("<!doctype html><title>t</title>", f);
    fclose(f);
    f = fopen(WEB "/sub/app.js", "w");
    fputs("console.log(1)", f);
    fclose(f);
    f = fopen(WEB "/.hidden", "w");
    fputs("secret", f);
    fclose(f);
    sr__server_config cfg = {.bind = "127.0.0.1", .port = 0, .threads = 4, .web_dir = WEB, .timeout_s = 1,
                             .max_connections = 64};
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
    sr__server_stop(srv, 2000);
    sr_network_close(net);
    return 0;
}

/* Every "$ref" of the OpenAPI document points at something that exists. */
static void check_refs(json_t *root, json_t *v, int *n)
{
    const char *k;
    json_t *e;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, k, e) {
            if (!strcmp(k, "$ref")) {
                const char *ref = json_string_value(e);
                assert_non_null(ref);
                assert_memory_equal(ref, "#/", 2);
                char path[256];
                snprintf(path, sizeof path, "%s", ref + 2);
                json_t *at = root;
                for (char *save = NULL, *tok = strtok_r(path, "/", &save); tok; tok = strtok_r(NULL, "/", &save))
                    at = json_object_get(at, tok);
                if (!at)
                    fail_msg("openapi.json: dangling $ref %s", ref);
                (*n)++;
            } else {
                check_refs(root, e, n);
            }
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, e) check_refs(root, e, n);
    }
}

static void test_health_openapi(void **state)
{
    (void)state;
    resp r;
    assert_int_equal(get("/v1/health", &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(has_header(&r, "Content-Type: application/json"));
    assert_true(has_header(&r, "Access-Control-Allow-Origin: *"));
    assert_non_null(strstr(r.body, "\"status\":\"ok\""));
    resp_free(&r);
    assert_int_equal(get("/v1/openapi.json", &r), 0);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "openapi")), "3.1.0");
    json_t *paths = json_object_get(j, "paths");
    static const char *const all[] = {"/v1/route", "/v1/places", "/v1/places/{id}", "/v1/network", "/v1/health",
                                      "/v1/openapi.json"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!json_object_get(paths, all[i]))
            fail_msg("openapi.json lacks %s", all[i]);
    int nrefs = 0;
    check_refs(j, j, &nrefs);
    assert_true(nrefs > 20);
    json_decref(j);
    resp_free(&r);
}

static void test_route_contract(void **state)
{
    (void)state;
    resp r;
    assert_int_equal(get("/v1/route?from=Xi%27an&to=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B", &r), 0);
    assert_int_equal(r.status, 200);
    /* Exactly what the library (and so the CLI) prints for the same query. */
    sr_query *q;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Xi'an";
    o.to = "Алматы";
    sr_result *res;
    assert_int_equal(sr_route_query(q, &o, &res), SR_OK);
    char *want = sr_result_json(net, res, 0);
    assert_string_equal(r.body, want);
    sr_free(want);
    sr_result_free(res);
    sr_query_destroy(q);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "code")), "Ok");
    json_t *route = json_array_get(json_object_get(j, "routes"), 0);
    assert_non_null(json_object_get(route, "duration_h"));
    assert_true(json_array_size(json_object_get(route, "legs")) >= 1);
    json_t *leg = json_array_get(json_object_get(route, "legs"), 0);
    assert_non_null(json_object_get(json_object_get(leg, "from"), "lat"));
    json_decref(j);

    /* POST with the same options gives the same answer. */
    resp p;
    const char *body = "{\"from\":\"Xi'an\",\"to\":\"\\u0410\\u043b\\u043c\\u0430\\u0442\\u044b\"}";
    assert_int_equal(post("/v1/route", body, strlen(body), &p), 0);
    assert_int_equal(p.status, 200);
    assert_string_equal(p.body, r.body);
    resp_free(&p);
    resp_free(&r);

    /* Pareto and GeoJSON. */
    assert_int_equal(get("/v1/route?from=CNXIA&to=KZALA&pareto=true", &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(get("/v1/route?from=CNXIA&to=KZALA&format=geojson", &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(has_header(&r, "Content-Type: application/geo+json"));
    assert_non_null(strstr(r.body, "FeatureCollection"));
    resp_free(&r);
}

/* A repeated query is answered from the cache, byte for byte. */
static void test_route_cache(void **state)
{
    (void)state;
    resp a, b, h;
    assert_int_equal(get("/v1/route?from=CNXIA&to=GETBS&year=2030&by=cost", &a), 0);
    assert_int_equal(get("/v1/route?by=cost&year=2030&to=GETBS&from=CNXIA", &b), 0);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.body, b.body);
    /* Admitted on its second miss, so the third asking is a hit. */
    resp_free(&b);
    assert_int_equal(get("/v1/route?year=2030&from=CNXIA&by=cost&to=GETBS", &b), 0);
    assert_string_equal(a.body, b.body);
    assert_int_equal(get("/v1/health", &h), 0);
    json_t *j = json_loads(h.body, 0, NULL);
    json_t *c = json_object_get(j, "route_cache");
    assert_true(json_is_true(json_object_get(c, "enabled")));
    assert_true(json_integer_value(json_object_get(c, "hits")) >= 1);
    json_decref(j);
    resp_free(&a);
    resp_free(&b);
    resp_free(&h);
    /* GeoJSON and JSON of one query are different entries. */
    assert_int_equal(get("/v1/route?from=CNXIA&to=GETBS&year=2030&by=cost&format=geojson", &a), 0);
    assert_true(has_header(&a, "Content-Type: application/geo+json"));
    resp_free(&a);
    assert_int_equal(get("/v1/route?from=CNXIA&to=GETBS&year=2030&by=cost&format=geojson", &a), 0);
    assert_true(has_header(&a, "Content-Type: application/geo+json"));
    assert_non_null(strstr(a.body, "FeatureCollection"));
    resp_free(&a);
}

static void test_route_errors(void **state)
{
    (void)state;
    resp r;
    assert_int_equal(get("/v1/route?from=CNXIA&to=Atlantis", &r), 0);
    assert_error(&r, 404, "UnknownPlace", "Atlantis");
    resp_free(&r);
    /* Tbilisi is reached only by a link planned for 2030. */
    assert_int_equal(get("/v1/route?from=CNXIA&to=GETBS", &r), 0);
    assert_error(&r, 422, "NoRoute", NULL);
    resp_free(&r);
    assert_int_equal(get("/v1/route?from=CNXIA&to=GETBS&year=2030", &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(get("/v1/route?from=CNXIA&to=KZALA&modes=air", &r), 0);
    assert_error(&r, 422, "NoRoute", NULL);
    resp_free(&r);
    assert_int_equal(get("/v1/route?from=CNXIA&to=KZALA&depart=soon", &r), 0);
    assert_error(&r, 400, "BadArgument", "depart");
    resp_free(&r);
    assert_int_equal(get("/v1/route?from=CNXIA&to=KZALA&depart=2026-06-03T08:00&window=5w", &r), 0);
    assert_error(&r, 400, "BadArgument", "window");
    resp_free(&r);
    assert_int_equal(get("/v1/route?from=CNXIA&to=KZALA&depart=2026-06-03T08:00", &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(post("/v1/route?from=CNXIA", "{}", 2, &r), 0);
    assert_error(&r, 400, "BadArgument", "query string");
    resp_free(&r);
    {
        const char *b = "{\"from\":\"CNXIA\",\"to\":\"KZALA\",\"year\":\"x\"}";
        assert_int_equal(post("/v1/route", b, strlen(b), &r), 0);
    }
    assert_error(&r, 400, "BadArgument", "'year'");
    resp_free(&r);
}

/* Issue 13 conventions: formats (csv, xlsx), drawn geometry on request,
 * coordinates snapped with the distance in waypoints, /v1/nearest, and
 * errors that help (blocked_by, suggestions that are near misses only). */
static void test_route_conventions(void **state)
{
    (void)state;
    resp r;
    assert_int_equal(get("/v1/route?from=Xi%27an&to=Almaty&format=csv", &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(has_header(&r, "Content-Type: text/csv"));
    assert_true(has_header(&r, "Content-Disposition: attachment"));
    assert_true(!strncmp(r.body, "option,leg,segment,from,", 24));
    resp_free(&r);
    assert_int_equal(get("/v1/route?from=Xi%27an&to=Almaty&format=xlsx", &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(has_header(&r, "spreadsheetml"));
    assert_true(r.len > 4000 && !memcmp(r.body, "PK\x03\x04", 4));
    resp_free(&r);
    /* Geometry only when asked: the plain answer stays small. */
    resp g;
    assert_int_equal(get("/v1/route?from=Xi%27an&to=Almaty", &r), 0);
    assert_int_equal(get("/v1/route?from=Xi%27an&to=Almaty&geometry=true", &g), 0);
    assert_int_equal(g.status, 200);
    assert_null(strstr(r.body, "\"geometry\""));
    assert_non_null(strstr(g.body, "\"geometry\":{\"type\":\"LineString\""));
    assert_non_null(strstr(r.body, "\"segments\":["));
    resp_free(&r);
    resp_free(&g);
    assert_int_equal(get("/v1/route?from=Xi%27an&to=Almaty&geometry=maybe", &r), 0);
    assert_error(&r, 400, "BadArgument", "geometry");
    resp_free(&r);
    /* Coordinates snap, and the answer says how far. */
    assert_int_equal(get("/v1/route?from=43.25,76.95&to=Tashkent", &r), 0);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    json_t *w0 = json_array_get(json_object_get(j, "waypoints"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(w0, "place"), "id")), "KZALA");
    double snap = json_number_value(json_object_get(w0, "snap_km"));
    assert_true(snap > 1 && snap < 10);
    json_decref(j);
    resp_free(&r);
    assert_int_equal(get("/v1/route?from=48.85,2.35&to=Tashkent", &r), 0);
    assert_error(&r, 404, "UnknownPlace", "does not reach");
    resp_free(&r);
    /* Near misses are suggested, far-off names are not. */
    assert_int_equal(get("/v1/route?from=Almty&to=Tashkent", &r), 0);
    assert_error(&r, 404, "UnknownPlace", "Almaty");
    j = json_loads(r.body, 0, NULL);
    json_t *sg = json_object_get(j, "suggestions");
    assert_true(json_array_size(sg) >= 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(sg, 0), "id")), "KZALA");
    json_decref(j);
    resp_free(&r);
    assert_int_equal(get("/v1/route?from=Paris&to=Tashkent", &r), 0);
    assert_error(&r, 404, "UnknownPlace", "no place of that name");
    j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(j, "suggestions")), 0);
    json_decref(j);
    resp_free(&r);
    /* No route: what blocks it. */
    assert_int_equal(get("/v1/route?from=Xi%27an&to=Almaty&modes=sea", &r), 0);
    assert_error(&r, 422, "NoRoute", "blocked by");
    j = json_loads(r.body, 0, NULL);
    json_t *bb = json_object_get(j, "blocked_by");
    assert_true(json_is_array(bb));
    assert_string_equal(json_string_value(json_array_get(bb, 0)), "modes");
    json_decref(j);
    resp_free(&r);
    /* The nearest places to a point. */
    assert_int_equal(get("/v1/nearest?at=43.3,76.9&limit=3", &r), 0);
    assert_int_equal(r.status, 200);
    j = json_loads(r.body, 0, NULL);
    json_t *pl = json_object_get(j, "places");
    assert_int_equal(json_array_size(pl), 3);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(pl, 0), "place"), "id")), "KZALA");
    assert_true(json_is_true(json_object_get(j, "snaps")));
    double d0 = json_number_value(json_object_get(json_array_get(pl, 0), "distance_km"));
    double d1 = json_number_value(json_object_get(json_array_get(pl, 1), "distance_km"));
    assert_true(d0 <= d1);
    json_decref(j);
    resp_free(&r);
    assert_int_equal(get("/v1/nearest?lat=48.85&lon=2.35", &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"snaps\":false"));
    resp_free(&r);
    const char *bad[] = {"/v1/nearest", "/v1/nearest?at=91,0", "/v1/nearest?at=1,2&lat=1", "/v1/nearest?at=1,2&limit=0",
                         "/v1/nearest?at=1%20,2", "/v1/nearest?lat=1"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(get(bad[k], &r), 0);
        assert_error(&r, 400, "BadArgument", NULL);
        resp_free(&r);
    }
}

static void test_places_network(void **state)
{
    (void)state;
    resp r;
    assert_int_equal(get("/v1/places?q=%E9%98%BF%E6%8B%89%E6%9C%A8%E5%9B%BE", &r), 0); /* 阿拉木图 */
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"KZALA\""));
    resp_free(&r);
    assert_int_equal(get("/v1/places?q=almaty&limit=1", &r), 0);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(j, "places")), 1);
    json_decref(j);
    resp_free(&r);
    assert_int_equal(get("/v1/places", &r), 0);
    j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(j, "places")), sr_network_place_count(net));
    json_decref(j);
    resp_free(&r);
    assert_int_equal(get("/v1/places/KZALA", &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Almaty"));
    resp_free(&r);
    assert_int_equal(get("/v1/places/%D0%A1%D0%B8%D0%B0%D0%BD%D1%8C", &r), 0); /* Сиань */
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "CNXIA"));
    resp_free(&r);
    assert_int_equal(get("/v1/places/Almatyy", &r), 0);
    assert_error(&r, 404, "UnknownPlace", "Almatyy");
    assert_non_null(strstr(r.body, "\"suggestions\""));
    resp_free(&r);
    assert_int_equal(get("/v1/places?limit=0&q=a", &r), 0);
    assert_error(&r, 400, "BadArgument", "'limit'");
    resp_free(&r);
    assert_int_equal(get("/v1/network", &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(has_header(&r, "Content-Type: application/geo+json"));
    assert_non_null(strstr(r.body, "FeatureCollection"));
    /* The BTK link is planned for 2030: absent by default, present with
     * planned links or from 2030 on. */
    assert_null(strstr(r.body, "R-BAK-TBS"));
    resp_free(&r);
    assert_int_equal(get("/v1/network?modes=rail&year=-1", &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "R-BAK-TBS"));
    assert_null(strstr(r.body, "D-ALA-TAS")); /* a road link */
    resp_free(&r);
    assert_int_equal(get("/v1/network?year=2030", &r), 0);
    assert_non_null(strstr(r.body, "R-BAK-TBS"));
    resp_free(&r);
    assert_int_equal(get("/v1/network?year=2029", &r), 0);
    assert_null(strstr(r.body, "R-BAK-TBS"));
    resp_free(&r);
    assert_int_equal(get("/v1/network?year=tomorrow", &r), 0);
    assert_error(&r, 400, "BadArgument", "'year'");
    resp_free(&r);
}

/* A GET with extra request headers. */
static int get_h(const char *target, const char *headers, resp *r)
{
    char req[20000];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\n%sConnection: close\r\n\r\n", target, headers);
    return raw(req, (size_t)n, r);
}

/* The value of header h in r (up to the line end) into out. */
static int header_value(const resp *r, const char *h, char *out, size_t cap)
{
    const char *p = strcasestr(r->head, h);
    if (!p)
        return -1;
    p += strlen(h);
    while (*p == ' ' || *p == ':')
        p++;
    size_t n = strcspn(p, "\r\n");
    snprintf(out, cap, "%.*s", (int)(n < cap - 1 ? n : cap - 1), p);
    return 0;
}

/* gunzip of a body, compared with the plain one. */
static void assert_gzip_of(const resp *z, const resp *plain)
{
    assert_true(z->len >= 18 && (unsigned char)z->body[0] == 0x1f && (unsigned char)z->body[1] == 0x8b);
    size_t cap = plain->len + 64;
    unsigned char *out = malloc(cap);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (unsigned char *)z->body;
    zs.avail_in = (uInt)z->len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
    assert_int_equal(cap - zs.avail_out, plain->len);
    assert_memory_equal(out, plain->body, plain->len);
    inflateEnd(&zs);
    free(out);
}

/* Compression, entity tags and Cache-Control (issue 13). */
static void test_compression_etags(void **state)
{
    (void)state;
    resp plain, z, again;
    /* The network: gzip when accepted, same bytes inflated; ETag -> 304. */
    assert_int_equal(get("/v1/network", &plain), 0);
    assert_int_equal(plain.status, 200);
    assert_true(has_header(&plain, "Cache-Control: no-cache"));
    assert_true(has_header(&plain, "Vary: Accept-Encoding"));
    char etag[100];
    assert_int_equal(header_value(&plain, "\r\nETag", etag, sizeof etag), 0);
    assert_int_equal(get_h("/v1/network", "Accept-Encoding: br, gzip\r\n", &z), 0);
    assert_int_equal(z.status, 200);
    assert_true(has_header(&z, "Content-Encoding: gzip"));
    assert_true(z.len < plain.len / 3);
    assert_gzip_of(&z, &plain);
    resp_free(&z);
    assert_int_equal(get_h("/v1/network", "Accept-Encoding: gzip;q=0\r\n", &z), 0);
    assert_false(has_header(&z, "Content-Encoding"));
    resp_free(&z);
    char h[200];
    snprintf(h, sizeof h, "If-None-Match: %s\r\n", etag);
    assert_int_equal(get_h("/v1/network", h, &again), 0);
    assert_int_equal(again.status, 304);
    assert_int_equal(again.len, 0);
    resp_free(&again);
    assert_int_equal(get_h("/v1/network", "If-None-Match: \"0000000000000000\"\r\n", &again), 0);
    assert_int_equal(again.status, 200);
    resp_free(&again);
    /* Another view of the network has another tag. */
    assert_int_equal(get_h("/v1/network?modes=rail", h, &again), 0);
    assert_int_equal(again.status, 200);
    resp_free(&again);
    resp_free(&plain);
    /* Places and the OpenAPI document revalidate too. */
    assert_int_equal(get("/v1/places", &plain), 0);
    assert_int_equal(header_value(&plain, "\r\nETag", etag, sizeof etag), 0);
    snprintf(h, sizeof h, "If-None-Match: W/%s\r\n", etag);
    assert_int_equal(get_h("/v1/places", h, &again), 0);
    assert_int_equal(again.status, 304);
    resp_free(&again);
    resp_free(&plain);
    assert_int_equal(get_h("/v1/openapi.json", "Accept-Encoding: gzip\r\n", &z), 0);
    assert_true(has_header(&z, "Content-Encoding: gzip"));
    resp_free(&z);
    /* Route answers: gzip on request, never stored by caches. */
    assert_int_equal(get("/v1/route?from=Xi%27an&to=Baku", &plain), 0);
    assert_int_equal(get_h("/v1/route?from=Xi%27an&to=Baku", "Accept-Encoding: gzip\r\n", &z), 0);
    assert_true(has_header(&z, "Cache-Control: no-store"));
    if (plain.len >= 1024) {
        assert_true(has_header(&z, "Content-Encoding: gzip"));
        assert_gzip_of(&z, &plain);
    }
    resp_free(&z);
    resp_free(&plain);
    /* Static files: weak tags, 304, a NAME.gz the build made, and
     * Cache-Control by kind. */
    FILE *f = fopen(WEB "/big.json", "w");
    for (int i = 0; i < 400; i++)
        fputs("{\"a\":[1,2,3,4,5,6,7,8,9]}\n", f);
    fclose(f);
    assert_int_equal(get("/big.json", &plain), 0);
    assert_true(has_header(&plain, "Cache-Control: public, max-age=86400"));
    assert_int_equal(header_value(&plain, "\r\nETag", etag, sizeof etag), 0);
    assert_true(!strncmp(etag, "W/", 2));
    snprintf(h, sizeof h, "If-None-Match: %s\r\n", etag);
    assert_int_equal(get_h("/big.json", h, &again), 0);
    assert_int_equal(again.status, 304);
    resp_free(&again);
    /* Without a .gz beside it, a static file goes as it is. */
    assert_int_equal(get_h("/big.json", "Accept-Encoding: gzip\r\n", &z), 0);
    assert_false(has_header(&z, "Content-Encoding"));
    resp_free(&z);
    gzFile g = gzopen(WEB "/big.json.gz", "wb9");
    gzwrite(g, plain.body, (unsigned)plain.len);
    gzclose(g);
    assert_int_equal(get_h("/big.json", "Accept-Encoding: gzip\r\n", &z), 0);
    assert_true(has_header(&z, "Content-Encoding: gzip"));
    assert_true(has_header(&z, "Content-Type: application/json"));
    assert_gzip_of(&z, &plain);
    resp_free(&z);
    resp_free(&plain);
    assert_int_equal(get("/", &plain), 0);
    assert_true(has_header(&plain, "Cache-Control: no-cache"));
    resp_free(&plain);
    unlink(WEB "/big.json");
    unlink(WEB "/big.json.gz");
}

static void test_static_files(void **state)
{
    (void)state;
    resp r;
    assert_int_equal(get("/", &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(has_header(&r, "Content-Type: text/html"));
    resp_free(&r);
    assert_int_equal(get("/sub/app.js", &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(has_header(&r, "Content-Type: text/javascript"));
    resp_free(&r);
    static const char *const evil[] = {
        "/../test_server_http.c", "/%2e%2e/%2e%2e/Makefile", "/sub/../../Makefile", "/..%2fMakefile",
        "/.hidden",               "/sub/%2E%2E/index.html",  "/..\\Makefile",        "//etc/passwd",
        "/nope.html",             "/sub",
    };
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
        char req[512];
        /* Raw, so that no client normalises the path first. */
        int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", evil[i]);
        assert_int_equal(raw(req, (size_t)n, &r), 0);
        if (r.status != 400 && r.status != 404)
            fail_msg("%s: got %d", evil[i], r.status);
        assert_null(strstr(r.body, "secret"));
        resp_free(&r);
    }
}

static void test_methods_cors(void **state)
{
    (void)state;
    resp r;
    const char *del = "DELETE /v1/places HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    assert_int_equal(raw(del, strlen(del), &r), 0);
    assert_error(&r, 405, "MethodNotAllowed", NULL);
    assert_true(has_header(&r, "Allow: GET"));
    resp_free(&r);
    const char *opt = "OPTIONS /v1/route HTTP/1.1\r\nHost: t\r\nOrigin: http://x\r\n"
                      "Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n";
    assert_int_equal(raw(opt, strlen(opt), &r), 0);
    assert_int_equal(r.status, 204);
    assert_true(has_header(&r, "Access-Control-Allow-Methods:"));
    resp_free(&r);
    const char *head = "HEAD /v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    assert_int_equal(raw(head, strlen(head), &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(get("/v2/route", &r), 0);
    assert_error(&r, 404, "NotFound", NULL);
    resp_free(&r);
    assert_int_equal(get("/v1/nothing", &r), 0);
    assert_error(&r, 404, "NotFound", NULL);
    resp_free(&r);
}

static void test_keep_alive(void **state)
{
    (void)state;
    int fd = connect_lo();
    assert_true(fd >= 0);
    for (int i = 0; i < 3; i++) {
        const char *req = "GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n";
        assert_int_equal(send_all(fd, req, strlen(req)), 0);
        resp r;
        assert_int_equal(read_resp(fd, &r), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
    close(fd);
}

/* The malformed corpus: each gets its 4xx. */
static void test_malformed_corpus(void **state)
{
    (void)state;
    static const struct {
        const char *target;
        int status;
        const char *msg;
    } cases[] = {
        {"/v1/route?from=%ff&to=b", 400, "UTF-8"},
        {"/v1/route?from=%e8%a5&to=b", 400, "UTF-8"},
        {"/v1/route?from=a%zz&to=b", 400, "'from'"},
        {"/v1/route?from=a&to=b&to=c", 400, "more than once"},
        {"/v1/route?from=a&to=b&colour=red", 400, "'colour'"},
        {"/v1/route?from=CNXIA&to=KZALA&year=2O30", 400, "'year'"},
        {"/v1/route?from=CNXIA&to=KZALA&max_transfers=1.5", 400, "'max_transfers'"},
        {"/v1/route?from=CNXIA&to=KZALA&cargo=0x40ft", 400, "'cargo'"},
        {"/v1/route?from=CNXIA&to=KZALA&pareto=2", 400, "'pareto'"},
        {"/v1/route?from=CNXIA&to=KZALA&modes=ship", 400, "'modes'"},
        {"/v1/route?from=CNXIA&to=KZALA&avoid_countries=kz", 400, "'avoid_countries'"},
        {"/v1/places?q=a&q=b", 400, "more than once"},
        {"/v1/places?query=a", 400, "'query'"},
        {"/v1/health?verbose=1", 400, "'verbose'"},
        {"/v1/places/KZALA?x=1", 400, "'x'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp r;
        assert_int_equal(get(cases[i].target, &r), 0);
        assert_error(&r, cases[i].status, NULL, cases[i].msg);
        resp_free(&r);
    }
    /* Over-long URI: our JSON 414 up to libmicrohttpd's buffer, its own
     * 414 beyond; never a 5xx. */
    char *big = malloc(40000);
    memset(big, 'a', 40000);
    memcpy(big, "/v1/route?from=", 15);
    big[9000] = '\0';
    resp r;
    assert_int_equal(get(big, &r), 0);
    assert_error(&r, 414, "LimitExceeded", NULL);
    resp_free(&r);
    big[39000] = '\0';
    memset(big + 9000, 'a', 30000);
    char *req = malloc(41000);
    int n = snprintf(req, 41000, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", big);
    if (raw(req, (size_t)n, &r) == 0) {
        assert_true(r.status == 414 || r.status == 431 || r.status == 400);
        resp_free(&r);
    }
    free(req);
    /* Body over 64 KiB, announced and chunked. */
    size_t blen = 70000;
    char *body = malloc(blen);
    memset(body, ' ', blen);
    assert_int_equal(post("/v1/route", body, blen, &r), 0);
    assert_error(&r, 413, "LimitExceeded", NULL);
    resp_free(&r);
    req = malloc(3 * 30000 + 1024);
    n = snprintf(req, 1024, "POST /v1/route HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    for (int k = 0; k < 3; k++) {
        n += snprintf(req + n, 16, "%x\r\n", 30000);
        memset(req + n, ' ', 30000);
        n += 30000;
        n += snprintf(req + n, 8, "\r\n");
    }
    n += snprintf(req + n, 8, "0\r\n\r\n");
    if (raw(req, (size_t)n, &r) == 0) {
        assert_error(&r, 413, "LimitExceeded", NULL);
        resp_free(&r);
    }
    free(req);
    free(body);
    free(big);
    /* Bad JSON and bad UTF-8 bodies. */
    assert_int_equal(post("/v1/route", "{\"from\":", 8, &r), 0);
    assert_error(&r, 400, "BadArgument", "JSON");
    resp_free(&r);
    const char *bad_utf8 = "{\"from\":\"\xc3\x28\",\"to\":\"b\"}";
    assert_int_equal(post("/v1/route", bad_utf8, strlen(bad_utf8), &r), 0);
    assert_error(&r, 400, "BadArgument", "UTF-8");
    resp_free(&r);
    /* A request line that is not HTTP at all: libmicrohttpd answers 400 or
     * just closes the connection; never a 5xx. */
    if (raw("HELLO\r\n\r\n", 9, &r) == 0) {
        assert_true(r.status >= 400 && r.status < 500);
        resp_free(&r);
    }
    /* The server still answers. */
    assert_int_equal(get("/v1/health", &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

/* Truncated requests and slow clients hold a connection but never block
 * others; the idle timeout closes them. */
static void test_truncated_and_slow(void **state)
{
    (void)state;
    int fds[8];
    const char *partial[] = {
        "GET /v1/health HTT",
        "GET /v1/health HTTP/1.1\r\nHost: t\r\n",
        "POST /v1/route HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"from\":",
        "G",
    };
    size_t np = sizeof partial / sizeof partial[0];
    for (size_t i = 0; i < np; i++) {
        fds[i] = connect_lo();
        assert_true(fds[i] >= 0);
        assert_int_equal(send_all(fds[i], partial[i], strlen(partial[i])), 0);
    }
    /* Meanwhile, others are served at once. */
    for (int k = 0; k < 5; k++) {
        resp r;
        assert_int_equal(get("/v1/route?from=CNXIA&to=KZALA", &r), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
    /* Each stalled connection is closed by the server within a few
     * seconds (1 s idle timeout; recv has a 5 s bound). */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < np; i++) {
        char buf[4096];
        ssize_t n;
        int rounds = 0;
        while ((n = recv(fds[i], buf, sizeof buf, 0)) > 0 && ++rounds < 100)
            ;
        assert_true(n == 0 || n < 0);
        close(fds[i]);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 10);
    /* A client that dribbles one byte at a time is also served. */
    int fd = connect_lo();
    const char *req = "GET /v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    for (size_t i = 0; req[i]; i++) {
        assert_int_equal(send_all(fd, req + i, 1), 0);
        if (i % 16 == 0)
            nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    }
    resp r;
    assert_int_equal(read_resp(fd, &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    close(fd);
}

/* A client that keeps a request alive by sending a byte now and then
 * (never idle long enough for the idle timeout) is cut off by the
 * per-request time cap, and the server keeps serving others. */
static void test_request_time_cap(void **state)
{
    (void)state;
    sr__server *s2 = NULL;
    char err[256];
    sr__server_config cfg = {.bind = "127.0.0.1", .port = 0, .threads = 2, .timeout_s = 30, .max_request_s = 2};
    assert_int_equal(sr__server_start(net, &cfg, &s2, err, sizeof err), 0);
    int fd = connect_port(sr__server_port(s2));
    assert_true(fd >= 0);
    /* Short receive timeout: the loop below polls for the close. */
    struct timeval tv = {0, 100 * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const char *head = "GET /v1/health HTTP/1.1\r\nHost: t\r\nX-Slow: ";
    assert_int_equal(send_all(fd, head, strlen(head)), 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int closed = 0;
    /* Dribble a header byte every 300 ms for at most 8 s. */
    for (int i = 0; i < 27 && !closed; i++) {
        nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
        char buf[256];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            closed = 1;
        else if (send(fd, "x", 1, MSG_NOSIGNAL) < 0)
            closed = 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    close(fd);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (!closed || secs < 1.5 || secs > 5)
        fail_msg("slow request %s after %.1f s (cap 2 s)", closed ? "closed" : "still open", secs);
    sr__server_stop(s2, 1000);
}

static void *hammer(void *arg)
{
    long ok = 0;
    for (int i = 0; i < 25; i++) {
        resp r;
        if (get((i % 2) ? "/v1/route?from=CNXIA&to=KZALA&by=cost" : "/v1/places?q=al", &r) == 0) {
            ok += r.status == 200;
            resp_free(&r);
        }
    }
    *(long *)arg = ok;
    return NULL;
}

static void test_concurrent(void **state)
{
    (void)state;
    pthread_t th[8];
    long ok[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, hammer, &ok[i]);
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(ok[i], 25);
    }
}

/* One access-log line per request, with method, target and status. */
static void test_access_log(void **state)
{
    (void)state;
    FILE *log = tmpfile();
    sr__server *s2;
    sr__server_config cfg = {.bind = "127.0.0.1", .port = 0, .threads = 2, .timeout_s = 1, .access_log = log};
    char err[256];
    assert_int_equal(sr__server_start(net, &cfg, &s2, err, sizeof err), 0);
    int saved = port;
    port = sr__server_port(s2);
    resp r;
    const char *targets[] = {"/v1/health", "/v1/route?from=CNXIA&to=KZALA", "/v1/nope", "/v1/places?q=%0A"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(get(targets[i], &r), 0);
        resp_free(&r);
    }
    port = saved;
    sr__server_stop(s2, 1000);
    rewind(log);
    char line[1024];
    int n = 0, seen_bad = 0;
    /* Lines are written when each answer has been sent, so their order may
     * differ from the order of the requests. */
    while (fgets(line, sizeof line, log)) {
        n++;
        assert_non_null(strstr(line, "127.0.0.1 \"GET /v1/"));
        /* The target is logged as sent (still percent-encoded), so a
         * hostile one cannot forge log lines. */
        if (strstr(line, "q=%0A") && strstr(line, "\" 400 "))
            seen_bad = 1;
    }
    fclose(log);
    assert_int_equal(n, 4);
    assert_true(seen_bad);
}

/* A second server on IPv6 loopback, stopped while idle. */
static void test_ipv6_and_restart(void **state)
{
    (void)state;
    sr__server *s6;
    sr__server_config cfg = {.bind = "::1", .port = 0, .threads = 1, .timeout_s = 1};
    char err[256];
    if (sr__server_start(net, &cfg, &s6, err, sizeof err)) {
        /* No IPv6 on this machine: nothing to test. */
        skip();
        return;
    }
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)sr__server_port(s6))};
    inet_pton(AF_INET6, "::1", &a.sin6_addr);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    const char *req = "GET /v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    assert_int_equal(send_all(fd, req, strlen(req)), 0);
    resp r;
    assert_int_equal(read_resp(fd, &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    close(fd);
    sr__server_stop(s6, 1000);
    cfg.bind = "not-an-address";
    assert_int_equal(sr__server_start(net, &cfg, &s6, err, sizeof err), -1);
    assert_non_null(strstr(err, "--bind"));
}

/* `silkroute serve` itself: prints its URL, serves, and on SIGTERM
 * finishes a request already in flight before exiting 0. */
static void test_serve_command_sigterm(void **state)
{
    (void)state;
    char bin[600];
    snprintf(bin, sizeof bin, "%s/silkroute", bin_dir);
    if (access(bin, X_OK)) {
        skip();
        return;
    }
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        execl(bin, bin, "serve", "--port", "0", "--data", DATA, "--web", WEB, "--quiet", "--threads", "2", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[512] = "";
    size_t n = 0;
    struct timeval tv = {10, 0};
    fd_set rs;
    while (n < sizeof line - 1 && !strchr(line, '\n')) {
        FD_ZERO(&rs);
        FD_SET(out[0], &rs);
        if (select(out[0] + 1, &rs, NULL, NULL, &tv) <= 0)
            break;
        ssize_t r = read(out[0], line + n, sizeof line - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        line[n] = '\0';
    }
    close(out[0]);
    const char *u = strstr(line, "http://127.0.0.1:");
    assert_non_null(u);
    int saved = port;
    port = atoi(u + 17);
    resp r;
    assert_int_equal(get("/v1/health", &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* A request whose headers are still arriving when SIGTERM comes. */
    int fd = connect_lo();
    const char *head = "GET /v1/route?from=CNXIA&to=KZALA HTTP/1.1\r\nHost: t\r\n";
    assert_int_equal(send_all(fd, head, strlen(head)), 0);
    nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
    kill(pid, SIGTERM);
    nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
    const char *rest = "Connection: close\r\n\r\n";
    assert_int_equal(send_all(fd, rest, strlen(rest)), 0);
    assert_int_equal(read_resp(fd, &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    close(fd);
    /* No new connections after the signal, and a clean exit. */
    int st = -1;
    for (int i = 0; i < 100 && waitpid(pid, &st, WNOHANG) == 0; i++)
        nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    if (!WIFEXITED(st)) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        fail_msg("serve did not exit after SIGTERM");
    }
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_true(connect_lo() < 0);
    port = saved;
}

int main(int argc, char **argv)
{
    /* build/tests/test_server_http -> build/silkroute */
    snprintf(bin_dir, sizeof bin_dir, "%s", argc > 0 ? argv[0] : "build/tests/x");
    char *slash = strrchr(bin_dir, '/');
    if (slash)
        *slash = '\0';
    slash = strrchr(bin_dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(bin_dir, sizeof bin_dir, "..");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health_openapi),   cmocka_unit_test(test_route_contract),
        cmocka_unit_test(test_route_cache),
        cmocka_unit_test(test_route_errors),     cmocka_unit_test(test_places_network),
        cmocka_unit_test(test_route_conventions), cmocka_unit_test(test_compression_etags),
        cmocka_unit_test(test_static_files),     cmocka_unit_test(test_methods_cors),
        cmocka_unit_test(test_keep_alive),       cmocka_unit_test(test_malformed_corpus),
        cmocka_unit_test(test_truncated_and_slow), cmocka_unit_test(test_request_time_cap),
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_access_log),
        cmocka_unit_test(test_ipv6_and_restart), cmocka_unit_test(test_serve_command_sigterm),
    };
    return cmocka_run_group_tests_name("server_http", tests, setup, teardown);
}
