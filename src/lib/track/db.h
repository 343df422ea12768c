/*
 * db.h - the one internal interface of the tracking store to its database
 * backends (sqlite.c, pg.c).  The store speaks SQL that both SQLite and
 * PostgreSQL accept: parameters are written $1, $2, ... in order of first
 * use (SQLite binds "$1" by position when names first appear in order), ids
 * come back through RETURNING, and the only DDL difference, the type of an
 * auto-numbered key, is the token @PK@ that each backend replaces.  Results
 * come back as text cells, which is what libpq gives anyway, so the store's
 * logic above this line is the same for both.
 */
#ifndef SR_TRACK_DB_H
#define SR_TRACK_DB_H

#include <stddef.h>
#include <stdint.h>

enum { SR__DB_NULL = 0, SR__DB_INT, SR__DB_REAL, SR__DB_TEXT };

typedef struct sr__dbv {
    int type;
    int64_t i;
    double d;
    const char *s;
} sr__dbv;

static inline sr__dbv sr__dbi(int64_t v) { return (sr__dbv){.type = SR__DB_INT, .i = v}; }
static inline sr__dbv sr__dbd(double v) { return (sr__dbv){.type = SR__DB_REAL, .d = v}; }
static inline sr__dbv sr__dbs(const char *s) { return (sr__dbv){.type = s ? SR__DB_TEXT : SR__DB_NULL, .s = s}; }
static inline sr__dbv sr__dbnull(void) { return (sr__dbv){.type = SR__DB_NULL}; }

/* Rows of a query as NUL-terminated text cells (NULL for SQL NULL). */
typedef struct sr__dbrows {
    size_t nrows, ncols;
    char **cells; /* nrows * ncols, row-major */
} sr__dbrows;

static inline const char *sr__cell(const sr__dbrows *r, size_t row, size_t col)
{
    return r->cells[row * r->ncols + col];
}
void sr__dbrows_free(sr__dbrows *r);

/* Outcomes of exec: 0 ok; SR__DB_EUNIQUE a unique constraint was violated
 * (a concurrent writer got there first); SR__DB_EFULL the disk is full;
 * SR__DB_EBUSY locked for too long; SR__DB_ERR anything else.  The
 * backend's message is in errmsg. */
enum { SR__DB_ERR = -1, SR__DB_EUNIQUE = -2, SR__DB_EFULL = -3, SR__DB_EBUSY = -4 };

typedef struct sr__db sr__db;
typedef struct sr__db_ops {
    const char *name;
    const char *pk_type; /* replaces @PK@ in DDL */
    /* Run sql with np parameters; rows (may be NULL) receives the result. */
    int (*exec)(sr__db *db, const char *sql, const sr__dbv *p, int np, sr__dbrows *rows);
    /* Start a transaction; `write`: one that will write (SQLite takes the
     * write lock up front, so two writers never deadlock on an upgrade). */
    int (*begin)(sr__db *db, int write);
    int (*commit)(sr__db *db);
    void (*rollback)(sr__db *db);
    /* Serialise schema migrations between processes (inside a transaction). */
    int (*lock_schema)(sr__db *db);
    const char *(*errmsg)(sr__db *db);
    /* SQLite: defer WAL checkpoints of this connection to checkpoint();
     * PostgreSQL: no-ops (its own checkpointer runs in the server). */
    void (*defer_checkpoints)(sr__db *db);
    int (*checkpoint)(sr__db *db);
    void (*close)(sr__db *db);
} sr__db_ops;

struct sr__db {
    const sr__db_ops *ops;
};

/* Open a backend; on failure NULL with a message in err. */
sr__db *sr__sqlite_open(const char *path, char *err, size_t errcap);
sr__db *sr__pg_open(const char *conninfo, char *err, size_t errcap);

#endif
