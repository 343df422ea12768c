/*
 * fuzz_analysis.c - libFuzzer target for the request handling of the
 * analysis endpoints (src/server/analysis.c): the split of /v1/reach and
 * /v1/matrix requests into their own parameters and the route options,
 * budgets, bands, coordinates, place lists and JSON bodies, and the
 * scenario bodies of /v1/assign, against the mini test network
 * (tests/data/mini, so run from the repository root).  The first byte picks
 * the endpoint and the method; the rest is "QUERY\nBODY".  Every answer
 * must be a complete JSON/GeoJSON/CSV body with a 2xx-4xx status (5xx only
 * for the assignment, whose mini network has no demand), never a crash, a
 * leak or undefined behaviour.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_analysis -max_total_time=60 fuzz/corpus/analysis
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sr_network *net;
static sr_query *q;
static sr__analysis *an;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!net) {
        if (sr_network_open("tests/data/mini", &net) != SR_OK || sr_query_create(net, &q) != SR_OK)
            abort();
        an = sr__analysis_create(net, 1, 0);
    }
    if (size < 1 || size > 70000)
        return 0;
    static const char *const paths[] = {"/v1/reach", "/v1/matrix", "/v1/reach", "/v1/matrix", "/v1/assign",
                                        "/v1/assign/compare", "/v1/scenarios", "/v1/reach"};
    const char *path = paths[data[0] & 7];
    int post = (data[0] >> 3) & 1;
    const char *s = (const char *)data + 1, *nl = memchr(s, '\n', size - 1);
    size_t qlen = nl ? (size_t)(nl - s) : size - 1;
    const char *body = nl ? nl + 1 : "";
    size_t blen = nl ? size - 1 - qlen - 1 : 0;
    char uri[9000];
    if (qlen > 8000)
        return 0;
    int n = snprintf(uri, sizeof uri, "%s?%.*s", path, (int)qlen, s);
    char err[SR__ERRLEN];
    sr__target t;
    if (sr__target_parse(uri, (size_t)n, &t, err, sizeof err) == 0) {
        sr__answer ans;
        sr__analysis_handle(an, q, t.path, post, &t, body, blen, &ans);
        if (!ans.body || ans.status < 200 || ans.status > 599 || !ans.ctype || strlen(ans.body) != ans.len)
            abort();
        if (ans.status >= 500 && (!strcmp(path, "/v1/reach") || !strcmp(path, "/v1/matrix")))
            abort();
        free(ans.body);
    }
    sr__target_free(&t);
    return 0;
}
