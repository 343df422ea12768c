/*
 * silkroute.h - the one public header of libsilkroute.
 *
 * silkroute is a logistics information system for the transport corridors
 * between China, Central Asia and Europe.  This header is the whole public
 * API: the CLI (`silkroute ...`) and the HTTP server (`silkroute serve`) are
 * thin clients of it and use nothing else.
 *
 * Objects and ownership
 *   sr_network   An immutable network loaded from a dataset directory.  Once
 *                sr_network_open() has returned it, it is never modified, so
 *                any number of threads may use one network at the same time.
 *   sr_query     Per-thread query state (search scratch arrays).  A query
 *                object belongs to one thread at a time; create one per
 *                thread and reuse it for many queries.
 *   sr_result    The answer of one route query: one route, or a Pareto set.
 *                Owned by the caller; free with sr_result_free().
 *
 * Errors
 *   Every fallible function returns an sr_code.  A human-readable detail
 *   message for the last failure is kept on the object that failed
 *   (sr_network_errmsg(), sr_query_errmsg()); there is no global error state.
 *   sr_strerror() gives a fixed message and sr_code_name() a stable
 *   CamelCase name (used as "code" in JSON) for each code.
 *
 * Strings
 *   All strings are UTF-8.  Strings returned as `const char *` belong to the
 *   object they came from and live as long as it.  Strings returned as
 *   `char *` are malloc()ed and must be released with sr_free().
 */
#ifndef SILKROUTE_H
#define SILKROUTE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SR_VERSION "0.1.0"

/* ---------------------------------------------------------------------------
 * Error codes.  Numbers are never reused.  X(ENUM, Name, message)
 * ------------------------------------------------------------------------- */
#define SR_ERRNO_MAP(X)                                                       \
    X(SR_OK, 0, "Ok", "success")                                              \
    X(SR_ENOMEM, 1, "OutOfMemory", "out of memory")                           \
    X(SR_EIO, 2, "IoError", "cannot read or write a file")                    \
    X(SR_EDATA, 3, "BadData", "invalid data file")                            \
    X(SR_EARG, 4, "BadArgument", "invalid argument")                          \
    X(SR_EPLACE, 5, "UnknownPlace", "unknown place")                          \
    X(SR_ENOROUTE, 6, "NoRoute", "no route satisfies the query")              \
    X(SR_ELIMIT, 7, "LimitExceeded", "a size or work limit was exceeded")     \
    X(SR_EINTERNAL, 8, "InternalError", "internal error")                     \
    X(SR_ENOTCONVERGED, 9, "NotConverged", "iteration limit reached before the requested gap") \
    X(SR_ESTORE, 10, "StoreError", "tracking store error")                    \
    X(SR_ENOTFOUND, 11, "NotFound", "no such shipment, event or token")       \
    X(SR_ECONFLICT, 12, "Conflict", "conflicts with what is stored")         \
    X(SR_ESTALLED, 13, "Stalled", "the gap stopped decreasing before the requested gap")

typedef enum sr_code {
#define SR__X(e, n, name, msg) e = n,
    SR_ERRNO_MAP(SR__X)
#undef SR__X
} sr_code;

/* A fixed English message for `code`; never NULL. */
const char *sr_strerror(sr_code code);
/* The stable JSON name of `code` ("NoRoute"); never NULL. */
const char *sr_code_name(sr_code code);
/* Release memory returned by this library as `char *`.  NULL is allowed. */
void sr_free(void *p);

/* ---------------------------------------------------------------------------
 * Enumerations of the network model
 * ------------------------------------------------------------------------- */
typedef enum sr_mode { SR_RAIL = 0, SR_ROAD = 1, SR_SEA = 2, SR_AIR = 3, SR_MODE_COUNT = 4 } sr_mode;
#define SR_MODE_BIT(m) (1u << (m))
#define SR_MODES_ALL 0xFu

typedef enum sr_place_kind {
    SR_PLACE_CITY = 0,
    SR_PLACE_RAIL_TERMINAL,
    SR_PLACE_DRY_PORT,
    SR_PLACE_BORDER_CROSSING,
    SR_PLACE_SEAPORT,
    SR_PLACE_AIRPORT,
    SR_PLACE_KIND_COUNT
} sr_place_kind;

typedef enum sr_status { SR_OPEN = 0, SR_PLANNED = 1, SR_CLOSED = 2 } sr_status;

/* Cargo units.  Costs and CO2e of a route scale with the unit (and its
 * quantity): containers by their own tariffs, tonnes by tonne tariffs. */
typedef enum sr_unit { SR_UNIT_20FT = 0, SR_UNIT_40FT = 1, SR_UNIT_T = 2, SR_UNIT_COUNT = 3 } sr_unit;

/* Carrier classes: a route changes class only through a transfer.  Rail
 * has one class per track gauge.  The five fixed classes below always
 * exist; each further gauge that a dataset's rail links use (e.g. Spain's
 * 1668 mm) gets one of the numbers SR_CLASS_COUNT .. SR_CLASS_MAX-1, in
 * the order the loader meets them, named "rail<gauge>" (e.g. "rail1668"):
 * see sr_network_class_count() and sr_network_class_name(). */
typedef enum sr_class {
    SR_CLASS_RAIL1435 = 0,
    SR_CLASS_RAIL1520,
    SR_CLASS_ROAD,
    SR_CLASS_SEA,
    SR_CLASS_AIR,
    SR_CLASS_COUNT,         /* the number of fixed classes */
    SR_CLASS_MAX = 12       /* at most this many classes in a network (7 further gauges) */
} sr_class;

/* Names of the enumerations as used in data files and JSON ("rail",
 * "border_crossing", "planned", "40ft", "rail1520"); never NULL. */
const char *sr_mode_name(sr_mode m);
const char *sr_place_kind_name(sr_place_kind k);
const char *sr_status_name(sr_status s);
const char *sr_unit_name(sr_unit u);
const char *sr_class_name(sr_class c); /* the fixed classes; see sr_network_class_name() */
/* Parse those names; return -1 for an unknown name. */
int sr_mode_parse(const char *s);
int sr_unit_parse(const char *s);

/* ---------------------------------------------------------------------------
 * Network
 * ------------------------------------------------------------------------- */
typedef struct sr_network sr_network;

/* A place (hub, terminal, border post, port, airport).  Read-only view into
 * the network; valid while the network is open. */
typedef struct sr_place {
    const char *id;      /* UN/LOCODE or CC-NAME */
    const char *name_en; /* never NULL */
    const char *name_zh; /* "" when unknown */
    const char *name_ru; /* "" when unknown */
    const char *tz;      /* IANA time zone, "" when unknown */
    char country[3];     /* ISO 3166-1 alpha-2 */
    sr_place_kind kind;
    double lat, lon;
} sr_place;

/* A physical link.  Read-only view; valid while the network is open. */
typedef struct sr_link {
    const char *id;
    const char *name;     /* "" when none */
    uint32_t from, to;    /* place indices */
    sr_mode mode;
    uint16_t gauge_mm;    /* rail only, else 0 */
    uint8_t directed;     /* 1: usable only from -> to */
    sr_status status;
    int open_year;        /* 0 when not given */
    int32_t crossing;     /* crossing index, -1 when none */
    double distance_km;
    double duration_h;
    double cost_usd[SR_UNIT_COUNT]; /* per unit of cargo, whole link */
    double co2e_kg_per_tkm;
    double capacity_teu_per_day;    /* 0 when not given */
    /* Optional geometry: n_geom intermediate points between the two ends,
     * in order from -> to, as lon,lat pairs (geom[2*i], geom[2*i+1]); NULL
     * and 0 when the link is drawn as a straight line. */
    const double *geom;
    uint32_t n_geom;
} sr_link;

/* A border crossing.  Read-only view; valid while the network is open. */
typedef struct sr_crossing {
    const char *id;
    const char *name;
    const char *name_zh;
    const char *name_ru;
    sr_mode mode;
    uint32_t place_a, place_b;
    double dwell_h;
    double dwell_congested_h;        /* 0 when unknown */
    double capacity_teu_per_day;     /* 0 when unknown */
    double fee_usd[SR_UNIT_COUNT];
    const char *open_days;           /* "" when unknown */
    const char *open_hours;          /* "" when unknown */
    const char *open_season;         /* "" when unknown */
} sr_crossing;

/*
 * Open the dataset in directory `dir` (NULL: the built-in default dataset
 * directory compiled into the library, overridable by the SILKROUTE_DATA
 * environment variable).  Always stores a handle in *out unless memory runs
 * out (then *out is NULL and SR_ENOMEM is returned); on failure the handle
 * holds the error message (sr_network_errmsg(): "links.csv:12: to: unknown
 * place 'KZXXX'") and must still be closed.  The caller owns the handle.
 */
sr_code sr_network_open(const char *dir, sr_network **out);
/* Close a network and free everything it owns.  NULL is allowed.  No query
 * or result made from it may be used afterwards. */
void sr_network_close(sr_network *net);
/* Detail of the last failure on this handle; "" if none.  Owned by net. */
const char *sr_network_errmsg(const sr_network *net);
/* The directory the network was read from.  Owned by net. */
const char *sr_network_dir(const sr_network *net);

size_t sr_network_place_count(const sr_network *net);
size_t sr_network_link_count(const sr_network *net);
size_t sr_network_crossing_count(const sr_network *net);
/* Element i (0 <= i < count); NULL when out of range.  Owned by net. */
const sr_place *sr_network_place(const sr_network *net, size_t i);
const sr_link *sr_network_link(const sr_network *net, size_t i);
const sr_crossing *sr_network_crossing(const sr_network *net, size_t i);

/*
 * Find a place by id or by any of its names or aliases in any language,
 * ignoring case, accents and punctuation, or by coordinates (see
 * sr_place_resolve()).  Returns SR_OK and the index in
 * *idx, or SR_EPLACE.  Thread-safe.
 */
sr_code sr_place_find(const sr_network *net, const char *name, size_t *idx);
/* How far coordinates may lie from the nearest place of the network and
 * still be snapped to it: a first or last mile by truck.  Farther away the
 * network does not reach, and that is an error, not a guess. */
#define SR_SNAP_MAX_KM 200.0
/*
 * Resolve what a user typed for a place: an id, a name (as sr_place_find())
 * or coordinates "LAT,LON" in decimal degrees ("43.25,76.95"), which snap to
 * the nearest place within SR_SNAP_MAX_KM.  sr_place_find() accepts
 * coordinates too; this also stores the snap distance in *snap_km (0 for an
 * id or name; may be NULL).  Returns SR_OK or SR_EPLACE.  Thread-safe.
 */
sr_code sr_place_resolve(const sr_network *net, const char *text, size_t *idx, double *snap_km);
/* The place nearest to (lat, lon) by great-circle distance, whatever the
 * distance: its index in *idx and the distance in *km (may be NULL).
 * SR_EARG for coordinates out of range or an empty network.  Thread-safe. */
sr_code sr_place_nearest(const sr_network *net, double lat, double lon, size_t *idx, double *km);
/*
 * Rank places for a free-text query (prefix and fuzzy matches on all names
 * and ids) and store up to `max` indices in out[], best first.  Returns the
 * number stored.  Thread-safe.
 */
size_t sr_place_search(const sr_network *net, const char *query, size_t *out, size_t max);
/*
 * The places nearest to the point "LAT,LON" (decimal degrees, as for
 * sr_place_resolve()), nearest first: up to max indices in idx[] and their
 * great-circle distances in km[]; the number stored in *n.  SR_EARG for
 * text that is not such a point.  Thread-safe.
 */
sr_code sr_places_near(const sr_network *net, const char *latlon, size_t *idx, double *km, size_t max, size_t *n);
/*
 * Places a mistyped name may have meant: near misses only (a typo or two
 * away relative to the length, or a prefix), best first, up to max in
 * out[]; none for a name unlike anything in the network ("Paris" is not
 * "Arys").  Returns the number stored.  Thread-safe.
 */
size_t sr_place_suggest(const sr_network *net, const char *name, size_t *out, size_t max);
/* Index of the crossing with this id, or -1.  Thread-safe. */
long sr_crossing_find(const sr_network *net, const char *id);

/*
 * Carrier classes of a network (src/lib/network/gauge.c): the five fixed classes
 * plus one per further rail gauge its links use.  Classes are numbered
 * 0 .. count-1.  Thread-safe; the strings are owned by net.
 */
size_t sr_network_class_count(const sr_network *net);
/* "rail1435", "road", "rail1668" ...; "?" when c is not a class of net. */
const char *sr_network_class_name(const sr_network *net, sr_class c);
/* Track gauge of a rail class in mm; 0 for road, sea, air or an unknown c. */
unsigned sr_network_class_gauge(const sr_network *net, sr_class c);

