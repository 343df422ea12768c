/*
 * fuzz_csv.c - libFuzzer target for the CSV reader alone (src/lib/core/csv.h).
 *
 * Why separately from fuzz_load: the reader is the code that touches raw
 * bytes (quotes, CRLF, BOM, comments, limits), and without the loader's
 * validation on top the fuzzer reaches its corner cases much faster.
 * Every record is read and every field fetched, including out-of-range
 * columns, the way the loader does.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sr__csv csv;
    memset(&csv, 0, sizeof csv);
    if (sr__csv_open_buf(&csv, (const char *)data, size, "fuzz.csv") == 0) {
        /* Look up every header name: the loader finds columns by name. */
        for (int i = 0; i < csv.nh; i++)
            if (csv.header[i] && sr__csv_col(&csv, csv.header[i]) < 0)
                __builtin_trap();
        (void)sr__csv_col(&csv, "id");
        size_t total = 0;
        int r;
        while ((r = sr__csv_next(&csv)) > 0) {
            for (int c = -1; c <= csv.nf + 1; c++) {
                const char *f = sr__csv_get(&csv, c);
                if (!f)
                    __builtin_trap();
                total += strlen(f);
            }
        }
        (void)total;
    }
    sr__csv_close(&csv);
    return 0;
}
