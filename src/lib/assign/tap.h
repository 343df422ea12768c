/*
 * tap.h - internal layout of an assignment problem (sr_tap): the road or
 * corridor network as flat link arrays with forward and backward stars, the
 * origin-destination demand in compressed rows, and the per-origin bushes
 * of Algorithm B.  Shared by tap.c (model and solvers) and tntp.c (file
 * import and export); nothing here is public.
 *
 * Why flat arrays: the solvers touch every link of every bush many
 * thousands of times, so link attributes live in separate contiguous
 * arrays (structure of arrays) indexed by link number, and a bush is a
 * byte mask plus a flow array over all links of the network.
 */
#ifndef SR_TAP_H
#define SR_TAP_H

#include <stddef.h>
#include <stdint.h>

#include "silkroute.h"

/* Hard limits of one problem; exceeding them gives SR_ELIMIT. */
#define SR__TAP_MAX_NODES 5000000u
#define SR__TAP_MAX_LINKS 20000000u
#define SR__TAP_MAX_OD 50000000u
/* Bush storage is origins x links; refuse problems that would need more. */
#define SR__TAP_MAX_BUSH_CELLS 120000000u

struct sr_tap {
    char errmsg[1024];

    uint32_t n_nodes;       /* nodes are 0 .. n_nodes-1 (file ids minus one) */
    uint32_t first_thru;    /* 0-based: nodes below it are zones, no transit */
    double toll_factor, distance_factor;

    /* Links as added (struct of arrays). */
    uint32_t n_links, cap_links;
    uint32_t *tail, *head;
    double *capacity, *length, *t0, *b, *power, *toll;
    uint8_t *enabled;       /* 0: closed by a scenario or criticality run */
    char **names;           /* optional label per link; NULL entries allowed */

    /* Demand triples as added; compressed into rows at solve time. */
    uint32_t n_od, cap_od;
    uint32_t *od_o, *od_d;
    double *od_v;

    /* Solution (valid when solved != 0). */
    int solved;
    double *flow;           /* n_links */
    sr_tap_stats stats;
};

/* tntp.c: parse network and trips text with the given names for messages.
 * *out is set (holding the message) unless memory runs out. */
sr_code sr__tap_parse_named(const char *net, size_t net_len, const char *net_name, const char *trips,
                            size_t trips_len, const char *trips_name, sr_tap **out);

#endif
