/* Fuzz target: the .gopclntab reader. The input is the table and also
 * go:func.* (at address 0), so inlining trees point into it. Every name it
 * gives is printed as a traceback would (util/goname.c, as the core's
 * goroutines are named): within its bound, never past the buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "gomemdx/pclntab.h"
#include "util/goname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_FUNCS = 64, PCS_PER_FUNC = 48 };

/* A type parameter list of 2 bytes or more becomes "[...]" (5). */
static size_t printed(gmx_str name)
{
    char out[64];
    size_t n = gmx_goname_print(name, out, sizeof(out));
    if (n > name.n / 2 * 5 + 5)
        abort();
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_pclntab *t = NULL;
    gmx_error err;
    if (gmx_pclntab_open("fuzz", data, size, 0, &t, &err) != GMX_OK)
        return 0;
    gmx_pclntab_set_gofunc(t, 0, data, size);
    size_t chars = 0;
    for (size_t i = 0; i < gmx_pclntab_count(t) && i < MAX_FUNCS; i++) {
        gmx_pcfunc f, g;
        if (!gmx_pclntab_func(t, i, &f))
            continue;
        chars += f.name.n + printed(f.name);
        for (uint64_t pc = f.entry; pc < f.entry + PCS_PER_FUNC; pc++) {
            if (!gmx_pclntab_find(t, pc, &g))
                continue;
            int32_t delta;
            gmx_str file;
            uint32_t line;
            gmx_pcframe frames[8];
            gmx_pclntab_spdelta(t, &g, pc, &delta);
            if (gmx_pclntab_line(t, &g, pc, &file, &line))
                chars += file.n;
            size_t n = gmx_pclntab_frames(t, &g, pc, frames, 8);
            for (size_t k = 0; k < n; k++)
                chars += printed(frames[k].func) + frames[k].file.n;
        }
    }
    (void)chars;
    gmx_pclntab_free(t);
    return 0;
}
