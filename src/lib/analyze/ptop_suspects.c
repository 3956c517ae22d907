/* Suspects in one go tool pprof -top table. The algorithm:
 *
 *   1. Candidates are the printed rows outside the runtime that are not
 *      roots (a row holding nearly everything through its callees and
 *      nothing itself: main.main, a server loop). A standard-library row
 *      is a candidate only when it is a published leak mechanism (timers
 *      not reclaimed until they fire, contexts never cancelled): any other
 *      is the consequence of a caller the table does not show.
 *   2. They are ranked by cum, the share of the table under them: with no
 *      call graph, what a site reaches is the best measure of it; a row
 *      whose reach is nearly all another row's own (flat), holding next to
 *      nothing itself, is that row's wrapper, and the row holding the
 *      memory ranks first.
 *      The program's entry (main.main) reaches every site alike: it is
 *      ranked by what it holds itself.
 *   3. Severity stays within what one snapshot proves. In-use memory or
 *      goroutines: a site with a tenth of them is a suspect (warning);
 *      goroutines are critical past a thousand, as a blocked bucket of a
 *      dump would be. Allocations since start (alloc_*) are churn, not
 *      retention: a warning only at a leak mechanism.
 *   4. A -base table's values are changes between two profiles: its rows
 *      that grew are the candidates, judged as above against the table's
 *      total change (a few MiB of growth at one site is what a healthy
 *      service's heap does between two profiles); the rows that shrank
 *      hold nothing new.
 *
 * A goroutine table's wait (chansend, selectgo, a lock, the netpoller)
 * is read off its runtime rows and given to the sites it covers. */
#include "analyze/ptop_suspects.h"
#include "analyze/frames.h"
#include "util/num.h"
#include "util/str.h"

#include <stdint.h>
#include <string.h>

enum { MAX_SUSPECTS = 5 };
#define SUSPECT_SHARE 10.0   /* percent of the table under a site: a suspect */
#define MIN_SHARE 1.0        /* below this a row is not reported at all */
#define ROOT_SHARE 90.0      /* a row reaching this much with ~nothing of its own: a root */
#define CRIT_GOROUTINES 1000.0
#define WARN_GOROUTINES 50.0
/* An in-use heap this small in its only snapshot is what an ordinary
 * service holds: a tenth of it under one site is where memory sits, not a
 * leak worth a warning (telegraf#942: 2.8 MB, "not a memory leak"). A
 * published leak mechanism is one at any size. */
#define MIN_SUSPECT_HEAP (128.0 * 1024 * 1024)

typedef struct mechanism {
    const char *const *funcs;
    gmx_category category;
    const char *name, *name_zh, *source;
} mechanism;

static const char *const timers[] = { "time.NewTimer", "time.NewTicker", "time.After",
                                      "time.Tick", "time.AfterFunc", "time.newTimer",
                                      "time.startTimer", NULL };
static const char *const contexts[] = { "context.WithCancel", "context.WithTimeout",
                                        "context.WithDeadline", "context.WithCancelCause",
                                        "context.WithTimeoutCause", "context.WithDeadlineCause",
                                        NULL };

static const mechanism mechanisms[] = {
    { timers, GMX_CAT_TIMER_LEAK,
      "timers kept until they fire (time.After or a Timer/Ticker never stopped; reclaimed "
      "early only from Go 1.23)",
      "直到触发才回收的 timer（time.After，或从未 Stop 的 Timer/Ticker；Go 1.23 起才提前回收）",
      "https://pkg.go.dev/time#After" },
    { contexts, GMX_CAT_HEAP_GROWTH,
      "contexts never cancelled (a child stays linked to its parent until cancel is called)",
      "从未取消的 context（调用 cancel 之前子 context 一直挂在父 context 上）",
      "https://pkg.go.dev/context#WithCancel" },
};

