/*
 * csv.c - the bounded CSV reader declared in csv.h.
 *
 * The parser copies each record's fields into one scratch buffer (quotes
 * removed, "" unescaped), so field pointers stay valid until the next call
 * of sr__csv_next().  It never reads past the buffer: the whole file is in
 * memory with a terminating NUL.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/file.h"
#include "core/util.h"

size_t sr__csv_max_file = SR__CSV_MAX_FILE;

static int read_record(sr__csv *c, char **fields, int *nf, int keep);

/* Length of the valid UTF-8 prefix of s[0..n).  Every text field must be
 * UTF-8: the JSON writers and the name index rely on it. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = sr__utf8_seq(s + i, n - i);
        if (!k)
            return i;
        i += k;
    }
    return n;
}

static int finish_open(sr__csv *c)
{
    /* Skip a UTF-8 byte order mark: spreadsheet exports often add one. */
    if (c->len >= 3 && !memcmp(c->data, "\xEF\xBB\xBF", 3))
        c->pos = 3;
    int r = read_record(c, c->header, &c->nh, 1);
    if (r < 0)
        return -1;
    if (r == 0) {
        snprintf(c->err, sizeof c->err, "%s: empty file (a header line is required)", c->name);
        return -1;
    }
    /* The header's strings live in scratch, which the next record reuses:
     * keep our own copies. */
    for (int i = 0; i < c->nh; i++) {
        c->header[i] = strdup(c->header[i]);
        if (!c->header[i]) {
            c->nh = i;
            snprintf(c->err, sizeof c->err, "%s: out of memory", c->name);
            c->code = SR_ENOMEM;
            return -1;
        }
    }
    for (int i = 0; i < c->nh; i++)
        for (int j = 0; j < i; j++)
            if (!strcmp(c->header[i], c->header[j])) {
                snprintf(c->err, sizeof c->err, "%s:%ld: header: column '%s' appears twice", c->name,
                         c->line, c->header[i]);
                return -1;
            }
    return 0;
}

static void init(sr__csv *c, const char *name)
{
    memset(c, 0, sizeof *c);
    c->name = name;
    c->next_line = 1;
    c->code = SR_EDATA;
}

int sr__csv_open_buf(sr__csv *c, const char *buf, size_t len, const char *name)
{
    init(c, name);
    if (len > sr__csv_max_file) {
        snprintf(c->err, sizeof c->err, "%s: file larger than %zu bytes", name, sr__csv_max_file);
        c->code = SR_ELIMIT;
        return -1;
    }
    c->data = malloc(len + 1);
    if (!c->data) {
        snprintf(c->err, sizeof c->err, "%s: out of memory", name);
        c->code = SR_ENOMEM;
        return -1;
    }
    memcpy(c->data, buf, len);
    c->data[len] = 0;
    c->len = len;
    return finish_open(c);
}

int sr__csv_open(sr__csv *c, const char *path, const char *name)
{
    init(c, name ? name : path);
    /* The cap is checked against the file's size and after every read
     * (file.c), so it is exactly the documented one. */
    sr_code rc = sr__data_read(path, c->name, sr__csv_max_file, &c->data, &c->len, c->err, sizeof c->err,
                               &c->absent);
    if (rc != SR_OK) {
        c->code = rc;
        return -1;
    }
    return finish_open(c);
}

void sr__csv_close(sr__csv *c)
{
    free(c->data);
    free(c->scratch);
    for (int i = 0; i < c->nh; i++)
        free(c->header[i]);
    c->data = c->scratch = NULL;
    c->nh = 0;
}

/* Length of the line end at d[p]: 2 for CRLF, 1 for LF or a lone CR (old
 * Mac files), 0 when d[p] ends no line.  d[len] is NUL, so d[p + 1] may be
 * read for any p < len. */
static size_t eol(const char *d, size_t p)
{
    if (d[p] == '\n')
        return 1;
    if (d[p] == '\r')
        return d[p + 1] == '\n' ? 2 : 1;
    return 0;
}

/* The bytes that end an unquoted field (',', a line end, the NUL after
 * the data) or make it malformed ('"', an embedded NUL). */
