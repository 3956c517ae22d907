/* Fuzz target: the heap walk over a damaged core. The input is a list of
 * patches to the Go 1.19 lab core (testdata/core/go1.19/notifier, the path
 * given at build time): each 14-byte record {segment, width, offset, value}
 * overwrites 1 to 8 bytes of one of the core's loaded segments (the segment
 * and offset taken modulo what there is), so that mutations land in the
 * runtime's structures (mheap_, heapArena, mspan, allocBits, memstats) as
 * often as in the heap itself. Then the core is opened with its binary and
 * its heap walked, then marked from its roots (globals, goroutine stacks):
 * every count must stay bounded, every read in bounds, the mark within what
 * is allocated and each chain's bytes shrinking from its root down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/elf_file.h"
#include "gomemdx/core.h"
#include "util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { RECORD = 14, MAX_PATCHES = 64 };

static uint8_t *core_bytes, *bin_bytes;
static size_t core_len, bin_len;
static elf_segment *segs;
static size_t nsegs;

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = len > 0 ? malloc((size_t)len) : NULL;
    if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *n = p ? (size_t)len : 0;
    return p;
}

static bool load_fixture(void)
{
    if (core_bytes)
        return true;
    core_bytes = slurp(GMX_CORE_FILE, &core_len);
    bin_bytes = slurp(GMX_CORE_BIN, &bin_len);
    elf_file f;
    if (!core_bytes || !bin_bytes || gmx_elf_file_open(&f, "core", core_bytes, core_len, false, NULL) != GMX_OK) {
        fprintf(stderr, "fuzz_coreheap: cannot read %s and %s\n", GMX_CORE_FILE, GMX_CORE_BIN);
        abort();
    }
    segs = malloc((f.nsegs ? f.nsegs : 1) * sizeof(*segs));
    for (size_t i = 0; segs && i < f.nsegs; i++)
        if (f.segs[i].filesz)
            segs[nsegs++] = f.segs[i];
    gmx_elf_file_release(&f);
    return segs && nsegs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!load_fixture())
        return 0;
    uint8_t *core = malloc(core_len);
    if (!core)
        return 0;
    memcpy(core, core_bytes, core_len);
    for (size_t r = 0; r < size / RECORD && r < MAX_PATCHES; r++) {
        const uint8_t *p = data + r * RECORD;
        const elf_segment *s = &segs[p[0] % nsegs];
        size_t width = (size_t)(p[1] % 8) + 1;
        uint32_t off;
        memcpy(&off, p + 2, 4);
        if (s->filesz < width)
            continue;
        size_t at = (size_t)(s->offset + off % (s->filesz - width + 1));
        if (at + width <= core_len)
            memcpy(core + at, p + 6, width);
    }
    gmx_core *c = NULL;
    if (gmx_core_open("core", core, core_len, "bin", bin_bytes, bin_len, &c, NULL) == GMX_OK) {
        gmx_core_heap h;
        if (gmx_core_heap_walk(c, &h, NULL) == GMX_OK) {
            uint64_t objects = 0;
            for (size_t i = 0; i < h.nrows; i++)
                objects += h.rows[i].objects;
            if (objects != h.objects)
                abort();
            gmx_core_heap_release(&h);
        }
        gmx_core_retention r;
        if (gmx_core_heap_retention(c, 4, true, &r, NULL) == GMX_OK) {
            if (r.marked_objects > r.allocated_objects || r.marked_bytes > r.allocated_bytes ||
                r.nholders > 4)
                abort();
            for (size_t i = 0; i < r.nholders; i++) {
                const gmx_core_holder *hd = &r.holders[i];
                if (hd->nchain < 1 || hd->holder >= hd->nchain || hd->bytes > r.marked_bytes)
                    abort();
                for (size_t k = 1; k < hd->nchain; k++)
                    if (!hd->chain[k].elided && !hd->chain[k - 1].elided &&
                        hd->chain[k].bytes > hd->chain[k - 1].bytes)
                        abort();
            }
            gmx_core_retention_release(&r);
        }
        gmx_core_free(c);
    }
    free(core);
    return 0;
}
