/*
 * tntp.c - import and export of the TNTP formats of the Transportation
 * Networks for Research repository: network files (*_net.tntp), trip
 * tables (*_trips.tntp) and link flow files (*_flow.tntp).
 *
 * The parser works on a byte buffer that need not be NUL-terminated (the
 * fuzzer hands it raw bytes).  Every line is copied into a bounded buffer
 * first, so no field can run past its line, and every problem is reported
 * as "file:line: field: message" on the sr_tap handle.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/num.h"
#include "silkroute.h"
#include "tap.h"
#include "core/util.h"

#define MAX_LINE 65536            /* longest accepted line, bytes */
#define MAX_FILE (1024L << 20)    /* largest accepted file, bytes */
#define MAX_FIELDS 16

typedef struct reader {
    sr__lines l;                  /* the shared line reader (file.h) */
    const char *name;
    long line;
    char *buf;                    /* MAX_LINE + 1 bytes */
} reader;

static void reader_init(reader *r, const char *data, size_t len, const char *name, char *buf)
{
    sr__lines_init(&r->l, data, len, buf, MAX_LINE);
    r->name = name;
    r->line = 0;
    r->buf = buf;
}

/* Next line into r->buf (NUL-terminated, without its end: LF, CRLF or CR).
 * Returns 1 for a line, 0 at the end, -1 when the line is too long or holds
 * NUL; the reader stops at that first error. */
static int next_line(reader *r)
{
    int rc = sr__lines_next(&r->l);
    r->line = r->l.line;
    return rc < 0 ? -1 : rc;
}

static void fail(sr_tap *t, const reader *r, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail(sr_tap *t, const reader *r, const char *field, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (field)
        snprintf(t->errmsg, sizeof t->errmsg, "%s:%ld: %s: %s", r->name, r->line, field, msg);
    else
        snprintf(t->errmsg, sizeof t->errmsg, "%s:%ld: %s", r->name, r->line, msg);
    sr__escape_inplace(t->errmsg, sizeof t->errmsg);
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\v' || *s == '\f')
        s++;
    return s;
}

/* Is the line blank or a '~' comment? */
static int ignorable(const char *s)
{
    s = skip_ws(s);
    return *s == 0 || *s == '~';
}

/* Parse "<KEY> value" metadata; returns 1 and sets key/value pointers into
 * the line, 0 if the line is not metadata. */
static int meta(char *s, char **key, char **val)
{
    s = (char *)skip_ws(s);
    if (*s != '<')
        return 0;
    char *close = strchr(s, '>');
    if (!close)
        return 0;
    *close = 0;
    *key = s + 1;
    char *v = (char *)skip_ws(close + 1);
    /* Trim trailing blanks. */
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        v[--n] = 0;
    *val = v;
    return 1;
}

/* A count by the strict parser (num.h); metadata values may carry the
 * format's blanks around them, fields never do. */
static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
    char buf[64];
    s = skip_ws(s);
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= sizeof buf)
        return SR__NUM_SYNTAX;
    memcpy(buf, s, n);
    buf[n] = 0;
    long v;
    int rc = sr__parse_long(buf, 0, max > (unsigned long)LONG_MAX ? LONG_MAX : (long)max, &v);
    if (rc)
        return rc;
    *out = (unsigned long)v;
    return 0;
}

static int parse_num(const char *s, double *out) { return sr__parse_double(s, -HUGE_VAL, HUGE_VAL, out) ? -1 : 0; }

/* Split a link line into fields at blanks; a ';' ends the record. */
static int split(char *s, char **f, int max)
{
    int n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\v' || *s == '\f')
            s++;
        if (!*s || *s == ';')
            return n;
        if (n == max)
            return -1;
        f[n++] = s;
        while (*s && *s != ' ' && *s != '\t' && *s != '\v' && *s != '\f' && *s != ';')
            s++;
        if (*s == ';') {
            *s = 0;
            return n;
        }
        if (*s)
            *s++ = 0;
    }
}

