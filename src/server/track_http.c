/*
 * track_http.c - the tracking API of `silkroute serve` (track_http.h).
 *
 *   POST /v1/shipments                    book (writer)
 *   GET  /v1/shipments?status=&q=&limit=  list (reader)
 *   GET  /v1/shipments/{ref}              shipment, plan, events (reader)
 *   GET  /v1/shipments/{ref}/eta          ETA and its history (reader)
 *   POST /v1/shipments/{ref}/events       one event or a batch (writer)
 *   POST /v1/events                       a batch naming its shipments (writer)
 *   GET  /v1/alerts?after=&limit=         alerts after an id (reader)
 *   POST /v1/webhooks, DELETE /v1/webhooks/{id}   alert webhooks (writer)
 *   GET  /v1/stream                       Server-Sent Events of ETAs and alerts (reader;
 *                                         the streaming itself is in server.c)
 *
 * Every request needs "Authorization: Bearer TOKEN": no or an unknown
 * token is 401, a reader token on a write is 403.  The token is looked up
 * by its SHA-256 in the store and is never logged (the access log has the
 * request line only).  Each token has a rate in requests per minute,
 * enforced here by a token bucket per token name (429 with Retry-After).
 *
 * Each pool thread opens its own store handle (and query state for
 * bookings) on first use, as the router does with its queries; the store
 * serialises writers itself.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "track_http.h"

#define RATE_SLOTS 1024
#define MAX_STREAMS 8

typedef struct tnode {
    sr_store *st;
    sr_query *q;
    struct tnode *next;
} tnode;

typedef struct bucket {
    char name[65];
    double tokens;
    double last;
} bucket;

struct sr__track {
    char *uri;
    const sr_network *net;
    /* Event posts of every pool thread go through one group commit, so
     * concurrent posts share a flush (sr_store_group_post_json). */
    sr_store_group *group;
    pthread_mutex_t lock; /* guards nodes and buckets */
    tnode *nodes;
    bucket buckets[RATE_SLOTS];
    int streams; /* open event streams, under lock */
};

static _Thread_local const sr__track *tl_owner;
static _Thread_local tnode *tl_node;

