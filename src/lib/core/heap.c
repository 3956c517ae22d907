/* The heap of a core: mheap_.allArenas → mheap_.arenas → heapArena.spans
 * (page → span), each in-use span once (at its first page), its allocated
 * objects (index below freeindex, or its allocBits bit set) counted by Go
 * type where the runtime wrote one down, else by size class.
 *
 * Hostile input: arenas are bounded by the core's size, each span is met
 * at most once (its start must be the page it was found at, in an arena
 * walked once), a small-object span by a page count, and all the objects
 * looked at by a budget proportional to the core's size. */
#include "core/heap.h"
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_ROWS = 4096,       /* distinct types kept; beyond, objects go to their size class */
    MAX_NAME = 160,
    MAX_SMALL_PAGES = 64,  /* a small-object span has a few pages (class_to_allocnpages) */
    SLOTS = 2 * MAX_ROWS + 512,
};

uint64_t gmx_heap_get(const uint8_t *buf, heap_field f)
{
    uint64_t v = 0;
    memcpy(&v, buf + f.off, (size_t)f.size); /* little-endian, as the core */
    return v;
}

typedef struct hrow {
    uint64_t key;          /* the type's address, or the span class when untyped */
    gmx_core_heap_row row;
    char name[MAX_NAME];
} hrow;

typedef struct walker {
    gmx_core *c;
    const heap_layout *l;
    gmx_core_heap *h;
    hrow *rows;
    size_t nrows, cap;
    uint32_t slot[SLOTS];  /* key hash → row index + 1 */
    uint64_t budget;       /* objects still to look at */
    uint8_t *bits;
    size_t nbits;
    uint64_t types, etypes;
    bool nomem, capped;
} walker;

static uint32_t *find_slot(walker *w, uint64_t key, bool typed)
{
    uint64_t k = key * 2 + typed;
    for (size_t i = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 40) % SLOTS, n = 0; n < SLOTS;
         i = (i + 1) % SLOTS, n++) {
        if (!w->slot[i])
            return &w->slot[i];
        hrow *r = &w->rows[w->slot[i] - 1];
        if (r->key == key && (r->row.type != NULL) == typed)
            return &w->slot[i];
    }
    return NULL;
}

/* The row of a type (name given) or of a span class (name NULL). */
static hrow *row_for(walker *w, uint64_t key, const char *name, uint8_t spanclass, uint64_t elem)
{
    uint32_t *s = find_slot(w, key, name != NULL);
    if (!s)
        return NULL;
    if (*s)
        return &w->rows[*s - 1];
    if (name && w->nrows >= MAX_ROWS - 256)
        return NULL;
    if (gmx_array_reserve((void **)&w->rows, &w->cap, w->nrows, sizeof(*w->rows)) != 0) {
        w->nomem = true;
        return NULL;
    }
    hrow *r = &w->rows[w->nrows++];
    memset(r, 0, sizeof(*r));
    r->key = key;
    r->row.size_class = spanclass >> 1;
    r->row.noscan = spanclass & 1;
    r->row.elem_size = elem;
    if (name) {
        snprintf(r->name, sizeof(r->name), "%s", name);
        r->row.type = r->name; /* re-pointed when handed out */
    }
    *s = (uint32_t)w->nrows;
    return r;
}

/* The name of the internal/abi.Type at t: its Str, an offset into the
 * module's types, names a length-prefixed string (flags byte, varint). */
