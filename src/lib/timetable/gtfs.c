/*
 * gtfs.c - the GTFS feed loader: agency, stops, routes, trips, stop_times,
 * calendar, calendar_dates, frequencies and transfers, plus the freight
 * extension files route_freight.txt and stop_places.txt (docs/DATA.md,
 * "Services (GTFS)").  It fills the compact arrays of struct sr_timetable.
 *
 * Every record is checked; the first problem stops the load with a message
 * "stop_times.txt:12: arrival_time: ..." in tt->errmsg.  Sizes are bounded
 * by the CSV reader's limits and the SR__TT_MAX_* caps, so a hostile feed
 * costs at most those and never crashes or hangs (fuzz/fuzz_gtfs.c).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "network/network.h"
#include "core/num.h"
#include "timetable/tt.h"

/* ---- A small string -> index hash map ----------------------------------- */

typedef struct strmap {
    const char **keys;
    uint32_t *vals;
    size_t cap, n;
} strmap;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void map_free(strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* Insert key -> val.  Returns 0 inserted, 1 already present (val untouched),
 * -1 out of memory.  key must outlive the map. */
static int map_put(strmap *m, const char *key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        const char **nk = calloc(nc, sizeof *nk);
        uint32_t *nv = calloc(nc, sizeof *nv);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return -1;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = hash_str(m->keys[i]) & (nc - 1);
                while (nk[j])
                    j = (j + 1) & (nc - 1);
                nk[j] = m->keys[i];
                nv[j] = m->vals[i];
            }
        free(m->keys);
        free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->cap = nc;
    }
    size_t j = hash_str(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (!strcmp(m->keys[j], key))
            return 1;
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = key;
    m->vals[j] = val;
    m->n++;
    return 0;
}

