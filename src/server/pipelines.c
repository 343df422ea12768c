/*
 * pipelines.c - GET /v1/pipelines (see pipelines.h): parameters are
 * checked and turned into an sr_pipeflow of the shared, read-only
 * sr_pipelines; each request builds and frees its own scenario, so nothing
 * is shared between threads but the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pipelines.h"

#define MAX_EDITS 4096

sr_pipelines *sr__pipes_open(const sr_network *net, char *err, size_t errlen)
{
    const char *dir = sr_network_dir(net);
    char path[4200];
    struct stat st;
    err[0] = 0;
    snprintf(path, sizeof path, "%s/pipelines", dir ? dir : ".");
    if (!dir || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    sr_pipelines *p = NULL;
    if (sr_pipelines_open(dir, &p) != SR_OK) {
        snprintf(err, errlen, "%s", p ? sr_pipelines_errmsg(p) : "out of memory");
        sr_pipelines_close(p);
        return NULL;
    }
    return p;
}

/* A scenario name: a plain file name, no path, no hidden files. */
static int plain_name(const char *s)
{
    if (!*s || *s == '.' || strlen(s) > 128)
        return 0;
    for (const char *q = s; *q; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '-' ||
              *q == '_' || *q == '.'))
            return 0;
    return 1;
}

static int flag(const char *v, int *out)
{
    if (!v)
        return 0;
    if (!strcmp(v, "1") || !strcmp(v, "true"))
        *out = 1;
    else if (!strcmp(v, "0") || !strcmp(v, "false"))
        *out = 0;
    else
        return -1;
    return 0;
}

/* Build and solve a scenario: the year, then the named file, then the
 * edits.  Returns 0, or an HTTP status with *code and err. */
static int build(const sr_pipelines *p, const char *dir, long year, const char *scn, const char *edits,
                 sr_pipeflow **out, sr_code *code, char *err, size_t errlen)
{
    sr_pipeflow *f = NULL;
    *out = NULL;
    sr_code c = sr_pipeflow_create(p, &f);
    if (c == SR_OK && year)
        c = sr_pipeflow_set_year(f, (int)year);
    if (c == SR_OK && scn) {
        char path[4400];
        snprintf(path, sizeof path, "%s/pipelines/scenarios/%s", dir, scn);
        c = sr_pipeflow_load_scenario(f, path);
        if (c == SR_EIO) {
            snprintf(err, errlen, "parameter 'scenario': no scenario '%.128s' in pipelines/scenarios/", scn);
            *code = SR_EARG;
            sr_pipeflow_destroy(f);
            return 404;
        }
        if (c != SR_OK) {
            snprintf(err, errlen, "parameter 'scenario': %s", sr_pipeflow_errmsg(f));
            *code = c;
            sr_pipeflow_destroy(f);
            return c == SR_ENOMEM ? 500 : 400;
        }
    }
    if (c == SR_OK && edits) {
        char buf[MAX_EDITS + 1];
        size_t n = strlen(edits);
        memcpy(buf, edits, n + 1);
        for (size_t i = 0; i < n; i++)
            if (buf[i] == ';')
                buf[i] = '\n';
        c = sr_pipeflow_parse_scenario(f, buf, n, "edits");
        if (c != SR_OK) {
            snprintf(err, errlen, "parameter 'edits': %s", sr_pipeflow_errmsg(f));
            *code = c == SR_EDATA ? SR_EARG : c;
            sr_pipeflow_destroy(f);
            return c == SR_ENOMEM ? 500 : 400;
        }
    }
    if (c == SR_OK)
        c = sr_pipeflow_solve(f);
    if (c != SR_OK) {
        snprintf(err, errlen, "%s", *sr_pipeflow_errmsg(f) ? sr_pipeflow_errmsg(f) : sr_strerror(c));
        *code = c;
        sr_pipeflow_destroy(f);
        return 500;
    }
    *out = f;
    return 0;
}

int sr__pipes_answer(const sr_pipelines *p, const char *dir, const sr__target *t, char **body, const char **ctype,
                     sr_code *code, char *err, size_t errlen)
{
    static const char *const allowed[] = {"year", "scenario", "edits", "critical", "base", "format"};
    *body = NULL;
    *ctype = "application/json";
    *code = SR_EARG;
    for (size_t i = 0; i < t->n_params; i++) {
        int ok = 0;
        for (size_t k = 0; k < sizeof allowed / sizeof *allowed; k++)
            ok |= !strcmp(t->params[i].key, allowed[k]);
        if (!ok) {
            snprintf(err, errlen, "unknown parameter '%.64s'", t->params[i].key);
            return 400;
        }
    }
    if (!p) {
        snprintf(err, errlen, "this dataset has no pipelines (DIR/pipelines/)");
        return 404;
    }
    const char *y = sr__target_get(t, "year"), *scn = sr__target_get(t, "scenario");
    const char *edits = sr__target_get(t, "edits"), *fmt = sr__target_get(t, "format");
    long year = 0;
    int critical = 0, with_base = 0, geo = 0;
    if (y && sr__parse_long(y, 1900, 2200, &year)) {
        snprintf(err, errlen, "parameter 'year': expected a year from 1900 to 2200; got '%.64s'", y);
        return 400;
    }
    if (scn && !plain_name(scn)) {
        snprintf(err, errlen, "parameter 'scenario': expected a file name of pipelines/scenarios/ (letters, digits, "
                              "'-', '_', '.'); got '%.64s'", scn);
        return 400;
    }
    if (edits && strlen(edits) > MAX_EDITS) {
        snprintf(err, errlen, "parameter 'edits': longer than %d bytes", MAX_EDITS);
        *code = SR_ELIMIT;
        return 400;
    }
    if (flag(sr__target_get(t, "critical"), &critical) || flag(sr__target_get(t, "base"), &with_base)) {
        snprintf(err, errlen, "parameters 'critical' and 'base': expected 0 or 1");
        return 400;
    }
    if (fmt && strcmp(fmt, "json") && strcmp(fmt, "geojson")) {
        snprintf(err, errlen, "parameter 'format': expected json or geojson; got '%.64s'", fmt);
        return 400;
    }
    geo = fmt && !strcmp(fmt, "geojson");
    sr_pipeflow *f = NULL, *b = NULL;
    int st = build(p, dir, year, scn, edits, &f, code, err, errlen);
    if (st)
        return st;
    if (with_base && !geo && (st = build(p, dir, year, NULL, NULL, &b, code, err, errlen))) {
        sr_pipeflow_destroy(f);
        return st;
    }
    if (geo) {
        *body = sr_pipeflow_geojson(f);
        *ctype = "application/geo+json";
    } else {
        *body = sr_pipeflow_json(f, b, critical ? SR_PIPE_JSON_CRITICAL : 0);
    }
    sr_pipeflow_destroy(f);
    sr_pipeflow_destroy(b);
    if (!*body) {
        *code = SR_ENOMEM;
        snprintf(err, errlen, "out of memory");
        return 500;
    }
    *code = SR_OK;
    return 200;
}
