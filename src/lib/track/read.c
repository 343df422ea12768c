/*
 * read.c - reading the tracking store: a shipment with its plan, events
 * and ETA as JSON, lists by status and search, the ETA history, and the
 * observed times exported as rows for data/observations.csv (exactly its
 * columns: legs as route observations, border dwell as crossing ones,
 * terminal times as transfer ones, all of kind "tracked").
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track.h"
#include "core/util.h"

/* The stops of a booked route the observations export looks at. */
#define SR__EXPORT_MAX_STOPS 512

static json_t *jtime(const char *cell, int32_t off)
{
    if (!cell)
        return json_null();
    char b[40];
    if (sr_time_format(atoll(cell), off, b, sizeof b) < 0)
        return json_null();
    return json_string(b);
}

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }
static json_t *jnum(const char *s) { return s ? json_real(atof(s)) : json_null(); }

static sr_code dump(sr_store *st, json_t *o, unsigned flags, char **out)
{
    *out = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) |
                                 (flags & SR_JSON_PRETTY ? JSON_INDENT(1) : JSON_COMPACT))
             : NULL;
    json_decref(o);
    return *out ? SR_OK : SR_ENOMEM;
}

#define SHIP_COLS                                                                                                    \
    "id, ref, containers, unit, quantity, origin, destination, ready, promised, planned_arrival, late_after_s,"     \
    " created, status, late, eta, position, position_time, pos_lat, pos_lon, updated, COALESCE(eta_p90, eta)"

/* The summary of one shipment row (columns SHIP_COLS). */
static json_t *ship_summary(const sr__dbrows *r, size_t i)
{
    json_t *c = json_array();
    char buf[SR_MAX_CONTAINERS * 12 + 1];
    snprintf(buf, sizeof buf, "%s", sr__cell(r, i, 2));
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        json_array_append_new(c, json_string(t));
    long long eta = atoll(sr__cell(r, i, 14)), planned = atoll(sr__cell(r, i, 9));
    json_t *pos = json_null();
    if (sr__cell(r, i, 15))
        pos = json_pack("{s:s,s:o,s:o,s:o}", "place", sr__cell(r, i, 15), "lat", jnum(sr__cell(r, i, 17)), "lon",
                        jnum(sr__cell(r, i, 18)), "time", jtime(sr__cell(r, i, 16), 0));
    const char *status = sr__cell(r, i, 12);
    int late = atoi(sr__cell(r, i, 13));
    json_t *o = json_pack("{s:s,s:o,s:s,s:f,s:s,s:s,s:o,s:o,s:o,s:o,s:f,s:s,s:b,s:s,s:o,s:o}", "ref", sr__cell(r, i, 1),
                     "containers", c, "cargo", sr__cell(r, i, 3), "quantity", atof(sr__cell(r, i, 4)), "origin",
                     sr__cell(r, i, 5), "destination", sr__cell(r, i, 6), "ready", jtime(sr__cell(r, i, 7), 0),
                     "promised", jtime(sr__cell(r, i, 8), 0), "planned_arrival", jtime(sr__cell(r, i, 9), 0), "eta",
                     jtime(sr__cell(r, i, 14), 0), "delay_h", (double)(eta - planned) / 3600.0, "status", status, "late",
                     late, "flag", !strcmp(status, "delivered") ? (late ? "delivered_late" : "delivered_on_time")
                                                                  : (late ? "late" : "on_time"),
                     "position", pos, "updated", jtime(sr__cell(r, i, 19), 0));
    /* The ETA band: eta is its P50, eta_p90 its P90 (docs/TRACK.md). */
    if (o)
        json_object_set_new(o, "eta_p90", jtime(sr__cell(r, i, 20), 0));
    return o;
}

static sr_code load_ship(sr_store *st, const char *ref, sr__dbrows *r)
{
    sr__dbv p = sr__dbs(ref ? ref : "");
    int rc = st->db->ops->exec(st->db, "SELECT " SHIP_COLS ", route_json, plan FROM shipments WHERE ref = $1", &p, 1, r);
    if (rc)
        return sr__st_dbfail(st, rc, "shipment");
    if (!r->nrows) {
        sr__dbrows_free(r);
        return sr__st_fail(st, SR_ENOTFOUND, "shipment: unknown shipment '%.64s'", ref ? ref : "");
    }
    return SR_OK;
}