static long map_get(const strmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    size_t j = hash_str(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (!strcmp(m->keys[j], key))
            return m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

/* ---- Loader state ------------------------------------------------------- */

typedef struct src {
    const char *dir;                 /* files from a directory ... */
    size_t n;                        /* ... or from memory */
    const char *const *names;
    const char *const *bufs;
    const size_t *lens;
} src;

typedef struct st_row {
    uint32_t trip, seq, stop;
    int32_t arr, dep;                /* -1: not given (interpolated) */
    float km;                        /* NAN: not given */
    long line;
} st_row;

typedef struct cal_row {
    uint32_t service;
    uint8_t week;                    /* bit 0 Monday */
    int64_t from, to;
} cal_row;

typedef struct date_row {
    uint32_t service;
    int64_t day;
    int add;
} date_row;

typedef struct loader {
    struct sr_timetable *tt;
    src s;
    strmap stops, routes, services, trips, agencies;
    int failed;
    sr_code code;                    /* of the failure: SR_EDATA unless a file
                                        could not be read (SR_EIO) or was too
                                        large (SR_ELIMIT) */
} loader;

static void fail(loader *L, const sr__csv *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(loader *L, const sr__csv *c, const char *field, const char *fmt, ...)
{
    if (L->failed)
        return;
    L->failed = 1;
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c && field)
        snprintf(L->tt->errmsg, sizeof L->tt->errmsg, "%s:%ld: %s: %s", c->name, c->line, field, msg);
    else if (c)
        snprintf(L->tt->errmsg, sizeof L->tt->errmsg, "%s:%ld: %s", c->name, c->line, msg);
    else
        snprintf(L->tt->errmsg, sizeof L->tt->errmsg, "%s", msg);
    /* Stop ids, names and file names are quoted: escape control bytes. */
    sr__escape_inplace(L->tt->errmsg, sizeof L->tt->errmsg);
}

/* Open one feed file.  Returns 1 open, 0 absent (only when !required), -1
 * error (message set).  A file that exists but cannot be read, or is no
 * regular file, is an error even when optional: skipping it would change
 * the timetable without a word. */
static int open_file(loader *L, sr__csv *c, const char *name, int required)
{
    int r;
    if (L->s.dir) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", L->s.dir, name);
        r = sr__csv_open(c, path, name);
        if (r < 0 && c->absent) {
            sr__csv_close(c);
            memset(c, 0, sizeof *c);
            if (!required)
                return 0;
            fail(L, NULL, NULL, "%s: required GTFS file missing in %s", name, L->s.dir);
            return -1;
        }
    } else {
        size_t i = 0;
        while (i < L->s.n && strcmp(L->s.names[i], name))
            i++;
        if (i == L->s.n) {
            memset(c, 0, sizeof *c);
            if (!required)
                return 0;
            fail(L, NULL, NULL, "%s: required GTFS file missing", name);
            return -1;
        }
        r = sr__csv_open_buf(c, L->s.bufs[i], L->s.lens[i], name);
    }
    if (r < 0) {
        fail(L, NULL, NULL, "%s", c->err);
        L->code = c->code;
        sr__csv_close(c);
        return -1;
    }
    return 1;
}

static int need_col(loader *L, sr__csv *c, const char *col)
{
    int i = sr__csv_col(c, col);
    if (i < 0)
        fail(L, c, "header", "required column '%s' missing", col);
    return i;
}

static int next(loader *L, sr__csv *c)
{
    int r = sr__csv_next(c);
    if (r < 0)
        fail(L, NULL, NULL, "%s", c->err);
    return r;
}

/* Numbers go through the library's strict parser (num.h): "0x10" or
 * " 5" in a feed is an error, as everywhere else. */
static int parse_long(const char *s, long lo, long hi, long *out) { return sr__parse_long(s, lo, hi, out) ? -1 : 0; }

static int parse_dbl(const char *s, double lo, double hi, double *out)
{
    return sr__parse_double(s, lo, hi, out) ? -1 : 0;
}

/* GTFS time "H:MM:SS" (hours may pass 24) into seconds; -1 on error. */
static int32_t parse_gtfs_time(const char *s)
{
    int h = 0, nd = 0;
    while (*s >= '0' && *s <= '9' && nd < 4) {
        h = h * 10 + (*s++ - '0');
        nd++;
    }
    if (nd == 0 || h > SR__TT_MAX_HOURS || s[0] != ':' || !(s[1] >= '0' && s[1] <= '5') ||
        !(s[2] >= '0' && s[2] <= '9') || s[3] != ':' || !(s[4] >= '0' && s[4] <= '5') ||
        !(s[5] >= '0' && s[5] <= '9') || s[6])
        return -1;
    return h * 3600 + ((s[1] - '0') * 10 + s[2] - '0') * 60 + (s[4] - '0') * 10 + s[5] - '0';
}

static char *dup(loader *L, const char *s)
{
    char *d = sr__arena_strdup(&L->tt->arena, s);
    if (!d)
        fail(L, NULL, NULL, "out of memory");
    return d;
}

#define XALLOC(p, n)                                                                                         \
    do {                                                                                                     \
        (p) = calloc((size_t)(n) > 0 ? (size_t)(n) : 1, sizeof *(p));                                                  \
        if (!(p)) {                                                                                          \
            fail(L, NULL, NULL, "out of memory");                                                            \
            goto out;                                                                                        \
        }                                                                                                    \
    } while (0)

/* Append to a malloc()ed array, growing it; 0 or -1 (message set). */
static int push_elem(loader *L, void **arr, size_t *cap, size_t n, size_t elem, size_t limit, const sr__csv *c)
{
    if (n >= limit) {
        fail(L, c, NULL, "more than %zu records", limit);
        return -1;
    }
    if (sr__grow(arr, cap, n + 1, elem) < 0) {
        fail(L, NULL, NULL, "out of memory");
        return -1;
    }
    return 0;
}

int sr__tt_zone(struct sr_timetable *tt, const char *name)
{
    for (uint32_t i = 0; i < tt->n_zones; i++)
        if (!strcmp(tt->zones[i].name, name))
            return (int)i;
    if (tt->n_zones >= SR__TT_MAX_ZONES) {
        snprintf(tt->errmsg, sizeof tt->errmsg, "more than %d time zones", SR__TT_MAX_ZONES);
        return -1;
    }
    sr__tz *nz = realloc(tt->zones, (tt->n_zones + 1) * sizeof *nz);
    if (!nz) {
        snprintf(tt->errmsg, sizeof tt->errmsg, "out of memory");
        return -1;
    }
    tt->zones = nz;
    if (sr__tz_load(&tt->zones[tt->n_zones], name, tt->errmsg, sizeof tt->errmsg) < 0)
        return -1;
    return (int)tt->n_zones++;
}

static int zone_or_fail(loader *L, sr__csv *c, const char *field, const char *name)
{
    char save[1024];
    int z = sr__tt_zone(L->tt, name);
    if (z < 0) {
        snprintf(save, sizeof save, "%s", L->tt->errmsg);
        fail(L, c, field, "%s", save);
    }
    return z;
}

/* ---- The files ---------------------------------------------------------- */

static int load_agencies(loader *L)
{
    struct sr_timetable *tt = L->tt;
    sr__csv c;
    if (open_file(L, &c, "agency.txt", 1) < 0)
        return -1;
    int c_id = sr__csv_col(&c, "agency_id"), c_tz = need_col(L, &c, "agency_timezone");
    size_t cap = 0, cap2 = 0;
    int r;
    while (c_tz >= 0 && (r = next(L, &c)) > 0) {
        const char *id = sr__csv_get(&c, c_id), *tzn = sr__csv_get(&c, c_tz);
        if (!*tzn) {
            fail(L, &c, "agency_timezone", "empty");
            break;
        }
        int z = zone_or_fail(L, &c, "agency_timezone", tzn);
        if (z < 0)
            break;
        if (push_elem(L, (void **)&tt->agency_id, &cap, tt->n_agencies, sizeof *tt->agency_id, 100000, &c) < 0)
            break;
        size_t cap2b = cap2;
        if (sr__grow((void **)&tt->agency_zone, &cap2b, tt->n_agencies + 1, sizeof *tt->agency_zone) < 0) {
            fail(L, NULL, NULL, "out of memory");
            break;
        }
        cap2 = cap2b;
        char *d = dup(L, id);
        if (!d)
            break;
        tt->agency_id[tt->n_agencies] = d;
        tt->agency_zone[tt->n_agencies] = (uint16_t)z;
        int p = map_put(&L->agencies, d, tt->n_agencies);
        if (p < 0) {
            fail(L, NULL, NULL, "out of memory");
            break;
        }
        if (p > 0) {
            fail(L, &c, "agency_id", "duplicate agency '%s'", id);
            break;
        }
        tt->n_agencies++;
    }
    if (!L->failed && tt->n_agencies == 0)
        fail(L, &c, NULL, "no agency");
    sr__csv_close(&c);
    return L->failed ? -1 : 0;
}

static int load_stops(loader *L)
{
    struct sr_timetable *tt = L->tt;
    sr__csv c;
    if (open_file(L, &c, "stops.txt", 1) < 0)
        return -1;
    int c_id = need_col(L, &c, "stop_id"), c_name = sr__csv_col(&c, "stop_name");
    int c_lat = sr__csv_col(&c, "stop_lat"), c_lon = sr__csv_col(&c, "stop_lon");
    int c_tz = sr__csv_col(&c, "stop_timezone"), c_place = sr__csv_col(&c, "place_id");
    int c_parent = sr__csv_col(&c, "parent_station");
    size_t cap[7] = {0};
    const char **place_ids = NULL, **parents = NULL;
    size_t pcap = 0, parcap = 0;
    int r;
    while (c_id >= 0 && (r = next(L, &c)) > 0) {
        uint32_t i = tt->n_stops;
        const char *id = sr__csv_get(&c, c_id);
        if (!*id) {
            fail(L, &c, "stop_id", "empty");
            break;
        }
        if (push_elem(L, (void **)&tt->stop_id, &cap[0], i, sizeof *tt->stop_id, SR__TT_MAX_STOPS, &c) < 0 ||
            push_elem(L, (void **)&tt->stop_name, &cap[1], i, sizeof *tt->stop_name, SR__TT_MAX_STOPS, &c) < 0 ||
            push_elem(L, (void **)&tt->stop_lat, &cap[2], i, sizeof *tt->stop_lat, SR__TT_MAX_STOPS, &c) < 0 ||
            push_elem(L, (void **)&tt->stop_lon, &cap[3], i, sizeof *tt->stop_lon, SR__TT_MAX_STOPS, &c) < 0 ||
            push_elem(L, (void **)&tt->stop_zone, &cap[4], i, sizeof *tt->stop_zone, SR__TT_MAX_STOPS, &c) < 0 ||
            push_elem(L, (void **)&place_ids, &pcap, i, sizeof *place_ids, SR__TT_MAX_STOPS, &c) < 0 ||
            push_elem(L, (void **)&parents, &parcap, i, sizeof *parents, SR__TT_MAX_STOPS, &c) < 0)
            break;
        char *d = dup(L, id), *nm = dup(L, sr__csv_get(&c, c_name)), *pl = dup(L, sr__csv_get(&c, c_place));
        char *par = dup(L, sr__csv_get(&c, c_parent));
        if (!d || !nm || !pl || !par)
            break;
        parents[i] = par;
        tt->stop_id[i] = d;
        tt->stop_name[i] = nm;
        place_ids[i] = pl;
        double lat = NAN, lon = NAN;
        const char *slat = sr__csv_get(&c, c_lat), *slon = sr__csv_get(&c, c_lon);
        if (*slat && parse_dbl(slat, -90, 90, &lat) < 0) {
            fail(L, &c, "stop_lat", "not a latitude: '%.40s'", slat);
            break;
        }
        if (*slon && parse_dbl(slon, -180, 180, &lon) < 0) {
            fail(L, &c, "stop_lon", "not a longitude: '%.40s'", slon);
            break;
        }
        tt->stop_lat[i] = lat;
        tt->stop_lon[i] = lon;
        const char *tzn = sr__csv_get(&c, c_tz);
        int z = tt->agency_zone[0];
        if (*tzn && (z = zone_or_fail(L, &c, "stop_timezone", tzn)) < 0)
            break;
        tt->stop_zone[i] = (uint16_t)z;
        int p = map_put(&L->stops, d, i);
        if (p < 0) {
            fail(L, NULL, NULL, "out of memory");
            break;
        }
        if (p > 0) {
            fail(L, &c, "stop_id", "duplicate stop '%s'", id);
            break;
        }
        tt->n_stops++;
    }
    sr__csv_close(&c);
    if (L->failed) {
        free(place_ids);
        free(parents);
        return -1;
    }
    /* Places: network places matched by id (stop_id, a place_id column, or
     * stop_places.txt), or the stops themselves for a bare feed. */
    tt->stop_place = calloc(tt->n_stops ? tt->n_stops : 1, sizeof *tt->stop_place);
    tt->stop_min_xfer = malloc((tt->n_stops ? tt->n_stops : 1) * sizeof *tt->stop_min_xfer);
    if (!tt->stop_place || !tt->stop_min_xfer) {
        free(place_ids);
        fail(L, NULL, NULL, "out of memory");
        return -1;
    }
    /* Platforms (stops with a parent_station) are their station's place:
     * changing trains between platforms is a transfer at one place. */
    long *parent = malloc((tt->n_stops ? tt->n_stops : 1) * sizeof *parent);
    if (!parent) {
        free(place_ids);
        free(parents);
        fail(L, NULL, NULL, "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < tt->n_stops; i++) {
        parent[i] = *parents[i] ? map_get(&L->stops, parents[i]) : -1;
        if (*parents[i] && parent[i] < 0) {
            fail(L, NULL, NULL, "stops.txt: parent_station: stop '%s' names unknown station '%s'", tt->stop_id[i],
                 parents[i]);
            break;
        }
    }
    free(parents);
    for (uint32_t i = 0; i < tt->n_stops; i++) {
        tt->stop_place[i] = parent[i] >= 0 ? (uint32_t)parent[i] : i;
        tt->stop_min_xfer[i] = -1;
    }
    if (tt->net) {
        const sr_network *net = tt->net;
        /* Places by id: the network's own index (names.c), not a table
         * of every place per feed, which an empty feed paid for too. */
        sr__csv m;
        int have_map = L->failed ? -1 : open_file(L, &m, "stop_places.txt", 0);
        if (have_map > 0) {
            int m_stop = need_col(L, &m, "stop_id"), m_place = need_col(L, &m, "place_id");
            while (m_stop >= 0 && m_place >= 0 && next(L, &m) > 0) {
                long s = map_get(&L->stops, sr__csv_get(&m, m_stop));
                if (s < 0) {
                    fail(L, &m, "stop_id", "unknown stop '%s'", sr__csv_get(&m, m_stop));
                    break;
                }
                char *pl = dup(L, sr__csv_get(&m, m_place));
                if (!pl)
                    break;
                place_ids[s] = pl;
            }
            sr__csv_close(&m);
        }
        for (uint32_t i = 0; i < tt->n_stops && !L->failed; i++) {
            const char *want = *place_ids[i] ? place_ids[i] : tt->stop_id[i];
            long p = sr__place_id_find(net, want);
            size_t found;
            /* Without an explicit mapping, a stop whose id is no place id is
             * matched by its name (any language, accents ignored). */
            if (p < 0 && !*place_ids[i] && net->names && sr_place_find(net, tt->stop_name[i], &found) == SR_OK)
                p = (long)found;
            if (p < 0 && *place_ids[i]) {
                fail(L, NULL, NULL, "stops.txt: place_id: stop '%s' maps to '%s', which is no place of the network",
                     tt->stop_id[i], place_ids[i]);
                break;
            }
            /* A stop matching no place by id or name is left out of the
             * search (its trips pass through it): the services of a dataset
             * may cover more stops than its network. */
            tt->stop_place[i] = p < 0 ? UINT32_MAX : (uint32_t)p;
        }
        /* A platform that matches no place is at its station's place. */
        for (uint32_t i = 0; i < tt->n_stops && !L->failed; i++) {
            if (tt->stop_place[i] == UINT32_MAX && parent[i] >= 0)
                tt->stop_place[i] = tt->stop_place[parent[i]];
            tt->n_unmatched += tt->stop_place[i] == UINT32_MAX;
        }
    }
    free(place_ids);
    free(parent);
    return L->failed ? -1 : 0;
}

static int mode_of_route_type(int t, uint8_t *mode, uint8_t *cls)
{
    /* GTFS basic types and the extended (Google) ranges. */
    if (t == 2 || (t >= 100 && t < 200) || t == 0 || t == 1 || t == 12 || (t >= 400 && t < 500) ||
        (t >= 900 && t < 1000)) {
        *mode = SR_RAIL;
        *cls = SR_CLASS_RAIL1435;
    } else if (t == 3 || t == 11 || (t >= 200 && t < 300) || (t >= 700 && t < 900)) {
        *mode = SR_ROAD;
        *cls = SR_CLASS_ROAD;
    } else if (t == 4 || (t >= 1000 && t < 1100) || (t >= 1200 && t < 1300)) {
        *mode = SR_SEA;
        *cls = SR_CLASS_SEA;
    } else if (t >= 1100 && t < 1200) {
        *mode = SR_AIR;
        *cls = SR_CLASS_AIR;
    } else if (t == 5 || t == 6 || t == 7 || (t >= 1300 && t < 1500)) {
        *mode = SR_ROAD;
        *cls = SR_CLASS_ROAD;
    } else {
        return -1;
    }
    return 0;
}

static int load_routes(loader *L)
{
    struct sr_timetable *tt = L->tt;
    sr__csv c;
    if (open_file(L, &c, "routes.txt", 1) < 0)
        return -1;
    int c_id = need_col(L, &c, "route_id"), c_type = need_col(L, &c, "route_type");
    int c_ag = sr__csv_col(&c, "agency_id"), c_sn = sr__csv_col(&c, "route_short_name");
    int c_ln = sr__csv_col(&c, "route_long_name");
    size_t cap = 0;
    while (c_id >= 0 && c_type >= 0 && next(L, &c) > 0) {
        if (push_elem(L, (void **)&tt->routes, &cap, tt->n_routes, sizeof *tt->routes, 1000000, &c) < 0)
            break;
        sr__route *r = &tt->routes[tt->n_routes];
        memset(r, 0, sizeof *r);
        const char *id = sr__csv_get(&c, c_id);
        if (!*id) {
            fail(L, &c, "route_id", "empty");
            break;
        }
        long type;
        if (parse_long(sr__csv_get(&c, c_type), 0, 1999, &type) < 0 ||
            mode_of_route_type((int)type, &r->mode, &r->cls) < 0) {
            fail(L, &c, "route_type", "unknown route type '%.20s'", sr__csv_get(&c, c_type));
            break;
        }
        r->route_type = (int)type;
        const char *ag = sr__csv_get(&c, c_ag);
        long a = 0;
        if (*ag && (a = map_get(&L->agencies, ag)) < 0) {
            fail(L, &c, "agency_id", "unknown agency '%s'", ag);
            break;
        }
        if (!*ag && tt->n_agencies > 1) {
            fail(L, &c, "agency_id", "required when agency.txt has several agencies");
            break;
        }
        r->agency = (uint32_t)a;
        r->id = dup(L, id);
        r->short_name = dup(L, sr__csv_get(&c, c_sn));
        r->long_name = dup(L, sr__csv_get(&c, c_ln));
        r->source = "";
        r->units = 0x7;
        r->co2e_kg_per_tkm = -1;
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            r->price_usd[u] = -1;
        if (!r->id || !r->short_name || !r->long_name)
            break;
        int p = map_put(&L->routes, r->id, tt->n_routes);
        if (p != 0) {
            fail(L, p < 0 ? NULL : &c, p < 0 ? NULL : "route_id", p < 0 ? "out of memory" : "duplicate route '%s'",
                 id);
            break;
        }
        tt->n_routes++;
    }
    sr__csv_close(&c);
    if (L->failed)
        return -1;

    /* The freight extension: one optional row per route. */
    if (open_file(L, &c, "route_freight.txt", 0) <= 0)
        return L->failed ? -1 : 0;
    int f_id = need_col(L, &c, "route_id");
    int f_cls = sr__csv_col(&c, "class"), f_cap = sr__csv_col(&c, "capacity_teu");
    int f_units = sr__csv_col(&c, "units"), f_co2 = sr__csv_col(&c, "co2e_kg_per_tkm");
    int f_ass = sr__csv_col(&c, "assumed"), f_src = sr__csv_col(&c, "source");
    int f_price[SR_UNIT_COUNT] = {sr__csv_col(&c, "price_20ft_usd"), sr__csv_col(&c, "price_40ft_usd"),
                                  sr__csv_col(&c, "price_t_usd")};
    static const char *const price_name[SR_UNIT_COUNT] = {"price_20ft_usd", "price_40ft_usd", "price_t_usd"};
    while (f_id >= 0 && next(L, &c) > 0) {
        long ri = map_get(&L->routes, sr__csv_get(&c, f_id));
        if (ri < 0) {
            fail(L, &c, "route_id", "unknown route '%s'", sr__csv_get(&c, f_id));
            break;
        }
        sr__route *r = &tt->routes[ri];
        const char *v = sr__csv_get(&c, f_cls);
        if (*v) {
            int k = tt->net ? sr__class_parse_net(tt->net, v) : sr__class_parse(v);
            if (k < 0) {
                fail(L, &c, "class", "unknown carrier class '%.30s' (road, sea, air, or rail<gauge> of the network)", v);
                break;
            }
            r->cls = (uint8_t)k;
        }
        v = sr__csv_get(&c, f_cap);
        if (*v && parse_dbl(v, 0, 1e6, &r->capacity_teu) < 0) {
            fail(L, &c, "capacity_teu", "not a number in [0, 1e6]: '%.30s'", v);
            break;
        }
        for (int u = 0; u < SR_UNIT_COUNT; u++) {
            v = sr__csv_get(&c, f_price[u]);
            if (*v && parse_dbl(v, 0, 1e9, &r->price_usd[u]) < 0) {
                fail(L, &c, price_name[u], "not a price: '%.30s'", v);
                break;
            }
        }
        if (L->failed)
            break;
        v = sr__csv_get(&c, f_co2);
        if (*v && parse_dbl(v, 0, 100, &r->co2e_kg_per_tkm) < 0) {
            fail(L, &c, "co2e_kg_per_tkm", "not a number in [0, 100]: '%.30s'", v);
            break;
        }
        v = sr__csv_get(&c, f_units);
        if (*v) {
            r->units = 0;
            char tmp[64];
            snprintf(tmp, sizeof tmp, "%s", v);
            for (char *save = NULL, *t = strtok_r(tmp, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
                int u = sr_unit_parse(t);
                if (u < 0) {
                    fail(L, &c, "units", "unknown cargo unit '%.20s' (20ft;40ft;t)", t);
                    break;
                }
                r->units |= (uint8_t)(1u << u);
            }
            if (L->failed)
                break;
        }
        v = sr__csv_get(&c, f_ass);
        r->assumed = *v == '1';
        if (!(r->source = dup(L, sr__csv_get(&c, f_src))))
            break;
    }
    sr__csv_close(&c);
    return L->failed ? -1 : 0;
}

static int load_calendar(loader *L)
{
    struct sr_timetable *tt = L->tt;
    cal_row *cal = NULL;
    date_row *dates = NULL;
    size_t n_cal = 0, cap_cal = 0, n_dates = 0, cap_dates = 0, cap_sid = 0;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    sr__csv c;
    int have_cal = open_file(L, &c, "calendar.txt", 0);
    if (have_cal > 0) {
        static const char *const wd[7] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
        int c_sid = need_col(L, &c, "service_id"), c_from = need_col(L, &c, "start_date");
        int c_to = need_col(L, &c, "end_date"), c_wd[7];
        for (int i = 0; i < 7; i++)
            c_wd[i] = need_col(L, &c, wd[i]);
        while (!L->failed && next(L, &c) > 0) {
            if (push_elem(L, (void **)&cal, &cap_cal, n_cal, sizeof *cal, 1000000, &c) < 0)
                break;
            cal_row *r = &cal[n_cal];
            const char *sid = sr__csv_get(&c, c_sid);
            if (!*sid) {
                fail(L, &c, "service_id", "empty");
                break;
            }
            r->week = 0;
            for (int i = 0; i < 7; i++) {
                const char *v = sr__csv_get(&c, c_wd[i]);
                if (strcmp(v, "0") && strcmp(v, "1")) {
                    fail(L, &c, wd[i], "must be 0 or 1, not '%.20s'", v);
                    break;
                }
                r->week |= (uint8_t)((v[0] == '1') << i);
            }
            if (L->failed)
                break;
            if (sr__parse_yyyymmdd(sr__csv_get(&c, c_from), &r->from) < 0) {
                fail(L, &c, "start_date", "not a date YYYYMMDD: '%.20s'", sr__csv_get(&c, c_from));
                break;
            }
            if (sr__parse_yyyymmdd(sr__csv_get(&c, c_to), &r->to) < 0 || r->to < r->from) {
                fail(L, &c, "end_date", "not a date YYYYMMDD on or after start_date: '%.20s'", sr__csv_get(&c, c_to));
                break;
            }
            char *d = dup(L, sid);
            if (!d)
                break;
            int p = map_put(&L->services, d, tt->n_services);
            if (p < 0) {
                fail(L, NULL, NULL, "out of memory");
                break;
            }
            if (p > 0) {
                fail(L, &c, "service_id", "duplicate service '%s'", sid);
                break;
            }
            if (push_elem(L, (void **)&tt->service_id, &cap_sid, tt->n_services, sizeof *tt->service_id, 1000000,
                          &c) < 0)
                break;
            tt->service_id[tt->n_services] = d;
            r->service = tt->n_services++;
            if (r->from < lo)
                lo = r->from;
            if (r->to > hi)
                hi = r->to;
            n_cal++;
        }
        sr__csv_close(&c);
    }
    int have_dates = L->failed ? -1 : open_file(L, &c, "calendar_dates.txt", 0);
    if (have_dates > 0) {
        int c_sid = need_col(L, &c, "service_id"), c_date = need_col(L, &c, "date");
        int c_ex = need_col(L, &c, "exception_type");
        while (!L->failed && next(L, &c) > 0) {
            if (push_elem(L, (void **)&dates, &cap_dates, n_dates, sizeof *dates, 10000000, &c) < 0)
                break;
            date_row *r = &dates[n_dates];
            const char *sid = sr__csv_get(&c, c_sid);
            if (!*sid) {
                fail(L, &c, "service_id", "empty");
                break;
            }
            if (sr__parse_yyyymmdd(sr__csv_get(&c, c_date), &r->day) < 0) {
                fail(L, &c, "date", "not a date YYYYMMDD: '%.20s'", sr__csv_get(&c, c_date));
                break;
            }
            const char *ex = sr__csv_get(&c, c_ex);
            if (strcmp(ex, "1") && strcmp(ex, "2")) {
                fail(L, &c, "exception_type", "must be 1 (added) or 2 (removed), not '%.20s'", ex);
                break;
            }
            r->add = ex[0] == '1';
            long s = map_get(&L->services, sid);
            if (s < 0) {
                char *d = dup(L, sid);
                if (!d)
                    break;
                if (map_put(&L->services, d, tt->n_services) < 0) {
                    fail(L, NULL, NULL, "out of memory");
                    break;
                }
                if (push_elem(L, (void **)&tt->service_id, &cap_sid, tt->n_services, sizeof *tt->service_id,
                              1000000, &c) < 0)
                    break;
                tt->service_id[tt->n_services] = d;
                s = tt->n_services++;
            }
            r->service = (uint32_t)s;
            if (r->add) {
                if (r->day < lo)
                    lo = r->day;
                if (r->day > hi)
                    hi = r->day;
            }
            n_dates++;
        }
        sr__csv_close(&c);
    }
    if (!L->failed && have_cal <= 0 && have_dates <= 0)
        fail(L, NULL, NULL, "calendar.txt: neither calendar.txt nor calendar_dates.txt present");
    if (L->failed)
        goto out;
    if (lo > hi) /* nothing ever runs: an empty but valid calendar */
        lo = hi = 0;
    if (hi - lo + 1 > SR__TT_MAX_DAYS) {
        fail(L, NULL, NULL, "calendar.txt: start_date..end_date spans %lld days; at most %d are supported",
             (long long)(hi - lo + 1), SR__TT_MAX_DAYS);
        goto out;
    }
    tt->day0 = lo;
    tt->n_days = (uint32_t)(hi - lo + 1);
    tt->words = (tt->n_days + 63) / 64;
    XALLOC(tt->service_days, (size_t)tt->words * (tt->n_services ? tt->n_services : 1));
    for (size_t i = 0; i < n_cal; i++) {
        const cal_row *r = &cal[i];
        for (int64_t d = r->from; d <= r->to; d++) {
            int dow = (int)(((d + 3) % 7 + 7) % 7);
            if (r->week >> dow & 1) {
                int64_t b = d - lo;
                tt->service_days[(size_t)r->service * tt->words + (size_t)(b >> 6)] |= 1ull << (b & 63);
            }
        }
    }
    for (size_t i = 0; i < n_dates; i++) {
        const date_row *r = &dates[i];
        int64_t b = r->day - lo;
        if (b < 0 || b >= (int64_t)tt->n_days)
            continue; /* a removal outside every range changes nothing */
        uint64_t *w = &tt->service_days[(size_t)r->service * tt->words + (size_t)(b >> 6)];
        if (r->add)
            *w |= 1ull << (b & 63);
        else
            *w &= ~(1ull << (b & 63));
    }
out:
    free(cal);
    free(dates);
    return L->failed ? -1 : 0;
}

static int load_trips(loader *L)
{
    struct sr_timetable *tt = L->tt;
    sr__csv c;
    if (open_file(L, &c, "trips.txt", 1) < 0)
        return -1;
    int c_r = need_col(L, &c, "route_id"), c_s = need_col(L, &c, "service_id"), c_t = need_col(L, &c, "trip_id");
    size_t cap[3] = {0};
    while (!L->failed && next(L, &c) > 0) {
        uint32_t k = tt->n_trips;
        if (push_elem(L, (void **)&tt->trip_id, &cap[0], k, sizeof *tt->trip_id, SR__TT_MAX_TRIPS, &c) < 0 ||
            push_elem(L, (void **)&tt->trip_route, &cap[1], k, sizeof *tt->trip_route, SR__TT_MAX_TRIPS, &c) < 0 ||
            push_elem(L, (void **)&tt->trip_service, &cap[2], k, sizeof *tt->trip_service, SR__TT_MAX_TRIPS, &c) < 0)
            break;
        const char *tid = sr__csv_get(&c, c_t), *rid = sr__csv_get(&c, c_r), *sid = sr__csv_get(&c, c_s);
        if (!*tid) {
            fail(L, &c, "trip_id", "empty");
            break;
        }
        long r = map_get(&L->routes, rid), s = map_get(&L->services, sid);
        if (r < 0) {
            fail(L, &c, "route_id", "unknown route '%s'", rid);
            break;
        }
        if (s < 0) {
            fail(L, &c, "service_id", "unknown service '%s' (not in calendar.txt or calendar_dates.txt)", sid);
            break;
        }
        char *d = dup(L, tid);
        if (!d)
            break;
        int p = map_put(&L->trips, d, k);
        if (p != 0) {
            fail(L, p < 0 ? NULL : &c, p < 0 ? NULL : "trip_id", p < 0 ? "out of memory" : "duplicate trip '%s'",
                 tid);
            break;
        }
        tt->trip_id[k] = d;
        tt->trip_route[k] = (uint32_t)r;
        tt->trip_service[k] = (uint32_t)s;
        tt->n_trips++;
    }
    sr__csv_close(&c);
    return L->failed ? -1 : 0;
}

static int cmp_st(const void *a, const void *b)
{
    const st_row *x = a, *y = b;
    if (x->trip != y->trip)
        return x->trip < y->trip ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int load_stop_times(loader *L, st_row **rows_out, size_t *n_out)
{
    struct sr_timetable *tt = L->tt;
    sr__csv c;
    st_row *rows = NULL;
    size_t n = 0, cap = 0;
    if (open_file(L, &c, "stop_times.txt", 1) < 0)
        return -1;
    int c_t = need_col(L, &c, "trip_id"), c_a = need_col(L, &c, "arrival_time");
    int c_d = need_col(L, &c, "departure_time"), c_s = need_col(L, &c, "stop_id");
    int c_q = need_col(L, &c, "stop_sequence"), c_km = sr__csv_col(&c, "shape_dist_traveled");
    while (!L->failed && next(L, &c) > 0) {
        if (push_elem(L, (void **)&rows, &cap, n, sizeof *rows, SR__TT_MAX_STOP_TIMES, &c) < 0)
            break;
        st_row *r = &rows[n];
        r->line = c.line;
        const char *tid = sr__csv_get(&c, c_t), *sid = sr__csv_get(&c, c_s);
        long t = map_get(&L->trips, tid), s = map_get(&L->stops, sid), q;
        if (t < 0) {
            fail(L, &c, "trip_id", "unknown trip '%s'", tid);
            break;
        }
        if (s < 0) {
            fail(L, &c, "stop_id", "unknown stop '%s'", sid);
            break;
        }
        if (parse_long(sr__csv_get(&c, c_q), 0, 0x7fffffffL, &q) < 0) {
            fail(L, &c, "stop_sequence", "not a non-negative integer: '%.20s'", sr__csv_get(&c, c_q));
            break;
        }
        const char *a = sr__csv_get(&c, c_a), *d = sr__csv_get(&c, c_d);
        r->arr = *a ? parse_gtfs_time(a) : -1;
        r->dep = *d ? parse_gtfs_time(d) : -1;
        if (*a && r->arr < 0) {
            fail(L, &c, "arrival_time", "not a time HH:MM:SS (hours up to %d): '%.20s'", SR__TT_MAX_HOURS, a);
            break;
        }
        if (*d && r->dep < 0) {
            fail(L, &c, "departure_time", "not a time HH:MM:SS (hours up to %d): '%.20s'", SR__TT_MAX_HOURS, d);
            break;
        }
        /* Either time alone stands for both (common in feeds). */
        if (r->arr < 0)
            r->arr = r->dep;
        if (r->dep < 0)
            r->dep = r->arr;
        if (r->arr >= 0 && r->dep < r->arr) {
            fail(L, &c, "departure_time", "before arrival_time");
            break;
        }
        const char *km = sr__csv_get(&c, c_km);
        double kmv = NAN;
        if (*km && parse_dbl(km, 0, 1e6, &kmv) < 0) {
            fail(L, &c, "shape_dist_traveled", "not a distance: '%.20s'", km);
            break;
        }
        r->km = (float)kmv;
        r->trip = (uint32_t)t;
        r->stop = (uint32_t)s;
        r->seq = (uint32_t)q;
        n++;
    }
    const char *name = c.name;
    sr__csv_close(&c);
    if (L->failed) {
        free(rows);
        return -1;
    }
    if (n) /* qsort(NULL, 0, ...) is undefined behaviour */
        qsort(rows, n, sizeof *rows, cmp_st);
    /* Per trip: distinct sequence numbers, first and last timed, times never
     * going back; untimed stops interpolated by position. */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && rows[j].trip == rows[i].trip)
            j++;
        if (j - i > 65535) {
            fail(L, NULL, NULL, "%s:%ld: trip_id: trip '%s' has more than 65535 stops", name, rows[i].line,
                 tt->trip_id[rows[i].trip]);
            break;
        }
        if (rows[i].arr < 0 || rows[j - 1].arr < 0) {
            size_t b = rows[i].arr < 0 ? i : j - 1;
            fail(L, NULL, NULL, "%s:%ld: arrival_time: the first and last stop of a trip need times", name,
                 rows[b].line);
            break;
        }
        int32_t prev = -1;
        size_t last_timed = i;
        for (size_t k = i; k < j; k++) {
            if (k > i && rows[k].seq == rows[k - 1].seq) {
                fail(L, NULL, NULL, "%s:%ld: stop_sequence: %u repeated in trip '%s'", name, rows[k].line,
                     rows[k].seq, tt->trip_id[rows[k].trip]);
                break;
            }
            if (rows[k].arr < 0)
                continue;
            if (rows[k].arr < prev) {
                fail(L, NULL, NULL, "%s:%ld: arrival_time: earlier than the departure from the previous stop",
                     name, rows[k].line);
                break;
            }
            for (size_t m = last_timed + 1; m < k; m++) {
                int32_t t0 = rows[last_timed].dep, t1 = rows[k].arr;
                int32_t v = t0 + (int32_t)((int64_t)(t1 - t0) * (int64_t)(m - last_timed) / (int64_t)(k - last_timed));
                rows[m].arr = rows[m].dep = v;
            }
            last_timed = k;
            prev = rows[k].dep;
        }
        if (L->failed)
            break;
        i = j;
    }
    if (L->failed) {
        free(rows);
        return -1;
    }
    *rows_out = rows;
    *n_out = n;
    return 0;
}

typedef struct freq_row {
    uint32_t trip;
    int32_t start, end, headway;
} freq_row;

/* Build trip_st/len/shift/zone and the stop-time arrays, expanding
 * frequencies into shifted copies that share their template's stop times. */
static int build_trips(loader *L, st_row *rows, size_t n)
{
    struct sr_timetable *tt = L->tt;
    uint32_t nt = tt->n_trips;
    freq_row *fr = NULL;
    size_t n_fr = 0, cap_fr = 0;
    uint8_t *templ = NULL;
    sr__csv c;
    int have = open_file(L, &c, "frequencies.txt", 0);
    if (have > 0) {
        int c_t = need_col(L, &c, "trip_id"), c_s = need_col(L, &c, "start_time");
        int c_e = need_col(L, &c, "end_time"), c_h = need_col(L, &c, "headway_secs");
        while (!L->failed && next(L, &c) > 0) {
            if (push_elem(L, (void **)&fr, &cap_fr, n_fr, sizeof *fr, 1000000, &c) < 0)
                break;
            freq_row *f = &fr[n_fr];
            long t = map_get(&L->trips, sr__csv_get(&c, c_t)), h;
            if (t < 0) {
                fail(L, &c, "trip_id", "unknown trip '%s'", sr__csv_get(&c, c_t));
                break;
            }
            f->trip = (uint32_t)t;
            f->start = parse_gtfs_time(sr__csv_get(&c, c_s));
            f->end = parse_gtfs_time(sr__csv_get(&c, c_e));
            if (f->start < 0) {
                fail(L, &c, "start_time", "not a time HH:MM:SS: '%.20s'", sr__csv_get(&c, c_s));
                break;
            }
            if (f->end < f->start) {
                fail(L, &c, "end_time", "not a time HH:MM:SS after start_time: '%.20s'", sr__csv_get(&c, c_e));
                break;
            }
            if (parse_long(sr__csv_get(&c, c_h), 60, 7 * SR__DAY, &h) < 0) {
                fail(L, &c, "headway_secs", "not a whole number of seconds in [60, 604800]: '%.20s'",
                     sr__csv_get(&c, c_h));
                break;
            }
            f->headway = (int32_t)h;
            n_fr++;
        }
        sr__csv_close(&c);
    }
    if (L->failed)
        goto out;
    size_t extra = 0;
    for (size_t i = 0; i < n_fr; i++)
        extra += (size_t)((fr[i].end - fr[i].start) / fr[i].headway) + 1;
    if (nt + extra > SR__TT_MAX_TRIPS) {
        fail(L, NULL, NULL, "frequencies.txt: expands to more than %d trips", SR__TT_MAX_TRIPS);
        goto out;
    }
    size_t total = nt + extra;
    const char **ids = realloc(tt->trip_id, (total ? total : 1) * sizeof *ids);
    if (!ids) {
        fail(L, NULL, NULL, "out of memory");
        goto out;
    }
    tt->trip_id = ids;
    uint32_t *rt = realloc(tt->trip_route, (total ? total : 1) * sizeof *rt);
    if (!rt) {
        fail(L, NULL, NULL, "out of memory");
        goto out;
    }
    tt->trip_route = rt;
    uint32_t *sv = realloc(tt->trip_service, (total ? total : 1) * sizeof *sv);
    if (!sv) {
        fail(L, NULL, NULL, "out of memory");
        goto out;
    }
    tt->trip_service = sv;
    XALLOC(tt->trip_st, total);
    XALLOC(tt->trip_len, total);
    XALLOC(tt->trip_shift, total);
    XALLOC(tt->trip_zone, total);
    XALLOC(templ, nt);
    XALLOC(tt->st_stop, n);
    XALLOC(tt->st_arr, n);
    XALLOC(tt->st_dep, n);
    XALLOC(tt->st_km, n);
    tt->n_st = (uint32_t)n;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && rows[j].trip == rows[i].trip)
            j++;
        uint32_t k = rows[i].trip;
        tt->trip_st[k] = (uint32_t)i;
        tt->trip_len[k] = (uint16_t)(j - i);
        /* Distances: shape_dist_traveled when every stop has it, else the
         * great-circle sum between stops (0 without coordinates). */
        int have_km = 1;
        for (size_t m = i; m < j; m++)
            have_km &= !isnan(rows[m].km);
        double acc = 0;
        for (size_t m = i; m < j; m++) {
            tt->st_stop[m] = rows[m].stop;
            tt->st_arr[m] = rows[m].arr;
            tt->st_dep[m] = rows[m].dep;
            if (!have_km && m > i) {
                uint32_t a = rows[m - 1].stop, b = rows[m].stop;
                if (!isnan(tt->stop_lat[a]) && !isnan(tt->stop_lat[b]) && !isnan(tt->stop_lon[a]) &&
                    !isnan(tt->stop_lon[b]))
                    acc += sr__haversine_km(tt->stop_lat[a], tt->stop_lon[a], tt->stop_lat[b], tt->stop_lon[b]);
            }
            tt->st_km[m] = have_km ? rows[m].km : (float)acc;
        }
        i = j;
    }
    for (uint32_t k = 0; k < nt; k++)
        tt->trip_zone[k] = tt->agency_zone[tt->routes[tt->trip_route[k]].agency];
    /* Frequency-based trips: the template's times give only the running
     * times; each expansion departs its first stop at start + i * headway. */
    uint32_t nk = nt;
    for (size_t i = 0; i < n_fr; i++) {
        uint32_t k = fr[i].trip;
        if (tt->trip_len[k] == 0)
            continue;
        templ[k] = 1;
        int32_t base = tt->st_dep[tt->trip_st[k]];
        for (int32_t t = fr[i].start; t <= fr[i].end; t += fr[i].headway) {
            if ((int64_t)t + tt->st_arr[tt->trip_st[k] + tt->trip_len[k] - 1] - base > (int64_t)SR__TT_MAX_HOURS * 3600)
                break;
            tt->trip_id[nk] = tt->trip_id[k];
            tt->trip_route[nk] = tt->trip_route[k];
            tt->trip_service[nk] = tt->trip_service[k];
            tt->trip_st[nk] = tt->trip_st[k];
            tt->trip_len[nk] = tt->trip_len[k];
            tt->trip_shift[nk] = t - base;
            tt->trip_zone[nk] = tt->trip_zone[k];
            nk++;
        }
    }
    /* Templates do not run at their own times: make them empty. */
    for (uint32_t k = 0; k < nt; k++)
        if (templ[k])
            tt->trip_len[k] = 0;
    tt->n_trips = nk;
    for (uint32_t k = 0; k < nk; k++)
        if (tt->trip_len[k]) {
            int32_t e = tt->st_arr[tt->trip_st[k] + tt->trip_len[k] - 1] + tt->trip_shift[k];
            if (e > tt->max_trip_s)
                tt->max_trip_s = e;
        }
out:
    free(fr);
    free(templ);
    return L->failed ? -1 : 0;
}

