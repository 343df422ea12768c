/*
 * flow.c - the pipeline handles (sr_pipelines, sr_pipeflow): open and
 * accessors, the flow problem of a scenario, its solution by min-cost flow
 * (mcf.c), the ranking of critical segments, and JSON / GeoJSON output.
 *
 * The flow problem has one node per pipeline node plus a source S and a
 * sink T.  S feeds each supply node (capacity: the supply's volume), each
 * usable segment is an arc with its capacity, each offtake and delivery
 * point drains into T.  Costs make the least-cost flow lexicographic:
 * offtake arcs cost -OFF_GAIN, delivery arcs -DEL_GAIN, supply arcs
 * PRIO_STEP x priority and segments their length in whole km, with
 * OFF_GAIN >> DEL_GAIN >> 99 x PRIO_STEP >> any path length, so the solver
 * first serves offtakes, then maximises deliveries, then prefers suppliers
 * by priority and only then shorter paths.  All costs are integers well
 * below 2^53, so the solver's sums are exact and ties are decided by data
 * order alone (mcf.h).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "network/network.h"
#include "pipeline/mcf.h"
#include "pipeline/pipe.h"

#define OFF_GAIN 1e14
#define DEL_GAIN 1e12
#define PRIO_STEP 1e9 /* more than any path: at most 10,000 segments of 20,000 km */
/* Flows below this (system unit per year) are reported as zero and a
 * segment binds when its flow is within it of its capacity. */
#define FLOW_EPS 1e-9

/* ---------------------------------------------------------------------------
 * sr_pipelines
 * ------------------------------------------------------------------------- */

sr_code sr_pipelines_open(const char *dir, sr_pipelines **out)
{
    if (!out)
        return SR_EARG;
    sr_pipelines *p = calloc(1, sizeof *p);
    *out = p;
    if (!p)
        return SR_ENOMEM;
    if (!dir)
        dir = sr__default_dir();
    p->dir = strdup(dir);
    if (!p->dir)
        return SR_ENOMEM;
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/pipelines", dir);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(p->errmsg, sizeof p->errmsg, "%.900s: no pipelines folder (see docs/DATA.md, \"Pipelines\")", path);
        return SR_EIO;
    }
    long e = sr__pipe_load_dir(p, dir, NULL, NULL);
    if (e < 0)
        return SR_ENOMEM;
    if (e > 0)
        return strstr(p->errmsg, "cannot open") ? SR_EIO : SR_EDATA;
    return SR_OK;
}

void sr_pipelines_close(sr_pipelines *p)
{
    if (!p)
        return;
    sr__arena_free(&p->arena);
    free(p->dir);
    free(p->sys);
    free(p->nodes);
    free(p->segs);
    free(p->sups);
    free(p->offs);
    free(p->dels);
    free(p->obs);
    free(p);
}

const char *sr_pipelines_errmsg(const sr_pipelines *p) { return p ? p->errmsg : ""; }

#define ACCESSORS(what, type, arr, n)                                                                        \
    size_t sr_pipelines_##what##_count(const sr_pipelines *p) { return p ? p->n : 0; }                      \
    const type *sr_pipelines_##what(const sr_pipelines *p, size_t i) { return p && i < p->n ? &p->arr[i] : NULL; }
ACCESSORS(system, sr_pipe_system, sys, n_sys)
ACCESSORS(node, sr_pipe_node, nodes, n_nodes)
ACCESSORS(segment, sr_pipe_segment, segs, n_segs)
ACCESSORS(supply, sr_pipe_supply, sups, n_sups)
ACCESSORS(offtake, sr_pipe_point, offs, n_offs)
ACCESSORS(delivery, sr_pipe_point, dels, n_dels)
ACCESSORS(observation, sr_pipe_observation, obs, n_obs)
#undef ACCESSORS

/* ---------------------------------------------------------------------------
 * sr_pipeflow: scenario state
 * ------------------------------------------------------------------------- */