/*
 * Customs unions (data/unions.csv, src/lib/unions/): the union that both
 * countries (ISO 3166-1 alpha-2) belong to in `year` (0: the latest year
 * of the data, i.e. memberships without an end), e.g. "EAEU" or "EU"; NULL
 * when they share none, when a == b, or for unknown codes.  A border
 * between two members of one union has no customs clearance.  When two
 * countries share several unions the first in the file is returned.
 * Thread-safe; the string is owned by net.
 */
const char *sr_network_common_union(const sr_network *net, const char *country_a, const char *country_b, int year);

/* ---------------------------------------------------------------------------
 * Route queries
 * ------------------------------------------------------------------------- */
/* SR_BY_RELIABLE: the least P90 (bad-case) door-to-door time; see "Time
 * distributions" below. */
typedef enum sr_objective {
    SR_BY_TIME = 0,
    SR_BY_COST = 1,
    SR_BY_CO2 = 2,
    SR_BY_BLEND = 3,
    SR_BY_RELIABLE = 4
} sr_objective;

#define SR_MAX_AVOID 64

typedef struct sr_route_options {
    const char *from, *to;          /* place ids or names */
    sr_objective objective;         /* default SR_BY_TIME */
    double weight_time_h;           /* SR_BY_BLEND: weight of one hour ... */
    double weight_cost_usd;         /* ... of one USD ... */
    double weight_co2e_kg;          /* ... and of one kg CO2e */
    int pareto;                     /* non-zero: Pareto set over time, cost, CO2e */
    unsigned modes;                 /* SR_MODE_BIT set; default SR_MODES_ALL */
    size_t n_avoid_countries;
    const char *avoid_countries[SR_MAX_AVOID]; /* ISO alpha-2 */
    size_t n_avoid;
    const char *avoid[SR_MAX_AVOID];           /* place or crossing ids/names */
    int year;                       /* 0: links with status open only; else also planned links with open_year <= year */
    sr_unit unit;                   /* default SR_UNIT_40FT */
    double quantity;                /* units of cargo, default 1 */
    int max_transfers;              /* -1: unlimited (default) */
    size_t max_labels;              /* Pareto work limit; 0: library default */
    /* Timetabled queries (see "Timetables" below).  All SR_TIME_NONE/0 by
     * default, which keeps the static query above. */
    int64_t depart;                 /* cargo ready at the origin (UTC s), or SR_TIME_NONE */
    int64_t arrive_by;              /* latest arrival (UTC s), or SR_TIME_NONE */
    int64_t window_s;               /* > 0: every non-dominated option departing in [depart, depart + window_s] */
    int min_transfer_s;             /* minimum time between arriving at a stop and a scheduled departure; default 0 */
    const struct sr_timetable *timetable; /* NULL: the services loaded with the network */
    /* Pareto only: drop an option when another kept option is within this
     * relative margin on every criterion (0.05 = 5%); the fastest, cheapest
     * and lowest-CO2e options are always kept.  Default 0: the exact set. */
    double pareto_tolerance;
    /* At most this many options in the result (0: no cap).  When a Pareto
     * set or departure window finds more, the fastest, cheapest and
     * lowest-CO2e options are kept first, then the most balanced ones;
     * sr_result_found() tells how many there were. */
    size_t max_options;
    /* Transport documents (src/lib/documents/, docs/DOCUMENTS.md).  Rail:
     * SR_NOTE_CIM_SMGS (default) carries one CIM/SMGS common consignment
     * note across the SMGS/CIM boundary where both railways accept it;
     * SR_NOTE_SEPARATE reissues the note there (a timed, costed event).
     * Road: SR_ROAD_TIR (default) crosses external borders under a TIR
     * carnet; SR_ROAD_TRANSIT under national transit declarations. */
    int consignment_note;           /* sr_consignment_note */
    int road_regime;                /* sr_road_regime */
} sr_route_options;

typedef enum sr_consignment_note { SR_NOTE_CIM_SMGS = 0, SR_NOTE_SEPARATE = 1 } sr_consignment_note;
typedef enum sr_road_regime { SR_ROAD_TIR = 0, SR_ROAD_TRANSIT = 1 } sr_road_regime;

/* Fill `o` with the defaults stated above. */
void sr_route_options_init(sr_route_options *o);

typedef struct sr_leg {
    uint32_t from, to;      /* place indices */
    uint32_t link;          /* link index */
    sr_mode mode;
    uint16_t gauge_mm;      /* 0 unless rail */
    double distance_km, duration_h, cost_usd, co2e_kg;
    /* Timetabled queries only (when the route's `timed` is set): */
    int64_t depart, arrive;         /* UTC seconds since 1970 */
    int32_t depart_utc_offset_s;    /* local UTC offset at `from` at departure */
    int32_t arrive_utc_offset_s;    /* local UTC offset at `to` at arrival */
    double wait_h;                  /* waiting before this leg: departure, opening hours */
    const char *service;            /* trip_id of a scheduled leg (link is SR_NO_LINK), else NULL */
    const char *service_name;       /* its route's name, else NULL */
    double duration_p90_h;          /* P90 of the running time (duration_h is the P50) */
} sr_leg;

typedef enum sr_transfer_kind { SR_GAUGE_CHANGE = 0, SR_MODE_CHANGE = 1 } sr_transfer_kind;

typedef struct sr_transfer {
    uint32_t at;            /* place index */
    sr_transfer_kind kind;
    sr_class from_class, to_class;
    uint32_t after_leg;     /* the transfer happens after legs[after_leg] (in_service: during it) */
    double duration_h, cost_usd;
    /* 1: made on board a scheduled service (its train changes gauge); the
     * time and cost are inside the service's schedule and price, so both
     * are 0 here and the route's totals are unchanged. */
    int in_service;
    double duration_p90_h;  /* P90 of the transfer time (duration_h is the P50) */
} sr_transfer;

typedef struct sr_border_crossing {
    int32_t crossing;       /* crossing index, -1 for a sea/air leg without one */
    uint32_t at;            /* place index where the border is cleared (entry side) */
    uint32_t leg;           /* the leg that crosses */
    char from_country[3], to_country[3];
    double dwell_h, fee_usd;
    /* 1: crossed on board a scheduled service; its dwell is inside the
     * service's schedule (dwell_h 0 here). */
    int in_service;
    double dwell_p90_h;     /* P90 of the dwell in this direction (dwell_h is the P50) */
    /* The customs union both countries belong to (sr_network_common_union()
     * for the query's year), e.g. "EAEU": the crossing is internal and has
     * no customs clearance.  NULL when it is an external border.  Owned by
     * the network. */
    const char *internal_union;
} sr_border_crossing;

typedef struct sr_route {
    double duration_h, distance_km, cost_usd, co2e_kg;
    size_t n_legs;
    const sr_leg *legs;
    size_t n_transfers;
    const sr_transfer *transfers;
    size_t n_crossings;
    const sr_border_crossing *crossings;
    /* Timetabled queries only: */
    int timed;                      /* 1: depart/arrive below and in the legs are set */
    int64_t depart, arrive;         /* UTC; duration_h is arrive - depart */
    int32_t depart_utc_offset_s, arrive_utc_offset_s;
    int n_boardings;                /* scheduled services boarded */
    /* Time distribution (see "Time distributions"): duration_h is the sum
     * of the parts' P50s (plus waits of timed routes); the total is
     * time_fixed_h (waits, taken as fixed) plus a log-normal with
     * parameters time_mu, time_sigma (Fenton-Wilkinson over the parts). */
    double duration_p90_h;          /* P90 of the door-to-door time, >= duration_h */
    double time_mu, time_sigma, time_fixed_h;
    double on_time_probability;     /* arrive-by queries: P(arrival <= arrive_by); else -1 */
    /* Transport documents and customs (src/lib/documents/): what is issued,
     * reissued and closed where, and the customs events at borders, in
     * route order.  Their times and costs are in duration_h and cost_usd
     * (documents_h, documents_usd: their share; the time counts as fixed
     * in the time distribution).  Empty for a dataset without
     * data/documents/ and for timetabled routes.  Owned by the result. */
    size_t n_documents;
    const struct sr_document_event *documents;
    size_t n_customs;
    const struct sr_customs_event *customs;
    double documents_h, documents_usd;
} sr_route;

typedef enum sr_document_kind {
    SR_DOC_ISSUED = 0,      /* a consignment note, CMR, B/L or air waybill opens (start of a run of one mode) */
    SR_DOC_REISSUED = 1,    /* rail: the note changes (SMGS <-> CIM) and is written out anew */
    SR_DOC_CLOSED = 2,      /* the document ends (end of the run) */
    SR_DOC_TIR_OPENED = 3,  /* road: a TIR carnet (or eTIR) transport starts at the first external border */
    SR_DOC_TIR_CLOSED = 4,  /* ... and ends at the last */
    SR_DOC_PERMIT = 5,      /* road: the permit a border needs (bilateral, SCO multilateral, none) */
    SR_DOC_FORMALITY = 6    /* a published check at a crossing (veterinary, phytosanitary) */
} sr_document_kind;

typedef struct sr_document_event {
    sr_document_kind kind;
    const char *document;   /* "SMGS", "CIM", "CIM/SMGS", "CMR", "TIR carnet", "eTIR", "bilateral permit", ... */
    uint32_t at;            /* place index */
    uint32_t leg;           /* the leg it belongs to (issued: at its start; the others: at its end) */
    double duration_h, cost_usd;
    const char *detail;     /* one sentence: why here */
    const char *source;     /* source ids of the rule (data/sources.csv), "" when none */
} sr_document_event;

typedef enum sr_customs_kind {
    SR_CUSTOMS_EXPORT = 0,          /* export clearance on leaving the origin's customs territory */
    SR_CUSTOMS_TRANSIT_OPENED = 1,  /* transit opened on entering a territory the cargo only crosses */
    SR_CUSTOMS_TRANSIT_CLOSED = 2,  /* ... and closed on leaving it */
    SR_CUSTOMS_IMPORT = 3,          /* import clearance on entering the destination's territory */
    SR_CUSTOMS_NONE = 4             /* a border inside one customs union: no clearance */
} sr_customs_kind;

typedef struct sr_customs_event {
    sr_customs_kind kind;
    uint32_t at;                    /* place index (exit side for export / transit closed) */
    uint32_t leg;                   /* the leg that crosses the border */
    char country[3];                /* the country whose customs acts (entry side for SR_CUSTOMS_NONE) */
    const char *regime;             /* "TIR", "eTIR", "transit declaration", "rail note", ... */
    const char *internal_union;     /* SR_CUSTOMS_NONE: the union, else NULL; owned by the network */
    double duration_h, cost_usd;
    const char *source;             /* source ids of the cost, "" when none */
} sr_customs_event;

/* Names for the enums above ("issued", "export_clearance", ...). */
const char *sr_document_kind_name(sr_document_kind k);
const char *sr_customs_kind_name(sr_customs_kind k);

/*
 * A corridor segment: consecutive legs of one route on the same mode, gauge
 * and country (and the same scheduled service), the way a forwarder reads a
 * route ("rail 1435 mm Xi'an - Khorgos, 3,100 km"), where legs are one per
 * network link.  A segment ends where a border is crossed (the crossing leg
 * is its last), where the route transfers, or where mode, gauge, country or
 * service change.  Sums are over the segment's legs; the border dwell and
 * fees of a crossing at its end are in dwell_h / fee_usd, not in duration_h.
 */
typedef struct sr_segment {
    uint32_t first_leg, n_legs;     /* legs[first_leg .. first_leg + n_legs - 1] */
    uint32_t from, to;              /* place indices */
    sr_mode mode;
    uint16_t gauge_mm;              /* 0 unless rail */
    char country[3];                /* country of the segment's first place */
    char to_country[3];             /* country of its last place (differs after a border) */
    double distance_km, duration_h, cost_usd, co2e_kg;
    double dwell_h, fee_usd;        /* the border crossed by its last leg, if any */
    const char *name;               /* name of its longest link (or its service); "" when none; owned by the network */
    const char *service;            /* trip id of a scheduled segment, else NULL; owned by the result */
    int timed;                      /* 1: depart and arrive are set */
    int64_t depart, arrive;         /* UTC; the first leg's departure and the last leg's arrival */
    int32_t depart_utc_offset_s, arrive_utc_offset_s;
} sr_segment;

/*
 * Group the legs of route r (from a result of a query on net) into corridor
 * segments, stored in out[0..cap-1] in route order; returns how many there
 * are (never more than r->n_legs; when that is more than cap, only cap are
 * stored).  The strings point into net and r.  Thread-safe; no allocation.
 */
size_t sr_route_segments(const sr_network *net, const sr_route *r, sr_segment *out, size_t cap);

typedef struct sr_result sr_result;
typedef struct sr_query sr_query;

