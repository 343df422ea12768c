/*
 * segments.c - groups a route's legs (one per network link) into corridor
 * segments of one mode, gauge, country and service, for tables, JSON and the
 * web map: a forwarder reads "rail 1435 mm, Xi'an - Khorgos", not nineteen
 * links.  Pure function of the route; it allocates nothing.
 */
#include <string.h>

#include "network/network.h"
#include "route/route.h"

/* Does the route transfer (gauge or mode change) right after leg i? */
static int transfer_after(const sr_route *r, size_t i)
{
    for (size_t k = 0; k < r->n_transfers; k++)
        if (r->transfers[k].after_leg == i)
            return 1;
    return 0;
}

/* The border crossed by leg i, or NULL. */
static const sr_border_crossing *border_of(const sr_route *r, size_t i)
{
    for (size_t k = 0; k < r->n_crossings; k++)
        if (r->crossings[k].leg == i)
            return &r->crossings[k];
    return NULL;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Does leg i start a new segment? */
static int starts_segment(const sr_network *net, const sr_route *r, size_t i)
{
    if (i == 0)
        return 1;
    const sr_leg *p = &r->legs[i - 1], *l = &r->legs[i];
    /* A new segment where the previous one crossed a border or the route
     * transferred, or where what carries the cargo changes. */
    return border_of(r, i - 1) || transfer_after(r, i - 1) || p->mode != l->mode || p->gauge_mm != l->gauge_mm ||
           !same_str(p->service, l->service) ||
           strcmp(net->places[p->from].country, net->places[l->from].country) != 0;
}

void sr__segment_at(const sr_network *net, const sr_route *r, size_t first, sr_segment *sg)
{
    memset(sg, 0, sizeof *sg);
    sg->name = "";
    if (first >= r->n_legs)
        return;
    const sr_leg *l0 = &r->legs[first];
    sg->first_leg = (uint32_t)first;
    sg->from = l0->from;
    sg->mode = l0->mode;
    sg->gauge_mm = l0->mode == SR_RAIL ? l0->gauge_mm : 0;
    memcpy(sg->country, net->places[l0->from].country, sizeof sg->country);
    sg->service = l0->service;
    sg->timed = r->timed;
    sg->depart = l0->depart;
    sg->depart_utc_offset_s = l0->depart_utc_offset_s;
    double longest = -1;
    for (size_t i = first; i < r->n_legs && (i == first || !starts_segment(net, r, i)); i++) {
        const sr_leg *l = &r->legs[i];
        sg->n_legs++;
        sg->to = l->to;
        memcpy(sg->to_country, net->places[l->to].country, sizeof sg->to_country);
        sg->distance_km += l->distance_km;
        sg->duration_h += l->duration_h;
        sg->cost_usd += l->cost_usd;
        sg->co2e_kg += l->co2e_kg;
        sg->arrive = l->arrive;
        sg->arrive_utc_offset_s = l->arrive_utc_offset_s;
        /* The longest link names the segment: it is the main line the
         * segment runs on (a short connecting spur rarely is). */
        const char *name = l->link != SR_NO_LINK ? net->links[l->link].name : l->service_name;
        if (name && *name && l->distance_km > longest) {
            longest = l->distance_km;
            sg->name = name;
        }
        const sr_border_crossing *x = border_of(r, i);
        if (x) {
            sg->dwell_h = x->dwell_h;
            sg->fee_usd = x->fee_usd;
        }
    }
}

size_t sr_route_segments(const sr_network *net, const sr_route *r, sr_segment *out, size_t cap)
{
    if (!net || !r)
        return 0;
    size_t n = 0;
    for (size_t first = 0; first < r->n_legs; n++) {
        sr_segment sg;
        sr__segment_at(net, r, first, &sg);
        if (n < cap && out)
            out[n] = sg;
        first += sg.n_legs;
    }
    return n;
}