sr_code sr_pipeflow_create(const sr_pipelines *p, sr_pipeflow **out)
{
    if (!out)
        return SR_EARG;
    *out = NULL;
    if (!p)
        return SR_EARG;
    sr_pipeflow *f = calloc(1, sizeof *f);
    if (!f)
        return SR_ENOMEM;
    f->p = p;
    size_t ns = p->n_segs ? p->n_segs : 1, nn = p->n_nodes ? p->n_nodes : 1, nu = p->n_sups ? p->n_sups : 1;
    size_t nd = p->n_dels ? p->n_dels : 1;
    f->seg_state = calloc(ns, 1);
    f->seg_cap = malloc(ns * sizeof *f->seg_cap);
    f->seg_derate = malloc(ns * sizeof *f->seg_derate);
    f->node_closed = calloc(nn, 1);
    f->sup_vol = malloc(nu * sizeof *f->sup_vol);
    f->seg_flow = calloc(ns, sizeof *f->seg_flow);
    f->sup_served = calloc(nu, sizeof *f->sup_served);
    f->del_served = calloc(nd, sizeof *f->del_served);
    if (!f->seg_state || !f->seg_cap || !f->seg_derate || !f->node_closed || !f->sup_vol || !f->seg_flow ||
        !f->sup_served || !f->del_served) {
        sr_pipeflow_destroy(f);
        return SR_ENOMEM;
    }
    for (size_t i = 0; i < p->n_segs; i++) {
        f->seg_cap[i] = NAN;
        f->seg_derate[i] = 1;
    }
    for (size_t i = 0; i < p->n_sups; i++)
        f->sup_vol[i] = NAN;
    f->sup_scale = 1;
    if (p->n_offs) {
        if (sr__grow((void **)&f->offs, &f->cap_offs, p->n_offs, sizeof *f->offs) < 0) {
            sr_pipeflow_destroy(f);
            return SR_ENOMEM;
        }
        for (size_t i = 0; i < p->n_offs; i++) {
            sr__pipe_off *o = &f->offs[i];
            snprintf(o->id, sizeof o->id, "%s", p->offs[i].id);
            snprintf(o->country, sizeof o->country, "%s", p->offs[i].country);
            o->node = p->offs[i].node;
            o->volume = p->offs[i].volume;
        }
        f->n_offs = p->n_offs;
    }
    *out = f;
    return SR_OK;
}

void sr_pipeflow_destroy(sr_pipeflow *f)
{
    if (!f)
        return;
    free(f->seg_state);
    free(f->seg_cap);
    free(f->seg_derate);
    free(f->node_closed);
    free(f->sup_vol);
    free(f->offs);
    free(f->seg_flow);
    free(f->sup_served);
    free(f->del_served);
    free(f->off_served);
    free(f);
}

const char *sr_pipeflow_errmsg(const sr_pipeflow *f) { return f ? f->errmsg : ""; }

sr_code sr_pipeflow_set_year(sr_pipeflow *f, int year)
{
    if (!f || (year != 0 && (year < 1900 || year > 2200)))
        return SR_EARG;
    f->year = year;
    f->solved = 0;
    return SR_OK;
}

sr_code sr_pipeflow_parse_scenario(sr_pipeflow *f, const char *text, size_t len, const char *name)
{
    if (!f || (!text && len))
        return SR_EARG;
    f->errmsg[0] = 0;
    f->solved = 0;
    return sr__pipe_scenario(f, text ? text : "", len, name ? name : "scenario");
}

sr_code sr_pipeflow_load_scenario(sr_pipeflow *f, const char *path)
{
    if (!f || !path)
        return SR_EARG;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(f->errmsg, sizeof f->errmsg, "%.900s: cannot open", path);
        return SR_EIO;
    }
    char *buf = malloc(SR__PIPE_MAX_SCN_BYTES + 1);
    if (!buf) {
        fclose(fp);
        return SR_ENOMEM;
    }
    size_t n = fread(buf, 1, SR__PIPE_MAX_SCN_BYTES + 1, fp);
    int bad = ferror(fp);
    fclose(fp);
    sr_code rc;
    if (bad) {
        snprintf(f->errmsg, sizeof f->errmsg, "%.900s: cannot read", path);
        rc = SR_EIO;
    } else {
        const char *base = strrchr(path, '/');
        rc = sr_pipeflow_parse_scenario(f, buf, n, base ? base + 1 : path);
    }
    free(buf);
    return rc;
}

