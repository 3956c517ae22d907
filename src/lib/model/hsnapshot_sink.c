/* The heap snapshot as the sink of the heap text readers (debug=1 text,
 * pprof -top text): the grammars in parse/ know records, not snapshots. */
#include "gomemdx/heaptext.h"
#include "gomemdx/ptoptext.h"

static gmx_code add_record(void *ctx, const gmx_frame *frames, uint32_t nframes,
                           int64_t inuse_objects, int64_t inuse_bytes, int64_t alloc_objects,
                           int64_t alloc_bytes, int64_t object_bytes)
{
    gmx_hsnapshot *h = ctx;
    gmx_code rc = gmx_hsnapshot_add(h, frames, nframes, inuse_objects, inuse_bytes,
                                    alloc_objects, alloc_bytes);
    if (rc == GMX_OK && object_bytes > 0)
        gmx_hsnapshot_note_object_size(h, frames, nframes, object_bytes);
    return rc;
}

gmx_heap_sink gmx_hsnapshot_sink(gmx_hsnapshot *h)
{
    return (gmx_heap_sink){ h, add_record, gmx_hsnapshot_info_of(h) };
}

gmx_code gmx_heaptext_parse(const char *name, const void *data, size_t len, gmx_hsnapshot *h,
                            gmx_error *err)
{
    return gmx_heaptext_parse_named(name, data, len, h, NULL, NULL, err);
}

gmx_code gmx_heaptext_parse_named(const char *name, const void *data, size_t len,
                                  gmx_hsnapshot *h, const gmx_symbolizer *sym,
                                  gmx_symbolized *names, gmx_error *err)
{
    gmx_heap_sink sink = gmx_hsnapshot_sink(h);
    return gmx_heaptext_scan_named(name, data, len, &sink, sym, names, err);
}

gmx_code gmx_ptoptext_parse(const char *name, const void *data, size_t len, gmx_hsnapshot *h,
                            gmx_ptop_info *info, gmx_error *err)
{
    gmx_heap_sink sink = gmx_hsnapshot_sink(h);
    return gmx_ptoptext_scan(name, data, len, &sink, info, err);
}
