/* Heap growth across snapshots of one process: for every allocation site,
 * its in-use bytes over time, a robust trend (Theil-Sen, most steps rising,
 * a real rise), its share of all growing sites' growth, and which runbook cause
 * it looks like:
 *   timer-leak       the stack allocates in time.NewTimer/NewTicker/AfterFunc
 *   alloc-spike      the site does most of all allocation, fast, and keeps
 *                    little of it: huge per-request work (the runbook's
 *                    incident) — reported even without steady growth
 *   map-growth       the largest object at the site keeps getting larger
 *                    (a map's bucket array doubling; an unbounded cache)
 *   slice-retention  more and more large objects stay in use, of a power
 *                    of two or of several sizes (a small slice or
 *                    substring pinning each big buffer or body)
 *   heap-growth      anything else that keeps growing, and buffers the
 *                    standard library keeps growing (bytes.Buffer,
 *                    strings.Builder), which no map's table is
 * A rise that sampling alone could make is no growth. */
#include "gomemdx/analyze_heap.h"
#include "analyze/frames.h"
#include "analyze/trend.h"
#include "util/alloc.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MIB (1024.0 * 1024.0)
/* A site must keep at least this much more to be reported. */
#define MIN_RISE_BYTES (1.0 * MIB)
/* ... and carry at least this share of all growing sites' growth. */
#define MIN_SHARE 0.10
/* Allocated bytes per byte kept, past which the allocation is the story. */
#define SPIKE_RATIO 20.0
/* An allocation burst: the site allocates at least this fast and at least
 * this share of everything allocated in the window. */
#define SPIKE_RATE (10.0 * MIB)
#define SPIKE_SHARE 0.5
/* Objects at least this large are "large buffers". */
#define LARGE_OBJECT (32 * 1024)
/* Objects count as one size when the largest is within this factor of
 * their mean (the mean of a sampled profile is exact for one size). */
#define ONE_SIZE_SLACK 1.05
/* Allocated per byte gained past which one-size objects were replaced as
 * they grew (a map's tables: ~2), not kept as allocated (buffers: ~1). */
#define TABLES_REPLACED 1.4
/* No Swiss table is larger than 1024 slots of at most 256 bytes (larger
 * keys and values are stored behind pointers) and their control bytes. */
#define SWISS_TABLE_MAX (264 * 1024)

typedef struct series {
    double *t;      /* seconds since the first snapshot */
    double *inuse;
    double *alloc;
    double *objects;
    int64_t first_max_object, last_max_object;
    int64_t prev_max_object; /* at the snapshot before the last */
} series;

static double seconds_between(const gmx_hsnapshot *a, const gmx_hsnapshot *b, size_t ia, size_t ib)
{
    int64_t ta = gmx_hsnapshot_get_info(a)->time_ns, tb = gmx_hsnapshot_get_info(b)->time_ns;
    /* Without times the snapshots count as evenly spaced minutes. */
    if (!ta || !tb)
        return 60.0 * ((double)ib - (double)ia);
    return (double)(tb - ta) / 1e9;
}

static void fill_series(const gmx_hsnapshot *const *snaps, size_t n, const gmx_hsite *site,
                        series *s)
{
    s->first_max_object = s->last_max_object = s->prev_max_object = 0;
    for (size_t i = 0; i < n; i++) {
        const gmx_hsite *o = gmx_hsnapshot_find(snaps[i], site);
        s->t[i] = seconds_between(snaps[0], snaps[i], 0, i);
        s->inuse[i] = o ? (double)o->inuse_bytes : 0;
        s->alloc[i] = o ? (double)o->alloc_bytes : 0;
        s->objects[i] = o ? (double)o->inuse_objects : 0;
        int64_t m = o ? o->max_object_bytes : 0;
        if (!m && o && o->inuse_objects > 0)
            m = o->inuse_bytes / o->inuse_objects;
        /* The first snapshot that recorded the site: a few large objects
         * (a map's tables early on) can go unsampled at the start. */
        if (!s->first_max_object)
            s->first_max_object = m;
        if (i + 2 == n)
            s->prev_max_object = m;
        s->last_max_object = m;
    }
}

static bool in_time_package(const gmx_hsite *site)
{
    static const char *const timers[] = { "time.NewTimer", "time.NewTicker", "time.AfterFunc",
                                          "time.After", "time.Tick", "time.newTimer" };
    for (uint32_t i = 0; i < site->nframes; i++)
        for (size_t k = 0; k < sizeof(timers) / sizeof(timers[0]); k++)
            if (gmx_str_eq_cstr(site->frames[i].func, timers[k]))
                return true;
    return false;
}

/* The standard library grew one buffer for the site's code: the frames
 * between the allocation and the first user frame are a bytes.Buffer's or a
 * strings.Builder's growth (runtime frames are hidden from heap profiles,
 * so a user's own append or map shows no such frame). */
