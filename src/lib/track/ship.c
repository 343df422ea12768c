/*
 * ship.c - shipments and their events: booking on a planned route,
 * recording events (single or batched, all or nothing, idempotent),
 * retractions, and the ETA recomputed from the remaining route after every
 * write, with its history.
 *
 * The plan.  At booking the route's milestones are laid out from the ready
 * time: for each place the route reaches, the planned arrival and the
 * planned departure (after transfers such as a gauge change).  A timed
 * route (timetables) brings its own times.  The plan and the route's JSON
 * are stored with the shipment and never recomputed, so later changes of
 * the network data do not rewrite a booking.
 *
 * The ETA.  Of the actual events that are not retracted, the latest by
 * event time (not by arrival order) whose place is on the route fixes where
 * the cargo is on the plan: an arrival-like event (ARRI, GTIN, DISC, BORD,
 * ...) at the planned arrival there, customs release (CUSR) at the
 * planned end of the border dwell, a departure-like one (DEPA, GTOT, LOAD,
 * GAUG, TRSH) at the planned departure.  The ETA is that
 * event's time plus the planned time of the rest of the route.  A
 * delivery (DLVR) ends it.  The delay is ETA minus planned arrival; the
 * shipment is late when the delay passes its threshold or the ETA passes
 * the promised date.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib/calib.h"
#include "route/route.h"
#include "timetable/search.h"
#include "timetable/tt.h"
#include "track.h"

#define MAX_PLAN 512

/* One point of the plan: a place the route reaches, with its planned
 * times and (plans since schema 3, `ext`) the parts of the route that end
 * there, each with its P50 (from the plan's own times) and P90 seconds:
 * the leg that arrives (run), the border dwell after it (dwell) and the
 * transfer before leaving (xfer); the crossing the leg uses (for its
 * opening hours) and whether the leg is a scheduled service. */
typedef struct plan_pt {
    char place[64];
    int64_t arrive, cleared, depart; /* arrival; border cleared; departure */
    int64_t run, dwell, xfer;        /* P50 seconds of the parts ending here */
    int64_t run90, dwell90, xfer90;  /* their P90 seconds (>= the P50) */
    char crossing[64];               /* crossing id of the leg arriving here, "" */
    int service;                     /* that leg is a scheduled service */
    int mode;                        /* its mode (sr_mode), -1 unknown */
} plan_pt;

/* A parsed plan with the shipment's fixed figures, cached per store
 * handle: a booking never changes, so the cache needs no invalidation. */
typedef struct sr__plan_entry {
    int64_t sid, planned, promised, late_after;
    int has_promise, ext, timed;
    size_t n;
    plan_pt *pts;
} sr__plan_entry;

#define PLAN_CACHE 256
struct sr__plan_cache {
    sr__plan_entry e[PLAN_CACHE];
};

void sr__plan_cache_free(struct sr__plan_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < PLAN_CACHE; i++)
        free(c->e[i].pts);
    free(c);
}

void sr_shipment_spec_init(sr_shipment_spec *s)
{
    memset(s, 0, sizeof *s);
    s->unit = SR_UNIT_40FT;
    s->quantity = 1;
    s->ready = SR_TIME_NONE;
    s->promised = SR_TIME_NONE;
    s->late_after_h = 12;
}

static int64_t secs(double h) { return (int64_t)llround(h * 3600.0); }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* Lay out the route's milestones from `ready` into pts (n returned). */
static size_t build_plan(const sr_network *net, const sr_route *r, int64_t ready, plan_pt *pts, size_t cap)
{
    size_t n = 0;
    double t = (double)ready;
    if (r->timed && r->n_legs)
        t = (double)r->legs[0].depart;
    const sr_place *p0 = sr_network_place(net, r->legs[0].from);
    memset(&pts[n], 0, sizeof pts[n]);
    snprintf(pts[n].place, sizeof pts[n].place, "%s", p0 ? p0->id : "?");
    pts[n].arrive = pts[n].cleared = pts[n].depart = (int64_t)t;
    n++;
    for (size_t i = 0; i < r->n_legs && n < cap; i++) {
        const sr_leg *l = &r->legs[i];
        plan_pt *q = &pts[n];
        memset(q, 0, sizeof *q);
        if (r->timed) {
            pts[n - 1].depart = l->depart;
            t = (double)l->arrive;
        } else {
            t += (l->wait_h + l->duration_h) * 3600.0;
        }
        const sr_place *p = sr_network_place(net, l->to);
        snprintf(q->place, sizeof q->place, "%s", p ? p->id : "?");
        q->arrive = (int64_t)llround(t);
        /* A border is cleared where the leg that crosses it arrives; the
         * dwell is not part of the leg's own running time. */
        double d90 = 0, x90 = 0, xs = 0;
        for (size_t k = 0; k < r->n_crossings; k++)
            if (r->crossings[k].leg == i && !r->timed) {
                t += r->crossings[k].dwell_h * 3600.0;
                d90 += fmax(r->crossings[k].dwell_p90_h, r->crossings[k].dwell_h);
            }
        q->cleared = (int64_t)llround(t);
        for (size_t k = 0; k < r->n_transfers; k++) {
            if (r->transfers[k].after_leg != i)
                continue;
            if (!r->timed)
                t += r->transfers[k].duration_h * 3600.0;
            if (!r->transfers[k].in_service) {
                xs += r->transfers[k].duration_h;
                x90 += fmax(r->transfers[k].duration_p90_h, r->transfers[k].duration_h);
            }
        }
        q->depart = (int64_t)llround(t);
        /* The parts: P50 from the plan's own times (so that an ETA along
         * an unchanged plan is the plan), P90 from the route's figures.  A
         * timed route's departures are the schedule's: its transfers are
         * kept as parts of their own, its waits are recomputed. */
        q->run = q->arrive - pts[n - 1].depart;
        q->dwell = q->cleared - q->arrive;
        q->xfer = r->timed ? secs(xs) : q->depart - q->cleared;
        q->run90 = max64(q->run, secs(l->wait_h + fmax(l->duration_p90_h, l->duration_h)));
        q->dwell90 = max64(q->dwell, secs(d90));
        q->xfer90 = max64(q->xfer, secs(x90));
        if (l->link != SR_NO_LINK && net->links[l->link].crossing >= 0)
            snprintf(q->crossing, sizeof q->crossing, "%s", net->crossings[net->links[l->link].crossing].id);
        q->service = l->service != NULL;
        q->mode = (int)l->mode;
        n++;
    }
    return n;
}

