/* The words of a heap object that may hold pointers. Exact where the Go
 * version records them: none in a noscan span; Go 1.22+ one bit per word
 * at the end of spans of small objects (mspan.heapBits), and for larger
 * objects the type in the malloc header or mspan.largeType, whose GCData
 * mask (or the one built on demand, once built) tiles the object. Else
 * (Go 1.19-1.21, types built by a GC program) every word, conservatively: the mark keeps only those that
 * land in an allocated object. Objects are read a chunk at a time. */
#include "core/heap_mark.h"

#include <string.h>

enum { CHUNK_WORDS = 4096, MAX_MASK = 4096 };

void gmx_heap_scan_words(const uint64_t *words, size_t n, uint64_t lo, const uint8_t *mask,
                         uint64_t from, ptr_fn fn, void *ctx)
{
    for (size_t i = 0; i < n; i++)
        if (words[i] && (!mask || heap_bit(mask, from + i)))
            fn(ctx, lo + 8 * i, words[i]);
}

void gmx_heap_region_pointers(gmx_core *c, const root_region *r, ptr_fn fn, void *ctx)
{
    uint64_t words[CHUNK_WORDS];
    for (uint64_t at = r->lo; at + 8 <= r->hi;) {
        uint64_t n = (r->hi - at) / 8;
        if (n > CHUNK_WORDS)
            n = CHUNK_WORDS;
        if (gmx_core_read(c, at, words, (size_t)n * 8))
            gmx_heap_scan_words(words, (size_t)n, at, r->mask, r->mask_from + (at - r->lo) / 8, fn, ctx);
        at += n * 8;
    }
}

/* Every word of [lo, lo + size). */
static void conservative(gmx_core *c, const heap_span *sp, uint64_t lo, uint64_t size, ptr_fn fn,
                         void *ctx)
{
    uint64_t words[CHUNK_WORDS];
    for (uint64_t off = 0; off + 8 <= size;) {
        uint64_t n = (size - off) / 8;
        if (n > CHUNK_WORDS)
            n = CHUNK_WORDS;
        if (!gmx_heap_span_read(c, sp, lo + off, words, (size_t)n * 8))
            return; /* not in the core: nothing more of it is */
        gmx_heap_scan_words(words, (size_t)n, lo + off, NULL, 0, fn, ctx);
        off += n * 8;
    }
}

/* Small objects of Go 1.22+: their bits in the span's heap bits. */
static void span_bits(gmx_core *c, const scan_layout *s, const heap_span *sp, uint64_t addr,
                      ptr_fn fn, void *ctx)
{
    uint64_t span_size = sp->end - sp->start, size = span_size / 64;
    uint64_t base = sp->start + span_size - size;
    if (s->inline_mark_bytes && sp->elem >= 16)
        base -= s->inline_mark_bytes;
    uint64_t w0 = (addr - sp->start) / 8, nwords = sp->elem / 8;
    uint8_t bits[16] = { 0 }, mask[16] = { 0 };
    uint64_t words[64];
    size_t nbytes = (size_t)((w0 % 8 + nwords + 7) / 8);
    if (nwords == 0 || nwords > 64 || nbytes > sizeof(bits) ||
        !gmx_heap_span_read(c, sp, base + w0 / 8, bits, nbytes) ||
        !gmx_heap_span_read(c, sp, addr, words, (size_t)nwords * 8))
        return;
    for (uint64_t i = 0; i < nwords; i++)
        if (heap_bit(bits, w0 % 8 + i))
            mask[i / 8] |= (uint8_t)(1u << (i % 8));
    gmx_heap_scan_words(words, (size_t)nwords, addr, mask, 0, fn, ctx);
}

/* An object of type t tiled over [data, data + size). false when the type
 * gives no usable mask. A large type's mask is built on demand (Go 1.24+):
 * its GCData points to a slot the runtime fills with the mask the first
 * time it scans such an object (nil before, runtime.inProgress meanwhile). */
