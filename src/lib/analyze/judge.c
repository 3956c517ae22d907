/* Evidence-weighted judgement of a goroutine bucket. Each rule below looks
 * at one kind of evidence, may raise the severity, and states what it saw:
 * the finding carries the numbers and one readable line, so a reader can
 * check the verdict instead of trusting it.
 *
 *   size        goroutines in the bucket and their share of all
 *   growth      across snapshots, never falling
 *   time        minutes blocked: one goroutine blocked for an hour on a
 *               channel, a select or a lock in application code is a
 *               warning; hours times many is critical. Long-lived workers
 *               started with the process (idle in a receive or select since
 *               start) are exempt.
 *   provenance  the GC proved it leaked (goroutineleak); a leak checker
 *               (goleak, leaktest, ...) listed it as outliving its test; a
 *               few stacks picked out of their capture (an issue's "this
 *               goroutine leaks": bare stacks, debug=1 records without the
 *               title, goroutines without the dump's writer) were pasted as
 *               the suspect
 *   catalogue   a published leak mechanism piling up past its threshold */
#include "analyze/judge.h"
#include "util/buf.h"
#include "util/fmt.h"
#include "util/str.h"

#include <stdint.h>
#include <stdio.h>

/* Counts past which a blocked bucket is worth a warning or is critical on
 * its own, without history. Idle worker pools and per-connection goroutines
 * of a healthy service stay well below the first. */
enum { WARN_COUNT = GMX_JUDGE_WARN_COUNT, CRIT_COUNT = GMX_JUDGE_CRIT_COUNT, GROWTH_WARN = 10 };

bool gmx_judge_blocking(gmx_category c)
{
    switch (c) {
    case GMX_CAT_CHAN_SEND_BLOCKED:
    case GMX_CAT_CHAN_RECV_BLOCKED:
    case GMX_CAT_NIL_CHAN:
    case GMX_CAT_SELECT_BLOCKED:
    case GMX_CAT_MUTEX_HELD:
    case GMX_CAT_WAITGROUP_MISMATCH:
    case GMX_CAT_COND_WAIT: return true;
    default: return false;
    }
}

bool gmx_judge_piling_up(uint64_t first, uint64_t last, bool monotonic)
{
    return monotonic && last >= first + GROWTH_WARN && last >= 2 * first;
}

static gmx_severity raise(gmx_severity a, gmx_severity b)
{
    return a > b ? a : b;
}

/* Created by main.main or a package initialiser. */
static bool created_at_start(const gmx_gbucket *b)
{
    if (!b->has_creator)
        return false;
    gmx_str f = b->creator.func;
    return gmx_str_eq_cstr(f, "main.main") || gmx_str_ends(f, ".init") ||
           gmx_str_find(f, ".init.func") != SIZE_MAX || gmx_str_find(f, ".main.func") != SIZE_MAX;
}

/* Started together: goroutine ids are handed out in creation order (in
 * batches of 16 per P), so goroutines a loop started at one moment have
 * nearly consecutive ids, while a pile that grew request by request has its
 * ids spread among those of everything started in between. Only full dumps
 * record ids; a span shorter than the count means they were not all seen.
 * Ids place a batch in time only against the others the process handed
 * out: when nearly all of them, up to the snapshot's highest, fall inside
 * the bucket's span (outside it, under a quarter of it), the process started
 * little but these, and they may as well have come a few at a time over its
 * whole life (a pool started anew at every resize). */
static bool started_together(const gmx_judge_facts *f)
{
    const gmx_gbucket *b = f->b;
    if (b->count < 4 || !b->first_id || b->last_id < b->first_id)
        return false;
    uint64_t span = b->last_id - b->first_id + 1;
    if (span < b->count || span > 2 * b->count)
        return false;
    if (f->highest_id < b->last_id)
        return true; /* not known */
    uint64_t outside = (b->first_id - 1) + (f->highest_id - b->last_id);
    return 4 * outside >= span;
}

/* A long-lived worker by design: idle in a receive, a select or a
 * sync.Cond's Wait (`for len(q.jobs) == 0 { q.ready.Wait() }`, the other way
 * a pool waits for work), and either one group started together (a pool:
 * `for i := 0; i < n; i++ { go work() }`) or started with the process with
 * all of its goroutines waiting about as long as the longest wait in the
 * snapshot (since start), with little spread. */
