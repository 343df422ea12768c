/*
 * load.c - reads the pipeline files of DIR/pipelines/ (systems, nodes,
 * segments, supplies, offtakes, deliveries, observations; docs/DATA.md)
 * through the bounded CSV reader, checking every reference, range and
 * source id and reporting each problem as "pipelines/FILE:LINE: field:
 * message", and parses pipeline scenario text (docs/SCENARIOS.md).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/csv.h"
#include "pipeline/pipe.h"

const char *const sr__pipe_file_names[SR__PF_COUNT] = {
    "systems.csv", "nodes.csv", "segments.csv", "supplies.csv", "offtakes.csv", "deliveries.csv", "observations.csv",
};
/* Offtakes and observations may be absent; the rest are required. */
static const int file_required[SR__PF_COUNT] = {1, 1, 1, 1, 0, 1, 0};

static const char *const node_kinds[] = {"field", "supply", "compressor", "junction", "border", "terminal"};

typedef struct ploader {
    sr_pipelines *p;
    sr__csv *csv;
    char file[64];            /* "pipelines/segments.csv" */
    sr_report_fn report;
    void *ctx;
    long errors;
    int nomem;
    char **sources;           /* sorted source ids; NULL: not checked */
    size_t n_sources;
    int check_sources;
} ploader;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void emit(ploader *L, const char *msg)
{
    L->errors++;
    if (!L->p->errmsg[0])
        snprintf(L->p->errmsg, sizeof L->p->errmsg, "%s", msg);
    if (L->report)
        L->report(L->ctx, 1, msg);
}

__attribute__((format(printf, 3, 4))) static void err(ploader *L, const char *field, const char *fmt, ...)
{
    char m[768], line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s:%ld: %s: %s", L->file, L->csv->line, field, m);
    emit(L, line);
}

static const char *get(ploader *L, const char *col) { return sr__csv_get(L->csv, sr__csv_col(L->csv, col)); }

static char *dup(ploader *L, const char *s)
{
    char *d = sr__arena_strdup(&L->p->arena, s ? s : "");
    if (!d)
        L->nomem = 1;
    return d;
}

/* A number in [lo, hi]; empty is "not given" (returns 0 with *out = dflt)
 * unless required.  Returns -1 after reporting a bad value. */
