/*
 * load.c - reads a dataset directory (docs/DATA.md) into an sr_network and
 * validates it.  The same code serves sr_network_open() and `silkroute
 * check-data`: every problem is reported as "FILE:LINE: field: message";
 * opening fails on the first error's message, check-data lists them all.
 *
 * Loading goes file by file in dependency order (sources, params, modes,
 * places, crossings, links, transfers) and ends by building the compact
 * search arrays described in network.h.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "idhash/idhash.h"
#include "pipeline/pipe.h"
#include "documents/doc.h"
#include "network/network.h"
#include "core/num.h"
#include "timetable/tt.h"

#define MAX_PLACES 4000000u
#define MAX_LINKS 16000000u


typedef struct loader {
    sr_network *net;
    sr__diag *d;
    const char *dir;
    /* ids by hash (idhash/idhash.h): every reference of every row is
     * resolved here, so a look-up must not cost a binary search of
     * strcmp() calls */
    sr__idhash place_ids;
    sr__idhash crossing_ids;
    char **sources;         /* sorted source ids */
    size_t n_sources, cap_sources;
    char *source_used;
    size_t last_source;     /* the source id the last row cited (check_sources) */
    size_t cap_places, cap_links, cap_crossings, cap_xfers;
    sr__xfer *xfer_tmp;     /* before CSR: carries place in capacity slot */
    uint32_t *xfer_place;
    size_t n_xfer_tmp;
    sr__name *aliases;      /* extra names for the name index */
    size_t n_aliases, cap_aliases;
    int have_params[SR_UNIT_COUNT];
    int have_mode[SR_MODE_COUNT];
    /* current file for messages */
    sr__csv *csv;
    /* Column index by column-name pointer for the current file: the
     * loaders name columns by string literals, several per row, and a
     * linear strcmp() over the header for each was a tenth of a large
     * load.  Cleared whenever a file is opened. */
    const char *col_name[64];
    int col_idx[64];
    /* time zones of places.csv already found in the tz database */
    char **zones_ok;
    size_t n_zones_ok;
} loader;

static void record(loader *L, int is_error, sr_code code, char *full, size_t cap)
{
    /* Names and values from data files are quoted in messages: escape
     * what could drive a terminal (util.h). */
    sr__escape_inplace(full, cap);
    if (is_error) {
        if (L->d->errors++ == 0) {
            snprintf(L->d->first, sizeof L->d->first, "%s", full);
            L->d->first_code = code;
        }
    } else {
        L->d->warnings++;
    }
    if (L->d->report)
        L->d->report(L->d->ctx, is_error, full);
}

static void vreport(loader *L, int is_error, sr_code code, const char *file, long line, const char *field,
                    const char *fmt, va_list ap)
{
    char msg[768], full[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (line > 0 && field)
        snprintf(full, sizeof full, "%s:%ld: %s: %s", file, line, field, msg);
    else if (line > 0)
        snprintf(full, sizeof full, "%s:%ld: %s", file, line, msg);
    else
        snprintf(full, sizeof full, "%s: %s", file, msg);
    record(L, is_error, code, full, sizeof full);
}

static void __attribute__((format(printf, 3, 4))) err(loader *L, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(L, 1, SR_EDATA, L->csv->name, L->csv->line, field, fmt, ap);
    va_end(ap);
}

static void __attribute__((format(printf, 3, 4))) warn(loader *L, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(L, 0, SR_EDATA, L->csv->name, L->csv->line, field, fmt, ap);
    va_end(ap);
}

static void __attribute__((format(printf, 3, 4))) file_err(loader *L, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(L, 1, SR_EDATA, file, 0, NULL, fmt, ap);
    va_end(ap);
}

/* ---- field parsing -------------------------------------------------- */

/* Parse a number field.  Returns 1 when given and valid, 0 when empty, -1
 * when invalid (reported).  `lo_open`: the lower bound is exclusive. */
static int col_of(loader *L, const char *name)
{
    /* Literals sit a few bytes apart: mix the address, keep the top bits. */
    size_t h = (size_t)(((uint64_t)(uintptr_t)name * 0x9E3779B97F4A7C15ull) >> 58);
    /* Linear probing: two literals that share a slot would otherwise
     * evict each other on every row (the header scan was 6 % of loading
     * a million links, issue 16). */
    for (size_t k = 0; k < 64; k++) {
        size_t i = (h + k) & 63;
        if (L->col_name[i] == name)
            return L->col_idx[i];
        if (!L->col_name[i]) {
            int c = sr__csv_col(L->csv, name);
            L->col_name[i] = name;
            L->col_idx[i] = c;
            return c;
        }
    }
    return sr__csv_col(L->csv, name);
}

static int num(loader *L, const char *col, double lo, int lo_open, double hi, double *out)
{
    const char *s = sr__csv_get(L->csv, col_of(L, col));
    if (!*s)
        return 0;
    double v;
    /* The strict parser (num.h): "0x10", "inf" and "1e999" are errors. */
    int rc = sr__parse_double(s, -HUGE_VAL, HUGE_VAL, &v);
    if (rc) {
        err(L, col, "'%s' is not a number%s", s, rc == SR__NUM_RANGE ? " (too large)" : "");
        return -1;
    }
    if (lo_open ? !(v > lo) : !(v >= lo)) {
        err(L, col, "%s must be %s %g", s, lo_open ? ">" : ">=", lo);
        return -1;
    }
    if (v > hi) {
        err(L, col, "%s exceeds the limit %g", s, hi);
        return -1;
    }
    *out = v;
    return 1;
}

static int num_req(loader *L, const char *col, double lo, int lo_open, double hi, double *out)
{
    int r = num(L, col, lo, lo_open, hi, out);
    if (r == 0) {
        err(L, col, "required");
        return -1;
    }
    return r;
}

static const char *field(loader *L, const char *col) { return sr__csv_get(L->csv, col_of(L, col)); }

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static long find_id(const sr__idhash *h, const char *id) { return sr__idhash_get(h, id); }

static long place_ref(loader *L, const char *col, int required)
{
    const char *s = field(L, col);
    if (!*s) {
        if (required)
            err(L, col, "required");
        return -1;
    }
    long i = find_id(&L->place_ids, s);
    if (i < 0) {
        char sug[256];
        sr__suggest(L->net, s, sug, sizeof sug);
        err(L, col, "unknown place '%s'%s%s", s, *sug ? "; did you mean: " : "", sug);
    }
    return i;
}

/* Check the row's source column: every id must exist in sources.csv and a
 * row that states figures must name at least one. */
static void check_sources(loader *L, int has_figures)
{
    int col = col_of(L, "source");
    const char *s = sr__csv_get(L->csv, col);
    if (!*s) {
        if (has_figures)
            err(L, "source", "missing: every figure needs a source id from sources.csv");
        return;
    }
    /* The common case, one id without blanks, is looked up in place; rows
     * mostly cite the same source as the row before, so that one is tried
     * first (copying and tokenising every row's field was 6 % of loading
     * a million links, issue 16). */
    size_t sl = strlen(s);
    if (sl < 1024 && !strchr(s, ';') && s[0] != ' ' && s[sl - 1] != ' ') {
        if (L->last_source < L->n_sources && !strcmp(L->sources[L->last_source], s))
            return;
        char **hit = L->sources ? bsearch(&s, L->sources, L->n_sources, sizeof *L->sources, cmp_str) : NULL;
        if (!hit) {
            err(L, "source", "unknown source id '%s'", s);
        } else {
            L->source_used[hit - L->sources] = 1;
            L->last_source = (size_t)(hit - L->sources);
        }
        return;
    }
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
        char **hit = L->sources ? bsearch(&tok, L->sources, L->n_sources, sizeof *L->sources, cmp_str) : NULL;
        if (!hit)
            err(L, "source", "unknown source id '%s'", tok);
        else
            L->source_used[hit - L->sources] = 1;
    }
}