static int load_transfers(loader *L)
{
    struct sr_timetable *tt = L->tt;
    sr__csv c;
    int have = open_file(L, &c, "transfers.txt", 0);
    if (have <= 0)
        return have;
    int c_f = need_col(L, &c, "from_stop_id"), c_t = need_col(L, &c, "to_stop_id");
    int c_ty = need_col(L, &c, "transfer_type"), c_m = sr__csv_col(&c, "min_transfer_time");
    while (!L->failed && next(L, &c) > 0) {
        const char *f = sr__csv_get(&c, c_f), *t = sr__csv_get(&c, c_t);
        long ty = 0, m;
        const char *tys = sr__csv_get(&c, c_ty);
        if (*tys && parse_long(tys, 0, 5, &ty) < 0) {
            fail(L, &c, "transfer_type", "not 0..5: '%.20s'", tys);
            break;
        }
        if (!*f)
            continue; /* route- or trip-level transfers are not modelled */
        long sf = map_get(&L->stops, f);
        if (sf < 0) {
            fail(L, &c, "from_stop_id", "unknown stop '%s'", f);
            break;
        }
        if (ty != 2 || strcmp(f, t))
            continue; /* only the minimum time at the same stop is used */
        if (parse_long(sr__csv_get(&c, c_m), 0, 7 * SR__DAY, &m) < 0) {
            fail(L, &c, "min_transfer_time", "not seconds in [0, 604800]: '%.20s'", sr__csv_get(&c, c_m));
            break;
        }
        tt->stop_min_xfer[sf] = (int32_t)m;
    }
    sr__csv_close(&c);
    return L->failed ? -1 : 0;
}

