/* Fuzz target: the heap profile debug=1 text into a bounded heap snapshot. */
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/heaptext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_hsnapshot *h = gmx_hsnapshot_new(64);
    if (!h)
        return 0;
    gmx_error err;
    gmx_heaptext_sniff(data, size);
    if (gmx_heaptext_parse("fuzz", data, size, h, &err) == GMX_OK) {
        size_t chars = 0;
        for (size_t i = 0; i < gmx_hsnapshot_count(h); i++) {
            const gmx_hsite *s = gmx_hsnapshot_at(h, i);
            for (uint32_t k = 0; k < s->nframes; k++)
                chars += s->frames[k].func.n + s->frames[k].file.n;
        }
        gmx_hsite t = gmx_hsnapshot_total(h);
        (void)t;
        (void)chars;
    }
    gmx_hsnapshot_free(h);
    return 0;
}
