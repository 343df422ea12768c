/*
 * test_track_http.c - the tracking API of `silkroute serve` over real
 * loopback sockets: bearer tokens (401 without or with a wrong token, 403
 * for a reader writing, never in the access log), per-token rate limits
 * (429), booking, events single and batched with idempotent retries,
 * lists by status, ETA with history, and the bad-input corpus of the issue
 * (unknown shipment, event before the booking, 1900, far future, invalid
 * container, unknown place, malformed and oversized JSON, batch over its
 * limit), each a 4xx naming the field with nothing written.  Route
 * planning stays open.
 */
#define _GNU_SOURCE /* strcasestr */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <time.h>

#include "../src/server/server.h"
#include "../src/server/webhook.h"
#include "http_client.h"
#include "util.h"

#define DATA "tests/data/server"

static sr_network *net;
static sr__server *srv;
static int port;
static char *dir;
static char dbpath[1024], logpath[1024];
static FILE *access_log;
static char *writer, *reader, *slow;

static int setup(void **state)
{
    if (sr_network_open(DATA, &net) != SR_OK)
        return -1;
    dir = tu_mkdtemp();
    snprintf(dbpath, sizeof dbpath, "%s/track.db", dir);
    snprintf(logpath, sizeof logpath, "%s/access.log", dir);
    sr_store *st = NULL;
    if (sr_store_open(dbpath, &st) != SR_OK)
        return -1;
    if (sr_token_create(st, "ingest", SR_ROLE_WRITER, 100000, &writer) != SR_OK ||
        sr_token_create(st, "map", SR_ROLE_READER, 100000, &reader) != SR_OK ||
        sr_token_create(st, "slow", SR_ROLE_READER, 3, &slow) != SR_OK)
        return -1;
    sr_store_close(st);
    access_log = fopen(logpath, "w");
    sr__server_config cfg = {.bind = "127.0.0.1", .port = 0, .threads = 4, .timeout_s = 5, .access_log = access_log,
                             .store = dbpath, .alert_interval_ms = 100};
    char err[512];
    if (sr__server_start(net, &cfg, &srv, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    port = sr__server_port(srv);
    return 0;
}

static int teardown(void **state)
{
    sr__server_stop(srv, 1000);
    fclose(access_log);
    sr_network_close(net);
    sr_free(writer);
    sr_free(reader);
    sr_free(slow);
    tu_rmdir(dir);
    return 0;
}

static int req(const char *method, const char *path, const char *token, const char *body, hc_resp *r)
{
    int rc = hc_request(port, method, path, token, body, r);
    assert_int_equal(rc, 0);
    return r->status;
}

static void expect(const char *method, const char *path, const char *token, const char *body, int status,
                   const char *says)
{
    hc_resp r;
    int st = req(method, path, token, body, &r);
    if (st != status || (says && !strstr(r.body, says)))
        fprintf(stderr, "%s %s: %d %s\n", method, path, st, r.body);
    assert_int_equal(st, status);
    if (says)
        assert_non_null(strstr(r.body, says));
    free(r.body);
}

static size_t count_events(const char *ref)
{
    char path[256];
    snprintf(path, sizeof path, "/v1/shipments/%s", ref);
    hc_resp r;
    assert_int_equal(req("GET", path, reader, NULL, &r), 200);
    json_t *o = json_loads(r.body, 0, NULL);
    free(r.body);
    size_t n = json_array_size(json_object_get(json_object_get(o, "shipment"), "events"));
    json_decref(o);
    return n;
}

static const char *BOOK = "{\"ref\":\"PO-4711\",\"from\":\"Xi'an\",\"to\":\"Almaty\",\"modes\":\"rail\","
                          "\"containers\":[\"MSKU1234565\"],\"ready\":\"2026-06-03T08:00\","
                          "\"promised\":\"2026-06-10T00:00+06:00\"}";

static void auth(void **state)
{
    expect("GET", "/v1/shipments", NULL, NULL, 401, "\"Unauthorized\"");
    expect("GET", "/v1/shipments", "srt_0000", NULL, 401, "unknown or revoked");
    expect("POST", "/v1/shipments", reader, BOOK, 403, "\"Forbidden\"");
    hc_resp r;
    assert_int_equal(req("GET", "/v1/shipments", NULL, NULL, &r), 401);
    assert_non_null(strstr(r.head, "WWW-Authenticate: Bearer"));
    free(r.body);
    expect("GET", "/v1/shipments", reader, NULL, 200, "\"shipments\":[]");
    /* Route planning needs no token. */
    expect("GET", "/v1/route?from=CNXIA&to=KZALA", NULL, NULL, 200, "\"routes\"");
    /* Rate limit: 3 per minute. */
    for (int i = 0; i < 3; i++)
        expect("GET", "/v1/shipments", slow, NULL, 200, NULL);
    assert_int_equal(req("GET", "/v1/shipments", slow, NULL, &r), 429);
    assert_non_null(strstr(r.head, "Retry-After:"));
    assert_non_null(strstr(r.body, "TooManyRequests"));
    free(r.body);
}

static void book_and_events(void **state)
{
    expect("POST", "/v1/shipments", writer, BOOK, 201, "\"ref\":\"PO-4711\"");
    expect("POST", "/v1/shipments", writer, BOOK, 409, "exists");
    const char *e1 = "{\"type\":\"GTOT\",\"place\":\"CNXIA\",\"time\":\"2026-06-03T10:00+08:00\",\"key\":\"a1\"}";
    expect("POST", "/v1/shipments/PO-4711/events", writer, e1, 200, "\"duplicate\":false");
    expect("POST", "/v1/shipments/PO-4711/events", writer, e1, 200, "\"duplicate\":true");
    const char *b = "{\"events\":[{\"shipment\":\"PO-4711\",\"type\":\"DEPA\",\"place\":\"CNXIA\","
                    "\"time\":\"2026-06-03T12:00+08:00\",\"key\":\"a2\"},{\"shipment\":\"PO-4711\",\"type\":\"ARRI\","
                    "\"place\":\"Alashankou\",\"time\":\"2026-06-06T00:00+08:00\",\"key\":\"a3\",\"reason\":\"WEA\"}]}";
    expect("POST", "/v1/events", writer, b, 200, "\"events\":[{\"id\":2");
    assert_int_equal(count_events("PO-4711"), 3);
    expect("GET", "/v1/shipments/PO-4711/eta", reader, NULL, 200, "\"history\":[");
    expect("GET", "/v1/shipments?status=on_time", reader, NULL, 200, "PO-4711");
    expect("GET", "/v1/shipments?status=late", reader, NULL, 200, "\"shipments\":[]");
    expect("GET", "/v1/shipments?q=msku", reader, NULL, 200, "PO-4711");
    expect("GET", "/v1/shipments?status=lost", reader, NULL, 400, "status");
    expect("GET", "/v1/shipments?colour=red", reader, NULL, 400, "colour");
    expect("GET", "/v1/shipments/NOPE", reader, NULL, 404, "unknown shipment");
    expect("GET", "/v1/shipments/PO-4711/where", reader, NULL, 404, NULL);
    expect("DELETE", "/v1/shipments/PO-4711", writer, NULL, 405, NULL);
    /* The token never reaches the access log. */
    fflush(access_log);
    FILE *f = fopen(logpath, "r");
    char line[2048];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        lines++;
        assert_null(strstr(line, writer + 4));
        assert_null(strstr(line, reader + 4));
    }
    fclose(f);
    assert_true(lines > 5);
}

static void bad_input_writes_nothing(void **state)
{
    size_t before = count_events("PO-4711");
    struct {
        const char *path, *body;
        int status;
        const char *says;
    } cases[] = {
        {"/v1/shipments/NOPE/events",
         "{\"type\":\"ARRI\",\"place\":\"KZALA\",\"time\":\"2026-06-04T10:00+06:00\",\"key\":\"z1\"}", 404, "NOPE"},
        {"/v1/shipments/PO-4711/events",
         "{\"type\":\"ARRI\",\"place\":\"KZALA\",\"time\":\"2026-05-01T10:00+06:00\",\"key\":\"z2\"}", 400, "event.time"},
        {"/v1/shipments/PO-4711/events",
         "{\"type\":\"ARRI\",\"place\":\"KZALA\",\"time\":\"1900-01-01T10:00+06:00\",\"key\":\"z3\"}", 400, "event.time"},
        {"/v1/shipments/PO-4711/events",
         "{\"type\":\"ARRI\",\"place\":\"KZALA\",\"time\":\"2999-01-01T10:00+06:00\",\"key\":\"z4\"}", 400, "event.time"},
        {"/v1/shipments/PO-4711/events",
         "{\"type\":\"ARRI\",\"place\":\"KZALA\",\"time\":\"2026-06-04T10:00+06:00\",\"key\":\"z5\","
         "\"container\":\"MSKU1234566\"}",
         400, "event.container"},
        {"/v1/shipments/PO-4711/events",
         "{\"type\":\"ARRI\",\"place\":\"Atlantis\",\"time\":\"2026-06-04T10:00+06:00\",\"key\":\"z6\"}", 400,
         "event.place"},
        {"/v1/shipments/PO-4711/events", "{\"type\":\"ARRI\",", 400, "malformed JSON"},
        {"/v1/shipments/PO-4711/events", "", 400, "malformed JSON"},
        {"/v1/shipments/PO-4711/events",
         "{\"events\":[{\"type\":\"GTIN\",\"place\":\"KZALA\",\"time\":\"2026-06-04T10:00+06:00\",\"key\":\"z7\"},"
         "{\"type\":\"GTIN\",\"place\":\"KZALA\",\"time\":\"2026-06-04T10:00+06:00\"}]}",
         400, "events[1].key"},
        {"/v1/shipments", "{\"ref\":\"X-2\",\"from\":\"CNXIA\",\"to\":\"KZALA\",\"containers\":[\"MSKU1234566\"],"
                          "\"ready\":\"2026-06-03T08:00\"}",
         400, "container"},
        {"/v1/shipments", "{\"ref\":\"X-3\",\"from\":\"CNXIA\",\"to\":\"KZALA\",\"ready\":\"2026-06-03T08:00\","
                          "\"colour\":\"red\"}",
         400, "colour"},
        {"/v1/shipments", "{\"ref\":\"X-4\",\"from\":\"CNXIA\",\"to\":\"KZALA\"}", 400, "ready"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect("POST", cases[i].path, writer, cases[i].body, cases[i].status, cases[i].says);
    /* Over the batch limit (short events so that the body stays under 64 KiB). */
    size_t cap = 120 * (SR_MAX_BATCH + 2);
    char *big = malloc(cap);
    size_t k = (size_t)snprintf(big, cap, "{\"events\":[");
    for (int i = 0; i <= SR_MAX_BATCH; i++)
        k += (size_t)snprintf(big + k, cap - k, "%s{\"type\":\"GTIN\",\"place\":\"KZALA\",\"time\":\"2026-06-04T10:00Z\",\"key\":\"%d\"}",
                              i ? "," : "", i);
    snprintf(big + k, cap - k, "]}");
    hc_resp r;
    int st = req("POST", "/v1/shipments/PO-4711/events", writer, big, &r);
    assert_int_equal(st, 413); /* over the batch or the body limit: either way 413 */
    free(r.body);
    free(big);
    /* Oversized JSON: past the 64 KiB body limit. */
    big = malloc(70000);
    memset(big, ' ', 69999);
    big[0] = '{';
    big[69998] = '}';
    big[69999] = '\0';
    assert_int_equal(req("POST", "/v1/shipments/PO-4711/events", writer, big, &r), 413);
    free(r.body);
    free(big);
    assert_int_equal(count_events("PO-4711"), before);
    expect("GET", "/v1/shipments/X-2", reader, NULL, 404, NULL);
}

/* A webhook receiver on loopback: answers 500 to the first delivery and
 * 200 afterwards, keeping the last request. */
typedef struct receiver {
    int fd, port, hits, saw_delay;
    char last[8192];
    pthread_mutex_t lock;
} receiver;

static void *receiver_main(void *arg)
{
    receiver *rc = arg;
    for (int i = 0; i < 20; i++) {
        int c = accept(rc->fd, NULL, NULL);
        if (c < 0)
            break;
        struct timeval tv = {2, 0};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[8192];
        size_t n = 0;
        for (;;) {
            ssize_t k = recv(c, buf + n, sizeof buf - 1 - n, 0);
            if (k <= 0)
                break;
            n += (size_t)k;
            buf[n] = '\0';
            char *h = strstr(buf, "\r\n\r\n");
            const char *cl = strcasestr(buf, "Content-Length:");
            if (h && cl && n >= (size_t)(h + 4 - buf) + (size_t)atol(cl + 15))
                break;
        }
        buf[n] = '\0';
        pthread_mutex_lock(&rc->lock);
        int first = rc->hits++ == 0;
        snprintf(rc->last, sizeof rc->last, "%s", buf);
        if (strstr(buf, "\"shipment\":\"LATE-1\",\"kind\":\"delay\"") && !first)
            rc->saw_delay++;
        pthread_mutex_unlock(&rc->lock);
        const char *ans = first ? "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n" : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        send(c, ans, strlen(ans), MSG_NOSIGNAL);
        close(c);
    }
    return NULL;
}

static void webhooks_and_stream(void **state)
{
    receiver rc = {0};
    pthread_mutex_init(&rc.lock, NULL);
    rc.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(rc.fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    getsockname(rc.fd, (struct sockaddr *)&a, &al);
    rc.port = ntohs(a.sin_port);
    listen(rc.fd, 8);
    pthread_t th;
    pthread_create(&th, NULL, receiver_main, &rc);

    char body[256];
    snprintf(body, sizeof body, "{\"url\":\"http://127.0.0.1:%d/hook\"}", rc.port);
    expect("POST", "/v1/webhooks", reader, body, 403, NULL);
    expect("POST", "/v1/webhooks", writer, "{\"url\":\"ftp://x\"}", 400, "url");
    hc_resp r;
    assert_int_equal(req("POST", "/v1/webhooks", writer, body, &r), 201);
    json_t *o = json_loads(r.body, 0, NULL);
    free(r.body);
    char secret[128];
    snprintf(secret, sizeof secret, "%s", json_string_value(json_object_get(o, "secret")));
    json_decref(o);

    /* The event stream: no token is 401; with one it carries the ETA and
     * the alert of the late shipment below. */
    expect("GET", "/v1/stream", NULL, NULL, 401, NULL);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    char sreq[512];
    int sn = snprintf(sreq, sizeof sreq, "GET /v1/stream HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\n\r\n", reader);
    send(fd, sreq, (size_t)sn, MSG_NOSIGNAL);

    /* A shipment that leaves 20 h late: a delay alert, delivered to the
     * webhook (first refused, then retried) and on the stream. */
    const char *bk = "{\"ref\":\"LATE-1\",\"from\":\"CNXIA\",\"to\":\"KZALA\",\"ready\":\"2026-06-03T08:00\"}";
    expect("POST", "/v1/shipments", writer, bk, 201, NULL);
    expect("POST", "/v1/shipments/LATE-1/events", writer,
           "{\"type\":\"DEPA\",\"place\":\"CNXIA\",\"time\":\"2026-06-04T04:00+08:00\",\"key\":\"l1\"}", 200, NULL);
    /* Other shipments of this store have missing milestones too: wait for
     * LATE-1's delay among the deliveries (the first of all is refused and
     * retried after a second). */
    int hits = 0, saw = 0;
    for (int i = 0; i < 100 && !saw; i++) {
        nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
        pthread_mutex_lock(&rc.lock);
        hits = rc.hits;
        saw = rc.saw_delay;
        pthread_mutex_unlock(&rc.lock);
    }
    assert_true(hits >= 2);
    assert_int_equal(saw, 1);
    /* The signature is HMAC-SHA256 of "<t>.<body>" with the secret. */
    pthread_mutex_lock(&rc.lock);
    char *sig = strcasestr(rc.last, "X-Silkroute-Signature: ");
    char *bodyp = strstr(rc.last, "\r\n\r\n");
    assert_non_null(sig);
    assert_non_null(bodyp);
    assert_non_null(strstr(bodyp, "\"type\":\"alert\""));
    long long t = atoll(sig + 25);
    char want[128];
    assert_int_equal(sr__webhook_sign(secret, t, bodyp + 4, want, sizeof want), 0);
    assert_int_equal(strncmp(sig + 23, want, strlen(want)), 0);
    pthread_mutex_unlock(&rc.lock);
    /* The stream has seen the ETA and the alert. */
    char sbuf[65536];
    size_t got = 0;
    for (int i = 0; i < 50 && got < sizeof sbuf - 1; i++) {
        ssize_t k = recv(fd, sbuf + got, sizeof sbuf - 1 - got, 0);
        if (k > 0)
            got += (size_t)k;
        sbuf[got] = '\0';
        if (strstr(sbuf, "event: alert") && strstr(sbuf, "LATE-1"))
            break;
    }
    close(fd);
    assert_non_null(strstr(sbuf, "text/event-stream"));
    assert_non_null(strstr(sbuf, "event: eta"));
    assert_non_null(strstr(sbuf, "event: alert"));
    expect("GET", "/v1/alerts", reader, NULL, 200, "\"kind\":\"delay\"");
    shutdown(rc.fd, SHUT_RDWR);
    close(rc.fd);
    pthread_join(th, NULL);
    pthread_mutex_destroy(&rc.lock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth),
        cmocka_unit_test(book_and_events),
        cmocka_unit_test(bad_input_writes_nothing),
        cmocka_unit_test(webhooks_and_stream),
    };
    return cmocka_run_group_tests_name("track_http", tests, setup, teardown);
}