/* Warn about columns a file does not define: likely typos. */
static void check_columns(loader *L, const char *const *known)
{
    for (int i = 0; i < L->csv->nh; i++) {
        int ok = 0;
        for (const char *const *k = known; *k; k++)
            if (!strcmp(*k, L->csv->header[i]))
                ok = 1;
        if (!ok) {
            long save = L->csv->line;
            L->csv->line = 1;
            warn(L, L->csv->header[i], "unknown column (ignored)");
            L->csv->line = save;
        }
    }
}

static int require_columns(loader *L, const char *const *req)
{
    int ok = 1;
    for (const char *const *k = req; *k; k++)
        if (sr__csv_col(L->csv, *k) < 0) {
            long save = L->csv->line;
            L->csv->line = 1;
            err(L, *k, "required column missing");
            L->csv->line = save;
            ok = 0;
        }
    return ok;
}

static char *sdup(loader *L, const char *s) { return sr__arena_strdup(&L->net->arena, s); }

/* Report an error the CSV reader already formatted with file and line,
 * with its class (an unreadable file is an I/O error, not bad data). */
static void csv_error(loader *L, const sr__csv *csv)
{
    char full[sizeof csv->err];
    snprintf(full, sizeof full, "%s", csv->err);
    record(L, 1, csv->code, full, sizeof full);
}

/* Open DIR/name; a missing optional file yields 0 without error.  A file
 * that exists but cannot be read, or is no regular file (a FIFO would
 * hang the load), is an I/O error naming it (file.h). */
static int open_file(loader *L, sr__csv *csv, const char *name, int optional)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", L->dir, name) >= (int)sizeof path) {
        file_err(L, name, "path too long");
        return -1;
    }
    if (sr__csv_open(csv, path, name) < 0) {
        int absent = csv->absent;
        /* A required file that is missing makes the dataset incomplete
         * (bad data); one that is there but unreadable is an I/O error. */
        if (absent && !optional)
            file_err(L, name, "required file missing in %s", L->dir);
        else if (!absent)
            csv_error(L, csv);
        sr__csv_close(csv);
        return optional && absent ? 0 : -1;
    }
    L->csv = csv;
    memset(L->col_name, 0, sizeof L->col_name);
    return 1;
}

static int next_row(loader *L, sr__csv *csv)
{
    int r = sr__csv_next(csv);
    if (r < 0)
        csv_error(L, csv);
    return r;
}

/* ---- files -------------------------------------------------------------- */

/* Files read by other modules cite the dataset's sources too: the
 * scheduled services (services/route_freight.txt, timetable/gtfs.c) and the
 * freight demand table (demand.csv, assign/freight.c), the time
 * distributions and the observations (calib/).  Their source ids
 * are checked here so that check-data covers every figure; the rest of
 * each file is validated by the module that loads it. */
static void check_extra_sources(loader *L)
{
    static const char *const files[] = {"services/route_freight.txt", "demand.csv", "crossing_times.csv",
                                        "time_spread.csv", "observations.csv", "unions.csv",
                                        "documents/rail_notes.csv", "documents/tir.csv",
                                        "documents/road_permits.csv", "documents/formalities.csv",
                                        "documents/costs.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        sr__csv csv;
        if (open_file(L, &csv, files[i], 1) <= 0)
            continue;
        while (next_row(L, &csv) > 0)
            check_sources(L, 1);
        sr__csv_close(&csv);
    }
}

/* The calibration overlay (calibrated.scn, calib/spread.c) names its
 * source on a `source ID` line; the id must be in sources.csv. */
static void check_overlay_source(loader *L)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/calibrated.scn", L->dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char line[1024];
    long n = 0;
    int seen = 0;
    while (fgets(line, sizeof line, f) && n < 100000) {
        n++;
        char id[256];
        if (sscanf(line, "source %255s", id) != 1)
            continue;
        seen = 1;
        char *key = id;
        char **hit = L->sources ? bsearch(&key, L->sources, L->n_sources, sizeof *L->sources, cmp_str) : NULL;
        if (hit)
            L->source_used[hit - L->sources] = 1;
        else {
            char msg[400];
            snprintf(msg, sizeof msg, "calibrated.scn:%ld: source: unknown source id '%s'", n, id);
            if (L->d->errors++ == 0)
                snprintf(L->d->first, sizeof L->d->first, "%s", msg);
            if (L->d->report)
                L->d->report(L->d->ctx, 1, msg);
        }
    }
    fclose(f);
    if (!seen) {
        char msg[200];
        snprintf(msg, sizeof msg, "calibrated.scn: source: missing `source ID` line naming the calibration");
        if (L->d->errors++ == 0)
            snprintf(L->d->first, sizeof L->d->first, "%s", msg);
        if (L->d->report)
            L->d->report(L->d->ctx, 1, msg);
    }
}

