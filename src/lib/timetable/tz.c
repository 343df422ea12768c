/*
 * tz.c - time zones from the system tz database, read as TZif files
 * (RFC 8536), and civil-date arithmetic.
 *
 * Why our own reader: the C library converts local times only through the
 * process-wide TZ variable, which is not thread-safe to change.  A TZif
 * file is a small table of transitions, so we read it once per zone at load
 * time, extend it with its POSIX footer rule up to 2100, and answer every
 * later question by binary search on immutable arrays.  Every count and
 * length in the file is checked against the buffer and against fixed caps
 * before use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "timetable/tt.h"

#define TZ_MAX_FILE 65536
#define TZ_MAX_TRANS 4000
#define TZ_MAX_TYPES 256
#define TZ_LAST_YEAR 2100

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
 * calendar, no tables and no overflow for the years we accept. */
int64_t sr__days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void sr__civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int sr__parse_yyyymmdd(const char *s, int64_t *days)
{
    int v[8];
    for (int i = 0; i < 8; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v[i] = s[i] - '0';
    }
    if (s[8])
        return -1;
    int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    int m = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *days = sr__days_from_civil(y, m, d);
    return 0;
}

void sr__tz_free(sr__tz *z)
{
    free(z->at);
    free(z->off);
    z->at = NULL;
    z->off = NULL;
    z->n = 0;
}

int32_t sr__tz_offset(const sr__tz *z, int64_t t)
{
    if (z->n == 0 || t < z->at[0])
        return z->off0;
    uint32_t lo = 0, hi = z->n; /* last index with at <= t */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->off[lo];
}

