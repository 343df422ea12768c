/*
 * freight.c - freight assignment on the corridor network (sr_freight):
 * builds an assignment problem (sr_tap) from an sr_network, the annual
 * demand table and the scenario overlay, solves it, and reports flows,
 * utilisation, corridor totals and criticality.
 *
 * Why a class-expanded graph: containers change gauge or mode only at a
 * transfer, and terminals that do the change (Dostyk, Altynkol) have their
 * own capacity.  Each place therefore has one node per carrier class,
 * joined by transfer arcs, plus a source node (arcs out to every class)
 * and a sink node (arcs in from every class), so that demand can start and
 * end in any class but never passes a place without its transfer.
 *
 * The overlay: edits of a scenario are kept in per-link and per-crossing
 * arrays here; building the sr_tap reads the network and the overlay, so
 * the shared network is never written.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/file.h"
#include "network/network.h"
#include "core/num.h"
#include "silkroute.h"
#include "tap.h"

/* Nodes per place: source, sink, one per carrier class of the network. */
#define NPN(net) (2 + (net)->n_classes)
#define MAX_DEMAND 100000
#define MAX_SCENARIO_LINES 100000
#define MAX_SCENARIO_FILE ((size_t)16 << 20) /* bytes */

enum { K_ARC = 0, K_XFER = 1, K_ACCESS = 2 };

struct sr_freight {
    const sr_network *net;
    char errmsg[1024];
    double vot, bpr_b, bpr_p, demand_scale;
    int year;
    /* Overlay: NaN or -1 mean "as in the network". */
    double *link_cap, *link_time, *link_cost;
    signed char *link_open;
    double *x_cap, *x_dwell;
    signed char *x_open;
    /* Demand (place indices). */
    size_t n_dem;
    uint32_t *dem_o, *dem_d;
    double *dem_v;
    /* The last solve. */
    int solved;
    sr_tap *tap;
    size_t n_tl;
    uint8_t *tl_kind;
    uint32_t *tl_idx;         /* arc, transfer or place */
    double *tl_cost_usd, *tl_co2, *tl_cap;
    double *arc_flow;         /* per network arc */
    double *xfer_flow;        /* per transfer */
    double *od_time, *od_usd; /* per demand row: hours and USD per TEU of the least-cost path */
    sr_freight_totals totals;
};

static void ferr(sr_freight *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ferr(sr_freight *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->errmsg, sizeof f->errmsg, fmt, ap);
    va_end(ap);
    /* Ids and names from files are quoted: escape control bytes. */
    sr__escape_inplace(f->errmsg, sizeof f->errmsg);
}

sr_code sr_freight_create(const sr_network *net, sr_freight **out)
{
    *out = NULL;
    sr_freight *f = calloc(1, sizeof *f);
    if (!f)
        return SR_ENOMEM;
    f->net = net;
    f->vot = 2.0;
    f->bpr_b = 0.15;
    f->bpr_p = 4;
    f->demand_scale = 1;
    size_t nl = net->n_links ? net->n_links : 1, nx = net->n_crossings ? net->n_crossings : 1;
    f->link_cap = malloc(nl * sizeof(double));
    f->link_time = malloc(nl * sizeof(double));
    f->link_cost = malloc(nl * sizeof(double));
    f->link_open = malloc(nl);
    f->x_cap = malloc(nx * sizeof(double));
    f->x_dwell = malloc(nx * sizeof(double));
    f->x_open = malloc(nx);
    *out = f;
    if (!f->link_cap || !f->link_time || !f->link_cost || !f->link_open || !f->x_cap || !f->x_dwell || !f->x_open) {
        ferr(f, "out of memory");
        return SR_ENOMEM;
    }
    for (size_t i = 0; i < nl; i++) {
        f->link_cap[i] = f->link_time[i] = f->link_cost[i] = NAN;
        f->link_open[i] = -1;
    }
    for (size_t i = 0; i < nx; i++) {
        f->x_cap[i] = f->x_dwell[i] = NAN;
        f->x_open[i] = -1;
    }
    return SR_OK;
}

static void clear_solution(sr_freight *f)
{
    sr_tap_destroy(f->tap);
    f->tap = NULL;
    free(f->tl_kind);
    free(f->tl_idx);
    free(f->tl_cost_usd);
    free(f->tl_co2);
    free(f->tl_cap);
    free(f->arc_flow);
    free(f->xfer_flow);
    free(f->od_time);
    free(f->od_usd);
    f->od_time = f->od_usd = NULL;
    f->tl_kind = NULL;
    f->tl_idx = NULL;
    f->tl_cost_usd = f->tl_co2 = f->tl_cap = f->arc_flow = f->xfer_flow = NULL;
    f->n_tl = 0;
    f->solved = 0;
}

void sr_freight_destroy(sr_freight *f)
{
    if (!f)
        return;
    clear_solution(f);
    free(f->link_cap);
    free(f->link_time);
    free(f->link_cost);
    free(f->link_open);
    free(f->x_cap);
    free(f->x_dwell);
    free(f->x_open);
    free(f->dem_o);
    free(f->dem_d);
    free(f->dem_v);
    free(f);
}

const char *sr_freight_errmsg(const sr_freight *f) { return f ? f->errmsg : ""; }

sr_code sr_freight_set_params(sr_freight *f, double value_of_time, double bpr_b, double bpr_power)
{
    if (!(value_of_time > 0) || !isfinite(value_of_time) || !(bpr_b >= 0) || !isfinite(bpr_b) ||
        !(bpr_power >= 0) || bpr_power > 20) {
        ferr(f, "value of time must be > 0, b >= 0 and power in 0..20");
        return SR_EARG;
    }
    f->vot = value_of_time;
    f->bpr_b = bpr_b;
    f->bpr_p = bpr_power;
    f->solved = 0;
    return SR_OK;
}

sr_code sr_freight_set_year(sr_freight *f, int year)
{
    if (year != 0 && (year < 1900 || year > 2200)) {
        ferr(f, "year must be 0 or in 1900..2200");
        return SR_EARG;
    }
    f->year = year;
    f->solved = 0;
    return SR_OK;
}

/* ------------------------------------------------------------------------
 * Demand
 * ---------------------------------------------------------------------- */

