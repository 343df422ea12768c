/*
 * test_synthetic.c - the benchmark generator (bench/gen_synthetic.py) at
 * sizes past its old limit, and the fast Pareto search against the
 * reference search on its grids, which are far larger than the random
 * networks the brute force can check (test_route_diff.c).
 *
 * Why: benchmarks of the router and the loader scale the generator's
 * grid; above 171 x 100 places it once wrote longitudes past 180 degrees
 * and repeated place ids, so the loader refused the dataset.  A grid of
 * 200 x 120 must pass check-data with no error and no warning.  The
 * Pareto comparison repeats the differential test on grids of 160 and
 * 1,120 places, where fronts of tens of labels per state exercise the
 * fast search's fronts and bounds.  Needs python3; skips with a message
 * without it.  No timings are asserted (performance: make bench).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "network/network.h"
#include "route/route.h"
#include "silkroute.h"
#include "util.h"
#include "util_randnet.h"

static int have_python(void) { return system("command -v python3 >/dev/null 2>&1") == 0; }

/* Generate a W x H grid into dir/name; 0 on success. */
static int generate(const char *dir, const char *name, int w, int h)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 bench/gen_synthetic.py %s/%s %d %d >/dev/null", dir, name, w, h);
    return system(cmd);
}

static void count_report(void *ctx, int is_error, const char *line)
{
    long *n = ctx;
    n[is_error ? 0 : 1]++;
    if (n[0] + n[1] <= 5)
        print_message("    %s: %s\n", is_error ? "error" : "warning", line);
}

static void test_large_grid_checks(void **state)
{
    (void)state;
    if (!have_python()) {
        print_message("    python3 not found: skipped\n");
        skip();
    }
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    assert_int_equal(generate(dir, "big", 200, 120), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/big", dir);
    long n[2] = {0, 0};
    sr_code first = SR_OK;
    long errors = sr_check_data_code(path, count_report, n, &first);
    assert_int_equal(errors, 0);
    assert_int_equal(n[0], 0);
    assert_int_equal(n[1], 0);
    assert_int_equal(first, SR_OK);
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(path, &net), SR_OK);
    assert_int_equal(sr_network_place_count(net), 200 * 120);
    /* Every id resolves to its own place (no repeats), coordinates stay
     * on the globe. */
    for (size_t i = 0; i < sr_network_place_count(net); i++) {
        const sr_place *p = sr_network_place(net, i);
        size_t idx = SIZE_MAX;
        assert_int_equal(sr_place_find(net, p->id, &idx), SR_OK);
        assert_int_equal(idx, i);
        assert_true(p->lon >= -180 && p->lon <= 180 && p->lat >= -90 && p->lat <= 90);
    }
    sr_network_close(net);
    tu_rmdir(dir);
}

/* Fast against reference on n sampled pairs of the grid; every 4th query
 * with a transfer limit, every 3rd in 20ft units. */
static void compare_on_grid(int w, int h, int pairs)
{
    if (!have_python()) {
        print_message("    python3 not found: skipped\n");
        skip();
    }
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    assert_int_equal(generate(dir, "g", w, h), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/g", dir);
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(path, &net), SR_OK);
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    size_t np = sr_network_place_count(net);
    uint64_t rng = 0x5151u + (uint64_t)w;
    long options = 0, noroute = 0;
    for (int k = 0; k < pairs; k++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        size_t a = (size_t)(rng >> 33) % np;
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        size_t b = (size_t)(rng >> 33) % np;
        if (a == b)
            continue;
        sr_route_options o;
        sr_route_options_init(&o);
        o.from = sr_network_place(net, a)->id;
        o.to = sr_network_place(net, b)->id;
        o.pareto = 1;
        if (k % 4 == 3)
            o.max_transfers = k % 3;
        if (k % 3 == 2)
            o.unit = SR_UNIT_20FT;
        sr_result *fast = NULL, *ref = NULL;
        sr__pareto_reference = 0;
        sr_code rf = sr_route_query(q, &o, &fast);
        sr__pareto_reference = 1;
        sr_code rr = sr_route_query(q, &o, &ref);
        sr__pareto_reference = 0;
        if (rf != rr)
            fail_msg("%s -> %s: fast %s, reference %s", o.from, o.to, sr_code_name(rf), sr_code_name(rr));
        if (rf != SR_OK) {
            noroute++;
            continue;
        }
        size_t n = sr_result_count(fast);
        int bad = n != sr_result_count(ref);
        for (size_t i = 0; i < n && !bad; i++) {
            const sr_route *x = sr_result_route(fast, i);
            int hit = 0;
            for (size_t j = 0; j < n && !hit; j++) {
                const sr_route *y = sr_result_route(ref, j);
                hit = rn_vec_close((rn_vec){x->duration_h, x->cost_usd, x->co2e_kg},
                                   (rn_vec){y->duration_h, y->cost_usd, y->co2e_kg}, 1e-6);
            }
            bad = !hit;
        }
        if (bad)
            fail_msg("%s -> %s: fast and reference Pareto sets differ (%zu and %zu options)", o.from, o.to, n,
                     sr_result_count(ref));
        options += (long)n;
        sr_result_free(fast);
        sr_result_free(ref);
    }
    print_message("    %dx%d grid: %d pairs, %ld without route or over a limit, %.2f options per pair\n", w, h, pairs,
                  noroute, pairs > noroute ? (double)options / (double)(pairs - noroute) : 0);
    sr_query_destroy(q);
    sr_network_close(net);
    tu_rmdir(dir);
}

static void test_pareto_fast_vs_reference_16x10(void **state)
{
    (void)state;
    compare_on_grid(16, 10, 400);
}

static void test_pareto_fast_vs_reference_40x28(void **state)
{
    (void)state;
    compare_on_grid(40, 28, 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_grid_checks),
        cmocka_unit_test(test_pareto_fast_vs_reference_16x10),
        cmocka_unit_test(test_pareto_fast_vs_reference_40x28),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
