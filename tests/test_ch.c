/*
 * test_ch.c - differential tests of the contraction hierarchies (src/lib/ch/)
 * against the router's Dijkstra, and of the query layer's choice between
 * them (src/lib/query/plan.c).
 *
 * Why: a hierarchy is exact only if every witness search, shortcut and
 * unpacking step is right, and errors show as a slightly longer route on
 * some pairs only.  Each network is opened twice from the same files, once
 * with hierarchies for every metric and once without, and every query is
 * answered by both: the optimum (the objective the router minimises) must
 * agree to 1e-9, the hierarchy's route must be a valid route of the model
 * (tests/util_randnet.c), and queries a hierarchy cannot answer must run
 * Dijkstra (sr_query_used_ch()).  Networks: random small multimodal ones
 * with many ties, the synthetic grid of bench/gen_synthetic.py (gauge
 * changes at borders, ferries, air), and the shipped dataset data/.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "ch/ch.h"
#include "network/network.h"
#include "route/route.h"
#include "silkroute.h"
#include "util.h"
#include "util_randnet.h"

/* What the router minimises for the default query of an objective. */
static double objective(const sr_route *r, sr_objective obj)
{
    const double eps = 1e-7;
    double t = r->duration_h, c = r->cost_usd, e = r->co2e_kg;
    return obj == SR_BY_TIME ? t + eps * (c + e) : obj == SR_BY_COST ? c + eps * (t + e) : e + eps * (t + c);
}

typedef struct tally {
    long queries, same_route, noroute, fallback;
} tally;

/* Answer o on both networks and compare. */
static void compare(sr_query *qc, sr_query *qd, const sr_route_options *o, int expect_ch, tally *t, const char *what)
{
    sr_result *rc = NULL, *rd = NULL;
    sr_code cc = sr_route_query(qc, o, &rc), cd = sr_route_query(qd, o, &rd);
    t->queries++;
    if (sr_query_used_ch(qc) != expect_ch)
        fail_msg("%s: %s -> %s obj %d: used_ch %d, expected %d", what, o->from, o->to, o->objective,
                 sr_query_used_ch(qc), expect_ch);
    assert_int_equal(sr_query_used_ch(qd), 0);
    if (cc != cd)
        fail_msg("%s: %s -> %s obj %d unit %d: hierarchy says %s, Dijkstra %s (%s)", what, o->from, o->to,
                 o->objective, o->unit, sr_strerror(cc), sr_strerror(cd), sr_query_errmsg(qc));
    if (cc == SR_OK) {
        const sr_route *a = sr_result_route(rc, 0), *b = sr_result_route(rd, 0);
        sr_objective obj = o->objective == SR_BY_BLEND ? SR_BY_TIME : o->objective;
        double va = objective(a, obj), vb = objective(b, obj);
        if (!expect_ch || o->objective > SR_BY_CO2 || o->quantity != 1) {
            /* Both Dijkstra: identical. */
            assert_int_equal(a->n_legs, b->n_legs);
        } else if (!(fabs(va - vb) <= 1e-9 * (fabs(vb) + 1)))
            fail_msg("%s: %s -> %s obj %d unit %d: hierarchy %.12g, Dijkstra %.12g", what, o->from, o->to,
                     o->objective, o->unit, va, vb);
        int same = a->n_legs == b->n_legs && a->n_transfers == b->n_transfers;
        for (size_t i = 0; same && i < a->n_legs; i++)
            same = a->legs[i].link == b->legs[i].link && a->legs[i].from == b->legs[i].from;
        for (size_t i = 0; same && i < a->n_transfers; i++)
            same = a->transfers[i].from_class == b->transfers[i].from_class &&
                   a->transfers[i].to_class == b->transfers[i].to_class;
        t->same_route += same;
        if (same) {
            /* The same path (legs and transfers): the same answer,
             * documents and all. */
            char *ja = sr_result_route_json(sr__query_net(qc), rc, 0, 0),
                 *jb = sr_result_route_json(sr__query_net(qd), rd, 0, 0);
            assert_non_null(ja);
            assert_non_null(jb);
            if (strcmp(ja, jb))
                fail_msg("%s: %s -> %s obj %d unit %d: same path, different JSON:\n%s\n%s", what, o->from, o->to,
                         o->objective, o->unit, ja, jb);
            free(ja);
            free(jb);
        }
        /* The totals are the router's own sums of the parts. */
        double s = 0;
        for (size_t i = 0; i < a->n_legs; i++)
            s += a->legs[i].duration_h;
        for (size_t i = 0; i < a->n_transfers; i++)
            s += a->transfers[i].duration_h;
        for (size_t i = 0; i < a->n_crossings; i++)
            s += a->crossings[i].dwell_h;
        s += a->documents_h;
        assert_true(fabs(s - a->duration_h) <= 1e-6 * (a->duration_h + 1));
        assert_int_equal(a->legs[0].from, b->legs[0].from);
        assert_int_equal(a->legs[a->n_legs - 1].to, b->legs[b->n_legs - 1].to);
    } else {
        t->noroute++;
    }
    sr_result_free(rc);
    sr_result_free(rd);
}

