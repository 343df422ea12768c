/*
 * util_randnet.c - random dataset generator, brute-force reference router
 * and route checker for the router tests (see util_randnet.h for why the
 * model is kept apart from the library's internal arrays).
 */
#include "util_randnet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- PRNG ---------------------------------------------------------------- */

uint64_t rn_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int rn_int(uint64_t *s, int lo, int hi)
{
    return lo + (int)(rn_next(s) % (uint64_t)(hi - lo + 1));
}

double rn_unit(uint64_t *s)
{
    return (double)(rn_next(s) >> 11) / 9007199254740992.0;
}

/* ---- generator ----------------------------------------------------------- */

const char *const rn_class_names[RN_NCLS] = {"rail1435", "rail1520", "road", "sea", "air", "rail1668"};

int rn_class_of(const sr_network *net, sr_class c)
{
    const char *n = sr_network_class_name(net, c);
    for (int i = 0; i < RN_NCLS; i++)
        if (!strcmp(n, rn_class_names[i]))
            return i;
    return -1;
}

int rn_class_is_rail(int c) { return c == RN_RAIL1435 || c == RN_RAIL1520 || c == RN_RAIL1668; }

static int link_class(sr_mode mode, int gauge)
{
    if (mode == SR_RAIL)
        return gauge == 1435 ? RN_RAIL1435 : gauge == 1520 ? RN_RAIL1520 : RN_RAIL1668;
    return mode == SR_ROAD ? RN_ROAD : mode == SR_SEA ? RN_SEA : RN_AIR;
}

static void add_link(rn_net *m, uint64_t *r, int a, int b)
{
    rn_link *k = &m->links[m->nl];
    int li = m->nl++;
    memset(k, 0, sizeof *k);
    k->from = a;
    k->to = b;
    int pick = rn_int(r, 0, 99);
    k->mode = pick < 42 ? SR_RAIL : pick < 72 ? SR_ROAD : pick < 86 ? SR_SEA : SR_AIR;
    /* Three gauges, so that every test on random networks also covers a
     * gauge beyond the two fixed classes. */
    static const int gauges[3] = {1435, 1520, 1668};
    k->gauge = k->mode == SR_RAIL ? gauges[rn_int(r, 0, 2)] : 0;
    k->cls = link_class(k->mode, k->gauge);
    /* Coordinates are within ~3 km of each other, so any distance >= 5 km
     * passes the loader's great-circle check. */
    /* Coarse datasets use few distinct small values (zeros included), so
     * that many routes tie: ties are where dominance rules go wrong. */
    int co = m->coarse;
    k->dist = co ? 5 + 5 * rn_int(r, 0, 3) : 5 + 0.5 * rn_int(r, 0, 800);
    m->wrote_dur[li] = co ? 1 : rn_int(r, 0, 1);
    k->dur = m->wrote_dur[li] ? (co ? rn_int(r, 1, 3) : 0.25 * rn_int(r, 1, 80)) : k->dist / m->speed[k->mode];
    m->wrote_cost[li] = co ? 7 : (uint8_t)rn_int(r, 0, 7); /* bit u: cost for unit u written */
    for (int u = 0; u < SR_UNIT_COUNT; u++)
        k->cost[u] = (m->wrote_cost[li] >> u & 1) ? (co ? 10 * rn_int(r, 0, 2) : 0.25 * rn_int(r, 0, 2000))
                                                  : k->dist * m->perkm[k->mode][u];
    m->wrote_co2[li] = co ? 1 : rn_int(r, 0, 9) < 3;
    k->co2f = m->wrote_co2[li] ? (co ? 0.01 * rn_int(r, 0, 2) : 0.001 * rn_int(r, 1, 100)) : m->co2f[k->mode];
    int st = rn_int(r, 0, 99);
    if (st < 78) {
        k->status = SR_OPEN;
        k->open_year = rn_int(r, 0, 9) == 0 ? 2028 : 0;
    } else if (st < 92) {
        k->status = SR_PLANNED;
        k->open_year = rn_int(r, 0, 1) ? 2028 : 2033;
    } else {
        k->status = SR_CLOSED;
        k->open_year = 0;
    }
    k->directed = rn_int(r, 0, 99) < 15;
    k->crossing = -1;
    if (strcmp(m->country[a], m->country[b]) && (k->mode == SR_RAIL || k->mode == SR_ROAD)) {
        /* Sometimes share a crossing between links (several lines through
         * one border post), usually one per link. */
        int reuse = -1;
        if (m->nx > 0 && rn_int(r, 0, 9) < 3) {
            int x = rn_int(r, 0, m->nx - 1);
            const char *xa = m->country[m->crossings[x].a], *xb = m->country[m->crossings[x].b];
            /* Only a crossing of the same mode between the same two
             * countries may be shared (the loader checks this). */
            if (m->crossings[x].mode == k->mode &&
                ((!strcmp(xa, m->country[a]) && !strcmp(xb, m->country[b])) ||
                 (!strcmp(xa, m->country[b]) && !strcmp(xb, m->country[a]))))
                reuse = x;
        }
        if (reuse < 0 && m->nx < RN_MAXX) {
            rn_crossing *x = &m->crossings[m->nx];
            snprintf(x->id, sizeof x->id, "X-%d", m->nx);
            x->a = a;
            x->b = b;
            x->mode = k->mode;
            x->dwell = co ? 2 * rn_int(r, 0, 1) : 0.5 * rn_int(r, 0, 40);
            for (int u = 0; u < SR_UNIT_COUNT; u++)
                x->fee[u] = co ? 10 * rn_int(r, 0, 1) : rn_int(r, 0, 3) ? 0.25 * rn_int(r, 0, 400) : 0;
            reuse = m->nx++;
        }
        /* RN_MAXX >= RN_MAXL, so a slot is always free. */
        if (reuse < 0)
            abort();
        k->crossing = reuse;
    }
}

