/*
 * fuzz_scenario.c - libFuzzer target for scenario files and demand tables
 * of the freight assignment: the input is written to a temporary file and
 * read as a scenario, then as a demand CSV, against the mini test network
 * (tests/data/mini, so run from the repository root); accepted inputs are
 * solved for a few iterations.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "silkroute.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sr_network *net;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!net) {
        if (sr_network_open("tests/data/mini", &net) != SR_OK) {
            sr_network_close(net);
            net = NULL;
            return 0;
        }
        snprintf(path, sizeof path, "/tmp/fuzz-scenario-%ld.txt", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    sr_freight *fr = NULL;
    if (sr_freight_create(net, &fr) == SR_OK) {
        sr_tap_options o;
        sr_tap_options_init(&o);
        o.max_iterations = 3;
        if (sr_freight_load_scenario(fr, path) == SR_OK) {
            sr_freight_solve(fr, &o);
        }
        if (sr_freight_load_demand(fr, path) == SR_OK && sr_freight_solve(fr, &o) == SR_OK) {
            char *j = sr_freight_json(fr, 0);
            sr_free(j);
        }
    }
    sr_freight_destroy(fr);
    return 0;
}
