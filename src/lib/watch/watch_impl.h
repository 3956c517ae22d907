/* Private to watch/: the watcher, its targets, and the capture half of
 * the loop (capture.c) that watch.c calls. */
#ifndef GMX_WATCH_IMPL_H
#define GMX_WATCH_IMPL_H

#include "gomemdx/watch.h"

/* What a transfer is for: the three sample pages, then the capture files
 * (CAPTURE_FIRST + i is capture file i). */
enum {
    FETCH_GOROUTINES,
    FETCH_HEAP,
    FETCH_METRICS,
    FETCH_CAPTURE_FIRST
};
#define CAPTURE_FILES 6
#define BUDGET_SLOTS 64

typedef struct capture_file {
    char *data;
    size_t len;
    bool fetched;
} capture_file;

typedef struct target {
    size_t index;
    const char *url;             /* as given */
    char base[1024];             /* scheme://host:port[/prefix], no trailing '/' */
    char metrics[1100];          /* the /debug/vars or /metrics page, or "" */
    int64_t id;                  /* in the store */
    int64_t next_due;            /* monotonic ns */
    int inflight;                /* sample transfers running */
    bool sampled;                /* a sample attempt finished */
    unsigned failures;           /* in a row, for the backoff */
    gmx_msample cur;
    int64_t started_ns;          /* Unix ns when the sample was asked for */
    const char *fail_status;     /* first failure of this sample, or NULL */
    char fail[700];
    double goroutines[GMX_WATCH_MAX_WINDOW], heap[GMX_WATCH_MAX_WINDOW];
    size_t ngoroutines, nheap;
    /* The capture in flight. */
    int cap_inflight;
    unsigned cap_attempts;       /* captures started (a capture series) */
    capture_file files[CAPTURE_FILES];
    int64_t cap_time_ns;
    char cap_reason[400];
    char cap_problem[700];
    /* Unix ns of recent captures: cooldown and budget. */
    int64_t captures[BUDGET_SLOTS];
    size_t ncaptures;
} target;

typedef struct watcher {
    gmx_store *store;
    gmx_scraper *scraper;
    const gmx_watch_options *o;
    target *targets;
    size_t n;
    int64_t interval_ns;
    long timeout_ms;
    gmx_code fatal;              /* the store failed: stop */
    gmx_error fatal_err;
} watcher;

int64_t gmx_watch_clock_real(void);
int64_t gmx_watch_clock_mono(void);
void gmx_watch_emit(watcher *w, const target *t, gmx_watch_event *ev);
/* Records a store failure; the loop stops at the next turn. */
void gmx_watch_fatal(watcher *w, const gmx_error *err);
/* Whether a capture may start now (none in flight, cooldown, budget). */
bool gmx_watch_capture_allowed(const watcher *w, const target *t, int64_t now_ns);
void gmx_watch_capture_start(watcher *w, target *t, const char *why);
void gmx_watch_capture_fetched(watcher *w, target *t, const gmx_fetch *f);
void gmx_watch_capture_release(target *t);

#endif