/* Create query state for one thread on `net`.  The caller owns *out and
 * frees it with sr_query_destroy() before closing the network. */
sr_code sr_query_create(const sr_network *net, sr_query **out);
/* Free query state.  NULL is allowed. */
void sr_query_destroy(sr_query *q);
/* Detail of the last failure of a query on q ("unknown place 'Almty'; did
 * you mean: Almaty (KZALA)?"); "" if none.  Owned by q. */
const char *sr_query_errmsg(const sr_query *q);

/*
 * The work budget of every query run on q from now on, shared by all the
 * searches of one query (a departure window repeats its search, arrive-by
 * bisects the departure, Pareto settles many labels per place):
 * max_labels labels settled in total (0: the default, 100,000,000) and
 * max_ms milliseconds of wall-clock time (0: no time limit).  A query that
 * runs out returns SR_ELIMIT, and sr_query_errmsg() names the limit ("work
 * budget: ..." or "time budget: ...").  Thread rules: like every use of q,
 * only from the thread that owns q, between queries.
 */
sr_code sr_query_set_budget(sr_query *q, uint64_t max_labels, unsigned max_ms);
/*
 * Progress of long queries on q: fn(ctx, done, max, seconds) is called from
 * the querying thread, inside sr_route_query(), once a query has run for a
 * second and then about every 0.2 s, with the labels settled so far and the
 * work budget (see sr_query_set_budget()).  For a counter on a terminal;
 * fn must not use q.  NULL: none (the default).
 */
typedef void (*sr_progress_fn)(void *ctx, uint64_t done, uint64_t max, double seconds);
void sr_query_set_progress(sr_query *q, sr_progress_fn fn, void *ctx);
/*
 * Cancel (cancel != 0) or allow (0) queries on q.  While the flag is set,
 * the query running on q stops within about a thousand labels and returns
 * SR_ELIMIT ("cancelled: ..."), and every query started on q does the same
 * at once, until the flag is cleared.  Thread rules: the one function of
 * sr_query that any thread may call at any time, as long as q is not
 * being destroyed; the owner clears the flag before its next query.
 */
void sr_query_cancel(sr_query *q, int cancel);

/*
 * Run a route query.  On SR_OK *out is a result owned by the caller (free
 * it with sr_result_free()); otherwise *out is NULL and sr_query_errmsg()
 * explains.  Single-objective queries return one route; Pareto queries
 * return every non-dominated route over (time, cost, CO2e), sorted by time.
 */
sr_code sr_route_query(sr_query *q, const sr_route_options *opts, sr_result **out);
/*
 * After sr_route_query() answered SR_ENOROUTE, which constraints block: it
 * re-ran the query with each lifted in turn, named them in
 * sr_query_errmsg() ("no route ...; blocked by: the mode restriction (with
 * all modes there is a route)"), and this returns them as a mask; 0 after
 * any other answer.  Owned by q, like the message.
 */
#define SR_BLOCK_MODES 0x01u        /* sr_route_options.modes */
#define SR_BLOCK_COUNTRIES 0x02u    /* avoid_countries */
#define SR_BLOCK_AVOID 0x04u        /* avoid (places, crossings) */
#define SR_BLOCK_YEAR 0x08u         /* year: a planned link would connect */
#define SR_BLOCK_TRANSFERS 0x10u    /* max_transfers */
#define SR_BLOCK_TIMING 0x20u       /* depart / arrive_by: opening hours, seasons, services */
#define SR_BLOCK_COMBINED 0x40u     /* only lifting several at once helps */
#define SR_BLOCK_UNCONNECTED 0x80u  /* nothing helps: the places are not connected */
unsigned sr_query_blocked(const sr_query *q);
/* The name of one SR_BLOCK_* bit as in JSON ("modes", "avoid_countries",
 * "avoid", "year", "max_transfers", "timing", "combined", "unconnected"),
 * or NULL. */
const char *sr_block_name(unsigned bit);
/*
 * The JSON error object of a route query on q that returned c (not SR_OK):
 * {"code","message"} as sr_error_json(), plus "blocked_by" (the names of
 * sr_query_blocked()) for NoRoute and "suggestions" (place objects, near
 * misses of the place that did not resolve) for UnknownPlace.  The CLI's
 * --json and the HTTP API answer with it.  flags: SR_JSON_PRETTY.
 */
char *sr_route_error_json(const sr_query *q, const sr_route_options *o, sr_code c, unsigned flags);
/* Free a result.  NULL is allowed. */
void sr_result_free(sr_result *r);
size_t sr_result_count(const sr_result *r);
/* Route i of the result (0 <= i < count), or NULL.  Owned by r. */
const sr_route *sr_result_route(const sr_result *r, size_t i);
/* Options the search found: more than sr_result_count() when
 * sr_route_options.max_options cut the answer. */
size_t sr_result_found(const sr_result *r);

/* ---------------------------------------------------------------------------
 * Time distributions
 *
 * Border dwell (per crossing and direction), transfer times (gauge changes,
 * terminals) and running times (per carrier class) are log-normal
 * distributions given by their P50 and P90 (data/crossing_times.csv,
 * data/time_spread.csv, the calibration overlay data/calibrated.scn; see
 * docs/CALIBRATION.md).  Parts are independent; a route's total is combined
 * by Fenton-Wilkinson (the log-normal with the sum's mean and variance).
 * ------------------------------------------------------------------------- */
/* P(door-to-door time of r <= hours) under that model: for an arrive-by
 * query, the probability of arriving in time when hours is the time from
 * departure to the deadline.  Monotone in hours.  Thread-safe. */
double sr_route_prob_within(const sr_route *r, double hours);
/* Dwell P50 and P90 (hours) of crossing x in a direction (0: from place_a's
 * country to place_b's, 1: the other way).  NULL outputs are skipped;
 * SR_EARG when out of range.  Thread-safe. */
sr_code sr_crossing_dwell(const sr_network *net, size_t x, int direction, double *p50, double *p90);

/* ---------------------------------------------------------------------------
 * Calibration (docs/CALIBRATION.md)
 *
 * Fits the free parameters of the time model (running-time factor per
 * carrier class, dwell per crossing and direction, transfer times) to the
 * published observations (observations.csv) by robust (Cauchy IRLS),
 * regularised least squares on relative errors, with the dataset's own
 * figures (without its calibration overlay) as priors.  Each observation
 * is routed under its own constraints; route, fit and re-route repeat until
 * the routes and the parameters no longer change (a fixed point).  A
 * k-fold cross-validation gives the out-of-sample error.  Deterministic.
 * An sr_calibration belongs to one thread at a time.
 * ------------------------------------------------------------------------- */
typedef struct sr_calibration sr_calibration;

typedef struct sr_calib_options {
    const char *observations;   /* file; NULL: observations.csv in the dataset */
    int year;                   /* 0: see period; else fit the observations whose period contains it */
    int period_from, period_to; /* both 0: every observation; else those whose period overlaps it */
    int folds;                  /* cross-validation folds, default 5 (0: none) */
    int max_iterations;         /* route-fit-re-route rounds, default 400 */
} sr_calib_options;

typedef struct sr_calib_summary {
    int converged;              /* 1: routes and parameters reached a fixed point */
    int iterations;             /* rounds of route-fit-re-route */
    size_t n_observations;      /* rows read */
    size_t n_fitted;            /* time observations used in the fit */
    size_t n_params;            /* free parameters */
    /* The three statistics below are over the fitted typical observations
     * (kinds average, scheduled, survey; not record or pilot runs). */
    double median_abs_error;    /* in-sample, |predicted - observed| / observed */
    double cv_median_abs_error; /* out-of-sample (k-fold), NaN without folds */
    double share_in_range;      /* whose prediction is inside the published range (else +-15 %) */
    double share_distance_ok;   /* route observations with a distance: within +-10% */
    size_t n_distance;
    /* cv_median_abs_error split by subject: door-to-door transit times
     * (route observations) and components (border surveys, terminal
     * times); NaN without folds or without such observations. */
    double cv_median_abs_error_routes, cv_median_abs_error_parts;
    size_t n_cv_routes, n_cv_parts;
    /* Tariffs: priced route observations (price per unit) in the period,
     * and the median |cost - price| / price with the dataset's tariffs,
     * with the fitted tariff factors, and leave-one-out; NaN without. */
    size_t n_priced;
    double price_median_abs_error_prior, price_median_abs_error, price_cv_median_abs_error;
} sr_calib_summary;

typedef struct sr_calib_param {
    const char *name;           /* "time class rail1520", "dwell X-... a-b", "transfer KZ-DOSTYK rail1435 rail1520" */
    double prior, value;        /* factor or hours */
    int used;                   /* 1: some observation depends on it */
} sr_calib_param;

/* Fill `o` with the defaults stated above. */
void sr_calib_options_init(sr_calib_options *o);
/* Calibrate the dataset in dir (NULL: the default dataset).  Always stores
 * a handle the caller owns (free with sr_calibration_destroy()) unless
 * memory runs out; on failure it holds the message.  Returns SR_OK, SR_EIO,
 * SR_EDATA (observations.csv: FILE:LINE: field: message), SR_ENOMEM. */
sr_code sr_calibrate(const char *dir, const sr_calib_options *o, sr_calibration **out);
void sr_calibration_destroy(sr_calibration *c);
const char *sr_calibration_errmsg(const sr_calibration *c);
sr_code sr_calibration_summary(const sr_calibration *c, sr_calib_summary *out);
size_t sr_calibration_param_count(const sr_calibration *c);
/* Parameter i, or SR_EARG.  Strings are owned by c. */
sr_code sr_calibration_param(const sr_calibration *c, size_t i, sr_calib_param *out);
/* The fitted parameters as an overlay (calibrated.scn format), the report
 * as JSON (summary, parameters, one residual row per observation), or as
 * a text table.  malloc()ed, free with sr_free(); NULL on failure. */
char *sr_calibration_overlay(const sr_calibration *c);
char *sr_calibration_json(const sr_calibration *c, unsigned flags);
char *sr_calibration_text(const sr_calibration *c);

/* ---------------------------------------------------------------------------
 * Serialisation.  Each returns a malloc()ed NUL-terminated string (free with
 * sr_free()) or NULL when memory runs out.  Thread-safe.
 * ------------------------------------------------------------------------- */
#define SR_JSON_PRETTY 1u
/* sr_result_json(): each leg also carries "geometry", a GeoJSON LineString
 * drawn through its link's geometry (off by default: answers stay small). */
#define SR_JSON_GEOMETRY 2u

/* {"code":"Ok","routes":[...]} - the contract documented in docs/API.md;
 * flags: SR_JSON_PRETTY, SR_JSON_GEOMETRY; with "options_found":N after
 * the routes when max_options cut the set. */
char *sr_result_json(const sr_network *net, const sr_result *r, unsigned flags);
/* Route i of r as the compact JSON object sr_result_json() writes for it
 * with the same flags (SR_JSON_GEOMETRY; SR_JSON_PRETTY is ignored), so
 * that a large answer can be sent route by route ("streamed") without
 * building it whole; NULL when i is out of range or memory runs out. */
char *sr_result_route_json(const sr_network *net, const sr_result *r, size_t i, unsigned flags);
/* What sr_result_json() (compact) writes before the first route:
 * {"code":"Ok","waypoints":[...],"routes":[ - so a streamed answer is the
 * same bytes: head, routes joined by ",", then "]}" (or the options_found
 * tail). */
char *sr_result_json_head(const sr_network *net, const sr_result *r);
/* An RFC 7946 FeatureCollection, one LineString feature per leg. */
char *sr_result_geojson(const sr_network *net, const sr_result *r, unsigned flags);
/* The legs of every route as CSV (RFC 4180, CRLF, a header row): option,
 * leg, segment, places, mode, gauge, link, line, distance, time, cost,
 * CO2e, border, dwell, fee, times, service, then the leg's document and
 * customs events ("kind document at place; ...") and their time and cost
 * (empty when the route carries none).  flags: none yet, pass 0. */
char *sr_result_csv(const sr_network *net, const sr_result *r, unsigned flags);
/*
 * Write the result as an XLSX workbook at `path` (created or replaced):
 * sheets Options (totals per route), Segments, Legs and Documents (one row
 * per document or customs event), numbers as numbers.
 * Returns SR_OK, SR_EARG, or SR_EIO (nothing is left at path then).
 * Thread-safe for distinct paths.
 */
sr_code sr_result_xlsx(const sr_network *net, const sr_result *r, const char *path);
/* {"code":"<Name>","message":"..."} */
char *sr_error_json(sr_code code, const char *message, unsigned flags);
/* The network as GeoJSON: places as Points, links as LineStrings.  Links of
 * modes outside `modes`, or not usable in `year` (0: open links only, and
 * planned ones too when year < 0), are left out. */
