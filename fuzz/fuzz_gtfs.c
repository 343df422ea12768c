/*
 * fuzz_gtfs.c - libFuzzer target for the GTFS loader (timetable/gtfs.c).
 * The input is split at NUL bytes into the feed's files, in the order of
 * `names` below; whatever the bytes, loading must end in SR_OK or an error
 * message naming a file, never a crash, a leak or a hang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timetable/tt.h"

static const char *const names[] = {"agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt",
                                    "calendar.txt", "calendar_dates.txt", "frequencies.txt", "transfers.txt",
                                    "route_freight.txt", "terminals.txt"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { N = sizeof names / sizeof names[0] };
    const char *bufs[N], *nm[N];
    size_t lens[N], n = 0, start = 0;
    for (size_t i = 0; i <= size && n < N; i++)
        if (i == size || data[i] == 0) {
            nm[n] = names[n];
            bufs[n] = (const char *)data + start;
            lens[n] = i - start;
            n++;
            start = i + 1;
        }
    struct sr_timetable tt;
    memset(&tt, 0, sizeof tt);
    sr_code rc = sr__gtfs_load_mem(&tt, NULL, n, nm, bufs, lens);
    if (rc != SR_OK && !tt.errmsg[0])
        abort(); /* every failure must explain itself */
    sr__tt_free(&tt);
    return 0;
}
