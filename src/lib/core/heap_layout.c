/* What the heap walk needs of the runtime, from the binary's DWARF: the
 * fields of runtime.mheap, heapArena, mspan, the type header of Go 1.22+
 * and the runtime's constants (page size, arena size, span states). */
#include "core/heap_mark.h"

#include <stdio.h>
#include <string.h>

static bool field(dwarf_layout *d, const char *type, const char *path, heap_field *out)
{
    dwarf_field f;
    if (!gmx_dwarf_layout_field(d, type, path, &f) || f.offset < 0)
        return false;
    out->off = f.offset;
    out->size = f.size;
    return f.size == 1 || f.size == 2 || f.size == 4 || f.size == 8;
}

/* An atomic box (atomic.Uint64 and the like) or a plain integer. */
static bool counter(dwarf_layout *d, const char *type, const char *name, heap_field *out)
{
    char path[64];
    snprintf(path, sizeof(path), "%s.value", name);
    return field(d, type, path, out) || field(d, type, name, out);
}

static bool constant(dwarf_layout *d, const char *a, const char *b, int64_t *v)
{
    return gmx_dwarf_layout_const(d, a, v) || (b && gmx_dwarf_layout_const(d, b, v));
}

/* An array of uint64 counters (one per size class) of heapStatsDelta. */
static bool counts(dwarf_layout *d, const char *name, heap_field *out, dwarf_field *f)
{
    if (!gmx_dwarf_layout_field(d, "runtime.heapStatsDelta", name, f) || f->elem != 8 ||
        f->size <= 0 || f->offset < 0)
        return false;
    out->off = f->offset;
    out->size = 8;
    return true;
}

/* The runtime's own count of objects (MemStats.HeapObjects, HeapAlloc,
 * HeapInuse before ReadMemStats' flush), and where the cached spans are. */
static void resolve_stats(gmx_core *c, heap_layout *l)
{
    dwarf_layout *d = c->dwarf;
    dwarf_field f, a, b;
    uint64_t size;
    l->has_stats =
        gmx_elf_file_symbol(&c->bin, "runtime.memstats", &l->memstats, &size) &&
        (gmx_elf_file_symbol(&c->bin, "runtime.class_to_size", &l->class_to_size, &size) ||
         gmx_elf_file_symbol(&c->bin, "internal/runtime/gc.SizeClassToSize", &l->class_to_size,
                             &size)) &&
        (l->nclass_sizes = size / 2) > 0 &&
        gmx_dwarf_layout_field(d, "runtime.mstats", "heapStats.stats", &f) && f.elem > 0 &&
        f.size >= f.elem && f.elem <= 4096 &&
        counts(d, "smallAllocCount", &l->small_alloc, &a) &&
        counts(d, "smallFreeCount", &l->small_free, &b) && a.size == b.size &&
        field(d, "runtime.heapStatsDelta", "largeAlloc", &l->large_alloc) &&
        field(d, "runtime.heapStatsDelta", "largeFree", &l->large_free) &&
        field(d, "runtime.heapStatsDelta", "largeAllocCount", &l->large_alloc_n) &&
        field(d, "runtime.heapStatsDelta", "largeFreeCount", &l->large_free_n) &&
        field(d, "runtime.heapStatsDelta", "inHeap", &l->in_heap);
    if (l->has_stats) {
        l->stats_off = f.offset;
        l->delta_size = f.elem;
        l->ngens = f.size / f.elem;
        l->nclasses = a.size / 8;
        if (l->nclasses > (int64_t)l->nclass_sizes)
            l->nclasses = (int64_t)l->nclass_sizes;
        /* every counter inside one delta, and few of them */
        heap_field one[] = { l->large_alloc, l->large_free, l->large_alloc_n, l->large_free_n,
                             l->in_heap };
        for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
            if (one[i].off + one[i].size > l->delta_size)
                l->has_stats = false;
        if (l->ngens > 16 || l->nclasses > 1024 ||
            l->small_alloc.off + 8 * l->nclasses > l->delta_size ||
            l->small_free.off + 8 * l->nclasses > l->delta_size)
            l->has_stats = false;
    }
    l->has_caches =
        gmx_elf_file_symbol(&c->bin, "runtime.allp", &l->allp, &size) &&
        (l->p_mcache = gmx_dwarf_layout_offset(d, "runtime.p", "mcache")) >= 0 &&
        gmx_dwarf_layout_field(d, "runtime.mcache", "alloc", &f) && f.elem == 8 && f.size > 0;
    l->has_before_cache = field(d, "runtime.mspan", "allocCountBeforeCache", &l->before_cache);
    if (l->has_caches) {
        l->mcache_alloc = f.offset;
        l->ncached = f.size / 8;
        if (l->ncached > 1024)
            l->has_caches = false;
    }
    if (l->has_before_cache && l->before_cache.off + l->before_cache.size > (int64_t)l->span_size)
        l->has_before_cache = false;
}

