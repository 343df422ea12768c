/*
 * srn.h - the compiled network file (docs/FORMAT.md): its constants and the
 * checksum, shared by the writer and the reader in srn.c.
 */
#ifndef SR_SRN_H
#define SR_SRN_H

#include <stddef.h>
#include <stdint.h>

#define SRN_MAGIC "\x89SRNET\r\n"
#define SRN_VERSION 3u
#define SRN_HEADER 64u
#define SRN_BOM 0x01020304u
#define SRN_MAX_SECTIONS 65536u
/* Sections of at most this many bytes are checksummed when the file is
 * opened; larger ones on first use or by check-data (srn.c, FORMAT.md). */
#define SRN_EAGER_CRC (1u << 20)

/* Section ids (docs/FORMAT.md, "Sections"). */
enum {
    SEC_META = 1, SEC_SCALARS, SEC_STRINGS, SEC_PLACES, SEC_CROSSINGS, SEC_LINKS, SEC_GEOM,
    SEC_ARC_OFF, SEC_ARC_HEAD, SEC_ARC_LINK, SEC_ARC_CLS, SEC_ARC_TIME,
    SEC_ARC_COST0, SEC_ARC_COST1, SEC_ARC_COST2, SEC_ARC_CO20, SEC_ARC_CO21, SEC_ARC_CO22,
    SEC_ARC_P90, SEC_ARC_XI, SEC_XFER_OFF, SEC_XFERS, SEC_CLASSES, SEC_MODES, SEC_NAMES,
    SEC_PLACE_BY_ID, SEC_CROSSING_BY_ID, SEC_X_P50, SEC_X_P90, SEC_X_P90_GIVEN, SEC_LINK_BASE_H,
    SEC_XYEAR, SEC_UNIONS, SEC_OVERLAY,
    /* Document rules (documents/, present when META word 14 is 1). */
    SEC_DOC_RAIL, SEC_DOC_TIR, SEC_DOC_PERMITS, SEC_DOC_FORMALITIES, SEC_DOC_COSTS,
    /* Links in order of their ids (version 2). */
    SEC_LINK_BY_ID,
    /* The customs territory classes of the hierarchies of a network with
     * document rules (version 3). */
    SEC_CH_DOCS,
    /* Hierarchy k = objective * 3 + unit: SEC_CH + 8 k + part; on a network
     * with document rules, hierarchy 9 + j instead (SEC_CH_DOCS). */
    SEC_CH = 64
};
/* The first hierarchy number of a network with document rules. */
#define SRN_CH_DOCS_K0 9u
/* At most this many hierarchies in a file (sections: 8 each, parts below). */
#define SRN_MAX_CH 8000u
enum { CH_META = 0, CH_NODE_OF, CH_UP_OFF, CH_DN_OFF, CH_UP, CH_DN, CH_UP_HALF, CH_DN_HALF };

/* Record sizes in bytes. */
#define REC_PLACE 48u
#define REC_CROSSING 88u
#define REC_LINK 104u
#define REC_XFER 56u
#define REC_CLASS 16u
#define REC_MODE 48u
#define REC_NAME 8u
#define REC_XYEAR 24u
#define REC_UNION 16u
#define REC_CH_EDGE 16u
#define REC_DOC_RAIL 12u
#define REC_DOC_TIR 16u
#define REC_DOC_PERMIT 40u
#define REC_DOC_FORMALITY 24u
#define REC_DOC_COST 48u
#define SRN_DOCS_LAYOUT 1u   /* META word 14 when the file holds document rules */
#define META_WORDS 16u

uint32_t sr__crc32(uint32_t crc, const void *data, size_t n);

#endif
