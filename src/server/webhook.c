/*
 * webhook.c - the alert timer and webhook sender of `silkroute serve`.
 *
 * One thread with its own store handle.  Every second it takes the
 * store's WAL checkpoint, which the request threads defer to it.  Every
 * interval it runs
 * sr_alerts_check() (milestones that passed their time plus the margin
 * without an event: checked by the clock, not only when events arrive),
 * then takes the due deliveries of the store's outbox and POSTs each alert
 * as JSON to its webhook over plain HTTP/1.1 with
 *   X-Silkroute-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 * (the receiver recomputes the HMAC and rejects old timestamps).  A 2xx
 * answer marks the delivery done; anything else is retried after 1, 2, 4,
 * ... seconds (at most an hour) until max_attempts.  Every socket has a 5 s
 * timeout, so one dead receiver cannot stall the round for long.
 */
#include <netdb.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "silkroute.h"
#include "webhook.h"

struct sr__alerter {
    sr__alerter_config cfg;
    char *uri;
    pthread_t th;
    atomic_int stop;
};

int sr__webhook_sign(const char *secret, long long t, const char *body, char *out, size_t cap)
{
    size_t bl = strlen(body);
    char *msg = malloc(bl + 32);
    if (!msg)
        return -1;
    int n = snprintf(msg, bl + 32, "%lld.", t);
    memcpy(msg + n, body, bl);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    unsigned char *r = HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)msg, (size_t)n + bl, md, &mdlen);
    free(msg);
    if (!r || mdlen != 32 || cap < 96)
        return -1;
    int k = snprintf(out, cap, "t=%lld,v1=", t);
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(out + k + 2 * i, 3, "%02x", md[i]);
    return 0;
}

long sr__webhook_backoff_s(int attempts)
{
    long s = 1;
    for (int i = 0; i < attempts && s < 3600; i++)
        s *= 2;
    return s > 3600 ? 3600 : s;
}

/* POST body to an http:// URL; 0 on a 2xx answer, else -1 with err. */
static int post(const char *url, const char *sig, const char *body, char *err, size_t cap)
{
    char host[256], port[8] = "80";
    const char *p = url + 7, *slash = strchr(p, '/'), *colon;
    size_t hl = slash ? (size_t)(slash - p) : strlen(p);
    const char *path = slash ? slash : "/";
    if (hl == 0 || hl >= sizeof host) {
        snprintf(err, cap, "bad URL");
        return -1;
    }
    memcpy(host, p, hl);
    host[hl] = '\0';
    if ((colon = strrchr(host, ':')) && !strchr(colon, ']')) {
        snprintf(port, sizeof port, "%.6s", colon + 1);
        *(char *)colon = '\0';
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (getaddrinfo(host, port, &hints, &ai) || !ai) {
        snprintf(err, cap, "cannot resolve %.100s", host);
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM, 0);
    struct timeval tv = {5, 0};
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
        freeaddrinfo(ai);
        if (fd >= 0)
            close(fd);
        snprintf(err, cap, "cannot connect to %.100s:%s", host, port);
        return -1;
    }
    freeaddrinfo(ai);
    size_t bl = strlen(body);
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: silkroute/" SR_VERSION
                     "\r\nContent-Type: application/json\r\nX-Silkroute-Signature: %s\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     path, host, sig, bl);
    int ok = n > 0 && (size_t)n < sizeof head && send(fd, head, (size_t)n, MSG_NOSIGNAL) == n &&
             send(fd, body, bl, MSG_NOSIGNAL) == (ssize_t)bl;
    char resp[64] = "";
    ssize_t got = ok ? recv(fd, resp, sizeof resp - 1, 0) : -1;
    close(fd);
    int status = 0;
    if (got > 0) {
        resp[got] = '\0';
        sscanf(resp, "HTTP/1.%*d %d", &status);
    }
    if (status >= 200 && status < 300)
        return 0;
    snprintf(err, cap, status ? "answered %d" : "no answer", status);
    return -1;
}

static void round_once(sr__alerter *a, sr_store *st)
{
    sr_alerts_check(st, a->cfg.margin_s, NULL);
    sr_delivery *d = NULL;
    size_t n = 0;
    if (sr_deliveries_due(st, 100, &d, &n) != SR_OK)
        return;
    for (size_t i = 0; i < n && !atomic_load(&a->stop); i++) {
        char sig[128], err[160] = "";
        long long now = (long long)time(NULL);
        int ok = d[i].body && !sr__webhook_sign(d[i].secret, now, d[i].body, sig, sizeof sig) &&
                 !post(d[i].url, sig, d[i].body, err, sizeof err);
        int64_t retry = (unsigned)(d[i].attempts + 1) >= a->cfg.max_attempts
                            ? SR_TIME_NONE
                            : (int64_t)now + sr__webhook_backoff_s(d[i].attempts);
        sr_delivery_done(st, d[i].id, ok, err, retry);
    }
    sr_deliveries_free(d, n);
}

static void *main_loop(void *arg)
{
    sr__alerter *a = arg;
    sr_store *st = NULL;
    if (sr_store_open(a->uri, &st) != SR_OK) {
        sr_store_close(st);
        return NULL;
    }
    /* The alert round every interval; the store's WAL checkpoint (deferred
     * by the request threads) every second in between. */
    while (!atomic_load(&a->stop)) {
        round_once(a, st);
        for (unsigned waited = 0; waited < a->cfg.interval_ms && !atomic_load(&a->stop); waited += 20) {
            if (waited % 1000 == 0)
                sr_store_checkpoint(st);
            nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
        }
    }
    sr_store_close(st);
    return NULL;
}

sr__alerter *sr__alerter_start(const sr__alerter_config *cfg, char *err, size_t errcap)
{
    sr__alerter *a = calloc(1, sizeof *a);
    if (!a || !(a->uri = strdup(cfg->store))) {
        free(a);
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    a->cfg = *cfg;
    if (!a->cfg.interval_ms)
        a->cfg.interval_ms = 60000;
    if (!a->cfg.margin_s)
        a->cfg.margin_s = 12 * 3600;
    if (!a->cfg.max_attempts)
        a->cfg.max_attempts = 10;
    atomic_init(&a->stop, 0);
    if (pthread_create(&a->th, NULL, main_loop, a)) {
        free(a->uri);
        free(a);
        snprintf(err, errcap, "cannot start the alert thread");
        return NULL;
    }
    return a;
}

void sr__alerter_stop(sr__alerter *a)
{
    if (!a)
        return;
    atomic_store(&a->stop, 1);
    pthread_join(a->th, NULL);
    free(a->uri);
    free(a);
}
