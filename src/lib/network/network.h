/*
 * network.h - the internal layout of sr_network, shared by the loader, the
 * router, the serialisers and the analysis modules.
 *
 * Why this shape: the network is built once and then only read, by many
 * threads at once.  Everything a search touches per step lives in flat
 * arrays indexed by small integers (structure of arrays, CSR adjacency), so
 * a query walks contiguous memory and never follows malloc()ed pointers.
 * Networks of millions of links fit the same layout.
 *
 *   places[p], links[l], crossings[x]   the model as read (public structs)
 *   arc_off[p] .. arc_off[p+1]          the directed arcs leaving place p
 *   arc_head/link/cls[a]                target place, link, carrier class
 *   arc_time_h[a]                       running time + border dwell
 *   arc_cost[u][a], arc_co2[u][a]       per cargo unit u: tariff + fees, kg CO2e
 *   xfer_off[p] .. xfer_off[p+1]        transfers possible at place p
 *   names[]                             normalised name -> place, sorted
 */
#ifndef SR_NETWORK_H
#define SR_NETWORK_H

#include <stdint.h>
#include <string.h>

#include "idhash/idhash.h"
#include "silkroute.h"
#include "core/util.h"

typedef struct sr__xfer {
    uint8_t from, to;       /* carrier classes; stored once per direction */
    uint8_t kind;           /* sr_transfer_kind */
    double duration_h;      /* P50 */
    double duration_p90_h;  /* P90 (calib/spread.c), >= duration_h */
    double cost_usd[SR_UNIT_COUNT];
    double capacity_teu_per_day;
} sr__xfer;

typedef struct sr__mode_info {
    double speed_kmh;
    double cost_per_km[SR_UNIT_COUNT];
    double co2e_kg_per_tkm;
    unsigned units;         /* bit u set: the mode carries unit u */
} sr__mode_info;

typedef struct sr__name {
    const char *key;        /* normalised (see names.c) */
    uint32_t place;
} sr__name;

struct sr_network {
    char *dir;
    char errmsg[1024];
    sr__arena arena;

    uint32_t n_places, n_links, n_crossings;
    sr_place *places;
    sr_link *links;
    sr_crossing *crossings;

    uint32_t n_arcs;
    uint32_t *arc_off;      /* n_places + 1 */
    uint32_t *arc_head, *arc_link;
    uint8_t *arc_cls;
    double *arc_time_h;
    double *arc_cost[SR_UNIT_COUNT];
    double *arc_co2[SR_UNIT_COUNT];

    uint32_t n_xfers;
    uint32_t *xfer_off;     /* n_places + 1 */
    sr__xfer *xfers;

    /* Carrier classes (gauge.c): the fixed ones, then one per further rail
     * gauge in the order the loader met them.  class_gauge is 0 for road,
     * sea and air. */
    uint32_t n_classes;
    uint16_t class_gauge[SR_CLASS_MAX];
    char class_name[SR_CLASS_MAX][12];

    /* Customs unions (unions/unions.c): memberships in file order. */
    struct sr__union_member *unions;
    uint32_t n_unions;

    sr__mode_info modes[SR_MODE_COUNT];
    double tonnes_per_unit[SR_UNIT_COUNT];

    size_t n_names;
    sr__name *names;
    /* Places, crossings and links by id (idhash/idhash.h), for look-ups in
     * O(1) (names.c): a linear scan cost 1.6 ms at 273,000 places. */
    sr__idhash place_idx, crossing_idx, link_idx;
    /* A compiled file's places and links in order of their ids (arrays of
     * the mapping, srn/srn.c), bisected instead of hashed: NULL otherwise. */
    uint32_t *place_by_id, *link_by_id;

    /* Time distributions (calib/spread.c): border dwell P50 and P90 per
     * crossing and direction ([2x] from place_a's country, [2x+1] the
     * other way), the P90/P50 ratio of running times per carrier class,
     * and per arc the P90 of running time + dwell (the reliable search's
     * proxy).  Filled at load from crossing_times.csv, time_spread.csv and
     * the calibration overlay calibrated.scn. */
    double *x_p50, *x_p90;
    uint8_t *x_p90_given;   /* 1: the P90 is a survey figure (crossing_times.csv p90_h) */
    int *x_prior_year;      /* the survey year of the crossing_times.csv row in x_p50 when that row is
                             * a single-year survey, else 0 (the calibration's cross-validation
                             * does not use a held-out survey as its own prior) */
    double x_ratio[2];      /* default P90/P50 of rail and road dwell (time_spread.csv) */
    /* Dwell of single years (calibration overlay `dwell ... year Y`), used
     * by single-route queries for that --year; xi = 2 x + direction. */
    struct sr__xyear {
        uint32_t xi;
        int year;
        double p50, p90;
    } *xyear;
    size_t n_xyear, cap_xyear;
    /* Seasonal dwell (crossing_times.csv rows with a season, the latest
     * period per crossing, direction and season), used by timed queries
     * whose crossing falls in the season (sr__xseason_dwell); static
     * queries have no date and use the all-year row. */
    struct sr__xseason {
        uint32_t xi;
        uint16_t from_md, to_md;    /* month * 100 + day, inclusive; from > to wraps the year */
        int period_to;
        double p50, p90;
    } *xseason;
    size_t n_xseason;
    uint32_t *arc_xi;       /* per arc: 2 x + direction of its crossing, or UINT32_MAX */
    double run_ratio[SR_CLASS_COUNT];
    double *arc_p90_h;
    /* The running time of each link as read, before the calibration's
     * factor per class (calibration re-fits from these). */
    double *link_base_h;
    int no_overlay;         /* set before loading: ignore calibrated.scn */
    char overlay_source[128];