static int num(ploader *L, const char *col, int required, double lo, double hi, double dflt, double *out)
{
    const char *s = get(L, col);
    *out = dflt;
    if (!*s) {
        if (required) {
            err(L, col, "missing: a number in %g..%g is required", lo, hi);
            return -1;
        }
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < lo || v > hi) {
        err(L, col, "'%s' is not a number in %g..%g", s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int ident(ploader *L, const char *col, const char **out)
{
    const char *s = get(L, col);
    *out = s;
    if (!*s) {
        err(L, col, "missing");
        return -1;
    }
    if (strlen(s) > 63) {
        err(L, col, "'%.40s...' is longer than 63 bytes", s);
        return -1;
    }
    for (const char *q = s; *q; q++)
        if ((unsigned char)*q <= ' ' || *q == ';' || *q == '"') {
            err(L, col, "'%s' has a blank, ';' or '\"' (ids are single words)", s);
            return -1;
        }
    return 0;
}

static void check_source(ploader *L)
{
    const char *s = get(L, "source");
    if (!*s) {
        err(L, "source", "missing: every figure needs a source id from sources.csv");
        return;
    }
    if (!L->check_sources)
        return;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
        while (*tok == ' ')
            tok++;
        size_t n = strlen(tok);
        while (n && tok[n - 1] == ' ')
            tok[--n] = 0;
        if (!n)
            continue;
        char *key = tok;
        if (!L->sources || !bsearch(&key, L->sources, L->n_sources, sizeof *L->sources, cmp_str))
            err(L, "source", "unknown source id '%s'", tok);
    }
}

static long find_sys(const sr_pipelines *p, const char *id)
{
    for (size_t i = 0; i < p->n_sys; i++)
        if (!strcmp(p->sys[i].id, id))
            return (long)i;
    return -1;
}

long sr__pipe_find_node(const sr_pipelines *p, const char *id)
{
    for (size_t i = 0; i < p->n_nodes; i++)
        if (!strcmp(p->nodes[i].id, id))
            return (long)i;
    return -1;
}

long sr__pipe_find_segment(const sr_pipelines *p, const char *id)
{
    for (size_t i = 0; i < p->n_segs; i++)
        if (!strcmp(p->segs[i].id, id))
            return (long)i;
    return -1;
}

long sr__pipe_find_supply(const sr_pipelines *p, const char *id)
{
    for (size_t i = 0; i < p->n_sups; i++)
        if (!strcmp(p->sups[i].id, id))
            return (long)i;
    return -1;
}

static long ref_sys(ploader *L)
{
    const char *s;
    if (ident(L, "system", &s) < 0)
        return -1;
    long i = find_sys(L->p, s);
    if (i < 0)
        err(L, "system", "unknown system '%s' (not in systems.csv)", s);
    return i;
}

/* A node of system sys named in column col. */
static long ref_node(ploader *L, const char *col, long sys)
{
    const char *s;
    if (ident(L, col, &s) < 0)
        return -1;
    long i = sr__pipe_find_node(L->p, s);
    if (i < 0) {
        err(L, col, "unknown node '%s' (not in nodes.csv)", s);
        return -1;
    }
    if (sys >= 0 && L->p->nodes[i].system != (size_t)sys) {
        err(L, col, "node '%s' belongs to system '%s', not '%s'", s, L->p->sys[L->p->nodes[i].system].id,
            L->p->sys[sys].id);
        return -1;
    }
    return i;
}

/* Grow an array by one record; NULL when out of memory or over the row limit. */
static void *push(ploader *L, void **arr, size_t *n, size_t elem)
{
    if (*n >= SR__PIPE_MAX_ROWS) {
        err(L, "row", "more than %d rows", SR__PIPE_MAX_ROWS);
        return NULL;
    }
    void *q = realloc(*arr, (*n + 1) * elem);
    if (!q) {
        L->nomem = 1;
        return NULL;
    }
    *arr = q;
    memset((char *)q + *n * elem, 0, elem);
    return (char *)q + (*n)++ * elem;
}

static int unique(ploader *L, const char *id, long found)
{
    if (found >= 0) {
        err(L, "id", "duplicate id '%s'", id);
        return -1;
    }
    return 0;
}

static int country(ploader *L, const char *col, char out[3])
{
    const char *s = get(L, col);
    if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') {
        err(L, col, "'%s' is not an ISO 3166-1 alpha-2 code (two capital letters)", s);
        return -1;
    }
    memcpy(out, s, 3);
    return 0;
}

static void row_systems(ploader *L)
{
    const char *id;
    if (ident(L, "id", &id) < 0 || unique(L, id, find_sys(L->p, id)) < 0)
        return;
    const char *com = get(L, "commodity");
    const char *unit = get(L, "unit");
    int bad = 0;
    if (strcmp(com, "gas") && strcmp(com, "oil")) {
        err(L, "commodity", "'%s' is not gas or oil", com);
        bad = 1;
    }
    if (!bad && ((!strcmp(com, "gas") && strcmp(unit, "bcm/yr")) || (!strcmp(com, "oil") && strcmp(unit, "Mt/yr")))) {
        err(L, "unit", "'%s': gas is measured in bcm/yr and oil in Mt/yr", unit);
        bad = 1;
    }
    check_source(L);
    if (bad)
        return;
    sr_pipe_system *s = push(L, (void **)&L->p->sys, &L->p->n_sys, sizeof *s);
    if (!s)
        return;
    s->id = dup(L, id);
    s->name = dup(L, *get(L, "name") ? get(L, "name") : id);
    s->commodity = dup(L, com);
    s->unit = dup(L, unit);
}

static void row_nodes(ploader *L)
{
    const char *id;
    int bad = ident(L, "id", &id) < 0 || unique(L, id, sr__pipe_find_node(L->p, id)) < 0;
    long sys = ref_sys(L);
    const char *kind = get(L, "kind");
    if (sr__name_index(node_kinds, 6, kind) < 0) {
        err(L, "kind", "'%s' is not one of field, supply, compressor, junction, border, terminal", kind);
        bad = 1;
    }
    char cc[3];
    double lat, lon;
    bad |= country(L, "country", cc) < 0;
    bad |= num(L, "lat", 1, -90, 90, 0, &lat) < 0;
    bad |= num(L, "lon", 1, -180, 180, 0, &lon) < 0;
    check_source(L);
    if (bad || sys < 0)
        return;
    sr_pipe_node *n = push(L, (void **)&L->p->nodes, &L->p->n_nodes, sizeof *n);
    if (!n)
        return;
    n->id = dup(L, id);
    n->name = dup(L, *get(L, "name") ? get(L, "name") : id);
    n->kind = node_kinds[sr__name_index(node_kinds, 6, kind)];
    memcpy(n->country, cc, 3);
    n->system = (size_t)sys;
    n->lat = lat;
    n->lon = lon;
}

static void row_segments(ploader *L)
{
    const char *id;
    int bad = ident(L, "id", &id) < 0 || unique(L, id, sr__pipe_find_segment(L->p, id)) < 0;
    long sys = ref_sys(L);
    long from = ref_node(L, "from", sys), to = ref_node(L, "to", sys);
    if (from >= 0 && from == to) {
        err(L, "to", "segment '%s' starts and ends at '%s'", id, L->p->nodes[from].id);
        bad = 1;
    }
    double len, dia, cap, oy;
    bad |= num(L, "length_km", 0, 0.1, 20000, 0, &len) < 0;
    bad |= num(L, "diameter_mm", 0, 50, 2000, 0, &dia) < 0;
    bad |= num(L, "capacity", 1, 0, SR__PIPE_MAX_VALUE, 0, &cap) < 0;
    bad |= num(L, "open_year", 0, 1900, 2200, 0, &oy) < 0;
    if (oy != floor(oy)) {
        err(L, "open_year", "'%s' is not a whole year", get(L, "open_year"));
        bad = 1;
    }
    const char *st = get(L, "status");
    int status = sr__status_parse(*st ? st : "open");
    if (status < 0) {
        err(L, "status", "'%s' is not open, planned or closed", st);
        bad = 1;
    } else if (status == SR_PLANNED && oy == 0) {
        err(L, "open_year", "missing: a planned segment needs its opening year");
        bad = 1;
    }
    check_source(L);
    if (bad || sys < 0 || from < 0 || to < 0)
        return;
    sr_pipe_segment *s = push(L, (void **)&L->p->segs, &L->p->n_segs, sizeof *s);
    if (!s)
        return;
    s->id = dup(L, id);
    s->line = dup(L, get(L, "line"));
    s->operator_name = dup(L, get(L, "operator"));
    s->system = (size_t)sys;
    s->from = (size_t)from;
    s->to = (size_t)to;
    s->length_km = len;
    s->diameter_mm = dia;
    s->capacity = cap;
    s->status = (sr_status)status;
    s->open_year = (int)oy;
}

static void row_supplies(ploader *L)
{
    const char *id;
    int bad = ident(L, "id", &id) < 0 || unique(L, id, sr__pipe_find_supply(L->p, id)) < 0;
    long sys = ref_sys(L);
    long node = ref_node(L, "node", sys);
    char cc[3];
    double vol, prio;
    bad |= country(L, "supplier", cc) < 0;
    bad |= num(L, "volume", 1, 0, SR__PIPE_MAX_VALUE, 0, &vol) < 0;
    bad |= num(L, "priority", 0, 1, 99, 1, &prio) < 0;
    if (prio != floor(prio)) {
        err(L, "priority", "'%s' is not a whole number", get(L, "priority"));
        bad = 1;
    }
    check_source(L);
    if (bad || sys < 0 || node < 0)
        return;
    sr_pipe_supply *s = push(L, (void **)&L->p->sups, &L->p->n_sups, sizeof *s);
    if (!s)
        return;
    s->id = dup(L, id);
    s->supplier = dup(L, cc);
    s->system = (size_t)sys;
    s->node = (size_t)node;
    s->volume = vol;
    s->priority = (int)prio;
}

static long find_point(const sr_pipe_point *a, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(a[i].id, id))
            return (long)i;
    return -1;
}