static const unsigned char csv_stop[256] = {[0] = 1, ['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1};

/* Parse one record starting at c->pos into scratch.  Returns 1, 0 at end of
 * input, -1 on error. */
static int read_record(sr__csv *c, char **fields, int *nf, int keep)
{
    (void)keep;
    const char *d = c->data;
    size_t p = c->pos;
    /* Skip blank and comment lines. */
    for (;;) {
        if (p >= c->len)
            return 0;
        if (eol(d, p)) {
            p += eol(d, p);
            c->next_line++;
        } else if (d[p] == '#') {
            while (p < c->len && !eol(d, p))
                p++;
        } else {
            break;
        }
    }
    c->line = c->next_line;
    /* The record is at most as long as the rest of the file, and its
     * fields take at most one NUL each more: scratch that large is taken
     * once per file (only the pages one record writes are ever touched),
     * instead of scanning each record twice to size it (issue 16). */
    size_t need = c->len - p + SR__CSV_MAX_FIELDS + 1;
    if (need > c->scratch_cap) {
        char *s = realloc(c->scratch, need);
        if (!s) {
            snprintf(c->err, sizeof c->err, "%s:%ld: out of memory", c->name, c->line);
            c->code = SR_ENOMEM;
            return -1;
        }
        c->scratch = s;
        c->scratch_cap = need;
    }
    char *out = c->scratch;
    int n = 0;
    for (;;) {
        if (n == SR__CSV_MAX_FIELDS) {
            snprintf(c->err, sizeof c->err, "%s:%ld: more than %d fields", c->name, c->line, SR__CSV_MAX_FIELDS);
            return -1;
        }
        char *start = out;
        fields[n++] = start;
        if (d[p] == '"') {
            p++;
            for (;;) {
                if (p >= c->len) {
                    snprintf(c->err, sizeof c->err, "%s:%ld: field %d: unterminated quoted field", c->name,
                             c->line, n);
                    return -1;
                }
                if (d[p] == '"') {
                    if (d[p + 1] == '"') {
                        *out++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (d[p] == 0) {
                    snprintf(c->err, sizeof c->err, "%s:%ld: field %d: NUL byte", c->name, c->line, n);
                    return -1;
                }
                /* Line breaks inside quotes count as lines, CRLF once. */
                if (d[p] == '\n' || (d[p] == '\r' && d[p + 1] != '\n'))
                    c->next_line++;
                *out++ = d[p++];
            }
            /* After a closing quote only a separator or end of line may
             * follow; anything else is a malformed field. */
            if (!(p >= c->len || d[p] == ',' || eol(d, p))) {
                snprintf(c->err, sizeof c->err, "%s:%ld: field %d: text after closing quote", c->name,
                         c->line, n);
                return -1;
            }
        } else {
            /* The run up to the next byte that ends or breaks the field,
             * found by one table look-up per byte and copied at once;
             * d[len] is NUL, so the scan stops at the end of the data. */
            size_t q = p;
            while (!csv_stop[(unsigned char)d[q]])
                q++;
            memcpy(out, d + p, q - p);
            out += q - p;
            p = q;
            if (d[p] == '"') {
                snprintf(c->err, sizeof c->err, "%s:%ld: field %d: quote inside an unquoted field", c->name,
                         c->line, n);
                return -1;
            }
            if (d[p] == 0 && p < c->len) {
                snprintf(c->err, sizeof c->err, "%s:%ld: field %d: NUL byte", c->name, c->line, n);
                return -1;
            }
        }
        if ((size_t)(out - start) > SR__CSV_MAX_FIELD) {
            snprintf(c->err, sizeof c->err, "%s:%ld: field %d: longer than %d bytes", c->name, c->line, n,
                     SR__CSV_MAX_FIELD);
            return -1;
        }
        if (utf8_valid_prefix((const unsigned char *)start, (size_t)(out - start)) != (size_t)(out - start)) {
            snprintf(c->err, sizeof c->err, "%s:%ld: field %d: invalid UTF-8", c->name, c->line, n);
            return -1;
        }
        *out++ = 0;
        if (p < c->len && d[p] == ',') {
            p++;
            continue;
        }
        break;
    }
    if (p < c->len) {
        p += eol(d, p);
        c->next_line++;
    }
    c->pos = p;
    *nf = n;
    return 1;
}

int sr__csv_next(sr__csv *c)
{
    return read_record(c, c->field, &c->nf, 0);
}

int sr__csv_col(const sr__csv *c, const char *name)
{
    for (int i = 0; i < c->nh; i++)
        if (!strcmp(c->header[i], name))
            return i;
    return -1;
}

const char *sr__csv_get(const sr__csv *c, int col)
{
    if (col < 0 || col >= c->nf)
        return "";
    char *s = c->field[col];
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}
