/* A recursive read lock behind a writer (grlock.h). The algorithm: a
 * waiter is at an RLock when the frame its site calls is
 * sync.(*RWMutex).RLock; a queue is such a waiter; a holder is another such
 * waiter whose stack, from its site outwards, passes through a queue's
 * function at a line other than the queue's RLock. The largest queue of
 * that function takes the holder. */
#include "analyze/grlock.h"
#include "util/fmt.h"
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

static const char RLOCK_ADVICE[] =
    "A goroutine holding a read lock takes it again (a helper that RLocks, called under the "
    "lock): once a Lock waits in between, the second RLock waits for the writer and the writer "
    "for it, and every reader after them queues for good. Take the read lock once: call an "
    "unlocked variant of the helper from code that holds it.";
static const char RLOCK_ADVICE_ZH[] =
    "持有读锁的 goroutine 再次获取读锁（在锁内调用会 RLock 的辅助函数）：一旦中间有 Lock 在等待，"
    "第二次 RLock 等待写者，写者又等待它，之后的所有读者永远排队。只获取一次读锁：在持锁的代码中"
    "调用辅助函数的无锁版本。";

size_t gmx_rlock_name(gmx_findings *out, const gmx_gbuckets *last, const gmx_lock_waiter *waiters,
                      gmx_finding *const *waiter_finding, size_t nwaiters,
                      const gmx_finding **folded, size_t max)
{
    gmx_rlock_reentry r[16];
    size_t nfolded = 0;
    bool writer = gmx_rlock_writer_waits(last);
    size_t n = gmx_rlock_reentries(waiters, nwaiters, writer, r, sizeof(r) / sizeof(r[0]));
    for (size_t i = 0; i < n; i++) {
        bool first = true;
        for (size_t j = 0; j < i; j++)
            first = first && r[j].queue != r[i].queue;
        if (!first)
            continue;
        gmx_finding *q = waiter_finding[r[i].queue];
        const gmx_site *again = &waiters[r[i].holder].site;
        uint64_t held = 0;
        for (size_t j = i; j < n; j++) {
            if (r[j].queue != r[i].queue)
                continue;
            gmx_finding *h = waiter_finding[r[j].holder];
            held += waiters[r[j].holder].bucket->count;
            if (q->series && h->series && q->nseries == h->nseries) {
                uint64_t *sum = gmx_findings_alloc_series(out, q->nseries);
                for (uint32_t k = 0; sum && k < q->nseries; k++)
                    sum[k] = q->series[k] + h->series[k];
                if (sum)
                    q->series = sum;
            }
            if (nfolded < max)
                folded[nfolded++] = h;
        }
        q->goroutines += held;
        q->has_goroutines = true;
        gmx_finding_add_number(q, "lock_holders", (double)held);
        gmx_count_text all = gmx_fmt_count_text(q->goroutines), hn = gmx_fmt_count_text(held);
        int fn = (int)q->site.function.n, an = (int)again->function.n;
        const char *fp = q->site.function.p, *ap = again->function.p;
        q->title = gmx_findings_printf(out, "%s goroutines deadlocked on a read lock in %.*s: %s "
                                            "of them hold it and wait for it again in %.*s, "
                                            "behind a writer",
                                       all.s, fn, fp, hn.s, an, ap);
        q->title_zh = gmx_findings_printf(out, "%s 个 goroutine 在 %.*s 的读锁上死锁：其中 %s 个"
                                               "持有读锁，又在 %.*s 中再次等待它，排在写者之后",
                                          all.s, fn, fp, hn.s, an, ap);
        q->why = gmx_findings_printf(
            out, "%.*s; %s more are past this RLock, at %.*s:%u: they hold the read lock and "
                 "wait in RLock again at %.*s:%u, behind a goroutine waiting in "
                 "sync.(*RWMutex).Lock, which waits for them: sync.RWMutex prohibits recursive "
                 "read-locking",
            (int)q->why.n, q->why.p, hn.s, fn, fp, r[i].held_at, (int)again->file.n,
            again->file.p, again->line);
        q->why_zh = gmx_findings_printf(
            out, "%.*s；另有 %s 个已过此 RLock（在 %.*s:%u）的 goroutine 持有读锁，又在 %.*s:%u 再次"
                 "等待 RLock，排在等待 sync.(*RWMutex).Lock 的写者之后，而写者在等它们："
                 "sync.RWMutex 不允许递归读锁",
            (int)q->why_zh.n, q->why_zh.p, hn.s, fn, fp, r[i].held_at, (int)again->file.n,
            again->file.p, again->line);
        q->severity = GMX_SEV_CRITICAL;
        q->advice = RLOCK_ADVICE;
        q->advice_zh = RLOCK_ADVICE_ZH;
        q->source = "https://pkg.go.dev/sync#RWMutex";
    }
    return nfolded;
}
