/* Fuzz target: go tool pprof -top / -list text into a heap snapshot, and
 * its sniffer. */
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/ptoptext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_ptoptext_sniff(data, size);
    gmx_hsnapshot *h = gmx_hsnapshot_new(64);
    if (!h)
        return 0;
    gmx_ptop_info info;
    gmx_error err;
    if (gmx_ptoptext_parse("fuzz", data, size, h, &info, &err) == GMX_OK) {
        char line[300];
        gmx_read_report_describe(&info.read, false, line, sizeof(line));
        gmx_read_report_describe(&info.read, true, line, sizeof(line));
        gmx_hsnapshot_total(h);
    }
    gmx_hsnapshot_free(h);
    return 0;
}
