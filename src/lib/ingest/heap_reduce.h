/* A heap or allocs profile in profile.proto form read straight to what a
 * bundle keeps of it: the values per allocation site (its leading
 * GMX_HEAP_SITE_FRAMES frames), the functions and frames those sites name,
 * the time and period. No profile model is built: one pass over the
 * top-level fields notes where every string, sample and function is and
 * reads every location's lines into compact tables a worker reuses from
 * one file to the next; then each sample is read once into its site.
 *
 * It is the fast path of what gmx_profile_decode followed by
 * gmx_heap_profile_proto_read gives, for the profiles Go writes (ids
 * 1, 2, ... in order, no drop_frames). It checks everything the decoder
 * checks, and declines whatever it does not take: a profile that is not a
 * heap profile, anything the decoder would refuse (which the decoder then
 * reports in its own words), any unusual shape. A declined profile is read
 * by the decoder; what this reader accepts, the decoder would accept and
 * read into the same sites (fuzz_heap_reduce compares them). */
#ifndef GMX_INGEST_HEAP_REDUCE_H
#define GMX_INGEST_HEAP_REDUCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/heap.h"
#include "util/arena.h"

/* Tables a worker reuses from one profile to the next (fresh pages cost
 * more than the decoding on some virtual machines). Zero it to start;
 * gmx_heap_reduce_scratch_release frees it. */
typedef struct heap_reduce_scratch {
    struct reduce_span { uint32_t at, len; } *strings, *samples;
    size_t strings_cap, samples_cap;
    /* A location's lines, and its first frame in the result + 1 (0 until
     * a sample's leading frames name it, UINT32_MAX while its frames wait
     * to be made: each line of it is then a frame). */
    struct reduce_loc { uint32_t first, n, frame; } *locs;
    size_t locs_cap;
    struct reduce_line { uint32_t fn, line; } *lines; /* fn: the function's index */
    size_t lines_cap;
    struct reduce_fn { uint32_t name, file; } *fns;   /* string indexes */
    size_t fns_cap;
    uint32_t *fn_used;        /* by function index: its index in the result + 1, or 0 */
    size_t fn_used_cap;
    uint32_t *str_used;       /* by string index: its index in the result + 1, or 0 */
    size_t str_used_cap;
    gmx_str *strs;            /* the strings of the result, as views until copied */
    size_t strs_cap;
    uint32_t *ids;            /* one sample's location indexes */
    size_t ids_cap;
    /* Each sample as read, before its site is known: its values and the
     * locations of its leading frames (lead, back to back). */
    struct reduce_sample {
        int64_t inuse_objects, inuse_bytes, alloc_objects, alloc_bytes, size;
        uint32_t lead, nlead;
    } *read;
    size_t read_cap;
    uint32_t *lead;
    size_t lead_cap;
    uint32_t *site_slots;     /* site index + 1; 0 = empty */
    size_t site_nslots;
    uint64_t *site_hash;      /* by site */
    size_t site_hash_cap;
    gmx_hreduced_frame *frames;
    size_t frames_cap;
    uint32_t *frame_of;
    size_t frame_of_cap;
    gmx_hreduced_site *sites;
    size_t sites_cap;
    gmx_hreduced_func *funcs;
    size_t funcs_cap;
    uint64_t *file_hash;      /* by function of the result: gmx_hreduced_file_hash */
    size_t file_hash_cap;
} heap_reduce_scratch;

void gmx_heap_reduce_scratch_release(heap_reduce_scratch *s);

/* One profile reduced: view describes it, over arrays it owns. */
typedef struct heap_reduced {
    gmx_hreduced view;
    bool allocs;              /* default_sample_type is alloc_space */
    gmx_arena strings;        /* names (generic shapes written "[...]") and files */
    void *owned;              /* the arrays of view, in one block */
} heap_reduced;

/* Reads the uncompressed profile (data, len) into *out (to be released
 * with gmx_heap_reduced_release). False when it declines: *out is then
 * empty and the caller decodes the profile instead. */
bool gmx_heap_reduce(const void *data, size_t len, heap_reduce_scratch *s, heap_reduced *out);
void gmx_heap_reduced_release(heap_reduced *r);

#endif
