/* The heap snapshot's insides, shared by its files: snapshots and tables
 * (hsnapshot.c) and shares made from a streaming reader's sites
 * (hsnapshot_reduced.c). */
#ifndef GMX_MODEL_HSNAPSHOT_IMPL_H
#define GMX_MODEL_HSNAPSHOT_IMPL_H

#include "gomemdx/heap.h"
#include "model/stacks.h"

struct gmx_hsite_table {
    gmx_stacks stacks;
    uint64_t max_sites;
};

struct gmx_hsnapshot {
    gmx_stacks stacks;      /* own sites: site i has stack i */
    gmx_hsite *sites;       /* own: by stack; shared: by the table's id, frames NULL when absent */
    size_t cap;
    gmx_hsite_table *table; /* shared sites, or NULL */
    uint32_t *order;        /* shared: the ids present, in the source snapshot's order */
    size_t norder;
    uint64_t max_sites;
    gmx_hsite overflow;     /* values of stacks past max_sites */
    gmx_hsnapshot_info info;
};

/* Adds the four values to s's, saturating. */
void gmx_hsite_add_values(gmx_hsite *s, int64_t inuse_objects, int64_t inuse_bytes,
                          int64_t alloc_objects, int64_t alloc_bytes);

#endif
