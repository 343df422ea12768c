/*
 * spread.c - time distributions of the network: border dwell per crossing
 * and direction, transfer (gauge change, terminal) times and running times
 * as log-normal distributions given by their P50 and P90, read at load
 * time from three files of the dataset (docs/DATA.md, docs/CALIBRATION.md):
 *
 *   crossing_times.csv  P50/P90 dwell per crossing, direction, season, period
 *   time_spread.csv     P90/P50 ratios by component where no row gives one
 *   calibrated.scn      the calibration overlay (fitted P50/P90 and factors)
 *
 * Why log-normal: times are positive and right-skewed (a border is usually
 * cleared in about a day but sometimes takes a week), a log-normal is fixed
 * by the two figures surveys publish (a typical value and a bad case), and
 * sums of independent log-normals are well approximated by a log-normal
 * with the same mean and variance (Fenton-Wilkinson), which keeps route
 * totals cheap to combine (sr__lognormal_sum()).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "core/csv.h"
#include "network/network.h"
#include "core/util.h"

/* z of the standard normal at 0.9. */
#define Z90 1.2815515655446004

/* ---- distribution arithmetic ----------------------------------------------- */

double sr__ln_sigma(double p50, double p90)
{
    if (!(p50 > 0) || !(p90 > p50))
        return 0;
    return log(p90 / p50) / Z90;
}

void sr__lognormal_sum(const double *p50, const double *p90, size_t n, sr__lnsum *out)
{
    double m = 0, v = 0, base = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(p50[i] > 0))
            continue;
        base += p50[i];
        double s = sr__ln_sigma(p50[i], p90[i]);
        double mean = p50[i] * exp(0.5 * s * s);
        m += mean;
        v += mean * mean * expm1(s * s);
    }
    out->sum_p50 = base;
    if (!(m > 0)) {
        out->mu = -INFINITY;
        out->sigma = 0;
        out->p50 = out->p90 = 0;
        return;
    }
    double s2 = log1p(v / (m * m));
    out->sigma = sqrt(s2);
    out->mu = log(m) - 0.5 * s2;
    out->p50 = exp(out->mu);
    out->p90 = exp(out->mu + Z90 * out->sigma);
}

double sr__lognormal_cdf(double mu, double sigma, double x)
{
    if (!(x > 0))
        return 0;
    if (mu == -INFINITY)
        return 1;
    if (!(sigma > 0))
        return x >= exp(mu) ? 1 : 0;
    return 0.5 * erfc(-(log(x) - mu) / (sigma * sqrt(2.0)));
}

/* ---- loading ---------------------------------------------------------------- */

typedef struct sload {
    sr_network *net;
    sr__diag *d;
    const char *file;
    long line;
} sload;

static void __attribute__((format(printf, 3, 4))) serr(sload *S, const char *field, const char *fmt, ...)
{
    char msg[640], full[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (S->line > 0 && field)
        snprintf(full, sizeof full, "%s:%ld: %s: %s", S->file, S->line, field, msg);
    else if (S->line > 0)
        snprintf(full, sizeof full, "%s:%ld: %s", S->file, S->line, msg);
    else
        snprintf(full, sizeof full, "%s: %s", S->file, msg);
    if (S->d->errors++ == 0)
        snprintf(S->d->first, sizeof S->d->first, "%s", full);
    if (S->d->report)
        S->d->report(S->d->ctx, 1, full);
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 1;
}

static int date_ok(int y, int m, int d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100) || y % 400 == 0));
}

