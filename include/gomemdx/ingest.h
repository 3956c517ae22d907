/* Ingest: from a path to a model, through load, sniff and parse. This is
 * the glue the CLI calls; each stage is also callable on its own. */
#ifndef GOMEMDX_INGEST_H
#define GOMEMDX_INGEST_H

#include "gomemdx/analyze.h"
#include "gomemdx/error.h"
#include "gomemdx/input.h"
#include "gomemdx/symbolize.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gmx_binary;

typedef struct gmx_ingest_options {
    unsigned threads;          /* parser threads for large dumps; 0 = online CPUs (max 8) */
    gmx_gbuckets_limits limits;
    /* The executable the dumps came from (--binary), or NULL: names the
     * runtime frames a debug=1 profile leaves out, so its records say why
     * they wait (gmx_dump_info.named_records counts them). */
    const struct gmx_binary *binary;
} gmx_ingest_options;

/* Appends to an input's reading note (len bytes of buf, which holds cap)
 * what --binary did: "runtime frames of N records named from the binary",
 * or that it named none (another build's), or for a protobuf written
 * without function names gmx_ingest_describe_symbolized's note; zh: in
 * Chinese. Returns the note's new length. */
size_t gmx_ingest_describe_names(const gmx_dump_info *info, bool zh, char *buf, size_t len,
                                 size_t cap);

/* The executable b as a symbolizer: addresses named from its .gopclntab
 * (b outlives the reading). */
gmx_symbolizer gmx_ingest_symbolizer(const struct gmx_binary *b);
/* Reads a heap profile's debug=1 text (data, len) into a new snapshot *out,
 * its records without "#" lines named from b (NULL: written as addresses),
 * unless most of their pcs are not b's calls: then read again unnamed, and
 * names->other_build. */
struct gmx_hsnapshot;
gmx_code gmx_ingest_heap_text(const char *name, const void *data, size_t len,
                              const struct gmx_binary *b, struct gmx_hsnapshot **out,
                              gmx_symbolized *names, gmx_error *err);
/* Names p's locations that carry only an address from b (NULL: counts
 * them), unless a mapping of theirs has a build ID that is not b's (then
 * out->other_build, nothing named). */
struct gmx_profile;
gmx_code gmx_ingest_symbolize_profile(struct gmx_profile *p, const struct gmx_binary *b,
                                      gmx_symbolized *out, gmx_error *err);
/* Appends to an input's reading note what naming its raw addresses came
 * to: none named and --binary would name them, "N of M addresses named from
 * the binary", or that the binary is another build's. */
size_t gmx_ingest_describe_symbolized(const gmx_symbolized *s, bool zh, char *buf, size_t len,
                                      size_t cap);

/* Reads a full goroutine dump at path into snap (its name, buckets and
 * dump info). snap owns what it holds: release with gmx_gsnapshot_release.
 * opts may be NULL. */
gmx_code gmx_ingest_goroutines(const char *path, const gmx_ingest_options *opts,
                               gmx_gsnapshot *snap, gmx_error *err);
/* The same from an input already open (taken over, also on failure). */
gmx_code gmx_ingest_goroutines_input(gmx_input *in, const gmx_ingest_options *opts,
                                     gmx_gsnapshot *snap, gmx_error *err);
/* The same from a decoded goroutine or goroutineleak profile (not taken;
 * the snapshot keeps copies of what it needs). */
struct gmx_profile;
gmx_code gmx_ingest_goroutines_profile(const struct gmx_profile *p, const gmx_ingest_options *opts,
                                       gmx_gsnapshot *snap, gmx_error *err);
void gmx_gsnapshot_release(gmx_gsnapshot *snap);

/* Reads the goroutines of a Go core dump at core_path, with the executable
 * at bin_path that produced it (gomemdx/core.h), into snap as a dump's
 * would be read. info (may be NULL) says what the core held. */
struct gmx_core_info;
struct gmx_core_heap;
gmx_code gmx_ingest_core(const char *core_path, const char *bin_path,
                         const gmx_ingest_options *opts, gmx_gsnapshot *snap,
                         struct gmx_core_info *info, gmx_error *err);
/* The same, and the heap of the same core (gmx_core_heap_walk) into *heap,
 * opening the core once. A heap that cannot be read is no error: heap_err
 * says why and *heap stays empty; running out of memory is. Release *heap
 * with gmx_core_heap_release. */
struct gmx_core_heap;
gmx_code gmx_ingest_core_with_heap(const char *core_path, const char *bin_path,
                                   const gmx_ingest_options *opts, gmx_gsnapshot *snap,
                                   struct gmx_core_info *info, struct gmx_core_heap *heap,
                                   gmx_error *heap_err, gmx_error *err);
/* gmx_ingest_core_with_heap with the first of bins the core pairs with
 * (build IDs), its index in *used; else the last refusal. heap may be NULL. */
gmx_code gmx_ingest_core_pair(const char *core_path, const char *const *bins, size_t nbins,
                              const gmx_ingest_options *opts, gmx_gsnapshot *snap,
                              struct gmx_core_heap *heap, gmx_error *heap_err, size_t *used,
                              gmx_error *err);
/* The heap of the core at core_path read with bin_path (gmx_core_heap_walk);
 * release with gmx_core_heap_release. */
struct gmx_core_heap;
gmx_code gmx_ingest_core_heap(const char *core_path, const char *bin_path,
                              struct gmx_core_heap *heap, gmx_error *err);

/* Who holds the heap of that core (gmx_core_heap_retention): the
 * max_holders roots reaching the most bytes, with a chain each, and with
 * with_paths every object's path; release with gmx_core_retention_release. */
struct gmx_core_retention;
gmx_code gmx_ingest_core_retention(const char *core_path, const char *bin_path, size_t max_holders,
                                   bool with_paths, struct gmx_core_retention *out,
                                   gmx_error *err);

/* The same heap as a heap snapshot for the heap analyses and renderers: one
 * site per row, its one frame the Go type ("size class N (...)" when
 * unknown), in-use values the live objects (the allocated ones the same: a
 * core knows no history); MemStats' HeapInuse, HeapAlloc and HeapObjects
 * the walk's, which reconcile with the runtime's. */
struct gmx_hsnapshot;
gmx_code gmx_ingest_core_hsnapshot(const char *core_path, const char *bin_path,
                                   struct gmx_hsnapshot **out, gmx_error *err);

/* Reads a heap or allocs profile at path (profile.proto, gzipped or not, or
 * the debug=1 text) into a new snapshot *out (free with gmx_hsnapshot_free). */
struct gmx_hsnapshot;
gmx_code gmx_ingest_heap_profile(const char *path, struct gmx_hsnapshot **out, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
