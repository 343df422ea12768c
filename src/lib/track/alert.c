/*
 * alert.c - alerts of the tracking store and their delivery outbox.
 *
 * Two kinds: "delay", raised by the ETA update when a shipment's delay
 * passes its threshold or its ETA passes the promised date, and "missing",
 * raised by a timer (sr_alerts_check(), run by the server every
 * --alert-interval) when the next milestone of the plan, shifted by the
 * current delay, has had no event by its time plus a margin.  Each is
 * raised once per shipment and milestone (a unique key), and queued in
 * `deliveries` for every live webhook in the same transaction, so an alert
 * is never lost between the store and the webhook sender, even across a
 * restart.  The sender (src/server/webhook.c) takes due deliveries, posts
 * them and reports back; failures are retried with backoff.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "track.h"

int sr__alert_raise(sr_store *st, int64_t sid, const char *kind, const char *milestone, const char *message)
{
    sr__db *db = st->db;
    int64_t now = sr__st_now(st);
    sr__dbv p[5] = {sr__dbi(sid), sr__dbs(kind), sr__dbs(milestone), sr__dbi(now), sr__dbs(message)};
    sr__dbrows r;
    int rc = db->ops->exec(db,
                           "INSERT INTO alerts (shipment_id, kind, milestone, created, message) VALUES ($1, $2, $3, $4, $5)"
                           " ON CONFLICT DO NOTHING RETURNING id",
                           p, 5, &r);
    if (rc)
        return rc;
    if (r.nrows) {
        sr__dbv q[2] = {sr__dbi(atoll(sr__cell(&r, 0, 0))), sr__dbi(now)};
        rc = db->ops->exec(db,
                           "INSERT INTO deliveries (webhook_id, alert_id, next_attempt)"
                           " SELECT id, CAST($1 AS BIGINT), CAST($2 AS BIGINT) FROM webhooks WHERE revoked IS NULL",
                           q, 2, NULL);
    }
    sr__dbrows_free(&r);
    return rc;
}

sr_code sr_alerts_check(sr_store *st, int64_t margin_s, size_t *raised)
{
    st->err[0] = '\0';
    if (raised)
        *raised = 0;
    if (margin_s < 0)
        return sr__st_fail(st, SR_EARG, "margin: expected 0 or more seconds");
    sr__db *db = st->db;
    int64_t now = sr__st_now(st);
    int rc = db->ops->begin(db, 1);
    sr__dbrows r;
    if (!rc)
        rc = db->ops->exec(db,
                           "SELECT id, plan, eta, planned_arrival, basis_pt, status FROM shipments"
                           " WHERE status <> 'delivered' ORDER BY id",
                           NULL, 0, &r);
    if (rc) {
        db->ops->rollback(db);
        return sr__st_dbfail(st, rc, "alerts");
    }
    size_t n = 0;
    for (size_t i = 0; i < r.nrows && !rc; i++) {
        json_t *plan = json_loads(sr__cell(&r, i, 1), 0, NULL);
        long basis = atol(sr__cell(&r, i, 4));
        int64_t delay = atoll(sr__cell(&r, i, 2)) - atoll(sr__cell(&r, i, 3));
        size_t next = (size_t)(basis + 1);
        json_t *pt = json_array_get(plan, basis < 0 ? 0 : next);
        if (pt) {
            const char *place = json_string_value(json_object_get(pt, "place"));
            /* Not yet left: the departure from the origin is due; else the
             * arrival at the next place of the plan. */
            int64_t due = json_integer_value(json_object_get(pt, basis < 0 ? "depart" : "arrive")) + delay;
            if (place && now > due + margin_s) {
                char ms[96], msg[256], when[40];
                snprintf(ms, sizeof ms, "%s:%s", basis < 0 ? "depart" : "arrive", place);
                sr_time_format(due, 0, when, sizeof when);
                snprintf(msg, sizeof msg, "no event for the %s %s %s, due %s (plus a margin of %.1f h)",
                         basis < 0 ? "departure from" : "arrival at", place, basis < 0 ? "yet" : "yet", when,
                         (double)margin_s / 3600.0);
                sr__dbrows before;
                sr__dbv p = sr__dbi(atoll(sr__cell(&r, i, 0)));
                rc = db->ops->exec(db, "SELECT COUNT(*) FROM alerts WHERE shipment_id = $1", &p, 1, &before);
                long had = rc ? 0 : atol(sr__cell(&before, 0, 0));
                sr__dbrows_free(&before);
                if (!rc)
                    rc = sr__alert_raise(st, atoll(sr__cell(&r, i, 0)), "missing", ms, msg);
                sr__dbrows after;
                if (!rc && !(rc = db->ops->exec(db, "SELECT COUNT(*) FROM alerts WHERE shipment_id = $1", &p, 1, &after))) {
                    n += (size_t)(atol(sr__cell(&after, 0, 0)) - had);
                    sr__dbrows_free(&after);
                }
            }
        }
        json_decref(plan);
    }
    sr__dbrows_free(&r);
    if (!rc)
        rc = db->ops->commit(db);
    if (rc) {
        db->ops->rollback(db);
        return sr__st_dbfail(st, rc, "alerts");
    }
    if (raised)
        *raised = n;
    return SR_OK;
}

