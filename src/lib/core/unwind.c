/* amd64: a frame's caller is found at fp = sp + spdelta(pc) + 8, where the
 * CALL pushed the return address (fp - 8). Frames are symbolised at pc - 1
 * (inside the CALL) except where the pc is a fault or a function's entry. */
#include "core/unwind.h"

#include "util/str.h"

#include <string.h>

enum { MAX_PHYSICAL_FRAMES = 4096, MAX_INLINE = 64 };

bool gmx_unwind_shows(gmx_str name, bool first)
{
    if (gmx_str_eq_cstr(name, "runtime.gopanic") && !first)
        return true;
    if (!memchr(name.p, '.', name.n))
        return false;
    if (!gmx_str_starts(name, "runtime."))
        return true;
    return name.n > 8 && name.p[8] >= 'A' && name.p[8] <= 'Z'; /* exported: runtime.Gosched */
}

/* A wrapper frame is shown only when it called one of these. */
static bool shows_wrapper_calling(gmx_str callee)
{
    return gmx_str_eq_cstr(callee, "runtime.gopanic") ||
           gmx_str_eq_cstr(callee, "runtime.sigpanic") ||
           gmx_str_eq_cstr(callee, "runtime.panicwrap");
}

size_t gmx_unwind_frames(const gmx_core *c, const unwind_start *at, gmx_frame *out, size_t max,
                     bool *truncated)
{
    size_t n = 0;
    uint64_t pc = at->pc, sp = at->sp;
    bool exact_pc = at->trap, first = true;
    gmx_str callee = { "", 0 };
    *truncated = false;
    for (int depth = 0; depth < MAX_PHYSICAL_FRAMES; depth++) {
        gmx_pcfunc f;
        if (!gmx_pclntab_find(c->pcln, pc, &f))
            break;
        uint64_t tracepc = exact_pc || pc == f.entry ? pc : pc - 1;
        gmx_pcframe inl[MAX_INLINE];
        size_t k = gmx_pclntab_frames(c->pcln, &f, tracepc, inl, MAX_INLINE);
        for (size_t i = 0; i < k; i++) {
            bool wrapper = inl[i].funcid == c->wrapper_funcid && c->wrapper_funcid != 0;
            bool show = at->all || (gmx_unwind_shows(inl[i].func, first) &&
                                    !(wrapper && !shows_wrapper_calling(callee)));
            callee = inl[i].func;
            if (!show)
                continue;
            first = false;
            if (n == max) {
                *truncated = true;
                return n;
            }
            out[n++] = (gmx_frame){ inl[i].func, inl[i].file, inl[i].line };
        }
        /* as the runtime's unwinder: a function that switched stacks ends
         * the walk unless it is where the walk started */
        if ((f.flags & GMX_PCFUNC_TOPFRAME) || ((f.flags & GMX_PCFUNC_SPWRITE) && depth > 0))
            break;
        int32_t delta;
        if (!gmx_pclntab_spdelta(c->pcln, &f, pc, &delta) || delta < 0)
            break;
        uint64_t fp = sp + (uint64_t)delta + 8, ret;
        if (fp <= sp || fp > at->stack_hi || !gmx_core_read_u64(c, fp - 8, &ret) || ret == 0)
            break;
        /* a fault's frame (sigpanic) returns to the faulting pc itself */
        exact_pc = gmx_str_eq_cstr(f.name, "runtime.sigpanic");
        pc = ret;
        sp = fp;
    }
    return n;
}

size_t gmx_unwind_each_frame(const gmx_core *c, const unwind_start *at, unwind_frame_fn fn,
                             void *ctx)
{
    uint64_t pc = at->pc, sp = at->sp;
    size_t n = 0;
    for (int depth = 0; depth < MAX_PHYSICAL_FRAMES; depth++) {
        gmx_pcfunc f;
        int32_t delta;
        if (!gmx_pclntab_find(c->pcln, pc, &f) || !gmx_pclntab_spdelta(c->pcln, &f, pc, &delta) ||
            delta < 0)
            break;
        uint64_t fp = sp + (uint64_t)delta + 8, ret;
        if (fp <= sp || fp > at->stack_hi)
            break;
        n++;
        if (!fn(ctx, &f, sp, fp))
            break;
        if ((f.flags & GMX_PCFUNC_TOPFRAME) || ((f.flags & GMX_PCFUNC_SPWRITE) && depth > 0) ||
            !gmx_core_read_u64(c, fp - 8, &ret) || ret == 0)
            break;
        pc = ret;
        sp = fp;
    }
    return n;
}