/* Append the ids of DIR/FILE (a sources.csv-style file) to ids[].
 * Returns 0, -1 when the file does not exist, or -2 with the message in
 * err when it exists but cannot be read (a skipped file would change
 * which sources count without a word). */
static int load_source_ids(const char *dir, const char *file, char ***ids, size_t *n, char *err, size_t errcap)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    sr__csv c;
    if (sr__csv_open(&c, path, file) < 0) {
        int absent = c.absent;
        if (!absent)
            snprintf(err, errcap, "%s", c.err);
        sr__csv_close(&c);
        return absent ? -1 : -2;
    }
    int col = sr__csv_col(&c, "id"), r;
    size_t cap = *n;
    while ((r = sr__csv_next(&c)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            char **p = realloc(*ids, cap * sizeof *p);
            if (!p)
                break;
            *ids = p;
        }
        (*ids)[(*n)++] = strdup(sr__csv_get(&c, col));
    }
    sr__csv_close(&c);
    return 0;
}

static int has_id(char **ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] && !strcmp(ids[i], id))
            return 1;
    return 0;
}

sr_code sr_freight_load_demand(sr_freight *f, const char *path)
{
    char def[4096];
    if (!path) {
        snprintf(def, sizeof def, "%s/demand.csv", sr_network_dir(f->net));
        path = def;
    }
    const char *name = path;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    /* Source ids: the dataset's sources.csv, and demand_sources.csv next
     * to the demand file or in the dataset (assumptions of the demand). */
    char **ids = NULL;
    size_t nids = 0;
    char serr[512] = "";
    int sr1 = load_source_ids(sr_network_dir(f->net), "sources.csv", &ids, &nids, serr, sizeof serr);
    int have_sources = sr1 == 0;
    char ddir[4096];
    snprintf(ddir, sizeof ddir, "%.*s", (int)(base - path), path);
    if (!ddir[0])
        snprintf(ddir, sizeof ddir, ".");
    int sr2 = load_source_ids(ddir, "demand_sources.csv", &ids, &nids, serr, sizeof serr);
    if (sr2 == -1)
        sr2 = load_source_ids(sr_network_dir(f->net), "demand_sources.csv", &ids, &nids, serr, sizeof serr);
    sr__csv c;
    memset(&c, 0, sizeof c);
    sr_code rc = SR_OK;
    if (sr1 == -2 || sr2 == -2) {
        ferr(f, "%s", serr);
        for (size_t i = 0; i < nids; i++)
            free(ids[i]);
        free(ids);
        return SR_EIO;
    }
    free(f->dem_o);
    free(f->dem_d);
    free(f->dem_v);
    f->dem_o = f->dem_d = NULL;
    f->dem_v = NULL;
    f->n_dem = 0;
    f->solved = 0;
    size_t cap = 0;
    if (sr__csv_open(&c, path, name) < 0) {
        ferr(f, "%s", c.err);
        rc = c.code; /* SR_EIO, SR_ELIMIT, SR_EDATA (a bad header) */
        goto out;
    }
    int co = sr__csv_col(&c, "origin"), cd = sr__csv_col(&c, "destination"), cv = sr__csv_col(&c, "teu_per_year"),
        cs = sr__csv_col(&c, "source");
    if (co < 0 || cd < 0 || cv < 0 || cs < 0) {
        ferr(f, "%s:1: header: expected columns origin,destination,teu_per_year,source", name);
        rc = SR_EDATA;
        goto out;
    }
    int r;
    while ((r = sr__csv_next(&c)) == 1) {
        size_t o, d;
        const char *so = sr__csv_get(&c, co), *sd = sr__csv_get(&c, cd), *sv = sr__csv_get(&c, cv);
        if (sr_place_find(f->net, so, &o) != SR_OK) {
            ferr(f, "%s:%ld: origin: unknown place '%.100s'", name, c.line, so);
            rc = SR_EDATA;
            goto out;
        }
        if (sr_place_find(f->net, sd, &d) != SR_OK) {
            ferr(f, "%s:%ld: destination: unknown place '%.100s'", name, c.line, sd);
            rc = SR_EDATA;
            goto out;
        }
        double v;
        if (sr__parse_double(sv, 0, 1e9, &v)) {
            ferr(f, "%s:%ld: teu_per_year: '%.100s' is not a number in 0..1e9", name, c.line, sv);
            rc = SR_EDATA;
            goto out;
        }
        /* Every ';'-separated source id must be in sources.csv. */
        char src[1024];
        snprintf(src, sizeof src, "%s", sr__csv_get(&c, cs));
        if (!*src) {
            ferr(f, "%s:%ld: source: missing: every figure needs a source id from sources.csv", name, c.line);
            rc = SR_EDATA;
            goto out;
        }
        char *save = NULL;
        for (char *t = strtok_r(src, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            while (*t == ' ')
                t++;
            if (have_sources && !has_id(ids, nids, t)) {
                ferr(f, "%s:%ld: source: '%.100s' is not an id in sources.csv", name, c.line, t);
                rc = SR_EDATA;
                goto out;
            }
        }
        if (o == d)
            continue;
        if (f->n_dem >= MAX_DEMAND) {
            ferr(f, "%s:%ld: more than %d demand rows", name, c.line, MAX_DEMAND);
            rc = SR_ELIMIT;
            goto out;
        }
        if (f->n_dem == cap) {
            cap = cap ? cap * 2 : 32;
            uint32_t *a = realloc(f->dem_o, cap * sizeof *a);
            if (a)
                f->dem_o = a;
            uint32_t *b = a ? realloc(f->dem_d, cap * sizeof *b) : NULL;
            if (b)
                f->dem_d = b;
            double *vv = b ? realloc(f->dem_v, cap * sizeof *vv) : NULL;
            if (!vv) {
                ferr(f, "out of memory");
                rc = SR_ENOMEM;
                goto out;
            }
            f->dem_v = vv;
        }
        f->dem_o[f->n_dem] = (uint32_t)o;
        f->dem_d[f->n_dem] = (uint32_t)d;
        f->dem_v[f->n_dem] = v;
        f->n_dem++;
    }
    if (r < 0) {
        ferr(f, "%s", c.err);
        rc = SR_EDATA;
    }
out:
    sr__csv_close(&c);
    for (size_t i = 0; i < nids; i++)
        free(ids[i]);
    free(ids);
    return rc;
}

/* ------------------------------------------------------------------------
 * Scenarios (format in docs/SCENARIOS.md)
 * ---------------------------------------------------------------------- */

static long find_link(const sr_network *net, const char *id) { return sr__link_find(net, id); }

sr_code sr_freight_load_scenario(sr_freight *f, const char *path)
{
    const char *name = path; /* messages name the file as the user gave it */
    /* Only a regular file of bounded size (file.h): a FIFO or /dev/zero
     * is refused by name instead of hanging. */
    char *data = NULL;
    size_t dlen = 0;
    char emsg[sizeof f->errmsg];
    sr_code rc = sr__data_read(path, name, MAX_SCENARIO_FILE, &data, &dlen, emsg, sizeof emsg, NULL);
    if (rc != SR_OK) {
        ferr(f, "%s", emsg);
        return rc;
    }
    char line[1024];
    long ln = 0;
    f->solved = 0;
    /* The shared line reader: BOM skipped, LF, CRLF or CR line ends, and
     * it stops at the first line that is too long or holds NUL. */
    sr__lines lr;
    sr__lines_init(&lr, data, dlen, line, sizeof line - 1);
    int got;
    while ((got = sr__lines_next(&lr)) != 0) {
        ln = lr.line;
        if (got < 0) {
            ferr(f, "%s:%ld: %s", name, ln, got == SR__LINE_NUL ? "NUL byte in line" : "line longer than 1023 bytes");
            rc = SR_EDATA;
            break;
        }
        if (ln > MAX_SCENARIO_LINES) {
            ferr(f, "%s:%ld: more than %d lines", name, ln, MAX_SCENARIO_LINES);
            rc = SR_ELIMIT;
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *w[5] = {0};
        int nw = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
            if (nw == 5) {
                nw = 6;
                break;
            }
            w[nw++] = t;
        }
        if (nw == 0)
            continue;
        double v = NAN;
        if (!strcmp(w[0], "year")) {
            long y = 0;
            if (nw != 2 || sr__parse_long(w[1], 1900, 2200, &y)) {
                ferr(f, "%s:%ld: year: expected \"year YYYY\" with 1900 <= YYYY <= 2200", name, ln);
                rc = SR_EDATA;
                break;
            }
            f->year = (int)y;
            continue;
        }
        if (!strcmp(w[0], "demand")) {
            if (nw != 3 || strcmp(w[1], "scale") || sr__parse_double(w[2], 0, 1000, &v)) {
                ferr(f, "%s:%ld: demand: expected \"demand scale FACTOR\" with 0 <= FACTOR <= 1000", name, ln);
                rc = SR_EDATA;
                break;
            }
            f->demand_scale = v;
            continue;
        }
        static const char *const verbs[] = {"open", "close", "capacity", "dwell", "time", "cost"};
        int verb = -1;
        for (int i = 0; i < 6; i++)
            if (!strcmp(w[0], verbs[i]))
                verb = i;
        int want = verb <= 1 ? 3 : 4;
        if (verb < 0 || nw != want || (strcmp(w[1], "link") && strcmp(w[1], "crossing"))) {
            ferr(f, "%s:%ld: %s: expected one of: year Y | demand scale F | open|close link|crossing ID | "
                    "capacity link|crossing ID TEU_PER_DAY | dwell crossing ID HOURS | time link ID HOURS | "
                    "cost link ID USD_PER_TEU",
                 name, ln, verb < 0 ? "command" : w[0]);
            rc = SR_EDATA;
            break;
        }
        int is_x = !strcmp(w[1], "crossing");
        long idx = is_x ? sr_crossing_find(f->net, w[2]) : find_link(f->net, w[2]);
        if (idx < 0) {
            ferr(f, "%s:%ld: %s: unknown %s '%.100s'", name, ln, w[1], w[1], w[2]);
            rc = SR_EDATA;
            break;
        }
        if (want == 4) {
            if (sr__parse_double(w[3], 0, 1e9, &v) || (verb == 2 && !(v > 0))) {
                ferr(f, "%s:%ld: %s: '%.100s' is not a number %s", name, ln, w[0], w[3],
                     verb == 2 ? "> 0 and <= 1e9" : "in 0..1e9");
                rc = SR_EDATA;
                break;
            }
        }
        if ((verb == 3 && !is_x) || ((verb == 4 || verb == 5) && is_x)) {
            ferr(f, "%s:%ld: %s: '%s %s' applies to %s only", name, ln, w[0], w[0], w[1],
                 verb == 3 ? "crossings" : "links");
            rc = SR_EDATA;
            break;
        }
        switch (verb) {
        case 0:
            if (is_x)
                f->x_open[idx] = 1;
            else
                f->link_open[idx] = 1;
            break;
        case 1:
            if (is_x)
                f->x_open[idx] = 0;
            else
                f->link_open[idx] = 0;
            break;
        case 2:
            if (is_x)
                f->x_cap[idx] = v;
            else
                f->link_cap[idx] = v;
            break;
        case 3: f->x_dwell[idx] = v; break;
        case 4: f->link_time[idx] = v; break;
        case 5: f->link_cost[idx] = v; break;
        }
    }
    free(data);
    return rc;
}

/* ------------------------------------------------------------------------
 * Building and solving
 * ---------------------------------------------------------------------- */

static int link_usable(const sr_freight *f, uint32_t l)
{
    const sr_link *k = &f->net->links[l];
    if (f->link_open[l] == 0)
        return 0;
    if (k->crossing >= 0 && f->x_open[k->crossing] == 0)
        return 0;
    if (f->link_open[l] == 1 || (k->crossing >= 0 && f->x_open[k->crossing] == 1 && k->status != SR_CLOSED))
        return 1;
    return sr__link_usable(k, f->year);
}

/* Capacity of link l in TEU per year under the overlay; 0 = none. */
double sr_freight_link_capacity(const sr_freight *f, size_t l)
{
    if (l >= f->net->n_links)
        return 0;
    const sr_link *k = &f->net->links[l];
    double c = isnan(f->link_cap[l]) ? k->capacity_teu_per_day : f->link_cap[l];
    if (k->crossing >= 0) {
        double x = sr_freight_crossing_capacity(f, (size_t)k->crossing) / 365.0;
        if (x > 0 && (c <= 0 || x < c))
            c = x;
    }
    return c > 0 ? c * 365.0 : 0;
}

double sr_freight_crossing_capacity(const sr_freight *f, size_t x)
{
    if (x >= f->net->n_crossings)
        return 0;
    double c = isnan(f->x_cap[x]) ? f->net->crossings[x].capacity_teu_per_day : f->x_cap[x];
    return c > 0 ? c * 365.0 : 0;
}

static uint32_t node_of(const sr_network *net, uint32_t place, int slot)
{
    return place * NPN(net) + (uint32_t)slot + 1;
}

/* Append one sr_tap link and its bookkeeping. */
static sr_code add_tl(sr_freight *f, size_t *cap, uint32_t from, uint32_t to, double t0, double usd, double co2,
                      double cap_year, uint8_t kind, uint32_t idx)
{
    if (f->n_tl == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        uint8_t *k = realloc(f->tl_kind, nc);
        if (k)
            f->tl_kind = k;
        uint32_t *ix = k ? realloc(f->tl_idx, nc * sizeof *ix) : NULL;
        if (ix)
            f->tl_idx = ix;
        double *a = ix ? realloc(f->tl_cost_usd, nc * sizeof *a) : NULL;
        if (a)
            f->tl_cost_usd = a;
        double *b = a ? realloc(f->tl_co2, nc * sizeof *b) : NULL;
        if (b)
            f->tl_co2 = b;
        double *c = b ? realloc(f->tl_cap, nc * sizeof *c) : NULL;
        if (!c)
            return SR_ENOMEM;
        f->tl_cap = c;
        *cap = nc;
    }
    sr_tap_link l = {.from = from, .to = to, .free_flow_time = t0, .toll = usd};
    if (cap_year > 0) {
        l.capacity = cap_year;
        l.b = f->bpr_b;
        l.power = f->bpr_p;
    } else {
        l.capacity = 1;
    }
    sr_code rc = sr_tap_add_link(f->tap, &l, NULL);
    if (rc)
        return rc;
    f->tl_kind[f->n_tl] = kind;
    f->tl_idx[f->n_tl] = idx;
    f->tl_cost_usd[f->n_tl] = usd;
    f->tl_co2[f->n_tl] = co2;
    f->tl_cap[f->n_tl] = cap_year;
    f->n_tl++;
    return SR_OK;
}

static sr_code build(sr_freight *f)
{
    const sr_network *net = f->net;
    clear_solution(f);
    sr_code rc = sr_tap_create((size_t)net->n_places * NPN(net), 1, &f->tap);
    if (rc) {
        ferr(f, "%s", sr_strerror(rc));
        return rc;
    }
    sr_tap_set_factors(f->tap, 1.0 / f->vot, 0);
    size_t cap = 0;
    const unsigned teu = 1u << SR_UNIT_20FT;
    for (uint32_t p = 0; p < net->n_places && rc == SR_OK; p++) {
        for (uint32_t a = net->arc_off[p]; a < net->arc_off[p + 1] && rc == SR_OK; a++) {
            uint32_t l = net->arc_link[a];
            const sr_link *k = &net->links[l];
            if (!link_usable(f, l) || !(net->modes[k->mode].units & teu))
                continue;
            double t = net->arc_time_h[a], usd = net->arc_cost[SR_UNIT_20FT][a];
            if (!isnan(f->link_time[l]))
                t += f->link_time[l] - k->duration_h;
            if (k->crossing >= 0 && !isnan(f->x_dwell[k->crossing]))
                t += f->x_dwell[k->crossing] - net->x_p50[2 * (size_t)k->crossing + (size_t)sr__arc_xdir(net, a)];
            if (!isnan(f->link_cost[l]))
                usd += f->link_cost[l] - k->cost_usd[SR_UNIT_20FT];
            if (t < 0)
                t = 0;
            if (usd < 0)
                usd = 0;
            uint8_t c = net->arc_cls[a];
            rc = add_tl(f, &cap, node_of(f->net, p, 2 + c), node_of(f->net, net->arc_head[a], 2 + c), t, usd,
                        net->arc_co2[SR_UNIT_20FT][a], sr_freight_link_capacity(f, l), K_ARC, a);
        }
        for (uint32_t x = net->xfer_off[p]; x < net->xfer_off[p + 1] && rc == SR_OK; x++) {
            const sr__xfer *X = &net->xfers[x];
            double c = X->capacity_teu_per_day > 0 ? X->capacity_teu_per_day * 365.0 : 0;
            rc = add_tl(f, &cap, node_of(f->net, p, 2 + X->from), node_of(f->net, p, 2 + X->to), X->duration_h,
                        X->cost_usd[SR_UNIT_20FT], 0, c, K_XFER, x);
        }
        for (int c = 0; c < (int)net->n_classes && rc == SR_OK; c++) {
            rc = add_tl(f, &cap, node_of(f->net, p, 0), node_of(f->net, p, 2 + c), 0, 0, 0, 0, K_ACCESS, p);
            if (rc == SR_OK)
                rc = add_tl(f, &cap, node_of(f->net, p, 2 + c), node_of(f->net, p, 1), 0, 0, 0, 0, K_ACCESS, p);
        }
    }
    for (size_t i = 0; i < f->n_dem && rc == SR_OK; i++)
        rc = sr_tap_add_demand(f->tap, node_of(f->net, f->dem_o[i], 0), node_of(f->net, f->dem_d[i], 1),
                               f->dem_v[i] * f->demand_scale);
    if (rc) {
        ferr(f, "%s", rc == SR_ENOMEM ? "out of memory" : sr_tap_errmsg(f->tap));
        return rc;
    }
    return SR_OK;
}

/* Node number -> "Place name (ID)" for messages. */
static void explain_noroute(sr_freight *f)
{
    unsigned a, b;
    if (sscanf(sr_tap_errmsg(f->tap), "no path from node %u to node %u", &a, &b) == 2) {
        const sr_place *pa = &f->net->places[(a - 1) / NPN(f->net)], *pb = &f->net->places[(b - 1) / NPN(f->net)];
        ferr(f, "no usable path from %s (%s) to %s (%s) in this scenario", pa->name_en, pa->id, pb->name_en,
             pb->id);
    } else {
        ferr(f, "%s", sr_tap_errmsg(f->tap));
    }
}

/* Hours and USD per TEU of each demand row's least-cost path at the
 * solved flows (at user equilibrium every used path of a pair costs the
 * same, so this is what each of its containers pays).  Dijkstra on the
 * assignment links by generalised cost, carrying time and money along. */
static sr_code od_paths(sr_freight *f)
{
    const sr_tap *t = f->tap;
    uint32_t n = t->n_nodes, m = t->n_links;
    free(f->od_time);
    free(f->od_usd);
    f->od_time = malloc((f->n_dem ? f->n_dem : 1) * sizeof(double));
    f->od_usd = malloc((f->n_dem ? f->n_dem : 1) * sizeof(double));
    uint32_t *off = calloc((size_t)n + 1, sizeof *off), *lk = malloc((m ? m : 1) * sizeof *lk),
             *fill = malloc(((size_t)n + 1) * sizeof *fill);
    double *gc = malloc((m ? m : 1) * sizeof *gc), *tm = malloc((m ? m : 1) * sizeof *tm);
    double *dist = malloc((size_t)n * sizeof *dist), *dh = malloc((size_t)n * sizeof *dh),
           *du = malloc((size_t)n * sizeof *du);
    struct hk { double d; uint32_t v; } *heap = malloc(((size_t)m + 1) * sizeof *heap);
    sr_code rc = SR_OK;
    if (!f->od_time || !f->od_usd || !off || !lk || !fill || !gc || !tm || !dist || !dh || !du || !heap) {
        rc = SR_ENOMEM;
        goto out;
    }
    for (uint32_t a = 0; a < m; a++) {
        double v = sr_tap_link_flow(t, a), time = t->t0[a];
        if (t->b[a] > 0 && t->t0[a] > 0)
            time *= 1 + t->b[a] * pow(v / t->capacity[a], t->power[a]);
        tm[a] = time;
        gc[a] = time + t->toll[a] / f->vot;
        if (t->enabled[a])
            off[t->tail[a] + 1]++;
    }
    for (uint32_t v = 0; v < n; v++)
        off[v + 1] += off[v];
    memcpy(fill, off, ((size_t)n + 1) * sizeof *fill);
    for (uint32_t a = 0; a < m; a++)
        if (t->enabled[a])
            lk[fill[t->tail[a]]++] = a;
    for (size_t i = 0; i < f->n_dem; i++)
        f->od_time[i] = f->od_usd[i] = NAN;
    for (size_t i = 0; i < f->n_dem; i++) {
        if (!isnan(f->od_time[i]))
            continue; /* done with an earlier row of the same origin */
        uint32_t src = node_of(f->net, f->dem_o[i], 0) - 1, hn = 0;
        for (uint32_t v = 0; v < n; v++)
            dist[v] = INFINITY;
        dist[src] = dh[src] = du[src] = 0;
        heap[hn++] = (struct hk){0, src};
        while (hn) {
            struct hk top = heap[0], last = heap[--hn];
            uint32_t j = 0;
            for (;;) {
                uint32_t c = 2 * j + 1;
                if (c >= hn)
                    break;
                if (c + 1 < hn && heap[c + 1].d < heap[c].d)
                    c++;
                if (heap[c].d >= last.d)
                    break;
                heap[j] = heap[c];
                j = c;
            }
            if (hn)
                heap[j] = last;
            if (top.d > dist[top.v])
                continue;
            for (uint32_t k = off[top.v]; k < off[top.v + 1]; k++) {
                uint32_t a = lk[k], w = t->head[a];
                double nd = top.d + gc[a];
                if (nd < dist[w]) {
                    dist[w] = nd;
                    dh[w] = dh[top.v] + tm[a];
                    du[w] = du[top.v] + t->toll[a];
                    uint32_t q = hn++;
                    while (q > 0 && heap[(q - 1) / 2].d > nd) {
                        heap[q] = heap[(q - 1) / 2];
                        q = (q - 1) / 2;
                    }
                    heap[q] = (struct hk){nd, w};
                }
            }
        }
        for (size_t r = i; r < f->n_dem; r++) {
            if (f->dem_o[r] != f->dem_o[i])
                continue;
            uint32_t d = node_of(f->net, f->dem_d[r], 1) - 1;
            if (isfinite(dist[d])) {
                f->od_time[r] = dh[d];
                f->od_usd[r] = du[d];
            } else {
                f->od_time[r] = f->od_usd[r] = INFINITY;
            }
        }
    }
out:
    free(off);
    free(lk);
    free(fill);
    free(gc);
    free(tm);
    free(dist);
    free(dh);
    free(du);
    free(heap);
    return rc;
}

/* Solve the built problem and gather per-element flows and totals. */
static sr_code run(sr_freight *f, const sr_tap_options *o)
{
    sr_tap_stats st;
    sr_code rc = sr_tap_solve(f->tap, o, &st);
    /* A stalled solve keeps valid flows, as an iteration limit does; the
     * freight API reports both as not converged (the message tells which). */
    if (rc == SR_ESTALLED)
        rc = SR_ENOTCONVERGED;
    if (rc != SR_OK && rc != SR_ENOTCONVERGED) {
        if (rc == SR_ENOROUTE)
            explain_noroute(f);
        else
            ferr(f, "%s", sr_tap_errmsg(f->tap));
        return rc;
    }
    if (rc == SR_ENOTCONVERGED)
        ferr(f, "%s", sr_tap_errmsg(f->tap));
    const sr_network *net = f->net;
    free(f->arc_flow);
    free(f->xfer_flow);
    f->arc_flow = calloc(net->n_arcs ? net->n_arcs : 1, sizeof(double));
    f->xfer_flow = calloc(net->n_xfers ? net->n_xfers : 1, sizeof(double));
    if (!f->arc_flow || !f->xfer_flow) {
        ferr(f, "out of memory");
        return SR_ENOMEM;
    }
    sr_freight_totals *t = &f->totals;
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < f->n_tl; i++) {
        double v = sr_tap_link_flow(f->tap, i);
        sr_tap_link l;
        sr_tap_link_get(f->tap, i, &l);
        double time = l.free_flow_time;
        if (l.b > 0)
            time *= 1 + l.b * pow(v / l.capacity, l.power);
        t->teu_hours += v * time;
        t->cost_usd += v * f->tl_cost_usd[i];
        t->co2e_kg += v * f->tl_co2[i];
        t->generalized_h += v * (time + f->tl_cost_usd[i] / f->vot);
        if (f->tl_kind[i] == K_ARC)
            f->arc_flow[f->tl_idx[i]] += v;
        else if (f->tl_kind[i] == K_XFER)
            f->xfer_flow[f->tl_idx[i]] += v;
    }
    t->teu_per_year = st.total_demand;
    t->relative_gap = st.relative_gap;
    t->iterations = st.iterations;
    if (od_paths(f) != SR_OK) {
        ferr(f, "out of memory");
        return SR_ENOMEM;
    }
    f->solved = 1;
    return rc;
}