static bool buffer_growth(const gmx_hsite *site, const gmx_goroot *root)
{
    static const char *const growers[] = { "bytes.(*Buffer).grow", "bytes.growSlice", "bytes.makeSlice",
                                           "strings.(*Builder).grow", "strings.(*Builder).WriteString",
                                           "strings.(*Builder).Write", "strings.(*Builder).WriteByte",
                                           "strings.(*Builder).WriteRune" };
    for (uint32_t i = 0; i < site->nframes && gmx_frame_is_std(root, &site->frames[i]); i++)
        for (size_t k = 0; k < sizeof(growers) / sizeof(growers[0]); k++)
            if (gmx_str_eq_cstr(site->frames[i].func, growers[k]))
                return true;
    return false;
}

static bool power_of_two(int64_t v)
{
    return v > 0 && (v & (v - 1)) == 0;
}

/* What a growing site's objects say about it. A map that grows re-allocates
 * its bucket array at twice the size (Go <= 1.23), or adds tables of a
 * fixed size that is a multiple of its slot size (Swiss tables, 1.24+);
 * buffers kept alive by small slices are many objects of the buffer's own
 * size, which programs choose as powers of two, or of the sizes of what
 * was read into them (bodies), which no map's tables have. Heuristics: the finding's
 * evidence carries the sizes they were drawn from. */
static gmx_category classify(const gmx_hsite *site, const series *s, size_t n,
                             const gmx_goroot *root)
{
    if (in_time_package(site))
        return GMX_CAT_TIMER_LEAK;
    /* Buffers that keep growing (a spool, a log kept in memory, an outbox
     * per client): the standard library grew them as a bytes.Buffer or a
     * strings.Builder the user's code writes into, so each is held whole by
     * its Buffer, not a map's table nor a buffer pinned by a small slice,
     * whether the site is one buffer or many. */
    if (buffer_growth(site, root))
        return GMX_CAT_HEAP_GROWTH;
    if (s->first_max_object > 0 && s->last_max_object >= 2 * s->first_max_object &&
        s->last_max_object >= LARGE_OBJECT)
        return GMX_CAT_MAP_GROWTH;
    double objects = s->objects[n - 1];
    double mean = objects > 0 ? s->inuse[n - 1] / objects : 0;
    if (mean >= LARGE_OBJECT && s->objects[n - 1] > s->objects[0]) {
        /* A map's tables are all of one size; large objects of several
         * sizes (request bodies, documents) are buffers kept alive. */
        bool one_size = (double)s->last_max_object <= mean * ONE_SIZE_SLACK;
        if (!one_size)
            return GMX_CAT_SLICE_RETENTION;
        /* A power of two is a buffer's size, or a Swiss table's rounded up
         * to its size class (32 KiB, 64 KiB). A map grows by replacing tables (the
         * old one freed as it splits or doubles), so it allocates about
         * twice what it gains; buffers kept alive are kept as allocated. */
        double allocated = s->alloc[n - 1] - s->alloc[0], rise = s->inuse[n - 1] - s->inuse[0];
        bool replaced = rise > 0 && allocated >= TABLES_REPLACED * rise &&
                        s->last_max_object <= SWISS_TABLE_MAX;
        return power_of_two(s->last_max_object) && !replaced ? GMX_CAT_SLICE_RETENTION
                                                             : GMX_CAT_MAP_GROWTH;
    }
    return GMX_CAT_HEAP_GROWTH;
}

static const char *what(gmx_category c, bool zh)
{
    switch (c) {
    case GMX_CAT_TIMER_LEAK: return zh ? "从未停止的 timer 或 ticker" : "timers or tickers that are never stopped";
    case GMX_CAT_ALLOC_SPIKE: return zh ? "分配突增" : "a burst of allocation";
    case GMX_CAT_MAP_GROWTH: return zh ? "持续增长的 map 或缓存" : "a map or cache that keeps growing";
    case GMX_CAT_SLICE_RETENTION: return zh ? "被引用而无法回收的大缓冲区" : "large buffers kept alive";
    default: return zh ? "持续增长的在用内存" : "in-use memory that keeps growing";
    }
}

static const char *levelled(bool zh)
{
    return zh ? "增长后已持平的内存" : "memory that grew, then levelled off";
}

static const char *busy(bool zh)
{
    return zh ? "繁忙位置上正在处理的内存" : "work in flight at a busy site";
}