sr__track *sr__track_create(const char *uri, const sr_network *net, char *err, size_t errcap)
{
    sr_store *st = NULL;
    if (sr_store_open(uri, &st) != SR_OK) {
        snprintf(err, errcap, "--store: %s", st ? sr_store_errmsg(st) : "out of memory");
        sr_store_close(st);
        return NULL;
    }
    sr_store_close(st);
    sr__track *t = calloc(1, sizeof *t);
    if (!t || !(t->uri = strdup(uri))) {
        free(t);
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    t->net = net;
    if (sr_store_group_open(uri, &t->group) != SR_OK) {
        snprintf(err, errcap, "--store: %s", t->group ? sr_store_group_errmsg(t->group) : "out of memory");
        sr_store_group_close(t->group);
        free(t->uri);
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

void sr__track_destroy(sr__track *t)
{
    if (!t)
        return;
    for (tnode *n = t->nodes, *next; n; n = next) {
        next = n->next;
        sr_store_close(n->st);
        sr_query_destroy(n->q);
        free(n);
    }
    sr_store_group_close(t->group);
    pthread_mutex_destroy(&t->lock);
    free(t->uri);
    free(t);
}

static tnode *thread_node(sr__track *t)
{
    if (tl_owner == t && tl_node)
        return tl_node;
    tnode *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    if (sr_store_open(t->uri, &n->st) != SR_OK || sr_query_create(t->net, &n->q) != SR_OK) {
        sr_store_close(n->st);
        sr_query_destroy(n->q);
        free(n);
        return NULL;
    }
    /* Checkpoints run on the alert thread (webhook.c), not in requests. */
    sr_store_defer_checkpoints(n->st);
    pthread_mutex_lock(&t->lock);
    n->next = t->nodes;
    t->nodes = n;
    pthread_mutex_unlock(&t->lock);
    tl_owner = t;
    tl_node = n;
    return n;
}

int sr__track_path(const char *p)
{
    return !strcmp(p, "/v1/shipments") || !strncmp(p, "/v1/shipments/", 14) || !strcmp(p, "/v1/events") ||
           !strcmp(p, "/v1/alerts") || !strcmp(p, "/v1/webhooks") || !strncmp(p, "/v1/webhooks/", 13) ||
           !strcmp(p, "/v1/stream");
}

static void set(sr__track_reply *o, int status, char *body)
{
    o->status = status;
    o->body = body;
}

static void fail(sr__track_reply *o, int status, sr_code c, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail(sr__track_reply *o, int status, sr_code c, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    set(o, status, sr_error_json(c, msg, 0));
}

/* An HTTP-level refusal (401, 403, 429) with its own code name. */
static void refuse(sr__track_reply *o, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void refuse(sr__track_reply *o, int status, const char *code, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *j = json_pack("{s:s,s:s}", "code", code, "message", msg);
    set(o, status, j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL);
    json_decref(j);
}

static int status_of(sr_code c)
{
    switch (c) {
    case SR_OK: return 200;
    case SR_EARG: case SR_EPLACE: return 400;
    case SR_ENOTFOUND: return 404;
    case SR_ECONFLICT: return 409;
    case SR_ELIMIT: return 413;
    case SR_ENOROUTE: return 422;
    case SR_EIO: return 507; /* the store's disk is full */
    case SR_ESTORE: return 503;
    default: return 500;
    }
}

/* Token bucket of `name`: capacity and refill of per_minute per minute.
 * Returns 0 when the request may go, else the seconds to wait. */
static int rate_take(sr__track *t, const char *name, long per_minute)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    unsigned h = 5381;
    for (const char *p = name; *p; p++)
        h = h * 33 + (unsigned char)*p;
    pthread_mutex_lock(&t->lock);
    bucket *b = NULL;
    for (unsigned k = 0; k < 16 && !b; k++) {
        bucket *c = &t->buckets[(h + k) % RATE_SLOTS];
        if (!c->name[0] || !strcmp(c->name, name))
            b = c;
    }
    if (!b) /* table full around here: share the home slot */
        b = &t->buckets[h % RATE_SLOTS];
    if (strcmp(b->name, name)) {
        snprintf(b->name, sizeof b->name, "%s", name);
        b->tokens = (double)per_minute;
        b->last = now;
    }
    double rate = (double)per_minute / 60.0;
    b->tokens = fmin((double)per_minute, b->tokens + (now - b->last) * rate);
    b->last = now;
    int wait = 0;
    if (b->tokens >= 1.0)
        b->tokens -= 1.0;
    else
        wait = (int)ceil((1.0 - b->tokens) / rate);
    pthread_mutex_unlock(&t->lock);
    return wait;
}

/* 0 when the request may go on as `name`; else the reply is set. */
static int authorise(sr__track *t, tnode *n, const char *auth, int write, char *name, sr__track_reply *o)
{
    if (!auth || strncmp(auth, "Bearer ", 7) || !auth[7]) {
        o->www_authenticate = 1;
        refuse(o, 401, "Unauthorized", "Authorization: a bearer token is required (Authorization: Bearer TOKEN)");
        return -1;
    }
    sr_role role;
    long rate;
    sr_code c = sr_token_check(n->st, auth + 7, &role, name, &rate);
    if (c == SR_ENOTFOUND) {
        o->www_authenticate = 1;
        refuse(o, 401, "Unauthorized", "Authorization: unknown or revoked token");
        return -1;
    }
    if (c != SR_OK) {
        fail(o, status_of(c), c, "%s", sr_store_errmsg(n->st));
        return -1;
    }
    if (write && role != SR_ROLE_WRITER) {
        refuse(o, 403, "Forbidden", "Authorization: token '%s' is a reader token; this needs a writer token", name);
        return -1;
    }
    int wait = rate_take(t, name, rate);
    if (wait) {
        o->retry_after_s = wait;
        refuse(o, 429, "TooManyRequests", "rate limit of token '%s' (%ld requests per minute) exceeded; retry in %d s", name, rate,
             wait);
        return -1;
    }
    return 0;
}

/* POST /v1/shipments: booking fields plus route options (as /v1/route). */
static void book(tnode *n, const sr_network *net, const char *body, size_t len, sr__track_reply *o)
{
    json_error_t je;
    json_t *root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(root)) {
        json_decref(root);
        fail(o, 400, SR_EARG, "body: expected a JSON object (%s)", root ? "not an object" : je.text);
        return;
    }
    sr_shipment_spec s;
    sr_shipment_spec_init(&s);
    long option = 0;
    const char *ready = NULL, *promised = NULL;
    json_t *v;
    char err[SR__ERRLEN] = "";
#define BAD(...)                                                                                                     \
    do {                                                                                                             \
        fail(o, 400, SR_EARG, __VA_ARGS__);                                                                           \
        goto out;                                                                                                    \
    } while (0)
    if ((v = json_object_get(root, "ref"))) {
        if (!json_is_string(v))
            BAD("ref: expected a string");
        s.ref = json_string_value(v);
    }
    if ((v = json_object_get(root, "containers"))) {
        if (!json_is_array(v) || json_array_size(v) > SR_MAX_CONTAINERS)
            BAD("containers: expected an array of at most %d ISO 6346 numbers", SR_MAX_CONTAINERS);
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (!json_is_string(json_array_get(v, i)))
                BAD("containers[%zu]: expected a string", i);
            s.containers[s.n_containers++] = json_string_value(json_array_get(v, i));
        }
    }
    if ((v = json_object_get(root, "ready"))) {
        if (!json_is_string(v))
            BAD("ready: expected an ISO 8601 time");
        ready = json_string_value(v);
    }
    if ((v = json_object_get(root, "promised"))) {
        if (!json_is_string(v))
            BAD("promised: expected an ISO 8601 time");
        promised = json_string_value(v);
    }
    if ((v = json_object_get(root, "late_after_h"))) {
        if (!json_is_number(v))
            BAD("late_after_h: expected a number of hours");
        s.late_after_h = json_number_value(v);
    }
    if ((v = json_object_get(root, "option"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000)
            BAD("option: expected an integer from 1 (an option of the Pareto set)");
        option = (long)json_integer_value(v);
    }
    if ((v = json_object_get(root, "quantity")) && json_is_number(v))
        s.quantity = json_number_value(v);
    if ((v = json_object_get(root, "cargo")) && json_is_string(v) && sr_unit_parse(json_string_value(v)) >= 0)
        s.unit = (sr_unit)sr_unit_parse(json_string_value(v));
    if (!ready)
        BAD("ready: missing");
    /* What is left are the route options, read exactly as /v1/route. */
    /* A copy, so that the strings taken above stay alive in root. */
    json_t *opts = json_copy(root);
    static const char *const mine[] = {"ref", "containers", "ready", "promised", "late_after_h", "option"};
    for (size_t i = 0; opts && i < sizeof mine / sizeof mine[0]; i++)
        json_object_del(opts, mine[i]);
    if (opts && option)
        json_object_set_new(opts, "pareto", json_true());
    char *rest = opts ? json_dumps(opts, JSON_COMPACT) : NULL;
    json_decref(opts);
    sr__route_req rr;
    int st = rest ? sr__route_from_json(rest, strlen(rest), &rr, err, sizeof err) : 500;
    free(rest);
    if (st) {
        sr__route_req_free(&rr);
        fail(o, st, st == 413 ? SR_ELIMIT : SR_EARG, "%s", err);
        goto out;
    }
    size_t from;
    if (sr_place_find(net, rr.opts.from, &from) != SR_OK) {
        sr__route_req_free(&rr);
        fail(o, 400, SR_EPLACE, "from: unknown place '%.64s'", rr.opts.from);
        goto out;
    }
    /* Times without an offset are local at the origin. */
    if (sr_time_parse(ready, sr_network_place(net, from)->tz, &s.ready) != SR_OK ||
        (promised && sr_time_parse(promised, NULL, &s.promised) != SR_OK)) {
        sr__route_req_free(&rr);
        fail(o, 400, SR_EARG, "%s: expected an ISO 8601 time like 2026-06-03T08:00+08:00",
             promised && sr_time_parse(ready, NULL, &s.ready) == SR_OK ? "promised" : "ready");
        goto out;
    }
    sr_result *res = NULL;
    sr_code c = sr_route_query(n->q, &rr.opts, &res);
    sr__route_req_free(&rr);
    if (c != SR_OK) {
        fail(o, status_of(c), c, "%s", sr_query_errmsg(n->q));
        goto out;
    }
    size_t pick = option ? (size_t)option - 1 : 0;
    if (pick >= sr_result_count(res)) {
        fail(o, 400, SR_EARG, "option: %ld asked, but there are %zu options", option, sr_result_count(res));
        sr_result_free(res);
        goto out;
    }
    c = sr_shipment_create(n->st, net, &s, sr_result_route(res, pick), NULL);
    sr_result_free(res);
    if (c != SR_OK) {
        fail(o, status_of(c), c, "%s", sr_store_errmsg(n->st));
        goto out;
    }
    char *j = NULL;
    c = sr_shipment_json(n->st, s.ref, 0, &j);
    if (c != SR_OK)
        fail(o, status_of(c), c, "%s", sr_store_errmsg(n->st));
    else
        set(o, 201, j);
#undef BAD
out:
    json_decref(root);
}

static int parse_id(const char *s, int64_t *out)
{
    long v;
    if (!s || sr__parse_long(s, 0, 0x7fffffffffffffffL, &v))
        return -1;
    *out = v;
    return 0;
}

/* /v1/alerts and /v1/webhooks. */
static void misc(sr__track *t, const char *method, const sr__target *tg, const char *auth, const char *body, size_t len,
                 sr__track_reply *o)
{
    const char *p = tg->path;
    int is_alerts = !strcmp(p, "/v1/alerts"), is_hooks = !strcmp(p, "/v1/webhooks");
    int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    if ((is_alerts && !get) || (is_hooks && strcmp(method, "POST")) ||
        (!is_alerts && !is_hooks && strcmp(method, "DELETE"))) {
        fail(o, 405, SR_EARG, "method %s not allowed here; allowed: %s", method,
             is_alerts ? "GET" : is_hooks ? "POST" : "DELETE");
        return;
    }
    tnode *n = thread_node(t);
    if (!n) {
        fail(o, 503, SR_ESTORE, "cannot open the tracking store");
        return;
    }
    char name[65] = "";
    if (authorise(t, n, auth, !is_alerts, name, o))
        return;
    for (size_t i = 0; i < tg->n_params; i++)
        if (!is_alerts || (strcmp(tg->params[i].key, "after") && strcmp(tg->params[i].key, "limit"))) {
            fail(o, 400, SR_EARG, "unknown parameter '%.64s'", tg->params[i].key);
            return;
        }
    char *j = NULL;
    sr_code c;
    if (is_alerts) {
        int64_t after = 0;
        long limit = 100;
        const char *a = sr__target_get(tg, "after"), *l = sr__target_get(tg, "limit");
        if (a && parse_id(a, &after)) {
            fail(o, 400, SR_EARG, "parameter 'after': expected an alert id");
            return;
        }
        if (l && sr__parse_long(l, 1, 1000, &limit)) {
            fail(o, 400, SR_EARG, "parameter 'limit': expected an integer from 1 to 1000");
            return;
        }
        /* The change feed with the ETA part skipped past everything. */
        c = sr_changes_json(n->st, INT64_MAX, after, (size_t)limit, 0, &j);
    } else if (is_hooks) {
        json_t *root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, NULL);
        json_t *u = json_object_get(root, "url");
        if (!json_is_object(root) || !json_is_string(u) || json_object_size(root) != 1) {
            json_decref(root);
            fail(o, 400, SR_EARG, "body: expected {\"url\": \"http://HOST[:PORT]/PATH\"}");
            return;
        }
        char *secret = NULL;
        int64_t id = 0;
        c = sr_webhook_add(n->st, json_string_value(u), &secret, &id);
        if (c == SR_OK) {
            json_t *a = json_pack("{s:s,s:I,s:s,s:s}", "code", "Ok", "id", (json_int_t)id, "url", json_string_value(u),
                                  "secret", secret);
            set(o, 201, a ? json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL);
            json_decref(a);
        }
        sr_free(secret);
        json_decref(root);
        if (c == SR_OK)
            return;
    } else {
        int64_t id;
        if (parse_id(p + 13, &id)) {
            fail(o, 404, SR_ENOTFOUND, "no such webhook: %.64s", p + 13);
            return;
        }
        c = sr_webhook_remove(n->st, id);
        if (c == SR_OK)
            j = strdup("{\"code\":\"Ok\"}");
    }
    if (c != SR_OK) {
        fail(o, status_of(c), c, "%s", sr_store_errmsg(n->st));
        return;
    }
    set(o, 200, j);
}

int sr__track_stream_open(sr__track *t, const sr__target *tg, const char *auth, const char *last_event_id,
                          int64_t *after_eta, int64_t *after_alert, sr__track_reply *o)
{
    memset(o, 0, sizeof *o);
    *after_eta = *after_alert = 0;
    if (!t) {
        fail(o, 404, SR_ENOTFOUND, "tracking is off: start the server with --store FILE or postgresql://...");
        return -1;
    }
    tnode *n = thread_node(t);
    if (!n) {
        fail(o, 503, SR_ESTORE, "cannot open the tracking store");
        return -1;
    }
    char name[65];
    if (authorise(t, n, auth, 0, name, o))
        return -1;
    for (size_t i = 0; i < tg->n_params; i++) {
        const char *k = tg->params[i].key;
        int64_t *dst = !strcmp(k, "after_eta") ? after_eta : !strcmp(k, "after_alert") ? after_alert : NULL;
        if (!dst || parse_id(tg->params[i].value, dst)) {
            fail(o, 400, SR_EARG, "parameter '%.64s': expected after_eta or after_alert with an id", k);
            return -1;
        }
    }
    if (last_event_id) {
        long long e = 0, a = 0;
        if (sscanf(last_event_id, "%lld.%lld", &e, &a) != 2 || e < 0 || a < 0) {
            fail(o, 400, SR_EARG, "Last-Event-ID: expected ETA.ALERT ids");
            return -1;
        }
        *after_eta = e;
        *after_alert = a;
    }
    pthread_mutex_lock(&t->lock);
    int ok = t->streams < MAX_STREAMS;
    if (ok)
        t->streams++;
    pthread_mutex_unlock(&t->lock);
    if (!ok) {
        o->retry_after_s = 5;
        fail(o, 503, SR_ELIMIT, "at most %d event streams at once", MAX_STREAMS);
        return -1;
    }
    return 0;
}

void sr__track_stream_end(sr__track *t)
{
    pthread_mutex_lock(&t->lock);
    t->streams--;
    pthread_mutex_unlock(&t->lock);
}

char *sr__track_stream_next(sr__track *t, int64_t *after_eta, int64_t *after_alert)
{
    tnode *n = thread_node(t);
    char *j = NULL;
    if (!n || sr_changes_json(n->st, *after_eta, *after_alert, 100, 0, &j) != SR_OK)
        return NULL;
    json_t *o = json_loads(j, 0, NULL);
    sr_free(j);
    json_t *al = json_object_get(o, "alerts"), *eta = json_object_get(o, "eta");
    if (!json_array_size(al) && !json_array_size(eta)) {
        json_decref(o);
        return NULL;
    }
    /* One SSE message per change; the id carries both positions. */
    size_t cap = 4096, used = 0;
    char *out = malloc(cap);
    for (int kind = 0; out && kind < 2; kind++) {
        json_t *a = kind ? al : eta;
        for (size_t i = 0; i < json_array_size(a); i++) {
            json_t *e = json_array_get(a, i);
            int64_t id = json_integer_value(json_object_get(e, "id"));
            if (kind)
                *after_alert = id;
            else
                *after_eta = id;
            char *d = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
            size_t need = used + (d ? strlen(d) : 0) + 96;
            if (need > cap) {
                char *nb = realloc(out, need * 2);
                if (!nb) {
                    free(d);
                    break;
                }
                out = nb;
                cap = need * 2;
            }
            used += (size_t)snprintf(out + used, cap - used, "id: %lld.%lld\nevent: %s\ndata: %s\n\n",
                                     (long long)*after_eta, (long long)*after_alert, kind ? "alert" : "eta", d ? d : "{}");
            free(d);
        }
    }
    json_decref(o);
    return out;
}

void sr__track_handle(sr__track *t, const char *method, const sr__target *tg, const char *auth, const char *body,
                      size_t len, sr__track_reply *o)
{
    memset(o, 0, sizeof *o);
    const char *p = tg->path;
    if (!t) {
        fail(o, 404, SR_ENOTFOUND, "tracking is off: start the server with --store FILE or postgresql://...");
        return;
    }
    int get = !strcmp(method, "GET") || !strcmp(method, "HEAD"), post = !strcmp(method, "POST");
    if (!strcmp(p, "/v1/alerts") || !strncmp(p, "/v1/webhooks", 12)) {
        misc(t, method, tg, auth, body, len, o);
        return;
    }
    /* Which resource: list, events batch, one shipment, its eta or events. */
    char ref[80] = "";
    const char *sub = "";
    if (!strncmp(p, "/v1/shipments/", 14)) {
        const char *r = p + 14, *slash = strchr(r, '/');
        size_t rl = slash ? (size_t)(slash - r) : strlen(r);
        if (rl == 0 || rl >= sizeof ref) {
            fail(o, 404, SR_ENOTFOUND, "no such resource: %.200s", p);
            return;
        }
        memcpy(ref, r, rl);
        ref[rl] = '\0';
        sub = slash ? slash + 1 : "";
        if (*sub && strcmp(sub, "eta") && strcmp(sub, "events")) {
            fail(o, 404, SR_ENOTFOUND, "no such resource: %.200s", p);
            return;
        }
    }
    int is_list = !strcmp(p, "/v1/shipments"), is_batch = !strcmp(p, "/v1/events");
    int write = (is_list && post) || is_batch || !strcmp(sub, "events");
    int allowed = is_list ? get || post : is_batch || !strcmp(sub, "events") ? post : get;
    if (!allowed) {
        fail(o, 405, SR_EARG, "method %s not allowed here; allowed: %s", method,
             is_list ? "GET, POST" : write ? "POST" : "GET");
        return;
    }
    tnode *n = thread_node(t);
    if (!n) {
        fail(o, 503, SR_ESTORE, "cannot open the tracking store");
        return;
    }
    char name[65] = "";
    if (authorise(t, n, auth, write, name, o))
        return;
    /* Query parameters: only the list takes any. */
    for (size_t i = 0; i < tg->n_params; i++) {
        const char *k = tg->params[i].key;
        if (!is_list || !get || (strcmp(k, "status") && strcmp(k, "q") && strcmp(k, "limit"))) {
            fail(o, 400, SR_EARG, "unknown parameter '%.64s'", k);
            return;
        }
    }
    char *j = NULL;
    sr_code c;
    if (is_list && post) {
        book(n, t->net, body, len, o);
        return;
    }
    if (is_list) {
        const char *lim = sr__target_get(tg, "limit");
        long limit = 100;
        if (lim && sr__parse_long(lim, 1, 1000, &limit)) {
            fail(o, 400, SR_EARG, "parameter 'limit': expected an integer from 1 to 1000; got '%.32s'", lim);
            return;
        }
        c = sr_shipment_list_json(n->st, sr__target_get(tg, "status"), sr__target_get(tg, "q"), (size_t)limit, 0, &j);
    } else if (write) {
        char source[80];
        snprintf(source, sizeof source, "api:%s", name);
        char err[1024];
        c = sr_store_group_post_json(t->group, t->net, body ? body : "", len, is_batch ? NULL : ref, source, &j, err,
                                     sizeof err);
        if (c == SR_OK) {
            set(o, 200, j);
            return;
        }
        fail(o, status_of(c), c, "%s", err);
        return;
    } else if (!strcmp(sub, "eta")) {
        c = sr_shipment_eta_json(n->st, ref, 0, &j);
    } else {
        c = sr_shipment_json(n->st, ref, 0, &j);
    }
    if (c != SR_OK) {
        fail(o, status_of(c), c, "%s", sr_store_errmsg(n->st));
        return;
    }
    set(o, 200, j);
}