sr_code sr_shipment_json(sr_store *st, const char *ref, unsigned flags, char **out)
{
    *out = NULL;
    st->err[0] = '\0';
    sr__dbrows r, e;
    sr_code c = load_ship(st, ref, &r);
    if (c != SR_OK)
        return c;
    json_t *o = ship_summary(&r, 0);
    json_t *route = json_loads(sr__cell(&r, 0, 21), JSON_DECODE_ANY, NULL);
    json_t *plan = json_loads(sr__cell(&r, 0, 22), 0, NULL);
    /* Planned times printed as times, next to the raw seconds. */
    for (size_t i = 0; plan && i < json_array_size(plan); i++) {
        json_t *pt = json_array_get(plan, i);
        char b[40];
        sr_time_format(json_integer_value(json_object_get(pt, "arrive")), 0, b, sizeof b);
        json_object_set_new(pt, "arrive", json_string(b));
        sr_time_format(json_integer_value(json_object_get(pt, "cleared")), 0, b, sizeof b);
        json_object_set_new(pt, "cleared", json_string(b));
        sr_time_format(json_integer_value(json_object_get(pt, "depart")), 0, b, sizeof b);
        json_object_set_new(pt, "depart", json_string(b));
    }
    sr__dbv p = sr__dbi(atoll(sr__cell(&r, 0, 0)));
    sr__dbrows_free(&r);
    int rc = st->db->ops->exec(st->db,
                               "SELECT id, type, classifier, place, lat, lon, event_time, utc_offset, record_time, source,"
                               " container, idem_key, reason, note, retracts FROM events WHERE shipment_id = $1"
                               " ORDER BY event_time, id",
                               &p, 1, &e);
    if (rc) {
        json_decref(o);
        json_decref(route);
        json_decref(plan);
        return sr__st_dbfail(st, rc, "shipment events");
    }
    json_t *evs = json_array();
    for (size_t i = 0; i < e.nrows; i++) {
        long long id = atoll(sr__cell(&e, i, 0));
        json_t *by = json_null();
        for (size_t k = 0; k < e.nrows; k++)
            if (sr__cell(&e, k, 14) && atoll(sr__cell(&e, k, 14)) == id)
                by = json_integer(atoll(sr__cell(&e, k, 0)));
        json_t *ev = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:o,s:o}", "id", (json_int_t)id,
                               "type", sr__cell(&e, i, 1), "classifier", sr__cell(&e, i, 2), "place",
                               jstr(sr__cell(&e, i, 3)), "lat", jnum(sr__cell(&e, i, 4)), "lon", jnum(sr__cell(&e, i, 5)),
                               "time", jtime(sr__cell(&e, i, 6), (int32_t)atoi(sr__cell(&e, i, 7))), "record_time",
                               jtime(sr__cell(&e, i, 8), 0), "source", jstr(sr__cell(&e, i, 9)), "container",
                               jstr(sr__cell(&e, i, 10)), "key", sr__cell(&e, i, 11), "reason", jstr(sr__cell(&e, i, 12)),
                               "note", jstr(sr__cell(&e, i, 13)), "retracts",
                               sr__cell(&e, i, 14) ? json_integer(atoll(sr__cell(&e, i, 14))) : json_null(),
                               "retracted_by", by);
        if (ev)
            json_array_append_new(evs, ev);
    }
    sr__dbrows_free(&e);
    json_object_set_new(o, "plan", plan ? plan : json_array());
    json_object_set_new(o, "events", evs);
    json_object_set_new(o, "route", route ? route : json_null());
    json_t *top = json_pack("{s:s,s:o}", "code", "Ok", "shipment", o);
    return dump(st, top, flags, out);
}

