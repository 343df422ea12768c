/*
 * test_server_harden.c - regression tests of the HTTP server for issue 8
 * (Hardening, items 1-9), over raw loopback sockets: cache poisoning by a
 * control character, one work budget per query with 422/503 answers and
 * cancellation by the watchdog and by shutdown, the cap on options and the
 * streaming of large answers, a real 413 for an oversized chunked upload,
 * the request clock starting at the request and not at the end of the
 * previous one, refusing connections over the limits and recovering, a FIFO
 * in the web root, protocol edges that libmicrohttpd 0.9.75 lets through,
 * and the cache bounded in bytes.
 *
 * Each test starts its own server in this process on an ephemeral port of
 * 127.0.0.1.  Every socket has a receive timeout, so a hang fails a test
 * instead of stalling it; no assertion depends on how long something took.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../src/server/server.h"

#define DATA "tests/data/server"

static sr_network *net;     /* tests/data/server */
static sr_network *feed;    /* a GTFS feed with a 60 s headway */
static char feed_dir[64];

/* ---- sockets -------------------------------------------------------------- */

static int connect_from(int port, const char *src, int timeout_s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {timeout_s, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (src) {
        struct sockaddr_in b = {.sin_family = AF_INET};
        inet_pton(AF_INET, src, &b.sin_addr);
        if (bind(fd, (struct sockaddr *)&b, sizeof b)) {
            close(fd);
            return -1;
        }
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

typedef struct resp {
    int status;
    char head[4096];
    char *body;     /* de-chunked */
    size_t len;
    int eof;        /* the server closed the connection after the answer */
    int timeout;    /* the receive timed out */
} resp;

static void resp_free(resp *r)
{
    free(r->body);
    r->body = NULL;
}

static int has_header(const resp *r, const char *h) { return strcasestr(r->head, h) != NULL; }

/* Read one answer (Content-Length or chunked), then see whether the
 * connection is closed after it (when check_eof). */
static int read_resp(int fd, resp *r, int check_eof)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    memset(r, 0, sizeof *r);
    char *hend = NULL;
    long clen = -1;
    int chunked = 0;
    for (int rounds = 0; rounds < 1000000; rounds++) {
        if (hend && clen >= 0 && len >= (size_t)(hend + 4 - buf) + (size_t)clen)
            break;
        if (hend && chunked && len >= 5 && !memcmp(buf + len - 5, "0\r\n\r\n", 5))
            break;
        if (len == cap) {
            size_t off = hend ? (size_t)(hend - buf) : 0;
            cap *= 2;
            buf = realloc(buf, cap + 1);
            if (hend)
                hend = buf + off;
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            r->timeout = 1;
        if (n <= 0) {
            r->eof = n == 0;
            break;
        }
        len += (size_t)n;
        buf[len] = '\0';
        if (!hend && (hend = strstr(buf, "\r\n\r\n"))) {
            char *cl = strcasestr(buf, "\r\nContent-Length:");
            chunked = strcasestr(buf, "\r\nTransfer-Encoding: chunked") != NULL && strcasestr(buf, "\r\nTransfer-Encoding: chunked") < hend;
            clen = cl && cl < hend ? strtol(cl + 17, NULL, 10) : chunked ? -1 : 0;
        }
    }
    buf[len] = '\0';
    if (!hend || sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1) {
        free(buf);
        return -1;
    }
    size_t hl = (size_t)(hend - buf);
    snprintf(r->head, sizeof r->head, "%.*s", (int)(hl < sizeof r->head - 1 ? hl : sizeof r->head - 1), buf);
    char *p = hend + 4, *end = buf + len;
    r->body = malloc(len + 1);
    if (chunked) {
        while (p < end) {
            char *e;
            long n = strtol(p, &e, 16);
            if (n <= 0 || !(e = strstr(e, "\r\n")))
                break;
            memcpy(r->body + r->len, e + 2, (size_t)n);
            r->len += (size_t)n;
            p = e + 2 + n + 2;
        }
    } else {
        r->len = (size_t)(end - p);
        memcpy(r->body, p, r->len);
    }
    r->body[r->len] = '\0';
    free(buf);
    if (check_eof && !r->eof) {
        char c;
        ssize_t n = recv(fd, &c, 1, 0);
        r->eof = n == 0 || (n < 0 && errno == ECONNRESET);
        r->timeout = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    return 0;
}

/* Seconds a test client waits for an answer.  Raised where the server may
 * first finish work for clients that left (test_answer_cap_and_stream):
 * under the sanitizers on a loaded machine that took more than 5 s. */
static int answer_timeout_s = 5;

static int raw(int port, const char *req, size_t n, resp *r, int check_eof)
{
    int fd = connect_from(port, NULL, answer_timeout_s);
    if (fd < 0)
        return -1;
    int rc = send_all(fd, req, n);
    if (!rc)
        rc = read_resp(fd, r, check_eof);
    close(fd);
    return rc;
}

static int get(int port, const char *target, resp *r)
{
    char req[20000];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", target);
    return raw(port, req, (size_t)n, r, 0);
}

static int post(int port, const char *body, resp *r)
{
    char req[20000];
    int n = snprintf(req, sizeof req,
                     "POST /v1/route HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     strlen(body), body);
    return raw(port, req, (size_t)n, r, 0);
}

static sr__server *start(const sr_network *n, sr__server_config cfg, int *port)
{
    sr__server *s = NULL;
    char err[256];
    if (!cfg.bind)
        cfg.bind = "127.0.0.1";
    if (sr__server_start(n, &cfg, &s, err, sizeof err))
        fail_msg("%s", err);
    *port = sr__server_port(s);
    return s;
}

/* ---- fixtures ------------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *o = fopen(path, "w");
    assert_non_null(o);
    fputs(text, o);
    fclose(o);
}

/* The feed of test_budget.c: a trip every 60 s all day. */
static void write_feed(const char *dir)
{
    write_file(dir, "agency.txt", "agency_id,agency_name,agency_url,agency_timezone\nA,Headway,http://x,UTC\n");
    write_file(dir, "stops.txt", "stop_id,stop_name,stop_lat,stop_lon\nP0,Stop 0,40.0,60.0\nP1,Stop 1,41.0,61.0\n"
                                 "P2,Stop 2,42.0,62.0\nP3,Stop 3,43.0,63.0\n");
    write_file(dir, "routes.txt", "route_id,agency_id,route_short_name,route_long_name,route_type\nR0,A,R0,Fast,2\n"
                                  "R1,A,R1,Slow,2\n");
    write_file(dir, "route_freight.txt", "route_id,price_40ft_usd,co2e_kg_per_tkm\nR0,900,0.02\nR1,500,0.01\n");
    write_file(dir, "trips.txt", "route_id,service_id,trip_id\nR0,S,T0\nR1,S,T1\n");
    write_file(dir, "calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,"
                                    "end_date\nS,1,1,1,1,1,1,1,20260601,20260830\n");
    write_file(dir, "frequencies.txt", "trip_id,start_time,end_time,headway_secs\nT0,00:00:00,24:00:00,60\n"
                                       "T1,00:00:00,24:00:00,600\n");
    write_file(dir, "stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                                      "T0,00:00:00,00:00:00,P0,1\nT0,01:00:00,01:00:00,P1,2\nT0,02:00:00,02:00:00,P2,3\n"
                                      "T0,03:00:00,03:00:00,P3,4\nT1,00:00:00,00:00:00,P0,1\nT1,02:00:00,02:00:00,P1,2\n"
                                      "T1,04:00:00,04:00:00,P2,3\nT1,06:00:00,06:00:00,P3,4\n");
}

static int setup(void **state)
{
    (void)state;
    if (sr_network_open(DATA, &net) != SR_OK)
        return -1;
    snprintf(feed_dir, sizeof feed_dir, "/tmp/sr_srvh_XXXXXX");
    if (!mkdtemp(feed_dir))
        return -1;
    write_feed(feed_dir);
    if (sr_network_open(feed_dir, &feed) != SR_OK) {
        fprintf(stderr, "%s\n", sr_network_errmsg(feed));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const files[] = {"agency.txt", "stops.txt", "routes.txt", "route_freight.txt",
                                        "trips.txt", "calendar.txt", "frequencies.txt", "stop_times.txt"};
    char path[600];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", feed_dir, files[i]);
        unlink(path);
    }
    rmdir(feed_dir);
    sr_network_close(feed);
    sr_network_close(net);
    return 0;
}

/* ---- 1. cache poisoning ------------------------------------------------- */

static void test_cache_poisoning(void **state)
{
    (void)state;
    int p, p0;
    sr__server *s = start(net, (sr__server_config){.threads = 2, .timeout_s = 2}, &p);
    sr__server *s0 = start(net, (sr__server_config){.threads = 1, .timeout_s = 2, .route_cache = -1}, &p0);
    resp r, want;
    /* The body: a unit separator inside an avoid item. */
    assert_int_equal(post(p, "{\"from\":\"CNXIA\",\"to\":\"KZALA\",\"avoid\":[\"Khorgos\\u001fKZ-DOSTYK\"]}", &r), 0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "parameter 'avoid'"));
    assert_non_null(strstr(r.body, "control character"));
    resp_free(&r);
    /* Control characters anywhere, in any parameter, in both paths. */
    assert_int_equal(post(p, "{\"from\":\"CNXIA\\u0001\",\"to\":\"KZALA\"}", &r), 0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "parameter 'from'"));
    resp_free(&r);
    assert_int_equal(post(p, "{\"from\":\"CNXIA\",\"to\":\"KZALA\",\"by\":\"time\\u007f\"}", &r), 0);
    assert_int_equal(r.status, 400);
    resp_free(&r);
    assert_int_equal(get(p, "/v1/route?from=CNXIA&to=KZALA&avoid=Khorgos%1FKZ-DOSTYK", &r), 0);
    assert_int_equal(r.status, 400);
    resp_free(&r);
    /* The legitimate query gets its own answer, asked three times (cached
     * on the second miss), the same as from a server without a cache. */
    assert_int_equal(get(p0, "/v1/route?from=CNXIA&to=KZALA&avoid=Khorgos,KZ-DOSTYK", &want), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(get(p, "/v1/route?from=CNXIA&to=KZALA&avoid=Khorgos,KZ-DOSTYK", &r), 0);
        assert_int_equal(r.status, want.status);
        assert_string_equal(r.body, want.body);
        resp_free(&r);
    }
    /* The same options by POST: the same answer (and the same cache entry). */
    assert_int_equal(post(p, "{\"from\":\"CNXIA\",\"to\":\"KZALA\",\"avoid\":[\"Khorgos\",\"KZ-DOSTYK\"]}", &r), 0);
    assert_string_equal(r.body, want.body);
    resp_free(&r);
    /* Names that would collide when joined ("a,b" + "c" vs "a" + "b,c")
     * are different queries with different answers. */
    resp a, b;
    assert_int_equal(get(p, "/v1/route?from=CNXIA&to=KZALA&avoid=Khorgos", &a), 0);
    assert_int_equal(get(p, "/v1/route?from=CNXIA&to=KZALA&avoid=KZ-DOSTYK", &b), 0);
    assert_int_equal(get(p, "/v1/route?from=CNXIA&to=KZALA&avoid=Khorgos", &r), 0);
    assert_string_equal(r.body, a.body);
    resp_free(&r);
    assert_int_equal(get(p, "/v1/route?from=CNXIA&to=KZALA&avoid=KZ-DOSTYK", &r), 0);
    assert_string_equal(r.body, b.body);
    resp_free(&r);
    resp_free(&a);
    resp_free(&b);
    resp_free(&want);
    sr__server_stop(s0, 1000);
    sr__server_stop(s, 1000);
}

/* ---- 2. work budget, cancellation, shutdown ------------------------------- */

#define LONG_QUERY "/v1/route?from=P0&to=P3&pareto=true&depart=2026-06-03T00:00Z&window=62d"

static void test_budget_answers(void **state)
{
    (void)state;
    int p;
    resp r;
    /* The work budget: 422 naming it. */
    sr__server *s = start(net, (sr__server_config){.threads = 2, .timeout_s = 2, .max_work = 3}, &p);
    assert_int_equal(get(p, "/v1/route?from=CNXIA&to=GETBS&year=2030&pareto=true", &r), 0);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "\"LimitExceeded\""));
    assert_non_null(strstr(r.body, "work budget"));
    resp_free(&r);
    sr__server_stop(s, 1000);
    /* The time budget over every search of a departure window. */
    s = start(feed, (sr__server_config){.threads = 2, .timeout_s = 5, .max_query_s = 1}, &p);
    assert_int_equal(get(p, LONG_QUERY, &r), 0);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "time budget"));
    resp_free(&r);
    sr__server_stop(s, 1000);
}

