/*
 * fit.c - calibration of the time model against published observations
 * (sr_calibrate(), docs/CALIBRATION.md).
 *
 * Free parameters (theta): a running-time factor per carrier class (prior
 * 1), the P50 dwell per crossing and direction (prior: crossing_times.csv,
 * else crossings.csv), and the P50 time of each transfer row (prior:
 * transfers.csv).  Given the routes, every prediction is linear in theta:
 * a route's time is sum over legs of base running time x class factor,
 * plus its crossings' dwells, plus its transfers' times; a border survey
 * predicts one dwell (and the gauge change when the survey includes it); a
 * terminal observation predicts one transfer time.
 *
 * The fit minimises, over theta,
 *     sum_i  w_i rho(r_i),        r_i = ln(pred_i / obs_i) / s_i
 *   + sum_j  ((ln theta_j - ln prior_j) / tau_j)^2
 * with rho Cauchy's loss (c = 2.385) for the first iterations and then
 * Tukey's biweight (c = 4.685), which gives a gross outlier no weight where
 * Huber's would still let it pull, solved by iteratively reweighted least
 * squares (Gauss-Newton on the logs): relative errors, so a 20-day route
 * and a 5-hour border count alike and too fast weighs as too slow; s_i the observation's uncertainty (wider for record and pilot
 * runs, which are not typical); the second sum keeps parameters that few
 * observations touch near their priors (Tikhonov regularisation).
 *
 * The chosen routes depend on theta, so the fit alternates: route every
 * observation with the current theta, fit, and repeat until the routes and
 * theta stop changing (the fixed point; reported as converged).  k-fold
 * cross-validation repeats all of it without each fold and predicts the
 * fold.  Everything runs on a private copy of the network opened without
 * its calibration overlay, in a fixed order, so results are deterministic.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "calib.h"
#include "obs.h"
#include "route/route.h"

#define CAUCHY_C 2.385      /* 95 % efficiency at the normal */
#define TUKEY_C 4.685       /* the same for Tukey's biweight */
#define CAUCHY_ROUNDS 10
#define CONV_TOL 1e-3      /* largest parameter step (relative to its scale) at the fixed point */
/* Ties between routes.  Where two routes of an observation are (nearly)
 * equally fast, the steps of 1/k settle theta at the tie, but the router
 * then alternates between the two for ever and "the same routes twice"
 * would never hold (Lanzhou -> Tashkent by road over Irkeshtam or
 * Torugart).  A change of route
 * counts as a change only when the new route is faster than the old one,
 * both priced with the same theta, by more than TIE_TOL; within it the
 * observation keeps its old route (its row), which changes the prediction
 * by less than the tolerance, and the fit sees the same rows each round. */
#define TIE_TOL 0.01
#define IRLS_MAX 50
#define SIGMA_TYPICAL 0.15   /* relative uncertainty of an average or survey figure */
#define SIGMA_SPECIAL 0.60   /* record and pilot runs: a single train, not the typical time */
#define SIGMA_PRICE 0.15     /* relative uncertainty of a published market rate */
#define TAU_TARIFF 0.5       /* prior spread of a tariff factor (in logs) */

/* P_DWELL_YEAR: the dwell of one crossing and direction in one year, where
 * surveys of several single years exist; regularised toward its P_DWELL
 * parent (a hierarchical model), so a year without data falls back to it. */
/* P_SIDE: one country's side (exit or entry) of a crossing and direction,
 * where a survey times that side alone; the crossing's dwell is then the
 * sum of its two sides, so a one-sided survey is compared with its side
 * and the route observations move the total. */
enum { P_CLASS = 0, P_DWELL = 1, P_XFER = 2, P_DWELL_YEAR = 3, P_SIDE = 4 };
#define TAU_YEAR 0.5

typedef struct param {
    int type;
    int cls;                /* P_CLASS */
    long x;                 /* P_DWELL: crossing */
    int dir;
    int year;               /* P_DWELL_YEAR */
    int side;               /* P_SIDE, P_DWELL_YEAR: SR__SIDE_EXIT or SR__SIDE_ENTRY, else 0 */
    size_t split;           /* P_DWELL: index of its exit side (entry = split + 1) when split, else 0 */
    size_t parent;          /* P_DWELL_YEAR: index of the P_DWELL or P_SIDE; P_SIDE: its P_DWELL */
    uint32_t place;         /* P_XFER */
    int f, t;               /* classes, f < t */
    double prior, value, tau, scale;
    double ratio;           /* P90 / P50 kept from the prior */
    double prior_alt;       /* P_DWELL: crossings.csv's dwell, the prior without the survey */
    double prior_survey;    /* P_DWELL: the prior from crossing_times.csv (restored after a fold) */
    int prior_year;         /* P_DWELL: the single survey year the prior comes from, else 0 */
    double p90_survey;      /* P_DWELL: a surveyed P90 (hours) to keep, else 0 */
    int used;
    char name[200];
} param;

typedef struct orow {
    /* sparse row of the linear model */
    int n;
    int *j;
    double *a;              /* coefficients of the parts' P50s */
    double *m;              /* per part: mean / P50 of its log-normal where the observation is a mean, else 1 */
    double km;              /* route distance */
    double cost_usd;        /* route cost per the observation's unit (price observations) */
    double cost_cls[SR_CLASS_COUNT];   /* ... of it, the link tariffs per carrier class (the rest: fees) */
    uint64_t sig;           /* hash of the route */
    int routed;             /* 0: no route under the constraints */
    char path[512];         /* route summary: places where the mode or class changes */
} orow;

struct sr_calibration {
    char errmsg[1024];
    sr_network *net;
    sr_query *q;
    sr__obs *obs;
    size_t n_obs;
    param *par;
    size_t np;
    int folds, max_iter;
    int period_from, period_to;     /* observations overlapping it are fitted */
    /* per observation */
    orow *rows;
    double *pred, *pred90, *cvpred, *weight, *sigma;
    int *fit;               /* 1: a time observation in the fit */
    /* tariffs: a cost factor per carrier class, fitted to priced observations */
    double tariff[SR_CLASS_COUNT];
    int tariff_used[SR_CLASS_COUNT];
    double *cost_fit, *cost_cv;     /* per observation: fitted and leave-one-out cost (NAN: not priced) */
    size_t n_priced;
    double price_err_prior, price_err_fit, price_err_cv;   /* median |error| of priced observations */
    sr_calib_summary sum;
};

