/*
 * store.c - opening a tracking store: choosing the backend from the URI,
 * the versioned schema and its migrations, errors and the clock; and the
 * server's API tokens (random, shown once, stored as SHA-256 only).
 */
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "track.h"

/* Each migration takes the schema from version i to i + 1; statements run
 * in one transaction with the version update, so a store is never half
 * migrated.  Never edit a released step: add one. */
static const char *const migration_1[] = {
    "CREATE TABLE shipments (id @PK@, ref TEXT NOT NULL UNIQUE, containers TEXT NOT NULL, unit TEXT NOT NULL,"
    " quantity DOUBLE PRECISION NOT NULL, origin TEXT NOT NULL, destination TEXT NOT NULL,"
    " route_json TEXT NOT NULL, plan TEXT NOT NULL, ready BIGINT NOT NULL, promised BIGINT,"
    " planned_arrival BIGINT NOT NULL, late_after_s BIGINT NOT NULL, created BIGINT NOT NULL,"
    " status TEXT NOT NULL, late INTEGER NOT NULL DEFAULT 0, eta BIGINT NOT NULL, position TEXT,"
    " position_time BIGINT, pos_lat DOUBLE PRECISION, pos_lon DOUBLE PRECISION, updated BIGINT NOT NULL)",
    "CREATE TABLE events (id @PK@, shipment_id BIGINT NOT NULL REFERENCES shipments(id),"
    " idem_key TEXT NOT NULL, type TEXT NOT NULL, classifier TEXT NOT NULL, place TEXT,"
    " lat DOUBLE PRECISION, lon DOUBLE PRECISION, event_time BIGINT NOT NULL, utc_offset INTEGER NOT NULL,"
    " record_time BIGINT NOT NULL, source TEXT, container TEXT, reason TEXT, note TEXT, retracts BIGINT,"
    " UNIQUE (shipment_id, idem_key))",
    "CREATE INDEX events_by_time ON events (shipment_id, event_time)",
    "CREATE TABLE eta_history (id @PK@, shipment_id BIGINT NOT NULL REFERENCES shipments(id),"
    " computed_at BIGINT NOT NULL, event_id BIGINT, eta BIGINT NOT NULL, delay_s BIGINT NOT NULL, position TEXT)",
    "CREATE INDEX eta_by_shipment ON eta_history (shipment_id, id)",
    "CREATE TABLE tokens (id @PK@, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,"
    " per_minute BIGINT NOT NULL, created BIGINT NOT NULL, revoked BIGINT)",
    NULL,
};
/* Version 2: alerts (a delay past the threshold, a milestone with no event
 * by its time plus a margin), webhooks and their deliveries (an outbox, so
 * an alert is delivered even when the server restarts in between), and
 * the plan point the ETA is based on (for the milestone timer). */
static const char *const migration_2[] = {
    "ALTER TABLE shipments ADD COLUMN basis_pt INTEGER NOT NULL DEFAULT -1",
    "CREATE TABLE alerts (id @PK@, shipment_id BIGINT NOT NULL REFERENCES shipments(id), kind TEXT NOT NULL,"
    " milestone TEXT NOT NULL, created BIGINT NOT NULL, message TEXT NOT NULL, UNIQUE (shipment_id, kind, milestone))",
    "CREATE TABLE webhooks (id @PK@, url TEXT NOT NULL, secret TEXT NOT NULL, created BIGINT NOT NULL, revoked BIGINT)",
    "CREATE TABLE deliveries (id @PK@, webhook_id BIGINT NOT NULL REFERENCES webhooks(id),"
    " alert_id BIGINT NOT NULL REFERENCES alerts(id), attempts INTEGER NOT NULL DEFAULT 0, next_attempt BIGINT,"
    " delivered BIGINT, last_error TEXT, UNIQUE (webhook_id, alert_id))",
    "CREATE INDEX deliveries_due ON deliveries (next_attempt)",
    /* The ETA update asks which events are retracted. */
    "CREATE INDEX events_retracts ON events (retracts)",
    NULL,
};
/* Version 3: the P90 end of the ETA band, beside the P50 `eta`, in the
 * shipment and in every history entry (NULL in entries made before), and
 * an index of deliveries. */
