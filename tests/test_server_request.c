/*
 * test_server_request.c - unit tests of the HTTP server's pure request
 * parsing (src/server/request.c): request targets, percent-decoding and
 * UTF-8 checks, and /v1/route options from query strings and JSON bodies,
 * each bad input answered with the right status and a message naming the
 * parameter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../src/server/request.h"

static int parse(const char *uri, sr__target *t, char *err)
{
    return sr__target_parse(uri, strlen(uri), t, err, SR__ERRLEN);
}

static void test_target_ok(void **state)
{
    (void)state;
    sr__target t;
    char err[SR__ERRLEN];
    assert_int_equal(parse("/v1/places?q=%E8%A5%BF%E5%AE%89&limit=3", &t, err), 0);
    assert_string_equal(t.path, "/v1/places");
    assert_int_equal(t.n_params, 2);
    assert_string_equal(sr__target_get(&t, "q"), "西安");
    assert_string_equal(sr__target_get(&t, "limit"), "3");
    assert_null(sr__target_get(&t, "x"));
    sr__target_free(&t);
    assert_int_equal(parse("http://localhost:8080/v1/health?x=1", &t, err), 0);
    assert_string_equal(t.path, "/v1/health");
    assert_string_equal(sr__target_get(&t, "x"), "1");
    sr__target_free(&t);
    assert_int_equal(parse("/a%20b?x=1+2&&flag&", &t, err), 0);
    assert_string_equal(t.path, "/a b");
    assert_string_equal(sr__target_get(&t, "x"), "1 2");
    assert_string_equal(sr__target_get(&t, "flag"), "");
    sr__target_free(&t);
}

static void test_target_bad(void **state)
{
    (void)state;
    static const struct {
        const char *uri;
        int status;
        const char *msg;
    } cases[] = {
        {"/v1/route?from=%zz", 400, "'from'"},
        {"/v1/route?from=%4", 400, "'from'"},
        {"/v1/route?from=%ff%fe", 400, "UTF-8"},
        {"/v1/route?from=%C0%AF", 400, "UTF-8"},       /* overlong '/' */
        {"/v1/route?from=%ED%A0%80", 400, "UTF-8"},    /* surrogate */
        {"/v1/route?from=a%00b", 400, "control"},
        {"/v1/route?from=a%0Ab", 400, "control"},
        {"/v1/route?from=a&from=b", 400, "more than once"},
        {"/v1/route?=x", 400, "name"},
        {"/v1/%ff", 400, "UTF-8"},
        {"v1/route", 400, "'/'"},
        {"", 400, "'/'"},
        {"/x#frag", 400, "#"},
        {"http://host", 400, "path"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sr__target t;
        char err[SR__ERRLEN] = "";
        int st = parse(cases[i].uri, &t, err);
        if (st != cases[i].status || !strstr(err, cases[i].msg))
            fail_msg("%s: got %d '%s'", cases[i].uri, st, err);
        sr__target_free(&t);
    }
}

static void test_target_limits(void **state)
{
    (void)state;
    char uri[SR__MAX_URI + 64];
    sr__target t;
    char err[SR__ERRLEN];
    memset(uri, 'a', sizeof uri);
    memcpy(uri, "/?q=", 4);
    assert_int_equal(sr__target_parse(uri, SR__MAX_URI + 1, &t, err, sizeof err), 414);
    sr__target_free(&t);
    assert_int_equal(sr__target_parse(uri, SR__MAX_URI, &t, err, sizeof err), 0);
    sr__target_free(&t);
    /* Too many parameters. */
    char many[1024] = "/v1/x?";
    for (int i = 0; i <= SR__MAX_PARAMS; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "p%d=1&", i);
    assert_int_equal(parse(many, &t, err), 400);
    assert_non_null(strstr(err, "more than"));
    sr__target_free(&t);
}

