/*
 * server.c - the HTTP JSON API and static file server of `silkroute serve`
 * (see server.h), on libmicrohttpd in thread-pool mode.
 *
 * Each request gets a small context (struct req) created by the URI-log
 * callback, which is the one place libmicrohttpd shows the raw request
 * target: we parse it ourselves (request.c) so that bad escapes, bad UTF-8
 * and repeated parameters are answered with a JSON 400 naming the problem
 * instead of being silently "fixed".  The context also carries the body of
 * a POST (capped), the status and size for the access log, and is freed by
 * the completion callback, which writes the log line.
 *
 * Endpoints (docs/API.md, src/server/openapi.json):
 *   GET|POST /v1/route, GET /v1/places, GET /v1/places/{id},
 *   GET /v1/network, GET /v1/pipelines (pipelines.c), GET /v1/health, GET /v1/openapi.json, GET /... files,
 *   and the analysis endpoints of analysis.c (/v1/assign..., /v1/reach,
 *   /v1/matrix, /v1/scenarios).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "cache.h"
#include "http_cache.h"
#include "pipelines.h"
#include "request.h"
#include "server.h"
#include "track_http.h"
#include "webhook.h"

/* The OpenAPI document, generated from src/server/openapi.json by make. */
extern const char sr__openapi_json[];

#define MAX_PLACES_LIMIT 100

typedef struct qnode {
    sr_query *q;        /* NULL in a node that holds a detail clone */
    sr_detail *d;
    struct qnode *next;
} qnode;

/* Per-request time cap.  libmicrohttpd's timeout counts idle time only, so
 * a client that sends one byte every few seconds could hold a connection
 * for ever.  Every connection gets a slot with the time its current request
 * began: the connection's opening for its first request; on a keep-alive
 * connection, the first byte of the next request (seen waiting on the
 * socket by the watchdog) or its request line (on_uri), whichever comes
 * first, so idle time between requests never counts.  A watchdog thread
 * cancels the route query of any request that has run longer than
 * max_request_s and shuts its socket down; libmicrohttpd then closes it as
 * it would a dropped client, and the access log says "cut".  Slots are freed
 * in the CLOSED notification, which libmicrohttpd sends before it closes the
 * socket, and the watchdog only touches sockets under the same lock, so it
 * never hits a descriptor that was closed and reused.
 *
 * The slots also count connections in all and per client address, so that
 * connections over the limits are refused at once (closed) instead of
 * waiting in the kernel's backlog, and detect a client that half-closed
 * its side before finishing its request (nothing more can come). */
enum { PH_IDLE = 0, PH_HEAD, PH_ANSWER };
typedef struct conn_slot {
    int fd;
    int used;
    int shut;
    int cut;            /* the watchdog cut the request (max_request_s) */
    int active;         /* a request is under way: its clock runs */
    int phase;          /* PH_*: idle, reading the request, answering it */
    int eof_ticks;      /* watchdog rounds that saw end-of-file mid-request */
    int family;
    unsigned char addr[16];
    struct timespec since;   /* start of the request under way */
    struct timespec idle_at; /* end of the previous request */
    sr_query *q;        /* the route query running for it, or NULL */
} conn_slot;

struct sr__server {
    struct MHD_Daemon *d;
    conn_slot *slots;
    unsigned n_slots;
    unsigned n_conns;     /* connections holding a slot (under conn_lock) */
    unsigned max_conns, max_per_addr;
    atomic_int draining;  /* shutdown: cancel every running query */
    atomic_int closed_since_trim;
    pthread_mutex_t conn_lock;
    pthread_t watchdog;
    int watchdog_started;
    atomic_int stopping;
    const sr_network *net;
    sr__server_config cfg;
    char *web_root; /* realpath of cfg.web_dir, or NULL */
    int port;
    unsigned threads;
    time_t started;
    atomic_long inflight;
    pthread_mutex_t lock; /* guards queries and access-log writes */
    qnode *queries;
    sr__cache *cache;     /* NULL: caching off */
    sr__track *track;     /* NULL: no tracking store */
    sr__alerter *alerter; /* alert timer and webhook sender, with a store */
    atomic_int streams_stop; /* set first at shutdown: event streams end */
    sr__analysis *analysis;
    sr_pipelines *pipes;  /* /v1/pipelines (pipelines.c); NULL: none in the dataset */
};

typedef struct req {
    sr__server *srv;
    char *uri;
    size_t uri_len;
    const char *method;
    const char *version;
    char *body;
    size_t body_len;
    int body_too_big;
    size_t body_seen;     /* bytes of an oversized body read and dropped */
    int status;
    size_t bytes;
    const char *note;     /* said in the access log: why it ended as it did */
    struct timespec t0;
} req;

/* An oversized body is read and dropped up to this many bytes, so that the
 * 413 can be sent when the upload ends; past it the connection is closed. */
#define MAX_DRAIN ((size_t)16 << 20)
/* Answers with more options than this are sent route by route. */
#define STREAM_MIN_OPTIONS 16

/* ---------------------------------------------------------------------------
 * Per-thread query state
 * ------------------------------------------------------------------------- */

/* Each pool thread keeps the sr_query it created for the server it serves;
 * a thread belongs to one daemon for its whole life, so the owner check only
 * guards against a stale value in a reused thread. */
static _Thread_local const sr__server *tl_owner;
static _Thread_local sr_query *tl_query;

static sr_query *thread_query(sr__server *s)
{
    if (tl_owner == s && tl_query)
        return tl_query;
    sr_query *q = NULL;
    if (sr_query_create(s->net, &q) != SR_OK || !q)
        return NULL;
    qnode *n = malloc(sizeof *n);
    if (!n) {
        sr_query_destroy(q);
        return NULL;
    }
    n->q = q;
    n->d = NULL;
    pthread_mutex_lock(&s->lock);
    n->next = s->queries;
    s->queries = n;
    pthread_mutex_unlock(&s->lock);
    tl_owner = s;
    tl_query = q;
    return q;
}

/* The first and last mile's search scratch is per thread too: each pool
 * thread clones the detailed network's handle (sr_detail_clone(): the
 * roads are shared, only the scratch is its own), so mile searches run in
 * parallel without a lock.  NULL when the server has no detailed network
 * or memory runs out. */
static _Thread_local const sr__server *tl_detail_owner;
static _Thread_local sr_detail *tl_detail;

static sr_detail *thread_detail(sr__server *s)
{
    if (!s->cfg.detail)
        return NULL;
    if (tl_detail_owner == s && tl_detail)
        return tl_detail;
    sr_detail *d = NULL;
    if (sr_detail_clone(s->cfg.detail, &d) != SR_OK)
        return NULL;
    qnode *n = malloc(sizeof *n);
    if (!n) {
        sr_detail_close(d);
        return NULL;
    }
    n->q = NULL;
    n->d = d;
    pthread_mutex_lock(&s->lock);
    n->next = s->queries;
    s->queries = n;
    pthread_mutex_unlock(&s->lock);
    tl_detail_owner = s;
    tl_detail = d;
    return d;
}

/* ---------------------------------------------------------------------------
 * A small growable string for JSON assembled from library pieces
 * ------------------------------------------------------------------------- */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    int failed;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

/* ---------------------------------------------------------------------------
 * Responses
 * ------------------------------------------------------------------------- */

static void add_common_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
}

/* Queue `body` (len bytes, taken over: released with `release`) as the
 * answer.  allow: the Allow header of a 405, else NULL. */
static enum MHD_Result reply(req *rq, struct MHD_Connection *con, int status, const char *ctype, char *body,
                             size_t len, void (*release)(void *), const char *allow)
{
    struct MHD_Response *r;
    if (!body) {
        /* Only memory exhaustion gets here: a fixed answer needs none. */
        static const char oom[] = "{\"code\":\"OutOfMemory\",\"message\":\"out of memory\"}";
        status = 500;
        ctype = "application/json";
        r = MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom, MHD_RESPMEM_PERSISTENT);
        len = sizeof oom - 1;
    } else {
        r = MHD_create_response_from_buffer_with_free_callback(len, body, release);
    }
    if (!r) {
        if (body)
            release(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    add_common_headers(r);
    if (allow)
        MHD_add_response_header(r, "Allow", allow);
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)status, r);
    MHD_destroy_response(r);
    /* The access log tells what was really queued. */
    if (ret == MHD_YES) {
        rq->status = status;
        rq->bytes = len;
    }
    return ret;
}

/* A 200 answer that clients may keep: an ETag of its bytes (304 when the
 * client has them already), gzip when accepted, and the given
 * Cache-Control.  body is taken over (released with release). */
static enum MHD_Result reply_cacheable(req *rq, struct MHD_Connection *con, const char *ctype, char *body, size_t len,
                                       void (*release)(void *), const char *cache_control)
{
    if (!body)
        return reply(rq, con, 200, ctype, body, len, release, NULL);
    char etag[24];
    sr__etag_of(body, len, etag);
    struct MHD_Response *r;
    int status = 200;
    size_t sent = len;
    const char *encoding = NULL;
    if (sr__etag_matches(con, etag)) {
        release(body);
        status = 304;
        sent = 0;
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else {
        if (len >= SR__GZIP_MIN && sr__accepts_gzip(con)) {
            size_t zl;
            char *z = sr__gzip(body, len, &zl);
            if (z) {
                release(body);
                body = z;
                len = sent = zl;
                release = free;
                encoding = "gzip";
            }
        }
        r = MHD_create_response_from_buffer_with_free_callback(len, body, release);
        if (!r)
            release(body);
    }
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", cache_control);
    MHD_add_response_header(r, "ETag", etag);
    MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (encoding)
        MHD_add_response_header(r, "Content-Encoding", encoding);
    add_common_headers(r);
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)status, r);
    MHD_destroy_response(r);
    if (ret == MHD_YES) {
        rq->status = status;
        rq->bytes = sent;
    }
    return ret;
}

