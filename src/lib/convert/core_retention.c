/* A core's retention paths (gmx_core_heap_retention with paths) as a heap
 * profile: each path that holds objects itself is a sample, its stack the
 * path's steps from the object up to its root (profile.proto's stacks are
 * innermost first), its values the objects and bytes that end there; pprof
 * sums them up the stacks. */
#include "gomemdx/convert.h"
#include "gomemdx/core.h"
#include "gomemdx/ingest.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static gmx_code add_paths(gmx_gprof *w, const gmx_core_retention *r, gmx_error *err)
{
    gmx_frame frames[GMX_CORE_PATH_DEPTH];
    for (size_t i = 0; i < r->npaths; i++) {
        const gmx_core_retained_path *p = &r->paths[i];
        if (p->objects == 0)
            continue;
        uint32_t n = 0;
        for (uint32_t k = (uint32_t)i; k != GMX_CORE_PATH_ROOT && n < GMX_CORE_PATH_DEPTH;
             k = r->paths[k].parent)
            frames[n++] = (gmx_frame){ gmx_str_cstr(r->paths[k].name), { "", 0 }, 0 };
        int64_t values[2] = { (int64_t)p->objects, (int64_t)p->bytes };
        gmx_code rc = gmx_gprof_add_values(w, frames, n, values, NULL, 0, err);
        if (rc != GMX_OK)
            return rc;
    }
    return GMX_OK;
}

static gmx_code add_comments(gmx_gprof *w, const char *core_path, const gmx_core_retention *r,
                             gmx_error *err)
{
    char line[600];
    snprintf(line, sizeof(line),
             "gomemdx convert: who holds the heap of %s: %llu objects, %llu bytes marked from "
             "the roots, of %llu objects, %llu bytes allocated%s",
             core_path, (unsigned long long)r->marked_objects, (unsigned long long)r->marked_bytes,
             (unsigned long long)r->allocated_objects, (unsigned long long)r->allocated_bytes,
             r->capped ? " (the mark hit a cap: partial)" : "");
    gmx_code rc = gmx_gprof_add_comment(w, gmx_str_cstr(line), err);
    if (rc == GMX_OK)
        rc = gmx_gprof_add_comment(
            w, GMX_STR_LIT("each object counts under the path from the root that reached it "
                           "first (breadth-first, globals before stacks); a run of one type "
                           "is one step"),
            err);
    return rc;
}

gmx_code gmx_convert_core_retention(const char *core_path, const char *bin_path, void **out,
                                    size_t *len, gmx_convert_core_info *info, gmx_error *err)
{
    static const gmx_gprof_value_type types[] = { { "inuse_objects", "count" },
                                                  { "inuse_space", "bytes" } };
    *out = NULL;
    *len = 0;
    gmx_core_retention r;
    gmx_code rc = gmx_ingest_core_retention(core_path, bin_path, 0, true, &r, err);
    if (rc != GMX_OK)
        return rc;
    gmx_gprof *w = gmx_gprof_new_typed(0, types, 2);
    if (!w)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (rc == GMX_OK)
        rc = add_paths(w, &r, err);
    if (rc == GMX_OK)
        rc = add_comments(w, core_path, &r, err);
    if (rc == GMX_OK)
        rc = gmx_gprof_encode(w, out, len, err);
    if (rc == GMX_OK && info) {
        memset(info, 0, sizeof(*info));
        info->objects = r.marked_objects;
        info->bytes = r.marked_bytes;
        info->allocated_objects = r.allocated_objects;
        info->allocated_bytes = r.allocated_bytes;
        info->samples = gmx_gprof_sample_count(w);
        info->capped = r.capped;
    }
    gmx_gprof_free(w);
    gmx_core_retention_release(&r);
    return rc;
}
