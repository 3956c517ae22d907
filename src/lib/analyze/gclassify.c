#include "analyze/gclassify.h"
#include "analyze/sigmatch.h"
#include "util/str.h"

#include <stdint.h>

static bool has_func(const gmx_gbucket *b, const char *name)
{
    for (uint32_t i = 0; i < b->nframes; i++)
        if (gmx_str_eq_cstr(b->frames[i].func, name))
            return true;
    return false;
}

static bool all_std(const gmx_gbucket *b, const gmx_goroot *root)
{
    if (!b->nframes)
        return false; /* no frames tell nothing, least of all that it is healthy */
    for (uint32_t i = 0; i < b->nframes; i++)
        if (!gmx_frame_is_std(root, &b->frames[i]))
            return false;
    return true;
}

/* Wait reasons of the runtime's own idle workers. */
static bool runtime_idle(gmx_str s)
{
    static const char *const reasons[] = {
        "GC worker (idle)", "GC worker (active)", "GC sweep wait", "GC scavenge wait",
        "finalizer wait", "force gc (idle)", "timer goroutine (idle)", "trace reader (blocked)",
        "cleanup wait", "GOMAXPROCS updater (idle)", "wait for GC cycle", "GC assist wait",
        "GC assist marking", "garbage collection", "garbage collection scan", "dumping heap",
        "panicwait", "preempted", "debug call", "GC mark termination", "stopping the world",
        "flushing proc caches", "trace goroutine status", "trace proc status",
        "page trace flush", "GC weak to strong wait", "idle", "copystack",
    };
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (gmx_str_eq_cstr(s, reasons[i]))
            return true;
    return false;
}

static bool is(gmx_str s, const char *lit)
{
    return gmx_str_eq_cstr(s, lit);
}

static gmx_gverdict verdict(gmx_category c, const char *healthy)
{
    return (gmx_gverdict){ c, healthy, NULL, false, false, NULL };
}

/* A healthy pattern, named in English and in Chinese. */
static gmx_gverdict healthy(const char *en, const char *zh)
{
    return (gmx_gverdict){ GMX_CAT_NONE, en, zh, false, false, NULL };
}

static gmx_gverdict from_signature(const gmx_signature *sig)
{
    gmx_gverdict v = sig->leak ? verdict(sig->category, NULL) : healthy(sig->name, sig->name_zh);
    v.signature = sig;
    return v;
}

/* The runtime's semaphore waits of sync's locks, the frame a trimmed stack
 * keeps when it drops the Lock above it: runtime_SemacquireMutex (Mutex, and
 * RWMutex's writers before 1.20), runtime_SemacquireRWMutex and
 * runtime_SemacquireRWMutexR (1.20+); internal/sync's since 1.24. */
static const char *const mutex_waits[] = {
    "sync.runtime_SemacquireMutex",          "sync.runtime_SemacquireRWMutex",
    "sync.runtime_SemacquireRWMutexR",       "internal/sync.runtime_SemacquireMutex",
};

static bool mutex_linkname(const gmx_gbucket *b)
{
    for (size_t i = 0; i < sizeof(mutex_waits) / sizeof(mutex_waits[0]); i++)
        if (has_func(b, mutex_waits[i]))
            return true;
    return false;
}

/* The runtime's semaphore as sync links it: the generic wait a fork of sync
 * links too (sync.runtime_Semacquire), and the mutex waits above. */
static bool semaphore_wait(gmx_str func)
{
    if (gmx_str_eq_cstr(func, "sync.runtime_Semacquire"))
        return true;
    for (size_t i = 0; i < sizeof(mutex_waits) / sizeof(mutex_waits[0]); i++)
        if (gmx_str_eq_cstr(func, mutex_waits[i]))
            return true;
    return false;
}

/* A lock of a program's own built on the runtime's semaphore, as a fork of
 * package sync is (gVisor's pkg/sync links sync.runtime_Semacquire): the
 * frames right above the semaphore are Lock or RLock methods of a type named
 * ...Mutex, Go's naming of locks, outside package sync. Returns the index of
 * the first frame below those lock methods, the lock's caller; 0 for none. */
static uint32_t own_lock_end(const gmx_gbucket *b)
{
    for (uint32_t i = 0; i + 1 < b->nframes; i++) {
        if (!semaphore_wait(b->frames[i].func))
            continue;
        uint32_t k = i + 1;
        while (k < b->nframes) {
            gmx_str g = b->frames[k].func, pkg = gmx_func_package(g);
            if (gmx_str_eq_cstr(pkg, "sync") || gmx_str_eq_cstr(pkg, "internal/sync") ||
                (!gmx_str_ends(g, "Mutex).Lock") && !gmx_str_ends(g, "Mutex).RLock")))
                break;
            k++;
        }
        return k > i + 1 ? k : 0;
    }
    return 0;
}