sr_code sr_shipment_list_json(sr_store *st, const char *status, const char *query, size_t limit, unsigned flags,
                              char **out)
{
    *out = NULL;
    st->err[0] = '\0';
    static const char *const ok[] = {"late", "on_time", "delivered", "booked", "in_transit"};
    int valid = !status;
    for (size_t i = 0; status && i < sizeof ok / sizeof ok[0]; i++)
        valid |= !strcmp(status, ok[i]);
    if (!valid)
        return sr__st_fail(st, SR_EARG, "status: expected late, on_time, delivered, booked or in_transit; got '%.32s'",
                           status);
    if (limit < 1 || limit > 1000)
        return sr__st_fail(st, SR_EARG, "limit: expected 1 to 1000");
    if (query && (strlen(query) > 64 || !sr__text_valid(query, 64)))
        return sr__st_fail(st, SR_EARG, "q: at most 64 bytes of text");
    /* A LIKE pattern with the query's own % and _ escaped. */
    char pat[200] = "";
    if (query && *query) {
        size_t k = 0;
        pat[k++] = '%';
        for (const char *q = query; *q && k < sizeof pat - 4; q++) {
            if (*q == '%' || *q == '_' || *q == '\\')
                pat[k++] = '\\';
            pat[k++] = *q;
        }
        pat[k++] = '%';
        pat[k] = '\0';
    }
    sr__dbv p[3] = {sr__dbs(status ? status : ""), sr__dbs(pat), sr__dbi((int64_t)limit)};
    sr__dbrows r;
    int rc = st->db->ops->exec(
        st->db,
        "SELECT " SHIP_COLS " FROM shipments WHERE ($1 = '' OR ($1 = 'late' AND status <> 'delivered' AND late = 1)"
        " OR ($1 = 'on_time' AND status <> 'delivered' AND late = 0) OR status = $1)"
        " AND ($2 = '' OR LOWER(ref) LIKE LOWER($2) ESCAPE '\\' OR containers LIKE UPPER($2) ESCAPE '\\')"
        " ORDER BY id DESC LIMIT $3",
        p, 3, &r);
    if (rc)
        return sr__st_dbfail(st, rc, "shipment list");
    json_t *a = json_array();
    for (size_t i = 0; i < r.nrows; i++)
        json_array_append_new(a, ship_summary(&r, i));
    sr__dbrows_free(&r);
    return dump(st, json_pack("{s:s,s:o}", "code", "Ok", "shipments", a), flags, out);
}

sr_code sr_shipment_eta_json(sr_store *st, const char *ref, unsigned flags, char **out)
{
    *out = NULL;
    st->err[0] = '\0';
    sr__dbrows r, h;
    sr_code c = load_ship(st, ref, &r);
    if (c != SR_OK)
        return c;
    json_t *o = ship_summary(&r, 0);
    sr__dbv p = sr__dbi(atoll(sr__cell(&r, 0, 0)));
    sr__dbrows_free(&r);
    int rc = st->db->ops->exec(st->db,
                               "SELECT computed_at, event_id, eta, delay_s, position, COALESCE(eta_p90, eta)"
                               " FROM eta_history"
                               " WHERE shipment_id = $1 ORDER BY id",
                               &p, 1, &h);
    if (rc) {
        json_decref(o);
        return sr__st_dbfail(st, rc, "ETA history");
    }
    json_t *a = json_array();
    for (size_t i = 0; i < h.nrows; i++)
        json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:f,s:o}", "computed_at", jtime(sr__cell(&h, i, 0), 0),
                                           "event", sr__cell(&h, i, 1) ? json_integer(atoll(sr__cell(&h, i, 1))) : json_null(),
                                           "eta", jtime(sr__cell(&h, i, 2), 0), "delay_h",
                                           (double)atoll(sr__cell(&h, i, 3)) / 3600.0, "position",
                                           jstr(sr__cell(&h, i, 4))));
    for (size_t i = 0; i < h.nrows; i++)
        json_object_set_new(json_array_get(a, i), "eta_p90", jtime(sr__cell(&h, i, 5), 0));
    sr__dbrows_free(&h);
    json_t *top = json_pack("{s:s,s:s,s:o,s:o,s:f,s:o,s:o}", "code", "Ok", "ref", ref,
                            "eta", json_incref(json_object_get(o, "eta")), "planned_arrival",
                            json_incref(json_object_get(o, "planned_arrival")), "delay_h",
                            json_real_value(json_object_get(o, "delay_h")), "promised",
                            json_incref(json_object_get(o, "promised")), "history", a);
    if (top)
        json_object_set_new(top, "eta_p90", json_incref(json_object_get(o, "eta_p90")));
    json_decref(o);
    return dump(st, top, flags, out);
}

/* ---------------------------------------------------------------------------
 * Observations
 * ------------------------------------------------------------------------- */

static void csv_field(sr__buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        sr__buf_puts(b, s);
        return;
    }
    sr__buf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"')
            sr__buf_puts(b, "\"");
        sr__buf_add(b, s, 1);
    }
    sr__buf_puts(b, "\"");
}

