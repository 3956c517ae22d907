/* Goroutine analysis: classify every bucket of the latest snapshot, weigh
 * it (count, concentration, wait time, category, growth across snapshots)
 * and turn it into a finding; then report surges that drained. */
#include "gomemdx/analyze.h"
#include "analyze/gclassify.h"
#include "analyze/gconns.h"
#include "analyze/gfinding_words.h"
#include "analyze/gmerge.h"
#include "analyze/gpile.h"
#include "analyze/glockname.h"
#include "analyze/glockorder.h"
#include "analyze/grlock.h"
#include "analyze/gretry.h"
#include "analyze/gspawner.h"
#include "analyze/gsummary.h"
#include "analyze/gtesthang.h"
#include "analyze/gwaitees.h"
#include "analyze/judge.h"
#include "analyze/sigmatch.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fmt.h"
#include "util/str.h"

#include <math.h>
#include <stdint.h>

/* Active goroutines from one stack past which spawning outpaces completion,
 * and the peak from which a bucket that drained was a surge. */
enum { SURGE_ACTIVE = GMX_JUDGE_SURGE_ACTIVE, SURGE_MIN = 100 };

static double category_weight(gmx_category c)
{
    switch (c) {
    case GMX_CAT_NIL_CHAN: return 1.3;
    case GMX_CAT_DEADLOCK: return 1.5;
    case GMX_CAT_MUTEX_HELD:
    case GMX_CAT_WAITGROUP_MISMATCH:
    case GMX_CAT_COND_WAIT:
    case GMX_CAT_CHAN_SEND_BLOCKED:
    case GMX_CAT_CHAN_RECV_BLOCKED:
    case GMX_CAT_IO_NO_TIMEOUT: return 1.0;
    case GMX_CAT_SELECT_BLOCKED: return 0.9;
    case GMX_CAT_GOROUTINE_SURGE: return 0.6;
    default: return 0.2;
    }
}

typedef struct trend {
    uint64_t first, peak, last;
    bool monotonic;   /* never fell from one snapshot to the next */
    uint32_t present; /* snapshots holding some */
} trend;

static trend trend_of(const uint64_t *series, uint32_t n)
{
    trend t = { series[0], series[0], series[n - 1], true, series[0] > 0 };
    for (uint32_t i = 1; i < n; i++) {
        t.present += series[i] > 0;
        if (series[i] > t.peak)
            t.peak = series[i];
        if (series[i] < series[i - 1])
            t.monotonic = false;
    }
    return t;
}

/* Parked in user code for an unrecorded reason: nearly as telling as a
 * known blocking cause. */
#define UNKNOWN_WAIT_WEIGHT 0.8

static double score_of(const gmx_gbucket *b, double weight, uint64_t total, const trend *t,
                       uint32_t nsnap)
{
    double s = weight * log2(2.0 + (double)b->count);
    s *= 1.0 + (double)b->count / (double)(total ? total : 1);
    s *= 1.0 + log2(1.0 + b->wait_median) / 4.0;
    if (nsnap > 1 && t->last > t->first)
        s *= 1.0 + log2(1.0 + (double)(t->last - t->first)) / 4.0;
    if (b->leaked)
        s *= 4.0;
    return s;
}

static gmx_site to_site(const gmx_frame *f)
{
    return (gmx_site){ f->func, f->file, f->line };
}

/* A stack of the standard library only, that the catalogue knows: its site
 * is the frame the entry names (net/http.(*persistConn).readLoop, the
 * Transport's connection reader), not the first frame outside the runtime,
 * which is where it waits (net.(*netFD).Read). An application's creator
 * stays the site: its code is the fix. */
static void named_by_catalogue(const gmx_gbucket *b, const gmx_goroot *root, const gmx_signature *sig,
                               gmx_frame *site)
{
    if (!sig || (b->has_creator && !gmx_frame_is_std(root, &b->creator)))
        return;
    int64_t at = gmx_signatures_frame(sig, b);
    if (at >= 0)
        *site = b->frames[at];
}

/* A new finding about bucket b: its site, creator, count and history; sig is
 * the catalogue's entry for b, or NULL. */
static gmx_finding *bucket_finding(gmx_findings *out, const gmx_gbucket *b, const gmx_goroot *root,
                                   const gmx_signature *sig, uint64_t *series, uint32_t n,
                                   gmx_frame *site)
{
    gmx_finding *fd = gmx_findings_add(out);
    if (!fd)
        return NULL;
    bool mechanism = false;
    fd->has_site = gmx_gsite(b, root, site, &mechanism);
    if (fd->has_site && mechanism)
        named_by_catalogue(b, root, sig, site);
    if (fd->has_site) {
        fd->site = to_site(site);
        fd->site_is_mechanism = mechanism;
    }
    if (b->has_creator) {
        fd->has_created_by = true;
        fd->created_by = to_site(&b->creator);
    }
    fd->has_goroutines = true;
    fd->goroutines = b->count;
    fd->bucket = b;
    fd->series = series;
    fd->nseries = n;
    return fd;
}

