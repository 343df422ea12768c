/*
 * import.c - OpenStreetMap import: read an extract (.osm.pbf or .osm XML,
 * through Debian's libreadosm) and write a dataset in the documented CSV
 * formats (docs/DATA.md) whose every place and link is traceable to its
 * OSM element, with the ODbL attribution in sources.csv and NOTICE.
 *
 * What is taken: railways (railway=rail, narrow_gauge, light_rail; their
 * gauge, usage, service and electrified tags), roads by class (highway=
 * motorway .. residential and the _link roads; oneway), ferries
 * (route=ferry), border controls (barrier=border_control nodes) and
 * stations and terminals (railway=station, halt, yard; a node of a
 * ferry's end is a seaport).  Ways are split into links at their ends, at
 * nodes two kept ways share, at stations and at border controls; each
 * link's geometry is its ways' intermediate nodes and its distance their
 * great-circle sum.  A place's country is its node's addr:country,
 * is_in:country_code or ISO3166-1 tag, else that of a place connected to
 * it without passing a border control (breadth-first), else --country;
 * a border control whose two sides are in different countries becomes a
 * crossing on the link towards the other side.  Rail ways of different
 * gauges meeting at a node get a gauge_change transfer, rail meeting road
 * or ferry a mode_change.  Speeds, dwell and transfer times are labelled
 * assumptions (sources.csv), not OSM data.
 *
 * Memory: two passes over the file (ways first, then only the nodes they
 * use), so a node costs nothing unless a kept way references it; a kept
 * node costs 8 bytes of reference per use plus 48 in the node table
 * (docs/PERFORMANCE.md gives the measured bytes per million nodes).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <readosm.h>

#include "silkroute.h"
#include "osmgraph.h"
#include "core/util.h"

enum { W_RAIL = 0, W_ROAD = 1, W_FERRY = 2 };

typedef struct oway {
    long long id;
    int kind;
    int gauge;              /* mm, rail */
    int oneway;             /* 1: as drawn, -1: reversed, 0: both */
    int gauge_assumed;      /* no usable gauge tag: 1435 assumed */
    size_t ref0, n_refs;
    char cls[24];           /* highway class, railway usage */
    char electrified[16];
    char name[64];
} oway;

/* Node table: open addressing on the OSM id. */
typedef struct onode {
    long long id;           /* 0: empty slot */
    double lat, lon;
    uint32_t uses;          /* references by kept ways (an end counts twice) */
    uint8_t have, border, station, seaport;
    uint32_t place;         /* place index, or UINT32_MAX */
    char cc[3];
    char *name;
} onode;

typedef struct imp {
    const sr_osm_options *o;
    oway *ways;
    size_t n_ways, cap_ways;
    long long *refs;
    size_t n_refs, cap_refs;
    onode *nodes;
    size_t cap_nodes, n_nodes;
    int oom;
    uint64_t elements;
    time_t last;
    sr_osm_stats *st;
} imp;

static const char *tag(int n, const readosm_tag *t, const char *key)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(t[i].key, key))
            return t[i].value;
    return NULL;
}

static uint64_t mix(long long id)
{
    uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return x ^ (x >> 29);
}

static int grow_nodes(imp *m);

/* The slot of id (inserted when add). */
static onode *node_at(imp *m, long long id, int add)
{
    if (add && (m->n_nodes + 1) * 2 > m->cap_nodes && grow_nodes(m) < 0)
        return NULL;
    if (!m->cap_nodes)
        return NULL;
    size_t mask = m->cap_nodes - 1, i = mix(id) & mask;
    while (m->nodes[i].id && m->nodes[i].id != id)
        i = (i + 1) & mask;
    if (m->nodes[i].id == id)
        return &m->nodes[i];
    if (!add)
        return NULL;
    m->nodes[i] = (onode){.id = id, .place = UINT32_MAX};
    m->n_nodes++;
    return &m->nodes[i];
}

static int grow_nodes(imp *m)
{
    size_t nc = m->cap_nodes ? 2 * m->cap_nodes : 1024;
    onode *old = m->nodes;
    size_t oc = m->cap_nodes;
    m->nodes = calloc(nc, sizeof *m->nodes);
    if (!m->nodes) {
        m->nodes = old;
        return -1;
    }
    m->cap_nodes = nc;
    m->n_nodes = 0;
    for (size_t i = 0; i < oc; i++)
        if (old[i].id) {
            onode *n = node_at(m, old[i].id, 1);
            *n = old[i];
        }
    free(old);
    return 0;
}