int sr__parse_period(const char *s, int *from, int *to)
{
    int a = 0, b = 0, n = 0;
    if (!s || !*s) {
        *from = 0;
        *to = 9999;
        return 0;
    }
    if (sscanf(s, "%4d..%4d%n", &a, &b, &n) == 2 && !s[n] && a >= 1900 && b >= a && b <= 2200) {
        *from = a;
        *to = b;
        return 0;
    }
    if (sscanf(s, "%4d%n", &a, &n) == 1 && !s[n] && a >= 1900 && a <= 2200 && strlen(s) == 4) {
        *from = *to = a;
        return 0;
    }
    /* Dates (tracked observations say the days they were made): the
     * calibration's periods are years, so a date counts as its year. */
    int m1, d1, m2, d2;
    if (sscanf(s, "%4d-%2d-%2d%n", &a, &m1, &d1, &n) == 3 && strlen(s) == 10 && n == 10 && date_ok(a, m1, d1)) {
        *from = *to = a;
        return 0;
    }
    if (strlen(s) == 22 && sscanf(s, "%4d-%2d-%2d..%4d-%2d-%2d%n", &a, &m1, &d1, &b, &m2, &d2, &n) == 6 && n == 22 &&
        date_ok(a, m1, d1) && date_ok(b, m2, d2) && (b > a || (b == a && (m2 > m1 || (m2 == m1 && d2 >= d1))))) {
        *from = a;
        *to = b;
        return 0;
    }
    return -1;
}

static int valid_season(const char *s)
{
    int m1, d1, m2, d2, n = 0;
    if (!*s)
        return 1;
    return sscanf(s, "%2d-%2d..%2d-%2d%n", &m1, &d1, &m2, &d2, &n) == 4 && !s[n] && m1 >= 1 && m1 <= 12 &&
           m2 >= 1 && m2 <= 12 && d1 >= 1 && d1 <= 31 && d2 >= 1 && d2 <= 31;
}

/* Which directions a direction field names: bit 0 a-b, bit 1 b-a; 0 bad. */
int sr__parse_direction(const char *s)
{
    if (!strcmp(s, "a-b"))
        return 1;
    if (!strcmp(s, "b-a"))
        return 2;
    if (!strcmp(s, "both") || !*s)
        return 3;
    return 0;
}

#define RATIO_MAX 20.0

/* time_spread.csv: component,key,p90_over_p50,source.  Components: `run`
 * (key a carrier class), `crossing` (key rail or road), `transfer` (key
 * gauge_change or mode_change). */
static void load_spread(sload *S, const char *dir, double run[SR_CLASS_COUNT], double xr[2], double tr[2])
{
    char path[4096];
    snprintf(path, sizeof path, "%s/time_spread.csv", dir);
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return;
    fclose(probe);
    sr__csv c;
    S->file = "time_spread.csv";
    S->line = 0;
    if (sr__csv_open(&c, path, "time_spread.csv") < 0) {
        serr(S, NULL, "%s", c.err);
        sr__csv_close(&c);
        return;
    }
    int cc = sr__csv_col(&c, "component"), ck = sr__csv_col(&c, "key"), cr = sr__csv_col(&c, "p90_over_p50");
    if (cc < 0 || ck < 0 || cr < 0) {
        S->line = 1;
        serr(S, cc < 0 ? "component" : ck < 0 ? "key" : "p90_over_p50", "required column missing");
    } else {
        int r;
        while ((r = sr__csv_next(&c)) > 0) {
            S->line = c.line;
            const char *comp = sr__csv_get(&c, cc), *key = sr__csv_get(&c, ck);
            double v;
            if (parse_num(sr__csv_get(&c, cr), 1, RATIO_MAX, &v) != 1) {
                serr(S, "p90_over_p50", "'%s' is not a number in [1, %g]", sr__csv_get(&c, cr), RATIO_MAX);
                continue;
            }
            if (!strcmp(comp, "run")) {
                int k = sr__class_parse(key);
                if (k < 0)
                    serr(S, "key", "'%s' is not a carrier class (rail1435, rail1520, road, sea, air)", key);
                else
                    run[k] = v;
            } else if (!strcmp(comp, "crossing")) {
                int m = sr_mode_parse(key);
                if (m != SR_RAIL && m != SR_ROAD)
                    serr(S, "key", "'%s' must be rail or road", key);
                else
                    xr[m == SR_ROAD] = v;
            } else if (!strcmp(comp, "transfer")) {
                if (!strcmp(key, "gauge_change"))
                    tr[SR_GAUGE_CHANGE] = v;
                else if (!strcmp(key, "mode_change"))
                    tr[SR_MODE_CHANGE] = v;
                else
                    serr(S, "key", "'%s' must be gauge_change or mode_change", key);
            } else
                serr(S, "component", "'%s' must be run, crossing or transfer", comp);
        }
        if (r < 0) {
            S->line = 0;
            serr(S, NULL, "%s", c.err);
        }
    }
    sr__csv_close(&c);
}

