/* What a dump's lock waiters show, said on their findings (glockorder.h):
 * a lock-order deadlock by function and line, else by types crossed; a lock
 * re-entered by type; the goroutine running a sync.Once's function that
 * the Once's waiters queue behind. */
#include "analyze/glockname.h"
#include "analyze/frames.h"
#include "analyze/gclassify.h"
#include "util/buf.h"
#include "util/fmt.h"
#include "util/str.h"

#include <inttypes.h>

typedef struct lock_names {
    gmx_findings *out;
    const gmx_lock_waiter *waiters;
    gmx_finding *const *fds;
    size_t nwaiters;
    bool excerpt;   /* one snapshot of a few bare pasted stacks (judge.h) */
    bool whole;     /* a whole capture: it holds the goroutine that wrote it */
} lock_names;

static const char *goroutines_noun(uint64_t count)
{
    return count == 1 ? "goroutine" : "goroutines";
}

static const char LOCK_ORDER_ADVICE[] =
    "Two locks are taken in opposite orders, so goroutines holding one wait for each other's "
    "forever and everything else queues behind them. Take the locks in one fixed order "
    "everywhere (by id or address), or hold one at a time.";
static const char LOCK_ORDER_ADVICE_ZH[] =
    "两把锁以相反的顺序获取，持有其中一把的 goroutine 永远互相等待，其余的都排在它们后面。"
    "在所有地方按同一固定顺序（按 id 或地址）加锁，或一次只持有一把锁。";

/* A finding's goroutines in a lock-order deadlock: critical, both sides
 * named. */
static void name_lock_side(gmx_findings *out, gmx_finding *fd, const gmx_gbucket *b,
                           const gmx_lock_side *s)
{
    gmx_count_text n = gmx_fmt_count_text(s->other_count);
    const gmx_site *o = &s->other;
    int on = (int)o->file.n;
    if (s->in_cycle) {
        fd->why = gmx_findings_printf(
            out, "%.*s; one side of a lock-order deadlock: past the Lock at %.*s:%u, where %s more "
                 "wait, they hold its lock and wait here for one another's",
            (int)fd->why.n, fd->why.p, on, o->file.p, o->line, n.s);
        fd->why_zh = gmx_findings_printf(
            out, "%.*s；锁顺序死锁的一方：它们已过 %.*s:%u 处的 Lock（另有 %s 个在那里等待），"
                 "持有那把锁，并在此互相等待对方的锁",
            (int)fd->why_zh.n, fd->why_zh.p, on, o->file.p, o->line, n.s);
    } else {
        fd->why = gmx_findings_printf(
            out, "%.*s; a lock-order deadlock: %s goroutines past this Lock wait at %.*s:%u and "
                 "have waited longest (%u min): they hold the locks these wait for, each waiting "
                 "for another's",
            (int)fd->why.n, fd->why.p, n.s, on, o->file.p, o->line, s->cycle_wait);
        fd->why_zh = gmx_findings_printf(
            out, "%.*s；锁顺序死锁：已过此 Lock 的 %s 个 goroutine 在 %.*s:%u 等待，且等待最久"
                 "（%u min）：它们持有这些 goroutine 等待的锁，并互相等待对方的锁",
            (int)fd->why_zh.n, fd->why_zh.p, n.s, on, o->file.p, o->line, s->cycle_wait);
    }
    gmx_count_text count = gmx_fmt_count_text(b->count);
    int fn = (int)fd->site.function.n;
    const char *fp = fd->site.function.p;
    fd->title = s->in_cycle
                    ? gmx_findings_printf(out, "%s goroutines in a lock-order deadlock in %.*s, each "
                                               "holding a lock another of them waits for",
                                          count.s, fn, fp)
                    : gmx_findings_printf(out, "%s goroutines queued behind a lock-order deadlock "
                                               "in %.*s",
                                          count.s, fn, fp);
    fd->title_zh = s->in_cycle
                       ? gmx_findings_printf(out, "%s 个 goroutine 在 %.*s 中陷入锁顺序死锁，"
                                                  "各自持有另一个在等的锁",
                                             count.s, fn, fp)
                       : gmx_findings_printf(out, "%s 个 goroutine 排在 %.*s 的锁顺序死锁之后",
                                             count.s, fn, fp);
    fd->severity = GMX_SEV_CRITICAL;
    fd->advice = LOCK_ORDER_ADVICE;
    fd->advice_zh = LOCK_ORDER_ADVICE_ZH;
}

