/*
 * sqlite.c - the SQLite backend of the tracking store (db.h), the default.
 *
 * Durability is chosen on purpose: the journal is a write-ahead log
 * (readers never block the writer, and a crash never leaves a half-written
 * page in the database) with synchronous=FULL, so the WAL is fsync()ed at
 * every commit and a write that returned SR_OK survives a power cut, not
 * only a crash of the process (synchronous=NORMAL in WAL mode would keep
 * the database consistent but could lose the last commits on power loss,
 * and the issue asks that every acknowledged write be durable).  Writers
 * take the lock at BEGIN IMMEDIATE and wait up to busy_timeout for each
 * other.  Prepared statements are cached by the address of their SQL text,
 * which is always a string literal of the store.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define STMT_CACHE 48

typedef struct sqlite_db {
    sr__db base;
    sqlite3 *h;
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[STMT_CACHE];
    char err[512];
} sqlite_db;

static int map_rc(sqlite_db *d, int rc)
{
    snprintf(d->err, sizeof d->err, "%s", sqlite3_errmsg(d->h));
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: return sqlite3_extended_errcode(d->h) == SQLITE_CONSTRAINT_UNIQUE ||
                                   sqlite3_extended_errcode(d->h) == SQLITE_CONSTRAINT_PRIMARYKEY
                                   ? SR__DB_EUNIQUE : SR__DB_ERR;
    case SQLITE_FULL: return SR__DB_EFULL;
    case SQLITE_BUSY: case SQLITE_LOCKED: return SR__DB_EBUSY;
    case SQLITE_IOERR: return (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC) ? SR__DB_EFULL : SR__DB_ERR;
    default: return SR__DB_ERR;
    }
}

static sqlite3_stmt *prepare(sqlite_db *d, const char *sql, int *rc)
{
    size_t slot = ((uintptr_t)sql >> 4) % STMT_CACHE;
    if (d->cache[slot].sql == sql && d->cache[slot].st)
        return d->cache[slot].st;
    sqlite3_stmt *st = NULL;
    *rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (*rc != SQLITE_OK)
        return NULL;
    if (d->cache[slot].st)
        sqlite3_finalize(d->cache[slot].st);
    d->cache[slot].sql = sql;
    d->cache[slot].st = st;
    return st;
}

static int grow_cells(sr__dbrows *r, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need)
        c *= 2;
    char **p = realloc(r->cells, c * sizeof *p);
    if (!p)
        return -1;
    r->cells = p;
    *cap = c;
    return 0;
}

static int s_simple(sqlite_db *d, const char *sql);

static int s_exec(sr__db *db, const char *sql, const sr__dbv *p, int np, sr__dbrows *rows)
{
    sqlite_db *d = (sqlite_db *)db;
    int rc = SQLITE_OK;
    if (rows)
        memset(rows, 0, sizeof *rows);
    /* np < 0: SQL built at run time (DDL), never cached. */
    if (np < 0)
        return s_simple(d, sql);
    sqlite3_stmt *st = prepare(d, sql, &rc);
    if (!st)
        return map_rc(d, rc);
    for (int i = 0; i < np; i++) {
        switch (p[i].type) {
        case SR__DB_INT: rc = sqlite3_bind_int64(st, i + 1, p[i].i); break;
        case SR__DB_REAL: rc = sqlite3_bind_double(st, i + 1, p[i].d); break;
        case SR__DB_TEXT: rc = sqlite3_bind_text(st, i + 1, p[i].s, -1, SQLITE_TRANSIENT); break;
        default: rc = sqlite3_bind_null(st, i + 1); break;
        }
        if (rc != SQLITE_OK) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            return map_rc(d, rc);
        }
    }
    size_t cap = 0;
    int out = 0;
    for (;;) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            out = map_rc(d, rc);
            break;
        }
        if (!rows)
            continue;
        size_t nc = (size_t)sqlite3_column_count(st);
        rows->ncols = nc;
        if (grow_cells(rows, &cap, (rows->nrows + 1) * nc)) {
            snprintf(d->err, sizeof d->err, "out of memory");
            out = SR__DB_ERR;
            break;
        }
        for (size_t c = 0; c < nc; c++) {
            const unsigned char *t = sqlite3_column_text(st, (int)c);
            char *v = NULL;
            if (t) {
                size_t n = (size_t)sqlite3_column_bytes(st, (int)c);
                v = malloc(n + 1);
                if (v) {
                    memcpy(v, t, n);
                    v[n] = '\0';
                }
            }
            rows->cells[rows->nrows * nc + c] = v;
        }
        rows->nrows++;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (out && rows)
        sr__dbrows_free(rows);
    return out;
}

