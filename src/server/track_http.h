/*
 * track_http.h - the tracking API of `silkroute serve` (docs/API.md,
 * "Tracking"): shipments and their events under /v1/shipments and
 * /v1/events, behind bearer tokens with reader and writer roles and a
 * per-token rate limit.  server.c hands such requests here and sends the
 * reply; nothing here touches libmicrohttpd.
 */
#ifndef SR_TRACK_HTTP_H
#define SR_TRACK_HTTP_H

#include <stddef.h>

#include "request.h"
#include "silkroute.h"

typedef struct sr__track sr__track;

typedef struct sr__track_reply {
    int status;
    char *body;           /* malloc()ed JSON */
    int www_authenticate; /* 401: add WWW-Authenticate: Bearer */
    int retry_after_s;    /* 429: add Retry-After */
} sr__track_reply;

/* Open the tracking side on store `uri` (checked by opening it once).
 * Returns NULL with a message in err. */
sr__track *sr__track_create(const char *uri, const sr_network *net, char *err, size_t errcap);
/* Free every per-thread store handle; call after the daemon stopped. */
void sr__track_destroy(sr__track *t);
/* Whether path belongs to the tracking API. */
int sr__track_path(const char *path);
/* Handle one request.  auth: the Authorization header or NULL.  t may be
 * NULL (no --store): then every tracking request gets a 404 saying so. */
void sr__track_handle(sr__track *t, const char *method, const sr__target *tg, const char *auth, const char *body,
                      size_t len, sr__track_reply *out);

/* GET /v1/stream (Server-Sent Events): check the token (reader) and the
 * starting point (after_eta, after_alert from the parameters or the
 * Last-Event-ID header "ETA.ALERT").  0 when the stream may start (the
 * caller then calls sr__track_stream_end() when it ends); else the reply
 * is set. */
int sr__track_stream_open(sr__track *t, const sr__target *tg, const char *auth, const char *last_event_id,
                          int64_t *after_eta, int64_t *after_alert, sr__track_reply *out);
/* The SSE text of the changes after the ids (which advance), malloc()ed,
 * or NULL when there is nothing new.  On the stream's own thread. */
char *sr__track_stream_next(sr__track *t, int64_t *after_eta, int64_t *after_alert);
void sr__track_stream_end(sr__track *t);

#endif
