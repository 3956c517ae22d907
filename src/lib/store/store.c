/* The store's writes. Each call is one transaction, committed with
 * synchronous=FULL in WAL mode before it returns: what a caller reports as
 * stored is on disk. A busy timeout lets `history` read while `watch`
 * writes. */
#include "store/store_impl.h"
#include "util/alloc.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT OR IGNORE INTO meta VALUES('schema', 'gomemdx-store 1');"
    "CREATE TABLE IF NOT EXISTS targets(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE,"
    " added_ns INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS samples(target_id INTEGER NOT NULL REFERENCES targets(id),"
    " time_ns INTEGER NOT NULL, goroutines INTEGER, heap_inuse INTEGER, heap_alloc INTEGER,"
    " heap_sys INTEGER, heap_objects INTEGER, stack_inuse INTEGER, sys INTEGER,"
    " next_gc INTEGER, num_gc INTEGER, PRIMARY KEY(target_id, time_ns)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS gaps(id INTEGER PRIMARY KEY,"
    " target_id INTEGER NOT NULL REFERENCES targets(id), time_ns INTEGER NOT NULL,"
    " status TEXT NOT NULL, message TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS gaps_by_target ON gaps(target_id, time_ns);"
    "CREATE TABLE IF NOT EXISTS captures(id INTEGER PRIMARY KEY,"
    " target_id INTEGER NOT NULL REFERENCES targets(id), time_ns INTEGER NOT NULL,"
    " reason TEXT NOT NULL, complete INTEGER NOT NULL, summary TEXT);"
    "CREATE TABLE IF NOT EXISTS capture_files(capture_id INTEGER NOT NULL"
    " REFERENCES captures(id), name TEXT NOT NULL, data BLOB NOT NULL,"
    " PRIMARY KEY(capture_id, name));";

