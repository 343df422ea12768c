/*
 * xmlcheck.c - a check of an OpenStreetMap XML file (.osm) before readosm
 * reads it.
 *
 * Why: readosm 1.1.0a (Debian 12) trusts the XML it is given.  A <tag>
 * without its v attribute makes it call strlen(NULL) and crash, and a file
 * with invalid UTF-8 leaks its parser's buffers (both found by fuzz_osm,
 * docs/PERFORMANCE.md).  So the file is first read here with expat (the
 * parser readosm itself uses), which rejects anything that is not
 * well-formed XML, and every element readosm dereferences is checked for
 * the attributes it needs.  The error names the file, line and element.
 * The cost is one more streaming pass over a file already being read
 * twice; PBF files are not affected.
 */
#include <stdio.h>
#include <string.h>

#include <expat.h>

#include "osmgraph.h"

typedef struct xcheck {
    XML_Parser p;
    char *err;
    size_t errcap;
    int bad;
} xcheck;

static const char *attr(const XML_Char **a, const char *name)
{
    for (size_t i = 0; a[i]; i += 2)
        if (strcmp(a[i], name) == 0)
            return a[i + 1];
    return NULL;
}

/* The attributes without which readosm dereferences a null pointer or
 * reads an unset field, per element. */
static void XMLCALL on_start(void *ud, const XML_Char *el, const XML_Char **a)
{
    xcheck *x = ud;
    static const struct {
        const char *el, *need[3];
    } rules[] = {
        {"tag", {"k", "v", NULL}},
        {"nd", {"ref", NULL, NULL}},
        {"node", {"id", "lat", "lon"}},
        {"way", {"id", NULL, NULL}},
        {"relation", {"id", NULL, NULL}},
        {"member", {"type", "ref", NULL}},
    };
    if (x->bad)
        return;
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        if (strcmp(el, rules[r].el) != 0)
            continue;
        for (int k = 0; k < 3 && rules[r].need[k]; k++)
            if (!attr(a, rules[r].need[k])) {
                x->bad = 1;
                if (x->err)
                    snprintf(x->err, x->errcap, "line %lu: <%s> without its %s attribute",
                             (unsigned long)XML_GetCurrentLineNumber(x->p), el, rules[r].need[k]);
                XML_StopParser(x->p, XML_FALSE);
                return;
            }
    }
}

int sr__osm_xml_check(const char *path, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err)
            snprintf(err, errcap, "cannot open");
        return -1;
    }
    /* No encoding given: the declaration decides, as it will for readosm
     * (an unknown one must fail here, not there). */
    xcheck x = {.p = XML_ParserCreate(NULL), .err = err, .errcap = errcap};
    if (!x.p) {
        fclose(f);
        if (err)
            snprintf(err, errcap, "out of memory");
        return -1;
    }
    XML_SetUserData(x.p, &x);
    XML_SetStartElementHandler(x.p, on_start);
    char buf[1 << 16];
    int done = 0, rc = 0;
    while (!done && !x.bad) {
        size_t n = fread(buf, 1, sizeof buf, f);
        done = n < sizeof buf;
        if (ferror(f)) {
            if (err)
                snprintf(err, errcap, "read error");
            rc = -1;
            break;
        }
        if (XML_Parse(x.p, buf, (int)n, done) == XML_STATUS_ERROR) {
            if (!x.bad && err)
                snprintf(err, errcap, "line %lu: not well-formed XML: %s",
                         (unsigned long)XML_GetCurrentLineNumber(x.p), XML_ErrorString(XML_GetErrorCode(x.p)));
            rc = -1;
            break;
        }
    }
    if (x.bad)
        rc = -1;
    XML_ParserFree(x.p);
    fclose(f);
    return rc;
}
