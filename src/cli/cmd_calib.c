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
               "the residual of every observation with the k-fold cross-validated error (default 5);\n"
               "then fits a tariff factor per carrier class to the priced observations (leave-one-out).\n"
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
    const char *dir = NULL, *out = NULL;
    int json = 0;
    sr_calib_options o;
    sr_calib_options_init(&o);
    enum { O_JSON = 256, O_DATA, O_OBSERVATIONS, O_OUT, O_YEAR, O_PERIOD, O_FOLDS, O_MAX_ITERATIONS };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON},
        {"data", required_argument, NULL, O_DATA}, {"observations", required_argument, NULL, O_OBSERVATIONS},
        {"out", required_argument, NULL, O_OUT}, {"year", required_argument, NULL, O_YEAR},
        {"period", required_argument, NULL, O_PERIOD}, {"folds", required_argument, NULL, O_FOLDS},
        {"max-iterations", required_argument, NULL, O_MAX_ITERATIONS}, {NULL, 0, NULL, 0},
    };
    json = cli_has_flag(argc, argv, "--json");
    int oc, status = 0;
    while ((oc = cli_getopt(argc, argv, "calibrate", opts, json, &status)) != -1) {
        const char *v = optarg;
        long n;
        switch (oc) {
        case 'h': usage(stdout); return EXIT_OK;
        case '?': return status;
        case O_JSON: json = 1; break;
        case O_DATA: dir = v; break;
        case O_OBSERVATIONS: o.observations = v; break;
        case O_OUT: out = v; break;
        case O_YEAR:
            if (cli_parse_int(v, 1900, 2200, &n))
                return cli_fail(json, SR_EARG, "--year: '%s' is not a year in 1900-2200", v);
            o.year = (int)n;
            break;
        case O_PERIOD: {
            int a = 0, b = 0, k = 0;
            if (sscanf(v, "%4d..%4d%n", &a, &b, &k) != 2 || v[k] || a < 1900 || b < a || b > 2200)
                return cli_fail(json, SR_EARG, "--period: '%s' is not YYYY..YYYY", v);
            o.period_from = a;
            o.period_to = b;
            break;
        }
        case O_FOLDS:
            if (cli_parse_int(v, 0, 50, &n) || n == 1)
                return cli_fail(json, SR_EARG, "--folds: '%s' must be 0 or 2-50", v);
            o.folds = (int)n;
            break;
        case O_MAX_ITERATIONS:
            if (cli_parse_int(v, 1, 1000, &n))
                return cli_fail(json, SR_EARG, "--max-iterations: '%s' must be 1-1000", v);
            o.max_iterations = (int)n;
            break;
        }
    }
    if (cli_operands(argc, argv, "calibrate", 0, 0, "no arguments but options", json))
        return EXIT_USAGE;
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
