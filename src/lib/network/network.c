/*
 * network.c - the sr_network handle's own parts: the default dataset
 * directory, freeing the arrays, and the accessors.  Opening (which also
 * attaches the timetable module's services) and sr_check_data() live in
 * the query layer (query/open.c), above both modules.  The network is
 * immutable after sr_network_open() returns, which is what makes it safe
 * to share between threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "calib/calib.h"
#include "documents/doc.h"
#include "ch/ch.h"
#include "network/network.h"

const char *sr__default_dir(void)
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

void sr__network_free(sr_network *net)
{
    if (!net)
        return;
    sr__net_ch_free(net->ch);
    net->ch = NULL;
    sr__place_frags_free(net);
    /* First: the arrays that point into a compiled file's mapping. */
    sr__srn_release(net);
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
    sr__idhash_free(&net->place_idx);
    sr__idhash_free(&net->crossing_idx);
    sr__idhash_free(&net->link_idx);
    /* Copies only on a big-endian host: in the mapping, the release above
     * has set them to NULL. */
    free(net->place_by_id);
    free(net->link_by_id);
    sr__spread_free(net);
    sr__unions_free(net);
    sr__docs_free(net->docs);
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

double sr__xseason_dwell(const sr_network *net, uint32_t xi, int64_t t, double *p90)
{
    if (!net->n_xseason)
        return -1;
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return -1;
    int md = (tm.tm_mon + 1) * 100 + tm.tm_mday;
    for (size_t i = 0; i < net->n_xseason; i++) {
        const struct sr__xseason *e = &net->xseason[i];
        if (e->xi != xi)
            continue;
        int in = e->from_md <= e->to_md ? md >= e->from_md && md <= e->to_md : md >= e->from_md || md <= e->to_md;
        if (in) {
            if (p90)
                *p90 = e->p90;
            return e->p50;
        }
    }
    return -1;
}

double sr__xyear_dwell(const sr_network *net, uint32_t xi, int year, double *p90)
{
    for (size_t i = 0; year > 0 && i < net->n_xyear; i++)
        if (net->xyear[i].xi == xi && net->xyear[i].year == year) {
            if (p90)
                *p90 = net->xyear[i].p90;
            return net->xyear[i].p50;
        }
    return -1;
}
