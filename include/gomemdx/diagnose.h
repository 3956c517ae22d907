/* diagnose: the runbook walked over an incident bundle, in its order — the
 * change that started it, goroutines, code heap leaks, other causes of OOM
 * and when memory runs out — ending in an ordered list of actions. */
#ifndef GOMEMDX_DIAGNOSE_H
#define GOMEMDX_DIAGNOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/analyze.h"
#include "gomemdx/bundle.h"
#include "gomemdx/events.h"
#include "gomemdx/signatures.h"
#include "gomemdx/findings.h"
#include "gomemdx/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_diagnose_options {
    uint64_t limit_bytes;      /* the process's memory limit; 0 = unknown */
    bool include_healthy;      /* also list healthy goroutine buckets */
    const gmx_events *events;  /* releases, config and ops changes (--events); may be NULL */
    /* A watched history (gomemdx watch's store), oldest first: goroutine
     * counts and MemStats over time, denser than any bundle; when given, it
     * dates the change and drives the forecast. May be NULL. */
    const gmx_msample *history;
    size_t nhistory;
    const gmx_signatures *signatures; /* the signature catalogue; NULL: the built-in one */
} gmx_diagnose_options;

/* One point of a process-wide series. */
typedef struct gmx_point {
    int64_t time_ns;
    double value;
} gmx_point;

typedef struct gmx_series {
    const char *name;          /* "goroutines", "heap in use (bytes)" */
    gmx_point *points;
    size_t n;
    const char *name_zh;       /* the name in Chinese */
} gmx_series;

typedef struct gmx_forecast {
    bool available;
    const char *why_not;       /* when not available: one line */
    const char *why_not_zh;    /* the same in Chinese */
    uint64_t limit_bytes;
    const char *series;        /* the series forecast from */
    const char *series_zh;     /* its name in Chinese */
    double current_bytes;      /* the last observation's value */
    double bytes_per_second;   /* the fit's rate over the window */
    int64_t now_ns;            /* the countdown's start: the latest observation in the
                                * bundle (never before the last point) */
    double seconds_to_limit;   /* from now_ns; negative: already past; +inf: not growing */
    /* The fit behind it: the points used (the recent trend, one per instant),
     * the spread of the pairwise rates (quartiles), the range of times they
     * give (seconds_high +inf when the slow end does not grow), and the
     * steepest real step between two observations in the window, which no
     * rate exceeds. */
    int64_t window_from_ns, window_to_ns, last_point_ns;
    size_t window_points;
    double rate_low, rate_high;
    double seconds_low, seconds_high;
    double largest_step_rate;
    bool loose;                /* the range is wide: give it, not a point */
    bool stopped;              /* grew, but is flat over the window: growth has stopped */
} gmx_forecast;

typedef struct gmx_change {
    bool found;                /* a point where growth began */
    const char *series;        /* which series showed it */
    const char *series_zh;     /* its name in Chinese */
    int64_t at_ns;             /* when growth began (or the first snapshot, when the
                                * climb was under way from the start) */
    bool from_start;           /* no change point: growing from the first snapshot */
    const gmx_event *event;    /* the change closest before at_ns, or NULL */
    bool fell;                 /* no growth: memory ended lower than it began,
                                * so there is nothing to roll back */
} gmx_change;

typedef enum gmx_action_kind {
    GMX_ACTION_MITIGATE,       /* now: stop the bleeding */
    GMX_ACTION_FIX,            /* in code: what to change, where */
    GMX_ACTION_VERIFY          /* after the fix */
} gmx_action_kind;

/* What an action is, so a renderer can say it in another language. */
typedef enum gmx_action_what {
    GMX_DO_RESTART_SOON,       /* minutes: time to the limit */
    GMX_DO_ROLL_BACK_EVENT,    /* event: the change closest before the climb */
    GMX_DO_ROLL_BACK_ANY,
    GMX_DO_FIX,                /* finding: what to change, where */
    GMX_DO_VERIFY_GOROUTINES,
    GMX_DO_VERIFY_HEAP
} gmx_action_what;

typedef struct gmx_action {
    gmx_action_kind kind;
    gmx_action_what what;
    double minutes;
    const gmx_event *event;
    const gmx_finding *finding;
    gmx_str text;              /* in English */
} gmx_action;

typedef struct gmx_diagnosis {
    const gmx_bundle *bundle;  /* borrowed: keep it until the diagnosis is freed */
    gmx_findings *findings;    /* goroutine and heap findings, ranked together */
    gmx_findings *escapes;     /* runbook step 5, heap pressure: the bundle's escape
                                * logs ranked by the allocation profile; NULL without */
    gmx_series goroutines;     /* total goroutines per goroutine snapshot */
    gmx_series heap;           /* total heap in use per heap snapshot */
    gmx_series memstats;       /* MemStats HeapInuse per heap snapshot that carries it */
    gmx_series watched_goroutines; /* from the watched history, when given */
    gmx_series watched_heap;   /* MemStats HeapInuse from the watched history */
    /* The snapshots the findings came from, borrowed from the bundle (for
     * pictures of them): the last goroutine snapshot, the first and last heap
     * snapshot; NULL when there is none. */
    const gmx_gbuckets *last_goroutines;
    const gmx_hsnapshot *first_heap, *last_heap;
    gmx_change change;
    gmx_forecast forecast;
    gmx_action *actions;
    size_t nactions;
    /* The goroutine snapshots the findings came from, as one series told
     * what the other kinds of snapshot knew (the findings' buckets live
     * here). Owned. */
    gmx_gseries goroutine_series;
} gmx_diagnosis;

gmx_code gmx_diagnose(const gmx_bundle *b, const gmx_diagnose_options *opts, gmx_diagnosis **out,
                      gmx_error *err);
void gmx_diagnosis_free(gmx_diagnosis *d);

#ifdef __cplusplus
}
#endif

#endif
