/*
 * json.c - the JSON and GeoJSON forms of results, places and the network:
 * the contract that the CLI (--json, --geojson), the HTTP API and the web
 * map share (docs/API.md).  Fields may be added; never renamed.
 *
 * Places and the network are built with jansson; routes, route GeoJSON and
 * errors, the HTTP API's hot path, with a small streaming writer (below).
 * Numbers are rounded to what is meaningful (0.01 h, km, USD, kg; 1e-6
 * degrees) so that output is stable and diffable.
 */
#include <jansson.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "network/network.h"
#include "route/route.h"

static json_t *num(double v, double unit)
{
    double r = round(v / unit) * unit;
    if (r == 0)
        r = 0; /* no "-0" */
    return json_real(r);
}

static char *dump(json_t *j, unsigned flags)
{
    if (!j)
        return NULL;
    size_t f = JSON_REAL_PRECISION(12) | JSON_ENSURE_ASCII * 0;
    f |= (flags & SR_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT;
    char *s = json_dumps(j, f);
    json_decref(j);
    return s; /* jansson allocates with malloc by default: sr_free() frees */
}

static json_t *place_ref(const sr_network *net, uint32_t p)
{
    const sr_place *pl = &net->places[p];
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id", pl->id, "name", pl->name_en, "name_zh",
                     pl->name_zh, "name_ru", pl->name_ru, "country", pl->country, "kind",
                     sr_place_kind_name(pl->kind), "lat", num(pl->lat, 1e-6), "lon", num(pl->lon, 1e-6));
}

/* A link's line from end a to end b through its geometry, if any. */
static json_t *line(const sr_place *a, const sr_place *b, const double *geom, uint32_t n_geom)
{
    json_t *coords = json_array();
    json_array_append_new(coords, json_pack("[o,o]", num(a->lon, 1e-6), num(a->lat, 1e-6)));
    for (uint32_t i = 0; i < n_geom; i++)
        json_array_append_new(coords, json_pack("[o,o]", num(geom[2 * i], 1e-6), num(geom[2 * i + 1], 1e-6)));
    json_array_append_new(coords, json_pack("[o,o]", num(b->lon, 1e-6), num(b->lat, 1e-6)));
    return json_pack("{s:s, s:o}", "type", "LineString", "coordinates", coords);
}

static json_t *point(double lon, double lat)
{
    return json_pack("{s:s, s:[o,o]}", "type", "Point", "coordinates", num(lon, 1e-6), num(lat, 1e-6));
}

/* ---- streaming writer ------------------------------------------------------
 * Routes are the hot path of the HTTP API: building a jansson tree for a
 * long route cost some 25 times the search itself, so routes, route
 * GeoJSON and errors are written straight into a capped buffer instead.
 * The output is byte for byte what jansson printed before (compact, or
 * pretty with an indent of 2; reals as "%.12g" with ".0" added), so the
 * contract did not move.  Strings in a network are valid UTF-8 (the CSV
 * reader checks), so escaping is all that is needed. */

#define JW_MAX_OUT ((size_t)256 << 20)
#define JW_MAX_DEPTH 32

typedef struct jw {
    sr__buf b;
    int pretty, depth;
    /* Per depth: 0 no item yet, 1 items written, 2 a key waits for its
     * value (which then takes no separator). */
    unsigned char count[JW_MAX_DEPTH];
} jw;

/* Append n bytes.  The common case (room in the buffer) is inline: a
 * route's JSON is thousands of tiny appends, and a call per append with
 * its checks was a quarter of serialising one (issue 16).  Growth, the cap
 * and failures take sr__buf_add(). */
static inline void jw_put(jw *w, const void *s, size_t n)
{
    sr__buf *b = &w->b;
    if (!b->failed && n < b->cap - b->len && b->len + n <= b->max) {
        char *d = b->p + b->len;
        const char *src = s;
        /* Most appends are a few bytes (keys, numbers, separators): two
         * overlapping word copies instead of a call to memcpy(), which
         * with its dispatch was 6 % of an uncached request (issue 16). */
        if (n >= 8 && n <= 16) {
            uint64_t x, y;
            memcpy(&x, src, 8);
            memcpy(&y, src + n - 8, 8);
            memcpy(d, &x, 8);
            memcpy(d + n - 8, &y, 8);
        } else if (n >= 4 && n < 8) {
            uint32_t x, y;
            memcpy(&x, src, 4);
            memcpy(&y, src + n - 4, 4);
            memcpy(d, &x, 4);
            memcpy(d + n - 4, &y, 4);
        } else if (n < 4) {
            for (size_t i = 0; i < n; i++)
                d[i] = src[i];
        } else {
            memcpy(d, src, n);
        }
        b->len += n;
        b->p[b->len] = 0;
    } else {
        sr__buf_add(b, s, n);
    }
}

