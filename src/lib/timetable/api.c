/*
 * api.c - the public face of the timetable module: opening and closing
 * timetables, attaching services to a network when it opens, a bare GTFS
 * feed used as a whole dataset, time parsing and printing, and the entry
 * the query layer (query/plan.c) calls for a timetabled query.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/budget.h"
#include "core/csv.h"
#include "documents/doc.h"
#include "network/network.h"
#include "core/num.h"
#include "route/route.h"
#include "timetable/search.h"
#include "timetable/tt.h"

sr_code sr_timetable_open(const char *dir, const sr_network *net, sr_timetable **out)
{
    if (!out)
        return SR_EARG;
    sr_timetable *tt = calloc(1, sizeof *tt);
    *out = tt;
    if (!tt)
        return SR_ENOMEM;
    if (!dir) {
        snprintf(tt->errmsg, sizeof tt->errmsg, "no feed directory given");
        return SR_EARG;
    }
    tt->dir = strdup(dir);
    if (!tt->dir)
        return SR_ENOMEM;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(tt->errmsg, sizeof tt->errmsg, "%s: not a readable GTFS feed directory", dir);
        return SR_EIO;
    }
    char save[1024];
    sr_code rc = sr__gtfs_load(tt, dir, net);
    if (rc == SR_OK)
        rc = sr__tt_build_via(tt, net);
    if (rc != SR_OK) {
        /* Keep the message, drop the partial arrays. */
        snprintf(save, sizeof save, "%s", tt->errmsg);
        char *d = tt->dir;
        tt->dir = NULL;
        sr__tt_free(tt);
        tt->dir = d;
        snprintf(tt->errmsg, sizeof tt->errmsg, "%s", save);
    }
    return rc;
}

void sr_timetable_close(sr_timetable *tt)
{
    if (!tt)
        return;
    sr__tt_free(tt);
    free(tt);
}

const char *sr_timetable_errmsg(const sr_timetable *tt) { return tt ? tt->errmsg : "no timetable"; }
size_t sr_timetable_stop_count(const sr_timetable *tt) { return tt ? tt->n_stops : 0; }
size_t sr_timetable_trip_count(const sr_timetable *tt) { return tt ? tt->n_trips : 0; }
size_t sr_timetable_service_count(const sr_timetable *tt) { return tt ? tt->n_services : 0; }
const sr_timetable *sr_network_timetable(const sr_network *net) { return net ? net->timetable : NULL; }

/* Does DIR/name exist, whatever its type?  A FIFO or a directory named
 * stops.txt still marks a feed, whose loader then refuses it by name
 * rather than the feed being skipped without a word. */
static int exists(const char *dir, const char *name)
{
    char path[4200];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return 0;
    return lstat(path, &st) == 0;
}

int sr__is_gtfs_feed(const char *dir) { return exists(dir, "stops.txt") && !exists(dir, "places.csv"); }

/* Attach services to a freshly loaded network: DIR/services/ when present,
 * the dataset itself when it is a bare feed, else an empty timetable (the
 * crossings' opening hours still need one).  A services/ that is present
 * is loaded as a feed whatever it holds, so a missing stops.txt (or any
 * required file) is an error naming it, never a silently static network.
 * Errors go to net->errmsg. */
