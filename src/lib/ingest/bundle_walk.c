/* Finding an incident's files: the paths given, folders walked in name
 * order (each file and folder once, however many names lead to it), zip and
 * tar archives read as folders, capture indexes read for the times they
 * give. What is found is read after the walk (bundle.c). */
#include "gomemdx/input.h"
#include "ingest/bundle_impl.h"
#include "ingest/capture_times.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const void *x, const void *y)
{
    return gmx_natural_cmp(*(char *const *)x, *(char *const *)y);
}

/* True when st's file or folder was walked before; else remembers it.
 * -1 when out of memory. */
static int walked_before(gmx_bundle *b, const struct stat *st)
{
    uint64_t h = gmx_hash_mix(gmx_hash_mix(0, (uint64_t)st->st_dev), (uint64_t)st->st_ino);
    for (size_t s = gmx_hindex_first(&b->walked_index, h); s != GMX_HINDEX_NONE;
         s = gmx_hindex_next(&b->walked_index, h, s)) {
        const struct walked *w = &b->walked[b->walked_index.values[s]];
        if (w->dev == st->st_dev && w->ino == st->st_ino)
            return 1;
    }
    if (b->nwalked == b->walked_cap) {
        size_t cap = b->walked_cap ? b->walked_cap * 2 : 64;
        struct walked *grown = gmx_reallocarray(b->walked, cap, sizeof(*grown));
        if (!grown)
            return -1;
        b->walked = grown;
        b->walked_cap = cap;
    }
    if (b->nwalked >= UINT32_MAX || gmx_hindex_insert(&b->walked_index, h, (uint32_t)b->nwalked) < 0)
        return -1;
    b->walked[b->nwalked++] = (struct walked){ st->st_dev, st->st_ino };
    return 0;
}

/* Something inside a folder that cannot be read (a dangling link, a folder
 * without permission) is listed as skipped; the rest is still diagnosed.
 * Only a path the user named fails the run. */
static gmx_code unreadable(gmx_bundle *b, const char *path, int depth, int e, gmx_error *err)
{
    if (depth == 0)
        return gmx_error_set(err, GMX_EIO, "cannot open %s: %s", path, strerror(e));
    if (b->count >= b->max_files)
        return gmx_error_set(err, GMX_ELIMIT, "more than %zu files in the bundle", b->max_files);
    gmx_artifact *a = gmx_bundle_add_artifact(b, path);
    if (!a)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
    char why[160], why_zh[160];
    snprintf(why, sizeof(why), "cannot be read: %s", strerror(e));
    snprintf(why_zh, sizeof(why_zh), "无法读取：%s", strerror(e));
    gmx_bundle_skip(a, why, why_zh);
    return gmx_bundle_alias(b, a) ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
}

static gmx_code walk_dir(gmx_bundle *b, const char *path, int depth, gmx_error *err)
{
    DIR *d = opendir(path);
    if (!d)
        return depth == 0 ? gmx_error_set(err, GMX_EIO, "cannot read folder %s: %s", path,
                                          strerror(errno))
                          : unreadable(b, path, depth, errno, err);
    char **names = NULL;
    size_t n = 0, cap = 0;
    gmx_code rc = GMX_OK;
    struct dirent *e;
    while (rc == GMX_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = gmx_reallocarray(names, cap, sizeof(*names));
            if (!grown) {
                rc = gmx_error_set(err, GMX_ENOMEM, "out of memory listing %s", path);
                break;
            }
            names = grown;
        }
        if (!(names[n] = gmx_strndup(e->d_name, strlen(e->d_name))))
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory listing %s", path);
        else
            n++;
    }
    closedir(d);
    if (rc == GMX_OK && n > 1)
        qsort(names, n, sizeof(*names), by_name);
    if (rc == GMX_OK)
        rc = gmx_capture_times_read(&b->times, path, err);
    for (size_t i = 0; i < n; i++) {
        char child[4096];
        int w = snprintf(child, sizeof(child), "%s/%s", path, names[i]);
        if (strcmp(names[i], GMX_CAPTURE_TIMES_FILE) == 0)
            w = 0; /* the index times the others; it is no artifact */
        if (rc == GMX_OK && w > 0 && (size_t)w < sizeof(child))
            rc = gmx_bundle_walk(b, child, depth + 1, err);
        gmx_free(names[i]);
    }
    gmx_free(names);
    return rc;
}

