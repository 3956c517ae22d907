/* Name tables from runtime.MemStats (src/runtime/mstats.go) and
 * client_golang's go collector (docs/formats.md §6.3). */
#include "parse/memstats.h"
#include "util/str.h"

#include <stddef.h>
#include <string.h>

typedef struct field {
    const char *name;
    size_t offset;
} field;

#define F(name, member) { name, offsetof(gmx_memstats, member) }

static const field go_fields[] = {
    F("Alloc", alloc),           F("TotalAlloc", total_alloc),
    F("Sys", sys),               F("Mallocs", mallocs),
    F("Frees", frees),           F("HeapAlloc", heap_alloc),
    F("HeapSys", heap_sys),      F("HeapIdle", heap_idle),
    F("HeapInuse", heap_inuse),  F("HeapReleased", heap_released),
    F("HeapObjects", heap_objects), F("StackInuse", stack_inuse),
    F("StackSys", stack_sys),    F("NextGC", next_gc),
    F("LastGC", last_gc_ns),     F("NumGC", num_gc),
    F("MaxRSS", max_rss),
};

static const field prom_fields[] = {
    F("go_memstats_alloc_bytes", alloc),
    F("go_memstats_alloc_bytes_total", total_alloc),
    F("go_memstats_sys_bytes", sys),
    F("go_memstats_mallocs_total", mallocs),
    F("go_memstats_frees_total", frees),
    F("go_memstats_heap_alloc_bytes", heap_alloc),
    F("go_memstats_heap_sys_bytes", heap_sys),
    F("go_memstats_heap_idle_bytes", heap_idle),
    F("go_memstats_heap_inuse_bytes", heap_inuse),
    F("go_memstats_heap_released_bytes", heap_released),
    F("go_memstats_heap_objects", heap_objects),
    F("go_memstats_stack_inuse_bytes", stack_inuse),
    F("go_memstats_stack_sys_bytes", stack_sys),
    F("go_memstats_next_gc_bytes", next_gc),
    F("go_memstats_last_gc_time_seconds", last_gc_ns),
    F("go_gc_duration_seconds_count", num_gc),
};

static uint64_t *lookup(const field *t, size_t n, gmx_memstats *m, gmx_str name)
{
    for (size_t i = 0; i < n; i++)
        if (gmx_str_eq_cstr(name, t[i].name))
            return (uint64_t *)((char *)m + t[i].offset);
    return NULL;
}

uint64_t *gmx_memstats_field(gmx_memstats *m, gmx_str go_name)
{
    return lookup(go_fields, sizeof(go_fields) / sizeof(go_fields[0]), m, go_name);
}

uint64_t *gmx_memstats_field_nocase(gmx_memstats *m, gmx_str name)
{
    for (size_t i = 0; i < sizeof(go_fields) / sizeof(go_fields[0]); i++) {
        const char *f = go_fields[i].name;
        if (strlen(f) != name.n)
            continue;
        size_t k = 0;
        while (k < name.n && (name.p[k] | 0x20) == (f[k] | 0x20))
            k++;
        if (k == name.n)
            return (uint64_t *)((char *)m + go_fields[i].offset);
    }
    return NULL;
}

uint64_t *gmx_memstats_prom_field(gmx_memstats *m, gmx_str metric, double *ns_per_unit)
{
    *ns_per_unit = gmx_str_eq_cstr(metric, "go_memstats_last_gc_time_seconds") ? 1e9 : 1;
    return lookup(prom_fields, sizeof(prom_fields) / sizeof(prom_fields[0]), m, metric);
}
