/* Go core dumps (linux/amd64, Go 1.19 to 1.27): a core file from the kernel
 * or gcore read with the executable that produced it. The goroutines come
 * out as the records a goroutine dump gives (gomemdx/goroutine.h), so they
 * feed the same grouping, classification and judgement.
 *
 * Runtime structure layouts come from the binary's DWARF, wait reasons
 * from its runtime.waitReasonStrings, stacks are unwound with .gopclntab. */
#ifndef GOMEMDX_CORE_H
#define GOMEMDX_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/goroutine.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_core gmx_core;


/* Opens a core (core_data, core_len) and its executable (bin_data,
 * bin_len); both must outlive *out. Refuses, with one line naming the file
 * and what is missing, a core or binary that is not an x86-64 Go one, a
 * binary whose build ID (Go's, else GNU's) differs from the one mapped in
 * the core, a binary without a symbol table or DWARF. */
gmx_code gmx_core_open(const char *core_name, const void *core_data, size_t core_len,
                       const char *bin_name, const void *bin_data, size_t bin_len,
                       gmx_core **out, gmx_error *err);
void gmx_core_free(gmx_core *c);

typedef struct gmx_core_info {
    uint64_t goroutines;        /* user goroutines handed out */
    uint64_t system_goroutines; /* runtime goroutines, left out as tracebacks leave them */
    uint64_t threads;           /* threads in the core */
    int signal;                 /* the signal the first thread took (0 for gcore) */
    uint32_t signal_tid;
    uint64_t signal_goid;       /* the goroutine that thread was running, 0 when none
                                 * (the thread was in the scheduler or a syscall) */
    bool inlining;              /* inlined calls were expanded (go:func.* found) */
    bool threads_only;          /* the binary has no DWARF: the runtime's structures are
                                 * unknown, so each thread's stack (from its registers)
                                 * is handed out instead of goroutines, with id 0 */
    bool waits_estimated;       /* "N minutes" measured from the latest time seen in
                                 * the core, a lower bound of the dump's instant */
} gmx_core_info;

/* Calls fn for each user goroutine, in allgs order; the record is valid
 * during the call only. A goroutine whose stack cannot be read is handed
 * out with GMX_G_NO_STACK. Without DWARF, the threads instead (see
 * threads_only). info may be NULL. */
gmx_code gmx_core_goroutines(gmx_core *c, gmx_goroutine_fn fn, void *ctx, gmx_core_info *info,
                             gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