static void cerr(sr_calibration *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cerr(sr_calibration *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    va_end(ap);
}

void sr_calib_options_init(sr_calib_options *o)
{
    memset(o, 0, sizeof *o);
    o->folds = 5;
    o->max_iterations = 400;
}

/* ---- parameters ------------------------------------------------------------ */

static int xfer_param(const sr_calibration *c, uint32_t place, int f, int t)
{
    if (f > t) {
        int s = f;
        f = t;
        t = s;
    }
    for (size_t j = 0; j < c->np; j++)
        if (c->par[j].type == P_XFER && c->par[j].place == place && c->par[j].f == f && c->par[j].t == t)
            return (int)j;
    return -1;
}

static double dwell_p90(const param *p, double p50)
{
    return fmax(p->p90_survey, p50 * p->ratio);
}

static int year_param(const sr_calibration *c, long x, int dir, int side, int year)
{
    for (size_t j = 0; j < c->np; j++)
        if (c->par[j].type == P_DWELL_YEAR && c->par[j].x == x && c->par[j].dir == dir && c->par[j].side == side &&
            c->par[j].year == year)
            return (int)j;
    return -1;
}

static size_t whole_param(long x, int dir) { return SR_CLASS_COUNT + 2 * (size_t)x + (size_t)dir; }

/* The parameter a one-sided survey of (x, dir) predicts: its side when the
 * crossing is split, else the whole crossing. */
static size_t side_param(const sr_calibration *c, long x, int dir, int side)
{
    size_t w = whole_param(x, dir);
    return side && c->par[w].split ? c->par[w].split + (size_t)side - 1 : w;
}

static int build_params(sr_calibration *c)
{
    sr_network *net = c->net;
    size_t cap = SR_CLASS_COUNT + 2 * (size_t)net->n_crossings + net->n_xfers + 3 * c->n_obs + 1;
    c->par = calloc(cap, sizeof *c->par);
    if (!c->par)
        return -1;
    for (int k = 0; k < SR_CLASS_COUNT; k++) {
        param *p = &c->par[c->np++];
        p->type = P_CLASS;
        p->cls = k;
        p->prior = p->value = 1;
        p->tau = 0.5;
        p->scale = 1;
        snprintf(p->name, sizeof p->name, "time class %s", sr_class_name((sr_class)k));
    }
    for (uint32_t x = 0; x < net->n_crossings; x++)
        for (int d = 0; d < 2; d++) {
            param *p = &c->par[c->np++];
            p->type = P_DWELL;
            p->x = x;
            p->dir = d;
            p->prior = p->value = net->x_p50[2 * x + d];
            p->prior_alt = net->crossings[x].dwell_h;
            p->prior_survey = p->prior;
            p->prior_year = net->x_prior_year ? net->x_prior_year[2 * x + d] : 0;
            /* A surveyed P90 is kept as it is (unless the fitted P50 times
             * the default ratio exceeds it); otherwise the P90 moves with
             * the P50 at the default ratio of time_spread.csv. */
            double dr = net->x_ratio[net->crossings[x].mode == SR_ROAD];
            p->ratio = dr > 0 ? dr : 1;
            if (net->x_p90_given[2 * x + d])
                p->p90_survey = net->x_p90[2 * x + d];
            p->tau = 1.0;
            p->scale = fmax(p->prior, 2);
            snprintf(p->name, sizeof p->name, "dwell crossing %s %s", net->crossings[x].id, d ? "b-a" : "a-b");
        }
    for (uint32_t pl = 0; pl < net->n_places; pl++)
        for (uint32_t i = net->xfer_off[pl]; i < net->xfer_off[pl + 1]; i++) {
            const sr__xfer *x = &net->xfers[i];
            if (x->from > x->to || xfer_param(c, pl, x->from, x->to) >= 0)
                continue;
            param *p = &c->par[c->np++];
            p->type = P_XFER;
            p->place = pl;
            p->f = x->from;
            p->t = x->to;
            p->prior = p->value = x->duration_h;
            p->ratio = x->duration_h > 0 ? x->duration_p90_h / x->duration_h : 1;
            p->tau = 0.75;
            p->scale = fmax(p->prior, 1);
            snprintf(p->name, sizeof p->name, "transfer %s %s %s", net->places[pl].id, sr_class_name((sr_class)x->from),
                     sr_class_name((sr_class)x->to));
        }
    /* Two sides where a survey times one side of a crossing and direction.
     * Each side starts at half the crossing's dwell of crossings.csv (the
     * figure before any survey; assumption A-dwell-side), not at the
     * crossing_times.csv figure: that figure is one of the side's own
     * surveys, which enters the fit once, as an observation (as a prior as
     * well it would count twice, and a held-out survey would be its own
     * prior).  The surveys then fix their side and the route observations
     * the other. */
    for (size_t i = 0; i < c->n_obs; i++) {
        const sr__obs *o = &c->obs[i];
        if (o->subject != SR__OBS_CROSSING || !o->side)
            continue;
        size_t w = whole_param(o->crossing, o->dirs == 2);
        if (c->par[w].split)
            continue;
        c->par[w].split = c->np;
        for (int sd = SR__SIDE_EXIT; sd <= SR__SIDE_ENTRY; sd++) {
            param *p = &c->par[c->np++];
            *p = c->par[w];
            p->type = P_SIDE;
            p->side = sd;
            p->split = 0;
            p->parent = w;
            p->prior_alt = fmax(c->par[w].prior_alt, 0) / 2;
            p->prior = p->value = p->prior_survey = p->prior_alt;
            p->prior_year = 0;
            p->p90_survey = 0;
            p->scale = fmax(p->prior, 1);
            char base[160];
            snprintf(base, sizeof base, "%.150s", c->par[w].name);
            snprintf(p->name, sizeof p->name, "%s %s side", base, sd == SR__SIDE_EXIT ? "exit" : "entry");
        }
    }
    /* Per-year dwell where single-year surveys of at least two different
     * years exist for a crossing, direction and side. */
    for (size_t i = 0; i < c->n_obs; i++) {
        const sr__obs *o = &c->obs[i];
        if (o->subject != SR__OBS_CROSSING || o->period_from != o->period_to || (o->dirs != 1 && o->dirs != 2))
            continue;
        int d = o->dirs == 2;
        int other = 0;
        for (size_t k = 0; k < c->n_obs; k++) {
            const sr__obs *q = &c->obs[k];
            if (q->subject == SR__OBS_CROSSING && q->crossing == o->crossing && q->dirs == o->dirs &&
                q->side == o->side && q->period_from == q->period_to && q->period_from != o->period_from)
                other = 1;
        }
        if (!other || year_param(c, o->crossing, d, o->side, o->period_from) >= 0)
            continue;
        size_t parent = side_param(c, o->crossing, d, o->side);
        param *p = &c->par[c->np++];
        *p = c->par[parent];
        p->type = P_DWELL_YEAR;
        p->side = c->par[parent].type == P_SIDE ? o->side : 0;
        p->year = o->period_from;
        p->parent = parent;
        p->tau = TAU_YEAR;
        char base[160];
        snprintf(base, sizeof base, "%.150s", c->par[parent].name);
        snprintf(p->name, sizeof p->name, "%s year %d", base, p->year);
    }
    return 0;
}

/* Put theta into the private network: running times, dwell, transfers. */
static void apply(sr_calibration *c, const double *theta)
{
    sr_network *net = c->net;
    double f[SR_CLASS_COUNT];
    for (int k = 0; k < SR_CLASS_COUNT; k++)
        f[k] = theta[k];
    for (uint32_t i = 0; i < net->n_links; i++)
        net->links[i].duration_h = net->link_base_h[i] * f[sr__time_class(net, &net->links[i])];
    for (size_t j = SR_CLASS_COUNT; j < c->np; j++) {
        const param *p = &c->par[j];
        if (p->type == P_DWELL_YEAR || p->type == P_SIDE)
            continue; /* year: used by the surveys of its year only; sides: through their crossing */
        if (p->type == P_DWELL) {
            double v = p->split ? theta[p->split] + theta[p->split + 1] : theta[j];
            net->x_p50[2 * p->x + p->dir] = v;
            net->x_p90[2 * p->x + p->dir] = dwell_p90(p, v);
        } else {
            for (uint32_t i = net->xfer_off[p->place]; i < net->xfer_off[p->place + 1]; i++) {
                sr__xfer *x = &net->xfers[i];
                if ((x->from == p->f && x->to == p->t) || (x->from == p->t && x->to == p->f)) {
                    x->duration_h = theta[j];
                    x->duration_p90_h = theta[j] * p->ratio;
                }
            }
        }
    }
    sr__spread_rebuild_arcs(net);
}

/* ---- the linear model of one observation ------------------------------------ */

static void row_means(const sr_calibration *c, size_t i);

static int row_add(orow *r, int j, double a, size_t *cap)
{
    for (int i = 0; i < r->n; i++)
        if (r->j[i] == j) {
            r->a[i] += a;
            return 0;
        }
    if ((size_t)r->n + 1 > *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        int *nj = realloc(r->j, nc * sizeof *nj);
        if (!nj)
            return -1;
        r->j = nj;
        double *na = realloc(r->a, nc * sizeof *na);
        if (!na)
            return -1;
        r->a = na;
        double *nm = realloc(r->m, nc * sizeof *nm);
        if (!nm)
            return -1;
        r->m = nm;
        *cap = nc;
    }
    r->j[r->n] = j;
    r->m[r->n] = 1;
    r->a[r->n++] = a;
    return 0;
}

static uint64_t mix64(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

/* Route one leg of an observation (origin -> via... -> destination) and
 * add its parts to the row. */
static sr_code route_part(sr_calibration *c, const sr__obs *o, uint32_t from, uint32_t to, orow *r, size_t *cap)
{
    sr_network *net = c->net;
    sr_route_options opt;
    sr_route_options_init(&opt);
    opt.from = net->places[from].id;
    opt.to = net->places[to].id;
    opt.modes = o->modes;
    for (int i = 0; i < o->n_avoid; i++)
        opt.avoid_countries[opt.n_avoid_countries++] = o->avoid[i];
    for (int i = 0; i < o->n_avoid_ids; i++)
        opt.avoid[opt.n_avoid++] = o->avoid_ids[i];
    opt.year = 0;
    if (o->unit >= 0)
        opt.unit = (sr_unit)o->unit;
    sr_result *res = NULL;
    sr_code rc = sr_route_query(c->q, &opt, &res);
    if (rc != SR_OK)
        return rc;
    const sr_route *v = sr_result_route(res, 0);
    r->cost_usd += v->cost_usd;
    int prev_cls = -1;
    for (size_t i = 0; i < v->n_legs; i++) {
        const sr_leg *l = &v->legs[i];
        const sr_link *k = &net->links[l->link];
        int cls = sr__time_class(net, k);
        if (row_add(r, cls, net->link_base_h[l->link], cap) < 0)
            goto oom;
        r->cost_cls[cls] += l->cost_usd;
        r->km += l->distance_km;
        r->sig = mix64(r->sig, l->link * 2u + (l->from == k->from));
        if (cls != prev_cls) {
            size_t len = strlen(r->path);
            snprintf(r->path + len, sizeof r->path - len, "%s%s[%s]", len ? " > " : "", net->places[l->from].id,
                     sr_class_name((sr_class)cls));
            prev_cls = cls;
        }
    }
    for (size_t i = 0; i < v->n_crossings; i++) {
        const sr_border_crossing *b = &v->crossings[i];
        if (b->crossing < 0)
            continue;
        const sr_crossing *x = &net->crossings[b->crossing];
        int dir = strcmp(b->from_country, net->places[x->place_a].country) != 0;
        size_t w = whole_param(b->crossing, dir);
        if (c->par[w].split) {
            if (row_add(r, (int)c->par[w].split, 1, cap) < 0 || row_add(r, (int)c->par[w].split + 1, 1, cap) < 0)
                goto oom;
        } else if (row_add(r, (int)w, 1, cap) < 0)
            goto oom;
    }
    for (size_t i = 0; i < v->n_transfers; i++) {
        const sr_transfer *t = &v->transfers[i];
        int j = xfer_param(c, t->at, t->from_class, t->to_class);
        if (j >= 0 && row_add(r, j, 1, cap) < 0)
            goto oom;
        r->sig = mix64(r->sig, 0x100000000ull + (uint64_t)j);
    }
    if (v->n_legs) {
        size_t len = strlen(r->path);
        snprintf(r->path + len, sizeof r->path - len, " > %s", net->places[v->legs[v->n_legs - 1].to].id);
    }
    sr_result_free(res);
    return SR_OK;
oom:
    sr_result_free(res);
    return SR_ENOMEM;
}

static void row_free(orow *r)
{
    free(r->j);
    free(r->a);
    free(r->m);
    memset(r, 0, sizeof *r);
}

static sr_code build_row(sr_calibration *c, size_t i)
{
    const sr__obs *o = &c->obs[i];
    orow *r = &c->rows[i];
    row_free(r);
    size_t cap = 0;
    if (o->subject == SR__OBS_ROUTE) {
        uint32_t stops[SR__OBS_MAX_VIA + 2];
        int ns = 0;
        stops[ns++] = (uint32_t)o->origin;
        for (int k = 0; k < o->n_via; k++)
            stops[ns++] = o->via[k];
        stops[ns++] = (uint32_t)o->destination;
        for (int k = 0; k + 1 < ns; k++) {
            sr_code rc = route_part(c, o, stops[k], stops[k + 1], r, &cap);
            if (rc == SR_ENOROUTE || rc == SR_EARG || rc == SR_EPLACE)
                return SR_OK; /* reported as not routed */
            if (rc != SR_OK)
                return rc;
        }
        r->routed = 1;
        row_means(c, i);
        return SR_OK;
    }
    if (o->subject == SR__OBS_CROSSING) {
        int nd = (o->dirs & 1) + ((o->dirs >> 1) & 1);
        for (int d = 0; d < 2; d++) {
            if (!(o->dirs & (1 << d)))
                continue;
            int j = o->period_from == o->period_to ? year_param(c, o->crossing, d, o->side, o->period_from) : -1;
            size_t w = whole_param(o->crossing, d);
            if (j >= 0 || o->side || !c->par[w].split) {
                if (row_add(r, j >= 0 ? j : (int)side_param(c, o->crossing, d, o->side), 1.0 / nd, &cap) < 0)
                    return SR_ENOMEM;
            } else if (row_add(r, (int)c->par[w].split, 1.0 / nd, &cap) < 0 ||
                       row_add(r, (int)c->par[w].split + 1, 1.0 / nd, &cap) < 0)
                return SR_ENOMEM; /* a whole-crossing survey of a split crossing: both sides */
        }
    }
    if ((o->subject == SR__OBS_CROSSING || o->subject == SR__OBS_TRANSFER) && o->place >= 0) {
        int j = xfer_param(c, (uint32_t)o->place, o->from_class, o->to_class);
        if (j >= 0 && row_add(r, j, 1, &cap) < 0)
            return SR_ENOMEM;
    }
    r->routed = o->subject != SR__OBS_TRAINS;
    row_means(c, i);
    return SR_OK;
}

static double row_dot(const orow *r, const double *theta)
{
    double s = 0;
    for (int k = 0; k < r->n; k++)
        s += r->a[k] * r->m[k] * theta[r->j[k]];
    return s;
}

/* An average (a survey's mean, a route's average, one tracked shipment)
 * is the mean of the time, not its median: for a log-normal part with
 * P90/P50 = q the mean is P50 exp(sigma^2 / 2), sigma = ln q / 1.2816, and
 * the mean of a sum is the sum of the means (what Fenton-Wilkinson keeps).
 * Schedules, record and pilot runs are compared with the P50.  The
 * ratio is the component's default (time_spread.csv, transfers.csv), not
 * a surveyed P90: with a fixed P90 the mean would grow as the P50 falls,
 * and the fit could run away. */
static int is_mean(const sr__obs *o)
{
    return o->kind == SR__KIND_AVERAGE || o->kind == SR__KIND_SURVEY || o->kind == SR__KIND_TRACKED;
}

static double mean_factor(const sr_calibration *c, int j)
{
    const param *p = &c->par[j];
    double q = p->ratio;
    if (p->type == P_CLASS)
        q = c->net->run_ratio[p->cls];
    if (!(q > 1))
        return 1;
    double sg = log(q) / 1.2815515655446004;
    return exp(0.5 * sg * sg);
}

static void row_means(const sr_calibration *c, size_t i)
{
    orow *r = &c->rows[i];
    int on = is_mean(&c->obs[i]);
    for (int k = 0; k < r->n; k++)
        r->m[k] = on ? mean_factor(c, r->j[k]) : 1;
}

/* ---- robust regularised least squares ---------------------------------------- */

/* Solve the symmetric positive definite system A x = b (n x n, row major)
 * by Cholesky; A and b are overwritten.  -1 when not positive definite. */
static int cholesky_solve(double *A, double *b, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double d = A[j * n + j];
        for (size_t k = 0; k < j; k++)
            d -= A[j * n + k] * A[j * n + k];
        if (!(d > 0))
            return -1;
        d = sqrt(d);
        A[j * n + j] = d;
        for (size_t i = j + 1; i < n; i++) {
            double s = A[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= A[i * n + k] * A[j * n + k];
            A[i * n + j] = s / d;
        }
    }
    for (size_t i = 0; i < n; i++) {
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= A[i * n + k] * b[k];
        b[i] = s / A[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; k++)
            s -= A[k * n + i] * b[k];
        b[i] = s / A[i * n + i];
    }
    return 0;
}

/* IRLS weights: Cauchy's first (smooth, it finds the bulk of the data from
 * any start), then Tukey's biweight, which gives a gross outlier (more than
 * 4.685 sigma off) no weight at all, so it is down-weighted, not fitted. */
static double robust_weight(double r, int it)
{
    if (it < CAUCHY_ROUNDS)
        return 1 / (1 + (r / CAUCHY_C) * (r / CAUCHY_C));
    if (fabs(r) >= TUKEY_C)
        return 0;
    double u = r / TUKEY_C;
    return (1 - u * u) * (1 - u * u);
}

/* Bounds keep theta physical: factors in [0.2, 5], hours >= 0. */
static double clamp_param(const param *p, double v)
{
    if (p->type == P_CLASS)
        return fmin(5, fmax(0.2, v));
    return fmax(0, v);
}

/* IRLS on the current rows; `use[i]` selects observations.  theta in/out. */
static int fit_rows(sr_calibration *c, const int *use, double *theta)
{
    /* Only parameters some used observation depends on are solved for (a
     * year's dwell brings its crossing's along); the others have only their
     * prior term, whose minimum is the prior itself.  This keeps the dense
     * system small on networks with hundreds of crossings and transfers. */
    size_t npar = c->np, na = 0;
    long *map = malloc((npar + 1) * sizeof *map);
    size_t *act = malloc((npar + 1) * sizeof *act);
    if (!map || !act) {
        free(map);
        free(act);
        return -1;
    }
    for (size_t j = 0; j < npar; j++)
        map[j] = -1;
    for (size_t i = 0; i < c->n_obs; i++)
        for (int k = 0; use[i] && k < c->rows[i].n; k++)
            map[c->rows[i].j[k]] = 0;
    for (size_t j = 0; j < npar; j++)
        if (map[j] == 0 && c->par[j].type == P_DWELL_YEAR)
            map[c->par[j].parent] = 0;
    for (size_t j = 0; j < npar; j++) {
        if (map[j] == 0) {
            map[j] = (long)na;
            act[na++] = j;
        } else if (c->par[j].type != P_DWELL_YEAR)
            theta[j] = c->par[j].prior;
    }
    size_t np = na ? na : 1;
    double *A = malloc(np * np * sizeof *A), *b = malloc(np * sizeof *b);
    if (!A || !b) {
        free(A);
        free(b);
        free(map);
        free(act);
        return -1;
    }
    int rc = 0;
    for (int it = 0; it < IRLS_MAX && na; it++) {
        memset(A, 0, np * np * sizeof *A);
        for (size_t a = 0; a < na; a++) {
            size_t j = act[a];
            const param *p = &c->par[j];
            double lam = 1.0 / (p->tau * p->scale * p->tau * p->scale);
            if (p->type != P_DWELL_YEAR && p->prior > 0) {
                /* The prior in logs too, ((ln theta - ln prior) / tau)^2,
                 * linearised at the current theta0: a parameter three
                 * times its prior costs as much as one a third of it. */
                double t0 = fmax(theta[j], 1e-3 * p->prior);
                lam = 1.0 / (p->tau * t0 * p->tau * t0);
                A[a * np + a] += lam;
                b[a] = lam * t0 * (1 - log(t0 / p->prior));
                continue;
            }
            if (p->type == P_DWELL_YEAR) {
                /* lam (theta_j - theta_parent)^2 */
                double sc = p->tau * fmax(theta[p->parent], 1);
                size_t q = (size_t)map[p->parent];
                lam = 1.0 / (sc * sc);
                A[a * np + a] += lam;
                A[q * np + q] += lam;
                A[a * np + q] -= lam;
                A[q * np + a] -= lam;
                b[a] = 0;
                continue;
            }
            A[a * np + a] += lam;
            b[a] = lam * p->prior;
        }
        for (size_t i = 0; i < c->n_obs; i++) {
            if (!use[i])
                continue;
            /* Residuals in logs, r = ln(pred / obs) / sigma, so that too fast
             * and too slow by the same factor weigh alike; linearised at
             * the current prediction p0 (Gauss-Newton): ln(pred) ~ ln(p0) +
             * (pred - p0) / p0, i.e. a least-squares row with target t. */
            const orow *r = &c->rows[i];
            double y = c->obs[i].time_h, p0 = row_dot(r, theta);
            if (!(p0 > 1e-6 * y))
                p0 = y;
            double res = log(p0 / y) / c->sigma[i];
            double w = robust_weight(res, it);
            /* A record run is a best case: it bounds the typical time
             * from below and says nothing about how much slower the
             * typical train is, so it only pulls when the model is faster
             * than the record (a one-sided, hinge-type loss). */
            if (c->obs[i].kind == SR__KIND_RECORD && p0 >= y)
                w = 0;
            c->weight[i] = w;
            double s = c->sigma[i] * p0, t = p0 * (1 - log(p0 / y));
            double ws = w / (s * s);
            for (int k = 0; k < r->n; k++) {
                size_t ak = (size_t)map[r->j[k]];
                double ek = r->a[k] * r->m[k];
                b[ak] += ws * ek * t;
                for (int l = 0; l < r->n; l++)
                    A[ak * np + (size_t)map[r->j[l]]] += ws * ek * r->a[l] * r->m[l];
            }
        }
        if (cholesky_solve(A, b, na) < 0) {
            rc = -1;
            break;
        }
        double change = 0;
        for (size_t a = 0; a < na; a++) {
            size_t j = act[a];
            double v = clamp_param(&c->par[j], b[a]);
            change = fmax(change, fabs(v - theta[j]) / c->par[j].scale);
            theta[j] = v;
        }
        if (change < 1e-9 && it >= CAUCHY_ROUNDS)
            break;
    }
    /* A year without data in this fit (a held-out fold's year) is at the
     * minimum of its tie to the crossing's dwell: the pooled dwell, the
     * hierarchical model's prediction for an unseen year. */
    for (size_t j = 0; rc == 0 && j < npar; j++)
        if (map[j] < 0 && c->par[j].type == P_DWELL_YEAR)
            theta[j] = theta[c->par[j].parent];
    free(A);
    free(b);
    free(map);
    free(act);
    return rc;
}

/* Route, fit, re-route to a fixed point.  Returns the rounds used, negative
 * on failure; *converged tells whether the fixed point was reached. */
static int fixed_point(sr_calibration *c, const int *use, double *theta, int *converged)
{
    uint64_t *sig = calloc(c->n_obs + 1, sizeof *sig);
    double *prev = malloc(c->np * sizeof *prev);
    if (!sig || !prev) {
        free(sig);
        free(prev);
        return -1;
    }
    *converged = 0;
    int round;
    for (round = 1; round <= c->max_iter; round++) {
        apply(c, theta);
        int same = round > 1;
        for (size_t i = 0; i < c->n_obs; i++) {
            if (!use[i])
                continue;
            /* The previous round's route, priced with this round's theta;
             * kept aside until the new route is known. */
            orow old = c->rows[i];
            double before = round > 1 ? row_dot(&old, theta) : 0;
            memset(&c->rows[i], 0, sizeof c->rows[i]);
            if (build_row(c, i) != SR_OK) {
                row_free(&old);
                free(sig);
                free(prev);
                return -1;
            }
            if (round > 1 && c->rows[i].sig != sig[i]) {
                double now = row_dot(&c->rows[i], theta);
                int tie = before <= now * (1 + TIE_TOL);
                if (getenv("SR_CALIB_DEBUG"))
                    fprintf(stderr, "  route of %s: %.2f h -> %.2f h%s\n", c->obs[i].id, before, now,
                            tie ? " (a tie: kept)" : "");
                if (tie) {
                    /* Keep the old route's row, so the fit sees the same
                     * rows from round to round and theta can settle. */
                    row_free(&c->rows[i]);
                    c->rows[i] = old;
                    continue;
                }
                same = 0;
            }
            row_free(&old);
            sig[i] = c->rows[i].sig;
        }
        memcpy(prev, theta, c->np * sizeof *prev);
        if (fit_rows(c, use, theta) < 0) {
            free(sig);
            free(prev);
            return -1;
        }
        /* After the first rounds, steps of 1/k (the method of successive
         * averages), so that routes flipping between options as the
         * parameters move cannot make the iteration cycle: theta settles
         * where the flipping routes tie, and the routes then stay put. */
        double alpha = round <= 3 ? 1.0 : 1.0 / (round - 2);
        double change = 0;
        for (size_t j = 0; j < c->np; j++) {
            theta[j] = prev[j] + alpha * (theta[j] - prev[j]);
            change = fmax(change, fabs(theta[j] - prev[j]) / c->par[j].scale);
        }
        if (getenv("SR_CALIB_DEBUG"))
            fprintf(stderr, "round %d: routes %s, max change %.3g\n", round, same ? "same" : "changed", change);
        if (same && change < CONV_TOL) {
            *converged = 1;
            break;
        }
    }
    apply(c, theta);
    free(sig);
    free(prev);
    return round > c->max_iter ? c->max_iter : round;
}

/* ---- report helpers ------------------------------------------------------------ */

static void range_of(const sr__obs *o, double *lo, double *hi)
{
    *lo = o->has_min ? o->time_min_h : 0.85 * o->time_h;
    *hi = o->has_max ? o->time_max_h : o->has_p90 ? o->p90_h : 1.15 * o->time_h;
    if (!o->has_min && o->has_max)
        *lo = fmin(*lo, o->time_h);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int typical(const sr__obs *o) { return o->kind != SR__KIND_RECORD && o->kind != SR__KIND_PILOT; }

/* Does the observation's period overlap the calibrated period? */
static int in_period(const sr_calibration *c, const sr__obs *o)
{
    return o->period_from <= c->period_to && c->period_from <= o->period_to;
}

/* P90 of an observation's prediction with the network's current spread. */
static double pred_p90(sr_calibration *c, size_t i)
{
    const orow *r = &c->rows[i];
    double p50[256], p90[256];
    size_t n = 0;
    for (int k = 0; k < r->n && n < 256; k++) {
        const param *p = &c->par[r->j[k]];
        double v = r->a[k] * p->value;
        double ratio = p->type == P_CLASS ? (c->net->run_ratio[p->cls] > 0 ? c->net->run_ratio[p->cls] : 1)
                       : (p->type == P_DWELL || p->type == P_DWELL_YEAR || p->type == P_SIDE) && p->value > 0 ? dwell_p90(p, p->value) / p->value
                                                                                           : p->ratio;
        p50[n] = v;
        p90[n++] = v * ratio;
    }
    sr__lnsum s;
    sr__lognormal_sum(p50, p90, n, &s);
    return fmax(s.p90, s.sum_p50);
}

/* ---- tariffs ------------------------------------------------------------------ */

/* A priced observation in the calibrated period with a route. */
static int priced(const sr_calibration *c, size_t i)
{
    const sr__obs *o = &c->obs[i];
    return o->subject == SR__OBS_ROUTE && o->price_usd > 0 && o->unit >= 0 && c->rows[i].routed && in_period(c, o);
}

/* The route's cost with tariff factors f: its fees as they are plus each
 * class's link tariffs times the class's factor (the routes were costed
 * with factors 1, the private network's own tariffs). */
static double cost_pred(const orow *r, const double *f)
{
    double s = r->cost_usd;
    for (int k = 0; k < SR_CLASS_COUNT; k++)
        s += (f[k] - 1) * r->cost_cls[k];
    return s;
}

/* Fit a tariff factor per carrier class to the priced observations (all
 * but `skip`, -1 for none) by the same robust regularised least squares in
 * logs as the times: sum_i w_i rho(ln(cost_i / price_i) / 0.15) + sum_k
 * (ln f_k / 0.5)^2, Cauchy's weights, Gauss-Newton.  The routes are those
 * of the time fit (a forwarder's rate is for the ordinary, fastest
 * service), so no re-routing is needed.  Classes no price touches stay 1. */
static void tariff_solve(const sr_calibration *c, long skip, double *f, int *used)
{
    enum { K = SR_CLASS_COUNT };
    double A[K * K], b[K];
    for (int k = 0; k < K; k++) {
        f[k] = 1;
        used[k] = 0;
    }
    for (size_t i = 0; i < c->n_obs; i++)
        for (int k = 0; priced(c, i) && (long)i != skip && k < K; k++)
            if (c->rows[i].cost_cls[k] > 0)
                used[k] = 1;
    for (int it = 0; it < 50; it++) {
        memset(A, 0, sizeof A);
        for (int k = 0; k < K; k++) {
            double f0 = fmax(f[k], 1e-3), lam = used[k] ? 1 / (TAU_TARIFF * f0 * TAU_TARIFF * f0) : 1;
            A[k * K + k] = lam;
            b[k] = used[k] ? lam * f0 * (1 - log(f0)) : 1;
        }
        for (size_t i = 0; i < c->n_obs; i++) {
            if (!priced(c, i) || (long)i == skip)
                continue;
            const orow *r = &c->rows[i];
            double y = c->obs[i].price_usd, p0 = fmax(cost_pred(r, f), 1e-6 * y);
            double res = log(p0 / y) / SIGMA_PRICE, w = 1 / (1 + (res / CAUCHY_C) * (res / CAUCHY_C));
            double sd = SIGMA_PRICE * p0, t = p0 * (1 - log(p0 / y)), fixed = r->cost_usd, ws = w / (sd * sd);
            for (int k = 0; k < K; k++)
                fixed -= r->cost_cls[k];
            for (int k = 0; k < K; k++) {
                if (!used[k])
                    continue;
                b[k] += ws * r->cost_cls[k] * (t - fixed);
                for (int l = 0; l < K; l++)
                    if (used[l])
                        A[k * K + l] += ws * r->cost_cls[k] * r->cost_cls[l];
            }
        }
        if (cholesky_solve(A, b, K) < 0)
            return;
        double change = 0;
        for (int k = 0; k < K; k++) {
            double v = fmin(5, fmax(0.2, b[k]));
            change = fmax(change, fabs(v - f[k]));
            f[k] = v;
        }
        if (change < 1e-9)
            break;
    }
}

/* Fit the tariffs, then predict each priced observation with the fit and
 * with a fit without it (leave-one-out: there are few prices). */
static void tariff_fit(sr_calibration *c)
{
    double f[SR_CLASS_COUNT], g[SR_CLASS_COUNT], e0[64], e1[64], e2[64];
    int used[SR_CLASS_COUNT], u2[SR_CLASS_COUNT];
    tariff_solve(c, -1, f, used);
    memcpy(c->tariff, f, sizeof f);
    memcpy(c->tariff_used, used, sizeof used);
    size_t n = 0;
    for (size_t i = 0; i < c->n_obs; i++) {
        c->cost_fit[i] = c->cost_cv[i] = NAN;
        if (!priced(c, i))
            continue;
        tariff_solve(c, (long)i, g, u2);
        c->cost_fit[i] = cost_pred(&c->rows[i], f);
        c->cost_cv[i] = cost_pred(&c->rows[i], g);
        double y = c->obs[i].price_usd;
        if (n < 64) {
            e0[n] = fabs(c->rows[i].cost_usd - y) / y;
            e1[n] = fabs(c->cost_fit[i] - y) / y;
            e2[n] = fabs(c->cost_cv[i] - y) / y;
            n++;
        }
    }
    c->n_priced = n;
    c->price_err_prior = median(e0, n);
    c->price_err_fit = median(e1, n);
    c->price_err_cv = median(e2, n);
}

/* ---- the calibration ------------------------------------------------------------ */

static int open_private(sr_calibration *c, const char *dir)
{
    sr_network *net = calloc(1, sizeof *net);
    if (!net)
        return SR_ENOMEM;
    c->net = net;
    net->no_overlay = 1;
    sr__classes_init(net);
    net->dir = strdup(dir);
    if (!net->dir)
        return SR_ENOMEM;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cerr(c, "%s: not a readable dataset directory", dir);
        return SR_EIO;
    }
    sr__diag d = {0};
    sr_code rc = sr__load(net, dir, &d);
    if (rc == SR_EDATA)
        cerr(c, "%s", d.first);
    else if (rc != SR_OK)
        cerr(c, "%s: %s", dir, sr_strerror(rc));
    return rc;
}

sr_code sr_calibrate(const char *dir, const sr_calib_options *o, sr_calibration **out)
{
    if (!out)
        return SR_EARG;
    sr_calibration *c = calloc(1, sizeof *c);
    *out = c;
    if (!c)
        return SR_ENOMEM;
    sr_calib_options defaults;
    if (!o) {
        sr_calib_options_init(&defaults);
        o = &defaults;
    }
    if (o->folds < 0 || o->folds == 1 || o->folds > 50) {
        cerr(c, "folds: must be 0 or 2-50");
        return SR_EARG;
    }
    if (o->max_iterations < 0 || o->max_iterations > 1000) {
        cerr(c, "max_iterations: must be 0-1000");
        return SR_EARG;
    }
    if (o->year < 0 || (o->year > 0 && (o->year < 1900 || o->year > 2200))) {
        cerr(c, "year: %d is out of range (0 or 1900-2200)", o->year);
        return SR_EARG;
    }
    if (o->period_from || o->period_to) {
        if (o->period_from < 1900 || o->period_to > 2200 || o->period_to < o->period_from) {
            cerr(c, "period: %d..%d is not a range of years in 1900-2200", o->period_from, o->period_to);
            return SR_EARG;
        }
    }
    c->folds = o->folds;
    c->max_iter = o->max_iterations ? o->max_iterations : 400;
    c->period_from = 0;
    c->period_to = 9999;
    if (o->year)
        c->period_from = c->period_to = o->year;
    else if (o->period_from || o->period_to) {
        c->period_from = o->period_from;
        c->period_to = o->period_to;
    }
    if (!dir) {
        const char *env = getenv("SILKROUTE_DATA");
#ifdef SR_DATADIR
        struct stat st;
        dir = env && *env ? env : stat(SR_DATADIR, &st) == 0 ? SR_DATADIR : "data";
#else
        dir = env && *env ? env : "data";
#endif
    }
    sr_code rc = (sr_code)open_private(c, dir);
    if (rc != SR_OK)
        return rc;
    if ((rc = sr_query_create(c->net, &c->q)) != SR_OK)
        return rc;
    char path[4096];
    const char *file = o->observations;
    if (!file) {
        snprintf(path, sizeof path, "%s/observations.csv", dir);
        file = path;
    }
    FILE *probe = fopen(file, "rb");
    if (!probe) {
        cerr(c, "%s: cannot open: %s", file, strerror(errno));
        return SR_EIO;
    }
    fclose(probe);
    sr__diag d = {0};
    const char *base = strrchr(file, '/');
    if (sr__obs_read(c->net, file, base ? base + 1 : file, &c->obs, &c->n_obs, &d) < 0 || d.errors) {
        if (d.errors > 1)
            cerr(c, "%.800s (and %ld more errors)", d.first, d.errors - 1);
        else
            cerr(c, "%s", d.first);
        return d.errors ? SR_EDATA : SR_ENOMEM;
    }
    if (build_params(c) < 0)
        return SR_ENOMEM;
    size_t n = c->n_obs;
    c->rows = calloc(n + 1, sizeof *c->rows);
    c->pred = calloc(n + 1, sizeof(double));
    c->pred90 = calloc(n + 1, sizeof(double));
    c->cvpred = calloc(n + 1, sizeof(double));
    c->weight = calloc(n + 1, sizeof(double));
    c->sigma = calloc(n + 1, sizeof(double));
    c->fit = calloc(n + 1, sizeof(int));
    c->cost_fit = calloc(n + 1, sizeof(double));
    c->cost_cv = calloc(n + 1, sizeof(double));
    int *use = calloc(n + 1, sizeof(int));
    double *theta = malloc(c->np * sizeof *theta), *th2 = malloc(c->np * sizeof *th2);
    double *err = malloc((n + 1) * sizeof *err);
    if (!c->rows || !c->pred || !c->pred90 || !c->cvpred || !c->weight || !c->sigma || !c->fit || !c->cost_fit ||
        !c->cost_cv || !use || !theta ||
        !th2 || !err) {
        rc = SR_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const sr__obs *ob = &c->obs[i];
        c->fit[i] = ob->subject != SR__OBS_TRAINS && ob->time_h > 0 && in_period(c, ob);
        /* A tracked row (ship export-observations) is one shipment's run:
         * an unbiased draw of the ordinary time, but a single one, so it
         * is as uncertain as a single train's. */
        c->sigma[i] = ob->kind == SR__KIND_RECORD || ob->kind == SR__KIND_PILOT || ob->kind == SR__KIND_TRACKED
                          ? SIGMA_SPECIAL
                          : SIGMA_TYPICAL;
        c->cvpred[i] = NAN;
    }
    for (size_t j = 0; j < c->np; j++)
        theta[j] = c->par[j].prior;
    /* Route once with the priors to drop observations without a route. */
    apply(c, theta);
    for (size_t i = 0; i < n; i++) {
        if (!c->fit[i])
            continue;
        if ((rc = build_row(c, i)) != SR_OK)
            goto done;
        if (!c->rows[i].routed)
            c->fit[i] = 0;
    }
    memcpy(use, c->fit, n * sizeof *use);
    int conv = 0;
    int rounds = fixed_point(c, use, theta, &conv);
    if (rounds < 0) {
        cerr(c, "calibration: the least-squares system could not be solved (out of memory or singular)");
        rc = SR_ENOMEM;
        goto done;
    }
    for (size_t j = 0; j < c->np; j++)
        c->par[j].value = theta[j];
    /* Final predictions with the fitted network. */
    for (size_t i = 0; i < n; i++) {
        if (c->obs[i].subject == SR__OBS_TRAINS)
            continue;
        if ((rc = build_row(c, i)) != SR_OK)
            goto done;
        c->pred[i] = c->rows[i].routed ? row_dot(&c->rows[i], theta) : NAN;
        c->pred90[i] = c->rows[i].routed ? pred_p90(c, i) : NAN;
        for (int k = 0; k < c->rows[i].n; k++)
            if (c->fit[i])
                c->par[c->rows[i].j[k]].used = 1;
    }
    for (size_t j = 0; j < c->np; j++)
        if (c->par[j].type == P_DWELL_YEAR && c->par[j].used)
            c->par[c->par[j].parent].used = 1;
    /* A split crossing's dwell is the sum of its sides (what apply() puts
     * into the network and the overlay writes). */
    for (size_t j = 0; j < c->np; j++)
        if (c->par[j].type == P_DWELL && c->par[j].split) {
            size_t e = c->par[j].split;
            c->par[j].value = theta[e] + theta[e + 1];
            c->par[j].used = c->par[e].used || c->par[e + 1].used;
        }
    c->sum.converged = conv;
    c->sum.iterations = rounds;
    c->sum.n_observations = n;
    size_t ne = 0, nin = 0, nt = 0;
    for (size_t i = 0; i < n; i++) {
        if (!c->fit[i])
            continue;
        c->sum.n_fitted++;
        /* The gate statistics are over typical figures: a record or pilot
         * run is one train, not the typical time the model gives. */
        if (!typical(&c->obs[i]))
            continue;
        err[ne++] = fabs(c->pred[i] - c->obs[i].time_h) / c->obs[i].time_h;
        double lo, hi;
        range_of(&c->obs[i], &lo, &hi);
        nt++;
        if (c->pred[i] >= lo - 1e-9 && c->pred[i] <= hi + 1e-9)
            nin++;
    }
    c->sum.median_abs_error = median(err, ne);
    c->sum.share_in_range = nt ? (double)nin / (double)nt : NAN;
    size_t nd = 0, ndok = 0;
    for (size_t i = 0; i < n; i++)
        if (c->obs[i].subject == SR__OBS_ROUTE && c->obs[i].distance_km > 0 && c->rows[i].routed && in_period(c, &c->obs[i])) {
            nd++;
            if (fabs(c->rows[i].km - c->obs[i].distance_km) <= 0.10 * c->obs[i].distance_km)
                ndok++;
        }
    c->sum.n_distance = nd;
    c->sum.share_distance_ok = nd ? (double)ndok / (double)nd : NAN;
    for (size_t j = 0; j < c->np; j++)
        c->sum.n_params += c->par[j].used;
    /* k-fold cross-validation: folds by position among the fitted rows. */
    c->sum.cv_median_abs_error = NAN;
    c->sum.cv_median_abs_error_routes = c->sum.cv_median_abs_error_parts = NAN;
    if (c->folds >= 2 && c->sum.n_fitted >= (size_t)c->folds) {
        size_t ncv = 0;
        for (int f = 0; f < c->folds; f++) {
            size_t pos = 0;
            for (size_t i = 0; i < n; i++) {
                use[i] = 0;
                if (c->fit[i])
                    use[i] = (int)(pos++ % (size_t)c->folds) != f;
            }
            /* A held-out survey must not be its own prior: where the
             * crossing's prior is the crossing_times.csv row of that very
             * survey, the fold starts from crossings.csv's dwell instead. */
            pos = 0;
            for (size_t i = 0; i < n; i++) {
                if (!c->fit[i] || (int)(pos++ % (size_t)c->folds) != f)
                    continue;
                const sr__obs *ob = &c->obs[i];
                if (ob->subject != SR__OBS_CROSSING || ob->period_from != ob->period_to)
                    continue;
                for (int dd = 0; dd < 2; dd++) {
                    param *p = &c->par[side_param(c, ob->crossing, dd, ob->side)];
                    if ((ob->dirs & (1 << dd)) && p->prior_year == ob->period_from) {
                        p->prior = p->prior_alt;
                        p->prior_year = -p->prior_year; /* restored below */
                    }
                }
            }
            for (size_t j = 0; j < c->np; j++)
                th2[j] = c->par[j].prior;
            int cv_conv;
            if (fixed_point(c, use, th2, &cv_conv) < 0) {
                rc = SR_ENOMEM;
                goto done;
            }
            pos = 0;
            for (size_t i = 0; i < n; i++) {
                if (!c->fit[i] || (int)(pos++ % (size_t)c->folds) != f)
                    continue;
                if ((rc = build_row(c, i)) != SR_OK)
                    goto done;
                c->cvpred[i] = row_dot(&c->rows[i], th2);
                if (typical(&c->obs[i]))
                    err[ncv++] = fabs(c->cvpred[i] - c->obs[i].time_h) / c->obs[i].time_h;
            }
            for (size_t j = 0; j < c->np; j++)
                if ((c->par[j].type == P_DWELL || c->par[j].type == P_SIDE) && c->par[j].prior_year < 0) {
                    c->par[j].prior_year = -c->par[j].prior_year;
                    c->par[j].prior = c->par[j].prior_survey;
                }
        }
        c->sum.cv_median_abs_error = median(err, ncv);
        /* The same split by subject (err is reused: the rows are in order). */
        size_t nr = 0, nq = 0;
        for (size_t i = 0; i < n; i++)
            if (c->fit[i] && typical(&c->obs[i]) && isfinite(c->cvpred[i]) && c->obs[i].subject == SR__OBS_ROUTE)
                err[nr++] = fabs(c->cvpred[i] - c->obs[i].time_h) / c->obs[i].time_h;
        c->sum.n_cv_routes = nr;
        c->sum.cv_median_abs_error_routes = median(err, nr);
        for (size_t i = 0; i < n; i++)
            if (c->fit[i] && typical(&c->obs[i]) && isfinite(c->cvpred[i]) && c->obs[i].subject != SR__OBS_ROUTE)
                err[nq++] = fabs(c->cvpred[i] - c->obs[i].time_h) / c->obs[i].time_h;
        c->sum.n_cv_parts = nq;
        c->sum.cv_median_abs_error_parts = median(err, nq);
        /* Leave the network and rows at the full fit. */
        apply(c, theta);
        for (size_t i = 0; i < n; i++)
            if (c->obs[i].subject != SR__OBS_TRAINS && (rc = build_row(c, i)) != SR_OK)
                goto done;
        /* build_row/fit_rows changed weights: recompute the full fit's. */
        memcpy(use, c->fit, n * sizeof *use);
        for (size_t i = 0; i < n; i++)
            if (use[i]) {
                double res = log(fmax(c->pred[i], 1e-9) / c->obs[i].time_h) / c->sigma[i];
                c->weight[i] = c->obs[i].kind == SR__KIND_RECORD && c->pred[i] >= c->obs[i].time_h
                                   ? 0
                                   : robust_weight(res, CAUCHY_ROUNDS);
            }
    }
    tariff_fit(c);
    rc = SR_OK;
done:
    free(use);
    free(theta);
    free(th2);
    free(err);
    if (rc == SR_ENOMEM && !c->errmsg[0])
        cerr(c, "out of memory");
    return rc;
}

void sr_calibration_destroy(sr_calibration *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->rows && i < c->n_obs; i++) {
        free(c->rows[i].j);
        free(c->rows[i].a);
        free(c->rows[i].m);
    }
    free(c->rows);
    free(c->pred);
    free(c->pred90);
    free(c->cvpred);
    free(c->weight);
    free(c->sigma);
    free(c->fit);
    free(c->cost_fit);
    free(c->cost_cv);
    free(c->obs);
    free(c->par);
    sr_query_destroy(c->q);
    sr_network_close(c->net);
    free(c);
}

const char *sr_calibration_errmsg(const sr_calibration *c) { return c ? c->errmsg : "out of memory"; }

sr_code sr_calibration_summary(const sr_calibration *c, sr_calib_summary *out)
{
    if (!c || !out || !c->par)
        return SR_EARG;
    *out = c->sum;
    out->n_priced = c->n_priced;
    out->price_median_abs_error_prior = c->price_err_prior;
    out->price_median_abs_error = c->price_err_fit;
    out->price_cv_median_abs_error = c->price_err_cv;
    return SR_OK;
}

size_t sr_calibration_param_count(const sr_calibration *c) { return c ? c->np : 0; }

sr_code sr_calibration_param(const sr_calibration *c, size_t i, sr_calib_param *out)
{
    if (!c || !out || i >= c->np)
        return SR_EARG;
    out->name = c->par[i].name;
    out->prior = c->par[i].prior;
    out->value = c->par[i].value;
    out->used = c->par[i].used;
    return SR_OK;
}

/* ---- outputs ------------------------------------------------------------------ */

typedef struct sbuf {
    char *s;
    size_t n, cap;
    int bad;
} sbuf;

static void __attribute__((format(printf, 2, 3))) sb(sbuf *b, const char *fmt, ...)
{
    if (b->bad)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->bad = 1;
            return;
        }
        if (b->s && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        size_t nc = (b->cap ? b->cap * 2 : 4096) + (size_t)k;
        char *ns = realloc(b->s, nc);
        if (!ns) {
            b->bad = 1;
            return;
        }
        b->s = ns;
        b->cap = nc;
    }
}

