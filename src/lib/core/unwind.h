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

/* Whether a traceback shows a frame of function name (runtime.showfuncinfo). */
bool gmx_unwind_shows(gmx_str name, bool first);

#endif