static void load_sources(loader *L)
{
    sr__csv csv;
    if (open_file(L, &csv, "sources.csv", 0) <= 0)
        return;
    static const char *const cols[] = {"id", "kind", "title", "publisher", "url", "date", "note", NULL};
    check_columns(L, cols);
    static const char *const req[] = {"id", "kind", NULL};
    if (require_columns(L, req)) {
        while (next_row(L, &csv) > 0) {
            const char *id = field(L, "id"), *kind = field(L, "kind");
            if (!*id) {
                err(L, "id", "required");
                continue;
            }
            if (strcmp(kind, "source") && strcmp(kind, "assumption"))
                err(L, "kind", "'%s' must be 'source' or 'assumption'", kind);
            else if (!strcmp(kind, "assumption") && !*field(L, "note"))
                err(L, "note", "an assumption must state its reasoning");
            else if (!strcmp(kind, "source") && !*field(L, "title") && !*field(L, "url"))
                err(L, "title", "a source needs a title or a url");
            if (sr__grow((void **)&L->sources, &L->cap_sources, L->n_sources + 1, sizeof *L->sources) < 0)
                break;
            L->sources[L->n_sources++] = sdup(L, id);
        }
    }
    if (L->n_sources)
        qsort(L->sources, L->n_sources, sizeof *L->sources, cmp_str);
    for (size_t i = 1; i < L->n_sources; i++)
        if (!strcmp(L->sources[i], L->sources[i - 1]))
            file_err(L, "sources.csv", "source id '%s' defined twice", L->sources[i]);
    L->source_used = calloc(L->n_sources + 1, 1);
    sr__csv_close(&csv);
}

static void load_params(loader *L)
{
    sr__csv csv;
    if (open_file(L, &csv, "params.csv", 0) <= 0)
        return;
    static const char *const cols[] = {"key", "value", "unit", "source", NULL};
    check_columns(L, cols);
    while (next_row(L, &csv) > 0) {
        const char *key = field(L, "key");
        double v;
        int u = !strcmp(key, "tonnes_per_20ft") ? SR_UNIT_20FT : !strcmp(key, "tonnes_per_40ft") ? SR_UNIT_40FT : -1;
        if (u < 0) {
            warn(L, "key", "unknown parameter '%s' (ignored)", key);
            continue;
        }
        if (num_req(L, "value", 0, 1, 100, &v) > 0) {
            L->net->tonnes_per_unit[u] = v;
            L->have_params[u] = 1;
        }
        check_sources(L, 1);
    }
    sr__csv_close(&csv);
    L->net->tonnes_per_unit[SR_UNIT_T] = 1;
    L->have_params[SR_UNIT_T] = 1;
    for (int u = 0; u < SR_UNIT_T; u++)
        if (!L->have_params[u])
            file_err(L, "params.csv", "parameter tonnes_per_%s missing", sr_unit_name((sr_unit)u));
}

static void load_modes(loader *L)
{
    sr__csv csv;
    if (open_file(L, &csv, "modes.csv", 0) <= 0)
        return;
    static const char *const cols[] = {"mode", "speed_kmh", "cost_usd_per_km_20ft", "cost_usd_per_km_40ft",
                                       "cost_usd_per_tkm", "co2e_kg_per_tkm", "units", "source", NULL};
    check_columns(L, cols);
    while (next_row(L, &csv) > 0) {
        int m = sr_mode_parse(field(L, "mode"));
        if (m < 0) {
            err(L, "mode", "'%s' is not one of rail, road, sea, air", field(L, "mode"));
            continue;
        }
        if (L->have_mode[m])
            err(L, "mode", "mode '%s' defined twice", sr_mode_name((sr_mode)m));
        sr__mode_info *mi = &L->net->modes[m];
        num_req(L, "speed_kmh", 0, 1, 2000, &mi->speed_kmh);
        num_req(L, "cost_usd_per_km_20ft", 0, 0, 1000, &mi->cost_per_km[SR_UNIT_20FT]);
        num_req(L, "cost_usd_per_km_40ft", 0, 0, 1000, &mi->cost_per_km[SR_UNIT_40FT]);
        num_req(L, "cost_usd_per_tkm", 0, 0, 100, &mi->cost_per_km[SR_UNIT_T]);
        num_req(L, "co2e_kg_per_tkm", 0, 0, 10, &mi->co2e_kg_per_tkm);
        char buf[128];
        snprintf(buf, sizeof buf, "%s", field(L, "units"));
        mi->units = 0;
        char *save = NULL;
        for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            int u = sr_unit_parse(t);
            if (u < 0)
                err(L, "units", "'%s' is not one of 20ft, 40ft, t", t);
            else
                mi->units |= 1u << u;
        }
        if (!mi->units)
            err(L, "units", "required: the cargo units the mode carries");
        L->have_mode[m] = 1;
        check_sources(L, 1);
    }
    sr__csv_close(&csv);
    for (int m = 0; m < SR_MODE_COUNT; m++)
        if (!L->have_mode[m])
            file_err(L, "modes.csv", "mode '%s' missing", sr_mode_name((sr_mode)m));
}

static int valid_country(const char *s)
{
    return strlen(s) == 2 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]);
}

/* A place's zone must be in the tz database: the timetable reads it when
 * the network opens, and an error found here carries places.csv's line. */
static void check_zone(loader *L, const char *tz)
{
    for (size_t i = 0; i < L->n_zones_ok; i++)
        if (!strcmp(L->zones_ok[i], tz))
            return;
    sr__tz z;
    char msg[512];
    if (sr__tz_load(&z, tz, msg, sizeof msg) < 0) {
        err(L, "tz", "%s", msg);
        return;
    }
    sr__tz_free(&z);
    char **nz = realloc(L->zones_ok, (L->n_zones_ok + 1) * sizeof *nz);
    if (!nz)
        return;
    L->zones_ok = nz;
    if ((nz[L->n_zones_ok] = strdup(tz)) != NULL)
        L->n_zones_ok++;
}

