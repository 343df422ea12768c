/*
 * unions.c - customs unions as data: reads the optional DIR/unions.csv
 * (docs/DATA.md, "Customs unions") into the network and answers which union
 * two countries share in a given year.  A border between two members of
 * one union (the Eurasian Economic Union, the EU) has no customs
 * clearance; the router marks such crossings `internal_union`, and the
 * documents module can ask the same question of any country pair.
 *
 * Why a file of its own: membership changes over time (Kyrgyzstan joined
 * the EAEU in 2015, the United Kingdom left the EU in 2020), so it is data
 * with sources, not code.  The source ids are checked by load.c together
 * with the other files that cite sources.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "network/network.h"

struct sr__union_member {
    const char *name;   /* union id, e.g. "EAEU" (arena) */
    char country[3];
    int since, until;   /* membership years, until 0 = still a member */
};

#define MAX_MEMBERS 10000u

static void report(sr__diag *d, int is_error, const sr__csv *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void report(sr__diag *d, int is_error, const sr__csv *c, const char *field, const char *fmt, ...)
{
    char msg[512], full[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "%s:%ld: %s: %s", c->name, c->line, field, msg);
    if (is_error) {
        if (d->errors++ == 0)
            snprintf(d->first, sizeof d->first, "%s", full);
    } else {
        d->warnings++;
    }
    if (d->report)
        d->report(d->ctx, is_error, full);
}

/* A year field: 1 given and valid, 0 empty, -1 invalid (reported). */
static int year_field(sr__diag *d, const sr__csv *c, const char *col, int *out)
{
    const char *s = sr__csv_get(c, sr__csv_col(c, col));
    if (!*s)
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || end == s || v < 1800 || v > 2200) {
        report(d, 1, c, col, "'%s' is not a year (1800-2200)", s);
        return -1;
    }
    *out = (int)v;
    return 1;
}

void sr__unions_load(sr_network *net, const char *dir, sr__diag *d)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/unions.csv", dir) >= (int)sizeof path)
        return;
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return; /* optional: no unions, every border is external */
    fclose(probe);
    sr__csv c;
    if (sr__csv_open(&c, path, "unions.csv") < 0) {
        if (d->errors++ == 0)
            snprintf(d->first, sizeof d->first, "%s", c.err);
        if (d->report)
            d->report(d->ctx, 1, c.err);
        sr__csv_close(&c);
        return;
    }
    static const char *const req[] = {"union", "country", "since", NULL};
    for (const char *const *k = req; *k; k++)
        if (sr__csv_col(&c, *k) < 0) {
            c.line = 1;
            report(d, 1, &c, *k, "required column missing");
            sr__csv_close(&c);
            return;
        }
    static const char *const known[] = {"union", "country", "since", "until", "source", NULL};
    for (int i = 0; i < c.nh; i++) {
        int ok = 0;
        for (const char *const *k = known; *k; k++)
            ok |= !strcmp(*k, c.header[i]);
        if (!ok) {
            long save = c.line;
            c.line = 1;
            report(d, 0, &c, c.header[i], "unknown column (ignored)");
            c.line = save;
        }
    }
    size_t cap = 0;
    int r;
    while ((r = sr__csv_next(&c)) > 0) {
        if (net->n_unions >= MAX_MEMBERS) {
            report(d, 1, &c, "union", "more than %u memberships", MAX_MEMBERS);
            break;
        }
        struct sr__union_member m = {0};
        int ok = 1;
        const char *u = sr__csv_get(&c, sr__csv_col(&c, "union"));
        if (!*u || strlen(u) > 32 || strpbrk(u, " ,;|")) {
            report(d, 1, &c, "union", "'%s': a union id is 1-32 characters without blanks, ',', ';' or '|'", u);
            ok = 0;
        }
        const char *cc = sr__csv_get(&c, sr__csv_col(&c, "country"));
        if (strlen(cc) != 2 || !isupper((unsigned char)cc[0]) || !isupper((unsigned char)cc[1])) {
            report(d, 1, &c, "country", "'%s' is not an ISO 3166-1 alpha-2 code", cc);
            ok = 0;
        }
        int ys = year_field(d, &c, "since", &m.since), yu = year_field(d, &c, "until", &m.until);
        if (ys == 0)
            report(d, 1, &c, "since", "required: the year the country joined");
        if (ys <= 0 || yu < 0)
            ok = 0;
        else if (yu > 0 && m.until < m.since) {
            report(d, 1, &c, "until", "%d is before since %d", m.until, m.since);
            ok = 0;
        }
        if (!*sr__csv_get(&c, sr__csv_col(&c, "source"))) {
            report(d, 1, &c, "source", "missing: every membership needs a source id from sources.csv");
            ok = 0;
        }
        if (!ok)
            continue;
        for (uint32_t i = 0; i < net->n_unions; i++) {
            const struct sr__union_member *o = &net->unions[i];
            int overlap = (!o->until || m.since <= o->until) && (!m.until || o->since <= m.until);
            if (!strcmp(o->name, u) && !strcmp(o->country, cc) && overlap) {
                report(d, 1, &c, "since", "%s is already a member of %s in an overlapping period", cc, u);
                ok = 0;
                break;
            }
        }
        if (!ok)
            continue;
        if (sr__grow((void **)&net->unions, &cap, net->n_unions + 1, sizeof *net->unions) < 0)
            break;
        m.name = sr__arena_strdup(&net->arena, u);
        if (!m.name)
            break;
        memcpy(m.country, cc, 3);
        net->unions[net->n_unions++] = m;
    }
    if (r < 0) {
        if (d->errors++ == 0)
            snprintf(d->first, sizeof d->first, "%s", c.err);
        if (d->report)
            d->report(d->ctx, 1, c.err);
    }
    sr__csv_close(&c);
}