    /* Scheduled services loaded with the network (timetable/api.c), never
     * NULL once sr_network_open() succeeded. */
    struct sr_timetable *timetable;

    /* Transport documents and customs rules (documents/), NULL when the
     * dataset has no documents/ folder. */
    struct sr__docs *docs;
    /* Contraction hierarchies (ch/), NULL when none were built or loaded;
     * the mapping of a compiled network file (srn/srn.c), NULL for a
     * dataset read from CSV.  Arrays above may point into the mapping. */
    struct sr__net_ch *ch;
    struct sr__srn_map *map;

    /* Each place's object as compact JSON (json.c), written on first use
     * and then copied into every answer that names the place: a network
     * never changes, and these objects were a third of writing a route's
     * answer (issue 16).  The array is created on first use too; both it
     * and its slots are set by compare-and-swap, so threads sharing the
     * network need no lock.  Freed with the network. */
    _Atomic(_Atomic(struct sr__frag *) *) place_frag;
};

/* json.c: frees the place objects cached by the JSON writer. */
void sr__place_frags_free(sr_network *net);

/* gauge.c: the class table.  sr__classes_init() sets the fixed classes;
 * sr__gauge_class() finds the class of a rail gauge, adding it when `add`
 * and there is room (-1 otherwise); sr__class_parse_net() parses a class
 * name of this network ("rail1668"), -1 when unknown. */
void sr__classes_init(sr_network *net);
int sr__gauge_class(sr_network *net, unsigned gauge_mm, int add);
int sr__class_of_gauge(const sr_network *net, unsigned gauge_mm); /* -1 when no link has it */
int sr__class_parse_net(const sr_network *net, const char *s);

/* The class whose time parameters (calibrated running-time factor, P90
 * spread) a link takes: its own among the fixed classes; a further gauge
 * (1668 mm, 1676 mm) takes standard gauge's, as a labelled simplification
 * (docs/CALIBRATION.md), since no observation covers those lines yet. */
static inline sr_class sr__time_class(const sr_network *net, const sr_link *l);

/* Carrier class of a link (rail by gauge, through the class table). */
static inline sr_class sr__link_class(const sr_network *net, const sr_link *l)
{
    if (l->mode == SR_RAIL) {
        for (uint32_t c = 0; c < net->n_classes; c++)
            if (net->class_gauge[c] == l->gauge_mm)
                return (sr_class)c;
        return SR_CLASS_RAIL1435; /* not reached: the loader adds every gauge */
    }
    return l->mode == SR_ROAD ? SR_CLASS_ROAD : l->mode == SR_SEA ? SR_CLASS_SEA : SR_CLASS_AIR;
}

static inline sr_class sr__time_class(const sr_network *net, const sr_link *l)
{
    sr_class c = sr__link_class(net, l);
    return (int)c < SR_CLASS_COUNT ? c : SR_CLASS_RAIL1435;
}

/* unions/unions.c: read DIR/unions.csv (optional) into net->unions,
 * reporting problems through the loader's diagnostics; free them. */
struct sr__diag;
void sr__unions_load(sr_network *net, const char *dir, struct sr__diag *d);
void sr__unions_free(sr_network *net);
/* Membership i as stored, and setting it (the first call of sr__unions_set
 * allocates n of them); 0 or -1.  For the compiled file (srn/srn.c). */
int sr__unions_get(const sr_network *net, uint32_t i, const char **name, char country[3], int *since, int *until);
int sr__unions_set(sr_network *net, uint32_t n, uint32_t i, const char *name, const char country[3], int since,
                   int until);

/* Is link l usable in `year` (0: status open only)? */
static inline int sr__link_usable(const sr_link *l, int year)
{
    if (l->status == SR_CLOSED)
        return 0;
    if (l->status == SR_PLANNED)
        return year > 0 && l->open_year > 0 && l->open_year <= year;
    return year <= 0 || l->open_year == 0 || l->open_year <= year;
}

