/* Fuzz target: full goroutine dump text through the whole goroutine
 * pipeline (parse, bucket, classify, rank, render), as `gomemdx goroutines`
 * runs it; then parsed again as text a terminal wrapped. */
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/analyze.h"
#include "gomemdx/goroutine.h"
#include "gomemdx/report.h"
#include "fuzz_goroutines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_gbuckets_limits limits = { .max_buckets = 64, .max_bytes = 1 << 20 };
    gmx_gsnapshot snap = { .name = "fuzz" };
    snap.buckets = gmx_gbuckets_new(&limits);
    if (!snap.buckets)
        return 0;
    gmx_error err;
    gmx_goroutine_dump_sniff(data, size);
    if (gmx_goroutine_dump_parse("fuzz", data, size, gmx_gbuckets_add, snap.buckets, &snap.info,
                                 &err) == GMX_OK &&
        gmx_gbuckets_finish(snap.buckets) == GMX_OK) {
        fuzz_analyse_and_render(&snap, 2);
    }
    gmx_gbuckets_free(snap.buckets);

    /* The same text as a pager may have numbered it, a terminal wrapped it
     * or a test runner indented it: as learned from it, or else as the
     * first byte picks, so that the repairs run on every input. */
    gmx_text_layout layout = gmx_text_layout_learn(data, size);
    if (!layout.pager && !layout.wrap.width && !layout.margin && size)
        layout = (gmx_text_layout){ data[0] & 2, { data[0] & 4 ? 0 : 40 + data[0] % 80u, data[0] & 1 },
                                    data[0] & 8 ? 0 : (unsigned)(data[0] >> 4),
                                    (unsigned)(data[0] >> 5) * 2, data[0] & 16 };
    gmx_gbuckets *joined = gmx_gbuckets_new(&limits);
    if (!joined)
        return 0;
    gmx_dump_info info;
    if (gmx_goroutine_dump_parse_repaired("fuzz", data, size, &layout, gmx_gbuckets_add, joined, &info,
                                         &err) == GMX_OK)
        gmx_gbuckets_finish(joined);
    gmx_gbuckets_free(joined);
    return 0;
}
