/* The in-use spans as one sorted array, so that an address finds its
 * object with a binary search and a division; every object slot numbered
 * (its id), a bit per slot saying whether it is allocated. Memory grows
 * with spans and slots (a bit each), bounded by the core's size. */
#include "core/heap_mark.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_SMALL_PAGES = 64 };

typedef struct builder {
    gmx_core *c;
    const heap_layout *l;
    heap_index *ix;
    uint64_t budget;       /* slots still allowed */
    bool nomem, capped;
} builder;

static bool add_span(void *ctx, uint64_t addr, const uint8_t *s)
{
    builder *b = ctx;
    const heap_layout *l = b->l;
    (void)addr;
    uint64_t start = gmx_heap_get(s, l->start), npages = gmx_heap_get(s, l->npages),
             nelems = gmx_heap_get(s, l->nelems), elem = gmx_heap_get(s, l->elemsize),
             freeindex = gmx_heap_get(s, l->freeindex);
    uint8_t spanclass = (uint8_t)gmx_heap_get(s, l->spanclass);
    bool large = (spanclass >> 1) == 0;
    if (npages == 0 || npages > UINT64_MAX / l->page_size / 2 || elem == 0 ||
        (!large && npages > MAX_SMALL_PAGES) || (large && nelems > 1) ||
        nelems > npages * l->page_size / elem || freeindex > nelems ||
        start + npages * l->page_size < start)
        return true; /* not valid: the walk counts it as skipped */
    if (nelems > b->budget) {
        b->capped = true;
        return false;
    }
    b->budget -= nelems;
    heap_index *ix = b->ix;
    if (gmx_array_reserve((void **)&ix->spans, &ix->cap, ix->n, sizeof(*ix->spans)) != 0) {
        b->nomem = true;
        return false;
    }
    heap_span *sp = &ix->spans[ix->n++];
    *sp = (heap_span){ start, start + npages * l->page_size, elem, nelems, 0, 0, 0,
                       gmx_heap_get(s, l->alloc_bits), freeindex, NULL,
                       l->specials.size ? gmx_heap_get(s, l->specials) : 0, spanclass };
    size_t avail;
    const uint8_t *mem = gmx_elf_file_span(&b->c->core, start, &avail);
    if (mem && avail >= sp->end - start)
        sp->mem = mem;
    uint64_t idx = (start - l->arena_base_offset) / l->arena_bytes, l2tab;
    if (idx / l->l2 >= l->l1 ||
        !gmx_core_read_u64(b->c, l->mheap + (uint64_t)l->arenas_off + 8 * (idx / l->l2), &l2tab) ||
        !l2tab || !gmx_core_read_u64(b->c, l2tab + 8 * (idx % l->l2), &sp->arena))
        sp->arena = 0;
    if (l->typed && large && !(spanclass & 1))
        sp->large_type = gmx_heap_get(s, l->large_type);
    return true;
}