static char *plan_json(const plan_pt *pts, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        const plan_pt *q = &pts[i];
        json_t *o = json_pack("{s:s,s:I,s:I,s:I}", "place", q->place, "arrive", (json_int_t)q->arrive, "cleared",
                              (json_int_t)q->cleared, "depart", (json_int_t)q->depart);
        if (o && i) {
            json_object_set_new(o, "run_s", json_integer(q->run));
            json_object_set_new(o, "run_p90_s", json_integer(q->run90));
            json_object_set_new(o, "dwell_s", json_integer(q->dwell));
            json_object_set_new(o, "dwell_p90_s", json_integer(q->dwell90));
            json_object_set_new(o, "xfer_s", json_integer(q->xfer));
            json_object_set_new(o, "xfer_p90_s", json_integer(q->xfer90));
            if (*q->crossing)
                json_object_set_new(o, "crossing", json_string(q->crossing));
            if (q->service)
                json_object_set_new(o, "service", json_true());
            json_object_set_new(o, "mode", json_string(sr_mode_name((sr_mode)q->mode)));
        }
        json_array_append_new(a, o);
    }
    char *s = a ? json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(a);
    return s;
}

/* Parse a stored plan; *ext is set when it has the parts (schema 3). */
static size_t plan_parse(const char *s, plan_pt *pts, size_t cap, int *ext)
{
    json_t *a = json_loads(s, 0, NULL);
    size_t n = 0;
    *ext = json_array_size(a) > 1 && json_object_get(json_array_get(a, 1), "run_s") != NULL;
    for (size_t i = 0; a && i < json_array_size(a) && n < cap; i++) {
        json_t *o = json_array_get(a, i);
        plan_pt *q = &pts[n];
        memset(q, 0, sizeof *q);
        snprintf(q->place, sizeof q->place, "%s", json_string_value(json_object_get(o, "place")) ?: "");
        q->arrive = json_integer_value(json_object_get(o, "arrive"));
        q->depart = json_integer_value(json_object_get(o, "depart"));
        q->cleared = json_integer_value(json_object_get(o, "cleared"));
        q->run = json_integer_value(json_object_get(o, "run_s"));
        q->dwell = json_integer_value(json_object_get(o, "dwell_s"));
        q->xfer = json_integer_value(json_object_get(o, "xfer_s"));
        q->run90 = json_integer_value(json_object_get(o, "run_p90_s"));
        q->dwell90 = json_integer_value(json_object_get(o, "dwell_p90_s"));
        q->xfer90 = json_integer_value(json_object_get(o, "xfer_p90_s"));
        snprintf(q->crossing, sizeof q->crossing, "%s", json_string_value(json_object_get(o, "crossing")) ?: "");
        q->service = json_is_true(json_object_get(o, "service"));
        const char *m = json_string_value(json_object_get(o, "mode"));
        q->mode = m ? sr_mode_parse(m) : -1;
        n++;
    }
    json_decref(a);
    return n;
}

/* ---------------------------------------------------------------------------
 * The ETA band along the remaining route
 * ------------------------------------------------------------------------- */

/* Opening hours of crossing `id` with its zone, or NULL when it is always
 * open (or unknown to this network). */
static const sr__hours *crossing_hours(const sr_network *net, const char *id, const sr__tz **zone)
{
    const sr_timetable *tt = net ? net->timetable : NULL;
    if (!*id || !tt || !tt->cross_hours)
        return NULL;
    long k = sr_crossing_find(net, id);
    if (k < 0 || tt->cross_hours[k].always)
        return NULL;
    const sr__hours *h = &tt->cross_hours[k];
    *zone = h->zone >= 0 ? &tt->zones[h->zone] : NULL;
    return h;
}

/* Walk the plan from point k, reached at time t in phase `ph` (0 arrived,
 * 1 border cleared, 2 departed), to the destination: each remaining part
 * takes its P50 times `scale`; a leg over a crossing with opening hours
 * starts when it next opens; a scheduled leg takes the timetable's
 * earliest arrival from the time the cargo is ready.  Returns the arrival
 * at the last point (whose own dwell and transfer come after arrival). */