static bool long_lived_worker(const gmx_judge_facts *f)
{
    const gmx_gbucket *b = f->b;
    bool receiving = f->category == GMX_CAT_CHAN_RECV_BLOCKED || f->category == GMX_CAT_SELECT_BLOCKED ||
                     f->category == GMX_CAT_COND_WAIT;
    if (!receiving)
        return false;
    if (started_together(f))
        return true;
    if (!created_at_start(b))
        return false;
    uint32_t spread = b->wait_max - b->wait_min;
    uint32_t allowed = b->wait_max / 10 > 5 ? b->wait_max / 10 : 5;
    return spread <= allowed && (uint64_t)b->wait_max * 10 >= (uint64_t)f->longest_wait * 9;
}

/* Busy goroutines whose spawning calls have not returned, each waiting for
 * fewer than a surge's worth of them: scatter-gather per request (`for each
 * shard { go search() }; wg.Wait()`). Their number follows the calls in
 * flight; one call starting a surge's worth still is one. */
static bool bounded_fan_out(const gmx_judge_facts *f)
{
    return f->spawner_calls && f->b->count < f->spawner_calls * GMX_JUDGE_SURGE_ACTIVE;
}

/* Queued for a semaphore's slot by calls that wait for them in a WaitGroup
 * while their siblings hold the slots: a throttled fan-out in progress
 * (`for each link { go check() }; wg.Wait()`, check taking `sem <- x`).
 * It drains as the siblings finish; were the slots never given back, the
 * waiting calls would pile up, judged on their own bucket. Thousands
 * queued are memory all the same. */
static bool throttled_fan_out(const gmx_judge_facts *f)
{
    return f->category == GMX_CAT_CHAN_SEND_BLOCKED && f->throttled_calls && f->b->count < CRIT_COUNT;
}

/* A server's connections: waiting on network I/O, started by an accept loop
 * of the application that is still accepting (`for { c, _ := ln.Accept();
 * go serve(c) }`). One goroutine per client connected, waiting on its client
 * by design, as net/http's own idle connections do: their number is the
 * clients', judged by its growth over time; thousands are memory all the
 * same. */
static bool accepted_connections(const gmx_judge_facts *f)
{
    return f->category == GMX_CAT_IO_NO_TIMEOUT && f->accepting && f->b->count < CRIT_COUNT;
}

/* How far a pool's count wanders about its size between snapshots: 5%. */
static uint64_t wander(uint64_t count)
{
    return count / 20 > 1 ? count / 20 : 1;
}

/* Never above its first count by more than 5% over two snapshots or more:
 * the size of a pool (workers, subscribers, idle connections), not a pile-up,
 * which grows with the work done between the snapshots. */
static bool steady(const gmx_judge_facts *f)
{
    return f->nsnap >= 2 && f->first > 0 && f->peak <= f->first + wander(f->first);
}

/* Fewer at the last snapshot than at the first, by more than a pool's
 * count wanders: goroutines blocked for good never leave their stack, so
 * at least that many of those waiting at first have moved on. */
static bool draining(const gmx_judge_facts *f)
{
    return f->nsnap >= 2 && f->last + wander(f->first) < f->first;
}

/* Fell between two snapshots, over three or more, and ended within a
 * quarter of its first count: goroutines blocked for good never leave their
 * stack, so a pile-up's count never falls; this one's come and go about one
 * level (a queue being served, a pool's size moving with the load). */
static bool fluctuating(const gmx_judge_facts *f)
{
    return f->nsnap >= 3 && !f->monotonic && f->present == f->nsnap && f->first > 0 &&
           f->last * 4 <= f->first * 5;
}

uint64_t gmx_judge_highest_id(const gmx_gsnapshot *s)
{
    uint64_t id = 0;
    for (size_t k = 0; k < gmx_gbuckets_count(s->buckets); k++) {
        const gmx_gbucket *b = gmx_gbuckets_at(s->buckets, k);
        if (b->last_id > id)
            id = b->last_id;
    }
    return id;
}

gmx_judge_clock gmx_judge_clock_read(const gmx_gsnapshot *snaps, const uint64_t *work_ids,
                                     uint32_t n)
{
    if (n < 3)
        return (gmx_judge_clock){ 0, 0, 0, 0 };
    if (work_ids)
        return (gmx_judge_clock){ work_ids[0], work_ids[1], work_ids[n - 2], work_ids[n - 1] };
    return (gmx_judge_clock){ gmx_judge_highest_id(&snaps[0]), gmx_judge_highest_id(&snaps[1]),
                              gmx_judge_highest_id(&snaps[n - 2]),
                              gmx_judge_highest_id(&snaps[n - 1]) };
}