int64_t sr__tz_to_utc(const sr__tz *z, int64_t local)
{
    /* Two fixed-point steps settle on a consistent offset; in a gap or an
     * overlap the result is one of the two candidate instants. */
    int32_t o1 = sr__tz_offset(z, local - sr__tz_offset(z, local));
    int32_t o2 = sr__tz_offset(z, local - o1);
    int64_t a = local - o1, b = local - o2;
    return a < b ? a : b;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* ---- POSIX TZ footer rules ("CET-1CEST,M3.5.0,M10.5.0/3") --------------- */

typedef struct rule_date {
    char kind;   /* 'M', 'J' or 'n' */
    int m, w, d; /* M: month, week, weekday; J/n: day number in d */
    int32_t time;
} rule_date;

static const char *skip_name(const char *s)
{
    if (*s == '<') {
        const char *e = strchr(s, '>');
        return e ? e + 1 : NULL;
    }
    const char *b = s;
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
        s++;
    return s - b >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds; hours up to 167 (RFC 8536 allows it). */
static const char *parse_hms(const char *s, int32_t *out)
{
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    int part[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (*s < '0' || *s > '9')
            return i == 0 ? NULL : s;
        int v = 0, nd = 0;
        while (*s >= '0' && *s <= '9' && nd < 3) {
            v = v * 10 + (*s++ - '0');
            nd++;
        }
        part[i] = v;
        if (*s != ':' || i == 2)
            break;
        s++;
    }
    if (part[0] > 167 || part[1] > 59 || part[2] > 59)
        return NULL;
    *out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
    return s;
}

static const char *parse_rule_date(const char *s, rule_date *r)
{
    r->time = 7200;
    if (*s == 'M') {
        r->kind = 'M';
        if (sscanf(s + 1, "%2d.%1d.%1d", &r->m, &r->w, &r->d) != 3 || r->m < 1 || r->m > 12 || r->w < 1 ||
            r->w > 5 || r->d < 0 || r->d > 6)
            return NULL;
        s++;
        while ((*s >= '0' && *s <= '9') || *s == '.')
            s++;
    } else {
        r->kind = *s == 'J' ? 'J' : 'n';
        if (*s == 'J')
            s++;
        if (*s < '0' || *s > '9')
            return NULL;
        r->d = 0;
        for (int nd = 0; *s >= '0' && *s <= '9' && nd < 3; nd++)
            r->d = r->d * 10 + (*s++ - '0');
        if (r->d > 365 || (r->kind == 'J' && r->d < 1))
            return NULL;
    }
    if (*s == '/') {
        s = parse_hms(s + 1, &r->time);
        if (!s)
            return NULL;
    }
    return s;
}

/* Local seconds since 1970 at which rule date r happens in year y. */
static int64_t rule_local(const rule_date *r, int y)
{
    int64_t day;
    if (r->kind == 'M') {
        int64_t first = sr__days_from_civil(y, r->m, 1);
        int dow1 = (int)(((first + 4) % 7 + 7) % 7); /* 0 = Sunday */
        int dom = 1 + (r->d - dow1 + 7) % 7 + (r->w - 1) * 7;
        while (dom > days_in_month(y, r->m))
            dom -= 7;
        day = first + dom - 1;
    } else if (r->kind == 'J') {
        /* Julian day 1..365, February 29 never counted. */
        int leap = days_in_month(y, 2) == 29;
        day = sr__days_from_civil(y, 1, 1) + r->d - 1 + (leap && r->d >= 60);
    } else {
        day = sr__days_from_civil(y, 1, 1) + r->d;
    }
    return day * SR__DAY + r->time;
}

static int push(sr__tz *z, uint32_t *cap, int64_t at, int32_t off)
{
    if (z->n >= TZ_MAX_TRANS + 400)
        return -1;
    if (z->n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 64;
        int64_t *na = realloc(z->at, nc * sizeof *na);
        if (!na)
            return -1;
        z->at = na;
        int32_t *no = realloc(z->off, nc * sizeof *no);
        if (!no)
            return -1;
        z->off = no;
        *cap = nc;
    }
    z->at[z->n] = at;
    z->off[z->n] = off;
    z->n++;
    return 0;
}

/* Apply the footer rule: a fixed offset, or yearly transitions appended
 * after the file's last one up to TZ_LAST_YEAR. */
static int apply_footer(sr__tz *z, uint32_t *cap, const char *s, char *err, size_t errcap)
{
    int32_t std, dst;
    const char *p = skip_name(s);
    if (!p || !(p = parse_hms(p, &std)))
        goto bad;
    std = -std; /* POSIX offsets are west-positive */
    if (!*p) {
        if (z->n == 0)
            z->off0 = std;
        else if (z->off[z->n - 1] != std && push(z, cap, z->at[z->n - 1] + 1, std) < 0)
            goto nomem;
        return 0;
    }
    if (!(p = skip_name(p)))
        goto bad;
    dst = std + 3600;
    if (*p && *p != ',') {
        if (!(p = parse_hms(p, &dst)))
            goto bad;
        dst = -dst;
    }
    if (*p != ',')
        goto bad; /* a DST name without rules: POSIX default rules, not worth it */
    rule_date r1, r2;
    if (!(p = parse_rule_date(p + 1, &r1)) || *p != ',' || !(p = parse_rule_date(p + 1, &r2)) || *p)
        goto bad;
    int64_t last = z->n ? z->at[z->n - 1] : INT64_MIN;
    int y0 = 1970;
    if (z->n) {
        int yy, mm, dd;
        int64_t dd0 = last / SR__DAY - (last % SR__DAY < 0);
        sr__civil_from_days(dd0, &yy, &mm, &dd);
        y0 = yy;
    }
    /* A file's last transition may lie anywhere in 64-bit time: the rule
     * only ever needs generating for the years we answer questions about,
     * and bounding them bounds the loop. */
    if (y0 < 1900)
        y0 = 1900;
    for (int y = y0; y <= TZ_LAST_YEAR; y++) {
        int64_t a = rule_local(&r1, y) - std; /* DST starts; rule time in standard time */
        int64_t b = rule_local(&r2, y) - dst; /* DST ends; rule time in daylight time */
        int64_t t1 = a < b ? a : b, t2 = a < b ? b : a;
        int32_t o1 = a < b ? dst : std, o2 = a < b ? std : dst;
        if (t1 > last) {
            if (push(z, cap, t1, o1) < 0)
                goto nomem;
            last = t1;
        }
        if (t2 > last) {
            if (push(z, cap, t2, o2) < 0)
                goto nomem;
            last = t2;
        }
    }
    return 0;
bad:
    snprintf(err, errcap, "unsupported TZ rule '%.60s'", s);
    return -1;
nomem:
    snprintf(err, errcap, "out of memory or too many transitions");
    return -1;
}

int sr__tz_parse(sr__tz *z, const unsigned char *buf, size_t len, char *err, size_t errcap)
{
    uint32_t cap = 0;
    z->n = 0;
    z->at = NULL;
    z->off = NULL;
    z->off0 = 0;
    if (len < 44 || memcmp(buf, "TZif", 4)) {
        snprintf(err, errcap, "not a TZif file");
        return -1;
    }
    int version = buf[4] ? buf[4] - '0' : 1;
    const unsigned char *h = buf;
    size_t pos = 0;
    int tsize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (pos + 44 > len || memcmp(h, "TZif", 4))
            goto trunc;
        uint32_t isutcnt = be32(h + 20), isstdcnt = be32(h + 24), leapcnt = be32(h + 28);
        uint32_t timecnt = be32(h + 32), typecnt = be32(h + 36), charcnt = be32(h + 40);
        if (timecnt > TZ_MAX_TRANS || typecnt == 0 || typecnt > TZ_MAX_TYPES || charcnt > 4096 ||
            leapcnt > 1000 || isutcnt > TZ_MAX_TYPES || isstdcnt > TZ_MAX_TYPES) {
            snprintf(err, errcap, "TZif counts out of range");
            return -1;
        }
        size_t body = (size_t)timecnt * (size_t)tsize + timecnt + (size_t)typecnt * 6 + charcnt +
                      (size_t)leapcnt * (size_t)(tsize + 4) + isstdcnt + isutcnt;
        pos += 44;
        if (body > len - pos)
            goto trunc;
        const unsigned char *d = buf + pos;
        if (pass == 0 && version >= 2) {
            /* Skip the 32-bit block: the 64-bit one follows. */
            pos += body;
            h = buf + pos;
            tsize = 8;
            continue;
        }
        const unsigned char *times = d, *idx = d + (size_t)timecnt * (size_t)tsize, *types = idx + timecnt;
        for (uint32_t i = 0; i < typecnt; i++) {
            int32_t off = (int32_t)be32(types + 6 * i);
            if (off < -26 * 3600 || off > 26 * 3600) {
                snprintf(err, errcap, "TZif offset out of range");
                goto fail;
            }
        }
        z->off0 = (int32_t)be32(types);
        int64_t prev = INT64_MIN;
        for (uint32_t i = 0; i < timecnt; i++) {
            int64_t t = tsize == 8 ? be64(times + 8 * i) : (int64_t)(int32_t)be32(times + 4 * i);
            if (idx[i] >= typecnt || t <= prev) {
                snprintf(err, errcap, "TZif transition %u invalid", i);
                goto fail;
            }
            prev = t;
            /* Transitions beyond +-2^40 s (35,000 years) carry no meaning
             * and would overflow the civil-date arithmetic. */
            if (t < -((int64_t)1 << 40) || t > ((int64_t)1 << 40)) {
                snprintf(err, errcap, "TZif transition %u out of range", i);
                goto fail;
            }
            if (push(z, &cap, t, (int32_t)be32(types + 6 * idx[i])) < 0) {
                snprintf(err, errcap, "out of memory");
                goto fail;
            }
        }
        pos += body;
        if (version >= 2 && pos < len && buf[pos] == '\n') {
            size_t e = pos + 1;
            while (e < len && buf[e] != '\n' && e - pos < 128)
                e++;
            if (e >= len || buf[e] != '\n') {
                snprintf(err, errcap, "TZif footer malformed");
                goto fail;
            }
            char foot[130];
            memcpy(foot, buf + pos + 1, e - pos - 1);
            foot[e - pos - 1] = 0;
            if (foot[0] && apply_footer(z, &cap, foot, err, errcap) < 0)
                goto fail;
        }
        return 0;
    }
trunc:
    snprintf(err, errcap, "TZif file truncated");
fail:
    sr__tz_free(z);
    return -1;
}

/* A zone name is a relative path below the database: letters, digits and
 * "_+-/" only, no "..", so it can never leave that directory. */
static int name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= 64 || name[0] == '/' || strstr(name, ".."))
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '+' || *p == '-' || *p == '/'))
            return 0;
    return 1;
}