static const char *const net_fields[] = {"init_node", "term_node", "capacity", "length",
                                         "free_flow_time", "b", "power", "speed",
                                         "toll", "link_type"};

static sr_code parse_net(reader *r, sr_tap **out, sr_tap *errt)
{
    unsigned long nodes = 0, links = 0, first_thru = 1, zones = 0;
    int have_nodes = 0, have_links = 0, ended = 0, lr;
    while ((lr = next_line(r)) > 0) {
        char *key, *val;
        if (!meta(r->buf, &key, &val)) {
            if (ignorable(r->buf))
                continue;
            fail(errt, r, NULL, "expected metadata \"<KEY> value\" or <END OF METADATA>");
            return SR_EDATA;
        }
        unsigned long v;
        if (!strcmp(key, "END OF METADATA")) {
            ended = 1;
            break;
        } else if (!strcmp(key, "NUMBER OF NODES")) {
            if (parse_count(val, SR__TAP_MAX_NODES, &v) || v == 0) {
                fail(errt, r, "NUMBER OF NODES", "'%s' is not a count in 1..%u", val, SR__TAP_MAX_NODES);
                return parse_count(val, ~0UL, &v) == 0 ? SR_ELIMIT : SR_EDATA;
            }
            nodes = v;
            have_nodes = 1;
        } else if (!strcmp(key, "NUMBER OF LINKS")) {
            if (parse_count(val, SR__TAP_MAX_LINKS, &v)) {
                fail(errt, r, "NUMBER OF LINKS", "'%s' is not a count in 0..%u", val, SR__TAP_MAX_LINKS);
                return parse_count(val, ~0UL, &v) == 0 ? SR_ELIMIT : SR_EDATA;
            }
            links = v;
            have_links = 1;
        } else if (!strcmp(key, "FIRST THRU NODE")) {
            if (parse_count(val, SR__TAP_MAX_NODES + 1, &v)) {
                fail(errt, r, "FIRST THRU NODE", "'%s' is not a node number", val);
                return SR_EDATA;
            }
            first_thru = v;
        } else if (!strcmp(key, "NUMBER OF ZONES")) {
            if (parse_count(val, SR__TAP_MAX_NODES, &v)) {
                fail(errt, r, "NUMBER OF ZONES", "'%s' is not a count", val);
                return SR_EDATA;
            }
            zones = v;
        }
    }
    if (lr < 0) {
        fail(errt, r, NULL, "line longer than %d bytes or containing NUL", MAX_LINE);
        return SR_EDATA;
    }
    if (!ended || !have_nodes || !have_links) {
        fail(errt, r, NULL, "missing %s", !have_nodes ? "<NUMBER OF NODES>" : !have_links ? "<NUMBER OF LINKS>"
                                                                                   : "<END OF METADATA>");
        return SR_EDATA;
    }
    if (zones > nodes) {
        fail(errt, r, "NUMBER OF ZONES", "%lu zones but only %lu nodes", zones, nodes);
        return SR_EDATA;
    }
    if (first_thru > nodes + 1) {
        fail(errt, r, "FIRST THRU NODE", "%lu is beyond the %lu nodes", first_thru, nodes);
        return SR_EDATA;
    }
    sr_tap *t;
    sr_code rc = sr_tap_create(nodes, first_thru, &t);
    if (rc) {
        fail(errt, r, NULL, "%s", sr_strerror(rc));
        return rc;
    }
    *out = t;
    unsigned long got = 0;
    while ((lr = next_line(r)) > 0) {
        if (ignorable(r->buf))
            continue;
        char *f[MAX_FIELDS];
        int nf = split(r->buf, f, MAX_FIELDS);
        if (nf == 0)
            continue; /* a lone ';' */
        if (nf < 7 || nf > 12) {
            fail(t, r, NULL, "expected 7 to 10 fields (init_node term_node capacity length "
                             "free_flow_time b power [speed toll link_type]), got %d", nf < 0 ? MAX_FIELDS + 1 : nf);
            return SR_EDATA;
        }
        if (got >= links) {
            fail(t, r, NULL, "more links than <NUMBER OF LINKS> %lu", links);
            return SR_EDATA;
        }
        unsigned long from, to;
        if (parse_count(f[0], nodes, &from) || from == 0) {
            fail(t, r, net_fields[0], "'%s' is not a node in 1..%lu", f[0], nodes);
            return SR_EDATA;
        }
        if (parse_count(f[1], nodes, &to) || to == 0) {
            fail(t, r, net_fields[1], "'%s' is not a node in 1..%lu", f[1], nodes);
            return SR_EDATA;
        }
        double v[10] = {0};
        for (int i = 2; i < nf && i < 10; i++) {
            if (i == 9)
                break; /* link_type: free text in some files */
            if (parse_num(f[i], &v[i])) {
                fail(t, r, net_fields[i], "'%s' is not a finite number", f[i]);
                return SR_EDATA;
            }
            if (v[i] < 0 && i != 7) {
                fail(t, r, net_fields[i], "%s must be >= 0", f[i]);
                return SR_EDATA;
            }
        }
        if (v[6] > 100) {
            fail(t, r, "power", "%g is larger than 100", v[6]);
            return SR_EDATA;
        }
        if (v[5] > 0 && v[4] > 0 && !(v[2] > 0)) {
            fail(t, r, "capacity", "must be > 0 when b > 0");
            return SR_EDATA;
        }
        sr_tap_link l = {.from = (uint32_t)from, .to = (uint32_t)to, .capacity = v[2], .length = v[3],
                         .free_flow_time = v[4], .b = v[5], .power = v[6], .toll = v[8]};
        rc = sr_tap_add_link(t, &l, NULL);
        if (rc) {
            char tmp[sizeof t->errmsg];
            memcpy(tmp, t->errmsg, sizeof tmp);
            fail(t, r, NULL, "%s", tmp);
            return rc;
        }
        got++;
    }
    if (lr < 0) {
        fail(t, r, NULL, "line longer than %d bytes or containing NUL", MAX_LINE);
        return SR_EDATA;
    }
    if (got != links) {
        fail(t, r, NULL, "%lu links but <NUMBER OF LINKS> says %lu", got, links);
        return SR_EDATA;
    }
    return SR_OK;
}