static void row_points(ploader *L, int offtake)
{
    sr_pipelines *p = L->p;
    const char *id;
    int bad = ident(L, "id", &id) < 0 ||
              unique(L, id, offtake ? find_point(p->offs, p->n_offs, id) : find_point(p->dels, p->n_dels, id)) < 0;
    long sys = ref_sys(L);
    long node = ref_node(L, "node", sys);
    char cc[3] = "";
    double vol;
    if (offtake) {
        bad |= country(L, "country", cc) < 0;
        bad |= num(L, "volume", 1, 0, SR__PIPE_MAX_VALUE, 0, &vol) < 0;
    } else {
        bad |= num(L, "capacity", 0, 0, SR__PIPE_MAX_VALUE, 0, &vol) < 0;
    }
    check_source(L);
    if (bad || sys < 0 || node < 0)
        return;
    sr_pipe_point *q = offtake ? push(L, (void **)&p->offs, &p->n_offs, sizeof *q)
                               : push(L, (void **)&p->dels, &p->n_dels, sizeof *q);
    if (!q)
        return;
    q->id = dup(L, id);
    q->name = dup(L, *get(L, "name") ? get(L, "name") : id);
    q->country = dup(L, offtake ? cc : p->nodes[node].country);
    q->system = (size_t)sys;
    q->node = (size_t)node;
    q->volume = vol;
}

