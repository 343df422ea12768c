/*
 * fuzz_srn.c - libFuzzer target for the compiled network file reader
 * (src/lib/srn/srn.c, docs/FORMAT.md).
 *
 * The input is a compiled file.  Random bytes almost never carry valid
 * checksums, which would stop every input at the first check; so when the
 * input's first byte is odd the target first recomputes the section,
 * table and header checksums the way docs/FORMAT.md defines them (where
 * the header's offsets allow), and the reader's structural checks -- counts,
 * offsets, indexes, string offsets, the hierarchies' edges -- get the
 * input.  A file the reader accepts is then queried, with and without its
 * hierarchy, so whatever the checks let through is known to be safe for
 * the searches too.  Seeds: fuzz/corpus/srn/ (tests/data/mini compiled, and
 * mini-documents.srn: the same with data/documents/ and its sources, the
 * formalities of crossings mini lacks left out: sections 35-39 and 41).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "silkroute.h"
#include "srn/srn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void cleanup(void) { unlink(path); }

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

static void reseal(uint8_t *b, size_t n)
{
    if (n < SRN_HEADER)
        return;
    uint64_t toff = rd64(b + 24);
    uint32_t ns = rd32(b + 32);
    if (toff > n || ns > SRN_MAX_SECTIONS || (n - toff) / 32 < ns)
        return;
    for (uint32_t i = 0; i < ns; i++) {
        uint8_t *t = b + toff + 32 * i;
        uint64_t off = rd64(t + 8), sz = rd64(t + 16);
        if (off <= n && sz <= n - off)
            wr32(t + 4, sr__crc32(0, b + off, (size_t)sz));
    }
    wr32(b + 36, sr__crc32(0, b + toff, 32 * (size_t)ns));
    wr32(b + 60, sr__crc32(0, b, 60));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/fuzz_srn.%ld.srn", (long)getpid());
        atexit(cleanup);
    }
    uint8_t *b = malloc(size + 1);
    if (!b)
        return 0;
    memcpy(b, data, size);
    if (size && (data[0] & 1) == 0)
        ; /* as given */
    else
        reseal(b, size);
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(b);
        return 0;
    }
    fwrite(b, 1, size, f);
    fclose(f);
    free(b);
    sr_network *net = NULL;
    if (sr_network_open(path, &net) == SR_OK && sr_network_place_count(net) >= 2) {
        sr_query *q = NULL;
        if (sr_query_create(net, &q) == SR_OK) {
            sr_query_set_budget(q, 200000, 0);
            for (int k = 0; k < 2; k++) {
                sr_route_options o;
                sr_route_options_init(&o);
                o.from = sr_network_place(net, 0)->id;
                o.to = sr_network_place(net, sr_network_place_count(net) - 1)->id;
                if (k)
                    o.quantity = 2; /* Dijkstra on the same arrays */
                sr_result *r = NULL;
                if (sr_route_query(q, &o, &r) == SR_OK) {
                    char *j = sr_result_json(net, r, 0);
                    free(j);
                }
                sr_result_free(r);
            }
            sr_query_destroy(q);
        }
    }
    sr_network_close(net);
    return 0;
}