void gmx_judge_pace(const gmx_judge_clock *clock, const uint64_t *series, uint32_t n,
                    double *first, double *last)
{
    *first = *last = 0;
    uint64_t a = clock->first, b = clock->second, y = clock->before_last, z = clock->last;
    if (n < 3 || !a || b <= a || z <= y || y < b)
        return;
    *first = 1000.0 * ((double)series[1] - (double)series[0]) / (double)(b - a);
    *last = 1000.0 * ((double)series[n - 1] - (double)series[n - 2]) / (double)(z - y);
}

/* Still rising, but over the last interval at half its first interval's pace
 * or less, measured against the goroutines the process started meanwhile:
 * a population filling up (workers started per key as keys are first seen,
 * a pool warming up) levels off at the number of keys, while a pile-up grows
 * with the work done, at one pace per unit of work whatever the traffic. */
static bool levelling_off(const gmx_judge_facts *f)
{
    return f->pace_first > 0 && f->pace_last * 2 <= f->pace_first;
}

/* Its rise is goroutines moving in from other states, not new ones: at the
 * first snapshot more goroutines ran its entry function than waited here
 * (a pool's workers, busy), and by the last there were no more of them.
 * Workers going idle as a burst ends (or a pool shrinking) fill the idle
 * stack while their number holds or falls; a pile-up adds goroutines. */
static bool going_idle(const gmx_judge_facts *f)
{
    return f->entry_first > f->first && f->entry_last <= f->entry_first;
}

/* Waiting for work or input, the way pools and connections wait by design
 * (or for something the format did not record, debug=1 text): what a
 * steady count of them means is a pool's size. */
static bool idle_wait(gmx_category c)
{
    return c == GMX_CAT_CHAN_RECV_BLOCKED || c == GMX_CAT_SELECT_BLOCKED ||
           c == GMX_CAT_IO_NO_TIMEOUT || c == GMX_CAT_COND_WAIT || c == GMX_CAT_NONE;
}

typedef struct why {
    gmx_buf en, zh;
    bool taking_turns; /* judge_size said the set's entry counts */
} why;

static void sep(why *w)
{
    if (w->en.len)
        gmx_buf_puts(&w->en, "; ");
    if (w->zh.len)
        gmx_buf_puts(&w->zh, "；");
}

/* A grep's count of a dump is the lines that matched: at most that many
 * goroutines, in no known state and no known share of the dump. A pool, one
 * goroutine per connection or per controller, counts the same; by its size
 * alone it is no pile (cilium/cilium#5902: 320 runController, "legitimate").
 * Growth between two counts, or a known leak mechanism, still is. */
static gmx_severity judge_grep_count(const gmx_gbucket *b, why *w)
{
    sep(w);
    gmx_count_text n = gmx_fmt_count_text(b->count);
    gmx_buf_printf(&w->en,
                   "%s lines a grep matched in a dump: at most %s goroutines, their states and "
                   "share of the dump not shown (two counts over time would show growth)",
                   n.s, n.s);
    gmx_buf_printf(&w->zh,
                   "grep 在 dump 中匹配到 %s 行：至多 %s 个 goroutine，其状态及占比未知"
                   "（相隔一段时间的两次计数才能看出增长）",
                   n.s, n.s);
    return GMX_SEV_INFO;
}