static void load_places(loader *L)
{
    sr__csv csv;
    sr_network *net = L->net;
    if (open_file(L, &csv, "places.csv", 0) <= 0)
        return;
    static const char *const cols[] = {"id", "name_en", "name_zh", "name_ru", "aliases", "country", "kind",
                                       "lat", "lon", "tz", "source", NULL};
    check_columns(L, cols);
    static const char *const req[] = {"id", "name_en", "country", "kind", "lat", "lon", NULL};
    if (require_columns(L, req)) {
        while (next_row(L, &csv) > 0) {
            if (net->n_places >= MAX_PLACES) {
                err(L, NULL, "more than %u places", MAX_PLACES);
                break;
            }
            sr_place p = {0};
            int ok = 1;
            const char *id = field(L, "id");
            if (!*id || strlen(id) > 64 || strpbrk(id, " ,;|")) {
                err(L, "id", "'%s': an id is 1-64 characters without blanks, ',', ';' or '|'", id);
                ok = 0;
            }
            if (!*field(L, "name_en")) {
                err(L, "name_en", "required");
                ok = 0;
            }
            const char *cc = field(L, "country");
            if (!valid_country(cc)) {
                err(L, "country", "'%s' is not an ISO 3166-1 alpha-2 code", cc);
                ok = 0;
            }
            int kind = sr__kind_parse(field(L, "kind"));
            if (kind < 0) {
                err(L, "kind", "'%s' is not a place kind (city, rail_terminal, dry_port, border_crossing, seaport, "
                               "airport)", field(L, "kind"));
                ok = 0;
            }
            if (num_req(L, "lat", -90, 0, 90, &p.lat) < 0 || num_req(L, "lon", -180, 0, 180, &p.lon) < 0)
                ok = 0;
            const char *tz = field(L, "tz");
            if (*tz && (!strchr(tz, '/') || strpbrk(tz, " .,")))
                err(L, "tz", "'%s' is not an IANA time zone name", tz);
            else if (*tz)
                check_zone(L, tz);
            check_sources(L, 1);
            if (!ok)
                continue;
            if (sr__grow((void **)&net->places, &L->cap_places, net->n_places + 1, sizeof *net->places) < 0)
                break;
            p.id = sdup(L, id);
            p.name_en = sdup(L, field(L, "name_en"));
            p.name_zh = sdup(L, field(L, "name_zh"));
            p.name_ru = sdup(L, field(L, "name_ru"));
            p.tz = sdup(L, tz);
            memcpy(p.country, cc, 3);
            p.kind = (sr_place_kind)kind;
            net->places[net->n_places++] = p;
            /* Aliases matter only to the name index, which names.c builds
             * from the places and these extra names. */
            const char *al = field(L, "aliases");
            if (*al) {
                char *copy = sdup(L, al);
                char *save = NULL;
                for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
                    while (*t == ' ')
                        t++;
                    if (!*t)
                        continue;
                    if (sr__grow((void **)&L->aliases, &L->cap_aliases, L->n_aliases + 1, sizeof *L->aliases) < 0)
                        break;
                    L->aliases[L->n_aliases++] = (sr__name){t, net->n_places - 1};
                }
            }
        }
    }
    sr__csv_close(&csv);
    if (sr__idhash_reserve(&L->place_ids, net->n_places) < 0) {
        file_err(L, "places.csv", "out of memory indexing %u place ids", net->n_places);
        return;
    }
    /* The first definition of an id is the one references resolve to. */
    for (uint32_t i = 0; i < net->n_places; i++) {
        int r = sr__idhash_put(&L->place_ids, net->places[i].id, i, NULL);
        if (r < 0) {
            file_err(L, "places.csv", "out of memory indexing place ids");
            return;
        }
        if (r > 0)
            file_err(L, "places.csv", "place id '%s' defined twice", net->places[i].id);
    }
}

static void parse_fees(loader *L, double fee[SR_UNIT_COUNT], const char *const cols[SR_UNIT_COUNT], int required)
{
    for (int u = 0; u < SR_UNIT_COUNT; u++) {
        double v = 0;
        if (required)
            num_req(L, cols[u], 0, 0, 1e7, &v);
        else
            num(L, cols[u], 0, 0, 1e7, &v);
        fee[u] = v;
    }
}

static int valid_days(const char *s)
{
    if (!*s || !strcmp(s, "daily"))
        return 1;
    static const char *const d[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL;
    for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        int ok = 0;
        for (int i = 0; i < 7; i++)
            ok |= !strcmp(t, d[i]);
        if (!ok)
            return 0;
    }
    return 1;
}

/* One or two ASCII digits at *p (no sign, no blank: sscanf's %2d would
 * take " 8" and "+8"); advances *p.  0, or -1 without digits. */
static int small_num(const char **p, int *v)
{
    const char *s = *p;
    if (!(s[0] >= '0' && s[0] <= '9'))
        return -1;
    *v = s[0] - '0';
    s++;
    if (s[0] >= '0' && s[0] <= '9')
        *v = *v * 10 + (*s++ - '0');
    *p = s;
    return 0;
}

/* "A<sep1>B<sep2>C<sep3>D" with small numbers A..D and fixed separators. */
static int four_nums(const char *s, const char *sep1, const char *sep2, const char *sep3, int v[4])
{
    const char *seps[3] = {sep1, sep2, sep3};
    for (int i = 0; i < 4; i++) {
        if (small_num(&s, &v[i]) < 0)
            return -1;
        if (i < 3) {
            size_t n = strlen(seps[i]);
            if (strncmp(s, seps[i], n))
                return -1;
            s += n;
        }
    }
    return *s ? -1 : 0;
}

static int valid_hours(const char *s)
{
    int v[4];
    if (!*s || !strcmp(s, "24h"))
        return 1;
    return four_nums(s, ":", "-", ":", v) == 0 && v[0] <= 24 && v[2] <= 24 && v[1] < 60 && v[3] < 60;
}

static int valid_season(const char *s)
{
    int v[4];
    if (!*s)
        return 1;
    return four_nums(s, "-", "..", "-", v) == 0 && v[0] >= 1 && v[0] <= 12 && v[2] >= 1 && v[2] <= 12 && v[1] >= 1 &&
           v[1] <= 31 && v[3] >= 1 && v[3] <= 31;
}