static int route_q(const char *uri, sr__route_req *r, char *err)
{
    sr__target t;
    int st = parse(uri, &t, err);
    if (!st)
        st = sr__route_from_params(t.params, t.n_params, r, err, SR__ERRLEN);
    else
        memset(r, 0, sizeof *r);
    sr__target_free(&t);
    return st;
}

static void test_route_params_ok(void **state)
{
    (void)state;
    sr__route_req r;
    char err[SR__ERRLEN];
    assert_int_equal(route_q("/v1/route?from=Xi%27an&to=Almaty", &r, err), 0);
    assert_string_equal(r.opts.from, "Xi'an");
    assert_string_equal(r.opts.to, "Almaty");
    assert_int_equal(r.opts.objective, SR_BY_TIME);
    assert_int_equal(r.opts.modes, SR_MODES_ALL);
    assert_int_equal(r.opts.unit, SR_UNIT_40FT);
    sr__route_req_free(&r);
    assert_int_equal(route_q("/v1/route?from=a&to=b&by=co2&pareto=true&modes=rail,sea&avoid_countries=RU,IR"
                             "&avoid=KZ-DOSTYK,%E9%9C%8D%E5%B0%94%E6%9E%9C%E6%96%AF&year=2030&cargo=3x20ft"
                             "&max_transfers=2&format=geojson",
                             &r, err),
                     0);
    assert_int_equal(r.opts.objective, SR_BY_CO2);
    assert_true(r.opts.pareto);
    assert_int_equal(r.opts.modes, SR_MODE_BIT(SR_RAIL) | SR_MODE_BIT(SR_SEA));
    assert_int_equal(r.opts.n_avoid_countries, 2);
    assert_string_equal(r.opts.avoid_countries[1], "IR");
    assert_int_equal(r.opts.n_avoid, 2);
    assert_string_equal(r.opts.avoid[1], "霍尔果斯");
    assert_int_equal(r.opts.year, 2030);
    assert_int_equal(r.opts.unit, SR_UNIT_20FT);
    assert_true(r.opts.quantity == 3.0);
    assert_int_equal(r.opts.max_transfers, 2);
    assert_true(r.geojson);
    sr__route_req_free(&r);
    assert_int_equal(route_q("/v1/route?from=a&to=b&cargo=t&quantity=2.5&weights=1,0.01,0&window=14d"
                             "&min_transfer=90&depart=2026-06-03T08:00",
                             &r, err),
                     0);
    assert_true(r.opts.quantity == 2.5);

    assert_int_equal(r.opts.objective, SR_BY_BLEND);
    assert_true(r.opts.weight_cost_usd == 0.01);
    assert_string_equal(r.window, "14d"); /* checked by the library with the network */
    assert_int_equal(r.opts.min_transfer_s, 90 * 60);
    assert_string_equal(r.depart, "2026-06-03T08:00");
    sr__route_req_free(&r);
    assert_int_equal(route_q("/v1/route?from=a&to=b&pareto_tolerance=5", &r, err), 0);
    assert_true(r.opts.pareto);
    assert_true(r.opts.pareto_tolerance == 0.05);
    sr__route_req_free(&r);
    assert_int_equal(route_q("/v1/route?from=a&to=b&cargo=25t", &r, err), 0);
    assert_int_equal(r.opts.unit, SR_UNIT_T);
    assert_true(r.opts.quantity == 25.0);
    assert_int_equal(r.mile, -1); /* not given: the server decides */
    sr__route_req_free(&r);
    /* First and last mile (serve --detail): true, false, or a 400. */
    assert_int_equal(route_q("/v1/route?from=43.73,7.41&to=b&mile=true", &r, err), 0);
    assert_int_equal(r.mile, 1);
    sr__route_req_free(&r);
    assert_int_equal(route_q("/v1/route?from=43.73,7.41&to=b&mile=false", &r, err), 0);
    assert_int_equal(r.mile, 0);
    sr__route_req_free(&r);
    assert_int_equal(route_q("/v1/route?from=43.73,7.41&to=b&mile=2", &r, err), 400);
    assert_non_null(strstr(err, "parameter 'mile'"));
    sr__route_req_free(&r);
}

