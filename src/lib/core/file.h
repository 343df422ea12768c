/*
 * file.h - the one way the library opens and reads data files (CSV files,
 * GTFS files, scenario files, TNTP files, TZif files), and the bounded line
 * reader of the line-based formats.
 *
 * A data file must be a regular file: a FIFO, device, socket or directory
 * given as a data file is refused with a message naming it, and is opened
 * with O_NONBLOCK first so that even opening a FIFO cannot hang.  Sizes
 * are capped on every read, not only when a buffer fills.
 */
#ifndef SR_FILE_H
#define SR_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "silkroute.h"

/*
 * Open `path` read-only as a data file; `name` is how messages call it.
 * Returns a blocking file descriptor of a regular file, or -1 with
 * "NAME: cannot open: REASON" or "NAME: not a regular file (a FIFO)" in
 * err.  *absent (may be NULL) is set to 1 when the file does not exist at
 * all, so that callers can skip optional files; a file that exists but
 * cannot be read is never "absent".
 */
int sr__data_open(const char *path, const char *name, char *err, size_t errcap, int *absent);
/* The same as a stdio stream ("rb"). */
FILE *sr__data_fopen(const char *path, const char *name, char *err, size_t errcap, int *absent);

/*
 * Read a whole data file of at most `max` bytes into *data (malloc()ed,
 * NUL-terminated; caller frees) and *len.  Returns SR_OK; SR_EIO when it
 * cannot be opened or read or is no regular file (*absent as above);
 * SR_ELIMIT when it is larger than max ("NAME: file larger than MAX
 * bytes"), checked against its size before reading and on every read;
 * SR_ENOMEM.  On failure *data is NULL and err holds the message.
 */
sr_code sr__data_read(const char *path, const char *name, size_t max, char **data, size_t *len, char *err,
                      size_t errcap, int *absent);

/*
 * A line reader over a buffer: lines end at "\n", "\r\n" or a lone "\r"
 * (old Mac files), a UTF-8 byte order mark at the start is skipped.  Each
 * line is copied NUL-terminated into buf (max + 1 bytes), without its end.
 * The first line longer than max or holding a NUL byte is an error, and
 * the reader stops there: every later call returns the same error, so a
 * stream of zeros or one endless line is rejected after at most max bytes.
 */
enum { SR__LINE_TOO_LONG = -1, SR__LINE_NUL = -2 };
typedef struct sr__lines {
    const char *p, *end;
    size_t max;
    char *buf;     /* max + 1 bytes, the caller's */
    size_t len;    /* length of the line in buf */
    long line;     /* number of the line in buf (or of the bad line) */
    int state;     /* 0, or the error every later call returns */
} sr__lines;

void sr__lines_init(sr__lines *r, const char *data, size_t len, char *buf, size_t max);
/* 1: a line is in buf; 0: end of input; SR__LINE_TOO_LONG or SR__LINE_NUL. */
int sr__lines_next(sr__lines *r);

#endif