static const char *const migration_3[] = {
    "ALTER TABLE shipments ADD COLUMN eta_p90 BIGINT",
    "ALTER TABLE eta_history ADD COLUMN eta_p90 BIGINT",
    /* The ETA update asks for a shipment's delivery: without this index
     * it read every event of the shipment (EXPLAIN QUERY PLAN). */
    "CREATE INDEX events_delivered ON events (shipment_id, event_time) WHERE type = 'DLVR'",
    NULL,
};
static const char *const *const migrations[] = {migration_1, migration_2, migration_3};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

sr_code sr__st_fail(sr_store *st, sr_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err, sizeof st->err, fmt, ap);
    va_end(ap);
    return code;
}

sr_code sr__st_dbfail(sr_store *st, int rc, const char *what)
{
    const char *m = st->db ? st->db->ops->errmsg(st->db) : "";
    switch (rc) {
    case SR__DB_EFULL: return sr__st_fail(st, SR_EIO, "%s: disk full: %s", what, m);
    case SR__DB_EBUSY: return sr__st_fail(st, SR_ESTORE, "%s: store busy (locked by other writers): %s", what, m);
    case SR__DB_EUNIQUE: return sr__st_fail(st, SR_ECONFLICT, "%s: %s", what, m);
    default: return sr__st_fail(st, SR_ESTORE, "%s: %s", what, m);
    }
}

int64_t sr__st_now(const sr_store *st)
{
    if (st->clock != SR_TIME_NONE)
        return st->clock;
    return (int64_t)time(NULL);
}

void sr_store_set_clock(sr_store *st, int64_t now)
{
    if (st)
        st->clock = now;
}

const char *sr_store_errmsg(const sr_store *st) { return st ? st->err : ""; }

void sr_store_defer_checkpoints(sr_store *st)
{
    if (st && st->db)
        st->db->ops->defer_checkpoints(st->db);
}

sr_code sr_store_checkpoint(sr_store *st)
{
    int rc = st && st->db ? st->db->ops->checkpoint(st->db) : 0;
    return rc ? sr__st_dbfail(st, rc, "checkpoint") : SR_OK;
}
const char *sr_store_backend(const sr_store *st) { return st && st->db ? st->db->ops->name : "none"; }
int sr_store_schema_version(const sr_store *st) { return st ? st->version : 0; }

static int run_ddl(sr__db *db, const char *sql)
{
    /* Replace @PK@ with the backend's auto-numbered key type. */
    char buf[2048];
    const char *pk = strstr(sql, "@PK@");
    if (pk) {
        snprintf(buf, sizeof buf, "%.*s%s%s", (int)(pk - sql), sql, db->ops->pk_type, pk + 4);
        sql = buf;
    }
    /* DDL runs once per open: bypass the statement cache, which is keyed by
     * the SQL's address and must only ever see string literals. */
    return db->ops->exec(db, sql, NULL, -1, NULL);
}

