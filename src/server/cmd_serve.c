/*
 * cmd_serve.c - `silkroute serve`: load the network once, start the HTTP
 * server (server.c) and run until SIGTERM or SIGINT, then shut down
 * gracefully: stop accepting, let requests in flight finish, free
 * everything.
 *
 * Signals are blocked before the server's threads start, so they inherit
 * the mask and only this thread receives them, in sigwait().
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../cli/cli.h"
#include "server.h"

#ifndef SR_WEBDIR
#define SR_WEBDIR "web/dist"
#endif

static int has_index(const char *dir)
{
    char idx[4096];
    snprintf(idx, sizeof idx, "%s/index.html", dir);
    FILE *f = fopen(idx, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

static int usage(FILE *f, int status)
{
    fprintf(f, "usage: silkroute serve [--port 8080] [--bind 127.0.0.1] [--data DIR] [--threads N]\n"
               "                       [--web DIR] [--timeout S] [--max-request-time S] [--max-connections N]\n"
               "                       [--max-per-address N] [--max-query-time S] [--max-work N]\n"
               "                       [--cache SIZE] [--ch LIST] [--ch-unit LIST] [--store URI]\n"
               "                       [--detail DIR|FILE] [--quiet]\n\n"
               "Serve the HTTP JSON API under /v1 and the web map at /.\n"
               "  --port N             TCP port (0: any free port); default 8080\n"
               "  --bind ADDR          numeric IPv4 or IPv6 address; default 127.0.0.1\n"
               "  --data DIR|FILE      dataset directory or compiled network file (silkroute compile);\n"
               "                       default the built-in dataset\n"
               "  --threads N          worker threads; default the number of CPUs\n"
               "  --web DIR            static files served at /; default %s\n"
               "                       (or $SILKROUTE_WEB)\n"
               "  --timeout S          close connections idle for S seconds; default 30\n"
               "  --max-request-time S close a connection whose request (from its first byte to the\n"
               "                       end of the answer) takes longer, e.g. a slow client; default 60\n"
               "  --max-connections N  connections at once; more are refused (closed); default 1024\n"
               "  --max-per-address N  connections at once from one client address; default 64\n"
               "  --max-query-time S   time budget of one route query (all its searches): over it\n"
               "                       the answer is 422 LimitExceeded; default 20\n"
               "  --max-work N         work budget of one route query in labels settled over all its\n"
               "                       searches; default 100000000\n"
               "  --cache SIZE         bytes of route answers to remember (the network never changes\n"
               "                       while serving), with an optional K, M or G; 0: no cache;\n"
               "                       default 64M\n"
               "  --ch LIST            build contraction hierarchies at start-up for these objectives\n"
               "                       (time, cost, co2, or none; default time,cost,co2): default\n"
               "                       queries of those metrics then skip Dijkstra, with the same answer\n"
               "  --ch-unit LIST       the cargo units of those hierarchies (20ft, 40ft, t); default 40ft\n"
               "  --store URI          tracking store (a SQLite file or postgresql://...; default\n"
               "                       $SILKROUTE_STORE): shipment API under /v1/shipments with bearer\n"
               "                       tokens (silkroute token create); without it tracking is off\n"
               "  --alert-interval S   check missing milestones and send webhooks every S seconds;\n"
               "                       default 60\n"
               "  --milestone-margin H a milestone is missing H hours after its time; default 12\n"
               "  --detail DIR|FILE    detailed road network (e.g. from silkroute import-osm): routes\n"
               "                       from or to coordinates get their first and last mile on it,\n"
               "                       as route --detail does; default none (coordinates snap)\n"
               "  --quiet              no access log (default: one line per request on stderr)\n"
               CLI_EXIT_CODES,
            SR_WEBDIR);
    return status;
}

int cmd_serve(int argc, char **argv)
{
    sr__server_config cfg = {.bind = "127.0.0.1", .port = 8080, .access_log = stderr};
    if (getenv("SILKROUTE_STORE") && *getenv("SILKROUTE_STORE"))
        cfg.store = getenv("SILKROUTE_STORE");
    const char *data = NULL, *detail = NULL;
    char chs[64] = "time,cost,co2", chu[64] = "40ft";
    const char *web = getenv("SILKROUTE_WEB");
    int web_given = web != NULL;
    long v;
    enum { O_QUIET = 256, O_PORT, O_BIND, O_DATA, O_STORE, O_ALERT_INTERVAL, O_MILESTONE_MARGIN, O_WEB, O_THREADS, O_TIMEOUT, O_MAX_REQUEST_TIME, O_CACHE, O_MAX_PER_ADDRESS, O_MAX_QUERY_TIME, O_MAX_WORK, O_MAX_CONNECTIONS, O_DETAIL, O_CH, O_CH_UNIT };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, O_QUIET},
        {"port", required_argument, NULL, O_PORT},
        {"bind", required_argument, NULL, O_BIND},
        {"data", required_argument, NULL, O_DATA},
        {"detail", required_argument, NULL, O_DETAIL},
        {"store", required_argument, NULL, O_STORE},
        {"alert-interval", required_argument, NULL, O_ALERT_INTERVAL},
        {"milestone-margin", required_argument, NULL, O_MILESTONE_MARGIN},
        {"web", required_argument, NULL, O_WEB},
        {"threads", required_argument, NULL, O_THREADS},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"max-request-time", required_argument, NULL, O_MAX_REQUEST_TIME},
        {"cache", required_argument, NULL, O_CACHE},
        {"ch", required_argument, NULL, O_CH},
        {"ch-unit", required_argument, NULL, O_CH_UNIT},
        {"max-per-address", required_argument, NULL, O_MAX_PER_ADDRESS},
        {"max-query-time", required_argument, NULL, O_MAX_QUERY_TIME},
        {"max-work", required_argument, NULL, O_MAX_WORK},
        {"max-connections", required_argument, NULL, O_MAX_CONNECTIONS},
        {NULL, 0, NULL, 0},
    };
    int oc, st = 0;
    while ((oc = cli_getopt(argc, argv, "serve", opts, 0, &st)) != -1) {
        const char *val = optarg;
        if (oc == 'h')
            return usage(stdout, EXIT_OK);
        if (oc == '?')
            return st;
        if (oc == O_QUIET) {
            cfg.access_log = NULL;
            continue;
        }
        if (oc == O_PORT) {
            if (cli_parse_int(val, 0, 65535, &v))
                return cli_fail(0, SR_EARG, "--port: expected 0 to 65535, got '%s'", val);
            cfg.port = (int)v;
        } else if (oc == O_BIND) {
            /* A bad address is a usage error (2), found before loading. */
            unsigned char addr[16];
            if (inet_pton(AF_INET, val, addr) != 1 && inet_pton(AF_INET6, val, addr) != 1)
                return cli_fail(0, SR_EARG, "--bind: '%s' is not a numeric IPv4 or IPv6 address", val);
            cfg.bind = val;
        } else if (oc == O_DATA) {
            data = val;
        } else if (oc == O_DETAIL) {
            if (!*val)
                return cli_fail(0, SR_EARG, "--detail: a directory or compiled network file is required");
            detail = val;
        } else if (oc == O_CH || oc == O_CH_UNIT) {
            char *dst = oc == O_CH ? chs : chu;
            if (strlen(val) >= sizeof chs)
                return cli_fail(0, SR_EARG, "--%s: list too long", oc == O_CH ? "ch" : "ch-unit");
            snprintf(dst, sizeof chs, "%s", val);
        } else if (oc == O_STORE) {
            cfg.store = val;
        } else if (oc == O_ALERT_INTERVAL) {
            if (cli_parse_int(val, 1, 86400, &v))
                return cli_fail(0, SR_EARG, "--alert-interval: expected 1 to 86400 seconds, got '%s'", val);
            cfg.alert_interval_ms = (unsigned)v * 1000u;
        } else if (oc == O_MILESTONE_MARGIN) {
            double h;
            if (cli_parse_double(val, 0, 720, &h))
                return cli_fail(0, SR_EARG, "--milestone-margin: expected 0 to 720 hours, got '%s'", val);
            cfg.milestone_margin_s = (long)(h * 3600);
        } else if (oc == O_WEB) {
            web = val;
            web_given = 1;
        } else if (oc == O_THREADS) {
            if (cli_parse_int(val, 1, 256, &v))
                return cli_fail(0, SR_EARG, "--threads: expected 1 to 256, got '%s'", val);
            cfg.threads = (unsigned)v;
        } else if (oc == O_TIMEOUT) {
            if (cli_parse_int(val, 1, 3600, &v))
                return cli_fail(0, SR_EARG, "--timeout: expected 1 to 3600 seconds, got '%s'", val);
            cfg.timeout_s = (unsigned)v;
        } else if (oc == O_MAX_REQUEST_TIME) {
            if (cli_parse_int(val, 1, 86400, &v))
                return cli_fail(0, SR_EARG, "--max-request-time: expected 1 to 86400 seconds, got '%s'", val);
            cfg.max_request_s = (unsigned)v;
        } else if (oc == O_CACHE) {
            /* Bytes, with an optional K, M or G (powers of 1024). */
            char num[32];
            size_t n = strlen(val);
            long mult = 1;
            if (n && strchr("KMG", val[n - 1])) {
                mult = val[n - 1] == 'K' ? 1L << 10 : val[n - 1] == 'M' ? 1L << 20 : 1L << 30;
                n--;
            }
            if (n == 0 || n >= sizeof num)
                return cli_fail(0, SR_EARG, "--cache: expected bytes from 0 to 16G (e.g. 64M), got '%s'", val);
            memcpy(num, val, n);
            num[n] = '\0';
            if (cli_parse_int(num, 0, (16L << 30) / mult, &v))
                return cli_fail(0, SR_EARG, "--cache: expected bytes from 0 to 16G (e.g. 64M), got '%s'", val);
            cfg.route_cache = v ? v * mult : -1;
        } else if (oc == O_MAX_PER_ADDRESS) {
            if (cli_parse_int(val, 1, 100000, &v))
                return cli_fail(0, SR_EARG, "--max-per-address: expected 1 to 100000, got '%s'", val);
            cfg.max_per_address = (unsigned)v;
        } else if (oc == O_MAX_QUERY_TIME) {
            if (cli_parse_int(val, 1, 86400, &v))
                return cli_fail(0, SR_EARG, "--max-query-time: expected 1 to 86400 seconds, got '%s'", val);
            cfg.max_query_s = (unsigned)v;
        } else if (oc == O_MAX_WORK) {
            if (cli_parse_int(val, 1, 1000000000000L, &v))
                return cli_fail(0, SR_EARG, "--max-work: expected 1 to 1000000000000 labels, got '%s'", val);
            cfg.max_work = (uint64_t)v;
        } else if (oc == O_MAX_CONNECTIONS) {
            if (cli_parse_int(val, 1, 100000, &v))
                return cli_fail(0, SR_EARG, "--max-connections: expected 1 to 100000, got '%s'", val);
            cfg.max_connections = (unsigned)v;
        }
    }
    if (cli_operands(argc, argv, "serve", 0, 0, "no arguments but options", 0))
        return EXIT_USAGE;
    /* The build tree's web/dist, else the installed copy.  Without a built
     * web UI the API still works: say so, serve no files. */
    if (web_given) {
        if (!has_index(web))
            return cli_fail(0, SR_EARG, "--web: no index.html in '%s'", web);
        cfg.web_dir = web;
    } else if (has_index(SR_WEBDIR)) {
        cfg.web_dir = SR_WEBDIR;
#ifdef SR_INSTALL_WEBDIR
    } else if (has_index(SR_INSTALL_WEBDIR)) {
        cfg.web_dir = SR_INSTALL_WEBDIR;
#endif
    } else {
        fprintf(stderr, "silkroute: warning: no web UI in '%s' (run `make web`); serving the API only\n", SR_WEBDIR);
    }

    int status, n_ch;
    unsigned metrics;
    {
        /* Checked before loading, like every other usage error. */
        char a[64], b[64];
        memcpy(a, chs, sizeof a);
        memcpy(b, chu, sizeof b);
        if ((status = cli_ch_metrics(a, b, "ch-unit", &metrics, &n_ch)) != 0)
            return status;
    }
    sr_network *net = cli_open_network(data, 0, &status);
    if (!net)
        return status;
    /* The network is shared read-only by the worker threads: its
     * hierarchies are built now, before serving (on data/ about 0.2 s of
     * CPU per metric, docs/PERFORMANCE.md). */
    sr_code chc = sr_network_build_ch(net, metrics, NULL, NULL);
    if (chc != SR_OK) {
        sr_network_close(net);
        return cli_fail(0, chc, "building the contraction hierarchies: %s", sr_strerror(chc));
    }

    /* The detailed network is opened once; every worker clones its
     * handle (the roads are shared, the search scratch is per thread). */
    sr_detail *det = NULL;
    if (detail) {
        sr_code dc = sr_detail_open(detail, &det);
        if (dc != SR_OK) {
            status = cli_fail(0, dc, "--detail: %s", sr_detail_errmsg(det));
            sr_detail_close(det);
            sr_network_close(net);
            return status;
        }
        cfg.detail = det;
    }

    /* Every connection is a descriptor: raise the soft limit to the hard
     * one, and keep the connection limit below what it allows (with room
     * for the data files, the listening socket and the pool's own). */
    struct rlimit rl;
    unsigned want = (cfg.max_connections ? cfg.max_connections : 1024) + 128;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur < want && rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
            setrlimit(RLIMIT_NOFILE, &rl);
            getrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rl.rlim_cur < want && rl.rlim_cur > 256) {
            cfg.max_connections = (unsigned)(rl.rlim_cur - 128);
            fprintf(stderr, "silkroute: warning: only %llu file descriptors allowed; --max-connections lowered to %u\n",
                    (unsigned long long)rl.rlim_cur, cfg.max_connections);
        }
    }

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    sr__server *srv;
    char err[512];
    if (sr__server_start(net, &cfg, &srv, err, sizeof err)) {
        sr_detail_close(det);
        sr_network_close(net);
        return cli_fail(0, SR_EIO, "%s", err);
    }
    int v6 = strchr(cfg.bind, ':') != NULL;
    printf("silkroute %s: %zu places, %zu links; web map at http://%s%s%s:%d/ (API under /v1)\n", SR_VERSION,
           sr_network_place_count(net), sr_network_link_count(net), v6 ? "[" : "", cfg.bind, v6 ? "]" : "",
           sr__server_port(srv));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "silkroute: %s received, finishing requests in flight\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    sr__server_stop(srv, 10000);
    sr_detail_close(det);
    sr_network_close(net);
    return EXIT_OK;
}