/* A bucket that was large and has shrunk to at most half of its peak: a
 * surge that drained, not a leak. */
static bool drained(const trend *t)
{
    return t->peak >= SURGE_MIN && t->last * 2 <= t->peak;
}

/* What every bucket of one analysis is judged against. */
/* Lock waiters kept for the lock-order test: the stacks behind a deadlock
 * are a few, however many goroutines. */
enum { MAX_LOCK_WAITERS = 256 };

typedef struct actx {
    gmx_findings *out;
    const gmx_gsnapshot *snaps;
    size_t n;
    gmx_goroot root;
    const gmx_signatures *sigs;
    bool include_healthy;
    uint64_t total;         /* goroutines in the last snapshot (its title's, when cut short) */
    uint32_t longest_wait;  /* the longest wait in it, minutes */
    uint64_t last_id;       /* its highest goroutine id (0 when it records none) */
    size_t omitted;         /* buckets looked at and left out */
    size_t info;            /* info-level findings kept */
    bool excerpt;           /* one snapshot of a few bare pasted stacks (judge.h) */
    uint32_t test_timeout;  /* minutes, when a test binary's alarm wrote it (gtesthang.h) */
    gmx_gindex **index;     /* per snapshot when n > 1: a stack followed across kinds */
    const uint64_t *work_ids; /* highest ids borrowed from dumps of the same moments */
    gmx_judge_clock clock;  /* the snapshots' goroutine ids, a clock of the work done */
    uint64_t *highest_id;   /* per snapshot when n > 1: its highest goroutine id, the
                             * borrowed one (work_ids) for a series without ids; 0 unknown */
    gmx_gspawner_index *spawners; /* the last snapshot's stacks by function and go
                                   * statement, built at the first surge or queue judged */
    /* The last snapshot's lock waiters, with their findings: a lock-order
     * deadlock among them is named once all are judged (glockorder.h). */
    gmx_lock_waiter waiters[MAX_LOCK_WAITERS];
    gmx_finding *waiter_finding[MAX_LOCK_WAITERS];
    size_t nwaiters;
    /* Its WaitGroup waiters: ranked below what they wait for (gwaitees.h). */
    gmx_finding *wg_waiters[MAX_LOCK_WAITERS];
    size_t nwg_waiters;
    /* Its surges: a retry loop's asleep take those in an attempt (gretry.h). */
    gmx_finding *surges[MAX_LOCK_WAITERS];
    size_t nsurges;
    /* Findings folded into another's (a recursive read lock's holders, grlock.h;
     * a retry loop's attempts, gretry.h). */
    const gmx_finding *folded[MAX_LOCK_WAITERS];
    size_t nfolded;
    /* The last snapshot's piles cut over several stacks (gpile.h), and the
     * one whose merged bucket is being judged. */
    gmx_gpiles *piles;
    const gmx_gpile *pile;
} actx;

/* The bucket of snapshot k with b's stack, whatever kind of dump each is. */
static const gmx_gbucket *in_snapshot(const actx *c, size_t k, const gmx_gbucket *b)
{
    return c->index ? gmx_gindex_find(c->index[k], b) : gmx_gbuckets_find(c->snaps[k].buckets, b);
}

/* At most this many stacks, all without their headers (or debug=1
 * records without their profile's title), and one snapshot: an excerpt
 * someone pasted, not a dump. */
#define EXCERPT_MAX 5

/* The goroutine that wrote a whole capture is always in it: the one
 * running (runtime.Stack, a crash) or serving /debug/pprof, or, from a
 * signal, the main goroutine (goroutine 1, in main.main). A capture
 * without it was cut by hand; so was one whose goroutine 1 stops short of
 * main.main (a FUSE server's request handled on the main goroutine, pasted
 * down to the frames that matter). */
static bool holds_its_writer(const gmx_gbuckets *set)
{
    for (size_t k = 0; k < gmx_gbuckets_count(set); k++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, k);
        for (uint32_t j = 0; j < b->nstates; j++)
            if (gmx_str_starts(b->states[j].status, "running") ||
                gmx_str_starts(b->states[j].status, "runnable"))
                return true;
        for (uint32_t j = 0; j < b->nframes; j++)
            if (gmx_str_starts(b->frames[j].func, "runtime/pprof.") ||
                gmx_str_eq_cstr(b->frames[j].func, "main.main"))
                return true;
    }
    return false;
}

