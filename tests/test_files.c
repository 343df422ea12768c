/*
 * test_files.c - how data files are opened and read (issue 8, items 10-14
 * and 16): only regular files (a FIFO, a device, a directory is refused by
 * name and never hangs), the exact CSV size cap, the shared line reader
 * (LF, CRLF, lone CR, BOM, stop at the first bad line), services/ present
 * but broken, unreadable optional files as I/O errors, escaped messages,
 * and the one strict number parser with its unit and property tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "silkroute.h"
#include "util.h"
#include "../src/lib/core/csv.h"
#include "../src/lib/core/file.h"
#include "../src/lib/core/num.h"
#include "../src/lib/core/util.h"

#define MINI "tests/data/mini"

static char *path_in(const char *dir, const char *name)
{
    static char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* Replace DIR/name by a FIFO (nobody ever writes to it). */
static void make_fifo(const char *dir, const char *name)
{
    char *p = path_in(dir, name);
    unlink(p);
    assert_int_equal(mkfifo(p, 0600), 0);
}

/* ---- the opener ----------------------------------------------------------- */

static void opener_refuses_non_regular(void **st)
{
    (void)st;
    char *dir = tu_mkdtemp();
    char err[256];
    int absent = -1;
    make_fifo(dir, "f.csv");
    /* Would block forever in a plain open(): here it returns at once. */
    assert_int_equal(sr__data_open(path_in(dir, "f.csv"), "f.csv", err, sizeof err, &absent), -1);
    assert_string_equal(err, "f.csv: not a regular file (it is a FIFO)");
    assert_int_equal(absent, 0);
    assert_int_equal(sr__data_open("/dev/zero", "/dev/zero", err, sizeof err, &absent), -1);
    assert_string_equal(err, "/dev/zero: not a regular file (it is a character device)");
    assert_int_equal(sr__data_open(dir, "d", err, sizeof err, &absent), -1);
    assert_string_equal(err, "d: not a regular file (it is a directory)");
    assert_int_equal(sr__data_open(path_in(dir, "none.csv"), "none.csv", err, sizeof err, &absent), -1);
    assert_int_equal(absent, 1);
    assert_non_null(strstr(err, "none.csv: cannot open: "));
    tu_write(dir, "ok.csv", "a\n");
    int fd = sr__data_open(path_in(dir, "ok.csv"), NULL, err, sizeof err, &absent);
    assert_true(fd >= 0);
    /* The descriptor is blocking again. */
    assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    close(fd);
    FILE *f = sr__data_fopen(path_in(dir, "f.csv"), "f.csv", err, sizeof err, NULL);
    assert_null(f);
    /* The CSV reader goes through it too. */
    sr__csv c;
    assert_int_equal(sr__csv_open(&c, path_in(dir, "f.csv"), "f.csv"), -1);
    assert_int_equal(c.code, SR_EIO);
    assert_string_equal(c.err, "f.csv: not a regular file (it is a FIFO)");
    sr__csv_close(&c);
    tu_rmdir(dir);
}

/* The cap is exact: max bytes are accepted, max + 1 are not, whether the
 * file's size or the reading loop finds it. */
static void read_cap_is_exact(void **st)
{
    (void)st;
    char *dir = tu_mkdtemp();
    char err[256], *data;
    size_t len;
    char buf[101];
    memset(buf, 'x', 100);
    buf[100] = 0;
    tu_write(dir, "100", buf);
    assert_int_equal(sr__data_read(path_in(dir, "100"), "100", 100, &data, &len, err, sizeof err, NULL), SR_OK);
    assert_int_equal(len, 100);
    assert_int_equal(data[100], 0);
    free(data);
    assert_int_equal(sr__data_read(path_in(dir, "100"), "100", 99, &data, &len, err, sizeof err, NULL), SR_ELIMIT);
    assert_null(data);
    assert_string_equal(err, "100: file larger than 99 bytes");
    /* An empty file is fine; a large buffer growth path too. */
    tu_write(dir, "empty", "");
    assert_int_equal(sr__data_read(path_in(dir, "empty"), "empty", 10, &data, &len, err, sizeof err, NULL), SR_OK);
    assert_int_equal(len, 0);
    free(data);
    /* CSV files: the documented 512 MiB, lowered here by the test hook. */
    assert_int_equal(sr__csv_max_file, (size_t)512 << 20);
    sr__csv_max_file = 64;
    char csv[80];
    snprintf(csv, sizeof csv, "id,kind\n%-55s\n", "S1,source"); /* 8 + 56 = 64 bytes */
    assert_int_equal(strlen(csv), 64);
    tu_write(dir, "cap.csv", csv);
    sr__csv c;
    assert_int_equal(sr__csv_open(&c, path_in(dir, "cap.csv"), "cap.csv"), 0);
    sr__csv_close(&c);
    strcat(csv, "\n");
    tu_write(dir, "cap.csv", csv);
    assert_int_equal(sr__csv_open(&c, path_in(dir, "cap.csv"), "cap.csv"), -1);
    assert_int_equal(c.code, SR_ELIMIT);
    assert_string_equal(c.err, "cap.csv: file larger than 64 bytes");
    sr__csv_close(&c);
    assert_int_equal(sr__csv_open_buf(&c, csv, 65, "buf.csv"), -1);
    assert_int_equal(c.code, SR_ELIMIT);
    sr__csv_close(&c);
    sr__csv_max_file = SR__CSV_MAX_FILE;
    tu_rmdir(dir);
}

