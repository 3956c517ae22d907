/* A stored capture as files on disk (`history export`), or as the
 * bundle's buffers read straight from the store (`diagnose --store`,
 * `watch --listen`). */
#include "gomemdx/watch.h"
#include "gomemdx/findings.h"
#include "gomemdx/input.h"
#include "gomemdx/output.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct export_ctx {
    const char *dir;
    gmx_error *err;
    gmx_buf *index;              /* capture-times.tsv being written, or NULL */
    const char *sub;             /* the capture's folder, relative to the index */
    int64_t time_ns;
    size_t files;
} export_ctx;

static int write_file(void *ctx, const gmx_store_file *f)
{
    export_ctx *x = ctx;
    /* Names come from the store; one with a path in it is not ours. */
    if (!f->name[0] || strchr(f->name, '/') || strcmp(f->name, ".") == 0 ||
        strcmp(f->name, "..") == 0)
        return gmx_error_set(x->err, GMX_EFORMAT, "capture file named '%s' refused", f->name);
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", x->dir, f->name);
    gmx_code rc = gmx_output_write_file(path, f->data, f->len, x->err);
    if (rc != GMX_OK)
        return rc;
    x->files++;
    if (x->index && gmx_buf_printf(x->index, "%lld\t%s/%s\n", (long long)x->time_ns, x->sub,
                                   f->name) != 0)
        return gmx_error_set(x->err, GMX_ENOMEM, "out of memory writing capture times");
    return GMX_OK;
}

gmx_code gmx_watch_export_capture(gmx_store *store, int64_t capture, const char *dir,
                                  gmx_error *err)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return gmx_error_set(err, GMX_EIO, "%s: %s", dir, strerror(errno));
    export_ctx x = { dir, err, NULL, NULL, 0, 0 };
    return gmx_store_capture_files(store, capture, write_file, &x, err);
}

static gmx_code make_dir(const char *dir, gmx_error *err)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return gmx_error_set(err, GMX_EIO, "%s: %s", dir, strerror(errno));
    return GMX_OK;
}

static gmx_code write_index(const char *dir, const gmx_buf *index, gmx_error *err)
{
    char path[4200]; /* dir is at most 4095 bytes */
    snprintf(path, sizeof(path), "%s/%s", dir, GMX_CAPTURE_TIMES_FILE);
    return gmx_output_write_file(path, index->data ? index->data : "", index->len, err);
}

/* One target's captures into dir/NAME/capture-K/, timed by its index. */
static gmx_code export_target(gmx_store *store, const gmx_store_target_info *t, const char *dir,
                              size_t *nfiles, gmx_error *err)
{
    gmx_url_target u;
    gmx_code rc = gmx_url_resolve(t->url, "", &u, err);
    if (rc)
        return rc;
    char tdir[4096], cdir[4200], sub[32];
    snprintf(tdir, sizeof(tdir), "%s/%s", dir, u.name);
    gmx_store_capture_info *c;
    size_t n;
    if ((rc = gmx_store_list_captures(store, t->id, &c, &n, err)))
        return rc;
    gmx_buf index;
    gmx_buf_init(&index, (size_t)1 << 20);
    gmx_buf_printf(&index, "# gomemdx capture times: Unix ns, TAB, file (under this folder)\n");
    rc = n ? make_dir(tdir, err) : GMX_OK;
    for (size_t i = 0; rc == GMX_OK && i < n; i++) {
        snprintf(sub, sizeof(sub), "capture-%02zu", i + 1);
        snprintf(cdir, sizeof(cdir), "%s/%s", tdir, sub);
        export_ctx x = { cdir, err, &index, sub, c[i].time_ns, 0 };
        if ((rc = make_dir(cdir, err)) == GMX_OK)
            rc = gmx_store_capture_files(store, c[i].id, write_file, &x, err);
        *nfiles += x.files;
    }
    if (rc == GMX_OK && n)
        rc = index.failed ? gmx_error_set(err, GMX_ENOMEM, "out of memory writing capture times")
                          : write_index(tdir, &index, err);
    gmx_buf_release(&index);
    gmx_store_captures_free(c, n);
    return rc;
}

gmx_code gmx_watch_export_series(gmx_store *store, const char *dir, size_t *nfiles,
                                 gmx_error *err)
{
    *nfiles = 0;
    gmx_code rc = make_dir(dir, err);
    gmx_store_target_info *t = NULL;
    size_t n = 0;
    if (rc == GMX_OK)
        rc = gmx_store_list_targets(store, &t, &n, err);
    for (size_t i = 0; rc == GMX_OK && i < n; i++)
        rc = export_target(store, &t[i], dir, nfiles, err);
    gmx_store_targets_free(t, n);
    return rc;
}

