/*
 * obs.h - one published observation of observations.csv (obs.c), as the
 * calibration (fit.c) uses it.
 */
#ifndef SR_OBS_H
#define SR_OBS_H

#include "network/network.h"

#define SR__OBS_MAX 100000
#define SR__OBS_MAX_VIA 4

enum { SR__OBS_ROUTE = 0, SR__OBS_CROSSING = 1, SR__OBS_TRANSFER = 2, SR__OBS_TRAINS = 3 };
/* A border survey usually times one country's side of a crossing: the
 * exit formalities of the country left or the entry formalities of the
 * country entered (CAREC CPMM reports outbound and inbound times per
 * reporting country); the crossing's dwell is the sum of its two sides. */
enum { SR__SIDE_WHOLE = 0, SR__SIDE_EXIT = 1, SR__SIDE_ENTRY = 2 };
enum { SR__KIND_AVERAGE = 0, SR__KIND_SCHEDULED, SR__KIND_RECORD, SR__KIND_PILOT, SR__KIND_SURVEY, SR__KIND_TRACKED };

typedef struct sr__obs {
    char id[64];
    long line;
    int subject, kind;
    long origin, destination;       /* place indices, -1 */
    uint32_t via[SR__OBS_MAX_VIA];
    int n_via;
    unsigned modes;
    char avoid[8][3];
    int n_avoid;
    char avoid_ids[8][64];          /* avoided places or crossings (ids) */
    int n_avoid_ids;
    long crossing;                  /* -1 */
    int dirs;                       /* bit 0 a-b, bit 1 b-a */
    int side;                       /* SR__SIDE_*: the whole crossing, or one country's side of it */
    long place;                     /* transfer place, -1 */
    int from_class, to_class;
    int period_from, period_to;
    double distance_km, time_min_h, time_h, time_max_h, p90_h, price_usd, count;
    int has_min, has_max, has_p90;
    int unit;                       /* -1 */
} sr__obs;

/* Read and validate path (display names it in messages).  Rows with errors
 * are reported to d and left out.  *out is malloc()ed. */
int sr__obs_read(const sr_network *net, const char *path, const char *display, sr__obs **out, size_t *n_out,
                 sr__diag *d);
const char *sr__obs_kind_name(int k);
const char *sr__obs_subject_name(int s);

#endif