/* "silkroute-FROM-TO" from the query's ends, each cut to 32 safe bytes. */
static void route_file_name(const char *from, const char *to, char *out, size_t cap)
{
    size_t n = 0;
    const char *parts[2] = {from, to};
    n += (size_t)snprintf(out, cap, "silkroute");
    for (int k = 0; k < 2; k++) {
        const char *p = parts[k] ? parts[k] : "";
        if (n + 2 < cap)
            out[n++] = '-';
        for (size_t i = 0; p[i] && i < 32 && n + 1 < cap; i++) {
            unsigned char c = (unsigned char)p[i];
            out[n++] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ? (char)c : '_';
        }
    }
    out[n < cap ? n : cap - 1] = '\0';
}

/* Queue a reference to a cached or shared answer; the response drops the
 * reference when it has been sent. */
static enum MHD_Result reply_blob(req *rq, struct MHD_Connection *con, sr__blob *b, const char *ctype,
                                  const char *fname)
{
    /* Spreadsheets are downloads: browsers save them under a useful name. */
    char disp[200] = "";
    if (fname && (!strncmp(ctype, "text/csv", 8) || strstr(ctype, "spreadsheetml")))
        snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", fname, strstr(ctype, "spreadsheetml") ? "xlsx" : "csv");
    if (b->len >= SR__GZIP_MIN && sr__accepts_gzip(con) && !strstr(ctype, "spreadsheetml")) {
        /* The shared answer stays as it is; this client gets a gzip copy. */
        size_t zl;
        char *z = sr__gzip(b->data, b->len, &zl);
        if (z) {
            int status = b->status;
            sr__blob_unref(b);
            struct MHD_Response *zr = MHD_create_response_from_buffer_with_free_callback(zl, z, free);
            if (!zr) {
                free(z);
                return MHD_NO;
            }
            MHD_add_response_header(zr, "Content-Type", ctype);
            MHD_add_response_header(zr, "Cache-Control", "no-store");
            MHD_add_response_header(zr, "Content-Encoding", "gzip");
            MHD_add_response_header(zr, "Vary", "Accept-Encoding");
            if (*disp)
                MHD_add_response_header(zr, "Content-Disposition", disp);
            add_common_headers(zr);
            enum MHD_Result zret = MHD_queue_response(con, (unsigned)status, zr);
            if (zret == MHD_YES) {
                rq->status = status;
                rq->bytes = zl;
            }
            MHD_destroy_response(zr);
            return zret;
        }
    }
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback_cls(b->len, b->data,
                                                                                    sr__blob_unref, b);
    if (!r) {
        sr__blob_unref(b);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (*disp)
        MHD_add_response_header(r, "Content-Disposition", disp);
    add_common_headers(r);
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)b->status, r);
    if (ret == MHD_YES) {
        rq->status = b->status;
        rq->bytes = b->len;
    }
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result reply_json(req *rq, struct MHD_Connection *con, int status, char *json,
                                  void (*release)(void *))
{
    return reply(rq, con, status, "application/json", json, json ? strlen(json) : 0, release, NULL);
}

/* An error with a library code: exactly what the CLI prints with --json. */
static enum MHD_Result reply_sr_error(req *rq, struct MHD_Connection *con, int status, sr_code c, const char *msg)
{
    return reply_json(rq, con, status, sr_error_json(c, msg, 0), sr_free);
}

/* An error after which the connection is closed: the request's framing
 * cannot be trusted (or its body was not read), so nothing after it on
 * the connection may be taken as a next request. */
static enum MHD_Result reply_close(req *rq, struct MHD_Connection *con, int status, sr_code c, const char *msg)
{
    char *body = sr_error_json(c, msg, 0);
    if (!body)
        return reply_json(rq, con, 500, NULL, free);
    size_t len = strlen(body);
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(len, body, sr_free);
    if (!r) {
        sr_free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    add_common_headers(r);
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)status, r);
    MHD_destroy_response(r);
    if (ret == MHD_YES) {
        rq->status = status;
        rq->bytes = len;
        rq->note = "closed";
    }
    return ret;
}

/* An HTTP-level error ("NotFound", "MethodNotAllowed") with optional
 * extra members; `extra` is taken over. */
static enum MHD_Result reply_http_error(req *rq, struct MHD_Connection *con, int status, const char *code,
                                        const char *msg, json_t *extra, const char *allow)
{
    json_t *o = json_pack("{s:s,s:s}", "code", code, "message", msg);
    if (o && extra)
        json_object_update(o, extra);
    json_decref(extra);
    /* 15 digits: the library's rounded coordinates print as it printed them. */
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(o);
    return reply(rq, con, status, "application/json", s, s ? strlen(s) : 0, free, allow);
}

static enum MHD_Result reply_405(req *rq, struct MHD_Connection *con, const char *allow)
{
    char msg[128];
    snprintf(msg, sizeof msg, "method %s not allowed here; allowed: %s", rq->method, allow);
    return reply_http_error(rq, con, 405, "MethodNotAllowed", msg, NULL, allow);
}

/* ---------------------------------------------------------------------------
 * Endpoints
 * ------------------------------------------------------------------------- */

/* 400 unless every parameter of t is in the NULL-terminated list. */
static int check_params(const sr__target *t, const char *const *allowed, char *err, size_t errlen)
{
    for (size_t i = 0; i < t->n_params; i++) {
        int ok = 0;
        for (size_t k = 0; allowed[k]; k++)
            if (!strcmp(t->params[i].key, allowed[k]))
                ok = 1;
        if (!ok) {
            snprintf(err, errlen, "unknown parameter '%.64s'", t->params[i].key);
            return 400;
        }
    }
    return 0;
}

static enum MHD_Result ep_health(req *rq, struct MHD_Connection *con, const sr__target *t)
{
    static const char *const none[] = {NULL};
    char err[SR__ERRLEN];
    if (check_params(t, none, err, sizeof err))
        return reply_sr_error(rq, con, 400, SR_EARG, err);
    sr__server *s = rq->srv;
    uint64_t hits, misses;
    size_t entries, bytes;
    sr__cache_stats(s->cache, &hits, &misses, &entries, &bytes);
    json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:{s:b,s:I,s:I,s:I,s:I}}", "status", "ok", "version", SR_VERSION,
                          "places", (json_int_t)sr_network_place_count(s->net), "links",
                          (json_int_t)sr_network_link_count(s->net), "crossings",
                          (json_int_t)sr_network_crossing_count(s->net), "threads", (json_int_t)s->threads,
                          "uptime_s", (json_int_t)(time(NULL) - s->started), "route_cache", "enabled",
                          s->cache != NULL, "entries", (json_int_t)entries, "bytes", (json_int_t)bytes, "hits",
                          (json_int_t)hits, "misses", (json_int_t)misses);
    /* Whether routes from coordinates get a first and last mile (the web
     * map offers "from a map point" then), and on how large a network. */
    if (o) {
        size_t dp, dl;
        sr_detail_stats(s->cfg.detail, &dp, &dl);
        json_object_set_new(o, "detail",
                            s->cfg.detail ? json_pack("{s:I,s:I,s:f,s:f}", "places", (json_int_t)dp, "links",
                                                      (json_int_t)dl, "snap_km", SR_MILE_SNAP_KM, "radius_km",
                                                      SR_MILE_RADIUS_KM)
                                          : json_null());
    }
    char *j = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return reply_json(rq, con, 200, j, free);
}

static enum MHD_Result ep_openapi(req *rq, struct MHD_Connection *con, const sr__target *t)
{
    static const char *const none[] = {NULL};
    char err[SR__ERRLEN];
    if (check_params(t, none, err, sizeof err))
        return reply_sr_error(rq, con, 400, SR_EARG, err);
    char *doc = strdup(sr__openapi_json);
    return reply_cacheable(rq, con, "application/json", doc, doc ? strlen(doc) : 0, free, "no-cache");
}

/* The canonical form of parsed route options: equal keys mean equal
 * queries, whatever the spelling of the URL or body, and different queries
 * never share a key.  Every string is length-prefixed, every list
 * count-prefixed, and every number is its fixed-width binary image, so no
 * value can imitate a separator (issue 8: a JSON "\u001f" once did) and
 * building a key costs no number formatting on the miss path.  The key is
 * binary: compared by length and bytes, never as a C string. */
static void key_bytes(sbuf *b, const void *p, size_t n) { sb_add(b, p, n); }

static void key_size(sbuf *b, size_t v)
{
    uint64_t x = v;
    key_bytes(b, &x, sizeof x);
}

static void key_str(sbuf *b, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    key_size(b, len);
    key_bytes(b, s ? s : "", len);
}

