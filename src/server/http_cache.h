/*
 * http_cache.h - compression, entity tags and revalidation for the
 * server's answers (http_cache.c).
 */
#ifndef SR_HTTP_CACHE_H
#define SR_HTTP_CACHE_H

#include <stddef.h>

struct MHD_Connection;

/* Answers smaller than this go uncompressed: gzip would barely help. */
#define SR__GZIP_MIN 1024

/* Does the request's Accept-Encoding take gzip (with a non-zero q)? */
int sr__accepts_gzip(struct MHD_Connection *con);
/* gzip of in[0..len): a malloc()ed buffer and its length, or NULL. */
char *sr__gzip(const char *in, size_t len, size_t *out_len);
/* A strong ETag of a body: "\"<16 hex digits>\"" into out. */
void sr__etag_of(const char *body, size_t len, char out[24]);
/* Does If-None-Match name this tag (or "*")? */
int sr__etag_matches(struct MHD_Connection *con, const char *etag);

#endif
