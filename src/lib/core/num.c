/*
 * num.c - the strict number parser declared in num.h.
 *
 * The grammar is checked by hand first and only then handed to strtol()
 * or strtod(), because those accept far more than a data file should
 * mean: leading blanks, '+', hexadecimal ("0x10" is 16), "inf" and "nan",
 * and a locale's decimal comma.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"

/* Length of the longest decimal of the grammar at the start of s, or 0. */
static size_t scan_decimal(const char *s, int allow_frac)
{
    size_t i = 0, digits = 0;
    if (s[i] == '-')
        i++;
    while (s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (!allow_frac)
        return digits ? i : 0;
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (!digits)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1, ed = 0;
        if (s[j] == '+' || s[j] == '-')
            j++;
        while (s[j] >= '0' && s[j] <= '9')
            j++, ed++;
        if (!ed)
            return 0; /* "1e" is not a number */
        i = j;
    }
    return i;
}

int sr__parse_long(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s)
        return SR__NUM_EMPTY;
    size_t n = scan_decimal(s, 0);
    if (!n || s[n])
        return SR__NUM_SYNTAX;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno == ERANGE || v < lo || v > hi)
        return SR__NUM_RANGE;
    if (errno || *end)
        return SR__NUM_SYNTAX;
    *out = v;
    return SR__NUM_OK;
}

/* strtod() reads the locale's decimal point; the grammar's is '.'.  The
 * library never calls setlocale(), but a program using it might, so the
 * point is swapped for the locale's when they differ. */
static double to_double(const char *s, size_t n, int *range)
{
    char buf[128], *tmp = n < sizeof buf ? buf : malloc(n + 1);
    if (!tmp) {
        *range = 1;
        return 0;
    }
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *dot = strchr(tmp, '.');
    if (dot) {
        const char *dp = localeconv()->decimal_point;
        if (dp && dp[0] && dp[0] != '.' && !dp[1])
            *dot = dp[0];
    }
    errno = 0;
    char *end;
    double v = strtod(tmp, &end);
    *range = (errno == ERANGE && fabs(v) > 1) || !isfinite(v) || *end;
    if (tmp != buf)
        free(tmp);
    return v;
}

/* The common short decimal ("18.6", "-60.0", "1435") without strtod():
 * with at most 15 significant digits the digits form an integer m below
 * 2^53 and, with at most 22 after the point, 10^f is exact too, so m / 10^f
 * is one correctly rounded IEEE division -- the same double strtod()
 * returns (Clinger's fast path).  s[0..n) is already known to match the
 * grammar.  Returns 0 when the number needs strtod(): an exponent, or
 * too many digits.  Half a large load's number parsing was in strtod()
 * (issue 16). */
static int fast_decimal(const char *s, size_t n, double *out)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = 0;
    int neg = s[0] == '-';
    if (neg)
        i++;
    uint64_t m = 0;
    int digits = 0, frac = -1;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            frac = 0;
            continue;
        }
        if (c < '0' || c > '9')
            return 0; /* an exponent */
        if (m || c != '0')
            digits++;
        if (digits > 15)
            return 0;
        m = m * 10 + (uint64_t)(c - '0');
        if (frac >= 0 && ++frac > 22)
            return 0;
    }
    double v = (double)m;
    if (frac > 0)
        v /= p10[frac];
    *out = neg ? -v : v;
    return 1;
}

int sr__parse_double(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s)
        return SR__NUM_EMPTY;
    size_t n = scan_decimal(s, 1);
    if (!n || s[n])
        return SR__NUM_SYNTAX;
    int range = 0;
    double v;
    if (!fast_decimal(s, n, &v))
        v = to_double(s, n, &range);
    if (range || v < lo || v > hi)
        return SR__NUM_RANGE;
    *out = v;
    return SR__NUM_OK;
}

int sr__parse_double_list(const char *s, double lo, double hi, double *out, size_t n)
{
    if (!s || !*s)
        return SR__NUM_EMPTY;
    size_t k = 0;
    const char *p = s;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (len == 0)
            return SR__NUM_EMPTY;
        if (k == n)
            return SR__NUM_COUNT;
        char buf[128];
        if (len >= sizeof buf)
            return SR__NUM_SYNTAX;
        memcpy(buf, p, len);
        buf[len] = 0;
        int rc = sr__parse_double(buf, lo, hi, &out[k]);
        if (rc)
            return rc;
        k++;
        if (!p[len])
            break;
        p += len + 1;
    }
    return k == n ? SR__NUM_OK : SR__NUM_COUNT;
}

const char *sr__num_why(int code)
{
    switch (code) {
    case SR__NUM_OK: return "is a number";
    case SR__NUM_EMPTY: return "is empty";
    case SR__NUM_SYNTAX: return "is not a plain decimal number";
    case SR__NUM_RANGE: return "is out of range";
    case SR__NUM_COUNT: return "has the wrong number of items";
    }
    return "is not a number";
}