/* One side of a lock-order inversion told by types (glockorder.h): both
 * sides named, each with the call that holds the other's lock. A pasted
 * excerpt of the two, or waits of a minute, make it a deadlock; a live
 * dump's lock waits without minutes may be contention in those orders. */
static void name_lock_cross(const lock_names *c, const gmx_lock_cross *x)
{
    gmx_finding *fd = c->fds[x->waiter];
    const gmx_finding *other = c->fds[x->other];
    const gmx_lock_waiter *me = &c->waiters[x->waiter], *it = &c->waiters[x->other];
    gmx_str other_holder = x->other_holder;
    gmx_count_text n = gmx_fmt_count_text(me->bucket->count);
    int sn = (int)fd->site.function.n, on = (int)other->site.function.n;
    int hn = (int)x->holder.n, ohn = (int)other_holder.n;
    fd->title = gmx_findings_printf(
        c->out, "%s %s in a lock-order deadlock: waiting in %.*s under %.*s, while the "
                "goroutine waiting in %.*s under %.*s holds that lock",
        n.s, goroutines_noun(me->bucket->count), sn, fd->site.function.p, hn, x->holder.p, on,
        other->site.function.p, ohn, other_holder.p);
    fd->title_zh = gmx_findings_printf(
        c->out, "%s 个 goroutine 陷入锁顺序死锁：在 %.*s（其下是 %.*s）中等锁，而在 %.*s"
                "（其下是 %.*s）中等待的 goroutine 持有这把锁",
        n.s, sn, fd->site.function.p, hn, x->holder.p, on, other->site.function.p, ohn,
        other_holder.p);
    fd->why = gmx_findings_printf(
        c->out, "%.*s; %.*s, below the wait on this stack, holds its own object's lock while it "
                "calls into the type whose lock this goroutine waits for, and the goroutine in "
                "%.*s does the opposite: two locks taken in opposite orders",
        (int)fd->why.n, fd->why.p, hn, x->holder.p, on, other->site.function.p);
    fd->why_zh = gmx_findings_printf(
        c->out, "%.*s；栈上等待处之下的 %.*s 持有其对象的锁，同时调用本 goroutine 所等锁的类型，"
                "而在 %.*s 中的 goroutine 正好相反：两把锁以相反的顺序获取",
        (int)fd->why_zh.n, fd->why_zh.p, hn, x->holder.p, on, other->site.function.p);
    bool stuck = c->excerpt || (me->bucket->wait_min >= 1 && it->bucket->wait_min >= 1);
    fd->severity = stuck ? GMX_SEV_CRITICAL : GMX_SEV_WARNING;
    fd->advice = LOCK_ORDER_ADVICE;
    fd->advice_zh = LOCK_ORDER_ADVICE_ZH;
}

/* A function's name without its package path's folders: "gocql.(*Conn).Close". */
static gmx_str short_func(gmx_str func)
{
    size_t slash = gmx_str_rfind_char(func, '/');
    return slash == SIZE_MAX ? func : gmx_str_sub(func, slash + 1, func.n);
}

static const char REENTRY_ADVICE[] =
    "Go's locks are not reentrant: a method that holds the lock and calls, directly or through a "
    "callback, another method that takes it waits for itself forever. Call an unlocked variant "
    "(fooLocked) while holding the lock, or release it before the call. If no caller holds it, "
    "an earlier call left it locked: use `mu.Lock(); defer mu.Unlock()` on every path.";
static const char REENTRY_ADVICE_ZH[] =
    "Go 的锁不可重入：持有锁的方法直接或经由回调调用另一个获取同一把锁的方法，就会永远等待自己。"
    "持锁时调用不加锁的版本（fooLocked），或在调用前释放锁。若没有调用者持有它，则是之前的某次调用"
    "把它遗留在锁定状态：在每条路径上使用 `mu.Lock(); defer mu.Unlock()`。";