/* A stored file lent to a bundle when it reads it: the store, the
 * capture, the file's name in it; the shown name follows in the block. */
typedef struct stored_file {
    gmx_store *store;
    int64_t capture;
    const char *file;
} stored_file;

/* One store handle serves every thread of the bundle, one at a time. */
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct copy_ctx {
    const stored_file *sf;
    const char *shown;
    gmx_input *in;
    gmx_error *err;
} copy_ctx;

/* The file's bytes copied out of the store, which lends them for the call. */
static int copy_file(void *ctx, const gmx_store_file *f)
{
    copy_ctx *c = ctx;
    void *data = gmx_malloc(f->len ? f->len : 1);
    if (!data)
        return gmx_error_set(c->err, GMX_ENOMEM, "out of memory reading %s", c->shown);
    memcpy(data, f->data, f->len);
    return gmx_input_from_heap(c->shown, data, f->len, &c->in, c->err);
}

static gmx_code open_stored_file(void *ctx, const gmx_bundle_buffer *buf, gmx_input **in,
                                 gmx_error *err)
{
    const stored_file *sf = ctx;
    copy_ctx c = { sf, buf->name, NULL, err };
    pthread_mutex_lock(&store_lock);
    gmx_code rc = gmx_store_capture_file(sf->store, sf->capture, sf->file, copy_file, &c, err);
    pthread_mutex_unlock(&store_lock);
    if (rc == GMX_OK && !c.in)
        rc = gmx_error_set(err, GMX_EIO, "%s: gone from the store", buf->name);
    *in = c.in;
    return rc;
}

typedef struct buffers_ctx {
    gmx_capture_buffers *set;
    gmx_store *store;
    const char *prefix;
    int64_t capture, time_ns;
    gmx_error *err;
} buffers_ctx;

/* Names one file of the capture as a buffer whose bytes stay in the store
 * until the bundle reads it. */
static int name_file(void *ctx, const gmx_store_file *f)
{
    buffers_ctx *x = ctx;
    gmx_capture_buffers *s = x->set;
    if (gmx_array_reserve((void **)&s->buffers, &s->cap, s->n, sizeof(*s->buffers)))
        return gmx_error_set(x->err, GMX_ENOMEM, "out of memory reading capture %lld",
                             (long long)x->capture);
    char shown[512];
    int n = snprintf(shown, sizeof(shown), "%scapture-%lld/%s", x->prefix, (long long)x->capture,
                     f->name);
    size_t shown_len = n < 0 ? 0 : (size_t)n < sizeof(shown) ? (size_t)n : sizeof(shown) - 1;
    size_t file_len = strlen(f->name);
    stored_file *sf = gmx_malloc(sizeof(*sf) + shown_len + 1 + file_len + 1);
    if (!sf)
        return gmx_error_set(x->err, GMX_ENOMEM, "out of memory reading capture %lld",
                             (long long)x->capture);
    char *names = (char *)(sf + 1);
    memcpy(names, shown, shown_len);
    names[shown_len] = '\0';
    memcpy(names + shown_len + 1, f->name, file_len + 1);
    *sf = (stored_file){ x->store, x->capture, names + shown_len + 1 };
    s->buffers[s->n++] = (gmx_bundle_buffer){ .name = names, .time_ns = x->time_ns,
                                              .open = open_stored_file, .ctx = sf };
    return GMX_OK;
}

gmx_code gmx_watch_capture_buffers(gmx_store *store, int64_t capture, int64_t time_ns,
                                   const char *prefix, gmx_capture_buffers *set, gmx_error *err)
{
    buffers_ctx x = { set, store, prefix ? prefix : "", capture, time_ns, err };
    return gmx_store_capture_file_names(store, capture, name_file, &x, err);
}

void gmx_capture_buffers_release(gmx_capture_buffers *set)
{
    for (size_t i = 0; i < set->n; i++)
        gmx_free(set->buffers[i].ctx); /* the names follow it in its block */
    gmx_free(set->buffers);
    memset(set, 0, sizeof(*set));
}

void gmx_watch_summary(const gmx_diagnosis *d, char *out, size_t outsz)
{
    const gmx_finding *f = d && gmx_findings_count(d->findings) ? gmx_findings_at(d->findings, 0)
                                                                : NULL;
    if (!f) {
        snprintf(out, outsz, "no findings");
        return;
    }
    snprintf(out, outsz, "#%u %s %s: %.*s", f->rank, gmx_severity_name(f->severity),
             gmx_category_id(f->category), (int)f->title.n, f->title.p);
}