static char *sb_done(sbuf *b)
{
    if (b->bad) {
        free(b->s);
        return NULL;
    }
    if (!b->s)
        return calloc(1, 1);
    return b->s;
}

char *sr_calibration_overlay(const sr_calibration *c)
{
    if (!c || !c->par)
        return NULL;
    sbuf b = {0};
    sb(&b, "# silkroute calibration overlay (docs/CALIBRATION.md), applied by default when the dataset is opened.\n"
           "# Written by `silkroute calibrate` from %zu observations (%zu in the fit, %zu free parameters);\n"
           "# %s after %d rounds of route-fit-re-route; in-sample median |error| %.1f %%",
       c->sum.n_observations, c->sum.n_fitted, c->sum.n_params, c->sum.converged ? "converged" : "NOT converged",
       c->sum.iterations, 100 * c->sum.median_abs_error);
    if (!isnan(c->sum.cv_median_abs_error))
        sb(&b, ", %d-fold cross-validated %.1f %%", c->folds, 100 * c->sum.cv_median_abs_error);
    sb(&b, ".\n# Re-run: make calibrate   (build/silkroute calibrate --out data/calibrated.scn)\n"
           "# Lines: time class CLASS FACTOR | tariff class CLASS FACTOR | dwell crossing ID DIR P50_H P90_H | transfer PLACE FROM TO P50_H P90_H\n"
           "source S-silkroute-calibration\n");
    for (int k = 0; k < SR_CLASS_COUNT; k++)
        if (c->tariff_used[k])
            sb(&b, "tariff class %s %.4f\n", sr_class_name((sr_class)k), c->tariff[k]);
    for (size_t j = 0; j < c->np; j++) {
        const param *p = &c->par[j];
        if (!p->used)
            continue;
        if (p->type == P_CLASS)
            sb(&b, "time class %s %.4f\n", sr_class_name((sr_class)p->cls), p->value);
        else if (p->type == P_DWELL)
            sb(&b, "dwell crossing %s %s %.2f %.2f\n", c->net->crossings[p->x].id, p->dir ? "b-a" : "a-b", p->value,
               dwell_p90(p, p->value));
        else if (p->type == P_SIDE)
            sb(&b, "# %s side of %s %s: %.2f h\n", p->side == SR__SIDE_EXIT ? "exit" : "entry",
               c->net->crossings[p->x].id, p->dir ? "b-a" : "a-b", p->value);
        else if (p->type == P_DWELL_YEAR && c->par[p->parent].type == P_SIDE) {
            /* the year's total: this side's year plus the other side's pooled dwell */
            size_t e = c->par[c->par[p->parent].parent].split;
            double v = p->value + c->par[p->side == SR__SIDE_EXIT ? e + 1 : e].value;
            sb(&b, "dwell crossing %s %s %.2f %.2f year %d\n", c->net->crossings[p->x].id, p->dir ? "b-a" : "a-b", v,
               dwell_p90(&c->par[c->par[p->parent].parent], v), p->year);
        } else if (p->type == P_DWELL_YEAR)
            sb(&b, "dwell crossing %s %s %.2f %.2f year %d\n", c->net->crossings[p->x].id, p->dir ? "b-a" : "a-b",
               p->value, dwell_p90(p, p->value), p->year);
        else
            sb(&b, "transfer %s %s %s %.2f %.2f\n", c->net->places[p->place].id, sr_class_name((sr_class)p->f),
               sr_class_name((sr_class)p->t), p->value, p->value * p->ratio);
    }
    return sb_done(&b);
}