gmx_code gmx_heap_layout_resolve(gmx_core *c, heap_layout *l, gmx_error *err)
{
    memset(l, 0, sizeof(*l));
    if (c->no_dwarf)
        return gmx_error_set(err, GMX_EFORMAT, "%s: the binary has no DWARF: the heap is unreadable",
                             c->bin.name);
    dwarf_layout *d = c->dwarf;
    uint64_t size;
    if (!gmx_elf_file_symbol(&c->bin, "runtime.mheap_", &l->mheap, &size))
        return gmx_error_set(err, GMX_EFORMAT, "%s: no symbol runtime.mheap_", c->bin.name);
    int64_t page, arena, in_use, base = 0, v;
    if (!constant(d, "runtime.pageSize", "runtime._PageSize", &page) || page <= 0 ||
        (page & (page - 1)) || !constant(d, "runtime.heapArenaBytes", NULL, &arena) ||
        arena < page || !constant(d, "runtime.mSpanInUse", NULL, &in_use))
        return gmx_error_set(err, GMX_EFORMAT,
                             "%s: DWARF lacks the runtime's heap constants (pageSize, "
                             "heapArenaBytes, mSpanInUse)", c->bin.name);
    constant(d, "runtime.arenaBaseOffsetUintptr", "runtime.arenaBaseOffset", &base);
    l->page_size = (uint64_t)page;
    l->arena_bytes = (uint64_t)arena;
    l->arena_base_offset = (uint64_t)base;
    l->span_in_use = (uint8_t)in_use;

    dwarf_field f;
    if (!gmx_dwarf_layout_field(d, "runtime.mheap", "arenas", &f) || f.size <= 0 || f.elem != 8 ||
        f.target <= 0 || f.target % 8)
        return gmx_error_set(err, GMX_EFORMAT, "%s: DWARF has no runtime.mheap field arenas",
                             c->bin.name);
    l->arenas_off = f.offset;
    l->l1 = (uint64_t)(f.size / 8);
    l->l2 = (uint64_t)(f.target / 8);
    if (l->l1 > MAX_L1 || l->l2 > MAX_L2)
        return gmx_error_set(err, GMX_EFORMAT, "%s: DWARF gives runtime.mheap.arenas %llu x %llu "
                             "entries", c->bin.name, (unsigned long long)l->l1,
                             (unsigned long long)l->l2);
    if (!gmx_dwarf_layout_field(d, "runtime.heapArena", "spans", &f) || f.size <= 0 || f.elem != 8)
        return gmx_error_set(err, GMX_EFORMAT, "%s: DWARF has no runtime.heapArena field spans",
                             c->bin.name);
    l->spans_off = f.offset;
    l->pages_per_arena = (uint64_t)(f.size / 8);
    if (l->pages_per_arena > MAX_ARENA_PAGES || l->pages_per_arena * l->page_size != l->arena_bytes)
        return gmx_error_set(err, GMX_EFORMAT,
                             "%s: heapArena.spans does not cover heapArenaBytes", c->bin.name);
    l->all_arenas_off = gmx_dwarf_layout_offset(d, "runtime.mheap", "allArenas");
    if (l->all_arenas_off < 0) /* Go 1.26+: heapArenas, user arenas apart */
        l->all_arenas_off = gmx_dwarf_layout_offset(d, "runtime.mheap", "heapArenas");
    if (l->all_arenas_off < 0)
        return gmx_error_set(err, GMX_EFORMAT, "%s: DWARF has no runtime.mheap field allArenas (or heapArenas)",
                             c->bin.name);
    l->has_pages_in_use = counter(d, "runtime.mheap", "pagesInUse", &l->pages_in_use);

    static const struct { const char *name; size_t at; } span_fields[] = {
        { "startAddr", offsetof(heap_layout, start) }, { "npages", offsetof(heap_layout, npages) },
        { "freeindex", offsetof(heap_layout, freeindex) }, { "nelems", offsetof(heap_layout, nelems) },
        { "allocBits", offsetof(heap_layout, alloc_bits) },
        { "spanclass", offsetof(heap_layout, spanclass) }, { "state", offsetof(heap_layout, state) },
        { "elemsize", offsetof(heap_layout, elemsize) },
    };
    for (size_t i = 0; i < sizeof(span_fields) / sizeof(span_fields[0]); i++)
        if (!field(d, "runtime.mspan", span_fields[i].name,
                   (heap_field *)((char *)l + span_fields[i].at)))
            return gmx_error_set(err, GMX_EFORMAT, "%s: DWARF has no runtime.mspan field %s",
                                 c->bin.name, span_fields[i].name);
    int64_t span_size = gmx_dwarf_layout_size(d, "runtime.mspan");
    if (span_size <= 0 || span_size > MAX_SPAN_STRUCT)
        return gmx_error_set(err, GMX_EFORMAT, "%s: DWARF gives runtime.mspan no usable size",
                             c->bin.name);
    l->span_size = (size_t)span_size;
    for (size_t i = 0; i < sizeof(span_fields) / sizeof(span_fields[0]); i++) {
        const heap_field *sf = (const heap_field *)((const char *)l + span_fields[i].at);
        if (sf->off + sf->size > span_size)
            return gmx_error_set(err, GMX_EFORMAT, "%s: DWARF puts runtime.mspan field %s "
                                 "outside the struct", c->bin.name, span_fields[i].name);
    }

    /* Go 1.22+: types in malloc headers and mspan.largeType */
    l->typed = field(d, "runtime.mspan", "largeType", &l->large_type) &&
               constant(d, "runtime.minSizeForMallocHeader", NULL, &v) && v > 0 &&
               (l->min_header = (uint64_t)v) &&
               field(d, "internal/abi.Type", "Str", &l->type_str) &&
               field(d, "internal/abi.Type", "TFlag", &l->type_tflag) &&
               gmx_elf_file_symbol(&c->bin, "runtime.firstmoduledata", &l->moduledata, &size) &&
               field(d, "runtime.moduledata", "types", &l->md_types) &&
               field(d, "runtime.moduledata", "etypes", &l->md_etypes);
    if (l->typed && l->large_type.off + l->large_type.size > span_size)
        l->typed = false;
    if (!field(d, "runtime.mspan", "specials", &l->specials) || l->specials.size != 8 ||
        l->specials.off + 8 > span_size)
        l->specials = (heap_field){ 0, 0 };
    l->extra_star = 2;
    if (constant(d, "internal/abi.TFlagExtraStar", "runtime.tflagExtraStar", &v))
        l->extra_star = (uint8_t)v;

    resolve_stats(c, l);
    uint64_t ctl = 0;
    l->has_heap_live = gmx_elf_file_symbol(&c->bin, "runtime.gcController", &ctl, &size) &&
                       counter(d, "runtime.gcControllerState", "heapLive", &l->heap_live);
    l->gc_controller = ctl;
    return GMX_OK;
}

