/*
 * bench_ch.c - contraction hierarchies and the compiled network file:
 * preprocessing time and memory, compiled-file size and load time, and
 * query latency with the hierarchy against the router's Dijkstra, on one
 * dataset (medians, p99, ratios; docs/PERFORMANCE.md).
 *
 *   bench_ch [DIR] [--queries N] [--export OUT] [--export-only] [--keep FILE]
 *   bench_ch --open FILE      open time of a compiled file (median of 5),
 *                             then the first query's time (the lazy checks)
 *   bench_ch --search FILE [--queries N] [--rounds R]
 *                             the hierarchy search (+ unpack) alone on a
 *                             compiled file with the time hierarchy, the
 *                             same LCG pairs, R rounds; prints a checksum of
 *                             every distance and path, so that two builds
 *                             of the query code can be compared for equal
 *                             answers as well as for time (and one of the
 *                             distances alone: two hierarchies that sum a
 *                             path's weights in another order may differ
 *                             in the last bit).  Compiled with
 *                             -DSR_CH_STATS (ch.c and this file) it also
 *                             prints the search's work per query
 *
 * DIR defaults to the built-in dataset; for the large synthetic network
 * make one with bench/gen_synthetic.py DIR 530 530 (1.08 M links).
 * --export OUT writes the state graph of the time metric in the plain
 * format RoutingKit's tools read (raw little-endian u32 vectors, no
 * header): OUT/first_out, OUT/head, OUT/weight (tenths of a second of
 * the router's weight), and the benchmark's queries: OUT/source_place,
 * OUT/target_place and OUT/classes (one u32: a state is place x classes
 * + class; a query runs from every state of its source place to every
 * state of its target place), with OUT/ch_distance (f64: the router's weight, hours; infinity: no route) to check
 * the other side's answers against.  --export-only stops after writing
 * the graph (the queries are the same LCG pairs, see main()), so that the
 * other side can run without waiting for silkroute's contraction.
 * --keep FILE writes the compiled file there and keeps it (for --search).
 * Nothing of RoutingKit is here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ch/ch.h"
#include "network/network.h"
#include "silkroute.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* VmRSS or VmHWM of this process in MB. */
static double mem_mb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double v = 0;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n))
            v = atof(line + n + 1) / 1024.0;
    if (f)
        fclose(f);
    return v;
}

/* CPU time of this thread: on a loaded machine wall time of a short
 * query mostly measures the scheduler. */
static double tcpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void stats(const char *name, double *v, size_t n, double *median)
{
    qsort(v, n, sizeof *v, cmp_double);
    double med = n ? v[n / 2] : 0, p99 = n ? v[(size_t)(0.99 * (double)(n - 1))] : 0;
    printf("  %-34s median %9.1f us   p99 %9.1f us CPU (%zu)\n", name, med, p99, n);
    if (median)
        *median = med;
}