static void progress(imp *m, const char *what)
{
    if (!m->o->progress || (++m->elements & 0xffff))
        return;
    time_t now = time(NULL);
    if (now == m->last)
        return;
    m->last = now;
    m->o->progress(m->o->progress_ctx, what, m->elements);
}

static int is_road(const char *h)
{
    static const char *const keep[] = {"motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
                                       "residential", "motorway_link", "trunk_link", "primary_link", "secondary_link",
                                       "tertiary_link", NULL};
    for (int i = 0; keep[i]; i++)
        if (!strcmp(h, keep[i]))
            return 1;
    return 0;
}

static int on_way(const void *ud, const readosm_way *w)
{
    imp *m = (imp *)ud;
    progress(m, "ways");
    const char *rw = tag(w->tag_count, w->tags, "railway"), *hw = tag(w->tag_count, w->tags, "highway"),
               *route = tag(w->tag_count, w->tags, "route");
    oway ow = {.id = w->id};
    if (rw && (!strcmp(rw, "rail") || !strcmp(rw, "narrow_gauge") || !strcmp(rw, "light_rail"))) {
        ow.kind = W_RAIL;
        const char *g = tag(w->tag_count, w->tags, "gauge"), *u = tag(w->tag_count, w->tags, "usage"),
                   *sv = tag(w->tag_count, w->tags, "service"), *el = tag(w->tag_count, w->tags, "electrified");
        /* "1435;1520" (dual gauge): the first; the link is one class. */
        ow.gauge = g ? atoi(g) : 0;
        if (ow.gauge < 300 || ow.gauge > 3000) {
            ow.gauge = 1435;
            ow.gauge_assumed = 1;
            m->st->rail_default_gauge++;
        }
        snprintf(ow.cls, sizeof ow.cls, "%s", u ? u : sv ? sv : rw);
        snprintf(ow.electrified, sizeof ow.electrified, "%s", el ? el : "");
    } else if (hw && is_road(hw)) {
        ow.kind = W_ROAD;
        snprintf(ow.cls, sizeof ow.cls, "%s", hw);
        const char *one = tag(w->tag_count, w->tags, "oneway");
        ow.oneway = one && (!strcmp(one, "yes") || !strcmp(one, "1")) ? 1 : one && !strcmp(one, "-1") ? -1 : 0;
        if (!one && (!strcmp(hw, "motorway") || !strcmp(hw, "motorway_link")))
            ow.oneway = 1;
    } else if (route && !strcmp(route, "ferry")) {
        ow.kind = W_FERRY;
        snprintf(ow.cls, sizeof ow.cls, "ferry");
    } else {
        return READOSM_OK;
    }
    if (w->node_ref_count < 2)
        return READOSM_OK;
    const char *nm = tag(w->tag_count, w->tags, "name"), *ref = tag(w->tag_count, w->tags, "ref");
    snprintf(ow.name, sizeof ow.name, "%s", nm ? nm : ref ? ref : "");
    ow.ref0 = m->n_refs;
    ow.n_refs = (size_t)w->node_ref_count;
    if (sr__grow((void **)&m->ways, &m->cap_ways, m->n_ways + 1, sizeof *m->ways) < 0 ||
        sr__grow((void **)&m->refs, &m->cap_refs, m->n_refs + ow.n_refs, sizeof *m->refs) < 0) {
        m->oom = 1;
        return READOSM_ABORT;
    }
    for (size_t i = 0; i < ow.n_refs; i++) {
        long long id = w->node_refs[i];
        m->refs[m->n_refs++] = id;
        onode *n = node_at(m, id, 1);
        if (!n) {
            m->oom = 1;
            return READOSM_ABORT;
        }
        n->uses += i == 0 || i + 1 == ow.n_refs ? 2 : 1;
        n->seaport |= ow.kind == W_FERRY && (i == 0 || i + 1 == ow.n_refs);
    }
    m->ways[m->n_ways++] = ow;
    m->st->ways[ow.kind]++;
    return READOSM_OK;
}