/* Whether a goroutine of last other than waiter w's (or its pile's) is in
 * a method of type t: one that could release a lock of t's. */
static bool type_elsewhere(const gmx_gbuckets *last, const gmx_lock_waiter *lw,
                           const gmx_finding *fd, gmx_str t)
{
    for (size_t i = 0; last && i < gmx_gbuckets_count(last); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(last, i);
        bool own = b == lw->bucket || b->frames == lw->bucket->frames;
        for (uint32_t k = 0; !own && k < fd->npile; k++)
            own = b == fd->pile[k];
        for (uint32_t k = 0; !own && k < b->nframes; k++) {
            gmx_str r;
            if (gmx_pointer_receiver(b->frames[k].func, &r) && gmx_str_eq(r, t))
                return true;
        }
    }
    return false;
}

/* The methods of type t below frame at of b (innermost first), said as
 * "f, g or h" (at most MAX_NAMED, "…" past them) into path. */
static void methods_below(gmx_buf *path, const gmx_gbucket *b, uint32_t at, gmx_str t)
{
    enum { MAX_NAMED = 4 };
    const gmx_frame *named[MAX_NAMED + 1];
    uint32_t n = 0;
    for (uint32_t k = at + 1; k < b->nframes && n <= MAX_NAMED; k++) {
        gmx_str r;
        if (gmx_pointer_receiver(b->frames[k].func, &r) && gmx_str_eq(r, t))
            named[n++] = &b->frames[k];
    }
    for (uint32_t i = 0; i < n && i < MAX_NAMED; i++) {
        gmx_str f = short_func(named[i]->func);
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        gmx_buf_printf(path, "%s%.*s", sep, (int)f.n, f.p);
    }
    if (n > MAX_NAMED)
        gmx_buf_printf(path, ", …");
}

/* A lock waited for by a method of the type whose method below holds it,
 * maybe (glockorder.h, gmx_lock_reentry): the way back in said, from the
 * holder to the wait, as the code to change is on it. When the wait's own
 * caller is of the type, every method of it below may hold it: said for
 * one goroutine only, as a lock has one holder and a pile of waiters at one
 * stack cannot all be waiting on their own (a lock left locked on an error
 * path, the lab's ledger, queues them so). For that one goroutine, in a
 * whole capture where no other goroutine is in a method of the type, none
 * can release the lock: a warning. */
