/*
 * test_export.c - route exports: the CSV (read back with the library's own
 * strict RFC 4180 reader: one row per leg with every column, quoting that
 * survives names with commas, sums equal to the legs) and the XLSX workbook
 * (a zip with three sheets; a bad path is an I/O error that leaves nothing
 * behind).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "silkroute.h"

static sr_network *net;

static int setup(void **st)
{
    (void)st;
    return sr_network_open("data", &net) == SR_OK ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    sr_network_close(net);
    return 0;
}

static sr_result *pareto(const char *from, const char *to)
{
    sr_query *q;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = from;
    o.to = to;
    o.pareto = 1;
    sr_result *r = NULL;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    sr_query_destroy(q);
    return r;
}

static void test_csv(void **st)
{
    (void)st;
    sr_result *r = pareto("Chongqing", "Duisburg");
    char *s = sr_result_csv(net, r, 0);
    assert_non_null(s);
    sr__csv c;
    assert_int_equal(sr__csv_open_buf(&c, s, strlen(s), "export.csv"), 0);
    assert_int_equal(c.nh, 21);
    int co = sr__csv_col(&c, "option"), cl = sr__csv_col(&c, "leg"), ck = sr__csv_col(&c, "distance_km"),
        cc = sr__csv_col(&c, "cost_usd"), cf = sr__csv_col(&c, "from");
    assert_true(co >= 0 && cl >= 0 && ck >= 0 && cc >= 0 && cf >= 0);
    size_t rows = 0, legs = 0;
    double km[64] = {0};
    for (size_t i = 0; i < sr_result_count(r); i++)
        legs += sr_result_route(r, i)->n_legs;
    int got;
    while ((got = sr__csv_next(&c)) == 1) {
        assert_int_equal(c.nf, 21);
        int opt = atoi(sr__csv_get(&c, co));
        assert_true(opt >= 1 && (size_t)opt <= sr_result_count(r) && opt < 64);
        const sr_route *rt = sr_result_route(r, (size_t)opt - 1);
        size_t leg = (size_t)atoi(sr__csv_get(&c, cl));
        assert_true(leg >= 1 && leg <= rt->n_legs);
        assert_string_equal(sr__csv_get(&c, cf), sr_network_place(net, rt->legs[leg - 1].from)->id);
        km[opt] += atof(sr__csv_get(&c, ck));
        rows++;
    }
    assert_int_equal(got, 0);
    assert_int_equal(rows, legs);
    for (size_t i = 0; i < sr_result_count(r) && i < 63; i++)
        assert_true(fabs(km[i + 1] - sr_result_route(r, i)->distance_km) < 0.05 * (double)sr_result_route(r, i)->n_legs);
    sr__csv_close(&c);
    sr_free(s);
    sr_result_free(r);
}

static void test_xlsx(void **st)
{
    (void)st;
    sr_result *r = pareto("Xi'an", "Tashkent");
    char path[] = "/tmp/silkroute-export-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(sr_result_xlsx(net, r, path), SR_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(n > 4000);
    assert_memory_equal(buf, "PK\x03\x04", 4);
    /* The zip's directory names the three sheets uncompressed. */
    const char *need[] = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"};
    for (size_t k = 0; k < 3; k++)
        assert_non_null(memmem(buf, n, need[k], strlen(need[k])));
    unlink(path);
    assert_int_equal(sr_result_xlsx(net, r, "/nonexistent-dir/x.xlsx"), SR_EIO);
    assert_int_equal(access("/nonexistent-dir/x.xlsx", F_OK), -1);
    assert_int_equal(sr_result_xlsx(net, r, ""), SR_EARG);
    sr_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_xlsx),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
