/*
 * export.c - route results as spreadsheets: CSV (RFC 4180, one row per
 * leg) and XLSX workbooks (libxlsxwriter: an options sheet, a segments
 * sheet, a legs sheet and a documents sheet, with numbers as numbers and
 * units in the headers), for forwarders who carry a plan into their own
 * tools.  The documents and customs events (docs/DOCUMENTS.md) are on the
 * leg they belong to in the CSV, one event per row in the workbook.  The
 * GeoJSON export is sr_result_geojson() in json.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "network/network.h"
#include "route/route.h"
#include "core/util.h"

/* A CSV field, quoted when it holds a comma, quote, CR or LF. */
static void csv_str(sr__buf *b, const char *s)
{
    s = s ? s : "";
    if (!strpbrk(s, ",\"\r\n")) {
        sr__buf_puts(b, s);
        return;
    }
    sr__buf_puts(b, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            sr__buf_puts(b, "\"");
        sr__buf_add(b, p, 1);
    }
    sr__buf_puts(b, "\"");
}

static void time_str(char *out, size_t cap, int timed, int64_t t, int32_t off)
{
    out[0] = 0;
    if (timed)
        sr_time_format(t, off, out, cap);
}

/* The border a leg crosses, or NULL. */
static const sr_border_crossing *border_of(const sr_route *r, size_t leg)
{
    for (size_t k = 0; k < r->n_crossings; k++)
        if (r->crossings[k].leg == leg)
            return &r->crossings[k];
    return NULL;
}

static const char *crossing_name(const sr_network *net, const sr_border_crossing *x)
{
    return x->crossing >= 0 ? net->crossings[x->crossing].name : net->places[x->at].name_en;
}

/* The document and customs events of leg k as one CSV field ("kind
 * document at place; ..."), and their time and cost summed. */
static void leg_events(sr__buf *b, const sr_network *net, const sr_route *rt, size_t k, double *h, double *usd)
{
    sr__buf t;
    sr__buf_init(&t, (size_t)1 << 20);
    *h = *usd = 0;
    for (size_t i = 0; i < rt->n_documents; i++) {
        const sr_document_event *e = &rt->documents[i];
        if (e->leg != k)
            continue;
        sr__buf_printf(&t, "%s%s %s at %s", t.len ? "; " : "", sr_document_kind_name(e->kind), e->document,
                       net->places[e->at].name_en);
        *h += e->duration_h;
        *usd += e->cost_usd;
    }
    for (size_t i = 0; i < rt->n_customs; i++) {
        const sr_customs_event *e = &rt->customs[i];
        if (e->leg != k)
            continue;
        sr__buf_printf(&t, "%s%s %s at %s", t.len ? "; " : "", sr_customs_kind_name(e->kind), e->country,
                       net->places[e->at].name_en);
        if (e->internal_union)
            sr__buf_printf(&t, " (internal to %s)", e->internal_union);
        else if (e->regime && *e->regime)
            sr__buf_printf(&t, " (%s)", e->regime);
        *h += e->duration_h;
        *usd += e->cost_usd;
    }
    char *txt = sr__buf_take(&t);
    if (!txt)
        b->failed = 1; /* out of memory: the whole export fails */
    else
        csv_str(b, txt);
    free(txt);
}