static inline void jw_putc(jw *w, char c)
{
    sr__buf *b = &w->b;
    if (!b->failed && b->cap - b->len > 1 && b->len < b->max) {
        b->p[b->len++] = c;
        b->p[b->len] = 0;
    } else {
        sr__buf_add(b, &c, 1);
    }
}

/* A first buffer that holds a typical single-route answer (8-30 KB) after
 * at most two doublings, instead of seven from 256 bytes. */
#define JW_FIRST_CAP 8192
#define JW_HINT_MAX ((size_t)128 << 10)

static void jw_init_cap(jw *w, unsigned flags, size_t cap)
{
    sr__buf_init(&w->b, JW_MAX_OUT);
    if ((w->b.p = malloc(cap)) != NULL) {
        w->b.cap = cap;
        w->b.p[0] = 0;
    }
    w->pretty = (flags & SR_JSON_PRETTY) != 0;
    w->depth = 0;
    w->count[0] = 0;
}

static void jw_init(jw *w, unsigned flags) { jw_init_cap(w, flags, JW_FIRST_CAP); }

/* A thread's answers to one server tend to be the same size (one route,
 * 28 KB on data/), so a route answer's first buffer is the size of the
 * thread's previous one (up to 128 KiB): no realloc copies on the way up.
 * Only a hint; the buffer grows as before when it is short. */
static _Thread_local size_t jw_route_hint = JW_FIRST_CAP;

static void jw_init_route(jw *w, unsigned flags) { jw_init_cap(w, flags, jw_route_hint); }

static char *jw_take_route(jw *w)
{
    if (!w->b.failed) {
        size_t want = w->b.len + 1 > JW_FIRST_CAP ? w->b.len + 1 : JW_FIRST_CAP;
        jw_route_hint = want < JW_HINT_MAX ? want + want / 8 : JW_HINT_MAX;
        /* A small answer after a large one would keep the large buffer:
         * the server's cache counts an answer by its length, so the slack
         * is given back when it is more than the answer itself (the same
         * bound as the doublings without a hint).  Shrinking in place
         * copies nothing. */
        if (w->b.p && w->b.cap > 2 * (w->b.len + 1)) {
            char *p = realloc(w->b.p, w->b.len + 1);
            if (p) {
                w->b.p = p;
                w->b.cap = w->b.len + 1;
            }
        }
    }
    return sr__buf_take(&w->b);
}

static void jw_indent(jw *w)
{
    static const char spaces[] = "                                                                ";
    jw_putc(w, '\n');
    int n = 2 * w->depth;
    while (n > 0) {
        int k = n < 64 ? n : 64;
        jw_put(w, spaces, (size_t)k);
        n -= k;
    }
}

/* Before a value or key at the current depth: separator and indentation. */
static inline void jw_item(jw *w)
{
    if (w->depth == 0)
        return;
    if (w->count[w->depth])
        jw_putc(w, ',');
    else
        w->count[w->depth] = 1;
    if (w->pretty)
        jw_indent(w);
}

static inline void jw_value_prefix(jw *w);

static void jw_open(jw *w, char c)
{
    jw_value_prefix(w);
    jw_putc(w, c);
    if (w->depth + 1 < JW_MAX_DEPTH)
        w->count[++w->depth] = 0;
    else
        w->b.failed = 1;
}

static void jw_close(jw *w, char c)
{
    int had = w->count[w->depth];
    w->depth--;
    if (had && w->pretty)
        jw_indent(w);
    jw_putc(w, c);
}

/* Does any byte of x need escaping: below 0x20, '"' or '\\'?  Eight bytes
 * at once (the classic "has a byte less than / equal to" bit tricks), so
 * the common string without escapes is scanned a word at a time. */
static inline int jw_word_needs_escape(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t lt20 = (x - ones * 0x20) & ~x & highs;
    uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
    uint64_t eq = ((q - ones) & ~q & highs) | ((bs - ones) & ~bs & highs);
    return (lt20 | eq) != 0;
}

static void jw_str_raw(jw *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    jw_putc(w, '"');
    size_t len = strlen(s), i = 0;
    while (i + 8 <= len) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (jw_word_needs_escape(x))
            break;
        i += 8;
    }
    const char *run = s, *end = s + i;
    for (const unsigned char *p = (const unsigned char *)s + i; *p; p++, end++) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jw_put(w, run, (size_t)((const char *)p - run));
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t n = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        jw_put(w, esc, n);
        run = (const char *)p + 1;
    }
    jw_put(w, run, (size_t)(end - run));
    jw_putc(w, '"');
}

/* Keys are the contract's own names (string literals of this file, plain
 * ASCII letters, digits and '_'), so they need no escaping; inlined, the
 * strlen() of a literal is a constant. */
static inline __attribute__((always_inline)) void jw_key(jw *w, const char *k)
{
    jw_item(w);
    jw_putc(w, '"');
    jw_put(w, k, strlen(k));
    jw_put(w, w->pretty ? "\": " : "\":", w->pretty ? 3 : 2);
    w->count[w->depth] = 2;
}