static void route_key(const sr__route_req *rr, sbuf *b)
{
    const sr_route_options *o = &rr->opts;
    /* Every field that changes the answer, in one fixed-layout record
     * (zeroed first so that padding bytes are equal too). */
    struct {
        int64_t depart, arrive_by, window_s;
        double w[3], tolerance, quantity;
        uint64_t max_options;
        int32_t objective, pareto, year, unit, max_transfers, min_transfer_s, geojson, format, geometry;
        uint32_t modes;
        int32_t consignment_note, road_regime; /* documents/ options */
        int32_t mile;                          /* first and last mile on the detailed network */
    } f;
    memset(&f, 0, sizeof f);
    f.depart = o->depart;
    f.arrive_by = o->arrive_by;
    f.window_s = o->window_s;
    f.w[0] = o->weight_time_h;
    f.w[1] = o->weight_cost_usd;
    f.w[2] = o->weight_co2e_kg;
    f.tolerance = o->pareto_tolerance;
    f.quantity = o->quantity;
    f.max_options = o->max_options;
    f.objective = (int32_t)o->objective;
    f.pareto = o->pareto;
    f.year = o->year;
    f.unit = (int32_t)o->unit;
    f.max_transfers = o->max_transfers;
    f.min_transfer_s = o->min_transfer_s;
    f.geojson = rr->geojson;
    f.format = rr->format;
    f.geometry = rr->geometry;
    f.modes = o->modes;
    f.consignment_note = o->consignment_note;
    f.road_regime = o->road_regime;
    f.mile = rr->mile;
    key_bytes(b, "route/3", 7);
    key_bytes(b, &f, sizeof f);
    key_str(b, o->from);
    key_str(b, o->to);
    key_size(b, o->n_avoid_countries);
    for (size_t i = 0; i < o->n_avoid_countries; i++)
        key_str(b, o->avoid_countries[i]);
    key_size(b, o->n_avoid);
    for (size_t i = 0; i < o->n_avoid; i++)
        key_str(b, o->avoid[i]);
}

/* The slot of a connection (see conn_slot), or NULL. */
static conn_slot *con_slot(struct MHD_Connection *con)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Mark q as running for this request's connection (running != 0), or as
 * done, so that the watchdog and shutdown can cancel it. */
static void track_query(sr__server *s, struct MHD_Connection *con, sr_query *q, int running)
{
    conn_slot *slot = con_slot(con);
    pthread_mutex_lock(&s->conn_lock);
    if (slot && slot->used)
        slot->q = running ? q : NULL;
    pthread_mutex_unlock(&s->conn_lock);
    /* Once untracked nobody cancels q any more: clear a cancel that
     * arrived as the query ended, before the thread's next query. */
    if (!running)
        sr_query_cancel(q, 0);
}

/* A large answer is sent route by route: libmicrohttpd asks for bytes as
 * the socket drains, so a client that reads slowly (or not at all) holds
 * the result and one route's JSON, never the whole text. */
typedef struct stream {
    const sr_network *net;
    sr_result *res;
    size_t next;          /* next route to write */
    char *chunk;          /* pending text (one route, or the framing) */
    size_t len, off;
    size_t n_found;
    unsigned flags;       /* SR_JSON_GEOMETRY */
    int state;            /* 0 head, 1 routes, 2 tail written, 3 done */
} stream;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream *st = cls;
    (void)pos;
    while (st->off == st->len) {
        free(st->chunk);
        st->chunk = NULL;
        st->len = st->off = 0;
        if (st->state == 0) {
            st->chunk = sr_result_json_head(st->net, st->res);
            st->state = 1;
        } else if (st->state == 1 && st->next < sr_result_count(st->res)) {
            char *rj = sr_result_route_json(st->net, st->res, st->next, st->flags);
            size_t n = rj ? strlen(rj) : 0;
            st->chunk = rj ? malloc(n + 2) : NULL;
            if (st->chunk) {
                size_t o = 0;
                if (st->next)
                    st->chunk[o++] = ',';
                memcpy(st->chunk + o, rj, n + 1);
            }
            sr_free(rj);
            st->next++;
        } else if (st->state == 1) {
            char tail[64];
            if (st->n_found > sr_result_count(st->res))
                snprintf(tail, sizeof tail, "],\"options_found\":%zu}", st->n_found);
            else
                snprintf(tail, sizeof tail, "]}");
            st->chunk = strdup(tail);
            st->state = 2;
        } else {
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (!st->chunk)
            return MHD_CONTENT_READER_END_WITH_ERROR; /* out of memory: cut the answer */
        st->len = strlen(st->chunk);
    }
    size_t n = st->len - st->off < max ? st->len - st->off : max;
    memcpy(buf, st->chunk + st->off, n);
    st->off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    stream *st = cls;
    sr_result_free(st->res);
    free(st->chunk);
    free(st);
}

static enum MHD_Result reply_stream(req *rq, struct MHD_Connection *con, const sr_network *net, sr_result *res,
                                    unsigned flags)
{
    stream *st = calloc(1, sizeof *st);
    if (!st) {
        sr_result_free(res);
        return reply_json(rq, con, 500, NULL, free);
    }
    st->net = net;
    st->res = res;
    st->flags = flags;
    st->n_found = sr_result_found(res);
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, st, stream_free);
    if (!r) {
        stream_free(st);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    add_common_headers(r);
    enum MHD_Result ret = MHD_queue_response(con, 200, r);
    if (ret == MHD_YES) {
        rq->status = 200;
        rq->note = "streamed";
    }
    MHD_destroy_response(r);
    return ret;
}

/* The result as an XLSX workbook in memory: libxlsxwriter writes files,
 * so through a private temporary file that is removed at once. */
static char *xlsx_bytes(const sr_network *net, const sr_result *res, size_t *len)
{
    char path[] = "/tmp/silkroute-xlsx-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    close(fd);
    char *buf = NULL;
    if (sr_result_xlsx(net, res, path) == SR_OK) {
        FILE *f = fopen(path, "rb");
        if (f) {
            if (fseek(f, 0, SEEK_END) == 0) {
                long n = ftell(f);
                if (n > 0 && n < (64L << 20) && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
                    if (fread(buf, 1, (size_t)n, f) == (size_t)n) {
                        buf[n] = 0;
                        *len = (size_t)n;
                    } else {
                        free(buf);
                        buf = NULL;
                    }
                }
            }
            fclose(f);
        }
    }
    unlink(path);
    return buf;
}