typedef struct client {
    int port;
    resp r;
    int rc;
} client;

static void *long_client(void *arg)
{
    client *c = arg;
    int fd = connect_from(c->port, NULL, 30);
    const char *req = "GET " LONG_QUERY " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    c->rc = fd < 0 ? -1 : send_all(fd, req, strlen(req));
    if (!c->rc)
        c->rc = read_resp(fd, &c->r, 0);
    if (fd >= 0)
        close(fd);
    return NULL;
}

/* Inflight queries are cancelled by shutdown (503) and by the watchdog
 * (the connection is cut, the log says so); shutdown ends. */
static void test_cancel_by_shutdown_and_watchdog(void **state)
{
    (void)state;
    int p;
    sr__server *s = start(feed, (sr__server_config){.threads = 2, .timeout_s = 30, .max_query_s = 3600,
                                                   .max_request_s = 3600, .max_work = UINT64_MAX},
                          &p);
    client c = {p, {0}, 0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, long_client, &c), 0);
    nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
    /* A grace of 100 ms, then the query is cancelled and answers. */
    sr__server_stop(s, 100);
    pthread_join(th, NULL);
    assert_int_equal(c.rc, 0);
    assert_int_equal(c.r.status, 503);
    assert_non_null(strstr(c.r.body, "shutting down"));
    resp_free(&c.r);

    char logpath[] = "/tmp/sr_srvh_log_XXXXXX";
    int lfd = mkstemp(logpath);
    FILE *log = fdopen(lfd, "w+");
    s = start(feed, (sr__server_config){.threads = 2, .timeout_s = 30, .max_query_s = 3600, .max_request_s = 1,
                                       .max_work = UINT64_MAX, .access_log = log},
              &p);
    c = (client){p, {0}, 0};
    assert_int_equal(pthread_create(&th, NULL, long_client, &c), 0);
    pthread_join(th, NULL);
    /* Cut: no answer, the connection closed. */
    assert_int_not_equal(c.rc, 0);
    resp_free(&c.r);
    /* The server still answers, so the worker thread is free again. */
    resp r;
    assert_int_equal(get(p, "/v1/health", &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    sr__server_stop(s, 1000);
    fflush(log);
    rewind(log);
    char line[1024];
    int cut = 0;
    while (fgets(line, sizeof line, log))
        if (strstr(line, "window=62d") && strstr(line, " cut: over --max-request-time 1s"))
            cut = 1;
    assert_true(cut);
    fclose(log);
    unlink(logpath);
}

/* ---- 3. answer size ----------------------------------------------------- */

static void test_answer_cap_and_stream(void **state)
{
    (void)state;
    int p;
    sr__server *s = start(feed, (sr__server_config){.threads = 2, .timeout_s = 2}, &p);
    resp r;
    /* Default cap of 50 options; a 3-hour window finds far more. */
    assert_int_equal(get(p, "/v1/route?from=P0&to=P3&pareto=true&depart=2026-06-03T00:00Z&window=3h", &r), 0);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_array_size(json_object_get(j, "routes")), 50);
    size_t found = (size_t)json_integer_value(json_object_get(j, "options_found"));
    assert_true(found > 50);
    json_decref(j);
    /* Streamed (more than 16 options): chunked, and byte for byte the
     * library's answer. */
    assert_true(has_header(&r, "Transfer-Encoding: chunked"));
    sr_query *q = NULL;
    assert_int_equal(sr_query_create(feed, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "P0";
    o.to = "P3";
    o.pareto = 1;
    o.max_options = 50;
    char err[256];
    assert_int_equal(sr_route_options_set_times(feed, &o, "2026-06-03T00:00Z", NULL, "3h", err, sizeof err), SR_OK);
    sr_result *res = NULL;
    assert_int_equal(sr_route_query(q, &o, &res), SR_OK);
    char *js = sr_result_json(feed, res, 0);
    assert_string_equal(r.body, js);
    sr_free(js);
    sr_result_free(res);
    sr_query_destroy(q);
    resp_free(&r);
    /* A smaller cap on request; above the hard limit is a 400. */
    assert_int_equal(get(p, "/v1/route?from=P0&to=P3&pareto=true&depart=2026-06-03T00:00Z&window=3h&max_options=3", &r),
                     0);
    assert_int_equal(r.status, 200);
    j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(j, "routes")), 3);
    assert_int_equal((size_t)json_integer_value(json_object_get(j, "options_found")), found);
    json_decref(j);
    resp_free(&r);
    assert_int_equal(get(p, "/v1/route?from=P0&to=P3&pareto=true&depart=2026-06-03T00:00Z&max_options=501", &r), 0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "max_options"));
    resp_free(&r);
    /* Clients that ask for a large answer and never read it: each holds
     * at most a socket buffer's worth; closing them frees everything (the
     * sanitizer build checks for leaks at exit). */
    int fds[4];
    const char *req = "GET /v1/route?from=P0&to=P3&pareto=true&depart=2026-06-03T00:00Z&window=1h&max_options=500 "
                      "HTTP/1.1\r\nHost: t\r\n\r\n";
    for (int i = 0; i < 4; i++) {
        fds[i] = connect_from(p, NULL, 5);
        assert_true(fds[i] >= 0);
        assert_int_equal(send_all(fds[i], req, strlen(req)), 0);
    }
    for (int i = 0; i < 4; i++)
        close(fds[i]);
    /* Both workers may still be computing the four answers nobody reads
     * (the searches are bounded by the work budget, not cancelled by a
     * closed socket): wait for them rather than for 5 s. */
    answer_timeout_s = 120;
    assert_int_equal(get(p, "/v1/health", &r), 0);
    answer_timeout_s = 5;
    assert_int_equal(r.status, 200);
    resp_free(&r);
    sr__server_stop(s, 1000);
}