static bool typed(gmx_core *c, const scan_layout *s, const heap_span *sp, uint64_t t, bool ondemand,
                  uint64_t data, uint64_t size, ptr_fn fn, void *ctx)
{
    uint8_t hdr[128];
    heap_field need[] = { s->type_size, s->type_ptrbytes, s->type_gcdata, s->type_kind };
    size_t n = 0;
    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
        if ((size_t)(need[i].off + need[i].size) > n)
            n = (size_t)(need[i].off + need[i].size);
    if (n > sizeof(hdr) || !gmx_core_read(c, t, hdr, n))
        return false;
    uint64_t tsize = gmx_heap_get(hdr, s->type_size), ptrbytes = gmx_heap_get(hdr, s->type_ptrbytes),
             gcdata = gmx_heap_get(hdr, s->type_gcdata);
    uint8_t kind = (uint8_t)gmx_heap_get(hdr, s->type_kind);
    (void)kind;
    if (tsize == 0 || ptrbytes == 0 || ptrbytes > tsize || ptrbytes % 8 || tsize % 8 ||
        (s->kind_gcprog && (kind & s->kind_gcprog)))
        return false;
    if (ondemand && (!gmx_core_read_u64(c, gcdata, &gcdata) || !gcdata || gcdata == s->mask_building))
        return false;
    uint8_t mask[MAX_MASK];
    uint64_t mwords = ptrbytes / 8;
    if ((mwords + 7) / 8 > MAX_MASK || !gmx_core_read(c, gcdata, mask, (size_t)(mwords + 7) / 8))
        return false;
    uint64_t words[CHUNK_WORDS];
    /* a chunk at a time, the mask tiled with the type's stride */
    for (uint64_t off = 0; off + 8 <= size;) {
        uint64_t cnt = (size - off) / 8;
        if (cnt > CHUNK_WORDS)
            cnt = CHUNK_WORDS;
        bool read = false;
        for (uint64_t i = 0; i < cnt; i++) {
            uint64_t in = (off + 8 * i) % tsize / 8;
            if (in >= mwords || !heap_bit(mask, in))
                continue;
            if (!read && !(read = gmx_heap_span_read(c, sp, data + off, words, (size_t)cnt * 8)))
                break;
            if (words[i])
                fn(ctx, data + off + 8 * i, words[i]);
        }
        off += cnt * 8;
    }
    return true;
}

/* Go 1.19: the arena's bitmap, 2 bits a word, read along with the words;
 * the first word whose scan bit is clear ends the pointers. false when the
 * object leaves its arena or the bitmap cannot be read. */
static bool arena_bits(gmx_core *c, const heap_layout *l, const scan_layout *s, const heap_span *sp,
                       uint64_t addr, ptr_fn fn, void *ctx)
{
    uint64_t base = (addr - l->arena_base_offset) / l->arena_bytes * l->arena_bytes + l->arena_base_offset;
    if (!sp->arena || addr + sp->elem - base > l->arena_bytes || addr < base)
        return false;
    uint64_t words[CHUNK_WORDS];
    uint8_t bits[CHUNK_WORDS / 4 + 2];
    uint64_t per = s->words_per_byte;
    for (uint64_t off = 0; off + 8 <= sp->elem;) {
        uint64_t n = (sp->elem - off) / 8;
        if (n > CHUNK_WORDS)
            n = CHUNK_WORDS;
        uint64_t w0 = (addr + off - base) / 8, b0 = w0 / per, nb = (w0 + n - 1) / per - b0 + 1;
        if (b0 + nb > s->bitmap_bytes || nb > sizeof(bits) ||
            !gmx_core_read(c, sp->arena + (uint64_t)s->bitmap_off + b0, bits, (size_t)nb) ||
            !gmx_heap_span_read(c, sp, addr + off, words, (size_t)n * 8))
            return off > 0;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t w = w0 + i;
            uint8_t v = (uint8_t)(bits[w / per - b0] >> (w % per));
            if (!(v & s->bit_scan))
                return true; /* no more pointers in this object */
            if ((v & s->bit_pointer) && words[i])
                fn(ctx, addr + off + 8 * i, words[i]);
        }
        off += n * 8;
    }
    return true;
}

uint64_t gmx_heap_object_type(gmx_core *c, const heap_layout *l, const scan_layout *s,
                              const heap_span *sp, uint64_t addr)
{
    (void)s;
    uint64_t t = 0;
    if (!l->typed || (sp->spanclass & 1))
        return 0;
    if ((sp->spanclass >> 1) == 0)
        return sp->large_type;
    if (sp->elem > l->min_header && !gmx_heap_span_read(c, sp, addr, &t, sizeof(t)))
        t = 0;
    return t;
}

ptr_scheme gmx_heap_object_pointers(gmx_core *c, const heap_layout *l, const scan_layout *s,
                                    const heap_span *sp, uint64_t addr, ptr_fn fn, void *ctx)
{
    if (sp->spanclass & 1)
        return PTRS_NONE;
    if (s->arena_bits && arena_bits(c, l, s, sp, addr, fn, ctx))
        return PTRS_EXACT;
    if (s->span_bits && sp->elem <= l->min_header) {
        span_bits(c, s, sp, addr, fn, ctx);
        return PTRS_EXACT;
    }
    if (s->span_bits) {
        bool large = (sp->spanclass >> 1) == 0;
        uint64_t t = gmx_heap_object_type(c, l, s, sp, addr);
        uint64_t data = large ? addr : addr + s->header_size;
        uint64_t size = large ? sp->elem : sp->elem - s->header_size;
        if (!t && large)
            return PTRS_NONE; /* as the runtime: not typed yet, nothing to scan */
        if (t && sp->elem > s->header_size) {
            uint8_t tflag = 0;
            bool ondemand = s->tflag_ondemand && gmx_core_read(c, t + (uint64_t)l->type_tflag.off, &tflag, 1) &&
                            (tflag & s->tflag_ondemand);
            if (typed(c, s, sp, t, ondemand, data, size, fn, ctx))
                return PTRS_EXACT;
        }
    }
    conservative(c, sp, addr, sp->elem, fn, ctx);
    return PTRS_CONSERVATIVE;
}
