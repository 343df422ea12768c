/*
 * apply.c - the document rules on a route: which note, carnet or permit is
 * in force where, where a note is reissued, and the customs events at each
 * border (docs/DOCUMENTS.md).
 *
 * Why the search can include them exactly (almost): every costed event
 * belongs to one step of the router's state graph.  A rail note changes
 * convention where the state (country, gauge) changes -- on a transfer row
 * (a gauge change) or on a border arc -- so its reissue is a weight of that
 * transfer or arc, like the transfer's own time and cost.  A customs event
 * belongs to a border arc; whether it is an export, a transit or an import
 * depends only on whether the arc's ends lie in the origin's or the
 * destination's customs territory, which the query knows before the search.
 * The one item that is really path-dependent is the TIR carnet (one per
 * TIR transport): it is charged where a truck leaves the origin's
 * territory (each time it does), in the search and on the route alike.  A truck journey that
 * starts beyond that territory (after rail or sea) crosses under TIR
 * without a carnet being charged: a documented limit (docs/DOCUMENTS.md).
 */
#include <stdlib.h>
#include <string.h>

#include "doc.h"

static const char *const conv_doc[2] = {"SMGS", "CIM"};
static int leg_conv(const sr__docs *docs, const char *cc, unsigned gauge);

const char *sr_document_kind_name(sr_document_kind k)
{
    static const char *const n[] = {"issued", "reissued", "closed", "tir_opened", "tir_closed", "permit", "formality"};
    return (unsigned)k < sizeof n / sizeof n[0] ? n[k] : "?";
}

const char *sr_customs_kind_name(sr_customs_kind k)
{
    static const char *const n[] = {"export_clearance", "transit_opened", "transit_closed", "import_clearance",
                                    "none_internal"};
    return (unsigned)k < sizeof n / sizeof n[0] ? n[k] : "?";
}

void sr__doc_query_free(sr__doc_query *dq)
{
    free(dq->terr);
    free(dq->tir);
    memset(dq, 0, sizeof *dq);
}

/* The cost row of an event for a mode and regime: the exact row, else the
 * row for any regime, else for any mode. */
static const sr__doc_cost *find_cost(const sr__docs *docs, int ev, int mode, int regime)
{
    const sr__doc_cost *best = NULL;
    int best_score = -1;
    for (size_t i = 0; i < docs->n_costs; i++) {
        const sr__doc_cost *c = &docs->costs[i];
        if (c->event != ev || (c->mode != mode && c->mode != SR_MODE_COUNT) ||
            (c->regime != regime && c->regime != SR__REG_ANY))
            continue;
        int score = 2 * (c->mode == mode) + (c->regime == regime);
        if (score > best_score)
            best = c, best_score = score;
    }
    return best;
}