static json_t *alert_obj(const sr__dbrows *r, size_t i)
{
    char when[40];
    sr_time_format(atoll(sr__cell(r, i, 4)), 0, when, sizeof when);
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)atoll(sr__cell(r, i, 0)), "shipment",
                     sr__cell(r, i, 1), "kind", sr__cell(r, i, 2), "milestone", sr__cell(r, i, 3), "created", when,
                     "message", sr__cell(r, i, 5));
}

static sr_code dump(json_t *o, unsigned flags, char **out)
{
    *out = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) |
                                 (flags & SR_JSON_PRETTY ? JSON_INDENT(1) : JSON_COMPACT))
             : NULL;
    json_decref(o);
    return *out ? SR_OK : SR_ENOMEM;
}

sr_code sr_changes_json(sr_store *st, int64_t after_eta, int64_t after_alert, size_t limit, unsigned flags, char **out)
{
    *out = NULL;
    st->err[0] = '\0';
    if (limit < 1 || limit > 1000)
        return sr__st_fail(st, SR_EARG, "limit: expected 1 to 1000");
    sr__dbv p[2] = {sr__dbi(after_alert), sr__dbi((int64_t)limit)};
    sr__dbrows a, h;
    int rc = st->db->ops->exec(st->db,
                               "SELECT a.id, s.ref, a.kind, a.milestone, a.created, a.message FROM alerts a"
                               " JOIN shipments s ON s.id = a.shipment_id WHERE a.id > $1 ORDER BY a.id LIMIT $2",
                               p, 2, &a);
    if (rc)
        return sr__st_dbfail(st, rc, "alerts");
    p[0] = sr__dbi(after_eta);
    rc = st->db->ops->exec(st->db,
                           "SELECT h.id, s.ref, h.eta, h.delay_s, h.position, h.computed_at, s.status FROM eta_history h"
                           " JOIN shipments s ON s.id = h.shipment_id WHERE h.id > $1 ORDER BY h.id LIMIT $2",
                           p, 2, &h);
    if (rc) {
        sr__dbrows_free(&a);
        return sr__st_dbfail(st, rc, "changes");
    }
    json_t *aa = json_array(), *hh = json_array();
    for (size_t i = 0; i < a.nrows; i++)
        json_array_append_new(aa, alert_obj(&a, i));
    for (size_t i = 0; i < h.nrows; i++) {
        char eta[40], at[40];
        sr_time_format(atoll(sr__cell(&h, i, 2)), 0, eta, sizeof eta);
        sr_time_format(atoll(sr__cell(&h, i, 5)), 0, at, sizeof at);
        json_array_append_new(hh, json_pack("{s:I,s:s,s:s,s:f,s:s?,s:s,s:s}", "id", (json_int_t)atoll(sr__cell(&h, i, 0)),
                                            "shipment", sr__cell(&h, i, 1), "eta", eta, "delay_h",
                                            (double)atoll(sr__cell(&h, i, 3)) / 3600.0, "position", sr__cell(&h, i, 4),
                                            "computed_at", at, "status", sr__cell(&h, i, 6)));
    }
    sr__dbrows_free(&a);
    sr__dbrows_free(&h);
    return dump(json_pack("{s:s,s:o,s:o}", "code", "Ok", "alerts", aa, "eta", hh), flags, out);
}

/* ---------------------------------------------------------------------------
 * Webhooks
 * ------------------------------------------------------------------------- */

sr_code sr_webhook_add(sr_store *st, const char *url, char **secret, int64_t *id)
{
    *secret = NULL;
    st->err[0] = '\0';
    size_t n = url ? strlen(url) : 0;
    if (n < 8 || n > 512 || strncmp(url, "http://", 7))
        return sr__st_fail(st, SR_EARG, "url: expected http://HOST[:PORT]/PATH, at most 512 bytes");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] >= 0x7f)
            return sr__st_fail(st, SR_EARG, "url: spaces, control and non-ASCII characters must be percent-encoded");
    unsigned char raw[24];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        return sr__st_fail(st, SR_EIO, "cannot read random bytes: %s", strerror(errno));
    char *sec = malloc(6 + 2 * sizeof raw + 1);
    if (!sec)
        return SR_ENOMEM;
    memcpy(sec, "whsec_", 6);
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(sec + 6 + 2 * i, 3, "%02x", raw[i]);
    /* The secret is stored as it is: the sender needs it to sign. */
    sr__dbv p[3] = {sr__dbs(url), sr__dbs(sec), sr__dbi(sr__st_now(st))};
    sr__dbrows r;
    int rc = st->db->ops->exec(st->db, "INSERT INTO webhooks (url, secret, created) VALUES ($1, $2, $3) RETURNING id", p,
                               3, &r);
    if (rc) {
        free(sec);
        return sr__st_dbfail(st, rc, "webhook");
    }
    if (id)
        *id = atoll(sr__cell(&r, 0, 0));
    sr__dbrows_free(&r);
    *secret = sec;
    return SR_OK;
}