static bool excerpt(const gmx_gsnapshot *s, size_t n)
{
    const gmx_dump_info *i = &s->info;
    bool dump_text = i->kind == GMX_DUMP_PLAIN || i->kind == GMX_DUMP_LEAK_CHECK;
    if (n != 1)
        return false;
    /* debug=1 records pasted without the profile's title line, or a few
     * under a title whose total they fall short of ("total 27", then one
     * record of 7): what was chosen is the records, whatever count each
     * carries ("114 @ ..." is one stack picked, not 114 things pasted). */
    if (i->kind == GMX_DUMP_PROFILE_TEXT &&
        ((i->read.repairs & GMX_REPAIR_NO_TITLE) || i->partial))
        return gmx_gbuckets_count(s->buckets) <= EXCERPT_MAX && !holds_its_writer(s->buckets);
    if (!dump_text)
        return false;
    /* Stacks without their headers: a few stacks, each perhaps with a
     * count written by hand beside it ("10 *"). */
    if (i->read.repairs & GMX_REPAIR_NO_HEADER)
        return gmx_gbuckets_count(s->buckets) <= EXCERPT_MAX && !holds_its_writer(s->buckets);
    /* A few whole goroutines without the dump's writer: picked out of one. */
    return i->kind == GMX_DUMP_PLAIN && gmx_gbuckets_total(s->buckets) <= EXCERPT_MAX &&
           !holds_its_writer(s->buckets);
}

/* The function a bucket's finding names: its site, or "" (n 0). */
static gmx_str site_name(const actx *c, const gmx_gbucket *b)
{
    gmx_frame f;
    bool mechanism = false;
    return gmx_gsite(b, &c->root, &f, &mechanism) ? f.func : (gmx_str){ "", 0 };
}

/* A drained bucket's title and why: a surge, or, when its goroutines wait
 * on network I/O (reading) or in step with connections read elsewhere
 * (conns), the load coming and going. */
static void say_drained(const actx *c, gmx_finding *fd, const gmx_gbucket *b, const trend *t,
                        bool reading, const gmx_gbucket *conns)
{
    gmx_findings *out = c->out;
    gmx_str fn = site_name(c, b);
    const char *in = fn.n ? " in " : "", *in_zh = fn.n ? "，位于 " : "";
    unsigned long long peak = t->peak, last = t->last;
    unsigned n = (unsigned)c->n;
    gmx_str reason, reason_zh;
    if (reading || conns) {
        fd->title = gmx_findings_printf(out, "%llu goroutines at the peak, %llu now, came and went with "
                                             "network connections%s%.*s (one per connection, following "
                                             "the load)",
                                        peak, last, in, (int)fn.n, fn.p);
        fd->title_zh = gmx_findings_printf(out, "峰值 %llu 个、现有 %llu 个 goroutine 随网络连接增减%s%.*s"
                                                "（每个连接一个，随负载变化）",
                                           peak, last, in_zh, (int)fn.n, fn.p);
    } else {
        fd->title = gmx_findings_printf(out, "surge of %llu goroutines drained to %llu%s%.*s (not a "
                                             "leak, but unbounded concurrency)",
                                        peak, last, in, (int)fn.n, fn.p);
        fd->title_zh = gmx_findings_printf(out, "%llu 个 goroutine 的突增已回落到 %llu%s%.*s（不是泄露，"
                                                "但并发没有上限）",
                                           peak, last, in_zh, (int)fn.n, fn.p);
    }
    if (reading) {
        reason = GMX_STR_LIT(", each waiting on network I/O: one per connection, as many as the "
                             "peers connected (not a surge)");
        reason_zh = GMX_STR_LIT("，每个都在等网络 I/O：每个连接一个，数量即已连接的对端数（不是突增）");
    } else if (conns) {
        gmx_str cn = site_name(c, conns);
        unsigned long long now = conns->count;
        reason = gmx_findings_printf(out, ", waiting for input, in step with the connections read in "
                                          "%.*s (%llu now): one beside each connection, following "
                                          "the load (not a surge)",
                                     (int)cn.n, cn.p, now);
        reason_zh = gmx_findings_printf(out, "，在等输入，与 %.*s 中读取的连接（现有 %llu 个）同步增减："
                                             "每个连接旁一个，随负载变化（不是突增）",
                                        (int)cn.n, cn.p, now);
    } else {
        reason = GMX_STR_LIT(": goroutines started without a bound, each holding its stack and what "
                             "it references until it ends");
        reason_zh = GMX_STR_LIT("：goroutine 的创建没有上限，每个在结束前都占着自己的栈和引用的内存");
    }
    fd->why = gmx_findings_printf(out, "rose to %llu and fell to %llu over %u snapshots%.*s", peak,
                                  last, n, (int)reason.n, reason.p);
    fd->why_zh = gmx_findings_printf(out, "%u 个快照中升到 %llu 又回落到 %llu%.*s", n, peak, last,
                                     (int)reason_zh.n, reason_zh.p);
}