static sr_code parse_trips(reader *r, sr_tap *t)
{
    int lr, ended = 0;
    unsigned long nodes = t->n_nodes;
    while ((lr = next_line(r)) > 0) {
        char *key, *val;
        if (!meta(r->buf, &key, &val)) {
            if (ignorable(r->buf))
                continue;
            /* Some files have no metadata block: this line is data. */
            break;
        }
        if (!strcmp(key, "END OF METADATA")) {
            ended = 1;
            break;
        }
    }
    if (lr < 0) {
        fail(t, r, NULL, "line longer than %d bytes or containing NUL", MAX_LINE);
        return SR_EDATA;
    }
    unsigned long origin = 0;
    int have_line = !ended && lr > 0;
    while (have_line || (lr = next_line(r)) > 0) {
        have_line = 0;
        char *s = r->buf;
        if (ignorable(s))
            continue;
        s = (char *)skip_ws(s);
        if (!strncmp(s, "Origin", 6)) {
            s = (char *)skip_ws(s + 6);
            unsigned long o = 0;
            if (parse_count(s, nodes, &o) || o == 0) {
                fail(t, r, "origin", "'%s' is not a node in 1..%lu", s, nodes);
                return SR_EDATA;
            }
            origin = o;
            continue;
        }
        while (*s) {
            s = (char *)skip_ws(s);
            if (!*s || *s == '~')
                break;
            if (*s == ';') {
                s++;
                continue;
            }
            if (!origin) {
                fail(t, r, "origin", "destination entries before any \"Origin\" line");
                return SR_EDATA;
            }
            char dbuf[24];
            size_t dn = strspn(s, "0123456789");
            unsigned long d = 0;
            char *e = s + dn;
            if (dn && dn < sizeof dbuf) {
                memcpy(dbuf, s, dn);
                dbuf[dn] = 0;
                if (parse_count(dbuf, nodes, &d))
                    d = 0;
            }
            if (d == 0) {
                fail(t, r, "destination", "'%.20s' is not a node in 1..%lu", s, nodes);
                return SR_EDATA;
            }
            s = (char *)skip_ws(e);
            if (*s != ':') {
                fail(t, r, "destination", "expected ':' after destination %lu", d);
                return SR_EDATA;
            }
            s = (char *)skip_ws(s + 1);
            char num[64];
            size_t k = 0;
            while (s[k] && s[k] != ';' && s[k] != ' ' && s[k] != '\t' && k < sizeof num - 1)
                k++;
            memcpy(num, s, k);
            num[k] = 0;
            double v;
            if (parse_num(num, &v) || v < 0 || v > 1e15) {
                fail(t, r, "flow", "'%s' is not a finite number in 0..1e15", num);
                return SR_EDATA;
            }
            s += k;
            s = (char *)skip_ws(s);
            if (*s == ';')
                s++;
            else if (*s) {
                fail(t, r, "flow", "expected ';' after flow %s", num);
                return SR_EDATA;
            }
            sr_code rc = sr_tap_add_demand(t, (uint32_t)origin, (uint32_t)d, v);
            if (rc) {
                char tmp[sizeof t->errmsg];
                memcpy(tmp, t->errmsg, sizeof tmp);
                fail(t, r, NULL, "%s", tmp);
                return rc;
            }
        }
    }
    if (lr < 0) {
        fail(t, r, NULL, "line longer than %d bytes or containing NUL", MAX_LINE);
        return SR_EDATA;
    }
    return SR_OK;
}

