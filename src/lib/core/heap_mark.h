/* Phase 2 of the heap: who holds the memory. The in-use spans as a sorted
 * index (heap_index.c), the pointer words of an object (heap_ptrs.c), the
 * roots (heap_roots.c: data and bss, goroutine stacks), a breadth-first
 * mark from them (heap_mark.c) and what each root and holder retains
 * (heap_retain.c). */
#ifndef GMX_CORE_HEAP_MARK_H
#define GMX_CORE_HEAP_MARK_H

#include "core/heap.h"
#include "util/arena.h"

/* What scanning needs beyond the walk's layout, from DWARF too. */
typedef struct scan_layout {
    /* Go 1.22+: spans of objects of at most min_header bytes keep one bit
     * per word at their end (before spanInlineMarkBits, Go 1.26+ green tea,
     * for objects of 16 bytes and more); larger objects name their type */
    bool span_bits;
    uint64_t inline_mark_bytes;
    heap_field type_size, type_ptrbytes, type_gcdata, type_kind;
    uint8_t kind_gcprog;     /* internal/abi.KindGCProg (Go 1.22-1.23), 0 when absent */
    uint8_t tflag_ondemand;  /* internal/abi.TFlagGCMaskOnDemand (1.24+), 0 when absent */
    uint64_t mask_building;  /* runtime.inProgress: an on-demand mask's slot while it is built */
    uint64_t header_size;    /* runtime.mallocHeaderSize */
    uint64_t types, etypes;  /* firstmoduledata.types..etypes */
    /* Go 1.19: heapArena.bitmap, 2 bits per word (wordsPerBitmapByte words a
     * byte): bitPointer says a pointer, bitScan clear ends the object's */
    bool arena_bits;
    int64_t bitmap_off;
    uint64_t bitmap_bytes, words_per_byte;
    uint8_t bit_pointer, bit_scan;
    /* roots: the module's data and bss, and their pointer masks
     * (moduledata.gcdatamask / gcbssmask, bitvectors built at start-up) */
    uint64_t data, edata, bss, ebss;
    uint64_t data_mask, data_mask_bits, bss_mask, bss_mask_bits; /* 0: scan conservatively */
    /* finalizer and cleanup specials (mspan.specials, a list of runtime.special):
     * their kinds (0: not found) and where each keeps its function */
    heap_field special_next, special_offset, special_kind;
    uint8_t kind_finalizer, kind_cleanup;
    int64_t finalizer_fn, cleanup_fn; /* specialfinalizer.fn, specialCleanup.fn */
} scan_layout;

void gmx_scan_layout_resolve(gmx_core *c, const heap_layout *l, scan_layout *s);

/* One in-use span: its pages, its objects, and the id of its first object
 * (ids number every object slot of every span, in address order). */
typedef struct heap_span {
    uint64_t start, end;
    uint64_t elem, nelems, first;
    uint64_t large_type;
    uint64_t arena;          /* the heapArena of its first page */
    uint64_t alloc_bits, freeindex; /* mspan.allocBits and freeindex */
    const uint8_t *mem;      /* its bytes in the core's mapping when one segment holds
                              * them all (reads skip the segment search), else NULL */
    uint64_t specials;       /* mspan.specials: its first runtime.special, or 0 */
    uint8_t spanclass;
} heap_span;

/* What finding an address's object needs of a span, 32 bytes a span (the
 * mark looks one up per pointer word: half the cache lines of heap_span):
 * the slot is (addr - start) * mul >> 32, corrected by one, instead of a
 * division, for spans under 2 GiB (mul 0: divide). */
typedef struct heap_span_key {
    uint64_t start, elem, mul;
    uint32_t first, nelems;
} heap_span_key;

typedef struct heap_index {
    heap_span *spans;
    heap_span_key *keys;     /* spans[i]'s, same order */
    uint32_t *block_span;    /* per 64 slots: the span of the first (a slot's span is
                              * found from there, not by a binary search) */
    size_t n, cap;
    uint64_t nobjects;       /* slots numbered */
    uint8_t *allocated;      /* one bit per slot: allocBits, or below freeindex */
    uint64_t allocated_objects, allocated_bytes;
    /* page -> span index + 1 over [page_base, page_base + npages pages), when the
     * heap's range is compact enough for it (else a binary search) */
    uint32_t *page_span;
    uint64_t page_base, npages, page_size;
} heap_index;

