/*
 * request.c - pure request parsing for the HTTP server (see request.h):
 * percent-decoding of the request target, UTF-8 validation, and the
 * translation of /v1/route parameters (query string or JSON body) into
 * sr_route_options.
 *
 * The route options hold `const char *` into storage owned by the request
 * (sr__route_req.arena), sized from the input so that it can never
 * overflow: a decoded string is never longer than its encoded form.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "request.h"

static int fail(char *err, size_t errlen, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return status;
}

int sr__utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3, cp = c & 0x07;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode src[0..n) into dst (room for n+1), '+' as space when `form`.
 * Returns the decoded length, or -1 on a bad escape or a control byte. */
static long pct_decode(const char *src, size_t n, char *dst, int form)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = hexval((unsigned char)src[i + 1]);
            int lo = hexval((unsigned char)src[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && form) {
            c = ' ';
        }
        if (c < 0x20 || c == 0x7F)
            return -1;
        dst[o++] = (char)c;
    }
    dst[o] = '\0';
    return (long)o;
}

void sr__target_free(sr__target *t)
{
    if (!t)
        return;
    free(t->buf);
    memset(t, 0, sizeof *t);
}

const char *sr__target_get(const sr__target *t, const char *key)
{
    for (size_t i = 0; i < t->n_params; i++)
        if (!strcmp(t->params[i].key, key))
            return t->params[i].value;
    return NULL;
}

int sr__target_parse(const char *uri, size_t len, sr__target *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (len > SR__MAX_URI)
        return fail(err, errlen, 414, "request URI longer than %d bytes", SR__MAX_URI);
    /* Absolute form ("GET http://host/v1/health"), which HTTP/1.1 servers
     * must accept: the authority is not ours to check, keep the path. */
    size_t skip = len >= 7 && !strncasecmp(uri, "http://", 7) ? 7 : len >= 8 && !strncasecmp(uri, "https://", 8) ? 8 : 0;
    if (skip) {
        const char *slash = memchr(uri + skip, '/', len - skip);
        if (!slash)
            return fail(err, errlen, 400, "absolute request target without a path");
        len -= (size_t)(slash - uri);
        uri = slash;
    }
    if (len == 0 || uri[0] != '/')
        return fail(err, errlen, 400, "request target must start with '/'");
    /* Decoded pieces are never longer than the raw target; one buffer of
     * len + 1 bytes per piece, NULs included, is enough for all of them. */
    t->buf = malloc(2 * len + 2);
    if (!t->buf)
        return fail(err, errlen, 500, "out of memory");
    char *out = t->buf;
    const char *q = memchr(uri, '?', len);
    size_t plen = q ? (size_t)(q - uri) : len;
    /* A fragment never reaches a server; treat '#' like any bad byte. */
    if (memchr(uri, '#', len))
        return fail(err, errlen, 400, "request target contains '#'");
    long n = pct_decode(uri, plen, out, 0);
    if (n < 0)
        return fail(err, errlen, 400, "bad percent-encoding or control character in path");
    if (!sr__utf8_valid(out, (size_t)n))
        return fail(err, errlen, 400, "path is not valid UTF-8");
    t->path = out;
    out += n + 1;
    if (!q)
        return 0;
    const char *p = q + 1, *end = uri + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if (stop == p) { /* empty piece: "a=1&&b=2" or a trailing '&' */
            p = stop + 1;
            continue;
        }
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        const char *kend = eq ? eq : stop;
        if (t->n_params == SR__MAX_PARAMS)
            return fail(err, errlen, 400, "more than %d query parameters", SR__MAX_PARAMS);
        char *key = out;
        n = pct_decode(p, (size_t)(kend - p), key, 1);
        if (n < 0 || n == 0)
            return fail(err, errlen, 400, "bad query parameter name");
        if (!sr__utf8_valid(key, (size_t)n))
            return fail(err, errlen, 400, "query parameter name is not valid UTF-8");
        out += n + 1;
        char *val = out;
        n = eq ? pct_decode(eq + 1, (size_t)(stop - eq - 1), val, 1) : (val[0] = '\0', 0);
        /* Quote at most 64 bytes of a name that may be hostile. */
        if (n < 0)
            return fail(err, errlen, 400, "parameter '%.64s': bad percent-encoding or control character", key);
        if (!sr__utf8_valid(val, (size_t)n))
            return fail(err, errlen, 400, "parameter '%.64s': not valid UTF-8", key);
        out += n + 1;
        for (size_t i = 0; i < t->n_params; i++)
            if (!strcmp(t->params[i].key, key))
                return fail(err, errlen, 400, "parameter '%.64s' given more than once", key);
        t->params[t->n_params].key = key;
        t->params[t->n_params].value = val;
        t->n_params++;
        p = stop + 1;
    }
    return 0;
}

