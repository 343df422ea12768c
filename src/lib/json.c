/*
 * json.c - the JSON and GeoJSON forms of results, places and the network:
 * the contract that the CLI (--json, --geojson), the HTTP API and the web
 * map share (docs/API.md).  Fields may be added; never renamed.
 *
 * Built with jansson so that escaping and UTF-8 are right by construction.
 * Numbers are rounded to what is meaningful (0.01 h, km, USD, kg; 1e-6
 * degrees) so that output is stable and diffable.
 */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "network.h"
#include "route.h"

static json_t *num(double v, double unit)
{
    double r = round(v / unit) * unit;
    if (r == 0)
        r = 0; /* no "-0" */
    return json_real(r);
}

static char *dump(json_t *j, unsigned flags)
{
    if (!j)
        return NULL;
    size_t f = JSON_REAL_PRECISION(12) | JSON_ENSURE_ASCII * 0;
    f |= (flags & SR_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT;
    char *s = json_dumps(j, f);
    json_decref(j);
    return s; /* jansson allocates with malloc by default: sr_free() frees */
}

static json_t *place_ref(const sr_network *net, uint32_t p)
{
    const sr_place *pl = &net->places[p];
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id", pl->id, "name", pl->name_en, "name_zh",
                     pl->name_zh, "name_ru", pl->name_ru, "country", pl->country, "kind",
                     sr_place_kind_name(pl->kind), "lat", num(pl->lat, 1e-6), "lon", num(pl->lon, 1e-6));
}

static json_t *route_json(const sr_network *net, const sr_route *r)
{
    json_t *legs = json_array(), *xfers = json_array(), *xings = json_array();
    for (size_t i = 0; i < r->n_legs; i++) {
        const sr_leg *l = &r->legs[i];
        /* A scheduled leg (timetables) has no link: it names its service. */
        const sr_link *k = l->link == SR_NO_LINK ? NULL : &net->links[l->link];
        json_t *o = json_pack("{s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "from", place_ref(net, l->from), "to",
                              place_ref(net, l->to), "mode", sr_mode_name(l->mode), "link", k ? k->id : "",
                              "name", k ? k->name : l->service_name ? l->service_name : "",
                              "distance_km", num(l->distance_km, 0.01), "duration_h", num(l->duration_h, 0.01),
                              "cost_usd", num(l->cost_usd, 0.01), "co2e_kg", num(l->co2e_kg, 0.01));
        if (l->mode == SR_RAIL)
            json_object_set_new(o, "gauge_mm", json_integer(l->gauge_mm));
        if (k && k->status == SR_PLANNED)
            json_object_set_new(o, "open_year", json_integer(k->open_year));
        if (l->service)
            json_object_set_new(o, "service", json_string(l->service));
        if (r->timed) {
            char b[40];
            if (sr_time_format(l->depart, l->depart_utc_offset_s, b, sizeof b) > 0)
                json_object_set_new(o, "depart", json_string(b));
            if (sr_time_format(l->arrive, l->arrive_utc_offset_s, b, sizeof b) > 0)
                json_object_set_new(o, "arrive", json_string(b));
            json_object_set_new(o, "wait_h", num(l->wait_h, 0.01));
        }
        json_array_append_new(legs, o);
    }
    for (size_t i = 0; i < r->n_transfers; i++) {
        const sr_transfer *t = &r->transfers[i];
        json_array_append_new(
            xfers, json_pack("{s:o, s:s, s:s, s:s, s:o, s:o}", "at", place_ref(net, t->at), "kind",
                             t->kind == SR_GAUGE_CHANGE ? "gauge_change" : "mode_change", "from_class",
                             sr_class_name(t->from_class), "to_class", sr_class_name(t->to_class), "duration_h",
                             num(t->duration_h, 0.01), "cost_usd", num(t->cost_usd, 0.01)));
    }
    for (size_t i = 0; i < r->n_crossings; i++) {
        const sr_border_crossing *x = &r->crossings[i];
        json_t *at = place_ref(net, x->at);
        if (x->crossing >= 0) {
            /* "at" names the crossing itself, with the entry post's place
             * for position. */
            const sr_crossing *c = &net->crossings[x->crossing];
            json_object_set_new(at, "id", json_string(c->id));
            json_object_set_new(at, "name", json_string(c->name));
            json_object_set_new(at, "name_zh", json_string(c->name_zh));
            json_object_set_new(at, "name_ru", json_string(c->name_ru));
            json_object_set_new(at, "place", json_string(net->places[x->at].id));
        }
        json_array_append_new(xings, json_pack("{s:o, s:s, s:s, s:o, s:o, s:i}", "at", at, "from_country",
                                               x->from_country, "to_country", x->to_country, "dwell_h",
                                               num(x->dwell_h, 0.01), "fee_usd", num(x->fee_usd, 0.01), "leg",
                                               (json_int_t)x->leg));
    }
    json_t *ro = json_pack("{s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:o}", "duration_h", num(r->duration_h, 0.01),
                           "distance_km", num(r->distance_km, 0.01), "cost_usd", num(r->cost_usd, 0.01), "co2e_kg",
                           num(r->co2e_kg, 0.01), "n_transfers", (json_int_t)r->n_transfers, "legs", legs,
                           "transfers", xfers, "border_crossings", xings);
    if (ro && r->timed) {
        /* Timetabled routes (issue 4): when the cargo leaves and arrives. */
        char b[40];
        if (sr_time_format(r->depart, r->depart_utc_offset_s, b, sizeof b) > 0)
            json_object_set_new(ro, "depart", json_string(b));
        if (sr_time_format(r->arrive, r->arrive_utc_offset_s, b, sizeof b) > 0)
            json_object_set_new(ro, "arrive", json_string(b));
        json_object_set_new(ro, "n_boardings", json_integer(r->n_boardings));
    }
    return ro;
}

