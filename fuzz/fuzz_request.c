/*
 * fuzz_request.c - libFuzzer target for the HTTP server's request parsing
 * (src/server/request.c): the first input byte chooses between a request
 * target (then its query parameters as /v1/route options) and a JSON body.
 * Any input must give 0 or a 4xx (5xx only for memory), never a crash, a
 * leak or undefined behaviour.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_request -max_total_time=60 fuzz/corpus-request fuzz/seeds-request
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char err[SR__ERRLEN];
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    if (data[0] & 1) {
        sr__route_req r;
        int st = sr__route_from_json(s, n, &r, err, sizeof err);
        if (st != 0 && (st < 400 || st > 500))
            abort();
        if (st == 0 && (!r.opts.from || !r.opts.to))
            abort();
        sr__route_req_free(&r);
        return 0;
    }
    sr__target t;
    int st = sr__target_parse(s, n, &t, err, sizeof err);
    if (st == 0) {
        if (!t.path || t.path[0] != '/' || !sr__utf8_valid(t.path, strlen(t.path)))
            abort();
        sr__route_req r;
        st = sr__route_from_params(t.params, t.n_params, &r, err, sizeof err);
        if (st != 0 && (st < 400 || st > 500))
            abort();
        sr__route_req_free(&r);
    } else if (st < 400 || st > 500) {
        abort();
    }
    sr__target_free(&t);
    return 0;
}