/* Keep a seasonal row: per crossing side and season the latest period
 * wins (as for the all-year rows).  p90 < 0: the default ratio. */
static int add_season(sr_network *net, uint32_t x, int dirs, const char *season, int period_to, double p50, double p90)
{
    int m1, d1, m2, d2;
    if (sscanf(season, "%2d-%2d..%2d-%2d", &m1, &d1, &m2, &d2) != 4)
        return 0; /* validated before */
    uint16_t f = (uint16_t)(m1 * 100 + d1), t = (uint16_t)(m2 * 100 + d2);
    double ratio = net->x_ratio[net->crossings[x].mode == SR_ROAD];
    for (int d = 0; d < 2; d++) {
        if (!(dirs & (1 << d)))
            continue;
        uint32_t xi = 2 * x + (uint32_t)d;
        struct sr__xseason *e = NULL;
        for (size_t i = 0; i < net->n_xseason; i++)
            if (net->xseason[i].xi == xi && net->xseason[i].from_md == f && net->xseason[i].to_md == t)
                e = &net->xseason[i];
        if (e && e->period_to > period_to)
            continue;
        if (!e) {
            struct sr__xseason *n = realloc(net->xseason, (net->n_xseason + 1) * sizeof *n);
            if (!n)
                return -1;
            net->xseason = n;
            e = &net->xseason[net->n_xseason++];
        }
        e->xi = xi;
        e->from_md = f;
        e->to_md = t;
        e->period_to = period_to;
        e->p50 = p50;
        e->p90 = p90 >= 0 ? p90 : p50 * (ratio > 0 ? ratio : 1);
    }
    return 0;
}

/* crossing_times.csv: crossing,direction,season,p50_h,p90_h,period,basis,source.
 * The static model uses, per crossing and direction, the all-year row of
 * the latest period (a direction-specific row before a `both` row of the
 * same period); seasonal rows go to net->xseason for timed queries. */
