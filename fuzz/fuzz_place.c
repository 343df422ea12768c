/*
 * fuzz_place.c - libFuzzer target for what users type as a place: names in
 * any script (normalisation, look-up, suggestions) and coordinates
 * "LAT,LON" (the strict parser and snapping).  Any input must resolve or
 * fail cleanly; a parsed coordinate pair must be in range, and the public
 * sr_coord_parse() (route --detail) must read exactly what the resolver
 * reads; a first mile from it on a detailed network (tests/data/monaco,
 * whose one road link is enough) must succeed or fail cleanly.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_place -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "network/network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sr_network *net;
static sr_detail *det;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!net && sr_network_open("tests/data/mini", &net) != SR_OK)
        abort();
    if (!det && sr_detail_open("tests/data/monaco", &det) != SR_OK)
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
    double la2, lo2;
    sr_code pc = sr_coord_parse(s, &la2, &lo2);
    int pl = sr__parse_latlon(s, &lat, &lon);
    if ((pc == SR_OK) != (pl == 0) || (pc == SR_OK && (la2 != lat || lo2 != lon)))
        abort();
    sr_mile m;
    if (sr_detail_mile(det, net, s, (int)(size & 1), &m) == SR_OK) {
        if (m.place >= sr_network_place_count(net) || m.n_geom < 2)
            abort();
        sr_mile_clear(&m);
    }
    size_t idx;
    if (sr_place_resolve(net, s, &idx, &km) == SR_OK && (idx >= sr_network_place_count(net) || km > SR_SNAP_MAX_KM))
        abort();
    char msg[800];
    sr__unknown_place_msg(net, "from", s, msg, sizeof msg);
    free(s);
    return 0;
}