static void describe(gmx_findings *out, gmx_finding *fd, const series *s, size_t n,
                     const gmx_trend *tr, double share, double total_growth)
{
    double span = s->t[n - 1] - s->t[0];
    double allocated = s->alloc[n - 1] - s->alloc[0];
    gmx_finding_add_number(fd, "inuse_bytes_first", s->inuse[0]);
    gmx_finding_add_number(fd, "inuse_bytes_last", s->inuse[n - 1]);
    gmx_finding_add_number(fd, "growth_bytes", s->inuse[n - 1] - s->inuse[0]);
    gmx_finding_add_number(fd, "growth_bytes_per_hour", tr->slope * 3600.0);
    gmx_finding_add_number(fd, "share_of_growth", share);
    gmx_finding_add_number(fd, "growth_of_growing_sites_bytes", total_growth);
    gmx_finding_add_number(fd, "allocated_bytes", allocated);
    if (span > 0)
        gmx_finding_add_number(fd, "alloc_bytes_per_second", allocated / span);
    gmx_finding_add_number(fd, "inuse_objects_last", s->objects[n - 1]);
    if (s->last_max_object)
        gmx_finding_add_number(fd, "largest_object_bytes", (double)s->last_max_object);
    gmx_finding_add_number(fd, "snapshots", (double)n);
    (void)out;
}

/* Most of all allocation, fast, and far more than the site keeps: the
 * runbook's incident, whether or not in-use memory grew steadily. */
/* Huge per-request work is what the heap holds: the work in flight at the
 * last snapshot is at least SPIKE_HEAP_SHARE of the heap. A service that
 * reads and lets go of request-sized buffers as fast, its heap held by
 * other things, is busy, not spiking. */
#define SPIKE_HEAP_SHARE 0.5

static double alloc_rate(const series *s, size_t n)
{
    double span = s->t[n - 1] - s->t[0];
    return span > 0 ? (s->alloc[n - 1] - s->alloc[0]) / span : 0;
}

static bool spike(const series *s, size_t n, double total_alloc, double total_last)
{
    double allocated = s->alloc[n - 1] - s->alloc[0];
    double kept = s->inuse[n - 1] - s->inuse[0];
    return alloc_rate(s, n) >= SPIKE_RATE && total_alloc > 0 &&
           allocated / total_alloc >= SPIKE_SHARE && allocated >= SPIKE_RATIO * (kept > 0 ? kept : 1) &&
           total_last > 0 && s->inuse[n - 1] >= SPIKE_HEAP_SHARE * total_last;
}

/* A site that allocates fast and keeps less than 1/CHURN_RATIO of it: what
 * it holds at a snapshot is the work in flight (bodies being read,
 * buffers being filled), and a rise between snapshots is more of it in
 * flight, not retained. A leak keeps what it allocates: a slice that pins
 * its buffer keeps all of it, and one request in a hundred keeping its
 * buffer is a rise of 1% of what the site allocated. */
#define CHURN_RATIO 100.0

static bool churning(const series *s, size_t n)
{
    double allocated = s->alloc[n - 1] - s->alloc[0];
    double kept = s->inuse[n - 1] - s->inuse[0];
    return alloc_rate(s, n) >= SPIKE_RATE && allocated >= CHURN_RATIO * (kept > 0 ? kept : 1);
}

/* A site that grew several-fold and still holds nearly all of the heap at
 * the end, not below its peak: what it took in was never let go. Traffic
 * that stopped leaves the last snapshots flat, which a trend reads as no
 * growth; the memory is still leaked. */
#define RETAINED_FOLD 3.0
#define RETAINED_SHARE 0.8

static bool retained(const series *s, size_t n, double total_last)
{
    double peak = 0;
    for (size_t i = 0; i < n; i++)
        peak = s->inuse[i] > peak ? s->inuse[i] : peak;
    double last = s->inuse[n - 1], rise = last - s->inuse[0];
    return rise >= MIN_RISE_BYTES && last >= RETAINED_FOLD * s->inuse[0] && total_last > 0 &&
           last >= RETAINED_SHARE * total_last && last >= 0.9 * peak;
}

/* A site that has levelled off while it still allocates: a cache at its
 * capacity, or a working set, lets go of as much as it takes in. It may
 * have grown several-fold while it filled (a cold start); a leak that
 * stopped growing has stopped allocating too (traffic stopped). Over the
 * last interval the site allocated at least TURNOVER of what it holds,
 * and its in-use rose by no more than LEVEL_SHARE of what its earlier rate
 * would have added, or by no more than sampling noise (NOISE_SIGMAS of a
 * Poisson count of the profile's samples) while the process's exact heap
 * (MemStats, exact_rise) rose by less than EXACT_SHARE of that rise. A
 * sampled profile of small objects carries few samples (1 KiB objects: one
 * per 512 of them), so noise alone can make a full cache look 40% larger
 * than at the snapshot before; a leak's rise shows in MemStats too. */
#define TURNOVER 0.5
#define NOISE_SIGMAS 2.0
#define LEVEL_SHARE 0.1
#define EXACT_SHARE 0.5