static void country_tag(onode *n, int tc, const readosm_tag *t)
{
    const char *keys[] = {"addr:country", "is_in:country_code", "ISO3166-1", "ISO3166-1:alpha2"};
    for (int k = 0; k < 4; k++) {
        const char *v = tag(tc, t, keys[k]);
        if (v && strlen(v) == 2 && isupper((unsigned char)v[0]) && isupper((unsigned char)v[1])) {
            memcpy(n->cc, v, 3);
            return;
        }
    }
}

static int on_node(const void *ud, const readosm_node *nd)
{
    imp *m = (imp *)ud;
    progress(m, "nodes");
    m->st->nodes_read++;
    onode *n = node_at(m, nd->id, 0);
    if (!n)
        return READOSM_OK;
    n->have = 1;
    n->lat = nd->latitude;
    n->lon = nd->longitude;
    const char *b = tag(nd->tag_count, nd->tags, "barrier"), *r = tag(nd->tag_count, nd->tags, "railway"),
               *nm = tag(nd->tag_count, nd->tags, "name");
    n->border = b && !strcmp(b, "border_control");
    n->station = r && (!strcmp(r, "station") || !strcmp(r, "halt") || !strcmp(r, "yard"));
    country_tag(n, nd->tag_count, nd->tags);
    /* Names of the nodes that become places (ends, junctions, posts,
     * stations) only: the rest are geometry.  A node given twice (a
     * damaged extract; fuzz_osm) keeps its last version, as its
     * coordinates do. */
    free(n->name);
    n->name = NULL;
    if (nm && (n->border || n->station || n->uses >= 2) && !(n->name = strdup(nm))) {
        m->oom = 1;
        return READOSM_ABORT;
    }
    return READOSM_OK;
}

/* ---- writing the dataset -------------------------------------------------- */

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s == '\r' || *s == '\n' ? ' ' : *s, f);
    }
    fputc('"', f);
}

static FILE *open_out(const char *dir, const char *name, char *err, size_t cap)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f && err)
        snprintf(err, cap, "%s: cannot create: %s", path, strerror(errno));
    return f;
}

/* Speed assumptions (km/h) of trucks by road class. */
static double road_speed(const char *c)
{
    if (!strncmp(c, "motorway", 8))
        return 80;
    if (!strncmp(c, "trunk", 5))
        return 70;
    if (!strncmp(c, "primary", 7))
        return 60;
    if (!strncmp(c, "secondary", 9))
        return 50;
    if (!strncmp(c, "tertiary", 8))
        return 40;
    return 30;
}

typedef struct olink {
    uint32_t a, b;
    size_t way;
    int seg;
    double km;
    size_t g0, ng;          /* geometry: node indexes into refs */
} olink;

static uint32_t place_of(imp *m, long long id) { return node_at(m, id, 0)->place; }