static int have_xfer(const rn_net *m, int p, int c1, int c2)
{
    for (int i = 0; i < m->nt; i++)
        if (m->xfers[i].place == p &&
            ((m->xfers[i].c1 == c1 && m->xfers[i].c2 == c2) || (m->xfers[i].c1 == c2 && m->xfers[i].c2 == c1)))
            return 1;
    return 0;
}

static void add_xfer(rn_net *m, uint64_t *r, int p, int c1, int c2)
{
    if (c1 == c2 || m->nt >= RN_MAXT || have_xfer(m, p, c1, c2))
        return;
    rn_xfer *t = &m->xfers[m->nt++];
    t->place = p;
    t->c1 = c1;
    t->c2 = c2;
    t->dur = m->coarse ? rn_int(r, 0, 2) : 0.25 * rn_int(r, 0, 40);
    for (int u = 0; u < SR_UNIT_COUNT; u++)
        t->cost[u] = m->coarse ? 10 * rn_int(r, 0, 2) : 0.25 * rn_int(r, 0, 800);
}

void rn_generate(rn_net *m, uint64_t *r)
{
    static const char *const cc[] = {"AA", "BB", "CC"};
    memset(m, 0, sizeof *m);
    m->np = rn_int(r, 5, 9);
    m->ncc = rn_int(r, 2, 3);
    m->coarse = rn_int(r, 0, 3) == 0;
    for (int i = 0; i < m->np; i++) {
        const char *c = i < m->ncc ? cc[i] : cc[rn_int(r, 0, m->ncc - 1)];
        memcpy(m->country[i], c, 3);
        snprintf(m->id[i], sizeof m->id[i], "%sP%02d", c, i);
        m->lat[i] = 40 + 0.001 * rn_int(r, 0, 20);
        m->lon[i] = 70 + 0.001 * rn_int(r, 0, 20);
    }
    static const double speed[] = {40, 60, 20, 600}, co2[] = {0.02, 0.08, 0.015, 0.8};
    for (int md = 0; md < SR_MODE_COUNT; md++) {
        m->speed[md] = speed[md] + rn_int(r, 0, 20);
        m->co2f[md] = co2[md];
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            m->perkm[md][u] = 0.25 * rn_int(r, 0, 12) * (md == SR_AIR ? 4 : 1);
        if (md == SR_AIR && rn_int(r, 0, 4)) {
            m->units[md] = 1u << SR_UNIT_T;
        } else {
            for (int u = 0; u < SR_UNIT_COUNT; u++)
                if (rn_int(r, 0, 99) < 85)
                    m->units[md] |= 1u << u;
            if (!m->units[md])
                m->units[md] = 1u << SR_UNIT_40FT;
        }
    }
    m->tonnes[SR_UNIT_20FT] = rn_int(r, 8, 14);
    m->tonnes[SR_UNIT_40FT] = rn_int(r, 15, 26);
    m->tonnes[SR_UNIT_T] = 1;
    /* A random tree first so most pairs have some route, then extra links
     * (parallel ones included). */
    for (int i = 1; i < m->np; i++)
        add_link(m, r, rn_int(r, 0, i - 1), i);
    int extra = rn_int(r, m->np, 2 * m->np + 6);
    for (int i = 0; i < extra && m->nl < RN_MAXL; i++) {
        int a = rn_int(r, 0, m->np - 1), b = rn_int(r, 0, m->np - 2);
        if (b >= a)
            b++;
        add_link(m, r, a, b);
    }
    /* Transfers mostly between classes that meet at a place. */
    for (int p = 0; p < m->np; p++) {
        unsigned cls = 0;
        for (int i = 0; i < m->nl; i++)
            if (m->links[i].from == p || m->links[i].to == p)
                cls |= 1u << m->links[i].cls;
        for (int c1 = 0; c1 < RN_NCLS; c1++)
            for (int c2 = c1 + 1; c2 < RN_NCLS; c2++)
                if ((cls >> c1 & 1) && (cls >> c2 & 1) && rn_int(r, 0, 9) < 8)
                    add_xfer(m, r, p, c1, c2);
        /* Transfers to classes no link uses at a place are legal but idle;
         * the loader refuses a gauge no link of the dataset has, so only
         * classes some link uses are drawn. */
        if (rn_int(r, 0, 9) == 0) {
            int c1 = m->links[rn_int(r, 0, m->nl - 1)].cls, c2 = m->links[rn_int(r, 0, m->nl - 1)].cls;
            add_xfer(m, r, p, c1, c2);
        }
    }
}