char *sr_network_geojson(const sr_network *net, unsigned modes, int year, unsigned flags);
/* One place as a JSON object. */
char *sr_place_json(const sr_network *net, size_t idx, unsigned flags);

/* ---------------------------------------------------------------------------
 * Data validation
 * ------------------------------------------------------------------------- */
/*
 * Check the dataset in `dir` against docs/DATA.md: every problem is one line
 * "FILE:LINE: field: message" written to the callback (may be NULL).
 * Returns the number of errors (warnings are reported but not counted), or
 * -1 if `dir` cannot be read.  `dir` may also be a compiled network file
 * (sr_network_compile()): it is then checked in full -- every checksum and
 * every hierarchy, which sr_network_open() leaves to first use
 * (docs/FORMAT.md) -- and its first problem is the one error, a line
 * "FILE: message".  Thread-safe.
 */
typedef void (*sr_report_fn)(void *ctx, int is_error, const char *line);
long sr_check_data(const char *dir, sr_report_fn report, void *ctx);
/* The same, and *first (may be NULL) gets the class of the first error:
 * SR_OK when there is none, SR_EDATA for bad content, SR_EIO for a file
 * that exists but cannot be read or is no regular file (and when `dir`
 * cannot be read, with -1), SR_ELIMIT for a file over its size cap;
 * sr_network_open() returns that same code.  Thread-safe. */
long sr_check_data_code(const char *dir, sr_report_fn report, void *ctx, sr_code *first);

/* ---------------------------------------------------------------------------
 * Timetables
 *
 * Scheduled services (block trains, ferries, cargo flights) read from a GTFS
 * feed (docs/DATA.md, "Services (GTFS)").  sr_network_open() loads the
 * dataset's services/ folder, or the dataset itself when it is a bare GTFS
 * feed (a folder with stops.txt), and attaches it to the network; a route
 * query becomes time-dependent when sr_route_options.depart or .arrive_by
 * is set: scheduled legs wait for their next departure, links are
 * continuous, crossings and terminals (terminals.txt) wait for their
 * opening days and hours.  Times are
 * UTC seconds since 1970 inside; local offsets are given for printing.
 *
 * A timetable is immutable once opened and may be shared by any number of
 * threads; query state stays per thread in sr_query.
 * ------------------------------------------------------------------------- */
#define SR_TIME_NONE INT64_MIN
#define SR_NO_LINK UINT32_MAX
typedef struct sr_timetable sr_timetable;

/*
 * Open the GTFS feed in `dir` with its stops matched to the places of `net`
 * (a place_id column, stop_places.txt, stop_id, or stop_name; platforms
 * go to their parent_station's place), or to themselves when
 * net is NULL.  Like sr_network_open(), always stores a handle the caller
 * owns and must close, holding the error ("stop_times.txt:12:
 * arrival_time: ...") on failure.  net must outlive the timetable.
 */
sr_code sr_timetable_open(const char *dir, const sr_network *net, sr_timetable **out);
/* Close a timetable.  NULL is allowed. */
void sr_timetable_close(sr_timetable *tt);
/* Detail of the last failure; "" if none.  Owned by tt. */
const char *sr_timetable_errmsg(const sr_timetable *tt);
/* The services loaded with the network, or NULL.  Owned by net. */
const sr_timetable *sr_network_timetable(const sr_network *net);
/* Sizes: stops, trips (frequencies expanded), services (calendars). */
size_t sr_timetable_stop_count(const sr_timetable *tt);
size_t sr_timetable_trip_count(const sr_timetable *tt);
size_t sr_timetable_service_count(const sr_timetable *tt);

/*
 * Parse an ISO 8601 time "2026-06-03T08:00", with optional seconds and an
 * optional offset ("+08:00", "Z"); without an offset the time is local in
 * IANA zone `tz` (NULL or "": UTC).  Stores UTC seconds in *out.  Returns
 * SR_OK or SR_EARG.  Thread-safe.
 */
sr_code sr_time_parse(const char *s, const char *tz, int64_t *out);
/* Format UTC instant t at offset off_s as "2026-06-03T08:00+08:00" into
 * buf (cap >= 26).  Returns the length, or -1 if it does not fit. */
int sr_time_format(int64_t t, int32_t off_s, char *buf, size_t cap);
/*
 * Set the time fields of `o` from text, as the CLI and the HTTP server take
 * them: depart and arrive_by as for sr_time_parse() (without an offset,
 * local at o->from resp. o->to, resolved in net), window as "14d", "36h",
 * "90m" or seconds (at most 62 days).  NULL or "" leaves a field unset.
 * o->from and o->to must be set first.  Returns SR_OK, or SR_EARG with a
 * message naming the parameter in err.  Thread-safe.
 */
sr_code sr_route_options_set_times(const sr_network *net, sr_route_options *o, const char *depart,
                                   const char *arrive_by, const char *window, char *err, size_t errcap);
/* UTC offset of IANA zone `tz` at instant t in *off_s.  SR_OK, or SR_EARG
 * for an unknown zone.  Reads the tz database on each call.  Thread-safe. */
sr_code sr_tz_offset(const char *tz, int64_t t, int32_t *off_s);

/* ---------------------------------------------------------------------------
 * Traffic assignment
 *
 * Static assignment of a fixed origin-destination demand onto a network
 * whose link costs grow with flow (BPR):
 *
 *   cost(v) = t0 * (1 + b * (v / capacity)^power) + toll_factor * toll
 *             + distance_factor * length
 *
 * User equilibrium (UE): every used path of an origin-destination pair has
 * the least cost; it minimises the Beckmann objective
 *   sum over links of the integral from 0 to v of cost(x) dx.
 * System optimum (SO): the total system cost TSTT = sum of v * cost(v) is
 * least; it is the UE of the marginal costs cost(v) + v * cost'(v).
 *
 * Convergence is measured by the relative gap
 *   gap = TSTT / SPTT - 1,
 * where TSTT = sum over links of v * c(v) and SPTT = sum over OD pairs of
 * demand * (least path cost), both with c the link cost for UE and the
 * marginal cost for SO.  The gap is >= 0 and 0 exactly at the optimum.
 *
 * An sr_tap is one problem: nodes numbered 1..n (TNTP numbering), links,
 * demand, and after sr_tap_solve() the link flows.  A handle belongs to one
 * thread at a time; distinct handles are independent.  Results are
 * deterministic: the same problem and options give bit-identical flows.
 * ------------------------------------------------------------------------- */
typedef struct sr_tap sr_tap;

typedef enum sr_tap_objective { SR_TAP_UE = 0, SR_TAP_SO = 1 } sr_tap_objective;
/* SR_TAP_ALGB: Algorithm B (Dial 2006), bush-based, converges to gaps of
 * 1e-12 and below.  SR_TAP_FW: plain Frank-Wolfe with exact line search, a
 * slow reference used by the differential tests. */
typedef enum sr_tap_algorithm { SR_TAP_ALGB = 0, SR_TAP_FW = 1 } sr_tap_algorithm;

/* What to do with origin-destination pairs that have no path.  FAIL: the
 * solve returns SR_ENOROUTE naming the first one.  SKIP: leave them out,
 * assign the rest and count them in sr_tap_stats.unconnected_*. */
typedef enum sr_tap_unconnected { SR_TAP_UNCONNECTED_FAIL = 0, SR_TAP_UNCONNECTED_SKIP = 1 } sr_tap_unconnected;

typedef struct sr_tap_options {
    sr_tap_objective objective;  /* default SR_TAP_UE */
    sr_tap_algorithm algorithm;  /* default SR_TAP_ALGB */
    double gap;                  /* stop when relative gap <= gap; default 1e-6 */
    long max_iterations;         /* default 1000 (FW: 100000) */
    int threads;                 /* threads for the gap's shortest paths (at most
                                    64); default 1.  Results are bit-identical
                                    for every thread count. */
    sr_tap_unconnected unconnected; /* demand without a path: default
                                    SR_TAP_UNCONNECTED_FAIL */
    long stall_iterations;       /* Algorithm B: stop with SR_ESTALLED when the
                                    relative gap has not fallen by 1 % in this
                                    many iterations; default 25, 0 never */
} sr_tap_options;

/* Fill `o` with the defaults stated above. */
void sr_tap_options_init(sr_tap_options *o);

typedef struct sr_tap_stats {
    double objective;            /* UE: Beckmann objective; SO: TSTT */
    double beckmann;             /* Beckmann objective of the flows */
    double tstt;                 /* total system cost, sum v * cost(v) */
    double sptt;                 /* shortest-path total cost (of the gap's costs) */
    double relative_gap;         /* see above */
    double average_excess_cost;  /* (TSTT - SPTT) / total demand, gap's costs */
    double total_demand;         /* demand assigned (unconnected_demand excluded) */
    long iterations;
    double seconds;              /* wall-clock time of the solve */
    double unconnected_demand;   /* demand left out: no path (SKIP only) */
    long unconnected_pairs;      /* origin-destination pairs left out */
} sr_tap_stats;

/* One link as given to sr_tap_add_link() and returned by sr_tap_link(). */
typedef struct sr_tap_link {
    uint32_t from, to;           /* node numbers 1..n */
    double capacity;             /* > 0 when b > 0 */
    double length;               /* >= 0 */
    double free_flow_time;       /* t0 >= 0 */
    double b, power;             /* >= 0 */
    double toll;                 /* >= 0 */
} sr_tap_link;

/*
 * Create an empty problem with nodes 1..n_nodes; nodes below
 * first_thru_node are zones that flow may start or end at but never pass
 * through (TNTP <FIRST THRU NODE>; 1 allows transit everywhere).  The
 * caller owns *out and frees it with sr_tap_destroy().  Returns SR_EARG or
 * SR_ELIMIT for bad sizes, SR_ENOMEM.
 */
sr_code sr_tap_create(size_t n_nodes, size_t first_thru_node, sr_tap **out);
/* Free a problem and everything it owns.  NULL is allowed. */
void sr_tap_destroy(sr_tap *t);
/* Detail of the last failure on t ("net.tntp:12: capacity: ..."); "" if
 * none.  Owned by t. */
const char *sr_tap_errmsg(const sr_tap *t);

/* Set the generalised-cost weights of toll and length (default 0, 0). */
sr_code sr_tap_set_factors(sr_tap *t, double toll_factor, double distance_factor);
/* Append a link; its index (0-based, in order of addition) goes to *index
 * when index is not NULL.  The library copies *l; the caller keeps it.
 * Adding links or demand discards a previous solution. */
sr_code sr_tap_add_link(sr_tap *t, const sr_tap_link *l, size_t *index);
/* Add `flow` (finite, >= 0) to the demand from node `from` to node `to`. */
sr_code sr_tap_add_demand(sr_tap *t, uint32_t from, uint32_t to, double flow);
/* Change a link's capacity (> 0) or open/close it, in place: the overlay
 * used by scenarios and criticality runs.  Discards a previous solution. */
sr_code sr_tap_set_capacity(sr_tap *t, size_t link, double capacity);
sr_code sr_tap_set_enabled(sr_tap *t, size_t link, int enabled);

size_t sr_tap_node_count(const sr_tap *t);
size_t sr_tap_link_count(const sr_tap *t);
/* Copy link i into *out; SR_EARG when out of range. */
sr_code sr_tap_link_get(const sr_tap *t, size_t i, sr_tap_link *out);

/*
 * Read a TNTP network file and trip table (the formats of the
 * Transportation Networks for Research repository) into a new problem.
 * The caller owns *out (even on failure, when it holds the message; free it
 * with sr_tap_destroy()).  Errors name "file:line: field: problem" and give
 * SR_EIO or SR_EDATA (SR_ELIMIT for sizes beyond the library's limits).
 */
sr_code sr_tap_read_tntp(const char *net_path, const char *trips_path, sr_tap **out);
/* Parse TNTP network and trips text held in memory (same rules and the
 * same ownership of *out; "net" and "trips" stand in for file names in
 * messages).  The buffers need not be NUL-terminated and stay the
 * caller's. */
sr_code sr_tap_parse_tntp(const char *net, size_t net_len, const char *trips, size_t trips_len,
                          sr_tap **out);

/*
 * Solve (NULL options: defaults).  Returns SR_OK when the gap was reached,
 * SR_ENOTCONVERGED when the iteration limit stopped it first, SR_ESTALLED
 * when the gap stopped falling first (o->stall_iterations; in both cases
 * flows and statistics are still valid), SR_ENOROUTE when some demand has
 * no path and o->unconnected is SR_TAP_UNCONNECTED_FAIL, SR_ELIMIT or
 * SR_ENOMEM.  *stats (may be NULL) receives the statistics.
 */