sr_code sr_webhook_remove(sr_store *st, int64_t id)
{
    st->err[0] = '\0';
    sr__dbv p[2] = {sr__dbi(sr__st_now(st)), sr__dbi(id)};
    sr__dbrows r;
    int rc = st->db->ops->exec(st->db, "UPDATE webhooks SET revoked = $1 WHERE id = $2 AND revoked IS NULL RETURNING id",
                               p, 2, &r);
    if (rc)
        return sr__st_dbfail(st, rc, "webhook");
    size_t k = r.nrows;
    sr__dbrows_free(&r);
    return k ? SR_OK : sr__st_fail(st, SR_ENOTFOUND, "webhook: no live webhook %lld", (long long)id);
}

sr_code sr_deliveries_due(sr_store *st, size_t max, sr_delivery **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    st->err[0] = '\0';
    sr__dbv p[2] = {sr__dbi(sr__st_now(st)), sr__dbi((int64_t)(max ? max : 1))};
    sr__dbrows r;
    int rc = st->db->ops->exec(
        st->db,
        "SELECT d.id, w.url, w.secret, d.attempts, a.id, s.ref, a.kind, a.milestone, a.created, a.message"
        " FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN alerts a ON a.id = d.alert_id"
        " JOIN shipments s ON s.id = a.shipment_id WHERE d.delivered IS NULL AND d.next_attempt IS NOT NULL"
        " AND d.next_attempt <= $1 AND w.revoked IS NULL ORDER BY d.next_attempt, d.id LIMIT $2",
        p, 2, &r);
    if (rc)
        return sr__st_dbfail(st, rc, "deliveries");
    if (!r.nrows) {
        sr__dbrows_free(&r);
        return SR_OK;
    }
    sr_delivery *d = calloc(r.nrows, sizeof *d);
    if (!d) {
        sr__dbrows_free(&r);
        return SR_ENOMEM;
    }
    for (size_t i = 0; i < r.nrows; i++) {
        d[i].id = atoll(sr__cell(&r, i, 0));
        d[i].url = strdup(sr__cell(&r, i, 1));
        d[i].secret = strdup(sr__cell(&r, i, 2));
        d[i].attempts = atoi(sr__cell(&r, i, 3));
        /* The alert columns start at 4, in alert_obj's order. */
        sr__dbrows one = {.nrows = 1, .ncols = r.ncols - 4, .cells = r.cells + i * r.ncols + 4};
        json_t *o = json_pack("{s:s,s:I,s:o}", "type", "alert", "delivery", (json_int_t)d[i].id, "alert",
                              alert_obj(&one, 0));
        d[i].body = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
    }
    *n = r.nrows;
    *out = d;
    sr__dbrows_free(&r);
    return SR_OK;
}

void sr_deliveries_free(sr_delivery *d, size_t n)
{
    for (size_t i = 0; d && i < n; i++) {
        free(d[i].url);
        free(d[i].secret);
        free(d[i].body);
    }
    free(d);
}

sr_code sr_delivery_done(sr_store *st, int64_t id, int ok, const char *error, int64_t retry_at)
{
    st->err[0] = '\0';
    int rc;
    if (ok) {
        sr__dbv p[2] = {sr__dbi(sr__st_now(st)), sr__dbi(id)};
        rc = st->db->ops->exec(st->db,
                               "UPDATE deliveries SET attempts = attempts + 1, delivered = $1, next_attempt = NULL,"
                               " last_error = NULL WHERE id = $2",
                               p, 2, NULL);
    } else {
        sr__dbv p[3] = {sr__dbs(error ? error : "failed"),
                        retry_at == SR_TIME_NONE ? sr__dbnull() : sr__dbi(retry_at), sr__dbi(id)};
        rc = st->db->ops->exec(st->db,
                               "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt = $2"
                               " WHERE id = $3",
                               p, 3, NULL);
    }
    return rc ? sr__st_dbfail(st, rc, "delivery") : SR_OK;
}