/* The stacks fd's pile spans, when its bucket merges several. */
static void note_pile(const actx *c, gmx_finding *fd)
{
    if (!c->pile)
        return;
    fd->pile = c->pile->members;
    fd->npile = c->pile->nmembers;
    gmx_finding_add_number(fd, "stacks", c->pile->nmembers);
    fd->why = gmx_findings_printf(c->out, "%.*s; one pile over %u stacks that reach the same wait "
                                          "by other paths through the standard library (the "
                                          "largest shown)",
                                  (int)fd->why.n, fd->why.p, c->pile->nmembers);
    fd->why_zh = gmx_findings_printf(c->out, "%.*s；同一堆 goroutine 分布在 %u 个栈上，经由标准库中"
                                             "不同的路径到达同一等待处（显示最大的那个）",
                                     (int)fd->why_zh.n, fd->why_zh.p, c->pile->nmembers);
}

/* b's count in snapshot k: of its stack, or of every stack of the pile it
 * merges. */
static uint64_t count_then(const actx *c, size_t k, const gmx_gbucket *b)
{
    uint64_t n = 0;
    if (c->pile && b == &c->pile->merged) {
        for (uint32_t m = 0; m < c->pile->nmembers; m++) {
            const gmx_gbucket *o = in_snapshot(c, k, c->pile->members[m]);
            n += o ? o->count : 0;
        }
        return n;
    }
    const gmx_gbucket *o = in_snapshot(c, k, b);
    return o ? o->count : 0;
}

static uint64_t count_in(const void *ctx, size_t k, const gmx_gbucket *r)
{
    const gmx_gbucket *o = in_snapshot((const actx *)ctx, k, r);
    return o ? o->count : 0;
}

/* A surge that drained is not a leak, but one unbounded go statement
 * spawning hundreds of goroutines at once is how memory spikes: a warning.
 * Goroutines of network connections (a socket's readers, or what waits for
 * input beside them in step with them) rise and fall with the peers
 * connected: the load, told (info) unless thousands at once. */
static gmx_code add_drained(actx *c, const gmx_gbucket *b, uint64_t *series, const trend *t)
{
    gmx_findings *out = c->out;
    uint32_t n = (uint32_t)c->n;
    gmx_frame site;
    gmx_finding *fd = bucket_finding(out, b, &c->root, NULL, series, n, &site);
    if (!fd)
        return GMX_ENOMEM;
    bool bounded = t->peak < GMX_JUDGE_CRIT_COUNT;
    bool reading = bounded && gmx_gconns_reading(b);
    const gmx_gbucket *conns = NULL;
    if (bounded && !reading)
        conns = gmx_gconns_followed(c->snaps[n - 1].buckets, b, &c->root, series, n, count_in,
                                    c);
    fd->category = GMX_CAT_GOROUTINE_SURGE;
    fd->severity = fd->has_site && !fd->site_is_mechanism && !reading && !conns ? GMX_SEV_WARNING
                                                                               : GMX_SEV_INFO;
    fd->score = category_weight(GMX_CAT_GOROUTINE_SURGE) * log2(2.0 + (double)t->peak) / 4;
    fd->goroutines = t->last;
    fd->advice = gmx_category_advice(GMX_CAT_GOROUTINE_SURGE);
    say_drained(c, fd, b, t, reading, conns);
    note_pile(c, fd);
    gmx_finding_add_number(fd, "goroutines_peak", (double)t->peak);
    gmx_finding_add_number(fd, "goroutines_last", (double)t->last);
    return GMX_OK;
}

/* Findings kept at info level (unless everything is asked for): a dump
 * with hundreds of thousands of distinct one-goroutine stacks must not
 * become as many findings. */
#define MAX_INFO_FINDINGS 1000

/* Strings of the catalogue copied into the findings, which may outlive it. */
static const char *keep(gmx_findings *out, const char *s)
{
    return s ? gmx_findings_printf(out, "%s", s).p : NULL;
}

static bool not_folded(void *ctx, const gmx_finding *fd)
{
    const actx *c = ctx;
    for (size_t i = 0; i < c->nfolded; i++)
        if (c->folded[i] == fd)
            return false;
    return true;
}

/* Every goroutine of b started after the first earlier snapshot that had
 * some of its stack (b's lowest id above that snapshot's highest). */
static bool renewed(const actx *c, const gmx_gbucket *b, const uint64_t *series)
{
    if (!c->highest_id || !b->first_id || b->first_id == UINT64_MAX)
        return false;
    for (size_t k = 0; k + 1 < c->n; k++)
        if (series[k])
            return c->highest_id[k] && b->first_id > c->highest_id[k];
    return false;
}

