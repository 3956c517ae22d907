/* Fuzz target: profile.proto bytes (raw or gzipped) through the heap
 * profile reducer diagnose reads heap profiles with, against the decoder
 * it stands in for. Whatever the reducer accepts, the decoder must accept
 * too and read into the same sites, values, object sizes, time and period,
 * in the same order, once both are merged into a table of sites; a
 * difference aborts. The reducer runs twice over one scratch, as a worker
 * reuses it from one file to the next. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomemdx/heap.h"
#include "gomemdx/input.h"
#include "gomemdx/profile.h"
#include "ingest/heap_proto.h"
#include "ingest/heap_reduce.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool frames_eq(const gmx_hsite *a, const gmx_hsite *b)
{
    if (a->nframes != b->nframes)
        return false;
    for (uint32_t i = 0; i < a->nframes; i++) {
        const gmx_frame *x = &a->frames[i], *y = &b->frames[i];
        if (x->line != y->line || !gmx_str_eq(x->func, y->func) || !gmx_str_eq(x->file, y->file))
            return false;
    }
    return true;
}

static void same(const gmx_hsnapshot *a, const gmx_hsnapshot *b)
{
    const gmx_hsnapshot_info *ia = gmx_hsnapshot_get_info(a), *ib = gmx_hsnapshot_get_info(b);
    if (gmx_hsnapshot_count(a) != gmx_hsnapshot_count(b) || ia->time_ns != ib->time_ns ||
        ia->sample_rate != ib->sample_rate ||
        gmx_hsnapshot_overflow_bytes(a) != gmx_hsnapshot_overflow_bytes(b))
        abort();
    for (size_t i = 0; i < gmx_hsnapshot_count(a); i++) {
        const gmx_hsite *x = gmx_hsnapshot_at(a, i), *y = gmx_hsnapshot_at(b, i);
        if (!frames_eq(x, y) || x->inuse_objects != y->inuse_objects ||
            x->inuse_bytes != y->inuse_bytes || x->alloc_objects != y->alloc_objects ||
            x->alloc_bytes != y->alloc_bytes || x->max_object_bytes != y->max_object_bytes)
            abort();
    }
}

/* The decoder's reading of the bytes, merged into t; NULL when it refuses
 * them or they are no heap profile. */
static gmx_hsnapshot *decoded(const uint8_t *data, size_t size, gmx_hsite_table *t, bool *allocs)
{
    gmx_error err;
    gmx_input *in;
    gmx_profile *p;
    gmx_hsnapshot *h = NULL, *shared = NULL;
    if (gmx_input_from_memory("fuzz", data, size, &in, &err) != GMX_OK ||
        gmx_profile_decode(in, &p, &err) != GMX_OK)
        return NULL;
    if (gmx_heap_profile_proto_is(p) && (h = gmx_hsnapshot_new(0)) &&
        gmx_heap_profile_proto_read(p, h, &err) == GMX_OK)
        gmx_hsnapshot_share(t, h, &shared);
    *allocs = gmx_str_eq_cstr(gmx_profile_get_info(p)->default_sample_type, "alloc_space");
    gmx_hsnapshot_free(h);
    gmx_profile_free(p);
    return shared;
}

static void compare(const uint8_t *data, size_t size)
{
    static heap_reduce_scratch scratch;
    heap_reduced r;
    for (int round = 0; round < 2; round++) {
        if (!gmx_heap_reduce(data, size, &scratch, &r))
            return;
        if (round == 0)
            gmx_heap_reduced_release(&r);
    }
    gmx_hsite_table *ta = gmx_hsite_table_new(0), *tb = gmx_hsite_table_new(0);
    gmx_hsnapshot *a = NULL, *b = NULL;
    bool allocs = false;
    if (!ta || !tb || gmx_hsnapshot_share_reduced(ta, &r.view, &a) != GMX_OK)
        goto out; /* out of memory: nothing to compare */
    b = decoded(data, size, tb, &allocs);
    if (!b || allocs != r.allocs)
        abort();
    same(a, b);
out:
    gmx_hsnapshot_free(a);
    gmx_hsnapshot_free(b);
    gmx_hsite_table_free(ta);
    gmx_hsite_table_free(tb);
    gmx_heap_reduced_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *raw = NULL;
    size_t n = size;
    gmx_error err;
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
        if (gmx_gunzip("fuzz", data, size, (size_t)16 << 20, &raw, &n, &err) != GMX_OK)
            return 0;
        data = raw;
    }
    compare(data, n);
    gmx_gunzip_free(raw);
    return 0;
}
