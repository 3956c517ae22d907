/* The store's reads: targets with their counts, a target's latest samples,
 * captures and their files. Lists are arrays the caller frees. */
#include "store/store_impl.h"
#include "util/alloc.h"
#include "util/num.h"

#include <string.h>

gmx_code gmx_store_find_target(gmx_store *s, const char *spec, int64_t *id, gmx_error *err)
{
    uint64_t n;
    bool numeric = gmx_parse_u64((gmx_str){ spec, strlen(spec) }, &n) && n <= INT64_MAX;
    sqlite3_stmt *st;
    gmx_code rc = gmx_store_prepare(s, "SELECT id FROM targets WHERE url = ?1 OR id = ?2", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, spec, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, numeric ? (int64_t)n : -1);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (step == SQLITE_DONE)
        rc = gmx_error_set(err, GMX_EUSAGE, "%s: no target '%s'", s->path, spec);
    else
        rc = gmx_store_fail(s, err, "cannot look up a target");
    sqlite3_finalize(st);
    return rc;
}

static const char targets_sql[] =
    "SELECT t.id, t.url,"
    " (SELECT count(*) FROM samples WHERE target_id = t.id),"
    " (SELECT count(*) FROM gaps WHERE target_id = t.id),"
    " (SELECT count(*) FROM captures WHERE target_id = t.id),"
    " (SELECT min(time_ns) FROM samples WHERE target_id = t.id),"
    " (SELECT max(time_ns) FROM samples WHERE target_id = t.id),"
    " (SELECT status || ': ' || message FROM gaps WHERE target_id = t.id"
    "  ORDER BY time_ns DESC, id DESC LIMIT 1)"
    " FROM targets t ORDER BY t.id";

static bool read_target(sqlite3_stmt *st, gmx_store_target_info *t)
{
    memset(t, 0, sizeof(*t));
    t->id = sqlite3_column_int64(st, 0);
    t->url = gmx_store_column_strdup(st, 1);
    t->samples = (uint64_t)sqlite3_column_int64(st, 2);
    t->gaps = (uint64_t)sqlite3_column_int64(st, 3);
    t->captures = (uint64_t)sqlite3_column_int64(st, 4);
    t->first_ns = sqlite3_column_int64(st, 5);
    t->last_ns = sqlite3_column_int64(st, 6);
    t->last_gap = gmx_store_column_strdup(st, 7);
    return t->url && (t->last_gap || sqlite3_column_type(st, 7) == SQLITE_NULL);
}

gmx_code gmx_store_list_targets(gmx_store *s, gmx_store_target_info **out, size_t *n,
                                gmx_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    gmx_code rc = gmx_store_prepare(s, targets_sql, &st, err);
    size_t cap = 0;
    int step = SQLITE_DONE;
    while (rc == GMX_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (gmx_array_reserve((void **)out, &cap, *n, sizeof(**out)) != 0 ||
            !read_target(st, &(*out)[(*n)++])) {
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory listing targets");
            break;
        }
    }
    if (rc == GMX_OK && step != SQLITE_DONE)
        rc = gmx_store_fail(s, err, "cannot list targets");
    sqlite3_finalize(st);
    if (rc != GMX_OK) {
        gmx_store_targets_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void gmx_store_targets_free(gmx_store_target_info *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++) {
        gmx_free(t[i].url);
        gmx_free(t[i].last_gap);
    }
    gmx_free(t);
}

static void read_sample(sqlite3_stmt *st, gmx_msample *m)
{
    memset(m, 0, sizeof(*m));
    m->time_ns = sqlite3_column_int64(st, 0);
    m->has_goroutines = sqlite3_column_type(st, 1) != SQLITE_NULL;
    m->goroutines = (uint64_t)sqlite3_column_int64(st, 1);
    m->mem.present = sqlite3_column_type(st, 2) != SQLITE_NULL;
    uint64_t *cols[] = { &m->mem.heap_inuse, &m->mem.heap_alloc, &m->mem.heap_sys,
                         &m->mem.heap_objects, &m->mem.stack_inuse, &m->mem.sys,
                         &m->mem.next_gc, &m->mem.num_gc };
    for (int i = 0; i < 8; i++)
        *cols[i] = (uint64_t)sqlite3_column_int64(st, 2 + i);
}

gmx_code gmx_store_samples(gmx_store *s, int64_t target, size_t max, gmx_msample **out,
                           size_t *n, gmx_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    gmx_code rc = gmx_store_prepare(
        s,
        "SELECT * FROM (SELECT time_ns, goroutines, heap_inuse, heap_alloc, heap_sys,"
        " heap_objects, stack_inuse, sys, next_gc, num_gc FROM samples WHERE target_id = ?1"
        " ORDER BY time_ns DESC LIMIT ?2) ORDER BY time_ns",
        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, target);
    sqlite3_bind_int64(st, 2, max && max <= INT64_MAX ? (int64_t)max : -1);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (gmx_array_reserve((void **)out, &cap, *n, sizeof(**out)) != 0) {
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory reading samples");
            break;
        }
        read_sample(st, &(*out)[(*n)++]);
    }
    if (rc == GMX_OK && step != SQLITE_DONE)
        rc = gmx_store_fail(s, err, "cannot read samples");
    sqlite3_finalize(st);
    if (rc != GMX_OK) {
        gmx_free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void gmx_store_samples_free(gmx_msample *m)
{
    gmx_free(m);
}
