/* What the fuzz targets name raw addresses with, in place of an
 * executable's .gopclntab (--binary). */
#ifndef GMX_FUZZ_FAKE_SYMBOLIZER_H
#define GMX_FUZZ_FAKE_SYMBOLIZER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gomemdx/goroutine.h"

/* A symbolizer of made-up names, a function of the address alone: one or
 * two positions (an inlined call in its caller), none for a third of them. */
static inline size_t fake_frames(void *ctx, uint64_t address, gmx_frame *out, size_t max)
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

#endif