static void name_lock_reentry(const lock_names *c, size_t w, const gmx_gbuckets *last)
{
    const gmx_lock_waiter *lw = &c->waiters[w];
    uint32_t at = 0, outer = gmx_lock_reentry(lw, &at);
    bool alone = lw->bucket->count == 1;
    if (!outer || (outer == at + 1 && !alone))
        return;
    const gmx_frame *fr = lw->bucket->frames;
    gmx_finding *fd = c->fds[w];
    gmx_str site = short_func(fd->site.function), type = { NULL, 0 };
    gmx_pointer_receiver(fd->site.function, &type);
    gmx_count_text n = gmx_fmt_count_text(lw->bucket->count);
    gmx_buf path;
    gmx_buf_init(&path, 4096);
    const char *text;
    if (outer == at + 1) {
        methods_below(&path, lw->bucket, at, type);
        text = path.failed || !path.data ? "" : path.data;
        fd->title = gmx_findings_printf(
            c->out, "%s %s waiting in %.*s for a lock that a caller below it on the stack may hold: "
                    "%s",
            n.s, goroutines_noun(lw->bucket->count), (int)site.n, site.p, text);
        fd->title_zh = gmx_findings_printf(
            c->out, "%s 个 goroutine 在 %.*s 中等待一把锁，栈上其下的调用者可能持有它：%s", n.s,
            (int)site.n, site.p, text);
    } else {
        /* from the holder's callee to the wait's caller; a long way shows its
         * ends, "…" between */
        enum { SHOWN = 6 };
        uint32_t between = outer - at - 1;
        for (uint32_t k = outer - 1; k > at; k--) {
            if (between > SHOWN && outer - 1 - k == SHOWN - 2) {
                gmx_buf_printf(&path, " → …");
                k = at + 2; /* the last frame before the wait comes next */
                continue;
            }
            gmx_str f = short_func(fr[k].func);
            gmx_buf_printf(&path, "%s%.*s", path.len ? " → " : "", (int)f.n, f.p);
        }
        text = path.failed || !path.data ? "" : path.data;
        gmx_str holder = short_func(fr[outer].func);
        fd->title = gmx_findings_printf(
            c->out, "%s %s waiting in %.*s for a lock that %.*s, below it on the stack, may hold: "
                    "called back in through %s",
            n.s, goroutines_noun(lw->bucket->count), (int)site.n, site.p, (int)holder.n, holder.p,
            text);
        fd->title_zh = gmx_findings_printf(
            c->out, "%s 个 goroutine 在 %.*s 中等待一把锁，栈上其下的 %.*s 可能持有它：经由 %s 回调进入",
            n.s, (int)site.n, site.p, (int)holder.n, holder.p, text);
    }
    gmx_buf_release(&path);
    fd->why = gmx_findings_printf(
        c->out, "%.*s; a method of the same type below the wait: on the same object the lock is "
                "taken again, and sync's locks are not reentrant",
        (int)fd->why.n, fd->why.p);
    fd->why_zh = gmx_findings_printf(
        c->out, "%.*s；等待处之下有同一类型的方法：若是同一对象，锁被再次获取，而 sync 的锁不可重入",
        (int)fd->why_zh.n, fd->why_zh.p);
    if (!alone || !c->whole || c->excerpt || type_elsewhere(last, lw, fd, type))
        return;
    if (fd->severity < GMX_SEV_WARNING)
        fd->severity = GMX_SEV_WARNING;
    fd->why = gmx_findings_printf(
        c->out, "%.*s; no other goroutine of this whole capture is in a method of %.*s, so none "
                "can release it: its own stack holds it, or it was left locked",
        (int)fd->why.n, fd->why.p, (int)type.n, type.p);
    fd->why_zh = gmx_findings_printf(
        c->out, "%.*s；这份完整快照中没有其他 goroutine 处于 %.*s 的方法中，没有谁能释放它："
                "要么是它自己的栈持有，要么它被遗留在锁定状态",
        (int)fd->why_zh.n, fd->why_zh.p, (int)type.n, type.p);
    fd->advice = REENTRY_ADVICE;
    fd->advice_zh = REENTRY_ADVICE_ZH;
}

static const char ONCE_ADVICE[] =
    "A sync.Once makes every caller wait until its function returns, and that function has "
    "not returned: it waits (on the network, a lock, a channel) with nothing to end the wait. "
    "Bound the function's work (a deadline on the connection, a context with a timeout), or "
    "do it outside the Once and store the result, so that one stuck call does not hold every "
    "request.";
static const char ONCE_ADVICE_ZH[] =
    "sync.Once 让每个调用者等到它的函数返回，而该函数一直没有返回：它在等待（网络、锁、channel），"
    "没有任何东西能结束这次等待。给函数的工作加上界限（连接的 deadline、带超时的 context），"
    "或在 Once 之外完成它再保存结果，免得一次卡住的调用拖住所有请求。";

/* Where b runs a sync.Once's function: the frame right above
 * sync.(*Once).doSlow's call of it (the function, not doSlow's own Lock),
 * and the frame that called Once.Do below; false when b does neither. */
static bool once_runner(const gmx_gbucket *b, const gmx_frame **fn, const gmx_frame **caller)
{
    for (uint32_t i = 1; i + 1 < b->nframes; i++) {
        if (!gmx_str_eq_cstr(b->frames[i].func, "sync.(*Once).doSlow"))
            continue;
        const gmx_frame *above = &b->frames[i - 1];
        if (gmx_str_starts(above->func, "sync."))
            return false; /* waiting in doSlow's Lock */
        uint32_t k = i + 1;
        while (k < b->nframes && gmx_str_starts(b->frames[k].func, "sync.(*Once)."))
            k++;
        if (k == b->nframes)
            return false;
        *fn = above;
        *caller = &b->frames[k];
        return true;
    }
    return false;
}

/* Goroutines waiting for a sync.Once (in doSlow's Lock) whose function runs
 * in another goroutine that has not returned from it: that goroutine's wait
 * is the cause, said with the waiters' finding (the site stays the Do). */