/* Samples behind an in-use estimate: each object of the mean size is
 * sampled with probability 1 - e^(-size/rate). */
static double samples(double bytes, double objects, double rate)
{
    if (!(objects > 0) || !(bytes > 0) || !(rate > 0))
        return 0;
    return objects * -expm1(-(bytes / objects) / rate);
}

/* The sampling error of a site's in-use estimate: the profile records an
 * object of size z with probability p = 1 - e^(-z/rate) and scales it by
 * 1/p, so N objects read as N*z with a variance of N*z^2*(1-p)/p. Objects
 * far larger than the rate are all recorded (no error); a megabyte of
 * 32-byte objects is two samples. */
static double sampling_sigma(double bytes, double objects, double rate)
{
    if (!(objects > 0) || !(bytes > 0) || !(rate > 0))
        return 0;
    double z = bytes / objects, p = -expm1(-z / rate);
    return p > 0 ? sqrt(bytes * z * (1 - p) / p) : 0;
}

/* The normal approximation above fails for a handful of samples: read
 * as 0 then 4, the sigma of the first estimate is 0 and a rise of 4
 * samples looks like two sigmas. Exactly: if both snapshots held the same,
 * each of the K = k0 + k1 samples fell in the later one with probability
 * 1/2, and k1 or more of them do so with probability
 * sum_{j >= k1} C(K, j) / 2^K. A split at least as lopsided that chance
 * makes more often than NOISE_TAIL (the one-sided tail of NOISE_SIGMAS)
 * is noise. Only small K: larger ones are left to the approximation. */
#define NOISE_TAIL 0.0228
#define POISSON_SHARE 0.1
#define FEW_SAMPLES 40

static bool few_samples_could_split_so(double first, double last)
{
    long k0 = lround(first), k1 = lround(last), k = k0 + k1;
    /* No more samples at the end: the rise is in larger objects, which
     * the approximation judged (a table that doubled is one sample). */
    if (k1 <= k0 || k > FEW_SAMPLES)
        return false;
    double term = ldexp(1.0, (int)-k), tail = 0; /* C(K, K) / 2^K */
    for (long j = k; j >= k1; j--) {
        tail += term;
        term = term * (double)j / (double)(k - j + 1); /* C(K, j-1) from C(K, j) */
    }
    return tail > NOISE_TAIL;
}

/* A rise from the first snapshot to the last that sampling alone could
 * make (NOISE_SIGMAS of the difference of the two estimates): a site of
 * small objects read as 0 then 2 samples has not grown by a megabyte. */
static bool within_sampling_noise(const series *s, size_t n, double rate)
{
    double a = sampling_sigma(s->inuse[0], s->objects[0], rate);
    double b = sampling_sigma(s->inuse[n - 1], s->objects[n - 1], rate);
    if (s->inuse[n - 1] - s->inuse[0] <= NOISE_SIGMAS * sqrt(a * a + b * b))
        return true;
    /* Counting samples as chance events holds for objects far smaller than
     * the rate (a few of many recorded); larger ones are nearly all recorded. */
    if (!(s->objects[n - 1] > 0) || s->inuse[n - 1] / s->objects[n - 1] >= POISSON_SHARE * rate)
        return false;
    return few_samples_could_split_so(samples(s->inuse[0], s->objects[0], rate),
                                      samples(s->inuse[n - 1], s->objects[n - 1], rate));
}

/* Objects larger than the sampling rate are nearly all recorded, so the
 * largest is seen. The largest no larger than at the snapshot before while
 * the site allocated more (levelled_off asks for the turnover), and the
 * rise slowed to under SLOWED_SHARE of its earlier pace: tables or buffers
 * rebuilt up to the same size (a map per time window, refilled), whose
 * in-use varies with how full the newest is. One table or buffer that
 * leaks grows past its largest; many kept go on at their pace. */
#define SLOWED_SHARE 0.5

static bool same_objects_rebuilt(const series *s, size_t b, double rate)
{
    return s->objects[b] > 0 && rate > 0 && s->inuse[b] / s->objects[b] >= rate &&
           s->prev_max_object > 0 && s->last_max_object <= s->prev_max_object;
}

/* A leak keeps the same share of what its site allocates, however the
 * traffic goes (each request leaks its part); a cache or a ring filling
 * to its bound keeps ever less of it, as what it takes in replaces what
 * it holds. The share kept over the last interval under KEPT_DROP of the
 * share kept before it: the site's allocation counts, which every heap
 * profile carries, tell what the exact heap would, when no MemStats came
 * with the profiles. */
#define KEPT_DROP (1.0 / 3)