/* Waiting for a lock: sync's, or a program's own on the runtime's semaphore. */
static bool lock_wait(const gmx_gbucket *b)
{
    return has_func(b, "sync.(*Mutex).Lock") || has_func(b, "sync.(*RWMutex).Lock") ||
           has_func(b, "sync.(*RWMutex).RLock") || has_func(b, "sync.(*Mutex).lockSlow") ||
           mutex_linkname(b) || own_lock_end(b);
}

static gmx_gverdict classify_semacquire(const gmx_gbucket *b)
{
    /* Before 1.20 (mutexes) and 1.24 (WaitGroup) every sync wait read
     * "semacquire"; the frames tell which primitive it is. */
    if (lock_wait(b))
        return verdict(GMX_CAT_MUTEX_HELD, NULL);
    if (has_func(b, "sync.(*WaitGroup).Wait"))
        return verdict(GMX_CAT_WAITGROUP_MISMATCH, NULL);
    if (has_func(b, "sync.(*Cond).Wait"))
        return verdict(GMX_CAT_COND_WAIT, NULL);
    return verdict(GMX_CAT_NONE, NULL);
}

/* Formats that do not record the wait reason (debug=1 text, protobuf
 * profiles) still show the frames the goroutine parked in. */
static gmx_str status_from_frames(const gmx_gbucket *b)
{
    static const struct {
        const char *func;
        const char *status;
    } parks[] = {
        { "runtime.chansend1", "chan send" },
        { "runtime.chansend", "chan send" },
        { "runtime.chanrecv1", "chan receive" },
        { "runtime.chanrecv2", "chan receive" },
        { "runtime.chanrecv", "chan receive" },
        { "runtime.selectgo", "select" },
        { "runtime.block", "select (no cases)" },
        { "sync.(*Mutex).Lock", "semacquire" },
        { "sync.(*RWMutex).Lock", "semacquire" },
        { "sync.(*RWMutex).RLock", "semacquire" },
        { "sync.(*WaitGroup).Wait", "semacquire" },
        { "sync.(*Cond).Wait", "sync.Cond.Wait" },
        { "internal/poll.runtime_pollWait", "IO wait" },
        /* A copy between a socket and another descriptor that the kernel
         * does (io.Copy from a TCPConn: splice; a file to a socket:
         * sendfile) shows the syscall, not the poller, while it waits on
         * the peer: network I/O all the same. */
        { "internal/poll.Splice", "IO wait" },
        { "internal/poll.SendFile", "IO wait" },
        { "time.Sleep", "sleep" },
        { "os/signal.signal_recv", "syscall" },
        /* Standard-library selects whose meaning the classifier knows. */
        { "net/http.(*persistConn).roundTrip", "select" },
        { "net/http.(*persistConn).writeLoop", "select" },
        /* readLoop on top: parked in its own select (a body unread); an
         * idle connection shows the socket read above it (IO wait). */
        { "net/http.(*persistConn).readLoop", "select" },
        { "database/sql.(*DB).connectionOpener", "select" },
        /* io.Pipe's ends hand each Write to a Read in a select on the
         * pipe's channels and its done channel (io/pipe.go): a writer whose
         * reader is gone waits there, in the caller of Write. */
        { "io.(*pipe).write", "select" },
        { "io.(*pipe).read", "select" },
    };
    for (uint32_t i = 0; i < b->nframes; i++)
        for (size_t k = 0; k < sizeof(parks) / sizeof(parks[0]); k++)
            if (gmx_str_eq_cstr(b->frames[i].func, parks[k].func))
                return gmx_str_cstr(parks[k].status);
    if (mutex_linkname(b) || own_lock_end(b))
        return gmx_str_cstr("semacquire");
    return (gmx_str){ "", 0 };
}

gmx_str gmx_gstatus(const gmx_gbucket *b)
{
    gmx_str s = b->nstates ? b->states[0].status : (gmx_str){ "", 0 };
    if (s.n && !is(s, "unknown"))
        return s;
    /* No header, or one the tolerant reader made up for a bare stack. */
    gmx_str parked = status_from_frames(b);
    return parked.n ? parked : s;
}