char *rn_tempdir(void)
{
    char tmpl[] = "/tmp/srtest-XXXXXX";
    if (!mkdtemp(tmpl))
        return NULL;
    return strdup(tmpl);
}

static const char *const rn_files[] = {"sources.csv",   "params.csv", "modes.csv", "places.csv",
                                       "crossings.csv", "links.csv",  "transfers.csv"};

static FILE *open_in(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return fopen(path, "w");
}

int rn_write(const rn_net *m, const char *dir)
{
    static const char *const unit_names[] = {"20ft", "40ft", "t"};
    FILE *f;
    if (!(f = open_in(dir, "sources.csv")))
        return -1;
    fprintf(f, "id,kind,title,publisher,url,date,note\nA-t,assumption,,,,,random test data\n");
    fclose(f);
    if (!(f = open_in(dir, "params.csv")))
        return -1;
    fprintf(f, "key,value,unit,source\ntonnes_per_20ft,%.17g,t,A-t\ntonnes_per_40ft,%.17g,t,A-t\n",
            m->tonnes[SR_UNIT_20FT], m->tonnes[SR_UNIT_40FT]);
    fclose(f);
    if (!(f = open_in(dir, "modes.csv")))
        return -1;
    fprintf(f, "mode,speed_kmh,cost_usd_per_km_20ft,cost_usd_per_km_40ft,cost_usd_per_tkm,co2e_kg_per_tkm,units,source\n");
    for (int md = 0; md < SR_MODE_COUNT; md++) {
        char units[32] = "";
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            if (m->units[md] >> u & 1) {
                if (*units)
                    strcat(units, ";");
                strcat(units, unit_names[u]);
            }
        fprintf(f, "%s,%.17g,%.17g,%.17g,%.17g,%.17g,%s,A-t\n", sr_mode_name((sr_mode)md), m->speed[md],
                m->perkm[md][0], m->perkm[md][1], m->perkm[md][2], m->co2f[md], units);
    }
    fclose(f);
    if (!(f = open_in(dir, "places.csv")))
        return -1;
    fprintf(f, "id,name_en,country,kind,lat,lon,tz,source\n");
    for (int i = 0; i < m->np; i++)
        fprintf(f, "%s,Town %s,%s,city,%.17g,%.17g,Asia/Almaty,A-t\n", m->id[i], m->id[i], m->country[i], m->lat[i],
                m->lon[i]);
    fclose(f);
    if (!(f = open_in(dir, "crossings.csv")))
        return -1;
    fprintf(f, "id,name,mode,place_a,place_b,dwell_h,fee_usd_20ft,fee_usd_40ft,fee_usd_t,source\n");
    for (int i = 0; i < m->nx; i++) {
        const rn_crossing *x = &m->crossings[i];
        fprintf(f, "%s,Crossing %d,%s,%s,%s,%.17g", x->id, i, sr_mode_name(x->mode), m->id[x->a], m->id[x->b],
                x->dwell);
        for (int u = 0; u < SR_UNIT_COUNT; u++) {
            if (x->fee[u] == 0 && (i + u) % 2) /* empty fee: defaults to 0 */
                fprintf(f, ",");
            else
                fprintf(f, ",%.17g", x->fee[u]);
        }
        fprintf(f, ",A-t\n");
    }
    fclose(f);
    if (!(f = open_in(dir, "links.csv")))
        return -1;
    fprintf(f, "id,from,to,mode,gauge_mm,distance_km,duration_h,cost_usd_20ft,cost_usd_40ft,cost_usd_t,"
               "co2e_kg_per_tkm,status,open_year,crossing,directed,source\n");
    for (int i = 0; i < m->nl; i++) {
        const rn_link *k = &m->links[i];
        fprintf(f, "L%d,%s,%s,%s,", i, m->id[k->from], m->id[k->to], sr_mode_name(k->mode));
        if (k->gauge)
            fprintf(f, "%d", k->gauge);
        fprintf(f, ",%.17g,", k->dist);
        if (m->wrote_dur[i])
            fprintf(f, "%.17g", k->dur);
        for (int u = 0; u < SR_UNIT_COUNT; u++) {
            fprintf(f, ",");
            if (m->wrote_cost[i] >> u & 1)
                fprintf(f, "%.17g", k->cost[u]);
        }
        fprintf(f, ",");
        if (m->wrote_co2[i])
            fprintf(f, "%.17g", k->co2f);
        fprintf(f, ",%s,", sr_status_name(k->status));
        if (k->open_year)
            fprintf(f, "%d", k->open_year);
        fprintf(f, ",%s,%s,A-t\n", k->crossing >= 0 ? m->crossings[k->crossing].id : "", k->directed ? "1" : "");
    }
    fclose(f);
    if (!(f = open_in(dir, "transfers.csv")))
        return -1;
    fprintf(f, "place,kind,from,to,duration_h,cost_usd_20ft,cost_usd_40ft,cost_usd_t,source\n");
    for (int i = 0; i < m->nt; i++) {
        const rn_xfer *t = &m->xfers[i];
        int gauge = rn_class_is_rail(t->c1) && rn_class_is_rail(t->c2);
        fprintf(f, "%s,%s,%s,%s,%.17g,%.17g,%.17g,%.17g,A-t\n", m->id[t->place], gauge ? "gauge_change" : "mode_change",
                rn_class_names[t->c1], rn_class_names[t->c2], t->dur, t->cost[0], t->cost[1], t->cost[2]);
    }
    fclose(f);
    return 0;
}

