/*
 * reach.c - reach (isochrone) queries: every place whose best route from an
 * origin stays within a time, cost or CO2e budget, with JSON and GeoJSON
 * forms (places as points, the links of the search tree as lines, each in
 * an arrival band).
 *
 * The search is the one-to-all search of ota.c run to exhaustion and then
 * filtered by the budget.  Why not stop at the budget: the router's key
 * carries a tiny share of the other criteria as a tie-break (route.c), so a
 * place whose route takes exactly the budget can have a key just above it;
 * stopping on the key would drop it, and stopping on the figure itself
 * would not be the router's choice of route.  On the corridor network a
 * full search is about a thousand states, far below a millisecond.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ota.h"

struct sr_reach {
    uint32_t origin;
    sr_objective objective;
    double budget;
    size_t n;
    sr_reach_place *items;
};

static void set_err(sr_query *q, const char *msg)
{
    size_t cap;
    char *e = sr__query_errbuf(q, &cap);
    snprintf(e, cap, "%s", msg);
}

static int by_value(const void *a, const void *b)
{
    const sr_reach_place *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return x->place < y->place ? -1 : x->place > y->place;
}

void sr__ota_fill(const sr__ota *s, uint32_t st, sr_reach_place *out)
{
    const sr_network *net = s->net;
    const double *a = s->acc + 4 * (size_t)st;
    out->duration_h = a[0];
    out->cost_usd = a[1];
    out->co2e_kg = a[2];
    out->distance_km = a[3];
    out->via_link = UINT32_MAX;
    out->via_place = UINT32_MAX;
    uint32_t h = s->how[st];
    if (h != UINT32_MAX && h < net->n_arcs) {
        const sr_link *k = &net->links[net->arc_link[h]];
        out->via_link = net->arc_link[h];
        out->via_place = net->arc_head[h] == k->from ? k->to : k->from;
    } else if (h != UINT32_MAX) {
        /* A transfer at the end: the leg before it is the one drawn. */
        for (uint32_t t = s->pred[st]; t != UINT32_MAX; t = s->pred[t]) {
            uint32_t g = s->how[t];
            if (g != UINT32_MAX && g < net->n_arcs) {
                const sr_link *k = &net->links[net->arc_link[g]];
                out->via_link = net->arc_link[g];
                out->via_place = net->arc_head[g] == k->from ? k->to : k->from;
                break;
            }
        }
    }
}

sr_code sr_reach_query(sr_query *q, const sr_route_options *o, double budget, sr_reach **out)
{
    if (!out)
        return SR_EARG;
    *out = NULL;
    if (!q || !o)
        return SR_EARG;
    if (o->pareto) {
        set_err(q, "pareto: reach uses one objective (by time, cost or co2)");
        return SR_EARG;
    }
    if (o->depart != SR_TIME_NONE || o->arrive_by != SR_TIME_NONE) {
        set_err(q, "depart: reach works on the network without timetables");
        return SR_EARG;
    }
    if (o->objective != SR_BY_TIME && o->objective != SR_BY_COST && o->objective != SR_BY_CO2) {
        set_err(q, "by: reach needs a budget in time, cost or co2");
        return SR_EARG;
    }
    if (!(budget > 0) || !isfinite(budget) || budget > 1e12) {
        set_err(q, "budget: must be a number > 0 (hours, USD or kg CO2e)");
        return SR_EARG;
    }
    sr__ota s;
    sr_code rc = sr__ota_init(&s, q, o);
    if (rc == SR_OK)
        rc = sr__ota_run(&s, s.sp.from);
    sr_reach *r = NULL;
    if (rc == SR_OK) {
        const sr_network *net = s.net;
        r = calloc(1, sizeof *r);
        if (r)
            r->items = malloc(((size_t)net->n_places + 1) * sizeof *r->items);
        if (!r || !r->items) {
            rc = SR_ENOMEM;
        } else {
            r->origin = s.sp.from;
            r->objective = o->objective;
            r->budget = budget;
            int k = o->objective == SR_BY_TIME ? 0 : o->objective == SR_BY_COST ? 1 : 2;
            for (uint32_t p = 0; p < net->n_places; p++) {
                uint32_t st = sr__ota_state(&s, p);
                if (st == UINT32_MAX)
                    continue;
                double v = s.acc[4 * (size_t)st + (size_t)k];
                if (v > budget)
                    continue;
                sr_reach_place *it = &r->items[r->n++];
                it->place = p;
                it->value = v;
                sr__ota_fill(&s, st, it);
            }
            qsort(r->items, r->n, sizeof *r->items, by_value);
        }
    }
    if (rc == SR_ENOMEM)
        set_err(q, "out of memory");
    sr__ota_free(&s);
    if (rc != SR_OK) {
        sr_reach_free(r);
        return rc;
    }
    *out = r;
    return SR_OK;
}

void sr_reach_free(sr_reach *r)
{
    if (!r)
        return;
    free(r->items);
    free(r);
}

size_t sr_reach_count(const sr_reach *r) { return r ? r->n : 0; }
const sr_reach_place *sr_reach_at(const sr_reach *r, size_t i) { return r && i < r->n ? &r->items[i] : NULL; }
uint32_t sr_reach_origin(const sr_reach *r) { return r ? r->origin : UINT32_MAX; }

/* ---- serialisation ------------------------------------------------------- */

static json_t *num(double v, double unit)
{
    double r = round(v / unit) * unit;
    if (r == 0)
        r = 0;
    return json_real(r);
}

