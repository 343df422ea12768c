/*
 * fmt.c - readable numbers for the CLI's tables: thousands separators and
 * fixed decimals ("4,699,810,000", "-77,813", "154.7"), never an exponent
 * such as "4.7e+09", which analysts misread and spreadsheets mangle.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *cli_num(char *buf, size_t cap, double v, int decimals, int plus)
{
    if (cap < 2) {
        if (cap)
            buf[0] = 0;
        return buf;
    }
    if (!isfinite(v)) {
        snprintf(buf, cap, "%s", isnan(v) ? "-" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    char raw[64];
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    /* Values beyond 1e18 do not occur in the tables; print them plainly
     * rather than overflow the grouping. */
    if (fabs(v) >= 1e18) {
        snprintf(buf, cap, "%.*f", decimals, v);
        return buf;
    }
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    /* "-0" and "-0.0" after rounding are printed as zero. */
    int neg = v < 0 && strspn(raw, "0.") != strlen(raw);
    const char *dot = strchr(raw, '.');
    size_t intlen = dot ? (size_t)(dot - raw) : strlen(raw);
    char out[96];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    else if (plus && strspn(raw, "0.") != strlen(raw))
        out[o++] = '+';
    for (size_t i = 0; i < intlen; i++) {
        if (i && (intlen - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = raw[i];
    }
    if (dot) {
        size_t n = strlen(dot);
        memcpy(out + o, dot, n);
        o += n;
    }
    out[o] = 0;
    snprintf(buf, cap, "%s", out);
    return buf;
}