/* The header of data/observations.csv (src/lib/calib/obs.c): the export
 * writes exactly these columns so that its rows can be appended. */
static const char *const obs_cols[] = {
    "id",          "subject",  "kind",      "origin",     "destination", "via",      "modes",  "avoid_countries",
    "avoid",       "crossing", "direction", "place",      "from_class",  "to_class", "period", "distance_km",
    "time_min_h",  "time_h",   "time_max_h", "p90_h",     "price_usd",   "unit",     "count",  "count_unit",
    "note",        "source",
};
enum { OC_ID, OC_SUBJECT, OC_KIND, OC_ORIGIN, OC_DEST, OC_VIA, OC_MODES, OC_AVOID_C, OC_AVOID, OC_CROSSING, OC_DIR,
       OC_PLACE, OC_FROM_CLASS, OC_TO_CLASS, OC_PERIOD, OC_DIST, OC_TMIN, OC_TIME, OC_TMAX, OC_P90, OC_PRICE, OC_UNIT,
       OC_COUNT, OC_COUNT_UNIT, OC_NOTE, OC_SOURCE, OC_N };

/* What the export knows of one shipment's booked route (its verbatim
 * JSON): the places of the legs in order with the mode of the leg that
 * leaves each, the crossings (entry place, crossing id) and the transfers
 * (place, classes). */
typedef struct booked {
    json_t *root;
    size_t n_stops;
    const char *stop[SR__EXPORT_MAX_STOPS];
    const char *mode_out[SR__EXPORT_MAX_STOPS]; /* mode of the leg leaving stop i */
} booked;

static void booked_load(booked *bk, const char *route_json)
{
    memset(bk, 0, sizeof *bk);
    bk->root = route_json ? json_loads(route_json, 0, NULL) : NULL;
    json_t *legs = json_object_get(bk->root, "legs");
    for (size_t i = 0; i < json_array_size(legs) && bk->n_stops + 1 < SR__EXPORT_MAX_STOPS; i++) {
        json_t *l = json_array_get(legs, i);
        const char *from = json_string_value(json_object_get(json_object_get(l, "from"), "id"));
        const char *to = json_string_value(json_object_get(json_object_get(l, "to"), "id"));
        if (!from || !to)
            continue;
        if (!bk->n_stops)
            bk->stop[bk->n_stops++] = from;
        bk->mode_out[bk->n_stops - 1] = json_string_value(json_object_get(l, "mode"));
        bk->stop[bk->n_stops++] = to;
    }
}

static long booked_stop(const booked *bk, const char *place, size_t from)
{
    for (size_t i = from; i < bk->n_stops; i++)
        if (!strcmp(bk->stop[i], place))
            return (long)i;
    return -1;
}

/* One CSV row of the export from its fields (NULL: empty). */
static void obs_row(sr__buf *b, const char *const *f)
{
    for (int i = 0; i < OC_N; i++) {
        if (i)
            sr__buf_puts(b, ",");
        if (f[i])
            csv_field(b, f[i]);
    }
    sr__buf_puts(b, "\n");
}

typedef struct exp_ctx {
    sr__buf *b;
    const sr_network *net;
    const char *ref;
    int64_t sid;
    int n;
    size_t rows;
} exp_ctx;

/* Fill the fields shared by every row: id, kind, period (the dates of the
 * start and the end), time_h, note, source. */
static void row_common(exp_ctx *x, const char **f, char (*bufs)[160], long long t0, long long t1, const char *what)
{
    char a[40], z[40];
    sr_time_format(t0, 0, a, sizeof a);
    sr_time_format(t1, 0, z, sizeof z);
    /* Ids are at most 63 characters: long references keep their start and
     * the store's shipment number, which keeps them unique. */
    if (strlen(x->ref) <= 48)
        snprintf(bufs[0], 160, "TRK-%s-%d", x->ref, ++x->n);
    else
        snprintf(bufs[0], 160, "TRK-%.36s~%lld-%d", x->ref, (long long)x->sid, ++x->n);
    if (!strncmp(a, z, 10))
        snprintf(bufs[1], 160, "%.10s", a);
    else
        snprintf(bufs[1], 160, "%.10s..%.10s", a, z);
    snprintf(bufs[2], 160, "%.2f", (double)(t1 - t0) / 3600.0);
    snprintf(bufs[3], 160, "shipment %.64s: %s, %s to %s", x->ref, what, a, z);
    f[OC_ID] = bufs[0];
    f[OC_KIND] = "tracked";
    f[OC_PERIOD] = bufs[1];
    f[OC_TIME] = bufs[2];
    f[OC_NOTE] = bufs[3];
    f[OC_SOURCE] = "S-silkroute-tracking";
}

