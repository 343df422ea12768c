/*
 * cmd_calib.c - `silkroute calibrate`: fit the time model to the published
 * observations and write the fitted parameters as the calibration overlay
 * (docs/CALIBRATION.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: silkroute calibrate [--data DIR] [--observations FILE] [--out FILE] [--year N]\n"
               "                           [--period YYYY..YYYY] [--folds K] [--max-iterations N] [--json]\n"
               "Fits running-time factors, border dwell per crossing and direction and transfer times\n"
               "to the observations (default DIR/observations.csv) by robust regularised least squares,\n"
               "routing each observation until the routes and parameters reach a fixed point, and prints\n"
               "the residual of every observation with the k-fold cross-validated error (default 5).\n"
               "--out writes the fitted parameters as a calibration overlay (data/calibrated.scn is the\n"
               "one the dataset applies by default). --year fits only observations whose period contains N,\n"
               "--period those whose period overlaps the range (the others are reported).\n"
               "Exit status 5 when the fixed point was not reached (the overlay is still written).\n");
}

/* Write text to path through a temporary file and rename, so a failure
 * never leaves a half-written overlay. */
static int write_atomic(const char *path, const char *text)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return -1;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int bad = fwrite(text, 1, n, f) != n;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        errno = e;
        return -1;
    }
    return 0;
}

int cmd_calibrate(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL, *v;
    int json = 0;
    sr_calib_options o;
    sr_calib_options_init(&o);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--json"))
            json = 1;
    for (int i = 1; i < argc; i++) {
        int r;
        long n;
#define OPT(name) ((r = cli_opt_val(argc, argv, &i, name, &v)) != 0)
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            continue;
        } else if (OPT("--data")) {
            if (r < 0)
                return cli_fail(json, SR_EARG, "--data: a directory is required");
            dir = v;
        } else if (OPT("--observations")) {
            if (r < 0)
                return cli_fail(json, SR_EARG, "--observations: a file is required");
            o.observations = v;
        } else if (OPT("--out")) {
            if (r < 0)
                return cli_fail(json, SR_EARG, "--out: a file is required");
            out = v;
        } else if (OPT("--year")) {
            if (r < 0 || cli_parse_int(v, 1900, 2200, &n))
                return cli_fail(json, SR_EARG, "--year: '%s' is not a year in 1900-2200", r < 0 ? "" : v);
            o.year = (int)n;
        } else if (OPT("--period")) {
            int a = 0, b = 0, k = 0;
            if (r < 0 || sscanf(v, "%4d..%4d%n", &a, &b, &k) != 2 || v[k] || a < 1900 || b < a || b > 2200)
                return cli_fail(json, SR_EARG, "--period: '%s' is not YYYY..YYYY", r < 0 ? "" : v);
            o.period_from = a;
            o.period_to = b;
        } else if (OPT("--folds")) {
            if (r < 0 || cli_parse_int(v, 0, 50, &n) || n == 1)
                return cli_fail(json, SR_EARG, "--folds: '%s' must be 0 or 2-50", r < 0 ? "" : v);
            o.folds = (int)n;
        } else if (OPT("--max-iterations")) {
            if (r < 0 || cli_parse_int(v, 1, 1000, &n))
                return cli_fail(json, SR_EARG, "--max-iterations: '%s' must be 1-1000", r < 0 ? "" : v);
            o.max_iterations = (int)n;
        } else {
            return cli_fail(json, SR_EARG, "unknown option '%s' (see silkroute calibrate --help)", argv[i]);
        }
#undef OPT
    }
    sr_calibration *c = NULL;
    sr_code rc = sr_calibrate(dir, &o, &c);
    if (rc != SR_OK) {
        int st = cli_fail(json, rc, "%s", sr_calibration_errmsg(c));
        sr_calibration_destroy(c);
        return st;
    }
    sr_calib_summary s;
    sr_calibration_summary(c, &s);
    if (out) {
        char *ov = sr_calibration_overlay(c);
        if (!ov || write_atomic(out, ov) < 0) {
            int e = errno;
            sr_free(ov);
            sr_calibration_destroy(c);
            return cli_fail(json, SR_EIO, "%s: cannot write: %s", out, strerror(e));
        }
        sr_free(ov);
    }
    char *txt = json ? sr_calibration_json(c, SR_JSON_PRETTY) : sr_calibration_text(c);
    int st = EXIT_OK;
    if (!txt)
        st = cli_fail(json, SR_ENOMEM, "out of memory");
    else if (cli_puts(txt))
        st = EXIT_FAIL;
    sr_free(txt);
    sr_calibration_destroy(c);
    if (st == EXIT_OK && !s.converged) {
        fprintf(stderr, "silkroute: warning: the calibration did not reach a fixed point in %d rounds\n", s.iterations);
        st = EXIT_NOTCONV;
    }
    return st;
}
