/* Finalizer and cleanup specials as roots (heap_mark.h). A span's specials
 * are a list of runtime.special records (next, offset of the object in the
 * span, kind) allocated outside the heap; a finalizer's record
 * (runtime.specialfinalizer) keeps its function, a cleanup's (Go 1.24+,
 * runtime.specialCleanup) too. Layouts and kinds come from DWARF; lists are
 * bounded by the span's objects and the core's size (a corrupt list ends). */
#include "core/heap_mark.h"
#include "util/alloc.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

enum { MAX_NAME = 160, KINDS_PER_OBJECT = 8 };

typedef struct finalizers {
    gmx_core *c;
    const heap_layout *l;
    const scan_layout *s;
    root_fn fn;
    void *ctx;
    uint64_t budget;       /* object bytes still to scan, and records to follow */
    uint8_t *mask;         /* the object's pointer words */
    uint64_t lo;
    bool stop;
} finalizers;

static void set_bit(void *ctx, uint64_t at, uint64_t value)
{
    finalizers *f = ctx;
    (void)value;
    uint64_t w = (at - f->lo) / 8;
    f->mask[w / 8] |= (uint8_t)(1u << (w % 8));
}

/* The function the funcval at the record's word fn_at calls, into name. */
static gmx_str function_name(finalizers *f, uint64_t fn_at, char *name, size_t n)
{
    uint64_t fv, pc;
    gmx_pcfunc pf;
    if (f->c->pcln && gmx_core_read_u64(f->c, fn_at, &fv) && gmx_core_read_u64(f->c, fv, &pc) &&
        gmx_pclntab_find(f->c->pcln, pc, &pf))
        snprintf(name, n, "%.*s", (int)(pf.name.n < n - 1 ? pf.name.n : n - 1), pf.name.p);
    else
        snprintf(name, n, "finalizer");
    return gmx_str_cstr(name);
}

static bool emit(finalizers *f, const root_region *r)
{
    if (!f->stop && !f->fn(f->ctx, r))
        f->stop = true;
    return !f->stop;
}

/* A finalizer's object: its pointer words as a region with their mask. */
static gmx_code object(finalizers *f, const heap_span *sp, uint64_t offset, gmx_str name)
{
    uint64_t p = sp->start + offset / sp->elem * sp->elem;
    if ((sp->spanclass & 1) || p >= sp->end || sp->elem > f->budget)
        return GMX_OK;
    f->budget -= sp->elem;
    f->mask = gmx_calloc((size_t)(sp->elem / 64 + 1), 1);
    if (!f->mask)
        return GMX_ENOMEM;
    f->lo = p;
    if (gmx_heap_object_pointers(f->c, f->l, f->s, sp, p, set_bit, f) != PTRS_NONE)
        emit(f, &(root_region){ ROOT_FINALIZER, name, 0, p, p + sp->elem, f->mask, 0 });
    gmx_free(f->mask);
    f->mask = NULL;
    return GMX_OK;
}

static gmx_code span_specials(finalizers *f, const heap_span *sp)
{
    const scan_layout *s = f->s;
    uint64_t at = sp->specials, left = sp->nelems * KINDS_PER_OBJECT;
    uint8_t rec[64];
    size_t n = 0;
    heap_field parts[] = { s->special_next, s->special_offset, s->special_kind };
    for (size_t i = 0; i < 3; i++)
        if ((size_t)(parts[i].off + parts[i].size) > n)
            n = (size_t)(parts[i].off + parts[i].size);
    for (; at && left && f->budget >= n && !f->stop; left--) {
        if (!gmx_core_read(f->c, at, rec, n))
            break;
        f->budget -= n;
        uint8_t kind = (uint8_t)gmx_heap_get(rec, s->special_kind);
        char name[MAX_NAME];
        if (kind == s->kind_finalizer) {
            gmx_str fn = function_name(f, at + (uint64_t)s->finalizer_fn, name, sizeof(name));
            uint64_t fn_at = at + (uint64_t)s->finalizer_fn;
            if (object(f, sp, gmx_heap_get(rec, s->special_offset), fn) != GMX_OK)
                return GMX_ENOMEM;
            emit(f, &(root_region){ ROOT_FINALIZER, fn, 0, fn_at, fn_at + 8, NULL, 0 });
        } else if (s->kind_cleanup && kind == s->kind_cleanup) {
            uint64_t fn_at = at + (uint64_t)s->cleanup_fn;
            emit(f, &(root_region){ ROOT_FINALIZER, function_name(f, fn_at, name, sizeof(name)), 0,
                                    fn_at, fn_at + 8, NULL, 0 });
        }
        at = gmx_heap_get(rec, s->special_next);
    }
    return GMX_OK;
}

gmx_code gmx_heap_finalizer_roots(gmx_core *c, const heap_layout *l, const scan_layout *s,
                                  const heap_index *ix, root_fn fn, void *ctx, gmx_error *err)
{
    if (!s->kind_finalizer)
        return GMX_OK;
    finalizers f = { c, l, s, fn, ctx, 4 * (uint64_t)c->core.len + (1u << 20), NULL, 0, false };
    for (size_t i = 0; i < ix->n && !f.stop; i++)
        if (ix->spans[i].specials && span_specials(&f, &ix->spans[i]) != GMX_OK)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    return GMX_OK;
}
