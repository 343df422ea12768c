/*
 * load.c - reads the document rules of data/documents/ (docs/DATA.md,
 * "Documents"): rail_notes.csv, tir.csv, road_permits.csv,
 * formalities.csv and costs.csv, each row checked with a FILE:LINE: field:
 * message, and builds the per-arc and per-transfer flags the router reads.
 *
 * Why optional: a dataset without the folder (a test network, an imported
 * one) routes exactly as before, with no documents on its routes; the
 * shipped dataset has it, and `check-data` validates it like every file.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "doc.h"
#include "core/num.h"

const char *const sr__doc_file_names[SR__DF_COUNT] = {"rail_notes.csv", "tir.csv", "road_permits.csv",
                                                       "formalities.csv", "costs.csv"};

/* Rows per file: the shipped files have tens; a cap keeps a hostile file
 * from growing the network without bound. */
#define MAX_ROWS 20000u

static void report(sr__diag *d, const sr__csv *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(sr__diag *d, const sr__csv *c, const char *field, const char *fmt, ...)
{
    char msg[512], full[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "documents/%s:%ld: %s: %s", c->name, c->line, field, msg);
    sr__escape_inplace(full, sizeof full);
    if (d->errors++ == 0) {
        snprintf(d->first, sizeof d->first, "%s", full);
        d->first_code = SR_EDATA;
    }
    if (d->report)
        d->report(d->ctx, 1, full);
}

static void warn(sr__diag *d, const sr__csv *c, const char *field, const char *msg)
{
    char full[600];
    snprintf(full, sizeof full, "documents/%s:%ld: %s: %s", c->name, c->line, field, msg);
    d->warnings++;
    if (d->report)
        d->report(d->ctx, 0, full);
}

static const char *get(const sr__csv *c, const char *col) { return sr__csv_get(c, sr__csv_col(c, col)); }

static int country_ok(const char *cc)
{
    return strlen(cc) == 2 && isupper((unsigned char)cc[0]) && isupper((unsigned char)cc[1]);
}

static int country(sr__diag *d, const sr__csv *c, const char *col, char out[3])
{
    const char *cc = get(c, col);
    if (!country_ok(cc)) {
        report(d, c, col, "'%.40s' is not an ISO 3166-1 alpha-2 code (e.g. KZ)", cc);
        return 0;
    }
    memcpy(out, cc, 3);
    return 1;
}

/* A year: 1 set, 0 empty, -1 invalid (reported). */
static int year(sr__diag *d, const sr__csv *c, const char *col, int *out)
{
    const char *s = get(c, col);
    long v;
    if (!*s)
        return 0;
    int e = sr__parse_long(s, 1800, 2200, &v);
    if (e) {
        report(d, c, col, "'%.40s' %s (a year 1800-2200)", s, sr__num_why(e));
        return -1;
    }
    *out = (int)v;
    return 1;
}

static int flag(sr__diag *d, const sr__csv *c, const char *col, uint8_t *out)
{
    const char *s = get(c, col);
    if (strcmp(s, "0") && strcmp(s, "1")) {
        report(d, c, col, "'%.40s' must be 0 or 1", s);
        return 0;
    }
    *out = (uint8_t)(s[0] == '1');
    return 1;
}

static int pick(sr__diag *d, const sr__csv *c, const char *col, const char *const *names, int n, int *out)
{
    const char *s = get(c, col);
    for (int i = 0; i < n; i++)
        if (!strcmp(s, names[i])) {
            *out = i;
            return 1;
        }
    char list[200] = "";
    for (int i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    report(d, c, col, "'%.40s' is not one of %s", s, list);
    return 0;
}

/* Every row cites its sources (ids of data/sources.csv; load.c checks them). */
static const char *source(sr__docs *docs, sr__diag *d, const sr__csv *c, int *ok)
{
    const char *s = get(c, "source");
    if (!*s) {
        report(d, c, "source", "missing: every rule needs a source id from sources.csv");
        *ok = 0;
        return "";
    }
    const char *r = sr__arena_strdup(&docs->arena, s);
    return r ? r : "";
}

static const char *const required[SR__DF_COUNT][5] = {
    {"country", "convention", "common_note", "source", NULL},
    {"country", "tir_since", "source", NULL},
    {"country_a", "country_b", "regime", "source", NULL},
    {"crossing", "kind", "source", NULL},
    {"event", "mode", "regime", "time_h", "source"},
};
static const char *const known[SR__DF_COUNT][9] = {
    {"country", "gauge_mm", "convention", "common_note", "source", "note", NULL},
    {"country", "tir_since", "etir_since", "source", "note", NULL},
    {"country_a", "country_b", "regime", "fee_usd_20ft", "fee_usd_40ft", "fee_usd_t", "source", "note", NULL},
    {"crossing", "into", "kind", "detail", "source", "note", NULL},
    {"event", "mode", "regime", "time_h", "cost_usd_20ft", "cost_usd_40ft", "cost_usd_t", "source", "note"},
};

static const char *const conv_names[] = {"smgs", "cim"};
static const char *const permit_names[] = {"bilateral", "sco", "none"};
static const char *const event_names[SR__EV_COUNT] = {"reconsignment", "export_clearance", "import_clearance",
                                                      "transit_opened", "transit_closed", "tir_carnet", "permit"};
static const char *const mode_names[SR_MODE_COUNT + 1] = {"rail", "road", "sea", "air", "any"};
static const char *const regime_names[] = {"any", "tir", "transit"};

static void row_rail(const sr_network *net, sr__docs *docs, const sr__csv *c, sr__diag *d)
{
    sr__rail_rule r = {.gauge_mm = 0};
    int ok = country(d, c, "country", r.country), conv = 0;
    const char *g = get(c, "gauge_mm");
    long gv = 0;
    if (*g) {
        int e = sr__parse_long(g, 500, 2000, &gv);
        if (e) {
            report(d, c, "gauge_mm", "'%.40s' %s (a track gauge 500-2000 mm, or empty for every gauge)", g, sr__num_why(e));
            ok = 0;
        }
    }
    r.gauge_mm = (uint16_t)gv;
    ok &= pick(d, c, "convention", conv_names, 2, &conv);
    ok &= flag(d, c, "common_note", &r.common);
    r.conv = (uint8_t)conv;
    r.source = source(docs, d, c, &ok);
    for (size_t i = 0; ok && i < docs->n_rail; i++)
        if (!strcmp(docs->rail[i].country, r.country) && docs->rail[i].gauge_mm == r.gauge_mm) {
            report(d, c, "country", "%s%s%.0u already has a rule", r.country, r.gauge_mm ? " gauge " : "", r.gauge_mm);
            ok = 0;
        }
    (void)net;
    if (ok && sr__grow((void **)&docs->rail, &docs->cap_rail, docs->n_rail + 1, sizeof r) == 0)
        docs->rail[docs->n_rail++] = r;
}

static void row_tir(sr__docs *docs, const sr__csv *c, sr__diag *d)
{
    sr__tir_rule r = {.since = 0};
    int ok = country(d, c, "country", r.country);
    int ys = year(d, c, "tir_since", &r.since), ye = year(d, c, "etir_since", &r.etir_since);
    if (ys == 0)
        report(d, c, "tir_since", "required: the year the country became a TIR contracting party");
    if (ys <= 0 || ye < 0)
        ok = 0;
    else if (ye > 0 && r.etir_since < r.since) {
        report(d, c, "etir_since", "%d is before tir_since %d", r.etir_since, r.since);
        ok = 0;
    }
    r.source = source(docs, d, c, &ok);
    for (size_t i = 0; ok && i < docs->n_tir; i++)
        if (!strcmp(docs->tir[i].country, r.country)) {
            report(d, c, "country", "%s is listed twice", r.country);
            ok = 0;
        }
    if (ok && sr__grow((void **)&docs->tir, &docs->cap_tir, docs->n_tir + 1, sizeof r) == 0)
        docs->tir[docs->n_tir++] = r;
}

static void row_permit(sr__docs *docs, const sr__csv *c, sr__diag *d)
{
    sr__permit_rule r = {.regime = 0};
    int ok = country(d, c, "country_a", r.a), reg = 0;
    ok &= country(d, c, "country_b", r.b);
    ok &= pick(d, c, "regime", permit_names, 3, &reg);
    r.regime = (uint8_t)reg;
    if (ok && !strcmp(r.a, r.b)) {
        report(d, c, "country_b", "a pair needs two different countries (%s twice)", r.a);
        ok = 0;
    }
    /* The permit's fee where one is published (optional columns, per
     * cargo unit like costs.csv); none for a pair that needs no permit. */
    static const char *const fcols[SR_UNIT_COUNT] = {"fee_usd_20ft", "fee_usd_40ft", "fee_usd_t"};
    for (int u = 0; u < SR_UNIT_COUNT; u++) {
        const char *f = get(c, fcols[u]);
        int e;
        if (!*f)
            continue;
        if ((e = sr__parse_double(f, 0, 1e5, &r.fee_usd[u]))) {
            report(d, c, fcols[u], "'%.40s' %s (USD per unit, 0-100000)", f, sr__num_why(e));
            ok = 0;
        } else if (r.fee_usd[u] > 0 && reg == SR__PERMIT_NONE) {
            report(d, c, fcols[u], "a fee for regime none (no permit is needed)");
            ok = 0;
        }
    }
    r.source = source(docs, d, c, &ok);
    for (size_t i = 0; ok && i < docs->n_permits; i++) {
        const sr__permit_rule *o = &docs->permits[i];
        if ((!strcmp(o->a, r.a) && !strcmp(o->b, r.b)) || (!strcmp(o->a, r.b) && !strcmp(o->b, r.a))) {
            report(d, c, "country_b", "the pair %s-%s is listed twice", r.a, r.b);
            ok = 0;
        }
    }
    if (ok && sr__grow((void **)&docs->permits, &docs->cap_permits, docs->n_permits + 1, sizeof r) == 0)
        docs->permits[docs->n_permits++] = r;
}

static void row_formality(const sr_network *net, sr__docs *docs, const sr__csv *c, sr__diag *d)
{
    sr__formality r = {.crossing = -1};
    int ok = 1;
    const char *x = get(c, "crossing");
    long xi = net ? sr_crossing_find(net, x) : -1;
    if (xi < 0) {
        report(d, c, "crossing", "unknown crossing id '%.60s' (crossings.csv)", x);
        ok = 0;
    }
    r.crossing = (int32_t)xi;
    const char *into = get(c, "into");
    if (*into) {
        if (!country_ok(into)) {
            report(d, c, "into", "'%.40s' is not an ISO 3166-1 alpha-2 code (or empty: both ways)", into);
            ok = 0;
        } else if (xi >= 0) {
            const sr_crossing *cx = &net->crossings[xi];
            if (strcmp(into, net->places[cx->place_a].country) && strcmp(into, net->places[cx->place_b].country)) {
                report(d, c, "into", "%s is on neither side of %s", into, x);
                ok = 0;
            }
        }
        if (ok)
            memcpy(r.into, into, 3);
    }
    const char *kind = get(c, "kind");
    size_t kl = strlen(kind);
    int kind_ok = kl > 0 && kl <= 32;
    for (size_t i = 0; i < kl && kind_ok; i++)
        kind_ok = islower((unsigned char)kind[i]) || kind[i] == '_';
    if (!kind_ok) {
        report(d, c, "kind", "'%.40s': a kind is 1-32 lower-case letters or '_' (veterinary, phytosanitary)", kind);
        ok = 0;
    }
    const char *detail = get(c, "detail");
    if (strlen(detail) > 400) {
        report(d, c, "detail", "longer than 400 bytes");
        ok = 0;
    }
    r.source = source(docs, d, c, &ok);
    if (!ok)
        return;
    r.kind = sr__arena_strdup(&docs->arena, kind);
    r.detail = sr__arena_strdup(&docs->arena, detail);
    if (r.kind && r.detail &&
        sr__grow((void **)&docs->formalities, &docs->cap_formalities, docs->n_formalities + 1, sizeof r) == 0)
        docs->formalities[docs->n_formalities++] = r;
}

static void row_cost(sr__docs *docs, const sr__csv *c, sr__diag *d)
{
    sr__doc_cost r = {.event = 0};
    int ev = 0, mode = 0, reg = 0;
    int ok = pick(d, c, "event", event_names, SR__EV_COUNT, &ev);
    ok &= pick(d, c, "mode", mode_names, SR_MODE_COUNT + 1, &mode);
    ok &= pick(d, c, "regime", regime_names, 3, &reg);
    if (ok && reg != SR__REG_ANY && mode != SR_ROAD) {
        report(d, c, "regime", "'%s' is a road transit regime; use 'any' for mode %s", regime_names[reg], mode_names[mode]);
        ok = 0;
    }
    const char *t = get(c, "time_h");
    int e = sr__parse_double(t, 0, 1000, &r.time_h);
    if (e) {
        report(d, c, "time_h", "'%.40s' %s (hours, 0-1000)", t, sr__num_why(e));
        ok = 0;
    }
    static const char *const cols[SR_UNIT_COUNT] = {"cost_usd_20ft", "cost_usd_40ft", "cost_usd_t"};
    for (int u = 0; u < SR_UNIT_COUNT; u++) {
        const char *s = get(c, cols[u]);
        if (!*s) {
            r.cost_usd[u] = 0;
            continue;
        }
        if ((e = sr__parse_double(s, 0, 1e6, &r.cost_usd[u]))) {
            report(d, c, cols[u], "'%.40s' %s (USD per unit, 0-1000000)", s, sr__num_why(e));
            ok = 0;
        }
    }
    r.event = (uint8_t)ev;
    r.mode = (uint8_t)mode;
    r.regime = (uint8_t)reg;
    r.source = source(docs, d, c, &ok);
    for (size_t i = 0; ok && i < docs->n_costs; i++) {
        const sr__doc_cost *o = &docs->costs[i];
        if (o->event == r.event && o->mode == r.mode && o->regime == r.regime) {
            report(d, c, "event", "%s for mode %s and regime %s is listed twice", event_names[ev], mode_names[mode],
                   regime_names[reg]);
            ok = 0;
        }
    }
    if (ok && sr__grow((void **)&docs->costs, &docs->cap_costs, docs->n_costs + 1, sizeof r) == 0)
        docs->costs[docs->n_costs++] = r;
}

static void parse(const sr_network *net, sr__docs *docs, int which, sr__csv *c, sr__diag *d)
{
    for (const char *const *k = required[which]; k < required[which] + 5 && *k; k++)
        if (sr__csv_col(c, *k) < 0) {
            c->line = 1;
            report(d, c, *k, "required column missing");
            return;
        }
    for (int i = 0; i < c->nh; i++) {
        int ok = 0;
        for (const char *const *k = known[which]; k < known[which] + 9 && *k; k++)
            ok |= !strcmp(*k, c->header[i]);
        if (!ok) {
            long save = c->line;
            c->line = 1;
            warn(d, c, c->header[i], "unknown column (ignored)");
            c->line = save;
        }
    }
    unsigned rows = 0;
    int r;
    while ((r = sr__csv_next(c)) > 0) {
        if (++rows > MAX_ROWS) {
            report(d, c, required[which][0], "more than %u rows", MAX_ROWS);
            return;
        }
        switch (which) {
        case SR__DF_RAIL: row_rail(net, docs, c, d); break;
        case SR__DF_TIR: row_tir(docs, c, d); break;
        case SR__DF_PERMITS: row_permit(docs, c, d); break;
        case SR__DF_FORMALITIES: row_formality(net, docs, c, d); break;
        default: row_cost(docs, c, d); break;
        }
    }
    if (r < 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "documents/%s", c->err);
        if (d->errors++ == 0) {
            snprintf(d->first, sizeof d->first, "%s", msg);
            d->first_code = c->code ? c->code : SR_EDATA;
        }
        if (d->report)
            d->report(d->ctx, 1, msg);
    }
}

void sr__docs_parse_buf(const sr_network *net, sr__docs *docs, int which, const char *buf, size_t len, sr__diag *d)
{
    sr__csv c;
    if (which < 0 || which >= SR__DF_COUNT)
        return;
    if (sr__csv_open_buf(&c, buf, len, sr__doc_file_names[which]) == 0)
        parse(net, docs, which, &c, d);
    else
        report(d, &c, "file", "%s", c.err);
    sr__csv_close(&c);
}

void sr__docs_load(sr_network *net, const char *dir, sr__diag *d)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/documents", dir) >= (int)sizeof path)
        return;
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return; /* optional: no document rules, routes carry none */
    fclose(probe);
    sr__docs *docs = calloc(1, sizeof *docs);
    if (!docs)
        return;
    for (int k = 0; k < SR__DF_COUNT; k++) {
        snprintf(path, sizeof path, "%s/documents/%s", dir, sr__doc_file_names[k]);
        sr__csv c;
        if (sr__csv_open(&c, path, sr__doc_file_names[k]) < 0) {
            /* Each file is optional within the folder too: its rules are
             * then absent (no costs, every border bilateral, ...). */
            if (!c.absent) {
                char msg[700];
                snprintf(msg, sizeof msg, "documents/%s", c.err);
                if (d->errors++ == 0) {
                    snprintf(d->first, sizeof d->first, "%s", msg);
                    d->first_code = c.code ? c.code : SR_EDATA;
                }
                if (d->report)
                    d->report(d->ctx, 1, msg);
            }
            sr__csv_close(&c);
            continue;
        }
        parse(net, docs, k, &c, d);
        sr__csv_close(&c);
    }
    if (sr__docs_index(net, docs) < 0) {
        sr__docs_free(docs);
        return;
    }
    net->docs = docs;
}

