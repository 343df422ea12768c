/*
 * export.c - exportable forms of the corridor analysis: a scenario compared
 * with its base, and a criticality ranking, as JSON, GeoJSON and CSV, shared
 * by the CLI (`compare`, `critical`) and the HTTP API (/v1/assign/...).
 *
 * Why here and not in the clients: the CLI and the server must give the
 * same numbers under the same names, and the map draws exactly what a
 * script downloads.  Built on the public accessors of the assignment
 * (flows, capacities, the JSON of one solve), so freight.c stays as it is.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "network/network.h"
#include "core/util.h"

static char *dump(json_t *j, unsigned flags)
{
    if (!j)
        return NULL;
    char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) |
                                ((flags & SR_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT));
    json_decref(j);
    return s;
}

/* Round to 0.01 so that exported numbers are stable and diffable. */
static json_t *num(double v)
{
    double r = round(v * 100) / 100;
    return json_real(r == 0 ? 0 : r);
}

static json_t *coord(double lon, double lat)
{
    return json_pack("[o,o]", json_real(round(lon * 1e6) / 1e6), json_real(round(lat * 1e6) / 1e6));
}

/* A link's line through its geometry, from -> to. */
static json_t *link_line(const sr_network *net, const sr_link *k)
{
    json_t *c = json_array();
    const sr_place *a = &net->places[k->from], *b = &net->places[k->to];
    json_array_append_new(c, coord(a->lon, a->lat));
    for (uint32_t i = 0; i < k->n_geom; i++)
        json_array_append_new(c, coord(k->geom[2 * i], k->geom[2 * i + 1]));
    json_array_append_new(c, coord(b->lon, b->lat));
    return json_pack("{s:s,s:o}", "type", "LineString", "coordinates", c);
}

static json_t *point_at(const sr_place *p)
{
    return json_pack("{s:s,s:o}", "type", "Point", "coordinates", coord(p->lon, p->lat));
}

static double link_total(const sr_freight *f, size_t l) { return sr_freight_link_flow(f, l, 0) + sr_freight_link_flow(f, l, 1); }

/* The parsed JSON of one solve, for its totals and corridor means. */
static json_t *solved_json(const sr_freight *f)
{
    char *s = sr_freight_json(f, 0);
    if (!s)
        return NULL;
    json_t *j = json_loads(s, 0, NULL);
    sr_free(s);
    return j;
}

static json_t *totals_of(json_t *j)
{
    json_t *t = json_object_get(j, "totals");
    return json_pack("{s:O,s:O,s:O,s:O,s:O}", "teu_per_year", json_object_get(t, "teu_per_year"), "cost_usd",
                     json_object_get(t, "cost_usd"), "teu_hours", json_object_get(t, "teu_hours"), "co2e_kg",
                     json_object_get(t, "co2e_kg"), "generalized_cost_h", json_object_get(t, "generalized_cost_h"));
}

char *sr_freight_compare_json(const sr_network *net, const sr_freight *a, const sr_freight *b, const char *base_name, const char *scen_name,
                              unsigned flags)
{
    if (!net)
        return NULL;
    json_t *ja = a ? solved_json(a) : NULL, *jb = b ? solved_json(b) : NULL;
    if (!ja || !jb) {
        json_decref(ja);
        json_decref(jb);
        return NULL;
    }
    json_t *ta = totals_of(ja), *tb = totals_of(jb), *ch = json_object();
    const char *keys[] = {"teu_per_year", "cost_usd", "teu_hours", "co2e_kg", "generalized_cost_h"};
    for (int i = 0; i < 5; i++)
        json_object_set_new(ch, keys[i], json_real(json_number_value(json_object_get(tb, keys[i])) -
                                                   json_number_value(json_object_get(ta, keys[i]))));
    json_t *cors = json_array();
    for (size_t x = 0; x < net->n_crossings; x++) {
        double va = sr_freight_crossing_flow(a, x), vb = sr_freight_crossing_flow(b, x);
        if (va <= 0 && vb <= 0)
            continue;
        json_array_append_new(cors, json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "crossing", net->crossings[x].id,
                                              "name", net->crossings[x].name, "base_teu", num(va), "scenario_teu",
                                              num(vb), "change_teu", num(vb - va), "base_utilisation",
                                              num(sr_freight_crossing_utilisation(a, x)), "scenario_utilisation",
                                              num(sr_freight_crossing_utilisation(b, x))));
    }
    /* Destinations: the corridor means of both solves, side by side. */
    json_t *dests = json_array(), *ca = json_object_get(ja, "corridors"), *cb = json_object_get(jb, "corridors");
    for (size_t i = 0; i < json_array_size(cb); i++) {
        json_t *e2 = json_array_get(cb, i), *e1 = NULL;
        const char *cc = json_string_value(json_object_get(e2, "destination_country"));
        for (size_t k = 0; k < json_array_size(ca) && !e1; k++)
            if (!strcmp(json_string_value(json_object_get(json_array_get(ca, k), "destination_country")), cc ? cc : ""))
                e1 = json_array_get(ca, k);
#define G(e, k) json_real(e ? json_number_value(json_object_get(e, k)) : 0)
        json_array_append_new(dests, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "destination_country", cc ? cc : "",
                                               "teu_per_year", G(e2, "teu_per_year"),
                                               "base_generalized_cost_h_per_teu", G(e1, "generalized_cost_h_per_teu"),
                                               "scenario_generalized_cost_h_per_teu",
                                               G(e2, "generalized_cost_h_per_teu"), "base_path_hours",
                                               G(e1, "path_hours"), "scenario_path_hours", G(e2, "path_hours"),
                                               "base_path_cost_usd_per_teu", G(e1, "path_cost_usd_per_teu"),
                                               "scenario_path_cost_usd_per_teu", G(e2, "path_cost_usd_per_teu")));