static int write_u32(const char *dir, const char *name, const uint32_t *v, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int bad = fwrite(v, 4, n, f) != n;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

/* The state graph of the time metric in RoutingKit's plain format. */
static int export_graph(const sr_network *net, const char *out)
{
    uint32_t nc = net->n_classes, ns = net->n_places * nc;
    uint32_t *first = calloc((size_t)ns + 1, 4);
    size_t cap = (size_t)net->n_arcs + net->n_xfers + 1, m = 0;
    uint32_t *head = malloc(cap * 4), *w = malloc(cap * 4);
    if (!first || !head || !w)
        return -1;
    /* Arcs by tail state: a place's arcs of class c, then its transfers
     * from c, for each c in turn. */
    for (uint32_t p = 0; p < net->n_places; p++)
        for (uint32_t c = 0; c < nc; c++) {
            first[p * nc + c] = (uint32_t)m;
            for (uint32_t a = net->arc_off[p]; a < net->arc_off[p + 1]; a++) {
                if (net->arc_cls[a] != c)
                    continue;
                double x = sr__net_ch_arc_weight(net, SR_BY_TIME, SR_UNIT_40FT, NULL, a);
                if (x < INFINITY) {
                    head[m] = net->arc_head[a] * nc + c;
                    w[m++] = (uint32_t)llround(x * 36000.0);
                }
            }
            for (uint32_t x = net->xfer_off[p]; x < net->xfer_off[p + 1]; x++)
                if (net->xfers[x].from == c) {
                    head[m] = p * nc + net->xfers[x].to;
                    w[m++] = (uint32_t)llround(sr__net_ch_xfer_weight(net, SR_BY_TIME, SR_UNIT_40FT, NULL, x) * 36000.0);
                }
        }
    first[ns] = (uint32_t)m;
    mkdir(out, 0777);
    int rc = write_u32(out, "first_out", first, (size_t)ns + 1) | write_u32(out, "head", head, m) |
             write_u32(out, "weight", w, m) | write_u32(out, "classes", &nc, 1);
    printf("exported to %s: %u nodes (states), %zu arcs\n", out, ns, m);
    free(first);
    free(head);
    free(w);
    return rc;
}

/* bench_ch --open FILE: how long opening a compiled file takes, and the
 * first hierarchy query after it (which pays the hierarchy's lazy checks,
 * docs/FORMAT.md "When the checks run"). */
static int open_only(const char *path)
{
    double lt[5], lc[5], loads[3] = {0};
    getloadavg(loads, 3);
    sr_network *srn = NULL;
    for (int k = 0; k < 5; k++) {
        sr_network_close(srn);
        srn = NULL;
        double t0 = now_s(), c0 = cpu_s();
        if (sr_network_open(path, &srn) != SR_OK) {
            fprintf(stderr, "bench_ch: %s\n", sr_network_errmsg(srn));
            sr_network_close(srn);
            return 1;
        }
        lt[k] = now_s() - t0;
        lc[k] = cpu_s() - c0;
    }
    qsort(lt, 5, sizeof *lt, cmp_double);
    qsort(lc, 5, sizeof *lc, cmp_double);
    struct stat st;
    stat(path, &st);
    printf("%s: %.1f MB, %zu places, %zu links (load average %.1f)\n", path, (double)st.st_size / 1048576.0,
           sr_network_place_count(srn), sr_network_link_count(srn), loads[0]);
    printf("  open                               median %.1f ms wall (min %.1f, max %.1f), %.1f ms CPU; "
           "RSS %.0f MB\n",
           lt[2] * 1e3, lt[0] * 1e3, lt[4] * 1e3, lc[2] * 1e3, mem_mb("VmRSS:"));
    sr_query *q;
    sr_query_create(srn, &q);
    for (int k = 0; k < 3; k++) {
        sr_route_options o;
        sr_route_options_init(&o);
        o.from = sr_network_place(srn, (size_t)k)->id;
        o.to = sr_network_place(srn, sr_network_place_count(srn) - 1 - (size_t)k)->id;
        sr_result *res = NULL;
        double t0 = now_s(), c0 = cpu_s();
        sr_code rc = sr_route_query(q, &o, &res);
        printf("  query %d after open                 %.1f ms wall, %.1f ms CPU: %s\n", k + 1, (now_s() - t0) * 1e3,
               (cpu_s() - c0) * 1e3, sr_strerror(rc));
        sr_result_free(res);
    }
    sr_query_destroy(q);
    sr_network_close(srn);
    return 0;
}

/* bench_ch --search FILE: the hierarchy's search and unpacking alone, on
 * the pairs main() draws, R rounds over the same pairs (the median is over
 * all of them); the FNV-1a checksum covers every distance's bits and every
 * step id, so equal checksums mean equal answers, paths included. */
static int search_only(const char *path, int nq, int rounds)
{
    double loads[3] = {0};
    getloadavg(loads, 3);
    sr_network *srn = NULL;
    if (sr_network_open(path, &srn) != SR_OK) {
        fprintf(stderr, "bench_ch: %s\n", sr_network_errmsg(srn));
        sr_network_close(srn);
        return 1;
    }
    sr__ch *ch = srn->ch ? srn->ch->ch[SR_BY_TIME][SR_UNIT_40FT] : NULL;
    if (!ch) {
        fprintf(stderr, "bench_ch: %s has no time hierarchy\n", path);
        sr_network_close(srn);
        return 1;
    }
    size_t np = sr_network_place_count(srn);
    uint32_t nc = srn->n_classes, src[SR_CLASS_MAX], dst[SR_CLASS_MAX];
    double *v = malloc((size_t)nq * (size_t)rounds * sizeof *v);
    size_t nv = 0, noroute = 0, total_steps = 0;
    uint64_t sum = 1469598103934665603ull, dsum = sum;
    for (int r = 0; r < rounds; r++) {
        uint64_t seed = 20261202;
        for (int k = 0; k < nq; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t a = (uint32_t)((seed >> 33) % np);
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t b = (uint32_t)((seed >> 33) % np);
            if (a == b)
                b = (b + 1) % (uint32_t)np;
            for (uint32_t c = 0; c < nc; c++)
                src[c] = a * nc + c, dst[c] = b * nc + c;
            double dd = 0;
            uint32_t *steps = NULL;
            size_t n = 0;
            double s0 = tcpu_us();
            int rc = sr__ch_query(ch, src, nc, dst, nc, &dd, &steps, &n);
            v[nv++] = tcpu_us() - s0;
            if (r == 0) {
                uint64_t bits;
                memcpy(&bits, &dd, sizeof bits);
                sum = (sum ^ (uint64_t)(rc + 3)) * 1099511628211ull;
                dsum = (dsum ^ (uint64_t)(rc + 3)) * 1099511628211ull;
                if (rc == 0) {
                    sum = (sum ^ bits) * 1099511628211ull;
                    dsum = (dsum ^ bits) * 1099511628211ull;
                    for (size_t i = 0; i < n; i++)
                        sum = (sum ^ steps[i]) * 1099511628211ull;
                    total_steps += n;
                } else
                    noroute++;
            }
            free(steps);
        }
    }
    printf("%s: %u nodes, %llu + %llu edges; %d pairs x %d rounds (%zu without a route, %zu steps), load average "
           "%.1f\n",
           path, ch->n, (unsigned long long)ch->n_up, (unsigned long long)ch->n_dn, nq, rounds, noroute, total_steps,
           loads[0]);
    stats("hierarchy search only (+ unpack)", v, nv, NULL);
#ifdef SR_CH_STATS
    {
        extern unsigned long long sr__ch_st_pop, sr__ch_st_settle, sr__ch_st_stall, sr__ch_st_relax, sr__ch_st_push,
            sr__ch_st_stallscan;
        double q = (double)nv;
        printf("  per query: pops %.0f settled %.0f stalled %.0f stall-scan %.0f relaxed %.0f pushed %.0f\n",
               sr__ch_st_pop / q, sr__ch_st_settle / q, sr__ch_st_stall / q, sr__ch_st_stallscan / q,
               sr__ch_st_relax / q, sr__ch_st_push / q);
    }
#endif
    printf("  answers checksum                   %016llx (distances alone %016llx)\n", (unsigned long long)sum,
           (unsigned long long)dsum);
    free(v);
    sr_network_close(srn);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    const char *search = NULL, *keep = NULL;
    int nq = 2000, export_only = 0, rounds = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--queries") && i + 1 < argc)
            nq = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--export") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--export-only"))
            export_only = 1;
        else if (!strcmp(argv[i], "--open") && i + 1 < argc)
            return open_only(argv[++i]);
        else if (!strcmp(argv[i], "--search") && i + 1 < argc)
            search = argv[++i];
        else if (!strcmp(argv[i], "--keep") && i + 1 < argc)
            keep = argv[++i];
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else
            dir = argv[i];
    }
    if (nq < 1)
        nq = 1;
    if (search)
        return search_only(search, nq, rounds < 1 ? 1 : rounds);
    double la = 0, loads[3] = {0};
    if (getloadavg(loads, 3) > 0)
        la = loads[0];
    double t0 = now_s(), c0 = cpu_s();
    sr_network *csv = NULL;
    if (sr_network_open(dir, &csv) != SR_OK) {
        fprintf(stderr, "bench_ch: %s\n", sr_network_errmsg(csv));
        sr_network_close(csv);
        return 1;
    }
    double t_load = now_s() - t0, c_load = cpu_s() - c0;
    printf("dataset: %s: %zu places, %zu links, %u arcs, %u transfers, %u classes (load average %.1f)\n",
           sr_network_dir(csv), sr_network_place_count(csv), sr_network_link_count(csv), csv->n_arcs, csv->n_xfers,
           csv->n_classes, la);
    printf("  CSV load                           %9.3f s wall, %.3f s CPU\n", t_load, c_load);
    if (out && export_graph(csv, out) < 0)
        fprintf(stderr, "bench_ch: export to %s failed\n", out);
    if (export_only) {
        sr_network_close(csv);
        return 0;
    }

    /* Preprocessing: the hierarchy of the default query (time, 40ft). */
    sr_network *chn = NULL;
    sr_network_open(dir, &chn);
    double rss0 = mem_mb("VmRSS:");
    t0 = now_s();
    c0 = cpu_s();
    if (sr_network_build_ch(chn, SR_CH_METRIC(SR_BY_TIME, SR_UNIT_40FT), NULL, NULL) != SR_OK) {
        fprintf(stderr, "bench_ch: building the hierarchy failed\n");
        return 1;
    }
    double t_ch = now_s() - t0, c_ch = cpu_s() - c0;
    const sr__ch *ch = chn->ch->ch[SR_BY_TIME][SR_UNIT_40FT];
    double ch_mb = ((double)(ch->n_up + ch->n_dn) * (sizeof(sr__ch_edge) + 8) + 3.0 * ((double)ch->n + 1) * 4) / 1048576.0;
    printf("  contraction (time, 40ft)           %9.3f s wall, %.3f s CPU; %u nodes, %llu edges up, %llu down, "
           "%llu shortcuts\n",
           t_ch, c_ch, ch->n, (unsigned long long)ch->n_up, (unsigned long long)ch->n_dn,
           (unsigned long long)ch->n_shortcuts);
    printf("  hierarchy memory                   %9.1f MB (arrays); peak RSS of the process %.0f MB, +%.0f MB "
           "over the loaded network\n",
           ch_mb, mem_mb("VmHWM:"), mem_mb("VmHWM:") - rss0);

    /* The compiled file: size and load time (median of 5 opens). */
    char path[256];
    if (keep)
        snprintf(path, sizeof path, "%s", keep);
    else
        snprintf(path, sizeof path, "/tmp/bench_ch.%ld.srn", (long)getpid());
    char err[512];
    t0 = now_s();
    if (sr_network_compile(chn, path, err, sizeof err) != SR_OK) {
        fprintf(stderr, "bench_ch: %s\n", err);
        return 1;
    }
    double t_write = now_s() - t0;
    struct stat st;
    stat(path, &st);
    double lt[5], lc[5];
    sr_network *srn = NULL;
    for (int k = 0; k < 5; k++) {
        sr_network_close(srn);
        srn = NULL;
        t0 = now_s();
        c0 = cpu_s();
        if (sr_network_open(path, &srn) != SR_OK) {
            fprintf(stderr, "bench_ch: %s\n", sr_network_errmsg(srn));
            return 1;
        }
        lt[k] = now_s() - t0;
        lc[k] = cpu_s() - c0;
    }
    qsort(lt, 5, sizeof *lt, cmp_double);
    qsort(lc, 5, sizeof *lc, cmp_double);
    printf("  compiled file                      %9.1f MB, written in %.2f s, opened in %.1f ms (median of 5; "
           "min %.1f, max %.1f), %.1f ms CPU; CSV/compiled %.0fx\n",
           (double)st.st_size / 1048576.0, t_write, lt[2] * 1e3, lt[0] * 1e3, lt[4] * 1e3, lc[2] * 1e3,
           t_load / lt[2]);

    /* Queries: the same random pairs on the compiled file (hierarchy) and
     * on the CSV network (Dijkstra), alternating. */
    sr_query *qh, *qd;
    sr_query_create(srn, &qh);
    sr_query_create(csv, &qd);
    size_t np = sr_network_place_count(csv);
    double *vh = malloc(nq * sizeof *vh), *vd = malloc(nq * sizeof *vd), *vr = malloc(nq * sizeof *vr);
    uint32_t *sp = malloc(nq * 4), *tp = malloc(nq * 4);
    double *dist = malloc(nq * sizeof *dist);
    uint64_t seed = 20261202;
    size_t nh = 0, nd = 0, nr = 0, mism = 0, noroute = 0;
    int dijkstra_every = np > 100000 ? 20 : 1; /* Dijkstra is slow on large networks */
    for (int k = 0; k < nq; k++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t a = (uint32_t)((seed >> 33) % np);
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t b = (uint32_t)((seed >> 33) % np);
        if (a == b)
            b = (b + 1) % (uint32_t)np;
        sp[k] = a;
        tp[k] = b;
        sr_route_options o;
        sr_route_options_init(&o);
        o.from = sr_network_place(csv, a)->id;
        o.to = sr_network_place(csv, b)->id;
        sr_result *rh = NULL, *rd = NULL;
        double s0 = tcpu_us();
        sr_code ch_rc = sr_route_query(qh, &o, &rh);
        vh[nh++] = (tcpu_us() - s0);
        double dur = ch_rc == SR_OK ? sr_result_route(rh, 0)->duration_h : INFINITY;
        noroute += ch_rc != SR_OK;
        if (k % dijkstra_every == 0) {
            s0 = tcpu_us();
            sr_code d_rc = sr_route_query(qd, &o, &rd);
            vd[nd++] = (tcpu_us() - s0);
            if (d_rc != ch_rc ||
                (d_rc == SR_OK && fabs(sr_result_route(rd, 0)->duration_h - dur) > 1e-6 * (dur + 1)))
                mism++;
        }
        sr_result_free(rh);
        sr_result_free(rd);
        /* The hierarchy's search alone (states, no answer assembly). */
        uint32_t nc = srn->n_classes, src[SR_CLASS_MAX], dst[SR_CLASS_MAX];
        for (uint32_t c = 0; c < nc; c++)
            src[c] = a * nc + c, dst[c] = b * nc + c;
        double dd;
        uint32_t *steps;
        size_t n;
        s0 = tcpu_us();
        int r = sr__ch_query(srn->ch->ch[SR_BY_TIME][SR_UNIT_40FT], src, nc, dst, nc, &dd, &steps, &n);
        vr[nr++] = (tcpu_us() - s0);
        dist[k] = r == 0 ? dd : INFINITY;
        if (r == 0)
            free(steps);
    }
    printf("queries: %d random place pairs (%zu without a route), by time, 40ft; Dijkstra on every %d-th\n", nq,
           noroute, dijkstra_every);
    double mh, md, mr;
    stats("route query, hierarchy (compiled)", vh, nh, &mh);
    stats("route query, Dijkstra (CSV)", vd, nd, &md);
    stats("hierarchy search only (+ unpack)", vr, nr, &mr);
    printf("  Dijkstra / hierarchy               %9.0fx (median); answers differing: %zu of %zu\n", md / mh, mism,
           nd);
    if (out) {
        write_u32(out, "source_place", sp, (size_t)nq);
        write_u32(out, "target_place", tp, (size_t)nq);
        char p2[4200];
        snprintf(p2, sizeof p2, "%s/ch_distance", out);
        FILE *f = fopen(p2, "wb");
        if (f) {
            fwrite(dist, sizeof *dist, (size_t)nq, f);
            fclose(f);
        }
    }
    free(vh);
    free(vd);
    free(vr);
    free(sp);
    free(tp);
    free(dist);
    sr_query_destroy(qh);
    sr_query_destroy(qd);
    sr_network_close(srn);
    sr_network_close(chn);
    sr_network_close(csv);
    if (!keep)
        unlink(path);
    return 0;
}