sr_code sr_freight_solve(sr_freight *f, const sr_tap_options *o)
{
    f->errmsg[0] = 0;
    sr_code rc = build(f);
    if (rc)
        return rc;
    return run(f, o);
}

sr_code sr_freight_get_totals(const sr_freight *f, sr_freight_totals *out)
{
    if (!f->solved)
        return SR_EARG;
    *out = f->totals;
    return SR_OK;
}

double sr_freight_link_flow(const sr_freight *f, size_t link, int dir)
{
    if (!f->solved || link >= f->net->n_links)
        return 0;
    const sr_network *net = f->net;
    const sr_link *k = &net->links[link];
    uint32_t tail = dir ? k->to : k->from;
    double v = 0;
    for (uint32_t a = net->arc_off[tail]; a < net->arc_off[tail + 1]; a++)
        if (net->arc_link[a] == link)
            v += f->arc_flow[a];
    return v;
}

double sr_freight_crossing_flow(const sr_freight *f, size_t x)
{
    if (!f->solved || x >= f->net->n_crossings)
        return 0;
    double v = 0;
    for (uint32_t a = 0; a < f->net->n_arcs; a++)
        if (f->net->links[f->net->arc_link[a]].crossing == (int32_t)x)
            v += f->arc_flow[a];
    return v;
}