static gmx_code add_bucket(actx *c, const gmx_gbucket *b)
{
    gmx_findings *out = c->out;
    size_t n = c->n;
    gmx_gverdict v = gmx_gclassify(b, &c->root, c->sigs, c->excerpt);
    uint64_t *series = gmx_findings_alloc_series(out, (uint32_t)n);
    if (!series)
        return GMX_ENOMEM;
    for (size_t i = 0; i + 1 < n; i++)
        series[i] = count_then(c, i, b);
    series[n - 1] = b->count;
    trend t = trend_of(series, (uint32_t)n);
    if (n > 1 && drained(&t) && !v.healthy)
        return add_drained(c, b, series, &t);
    /* What the catalogue calls a pool below a pile-up's count (idle
     * connections) and kept growing over the snapshots is judged the way
     * its pile-up would be: growth is the evidence a count lacks. */
    if (v.healthy && v.signature && !c->excerpt && gmx_judge_piling_up(t.first, t.last, t.monotonic)) {
        gmx_gverdict grown = gmx_gclassify(b, &c->root, c->sigs, true);
        if (!grown.healthy && grown.signature)
            v = grown;
    }

    gmx_category cat = v.category;
    /* Active goroutines (running, sleeping, in syscalls) in large numbers
     * from one creator: spawning outpaces completion. */
    if (cat == GMX_CAT_NONE && !v.healthy && v.active && b->count >= SURGE_ACTIVE)
        cat = GMX_CAT_GOROUTINE_SURGE;
    gmx_frame site;
    bool mechanism = false;
    bool has_site = gmx_gsite(b, &c->root, &site, &mechanism);
    /* A leak checker's report is evidence of its own: what it lists in
     * application code outlived its test, whatever it waits on; so does a
     * goroutine the application started on a standard-library function
     * (`go srv.Serve(l)`, a sync.Once inside it): its creator is the fix. */
    bool app_creator = b->has_creator && !gmx_frame_is_std(&c->root, &b->creator);
    bool reported = (b->flags & GMX_G_REPORTED) && has_site && (!mechanism || app_creator);
    bool suspect = !v.healthy && (cat != GMX_CAT_NONE || v.unknown_wait || reported);
    bool app_site = has_site && (!mechanism || reported);
    gmx_judge_facts facts = { b, cat, suspect, app_site, c->total, c->longest_wait,
                              (uint32_t)n, t.first, t.peak, t.last, t.monotonic, t.present,
                              v.signature, c->excerpt, 0, 0, 0, 0, 0, renewed(c, b, series), 0, 0,
                              0, false, 0 };
    gmx_judge_pace(&c->clock, series, (uint32_t)n, &facts.pace_first, &facts.pace_last);
    facts.test_timeout = c->test_timeout;
    facts.test_own = c->test_timeout && gmx_gtest_own_wait(b);
    facts.highest_id = c->last_id;
    /* Counted only where growth or the count alone would flag it: a pass
     * over each end's stacks. */
    if (suspect && n > 1 &&
        ((t.monotonic && gmx_judge_piling_up(0, t.last - t.first, true)) ||
         b->count >= GMX_JUDGE_WARN_COUNT)) {
        facts.entry_first = gmx_gspawner_same_entry(c->snaps[0].buckets, b);
        facts.entry_last = gmx_gspawner_same_entry(c->snaps[n - 1].buckets, b);
    }
    gmx_str spawner;
    bool throttle = cat == GMX_CAT_CHAN_SEND_BLOCKED;
    /* An application's accept loop (net/http's connections the catalogue knows),
     * its connections waiting for their clients' next message: one waiting to
     * write waits for a client that stopped reading, which no deadline ends. */
    bool served = cat == GMX_CAT_IO_NO_TIMEOUT && app_creator && !gmx_gconns_writing(b);
    if ((cat == GMX_CAT_GOROUTINE_SURGE || throttle || served) && gmx_gspawner(b, &spawner)) {
        if (!c->spawners && !(c->spawners = gmx_gspawner_index_new(c->snaps[n - 1].buckets)))
            return GMX_ENOMEM;
        if (throttle)
            facts.throttled_calls = gmx_gspawner_throttled(c->spawners, b, spawner);
        else if (served)
            facts.accepting = gmx_gspawner_accepting(c->spawners, spawner);
        else
            facts.spawner_calls = gmx_gspawner_calls(c->spawners, b, spawner);
    }
    gmx_finding probe = { 0 };
    gmx_judge_bucket(&facts, out, &probe);
    if (!c->include_healthy &&
        (!suspect || (probe.severity == GMX_SEV_INFO && c->info >= MAX_INFO_FINDINGS))) {
        c->omitted++;
        return GMX_OK;
    }
    if (probe.severity == GMX_SEV_INFO)
        c->info++;

    gmx_finding *fd = bucket_finding(out, b, &c->root, v.signature, series, (uint32_t)n, &site);
    if (!fd)
        return GMX_ENOMEM;
    fd->category = cat;
    fd->healthy = keep(out, v.healthy);
    fd->severity = probe.severity;
    fd->why = probe.why;
    fd->why_zh = probe.why_zh;
    fd->source = probe.source;
    double weight = cat == GMX_CAT_NONE && suspect ? UNKNOWN_WAIT_WEIGHT : category_weight(cat);
    /* A user frame to fix beats a standard-library mechanism of equal size. */
    if (fd->site_is_mechanism)
        weight *= 0.5;
    fd->score = score_of(b, weight, c->total, &t, (uint32_t)n);
    if (!v.healthy) {
        bool own = v.signature && v.signature->advice;
        fd->advice = own ? keep(out, v.signature->advice) : gmx_category_advice(cat);
        /* The Chinese stays the category's: the catalogue's advice is English. */
        fd->advice_zh = own ? gmx_category_advice_zh(cat) : NULL;
        /* A pile judged benign gets the category's fix as a condition: it
         * says what the cause would be, which the evidence did not show. */
        if (!own && probe.severity == GMX_SEV_INFO && fd->advice) {
            fd->advice = gmx_findings_printf(out, "If %s should have ended: %s",
                                             b->count == 1 ? "this goroutine" : "these goroutines",
                                             fd->advice).p;
            fd->advice_zh = gmx_findings_printf(out, "如果%s goroutine 本该结束：%s",
                                                b->count == 1 ? "这个" : "这些",
                                                gmx_category_advice_zh(cat)).p;
        }
    }
    bool leak = probe.severity > GMX_SEV_INFO;
    fd->title = gmx_gfinding_title(out, false, cat, b, &c->root, &site, fd->has_site, &v, leak);
    fd->title_zh = gmx_gfinding_title(out, true, cat, b, &c->root, &site, fd->has_site, &v, leak);
    gmx_gfinding_state(fd, b);
    note_pile(c, fd);
    if (cat == GMX_CAT_MUTEX_HELD && !v.healthy && fd->has_site && fd->site.line &&
        !fd->site_is_mechanism && c->nwaiters < MAX_LOCK_WAITERS) {
        c->waiters[c->nwaiters] = (gmx_lock_waiter){ b, fd->site };
        c->waiter_finding[c->nwaiters++] = fd;
    }
    if (cat == GMX_CAT_WAITGROUP_MISMATCH && !v.healthy && fd->has_site &&
        c->nwg_waiters < MAX_LOCK_WAITERS)
        c->wg_waiters[c->nwg_waiters++] = fd;
    if (cat == GMX_CAT_GOROUTINE_SURGE && !v.healthy && fd->has_site && c->nsurges < MAX_LOCK_WAITERS)
        c->surges[c->nsurges++] = fd;
    for (uint32_t i = 0; i < probe.nevidence; i++)
        if (fd->nevidence < GMX_MAX_EVIDENCE)
            fd->evidence[fd->nevidence++] = probe.evidence[i];
    if (n > 1) {
        gmx_finding_add_number(fd, "goroutines_first", (double)t.first);
        gmx_finding_add_number(fd, "goroutines_peak", (double)t.peak);
        gmx_finding_add_number(fd, "growth", (double)t.last - (double)t.first);
    }
    return GMX_OK;
}