static void test_route_params_bad(void **state)
{
    (void)state;
    static const struct {
        const char *uri;
        const char *param;
    } cases[] = {
        {"/v1/route?to=b", "'from'"},
        {"/v1/route?from=a", "'to'"},
        {"/v1/route?from=&to=b", "'from'"},
        {"/v1/route?from=a&to=b&by=fast", "'by'"},
        {"/v1/route?from=a&to=b&pareto=maybe", "'pareto'"},
        {"/v1/route?from=a&to=b&modes=rail,boat", "'modes'"},
        {"/v1/route?from=a&to=b&modes=", "'modes'"},
        {"/v1/route?from=a&to=b&modes=rail,,sea", "'modes'"},
        {"/v1/route?from=a&to=b&avoid_countries=Russia", "'avoid_countries'"},
        {"/v1/route?from=a&to=b&year=20x0", "'year'"},
        {"/v1/route?from=a&to=b&year=99999999999999999999", "'year'"},
        {"/v1/route?from=a&to=b&year=1e3", "'year'"},
        {"/v1/route?from=a&to=b&year=", "'year'"},
        {"/v1/route?from=a&to=b&cargo=45ft", "'cargo'"},
        {"/v1/route?from=a&to=b&cargo=-3x40ft", "'cargo'"},
        {"/v1/route?from=a&to=b&cargo=nanx40ft", "'cargo'"},
        {"/v1/route?from=a&to=b&cargo=1e999x40ft", "'cargo'"},
        {"/v1/route?from=a&to=b&max_transfers=-2", "'max_transfers'"},
        {"/v1/route?from=a&to=b&max_transfers=%2B1%20", "'max_transfers'"},
        {"/v1/route?from=a&to=b&format=xml", "'format'"},
        {"/v1/route?from=a&to=b&speed=9", "'speed'"},
        {"/v1/route?from=a&to=b&quantity=0", "'quantity'"},
        {"/v1/route?from=a&to=b&pareto_tolerance=-5", "'pareto_tolerance'"},
        {"/v1/route?from=a&to=b&quantity=0x10", "'quantity'"},
        {"/v1/route?from=a&to=b&quantity=%205", "'quantity'"},
        {"/v1/route?from=a&to=b&quantity=inf", "'quantity'"},
        {"/v1/route?from=a&to=b&weights=1,,0", "'weights'"},
        {"/v1/route?from=a&to=b&weights=1,2", "'weights'"},
        {"/v1/route?from=a&to=b&weights=1,2,3,4", "'weights'"},
        {"/v1/route?from=a&to=b&weights=1,-2,3", "'weights'"},
        {"/v1/route?from=a&to=b&min_transfer=-1", "'min_transfer'"},
        {"/v1/route?from=a&to=b&depart=", "'depart'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sr__route_req r;
        char err[SR__ERRLEN] = "";
        int st = route_q(cases[i].uri, &r, err);
        if (st != 400 || !strstr(err, cases[i].param))
            fail_msg("%s: got %d '%s'", cases[i].uri, st, err);
        sr__route_req_free(&r);
    }
    /* 65 avoided countries: over SR_MAX_AVOID. */
    char uri[1024] = "/v1/route?from=a&to=b&avoid_countries=";
    for (int i = 0; i <= SR_MAX_AVOID; i++)
        snprintf(uri + strlen(uri), sizeof uri - strlen(uri), "%c%c,", 'A' + i % 26, 'A' + i / 26);
    sr__route_req r;
    char err[SR__ERRLEN];
    assert_int_equal(route_q(uri, &r, err), 400);
    assert_non_null(strstr(err, "avoid_countries"));
    sr__route_req_free(&r);
}

static int route_j(const char *body, sr__route_req *r, char *err)
{
    return sr__route_from_json(body, strlen(body), r, err, SR__ERRLEN);
}

static void test_route_json(void **state)
{
    (void)state;
    sr__route_req r;
    char err[SR__ERRLEN] = "";
    assert_int_equal(route_j("{\"from\":\"\\u897f\\u5b89\",\"to\":\"Almaty\",\"pareto\":true,\"modes\":[\"rail\",\"road\"],"
                             "\"year\":2030,\"avoid_countries\":[\"RU\"],\"cargo\":\"t\",\"max_transfers\":3,\"by\":null}",
                             &r, err),
                     0);
    assert_string_equal(r.opts.from, "西安");
    assert_true(r.opts.pareto);
    assert_int_equal(r.opts.modes, SR_MODE_BIT(SR_RAIL) | SR_MODE_BIT(SR_ROAD));
    assert_int_equal(r.opts.year, 2030);
    assert_string_equal(r.opts.avoid_countries[0], "RU");
    assert_int_equal(r.opts.unit, SR_UNIT_T);
    assert_int_equal(r.opts.max_transfers, 3);
    sr__route_req_free(&r);

    static const struct {
        const char *body;
        int status;
        const char *msg;
    } bad[] = {
        {"", 400, "JSON"},
        {"{\"from\":\"a\",", 400, "JSON"},
        {"[1,2]", 400, "object"},
        {"{\"from\":\"a\",\"to\":\"b\",\"from\":\"c\"}", 400, "JSON"},
        {"{\"from\":\"a\",\"to\":\"b\",\"speed\":1}", 400, "'speed'"},
        {"{\"from\":\"a\",\"to\":\"b\",\"year\":\"soon\"}", 400, "'year'"},
        {"{\"from\":\"a\",\"to\":\"b\",\"year\":2030.5}", 400, "'year'"},
        {"{\"from\":\"a\",\"to\":\"b\",\"modes\":[]}", 400, "'modes'"},
        {"{\"from\":\"a\",\"to\":\"b\",\"modes\":[1]}", 400, "'modes'"},
        {"{\"from\":\"a\",\"to\":\"b\",\"avoid\":[\"x,y\"]}", 400, "'avoid'"},
        {"{\"from\":\"a\",\"to\":\"b\",\"pareto\":{}}", 400, "'pareto'"},
        {"{\"from\":\"a\\u0000b\",\"to\":\"b\"}", 400, "'from'"},
        /* A number is accepted as the place named "1", as in a query string. */
        {"{\"from\":1,\"to\":\"b\"}", 0, ""},
        {"{\"to\":\"b\"}", 400, "'from'"},
        {"{\"from\":\"\xff\",\"to\":\"b\"}", 400, "UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        int st = route_j(bad[i].body, &r, err);
        if (st != bad[i].status || !strstr(err, bad[i].msg))
            fail_msg("%s: got %d '%s'", bad[i].body, st, err);
        sr__route_req_free(&r);
    }
}

static void test_utf8_and_status(void **state)
{
    (void)state;
    assert_true(sr__utf8_valid("Сиань 西安 🚂", strlen("Сиань 西安 🚂")));
    assert_false(sr__utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(sr__utf8_valid("\xE0\x80\xAF", 3));     /* overlong */
    assert_false(sr__utf8_valid("\xC3", 1));             /* truncated */
    assert_int_equal(sr__http_status(SR_OK), 200);
    assert_int_equal(sr__http_status(SR_EARG), 400);
    assert_int_equal(sr__http_status(SR_EPLACE), 404);
    assert_int_equal(sr__http_status(SR_ENOROUTE), 422);
    assert_int_equal(sr__http_status(SR_ELIMIT), 422);
    assert_int_equal(sr__http_status(SR_EINTERNAL), 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_ok),        cmocka_unit_test(test_target_bad),
        cmocka_unit_test(test_target_limits),    cmocka_unit_test(test_route_params_ok),
        cmocka_unit_test(test_route_params_bad), cmocka_unit_test(test_route_json),
        cmocka_unit_test(test_utf8_and_status),
    };
    return cmocka_run_group_tests_name("server_request", tests, NULL, NULL);
}