static bool keeps_ever_less(const series *s, size_t a, size_t b)
{
    double alloc_before = s->alloc[a] - s->alloc[0], alloc_last = s->alloc[b] - s->alloc[a];
    if (!(alloc_before > 0) || !(alloc_last > 0))
        return false;
    double kept_before = (s->inuse[a] - s->inuse[0]) / alloc_before;
    double kept_last = (s->inuse[b] - s->inuse[a]) / alloc_last;
    return kept_before > 0 && kept_last <= KEPT_DROP * kept_before;
}

/* What every site of one series is judged against. */
typedef struct whole {
    gmx_goroot root;
    double total_growth, total_alloc, total_last;
    const gmx_memstats *const *stats; /* the process's MemStats per snapshot, or NULL */
    double rate;         /* the last profile's sampling rate */
    const double *all_alloc; /* all the process allocated, per snapshot */
} whole;

/* How much the process's exact heap rose between snapshots a and b, by the
 * measure that rose least: HeapInuse, read when the profile was fetched,
 * also counts what was allocated since the last GC, garbage or not; the
 * heap live at that GC, which the profile is as of, set the GC's next goal
 * (NextGC = live x (1 + GOGC/100): half of it at the default GOGC of 100,
 * and a larger GOGC only overstates a rise). A leak raises both. False
 * when neither is known at both snapshots. */
static bool exact_rise(const gmx_memstats *const *stats, size_t a, size_t b, double *rise)
{
    const gmx_memstats *x = stats ? stats[a] : NULL, *y = stats ? stats[b] : NULL;
    if (!x || !y || !x->present || !y->present)
        return false;
    bool known = false;
    *rise = INFINITY;
    if (x->heap_inuse && y->heap_inuse) {
        *rise = (double)y->heap_inuse - (double)x->heap_inuse;
        known = true;
    }
    if (x->next_gc && y->next_gc && x->num_gc && y->num_gc) {
        double at_gc = ((double)y->next_gc - (double)x->next_gc) / 2;
        *rise = at_gc < *rise ? at_gc : *rise;
        known = true;
    }
    return known;
}

/* A leak allocates its share of every request, so its share of all that
 * the process allocates holds whatever the traffic; a site that allocates
 * only for what it sees first (a limiter per tenant, an entry per key of a
 * bounded set) allocates ever less of it as ever less is new. Its share
 * over the last interval under KEPT_DROP of its share before, while the
 * process still allocates: the rise slows because what is new runs out,
 * not the traffic (a leak whose traffic stopped stops the process's
 * allocation with it). None at all counts: a thousand new 896-byte
 * limiters are one or two samples, which can both be missed. */
static bool allocates_ever_less_of_all(const series *s, size_t a, size_t b, const double *all)
{
    double all_before = all[a] - all[0], all_last = all[b] - all[a];
    double before = s->alloc[a] - s->alloc[0], last = s->alloc[b] - s->alloc[a];
    if (!(all_before > 0) || !(all_last > 0) || !(before > 0) || last < 0)
        return false;
    return last / all_last <= KEPT_DROP * (before / all_before);
}

static bool levelled_off(const series *s, size_t n, const whole *w, bool *runs_out)
{
    const gmx_memstats *const *stats = w->stats;
    double rate = w->rate;
    if (n < 3)
        return false;
    size_t a = n - 2, b = n - 1;
    double dt = s->t[b] - s->t[a], before = s->t[a] - s->t[0];
    if (!(dt > 0) || !(before > 0))
        return false;
    double rise = s->inuse[b] - s->inuse[a];
    double expected = (s->inuse[a] - s->inuse[0]) / before * dt;
    *runs_out = allocates_ever_less_of_all(s, a, b, w->all_alloc) && rise <= SLOWED_SHARE * expected;
    if (*runs_out)
        return true;
    if (s->alloc[b] - s->alloc[a] < TURNOVER * s->inuse[b])
        return false;
    if (rise <= LEVEL_SHARE * expected)
        return true;
    if (same_objects_rebuilt(s, b, rate) && rise <= SLOWED_SHARE * expected)
        return true;
    if (keeps_ever_less(s, a, b) && rise <= SLOWED_SHARE * expected)
        return true;
    /* A largest object past the one before, of at least the rate (nearly
     * all recorded): a table or buffer that got larger, which no sampling
     * noise makes. */
    if (s->last_max_object > s->prev_max_object && (double)s->last_max_object >= rate)
        return false;
    /* A rise within the samples' noise that the exact heap does not bear out. */
    double exact;
    if (!exact_rise(stats, a, b, &exact) || exact >= EXACT_SHARE * rise)
        return false;
    /* ... and that went on rising at no less than EXACT_SHARE of its own
     * earlier pace: the process kept growing, whatever the few samples say. */
    double exact_before;
    if (exact_rise(stats, 0, a, &exact_before) && exact_before > 0 &&
        exact >= EXACT_SHARE * exact_before / before * dt)
        return false;
    double ka = samples(s->inuse[a], s->objects[a], rate);
    double kb = samples(s->inuse[b], s->objects[b], rate);
    return ka + kb > 0 && rise <= NOISE_SIGMAS * sqrt(ka + kb) * (s->inuse[a] + s->inuse[b]) / (ka + kb);
}

