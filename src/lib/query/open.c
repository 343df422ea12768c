/*
 * open.c - the query layer's half that opens datasets: sr_network_open(),
 * sr_network_close() and sr_check_data() load the network (load.c) and
 * then attach the timetable module's services (timetable/api.c).  They live
 * here, above both modules, so that the network module never calls up into
 * the timetable module (see plan.c and docs/ARCHITECTURE.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "calib/calib.h"
#include "network/network.h"
#include "pipeline/pipe.h"
#include "timetable/tt.h"

sr_code sr_network_open(const char *dir, sr_network **out)
{
    if (!out)
        return SR_EARG;
    sr_network *net = calloc(1, sizeof *net);
    *out = net;
    if (!net)
        return SR_ENOMEM;
    sr__classes_init(net);
    if (!dir)
        dir = sr__default_dir();
    net->dir = strdup(dir);
    if (!net->dir)
        return SR_ENOMEM;
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) {
        /* A compiled network file (srn/srn.c); no services of its own. */
        sr_code rc = sr__srn_open(net, dir, 0);
        return rc == SR_OK ? sr__tt_attach(net) : rc;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(net->errmsg, sizeof net->errmsg, "%s: not a readable dataset directory or compiled network file", dir);
        return SR_EIO;
    }
    if (sr__is_gtfs_feed(dir)) {
        /* A bare GTFS feed: its stops are the places (timetable/api.c). */
        sr_code rc = sr__network_from_gtfs(net, dir);
        return rc == SR_OK ? sr__tt_attach(net) : rc;
    }
    sr__diag d = {0};
    sr_code rc = sr__load(net, dir, &d);
    if (rc == SR_OK)
        rc = sr__tt_attach(net);
    else if (d.errors) {
        /* Bad data, an unreadable file or one over its cap: the first
         * error's message, whose class is the code (load.c). */
        if (d.errors > 1)
            snprintf(net->errmsg, sizeof net->errmsg, "%.700s (and %ld more errors: run silkroute check-data %.200s)",
                     d.first, d.errors - 1, dir);
        else
            snprintf(net->errmsg, sizeof net->errmsg, "%s", d.first);
    } else if (rc != SR_OK) {
        snprintf(net->errmsg, sizeof net->errmsg, "%s: %s", dir, sr_strerror(rc));
    }
    return rc;
}

void sr_network_close(sr_network *net)
{
    if (!net)
        return;
    sr__tt_detach(net);
    sr__network_free(net);
}

/* A compiled network file: opened with every checksum and hierarchy
 * checked (sr_network_open() leaves the large sections to first use,
 * srn/srn.c); its first problem is the one error. */
static long check_compiled(const char *path, sr_report_fn report, void *ctx, sr_code *first)
{
    sr_network *net = calloc(1, sizeof *net);
    if (!net)
        return -1;
    sr__classes_init(net);
    net->dir = strdup(path);
    sr_code rc = net->dir ? sr__srn_open(net, path, 1) : SR_ENOMEM;
    long errors = 0;
    if (rc != SR_OK && rc != SR_ENOMEM) {
        errors = 1;
        if (report)
            report(ctx, 1, net->errmsg);
    }
    sr_network_close(net);
    if (first)
        *first = rc;
    return rc == SR_ENOMEM ? -1 : errors;
}

long sr_check_data_code(const char *dir, sr_report_fn report, void *ctx, sr_code *first)
{
    if (first)
        *first = SR_EIO;
    struct stat st;
    if (dir && stat(dir, &st) == 0 && S_ISREG(st.st_mode))
        return check_compiled(dir, report, ctx, first);
    if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return -1;
    sr_network *net = calloc(1, sizeof *net);
    if (!net)
        return -1;
    sr__classes_init(net);
    sr__diag d = {.report = report, .ctx = ctx};
    sr_code rc;
    if (sr__is_gtfs_feed(dir)) {
        /* A bare GTFS feed (timetable/api.c): the loader stops at its first
         * error, which is reported as one line. */
        net->dir = strdup(dir);
        rc = net->dir ? sr__network_from_gtfs(net, dir) : SR_ENOMEM;
        if (rc == SR_OK)
            rc = sr__tt_attach(net);
        if (rc != SR_OK && rc != SR_ENOMEM) {
            d.errors++;
            d.first_code = rc;
            if (report)
                report(ctx, 1, net->errmsg);
        }
    } else {
        rc = sr__load(net, dir, &d);
        /* The observations the calibration fits (calib/obs.c). */
        if (rc == SR_OK)
            sr__obs_check(net, dir, &d);
        /* The services (DIR/services/) are checked by loading them against
         * the network, as sr_network_open() does. */
        if (rc == SR_OK) {
            net->dir = strdup(dir);
            rc = net->dir ? sr__tt_attach(net) : SR_ENOMEM;
            if (rc != SR_OK && rc != SR_ENOMEM) {
                d.errors++;
                d.first_code = rc;
                if (report)
                    report(ctx, 1, net->errmsg);
            }
        }
    }
    sr_network_close(net);
    if (rc == SR_ENOMEM) {
        if (first)
            *first = SR_ENOMEM;
        return -1;
    }
    /* The pipelines (DIR/pipelines/, a network kind of their own) are
     * checked by their own loader with the same report lines. */
    long pe = sr__pipe_check(dir, report, ctx);
    if (pe < 0)
        return -1;
    if (first)
        *first = d.errors + pe ? (d.first_code ? d.first_code : SR_EDATA) : SR_OK;
    return d.errors + pe;
}

long sr_check_data(const char *dir, sr_report_fn report, void *ctx)
{
    return sr_check_data_code(dir, report, ctx, NULL);
}