int sr__doc_query_init(sr__doc_query *dq, const sr_network *net, int year, int note, int road, sr_unit unit,
                       double qty, uint32_t from, uint32_t to)
{
    dq->net = net;
    dq->year = year;
    dq->note = note;
    dq->road = road;
    dq->unit = unit;
    dq->qty = qty;
    dq->from = from;
    dq->to = to;
    const sr__docs *docs = net->docs;
    dq->docs = NULL;
    if (!docs)
        return 0;
    uint32_t n = docs->n_countries ? docs->n_countries : 1;
    uint32_t kf = docs->place_ci[from], kt = to < net->n_places ? docs->place_ci[to] : UINT32_MAX;
    if (dq->key_serial == docs->serial && dq->key_from == kf && dq->key_to == kt && dq->key_year == year && dq->key_road == road &&
        dq->cap >= n) {
        dq->docs = docs;
        return 0;
    }
    /* terr[i]: bit 0 in the origin's customs territory, bit 1 in the
     * destination's; tir/etir: party / eTIR in use in `year`. */
    if (dq->cap < n) {
        free(dq->terr);
        free(dq->tir);
        dq->terr = calloc(n, sizeof *dq->terr);
        dq->tir = calloc(2 * (size_t)n, 1);
        if (!dq->terr || !dq->tir) {
            sr__doc_query_free(dq);
            return -1;
        }
        dq->cap = n;
    }
    memset(dq->terr, 0, n * sizeof *dq->terr);
    memset(dq->tir, 0, 2 * (size_t)n);
    dq->etir = dq->tir + n;
    /* Without a destination (the one-to-all searches, to == UINT32_MAX) no
     * territory is the destination's: every entry counts as a transit. */
    const char *co = net->places[from].country, *cd = to < net->n_places ? net->places[to].country : NULL;
    for (uint32_t i = 0; year <= 0 && i < docs->n_countries; i++) {
        /* Today's network: the tables built at load (documents/load.c). */
        dq->terr[i] = docs->same0[(size_t)i * n + kf] | (kt != UINT32_MAX ? docs->same0[(size_t)i * n + kt] << 1 : 0);
        dq->tir[i] = docs->tir0[i];
        dq->etir[i] = docs->etir0[i];
    }
    for (uint32_t i = 0; year > 0 && i < docs->n_countries; i++) {
        const char *c = docs->countries[i];
        if (!strcmp(c, co) || sr_network_common_union(net, c, co, year))
            dq->terr[i] |= 1;
        if (cd && (!strcmp(c, cd) || sr_network_common_union(net, c, cd, year)))
            dq->terr[i] |= 2;
        for (size_t k = 0; k < docs->n_tir; k++) {
            const sr__tir_rule *t = &docs->tir[k];
            if (strcmp(t->country, c))
                continue;
            dq->tir[i] = year <= 0 || t->since <= year;
            dq->etir[i] = t->etir_since > 0 && (year <= 0 || t->etir_since <= year);
        }
    }
    for (int ev = 0; ev < SR__EV_COUNT; ev++)
        for (int m = 0; m < SR_MODE_COUNT; m++)
            dq->cost[ev][m] =
                find_cost(docs, ev, m, m == SR_ROAD ? (road == SR_ROAD_TRANSIT ? SR__REG_TRANSIT : SR__REG_TIR) : SR__REG_ANY);
    dq->key_serial = docs->serial;
    dq->key_from = kf;
    dq->key_to = kt;
    dq->key_year = year;
    dq->key_road = road;
    dq->docs = docs;
    return 0;
}

/* Where events go: summed (the search's weights) or appended to a route. */
typedef struct sink {
    double h, usd;
    sr__route_buf *rb;      /* NULL: sum only */
    int failed;
} sink;

static void doc_event(sink *s, const sr__doc_query *dq, sr_document_kind kind, const char *doc, uint32_t at,
                      uint32_t leg, const sr__doc_cost *c, const char *detail, const char *source)
{
    double h = c ? c->time_h : 0, usd = c ? c->cost_usd[dq->unit] * dq->qty : 0;
    s->h += h;
    s->usd += usd;
    if (!s->rb)
        return;
    sr_document_event e = {.kind = kind, .document = doc, .at = at, .leg = leg, .duration_h = h, .cost_usd = usd,
                           .detail = detail ? detail : "", .source = c ? c->source : source ? source : ""};
    if (c && source && *source && s->rb) {
        /* A rule with its own sources (a permit pair) names those; the
         * cost row's sources are in costs.csv. */
        e.source = source;
    }
    if (sr__route_add_document(s->rb, &e) < 0)
        s->failed = 1;
}

static void customs_event(sink *s, const sr__doc_query *dq, sr_customs_kind kind, uint32_t at, uint32_t leg,
                          const char *country, const char *regime, const char *un, const sr__doc_cost *c)
{
    double h = c ? c->time_h : 0, usd = c ? c->cost_usd[dq->unit] * dq->qty : 0;
    s->h += h;
    s->usd += usd;
    if (!s->rb)
        return;
    sr_customs_event e = {.kind = kind, .at = at, .leg = leg, .regime = regime, .internal_union = un,
                          .duration_h = h, .cost_usd = usd, .source = c ? c->source : ""};
    memcpy(e.country, country, 3);
    if (sr__route_add_customs(s->rb, &e) < 0)
        s->failed = 1;
}

static int reissue_applies(const sr__doc_query *dq, uint8_t flag)
{
    return flag == 2 || (flag == 1 && dq->note == SR_NOTE_SEPARATE);
}

/* The road regime at an external border: TIR (or eTIR) when asked for and
 * both countries are parties, else national transit declarations. */
static const char *road_regime(const sr__doc_query *dq, uint16_t ca, uint16_t cb, int *tir)
{
    *tir = dq->road == SR_ROAD_TIR && dq->tir[ca] && dq->tir[cb];
    if (!*tir)
        return "transit declaration";
    return dq->etir[ca] && dq->etir[cb] ? "eTIR" : "TIR";
}

static uint32_t arc_tail(const sr_network *net, uint32_t a)
{
    const sr_link *k = &net->links[net->arc_link[a]];
    return net->arc_head[a] == k->from ? k->to : k->from;
}

