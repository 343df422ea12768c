/*
 * fuzz_pipelines.c - libFuzzer target for the pipeline files and pipeline
 * scenarios.  The first input byte picks what the rest replaces: one of the
 * seven files of data/pipelines/ (byte % 8 < 7; the other six are the
 * shipped ones, read once, so run from the repository root) or a scenario
 * (7) applied to the shipped model.  Bit 3 of that byte checks source ids
 * against data/sources.csv (slow: that file is large, so only some inputs
 * do), bit 4 adds the criticality ranking.  Accepted inputs are solved and
 * written as JSON and GeoJSON, so the solver sees odd networks too.
 * Seeds: fuzz/corpus/pipelines/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/pipe.h"
#include "silkroute.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *files[SR__PF_COUNT], *sources;
static size_t lens[SR__PF_COUNT], sources_len;
static sr_pipelines *shipped;

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *s = malloc(1 << 20);
    size_t n = s ? fread(s, 1, (1 << 20) - 1, fp) : 0;
    fclose(fp);
    if (s)
        s[n] = 0;
    *len = n;
    return s;
}

static void exercise(sr_pipeflow *f, int critical)
{
    if (sr_pipeflow_solve(f) != SR_OK)
        return;
    char *j = sr_pipeflow_json(f, NULL, critical ? SR_PIPE_JSON_CRITICAL : 0);
    char *g = sr_pipeflow_geojson(f);
    sr_free(j);
    sr_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!shipped) {
        for (int k = 0; k < SR__PF_COUNT; k++) {
            char path[256];
            snprintf(path, sizeof path, "data/pipelines/%s", sr__pipe_file_names[k]);
            files[k] = slurp(path, &lens[k]);
        }
        sources = slurp("data/sources.csv", &sources_len);
        if (sr_pipelines_open("data", &shipped) != SR_OK)
            abort(); /* the shipped data must load */
    }
    if (size < 1)
        return 0;
    int k = data[0] % 8, check = data[0] & 8, critical = data[0] & 16;
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    if (k == 7) {
        sr_pipeflow *f = NULL;
        if (sr_pipeflow_create(shipped, &f) == SR_OK && sr_pipeflow_parse_scenario(f, text, n, "fuzz.scn") == SR_OK)
            exercise(f, critical);
        sr_pipeflow_destroy(f);
        return 0;
    }
    const char *bufs[SR__PF_COUNT];
    size_t bl[SR__PF_COUNT];
    for (int i = 0; i < SR__PF_COUNT; i++) {
        bufs[i] = files[i];
        bl[i] = lens[i];
    }
    bufs[k] = text;
    bl[k] = n;
    sr_pipelines *p = calloc(1, sizeof *p);
    if (!p)
        return 0;
    if (sr__pipe_load_bufs(p, bufs, bl, check ? sources : NULL, check ? sources_len : 0, NULL, NULL) == 0) {
        sr_pipeflow *f = NULL;
        if (sr_pipeflow_create(p, &f) == SR_OK) {
            sr_pipeflow_set_year(f, 2030);
            exercise(f, critical);
        }
        sr_pipeflow_destroy(f);
    }
    sr_pipelines_close(p);
    return 0;
}