char *sr_result_csv(const sr_network *net, const sr_result *r, unsigned flags)
{
    (void)flags;
    if (!net || !r)
        return NULL;
    sr__buf b;
    /* The same ceiling as JSON answers: exports are no larger than them. */
    sr__buf_init(&b, (size_t)256 << 20);
    sr__buf_puts(&b, "option,leg,segment,from,from_name,to,to_name,mode,gauge_mm,link,name,distance_km,duration_h,"
                     "cost_usd,co2e_kg,border,dwell_h,fee_usd,depart,arrive,service,documents,documents_h,"
                     "documents_usd\r\n");
    for (size_t i = 0; i < sr_result_count(r); i++) {
        const sr_route *rt = sr_result_route(r, i);
        size_t seg = 0, seg_end = 0;
        for (size_t k = 0; k < rt->n_legs; k++) {
            if (k == seg_end) {
                sr_segment sg;
                sr__segment_at(net, rt, k, &sg);
                seg_end = k + sg.n_legs;
                seg++;
            }
            const sr_leg *l = &rt->legs[k];
            const sr_place *a = &net->places[l->from], *z = &net->places[l->to];
            const sr_link *lk = l->link == SR_NO_LINK ? NULL : &net->links[l->link];
            const sr_border_crossing *x = border_of(rt, k);
            char d1[40], d2[40];
            time_str(d1, sizeof d1, rt->timed, l->depart, l->depart_utc_offset_s);
            time_str(d2, sizeof d2, rt->timed, l->arrive, l->arrive_utc_offset_s);
            sr__buf_printf(&b, "%zu,%zu,%zu,", i + 1, k + 1, seg);
            csv_str(&b, a->id);
            sr__buf_puts(&b, ",");
            csv_str(&b, a->name_en);
            sr__buf_puts(&b, ",");
            csv_str(&b, z->id);
            sr__buf_puts(&b, ",");
            csv_str(&b, z->name_en);
            sr__buf_printf(&b, ",%s,", sr_mode_name(l->mode));
            if (l->mode == SR_RAIL)
                sr__buf_printf(&b, "%u", l->gauge_mm);
            sr__buf_puts(&b, ",");
            csv_str(&b, lk ? lk->id : "");
            sr__buf_puts(&b, ",");
            csv_str(&b, lk ? lk->name : l->service_name);
            sr__buf_printf(&b, ",%.1f,%.2f,%.2f,%.2f,", l->distance_km, l->duration_h, l->cost_usd, l->co2e_kg);
            if (x) {
                csv_str(&b, crossing_name(net, x));
                sr__buf_printf(&b, ",%.2f,%.2f,", x->dwell_h, x->fee_usd);
            } else {
                sr__buf_puts(&b, ",,,");
            }
            sr__buf_printf(&b, "%s,%s,", d1, d2);
            csv_str(&b, l->service);
            sr__buf_puts(&b, ",");
            double dh, du;
            leg_events(&b, net, rt, k, &dh, &du);
            if (rt->n_documents || rt->n_customs)
                sr__buf_printf(&b, ",%.2f,%.2f", dh, du);
            else
                sr__buf_puts(&b, ",,");
            sr__buf_puts(&b, "\r\n");
        }
    }
    return sr__buf_take(&b);
}

/* ---- XLSX ------------------------------------------------------------------------ */

typedef struct xl {
    lxw_workbook *wb;
    lxw_format *head, *num0, *num1, *num2;
} xl;

