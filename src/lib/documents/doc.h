/*
 * doc.h - transport documents, customs regimes and border formalities
 * (src/lib/documents/), shared by its loader (load.c), its rules (apply.c),
 * the router (route.c) and the fuzz target.
 *
 * The rules are data (data/documents/, docs/DATA.md "Documents"): which
 * rail convention (SMGS, CIM) applies per country and gauge and who accepts
 * the CIM/SMGS common note, TIR and eTIR parties, road-permit regimes per
 * country pair, published checks per crossing, and the time and cost of
 * each event.  After loading, everything the search needs per step is a
 * flag per arc or transfer, so the router adds document costs in O(1).
 */
#ifndef SR_DOC_H
#define SR_DOC_H

#include <stdint.h>

#include "network/network.h"
#include "route/route.h"

enum { SR__CONV_SMGS = 0, SR__CONV_CIM = 1 };
enum { SR__PERMIT_BILATERAL = 0, SR__PERMIT_SCO = 1, SR__PERMIT_NONE = 2 };
/* Costed events (costs.csv `event`). */
enum {
    SR__EV_RECONSIGNMENT = 0,
    SR__EV_EXPORT,
    SR__EV_IMPORT,
    SR__EV_TRANSIT_OPENED,
    SR__EV_TRANSIT_CLOSED,
    SR__EV_TIR_CARNET,
    SR__EV_PERMIT,
    SR__EV_COUNT
};
/* costs.csv `regime`: road transit regime, or any. */
enum { SR__REG_ANY = 0, SR__REG_TIR = 1, SR__REG_TRANSIT = 2 };
/* The data files, in load order (fuzz target: which file an input replaces). */
enum { SR__DF_RAIL = 0, SR__DF_TIR, SR__DF_PERMITS, SR__DF_FORMALITIES, SR__DF_COSTS, SR__DF_COUNT };
extern const char *const sr__doc_file_names[SR__DF_COUNT];

typedef struct sr__rail_rule {
    char country[3];
    uint16_t gauge_mm;      /* 0: every gauge of the country */
    uint8_t conv;           /* SR__CONV_* */
    uint8_t common;         /* 1: accepts the CIM/SMGS common note */
    const char *source;
} sr__rail_rule;

typedef struct sr__tir_rule {
    char country[3];
    int since;              /* TIR contracting party from this year */
    int etir_since;         /* eTIR in use from this year, 0: not */
    const char *source;
} sr__tir_rule;

typedef struct sr__permit_rule {
    char a[3], b[3];        /* unordered pair */
    uint8_t regime;         /* SR__PERMIT_* */
    double fee_usd[SR_UNIT_COUNT]; /* published fee of the permit per cargo unit, 0 when none is published */
    const char *source;
} sr__permit_rule;

typedef struct sr__formality {
    int32_t crossing;
    char into[3];           /* applies on entry into this country; "" both ways */
    const char *kind;       /* "veterinary", "phytosanitary", ... (arena) */
    const char *detail;
    const char *source;
} sr__formality;

typedef struct sr__doc_cost {
    uint8_t event, mode, regime;    /* mode: SR_MODE_COUNT = any */
    double time_h;
    double cost_usd[SR_UNIT_COUNT];
    const char *source;
} sr__doc_cost;

typedef struct sr__docs {
    sr__arena arena;        /* kinds, details and source ids */
    sr__rail_rule *rail;
    size_t n_rail, cap_rail;
    sr__tir_rule *tir;
    size_t n_tir, cap_tir;
    sr__permit_rule *permits;
    size_t n_permits, cap_permits;
    sr__formality *formalities;
    size_t n_formalities, cap_formalities;
    sr__doc_cost *costs;
    size_t n_costs, cap_costs;
    /* Built after loading (sr__docs_index): per arc 1 when its ends lie in
     * different countries; per arc and per transfer the rail note change
     * (0 none, 1 a change the common note avoids, 2 a change it cannot);
     * the place of each transfer row; per place a small country index. */
    uint8_t *arc_border, *arc_reissue, *xfer_reissue;
    /* Per border arc, so that the search's weight is O(1): the customs
     * union both ends share today (year 0; other years ask unions.c), and
     * the road-permit rule of the pair (NULL: none listed). */
    const char **arc_union0;
    const sr__permit_rule **arc_permit;
    uint32_t *xfer_place;
    uint16_t *place_ci;
    char (*countries)[3];
    uint32_t n_countries;
    uint64_t serial;        /* unique per indexed rule set (query caches key on it) */
    /* Today's answers (year 0) per country index, so that a query of the
     * current network sets up in O(countries): same0[i * n + j] 1 when
     * countries i and j are one customs territory; tir0/etir0 parties. */
    uint8_t *same0, *tir0, *etir0;
} sr__docs;

