/*
 * analysis.h - the corridor analysis endpoints of `silkroute serve`:
 * freight assignment (base, scenario, comparison, critical links), reach
 * and many-to-many matrices, under /v1 (docs/API.md).
 *
 * Kept out of server.c so that the HTTP plumbing and the analysis grow
 * apart: server.c hands over the parsed target, the body and the thread's
 * query state, and sends back the answer filled in here.
 *
 * Work limits.  Every computation here is a bounded synchronous call:
 * reach and matrices take milliseconds (a matrix is at most
 * SR__MATRIX_MAX_SIDE places a side), an assignment tens of milliseconds
 * and a criticality ranking about a third of a second on the default
 * network.  At most `max_jobs` assignment computations run at once; a
 * request beyond that is answered 503 with Retry-After at once instead of
 * queueing on a pool thread.  Answers are cached by their input (the
 * network never changes while serving), so a repeated request costs a
 * reference to the stored bytes.
 */
#ifndef SR_SERVER_ANALYSIS_H
#define SR_SERVER_ANALYSIS_H

#include <stddef.h>

#include "request.h"
#include "silkroute.h"

/* Largest matrix side (sources and targets each) and cells. */
#define SR__MATRIX_MAX_SIDE 250
/* Iteration cap of an assignment solve requested over HTTP. */
#define SR__ASSIGN_MAX_ITERATIONS 1000

typedef struct sr__analysis sr__analysis;

typedef struct sr__answer {
    int status;
    const char *ctype;
    char *body;            /* malloc()ed; the caller frees */
    size_t len;
    int retry_after_s;     /* > 0: send a Retry-After header */
} sr__answer;

/* NULL when memory runs out.  max_jobs 0: 2; cache_bytes 0: no cache
 * (answers are kept as cache.h keeps /v1/route answers, by bytes). */
sr__analysis *sr__analysis_create(const sr_network *net, unsigned max_jobs, size_t cache_bytes);
void sr__analysis_free(sr__analysis *a);
/* Is path one of the endpoints below (/v1/assign..., /v1/reach,
 * /v1/matrix, /v1/scenarios)? */
int sr__analysis_path(const char *path);
/* The methods path allows, for a 405's Allow header. */
const char *sr__analysis_allow(const char *path);
/* Answer a GET (post == 0) or POST request; q is the thread's query state
 * (may be NULL for the assignment endpoints). */
void sr__analysis_handle(sr__analysis *a, sr_query *q, const char *path, int post, const sr__target *t,
                         const char *body, size_t body_len, sr__answer *ans);
/* Counters for /v1/health: computations running and refused as busy. */
void sr__analysis_stats(sr__analysis *a, long *running, long *busy);

#endif