int sr__http_status(sr_code c)
{
    switch (c) {
    case SR_OK: return 200;
    case SR_EARG: return 400;
    case SR_EPLACE: return 404;
    case SR_ENOROUTE: return 422;
    /* A query whose search exceeds its work budget is well-formed but
     * asks too much: the client must narrow it. */
    case SR_ELIMIT: return 422;
    default: return 500;
    }
}

/* ---------------------------------------------------------------------------
 * Route options
 * ------------------------------------------------------------------------- */

static void route_req_init(sr__route_req *r, size_t cap)
{
    memset(r, 0, sizeof *r);
    sr_route_options_init(&r->opts);
    r->opts.max_options = SR__DEFAULT_OPTIONS;
    r->mile = -1;
    r->cap = cap;
    r->arena = malloc(cap ? cap : 1);
}

void sr__route_req_free(sr__route_req *r)
{
    if (!r)
        return;
    free(r->arena);
    memset(r, 0, sizeof *r);
}

/* Copy s into the arena; NULL if it does not fit (which the sizing rules
 * out) or the arena could not be allocated. */
static char *arena_copy(sr__route_req *r, const char *s, size_t n)
{
    if (!r->arena || r->cap - r->used < n + 1)
        return NULL;
    char *d = r->arena + r->used;
    memcpy(d, s, n);
    d[n] = '\0';
    r->used += n + 1;
    return d;
}

long sr__parse_modes(const char *s, const char *param, char *err, size_t errlen)
{
    unsigned bits = 0;
    const char *p = s;
    while (1) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        char name[16];
        int m = -1;
        if (n > 0 && n < sizeof name) {
            memcpy(name, p, n);
            name[n] = '\0';
            m = sr_mode_parse(name);
        }
        if (m < 0) {
            fail(err, errlen, 400, "parameter '%s': expected a comma-separated list of rail, road, sea, air; got '%.*s'",
                 param, (int)(n > 64 ? 64 : n), p);
            return -1;
        }
        bits |= SR_MODE_BIT(m);
        if (!c)
            break;
        p = c + 1;
    }
    return (long)bits;
}

/* Split a comma-separated list into the arena and the array; empty items
 * are skipped so that "KZ," and "" mean what they look like. */
static int add_list(sr__route_req *r, const char *param, const char *s, const char **arr, size_t *n, int iso2,
                    char *err, size_t errlen)
{
    const char *p = s;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (len) {
            if (*n == SR_MAX_AVOID)
                return fail(err, errlen, 400, "parameter '%s': more than %d items", param, SR_MAX_AVOID);
            if (iso2 && (len != 2 || p[0] < 'A' || p[0] > 'Z' || p[1] < 'A' || p[1] > 'Z'))
                return fail(err, errlen, 400, "parameter '%s': expected ISO 3166-1 alpha-2 codes like KZ; got '%.*s'",
                            param, (int)(len > 64 ? 64 : len), p);
            const char *d = arena_copy(r, p, len);
            if (!d)
                return fail(err, errlen, 500, "out of memory");
            arr[(*n)++] = d;
        }
        if (!c)
            break;
        p = c + 1;
    }
    return 0;
}

/* "40ft", "20ft", "t", or a quantity: "3x40ft", "2×20ft", "25t". */
static int parse_cargo(const char *s, sr_route_options *o, char *err, size_t errlen)
{
    int u = sr_unit_parse(s);
    if (u >= 0) {
        o->unit = (sr_unit)u;
        o->quantity = 1;
        return 0;
    }
    /* Plain decimals only: strtod alone would also take "0x40" or "inf". */
    size_t n = strspn(s, "0123456789.");
    if (n > 0 && n < 32) {
        char num[32], *end;
        memcpy(num, s, n);
        num[n] = '\0';
        errno = 0;
        double q = strtod(num, &end);
        const char *unit = s + n;
        if (*unit == 'x' || *unit == '*')
            unit++;
        else if (!strncmp(unit, "\xC3\x97", 2)) /* U+00D7 multiplication sign */
            unit += 2;
        u = sr_unit_parse(unit);
        if (!errno && !*end && u >= 0 && isfinite(q) && q > 0 && q <= 1e6) {
            o->unit = (sr_unit)u;
            o->quantity = q;
            return 0;
        }
    }
    return fail(err, errlen, 400,
                "parameter 'cargo': expected 20ft, 40ft or t, optionally with a quantity (3x40ft, 25t); got '%.64s'", s);
}