static void row_observations(ploader *L)
{
    sr_pipelines *p = L->p;
    const char *id;
    int bad = ident(L, "id", &id) < 0;
    for (size_t i = 0; !bad && i < p->n_obs; i++)
        if (!strcmp(p->obs[i].id, id))
            bad = unique(L, id, (long)i) < 0;
    long sys = ref_sys(L);
    double year, v;
    bad |= num(L, "year", 1, 1900, 2200, 0, &year) < 0;
    bad |= num(L, "value", 1, 0, 1e9, 0, &v) < 0;
    const char *kind = get(L, "kind"), *subj = get(L, "subject");
    if (!*kind) {
        err(L, "kind", "missing");
        bad = 1;
    }
    if (!*subj) {
        err(L, "subject", "missing");
        bad = 1;
    }
    check_source(L);
    if (bad || sys < 0)
        return;
    sr_pipe_observation *o = push(L, (void **)&p->obs, &p->n_obs, sizeof *o);
    if (!o)
        return;
    o->id = dup(L, id);
    o->kind = dup(L, kind);
    o->subject = dup(L, subj);
    o->unit = dup(L, get(L, "unit"));
    o->note = dup(L, get(L, "note"));
    o->system = (size_t)sys;
    o->year = (int)year;
    o->value = v;
}

static const char *const *columns(int k)
{
    static const char *const c[SR__PF_COUNT][14] = {
        {"id", "name", "commodity", "unit", "source", NULL},
        {"id", "system", "name", "kind", "country", "lat", "lon", "source", NULL},
        {"id", "system", "line", "from", "to", "length_km", "diameter_mm", "capacity", "status", "open_year", "operator",
         "source", NULL},
        {"id", "system", "node", "supplier", "volume", "priority", "source", NULL},
        {"id", "system", "node", "country", "volume", "source", NULL},
        {"id", "system", "node", "name", "capacity", "source", NULL},
        {"id", "system", "year", "kind", "subject", "value", "unit", "source", "note", NULL},
    };
    return c[k];
}

static void load_file(ploader *L, int k)
{
    sr__csv *csv = L->csv;
    /* Required columns: everything but the free-text and optional ones. */
    static const char *const optional[] = {"name", "line", "length_km", "diameter_mm", "status", "open_year",
                                           "operator", "priority", "capacity", "unit", "note"};
    for (const char *const *c = columns(k); *c; c++) {
        int opt = 0;
        for (size_t i = 0; i < sizeof optional / sizeof *optional; i++)
            opt |= !strcmp(*c, optional[i]);
        if (k == SR__PF_SEGMENTS && !strcmp(*c, "capacity"))
            opt = 0;
        if (!opt && sr__csv_col(csv, *c) < 0) {
            char line[512];
            snprintf(line, sizeof line, "%s:%ld: %s: missing column", L->file, csv->line, *c);
            emit(L, line);
            return;
        }
    }
    for (;;) {
        int r = sr__csv_next(csv);
        if (r == 0)
            break;
        if (r < 0) {
            emit(L, csv->err);
            return;
        }
        if (L->nomem)
            return;
        switch (k) {
        case SR__PF_SYSTEMS: row_systems(L); break;
        case SR__PF_NODES: row_nodes(L); break;
        case SR__PF_SEGMENTS: row_segments(L); break;
        case SR__PF_SUPPLIES: row_supplies(L); break;
        case SR__PF_OFFTAKES: row_points(L, 1); break;
        case SR__PF_DELIVERIES: row_points(L, 0); break;
        default: row_observations(L); break;
        }
    }
}

