/*
 * network.c - the sr_network handle: open (via load.c), close, accessors,
 * and sr_check_data().  The network is immutable after sr_network_open()
 * returns, which is what makes it safe to share between threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "network.h"
#include "timetable/tt.h"

static const char *default_dir(void)
{
    const char *env = getenv("SILKROUTE_DATA");
    if (env && *env)
        return env;
    /* A build tree uses its own data/; an installed library, whose build
     * tree may be gone, uses the copy `make install` put under PREFIX. */
    struct stat st;
#ifdef SR_DATADIR
    if (stat(SR_DATADIR, &st) == 0 && S_ISDIR(st.st_mode))
        return SR_DATADIR;
#endif
#ifdef SR_INSTALL_DATADIR
    if (stat(SR_INSTALL_DATADIR, &st) == 0 && S_ISDIR(st.st_mode))
        return SR_INSTALL_DATADIR;
#endif
    return "data";
}

sr_code sr_network_open(const char *dir, sr_network **out)
{
    if (!out)
        return SR_EARG;
    sr_network *net = calloc(1, sizeof *net);
    *out = net;
    if (!net)
        return SR_ENOMEM;
    if (!dir)
        dir = default_dir();
    net->dir = strdup(dir);
    if (!net->dir)
        return SR_ENOMEM;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(net->errmsg, sizeof net->errmsg, "%s: not a readable dataset directory", dir);
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
    else if (rc == SR_EDATA) {
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
    free(net->dir);
    free(net->places);
    free(net->links);
    free(net->crossings);
    free(net->arc_off);
    free(net->arc_head);
    free(net->arc_link);
    free(net->arc_cls);
    free(net->arc_time_h);
    for (int u = 0; u < SR_UNIT_COUNT; u++) {
        free(net->arc_cost[u]);
        free(net->arc_co2[u]);
    }
    free(net->xfer_off);
    free(net->xfers);
    free(net->names);
    sr__arena_free(&net->arena);
    free(net);
}

const char *sr_network_errmsg(const sr_network *net) { return net ? net->errmsg : "no network"; }
const char *sr_network_dir(const sr_network *net) { return net && net->dir ? net->dir : ""; }
size_t sr_network_place_count(const sr_network *net) { return net ? net->n_places : 0; }
size_t sr_network_link_count(const sr_network *net) { return net ? net->n_links : 0; }
size_t sr_network_crossing_count(const sr_network *net) { return net ? net->n_crossings : 0; }

const sr_place *sr_network_place(const sr_network *net, size_t i)
{
    return net && i < net->n_places ? &net->places[i] : NULL;
}

const sr_link *sr_network_link(const sr_network *net, size_t i)
{
    return net && i < net->n_links ? &net->links[i] : NULL;
}

const sr_crossing *sr_network_crossing(const sr_network *net, size_t i)
{
    return net && i < net->n_crossings ? &net->crossings[i] : NULL;
}

long sr_check_data(const char *dir, sr_report_fn report, void *ctx)
{
    struct stat st;
    if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return -1;
    sr_network *net = calloc(1, sizeof *net);
    if (!net)
        return -1;
    sr__diag d = {report, ctx, 0, 0, {0}};
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
            if (report)
                report(ctx, 1, net->errmsg);
        }
    } else {
        rc = sr__load(net, dir, &d);
        /* The services (DIR/services/) are checked by loading them against
         * the network, as sr_network_open() does. */
        if (rc == SR_OK) {
            net->dir = strdup(dir);
            rc = net->dir ? sr__tt_attach(net) : SR_ENOMEM;
            if (rc != SR_OK && rc != SR_ENOMEM) {
                d.errors++;
                if (report)
                    report(ctx, 1, net->errmsg);
            }
        }
    }
    sr_network_close(net);
    if (rc == SR_ENOMEM)
        return -1;
    return d.errors;
}
