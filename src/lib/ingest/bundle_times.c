/* Ordering an incident's artifacts in time: each artifact's own time
 * first (a profile's, a log's, a capture index's), a file's time only when
 * those agree with it, and the order said in the bundle's notes. */
#include "ingest/bundle_impl.h"
#include "util/str.h"

#include <stdint.h>

bool gmx_bundle_evidence(const gmx_artifact *a)
{
    return a->kind != GMX_ART_SKIPPED;
}

int gmx_bundle_by_time_then_path(const void *x, const void *y)
{
    const gmx_artifact *a = x, *b = y;
    /* Evidence first, skipped files last. */
    if ((a->kind == GMX_ART_SKIPPED) != (b->kind == GMX_ART_SKIPPED))
        return a->kind == GMX_ART_SKIPPED ? 1 : -1;
    bool ta = a->time_source != GMX_TIME_NONE, tb = b->time_source != GMX_TIME_NONE;
    if (ta != tb)
        return ta ? -1 : 1;
    if (ta && a->time_ns != b->time_ns)
        return a->time_ns < b->time_ns ? -1 : 1;
    return gmx_natural_cmp(a->path, b->path);
}

static void drop_file_times(gmx_bundle *b, size_t own, size_t file_timed);

/* File times are the least trusted. When artifacts carry times of their
 * own, file times are kept only if those artifacts' files agree with them
 * (the folder was written as the captures were taken); otherwise they are
 * dropped (a copied or checked-out file's time says nothing of when it was
 * taken). When they all agree (or nearly: written in one go) they order
 * nothing. Either way the timeline says so. */
/* File times all within this span were written in one go (a copy, a
 * checkout), not captured over time. */
#define ONE_GO_NS (2LL * 1000000000)
/* A file written as it was captured has a time this close to the time the
 * artifact carries itself (a large profile takes a while to write). */
#define FILE_SLACK_NS (60LL * 1000000000)

void gmx_bundle_settle_times(gmx_bundle *b)
{
    size_t own = 0, file_timed = 0, same = 0, disagree = 0;
    int64_t first_file_time = 0, lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < b->count; i++) {
        gmx_artifact *a = &b->items[i];
        if (!gmx_bundle_evidence(a))
            continue;
        if (a->time_source == GMX_TIME_PROFILE || a->time_source == GMX_TIME_LOG ||
            a->time_source == GMX_TIME_CAPTURE) {
            own++;
            int64_t d = a->file_time_ns - a->time_ns;
            disagree += !a->file_time_ns || d > FILE_SLACK_NS || d < -FILE_SLACK_NS;
        }
        if (a->time_source == GMX_TIME_FILE) {
            if (!file_timed++)
                first_file_time = a->time_ns;
            same += a->time_ns == first_file_time;
            lo = a->time_ns < lo ? a->time_ns : lo;
            hi = a->time_ns > hi ? a->time_ns : hi;
        }
    }
    bool one_go = file_timed > 1 && (same == file_timed || hi - lo < ONE_GO_NS);
    bool drop = file_timed && ((own && disagree) || one_go);
    if (drop)
        drop_file_times(b, own, file_timed);
    /* A heap text with no capture time is ordered by when its samples
     * were taken, and says so. */
    size_t by_gc = 0;
    for (size_t i = 0; i < b->count; i++) {
        gmx_artifact *a = &b->items[i];
        int64_t gc = a->kind == GMX_ART_HEAP ? a->heap_info.time_ns : 0;
        if (gmx_bundle_evidence(a) && a->heap_text && a->time_source == GMX_TIME_NONE && gc) {
            a->time_ns = gc;
            a->time_source = GMX_TIME_LAST_GC;
            by_gc++;
        }
    }
    if (by_gc)
        gmx_bundle_add_note(b, "%zu heap profile text%s dated by %s last GC: when %s samples were taken, not "
                "when %s captured (%s MemStats are untimed)",
             "%zu 个堆 profile 文本%.0s按其最后一次 GC 的时间排序%.0s%.0s%.0s%.0s：那是样本的时间，不是抓取时间（其 MemStats 没有时间）",
             by_gc, by_gc == 1 ? "" : "s", by_gc == 1 ? "its" : "their", by_gc == 1 ? "its" : "their",
             by_gc == 1 ? "it was" : "they were", by_gc == 1 ? "its" : "their");
}

static void drop_file_times(gmx_bundle *b, size_t own, size_t file_timed)
{
    for (size_t i = 0; i < b->count; i++) {
        gmx_artifact *a = &b->items[i];
        if (gmx_bundle_evidence(a) && a->time_source == GMX_TIME_FILE) {
            a->time_source = GMX_TIME_NONE;
            a->time_ns = 0;
            a->metrics.time_ns = 0;
        }
    }
    gmx_bundle_add_note(b,
         own ? "%zu file%s no timestamp of %s own: ordered by name after the timed ones"
             : "%zu file%s no timestamp of %s own and were written within 2 s of each other: "
               "ordered by name after the timed ones",
         own ? "%zu 个文件%.0s没有自己的时间戳%.0s：按文件名排在有时间的文件之后"
             : "%zu 个文件%.0s没有自己的时间戳%.0s，且文件时间彼此相差不到 2 秒：按文件名排在有时间的文件之后",
         file_timed, file_timed == 1 ? " carries" : "s carry", file_timed == 1 ? "its" : "their");
}