double sr_freight_crossing_utilisation(const sr_freight *f, size_t x)
{
    double c = sr_freight_crossing_capacity(f, x), worst = 0;
    if (!f->solved || c <= 0)
        return 0;
    for (uint32_t a = 0; a < f->net->n_arcs; a++)
        if (f->net->links[f->net->arc_link[a]].crossing == (int32_t)x && f->arc_flow[a] > worst)
            worst = f->arc_flow[a];
    return worst / c;
}

/* Place index of transfer x (transfers are in CSR order by place). */
static uint32_t xfer_place(const sr_network *net, uint32_t x)
{
    uint32_t p = 0;
    while (p + 1 < net->n_places && net->xfer_off[p + 1] <= x)
        p++;
    return p;
}

size_t sr_freight_demand_count(const sr_freight *f) { return f->n_dem; }

sr_code sr_freight_demand_row(const sr_freight *f, size_t i, size_t *origin, size_t *destination, double *teu,
                              double *hours, double *usd)
{
    if (i >= f->n_dem)
        return SR_EARG;
    if (origin)
        *origin = f->dem_o[i];
    if (destination)
        *destination = f->dem_d[i];
    if (teu)
        *teu = f->dem_v[i] * f->demand_scale;
    if (hours)
        *hours = f->solved && f->od_time ? f->od_time[i] : NAN;
    if (usd)
        *usd = f->solved && f->od_usd ? f->od_usd[i] : NAN;
    return SR_OK;
}