static gmx_severity judge_size(const gmx_judge_facts *f, gmx_finding *fd, why *w)
{
    const gmx_gbucket *b = f->b;
    if (b->flags & GMX_G_GREP_COUNT)
        return judge_grep_count(b, w);
    double share = f->total ? 100.0 * (double)b->count / (double)f->total : 0;
    gmx_finding_add_number(fd, "share_percent", share);
    sep(w);
    /* A share that rounds to 0% is still some: "<1%". */
    char pct[16];
    snprintf(pct, sizeof(pct), share > 0 && share < 0.5 ? "<1%%" : "%.0f%%", share);
    gmx_buf_printf(&w->en, "%s of %s goroutine%s (%s)", gmx_fmt_count_text(b->count).s,
                   gmx_fmt_count_text(f->total).s, f->total == 1 ? "" : "s", pct);
    gmx_buf_printf(&w->zh, "全部 %s 个 goroutine 中的 %s 个（%s）", gmx_fmt_count_text(f->total).s,
                   gmx_fmt_count_text(b->count).s, pct);
    if (!f->suspect)
        return GMX_SEV_INFO;
    gmx_severity sev = GMX_SEV_INFO;
    if (b->count >= CRIT_COUNT)
        sev = GMX_SEV_CRITICAL;
    else if (b->count >= WARN_COUNT || (f->category == GMX_CAT_NIL_CHAN && b->count > 1) ||
             (b->wait_median >= 5 && b->count >= 10))
        sev = GMX_SEV_WARNING;
    if (sev == GMX_SEV_INFO)
        return sev;
    /* Busy goroutines (sleeping, running) started in one batch, or holding
     * one count over time, are a fixed set: spawning that outpaces
     * completion starts them one after another, their ids spread among
     * everything else started meanwhile. A batch of thousands still is
     * unbounded. */
    if (f->category == GMX_CAT_GOROUTINE_SURGE && sev < GMX_SEV_CRITICAL &&
        (started_together(f) || steady(f))) {
        gmx_buf_puts(&w->en, steady(f) ? ", the same count over time (a fixed set, not a surge)"
                                       : ", started together in one batch (a fixed set, not a surge)");
        gmx_buf_puts(&w->zh, steady(f) ? "，各快照中数量不变（固定的一组，不是突增）"
                                       : "，在同一批中一起启动（固定的一组，不是突增）");
        return GMX_SEV_INFO;
    }
    if (f->category == GMX_CAT_GOROUTINE_SURGE && sev < GMX_SEV_CRITICAL && bounded_fan_out(f)) {
        gmx_buf_printf(&w->en, ", started by %llu calls still waiting for them (about %llu each: a "
                               "fan-out per call, bounded by its callers, not a surge)",
                       (unsigned long long)f->spawner_calls,
                       (unsigned long long)((b->count + f->spawner_calls - 1) / f->spawner_calls));
        gmx_buf_printf(&w->zh, "，由 %llu 个仍在等待它们的调用启动（每个约 %llu 个：每次调用的扇出，"
                               "受调用方限制，不是突增）",
                       (unsigned long long)f->spawner_calls,
                       (unsigned long long)((b->count + f->spawner_calls - 1) / f->spawner_calls));
        return GMX_SEV_INFO;
    }
    /* A pool's size is no pile; thousands waiting are memory whatever
     * started them, and stay critical. */
    if (sev == GMX_SEV_CRITICAL)
        return sev;
    if (throttled_fan_out(f)) {
        gmx_buf_printf(&w->en, ", queued for a slot by %llu call%s waiting for them in "
                               "WaitGroup.Wait while others of their go statement run (a "
                               "throttled fan-out in progress, not a pile-up)",
                       (unsigned long long)f->throttled_calls, f->throttled_calls == 1 ? "" : "s");
        gmx_buf_printf(&w->zh, "，由 %llu 个在 WaitGroup.Wait 中等待它们的调用启动，正排队等待名额，"
                               "同一 go 语句的其他 goroutine 仍在运行（进行中的限流扇出，不是堆积）",
                       (unsigned long long)f->throttled_calls);
        return GMX_SEV_INFO;
    }
    if (long_lived_worker(f)) {
        gmx_buf_puts(&w->en, ", started together and waiting for work (a pool by design)");
        gmx_buf_puts(&w->zh, "，一起启动、在等待任务（按设计的 worker 池）");
        return GMX_SEV_INFO;
    }
    if (steady(f) && idle_wait(f->category)) {
        gmx_buf_printf(&w->en, ", steady at about %llu over %u snapshots (a pool's size, not a pile-up)",
                       (unsigned long long)f->first, f->nsnap);
        gmx_buf_printf(&w->zh, "，%u 个快照中稳定在约 %llu 个（池的大小，而非堆积）", f->nsnap,
                       (unsigned long long)f->first);
        return GMX_SEV_INFO;
    }
    /* Any wait: goroutines that left it were not blocked for good, be it in
     * a receive or a WaitGroup's Wait (coordinators waiting for their jobs'
     * work) or a lock's queue. */
    if (fluctuating(f) && (idle_wait(f->category) || gmx_judge_blocking(f->category))) {
        gmx_buf_printf(&w->en, ", up and down between %llu and %llu over %u snapshots, %llu at the "
                               "last (goroutines leave it: a queue being served or a pool's size, "
                               "not a pile-up, which never falls)",
                       (unsigned long long)(f->last < f->first ? f->last : f->first),
                       (unsigned long long)f->peak, f->nsnap, (unsigned long long)f->last);
        gmx_buf_printf(&w->zh, "，%u 个快照中在 %llu 到 %llu 之间起落，最后为 %llu（有 goroutine 离开："
                               "正被处理的队列或池的大小，而非从不回落的堆积）",
                       f->nsnap, (unsigned long long)(f->last < f->first ? f->last : f->first),
                       (unsigned long long)f->peak, (unsigned long long)f->last);
        return GMX_SEV_INFO;
    }
    /* Goroutines blocked for good never leave their stack: when none of
     * those an earlier snapshot had there is left (every one now started
     * after it; ids are handed out in creation order), the stack is a queue
     * being served, whatever it waits on, and a steady one is no pile-up. */
    if (steady(f) && f->renewed) {
        gmx_buf_printf(&w->en, ", steady at about %llu over %u snapshots, each one started since "
                               "the first of them: those waiting here then have all moved on (a "
                               "queue being served, not a pile-up)",
                       (unsigned long long)f->first, f->nsnap);
        gmx_buf_printf(&w->zh, "，%u 个快照中稳定在约 %llu 个，且每个都是在第一个快照之后才启动的："
                               "当时在此等待的都已离开（正被处理的队列，而非堆积）",
                       f->nsnap, (unsigned long long)f->first);
        return GMX_SEV_INFO;
    }
    /* Growing, but renewed all the same: goroutines blocked for good never
     * leave, so a pile-up keeps its first goroutines while it grows. These
     * waits end (a hold until its timer fires, a request until it is
     * served); the count follows the arrivals and how long each waits. */
    if (f->monotonic && f->renewed) {
        gmx_buf_printf(&w->en, ", each one started since the first of %u snapshots that had some: "
                               "those waiting here then have all moved on (waits that end, their "
                               "count following the arrivals; a pile-up keeps its first goroutines)",
                       f->nsnap);
        gmx_buf_printf(&w->zh, "，每个都是在 %u 个快照中第一个有它们的快照之后才启动的：当时在此等待的"
                               "都已离开（会结束的等待，数量随到达量而变；堆积会留住最早的 goroutine）",
                       f->nsnap);
        return GMX_SEV_INFO;
    }
    /* A fixed set taking turns: over time the goroutines started on its
     * entry function, busy or not, outnumbered it and did not grow, so its
     * count is theirs moving between states (clients in a loop, each waiting
     * on a call in turn), not goroutines added. */
    if (going_idle(f) && idle_wait(f->category)) {
        gmx_buf_printf(&w->en, ", of the goroutines started on its function, busy or not: %llu → %llu "
                               "over %u snapshots, none added (a fixed set taking turns, not a "
                               "pile-up)",
                       (unsigned long long)f->entry_first, (unsigned long long)f->entry_last, f->nsnap);
        gmx_buf_printf(&w->zh, "，属于从同一函数启动的 goroutine（无论忙闲）：%u 个快照中从 %llu 变为 "
                               "%llu，没有新增（轮流等待的固定一组，而非堆积）",
                       f->nsnap, (unsigned long long)f->entry_first, (unsigned long long)f->entry_last);
        w->taking_turns = true;
        return GMX_SEV_INFO;
    }
    /* Without ids to tell (a protobuf profile, debug=1 text), a stack that
     * ends well below its first count is served as it fills, whatever it
     * waits on: a backlog, not a pile-up. */
    if (draining(f)) {
        gmx_buf_printf(&w->en, ", %llu → %llu over %u snapshots: at least %llu of those waiting "
                               "at first have moved on (a backlog being served, not a pile-up)",
                       (unsigned long long)f->first, (unsigned long long)f->last, f->nsnap,
                       (unsigned long long)(f->first - f->last));
        gmx_buf_printf(&w->zh, "，%u 个快照中从 %llu 个降到 %llu 个：第一次在此等待的至少有 %llu 个"
                               "已离开（正被处理的积压，而非堆积）",
                       f->nsnap, (unsigned long long)f->first, (unsigned long long)f->last,
                       (unsigned long long)(f->first - f->last));
        return GMX_SEV_INFO;
    }
    if (accepted_connections(f)) {
        gmx_buf_puts(&w->en, ", started per connection by an accept loop still accepting: one "
                             "per client connected, waiting on its client (a server's "
                             "connections, not a pile-up; growth over time would be one)");
        gmx_buf_puts(&w->zh, "，由仍在 Accept 的循环为每个连接启动：每个已连接的客户端一个，"
                             "在等待其客户端（服务器的连接，而非堆积；随时间增长才是）");
        return GMX_SEV_INFO;
    }
    if (levelling_off(f) && idle_wait(f->category)) {
        gmx_buf_printf(&w->en, ", levelling off: %.0f more per 1,000 goroutines the process started "
                               "at first, %.0f over the last interval (a set filling up, not a "
                               "pile-up, which grows with the work done)",
                       f->pace_first, f->pace_last);
        gmx_buf_printf(&w->zh, "，增长趋于平缓：起初进程每启动 1000 个 goroutine 它多 %.0f 个，"
                               "最后一段只多 %.0f 个（逐渐填满的一组，而非随工作量增长的堆积）",
                       f->pace_first, f->pace_last);
        return GMX_SEV_INFO;
    }
    return sev;
}