typedef struct archive_walk {
    gmx_bundle *b;
    const char *path;
} archive_walk;

/* A member of the archive at w->path: an artifact of its own, read from
 * the bundle's copy of its bytes, named and timed as a file of a folder. */
static gmx_code add_member(void *ctx, const char *name, void *data, size_t len, int64_t mtime_ns,
                           gmx_error *err)
{
    archive_walk *w = ctx;
    gmx_bundle *b = w->b;
    char shown[4096];
    int n = snprintf(shown, sizeof(shown), "%s:%s", w->path, name);
    struct member *m = NULL;
    if (b->count >= b->max_files) {
        gmx_free(data);
        return gmx_error_set(err, GMX_ELIMIT, "more than %zu files in the bundle", b->max_files);
    }
    if (n < 0 || (size_t)n >= sizeof(shown) ||
        gmx_array_reserve((void **)&b->members, &b->members_cap, b->nmembers + 1,
                          sizeof(*b->members)) != 0 ||
        !(m = gmx_calloc(1, sizeof(*m))) || !(m->name = gmx_strndup(shown, (size_t)n))) {
        if (m)
            gmx_free(m);
        gmx_free(data);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", w->path);
    }
    m->data = data;
    m->buf = (gmx_bundle_buffer){ .name = m->name, .data = data, .len = len };
    b->members[b->nmembers++] = m;
    struct stat st = { 0 };
    st.st_mtim.tv_sec = (time_t)(mtime_ns / 1000000000);
    st.st_mtim.tv_nsec = (long)(mtime_ns % 1000000000);
    if (!gmx_bundle_add_artifact(b, m->name) || !gmx_bundle_pend(b, &st))
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", w->path);
    b->pending[b->npending - 1].buffer = &m->buf;
    b->pending[b->npending - 1].member = true;
    return GMX_OK;
}

/* A zip or tar among the inputs: its members read as a folder's files
 * (*handled); one it cannot read to the end is listed as skipped with why,
 * the members before the damage kept. */
static gmx_code walk_archive(gmx_bundle *b, const char *path, bool *handled, gmx_error *err)
{
    archive_walk w = { b, path };
    gmx_error aerr;
    gmx_code rc = gmx_archive_read(path, GMX_GUNZIP_DEFAULT_MAX, add_member, &w, handled, &aerr);
    if (!*handled || rc == GMX_OK)
        return GMX_OK;
    if (rc == GMX_ENOMEM || (rc == GMX_ELIMIT && b->count >= b->max_files)) {
        *err = aerr;
        return rc;
    }
    gmx_artifact *a = gmx_bundle_add_artifact(b, path);
    if (!a)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
    gmx_bundle_skip_error(a, &aerr);
    return GMX_OK;
}

/* Go source in a folder (an incident kept in the service's repository, a
 * checkout walked whole): code, no process's output, though its tests hold
 * goroutine dumps in strings and its interfaces list names a stack shows.
 * Named on its own, the file is read like any other. */
static bool go_source(const char *path)
{
    return gmx_str_ends(gmx_str_cstr(path), ".go");
}

gmx_code gmx_bundle_walk(gmx_bundle *b, const char *path, int depth, gmx_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return unreadable(b, path, depth, errno, err);
    int again = walked_before(b, &st);
    if (again < 0)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
    if (again)
        return GMX_OK;
    if (S_ISDIR(st.st_mode))
        return depth < MAX_DEPTH ? walk_dir(b, path, depth, err) : GMX_OK;
    if (b->count >= b->max_files)
        return gmx_error_set(err, GMX_ELIMIT, "more than %zu files in the bundle", b->max_files);
    bool archive = false;
    gmx_code rc = S_ISREG(st.st_mode) ? walk_archive(b, path, &archive, err) : GMX_OK;
    if (rc != GMX_OK || archive)
        return rc;
    gmx_artifact *a = gmx_bundle_add_artifact(b, path);
    if (!a)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
    if (S_ISREG(st.st_mode) && depth > 0 && go_source(path))
        gmx_bundle_skip(a, "Go source code, not an artifact", "Go 源代码，不是制品");
    else if (S_ISREG(st.st_mode))
        return gmx_bundle_pend(b, &st) ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
    else
        gmx_bundle_skip(a, "not a regular file", "不是普通文件");
    return gmx_bundle_alias(b, a) ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
}