/* Is segment i usable in this scenario? */
static int usable(const sr_pipeflow *f, size_t i)
{
    const sr_pipe_segment *s = &f->p->segs[i];
    if (f->seg_state[i] == 2 || f->node_closed[s->from] || f->node_closed[s->to])
        return 0;
    if (f->seg_state[i] == 1)
        return 1;
    if (s->status == SR_CLOSED)
        return 0;
    if (s->status == SR_PLANNED)
        return f->year && s->open_year <= f->year;
    return !f->year || !s->open_year || s->open_year <= f->year;
}

double sr_pipeflow_segment_capacity(const sr_pipeflow *f, size_t i)
{
    if (!f || i >= f->p->n_segs || !usable(f, i))
        return 0;
    double c = isnan(f->seg_cap[i]) ? f->p->segs[i].capacity : f->seg_cap[i];
    return c * f->seg_derate[i];
}

double sr_pipeflow_supply_offered(const sr_pipeflow *f, size_t i)
{
    if (!f || i >= f->p->n_sups)
        return 0;
    return (isnan(f->sup_vol[i]) ? f->p->sups[i].volume : f->sup_vol[i]) * f->sup_scale;
}

static double seg_len(const sr_pipelines *p, size_t i)
{
    const sr_pipe_segment *s = &p->segs[i];
    if (s->length_km > 0)
        return s->length_km;
    const sr_pipe_node *a = &p->nodes[s->from], *b = &p->nodes[s->to];
    return sr__haversine_km(a->lat, a->lon, b->lat, b->lon);
}

/* Solve with segment `cut` (or none: SIZE_MAX) removed.  Fills f's
 * solution arrays when fill, and returns the total delivered plus offtaken
 * per system in per_sys (n_sys entries).  0, or an sr_code. */
static sr_code run(sr_pipeflow *f, size_t cut, int fill, double *per_sys)
{
    const sr_pipelines *p = f->p;
    size_t n = p->n_nodes + 2;
    uint32_t S = (uint32_t)p->n_nodes, T = S + 1;
    sr__mcf *m = sr__mcf_create(n);
    if (!m)
        return SR_ENOMEM;
    sr_code rc = SR_OK;
    long *seg_arc = malloc((p->n_segs + 1) * sizeof *seg_arc);
    long *sup_arc = malloc((p->n_sups + 1) * sizeof *sup_arc);
    long *del_arc = malloc((p->n_dels + 1) * sizeof *del_arc);
    long *off_arc = malloc((f->n_offs + 1) * sizeof *off_arc);
    if (!seg_arc || !sup_arc || !del_arc || !off_arc) {
        rc = SR_ENOMEM;
        goto done;
    }
    /* The delivery points' "unlimited": more than all supply together. */
    double total_sup = 0;
    for (size_t i = 0; i < p->n_sups; i++)
        total_sup += sr_pipeflow_supply_offered(f, i);
    for (size_t i = 0; i < p->n_sups; i++)
        sup_arc[i] = sr__mcf_add_arc(m, S, (uint32_t)p->sups[i].node, sr_pipeflow_supply_offered(f, i),
                                     PRIO_STEP * p->sups[i].priority);
    for (size_t i = 0; i < p->n_segs; i++)
        seg_arc[i] = sr__mcf_add_arc(m, (uint32_t)p->segs[i].from, (uint32_t)p->segs[i].to,
                                     i == cut ? 0 : sr_pipeflow_segment_capacity(f, i), round(seg_len(p, i)));
    for (size_t i = 0; i < f->n_offs; i++)
        off_arc[i] = sr__mcf_add_arc(m, (uint32_t)f->offs[i].node, T, f->offs[i].volume, -OFF_GAIN);
    for (size_t i = 0; i < p->n_dels; i++)
        del_arc[i] = sr__mcf_add_arc(m, (uint32_t)p->dels[i].node, T,
                                     p->dels[i].volume > 0 ? p->dels[i].volume : total_sup + 1, -DEL_GAIN);
    for (size_t i = 0; i < p->n_sups; i++)
        rc |= sup_arc[i] < 0;
    for (size_t i = 0; i < p->n_segs; i++)
        rc |= seg_arc[i] < 0;
    for (size_t i = 0; i < f->n_offs; i++)
        rc |= off_arc[i] < 0;
    for (size_t i = 0; i < p->n_dels; i++)
        rc |= del_arc[i] < 0;
    if (rc) {
        rc = SR_ENOMEM;
        goto done;
    }
    int r = sr__mcf_solve(m, S, T, SR__MCF_MINCOST, 0);
    if (r) {
        snprintf(f->errmsg, sizeof f->errmsg, "pipeline flow: solver failed (%d)", r);
        rc = r == -1 ? SR_ENOMEM : SR_EINTERNAL;
        goto done;
    }
    for (size_t s = 0; s < p->n_sys; s++)
        per_sys[s] = 0;
#define CLEAN(x) ((x) < FLOW_EPS ? 0 : (x))
    for (size_t i = 0; i < p->n_dels; i++)
        per_sys[p->dels[i].system] += CLEAN(sr__mcf_flow(m, (size_t)del_arc[i]));
    for (size_t i = 0; i < f->n_offs; i++)
        per_sys[p->nodes[f->offs[i].node].system] += CLEAN(sr__mcf_flow(m, (size_t)off_arc[i]));
    if (fill) {
        for (size_t i = 0; i < p->n_segs; i++)
            f->seg_flow[i] = CLEAN(sr__mcf_flow(m, (size_t)seg_arc[i]));
        for (size_t i = 0; i < p->n_sups; i++)
            f->sup_served[i] = CLEAN(sr__mcf_flow(m, (size_t)sup_arc[i]));
        for (size_t i = 0; i < p->n_dels; i++)
            f->del_served[i] = CLEAN(sr__mcf_flow(m, (size_t)del_arc[i]));
        for (size_t i = 0; i < f->n_offs; i++)
            f->off_served[i] = CLEAN(sr__mcf_flow(m, (size_t)off_arc[i]));
    }
#undef CLEAN
done:
    free(seg_arc);
    free(sup_arc);
    free(del_arc);
    free(off_arc);
    sr__mcf_destroy(m);
    return rc;
}