static int s_simple(sqlite_db *d, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int r = map_rc(d, rc);
        if (msg)
            snprintf(d->err, sizeof d->err, "%s", msg);
        sqlite3_free(msg);
        return r;
    }
    return 0;
}

static int s_begin(sr__db *db, int write)
{
    return s_simple((sqlite_db *)db, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int s_commit(sr__db *db) { return s_simple((sqlite_db *)db, "COMMIT"); }

static void s_rollback(sr__db *db)
{
    sqlite_db *d = (sqlite_db *)db;
    if (!sqlite3_get_autocommit(d->h))
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
}

/* BEGIN IMMEDIATE already excludes every other writer. */
static int s_lock_schema(sr__db *db) { return 0; }

static const char *s_errmsg(sr__db *db) { return ((sqlite_db *)db)->err; }

/* A checkpoint copies the WAL into the database and fsyncs it: tens of
 * milliseconds on a busy disk.  SQLite runs one inside whichever commit
 * crosses 1000 WAL pages; a server defers them to a background thread so
 * that no request waits for one. */
static void s_defer_checkpoints(sr__db *db) { sqlite3_wal_autocheckpoint(((sqlite_db *)db)->h, 0); }

static int s_checkpoint(sr__db *db)
{
    sqlite_db *d = (sqlite_db *)db;
    int rc = sqlite3_wal_checkpoint_v2(d->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return rc == SQLITE_OK || rc == SQLITE_BUSY ? 0 : map_rc(d, rc);
}

static void s_close(sr__db *db)
{
    sqlite_db *d = (sqlite_db *)db;
    if (!d)
        return;
    for (int i = 0; i < STMT_CACHE; i++)
        if (d->cache[i].st)
            sqlite3_finalize(d->cache[i].st);
    sqlite3_close(d->h);
    free(d);
}

static const sr__db_ops sqlite_ops = {
    .name = "sqlite",
    .pk_type = "INTEGER PRIMARY KEY",
    .exec = s_exec,
    .begin = s_begin,
    .commit = s_commit,
    .rollback = s_rollback,
    .lock_schema = s_lock_schema,
    .errmsg = s_errmsg,
    .defer_checkpoints = s_defer_checkpoints,
    .checkpoint = s_checkpoint,
    .close = s_close,
};

sr__db *sr__sqlite_open(const char *path, char *err, size_t errcap)
{
    sqlite_db *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    d->base.ops = &sqlite_ops;
    int rc = sqlite3_open_v2(path, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errcap, "cannot open store '%s': %s", path, d->h ? sqlite3_errmsg(d->h) : "out of memory");
        s_close(&d->base);
        return NULL;
    }
    sqlite3_extended_result_codes(d->h, 1);
    sqlite3_busy_timeout(d->h, 10000);
    /* See the comment at the top: WAL + FULL is the durability choice. */
    if (s_simple(d, "PRAGMA journal_mode=WAL") || s_simple(d, "PRAGMA synchronous=FULL") ||
        s_simple(d, "PRAGMA foreign_keys=ON")) {
        snprintf(err, errcap, "cannot open store '%s': %s", path, d->err);
        s_close(&d->base);
        return NULL;
    }
    return &d->base;
}

void sr__dbrows_free(sr__dbrows *r)
{
    if (!r || !r->cells)
        return;
    for (size_t i = 0; i < r->nrows * r->ncols; i++)
        free(r->cells[i]);
    free(r->cells);
    r->cells = NULL;
    r->nrows = r->ncols = 0;
}
