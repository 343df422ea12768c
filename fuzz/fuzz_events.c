/*
 * fuzz_events.c - libFuzzer target for the JSON form of tracking events
 * (src/lib/track/model.c, sr__events_from_json): one event or a batch,
 * as the HTTP API and `silkroute ship event --json` take them.  Any input
 * must give SR_OK with every event's required fields set, or SR_EARG /
 * SR_ELIMIT with a message; never a crash, a leak or undefined behaviour.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_events -max_total_time=60 fuzz/corpus-events fuzz/seeds-events
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "track/track.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sr_event ev[SR_MAX_BATCH];
    char err[512] = "";
    size_t n = 0;
    void *hold = NULL;
    sr_code c = sr__events_from_json((const char *)data, size, ev, SR_MAX_BATCH, &n, &hold, err, sizeof err);
    if (c == SR_OK) {
        if (n < 1 || n > SR_MAX_BATCH)
            abort();
        for (size_t i = 0; i < n; i++)
            if (!ev[i].key || ev[i].time == SR_TIME_NONE || (unsigned)ev[i].type >= SR_EV_TYPE_COUNT)
                abort();
    } else if ((c != SR_EARG && c != SR_ELIMIT) || !err[0]) {
        abort();
    }
    sr__events_json_free(hold);
    return 0;
}
