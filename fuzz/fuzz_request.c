/*
 * fuzz_request.c - libFuzzer target for the HTTP server's request parsing
 * (src/server/request.c): the first input byte chooses between a request
 * target (then its query parameters as /v1/route options) and a JSON body.
 * Any input must give 0 or a 4xx (5xx only for memory), never a crash, a
 * leak or undefined behaviour, and parsed options never hold a control
 * character.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_request -max_total_time=60 fuzz/corpus-request fuzz/seeds-request
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* No control character reaches the options, by either path (issue 8: a
 * JSON "\u001f" once poisoned the answer cache). */
static int clean_str(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return 0;
    return 1;
}

static int clean(const sr__route_req *r)
{
    const sr_route_options *o = &r->opts;
    int ok = clean_str(o->from) && clean_str(o->to) && clean_str(r->depart) && clean_str(r->arrive_by) &&
             clean_str(r->window) && o->max_options >= 1 && o->max_options <= SR__MAX_OPTIONS;
    for (size_t i = 0; i < o->n_avoid; i++)
        ok = ok && clean_str(o->avoid[i]);
    for (size_t i = 0; i < o->n_avoid_countries; i++)
        ok = ok && clean_str(o->avoid_countries[i]);
    return ok;
}

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
        if (st == 0 && !clean(&r))
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
        if (st == 0 && !clean(&r))
            abort();
        sr__route_req_free(&r);
    } else if (st < 400 || st > 500) {
        abort();
    }
    sr__target_free(&t);
    return 0;
}