sr_code sr_tap_solve(sr_tap *t, const sr_tap_options *o, sr_tap_stats *stats);
/* Flow and cost (the user cost, never the marginal one) of link i after a
 * solve; flow 0 when unsolved or out of range, cost at zero flow when
 * unsolved. */
double sr_tap_link_flow(const sr_tap *t, size_t i);
double sr_tap_link_cost(const sr_tap *t, size_t i);
/* Write "From To Volume Cost" lines like the TNTP *_flow.tntp files to
 * `path` (created or truncated); SR_EIO with a message on t on failure. */
sr_code sr_tap_write_flows(sr_tap *t, const char *path);
/* Read a TNTP flow file into the caller's array flows[0..link_count-1]
 * (links matched by from/to; parallel links in file order).  Links absent
 * from the file get NaN.  Errors go to t's message. */
sr_code sr_tap_read_flows(sr_tap *t, const char *path, double *flows);

/* ---------------------------------------------------------------------------
 * Freight assignment on the corridor network (part of Traffic assignment)
 *
 * An sr_freight assigns annual container demand (TEU per year between
 * places) onto a loaded sr_network.  The assignment network has, per place,
 * one node per carrier class (rail 1435, rail 1520, road, sea, air) plus a
 * source and a sink; links become arcs with free-flow time = running time +
 * border dwell (hours) and a fixed cost = tariff + fees (USD per TEU)
 * divided by the value of time; transfers (gauge and mode changes) are
 * arcs too.  Links, crossings and transfers with a capacity
 * (capacity_teu_per_day x 365; a crossing's capacity caps its links) get
 * BPR congestion, t = t0 (1 + b (v/c)^p), by default b = 0.15, p = 4.
 *
 * Scenarios are overlays of edits kept on the sr_freight (the network is
 * never copied or modified); see docs/SCENARIOS.md.  The sr_freight
 * borrows the network: close it only after sr_freight_destroy().  One
 * thread at a time per sr_freight; several may share one network.
 * ------------------------------------------------------------------------- */
typedef struct sr_freight sr_freight;

typedef struct sr_freight_totals {
    double teu_per_year;      /* assigned demand */
    double cost_usd;          /* sum of flow x (tariffs + fees + transfers) */
    double teu_hours;         /* sum of flow x congested time */
    double co2e_kg;           /* sum of flow x CO2e per TEU */
    double generalized_h;     /* the objective's total: TSTT in hours */
    double relative_gap;
    long iterations;
} sr_freight_totals;

/* Create an assignment of `net` (borrowed) with no demand and no edits.
 * The caller owns *out (on failure too, holding the message, unless it is
 * NULL after SR_ENOMEM); free it with sr_freight_destroy(). */
sr_code sr_freight_create(const sr_network *net, sr_freight **out);
/* Free an assignment and everything it owns (not the network).  NULL is
 * allowed. */
void sr_freight_destroy(sr_freight *f);
/* Detail of the last failure ("demand.csv:4: origin: unknown place 'X'");
 * "" if none.  Owned by f. */
const char *sr_freight_errmsg(const sr_freight *f);
/* Read demand rows origin,destination,teu_per_year,source from a CSV file
 * (NULL: demand.csv in the network's directory); source ids must exist in
 * the dataset's sources.csv.  Replaces earlier demand. */
sr_code sr_freight_load_demand(sr_freight *f, const char *path);
/* Set the scenario year (planned links with open_year <= year become
 * usable; 0: open links only).  A scenario file's "year" overrides it. */
sr_code sr_freight_set_year(sr_freight *f, int year);
/* Apply the edits of a scenario file on top of the current ones. */
sr_code sr_freight_load_scenario(sr_freight *f, const char *path);
/* Set the value of time (USD per TEU-hour, > 0; default 2) and BPR b, power. */
sr_code sr_freight_set_params(sr_freight *f, double value_of_time, double bpr_b, double bpr_power);
/* Solve (NULL options: defaults) and keep the flows; codes as sr_tap_solve. */
sr_code sr_freight_solve(sr_freight *f, const sr_tap_options *o);
/* Totals of the last solve. */
sr_code sr_freight_get_totals(const sr_freight *f, sr_freight_totals *out);
/* TEU per year on link i in direction dir (0: from -> to, 1: to -> from),
 * on crossing x (both directions), and the capacities in TEU per year of
 * the scenario (0: not capacitated).  Capacities apply to each direction
 * of each link; a crossing's utilisation is its busiest direction-link's
 * flow over the capacity (sr_freight_crossing_utilisation()). */
double sr_freight_link_flow(const sr_freight *f, size_t link, int dir);
double sr_freight_crossing_flow(const sr_freight *f, size_t crossing);
double sr_freight_link_capacity(const sr_freight *f, size_t link);
double sr_freight_crossing_capacity(const sr_freight *f, size_t crossing);
double sr_freight_crossing_utilisation(const sr_freight *f, size_t crossing);
/* Demand rows (after loading; self-pairs dropped): origin and destination
 * place indices and TEU per year, and after a solve the hours and USD per
 * TEU of the row's least-cost path at the solved flows.  At user
 * equilibrium every used path of the pair has the same generalised cost
 * hours + USD / value of time, but the split between time and money can
 * differ between used paths: these describe the least-cost one.  NULL
 * outputs are skipped; SR_EARG when i is out of range. */
size_t sr_freight_demand_count(const sr_freight *f);
sr_code sr_freight_demand_row(const sr_freight *f, size_t i, size_t *origin, size_t *destination, double *teu,
                              double *hours, double *usd);
/* Results as JSON (totals, corridors by destination country, OD rows,
 * links, crossings, terminals) or as a
 * GeoJSON FeatureCollection of loaded links and crossings.  malloc()ed;
 * free with sr_free(); NULL when unsolved or out of memory. */
char *sr_freight_json(const sr_freight *f, unsigned flags);
char *sr_freight_geojson(const sr_freight *f, unsigned flags);

/* One element of a criticality ranking. */
typedef struct sr_critical {
    int kind;                 /* 0 link, 1 crossing, 2 transfer (terminal) */
    size_t index;             /* link, crossing or transfer index */
    double base_flow;         /* TEU per year through it in the base */
    double delta_h;           /* increase of total generalised cost, hours */
    double delta_usd;         /* increase of total cost, USD */
    int isolates;             /* 1: demand lost its only path (removal) */
    int notional;             /* 1: it had no capacity; its base flow was used */
    char label[96];           /* link or crossing id, or "PLACE rail1435>rail1520" */
} sr_critical;

/*
 * Network Robustness Index: for every link, crossing and terminal that
 * carries flow, re-assign with its capacity reduced by `loss`
 * (0 < loss < 1), or removed when loss == 1, and record the change of
 * total cost.  An element without a capacity is given a notional capacity
 * equal to its base flow (per link direction) with the BPR curve of
 * sr_freight_set_params(), and is flagged `notional`.  With n_only > 0 only the links and crossings whose ids
 * are in only[] (and terminals "PLACE from>to") are tried; an id that
 * matches nothing is SR_EARG.  Results are sorted by delta_h, largest
 * first; negative values (Braess) are kept.  *out is malloc()ed (free with
 * sr_free()).
 */
sr_code sr_freight_critical(sr_freight *f, const sr_tap_options *o, double loss, const char *const *only,
                            size_t n_only, sr_critical **out, size_t *n);

/* ---------------------------------------------------------------------------
 * Shipment tracking (docs/TRACK.md)
 *
 * A store keeps shipments (a booking on a planned route), the events that
 * report where their containers are, the ETA history of each shipment and
 * the API tokens of the server.  Events follow DCSA Track & Trace (event
 * types, PLN/EST/ACT classifier, delay reasons) with the corridor's own
 * milestones added (border arrival, customs release, gauge change and
 * transshipment done, delivery).
 *
 * Backends: SQLite (a file; WAL journal with synchronous=FULL, so every
 * write that returned SR_OK survives a crash of the process and of the
 * machine) and PostgreSQL via libpq ("postgresql://..." URIs), with the same
 * schema, versioned and migrated on open.
 *
 * Threads: a store handle belongs to one thread at a time; open one handle
 * per thread.  Any number of handles, in any number of processes, may use
 * one database at once: each write is one transaction.
 *
 * Failure: every write is all or nothing.  When a call fails nothing was
 * written, and sr_store_errmsg() names the field ("events[2].time: ...").
 * Retrying a write with the same idempotency key never duplicates it: the
 * stored event is answered again, marked as a duplicate.
 *
 * Times are UTC seconds since 1970; an event keeps the UTC offset it was
 * reported in.  Position and ETA follow event time, not arrival order;
 * corrections and retractions are new events, nothing is overwritten.
 * ------------------------------------------------------------------------- */
typedef struct sr_store sr_store;

#define SR_MAX_CONTAINERS 16   /* containers per shipment */
#define SR_MAX_BATCH 500       /* events per batch */

/*
 * Open (creating and migrating when needed) the store at `uri`: a file path
 * or "sqlite:PATH" for SQLite, "postgresql://..." or "postgres://..." for
 * PostgreSQL.  Always stores a handle in *out unless memory runs out (then
 * *out is NULL and SR_ENOMEM is returned); on failure (SR_ESTORE, SR_EIO)
 * the handle holds the message and must still be closed.  The caller owns
 * the handle and closes it with sr_store_close().
 */
sr_code sr_store_open(const char *uri, sr_store **out);
/* Close a store.  NULL is allowed. */
void sr_store_close(sr_store *st);
/* Detail of the last failure on this handle; "" if none.  Owned by st. */
const char *sr_store_errmsg(const sr_store *st);
/* "sqlite" or "postgresql".  Static string. */
const char *sr_store_backend(const sr_store *st);
/* The schema version the store is at after opening. */
int sr_store_schema_version(const sr_store *st);
/* SQLite: commits on this handle no longer copy the WAL into the database
 * (a checkpoint, tens of ms on a busy disk, which SQLite otherwise runs in
 * whichever commit crosses 1000 WAL pages); some thread must then call
 * sr_store_checkpoint() regularly (the server does every second).  No-op
 * on PostgreSQL.  Durability is the same either way. */
void sr_store_defer_checkpoints(sr_store *st);
sr_code sr_store_checkpoint(sr_store *st);
/* Use `now` (UTC s) as the current time for record times and the checks of
 * event times, for tests and replays; SR_TIME_NONE: the system clock. */
void sr_store_set_clock(sr_store *st, int64_t now);

/* Event types: DCSA transport (ARRI, DEPA), equipment (GTIN, GTOT, LOAD,
 * DISC, STUF, STRP) and shipment (RECE, CONF, ISSU) events, then the
 * corridor's milestones: BORD border arrival, CUSR customs release, GAUG
 * gauge change done, TRSH transshipment done, DLVR delivered. */
typedef enum sr_event_type {
    SR_EV_ARRI = 0, SR_EV_DEPA, SR_EV_GTIN, SR_EV_GTOT, SR_EV_LOAD, SR_EV_DISC, SR_EV_STUF, SR_EV_STRP,
    SR_EV_RECE, SR_EV_CONF, SR_EV_ISSU, SR_EV_BORD, SR_EV_CUSR, SR_EV_GAUG, SR_EV_TRSH, SR_EV_DLVR,
    SR_EV_RETRACT, /* retraction of an earlier event (sr_event.retracts) */
    SR_EV_TYPE_COUNT
} sr_event_type;
/* DCSA event classifier: planned, estimated, actual. */
typedef enum sr_event_class { SR_EV_PLN = 0, SR_EV_EST = 1, SR_EV_ACT = 2 } sr_event_class;

/* Names ("ARRI", "ACT") and their parsers (-1 when unknown). */
const char *sr_event_type_name(sr_event_type t);
int sr_event_type_parse(const char *s);
const char *sr_event_class_name(sr_event_class c);
int sr_event_class_parse(const char *s);
/* 1 when `code` is one of the delay reason codes of docs/TRACK.md (SMDG
 * style, three letters: "WEA", "CUS", "BOR", ...). */
int sr_delay_reason_valid(const char *code);
/* 1 when s is an ISO 6346 container number (owner code, category U/J/Z,
 * six digits, check digit) whose check digit is right. */
int sr_container_valid(const char *s);

/* One event as reported.  Strings are the caller's; the store copies. */
typedef struct sr_event {
    const char *shipment;       /* shipment reference; required */
    sr_event_type type;
    sr_event_class classifier;  /* default SR_EV_ACT */
    const char *place;          /* place id (UN/LOCODE), name or alias; required but for
                                   RECE, CONF, ISSU and RETRACT */
    double lat, lon;            /* optional position; NAN when not given */
    int64_t time;               /* event time, UTC s; required */
    int32_t utc_offset_s;       /* the offset the time was reported in */
    const char *container;      /* one of the shipment's containers, or NULL */
    const char *source;         /* who reported it: "cli", "api:TOKEN-NAME", ...; or NULL */
    const char *key;            /* idempotency key, 1 to 128 bytes; required */
    const char *reason;         /* delay reason code, or NULL */
    const char *note;           /* free text up to 1000 bytes, or NULL */
    int64_t retracts;           /* SR_EV_RETRACT: the id of the event retracted */
} sr_event;