bool gmx_heap_type_name(gmx_core *c, const heap_layout *l, uint64_t types, uint64_t etypes,
                        uint64_t t, char *out, size_t cap)
{
    uint8_t hdr[64];
    size_t need = (size_t)(l->type_str.off + l->type_str.size);
    if (need < (size_t)(l->type_tflag.off + 1))
        need = (size_t)(l->type_tflag.off + 1);
    if (t < types || t >= etypes || need > sizeof(hdr) || !gmx_core_read(c, t, hdr, need))
        return false;
    uint32_t off = (uint32_t)gmx_heap_get(hdr, l->type_str);
    uint8_t tflag = (uint8_t)gmx_heap_get(hdr, l->type_tflag);
    uint64_t at = types + off;
    uint8_t b[4];
    if (at >= etypes || !gmx_core_read(c, at, b, sizeof(b)))
        return false;
    size_t len = 0, i = 1;
    for (int shift = 0; i < sizeof(b); i++, shift += 7) {
        len |= (size_t)(b[i] & 0x7f) << shift;
        if (!(b[i] & 0x80))
            break;
    }
    if (i >= sizeof(b) || len == 0)
        return false;
    bool star = (tflag & l->extra_star) != 0;
    char tmp[MAX_NAME + 1];
    if (len > sizeof(tmp))
        len = sizeof(tmp);
    if (!gmx_core_read(c, at + i + 1, tmp, len))
        return false;
    size_t from = star && tmp[0] == '*', n = len - from;
    if (n > cap - 1)
        n = cap - 1;
    memcpy(out, tmp + from, n);
    out[n] = '\0';
    for (size_t k = 0; out[k]; k++)
        if ((unsigned char)out[k] < 0x20)
            return false;
    return true;
}

static void add_object(walker *w, uint64_t type, uint8_t spanclass, uint64_t elem)
{
    hrow *r = NULL;
    char name[MAX_NAME];
    if (type) {
        uint32_t *s = find_slot(w, type, true);
        if (s && *s)
            r = &w->rows[*s - 1];
        else if (gmx_heap_type_name(w->c, w->l, w->types, w->etypes, type, name, sizeof(name)))
            r = row_for(w, type, name, spanclass, elem);
        if (r)
            w->h->typed_bytes += elem;
    }
    if (!r)
        r = row_for(w, spanclass, NULL, spanclass, elem);
    if (!r)
        return;
    r->row.objects++;
    r->row.bytes += elem;
    if (elem > r->row.elem_size)
        r->row.elem_size = elem;
}

/* The allocated objects of span s (index below freeindex, or allocBits
 * set); with record, counted into the heap and its rows. UINT64_MAX when
 * the span does not read as valid. */
static uint64_t count_span(walker *w, const uint8_t *s, bool record, uint64_t *nelems_out,
                           uint64_t *elem_out)
{
    const heap_layout *l = w->l;
    uint64_t start = gmx_heap_get(s, l->start), npages = gmx_heap_get(s, l->npages),
             freeindex = gmx_heap_get(s, l->freeindex), nelems = gmx_heap_get(s, l->nelems),
             bits = gmx_heap_get(s, l->alloc_bits), elem = gmx_heap_get(s, l->elemsize);
    uint8_t spanclass = (uint8_t)gmx_heap_get(s, l->spanclass);
    bool large = (spanclass >> 1) == 0;
    if (npages == 0 || npages > UINT64_MAX / l->page_size || elem == 0 ||
        (!large && npages > MAX_SMALL_PAGES) || (large && nelems > 1) ||
        nelems > npages * l->page_size / elem || freeindex > nelems)
        return UINT64_MAX;
    *nelems_out = nelems;
    *elem_out = elem;
    if (record) {
        w->h->spans++;
        w->h->span_bytes += npages * l->page_size;
    }
    if (nelems > w->budget) {
        w->capped = true;
        return 0;
    }
    w->budget -= nelems;
    size_t nb = (size_t)((nelems + 7) / 8);
    if (nb > w->nbits) {
        uint8_t *p = gmx_realloc(w->bits, nb);
        if (!p) {
            w->nomem = true;
            return 0;
        }
        w->bits = p;
        w->nbits = nb;
    }
    if (nb && !gmx_core_read(w->c, bits, w->bits, nb))
        memset(w->bits, 0, nb); /* the bits are gone: what freeindex says stays */
    bool typed = l->typed && !(spanclass & 1);
    uint64_t large_type = typed && large ? gmx_heap_get(s, l->large_type) : 0, n = 0;
    for (uint64_t i = 0; i < nelems; i++) {
        if (i >= freeindex && !(w->bits[i / 8] >> (i % 8) & 1))
            continue;
        n++;
        if (!record)
            continue;
        uint64_t type = large_type;
        if (typed && !large && elem > l->min_header &&
            !gmx_core_read_u64(w->c, start + i * elem, &type))
            type = 0;
        w->h->objects++;
        w->h->bytes += elem;
        add_object(w, type, spanclass, elem);
        if (w->nomem)
            return n;
    }
    return n;
}