static void load_crossing_times(sload *S, const char *dir)
{
    sr_network *net = S->net;
    char path[4096];
    snprintf(path, sizeof path, "%s/crossing_times.csv", dir);
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return;
    fclose(probe);
    sr__csv c;
    S->file = "crossing_times.csv";
    S->line = 0;
    if (sr__csv_open(&c, path, "crossing_times.csv") < 0) {
        serr(S, NULL, "%s", c.err);
        sr__csv_close(&c);
        return;
    }
    static const char *const req[] = {"crossing", "direction", "p50_h", "period", "basis", "source", NULL};
    for (const char *const *k = req; *k; k++)
        if (sr__csv_col(&c, *k) < 0) {
            S->line = 1;
            serr(S, *k, "required column missing");
            sr__csv_close(&c);
            return;
        }
    /* Best row so far per crossing and direction: period end, specificity. */
    size_t nx = net->n_crossings;
    int *best_end = calloc(2 * nx + 1, sizeof *best_end);
    int *best_spec = calloc(2 * nx + 1, sizeof *best_spec);
    if (!best_end || !best_spec) {
        free(best_end);
        free(best_spec);
        sr__csv_close(&c);
        return;
    }
    int r;
    while ((r = sr__csv_next(&c)) > 0) {
        S->line = c.line;
        const char *id = sr__csv_get(&c, sr__csv_col(&c, "crossing"));
        /* A second copy of the header (two branches that each created the
         * file, joined by the union merge of .gitattributes) is skipped. */
        if (!strcmp(id, "crossing") && !strcmp(sr__csv_get(&c, sr__csv_col(&c, "p50_h")), "p50_h"))
            continue;
        long x = sr_crossing_find(net, id);
        int ok = 1;
        if (x < 0) {
            serr(S, "crossing", "unknown crossing '%s'", id);
            ok = 0;
        }
        int dirs = sr__parse_direction(sr__csv_get(&c, sr__csv_col(&c, "direction")));
        if (!dirs || !*sr__csv_get(&c, sr__csv_col(&c, "direction"))) {
            serr(S, "direction", "'%s' must be a-b, b-a or both", sr__csv_get(&c, sr__csv_col(&c, "direction")));
            ok = 0;
        }
        const char *season = sr__csv_get(&c, sr__csv_col(&c, "season"));
        if (!valid_season(season)) {
            serr(S, "season", "'%s': use MM-DD..MM-DD or leave empty for all year", season);
            ok = 0;
        }
        double p50 = 0, p90 = 0;
        int r50 = parse_num(sr__csv_get(&c, sr__csv_col(&c, "p50_h")), 0, 24 * 90, &p50);
        if (r50 != 1) {
            serr(S, "p50_h", "'%s' is not hours in [0, 2160]", sr__csv_get(&c, sr__csv_col(&c, "p50_h")));
            ok = 0;
        }
        int r90 = parse_num(sr__csv_get(&c, sr__csv_col(&c, "p90_h")), 0, 24 * 365, &p90);
        if (r90 < 0) {
            serr(S, "p90_h", "'%s' is not hours in [0, 8760]", sr__csv_get(&c, sr__csv_col(&c, "p90_h")));
            ok = 0;
        } else if (r90 == 1 && r50 == 1 && (p90 < p50 || (p50 > 0 && p90 > RATIO_MAX * p50))) {
            serr(S, "p90_h", "%g must be between p50_h (%g) and %g times it", p90, p50, RATIO_MAX);
            ok = 0;
        }
        int pf, pt;
        const char *per = sr__csv_get(&c, sr__csv_col(&c, "period"));
        if (!*per || sr__parse_period(per, &pf, &pt) < 0) {
            serr(S, "period", "'%s': use a year (2023) or YYYY..YYYY", per);
            ok = 0;
        }
        const char *basis = sr__csv_get(&c, sr__csv_col(&c, "basis"));
        if (strcmp(basis, "survey") && strcmp(basis, "schedule") && strcmp(basis, "assumption") &&
            strcmp(basis, "calibrated")) {
            serr(S, "basis", "'%s' must be survey, schedule, assumption or calibrated", basis);
            ok = 0;
        }
        /* Source ids are checked by the loader (load.c, check_extra_sources). */
        if (!*sr__csv_get(&c, sr__csv_col(&c, "source"))) {
            serr(S, "source", "missing: every figure needs a source id from sources.csv");
            ok = 0;
        }
        if (!ok)
            continue;
        if (*season) {
            if (add_season(net, (uint32_t)x, dirs, season, pt, p50, r90 == 1 ? p90 : -1) < 0) {
                serr(S, NULL, "out of memory");
                break;
            }
            continue;
        }
        for (int d = 0; d < 2; d++) {
            if (!(dirs & (1 << d)))
                continue;
            size_t i = 2 * (size_t)x + (size_t)d;
            int spec = dirs == 3 ? 1 : 2;
            if (pt > best_end[i] || (pt == best_end[i] && spec >= best_spec[i])) {
                best_end[i] = pt;
                best_spec[i] = spec;
                net->x_p50[i] = p50;
                net->x_p90[i] = r90 == 1 ? p90 : -1; /* -1: ratio of time_spread.csv */
                net->x_p90_given[i] = r90 == 1;
                net->x_prior_year[i] = !strcmp(basis, "survey") && pf == pt ? pt : 0;
            }
        }
    }
    if (r < 0) {
        S->line = 0;
        serr(S, NULL, "%s", c.err);
    }
    free(best_end);
    free(best_spec);
    sr__csv_close(&c);
}

/* The calibration overlay, calibrated.scn.  One edit per line, words
 * separated by blanks, '#' comments:
 *   source ID                               the source id of the fit
 *   time class CLASS FACTOR                 running times of a class x FACTOR
 *   tariff class CLASS FACTOR               link tariffs of a class x FACTOR
 *   dwell crossing ID a-b|b-a|both P50 P90  border dwell
 *   dwell crossing ID DIR P50 P90 year Y    the dwell of year Y (queries with --year Y)
 *   transfer PLACE FROM TO P50 P90          a transfer row (both directions)
 */
