/*
 * test_diagnose.c - a no-route answer names the constraint that blocks
 * (sr_query_blocked() and the message), found by re-running the query with
 * each constraint lifted.  Cases on the built-in data, each checked by hand
 * against the network: the CKU railway (planned, 2030) is the only rail
 * line from Kashgar to the Fergana valley that avoids Kazakhstan; Karasu-
 * Kulma (China-Tajikistan) is closed from December to April.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "silkroute.h"

static sr_network *net;
static sr_query *q;

static int setup(void **st)
{
    (void)st;
    if (sr_network_open("data", &net) != SR_OK)
        return -1;
    return sr_query_create(net, &q) == SR_OK ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    sr_query_destroy(q);
    sr_network_close(net);
    return 0;
}

static unsigned blocked(sr_route_options *o)
{
    sr_result *r = NULL;
    sr_code c = sr_route_query(q, o, &r);
    sr_result_free(r);
    if (c == SR_OK)
        return 0;
    assert_int_equal(c, SR_ENOROUTE);
    assert_non_null(strstr(sr_query_errmsg(q), "blocked by: "));
    return sr_query_blocked(q);
}

static void opts(sr_route_options *o, const char *from, const char *to)
{
    sr_route_options_init(o);
    o->from = from;
    o->to = to;
}

static void test_modes_and_transfers(void **st)
{
    (void)st;
    sr_route_options o;
    opts(&o, "Xi'an", "Almaty");
    o.modes = SR_MODE_BIT(SR_AIR);
    o.unit = SR_UNIT_40FT;                /* air carries no containers */
    unsigned m = blocked(&o);
    assert_true(m & SR_BLOCK_MODES);
    assert_non_null(strstr(sr_query_errmsg(q), "mode restriction"));
    opts(&o, "Xi'an", "Almaty");
    o.modes = SR_MODE_BIT(SR_RAIL);
    o.max_transfers = 0;                  /* the gauge change is a transfer */
    m = blocked(&o);
    assert_true(m & SR_BLOCK_TRANSFERS);
    assert_false(m & (SR_BLOCK_YEAR | SR_BLOCK_UNCONNECTED));
}

static void test_year_names_the_line(void **st)
{
    (void)st;
    sr_route_options o;
    opts(&o, "Kashgar", "Andijan");
    o.modes = SR_MODE_BIT(SR_RAIL);
    o.n_avoid_countries = 1;
    o.avoid_countries[0] = "KZ";
    unsigned m = blocked(&o);
    assert_true(m & SR_BLOCK_YEAR);
    assert_true(m & SR_BLOCK_COUNTRIES);
    assert_non_null(strstr(sr_query_errmsg(q), "--year 2030"));
    o.year = 2031;
    assert_int_equal(blocked(&o), 0);     /* and with the year, a route */
}

static void test_closed_season(void **st)
{
    (void)st;
    sr_route_options o;
    opts(&o, "Kashgar", "Dushanbe");
    /* With Kyrgyzstan, Uzbekistan and Afghanistan avoided the only way in
     * is the Kulma pass, closed in January (the Afghan corridor through
     * Turkmenistan or Iran to Panji Poyon is open all year). */
    o.n_avoid_countries = 3;
    o.avoid_countries[0] = "KG";
    o.avoid_countries[1] = "UZ";
    o.avoid_countries[2] = "AF";
    char err[200];
    assert_int_equal(sr_route_options_set_times(net, &o, "2026-01-15T08:00", NULL, NULL, err, sizeof err), SR_OK);
    unsigned m = blocked(&o);
    assert_true(m & SR_BLOCK_TIMING);
    assert_non_null(strstr(sr_query_errmsg(q), "Karasu"));
    assert_int_equal(sr_route_options_set_times(net, &o, "2026-06-15T08:00", NULL, NULL, err, sizeof err), SR_OK);
    assert_int_equal(blocked(&o), 0);
}

static void test_success_clears(void **st)
{
    (void)st;
    sr_route_options o;
    opts(&o, "Xi'an", "Almaty");
    assert_int_equal(blocked(&o), 0);
    assert_int_equal(sr_query_blocked(q), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modes_and_transfers),
        cmocka_unit_test(test_year_names_the_line),
        cmocka_unit_test(test_closed_season),
        cmocka_unit_test(test_success_clears),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