static int by_index(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The arenas in use (mheap_.allArenas), sorted, each once. */
gmx_code gmx_heap_arena_list(gmx_core *c, const heap_layout *l, uint64_t **out, size_t *n,
                             gmx_error *err)
{
    uint64_t slice[2];
    *out = NULL;
    *n = 0;
    if (!gmx_core_read(c, l->mheap + (uint64_t)l->all_arenas_off, slice, sizeof(slice)))
        return gmx_error_set(err, GMX_EFORMAT, "%s: runtime.mheap_ is not in the core",
                             c->core.name);
    if (slice[1] > l->l1 * l->l2 || slice[1] > c->core.len / 4096 + 1)
        return gmx_error_set(err, GMX_EFORMAT, "%s: runtime.mheap_ claims %llu arenas (corrupt core?)",
                             c->core.name, (unsigned long long)slice[1]);
    uint64_t *v = gmx_calloc(slice[1] ? (size_t)slice[1] : 1, sizeof(*v));
    if (!v)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (slice[1] && !gmx_core_read(c, slice[0], v, (size_t)slice[1] * 8)) {
        gmx_free(v);
        return gmx_error_set(err, GMX_EFORMAT, "%s: mheap_.allArenas at 0x%llx is not in the core",
                             c->core.name, (unsigned long long)slice[0]);
    }
    qsort(v, (size_t)slice[1], sizeof(*v), by_index);
    size_t k = 0;
    for (size_t i = 0; i < slice[1]; i++)
        if (!k || v[k - 1] != v[i])
            v[k++] = v[i];
    *out = v;
    *n = k;
    return GMX_OK;
}

bool gmx_heap_arena_spans(gmx_core *c, const heap_layout *l, uint64_t idx, uint64_t *spans,
                          heap_span_fn fn, void *ctx)
{
    uint64_t l2tab, arena;
    if (idx / l->l2 >= l->l1 ||
        !gmx_core_read_u64(c, l->mheap + (uint64_t)l->arenas_off + 8 * (idx / l->l2), &l2tab) ||
        !l2tab || !gmx_core_read_u64(c, l2tab + 8 * (idx % l->l2), &arena) || !arena ||
        !gmx_core_read(c, arena + (uint64_t)l->spans_off, spans, (size_t)l->pages_per_arena * 8))
        return false;
    uint64_t base = idx * l->arena_bytes + l->arena_base_offset, prev = 0;
    uint8_t s[MAX_SPAN_STRUCT];
    for (uint64_t page = 0; page < l->pages_per_arena; page++) {
        if (!spans[page] || spans[page] == prev)
            continue;
        prev = spans[page];
        if (!gmx_core_read(c, prev, s, l->span_size) ||
            (uint8_t)gmx_heap_get(s, l->state) != l->span_in_use ||
            gmx_heap_get(s, l->start) != base + page * l->page_size)
            continue;
        if (!fn(ctx, prev, s))
            break;
    }
    return true;
}

static bool walk_span(void *ctx, uint64_t addr, const uint8_t *s)
{
    walker *w = ctx;
    (void)addr;
    uint64_t nelems, elem;
    if (count_span(w, s, true, &nelems, &elem) == UINT64_MAX)
        w->h->spans_skipped++;
    return !w->nomem;
}

static void walk_arena(walker *w, uint64_t idx, uint64_t *spans)
{
    if (gmx_heap_arena_spans(w->c, w->l, idx, spans, walk_span, w))
        w->h->arenas++;
}

static int by_bytes(const void *a, const void *b)
{
    const gmx_core_heap_row *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    if (x->objects != y->objects)
        return x->objects < y->objects ? 1 : -1;
    if (x->size_class != y->size_class)
        return x->size_class < y->size_class ? -1 : 1;
    if ((x->type == NULL) != (y->type == NULL))
        return x->type ? -1 : 1;
    if (x->type && y->type)
        return strcmp(x->type, y->type);
    return (int)x->noscan - (int)y->noscan;
}

/* The rows handed out: one block, the names after the rows. */
static gmx_code hand_out(walker *w, gmx_error *err)
{
    size_t names = 0;
    for (size_t i = 0; i < w->nrows; i++)
        if (w->rows[i].row.type)
            names += strlen(w->rows[i].name) + 1;
    char *block = gmx_malloc(w->nrows * sizeof(gmx_core_heap_row) + names + 1);
    if (!block)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    gmx_core_heap_row *rows = (gmx_core_heap_row *)(void *)block;
    char *p = block + w->nrows * sizeof(gmx_core_heap_row);
    for (size_t i = 0; i < w->nrows; i++) {
        rows[i] = w->rows[i].row;
        if (rows[i].type) {
            size_t n = strlen(w->rows[i].name) + 1;
            memcpy(p, w->rows[i].name, n);
            rows[i].type = p;
            p += n;
        }
    }
    qsort(rows, w->nrows, sizeof(*rows), by_bytes);
    w->h->rows = rows;
    w->h->nrows = w->nrows;
    return GMX_OK;
}

/* memstats.heapStats: the generations summed, as ReadMemStats sums them. */
static void runtime_stats(walker *w)
{
    const heap_layout *l = w->l;
    uint64_t objects = 0, bytes = 0, in_heap = 0;
    uint8_t *d = gmx_malloc((size_t)l->delta_size);
    uint16_t *sizes = gmx_calloc((size_t)l->nclasses, 2);
    bool ok = d && sizes && gmx_core_read(w->c, l->class_to_size, sizes, (size_t)l->nclasses * 2);
    for (int64_t g = 0; ok && g < l->ngens; g++) {
        if (!(ok = gmx_core_read(w->c, l->memstats + (uint64_t)(l->stats_off + g * l->delta_size), d,
                                 (size_t)l->delta_size)))
            break;
        for (int64_t k = 0; k < l->nclasses; k++) {
            uint64_t a, f;
            memcpy(&a, d + l->small_alloc.off + 8 * k, 8);
            memcpy(&f, d + l->small_free.off + 8 * k, 8);
            objects += a - f;
            bytes += (a - f) * sizes[k];
        }
        objects += gmx_heap_get(d, l->large_alloc_n) - gmx_heap_get(d, l->large_free_n);
        bytes += gmx_heap_get(d, l->large_alloc) - gmx_heap_get(d, l->large_free);
        in_heap += gmx_heap_get(d, l->in_heap);
    }
    if (ok) {
        w->h->has_stats = true;
        w->h->stats_objects = objects;
        w->h->stats_bytes = bytes;
        w->h->stats_in_heap = in_heap;
    }
    if (!d || !sizes)
        w->nomem = true;
    gmx_free(d);
    gmx_free(sizes);
}

/* The spans the Ps' mcaches hold, and their free slots. */
static void cached_spans(walker *w)
{
    const heap_layout *l = w->l;
    uint64_t slice[2];
    if (!gmx_core_read(w->c, l->allp, slice, sizeof(slice)) || slice[1] > (1u << 16) ||
        slice[1] > w->c->core.len / 8)
        return;
    uint8_t s[MAX_SPAN_STRUCT];
    for (uint64_t i = 0; i < slice[1]; i++) {
        uint64_t p, mc;
        if (!gmx_core_read_u64(w->c, slice[0] + 8 * i, &p) || !p ||
            !gmx_core_read_u64(w->c, p + (uint64_t)l->p_mcache, &mc) || !mc)
            continue;
        for (int64_t k = 0; k < l->ncached; k++) {
            uint64_t sp, nelems, elem, n;
            if (!gmx_core_read_u64(w->c, mc + (uint64_t)l->mcache_alloc + 8 * (uint64_t)k, &sp) ||
                !sp || !gmx_core_read(w->c, sp, s, l->span_size) ||
                (uint8_t)gmx_heap_get(s, l->state) != l->span_in_use ||
                (n = count_span(w, s, false, &nelems, &elem)) == UINT64_MAX || n > nelems)
                continue;
            w->h->cached_spans++;
            w->h->cached_free_objects += nelems - n;
            w->h->cached_free_bytes += (nelems - n) * elem;
            uint64_t before = l->has_before_cache ? gmx_heap_get(s, l->before_cache) : n;
            if (before <= n) {
                w->h->cached_new_objects += n - before;
                w->h->cached_new_bytes += (n - before) * elem;
            }
        }
    }
    w->h->has_caches = true;
    w->h->has_cached_new = l->has_before_cache;
}

static void runtime_accounting(walker *w)
{
    const heap_layout *l = w->l;
    uint8_t v[8];
    if (l->has_pages_in_use &&
        gmx_core_read(w->c, l->mheap + (uint64_t)l->pages_in_use.off, v, (size_t)l->pages_in_use.size)) {
        heap_field f = { 0, l->pages_in_use.size };
        w->h->has_pages_in_use = true;
        w->h->pages_in_use_bytes = gmx_heap_get(v, f) * l->page_size;
    }
    if (l->has_heap_live &&
        gmx_core_read(w->c, l->gc_controller + (uint64_t)l->heap_live.off, v, (size_t)l->heap_live.size)) {
        heap_field f = { 0, l->heap_live.size };
        w->h->has_heap_live = true;
        w->h->heap_live = gmx_heap_get(v, f);
    }
    if (l->has_stats)
        runtime_stats(w);
    if (l->has_caches)
        cached_spans(w);
}

gmx_code gmx_core_heap_walk(gmx_core *c, gmx_core_heap *out, gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    heap_layout l;
    gmx_code rc = gmx_heap_layout_resolve(c, &l, err);
    if (rc != GMX_OK)
        return rc;
    walker *w = gmx_calloc(1, sizeof(*w));
    uint64_t *spans = gmx_calloc((size_t)l.pages_per_arena, 8);
    uint64_t *arenas = NULL;
    size_t narenas = 0;
    if (!w || !spans) {
        gmx_free(w);
        gmx_free(spans);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    w->c = c;
    w->l = &l;
    w->h = out;
    w->budget = 8 * (uint64_t)c->core.len + (1u << 20);
    out->typed = l.typed;
    if (l.typed && (!gmx_core_read_u64(c, l.moduledata + (uint64_t)l.md_types.off, &w->types) ||
                    !gmx_core_read_u64(c, l.moduledata + (uint64_t)l.md_etypes.off, &w->etypes)))
        w->types = w->etypes = 0;
    rc = gmx_heap_arena_list(c, &l, &arenas, &narenas, err);
    for (size_t i = 0; rc == GMX_OK && i < narenas && !w->nomem; i++)
        walk_arena(w, arenas[i], spans);
    if (rc == GMX_OK && w->nomem)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (rc == GMX_OK && w->capped)
        rc = gmx_error_set(err, GMX_EFORMAT,
                           "%s: the heap's spans claim more objects than the core can hold "
                           "(corrupt core?)", c->core.name);
    if (rc == GMX_OK)
        runtime_accounting(w);
    if (rc == GMX_OK && w->nomem)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (rc == GMX_OK)
        rc = hand_out(w, err);
    gmx_free(arenas);
    gmx_free(spans);
    gmx_free(w->bits);
    gmx_free(w->rows);
    gmx_free(w);
    if (rc != GMX_OK)
        gmx_core_heap_release(out);
    return rc;
}

void gmx_core_heap_release(gmx_core_heap *h)
{
    if (!h)
        return;
    gmx_free(h->rows);
    gmx_core_retention_release(h->retention);
    gmx_free(h->retention);
    memset(h, 0, sizeof(*h));
}

void gmx_core_heap_row_name(const gmx_core_heap_row *r, bool zh, char *buf, size_t n)
{
    const char *pointers = zh ? (r->noscan ? "无指针" : "含指针")
                              : (r->noscan ? "no pointers" : "with pointers");
    if (r->type)
        snprintf(buf, n, "%s", r->type);
    else if (r->size_class)
        snprintf(buf, n, zh ? "size class %u（%s）" : "size class %u (%s)", r->size_class, pointers);
    else
        snprintf(buf, n, zh ? "大对象（%s）" : "large objects (%s)", pointers);
}