static int by_start(const void *a, const void *b)
{
    const heap_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorted, overlapping and empty spans dropped (a corrupt core), ids numbered. */
static void number(heap_index *ix)
{
    if (ix->n)
        qsort(ix->spans, ix->n, sizeof(*ix->spans), by_start);
    size_t k = 0;
    for (size_t i = 0; i < ix->n; i++)
        if (ix->spans[i].nelems && (!k || ix->spans[i].start >= ix->spans[k - 1].end))
            ix->spans[k++] = ix->spans[i];
    ix->n = k;
    ix->nobjects = 0;
    for (size_t i = 0; i < ix->n; i++) {
        ix->spans[i].first = ix->nobjects;
        ix->nobjects += ix->spans[i].nelems;
    }
}

/* The spans' keys (heap_span_key): ids fit 32 bits (the budget); and the
 * span of every 64th slot. */
static bool keys(heap_index *ix)
{
    ix->keys = gmx_mallocarray(ix->n ? ix->n : 1, sizeof(*ix->keys));
    ix->block_span = gmx_mallocarray((size_t)(ix->nobjects / 64 + 1), sizeof(*ix->block_span));
    if (!ix->keys || !ix->block_span)
        return false;
    for (size_t i = 0, b = 0; i < ix->n; i++)
        for (; b * 64 < ix->spans[i].first + ix->spans[i].nelems; b++)
            ix->block_span[b] = (uint32_t)i;
    for (size_t i = 0; i < ix->n; i++) {
        const heap_span *sp = &ix->spans[i];
        uint64_t mul = sp->end - sp->start < (1ull << 31) ? (1ull << 32) / sp->elem + 1 : 0;
        ix->keys[i] = (heap_span_key){ sp->start, sp->elem, mul, (uint32_t)sp->first,
                                       (uint32_t)sp->nelems };
    }
    return true;
}

static bool read_bits(gmx_core *c, heap_index *ix)
{
    ix->allocated = gmx_calloc((size_t)(ix->nobjects / 8 + 1), 1);
    uint8_t *tmp = gmx_malloc(MAX_SMALL_PAGES * 8192 / 8 + 8);
    if (!ix->allocated || !tmp) {
        gmx_free(tmp);
        return false;
    }
    for (size_t i = 0; i < ix->n; i++) {
        heap_span *sp = &ix->spans[i];
        size_t nb = (size_t)((sp->nelems + 7) / 8);
        if (nb > MAX_SMALL_PAGES * 8192 / 8 || !gmx_core_read(c, sp->alloc_bits, tmp, nb))
            memset(tmp, 0, nb < MAX_SMALL_PAGES * 8192 / 8 ? nb : MAX_SMALL_PAGES * 8192 / 8);
        for (uint64_t k = 0; k < sp->nelems; k++) {
            if (k >= sp->freeindex && !(k / 8 < MAX_SMALL_PAGES * 8192 / 8 && heap_bit(tmp, k)))
                continue;
            uint64_t id = sp->first + k;
            ix->allocated[id / 8] |= (uint8_t)(1u << (id % 8));
            ix->allocated_objects++;
            ix->allocated_bytes += sp->elem;
        }
    }
    gmx_free(tmp);
    return true;
}

/* The page table: a span index per page over the heap's range, when that
 * range holds no more than four times the pages of its spans, and no more
 * pages than the core has 64-byte words (4 bytes an entry: a 16th of it). */
static bool page_table(heap_index *ix, uint64_t page_size, uint64_t core_len)
{
    if (!ix->n || ix->n >= UINT32_MAX)
        return true;
    uint64_t lo = ix->spans[0].start, hi = ix->spans[ix->n - 1].end, used = 0;
    for (size_t i = 0; i < ix->n; i++)
        used += (ix->spans[i].end - ix->spans[i].start) / page_size;
    uint64_t npages = (hi - lo) / page_size;
    if (lo % page_size || npages > 4 * used + 1024 || npages > core_len / 64 + 1024)
        return true;
    ix->page_span = gmx_calloc((size_t)npages ? (size_t)npages : 1, sizeof(*ix->page_span));
    if (!ix->page_span)
        return false;
    for (size_t i = 0; i < ix->n; i++)
        for (uint64_t a = ix->spans[i].start; a < ix->spans[i].end; a += page_size)
            ix->page_span[(a - lo) / page_size] = (uint32_t)i + 1;
    ix->page_base = lo;
    ix->npages = npages;
    ix->page_size = page_size;
    return true;
}

gmx_code gmx_heap_index_build(gmx_core *c, const heap_layout *l, heap_index *ix, gmx_error *err)
{
    memset(ix, 0, sizeof(*ix));
    uint64_t *arenas = NULL, *spans = gmx_calloc((size_t)l->pages_per_arena, 8);
    size_t narenas = 0;
    if (!spans)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    builder b = { c, l, ix, 8 * (uint64_t)c->core.len + (1u << 20), false, false };
    if (b.budget > UINT32_MAX - 1) /* ids are 32 bits in the mark */
        b.budget = UINT32_MAX - 1;
    gmx_code rc = gmx_heap_arena_list(c, l, &arenas, &narenas, err);
    for (size_t i = 0; rc == GMX_OK && i < narenas && !b.nomem && !b.capped; i++)
        gmx_heap_arena_spans(c, l, arenas[i], spans, add_span, &b);
    gmx_free(arenas);
    gmx_free(spans);
    if (rc == GMX_OK && b.capped)
        rc = gmx_error_set(err, GMX_EFORMAT,
                           "%s: the heap's spans claim more objects than the core can hold "
                           "(corrupt core?)", c->core.name);
    if (rc == GMX_OK && b.nomem)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (rc == GMX_OK) {
        number(ix);
        if (!keys(ix) || !read_bits(c, ix) || !page_table(ix, l->page_size, c->core.len))
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    if (rc != GMX_OK)
        gmx_heap_index_release(ix);
    return rc;
}

void gmx_heap_index_release(heap_index *ix)
{
    if (!ix)
        return;
    gmx_free(ix->spans);
    gmx_free(ix->keys);
    gmx_free(ix->block_span);
    gmx_free(ix->allocated);
    gmx_free(ix->page_span);
    memset(ix, 0, sizeof(*ix));
}

/* The slot of span i holding addr, if allocated. */
static inline bool slot_of(const heap_index *ix, size_t i, uint64_t addr, uint64_t *id,
                           const heap_span **out)
{
    const heap_span_key *key = &ix->keys[i];
    uint64_t off = addr - key->start, k;
    if (key->nelems == 1) {
        k = off >= key->elem;
    } else if (key->mul) { /* off < 2^32: the estimate is exact or one too many */
        k = off * key->mul >> 32;
        if (k * key->elem > off)
            k--;
    } else {
        k = off / key->elem;
    }
    if (k >= key->nelems || !heap_bit(ix->allocated, key->first + k))
        return false;
    *id = key->first + k;
    *out = &ix->spans[i];
    return true;
}

bool gmx_heap_index_find(const heap_index *ix, uint64_t addr, uint64_t *id, const heap_span **out)
{
    if (ix->page_span) {
        uint64_t page = (addr - ix->page_base) / ix->page_size;
        if (addr < ix->page_base || page >= ix->npages || !ix->page_span[page])
            return false;
        return slot_of(ix, ix->page_span[page] - 1, addr, id, out);
    }
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->keys[mid].start <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || addr >= ix->spans[lo - 1].end)
        return false;
    return slot_of(ix, lo - 1, addr, id, out);
}

bool gmx_heap_span_read(gmx_core *c, const heap_span *sp, uint64_t addr, void *out, size_t n)
{
    if (sp->mem && addr >= sp->start && addr <= sp->end && n <= sp->end - addr) {
        memcpy(out, sp->mem + (addr - sp->start), n);
        return true;
    }
    return gmx_core_read(c, addr, out, n);
}

const heap_span *gmx_heap_index_span(const heap_index *ix, uint64_t id)
{
    if (!ix->n)
        return &ix->spans[0];
    size_t i = ix->block_span[id / 64];
    while (i + 1 < ix->n && ix->keys[i + 1].first <= id)
        i++;
    return &ix->spans[i];
}

uint64_t gmx_heap_index_addr(const heap_index *ix, uint64_t id)
{
    const heap_span *sp = gmx_heap_index_span(ix, id);
    return sp->start + (id - sp->first) * sp->elem;
}