static void load_crossings(loader *L)
{
    sr__csv csv;
    sr_network *net = L->net;
    if (open_file(L, &csv, "crossings.csv", 0) <= 0)
        return;
    static const char *const cols[] = {"id", "name", "name_zh", "name_ru", "mode", "place_a", "place_b",
                                       "dwell_h", "dwell_congested_h", "capacity_teu_per_day", "open_days",
                                       "open_hours", "open_season", "fee_usd_20ft", "fee_usd_40ft", "fee_usd_t",
                                       "source", NULL};
    static const char *const fees[] = {"fee_usd_20ft", "fee_usd_40ft", "fee_usd_t"};
    check_columns(L, cols);
    static const char *const req[] = {"id", "name", "mode", "place_a", "place_b", "dwell_h", NULL};
    if (require_columns(L, req)) {
        while (next_row(L, &csv) > 0) {
            sr_crossing x = {0};
            int ok = 1;
            const char *id = field(L, "id");
            if (!*id || strlen(id) > 64 || strpbrk(id, " ,;|")) {
                err(L, "id", "'%s': an id is 1-64 characters without blanks, ',', ';' or '|'", id);
                ok = 0;
            }
            int m = sr_mode_parse(field(L, "mode"));
            if (m != SR_RAIL && m != SR_ROAD) {
                err(L, "mode", "'%s' must be rail or road", field(L, "mode"));
                ok = 0;
            }
            long a = place_ref(L, "place_a", 1), b = place_ref(L, "place_b", 1);
            if (a < 0 || b < 0)
                ok = 0;
            else if (!strcmp(net->places[a].country, net->places[b].country))
                err(L, "place_b", "'%s' is in the same country as '%s'", net->places[b].id, net->places[a].id);
            if (num_req(L, "dwell_h", 0, 0, 24 * 90, &x.dwell_h) < 0)
                ok = 0;
            num(L, "dwell_congested_h", 0, 0, 24 * 365, &x.dwell_congested_h);
            if (x.dwell_congested_h && x.dwell_congested_h < x.dwell_h)
                err(L, "dwell_congested_h", "smaller than dwell_h");
            num(L, "capacity_teu_per_day", 0, 1, 1e7, &x.capacity_teu_per_day);
            parse_fees(L, x.fee_usd, fees, 0);
            if (!valid_days(field(L, "open_days")))
                err(L, "open_days", "'%s': use 'daily' or days like Mon;Tue;Wed", field(L, "open_days"));
            if (!valid_hours(field(L, "open_hours")))
                err(L, "open_hours", "'%s': use HH:MM-HH:MM or 24h", field(L, "open_hours"));
            if (!valid_season(field(L, "open_season")))
                err(L, "open_season", "'%s': use MM-DD..MM-DD", field(L, "open_season"));
            check_sources(L, 1);
            if (!ok)
                continue;
            if (sr__grow((void **)&net->crossings, &L->cap_crossings, net->n_crossings + 1, sizeof x) < 0)
                break;
            x.id = sdup(L, id);
            x.name = sdup(L, field(L, "name"));
            x.name_zh = sdup(L, field(L, "name_zh"));
            x.name_ru = sdup(L, field(L, "name_ru"));
            x.mode = (sr_mode)m;
            x.place_a = (uint32_t)a;
            x.place_b = (uint32_t)b;
            x.open_days = sdup(L, field(L, "open_days"));
            x.open_hours = sdup(L, field(L, "open_hours"));
            x.open_season = sdup(L, field(L, "open_season"));
            net->crossings[net->n_crossings++] = x;
        }
    }
    sr__csv_close(&csv);
    for (uint32_t i = 0; i < net->n_crossings; i++) {
        int r = sr__idhash_put(&L->crossing_ids, net->crossings[i].id, i, NULL);
        if (r < 0) {
            file_err(L, "crossings.csv", "out of memory indexing crossing ids");
            return;
        }
        if (r > 0)
            file_err(L, "crossings.csv", "crossing id '%s' defined twice", net->crossings[i].id);
    }
}

#define MAX_GEOM_POINTS 100000

/* Parse the optional geometry column: intermediate points "lon lat"
 * separated by ';'.  The points go to the arena (which never moves them),
 * so sr_link can point at them.  Returns 0, or -1 after reporting. */
static int parse_geometry(loader *L, const char *s, const double **out, uint32_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (!*s)
        return 0;
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == ';';
    if (n > MAX_GEOM_POINTS) {
        err(L, "geometry", "more than %d points", MAX_GEOM_POINTS);
        return -1;
    }
    double *g = sr__arena_alloc(&L->net->arena, n * 2 * sizeof *g);
    if (!g)
        return -1;
    const char *p = s;
    for (size_t i = 0; i < n; i++) {
        /* One point: "lon lat", numbers by the strict parser (num.h),
         * separated by blanks, blanks allowed around the point. */
        size_t len = strcspn(p, ";");
        char pt[160], *lon_s, *lat_s, *save = NULL;
        double lon = 0, lat = 0;
        int ok = len < sizeof pt;
        if (ok) {
            memcpy(pt, p, len);
            pt[len] = 0;
            lon_s = strtok_r(pt, " ", &save);
            lat_s = lon_s ? strtok_r(NULL, " ", &save) : NULL;
            ok = lat_s && !strtok_r(NULL, " ", &save) && sr__parse_double(lon_s, -HUGE_VAL, HUGE_VAL, &lon) == 0 &&
                 sr__parse_double(lat_s, -HUGE_VAL, HUGE_VAL, &lat) == 0;
        }
        if (!ok) {
            err(L, "geometry", "point %zu: expected 'lon lat' (points separated by ';')", i + 1);
            return -1;
        }
        if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
            err(L, "geometry", "point %zu: %g %g is not a WGS84 longitude and latitude", i + 1, lon, lat);
            return -1;
        }
        g[2 * i] = lon;
        g[2 * i + 1] = lat;
        p += len + (p[len] == ';');
    }
    *out = g;
    *n_out = (uint32_t)n;
    return 0;
}