/* ---- random networks --------------------------------------------------------- */

/* Random document rules for a random network's countries AA, BB, CC
 * (docs/DATA.md "Documents"): TIR parties, rail conventions with and
 * without the common note, road permits, and costed events whose export,
 * import and transit rows differ, so that border arcs weigh differently
 * for different origin and destination territories; sometimes a customs
 * union of two of the countries.  Returns 0 or -1. */
static int write_random_docs(const char *dir, uint64_t *rng)
{
    static const char *const cc[] = {"AA", "BB", "CC"};
    static const char *const ev[] = {"reconsignment",  "export_clearance", "import_clearance", "transit_opened",
                                     "transit_closed", "tir_carnet",       "permit"};
    static const char *const md[] = {"rail", "road", "sea", "air", "any"};
    char path[1024];
    snprintf(path, sizeof path, "%s/documents", dir);
    if (mkdir(path, 0777) != 0)
        return -1;
    FILE *f;
    snprintf(path, sizeof path, "%s/documents/tir.csv", dir);
    if (!(f = fopen(path, "w")))
        return -1;
    fprintf(f, "country,tir_since,etir_since,source,note\n");
    for (int i = 0; i < 3; i++)
        if (rn_int(rng, 0, 3))
            fprintf(f, "%s,1990,%s,A-t,\n", cc[i], rn_int(rng, 0, 1) ? "2020" : "");
    fclose(f);
    snprintf(path, sizeof path, "%s/documents/rail_notes.csv", dir);
    if (!(f = fopen(path, "w")))
        return -1;
    fprintf(f, "country,gauge_mm,convention,common_note,source,note\n");
    for (int i = 0; i < 3; i++)
        fprintf(f, "%s,,%s,%d,A-t,\n", cc[i], rn_int(rng, 0, 1) ? "cim" : "smgs", rn_int(rng, 0, 1));
    fclose(f);
    snprintf(path, sizeof path, "%s/documents/road_permits.csv", dir);
    if (!(f = fopen(path, "w")))
        return -1;
    fprintf(f, "country_a,country_b,regime,fee_usd_20ft,fee_usd_40ft,fee_usd_t,source,note\n");
    if (rn_int(rng, 0, 1))
        fprintf(f, "AA,BB,%s,%d,%d,%d,A-t,\n", rn_int(rng, 0, 1) ? "bilateral" : "sco", rn_int(rng, 0, 90),
                rn_int(rng, 0, 90), rn_int(rng, 0, 9));
    if (rn_int(rng, 0, 1))
        fprintf(f, "BB,CC,none,,,,A-t,\n");
    fclose(f);
    snprintf(path, sizeof path, "%s/documents/costs.csv", dir);
    if (!(f = fopen(path, "w")))
        return -1;
    fprintf(f, "event,mode,regime,time_h,cost_usd_20ft,cost_usd_40ft,cost_usd_t,source,note\n");
    for (int e = 0; e < 7; e++) {
        /* reconsignment is a rail event; carnets and permits road ones. */
        int m = e == 0 ? 0 : e >= 5 ? 1 : rn_int(rng, 0, 3);
        const char *reg = m == 1 && e != 6 ? (e == 5 || rn_int(rng, 0, 1) ? "tir" : "transit") : "any";
        if (rn_int(rng, 0, 4))
            fprintf(f, "%s,%s,%s,%g,%d,%d,%g,A-t,\n", ev[e], md[m], reg, 0.25 * rn_int(rng, 0, 12),
                    rn_int(rng, 0, 300), rn_int(rng, 0, 300), 0.5 * rn_int(rng, 0, 20));
        if (e >= 1 && e <= 4 && rn_int(rng, 0, 1))
            fprintf(f, "%s,any,any,%g,%d,%d,%g,A-t,\n", ev[e], 0.5 * rn_int(rng, 0, 6), rn_int(rng, 0, 200),
                    rn_int(rng, 0, 200), 0.5 * rn_int(rng, 0, 10));
    }
    fclose(f);
    if (rn_int(rng, 0, 2) == 0) {
        snprintf(path, sizeof path, "%s/unions.csv", dir);
        if (!(f = fopen(path, "w")))
            return -1;
        fprintf(f, "union,country,since,until,source\nU1,AA,2000,,A-t\nU1,%s,2000,,A-t\n", rn_int(rng, 0, 1) ? "BB" : "CC");
        fclose(f);
    }
    return 0;
}

