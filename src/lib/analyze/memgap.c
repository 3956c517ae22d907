/* MemStats HeapInuse climbing over a flat heap profile. A heap profile
 * reports the heap as of the last completed GC (sampled every 512 KiB of
 * allocation); MemStats reports it now, garbage not yet collected
 * included. Growth in the one and not the other is not a leaking site:
 * it is garbage the GC lets accumulate (GOGC, GOMEMLIMIT), or profiles
 * taken without a GC between them. A warning when the climb is steep and
 * large, else information: there is no site to fix. */
#include "analyze/memgap.h"

#include <stdint.h>

#define MIB (1024.0 * 1024.0)
#define MIN_RISE (32 * MIB)
#define WARN_RISE (256 * MIB)

gmx_code gmx_memstats_vs_profile(const gmx_series *memstats, const gmx_series *heap,
                                 gmx_findings *out)
{
    if (!memstats || !heap || memstats->n < 2 || heap->n < 2)
        return GMX_OK;
    double m0 = memstats->points[0].value, m1 = memstats->points[memstats->n - 1].value;
    double h0 = heap->points[0].value, h1 = heap->points[heap->n - 1].value;
    if (m0 <= 0 || m1 - m0 < MIN_RISE || m1 < 1.5 * m0 || h1 > 1.1 * h0)
        return GMX_OK;
    gmx_finding *fd = gmx_findings_add(out);
    if (!fd)
        return GMX_ENOMEM;
    fd->category = GMX_CAT_HEAP_GROWTH;
    fd->severity = m1 - m0 >= WARN_RISE && m1 >= 2 * m0 ? GMX_SEV_WARNING : GMX_SEV_INFO;
    fd->score = (m1 - m0) / MIB / 1024.0;
    fd->has_bytes = true;
    fd->bytes = (uint64_t)m1;
    fd->title = gmx_findings_printf(out, "MemStats HeapInuse climbs %.1f → %.1f MiB while the heap "
                                    "profile stays at %.1f → %.1f MiB",
                                    m0 / MIB, m1 / MIB, h0 / MIB, h1 / MIB);
    fd->title_zh = gmx_findings_printf(out, "MemStats HeapInuse 从 %.1f 升到 %.1f MiB，而堆 profile "
                                       "一直在 %.1f → %.1f MiB",
                                       m0 / MIB, m1 / MIB, h0 / MIB, h1 / MIB);
    fd->why = gmx_findings_printf(
        out, "a heap profile is the heap as of the last completed GC, MemStats the heap now: "
             "what grows here is not held by any site the profile samples — garbage the GC lets "
             "pile up (GOGC, GOMEMLIMIT), or profiles taken with no GC between them");
    fd->why_zh = gmx_findings_printf(
        out, "堆 profile 反映的是上一次 GC 完成时的堆，MemStats 反映的是此刻的堆：这里增长的部分"
             "不属于 profile 采样到的任何分配点——是 GC 允许堆积的垃圾（GOGC、GOMEMLIMIT），"
             "或两次取 profile 之间没有发生 GC");
    fd->advice = "Take the heap profile after a collection (/debug/pprof/heap?gc=1) to see what "
                 "is really held; if it stays flat, bound the heap with GOMEMLIMIT or a lower GOGC "
                 "rather than hunting a leak.";
    fd->advice_zh = "在一次 GC 之后取堆 profile（/debug/pprof/heap?gc=1）看真正被持有的内存；如果"
                    "仍然持平，用 GOMEMLIMIT 或更低的 GOGC 约束堆的大小，而不是去找泄露。";
    gmx_finding_add_number(fd, "memstats_heap_inuse_first", m0);
    gmx_finding_add_number(fd, "memstats_heap_inuse_last", m1);
    gmx_finding_add_number(fd, "profile_inuse_first", h0);
    gmx_finding_add_number(fd, "profile_inuse_last", h1);
    return GMX_OK;
}