/* The events of arc a (the route's leg `leg`).  *tir_open: whether a TIR
 * transport is running (route annotation); NULL in the search, which
 * charges the carnet where a truck leaves the origin's territory. */
static void arc_events(const sr__doc_query *dq, uint32_t a, uint32_t leg, sink *s, int *tir_open, int *cur_conv)
{
    const sr_network *net = dq->net;
    const sr__docs *docs = dq->docs;
    const sr_link *k = &net->links[net->arc_link[a]];
    uint32_t tail = arc_tail(net, a), head = net->arc_head[a];
    uint16_t ca = docs->place_ci[tail], cb = docs->place_ci[head];
    const char *A = net->places[tail].country, *B = net->places[head].country;
    if (k->mode == SR_RAIL && reissue_applies(dq, docs->arc_reissue[a])) {
        int to = leg_conv(docs, B, k->gauge_mm);
        doc_event(s, dq, SR_DOC_REISSUED, to >= 0 ? conv_doc[to] : "rail consignment note", head, leg, dq->cost[SR__EV_RECONSIGNMENT][SR_RAIL],
                  docs->arc_reissue[a] == 2 ? "the note changes convention here and one railway does not accept the CIM/SMGS common note"
                                            : "separate notes: the note changes convention at this border",
                  NULL);
        *cur_conv = to;
    }
    const char *un = dq->year ? sr_network_common_union(net, A, B, dq->year) : docs->arc_union0[a];
    if (k->mode == SR_ROAD) {
        const sr__permit_rule *pr = docs->arc_permit[a];
        int reg = pr ? pr->regime : SR__PERMIT_BILATERAL;
        static const char *const pdoc[3] = {"bilateral permit", "SCO multilateral permit", "no permit"};
        /* The pair's published fee on top of costs.csv's permit row. */
        sr__doc_cost pc = {.event = SR__EV_PERMIT, .mode = SR_ROAD}, *pcp = NULL;
        if (reg != SR__PERMIT_NONE) {
            const sr__doc_cost *row = dq->cost[SR__EV_PERMIT][SR_ROAD];
            if (row)
                pc = *row;
            for (int u = 0; pr && u < SR_UNIT_COUNT; u++)
                pc.cost_usd[u] += pr->fee_usd[u];
            pcp = row || pr ? &pc : NULL;
        }
        doc_event(s, dq, SR_DOC_PERMIT, pdoc[reg], head, leg, pcp,
                  pr ? (reg == SR__PERMIT_NONE ? "road haulage between these countries needs no permit"
                                               : reg == SR__PERMIT_SCO ? "SCO Agreement on international road transport"
                                                                      : "bilateral road transport agreement")
                     : "pair not in road_permits.csv: a bilateral permit is assumed",
                  pr ? pr->source : "A-doc-permit-default");
    }
    if (un) {
        customs_event(s, dq, SR_CUSTOMS_NONE, head, leg, B, "", un, NULL);
    } else {
        int exp = dq->terr[ca] & 1, imp = (dq->terr[cb] & 2) != 0, tir = 0;
        const char *regime = k->mode == SR_ROAD ? road_regime(dq, ca, cb, &tir)
                             : k->mode == SR_RAIL ? "rail consignment note"
                                                  : "transit declaration";
        int m = k->mode;
        /* One carnet per TIR transport, opened wherever the truck leaves the
         * origin's territory (again after coming back into it): the same
         * rule in the search and on the route, so what the search
         * optimises is what the route lists. */
        if (tir && exp) {
            doc_event(s, dq, SR_DOC_TIR_OPENED, strcmp(regime, "eTIR") ? "TIR carnet" : "eTIR", tail, leg,
                      dq->cost[SR__EV_TIR_CARNET][SR_ROAD], "a TIR transport starts at the first external road border",
                      NULL);
            if (tir_open)
                *tir_open = 1;
        }
        customs_event(s, dq, exp ? SR_CUSTOMS_EXPORT : SR_CUSTOMS_TRANSIT_CLOSED, tail, leg, A, regime, NULL,
                      dq->cost[exp ? SR__EV_EXPORT : SR__EV_TRANSIT_CLOSED][m]);
        customs_event(s, dq, imp ? SR_CUSTOMS_IMPORT : SR_CUSTOMS_TRANSIT_OPENED, head, leg, B, regime, NULL,
                      dq->cost[imp ? SR__EV_IMPORT : SR__EV_TRANSIT_OPENED][m]);
        if (tir_open && *tir_open && (imp || (dq->terr[cb] & 1)) && k->mode == SR_ROAD) {
            doc_event(s, dq, SR_DOC_TIR_CLOSED, strcmp(regime, "eTIR") ? "TIR carnet" : "eTIR", head, leg, NULL,
                      imp ? "the TIR transport ends at the destination's customs territory"
                          : "the TIR transport ends on coming back into the origin's customs territory",
                      NULL);
            *tir_open = 0;
        }
    }
    if (s->rb && k->crossing >= 0)
        for (size_t i = 0; i < docs->n_formalities; i++) {
            const sr__formality *f = &docs->formalities[i];
            if (f->crossing == k->crossing && (!f->into[0] || !strcmp(f->into, B)))
                doc_event(s, dq, SR_DOC_FORMALITY, f->kind, head, leg, NULL, f->detail, f->source);
        }
}