/* A leg: departure from `from` to the next arrival at `to`, as a route
 * observation under the booked route's modes between the two, via the
 * booked stops between them (at most 4). */
static void row_leg(exp_ctx *x, const booked *bk, const char *from, const char *to, long long t0, long long t1)
{
    if (t1 <= t0)
        return;
    const char *f[OC_N] = {0};
    char bufs[6][160];
    row_common(x, f, bufs, t0, t1, "departure to arrival");
    f[OC_SUBJECT] = "route";
    f[OC_ORIGIN] = from;
    f[OC_DEST] = to;
    long i0 = booked_stop(bk, from, 0), i1 = i0 >= 0 ? booked_stop(bk, to, (size_t)i0 + 1) : -1;
    if (i0 >= 0 && i1 > i0) {
        char *modes = bufs[4], *via = bufs[5];
        modes[0] = via[0] = '\0';
        int nvia = 0;
        for (long i = i0; i < i1; i++) {
            const char *m = bk->mode_out[i];
            if (m && !strstr(modes, m))
                snprintf(modes + strlen(modes), 160 - strlen(modes), "%s%s", *modes ? ";" : "", m);
            if (i > i0 && nvia < 4 && strlen(via) + strlen(bk->stop[i]) + 2 < 160) {
                snprintf(via + strlen(via), 160 - strlen(via), "%s%s", *via ? ";" : "", bk->stop[i]);
                nvia++;
            }
        }
        f[OC_MODES] = modes;
        f[OC_VIA] = via;
    }
    obs_row(x->b, f);
    x->rows++;
}

/* A border dwell at the entry place `at`: the booked route's crossing
 * there, in the direction of travel (a-b when entering at place_b). */
static void row_border(exp_ctx *x, const booked *bk, const char *at, long long t0, long long t1)
{
    if (t1 <= t0)
        return;
    json_t *xs = json_object_get(bk->root, "border_crossings");
    for (size_t i = 0; i < json_array_size(xs); i++) {
        json_t *a = json_object_get(json_array_get(xs, i), "at");
        const char *pl = json_string_value(json_object_get(a, "place"));
        const char *id = json_string_value(json_object_get(a, "id"));
        if (!pl || !id || strcmp(pl, at))
            continue;
        long k = sr_crossing_find(x->net, id);
        if (k < 0)
            return; /* the crossing left the network: nothing to attach it to */
        const sr_crossing *c = sr_network_crossing(x->net, (size_t)k);
        const sr_place *pb = c ? sr_network_place(x->net, c->place_b) : NULL;
        const char *f[OC_N] = {0};
        char bufs[4][160];
        row_common(x, f, bufs, t0, t1, "border arrival to customs release or departure");
        f[OC_SUBJECT] = "crossing";
        f[OC_CROSSING] = id;
        f[OC_DIR] = pb && !strcmp(pb->id, at) ? "a-b" : "b-a";
        obs_row(x->b, f);
        x->rows++;
        return;
    }
}

/* A terminal time at `at`: the booked route's transfer there (a gauge or
 * mode change); a stop without a transfer has no parameter to learn. */
static void row_terminal(exp_ctx *x, const booked *bk, const char *at, long long t0, long long t1, const char *what)
{
    if (t1 <= t0)
        return;
    json_t *ts = json_object_get(bk->root, "transfers");
    for (size_t i = 0; i < json_array_size(ts); i++) {
        json_t *t = json_array_get(ts, i);
        const char *pl = json_string_value(json_object_get(json_object_get(t, "at"), "id"));
        const char *fc = json_string_value(json_object_get(t, "from_class"));
        const char *tc = json_string_value(json_object_get(t, "to_class"));
        if (!pl || !fc || !tc || strcmp(pl, at))
            continue;
        const char *f[OC_N] = {0};
        char bufs[4][160];
        row_common(x, f, bufs, t0, t1, what);
        f[OC_SUBJECT] = "transfer";
        f[OC_PLACE] = at;
        f[OC_FROM_CLASS] = fc;
        f[OC_TO_CLASS] = tc;
        obs_row(x->b, f);
        x->rows++;
        return;
    }
}

