/*
 * fuzz_num.c - libFuzzer target for the strict number parser (num.h), the
 * message escaper (util.h) and the shared line reader (file.h): the three
 * small parsers every data file, CLI option and HTTP parameter goes
 * through (issue 8).
 *
 * Each input is checked against the rules, not only for crashes: an
 * accepted number uses only the grammar's characters, lies in its range
 * and reads back as itself when printed; escaped text holds no control
 * byte; the line reader never returns a line longer than its limit or
 * holding NUL, and stays stopped after its first error.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/num.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int only(const char *s, const char *set) { return strspn(s, set) == strlen(s); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;

    long l;
    if (sr__parse_long(s, -1000000, 1000000, &l) == 0) {
        if (!only(s, "-0123456789") || l < -1000000 || l > 1000000)
            __builtin_trap();
        char buf[32];
        snprintf(buf, sizeof buf, "%ld", l);
        long back;
        if (sr__parse_long(buf, -1000000, 1000000, &back) != 0 || back != l)
            __builtin_trap();
    }
    double d;
    if (sr__parse_double(s, -1e300, 1e300, &d) == 0) {
        if (!only(s, "-+.eE0123456789") || s[0] == '+' || !isfinite(d) || d < -1e300 || d > 1e300)
            __builtin_trap();
        char buf[40];
        snprintf(buf, sizeof buf, "%.17g", d);
        double back;
        if (sr__parse_double(buf, -HUGE_VAL, HUGE_VAL, &back) != 0 || back != d)
            __builtin_trap();
    }
    double w[3];
    if (sr__parse_double_list(s, 0, 1e12, w, 3) == 0) {
        size_t n = strlen(s); /* the input may hold NUL: the string ends there */
        if (strstr(s, ",,") || s[0] == ',' || (n && s[n - 1] == ','))
            __builtin_trap();
        for (int i = 0; i < 3; i++)
            if (!(w[i] >= 0 && w[i] <= 1e12))
                __builtin_trap();
    }

    char esc[4 * 4096 + 1];
    sr__escape(esc, sizeof esc, s);
    for (const unsigned char *p = (const unsigned char *)esc; *p; p++)
        if (*p < 0x20 || *p == 0x7F || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0))
            __builtin_trap();

    char line[65];
    sr__lines r;
    sr__lines_init(&r, (const char *)data, size, line, 64);
    int rc;
    long n = 0;
    while ((rc = sr__lines_next(&r)) == 1) {
        if (r.len > 64 || strlen(line) != r.len || ++n > (long)size + 1)
            __builtin_trap();
    }
    if (rc < 0 && sr__lines_next(&r) != rc)
        __builtin_trap();
    free(s);
    return 0;
}