static sr_code migrate(sr_store *st)
{
    sr__db *db = st->db;
    int rc = db->ops->begin(db, 1);
    if (!rc)
        rc = db->ops->lock_schema(db);
    if (!rc)
        rc = db->ops->exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", NULL, 0, NULL);
    sr__dbrows r;
    if (!rc)
        rc = db->ops->exec(db, "SELECT version FROM schema_version", NULL, 0, &r);
    if (rc) {
        db->ops->rollback(db);
        return sr__st_dbfail(st, rc, "store schema");
    }
    int v = 0;
    int have = r.nrows > 0;
    if (have && sr__cell(&r, 0, 0))
        v = atoi(sr__cell(&r, 0, 0));
    sr__dbrows_free(&r);
    if (v > SCHEMA_VERSION) {
        db->ops->rollback(db);
        return sr__st_fail(st, SR_ESTORE, "store schema version %d is newer than this silkroute knows (%d); upgrade silkroute",
                           v, SCHEMA_VERSION);
    }
    for (int m = v; m < SCHEMA_VERSION && !rc; m++)
        for (const char *const *s = migrations[m]; *s && !rc; s++)
            rc = run_ddl(db, *s);
    if (!rc && v < SCHEMA_VERSION) {
        sr__dbv p = sr__dbi(SCHEMA_VERSION);
        rc = have ? db->ops->exec(db, "UPDATE schema_version SET version = $1", &p, 1, NULL)
                  : db->ops->exec(db, "INSERT INTO schema_version (version) VALUES ($1)", &p, 1, NULL);
    }
    if (!rc)
        rc = db->ops->commit(db);
    if (rc) {
        db->ops->rollback(db);
        return sr__st_dbfail(st, rc, "store schema migration");
    }
    st->version = SCHEMA_VERSION;
    return SR_OK;
}

sr_code sr_store_open(const char *uri, sr_store **out)
{
    *out = NULL;
    sr_store *st = calloc(1, sizeof *st);
    if (!st)
        return SR_ENOMEM;
    st->clock = SR_TIME_NONE;
    *out = st;
    if (!uri || !*uri)
        return sr__st_fail(st, SR_EARG, "store: no path or URI given");
    if (!strncmp(uri, "postgresql://", 13) || !strncmp(uri, "postgres://", 11))
        st->db = sr__pg_open(uri, st->err, sizeof st->err);
    else
        st->db = sr__sqlite_open(!strncmp(uri, "sqlite:", 7) ? uri + 7 : uri, st->err, sizeof st->err);
    if (!st->db)
        return strstr(st->err, "out of memory") ? SR_ENOMEM : SR_ESTORE;
    return migrate(st);
}

void sr_store_close(sr_store *st)
{
    if (!st)
        return;
    if (st->db)
        st->db->ops->close(st->db);
    sr__plan_cache_free(st->plans);
    free(st);
}

/* ---------------------------------------------------------------------------
 * Tokens
 * ------------------------------------------------------------------------- */