gmx_gverdict gmx_gclassify(const gmx_gbucket *b, const gmx_goroot *root, const gmx_signatures *sigs,
                           bool picked)
{
    gmx_str s = gmx_gstatus(b);
    if (runtime_idle(s))
        return healthy("runtime worker", "运行时的工作 goroutine");
    const gmx_signature *sig = gmx_signatures_match(sigs, b, s, picked);
    if (sig)
        return from_signature(sig);
    if (is(s, "chan send (nil chan)") || is(s, "chan receive (nil chan)"))
        return verdict(GMX_CAT_NIL_CHAN, NULL);
    if (is(s, "chan send"))
        return verdict(GMX_CAT_CHAN_SEND_BLOCKED, NULL);
    if (is(s, "chan receive")) {
        if (all_std(b, root))
            return healthy("standard library background goroutine", "标准库的后台 goroutine");
        return verdict(GMX_CAT_CHAN_RECV_BLOCKED, NULL);
    }
    if (is(s, "select"))
        return all_std(b, root) ? healthy("standard library background goroutine",
                                          "标准库的后台 goroutine")
                                : verdict(GMX_CAT_SELECT_BLOCKED, NULL);
    if (is(s, "select (no cases)")) {
        if (b->first_id == 1 && b->count == 1)
            return healthy("main goroutine parked by design", "按设计停住的 main goroutine");
        return verdict(GMX_CAT_SELECT_BLOCKED, NULL);
    }
    if (is(s, "sync.Mutex.Lock") || is(s, "sync.RWMutex.RLock") || is(s, "sync.RWMutex.Lock"))
        return verdict(GMX_CAT_MUTEX_HELD, NULL);
    if (is(s, "sync.WaitGroup.Wait"))
        return verdict(GMX_CAT_WAITGROUP_MISMATCH, NULL);
    if (is(s, "sync.Cond.Wait"))
        return verdict(GMX_CAT_COND_WAIT, NULL);
    if (is(s, "semacquire"))
        return classify_semacquire(b);
    if (is(s, "IO wait"))
        return verdict(GMX_CAT_IO_NO_TIMEOUT, NULL);
    gmx_gverdict v = verdict(GMX_CAT_NONE, NULL);
    v.active = is(s, "running") || is(s, "runnable") || is(s, "sleep") || is(s, "syscall");
    /* Parked in user code for a reason the format did not record (or the
     * paste left out: a stack without its header reads as "unknown", a
     * status the runtime never prints). */
    v.unknown_wait = (s.n == 0 || is(s, "unknown")) &&
                     (b->nframes ? !gmx_frame_is_std(root, &b->frames[0])
                                 : b->has_creator && !gmx_frame_is_std(root, &b->creator));
    return v;
}

/* A lock taken again by the goroutine that holds it: the lock's caller
 * recurs further down the same stack, having called out (to a subscriber, a
 * callback) into code that came back for the lock. sync's locks are not
 * reentrant ("this prohibits recursive read locking": a blocked Lock
 * excludes new readers, sync.RWMutex), so the wait never ends once a writer
 * queues, at once for a Mutex. The code to fix is what called back in: the
 * first frame below the inner call outside the lock owner's package (past
 * its own wrappers). The site stays when the stack shows no such return. */
static void reentered_lock(const gmx_gbucket *b, const gmx_goroot *root, gmx_frame *site)
{
    uint32_t inner = 0;
    while (inner < b->nframes && !gmx_str_eq(b->frames[inner].func, site->func))
        inner++;
    uint32_t outer = inner + 1;
    while (outer < b->nframes && !gmx_str_eq(b->frames[outer].func, site->func))
        outer++;
    if (outer >= b->nframes || !lock_wait(b))
        return;
    gmx_str owner = gmx_func_package(site->func);
    for (uint32_t k = inner + 1; k < outer; k++) {
        const gmx_frame *f = &b->frames[k];
        if (!gmx_frame_is_std(root, f) && !gmx_str_eq(gmx_func_package(f->func), owner)) {
            *site = *f;
            return;
        }
    }
}

bool gmx_gsite(const gmx_gbucket *b, const gmx_goroot *root, gmx_frame *site, bool *mechanism)
{
    /* A lock of the program's own is the mechanism, as sync's is: the code
     * to fix is the lock's caller. */
    uint32_t from = own_lock_end(b);
    if (from >= b->nframes)
        from = 0;
    if (!gmx_frames_site(b->frames + from, b->nframes - from, b->has_creator ? &b->creator : NULL, root,
                         site, mechanism))
        return false;
    if (!*mechanism)
        reentered_lock(b, root, site);
    return true;
}
