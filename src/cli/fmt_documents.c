/*
 * fmt_documents.c - `silkroute route ... --documents`: the transport
 * documents and customs events of a route, per corridor segment, with the
 * time and cost each adds (docs/DOCUMENTS.md).  Uses the public API only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *customs_label(sr_customs_kind k)
{
    switch (k) {
    case SR_CUSTOMS_EXPORT: return "export clearance";
    case SR_CUSTOMS_TRANSIT_OPENED: return "transit opened";
    case SR_CUSTOMS_TRANSIT_CLOSED: return "transit closed";
    case SR_CUSTOMS_IMPORT: return "import clearance";
    default: return "no customs";
    }
}

static void cost(double h, double usd)
{
    if (h > 0 || usd > 0)
        printf(": %.2f h, %.0f USD", h, usd);
    printf("\n");
}

void cli_print_documents(const sr_network *net, const sr_route *r)
{
    if (!r->n_documents && !r->n_customs) {
        printf("  documents: none listed (the dataset has no data/documents/ rules, or the route is timetabled)\n");
        return;
    }
    printf("  documents and customs (%.2f h, %.0f USD, in the totals above)\n", r->documents_h, r->documents_usd);
    size_t n = sr_route_segments(net, r, NULL, 0);
    sr_segment *sg = n ? malloc(n * sizeof *sg) : NULL;
    if (n && !sg)
        return;
    sr_route_segments(net, r, sg, n);
    const char *note = NULL;
    size_t di = 0, ci = 0;
    for (size_t s = 0; s < n; s++) {
        const sr_segment *g = &sg[s];
        uint32_t last = g->first_leg + g->n_legs - 1;
        /* The document in force on the segment: the last one issued or
         * reissued before it (or at its first leg). */
        for (size_t k = 0; k < r->n_documents; k++) {
            const sr_document_event *e = &r->documents[k];
            if ((e->kind == SR_DOC_ISSUED && e->leg <= g->first_leg) ||
                (e->kind == SR_DOC_REISSUED && e->leg < g->first_leg))
                note = e->document;
        }
        printf("  %zu %s -> %s (%s", s + 1, sr_network_place(net, g->from)->name_en,
               sr_network_place(net, g->to)->name_en, sr_mode_name(g->mode));
        if (g->mode == SR_RAIL)
            printf(" %u", g->gauge_mm);
        printf("): %s\n", note ? note : "-");
        /* Events in route order: documents and customs of the legs of this
         * segment, merged by leg. */
        while ((di < r->n_documents && r->documents[di].leg <= last) || (ci < r->n_customs && r->customs[ci].leg <= last)) {
            int doc = di < r->n_documents && r->documents[di].leg <= last &&
                      (ci >= r->n_customs || r->customs[ci].leg > last || r->documents[di].leg < r->customs[ci].leg ||
                       (r->documents[di].leg == r->customs[ci].leg &&
                        (r->documents[di].kind == SR_DOC_ISSUED || r->documents[di].kind == SR_DOC_TIR_OPENED)));
            if (doc) {
                const sr_document_event *e = &r->documents[di++];
                printf("      %-10s %-24s at %s", sr_document_kind_name(e->kind), e->document,
                       sr_network_place(net, e->at)->name_en);
                cost(e->duration_h, e->cost_usd);
            } else {
                const sr_customs_event *e = &r->customs[ci++];
                printf("      customs    %-24s %s at %s", customs_label(e->kind), e->country,
                       sr_network_place(net, e->at)->name_en);
                if (e->internal_union)
                    printf(" (internal to %s)", e->internal_union);
                else if (*e->regime)
                    printf(" (%s)", e->regime);
                cost(e->duration_h, e->cost_usd);
            }
        }
    }
    free(sg);
}