/* The in-use spans of the heap, sorted by address, overlapping ones left
 * out. Slots are bounded by the core's size (else GMX_EFORMAT). */
gmx_code gmx_heap_index_build(gmx_core *c, const heap_layout *l, heap_index *ix, gmx_error *err);
void gmx_heap_index_release(heap_index *ix);

/* The allocated object holding addr (any byte of it): its slot id and span. */
bool gmx_heap_index_find(const heap_index *ix, uint64_t addr, uint64_t *id, const heap_span **sp);
/* The span of slot id (id < nobjects). */
const heap_span *gmx_heap_index_span(const heap_index *ix, uint64_t id);
/* The address of slot id. */
uint64_t gmx_heap_index_addr(const heap_index *ix, uint64_t id);

static inline bool heap_bit(const uint8_t *bits, uint64_t i)
{
    return bits[i / 8] >> (i % 8) & 1;
}

/* n bytes at addr of span sp (as gmx_core_read). */
bool gmx_heap_span_read(gmx_core *c, const heap_span *sp, uint64_t addr, void *out, size_t n);

/* The words of an object that may hold pointers, read from the core and
 * handed to fn (its address, its value). How it was known: */
typedef enum ptr_scheme { PTRS_NONE, PTRS_EXACT, PTRS_CONSERVATIVE } ptr_scheme;
typedef void (*ptr_fn)(void *ctx, uint64_t at, uint64_t value);
ptr_scheme gmx_heap_object_pointers(gmx_core *c, const heap_layout *l, const scan_layout *s,
                                    const heap_span *sp, uint64_t addr, ptr_fn fn, void *ctx);

/* The Go type the runtime recorded for the object (Go 1.22+: malloc header
 * or largeType), 0 when none. */
uint64_t gmx_heap_object_type(gmx_core *c, const heap_layout *l, const scan_layout *s,
                              const heap_span *sp, uint64_t addr);

/* Calls fn for each non-zero word of words[0..n) (at lo, lo + 8, ...) that
 * may hold a pointer: those whose bit (from bit `from` of mask, bit 0 of
 * byte 0 first) is set, every one when mask is NULL. */
void gmx_heap_scan_words(const uint64_t *words, size_t n, uint64_t lo, const uint8_t *mask,
                         uint64_t from, ptr_fn fn, void *ctx);

/* The pointers between objects (heap_edges.c): every allocated object of
 * the spans with pointers scanned once, in address order, so that the core
 * is read front to back (its pages released behind, when it is a mapped
 * file) rather than in the mark's order, all over it; each pointer word
 * landing in an allocated object kept as that object's slot id, in word
 * order. The mark walks these: the same objects in the same order. */
typedef struct heap_edges {
    uint64_t *rank_base;     /* per span: 0 without pointers, else 2^32 + the rank of
                              * its first slot among all slots of such spans - the
                              * slot's id (rank = base + id - 2^32: one load a lookup) */
    uint32_t *at;            /* per rank, + 1: rank r's are to[at[r]..at[r + 1]) */
    struct heap_edge {
        uint32_t id, span;   /* the slot reached and its span's index */
    } *to;
    size_t nto, to_cap;
    uint8_t *how;            /* 2 bits per rank: its pointer words were known exactly
                              * (bit 2r), conservatively (2r + 1), or are none */
    bool capped;             /* the edges would take more than cap_bytes, or more object
                              * bytes than 4 x the core's size: the later objects (all,
                              * when the ranks alone would) have none */
} heap_edges;

gmx_code gmx_heap_edges_build(gmx_core *c, const heap_layout *l, const scan_layout *s,
                              const heap_index *ix, uint64_t cap_bytes, heap_edges *e,
                              gmx_error *err);
void gmx_heap_edges_release(heap_edges *e);