char *sr_result_json(const sr_network *net, const sr_result *r, unsigned flags)
{
    if (!net || !r)
        return NULL;
    json_t *routes = json_array();
    for (size_t i = 0; i < sr_result_count(r); i++)
        json_array_append_new(routes, route_json(net, sr_result_route(r, i)));
    return dump(json_pack("{s:s, s:o}", "code", "Ok", "routes", routes), flags);
}

static json_t *line(double lon1, double lat1, double lon2, double lat2)
{
    return json_pack("{s:s, s:[[o,o],[o,o]]}", "type", "LineString", "coordinates", num(lon1, 1e-6),
                     num(lat1, 1e-6), num(lon2, 1e-6), num(lat2, 1e-6));
}

static json_t *point(double lon, double lat)
{
    return json_pack("{s:s, s:[o,o]}", "type", "Point", "coordinates", num(lon, 1e-6), num(lat, 1e-6));
}

char *sr_result_geojson(const sr_network *net, const sr_result *r, unsigned flags)
{
    if (!net || !r)
        return NULL;
    json_t *feats = json_array();
    for (size_t i = 0; i < sr_result_count(r); i++) {
        const sr_route *rt = sr_result_route(r, i);
        for (size_t j = 0; j < rt->n_legs; j++) {
            const sr_leg *l = &rt->legs[j];
            const sr_place *a = &net->places[l->from], *b = &net->places[l->to];
            json_t *props = json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "route",
                                      (json_int_t)i, "leg", (json_int_t)j, "from", a->id, "from_name", a->name_en,
                                      "to", b->id, "to_name", b->name_en, "mode", sr_mode_name(l->mode), "distance_km",
                                      num(l->distance_km, 0.01), "duration_h", num(l->duration_h, 0.01), "cost_usd",
                                      num(l->cost_usd, 0.01), "co2e_kg", num(l->co2e_kg, 0.01));
            if (l->mode == SR_RAIL)
                json_object_set_new(props, "gauge_mm", json_integer(l->gauge_mm));
            json_object_set_new(props, "link", json_string(l->link == SR_NO_LINK ? "" : net->links[l->link].id));
            if (l->service)
                json_object_set_new(props, "service", json_string(l->service));
            json_array_append_new(feats, json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry",
                                                   line(a->lon, a->lat, b->lon, b->lat), "properties", props));
        }
    }
    return dump(json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", feats), flags);
}

char *sr_error_json(sr_code code, const char *message, unsigned flags)
{
    /* json_string rejects invalid UTF-8; fall back to the fixed message so
     * an error about bad input can always be reported. */
    json_t *m = json_string(message ? message : "");
    if (!m)
        m = json_string(sr_strerror(code));
    return dump(json_pack("{s:s, s:o}", "code", sr_code_name(code), "message", m), flags);
}

