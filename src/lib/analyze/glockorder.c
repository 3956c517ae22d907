#include "analyze/glockorder.h"
#include "analyze/gclassify.h"
#include "util/str.h"

#include <stdint.h>

/* Lock waiters looked at in one dump: the piles behind a deadlock are a
 * few stacks each, however many goroutines. */
enum { MAX_WAITERS = 256 };

typedef struct waiter {
    const gmx_gbucket *b;
    gmx_frame site;  /* the Lock call in application code */
} waiter;

/* One function's Lock calls that goroutines wait at: the first (by line)
 * and the later ones. */
typedef struct lock_calls {
    uint32_t first_line;
    uint64_t queued, cycle;         /* goroutines at the first, at the later ones */
    uint32_t queued_wait, cycle_wait;
    const waiter *queue_top, *cycle_top;  /* the largest stack at each */
} lock_calls;

static size_t lock_waiters(const gmx_gbuckets *set, const gmx_goroot *root,
                           const gmx_signatures *sigs, bool picked, waiter *w)
{
    size_t n = 0;
    for (size_t i = 0; i < gmx_gbuckets_count(set) && n < MAX_WAITERS; i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        gmx_gverdict v = gmx_gclassify(b, root, sigs, picked);
        bool mechanism;
        if (v.category != GMX_CAT_MUTEX_HELD || v.healthy ||
            !gmx_gsite(b, root, &w[n].site, &mechanism) || mechanism || !w[n].site.line)
            continue;
        w[n++].b = b;
    }
    return n;
}

static lock_calls calls_of(const waiter *w, size_t n, gmx_str fn)
{
    lock_calls c = { UINT32_MAX, 0, 0, 0, 0, NULL, NULL };
    for (size_t i = 0; i < n; i++)
        if (gmx_str_eq(w[i].site.func, fn) && w[i].site.line < c.first_line)
            c.first_line = w[i].site.line;
    for (size_t i = 0; i < n; i++) {
        if (!gmx_str_eq(w[i].site.func, fn))
            continue;
        const gmx_gbucket *b = w[i].b;
        bool first = w[i].site.line == c.first_line;
        uint64_t *count = first ? &c.queued : &c.cycle;
        uint32_t *wait = first ? &c.queued_wait : &c.cycle_wait;
        const waiter **top = first ? &c.queue_top : &c.cycle_top;
        *count += b->count;
        if (b->wait_max > *wait)
            *wait = b->wait_max;
        if (!*top || b->count > (*top)->b->count)
            *top = &w[i];
    }
    return c;
}

/* The goroutines at the later Locks have waited longest, a minute or
 * more: they were stuck first, holding what the queue waits for. */
static bool holds_first(const lock_calls *c)
{
    return c->cycle && c->queued && c->cycle_wait >= 1 && c->cycle_wait >= c->queued_wait;
}

static bool seen_before(const waiter *w, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (gmx_str_eq(w[j].site.func, w[i].site.func))
            return true;
    return false;
}

size_t gmx_lock_order(const gmx_gbuckets *set, const gmx_goroot *root, const gmx_signatures *sigs,
                      bool picked, gmx_lock_side *sides, size_t max)
{
    waiter w[MAX_WAITERS];
    size_t n = lock_waiters(set, root, sigs, picked, w);
    uint64_t cycle = 0;
    for (size_t i = 0; i < n; i++) {
        if (seen_before(w, i))
            continue;
        lock_calls c = calls_of(w, n, w[i].site.func);
        if (holds_first(&c))
            cycle += c.cycle;
    }
    /* one goroutine waiting for a lock it holds itself is no cycle (and
     * Go's Mutex is not reentrant: it would be a self-deadlock the pile
     * shows as it is) */
    if (cycle < 2)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        lock_calls c = calls_of(w, n, w[i].site.func);
        if (!holds_first(&c))
            continue;
        bool in_cycle = w[i].site.line != c.first_line;
        const waiter *other = in_cycle ? c.queue_top : c.cycle_top;
        sides[k++] = (gmx_lock_side){ w[i].b, in_cycle, other->site,
                                      in_cycle ? c.queued : c.cycle, c.cycle_wait };
    }
    return k;
}
