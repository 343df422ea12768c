/*
 * test_analysis_cli.c - the analysis commands as a user meets them:
 * `silkroute reach`, `matrix`, and the --geojson/--csv exports and readable
 * tables of `assign`, `compare` and `critical` (thousands separators, units,
 * never an exponent, ids in full).  Runs build/silkroute next to this
 * binary on the default dataset (skipped when data/ cannot be opened).
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "silkroute.h"
#include "util.h"

static const char *argv0;
static char out[1 << 20];

static int run(const char *args, int status)
{
    int rc = tu_cli(argv0, args, out, sizeof out);
    if (rc != status)
        fail_msg("silkroute %s: exit %d (want %d), output:\n%.4000s", args, rc, status, out);
    return rc;
}

static void expect(const char *args, int status, const char *needle)
{
    run(args, status);
    if (needle && !strstr(out, needle))
        fail_msg("silkroute %s: output lacks '%s':\n%.4000s", args, needle, out);
}

/* Exponents such as "4.7e+09" must not appear in a table; the relative
 * gap of a solve (1e-8 and below) is the one figure meant to be read so. */
static void no_exponent(const char *args)
{
    for (const char *p = out; (p = strstr(p, "e+")) != NULL; p++) {
        const char *bol = p;
        while (bol > out && bol[-1] != '\n')
            bol--;
        if (!strncmp(bol, "relative gap", 12))
            continue;
        if (p > out && p[-1] >= '0' && p[-1] <= '9')
            fail_msg("silkroute %s: exponent in the table:\n%.4000s", args, out);
    }
}

static int have_default(void)
{
    sr_network *net = NULL;
    int ok = sr_network_open("data", &net) == SR_OK;
    sr_network_close(net);
    if (!ok)
        print_message("    data/ not loadable: skipped\n");
    return ok;
}

static json_t *parse_out(void)
{
    json_error_t e;
    json_t *j = json_loads(out, 0, &e);
    if (!j)
        fail_msg("not JSON (%s at %d): %.2000s", e.text, e.line, out);
    return j;
}

static void reach_cli(void **st)
{
    (void)st;
    if (!have_default())
        skip();
    expect("reach \"Xi'an\" --within 7d --modes rail", 0, "KZALA");
    expect("reach \"Xi'an\" --within 7d --modes rail", 0, "within 168.0 h by time, 7 bands");
    expect("reach --at 34.26,108.94 --within 2d", 0, "Xi'an (CNXIY)");
    run("reach CNXIY --within 3000 --by cost --json", 0);
    json_t *j = parse_out();
    assert_string_equal(json_string_value(json_object_get(j, "unit")), "USD");
    assert_true(json_array_size(json_object_get(j, "places")) > 1);
    json_decref(j);
    run("reach CNXIY --within 3d --geojson", 0);
    j = parse_out();
    assert_string_equal(json_string_value(json_object_get(j, "type")), "FeatureCollection");
    json_decref(j);
    expect("reach CNXIY --within 2d --csv", 0, "place,name,country,value,band,");
    /* Errors name the option and give exit status 2. */
    expect("reach CNXIY", 2, "--within");
    expect("reach CNXIY --within soon", 2, "--within: 'soon'");
    expect("reach Nowhereville --within 2d", 2, "unknown place");
    expect("reach --at 95,0 --within 2d", 2, "--at");
    expect("reach CNXIY --within 2d --weights 1,1,1", 2, "--weights");
    expect("reach CNXIY --within 2d --bands 0", 2, "--bands");
    expect("reach CNXIY KZALA --within 2d", 2, "unexpected argument");
}

static void matrix_cli(void **st)
{
    (void)st;
    if (!have_default())
        skip();
    expect("matrix --from CNXIY,CNCKG --to KZALA,DEDUI", 0, "CNCKG  DEDUI");
    run("matrix --from CNXIY,CNCKG --to KZALA,DEDUI,CNXIY --csv", 0);
    size_t lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + 2 * 3);
    run("matrix --from all --to KZALA --json", 0);
    json_t *j = parse_out();
    assert_true(json_array_size(json_object_get(j, "duration_h")) > 100);
    json_decref(j);
    expect("matrix", 2, "--from");
    expect("matrix --from CNXIY,Nowhereville", 2, "sources[1]: unknown place");
    expect("matrix --from CNXIY --json --csv", 2, "exclude");
}

static void exports_and_tables(void **st)
{
    (void)st;
    if (!have_default())
        skip();
    run("assign", 0);
    no_exponent("assign");
    assert_non_null(strstr(out, "USD/year"));
    assert_non_null(strstr(out, "X-KUNOWICE-FRANKFURTODER-RAIL")); /* 29 characters, once cut at 22 */
    run("compare data/scenarios/cku-2030.scn", 0);
    no_exponent("compare");
    assert_non_null(strstr(out, "change TEU"));
    assert_non_null(strstr(out, "X-KUNOWICE-FRANKFURTODER-RAIL"));
    run("compare data/scenarios/cku-2030.scn --geojson", 0);
    json_t *j = parse_out();
    json_t *f = json_object_get(j, "features");
    assert_true(json_array_size(f) > 10);
    int gained = 0, lost = 0;
    for (size_t i = 0; i < json_array_size(f); i++) {
        double c = json_number_value(json_object_get(json_object_get(json_array_get(f, i), "properties"), "change_teu"));
        gained += c > 0;
        lost += c < 0;
    }
    assert_true(gained > 0 && lost > 0); /* the CKU railway draws flow from other corridors */
    json_decref(j);
    expect("compare data/scenarios/cku-2030.scn --csv", 0, "kind,id,name,base_teu,scenario_teu,change_teu\n");
    expect("compare data/scenarios/cku-2030.scn --csv --geojson", 2, "exclude");
    run("critical --top 5", 0);
    no_exponent("critical");
    /* --only keeps the exports cheap: three re-assignments, not ninety. */
    expect("critical --top 3 --only R-WUWEI-JIAYUGU,R-HAMI-TURPAN,X-ALASHANKOU-DOSTYK-RAIL --csv", 0,
           "rank,kind,id,base_flow_teu,delta_generalized_cost_h,delta_cost_usd");
    run("critical --top 3 --only R-WUWEI-JIAYUGU,R-HAMI-TURPAN,X-ALASHANKOU-DOSTYK-RAIL --geojson", 0);
    j = parse_out();
    assert_int_equal(json_array_size(json_object_get(j, "features")), 3);
    json_decref(j);
}

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reach_cli),
        cmocka_unit_test(matrix_cli),
        cmocka_unit_test(exports_and_tables),
    };
    return cmocka_run_group_tests_name("analysis_cli", tests, NULL, NULL);
}