/* A sparse links.csv of 629 MB (the campaign's case) is refused from its
 * size, without reading it; the first error decides the code. */
static void sparse_csv_over_cap(void **st)
{
    (void)st;
    char *dir = tu_copy_dataset(MINI);
    int fd = open(path_in(dir, "links.csv"), O_WRONLY);
    assert_true(fd >= 0);
    if (ftruncate(fd, 629000000) != 0) {
        close(fd);
        tu_rmdir(dir);
        skip();
    }
    close(fd);
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(dir, &net), SR_ELIMIT);
    assert_non_null(strstr(sr_network_errmsg(net), "links.csv: file larger than 536870912 bytes"));
    sr_network_close(net);
    sr_code first = SR_OK;
    assert_true(sr_check_data_code(dir, NULL, NULL, &first) >= 1);
    assert_int_equal(first, SR_ELIMIT);
    tu_rmdir(dir);
}

/* ---- the line reader ------------------------------------------------------ */

static void lines_ends_and_bom(void **st)
{
    (void)st;
    static const char text[] = "\xEF\xBB\xBF" "a\rb\r\nc\n\nd";
    char buf[16];
    sr__lines r;
    sr__lines_init(&r, text, sizeof text - 1, buf, 15);
    const char *want[] = {"a", "b", "c", "", "d"};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(sr__lines_next(&r), 1);
        assert_string_equal(buf, want[i]);
        assert_int_equal(r.line, i + 1);
    }
    assert_int_equal(sr__lines_next(&r), 0);
    assert_int_equal(sr__lines_next(&r), 0);
}

static void lines_stop_at_first_error(void **st)
{
    (void)st;
    char buf[8];
    sr__lines r;
    /* An endless stream of zeros: refused at line 1, and again. */
    size_t n = 10u << 20;
    char *zeros = calloc(n, 1);
    assert_non_null(zeros);
    sr__lines_init(&r, zeros, n, buf, 7);
    assert_int_equal(sr__lines_next(&r), SR__LINE_NUL);
    assert_int_equal(r.line, 1);
    assert_int_equal(sr__lines_next(&r), SR__LINE_NUL);
    assert_int_equal(r.line, 1);
    /* One endless line: too long, and the reader stays stopped even though
     * good lines follow. */
    memset(zeros, 'x', n);
    zeros[n - 2] = '\n';
    sr__lines_init(&r, zeros, n, buf, 7);
    assert_int_equal(sr__lines_next(&r), SR__LINE_TOO_LONG);
    assert_int_equal(sr__lines_next(&r), SR__LINE_TOO_LONG);
    free(zeros);
    static const char t2[] = "ok\n1234567\n12345678\nok\n";
    sr__lines_init(&r, t2, sizeof t2 - 1, buf, 7);
    assert_int_equal(sr__lines_next(&r), 1);
    assert_int_equal(sr__lines_next(&r), 1); /* exactly max bytes */
    assert_string_equal(buf, "1234567");
    assert_int_equal(sr__lines_next(&r), SR__LINE_TOO_LONG);
    assert_int_equal(r.line, 3);
    assert_int_equal(sr__lines_next(&r), SR__LINE_TOO_LONG);
}

/* CSV files with old Mac line ends read as records, not as one line. */
static void csv_cr_only(void **st)
{
    (void)st;
    static const char t[] = "id,kind\rS1,source\r\"two\rlines\",x\rS3,y";
    sr__csv c;
    assert_int_equal(sr__csv_open_buf(&c, t, sizeof t - 1, "cr.csv"), 0);
    assert_int_equal(c.nh, 2);
    assert_int_equal(sr__csv_next(&c), 1);
    assert_string_equal(sr__csv_get(&c, 0), "S1");
    assert_int_equal(c.line, 2);
    assert_int_equal(sr__csv_next(&c), 1);
    assert_string_equal(sr__csv_get(&c, 0), "two\rlines");
    assert_int_equal(sr__csv_next(&c), 1);
    assert_string_equal(sr__csv_get(&c, 0), "S3");
    assert_int_equal(c.line, 5);
    assert_int_equal(sr__csv_next(&c), 0);
    sr__csv_close(&c);
}