static void json_str(sbuf *b, const char *s)
{
    sb(b, "\"");
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            sb(b, "\\%c", ch);
        else if (ch < 0x20)
            sb(b, "\\u%04x", ch);
        else
            sb(b, "%c", ch);
    }
    sb(b, "\"");
}

static void json_num(sbuf *b, double v)
{
    if (isfinite(v))
        sb(b, "%.4g", v);
    else
        sb(b, "null");
}

static const char *obs_reason(const sr_calibration *c, size_t i, char *buf, size_t cap)
{
    const sr__obs *o = &c->obs[i];
    /* Tariffs are not fitted (three priced observations, docs/CALIBRATION.md):
     * the report compares the model's cost with the published price. */
    if (o->subject == SR__OBS_ROUTE && !(o->time_h > 0) && o->price_usd > 0 && c->rows[i].routed) {
        if (isfinite(c->cost_fit[i]))
            snprintf(buf, cap, "price: fitted %.0f USD per %s (%+.0f %%; priors %.0f, leave-one-out %.0f) against %.0f published",
                     c->cost_fit[i], sr_unit_name((sr_unit)o->unit), 100 * (c->cost_fit[i] - o->price_usd) / o->price_usd,
                     c->rows[i].cost_usd, c->cost_cv[i], o->price_usd);
        else
            snprintf(buf, cap, "price only: model %.0f USD per %s against %.0f published (%+.0f %%)", c->rows[i].cost_usd,
                     sr_unit_name((sr_unit)o->unit), o->price_usd,
                     100 * (c->rows[i].cost_usd - o->price_usd) / o->price_usd);
        return buf;
    }
    if (o->subject == SR__OBS_TRAINS)
        return "train count: reference, not a time";
    if (!in_period(c, o))
        return "outside the calibrated period";
    if (!c->rows[i].routed)
        return "no route under the observation's constraints";
    if (o->kind == SR__KIND_RECORD)
        return "record run: faster than the typical time the model gives";
    if (o->kind == SR__KIND_PILOT)
        return "pilot run: a single train with stops, not the typical time";
    if (!(o->time_h > 0))
        return o->price_usd > 0 ? "price only: reference, not fitted" : "distance only: checked within 10 %";
    if (c->weight[i] < 0.5)
        return "down-weighted as an outlier by the robust fit";
    return "";
}

