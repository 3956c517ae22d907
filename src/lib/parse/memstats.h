/* Where the runtime.MemStats numbers of each format land in gmx_memstats:
 * one table for the Go field names (heap debug=1 trailer, expvar JSON) and
 * one for the Prometheus go_memstats_* names. */
#ifndef GMX_PARSE_MEMSTATS_H
#define GMX_PARSE_MEMSTATS_H

#include "gomemdx/heap.h"
#include "gomemdx/str.h"

/* The field for a runtime.MemStats field name ("HeapInuse", "StackSys",
 * "MaxRSS"), or NULL when gmx_memstats does not keep it. */
uint64_t *gmx_memstats_field(gmx_memstats *m, gmx_str go_name);

/* The same, the name in any case ("alloc", "HEAPINUSE"), as programs
 * print them; letters only, so '|0x20' folds exactly. */
uint64_t *gmx_memstats_field_nocase(gmx_memstats *m, gmx_str name);

/* The field for a Prometheus metric name ("go_memstats_heap_inuse_bytes"),
 * or NULL. *ns_per_unit is 1e9 for the one metric in seconds
 * (go_memstats_last_gc_time_seconds) and 1 otherwise. */
uint64_t *gmx_memstats_prom_field(gmx_memstats *m, gmx_str metric, double *ns_per_unit);

#endif