sr_code sr__tt_attach(sr_network *net)
{
    char sub[4200];
    if (snprintf(sub, sizeof sub, "%s/services", net->dir) >= (int)sizeof sub)
        sub[0] = 0;
    const char *feed = NULL;
    struct stat st;
    if (sr__is_gtfs_feed(net->dir)) {
        feed = net->dir;
    } else if (sub[0] && lstat(sub, &st) == 0) {
        feed = sub;
    } else if (sub[0] && errno != ENOENT && errno != ENOTDIR) {
        /* ENOTDIR: a compiled network file (srn/srn.c), which has no services. */
        snprintf(net->errmsg, sizeof net->errmsg, "services: cannot access %.900s: %s", sub, strerror(errno));
        sr__escape_inplace(net->errmsg, sizeof net->errmsg);
        return SR_EIO;
    }
    sr_timetable *tt = NULL;
    sr_code rc;
    if (feed) {
        rc = sr_timetable_open(feed, net, &tt);
    } else {
        tt = calloc(1, sizeof *tt);
        if (!tt)
            return SR_ENOMEM;
        static const char *const names[] = {"agency.txt", "stops.txt", "routes.txt", "trips.txt",
                                            "stop_times.txt", "calendar.txt"};
        static const char *const bufs[] = {"agency_id,agency_name,agency_url,agency_timezone\nx,x,x,UTC\n",
                                           "stop_id\n", "route_id,route_type\n", "route_id,service_id,trip_id\n",
                                           "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n",
                                           ("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                                            "start_date,end_date\n")};
        size_t lens[6];
        for (int i = 0; i < 6; i++)
            lens[i] = strlen(bufs[i]);
        /* An empty feed through the same loader: places, zones and opening
         * hours are built exactly as with services. */
        rc = sr__gtfs_load_mem(tt, net, 6, names, bufs, lens);
    }
    if (rc != SR_OK) {
        snprintf(net->errmsg, sizeof net->errmsg, "%s%.1000s%s", feed ? "services: " : "", tt ? tt->errmsg : "",
                 tt ? "" : "out of memory");
        sr_timetable_close(tt);
        return rc;
    }
    net->timetable = tt;
    return SR_OK;
}

void sr__tt_detach(sr_network *net)
{
    sr_timetable_close(net->timetable);
    net->timetable = NULL;
}

/* A bare GTFS feed as a dataset: its stops become places (id stop_id, name
 * stop_name, zone stop_timezone or the agency's), with no links; the feed's
 * services then run between them.  Costs and CO2e use fixed defaults that
 * docs/DATA.md states. */
sr_code sr__network_from_gtfs(sr_network *net, const char *dir)
{
    sr_timetable *tt = NULL;
    sr_code rc = sr_timetable_open(dir, NULL, &tt);
    if (rc != SR_OK) {
        snprintf(net->errmsg, sizeof net->errmsg, "%s", tt ? tt->errmsg : "out of memory");
        sr_timetable_close(tt);
        return rc;
    }
    uint32_t n = tt->n_stops;
    net->places = calloc(n ? n : 1, sizeof *net->places);
    net->arc_off = calloc((size_t)n + 1, sizeof *net->arc_off);
    net->xfer_off = calloc((size_t)n + 1, sizeof *net->xfer_off);
    if (!net->places || !net->arc_off || !net->xfer_off)
        goto nomem;
    for (uint32_t i = 0; i < n; i++) {
        sr_place *p = &net->places[i];
        p->id = sr__arena_strdup(&net->arena, tt->stop_id[i]);
        p->name_en = sr__arena_strdup(&net->arena, *tt->stop_name[i] ? tt->stop_name[i] : tt->stop_id[i]);
        p->name_zh = p->name_ru = "";
        p->tz = sr__arena_strdup(&net->arena, tt->zones[tt->stop_zone[i]].name);
        if (!p->id || !p->name_en || !p->tz)
            goto nomem;
        p->kind = SR_PLACE_RAIL_TERMINAL;
        p->lat = isnan(tt->stop_lat[i]) ? 0 : tt->stop_lat[i];
        p->lon = isnan(tt->stop_lon[i]) ? 0 : tt->stop_lon[i];
    }
    net->n_places = n;
    /* translations.txt (optional) gives English, Chinese and Russian stop
     * names; the feed's own stop_name then stays findable as an alias. */
    sr__name *aliases = NULL;
    size_t n_aliases = 0, cap_aliases = 0;
    char path[4200];
    sr__csv c;
    memset(&c, 0, sizeof c);
    c.absent = 1;
    int have_tr = snprintf(path, sizeof path, "%s/translations.txt", dir) < (int)sizeof path &&
                  sr__csv_open(&c, path, "translations.txt") == 0;
    if (!have_tr && !c.absent) {
        /* translations.txt exists but cannot be read (or is malformed):
         * an error naming it, not names silently missing. */
        snprintf(net->errmsg, sizeof net->errmsg, "%s", c.err);
        sr__escape_inplace(net->errmsg, sizeof net->errmsg);
        rc = c.code;
        sr__csv_close(&c);
        free(aliases);
        sr_timetable_close(tt);
        return rc;
    }
    if (!have_tr)
        sr__csv_close(&c);
    if (have_tr) {
        int c_t = sr__csv_col(&c, "table_name"), c_f = sr__csv_col(&c, "field_name");
        int c_l = sr__csv_col(&c, "language"), c_tr = sr__csv_col(&c, "translation"), c_r = sr__csv_col(&c, "record_id");
        /* Stops by id for the records (a hash: a scan per row was
         * quadratic in the feed's size).  Places are the stops, in order. */
        sr__idhash stops;
        sr__idhash_init(&stops);
        int stops_ok = sr__idhash_reserve(&stops, n) == 0;
        for (uint32_t i = 0; stops_ok && i < n; i++)
            stops_ok = sr__idhash_put(&stops, net->places[i].id, i, NULL) >= 0;
        while (c_t >= 0 && c_f >= 0 && c_l >= 0 && c_tr >= 0 && c_r >= 0 && sr__csv_next(&c) > 0) {
            if (strcmp(sr__csv_get(&c, c_t), "stops") || strcmp(sr__csv_get(&c, c_f), "stop_name"))
                continue;
            const char *lang = sr__csv_get(&c, c_l), *tr = sr__csv_get(&c, c_tr);
            const char *rid = sr__csv_get(&c, c_r);
            long i = stops_ok ? sr__idhash_get(&stops, rid) : sr__tt_stop_find(tt, rid);
            if (i < 0 || !*tr)
                continue;
            sr_place *p = &net->places[i];
            const char **slot = !strcmp(lang, "en") ? &p->name_en : !strncmp(lang, "zh", 2) ? &p->name_zh
                                : !strcmp(lang, "ru") ? &p->name_ru : NULL;
            char *d = sr__arena_strdup(&net->arena, tr);
            if (!d || sr__grow((void **)&aliases, &cap_aliases, n_aliases + 1, sizeof *aliases) < 0) {
                sr__csv_close(&c);
                sr__idhash_free(&stops);
                free(aliases);
                goto nomem;
            }
            if (slot && slot == &p->name_en) {
                /* Keep the original name as an alias. */
                aliases[n_aliases].key = p->name_en;
                aliases[n_aliases++].place = (uint32_t)i;
                *slot = d;
            } else if (slot) {
                *slot = d;
            } else {
                aliases[n_aliases].key = d;
                aliases[n_aliases++].place = (uint32_t)i;
            }
        }
        sr__idhash_free(&stops);
        sr__csv_close(&c);
    }
    /* Defaults for CO2e and costs of services without route_freight.txt. */
    static const double co2[SR_MODE_COUNT] = {0.022, 0.08, 0.015, 0.6};
    static const double speed[SR_MODE_COUNT] = {50, 60, 25, 800};
    for (int m = 0; m < SR_MODE_COUNT; m++) {
        net->modes[m].speed_kmh = speed[m];
        net->modes[m].co2e_kg_per_tkm = co2[m];
        net->modes[m].units = (1u << SR_UNIT_COUNT) - 1;
    }
    net->tonnes_per_unit[SR_UNIT_20FT] = 10;
    net->tonnes_per_unit[SR_UNIT_40FT] = 20;
    net->tonnes_per_unit[SR_UNIT_T] = 1;
    sr_timetable_close(tt);
    int bad = sr__build_name_index(net, aliases, n_aliases) < 0;
    free(aliases);
    return bad ? SR_ENOMEM : SR_OK;
nomem:
    sr_timetable_close(tt);
    snprintf(net->errmsg, sizeof net->errmsg, "%s: out of memory", dir);
    return SR_ENOMEM;
}

/* ---- times ------------------------------------------------------------------- */

static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

sr_code sr_time_parse(const char *s, const char *tz, int64_t *out)
{
    if (!s || !out)
        return SR_EARG;
    int y, mo, d, h = 0, mi = 0, se = 0;
    size_t len = strlen(s);
    if (len < 10 || len > 40 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return SR_EARG;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
            return SR_EARG;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &se))
                return SR_EARG;
            p += 3;
        }
    }
    static const int dm[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || d < 1 || d > dm[mo - 1] || h > 23 || mi > 59 || se > 59)
        return SR_EARG;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return SR_EARG;
    int64_t local = sr__days_from_civil(y, mo, d) * SR__DAY + h * 3600 + mi * 60 + se;
    /* An explicit offset ("+08:00", "[+08:00]", "Z") wins over the zone. */
    if (*p == '[') {
        size_t n = strlen(p);
        if (n < 2 || p[n - 1] != ']')
            return SR_EARG;
        char tmp[16];
        if (n - 2 >= sizeof tmp)
            return SR_EARG;
        memcpy(tmp, p + 1, n - 2);
        tmp[n - 2] = 0;
        int64_t r;
        char full[64];
        snprintf(full, sizeof full, "%.10sT%02d:%02d:%02d%s", s, h, mi, se, tmp);
        if (sr_time_parse(full, NULL, &r) != SR_OK)
            return SR_EARG;
        *out = r;
        return SR_OK;
    }
    if (*p == 'Z' && !p[1]) {
        *out = local;
        return SR_OK;
    }
    if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || p[6] || oh > 14 || om > 59)
            return SR_EARG;
        int off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        *out = local - off;
        return SR_OK;
    }
    if (*p)
        return SR_EARG;
    if (!tz || !*tz) {
        *out = local;
        return SR_OK;
    }
    sr__tz z;
    char err[256];
    if (sr__tz_load(&z, tz, err, sizeof err) < 0)
        return SR_EARG;
    *out = sr__tz_to_utc(&z, local);
    sr__tz_free(&z);
    return SR_OK;
}