void rn_rmdir(char *dir)
{
    if (!dir)
        return;
    char path[512];
    for (size_t i = 0; i < sizeof rn_files / sizeof *rn_files; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, rn_files[i]);
        unlink(path);
    }
    rmdir(dir);
    free(dir);
}

sr_network *rn_open_random(rn_net *m, uint64_t *rng)
{
    rn_generate(m, rng);
    char *dir = rn_tempdir();
    if (!dir)
        return NULL;
    sr_network *net = NULL;
    if (rn_write(m, dir) != 0) {
        rn_rmdir(dir);
        return NULL;
    }
    sr_code rc = sr_network_open(dir, &net);
    if (rc != SR_OK) {
        fprintf(stderr, "random dataset failed to load: %s\n", net ? sr_network_errmsg(net) : "out of memory");
        sr_network_close(net);
        net = NULL;
    }
    rn_rmdir(dir);
    return net;
}

/* ---- queries ------------------------------------------------------------- */

static int in_list(const int *v, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

void rn_random_query(const rn_net *m, uint64_t *r, rn_query *q)
{
    static const int years[] = {0, 0, 0, 2025, 2030, 2035};
    static const double qtys[] = {1, 1, 2, 0.5, 3};
    memset(q, 0, sizeof *q);
    q->from = rn_int(r, 0, m->np - 1);
    q->to = rn_int(r, 0, m->np - 2);
    if (q->to >= q->from)
        q->to++;
    q->obj = (sr_objective)rn_int(r, 0, 3);
    q->wt = rn_int(r, 0, 4);
    q->wc = 0.001 * rn_int(r, 0, 20);
    q->we = 0.001 * rn_int(r, 0, 20);
    if (q->wt + q->wc + q->we == 0)
        q->wt = 1;
    q->modes = rn_int(r, 0, 9) < 6 ? SR_MODES_ALL : (unsigned)rn_int(r, 1, 15);
    q->year = years[rn_int(r, 0, 5)];
    q->unit = (sr_unit)rn_int(r, 0, 2);
    q->qty = qtys[rn_int(r, 0, 4)];
    q->max_tr = rn_int(r, 0, 1) ? -1 : rn_int(r, 0, 3);
    if (rn_int(r, 0, 3) == 0) {
        int n = rn_int(r, 1, 2);
        for (int i = 0; i < n; i++) {
            int p = rn_int(r, 0, m->np - 1);
            if (p != q->from && p != q->to && !in_list(q->avoid_place, q->n_avoid_place, p))
                q->avoid_place[q->n_avoid_place++] = p;
        }
    }
    if (m->nx > 0 && rn_int(r, 0, 4) == 0)
        q->avoid_x[q->n_avoid_x++] = rn_int(r, 0, m->nx - 1);
    if (rn_int(r, 0, 6) == 0) {
        static const char *const cc[] = {"AA", "BB", "CC"};
        const char *c = cc[rn_int(r, 0, m->ncc - 1)];
        if (strcmp(c, m->country[q->from]) && strcmp(c, m->country[q->to]))
            memcpy(q->avoid_cc[q->n_avoid_cc++], c, 3);
    }
}

void rn_options(const rn_net *m, const rn_query *q, sr_route_options *o)
{
    sr_route_options_init(o);
    o->from = m->id[q->from];
    o->to = m->id[q->to];
    o->objective = q->obj;
    o->weight_time_h = q->wt;
    o->weight_cost_usd = q->wc;
    o->weight_co2e_kg = q->we;
    o->pareto = q->pareto;
    o->modes = q->modes;
    o->year = q->year;
    o->unit = q->unit;
    o->quantity = q->qty;
    o->max_transfers = q->max_tr;
    for (int i = 0; i < q->n_avoid_place; i++)
        o->avoid[o->n_avoid++] = m->id[q->avoid_place[i]];
    for (int i = 0; i < q->n_avoid_x; i++)
        o->avoid[o->n_avoid++] = m->crossings[q->avoid_x[i]].id;
    for (int i = 0; i < q->n_avoid_cc; i++)
        o->avoid_countries[o->n_avoid_countries++] = q->avoid_cc[i];
}

/* ---- filters and arc figures -------------------------------------------- */

static int place_avoided(const rn_net *m, const rn_query *q, int p)
{
    if (in_list(q->avoid_place, q->n_avoid_place, p))
        return 1;
    for (int i = 0; i < q->n_avoid_cc; i++)
        if (!strcmp(m->country[p], q->avoid_cc[i]))
            return 1;
    return 0;
}

int rn_arc_ok(const rn_net *m, const rn_query *q, int link, int head)
{
    const rn_link *k = &m->links[link];
    if (!(q->modes & SR_MODE_BIT(k->mode)) || !(m->units[k->mode] >> q->unit & 1))
        return 0;
    if (k->status == SR_CLOSED)
        return 0;
    if (k->status == SR_PLANNED && !(q->year > 0 && k->open_year <= q->year))
        return 0;
    if (k->status == SR_OPEN && !(q->year == 0 || k->open_year == 0 || k->open_year <= q->year))
        return 0;
    if (place_avoided(m, q, head))
        return 0;
    if (k->crossing >= 0 && in_list(q->avoid_x, q->n_avoid_x, k->crossing))
        return 0;
    return 1;
}

static rn_vec arc_vec(const rn_net *m, const rn_query *q, int link)
{
    const rn_link *k = &m->links[link];
    const rn_crossing *x = k->crossing >= 0 ? &m->crossings[k->crossing] : NULL;
    rn_vec v;
    v.t = k->dur + (x ? x->dwell : 0);
    v.c = q->qty * (k->cost[q->unit] + (x ? x->fee[q->unit] : 0));
    v.e = q->qty * (m->tonnes[q->unit] * k->dist * k->co2f);
    return v;
}

double rn_objective(const rn_query *q, sr_objective obj, rn_vec v)
{
    switch (obj) {
    case SR_BY_TIME: return v.t;
    case SR_BY_COST: return v.c;
    case SR_BY_CO2: return v.e;
    default: return q->wt * v.t + q->wc * v.c + q->we * v.e;
    }
}

int rn_close(double a, double b, double rel)
{
    return fabs(a - b) <= rel * (1 + fmax(fabs(a), fabs(b)));
}

int rn_vec_close(rn_vec a, rn_vec b, double rel)
{
    return rn_close(a.t, b.t, rel) && rn_close(a.c, b.c, rel) && rn_close(a.e, b.e, rel);
}

static int leq(double a, double b, double rel) { return a <= b + rel * (fabs(b) + 1); }

int rn_dominates(rn_vec a, rn_vec b, double rel)
{
    return leq(a.t, b.t, rel) && leq(a.c, b.c, rel) && leq(a.e, b.e, rel);
}

/* ---- brute force --------------------------------------------------------- */

typedef struct bctx {
    const rn_net *m;
    const rn_query *q;
    rn_brute *b;
    long budget;
    uint8_t vis[RN_MAXP][RN_NCLS];
} bctx;

static void record(bctx *x, rn_vec v)
{
    rn_brute *b = x->b;
    for (int o = 0; o < 4; o++) {
        double val = rn_objective(x->q, (sr_objective)o, v);
        if (!b->found || val < b->best_val[o]) {
            b->best_val[o] = val;
            b->best[o] = v;
        }
    }
    b->found = 1;
    for (size_t i = 0; i < b->n_front; i++)
        if (rn_dominates(b->front[i], v, 1e-9))
            return;
    size_t k = 0;
    for (size_t i = 0; i < b->n_front; i++)
        if (!rn_dominates(v, b->front[i], 1e-9))
            b->front[k++] = b->front[i];
    b->n_front = k;
    if (b->n_front == b->cap_front) {
        size_t cap = b->cap_front ? 2 * b->cap_front : 16;
        rn_vec *nf = realloc(b->front, cap * sizeof *nf);
        if (!nf) {
            b->overflow = 1;
            return;
        }
        b->front = nf;
        b->cap_front = cap;
    }
    b->front[b->n_front++] = v;
}

static void dfs(bctx *x, int p, int c, rn_vec v, int ntr)
{
    const rn_net *m = x->m;
    const rn_query *q = x->q;
    if (x->b->overflow || ++x->b->nodes > x->budget) {
        x->b->overflow = 1;
        return;
    }
    if (p == q->to) {
        record(x, v);
        return;
    }
    for (int i = 0; i < m->nl; i++) {
        const rn_link *k = &m->links[i];
        if (k->cls != c)
            continue;
        int head;
        if (k->from == p)
            head = k->to;
        else if (k->to == p && !k->directed)
            head = k->from;
        else
            continue;
        /* Never back through the origin: the suffix from there is always at
         * least as good and is enumerated on its own. */
        if (head == q->from || x->vis[head][c] || !rn_arc_ok(m, q, i, head))
            continue;
        rn_vec a = arc_vec(m, q, i);
        x->vis[head][c] = 1;
        dfs(x, head, c, (rn_vec){v.t + a.t, v.c + a.c, v.e + a.e}, ntr);
        x->vis[head][c] = 0;
    }
    if (p == q->from || (q->max_tr >= 0 && ntr >= q->max_tr))
        return;
    for (int i = 0; i < m->nt; i++) {
        const rn_xfer *t = &m->xfers[i];
        if (t->place != p || (t->c1 != c && t->c2 != c))
            continue;
        int oc = t->c1 == c ? t->c2 : t->c1;
        if (x->vis[p][oc])
            continue;
        x->vis[p][oc] = 1;
        dfs(x, p, oc, (rn_vec){v.t + t->dur, v.c + q->qty * t->cost[q->unit], v.e}, ntr + 1);
        x->vis[p][oc] = 0;
    }
}

void rn_brute_run(const rn_net *m, const rn_query *q, long node_budget, rn_brute *b)
{
    memset(b, 0, sizeof *b);
    bctx x;
    memset(&x, 0, sizeof x);
    x.m = m;
    x.q = q;
    x.b = b;
    x.budget = node_budget;
    for (int c = 0; c < RN_NCLS; c++)
        x.vis[q->from][c] = 1;
    for (int c = 0; c < RN_NCLS; c++)
        dfs(&x, q->from, c, (rn_vec){0, 0, 0}, 0);
}

void rn_brute_free(rn_brute *b)
{
    free(b->front);
    memset(b, 0, sizeof *b);
}

/* ---- route checker ------------------------------------------------------- */

#define FAIL(...)                                                                                                 \
    do {                                                                                                          \
        snprintf(why, cap, __VA_ARGS__);                                                                          \
        return -1;                                                                                                \
    } while (0)

int rn_check_route(const rn_net *m, const rn_query *q, const sr_network *net, const sr_route *r, rn_vec *v,
                   char *why, size_t cap)
{
    const double rel = 1e-9;
    rn_vec sum = {0, 0, 0};
    double dist = 0;
    if (!r || r->n_legs == 0)
        FAIL("route without legs");
    if ((int)r->legs[0].from != q->from)
        FAIL("first leg starts at %u, not the origin %d", r->legs[0].from, q->from);
    if ((int)r->legs[r->n_legs - 1].to != q->to)
        FAIL("last leg ends at %u, not the destination %d", r->legs[r->n_legs - 1].to, q->to);
    size_t ti = 0, n_border = 0;
    int cur = -1;
    for (size_t i = 0; i < r->n_legs; i++) {
        const sr_leg *L = &r->legs[i];
        if (i > 0 && L->from != r->legs[i - 1].to)
            FAIL("leg %zu starts at %u but leg %zu ends at %u", i, L->from, i - 1, r->legs[i - 1].to);
        if ((int)L->link < 0 || (int)L->link >= m->nl)
            FAIL("leg %zu: link %u out of range", i, L->link);
        const rn_link *k = &m->links[L->link];
        int fwd = (int)L->from == k->from && (int)L->to == k->to;
        int bwd = (int)L->from == k->to && (int)L->to == k->from;
        if (!fwd && !(bwd && !k->directed))
            FAIL("leg %zu: %u->%u does not run along link L%u (%d->%d, directed %d)", i, L->from, L->to, L->link,
                 k->from, k->to, k->directed);
        if (!rn_arc_ok(m, q, (int)L->link, (int)L->to))
            FAIL("leg %zu: link L%u violates the query filters", i, L->link);
        if (L->mode != k->mode || L->gauge_mm != (k->mode == SR_RAIL ? k->gauge : 0))
            FAIL("leg %zu: mode/gauge %d/%u, link has %d/%d", i, L->mode, L->gauge_mm, k->mode, k->gauge);
        if (cur >= 0 && cur != k->cls)
            FAIL("leg %zu: class %d but cargo is on class %d", i, k->cls, cur);
        cur = k->cls;
        double lc = q->qty * k->cost[q->unit], le = q->qty * (m->tonnes[q->unit] * k->dist * k->co2f);
        if (!rn_close(L->distance_km, k->dist, rel) || !rn_close(L->duration_h, k->dur, rel) ||
            !rn_close(L->cost_usd, lc, rel) || !rn_close(L->co2e_kg, le, rel))
            FAIL("leg %zu: figures %g km %g h %g USD %g kg, expected %g %g %g %g", i, L->distance_km, L->duration_h,
                 L->cost_usd, L->co2e_kg, k->dist, k->dur, lc, le);
        sum.t += k->dur;
        sum.c += lc;
        sum.e += le;
        dist += k->dist;
        /* Border crossing record for legs that change country. */
        int crosses = strcmp(m->country[L->from], m->country[L->to]) != 0;
        size_t nb = 0;
        for (size_t j = 0; j < r->n_crossings; j++) {
            const sr_border_crossing *bc = &r->crossings[j];
            if (bc->leg != i)
                continue;
            nb++;
            if (bc->crossing != k->crossing)
                FAIL("leg %zu: border record names crossing %d, link names %d", i, bc->crossing, k->crossing);
            if ((int)bc->at != (int)L->to || strcmp(bc->from_country, m->country[L->from]) ||
                strcmp(bc->to_country, m->country[L->to]))
                FAIL("leg %zu: border record at %u %s->%s is wrong", i, bc->at, bc->from_country, bc->to_country);
            double dw = k->crossing >= 0 ? m->crossings[k->crossing].dwell : 0;
            double fee = k->crossing >= 0 ? q->qty * m->crossings[k->crossing].fee[q->unit] : 0;
            if (!rn_close(bc->dwell_h, dw, rel) || !rn_close(bc->fee_usd, fee, rel))
                FAIL("leg %zu: border dwell/fee %g/%g, expected %g/%g", i, bc->dwell_h, bc->fee_usd, dw, fee);
        }
        if (nb != (size_t)crosses)
            FAIL("leg %zu: %zu border records, expected %d", i, nb, crosses);
        n_border += nb;
        /* A link naming a crossing always adds its dwell and fee, even in
         * the (invalid for the loader) same-country case. */
        if (k->crossing >= 0) {
            sum.t += m->crossings[k->crossing].dwell;
            sum.c += q->qty * m->crossings[k->crossing].fee[q->unit];
        }
        /* Transfers after this leg. */
        for (; ti < r->n_transfers && r->transfers[ti].after_leg == i; ti++) {
            const sr_transfer *t = &r->transfers[ti];
            if (i + 1 == r->n_legs)
                FAIL("transfer %zu after the last leg", ti);
            if ((int)t->at != (int)L->to)
                FAIL("transfer %zu at %u, but leg %zu ends at %u", ti, t->at, i, L->to);
            /* The library's class numbers, in the model's terms. */
            int tf = rn_class_of(net, t->from_class), tt = rn_class_of(net, t->to_class);
            if (tf != cur)
                FAIL("transfer %zu from class %s, cargo is on %s", ti, sr_network_class_name(net, t->from_class),
                     cur >= 0 ? rn_class_names[cur] : "?");
            int found = -1;
            for (int x = 0; x < m->nt; x++) {
                const rn_xfer *mx = &m->xfers[x];
                if (mx->place == (int)t->at && ((mx->c1 == tf && mx->c2 == tt) || (mx->c2 == tf && mx->c1 == tt)))
                    found = x;
            }
            if (found < 0)
                FAIL("transfer %zu: no transfer %d->%d at place %u", ti, tf, tt, t->at);
            int both_rail = rn_class_is_rail(tf) && rn_class_is_rail(tt);
            if ((t->kind == SR_GAUGE_CHANGE) != both_rail)
                FAIL("transfer %zu: kind %d for classes %d->%d", ti, t->kind, tf, tt);
            double tc = q->qty * m->xfers[found].cost[q->unit];
            if (!rn_close(t->duration_h, m->xfers[found].dur, rel) || !rn_close(t->cost_usd, tc, rel))
                FAIL("transfer %zu: %g h %g USD, expected %g %g", ti, t->duration_h, t->cost_usd,
                     m->xfers[found].dur, tc);
            sum.t += m->xfers[found].dur;
            sum.c += tc;
            cur = tt;
        }
    }
    if (ti != r->n_transfers)
        FAIL("transfers out of order or after a missing leg (%zu of %zu checked)", ti, r->n_transfers);
    if (n_border != r->n_crossings)
        FAIL("%zu border records, %zu belong to legs", r->n_crossings, n_border);
    if (q->max_tr >= 0 && (int)r->n_transfers > q->max_tr)
        FAIL("%zu transfers, limit %d", r->n_transfers, q->max_tr);
    if (!rn_close(r->duration_h, sum.t, rel) || !rn_close(r->cost_usd, sum.c, rel) ||
        !rn_close(r->co2e_kg, sum.e, rel) || !rn_close(r->distance_km, dist, rel))
        FAIL("totals %g h %g USD %g kg %g km, expected %g %g %g %g", r->duration_h, r->cost_usd, r->co2e_kg,
             r->distance_km, sum.t, sum.c, sum.e, dist);
    if (v)
        *v = sum;
    return 0;
}
