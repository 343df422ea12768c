/*
 * test_export.c - route exports: the CSV (read back with the library's own
 * strict RFC 4180 reader: one row per leg with every column, quoting that
 * survives names with commas, sums equal to the legs, the documents and
 * customs events on their legs) and the XLSX workbook (a zip with four
 * sheets, the Documents sheet listing the events; a bad path is an I/O
 * error that leaves nothing behind).
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

#include <zlib.h>

#include "core/csv.h"
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

static sr_result *query(const char *from, const char *to, int pareto_set, int note)
{
    sr_query *q;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = from;
    o.to = to;
    o.pareto = pareto_set;
    o.consignment_note = note;
    if (!pareto_set)
        o.modes = SR_MODE_BIT(SR_RAIL);
    sr_result *r = NULL;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    sr_query_destroy(q);
    return r;
}

static sr_result *pareto(const char *from, const char *to) { return query(from, to, 1, SR_NOTE_CIM_SMGS); }

static void test_csv(void **st)
{
    (void)st;
    sr_result *r = pareto("Chongqing", "Duisburg");
    char *s = sr_result_csv(net, r, 0);
    assert_non_null(s);
    sr__csv c;
    assert_int_equal(sr__csv_open_buf(&c, s, strlen(s), "export.csv"), 0);
    assert_int_equal(c.nh, 24);
    int co = sr__csv_col(&c, "option"), cl = sr__csv_col(&c, "leg"), ck = sr__csv_col(&c, "distance_km"),
        cc = sr__csv_col(&c, "cost_usd"), cf = sr__csv_col(&c, "from"), cd = sr__csv_col(&c, "documents_usd");
    assert_true(co >= 0 && cl >= 0 && ck >= 0 && cc >= 0 && cf >= 0 && cd >= 0);
    size_t rows = 0, legs = 0;
    double km[64] = {0}, du[64] = {0};
    for (size_t i = 0; i < sr_result_count(r); i++)
        legs += sr_result_route(r, i)->n_legs;
    int got;
    while ((got = sr__csv_next(&c)) == 1) {
        assert_int_equal(c.nf, 24);
        int opt = atoi(sr__csv_get(&c, co));
        assert_true(opt >= 1 && (size_t)opt <= sr_result_count(r) && opt < 64);
        const sr_route *rt = sr_result_route(r, (size_t)opt - 1);
        size_t leg = (size_t)atoi(sr__csv_get(&c, cl));
        assert_true(leg >= 1 && leg <= rt->n_legs);
        assert_string_equal(sr__csv_get(&c, cf), sr_network_place(net, rt->legs[leg - 1].from)->id);
        km[opt] += atof(sr__csv_get(&c, ck));
        du[opt] += atof(sr__csv_get(&c, cd));
        rows++;
    }
    assert_int_equal(got, 0);
    assert_int_equal(rows, legs);
    for (size_t i = 0; i < sr_result_count(r) && i < 63; i++)
        assert_true(fabs(km[i + 1] - sr_result_route(r, i)->distance_km) < 0.05 * (double)sr_result_route(r, i)->n_legs);
    /* The legs' document costs add up to the route's (docs/DOCUMENTS.md). */
    for (size_t i = 0; i < sr_result_count(r) && i < 63; i++)
        assert_true(fabs(du[i + 1] - sr_result_route(r, i)->documents_usd) < 0.01 * (double)sr_result_route(r, i)->n_legs);
    sr__csv_close(&c);
    sr_free(s);
    sr_result_free(r);
}

/* Xi'an -> Duisburg by rail with separate notes: the reissue at
 * Małaszewicze (USD 44) and the customs events are on their legs. */