sr_code sr_tap_parse_tntp(const char *net, size_t net_len, const char *trips, size_t trips_len,
                          sr_tap **out)
{
    return sr__tap_parse_named(net, net_len, "net", trips, trips_len, "trips", out);
}

sr_code sr__tap_parse_named(const char *net, size_t net_len, const char *net_name, const char *trips,
                            size_t trips_len, const char *trips_name, sr_tap **out)
{
    *out = NULL;
    /* A scratch handle carries the error until the real one exists. */
    sr_tap *errt;
    sr_code rc = sr_tap_create(1, 1, &errt);
    if (rc)
        return rc;
    char *buf = malloc(MAX_LINE + 1);
    if (!buf) {
        sr_tap_destroy(errt);
        return SR_ENOMEM;
    }
    reader r;
    reader_init(&r, net, net_len, net_name, buf);
    sr_tap *t = NULL;
    rc = parse_net(&r, &t, errt);
    if (!t) {
        *out = errt;
        free(buf);
        return rc;
    }
    sr_tap_destroy(errt);
    *out = t;
    if (rc == SR_OK) {
        reader r2;
        reader_init(&r2, trips, trips_len, trips_name, buf);
        rc = parse_trips(&r2, t);
    }
    free(buf);
    return rc;
}

/* Read a whole file (up to MAX_FILE bytes; only regular files, file.h). */
static sr_code slurp(const char *path, char **data, size_t *len, char *err, size_t errcap)
{
    sr_code rc = sr__data_read(path, path, (size_t)MAX_FILE, data, len, err, errcap, NULL);
    if (rc != SR_OK)
        sr__escape_inplace(err, errcap);
    return rc;
}

