/* What an open core holds: both files, the pclntab, the runtime layouts. */
#ifndef GMX_CORE_IMPL_H
#define GMX_CORE_IMPL_H

#include "core/dwarf_layout.h"
#include "core/elf_file.h"
#include "gomemdx/core.h"
#include "gomemdx/pclntab.h"
#include "util/arena.h"
#include "util/intern.h"

/* Offsets into runtime.g; -1 for a field this Go version does not have. */
typedef struct g_layout {
    int64_t goid, status, waitreason, waitsince, sched_sp, sched_pc, syscallsp, syscallpc,
        stack_lo, stack_hi, gopc, startpc, parent_goid;
} g_layout;

struct gmx_core {
    elf_file core, bin;
    gmx_pclntab *pcln;
    dwarf_layout *dwarf;
    g_layout g;
    uint64_t allgs;                   /* address of runtime.allgs (a []*g) */
    uint64_t wait_reasons, nwait_reasons; /* runtime.waitReasonStrings ([N]string) */
    bool no_dwarf;                    /* layouts unknown: only threads can be read */
    bool inlining;                    /* go:func.* found: inlined calls expanded */
    uint8_t wrapper_funcid;           /* abi.FuncIDWrapper: the last, largest FuncID */
    core_thread *threads;
    size_t nthreads;
    gmx_core_release_fn release;      /* gmx_core_set_release, or NULL */
    void *release_ctx;
    gmx_arena names;                  /* generic functions' names as printed */
    gmx_interner printed;             /* over names: one copy each */
};

/* Reads n bytes at vaddr of the process: from the core, else from the
 * binary (file-backed pages a core leaves out), else zeros for memory the
 * core describes but holds none of. false when nothing maps vaddr. */
bool gmx_core_read(const gmx_core *c, uint64_t vaddr, void *out, size_t n);
bool gmx_core_read_u64(const gmx_core *c, uint64_t vaddr, uint64_t *v);
/* The core's bytes of [lo, hi) have been read for good: out of the resident
 * set (gmx_core_set_release), read back from the file if touched again. */
void gmx_core_release(const gmx_core *c, uint64_t lo, uint64_t hi);

/* The fields of the runtime.g at addr the walks use (0 for a field this Go
 * version lacks); false when it cannot be read. */
typedef struct core_g {
    uint64_t addr, goid, waitsince, sched_sp, sched_pc, syscallsp, syscallpc, lo, hi, gopc,
        startpc, parent_goid;
    uint32_t status;
    uint8_t waitreason;
} core_g;
bool gmx_core_read_g(const gmx_core *c, uint64_t addr, core_g *g);

/* The thread whose stack pointer lies in [lo, hi): the one running the
 * goroutine of that stack. */
const core_thread *gmx_core_thread_on(const gmx_core *c, uint64_t lo, uint64_t hi);

/* The .gopclntab of a Go executable, with go:func.* when found (*inlining):
 * a core's binary's (core.c) or one given alone (binary.c). */
gmx_code gmx_core_open_pclntab(const elf_file *bin, gmx_pclntab **out, bool *inlining,
                               gmx_error *err);

#endif
