/*
 * calib.h - internals of the time distributions (spread.c) and the
 * calibration (fit.c, obs.c) shared with the router and the loader.
 */
#ifndef SR_CALIB_H
#define SR_CALIB_H

#include <stddef.h>

#include "network/network.h"

#define SR__OVERLAY_MAX_BYTES (4 << 20)

/* Fenton-Wilkinson: the log-normal with the mean and variance of a sum of
 * independent log-normal parts, each given by its P50 and P90 (parts with
 * P50 <= 0 are left out, parts with P90 <= P50 count as fixed). */
typedef struct sr__lnsum {
    double mu, sigma;       /* of the sum's log-normal; mu = -inf for an empty sum */
    double p50, p90;        /* its quantiles */
    double sum_p50;         /* the plain sum of the parts' P50s */
} sr__lnsum;
void sr__lognormal_sum(const double *p50, const double *p90, size_t n, sr__lnsum *out);
/* sigma of the log-normal with these quantiles (0 when p90 <= p50). */
double sr__ln_sigma(double p50, double p90);
double sr__lognormal_cdf(double mu, double sigma, double x);

/* "2023", "2019..2024", "2026-06-03" or "2026-06-03..2026-06-05" (dates
 * count as their years; empty: all years); 0 or -1. */
int sr__parse_period(const char *s, int *from, int *to);
/* "a-b" 1, "b-a" 2, "both" or "" 3, else 0. */
int sr__parse_direction(const char *s);
/* Apply overlay text (calibrated.scn format) to net; problems go to d. */
int sr__overlay_apply_text(sr_network *net, const char *text, size_t len, const char *name, sr__diag *d);

/* obs.c: check observations.csv of a loaded network (check-data). */
void sr__obs_check(const sr_network *net, const char *dir, sr__diag *d);

#endif