/* A root region: a global (the symbol holding it), or a goroutine's frame. */
typedef enum root_kind { ROOT_GLOBAL, ROOT_FRAME, ROOT_STACK, ROOT_FINALIZER } root_kind;
typedef struct root_region {
    root_kind kind;
    gmx_str name;            /* symbol or function */
    uint64_t goid;           /* ROOT_FRAME, ROOT_STACK */
    uint64_t lo, hi;         /* the bytes scanned */
    const uint8_t *mask;     /* a bit per word, lo's at bit mask_from; NULL: conservative */
    uint64_t mask_from;
} root_region;

/* Calls fn for each root region: the globals (data, then bss, a region per
 * symbol), or with stacks each live goroutine's stack from its sp, a region
 * per frame. false from fn stops. GMX_ENOMEM only. */
typedef bool (*root_fn)(void *ctx, const root_region *r);
gmx_code gmx_heap_roots(gmx_core *c, const scan_layout *s, bool stacks, root_fn fn, void *ctx,
                        gmx_error *err);
/* Calls fn for each non-zero word of region r that may hold a pointer (the
 * region's mask's, or every word), read from the core a chunk at a time. */
void gmx_heap_region_pointers(gmx_core *c, const root_region *r, ptr_fn fn, void *ctx);
/* The finalizer and cleanup specials of the spans (heap_finalizers.c) as
 * root regions named by their function, as the runtime's markrootSpans
 * scans them: a finalizer's function word and the pointer words of its
 * object (mask: the object itself stays collectable, what it points to is
 * kept for the finalizer), a cleanup's function word. */
gmx_code gmx_heap_finalizer_roots(gmx_core *c, const heap_layout *l, const scan_layout *s,
                                  const heap_index *ix, root_fn fn, void *ctx, gmx_error *err);

/* The mark: every object reached from the roots, in breadth-first order
 * (from the globals first, then from the stacks what the globals do not reach),
 * each with the position of the object that first reached it or, for one
 * reached from a root, ROOT_BIT | the root's index. */
#define ROOT_BIT 0x80000000u
typedef struct mark_root {
    root_kind kind;
    const char *name;        /* in the mark's arena */
    uint64_t goid;
    uint64_t lo, hi;         /* the region that reached its first object */
} mark_root;

typedef struct heap_mark {
    uint32_t *order;         /* slot ids, breadth-first */
    uint32_t *span;          /* the index of each one's span */
    uint32_t *parent;
    size_t n, cap;
    uint8_t *marked;         /* a bit per slot */
    mark_root *roots;
    size_t nroots, roots_cap;
    gmx_arena names;
    uint64_t marked_bytes;
    uint64_t exact_objects, conservative_objects;
    bool capped;             /* a cap was hit (memory, or object bytes scanned beyond 4 x
                              * the core's size): the mark is partial */
    uint64_t cap_bytes;
} heap_mark;

gmx_code gmx_heap_mark_run(gmx_core *c, const heap_layout *l, const scan_layout *s,
                           const heap_index *ix, heap_mark *m, gmx_error *err);
void gmx_heap_mark_release(heap_mark *m);

/* The name of the Go type at type (from gmx_heap_object_type) as an object
 * of span sp shows it: "[]T" when the object is a backing array of several
 * T. false when type is 0 or its name unreadable. */
bool gmx_heap_object_type_name(gmx_core *c, const heap_layout *l, const scan_layout *s,
                               const heap_span *sp, uint64_t type, char *buf, size_t n);

/* Of the objects each holder keeps (its children in the mark's tree: the
 * holder at mark position pos[i], NO_HOLDER for none), those that a
 * goroutine's frame points to as well, whatever reached them first, and the
 * goroutines whose frames do (heap_framed.c): holders[i].framed and
 * .framed_goroutines. GMX_ENOMEM only. */
#define NO_HOLDER UINT32_MAX
gmx_code gmx_heap_framed(gmx_core *c, const scan_layout *s, const heap_index *ix, const heap_mark *m,
                         const uint32_t *pos, size_t nholders, gmx_core_holder *holders,
                         gmx_error *err);

/* The mark as retention paths (heap_paths.c): out->paths and out->npaths,
 * their names in pool. */
gmx_code gmx_heap_paths_build(gmx_core *c, const heap_layout *l, const scan_layout *s,
                              const heap_index *ix, const heap_mark *m, gmx_arena *pool,
                              gmx_core_retention *out, gmx_error *err);

#endif