static const mechanism *mechanism_of(gmx_str func)
{
    for (size_t m = 0; m < sizeof(mechanisms) / sizeof(mechanisms[0]); m++)
        for (const char *const *f = mechanisms[m].funcs; *f; f++)
            if (gmx_str_eq_cstr(func, *f))
                return &mechanisms[m];
    return NULL;
}

/* The wait a goroutine table's runtime rows show, and how many it covers. */
typedef struct wait {
    gmx_category category;
    double cum;
} wait;

static gmx_category wait_of(gmx_str f)
{
    static const struct { const char *func; gmx_category c; } waits[] = {
        { "runtime.chansend", GMX_CAT_CHAN_SEND_BLOCKED },
        { "runtime.chansend1", GMX_CAT_CHAN_SEND_BLOCKED },
        { "runtime.chanrecv", GMX_CAT_CHAN_RECV_BLOCKED },
        { "runtime.chanrecv1", GMX_CAT_CHAN_RECV_BLOCKED },
        { "runtime.chanrecv2", GMX_CAT_CHAN_RECV_BLOCKED },
        { "runtime.selectgo", GMX_CAT_SELECT_BLOCKED },
        { "runtime.block", GMX_CAT_SELECT_BLOCKED },
        { "sync.runtime_SemacquireMutex", GMX_CAT_MUTEX_HELD },
        { "sync.runtime_SemacquireRWMutex", GMX_CAT_MUTEX_HELD },
        { "sync.runtime_SemacquireRWMutexR", GMX_CAT_MUTEX_HELD },
        { "sync.(*Mutex).Lock", GMX_CAT_MUTEX_HELD },
        { "sync.(*RWMutex).Lock", GMX_CAT_MUTEX_HELD },
        { "sync.(*RWMutex).RLock", GMX_CAT_MUTEX_HELD },
        { "sync.(*WaitGroup).Wait", GMX_CAT_WAITGROUP_MISMATCH },
        { "sync.(*Cond).Wait", GMX_CAT_COND_WAIT },
        { "internal/poll.runtime_pollWait", GMX_CAT_IO_NO_TIMEOUT },
        { "runtime.netpollblock", GMX_CAT_IO_NO_TIMEOUT },
    };
    for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++)
        if (gmx_str_eq_cstr(f, waits[i].func))
            return waits[i].c;
    return GMX_CAT_NONE;
}

static wait table_wait(const gmx_ptop_info *t)
{
    wait w = { GMX_CAT_NONE, 0 };
    for (uint32_t i = 0; i < t->ntop; i++) {
        gmx_category c = wait_of(gmx_str_cstr(t->top[i].func));
        if (c != GMX_CAT_NONE && t->top[i].cum > w.cum)
            w = (wait){ c, t->top[i].cum };
    }
    return w;
}

static bool candidate(const gmx_ptoptext_row *r, const mechanism **mech, bool *std)
{
    static const gmx_goroot no_root;
    gmx_str f = gmx_str_cstr(r->func);
    *mech = mechanism_of(f);
    /* A -base table's row that shrank (or a damaged row) holds nothing. */
    if (gmx_str_starts(f, "runtime.") || gmx_str_starts(f, "runtime/") || r->cum_pct < MIN_SHARE ||
        !(r->cum > 0))
        return false;
    if (r->flat_pct < 0.05 && r->cum_pct >= ROOT_SHARE)
        return false;
    gmx_frame fr = { f, { NULL, 0 }, 0 };
    *std = gmx_frame_is_std(&no_root, &fr);
    return !*std || *mech;
}

typedef struct suspect {
    const gmx_ptoptext_row *row;
    const mechanism *mech;
    bool std;
    double key; /* ranked_key */
    /* For a standard-library mechanism: the application's function that
     * calls it (and a second one the table cannot tell from it). */
    const char *caller, *also;
} suspect;

/* What a candidate holds, in percent of the table: its own flat, and the
 * flat of a row that is no candidate (maps.clone, runtime.malg) when that
 * row is nearly all the candidate reaches beyond its own: the standard
 * library or the runtime holds memory for the caller the table shows
 * above it ((*FileInfo).ServiceAttrs reaching 55% and maps.clone holding
 * those 55%), and that caller is the code to fix. */