/* ---- 4. chunked upload over the limit ------------------------------------ */

static void test_chunked_413(void **state)
{
    (void)state;
    int p;
    char logpath[] = "/tmp/sr_srvh_log_XXXXXX";
    int lfd = mkstemp(logpath);
    FILE *log = fdopen(lfd, "w+");
    sr__server *s = start(net, (sr__server_config){.threads = 2, .timeout_s = 5, .access_log = log}, &p);
    int fd = connect_from(p, NULL, 5);
    const char *head = "POST /v1/route HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                       "Content-Type: application/json\r\n\r\n";
    assert_int_equal(send_all(fd, head, strlen(head)), 0);
    char chunk[8192 + 16];
    memset(chunk, ' ', sizeof chunk);
    int n = snprintf(chunk, sizeof chunk, "2000\r\n");
    chunk[n + 8192] = '\r';
    chunk[n + 8193] = '\n';
    for (int i = 0; i < 12; i++) /* 96 KiB */
        assert_int_equal(send_all(fd, chunk, (size_t)n + 8194), 0);
    assert_int_equal(send_all(fd, "0\r\n\r\n", 5), 0);
    resp r;
    assert_int_equal(read_resp(fd, &r, 1), 0);
    close(fd);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr(r.body, "\"LimitExceeded\""));
    assert_true(r.eof);
    resp_free(&r);
    sr__server_stop(s, 1000);
    fflush(log);
    rewind(log);
    char line[1024];
    int ok = 0;
    while (fgets(line, sizeof line, log))
        if (strstr(line, "\"POST /v1/route HTTP/1.1\" 413 ") && !strstr(line, "aborted"))
            ok = 1;
    assert_true(ok);
    fclose(log);
    unlink(logpath);
}

