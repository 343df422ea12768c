/*
 * csv.h - a strict, bounded RFC 4180 CSV reader with line numbers, used by
 * every loader (the dataset, GTFS feeds).  It reads a whole file (or a
 * buffer) and hands out one record at a time; fields are addressed by the
 * header's column names.
 *
 * Limits, each failing cleanly with a message naming file and line:
 * file size SR__CSV_MAX_FILE, fields per record SR__CSV_MAX_FIELDS, field
 * length SR__CSV_MAX_FIELD.  A UTF-8 BOM is skipped, lines end at LF, CRLF
 * or a lone CR, lines starting with '#' outside quotes are comments, blank
 * lines are skipped.  Files are opened through file.h: only regular files.
 */
#ifndef SR_CSV_H
#define SR_CSV_H

#include <stddef.h>

#include "silkroute.h"

#define SR__CSV_MAX_FILE ((size_t)512 << 20)
/* The file size cap in force: SR__CSV_MAX_FILE, lowered only by tests
 * (an internal test hook, so that the cap is tested with small files). */
extern size_t sr__csv_max_file;
#define SR__CSV_MAX_FIELDS 128
#define SR__CSV_MAX_FIELD 65536

typedef struct sr__csv {
    const char *name;     /* file name for messages */
    char *data;           /* whole file, owned */
    size_t len, pos;
    long line;            /* line where the current record starts */
    long next_line;
    int nf;               /* fields in the current record */
    char *field[SR__CSV_MAX_FIELDS];
    char *scratch;        /* unquoted copies of the current record's fields */
    size_t scratch_cap;
    int nh;               /* header columns */
    char *header[SR__CSV_MAX_FIELDS];
    char err[512];
    sr_code code;         /* of the last error: SR_EIO (cannot open or read,
                             not a regular file), SR_ELIMIT (file too large),
                             SR_ENOMEM, else SR_EDATA */
    int absent;           /* the open failed because the file does not exist */
} sr__csv;

/* Open a file (or wrap a copy of buf when buf != NULL) and read its header.
 * Returns 0, or -1 with csv->err set ("places.csv: cannot open: ...") and
 * csv->code; the reader must be closed in both cases. */
int sr__csv_open(sr__csv *csv, const char *path, const char *display_name);
int sr__csv_open_buf(sr__csv *csv, const char *buf, size_t len, const char *display_name);
void sr__csv_close(sr__csv *csv);
/* Read the next record: 1 read, 0 end of file, -1 error (csv->err). */
int sr__csv_next(sr__csv *csv);
/* Column index of a header name, or -1. */
int sr__csv_col(const sr__csv *csv, const char *name);
/* Field of the current record at column col; "" when col < 0 or the record
 * is shorter.  Leading and trailing blanks are trimmed. */
const char *sr__csv_get(const sr__csv *csv, int col);

#endif
