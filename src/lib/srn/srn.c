/*
 * srn.c - the compiled network file: sr_network_compile() writes a loaded
 * network's arrays, and its contraction hierarchies, into one binary file;
 * sr_network_open() on such a file maps it and points the network's search
 * arrays into the mapping, so opening costs a checksum pass and decoding
 * the place, link and crossing records instead of parsing CSV.  The layout
 * is documented in docs/FORMAT.md, which this file must match.
 *
 * Why these choices: every number is little-endian and every section
 * starts at a multiple of 8, so on the common hosts the arrays are used in
 * place; a big-endian host converts them into memory of its own (slower,
 * still correct).  Each section has a CRC-32 and the header and table have
 * their own, so a truncated, damaged or foreign file is refused with a
 * message naming what is wrong; every count, offset and index is checked
 * against the others, so a file that was crafted with valid checksums
 * still cannot make a search read out of bounds.
 *
 * When the checks run (docs/FORMAT.md): opening a file must stay in
 * milliseconds at a million links, and a checksum pass over half a
 * gigabyte alone takes a third of a second.  So sr_network_open() checks
 * the header, the table and every section of at most SRN_EAGER_CRC bytes,
 * and the structure of everything it decodes; a hierarchy's sections
 * (most of the file) are checksummed and checked when that hierarchy is
 * first queried (sr__ch_checked()), and a query on a damaged one fails
 * with SR_EDATA; the checksums of the other large sections are verified by
 * sr_check_data() on the file (silkroute check-data FILE), which checks
 * everything at open.
 * The file is written to PATH.tmp and renamed, so a failed compile never
 * leaves a partial file under the name asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ch/ch.h"
#include "documents/doc.h"
#include "network/network.h"
#include "srn.h"

static int host_le(void)
{
    const uint16_t x = 1;
    unsigned char b;
    memcpy(&b, &x, 1);
    return b == 1;
}

/* ---- writing ------------------------------------------------------------- */

typedef struct wsec {
    uint32_t id, crc;
    uint64_t off, size, count;
} wsec;

typedef struct wr {
    FILE *f;
    uint64_t pos;
    int err;
    wsec *sec;
    size_t n_sec, cap_sec;
    wsec *cur;
    /* the string table, written last */
    char *str;
    size_t n_str, cap_str;
} wr;

static void w_bytes(wr *w, const void *p, size_t n)
{
    if (w->err || !n)
        return;
    if (fwrite(p, 1, n, w->f) != n) {
        w->err = errno ? errno : EIO;
        return;
    }
    w->cur->crc = sr__crc32(w->cur->crc, p, n);
    w->pos += n;
    w->cur->size += n;
}

static void le32(unsigned char *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static void le64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static void lef64(unsigned char *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    le64(b, v);
}

static void w_begin(wr *w, uint32_t id, uint64_t count)
{
    static const unsigned char zero[8] = {0};
    if (w->err)
        return;
    /* Pad to 8 bytes (the padding belongs to no section). */
    size_t pad = (size_t)((8 - w->pos % 8) % 8);
    if (pad && fwrite(zero, 1, pad, w->f) != pad)
        w->err = errno ? errno : EIO;
    w->pos += pad;
    if (sr__grow((void **)&w->sec, &w->cap_sec, w->n_sec + 1, sizeof *w->sec) < 0) {
        w->err = ENOMEM;
        return;
    }
    w->cur = &w->sec[w->n_sec++];
    *w->cur = (wsec){.id = id, .off = w->pos, .count = count};
}

/* Arrays: written as they are on a little-endian host, else converted. */
static void w_u32s(wr *w, const uint32_t *a, size_t n)
{
    if (host_le()) {
        w_bytes(w, a, n * 4);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char b[4];
        le32(b, a[i]);
        w_bytes(w, b, 4);
    }
}

static void w_f64s(wr *w, const double *a, size_t n)
{
    if (host_le()) {
        w_bytes(w, a, n * 8);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char b[8];
        lef64(b, a[i]);
        w_bytes(w, b, 8);
    }
}

/* Offset of s in the string table (appended; "" for NULL). */
static uint32_t w_str(wr *w, const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s) + 1;
    if (w->n_str + n > UINT32_MAX) {
        w->err = EFBIG;
        return 0;
    }
    if (sr__grow((void **)&w->str, &w->cap_str, w->n_str + n, 1) < 0) {
        w->err = ENOMEM;
        return 0;
    }
    memcpy(w->str + w->n_str, s, n);
    uint32_t off = (uint32_t)w->n_str;
    w->n_str += n;
    return off;
}

static void w_ch(wr *w, int k, const sr__ch *ch, uint32_t n_states)
{
    uint32_t base = SEC_CH + 8u * (uint32_t)k;
    unsigned char m[32];
    le64(m, ch->n);
    le64(m + 8, ch->n_up);
    le64(m + 16, ch->n_dn);
    le64(m + 24, ch->n_shortcuts);
    w_begin(w, base + CH_META, 4);
    w_bytes(w, m, sizeof m);
    w_begin(w, base + CH_NODE_OF, n_states);
    w_u32s(w, ch->node_of, n_states);
    w_begin(w, base + CH_UP_OFF, (uint64_t)ch->n + 1);
    w_u32s(w, ch->up_off, (size_t)ch->n + 1);
    w_begin(w, base + CH_DN_OFF, (uint64_t)ch->n + 1);
    w_u32s(w, ch->dn_off, (size_t)ch->n + 1);
    for (int d = 0; d < 2; d++) {
        const sr__ch_edge *e = d ? ch->dn : ch->up;
        uint64_t n = d ? ch->n_dn : ch->n_up;
        w_begin(w, base + (d ? CH_DN : CH_UP), n);
        if (host_le() && sizeof *e == REC_CH_EDGE) {
            w_bytes(w, e, (size_t)n * REC_CH_EDGE);
            continue;
        }
        for (uint64_t i = 0; i < n; i++) {
            unsigned char b[REC_CH_EDGE];
            le32(b, e[i].other);
            le32(b + 4, e[i].via);
            lef64(b + 8, e[i].w);
            w_bytes(w, b, sizeof b);
        }
    }
    w_begin(w, base + CH_UP_HALF, 2 * ch->n_up);
    w_u32s(w, ch->up_half, (size_t)(2 * ch->n_up));
    w_begin(w, base + CH_DN_HALF, 2 * ch->n_dn);
    w_u32s(w, ch->dn_half, (size_t)(2 * ch->n_dn));
}

/* Place (kind 0) or crossing (kind 1) indexes in order of their ids. */
typedef struct id_ix {
    const char *id;
    uint32_t i;
} id_ix;
static int cmp_id_ix(const void *a, const void *b)
{
    const id_ix *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    /* Equal ids (links may repeat one) keep their order: the first wins. */
    return c ? c : (x->i > y->i) - (x->i < y->i);
}
static int id_order(uint32_t *out, uint32_t n, const sr_network *net, int kind)
{
    id_ix *t = malloc(((size_t)n + 1) * sizeof *t);
    if (!t)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        t[i] = (id_ix){kind == 2 ? net->links[i].id : kind ? net->crossings[i].id : net->places[i].id, i};
    qsort(t, n, sizeof *t, cmp_id_ix);
    for (uint32_t i = 0; i < n; i++)
        out[i] = t[i].i;
    free(t);
    return 0;
}

/* The document rules as read from documents/ (docs/FORMAT.md, sections
 * 35-39): the rows themselves, so the reader indexes them against the
 * network exactly as the folder's loader does. */