/* Buckets of earlier snapshots that are gone from the last one: reported
 * once each (from the earliest snapshot holding them) if they drained. */
static gmx_code add_vanished(actx *c)
{
    const gmx_gsnapshot *snaps = c->snaps;
    size_t n = c->n;
    for (size_t s = 0; s + 1 < n; s++) {
        const gmx_gbuckets *set = snaps[s].buckets;
        for (size_t i = 0; i < gmx_gbuckets_count(set); i++) {
            const gmx_gbucket *b = gmx_gbuckets_at(set, i);
            bool seen_before = in_snapshot(c, n - 1, b) != NULL;
            for (size_t k = 0; k < s && !seen_before; k++)
                seen_before = in_snapshot(c, k, b) != NULL;
            if (seen_before)
                continue;
            uint64_t *series = gmx_findings_alloc_series(c->out, (uint32_t)n);
            if (!series)
                return GMX_ENOMEM;
            for (size_t k = 0; k < n; k++) {
                const gmx_gbucket *o = k == s ? b : in_snapshot(c, k, b);
                series[k] = o ? o->count : 0;
            }
            trend t = trend_of(series, (uint32_t)n);
            gmx_code rc = GMX_OK;
            if (drained(&t) && !gmx_gclassify(b, &c->root, c->sigs, c->excerpt).healthy)
                rc = add_drained(c, b, series, &t);
            if (rc != GMX_OK)
                return rc;
        }
    }
    return GMX_OK;
}

static bool runs_main(const gmx_gbucket *b)
{
    for (uint32_t i = 0; i < b->nframes; i++)
        if (gmx_str_eq_cstr(b->frames[i].func, "main.main"))
            return true;
    return false;
}

/* The goroutines a deadlock is about: blocked, not healthy, with a site in
 * application code; the main goroutine first (its end is the program's),
 * then the largest. Up to max of them into picks; returns how many. */
