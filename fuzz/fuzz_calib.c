/*
 * fuzz_calib.c - libFuzzer target for the time-distribution files and the
 * calibration: crossing_times.csv, time_spread.csv, the overlay
 * calibrated.scn and observations.csv, in that order, separated by lines
 * "%%", are added to a copy of the mini test network (tests/data/mini, so
 * run from the repository root).  Each input runs sr_check_data(), opens
 * the network (and when it loads, a reliable and a timed-free route query),
 * and a short calibration, so whatever the validators accept is safe for
 * the router and the fit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "silkroute.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const base[] = {"sources.csv",   "params.csv", "modes.csv", "places.csv",
                                   "crossings.csv", "links.csv",  "transfers.csv"};
static const char *const parts[] = {"crossing_times.csv", "time_spread.csv", "calibrated.scn", "observations.csv"};
#define N_BASE (sizeof base / sizeof *base)
#define N_PARTS (sizeof parts / sizeof *parts)

static char dir[64];

static void cleanup(void)
{
    char path[128];
    for (size_t i = 0; i < N_BASE; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, base[i]);
        unlink(path);
    }
    for (size_t i = 0; i < N_PARTS; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, parts[i]);
        unlink(path);
    }
    rmdir(dir);
}

static int setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/fuzz-calib-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    atexit(cleanup);
    for (size_t i = 0; i < N_BASE; i++) {
        char src[128], dst[128], buf[65536];
        snprintf(src, sizeof src, "tests/data/mini/%s", base[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, base[i]);
        FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
        if (!in || !out) {
            if (in)
                fclose(in);
            if (out)
                fclose(out);
            return -1;
        }
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, n, out);
        fclose(in);
        fclose(out);
    }
    return 0;
}

static void noop(void *ctx, int is_error, const char *line)
{
    (void)ctx;
    (void)is_error;
    (void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (setup() < 0)
            return 0;
        ready = 1;
    }
    size_t pos = 0;
    for (size_t k = 0; k < N_PARTS; k++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, parts[k]);
        unlink(path);
        if (pos > size)
            continue;
        size_t end = pos;
        while (end < size && !(end + 3 <= size && !memcmp(data + end, "%%\n", 3) && (end == 0 || data[end - 1] == '\n')))
            end++;
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(data + pos, 1, end - pos, f);
            fclose(f);
        }
        pos = end + 3;
    }
    sr_check_data(dir, noop, NULL);
    sr_network *net = NULL;
    if (sr_network_open(dir, &net) == SR_OK && sr_network_place_count(net) >= 2) {
        sr_query *q = NULL;
        if (sr_query_create(net, &q) == SR_OK) {
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = sr_network_place(net, 0)->id;
            o.to = sr_network_place(net, sr_network_place_count(net) - 1)->id;
            o.objective = SR_BY_RELIABLE;
            sr_result *r = NULL;
            if (sr_route_query(q, &o, &r) == SR_OK) {
                char *j = sr_result_json(net, r, 0);
                sr_free(j);
                sr_route_prob_within(sr_result_route(r, 0), 100);
            }
            sr_result_free(r);
            o.objective = SR_BY_TIME;
            o.year = 2024;
            if (sr_route_query(q, &o, &r) == SR_OK)
                sr_result_free(r);
        }
        sr_query_destroy(q);
    }
    sr_network_close(net);
    sr_calib_options co;
    sr_calib_options_init(&co);
    co.folds = 2;
    co.max_iterations = 4;
    sr_calibration *c = NULL;
    if (sr_calibrate(dir, &co, &c) == SR_OK) {
        char *s = sr_calibration_overlay(c);
        sr_free(s);
        s = sr_calibration_json(c, 0);
        sr_free(s);
        s = sr_calibration_text(c);
        sr_free(s);
    }
    sr_calibration_destroy(c);
    return 0;
}
