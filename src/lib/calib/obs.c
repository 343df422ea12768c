/*
 * obs.c - the published observations the time model is calibrated against
 * (observations.csv, docs/CALIBRATION.md): reading and validating them
 * through the bounded CSV reader, for `check-data` and for the calibration.
 *
 * Each row is one published figure: a route transit time under its own
 * constraints (modes, via places, avoided countries), a border-crossing
 * survey by crossing and direction, a terminal or gauge-change handling
 * time, or a published train count (kept for reference; not a time).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "core/csv.h"
#include "obs.h"

/* "tracked": a time observed by silkroute's own shipment tracking
 * (`silkroute ship export-observations`, one shipment's run); fitted as a
 * typical observation. */
static const char *const kind_names[] = {"average", "scheduled", "record_run", "pilot_run", "survey", "tracked"};
static const char *const subject_names[] = {"route", "crossing", "transfer", "trains"};

const char *sr__obs_kind_name(int k) { return k >= 0 && k < 6 ? kind_names[k] : "?"; }
const char *sr__obs_subject_name(int s) { return s >= 0 && s < 4 ? subject_names[s] : "?"; }

typedef struct oload {
    sr__diag *d;
    const char *file;
    long line;
} oload;

static void __attribute__((format(printf, 3, 4))) oerr(oload *L, const char *field, const char *fmt, ...)
{
    char msg[640], full[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (L->line > 0 && field)
        snprintf(full, sizeof full, "%s:%ld: %s: %s", L->file, L->line, field, msg);
    else
        snprintf(full, sizeof full, "%s: %s", L->file, msg);
    if (L->d->errors++ == 0)
        snprintf(L->d->first, sizeof L->d->first, "%s", full);
    if (L->d->report)
        L->d->report(L->d->ctx, 1, full);
}

static long place_id(const sr_network *net, const char *id)
{
    size_t idx;
    long i = sr__place_id_find(net, id);
    if (i >= 0)
        return i;
    /* Names are accepted too, as in route queries. */
    if (sr_place_find(net, id, &idx) == SR_OK)
        return (long)idx;
    return -1;
}

/* A number column: 1 given, 0 empty, -1 bad (reported). */
static int onum(oload *L, sr__csv *c, const char *col, double lo, double hi, double *out)
{
    const char *s = sr__csv_get(c, sr__csv_col(c, col));
    if (!*s)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < lo || v > hi) {
        oerr(L, col, "'%s' is not a number in [%g, %g]", s, lo, hi);
        return -1;
    }
    *out = v;
    return 1;
}

static const char *const known_cols[] = {"id", "subject", "kind", "origin", "destination", "via", "modes",
                                         "avoid_countries", "avoid", "crossing", "direction", "side", "place", "from_class",
                                         "to_class", "period", "distance_km", "time_min_h", "time_h", "time_max_h",
                                         "p90_h", "price_usd", "unit", "count", "count_unit", "note", "source",
                                         NULL};