/* ------------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------- */

static char *dump(json_t *j, unsigned flags)
{
    if (!j)
        return NULL;
    char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) | ((flags & SR_JSON_PRETTY) ? JSON_INDENT(2) : 0));
    json_decref(j);
    return s;
}

static double util(double flow, double cap) { return cap > 0 ? flow / cap : 0; }

char *sr_freight_json(const sr_freight *f, unsigned flags)
{
    if (!f->solved)
        return NULL;
    const sr_network *net = f->net;
    const sr_freight_totals *t = &f->totals;
    json_t *root = json_object(), *links = json_array(), *xs = json_array(), *terms = json_array();
    if (!root || !links || !xs || !terms) {
        json_decref(root);
        json_decref(links);
        json_decref(xs);
        json_decref(terms);
        return NULL;
    }
    json_object_set_new(root, "code", json_string("Ok"));
    json_object_set_new(root, "year", json_integer(f->year));
    json_object_set_new(root, "totals",
                        json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:I}", "teu_per_year", t->teu_per_year, "cost_usd",
                                  t->cost_usd, "teu_hours", t->teu_hours, "co2e_kg", t->co2e_kg,
                                  "generalized_cost_h", t->generalized_h, "relative_gap", t->relative_gap,
                                  "iterations", (json_int_t)t->iterations));
    for (uint32_t l = 0; l < net->n_links; l++) {
        double ab = sr_freight_link_flow(f, l, 0), ba = sr_freight_link_flow(f, l, 1);
        if (ab <= 0 && ba <= 0)
            continue;
        double c = sr_freight_link_capacity(f, l);
        const sr_link *k = &net->links[l];
        json_array_append_new(links, json_pack("{s:s, s:s, s:s, s:s, s:f, s:f, s:f, s:f}", "id", k->id, "from",
                                               net->places[k->from].id, "to", net->places[k->to].id, "mode",
                                               sr_mode_name(k->mode), "flow_teu_forward", ab, "flow_teu_backward", ba,
                                               "capacity_teu_per_year", c, "utilisation", util(fmax(ab, ba), c)));
    }
    for (uint32_t x = 0; x < net->n_crossings; x++) {
        double v = sr_freight_crossing_flow(f, x), c = sr_freight_crossing_capacity(f, x);
        if (v <= 0)
            continue;
        json_array_append_new(xs, json_pack("{s:s, s:s, s:f, s:f, s:f}", "id", net->crossings[x].id, "name",
                                            net->crossings[x].name, "flow_teu", v, "capacity_teu_per_year", c,
                                            "utilisation", sr_freight_crossing_utilisation(f, x)));
    }
    for (uint32_t x = 0; x < net->n_xfers; x++) {
        if (f->xfer_flow[x] <= 0)
            continue;
        uint32_t p = xfer_place(net, x);
        const sr__xfer *X = &net->xfers[x];
        double c = X->capacity_teu_per_day * 365.0;
        json_array_append_new(terms, json_pack("{s:s, s:s, s:s, s:f, s:f, s:f}", "place", net->places[p].id, "from",
                                               sr_network_class_name(net, (sr_class)X->from), "to",
                                               sr_network_class_name(net, (sr_class)X->to),
                                               "flow_teu", f->xfer_flow[x], "capacity_teu_per_year", c,
                                               "utilisation", util(f->xfer_flow[x], c)));
    }
    /* Corridor totals: demand grouped by destination country, with the
     * TEU-weighted means of the equilibrium generalised cost (the same on
     * every used path of a pair) and of the least-cost path's hours and
     * USD (which used paths may split differently). */
    json_t *cors = json_array(), *ods = json_array();
    char done[256][3];
    size_t nd = 0;
    for (size_t i = 0; i < f->n_dem; i++) {
        const char *cc = net->places[f->dem_d[i]].country;
        int seen = 0;
        for (size_t k = 0; k < nd && !seen; k++)
            seen = !strcmp(done[k], cc);
        if (seen || nd == 256)
            continue;
        memcpy(done[nd++], cc, 3);
        double teu = 0, h = 0, usd = 0;
        for (size_t r = i; r < f->n_dem; r++) {
            if (strcmp(net->places[f->dem_d[r]].country, cc))
                continue;
            double v = f->dem_v[r] * f->demand_scale;
            teu += v;
            h += v * f->od_time[r];
            usd += v * f->od_usd[r];
        }
        json_array_append_new(cors, json_pack("{s:s, s:f, s:f, s:f, s:f}", "destination_country", cc, "teu_per_year",
                                              teu, "generalized_cost_h_per_teu",
                                              teu > 0 ? (h + usd / f->vot) / teu : 0.0, "path_hours",
                                              teu > 0 ? h / teu : 0.0, "path_cost_usd_per_teu",
                                              teu > 0 ? usd / teu : 0.0));
    }
    for (size_t i = 0; i < f->n_dem; i++)
        json_array_append_new(ods, json_pack("{s:s, s:s, s:f, s:f, s:f}", "origin", net->places[f->dem_o[i]].id,
                                             "destination", net->places[f->dem_d[i]].id, "teu_per_year",
                                             f->dem_v[i] * f->demand_scale, "path_hours", f->od_time[i],
                                             "path_cost_usd_per_teu", f->od_usd[i]));
    json_object_set_new(root, "corridors", cors);
    json_object_set_new(root, "od", ods);
    json_object_set_new(root, "links", links);
    json_object_set_new(root, "crossings", xs);
    json_object_set_new(root, "terminals", terms);
    return dump(root, flags);
}

