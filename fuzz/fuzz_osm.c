/*
 * fuzz_osm.c - libFuzzer target for the OpenStreetMap import
 * (src/lib/osm/import.c).
 *
 * The input is an .osm XML file (readosm picks the format by the name; the
 * PBF decoder is readosm's own and fuzzed upstream).  The import runs into
 * a temporary directory; whatever it writes is then opened as a dataset,
 * so any tags, ids, coordinates and way shapes the importer lets through
 * must make a dataset the loader accepts or rejects cleanly, never a crash.
 * Seeds: fuzz/corpus/osm/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "silkroute.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], in[96];

static void cleanup(void)
{
    static const char *const files[] = {"sources.csv", "params.csv", "modes.csv", "places.csv", "crossings.csv",
                                        "links.csv", "transfers.csv", "osm_links.csv", "NOTICE"};
    char path[160];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/net/%s", dir, files[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/net", dir);
    rmdir(path);
    unlink(in);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz_osm.%ld", (long)getpid());
        if (mkdir(dir, 0700) != 0)
            return 0;
        snprintf(in, sizeof in, "%s/in.osm", dir);
        atexit(cleanup);
    }
    FILE *f = fopen(in, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    char out[128], err[256];
    snprintf(out, sizeof out, "%s/net", dir);
    sr_osm_stats st;
    if (sr_osm_import(in, out, NULL, &st, err, sizeof err) == SR_OK) {
        sr_network *net = NULL;
        sr_network_open(out, &net);
        sr_network_close(net);
    }
    return 0;
}