/* A core's goroutines: the memory they hold, their stacks and the heap
 * only their stacks reach. Stated, not weighed: a core is one instant. */
static void state_memory(const gmx_judge_facts *f, gmx_finding *fd, why *w)
{
    const gmx_gbucket *b = f->b;
    if (!b->stack_bytes && !b->heap_bytes)
        return;
    gmx_finding_add_number(fd, "stack_bytes", (double)b->stack_bytes);
    gmx_finding_add_number(fd, "heap_bytes", (double)b->heap_bytes);
    fd->has_bytes = true;
    fd->bytes = b->stack_bytes + b->heap_bytes;
    gmx_bytes_text stack = gmx_fmt_bytes_text(b->stack_bytes), heap = gmx_fmt_bytes_text(b->heap_bytes);
    bool one = b->count == 1;
    sep(w);
    gmx_buf_printf(&w->en, "%s %s", one ? "its stack takes" : "their stacks take", stack.s);
    gmx_buf_printf(&w->zh, "%s的栈占 %s", one ? "它" : "它们", stack.s);
    if (b->heap_bytes) {
        gmx_buf_printf(&w->en, ", and %s of heap is reached through %s and from no global", heap.s,
                       one ? "it" : "them");
        gmx_buf_printf(&w->zh, "，另有 %s 的堆只经由%s（而非全局变量）可达", heap.s, one ? "它" : "它们");
    }
}

