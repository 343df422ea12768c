/*
 * pipelines.h - GET /v1/pipelines of `silkroute serve`: the pipeline
 * systems of the served dataset with their modelled flows, as JSON (the
 * CLI's `silkroute pipelines --json`) or GeoJSON, for a year and a
 * scenario.  Pure functions apart from sockets, so tests call them
 * directly.
 */
#ifndef SR_SERVER_PIPELINES_H
#define SR_SERVER_PIPELINES_H

#include <stddef.h>

#include "request.h"
#include "silkroute.h"

/* Open the pipelines of the network's dataset; NULL when it has none (the
 * endpoint then answers 404) or they do not load (message in err). */
sr_pipelines *sr__pipes_open(const sr_network *net, char *err, size_t errlen);
/*
 * Answer a request (dir: the dataset directory) with parameters year (1900..2200), scenario (the name
 * of a file in DIR/pipelines/scenarios/, without a path), edits (scenario
 * lines separated by ';', at most 4 KiB), critical (0|1), base (0|1: add
 * base and shortfall figures against the year's network without the
 * scenario), format (json|geojson).  Returns the HTTP status: 200 with a
 * malloc()ed body and its content type, or 400/404/500 with *code and a
 * message naming the parameter in err.  Thread-safe: p is only read.
 */
int sr__pipes_answer(const sr_pipelines *p, const char *dir, const sr__target *t, char **body, const char **ctype,
                     sr_code *code, char *err, size_t errlen);

#endif