/* A query's document options: mostly the defaults, which the hierarchy
 * answers; else separate notes or national transit, which fall back. */
static int random_doc_options(sr_route_options *o, uint64_t *rng)
{
    int k = rn_int(rng, 0, 5);
    if (k == 4)
        o->consignment_note = SR_NOTE_SEPARATE;
    if (k == 5)
        o->road_regime = SR_ROAD_TRANSIT;
    return k < 4;
}

static void test_random(void **state)
{
    (void)state;
    uint64_t rng = 0x5eed17c4ull;
    tally t = {0};
    long valid = 0;
    long with_docs = 0;
    for (int cs = 0; cs < 300; cs++) {
        rn_net m;
        rn_generate(&m, &rng);
        char *dir = rn_tempdir();
        assert_non_null(dir);
        assert_int_equal(rn_write(&m, dir), 0);
        /* Every other network has document rules. */
        int docs = cs % 2;
        if (docs)
            assert_int_equal(write_random_docs(dir, &rng), 0);
        sr_network *nc = NULL, *nd = NULL;
        if (sr_network_open(dir, &nc) != SR_OK)
            fail_msg("random case %d (%s): %s", cs, dir, nc ? sr_network_errmsg(nc) : "?");
        assert_int_equal(sr_network_open(dir, &nd), SR_OK);
        assert_int_equal(sr_network_build_ch(nc, SR_CH_ALL_METRICS, NULL, NULL), SR_OK);
        assert_int_equal(sr_network_ch_metrics(nc), SR_CH_ALL_METRICS);
        sr_query *qc, *qd;
        assert_int_equal(sr_query_create(nc, &qc), SR_OK);
        assert_int_equal(sr_query_create(nd, &qd), SR_OK);
        for (int k = 0; k < 40; k++) {
            rn_query rq;
            rn_random_query(&m, &rng, &rq);
            /* Half the queries are default ones, which the hierarchy answers. */
            int dflt = rn_int(&rng, 0, 1);
            if (dflt) {
                rq.obj = (sr_objective)rn_int(&rng, 0, 2);
                rq.pareto = 0;
                rq.modes = SR_MODES_ALL;
                rq.year = 0;
                rq.qty = 1;
                rq.max_tr = -1;
                rq.n_avoid_place = rq.n_avoid_x = rq.n_avoid_cc = 0;
            }
            sr_route_options o;
            rn_options(&m, &rq, &o);
            o.pareto = 0;
            if (o.objective == SR_BY_RELIABLE)
                o.objective = SR_BY_TIME;
            int expect = dflt;
            if (!dflt)
                expect = o.quantity == 1 && o.modes == SR_MODES_ALL && !o.year && o.max_transfers < 0 &&
                         !o.n_avoid && !o.n_avoid_countries && o.objective <= SR_BY_CO2;
            /* Non-default document options: Dijkstra (query/plan.c). */
            if (docs && !random_doc_options(&o, &rng))
                expect = 0;
            with_docs += docs;
            if (!expect)
                t.fallback++;
            compare(qc, qd, &o, expect, &t, "random");
            /* The hierarchy's route is a valid route of the model (which
             * knows nothing of documents). */
            sr_result *r = NULL;
            if (expect && !docs && sr_route_query(qc, &o, &r) == SR_OK) {
                rn_vec v;
                char why[512];
                if (rn_check_route(&m, &rq, nc, sr_result_route(r, 0), &v, why, sizeof why) != 0)
                    fail_msg("random case %d: invalid hierarchy route: %s (dataset in %s)", cs, why, dir);
                valid++;
            }
            sr_result_free(r);
        }
        sr_query_destroy(qc);
        sr_query_destroy(qd);
        sr_network_close(nc);
        sr_network_close(nd);
        rn_rmdir(dir);
    }
    printf("random: %ld queries (%ld on networks with document rules, %ld by Dijkstra as a fallback, %ld no route), "
           "%ld hierarchy routes checked valid, %ld identical routes\n",
           t.queries, with_docs, t.fallback, t.noroute, valid, t.same_route);
    assert_true(valid > 500);
}

