/*
 * request.h - pure parsing of HTTP requests for `silkroute serve`: the
 * request target (path and query string) and the route options of
 * /v1/route, from a query string or a JSON body.
 *
 * Nothing here touches sockets or libmicrohttpd, so the same functions are
 * unit-tested (tests/test_server_request.c) and fuzzed
 * (fuzz/fuzz_request.c).  Every function checks its limits and, on bad
 * input, returns an HTTP status with a message that names the offending
 * parameter; none of them can fail with a 5xx on any input except when
 * memory runs out.
 */
#ifndef SR_SERVER_REQUEST_H
#define SR_SERVER_REQUEST_H

#include <stddef.h>

#include "silkroute.h"

/* Limits of one request.  The URI limit is well below libmicrohttpd's
 * connection buffer so that our JSON 414 answers, not its HTML one. */
#define SR__MAX_URI 8192
/* libmicrohttpd's memory per connection (request line, headers, the
 * answer's header lines): twice the URI limit. */
#define SR__MHD_POOL (2 * SR__MAX_URI)
#define SR__MAX_BODY 65536
#define SR__MAX_PARAMS 32
#define SR__ERRLEN 512
/* Options per /v1/route answer: the default, and the most max_options may
 * ask for (docs/API.md). */
#define SR__DEFAULT_OPTIONS 50
#define SR__MAX_OPTIONS 500

typedef struct sr__param {
    char *key, *value; /* percent-decoded, NUL-terminated UTF-8 */
} sr__param;

/* A parsed request target: "/v1/places/KZALA?q=al".  Owns its strings. */
typedef struct sr__target {
    char *path;
    size_t n_params;
    sr__param params[SR__MAX_PARAMS];
    char *buf;
} sr__target;

/*
 * Parse the raw request target `uri` (len bytes, not necessarily
 * NUL-terminated).  Returns 0 and fills *t (release it with
 * sr__target_free()), or an HTTP status (400, 414; 500 only when memory
 * runs out) with a message in err.  Rejects bad percent escapes, bad UTF-8,
 * NUL and control bytes, too many and repeated parameters.
 */
int sr__target_parse(const char *uri, size_t len, sr__target *t, char *err, size_t errlen);
void sr__target_free(sr__target *t);
/* The value of parameter `key`, or NULL. */
const char *sr__target_get(const sr__target *t, const char *key);

/* Strictly valid UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
int sr__utf8_valid(const char *s, size_t len);

/* A route request: the options plus the storage their strings point to. */
enum { SR__FMT_JSON = 0, SR__FMT_GEOJSON = 1, SR__FMT_CSV = 2, SR__FMT_XLSX = 3 };

typedef struct sr__route_req {
    sr_route_options opts;
    int geojson;          /* format=geojson */
    int format;           /* SR__FMT_*: json, geojson, csv or xlsx */
    int geometry;         /* geometry=true: legs carry their LineString */
    int mile;             /* mile=true (1), false (0), not given (-1): first and last mile
                           * from coordinates on the server's detailed network */
    char *arena;
    size_t used, cap;
    /* Timetabled queries (issue 4): kept as text and applied by the route
     * endpoint with sr_route_options_set_times(), which needs the network
     * to read times without an offset in the origin's time zone. */
    const char *depart, *arrive_by, *window;
} sr__route_req;

/*
 * Fill r from query parameters or a JSON body.  Both accept exactly the
 * options of `silkroute route`: from, to, by, pareto, pareto_tolerance, modes,
 * avoid_countries, avoid, year, cargo, quantity, max_transfers, weights,
 * depart, arrive_by, window, min_transfer, max_options, format, geometry and mile; anything
 * else is a 400 naming it.  Both paths reject control characters in every
 * value (a JSON string may carry them escaped, a query string may not), so
 * one set of options has one meaning whichever way it came.
 * Return 0, or an HTTP status with err set ("parameter 'year': ...").
 * r must be released with sr__route_req_free() in every case.
 */
int sr__route_from_params(const sr__param *p, size_t n, sr__route_req *r, char *err, size_t errlen);
int sr__route_from_json(const char *body, size_t len, sr__route_req *r, char *err, size_t errlen);
void sr__route_req_free(sr__route_req *r);

/* Parse "rail,road" into a mode bit set; -1 and err naming `param` on a
 * bad or empty list. */
long sr__parse_modes(const char *s, const char *param, char *err, size_t errlen);
/* Numbers (sr__parse_long, sr__parse_double) are parsed by the library's
 * one strict parser, shared with the CLI and the data files. */
#include "core/num.h"

/* HTTP status for a library code: SR_EARG 400, SR_EPLACE 404,
 * SR_ENOROUTE 422, SR_ELIMIT 422 (the query needs more work than its
 * budget; the server answers 503 instead when it cancelled the query),
 * others 500. */
int sr__http_status(sr_code c);

#endif
