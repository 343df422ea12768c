/*
 * test_names.c - name normalisation, lookup in any language, ranked search
 * and suggestions for unknown names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "network/network.h"

static sr_network *net;

static int setup(void **st)
{
    (void)st;
    return sr_network_open("tests/data/mini", &net) == SR_OK ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    sr_network_close(net);
    return 0;
}

static void normalize(void **st)
{
    (void)st;
    char out[256];
    assert_int_equal(sr__normalize("Xi'an", out, sizeof out), 4);
    assert_string_equal(out, "xian");
    sr__normalize("XI AN", out, sizeof out);
    assert_string_equal(out, "xian");
    sr__normalize("Małaszewicze", out, sizeof out);
    assert_string_equal(out, "małaszewicze"); /* ł has no decomposition: kept */
    sr__normalize("Türkmenbaşy", out, sizeof out);
    assert_string_equal(out, "turkmenbasy");
    sr__normalize("Сиань", out, sizeof out);
    assert_string_equal(out, "сиань");
    sr__normalize("Ёлки", out, sizeof out);
    assert_string_equal(out, "елки");
    sr__normalize("西安", out, sizeof out);
    assert_string_equal(out, "西安");
    assert_int_equal(sr__normalize("\xff\xfe", out, sizeof out), -1); /* invalid UTF-8 */
    assert_int_equal(sr__normalize("abcdef", out, 3), -1);            /* too small */
}

static void find_any_language(void **st)
{
    (void)st;
    static const char *const names[] = {"AAORI", "Origin City", "origin city", "ORIGIN-CITY", "origincity",
                                        "Orig", "startville", "起点", "Ориджин", "ОРИДЖИН", "aaori"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t idx = 99;
        if (sr_place_find(net, names[i], &idx) != SR_OK)
            fail_msg("'%s' not found", names[i]);
        assert_string_equal(sr_network_place(net, idx)->id, "AAORI");
    }
    size_t idx;
    assert_int_equal(sr_place_find(net, "Origin Citty", &idx), SR_EPLACE);
    assert_int_equal(sr_place_find(net, "", &idx), SR_EPLACE);
    assert_int_equal(sr_place_find(net, "'''", &idx), SR_EPLACE);
    assert_int_equal(sr_place_find(net, "\xff", &idx), SR_EPLACE);
    assert_int_equal(sr_place_find(net, NULL, &idx), SR_EARG);
}

static void search_and_suggest(void **st)
{
    (void)st;
    size_t out[10];
    size_t n = sr_place_search(net, "dest", out, 10);
    assert_true(n >= 1);
    assert_string_equal(sr_network_place(net, out[0])->id, "BBDST");
    n = sr_place_search(net, "port", out, 10);
    assert_true(n >= 2);
    n = sr_place_search(net, "", out, 3);
    assert_int_equal(n, 3);
    n = sr_place_search(net, "qqqqqqqqqq", out, 10);
    assert_int_equal(n, 0);
    char sug[256];
    sr__suggest(net, "Origin Citty", sug, sizeof sug);
    assert_non_null(strstr(sug, "Origin City (AAORI)"));
    sr__suggest(net, "Destinaton", sug, sizeof sug);
    assert_non_null(strstr(sug, "Destination (BBDST)"));
}

/* Far-off guesses are not suggestions: "Paris" is no misspelling of
 * anything in the mini network, and the message says what to do instead. */
static void no_wild_guesses(void **st)
{
    (void)st;
    char sug[256], msg[800];
    sr__suggest(net, "Paris", sug, sizeof sug);
    assert_string_equal(sug, "");
    sr__unknown_place_msg(net, "from", "Paris", msg, sizeof msg);
    assert_non_null(strstr(msg, "no place of that name"));
    sr__unknown_place_msg(net, "to", "Destinaton", msg, sizeof msg);
    assert_non_null(strstr(msg, "did you mean: Destination (BBDST)"));
}

/* Coordinates "LAT,LON" wherever a place is: snapped to the nearest place
 * within SR_SNAP_MAX_KM, with the distance; beyond it, an error that says
 * how far the network is. */