/* The search's weight of arc a: the sums of what arc_events() lists for
 * it, computed without building events (the router calls this for every
 * border arc it relaxes).  tests/test_route_diff.c and test_reach.c check
 * that routes total what the search optimised. */
void sr__doc_arc_weight(const sr__doc_query *dq, uint32_t a, double *h, double *usd)
{
    *h = *usd = 0;
    const sr__docs *docs = dq->docs;
    if (!docs || !docs->arc_border[a])
        return;
    const sr_network *net = dq->net;
    const sr_link *k = &net->links[net->arc_link[a]];
    double hh = 0, uu = 0;
#define ADD(c)                                              \
    do {                                                    \
        const sr__doc_cost *c_ = (c);                       \
        if (c_) {                                           \
            hh += c_->time_h;                               \
            uu += c_->cost_usd[dq->unit] * dq->qty;         \
        }                                                   \
    } while (0)
    if (k->mode == SR_RAIL && reissue_applies(dq, docs->arc_reissue[a]))
        ADD(dq->cost[SR__EV_RECONSIGNMENT][SR_RAIL]);
    if (k->mode == SR_ROAD && (!docs->arc_permit[a] || docs->arc_permit[a]->regime != SR__PERMIT_NONE)) {
        ADD(dq->cost[SR__EV_PERMIT][SR_ROAD]);
        if (docs->arc_permit[a])
            uu += docs->arc_permit[a]->fee_usd[dq->unit] * dq->qty;
    }
    uint32_t tail = arc_tail(net, a), head = net->arc_head[a];
    const char *un = dq->year ? sr_network_common_union(net, net->places[tail].country, net->places[head].country,
                                                        dq->year)
                              : docs->arc_union0[a];
    if (!un) {
        uint16_t ca = docs->place_ci[tail], cb = docs->place_ci[head];
        int exp = dq->terr[ca] & 1, imp = (dq->terr[cb] & 2) != 0;
        int tir = k->mode == SR_ROAD && dq->road == SR_ROAD_TIR && dq->tir[ca] && dq->tir[cb];
        if (tir && exp)
            ADD(dq->cost[SR__EV_TIR_CARNET][SR_ROAD]);
        ADD(dq->cost[exp ? SR__EV_EXPORT : SR__EV_TRANSIT_CLOSED][k->mode]);
        ADD(dq->cost[imp ? SR__EV_IMPORT : SR__EV_TRANSIT_OPENED][k->mode]);
    }
#undef ADD
    *h = hh;
    *usd = uu;
}

void sr__doc_xfer_weight(const sr__doc_query *dq, uint32_t x, double *h, double *usd)
{
    *h = *usd = 0;
    if (!dq->docs || !reissue_applies(dq, dq->docs->xfer_reissue[x]))
        return;
    const sr__doc_cost *c = dq->cost[SR__EV_RECONSIGNMENT][SR_RAIL];
    if (c) {
        *h = c->time_h;
        *usd = c->cost_usd[dq->unit] * dq->qty;
    }
}

/* The convention of a rail leg's country and gauge; -1 when no rule. */
static int leg_conv(const sr__docs *docs, const char *cc, unsigned gauge)
{
    const sr__rail_rule *any = NULL;
    for (size_t i = 0; i < docs->n_rail; i++)
        if (!strcmp(docs->rail[i].country, cc)) {
            if (docs->rail[i].gauge_mm == gauge)
                return docs->rail[i].conv;
            if (!docs->rail[i].gauge_mm)
                any = &docs->rail[i];
        }
    return any ? any->conv : -1;
}

