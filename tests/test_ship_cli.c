/*
 * test_ship_cli.c - `silkroute ship ...` and `silkroute token ...` end to
 * end: the booking command, events by option and as JSON, retries
 * that do not duplicate, every bad input with its exit code and the
 * parameter named, and the observations export (written whole or not at
 * all).  Runs the built CLI on the small fixture tests/data/server with a
 * store in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *argv0;
static char *dir;
static char out[65536];

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char args[4096], full[6000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "%s --store %s/s.db%s", args, dir,
             strncmp(args, "ship", 4) ? "" : " --data tests/data/server");
    return tu_cli(argv0, full, out, sizeof out);
}

static int setup(void **state)
{
    dir = tu_mkdtemp();
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    tu_rmdir(dir);
    return 0;
}

static void book_and_track(void **state)
{
    assert_int_equal(run("ship create --from \"Xi'an\" --to Almaty --option 1 --ref PO-4711 --container MSKU1234565"
                         " --ready 2026-06-03T08:00 --promised 2026-06-10T00:00+06:00"),
                     0);
    assert_non_null(strstr(out, "booked PO-4711"));
    assert_int_equal(run("ship event PO-4711 --type GTOT --place \"Xi'an\" --time 2026-06-03T10:00+08:00"), 0);
    assert_non_null(strstr(out, "event 1"));
    /* The same command again: the same event. */
    assert_int_equal(run("ship event PO-4711 --type GTOT --place \"Xi'an\" --time 2026-06-03T10:00+08:00"), 0);
    assert_non_null(strstr(out, "already recorded"));
    char path[1024];
    snprintf(path, sizeof path, "%s/ev.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"events\":[{\"type\":\"DEPA\",\"place\":\"CNXIA\",\"time\":\"2026-06-03T12:00+08:00\",\"key\":\"e2\"},"
          "{\"type\":\"BORD\",\"place\":\"KZ-DOSTYK\",\"time\":\"2026-06-06T02:00+06:00\",\"key\":\"e3\"}]}",
          f);
    fclose(f);
    assert_int_equal(run("ship event PO-4711 --json %s", path), 0);
    assert_non_null(strstr(out, "\"duplicate\":false"));
    assert_int_equal(run("ship show PO-4711"), 0);
    assert_non_null(strstr(out, "KZ-DOSTYK"));
    assert_non_null(strstr(out, "in_transit"));
    assert_int_equal(run("ship eta PO-4711"), 0);
    assert_non_null(strstr(out, ", P90 2026-"));
    assert_int_equal(run("ship eta PO-4711 --json"), 0);
    assert_non_null(strstr(out, "\"eta_p90\""));
    assert_non_null(strstr(out, "\"history\""));
    assert_int_equal(run("ship list --status on_time"), 0);
    assert_non_null(strstr(out, "PO-4711"));
    assert_int_equal(run("ship event PO-4711 --type ARRI --place KZ-DOSTYK --time 2026-06-06T03:00+06:00"), 0);
    assert_int_equal(run("ship event PO-4711 --type DEPA --place KZ-DOSTYK --time 2026-06-07T03:00+06:00"), 0);
    snprintf(path, sizeof path, "%s/obs.csv", dir);
    assert_int_equal(run("ship export-observations --out %s", path), 0);
    f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "id,subject,kind,origin,destination,via,modes,"));
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "TRK-PO-4711-1,route,tracked,CNXIA,KZ-DOSTYK"));
    fclose(f);
}

