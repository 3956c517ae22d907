/* The words of a goroutine bucket's finding (see gfinding_words.h). */
#include "analyze/gfinding_words.h"
#include "util/fmt.h"
#include "util/str.h"

void gmx_gfinding_state(gmx_finding *fd, const gmx_gbucket *b)
{
    gmx_finding_add_number(fd, "goroutines", (double)b->count);
    gmx_str status = gmx_gstatus(b);
    if (status.n)
        gmx_finding_add_text(fd, "wait_reason", status);
    gmx_finding_add_number(fd, "wait_minutes_min", b->wait_min);
    gmx_finding_add_number(fd, "wait_minutes_median", b->wait_median);
    gmx_finding_add_number(fd, "wait_minutes_max", b->wait_max);
    if (b->leaked)
        gmx_finding_add_number(fd, "leaked", (double)b->leaked);
}

/* What the goroutines of a category are doing, in English and Chinese.
 * A pile judged a leak is told with its cause ("a sync.Cond that is never
 * signalled"); one judged benign (info: a worker by design, too few or too
 * short a wait to tell) only with what it waits on, which the dump shows. */
static const char *doing(gmx_category cat, bool zh, bool leak)
{
    switch (cat) {
    case GMX_CAT_CHAN_SEND_BLOCKED: return zh ? "写 channel 阻塞" : "blocked sending on a channel";
    case GMX_CAT_CHAN_RECV_BLOCKED: return zh ? "读 channel 阻塞" : "blocked receiving from a channel";
    case GMX_CAT_NIL_CHAN: return zh ? "在 nil channel 上永远阻塞" : "blocked forever on a nil channel";
    case GMX_CAT_SELECT_BLOCKED:
        if (!leak)
            return zh ? "在 select 中等待" : "waiting in a select";
        return zh ? "select 阻塞，没有 case 会就绪" : "blocked in a select no case of which becomes ready";
    case GMX_CAT_MUTEX_HELD:
        if (!leak)
            return zh ? "在等待一把互斥锁" : "waiting for a lock";
        return zh ? "在等待一把未释放的互斥锁" : "waiting for a lock that is not released";
    case GMX_CAT_WAITGROUP_MISMATCH:
        if (!leak)
            return zh ? "在等待一个 WaitGroup" : "waiting on a WaitGroup";
        return zh ? "在等待一个永远不归零的 WaitGroup" : "waiting on a WaitGroup that never reaches zero";
    case GMX_CAT_COND_WAIT:
        if (!leak)
            return zh ? "在等待一个 sync.Cond" : "waiting on a sync.Cond";
        return zh ? "在等待一个从未被唤醒的 sync.Cond" : "waiting on a sync.Cond that is never signalled";
    case GMX_CAT_IO_NO_TIMEOUT:
        if (!leak)
            return zh ? "在等待网络 I/O" : "waiting on network I/O";
        return zh ? "在等待没有设置超时的网络 I/O" : "waiting on network I/O without a timeout";
    case GMX_CAT_GOROUTINE_SURGE: return zh ? "创建速度快于结束速度" : "created faster than they finish";
    default: return NULL;
    }
}

/* The title of a bucket's finding, in English or (zh) Chinese: the same
 * arguments for both, the Chinese dropping the plural with %.0s. */
static gmx_str base_title(gmx_findings *out, bool zh, gmx_category cat, const gmx_gbucket *b,
                          const gmx_frame *site, bool has_site, const gmx_gverdict *v, bool leak)
{
    const char *healthy = zh ? v->healthy_zh : v->healthy;
    const char *what = doing(cat, zh, leak);
    if (!what)
        what = healthy ? healthy : (b->nstates || zh ? "" : "goroutines");
    gmx_count_text count = gmx_fmt_count_text(b->count);
    const char *n = count.s;
    const char *s = b->count == 1 ? "" : "s";
    int fn = has_site ? (int)site->func.n : 0;
    const char *fp = has_site ? site->func.p : "";
    const char *in = has_site ? (zh ? "，位于 " : " in ") : "";
    gmx_str status = gmx_gstatus(b);
    if (cat == GMX_CAT_NONE && healthy)
        return gmx_findings_printf(out, zh ? "%s 个 goroutine%.0s：%s" : "%s goroutine%s: %s", n, s,
                                   healthy);
    if (cat == GMX_CAT_NONE && !has_site)
        return gmx_findings_printf(out, zh ? "%s 个 goroutine%.0s 没有符号化的栈帧"
                                           : "%s goroutine%s with no symbolised frames", n, s);
    if (cat == GMX_CAT_NONE && !status.n && b->leaked)
        return gmx_findings_printf(out, zh ? "%s 个 goroutine%.0s 已被运行时证实泄露（goroutineleak "
                                             "profile），位于 %.*s"
                                           : "%s goroutine%s proven leaked by the runtime (goroutineleak "
                                             "profile) in %.*s", n, s, fn, fp);
    if (cat == GMX_CAT_NONE && !status.n && !b->nframes && b->has_creator)
        return gmx_findings_printf(out, zh ? "%s 个 goroutine%.0s 由 %.*s 创建（只知道创建者；"
                                             "debug=2 的 dump 会记录它们停在哪里、为什么）"
                                           : "%s goroutine%s created by %.*s (only their creator is "
                                             "known; a debug=2 dump tells where they wait and why)",
                                   n, s, (int)b->creator.func.n, b->creator.func.p);
    if (cat == GMX_CAT_NONE && !status.n)
        return gmx_findings_printf(out, zh ? "%s 个 goroutine%.0s 停在 %.*s（这种格式不记录原因，"
                                             "debug=2 的 dump 会记录）"
                                           : "%s goroutine%s parked in %.*s (this format does not "
                                             "record why; a debug=2 dump does)", n, s, fn, fp);
    if (cat == GMX_CAT_NONE)
        return gmx_findings_printf(out, zh ? "%s 个 goroutine%.0s [%.*s]%s%.*s"
                                           : "%s goroutine%s [%.*s]%s%.*s", n, s,
                                   (int)status.n, status.p, in, fn, fp);
    return gmx_findings_printf(out, zh ? "%s 个 goroutine%.0s %s%s%.*s" : "%s goroutine%s %s%s%.*s",
                               n, s, what, in, fn, fp);
}

/* The function a goroutine was started on, when no creator is recorded
 * (debug=1 text, protobuf profiles): the outermost frame outside the
 * standard library. It names the goroutines ("the broadcastTxRoutine
 * goroutines") when they park in a library called from it. */
static bool entry_of(const gmx_gbucket *b, const gmx_goroot *root, const gmx_frame *site,
                     gmx_str *entry)
{
    if (b->has_creator)
        return false;
    for (uint32_t i = b->nframes; i-- > 0;) {
        if (gmx_frame_is_std(root, &b->frames[i]))
            continue;
        *entry = b->frames[i].func;
        return !gmx_str_eq(*entry, site->func);
    }
    return false;
}

gmx_str gmx_gfinding_title(gmx_findings *out, bool zh, gmx_category cat, const gmx_gbucket *b,
                           const gmx_goroot *root, const gmx_frame *site, bool has_site,
                           const gmx_gverdict *v, bool leak)
{
    gmx_str t = base_title(out, zh, cat, b, site, has_site, v, leak);
    gmx_str entry;
    if (!has_site || (cat == GMX_CAT_NONE && v->healthy) || !entry_of(b, root, site, &entry))
        return t;
    return gmx_findings_printf(out, zh ? "%.*s（%.*s 的 goroutine）" : "%.*s (goroutines of %.*s)",
                               (int)t.n, t.p, (int)entry.n, entry.p);
}
