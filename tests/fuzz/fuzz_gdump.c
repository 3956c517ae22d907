/* Fuzz target: full goroutine dump text through the whole goroutine
 * pipeline (parse, bucket, classify, rank, render), as `gomemdx goroutines`
 * runs it. */
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
    return 0;
}
