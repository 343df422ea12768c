/*
 * model.c - the event model of shipment tracking: DCSA event types and
 * classifiers with the corridor's own milestones, delay reason codes,
 * ISO 6346 container numbers, and the strict JSON form of events used by
 * the HTTP API and `silkroute ship event --json`.
 */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track.h"

static const char *const type_names[SR_EV_TYPE_COUNT] = {
    "ARRI", "DEPA", "GTIN", "GTOT", "LOAD", "DISC", "STUF", "STRP", "RECE",
    "CONF", "ISSU", "BORD", "CUSR", "GAUG", "TRSH", "DLVR", "RETRACT",
};
static const char *const class_names[3] = {"PLN", "EST", "ACT"};

/* Delay reasons in the style of the SMDG delay reason codes that DCSA
 * refers to, kept to what holds up a container on these corridors. */
static const char *const reasons[] = {
    "WEA", /* weather */
    "CUS", /* customs inspection or documents held */
    "BOR", /* border crossing congestion */
    "GAU", /* gauge-change terminal congestion */
    "TRM", /* terminal congestion */
    "EQP", /* wagon, platform or equipment shortage */
    "DOC", /* shipping documents missing or wrong */
    "STR", /* strike */
    "ACC", /* accident */
    "INF", /* infrastructure works or closure */
    "CAP", /* no slot on the planned service */
    "SAN", /* sanctions or permit checks */
    "OTH", /* other, explained in the note */
};

const char *sr_event_type_name(sr_event_type t)
{
    return (unsigned)t < SR_EV_TYPE_COUNT ? type_names[t] : "?";
}

int sr_event_type_parse(const char *s)
{
    for (int i = 0; s && i < SR_EV_TYPE_COUNT; i++)
        if (!strcmp(s, type_names[i]))
            return i;
    return -1;
}

const char *sr_event_class_name(sr_event_class c) { return (unsigned)c < 3 ? class_names[c] : "?"; }

int sr_event_class_parse(const char *s)
{
    for (int i = 0; s && i < 3; i++)
        if (!strcmp(s, class_names[i]))
            return i;
    return -1;
}

int sr_delay_reason_valid(const char *code)
{
    for (size_t i = 0; code && i < sizeof reasons / sizeof reasons[0]; i++)
        if (!strcmp(code, reasons[i]))
            return 1;
    return 0;
}

int sr__event_departs(sr_event_type t)
{
    return t == SR_EV_DEPA || t == SR_EV_GTOT || t == SR_EV_LOAD || t == SR_EV_CUSR || t == SR_EV_GAUG ||
           t == SR_EV_TRSH;
}

/* ISO 6346 letter values: A=10 counting up, skipping 11, 22 and 33. */
static int letter_value(char c)
{
    int v = 10 + (c - 'A');
    if (v >= 11)
        v++;
    if (v >= 22)
        v++;
    if (v >= 33)
        v++;
    return v;
}

int sr_container_valid(const char *s)
{
    if (!s || strlen(s) != 11)
        return 0;
    for (int i = 0; i < 4; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    if (s[3] != 'U' && s[3] != 'J' && s[3] != 'Z')
        return 0;
    for (int i = 4; i < 11; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    long sum = 0;
    for (int i = 0; i < 10; i++) {
        int v = i < 4 ? letter_value(s[i]) : s[i] - '0';
        sum += (long)v << i;
    }
    return (int)(sum % 11 % 10) == s[10] - '0';
}

int sr__ref_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != '/' && c != '-')
            return 0;
    }
    return 1;
}

int sr__text_valid(const char *s, size_t max)
{
    if (!s)
        return 1;
    size_t n = strlen(s);
    if (n > max)
        return 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (!k || i + k > n || (k == 2 && c < 0xc2) || (k == 4 && c > 0xf4))
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((p[i + j] & 0xc0) != 0x80)
                return 0;
        if (k == 1 && c < 0x20 && c != '\n' && c != '\t')
            return 0;
        if (k == 1 && c == 0x7f)
            return 0;
        i += k;
    }
    return 1;
}

void sr_event_init(sr_event *e)
{
    memset(e, 0, sizeof *e);
    e->classifier = SR_EV_ACT;
    e->lat = e->lon = NAN;
    e->time = SR_TIME_NONE;
}

/* ---------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------- */

/* The UTC offset written at the end of an ISO 8601 time: "Z" or "+hh:mm".
 * Returns 0 and *off, or -1 when there is none. */
static int trailing_offset(const char *s, int32_t *off)
{
    size_t n = strlen(s);
    if (n >= 1 && (s[n - 1] == 'Z' || s[n - 1] == 'z')) {
        *off = 0;
        return 0;
    }
    if (n >= 6 && (s[n - 6] == '+' || s[n - 6] == '-') && isdigit((unsigned char)s[n - 5]) &&
        isdigit((unsigned char)s[n - 4]) && s[n - 3] == ':' && isdigit((unsigned char)s[n - 2]) &&
        isdigit((unsigned char)s[n - 1])) {
        int h = (s[n - 5] - '0') * 10 + (s[n - 4] - '0'), m = (s[n - 2] - '0') * 10 + (s[n - 1] - '0');
        *off = (int32_t)((h * 3600 + m * 60) * (s[n - 6] == '-' ? -1 : 1));
        return 0;
    }
    return -1;
}

