/* Heap snapshots: what one heap (or allocs) profile says per allocation
 * stack — objects and bytes in use and allocated since start — whatever
 * format it came in (profile.proto, heap debug=1 text). Analyses compare
 * snapshots of one process over time to find the sites that keep growing.
 * Memory grows with the number of distinct stacks. */
#ifndef GOMEMDX_HEAP_H
#define GOMEMDX_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/goroutine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One allocation stack: its frames leaf first (the allocating frame first;
 * leading runtime allocator frames are already dropped by Go's writers),
 * and its values (scaled estimates, as go tool pprof shows them). */
/* Frames that make an allocation site (leaf first) when reading profiles. */
#define GMX_HEAP_SITE_FRAMES 16

typedef struct gmx_hsite {
    const gmx_frame *frames;
    uint32_t nframes;
    int64_t inuse_objects, inuse_bytes;
    int64_t alloc_objects, alloc_bytes;
    /* The largest object size seen in use at this stack (the "bytes"
     * label of proto heap profiles); 0 when the format does not say. */
    int64_t max_object_bytes;
    /* The site's index in its table: a snapshot's own, or the table of
     * sites its series shares (gmx_hsite_table). */
    uint32_t id;
} gmx_hsite;

/* The runtime.MemStats numbers a heap debug=1 profile ends with (or that
 * /debug/vars publishes). has_* says which were present. */
typedef struct gmx_memstats {
    bool present;
    uint64_t alloc, total_alloc, sys, mallocs, frees;
    uint64_t heap_alloc, heap_sys, heap_idle, heap_inuse, heap_released, heap_objects;
    uint64_t stack_inuse, stack_sys, next_gc, last_gc_ns, num_gc, max_rss;
} gmx_memstats;

typedef struct gmx_hsnapshot gmx_hsnapshot;

typedef struct gmx_hsnapshot_info {
    int64_t time_ns;          /* when it was taken (profile time_nanos); 0 = unknown */
    int64_t sample_rate;      /* MemProfileRate (period) */
    gmx_memstats memstats;    /* when the format carries them */
} gmx_hsnapshot_info;

/* max_sites bounds the distinct stacks kept (0 = 200,000); past it, values
 * are added to gmx_hsnapshot_overflow. Returns NULL when out of memory. */
gmx_hsnapshot *gmx_hsnapshot_new(uint64_t max_sites);
void gmx_hsnapshot_free(gmx_hsnapshot *h);
/* The same, keeping the strings of the frames added as they are, not
 * copies: they must outlive the snapshot, or its copy made by
 * gmx_hsnapshot_share (which copies them). Reading a profile, this saves
 * copying every name of every stack. */
gmx_hsnapshot *gmx_hsnapshot_new_borrowing(uint64_t max_sites);

/* The allocation sites of a series of snapshots, each stack interned once
 * whatever the number of snapshots: memory grows with distinct sites. */
typedef struct gmx_hsite_table gmx_hsite_table;

/* max_sites as for gmx_hsnapshot_new. NULL when out of memory. */
gmx_hsite_table *gmx_hsite_table_new(uint64_t max_sites);
/* Frees the table; the snapshots sharing it must be freed first. */
void gmx_hsite_table_free(gmx_hsite_table *t);
size_t gmx_hsite_table_count(const gmx_hsite_table *t);

/* A copy of h (values, info, site order) whose sites live in t: its frames
 * are t's, and gmx_hsnapshot_find between two snapshots of one table is a
 * lookup by id. Sites past t's maximum go to the copy's overflow. *out is
 * owned by the caller and must be freed before t. GMX_EUSAGE when h is such
 * a copy itself. */
gmx_code gmx_hsnapshot_share(gmx_hsite_table *t, const gmx_hsnapshot *h, gmx_hsnapshot **out);

/* A snapshot as a streaming reader hands it over, without a snapshot of
 * its own in between: each string once, each function once (its name and
 * file), each frame once (a function and a line, and its hash), and each
 * site as a run of frame indexes, leaf first, with its values, in the
 * order its samples came. Strings are the reader's: they need only outlive
 * gmx_hsnapshot_share_reduced. */