/* The site's stack for the reader: the frames of their own code first,
 * where the fix is, then the standard library's that did the allocating. */
static void attach_stack(gmx_findings *out, gmx_finding *fd, const gmx_hsite *site,
                         const gmx_goroot *root)
{
    gmx_frame *stack = gmx_findings_alloc_frames(out, site->nframes);
    if (!stack)
        return;
    uint32_t k = 0;
    for (int user = 1; user >= 0; user--) {
        for (uint32_t i = 0; i < site->nframes; i++) {
            const gmx_frame *f = &site->frames[i];
            if (gmx_frame_is_std(root, f) == (user == 1))
                continue;
            stack[k++] = (gmx_frame){ gmx_findings_strdup(out, f->func),
                                      gmx_findings_strdup(out, f->file), f->line };
        }
        if (user)
            fd->nstack_user = k;
    }
    fd->stack = stack;
    fd->nstack = k;
}

static gmx_code add_site(gmx_findings *out, const gmx_hsite *site, const series *s, size_t n,
                         const whole *w)
{
    const gmx_goroot *root = &w->root;
    double total_growth = w->total_growth, total_alloc = w->total_alloc, total_last = w->total_last;
    double rise = s->inuse[n - 1] - s->inuse[0];
    bool burst = spike(s, n, total_alloc, total_last);
    /* Growth and retention both need this rise, whatever the fit says:
     * most sites of a large profile are settled before fitting them. */
    if (!burst && (!(rise >= MIN_RISE_BYTES) || within_sampling_noise(s, n, w->rate)))
        return GMX_OK;
    gmx_trend tr;
    if (gmx_trend_fit(s->t, s->inuse, n, &tr) != GMX_OK)
        return GMX_ENOMEM;
    if (!tr.n)
        return GMX_OK;
    double share = total_growth > 0 && rise > 0 ? rise / total_growth : 0;
    bool kept = !burst && !gmx_trend_is_growth(&tr, MIN_RISE_BYTES) && retained(s, n, total_last);
    if (!burst && !kept && (!gmx_trend_is_growth(&tr, MIN_RISE_BYTES) || share < MIN_SHARE))
        return GMX_OK;
    /* Told, not warned of: what it holds is bounded. */
    bool in_flight = !burst && churning(s, n);
    bool runs_out = false; /* levelled off as what is new runs out */
    bool bounded = !burst && (in_flight || levelled_off(s, n, w, &runs_out));
    kept = kept && !bounded;
    gmx_category cat = burst ? GMX_CAT_ALLOC_SPIKE : classify(site, s, n, root);
    gmx_finding *fd = gmx_findings_add(out);
    if (!fd)
        return GMX_ENOMEM;
    gmx_frame f;
    bool mechanism;
    fd->has_site = gmx_frames_site(site->frames, site->nframes, NULL, root, &f, &mechanism);
    if (fd->has_site) {
        fd->site = (gmx_site){ f.func, f.file, f.line };
        fd->site_is_mechanism = mechanism;
    }
    attach_stack(out, fd, site, root);
    fd->category = cat;
    fd->severity = share >= 0.5 || burst ? GMX_SEV_CRITICAL : GMX_SEV_WARNING;
    fd->score = log2(2.0 + rise / 1024.0) * (0.5 + share) * (cat == GMX_CAT_ALLOC_SPIKE ? 1.5 : 1.0);
    /* Only standard-library frames (buffers of leaked connections, say):
     * usually the consequence of something else, reported but not first. */
    if (fd->has_site && mechanism) {
        fd->severity = GMX_SEV_WARNING;
        fd->score *= 0.25;
    }
    if (bounded) {
        fd->severity = GMX_SEV_INFO;
        fd->score *= 0.25;
    }
    fd->has_bytes = true;
    fd->bytes = (uint64_t)s->inuse[n - 1];
    fd->advice = gmx_category_advice(cat);
    char rate[64];
    snprintf(rate, sizeof(rate), "%.1f MiB/h", tr.slope * 3600.0 / MIB);
    double span = s->t[n - 1] - s->t[0];
    double allocated = s->alloc[n - 1] - s->alloc[0];
    int fn = fd->has_site ? (int)f.func.n : 0;
    const char *fp = fd->has_site ? f.func.p : "";
    for (int zh = 0; zh <= 1; zh++)
        *(zh ? &fd->title_zh : &fd->title) =
            burst ? gmx_findings_printf(
                        out, zh ? "%s，位于 %.*s：%.1f MiB/s，占全部分配的 %.0f%%，在用内存 %.1f → %.1f MiB"
                                : "%s in %.*s: %.1f MiB/s, %.0f%% of everything allocated, "
                                  "in use %.1f → %.1f MiB",
                        what(cat, zh), fn, fp, allocated / span / MIB, allocated / total_alloc * 100,
                        s->inuse[0] / MIB, s->inuse[n - 1] / MIB)
                  : gmx_findings_printf(
                        out, zh ? "%s，位于 %.*s：在用内存 %.1f → %.1f MiB（+%s，占所有增长位置总增长的 %.0f%%）"
                                : "%s in %.*s: in use %.1f → %.1f MiB (+%s, %.0f%% of all sites' growth)",
                        in_flight ? busy(zh) : bounded ? levelled(zh) : what(cat, zh), fn, fp,
                        s->inuse[0] / MIB,
                        s->inuse[n - 1] / MIB, rate,
                        share * 100);
    describe(out, fd, s, n, &tr, share, total_growth);
    if (in_flight) {
        double rate_mib = alloc_rate(s, n) / MIB, held = s->inuse[n - 1] / MIB;
        double of_heap = total_last > 0 ? 100 * s->inuse[n - 1] / total_last : 0;
        fd->why = gmx_findings_printf(out, "allocates %.1f MiB/s and keeps less than 1%% of it: "
                                      "the %.1f MiB it holds (%.0f%% of the heap) is work in "
                                      "flight, not retained; a busy site, not a leak",
                                      rate_mib, held, of_heap);
        fd->why_zh = gmx_findings_printf(out, "每秒分配 %.1f MiB，保留不到其中的 1%%：它占用的 "
                                         "%.1f MiB（堆的 %.0f%%）是正在处理的工作，不是滞留；"
                                         "这是繁忙的位置，不是泄漏",
                                         rate_mib, held, of_heap);
    } else if (bounded && runs_out) {
        size_t a = n - 2, b = n - 1;
        double all = w->all_alloc[b] - w->all_alloc[a], all_before = w->all_alloc[a] - w->all_alloc[0];
        double last = 100 * (s->alloc[b] - s->alloc[a]) / all;
        double earlier = 100 * (s->alloc[a] - s->alloc[0]) / all_before;
        gmx_finding_add_number(fd, "share_of_allocation_before", earlier / 100);
        gmx_finding_add_number(fd, "share_of_allocation_last_interval", last / 100);
        fd->why = gmx_findings_printf(out, "allocates ever less of what the process allocates "
                                      "(%.2f%% of it, then %.2f%% over the last %.0f s) while its "
                                      "rise slowed: it allocates for what it sees first (a key, a "
                                      "tenant) and ever less is new; a leak keeps its share",
                                      earlier, last, s->t[b] - s->t[a]);
        fd->why_zh = gmx_findings_printf(out, "它在进程全部分配中的占比越来越小（先是 %.2f%%，最后 "
                                         "%.0f 秒为 %.2f%%），增长也放慢了：它只为首次出现的东西"
                                         "（键、租户）分配，而新出现的越来越少；泄漏会保持其占比",
                                         earlier, s->t[b] - s->t[a], last);
    } else if (bounded) {
        size_t a = n - 2;
        double turned = s->alloc[n - 1] - s->alloc[a], dt = s->t[n - 1] - s->t[a];
        gmx_finding_add_number(fd, "allocated_bytes_last_interval", turned);
        fd->why = gmx_findings_printf(out, "levelled off at %.1f MiB over the last %.0f s while it "
                                      "allocated %.1f MiB more: it lets go of what it takes in "
                                      "(a cache at its capacity, a working set), not a leak",
                                      s->inuse[n - 1] / MIB, dt, turned / MIB);
        fd->why_zh = gmx_findings_printf(out, "最后 %.0f 秒在 %.1f MiB 持平，期间又分配了 %.1f MiB："
                                         "它释放的与新占用的相当（达到容量的缓存、工作集），不是泄漏",
                                         dt, s->inuse[n - 1] / MIB, turned / MIB);
    }
    if (kept) {
        double fold = s->inuse[0] > 0 ? s->inuse[n - 1] / s->inuse[0] : 0;
        gmx_finding_add_number(fd, "share_of_heap_last", s->inuse[n - 1] / total_last);
        fd->why = gmx_findings_printf(out, "grew %s%.1fx and still holds %.0f%% of the heap at the "
                                      "last snapshot, not below its peak: flat at the end (traffic "
                                      "stopped?) but never let go",
                                      fold > 0 ? "" : "from nothing, ", fold > 0 ? fold : 0,
                                      100 * s->inuse[n - 1] / total_last);
        fd->why_zh = gmx_findings_printf(out, "增长了 %.1f 倍，最后一个快照中仍占堆的 %.0f%%，没有"
                                         "低于峰值：末尾持平（流量停了？）但从未释放",
                                         fold, 100 * s->inuse[n - 1] / total_last);
    }
    return GMX_OK;
}