static void load_links(loader *L)
{
    sr__csv csv;
    sr_network *net = L->net;
    if (open_file(L, &csv, "links.csv", 0) <= 0)
        return;
    static const char *const cols[] = {"id", "from", "to", "mode", "gauge_mm", "distance_km", "duration_h",
                                       "cost_usd_20ft", "cost_usd_40ft", "cost_usd_t", "co2e_kg_per_tkm",
                                       "capacity_teu_per_day", "status", "open_year", "crossing", "directed",
                                       "name", "geometry", "source", NULL};
    static const char *const costs[] = {"cost_usd_20ft", "cost_usd_40ft", "cost_usd_t"};
    check_columns(L, cols);
    static const char *const req[] = {"id", "from", "to", "mode", "distance_km", NULL};
    if (require_columns(L, req)) {
        while (next_row(L, &csv) > 0) {
            if (net->n_links >= MAX_LINKS) {
                err(L, NULL, "more than %u links", MAX_LINKS);
                break;
            }
            sr_link k = {0};
            int ok = 1;
            const char *id = field(L, "id");
            if (!*id || strlen(id) > 64 || strpbrk(id, " ,;|")) {
                err(L, "id", "'%s': an id is 1-64 characters without blanks, ',', ';' or '|'", id);
                ok = 0;
            }
            long a = place_ref(L, "from", 1), b = place_ref(L, "to", 1);
            if (a < 0 || b < 0)
                ok = 0;
            else if (a == b) {
                err(L, "to", "a link must join two different places");
                ok = 0;
            }
            int m = sr_mode_parse(field(L, "mode"));
            if (m < 0) {
                err(L, "mode", "'%s' is not one of rail, road, sea, air", field(L, "mode"));
                ok = 0;
            }
            double g = 0;
            int gr = num(L, "gauge_mm", 0, 1, 3000, &g);
            if (m == SR_RAIL) {
                if (gr == 0)
                    err(L, "gauge_mm", "required for rail");
                /* Any whole gauge in mm works: a gauge not seen before
                 * becomes a new carrier class (gauge.c). */
                if (gr > 0 && (g != floor(g) || g < 300)) {
                    err(L, "gauge_mm", "%g: a track gauge is a whole number of mm, 300-3000", g);
                    ok = 0;
                } else if (gr > 0 && sr__gauge_class(net, (unsigned)g, 1) < 0) {
                    err(L, "gauge_mm", "%g: at most %d different rail gauges (classes) in a dataset", g,
                        SR_CLASS_MAX - SR_CLASS_COUNT + 2);
                    ok = 0;
                } else if (gr <= 0) {
                    ok = 0;
                }
            } else if (gr > 0) {
                err(L, "gauge_mm", "only rail links have a gauge");
            }
            if (num_req(L, "distance_km", 0, 1, 40000, &k.distance_km) < 0)
                ok = 0;
            int dr = num(L, "duration_h", 0, 1, 24 * 365, &k.duration_h);
            if (dr < 0)
                ok = 0;
            double cost[SR_UNIT_COUNT];
            int have_cost[SR_UNIT_COUNT];
            for (int u = 0; u < SR_UNIT_COUNT; u++) {
                have_cost[u] = num(L, costs[u], 0, 0, 1e7, &cost[u]);
                if (have_cost[u] < 0)
                    ok = 0;
            }
            double co2 = -1;
            if (num(L, "co2e_kg_per_tkm", 0, 0, 10, &co2) < 0)
                ok = 0;
            num(L, "capacity_teu_per_day", 0, 1, 1e7, &k.capacity_teu_per_day);
            const char *st = field(L, "status");
            int status = *st ? sr__status_parse(st) : SR_OPEN;
            if (status < 0) {
                err(L, "status", "'%s' must be open, planned or closed", st);
                ok = 0;
            }
            double oy = 0;
            int yr = num(L, "open_year", 1800, 0, 2200, &oy);
            if (yr > 0 && oy != floor(oy))
                err(L, "open_year", "%g is not a whole year", oy);
            if (status == SR_PLANNED && yr == 0)
                err(L, "open_year", "required for a planned link");
            const char *dir = field(L, "directed");
            if (*dir && strcmp(dir, "0") && strcmp(dir, "1"))
                err(L, "directed", "'%s' must be 0 or 1", dir);
            const char *xs = field(L, "crossing");
            long x = -1;
            if (*xs) {
                x = find_id(&L->crossing_ids, xs);
                if (x < 0) {
                    err(L, "crossing", "unknown crossing '%s'", xs);
                    ok = 0;
                } else if (m >= 0 && (sr_mode)m != net->crossings[x].mode) {
                    err(L, "crossing", "crossing '%s' is a %s crossing, the link is %s", xs,
                        sr_mode_name(net->crossings[x].mode), sr_mode_name((sr_mode)m));
                }
            }
            if (ok && a >= 0 && b >= 0 && strcmp(net->places[a].country, net->places[b].country) &&
                (m == SR_RAIL || m == SR_ROAD) && x < 0)
                err(L, "crossing", "a %s link from %s to %s crosses a border and must name its crossing",
                    sr_mode_name((sr_mode)m), net->places[a].country, net->places[b].country);
            if (ok && a >= 0 && b >= 0) {
                double gc = sr__haversine_km(net->places[a].lat, net->places[a].lon, net->places[b].lat,
                                             net->places[b].lon);
                if (k.distance_km < 0.9 * gc)
                    err(L, "distance_km", "%g km is shorter than the great-circle distance %.0f km between %s and %s",
                        k.distance_km, gc, net->places[a].id, net->places[b].id);
                else if (m != SR_AIR && m != SR_SEA && gc > 20 && k.distance_km > 3.0 * gc)
                    warn(L, "distance_km", "%g km is over three times the great-circle distance %.0f km",
                         k.distance_km, gc);
            }
            if (parse_geometry(L, field(L, "geometry"), &k.geom, &k.n_geom) < 0)
                ok = 0;
            else if (ok && k.n_geom) {
                /* A drawn line much longer than the link's length is a
                 * sign of misplaced or swapped points. */
                double len = 0, plon = net->places[a].lon, plat = net->places[a].lat;
                for (uint32_t i = 0; i <= k.n_geom; i++) {
                    double lon = i < k.n_geom ? k.geom[2 * i] : net->places[b].lon;
                    double lat = i < k.n_geom ? k.geom[2 * i + 1] : net->places[b].lat;
                    len += sr__haversine_km(plat, plon, lat, lon);
                    plon = lon;
                    plat = lat;
                }
                if (len > 1.25 * k.distance_km)
                    warn(L, "geometry", "the line is %.0f km long, the link %g km", len, k.distance_km);
            }
            check_sources(L, 1);
            if (!ok)
                continue;
            if (sr__grow((void **)&net->links, &L->cap_links, net->n_links + 1, sizeof k) < 0)
                break;
            const sr__mode_info *mi = &net->modes[m];
            k.id = sdup(L, id);
            k.name = sdup(L, field(L, "name"));
            k.from = (uint32_t)a;
            k.to = (uint32_t)b;
            k.mode = (sr_mode)m;
            k.gauge_mm = (uint16_t)g;
            k.directed = !strcmp(dir, "1");
            k.status = (sr_status)status;
            k.open_year = (int)oy;
            k.crossing = (int32_t)x;
            if (dr == 0)
                k.duration_h = mi->speed_kmh > 0 ? k.distance_km / mi->speed_kmh : 0;
            for (int u = 0; u < SR_UNIT_COUNT; u++)
                k.cost_usd[u] = have_cost[u] > 0 ? cost[u] : k.distance_km * mi->cost_per_km[u];
            k.co2e_kg_per_tkm = co2 >= 0 ? co2 : mi->co2e_kg_per_tkm;
            net->links[net->n_links++] = k;
        }
    }
    sr__csv_close(&csv);
    /* Repeated link ids, in file order, once all rows are read.  The
     * table becomes the network's link index (names.c), so it is built
     * once. */
    sr__idhash_free(&net->link_idx);
    sr__idhash *seen = &net->link_idx;
    if (sr__idhash_reserve(seen, net->n_links) < 0)
        file_err(L, "links.csv", "out of memory indexing %u link ids", net->n_links);
    else
        for (uint32_t i = 0; i < net->n_links; i++) {
            int r = sr__idhash_put(seen, net->links[i].id, i, NULL);
            if (r < 0) {
                file_err(L, "links.csv", "out of memory indexing link ids");
                break;
            }
            if (r > 0)
                file_err(L, "links.csv", "link id '%s' defined twice", net->links[i].id);
        }
}

