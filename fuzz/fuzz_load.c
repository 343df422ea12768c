/*
 * fuzz_load.c - libFuzzer target for the dataset loader and validator.
 *
 * The input is a whole dataset: the files in the order below (the seven
 * required ones, then the optional unions.csv), separated by lines
 * consisting of "%%".  A part that is missing (fewer
 * separators) leaves its file absent, which the loader must report, not
 * crash on.  The files go into one temp directory per process (libFuzzer
 * runs inputs one after another in a process), which is removed at exit.
 *
 * Each input runs sr_check_data() (all errors, with a report callback)
 * and sr_network_open()/sr_network_close(); when the network loads, one
 * single-objective and one bounded Pareto query between its first places
 * also run, so that whatever the validator lets through is known to be
 * safe for the router too.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "silkroute.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {"sources.csv", "params.csv",    "modes.csv",
                                    "places.csv",  "crossings.csv", "links.csv",
                                    "transfers.csv", "unions.csv"};
#define N_FILES (sizeof files / sizeof *files)

static char dir[64];

static void cleanup(void)
{
    char path[128];
    for (size_t i = 0; i < N_FILES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void report(void *ctx, int is_error, const char *line)
{
    /* Touch every byte of the message: it must be a valid string. */
    size_t *n = ctx;
    *n += strlen(line) + (size_t)is_error;
}

/* Find the next separator line "%%" at or after pos; returns the end of
 * the part and sets *next to the start of the following part. */
static size_t part_end(const uint8_t *d, size_t size, size_t pos, size_t *next)
{
    for (size_t i = pos; i + 2 <= size; i++) {
        if ((i == pos || d[i - 1] == '\n') && d[i] == '%' && d[i + 1] == '%' && (i + 2 == size || d[i + 2] == '\n')) {
            *next = i + 2 < size ? i + 3 : size;
            return i;
        }
    }
    *next = size + 1;
    return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/srfuzz-load-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        atexit(cleanup);
    }
    size_t pos = 0;
    char path[128];
    for (size_t i = 0; i < N_FILES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (pos > size) {
            unlink(path);
            continue;
        }
        size_t next, end = part_end(data, size, pos, &next);
        FILE *f = fopen(path, "wb");
        if (!f)
            abort();
        if (end > pos && fwrite(data + pos, 1, end - pos, f) != end - pos)
            abort();
        fclose(f);
        pos = next;
    }
    size_t n = 0;
    (void)sr_check_data(dir, report, &n);
    sr_network *net = NULL;
    if (sr_network_open(dir, &net) == SR_OK && sr_network_place_count(net) >= 2) {
        sr_query *q = NULL;
        if (sr_query_create(net, &q) == SR_OK) {
            sr_route_options o;
            sr_route_options_init(&o);
            o.from = sr_network_place(net, 0)->id;
            o.to = sr_network_place(net, sr_network_place_count(net) - 1)->id;
            o.unit = SR_UNIT_T;
            sr_result *r = NULL;
            if (sr_route_query(q, &o, &r) == SR_OK) {
                char *js = sr_result_json(net, r, 0);
                sr_free(js);
            }
            /* Customs unions and the class table: every answer must be a
             * valid string or NULL. */
            const char *u = sr_network_common_union(net, sr_network_place(net, 0)->country,
                                                    sr_network_place(net, 1)->country, 2020);
            if (u)
                (void)strlen(u);
            for (size_t c = 0; c < sr_network_class_count(net); c++)
                (void)strlen(sr_network_class_name(net, (sr_class)c));
            sr_result_free(r);
            o.pareto = 1;
            o.max_labels = 20000;
            r = NULL;
            (void)sr_route_query(q, &o, &r);
            sr_result_free(r);
        }
        sr_query_destroy(q);
    } else if (net) {
        (void)strlen(sr_network_errmsg(net));
    }
    sr_network_close(net);
    return 0;
}