char *sr_calibration_json(const sr_calibration *c, unsigned flags)
{
    if (!c || !c->par)
        return NULL;
    const char *nl = flags & SR_JSON_PRETTY ? "\n" : "";
    char rbuf[256];
    sbuf b = {0};
    sb(&b, "{\"code\":\"Ok\",\"summary\":{\"converged\":%s,\"iterations\":%d,\"observations\":%zu,\"fitted\":%zu,"
           "\"parameters\":%zu,\"median_abs_error\":",
       c->sum.converged ? "true" : "false", c->sum.iterations, c->sum.n_observations, c->sum.n_fitted, c->sum.n_params);
    json_num(&b, c->sum.median_abs_error);
    sb(&b, ",\"cv_median_abs_error\":");
    json_num(&b, c->sum.cv_median_abs_error);
    sb(&b, ",\"cv_median_abs_error_routes\":");
    json_num(&b, c->sum.cv_median_abs_error_routes);
    sb(&b, ",\"cv_median_abs_error_parts\":");
    json_num(&b, c->sum.cv_median_abs_error_parts);
    sb(&b, ",\"folds\":%d,\"share_in_range\":", c->folds);
    json_num(&b, c->sum.share_in_range);
    sb(&b, ",\"share_distance_within_10pct\":");
    json_num(&b, c->sum.share_distance_ok);
    sb(&b, ",\"distance_observations\":%zu,\"priced_observations\":%zu,\"price_median_abs_error_prior\":", c->sum.n_distance,
       c->n_priced);
    json_num(&b, c->price_err_prior);
    sb(&b, ",\"price_median_abs_error\":");
    json_num(&b, c->price_err_fit);
    sb(&b, ",\"price_cv_median_abs_error\":");
    json_num(&b, c->price_err_cv);
    sb(&b, "},%s\"tariffs\":[", nl);
    int tfirst = 1;
    for (int k = 0; k < SR_CLASS_COUNT; k++)
        if (c->tariff_used[k]) {
            sb(&b, "%s{\"class\":\"%s\",\"prior\":1,\"value\":", tfirst ? "" : ",", sr_class_name((sr_class)k));
            json_num(&b, c->tariff[k]);
            sb(&b, "}");
            tfirst = 0;
        }
    sb(&b, "],%s\"parameters\":[", nl);
    int first = 1;
    for (size_t j = 0; j < c->np; j++) {
        if (!c->par[j].used)
            continue;
        sb(&b, "%s%s{\"name\":", first ? "" : ",", nl);
        json_str(&b, c->par[j].name);
        sb(&b, ",\"prior\":");
        json_num(&b, c->par[j].prior);
        sb(&b, ",\"value\":");
        json_num(&b, c->par[j].value);
        sb(&b, "}");
        first = 0;
    }
    sb(&b, "],%s\"observations\":[", nl);
    for (size_t i = 0; i < c->n_obs; i++) {
        const sr__obs *o = &c->obs[i];
        double lo = 0, hi = 0;
        if (o->time_h > 0)
            range_of(o, &lo, &hi);
        sb(&b, "%s%s{\"id\":", i ? "," : "", nl);
        json_str(&b, o->id);
        sb(&b, ",\"subject\":\"%s\",\"kind\":\"%s\",\"period\":\"%d..%d\",\"observed_h\":", sr__obs_subject_name(o->subject),
           sr__obs_kind_name(o->kind), o->period_from, o->period_to);
        json_num(&b, o->time_h > 0 ? o->time_h : NAN);
        sb(&b, ",\"range_h\":[");
        json_num(&b, o->time_h > 0 ? lo : NAN);
        sb(&b, ",");
        json_num(&b, o->time_h > 0 ? hi : NAN);
        sb(&b, "],\"predicted_h\":");
        json_num(&b, o->subject == SR__OBS_TRAINS ? NAN : c->pred[i]);
        sb(&b, ",\"predicted_p90_h\":");
        json_num(&b, o->subject == SR__OBS_TRAINS ? NAN : c->pred90[i]);
        sb(&b, ",\"cv_predicted_h\":");
        json_num(&b, c->cvpred[i]);
        int inr = o->time_h > 0 && isfinite(c->pred[i]) && c->pred[i] >= lo - 1e-9 && c->pred[i] <= hi + 1e-9;
        sb(&b, ",\"in_range\":%s,\"fitted\":%s,\"weight\":", inr ? "true" : "false", c->fit[i] ? "true" : "false");
        json_num(&b, c->fit[i] ? c->weight[i] : NAN);
        if (o->subject == SR__OBS_ROUTE) {
            sb(&b, ",\"distance_km\":");
            json_num(&b, o->distance_km > 0 ? o->distance_km : NAN);
            sb(&b, ",\"predicted_km\":");
            json_num(&b, c->rows[i].routed ? c->rows[i].km : NAN);
            sb(&b, ",\"route\":");
            json_str(&b, c->rows[i].path);
            if (o->price_usd > 0) {
                sb(&b, ",\"price_usd\":");
                json_num(&b, o->price_usd);
                sb(&b, ",\"predicted_cost_usd\":");
                json_num(&b, c->rows[i].routed ? c->cost_fit[i] : NAN);
                sb(&b, ",\"prior_cost_usd\":");
                json_num(&b, c->rows[i].routed ? c->rows[i].cost_usd : NAN);
                sb(&b, ",\"cv_cost_usd\":");
                json_num(&b, c->cost_cv[i]);
            }
        }
        sb(&b, ",\"reason\":");
        json_str(&b, obs_reason(c, i, rbuf, sizeof rbuf));
        sb(&b, "}");
    }
    sb(&b, "]}");
    return sb_done(&b);
}

