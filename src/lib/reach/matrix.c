/*
 * matrix.c - many-to-many matrices of time, cost, CO2e and distance: one
 * one-to-all search (ota.c) per source, stopped as soon as every target is
 * settled, never one search per pair.  JSON keeps one array of rows per
 * figure (compact for 200 x 200 and more); CSV has one row per cell, the
 * shape spreadsheets and pandas read directly.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ota.h"

struct sr_matrix {
    sr_objective objective;
    size_t ns, nt;
    uint32_t *src, *tgt;
    sr_matrix_cell *cells; /* ns x nt, row-major */
};

static void set_err(sr_query *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(sr_query *q, const char *fmt, ...)
{
    size_t cap;
    char *e = sr__query_errbuf(q, &cap);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e, cap, fmt, ap);
    va_end(ap);
}

/* Resolve names into place indices; SR_EPLACE names the entry. */
static sr_code resolve(sr_query *q, const sr_network *net, const char *const *names, size_t n, const char *what,
                       uint32_t *out)
{
    for (size_t i = 0; i < n; i++) {
        size_t idx;
        if (!names[i] || sr_place_find(net, names[i], &idx) != SR_OK) {
            set_err(q, "%s[%zu]: unknown place '%.200s'", what, i, names[i] ? names[i] : "");
            return SR_EPLACE;
        }
        out[i] = (uint32_t)idx;
    }
    return SR_OK;
}

sr_code sr_matrix_query(sr_query *q, const sr_route_options *o, const char *const *sources, size_t n_sources,
                        const char *const *targets, size_t n_targets, sr_matrix **out)
{
    if (!out)
        return SR_EARG;
    *out = NULL;
    if (!q || !o || (n_sources && !sources) || (n_targets && !targets))
        return SR_EARG;
    if (!n_sources || !n_targets) {
        set_err(q, "matrix: at least one source and one target are required");
        return SR_EARG;
    }
    if (n_sources > SR_MATRIX_MAX_CELLS / n_targets) {
        set_err(q, "matrix: %zu x %zu cells; at most %u", n_sources, n_targets, SR_MATRIX_MAX_CELLS);
        return SR_ELIMIT;
    }
    if (o->pareto) {
        set_err(q, "pareto: a matrix uses one objective");
        return SR_EARG;
    }
    if (o->depart != SR_TIME_NONE || o->arrive_by != SR_TIME_NONE) {
        set_err(q, "depart: matrices work on the network without timetables");
        return SR_EARG;
    }
    const sr_network *net = sr__query_net(q);
    sr_matrix *m = calloc(1, sizeof *m);
    sr__ota s;
    memset(&s, 0, sizeof s);
    sr_code rc = SR_ENOMEM;
    if (!m)
        goto done;
    m->objective = o->objective;
    m->ns = n_sources;
    m->nt = n_targets;
    m->src = malloc(n_sources * sizeof *m->src);
    m->tgt = malloc(n_targets * sizeof *m->tgt);
    m->cells = calloc(n_sources * n_targets, sizeof *m->cells);
    if (!m->src || !m->tgt || !m->cells)
        goto done;
    if ((rc = resolve(q, net, sources, n_sources, "sources", m->src)) != SR_OK ||
        (rc = resolve(q, net, targets, n_targets, "targets", m->tgt)) != SR_OK)
        goto done;
    /* The options are validated once, from the first source; the filters
     * do not depend on the origin. */
    sr_route_options oo = *o;
    oo.from = net->places[m->src[0]].id;
    if ((rc = sr__ota_init(&s, q, &oo)) != SR_OK)
        goto done;
    rc = SR_ENOMEM;
    s.want = calloc(net->n_places + 1, 1);
    if (!s.want)
        goto done;
    size_t n_want = 0;
    for (size_t j = 0; j < n_targets; j++)
        if (!s.want[m->tgt[j]] && !s.banned[m->tgt[j]]) {
            s.want[m->tgt[j]] = 1;
            n_want++;
        }
    for (size_t i = 0; i < n_sources; i++) {
        uint32_t from = m->src[i];
        if (s.banned[from]) {
            set_err(q, "avoid: the source %s (%s) is itself avoided", net->places[from].name_en, net->places[from].id);
            rc = SR_EARG;
            goto done;
        }
        /* The source itself settles first; count it only if wanted. */
        s.n_want = n_want;
        if (n_want && (rc = sr__ota_run(&s, from)) != SR_OK)
            goto done;
        for (size_t j = 0; j < n_targets; j++) {
            sr_matrix_cell *c = &m->cells[i * n_targets + j];
            uint32_t t = m->tgt[j];
            if (t == from) {
                c->reachable = 1;
                continue;
            }
            uint32_t st = n_want ? sr__ota_state(&s, t) : UINT32_MAX;
            if (st == UINT32_MAX || s.banned[t])
                continue;
            sr_reach_place rp;
            sr__ota_fill(&s, st, &rp);
            c->reachable = 1;
            c->duration_h = rp.duration_h;
            c->cost_usd = rp.cost_usd;
            c->co2e_kg = rp.co2e_kg;
            c->distance_km = rp.distance_km;
            switch (o->objective) {
            case SR_BY_TIME: c->value = rp.duration_h; break;
            case SR_BY_COST: c->value = rp.cost_usd; break;
            case SR_BY_CO2: c->value = rp.co2e_kg; break;
            default:
                c->value = o->weight_time_h * rp.duration_h + o->weight_cost_usd * rp.cost_usd +
                           o->weight_co2e_kg * rp.co2e_kg;
                break;
            }
        }
    }
    rc = SR_OK;
done:
    if (s.want)
        free(s.want);
    s.want = NULL;
    sr__ota_free(&s);
    if (rc == SR_ENOMEM)
        set_err(q, "out of memory");
    if (rc != SR_OK) {
        sr_matrix_free(m);
        return rc;
    }
    *out = m;
    return SR_OK;
}