/* terminals.txt (extension): opening days, hours, season and handling
 * dwell of the terminal at a stop's place. */
static int load_terminals(loader *L)
{
    struct sr_timetable *tt = L->tt;
    sr__csv c;
    int have = open_file(L, &c, "terminals.txt", 0);
    if (have <= 0)
        return have;
    uint32_t np = tt->net ? tt->net->n_places : tt->n_stops;
    int c_s = need_col(L, &c, "stop_id"), c_d = sr__csv_col(&c, "open_days"), c_h = sr__csv_col(&c, "open_hours");
    int c_se = sr__csv_col(&c, "open_season"), c_w = sr__csv_col(&c, "dwell_h");
    tt->place_hours = calloc(np ? np : 1, sizeof *tt->place_hours);
    tt->place_dwell_s = calloc(np ? np : 1, sizeof *tt->place_dwell_s);
    if (!tt->place_hours || !tt->place_dwell_s) {
        fail(L, NULL, NULL, "out of memory");
        sr__csv_close(&c);
        return -1;
    }
    for (uint32_t p = 0; p < np; p++) {
        tt->place_hours[p].always = 1;
        tt->place_hours[p].zone = -1;
    }
    while (!L->failed && c_s >= 0 && next(L, &c) > 0) {
        long st = map_get(&L->stops, sr__csv_get(&c, c_s));
        if (st < 0) {
            fail(L, &c, "stop_id", "unknown stop '%s'", sr__csv_get(&c, c_s));
            break;
        }
        char err[300];
        sr__hours h;
        if (sr__hours_parse(&h, sr__csv_get(&c, c_d), sr__csv_get(&c, c_h), sr__csv_get(&c, c_se), err, sizeof err) < 0) {
            char *colon = strchr(err, ':');
            fail(L, &c, NULL, "%s", colon ? err : err);
            break;
        }
        double dw = 0;
        const char *v = sr__csv_get(&c, c_w);
        if (*v && parse_dbl(v, 0, 24 * 30, &dw) < 0) {
            fail(L, &c, "dwell_h", "not hours in [0, 720]: '%.20s'", v);
            break;
        }
        h.zone = (int16_t)tt->stop_zone[st];
        uint32_t pl = tt->stop_place[st];
        if (pl == UINT32_MAX)
            continue;
        tt->place_hours[pl] = h;
        tt->place_dwell_s[pl] = (int32_t)(dw * 3600);
    }
    sr__csv_close(&c);
    return L->failed ? -1 : 0;
}

