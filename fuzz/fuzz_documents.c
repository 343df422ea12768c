/*
 * fuzz_documents.c - libFuzzer target for the document rule files of
 * data/documents/ (src/lib/documents/load.c).  The first input byte picks
 * the file the rest replaces (byte % 5: rail_notes, tir, road_permits,
 * formalities, costs); the text is parsed against the shipped network (run
 * from the repository root), indexed, and, when it parses cleanly, swapped
 * in for the network's own rules to route two queries with documents, so
 * the rules see odd data too.  Seeds: fuzz/corpus/documents/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents/doc.h"
#include "silkroute.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sr_network *net;
static sr_query *q;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!net) {
        if (sr_network_open("data", &net) != SR_OK || sr_query_create(net, &q) != SR_OK) {
            fprintf(stderr, "fuzz_documents: run from the repository root (data/ not loadable)\n");
            abort();
        }
    }
    if (size < 1)
        return 0;
    int which = data[0] % SR__DF_COUNT;
    sr__docs *docs = calloc(1, sizeof *docs);
    if (!docs)
        return 0;
    sr__diag d = {0};
    sr__docs_parse_buf(net, docs, which, (const char *)data + 1, size - 1, &d);
    if (sr__docs_index(net, docs) == 0 && d.errors == 0) {
        /* The network is the fuzzer's own (one thread): borrow it. */
        struct sr__docs *own = net->docs;
        net->docs = docs;
        sr_route_options o;
        sr_route_options_init(&o);
        o.from = "Kashgar";
        o.to = "Tashkent";
        o.road_regime = data[0] & 8 ? SR_ROAD_TRANSIT : SR_ROAD_TIR;
        o.consignment_note = data[0] & 16 ? SR_NOTE_SEPARATE : SR_NOTE_CIM_SMGS;
        sr_result *r = NULL;
        if (sr_route_query(q, &o, &r) == SR_OK) {
            char *j = sr_result_json(net, r, 0);
            sr_free(j);
        }
        sr_result_free(r);
        o.from = "Xi'an";
        o.to = "Duisburg";
        o.modes = SR_MODE_BIT(SR_RAIL);
        r = NULL;
        if (sr_route_query(q, &o, &r) == SR_OK) {
            char *j = sr_result_json(net, r, 0);
            sr_free(j);
        }
        sr_result_free(r);
        net->docs = own;
    }
    sr__docs_free(docs);
    return 0;
}
