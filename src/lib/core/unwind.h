/* A goroutine's stack, unwound with the pclntab's SP-delta tables and
 * symbolised as the runtime's own traceback prints it. */
#ifndef GMX_CORE_UNWIND_H
#define GMX_CORE_UNWIND_H

#include "core/core_impl.h"

/* Where the unwind starts and the stack it must stay in. */
typedef struct unwind_start {
    uint64_t pc, sp;
    uint64_t stack_lo, stack_hi;
    bool trap;      /* pc is the faulting instruction (a thread's registers),
                     * not a return address */
    bool all;       /* every frame, runtime ones too (GOTRACEBACK=crash) */
} unwind_start;

/* Writes the frames a traceback shows (runtime internals and wrappers left
 * out, inlined calls expanded), innermost first, at most max. Sets
 * *truncated when the stack had more. Returns the count. */
size_t gmx_unwind_frames(const gmx_core *c, const unwind_start *at, gmx_frame *out, size_t max,
                     bool *truncated);

/* Calls fn for each physical frame (inlined calls not expanded), innermost
 * first: its function and the stack bytes [sp, fp) it owns (its return
 * address last). Stops where the unwind above stops, or when fn returns
 * false. Returns the frames given. */
typedef bool (*unwind_frame_fn)(void *ctx, const gmx_pcfunc *f, uint64_t sp, uint64_t fp);
size_t gmx_unwind_each_frame(const gmx_core *c, const unwind_start *at, unwind_frame_fn fn,
                             void *ctx);

/* Whether a traceback shows a frame of function name (runtime.showfuncinfo). */
bool gmx_unwind_shows(gmx_str name, bool first);

#endif