static size_t deadlocked(actx *c, const gmx_gbuckets *set, const gmx_gbucket **picks, size_t max)
{
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < gmx_gbuckets_count(set) && n < max; i++) {
            const gmx_gbucket *b = gmx_gbuckets_at(set, i);
            if (runs_main(b) != (pass == 0))
                continue;
            gmx_gverdict v = gmx_gclassify(b, &c->root, c->sigs, c->excerpt);
            gmx_frame site;
            bool mechanism;
            if (v.healthy || !gmx_gsite(b, &c->root, &site, &mechanism) || mechanism)
                continue;
            size_t at = n++;
            /* Largest first after main: insertion into the pass's tail. */
            while (pass == 1 && at > 0 && !runs_main(picks[at - 1]) && picks[at - 1]->count < b->count) {
                picks[at] = picks[at - 1];
                at--;
            }
            picks[at] = b;
        }
    return n;
}

static gmx_code add_deadlock(actx *c)
{
    gmx_findings *out = c->out;
    const gmx_gsnapshot *snap = &c->snaps[c->n - 1];
    if (snap->info.kind != GMX_DUMP_FATAL || !snap->info.message.n ||
        memmem(snap->info.message.p, snap->info.message.n, "deadlock", 8) == NULL)
        return GMX_OK;
    gmx_finding *fd = gmx_findings_add(out);
    if (!fd)
        return GMX_ENOMEM;
    /* Name the goroutines that wait on each other, the main one first. */
    const gmx_gbucket *picks[3];
    size_t np = deadlocked(c, snap->buckets, picks, 3);
    gmx_buf en, zh;
    gmx_buf_init(&en, 1 << 14);
    gmx_buf_init(&zh, 1 << 14);
    gmx_buf_puts(&en, "every goroutine is blocked; ");
    gmx_buf_puts(&zh, "所有 goroutine 都阻塞了；");
    for (size_t i = 0; i < np; i++) {
        gmx_frame site;
        bool mechanism;
        gmx_gsite(picks[i], &c->root, &site, &mechanism);
        gmx_str st = gmx_gstatus(picks[i]);
        gmx_buf_printf(&en, "%s%llu in %.*s [%.*s] at %.*s:%u", i ? ", " : "",
                       (unsigned long long)picks[i]->count, (int)site.func.n, site.func.p,
                       (int)st.n, st.p, (int)site.file.n, site.file.p, site.line);
        gmx_buf_printf(&zh, "%s%llu 个在 %.*s [%.*s]（%.*s:%u）", i ? "，" : "",
                       (unsigned long long)picks[i]->count, (int)site.func.n, site.func.p,
                       (int)st.n, st.p, (int)site.file.n, site.file.p, site.line);
        if (i == 0) {
            fd->has_site = true;
            fd->site = to_site(&site);
            fd->bucket = picks[i];
            if (picks[i]->has_creator) {
                fd->has_created_by = true;
                fd->created_by = to_site(&picks[i]->creator);
            }
        }
    }
    if (!np) {
        gmx_buf_puts(&en, "no goroutine in application code is named by the dump");
        gmx_buf_puts(&zh, "dump 中没有位于应用代码的 goroutine");
    }
    fd->why = gmx_findings_strdup(out, (gmx_str){ en.data, en.len });
    fd->why_zh = gmx_findings_strdup(out, (gmx_str){ zh.data, zh.len });
    gmx_buf_release(&en);
    gmx_buf_release(&zh);
    fd->category = GMX_CAT_DEADLOCK;
    fd->severity = GMX_SEV_CRITICAL;
    fd->score = 1e9; /* the process died of it: nothing ranks above */
    fd->title = gmx_findings_printf(out, "fatal error: %.*s", (int)snap->info.message.n,
                                    snap->info.message.p);
    /* The runtime's own words stay as they are, quoted. */
    fd->title_zh = gmx_findings_printf(out, "致命错误：“%.*s”", (int)snap->info.message.n,
                                       snap->info.message.p);
    fd->advice = gmx_category_advice(GMX_CAT_DEADLOCK);
    fd->has_goroutines = true;
    fd->goroutines = gmx_gbuckets_total(snap->buckets);
    return GMX_OK;
}