/* ---- synthetic grids and the shipped dataset -------------------------------- */

static void pairs(const char *dir, int n_pairs, uint64_t seed, const char *what)
{
    sr_network *nc = NULL, *nd = NULL;
    assert_int_equal(sr_network_open(dir, &nc), SR_OK);
    assert_int_equal(sr_network_open(dir, &nd), SR_OK);
    assert_int_equal(sr_network_build_ch(nc, SR_CH_ALL_METRICS, NULL, NULL), SR_OK);
    sr_query *qc, *qd;
    assert_int_equal(sr_query_create(nc, &qc), SR_OK);
    assert_int_equal(sr_query_create(nd, &qd), SR_OK);
    size_t np = sr_network_place_count(nc);
    tally t = {0};
    for (int k = 0; k < n_pairs; k++) {
        size_t a = rn_next(&seed) % np, b = rn_next(&seed) % np;
        if (a == b)
            continue;
        sr_route_options o;
        sr_route_options_init(&o);
        o.from = sr_network_place(nc, a)->id;
        o.to = sr_network_place(nc, b)->id;
        o.objective = (sr_objective)(k % 3);
        o.unit = (sr_unit)((k / 3) % SR_UNIT_COUNT);
        compare(qc, qd, &o, 1, &t, what);
    }
    /* A few constrained queries: the fallback.  On a network with document
     * rules, separate notes and national transit are among them. */
    for (int k = 0; k < 50; k++) {
        size_t a = rn_next(&seed) % np, b = rn_next(&seed) % np;
        if (a == b)
            continue;
        sr_route_options o;
        sr_route_options_init(&o);
        o.from = sr_network_place(nc, a)->id;
        o.to = sr_network_place(nc, b)->id;
        int expect = 0;
        if (k % 5 == 0)
            o.modes = SR_MODE_BIT(SR_ROAD) | SR_MODE_BIT(SR_RAIL);
        else if (k % 5 == 1)
            o.quantity = 2;
        else if (k % 5 == 2)
            o.max_transfers = 2;
        else if (k % 5 == 3)
            o.consignment_note = SR_NOTE_SEPARATE, expect = !nc->docs;
        else
            o.road_regime = SR_ROAD_TRANSIT, expect = !nc->docs;
        compare(qc, qd, &o, expect, &t, what);
    }
    printf("%s: %ld queries, %ld no route, %ld identical routes\n", what, t.queries, t.noroute, t.same_route);
    sr_query_destroy(qc);
    sr_query_destroy(qd);
    sr_network_close(nc);
    sr_network_close(nd);
}

