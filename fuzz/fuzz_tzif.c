/*
 * fuzz_tzif.c - libFuzzer target for the TZif reader (timetable/tz.c): any
 * bytes must parse or fail cleanly, and a parsed zone must answer offset
 * and local-time questions without reading out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "timetable/tt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sr__tz z;
    char err[256];
    if (sr__tz_parse(&z, data, size, err, sizeof err) == 0) {
        for (int64_t t = -86400LL * 365 * 80; t < 86400LL * 365 * 150; t += 86400LL * 97)
            (void)sr__tz_to_utc(&z, t + sr__tz_offset(&z, t));
        sr__tz_free(&z);
    }
    return 0;
}
