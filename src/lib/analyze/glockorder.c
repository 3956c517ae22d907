#include "analyze/glockorder.h"
#include "analyze/frames.h"
#include "util/str.h"

#include <stdint.h>

/* One function's Lock calls that goroutines wait at: the first (by line)
 * and the later ones. */
typedef struct lock_calls {
    uint32_t first_line;
    uint64_t queued, cycle;         /* goroutines at the first, at the later ones */
    uint32_t queued_wait, cycle_wait;
    const gmx_lock_waiter *queue_top, *cycle_top;  /* the largest stack at each */
} lock_calls;

static lock_calls calls_of(const gmx_lock_waiter *w, size_t n, gmx_str fn)
{
    lock_calls c = { UINT32_MAX, 0, 0, 0, 0, NULL, NULL };
    for (size_t i = 0; i < n; i++)
        if (gmx_str_eq(w[i].site.function, fn) && w[i].site.line < c.first_line)
            c.first_line = w[i].site.line;
    for (size_t i = 0; i < n; i++) {
        if (!gmx_str_eq(w[i].site.function, fn))
            continue;
        const gmx_gbucket *b = w[i].bucket;
        bool first = w[i].site.line == c.first_line;
        uint64_t *count = first ? &c.queued : &c.cycle;
        uint32_t *wait = first ? &c.queued_wait : &c.cycle_wait;
        const gmx_lock_waiter **top = first ? &c.queue_top : &c.cycle_top;
        *count += b->count;
        if (b->wait_max > *wait)
            *wait = b->wait_max;
        if (!*top || b->count > (*top)->bucket->count)
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

static bool seen_before(const gmx_lock_waiter *w, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (gmx_str_eq(w[j].site.function, w[i].site.function))
            return true;
    return false;
}

size_t gmx_lock_order(const gmx_lock_waiter *w, size_t n, gmx_lock_side *sides, size_t max)
{
    uint64_t cycle = 0;
    for (size_t i = 0; i < n; i++) {
        if (seen_before(w, i))
            continue;
        lock_calls c = calls_of(w, n, w[i].site.function);
        if (holds_first(&c))
            cycle += c.cycle;
    }
    /* one goroutine waiting at a second Lock of the lock it holds is no
     * cycle: Go's Mutex is not reentrant, and the pile shows it as it is */
    if (cycle < 2)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        lock_calls c = calls_of(w, n, w[i].site.function);
        if (!holds_first(&c))
            continue;
        bool in_cycle = w[i].site.line != c.first_line;
        const gmx_lock_waiter *other = in_cycle ? c.queue_top : c.cycle_top;
        sides[k++] = (gmx_lock_side){ i, in_cycle, other->site,
                                      in_cycle ? c.queued : c.cycle, c.cycle_wait };
    }
    return k;
}

/* The type of a pointer receiver, "pkg.(*T)" of "pkg.(*T).m.func1"; empty
 * for a function or a value receiver. */
static gmx_str receiver_type(gmx_str func)
{
    gmx_str t = gmx_str_sub(func, 0, 0);
    gmx_pointer_receiver(func, &t);
    return t;
}

/* Where waiter w's site (the call that waits for the lock) is in its stack. */
static uint32_t site_index(const gmx_lock_waiter *w)
{
    const gmx_gbucket *b = w->bucket;
    uint32_t i = 0;
    while (i < b->nframes && !gmx_str_eq(b->frames[i].func, w->site.function))
        i++;
    return i;
}

/* The index of the frame below waiter w's site whose receiver has type t,
 * or 0. */
static uint32_t below_at(const gmx_lock_waiter *w, gmx_str t)
{
    const gmx_gbucket *b = w->bucket;
    for (uint32_t i = site_index(w) + 1; i < b->nframes; i++)
        if (gmx_str_eq(receiver_type(b->frames[i].func), t))
            return i;
    return 0;
}

static const gmx_frame *below_of_type(const gmx_lock_waiter *w, gmx_str t)
{
    uint32_t i = below_at(w, t);
    return i ? &w->bucket->frames[i] : NULL;
}

uint32_t gmx_lock_reentry(const gmx_lock_waiter *w, uint32_t *site_at)
{
    const gmx_gbucket *b = w->bucket;
    uint32_t at = site_index(w);
    gmx_str t = receiver_type(w->site.function);
    /* the site waits in sync's Lock itself (not a caller a rule moved it to) */
    if (!t.n || at == 0 || at >= b->nframes ||
        !(gmx_str_starts(b->frames[at - 1].func, "sync.") ||
          gmx_str_starts(b->frames[at - 1].func, "internal/sync.")))
        return 0;
    *site_at = at;
    return below_at(w, t);
}

size_t gmx_lock_crossings(const gmx_lock_waiter *w, size_t n, gmx_lock_cross *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        gmx_str ti = receiver_type(w[i].site.function);
        if (!ti.n)
            continue;
        for (size_t j = 0; j < n && k < max; j++) {
            gmx_str tj = receiver_type(w[j].site.function);
            if (j == i || !tj.n || gmx_str_eq(ti, tj))
                continue;
            const gmx_frame *hi = below_of_type(&w[i], tj), *hj = below_of_type(&w[j], ti);
            if (hi && hj) {
                out[k++] = (gmx_lock_cross){ i, j, hi->func, hj->func };
                break;
            }
        }
    }
    return k;
}