gmx_code gmx_store_fail(gmx_store *s, gmx_error *err, const char *what)
{
    return gmx_error_set(err, GMX_EIO, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

gmx_code gmx_store_prepare(gmx_store *s, const char *sql, sqlite3_stmt **st, gmx_error *err)
{
    *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return gmx_store_fail(s, err, "cannot prepare a statement");
    return GMX_OK;
}

gmx_code gmx_store_exec_stmt(gmx_store *s, sqlite3_stmt *st, const char *what, gmx_error *err)
{
    int rc = sqlite3_step(st);
    gmx_code code = rc == SQLITE_DONE || rc == SQLITE_ROW ? GMX_OK : gmx_store_fail(s, err, what);
    sqlite3_finalize(st);
    return code;
}

char *gmx_store_column_strdup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? gmx_strndup((const char *)t, strlen((const char *)t)) : NULL;
}

static gmx_code exec(gmx_store *s, const char *sql, const char *what, gmx_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return gmx_store_fail(s, err, what);
    return GMX_OK;
}

static gmx_code check_schema(gmx_store *s, gmx_error *err)
{
    sqlite3_stmt *st;
    if (gmx_store_prepare(s, "SELECT value FROM meta WHERE key = 'schema'", &st, err))
        return gmx_error_set(err, GMX_EIO, "%s: not a gomemdx store", s->path);
    int rc = sqlite3_step(st);
    const unsigned char *v = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    bool ok = v && strcmp((const char *)v, "gomemdx-store 1") == 0;
    sqlite3_finalize(st);
    return ok ? GMX_OK : gmx_error_set(err, GMX_EIO, "%s: not a gomemdx store", s->path);
}

static gmx_code setup(gmx_store *s, bool create, gmx_error *err)
{
    gmx_code rc;
    if (sqlite3_busy_timeout(s->db, 5000) != SQLITE_OK)
        return gmx_store_fail(s, err, "cannot set a busy timeout");
    /* A reader changes nothing: the journal mode is the writer's, and a
     * store on a read-only disk or owned by another user must still open. */
    if (!create)
        return check_schema(s, err);
    if ((rc = exec(s, "PRAGMA journal_mode=WAL", "cannot switch to WAL mode", err)) ||
        (rc = exec(s, "PRAGMA synchronous=FULL", "cannot set synchronous", err)) ||
        (rc = exec(s, "PRAGMA foreign_keys=ON", "cannot enable foreign keys", err)))
        return rc;
    if ((rc = exec(s, "BEGIN IMMEDIATE", "cannot begin", err)) == GMX_OK) {
        rc = exec(s, schema, "cannot create the schema", err);
        if (rc == GMX_OK)
            rc = exec(s, "COMMIT", "cannot commit the schema", err);
        else
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc ? rc : check_schema(s, err);
}

static gmx_code open_db(gmx_store *s, const char *name, int flags, gmx_error *err)
{
    if (sqlite3_open_v2(name, &s->db, flags, NULL) == SQLITE_OK)
        return GMX_OK;
    return s->db ? gmx_store_fail(s, err, "cannot open")
                 : gmx_error_set(err, GMX_ENOMEM, "out of memory opening %s", s->path);
}

static bool shm_exists(const char *path)
{
    char shm[sizeof(((gmx_store *)0)->path) + 8];
    snprintf(shm, sizeof(shm), "%s-shm", path);
    return access(shm, F_OK) == 0;
}

/* "file:PATH?immutable=1" with the bytes a URI reserves escaped. */
static bool file_uri(const char *path, char *out, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = (size_t)snprintf(out, n, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (k + 4 >= n)
            return false;
        if (*p == '?' || *p == '#' || *p == '%' || *p < 0x20 || *p >= 0x7f) {
            out[k++] = '%';
            out[k++] = hex[*p >> 4];
            out[k++] = hex[*p & 15];
        } else {
            out[k++] = (char)*p;
        }
    }
    return (size_t)snprintf(out + k, n - k, "?immutable=1") < n - k;
}

gmx_code gmx_store_open(const char *path, gmx_store_mode mode, gmx_store **out, gmx_error *err)
{
    bool create = mode == GMX_STORE_CREATE;
    *out = NULL;
    if (!create && access(path, F_OK) != 0)
        return gmx_error_set(err, GMX_EIO, "%s: no such store", path);
    gmx_store *s = gmx_calloc(1, sizeof(*s));
    if (!s)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory opening %s", path);
    snprintf(s->path, sizeof(s->path), "%s", path);
    int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    gmx_code rc = open_db(s, path, flags, err);
    if (rc == GMX_OK)
        rc = setup(s, create, err);
    /* A reader of a WAL store needs its -shm file, which a writer creates
     * and removes on close. When it is missing and cannot be made (a
     * read-only folder), no writer is at work: read the file as it is. */
    if (rc != GMX_OK && !create && !shm_exists(path)) {
        char uri[sizeof(s->path) * 3 + 32];
        if (file_uri(path, uri, sizeof(uri))) {
            sqlite3_close(s->db);
            s->db = NULL;
            rc = open_db(s, uri, flags | SQLITE_OPEN_URI, err);
            if (rc == GMX_OK)
                rc = setup(s, create, err);
        }
    }
    if (rc != GMX_OK) {
        gmx_store_close(s);
        return rc;
    }
    *out = s;
    return GMX_OK;
}

void gmx_store_close(gmx_store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    gmx_free(s);
}

gmx_code gmx_store_target(gmx_store *s, const char *url, int64_t now_ns, int64_t *id,
                          gmx_error *err)
{
    sqlite3_stmt *st;
    gmx_code prc = gmx_store_prepare(
        s, "INSERT INTO targets(url, added_ns) VALUES(?1, ?2) ON CONFLICT(url) DO NOTHING", &st, err);
    if (prc)
        return prc;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ns);
    gmx_code rc = gmx_store_exec_stmt(s, st, "cannot add a target", err);
    return rc ? rc : gmx_store_find_target(s, url, id, err);
}

static void bind_u64(sqlite3_stmt *st, int col, bool present, uint64_t v)
{
    if (present && v <= INT64_MAX)
        sqlite3_bind_int64(st, col, (int64_t)v);
    else
        sqlite3_bind_null(st, col);
}

gmx_code gmx_store_add_sample(gmx_store *s, int64_t target, const gmx_msample *m, gmx_error *err)
{
    sqlite3_stmt *st;
    gmx_code prc = gmx_store_prepare(s,
        "INSERT OR REPLACE INTO samples(target_id, time_ns, goroutines, heap_inuse, heap_alloc,"
        " heap_sys, heap_objects, stack_inuse, sys, next_gc, num_gc)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        &st, err);
    if (prc)
        return prc;
    const gmx_memstats *ms = &m->mem;
    bool mp = ms->present;
    sqlite3_bind_int64(st, 1, target);
    sqlite3_bind_int64(st, 2, m->time_ns);
    bind_u64(st, 3, m->has_goroutines, m->goroutines);
    bind_u64(st, 4, mp, ms->heap_inuse);
    bind_u64(st, 5, mp, ms->heap_alloc);
    bind_u64(st, 6, mp, ms->heap_sys);
    bind_u64(st, 7, mp, ms->heap_objects);
    bind_u64(st, 8, mp, ms->stack_inuse);
    bind_u64(st, 9, mp, ms->sys);
    bind_u64(st, 10, mp, ms->next_gc);
    bind_u64(st, 11, mp, ms->num_gc);
    return gmx_store_exec_stmt(s, st, "cannot store a sample", err);
}

gmx_code gmx_store_add_gap(gmx_store *s, int64_t target, int64_t time_ns, const char *status,
                           const char *message, gmx_error *err)
{
    sqlite3_stmt *st;
    gmx_code prc = gmx_store_prepare(
        s, "INSERT INTO gaps(target_id, time_ns, status, message) VALUES(?1, ?2, ?3, ?4)", &st, err);
    if (prc)
        return prc;
    sqlite3_bind_int64(st, 1, target);
    sqlite3_bind_int64(st, 2, time_ns);
    sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, message, -1, SQLITE_STATIC);
    return gmx_store_exec_stmt(s, st, "cannot store a gap", err);
}

static gmx_code add_file(gmx_store *s, int64_t capture, const gmx_store_file *f, gmx_error *err)
{
    sqlite3_stmt *st;
    gmx_code prc = gmx_store_prepare(s, "INSERT INTO capture_files(capture_id, name, data) VALUES(?1, ?2, ?3)", &st, err);
    if (prc)
        return prc;
    sqlite3_bind_int64(st, 1, capture);
    sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 3, f->len ? f->data : "", (sqlite3_uint64)f->len, SQLITE_STATIC);
    return gmx_store_exec_stmt(s, st, "cannot store a capture file", err);
}