/* Places and the events (trip, position) leaving each place. */
static int build_events(loader *L)
{
    struct sr_timetable *tt = L->tt;
    tt->n_places = tt->net ? tt->net->n_places : tt->n_stops;
    size_t n_ev = 0;
    XALLOC(tt->ev_off, (size_t)tt->n_places + 1);
    for (uint32_t k = 0; k < tt->n_trips; k++)
        for (uint32_t p = 0; p + 1 < tt->trip_len[k]; p++) {
            uint32_t pl = tt->stop_place[tt->st_stop[tt->trip_st[k] + p]];
            if (pl != UINT32_MAX)
                tt->ev_off[pl + 1]++;
        }
    for (uint32_t p = 0; p < tt->n_places; p++)
        tt->ev_off[p + 1] += tt->ev_off[p];
    n_ev = tt->ev_off[tt->n_places];
    XALLOC(tt->ev_trip, n_ev);
    XALLOC(tt->ev_pos, n_ev);
    {
        uint32_t *fill = calloc(tt->n_places ? tt->n_places : 1, sizeof *fill);
        if (!fill) {
            fail(L, NULL, NULL, "out of memory");
            goto out;
        }
        for (uint32_t k = 0; k < tt->n_trips; k++)
            for (uint32_t p = 0; p + 1 < tt->trip_len[k]; p++) {
                uint32_t pl = tt->stop_place[tt->st_stop[tt->trip_st[k] + p]];
                if (pl == UINT32_MAX)
                    continue;
                uint32_t e = tt->ev_off[pl] + fill[pl]++;
                tt->ev_trip[e] = k;
                tt->ev_pos[e] = (uint16_t)p;
            }
        free(fill);
    }
    XALLOC(tt->place_zone, tt->n_places);
    for (uint32_t p = 0; p < tt->n_places; p++)
        tt->place_zone[p] = tt->net ? -1 : (int16_t)tt->stop_zone[p];
    if (tt->net) {
        const sr_network *net = tt->net;
        for (uint32_t p = 0; p < tt->n_places; p++) {
            const char *tzn = net->places[p].tz;
            if (tzn && *tzn) {
                int z = sr__tt_zone(tt, tzn);
                if (z < 0) {
                    char save[1024];
                    snprintf(save, sizeof save, "%s", tt->errmsg);
                    fail(L, NULL, NULL, "places.csv: place '%s': tz: %s", net->places[p].id, save);
                    goto out;
                }
                tt->place_zone[p] = (int16_t)z;
            }
        }
        /* Stops at a place without its own zone print in the stop's zone. */
        for (uint32_t s = 0; s < tt->n_stops; s++)
            if (tt->stop_place[s] != UINT32_MAX && tt->place_zone[tt->stop_place[s]] < 0)
                tt->place_zone[tt->stop_place[s]] = (int16_t)tt->stop_zone[s];
        XALLOC(tt->cross_hours, net->n_crossings);
        for (uint32_t x = 0; x < net->n_crossings; x++) {
            const sr_crossing *cr = &net->crossings[x];
            char err[300];
            if (sr__hours_parse(&tt->cross_hours[x], cr->open_days ? cr->open_days : "",
                                cr->open_hours ? cr->open_hours : "", cr->open_season ? cr->open_season : "", err,
                                sizeof err) < 0) {
                fail(L, NULL, NULL, "crossings.csv: crossing '%s': %s", cr->id, err);
                goto out;
            }
            const char *tzn = net->places[cr->place_a].tz;
            if (!tt->cross_hours[x].always && tzn && *tzn) {
                int z = sr__tt_zone(tt, tzn);
                if (z < 0) {
                    char save[1024];
                    snprintf(save, sizeof save, "%s", tt->errmsg);
                    fail(L, NULL, NULL, "places.csv: place '%s': tz: %s", net->places[cr->place_a].id, save);
                    goto out;
                }
                tt->cross_hours[x].zone = (int16_t)z;
            }
        }
        /* Sea and air links are replaced by the schedule where a trip of that
         * mode calls at both ends. */
        XALLOC(tt->link_scheduled, net->n_links);
        for (uint32_t l = 0; l < net->n_links; l++) {
            const sr_link *lk = &net->links[l];
            if (lk->mode != SR_SEA && lk->mode != SR_AIR)
                continue;
            for (uint32_t e = tt->ev_off[lk->from]; e < tt->ev_off[lk->from + 1] && !tt->link_scheduled[l]; e++) {
                uint32_t k = tt->ev_trip[e];
                if (tt->routes[tt->trip_route[k]].mode != lk->mode)
                    continue;
                for (uint32_t p = 0; p < tt->trip_len[k]; p++)
                    if (tt->stop_place[tt->st_stop[tt->trip_st[k] + p]] == lk->to)
                        tt->link_scheduled[l] = 1;
            }
        }
    }
out:
    return L->failed ? -1 : 0;
}

