/*
 * hours.c - opening days, hours and seasons of border crossings and
 * terminals, and the "when is it next open" questions the time-dependent
 * search asks.
 *
 * The data give opening rules in local time (crossings.csv: open_days
 * "daily" or "Mon;Tue", open_hours "HH:MM-HH:MM" or "24h", open_season
 * "MM-DD..MM-DD").  We keep the parsed rule and walk local days around the
 * asked instant, converting each day's window to UTC with the zone table,
 * so daylight-saving changes and windows past midnight come out right.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "timetable/tt.h"

#define SCAN_DAYS 400 /* a year and a month: covers any season */

static int parse_hhmm(const char *s, int32_t *out)
{
    if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == ':' && s[3] >= '0' &&
          s[3] <= '5' && s[4] >= '0' && s[4] <= '9'))
        return -1;
    int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
    if (h > 24 || (h == 24 && m))
        return -1;
    *out = h * 3600 + m * 60;
    return 0;
}

static int day_index(const char *s, size_t n)
{
    static const char *const names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    if (n < 3)
        return -1;
    for (int i = 0; i < 7; i++)
        if (!strncasecmp(s, names[i], 3))
            return i;
    return -1;
}

/* "MM-DD..MM-DD" with one or two ASCII digits per number: no sign and no
 * blank (sscanf's %d would take " 5" and "+5"). */
static int two(const char **p, int *v)
{
    const char *s = *p;
    if (!(s[0] >= '0' && s[0] <= '9'))
        return -1;
    *v = *s++ - '0';
    if (*s >= '0' && *s <= '9')
        *v = *v * 10 + (*s++ - '0');
    *p = s;
    return 0;
}

static int parse_season(const char *s, int *m1, int *d1, int *m2, int *d2)
{
    if (two(&s, m1) || *s++ != '-' || two(&s, d1) || strncmp(s, "..", 2))
        return -1;
    s += 2;
    if (two(&s, m2) || *s++ != '-' || two(&s, d2) || *s)
        return -1;
    return 0;
}

int sr__hours_parse(sr__hours *h, const char *days, const char *hours, const char *season, char *err,
                    size_t errcap)
{
    memset(h, 0, sizeof *h);
    h->zone = -1;
    h->days = 0x7f;
    h->open_s = 0;
    h->close_s = SR__DAY;
    int restricted = 0;
    if (*days && strcasecmp(days, "daily")) {
        h->days = 0;
        restricted = 1;
        const char *p = days;
        while (*p) {
            size_t n = strcspn(p, ";,");
            const char *dash = memchr(p, '-', n);
            int a, b;
            if (dash) {
                a = day_index(p, (size_t)(dash - p));
                b = day_index(dash + 1, n - (size_t)(dash - p) - 1);
            } else {
                a = b = day_index(p, n);
            }
            if (a < 0 || b < 0) {
                snprintf(err, errcap, "open_days: bad day list '%.60s' (daily, Mon;Tue or Mon-Fri)", days);
                return -1;
            }
            for (int i = a;; i = (i + 1) % 7) {
                h->days |= (uint8_t)(1u << i);
                if (i == b)
                    break;
            }
            p += n;
            if (*p)
                p++;
        }
    }
    if (*hours && strcasecmp(hours, "24h")) {
        restricted = 1;
        if (strlen(hours) != 11 || hours[5] != '-' || parse_hhmm(hours, &h->open_s) ||
            parse_hhmm(hours + 6, &h->close_s) || h->open_s == h->close_s) {
            snprintf(err, errcap, "open_hours: bad hours '%.60s' (HH:MM-HH:MM or 24h)", hours);
            return -1;
        }
    }
    if (*season) {
        int m1 = 0, d1 = 0, m2 = 0, d2 = 0;
        if (parse_season(season, &m1, &d1, &m2, &d2) < 0 || m1 < 1 || m1 > 12 ||
            m2 < 1 || m2 > 12 || d1 < 1 || d1 > 31 || d2 < 1 || d2 > 31) {
            snprintf(err, errcap, "open_season: bad season '%.60s' (MM-DD..MM-DD)", season);
            return -1;
        }
        restricted = 1;
        h->has_season = 1;
        h->season_from = (uint16_t)(m1 * 100 + d1);
        h->season_to = (uint16_t)(m2 * 100 + d2);
    }
    h->always = !restricted;
    return 0;
}

static int day_ok(const sr__hours *h, int64_t d)
{
    int dow = (int)(((d + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday; 0 = Monday */
    if (!(h->days >> dow & 1))
        return 0;
    if (h->has_season) {
        int y, m, dd;
        sr__civil_from_days(d, &y, &m, &dd);
        int md = m * 100 + dd;
        if (h->season_from <= h->season_to)
            return md >= h->season_from && md <= h->season_to;
        return md >= h->season_from || md <= h->season_to;
    }
    return 1;
}

static int64_t local_to_utc(const sr__tz *z, int64_t local) { return z ? sr__tz_to_utc(z, local) : local; }

static void window(const sr__hours *h, const sr__tz *z, int64_t d, int64_t *s, int64_t *e)
{
    int32_t close = h->close_s > h->open_s ? h->close_s : h->close_s + SR__DAY;
    *s = local_to_utc(z, d * SR__DAY + h->open_s);
    *e = local_to_utc(z, d * SR__DAY + close);
}

static int64_t local_day(const sr__tz *z, int64_t t)
{
    int64_t l = t + (z ? sr__tz_offset(z, t) : 0);
    return l / SR__DAY - (l % SR__DAY < 0);
}

int64_t sr__hours_next_open(const sr__hours *h, const sr__tz *z, int64_t t)
{
    if (h->always)
        return t;
    int64_t day = local_day(z, t);
    for (int k = -1; k <= SCAN_DAYS; k++) {
        if (!day_ok(h, day + k))
            continue;
        int64_t s, e;
        window(h, z, day + k, &s, &e);
        if (t < e)
            return t > s ? t : s;
    }
    return INT64_MAX;
}

int64_t sr__hours_prev_open(const sr__hours *h, const sr__tz *z, int64_t t)
{
    if (h->always)
        return t;
    int64_t day = local_day(z, t);
    for (int k = 1; k >= -SCAN_DAYS; k--) {
        if (!day_ok(h, day + k))
            continue;
        int64_t s, e;
        window(h, z, day + k, &s, &e);
        if (s <= t)
            return t < e ? t : e - 1;
    }
    return INT64_MIN;
}

int64_t sr__hours_open_until(const sr__hours *h, const sr__tz *z, int64_t t)
{
    if (h->always)
        return INT64_MAX;
    int64_t day = local_day(z, t);
    for (int k = -1; k <= 1; k++) {
        if (!day_ok(h, day + k))
            continue;
        int64_t s, e;
        window(h, z, day + k, &s, &e);
        if (s <= t && t < e) {
            /* Back-to-back windows (24h on consecutive days) run on. */
            int64_t until = e;
            for (int j = k + 1; j <= SCAN_DAYS && day_ok(h, day + j); j++) {
                window(h, z, day + j, &s, &e);
                if (s > until)
                    break;
                until = e;
            }
            return until;
        }
    }
    return t;
}
