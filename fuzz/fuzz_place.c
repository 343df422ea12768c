/*
 * fuzz_place.c - libFuzzer target for what users type as a place: names in
 * any script (normalisation, look-up, suggestions) and coordinates
 * "LAT,LON" (the strict parser and snapping).  Any input must resolve or
 * fail cleanly; a parsed coordinate pair must be in range.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_place -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sr_network *net;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!net && sr_network_open("tests/data/mini", &net) != SR_OK)
        abort();
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    double lat, lon, km;
    if (sr__parse_latlon(s, &lat, &lon) == 0 && !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
        abort();
    size_t idx;
    if (sr_place_resolve(net, s, &idx, &km) == SR_OK && (idx >= sr_network_place_count(net) || km > SR_SNAP_MAX_KM))
        abort();
    char msg[800];
    sr__unknown_place_msg(net, "from", s, msg, sizeof msg);
    free(s);
    return 0;
}
