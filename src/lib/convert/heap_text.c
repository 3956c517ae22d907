/* A heap profile's debug=1 text as a profile model, for top, peek and list
 * (go tool pprof reads this legacy format too): read into a snapshot (its
 * records without "#" lines named from the executable when given), each
 * site written as a sample of pprof's four legacy heap types, alloc before
 * inuse as pprof orders them (the default, the last, is inuse_space), with
 * the drop_frames pprof's legacy parser sets, and decoded back. */
#include "gomemdx/convert.h"
#include "gomemdx/heap.h"
#include "gomemdx/ingest.h"

static const gmx_gprof_value_type types[] = {
    { "alloc_objects", "count" }, { "alloc_space", "bytes" },
    { "inuse_objects", "count" }, { "inuse_space", "bytes" },
};

/* What pprof's legacy parser sets for a heap profile
 * (vendor/github.com/google/pprof/profile/legacy_profile.go: allocRxStr,
 * allocSkipRxStr): the allocator frames at the top of each stack go, as
 * runtime/pprof leaves them out of its protobuf. */
static const char alloc_frames[] =
    "calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|"
    "tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|"
    "tc_pvalloc|tc_valloc|tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|"
    "tc_new_nothrow|tc_newarray_nothrow|malloc_zone_malloc|malloc_zone_calloc|"
    "malloc_zone_valloc|malloc_zone_realloc|malloc_zone_memalign|malloc_zone_free|"
    "runtime\\..*|BaseArena::.*|(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|"
    "DoSampledAllocation|MallocedMemBlock::MallocedMemBlock|_M_allocate|"
    "__builtin_(vec_)?delete|__builtin_(vec_)?new|__gnu_cxx::new_allocator::allocate|"
    "__libc_malloc|__malloc_alloc_template::allocate|allocate|cpp_alloc|operator new(\\[\\])?|"
    "simple_alloc::allocate";
static const char alloc_skip_frames[] = "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";

static gmx_code write_sites(const char *name, const gmx_hsnapshot *h, void **bytes, size_t *len,
                            gmx_error *err)
{
    gmx_gprof *w = gmx_gprof_new_typed(0, types, sizeof(types) / sizeof(types[0]));
    if (!w)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", name);
    gmx_code rc = gmx_gprof_set_frames(w, (gmx_str){ alloc_frames, sizeof(alloc_frames) - 1 },
                                       (gmx_str){ alloc_skip_frames, sizeof(alloc_skip_frames) - 1 },
                                       err);
    for (size_t i = 0; rc == GMX_OK && i < gmx_hsnapshot_count(h); i++) {
        const gmx_hsite *s = gmx_hsnapshot_at(h, i);
        int64_t v[] = { s->alloc_objects, s->alloc_bytes, s->inuse_objects, s->inuse_bytes };
        rc = gmx_gprof_add_values(w, s->frames, s->nframes, v, NULL, 0, err);
    }
    if (rc == GMX_OK)
        rc = gmx_gprof_encode(w, bytes, len, err);
    gmx_gprof_free(w);
    return rc;
}

gmx_code gmx_convert_heap_text(const char *name, const void *data, size_t len,
                               const struct gmx_binary *b, gmx_profile **out,
                               gmx_symbolized *names, gmx_error *err)
{
    *out = NULL;
    gmx_hsnapshot *h;
    gmx_code rc = gmx_ingest_heap_text(name, data, len, b, &h, names, err);
    if (rc != GMX_OK)
        return rc;
    void *bytes = NULL;
    size_t n = 0;
    rc = write_sites(name, h, &bytes, &n, err);
    gmx_hsnapshot_free(h);
    gmx_input *in;
    if (rc == GMX_OK && (rc = gmx_input_from_heap(name, bytes, n, &in, err)) == GMX_OK &&
        (rc = gmx_input_decompress(&in, 0, err)) != GMX_OK)
        gmx_input_free(in);
    else if (rc == GMX_OK)
        rc = gmx_profile_decode(in, out, err); /* takes the input over */
    return rc;
}