static sr_code load(struct sr_timetable *tt, src s, const sr_network *net)
{
    loader L;
    memset(&L, 0, sizeof L);
    L.tt = tt;
    L.s = s;
    tt->net = net;
    st_row *rows = NULL;
    size_t n_rows = 0;
    if (load_agencies(&L) == 0 && load_stops(&L) == 0 && load_routes(&L) == 0 && load_calendar(&L) == 0 &&
        load_trips(&L) == 0 && load_stop_times(&L, &rows, &n_rows) == 0 && build_trips(&L, rows, n_rows) == 0 &&
        load_transfers(&L) >= 0 && load_terminals(&L) >= 0)
        build_events(&L);
    free(rows);
    map_free(&L.stops);
    map_free(&L.routes);
    map_free(&L.services);
    map_free(&L.trips);
    map_free(&L.agencies);
    if (!L.failed)
        return SR_OK;
    if (L.code != SR_OK)
        return L.code;
    return strstr(tt->errmsg, "out of memory") ? SR_ENOMEM : SR_EDATA;
}

sr_code sr__gtfs_load(struct sr_timetable *tt, const char *dir, const sr_network *net)
{
    src s = {.dir = dir};
    return load(tt, s, net);
}

sr_code sr__gtfs_load_mem(struct sr_timetable *tt, const sr_network *net, size_t n, const char *const *names,
                          const char *const *bufs, const size_t *lens)
{
    src s = {.n = n, .names = names, .bufs = bufs, .lens = lens};
    return load(tt, s, net);
}

