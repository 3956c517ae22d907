/* A heap or allocs profile in profile.proto form as a heap snapshot: each
 * sample's four values (alloc_objects, alloc_space, inuse_objects,
 * inuse_space — found by name, in any order) added to its allocation site,
 * the "bytes" label noted as the object size, time_nanos and the period
 * kept. A site is the leading GMX_HEAP_SITE_FRAMES frames of the stack: the
 * allocation and its nearest callers; deeper frames would only split one
 * site by caller, and cost most of the reading time on deep stacks. */
#include "ingest/heap_proto.h"
#include "ingest/frames_proto.h"
#include "util/alloc.h"
#include "util/str.h"

#include <string.h>

typedef struct columns {
    int inuse_objects, inuse_bytes, alloc_objects, alloc_bytes;
} columns;

static int column(const gmx_profile_info *pi, const char *type)
{
    for (size_t i = 0; i < pi->nsample_types; i++)
        if (gmx_str_eq_cstr(pi->sample_types[i].type, type))
            return (int)i;
    return -1;
}

static int64_t value_at(const gmx_psample *s, int col)
{
    return col >= 0 ? s->values[col] : 0;
}

static int64_t object_size(const gmx_psample *s)
{
    for (uint32_t i = 0; i < s->nlabels; i++)
        if (s->labels[i].is_num && gmx_str_eq_cstr(s->labels[i].key, "bytes"))
            return s->labels[i].num;
    return 0;
}

static gmx_code add_samples(const gmx_profile *p, const columns *c, gmx_hsnapshot *h,
                            gmx_arena *names, gmx_error *err)
{
    gmx_psample_reader sr;
    gmx_psample_reader_init(&sr, p);
    gmx_proto_frames fr;
    gmx_code rc = gmx_proto_frames_init(&fr, p, GMX_HEAP_SITE_FRAMES);
    gmx_proto_frames_keep_names(&fr, names);
    if (rc != GMX_OK)
        gmx_error_set(err, rc, "out of memory reading %s", gmx_profile_name(p));
    for (size_t i = 0; rc == GMX_OK && i < gmx_profile_sample_count(p); i++) {
        gmx_psample s;
        if ((rc = gmx_psample_read(&sr, i, &s, err)) != GMX_OK)
            break;
        uint32_t flags = 0;
        const gmx_frame *frames = gmx_proto_frames_of(&fr, &s, &flags);
        if (!frames) {
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", gmx_profile_name(p));
            break;
        }
        int64_t inuse_objects = value_at(&s, c->inuse_objects);
        rc = gmx_hsnapshot_add_sized(h, frames, fr.n, inuse_objects, value_at(&s, c->inuse_bytes),
                                     value_at(&s, c->alloc_objects), value_at(&s, c->alloc_bytes),
                                     inuse_objects > 0 ? object_size(&s) : 0);
        if (rc != GMX_OK)
            gmx_error_set(err, rc, "out of memory reading %s", gmx_profile_name(p));
    }
    gmx_proto_frames_release(&fr);
    gmx_psample_reader_release(&sr);
    return rc;
}

bool gmx_heap_profile_proto_is(const gmx_profile *p)
{
    const gmx_profile_info *pi = gmx_profile_get_info(p);
    return column(pi, "inuse_space") >= 0 || column(pi, "alloc_space") >= 0;
}

gmx_code gmx_heap_profile_proto_read(const gmx_profile *p, gmx_hsnapshot *h, gmx_error *err)
{
    return gmx_heap_profile_proto_read_keeping(p, h, NULL, err);
}

gmx_code gmx_heap_profile_proto_read_keeping(const gmx_profile *p, gmx_hsnapshot *h,
                                             gmx_arena *names, gmx_error *err)
{
    const gmx_profile_info *pi = gmx_profile_get_info(p);
    columns c = { column(pi, "inuse_objects"), column(pi, "inuse_space"),
                  column(pi, "alloc_objects"), column(pi, "alloc_space") };
    if (c.inuse_bytes < 0 && c.alloc_bytes < 0) {
        return gmx_error_set_at_offset(err, GMX_EFORMAT, gmx_profile_name(p), 0,
                                       "not a heap or allocs profile (no inuse_space or "
                                        "alloc_space samples)");
    }
    gmx_hsnapshot_info *info = gmx_hsnapshot_info_of(h);
    info->time_ns = pi->time_nanos;
    info->sample_rate = pi->period;
    return add_samples(p, &c, h, names, err);
}