/* ---- datasets ------------------------------------------------------------- */

/* Every data file the loader opens, as a FIFO: an I/O error naming it. */
static void dataset_fifos(void **st)
{
    (void)st;
    static const char *const files[] = {"sources.csv", "params.csv", "modes.csv", "places.csv",
                                        "crossings.csv", "links.csv", "transfers.csv", "demand.csv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *dir = tu_copy_dataset(MINI);
        make_fifo(dir, files[i]);
        sr_network *net = NULL;
        assert_int_equal(sr_network_open(dir, &net), SR_EIO);
        char want[128];
        snprintf(want, sizeof want, "%s: not a regular file (it is a FIFO)", files[i]);
        if (!strstr(sr_network_errmsg(net), want))
            fail_msg("%s: '%s'", files[i], sr_network_errmsg(net));
        sr_network_close(net);
        sr_code first = SR_OK;
        assert_true(sr_check_data_code(dir, NULL, NULL, &first) >= 1);
        assert_int_equal(first, SR_EIO);
        tu_rmdir(dir);
    }
}

static const char *const FEED[][2] = {
    {"agency.txt", "agency_id,agency_name,agency_url,agency_timezone\nF,Ferry Co,http://x,Asia/Shanghai\n"},
    {"stops.txt", "stop_id,stop_name\nAAPRT,Port West\nBBPRT,Port East\n"},
    {"routes.txt", "route_id,agency_id,route_short_name,route_long_name,route_type\nFERRY,F,F1,West-East,4\n"},
    {"trips.txt", "route_id,service_id,trip_id\nFERRY,MONTHU,F-OUT\n"},
    {"stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                       "F-OUT,10:00:00,10:00:00,AAPRT,1\nF-OUT,30:00:00,30:00:00,BBPRT,2\n"},
    {"calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                     "MONTHU,1,0,0,1,0,0,0,20260101,20261231\n"},
};
#define N_FEED (sizeof FEED / sizeof *FEED)

static char *mini_with_services(void)
{
    char *dir = tu_copy_dataset(MINI);
    assert_int_equal(mkdir(path_in(dir, "services"), 0700), 0);
    for (size_t i = 0; i < N_FEED; i++) {
        char name[64];
        snprintf(name, sizeof name, "services/%s", FEED[i][0]);
        assert_int_equal(tu_write(dir, name, FEED[i][1]), 0);
    }
    return dir;
}

static void expect_open(const char *dir, sr_code code, const char *needle)
{
    sr_network *net = NULL;
    sr_code rc = sr_network_open(dir, &net);
    if (rc != code || (needle && !strstr(sr_network_errmsg(net), needle)))
        fail_msg("%s: %s '%s' (want %s '%s')", dir, sr_code_name(rc), sr_network_errmsg(net), sr_code_name(code),
                 needle ? needle : "");
    sr_network_close(net);
}

static int lines_seen;
static char last_line[1024];
static void collect(void *ctx, int is_error, const char *line)
{
    (void)ctx;
    if (is_error) {
        lines_seen++;
        snprintf(last_line, sizeof last_line, "%s", line);
    }
}

/* services/ present but broken: each required file missing is an error
 * naming it, in sr_network_open() and in check-data; an optional file
 * that exists but cannot be read is an I/O error with its name. */
static void services_broken(void **st)
{
    (void)st;
    char *dir = mini_with_services();
    expect_open(dir, SR_OK, NULL);
    tu_rmdir(dir);
    for (size_t i = 0; i < N_FEED; i++) {
        if (!strcmp(FEED[i][0], "calendar.txt"))
            continue; /* calendar.txt or calendar_dates.txt: either will do */
        dir = mini_with_services();
        char name[64], want[128];
        snprintf(name, sizeof name, "services/%s", FEED[i][0]);
        unlink(path_in(dir, name));
        snprintf(want, sizeof want, "%s: required GTFS file missing", FEED[i][0]);
        expect_open(dir, SR_EDATA, want);
        lines_seen = 0;
        assert_int_equal(sr_check_data(dir, collect, NULL), 1);
        assert_non_null(strstr(last_line, want));
        tu_rmdir(dir);
    }
    /* An empty services/ is broken too, and so is a file named services. */
    char *d2 = tu_copy_dataset(MINI);
    assert_int_equal(mkdir(path_in(d2, "services"), 0700), 0);
    expect_open(d2, SR_EDATA, "agency.txt: required GTFS file missing");
    rmdir(path_in(d2, "services"));
    tu_write(d2, "services", "x\n");
    expect_open(d2, SR_EIO, "services");
    tu_rmdir(d2);
    /* Numbers in feed files go through the strict parser too. */
    dir = mini_with_services();
    tu_write(dir, "services/terminals.txt", "stop_id,open_days,open_hours,open_season,dwell_h\nAAPRT,,,+1-01..12-31,1\n");
    expect_open(dir, SR_EDATA, "open_season");
    tu_write(dir, "services/terminals.txt", "stop_id,open_days,open_hours,open_season,dwell_h\nAAPRT,,,,0x1\n");
    expect_open(dir, SR_EDATA, "terminals.txt:2: dwell_h");
    tu_write(dir, "services/terminals.txt", "stop_id,open_days,open_hours,open_season,dwell_h\nAAPRT,,,1-01..12-31,1.5\n");
    expect_open(dir, SR_OK, NULL);
    tu_rmdir(dir);
    /* Optional files that exist but cannot be read. */
    static const char *const optional[] = {"frequencies.txt", "transfers.txt", "calendar_dates.txt",
                                           "route_freight.txt", "terminals.txt", "stop_places.txt"};
    for (size_t i = 0; i < sizeof optional / sizeof *optional; i++) {
        dir = mini_with_services();
        char name[64], want[128];
        snprintf(name, sizeof name, "services/%s", optional[i]);
        assert_int_equal(mkfifo(path_in(dir, name), 0600), 0);
        snprintf(want, sizeof want, "%s: not a regular file (it is a FIFO)", optional[i]);
        expect_open(dir, SR_EIO, want);
        sr_code first = SR_OK;
        lines_seen = 0;
        assert_int_equal(sr_check_data_code(dir, collect, NULL, &first), 1);
        assert_int_equal(first, SR_EIO);
        assert_non_null(strstr(last_line, want));
        unlink(path_in(dir, name));
        /* Unreadable for lack of permission (root reads anything: then a
         * directory in its place stands in for an unreadable file). */
        if (geteuid() != 0) {
            tu_write(dir, name, "x\n");
            chmod(path_in(dir, name), 0);
            snprintf(want, sizeof want, "%s: cannot open: %s", optional[i], strerror(EACCES));
        } else {
            assert_int_equal(mkdir(path_in(dir, name), 0700), 0);
            snprintf(want, sizeof want, "%s: not a regular file (it is a directory)", optional[i]);
        }
        expect_open(dir, SR_EIO, want);
        tu_rmdir(dir);
    }
}

/* Scenario files: BOM and CR-only line ends accepted; FIFOs and devices
 * refused by name; a stream of zeros stops at line 1. */
static void scenario_files(void **st)
{
    (void)st;
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(MINI, &net), SR_OK);
    sr_freight *f = NULL;
    assert_int_equal(sr_freight_create(net, &f), SR_OK);
    char *dir = tu_mkdtemp();
    tu_write(dir, "bom.scn", "\xEF\xBB\xBF# closes the rail crossing\nclose crossing X-RAIL\nyear 2031\n");
    assert_int_equal(sr_freight_load_scenario(f, path_in(dir, "bom.scn")), SR_OK);
    tu_write(dir, "cr.scn", "# old Mac\rclose crossing X-RAIL\ryear 2031\rdemand scale 2\r");
    assert_int_equal(sr_freight_load_scenario(f, path_in(dir, "cr.scn")), SR_OK);
    tu_write(dir, "cr-bad.scn", "year 2031\rfrobnicate link L1\r");
    assert_int_equal(sr_freight_load_scenario(f, path_in(dir, "cr-bad.scn")), SR_EDATA);
    assert_non_null(strstr(sr_freight_errmsg(f), "cr-bad.scn:2: command"));
    tu_write(dir, "hex.scn", "capacity link L1 0x10\n");
    assert_int_equal(sr_freight_load_scenario(f, path_in(dir, "hex.scn")), SR_EDATA);
    assert_non_null(strstr(sr_freight_errmsg(f), "hex.scn:1: capacity: '0x10' is not a number"));
    make_fifo(dir, "fifo.scn");
    assert_int_equal(sr_freight_load_scenario(f, path_in(dir, "fifo.scn")), SR_EIO);
    assert_non_null(strstr(sr_freight_errmsg(f), "fifo.scn: not a regular file (it is a FIFO)"));
    assert_int_equal(sr_freight_load_scenario(f, "/dev/zero"), SR_EIO);
    assert_string_equal(sr_freight_errmsg(f), "/dev/zero: not a regular file (it is a character device)");
    /* The reader itself: 3 MB of zeros in a regular file end at line 1. */
    FILE *z = fopen(path_in(dir, "zeros.scn"), "wb");
    assert_non_null(z);
    static char zeros[1 << 16];
    for (int i = 0; i < 48; i++)
        fwrite(zeros, 1, sizeof zeros, z);
    fclose(z);
    assert_int_equal(sr_freight_load_scenario(f, path_in(dir, "zeros.scn")), SR_EDATA);
    assert_non_null(strstr(sr_freight_errmsg(f), "zeros.scn:1: NUL byte in line"));
    /* Demand: a demand_sources.csv that exists but cannot be read is an
     * I/O error naming it, not a silently smaller list of sources. */
    FILE *dm = fopen("tests/data/assign/mini_demand.csv", "rb");
    assert_non_null(dm);
    static char dtext[8192];
    dtext[fread(dtext, 1, sizeof dtext - 1, dm)] = 0;
    fclose(dm);
    tu_write(dir, "demand.csv", dtext);
    assert_int_equal(sr_freight_load_demand(f, path_in(dir, "demand.csv")), SR_OK);
    make_fifo(dir, "demand_sources.csv");
    assert_int_equal(sr_freight_load_demand(f, path_in(dir, "demand.csv")), SR_EIO);
    assert_non_null(strstr(sr_freight_errmsg(f), "demand_sources.csv: not a regular file (it is a FIFO)"));
    make_fifo(dir, "demand.csv");
    assert_int_equal(sr_freight_load_demand(f, path_in(dir, "demand.csv")), SR_EIO);
    sr_freight_destroy(f);
    sr_network_close(net);
    tu_rmdir(dir);
}

/* A bare GTFS feed used as a dataset: its optional translations.txt, when
 * present but unreadable, is an I/O error naming it. */
static void bare_feed_translations(void **st)
{
    (void)st;
    char *dir = tu_mkdtemp();
    for (size_t i = 0; i < N_FEED; i++)
        assert_int_equal(tu_write(dir, FEED[i][0], FEED[i][1]), 0);
    expect_open(dir, SR_OK, NULL);
    make_fifo(dir, "translations.txt");
    expect_open(dir, SR_EIO, "translations.txt: not a regular file (it is a FIFO)");
    unlink(path_in(dir, "translations.txt"));
    /* A FIFO named stops.txt still marks the feed, and is refused. */
    make_fifo(dir, "stops.txt");
    expect_open(dir, SR_EIO, "stops.txt: not a regular file (it is a FIFO)");
    tu_rmdir(dir);
}

/* TNTP files through the same opener and line reader. */
static void tntp_files(void **st)
{
    (void)st;
    char *dir = tu_mkdtemp();
    make_fifo(dir, "x_net.tntp");
    tu_write(dir, "x_trips.tntp", "");
    sr_tap *t = NULL;
    char net[1024], trips[1024];
    snprintf(net, sizeof net, "%s/x_net.tntp", dir);
    snprintf(trips, sizeof trips, "%s/x_trips.tntp", dir);
    assert_int_equal(sr_tap_read_tntp(net, trips, &t), SR_EIO);
    assert_non_null(strstr(sr_tap_errmsg(t), "x_net.tntp: not a regular file (it is a FIFO)"));
    sr_tap_destroy(t);
    /* CR-only line ends and a number with hex in it. */
    static const char cr[] = "<NUMBER OF ZONES> 2\r<NUMBER OF NODES> 2\r<FIRST THRU NODE> 1\r<NUMBER OF LINKS> 1\r"
                             "<END OF METADATA>\r~ init term cap len fft b power speed toll type ;\r"
                             "1 2 100 1 1 0.15 4 0 0 1 ;\r";
    static const char trips_ok[] = "<NUMBER OF ZONES> 2\r<TOTAL OD FLOW> 5\r<END OF METADATA>\rOrigin 1\r2 : 5.0;\r";
    assert_int_equal(sr_tap_parse_tntp(cr, sizeof cr - 1, trips_ok, sizeof trips_ok - 1, &t), SR_OK);
    assert_int_equal(sr_tap_link_count(t), 1);
    sr_tap_destroy(t);
    static const char hex[] = "<NUMBER OF NODES> 2\n<NUMBER OF LINKS> 1\n<END OF METADATA>\n"
                              "1 2 0x10 1 1 0.15 4 ;\n";
    assert_int_equal(sr_tap_parse_tntp(hex, sizeof hex - 1, trips_ok, sizeof trips_ok - 1, &t), SR_EDATA);
    assert_non_null(strstr(sr_tap_errmsg(t), "net:4: capacity: '0x10' is not a finite number"));
    sr_tap_destroy(t);
    static const char hexnode[] = "<NUMBER OF NODES> 0x2\n<NUMBER OF LINKS> 1\n<END OF METADATA>\n";
    assert_int_equal(sr_tap_parse_tntp(hexnode, sizeof hexnode - 1, "", 0, &t), SR_EDATA);
    assert_non_null(strstr(sr_tap_errmsg(t), "NUMBER OF NODES"));
    sr_tap_destroy(t);
    tu_rmdir(dir);
}

/* Numbers in CSV data files: hex, blanks inside, inf are errors naming the
 * field; a bad time zone carries places.csv's line. */
static void csv_numbers_and_tz(void **st)
{
    (void)st;
    static const struct {
        const char *file, *find, *repl, *want;
    } cases[] = {
        {"links.csv", "L1,AAORI,AA-BORDER,rail,1435,100", "L1,AAORI,AA-BORDER,rail,1435,0x10",
         "links.csv:2: distance_km: '0x10' is not a number"},
        {"links.csv", "L1,AAORI,AA-BORDER,rail,1435,100", "L1,AAORI,AA-BORDER,rail,1435,1 00",
         "links.csv:2: distance_km: '1 00' is not a number"},
        {"links.csv", "L1,AAORI,AA-BORDER,rail,1435,100", "L1,AAORI,AA-BORDER,rail,1435,inf",
         "links.csv:2: distance_km: 'inf' is not a number"},
        {"links.csv", "L1,AAORI,AA-BORDER,rail,1435,100", "L1,AAORI,AA-BORDER,rail,0x59B,100",
         "links.csv:2: gauge_mm: '0x59B' is not a number"},
        {"places.csv", "40.0,100.0,Asia/Shanghai", "40.0,100.0,Asia/Nowhere_City",
         "places.csv:3: tz: unknown time zone 'Asia/Nowhere_City'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *dir = tu_copy_dataset(MINI);
        assert_int_equal(tu_edit(dir, cases[i].file, cases[i].find, cases[i].repl), 0);
        expect_open(dir, SR_EDATA, cases[i].want);
        tu_rmdir(dir);
    }
}

/* Names with escape bytes come back escaped in messages. */
static void escaped_messages(void **st)
{
    (void)st;
    char *dir = tu_copy_dataset(MINI);
    assert_int_equal(tu_edit(dir, "links.csv", "L1,AAORI,", "L1,AA\x1b[2J\x1b]0;pwned\x07ORI,"), 0);
    sr_network *net = NULL;
    assert_int_equal(sr_network_open(dir, &net), SR_EDATA);
    const char *m = sr_network_errmsg(net);
    assert_null(strchr(m, 0x1b));
    assert_null(strchr(m, 0x07));
    assert_non_null(strstr(m, "unknown place 'AA\\x1B[2J\\x1B]0;pwned\\x07ORI'"));
    sr_network_close(net);
    tu_rmdir(dir);
    assert_int_equal(sr_network_open(MINI, &net), SR_OK);
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "AAORI";
    o.to = "\x1b[31mred\xc2\x9b";
    sr_result *res = NULL;
    assert_int_equal(sr_route_query(q, &o, &res), SR_EPLACE);
    assert_non_null(strstr(sr_query_errmsg(q), "'\\x1B[31mred\\xC2\\x9B'"));
    sr_query_destroy(q);
    sr_network_close(net);
}

static void escape_unit(void **st)
{
    (void)st;
    char out[64];
    sr__escape(out, sizeof out, "a\x1b[31mb\tc\x7f");
    assert_string_equal(out, "a\\x1B[31mb\\x09c\\x7F");
    sr__escape(out, sizeof out, "西安 Сиань ü");
    assert_string_equal(out, "西安 Сиань ü");
    sr__escape(out, sizeof out, "\xc2\x9b\xc2\xa0\xff\xe4\xb8");
    assert_string_equal(out, "\\xC2\\x9B\xc2\xa0\\xFF\\xE4\\xB8");
    /* Never past the buffer, never half an escape. */
    char small[6];
    sr__escape(small, sizeof small, "ab\x1b");
    assert_string_equal(small, "ab");
    char buf[32] = "x\ny\x1b";
    sr__escape_inplace(buf, sizeof buf);
    assert_string_equal(buf, "x\\x0Ay\\x1B");
}

/* ---- the strict number parser --------------------------------------------- */

static void num_unit(void **st)
{
    (void)st;
    long l;
    double d;
    static const char *const bad_int[] = {"", " 5", "5 ", "+5", "0x10", "1e3", "5.0", "--1", "-", "1_000", "٣",
                                          "\t5", "5\n", "0x", "five"};
    for (size_t i = 0; i < sizeof bad_int / sizeof *bad_int; i++)
        if (sr__parse_long(bad_int[i], LONG_MIN, LONG_MAX, &l) == 0)
            fail_msg("integer '%s' accepted", bad_int[i]);
    assert_int_equal(sr__parse_long("", 0, 9, &l), SR__NUM_EMPTY);
    assert_int_equal(sr__parse_long(NULL, 0, 9, &l), SR__NUM_EMPTY);
    assert_int_equal(sr__parse_long("0x10", 0, 99, &l), SR__NUM_SYNTAX);
    assert_int_equal(sr__parse_long("9223372036854775808", LONG_MIN, LONG_MAX, &l), SR__NUM_RANGE);
    assert_int_equal(sr__parse_long("-9223372036854775809", LONG_MIN, LONG_MAX, &l), SR__NUM_RANGE);
    assert_int_equal(sr__parse_long("32", 0, 31, &l), SR__NUM_RANGE);
    assert_int_equal(sr__parse_long("-1", -1, 31, &l), 0);
    assert_int_equal(l, -1);
    assert_int_equal(sr__parse_long("007", 0, 31, &l), 0);
    assert_int_equal(l, 7);
    assert_int_equal(sr__parse_long("9223372036854775807", LONG_MIN, LONG_MAX, &l), 0);
    assert_true(l == LONG_MAX);
    static const char *const bad_dbl[] = {"", " 5", "5 ", "+5", "0x10", "0x1p3", "inf", "-inf", "nan", "NAN",
                                          "1e", "1e+", ".", "-.", "1.2.3", "1,5", "1e999", "-1e999", "5 .", "e5",
                                          "1d", "１"};
    for (size_t i = 0; i < sizeof bad_dbl / sizeof *bad_dbl; i++)
        if (sr__parse_double(bad_dbl[i], -HUGE_VAL, HUGE_VAL, &d) == 0)
            fail_msg("decimal '%s' accepted", bad_dbl[i]);
    assert_int_equal(sr__parse_double("1e999", -HUGE_VAL, HUGE_VAL, &d), SR__NUM_RANGE);
    static const struct {
        const char *s;
        double v;
    } good[] = {{"0", 0},    {"-0.5", -0.5}, {".5", 0.5},     {"5.", 5},         {"1e3", 1000},
                {"2.5E-1", 0.25}, {"1e+2", 100}, {"007.50", 7.5}, {"1e-400", 0}, {"123456789012", 123456789012.0}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        if (sr__parse_double(good[i].s, -HUGE_VAL, HUGE_VAL, &d) != 0 || d != good[i].v)
            fail_msg("decimal '%s' not read as %g", good[i].s, good[i].v);
    }
    assert_int_equal(sr__parse_double("0", 1e-9, 1e9, &d), SR__NUM_RANGE);
    double w[3];
    assert_int_equal(sr__parse_double_list("1,0.5,0", 0, 1e12, w, 3), 0);
    assert_true(w[0] == 1 && w[1] == 0.5 && w[2] == 0);
    assert_int_equal(sr__parse_double_list("1,,0,0", 0, 1e12, w, 3), SR__NUM_EMPTY);
    assert_int_equal(sr__parse_double_list("1,,0", 0, 1e12, w, 3), SR__NUM_EMPTY);
    assert_int_equal(sr__parse_double_list(",1,0", 0, 1e12, w, 3), SR__NUM_EMPTY);
    assert_int_equal(sr__parse_double_list("1,0,", 0, 1e12, w, 3), SR__NUM_EMPTY);
    assert_int_equal(sr__parse_double_list("1,2", 0, 1e12, w, 3), SR__NUM_COUNT);
    assert_int_equal(sr__parse_double_list("1,2,3,4", 0, 1e12, w, 3), SR__NUM_COUNT);
    assert_int_equal(sr__parse_double_list("1, 2,3", 0, 1e12, w, 3), SR__NUM_SYNTAX);
    assert_int_equal(sr__parse_double_list("1,-2,3", 0, 1e12, w, 3), SR__NUM_RANGE);
    assert_int_equal(sr__parse_double_list("", 0, 1e12, w, 3), SR__NUM_EMPTY);
    assert_string_equal(sr__num_why(SR__NUM_SYNTAX), "is not a plain decimal number");
}

/* A small deterministic generator, so that failures reproduce. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Properties: every long printed with %ld reads back as itself; every
 * finite double printed with %.17g reads back bit for bit; and on random
 * strings over the number alphabet the parser never accepts what the
 * grammar does not allow, and agrees with strtod() on what it accepts. */
static void num_properties(void **st)
{
    (void)st;
    char buf[64];
    for (int i = 0; i < 100000; i++) {
        long v = (long)next_rand();
        if (i % 3 == 0)
            v %= 1000;
        long got;
        snprintf(buf, sizeof buf, "%ld", v);
        if (sr__parse_long(buf, LONG_MIN, LONG_MAX, &got) != 0 || got != v)
            fail_msg("'%s' did not read back", buf);
        double dv;
        uint64_t bits = next_rand();
        memcpy(&dv, &bits, sizeof dv);
        if (!isfinite(dv))
            continue;
        snprintf(buf, sizeof buf, "%.17g", dv);
        double back;
        if (sr__parse_double(buf, -HUGE_VAL, HUGE_VAL, &back) != 0 || memcmp(&back, &dv, sizeof dv) != 0) {
            /* Subnormals read back too (strtod rounds exactly), unless the
             * grammar-check rejects them: it must not. */
            fail_msg("'%s' did not read back", buf);
        }
    }
    /* Short decimals take a path without strtod() (num.c: fast_decimal):
     * every one must be the very double strtod() reads, -0 included, for
     * up to 15 significant digits and 22 decimals and just past them. */
    for (int i = 0; i < 300000; i++) {
        int intd = (int)(next_rand() % 10), fracd = (int)(next_rand() % 25);
        size_t k = 0;
        if (next_rand() % 4 == 0)
            buf[k++] = '-';
        for (int j = 0; j < intd; j++)
            buf[k++] = (char)('0' + next_rand() % 10);
        if (!intd || next_rand() % 2)
            buf[k++] = (char)('0' + next_rand() % 10);
        if (fracd && next_rand() % 8) {
            buf[k++] = '.';
            for (int j = 0; j < fracd; j++)
                buf[k++] = (char)('0' + (j % 5 == 4 ? 0 : next_rand() % 10));
        }
        buf[k] = 0;
        double d, ref = strtod(buf, NULL);
        if (sr__parse_double(buf, -HUGE_VAL, HUGE_VAL, &d) != 0 || memcmp(&d, &ref, sizeof d) != 0)
            fail_msg("'%s' read as %.17g, strtod %.17g", buf, d, ref);
    }
    static const char alpha[] = "0123456789.-+eExX ,\tin";
    for (int i = 0; i < 200000; i++) {
        size_t n = next_rand() % 8;
        for (size_t k = 0; k < n; k++)
            buf[k] = alpha[next_rand() % (sizeof alpha - 1)];
        buf[n] = 0;
        double d;
        if (sr__parse_double(buf, -HUGE_VAL, HUGE_VAL, &d) == 0) {
            /* Accepted: only digits, one leading '-', '.', an exponent. */
            if (strpbrk(buf, "xX ,\tin+") && !strpbrk(buf, "eE"))
                fail_msg("'%s' accepted", buf);
            if (buf[0] == '+' || strchr(buf, ' ') || strchr(buf, ',') || strchr(buf, 'x') || strchr(buf, 'X'))
                fail_msg("'%s' accepted", buf);
            char *end;
            double ref = strtod(buf, &end);
            if (*end || ref != d)
                fail_msg("'%s': %g but strtod says %g", buf, d, ref);
        }
        long l;
        if (sr__parse_long(buf, LONG_MIN, LONG_MAX, &l) == 0) {
            if (strspn(buf + (buf[0] == '-'), "0123456789") != strlen(buf + (buf[0] == '-')))
                fail_msg("integer '%s' accepted", buf);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(opener_refuses_non_regular),
        cmocka_unit_test(read_cap_is_exact),
        cmocka_unit_test(sparse_csv_over_cap),
        cmocka_unit_test(lines_ends_and_bom),
        cmocka_unit_test(lines_stop_at_first_error),
        cmocka_unit_test(csv_cr_only),
        cmocka_unit_test(dataset_fifos),
        cmocka_unit_test(services_broken),
        cmocka_unit_test(scenario_files),
        cmocka_unit_test(bare_feed_translations),
        cmocka_unit_test(tntp_files),
        cmocka_unit_test(csv_numbers_and_tz),
        cmocka_unit_test(escaped_messages),
        cmocka_unit_test(escape_unit),
        cmocka_unit_test(num_unit),
        cmocka_unit_test(num_properties),
    };
    return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}
