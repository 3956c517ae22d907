/* Heap (and allocs) profiles in the legacy text form Go writes for
 * /debug/pprof/heap?debug=1 (docs/formats.md §4):
 *
 *   heap profile: 2: 960 [10: 2388944] @ heap/1048576
 *   1: 480 [1: 480] @ 0x4880da 0x6549ea ...
 *   #	0x6549e9	main.grow+0x109	/go/src/app/main.go:90
 *
 *   # runtime.MemStats
 *   # Alloc = 1549904
 *   ...
 *
 * The counts in the text are raw samples; the parser scales them to
 * unsampled estimates exactly as go tool pprof does for this format
 * (legacy_profile.go, scaleHeapSample), so totals match `go tool pprof`. */
#ifndef GOMEMDX_HEAPTEXT_H
#define GOMEMDX_HEAPTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "gomemdx/error.h"
#include "gomemdx/heap.h"
#include "gomemdx/symbolize.h"

#ifdef __cplusplus
extern "C" {
#endif

/* True when data starts with "heap profile: ". Cheap; for sniffing. */
bool gmx_heaptext_sniff(const void *data, size_t len);

/* Where a heap-text reader (this one, pprof -top text) puts what it reads,
 * so that grammars need not know the snapshot: one record() per record,
 * frames leaf first and values already scaled, object_bytes the object size
 * when the format tells it (else 0); and the profile's sample rate and
 * MemStats in *info. A non-zero return stops the reader with that code. */
typedef struct gmx_heap_sink {
    void *ctx;
    gmx_code (*record)(void *ctx, const gmx_frame *frames, uint32_t nframes,
                       int64_t inuse_objects, int64_t inuse_bytes, int64_t alloc_objects,
                       int64_t alloc_bytes, int64_t object_bytes);
    gmx_hsnapshot_info *info;
} gmx_heap_sink;

/* The grammar behind gmx_heaptext_parse: reads (data, len) into sink. */
gmx_code gmx_heaptext_scan(const char *name, const void *data, size_t len,
                           const gmx_heap_sink *sink, gmx_error *err);

/* The same, for a profile that may carry raw pcs only: a record without
 * "#" lines gets its "@" pcs as frames, named by sym (NULL: none) when it
 * names every one, else written "0x4a1b2c". *names (may be NULL) counts
 * such records and those named. */
gmx_code gmx_heaptext_scan_named(const char *name, const void *data, size_t len,
                                 const gmx_heap_sink *sink, const gmx_symbolizer *sym,
                                 gmx_symbolized *names, gmx_error *err);

/* A sink that adds each record to h. */
gmx_heap_sink gmx_hsnapshot_sink(gmx_hsnapshot *h);

/* Parses (data, len) into h (made by the caller with gmx_hsnapshot_new):
 * one gmx_hsnapshot_add per record, with its symbolised frames leaf first
 * (function names without "+0x.."; records with no "#" lines get no
 * frames), values scaled by the sample rate of the header ("@ heap/N" is
 * 2 x MemProfileRate; "@ heap_v2/N" is the rate itself). Fills the info of
 * h: sample_rate and, from the "# runtime.MemStats" trailer, memstats.
 * name is used in error messages only. GMX_EFORMAT names the line. */
gmx_code gmx_heaptext_parse(const char *name, const void *data, size_t len, gmx_hsnapshot *h,
                            gmx_error *err);
/* The same, naming records without "#" lines as gmx_heaptext_scan_named. */
gmx_code gmx_heaptext_parse_named(const char *name, const void *data, size_t len,
                                  gmx_hsnapshot *h, const gmx_symbolizer *sym,
                                  gmx_symbolized *names, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
