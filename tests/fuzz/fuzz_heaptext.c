/* Fuzz target: the heap profile debug=1 text into a bounded heap snapshot,
 * records without "#" lines named by a made-up symbolizer (as --binary) on
 * odd-sized inputs, written as addresses on the others; and the text as
 * the profile model top reads. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gomemdx/convert.h"
#include "gomemdx/heaptext.h"
#include "fake_symbolizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_hsnapshot *h = gmx_hsnapshot_new(64);
    if (!h)
        return 0;
    gmx_error err;
    gmx_heaptext_sniff(data, size);
    gmx_symbolizer sym = { fake_frames, NULL };
    gmx_symbolized named;
    if (gmx_heaptext_parse_named("fuzz", data, size, h, size % 2 ? &sym : NULL, &named, &err) ==
        GMX_OK) {
        if (named.named > named.unnamed)
            __builtin_trap();
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
    /* top, peek and list: the text as a profile model, through the encoder */
    gmx_profile *p;
    if (gmx_convert_heap_text("fuzz", data, size, NULL, &p, &named, &err) == GMX_OK)
        gmx_profile_free(p);
    return 0;
}