/* network.c: the default dataset directory (SILKROUTE_DATA, the build
 * tree's data/, the installed copy), and freeing a network's own arrays
 * (sr_network_close() in query/open.c also detaches its services). */
const char *sr__default_dir(void);
void sr__network_free(sr_network *net);
/* srn/srn.c: open a compiled network file into net (arrays into its
 * mapping); the message in net->errmsg on failure.  verify_all: check
 * every checksum and hierarchy now (check-data) instead of the large
 * sections on first use.  sr__srn_release()
 * drops the pointers into the mapping and unmaps it (sr__network_free()). */
sr_code sr__srn_open(sr_network *net, const char *path, int verify_all);
void sr__srn_release(sr_network *net);
/* Direction of arc a across its crossing: 0 from place_a's country, 1 the
 * other way (only meaningful when the arc's link names a crossing). */
static inline int sr__arc_xdir(const sr_network *net, uint32_t a)
{
    const sr_link *k = &net->links[net->arc_link[a]];
    uint32_t tail = net->arc_head[a] == k->from ? k->to : k->from;
    if (k->from == k->to)
        tail = k->from;
    const sr_crossing *x = &net->crossings[k->crossing];
    return strcmp(net->places[tail].country, net->places[x->place_a].country) != 0;
}

/* calib/spread.c: read crossing_times.csv, time_spread.csv and the
 * calibration overlay (unless net->no_overlay) after the arrays are built,
 * and fill the distributions above.  Problems go to diag like the loader's. */
struct sr__diag;
int sr__spread_load(sr_network *net, const char *dir, struct sr__diag *diag);
/* Recompute arc_time_h and arc_p90_h from links, x_p50/x_p90 and run_ratio. */
void sr__spread_rebuild_arcs(sr_network *net);
void sr__spread_free(sr_network *net);

/* names.c */
/* Normalise a name for matching into out (cap bytes): NFKD, case fold,
 * marks and punctuation removed, blanks dropped.  Returns length or -1. */
int sr__normalize(const char *in, char *out, size_t cap);
/* Build net->names from ids, names in all languages and `extra` aliases
 * (whose strings must live in the network's arena). */
int sr__build_name_index(sr_network *net, const sr__name *extra, size_t n_extra);
/* The hash indexes of place, crossing and link ids (place_idx ...), built
 * anew; sr__build_name_index() calls it, the compiled-file reader too.
 * -1 when memory runs out. */
int sr__build_id_index(sr_network *net);
/* Levenshtein distance on normalised strings, capped at max+1. */
int sr__edit_distance(const char *a, const char *b, int max);
/* "Almaty (KZALA), Almalyk (UZAML)" for the closest matches of name. */
void sr__suggest(const sr_network *net, const char *name, char *out, size_t cap);
/* The index of the place, crossing or link with this exact id, or -1
 * (hash look-up; a linear scan before the index is built). */
long sr__place_id_find(const sr_network *net, const char *id);
long sr__link_find(const sr_network *net, const char *id);
/* Smallest edit distance from key (normalised) to a name of place p. */
int sr__name_distance(const sr_network *net, size_t p, const char *key);
/* Parse "LAT,LON" strictly (names.c): 0; -1 when text is not of that
 * shape; -2 when it is but lies off the globe. */
int sr__parse_latlon(const char *s, double *lat, double *lon);
/* The message for a place that does not resolve: suggestions for a near
 * miss, the distance for coordinates beyond the network. */
void sr__unknown_place_msg(const sr_network *net, const char *what, const char *name, char *out, size_t cap);

/* load.c: read (and, with report != NULL, validate) a dataset. */
typedef struct sr__diag {
    sr_report_fn report;    /* NULL: stop at the first error */
    void *ctx;
    long errors, warnings;
    char first[1024];       /* first error message */
    sr_code first_code;     /* and its class: SR_EDATA, SR_EIO (a file that
                               cannot be read or is no regular file),
                               SR_ELIMIT (a file over its size cap) */
} sr__diag;
sr_code sr__load(sr_network *net, const char *dir, sr__diag *diag);

/* The seasonal P50 dwell of crossing side xi (2 x + direction) for a
 * crossing reached at t (UTC seconds; the season's month and day are
 * taken in UTC), with its P90 in *p90 when not NULL; -1 when no seasonal
 * row covers that day. */
double sr__xseason_dwell(const sr_network *net, uint32_t xi, int64_t t, double *p90);


/* The calibrated dwell of crossing side xi in `year` (overlay `dwell ...
 * year Y`), with its P90 in *p90 when not NULL; -1 when none was fitted. */
double sr__xyear_dwell(const sr_network *net, uint32_t xi, int year, double *p90);

#endif