static int sha256_hex(const char *s, char hex[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    if (!EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) || n != 32)
        return -1;
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

static const char *role_name(sr_role r) { return r == SR_ROLE_WRITER ? "writer" : "reader"; }

sr_code sr_token_create(sr_store *st, const char *name, sr_role role, long per_minute, char **token)
{
    *token = NULL;
    if (!sr__ref_valid(name))
        return sr__st_fail(st, SR_EARG, "name: expected 1 to 64 of A-Z a-z 0-9 . _ / -");
    if (role != SR_ROLE_READER && role != SR_ROLE_WRITER)
        return sr__st_fail(st, SR_EARG, "role: expected reader or writer");
    if (per_minute < 1 || per_minute > 1000000)
        return sr__st_fail(st, SR_EARG, "rate: expected 1 to 1000000 requests per minute");
    unsigned char raw[32];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t k = getrandom(raw + got, sizeof raw - got, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return sr__st_fail(st, SR_EIO, "cannot read random bytes: %s", strerror(errno));
        got += (size_t)k;
    }
    char *tok = malloc(4 + 64 + 1);
    if (!tok)
        return SR_ENOMEM;
    memcpy(tok, "srt_", 4);
    for (int i = 0; i < 32; i++)
        snprintf(tok + 4 + 2 * i, 3, "%02x", raw[i]);
    char hex[65];
    if (sha256_hex(tok, hex)) {
        free(tok);
        return sr__st_fail(st, SR_EINTERNAL, "SHA-256 failed");
    }
    sr__dbv p[5] = {sr__dbs(name), sr__dbs(role_name(role)), sr__dbs(hex), sr__dbi(per_minute),
                    sr__dbi(sr__st_now(st))};
    int rc = st->db->ops->exec(st->db,
                               "INSERT INTO tokens (name, role, hash, per_minute, created) VALUES ($1, $2, $3, $4, $5)",
                               p, 5, NULL);
    if (rc) {
        free(tok);
        if (rc == SR__DB_EUNIQUE)
            return sr__st_fail(st, SR_ECONFLICT, "name: a token named '%s' exists", name);
        return sr__st_dbfail(st, rc, "token create");
    }
    *token = tok;
    return SR_OK;
}

sr_code sr_token_check(sr_store *st, const char *token, sr_role *role, char *name, long *per_minute)
{
    char hex[65];
    if (!token || strlen(token) > 256 || sha256_hex(token, hex))
        return sr__st_fail(st, SR_ENOTFOUND, "unknown token");
    sr__dbv p = sr__dbs(hex);
    sr__dbrows r;
    int rc = st->db->ops->exec(st->db, "SELECT name, role, per_minute FROM tokens WHERE hash = $1 AND revoked IS NULL",
                               &p, 1, &r);
    if (rc)
        return sr__st_dbfail(st, rc, "token check");
    if (r.nrows == 0) {
        sr__dbrows_free(&r);
        return sr__st_fail(st, SR_ENOTFOUND, "unknown or revoked token");
    }
    if (name)
        snprintf(name, 65, "%s", sr__cell(&r, 0, 0));
    if (role)
        *role = !strcmp(sr__cell(&r, 0, 1), "writer") ? SR_ROLE_WRITER : SR_ROLE_READER;
    if (per_minute)
        *per_minute = atol(sr__cell(&r, 0, 2));
    sr__dbrows_free(&r);
    return SR_OK;
}

sr_code sr_token_revoke(sr_store *st, const char *name)
{
    sr__dbv p[2] = {sr__dbi(sr__st_now(st)), sr__dbs(name)};
    sr__dbrows r;
    int rc = st->db->ops->exec(st->db, "UPDATE tokens SET revoked = $1 WHERE name = $2 AND revoked IS NULL RETURNING id",
                               p, 2, &r);
    if (rc)
        return sr__st_dbfail(st, rc, "token revoke");
    size_t n = r.nrows;
    sr__dbrows_free(&r);
    if (!n)
        return sr__st_fail(st, SR_ENOTFOUND, "name: no live token named '%s'", name ? name : "");
    return SR_OK;
}

sr_code sr_token_list_json(sr_store *st, unsigned flags, char **out)
{
    *out = NULL;
    sr__dbrows r;
    int rc = st->db->ops->exec(st->db, "SELECT name, role, per_minute, created, revoked FROM tokens ORDER BY id",
                               NULL, 0, &r);
    if (rc)
        return sr__st_dbfail(st, rc, "token list");
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < r.nrows; i++) {
        char when[40] = "", rev[40] = "";
        sr_time_format(atoll(sr__cell(&r, i, 3)), 0, when, sizeof when);
        if (sr__cell(&r, i, 4))
            sr_time_format(atoll(sr__cell(&r, i, 4)), 0, rev, sizeof rev);
        json_array_append_new(arr, json_pack("{s:s,s:s,s:I,s:s,s:s?}", "name", sr__cell(&r, i, 0), "role",
                                             sr__cell(&r, i, 1), "per_minute", (json_int_t)atoll(sr__cell(&r, i, 2)),
                                             "created", when, "revoked", *rev ? rev : NULL));
    }
    sr__dbrows_free(&r);
    json_t *o = json_pack("{s:s,s:o}", "code", "Ok", "tokens", arr ? arr : json_array());
    *out = o ? json_dumps(o, JSON_PRESERVE_ORDER | (flags & SR_JSON_PRETTY ? JSON_INDENT(1) : JSON_COMPACT)) : NULL;
    json_decref(o);
    return *out ? SR_OK : SR_ENOMEM;
}