void sr_matrix_free(sr_matrix *m)
{
    if (!m)
        return;
    free(m->src);
    free(m->tgt);
    free(m->cells);
    free(m);
}

size_t sr_matrix_source_count(const sr_matrix *m) { return m ? m->ns : 0; }
size_t sr_matrix_target_count(const sr_matrix *m) { return m ? m->nt : 0; }
uint32_t sr_matrix_source(const sr_matrix *m, size_t i) { return m && i < m->ns ? m->src[i] : UINT32_MAX; }
uint32_t sr_matrix_target(const sr_matrix *m, size_t j) { return m && j < m->nt ? m->tgt[j] : UINT32_MAX; }
const sr_matrix_cell *sr_matrix_at(const sr_matrix *m, size_t i, size_t j)
{
    return m && i < m->ns && j < m->nt ? &m->cells[i * m->nt + j] : NULL;
}

/* ---- serialisation ------------------------------------------------------- */

/* A figure rounded to 0.01 as a JSON number ("12.5", "0"); the JSON of a
 * 200 x 200 matrix has 160 000 of them, so no jansson objects here. */
static void put_num(sr__buf *b, double v)
{
    double r = round(v * 100);
    if (!(fabs(r) < 1e15)) {
        sr__buf_printf(b, "%.6e", v);
        return;
    }
    /* Digits of the rounded hundredths, written from the right: printf
     * would cost more than the whole matrix search. */
    long long q = llround(fabs(r));
    char t[32], *e = t + sizeof t, *c = e;
    int frac = (int)(q % 100);
    q /= 100;
    if (frac) {
        if (frac % 10) {
            *--c = (char)('0' + frac % 10);
            *--c = (char)('0' + frac / 10);
        } else {
            *--c = (char)('0' + frac / 10);
        }
        *--c = '.';
    }
    do {
        *--c = (char)('0' + q % 10);
        q /= 10;
    } while (q);
    if (r < 0)
        *--c = '-';
    sr__buf_add(b, c, (size_t)(e - c));
}

static void put_str(sr__buf *b, const char *s)
{
    sr__buf_add(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            sr__buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            sr__buf_printf(b, "\\u%04x", c);
        else
            sr__buf_add(b, s, 1);
    }
    sr__buf_add(b, "\"", 1);
}