static char *dump(json_t *j, unsigned flags)
{
    if (!j)
        return NULL;
    size_t f = JSON_REAL_PRECISION(12) | ((flags & SR_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT);
    char *s = json_dumps(j, f);
    json_decref(j);
    return s;
}

static const char *obj_name(sr_objective o) { return o == SR_BY_TIME ? "time" : o == SR_BY_COST ? "cost" : "co2"; }
static const char *obj_unit(sr_objective o) { return o == SR_BY_TIME ? "h" : o == SR_BY_COST ? "USD" : "kg CO2e"; }

static unsigned band_of(const sr_reach *r, double v, unsigned bands)
{
    double b = floor(v / r->budget * bands);
    if (!(b >= 0))
        b = 0;
    return b >= bands ? bands - 1 : (unsigned)b;
}

static json_t *place_props(const sr_network *net, const sr_reach *r, const sr_reach_place *it, unsigned bands)
{
    const sr_place *pl = &net->places[it->place];
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:o,s:i,s:o,s:o,s:o,s:o}", "id", pl->id, "name", pl->name_en, "country",
                          pl->country, "kind", sr_place_kind_name(pl->kind), "value", num(it->value, 0.01), "band",
                          (int)band_of(r, it->value, bands), "duration_h", num(it->duration_h, 0.01), "cost_usd",
                          num(it->cost_usd, 0.01), "co2e_kg", num(it->co2e_kg, 0.01), "distance_km",
                          num(it->distance_km, 0.01));
    if (o)
        json_object_set_new(o, "via", it->via_place == UINT32_MAX ? json_null() : json_string(net->places[it->via_place].id));
    return o;
}

char *sr_reach_json(const sr_network *net, const sr_reach *r, unsigned bands, unsigned flags)
{
    if (!net || !r || bands < 1 || bands > 100)
        return NULL;
    const sr_place *o = &net->places[r->origin];
    json_t *edges = json_array(), *places = json_array();
    for (unsigned b = 0; b <= bands; b++)
        json_array_append_new(edges, num(r->budget * b / bands, 0.01));
    for (size_t i = 0; i < r->n; i++) {
        const sr_reach_place *it = &r->items[i];
        json_t *p = place_props(net, r, it, bands);
        json_object_set_new(p, "lat", num(net->places[it->place].lat, 1e-6));
        json_object_set_new(p, "lon", num(net->places[it->place].lon, 1e-6));
        json_array_append_new(places, p);
    }
    json_t *j = json_pack("{s:s,s:{s:s,s:s,s:s},s:s,s:o,s:s,s:o,s:I,s:o}", "code", "Ok", "origin", "id", o->id, "name",
                          o->name_en, "country", o->country, "objective", obj_name(r->objective), "budget",
                          num(r->budget, 0.01), "unit", obj_unit(r->objective), "bands", edges, "count",
                          (json_int_t)r->n, "places", places);
    return dump(j, flags);
}

static json_t *pt(double lon, double lat)
{
    return json_pack("{s:s,s:[o,o]}", "type", "Point", "coordinates", num(lon, 1e-6), num(lat, 1e-6));
}

/* The link from place a to place b, through its geometry. */
static json_t *link_line(const sr_network *net, const sr_link *k, uint32_t a, uint32_t b)
{
    json_t *c = json_array();
    const sr_place *pa = &net->places[a], *pb = &net->places[b];
    json_array_append_new(c, json_pack("[o,o]", num(pa->lon, 1e-6), num(pa->lat, 1e-6)));
    int back = a != k->from;
    for (uint32_t i = 0; i < k->n_geom; i++) {
        uint32_t j = back ? k->n_geom - 1 - i : i;
        json_array_append_new(c, json_pack("[o,o]", num(k->geom[2 * j], 1e-6), num(k->geom[2 * j + 1], 1e-6)));
    }
    json_array_append_new(c, json_pack("[o,o]", num(pb->lon, 1e-6), num(pb->lat, 1e-6)));
    return json_pack("{s:s,s:o}", "type", "LineString", "coordinates", c);
}

char *sr_reach_geojson(const sr_network *net, const sr_reach *r, unsigned bands, unsigned flags)
{
    if (!net || !r || bands < 1 || bands > 100)
        return NULL;
    json_t *feats = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const sr_reach_place *it = &r->items[i];
        if (it->via_link == UINT32_MAX)
            continue;
        const sr_link *k = &net->links[it->via_link];
        json_t *props = json_pack("{s:s,s:s,s:s,s:s,s:o,s:i,s:s}", "feature", "tree_link", "link", k->id, "from",
                                  net->places[it->via_place].id, "to", net->places[it->place].id, "value",
                                  num(it->value, 0.01), "band", (int)band_of(r, it->value, bands), "mode",
                                  sr_mode_name(k->mode));
        json_array_append_new(feats, json_pack("{s:s,s:o,s:o}", "type", "Feature", "geometry",
                                               link_line(net, k, it->via_place, it->place), "properties", props));
    }
    for (size_t i = 0; i < r->n; i++) {
        const sr_reach_place *it = &r->items[i];
        json_t *props = place_props(net, r, it, bands);
        json_object_set_new(props, "feature", json_string("place"));
        json_array_append_new(feats, json_pack("{s:s,s:o,s:o}", "type", "Feature", "geometry",
                                               pt(net->places[it->place].lon, net->places[it->place].lat),
                                               "properties", props));
    }
    json_t *j = json_pack("{s:s,s:{s:s,s:s,s:o,s:s,s:I},s:o}", "type", "FeatureCollection", "reach", "origin",
                          net->places[r->origin].id, "objective", obj_name(r->objective), "budget",
                          num(r->budget, 0.01), "unit", obj_unit(r->objective), "bands", (json_int_t)bands,
                          "features", feats);
    return dump(j, flags);
}