static void bad_input(void **state)
{
    struct {
        const char *args;
        int code;
        const char *says;
    } cases[] = {
        {"ship event NOPE --type ARRI --place KZALA --time 2026-06-04T10:00+06:00", 2, "unknown shipment"},
        {"ship event PO-4711 --type ARRI --place Atlantis --time 2026-06-04T10:00+06:00", 2, "event.place"},
        {"ship event PO-4711 --type ARRI --place KZALA --time 1900-01-01T00:00Z", 2, "event.time"},
        {"ship event PO-4711 --type ARRI --place KZALA --time 2126-01-01T00:00Z", 2, "event.time"},
        {"ship event PO-4711 --type ARRI --place KZALA --time 2026-06-04T10:00", 2, "--time"},
        {"ship event PO-4711 --type XXXX --place KZALA --time 2026-06-04T10:00Z", 2, "--type"},
        {"ship event PO-4711 --type ARRI --place KZALA --time 2026-06-04T10:00Z --container MSKU1234566", 2,
         "event.container"},
        {"ship create --from \"Xi'an\" --to Almaty --ref PO-4712 --container MSKU1234566 --ready 2026-06-03T08:00", 2,
         "container"},
        {"ship create --from \"Xi'an\" --to Almaty --ref PO-4711 --ready 2026-06-03T08:00", 2, "exists"},
        {"ship create --from \"Xi'an\" --to Atlantis --ref PO-4713 --ready 2026-06-03T08:00", 2, "Atlantis"},
        {"ship create --from \"Xi'an\" --to Almaty --ref PO-4713 --ready 2026-06-03T08:00 --option 99", 2, "--option"},
        {"ship show NOPE", 2, "unknown shipment"},
        {"ship list --status lost", 2, "status"},
        {"ship frobnicate", 2, "unknown subcommand"},
        {"token create x --role admin", 2, "--role"},
        {"token revoke nobody", 2, "no live token"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = run("%s", cases[i].args);
        if (rc != cases[i].code || !strstr(out, cases[i].says))
            fprintf(stderr, "case %zu (%s): exit %d: %s\n", i, cases[i].args, rc, out);
        assert_int_equal(rc, cases[i].code);
        assert_non_null(strstr(out, cases[i].says));
    }
    /* Nothing of the bad events was written: still the events of before. */
    assert_int_equal(run("ship show PO-4711 --json"), 0);
    size_t n = 0;
    for (const char *p = out; (p = strstr(p, "\"key\":")); p++)
        n++;
    assert_int_equal(n, 5);
}

static void tokens(void **state)
{
    assert_int_equal(run("token create ingest --role writer --rate 120"), 0);
    assert_non_null(strstr(out, "srt_"));
    assert_int_equal(run("token list"), 0);
    assert_non_null(strstr(out, "ingest"));
    assert_null(strstr(out, "srt_"));
    assert_int_equal(run("token revoke ingest"), 0);
    assert_int_equal(run("token list --json"), 0);
    assert_non_null(strstr(out, "\"revoked\""));
}

/* Round trip on the built-in dataset: a shipment tracked from Xi'an to
 * Almaty (rail to Aksu, road over Bedel), its export appended to a copy of
 * observations.csv passes check-data, and calibrate fits the merged file
 * and lists the tracked rows with their predictions. */
static void export_calibrate_roundtrip(void **state)
{
    /* A copy of the whole dataset (with its services/ folder). */
    char *data = tu_mkdtemp();
    assert_non_null(data);
    char args[4096];
    snprintf(args, sizeof args, "cp -R data/. '%s'/", data);
    assert_int_equal(system(args), 0);
    static const char *const cmds[] = {
        "ship create --from \"Xi'an\" --to Almaty --ref RT-1 --ready 2026-06-03T08:00",
        "ship event RT-1 --type DEPA --place CNXIY --time 2026-06-03T09:00+08:00",
        "ship event RT-1 --type ARRI --place CN-KHORGOS --time 2026-06-06T10:00+08:00",
        "ship event RT-1 --type TRSH --place CN-KHORGOS --time 2026-06-06T18:00+08:00",
        "ship event RT-1 --type DEPA --place CN-KHORGOS --time 2026-06-06T19:00+08:00",
        "ship event RT-1 --type BORD --place KZ-NUR-ZHOLY --time 2026-06-06T17:30+06:00",
        "ship event RT-1 --type CUSR --place KZ-NUR-ZHOLY --time 2026-06-07T07:30+06:00",
        "ship event RT-1 --type DEPA --place KZ-NUR-ZHOLY --time 2026-06-07T08:00+06:00",
        "ship event RT-1 --type ARRI --place KZALA --time 2026-06-07T14:00+06:00",
        NULL,
    };
    for (const char *const *c = cmds; *c; c++) {
        snprintf(args, sizeof args, "%s --store %s/rt.db --data %s", *c, dir, data);
        int st = tu_cli(argv0, args, out, sizeof out);
        if (st)
            fprintf(stderr, "%s\n%s", args, out);
        assert_int_equal(st, 0);
    }
    snprintf(args, sizeof args, "ship export-observations --no-header --store %s/rt.db --data %s", dir, data);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 0);
    /* The booked route is rail to Khorgos, truck over Khorgos-Nur Zholy:
     * a leg (rail, via the booked stops), the transshipment at Khorgos, the
     * road leg to the Kazakh post, the border dwell (entered at
     * KZ-NUR-ZHOLY) and the road leg to Almaty. */
    assert_non_null(strstr(out, "TRK-RT-1-1,route,tracked,CNXIY,CN-KHORGOS,CN-BAOJI;CN-LANZHOU;CN-WUWEI;CN-JIAYUGUAN,rail,"));
    assert_non_null(strstr(out, "TRK-RT-1-2,transfer,tracked,,,,,,,,,CN-KHORGOS,rail1435,road,2026-06-06,,,8.00,"));
    assert_non_null(strstr(out, "TRK-RT-1-3,route,tracked,CN-KHORGOS,KZ-NUR-ZHOLY,,road,"));
    assert_non_null(strstr(out, "TRK-RT-1-4,crossing,tracked,,,,,,,X-KHORGOS-NURZHOLY-ROAD,"));
    assert_non_null(strstr(out, ",2026-06-06..2026-06-07,,,14.00,"));
    assert_null(strstr(out, "id,subject"));
    assert_int_equal(tu_edit(data, "observations.csv", "", out), 0);
    snprintf(args, sizeof args, "check-data %s", data);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 0);
    assert_non_null(strstr(out, ": 0 errors"));
    assert_null(strstr(out, "observations.csv"));
    char merged[2048];
    snprintf(merged, sizeof merged, "%s/observations.csv", data);
    snprintf(args, sizeof args, "calibrate --data %s --observations %s", data, merged);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 0);
    for (int i = 1; i <= 5; i++) {
        char id[32];
        snprintf(id, sizeof id, "TRK-RT-1-%d ", i);
        const char *l = strstr(out, id);
        assert_non_null(l);
        /* Listed with its kind and fitted (no reason to leave it out). */
        assert_non_null(strstr(l, "tracked"));
    }
    snprintf(args, sizeof args, "calibrate --data %s --observations %s --json", data, merged);
    assert_int_equal(tu_cli(argv0, args, out, sizeof out), 0);
    const char *j = strstr(out, "\"id\":\"TRK-RT-1-4\"");
    assert_non_null(j);
    assert_non_null(strstr(j, "\"kind\":\"tracked\""));
    assert_non_null(strstr(j, "\"predicted_h\":"));
    tu_rmdir(data);
}

int main(int argc, char **argv)
{
    argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(book_and_track),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(tokens),
        cmocka_unit_test(export_calibrate_roundtrip),
    };
    return cmocka_run_group_tests_name("ship_cli", tests, setup, teardown);
}
