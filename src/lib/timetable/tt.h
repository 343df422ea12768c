/*
 * tt.h - the internal layout of sr_timetable (scheduled services read from
 * GTFS), the time-zone tables, and the internal entry points of the
 * time-dependent search.  Shared by the GTFS loader (gtfs.c), the zone
 * reader (tz.c), the opening-hours logic (hours.c), the search (search.c)
 * and the public wrappers (api.c), and by the tests.
 *
 * Why this shape: a timetable is loaded once and then only read, by many
 * threads.  Trips keep their stop times once, relative to the start of
 * their service day, and a service's running days are one bitfield over the
 * calendar's range, so memory grows with the number of distinct trips and
 * not with the number of days they run (a year of calendar is 46 bytes per
 * service).  Trips expanded from frequencies.txt share the stop times of
 * their template and only carry a shift.  Times inside are seconds in UTC
 * (int64_t since 1970); local times appear only at the edges (parsing,
 * printing, service-day starts, opening hours).
 */
#ifndef SR_TT_H
#define SR_TT_H

#include <stdint.h>

#include "silkroute.h"
#include "core/util.h"

struct sr_network;

/* Limits: each is checked and reported with a file:line message. */
#define SR__TT_MAX_DAYS 3700          /* calendar range (about ten years) */
#define SR__TT_MAX_TRIPS 2000000      /* after expanding frequencies */
#define SR__TT_MAX_STOP_TIMES 20000000
#define SR__TT_MAX_STOPS 1000000
#define SR__TT_MAX_HOURS 999          /* stop_times hours field (trips of weeks) */
#define SR__TT_MAX_ZONES 256

#define SR__DAY 86400

/* ---- Time zones (tz.c) -------------------------------------------------- */

/* One zone as a sorted list of UTC transitions.  Transitions past the last
 * one in the TZif file are generated from its POSIX footer rule up to 2100,
 * so a lookup is one binary search and needs no further rule logic. */
typedef struct sr__tz {
    char name[64];
    uint32_t n;
    int64_t *at;     /* n transition instants, ascending */
    int32_t *off;    /* UTC offset in seconds from at[i] on */
    int32_t off0;    /* offset before at[0] */
} sr__tz;

/* Load zone `name` from the system tz database (TZDIR or
 * /usr/share/zoneinfo) into z.  "UTC"/"Etc/UTC" and fixed "+HH:MM" offsets
 * need no file.  Returns 0, or -1 with a message in err. */
int sr__tz_load(sr__tz *z, const char *name, char *err, size_t errcap);
/* Parse TZif bytes (for the fuzzer and tests). */
int sr__tz_parse(sr__tz *z, const unsigned char *buf, size_t len, char *err, size_t errcap);
void sr__tz_free(sr__tz *z);
/* UTC offset in seconds at the UTC instant t. */
int32_t sr__tz_offset(const sr__tz *z, int64_t t);
/* UTC instant of the local wall-clock time `local` (seconds since
 * 1970-01-01T00:00 local).  In a gap or overlap the earlier offset wins. */
int64_t sr__tz_to_utc(const sr__tz *z, int64_t local);

/* Civil date helpers (proleptic Gregorian). */
int64_t sr__days_from_civil(int y, int m, int d);
void sr__civil_from_days(int64_t z, int *y, int *m, int *d);
/* Parse YYYYMMDD into days since 1970-01-01; -1 on error (strict). */
int sr__parse_yyyymmdd(const char *s, int64_t *days);

/* ---- Opening hours of crossings and terminals (hours.c) ----------------- */

typedef struct sr__hours {
    uint8_t always;      /* open at all times (no restriction given) */
    uint8_t days;        /* bit 0 Monday .. bit 6 Sunday */
    int32_t open_s, close_s; /* local seconds of day; close <= open: past midnight */
    uint8_t has_season;
    uint16_t season_from, season_to; /* month*100+day, inclusive, may wrap */
    int16_t zone;        /* index into the timetable's zones; -1: UTC */
} sr__hours;

