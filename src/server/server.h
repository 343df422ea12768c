/*
 * server.h - the HTTP server of `silkroute serve`: a libmicrohttpd daemon
 * in thread-pool mode over one shared, read-only sr_network.
 *
 * The server is a library-free layer of its own (no main(), no signals) so
 * that tests can start one on an ephemeral loopback port, talk to it over
 * real sockets and stop it (tests/test_server_http.c).  cmd_serve.c adds
 * the command line, signals and graceful shutdown.
 *
 * Threads: every pool thread lazily creates its own sr_query on first use;
 * the server keeps a list of them and destroys them after the daemon has
 * stopped, so no query outlives its network.
 */
#ifndef SR_SERVER_H
#define SR_SERVER_H

#include <stdint.h>
#include <stdio.h>

#include "silkroute.h"

typedef struct sr__server_config {
    const char *bind;          /* numeric IPv4 or IPv6 address; default 127.0.0.1 */
    int port;                  /* 0: an ephemeral port (see sr__server_port) */
    unsigned threads;          /* pool size; 0: number of CPUs */
    const char *web_dir;       /* static files served at /; NULL: none */
    unsigned max_connections;  /* default 1024; connections over it are refused (closed) */
    unsigned max_per_address;  /* connections from one client address; default 64 */
    unsigned timeout_s;        /* idle time before a connection is closed; default 30 */
    unsigned max_request_s;    /* longest a request may take from its first byte to the
                                * end of its answer (slow clients); default 60 */
    FILE *access_log;          /* one line per request; NULL: none */
    long route_cache;          /* bytes of /v1/route answers cached (cache.h); 0: 64 MiB, -1: none
                                * (-1 also turns off the analysis answers' cache) */
    unsigned max_query_s;      /* time budget of one route query; default 20 (below max_request_s) */
    uint64_t max_work;         /* work budget of one route query in labels; 0: the library's default */
    const char *store;         /* tracking store (track_http.h); NULL: tracking off */
    unsigned alert_interval_ms; /* alert timer and webhook sender period (webhook.h); default 60000 */
    long milestone_margin_s;   /* a milestone is missing this long after its time; default 12 h */
    unsigned analysis_jobs;    /* assignment computations at once (analysis.h); 0: 2 */
    const sr_detail *detail;   /* detailed road network for first and last miles (sr_detail_open(),
                                * must outlive the server; each worker clones it); NULL: none */
} sr__server_config;

typedef struct sr__server sr__server;

/* Start serving `net` (which must outlive the server).  Returns 0 and the
 * server in *out, or -1 with a message in err. */
int sr__server_start(const sr_network *net, const sr__server_config *cfg, sr__server **out, char *err,
                     size_t errlen);
/* The TCP port the server listens on. */
int sr__server_port(const sr__server *s);
/* Stop accepting connections, wait up to grace_ms for requests in flight
 * to finish, then cancel the route queries still running (they answer 503)
 * and, after at most one more second, stop the threads and free
 * everything: the whole stop takes at most grace_ms plus about a second. */
void sr__server_stop(sr__server *s, int grace_ms);

#endif
