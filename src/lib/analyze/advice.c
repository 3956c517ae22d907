/* The advice catalogue: what the runbook says to do about each cause. */
#include "gomemdx/findings.h"

static const char *const advice_en[GMX_CAT_COUNT] = {
    [GMX_CAT_NONE] = NULL,
    [GMX_CAT_CHAN_SEND_BLOCKED] =
        "The send has no receiver left (the caller gave up, e.g. on a timeout) or the buffer "
        "is full. Give the channel a buffer of one so the sender can always finish, or make "
        "the send a select that also waits on ctx.Done().",
    [GMX_CAT_CHAN_RECV_BLOCKED] =
        "Nobody will send on this channel again, or it is never closed. Close the channel "
        "when the producer is done (a `for range` loop then ends), and make the receive a "
        "select on ctx.Done() so it can give up.",
    [GMX_CAT_NIL_CHAN] =
        "A send or receive on a nil channel blocks forever. Initialise the channel with make "
        "before the goroutine that uses it starts.",
    [GMX_CAT_SELECT_BLOCKED] =
        "No case of this select can ever become ready. Add a case on ctx.Done() (or a done "
        "channel that is closed on shutdown) so the goroutine can return.",
    [GMX_CAT_MUTEX_HELD] =
        "Goroutines pile up waiting for a lock that is not released, typically on an error "
        "path that returns before Unlock. Use `mu.Lock(); defer mu.Unlock()` and keep the "
        "critical section short.",
    [GMX_CAT_WAITGROUP_MISMATCH] =
        "Wait never returns because Add and Done do not match. Call Add before starting each "
        "goroutine and `defer wg.Done()` as the goroutine's first statement, on every path.",
    [GMX_CAT_COND_WAIT] =
        "Waiters on this sync.Cond are never signalled. Make every state change that can "
        "satisfy the condition call Signal or Broadcast, or replace the Cond with a channel "
        "and a context.",
    [GMX_CAT_IO_NO_TIMEOUT] =
        "Network I/O without a deadline waits forever when the peer never answers. Set a "
        "timeout (http.Client{Timeout: ...}, net.Dialer timeouts, conn.SetDeadline) or pass "
        "a context with a deadline to the request.",
    [GMX_CAT_GOROUTINE_SURGE] =
        "Goroutines are created faster than they finish. Bound the concurrency with a worker "
        "pool or a semaphore (a buffered channel) instead of one goroutine per item.",
    [GMX_CAT_DEADLOCK] =
        "Every goroutine is blocked. Look at the goroutines holding the locks or channels the "
        "others wait for; enforce one lock order and avoid sends with no receiver.",
    [GMX_CAT_HEAP_GROWTH] =
        "In-use memory allocated here keeps growing. Find what keeps these objects reachable "
        "(a global, a cache, a long-lived slice or map) and bound or release it.",
    [GMX_CAT_MAP_GROWTH] =
        "This map keeps growing or is rebuilt large on every request. Bound it (an LRU or TTL "
        "cache), delete entries when done, or build it once and share it.",
    [GMX_CAT_SLICE_RETENTION] =
        "A small slice of a large backing array keeps the whole array alive. Copy the bytes "
        "you keep (append([]byte(nil), b[:n]...) or bytes.Clone) and let the buffer go.",
    [GMX_CAT_TIMER_LEAK] =
        "Timers or tickers are created and never stopped. `defer t.Stop()` every "
        "time.NewTicker/NewTimer, and do not use time.After inside a long-running loop.",
    [GMX_CAT_GOROUTINE_STACKS] =
        "The stacks of many goroutines hold this memory. Fix the goroutine leak or bound the "
        "number of goroutines.",
    [GMX_CAT_ALLOC_SPIKE] =
        "Each request does a large amount of allocation (e.g. building a huge map from "
        "uploaded data). Build it once and cache it, or bound the work per request.",
    [GMX_CAT_ESCAPE] =
        "This value escapes to the heap on a hot path. Pass small values instead of pointers, "
        "preallocate slices, and avoid interface boxing where it is hot.",
};

const char *gmx_category_advice(gmx_category c)
{
    return (unsigned)c < GMX_CAT_COUNT ? advice_en[c] : NULL;
}
