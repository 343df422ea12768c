/*
 * ota.h - the one-to-all search shared by reach (reach.c) and matrices
 * (matrix.c): Dijkstra from one origin over the router's (layer, place,
 * class) state graph, with the router's filters and scalar weights
 * (sr__scalar_prepare() in route.c), recording for every place the first
 * state settled there and the time, cost, CO2e and distance of the path
 * that reached it.
 *
 * Why a search of its own instead of calling the router once per pair: a
 * matrix of 200 x 200 places would be 40 000 searches; one search per
 * source settles every target in one pass.  The search mirrors the
 * router's Dijkstra step for step (same weights, same heap order, no
 * transfer at the origin), so every place gets exactly the route the
 * router would choose for that pair; tests/test_reach.c checks this.
 */
#ifndef SR_REACH_OTA_H
#define SR_REACH_OTA_H

#include <stdint.h>

#include "documents/doc.h"
#include "core/heap.h"
#include "network/network.h"
#include "route/route.h"

typedef struct sr__ota {
    const sr_network *net;
    sr__scalar sp;
    uint8_t *arc_usable;        /* n_arcs */
    uint8_t *banned;            /* n_places: avoided places */
    size_t n_states;
    uint32_t *stamp, gen;       /* per state: valid in this generation */
    double *dist;               /* scalar key */
    double *acc;                /* 4 per state: hours, USD, kg CO2e, km */
    uint32_t *how;              /* arc, n_arcs + transfer, or UINT32_MAX */
    uint32_t *pred;             /* predecessor state */
    uint8_t *done;              /* settled in this generation (by stamp) */
    uint32_t *place_state;      /* per place: first settled state, or UINT32_MAX */
    uint32_t *place_stamp;      /* per place: place_state valid in this generation */
    sr__heap heap;              /* the router's heap: same settling order */
    uint8_t *want;              /* per place: a target still to settle (matrix), or NULL */
    size_t n_want;
    /* Document rules (documents/), set per run from its origin; the
     * options are kept to re-initialise it. */
    sr__doc_query doc;
    int year, note, road;
} sr__ota;

/* Prepare the search for the options o (validated as by the router) on q's
 * network.  SR_OK, or an error with the message in q.  Free with
 * sr__ota_free() in every case. */
sr_code sr__ota_init(sr__ota *s, sr_query *q, const sr_route_options *o);
void sr__ota_free(sr__ota *s);
/* Search from place `from` (o->from was only the first origin).  With
 * s->want set, stop once every wanted place is settled.  SR_OK or
 * SR_ENOMEM. */
sr_code sr__ota_run(sr__ota *s, uint32_t from);
/* The state that settled place p in the last run, or UINT32_MAX. */
static inline uint32_t sr__ota_state(const sr__ota *s, uint32_t p)
{
    return s->place_stamp[p] == s->gen ? s->place_state[p] : UINT32_MAX;
}

/* The figures and the last leg of the path that settled state st. */
void sr__ota_fill(const sr__ota *s, uint32_t st, sr_reach_place *out);

#endif