/* Fill e with the defaults (ACT, no place, NAN position, time SR_TIME_NONE). */
void sr_event_init(sr_event *e);

/*
 * Record n events (1 <= n <= SR_MAX_BATCH) in one transaction: all or
 * nothing.  Each is checked first (known shipment, event after the
 * shipment's booking, time from 2000 to one year ahead and an actual event
 * not in the future, known place, container of the shipment, valid codes
 * and lengths); the first bad one fails the batch with SR_EARG or
 * SR_ENOTFOUND and a message naming "events[i].field".  Then the ETA of each
 * shipment touched is recomputed and appended to its history.  ids[i]
 * (may be NULL) receives each event's id and dup[i] (may be NULL) 1 when
 * the idempotency key was seen before for that shipment (nothing new was
 * stored for it).  net must be the network the shipments were booked on.
 */
sr_code sr_event_post(sr_store *st, const sr_network *net, const sr_event *ev, size_t n, int64_t *ids, int *dup);
/*
 * The same from JSON text (docs/TRACK.md): one event object or
 * {"events": [...]}, at most SR_MAX_BATCH, with `shipment` (may be NULL)
 * used for events that name none and `source` for all.  On SR_OK *answer
 * is {"code":"Ok","events":[{"id":..,"duplicate":..}]}, malloc()ed (free with
 * sr_free()).  Malformed JSON is SR_EARG, too many events SR_ELIMIT.
 */
sr_code sr_event_post_json(sr_store *st, const sr_network *net, const char *json, size_t len, const char *shipment,
                           const char *source, char **answer);

/* A booking.  Strings are the caller's; the store copies. */
typedef struct sr_shipment_spec {
    const char *ref;                 /* unique reference, 1 to 64 bytes: [A-Za-z0-9._/-] */
    size_t n_containers;             /* 0 to SR_MAX_CONTAINERS */
    const char *containers[SR_MAX_CONTAINERS]; /* ISO 6346, check digit verified */
    sr_unit unit;                    /* default SR_UNIT_40FT */
    double quantity;                 /* default 1 */
    int64_t ready;                   /* cargo ready at the origin (UTC s); required */
    int64_t promised;                /* promised delivery (UTC s) or SR_TIME_NONE */
    double late_after_h;             /* late when the ETA passes the plan (or the promise)
                                        by more than this; default 12 */
} sr_shipment_spec;

void sr_shipment_spec_init(sr_shipment_spec *s);

/*
 * Book a shipment on `route` (one route of a result of sr_route_query() on
 * net).  The route is kept verbatim as its JSON (so later data changes do
 * not rewrite the booking), with its milestones planned from spec->ready
 * (a timed route's own times when it has them).  SR_CONFLICT when the
 * reference exists.  *id (may be NULL) receives the shipment's id.
 */
sr_code sr_shipment_create(sr_store *st, const sr_network *net, const sr_shipment_spec *spec, const sr_route *route,
                           int64_t *id);
/*
 * Read as JSON (malloc()ed, free with sr_free()):
 *   sr_shipment_json    one shipment: booking, route, plan, events (with
 *                       retractions), position, ETA and status;
 *   sr_shipment_list_json  shipments whose status is `status` (NULL: all;
 *                       "late", "on_time", "delivered", "booked", "in_transit")
 *                       and whose reference or a container contains `query`
 *                       (NULL: any), newest first, at most `limit` (1..1000);
 *   sr_shipment_eta_json   the current ETA and its whole history.
 * SR_ENOTFOUND for an unknown reference.
 */
sr_code sr_shipment_json(sr_store *st, const char *ref, unsigned flags, char **out);
sr_code sr_shipment_list_json(sr_store *st, const char *status, const char *query, size_t limit, unsigned flags,
                              char **out);
sr_code sr_shipment_eta_json(sr_store *st, const char *ref, unsigned flags, char **out);
/*
 * Observed times as CSV rows for data/observations.csv, with exactly that
 * file's columns (docs/TRACK.md, docs/CALIBRATION.md), of non-retracted
 * actual events, kind "tracked", period the dates observed, source
 * S-silkroute-tracking:
 *   route     a leg: a departure to the next arrival (ARRI or BORD) at
 *             another place, under the booked route's modes and stops;
 *   crossing  a border dwell: BORD to CUSR or DEPA at the entry place of a
 *             crossing of the booked route, in its direction;
 *   transfer  a terminal time: ARRI to DEPA, GAUG or TRSH at a place where
 *             the booked route changes gauge or mode.
 * `net` (the network the rows are checked against) names crossings and
 * transfers; rows it cannot name are left out.  With the header line when
 * `header` is set.  malloc()ed CSV in *out (sr_free()).
 */
sr_code sr_observations_csv(sr_store *st, const sr_network *net, int header, char **out);

/*
 * Alerts (docs/TRACK.md): "delay" is raised by the ETA update when the
 * delay passes the shipment's threshold or the promised date; "missing" by
 * sr_alerts_check() when the next milestone of the plan, shifted by the
 * current delay, has had no event by its time plus margin_s.  Each once
 * per shipment and milestone; *raised (may be NULL) counts the new ones.
 * Every new alert is queued for every live webhook in the same transaction.
 */
sr_code sr_alerts_check(sr_store *st, int64_t margin_s, size_t *raised);
/* Changes after the given ids, oldest first, at most `limit` (1..1000) of
 * each: {"alerts":[...],"eta":[{id, shipment, eta, delay_h, position,
 * status}]}, for streams and polling.  malloc()ed JSON in *out. */
sr_code sr_changes_json(sr_store *st, int64_t after_eta, int64_t after_alert, size_t limit, unsigned flags,
                        char **out);

/* Webhooks: alerts are POSTed to an http:// URL, signed with the
 * webhook's secret (HMAC-SHA256; the sender is `silkroute serve`).  The
 * secret is returned once (malloc()ed) and stored as it is, because the
 * sender needs it. */
sr_code sr_webhook_add(sr_store *st, const char *url, char **secret, int64_t *id);
sr_code sr_webhook_remove(sr_store *st, int64_t id);
/* A queued delivery of one alert to one webhook. */
typedef struct sr_delivery {
    int64_t id;
    int attempts;  /* made so far */
    char *url, *secret;
    char *body;    /* {"type":"alert","delivery":ID,"alert":{...}} */
} sr_delivery;
/* Up to max deliveries due now; *out (free with sr_deliveries_free()). */
sr_code sr_deliveries_due(sr_store *st, size_t max, sr_delivery **out, size_t *n);
void sr_deliveries_free(sr_delivery *d, size_t n);
/* Record an attempt: delivered (ok), or failed with `error` and the next
 * attempt at retry_at (SR_TIME_NONE: give up). */
sr_code sr_delivery_done(sr_store *st, int64_t id, int ok, const char *error, int64_t retry_at);

/* API tokens of the HTTP server.  Tokens are random, shown once, and only
 * their SHA-256 is stored. */
typedef enum sr_role { SR_ROLE_READER = 1, SR_ROLE_WRITER = 2 } sr_role;
/* Create a token named `name` (1 to 64 bytes, unique) with a rate limit of
 * `per_minute` requests (1..1000000).  *token is malloc()ed (sr_free()). */
sr_code sr_token_create(sr_store *st, const char *name, sr_role role, long per_minute, char **token);
/* Look a token up: SR_OK with its role, name (copied into name[65]) and rate,
 * or SR_ENOTFOUND for an unknown or revoked token.  Compares hashes only. */
sr_code sr_token_check(sr_store *st, const char *token, sr_role *role, char *name, long *per_minute);
/* Revoke by name; SR_ENOTFOUND when there is no such live token. */
sr_code sr_token_revoke(sr_store *st, const char *name);
/* Tokens (names, roles, rates, dates; never hashes) as JSON. */
sr_code sr_token_list_json(sr_store *st, unsigned flags, char **out);
/*
 * Group commit (docs/TRACK.md): posters on many threads share one
 * transaction, so concurrent posts wait for one flush of the log instead
 * of one each, and a post still returns only once its events are on disk.
 * sr_store_group_open() opens the group's own store handle (the caller
 * closes the group with sr_store_group_close() even on failure; the
 * message is in sr_store_group_errmsg()).  sr_store_group_post() and
 * sr_store_group_post_json() behave as sr_event_post() and
 * sr_event_post_json() (same checks, all or nothing per call, the same
 * answers), with the message of a failure in err (errcap bytes).  Each
 * call runs in its own savepoint of the group's transaction: a refused
 * call writes nothing and leaves the others alone.  Thread-safe: any
 * number of threads may post through one group at once; net must stay
 * open while they do.  sr_store_group_stats(): groups committed and calls
 * they carried (their ratio is the calls per flush).  On PostgreSQL,
 * which merges concurrent commits' flushes itself, calls are not grouped:
 * each commits on a handle of the group's pool.
 */
typedef struct sr_store_group sr_store_group;
sr_code sr_store_group_open(const char *uri, sr_store_group **out);
void sr_store_group_close(sr_store_group *g);
const char *sr_store_group_errmsg(const sr_store_group *g);
sr_code sr_store_group_post(sr_store_group *g, const sr_network *net, const sr_event *ev, size_t n, int64_t *ids,
                            int *dup, char *err, size_t errcap);
sr_code sr_store_group_post_json(sr_store_group *g, const sr_network *net, const char *json, size_t len,
                                 const char *shipment, const char *source, char **answer, char *err, size_t errcap);
void sr_store_group_stats(sr_store_group *g, unsigned long *groups, unsigned long *requests);
/*
 * Scenario comparison and criticality in exportable forms (the HTTP API,
 * `silkroute compare` and `critical` with --json, --geojson, --csv).
 * base and scen must be solved assignments of net; names
 * label them in the JSON (may be NULL).  JSON: {"code":"Ok","base_totals",
 * "scenario_totals","change","corridors" (crossings),"destinations",
 * "links"}; GeoJSON: one LineString per link and one Point per crossing
 * that carries flow in either, with base_teu, scenario_teu and change_teu
 * (both directions, TEU per year); CSV: kind,id,name,base_teu,scenario_teu,
 * change_teu.  malloc()ed (sr_free()); NULL when unsolved or out of
 * memory.  Thread-safe for distinct assignments.
 */
char *sr_freight_compare_json(const sr_network *net, const sr_freight *base, const sr_freight *scen,
                              const char *base_name, const char *scen_name, unsigned flags);
char *sr_freight_compare_geojson(const sr_network *net, const sr_freight *base, const sr_freight *scen,
                                 unsigned flags);
char *sr_freight_compare_csv(const sr_network *net, const sr_freight *base, const sr_freight *scen);
/* A ranking of sr_freight_critical() (the first n entries) as JSON
 * {"code":"Ok","capacity_loss":..,"ranking":[{rank,kind,id,...}]}, as
 * GeoJSON (links as LineStrings, crossings and terminals as Points, with
 * rank and the deltas) or as CSV rank,kind,id,base_flow_teu,
 * delta_generalized_cost_h,delta_cost_usd,isolates,notional.  NULL when
 * out of memory. */
char *sr_critical_json(const sr_network *net, const sr_critical *r, size_t n, double loss, unsigned flags);
char *sr_critical_geojson(const sr_network *net, const sr_critical *r, size_t n, unsigned flags);
char *sr_critical_csv(const sr_network *net, const sr_critical *r, size_t n);

/* ---------------------------------------------------------------------------
 * Reach and matrices (one search per origin)
 *
 * Both run the router's single-objective search (sr_route_query() without
 * pareto) from an origin to every place at once, with the same options
 * (objective, modes, year, avoided countries and places, cargo, quantity,
 * max_transfers); each place gets exactly the route the router would return
 * for that pair, with its time, cost, CO2e and distance.  Timetabled options
 * (depart, arrive_by) and pareto are SR_EARG here; o->to is ignored.  Both
 * use q's thread: one call at a time per sr_query.
 * ------------------------------------------------------------------------- */
typedef struct sr_reach_place {
    uint32_t place;         /* place index */
    double value;           /* the objective's value: hours, USD or kg CO2e */
    double duration_h, cost_usd, co2e_kg, distance_km; /* of that route */
    uint32_t via_link;      /* link of the route's last leg; UINT32_MAX at the origin or after a transfer at the end */
    uint32_t via_place;     /* the place that leg comes from; UINT32_MAX at the origin */
} sr_reach_place;

typedef struct sr_reach sr_reach;

