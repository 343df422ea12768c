/*
 * mile.c - the first and last mile from coordinates on a detailed road
 * network (an import-osm output loaded beside the corridor network).
 *
 * The point snaps to the nearest road place of the detailed network
 * within SR_MILE_SNAP_KM; the candidate corridor places are those within
 * SR_MILE_RADIUS_KM of the point (at most SR_MILE_CANDIDATES, nearest
 * first), each snapped to its own nearest road place; one Dijkstra by
 * running time from the point (on the reversed arcs for a last mile, so
 * one-way roads are driven the right way) reaches them.  sr_detail_mile()
 * gives the quickest by road; sr_detail_miles() every one reached,
 * quickest first, so that a caller (route --detail) can choose the
 * candidate whose mile and corridor route together are best.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network/network.h"
#include "osm/osmgraph.h"
#include "silkroute.h"
#include "core/util.h"

struct sr_detail {
    sr_network *net;
    sr__og fwd, rev;
    const sr_detail *parent;    /* sr_detail_clone(): net and arcs are the parent's */
    char err[512];
};

sr_code sr_coord_parse(const char *text, double *lat, double *lon)
{
    if (!text || !lat || !lon)
        return SR_EARG;
    /* The resolver's own reading of coordinates (sr_place_resolve()), so
     * that what names a point here names the same point there. */
    int r = sr__parse_latlon(text, lat, lon);
    return r == 0 ? SR_OK : r == -2 ? SR_EARG : SR_EPLACE;
}

sr_code sr_detail_open(const char *dir, sr_detail **out)
{
    if (!out)
        return SR_EARG;
    sr_detail *d = calloc(1, sizeof *d);
    *out = d;
    if (!d)
        return SR_ENOMEM;
    if (!dir) {
        snprintf(d->err, sizeof d->err, "a detailed network directory is required");
        return SR_EARG;
    }
    sr_code c = sr_network_open(dir, &d->net);
    if (c != SR_OK) {
        snprintf(d->err, sizeof d->err, "%s (detailed network): %s", dir,
                 d->net ? sr_network_errmsg(d->net) : sr_strerror(c));
        return c;
    }
    if (sr__og_build(&d->fwd, d->net, SR_ROAD, 0, 0) < 0 || sr__og_build(&d->rev, d->net, SR_ROAD, 0, 1) < 0) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return SR_ENOMEM;
    }
    if (!d->fwd.n_arcs) {
        snprintf(d->err, sizeof d->err, "%s (detailed network): it has no road links", dir);
        return SR_EDATA;
    }
    return SR_OK;
}

sr_code sr_detail_clone(const sr_detail *d, sr_detail **out)
{
    if (!out)
        return SR_EARG;
    *out = NULL;
    if (!d || !d->net || d->parent || !d->fwd.n_arcs)
        return SR_EARG;
    sr_detail *c = calloc(1, sizeof *c);
    if (!c)
        return SR_ENOMEM;
    /* Only the search scratch is per handle: the network and the arcs
     * are read, never written, by a search. */
    c->net = d->net;
    c->parent = d;
    if (sr__og_view(&c->fwd, &d->fwd) < 0) {
        free(c);
        return SR_ENOMEM;
    }
    if (sr__og_view(&c->rev, &d->rev) < 0) {
        sr__og_view_free(&c->fwd);
        free(c);
        return SR_ENOMEM;
    }
    *out = c;
    return SR_OK;
}

void sr_detail_close(sr_detail *d)
{
    if (!d)
        return;
    if (d->parent) {
        sr__og_view_free(&d->fwd);
        sr__og_view_free(&d->rev);
    } else {
        sr__og_free(&d->fwd);
        sr__og_free(&d->rev);
        sr_network_close(d->net);
    }
    free(d);
}

void sr_detail_stats(const sr_detail *d, size_t *places, size_t *links)
{
    if (places)
        *places = d && d->net ? sr_network_place_count(d->net) : 0;
    if (links)
        *links = d && d->net ? sr_network_link_count(d->net) : 0;
}

const char *sr_detail_errmsg(const sr_detail *d)
{
    return d ? d->err : "out of memory";
}

void sr_mile_clear(sr_mile *m)
{
    if (!m)
        return;
    free(m->geom);
    memset(m, 0, sizeof *m);
}