#undef G
    }
    json_t *links = json_array();
    for (size_t l = 0; l < net->n_links; l++) {
        double va = link_total(a, l), vb = link_total(b, l);
        if (va <= 0 && vb <= 0)
            continue;
        json_array_append_new(links, json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "id", net->links[l].id, "from",
                                               net->places[net->links[l].from].id, "to",
                                               net->places[net->links[l].to].id, "mode",
                                               sr_mode_name(net->links[l].mode), "base_teu", num(va), "scenario_teu",
                                               num(vb), "change_teu", num(vb - va)));
    }
    json_t *j = json_pack("{s:s,s:s?,s:s?,s:o,s:o,s:o,s:o,s:o,s:o}", "code", "Ok", "scenario", scen_name, "base",
                          base_name, "base_totals", ta, "scenario_totals", tb, "change", ch, "corridors", cors,
                          "destinations", dests, "links", links);
    json_decref(ja);
    json_decref(jb);
    return dump(j, flags);
}

char *sr_freight_compare_geojson(const sr_network *net, const sr_freight *a, const sr_freight *b, unsigned flags)
{
    if (!net || !a || !b)
        return NULL;
    sr_freight_totals t;
    if (sr_freight_get_totals(a, &t) != SR_OK || sr_freight_get_totals(b, &t) != SR_OK)
        return NULL;
    json_t *feats = json_array();
    for (size_t l = 0; l < net->n_links; l++) {
        double va = link_total(a, l), vb = link_total(b, l);
        if (va <= 0 && vb <= 0)
            continue;
        const sr_link *k = &net->links[l];
        json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "feature", "link", "id", k->id, "from",
                              net->places[k->from].id, "to", net->places[k->to].id, "mode", sr_mode_name(k->mode),
                              "base_teu", num(va), "scenario_teu", num(vb), "change_teu", num(vb - va),
                              "capacity_teu_per_year", num(sr_freight_link_capacity(b, l)), "scenario_utilisation",
                              num(sr_freight_link_capacity(b, l) > 0
                                      ? fmax(sr_freight_link_flow(b, l, 0), sr_freight_link_flow(b, l, 1)) /
                                            sr_freight_link_capacity(b, l)
                                      : 0));
        json_array_append_new(feats, json_pack("{s:s,s:o,s:o}", "type", "Feature", "geometry", link_line(net, k),
                                               "properties", p));
    }
    for (size_t x = 0; x < net->n_crossings; x++) {
        double va = sr_freight_crossing_flow(a, x), vb = sr_freight_crossing_flow(b, x);
        if (va <= 0 && vb <= 0)
            continue;
        const sr_crossing *X = &net->crossings[x];
        json_t *p = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "feature", "crossing", "id", X->id, "name", X->name,
                              "base_teu", num(va), "scenario_teu", num(vb), "change_teu", num(vb - va),
                              "base_utilisation", num(sr_freight_crossing_utilisation(a, x)), "scenario_utilisation",
                              num(sr_freight_crossing_utilisation(b, x)));
        json_array_append_new(feats, json_pack("{s:s,s:o,s:o}", "type", "Feature", "geometry",
                                               point_at(&net->places[X->place_a]), "properties", p));
    }
    return dump(json_pack("{s:s,s:o}", "type", "FeatureCollection", "features", feats), flags);
}

/* A CSV field, quoted when it holds a separator, quote or line break. */
static void csv_field(sr__buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        sr__buf_puts(b, s);
        return;
    }
    sr__buf_add(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            sr__buf_add(b, "\"", 1);
        sr__buf_add(b, s, 1);
    }
    sr__buf_add(b, "\"", 1);
}

static char *buf_done(sr__buf *b)
{
    if (b->failed) {
        sr__buf_free(b);
        return NULL;
    }
    return sr__buf_take(b);
}