static int64_t walk(const sr_network *net, const plan_pt *pts, size_t n, size_t k, int ph, int64_t t, double scale)
{
    if (ph < 1 && k + 1 < n)
        t += (int64_t)llround((double)pts[k].dwell * scale);
    if (ph < 2 && k + 1 < n)
        t += (int64_t)llround((double)pts[k].xfer * scale);
    for (size_t j = k + 1; j < n; j++) {
        const plan_pt *q = &pts[j];
        int64_t a = SR_TIME_NONE;
        if (q->service && net && net->timetable) {
            size_t from, to;
            if (sr_place_find(net, pts[j - 1].place, &from) == SR_OK && sr_place_find(net, q->place, &to) == SR_OK &&
                sr__tt_earliest_modes(net->timetable, (uint32_t)from, (uint32_t)to, t,
                                      q->mode >= 0 ? SR_MODE_BIT(q->mode) : SR_MODES_ALL, 0, &a) != SR_OK)
                a = SR_TIME_NONE;
        }
        if (a != SR_TIME_NONE && a >= t) {
            t = a;
        } else {
            const sr__tz *z = NULL;
            const sr__hours *h = crossing_hours(net, q->crossing, &z);
            if (h) {
                int64_t open = sr__hours_next_open(h, z, t);
                if (open != INT64_MAX && open > t)
                    t = open;
            }
            t += (int64_t)llround((double)q->run * scale);
        }
        if (j + 1 < n)
            t += (int64_t)llround((double)(q->dwell + q->xfer) * scale);
    }
    return t;
}

/* The P90 factor of the remaining parts: the P90 of their sum (a
 * log-normal by Fenton-Wilkinson, calib/spread.c, as the router combines
 * a route's parts) over the sum of their P50s; at least 1. */
static double p90_scale(const plan_pt *pts, size_t n, size_t k, int ph)
{
    size_t cap = 3 * (n - k) + 2, m = 0;
    double *p50 = malloc(cap * sizeof *p50), *p90 = malloc(cap * sizeof *p90);
    double f = 1;
    if (!p50 || !p90)
        goto out;
#define PART(a, b)                                                                                                   \
    do {                                                                                                             \
        if ((a) > 0) {                                                                                               \
            p50[m] = (double)(a);                                                                                    \
            p90[m++] = (double)(b);                                                                                  \
        }                                                                                                            \
    } while (0)
    if (k + 1 < n) {
        if (ph < 1)
            PART(pts[k].dwell, pts[k].dwell90);
        if (ph < 2)
            PART(pts[k].xfer, pts[k].xfer90);
    }
    for (size_t j = k + 1; j < n; j++) {
        if (!pts[j].service)
            PART(pts[j].run, pts[j].run90);
        if (j + 1 < n) {
            PART(pts[j].dwell, pts[j].dwell90);
            PART(pts[j].xfer, pts[j].xfer90);
        }
    }
#undef PART
    sr__lnsum s;
    sr__lognormal_sum(p50, p90, m, &s);
    if (s.sum_p50 > 0 && s.p90 > s.sum_p50)
        f = s.p90 / s.sum_p50;
out:
    free(p50);
    free(p90);
    return f;
}

/* The ETA band from point k reached at t in phase ph: P50 and P90. */
static void eta_band(const sr_network *net, const plan_pt *pts, size_t n, size_t k, int ph, int64_t t, int64_t *p50,
                     int64_t *p90)
{
    *p50 = walk(net, pts, n, k, ph, t, 1.0);
    *p90 = walk(net, pts, n, k, ph, t, p90_scale(pts, n, k, ph));
    if (*p90 < *p50)
        *p90 = *p50;
}

static int time_ok(int64_t t, int64_t now) { return t >= SR__EV_MIN_TIME && t <= now + SR__EV_MAX_AHEAD; }

