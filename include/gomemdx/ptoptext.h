/* What `go tool pprof` printed for a heap profile, when that text is all a
 * user has (pasted in an issue, a chat, a ticket):
 *
 *   Type: inuse_space
 *   Showing nodes accounting for 931.42MB, 99.89% of 932.42MB total
 *         flat  flat%   sum%        cum   cum%
 *     256.10MB 27.47% 27.47%   931.42MB 99.89%  encoding/json.(*decodeState).objectInterface
 *
 * and the -list form:
 *
 *   ROUTINE ======================== main.f in /go/src/app/main.go
 *     11.50MB    11.50MB    127:   var len int
 *           .          .    128:   f(x)
 *
 * and the -traces form, each sample's value and stack between separators:
 *
 *   -----------+-------------------------------------------------------
 *        bytes:  4kB
 *       10.50MB   main.(*Cache).put
 *                 main.handle
 *
 * Each -top row becomes a site of one frame (the function) with its flat
 * value; each -list row with a flat value a site of one frame at that
 * line; each -traces record a site of its whole stack, and the records
 * added up per function (flat: its leaf's; cum: every function in it) are
 * the -top rows of gmx_ptop_info, as -top would print them. cum is not
 * kept in the snapshot: a site's own bytes are what a
 * heap snapshot adds up. The -top rows themselves, with cum and the
 * shares pprof printed, are kept in gmx_ptop_info (the first
 * GMX_PTOP_MAX_ROWS): with one table and no series, what a site reaches
 * (cum) is what ranks it. The rows may sit among prose, quoted or
 * indented, or be quoted one by one without the table's header (both
 * values with a unit); a site quoted again keeps its latest row.
 *
 * A table of a goroutine profile looks the same with counts for values
 * (no unit) and runtime.gopark holding them all: it is told apart
 * (goroutines), and its snapshot is not heap memory. */
#ifndef GOMEMDX_PTOPTEXT_H
#define GOMEMDX_PTOPTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "gomemdx/error.h"
#include "gomemdx/goroutine.h"
#include "gomemdx/heap.h"
#include "gomemdx/heaptext.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { GMX_PTOP_MAX_ROWS = 32, GMX_PTOP_FUNC_MAX = 200, GMX_PTOP_MAX_EDGES = 16 };

/* One -top row as printed. */
typedef struct gmx_ptoptext_row {
    char func[GMX_PTOP_FUNC_MAX]; /* cut to fit, NUL-terminated */
    double flat, cum;             /* in the table's unit (bytes scaled by pprof's suffix) */
    double flat_pct, cum_pct;     /* the percentages printed beside them */
} gmx_ptoptext_row;

/* A caller a -peek block prints above a function ("1034.31MB 100% |
 * pkg.caller" over "... | time.NewTimer"): who calls it, and how much of
 * its reach comes through that call. */
typedef struct gmx_ptop_edge {
    char caller[GMX_PTOP_FUNC_MAX], callee[GMX_PTOP_FUNC_MAX]; /* cut to fit, NUL-terminated */
    double value;                                              /* in the table's unit */
} gmx_ptop_edge;

typedef struct gmx_ptop_info {
    char sample_type[32];    /* "inuse_space", "alloc_space", ...; empty when not said */
    bool churn;              /* alloc_space / alloc_objects: allocated since start,
                              * not retained */
    bool objects;            /* counts of objects, not bytes */
    bool counts;             /* every -top value printed without a unit */
    bool goroutines;         /* a goroutine profile's table ("Type: goroutine", or counts
                              * with runtime.gopark among the rows and no heap type said) */
    bool diff;               /* a -base or -diff_base table: each value is this profile
                              * minus its base (negative where a site shrank), a change,
                              * not an amount held */
    uint64_t rows;           /* rows read */
    double total;            /* the whole profile the table is a share of, in its values'
                              * unit: the header's "of 74.21MB total" (the largest, when
                              * several tables are pasted), else the largest of each -top
                              * row's value over its printed share; 0 when neither */
    gmx_read_report read;    /* lines read and skipped */
    gmx_ptoptext_row top[GMX_PTOP_MAX_ROWS]; /* the first -top rows, in the table's order */
    uint32_t ntop;
    gmx_ptop_edge edges[GMX_PTOP_MAX_EDGES]; /* the first callers -peek blocks name */
    uint32_t nedges;
} gmx_ptop_info;

/* True when a "flat flat% sum% cum cum%" column header (or its -peek form,
 * "... calls calls% + context"), a "ROUTINE ====" line or a -traces
 * separator is among the first lines of (data, len). */
bool gmx_ptoptext_sniff(const void *data, size_t len);

/* The grammar behind gmx_ptoptext_parse: reads the rows into sink. */
gmx_code gmx_ptoptext_scan(const char *name, const void *data, size_t len,
                           const gmx_heap_sink *sink, gmx_ptop_info *info, gmx_error *err);

/* Reads the rows into h (made by the caller). GMX_EFORMAT, naming the
 * line, when no row is found. */
gmx_code gmx_ptoptext_parse(const char *name, const void *data, size_t len, gmx_hsnapshot *h,
                            gmx_ptop_info *info, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
