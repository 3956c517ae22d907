/* A recursive read lock behind a writer (grlock.h). The algorithm: a
 * waiter is at an RLock when the frame its site calls is
 * sync.(*RWMutex).RLock; a queue is such a waiter; a holder is another such
 * waiter whose stack, from its site outwards, passes through a queue's
 * function at a line other than the queue's RLock. The largest queue of
 * that function takes the holder. */
#include "analyze/grlock.h"
#include "util/str.h"

#include <stdint.h>

static const char RLOCK[] = "sync.(*RWMutex).RLock";
static const char LOCK[] = "sync.(*RWMutex).Lock";

/* The index of b's frame at site, or UINT32_MAX. */
static uint32_t site_frame(const gmx_gbucket *b, const gmx_site *site)
{
    for (uint32_t i = 0; i < b->nframes; i++)
        if (b->frames[i].line == site->line && gmx_str_eq(b->frames[i].func, site->function))
            return i;
    return UINT32_MAX;
}

/* The waiter's site calls RLock (frames are innermost first); its site's
 * frame index, or UINT32_MAX. */
static uint32_t at_rlock(const gmx_lock_waiter *w)
{
    uint32_t i = site_frame(w->bucket, &w->site);
    if (i == UINT32_MAX || i == 0 || !gmx_str_eq_cstr(w->bucket->frames[i - 1].func, RLOCK))
        return UINT32_MAX;
    return i;
}

bool gmx_rlock_writer_waits(const gmx_gbuckets *set)
{
    for (size_t i = 0; set && i < gmx_gbuckets_count(set); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        for (uint32_t k = 0; k < b->nframes; k++)
            if (gmx_str_eq_cstr(b->frames[k].func, LOCK))
                return true;
    }
    return false;
}

/* The largest queue (a waiter at RLock) in function fn other than
 * skip, or n. */
static size_t queue_in(const gmx_lock_waiter *w, size_t n, gmx_str fn, size_t skip)
{
    size_t best = n;
    for (size_t i = 0; i < n; i++)
        if (i != skip && gmx_str_eq(w[i].site.function, fn) && at_rlock(&w[i]) != UINT32_MAX &&
            (best == n || w[i].bucket->count > w[best].bucket->count))
            best = i;
    return best;
}

size_t gmx_rlock_reentries(const gmx_lock_waiter *w, size_t n, bool writer_waits,
                           gmx_rlock_reentry *out, size_t max)
{
    size_t k = 0;
    for (size_t h = 0; writer_waits && h < n && k < max; h++) {
        uint32_t at = at_rlock(&w[h]);
        if (at == UINT32_MAX)
            continue;
        const gmx_gbucket *b = w[h].bucket;
        for (uint32_t f = at; f < b->nframes; f++) {
            size_t q = queue_in(w, n, b->frames[f].func, h);
            if (q == n || b->frames[f].line == w[q].site.line)
                continue;
            /* a queue is no holder of another's lock: it waits at its first RLock */
            if (f == at && w[q].bucket->count < b->count)
                break;
            out[k++] = (gmx_rlock_reentry){ q, h, b->frames[f].line };
            break;
        }
    }
    return k;
}