sr_code sr_pipeflow_solve(sr_pipeflow *f)
{
    if (!f)
        return SR_EARG;
    double *ps = malloc((f->p->n_sys + 1) * sizeof *ps);
    double *os = realloc(f->off_served, (f->n_offs + 1) * sizeof *os);
    if (!ps || !os) {
        free(ps);
        if (os)
            f->off_served = os;
        return SR_ENOMEM;
    }
    f->off_served = os;
    memset(os, 0, (f->n_offs + 1) * sizeof *os);
    sr_code rc = run(f, SIZE_MAX, 1, ps);
    free(ps);
    f->solved = rc == SR_OK;
    return rc;
}

#define SOLVED_GET(name, arr, n)                                                                             \
    double sr_pipeflow_##name(const sr_pipeflow *f, size_t i)                                                \
    {                                                                                                        \
        return f && f->solved && i < (n) ? f->arr[i] : 0;                                                    \
    }
SOLVED_GET(segment_flow, seg_flow, f->p->n_segs)
SOLVED_GET(supply_served, sup_served, f->p->n_sups)
SOLVED_GET(delivered, del_served, f->p->n_dels)
SOLVED_GET(offtake_served, off_served, f->n_offs)
#undef SOLVED_GET

size_t sr_pipeflow_offtake_count(const sr_pipeflow *f) { return f ? f->n_offs : 0; }

double sr_pipeflow_system_delivered(const sr_pipeflow *f, size_t s)
{
    if (!f || s >= f->p->n_sys)
        return NAN;
    double t = 0;
    for (size_t i = 0; i < f->p->n_dels; i++)
        if (f->p->dels[i].system == s)
            t += sr_pipeflow_delivered(f, i);
    return t;
}

static double system_offtaken(const sr_pipeflow *f, size_t s)
{
    double t = 0;
    for (size_t i = 0; i < f->n_offs; i++)
        if (f->p->nodes[f->offs[i].node].system == s)
            t += sr_pipeflow_offtake_served(f, i);
    return t;
}

static int cmp_crit(const void *a, const void *b)
{
    const sr_pipe_critical *x = a, *y = b;
    if (x->lost != y->lost)
        return x->lost > y->lost ? -1 : 1;
    return x->segment < y->segment ? -1 : x->segment > y->segment;
}

