/* The heap snapshots of a bundle, reduced as they are read: each
 * profile's sites moved into one table shared by all (a stack kept once,
 * however many snapshots name it) and the snapshot read from the file
 * freed. Of each family (protobuf heap, protobuf allocs, text) at most
 * HEAP_SERIES_KEPT snapshots keep their values per site: past that, the
 * one whose neighbours are closest in time is let go (its totals and
 * MemStats stay on its artifact), never the first or the last. Memory is
 * then bounded by distinct sites, not by the number of profiles. */
#ifndef GMX_INGEST_HEAP_SERIES_H
#define GMX_INGEST_HEAP_SERIES_H

#include "gomemdx/bundle.h"

/* Enough points for a trend (Theil-Sen) to see any steady growth, and few
 * enough that 50k sites stay within tens of MB. */
#define HEAP_SERIES_KEPT 32

enum { HEAP_SERIES_FAMILIES = 3 };

typedef struct heap_series {
    gmx_hsite_table *table;
    size_t *kept[HEAP_SERIES_FAMILIES]; /* artifact indexes, up to HEAP_SERIES_KEPT + 1 */
    size_t nkept[HEAP_SERIES_FAMILIES];
} heap_series;

void gmx_heap_series_init(heap_series *s);
/* Frees the table: the artifacts' snapshots must be freed first. */
void gmx_heap_series_release(heap_series *s);

/* Takes over items[i].heap (a snapshot read from its file): replaces it by
 * its copy in the shared table, fills heap_info and heap_total, and may let
 * the values of an earlier snapshot of the family go (its heap set to
 * NULL). Artifacts are merged in the order they were found; the time
 * items[i] carries now places it among its family. */
gmx_code gmx_heap_series_add(heap_series *s, gmx_artifact *items, size_t i);
/* The same for a profile reduced as it was read (items[i].heap NULL):
 * its snapshot is made in the shared table straight from r. */
gmx_code gmx_heap_series_add_reduced(heap_series *s, gmx_artifact *items, size_t i,
                                     const gmx_hreduced *r);

#endif
