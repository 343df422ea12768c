/*
 * pg.c - the PostgreSQL backend of the tracking store (db.h), over libpq,
 * for several server hosts sharing one store (`--store postgresql://...`).
 *
 * Parameters go as text through PQexecParams, so there is no quoting; a
 * commit returns only when the server has it on disk (synchronous_commit
 * on, PostgreSQL's default, which we do not change).  Unique violations
 * (SQLSTATE 23505) are told apart so that the store can retry a batch that
 * raced another writer with the same idempotency key, and a full disk
 * (53100) so that it is reported as such.
 */
#include <libpq-fe.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define STMT_CACHE 48

/* Statements are prepared once per connection, keyed by the address of
 * their SQL (always a string literal of the store; run-time SQL comes with
 * np < 0 and is never prepared), which saves PostgreSQL parsing and
 * planning them at every call. */
typedef struct pg_db {
    sr__db base;
    PGconn *c;
    const char *prepared[STMT_CACHE];
    char err[512];
} pg_db;

static int fail(pg_db *d, PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(d->c);
    snprintf(d->err, sizeof d->err, "%s", m && *m ? m : "PostgreSQL error");
    size_t n = strlen(d->err);
    while (n && (d->err[n - 1] == '\n' || d->err[n - 1] == ' '))
        d->err[--n] = '\0';
    int out = SR__DB_ERR;
    if (state && !strcmp(state, "23505"))
        out = SR__DB_EUNIQUE;
    else if (state && !strcmp(state, "53100"))
        out = SR__DB_EFULL;
    else if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")))
        out = SR__DB_EBUSY;
    PQclear(r);
    return out;
}

static int p_exec(sr__db *db, const char *sql, const sr__dbv *p, int np, sr__dbrows *rows)
{
    pg_db *d = (pg_db *)db;
    if (rows)
        memset(rows, 0, sizeof *rows);
    enum { MAXP = 24 };
    int dynamic = np < 0;
    if (np < 0)
        np = 0;
    if (np > MAXP) {
        snprintf(d->err, sizeof d->err, "too many parameters");
        return SR__DB_ERR;
    }
    const char *vals[MAXP] = {0};
    char nums[MAXP][32];
    for (int i = 0; i < np; i++) {
        switch (p[i].type) {
        case SR__DB_INT: snprintf(nums[i], sizeof nums[i], "%" PRId64, p[i].i); vals[i] = nums[i]; break;
        case SR__DB_REAL: snprintf(nums[i], sizeof nums[i], "%.17g", p[i].d); vals[i] = nums[i]; break;
        case SR__DB_TEXT: vals[i] = p[i].s; break;
        default: vals[i] = NULL; break;
        }
    }
    PGresult *r;
    if (dynamic) {
        r = PQexecParams(d->c, sql, np, NULL, vals, NULL, NULL, 0);
    } else {
        size_t slot = ((uintptr_t)sql >> 4) % STMT_CACHE;
        char name[16];
        snprintf(name, sizeof name, "s%zu", slot);
        if (d->prepared[slot] != sql) {
            if (d->prepared[slot]) {
                char dealloc[40];
                snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", name);
                PQclear(PQexec(d->c, dealloc));
                d->prepared[slot] = NULL;
            }
            PGresult *pr = PQprepare(d->c, name, sql, np, NULL);
            if (PQresultStatus(pr) != PGRES_COMMAND_OK)
                return fail(d, pr);
            PQclear(pr);
            d->prepared[slot] = sql;
        }
        r = PQexecPrepared(d->c, name, np, vals, NULL, NULL, 0);
    }
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        return fail(d, r);
    if (rows && s == PGRES_TUPLES_OK) {
        size_t nr = (size_t)PQntuples(r), nc = (size_t)PQnfields(r);
        rows->ncols = nc;
        if (nr && nc) {
            rows->cells = calloc(nr * nc, sizeof *rows->cells);
            if (!rows->cells) {
                PQclear(r);
                snprintf(d->err, sizeof d->err, "out of memory");
                return SR__DB_ERR;
            }
        }
        rows->nrows = nr;
        for (size_t i = 0; i < nr; i++)
            for (size_t c = 0; c < nc; c++)
                if (!PQgetisnull(r, (int)i, (int)c))
                    rows->cells[i * nc + c] = strdup(PQgetvalue(r, (int)i, (int)c));
    }
    PQclear(r);
    return 0;
}

static int simple(pg_db *d, const char *sql) { return p_exec(&d->base, sql, NULL, -1, NULL); }
static int p_begin(sr__db *db, int write) { return simple((pg_db *)db, "BEGIN"); }
static int p_commit(sr__db *db) { return simple((pg_db *)db, "COMMIT"); }
static void p_rollback(sr__db *db)
{
    pg_db *d = (pg_db *)db;
    if (PQtransactionStatus(d->c) != PQTRANS_IDLE)
        PQclear(PQexec(d->c, "ROLLBACK"));
}
/* One advisory lock number for "silkroute schema", held to the end of the
 * transaction, so two servers starting at once migrate one after the other. */
static int p_lock_schema(sr__db *db) { return simple((pg_db *)db, "SELECT pg_advisory_xact_lock(7263514011)"); }
static const char *p_errmsg(sr__db *db) { return ((pg_db *)db)->err; }
static void p_defer_checkpoints(sr__db *db) { (void)db; }
static int p_checkpoint(sr__db *db) { (void)db; return 0; }
static void p_close(sr__db *db)
{
    pg_db *d = (pg_db *)db;
    if (!d)
        return;
    PQfinish(d->c);
    free(d);
}

static const sr__db_ops pg_ops = {
    .name = "postgresql",
    .pk_type = "BIGSERIAL PRIMARY KEY",
    .exec = p_exec,
    .begin = p_begin,
    .commit = p_commit,
    .rollback = p_rollback,
    .lock_schema = p_lock_schema,
    .errmsg = p_errmsg,
    .defer_checkpoints = p_defer_checkpoints,
    .checkpoint = p_checkpoint,
    .close = p_close,
};

static void quiet(void *arg, const char *msg) { (void)arg; (void)msg; }

sr__db *sr__pg_open(const char *conninfo, char *err, size_t errcap)
{
    pg_db *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    d->base.ops = &pg_ops;
    d->c = PQconnectdb(conninfo);
    if (!d->c || PQstatus(d->c) != CONNECTION_OK) {
        /* The conninfo may hold a password: never echo it. */
        const char *m = d->c ? PQerrorMessage(d->c) : "out of memory";
        snprintf(err, errcap, "cannot connect to PostgreSQL: %s", m);
        size_t n = strlen(err);
        while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
            err[--n] = '\0';
        p_close(&d->base);
        return NULL;
    }
    /* Notices (CREATE TABLE IF NOT EXISTS ...) are not errors; keep stderr quiet. */
    PQsetNoticeProcessor(d->c, quiet, NULL);
    if (simple(d, "SET client_min_messages = warning")) {
        snprintf(err, errcap, "PostgreSQL: %s", d->err);
        p_close(&d->base);
        return NULL;
    }
    return &d->base;
}