sr_code sr_pipeflow_critical(sr_pipeflow *f, sr_pipe_critical **out, size_t *n)
{
    if (!f || !out || !n)
        return SR_EARG;
    *out = NULL;
    *n = 0;
    if (!f->solved) {
        sr_code rc = sr_pipeflow_solve(f);
        if (rc != SR_OK)
            return rc;
    }
    const sr_pipelines *p = f->p;
    sr_pipe_critical *c = malloc((p->n_segs + 1) * sizeof *c);
    double *ps = malloc((p->n_sys + 1) * sizeof *ps);
    if (!c || !ps) {
        free(c);
        free(ps);
        return SR_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < p->n_segs; i++) {
        if (sr_pipeflow_segment_capacity(f, i) <= 0)
            continue;
        sr_code rc = run(f, i, 0, ps);
        if (rc != SR_OK) {
            free(c);
            free(ps);
            return rc;
        }
        size_t s = p->segs[i].system;
        double base = sr_pipeflow_system_delivered(f, s) + system_offtaken(f, s);
        double lost = base - ps[s];
        if (lost < FLOW_EPS)
            lost = 0;
        c[k++] = (sr_pipe_critical){i, f->seg_flow[i], lost, base > 0 ? lost / base : 0};
    }
    free(ps);
    qsort(c, k, sizeof *c, cmp_crit);
    *out = c;
    *n = k;
    return SR_OK;
}

/* ---------------------------------------------------------------------------
 * JSON and GeoJSON
 * ------------------------------------------------------------------------- */

static json_t *jnum(double v, double unit)
{
    double r = round(v / unit) * unit;
    if (r == 0)
        r = 0;
    return json_real(r);
}

static char *dump(json_t *j)
{
    if (!j)
        return NULL;
    char *s = json_dumps(j, JSON_REAL_PRECISION(12) | JSON_INDENT(1));
    json_decref(j);
    return s;
}

/* The model's figure for an observation, or NaN when it has none. */
static double observed_model(const sr_pipeflow *f, const sr_pipe_observation *o)
{
    const sr_pipelines *p = f->p;
    if (!strcmp(o->kind, "delivered")) {
        if (!strcmp(o->subject, p->sys[o->system].id))
            return sr_pipeflow_system_delivered(f, o->system);
        double t = 0;
        int hit = 0;
        for (size_t i = 0; i < p->n_dels; i++)
            if (!strcmp(p->dels[i].id, o->subject)) {
                t += sr_pipeflow_delivered(f, i);
                hit = 1;
            }
        for (size_t i = 0; i < p->n_sups; i++)
            if (p->sups[i].system == o->system && !strcmp(p->sups[i].supplier, o->subject)) {
                t += sr_pipeflow_supply_served(f, i);
                hit = 1;
            }
        return hit ? t : NAN;
    }
    if (!strcmp(o->kind, "transit")) {
        long s = sr__pipe_find_supply(p, o->subject);
        return s >= 0 ? sr_pipeflow_supply_served(f, (size_t)s) : NAN;
    }
    if (!strcmp(o->kind, "supplier_share")) {
        double tot = 0, mine = 0;
        for (size_t i = 0; i < p->n_sups; i++) {
            if (p->sups[i].system != o->system)
                continue;
            double v = sr_pipeflow_supply_served(f, i);
            tot += v;
            if (!strcmp(p->sups[i].supplier, o->subject))
                mine += v;
        }
        return tot > 0 ? mine / tot : NAN;
    }
    if (!strcmp(o->kind, "peak_daily") && !strcmp(o->unit, "mcm/d")) {
        /* The model's annual deliveries as an average day. */
        return sr_pipeflow_system_delivered(f, o->system) * 1000.0 / 365.0;
    }
    return NAN;
}

static json_t *maybe(double v, double unit) { return isnan(v) ? json_null() : jnum(v, unit); }