int sr__doc_annotate(const sr__doc_query *dq, const uint32_t *steps, size_t n, sr__route_buf *rb)
{
    return sr__doc_annotate_legs(dq, steps, NULL, n, rb);
}

int sr__doc_annotate_legs(const sr__doc_query *dq, const uint32_t *steps, const uint32_t *legs, size_t n,
                          sr__route_buf *rb)
{
    if (!dq->docs)
        return 0;
    const sr_network *net = dq->net;
    const sr__docs *docs = dq->docs;
    sink s = {.rb = rb};
    int tir_open = 0, conv = -1, run_mode = -1, common = 0;
    uint32_t leg = 0, nlegs = 0;
    static const char *const mode_doc[SR_MODE_COUNT] = {"rail consignment note", "CMR", "bill of lading", "air waybill"};
    /* Whether a rail run carries the common note: it crosses a convention
     * boundary that the common note spans (flag 1) under the cim-smgs option. */
    size_t issued_at = 0;
    for (size_t i = 0; i < n && !s.failed; i++) {
        uint32_t h = steps[i];
        if (h < net->n_arcs) {
            const sr_link *k = &net->links[net->arc_link[h]];
            uint32_t prev = leg;
            if (legs) {
                leg = legs[i];
                nlegs = leg + 1;
            } else {
                prev = nlegs ? nlegs - 1 : 0;
                leg = nlegs++;
            }
            if ((int)k->mode != run_mode) {
                if (run_mode >= 0) {
                    /* The previous run's document ends where this leg starts. */
                    const char *d = run_mode == SR_RAIL && conv >= 0 ? (common ? "CIM/SMGS" : conv_doc[conv]) : mode_doc[run_mode];
                    doc_event(&s, dq, SR_DOC_CLOSED, d, rb->legs[prev].to, prev, NULL, "end of the run by this mode", NULL);
                }
                run_mode = (int)k->mode;
                conv = k->mode == SR_RAIL ? leg_conv(docs, net->places[arc_tail(net, h)].country, k->gauge_mm) : -1;
                common = 0;
                issued_at = rb->n_documents;
                doc_event(&s, dq, SR_DOC_ISSUED, run_mode == SR_RAIL && conv >= 0 ? conv_doc[conv] : mode_doc[run_mode],
                          arc_tail(net, h), leg, NULL, "start of the run by this mode", NULL);
            }
            if (k->mode == SR_RAIL && docs->arc_border[h] && docs->arc_reissue[h] == 1 && dq->note == SR_NOTE_CIM_SMGS)
                common = 1;
            if (docs->arc_border[h])
                arc_events(dq, h, leg, &s, &tir_open, &conv);
        } else {
            uint32_t x = h - net->n_arcs;
            const sr__xfer *t = &net->xfers[x];
            uint32_t at = docs->xfer_place[x];
            if (!net->class_gauge[t->from] || !net->class_gauge[t->to])
                continue; /* a mode change: the next leg starts a new run */
            if (reissue_applies(dq, docs->xfer_reissue[x])) {
                int to = leg_conv(docs, net->places[at].country, net->class_gauge[t->to]);
                const sr__doc_cost *c = dq->cost[SR__EV_RECONSIGNMENT][SR_RAIL];
                doc_event(&s, dq, SR_DOC_REISSUED, to >= 0 ? conv_doc[to] : "rail consignment note", at,
                          nlegs ? nlegs - 1 : 0, c,
                          docs->xfer_reissue[x] == 2
                              ? "the note changes convention at this gauge change and one railway does not accept the CIM/SMGS common note"
                              : "separate notes: the note changes convention at this gauge change",
                          NULL);
                conv = to;
            } else if (docs->xfer_reissue[x] == 1) {
                common = 1;
            }
        }
        /* The run's note is named once its whole extent is known. */
        if (common && run_mode == SR_RAIL && issued_at < rb->n_documents)
            rb->documents[issued_at].document = "CIM/SMGS";
    }
    if (run_mode >= 0 && nlegs && !s.failed) {
        const char *d = run_mode == SR_RAIL && conv >= 0 ? (common ? "CIM/SMGS" : conv_doc[conv]) : mode_doc[run_mode];
        doc_event(&s, dq, SR_DOC_CLOSED, d, rb->legs[nlegs - 1].to, nlegs - 1, NULL, "end of the run by this mode", NULL);
    }
    return s.failed ? -1 : 0;
}