#define OVERLAY_MAX_LINES 100000

static long find_place_id(const sr_network *net, const char *id) { return sr__place_id_find(net, id); }

static int overlay_line(sload *S, char *line)
{
    sr_network *net = S->net;
    char *w[10];
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r", &save); t && n < 10; t = strtok_r(NULL, " \t\r", &save))
        w[n++] = t;
    if (!n)
        return 0;
    double v1, v2;
    if (!strcmp(w[0], "source") && n == 2) {
        snprintf(net->overlay_source, sizeof net->overlay_source, "%s", w[1]);
        return 0;
    }
    if (!strcmp(w[0], "time") && n == 4 && !strcmp(w[1], "class")) {
        int k = sr__class_parse(w[2]);
        if (k < 0) {
            serr(S, "class", "'%s' is not a carrier class", w[2]);
            return -1;
        }
        if (parse_num(w[3], 0.05, 20, &v1) != 1) {
            serr(S, "time", "'%s' is not a factor in [0.05, 20]", w[3]);
            return -1;
        }
        for (uint32_t i = 0; i < net->n_links; i++)
            if ((int)sr__time_class(net, &net->links[i]) == k)
                net->links[i].duration_h = net->link_base_h[i] * v1;
        return 0;
    }
    if (!strcmp(w[0], "tariff") && n == 4 && !strcmp(w[1], "class")) {
        /* Link tariffs of a class x FACTOR; border and transfer fees stay. */
        int k = sr__class_parse(w[2]);
        if (k < 0) {
            serr(S, "class", "'%s' is not a carrier class", w[2]);
            return -1;
        }
        if (parse_num(w[3], 0.05, 20, &v1) != 1) {
            serr(S, "tariff", "'%s' is not a factor in [0.05, 20]", w[3]);
            return -1;
        }
        for (uint32_t a = 0; a < net->n_arcs; a++) {
            const sr_link *lk = &net->links[net->arc_link[a]];
            if ((int)sr__time_class(net, lk) == k)
                for (int u = 0; u < SR_UNIT_COUNT; u++)
                    net->arc_cost[u][a] += (v1 - 1) * lk->cost_usd[u];
        }
        for (uint32_t i = 0; i < net->n_links; i++)
            if ((int)sr__time_class(net, &net->links[i]) == k)
                for (int u = 0; u < SR_UNIT_COUNT; u++)
                    net->links[i].cost_usd[u] *= v1;
        return 0;
    }
    int year = 0;
    if (!strcmp(w[0], "dwell") && n == 8 && !strcmp(w[6], "year")) {
        double y;
        if (parse_num(w[7], 1900, 2200, &y) != 1 || y != floor(y)) {
            serr(S, "year", "'%s' is not a year in 1900-2200", w[7]);
            return -1;
        }
        year = (int)y;
        n = 6;
    }
    if (!strcmp(w[0], "dwell") && n == 6 && !strcmp(w[1], "crossing")) {
        long x = sr_crossing_find(net, w[2]);
        int dirs = sr__parse_direction(w[3]);
        if (x < 0) {
            serr(S, "crossing", "unknown crossing '%s'", w[2]);
            return -1;
        }
        if (!dirs) {
            serr(S, "direction", "'%s' must be a-b, b-a or both", w[3]);
            return -1;
        }
        if (parse_num(w[4], 0, 24 * 90, &v1) != 1 || parse_num(w[5], v1, 24 * 365, &v2) != 1 ||
            (v1 > 0 && v2 > RATIO_MAX * v1)) {
            serr(S, "dwell", "'%s %s' must be P50 <= P90 hours (P90 at most %g x P50)", w[4], w[5], RATIO_MAX);
            return -1;
        }
        for (int d = 0; d < 2; d++) {
            if (!(dirs & (1 << d)))
                continue;
            if (year) {
                if (sr__grow((void **)&net->xyear, &net->cap_xyear, net->n_xyear + 1, sizeof *net->xyear) < 0)
                    return -1;
                net->xyear[net->n_xyear++] = (struct sr__xyear){(uint32_t)(2 * x + d), year, v1, v2};
            } else {
                net->x_p50[2 * x + d] = v1;
                net->x_p90[2 * x + d] = v2;
            }
        }
        return 0;
    }
    if (!strcmp(w[0], "transfer") && n == 6) {
        long p = find_place_id(net, w[1]);
        int f = sr__class_parse(w[2]), t = sr__class_parse(w[3]);
        if (p < 0) {
            serr(S, "transfer", "unknown place '%s'", w[1]);
            return -1;
        }
        if (f < 0 || t < 0) {
            serr(S, "transfer", "'%s %s' are not carrier classes", w[2], w[3]);
            return -1;
        }
        if (parse_num(w[4], 0, 24 * 60, &v1) != 1 || parse_num(w[5], v1, 24 * 365, &v2) != 1 ||
            (v1 > 0 && v2 > RATIO_MAX * v1)) {
            serr(S, "transfer", "'%s %s' must be P50 <= P90 hours (P90 at most %g x P50)", w[4], w[5], RATIO_MAX);
            return -1;
        }
        int hit = 0;
        for (uint32_t i = net->xfer_off[p]; i < net->xfer_off[p + 1]; i++) {
            sr__xfer *x = &net->xfers[i];
            if ((x->from == f && x->to == t) || (x->from == t && x->to == f)) {
                x->duration_h = v1;
                x->duration_p90_h = v2;
                hit = 1;
            }
        }
        if (!hit) {
            serr(S, "transfer", "no transfer %s -> %s at %s in transfers.csv", w[2], w[3], w[1]);
            return -1;
        }
        return 0;
    }
    serr(S, w[0], "unknown edit; expected: source ID | time class CLASS FACTOR | tariff class CLASS FACTOR | dwell crossing ID DIR P50 P90 [year Y] | "
                  "transfer PLACE FROM TO P50 P90");
    return -1;
}