/* Allocated while a profile was being written: the buffer runtime/pprof
 * grows to hold every goroutine's stack, a heap profile's records. A
 * snapshot taken while another capture ran (a debug=2 dump fetched just
 * before the heap profile, an earlier fetch not yet collected) holds the
 * observer's own work, not the service's: no site to fix. */
static bool written_by_the_profiler(const gmx_hsite *site)
{
    for (uint32_t k = 0; k < site->nframes; k++) {
        gmx_str f = site->frames[k].func;
        if (gmx_str_starts(f, "net/http/pprof.") ||
            gmx_str_eq_cstr(f, "runtime/pprof.(*Profile).WriteTo") ||
            gmx_str_eq_cstr(f, "runtime/pprof.WriteHeapProfile"))
            return true;
    }
    return false;
}

/* The whole a site's growth is a share of: the summed rises of every site
 * that grew from the first snapshot to the last. The process's net growth
 * would not do: sites that shrank make it smaller than one site's rise. */
static double growth_of_growing_sites(const gmx_hsnapshot *first, const gmx_hsnapshot *last)
{
    double sum = 0;
    for (size_t i = 0; i < gmx_hsnapshot_count(last); i++) {
        const gmx_hsite *site = gmx_hsnapshot_at(last, i);
        if (written_by_the_profiler(site))
            continue;
        const gmx_hsite *before = gmx_hsnapshot_find(first, site);
        double rise = (double)site->inuse_bytes - (before ? (double)before->inuse_bytes : 0);
        if (rise > 0)
            sum += rise;
    }
    return sum;
}

