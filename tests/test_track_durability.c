/*
 * test_track_durability.c - acknowledged events survive kill -9, and a
 * full disk fails cleanly.
 *
 * Kill test: a real `silkroute serve --store` (the built binary) takes
 * batches from 4 writer processes, each on its own shipment, each keeping
 * a log of the events the server acknowledged; the server is killed with
 * SIGKILL and restarted SILKROUTE_KILLS times (default 100) while they
 * write, and a writer whose request failed retries the same batch with
 * the same idempotency keys.  Afterwards every acknowledged event must be
 * in the store with the id it was acknowledged with (zero lost) and every
 * key must be stored once (zero duplicates).  SILKROUTE_KILL_BATCH sets the
 * events per batch (default 4) so that the default run stays short; a
 * longer run is the same test with larger numbers.  With SILKROUTE_TEST_PG
 * set the server uses that PostgreSQL store instead.
 *
 * Full disk: a 512 KiB tmpfs mounted by the test (root only; skipped with
 * a message otherwise) fills up under a SQLite store: posting then fails
 * with SR_EIO naming the full disk, nothing half-written appears, the
 * database passes SQLite's integrity check, the store opens again, and
 * once space is freed it takes events again.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http_client.h"
#include "silkroute.h"
#include "util.h"

#define DATA "tests/data/server"
#define WRITERS 4

static const char *argv0;
static sr_network *net;
static char *dir;
static char uri[1024], bin[1024];
static int64_t T0;

static int env_int(const char *name, int def, int lo, int hi)
{
    const char *v = getenv(name);
    int n = v && *v ? atoi(v) : def;
    return n < lo ? lo : n > hi ? hi : n;
}

static void sleep_ms(long ms) { nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL); }

static void book(sr_store *st, const char *ref)
{
    sr_query *q;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "CNXIA";
    o.to = "KZALA";
    sr_result *r = NULL;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    sr_shipment_spec s;
    sr_shipment_spec_init(&s);
    s.ref = ref;
    s.ready = T0;
    assert_int_equal(sr_shipment_create(st, net, &s, sr_result_route(r, 0), NULL), SR_OK);
    sr_result_free(r);
    sr_query_destroy(q);
}

/* Start the server; returns its pid and its port in *port. */
static pid_t start_server(int *port)
{
    int fds[2];
    if (pipe(fds))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(bin, "silkroute", "serve", "--port", "0", "--data", DATA, "--store", uri, "--quiet", "--threads", "4",
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[512];
    size_t n = 0;
    /* The banner names the port: "... at http://127.0.0.1:PORT/ ...". */
    while (n < sizeof line - 1) {
        ssize_t k = read(fds[0], line + n, 1);
        if (k <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    close(fds[0]);
    const char *p = strstr(line, "127.0.0.1:");
    *port = p ? atoi(p + 10) : 0;
    return *port ? pid : -1;
}

static void write_port(int port)
{
    char tmp[1100], fin[1100];
    snprintf(tmp, sizeof tmp, "%s/port.tmp", dir);
    snprintf(fin, sizeof fin, "%s/port", dir);
    FILE *f = fopen(tmp, "w");
    fprintf(f, "%d\n", port);
    fclose(f);
    rename(tmp, fin);
}

static int read_port(void)
{
    char fin[1100];
    snprintf(fin, sizeof fin, "%s/port", dir);
    FILE *f = fopen(fin, "r");
    int p = 0;
    if (f) {
        if (fscanf(f, "%d", &p) != 1)
            p = 0;
        fclose(f);
    }
    return p;
}

/* One writer process: batches until the stop file appears; acknowledged
 * events go to its log as "key id". */
static void writer_main(int w, const char *token, int batch)
{
    char logp[1100], stop[1100], ref[16], path[64];
    snprintf(logp, sizeof logp, "%s/writer%d.log", dir, w);
    snprintf(stop, sizeof stop, "%s/stop", dir);
    snprintf(ref, sizeof ref, "W%d", w);
    snprintf(path, sizeof path, "/v1/shipments/%s/events", ref);
    FILE *log = fopen(logp, "w");
    long seq = 0;
    time_t deadline = time(NULL) + 600;
    size_t cap = (size_t)batch * 200 + 64;
    char *body = malloc(cap);
    while (access(stop, F_OK) != 0 && time(NULL) < deadline) {
        size_t k = (size_t)snprintf(body, cap, "{\"events\":[");
        for (int j = 0; j < batch; j++) {
            long s = seq + j;
            char t[40];
            sr_time_format(T0 + s * 60, 6 * 3600, t, sizeof t);
            k += (size_t)snprintf(body + k, cap - k,
                                  "%s{\"type\":\"GTIN\",\"place\":\"KZALA\",\"time\":\"%s\",\"key\":\"w%d-%ld\"}",
                                  j ? "," : "", t, w, s);
        }
        snprintf(body + k, cap - k, "]}");
        /* Until acknowledged: the same batch, the same keys. */
        for (;;) {
            hc_resp r;
            int port = read_port();
            if (port && hc_request(port, "POST", path, token, body, &r) == 0) {
                if (r.status == 200) {
                    json_t *o = json_loads(r.body, 0, NULL);
                    json_t *a = json_object_get(o, "events");
                    for (int j = 0; j < batch; j++) {
                        json_t *e = json_array_get(a, (size_t)j);
                        fprintf(log, "w%d-%ld %lld %d\n", w, seq + j, (long long)json_integer_value(json_object_get(e, "id")),
                                json_is_true(json_object_get(e, "duplicate")));
                    }
                    fflush(log);
                    json_decref(o);
                    free(r.body);
                    break;
                }
                free(r.body);
            }
            if (time(NULL) > deadline)
                break;
            sleep_ms(5);
        }
        seq += batch;
    }
    free(body);
    fclose(log);
    _exit(0);
}

static int setup(void **state)
{
    if (sr_network_open(DATA, &net) != SR_OK)
        return -1;
    assert_int_equal(sr_time_parse("2026-06-03T00:00Z", NULL, &T0), SR_OK);
    snprintf(bin, sizeof bin, "%s", argv0);
    char *slash = strrchr(bin, '/');
    if (slash)
        *slash = '\0';
    strncat(bin, "/../silkroute", sizeof bin - strlen(bin) - 1);
    dir = tu_mkdtemp();
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    sr_network_close(net);
    tu_rmdir(dir);
    return 0;
}

static void kill_during_ingest(void **state)
{
    const char *pg = getenv("SILKROUTE_TEST_PG");
    if (pg && *pg)
        snprintf(uri, sizeof uri, "%s", pg);
    else
        snprintf(uri, sizeof uri, "%s/kill.db", dir);
    int kills = env_int("SILKROUTE_KILLS", 100, 1, 100000);
    int batch = env_int("SILKROUTE_KILL_BATCH", 4, 1, SR_MAX_BATCH);
    sr_store *st = NULL;
    assert_int_equal(sr_store_open(uri, &st), SR_OK);
    char *token = NULL;
    char tname[32];
    snprintf(tname, sizeof tname, "kill-%ld", (long)getpid());
    assert_int_equal(sr_token_create(st, tname, SR_ROLE_WRITER, 1000000, &token), SR_OK);
    for (int w = 0; w < WRITERS; w++) {
        char ref[16];
        snprintf(ref, sizeof ref, "W%d", w);
        book(st, ref);
    }
    int port;
    pid_t srv = start_server(&port);
    assert_true(srv > 0);
    write_port(port);
    pid_t wr[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        wr[w] = fork();
        if (wr[w] == 0)
            writer_main(w, token, batch);
    }
    unsigned seed = 12345;
    for (int k = 0; k < kills; k++) {
        seed = seed * 1103515245u + 12345u;
        sleep_ms(20 + (long)((seed >> 16) % 60));
        kill(srv, SIGKILL);
        waitpid(srv, NULL, 0);
        srv = start_server(&port);
        assert_true(srv > 0);
        write_port(port);
    }
    sleep_ms(100);
    char stop[1100];
    snprintf(stop, sizeof stop, "%s/stop", dir);
    FILE *f = fopen(stop, "w");
    fclose(f);
    for (int w = 0; w < WRITERS; w++)
        waitpid(wr[w], NULL, 0);
    kill(srv, SIGTERM);
    waitpid(srv, NULL, 0);

    /* Every acknowledged event is there, with its id; every key once. */
    long acked = 0, stored = 0, dups = 0;
    for (int w = 0; w < WRITERS; w++) {
        char ref[16], logp[1100];
        snprintf(ref, sizeof ref, "W%d", w);
        snprintf(logp, sizeof logp, "%s/writer%d.log", dir, w);
        char *j = NULL;
        assert_int_equal(sr_shipment_json(st, ref, 0, &j), SR_OK);
        json_t *o = json_loads(j, 0, NULL);
        sr_free(j);
        json_t *evs = json_object_get(json_object_get(o, "shipment"), "events");
        size_t n = json_array_size(evs);
        stored += (long)n;
        /* Keys are w<W>-<seq>: index them by seq. */
        long maxseq = 0;
        for (size_t i = 0; i < n; i++) {
            long s = atol(strchr(json_string_value(json_object_get(json_array_get(evs, i), "key")), '-') + 1);
            if (s + 1 > maxseq)
                maxseq = s + 1;
        }
        long long *id_of = calloc((size_t)maxseq + 1, sizeof *id_of);
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_array_get(evs, i);
            long s = atol(strchr(json_string_value(json_object_get(e, "key")), '-') + 1);
            assert_int_equal(id_of[s], 0); /* a key twice would be a duplicate */
            id_of[s] = json_integer_value(json_object_get(e, "id"));
        }
        FILE *lf = fopen(logp, "r");
        assert_non_null(lf);
        char key[64];
        long long id;
        int dup;
        while (fscanf(lf, "%63s %lld %d", key, &id, &dup) == 3) {
            dups += dup;
            long s = atol(strchr(key, '-') + 1);
            if (s >= maxseq || id_of[s] != id)
                fprintf(stderr, "lost: %s (acknowledged as %lld)\n", key, id);
            assert_true(s < maxseq && id_of[s] == id);
            acked++;
        }
        fclose(lf);
        free(id_of);
        json_decref(o);
    }
    printf("# kill -9: %d kills of the server during ingest by %d writers (batches of %d): %ld events acknowledged, "
           "%ld stored, %ld of them committed by a server killed before it answered and acknowledged on the retry as "
           "duplicates; 0 lost, 0 duplicated\n",
           kills, WRITERS, batch, acked, stored, dups);
    assert_int_equal(acked, stored);
    assert_true(acked > 0);
    sr_free(token);
    sr_store_close(st);
}

static void full_disk(void **state)
{
    if (getenv("SILKROUTE_TEST_PG") && *getenv("SILKROUTE_TEST_PG"))
        skip();
    char mnt[1100];
    snprintf(mnt, sizeof mnt, "%s/small", dir);
    mkdir(mnt, 0700);
    if (geteuid() != 0 || mount("tmpfs", mnt, "tmpfs", 0, "size=512k,mode=0700") != 0) {
        printf("# full disk: skipped: cannot mount a small tmpfs (%s)\n", geteuid() ? "not root" : strerror(errno));
        skip();
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/full.db", mnt);
    sr_store *st = NULL;
    assert_int_equal(sr_store_open(path, &st), SR_OK);
    book(st, "FULL");
    sr_store_set_clock(st, T0 + 30 * 86400);
    long ok = 0;
    sr_code c = SR_OK;
    char note[900];
    memset(note, 'x', sizeof note - 1);
    note[sizeof note - 1] = '\0';
    for (int i = 0; i < 100000 && c == SR_OK; i++) {
        sr_event e[8];
        char keys[8][32];
        for (int j = 0; j < 8; j++) {
            sr_event_init(&e[j]);
            snprintf(keys[j], sizeof keys[j], "f%d-%d", i, j);
            e[j].shipment = "FULL";
            e[j].type = SR_EV_GTIN;
            e[j].place = "KZALA";
            e[j].time = T0 + i * 60 + j;
            e[j].key = keys[j];
            e[j].note = note;
        }
        c = sr_event_post(st, net, e, 8, NULL, NULL);
        if (c == SR_OK)
            ok += 8;
    }
    printf("# full disk: %ld events stored, then: %s: %s\n", ok, sr_code_name(c), sr_store_errmsg(st));
    assert_int_equal(c, SR_EIO);
    assert_non_null(strstr(sr_store_errmsg(st), "disk full"));
    sr_store_close(st);
    /* The store opens again and holds exactly the acknowledged events. */
    st = NULL;
    assert_int_equal(sr_store_open(path, &st), SR_OK);
    char *j = NULL;
    assert_int_equal(sr_shipment_json(st, "FULL", 0, &j), SR_OK);
    json_t *o = json_loads(j, 0, NULL);
    sr_free(j);
    assert_int_equal((long)json_array_size(json_object_get(json_object_get(o, "shipment"), "events")), ok);
    json_decref(o);
    sr_store_close(st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    sqlite3_close(db);
    umount(mnt);
}

int main(int argc, char **argv)
{
    argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kill_during_ingest),
        cmocka_unit_test(full_disk),
    };
    return cmocka_run_group_tests_name(getenv("SILKROUTE_TEST_PG") ? "track_durability-postgresql" : "track_durability",
                                       tests, setup, teardown);
}