static gmx_code insert_capture(gmx_store *s, int64_t target, int64_t time_ns, const char *reason,
                               bool complete, const gmx_store_file *files, size_t nfiles,
                               int64_t *id, gmx_error *err)
{
    sqlite3_stmt *st;
    gmx_code prc = gmx_store_prepare(s, "INSERT INTO captures(target_id, time_ns, reason, complete) VALUES(?1, ?2, ?3, ?4)",
        &st, err);
    if (prc)
        return prc;
    sqlite3_bind_int64(st, 1, target);
    sqlite3_bind_int64(st, 2, time_ns);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, complete);
    gmx_code rc = gmx_store_exec_stmt(s, st, "cannot store a capture", err);
    if (rc)
        return rc;
    *id = sqlite3_last_insert_rowid(s->db);
    for (size_t i = 0; i < nfiles && rc == GMX_OK; i++)
        rc = add_file(s, *id, &files[i], err);
    return rc;
}

gmx_code gmx_store_add_capture(gmx_store *s, int64_t target, int64_t time_ns, const char *reason,
                               bool complete, const gmx_store_file *files, size_t nfiles,
                               int64_t *id, gmx_error *err)
{
    gmx_code rc = exec(s, "BEGIN IMMEDIATE", "cannot begin a capture", err);
    if (rc)
        return rc;
    rc = insert_capture(s, target, time_ns, reason, complete, files, nfiles, id, err);
    if (rc == GMX_OK)
        return exec(s, "COMMIT", "cannot commit a capture", err);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

gmx_code gmx_store_set_summary(gmx_store *s, int64_t capture, const char *summary, gmx_error *err)
{
    sqlite3_stmt *st;
    gmx_code prc = gmx_store_prepare(s, "UPDATE captures SET summary = ?2 WHERE id = ?1", &st, err);
    if (prc)
        return prc;
    sqlite3_bind_int64(st, 1, capture);
    sqlite3_bind_text(st, 2, summary, -1, SQLITE_STATIC);
    return gmx_store_exec_stmt(s, st, "cannot store a summary", err);
}