static sr_code fail(char *err, size_t cap, sr_code c, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static sr_code fail(char *err, size_t cap, sr_code c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return c;
}

static sr_code one_event(json_t *o, const char *at, sr_event *e, char *err, size_t cap)
{
    sr_event_init(e);
    if (!json_is_object(o))
        return fail(err, cap, SR_EARG, "%s: expected a JSON object", at);
    const char *k;
    json_t *v;
    int have_type = 0;
    json_object_foreach(o, k, v)
    {
        const char *sv = json_is_string(v) ? json_string_value(v) : NULL;
        if (!strcmp(k, "lat") || !strcmp(k, "lon")) {
            if (!json_is_number(v))
                return fail(err, cap, SR_EARG, "%s.%s: expected a number", at, k);
            double d = json_number_value(v);
            if (!isfinite(d) || fabs(d) > (k[1] == 'a' ? 90 : 180))
                return fail(err, cap, SR_EARG, "%s.%s: out of range", at, k);
            if (k[1] == 'a')
                e->lat = d;
            else
                e->lon = d;
            continue;
        }
        if (!strcmp(k, "retracts")) {
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                return fail(err, cap, SR_EARG, "%s.retracts: expected a positive event id", at);
            e->retracts = json_integer_value(v);
            continue;
        }
        if (!strcmp(k, "note") && json_is_null(v))
            continue;
        if (!sv)
            return fail(err, cap, SR_EARG, "%s.%s: expected a string", at, k);
        if (!strcmp(k, "shipment")) {
            e->shipment = sv;
        } else if (!strcmp(k, "type")) {
            int t = sr_event_type_parse(sv);
            if (t < 0)
                return fail(err, cap, SR_EARG, "%s.type: unknown event type '%.16s'", at, sv);
            e->type = (sr_event_type)t;
            have_type = 1;
        } else if (!strcmp(k, "classifier")) {
            int c = sr_event_class_parse(sv);
            if (c < 0)
                return fail(err, cap, SR_EARG, "%s.classifier: expected PLN, EST or ACT; got '%.16s'", at, sv);
            e->classifier = (sr_event_class)c;
        } else if (!strcmp(k, "place")) {
            e->place = sv;
        } else if (!strcmp(k, "time")) {
            int64_t t;
            int32_t off;
            if (trailing_offset(sv, &off) || sr_time_parse(sv, NULL, &t) != SR_OK)
                return fail(err, cap, SR_EARG,
                            "%s.time: expected an ISO 8601 time with its UTC offset (2026-06-03T08:00+08:00); got '%.40s'",
                            at, sv);
            e->time = t;
            e->utc_offset_s = off;
        } else if (!strcmp(k, "container")) {
            e->container = sv;
        } else if (!strcmp(k, "key")) {
            e->key = sv;
        } else if (!strcmp(k, "reason")) {
            e->reason = sv;
        } else if (!strcmp(k, "note")) {
            e->note = sv;
        } else {
            return fail(err, cap, SR_EARG, "%s: unknown field '%.64s'", at, k);
        }
    }
    if (!have_type)
        return fail(err, cap, SR_EARG, "%s.type: missing", at);
    if (e->time == SR_TIME_NONE)
        return fail(err, cap, SR_EARG, "%s.time: missing", at);
    if (!e->key)
        return fail(err, cap, SR_EARG, "%s.key: missing (an idempotency key makes retries safe)", at);
    return SR_OK;
}

sr_code sr__events_from_json(const char *json, size_t len, sr_event *ev, size_t max, size_t *n, void **hold,
                             char *err, size_t errcap)
{
    *n = 0;
    *hold = NULL;
    json_error_t je;
    /* Duplicate keys are refused: which one would win is not obvious. */
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return fail(err, errcap, SR_EARG, "body: malformed JSON at line %d column %d: %s", je.line, je.column,
                    je.text);
    *hold = root;
    json_t *arr = json_is_object(root) ? json_object_get(root, "events") : NULL;
    if (!arr) {
        sr_code c = one_event(root, "event", &ev[0], err, errcap);
        if (c == SR_OK)
            *n = 1;
        return c;
    }
    if (json_object_size(root) != 1)
        return fail(err, errcap, SR_EARG, "body: a batch has only the member 'events'");
    if (!json_is_array(arr))
        return fail(err, errcap, SR_EARG, "events: expected an array");
    size_t k = json_array_size(arr);
    if (k == 0)
        return fail(err, errcap, SR_EARG, "events: empty batch");
    if (k > max)
        return fail(err, errcap, SR_ELIMIT, "events: %zu events in one batch; at most %zu", k, max);
    for (size_t i = 0; i < k; i++) {
        char at[32];
        snprintf(at, sizeof at, "events[%zu]", i);
        sr_code c = one_event(json_array_get(arr, i), at, &ev[i], err, errcap);
        if (c != SR_OK)
            return c;
    }
    *n = k;
    return SR_OK;
}

void sr__events_json_free(void *hold) { json_decref(hold); }