/* The rail convention of a country and gauge: the gauge's own row, else
 * the country's row for every gauge; NULL when the data has neither. */
static const sr__rail_rule *rail_rule(const sr__docs *docs, const char *cc, unsigned gauge)
{
    const sr__rail_rule *any = NULL;
    for (size_t i = 0; i < docs->n_rail; i++)
        if (!strcmp(docs->rail[i].country, cc)) {
            if (docs->rail[i].gauge_mm == gauge)
                return &docs->rail[i];
            if (!docs->rail[i].gauge_mm)
                any = &docs->rail[i];
        }
    return any;
}

/* 0: the note stays; 1: it changes convention and both railways accept the
 * common note; 2: it changes and one of them does not. */
static uint8_t note_change(const sr__docs *docs, const char *ca, unsigned ga, const char *cb, unsigned gb)
{
    const sr__rail_rule *a = rail_rule(docs, ca, ga), *b = rail_rule(docs, cb, gb);
    if (!a || !b || a->conv == b->conv)
        return 0;
    return a->common && b->common ? 1 : 2;
}

int sr__docs_index(const sr_network *net, sr__docs *docs)
{
    /* A serial no other rule set shares, even one at the same address
     * after a free (the query's cache, apply.c, keys on it). */
    static atomic_uint_fast64_t next_serial = 1;
    docs->serial = atomic_fetch_add(&next_serial, 1);
    size_t na = net->n_arcs ? net->n_arcs : 1, nx = net->n_xfers ? net->n_xfers : 1;
    docs->arc_border = calloc(na, 1);
    docs->arc_reissue = calloc(na, 1);
    docs->xfer_reissue = calloc(nx, 1);
    docs->xfer_place = calloc(nx, sizeof *docs->xfer_place);
    docs->place_ci = calloc(net->n_places ? net->n_places : 1, sizeof *docs->place_ci);
    docs->countries = calloc(net->n_places ? net->n_places : 1, sizeof *docs->countries);
    docs->arc_union0 = calloc(na, sizeof *docs->arc_union0);
    docs->arc_permit = calloc(na, sizeof *docs->arc_permit);
    if (!docs->arc_border || !docs->arc_reissue || !docs->xfer_reissue || !docs->xfer_place || !docs->place_ci ||
        !docs->countries || !docs->arc_union0 || !docs->arc_permit)
        return -1;
    /* Country index per place (first-seen order; a handful of countries). */
    for (uint32_t p = 0; p < net->n_places; p++) {
        const char *cc = net->places[p].country;
        uint32_t k = 0;
        while (k < docs->n_countries && strcmp(docs->countries[k], cc))
            k++;
        if (k == docs->n_countries)
            memcpy(docs->countries[docs->n_countries++], cc, 3);
        docs->place_ci[p] = (uint16_t)(k < 65535 ? k : 65535);
    }
    uint32_t nc = docs->n_countries ? docs->n_countries : 1;
    docs->same0 = calloc((size_t)nc * nc, 1);
    docs->tir0 = calloc(2 * (size_t)nc, 1);
    if (!docs->same0 || !docs->tir0)
        return -1;
    docs->etir0 = docs->tir0 + nc;
    for (uint32_t i = 0; i < docs->n_countries; i++) {
        for (uint32_t j = 0; j < docs->n_countries; j++)
            docs->same0[(size_t)i * nc + j] =
                i == j || sr_network_common_union(net, docs->countries[i], docs->countries[j], 0) != NULL;
        for (size_t k = 0; k < docs->n_tir; k++)
            if (!strcmp(docs->tir[k].country, docs->countries[i])) {
                docs->tir0[i] = 1;
                docs->etir0[i] = docs->tir[k].etir_since > 0;
            }
    }
    for (uint32_t p = 0; p < net->n_places; p++)
        for (uint32_t a = net->arc_off[p]; a < net->arc_off[p + 1]; a++) {
            const sr_link *k = &net->links[net->arc_link[a]];
            uint32_t h = net->arc_head[a];
            if (!strcmp(net->places[p].country, net->places[h].country))
                continue;
            docs->arc_border[a] = 1;
            const char *ca = net->places[p].country, *cb = net->places[h].country;
            docs->arc_union0[a] = sr_network_common_union(net, ca, cb, 0);
            for (size_t i = 0; i < docs->n_permits && !docs->arc_permit[a]; i++) {
                const sr__permit_rule *r = &docs->permits[i];
                if ((!strcmp(r->a, ca) && !strcmp(r->b, cb)) || (!strcmp(r->a, cb) && !strcmp(r->b, ca)))
                    docs->arc_permit[a] = r;
            }
            if (k->mode == SR_RAIL)
                docs->arc_reissue[a] =
                    note_change(docs, net->places[p].country, k->gauge_mm, net->places[h].country, k->gauge_mm);
        }
    for (uint32_t p = 0; p < net->n_places; p++)
        for (uint32_t x = net->xfer_off[p]; x < net->xfer_off[p + 1]; x++) {
            const sr__xfer *t = &net->xfers[x];
            docs->xfer_place[x] = p;
            unsigned ga = net->class_gauge[t->from], gb = net->class_gauge[t->to];
            if (ga && gb)
                docs->xfer_reissue[x] = note_change(docs, net->places[p].country, ga, net->places[p].country, gb);
        }
    return 0;
}

void sr__docs_free(sr__docs *docs)
{
    if (!docs)
        return;
    free(docs->rail);
    free(docs->tir);
    free(docs->permits);
    free(docs->formalities);
    free(docs->costs);
    free(docs->arc_border);
    free(docs->arc_reissue);
    free(docs->xfer_reissue);
    free(docs->xfer_place);
    free(docs->place_ci);
    free(docs->countries);
    free(docs->arc_union0);
    free(docs->same0);
    free(docs->tir0);
    free(docs->arc_permit);
    sr__arena_free(&docs->arena);
    free(docs);
}