/* load.c: read DIR/documents/ (optional: without the folder net->docs stays
 * NULL and no route carries documents).  Problems go to d like the
 * loader's, as FILE:LINE: field: message. */
void sr__docs_load(sr_network *net, const char *dir, sr__diag *d);
/* Parse one file's text into docs (the fuzz target's entry point). */
void sr__docs_parse_buf(const sr_network *net, sr__docs *docs, int which, const char *buf, size_t len, sr__diag *d);
/* Build the per-arc and per-transfer indexes; -1 when memory runs out. */
int sr__docs_index(const sr_network *net, sr__docs *docs);
void sr__docs_free(sr__docs *docs);

/* apply.c: the rules of one query.  Filled by sr__doc_query_init() from the
 * query's options; then arc and transfer weights are O(1). */
typedef struct sr__doc_query {
    const sr_network *net;
    const sr__docs *docs;   /* NULL: no documents */
    int year, note, road;
    sr_unit unit;
    double qty;
    uint32_t from, to;
    /* per country index: customs territory (the first union it belongs to
     * in `year`, else itself), TIR party, eTIR in use */
    uint32_t *terr;
    uint8_t *tir, *etir;
    /* cost rows per event and mode for this query's road regime (NULL: none) */
    const sr__doc_cost *cost[SR__EV_COUNT][SR_MODE_COUNT];
    /* What the tables above were built for: a query object asks the same
     * country pair again and again (the server, the benchmarks), and
     * rebuilding them would cost more than a short search. */
    uint64_t key_serial;    /* 0: nothing cached */
    uint32_t key_from, key_to, cap;
    int key_year, key_road;
} sr__doc_query;

/* -1 when memory runs out; dq->terr etc. are malloc()ed (sr__doc_query_free). */
int sr__doc_query_init(sr__doc_query *dq, const sr_network *net, int year, int note, int road, sr_unit unit,
                       double qty, uint32_t from, uint32_t to);
/* to == UINT32_MAX: no destination (reach, matrices).  Under the default
 * road regime (TIR) the weights do not depend on the destination, so the
 * one-to-all searches match the router exactly; under national transit
 * they count the entry into the target's territory as one more transit. */
void sr__doc_query_free(sr__doc_query *dq);
/* Time (h) and cost (USD, for qty units) that a step adds: arc a, or
 * transfer row x.  Exactly the sums of the events sr__doc_annotate() lists
 * for the same step, so the search optimises what the route reports. */
void sr__doc_arc_weight(const sr__doc_query *dq, uint32_t a, double *h, double *usd);
void sr__doc_xfer_weight(const sr__doc_query *dq, uint32_t x, double *h, double *usd);
/* Append the documents and customs events of a built route (steps: arcs,
 * or n_arcs + transfer row, as the router's paths) to rb; 0 or -1 (memory). */
int sr__doc_annotate(const sr__doc_query *dq, const uint32_t *steps, size_t n, sr__route_buf *rb);
/* The same where several steps belong to one leg (a scheduled service's
 * ride passes borders and gauge changes, timetable/search.c): legs[i] is the
 * route leg of arc step i, in order; transfer steps ignore it. */
int sr__doc_annotate_legs(const sr__doc_query *dq, const uint32_t *steps, const uint32_t *legs, size_t n,
                          sr__route_buf *rb);

#endif