/*
 * Places reachable from o->from with the objective's value at most
 * `budget` (o->objective SR_BY_TIME: hours, SR_BY_COST: USD, SR_BY_CO2: kg
 * CO2e; SR_BY_BLEND is SR_EARG), the origin included with value 0.
 * budget must be finite and > 0.  On SR_OK *out is owned by the caller
 * (sr_reach_free()); else NULL and sr_query_errmsg() explains.
 */
sr_code sr_reach_query(sr_query *q, const sr_route_options *o, double budget, sr_reach **out);
void sr_reach_free(sr_reach *r);
/* The reached places, sorted by value (ties by place index). */
size_t sr_reach_count(const sr_reach *r);
const sr_reach_place *sr_reach_at(const sr_reach *r, size_t i);
uint32_t sr_reach_origin(const sr_reach *r);
/*
 * As JSON {"origin":{...},"objective":"time","budget":..,"unit":"h",
 * "bands":[edges],"places":[...]} or as an RFC 7946 FeatureCollection of
 * the places (Points) and of the links of the search tree (LineStrings),
 * each with its "band" 0..bands-1: the value's equal share of the budget
 * (bands 1..100; 7 bands of a 168 h budget are days).  NULL when memory
 * runs out or bands is out of range.  Thread-safe.
 */
char *sr_reach_json(const sr_network *net, const sr_reach *r, unsigned bands, unsigned flags);
char *sr_reach_geojson(const sr_network *net, const sr_reach *r, unsigned bands, unsigned flags);

/* Largest matrix: sources x targets cells. */
#define SR_MATRIX_MAX_CELLS 1000000u

typedef struct sr_matrix_cell {
    int reachable;          /* 0: no route (the figures are 0); a source to itself is reachable at 0 */
    double value;           /* the objective's value (blend: its weighted sum) */
    double duration_h, cost_usd, co2e_kg, distance_km;
} sr_matrix_cell;

typedef struct sr_matrix sr_matrix;

/*
 * The matrix of routes from every source to every target (places by id or
 * name, as in o->from), one search per source.  An avoided target is
 * unreachable; an avoided source is SR_EARG.  More than
 * SR_MATRIX_MAX_CELLS cells (or an empty side) is SR_ELIMIT (SR_EARG).
 * On SR_OK *out is the caller's (sr_matrix_free()).
 */
sr_code sr_matrix_query(sr_query *q, const sr_route_options *o, const char *const *sources, size_t n_sources,
                        const char *const *targets, size_t n_targets, sr_matrix **out);
void sr_matrix_free(sr_matrix *m);
size_t sr_matrix_source_count(const sr_matrix *m);
size_t sr_matrix_target_count(const sr_matrix *m);
/* Place index of source i / target j; UINT32_MAX when out of range. */
uint32_t sr_matrix_source(const sr_matrix *m, size_t i);
uint32_t sr_matrix_target(const sr_matrix *m, size_t j);
/* Cell (i, j), or NULL when out of range.  Owned by m. */
const sr_matrix_cell *sr_matrix_at(const sr_matrix *m, size_t i, size_t j);
/* JSON {"objective":..,"sources":[ids],"targets":[ids],"duration_h":[[..]],
 * "cost_usd":..,"co2e_kg":..,"distance_km":..} (null: no route), or CSV
 * with a header and one row per cell: source,target,reachable,duration_h,
 * cost_usd,co2e_kg,distance_km.  NULL when memory runs out.  Thread-safe. */
char *sr_matrix_json(const sr_network *net, const sr_matrix *m, unsigned flags);
char *sr_matrix_csv(const sr_network *net, const sr_matrix *m);

/* ---------------------------------------------------------------------------
 * Pipelines (energy corridors)
 *
 * A network kind of its own, read from DIR/pipelines/ (docs/DATA.md,
 * "Pipelines"): gas and oil systems of nodes (fields, compressor stations,
 * junctions, border points, receiving terminals) and directed segments
 * with capacities in the system's unit (bcm/yr for gas, Mt/yr for oil);
 * supplies per supplier, offtakes in transit countries and deliveries at
 * receiving points.  Pipelines carry no containers and are never used by
 * sr_route_query().
 *
 * An sr_pipelines is immutable once opened and may be shared by threads.
 * An sr_pipeflow is one scenario (year, outages, supply and offtake edits;
 * docs/SCENARIOS.md) with its flows; it borrows the sr_pipelines (close
 * that only after destroying every sr_pipeflow) and belongs to one thread
 * at a time.
 *
 * Flows are a minimum-cost flow over the capacities, lexicographic in
 * effect: first as much offtake as possible, then as much delivery as
 * possible, then suppliers by priority (1 first), then shorter paths.
 * They are deterministic: the same data and scenario give the same flows.
 * ------------------------------------------------------------------------- */
typedef struct sr_pipelines sr_pipelines;
typedef struct sr_pipeflow sr_pipeflow;

/* Read-only views; strings and records live as long as the sr_pipelines.
 * Indices (system, node) refer to the arrays of the same sr_pipelines. */
typedef struct sr_pipe_system {
    const char *id, *name;
    const char *commodity;   /* "gas" or "oil" */
    const char *unit;        /* "bcm/yr" or "Mt/yr" */
} sr_pipe_system;

typedef struct sr_pipe_node {
    const char *id, *name;
    const char *kind;        /* field, supply, compressor, junction, border, terminal */
    char country[3];
    size_t system;
    double lat, lon;
} sr_pipe_node;

typedef struct sr_pipe_segment {
    const char *id, *line, *operator_name;
    size_t system, from, to; /* flow goes from -> to */
    double length_km;        /* 0 when not given */
    double diameter_mm;      /* 0 when not given */
    double capacity;         /* system unit per year */
    sr_status status;
    int open_year;           /* 0 when not given */
} sr_pipe_segment;

typedef struct sr_pipe_supply {
    const char *id, *supplier; /* supplier: ISO country code */
    size_t system, node;
    double volume;           /* export capacity or contracted volume per year */
    int priority;            /* 1..99, 1 served first */
} sr_pipe_supply;

/* An offtake (volume taken in a transit country) or a delivery point
 * (volume: its capacity, 0 when not limited). */
typedef struct sr_pipe_point {
    const char *id, *name, *country;
    size_t system, node;
    double volume;
} sr_pipe_point;

/* A published figure to check modelled flows against. */
typedef struct sr_pipe_observation {
    const char *id, *kind, *subject, *unit, *note;
    size_t system;
    int year;
    double value;
} sr_pipe_observation;

/*
 * Open the pipelines of dataset directory `dir` (NULL: the built-in
 * dataset, as sr_network_open()): the CSV files of DIR/pipelines/, with source ids
 * checked against DIR/sources.csv.  Stores a handle in *out unless memory
 * runs out (then NULL and SR_ENOMEM); on failure (SR_EIO, SR_EDATA) the
 * handle holds the first message ("pipelines/segments.csv:4: capacity:
 * ...") and must still be closed.  The caller owns the handle.
 */
sr_code sr_pipelines_open(const char *dir, sr_pipelines **out);
/* Free the model; NULL is allowed. */
void sr_pipelines_close(sr_pipelines *p);
/* Detail of the failure of sr_pipelines_open(); "" if none.  Owned by p. */
const char *sr_pipelines_errmsg(const sr_pipelines *p);

size_t sr_pipelines_system_count(const sr_pipelines *p);
size_t sr_pipelines_node_count(const sr_pipelines *p);
size_t sr_pipelines_segment_count(const sr_pipelines *p);
size_t sr_pipelines_supply_count(const sr_pipelines *p);
size_t sr_pipelines_offtake_count(const sr_pipelines *p);
size_t sr_pipelines_delivery_count(const sr_pipelines *p);
size_t sr_pipelines_observation_count(const sr_pipelines *p);
/* Record i, or NULL when out of range. */
const sr_pipe_system *sr_pipelines_system(const sr_pipelines *p, size_t i);
const sr_pipe_node *sr_pipelines_node(const sr_pipelines *p, size_t i);
const sr_pipe_segment *sr_pipelines_segment(const sr_pipelines *p, size_t i);
const sr_pipe_supply *sr_pipelines_supply(const sr_pipelines *p, size_t i);
const sr_pipe_point *sr_pipelines_offtake(const sr_pipelines *p, size_t i);
const sr_pipe_point *sr_pipelines_delivery(const sr_pipelines *p, size_t i);
const sr_pipe_observation *sr_pipelines_observation(const sr_pipelines *p, size_t i);

/* Create a scenario of p (borrowed) with no edits and year 0 (segments
 * with status open only).  The caller owns *out (NULL after SR_ENOMEM)
 * and frees it with sr_pipeflow_destroy(). */
sr_code sr_pipeflow_create(const sr_pipelines *p, sr_pipeflow **out);
/* Free a scenario; NULL is allowed. */
void sr_pipeflow_destroy(sr_pipeflow *f);
/* Detail of the last failure on f ("x.scn:3: segment: unknown segment
 * 'Q'"); "" if none.  Owned by f. */
const char *sr_pipeflow_errmsg(const sr_pipeflow *f);
/* The network of `year` (1900..2200): open segments that opened by then
 * and planned segments with open_year <= year; 0: open segments only. */
sr_code sr_pipeflow_set_year(sr_pipeflow *f, int year);
/* Apply the edits of a scenario file, or of text in memory (`name` stands
 * in for the file in messages; the text need not be NUL-terminated), on top
 * of the current ones.  SR_EIO, SR_EDATA (bad line) or SR_ELIMIT; after a
 * failure the edits of the lines before the bad one stay applied. */
sr_code sr_pipeflow_load_scenario(sr_pipeflow *f, const char *path);
sr_code sr_pipeflow_parse_scenario(sr_pipeflow *f, const char *text, size_t len, const char *name);
/* Compute the flows (SR_OK, SR_ENOMEM, SR_EINTERNAL). */
sr_code sr_pipeflow_solve(sr_pipeflow *f);
/* After a solve: flow on segment i, and its capacity in this scenario (0
 * when closed or not yet open); supply i served; delivery i received;
 * offtake i served (offtakes of the scenario: sr_pipeflow_offtake_count(),
 * the data's first, then those a scenario added).  0 when unsolved or out
 * of range. */
double sr_pipeflow_segment_flow(const sr_pipeflow *f, size_t i);
double sr_pipeflow_segment_capacity(const sr_pipeflow *f, size_t i);
double sr_pipeflow_supply_served(const sr_pipeflow *f, size_t i);
double sr_pipeflow_supply_offered(const sr_pipeflow *f, size_t i);
double sr_pipeflow_delivered(const sr_pipeflow *f, size_t i);
size_t sr_pipeflow_offtake_count(const sr_pipeflow *f);
double sr_pipeflow_offtake_served(const sr_pipeflow *f, size_t i);
/* Sum of deliveries of system i (NaN when out of range). */
double sr_pipeflow_system_delivered(const sr_pipeflow *f, size_t i);

/* One segment of a criticality ranking. */
typedef struct sr_pipe_critical {
    size_t segment;
    double base_flow;        /* flow on it in the scenario */
    double lost;             /* delivery (plus offtake) lost when it is cut */
    double lost_share;       /* lost / the system's delivery plus offtake */
} sr_pipe_critical;

/* Cut each usable segment in turn, re-solve and record the delivery lost;
 * sorted by lost, largest first, then by segment order.  *out is
 * malloc()ed (free with sr_free()), *n its length.  Solves f first if
 * needed. */
sr_code sr_pipeflow_critical(sr_pipeflow *f, sr_pipe_critical **out, size_t *n);

#define SR_PIPE_JSON_CRITICAL 1u /* add the criticality ranking */
/* The solved scenario as JSON: per system its segments (capacity, flow,
 * utilisation, binding), supplies, offtakes, deliveries and observations
 * beside the model's figure; with base (solved, of the same sr_pipelines)
 * each delivery, supply and offtake also gets "base" and "shortfall".
 * GeoJSON: one LineString per segment with flow and utilisation.
 * malloc()ed, free with sr_free(); NULL when unsolved or out of memory. */
char *sr_pipeflow_json(sr_pipeflow *f, const sr_pipeflow *base, unsigned flags);
char *sr_pipeflow_geojson(const sr_pipeflow *f);


/* ---- Compiled network files and contraction hierarchies -----------------
 * (docs/FORMAT.md, docs/ARCHITECTURE.md "ch" and "srn")
 *
 * A compiled network file holds a loaded network's arrays and any
 * contraction hierarchies built on it, little-endian, checksummed and
 * versioned; sr_network_open() given such a file (instead of a directory)
 * maps it, checks it and answers exactly as the dataset it was compiled
 * from.  A file from another format version, or damaged, is refused with
 * SR_EDATA and a message saying which.  The services of DIR/services/ are
 * not part of a compiled file: timed queries on it have no services.
 */

