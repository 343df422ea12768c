/*
 * fuzz_tntp.c - libFuzzer target for the TNTP parser: the input is split
 * at the first NUL-free "\n%%\n" marker into a network part and a trips
 * part, parsed, and, when small enough, solved for a few iterations so that
 * the solver also meets odd but accepted inputs.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "silkroute.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *sep = NULL;
    for (size_t i = 0; i + 4 <= size; i++)
        if (!memcmp(p + i, "\n%%\n", 4)) {
            sep = p + i;
            break;
        }
    size_t nl = sep ? (size_t)(sep - p) : size;
    const char *trips = sep ? sep + 4 : "";
    size_t tl = sep ? size - nl - 4 : 0;
    sr_tap *t = NULL;
    if (sr_tap_parse_tntp(p, nl, trips, tl, &t) == SR_OK && sr_tap_node_count(t) <= 200 &&
        sr_tap_link_count(t) <= 400) {
        sr_tap_options o;
        sr_tap_options_init(&o);
        o.max_iterations = 5;
        sr_tap_solve(t, &o, NULL);
    }
    sr_tap_destroy(t);
    return 0;
}