static json_t *place_obj(const sr_network *net, size_t idx)
{
    json_t *o = place_ref(net, (uint32_t)idx);
    const sr_place *pl = &net->places[idx];
    json_object_set_new(o, "tz", json_string(pl->tz));
    return o;
}

char *sr_place_json(const sr_network *net, size_t idx, unsigned flags)
{
    if (!net || idx >= net->n_places)
        return NULL;
    return dump(place_obj(net, idx), flags);
}

char *sr_network_geojson(const sr_network *net, unsigned modes, int year, unsigned flags)
{
    if (!net)
        return NULL;
    json_t *feats = json_array();
    for (uint32_t p = 0; p < net->n_places; p++) {
        const sr_place *pl = &net->places[p];
        json_t *props = place_obj(net, p);
        json_object_del(props, "lat");
        json_object_del(props, "lon");
        json_object_set_new(props, "feature", json_string("place"));
        /* Mark places where the gauge changes: the map shows them. */
        int gauge = 0;
        for (uint32_t x = net->xfer_off[p]; x < net->xfer_off[p + 1]; x++)
            gauge |= net->xfers[x].kind == SR_GAUGE_CHANGE;
        json_object_set_new(props, "gauge_change", json_boolean(gauge));
        json_array_append_new(feats, json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry",
                                               point(pl->lon, pl->lat), "properties", props));
    }
    for (uint32_t i = 0; i < net->n_links; i++) {
        const sr_link *k = &net->links[i];
        if (!(modes & SR_MODE_BIT(k->mode)))
            continue;
        if (year >= 0 && !sr__link_usable(k, year))
            continue;
        const sr_place *a = &net->places[k->from], *b = &net->places[k->to];
        json_t *props = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:b}", "feature", "link", "id", k->id,
                                  "name", k->name, "from", a->id, "to", b->id, "mode", sr_mode_name(k->mode),
                                  "distance_km", num(k->distance_km, 0.01), "duration_h", num(k->duration_h, 0.01),
                                  "directed", k->directed);
        json_object_set_new(props, "status", json_string(sr_status_name(k->status)));
        if (k->mode == SR_RAIL)
            json_object_set_new(props, "gauge_mm", json_integer(k->gauge_mm));
        if (k->open_year)
            json_object_set_new(props, "open_year", json_integer(k->open_year));
        if (k->capacity_teu_per_day > 0)
            json_object_set_new(props, "capacity_teu_per_day", num(k->capacity_teu_per_day, 0.01));
        if (k->crossing >= 0)
            json_object_set_new(props, "crossing", json_string(net->crossings[k->crossing].id));
        json_array_append_new(feats, json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry",
                                               line(a->lon, a->lat, b->lon, b->lat), "properties", props));
    }
    for (uint32_t i = 0; i < net->n_crossings; i++) {
        const sr_crossing *x = &net->crossings[i];
        const sr_place *a = &net->places[x->place_a], *b = &net->places[x->place_b];
        json_t *props = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "feature", "crossing", "id", x->id,
                                  "name", x->name, "name_zh", x->name_zh, "name_ru", x->name_ru, "mode",
                                  sr_mode_name(x->mode), "place_a", a->id, "place_b", b->id, "dwell_h",
                                  num(x->dwell_h, 0.01));
        if (x->dwell_congested_h > 0)
            json_object_set_new(props, "dwell_congested_h", num(x->dwell_congested_h, 0.01));
        if (x->capacity_teu_per_day > 0)
            json_object_set_new(props, "capacity_teu_per_day", num(x->capacity_teu_per_day, 0.01));
        if (*x->open_days)
            json_object_set_new(props, "open_days", json_string(x->open_days));
        if (*x->open_hours)
            json_object_set_new(props, "open_hours", json_string(x->open_hours));
        if (*x->open_season)
            json_object_set_new(props, "open_season", json_string(x->open_season));
        json_array_append_new(feats, json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry",
                                               point((a->lon + b->lon) / 2, (a->lat + b->lat) / 2), "properties",
                                               props));
    }
    return dump(json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", feats), flags);
}
