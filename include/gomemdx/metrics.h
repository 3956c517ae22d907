/* Runtime metrics of a Go service at one moment: what /debug/vars (expvar
 * JSON, docs/formats.md §6.2) or a Prometheus /metrics page (text exposition
 * format, §6.3) says about goroutines and memory. */
#ifndef GOMEMDX_METRICS_H
#define GOMEMDX_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/heap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_msample {
    int64_t time_ns;         /* when it was taken; 0 = unknown */
    bool has_goroutines;
    uint64_t goroutines;
    gmx_memstats mem;        /* mem.present when any MemStats number was found */
} gmx_msample;

/* Inputs larger than this are refused with GMX_ELIMIT (expvar JSON is
 * loaded whole; real pages are tens of kilobytes). */
#define GMX_METRICS_MAX_JSON ((size_t)16 << 20)

/* True when data is a JSON object with a "memstats" member. */
bool gmx_metrics_expvar_sniff(const void *data, size_t len);

/* Parses /debug/vars into *out: memstats (Go field names) and, when the
 * service publishes one, a top-level integer "goroutines" (or
 * "NumGoroutine"). name is used in error messages only. */
gmx_code gmx_metrics_expvar_parse(const char *name, const void *data, size_t len,
                                  gmx_msample *out, gmx_error *err);

/* True when the first non-blank line is "# HELP ", "# TYPE " or a sample
 * of a go_ metric. */
bool gmx_metrics_prom_sniff(const void *data, size_t len);

/* Parses a Prometheus text page into *out: go_goroutines and the
 * go_memstats_* gauges that map to gmx_memstats (plus
 * go_gc_duration_seconds_count as num_gc). time_ns comes from the samples'
 * millisecond timestamps when they have one. Series with labels and other
 * metrics are read and skipped; a malformed line is an error naming it. */
gmx_code gmx_metrics_prom_parse(const char *name, const void *data, size_t len,
                                gmx_msample *out, gmx_error *err);

/* True when data is the /debug/pprof/ index page (its HTML, or its text
 * copied from a browser) with its goroutine row. */
bool gmx_metrics_pprof_index_sniff(const void *data, size_t len);

/* The goroutine count of the index page's table into *out (no time, no
 * memory: the page has neither). */
gmx_code gmx_metrics_pprof_index_parse(const char *name, const void *data, size_t len,
                                       gmx_msample *out, gmx_error *err);

/* runtime.MemStats fields a program printed itself ("Alloc = 11.7 MiB",
 * "sys: 1599 MB alloc: 1525 MB"): how many printouts were read, and the
 * lines they span. */
typedef struct gmx_memprint_info {
    size_t printouts;
    uint64_t first_line, last_line;
} gmx_memprint_info;

/* True when the first 64 KiB hold a printout of at least two MemStats
 * fields, each "Name: number [unit]" or "Name = number [unit]". */
bool gmx_metrics_printed_sniff(const void *data, size_t len);

/* The last printout into *out (printed lines carry no time: they make no
 * series, and the latest is the process's state); *info, if given, says
 * how many were read. GMX_EFORMAT when there is none. */
gmx_code gmx_metrics_printed_parse(const char *name, const void *data, size_t len,
                                   gmx_msample *out, gmx_memprint_info *info, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