static enum MHD_Result ep_route(req *rq, struct MHD_Connection *con, const sr__target *t, int post)
{
    sr__server *s = rq->srv;
    char err[SR__ERRLEN] = "";
    sr__route_req rr;
    int st;
    if (post) {
        if (t->n_params) {
            return reply_sr_error(rq, con, 400, SR_EARG,
                                  "POST /v1/route takes its options in the JSON body, not in the query string");
        }
        st = sr__route_from_json(rq->body ? rq->body : "", rq->body_len, &rr, err, sizeof err);
    } else {
        st = sr__route_from_params(t->params, t->n_params, &rr, err, sizeof err);
    }
    if (st) {
        sr__route_req_free(&rr);
        return reply_sr_error(rq, con, st, st == 413 ? SR_ELIMIT : st >= 500 ? SR_ENOMEM : SR_EARG, err);
    }
    /* First and last mile (--detail): an end given as coordinates drives
     * on the detailed roads to a corridor place, unless mile=false asks
     * for the plain snap to the nearest place.  rr.mile becomes what is
     * done, for the cache key. */
    int coords = sr_is_coords(rr.opts.from) || sr_is_coords(rr.opts.to);
    if (rr.mile == 1 && !s->cfg.detail) {
        sr__route_req_free(&rr);
        return reply_sr_error(rq, con, 400, SR_EARG,
                              "parameter 'mile': this server has no detailed network for a first or last mile "
                              "(start it with silkroute serve --detail DIR); without mile, coordinates snap to "
                              "the nearest place");
    }
    if (rr.mile == 1 && !coords) {
        sr__route_req_free(&rr);
        return reply_sr_error(rq, con, 400, SR_EARG,
                              "parameter 'mile': neither 'from' nor 'to' is coordinates LAT,LON");
    }
    rr.mile = s->cfg.detail && coords && rr.mile != 0;
    if (rr.mile && (rr.format != SR__FMT_JSON || rr.depart || rr.arrive_by || rr.window)) {
        const char *p = rr.format != SR__FMT_JSON ? "format" : rr.depart ? "depart" : rr.arrive_by ? "arrive_by" : "window";
        snprintf(err, sizeof err,
                 "parameter '%s': a route with a first or last mile is static and answered in json only "
                 "(mile=false snaps the coordinates to the nearest place instead)",
                 p);
        sr__route_req_free(&rr);
        return reply_sr_error(rq, con, 400, SR_EARG, err);
    }
    /* depart, arrive_by, window: times without an offset are local at the
     * origin or destination, so they are read against the network. */
    if (sr_route_options_set_times(s->net, &rr.opts, rr.depart, rr.arrive_by, rr.window, err, sizeof err) != SR_OK) {
        sr__route_req_free(&rr);
        return reply_sr_error(rq, con, 400, SR_EARG, err);
    }
    /* The download's name from the two ends as given (ids in the web map's
     * links), cut to letters, digits, '-' and '_' so that it is a safe
     * header value and file name. */
    char fname[96];
    route_file_name(rr.opts.from, rr.opts.to, fname, sizeof fname);
    static const char *const ctypes[] = {"application/json", "application/geo+json", "text/csv; charset=utf-8",
                                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
    const char *ctype_ok = ctypes[rr.format >= 0 && rr.format <= SR__FMT_XLSX ? rr.format : 0];
    unsigned jflags = rr.geometry ? SR_JSON_GEOMETRY : 0;
    sbuf key = {0};
    if (s->cache) {
        route_key(&rr, &key);
        sr__blob *hit = key.failed ? NULL : sr__cache_get(s->cache, key.p, key.len);
        if (hit) {
            free(key.p);
            sr__route_req_free(&rr);
            rq->note = "cached";
            return reply_blob(rq, con, hit, hit->status == 200 ? ctype_ok : "application/json", fname);
        }
    }
    sr_query *q = thread_query(s);
    if (!q) {
        free(key.p);
        sr__route_req_free(&rr);
        return reply_sr_error(rq, con, 500, SR_ENOMEM, "cannot create query state");
    }
    /* One budget per query (all its searches), and a handle for the
     * watchdog and shutdown to cancel it. */
    sr_query_set_budget(q, s->cfg.max_work, (s->cfg.max_query_s ? s->cfg.max_query_s : 20) * 1000u);
    track_query(s, con, q, 1);
    sr_result *res = NULL;
    sr_miles miles = {.routed = 1};
    sr_detail *det = rr.mile ? thread_detail(s) : NULL;
    if (rr.mile && !det) {
        track_query(s, con, q, 0);
        free(key.p);
        sr__route_req_free(&rr);
        return reply_sr_error(rq, con, 500, SR_ENOMEM, "cannot create the detailed network's search state");
    }
    /* While shutting down, no new search starts: it would only be
     * cancelled, and must not hold up the stop. */
    sr_code c = atomic_load(&s->draining) ? SR_ELIMIT
                : det                      ? sr_route_query_miles(q, det, &rr.opts, &res, &miles)
                                           : sr_route_query(q, &rr.opts, &res);
    track_query(s, con, q, 0);
    char *body;
    size_t blen = 0;           /* xlsx: binary, not NUL-terminated text */
    int status;
    if (c == SR_OK && !det && rr.format == SR__FMT_JSON && sr_result_count(res) > STREAM_MIN_OPTIONS) {
        free(key.p);
        sr__route_req_free(&rr);
        return reply_stream(rq, con, s->net, res, jflags);
    }
    int cancelled = 0;
    if (c != SR_OK) {
        const char *m = sr_query_errmsg(q);
        status = sr__http_status(c);
        if (c == SR_ELIMIT && (atomic_load(&s->draining) || !strncmp(m, "cancelled", 9))) {
            /* Stopped from outside, not by its own budget. */
            cancelled = 1;
            status = 503;
            m = atomic_load(&s->draining) ? "cancelled: the server is shutting down"
                                          : "cancelled: the request ran longer than the server's max-request-time";
        }
        /* NoRoute names what blocks it, UnknownPlace suggests places; a
         * mile that cannot be driven is its message alone (as the CLI's). */
        body = cancelled || !miles.routed ? sr_error_json(c, m, 0) : sr_route_error_json(q, &rr.opts, c, 0);
    } else {
        status = 200;
        body = rr.format == SR__FMT_GEOJSON ? sr_result_geojson(s->net, res, 0)
               : rr.format == SR__FMT_CSV   ? sr_result_csv(s->net, res, 0)
               : rr.format == SR__FMT_XLSX  ? xlsx_bytes(s->net, res, &blen)
                                            : sr_result_json_miles(s->net, res, jflags, &miles);
    }
    sr_miles_clear(&miles);
    sr_result_free(res);
    sr__route_req_free(&rr);
    if (!body) {
        free(key.p);
        return reply_json(rq, con, 500, NULL, free);
    }
    sr__blob *b = sr__blob_new(body, blen ? blen : strlen(body), status);
    if (!b) {
        free(key.p);
        return reply_json(rq, con, 500, NULL, free);
    }
    /* Only answers that depend on the options alone are remembered: not a
     * budget running out or a cancel, nor running out of memory. */
    int pure = !cancelled && (status == 200 || status == 404 || status == 400 || (status == 422 && c == SR_ENOROUTE));
    if (s->cache && key.p && !key.failed && pure)
        sr__cache_put(s->cache, key.p, key.len, b);
    free(key.p);
    return reply_blob(rq, con, b, status == 200 ? ctype_ok : "application/json", fname);
}

static enum MHD_Result ep_places(req *rq, struct MHD_Connection *con, const sr__target *t)
{
    static const char *const allowed[] = {"q", "limit", NULL};
    sr__server *s = rq->srv;
    char err[SR__ERRLEN];
    if (check_params(t, allowed, err, sizeof err))
        return reply_sr_error(rq, con, 400, SR_EARG, err);
    const char *q = sr__target_get(t, "q");
    const char *lim = sr__target_get(t, "limit");
    size_t count = sr_network_place_count(s->net);
    long limit = q ? 10 : (long)count;
    if (lim && sr__parse_long(lim, 1, q ? MAX_PLACES_LIMIT : (long)(count ? count : 1), &limit)) {
        snprintf(err, sizeof err, "parameter 'limit': expected an integer from 1 to %ld; got '%.64s'",
                 q ? (long)MAX_PLACES_LIMIT : (long)(count ? count : 1), lim);
        return reply_sr_error(rq, con, 400, SR_EARG, err);
    }
    if (q && strlen(q) > 256)
        return reply_sr_error(rq, con, 400, SR_EARG, "parameter 'q': longer than 256 bytes");
    size_t *idx = malloc((size_t)(limit > 0 ? limit : 1) * sizeof *idx);
    if (!idx)
        return reply_json(rq, con, 500, NULL, free);
    size_t n = 0;
    if (q) {
        n = sr_place_search(s->net, q, idx, (size_t)limit);
    } else {
        for (size_t i = 0; i < count && n < (size_t)limit; i++)
            idx[n++] = i;
    }
    sbuf b = {0};
    sb_puts(&b, "{\"code\":\"Ok\",\"places\":[");
    for (size_t i = 0; i < n; i++) {
        char *pj = sr_place_json(s->net, idx[i], 0);
        if (!pj) {
            b.failed = 1;
            break;
        }
        if (i)
            sb_puts(&b, ",");
        sb_puts(&b, pj);
        sr_free(pj);
    }
    sb_puts(&b, "]}");
    free(idx);
    if (b.failed) {
        free(b.p);
        b.p = NULL;
    }
    return reply_cacheable(rq, con, "application/json", b.p, b.p ? b.len : 0, free, "no-cache");
}

static enum MHD_Result ep_place(req *rq, struct MHD_Connection *con, const sr__target *t, const char *id)
{
    static const char *const none[] = {NULL};
    sr__server *s = rq->srv;
    char err[SR__ERRLEN];
    if (check_params(t, none, err, sizeof err))
        return reply_sr_error(rq, con, 400, SR_EARG, err);
    if (!*id || strlen(id) > 256)
        return reply_sr_error(rq, con, 400, SR_EARG, "place id must be 1 to 256 bytes");
    size_t idx;
    if (sr_place_find(s->net, id, &idx) == SR_OK)
    {
        char *pj = sr_place_json(s->net, idx, 0);
        return reply_cacheable(rq, con, "application/json", pj, pj ? strlen(pj) : 0, sr_free, "no-cache");
    }
    /* Unknown: answer 404 with the best matches, as the CLI does. */
    size_t sug[5];
    size_t n = sr_place_suggest(s->net, id, sug, 5);
    sbuf msg = {0};
    char head[400];
    snprintf(head, sizeof head, "unknown place '%.256s'", id);
    sb_puts(&msg, head);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const sr_place *p = sr_network_place(s->net, sug[i]);
        if (!p)
            continue;
        sb_puts(&msg, i ? ", " : "; did you mean: ");
        sb_puts(&msg, p->name_en);
        sb_puts(&msg, " (");
        sb_puts(&msg, p->id);
        sb_puts(&msg, ")");
        char *pj = sr_place_json(s->net, sug[i], 0);
        json_t *o = pj ? json_loads(pj, JSON_DECODE_ANY, NULL) : NULL;
        sr_free(pj);
        if (o)
            json_array_append_new(arr, o);
    }
    if (n)
        sb_puts(&msg, "?");
    json_t *extra = json_pack("{s:o}", "suggestions", arr ? arr : json_array());
    enum MHD_Result ret = reply_http_error(rq, con, 404, sr_code_name(SR_EPLACE),
                                           msg.failed || !msg.p ? "unknown place" : msg.p, extra, NULL);
    free(msg.p);
    return ret;
}

/* GET /v1/nearest?at=LAT,LON (or lat= and lon=) [&limit=N]: the places
 * nearest to a point with their distances, and whether the nearest is close
 * enough that a route from these coordinates snaps to it (SR_SNAP_MAX_KM). */