char *sr_pipeflow_json(sr_pipeflow *f, const sr_pipeflow *base, unsigned flags)
{
    if (!f || !f->solved || (base && (!base->solved || base->p != f->p)))
        return NULL;
    const sr_pipelines *p = f->p;
    sr_pipe_critical *crit = NULL;
    size_t ncrit = 0;
    if ((flags & SR_PIPE_JSON_CRITICAL) && sr_pipeflow_critical(f, &crit, &ncrit) != SR_OK)
        return NULL;
    json_t *root = json_object(), *systems = json_array();
    json_object_set_new(root, "code", json_string("Ok"));
    json_object_set_new(root, "year", f->year ? json_integer(f->year) : json_null());
    for (size_t s = 0; s < p->n_sys; s++) {
        const sr_pipe_system *sy = &p->sys[s];
        json_t *js = json_pack("{s:s, s:s, s:s, s:s}", "id", sy->id, "name", sy->name, "commodity", sy->commodity,
                               "unit", sy->unit);
        json_t *segs = json_array(), *sups = json_array(), *offs = json_array(), *dels = json_array(),
               *obs = json_array(), *binding = json_array();
        double offered = 0;
        for (size_t i = 0; i < p->n_segs; i++) {
            const sr_pipe_segment *g = &p->segs[i];
            if (g->system != s)
                continue;
            double cap = sr_pipeflow_segment_capacity(f, i), fl = f->seg_flow[i];
            int binds = cap > 0 && fl >= cap - 1e-7;
            if (binds)
                json_array_append_new(binding, json_string(g->id));
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:b, s:b}",
                                  "id", g->id, "line", g->line, "from", p->nodes[g->from].id, "to",
                                  p->nodes[g->to].id, "operator", g->operator_name, "length_km",
                                  g->length_km > 0 ? jnum(g->length_km, 1) : json_null(), "diameter_mm",
                                  g->diameter_mm > 0 ? jnum(g->diameter_mm, 1) : json_null(), "capacity_data",
                                  jnum(g->capacity, 1e-3), "capacity", jnum(cap, 1e-3), "flow", jnum(fl, 1e-3),
                                  "utilisation", cap > 0 ? jnum(fl / cap, 1e-4) : json_null(), "status",
                                  sr_status_name(g->status), "open_year",
                                  g->open_year ? json_integer(g->open_year) : json_null(), "usable", cap > 0,
                                  "binding", binds);
            json_array_append_new(segs, o);
        }
        for (size_t i = 0; i < p->n_sups; i++) {
            const sr_pipe_supply *u = &p->sups[i];
            if (u->system != s)
                continue;
            double off = sr_pipeflow_supply_offered(f, i), sv = f->sup_served[i];
            offered += off;
            json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:o, s:o}", "id", u->id, "supplier", u->supplier, "node",
                                  p->nodes[u->node].id, "priority", u->priority, "offered", jnum(off, 1e-3),
                                  "served", jnum(sv, 1e-3));
            if (base) {
                json_object_set_new(o, "base", jnum(base->sup_served[i], 1e-3));
                json_object_set_new(o, "shortfall", jnum(base->sup_served[i] - sv, 1e-3));
            }
            json_array_append_new(sups, o);
        }
        for (size_t i = 0; i < f->n_offs; i++) {
            const sr__pipe_off *u = &f->offs[i];
            if (p->nodes[u->node].system != s)
                continue;
            json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", u->id, "node", p->nodes[u->node].id, "country",
                                  u->country, "volume", jnum(u->volume, 1e-3), "served",
                                  jnum(f->off_served[i], 1e-3));
            if (base) {
                double b = 0;
                for (size_t j = 0; j < base->n_offs; j++)
                    if (!strcmp(base->offs[j].id, u->id))
                        b = base->off_served[j];
                json_object_set_new(o, "base", jnum(b, 1e-3));
                json_object_set_new(o, "shortfall", jnum(b - f->off_served[i], 1e-3));
            }
            json_array_append_new(offs, o);
        }
        for (size_t i = 0; i < p->n_dels; i++) {
            const sr_pipe_point *d = &p->dels[i];
            if (d->system != s)
                continue;
            json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "id", d->id, "node", p->nodes[d->node].id, "name", d->name,
                                  "delivered", jnum(f->del_served[i], 1e-3));
            if (base) {
                json_object_set_new(o, "base", jnum(base->del_served[i], 1e-3));
                json_object_set_new(o, "shortfall", jnum(base->del_served[i] - f->del_served[i], 1e-3));
            }
            json_array_append_new(dels, o);
        }
        for (size_t i = 0; i < p->n_obs; i++) {
            const sr_pipe_observation *ob = &p->obs[i];
            if (ob->system != s)
                continue;
            json_array_append_new(obs, json_pack("{s:s, s:i, s:s, s:s, s:o, s:s, s:o, s:s}", "id", ob->id, "year",
                                                 ob->year, "kind", ob->kind, "subject", ob->subject, "value",
                                                 jnum(ob->value, 1e-4), "unit", ob->unit, "model",
                                                 maybe(observed_model(f, ob), 1e-4), "note", ob->note));
        }
        double del = sr_pipeflow_system_delivered(f, s);
        json_object_set_new(js, "delivered", jnum(del, 1e-3));
        json_object_set_new(js, "offtaken", jnum(system_offtaken(f, s), 1e-3));
        json_object_set_new(js, "offered", jnum(offered, 1e-3));
        if (base) {
            double b = sr_pipeflow_system_delivered(base, s);
            json_object_set_new(js, "base_delivered", jnum(b, 1e-3));
            json_object_set_new(js, "shortfall", jnum(b - del, 1e-3));
        }
        json_object_set_new(js, "binding", binding);
        json_object_set_new(js, "segments", segs);
        json_object_set_new(js, "supplies", sups);
        json_object_set_new(js, "offtakes", offs);
        json_object_set_new(js, "deliveries", dels);
        json_object_set_new(js, "observations", obs);
        if (flags & SR_PIPE_JSON_CRITICAL) {
            json_t *cr = json_array();
            for (size_t i = 0; i < ncrit; i++) {
                if (p->segs[crit[i].segment].system != s)
                    continue;
                json_array_append_new(cr, json_pack("{s:s, s:s, s:o, s:o, s:o}", "segment",
                                                    p->segs[crit[i].segment].id, "line",
                                                    p->segs[crit[i].segment].line, "flow",
                                                    jnum(crit[i].base_flow, 1e-3), "lost", jnum(crit[i].lost, 1e-3),
                                                    "lost_share", jnum(crit[i].lost_share, 1e-4)));
            }
            json_object_set_new(js, "critical", cr);
        }
        json_array_append_new(systems, js);
    }
    free(crit);
    json_object_set_new(root, "systems", systems);
    return dump(root);
}

