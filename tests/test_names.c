/*
 * test_names.c - name normalisation, lookup in any language, ranked search
 * and suggestions for unknown names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "network.h"

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

static void edit_distance(void **st)
{
    (void)st;
    assert_int_equal(sr__edit_distance("almaty", "almaty", 3), 0);
    assert_int_equal(sr__edit_distance("almaty", "almati", 3), 1);
    assert_int_equal(sr__edit_distance("kitten", "sitting", 3), 3);
    assert_int_equal(sr__edit_distance("a", "abcdefgh", 3), 4); /* capped at max+1 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalize),
        cmocka_unit_test(find_any_language),
        cmocka_unit_test(search_and_suggest),
        cmocka_unit_test(edit_distance),
    };
    return cmocka_run_group_tests_name("names", tests, setup, teardown);
}