static enum MHD_Result ep_nearest(req *rq, struct MHD_Connection *con, const sr__target *t)
{
    static const char *const allowed[] = {"at", "lat", "lon", "limit", NULL};
    sr__server *s = rq->srv;
    char err[SR__ERRLEN];
    if (check_params(t, allowed, err, sizeof err))
        return reply_sr_error(rq, con, 400, SR_EARG, err);
    const char *at = sr__target_get(t, "at"), *la = sr__target_get(t, "lat"), *lo = sr__target_get(t, "lon"),
               *li = sr__target_get(t, "limit");
    char pair[80];
    if (at && (la || lo))
        return reply_sr_error(rq, con, 400, SR_EARG, "give either 'at' or 'lat' and 'lon'");
    if (!at && !(la && lo))
        return reply_sr_error(rq, con, 400, SR_EARG, "parameter 'at' (LAT,LON) or 'lat' and 'lon' is required");
    if (at)
        snprintf(pair, sizeof pair, "%.60s", at);
    else
        snprintf(pair, sizeof pair, "%.30s,%.30s", la, lo);
    long limit = 1;
    if (li && sr__parse_long(li, 1, 50, &limit))
        return reply_sr_error(rq, con, 400, SR_EARG, "parameter 'limit': expected an integer from 1 to 50");
    size_t best[50], k = 0;
    double bd[50];
    if (sr_places_near(s->net, pair, best, bd, (size_t)limit, &k) != SR_OK)
        return reply_sr_error(rq, con, 400, SR_EARG,
                              at ? "parameter 'at': expected LAT,LON in decimal degrees (-90..90, -180..180)"
                                 : "parameters 'lat' and 'lon': decimal degrees, -90..90 and -180..180");
    sbuf b = {0};
    char num[96];
    sb_puts(&b, "{\"code\":\"Ok\",\"places\":[");
    for (size_t i = 0; i < k; i++) {
        char *pj = sr_place_json(s->net, best[i], 0);
        if (!pj) {
            b.failed = 1;
            break;
        }
        snprintf(num, sizeof num, "%s{\"distance_km\":%.2f,\"place\":", i ? "," : "", bd[i]);
        sb_puts(&b, num);
        sb_puts(&b, pj);
        sb_puts(&b, "}");
        sr_free(pj);
    }
    snprintf(num, sizeof num, "],\"snaps\":%s,\"snap_max_km\":%g}", k && bd[0] <= SR_SNAP_MAX_KM ? "true" : "false",
             SR_SNAP_MAX_KM);
    sb_puts(&b, num);
    if (b.failed) {
        free(b.p);
        b.p = NULL;
    }
    return reply_json(rq, con, 200, b.p, free);
}

static enum MHD_Result ep_network(req *rq, struct MHD_Connection *con, const sr__target *t)
{
    static const char *const allowed[] = {"modes", "year", NULL};
    sr__server *s = rq->srv;
    char err[SR__ERRLEN];
    if (check_params(t, allowed, err, sizeof err))
        return reply_sr_error(rq, con, 400, SR_EARG, err);
    unsigned modes = SR_MODES_ALL;
    long year = 0;
    const char *m = sr__target_get(t, "modes"), *y = sr__target_get(t, "year");
    if (m) {
        long bits = sr__parse_modes(m, "modes", err, sizeof err);
        if (bits < 0)
            return reply_sr_error(rq, con, 400, SR_EARG, err);
        modes = (unsigned)bits;
    }
    if (y && (sr__parse_long(y, -1, 2200, &year) || (year > 0 && year < 1900))) {
        snprintf(err, sizeof err,
                 "parameter 'year': expected -1 (all, planned too), 0 (open only) or a year from 1900 to 2200; got '%.64s'",
                 y);
        return reply_sr_error(rq, con, 400, SR_EARG, err);
    }
    char *j = sr_network_geojson(s->net, modes, (int)year, 0);
    /* The network never changes while serving: revalidate with the ETag. */
    return reply_cacheable(rq, con, "application/geo+json", j, j ? strlen(j) : 0, sr_free, "no-cache");
}

static enum MHD_Result ep_pipelines(req *rq, struct MHD_Connection *con, const sr__target *t)
{
    char err[SR__ERRLEN];
    char *body = NULL;
    const char *ctype = NULL;
    sr_code c = SR_OK;
    int st = sr__pipes_answer(rq->srv->pipes, sr_network_dir(rq->srv->net), t, &body, &ctype, &c, err, sizeof err);
    if (st != 200)
        return reply_sr_error(rq, con, st, c, err);
    return reply(rq, con, 200, ctype, body, strlen(body), sr_free, NULL);
}

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},          {".geojson", "application/geo+json"},
        {".svg", "image/svg+xml"},              {".png", "image/png"},
        {".jpg", "image/jpeg"},                 {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},               {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},           {".webp", "image/webp"},
    };
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (!strcmp(dot, types[i].ext))
                return types[i].type;
    return "application/octet-stream";
}

static enum MHD_Result not_found(req *rq, struct MHD_Connection *con, const char *path)
{
    char msg[400];
    snprintf(msg, sizeof msg, "no such resource: %.256s", path);
    return reply_http_error(rq, con, 404, "NotFound", msg, NULL, NULL);
}

