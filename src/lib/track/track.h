/*
 * track.h - internals of the tracking store shared by its files: the store
 * handle, error helpers and the model checks (model.c).
 */
#ifndef SR_TRACK_H
#define SR_TRACK_H

#include <stdarg.h>

#include "db.h"
#include "silkroute.h"

struct sr__plan_cache;

struct sr_store {
    sr__db *db;
    int version;
    int64_t clock; /* SR_TIME_NONE: system clock */
    char err[1024];
    struct sr__plan_cache *plans; /* parsed plans by shipment (ship.c); NULL until used */
};

/* Free the handle's plan cache (ship.c). */
void sr__plan_cache_free(struct sr__plan_cache *c);

/* Set st's message; returns code. */
sr_code sr__st_fail(sr_store *st, sr_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Map a backend failure to a code and message ("what: backend message"). */
sr_code sr__st_dbfail(sr_store *st, int rc, const char *what);
int64_t sr__st_now(const sr_store *st);

/* The earliest and latest event times accepted, relative to now. */
#define SR__EV_MIN_TIME 946684800LL       /* 2000-01-01T00:00Z */
#define SR__EV_MAX_AHEAD (366LL * 86400)  /* PLN/EST up to a year ahead */
#define SR__EV_ACT_SKEW 3600LL            /* ACT at most an hour ahead (clock skew) */
#define SR__EV_BEFORE_READY (7LL * 86400) /* events up to a week before ready */

/* A reference or token name: 1..64 of [A-Za-z0-9._/-]. */
int sr__ref_valid(const char *s);
/* "text" is valid UTF-8 without control characters other than \n and \t,
 * at most max bytes. */
int sr__text_valid(const char *s, size_t max);
/* Whether an event of this type marks leaving a place (its plan basis is
 * the planned departure) rather than reaching it. */
int sr__event_departs(sr_event_type t);

/* Parse JSON events (an object or {"events":[...]}) into ev[] (*n set);
 * strings point into *hold, a jansson tree the caller frees with
 * sr__events_json_free().  Returns SR_OK, SR_EARG or SR_ELIMIT with the
 * message in err naming the field. */
sr_code sr__events_from_json(const char *json, size_t len, sr_event *ev, size_t max, size_t *n, void **hold,
                             char *err, size_t errcap);
void sr__events_json_free(void *hold);

/* Check and store n events inside the caller's open write transaction
 * (ship.c): SR_OK, or the first failure with st->err naming the field;
 * the caller rolls back.  *retry: a concurrent writer took a key first,
 * and running the events again (after the rollback) finds its event. */
sr_code sr__events_post_tx(sr_store *st, const sr_network *net, const sr_event *ev, size_t n, int64_t *ids, int *dup,
                           int *retry);
/* Parse JSON events (sr__events_from_json) and give them the request's
 * shipment and source; the message names the field. */
sr_code sr__events_json_prepare(const char *json, size_t len, const char *shipment, const char *source, sr_event *ev,
                                size_t *n, void **hold, char *err, size_t errcap);
/* The answer to a post: {"code":"Ok","events":[{"id":..,"duplicate":..}]};
 * malloc()ed, NULL when out of memory. */
char *sr__events_answer(const int64_t *ids, const int *dup, size_t n);

/* Raise an alert of shipment sid once per (kind, milestone) and queue it
 * for every live webhook; inside the caller's transaction (alert.c). */
int sr__alert_raise(sr_store *st, int64_t sid, const char *kind, const char *milestone, const char *message);

#endif
