/* Fuzz target: runtime metrics pages — every input goes through the
 * expvar JSON, the Prometheus text and the printed-MemStats parsers. */
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_msample s;
    gmx_error err;
    gmx_metrics_expvar_sniff(data, size);
    gmx_metrics_expvar_parse("fuzz", data, size, &s, &err);
    gmx_metrics_prom_sniff(data, size);
    gmx_metrics_prom_parse("fuzz", data, size, &s, &err);
    gmx_memprint_info info;
    gmx_metrics_printed_sniff(data, size);
    gmx_metrics_printed_parse("fuzz", data, size, &s, &info, &err);
    return 0;
}