/* A hierarchy's metric: objective SR_BY_TIME, SR_BY_COST or SR_BY_CO2 and
 * a cargo unit.  A query whose objective and unit match a hierarchy, with
 * quantity 1, every mode, year 0, no avoided place, crossing or country,
 * no transfer limit and neither Pareto nor a departure time, is answered
 * by the hierarchy; every other query runs Dijkstra as before. */
#define SR_CH_METRIC(objective, unit) (1u << ((unsigned)(objective) * SR_UNIT_COUNT + (unsigned)(unit)))
#define SR_CH_ALL_METRICS ((1u << (3 * SR_UNIT_COUNT)) - 1u)

/* Build the hierarchies of the metrics in the mask (SR_CH_METRIC bits) on
 * net, keeping those already there.  Not thread-safe: call before the
 * network is shared between threads.  progress (may be NULL) is called
 * from this thread with the metrics done and the share of the current one
 * (done = per mille, max = 1000).  SR_EARG for a bad mask or a network
 * too large for a hierarchy (places x classes >= 2^32), SR_ENOMEM. */
sr_code sr_network_build_ch(sr_network *net, unsigned metrics, sr_progress_fn progress, void *ctx);
/* The SR_CH_METRIC bits of the hierarchies net has (0: none). */
unsigned sr_network_ch_metrics(const sr_network *net);
/* Write net, with its hierarchies, to the compiled network file path
 * (through path.tmp and a rename: never a partial file under path).  On
 * failure err (may be NULL) gets the reason.  Thread-safe on a network
 * that is not being changed.  SR_EIO, SR_ENOMEM, SR_EARG. */
sr_code sr_network_compile(const sr_network *net, const char *path, char *err, size_t errcap);
/* Did the last sr_route_query() on q use a contraction hierarchy? */
int sr_query_used_ch(const sr_query *q);


/* ---- OpenStreetMap import (src/lib/osm/, docs/DATA.md "Imported networks") ----
 * Read an OpenStreetMap extract (.osm.pbf or .osm XML) and write a dataset
 * in the documented formats into out_dir (created if missing; files of the
 * same names are replaced): railways with gauge, usage and electrification,
 * roads by class, ferries, border controls, stations; every place id is
 * OSM-N<node id>, every link id OSM-W<way id>-<piece>, and sources.csv and
 * NOTICE carry the ODbL attribution.  Two passes over the file; memory in
 * docs/PERFORMANCE.md.  Thread-safe (no shared state).  SR_EIO (file
 * missing or unwritable), SR_EDATA (not OSM data), SR_EARG, SR_ENOMEM; err
 * (may be NULL) gets the reason. */
typedef struct sr_osm_options {
    char country[3];        /* country of places no tag or neighbour places; "" = "ZZ" */
    /* Called now and then from this thread: the pass ("ways", "nodes") and
     * the elements read so far.  NULL: none. */
    void (*progress)(void *ctx, const char *pass, uint64_t elements);
    void *progress_ctx;
} sr_osm_options;

typedef struct sr_osm_stats {
    uint64_t ways[3];               /* kept railways, roads, ferries */
    uint64_t nodes_read, nodes_kept, missing_nodes;
    uint64_t places, links, crossings, crossings_untagged, transfers, gauge_changes;
    uint64_t rail_default_gauge;    /* railways without a usable gauge tag (1435 assumed) */
    uint64_t table_bytes;           /* memory of the importer's tables at the end */
} sr_osm_stats;

sr_code sr_osm_import(const char *path, const char *out_dir, const sr_osm_options *o, sr_osm_stats *st, char *err,
                      size_t errcap);

/* ---- Corridor links matched to an imported network (src/lib/osm/match.c,
 * docs/DATA.md "Matching corridor links to OpenStreetMap") ----
 * For each link of the corridor dataset in corridor_dir, both end places
 * snap to the nearest place of imported_dir (an sr_osm_import() output)
 * that has a link of the same mode (rail: the same gauge) within
 * radius_km; the shortest path by distance between them on those links
 * (one-way roads respected) is accepted when |osm_km - distance_km| <=
 * tolerance x distance_km.  out_dir (created if missing; must not be
 * corridor_dir) gets the corridor dataset with each accepted link's
 * distance_km and geometry from the OSM path and S-osm among its sources
 * (sources.csv gets the S-osm row, NOTICE the ODbL notice); every other
 * file and field is copied unchanged.  report (NULL: out_dir/
 * match_report.csv) gets one CSV row per link: matched, or why not.
 * Thread-safe (no shared state).  SR_EIO, SR_EDATA (a dataset does not
 * load; err names file:line), SR_EARG, SR_ENOMEM; err (may be NULL) gets
 * the reason. */
#define SR_MATCH_RADIUS_KM 5.0
#define SR_MATCH_TOLERANCE 0.25
typedef struct sr_match_options {
    double radius_km;       /* (0, 100]; default SR_MATCH_RADIUS_KM */
    double tolerance;       /* (0, 10], relative; default SR_MATCH_TOLERANCE */
} sr_match_options;
void sr_match_options_init(sr_match_options *o);

typedef struct sr_match_stats {
    uint64_t links, matched;
    uint64_t no_osm_lines;  /* the import has no link of the mode (gauge) */
    uint64_t end_not_found; /* an end has no imported place within the radius */
    uint64_t ends_meet;     /* both ends snap to one imported place */
    uint64_t no_path, implausible;
} sr_match_stats;

sr_code sr_osm_match(const char *corridor_dir, const char *imported_dir, const char *out_dir, const char *report,
                     const sr_match_options *o, sr_match_stats *st, char *err, size_t errcap);

/* ---- First and last mile from coordinates (src/lib/osm/mile.c) ----
 * A detailed road network (any dataset with road links, e.g. an
 * sr_osm_import() output) opened beside the corridor network carries a
 * route's first or last mile from coordinates to a corridor place.
 *
 * sr_coord_parse(): "LAT,LON" in decimal degrees, the syntax
 * sr_place_resolve() takes (two plain decimals, one comma, no spaces or
 * exponents, so a place name never reads as coordinates).  SR_OK; SR_EARG
 * for that shape out of range ("95,7"); SR_EPLACE for anything else (a
 * name).  Thread-safe. */
sr_code sr_coord_parse(const char *text, double *lat, double *lon);

typedef struct sr_detail sr_detail;
/* Open the detailed network in dir (as sr_network_open()).  Always stores
 * a handle in *out unless memory runs out; on failure it holds the reason
 * (sr_detail_errmsg()) and must still be closed.  SR_EDATA also when it
 * has no road link.  The caller owns the handle. */
sr_code sr_detail_open(const char *dir, sr_detail **out);
/* A second handle on d's detailed network for another thread: it shares
 * d's network and road arcs (read only) and has its own search scratch
 * (about 40 bytes per place of the detailed network), so that searches on
 * d and on each clone may run at the same time.  d must not be a clone
 * and must stay open until every clone is closed.  SR_EARG (d failed to
 * open, or is a clone), SR_ENOMEM.  The caller owns *out. */
sr_code sr_detail_clone(const sr_detail *d, sr_detail **out);
/* Closes d (a clone: its scratch only). */
void sr_detail_close(sr_detail *d);
/* The detailed network's size (0 for NULL).  Thread-safe. */
void sr_detail_stats(const sr_detail *d, size_t *places, size_t *links);
/* The last failure on d, "" if none.  Owned by d. */
const char *sr_detail_errmsg(const sr_detail *d);

/* A point snaps to the nearest road place of the detailed network within
 * SR_MILE_SNAP_KM; the candidates are the corridor places within
 * SR_MILE_RADIUS_KM of the point (the SR_MILE_CANDIDATES nearest), each
 * snapped the same way; one search by running time reaches them. */
#define SR_MILE_SNAP_KM 2.0
#define SR_MILE_RADIUS_KM 50.0
#define SR_MILE_CANDIDATES 8

typedef struct sr_mile {
    int last;               /* 0: first mile, point -> place; 1: last mile, place -> point */
    double lat, lon;        /* the point */
    uint32_t place;         /* the corridor place (index in the corridor network) */
    double snap_km;         /* point to the road place it starts or ends at */
    double place_snap_km;   /* corridor place to its road place */
    double distance_km, duration_h; /* on the detailed roads (the snaps not included) */
    size_t n_links;         /* detailed links driven */
    double *geom;           /* n_geom lon,lat pairs in travel order, both ends included */
    size_t n_geom;
} sr_mile;

/* The first (last == 0) or last mile between the coordinates latlon and
 * the corridor network, to the candidate place quickest by road.  On SR_OK *out is filled and owns its geometry
 * (sr_mile_clear()).  SR_EARG for text that is not valid coordinates,
 * SR_EPLACE when no road is within SR_MILE_SNAP_KM of the point or no
 * corridor place qualifies, SR_ENOROUTE when no road leads there;
 * sr_detail_errmsg(d) names the point.  One call at a time per d (it
 * holds the search's scratch); corridor is only read. */
sr_code sr_detail_mile(sr_detail *d, const sr_network *corridor, const char *latlon, int last, sr_mile *out);
/* The same for every candidate corridor place the roads reach (at most
 * max, quickest by road first; *n of them stored, each to be cleared):
 * for a caller that picks the candidate whose mile and corridor route
 * together are best, as route --detail does. */
sr_code sr_detail_miles(sr_detail *d, const sr_network *corridor, const char *latlon, int last, sr_mile *out,
                        size_t max, size_t *n);
void sr_mile_clear(sr_mile *m);
/* The mile as a JSON object {"mode":"road","from","to","distance_km",
 * "duration_h","snap_km","place_snap_km","links","geometry"} (a GeoJSON
 * LineString); the point end is {"lat","lon"}, the place end {"id",
 * "name"}.  malloc()ed (sr_free()); NULL out of memory.  Thread-safe. */
char *sr_mile_json(const sr_network *corridor, const sr_mile *m);

/* ---- A route with its first and last mile (src/lib/query/miles.c) ----
 * What `route FROM TO --detail DIR` and the server's /v1/route answer when
 * an end is given as coordinates. */
typedef struct sr_miles {
    /* In: the names of the two ends in messages; NULL: "from", "to". */
    const char *label[2];
    /* Out: the first (0) and last (1) mile, where have[e]. */
    sr_mile mile[2];
    int have[2];
    /* Out: 1 when the answer (or failure) is the corridor route's, to be
     * explained by sr_route_error_json(); 0 when the query failed at a
     * mile or needs no corridor route (sr_query_errmsg() says why). */
    int routed;
} sr_miles;

/* Does this end need a mile?  1 when text is coordinates (in range or
 * not: out of range is an error of sr_route_query_miles()), 0 for a
 * place id or name.  Thread-safe. */
int sr_is_coords(const char *text);

/* The route of o with each end given as coordinates driven on the detailed
 * network d to a corridor place: for every pair of candidate places
 * (sr_detail_miles(), a named end is its one place) the corridor route is
 * searched, and the pair whose miles and route together are best by o's
 * objective is kept (the miles count in time only: they have no tariff or
 * CO2e model).  All the searches draw from one work budget, q's
 * (sr_query_set_budget()).  o is static (no depart, arrive_by or window:
 * SR_EARG).  On return o->from and o->to name the corridor places routed
 * between (ids owned by q's network; the ends as given otherwise), so
 * that sr_route_error_json(q, o, ...) explains a failed route.  On SR_OK
 * *res is the corridor route and m->mile[e] is filled where m->have[e]
 * (sr_miles_clear()).  Errors, with sr_query_errmsg(q) naming the end
 * ("from: 95,7: ..."): SR_EARG (coordinates out of range; both ends
 * nearer by road through one place than by any corridor route), SR_EPLACE
 * (no road within SR_MILE_SNAP_KM, no corridor place near), SR_ENOROUTE,
 * SR_ELIMIT and every error of sr_route_query().  Thread rules: q's and
 * d's (one call at a time on each; sr_detail_clone() for more threads);
 * d NULL: as sr_route_query(). */
sr_code sr_route_query_miles(sr_query *q, sr_detail *d, sr_route_options *o, sr_result **res, sr_miles *m);
void sr_miles_clear(sr_miles *m);
/* sr_result_json(net, res, flags) with "first_mile" and "last_mile"
 * (sr_mile_json()) and "door_to_door" (per route option, in the order of
 * "routes": {"distance_km","duration_h"} of route and miles together)
 * added before its closing brace; every other byte is sr_result_json()'s.
 * Without any mile, sr_result_json() itself.  malloc()ed (sr_free());
 * NULL out of memory.  Thread-safe. */
char *sr_result_json_miles(const sr_network *net, const sr_result *res, unsigned flags, const sr_miles *m);

#ifdef __cplusplus
}
#endif
#endif /* SILKROUTE_H */
