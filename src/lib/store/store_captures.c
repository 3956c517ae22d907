/* Reading captures back: the list, and the files of one capture. */
#include "store/store_impl.h"
#include "util/alloc.h"

#include <string.h>

static bool read_capture(sqlite3_stmt *st, gmx_store_capture_info *c)
{
    memset(c, 0, sizeof(*c));
    c->id = sqlite3_column_int64(st, 0);
    c->target = sqlite3_column_int64(st, 1);
    c->time_ns = sqlite3_column_int64(st, 2);
    c->reason = gmx_store_column_strdup(st, 3);
    c->complete = sqlite3_column_int(st, 4) != 0;
    c->summary = gmx_store_column_strdup(st, 5);
    c->files = (uint64_t)sqlite3_column_int64(st, 6);
    c->bytes = (uint64_t)sqlite3_column_int64(st, 7);
    return c->reason && (c->summary || sqlite3_column_type(st, 5) == SQLITE_NULL);
}

gmx_code gmx_store_list_captures(gmx_store *s, int64_t target, gmx_store_capture_info **out,
                                 size_t *n, gmx_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    gmx_code rc = gmx_store_prepare(
        s,
        "SELECT c.id, c.target_id, c.time_ns, c.reason, c.complete, c.summary,"
        " (SELECT count(*) FROM capture_files WHERE capture_id = c.id),"
        " (SELECT coalesce(sum(length(data)), 0) FROM capture_files WHERE capture_id = c.id)"
        " FROM captures c WHERE ?1 = 0 OR c.target_id = ?1 ORDER BY c.time_ns, c.id",
        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, target);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (gmx_array_reserve((void **)out, &cap, *n, sizeof(**out)) != 0 ||
            !read_capture(st, &(*out)[(*n)++])) {
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory listing captures");
            break;
        }
    }
    if (rc == GMX_OK && step != SQLITE_DONE)
        rc = gmx_store_fail(s, err, "cannot list captures");
    sqlite3_finalize(st);
    if (rc != GMX_OK) {
        gmx_store_captures_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void gmx_store_captures_free(gmx_store_capture_info *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        gmx_free(c[i].reason);
        gmx_free(c[i].summary);
    }
    gmx_free(c);
}

static gmx_code capture_exists(gmx_store *s, int64_t capture, gmx_error *err)
{
    sqlite3_stmt *st;
    gmx_code rc = gmx_store_prepare(s, "SELECT 1 FROM captures WHERE id = ?1", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, capture);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE)
        rc = gmx_error_set(err, GMX_EUSAGE, "%s: no capture %lld", s->path, (long long)capture);
    else if (step != SQLITE_ROW)
        rc = gmx_store_fail(s, err, "cannot look up a capture");
    sqlite3_finalize(st);
    return rc;
}

/* Calls fn for the rows of sql (capture bound to ?1, name to ?2 when not
 * NULL): a name and either the data (column 1 a blob) or its length. */
static gmx_code each_file(gmx_store *s, int64_t capture, const char *name, bool data,
                          gmx_store_file_fn fn, void *ctx, gmx_error *err)
{
    gmx_code rc = capture_exists(s, capture, err);
    sqlite3_stmt *st;
    const char *sql = !data ? "SELECT name, length(data) FROM capture_files WHERE capture_id = ?1"
                              " ORDER BY name"
                      : name ? "SELECT name, data FROM capture_files WHERE capture_id = ?1"
                               " AND name = ?2"
                             : "SELECT name, data FROM capture_files WHERE capture_id = ?1"
                               " ORDER BY name";
    if (rc || (rc = gmx_store_prepare(s, sql, &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, capture);
    if (name)
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        gmx_store_file f = { (const char *)sqlite3_column_text(st, 0), NULL, 0 };
        if (data) {
            f.data = sqlite3_column_blob(st, 1);
            f.len = (size_t)sqlite3_column_bytes(st, 1);
        } else {
            f.len = (size_t)sqlite3_column_int64(st, 1);
        }
        int stop = fn(ctx, &f);
        if (stop) {
            sqlite3_finalize(st);
            return (gmx_code)stop;
        }
    }
    if (step != SQLITE_DONE)
        rc = gmx_store_fail(s, err, "cannot read capture files");
    sqlite3_finalize(st);
    return rc;
}

gmx_code gmx_store_capture_files(gmx_store *s, int64_t capture, gmx_store_file_fn fn, void *ctx,
                                 gmx_error *err)
{
    return each_file(s, capture, NULL, true, fn, ctx, err);
}

gmx_code gmx_store_capture_file_names(gmx_store *s, int64_t capture, gmx_store_file_fn fn,
                                      void *ctx, gmx_error *err)
{
    return each_file(s, capture, NULL, false, fn, ctx, err);
}

gmx_code gmx_store_capture_file(gmx_store *s, int64_t capture, const char *name,
                                gmx_store_file_fn fn, void *ctx, gmx_error *err)
{
    return each_file(s, capture, name, true, fn, ctx, err);
}