gmx_code gmx_analyze_heap(const gmx_hsnapshot *const *snaps, size_t n, gmx_findings *out,
                          gmx_error *err)
{
    return gmx_analyze_heap_exact(snaps, n, NULL, out, err);
}

gmx_code gmx_analyze_heap_exact(const gmx_hsnapshot *const *snaps, size_t n,
                                const gmx_memstats *const *stats, gmx_findings *out,
                                gmx_error *err)
{
    if (n < 2)
        return GMX_OK; /* growth needs two snapshots */
    const gmx_hsnapshot *last = snaps[n - 1];
    whole w = { .root = { { 0 }, 0 } };
    for (size_t i = 0; i < gmx_hsnapshot_count(last) && !w.root.len; i++) {
        const gmx_hsite *s = gmx_hsnapshot_at(last, i);
        for (uint32_t k = 0; k < s->nframes && !gmx_goroot_learn(&w.root, &s->frames[k]); k++)
            ;
    }
    gmx_hsite t0 = gmx_hsnapshot_total(snaps[0]), t1 = gmx_hsnapshot_total(last);
    w.total_growth = growth_of_growing_sites(snaps[0], last);
    w.total_alloc = (double)t1.alloc_bytes - (double)t0.alloc_bytes;
    w.total_last = (double)t1.inuse_bytes;
    w.rate = (double)gmx_hsnapshot_get_info(last)->sample_rate;
    series s;
    double *buf = gmx_mallocarray(5 * n, sizeof(double));
    const gmx_memstats **own = stats ? NULL : gmx_calloc(n, sizeof(*own));
    if (!buf || (!stats && !own)) {
        gmx_free(buf);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory analysing heap growth");
    }
    /* The snapshots' own MemStats (debug=1 text carries them). */
    for (size_t i = 0; own && i < n; i++)
        own[i] = &gmx_hsnapshot_get_info(snaps[i])->memstats;
    w.stats = stats ? stats : own;
    s.t = buf;
    s.inuse = buf + n;
    s.alloc = buf + 2 * n;
    s.objects = buf + 3 * n;
    double *all_alloc = buf + 4 * n;
    for (size_t i = 0; i < n; i++)
        all_alloc[i] = (double)gmx_hsnapshot_total(snaps[i]).alloc_bytes;
    w.all_alloc = all_alloc;
    gmx_code rc = GMX_OK;
    for (size_t i = 0; rc == GMX_OK && i < gmx_hsnapshot_count(last); i++) {
        const gmx_hsite *site = gmx_hsnapshot_at(last, i);
        if (written_by_the_profiler(site))
            continue;
        fill_series(snaps, n, site, &s);
        rc = add_site(out, site, &s, n, &w);
    }
    gmx_free(buf);
    gmx_free(own);
    if (rc != GMX_OK || gmx_findings_failed(out))
        return gmx_error_set(err, GMX_ENOMEM, "out of memory analysing heap growth");
    return GMX_OK;
}