/* A non-negative decimal ("2", "0.5", "1e3") by the library's strict
 * parser (num.h), the same as the CLI's and the data files': no hex, no
 * blanks, no "inf". */
static int parse_decimal(const char *s, double *out)
{
    return sr__parse_double(s, 0, HUGE_VAL, out) ? -1 : 0;
}

static int parse_bool(const char *s, int *out)
{
    if (!strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "yes") || !strcmp(s, "")) {
        *out = 1;
        return 0;
    }
    if (!strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "no")) {
        *out = 0;
        return 0;
    }
    return -1;
}

/* Apply one parameter given as a string (query string, or a JSON string
 * value).  Returns 0 or an HTTP status with err set. */
static int apply_param(sr__route_req *r, const char *key, const char *val, char *err, size_t errlen)
{
    sr_route_options *o = &r->opts;
    long v;
    /* Control characters are refused in every value, from a query string
     * (where pct_decode refuses them too) or a JSON body (where "\u001f"
     * is valid JSON): no spelling may smuggle one into a place name. */
    for (const unsigned char *c = (const unsigned char *)val; *c; c++)
        if (*c < 0x20 || *c == 0x7F)
            return fail(err, errlen, 400, "parameter '%.64s': contains a control character", key);
    if (!strcmp(key, "from") || !strcmp(key, "to")) {
        if (!*val)
            return fail(err, errlen, 400, "parameter '%s': must not be empty", key);
        if (strlen(val) > 256)
            return fail(err, errlen, 400, "parameter '%s': longer than 256 bytes", key);
        const char *d = arena_copy(r, val, strlen(val));
        if (!d)
            return fail(err, errlen, 500, "out of memory");
        if (key[0] == 'f')
            o->from = d;
        else
            o->to = d;
    } else if (!strcmp(key, "by")) {
        if (!strcmp(val, "time"))
            o->objective = SR_BY_TIME;
        else if (!strcmp(val, "cost"))
            o->objective = SR_BY_COST;
        else if (!strcmp(val, "co2") || !strcmp(val, "co2e"))
            o->objective = SR_BY_CO2;
        else if (!strcmp(val, "reliable"))
            o->objective = SR_BY_RELIABLE;
        else
            return fail(err, errlen, 400, "parameter 'by': expected time, cost, co2 or reliable; got '%.64s'", val);
    } else if (!strcmp(key, "pareto")) {
        if (parse_bool(val, &o->pareto))
            return fail(err, errlen, 400, "parameter 'pareto': expected true or false; got '%.64s'", val);
    } else if (!strcmp(key, "modes")) {
        long m = sr__parse_modes(val, "modes", err, errlen);
        if (m < 0)
            return 400;
        o->modes = (unsigned)m;
    } else if (!strcmp(key, "avoid_countries")) {
        return add_list(r, key, val, o->avoid_countries, &o->n_avoid_countries, 1, err, errlen);
    } else if (!strcmp(key, "avoid")) {
        return add_list(r, key, val, o->avoid, &o->n_avoid, 0, err, errlen);
    } else if (!strcmp(key, "year")) {
        if (sr__parse_long(val, 1800, 2200, &v))
            return fail(err, errlen, 400, "parameter 'year': expected an integer from 1800 to 2200; got '%.64s'", val);
        o->year = (int)v;
    } else if (!strcmp(key, "pareto_tolerance")) {
        double pct;
        if (parse_decimal(val, &pct) || pct > 1000)
            return fail(err, errlen, 400, "parameter 'pareto_tolerance': expected a percentage from 0 to 1000; got '%.64s'",
                        val);
        o->pareto_tolerance = pct / 100.0;
        o->pareto = 1;
    } else if (!strcmp(key, "quantity")) {
        double q;
        if (parse_decimal(val, &q) || q <= 0 || q > 1e9)
            return fail(err, errlen, 400, "parameter 'quantity': expected a number in (0, 1e9]; got '%.64s'", val);
        o->quantity = q;
    } else if (!strcmp(key, "weights")) {
        double w[3];
        const char *p = val;
        for (int k = 0; k < 3; k++) {
            char num[40];
            size_t n = strcspn(p, ",");
            if (n == 0 || n >= sizeof num || (k < 2 && p[n] != ',') || (k == 2 && p[n]))
                return fail(err, errlen, 400, "parameter 'weights': expected TIME_H,COST_USD,CO2E_KG (three numbers >= 0)");
            memcpy(num, p, n);
            num[n] = '\0';
            if (parse_decimal(num, &w[k]) || w[k] > 1e12)
                return fail(err, errlen, 400, "parameter 'weights': expected TIME_H,COST_USD,CO2E_KG (three numbers >= 0)");
            p += n + (p[n] ? 1 : 0);
        }
        o->objective = SR_BY_BLEND;
        o->weight_time_h = w[0];
        o->weight_cost_usd = w[1];
        o->weight_co2e_kg = w[2];
    } else if (!strcmp(key, "cargo")) {
        return parse_cargo(val, o, err, errlen);
    } else if (!strcmp(key, "consignment_note")) {
        /* Transport documents (docs/DOCUMENTS.md): the rail note regime. */
        if (!strcmp(val, "cim-smgs"))
            o->consignment_note = SR_NOTE_CIM_SMGS;
        else if (!strcmp(val, "separate"))
            o->consignment_note = SR_NOTE_SEPARATE;
        else
            return fail(err, errlen, 400, "parameter 'consignment_note': expected cim-smgs or separate; got '%.64s'", val);
    } else if (!strcmp(key, "road_regime")) {
        if (!strcmp(val, "tir"))
            o->road_regime = SR_ROAD_TIR;
        else if (!strcmp(val, "transit"))
            o->road_regime = SR_ROAD_TRANSIT;
        else
            return fail(err, errlen, 400, "parameter 'road_regime': expected tir or transit; got '%.64s'", val);
    } else if (!strcmp(key, "max_transfers")) {
        if (sr__parse_long(val, -1, 31, &v))
            return fail(err, errlen, 400, "parameter 'max_transfers': expected an integer from 0 to 31 (-1: no limit); got '%.64s'",
                        val);
        o->max_transfers = (int)v;
    } else if (!strcmp(key, "depart") || !strcmp(key, "arrive_by") || !strcmp(key, "window")) {
        if (!*val || strlen(val) > 64)
            return fail(err, errlen, 400, "parameter '%s': must be 1 to 64 bytes", key);
        const char *d = arena_copy(r, val, strlen(val));
        if (!d)
            return fail(err, errlen, 500, "out of memory");
        if (key[0] == 'd')
            r->depart = d;
        else if (key[0] == 'a')
            r->arrive_by = d;
        else
            r->window = d;
    } else if (!strcmp(key, "min_transfer")) {
        if (sr__parse_long(val, 0, 7 * 24 * 60, &v))
            return fail(err, errlen, 400, "parameter 'min_transfer': expected minutes from 0 to 10080; got '%.64s'",
                        val);
        o->min_transfer_s = (int)v * 60;
    } else if (!strcmp(key, "max_options")) {
        if (sr__parse_long(val, 1, SR__MAX_OPTIONS, &v))
            return fail(err, errlen, 400, "parameter 'max_options': expected an integer from 1 to %d; got '%.64s'",
                        SR__MAX_OPTIONS, val);
        o->max_options = (size_t)v;
    } else if (!strcmp(key, "format")) {
        static const char *const fmts[] = {"json", "geojson", "csv", "xlsx"};
        int f = -1;
        for (int k = 0; k < 4; k++)
            if (!strcmp(val, fmts[k]))
                f = k;
        if (f < 0)
            return fail(err, errlen, 400, "parameter 'format': expected json, geojson, csv or xlsx; got '%.64s'", val);
        r->format = f;
        r->geojson = f == SR__FMT_GEOJSON;
    } else if (!strcmp(key, "geometry")) {
        if (parse_bool(val, &r->geometry))
            return fail(err, errlen, 400, "parameter 'geometry': expected true or false; got '%.64s'", val);
    } else if (!strcmp(key, "mile")) {
        if (parse_bool(val, &r->mile))
            return fail(err, errlen, 400, "parameter 'mile': expected true or false; got '%.64s'", val);
    } else {
        return fail(err, errlen, 400, "unknown parameter '%.64s'", key);
    }
    return 0;
}