static gmx_severity judge_growth(const gmx_judge_facts *f, why *w)
{
    if (f->nsnap < 2)
        return GMX_SEV_INFO;
    uint64_t growth = f->last > f->first ? f->last - f->first : 0;
    sep(w);
    if (growth && f->monotonic) {
        gmx_buf_printf(&w->en, "grew by %llu over %u snapshots, never falling",
                       (unsigned long long)growth, f->nsnap);
        gmx_buf_printf(&w->zh, "%u 个快照中增长了 %llu 个，从未回落", f->nsnap,
                       (unsigned long long)growth);
    } else {
        gmx_buf_printf(&w->en, "%llu → %llu over %u snapshots (peak %llu)",
                       (unsigned long long)f->first, (unsigned long long)f->last, f->nsnap,
                       (unsigned long long)f->peak);
        gmx_buf_printf(&w->zh, "%u 个快照中从 %llu 到 %llu（峰值 %llu）", f->nsnap,
                       (unsigned long long)f->first, (unsigned long long)f->last,
                       (unsigned long long)f->peak);
    }
    /* A stack first seen in the last snapshot has no history: its count
     * says what it is (requests in flight at that instant, say), not growth. */
    if (!f->suspect || !f->monotonic || f->present < 2)
        return GMX_SEV_INFO;
    /* A fan-out's count follows its callers in flight: if anything piles
     * up, it is they, judged on their own bucket. */
    if (f->category == GMX_CAT_GOROUTINE_SURGE && growth < CRIT_COUNT && bounded_fan_out(f)) {
        gmx_buf_puts(&w->en, " (as its callers in flight)");
        gmx_buf_puts(&w->zh, "（随进行中的调用而变）");
        return GMX_SEV_INFO;
    }
    if (growth >= CRIT_COUNT)
        return GMX_SEV_CRITICAL;
    if (throttled_fan_out(f)) {
        gmx_buf_puts(&w->en, " (queued as its callers fan out)");
        gmx_buf_puts(&w->zh, "（随调用方的扇出排队）");
        return GMX_SEV_INFO;
    }
    /* Filling up, not piling up: said by judge_size. */
    if (levelling_off(f) && idle_wait(f->category))
        return GMX_SEV_INFO;
    if (going_idle(f) && idle_wait(f->category)) {
        if (w->taking_turns)
            return GMX_SEV_INFO;
        gmx_buf_printf(&w->en, ", while the goroutines started on its function, busy or not, went "
                               "%llu → %llu (workers going idle, not new goroutines piling up)",
                       (unsigned long long)f->entry_first, (unsigned long long)f->entry_last);
        gmx_buf_printf(&w->zh, "，而从同一函数启动的 goroutine（无论忙闲）从 %llu 变为 %llu"
                               "（worker 转为空闲，而非新 goroutine 堆积）",
                       (unsigned long long)f->entry_first, (unsigned long long)f->entry_last);
        return GMX_SEV_INFO;
    }
    /* Renewed since the first snapshot that had it: said by judge_size. */
    if (f->renewed)
        return GMX_SEV_INFO;
    return growth >= GROWTH_WARN ? GMX_SEV_WARNING : GMX_SEV_INFO;
}