sr_code sr_shipment_create(sr_store *st, const sr_network *net, const sr_shipment_spec *s, const sr_route *route,
                           int64_t *id)
{
    st->err[0] = '\0';
    int64_t now = sr__st_now(st);
    if (!s || !net)
        return sr__st_fail(st, SR_EARG, "shipment: no booking given");
    if (!sr__ref_valid(s->ref))
        return sr__st_fail(st, SR_EARG, "ref: expected 1 to 64 of A-Z a-z 0-9 . _ / -; got '%.80s'", s->ref ? s->ref : "");
    if (s->n_containers > SR_MAX_CONTAINERS)
        return sr__st_fail(st, SR_ELIMIT, "container: at most %d containers per shipment", SR_MAX_CONTAINERS);
    char conts[SR_MAX_CONTAINERS * 12 + 1] = "";
    for (size_t i = 0; i < s->n_containers; i++) {
        if (!sr_container_valid(s->containers[i]))
            return sr__st_fail(st, SR_EARG,
                               "container: '%.20s' is not an ISO 6346 container number with a correct check digit",
                               s->containers[i] ? s->containers[i] : "");
        for (size_t k = 0; k < i; k++)
            if (!strcmp(s->containers[i], s->containers[k]))
                return sr__st_fail(st, SR_EARG, "container: '%s' given twice", s->containers[i]);
        if (i)
            strcat(conts, ",");
        strcat(conts, s->containers[i]);
    }
    if ((unsigned)s->unit >= SR_UNIT_COUNT)
        return sr__st_fail(st, SR_EARG, "cargo: unknown cargo unit");
    if (!isfinite(s->quantity) || s->quantity <= 0 || s->quantity > 1e6)
        return sr__st_fail(st, SR_EARG, "quantity: expected more than 0 and at most 1000000");
    if (s->ready == SR_TIME_NONE || !time_ok(s->ready, now))
        return sr__st_fail(st, SR_EARG, "ready: expected a time from 2000 to one year ahead");
    if (s->promised != SR_TIME_NONE && (!time_ok(s->promised, now + SR__EV_MAX_AHEAD) || s->promised < s->ready))
        return sr__st_fail(st, SR_EARG, "promised: expected a time after ready and at most two years ahead");
    if (!isfinite(s->late_after_h) || s->late_after_h < 0 || s->late_after_h > 720)
        return sr__st_fail(st, SR_EARG, "late_after_h: expected 0 to 720 hours");
    if (!route || !route->n_legs)
        return sr__st_fail(st, SR_EARG, "route: the booking needs a planned route");

    plan_pt *pts = malloc(MAX_PLAN * sizeof *pts);
    if (!pts)
        return SR_ENOMEM;
    size_t n = build_plan(net, route, s->ready, pts, MAX_PLAN);
    char *pj = plan_json(pts, n);
    char *rj = sr__route_json(net, route);
    int64_t arrive = pts[n - 1].arrive;
    /* The booking's band: the plan is its P50 (the reference delays are
     * measured against); its P90 from the remaining route's spread. */
    int64_t b50, b90;
    eta_band(net, pts, n, 0, 2, pts[0].depart, &b50, &b90);
    int64_t arrive90 = max64(arrive, arrive + (b90 - b50));
    char origin[64], dest[64];
    snprintf(origin, sizeof origin, "%s", pts[0].place);
    snprintf(dest, sizeof dest, "%s", pts[n - 1].place);
    free(pts);
    if (!pj || !rj) {
        free(pj);
        sr_free(rj);
        return SR_ENOMEM;
    }
    sr__db *db = st->db;
    sr__dbrows r;
    sr__dbv p[17] = {
        sr__dbs(s->ref), sr__dbs(conts), sr__dbs(sr_unit_name(s->unit)), sr__dbd(s->quantity), sr__dbs(origin),
        sr__dbs(dest), sr__dbs(rj), sr__dbs(pj), sr__dbi(s->ready),
        s->promised == SR_TIME_NONE ? sr__dbnull() : sr__dbi(s->promised), sr__dbi(arrive),
        sr__dbi((int64_t)llround(s->late_after_h * 3600)), sr__dbi(now), sr__dbs("booked"), sr__dbi(arrive),
        sr__dbi(now), sr__dbi(arrive90),
    };
    int rc = db->ops->begin(db, 1);
    if (!rc)
        rc = db->ops->exec(db,
                           "INSERT INTO shipments (ref, containers, unit, quantity, origin, destination, route_json, plan,"
                           " ready, promised, planned_arrival, late_after_s, created, status, eta, updated, eta_p90)"
                           " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
                           " RETURNING id",
                           p, 17, &r);
    free(pj);
    sr_free(rj);
    if (rc) {
        db->ops->rollback(db);
        if (rc == SR__DB_EUNIQUE)
            return sr__st_fail(st, SR_ECONFLICT, "ref: a shipment '%s' exists", s->ref);
        return sr__st_dbfail(st, rc, "shipment create");
    }
    int64_t sid = atoll(sr__cell(&r, 0, 0));
    sr__dbrows_free(&r);
    /* The booking's own ETA is the first entry of the history. */
    sr__dbv h[5] = {sr__dbi(sid), sr__dbi(now), sr__dbi(arrive), sr__dbs(origin), sr__dbi(arrive90)};
    rc = db->ops->exec(db,
                       "INSERT INTO eta_history (shipment_id, computed_at, event_id, eta, delay_s, position, eta_p90)"
                       " VALUES ($1, $2, NULL, $3, 0, $4, $5)",
                       h, 5, NULL);
    if (!rc)
        rc = db->ops->commit(db);
    if (rc) {
        db->ops->rollback(db);
        return sr__st_dbfail(st, rc, "shipment create");
    }
    if (id)
        *id = sid;
    return SR_OK;
}

/* ---------------------------------------------------------------------------
 * ETA
 * ------------------------------------------------------------------------- */

/* The plan of shipment sid, from the handle's cache or the store. */
static int plan_get(sr_store *st, int64_t sid, const sr__plan_entry **out)
{
    if (!st->plans && !(st->plans = calloc(1, sizeof *st->plans)))
        return SR__DB_ERR;
    sr__plan_entry *e = &st->plans->e[(uint64_t)sid % PLAN_CACHE];
    if (e->pts && e->sid == sid) {
        *out = e;
        return 0;
    }
    sr__dbv p = sr__dbi(sid);
    sr__dbrows s;
    int rc = st->db->ops->exec(st->db, "SELECT plan, planned_arrival, promised, late_after_s FROM shipments WHERE id = $1",
                               &p, 1, &s);
    if (rc)
        return rc;
    if (!s.nrows) {
        sr__dbrows_free(&s);
        return SR__DB_ERR;
    }
    plan_pt *pts = malloc(MAX_PLAN * sizeof *pts);
    if (!pts) {
        sr__dbrows_free(&s);
        return SR__DB_ERR;
    }
    int ext = 0;
    size_t n = plan_parse(sr__cell(&s, 0, 0), pts, MAX_PLAN, &ext);
    plan_pt *fit = n ? realloc(pts, n * sizeof *pts) : NULL;
    if (!fit) {
        free(pts);
        sr__dbrows_free(&s);
        return SR__DB_ERR;
    }
    free(e->pts);
    *e = (sr__plan_entry){
        .sid = sid,
        .planned = atoll(sr__cell(&s, 0, 1)),
        .has_promise = sr__cell(&s, 0, 2) != NULL,
        .promised = sr__cell(&s, 0, 2) ? atoll(sr__cell(&s, 0, 2)) : 0,
        .late_after = atoll(sr__cell(&s, 0, 3)),
        .ext = ext,
        .n = n,
        .pts = fit,
    };
    sr__dbrows_free(&s);
    *out = e;
    return 0;
}

/* Recompute position, status and ETA band of shipment sid from its events
 * and append it to its history; inside the caller's transaction. */