static int check_required(const sr__route_req *r, char *err, size_t errlen)
{
    if (!r->opts.from)
        return fail(err, errlen, 400, "parameter 'from' is required");
    if (!r->opts.to)
        return fail(err, errlen, 400, "parameter 'to' is required");
    return 0;
}

int sr__route_from_params(const sr__param *p, size_t n, sr__route_req *r, char *err, size_t errlen)
{
    size_t total = 16;
    for (size_t i = 0; i < n; i++)
        total += strlen(p[i].value) + 2;
    route_req_init(r, total);
    if (!r->arena)
        return fail(err, errlen, 500, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int st = apply_param(r, p[i].key, p[i].value, err, errlen);
        if (st)
            return st;
    }
    return check_required(r, err, errlen);
}

/* A JSON value as the string a query parameter would carry: strings as
 * they are, integers and booleans spelled out, arrays of strings joined
 * with commas.  Returns 0, or 400 with err naming the key. */
static int json_to_param(sr__route_req *r, const char *key, json_t *v, char *buf, size_t bufsz, char *err,
                         size_t errlen)
{
    if (json_is_string(v)) {
        size_t n = json_string_length(v);
        const char *s = json_string_value(v);
        if (memchr(s, '\0', n))
            return fail(err, errlen, 400, "parameter '%s': contains a NUL character", key);
        if (n >= bufsz)
            return fail(err, errlen, 400, "parameter '%s': too long", key);
        memcpy(buf, s, n + 1);
    } else if (json_is_integer(v)) {
        snprintf(buf, bufsz, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    } else if (json_is_real(v)) {
        double d = json_real_value(v);
        /* Only "cargo" takes a number with a fraction, and only with a unit. */
        if (d != floor(d) || fabs(d) > 1e9)
            return fail(err, errlen, 400, "parameter '%s': expected an integer", key);
        snprintf(buf, bufsz, "%.0f", d);
    } else if (json_is_boolean(v)) {
        snprintf(buf, bufsz, "%s", json_is_true(v) ? "true" : "false");
    } else if (json_is_array(v)) {
        size_t o = 0, i;
        json_t *e;
        buf[0] = '\0';
        json_array_foreach(v, i, e) {
            if (!json_is_string(e))
                return fail(err, errlen, 400, "parameter '%s': expected an array of strings", key);
            size_t n = json_string_length(e);
            const char *s = json_string_value(e);
            if (memchr(s, '\0', n) || memchr(s, ',', n))
                return fail(err, errlen, 400, "parameter '%s': item contains a NUL or a comma", key);
            if (!n)
                return fail(err, errlen, 400, "parameter '%s': empty item", key);
            if (o + n + 2 > bufsz)
                return fail(err, errlen, 400, "parameter '%s': too long", key);
            if (o)
                buf[o++] = ',';
            memcpy(buf + o, s, n + 1);
            o += n;
        }
        if (!strcmp(key, "modes") && i == 0)
            return fail(err, errlen, 400, "parameter 'modes': empty list");
    } else {
        return fail(err, errlen, 400, "parameter '%s': unexpected JSON type", key);
    }
    (void)r;
    return 0;
}

int sr__route_from_json(const char *body, size_t len, sr__route_req *r, char *err, size_t errlen)
{
    route_req_init(r, len + 16);
    if (!r->arena)
        return fail(err, errlen, 500, "out of memory");
    if (len > SR__MAX_BODY)
        return fail(err, errlen, 413, "request body larger than %d bytes", SR__MAX_BODY);
    if (!sr__utf8_valid(body, len))
        return fail(err, errlen, 400, "request body is not valid UTF-8");
    json_error_t jerr;
    /* Reject duplicate keys like repeated query parameters. */
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!root)
        return fail(err, errlen, 400, "request body is not valid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                    jerr.column);
    int st = 0;
    if (!json_is_object(root)) {
        st = fail(err, errlen, 400, "request body must be a JSON object");
    } else {
        const char *key;
        json_t *v;
        /* A value never expands when spelled as a parameter string, except
         * small numbers and booleans, which fit in the slack of 16 bytes
         * per item; the arena was sized as len + 16 and every copy is
         * checked anyway. */
        char *buf = malloc(len + 32);
        if (!buf) {
            st = fail(err, errlen, 500, "out of memory");
        } else {
            json_object_foreach(root, key, v) {
                if (json_is_null(v))
                    continue;
                st = json_to_param(r, key, v, buf, len + 32, err, errlen);
                if (!st)
                    st = apply_param(r, key, buf, err, errlen);
                if (st)
                    break;
            }
            free(buf);
        }
        if (!st)
            st = check_required(r, err, errlen);
    }
    json_decref(root);
    return st;
}