static void w_docs(wr *w, const sr__docs *d)
{
    unsigned char b[REC_DOC_COST];
    w_begin(w, SEC_DOC_RAIL, d->n_rail);
    for (size_t i = 0; i < d->n_rail; i++) {
        memset(b, 0, sizeof b);
        memcpy(b, d->rail[i].country, 2);
        b[2] = (unsigned char)(d->rail[i].gauge_mm & 0xff);
        b[3] = (unsigned char)(d->rail[i].gauge_mm >> 8);
        b[4] = d->rail[i].conv;
        b[5] = d->rail[i].common;
        le32(b + 8, w_str(w, d->rail[i].source));
        w_bytes(w, b, REC_DOC_RAIL);
    }
    w_begin(w, SEC_DOC_TIR, d->n_tir);
    for (size_t i = 0; i < d->n_tir; i++) {
        memset(b, 0, sizeof b);
        memcpy(b, d->tir[i].country, 2);
        le32(b + 4, (uint32_t)d->tir[i].since);
        le32(b + 8, (uint32_t)d->tir[i].etir_since);
        le32(b + 12, w_str(w, d->tir[i].source));
        w_bytes(w, b, REC_DOC_TIR);
    }
    w_begin(w, SEC_DOC_PERMITS, d->n_permits);
    for (size_t i = 0; i < d->n_permits; i++) {
        memset(b, 0, sizeof b);
        memcpy(b, d->permits[i].a, 2);
        memcpy(b + 2, d->permits[i].b, 2);
        b[4] = d->permits[i].regime;
        le32(b + 8, w_str(w, d->permits[i].source));
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            lef64(b + 16 + 8 * u, d->permits[i].fee_usd[u]);
        w_bytes(w, b, REC_DOC_PERMIT);
    }
    w_begin(w, SEC_DOC_FORMALITIES, d->n_formalities);
    for (size_t i = 0; i < d->n_formalities; i++) {
        const sr__formality *f = &d->formalities[i];
        memset(b, 0, sizeof b);
        le32(b, (uint32_t)f->crossing);
        memcpy(b + 4, f->into, 2);
        le32(b + 8, w_str(w, f->kind));
        le32(b + 12, w_str(w, f->detail));
        le32(b + 16, w_str(w, f->source));
        w_bytes(w, b, REC_DOC_FORMALITY);
    }
    w_begin(w, SEC_DOC_COSTS, d->n_costs);
    for (size_t i = 0; i < d->n_costs; i++) {
        const sr__doc_cost *c = &d->costs[i];
        memset(b, 0, sizeof b);
        b[0] = c->event;
        b[1] = c->mode;
        b[2] = c->regime;
        lef64(b + 8, c->time_h);
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            lef64(b + 16 + 8 * u, c->cost_usd[u]);
        le32(b + 40, w_str(w, c->source));
        w_bytes(w, b, REC_DOC_COST);
    }
}

/* The hierarchies of a network with document rules (ch/net_ch.c): the
 * territory classes in SEC_CH_DOCS, then per metric of its mask and pair
 * of classes i (origin class * D + destination class) hierarchy
 * SRN_CH_DOCS_K0 + j, j counting the pairs of every metric in turn; a
 * pair of a class without a place has none.  More than SRN_MAX_CH: none
 * are written (the file's queries run Dijkstra, docs/FORMAT.md). */
static void w_ch_docs(wr *w, const sr_network *net)
{
    const sr__net_ch_docs *cd = net->ch && net->docs ? net->ch->docs : NULL;
    if (!cd || cd->serial != net->docs->serial)
        return;
    uint32_t mask = 0, n_metrics = 0;
    for (int k = 0; k < SR__CH_OBJECTIVES * SR_UNIT_COUNT; k++)
        if (cd->ch[k / SR_UNIT_COUNT][k % SR_UNIT_COUNT])
            mask |= 1u << k, n_metrics++;
    uint64_t pairs = (uint64_t)cd->n_ocls * cd->n_dcls;
    if (!mask || pairs * n_metrics > SRN_MAX_CH)
        return;
    uint32_t hdr[4] = {cd->n_countries, cd->n_ocls, cd->n_dcls, mask};
    w_begin(w, SEC_CH_DOCS, 4 + 2 * (uint64_t)cd->n_countries + cd->n_ocls + cd->n_dcls);
    w_u32s(w, hdr, 4);
    w_u32s(w, cd->ocls, cd->n_countries);
    w_u32s(w, cd->dcls, cd->n_countries);
    w_u32s(w, cd->orep, cd->n_ocls);
    w_u32s(w, cd->drep, cd->n_dcls);
    uint32_t j = 0;
    for (int k = 0; k < SR__CH_OBJECTIVES * SR_UNIT_COUNT; k++) {
        sr__ch *const *v = cd->ch[k / SR_UNIT_COUNT][k % SR_UNIT_COUNT];
        for (uint64_t i = 0; v && i < pairs; i++, j++)
            if (v[i])
                w_ch(w, (int)(SRN_CH_DOCS_K0 + j), v[i], net->n_places * net->n_classes);
    }
}

