/* Analyses: from models to findings. They never see file formats. */
#ifndef GOMEMDX_ANALYZE_H
#define GOMEMDX_ANALYZE_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/findings.h"
#include "gomemdx/gbuckets.h"
#include "gomemdx/goroutine.h"
#include "gomemdx/signatures.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One goroutine snapshot of a process: its buckets and what surrounded the
 * dump (a panic, a fatal error). */
typedef struct gmx_gsnapshot {
    const char *name;
    gmx_gbuckets *buckets;
    gmx_dump_info info;
    struct gmx_input *input;  /* what info's views point into, when owned */
    char *owned_name;         /* name's storage, when owned */
} gmx_gsnapshot;

typedef struct gmx_goroutine_options {
    bool include_healthy;   /* also report healthy and unremarkable buckets */
    const gmx_signatures *signatures; /* the catalogue to use; NULL: the built-in one */
    const uint64_t *work_ids; /* per snapshot, the highest goroutine id of a full dump of
                               * the same moment (gmx_gseries.work_ids); NULL: read from
                               * the snapshots themselves */
} gmx_goroutine_options;

/* A goroutine snapshot and when it was taken (Unix ns; 0: not known). */
typedef struct gmx_gtimed {
    const gmx_gsnapshot *snap;
    int64_t time_ns;
} gmx_gtimed;

/* Goroutine snapshots of mixed kinds as one series, so that the same leak
 * reads the same whatever mix of artifacts a folder holds. A debug=2 dump
 * and a profile of one moment bucket differently, so growth is measured
 * within one family (full dumps, debug=1 profiles, protobuf profiles;
 * goroutineleak profiles only when alone): the one whose snapshots weigh most (a
 * timed one 1000, an untimed one 1; ties to full dumps), in the order
 * given. The series' last snapshot is told what the nearest snapshot of
 * another family knows (a full dump first; taken within 5 minutes, or
 * either untimed): wait reasons, creators, minutes blocked; the earlier
 * ones are told the creators only. When the series' snapshots record no
 * goroutine ids (profiles) and as many full dumps go with them, one of
 * each moment (in the same order, of like counts), the dumps' highest ids
 * are the series' clock of work done (work_ids). */
typedef struct gmx_gseries {
    gmx_gsnapshot *snaps;     /* n shallow views of the inputs' snapshots, oldest first,
                               * buckets replaced where they learned something */
    size_t *from;             /* the input index of each */
    size_t n;                 /* 0 when no input is a goroutine snapshot of the series */
    gmx_gbuckets **merged;    /* owned: one per snapshot, NULL where nothing was learned;
                               * NULL when nothing was merged */
    size_t learned;           /* buckets of the last snapshot that learned something */
    uint64_t *work_ids;       /* owned: n highest goroutine ids borrowed from full dumps
                               * of the same moments; NULL when none pair up */
} gmx_gseries;

/* Builds out from in (kept by the caller as long as out). GMX_OK or
 * GMX_ENOMEM. Release with gmx_gseries_release, also after a failure. */
gmx_code gmx_gseries_build(const gmx_gtimed *in, size_t n, gmx_gseries *out, gmx_error *err);
void gmx_gseries_release(gmx_gseries *s);

/* Classifies and ranks the goroutine buckets of snaps[n-1]; earlier
 * snapshots (oldest first) give growth, and buckets that were large before
 * and have drained are reported as surges, not leaks. opts may be NULL.
 * The findings borrow the snapshots' buckets and names: keep the snapshots
 * until the findings are freed. */
gmx_code gmx_analyze_goroutines(const gmx_gsnapshot *snaps, size_t n,
                                const gmx_goroutine_options *opts, gmx_findings *out,
                                gmx_error *err);

/* When snap is a panic or a fatal error, sets out's head (gmx_findings_head)
 * to its message and the site of the goroutine that raised it; true then.
 * gmx_analyze_goroutines does this for its last snapshot. */
bool gmx_analyze_crash(const gmx_gsnapshot *snap, gmx_findings *out);

/* Who holds a core's heap (gomemdx/core.h, gmx_core_heap_retention) as
 * findings: each of the largest roots that reached a quarter or more of the
 * heap marked from the roots, and at least 1 MiB, with evidence.retained_by
 * (its chain, root first) and bytes (what it reached first). Ranks f. */
struct gmx_core_retention;
struct gmx_core_holder;
void gmx_analyze_core_retention(const struct gmx_core_retention *r, gmx_findings *f);
/* Step k of a holder's chain as one line: "runtime.allp (global)",
 * "[]runtime.timerWhen", "object of 128 B (size class 10)"; in Chinese
 * with zh (Go names stay as they are). */
void gmx_analyze_hold_step_name(const struct gmx_core_holder *h, size_t k, bool zh, char *buf,
                                size_t n);

#ifdef __cplusplus
}
#endif

#endif