static void coordinates(void **st)
{
    (void)st;
    size_t i;
    double km = -1;
    assert_int_equal(sr_place_resolve(net, "40.0,102.0", &i, &km), SR_OK);
    assert_string_equal(sr_network_place(net, i)->id, "BBDST");
    assert_true(km < 0.001);
    assert_int_equal(sr_place_resolve(net, "40.3,100.1", &i, &km), SR_OK);
    assert_string_equal(sr_network_place(net, i)->id, "AAAIR");
    assert_true(km > 20 && km < 30);                     /* 0.2 deg of latitude, about 22 km */
    assert_int_equal(sr_place_find(net, "-39.99,100.0", &i), SR_EPLACE); /* the other hemisphere */
    assert_int_equal(sr_place_resolve(net, "Origin City", &i, &km), SR_OK);
    assert_true(km == 0);
    assert_int_equal(sr_place_nearest(net, 48.85, 2.35, &i, &km), SR_OK);
    assert_true(km > 5000);
    char msg[800];
    sr__unknown_place_msg(net, "from", "48.85,2.35", msg, sizeof msg);
    assert_non_null(strstr(msg, "the network does not reach there"));
    /* Strict form: no spaces, exponents, out-of-range values or names. */
    double lat, lon;
    assert_int_equal(sr__parse_latlon("43.25,76.95", &lat, &lon), 0);
    assert_true(lat == 43.25 && lon == 76.95);
    assert_int_equal(sr__parse_latlon("-12,+130.5", &lat, &lon), 0);
    const char *bad[] = {"43.25, 76.95", "1e1,2", "43.25", ",", "a,b", "1..2,3", "1,2,3", ""};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        assert_int_equal(sr__parse_latlon(bad[k], &lat, &lon), -1);
    /* Of the shape, but off the globe: told apart (sr_coord_parse() says
     * SR_EARG for these, SR_EPLACE for the others). */
    assert_int_equal(sr__parse_latlon("91,0", &lat, &lon), -2);
    assert_int_equal(sr__parse_latlon("0,181", &lat, &lon), -2);
    assert_int_equal(sr_coord_parse("91,0", &lat, &lon), SR_EARG);
    assert_int_equal(sr_coord_parse("a,b", &lat, &lon), SR_EPLACE);
    assert_int_equal(sr_place_nearest(net, 100, 0, &i, &km), SR_EARG);
}

static void edit_distance(void **st)
{
    (void)st;
    assert_int_equal(sr__edit_distance("almaty", "almaty", 3), 0);
    assert_int_equal(sr__edit_distance("almaty", "almati", 3), 1);
    assert_int_equal(sr__edit_distance("kitten", "sitting", 3), 3);
    assert_int_equal(sr__edit_distance("a", "abcdefgh", 3), 4); /* capped at max+1 */
}

/* The plain normalisation, through utf8proc for every string: the
 * reference for sr__normalize()'s ASCII fast path. */
static int ref_normalize(const char *in, char *out, size_t cap)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)strlen(in), &m,
                                      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                                          UTF8PROC_STRIPMARK);
    if (n < 0)
        return -1;
    size_t o = 0;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(m + i, n - i, &cp);
        if (k <= 0)
            break;
        utf8proc_category_t c = utf8proc_category(cp);
        if (((c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
             (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO)) &&
            o + (size_t)k < cap) {
            memcpy(out + o, m + i, (size_t)k);
            o += (size_t)k;
        }
        i += k;
    }
    free(m);
    out[o] = 0;
    return (int)o;
}

/* Differential: every ASCII byte alone, and random ASCII strings, give the
 * same key through the fast path as through utf8proc. */
static void normalize_ascii_fast_path(void **st)
{
    (void)st;
    char in[64], a[256], b[256];
    for (int c = 1; c < 128; c++) {
        in[0] = (char)c;
        in[1] = 0;
        assert_int_equal(sr__normalize(in, a, sizeof a), ref_normalize(in, b, sizeof b));
        assert_string_equal(a, b);
    }
    unsigned seed = 16;
    for (int t = 0; t < 20000; t++) {
        size_t n = (size_t)(rand_r(&seed) % 40);
        for (size_t i = 0; i < n; i++)
            in[i] = (char)(1 + rand_r(&seed) % 127);
        in[n] = 0;
        assert_int_equal(sr__normalize(in, a, sizeof a), ref_normalize(in, b, sizeof b));
        assert_string_equal(a, b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalize),
        cmocka_unit_test(normalize_ascii_fast_path),
        cmocka_unit_test(find_any_language),
        cmocka_unit_test(search_and_suggest),
        cmocka_unit_test(edit_distance),
        cmocka_unit_test(no_wild_guesses),
        cmocka_unit_test(coordinates),
    };
    return cmocka_run_group_tests_name("names", tests, setup, teardown);
}