sr_code sr_observations_csv(sr_store *st, const sr_network *net, int header, char **out)
{
    *out = NULL;
    st->err[0] = '\0';
    if (!net)
        return sr__st_fail(st, SR_EARG, "observations: a network is needed to name crossings and transfers");
    sr__dbrows s, r;
    int rc = st->db->ops->exec(st->db, "SELECT id, ref, route_json FROM shipments ORDER BY id", NULL, 0, &s);
    if (rc)
        return sr__st_dbfail(st, rc, "observations");
    rc = st->db->ops->exec(st->db,
                           "SELECT e.shipment_id, e.type, e.place, e.event_time FROM events e"
                           " WHERE e.classifier = 'ACT' AND e.type <> 'RETRACT' AND e.place IS NOT NULL"
                           " AND NOT EXISTS (SELECT 1 FROM events x WHERE x.retracts = e.id)"
                           " ORDER BY e.shipment_id, e.event_time, e.id",
                           NULL, 0, &r);
    if (rc) {
        sr__dbrows_free(&s);
        return sr__st_dbfail(st, rc, "observations");
    }
    sr__buf b;
    sr__buf_init(&b, (size_t)256 << 20);
    if (header) {
        for (int i = 0; i < OC_N; i++) {
            if (i)
                sr__buf_puts(&b, ",");
            sr__buf_puts(&b, obs_cols[i]);
        }
        sr__buf_puts(&b, "\n");
    }
    exp_ctx x = {.b = &b, .net = net};
    size_t si = 0, i = 0;
    while (i < r.nrows) {
        int64_t sid = atoll(sr__cell(&r, i, 0));
        while (si < s.nrows && atoll(sr__cell(&s, si, 0)) < sid)
            si++;
        if (si >= s.nrows || atoll(sr__cell(&s, si, 0)) != sid) {
            i++;
            continue;
        }
        booked bk;
        booked_load(&bk, sr__cell(&s, si, 2));
        x.ref = sr__cell(&s, si, 1);
        x.sid = sid;
        x.n = 0;
        /* Per shipment: the last departure (for legs), the last arrival at
         * a place (for terminal times) and the last border arrival. */
        const char *dep_place = NULL, *arr_place = NULL, *bord_place = NULL;
        long long dep_t = 0, arr_t = 0, bord_t = 0;
        for (; i < r.nrows && atoll(sr__cell(&r, i, 0)) == sid; i++) {
            const char *type = sr__cell(&r, i, 1), *pl = sr__cell(&r, i, 2);
            long long t = atoll(sr__cell(&r, i, 3));
            int t_dep = !strcmp(type, "DEPA"), t_arr = !strcmp(type, "ARRI");
            if (!strcmp(type, "BORD")) {
                bord_place = pl;
                bord_t = t;
            }
            if ((!strcmp(type, "CUSR") || t_dep) && bord_place && !strcmp(bord_place, pl)) {
                row_border(&x, &bk, pl, bord_t, t);
                bord_place = NULL;
            }
            if ((t_dep || !strcmp(type, "GAUG") || !strcmp(type, "TRSH")) && arr_place && !strcmp(arr_place, pl)) {
                row_terminal(&x, &bk, pl, arr_t, t,
                             !strcmp(type, "GAUG")   ? "arrival to gauge change done"
                             : !strcmp(type, "TRSH") ? "arrival to transshipment done"
                                                     : "arrival to departure");
                arr_place = NULL;
            }
            if (t_arr || !strcmp(type, "BORD")) {
                if (dep_place && strcmp(dep_place, pl)) {
                    row_leg(&x, &bk, dep_place, pl, dep_t, t);
                    dep_place = NULL;
                }
                if (t_arr) {
                    arr_place = pl;
                    arr_t = t;
                }
            }
            if (t_dep) {
                dep_place = pl;
                dep_t = t;
            }
        }
        json_decref(bk.root);
    }
    *out = sr__buf_take(&b);
    sr__dbrows_free(&r);
    sr__dbrows_free(&s);
    return *out ? SR_OK : SR_ENOMEM;
}