sr_code sr_tap_read_tntp(const char *net_path, const char *trips_path, sr_tap **out)
{
    *out = NULL;
    char err[1024] = "";
    char *nd = NULL, *td = NULL;
    size_t nl = 0, tl = 0;
    sr_code rc = slurp(net_path, &nd, &nl, err, sizeof err);
    if (rc == SR_OK)
        rc = slurp(trips_path, &td, &tl, err, sizeof err);
    if (rc == SR_OK) {
        rc = sr__tap_parse_named(nd, nl, net_path, td, tl, trips_path, out);
    } else if (sr_tap_create(1, 1, out) == SR_OK) {
        snprintf((*out)->errmsg, sizeof (*out)->errmsg, "%s", err[0] ? err : sr_strerror(rc));
    }
    free(nd);
    free(td);
    return rc;
}

sr_code sr_tap_write_flows(sr_tap *t, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(t->errmsg, sizeof t->errmsg, "%s: cannot open for writing: %s", path, strerror(errno));
        return SR_EIO;
    }
    fprintf(f, "From \tTo \tVolume \tCost \n");
    for (uint32_t i = 0; i < t->n_links; i++)
        fprintf(f, "%u \t%u \t%.17g \t%.17g \n", t->tail[i] + 1, t->head[i] + 1, sr_tap_link_flow(t, i),
                sr_tap_link_cost(t, i));
    if (fclose(f) != 0) {
        snprintf(t->errmsg, sizeof t->errmsg, "%s: write error", path);
        return SR_EIO;
    }
    return SR_OK;
}

static int key_cmp(const void *x, const void *y)
{
    const uint64_t *a = x, *b = y;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

sr_code sr_tap_read_flows(sr_tap *t, const char *path, double *flows)
{
    char *data;
    size_t len;
    sr_code rc = slurp(path, &data, &len, t->errmsg, sizeof t->errmsg);
    if (rc)
        return rc;
    size_t m = t->n_links;
    uint64_t *keys = malloc((m ? m : 1) * 2 * sizeof *keys);
    uint8_t *used = calloc(m ? m : 1, 1);
    char *buf = malloc(MAX_LINE + 1);
    if (!keys || !used || !buf) {
        free(keys);
        free(used);
        free(buf);
        free(data);
        return SR_ENOMEM;
    }
    for (size_t i = 0; i < m; i++) {
        keys[2 * i] = (uint64_t)t->tail[i] << 32 | t->head[i];
        keys[2 * i + 1] = i;
        flows[i] = NAN;
    }
    qsort(keys, m, 2 * sizeof *keys, key_cmp);
    reader r;
    reader_init(&r, data, len, path, buf);
    int lr;
    rc = SR_OK;
    while (rc == SR_OK && (lr = next_line(&r)) != 0) {
        if (lr < 0) {
            fail(t, &r, NULL, "line too long");
            rc = SR_EDATA;
            break;
        }
        char *f[MAX_FIELDS];
        if (ignorable(r.buf))
            continue;
        const char *s0 = skip_ws(r.buf);
        if (!(*s0 >= '0' && *s0 <= '9'))
            continue; /* header line */
        int nf = split(r.buf, f, MAX_FIELDS);
        unsigned long a, b;
        double v;
        if (nf < 3 || parse_count(f[0], t->n_nodes, &a) || parse_count(f[1], t->n_nodes, &b) ||
            parse_num(f[2], &v)) {
            fail(t, &r, NULL, "expected \"from to volume [cost]\"");
            rc = SR_EDATA;
            break;
        }
        uint64_t k = (uint64_t)(a - 1) << 32 | (b - 1);
        size_t lo = 0, hi = m;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (keys[2 * mid] < k)
                lo = mid + 1;
            else
                hi = mid;
        }
        while (lo < m && keys[2 * lo] == k && used[lo])
            lo++;
        if (lo >= m || keys[2 * lo] != k || a == 0 || b == 0) {
            fail(t, &r, NULL, "no (further) link %lu->%lu in the network", a, b);
            rc = SR_EDATA;
            break;
        }
        used[lo] = 1;
        flows[keys[2 * lo + 1]] = v;
    }
    free(keys);
    free(used);
    free(buf);
    free(data);
    return rc;
}