char *sr_calibration_text(const sr_calibration *c)
{
    if (!c || !c->par)
        return NULL;
    char rbuf[256];
    sbuf b = {0};
    sb(&b, "calibration: %zu observations, %zu fitted, %zu free parameters; %s after %d rounds\n",
       c->sum.n_observations, c->sum.n_fitted, c->sum.n_params, c->sum.converged ? "converged" : "NOT converged",
       c->sum.iterations);
    sb(&b, "median |error| %.1f %% in sample", 100 * c->sum.median_abs_error);
    if (!isnan(c->sum.cv_median_abs_error))
        sb(&b, ", %.1f %% %d-fold cross-validated (transit times %.1f %% of %zu, border and terminal times %.1f %% of %zu)",
           100 * c->sum.cv_median_abs_error, c->folds, 100 * c->sum.cv_median_abs_error_routes, c->sum.n_cv_routes,
           100 * c->sum.cv_median_abs_error_parts, c->sum.n_cv_parts);
    sb(&b, "; %.0f %% inside the published range; distances within 10 %%: %.0f %% of %zu\n",
       100 * c->sum.share_in_range, 100 * c->sum.share_distance_ok, c->sum.n_distance);
    sb(&b, "tariffs: %zu priced observations, median |error| %.1f %% with the priors, %.1f %% fitted, %.1f %% leave-one-out\n\n",
       c->n_priced, 100 * c->price_err_prior, 100 * c->price_err_fit, 100 * c->price_err_cv);
    sb(&b, "%-28s %-10s %-10s %9s %9s %9s %9s %7s %5s %6s  %s\n", "observation", "subject", "kind", "observed", "range",
       "model", "P90", "CV", "in", "weight", "note");
    for (size_t i = 0; i < c->n_obs; i++) {
        const sr__obs *o = &c->obs[i];
        if (o->subject == SR__OBS_TRAINS) {
            sb(&b, "%-28s %-10s %-10s %9s %9s %9s %9s %7s %5s %6s  %s\n", o->id, "trains", sr__obs_kind_name(o->kind),
               "-", "-", "-", "-", "-", "-", "-", obs_reason(c, i, rbuf, sizeof rbuf));
            continue;
        }
        double lo, hi;
        range_of(o, &lo, &hi);
        char rng[32], cv[16], obs[16];
        snprintf(rng, sizeof rng, "%.0f-%.0f", lo, hi);
        snprintf(obs, sizeof obs, "%.1f", o->time_h);
        if (!(o->time_h > 0)) {
            snprintf(rng, sizeof rng, "-");
            snprintf(obs, sizeof obs, "-");
        }
        if (isfinite(c->cvpred[i]))
            snprintf(cv, sizeof cv, "%.1f", c->cvpred[i]);
        else
            snprintf(cv, sizeof cv, "-");
        int inr = o->time_h > 0 && isfinite(c->pred[i]) && c->pred[i] >= lo - 1e-9 && c->pred[i] <= hi + 1e-9;
        sb(&b, "%-28s %-10s %-10s %9s %9s %9.1f %9.1f %7s %5s %6.2f  %s\n", o->id, sr__obs_subject_name(o->subject),
           sr__obs_kind_name(o->kind), obs, rng, c->pred[i], c->pred90[i], cv, inr ? "yes" : "NO",
           c->fit[i] ? c->weight[i] : 0.0, obs_reason(c, i, rbuf, sizeof rbuf));
    }
    sb(&b, "\nparameters (prior -> fitted):\n");
    for (int k = 0; k < SR_CLASS_COUNT; k++)
        if (c->tariff_used[k]) {
            char nm[64];
            snprintf(nm, sizeof nm, "tariff class %s", sr_class_name((sr_class)k));
            sb(&b, "  %-60s %9.3f -> %9.3f\n", nm, 1.0, c->tariff[k]);
        }
    for (size_t j = 0; j < c->np; j++)
        if (c->par[j].used)
            sb(&b, "  %-60s %9.3f -> %9.3f\n", c->par[j].name, c->par[j].prior, c->par[j].value);
    return sb_done(&b);
}
