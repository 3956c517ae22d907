/* Fuzz target: the heap profile debug=1 text into a bounded heap snapshot,
 * records without "#" lines named by a made-up symbolizer (as --binary) on
 * odd-sized inputs, written as addresses on the others. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gomemdx/heaptext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A symbolizer of made-up names, a function of the address alone: one or
 * two positions (an inlined call in its caller), none for a third of them. */
static size_t fake_frames(void *ctx, uint64_t address, gmx_frame *out, size_t max)
{
    static const char *const names[] = { "main.a", "main.b", "runtime.c", "main.(*T).d" };
    (void)ctx;
    size_t n = address % 3 == 0 ? 0 : 1 + (address & 1);
    n = n < max ? n : max;
    for (size_t i = 0; i < n; i++) {
        const char *name = names[(address >> (2 * (i + 1))) & 3];
        out[i] = (gmx_frame){ { name, strlen(name) }, { "x.go", 4 }, (uint32_t)(address >> 8) & 63 };
    }
    return n;
}

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
    return 0;
}