int sr__overlay_apply_text(sr_network *net, const char *text, size_t len, const char *name, sr__diag *d)
{
    sload S = {net, d, name, 0};
    size_t pos = 0;
    long lines = 0;
    while (pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n')
            e++;
        S.line = ++lines;
        if (lines > OVERLAY_MAX_LINES) {
            serr(&S, NULL, "more than %d lines", OVERLAY_MAX_LINES);
            return -1;
        }
        char buf[1024];
        size_t n = e - pos;
        if (n >= sizeof buf) {
            serr(&S, NULL, "line longer than %zu bytes", sizeof buf - 1);
        } else {
            memcpy(buf, text + pos, n);
            buf[n] = 0;
            if (memchr(buf, 0, n))
                serr(&S, NULL, "NUL byte");
            else {
                char *h = strchr(buf, '#');
                if (h)
                    *h = 0;
                overlay_line(&S, buf);
            }
        }
        pos = e + 1;
    }
    return 0;
}

static void load_overlay(sload *S, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/calibrated.scn", dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char *buf = malloc(SR__OVERLAY_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, SR__OVERLAY_MAX_BYTES + 1, f) : 0;
    fclose(f);
    S->file = "calibrated.scn";
    S->line = 0;
    if (!buf)
        return;
    if (n > SR__OVERLAY_MAX_BYTES)
        serr(S, NULL, "larger than %d bytes", SR__OVERLAY_MAX_BYTES);
    else
        sr__overlay_apply_text(S->net, buf, n, "calibrated.scn", S->d);
    free(buf);
}

