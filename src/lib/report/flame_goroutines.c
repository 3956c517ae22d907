/* The goroutine flame graph: every bucket of one snapshot, root frame first,
 * coloured by what its goroutines wait on, the buckets findings name as
 * leaks marked with the finding's rank. */
#include "report/flame_sources.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/str.h"

enum wait_kind {
    WAIT_OTHER,
    WAIT_RUNNING,
    WAIT_CHAN_RECEIVE,
    WAIT_CHAN_SEND,
    WAIT_SELECT,
    WAIT_MUTEX,
    WAIT_SYNC,
    WAIT_IO,
    WAIT_SLEEP,
    WAIT_SYSCALL,
    WAIT_KINDS
};

static const char *const wait_kind_names[WAIT_KINDS] = {
    "other", "running", "chan receive", "chan send", "select", "mutex / semacquire",
    "waitgroup / cond", "IO wait", "sleep", "syscall",
};

static bool starts(gmx_str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.n >= n && memcmp(s.p, prefix, n) == 0;
}

/* The runtime's wait reasons (runtime/runtime2.go waitReasonStrings) and the
 * sync functions Go 1.20+ prints in their place, grouped as people read them. */
static enum wait_kind wait_kind_of(gmx_str status)
{
    if (starts(status, "running") || starts(status, "runnable"))
        return WAIT_RUNNING;
    if (starts(status, "chan receive"))
        return WAIT_CHAN_RECEIVE;
    if (starts(status, "chan send"))
        return WAIT_CHAN_SEND;
    if (starts(status, "select"))
        return WAIT_SELECT;
    if (starts(status, "sync.Mutex") || starts(status, "sync.RWMutex") ||
        starts(status, "semacquire"))
        return WAIT_MUTEX;
    if (starts(status, "sync.WaitGroup") || starts(status, "sync.Cond") ||
        starts(status, "sync.(*"))
        return WAIT_SYNC;
    if (starts(status, "IO wait"))
        return WAIT_IO;
    if (starts(status, "sleep"))
        return WAIT_SLEEP;
    if (starts(status, "syscall"))
        return WAIT_SYSCALL;
    return WAIT_OTHER;
}

/* A goroutine profile (protobuf, debug=1) says no wait reason: the frames
 * where the runtime parks it do, innermost first. */
static const struct {
    const char *function;
    enum wait_kind kind;
} parking_frames[] = {
    { "runtime.chanrecv", WAIT_CHAN_RECEIVE }, { "runtime.chansend", WAIT_CHAN_SEND },
    { "runtime.selectgo", WAIT_SELECT },       { "runtime.block", WAIT_SELECT },
    { "sync.(*Mutex).Lock", WAIT_MUTEX },      { "sync.(*RWMutex).", WAIT_MUTEX },
    { "sync.runtime_SemacquireMutex", WAIT_MUTEX }, { "sync.runtime_SemacquireRWMutex", WAIT_MUTEX },
    { "sync.(*WaitGroup).Wait", WAIT_SYNC },   { "sync.(*Cond).Wait", WAIT_SYNC },
    { "internal/poll.runtime_pollWait", WAIT_IO }, { "time.Sleep", WAIT_SLEEP },
    { "syscall.Syscall", WAIT_SYSCALL },       { "syscall.RawSyscall", WAIT_SYSCALL },
    { "internal/runtime/syscall.", WAIT_SYSCALL },
};

static enum wait_kind wait_kind_of_frames(const gmx_gbucket *b)
{
    for (uint32_t i = 0; i < b->nframes && i < 8; i++)
        for (size_t k = 0; k < sizeof(parking_frames) / sizeof(parking_frames[0]); k++)
            if (starts(b->frames[i].func, parking_frames[k].function))
                return parking_frames[k].kind;
    return WAIT_OTHER;
}

/* "semacquire" is what Go before 1.20 says for a WaitGroup or a Cond too:
 * the frames tell them apart. */
static enum wait_kind wait_kind_of_bucket(const gmx_gbucket *b)
{
    enum wait_kind kind = b->nstates ? wait_kind_of(b->states[0].status) : WAIT_OTHER;
    enum wait_kind parked = wait_kind_of_frames(b);
    if (kind == WAIT_OTHER || (kind == WAIT_MUTEX && parked == WAIT_SYNC))
        return parked;
    return kind;
}

/* The buckets of set that findings name, with the best rank naming each,
 * sorted by bucket for bsearch: looking each bucket up costs log(findings),
 * not findings (--all makes a finding of every bucket). */
typedef struct named_bucket {
    const gmx_gbucket *bucket;
    uint32_t rank;
} named_bucket;

static int by_bucket(const void *a, const void *b)
{
    const named_bucket *x = a, *y = b;
    uintptr_t p = (uintptr_t)x->bucket, q = (uintptr_t)y->bucket;
    if (p != q)
        return p < q ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static named_bucket *named_buckets(const gmx_gbuckets *set, const gmx_findings *f, size_t *n)
{
    size_t nf = f ? gmx_findings_count(f) : 0, cap = nf;
    for (size_t i = 0; i < nf; i++)
        cap += gmx_findings_at(f, i)->npile;
    named_bucket *named = gmx_calloc(cap ? cap : 1, sizeof(*named));
    *n = 0;
    for (size_t i = 0; named && i < nf; i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        if (!fd->bucket || fd->healthy)
            continue;
        /* a pile's stacks, each of them, or the finding's own */
        for (uint32_t k = 0; k < (fd->npile ? fd->npile : 1); k++) {
            const gmx_gbucket *b = gmx_gbuckets_find(set, fd->npile ? fd->pile[k] : fd->bucket);
            if (b)
                named[(*n)++] = (named_bucket){ b, fd->rank };
        }
    }
    if (named)
        qsort(named, *n, sizeof(*named), by_bucket);
    return named;
}

static uint32_t leak_rank(const named_bucket *named, size_t n, const gmx_gbucket *b)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)named[mid].bucket < (uintptr_t)b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && named[lo].bucket == b ? named[lo].rank : 0;
}

gmx_flame *gmx_flame_of_goroutines(const gmx_gbuckets *set, const gmx_findings *f)
{
    gmx_flame *fl = gmx_flame_new("all goroutines", wait_kind_names, WAIT_KINDS, 0);
    if (!fl)
        return NULL;
    size_t nnamed = 0;
    named_bucket *named = named_buckets(set, f, &nnamed);
    if (!named) {
        gmx_flame_free(fl);
        return NULL;
    }
    gmx_str names[GMX_MAX_FRAMES];
    for (size_t i = 0; i < gmx_gbuckets_count(set); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        uint32_t n = b->nframes < GMX_MAX_FRAMES ? b->nframes : GMX_MAX_FRAMES;
        for (uint32_t k = 0; k < n; k++)
            names[k] = b->frames[n - 1 - k].func;
        enum wait_kind kind = wait_kind_of_bucket(b);
        uint32_t rank = leak_rank(named, nnamed, b);
        gmx_flame_add(fl, names, n, (int64_t)b->count, kind, rank ? (int64_t)b->count : 0, rank);
    }
    gmx_free(named);
    if (gmx_flame_failed(fl)) {
        gmx_flame_free(fl);
        return NULL;
    }
    return fl;
}