static int add_pt(sr_mile *m, size_t *cap, double lon, double lat)
{
    if (m->n_geom && m->geom[2 * m->n_geom - 2] == lon && m->geom[2 * m->n_geom - 1] == lat)
        return 0;
    if (m->n_geom == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        double *g = realloc(m->geom, 2 * nc * sizeof *g);
        if (!g)
            return -1;
        m->geom = g;
        *cap = nc;
    }
    m->geom[2 * m->n_geom] = lon;
    m->geom[2 * m->n_geom + 1] = lat;
    m->n_geom++;
    return 0;
}

/* A link's points from place a to its other end, a included. */
static int add_link(sr_mile *m, size_t *cap, const sr_network *net, const sr_link *k, uint32_t a)
{
    const sr_place *pa = sr_network_place(net, a);
    if (add_pt(m, cap, pa->lon, pa->lat) < 0)
        return -1;
    int fwd = a == k->from;
    for (uint32_t j = 0; j < k->n_geom; j++) {
        uint32_t q = fwd ? j : k->n_geom - 1 - j;
        if (add_pt(m, cap, k->geom[2 * q], k->geom[2 * q + 1]) < 0)
            return -1;
    }
    const sr_place *pb = sr_network_place(net, fwd ? k->to : k->from);
    return add_pt(m, cap, pb->lon, pb->lat);
}

/* The mile to the candidate reached at road place t (the last search). */
static int build_mile(sr_detail *d, sr__og *g, const sr_network *corridor, uint32_t t, long s, double lat,
                      double lon, int last, uint32_t place, double snap, double psnap, sr_mile *out)
{
    memset(out, 0, sizeof *out);
    size_t n = sr__og_path(g, t, NULL, 0);
    uint32_t *arcs = malloc((n ? n : 1) * sizeof *arcs);
    if (!arcs)
        return -1;
    sr__og_path(g, t, arcs, n);
    out->last = last;
    out->lat = lat;
    out->lon = lon;
    out->place = place;
    out->snap_km = snap;
    out->place_snap_km = psnap;
    out->n_links = n;
    size_t cap = 0;
    int rc = 0;
    const sr_place *cp = sr_network_place(corridor, place);
    /* Travel order: point, road, place for a first mile; place, road,
     * point for a last mile (whose search ran on reversed arcs from the
     * point, so its path is read backwards). */
    rc |= last ? add_pt(out, &cap, cp->lon, cp->lat) : add_pt(out, &cap, lon, lat);
    for (size_t i = 0; i < n && !rc; i++) {
        uint32_t a = arcs[last ? n - 1 - i : i];
        const sr_link *k = sr_network_link(d->net, g->arc_link[a]);
        out->distance_km += k->distance_km;
        out->duration_h += k->duration_h;
        rc |= add_link(out, &cap, d->net, k, last ? g->arc_to[a] : g->arc_from[a]);
    }
    if (!n && !rc) {
        const sr_place *sp = sr_network_place(d->net, (size_t)s);
        rc |= add_pt(out, &cap, sp->lon, sp->lat);
    }
    if (!rc)
        rc |= last ? add_pt(out, &cap, lon, lat) : add_pt(out, &cap, cp->lon, cp->lat);
    free(arcs);
    if (rc)
        sr_mile_clear(out);
    return rc ? -1 : 0;
}