#define WRAPPED_SHARE 0.95
static double held(const gmx_ptop_info *t, const gmx_ptoptext_row *r)
{
    double beyond = r->cum_pct - r->flat_pct;
    double most = 0;
    for (uint32_t i = 0; beyond > 0 && i < t->ntop && i < GMX_PTOP_MAX_ROWS; i++) {
        const gmx_ptoptext_row *o = &t->top[i];
        const mechanism *mech;
        bool std;
        if (o == r || o->cum_pct > r->cum_pct || o->flat_pct < WRAPPED_SHARE * beyond ||
            candidate(o, &mech, &std) || (o->flat_pct < 0.05 && o->cum_pct >= ROOT_SHARE))
            continue;
        if (o->flat_pct > most)
            most = o->flat_pct;
    }
    double own = r->flat_pct + most;
    return own < r->cum_pct ? own : r->cum_pct;
}

/* What a candidate is ranked by, in percent of the table: its cum, or its
 * flat for the program's entry, which every site is under; a millionth of
 * what it holds breaks ties in favour of the row that holds the memory. */
static double rank_key(const gmx_ptop_info *t, const gmx_ptoptext_row *r)
{
    bool entry = strcmp(r->func, "main.main") == 0;
    return (entry ? r->flat_pct : r->cum_pct) + held(t, r) * 1e-6;
}

/* A row whose reach beyond its own flat is nearly all of what another
 * candidate holds (GetOrCreate over the NewAggMetric it calls, 97% under
 * the one and 97% held by the other) wraps that row: it ranks right after
 * the row that holds the memory. The other row reaching no more than this
 * one is what a callee shows; without a call graph that is all a table
 * tells. A wrapper holds next to nothing itself (GetOrCreate 0.21%): a row
 * that allocates a share of its own beside its callee's is an allocation
 * site, ranked by all it reaches ((*Raft).VerifyLeader holding 32% itself
 * and 60% in the future helper inlined into it, hashicorp/raft#291). The
 * program's entry is ranked by its flat already. */
static double ranked_key(const gmx_ptop_info *t, const gmx_ptoptext_row *r)
{
    double key = rank_key(t, r);
    double beyond = r->cum_pct - r->flat_pct;
    if (strcmp(r->func, "main.main") == 0 || beyond <= 0)
        return key;
    for (uint32_t i = 0; i < t->ntop && i < GMX_PTOP_MAX_ROWS; i++) {
        const gmx_ptoptext_row *o = &t->top[i];
        const mechanism *mech;
        bool std;
        if (o == r || o->cum_pct > r->cum_pct || !candidate(o, &mech, &std))
            continue;
        double holds = held(t, o);
        if (holds <= r->flat_pct || holds < WRAPPED_SHARE * beyond ||
            r->flat_pct > (1.0 - WRAPPED_SHARE) * holds)
            continue;
        double holder = rank_key(t, o) - 1e-7;
        if (holder < key)
            key = holder;
    }
    return key;
}

/* The application's module, when a vendored package shows it: the path
 * before "/vendor/" ("github.com/grafana/metrictank" of
 * ".../metrictank/vendor/github.com/gocql/gocql.copyBytes"); empty if none. */
static gmx_str app_module(const gmx_ptop_info *t)
{
    for (uint32_t i = 0; i < t->ntop && i < GMX_PTOP_MAX_ROWS; i++) {
        gmx_str f = gmx_str_cstr(t->top[i].func);
        size_t at = gmx_str_find(f, "/vendor/");
        if (at != SIZE_MAX && at > 0)
            return gmx_str_sub(f, 0, at);
    }
    return (gmx_str){ NULL, 0 };
}

/* A row of the application's own code (its main package, or under its
 * module and not vendored). */