/* ---- 5. the request clock ------------------------------------------------- */

static void test_idle_time_not_counted(void **state)
{
    (void)state;
    int p;
    sr__server *s = start(net, (sr__server_config){.threads = 2, .timeout_s = 30, .max_request_s = 2}, &p);
    int fd = connect_from(p, NULL, 5);
    const char *req = "GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n";
    resp r;
    assert_int_equal(send_all(fd, req, strlen(req)), 0);
    assert_int_equal(read_resp(fd, &r, 0), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* 1.5 s idle, then a request sent slowly over a second: 2.5 s since the
     * previous answer, but only 1 s of request. */
    nanosleep(&(struct timespec){1, 500 * 1000 * 1000}, NULL);
    size_t half = strlen(req) / 2;
    assert_int_equal(send_all(fd, req, half), 0);
    nanosleep(&(struct timespec){1, 0}, NULL);
    assert_int_equal(send_all(fd, req + half, strlen(req) - half), 0);
    assert_int_equal(read_resp(fd, &r, 0), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* A request that itself takes longer than the cap is still cut. */
    nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
    assert_int_equal(send_all(fd, req, half), 0);
    nanosleep(&(struct timespec){2, 600 * 1000 * 1000}, NULL);
    send_all(fd, req + half, strlen(req) - half);
    assert_int_not_equal(read_resp(fd, &r, 0), 0);
    resp_free(&r);
    close(fd);
    sr__server_stop(s, 1000);
}

/* ---- 6. connection limits ------------------------------------------------- */

/* A refused connection is closed by the server at once: recv sees the end
 * (or a reset), never the receive timeout. */
static int refused(int fd)
{
    char c;
    ssize_t n = recv(fd, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

static void test_connection_limits(void **state)
{
    (void)state;
    int p;
    sr__server *s = start(net, (sr__server_config){.threads = 2, .timeout_s = 30, .max_connections = 8,
                                                  .max_per_address = 4},
                          &p);
    int a[4], b[4];
    for (int i = 0; i < 4; i++) {
        a[i] = connect_from(p, "127.0.0.1", 5);
        assert_true(a[i] >= 0);
    }
    nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    /* A fifth from the same address: refused. */
    int x = connect_from(p, "127.0.0.1", 5);
    assert_true(x >= 0);
    assert_true(refused(x));
    close(x);
    /* Another address still gets in, up to the total of 8. */
    for (int i = 0; i < 4; i++) {
        b[i] = connect_from(p, "127.0.0.2", 5);
        assert_true(b[i] >= 0);
    }
    nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    x = connect_from(p, "127.0.0.3", 5);
    assert_true(x >= 0);
    assert_true(refused(x));
    close(x);
    /* The held connections still work. */
    const char *req = "GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n";
    resp r;
    assert_int_equal(send_all(b[0], req, strlen(req)), 0);
    assert_int_equal(read_resp(b[0], &r, 0), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    for (int i = 0; i < 4; i++) {
        close(a[i]);
        close(b[i]);
    }
    /* Many idle connects at once: the excess is refused, none hangs. */
    int many[300], n_ok = 0;
    for (int i = 0; i < 300; i++)
        many[i] = connect_from(p, "127.0.0.4", 5);
    for (int i = 0; i < 300; i++) {
        if (many[i] < 0)
            continue;
        struct timeval tv = {0, 300 * 1000};
        setsockopt(many[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char c;
        ssize_t n = recv(many[i], &c, 1, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            n_ok++; /* held open, idle */
    }
    assert_true(n_ok <= 4);
    for (int i = 0; i < 300; i++)
        if (many[i] >= 0)
            close(many[i]);
    /* Recovery: once they are gone, new clients are served. */
    nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
    assert_int_equal(get(p, "/v1/health", &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    sr__server_stop(s, 1000);
}

/* ---- 7. FIFO in the web root ---------------------------------------------- */

static void test_fifo_in_web_root(void **state)
{
    (void)state;
    char dir[] = "/tmp/sr_srvh_web_XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "index.html", "<!doctype html><title>t</title>");
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/pipe.js", dir);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    int p;
    sr__server *s = start(net, (sr__server_config){.threads = 1, .timeout_s = 5, .web_dir = dir}, &p);
    resp r;
    /* Twice with one worker thread: a hung thread would fail the second. */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(get(p, "/pipe.js", &r), 0);
        assert_int_equal(r.status, 404);
        resp_free(&r);
    }
    assert_int_equal(get(p, "/", &r), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    sr__server_stop(s, 1000);
    unlink(fifo);
    char idx[128];
    snprintf(idx, sizeof idx, "%s/index.html", dir);
    unlink(idx);
    rmdir(dir);
}

/* ---- 8. protocol edges ---------------------------------------------------- */

static void test_protocol_edges(void **state)
{
    (void)state;
    int p;
    /* A long idle timeout, so that "closed" cannot be the timeout. */
    sr__server *s = start(net, (sr__server_config){.threads = 2, .timeout_s = 30}, &p);
    resp r;
#define RAW(str) raw(p, str, sizeof str - 1, &r, 1)
    /* Unknown Transfer-Encoding: 501 and closed, not held until idle. */
    assert_int_equal(RAW("POST /v1/route HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n{}"), 0);
    assert_int_equal(r.status, 501);
    assert_non_null(strstr(r.body, "Transfer-Encoding"));
    assert_true(r.eof);
    resp_free(&r);
    assert_int_equal(RAW("POST /v1/route HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"), 0);
    assert_int_equal(r.status, 501);
    assert_true(r.eof);
    resp_free(&r);
    /* Content-Length with chunked: 400 and closed (RFC 9112 6.3). */
    assert_int_equal(RAW("POST /v1/route HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "2\r\n{}\r\n0\r\n\r\n"),
                     0);
    assert_int_equal(r.status, 400);
    assert_true(has_header(&r, "Connection: close"));
    assert_true(r.eof);
    resp_free(&r);
    /* HTTP/1.1 without Host, or with two: 400 and closed. */
    assert_int_equal(RAW("GET /v1/health HTTP/1.1\r\n\r\n"), 0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "Host"));
    assert_true(r.eof);
    resp_free(&r);
    assert_int_equal(RAW("GET /v1/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 0);
    assert_int_equal(r.status, 400);
    assert_true(r.eof);
    resp_free(&r);
    /* HTTP/1.0 needs no Host. */
    assert_int_equal(RAW("GET /v1/health HTTP/1.0\r\n\r\n"), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* A bad Content-Length: libmicrohttpd answers it (400) and closes. */
    assert_int_equal(RAW("POST /v1/route HTTP/1.1\r\nHost: t\r\nContent-Length: 12abc\r\n\r\n{}"), 0);
    assert_int_equal(r.status, 400);
    assert_true(r.eof);
    resp_free(&r);
    /* Two Content-Length headers of the same value are still two. */
    assert_int_equal(RAW("POST /v1/route HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}"), 0);
    assert_int_equal(r.status, 400);
    assert_true(r.eof);
    resp_free(&r);
#undef RAW
    /* Half-close in the middle of the headers: closed, not held 30 s. */
    static const char *const halves[] = {"GET /v1/health HTTP/1.1\r\nHost: a\r\n", "GET /v1/health HTTP/1.1\r\nHo",
                                         "GET /v1/hea", "POST /v1/route HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n{}"};
    for (size_t i = 0; i < sizeof halves / sizeof *halves; i++) {
        int fd = connect_from(p, NULL, 5);
        assert_int_equal(send_all(fd, halves[i], strlen(halves[i])), 0);
        shutdown(fd, SHUT_WR);
        char buf[4096];
        ssize_t n;
        int rounds = 0;
        while ((n = recv(fd, buf, sizeof buf, 0)) > 0 && rounds++ < 100)
            ;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            fail_msg("half-closed request %zu held open", i);
        close(fd);
    }
    sr__server_stop(s, 1000);
}

/* ---- 9. cache in bytes ---------------------------------------------------- */

static void test_cache_bytes(void **state)
{
    (void)state;
    int p;
    /* 16 shards of 1 KiB: a route answer of the server dataset (several
     * KiB) never fits, so nothing is stored however often it is asked. */
    sr__server *s = start(net, (sr__server_config){.threads = 1, .timeout_s = 2, .route_cache = 16 * 1024}, &p);
    resp r;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(get(p, "/v1/route?from=CNXIA&to=GETBS&year=2030", &r), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
    assert_int_equal(get(p, "/v1/health", &r), 0);
    json_t *j = json_loads(r.body, 0, NULL);
    json_t *c = json_object_get(j, "route_cache");
    assert_int_equal(json_integer_value(json_object_get(c, "entries")), 0);
    assert_int_equal(json_integer_value(json_object_get(c, "hits")), 0);
    json_decref(j);
    resp_free(&r);
    sr__server_stop(s, 1000);
    /* With room, bytes are counted, and a hit is the stored answer. */
    s = start(net, (sr__server_config){.threads = 1, .timeout_s = 2, .route_cache = 4 << 20}, &p);
    resp first;
    assert_int_equal(get(p, "/v1/route?from=CNXIA&to=GETBS&year=2030", &first), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(get(p, "/v1/route?from=CNXIA&to=GETBS&year=2030", &r), 0);
        assert_string_equal(r.body, first.body);
        resp_free(&r);
    }
    assert_int_equal(get(p, "/v1/health", &r), 0);
    j = json_loads(r.body, 0, NULL);
    c = json_object_get(j, "route_cache");
    assert_int_equal(json_integer_value(json_object_get(c, "entries")), 1);
    assert_int_equal(json_integer_value(json_object_get(c, "hits")), 1);
    assert_true((size_t)json_integer_value(json_object_get(c, "bytes")) > first.len);
    json_decref(j);
    resp_free(&r);
    resp_free(&first);
    sr__server_stop(s, 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_poisoning),
        cmocka_unit_test(test_budget_answers),
        cmocka_unit_test(test_cancel_by_shutdown_and_watchdog),
        cmocka_unit_test(test_answer_cap_and_stream),
        cmocka_unit_test(test_chunked_413),
        cmocka_unit_test(test_idle_time_not_counted),
        cmocka_unit_test(test_connection_limits),
        cmocka_unit_test(test_fifo_in_web_root),
        cmocka_unit_test(test_protocol_edges),
        cmocka_unit_test(test_cache_bytes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