void sr__unions_free(sr_network *net)
{
    free(net->unions);
    net->unions = NULL;
    net->n_unions = 0;
}

static int member(const struct sr__union_member *m, const char *cc, int year)
{
    if (strcmp(m->country, cc))
        return 0;
    if (year <= 0)
        return m->until == 0;
    return m->since <= year && (m->until == 0 || year <= m->until);
}

const char *sr_network_common_union(const sr_network *net, const char *a, const char *b, int year)
{
    if (!net || !a || !b || !strcmp(a, b))
        return NULL;
    for (uint32_t i = 0; i < net->n_unions; i++) {
        const struct sr__union_member *m = &net->unions[i];
        if (!member(m, a, year))
            continue;
        for (uint32_t j = 0; j < net->n_unions; j++)
            if (!strcmp(net->unions[j].name, m->name) && member(&net->unions[j], b, year))
                return m->name;
    }
    return NULL;
}

/* The compiled network file (srn/srn.c) writes and reads memberships
 * through these two, so the record stays private to this file. */
int sr__unions_get(const sr_network *net, uint32_t i, const char **name, char country[3], int *since, int *until)
{
    if (i >= net->n_unions)
        return -1;
    const struct sr__union_member *m = &net->unions[i];
    *name = m->name;
    memcpy(country, m->country, 3);
    *since = m->since;
    *until = m->until;
    return 0;
}

int sr__unions_set(sr_network *net, uint32_t n, uint32_t i, const char *name, const char country[3], int since,
                   int until)
{
    if (!net->unions) {
        net->unions = calloc((size_t)n + 1, sizeof *net->unions);
        if (!net->unions)
            return -1;
        net->n_unions = n;
    }
    if (i >= net->n_unions)
        return -1;
    struct sr__union_member *m = &net->unions[i];
    m->name = name;
    memcpy(m->country, country, 2);
    m->country[2] = 0;
    m->since = since;
    m->until = until;
    return 0;
}
