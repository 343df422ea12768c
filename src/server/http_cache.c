/*
 * http_cache.c - the HTTP conventions that make answers cheap to fetch
 * again: gzip when the client accepts it (zlib), entity tags with
 * If-None-Match answered 304, and Cache-Control chosen per resource.  The
 * network never changes while serving, so an answer's ETag is a hash of its
 * bytes; static files are tagged by size, time and inode, and served from a
 * precompressed NAME.gz beside them when the build made one (as nginx's
 * gzip_static does), so the web map costs no compression at run time.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "http_cache.h"

int sr__accepts_gzip(struct MHD_Connection *con)
{
    const char *ae = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Accept-Encoding");
    if (!ae)
        return 0;
    /* Token by token: "gzip", "gzip;q=0.5" yes; "gzip;q=0" no. */
    const char *p = ae;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        if (n >= 4 && !strncasecmp(p, "gzip", 4) && (n == 4 || p[4] == ';' || p[4] == ' ')) {
            const char *q = strstr(p, "q=");
            if (!q || q > p + n)
                return 1;
            double v = strtod(q + 2, NULL);
            return v > 0;
        }
        p += n;
    }
    return 0;
}

char *sr__gzip(const char *in, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16: a gzip wrapper; level 6 is zlib's balance. */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)len);
    char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

void sr__etag_of(const char *body, size_t len, char out[24])
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)body[i]) * 1099511628211ull;
    snprintf(out, 24, "\"%016llx\"", (unsigned long long)h);
}

int sr__etag_matches(struct MHD_Connection *con, const char *etag)
{
    const char *inm = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "If-None-Match");
    if (!inm)
        return 0;
    if (!strcmp(inm, "*"))
        return 1;
    /* A list of tags, weak or strong: weak comparison (RFC 9110 13.1.2). */
    const char *tag = etag[0] == 'W' ? etag + 2 : etag;
    size_t tl = strlen(tag);
    for (const char *p = inm; (p = strstr(p, tag)) != NULL; p += tl)
        if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') && (p[tl] == 0 || p[tl] == ',' || p[tl] == ' '))
            return 1;
    return 0;
}
