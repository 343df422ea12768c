/*
 * test_json.c - the streaming JSON writer of routes, route GeoJSON and
 * errors (src/lib/core/json.c) against jansson: every document must parse, and
 * jansson re-encoding it with the contract's settings (reals "%.12g",
 * compact or indent 2) must give back the very same bytes.  That pins the
 * fast writer to the format the contract was first published in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "silkroute.h"

static void same_as_jansson(const char *doc, unsigned flags)
{
    assert_non_null(doc);
    json_error_t e;
    json_t *j = json_loads(doc, 0, &e);
    if (!j)
        fail_msg("invalid JSON at %d:%d: %s\n%.200s", e.line, e.column, e.text, doc);
    size_t f = JSON_REAL_PRECISION(12) | ((flags & SR_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT);
    char *again = json_dumps(j, f);
    json_decref(j);
    if (strcmp(doc, again)) {
        size_t i = 0;
        while (doc[i] && doc[i] == again[i])
            i++;
        fail_msg("differs at byte %zu:\n ours:    %.80s\n jansson: %.80s", i, doc + i, again + i);
    }
    free(again);
}

static void routes_on(const char *dir, int stride)
{
    sr_network *net = NULL;
    sr_query *q = NULL;
    assert_int_equal(sr_network_open(dir, &net), SR_OK);
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    size_t n = sr_network_place_count(net), done = 0;
    static const double qty[] = {1, 0.37, 12345.678, 999999999};
    for (size_t a = 0; a < n; a += (size_t)stride)
        for (size_t b = 0; b < n; b += (size_t)stride) {
            if (a == b)
                continue;
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = sr_network_place(net, a)->id;
            o.to = sr_network_place(net, b)->id;
            o.pareto = (a + b) % 3 == 0;
            o.unit = (sr_unit)((a + b) % 3);
            o.quantity = qty[(a * 7 + b) % 4];
            sr_result *r = NULL;
            if (sr_route_query(q, &o, &r) != SR_OK)
                continue;
            for (unsigned flags = 0; flags <= SR_JSON_PRETTY; flags++) {
                char *s = sr_result_json(net, r, flags);
                same_as_jansson(s, flags);
                sr_free(s);
                s = sr_result_geojson(net, r, flags);
                same_as_jansson(s, flags);
                sr_free(s);
            }
            sr_result_free(r);
            done++;
        }
    assert_true(done > 0);
    sr_query_destroy(q);
    sr_network_close(net);
}

static void routes_mini(void **st)
{
    (void)st;
    routes_on("tests/data/mini", 1);
}

static void routes_default(void **st)
{
    (void)st;
    routes_on("data", 13);
}

static void errors(void **st)
{
    (void)st;
    static const char *const msgs[] = {"", "plain", "quote \" backslash \\ slash /", "nl\n cr\r tab\t bs\b ff\f",
                                       "ctl \x01\x1f del \x7f", "ü 西安 Сиань", "\xff\xfe not utf-8"};
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
        for (unsigned flags = 0; flags <= SR_JSON_PRETTY; flags++) {
            char *s = sr_error_json(SR_EARG, msgs[i], flags);
            same_as_jansson(s, flags);
            sr_free(s);
        }
    char *s = sr_error_json(SR_ENOROUTE, "\xff", 0);
    assert_string_equal(s, "{\"code\":\"NoRoute\",\"message\":\"no route satisfies the query\"}");
    sr_free(s);
    s = sr_error_json(SR_EPLACE, NULL, 0);
    assert_string_equal(s, "{\"code\":\"UnknownPlace\",\"message\":\"\"}");
    sr_free(s);
}

/* The string writer scans eight bytes at a time: every byte that needs an
 * escape, at every position of strings of up to 24 bytes, must come out
 * as jansson writes it. */
static void escapes_at_every_position(void **st)
{
    (void)st;
    static const char special[] = {'"', '\\', '\n', '\x01', '\x1f', '\t', 0x7f, '/', ' '};
    char msg[32];
    for (size_t len = 1; len <= 24; len++)
        for (size_t pos = 0; pos < len; pos++)
            for (size_t k = 0; k < sizeof special; k++) {
                memset(msg, 'a' + (int)(len % 26), len);
                msg[pos] = special[k];
                msg[len] = 0;
                char *s = sr_error_json(SR_EARG, msg, 0);
                same_as_jansson(s, 0);
                sr_free(s);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(routes_mini),
        cmocka_unit_test(routes_default),
        cmocka_unit_test(errors),
        cmocka_unit_test(escapes_at_every_position),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