static void test_synthetic(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "python3 bench/gen_synthetic.py %s 40 25 >/dev/null 2>&1", dir);
    if (system(cmd) != 0) {
        printf("skip: python3 bench/gen_synthetic.py not available\n");
        tu_rmdir(dir);
        skip();
    }
    pairs(dir, 1500, 17, "synthetic 40x25");
    tu_rmdir(dir);
}

static void test_dataset(void **state)
{
    (void)state;
    struct stat st;
    if (stat("data/places.csv", &st) != 0)
        skip();
    /* The top-level files of data/ (tu_copy_dataset copies no folders):
     * no documents/, one hierarchy per metric. */
    char *dir = tu_copy_dataset("data");
    pairs(dir, 1500, 42, "data/ without documents/");
    tu_rmdir(dir);
    /* With documents/: one hierarchy per metric and pair of customs
     * territory classes, with the default document options' weights. */
    pairs("data", 6000, 43, "data/ with documents/");
    /* The fixed query of the HTTP benchmark (bench/http_bench.sh). */
    sr_network *net = NULL;
    assert_int_equal(sr_network_open("data", &net), SR_OK);
    assert_int_equal(sr_network_build_ch(net, SR_CH_METRIC(SR_BY_TIME, SR_UNIT_40FT), NULL, NULL), SR_OK);
    assert_int_equal(sr_network_ch_metrics(net), SR_CH_METRIC(SR_BY_TIME, SR_UNIT_40FT));
    sr_query *q;
    assert_int_equal(sr_query_create(net, &q), SR_OK);
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "CNXIY";
    o.to = "DEDUI";
    sr_result *r = NULL;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    assert_int_equal(sr_query_used_ch(q), 1);
    sr_result_free(r);
    o.objective = SR_BY_COST; /* no hierarchy of this metric: Dijkstra */
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    assert_int_equal(sr_query_used_ch(q), 0);
    sr_result_free(r);
    sr_query_destroy(q);
    sr_network_close(net);
}

/* ---- the graph module alone ------------------------------------------------- */

/* A plain Dijkstra over the same arcs as the reference. */
static double ref_dist(uint32_t n, const sr__ch_arc *arcs, size_t na, uint32_t s, uint32_t t)
{
    double *d = malloc(n * sizeof *d);
    char *done = calloc(n, 1);
    for (uint32_t i = 0; i < n; i++)
        d[i] = INFINITY;
    d[s] = 0;
    for (;;) {
        uint32_t best = UINT32_MAX;
        for (uint32_t i = 0; i < n; i++)
            if (!done[i] && d[i] < INFINITY && (best == UINT32_MAX || d[i] < d[best]))
                best = i;
        if (best == UINT32_MAX || best == t)
            break;
        done[best] = 1;
        for (size_t a = 0; a < na; a++)
            if (arcs[a].tail == best && d[best] + arcs[a].w < d[arcs[a].head])
                d[arcs[a].head] = d[best] + arcs[a].w;
    }
    double r = d[t];
    free(d);
    free(done);
    return r;
}

