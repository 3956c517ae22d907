/* Heap snapshots from decoded heap or allocs profiles. */
#ifndef GMX_INGEST_HEAP_PROTO_H
#define GMX_INGEST_HEAP_PROTO_H

#include <stdbool.h>

#include "gomemdx/heap.h"
#include "gomemdx/profile.h"
#include "util/arena.h"

/* True when p has inuse_space or alloc_space samples. */
bool gmx_heap_profile_proto_is(const gmx_profile *p);
/* Adds every sample of p to h and sets h's time and sample rate. */
gmx_code gmx_heap_profile_proto_read(const gmx_profile *p, gmx_hsnapshot *h, gmx_error *err);
/* The same, making the names rewritten from generic shapes in names (when
 * not NULL): a snapshot that borrows its strings (gmx_hsnapshot_new_borrowing)
 * then stays valid while p and names do, whatever p's names. */
gmx_code gmx_heap_profile_proto_read_keeping(const gmx_profile *p, gmx_hsnapshot *h,
                                             gmx_arena *names, gmx_error *err);

#endif
