/* panicparse's report of a goroutine dump (`pp`, `panicparse`,
 * github.com/maruel/panicparse, internal/ui.go), pasted as the only record
 * of the goroutines:
 *
 *   1: chan send [1615 minutes] [Created by install.(*SyncedCluster).ParallelE.func1 @ cluster_synced.go:2595]
 *       runtime      proc.go:363              gopark(func(0x1f4), Pointer(0x0), waitReason(0x0))
 *       install      cluster_synced.go:2601   (*SyncedCluster).ParallelE.func1.1(0)
 *
 * a header per bucket of goroutines with the same stack — how many, their
 * state, how long they slept ("N minutes", "N~M minutes" across the
 * bucket), "[locked]", and the creator as "pkgdir.func @ file:line" ("pkgdir.func
 * in goroutine N @ file:line" since Go 1.21) — then
 * one call a line in three columns: the package's directory name (its
 * last path element), the file and line, the function and its arguments.
 * gtolerant.c rewrites each bucket as a block of a full dump. */
#ifndef GMX_PARSE_GPANICPARSE_H
#define GMX_PARSE_GPANICPARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/str.h"

typedef struct gmx_gpp_header {
    uint64_t count;      /* goroutines in the bucket */
    gmx_str state;       /* "chan send" */
    uint64_t minutes;    /* the least they slept, 0 when not said */
    bool locked;         /* "[locked]": locked to its thread */
    gmx_str creator;     /* "install.(*SyncedCluster).ParallelE.func1", or empty */
    gmx_str creator_in;  /* " in goroutine 1" after it (Go 1.21 on), or empty */
    gmx_str creator_at;  /* "cluster_synced.go:2595" */
} gmx_gpp_header;

typedef struct gmx_gpp_call {
    gmx_str pkg;         /* "install" */
    gmx_str at;          /* "cluster_synced.go:2601" */
    gmx_str func;        /* "(*SyncedCluster).ParallelE.func1.1" */
} gmx_gpp_call;

/* Parses a bucket's header (indentation removed). False when s is not one:
 * a number, ": ", a state in words, and only panicparse's bracketed
 * annotations after it. */
bool gmx_gpp_parse_header(gmx_str s, gmx_gpp_header *out);

/* Parses a call line (indentation removed): three columns separated by
 * runs of spaces, the last a call with its arguments. */
bool gmx_gpp_parse_call(gmx_str s, gmx_gpp_call *out);

/* "    (...)": panicparse's mark for frames the runtime elided. */
bool gmx_gpp_elided(gmx_str s);

#endif
