/* gomemdx watch: sample live Go services every interval (goroutines and
 * MemStats over HTTP, all targets concurrently), keep the samples in the
 * store, and when a rule fires — in the manner of the holmes library:
 * minimum, absolute, percent over the moving average, steady growth,
 * cooldown — capture full evidence (goroutine debug=2, heap and allocs
 * profiles, goroutineleak when offered) into the store, within a budget,
 * and diagnose it. The library never prints: everything that happens is
 * an event handed to the caller. */
#ifndef GOMEMDX_WATCH_H
#define GOMEMDX_WATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/diagnose.h"
#include "gomemdx/error.h"
#include "gomemdx/metrics.h"
#include "gomemdx/scrape.h"
#include "gomemdx/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One metric's rule. The metric must be at least min; then any of abs,
 * diff or trend (each 0 = off) fires it. */
typedef struct gmx_watch_rule {
    double min;
    double abs;              /* at or above this */
    double diff_pct;         /* this many percent above the mean of the previous window */
    double trend_pct;        /* grown this many percent over the window, rising at
                              * (almost) every step: a steady climb, not a spike */
    unsigned window;         /* samples in the mean and the trend; 2..GMX_WATCH_MAX_WINDOW */
    /* Relative growth, however uneven: the lowest value of the window's
     * later half this many percent above the lowest of its earlier half
     * (lows, because a heap saws up and down between collections). min does
     * not gate it; the later low must be at least growth_min. 0 = off. */
    double growth_pct;
    double growth_min;
} gmx_watch_rule;

#define GMX_WATCH_MAX_WINDOW 120

typedef struct gmx_watch_rules {
    gmx_watch_rule goroutines;
    gmx_watch_rule heap;     /* MemStats HeapInuse, bytes */
    int64_t cooldown_ns;     /* at least this long between captures of a target */
    unsigned budget_per_hour;/* at most this many captures per target per hour */
} gmx_watch_rules;

/* goroutines: min 200, abs 10000, diff 100%, trend 50% over 10 samples;
 * heap: min 64 MiB, abs off, diff 100%, trend 50% over 10 samples, and
 * growth 100% (doubled over the window) from 8 MiB whatever min says;
 * cooldown 10 minutes, budget 4 captures per hour. */
void gmx_watch_rules_default(gmx_watch_rules *r);

/* Reads a rules file over r (which keeps what the file does not say).
 * One statement a line, '#' starts a comment:
 *   goroutines min=200 abs=10000 diff=100% trend=50% window=10
 *   heap min=64MiB abs=2GiB diff=100% trend=50% window=10 growth=100% growth_min=8MiB
 *   cooldown 10m
 *   budget 4          (captures per target per hour)
 * GMX_EFORMAT names the line. */
gmx_code gmx_watch_rules_parse(const char *name, const void *data, size_t len, gmx_watch_rules *r,
                               gmx_error *err);

/* Checks rule r on values (oldest first, the current one last). When it
 * fires, returns true and writes why ("trend: 80 -> 140 (+75%) rising over
 * 10 samples") into why. */
bool gmx_watch_rule_fires(const gmx_watch_rule *r, const double *values, size_t n, char *why,
                          size_t whysz);

/* A Go duration ("10s", "500ms", "2m", "1.5h", "1h30m") or days ("2d")
 * into nanoseconds; false on junk or a negative value. */
bool gmx_watch_parse_duration(const char *s, int64_t *ns);

typedef enum gmx_watch_event_kind {
    GMX_WATCH_SAMPLE,        /* a sample, stored (committed) */
    GMX_WATCH_GAP,           /* a sample or capture that failed; recorded as a gap */
    GMX_WATCH_TRIGGER,       /* a rule fired; a capture starts */
    GMX_WATCH_CAPTURE        /* a capture stored and diagnosed */
} gmx_watch_event_kind;