typedef struct gmx_hreduced_func {
    uint32_t name, file;      /* indexes into strings */
} gmx_hreduced_func;

typedef struct gmx_hreduced_frame {
    uint32_t func;            /* index into funcs */
    uint32_t line;
    uint64_t hash;            /* gmx_hreduced_frame_hash(its file's hash, line) */
} gmx_hreduced_frame;

typedef struct gmx_hreduced_site {
    uint32_t first, nframes;  /* its frames: frame_of[first .. first + nframes) */
    int64_t inuse_objects, inuse_bytes, alloc_objects, alloc_bytes, max_object_bytes;
} gmx_hreduced_site;

typedef struct gmx_hreduced {
    const gmx_str *strings;
    size_t nstrings;
    const gmx_hreduced_func *funcs;
    size_t nfuncs;
    const gmx_hreduced_frame *frames;
    size_t nframes;
    const uint32_t *frame_of;
    const gmx_hreduced_site *sites;
    size_t nsites;
    gmx_hsnapshot_info info;
} gmx_hreduced;

/* The hash a frame has in a table of sites, from the hash of its file
 * (gmx_hreduced_file_hash; of its function when it has no file) and its
 * line: computed by the reader, on its own thread, and used as it is when
 * merging. */
uint64_t gmx_hreduced_file_hash(gmx_str file, gmx_str func);
uint64_t gmx_hreduced_frame_hash(uint64_t file_hash, uint32_t line);

/* What gmx_hsnapshot_share would make of the snapshot r describes (sites
 * whose frames read alike add up, in the order first seen), made straight
 * from r: each of its strings is interned into t once, so that comparing
 * stacks compares pointers. *out is owned by the caller and must
 * be freed before t. */
gmx_code gmx_hsnapshot_share_reduced(gmx_hsite_table *t, const gmx_hreduced *r,
                                     gmx_hsnapshot **out);

/* Adds the values of one stack (frames are copied; equal stacks add up). */
gmx_code gmx_hsnapshot_add(gmx_hsnapshot *h, const gmx_frame *frames, uint32_t nframes,
                           int64_t inuse_objects, int64_t inuse_bytes, int64_t alloc_objects,
                           int64_t alloc_bytes);

/* Records that objects of object_bytes each are in use at the stack (the
 * stack must have been added). */
void gmx_hsnapshot_note_object_size(gmx_hsnapshot *h, const gmx_frame *frames, uint32_t nframes,
                                    int64_t object_bytes);

/* gmx_hsnapshot_add and, when object_bytes > 0 and objects are in use,
 * gmx_hsnapshot_note_object_size in one lookup. */
gmx_code gmx_hsnapshot_add_sized(gmx_hsnapshot *h, const gmx_frame *frames, uint32_t nframes,
                                 int64_t inuse_objects, int64_t inuse_bytes,
                                 int64_t alloc_objects, int64_t alloc_bytes,
                                 int64_t object_bytes);

gmx_hsnapshot_info *gmx_hsnapshot_info_of(gmx_hsnapshot *h);
const gmx_hsnapshot_info *gmx_hsnapshot_get_info(const gmx_hsnapshot *h);
size_t gmx_hsnapshot_count(const gmx_hsnapshot *h);
const gmx_hsite *gmx_hsnapshot_at(const gmx_hsnapshot *h, size_t i);
/* The site of h with the same stack as s (from another snapshot), or NULL. */
const gmx_hsite *gmx_hsnapshot_find(const gmx_hsnapshot *h, const gmx_hsite *s);
/* Sums over all sites (overflow included). */
gmx_hsite gmx_hsnapshot_total(const gmx_hsnapshot *h);
int64_t gmx_hsnapshot_overflow_bytes(const gmx_hsnapshot *h);

#ifdef __cplusplus
}
#endif

#endif