static void load_transfers(loader *L)
{
    sr__csv csv;
    if (open_file(L, &csv, "transfers.csv", 0) <= 0)
        return;
    static const char *const cols[] = {"place", "kind", "from", "to", "duration_h", "cost_usd_20ft",
                                       "cost_usd_40ft", "cost_usd_t", "capacity_teu_per_day", "source", NULL};
    static const char *const costs[] = {"cost_usd_20ft", "cost_usd_40ft", "cost_usd_t"};
    check_columns(L, cols);
    static const char *const req[] = {"place", "kind", "from", "to", "duration_h", NULL};
    size_t cap = 0, cap2 = 0;
    if (require_columns(L, req)) {
        while (next_row(L, &csv) > 0) {
            sr__xfer t = {0};
            int ok = 1;
            long p = place_ref(L, "place", 1);
            if (p < 0)
                ok = 0;
            const char *kind = field(L, "kind");
            int k = !strcmp(kind, "gauge_change") ? SR_GAUGE_CHANGE : !strcmp(kind, "mode_change") ? SR_MODE_CHANGE : -1;
            if (k < 0) {
                err(L, "kind", "'%s' must be gauge_change or mode_change", kind);
                ok = 0;
            }
            int f = sr__class_parse_net(L->net, field(L, "from")), to = sr__class_parse_net(L->net, field(L, "to"));
            if (f < 0) {
                err(L, "from", "'%s' is not a class (road, sea, air, or rail<gauge> of a gauge the links use, e.g. rail1435)",
                    field(L, "from"));
                ok = 0;
            }
            if (to < 0) {
                err(L, "to", "'%s' is not a class (road, sea, air, or rail<gauge> of a gauge the links use, e.g. rail1435)",
                    field(L, "to"));
                ok = 0;
            }
            if (ok && f == to) {
                err(L, "to", "a transfer joins two different classes");
                ok = 0;
            }
            if (ok) {
                int both_rail = L->net->class_gauge[f] && L->net->class_gauge[to];
                if (k == SR_GAUGE_CHANGE && !both_rail) {
                    err(L, "kind", "a gauge_change joins two rail classes (gauges)");
                    ok = 0;
                } else if (k == SR_MODE_CHANGE && both_rail) {
                    err(L, "kind", "a change between rail gauges is a gauge_change");
                    ok = 0;
                }
            }
            if (num_req(L, "duration_h", 0, 0, 24 * 60, &t.duration_h) < 0)
                ok = 0;
            parse_fees(L, t.cost_usd, costs, 1);
            num(L, "capacity_teu_per_day", 0, 1, 1e7, &t.capacity_teu_per_day);
            check_sources(L, 1);
            if (!ok)
                continue;
            t.kind = (uint8_t)k;
            for (int dir = 0; dir < 2; dir++) {
                t.from = (uint8_t)(dir ? to : f);
                t.to = (uint8_t)(dir ? f : to);
                if (sr__grow((void **)&L->xfer_tmp, &cap, L->n_xfer_tmp + 1, sizeof t) < 0 ||
                    sr__grow((void **)&L->xfer_place, &cap2, L->n_xfer_tmp + 1, sizeof(uint32_t)) < 0)
                    break;
                L->xfer_tmp[L->n_xfer_tmp] = t;
                L->xfer_place[L->n_xfer_tmp++] = (uint32_t)p;
            }
        }
    }
    sr__csv_close(&csv);
}

/* ---- derived arrays ------------------------------------------------------ */