static void name_once_holder(const lock_names *c, size_t w, const gmx_gbuckets *last)
{
    const gmx_lock_waiter *lw = &c->waiters[w];
    bool in_once = false;
    for (uint32_t i = 0; i < lw->bucket->nframes && !in_once; i++)
        in_once = gmx_str_eq_cstr(lw->bucket->frames[i].func, "sync.(*Once).doSlow");
    if (!in_once)
        return;
    for (size_t i = 0; i < gmx_gbuckets_count(last); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(last, i);
        const gmx_frame *fn, *caller;
        if (b == lw->bucket || !once_runner(b, &fn, &caller) ||
            !gmx_str_eq(caller->func, lw->site.function))
            continue;
        gmx_finding *fd = c->fds[w];
        gmx_str st = gmx_gstatus(b);
        gmx_count_text n = gmx_fmt_count_text(lw->bucket->count);
        int sn = (int)fd->site.function.n, fnn = (int)fn->func.n;
        fd->title = gmx_findings_printf(
            c->out, "%s %s waiting for a sync.Once in %.*s whose function, %.*s, has not returned "
                    "(%" PRIu64 " in %.*s, up to %u min)",
            n.s, goroutines_noun(lw->bucket->count), sn, fd->site.function.p, fnn,
            fn->func.p, b->count, (int)st.n, st.p, b->wait_max);
        fd->title_zh = gmx_findings_printf(
            c->out, "%s 个 goroutine 在 %.*s 中等待一个 sync.Once，其函数 %.*s 尚未返回"
                    "（%" PRIu64 " 个处于 %.*s，最长 %u 分钟）",
            n.s, sn, fd->site.function.p, fnn, fn->func.p, b->count, (int)st.n, st.p, b->wait_max);
        fd->why = gmx_findings_printf(
            c->out, "%.*s; the Once's function runs in another goroutine and waits at %.*s:%u: "
                    "every caller of the Do queues behind it",
            (int)fd->why.n, fd->why.p, (int)fn->file.n, fn->file.p, fn->line);
        fd->why_zh = gmx_findings_printf(
            c->out, "%.*s；Once 的函数在另一个 goroutine 中运行，停在 %.*s:%u 等待：Do 的每个调用者"
                    "都排在它后面",
            (int)fd->why_zh.n, fd->why_zh.p, (int)fn->file.n, fn->file.p, fn->line);
        fd->advice = ONCE_ADVICE;
        fd->advice_zh = ONCE_ADVICE_ZH;
        return;
    }
}

/* Whether waiter w is a side of a deadlock already named. */
static bool named(size_t w, const gmx_lock_side *sides, size_t n, const gmx_lock_cross *crosses,
                  size_t m)
{
    for (size_t i = 0; i < n; i++)
        if (sides[i].waiter == w)
            return true;
    for (size_t i = 0; i < m; i++)
        if (crosses[i].waiter == w)
            return true;
    return false;
}

void gmx_lock_name(gmx_findings *out, const gmx_gbuckets *last, const gmx_lock_waiter *waiters,
                   gmx_finding *const *fds, size_t n_waiters, bool excerpt, bool whole)
{
    const lock_names names = { out, waiters, fds, n_waiters, excerpt, whole }, *c = &names;
    gmx_lock_side sides[16];
    size_t n = gmx_lock_order(c->waiters, c->nwaiters, sides, sizeof(sides) / sizeof(sides[0]));
    for (size_t i = 0; i < n; i++) {
        size_t w = sides[i].waiter;
        name_lock_side(c->out, c->fds[w], c->waiters[w].bucket, &sides[i]);
    }
    /* types crossed only where the function-and-line test found none */
    gmx_lock_cross crosses[16];
    size_t m = n ? 0
                 : gmx_lock_crossings(c->waiters, c->nwaiters, crosses,
                                      sizeof(crosses) / sizeof(crosses[0]));
    for (size_t i = 0; i < m; i++)
        name_lock_cross(c, &crosses[i]);
    for (size_t w = 0; w < c->nwaiters; w++) {
        if (named(w, sides, n, crosses, m))
            continue;
        name_lock_reentry(c, w, last);
        name_once_holder(c, w, last);
    }
}