/* A dump's wait, in whole minutes: Go leaves out waits under a minute. */
static void put_wait(gmx_buf *b, uint32_t minutes, bool zh)
{
    if (minutes == 0)
        gmx_buf_puts(b, zh ? "不到 1 min" : "under 1 min");
    else
        gmx_fmt_duration(b, minutes * 60.0, zh);
}

static gmx_severity judge_time(const gmx_judge_facts *f, why *w)
{
    const gmx_gbucket *b = f->b;
    if (!b->wait_max)
        return GMX_SEV_INFO;
    bool counts = f->suspect && f->app_site && gmx_judge_blocking(f->category);
    bool worker = counts && long_lived_worker(f);
    sep(w);
    gmx_buf_puts(&w->en, "blocked up to ");
    put_wait(&w->en, b->wait_max, false);
    gmx_buf_puts(&w->en, " (median ");
    put_wait(&w->en, b->wait_median, false);
    gmx_buf_printf(&w->en, ")%s", counts ? " in application code" : "");
    gmx_buf_puts(&w->zh, "最长已阻塞 ");
    put_wait(&w->zh, b->wait_max, true);
    gmx_buf_puts(&w->zh, "（中位数 ");
    put_wait(&w->zh, b->wait_median, true);
    gmx_buf_printf(&w->zh, "）%s", counts ? "，位于应用代码" : "");
    if (worker && started_together(f) && b->count < CRIT_COUNT) {
        gmx_buf_puts(&w->en, ", a pool started together (long-lived by design)");
        gmx_buf_puts(&w->zh, "，一起启动的池（按设计长期存在）");
        return GMX_SEV_INFO;
    }
    if (worker) {
        gmx_buf_puts(&w->en, ", idle since start like a worker created by ");
        gmx_buf_append(&w->en, b->creator.func.p, b->creator.func.n);
        gmx_buf_puts(&w->en, " (long-lived by design)");
        gmx_buf_puts(&w->zh, "，像启动时由 ");
        gmx_buf_append(&w->zh, b->creator.func.p, b->creator.func.n);
        gmx_buf_puts(&w->zh, " 创建的 worker 一样从启动起一直空闲（按设计长期存在）");
        return GMX_SEV_INFO;
    }
    /* A test's own goroutine blocked for half the binary's timeout or more
     * when the alarm fired: what kept the test from finishing (gtesthang.c). */
    if (counts && f->test_own && 2 * (uint64_t)b->wait_max >= f->test_timeout) {
        gmx_buf_printf(&w->en, ", in the test's own goroutine when the test binary's %u-minute timeout "
                               "fired (what kept the test from finishing)", f->test_timeout);
        gmx_buf_printf(&w->zh, "，位于测试自身的 goroutine 中，测试程序的 %u 分钟超时触发时仍在阻塞"
                               "（正是它让测试无法结束）", f->test_timeout);
        return GMX_SEV_WARNING;
    }
    if (!counts || b->wait_max < GMX_JUDGE_LONG_WAIT)
        return GMX_SEV_INFO;
    if (b->wait_median >= GMX_JUDGE_LONG_WAIT && b->count >= WARN_COUNT)
        return GMX_SEV_CRITICAL;
    return GMX_SEV_WARNING;
}

static gmx_severity judge_provenance(const gmx_judge_facts *f, gmx_finding *fd, why *w)
{
    const gmx_gbucket *b = f->b;
    gmx_severity sev = GMX_SEV_INFO;
    if (b->leaked) {
        sep(w);
        gmx_buf_printf(&w->en, "%llu proven leaked by the GC", (unsigned long long)b->leaked);
        gmx_buf_printf(&w->zh, "其中 %llu 个已被 GC 证实泄露", (unsigned long long)b->leaked);
        sev = f->suspect ? GMX_SEV_CRITICAL : GMX_SEV_INFO;
    }
    /* Picked out by hand as the suspect, unless a worker idle since start. */
    if (f->excerpt && !(b->flags & GMX_G_REPORTED) && f->suspect && f->app_site &&
        !long_lived_worker(f)) {
        sep(w);
        gmx_buf_puts(&w->en, "pasted on its own, out of its dump, as the suspect");
        gmx_buf_puts(&w->zh, "被单独从 dump 中摘出来作为嫌疑贴出");
        sev = raise(sev, GMX_SEV_WARNING);
    }
    if (b->flags & GMX_G_REPORTED) {
        gmx_finding_add_number(fd, "reported_by_leak_checker", 1);
        sep(w);
        gmx_buf_puts(&w->en, "listed by a leak checker as outliving its test");
        gmx_buf_puts(&w->zh, "泄露检查器报告它在测试结束后仍存活");
        if (f->suspect && f->app_site)
            sev = raise(sev, GMX_SEV_WARNING);
    }
    return sev;
}