static void test_graph(void **state)
{
    (void)state;
    uint64_t rng = 99;
    long checked = 0;
    uint64_t default_shortcuts = 0, tiny_shortcuts = 0;
    for (int cs = 0; cs < 200; cs++) {
        uint32_t n = (uint32_t)rn_int(&rng, 2, 60);
        size_t na = (size_t)rn_int(&rng, 0, (int)n * 4);
        sr__ch_arc *arcs = malloc((na + 1) * sizeof *arcs);
        for (size_t a = 0; a < na; a++)
            arcs[a] = (sr__ch_arc){.tail = (uint32_t)rn_int(&rng, 0, (int)n - 1),
                                   .head = (uint32_t)rn_int(&rng, 0, (int)n - 1),
                                   /* few distinct weights: many ties; zero weights too */
                                   .w = (double)rn_int(&rng, 0, 5),
                                   .step = (uint32_t)a};
        /* The default witness bounds, and a bound of one settled node with
         * no neighbour re-evaluation: a bound only adds shortcuts, so that
         * hierarchy must be exact too. */
        for (int lv = 0; lv < 2; lv++) {
            const sr__ch_limits tiny = {1, 1, 0};
            sr__ch *ch = sr__ch_build_limits(n, arcs, na, lv ? &tiny : NULL, NULL, NULL);
            assert_non_null(ch);
            if (lv)
                tiny_shortcuts += ch->n_shortcuts;
            else
                default_shortcuts += ch->n_shortcuts;
            /* Every shortcut's stored halves sit at its bypassed node, join its
             * ends and add up to its weight (unpacking follows them). */
            for (int dir = 0; dir < 2; dir++) {
                const uint32_t *off = dir ? ch->dn_off : ch->up_off, *half = dir ? ch->dn_half : ch->up_half;
                const sr__ch_edge *E = dir ? ch->dn : ch->up;
                for (uint32_t x = 0; x < ch->n; x++)
                    for (uint32_t i = off[x]; i < off[x + 1]; i++) {
                        if (!(E[i].via & SR__CH_SHORTCUT)) {
                            assert_true(E[i].via < na);
                            assert_int_equal(half[2 * i], SR__CH_NONE);
                            continue;
                        }
                        uint32_t m = E[i].via & ~SR__CH_SHORTCUT, h1 = half[2 * i], h2 = half[2 * i + 1];
                        uint32_t tail = dir ? E[i].other : x, head = dir ? x : E[i].other;
                        assert_true(m < x);
                        assert_true(h1 >= ch->dn_off[m] && h1 < ch->dn_off[m + 1]);
                        assert_true(h2 >= ch->up_off[m] && h2 < ch->up_off[m + 1]);
                        assert_int_equal(ch->dn[h1].other, tail);
                        assert_int_equal(ch->up[h2].other, head);
                        assert_true(ch->dn[h1].w + ch->up[h2].w == E[i].w);
                    }
            }
            for (int k = 0; k < 30; k++) {
                uint32_t s = (uint32_t)rn_int(&rng, 0, (int)n - 1), t = (uint32_t)rn_int(&rng, 0, (int)n - 1);
                double want = ref_dist(n, arcs, na, s, t), got = -1;
                uint32_t *steps;
                size_t ns;
                int r = sr__ch_query(ch, &s, 1, &t, 1, &got, &steps, &ns);
                if (want == INFINITY) {
                    assert_int_equal(r, 1);
                    continue;
                }
                assert_int_equal(r, 0);
                assert_true(fabs(got - want) < 1e-9);
                /* The unpacked steps form a path s -> t of that weight. */
                uint32_t at = s;
                double sum = 0;
                for (size_t i = 0; i < ns; i++) {
                    assert_true(steps[i] < na);
                    assert_int_equal(arcs[steps[i]].tail, at);
                    at = arcs[steps[i]].head;
                    sum += arcs[steps[i]].w;
                }
                assert_int_equal(at, t);
                assert_true(fabs(sum - want) < 1e-9);
                free(steps);
                checked++;
            }
            sr__ch_free(ch);
        }
        free(arcs);
    }
    printf("graph: %ld paths checked against a plain Dijkstra; shortcuts %llu with the default witness bounds, "
           "%llu with a bound of 1\n",
           checked, (unsigned long long)default_shortcuts, (unsigned long long)tiny_shortcuts);
    assert_true(tiny_shortcuts > default_shortcuts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_synthetic),
        cmocka_unit_test(test_dataset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