/* Parse open_days ("daily", "Mon;Tue", "Mon-Fri"), open_hours ("24h",
 * "HH:MM-HH:MM") and open_season ("MM-DD..MM-DD"); "" means unrestricted.
 * Returns 0, or -1 with a message naming the bad field in err. */
int sr__hours_parse(sr__hours *h, const char *days, const char *hours, const char *season, char *err,
                    size_t errcap);
/* Earliest instant >= t at which the place is open; INT64_MAX if never
 * within a year and a day. */
int64_t sr__hours_next_open(const sr__hours *h, const sr__tz *z, int64_t t);
/* First instant after t at which it is closed, for t in an open window
 * (t itself when closed at t; INT64_MAX when it never closes). */
int64_t sr__hours_open_until(const sr__hours *h, const sr__tz *z, int64_t t);
/* Latest instant <= t at which it is open; INT64_MIN if none in that span. */
int64_t sr__hours_prev_open(const sr__hours *h, const sr__tz *z, int64_t t);

/* ---- The timetable ------------------------------------------------------ */

/* A border crossed or a gauge changed on board a scheduled service. */
enum { SR__VIA_BORDER = 0, SR__VIA_GAUGE = 1 };
typedef struct sr__via {
    uint8_t kind;
    int32_t crossing;         /* SR__VIA_BORDER: crossing index, -1 none */
    uint32_t at;              /* place: entry post of the border, or where the gauge changes */
    uint8_t from_cls, to_cls; /* SR__VIA_GAUGE */
    char from_country[3], to_country[3];
    /* The network step it is, for the document rules (documents/): the
     * border arc in the direction of travel, or n_arcs + the transfer row of
     * the gauge change at `at`; UINT32_MAX when the network has none. */
    uint32_t step;
} sr__via;

typedef struct sr__route {
    const char *id, *short_name, *long_name;
    uint32_t agency;
    int route_type;           /* GTFS route_type */
    uint8_t mode;             /* sr_mode */
    uint8_t cls;              /* sr_class */
    uint8_t units;            /* bit u: cargo unit u accepted (default all) */
    double capacity_teu;      /* 0: unknown */
    double price_usd[SR_UNIT_COUNT]; /* per unit for the whole trip; <0 unknown */
    double co2e_kg_per_tkm;   /* <0: the network's mode value */
    int assumed;              /* 1: frequency is a modelling assumption */
    const char *source;       /* source id, "" when none */
} sr__route;

struct sr_timetable {
    char errmsg[1024];
    char *dir;
    sr__arena arena;
    const struct sr_network *net;  /* borrowed, may be NULL */

    uint32_t n_zones;
    sr__tz *zones;

    uint32_t n_agencies;
    const char **agency_id;
    uint16_t *agency_zone;

    uint32_t n_stops;
    const char **stop_id, **stop_name;
    double *stop_lat, *stop_lon;
    uint16_t *stop_zone;      /* stop_timezone, else the first agency's zone */
    int32_t *stop_min_xfer;   /* transfers.txt type 2 at the same stop; -1 none */
    uint32_t *stop_place;     /* place index (network place, or the stop itself);
                                 UINT32_MAX: matches no place, skipped */
    uint32_t n_unmatched;     /* stops matching no network place */

    uint32_t n_services;
    const char **service_id;
    int64_t day0;             /* days since 1970 of bit 0 */
    uint32_t n_days, words;   /* bits per service, 64-bit words per service */
    uint64_t *service_days;   /* n_services * words */

    uint32_t n_routes;
    sr__route *routes;

    uint32_t n_trips;
    const char **trip_id;
    uint32_t *trip_route, *trip_service;
    uint32_t *trip_st;        /* first stop time of trip k */
    uint16_t *trip_len;       /* number of stop times */
    int32_t *trip_shift;      /* seconds added to its stop times (frequencies) */
    uint16_t *trip_zone;      /* zone of its service day (the agency's) */

    uint32_t n_st;
    uint32_t *st_stop;
    int32_t *st_arr, *st_dep; /* seconds after service-day start (noon - 12h) */
    float *st_km;             /* cumulative distance along the trip */
    int32_t max_trip_s;       /* the longest time after day start any trip reaches */