int sr_time_format(int64_t t, int32_t off, char *buf, size_t cap)
{
    int64_t l = t + off;
    int64_t day = l / SR__DAY - (l % SR__DAY < 0);
    int64_t sec = l - day * SR__DAY;
    int y, m, d;
    sr__civil_from_days(day, &y, &m, &d);
    int a = off < 0 ? -off : off;
    int n = snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d%c%02d:%02d", y, m, d, (int)(sec / 3600),
                     (int)(sec / 60 % 60), off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

sr_code sr_tz_offset(const char *tz, int64_t t, int32_t *off)
{
    sr__tz z;
    char err[256];
    if (!tz || !off || sr__tz_load(&z, tz, err, sizeof err) < 0)
        return SR_EARG;
    *off = sr__tz_offset(&z, t);
    sr__tz_free(&z);
    return SR_OK;
}

static const char *place_tz(const sr_network *net, const char *name)
{
    size_t i;
    if (!net || !name || sr_place_find(net, name, &i) != SR_OK)
        return NULL;
    return net->places[i].tz;
}

sr_code sr_route_options_set_times(const sr_network *net, sr_route_options *o, const char *depart,
                                   const char *arrive_by, const char *window, char *err, size_t errcap)
{
    if (!o || !err || !errcap)
        return SR_EARG;
    err[0] = 0;
    if (depart && *depart && sr_time_parse(depart, place_tz(net, o->from), &o->depart) != SR_OK) {
        snprintf(err, errcap, "depart: '%.60s' is not a time like 2026-06-03T08:00 or 2026-06-03T08:00+08:00", depart);
        return SR_EARG;
    }
    if (arrive_by && *arrive_by && sr_time_parse(arrive_by, place_tz(net, o->to), &o->arrive_by) != SR_OK) {
        snprintf(err, errcap, "arrive_by: '%.60s' is not a time like 2026-06-17T18:00+05:00", arrive_by);
        return SR_EARG;
    }
    if (window && *window) {
        /* A number by the strict parser (num.h: no hex, no blanks) and an
         * optional unit letter. */
        char num[64];
        size_t n = strlen(window);
        char last = window[n - 1];
        double unit = last == 'd' ? 86400 : last == 'h' ? 3600 : last == 'm' ? 60 : 1;
        if (unit != 1)
            n--;
        double x = 0;
        int bad = n == 0 || n >= sizeof num;
        if (!bad) {
            memcpy(num, window, n);
            num[n] = 0;
            bad = sr__parse_double(num, 0, HUGE_VAL, &x) != 0;
        }
        if (bad || !(x > 0) || x * unit > 62 * 86400.0) {
            snprintf(err, errcap, "window: '%.60s' is not a duration like 14d, 36h or 90m (at most 62d)", window);
            return SR_EARG;
        }
        o->window_s = (int64_t)(x * unit);
        if (o->depart == SR_TIME_NONE && o->arrive_by == SR_TIME_NONE) {
            snprintf(err, errcap, "window: needs depart or arrive_by");
            return SR_EARG;
        }
    }
    return SR_OK;
}

/* ---- the router's entry ------------------------------------------------------ */

sr_code sr__tt_route_query(const sr_network *net, const sr_route_options *o, uint32_t from, uint32_t to,
                           const uint8_t *banned_place, const uint8_t *banned_crossing, sr__budget *budget,
                           sr_result **out, char *err, size_t errcap)
{
    const sr_timetable *tt = o->timetable ? o->timetable : net->timetable;
    if (!tt || tt->net != net) {
        snprintf(err, errcap, "timetable: none loaded for this network");
        return SR_EARG;
    }
    if (o->min_transfer_s < 0 || o->min_transfer_s > 7 * SR__DAY) {
        snprintf(err, errcap, "min_transfer: must be between 0 and 7 days");
        return SR_EARG;
    }
    if (o->arrive_by != SR_TIME_NONE && o->depart != SR_TIME_NONE && o->arrive_by < o->depart) {
        snprintf(err, errcap, "arrive_by: before the departure");
        return SR_EARG;
    }
    if (o->window_s > 0 && o->depart == SR_TIME_NONE && o->arrive_by == SR_TIME_NONE) {
        snprintf(err, errcap, "window: needs depart or arrive_by");
        return SR_EARG;
    }
    sr__tt_plan p;
    memset(&p, 0, sizeof p);
    p.tt = tt;
    p.from = from;
    p.to = to;
    p.modes = o->modes;
    p.year = o->year;
    p.unit = o->unit;
    p.qty = o->quantity;
    p.pareto = o->pareto || o->objective != SR_BY_TIME;
    p.min_transfer_s = o->min_transfer_s;
    p.depart = o->depart;
    p.arrive_by = o->arrive_by;
    p.window_s = o->window_s;
    p.max_labels = o->max_labels;
    /* Transfers: class changes, and boarding a service after a first leg. */
    p.max_transfers = o->max_transfers;
    p.banned_place = banned_place;
    p.banned_crossing = banned_crossing;
    p.budget = budget;
    /* The document rules as the static router applies them (documents/). */
    sr__doc_query dq;
    memset(&dq, 0, sizeof dq);
    if (net->docs) {
        if (sr__doc_query_init(&dq, net, o->year, o->consignment_note, o->road_regime, o->unit, o->quantity, from, to) < 0)
            return SR_ENOMEM;
        p.doc = &dq;
    }
    sr_code rc = sr__tt_search(&p, out, err, errcap);
    sr__doc_query_free(&dq);
    if (rc != SR_OK || o->pareto || o->objective == SR_BY_TIME || o->window_s > 0)
        return rc;
    /* A single route by cost, CO2e or a blend: the best of the Pareto set
     * (every such optimum is in it).  By reliability: the least P90 of the
     * set, an approximation (a slower journey with tighter parts may be
     * dominated on arrival yet more reliable). */
    sr_result *r = *out;
    double wt = o->objective == SR_BY_BLEND ? o->weight_time_h : 0;
    double wc = o->objective == SR_BY_COST ? 1 : o->objective == SR_BY_BLEND ? o->weight_cost_usd : 0;
    double we = o->objective == SR_BY_CO2 ? 1 : o->objective == SR_BY_BLEND ? o->weight_co2e_kg : 0;
    size_t best = 0;
    double bv = INFINITY;
    for (size_t i = 0; i < r->n; i++) {
        const sr_route *v = &r->routes[i].view;
        double val = wt * v->duration_h + wc * v->cost_usd + we * v->co2e_kg + 1e-7 * v->duration_h;
        if (o->objective == SR_BY_RELIABLE) /* the least P90 among the non-dominated journeys */
            val = v->duration_p90_h + 1e-7 * v->duration_h;
        if (val < bv) {
            bv = val;
            best = i;
        }
    }
    for (size_t i = 0; i < r->n; i++)
        if (i != best)
            sr__route_release(&r->routes[i]);
    if (best)
        r->routes[0] = r->routes[best];
    r->n = 1;
    return SR_OK;
}