char *sr_pipeflow_geojson(const sr_pipeflow *f)
{
    if (!f || !f->solved)
        return NULL;
    const sr_pipelines *p = f->p;
    json_t *feats = json_array();
    for (size_t i = 0; i < p->n_segs; i++) {
        const sr_pipe_segment *g = &p->segs[i];
        const sr_pipe_node *a = &p->nodes[g->from], *b = &p->nodes[g->to];
        double cap = sr_pipeflow_segment_capacity(f, i), fl = f->seg_flow[i];
        json_t *geom = json_pack("{s:s, s:[[o,o],[o,o]]}", "type", "LineString", "coordinates", jnum(a->lon, 1e-6),
                                 jnum(a->lat, 1e-6), jnum(b->lon, 1e-6), jnum(b->lat, 1e-6));
        json_t *props = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:b, s:b}", "id", g->id,
                                  "system", p->sys[g->system].id, "commodity", p->sys[g->system].commodity, "unit",
                                  p->sys[g->system].unit, "line", g->line, "from", a->id, "to", b->id, "capacity",
                                  jnum(cap, 1e-3), "flow", jnum(fl, 1e-3), "utilisation",
                                  cap > 0 ? jnum(fl / cap, 1e-4) : json_null(), "status", sr_status_name(g->status),
                                  "usable", cap > 0, "binding", cap > 0 && fl >= cap - 1e-7);
        json_array_append_new(feats, json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry", geom, "properties",
                                               props));
    }
    for (size_t i = 0; i < p->n_nodes; i++) {
        const sr_pipe_node *n = &p->nodes[i];
        json_t *geom = json_pack("{s:s, s:[o,o]}", "type", "Point", "coordinates", jnum(n->lon, 1e-6),
                                 jnum(n->lat, 1e-6));
        json_t *props = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", n->id, "name", n->name, "kind", n->kind,
                                  "country", n->country, "system", p->sys[n->system].id);
        json_array_append_new(feats, json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry", geom, "properties",
                                               props));
    }
    return dump(json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", feats));
}