int sr__obs_read(const sr_network *net, const char *path, const char *display, sr__obs **out, size_t *n_out,
                 sr__diag *d)
{
    *out = NULL;
    *n_out = 0;
    oload L = {d, display, 0};
    sr__csv c;
    if (sr__csv_open(&c, path, display) < 0) {
        oerr(&L, NULL, "%s", c.err);
        sr__csv_close(&c);
        return -1;
    }
    static const char *const req[] = {"id", "subject", "kind", "period", "source", NULL};
    for (const char *const *k = req; *k; k++)
        if (sr__csv_col(&c, *k) < 0) {
            L.line = 1;
            oerr(&L, *k, "required column missing");
            sr__csv_close(&c);
            return -1;
        }
    sr__obs *v = NULL;
    size_t n = 0, cap = 0;
    int r;
    while ((r = sr__csv_next(&c)) > 0) {
        L.line = c.line;
        if (n >= SR__OBS_MAX) {
            oerr(&L, NULL, "more than %d observations", SR__OBS_MAX);
            break;
        }
        sr__obs o;
        memset(&o, 0, sizeof o);
        o.line = c.line;
        o.crossing = o.place = -1;
        o.origin = o.destination = -1;
        int ok = 1;
        const char *id = sr__csv_get(&c, sr__csv_col(&c, "id"));
        if (!*id || strlen(id) >= sizeof o.id || strpbrk(id, " ,;|")) {
            oerr(&L, "id", "'%s': an id is 1-63 characters without blanks, ',', ';' or '|'", id);
            ok = 0;
        }
        snprintf(o.id, sizeof o.id, "%s", id);
        for (size_t i = 0; i < n; i++)
            if (!strcmp(v[i].id, o.id)) {
                oerr(&L, "id", "'%s' already used on line %ld", o.id, v[i].line);
                ok = 0;
            }
        const char *subj = sr__csv_get(&c, sr__csv_col(&c, "subject"));
        o.subject = -1;
        for (int k = 0; k < 4; k++)
            if (!strcmp(subj, subject_names[k]))
                o.subject = k;
        if (o.subject < 0) {
            oerr(&L, "subject", "'%s' must be route, crossing, transfer or trains", subj);
            ok = 0;
        }
        const char *kind = sr__csv_get(&c, sr__csv_col(&c, "kind"));
        o.kind = -1;
        for (int k = 0; k < 6; k++)
            if (!strcmp(kind, kind_names[k]))
                o.kind = k;
        if (o.kind < 0) {
            oerr(&L, "kind", "'%s' must be average, scheduled, record_run, pilot_run, survey or tracked", kind);
            ok = 0;
        }
        if (sr__parse_period(sr__csv_get(&c, sr__csv_col(&c, "period")), &o.period_from, &o.period_to) < 0 ||
            !*sr__csv_get(&c, sr__csv_col(&c, "period"))) {
            oerr(&L, "period", "'%s': use a year (2023), YYYY..YYYY, a date (2026-06-03) or YYYY-MM-DD..YYYY-MM-DD", sr__csv_get(&c, sr__csv_col(&c, "period")));
            ok = 0;
        }
        if (!*sr__csv_get(&c, sr__csv_col(&c, "source"))) {
            oerr(&L, "source", "missing: every observation needs a source id from sources.csv");
            ok = 0;
        }
        /* Figures. */
        int rt = onum(&L, &c, "time_h", 0, 24 * 400, &o.time_h);
        int rmin = onum(&L, &c, "time_min_h", 0, 24 * 400, &o.time_min_h);
        int rmax = onum(&L, &c, "time_max_h", 0, 24 * 400, &o.time_max_h);
        int r90 = onum(&L, &c, "p90_h", 0, 24 * 400, &o.p90_h);
        if (rt < 0 || rmin < 0 || rmax < 0 || r90 < 0 || onum(&L, &c, "distance_km", 0.1, 30000, &o.distance_km) < 0 ||
            onum(&L, &c, "price_usd", 0, 1e6, &o.price_usd) < 0 || onum(&L, &c, "count", 0, 1e9, &o.count) < 0)
            ok = 0;
        o.has_min = rmin == 1;
        o.has_max = rmax == 1;
        if ((o.subject == SR__OBS_CROSSING || o.subject == SR__OBS_TRANSFER) && rt != 1) {
            oerr(&L, "time_h", "required for a %s observation (the typical or P50 time in hours)", subj);
            ok = 0;
        }
        if (o.subject == SR__OBS_ROUTE && rt != 1 && !(o.distance_km > 0) && !(o.price_usd > 0)) {
            oerr(&L, "time_h", "a route observation needs time_h, distance_km or price_usd");
            ok = 0;
        }
        if (rt != 1 && (rmin == 1 || rmax == 1 || r90 == 1)) {
            oerr(&L, "time_h", "required with time_min_h, time_max_h or p90_h");
            ok = 0;
        }
        if (rt == 1 && !(o.time_h > 0)) {
            oerr(&L, "time_h", "must be > 0");
            ok = 0;
        }
        if (o.subject == SR__OBS_TRAINS && (!o.count || !*sr__csv_get(&c, sr__csv_col(&c, "count_unit")))) {
            oerr(&L, "count", "a trains observation needs count and count_unit (e.g. trains/day)");
            ok = 0;
        }
        if ((o.has_min && rt == 1 && o.time_min_h > o.time_h) || (o.has_max && rt == 1 && o.time_max_h < o.time_h) ||
            (r90 == 1 && rt == 1 && o.p90_h < o.time_h)) {
            oerr(&L, "time_h", "ranges must satisfy time_min_h <= time_h <= time_max_h and time_h <= p90_h");
            ok = 0;
        }
        o.has_p90 = r90 == 1;
        const char *unit = sr__csv_get(&c, sr__csv_col(&c, "unit"));
        o.unit = *unit ? sr_unit_parse(unit) : -1;
        if (*unit && o.unit < 0) {
            oerr(&L, "unit", "'%s' must be 20ft, 40ft or t", unit);
            ok = 0;
        }
        if (o.price_usd > 0 && o.unit < 0) {
            oerr(&L, "unit", "required with price_usd");
            ok = 0;
        }
        /* References. */
        const char *s;
        if (o.subject == SR__OBS_ROUTE || o.subject == SR__OBS_TRAINS) {
            s = sr__csv_get(&c, sr__csv_col(&c, "origin"));
            if (*s && (o.origin = place_id(net, s)) < 0) {
                oerr(&L, "origin", "unknown place '%s'", s);
                ok = 0;
            }
            s = sr__csv_get(&c, sr__csv_col(&c, "destination"));
            if (*s && (o.destination = place_id(net, s)) < 0) {
                oerr(&L, "destination", "unknown place '%s'", s);
                ok = 0;
            }
            if (o.subject == SR__OBS_ROUTE && (o.origin < 0 || o.destination < 0) && ok) {
                oerr(&L, o.origin < 0 ? "origin" : "destination", "required for a route observation");
                ok = 0;
            }
            if (o.subject == SR__OBS_ROUTE && ok && o.origin == o.destination) {
                oerr(&L, "destination", "same place as origin");
                ok = 0;
            }
        }
        char buf[512];
        snprintf(buf, sizeof buf, "%s", sr__csv_get(&c, sr__csv_col(&c, "via")));
        char *save = NULL;
        for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            if (o.n_via >= SR__OBS_MAX_VIA) {
                oerr(&L, "via", "at most %d places", SR__OBS_MAX_VIA);
                ok = 0;
                break;
            }
            long p = place_id(net, t);
            if (p < 0) {
                oerr(&L, "via", "unknown place '%s'", t);
                ok = 0;
            } else
                o.via[o.n_via++] = (uint32_t)p;
        }
        snprintf(buf, sizeof buf, "%s", sr__csv_get(&c, sr__csv_col(&c, "modes")));
        save = NULL;
        for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            int m = sr_mode_parse(t);
            if (m < 0) {
                oerr(&L, "modes", "'%s' is not rail, road, sea or air", t);
                ok = 0;
            } else
                o.modes |= SR_MODE_BIT(m);
        }
        if (!o.modes)
            o.modes = SR_MODES_ALL;
        snprintf(buf, sizeof buf, "%s", sr__csv_get(&c, sr__csv_col(&c, "avoid_countries")));
        save = NULL;
        for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            if (strlen(t) != 2 || t[0] < 'A' || t[0] > 'Z' || t[1] < 'A' || t[1] > 'Z' || o.n_avoid >= 8) {
                oerr(&L, "avoid_countries", "'%s' is not an ISO 3166-1 alpha-2 code (at most 8)", t);
                ok = 0;
            } else
                memcpy(o.avoid[o.n_avoid++], t, 3);
        }
        snprintf(buf, sizeof buf, "%s", sr__csv_get(&c, sr__csv_col(&c, "avoid")));
        save = NULL;
        for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            if (o.n_avoid_ids >= 8 || strlen(t) >= sizeof o.avoid_ids[0] ||
                (sr_crossing_find(net, t) < 0 && place_id(net, t) < 0)) {
                oerr(&L, "avoid", "'%s' is not a place or crossing id (at most 8)", t);
                ok = 0;
            } else
                snprintf(o.avoid_ids[o.n_avoid_ids++], sizeof o.avoid_ids[0], "%s", t);
        }
        s = sr__csv_get(&c, sr__csv_col(&c, "crossing"));
        if (*s && (o.crossing = sr_crossing_find(net, s)) < 0) {
            oerr(&L, "crossing", "unknown crossing '%s'", s);
            ok = 0;
        }
        o.dirs = sr__parse_direction(sr__csv_get(&c, sr__csv_col(&c, "direction")));
        if (!o.dirs) {
            oerr(&L, "direction", "'%s' must be a-b, b-a or both", sr__csv_get(&c, sr__csv_col(&c, "direction")));
            ok = 0;
        }
        s = sr__csv_get(&c, sr__csv_col(&c, "side"));
        if (!strcmp(s, "exit"))
            o.side = SR__SIDE_EXIT;
        else if (!strcmp(s, "entry"))
            o.side = SR__SIDE_ENTRY;
        else if (*s) {
            oerr(&L, "side", "'%s' must be exit, entry or empty (the whole crossing)", s);
            ok = 0;
        }
        if (o.side && (o.subject != SR__OBS_CROSSING || (o.dirs != 1 && o.dirs != 2))) {
            oerr(&L, "side", "only for a crossing observation in one direction (a-b or b-a)");
            ok = 0;
        }
        if (o.subject == SR__OBS_CROSSING && o.crossing < 0 && ok) {
            oerr(&L, "crossing", "required for a crossing observation");
            ok = 0;
        }
        s = sr__csv_get(&c, sr__csv_col(&c, "place"));
        if (*s && (o.place = place_id(net, s)) < 0) {
            oerr(&L, "place", "unknown place '%s'", s);
            ok = 0;
        }
        o.from_class = -1;
        o.to_class = -1;
        if (o.place >= 0) {
            o.from_class = sr__class_parse(sr__csv_get(&c, sr__csv_col(&c, "from_class")));
            o.to_class = sr__class_parse(sr__csv_get(&c, sr__csv_col(&c, "to_class")));
            int found = 0;
            for (uint32_t i = net->xfer_off[o.place]; i < net->xfer_off[o.place + 1]; i++)
                if (net->xfers[i].from == o.from_class && net->xfers[i].to == o.to_class)
                    found = 1;
            if (!found) {
                oerr(&L, "from_class", "no transfer %s -> %s at %s in transfers.csv",
                     sr__csv_get(&c, sr__csv_col(&c, "from_class")), sr__csv_get(&c, sr__csv_col(&c, "to_class")),
                     net->places[o.place].id);
                ok = 0;
            }
        }
        if (o.subject == SR__OBS_TRANSFER && o.place < 0 && ok) {
            oerr(&L, "place", "required for a transfer observation (with from_class and to_class)");
            ok = 0;
        }
        if (!ok)
            continue;
        if (sr__grow((void **)&v, &cap, n + 1, sizeof *v) < 0) {
            free(v);
            sr__csv_close(&c);
            return -1;
        }
        v[n++] = o;
    }
    if (r < 0) {
        L.line = 0;
        oerr(&L, NULL, "%s", c.err);
    }
    /* Unknown columns are likely typos. */
    for (int i = 0; i < c.nh; i++) {
        int known = 0;
        for (const char *const *k = known_cols; *k; k++)
            if (!strcmp(*k, c.header[i]))
                known = 1;
        if (!known && d->report) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s:1: %s: unknown column (ignored)", display, c.header[i]);
            d->warnings++;
            d->report(d->ctx, 0, msg);
        }
    }
    sr__csv_close(&c);
    *out = v;
    *n_out = n;
    return 0;
}

void sr__obs_check(const sr_network *net, const char *dir, sr__diag *d)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/observations.csv", dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    fclose(f);
    sr__obs *o;
    size_t n;
    if (sr__obs_read(net, path, "observations.csv", &o, &n, d) == 0)
        free(o);
}