sr_code sr_detail_miles(sr_detail *d, const sr_network *corridor, const char *latlon, int last, sr_mile *out,
                        size_t max, size_t *n_out)
{
    if (n_out)
        *n_out = 0;
    if (!d || !d->net || !corridor || !latlon || !out || !max || !n_out)
        return SR_EARG;
    *d->err = 0;
    char shown[96];
    sr__escape(shown, sizeof shown, latlon);
    double lat, lon;
    sr_code c = sr_coord_parse(latlon, &lat, &lon);
    if (c != SR_OK) {
        snprintf(d->err, sizeof d->err,
                 c == SR_EARG ? "'%s': coordinates out of range (latitude -90..90, longitude -180..180)"
                              : "'%s': not coordinates LAT,LON in decimal degrees",
                 shown);
        return SR_EARG;
    }
    sr__og *g = last ? &d->rev : &d->fwd;
    double snap;
    long s = sr__og_nearest(g, lat, lon, SR_MILE_SNAP_KM, &snap);
    if (s < 0) {
        snprintf(d->err, sizeof d->err, "%s: no road of the detailed network within %g km", shown, SR_MILE_SNAP_KM);
        return SR_EPLACE;
    }
    size_t cand[SR_MILE_CANDIDATES], nc = 0;
    double ckm[SR_MILE_CANDIDATES];
    if (sr_places_near(corridor, latlon, cand, ckm, SR_MILE_CANDIDATES, &nc) != SR_OK)
        nc = 0;
    uint32_t tgt[SR_MILE_CANDIDATES];
    double tsnap[SR_MILE_CANDIDATES];
    size_t nt = 0;
    for (size_t i = 0; i < nc; i++) {
        if (ckm[i] > SR_MILE_RADIUS_KM)
            break;
        const sr_place *p = sr_network_place(corridor, cand[i]);
        long t = sr__og_nearest(g, p->lat, p->lon, SR_MILE_SNAP_KM, &tsnap[nt]);
        if (t < 0)
            continue;
        cand[nt] = cand[i];
        tgt[nt++] = (uint32_t)t;
    }
    if (!nt) {
        snprintf(d->err, sizeof d->err,
                 "%s: no place of the corridor network within %g km has a road of the detailed network within %g km",
                 shown, SR_MILE_RADIUS_KM, SR_MILE_SNAP_KM);
        return SR_EPLACE;
    }
    if (sr__og_search(g, (uint32_t)s, 1, tgt, nt) < 0) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return SR_ENOMEM;
    }
    /* The reached candidates, quickest first (ties: the nearer place, as
     * sr_places_near() ranked them). */
    size_t order[SR_MILE_CANDIDATES], nr = 0;
    for (size_t i = 0; i < nt; i++) {
        if (!sr__og_reached(g, tgt[i]))
            continue;
        size_t j = nr++;
        while (j > 0 && sr__og_dist(g, tgt[order[j - 1]]) > sr__og_dist(g, tgt[i])) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    if (!nr) {
        snprintf(d->err, sizeof d->err, "%s: no road of the detailed network leads %s any corridor place within %g km",
                 shown, last ? "from" : "to", SR_MILE_RADIUS_KM);
        return SR_ENOROUTE;
    }
    for (size_t k = 0; k < nr && k < max; k++) {
        size_t i = order[k];
        if (build_mile(d, g, corridor, tgt[i], s, lat, lon, last, (uint32_t)cand[i], snap, tsnap[i], &out[k]) < 0) {
            for (size_t j = 0; j < k; j++)
                sr_mile_clear(&out[j]);
            snprintf(d->err, sizeof d->err, "out of memory");
            return SR_ENOMEM;
        }
        (*n_out)++;
    }
    return SR_OK;
}

sr_code sr_detail_mile(sr_detail *d, const sr_network *corridor, const char *latlon, int last, sr_mile *out)
{
    size_t n;
    if (out)
        memset(out, 0, sizeof *out);
    return sr_detail_miles(d, corridor, latlon, last, out, 1, &n);
}

char *sr_mile_json(const sr_network *corridor, const sr_mile *m)
{
    if (!corridor || !m || m->place >= sr_network_place_count(corridor))
        return NULL;
    const sr_place *p = sr_network_place(corridor, m->place);
    json_t *jid = json_string(p->id), *jname = json_string(p->name_en);
    char *id = jid ? json_dumps(jid, JSON_ENCODE_ANY) : NULL;
    char *name = jname ? json_dumps(jname, JSON_ENCODE_ANY) : NULL;
    json_decref(jid);
    json_decref(jname);
    sr__buf b;
    sr__buf_init(&b, (size_t)1 << 30);
    char pt[96], pl[512];
    snprintf(pt, sizeof pt, "{\"lat\": %.6f, \"lon\": %.6f}", m->lat, m->lon);
    snprintf(pl, sizeof pl, "{\"id\": %s, \"name\": %s}", id ? id : "null", name ? name : "null");
    sr__buf_printf(&b,
                   "{\"mode\": \"road\", \"from\": %s, \"to\": %s, \"distance_km\": %.3f, \"duration_h\": %.3f, "
                   "\"snap_km\": %.3f, \"place_snap_km\": %.3f, \"links\": %zu, "
                   "\"geometry\": {\"type\": \"LineString\", \"coordinates\": [",
                   m->last ? pl : pt, m->last ? pt : pl, m->distance_km, m->duration_h, m->snap_km,
                   m->place_snap_km, m->n_links);
    for (size_t i = 0; i < m->n_geom; i++)
        sr__buf_printf(&b, "%s[%.6f, %.6f]", i ? ", " : "", m->geom[2 * i], m->geom[2 * i + 1]);
    sr__buf_puts(&b, "]}}");
    free(id);
    free(name);
    if (b.failed) {
        sr__buf_free(&b);
        return NULL;
    }
    return sr__buf_take(&b);
}