void sr__tt_free(struct sr_timetable *tt)
{
    if (!tt)
        return;
    for (uint32_t i = 0; i < tt->n_zones; i++)
        sr__tz_free(&tt->zones[i]);
    free(tt->zones);
    free(tt->agency_id);
    free(tt->agency_zone);
    free(tt->stop_id);
    free(tt->stop_name);
    free(tt->stop_lat);
    free(tt->stop_lon);
    free(tt->stop_zone);
    free(tt->stop_min_xfer);
    free(tt->stop_place);
    free(tt->service_id);
    free(tt->service_days);
    free(tt->routes);
    free(tt->trip_id);
    free(tt->trip_route);
    free(tt->trip_service);
    free(tt->trip_st);
    free(tt->trip_len);
    free(tt->trip_shift);
    free(tt->trip_zone);
    free(tt->st_stop);
    free(tt->st_arr);
    free(tt->st_dep);
    free(tt->st_km);
    free(tt->st_via_off);
    free(tt->st_via_len);
    free(tt->st_via_g0);
    free(tt->st_via_g1);
    free(tt->st_via_a0);
    free(tt->via);
    free(tt->ev_off);
    free(tt->place_zone);
    free(tt->ev_trip);
    free(tt->ev_pos);
    free(tt->cross_hours);
    free(tt->place_hours);
    free(tt->place_dwell_s);
    free(tt->link_scheduled);
    free(tt->dir);
    sr__arena_free(&tt->arena);
    memset(tt, 0, sizeof *tt);
}

long sr__tt_stop_find(const struct sr_timetable *tt, const char *id)
{
    for (uint32_t i = 0; i < tt->n_stops; i++)
        if (!strcmp(tt->stop_id[i], id))
            return (long)i;
    return -1;
}

int64_t sr__tt_day_start(const struct sr_timetable *tt, uint32_t zone, int64_t d)
{
    /* GTFS measures stop times from "noon minus 12 h" of the service day,
     * which differs from midnight on days with a DST change. */
    int64_t noon = d * SR__DAY + SR__DAY / 2;
    return sr__tz_to_utc(&tt->zones[zone], noon) - SR__DAY / 2;
}
