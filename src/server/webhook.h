/*
 * webhook.h - the alert timer and webhook sender of `silkroute serve`
 * (webhook.c): a thread that, every interval, runs the missing-milestone
 * check of the tracking store and posts due alert deliveries to their
 * webhooks, signed with HMAC-SHA256, retrying failures with backoff.
 */
#ifndef SR_WEBHOOK_H
#define SR_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

typedef struct sr__alerter sr__alerter;

typedef struct sr__alerter_config {
    const char *store;        /* store URI */
    unsigned interval_ms;     /* timer period; default 60000 */
    int64_t margin_s;         /* milestone margin; default 12 h */
    unsigned max_attempts;    /* deliveries given up after this many; default 10 */
} sr__alerter_config;

/* Start the thread; NULL with a message in err. */
sr__alerter *sr__alerter_start(const sr__alerter_config *cfg, char *err, size_t errcap);
/* Stop it (waits for the current round) and free it.  NULL is allowed. */
void sr__alerter_stop(sr__alerter *a);

/* The signature header value of body at time t with secret:
 * "t=<t>,v1=<hex HMAC-SHA256 of "<t>.<body>">" into out (cap >= 96). */
int sr__webhook_sign(const char *secret, long long t, const char *body, char *out, size_t cap);
/* Seconds until the next attempt after `attempts` failed ones: 1, 2, 4, ...
 * up to one hour. */
long sr__webhook_backoff_s(int attempts);

#endif