static enum MHD_Result ep_static(req *rq, struct MHD_Connection *con, const char *path)
{
    sr__server *s = rq->srv;
    if (!s->web_root)
        return not_found(rq, con, path);
    /* Refuse what could leave the web root or reach hidden files: any
     * segment starting with '.', backslashes, and (as a second wall) any
     * resolved path outside the root. */
    if (strstr(path, "/.") || strchr(path, '\\') || strstr(path, "//")) {
        char msg[400];
        snprintf(msg, sizeof msg, "path not allowed: %.256s", path);
        return reply_http_error(rq, con, 400, "BadPath", msg, NULL, NULL);
    }
    char full[PATH_MAX], real[PATH_MAX];
    size_t pl = strlen(path);
    int n = snprintf(full, sizeof full, "%s%s%s", s->web_root, path, path[pl - 1] == '/' ? "index.html" : "");
    if (n < 0 || (size_t)n >= sizeof full)
        return not_found(rq, con, path);
    size_t rl = strlen(s->web_root);
    if (!realpath(full, real) || strncmp(real, s->web_root, rl) || real[rl] != '/')
        return not_found(rq, con, path);
    /* Only regular files: O_NONBLOCK so that opening a FIFO (or a device)
     * returns at once instead of blocking the thread for a writer, and the
     * type is checked on what was opened, never on a name that could be
     * swapped in between. */
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0)
        return not_found(rq, con, path);
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return not_found(rq, con, path);
    }
    /* A weak tag from what identifies this version of the file. */
    char etag[80];
    snprintf(etag, sizeof etag, "W/\"%llx-%llx-%llx\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtime, (unsigned long long)st.st_ino);
    /* The page, script and style keep their names across builds: browsers
     * revalidate them (a 304 costs a round trip, no bytes); the basemap and
     * images change rarely and may be kept a day. */
    const char *ctype = content_type(real);
    const char *cc = strstr(ctype, "html") || strstr(ctype, "javascript") || strstr(ctype, "css") ? "no-cache"
                                                                                                : "public, max-age=86400";
    int status = 200;
    uint64_t size = (uint64_t)st.st_size;
    const char *encoding = NULL;
    if (sr__etag_matches(con, etag)) {
        close(fd);
        fd = -1;
        status = 304;
        size = 0;
    } else if (sr__accepts_gzip(con) && strlen(real) + 4 < sizeof real) {
        /* A NAME.gz made by the build, no older than NAME, is sent instead. */
        char gz[PATH_MAX + 4]; /* real plus ".gz" (gcc checks the bound) */
        snprintf(gz, sizeof gz, "%s.gz", real);
        int zfd = open(gz, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        struct stat zst;
        if (zfd >= 0 && !fstat(zfd, &zst) && S_ISREG(zst.st_mode) && zst.st_mtime >= st.st_mtime) {
            close(fd);
            fd = zfd;
            size = (uint64_t)zst.st_size;
            encoding = "gzip";
        } else if (zfd >= 0) {
            close(zfd);
        }
    }
    struct MHD_Response *r;
    if (fd >= 0) {
        /* Back to blocking reads for libmicrohttpd (no effect on regular
         * files, but say what is meant). */
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        r = MHD_create_response_from_fd(size, fd);
        if (!r)
            close(fd);
    } else {
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", cc);
    MHD_add_response_header(r, "ETag", etag);
    MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (encoding)
        MHD_add_response_header(r, "Content-Encoding", encoding);
    add_common_headers(r);
    rq->status = status;
    rq->bytes = (size_t)size;
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Send a reply of the tracking API with its extra headers. */
static enum MHD_Result queue_track(req *rq, struct MHD_Connection *con, sr__track_reply tr)
{
    if (!tr.body)
        return reply_json(rq, con, 500, NULL, free);
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(strlen(tr.body), tr.body, free);
    if (!r) {
        free(tr.body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    add_common_headers(r);
    if (tr.www_authenticate)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"silkroute\"");
    if (tr.retry_after_s > 0) {
        char ra[24];
        snprintf(ra, sizeof ra, "%d", tr.retry_after_s);
        MHD_add_response_header(r, "Retry-After", ra);
    }
    if (tr.status == 405)
        MHD_add_response_header(r, "Allow", "GET, HEAD, POST, OPTIONS");
    rq->status = tr.status;
    rq->bytes = strlen(tr.body);
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)tr.status, r);
    MHD_destroy_response(r);
    return ret;
}

/* The tracking API (track_http.c) answers; its headers are added here. */
static enum MHD_Result ep_track(req *rq, struct MHD_Connection *con, const sr__target *t)
{
    const char *auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    sr__track_reply tr;
    sr__track_handle(rq->srv->track, rq->method, t, auth, rq->body, rq->body_len, &tr);
    return queue_track(rq, con, tr);
}

/* GET /v1/stream: Server-Sent Events of ETA changes and alerts.  The
 * content callback runs on the connection's pool thread: it polls the
 * store (the thread's own handle) every 200 ms for up to a second per
 * call, sends a comment every 15 s so proxies keep the connection, and
 * ends when the server shuts down.  The request time cap (--max-request-time)
 * ends long streams too; EventSource clients reconnect with Last-Event-ID. */
typedef struct sse_ctx {
    sr__server *srv;
    int64_t after_eta, after_alert;
    char *pending;
    size_t len, off;
    time_t last_sent;
} sse_ctx;

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    sse_ctx *c = cls;
    for (int tries = 0; !c->pending && tries < 5; tries++) {
        if (atomic_load(&c->srv->streams_stop))
            return MHD_CONTENT_READER_END_OF_STREAM;
        char *next = sr__track_stream_next(c->srv->track, &c->after_eta, &c->after_alert);
        if (next) {
            c->pending = next;
            c->len = strlen(next);
            c->off = 0;
            break;
        }
        if (time(NULL) - c->last_sent >= 15) {
            c->pending = strdup(": keep-alive\n\n");
            c->len = c->pending ? strlen(c->pending) : 0;
            c->off = 0;
            break;
        }
        nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
    }
    if (!c->pending)
        return 0;
    size_t n = c->len - c->off < max ? c->len - c->off : max;
    memcpy(buf, c->pending + c->off, n);
    c->off += n;
    if (c->off == c->len) {
        free(c->pending);
        c->pending = NULL;
    }
    c->last_sent = time(NULL);
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    sse_ctx *c = cls;
    sr__track_stream_end(c->srv->track);
    free(c->pending);
    free(c);
}

static enum MHD_Result ep_stream(req *rq, struct MHD_Connection *con, const sr__target *t)
{
    sr__server *s = rq->srv;
    const char *auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *last = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Last-Event-ID");
    sr__track_reply tr;
    int64_t ae, aa;
    if (sr__track_stream_open(s->track, t, auth, last, &ae, &aa, &tr))
        return queue_track(rq, con, tr);
    sse_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        sr__track_stream_end(s->track);
        return reply_json(rq, con, 500, NULL, free);
    }
    c->srv = s;
    c->after_eta = ae;
    c->after_alert = aa;
    c->last_sent = time(NULL);
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, c, sse_free);
    if (!r) {
        sse_free(c);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    add_common_headers(r);
    rq->status = 200;
    enum MHD_Result ret = MHD_queue_response(con, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* The analysis endpoints (analysis.c) answer into an sr__answer; a busy
 * answer (503) carries Retry-After. */
static enum MHD_Result ep_analysis(req *rq, struct MHD_Connection *con, const sr__target *t, int post)
{
    sr__server *s = rq->srv;
    sr__answer ans;
    sr__analysis_handle(s->analysis, thread_query(s), t->path, post, t, rq->body, rq->body_len, &ans);
    if (!ans.body)
        return reply(rq, con, 500, "application/json", NULL, 0, free, NULL);
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(ans.len, ans.body, free);
    if (!r) {
        free(ans.body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", ans.ctype);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    add_common_headers(r);
    char ra[16];
    if (ans.retry_after_s > 0) {
        snprintf(ra, sizeof ra, "%d", ans.retry_after_s);
        MHD_add_response_header(r, "Retry-After", ra);
    }
    rq->status = ans.status;
    rq->bytes = ans.len;
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)ans.status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result dispatch(req *rq, struct MHD_Connection *con)
{
    char err[SR__ERRLEN];
    sr__target t;
    conn_slot *slot = con_slot(con);
    if (slot) {
        pthread_mutex_lock(&rq->srv->conn_lock);
        slot->phase = PH_ANSWER;
        pthread_mutex_unlock(&rq->srv->conn_lock);
    }
    const char *m = rq->method;
    int get = !strcmp(m, MHD_HTTP_METHOD_GET) || !strcmp(m, MHD_HTTP_METHOD_HEAD);
    int post = !strcmp(m, MHD_HTTP_METHOD_POST);
    if (rq->body_too_big) {
        snprintf(err, sizeof err, "request body larger than %d bytes", SR__MAX_BODY);
        return reply_close(rq, con, 413, SR_ELIMIT, err);
    }
    int st = sr__target_parse(rq->uri ? rq->uri : "", rq->uri_len, &t, err, sizeof err);
    if (st) {
        sr__target_free(&t);
        return reply_sr_error(rq, con, st, st == 414 ? SR_ELIMIT : st >= 500 ? SR_ENOMEM : SR_EARG, err);
    }
    enum MHD_Result ret;
    const char *p = t.path;
    if (!strcmp(m, MHD_HTTP_METHOD_OPTIONS)) {
        /* CORS preflight: any origin may call the API. */
        struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!r) {
            sr__target_free(&t);
            return MHD_NO;
        }
        add_common_headers(r);
        MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, HEAD, POST, DELETE, OPTIONS");
        MHD_add_response_header(r, "Access-Control-Allow-Headers", "Content-Type, Authorization");
        MHD_add_response_header(r, "Access-Control-Max-Age", "86400");
        MHD_add_response_header(r, "Allow", "GET, HEAD, POST, OPTIONS");
        rq->status = 204;
        ret = MHD_queue_response(con, 204, r);
        MHD_destroy_response(r);
    } else if (!strcmp(p, "/v1/route")) {
        ret = get || post ? ep_route(rq, con, &t, post) : reply_405(rq, con, "GET, HEAD, POST, OPTIONS");
    } else if (!strcmp(p, "/v1/places")) {
        ret = get ? ep_places(rq, con, &t) : reply_405(rq, con, "GET, HEAD, OPTIONS");
    } else if (!strncmp(p, "/v1/places/", 11)) {
        ret = get ? ep_place(rq, con, &t, p + 11) : reply_405(rq, con, "GET, HEAD, OPTIONS");
    } else if (!strcmp(p, "/v1/network")) {
        ret = get ? ep_network(rq, con, &t) : reply_405(rq, con, "GET, HEAD, OPTIONS");
    } else if (!strcmp(p, "/v1/nearest")) {
        ret = get ? ep_nearest(rq, con, &t) : reply_405(rq, con, "GET, HEAD, OPTIONS");
    } else if (!strcmp(p, "/v1/stream")) {
        ret = get ? ep_stream(rq, con, &t) : reply_405(rq, con, "GET, HEAD, OPTIONS");
    } else if (sr__track_path(p)) {
        ret = ep_track(rq, con, &t);
    } else if (!strcmp(p, "/v1/pipelines")) {
        ret = get ? ep_pipelines(rq, con, &t) : reply_405(rq, con, "GET, HEAD, OPTIONS");
    } else if (!strcmp(p, "/v1/health")) {
        ret = get ? ep_health(rq, con, &t) : reply_405(rq, con, "GET, HEAD, OPTIONS");
    } else if (!strcmp(p, "/v1/openapi.json")) {
        ret = get ? ep_openapi(rq, con, &t) : reply_405(rq, con, "GET, HEAD, OPTIONS");
    } else if (sr__analysis_path(p)) {
        int list_only = !strcmp(p, "/v1/scenarios");
        ret = get || (post && !list_only) ? ep_analysis(rq, con, &t, post) : reply_405(rq, con, sr__analysis_allow(p));
    } else if (!strncmp(p, "/v1/", 4) || !strcmp(p, "/v1")) {
        ret = not_found(rq, con, p);
    } else {
        ret = get ? ep_static(rq, con, p) : reply_405(rq, con, "GET, HEAD, OPTIONS");
    }
    sr__target_free(&t);
    return ret;
}

/* ---------------------------------------------------------------------------
 * libmicrohttpd callbacks
 * ------------------------------------------------------------------------- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    sr__server *s = cls;
    req *rq = calloc(1, sizeof *rq);
    if (!rq)
        return NULL;
    rq->srv = s;
    clock_gettime(CLOCK_MONOTONIC, &rq->t0);
    /* libmicrohttpd's read buffer bounds the URI; keep one byte more than
     * our limit so that the parser can say 414. */
    size_t n = strnlen(uri, SR__MAX_URI + 1);
    rq->uri = malloc(n + 1);
    if (rq->uri) {
        memcpy(rq->uri, uri, n);
        rq->uri[n] = '\0';
        rq->uri_len = n;
    }
    atomic_fetch_add(&s->inflight, 1);
    /* The request line is in: the request is under way (if the watchdog
     * did not see its first byte already). */
    conn_slot *slot = con_slot(con);
    pthread_mutex_lock(&s->conn_lock);
    if (slot && slot->used) {
        if (!slot->active) {
            slot->active = 1;
            clock_gettime(CLOCK_MONOTONIC, &slot->since);
        }
        slot->phase = PH_HEAD;
        slot->eof_ticks = 0;
    }
    pthread_mutex_unlock(&s->conn_lock);
    return rq;
}

/* How many values a header has in this request (Host must have one). */
static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct {
        const char *name;
        int n;
    } *c = cls;
    (void)kind;
    (void)value;
    if (key && !strcasecmp(key, c->name))
        c->n++;
    return MHD_YES;
}

static int header_count(struct MHD_Connection *con, const char *name)
{
    struct {
        const char *name;
        int n;
    } c = {name, 0};
    MHD_get_connection_values(con, MHD_HEADER_KIND, count_header, &c);
    return c.n;
}

/* Checks of the request head that libmicrohttpd 0.9.75 does not make
 * (RFC 9112): a status and message when the request must be refused and
 * its connection closed, else 0. */
static int check_head(struct MHD_Connection *con, const char *version, char *err, size_t errlen)
{
    int hosts = header_count(con, MHD_HTTP_HEADER_HOST);
    if (hosts > 1 || (hosts == 0 && version && !strcmp(version, MHD_HTTP_VERSION_1_1))) {
        snprintf(err, errlen, "%s", hosts ? "more than one Host header" : "HTTP/1.1 request without a Host header");
        return 400;
    }
    const char *te = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    int tes = header_count(con, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (te && (tes > 1 || strcasecmp(te, "chunked"))) {
        /* §6.1: a coding we do not know leaves the body's end unknown. */
        snprintf(err, errlen, "Transfer-Encoding '%.40s' not supported (only chunked)", te);
        return 501;
    }
    if (te && MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        /* §6.3: both framings at once is how requests are smuggled past
         * proxies; answer and close, whatever the body was. */
        snprintf(err, errlen, "both Content-Length and Transfer-Encoding given");
        return 400;
    }
    if (header_count(con, MHD_HTTP_HEADER_CONTENT_LENGTH) > 1) {
        snprintf(err, errlen, "more than one Content-Length header");
        return 400;
    }
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **req_cls)
{
    req *rq = *req_cls;
    (void)cls;
    (void)url;
    if (!rq || !rq->uri)
        return MHD_NO; /* out of memory: drop the connection */
    if (!rq->method) {
        rq->method = method;
        rq->version = version;
        char err[SR__ERRLEN];
        int st = check_head(con, version, err, sizeof err);
        if (st)
            return reply_close(rq, con, st, SR_EARG, err);
        /* Refuse an announced oversized body before reading any of it;
         * libmicrohttpd then closes the connection after the answer. */
        const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > SR__MAX_BODY) {
            rq->body_too_big = 1;
            return dispatch(rq, con);
        }
        return MHD_YES;
    }
    if (rq->status) {
        /* Already answered (413 before the body): drop what still arrives. */
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!rq->body_too_big && rq->body_len + *upload_size > SR__MAX_BODY) {
            /* A chunked body grew past the limit.  libmicrohttpd cannot
             * queue an answer in the middle of an upload, so read on and
             * drop the rest, and answer 413 when the upload has ended. */
            rq->body_too_big = 1;
            free(rq->body);
            rq->body = NULL;
            rq->body_len = 0;
        }
        if (rq->body_too_big) {
            rq->body_seen += *upload_size;
            *upload_size = 0;
            if (rq->body_seen > MAX_DRAIN) {
                rq->status = 413;
                rq->note = "closed: body over 16 MiB not read to its end";
                return MHD_NO;
            }
            return MHD_YES;
        }
        char *b = realloc(rq->body, rq->body_len + *upload_size + 1);
        if (!b)
            return MHD_NO;
        memcpy(b + rq->body_len, upload_data, *upload_size);
        rq->body = b;
        rq->body_len += *upload_size;
        b[rq->body_len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    return dispatch(rq, con);
}

/* Copy s into out (size outsz) with control and non-ASCII bytes as \xHH,
 * so that a hostile URI cannot forge log lines. */
static void log_escape(const char *s, char *out, size_t outsz)
{
    size_t o = 0;
    for (; s && *s && o + 5 < outsz; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\')
            o += (size_t)snprintf(out + o, outsz - o, "\\x%02X", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
}

static double since_s(const struct timespec *a)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - a->tv_sec) + (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

/* The address bytes of a client (4 for IPv4, 16 for IPv6); 0 if neither. */
static int addr_key(const struct sockaddr *sa, unsigned char out[16])
{
    if (sa && sa->sa_family == AF_INET) {
        memcpy(out, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return AF_INET;
    }
    if (sa && sa->sa_family == AF_INET6) {
        memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
        return AF_INET6;
    }
    return 0;
}

/* Connections from this address (under conn_lock). */
static unsigned from_addr(const sr__server *s, int fam, const unsigned char *a)
{
    unsigned n = 0;
    size_t len = fam == AF_INET ? 4 : 16;
    for (unsigned i = 0; i < s->n_slots; i++)
        n += s->slots[i].used && s->slots[i].family == fam && !memcmp(s->slots[i].addr, a, len);
    return n;
}

/* libmicrohttpd asks before it sets up an accepted connection: over the
 * limit in all or for this address, refuse it (the socket is closed at
 * once), so clients over the limit are told at once instead of waiting in
 * the kernel's backlog, and the server recovers as soon as others close. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    sr__server *s = cls;
    unsigned char a[16];
    (void)addrlen;
    int fam = addr_key(addr, a);
    pthread_mutex_lock(&s->conn_lock);
    int ok = s->n_conns < s->max_conns && (!fam || from_addr(s, fam, a) < s->max_per_addr);
    pthread_mutex_unlock(&s->conn_lock);
    return ok ? MHD_YES : MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    sr__server *s = cls;
    pthread_mutex_lock(&s->conn_lock);
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ai = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        unsigned char a[16] = {0};
        int fam = addr_key(ai ? ai->client_addr : NULL, a);
        /* The exact check: pool threads accept in parallel, so on_accept
         * may let a few more through; those are shut down here. */
        int over = s->n_conns >= s->max_conns || (fam && from_addr(s, fam, a) >= s->max_per_addr);
        conn_slot *slot = NULL;
        for (unsigned i = 0; ci && !over && i < s->n_slots && !slot; i++)
            if (!s->slots[i].used)
                slot = &s->slots[i];
        if (slot) {
            memset(slot, 0, sizeof *slot);
            slot->used = 1;
            slot->fd = ci->connect_fd;
            slot->family = fam;
            memcpy(slot->addr, a, 16);
            /* The first request's clock starts with the connection. */
            slot->active = 1;
            clock_gettime(CLOCK_MONOTONIC, &slot->since);
            s->n_conns++;
            *socket_context = slot;
        } else if (ci) {
            shutdown(ci->connect_fd, SHUT_RDWR);
        }
    } else if (*socket_context) {
        conn_slot *slot = *socket_context;
        slot->used = 0;
        slot->q = NULL;
        s->n_conns--;
        *socket_context = NULL;
        atomic_store(&s->closed_since_trim, 1);
    }
    pthread_mutex_unlock(&s->conn_lock);
}

/* A keep-alive connection is idle until its next request starts. */
static void request_done(sr__server *s, struct MHD_Connection *con)
{
    conn_slot *slot = con_slot(con);
    if (!slot)
        return;
    pthread_mutex_lock(&s->conn_lock);
    if (slot->used) {
        /* Bytes of the next request may be waiting already: then it has
         * begun, else the connection is idle until the watchdog sees data. */
        int pending = 0;
        slot->active = ioctl(slot->fd, FIONREAD, &pending) == 0 && pending > 0;
        clock_gettime(CLOCK_MONOTONIC, &slot->idle_at);
        slot->since = slot->idle_at;
        slot->phase = PH_IDLE;
        slot->eof_ticks = 0;
        slot->q = NULL;
    }
    pthread_mutex_unlock(&s->conn_lock);
}

static void *watchdog_main(void *arg)
{
    sr__server *s = arg;
    double cap = s->cfg.max_request_s ? s->cfg.max_request_s : 60;
    int rounds = 0;
    while (!atomic_load(&s->stopping)) {
        nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
        int draining = atomic_load(&s->draining);
        pthread_mutex_lock(&s->conn_lock);
        for (unsigned i = 0; i < s->n_slots; i++) {
            conn_slot *c = &s->slots[i];
            if (!c->used || c->shut)
                continue;
            if (draining && c->q)
                sr_query_cancel(c->q, 1);
            struct tcp_info ti;
            socklen_t tl = sizeof ti;
            if (!c->active && getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0 &&
                since_s(&c->idle_at) * 1000 > (double)ti.tcpi_last_data_recv + 50) {
                /* Data arrived after the previous request ended: the next
                 * request began when its first byte came, which the kernel
                 * dates (the last arrival, at most one round of 0.2 s after
                 * the first); libmicrohttpd may have read it already.  The
                 * kernel counts in jiffies, so only arrivals clearly after
                 * the end (50 ms) count; earlier ones are seen waiting by
                 * request_done() or start the clock at the request line. */
                c->active = 1;
                clock_gettime(CLOCK_MONOTONIC, &c->since);
                c->since.tv_sec -= ti.tcpi_last_data_recv / 1000;
                c->since.tv_nsec -= (long)(ti.tcpi_last_data_recv % 1000) * 1000000;
                if (c->since.tv_nsec < 0) {
                    c->since.tv_nsec += 1000000000;
                    c->since.tv_sec--;
                }
            }
            if (c->active && since_s(&c->since) > cap) {
                if (c->q)
                    sr_query_cancel(c->q, 1);
                shutdown(c->fd, SHUT_RDWR);
                c->shut = c->cut = 1;
                continue;
            }
            if (c->active && c->phase != PH_ANSWER) {
                /* End-of-file in the middle of a request: the client
                 * half-closed, nothing more can come.  Seen twice (0.4 s)
                 * so that a request being parsed right now is not hit. */
                char b;
                ssize_t n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
                if (n == 0 && ++c->eof_ticks >= 2) {
                    shutdown(c->fd, SHUT_RDWR);
                    c->shut = 1;
                } else if (n != 0) {
                    c->eof_ticks = 0;
                }
            }
        }
        pthread_mutex_unlock(&s->conn_lock);
#ifdef __GLIBC__
        /* Hand memory of closed connections (large answers, their
         * buffers) back to the system, at most every two seconds. */
        if (++rounds % 10 == 0 && atomic_exchange(&s->closed_since_trim, 0))
            malloc_trim(0);
#else
        (void)rounds;
#endif
    }
    return NULL;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    sr__server *s = cls;
    conn_slot *slot = con_slot(con);
    int cut = 0;
    if (slot) {
        pthread_mutex_lock(&s->conn_lock);
        cut = slot->used && slot->cut;
        pthread_mutex_unlock(&s->conn_lock);
    }
    request_done(s, con);
    req *rq = *req_cls;
    if (!rq)
        return;
    *req_cls = NULL;
    if (s->cfg.access_log) {
        char host[INET6_ADDRSTRLEN + 1] = "-";
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr) {
            socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                                   : sizeof(struct sockaddr_in);
            if (getnameinfo(ci->client_addr, len, host, sizeof host, NULL, 0, NI_NUMERICHOST))
                strcpy(host, "-");
        }
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - rq->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - rq->t0.tv_nsec) / 1e6;
        char uri[600], when[32];
        log_escape(rq->uri, uri, sizeof uri);
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        /* One fprintf per line under the lock: lines never interleave. */
        pthread_mutex_lock(&s->lock);
        /* The status is what was queued (0: nothing); the tail says how
         * the request ended when it did not simply complete. */
        char tail[160] = "";
        if (cut)
            snprintf(tail, sizeof tail, " cut: over --max-request-time %us", s->cfg.max_request_s ? s->cfg.max_request_s : 60);
        else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
            snprintf(tail, sizeof tail, " aborted%s%s", rq->note ? ": " : "", rq->note ? rq->note : "");
        else if (rq->note)
            snprintf(tail, sizeof tail, " %s", rq->note);
        fprintf(s->cfg.access_log, "%s %s \"%s %s %s\" %d %zu %.3fms%s\n", when, host,
                rq->method ? rq->method : "-", uri, rq->version ? rq->version : "-", rq->status, rq->bytes, ms, tail);
        fflush(s->cfg.access_log);
        pthread_mutex_unlock(&s->lock);
    }
    free(rq->uri);
    free(rq->body);
    free(rq);
    atomic_fetch_sub(&s->inflight, 1);
}

/* ---------------------------------------------------------------------------
 * Start and stop
 * ------------------------------------------------------------------------- */

int sr__server_start(const sr_network *net, const sr__server_config *cfg, sr__server **out, char *err,
                     size_t errlen)
{
    *out = NULL;
    sr__server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->net = net;
    s->cfg = *cfg;
    /* The dataset's pipelines, if any; a broken pipelines folder fails the
     * start like a broken dataset would. */
    s->pipes = sr__pipes_open(net, err, errlen);
    if (!s->pipes && err[0]) {
        free(s);
        return -1;
    }
    s->started = time(NULL);
    atomic_init(&s->inflight, 0);
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->conn_lock, NULL);
    atomic_init(&s->stopping, 0);
    s->max_conns = cfg->max_connections ? cfg->max_connections : 1024;
    s->max_per_addr = cfg->max_per_address ? cfg->max_per_address : 64;
    atomic_init(&s->draining, 0);
    atomic_init(&s->closed_since_trim, 0);
    /* Room for the few that parallel accepts let past on_accept. */
    s->n_slots = s->max_conns + 64;
    atomic_init(&s->streams_stop, 0);
    s->slots = calloc(s->n_slots, sizeof *s->slots);
    if (!s->slots) {
        snprintf(err, errlen, "out of memory");
        sr__server_stop(s, 0);
        return -1;
    }
    if (cfg->web_dir) {
        char real[PATH_MAX];
        if (!realpath(cfg->web_dir, real)) {
            snprintf(err, errlen, "web directory '%s': %s", cfg->web_dir, strerror(errno));
            sr__server_stop(s, 0);
            return -1;
        }
        s->web_root = strdup(real);
    }
    if (cfg->route_cache >= 0) {
        /* 64 MiB by default; answers up to 256 KiB: a Pareto set of a
         * dozen long routes (larger ones are streamed, never cached). */
        s->cache = sr__cache_create(cfg->route_cache ? (size_t)cfg->route_cache : (size_t)64 << 20, 256 * 1024);
        if (!s->cache) {
            snprintf(err, errlen, "out of memory");
            sr__server_stop(s, 0);
            return -1;
        }
    }
    if (cfg->store) {
        s->track = sr__track_create(cfg->store, net, err, errlen);
        if (!s->track) {
            sr__server_stop(s, 0);
            return -1;
        }
        sr__alerter_config ac = {.store = cfg->store, .interval_ms = cfg->alert_interval_ms,
                                 .margin_s = cfg->milestone_margin_s};
        s->alerter = sr__alerter_start(&ac, err, errlen);
        if (!s->alerter) {
            sr__server_stop(s, 0);
            return -1;
        }
    }
    s->analysis = sr__analysis_create(net, cfg->analysis_jobs, cfg->route_cache >= 0 ? (size_t)32 << 20 : 0);
    if (!s->analysis) {
        snprintf(err, errlen, "out of memory");
        sr__server_stop(s, 0);
        return -1;
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    s->threads = cfg->threads ? cfg->threads : (unsigned)(ncpu > 0 ? ncpu : 1);

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    const char *bind = cfg->bind ? cfg->bind : "127.0.0.1";
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC;
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, bind, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)cfg->port);
    } else if (inet_pton(AF_INET6, bind, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)cfg->port);
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, errlen, "--bind: '%s' is not a numeric IPv4 or IPv6 address", bind);
        sr__server_stop(s, 0);
        return -1;
    }