static void heads(xl *x, lxw_worksheet *ws, const char *const *h, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, h[c], x->head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, strlen(h[c]) < 10 ? 11 : (double)strlen(h[c]) + 2, NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

sr_code sr_result_xlsx(const sr_network *net, const sr_result *r, const char *path)
{
    if (!net || !r || !path || !*path)
        return SR_EARG;
    /* Check the path first: libxlsxwriter only finds out at the very end,
     * and prints its own message to stderr when it does. */
    FILE *probe = fopen(path, "wb");
    if (!probe)
        return SR_EIO;
    fclose(probe);
    xl x;
    x.wb = workbook_new(path);
    if (!x.wb)
        return SR_EIO;
    x.head = workbook_add_format(x.wb);
    format_set_bold(x.head);
    format_set_bottom(x.head, LXW_BORDER_THIN);
    x.num0 = workbook_add_format(x.wb);
    format_set_num_format(x.num0, "#,##0");
    x.num1 = workbook_add_format(x.wb);
    format_set_num_format(x.num1, "#,##0.0");
    x.num2 = workbook_add_format(x.wb);
    format_set_num_format(x.num2, "#,##0.00");

    /* Options: one row per route, the totals a forwarder compares. */
    lxw_worksheet *wo = workbook_add_worksheet(x.wb, "Options");
    static const char *const ho[] = {"option", "from", "to", "distance (km)", "duration (h)", "duration (days)",
                                     "cost (USD)", "CO2e (kg)", "transfers", "border crossings", "depart", "arrive",
                                     "documents (h)", "documents (USD)"};
    heads(&x, wo, ho, sizeof ho / sizeof ho[0]);
    for (size_t i = 0; i < sr_result_count(r); i++) {
        const sr_route *rt = sr_result_route(r, i);
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_number(wo, row, 0, (double)(i + 1), NULL);
        if (rt->n_legs) {
            worksheet_write_string(wo, row, 1, net->places[rt->legs[0].from].name_en, NULL);
            worksheet_write_string(wo, row, 2, net->places[rt->legs[rt->n_legs - 1].to].name_en, NULL);
        }
        worksheet_write_number(wo, row, 3, rt->distance_km, x.num0);
        worksheet_write_number(wo, row, 4, rt->duration_h, x.num1);
        worksheet_write_number(wo, row, 5, rt->duration_h / 24.0, x.num1);
        worksheet_write_number(wo, row, 6, rt->cost_usd, x.num0);
        worksheet_write_number(wo, row, 7, rt->co2e_kg, x.num0);
        worksheet_write_number(wo, row, 8, (double)rt->n_transfers, NULL);
        worksheet_write_number(wo, row, 9, (double)rt->n_crossings, NULL);
        if (rt->timed) {
            char d[40];
            time_str(d, sizeof d, 1, rt->depart, rt->depart_utc_offset_s);
            worksheet_write_string(wo, row, 10, d, NULL);
            time_str(d, sizeof d, 1, rt->arrive, rt->arrive_utc_offset_s);
            worksheet_write_string(wo, row, 11, d, NULL);
        }
        if (rt->n_documents || rt->n_customs) {
            /* In the totals above (docs/DOCUMENTS.md). */
            worksheet_write_number(wo, row, 12, rt->documents_h, x.num2);
            worksheet_write_number(wo, row, 13, rt->documents_usd, x.num0);
        }
    }

    /* Segments: the corridor view of each option. */
    lxw_worksheet *wsg = workbook_add_worksheet(x.wb, "Segments");
    static const char *const hs[] = {"option", "segment", "from", "to", "mode", "gauge (mm)", "country", "line",
                                     "distance (km)", "duration (h)", "cost (USD)", "CO2e (kg)", "border dwell (h)",
                                     "border fee (USD)"};
    heads(&x, wsg, hs, sizeof hs / sizeof hs[0]);
    lxw_row_t row = 1;
    for (size_t i = 0; i < sr_result_count(r); i++) {
        const sr_route *rt = sr_result_route(r, i);
        size_t k = 0;
        for (size_t s = 1; k < rt->n_legs; s++, row++) {
            sr_segment sg;
            sr__segment_at(net, rt, k, &sg);
            k += sg.n_legs;
            worksheet_write_number(wsg, row, 0, (double)(i + 1), NULL);
            worksheet_write_number(wsg, row, 1, (double)s, NULL);
            worksheet_write_string(wsg, row, 2, net->places[sg.from].name_en, NULL);
            worksheet_write_string(wsg, row, 3, net->places[sg.to].name_en, NULL);
            worksheet_write_string(wsg, row, 4, sr_mode_name(sg.mode), NULL);
            if (sg.mode == SR_RAIL)
                worksheet_write_number(wsg, row, 5, sg.gauge_mm, NULL);
            worksheet_write_string(wsg, row, 6, sg.country, NULL);
            worksheet_write_string(wsg, row, 7, sg.name, NULL);
            worksheet_write_number(wsg, row, 8, sg.distance_km, x.num0);
            worksheet_write_number(wsg, row, 9, sg.duration_h, x.num1);
            worksheet_write_number(wsg, row, 10, sg.cost_usd, x.num0);
            worksheet_write_number(wsg, row, 11, sg.co2e_kg, x.num0);
            if (strcmp(sg.country, sg.to_country)) {
                worksheet_write_number(wsg, row, 12, sg.dwell_h, x.num1);
                worksheet_write_number(wsg, row, 13, sg.fee_usd, x.num0);
            }
        }
    }

    /* Legs: every network link, for the detail. */
    lxw_worksheet *wl = workbook_add_worksheet(x.wb, "Legs");
    static const char *const hl[] = {"option", "leg", "from", "to", "mode", "gauge (mm)", "link", "line",
                                     "distance (km)", "duration (h)", "cost (USD)", "CO2e (kg)", "border",
                                     "dwell (h)", "fee (USD)", "depart", "arrive"};
    heads(&x, wl, hl, sizeof hl / sizeof hl[0]);
    row = 1;
    for (size_t i = 0; i < sr_result_count(r); i++) {
        const sr_route *rt = sr_result_route(r, i);
        for (size_t k = 0; k < rt->n_legs; k++, row++) {
            const sr_leg *l = &rt->legs[k];
            const sr_link *lk = l->link == SR_NO_LINK ? NULL : &net->links[l->link];
            worksheet_write_number(wl, row, 0, (double)(i + 1), NULL);
            worksheet_write_number(wl, row, 1, (double)(k + 1), NULL);
            worksheet_write_string(wl, row, 2, net->places[l->from].name_en, NULL);
            worksheet_write_string(wl, row, 3, net->places[l->to].name_en, NULL);
            worksheet_write_string(wl, row, 4, sr_mode_name(l->mode), NULL);
            if (l->mode == SR_RAIL)
                worksheet_write_number(wl, row, 5, l->gauge_mm, NULL);
            worksheet_write_string(wl, row, 6, lk ? lk->id : "", NULL);
            worksheet_write_string(wl, row, 7, lk ? lk->name : l->service_name ? l->service_name : "", NULL);
            worksheet_write_number(wl, row, 8, l->distance_km, x.num0);
            worksheet_write_number(wl, row, 9, l->duration_h, x.num1);
            worksheet_write_number(wl, row, 10, l->cost_usd, x.num0);
            worksheet_write_number(wl, row, 11, l->co2e_kg, x.num0);
            const sr_border_crossing *b = border_of(rt, k);
            if (b) {
                worksheet_write_string(wl, row, 12, crossing_name(net, b), NULL);
                worksheet_write_number(wl, row, 13, b->dwell_h, x.num1);
                worksheet_write_number(wl, row, 14, b->fee_usd, x.num0);
            }
            if (rt->timed) {
                char d[40];
                time_str(d, sizeof d, 1, l->depart, l->depart_utc_offset_s);
                worksheet_write_string(wl, row, 15, d, NULL);
                time_str(d, sizeof d, 1, l->arrive, l->arrive_utc_offset_s);
                worksheet_write_string(wl, row, 16, d, NULL);
            }
        }
    }
    /* Documents: every document and customs event of each option, in
     * route order per kind (documents first, then customs). */
    lxw_worksheet *wd = workbook_add_worksheet(x.wb, "Documents");
    static const char *const hd[] = {"option", "leg", "event", "kind", "document or regime", "country", "at",
                                     "duration (h)", "cost (USD)", "detail", "sources"};
    heads(&x, wd, hd, sizeof hd / sizeof hd[0]);
    row = 1;
    for (size_t i = 0; i < sr_result_count(r); i++) {
        const sr_route *rt = sr_result_route(r, i);
        for (size_t k = 0; k < rt->n_documents; k++, row++) {
            const sr_document_event *e = &rt->documents[k];
            worksheet_write_number(wd, row, 0, (double)(i + 1), NULL);
            worksheet_write_number(wd, row, 1, (double)e->leg + 1, NULL);
            worksheet_write_string(wd, row, 2, "document", NULL);
            worksheet_write_string(wd, row, 3, sr_document_kind_name(e->kind), NULL);
            worksheet_write_string(wd, row, 4, e->document ? e->document : "", NULL);
            worksheet_write_string(wd, row, 5, net->places[e->at].country, NULL);
            worksheet_write_string(wd, row, 6, net->places[e->at].name_en, NULL);
            worksheet_write_number(wd, row, 7, e->duration_h, x.num2);
            worksheet_write_number(wd, row, 8, e->cost_usd, x.num0);
            worksheet_write_string(wd, row, 9, e->detail ? e->detail : "", NULL);
            worksheet_write_string(wd, row, 10, e->source ? e->source : "", NULL);
        }
        for (size_t k = 0; k < rt->n_customs; k++, row++) {
            const sr_customs_event *e = &rt->customs[k];
            worksheet_write_number(wd, row, 0, (double)(i + 1), NULL);
            worksheet_write_number(wd, row, 1, (double)e->leg + 1, NULL);
            worksheet_write_string(wd, row, 2, "customs", NULL);
            worksheet_write_string(wd, row, 3, sr_customs_kind_name(e->kind), NULL);
            worksheet_write_string(wd, row, 4, e->internal_union ? e->internal_union : e->regime ? e->regime : "", NULL);
            worksheet_write_string(wd, row, 5, e->country, NULL);
            worksheet_write_string(wd, row, 6, net->places[e->at].name_en, NULL);
            worksheet_write_number(wd, row, 7, e->duration_h, x.num2);
            worksheet_write_number(wd, row, 8, e->cost_usd, x.num0);
            worksheet_write_string(wd, row, 9, e->internal_union ? "internal border of a customs union: no clearance" : "",
                                   NULL);
            worksheet_write_string(wd, row, 10, e->source ? e->source : "", NULL);
        }
    }
    /* workbook_close() writes the file; a failure there (full disk, bad
     * directory) leaves no partial workbook behind. */
    lxw_error e = workbook_close(x.wb);
    if (e != LXW_NO_ERROR) {
        remove(path);
        return SR_EIO;
    }
    return SR_OK;
}