/* What the mark needs beyond the walk: the pointer bits of Go 1.22+ (the
 * heap bits at a span's end, the fields of a type), and the module's data
 * and bss with their pointer masks. What is missing leaves the scan
 * conservative, never wrong. */
void gmx_scan_layout_resolve(gmx_core *c, const heap_layout *l, scan_layout *s)
{
    dwarf_layout *d = c->dwarf;
    int64_t v;
    memset(s, 0, sizeof(*s));
    s->header_size = 8;
    if (constant(d, "runtime.mallocHeaderSize", "internal/runtime/gc.MallocHeaderSize", &v) && v > 0 &&
        v <= 64)
        s->header_size = (uint64_t)v;
    if (l->typed && (!gmx_core_read_u64(c, l->moduledata + (uint64_t)l->md_types.off, &s->types) ||
                     !gmx_core_read_u64(c, l->moduledata + (uint64_t)l->md_etypes.off, &s->etypes)))
        s->types = s->etypes = 0;
    s->span_bits = l->typed && field(d, "internal/abi.Type", "Size_", &s->type_size) &&
                   field(d, "internal/abi.Type", "PtrBytes", &s->type_ptrbytes) &&
                   field(d, "internal/abi.Type", "GCData", &s->type_gcdata) &&
                   field(d, "internal/abi.Type", "Kind_", &s->type_kind);
    int64_t marks = gmx_dwarf_layout_size(d, "runtime.spanInlineMarkBits");
    s->inline_mark_bytes = marks > 0 && marks <= 4096 ? (uint64_t)marks : 0;
    if (constant(d, "internal/abi.KindGCProg", "runtime.kindGCProg", &v) && v > 0 && v < 256)
        s->kind_gcprog = (uint8_t)v;
    uint64_t in_progress_size;
    if (constant(d, "internal/abi.TFlagGCMaskOnDemand", NULL, &v) && v > 0 && v < 256 &&
        gmx_elf_file_symbol(&c->bin, "runtime.inProgress", &s->mask_building, &in_progress_size))
        s->tflag_ondemand = (uint8_t)v;

    dwarf_field bm;
    int64_t ptr_bit, scan_bit, per_byte;
    s->arena_bits = gmx_dwarf_layout_field(d, "runtime.heapArena", "bitmap", &bm) && bm.elem == 1 &&
                    bm.size > 0 && bm.offset >= 0 && constant(d, "runtime.bitPointer", NULL, &ptr_bit) &&
                    constant(d, "runtime.bitScan", NULL, &scan_bit) &&
                    constant(d, "runtime.wordsPerBitmapByte", NULL, &per_byte) && ptr_bit > 0 &&
                    ptr_bit < 256 && scan_bit > 0 && scan_bit < 256 && per_byte > 0 && per_byte <= 8 &&
                    (uint64_t)bm.size * (uint64_t)per_byte * 8 == l->arena_bytes;
    if (s->arena_bits) {
        s->bitmap_off = bm.offset;
        s->bitmap_bytes = (uint64_t)bm.size;
        s->words_per_byte = (uint64_t)per_byte;
        s->bit_pointer = (uint8_t)ptr_bit;
        s->bit_scan = (uint8_t)scan_bit;
    }
    int64_t fin = 0, cleanup = 0;
    if (field(d, "runtime.special", "next", &s->special_next) && s->special_next.size == 8 &&
        field(d, "runtime.special", "offset", &s->special_offset) &&
        field(d, "runtime.special", "kind", &s->special_kind) && s->special_kind.size == 1 &&
        s->special_next.off < 64 && s->special_offset.off < 64 && s->special_kind.off < 64) {
        int64_t fn = gmx_dwarf_layout_offset(d, "runtime.specialfinalizer", "fn");
        if (constant(d, "runtime._KindSpecialFinalizer", NULL, &fin) && fin > 0 && fin < 256 &&
            fn > 0 && fn < 256) {
            s->kind_finalizer = (uint8_t)fin;
            s->finalizer_fn = fn;
        }
        fn = gmx_dwarf_layout_offset(d, "runtime.specialCleanup", "fn");
        if (constant(d, "runtime._KindSpecialCleanup", NULL, &cleanup) && cleanup > 0 &&
            cleanup < 256 && fn > 0 && fn < 256) {
            s->kind_cleanup = (uint8_t)cleanup;
            s->cleanup_fn = fn;
        }
    }
    heap_field f[4], n, bytes;
    uint64_t md = 0, size;
    if (!gmx_elf_file_symbol(&c->bin, "runtime.firstmoduledata", &md, &size))
        return;
    static const char *const bounds[] = { "data", "edata", "bss", "ebss" };
    uint64_t *out[] = { &s->data, &s->edata, &s->bss, &s->ebss };
    for (size_t i = 0; i < 4; i++)
        if (!field(d, "runtime.moduledata", bounds[i], &f[i]) || f[i].size != 8 ||
            !gmx_core_read_u64(c, md + (uint64_t)f[i].off, out[i]))
            *out[i] = 0;
    if (s->edata < s->data || s->ebss < s->bss)
        s->data = s->edata = s->bss = s->ebss = 0;
    static const char *const masks[] = { "gcdatamask", "gcbssmask" };
    uint64_t *mask[] = { &s->data_mask, &s->bss_mask }, *bits[] = { &s->data_mask_bits, &s->bss_mask_bits };
    for (size_t i = 0; i < 2; i++) {
        char a[32], b[32];
        snprintf(a, sizeof(a), "%s.n", masks[i]);
        snprintf(b, sizeof(b), "%s.bytedata", masks[i]);
        uint8_t nb[8] = { 0 };
        if (field(d, "runtime.moduledata", a, &n) && field(d, "runtime.moduledata", b, &bytes) &&
            n.size <= 8 && gmx_core_read(c, md + (uint64_t)n.off, nb, (size_t)n.size) &&
            gmx_core_read_u64(c, md + (uint64_t)bytes.off, mask[i])) {
            heap_field at = { 0, n.size };
            *bits[i] = gmx_heap_get(nb, at);
            if (n.size == 4)
                *bits[i] = (uint32_t)(int32_t)*bits[i];
        }
        if (!*mask[i])
            *bits[i] = 0;
    }

}