sr_code sr_osm_import(const char *path, const char *out, const sr_osm_options *opt, sr_osm_stats *st, char *err,
                      size_t errcap)
{
    sr_osm_options dflt = {0};
    sr_osm_stats dummy;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    if (err && errcap)
        err[0] = 0;
    if (!path || !out)
        return SR_EARG;
    if (!opt)
        opt = &dflt;
    const char *cc0 = opt->country[0] ? opt->country : "ZZ";
    if (strlen(cc0) != 2 || !isupper((unsigned char)cc0[0]) || !isupper((unsigned char)cc0[1])) {
        if (err)
            snprintf(err, errcap, "country: '%.8s' is not an ISO 3166-1 alpha-2 code", cc0);
        return SR_EARG;
    }
    imp m = {.o = opt, .st = st};
    sr_code rc = SR_OK;
    /* readosm reads XML when the name ends in .osm (and PBF otherwise);
     * such a file is checked first, see xmlcheck.c. */
    size_t plen = strlen(path);
    if (plen >= 4 && strcasecmp(path + plen - 4, ".osm") == 0) {
        char why[256];
        if (sr__osm_xml_check(path, why, sizeof why) < 0) {
            if (err)
                snprintf(err, errcap, "%s: %s", path, why);
            return strcmp(why, "cannot open") == 0 ? SR_EIO : SR_EDATA;
        }
    }
    for (int pass = 0; pass < 2 && rc == SR_OK; pass++) {
        const void *h = NULL;
        int r = readosm_open(path, &h);
        if (r == READOSM_OK)
            r = readosm_parse(h, &m, pass ? on_node : NULL, pass ? NULL : on_way, NULL);
        readosm_close(h);
        if (m.oom)
            rc = SR_ENOMEM;
        else if (r != READOSM_OK) {
            if (err)
                snprintf(err, errcap, "%s: cannot read as OpenStreetMap (.osm.pbf or .osm): readosm error %d", path,
                         r);
            rc = r == READOSM_FILE_NOT_FOUND ? SR_EIO : SR_EDATA;
        }
    }
    /* Places: ends, junctions, stations, border controls, and the nodes
     * next to a node the extract does not contain (ways cut at its edge). */
    for (size_t w = 0; rc == SR_OK && w < m.n_ways; w++) {
        const oway *ow = &m.ways[w];
        for (size_t i = 0; i < ow->n_refs; i++) {
            onode *n = node_at(&m, m.refs[ow->ref0 + i], 0);
            if (!n->have) {
                st->missing_nodes++;
                for (int d = -1; d <= 1; d += 2) {
                    if ((d < 0 && i == 0) || (d > 0 && i + 1 == ow->n_refs))
                        continue;
                    onode *x = node_at(&m, m.refs[ow->ref0 + i + (size_t)d], 0);
                    x->uses += 2;
                }
            }
        }
    }
    uint32_t np = 0;
    for (size_t i = 0; rc == SR_OK && i < m.cap_nodes; i++) {
        onode *n = &m.nodes[i];
        if (n->id && n->have && (n->uses >= 2 || n->border || n->station))
            n->place = np++;
    }
    st->places = np;
    onode **pl = rc == SR_OK ? calloc((size_t)np + 1, sizeof *pl) : NULL;
    if (rc == SR_OK && !pl)
        rc = SR_ENOMEM;
    for (size_t i = 0; pl && i < m.cap_nodes; i++)
        if (m.nodes[i].id && m.nodes[i].place != UINT32_MAX)
            pl[m.nodes[i].place] = &m.nodes[i];
    /* Links: the runs of a way between places. */
    olink *links = NULL;
    size_t n_links = 0, cap_links = 0;
    for (size_t w = 0; rc == SR_OK && w < m.n_ways; w++) {
        const oway *ow = &m.ways[w];
        size_t start = SIZE_MAX;
        double km = 0;
        int seg = 0;
        for (size_t i = 0; i < ow->n_refs; i++) {
            onode *n = node_at(&m, m.refs[ow->ref0 + i], 0);
            if (!n->have) {
                start = SIZE_MAX;
                continue;
            }
            if (start != SIZE_MAX) {
                onode *p = node_at(&m, m.refs[ow->ref0 + i - 1], 0);
                km += sr__haversine_km(p->lat, p->lon, n->lat, n->lon);
            }
            if (n->place == UINT32_MAX)
                continue;
            if (start != SIZE_MAX) {
                uint32_t a = place_of(&m, m.refs[ow->ref0 + start]), b = n->place;
                if (a != b && km > 0) {
                    if (sr__grow((void **)&links, &cap_links, n_links + 1, sizeof *links) < 0) {
                        rc = SR_ENOMEM;
                        break;
                    }
                    links[n_links++] = (olink){.a = a, .b = b, .way = w, .seg = seg++, .km = km,
                                               .g0 = ow->ref0 + start + 1, .ng = i - start - 1};
                }
            }
            start = i;
            km = 0;
        }
    }
    st->links = n_links;
    /* Countries: tagged places first, then breadth-first along links, not
     * through border controls; the rest take the default. */
    uint32_t *adj_off = NULL, *adj = NULL, *queue = NULL;
    if (rc == SR_OK) {
        adj_off = calloc((size_t)np + 2, sizeof *adj_off);
        adj = malloc((2 * n_links + 1) * sizeof *adj);
        queue = malloc(((size_t)np + 1) * sizeof *queue);
        if (!adj_off || !adj || !queue)
            rc = SR_ENOMEM;
    }
    if (rc == SR_OK) {
        for (size_t k = 0; k < n_links; k++)
            adj_off[links[k].a + 1]++, adj_off[links[k].b + 1]++;
        for (uint32_t p = 0; p < np; p++)
            adj_off[p + 1] += adj_off[p];
        uint32_t *fill = malloc(((size_t)np + 1) * sizeof *fill);
        if (!fill)
            rc = SR_ENOMEM;
        else {
            memcpy(fill, adj_off, ((size_t)np + 1) * sizeof *fill);
            for (size_t k = 0; k < n_links; k++) {
                adj[fill[links[k].a]++] = links[k].b;
                adj[fill[links[k].b]++] = links[k].a;
            }
            free(fill);
            size_t qh = 0, qt = 0;
            for (uint32_t p = 0; p < np; p++)
                if (pl[p]->cc[0])
                    queue[qt++] = p;
            while (qh < qt) {
                uint32_t p = queue[qh++];
                for (uint32_t i = adj_off[p]; i < adj_off[p + 1]; i++) {
                    onode *y = pl[adj[i]];
                    if (!y->cc[0]) {
                        memcpy(y->cc, pl[p]->cc, 3);
                        /* A border post takes the first side that reaches
                         * it and passes nothing on. */
                        if (!y->border)
                            queue[qt++] = adj[i];
                    }
                }
            }
            for (uint32_t p = 0; p < np; p++)
                if (!pl[p]->cc[0])
                    memcpy(pl[p]->cc, cc0, 3);
        }
    }
    /* Write the files. */
    if (rc == SR_OK && mkdir(out, 0777) != 0 && errno != EEXIST) {
        if (err)
            snprintf(err, errcap, "%s: cannot create: %s", out, strerror(errno));
        rc = SR_EIO;
    }
    FILE *f[8] = {0};
    static const char *const names[8] = {"sources.csv", "params.csv", "modes.csv", "places.csv",
                                         "crossings.csv", "links.csv", "transfers.csv", "osm_links.csv"};
    for (int i = 0; rc == SR_OK && i < 8; i++)
        if (!(f[i] = open_out(out, names[i], err, errcap)))
            rc = SR_EIO;
    if (rc == SR_OK) {
        fprintf(f[0], "id,kind,title,publisher,url,date,note\n"
                      "S-osm,source,OpenStreetMap extract ");
        const char *base = strrchr(path, '/');
        csv(f[0], base ? base + 1 : path);
        fprintf(f[0], ",OpenStreetMap contributors,https://www.openstreetmap.org/copyright,%d,"
                      "\"Geometry, distances, gauges, road classes, stations and border controls from OpenStreetMap "
                      "(c) OpenStreetMap contributors, available under the Open Database License 1.0 (ODbL); "
                      "every place id OSM-N<id> is an OSM node and every link id OSM-W<id>-<k> a piece of OSM way <id>\"\n",
                1900 + localtime(&(time_t){time(NULL)})->tm_year);
        fputs("A-osm-speed,assumption,Speeds of imported links,silkroute,,2026,\"Trucks by road class: motorway 80, "
              "trunk 70, primary 60, secondary 50, tertiary 40, other 30 km/h; freight trains 45 km/h; ferries 25 km/h; "
              "planning figures, not OSM data\"\n"
              "A-osm-cost,assumption,Tariffs and emission factors of imported networks,silkroute,,2026,\"Per-km rates "
              "and CO2e factors of the synthetic benchmark network (bench/gen_synthetic.py): placeholders until a "
              "tariff source is added for the region\"\n"
              "A-osm-transfer,assumption,Transfers at imported stations,silkroute,,2026,\"Gauge change 4 h, mode change "
              "3 h, 150 USD per 40ft, where ways of two gauges or of rail and road or ferry meet at a node\"\n"
              "A-osm-gauge,assumption,Railways without a gauge tag,silkroute,,2026,\"Standard gauge 1435 mm where OSM "
              "has no gauge tag\"\n",
              f[0]);
        fputs("key,value,unit,source\ntonnes_per_20ft,10,t,A-osm-cost\ntonnes_per_40ft,20,t,A-osm-cost\n", f[1]);
        fputs("mode,speed_kmh,cost_usd_per_km_20ft,cost_usd_per_km_40ft,cost_usd_per_tkm,co2e_kg_per_tkm,units,source\n"
              "rail,45,0.9,1.3,0.05,0.022,20ft;40ft;t,A-osm-speed;A-osm-cost\n"
              "road,55,1.6,2.1,0.1,0.075,20ft;40ft;t,A-osm-speed;A-osm-cost\n"
              "sea,25,0.4,0.6,0.02,0.012,20ft;40ft;t,A-osm-speed;A-osm-cost\n"
              "air,750,12,18,2.5,0.8,t,A-osm-cost\n",
              f[2]);
        fputs("id,name_en,country,kind,lat,lon,source\n", f[3]);
        for (uint32_t p = 0; p < np; p++) {
            const onode *n = pl[p];
            char nm[96];
            if (n->name)
                snprintf(nm, sizeof nm, "%s", n->name);
            else
                snprintf(nm, sizeof nm, "OSM node %lld", n->id);
            fprintf(f[3], "OSM-N%lld,", n->id);
            csv(f[3], nm);
            fprintf(f[3], ",%s,%s,%.7f,%.7f,S-osm\n", n->cc,
                    n->border ? "border_crossing" : n->station ? "rail_terminal" : n->seaport ? "seaport" : "city",
                    n->lat, n->lon);
        }
        fputs("id,name,mode,place_a,place_b,dwell_h,fee_usd_20ft,fee_usd_40ft,fee_usd_t,source\n", f[4]);
        fputs("id,from,to,mode,gauge_mm,distance_km,duration_h,directed,crossing,name,geometry,source\n", f[5]);
        fputs("link,osm_way,kind,class,gauge_mm,electrified,oneway\n", f[7]);
        for (size_t k = 0; k < n_links; k++) {
            const olink *l = &links[k];
            const oway *ow = &m.ways[l->way];
            uint32_t a = l->a, b = l->b;
            if (ow->oneway < 0) {
                uint32_t t = a;
                a = b;
                b = t;
            }
            const onode *na = pl[a], *nb = pl[b];
            /* A border control with another country beyond: a crossing. */
            char xid[48] = "";
            if (ow->kind != W_FERRY && strcmp(na->cc, nb->cc)) {
                const onode *post = na->border ? na : nb->border ? nb : NULL;
                if (!post) {
                    /* Countries differ without a border control node
                     * between them: the link still needs a crossing. */
                    post = na;
                    st->crossings_untagged++;
                }
                const onode *other = post == na ? nb : na;
                snprintf(xid, sizeof xid, "OSM-X%lld-%lld", post->id, other->id);
                fprintf(f[4], "%s,", xid);
                char nm[160];
                snprintf(nm, sizeof nm, "%s (%s-%s)", post->name ? post->name : "border control", post->cc, other->cc);
                csv(f[4], nm);
                fprintf(f[4], ",%s,OSM-N%lld,OSM-N%lld,2,0,0,0,S-osm;A-osm-border\n", ow->kind == W_RAIL ? "rail" : "road",
                        post->id, other->id);
                st->crossings++;
            }
            double speed = ow->kind == W_RAIL ? 45 : ow->kind == W_FERRY ? 25 : road_speed(ow->cls);
            fprintf(f[5], "OSM-W%lld-%d,OSM-N%lld,OSM-N%lld,%s,", ow->id, l->seg, na->id, nb->id,
                    ow->kind == W_RAIL ? "rail" : ow->kind == W_FERRY ? "sea" : "road");
            if (ow->kind == W_RAIL)
                fprintf(f[5], "%d", ow->gauge);
            /* Rounded up: never shorter than the great circle the loader
             * checks against. */
            double km = ceil((l->km < 0.001 ? 0.001 : l->km) * 1e6) / 1e6;
            fprintf(f[5], ",%.6f,%.6g,%d,%s,", km, km / speed, ow->oneway != 0, xid);
            csv(f[5], ow->name);
            fputc(',', f[5]);
            /* Geometry in the link's direction. */
            for (size_t i = 0; i < l->ng; i++) {
                size_t j = ow->oneway < 0 ? l->g0 + l->ng - 1 - i : l->g0 + i;
                const onode *g = node_at(&m, m.refs[j], 0);
                fprintf(f[5], "%s%.7f %.7f", i ? ";" : "", g->lon, g->lat);
            }
            fprintf(f[5], ",S-osm;A-osm-speed%s\n", ow->gauge_assumed ? ";A-osm-gauge" : "");
            fprintf(f[7], "OSM-W%lld-%d,%lld,%s,%s,", ow->id, l->seg, ow->id,
                    ow->kind == W_RAIL ? "railway" : ow->kind == W_FERRY ? "ferry" : "highway", ow->cls);
            if (ow->kind == W_RAIL)
                fprintf(f[7], "%d", ow->gauge);
            fputc(',', f[7]);
            csv(f[7], ow->electrified);
            fprintf(f[7], ",%d\n", ow->oneway);
        }
        /* Transfers where classes meet at a place: each link adds its
         * class to both ends (at most 16 classes in a region). */
        char cls[16][16];
        int n_cls = 0;
        uint16_t *mask = calloc((size_t)np + 1, sizeof *mask);
        if (!mask)
            rc = SR_ENOMEM;
        for (size_t k = 0; mask && k < n_links; k++) {
            const oway *ow = &m.ways[links[k].way];
            char c[16];
            if (ow->kind == W_RAIL)
                snprintf(c, sizeof c, "rail%d", ow->gauge);
            else
                snprintf(c, sizeof c, "%s", ow->kind == W_ROAD ? "road" : "sea");
            int j = 0;
            while (j < n_cls && strcmp(cls[j], c))
                j++;
            if (j == n_cls && n_cls < 16)
                memcpy(cls[n_cls++], c, 16);
            if (j < 16)
                mask[links[k].a] |= (uint16_t)(1u << j), mask[links[k].b] |= (uint16_t)(1u << j);
        }
        fputs("place,kind,from,to,duration_h,cost_usd_20ft,cost_usd_40ft,cost_usd_t,source\n", f[6]);
        for (uint32_t p = 0; mask && p < np; p++)
            for (int i = 0; i < n_cls; i++)
                for (int j = i + 1; j < n_cls; j++) {
                    if (!(mask[p] & (1u << i)) || !(mask[p] & (1u << j)))
                        continue;
                    int gauge = !strncmp(cls[i], "rail", 4) && !strncmp(cls[j], "rail", 4);
                    fprintf(f[6], "OSM-N%lld,%s,%s,%s,%s,100,150,7.5,A-osm-transfer\n", pl[p]->id,
                            gauge ? "gauge_change" : "mode_change", cls[i], cls[j], gauge ? "4" : "3");
                    st->transfers++;
                    st->gauge_changes += gauge;
                }
        free(mask);
    }
    /* The dwell assumption only when some crossing cites it (an uncited
     * source is a warning of check-data). */
    if (rc == SR_OK && st->crossings)
        fputs("A-osm-border,assumption,Dwell at imported border controls,silkroute,,2026,\"2 h at a border control "
              "node, road or rail, until a survey figure is added\"\n",
              f[0]);
    for (int i = 0; i < 8; i++)
        if (f[i] && (ferror(f[i]) | fclose(f[i])) && rc == SR_OK) {
            rc = SR_EIO;
            if (err)
                snprintf(err, errcap, "%s/%s: write failed", out, names[i]);
        }
    if (rc == SR_OK) {
        FILE *nf = open_out(out, "NOTICE", err, errcap);
        if (nf) {
            fputs("This dataset contains information from OpenStreetMap, (c) OpenStreetMap contributors,\n"
                  "which is made available under the Open Database License (ODbL) 1.0:\n"
                  "https://opendatacommons.org/licenses/odbl/1-0/ and https://www.openstreetmap.org/copyright\n"
                  "A work produced from it must credit OpenStreetMap; a changed database must be shared under the ODbL.\n",
                  nf);
            if (fclose(nf) != 0)
                rc = SR_EIO;
        } else
            rc = SR_EIO;
    }
    st->nodes_kept = m.n_nodes;
    st->table_bytes = m.cap_nodes * sizeof *m.nodes + m.cap_refs * sizeof *m.refs + m.cap_ways * sizeof *m.ways;
    for (size_t i = 0; i < m.cap_nodes; i++)
        free(m.nodes[i].name);
    free(m.nodes);
    free(m.refs);
    free(m.ways);
    free(links);
    free(pl);
    free(adj_off);
    free(adj);
    free(queue);
    if (rc == SR_ENOMEM && err && !*err)
        snprintf(err, errcap, "out of memory");
    return rc;
}