    /* The places the search runs on, and the trips leaving each of them. */
    uint32_t n_places;
    int16_t *place_zone;      /* zone of each place for printing, -1 unknown */
    uint32_t *ev_off;         /* n_places + 1 */
    uint32_t *ev_trip;
    uint16_t *ev_pos;

    /* Terminal opening hours and handling dwell per place (terminals.txt),
     * NULL when the feed has none: cargo is handed in only while the
     * terminal is open, and dwell_s before a scheduled departure. */
    sr__hours *place_hours;
    int32_t *place_dwell_s;
    /* Opening hours of network crossings (index = crossing), NULL without. */
    sr__hours *cross_hours;
    /* Links replaced by a schedule (sea/air links whose both ends a trip of
     * that mode serves): not used continuously.  NULL without network. */
    uint8_t *link_scheduled;
    /* What a trip passes between stop time s and s + 1 (via.c): events
     * via[st_via_off[s] .. + st_via_len[s]].  NULL without a network. */
    uint32_t *st_via_off, *st_via_len;
    uint16_t *st_via_g0, *st_via_g1;  /* gauge of the first and last link between s and s + 1, 0 unknown */
    uint32_t *st_via_a0;              /* first arc of the path between s and s + 1, UINT32_MAX unknown */
    struct sr__via *via;
    uint32_t n_via;
};

/* Is service s running on day d (days since 1970)? */
static inline int sr__tt_runs(const struct sr_timetable *tt, uint32_t s, int64_t d)
{
    int64_t i = d - tt->day0;
    if (i < 0 || i >= (int64_t)tt->n_days)
        return 0;
    return (int)((tt->service_days[(size_t)s * tt->words + (size_t)(i >> 6)] >> (i & 63)) & 1u);
}

/* UTC start of service day d (local noon minus 12 h) in zone z. */
int64_t sr__tt_day_start(const struct sr_timetable *tt, uint32_t zone, int64_t d);

/* gtfs.c: load the feed in dir.  Errors "stop_times.txt:12: arrival_time:
 * ...".  net may be NULL (then the places are the stops). */
sr_code sr__gtfs_load(struct sr_timetable *tt, const char *dir, const struct sr_network *net);
/* Load from in-memory files (fuzzer, tests): names[i] -> bufs[i]. */
sr_code sr__gtfs_load_mem(struct sr_timetable *tt, const struct sr_network *net, size_t n,
                          const char *const *names, const char *const *bufs, const size_t *lens);
void sr__tt_free(struct sr_timetable *tt);
/* via.c: the borders and gauge changes between consecutive stops. */
sr_code sr__tt_build_via(struct sr_timetable *tt, const struct sr_network *net);
/* The transfer row of a change of class at a place as a step number
 * (n_arcs + row) for the document rules, UINT32_MAX when there is none. */
uint32_t sr__tt_gauge_step(const struct sr_network *net, uint32_t at, int from_cls, int to_cls);
/* Index of a zone, loading it on first use; -1 with tt->errmsg set. */
int sr__tt_zone(struct sr_timetable *tt, const char *name);
/* Index of a stop by stop_id, or -1. */
long sr__tt_stop_find(const struct sr_timetable *tt, const char *id);

/* api.c: hooks for the network and the router. */
/* Is dir a bare GTFS feed (stops.txt, no places.csv)? */
int sr__is_gtfs_feed(const char *dir);
/* Build the network of a bare feed: its stops as places, no links. */
sr_code sr__network_from_gtfs(struct sr_network *net, const char *dir);
/* Load DIR/services/ (or the bare feed, or nothing) into net->timetable. */
sr_code sr__tt_attach(struct sr_network *net);
void sr__tt_detach(struct sr_network *net);
/* A route query with depart/arrive_by set, after the query layer
 * (query/plan.c) has resolved the places, built the avoid filters and
 * started the query's work budget (NULL: none), which all the searches of
 * the query share. */
struct sr__budget;
sr_code sr__tt_route_query(const struct sr_network *net, const sr_route_options *o, uint32_t from, uint32_t to,
                           const uint8_t *banned_place, const uint8_t *banned_crossing, struct sr__budget *budget,
                           sr_result **out, char *err, size_t errcap);

#endif