static bool own_row(gmx_str module, const gmx_ptoptext_row *r)
{
    gmx_str f = gmx_str_cstr(r->func);
    if (module.n && gmx_str_starts(f, "main."))
        return true;
    return module.n && f.n > module.n &&
           memcmp(f.p, module.p, module.n) == 0 && (f.p[module.n] == '/' || f.p[module.n] == '.') &&
           gmx_str_find(f, "/vendor/") == SIZE_MAX;
}

/* With the application's module known, a vendored dependency's row ranks
 * after the application's own suspects: the library allocates, the
 * application keeps what it was given (gocql's copyBytes under metrictank's
 * chunk cache, grafana/metrictank#1058), and the application's row is the
 * code its authors can change. The dependency rows keep their order. */
static void own_code_first(const gmx_ptop_info *t, suspect *all, size_t n)
{
    gmx_str module = app_module(t);
    double lowest = -1;
    for (size_t i = 0; i < n; i++)
        if (own_row(module, all[i].row) && all[i].row->cum_pct >= SUSPECT_SHARE &&
            (lowest < 0 || all[i].key < lowest))
            lowest = all[i].key;
    if (lowest < 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (gmx_str_find(gmx_str_cstr(all[i].row->func), "/vendor/") != SIZE_MAX &&
            all[i].key > lowest)
            all[i].key = lowest - 1e-3 + all[i].key * 1e-6;
}

static bool std_func(const char *func)
{
    static const gmx_goroot no_root;
    gmx_frame fr = { gmx_str_cstr(func), { NULL, 0 }, 0 };
    return gmx_frame_is_std(&no_root, &fr);
}

static bool runtime_func(const char *func)
{
    gmx_str f = gmx_str_cstr(func);
    return gmx_str_starts(f, "runtime.") || gmx_str_starts(f, "runtime/");
}

static const gmx_ptoptext_row *row_named(const gmx_ptop_info *t, const char *func)
{
    for (uint32_t i = 0; i < t->ntop && i < GMX_PTOP_MAX_ROWS; i++)
        if (strcmp(t->top[i].func, func) == 0)
            return &t->top[i];
    return NULL;
}

/* The caller a -peek block names for func, the largest outside the
 * runtime; NULL when none was pasted. */
static const char *peek_caller(const gmx_ptop_info *t, const char *func)
{
    const gmx_ptop_edge *best = NULL;
    for (uint32_t i = 0; i < t->nedges && i < GMX_PTOP_MAX_EDGES; i++) {
        const gmx_ptop_edge *e = &t->edges[i];
        if (strcmp(e->callee, func) == 0 && !runtime_func(e->caller) &&
            (!best || e->value > best->value))
            best = e;
    }
    return best ? best->caller : NULL;
}

/* The innermost row, outside the runtime and the program's entry, that
 * provably holds most of r's own memory under it: the flats of a table
 * add up to its total, so a row reaching cum holds at least
 * cum + r.flat - 100 (percent) of r's flat, what its callees hold beyond
 * everything r does not. A mechanism called from two places prints a row
 * reaching less than it, which table_caller's rule cannot take: time.NewTicker
 * holding 71.86% and (*Client).healthchecker reaching 66.75% of the table,
 * so at least 38.61%, more than half of the tickers, are that loop's
 * (olivere/elastic#83). NULL when no row holds half of r's flat so. */
#define MAJORITY_SHARE 0.5
static const gmx_ptoptext_row *majority_caller(const gmx_ptop_info *t, const gmx_ptoptext_row *r)
{
    const gmx_ptoptext_row *best = NULL;
    for (uint32_t i = 0; i < t->ntop && i < GMX_PTOP_MAX_ROWS; i++) {
        const gmx_ptoptext_row *o = &t->top[i];
        double under = o->cum_pct + r->flat_pct - 100.0;
        if (o == r || runtime_func(o->func) || strcmp(o->func, "main.main") == 0 ||
            under < MAJORITY_SHARE * r->flat_pct || under <= 0)
            continue;
        if (!best || o->cum_pct < best->cum_pct)
            best = o;
    }
    return best;
}

/* The rows of a table that call r, as far as a table shows: a row whose
 * reach beyond its own flat is r's reach, nearly all of it (95%), the way
 * a -peek block would show r as its only callee (time.AfterFunc's 54.70MB
 * under (*streamBufferedPipe).WriteTo, reaching 67.20MB with 12.50MB its
 * own). Of those the innermost (the least cum); the program's entry only
 * when nothing else is. *also is a second row of the same reach: a chain of
 * single calls prints its rows alike, and the table cannot tell which of
 * them calls r. Between the two, a row holding most of r's memory by
 * arithmetic (majority_caller). */
static const char *table_caller(const gmx_ptop_info *t, const gmx_ptoptext_row *r, const char **also)
{
    const gmx_ptoptext_row *best = NULL, *second = NULL;
    *also = NULL;
    for (int entry = 0; entry < 2 && !best; entry++) {
        if (entry == 1 && (best = majority_caller(t, r)) != NULL)
            break;
        for (uint32_t i = 0; i < t->ntop && i < GMX_PTOP_MAX_ROWS; i++) {
            const gmx_ptoptext_row *o = &t->top[i];
            double beyond = o->cum_pct - o->flat_pct;
            if (o == r || runtime_func(o->func) || (strcmp(o->func, "main.main") == 0) != entry ||
                r->cum_pct > beyond + 0.01 || r->cum_pct < WRAPPED_SHARE * beyond)
                continue;
            if (!best || o->cum_pct < best->cum_pct - 0.005) {
                best = o;
                second = NULL;
            } else if (!second && o->cum_pct <= best->cum_pct + 0.005) {
                second = o;
            }
        }
    }
    if (second)
        *also = second->func;
    return best ? best->func : NULL;
}

/* The application's function under which a standard-library mechanism
 * holds its memory: the row's caller, and the caller's while that is the
 * standard library too (time.startTimer under time.NewTimer under the
 * instance loop). The site to fix is the code that calls time.After, not
 * the timer (the rule: never name a library frame as the site when
 * the user's caller is known). NULL when no caller is shown. */
static const char *app_caller(const gmx_ptop_info *t, const gmx_ptoptext_row *m, const char **also)
{
    const char *func = m->func;
    const gmx_ptoptext_row *row = m;
    *also = NULL;
    for (int depth = 0; depth < 8; depth++) {
        const char *up = peek_caller(t, func);
        const char *tied = NULL;
        if (!up && row)
            up = table_caller(t, row, &tied);
        if (!up)
            return NULL;
        if (!std_func(up)) {
            *also = tied && !std_func(tied) ? tied : NULL;
            return up;
        }
        func = up;
        row = row_named(t, up);
    }
    return NULL;
}

/* A mechanism found under an application's function is that function's
 * finding: the function's own row, if it is a candidate, is not reported
 * again (its key is kept when larger), and of two mechanisms under one
 * function (time.NewTimer and the time.startTimer it calls) the larger
 * stands for both. */
static size_t by_caller(const gmx_ptop_info *t, suspect *cand, size_t n)
{
    bool drop[GMX_PTOP_MAX_ROWS] = { false };
    for (size_t i = 0; i < n; i++)
        if (cand[i].std && cand[i].mech)
            cand[i].caller = app_caller(t, cand[i].row, &cand[i].also);
    for (size_t j = 0; j < n; j++) {
        if (!cand[j].caller)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (i == j || drop[i])
                continue;
            if (!cand[i].caller && strcmp(cand[i].row->func, cand[j].caller) == 0) {
                if (cand[i].key > cand[j].key)
                    cand[j].key = cand[i].key;
                drop[i] = true;
            } else if (cand[i].caller && strcmp(cand[i].caller, cand[j].caller) == 0 &&
                       (cand[i].key < cand[j].key || (cand[i].key == cand[j].key && i > j))) {
                drop[i] = true;
            }
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!drop[i])
            cand[kept++] = cand[i];
    return kept;
}

/* The candidates by ranked_key, largest first (the table's order breaks
 * ties), at most MAX_SUSPECTS. */
static size_t pick(const gmx_ptop_info *t, suspect *s)
{
    suspect cand[GMX_PTOP_MAX_ROWS];
    size_t ncand = 0;
    for (uint32_t i = 0; i < t->ntop && i < GMX_PTOP_MAX_ROWS; i++) {
        suspect c = { &t->top[i], NULL, false, 0, NULL, NULL };
        if (!candidate(c.row, &c.mech, &c.std))
            continue;
        c.key = ranked_key(t, c.row);
        cand[ncand++] = c;
    }
    ncand = by_caller(t, cand, ncand);
    own_code_first(t, cand, ncand);
    suspect all[GMX_PTOP_MAX_ROWS];
    size_t n = 0;
    for (size_t i = 0; i < ncand; i++) {
        suspect c = cand[i];
        size_t at = n++;
        while (at > 0 && all[at - 1].key < c.key) {
            all[at] = all[at - 1];
            at--;
        }
        all[at] = c;
    }
    n = n < MAX_SUSPECTS ? n : MAX_SUSPECTS;
    memcpy(s, all, n * sizeof(*s));
    return n;
}

/* The whole in-use heap the table is a share of, in bytes; 0 when the
 * table is not of bytes in use. */
static double heap_total(const gmx_ptop_info *t)
{
    return t->goroutines || t->churn || t->objects || t->counts ? 0 : t->total;
}

static bool small_heap(const gmx_ptop_info *t, const suspect *s)
{
    double total = heap_total(t);
    return !s->mech && total > 0 && total < MIN_SUSPECT_HEAP;
}

/* A pool's Get ("(*ArenaPool).Get", "(*bufPool).Get") holds what the pool
 * keeps for reuse: a free list sized by its configuration, the same in a
 * healthy process as in one snapshot of a leak (dgraph-io/badger#106: 442 MB
 * of arenas, "keeps them around for re-use (like a free list)"). Only growth
 * between two profiles tells them apart. A cache's own buffers are not
 * judged so: created once per process they are its design, created per
 * task they are the leak (coocood/freecache#26), and a name does not say
 * which. */
static bool pool_free_list(const gmx_ptop_info *t, const suspect *s)
{
    if (s->mech || heap_total(t) <= 0)
        return false;
    gmx_str f = gmx_str_cstr(s->row->func);
    if (!gmx_str_ends(f, ".Get"))
        return false;
    gmx_str recv = gmx_str_sub(f, 0, f.n - strlen(".Get"));
    if (gmx_str_ends(recv, ")"))
        recv = gmx_str_sub(recv, 0, recv.n - 1);
    return gmx_str_ends(recv, "Pool") || gmx_str_ends(recv, "pool");
}

static gmx_severity severity(const gmx_ptop_info *t, const suspect *s)
{
    double share = s->row->cum_pct;
    if (share < SUSPECT_SHARE || small_heap(t, s) || pool_free_list(t, s))
        return GMX_SEV_INFO;
    if (t->goroutines)
        return s->row->cum >= CRIT_GOROUTINES ? GMX_SEV_CRITICAL
               : s->row->cum >= WARN_GOROUTINES ? GMX_SEV_WARNING
                                                : GMX_SEV_INFO;
    if (t->churn && !s->mech)
        return GMX_SEV_INFO;
    return GMX_SEV_WARNING;
}

static const char *measure(const gmx_ptop_info *t, bool zh)
{
    if (t->goroutines)
        return zh ? "goroutine" : "the goroutines";
    if (t->diff)
        return t->churn ? (zh ? "两份 profile 之间分配的变化" : "the change in allocations between the two profiles")
                        : (zh ? "两份 profile 之间在用堆的变化" : "the change in the in-use heap between the two profiles");
    if (t->churn)
        return zh ? "自启动以来的分配" : "everything allocated since start";
    return zh ? "在用堆" : "the in-use heap";
}

/* What would tell more than the table given. */
static const char *next_step(const gmx_ptop_info *t, bool zh)
{
    if (t->diff)
        return zh ? "两份 profile 只说明一次变化，不说明趋势：按时间多取几份，用 gomemdx diagnose 看它是否一直增长"
                  : "two profiles show one change, not a trend: take more profiles over time and run "
                    "gomemdx diagnose on them to see whether it keeps growing";
    if (t->goroutines)
        return zh ? "一个快照只能说明位置，不能说明增长：几分钟后再取一份对比（gomemdx top NEW --base OLD）"
                  : "one snapshot shows where a pile of goroutines sits, not that it grows: take another "
                    "profile minutes later and compare (gomemdx top NEW --base OLD)";
    return zh ? "一个快照只能说明位置，不能说明增长：几分钟后再取一份对比（gomemdx top NEW --base OLD）"
              : "one snapshot shows where memory sits, not that it grows: take another profile minutes "
                "later and compare (gomemdx top NEW --base OLD)";
}

/* What the table is, as its findings' titles say it. */
static const char *table_kind(const gmx_ptop_info *t, bool zh)
{
    if (t->diff)
        return zh ? "一个 pprof -base 表：这份 profile 减去基准" : "one pprof -base table: this profile minus its base";
    return zh ? "一个 pprof -top 表，只有一个快照" : "one pprof -top table, one snapshot";
}

static gmx_code add(const gmx_ptop_info *t, const suspect *s, wait w, gmx_findings *out)
{
    gmx_finding *fd = gmx_findings_add(out);
    if (!fd)
        return GMX_ENOMEM;
    const gmx_ptoptext_row *r = s->row;
    gmx_str func = gmx_findings_strdup(out, gmx_str_cstr(s->caller ? s->caller : r->func));
    gmx_category cat = s->mech ? s->mech->category : GMX_CAT_HEAP_GROWTH;
    if (t->goroutines)
        cat = w.category != GMX_CAT_NONE && w.cum >= 0.9 * r->cum ? w.category
                                                                   : GMX_CAT_GOROUTINE_SURGE;
    fd->category = cat;
    fd->severity = severity(t, s);
    fd->score = s->key / 100.0 * (s->std && !s->mech ? 0.25 : 1.0);
    fd->has_site = true;
    fd->site = (gmx_site){ func, { NULL, 0 }, 0 };
    fd->site_is_mechanism = s->std && !s->caller;
    if (t->goroutines) {
        fd->has_goroutines = true;
        fd->goroutines = (uint64_t)gmx_i64_of_double_sat(r->cum + 0.5);
    } else if (!t->objects && !t->counts) {
        fd->has_bytes = true;
        fd->bytes = (uint64_t)gmx_i64_of_double_sat(r->cum + 0.5);
    }
    fd->advice = gmx_category_advice(cat);
    if (s->caller) {
        /* The mechanism's share, named at the code that calls it. */
        const char *also = s->also ? s->also : "";
        fd->title = gmx_findings_printf(
            out, "%.*s%s%s%s holds %.0f%% of %s through %s (%s)",
            (int)func.n, func.p, s->also ? " (or " : "", also,
            s->also ? ": the table cannot tell which calls it)" : "", r->cum_pct,
            measure(t, false), r->func, table_kind(t, false));
        fd->title_zh = gmx_findings_printf(
            out, "%.*s%s%s%s 经由 %s 持有%s的 %.0f%%（%s）",
            (int)func.n, func.p, s->also ? "（或 " : "", also,
            s->also ? "：表中看不出是哪一个调用了它）" : "", r->func, measure(t, true), r->cum_pct,
            table_kind(t, true));
        gmx_finding_add_text(fd, "mechanism_row", gmx_findings_printf(out, "%s", r->func));
    } else {
        fd->title = gmx_findings_printf(out, "%.*s reaches %.0f%% of %s (%s)", (int)func.n, func.p,
                                        r->cum_pct, measure(t, false), table_kind(t, false));
        fd->title_zh = gmx_findings_printf(out, "%.*s 之下是%s的 %.0f%%（%s）", (int)func.n, func.p,
                                           measure(t, true), r->cum_pct, table_kind(t, true));
    }
    gmx_finding_add_number(fd, "share_percent", r->cum_pct);
    gmx_finding_add_number(fd, "flat_percent", r->flat_pct);
    gmx_finding_add_number(fd, "cum", r->cum);
    gmx_finding_add_number(fd, "flat", r->flat);
    gmx_finding_add_number(fd, "snapshots", t->diff ? 2 : 1);
    if (t->diff)
        gmx_finding_add_text(fd, "table", gmx_str_cstr("pprof -base difference"));
    if (t->sample_type[0])
        gmx_finding_add_text(fd, "sample_type", gmx_findings_printf(out, "%s", t->sample_type));
    gmx_str under = s->caller ? gmx_findings_printf(out, "under %s, which it calls", r->func)
                              : gmx_str_cstr("under it");
    gmx_str under_zh = s->caller ? gmx_findings_printf(out, "在它调用的 %s 之下", r->func)
                                 : gmx_str_cstr("在它之下");
    fd->why = gmx_findings_printf(
        out, "%.0f%% of %s %.*s (cum), %.0f%% that row's own (flat), in the only table given%s%s%s%s%s; %s",
        r->cum_pct, measure(t, false), (int)under.n, under.p, r->flat_pct, s->mech ? "; known leak mechanism: " : "",
        s->mech ? s->mech->name : "",
        t->churn ? (t->diff ? "; alloc_* counts what was allocated between the two profiles: churn, not "
                              "retention"
                            : "; alloc_* counts everything allocated since start: churn, not retention")
                 : "",
        small_heap(t, s) ? (t->diff ? "; a change under 128 MiB between two profiles is what an ordinary "
                                      "service's heap does"
                                    : "; the whole heap is under 128 MiB, what an ordinary service holds")
                         : "",
        pool_free_list(t, s) ? "; a pool's Get: what the pool keeps for reuse, a free list sized by "
                               "its configuration"
                             : "",
        next_step(t, false));
    fd->why_zh = gmx_findings_printf(
        out, "唯一给出的表中，%s的 %.0f%% %.*s（cum），%.0f%% 是该行自己的（flat）%s%s%s%s%s；%s",
        measure(t, true), r->cum_pct, (int)under_zh.n, under_zh.p, r->flat_pct, s->mech ? "；已知的泄露机制：" : "",
        s->mech ? s->mech->name_zh : "",
        t->churn ? (t->diff ? "；alloc_* 统计的是两份 profile 之间的分配：是周转，而非驻留"
                            : "；alloc_* 统计的是自启动以来的全部分配：是周转，而非驻留")
                 : "",
        small_heap(t, s) ? (t->diff ? "；两份 profile 之间不到 128 MiB 的变化，是普通服务的堆常有的"
                                    : "；整个堆不到 128 MiB，是普通服务常有的大小")
                         : "",
        pool_free_list(t, s) ? "；这是某个池的 Get：池为复用而保留的内存，即按其配置大小的空闲列表" : "",
        next_step(t, true));
    if (s->mech) {
        fd->source = s->mech->source;
        gmx_finding_add_text(fd, "signature", gmx_findings_printf(out, "%s", s->mech->name));
    }
    return GMX_OK;
}

gmx_code gmx_ptop_suspects(const gmx_ptop_info *t, gmx_findings *out)
{
    if (!t || !t->ntop)
        return GMX_OK;
    suspect s[MAX_SUSPECTS];
    size_t n = pick(t, s);
    wait w = t->goroutines ? table_wait(t) : (wait){ GMX_CAT_NONE, 0 };
    for (size_t i = 0; i < n; i++) {
        gmx_code rc = add(t, &s[i], w, out);
        if (rc != GMX_OK)
            return rc;
    }
    return GMX_OK;
}