#ifdef __GLIBC__
    /* Large answers in their own mappings, returned to the system when
     * freed: a fixed threshold stops glibc from raising it after the first
     * large free, which kept hundreds of MB after clients went away. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1 << 20);
#endif
    s->d = MHD_start_daemon(flags, (uint16_t)cfg->port, on_accept, s, on_request, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)s->threads,
                            /* Our own limits are on_accept's; libmicrohttpd's,
                             * split between the pool threads, only has to
                             * stay out of their way. */
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned int)(2 * s->n_slots + 64 * s->threads),
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)(cfg->timeout_s ? cfg->timeout_s : 30),
                            /* Room for our URI limit plus headers; larger
                             * requests get libmicrohttpd's own 414/431.
                             * libmicrohttpd zeroes the whole pool after
                             * every request, so it is no larger than that
                             * needs: 48 KiB made the memset 4.5 % of an
                             * uncached /v1/route (issue 16). */
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(SR__MHD_POOL),
                            MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
                            MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "cannot listen on %s port %d: %s", bind, cfg->port,
                 errno ? strerror(errno) : "libmicrohttpd failed to start");
        sr__server_stop(s, 0);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : cfg->port;
    if (pthread_create(&s->watchdog, NULL, watchdog_main, s) != 0) {
        snprintf(err, errlen, "cannot start the request watchdog thread");
        sr__server_stop(s, 0);
        return -1;
    }
    s->watchdog_started = 1;
    *out = s;
    return 0;
}