static const char *obj_name(sr_objective o)
{
    return o == SR_BY_TIME ? "time" : o == SR_BY_COST ? "cost" : o == SR_BY_CO2 ? "co2" : "blend";
}

char *sr_matrix_json(const sr_network *net, const sr_matrix *m, unsigned flags)
{
    if (!net || !m)
        return NULL;
    const char *nl = (flags & SR_JSON_PRETTY) ? "\n  " : "";
    sr__buf b;
    sr__buf_init(&b, (size_t)1 << 30);
    sr__buf_printf(&b, "{%s\"code\":\"Ok\",%s\"objective\":\"%s\",%s\"sources\":[", nl, nl, obj_name(m->objective), nl);
    for (size_t i = 0; i < m->ns; i++) {
        if (i)
            sr__buf_add(&b, ",", 1);
        put_str(&b, net->places[m->src[i]].id);
    }
    sr__buf_printf(&b, "],%s\"targets\":[", nl);
    for (size_t j = 0; j < m->nt; j++) {
        if (j)
            sr__buf_add(&b, ",", 1);
        put_str(&b, net->places[m->tgt[j]].id);
    }
    sr__buf_add(&b, "]", 1);
    static const char *const keys[4] = {"duration_h", "cost_usd", "co2e_kg", "distance_km"};
    for (int k = 0; k < 4; k++) {
        sr__buf_printf(&b, ",%s\"%s\":[", nl, keys[k]);
        for (size_t i = 0; i < m->ns; i++) {
            sr__buf_add(&b, i ? ",[" : "[", i ? 2 : 1);
            for (size_t j = 0; j < m->nt; j++) {
                const sr_matrix_cell *c = &m->cells[i * m->nt + j];
                if (j)
                    sr__buf_add(&b, ",", 1);
                if (!c->reachable)
                    sr__buf_puts(&b, "null");
                else
                    put_num(&b, k == 0 ? c->duration_h : k == 1 ? c->cost_usd : k == 2 ? c->co2e_kg : c->distance_km);
            }
            sr__buf_add(&b, "]", 1);
        }
        sr__buf_add(&b, "]", 1);
    }
    sr__buf_printf(&b, "%s}%s", (flags & SR_JSON_PRETTY) ? "\n" : "", (flags & SR_JSON_PRETTY) ? "\n" : "");
    if (b.failed) {
        sr__buf_free(&b);
        return NULL;
    }
    return sr__buf_take(&b);
}

/* A CSV field: ids never hold commas or quotes (docs/DATA.md), but quote
 * defensively so that a dataset that breaks the rule cannot break rows. */
static void put_csv(sr__buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        sr__buf_puts(b, s);
        return;
    }
    sr__buf_add(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            sr__buf_add(b, "\"", 1);
        sr__buf_add(b, s, 1);
    }
    sr__buf_add(b, "\"", 1);
}

char *sr_matrix_csv(const sr_network *net, const sr_matrix *m)
{
    if (!net || !m)
        return NULL;
    sr__buf b;
    sr__buf_init(&b, (size_t)1 << 30);
    sr__buf_puts(&b, "source,target,reachable,duration_h,cost_usd,co2e_kg,distance_km\n");
    for (size_t i = 0; i < m->ns; i++)
        for (size_t j = 0; j < m->nt; j++) {
            const sr_matrix_cell *c = &m->cells[i * m->nt + j];
            put_csv(&b, net->places[m->src[i]].id);
            sr__buf_add(&b, ",", 1);
            put_csv(&b, net->places[m->tgt[j]].id);
            if (!c->reachable) {
                sr__buf_puts(&b, ",0,,,,\n");
                continue;
            }
            sr__buf_puts(&b, ",1");
            const double v[4] = {c->duration_h, c->cost_usd, c->co2e_kg, c->distance_km};
            for (int k = 0; k < 4; k++) {
                sr__buf_add(&b, ",", 1);
                put_num(&b, v[k]);
            }
            sr__buf_add(&b, "\n", 1);
        }
    if (b.failed) {
        sr__buf_free(&b);
        return NULL;
    }
    return sr__buf_take(&b);
}