static int recompute(sr_store *st, const sr_network *net, int64_t sid, int64_t last_event)
{
    sr__db *db = st->db;
    sr__dbv p = sr__dbi(sid);
    sr__dbrows e;
    const sr__plan_entry *pe;
    int rc = plan_get(st, sid, &pe);
    if (rc)
        return rc;
    const plan_pt *pts = pe->pts;
    size_t np = pe->n;
    int64_t planned = pe->planned, promised = pe->promised, late_after = pe->late_after;
    int has_promise = pe->has_promise;
    /* Only the latest live actual events matter: newest first by event
     * time, retracted ones left out by the database (an index on
     * `retracts`), a window of 4, then of 64, and all of them only when
     * none of those lies on the route.  So the cost of an update does not
     * grow with the shipment's history, and the usual case (the newest
     * event is on the route) reads a handful of rows. */
    static const char *const window_sql[3] = {
        "SELECT type, place, lat, lon, event_time FROM events e"
        " WHERE shipment_id = $1 AND classifier = 'ACT' AND type <> 'RETRACT'"
        " AND NOT EXISTS (SELECT 1 FROM events x WHERE x.retracts = e.id)"
        " ORDER BY event_time DESC, id DESC LIMIT 4",
        "SELECT type, place, lat, lon, event_time FROM events e"
        " WHERE shipment_id = $1 AND classifier = 'ACT' AND type <> 'RETRACT'"
        " AND NOT EXISTS (SELECT 1 FROM events x WHERE x.retracts = e.id)"
        " ORDER BY event_time DESC, id DESC LIMIT 64",
        "SELECT type, place, lat, lon, event_time FROM events e"
        " WHERE shipment_id = $1 AND classifier = 'ACT' AND type <> 'RETRACT'"
        " AND NOT EXISTS (SELECT 1 FROM events x WHERE x.retracts = e.id)"
        " ORDER BY event_time DESC, id DESC",
    };
    static const size_t window_n[3] = {4, 64, 0};
    int any_act = 0, delivered = 0;
    int64_t deliv_t = 0, eta = planned, eta90 = planned;
    long pos_row = -1, basis_row = -1;
    size_t basis_pt = 0;
    for (int pass = 0; pass < 3 && basis_row < 0; pass++) {
        if (pass)
            sr__dbrows_free(&e);
        pos_row = -1;
        rc = db->ops->exec(db, window_sql[pass], &p, 1, &e);
        if (rc)
            return rc;
        any_act = e.nrows > 0;
        for (size_t i = 0; i < e.nrows && basis_row < 0; i++) {
            const char *pl = sr__cell(&e, i, 1);
            if (!pl)
                continue;
            if (pos_row < 0)
                pos_row = (long)i;
            for (size_t k = np; k-- > 0;)
                if (!strcmp(pts[k].place, pl)) {
                    basis_row = (long)i;
                    basis_pt = k;
                    break;
                }
        }
        if (e.nrows < window_n[pass])
            break;
    }
    if (any_act) {
        sr__dbrows d;
        rc = db->ops->exec(db,
                           "SELECT MIN(event_time) FROM events e WHERE shipment_id = $1 AND type = 'DLVR'"
                           " AND classifier = 'ACT' AND NOT EXISTS (SELECT 1 FROM events x WHERE x.retracts = e.id)",
                           &p, 1, &d);
        if (rc) {
            sr__dbrows_free(&e);
            return rc;
        }
        if (d.nrows && sr__cell(&d, 0, 0)) {
            delivered = 1;
            deliv_t = atoll(sr__cell(&d, 0, 0));
        }
        sr__dbrows_free(&d);
    }
    if (delivered) {
        eta = eta90 = deliv_t;
    } else if (basis_row >= 0) {
        int type = sr_event_type_parse(sr__cell(&e, (size_t)basis_row, 0));
        int64_t t = atoll(sr__cell(&e, (size_t)basis_row, 4));
        int ph = type == SR_EV_CUSR ? 1 : sr__event_departs((sr_event_type)type) ? 2 : 0;
        if (pe->ext) {
            /* Along the remaining route: its services, opening hours and
             * P50/P90 times, from where and when the cargo last was. */
            eta_band(net, pts, np, basis_pt, ph, t, &eta, &eta90);
        } else {
            /* A plan stored before schema 3 has no parts: its planned
             * time of the rest of the route, without a band. */
            int64_t base = ph == 1 ? pts[basis_pt].cleared : ph == 2 ? pts[basis_pt].depart : pts[basis_pt].arrive;
            eta = t + (planned - base);
            if (eta < t)
                eta = t;
            eta90 = eta;
        }
    } else if (pe->ext && np) {
        /* Nothing on the route yet: the plan, with its band from the
         * origin. */
        int64_t b50, b90;
        eta_band(net, pts, np, 0, 2, pts[0].depart, &b50, &b90);
        eta90 = max64(eta, eta + (b90 - b50));
    }
    int64_t delay = eta - planned;
    int late = delay > late_after || (has_promise && eta > promised);
    long basis = basis_row >= 0 ? (long)basis_pt : -1;
    const char *status = delivered ? "delivered" : any_act ? "in_transit" : "booked";
    const char *pos = pos_row >= 0 ? sr__cell(&e, (size_t)pos_row, 1) : NULL;
    sr__dbv u[11] = {
        sr__dbs(status), sr__dbi(late), sr__dbi(eta), sr__dbs(pos),
        pos_row >= 0 ? sr__dbi(atoll(sr__cell(&e, (size_t)pos_row, 4))) : sr__dbnull(),
        pos_row >= 0 && sr__cell(&e, (size_t)pos_row, 2) ? sr__dbd(atof(sr__cell(&e, (size_t)pos_row, 2))) : sr__dbnull(),
        pos_row >= 0 && sr__cell(&e, (size_t)pos_row, 3) ? sr__dbd(atof(sr__cell(&e, (size_t)pos_row, 3))) : sr__dbnull(),
        sr__dbi(sr__st_now(st)), sr__dbi(basis), sr__dbi(eta90), sr__dbi(sid),
    };
    rc = db->ops->exec(db,
                       "UPDATE shipments SET status = $1, late = $2, eta = $3, position = $4, position_time = $5,"
                       " pos_lat = $6, pos_lon = $7, updated = $8, basis_pt = $9, eta_p90 = $10 WHERE id = $11",
                       u, 11, NULL);
    /* A delay past the threshold (or the promise) raises one alert. */
    if (!rc && late && !delivered) {
        char msg[256];
        snprintf(msg, sizeof msg, "ETA %+.1f h against the plan%s", (double)delay / 3600.0,
                 has_promise && eta > promised ? ", after the promised date" : "");
        rc = sr__alert_raise(st, sid, "delay", "late", msg);
    }
    if (!rc) {
        sr__dbv h[7] = {sr__dbi(sid), sr__dbi(sr__st_now(st)), sr__dbi(last_event), sr__dbi(eta), sr__dbi(delay),
                        sr__dbs(pos), sr__dbi(eta90)};
        rc = db->ops->exec(db,
                           "INSERT INTO eta_history (shipment_id, computed_at, event_id, eta, delay_s, position, eta_p90)"
                           " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                           h, 7, NULL);
    }
    sr__dbrows_free(&e);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Posting events
 * ------------------------------------------------------------------------- */

typedef struct ship_info {
    char ref[65];
    int64_t id, ready, last_event;
    char containers[SR_MAX_CONTAINERS * 12 + 1];
    int touched;
} ship_info;

/* Check and store event i; returns an sr_code, with st->err naming the
 * field.  *dbrc receives a backend failure. */
static sr_code post_one(sr_store *st, const sr_network *net, const sr_event *e, size_t i, size_t n, ship_info *ships,
                        size_t *nships, int64_t *id_out, int *dup_out, int *dbrc)
{
    sr__db *db = st->db;
    int64_t now = sr__st_now(st);
    char at[32];
    if (n > 1)
        snprintf(at, sizeof at, "events[%zu]", i);
    else
        snprintf(at, sizeof at, "event");
    if (!e->shipment || !*e->shipment)
        return sr__st_fail(st, SR_EARG, "%s.shipment: missing", at);
    if (!sr__ref_valid(e->shipment))
        return sr__st_fail(st, SR_EARG, "%s.shipment: not a valid reference", at);
    if ((unsigned)e->type >= SR_EV_TYPE_COUNT)
        return sr__st_fail(st, SR_EARG, "%s.type: unknown event type", at);
    if ((unsigned)e->classifier > SR_EV_ACT)
        return sr__st_fail(st, SR_EARG, "%s.classifier: expected PLN, EST or ACT", at);
    if (!e->key || !*e->key || strlen(e->key) > 128 || !sr__text_valid(e->key, 128))
        return sr__st_fail(st, SR_EARG, "%s.key: expected an idempotency key of 1 to 128 bytes", at);
    if (e->reason && !sr_delay_reason_valid(e->reason))
        return sr__st_fail(st, SR_EARG, "%s.reason: unknown delay reason code '%.16s'", at, e->reason);
    if (!sr__text_valid(e->note, 1000))
        return sr__st_fail(st, SR_EARG, "%s.note: at most 1000 bytes of UTF-8 text without control characters", at);
    if (!sr__text_valid(e->source, 128))
        return sr__st_fail(st, SR_EARG, "%s.source: at most 128 bytes of UTF-8 text", at);
    if (e->time == SR_TIME_NONE)
        return sr__st_fail(st, SR_EARG, "%s.time: missing", at);
    if (e->time < SR__EV_MIN_TIME)
        return sr__st_fail(st, SR_EARG, "%s.time: before 2000-01-01", at);
    if (e->time > now + SR__EV_MAX_AHEAD)
        return sr__st_fail(st, SR_EARG, "%s.time: more than a year in the future", at);
    if (e->classifier == SR_EV_ACT && e->time > now + SR__EV_ACT_SKEW)
        return sr__st_fail(st, SR_EARG, "%s.time: an actual event cannot be in the future", at);
    if (e->utc_offset_s < -14 * 3600 || e->utc_offset_s > 14 * 3600)
        return sr__st_fail(st, SR_EARG, "%s.time: UTC offset out of range", at);
    if ((!isnan(e->lat) && (!isfinite(e->lat) || fabs(e->lat) > 90)) ||
        (!isnan(e->lon) && (!isfinite(e->lon) || fabs(e->lon) > 180)) || isnan(e->lat) != isnan(e->lon))
        return sr__st_fail(st, SR_EARG, "%s.lat: lat and lon go together, within +-90 and +-180", at);

    /* The shipment (remembered within the batch). */
    ship_info *sh = NULL;
    for (size_t k = 0; k < *nships; k++)
        if (!strcmp(ships[k].ref, e->shipment))
            sh = &ships[k];
    if (!sh) {
        sr__dbv p = sr__dbs(e->shipment);
        sr__dbrows r;
        int rc = db->ops->exec(db, "SELECT id, ready, containers FROM shipments WHERE ref = $1", &p, 1, &r);
        if (rc) {
            *dbrc = rc;
            return SR_ESTORE;
        }
        if (!r.nrows) {
            sr__dbrows_free(&r);
            return sr__st_fail(st, SR_ENOTFOUND, "%s.shipment: unknown shipment '%s'", at, e->shipment);
        }
        sh = &ships[(*nships)++];
        memset(sh, 0, sizeof *sh);
        snprintf(sh->ref, sizeof sh->ref, "%s", e->shipment);
        sh->id = atoll(sr__cell(&r, 0, 0));
        sh->ready = atoll(sr__cell(&r, 0, 1));
        snprintf(sh->containers, sizeof sh->containers, "%s", sr__cell(&r, 0, 2));
        sr__dbrows_free(&r);
    }
    if (e->time < sh->ready - SR__EV_BEFORE_READY)
        return sr__st_fail(st, SR_EARG, "%s.time: more than 7 days before the shipment was ready (its booking)", at);
    /* The place: required where the event happens somewhere. */
    char place[64] = "";
    double lat = e->lat, lon = e->lon;
    int needs_place = e->type != SR_EV_RECE && e->type != SR_EV_CONF && e->type != SR_EV_ISSU && e->type != SR_EV_RETRACT;
    if (e->place && *e->place) {
        size_t idx;
        if (strlen(e->place) > 256 || sr_place_find(net, e->place, &idx) != SR_OK)
            return sr__st_fail(st, SR_EARG, "%s.place: unknown place '%.64s'", at, e->place);
        const sr_place *pl = sr_network_place(net, idx);
        snprintf(place, sizeof place, "%s", pl->id);
        if (isnan(lat)) {
            lat = pl->lat;
            lon = pl->lon;
        }
    } else if (needs_place) {
        return sr__st_fail(st, SR_EARG, "%s.place: missing", at);
    }
    if (e->container) {
        if (!sr_container_valid(e->container))
            return sr__st_fail(st, SR_EARG,
                               "%s.container: '%.20s' is not an ISO 6346 container number with a correct check digit", at,
                               e->container);
        const char *c = strstr(sh->containers, e->container);
        if (!c)
            return sr__st_fail(st, SR_EARG, "%s.container: '%s' is not a container of shipment '%s'", at, e->container,
                               sh->ref);
    }
    /* A retraction names an earlier, live, ordinary event of the shipment. */
    if (e->type == SR_EV_RETRACT) {
        if (e->retracts <= 0)
            return sr__st_fail(st, SR_EARG, "%s.retracts: the id of the event to retract is missing", at);
        sr__dbv p[2] = {sr__dbi(e->retracts), sr__dbi(sh->id)};
        sr__dbrows r;
        int rc = db->ops->exec(db, "SELECT type FROM events WHERE id = $1 AND shipment_id = $2", p, 2, &r);
        if (rc) {
            *dbrc = rc;
            return SR_ESTORE;
        }
        int found = r.nrows > 0, is_retract = found && !strcmp(sr__cell(&r, 0, 0), "RETRACT");
        sr__dbrows_free(&r);
        if (!found)
            return sr__st_fail(st, SR_ENOTFOUND, "%s.retracts: no event %lld in shipment '%s'", at,
                               (long long)e->retracts, sh->ref);
        if (is_retract)
            return sr__st_fail(st, SR_EARG, "%s.retracts: a retraction cannot be retracted; post the event again", at);
    } else if (e->retracts) {
        return sr__st_fail(st, SR_EARG, "%s.retracts: only a RETRACT event retracts", at);
    }
    /* Idempotency: the same key for the same shipment is the same event.
     * Insert first (one round trip for a new event); only when the key is
     * taken, read the stored event and compare. */
    sr__dbv p[15] = {
        sr__dbi(sh->id), sr__dbs(e->key), sr__dbs(sr_event_type_name(e->type)),
        sr__dbs(sr_event_class_name(e->classifier)), sr__dbs(*place ? place : NULL),
        isnan(lat) ? sr__dbnull() : sr__dbd(lat), isnan(lon) ? sr__dbnull() : sr__dbd(lon), sr__dbi(e->time),
        sr__dbi(e->utc_offset_s), sr__dbi(now), sr__dbs(e->source), sr__dbs(e->container), sr__dbs(e->reason),
        sr__dbs(e->note), e->retracts ? sr__dbi(e->retracts) : sr__dbnull(),
    };
    sr__dbrows r;
    int rc = db->ops->exec(db,
                           "INSERT INTO events (shipment_id, idem_key, type, classifier, place, lat, lon, event_time,"
                           " utc_offset, record_time, source, container, reason, note, retracts)"
                           " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
                           " ON CONFLICT (shipment_id, idem_key) DO NOTHING RETURNING id",
                           p, 15, &r);
    if (rc) {
        *dbrc = rc;
        return SR_ESTORE;
    }
    if (!r.nrows) {
        sr__dbrows_free(&r);
        sr__dbv k[2] = {sr__dbi(sh->id), sr__dbs(e->key)};
        rc = db->ops->exec(db,
                           "SELECT id, type, classifier, event_time, place FROM events"
                           " WHERE shipment_id = $1 AND idem_key = $2",
                           k, 2, &r);
        if (rc || !r.nrows) {
            sr__dbrows_free(&r);
            *dbrc = rc ? rc : SR__DB_ERR;
            return SR_ESTORE;
        }
        int64_t old = atoll(sr__cell(&r, 0, 0));
        int same = !strcmp(sr__cell(&r, 0, 1), sr_event_type_name(e->type)) &&
                   !strcmp(sr__cell(&r, 0, 2), sr_event_class_name(e->classifier)) &&
                   atoll(sr__cell(&r, 0, 3)) == e->time && !strcmp(sr__cell(&r, 0, 4) ? sr__cell(&r, 0, 4) : "", place);
        sr__dbrows_free(&r);
        if (!same)
            return sr__st_fail(st, SR_ECONFLICT, "%s.key: idempotency key '%.64s' was used for another event (id %lld)", at,
                               e->key, (long long)old);
        *id_out = old;
        *dup_out = 1;
        return SR_OK;
    }
    *id_out = atoll(sr__cell(&r, 0, 0));
    *dup_out = 0;
    sr__dbrows_free(&r);
    sh->touched = 1;
    sh->last_event = *id_out;
    return SR_OK;
}

sr_code sr__events_post_tx(sr_store *st, const sr_network *net, const sr_event *ev, size_t n, int64_t *ids, int *dup,
                           int *retry)
{
    *retry = 0;
    ship_info *ships = malloc(n * sizeof *ships);
    if (!ships)
        return SR_ENOMEM;
    size_t nships = 0;
    int dbrc = 0, rc;
    sr_code c = SR_OK;
    for (size_t i = 0; i < n && c == SR_OK; i++) {
        c = post_one(st, net, &ev[i], i, n, ships, &nships, &ids[i], &dup[i], &dbrc);
        if (c == SR_ESTORE && dbrc)
            c = sr__st_dbfail(st, dbrc, "events");
    }
    for (size_t k = 0; k < nships && c == SR_OK; k++)
        if (ships[k].touched && (rc = recompute(st, net, ships[k].id, ships[k].last_event)))
            c = sr__st_dbfail(st, rc, "ETA update");
    /* A unique violation means another writer stored the same key between
     * our check and our insert (PostgreSQL, read committed): running the
     * events again will find that event. */
    *retry = c == SR_ECONFLICT && dbrc == SR__DB_EUNIQUE;
    free(ships);
    return c;
}

sr_code sr_event_post(sr_store *st, const sr_network *net, const sr_event *ev, size_t n, int64_t *ids, int *dup)
{
    st->err[0] = '\0';
    if (!net || !ev || n == 0)
        return sr__st_fail(st, SR_EARG, "events: none given");
    if (n > SR_MAX_BATCH)
        return sr__st_fail(st, SR_ELIMIT, "events: %zu events in one batch; at most %d", n, SR_MAX_BATCH);
    int64_t *myids = malloc(n * sizeof *myids);
    int *mydup = malloc(n * sizeof *mydup);
    if (!myids || !mydup) {
        free(myids);
        free(mydup);
        return SR_ENOMEM;
    }
    sr__db *db = st->db;
    sr_code c = SR_OK;
    for (int attempt = 0; attempt < 4; attempt++) {
        int retry = 0;
        int rc = db->ops->begin(db, 1);
        if (rc) {
            c = sr__st_dbfail(st, rc, "events");
            break;
        }
        c = sr__events_post_tx(st, net, ev, n, myids, mydup, &retry);
        if (c == SR_OK && (rc = db->ops->commit(db)))
            c = sr__st_dbfail(st, rc, "events commit");
        if (c != SR_OK)
            db->ops->rollback(db);
        if (!retry)
            break;
    }
    if (c == SR_OK) {
        if (ids)
            memcpy(ids, myids, n * sizeof *ids);
        if (dup)
            memcpy(dup, mydup, n * sizeof *dup);
    }
    free(myids);
    free(mydup);
    return c;
}

char *sr__events_answer(const int64_t *ids, const int *dup, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:I,s:b}", "id", (json_int_t)ids[i], "duplicate", dup[i]));
    json_t *o = json_pack("{s:s,s:o}", "code", "Ok", "events", a ? a : json_array());
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    return s;
}

sr_code sr__events_json_prepare(const char *json, size_t len, const char *shipment, const char *source, sr_event *ev,
                                size_t *n, void **hold, char *err, size_t errcap)
{
    sr_code c = sr__events_from_json(json, len, ev, SR_MAX_BATCH, n, hold, err, errcap);
    for (size_t i = 0; c == SR_OK && i < *n; i++) {
        if (!ev[i].shipment) {
            ev[i].shipment = shipment;
        } else if (shipment && strcmp(shipment, ev[i].shipment)) {
            snprintf(err, errcap, "events[%zu].shipment: '%.64s' is not the shipment of this request", i,
                     ev[i].shipment);
            c = SR_EARG;
        }
        ev[i].source = source;
    }
    return c;
}

sr_code sr_event_post_json(sr_store *st, const sr_network *net, const char *json, size_t len, const char *shipment,
                           const char *source, char **answer)
{
    *answer = NULL;
    st->err[0] = '\0';
    sr_event *ev = malloc(SR_MAX_BATCH * sizeof *ev);
    int64_t *ids = malloc(SR_MAX_BATCH * sizeof *ids);
    int *dup = malloc(SR_MAX_BATCH * sizeof *dup);
    void *hold = NULL;
    size_t n = 0;
    sr_code c = SR_ENOMEM;
    if (ev && ids && dup) {
        c = sr__events_json_prepare(json, len, shipment, source, ev, &n, &hold, st->err, sizeof st->err);
        if (c == SR_OK)
            c = sr_event_post(st, net, ev, n, ids, dup);
        if (c == SR_OK && !(*answer = sr__events_answer(ids, dup, n)))
            c = SR_ENOMEM;
    }
    sr__events_json_free(hold);
    free(ev);
    free(ids);
    free(dup);
    return c;
}
