/*
 * num.h - the one strict number parser of silkroute, used for command-line
 * options, HTTP parameters and every number field of every data file
 * (CSV, GTFS, TNTP, scenarios), so that "0x10", " 5", "inf" or "1,,0" mean
 * the same thing - an error - wherever they appear.
 *
 * Integers are [-]DIGITS; decimals are [-]DIGITS[.DIGITS][e[+-]DIGITS]
 * (also ".5" and "5.").  Nothing else is accepted: no blanks before or
 * after, no '+', no hex, no "inf" or "nan", no empty string.  Values are
 * range-checked and overflow is detected.  The parse does not depend on
 * the locale's decimal point.
 *
 * Internal to the library (sr__ names); the CLI and the server use it too,
 * so that they agree with the data files and with each other.
 */
#ifndef SR_NUM_H
#define SR_NUM_H

#include <stddef.h>

enum {
    SR__NUM_OK = 0,
    SR__NUM_EMPTY = -1,  /* "" (or an empty list item) */
    SR__NUM_SYNTAX = -2, /* not a number of the grammar above */
    SR__NUM_RANGE = -3,  /* a number, but outside [lo, hi] or beyond the type */
    SR__NUM_COUNT = -4   /* a list with the wrong number of items */
};

/* Parse all of s as an integer in [lo, hi].  0 and *out set, or one of the
 * negative codes above (*out untouched). */
int sr__parse_long(const char *s, long lo, long hi, long *out);
/* Parse all of s as a finite decimal in [lo, hi]; codes as above. */
int sr__parse_double(const char *s, double lo, double hi, double *out);
/* Parse exactly n comma-separated decimals in [lo, hi] ("1,0.5,0") into
 * out[]; an empty item is SR__NUM_EMPTY, a different count SR__NUM_COUNT. */
int sr__parse_double_list(const char *s, double lo, double hi, double *out, size_t n);
/* A short English phrase for a code: "is not a number", ... */
const char *sr__num_why(int code);

#endif