/* A key given as a string literal: its quotes and colon are pasted onto it
 * at compile time, so the key is one append instead of three (a route's
 * answer has about a thousand keys). */
#define JW_KEY(w, k) jw_key_lit(w, "\"" k "\":", sizeof(k) + 2)

static inline __attribute__((always_inline)) void jw_key_lit(jw *w, const char *quoted, size_t n)
{
    jw_item(w);
    jw_put(w, quoted, n);
    if (w->pretty)
        jw_putc(w, ' ');
    w->count[w->depth] = 2;
}

/* Before a value: none after its key, else an array item's separator. */
static inline void jw_value_prefix(jw *w)
{
    if (w->depth > 0 && w->count[w->depth] == 2) {
        w->count[w->depth] = 1;
        return;
    }
    jw_item(w);
}

static void jw_str(jw *w, const char *s)
{
    jw_value_prefix(w);
    jw_str_raw(w, s ? s : "");
}

static void jw_int(jw *w, long long v)
{
    char t[24], *e = t + sizeof t, *c = e;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    jw_value_prefix(w);
    do {
        *--c = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--c = '-';
    jw_put(w, c, (size_t)(e - c));
}

/* A real rounded to `unit` (0.01 or 1e-6), printed as jansson's "%.12g"
 * with ".0" would print it.  The fast path writes the decimal digits of the
 * rounded integer directly; values it cannot match exactly (twelve or more
 * digits, or tiny magnitudes that "%g" writes with an exponent) take the
 * snprintf path. */
static void jw_num(jw *w, double v, double unit, int decimals)
{
    char t[48];
    double scaled = round(v / unit), r = scaled * unit;
    if (r == 0)
        r = 0;
    jw_value_prefix(w);
    if (isfinite(r) && fabs(scaled) < 1e11 && (r == 0 || fabs(r) >= 1e-4)) {
        /* Digits of the rounded integer, written from the right: this is
         * the innermost loop of a route's JSON, so no printf here. */
        /* scaled is a whole number below 1e11: the cast is exact. */
        unsigned long long q = (unsigned long long)fabs(scaled);
        char *e = t + sizeof t, *c = e;
        int digits = 0;
        int trailing = 1; /* still inside the fraction's trailing zeros */
        for (; digits < decimals; digits++) {
            char d = (char)('0' + q % 10);
            q /= 10;
            if (trailing && d == '0')
                continue;
            trailing = 0;
            *--c = d;
        }
        if (c == e)
            *--c = '0'; /* a whole number keeps ".0" */
        *--c = '.';
        do {
            *--c = (char)('0' + q % 10);
            q /= 10;
        } while (q);
        if (scaled < 0)
            *--c = '-';
        jw_put(w, c, (size_t)(e - c));
        return;
    }
    int n = snprintf(t, sizeof t, "%.12g", r);
    if (n < 0 || n >= (int)sizeof t - 3) {
        w->b.failed = 1;
        return;
    }
    if (!strchr(t, '.') && !strchr(t, 'e') && !strchr(t, 'n') && !strchr(t, 'i')) {
        t[n++] = '.';
        t[n++] = '0';
        t[n] = 0;
    }
    char *e = strchr(t, 'e');
    if (e) {
        /* jansson drops the exponent's '+' and leading zeros. */
        char *st = e + 1, *en = st + 1;
        if (*st == '-')
            st++;
        while (*en == '0')
            en++;
        if (en != st) {
            memmove(st, en, strlen(en) + 1);
            n = (int)strlen(t);
        }
    }
    jw_put(w, t, (size_t)n);
}

static void jw_true(jw *w)
{
    jw_value_prefix(w);
    jw_put(w, "true", 4);
}

#define KS(w, k, v) (JW_KEY(w, k), jw_str(w, v))
#define KN(w, k, v) (JW_KEY(w, k), jw_num(w, v, 0.01, 2))
#define KI(w, k, v) (JW_KEY(w, k), jw_int(w, v))

/* A place's compact object, written once (sr_network.place_frag). */
struct sr__frag {
    size_t len;
    char s[];
};

static void jw_place_obj(jw *w, const sr_network *net, uint32_t p, const sr_crossing *x);

/* The cached object of place p, NULL when memory runs out (the caller
 * then writes it directly).  A slot holds NULL until some thread has
 * written the object; two threads may both write it, and the loser of the
 * compare-and-swap frees its copy, so every reader sees one complete
 * object (release on store, acquire on load). */
static const struct sr__frag *place_frag(const sr_network *net, uint32_t p)
{
    sr_network *mnet = (sr_network *)net; /* only the cache's slots change */
    _Atomic(struct sr__frag *) *slots = atomic_load_explicit(&mnet->place_frag, memory_order_acquire);
    if (!slots) {
        _Atomic(struct sr__frag *) *fresh = calloc(net->n_places ? net->n_places : 1, sizeof *fresh);
        if (!fresh)
            return NULL;
        _Atomic(struct sr__frag *) *expected = NULL;
        if (atomic_compare_exchange_strong_explicit(&mnet->place_frag, &expected, fresh, memory_order_acq_rel,
                                                    memory_order_acquire)) {
            slots = fresh;
        } else {
            free(fresh);
            slots = expected;
        }
    }
    struct sr__frag *f = atomic_load_explicit(&slots[p], memory_order_acquire);
    if (f)
        return f;
    jw t;
    jw_init(&t, 0);
    jw_place_obj(&t, net, p, NULL);
    if (t.b.failed || !t.b.p) {
        sr__buf_free(&t.b);
        return NULL;
    }
    f = malloc(sizeof *f + t.b.len + 1);
    if (!f) {
        sr__buf_free(&t.b);
        return NULL;
    }
    f->len = t.b.len;
    memcpy(f->s, t.b.p, t.b.len + 1);
    sr__buf_free(&t.b);
    struct sr__frag *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(&slots[p], &expected, f, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        free(f);
        f = expected;
    }
    return f;
}

void sr__place_frags_free(sr_network *net)
{
    _Atomic(struct sr__frag *) *slots = atomic_load(&net->place_frag);
    if (!slots)
        return;
    for (uint32_t i = 0; i < net->n_places; i++)
        free(atomic_load(&slots[i]));
    free(slots);
    atomic_store(&net->place_frag, NULL);
}

/* The place object of the contract; with a crossing, "at" names the
 * crossing and keeps the entry post's place for position.  A plain place
 * in a compact answer is copied from its cached object. */
static void jw_place(jw *w, const sr_network *net, uint32_t p, const sr_crossing *x)
{
    if (!x && !w->pretty && w->depth + 1 < JW_MAX_DEPTH && p < net->n_places) {
        const struct sr__frag *f = place_frag(net, p);
        if (f) {
            jw_value_prefix(w);
            jw_put(w, f->s, f->len);
            return;
        }
    }
    jw_place_obj(w, net, p, x);
}

static void jw_place_obj(jw *w, const sr_network *net, uint32_t p, const sr_crossing *x)
{
    const sr_place *pl = &net->places[p];
    jw_open(w, '{');
    KS(w, "id", x ? x->id : pl->id);
    KS(w, "name", x ? x->name : pl->name_en);
    KS(w, "name_zh", x ? x->name_zh : pl->name_zh);
    KS(w, "name_ru", x ? x->name_ru : pl->name_ru);
    KS(w, "country", pl->country);
    KS(w, "kind", sr_place_kind_name(pl->kind));
    JW_KEY(w, "lat");
    jw_num(w, pl->lat, 1e-6, 6);
    JW_KEY(w, "lon");
    jw_num(w, pl->lon, 1e-6, 6);
    if (x)
        KS(w, "place", pl->id);
    jw_close(w, '}');
}

static void jw_time(jw *w, const char *key, int64_t t, int32_t off)
{
    char b[40];
    if (sr_time_format(t, off, b, sizeof b) > 0) {
        jw_key(w, key);
        jw_str(w, b);
    }
}

static void jw_line(jw *w, const sr_place *a, const sr_place *b, const sr_link *k, int backwards);

/* The corridor segments of a route (sr_route_segments()), beside its legs. */
static void jw_segments(jw *w, const sr_network *net, const sr_route *r)
{
    JW_KEY(w, "segments");
    jw_open(w, '[');
    for (size_t first = 0; first < r->n_legs;) {
        /* One segment at a time: no allocation per answer. */
        sr_segment sg[1];
        sr__segment_at(net, r, first, sg);
        jw_open(w, '{');
        JW_KEY(w, "from");
        jw_place(w, net, sg->from, NULL);
        JW_KEY(w, "to");
        jw_place(w, net, sg->to, NULL);
        KS(w, "mode", sr_mode_name(sg->mode));
        if (sg->mode == SR_RAIL)
            KI(w, "gauge_mm", sg->gauge_mm);
        KS(w, "country", sg->country);
        if (strcmp(sg->country, sg->to_country))
            KS(w, "to_country", sg->to_country);
        KS(w, "name", sg->name);
        KI(w, "first_leg", (long long)sg->first_leg);
        KI(w, "n_legs", (long long)sg->n_legs);
        KN(w, "distance_km", sg->distance_km);
        KN(w, "duration_h", sg->duration_h);
        KN(w, "cost_usd", sg->cost_usd);
        KN(w, "co2e_kg", sg->co2e_kg);
        if (strcmp(sg->country, sg->to_country)) {
            KN(w, "dwell_h", sg->dwell_h);
            KN(w, "fee_usd", sg->fee_usd);
        }
        if (sg->service)
            KS(w, "service", sg->service);
        if (sg->timed) {
            jw_time(w, "depart", sg->depart, sg->depart_utc_offset_s);
            jw_time(w, "arrive", sg->arrive, sg->arrive_utc_offset_s);
        }
        jw_close(w, '}');
        first = sg->first_leg + sg->n_legs;
    }
    jw_close(w, ']');
}

static void jw_route(jw *w, const sr_network *net, const sr_route *r, unsigned flags)
{
    jw_open(w, '{');
    KN(w, "duration_h", r->duration_h);
    KN(w, "duration_p90_h", r->duration_p90_h);
    if (r->on_time_probability >= 0)
        KN(w, "on_time_probability", r->on_time_probability);
    KN(w, "distance_km", r->distance_km);
    KN(w, "cost_usd", r->cost_usd);
    KN(w, "co2e_kg", r->co2e_kg);
    KI(w, "n_transfers", (long long)r->n_transfers);
    JW_KEY(w, "legs");
    jw_open(w, '[');
    for (size_t i = 0; i < r->n_legs; i++) {
        const sr_leg *l = &r->legs[i];
        /* A scheduled leg (timetables) has no link: it names its service. */
        const sr_link *k = l->link == SR_NO_LINK ? NULL : &net->links[l->link];
        jw_open(w, '{');
        JW_KEY(w, "from");
        jw_place(w, net, l->from, NULL);
        JW_KEY(w, "to");
        jw_place(w, net, l->to, NULL);
        KS(w, "mode", sr_mode_name(l->mode));
        KS(w, "link", k ? k->id : "");
        KS(w, "name", k ? k->name : l->service_name ? l->service_name : "");
        KN(w, "distance_km", l->distance_km);
        KN(w, "duration_h", l->duration_h);
        KN(w, "duration_p90_h", l->duration_p90_h);
        KN(w, "cost_usd", l->cost_usd);
        KN(w, "co2e_kg", l->co2e_kg);
        if (l->mode == SR_RAIL)
            KI(w, "gauge_mm", l->gauge_mm);
        if (k && k->status == SR_PLANNED)
            KI(w, "open_year", k->open_year);
        if (l->service)
            KS(w, "service", l->service);
        if (r->timed) {
            jw_time(w, "depart", l->depart, l->depart_utc_offset_s);
            jw_time(w, "arrive", l->arrive, l->arrive_utc_offset_s);
            KN(w, "wait_h", l->wait_h);
        }
        if (flags & SR_JSON_GEOMETRY) {
            /* On request only: drawn geometry makes answers several times larger. */
            JW_KEY(w, "geometry");
            jw_line(w, &net->places[l->from], &net->places[l->to], k, k && l->from == k->to && l->to == k->from);
        }
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_segments(w, net, r);
    JW_KEY(w, "transfers");
    jw_open(w, '[');
    for (size_t i = 0; i < r->n_transfers; i++) {
        const sr_transfer *t = &r->transfers[i];
        jw_open(w, '{');
        JW_KEY(w, "at");
        jw_place(w, net, t->at, NULL);
        KS(w, "kind", t->kind == SR_GAUGE_CHANGE ? "gauge_change" : "mode_change");
        KS(w, "from_class", sr_network_class_name(net, t->from_class));
        KS(w, "to_class", sr_network_class_name(net, t->to_class));
        KN(w, "duration_h", t->duration_h);
        KN(w, "duration_p90_h", t->duration_p90_h);
        KN(w, "cost_usd", t->cost_usd);
        if (t->in_service) {
            /* On board a scheduled service: its time is in the schedule. */
            JW_KEY(w, "in_service");
            jw_true(w);
        }
        jw_close(w, '}');
    }
    jw_close(w, ']');
    JW_KEY(w, "border_crossings");
    jw_open(w, '[');
    for (size_t i = 0; i < r->n_crossings; i++) {
        const sr_border_crossing *x = &r->crossings[i];
        jw_open(w, '{');
        JW_KEY(w, "at");
        jw_place(w, net, x->at, x->crossing >= 0 ? &net->crossings[x->crossing] : NULL);
        KS(w, "from_country", x->from_country);
        KS(w, "to_country", x->to_country);
        KN(w, "dwell_h", x->dwell_h);
        KN(w, "dwell_p90_h", x->dwell_p90_h);
        KN(w, "fee_usd", x->fee_usd);
        KI(w, "leg", (long long)x->leg);
        if (x->in_service) {
            JW_KEY(w, "in_service");
            jw_true(w);
        }
        /* The customs union both sides belong to: no customs clearance
         * (null for an external border). */
        JW_KEY(w, "internal_union");
        if (x->internal_union)
            jw_str(w, x->internal_union);
        else {
            jw_value_prefix(w);
            jw_put(w, "null", 4);
        }
        jw_close(w, '}');
    }
    jw_close(w, ']');
    /* Transport documents and customs events (documents/), in route order;
     * their time and cost are in the totals above. */
    JW_KEY(w, "documents");
    jw_open(w, '[');
    for (size_t i = 0; i < r->n_documents; i++) {
        const sr_document_event *e = &r->documents[i];
        jw_open(w, '{');
        KS(w, "kind", sr_document_kind_name(e->kind));
        KS(w, "document", e->document);
        JW_KEY(w, "at");
        jw_place(w, net, e->at, NULL);
        KI(w, "leg", (long long)e->leg);
        KN(w, "duration_h", e->duration_h);
        KN(w, "cost_usd", e->cost_usd);
        KS(w, "detail", e->detail);
        KS(w, "source", e->source);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    JW_KEY(w, "customs");
    jw_open(w, '[');
    for (size_t i = 0; i < r->n_customs; i++) {
        const sr_customs_event *e = &r->customs[i];
        jw_open(w, '{');
        KS(w, "kind", sr_customs_kind_name(e->kind));
        KS(w, "country", e->country);
        JW_KEY(w, "at");
        jw_place(w, net, e->at, NULL);
        KI(w, "leg", (long long)e->leg);
        KS(w, "regime", e->regime);
        JW_KEY(w, "internal_union");
        if (e->internal_union)
            jw_str(w, e->internal_union);
        else {
            jw_value_prefix(w);
            sr__buf_puts(&w->b, "null");
        }
        KN(w, "duration_h", e->duration_h);
        KN(w, "cost_usd", e->cost_usd);
        KS(w, "source", e->source);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    KN(w, "documents_h", r->documents_h);
    KN(w, "documents_usd", r->documents_usd);
    if (r->timed) {
        /* Timetabled routes (issue 4): when the cargo leaves and arrives. */
        jw_time(w, "depart", r->depart, r->depart_utc_offset_s);
        jw_time(w, "arrive", r->arrive, r->arrive_utc_offset_s);
        KI(w, "n_boardings", (long long)r->n_boardings);
    }
    jw_close(w, '}');
}

/* "waypoints": the places from and to resolved to, as OSRM answers give
 * them; "snap_km" says how far coordinates were moved to the network. */
static void jw_waypoints(jw *w, const sr_network *net, const sr_result *r)
{
    if (r->wp_place[0] == UINT32_MAX || r->wp_place[1] == UINT32_MAX)
        return;
    JW_KEY(w, "waypoints");
    jw_open(w, '[');
    for (int k = 0; k < 2; k++) {
        jw_open(w, '{');
        KS(w, "role", k ? "to" : "from");
        JW_KEY(w, "place");
        jw_place(w, net, r->wp_place[k], NULL);
        if (r->wp_coords[k]) {
            JW_KEY(w, "snap_km");
            jw_num(w, r->wp_snap_km[k], 0.01, 2);
        }
        jw_close(w, '}');
    }
    jw_close(w, ']');
}

char *sr_result_json(const sr_network *net, const sr_result *r, unsigned flags)
{
    if (!net || !r)
        return NULL;
    jw w;
    jw_init_route(&w, flags);
    jw_open(&w, '{');
    KS(&w, "code", "Ok");
    jw_waypoints(&w, net, r);
    JW_KEY(&w, "routes");
    jw_open(&w, '[');
    for (size_t i = 0; i < sr_result_count(r); i++)
        jw_route(&w, net, sr_result_route(r, i), flags);
    jw_close(&w, ']');
    /* Only an answer cut by max_options says how many options there were. */
    if (r->n_found > r->n)
        KI(&w, "options_found", (long long)r->n_found);
    jw_close(&w, '}');
    return jw_take_route(&w);
}

char *sr_result_route_json(const sr_network *net, const sr_result *r, size_t i, unsigned flags)
{
    if (!net || !r || i >= r->n)
        return NULL;
    jw w;
    jw_init(&w, flags & ~SR_JSON_PRETTY);
    jw_route(&w, net, sr_result_route(r, i), flags);
    return sr__buf_take(&w.b);
}

char *sr_result_json_head(const sr_network *net, const sr_result *r)
{
    if (!net || !r)
        return NULL;
    jw w;
    jw_init(&w, 0);
    jw_open(&w, '{');
    KS(&w, "code", "Ok");
    jw_waypoints(&w, net, r);
    JW_KEY(&w, "routes");
    /* The array is left open: the caller appends the routes. */
    sr__buf_puts(&w.b, "[");
    return sr__buf_take(&w.b);
}

static void jw_point(jw *w, double lon, double lat)
{
    jw_open(w, '[');
    jw_num(w, lon, 1e-6, 6);
    jw_num(w, lat, 1e-6, 6);
    jw_close(w, ']');
}

/* A leg's line from a to b; with the link's geometry, run backwards when
 * the leg travels the link from its `to` end. */
static void jw_line(jw *w, const sr_place *a, const sr_place *b, const sr_link *k, int backwards)
{
    jw_open(w, '{');
    KS(w, "type", "LineString");
    JW_KEY(w, "coordinates");
    jw_open(w, '[');
    jw_point(w, a->lon, a->lat);
    uint32_t n = k ? k->n_geom : 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = backwards ? n - 1 - i : i;
        jw_point(w, k->geom[2 * j], k->geom[2 * j + 1]);
    }
    jw_point(w, b->lon, b->lat);
    jw_close(w, ']');
    jw_close(w, '}');
}

char *sr_result_geojson(const sr_network *net, const sr_result *r, unsigned flags)
{
    if (!net || !r)
        return NULL;
    jw w;
    jw_init(&w, flags);
    jw_open(&w, '{');
    KS(&w, "type", "FeatureCollection");
    JW_KEY(&w, "features");
    jw_open(&w, '[');
    for (size_t i = 0; i < sr_result_count(r); i++) {
        const sr_route *rt = sr_result_route(r, i);
        for (size_t j = 0; j < rt->n_legs; j++) {
            const sr_leg *l = &rt->legs[j];
            const sr_place *a = &net->places[l->from], *b = &net->places[l->to];
            jw_open(&w, '{');
            KS(&w, "type", "Feature");
            const sr_link *k = l->link == SR_NO_LINK ? NULL : &net->links[l->link];
            JW_KEY(&w, "geometry");
            jw_line(&w, a, b, k, k && l->from == k->to && l->to == k->from);
            JW_KEY(&w, "properties");
            jw_open(&w, '{');
            KI(&w, "route", (long long)i);
            KI(&w, "leg", (long long)j);
            KS(&w, "from", a->id);
            KS(&w, "from_name", a->name_en);
            KS(&w, "to", b->id);
            KS(&w, "to_name", b->name_en);
            KS(&w, "mode", sr_mode_name(l->mode));
            KN(&w, "distance_km", l->distance_km);
            KN(&w, "duration_h", l->duration_h);
            KN(&w, "cost_usd", l->cost_usd);
            KN(&w, "co2e_kg", l->co2e_kg);
            if (l->mode == SR_RAIL)
                KI(&w, "gauge_mm", l->gauge_mm);
            KS(&w, "link", l->link == SR_NO_LINK ? "" : net->links[l->link].id);
            if (l->service)
                KS(&w, "service", l->service);
            jw_close(&w, '}');
            jw_close(&w, '}');
        }
    }
    jw_close(&w, ']');
    jw_close(&w, '}');
    return sr__buf_take(&w.b);
}

static int valid_utf8(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t n = (utf8proc_ssize_t)strlen(s);
    while (n > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, n, &cp);
        if (k <= 0)
            return 0;
        p += k;
        n -= k;
    }
    return 1;
}

char *sr_error_json(sr_code code, const char *message, unsigned flags)
{
    /* A message quoting bad input may not be valid UTF-8; the fixed
     * message keeps the error reportable. */
    if (!message || !valid_utf8(message))
        message = message ? sr_strerror(code) : "";
    jw w;
    jw_init(&w, flags);
    jw_open(&w, '{');
    KS(&w, "code", sr_code_name(code));
    KS(&w, "message", message);
    jw_close(&w, '}');
    return sr__buf_take(&w.b);
}

const char *sr_block_name(unsigned bit)
{
    static const char *const names[] = {"modes", "avoid_countries", "avoid", "year",
                                        "max_transfers", "timing", "combined", "unconnected"};
    for (unsigned k = 0; k < 8; k++)
        if (bit == 1u << k)
            return names[k];
    return NULL;
}

char *sr_route_error_json(const sr_query *q, const sr_route_options *o, sr_code c, unsigned flags)
{
    const sr_network *net = q ? sr__query_net(q) : NULL;
    const char *message = q ? sr_query_errmsg(q) : "";
    if (!message || !*message)
        message = sr_strerror(c);
    if (!valid_utf8(message))
        message = sr_strerror(c);
    jw w;
    jw_init(&w, flags);
    jw_open(&w, '{');
    KS(&w, "code", sr_code_name(c));
    KS(&w, "message", message);
    if (c == SR_ENOROUTE && q) {
        JW_KEY(&w, "blocked_by");
        jw_open(&w, '[');
        unsigned m = sr_query_blocked(q);
        for (unsigned k = 0; k < 8; k++)
            if (m & (1u << k))
                jw_str(&w, sr_block_name(1u << k));
        jw_close(&w, ']');
    }
    if (c == SR_EPLACE && net && o) {
        /* The first place of the query that does not resolve. */
        const char *bad = NULL;
        size_t idx;
        const char *cand[2 + 2 * SR_MAX_AVOID];
        size_t nc = 0;
        cand[nc++] = o->from;
        cand[nc++] = o->to;
        for (size_t i = 0; i < o->n_avoid && i < SR_MAX_AVOID; i++)
            cand[nc++] = o->avoid[i];
        size_t bad_i = 0;
        for (size_t i = 0; i < nc && !bad; i++)
            if (cand[i] && *cand[i] && sr_place_find(net, cand[i], &idx) != SR_OK &&
                (i < 2 || sr_crossing_find(net, cand[i]) < 0)) {
                bad = cand[i];
                bad_i = i;
            }
        /* Which parameter, so that a form can mark its field and offer the
         * suggestions there (the web map does). */
        if (bad)
            KS(&w, "parameter", bad_i == 0 ? "from" : bad_i == 1 ? "to" : "avoid");
        JW_KEY(&w, "suggestions");
        jw_open(&w, '[');
        size_t sug[5];
        size_t n = bad ? sr_place_suggest(net, bad, sug, 5) : 0;
        for (size_t i = 0; i < n; i++)
            jw_place(&w, net, (uint32_t)sug[i], NULL);
        jw_close(&w, ']');
    }
    jw_close(&w, '}');
    return sr__buf_take(&w.b);
}

static json_t *place_obj(const sr_network *net, size_t idx)
{
    json_t *o = place_ref(net, (uint32_t)idx);
    const sr_place *pl = &net->places[idx];
    json_object_set_new(o, "tz", json_string(pl->tz));
    return o;
}

char *sr_place_json(const sr_network *net, size_t idx, unsigned flags)
{
    if (!net || idx >= net->n_places)
        return NULL;
    return dump(place_obj(net, idx), flags);
}

char *sr_network_geojson(const sr_network *net, unsigned modes, int year, unsigned flags)
{
    if (!net)
        return NULL;
    json_t *feats = json_array();
    for (uint32_t p = 0; p < net->n_places; p++) {
        const sr_place *pl = &net->places[p];
        json_t *props = place_obj(net, p);
        json_object_del(props, "lat");
        json_object_del(props, "lon");
        json_object_set_new(props, "feature", json_string("place"));
        /* Mark places where the gauge changes: the map shows them. */
        int gauge = 0;
        for (uint32_t x = net->xfer_off[p]; x < net->xfer_off[p + 1]; x++)
            gauge |= net->xfers[x].kind == SR_GAUGE_CHANGE;
        json_object_set_new(props, "gauge_change", json_boolean(gauge));
        json_array_append_new(feats, json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry",
                                               point(pl->lon, pl->lat), "properties", props));
    }
    for (uint32_t i = 0; i < net->n_links; i++) {
        const sr_link *k = &net->links[i];
        if (!(modes & SR_MODE_BIT(k->mode)))
            continue;
        if (year >= 0 && !sr__link_usable(k, year))
            continue;
        const sr_place *a = &net->places[k->from], *b = &net->places[k->to];
        json_t *props = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:b}", "feature", "link", "id", k->id,
                                  "name", k->name, "from", a->id, "to", b->id, "mode", sr_mode_name(k->mode),
                                  "distance_km", num(k->distance_km, 0.01), "duration_h", num(k->duration_h, 0.01),
                                  "directed", k->directed);
        json_object_set_new(props, "status", json_string(sr_status_name(k->status)));
        if (k->mode == SR_RAIL)
            json_object_set_new(props, "gauge_mm", json_integer(k->gauge_mm));
        if (k->open_year)
            json_object_set_new(props, "open_year", json_integer(k->open_year));
        if (k->capacity_teu_per_day > 0)
            json_object_set_new(props, "capacity_teu_per_day", num(k->capacity_teu_per_day, 0.01));
        if (k->crossing >= 0)
            json_object_set_new(props, "crossing", json_string(net->crossings[k->crossing].id));
        json_array_append_new(feats, json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry",
                                               line(a, b, k->geom, k->n_geom), "properties", props));
    }
    for (uint32_t i = 0; i < net->n_crossings; i++) {
        const sr_crossing *x = &net->crossings[i];
        const sr_place *a = &net->places[x->place_a], *b = &net->places[x->place_b];
        json_t *props = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "feature", "crossing", "id", x->id,
                                  "name", x->name, "name_zh", x->name_zh, "name_ru", x->name_ru, "mode",
                                  sr_mode_name(x->mode), "place_a", a->id, "place_b", b->id, "dwell_h",
                                  num(x->dwell_h, 0.01));
        if (x->dwell_congested_h > 0)
            json_object_set_new(props, "dwell_congested_h", num(x->dwell_congested_h, 0.01));
        if (x->capacity_teu_per_day > 0)
            json_object_set_new(props, "capacity_teu_per_day", num(x->capacity_teu_per_day, 0.01));
        if (*x->open_days)
            json_object_set_new(props, "open_days", json_string(x->open_days));
        if (*x->open_hours)
            json_object_set_new(props, "open_hours", json_string(x->open_hours));
        if (*x->open_season)
            json_object_set_new(props, "open_season", json_string(x->open_season));
        json_array_append_new(feats, json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry",
                                               point((a->lon + b->lon) / 2, (a->lat + b->lat) / 2), "properties",
                                               props));
    }
    return dump(json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", feats), flags);
}

/* One route as the JSON object it has in sr_result_json(): what the
 * tracking store keeps verbatim as a shipment's booked route. */
char *sr__route_json(const sr_network *net, const sr_route *r)
{
    jw w;
    jw_init(&w, 0);
    jw_route(&w, net, r, 0);
    return sr__buf_take(&w.b);
}
