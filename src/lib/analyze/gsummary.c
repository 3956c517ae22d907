/* The goroutine report's one-line summary: how many goroutines in how many
 * stacks, or how their number moved over the snapshots and which stack
 * carried most of the move. */
#include "analyze/gsummary.h"
#include "util/fmt.h"
#include "util/str.h"

#include <stdint.h>

static void set_summary(gmx_findings *out, bool zh, gmx_str summary)
{
    (zh ? gmx_findings_set_summary_zh : gmx_findings_set_summary)(out, summary);
}

/* How many buckets hold no frame, only a count: with their creator
 * (with_creator; a histogram of creators) or without one (a histogram of
 * states). Such a set has no stacks to speak of. */
static size_t counted_by(const gmx_gbuckets *set, bool with_creator)
{
    size_t k = 0;
    for (size_t i = 0; i < gmx_gbuckets_count(set); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        k += !b->nframes && b->has_creator == with_creator;
    }
    return k;
}

static void summarise_counts(gmx_findings *out, bool zh, const gmx_gsnapshot *snaps, size_t n)
{
    uint64_t last = gmx_gbuckets_total(snaps[n - 1].buckets);
    size_t nb = gmx_gbuckets_count(snaps[n - 1].buckets);
    uint64_t overflow = gmx_gbuckets_overflow(snaps[n - 1].buckets);
    /* Past the limit on distinct stacks the result is partial: say so. */
    if (last == 0)
        /* a fatal error's line pasted without the goroutines under it */
        set_summary(out, zh, zh ? GMX_STR_LIT("输入中没有 goroutine 的栈。")
                                : GMX_STR_LIT("No goroutine's stack is in the input."));
    else if (overflow)
        set_summary(out, zh, gmx_findings_printf(
                                 out, zh ? "%s 个 goroutine，分属 %zu 个不同的栈；另有 %s 个在超出上限的"
                                           "栈中，只计数未分组（结果不完整）。"
                                         : "%s goroutines in %zu distinct stacks, and %s more in "
                                           "stacks past that limit, counted but not grouped (partial).",
                                 gmx_fmt_count_text(last - overflow).s, nb, gmx_fmt_count_text(overflow).s));
    else if (counted_by(snaps[n - 1].buckets, true) == nb)
        set_summary(out, zh, gmx_findings_printf(out, zh ? "%s 个 goroutine%.0s，来自 %zu 个创建者%.0s"
                                                           "（只有计数，没有栈）。"
                                                         : "%s goroutine%s from %zu creator%s (counts "
                                                           "without stacks).",
                                                 gmx_fmt_count_text(last).s, last == 1 ? "" : "s", nb,
                                                 nb == 1 ? "" : "s"));
    else if (counted_by(snaps[n - 1].buckets, false) == nb)
        set_summary(out, zh, gmx_findings_printf(out, zh ? "%s 个 goroutine%.0s，分属 %zu 种状态%.0s"
                                                           "（只有计数，没有栈）。"
                                                         : "%s goroutine%s in %zu state%s (counts "
                                                           "without stacks).",
                                                 gmx_fmt_count_text(last).s, last == 1 ? "" : "s", nb,
                                                 nb == 1 ? "" : "s"));
    else
        set_summary(out, zh, gmx_findings_printf(out, zh ? "%s 个 goroutine%.0s，分属 %zu 个不同的栈%.0s。"
                                                         : "%s goroutine%s in %zu distinct stack%s.",
                                                 gmx_fmt_count_text(last).s, last == 1 ? "" : "s", nb,
                                                 nb == 1 ? "" : "s"));
}

void gmx_gsummarise(gmx_findings *out, bool zh, const gmx_gsnapshot *snaps, size_t n)
{
    uint64_t last = gmx_gbuckets_total(snaps[n - 1].buckets);
    if (n == 1 || gmx_gbuckets_overflow(snaps[n - 1].buckets)) {
        summarise_counts(out, zh, snaps, n);
        return;
    }
    uint64_t first = gmx_gbuckets_total(snaps[0].buckets);
    /* Which bucket carries most of the change? */
    const gmx_finding *top = NULL;
    int64_t top_delta = 0;
    for (size_t i = 0; i < gmx_findings_count(out); i++) {
        const gmx_finding *fd = gmx_findings_at(out, i);
        if (!fd->nseries)
            continue;
        int64_t d = (int64_t)fd->series[fd->nseries - 1] - (int64_t)fd->series[0];
        if ((first <= last && d > top_delta) || (first > last && d < top_delta)) {
            top = fd;
            top_delta = d;
        }
    }
    if (last == first) {
        set_summary(out, zh, gmx_findings_printf(out, zh ? "goroutine 数量保持在 %llu。"
                                                         : "goroutines stayed at %llu.",
                                                 (unsigned long long)last));
        return;
    }
    const char *verb = last > first ? (zh ? "上升" : "rose") : (zh ? "下降" : "fell");
    if (top && top->has_site)
        set_summary(out, zh, gmx_findings_printf(
                                 out, zh ? "goroutine 数量%s：从 %llu 到 %llu；变化中有 %lld 个%.0s来自"
                                           "同一组栈：%.*s（%.*s:%u）。"
                                         : "goroutines %s from %llu to %llu; %lld of the %s is one "
                                           "bucket: %.*s (%.*s:%u).",
                                 verb, (unsigned long long)first, (unsigned long long)last,
                                 (long long)(top_delta < 0 ? -top_delta : top_delta),
                                 last > first ? "rise" : "fall", (int)top->site.function.n,
                                 top->site.function.p, (int)top->site.file.n, top->site.file.p,
                                 top->site.line));
    else
        set_summary(out, zh, gmx_findings_printf(out, zh ? "goroutine 数量%s：从 %llu 到 %llu。"
                                                         : "goroutines %s from %llu to %llu.",
                                                 verb, (unsigned long long)first,
                                                 (unsigned long long)last));
}