static gmx_severity judge_catalogue(const gmx_judge_facts *f, why *w)
{
    const gmx_signature *sig = f->signature;
    if (!sig)
        return GMX_SEV_INFO;
    sep(w);
    gmx_buf_printf(&w->en, "%s %s", sig->leak ? "known leak mechanism:" : "recognised:",
                   sig->name);
    gmx_buf_printf(&w->zh, "%s%s", sig->leak ? "已知的泄露机制：" : "已识别：",
                   sig->name_zh);
    if (sig->leak && sig->min_reported && f->b->count < sig->min) {
        /* Below the pile-up's count only as claimed (gmx_signatures_match),
         * or grown like one (goroutines.c). */
        bool reported = f->b->flags & GMX_G_REPORTED;
        if (!reported && !f->excerpt) {
            gmx_buf_printf(&w->en, " (%llu here, below a pile-up's %llu, but it kept growing)",
                           (unsigned long long)f->b->count, (unsigned long long)sig->min);
            gmx_buf_printf(&w->zh, "（这里有 %llu 个，不到堆积的 %llu 个，但一直在增长）",
                           (unsigned long long)f->b->count, (unsigned long long)sig->min);
            return GMX_SEV_WARNING;
        }
        gmx_buf_puts(&w->en, reported ? " (a leak checker reported it outliving its test: a "
                                        "leak from the first one)"
                                      : " (pasted on its own, out of its dump, as the "
                                        "suspect)");
        gmx_buf_puts(&w->zh, reported ? "（泄露检查器报告它在测试结束后仍存活：一个即为泄露）"
                                      : "（被单独从 dump 中摘出来作为嫌疑贴出）");
        return GMX_SEV_WARNING;
    }
    if (!sig->leak || sig->min <= 1)
        return GMX_SEV_INFO;
    gmx_buf_printf(&w->en, " (%llu here, a pile-up from %llu)", (unsigned long long)f->b->count,
                   (unsigned long long)sig->min);
    gmx_buf_printf(&w->zh, "（这里有 %llu 个，%llu 个起即为堆积）", (unsigned long long)f->b->count,
                   (unsigned long long)sig->min);
    return GMX_SEV_WARNING;
}

/* Its number is all one capture says of a bucket when the capture records
 * neither goroutine ids nor minutes blocked (a profile) and nothing else
 * weighed: a pool or a queue at its size reads the same as goroutines
 * blocked for good. Say which capture tells them apart. */
static void say_what_would_tell(const gmx_judge_facts *f, why *w)
{
    if (f->nsnap > 1 || f->b->first_id || f->b->wait_max)
        return;
    sep(w);
    gmx_buf_puts(&w->en, "one capture, without ids or minutes blocked: a pool or a queue reads the "
                         "same as a pile-up; a debug=2 dump or a second capture minutes later tells");
    gmx_buf_puts(&w->zh, "仅一次采集，无 id 与阻塞时长：池或队列与堆积看起来一样；"
                         "debug=2 dump 或几分钟后的第二次采集才能区分");
}

void gmx_judge_bucket(const gmx_judge_facts *f, gmx_findings *out, gmx_finding *fd)
{
    why w = { .taking_turns = false };
    gmx_buf_init(&w.en, 1 << 14);
    gmx_buf_init(&w.zh, 1 << 14);
    gmx_severity by_size = judge_size(f, fd, &w);
    state_memory(f, fd, &w);
    gmx_severity sev = judge_growth(f, &w);
    sev = raise(sev, judge_time(f, &w));
    sev = raise(sev, judge_provenance(f, fd, &w));
    sev = raise(sev, judge_catalogue(f, &w));
    if (f->suspect && by_size == GMX_SEV_WARNING && sev == GMX_SEV_INFO)
        say_what_would_tell(f, &w);
    sev = raise(sev, by_size);
    fd->severity = f->suspect ? sev : GMX_SEV_INFO;
    if (w.en.failed || w.zh.failed)
        gmx_findings_fail(out);
    fd->why = gmx_findings_strdup(out, (gmx_str){ w.en.data, w.en.len });
    fd->why_zh = gmx_findings_strdup(out, (gmx_str){ w.zh.data, w.zh.len });
    /* Copied: the findings may outlive the catalogue. */
    if (f->signature) {
        fd->source = gmx_findings_printf(out, "%s", f->signature->source).p;
        gmx_finding_add_text(fd, "signature", gmx_findings_printf(out, "%s", f->signature->name));
    }
    gmx_buf_release(&w.en);
    gmx_buf_release(&w.zh);
}