/* Checks across files, after all rows are in. */
static void cross_checks(ploader *L)
{
    sr_pipelines *p = L->p;
    char line[512];
    if (p->n_sys == 0 && L->errors == 0) {
        snprintf(line, sizeof line, "pipelines/systems.csv:1: id: no pipeline system defined");
        emit(L, line);
    }
    for (size_t s = 0; s < p->n_sys; s++) {
        size_t nd = 0;
        for (size_t i = 0; i < p->n_dels; i++)
            nd += p->dels[i].system == s;
        if (!nd && L->errors == 0) {
            snprintf(line, sizeof line, "pipelines/deliveries.csv:1: system: system '%s' has no delivery point",
                     p->sys[s].id);
            emit(L, line);
        }
    }
}

static int load_sources(ploader *L, sr__csv *csv)
{
    int col = sr__csv_col(csv, "id");
    for (;;) {
        int r = sr__csv_next(csv);
        if (r <= 0)
            break; /* the network loader reports errors of sources.csv */
        const char *id = sr__csv_get(csv, col);
        if (!*id)
            continue;
        char **q = realloc(L->sources, (L->n_sources + 1) * sizeof *q);
        if (!q)
            return -1;
        L->sources = q;
        if (!(q[L->n_sources] = strdup(id)))
            return -1;
        L->n_sources++;
    }
    if (L->sources)
        qsort(L->sources, L->n_sources, sizeof *L->sources, cmp_str);
    return 0;
}

static void free_sources(ploader *L)
{
    for (size_t i = 0; i < L->n_sources; i++)
        free(L->sources[i]);
    free(L->sources);
}

/* The common body: files come from paths (dir) or from buffers. */
static long load_all(sr_pipelines *p, const char *dir, const char *const *bufs, const size_t *lens, const char *sbuf,
                     size_t slen, sr_report_fn report, void *ctx)
{
    ploader L = {0};
    L.p = p;
    L.report = report;
    L.ctx = ctx;
    sr__csv sc;
    int sok;
    if (dir) {
        char path[4200];
        snprintf(path, sizeof path, "%s/sources.csv", dir);
        sok = sr__csv_open(&sc, path, "sources.csv") == 0;
        L.check_sources = 1;
    } else {
        sok = sbuf && sr__csv_open_buf(&sc, sbuf, slen, "sources.csv") == 0;
        L.check_sources = sbuf != NULL;
    }
    if (sok && load_sources(&L, &sc) < 0)
        L.nomem = 1;
    if (dir || sbuf)
        sr__csv_close(&sc);
    for (int k = 0; k < SR__PF_COUNT && !L.nomem; k++) {
        sr__csv csv;
        snprintf(L.file, sizeof L.file, "pipelines/%s", sr__pipe_file_names[k]);
        int rc;
        if (dir) {
            char path[4200];
            snprintf(path, sizeof path, "%s/pipelines/%s", dir, sr__pipe_file_names[k]);
            struct stat st;
            if (stat(path, &st) != 0 && !file_required[k])
                continue;
            rc = sr__csv_open(&csv, path, L.file);
        } else {
            if (!bufs[k]) {
                if (!file_required[k])
                    continue;
                rc = -1;
                snprintf(csv.err, sizeof csv.err, "%s: missing", L.file);
                csv.data = NULL;
            } else {
                rc = sr__csv_open_buf(&csv, bufs[k], lens[k], L.file);
            }
        }
        if (rc < 0) {
            emit(&L, csv.err);
            if (dir || bufs[k])
                sr__csv_close(&csv);
            continue;
        }
        L.csv = &csv;
        load_file(&L, k);
        sr__csv_close(&csv);
        L.csv = NULL;
    }
    if (!L.nomem)
        cross_checks(&L);
    free_sources(&L);
    return L.nomem ? -1 : L.errors;
}

long sr__pipe_load_dir(sr_pipelines *p, const char *dir, sr_report_fn report, void *ctx)
{
    return load_all(p, dir, NULL, NULL, NULL, 0, report, ctx);
}

long sr__pipe_load_bufs(sr_pipelines *p, const char *const bufs[SR__PF_COUNT], const size_t lens[SR__PF_COUNT],
                        const char *sources, size_t sources_len, sr_report_fn report, void *ctx)
{
    return load_all(p, NULL, bufs, lens, sources, sources_len, report, ctx);
}

long sr__pipe_check(const char *dir, sr_report_fn report, void *ctx)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/pipelines", dir);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    sr_pipelines *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    long e = sr__pipe_load_dir(p, dir, report, ctx);
    sr_pipelines_close(p);
    return e;
}