char *sr_freight_geojson(const sr_freight *f, unsigned flags)
{
    if (!f->solved)
        return NULL;
    const sr_network *net = f->net;
    json_t *feats = json_array();
    if (!feats)
        return NULL;
    for (uint32_t l = 0; l < net->n_links; l++) {
        double ab = sr_freight_link_flow(f, l, 0), ba = sr_freight_link_flow(f, l, 1);
        if (ab <= 0 && ba <= 0)
            continue;
        const sr_link *k = &net->links[l];
        const sr_place *a = &net->places[k->from], *b = &net->places[k->to];
        double c = sr_freight_link_capacity(f, l);
        json_array_append_new(
            feats, json_pack("{s:s, s:{s:s, s:[[f,f],[f,f]]}, s:{s:s, s:s, s:f, s:f, s:f, s:f}}", "type", "Feature",
                             "geometry", "type", "LineString", "coordinates", a->lon, a->lat, b->lon, b->lat,
                             "properties", "id", k->id, "mode", sr_mode_name(k->mode), "flow_teu_forward", ab,
                             "flow_teu_backward", ba, "capacity_teu_per_year", c, "utilisation",
                             util(fmax(ab, ba), c)));
    }
    for (uint32_t x = 0; x < net->n_crossings; x++) {
        double v = sr_freight_crossing_flow(f, x);
        if (v <= 0)
            continue;
        const sr_place *a = &net->places[net->crossings[x].place_a];
        double c = sr_freight_crossing_capacity(f, x);
        json_array_append_new(feats, json_pack("{s:s, s:{s:s, s:[f,f]}, s:{s:s, s:s, s:f, s:f, s:f}}", "type",
                                               "Feature", "geometry", "type", "Point", "coordinates", a->lon, a->lat,
                                               "properties", "crossing", net->crossings[x].id, "name",
                                               net->crossings[x].name, "flow_teu", v, "capacity_teu_per_year", c,
                                               "utilisation", sr_freight_crossing_utilisation(f, x)));
    }
    return dump(json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", feats), flags);
}

/* ------------------------------------------------------------------------
 * Criticality (Network Robustness Index)
 * ---------------------------------------------------------------------- */

static int crit_cmp(const void *x, const void *y)
{
    const sr_critical *a = x, *b = y;
    if (a->isolates != b->isolates)
        return b->isolates - a->isolates;
    if (a->delta_h != b->delta_h)
        return a->delta_h < b->delta_h ? 1 : -1;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* The label of a candidate element (link id, crossing id, terminal). */
static void crit_label(const sr_network *net, int kind, size_t i, char *buf, size_t cap)
{
    if (kind == 0)
        snprintf(buf, cap, "%s", net->links[i].id);
    else if (kind == 1)
        snprintf(buf, cap, "%s", net->crossings[i].id);
    else
        snprintf(buf, cap, "%.60s %s>%s", net->places[xfer_place(net, (uint32_t)i)].id,
                 sr_network_class_name(net, (sr_class)net->xfers[i].from),
                 sr_network_class_name(net, (sr_class)net->xfers[i].to));
}

sr_code sr_freight_critical(sr_freight *f, const sr_tap_options *o, double loss, const char *const *only,
                            size_t n_only, sr_critical **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!(loss > 0 && loss <= 1)) {
        ferr(f, "loss must be in (0, 1]");
        return SR_EARG;
    }
    /* Every requested id must name some element. */
    for (size_t q = 0; q < n_only; q++) {
        int found = 0;
        char lab[96];
        for (int kind = 0; kind < 3 && !found; kind++) {
            size_t count = kind == 0 ? f->net->n_links : kind == 1 ? f->net->n_crossings : f->net->n_xfers;
            for (size_t i = 0; i < count && !found; i++) {
                crit_label(f->net, kind, i, lab, sizeof lab);
                found = !strcmp(lab, only[q]);
            }
        }
        if (!found) {
            ferr(f, "unknown link, crossing or terminal '%.100s'", only[q]);
            return SR_EARG;
        }
    }
    sr_code rc = sr_freight_solve(f, o);
    if (rc != SR_OK && rc != SR_ENOTCONVERGED)
        return rc;
    const sr_network *net = f->net;
    sr_freight_totals base = f->totals;
    double *arc_base = malloc((net->n_arcs ? net->n_arcs : 1) * sizeof *arc_base);
    double *xf_base = malloc((net->n_xfers ? net->n_xfers : 1) * sizeof *xf_base);
    size_t cap = (size_t)net->n_links + net->n_crossings + net->n_xfers + 1;
    sr_critical *res = calloc(cap, sizeof *res);
    if (!arc_base || !xf_base || !res) {
        free(arc_base);
        free(xf_base);
        free(res);
        ferr(f, "out of memory");
        return SR_ENOMEM;
    }
    /* Base flow of every assignment link; builds of the same overlay give
     * the same link numbering. */
    double *tl_base = malloc((f->n_tl ? f->n_tl : 1) * sizeof *tl_base);
    if (!tl_base) {
        free(arc_base);
        free(xf_base);
        free(res);
        ferr(f, "out of memory");
        return SR_ENOMEM;
    }
    for (size_t k = 0; k < f->n_tl; k++)
        tl_base[k] = sr_tap_link_flow(f->tap, k);
    memcpy(arc_base, f->arc_flow, net->n_arcs * sizeof *arc_base);
    memcpy(xf_base, f->xfer_flow, net->n_xfers * sizeof *xf_base);
    size_t m = 0;
    /* Candidates: every link, crossing and terminal that carries flow. */
    for (int kind = 0; kind < 3 && rc != SR_ENOMEM; kind++) {
        size_t count = kind == 0 ? net->n_links : kind == 1 ? net->n_crossings : net->n_xfers;
        for (size_t i = 0; i < count; i++) {
            double flow = 0, c = 0;
            if (kind == 0) {
                for (uint32_t a = 0; a < net->n_arcs; a++)
                    if (net->arc_link[a] == i)
                        flow += arc_base[a];
                /* The link's own capacity; one inherited from its crossing
                 * is the crossing's candidate. */
                c = isnan(f->link_cap[i]) ? net->links[i].capacity_teu_per_day : f->link_cap[i];
            } else if (kind == 1) {
                for (uint32_t a = 0; a < net->n_arcs; a++)
                    if (net->links[net->arc_link[a]].crossing == (int32_t)i)
                        flow += arc_base[a];
                c = sr_freight_crossing_capacity(f, i);
            } else {
                flow = xf_base[i];
                c = net->xfers[i].capacity_teu_per_day * 365.0;
            }
            if (flow <= 0)
                continue;
            /* An element without a capacity is given a notional one equal
             * to its base flow (per link direction), so that every loaded
             * link, crossing and terminal can be ranked. */
            int notional = loss < 1 && c <= 0;
            char lab[96];
            crit_label(net, kind, i, lab, sizeof lab);
            int wanted = n_only == 0;
            for (size_t q = 0; q < n_only && !wanted; q++)
                wanted = !strcmp(lab, only[q]);
            if (!wanted)
                continue;
            /* Apply the edit to the built problem directly (an overlay on
             * the overlay), then restore it. */
            sr_code r2 = build(f);
            if (r2) {
                rc = r2;
                break;
            }
            for (size_t k = 0; k < f->n_tl; k++) {
                int hit = 0;
                if (kind == 0 && f->tl_kind[k] == K_ARC && net->arc_link[f->tl_idx[k]] == i)
                    hit = 1;
                if (kind == 1 && f->tl_kind[k] == K_ARC && net->links[net->arc_link[f->tl_idx[k]]].crossing == (int32_t)i)
                    hit = 1;
                if (kind == 2 && f->tl_kind[k] == K_XFER && f->tl_idx[k] == i)
                    hit = 1;
                if (!hit)
                    continue;
                if (loss >= 1) {
                    sr_tap_set_enabled(f->tap, k, 0);
                } else if (!notional) {
                    if (f->tl_cap[k] > 0)
                        sr_tap_set_capacity(f->tap, k, f->tl_cap[k] * (1 - loss));
                } else if (tl_base[k] > 0) {
                    double cap0 = f->tl_cap[k] > 0 && f->tl_cap[k] < tl_base[k] ? f->tl_cap[k] : tl_base[k];
                    if (!(f->tl_cap[k] > 0)) {
                        /* Uncongested so far: give it the BPR curve. */
                        f->tap->b[k] = f->bpr_b;
                        f->tap->power[k] = f->bpr_p;
                    }
                    sr_tap_set_capacity(f->tap, k, cap0 * (1 - loss));
                }
            }
            sr_critical *e = &res[m++];
            memcpy(e->label, lab, sizeof e->label);
            e->kind = kind;
            e->index = i;
            e->base_flow = flow;
            e->notional = notional;
            r2 = run(f, o);
            if (r2 == SR_ENOROUTE) {
                e->isolates = 1;
                e->delta_h = INFINITY;
                e->delta_usd = INFINITY;
            } else if (r2 == SR_OK || r2 == SR_ENOTCONVERGED) {
                e->delta_h = f->totals.generalized_h - base.generalized_h;
                e->delta_usd = f->totals.cost_usd - base.cost_usd;
            } else {
                rc = r2;
                break;
            }
        }
    }
    free(arc_base);
    free(xf_base);
    free(tl_base);
    if (rc != SR_OK && rc != SR_ENOTCONVERGED) {
        free(res);
        return rc;
    }
    /* Leave the base solution in place for the caller. */
    sr_code r3 = sr_freight_solve(f, o);
    if (r3 != SR_OK && r3 != SR_ENOTCONVERGED) {
        free(res);
        return r3;
    }
    qsort(res, m, sizeof *res, crit_cmp);
    *out = res;
    *n = m;
    f->errmsg[0] = 0;
    return rc;
}
