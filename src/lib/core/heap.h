/* The heap walk's view of the runtime (heap_layout.c resolves it from
 * DWARF; heap.c walks the spans and names the objects). */
#ifndef GMX_CORE_HEAP_H
#define GMX_CORE_HEAP_H

#include "core/core_impl.h"

enum { MAX_SPAN_STRUCT = 1024 };

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
    size_t span_size;
    /* Go 1.22+ types */
    bool typed;
    heap_field large_type, type_str, type_tflag, md_types, md_etypes;
    uint64_t min_header, moduledata;
    uint8_t extra_star;
} heap_layout;

gmx_code gmx_heap_layout_resolve(gmx_core *c, heap_layout *l, gmx_error *err);

/* The little-endian unsigned integer of f's size at f's offset in buf. */
uint64_t gmx_heap_get(const uint8_t *buf, heap_field f);

#endif