char *sr_freight_compare_csv(const sr_network *net, const sr_freight *a, const sr_freight *b)
{
    if (!net || !a || !b)
        return NULL;
    sr_freight_totals t;
    if (sr_freight_get_totals(a, &t) != SR_OK || sr_freight_get_totals(b, &t) != SR_OK)
        return NULL;
    sr__buf o;
    sr__buf_init(&o, (size_t)1 << 28);
    sr__buf_puts(&o, "kind,id,name,base_teu,scenario_teu,change_teu\n");
    for (size_t x = 0; x < net->n_crossings; x++) {
        double va = sr_freight_crossing_flow(a, x), vb = sr_freight_crossing_flow(b, x);
        if (va <= 0 && vb <= 0)
            continue;
        sr__buf_puts(&o, "crossing,");
        csv_field(&o, net->crossings[x].id);
        sr__buf_add(&o, ",", 1);
        csv_field(&o, net->crossings[x].name);
        sr__buf_printf(&o, ",%.2f,%.2f,%.2f\n", va, vb, vb - va);
    }
    for (size_t l = 0; l < net->n_links; l++) {
        double va = link_total(a, l), vb = link_total(b, l);
        if (va <= 0 && vb <= 0)
            continue;
        sr__buf_puts(&o, "link,");
        csv_field(&o, net->links[l].id);
        sr__buf_add(&o, ",", 1);
        csv_field(&o, net->links[l].name);
        sr__buf_printf(&o, ",%.2f,%.2f,%.2f\n", va, vb, vb - va);
    }
    return buf_done(&o);
}

static const char *const kinds[] = {"link", "crossing", "terminal"};

/* The place of transfer x (transfers are grouped by place, xfer_off). */
static uint32_t xfer_place(const sr_network *net, size_t x)
{
    uint32_t lo = 0, hi = net->n_places;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (net->xfer_off[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static json_t *crit_entry(const sr_critical *e, size_t rank)
{
    json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:o,s:b,s:b}", "rank", (json_int_t)rank, "kind", kinds[e->kind % 3], "id",
                          e->label, "index", (json_int_t)e->index, "base_flow_teu", num(e->base_flow),
                          "notional_capacity", e->notional, "isolates", e->isolates);
    if (o && !e->isolates) {
        json_object_set_new(o, "delta_generalized_cost_h", num(e->delta_h));
        json_object_set_new(o, "delta_cost_usd", num(e->delta_usd));
    }
    return o;
}

char *sr_critical_json(const sr_network *net, const sr_critical *r, size_t n, double loss, unsigned flags)
{
    if (!net || (n && !r))
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, crit_entry(&r[i], i + 1));
    return dump(json_pack("{s:s,s:f,s:o}", "code", "Ok", "capacity_loss", loss, "ranking", arr), flags);
}

char *sr_critical_geojson(const sr_network *net, const sr_critical *r, size_t n, unsigned flags)
{
    if (!net || (n && !r))
        return NULL;
    json_t *feats = json_array();
    for (size_t i = 0; i < n; i++) {
        const sr_critical *e = &r[i];
        json_t *g = NULL;
        if (e->kind == 0 && e->index < net->n_links)
            g = link_line(net, &net->links[e->index]);
        else if (e->kind == 1 && e->index < net->n_crossings)
            g = point_at(&net->places[net->crossings[e->index].place_a]);
        else if (e->kind == 2 && e->index < net->n_xfers)
            g = point_at(&net->places[xfer_place(net, e->index)]);
        if (!g)
            continue;
        json_array_append_new(feats, json_pack("{s:s,s:o,s:o}", "type", "Feature", "geometry", g, "properties",
                                               crit_entry(e, i + 1)));
    }
    return dump(json_pack("{s:s,s:o}", "type", "FeatureCollection", "features", feats), flags);
}

char *sr_critical_csv(const sr_network *net, const sr_critical *r, size_t n)
{
    if (!net || (n && !r))
        return NULL;
    sr__buf o;
    sr__buf_init(&o, (size_t)1 << 28);
    sr__buf_puts(&o, "rank,kind,id,base_flow_teu,delta_generalized_cost_h,delta_cost_usd,isolates,notional\n");
    for (size_t i = 0; i < n; i++) {
        const sr_critical *e = &r[i];
        sr__buf_printf(&o, "%zu,%s,", i + 1, kinds[e->kind % 3]);
        csv_field(&o, e->label);
        if (e->isolates)
            sr__buf_printf(&o, ",%.2f,,,1,%d\n", e->base_flow, e->notional);
        else
            sr__buf_printf(&o, ",%.2f,%.2f,%.2f,0,%d\n", e->base_flow, e->delta_h, e->delta_usd, e->notional);
    }
    return buf_done(&o);
}
