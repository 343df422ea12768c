/*
 * search.h - the internal entry points of the time-dependent search
 * (search.c), used by the public wrappers (api.c), the router's dispatch
 * and the tests.  A plan is a validated query: places resolved, filters
 * built, times in UTC.
 */
#ifndef SR_TT_SEARCH_H
#define SR_TT_SEARCH_H

#include "timetable/tt.h"

typedef struct sr__tt_plan {
    const struct sr_timetable *tt;   /* its net (may be NULL) gives the links */
    uint32_t from, to;               /* place indices */
    unsigned modes;
    int year;
    sr_unit unit;
    double qty;
    int pareto;
    int min_transfer_s;
    int64_t depart, arrive_by, window_s;  /* SR_TIME_NONE / 0 when not given */
    size_t max_labels;
    int max_transfers;               /* -1: unlimited; else at most this many transfers */
    const uint8_t *banned_place;     /* n_places or NULL */
    const uint8_t *banned_crossing;  /* n_crossings or NULL */
    struct sr__budget *budget;       /* shared by every search of the query; NULL: none */
    /* The document rules (documents/): their time and cost are added to
     * the steps that carry them, and routes list them.  NULL: none. */
    const struct sr__doc_query *doc;
} sr__tt_plan;

/* Run a timetabled query.  On SR_OK *out holds the routes (timed), sorted
 * by departure; else err explains. */
sr_code sr__tt_search(const sr__tt_plan *p, sr_result **out, char *err, size_t errcap);
/* Earliest arrival only (tests, benchmarks): SR_TIME_NONE when none within
 * the search horizon. */
sr_code sr__tt_earliest(const struct sr_timetable *tt, uint32_t from, uint32_t to, int64_t t0,
                        int min_transfer_s, int64_t *arrival);
/* The same under a set of modes (SR_MODE_BIT()s): the tracking store's
 * ETA asks when a scheduled leg's next service arrives (track/ship.c). */
sr_code sr__tt_earliest_modes(const struct sr_timetable *tt, uint32_t from, uint32_t to, int64_t t0, unsigned modes,
                              int min_transfer_s, int64_t *arrival);

#endif
