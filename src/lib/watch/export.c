/* A stored capture as files on disk — for `history export`, and as the
 * scratch folder a capture is diagnosed from (the bundle loads paths). */
#include "gomemdx/watch.h"
#include "gomemdx/findings.h"
#include "gomemdx/output.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct export_ctx {
    const char *dir;
    gmx_error *err;
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
    return gmx_output_write_file(path, f->data, f->len, x->err);
}

gmx_code gmx_watch_export_capture(gmx_store *store, int64_t capture, const char *dir,
                                  gmx_error *err)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return gmx_error_set(err, GMX_EIO, "%s: %s", dir, strerror(errno));
    export_ctx x = { dir, err };
    return gmx_store_capture_files(store, capture, write_file, &x, err);
}

static void remove_scratch(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

gmx_code gmx_watch_diagnose_capture(gmx_store *store, int64_t capture,
                                    const gmx_diagnose_options *opts, gmx_bundle **bundle,
                                    gmx_diagnosis **d, gmx_error *err)
{
    *bundle = NULL;
    *d = NULL;
    const char *tmp = getenv("TMPDIR");
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/gomemdx-capture-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return gmx_error_set(err, GMX_EIO, "%s: %s", dir, strerror(errno));
    const char *paths[] = { dir };
    gmx_code rc = gmx_watch_export_capture(store, capture, dir, err);
    if (rc == GMX_OK)
        rc = gmx_bundle_load(paths, 1, NULL, bundle, err);
    if (rc == GMX_OK)
        rc = gmx_diagnose(*bundle, opts, d, err);
    remove_scratch(dir);
    if (rc != GMX_OK) {
        gmx_bundle_free(*bundle);
        *bundle = NULL;
    }
    return rc;
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