int sr__server_port(const sr__server *s) { return s->port; }

void sr__server_stop(sr__server *s, int grace_ms)
{
    if (!s)
        return;
    atomic_store(&s->streams_stop, 1);
    if (s->d) {
        MHD_socket ls = MHD_quiesce_daemon(s->d);
        if (ls != MHD_INVALID_SOCKET)
            close(ls);
        /* Let requests already being handled finish and be sent. */
        for (int waited = 0; waited < grace_ms && atomic_load(&s->inflight) > 0; waited += 10)
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        /* Then cancel the route queries still running: they stop within a
         * thousand labels and answer 503; give them a second to be sent. */
        atomic_store(&s->draining, 1);
        for (int waited = 0; waited < 1000 && atomic_load(&s->inflight) > 0; waited += 10) {
            pthread_mutex_lock(&s->conn_lock);
            for (unsigned i = 0; i < s->n_slots; i++)
                if (s->slots[i].used && s->slots[i].q)
                    sr_query_cancel(s->slots[i].q, 1);
            pthread_mutex_unlock(&s->conn_lock);
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        }
        MHD_stop_daemon(s->d);
    }
    if (s->watchdog_started) {
        atomic_store(&s->stopping, 1);
        pthread_join(s->watchdog, NULL);
    }
    for (qnode *n = s->queries, *next; n; n = next) {
        next = n->next;
        sr_query_destroy(n->q);
        sr_detail_close(n->d);
        free(n);
    }
    sr__cache_free(s->cache);
    sr__alerter_stop(s->alerter);
    sr__track_destroy(s->track);
    sr__analysis_free(s->analysis);
    sr_pipelines_close(s->pipes);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->conn_lock);
    free(s->slots);
    free(s->web_root);
    free(s);
}
