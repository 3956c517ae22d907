/* The heap walk's view of the runtime (heap_layout.c resolves it from
 * DWARF; heap.c walks the spans and names the objects). */
#ifndef GMX_CORE_HEAP_H
#define GMX_CORE_HEAP_H

#include "core/core_impl.h"

/* Bounds on what DWARF may claim (amd64: 1 x 2^22 arenas of 8192 pages). */
enum { MAX_SPAN_STRUCT = 1024, MAX_L1 = 1 << 16, MAX_ARENA_PAGES = 1 << 20 };
#define MAX_L2 (1ULL << 32)

/* A field: its offset and its byte size (1, 2, 4 or 8). */
typedef struct heap_field {
    int64_t off, size;
} heap_field;

typedef struct heap_layout {
    uint64_t mheap, page_size, arena_bytes, arena_base_offset, l1, l2, pages_per_arena;
    int64_t arenas_off, all_arenas_off, spans_off;
    uint8_t span_in_use;
    bool has_pages_in_use, has_heap_live;
    heap_field pages_in_use, heap_live;
    uint64_t gc_controller;
    /* runtime.mspan */
    heap_field start, npages, freeindex, nelems, alloc_bits, spanclass, state, elemsize;
    heap_field specials;     /* mspan.specials; size 0 when not found */
    size_t span_size;
    /* Go 1.22+ types */
    bool typed;
    heap_field large_type, type_str, type_tflag, md_types, md_etypes;
    uint64_t min_header, moduledata;
    uint8_t extra_star;
    /* memstats.heapStats (consistentHeapStats: generations of heapStatsDelta) */
    bool has_stats;
    uint64_t memstats, class_to_size, nclass_sizes;
    int64_t stats_off, delta_size, ngens, nclasses;
    heap_field small_alloc, small_free, large_alloc, large_free, large_alloc_n, large_free_n,
        in_heap;
    /* the spans the Ps' mcaches hold: allp[i].mcache.alloc */
    bool has_caches;
    uint64_t allp;
    int64_t p_mcache, mcache_alloc, ncached;
    bool has_before_cache;
    heap_field before_cache;  /* mspan.allocCountBeforeCache */
} heap_layout;

gmx_code gmx_heap_layout_resolve(gmx_core *c, heap_layout *l, gmx_error *err);

/* The little-endian unsigned integer of f's size at f's offset in buf. */
uint64_t gmx_heap_get(const uint8_t *buf, heap_field f);

/* The arenas in use (mheap_.allArenas), sorted, each once; *out is the
 * caller's (gmx_free). */
gmx_code gmx_heap_arena_list(gmx_core *c, const heap_layout *l, uint64_t **out, size_t *n,
                             gmx_error *err);

/* Calls fn with the address and bytes (l->span_size) of each in-use span
 * of arena idx, once each (at its first page), until fn returns false.
 * spans is room for l->pages_per_arena pointers. false when the arena
 * cannot be read. */
typedef bool (*heap_span_fn)(void *ctx, uint64_t addr, const uint8_t *span);
bool gmx_heap_arena_spans(gmx_core *c, const heap_layout *l, uint64_t idx, uint64_t *spans,
                          heap_span_fn fn, void *ctx);

/* The name of the Go type (internal/abi.Type) at t, which must lie in the
 * module's types..etypes; false when it does not read as one. */
bool gmx_heap_type_name(gmx_core *c, const heap_layout *l, uint64_t types, uint64_t etypes,
                        uint64_t t, char *out, size_t cap);

#endif