static void test_csv_documents(void **st)
{
    (void)st;
    sr_result *r = query("Xi'an", "Duisburg", 0, SR_NOTE_SEPARATE);
    const sr_route *rt = sr_result_route(r, 0);
    char *s = sr_result_csv(net, r, 0);
    assert_non_null(s);
    sr__csv c;
    assert_int_equal(sr__csv_open_buf(&c, s, strlen(s), "export.csv"), 0);
    int cd = sr__csv_col(&c, "documents"), cu = sr__csv_col(&c, "documents_usd"), ch = sr__csv_col(&c, "documents_h");
    assert_true(cd >= 0 && cu >= 0 && ch >= 0);
    int reissue = 0, issued = 0, import = 0;
    double usd = 0, h = 0;
    while (sr__csv_next(&c) == 1) {
        const char *d = sr__csv_get(&c, cd);
        reissue += strstr(d, "reissued CIM at Małaszewicze") != NULL;
        issued += strstr(d, "issued SMGS at Xi'an") != NULL;
        import += strstr(d, "import_clearance PL at Małaszewicze (rail consignment note)") != NULL;
        usd += atof(sr__csv_get(&c, cu));
        h += atof(sr__csv_get(&c, ch));
    }
    assert_int_equal(reissue, 1);
    assert_int_equal(issued, 1);
    assert_int_equal(import, 1);
    assert_true(fabs(usd - 44) < 1e-9 && fabs(usd - rt->documents_usd) < 1e-9);
    assert_true(fabs(h - 0.67) < 1e-9);
    sr__csv_close(&c);
    sr_free(s);
    sr_result_free(r);
}

/* The uncompressed contents of one member of a zip (deflate or stored), or
 * NULL: enough of the format to read what libxlsxwriter writes. */
static char *zip_member(const unsigned char *z, size_t n, const char *name)
{
    size_t ln = strlen(name);
    for (size_t i = 0; i + 30 + ln <= n; i++) {
        if (memcmp(z + i, "PK\x03\x04", 4) || (size_t)(z[i + 26] | z[i + 27] << 8) != ln || memcmp(z + i + 30, name, ln))
            continue;
        unsigned method = z[i + 8] | z[i + 9] << 8;
        size_t data = i + 30 + ln + (size_t)(z[i + 28] | z[i + 29] << 8);
        size_t cap = (size_t)1 << 22;
        char *out = calloc(cap + 1, 1);
        if (method == 0) {
            size_t len = (size_t)z[i + 22] | (size_t)z[i + 23] << 8 | (size_t)z[i + 24] << 16 | (size_t)z[i + 25] << 24;
            memcpy(out, z + data, len < cap && data + len <= n ? len : 0);
            return out;
        }
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        if (inflateInit2(&zs, -15) != Z_OK)
            return out;
        zs.next_in = (unsigned char *)(z + data);
        zs.avail_in = (uInt)(n - data);
        zs.next_out = (unsigned char *)out;
        zs.avail_out = (uInt)cap;
        inflate(&zs, Z_FINISH);
        inflateEnd(&zs);
        return out;
    }
    return NULL;
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
    /* The zip's directory names the four sheets uncompressed. */
    const char *need[] = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml",
                          "xl/worksheets/sheet4.xml"};
    for (size_t k = 0; k < 4; k++)
        assert_non_null(memmem(buf, n, need[k], strlen(need[k])));
    /* The Documents sheet: its name, its header and the events (Kashgar
     * and Tashkent by road: export clearance, a TIR carnet). */
    char *wbx = zip_member((const unsigned char *)buf, n, "xl/workbook.xml");
    char *ss = zip_member((const unsigned char *)buf, n, "xl/sharedStrings.xml");
    assert_non_null(wbx);
    assert_non_null(ss);
    assert_non_null(strstr(wbx, "name=\"Documents\""));
    assert_non_null(strstr(ss, "document or regime"));
    assert_non_null(strstr(ss, "export_clearance"));
    assert_non_null(strstr(ss, "import_clearance"));
    free(wbx);
    free(ss);
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
        cmocka_unit_test(test_csv_documents),
        cmocka_unit_test(test_xlsx),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