void sr__spread_rebuild_arcs(sr_network *net)
{
    for (uint32_t a = 0; a < net->n_arcs; a++) {
        const sr_link *k = &net->links[net->arc_link[a]];
        sr_class c = sr__time_class(net, k);
        double ratio = net->run_ratio[c] > 0 ? net->run_ratio[c] : 1;
        double t = k->duration_h, t90 = k->duration_h * ratio;
        if (k->crossing >= 0) {
            size_t i = 2 * (size_t)k->crossing + (size_t)sr__arc_xdir(net, a);
            t += net->x_p50[i];
            t90 += net->x_p90[i];
        }
        net->arc_time_h[a] = t;
        net->arc_p90_h[a] = t90;
        net->arc_xi[a] = k->crossing >= 0 ? (uint32_t)(2 * k->crossing + sr__arc_xdir(net, a)) : UINT32_MAX;
    }
}

void sr__spread_free(sr_network *net)
{
    free(net->x_p50);
    free(net->x_p90);
    free(net->arc_p90_h);
    free(net->link_base_h);
    free(net->xyear);
    free(net->arc_xi);
    free(net->x_p90_given);
    free(net->x_prior_year);
    free(net->xseason);
    net->xseason = NULL;
    net->n_xseason = 0;
    net->x_p90_given = NULL;
    net->x_prior_year = NULL;
    net->x_p50 = net->x_p90 = net->arc_p90_h = net->link_base_h = NULL;
    net->xyear = NULL;
    net->arc_xi = NULL;
}

int sr__spread_load(sr_network *net, const char *dir, sr__diag *d)
{
    size_t nx = net->n_crossings;
    net->x_p50 = calloc(2 * nx + 1, sizeof(double));
    net->x_p90 = calloc(2 * nx + 1, sizeof(double));
    net->arc_p90_h = calloc((size_t)net->n_arcs + 1, sizeof(double));
    net->link_base_h = calloc((size_t)net->n_links + 1, sizeof(double));
    net->arc_xi = calloc((size_t)net->n_arcs + 1, sizeof(uint32_t));
    net->x_p90_given = calloc(2 * nx + 1, 1);
    net->x_prior_year = calloc(2 * nx + 1, sizeof(int));
    if (!net->x_p50 || !net->x_p90 || !net->arc_p90_h || !net->link_base_h || !net->arc_xi || !net->x_p90_given ||
        !net->x_prior_year)
        return -1;
    sload S = {net, d, "", 0};
    double run[SR_CLASS_COUNT], xr[2] = {1, 1}, tr[2] = {1, 1};
    for (int c = 0; c < SR_CLASS_COUNT; c++)
        run[c] = 1;
    load_spread(&S, dir, run, xr, tr);
    memcpy(net->run_ratio, run, sizeof run);
    memcpy(net->x_ratio, xr, sizeof xr);
    for (uint32_t i = 0; i < net->n_links; i++)
        net->link_base_h[i] = net->links[i].duration_h;
    /* Priors: crossings.csv's dwell for both directions. */
    for (size_t x = 0; x < nx; x++)
        for (int k = 0; k < 2; k++) {
            net->x_p50[2 * x + k] = net->crossings[x].dwell_h;
            net->x_p90[2 * x + k] = -1;
        }
    load_crossing_times(&S, dir);
    for (size_t i = 0; i < 2 * nx; i++)
        if (net->x_p90[i] < 0)
            net->x_p90[i] = net->x_p50[i] * xr[net->crossings[i / 2].mode == SR_ROAD];
    for (uint32_t i = 0; i < net->n_xfers; i++)
        net->xfers[i].duration_p90_h = net->xfers[i].duration_h * tr[net->xfers[i].kind ? 1 : 0];
    if (!net->no_overlay)
        load_overlay(&S, dir);
    sr__spread_rebuild_arcs(net);
    return 0;
}

sr_code sr_crossing_dwell(const sr_network *net, size_t x, int direction, double *p50, double *p90)
{
    if (!net || x >= net->n_crossings || (direction != 0 && direction != 1) || !net->x_p50)
        return SR_EARG;
    if (p50)
        *p50 = net->x_p50[2 * x + (size_t)direction];
    if (p90)
        *p90 = net->x_p90[2 * x + (size_t)direction];
    return SR_OK;
}

double sr_route_prob_within(const sr_route *r, double hours)
{
    if (!r)
        return 0;
    return sr__lognormal_cdf(r->time_mu, r->time_sigma, hours - r->time_fixed_h);
}