static void w_network(wr *w, const sr_network *net)
{
    uint32_t np = net->n_places, nl = net->n_links, nx = net->n_crossings, na = net->n_arcs;
    uint64_t n_geom = 0;
    for (uint32_t i = 0; i < nl; i++)
        n_geom += 2 * (uint64_t)net->links[i].n_geom;
    unsigned ch_mask = 0;
    for (int o = 0; net->ch && o < SR__CH_OBJECTIVES; o++)
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            if (net->ch->ch[o][u])
                ch_mask |= 1u << (o * SR_UNIT_COUNT + u);
    uint64_t meta[META_WORDS] = {np, nl, nx, na, net->n_xfers, net->n_classes, net->n_unions, net->n_names,
                                 net->n_xyear, n_geom, ch_mask, SR_UNIT_COUNT, SR_CLASS_COUNT, SR_MODE_COUNT,
                                 net->docs ? SRN_DOCS_LAYOUT : 0};
    unsigned char b[REC_LINK];
    w_begin(w, SEC_META, META_WORDS);
    for (unsigned i = 0; i < META_WORDS; i++) {
        le64(b, meta[i]);
        w_bytes(w, b, 8);
    }
    double sc[SR_UNIT_COUNT + 2 + SR_CLASS_COUNT];
    memcpy(sc, net->tonnes_per_unit, sizeof net->tonnes_per_unit);
    memcpy(sc + SR_UNIT_COUNT, net->x_ratio, sizeof net->x_ratio);
    memcpy(sc + SR_UNIT_COUNT + 2, net->run_ratio, sizeof net->run_ratio);
    w_begin(w, SEC_SCALARS, sizeof sc / sizeof *sc);
    w_f64s(w, sc, sizeof sc / sizeof *sc);

    w_begin(w, SEC_PLACES, np);
    for (uint32_t i = 0; i < np; i++) {
        const sr_place *p = &net->places[i];
        memset(b, 0, sizeof b);
        le32(b, w_str(w, p->id));
        le32(b + 4, w_str(w, p->name_en));
        le32(b + 8, w_str(w, p->name_zh));
        le32(b + 12, w_str(w, p->name_ru));
        le32(b + 16, w_str(w, p->tz));
        memcpy(b + 20, p->country, 2);
        le32(b + 24, (uint32_t)p->kind);
        lef64(b + 32, p->lat);
        lef64(b + 40, p->lon);
        w_bytes(w, b, REC_PLACE);
    }
    w_begin(w, SEC_CROSSINGS, nx);
    for (uint32_t i = 0; i < nx; i++) {
        const sr_crossing *x = &net->crossings[i];
        memset(b, 0, sizeof b);
        const char *s[7] = {x->id, x->name, x->name_zh, x->name_ru, x->open_days, x->open_hours, x->open_season};
        for (int k = 0; k < 7; k++)
            le32(b + 4 * k, w_str(w, s[k]));
        le32(b + 28, (uint32_t)x->mode);
        le32(b + 32, x->place_a);
        le32(b + 36, x->place_b);
        lef64(b + 40, x->dwell_h);
        lef64(b + 48, x->dwell_congested_h);
        lef64(b + 56, x->capacity_teu_per_day);
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            lef64(b + 64 + 8 * u, x->fee_usd[u]);
        w_bytes(w, b, REC_CROSSING);
    }
    w_begin(w, SEC_LINKS, nl);
    uint64_t goff = 0;
    for (uint32_t i = 0; i < nl; i++) {
        const sr_link *k = &net->links[i];
        memset(b, 0, sizeof b);
        le32(b, w_str(w, k->id));
        le32(b + 4, w_str(w, k->name));
        le32(b + 8, k->from);
        le32(b + 12, k->to);
        le32(b + 16, (uint32_t)k->mode);
        b[20] = (unsigned char)(k->gauge_mm & 0xff);
        b[21] = (unsigned char)(k->gauge_mm >> 8);
        b[22] = k->directed;
        le32(b + 24, (uint32_t)k->status);
        le32(b + 28, (uint32_t)k->open_year);
        le32(b + 32, (uint32_t)k->crossing);
        le32(b + 36, k->n_geom);
        le64(b + 40, goff);
        goff += 2 * (uint64_t)k->n_geom;
        lef64(b + 48, k->distance_km);
        lef64(b + 56, k->duration_h);
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            lef64(b + 64 + 8 * u, k->cost_usd[u]);
        lef64(b + 88, k->co2e_kg_per_tkm);
        lef64(b + 96, k->capacity_teu_per_day);
        w_bytes(w, b, REC_LINK);
    }
    w_begin(w, SEC_GEOM, n_geom);
    for (uint32_t i = 0; i < nl; i++)
        if (net->links[i].n_geom)
            w_f64s(w, net->links[i].geom, 2 * (size_t)net->links[i].n_geom);

    w_begin(w, SEC_ARC_OFF, (uint64_t)np + 1);
    w_u32s(w, net->arc_off, (size_t)np + 1);
    w_begin(w, SEC_ARC_HEAD, na);
    w_u32s(w, net->arc_head, na);
    w_begin(w, SEC_ARC_LINK, na);
    w_u32s(w, net->arc_link, na);
    w_begin(w, SEC_ARC_CLS, na);
    w_bytes(w, net->arc_cls, na);
    w_begin(w, SEC_ARC_TIME, na);
    w_f64s(w, net->arc_time_h, na);
    for (int u = 0; u < SR_UNIT_COUNT; u++) {
        w_begin(w, SEC_ARC_COST0 + (uint32_t)u, na);
        w_f64s(w, net->arc_cost[u], na);
    }
    for (int u = 0; u < SR_UNIT_COUNT; u++) {
        w_begin(w, SEC_ARC_CO20 + (uint32_t)u, na);
        w_f64s(w, net->arc_co2[u], na);
    }
    w_begin(w, SEC_ARC_P90, na);
    w_f64s(w, net->arc_p90_h, na);
    w_begin(w, SEC_ARC_XI, na);
    w_u32s(w, net->arc_xi, na);
    w_begin(w, SEC_XFER_OFF, (uint64_t)np + 1);
    w_u32s(w, net->xfer_off, (size_t)np + 1);
    w_begin(w, SEC_XFERS, net->n_xfers);
    for (uint32_t i = 0; i < net->n_xfers; i++) {
        const sr__xfer *x = &net->xfers[i];
        memset(b, 0, sizeof b);
        b[0] = x->from;
        b[1] = x->to;
        b[2] = x->kind;
        lef64(b + 8, x->duration_h);
        lef64(b + 16, x->duration_p90_h);
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            lef64(b + 24 + 8 * u, x->cost_usd[u]);
        lef64(b + 48, x->capacity_teu_per_day);
        w_bytes(w, b, REC_XFER);
    }
    w_begin(w, SEC_CLASSES, net->n_classes);
    for (uint32_t c = 0; c < net->n_classes; c++) {
        memset(b, 0, sizeof b);
        b[0] = (unsigned char)(net->class_gauge[c] & 0xff);
        b[1] = (unsigned char)(net->class_gauge[c] >> 8);
        memcpy(b + 4, net->class_name[c], 11);
        w_bytes(w, b, REC_CLASS);
    }
    w_begin(w, SEC_MODES, SR_MODE_COUNT);
    for (int m = 0; m < SR_MODE_COUNT; m++) {
        const sr__mode_info *mi = &net->modes[m];
        memset(b, 0, sizeof b);
        lef64(b, mi->speed_kmh);
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            lef64(b + 8 + 8 * u, mi->cost_per_km[u]);
        lef64(b + 32, mi->co2e_kg_per_tkm);
        le32(b + 40, mi->units);
        w_bytes(w, b, REC_MODE);
    }
    w_begin(w, SEC_NAMES, net->n_names);
    for (size_t i = 0; i < net->n_names; i++) {
        le32(b, w_str(w, net->names[i].key));
        le32(b + 4, net->names[i].place);
        w_bytes(w, b, REC_NAME);
    }
    /* The indexes in order of their ids (the file keeps the order, a
     * reader checks it and builds its hash indexes from the ids). */
    uint32_t *order = malloc(((size_t)(np > nx ? (np > nl ? np : nl) : (nx > nl ? nx : nl)) + 1) * 4);
    w_begin(w, SEC_PLACE_BY_ID, np);
    if (order && id_order(order, np, net, 0) == 0)
        w_u32s(w, order, np);
    else
        w->err = ENOMEM;
    w_begin(w, SEC_CROSSING_BY_ID, nx);
    if (order && id_order(order, nx, net, 1) == 0)
        w_u32s(w, order, nx);
    else
        w->err = ENOMEM;
    w_begin(w, SEC_LINK_BY_ID, nl);
    if (order && id_order(order, nl, net, 2) == 0)
        w_u32s(w, order, nl);
    else
        w->err = ENOMEM;
    free(order);
    w_begin(w, SEC_X_P50, 2 * (uint64_t)nx);
    w_f64s(w, net->x_p50, 2 * (size_t)nx);
    w_begin(w, SEC_X_P90, 2 * (uint64_t)nx);
    w_f64s(w, net->x_p90, 2 * (size_t)nx);
    w_begin(w, SEC_X_P90_GIVEN, 2 * (uint64_t)nx);
    w_bytes(w, net->x_p90_given, 2 * (size_t)nx);
    w_begin(w, SEC_LINK_BASE_H, nl);
    w_f64s(w, net->link_base_h, nl);
    w_begin(w, SEC_XYEAR, net->n_xyear);
    for (size_t i = 0; i < net->n_xyear; i++) {
        le32(b, net->xyear[i].xi);
        le32(b + 4, (uint32_t)net->xyear[i].year);
        lef64(b + 8, net->xyear[i].p50);
        lef64(b + 16, net->xyear[i].p90);
        w_bytes(w, b, REC_XYEAR);
    }
    w_begin(w, SEC_UNIONS, net->n_unions);
    for (uint32_t i = 0; i < net->n_unions; i++) {
        const char *name;
        char cc[3];
        int since, until;
        sr__unions_get(net, i, &name, cc, &since, &until);
        memset(b, 0, sizeof b);
        le32(b, w_str(w, name));
        memcpy(b + 4, cc, 2);
        le32(b + 8, (uint32_t)since);
        le32(b + 12, (uint32_t)until);
        w_bytes(w, b, REC_UNION);
    }
    w_begin(w, SEC_OVERLAY, 1);
    le32(b, w_str(w, net->overlay_source));
    w_bytes(w, b, 4);
    if (net->docs)
        w_docs(w, net->docs);
    for (int o = 0; net->ch && o < SR__CH_OBJECTIVES; o++)
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            if (net->ch->ch[o][u])
                w_ch(w, o * SR_UNIT_COUNT + u, net->ch->ch[o][u], np * net->n_classes);
    w_ch_docs(w, net);
    w_begin(w, SEC_STRINGS, w->n_str);
    w_bytes(w, w->str, w->n_str);
}