static gmx_code analyse(actx *c)
{
    const gmx_gbuckets *last = c->snaps[c->n - 1].buckets;
    for (size_t i = 0; i < gmx_gbuckets_count(last); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(last, i);
        if (b->wait_max > c->longest_wait)
            c->longest_wait = b->wait_max;
        for (uint32_t k = 0; !c->root.len && k < b->nframes && !gmx_goroot_learn(&c->root, &b->frames[k]); k++)
            ;
    }
    c->total = gmx_gbuckets_total(last);
    c->last_id = gmx_judge_highest_id(&c->snaps[c->n - 1]);
    for (size_t k = 0; c->highest_id && k < c->n; k++)
        c->highest_id[k] = c->work_ids ? c->work_ids[k] : gmx_judge_highest_id(&c->snaps[k]);
    /* Records cut short of their title ("total 2338", then one record of
     * 1126) are a share of the profile the title counts, not of what was read. */
    const gmx_dump_info *li = &c->snaps[c->n - 1].info;
    bool titled = li->kind == GMX_DUMP_PROFILE_TEXT || li->kind == GMX_DUMP_LEAK_PROFILE_TEXT;
    if (titled && li->declared > c->total)
        c->total = li->declared;
    c->excerpt = excerpt(&c->snaps[c->n - 1], c->n);
    if (li->kind == GMX_DUMP_PANIC)
        c->test_timeout = gmx_test_timeout_minutes(li->message);
    gmx_analyze_crash(&c->snaps[c->n - 1], c->out);
    gmx_code rc = add_deadlock(c);
    if (rc == GMX_OK && !(c->piles = gmx_gpiles_of(last, &c->root, c->out)))
        rc = GMX_ENOMEM;
    for (size_t i = 0; rc == GMX_OK && i < gmx_gbuckets_count(last); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(last, i);
        bool member_only;
        c->pile = gmx_gpile_of(c->piles, b, &member_only);
        if (!member_only)
            rc = add_bucket(c, c->pile ? &c->pile->merged : b);
    }
    c->pile = NULL;
    if (rc == GMX_OK) {
        gmx_lock_name(c->out, c->snaps[c->n - 1].buckets, c->waiters, c->waiter_finding, c->nwaiters,
                      c->excerpt, holds_its_writer(c->snaps[c->n - 1].buckets));
        c->nfolded = gmx_rlock_name(c->out, c->snaps[c->n - 1].buckets, c->waiters,
                                    c->waiter_finding, c->nwaiters, c->folded, MAX_LOCK_WAITERS);
        gmx_rank_waiters_below_waitees(c->out, c->wg_waiters, c->nwg_waiters);
        c->nfolded = gmx_retry_fold(c->out, c->snaps[c->n - 1].buckets, c->surges, c->nsurges, c->folded,
                                    c->nfolded, MAX_LOCK_WAITERS);
    }
    gmx_findings_set_omitted(c->out, c->omitted);
    if (c->nfolded)
        gmx_findings_retain(c->out, not_folded, c);
    if (rc == GMX_OK && c->n > 1)
        rc = add_vanished(c);
    return rc;
}

gmx_code gmx_analyze_goroutines(const gmx_gsnapshot *snaps, size_t n,
                                const gmx_goroutine_options *opts, gmx_findings *out,
                                gmx_error *err)
{
    if (n == 0)
        return gmx_error_set(err, GMX_EUSAGE, "no goroutine snapshot to analyse");
    actx c = { .out = out, .snaps = snaps, .n = n, .include_healthy = opts && opts->include_healthy,
               .sigs = opts ? opts->signatures : NULL,
               .work_ids = opts ? opts->work_ids : NULL,
               .clock = gmx_judge_clock_read(snaps, opts ? opts->work_ids : NULL, (uint32_t)n) };
    gmx_signatures *builtin = NULL;
    if (!c.sigs) {
        builtin = gmx_signatures_new();
        if (!builtin)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory analysing goroutines");
        gmx_code rc = gmx_signatures_add_builtin(builtin, err);
        if (rc != GMX_OK) {
            gmx_signatures_free(builtin);
            return rc;
        }
        c.sigs = builtin;
    }
    gmx_code rc = GMX_OK;
    if (n > 1 && (!(c.index = gmx_calloc(n, sizeof(*c.index))) ||
                  !(c.highest_id = gmx_calloc(n, sizeof(*c.highest_id)))))
        rc = GMX_ENOMEM;
    for (size_t i = 0; c.index && i < n && rc == GMX_OK; i++)
        if (!(c.index[i] = gmx_gindex_new(snaps[i].buckets)))
            rc = GMX_ENOMEM;
    if (rc == GMX_OK)
        rc = analyse(&c);
    for (size_t i = 0; c.index && i < n; i++)
        gmx_gindex_free(c.index[i]);
    gmx_free(c.index);
    gmx_free(c.highest_id);
    gmx_gspawner_index_free(c.spawners);
    gmx_gpiles_free(c.piles);
    gmx_signatures_free(builtin);
    if (rc == GMX_OK) {
        gmx_findings_rank(out);
        gmx_gsummarise(out, false, snaps, n);
        gmx_gsummarise(out, true, snaps, n);
    }
    if (rc == GMX_OK && gmx_findings_failed(out))
        rc = GMX_ENOMEM;
    if (rc != GMX_OK)
        return gmx_error_set(err, rc, "out of memory analysing goroutines");
    return GMX_OK;
}