void sr__pipe_mark_cited(const char *dir, char *const *ids, size_t n, char *used)
{
    for (int k = 0; k < SR__PF_COUNT; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/pipelines/%s", dir, sr__pipe_file_names[k]);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        sr__csv csv;
        if (sr__csv_open(&csv, path, sr__pipe_file_names[k]) == 0) {
            int col = sr__csv_col(&csv, "source");
            while (col >= 0 && sr__csv_next(&csv) == 1) {
                char buf[1024];
                snprintf(buf, sizeof buf, "%s", sr__csv_get(&csv, col));
                char *save = NULL;
                for (char *tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
                    while (*tok == ' ')
                        tok++;
                    size_t m = strlen(tok);
                    while (m && tok[m - 1] == ' ')
                        tok[--m] = 0;
                    char *key = tok;
                    char *const *hit = bsearch(&key, ids, n, sizeof *ids, cmp_str);
                    if (hit)
                        used[hit - ids] = 1;
                }
            }
        }
        sr__csv_close(&csv);
    }
}

/* ---------------------------------------------------------------------------
 * Scenario text
 * ------------------------------------------------------------------------- */

__attribute__((format(printf, 5, 6))) static sr_code scn_err(sr_pipeflow *f, const char *name, long line,
                                                             const char *word, const char *fmt, ...)
{
    char m[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    snprintf(f->errmsg, sizeof f->errmsg, "%s:%ld: %s: %s", name, line, word, m);
    return SR_EDATA;
}

static int scn_num(const char *s, double lo, double hi, double *out)
{
    if (!s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || end == s || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static sr_code scn_line(sr_pipeflow *f, const char *name, long ln, char **w, int nw)
{
    const sr_pipelines *p = f->p;
    const char *v = w[0];
    double x;
#define NEED(n, usage)                                                                                       \
    do {                                                                                                     \
        if (nw != (n))                                                                                       \
            return scn_err(f, name, ln, v, "expected '%s'", usage);                                          \
    } while (0)
    if (!strcmp(v, "year")) {
        NEED(2, "year YYYY");
        if (scn_num(w[1], 1900, 2200, &x) || x != floor(x))
            return scn_err(f, name, ln, "year", "'%s' is not a year in 1900..2200", w[1]);
        f->year = (int)x;
    } else if (!strcmp(v, "open") || !strcmp(v, "close")) {
        NEED(3, "open|close segment|node ID");
        if (!strcmp(w[1], "segment")) {
            long s = sr__pipe_find_segment(p, w[2]);
            if (s < 0)
                return scn_err(f, name, ln, "segment", "unknown segment '%s'", w[2]);
            f->seg_state[s] = !strcmp(v, "open") ? 1 : 2;
        } else if (!strcmp(w[1], "node")) {
            long s = sr__pipe_find_node(p, w[2]);
            if (s < 0)
                return scn_err(f, name, ln, "node", "unknown node '%s'", w[2]);
            f->node_closed[s] = !strcmp(v, "close");
        } else {
            return scn_err(f, name, ln, w[1], "expected 'segment' or 'node'");
        }
    } else if (!strcmp(v, "capacity") || !strcmp(v, "derate")) {
        int cap = !strcmp(v, "capacity");
        NEED(4, cap ? "capacity segment ID N" : "derate segment ID FRACTION");
        if (strcmp(w[1], "segment"))
            return scn_err(f, name, ln, w[1], "expected 'segment'");
        long s = sr__pipe_find_segment(p, w[2]);
        if (s < 0)
            return scn_err(f, name, ln, "segment", "unknown segment '%s'", w[2]);
        if (cap ? scn_num(w[3], 0, SR__PIPE_MAX_VALUE, &x) : scn_num(w[3], 0, 1, &x))
            return scn_err(f, name, ln, v, "'%s' is not a number in 0..%g", w[3], cap ? SR__PIPE_MAX_VALUE : 1.0);
        if (cap)
            f->seg_cap[s] = x;
        else
            f->seg_derate[s] = x;
    } else if (!strcmp(v, "supply")) {
        NEED(3, "supply ID N");
        long s = sr__pipe_find_supply(p, w[1]);
        if (s < 0)
            return scn_err(f, name, ln, "supply", "unknown supply '%s'", w[1]);
        if (scn_num(w[2], 0, SR__PIPE_MAX_VALUE, &x))
            return scn_err(f, name, ln, "supply", "'%s' is not a number in 0..%g", w[2], SR__PIPE_MAX_VALUE);
        f->sup_vol[s] = x;
    } else if (!strcmp(v, "scale")) {
        NEED(3, "scale supplies F");
        if (strcmp(w[1], "supplies"))
            return scn_err(f, name, ln, w[1], "expected 'supplies'");
        if (scn_num(w[2], 0, 1000, &x))
            return scn_err(f, name, ln, "scale", "'%s' is not a number in 0..1000", w[2]);
        f->sup_scale = x;
    } else if (!strcmp(v, "offtake")) {
        NEED(5, "offtake ID NODE COUNTRY N");
        if (strlen(w[1]) > 63)
            return scn_err(f, name, ln, "offtake", "id '%.40s...' is longer than 63 bytes", w[1]);
        long node = sr__pipe_find_node(p, w[2]);
        if (node < 0)
            return scn_err(f, name, ln, "node", "unknown node '%s'", w[2]);
        if (strlen(w[3]) != 2 || w[3][0] < 'A' || w[3][0] > 'Z' || w[3][1] < 'A' || w[3][1] > 'Z')
            return scn_err(f, name, ln, "country", "'%s' is not an ISO 3166-1 alpha-2 code", w[3]);
        if (scn_num(w[4], 0, SR__PIPE_MAX_VALUE, &x))
            return scn_err(f, name, ln, "offtake", "'%s' is not a number in 0..%g", w[4], SR__PIPE_MAX_VALUE);
        size_t i = 0;
        while (i < f->n_offs && strcmp(f->offs[i].id, w[1]))
            i++;
        if (i == f->n_offs) {
            if (f->n_offs >= SR__PIPE_MAX_ROWS) {
                snprintf(f->errmsg, sizeof f->errmsg, "%s:%ld: offtake: more than %d offtakes", name, ln,
                         SR__PIPE_MAX_ROWS);
                return SR_ELIMIT;
            }
            if (sr__grow((void **)&f->offs, &f->cap_offs, f->n_offs + 1, sizeof *f->offs) < 0) {
                snprintf(f->errmsg, sizeof f->errmsg, "out of memory");
                return SR_ENOMEM;
            }
            f->n_offs++;
        }
        sr__pipe_off *o = &f->offs[i];
        snprintf(o->id, sizeof o->id, "%s", w[1]);
        memcpy(o->country, w[3], 3);
        o->node = (size_t)node;
        o->volume = x;
    } else {
        return scn_err(f, name, ln, v,
                       "unknown edit (expected year, open, close, capacity, derate, supply, scale or offtake)");
    }
#undef NEED
    f->solved = 0;
    return SR_OK;
}

sr_code sr__pipe_scenario(sr_pipeflow *f, const char *text, size_t len, const char *name)
{
    if (len > SR__PIPE_MAX_SCN_BYTES) {
        snprintf(f->errmsg, sizeof f->errmsg, "%s: larger than %u bytes", name, SR__PIPE_MAX_SCN_BYTES);
        return SR_ELIMIT;
    }
    size_t pos = 0;
    long ln = 0;
    while (pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n')
            e++;
        ln++;
        if (ln > SR__PIPE_MAX_SCN_LINES) {
            snprintf(f->errmsg, sizeof f->errmsg, "%s:%ld: more than %d lines", name, ln, SR__PIPE_MAX_SCN_LINES);
            return SR_ELIMIT;
        }
        char line[1024];
        size_t n = e - pos;
        if (n >= sizeof line) {
            snprintf(f->errmsg, sizeof f->errmsg, "%s:%ld: line longer than %zu bytes", name, ln, sizeof line - 2);
            return SR_ELIMIT;
        }
        memcpy(line, text + pos, n);
        line[n] = 0;
        pos = e + 1;
        if (memchr(line, 0, n)) {
            snprintf(f->errmsg, sizeof f->errmsg, "%s:%ld: NUL byte", name, ln);
            return SR_EDATA;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *w[8];
        int nw = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
            if (nw == 8)
                return scn_err(f, name, ln, w[0], "too many words");
            w[nw++] = t;
        }
        if (!nw)
            continue;
        sr_code rc = scn_line(f, name, ln, w, nw);
        if (rc != SR_OK)
            return rc;
    }
    return SR_OK;
}
