/* Fuzz target: the tolerant goroutine reader (line cleaning, region
 * building, normalization, then the strict grammars over its output) and
 * its sniffer, then the whole goroutine pipeline as `gomemdx goroutines`
 * runs it on a damaged file. */
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
    gmx_goroutine_text_sniff(data, size);
    /* where a pasted dump's wrapper begins and ends (ingest/goroutines.c) */
    size_t from = gmx_goroutine_text_next_header(data, size, 0);
    if (gmx_goroutine_text_stack_end(data, size, from) > size)
        __builtin_trap();
    if (gmx_goroutine_tolerant_parse("fuzz", data, size, gmx_gbuckets_add, snap.buckets,
                                     &snap.info, &err) == GMX_OK &&
        gmx_gbuckets_finish(snap.buckets) == GMX_OK) {
        char line[300];
        gmx_read_report_describe(&snap.info.read, false, line, sizeof(line));
        gmx_read_report_describe(&snap.info.read, true, line, sizeof(line));
        fuzz_analyse_and_render(&snap, 2);
    }
    gmx_gbuckets_free(snap.buckets);
    return 0;
}
