/* The roots of the mark: the module's data and bss (a region per symbol
 * of the symbol table, the runtime's pointer masks gcdatamask/gcbssmask
 * saying which words hold pointers), then the stack of every goroutine
 * that has one, from its saved (or its thread's) stack pointer up, a region
 * per physical frame named by its function, scanned conservatively (stack
 * maps are not read yet). Finalizer specials: heap_finalizers.c. */
#include "core/heap_mark.h"
#include "core/unwind.h"
#include "util/str.h"
#include "util/alloc.h"

#include <string.h>

enum {
    G_IDLE = 0, G_RUNNING = 2, G_SYSCALL = 3, G_MORIBUND = 5, G_DEAD = 6, G_SCAN = 0x1000,
    MAX_STACK = 1 << 30, /* the runtime's maxstacksize on 64-bit */
};

typedef struct roots {
    gmx_core *c;
    root_fn fn;
    void *ctx;
    bool stop;
    uint64_t goid, next;     /* the frame walk: the goroutine, where its last frame ended */
    uint64_t preempt_sp;     /* where runtime.asyncPreempt's frame began, 0 when none is
                              * waiting for the frame of the function it interrupted */
    uint64_t budget;         /* stack bytes still to scan: real stacks are in the core, so
                              * twice its size bounds them (and the frames, 8 bytes each) */
} roots;

static bool emit(roots *r, const root_region *g)
{
    if (!r->stop && g->hi > g->lo && !r->fn(r->ctx, g))
        r->stop = true;
    return !r->stop;
}

/* One section of globals: a region per symbol, the words between named
 * by the section. */
static gmx_code globals(roots *r, uint64_t lo, uint64_t hi, uint64_t mask_at, uint64_t mask_bits,
                        const char *section, gmx_error *err)
{
    if (!lo || hi <= lo || hi - lo > r->c->core.len + r->c->bin.len)
        return GMX_OK;
    uint8_t *mask = NULL;
    uint64_t words = (hi - lo) / 8;
    if (mask_bits >= words && mask_bits <= words + 64) {
        mask = gmx_malloc((size_t)(words + 7) / 8);
        if (!mask)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory");
        if (!gmx_core_read(r->c, mask_at, mask, (size_t)(words + 7) / 8)) {
            gmx_free(mask);
            mask = NULL;
        }
    }
    elf_symbol *syms;
    size_t n;
    gmx_code rc = gmx_elf_file_symbols_in(&r->c->bin, lo, hi, &syms, &n, err);
    if (rc != GMX_OK) {
        gmx_free(mask);
        return rc;
    }
    uint64_t at = lo;
    gmx_str unnamed = gmx_str_cstr(section);
    for (size_t i = 0; i <= n && !r->stop; i++) {
        uint64_t start = i < n ? syms[i].value : hi;
        if (start < at)
            continue; /* an alias, or inside the symbol before */
        if (start > at)
            emit(r, &(root_region){ ROOT_GLOBAL, unnamed, 0, at, start, mask, (at - lo) / 8 });
        if (i == n)
            break;
        uint64_t end = syms[i].size ? start + syms[i].size : (i + 1 < n ? syms[i + 1].value : hi);
        if (end > hi || end <= start)
            end = i + 1 < n && syms[i + 1].value > start ? syms[i + 1].value : hi;
        end = start + (end - start) / 8 * 8;
        emit(r, &(root_region){ ROOT_GLOBAL, gmx_str_cstr(syms[i].name), 0, start, end, mask,
                                (start - lo) / 8 });
        at = end > start ? end : start + 8;
    }
    gmx_free(syms);
    gmx_free(mask);
    return GMX_OK;
}

/* runtime.asyncPreempt saves every register of the function it interrupted
 * in its own frame: those words are that function's (its locals kept in
 * registers), so the two frames are one region, named by the function. */
static bool frame(void *ctx, const gmx_pcfunc *f, uint64_t sp, uint64_t fp)
{
    roots *r = ctx;
    r->next = fp;
    if (!r->preempt_sp && gmx_str_eq_cstr(f->name, "runtime.asyncPreempt")) {
        r->preempt_sp = sp;
        return true;
    }
    if (r->preempt_sp && r->preempt_sp <= sp)
        sp = r->preempt_sp;
    r->preempt_sp = 0;
    return emit(r, &(root_region){ ROOT_FRAME, f->name, r->goid, sp, fp, NULL, 0 });
}

static void stack(roots *r, const core_g *g)
{
    uint32_t status = g->status & ~(uint32_t)G_SCAN;
    if (status == G_IDLE || status == G_DEAD || status == G_MORIBUND || g->hi <= g->lo ||
        g->hi - g->lo > MAX_STACK)
        return;
    unwind_start at = { g->sched_pc, g->sched_sp, g->lo, g->hi, false, true };
    if (g->syscallsp) {
        at.pc = g->syscallpc;
        at.sp = g->syscallsp;
    }
    if (status == G_RUNNING || (status == G_SYSCALL && !g->syscallsp)) {
        const core_thread *t = gmx_core_thread_on(r->c, g->lo, g->hi);
        if (t) {
            at.pc = t->pc;
            at.sp = t->sp;
        }
    }
    if (at.sp < g->lo || at.sp >= g->hi)
        at.sp = g->lo; /* unknown: the whole stack */
    if (g->hi - at.sp > r->budget) {
        r->budget = 0; /* a corrupt core: no more stacks */
        return;
    }
    r->budget -= g->hi - at.sp;
    r->goid = g->goid;
    r->next = at.sp;
    r->preempt_sp = 0;
    if (at.pc)
        gmx_unwind_each_frame(r->c, &at, frame, r);
    if (r->preempt_sp) /* the unwind ended in asyncPreempt: the rest is the stack's */
        r->next = r->preempt_sp;
    r->preempt_sp = 0;
    if (r->next < at.sp || r->next > g->hi)
        r->next = at.sp;
    emit(r, &(root_region){ ROOT_STACK, gmx_str_cstr("stack"), g->goid, r->next, g->hi, NULL, 0 });
}

gmx_code gmx_heap_roots(gmx_core *c, const scan_layout *s, bool stacks, root_fn fn, void *ctx,
                        gmx_error *err)
{
    roots r = { c, fn, ctx, false, 0, 0, 0, 2 * (uint64_t)c->core.len + (1u << 20) };
    if (!stacks) {
        gmx_code rc = globals(&r, s->data, s->edata, s->data_mask, s->data_mask_bits, "unnamed data", err);
        if (rc == GMX_OK)
            rc = globals(&r, s->bss, s->ebss, s->bss_mask, s->bss_mask_bits, "unnamed bss", err);
        return rc;
    }
    uint64_t slice[2];
    if (!gmx_core_read(c, c->allgs, slice, sizeof(slice)) || slice[1] > c->core.len / 8)
        return GMX_OK; /* the goroutine walk reports it */
    for (uint64_t i = 0; i < slice[1] && !r.stop; i++) {
        uint64_t addr;
        core_g g;
        if (gmx_core_read_u64(c, slice[0] + 8 * i, &addr) && gmx_core_read_g(c, addr, &g))
            stack(&r, &g);
    }
    return GMX_OK;
}