static int build_arrays(loader *L)
{
    sr_network *net = L->net;
    uint32_t np = net->n_places;
    net->arc_off = calloc((size_t)np + 1, sizeof *net->arc_off);
    net->xfer_off = calloc((size_t)np + 1, sizeof *net->xfer_off);
    if (!net->arc_off || !net->xfer_off)
        return -1;
    size_t na = 0;
    for (uint32_t i = 0; i < net->n_links; i++) {
        const sr_link *k = &net->links[i];
        net->arc_off[k->from + 1]++;
        na++;
        if (!k->directed) {
            net->arc_off[k->to + 1]++;
            na++;
        }
    }
    for (uint32_t p = 0; p < np; p++)
        net->arc_off[p + 1] += net->arc_off[p];
    net->n_arcs = (uint32_t)na;
    size_t n = na ? na : 1;
    net->arc_head = malloc(n * sizeof *net->arc_head);
    net->arc_link = malloc(n * sizeof *net->arc_link);
    net->arc_cls = malloc(n);
    net->arc_time_h = malloc(n * sizeof(double));
    uint32_t *fill = malloc(((size_t)np + 1) * sizeof *fill);
    int bad = !net->arc_head || !net->arc_link || !net->arc_cls || !net->arc_time_h || !fill;
    for (int u = 0; u < SR_UNIT_COUNT; u++) {
        net->arc_cost[u] = malloc(n * sizeof(double));
        net->arc_co2[u] = malloc(n * sizeof(double));
        bad |= !net->arc_cost[u] || !net->arc_co2[u];
    }
    if (bad) {
        free(fill);
        return -1;
    }
    memcpy(fill, net->arc_off, ((size_t)np + 1) * sizeof *fill);
    /* Arcs keep the order of links.csv within each place: the order is part
     * of what makes results deterministic when costs tie. */
    for (uint32_t i = 0; i < net->n_links; i++) {
        const sr_link *k = &net->links[i];
        for (int dir = 0; dir < 2; dir++) {
            if (dir && k->directed)
                break;
            uint32_t tail = dir ? k->to : k->from, head = dir ? k->from : k->to;
            uint32_t a = fill[tail]++;
            net->arc_head[a] = head;
            net->arc_link[a] = i;
            net->arc_cls[a] = (uint8_t)sr__link_class(net, k);
            double t = k->duration_h;
            const sr_crossing *x = k->crossing >= 0 ? &net->crossings[k->crossing] : NULL;
            if (x)
                t += x->dwell_h;
            net->arc_time_h[a] = t;
            for (int u = 0; u < SR_UNIT_COUNT; u++) {
                net->arc_cost[u][a] = k->cost_usd[u] + (x ? x->fee_usd[u] : 0);
                net->arc_co2[u][a] = net->tonnes_per_unit[u] * k->distance_km * k->co2e_kg_per_tkm;
            }
        }
    }
    free(fill);
    /* Transfers in CSR by place, in file order. */
    for (size_t i = 0; i < L->n_xfer_tmp; i++)
        net->xfer_off[L->xfer_place[i] + 1]++;
    for (uint32_t p = 0; p < np; p++)
        net->xfer_off[p + 1] += net->xfer_off[p];
    net->n_xfers = (uint32_t)L->n_xfer_tmp;
    net->xfers = malloc((L->n_xfer_tmp ? L->n_xfer_tmp : 1) * sizeof *net->xfers);
    fill = malloc(((size_t)np + 1) * sizeof *fill);
    if (!net->xfers || !fill) {
        free(fill);
        return -1;
    }
    memcpy(fill, net->xfer_off, ((size_t)np + 1) * sizeof *fill);
    for (size_t i = 0; i < L->n_xfer_tmp; i++)
        net->xfers[fill[L->xfer_place[i]]++] = L->xfer_tmp[i];
    free(fill);
    /* Same transfer defined twice at a place is a data error. */
    for (uint32_t p = 0; p < np; p++)
        for (uint32_t i = net->xfer_off[p]; i < net->xfer_off[p + 1]; i++)
            for (uint32_t j = net->xfer_off[p]; j < i; j++)
                if (net->xfers[i].from == net->xfers[j].from && net->xfers[i].to == net->xfers[j].to)
                    file_err(L, "transfers.csv", "transfer %s -> %s at %s defined twice",
                             sr_network_class_name(net, (sr_class)net->xfers[i].from),
                             sr_network_class_name(net, (sr_class)net->xfers[i].to),
                             net->places[p].id);
    return 0;
}

/* Whole-dataset checks that no single row can make. */
static void cross_checks(loader *L)
{
    sr_network *net = L->net;
    for (uint32_t i = 0; i < net->n_links; i++) {
        const sr_link *k = &net->links[i];
        if (k->crossing < 0)
            continue;
        const sr_crossing *x = &net->crossings[k->crossing];
        int joins = (k->from == x->place_a && k->to == x->place_b) || (k->from == x->place_b && k->to == x->place_a);
        const char *lf = net->places[k->from].country, *lt = net->places[k->to].country;
        const char *xa = net->places[x->place_a].country, *xb = net->places[x->place_b].country;
        if (!joins && !strcmp(lf, lt))
            file_err(L, "links.csv", "link '%s' names crossing '%s' but stays inside %s", k->id, x->id, lf);
        else if (strcmp(lf, lt) && !((!strcmp(lf, xa) && !strcmp(lt, xb)) || (!strcmp(lf, xb) && !strcmp(lt, xa))))
            file_err(L, "links.csv", "link '%s' joins %s and %s but names crossing '%s' between %s and %s", k->id, lf,
                     lt, x->id, xa, xb);
    }
    /* Sources cited only by the pipeline files count as cited. */
    if (L->d->report && L->sources)
        sr__pipe_mark_cited(L->dir, L->sources, L->n_sources, L->source_used);
    /* A source the program itself cites in what it writes: the tracking
     * store's observations export (src/lib/track/read.c) names it in every
     * row it writes for observations.csv. */
    for (size_t i = 0; i < L->n_sources; i++)
        if (!strcmp(L->sources[i], "S-silkroute-tracking"))
            L->source_used[i] = 1;
    for (size_t i = 0; i < L->n_sources; i++)
        if (!L->source_used[i] && L->d->report) {
            char msg[256];
            snprintf(msg, sizeof msg, "sources.csv: source '%s' is never cited", L->sources[i]);
            record(L, 0, SR_EDATA, msg, sizeof msg);
        }
}

sr_code sr__load(sr_network *net, const char *dir, sr__diag *d)
{
    loader L = {0};
    L.last_source = SIZE_MAX;
    L.net = net;
    L.d = d;
    L.dir = dir;
    load_sources(&L);
    load_params(&L);
    load_modes(&L);
    load_places(&L);
    load_crossings(&L);
    load_links(&L);
    load_transfers(&L);
    sr__unions_load(net, dir, d);
    check_extra_sources(&L);
    if (!net->no_overlay)
        check_overlay_source(&L);
    /* The loader's id tables become the network's (names.c keeps them). */
    sr__idhash_free(&net->place_idx);
    sr__idhash_free(&net->crossing_idx);
    net->place_idx = L.place_ids;
    net->crossing_idx = L.crossing_ids;
    sr__idhash_init(&L.place_ids);
    sr__idhash_init(&L.crossing_ids);
    sr_code rc = SR_OK;
    if (build_arrays(&L) < 0 || sr__build_name_index(net, L.aliases, L.n_aliases) < 0 ||
        sr__spread_load(net, dir, d) < 0)
        rc = SR_ENOMEM;
    else {
        cross_checks(&L);
        /* The document rules refer to crossings and index arcs and
         * transfers, so they come after the arrays (documents/load.c). */
        sr__docs_load(net, dir, d);
    }
    sr__idhash_free(&L.place_ids);
    sr__idhash_free(&L.crossing_ids);
    free(L.sources);
    free(L.source_used);
    free(L.xfer_tmp);
    free(L.xfer_place);
    free(L.aliases);
    for (size_t i = 0; i < L.n_zones_ok; i++)
        free(L.zones_ok[i]);
    free(L.zones_ok);
    /* The first error decides the code, as it decides the message. */
    if (rc == SR_OK && d->errors)
        rc = d->first_code ? d->first_code : SR_EDATA;
    return rc;
}