int sr__tz_load(sr__tz *z, const char *name, char *err, size_t errcap)
{
    memset(z, 0, sizeof *z);
    if (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC") || !strcmp(name, "Z")) {
        snprintf(z->name, sizeof z->name, "%s", name);
        return 0;
    }
    if ((name[0] == '+' || name[0] == '-') && strlen(name) == 6 && name[3] == ':') {
        int32_t off;
        const char *e = parse_hms(name, &off);
        if (!e || *e || off < -14 * 3600 || off > 14 * 3600) {
            snprintf(err, errcap, "bad UTC offset '%s'", name);
            return -1;
        }
        z->off0 = off;
        snprintf(z->name, sizeof z->name, "%s", name);
        return 0;
    }
    if (!name_ok(name)) {
        snprintf(err, errcap, "bad time zone name '%.80s'", name);
        return -1;
    }
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    /* Through the data file opener (file.h): a FIFO in the database
     * cannot hang us, and the size cap is exact. */
    char *buf = NULL, msg[512];
    size_t len = 0;
    int absent = 0;
    sr_code rc = sr__data_read(path, path, TZ_MAX_FILE, &buf, &len, msg, sizeof msg, &absent);
    int big = rc == SR_ELIMIT;
    if (rc != SR_OK && !big) {
        if (absent)
            snprintf(err, errcap, "unknown time zone '%s' (%s: %s; is tzdata installed?)", name, path,
                     strerror(ENOENT));
        else
            snprintf(err, errcap, "time zone '%s': %s", name, msg);
        return -1;
    }
    int r = -1;
    if (big)
        snprintf(err, errcap, "time zone file %s larger than %d bytes", path, TZ_MAX_FILE);
    else
        r = sr__tz_parse(z, (const unsigned char *)buf, len, err, errcap);
    free(buf);
    if (r == 0)
        snprintf(z->name, sizeof z->name, "%s", name);
    else if (!big) {
        char tmp[256];
        snprintf(tmp, sizeof tmp, "%s", err);
        snprintf(err, errcap, "time zone '%s': %s", name, tmp);
    }
    return r;
}