sr_code sr_network_compile(const sr_network *net, const char *path, char *err, size_t errcap)
{
    if (err && errcap)
        err[0] = 0;
    if (!net || !path || !*path)
        return SR_EARG;
    if (!net->arc_p90_h || !net->x_p50) {
        if (err)
            snprintf(err, errcap, "compile: the network has no time distributions (a bare GTFS feed cannot be compiled)");
        return SR_EARG;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 5);
    if (!tmp)
        return SR_ENOMEM;
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp", 5);
    wr w = {0};
    wsec head = {0};
    w.cur = &head;
    errno = 0;
    w.f = fopen(tmp, "wb");
    if (!w.f) {
        if (err)
            snprintf(err, errcap, "%s: cannot create: %s", tmp, strerror(errno));
        free(tmp);
        return SR_EIO;
    }
    unsigned char hdr[SRN_HEADER] = {0};
    w_bytes(&w, hdr, sizeof hdr);
    w_network(&w, net);
    /* The section table, then the header with its offset and checksums. */
    uint64_t table_off = 0;
    uint32_t table_crc = 0;
    if (!w.err) {
        static const unsigned char zero[8] = {0};
        size_t pad = (size_t)((8 - w.pos % 8) % 8);
        if (pad && fwrite(zero, 1, pad, w.f) != pad)
            w.err = EIO;
        w.pos += pad;
        table_off = w.pos;
        for (size_t i = 0; i < w.n_sec && !w.err; i++) {
            unsigned char t[32];
            le32(t, w.sec[i].id);
            le32(t + 4, w.sec[i].crc);
            le64(t + 8, w.sec[i].off);
            le64(t + 16, w.sec[i].size);
            le64(t + 24, w.sec[i].count);
            table_crc = sr__crc32(table_crc, t, sizeof t);
            if (fwrite(t, 1, sizeof t, w.f) != sizeof t)
                w.err = errno ? errno : EIO;
            w.pos += sizeof t;
        }
    }
    if (!w.err) {
        memcpy(hdr, SRN_MAGIC, 8);
        le32(hdr + 8, SRN_VERSION);
        le32(hdr + 12, SRN_HEADER);
        le64(hdr + 16, w.pos);
        le64(hdr + 24, table_off);
        le32(hdr + 32, (uint32_t)w.n_sec);
        le32(hdr + 36, table_crc);
        le32(hdr + 40, SRN_BOM);
        le32(hdr + 44, 0);
        le32(hdr + 60, sr__crc32(0, hdr, 60));
        if (fseek(w.f, 0, SEEK_SET) != 0 || fwrite(hdr, 1, sizeof hdr, w.f) != sizeof hdr)
            w.err = errno ? errno : EIO;
    }
    if (fflush(w.f) != 0 || fsync(fileno(w.f)) != 0)
        w.err = w.err ? w.err : (errno ? errno : EIO);
    if (fclose(w.f) != 0 && !w.err)
        w.err = errno ? errno : EIO;
    int e = w.err;
    free(w.sec);
    free(w.str);
    if (!e && rename(tmp, path) != 0)
        e = errno ? errno : EIO;
    if (e) {
        unlink(tmp);
        if (err)
            snprintf(err, errcap, "%s: cannot write: %s", path, strerror(e));
        free(tmp);
        return e == ENOMEM ? SR_ENOMEM : SR_EIO;
    }
    free(tmp);
    return SR_OK;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct rsec {
    uint32_t id, crc;
    uint64_t off, size, count;
} rsec;

struct sr__srn_map {
    void *base;
    size_t len;
    /* Network fields that point into the mapping: set to NULL before the
     * network's own arrays are freed.  Converted copies (big-endian hosts)
     * are ordinary allocations and are freed with the network. */
    void **borrowed[64];
    int n_borrowed;
    void *owned[8];         /* other allocations of the loader (geometry copy) */
    int n_owned;
};

typedef struct rd {
    sr_network *net;
    int verify_all;         /* every checksum and hierarchy at open */
    const unsigned char *base;
    uint64_t len;
    rsec *sec;
    uint32_t n_sec;
    const char *str;
    uint64_t n_str;
    char *msg;
    size_t cap;
    const char *path;
} rd;

static uint32_t g32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t g64(const unsigned char *b) { return (uint64_t)g32(b) | (uint64_t)g32(b + 4) << 32; }

static double gf64(const unsigned char *b)
{
    uint64_t v = g64(b);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static sr_code fail(rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static sr_code fail(rd *r, const char *fmt, ...)
{
    char m[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    snprintf(r->msg, r->cap, "%.300s: %s", r->path, m);
    sr__escape_inplace(r->msg, r->cap);
    return SR_EDATA;
}

static const rsec *find(const rd *r, uint32_t id)
{
    for (uint32_t i = 0; i < r->n_sec; i++)
        if (r->sec[i].id == id)
            return &r->sec[i];
    return NULL;
}

/* Section id with count records of elem bytes; NULL (message set) when it
 * is missing or of another size. */
static const unsigned char *sec(rd *r, uint32_t id, uint64_t count, uint64_t elem, sr_code *rc)
{
    const rsec *s = find(r, id);
    if (!s) {
        *rc = fail(r, "section %u is missing", id);
        return NULL;
    }
    if (s->count != count || (elem && s->size != count * elem)) {
        *rc = fail(r, "section %u holds %llu records of %llu bytes, expected %llu", id, (unsigned long long)s->count,
                   (unsigned long long)(s->count ? s->size / s->count : 0), (unsigned long long)count);
        return NULL;
    }
    return r->base + s->off;
}

static void borrow(sr_network *net, void **field)
{
    struct sr__srn_map *m = net->map;
    if (m->n_borrowed < (int)(sizeof m->borrowed / sizeof *m->borrowed))
        m->borrowed[m->n_borrowed++] = field;
}

/* An array section of n elements of 1, 4 or 8 bytes: in place on a
 * little-endian host (*borrowed = 1), else converted into a new allocation
 * the caller owns.  NULL with *rc set on failure. */
static void *array(rd *r, uint32_t id, uint64_t n, unsigned elem, int *borrowed, sr_code *rc)
{
    const unsigned char *p = sec(r, id, n, elem, rc);
    if (!p)
        return NULL;
    if (host_le() || elem == 1) {
        *borrowed = 1;
        return (void *)p;
    }
    *borrowed = 0;
    void *c = malloc((size_t)n * elem + 8);
    if (!c) {
        *rc = SR_ENOMEM;
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (elem == 4) {
            uint32_t v = g32(p + 4 * i);
            memcpy((char *)c + 4 * i, &v, 4);
        } else {
            uint64_t v = g64(p + 8 * i);
            memcpy((char *)c + 8 * i, &v, 8);
        }
    }
    return c;
}

/* calloc() for the decoded record arrays (freed with free()): above a few
 * megabytes, aligned to 2 MiB and advised into transparent huge pages,
 * because at a million links faulting in 190 MB of 4 KiB pages cost more
 * than decoding the records (docs/PERFORMANCE.md). */
static void *big_calloc(size_t n, size_t size)
{
    size_t bytes = n * size, huge = (size_t)2 << 20;
    if (size && bytes / size != n)
        return NULL;
    if (bytes < 4 * huge)
        return calloc(n, size);
    void *p = NULL;
    if (posix_memalign(&p, huge, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes & ~(huge - 1), MADV_HUGEPAGE);
#endif
    memset(p, 0, bytes);
    return p;
}

/* A string at offset off of the table; NULL when out of range. */
static const char *str_at(const rd *r, uint32_t off) { return off < r->n_str ? r->str + off : NULL; }

#define CHECK(cond, ...)                   \
    do {                                   \
        if (!(cond))                       \
            return fail(r, __VA_ARGS__);   \
    } while (0)

static sr_code check_header(rd *r)
{
    const unsigned char *h = r->base;
    CHECK(r->len >= SRN_HEADER, "not a compiled network file (%llu bytes, shorter than its header)",
          (unsigned long long)r->len);
    CHECK(!memcmp(h, SRN_MAGIC, 8), "not a compiled network file (no silkroute signature); "
                                     "give a dataset directory or a file from silkroute compile");
    uint32_t version = g32(h + 8);
    CHECK(version == SRN_VERSION,
          "compiled network format version %u, this silkroute reads version %u: compile the dataset again with "
          "this version (silkroute compile DIR --out FILE)",
          version, SRN_VERSION);
    CHECK(g32(h + 60) == sr__crc32(0, h, 60), "corrupted: the header checksum does not match");
    CHECK(g32(h + 40) == SRN_BOM, "corrupted: bad byte-order mark");
    CHECK(g32(h + 12) == SRN_HEADER, "corrupted: header size %u", g32(h + 12));
    CHECK(g64(h + 16) == r->len, "truncated or extended: %llu bytes, the header says %llu",
          (unsigned long long)r->len, (unsigned long long)g64(h + 16));
    uint64_t toff = g64(h + 24);
    r->n_sec = g32(h + 32);
    CHECK(r->n_sec <= SRN_MAX_SECTIONS, "corrupted: %u sections", r->n_sec);
    CHECK(toff >= SRN_HEADER && toff % 8 == 0 && toff <= r->len && (r->len - toff) == 32ull * r->n_sec,
          "corrupted: the section table is out of place");
    CHECK(sr__crc32(0, r->base + toff, 32ull * r->n_sec) == g32(h + 36),
          "corrupted: the section table checksum does not match");
    r->sec = calloc((size_t)r->n_sec + 1, sizeof *r->sec);
    if (!r->sec)
        return SR_ENOMEM;
    for (uint32_t i = 0; i < r->n_sec; i++) {
        const unsigned char *t = r->base + toff + 32ull * i;
        rsec *s = &r->sec[i];
        *s = (rsec){.id = g32(t), .crc = g32(t + 4), .off = g64(t + 8), .size = g64(t + 16), .count = g64(t + 24)};
        CHECK(s->off >= SRN_HEADER && s->off % 8 == 0 && s->off <= toff && s->size <= toff - s->off,
              "corrupted: section %u lies outside the file", s->id);
        for (uint32_t j = 0; j < i; j++)
            CHECK(r->sec[j].id != s->id, "corrupted: section %u appears twice", s->id);
        /* Large sections are checksummed on first use or by check-data
         * (the comment at the top). */
        int eager = r->verify_all || (s->id < SEC_CH && s->size <= SRN_EAGER_CRC);
        CHECK(!eager || sr__crc32(0, r->base + s->off, (size_t)s->size) == s->crc,
              "corrupted: the checksum of section %u does not match (the file was damaged after it was written)",
              s->id);
    }
    return SR_OK;
}

/* What a hierarchy's first-use check needs: its sections in the mapping. */
#define SRN_CH_PARTS (CH_DN_HALF + 1)
typedef struct srn_ch_ctx {
    int k;
    uint32_t n_steps;
    const unsigned char *base;
    rsec sec[SRN_CH_PARTS];
    char path[300];
} srn_ch_ctx;

#define CHCHECK(cond, ...)                                                 \
    do {                                                                   \
        if (!(cond)) {                                                     \
            int n_ = snprintf(msg, cap, "%s: corrupted: hierarchy %d: ", cx->path, cx->k); \
            if (n_ >= 0 && (size_t)n_ < cap)                               \
                snprintf(msg + n_, cap - (size_t)n_, __VA_ARGS__);          \
            return -1;                                                     \
        }                                                                  \
    } while (0)

/* The sections' checksums, then the structure: ranks a permutation,
 * offsets monotone, edges upward, every index in range -- so a query
 * cannot leave its arrays. */
static int srn_ch_check(const sr__ch *ch, void *ctx, char *msg, size_t cap)
{
    const srn_ch_ctx *cx = ctx;
    for (int part = 0; part < SRN_CH_PARTS; part++) {
        const rsec *s = &cx->sec[part];
        CHCHECK(sr__crc32(0, cx->base + s->off, (size_t)s->size) == s->crc,
                "the checksum of section %u does not match (the file was damaged after it was written)", s->id);
    }
    uint64_t n = ch->n, nu = ch->n_up, nd = ch->n_dn;
    uint8_t *seen = calloc((size_t)n + 1, 1);
    CHCHECK(seen, "out of memory while checking it");
    int bad = 0;
    for (uint64_t i = 0; i < n && !bad; i++) {
        uint32_t x = ch->node_of[i];
        bad = x >= n || seen[x];
        if (!bad)
            seen[x] = 1;
    }
    free(seen);
    CHCHECK(!bad, "node ranks are not a permutation");
    CHCHECK(ch->up_off[0] == 0 && ch->dn_off[0] == 0 && ch->up_off[n] == nu && ch->dn_off[n] == nd, "edge offsets");
    for (uint64_t x = 0; x < n; x++) {
        CHCHECK(ch->up_off[x] <= ch->up_off[x + 1] && ch->dn_off[x] <= ch->dn_off[x + 1], "edge offsets decrease");
        for (int d = 0; d < 2; d++) {
            const uint32_t *off = d ? ch->dn_off : ch->up_off;
            const sr__ch_edge *E = d ? ch->dn : ch->up;
            const uint32_t *half = d ? ch->dn_half : ch->up_half;
            for (uint32_t i = off[x]; i < off[x + 1]; i++) {
                const sr__ch_edge *e = &E[i];
                /* A shortcut's halves sit at its bypassed node m < x and
                 * join its ends (so unpacking descends and ends). */
                uint32_t m = e->via & ~SR__CH_SHORTCUT, h1 = half[2 * i], h2 = half[2 * i + 1];
                uint32_t tail = d ? e->other : (uint32_t)x, head = d ? (uint32_t)x : e->other;
                CHCHECK(!(e->via & SR__CH_SHORTCUT) || (m < x && h1 >= ch->dn_off[m] && h1 < ch->dn_off[m + 1] &&
                                                        h2 >= ch->up_off[m] && h2 < ch->up_off[m + 1] &&
                                                        ch->dn[h1].other == tail && ch->up[h2].other == head),
                        "the halves of shortcut %u of node %llu", i, (unsigned long long)x);
                CHCHECK(e->other > x && e->other < n &&
                            ((e->via & SR__CH_SHORTCUT) ? (e->via & ~SR__CH_SHORTCUT) < x : e->via < cx->n_steps) &&
                            e->w >= 0 &&
                            e->w < INFINITY,
                        "edge %u of node %llu", i, (unsigned long long)x);
            }
        }
    }
    return 0;
}
#undef CHCHECK

static sr_code load_ch(rd *r, int k, uint32_t n_states, uint32_t n_steps, sr__ch **dst)
{
    uint32_t base = SEC_CH + 8u * (uint32_t)k;
    sr_code rc = SR_OK;
    const unsigned char *m = sec(r, base + CH_META, 4, 8, &rc);
    if (!m)
        return rc;
    uint64_t n = g64(m), nu = g64(m + 8), nd = g64(m + 16);
    CHECK(n == n_states && nu < UINT32_MAX && nd < UINT32_MAX, "corrupted: hierarchy %d has bad sizes", k);
    sr__ch *ch = calloc(1, sizeof *ch);
    if (!ch)
        return SR_ENOMEM;
    sr__ch_init_loaded(ch);
    ch->n = (uint32_t)n;
    ch->n_up = nu;
    ch->n_dn = nd;
    ch->n_shortcuts = g64(m + 24);
    *dst = ch;
    int le = host_le(), bw;
    ch->borrowed = le;
    if (!(ch->node_of = array(r, base + CH_NODE_OF, n, 4, &bw, &rc)) ||
        !(ch->up_off = array(r, base + CH_UP_OFF, n + 1, 4, &bw, &rc)) ||
        !(ch->dn_off = array(r, base + CH_DN_OFF, n + 1, 4, &bw, &rc)))
        return rc;
    for (int d = 0; d < 2; d++) {
        uint64_t cnt = d ? nd : nu;
        const unsigned char *e = sec(r, base + (d ? CH_DN : CH_UP), cnt, REC_CH_EDGE, &rc);
        if (!e)
            return rc;
        sr__ch_edge *E;
        if (le && sizeof(sr__ch_edge) == REC_CH_EDGE) {
            E = (sr__ch_edge *)(void *)e;
        } else {
            E = malloc((size_t)cnt * sizeof *E + sizeof *E);
            if (!E)
                return SR_ENOMEM;
            for (uint64_t i = 0; i < cnt; i++)
                E[i] = (sr__ch_edge){.other = g32(e + REC_CH_EDGE * i), .via = g32(e + REC_CH_EDGE * i + 4),
                                     .w = gf64(e + REC_CH_EDGE * i + 8)};
        }
        if (d)
            ch->dn = E;
        else
            ch->up = E;
    }
    if (!(ch->up_half = array(r, base + CH_UP_HALF, 2 * nu, 4, &bw, &rc)) ||
        !(ch->dn_half = array(r, base + CH_DN_HALF, 2 * nd, 4, &bw, &rc)))
        return rc;
    /* The checksums and the structure are checked on first use (or now,
     * for check-data): see the comment at the top. */
    srn_ch_ctx *cx = calloc(1, sizeof *cx);
    if (!cx)
        return SR_ENOMEM;
    ch->check = srn_ch_check;
    ch->check_ctx = cx;
    cx->k = k;
    cx->n_steps = n_steps;
    cx->base = r->base;
    snprintf(cx->path, sizeof cx->path, "%s", r->path);
    for (int part = 0; part < SRN_CH_PARTS; part++) {
        const rsec *sp = find(r, base + (uint32_t)part);
        cx->sec[part] = *sp; /* present: sec() found each above */
    }
    if (r->verify_all && sr__ch_checked(ch) < 0) {
        snprintf(r->msg, r->cap, "%s", ch->check_msg);
        return SR_EDATA;
    }
    return SR_OK;
}

/* A country code of a document rule: two capitals, or (into, optional)
 * two zero bytes. */
static int doc_cc(const unsigned char *p, char out[3], int may_be_empty)
{
    out[0] = (char)p[0];
    out[1] = (char)p[1];
    out[2] = 0;
    if (may_be_empty && !p[0] && !p[1])
        return 1;
    return p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z';
}

/* The number of records of an optional-count section (its table entry). */
static uint64_t sec_count(const rd *r, uint32_t id)
{
    const rsec *s = find(r, id);
    return s ? s->count : 0;
}

/* Sections 35-39: the document rules, indexed as the folder's loader does
 * (documents/load.c), so a compiled file's routes carry the same events. */
/* The hierarchies of a network with document rules (w_ch_docs()). */
static sr_code load_ch_docs(rd *r, uint32_t np, uint32_t nc, uint32_t n_steps)
{
    sr_network *net = r->net;
    sr_code rc = SR_OK;
    const rsec *s = find(r, SEC_CH_DOCS);
    CHECK(s->count >= 4 && s->size == 4 * s->count, "corrupted: section %u has a bad size", SEC_CH_DOCS);
    const unsigned char *p = r->base + s->off;
    uint32_t n = g32(p), no = g32(p + 4), nd = g32(p + 8), mask = g32(p + 12);
    uint32_t want_n = net->docs->n_countries ? net->docs->n_countries : 1;
    CHECK(n == want_n && no >= 1 && no <= n && nd >= 1 && nd <= n && mask && !(mask >> SR__CH_OBJECTIVES * SR_UNIT_COUNT) &&
              s->count == 4 + 2 * (uint64_t)n + no + nd,
          "corrupted: the hierarchies' territory classes (section %u)", SEC_CH_DOCS);
    uint64_t pairs = (uint64_t)no * nd, n_metrics = 0;
    for (uint32_t m = mask; m; m &= m - 1)
        n_metrics++;
    CHECK(pairs * n_metrics <= SRN_MAX_CH, "corrupted: %llu hierarchies", (unsigned long long)(pairs * n_metrics));
    if (!net->ch) {
        net->ch = calloc(1, sizeof *net->ch);
        if (!net->ch)
            return SR_ENOMEM;
        net->ch->n_classes = nc;
    }
    sr__net_ch_docs *cd = calloc(1, sizeof *cd);
    if (!cd)
        return SR_ENOMEM;
    net->ch->docs = cd; /* freed with the network from here on */
    cd->serial = net->docs->serial;
    cd->n_countries = n;
    cd->n_ocls = no;
    cd->n_dcls = nd;
    cd->ocls = malloc(n * sizeof *cd->ocls);
    cd->dcls = malloc(n * sizeof *cd->dcls);
    cd->orep = malloc(no * sizeof *cd->orep);
    cd->drep = malloc(nd * sizeof *cd->drep);
    if (!cd->ocls || !cd->dcls || !cd->orep || !cd->drep)
        return SR_ENOMEM;
    p += 16;
    for (uint32_t i = 0; i < n; i++) {
        cd->ocls[i] = g32(p + 4 * i);
        cd->dcls[i] = g32(p + 4 * ((uint64_t)n + i));
        CHECK(cd->ocls[i] < no && cd->dcls[i] < nd, "corrupted: the hierarchies' territory classes (section %u)",
              SEC_CH_DOCS);
    }
    p += 8 * (uint64_t)n;
    for (uint32_t i = 0; i < no + nd; i++) {
        uint32_t v = g32(p + 4 * (uint64_t)i);
        CHECK(v < np || v == UINT32_MAX, "corrupted: the hierarchies' territory classes (section %u)", SEC_CH_DOCS);
        if (i < no)
            cd->orep[i] = v;
        else
            cd->drep[i - no] = v;
    }
    uint32_t j = 0;
    for (int k = 0; k < SR__CH_OBJECTIVES * SR_UNIT_COUNT; k++) {
        if (!(mask >> k & 1))
            continue;
        sr__ch **v = calloc(pairs, sizeof *v);
        if (!v)
            return SR_ENOMEM;
        cd->ch[k / SR_UNIT_COUNT][k % SR_UNIT_COUNT] = v;
        for (uint64_t i = 0; i < pairs; i++, j++) {
            int kk = (int)(SRN_CH_DOCS_K0 + j);
            /* A pair of a class without a place has no hierarchy. */
            if (cd->orep[i / nd] == UINT32_MAX || cd->drep[i % nd] == UINT32_MAX)
                continue;
            if ((rc = load_ch(r, kk, np * nc, n_steps, &v[i])) != SR_OK)
                return rc;
        }
    }
    return SR_OK;
}

static sr_code load_docs(rd *r)
{
    sr_network *net = r->net;
    sr_code rc = SR_OK;
    const unsigned char *p;
    sr__docs *d = calloc(1, sizeof *d);
    if (!d)
        return SR_ENOMEM;
    size_t n[5];
    for (int k = 0; k < 5; k++) {
        n[k] = (size_t)sec_count(r, SEC_DOC_RAIL + (uint32_t)k);
        if (n[k] > (1u << 24)) {
            sr__docs_free(d);
            return fail(r, "corrupted: section %u holds %zu document rules", SEC_DOC_RAIL + k, n[k]);
        }
    }
#define DOC_FAIL(...)                      \
    do {                                   \
        sr__docs_free(d);                  \
        return fail(r, __VA_ARGS__);       \
    } while (0)
#define DOC_STR(dst, off)                                                               \
    do {                                                                                \
        if (!((dst) = str_at(r, (off))))                                                \
            DOC_FAIL("corrupted: a string offset lies outside the string table");       \
    } while (0)
#define DOC_SEC(id, cnt, rec)                           \
    do {                                                \
        if (!(p = sec(r, (id), (cnt), (rec), &rc))) {   \
            sr__docs_free(d);                           \
            return rc;                                  \
        }                                               \
    } while (0)
    d->rail = calloc(n[0] ? n[0] : 1, sizeof *d->rail);
    d->tir = calloc(n[1] ? n[1] : 1, sizeof *d->tir);
    d->permits = calloc(n[2] ? n[2] : 1, sizeof *d->permits);
    d->formalities = calloc(n[3] ? n[3] : 1, sizeof *d->formalities);
    d->costs = calloc(n[4] ? n[4] : 1, sizeof *d->costs);
    if (!d->rail || !d->tir || !d->permits || !d->formalities || !d->costs) {
        sr__docs_free(d);
        return SR_ENOMEM;
    }
    d->cap_rail = n[0], d->cap_tir = n[1], d->cap_permits = n[2], d->cap_formalities = n[3], d->cap_costs = n[4];
    DOC_SEC(SEC_DOC_RAIL, n[0], REC_DOC_RAIL);
    for (size_t i = 0; i < n[0]; i++, p += REC_DOC_RAIL) {
        sr__rail_rule *x = &d->rail[d->n_rail++];
        if (!doc_cc(p, x->country, 0) || p[4] > SR__CONV_CIM || p[5] > 1)
            DOC_FAIL("corrupted: rail document rule %zu", i);
        x->gauge_mm = (uint16_t)(p[2] | p[3] << 8);
        x->conv = p[4];
        x->common = p[5];
        DOC_STR(x->source, g32(p + 8));
    }
    DOC_SEC(SEC_DOC_TIR, n[1], REC_DOC_TIR);
    for (size_t i = 0; i < n[1]; i++, p += REC_DOC_TIR) {
        sr__tir_rule *x = &d->tir[d->n_tir++];
        if (!doc_cc(p, x->country, 0))
            DOC_FAIL("corrupted: TIR rule %zu", i);
        x->since = (int)g32(p + 4);
        x->etir_since = (int)g32(p + 8);
        DOC_STR(x->source, g32(p + 12));
    }
    DOC_SEC(SEC_DOC_PERMITS, n[2], REC_DOC_PERMIT);
    for (size_t i = 0; i < n[2]; i++, p += REC_DOC_PERMIT) {
        sr__permit_rule *x = &d->permits[d->n_permits++];
        if (!doc_cc(p, x->a, 0) || !doc_cc(p + 2, x->b, 0) || p[4] > SR__PERMIT_NONE)
            DOC_FAIL("corrupted: road-permit rule %zu", i);
        x->regime = p[4];
        for (int u = 0; u < SR_UNIT_COUNT; u++) {
            x->fee_usd[u] = gf64(p + 16 + 8 * u);
            if (!isfinite(x->fee_usd[u]) || x->fee_usd[u] < 0)
                DOC_FAIL("corrupted: road-permit rule %zu", i);
        }
        DOC_STR(x->source, g32(p + 8));
    }
    DOC_SEC(SEC_DOC_FORMALITIES, n[3], REC_DOC_FORMALITY);
    for (size_t i = 0; i < n[3]; i++, p += REC_DOC_FORMALITY) {
        sr__formality *x = &d->formalities[d->n_formalities++];
        x->crossing = (int32_t)g32(p);
        if (x->crossing < 0 || (uint32_t)x->crossing >= net->n_crossings || !doc_cc(p + 4, x->into, 1))
            DOC_FAIL("corrupted: crossing formality %zu", i);
        DOC_STR(x->kind, g32(p + 8));
        DOC_STR(x->detail, g32(p + 12));
        DOC_STR(x->source, g32(p + 16));
    }
    DOC_SEC(SEC_DOC_COSTS, n[4], REC_DOC_COST);
    for (size_t i = 0; i < n[4]; i++, p += REC_DOC_COST) {
        sr__doc_cost *x = &d->costs[d->n_costs++];
        x->event = p[0];
        x->mode = p[1];
        x->regime = p[2];
        x->time_h = gf64(p + 8);
        int ok = x->event < SR__EV_COUNT && x->mode <= SR_MODE_COUNT && x->regime <= SR__REG_TRANSIT &&
                 isfinite(x->time_h) && x->time_h >= 0;
        for (int u = 0; u < SR_UNIT_COUNT; u++) {
            x->cost_usd[u] = gf64(p + 16 + 8 * u);
            ok = ok && isfinite(x->cost_usd[u]) && x->cost_usd[u] >= 0;
        }
        if (!ok)
            DOC_FAIL("corrupted: document cost %zu", i);
        DOC_STR(x->source, g32(p + 40));
    }
#undef DOC_SEC
#undef DOC_STR
#undef DOC_FAIL
    if (sr__docs_index(net, d) < 0) {
        sr__docs_free(d);
        return SR_ENOMEM;
    }
    net->docs = d;
    return SR_OK;
}

static sr_code load_all(rd *r)
{
    sr_network *net = r->net;
    sr_code rc = SR_OK;
    const unsigned char *p;
    if (!(p = sec(r, SEC_META, META_WORDS, 8, &rc)))
        return rc;
    uint64_t meta[META_WORDS];
    for (unsigned i = 0; i < META_WORDS; i++)
        meta[i] = g64(p + 8 * i);
    CHECK(meta[11] == SR_UNIT_COUNT && meta[12] == SR_CLASS_COUNT && meta[13] == SR_MODE_COUNT,
          "written for %llu cargo units, %llu classes and %llu modes; this silkroute has %d, %d and %d",
          (unsigned long long)meta[11], (unsigned long long)meta[12], (unsigned long long)meta[13], SR_UNIT_COUNT,
          SR_CLASS_COUNT, SR_MODE_COUNT);
    for (int i = 0; i < 9; i++)
        CHECK(meta[i] < UINT32_MAX, "corrupted: count %d is %llu", i, (unsigned long long)meta[i]);
    CHECK(meta[5] >= SR_CLASS_COUNT && meta[5] <= SR_CLASS_MAX, "corrupted: %llu classes", (unsigned long long)meta[5]);
    CHECK(meta[9] < (1ull << 40) && meta[10] < (1u << SR__CH_OBJECTIVES * SR_UNIT_COUNT), "corrupted: meta");
    uint32_t np = (uint32_t)meta[0], nl = (uint32_t)meta[1], nx = (uint32_t)meta[2], na = (uint32_t)meta[3],
             nt = (uint32_t)meta[4], nc = (uint32_t)meta[5];
    size_t n_names = (size_t)meta[7], n_xyear = (size_t)meta[8];
    uint32_t n_unions = (uint32_t)meta[6];
    uint64_t n_geom = meta[9];
    unsigned ch_mask = (unsigned)meta[10];
    CHECK((uint64_t)np * nc < UINT32_MAX, "corrupted: %u places x %u classes", np, nc);

    const rsec *ss = find(r, SEC_STRINGS);
    CHECK(ss, "section %u is missing", SEC_STRINGS);
    r->str = (const char *)r->base + ss->off;
    r->n_str = ss->size;
    CHECK(r->n_str > 0 && r->str[r->n_str - 1] == 0, "corrupted: the string table is not terminated");

    if (!(p = sec(r, SEC_SCALARS, SR_UNIT_COUNT + 2 + SR_CLASS_COUNT, 8, &rc)))
        return rc;
    for (int u = 0; u < SR_UNIT_COUNT; u++)
        net->tonnes_per_unit[u] = gf64(p + 8 * u);
    net->x_ratio[0] = gf64(p + 8 * SR_UNIT_COUNT);
    net->x_ratio[1] = gf64(p + 8 * (SR_UNIT_COUNT + 1));
    for (int c = 0; c < SR_CLASS_COUNT; c++)
        net->run_ratio[c] = gf64(p + 8 * (SR_UNIT_COUNT + 2 + c));

#define STR(dst, off)                                                                         \
    do {                                                                                      \
        if (!((dst) = str_at(r, (off))))                                                      \
            return fail(r, "corrupted: a string offset lies outside the string table");       \
    } while (0)

    if (!(p = sec(r, SEC_PLACES, np, REC_PLACE, &rc)))
        return rc;
    net->places = big_calloc((size_t)np + 1, sizeof *net->places);
    if (!net->places)
        return SR_ENOMEM;
    net->n_places = np;
    for (uint32_t i = 0; i < np; i++, p += REC_PLACE) {
        sr_place *pl = &net->places[i];
        STR(pl->id, g32(p));
        STR(pl->name_en, g32(p + 4));
        STR(pl->name_zh, g32(p + 8));
        STR(pl->name_ru, g32(p + 12));
        STR(pl->tz, g32(p + 16));
        memcpy(pl->country, p + 20, 2);
        pl->kind = (sr_place_kind)g32(p + 24);
        CHECK((unsigned)pl->kind < SR_PLACE_KIND_COUNT, "corrupted: place %u has kind %u", i, (unsigned)pl->kind);
        pl->lat = gf64(p + 32);
        pl->lon = gf64(p + 40);
    }
    if (!(p = sec(r, SEC_CROSSINGS, nx, REC_CROSSING, &rc)))
        return rc;
    net->crossings = calloc((size_t)nx + 1, sizeof *net->crossings);
    if (!net->crossings)
        return SR_ENOMEM;
    net->n_crossings = nx;
    for (uint32_t i = 0; i < nx; i++, p += REC_CROSSING) {
        sr_crossing *x = &net->crossings[i];
        STR(x->id, g32(p));
        STR(x->name, g32(p + 4));
        STR(x->name_zh, g32(p + 8));
        STR(x->name_ru, g32(p + 12));
        STR(x->open_days, g32(p + 16));
        STR(x->open_hours, g32(p + 20));
        STR(x->open_season, g32(p + 24));
        x->mode = (sr_mode)g32(p + 28);
        x->place_a = g32(p + 32);
        x->place_b = g32(p + 36);
        CHECK((unsigned)x->mode < SR_MODE_COUNT && x->place_a < np && x->place_b < np,
              "corrupted: crossing %u refers outside the network", i);
        x->dwell_h = gf64(p + 40);
        x->dwell_congested_h = gf64(p + 48);
        x->capacity_teu_per_day = gf64(p + 56);
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            x->fee_usd[u] = gf64(p + 64 + 8 * u);
    }
    const unsigned char *gp = sec(r, SEC_GEOM, n_geom, 8, &rc);
    if (!gp)
        return rc;
    const double *geom = (const double *)(const void *)gp;
    if (!host_le() && n_geom) {
        double *g = malloc((size_t)n_geom * 8);
        if (!g)
            return SR_ENOMEM;
        for (uint64_t i = 0; i < n_geom; i++)
            g[i] = gf64(gp + 8 * i);
        net->map->owned[net->map->n_owned++] = g;
        geom = g;
    }
    if (!(p = sec(r, SEC_LINKS, nl, REC_LINK, &rc)))
        return rc;
    net->links = big_calloc((size_t)nl + 1, sizeof *net->links);
    if (!net->links)
        return SR_ENOMEM;
    net->n_links = nl;
    for (uint32_t i = 0; i < nl; i++, p += REC_LINK) {
        sr_link *k = &net->links[i];
        STR(k->id, g32(p));
        STR(k->name, g32(p + 4));
        k->from = g32(p + 8);
        k->to = g32(p + 12);
        k->mode = (sr_mode)g32(p + 16);
        k->gauge_mm = (uint16_t)(p[20] | p[21] << 8);
        k->directed = p[22];
        k->status = (sr_status)g32(p + 24);
        k->open_year = (int)g32(p + 28);
        k->crossing = (int32_t)g32(p + 32);
        k->n_geom = g32(p + 36);
        uint64_t go = g64(p + 40);
        CHECK(k->from < np && k->to < np && (unsigned)k->mode < SR_MODE_COUNT && (unsigned)k->status <= SR_CLOSED &&
                  k->crossing >= -1 && k->crossing < (int64_t)nx && go <= n_geom &&
                  2 * (uint64_t)k->n_geom <= n_geom - go,
              "corrupted: link %u refers outside the network", i);
        k->geom = k->n_geom ? geom + go : NULL;
        k->distance_km = gf64(p + 48);
        k->duration_h = gf64(p + 56);
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            k->cost_usd[u] = gf64(p + 64 + 8 * u);
        k->co2e_kg_per_tkm = gf64(p + 88);
        k->capacity_teu_per_day = gf64(p + 96);
    }

#define ARR(field, id, n, elem, dbl)                                                      \
    do {                                                                                  \
        int bw_ = 0;                                                                      \
        void *v_ = array(r, (id), (n), (elem), &bw_, &rc);                                \
        if (!v_)                                                                          \
            return rc;                                                                    \
        net->field = v_;                                                                  \
        if (bw_)                                                                          \
            borrow(net, (void **)&net->field);                                            \
    } while (0)

    net->n_arcs = na;
    net->n_xfers = nt;
    ARR(arc_off, SEC_ARC_OFF, (uint64_t)np + 1, 4, 0);
    ARR(arc_head, SEC_ARC_HEAD, na, 4, 0);
    ARR(arc_link, SEC_ARC_LINK, na, 4, 0);
    ARR(arc_cls, SEC_ARC_CLS, na, 1, 0);
    ARR(arc_time_h, SEC_ARC_TIME, na, 8, 1);
    for (int u = 0; u < SR_UNIT_COUNT; u++) {
        ARR(arc_cost[u], SEC_ARC_COST0 + (uint32_t)u, na, 8, 1);
        ARR(arc_co2[u], SEC_ARC_CO20 + (uint32_t)u, na, 8, 1);
    }
    ARR(arc_p90_h, SEC_ARC_P90, na, 8, 1);
    ARR(arc_xi, SEC_ARC_XI, na, 4, 0);
    ARR(xfer_off, SEC_XFER_OFF, (uint64_t)np + 1, 4, 0);
    CHECK(net->arc_off[0] == 0 && net->arc_off[np] == na && net->xfer_off[0] == 0 && net->xfer_off[np] == nt,
          "corrupted: adjacency offsets");
    for (uint32_t i = 0; i < np; i++)
        CHECK(net->arc_off[i] <= net->arc_off[i + 1] && net->xfer_off[i] <= net->xfer_off[i + 1],
              "corrupted: adjacency offsets decrease at place %u", i);
    for (uint32_t a = 0; a < na; a++)
        CHECK(net->arc_head[a] < np && net->arc_link[a] < nl && net->arc_cls[a] < nc &&
                  (net->arc_xi[a] == UINT32_MAX || net->arc_xi[a] < 2 * nx),
              "corrupted: arc %u refers outside the network", a);

    if (!(p = sec(r, SEC_XFERS, nt, REC_XFER, &rc)))
        return rc;
    net->xfers = big_calloc((size_t)nt + 1, sizeof *net->xfers);
    if (!net->xfers)
        return SR_ENOMEM;
    for (uint32_t i = 0; i < nt; i++, p += REC_XFER) {
        sr__xfer *x = &net->xfers[i];
        x->from = p[0];
        x->to = p[1];
        x->kind = p[2];
        CHECK(x->from < nc && x->to < nc && x->kind <= SR_MODE_CHANGE, "corrupted: transfer %u", i);
        x->duration_h = gf64(p + 8);
        x->duration_p90_h = gf64(p + 16);
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            x->cost_usd[u] = gf64(p + 24 + 8 * u);
        x->capacity_teu_per_day = gf64(p + 48);
    }
    if (!(p = sec(r, SEC_CLASSES, nc, REC_CLASS, &rc)))
        return rc;
    net->n_classes = nc;
    for (uint32_t c = 0; c < nc; c++, p += REC_CLASS) {
        net->class_gauge[c] = (uint16_t)(p[0] | p[1] << 8);
        memcpy(net->class_name[c], p + 4, 11);
        net->class_name[c][11] = 0;
    }
    if (!(p = sec(r, SEC_MODES, SR_MODE_COUNT, REC_MODE, &rc)))
        return rc;
    for (int m = 0; m < SR_MODE_COUNT; m++, p += REC_MODE) {
        sr__mode_info *mi = &net->modes[m];
        mi->speed_kmh = gf64(p);
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            mi->cost_per_km[u] = gf64(p + 8 + 8 * u);
        mi->co2e_kg_per_tkm = gf64(p + 32);
        mi->units = g32(p + 40);
    }
    if (!(p = sec(r, SEC_NAMES, n_names, REC_NAME, &rc)))
        return rc;
    net->names = calloc(n_names + 1, sizeof *net->names);
    if (!net->names)
        return SR_ENOMEM;
    net->n_names = n_names;
    for (size_t i = 0; i < n_names; i++, p += REC_NAME) {
        STR(net->names[i].key, g32(p));
        net->names[i].place = g32(p + 4);
        CHECK(net->names[i].place < np, "corrupted: name %zu refers outside the network", i);
        /* Look-ups bisect the keys: they must be in order. */
        CHECK(i == 0 || strcmp(net->names[i - 1].key, net->names[i].key) <= 0, "corrupted: names out of order");
    }
    /* Places and links are looked up by bisecting their id orders in the
     * mapping (names.c): hashing a million link ids took 150 ms, more than
     * the rest of the open.  Every index is checked here (so a bisection
     * cannot leave the arrays); the order only by check-data, since a file
     * out of order can only make a look-up miss. */
    ARR(place_by_id, SEC_PLACE_BY_ID, np, 4, 0);
    ARR(link_by_id, SEC_LINK_BY_ID, nl, 4, 0);
    for (uint32_t i = 0; i < np; i++) {
        uint32_t k = net->place_by_id[i];
        CHECK(k < np, "corrupted: place index");
        CHECK(!r->verify_all || i == 0 || strcmp(net->places[net->place_by_id[i - 1]].id, net->places[k].id) < 0,
              "corrupted: place ids out of order");
    }
    for (uint32_t i = 0; i < nl; i++) {
        uint32_t k = net->link_by_id[i], j = i ? net->link_by_id[i - 1] : 0;
        CHECK(k < nl, "corrupted: link index");
        int c = r->verify_all && i ? strcmp(net->links[j].id, net->links[k].id) : -1;
        CHECK(c < 0 || (c == 0 && j < k), "corrupted: link ids out of order");
    }
    /* The crossings (few) get a hash index as from CSV. */
    if (!(p = sec(r, SEC_CROSSING_BY_ID, nx, 4, &rc)))
        return rc;
    for (uint32_t i = 0; i < nx; i++) {
        uint32_t k = g32(p + 4 * i);
        CHECK(k < nx, "corrupted: crossing index");
        CHECK(i == 0 || strcmp(net->crossings[g32(p + 4 * (i - 1))].id, net->crossings[k].id) < 0,
              "corrupted: crossing ids out of order");
    }
    if (sr__build_id_index(net) < 0)
        return SR_ENOMEM;
    ARR(x_p50, SEC_X_P50, 2 * (uint64_t)nx, 8, 1);
    ARR(x_p90, SEC_X_P90, 2 * (uint64_t)nx, 8, 1);
    ARR(x_p90_given, SEC_X_P90_GIVEN, 2 * (uint64_t)nx, 1, 0);
    ARR(link_base_h, SEC_LINK_BASE_H, nl, 8, 1);
    if (!(p = sec(r, SEC_XYEAR, n_xyear, REC_XYEAR, &rc)))
        return rc;
    net->xyear = calloc(n_xyear + 1, sizeof *net->xyear);
    if (!net->xyear)
        return SR_ENOMEM;
    net->n_xyear = net->cap_xyear = n_xyear;
    for (size_t i = 0; i < n_xyear; i++, p += REC_XYEAR) {
        net->xyear[i].xi = g32(p);
        net->xyear[i].year = (int)g32(p + 4);
        net->xyear[i].p50 = gf64(p + 8);
        net->xyear[i].p90 = gf64(p + 16);
        CHECK(net->xyear[i].xi < 2 * nx, "corrupted: dwell of a year refers outside the network");
    }
    if (!(p = sec(r, SEC_UNIONS, n_unions, REC_UNION, &rc)))
        return rc;
    for (uint32_t i = 0; i < n_unions; i++, p += REC_UNION) {
        const char *name;
        STR(name, g32(p));
        char cc[3] = {(char)p[4], (char)p[5], 0};
        if (sr__unions_set(net, n_unions, i, name, cc, (int)g32(p + 8), (int)g32(p + 12)) < 0)
            return SR_ENOMEM;
    }
    if (!(p = sec(r, SEC_OVERLAY, 1, 4, &rc)))
        return rc;
    const char *ov;
    STR(ov, g32(p));
    snprintf(net->overlay_source, sizeof net->overlay_source, "%s", ov);
    CHECK(meta[14] <= SRN_DOCS_LAYOUT, "written with document rules of layout %llu; this silkroute reads layout %u: "
          "compile the dataset again with this version", (unsigned long long)meta[14], SRN_DOCS_LAYOUT);
    if (meta[14] == SRN_DOCS_LAYOUT && (rc = load_docs(r)) != SR_OK)
        return rc;
    if (ch_mask) {
        net->ch = calloc(1, sizeof *net->ch);
        if (!net->ch)
            return SR_ENOMEM;
        net->ch->n_classes = nc;
        for (int k = 0; k < SR__CH_OBJECTIVES * SR_UNIT_COUNT; k++)
            if (ch_mask & (1u << k)) {
                rc = load_ch(r, k, np * nc, na + nt, &net->ch->ch[k / SR_UNIT_COUNT][k % SR_UNIT_COUNT]);
                if (rc != SR_OK)
                    return rc;
            }
    }
    if (meta[14] == SRN_DOCS_LAYOUT && find(r, SEC_CH_DOCS) && (rc = load_ch_docs(r, np, nc, na + nt)) != SR_OK)
        return rc;
#undef STR
#undef ARR
    return SR_OK;
}

sr_code sr__srn_open(sr_network *net, const char *path, int verify_all)
{
    rd r = {.net = net, .verify_all = verify_all, .msg = net->errmsg, .cap = sizeof net->errmsg, .path = path};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(net->errmsg, sizeof net->errmsg, "%.300s: cannot read: %s", path,
                 fd < 0 ? strerror(errno) : "not a regular file");
        sr__escape_inplace(net->errmsg, sizeof net->errmsg);
        if (fd >= 0)
            close(fd);
        return SR_EIO;
    }
    net->map = calloc(1, sizeof *net->map);
    if (!net->map) {
        close(fd);
        return SR_ENOMEM;
    }
    r.len = (uint64_t)st.st_size;
    if (r.len > 0 && r.len <= SIZE_MAX) {
        /* Private and writable: a later change of the network in memory
         * (a calibration) copies the page and never reaches the file. */
        void *m = mmap(NULL, (size_t)r.len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            snprintf(net->errmsg, sizeof net->errmsg, "%.300s: cannot map: %s", path, strerror(errno));
            close(fd);
            return errno == ENOMEM ? SR_ENOMEM : SR_EIO;
        }
        net->map->base = m;
        net->map->len = (size_t)r.len;
        r.base = m;
    }
    close(fd);
    static const unsigned char empty[1] = {0};
    if (!r.base)
        r.base = empty;
    sr_code rc = check_header(&r);
    if (rc == SR_OK)
        rc = load_all(&r);
    free(r.sec);
    return rc;
}

void sr__srn_release(sr_network *net)
{
    struct sr__srn_map *m = net->map;
    if (!m)
        return;
    for (int i = 0; i < m->n_borrowed; i++)
        *m->borrowed[i] = NULL;
    for (int i = 0; i < m->n_owned; i++)
        free(m->owned[i]);
    if (m->base)
        munmap(m->base, m->len);
    free(m);
    net->map = NULL;
}