typedef struct gmx_watch_event {
    gmx_watch_event_kind kind;
    size_t target;           /* index into the URLs given */
    const char *url;
    int64_t time_ns;         /* Unix ns */
    const gmx_msample *sample;     /* SAMPLE */
    const char *message;     /* GAP: "STATUS: what failed"; TRIGGER: the rule's why;
                              * CAPTURE: the rank-1 finding in one line */
    int64_t retry_in_ns;     /* GAP: when the target is tried again (backoff) */
    int64_t capture_id;      /* CAPTURE */
    const gmx_diagnosis *diagnosis; /* CAPTURE: NULL when diagnose failed */
} gmx_watch_event;

typedef void (*gmx_watch_fn)(void *ctx, const gmx_watch_event *ev);

typedef struct gmx_watch_options {
    int64_t interval_ns;     /* 0 = 10 s */
    int64_t duration_ns;     /* stop after this long; 0 = until *stop */
    bool once;               /* one sample of each target, then stop */
    uint64_t limit_bytes;    /* the services' memory limit, for diagnose; 0 = unknown */
    const gmx_signatures *signatures; /* for diagnose; NULL: the built-in catalogue */
    gmx_watch_rules rules;
    gmx_fetch_limits fetch;  /* 0s: timeout min(5 s, interval), 64 MiB cap, 3 redirects */
    const volatile sig_atomic_t *stop; /* set (by a signal handler) to stop cleanly */
    /* A capture series (`diagnose URL`): when non-zero, no samples and no
     * rules: each target is captured every interval, this many times, and
     * the run ends when the last capture is in (a target whose first
     * capture brought nothing is not tried again). TRIGGER events say
     * "capture K/N"; captures are not diagnosed (CAPTURE has no diagnosis). */
    unsigned captures;
    gmx_watch_fn on_event;
    void *ctx;
} gmx_watch_options;

/* Watches urls (base URLs such as http://127.0.0.1:6060; one ending in
 * /debug/vars or /metrics also has that page read) until done, writing to
 * store. Failures of targets are events, never errors; an error is the
 * store failing, out of memory, or a bad URL (GMX_EUSAGE). */
gmx_code gmx_watch_run(gmx_store *store, const char *const *urls, size_t n,
                       const gmx_watch_options *o, gmx_error *err);

/* Writes the files of a stored capture into dir (made when missing), as
 * files `gomemdx diagnose` reads. */
gmx_code gmx_watch_export_capture(gmx_store *store, int64_t capture, const char *dir,
                                  gmx_error *err);

/* Writes every capture in store into dir (made when missing): one folder
 * per target, named by its host and port (gmx_url_target.name), holding
 * capture-K/ folders of files and capture-times.tsv, which gives each
 * file's capture time (Unix ns) for gmx_bundle_load. *nfiles counts the
 * files written. */
gmx_code gmx_watch_export_series(gmx_store *store, const char *dir, size_t *nfiles,
                                 gmx_error *err);

/* Stored captures as buffers for a bundle (gmx_bundle_options.buffers): no
 * file is written to diagnose them, and each file's bytes are read from the
 * store only when the bundle reads it, then let go, so a long history is
 * never all in memory. The store must stay open until the bundle is loaded. */
typedef struct gmx_capture_buffers {
    gmx_bundle_buffer *buffers;
    size_t n, cap;
} gmx_capture_buffers;

/* Appends the files of a stored capture to set, each named
 * PREFIX "capture-ID/" NAME and timed by time_ns (the capture's; 0 for
 * none). Release the set with gmx_capture_buffers_release after the
 * bundle that reads it. */
gmx_code gmx_watch_capture_buffers(gmx_store *store, int64_t capture, int64_t time_ns,
                                   const char *prefix, gmx_capture_buffers *set, gmx_error *err);
void gmx_capture_buffers_release(gmx_capture_buffers *set);

/* "#1 CRITICAL chan-send-blocked: 208 goroutines blocked ..." for the
 * rank-1 finding of d, or "no findings". */
void gmx_watch_summary(const gmx_diagnosis *d, char *out, size_t outsz);

#ifdef __cplusplus
}
#endif

#endif
