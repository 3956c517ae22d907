/* Fuzz target: the /debug/pprof/ index page reader (parse/pindex.c). */
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_msample m;
    gmx_error err;
    if (gmx_metrics_pprof_index_sniff(data, size))
        (void)gmx_metrics_pprof_index_parse("fuzz", data, size, &m, &err);
    return 0;
}
