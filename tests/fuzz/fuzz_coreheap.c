/* Fuzz target: the heap walk over a damaged core. The input is a list of
 * patches to the Go 1.19 lab core (testdata/core/go1.19/notifier, the path
 * given at build time): each 14-byte record {segment, width, offset, value}
 * overwrites 1 to 8 bytes of one of the core's loaded segments (the segment
 * and offset taken modulo what there is), so that mutations land in the
 * runtime's structures (mheap_, heapArena, mspan, allocBits, memstats) as
 * often as in the heap itself. Then the core is opened with its binary and
 * its heap walked, then marked from its roots (globals, goroutine stacks),
 * its chains typed from DWARF: every count must stay bounded, every read in bounds, the mark within what
 * is allocated and each chain's bytes shrinking from its root down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/elf_file.h"
#include "gomemdx/core.h"
#include "util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { RECORD = 14, MAX_PATCHES = 64 };

/* Seven fixtures: the notifier core; (an input of whole records plus one
 * byte, odd) the checkout core, whose chains pass through maps, interfaces
 * and method values: the typed walk's DWARF reading (dwarf_types.c,
 * heap_typed.c) over damaged heap words; (whole records plus two bytes) the
 * Go 1.27 accounts core: malloc headers, pointer masks built on demand, a
 * chain rooted at a global the linker laid out for a pointer; (plus three
 * bytes) the Go 1.19 outbox core: a frame's words typed as fitting, a linked
 * list of thousands of nodes; (plus four) the Go 1.19 geocoder core: a
 * channel's buffer typed by the elemtype read from its runtime struct; (plus
 * five) the Go 1.19 docsite core: a tree of nodes and children arrays; (plus
 * six) the Go 1.19 tilecache core: a frame's stale copy of a struct member,
 * typed by searching the structs the frame's other words point to; (plus
 * seven) the Go 1.19 printshop core: like containers in the elements of an
 * inline array (a pool's size classes), each sibling typed from the parent;
 * (plus eight) the Go 1.19 faresearch core: a holder whose objects the
 * goroutines' frames point to as well (a server's connections), found by a
 * second scan of the stacks. */
typedef struct fixture {
    const char *core_path, *bin_path;
    uint8_t *core_bytes, *bin_bytes;
    size_t core_len, bin_len;
    elf_segment *segs;
    size_t nsegs;
} fixture;

#ifndef GMX_CHECKOUT_CORE
#define GMX_CHECKOUT_CORE GMX_CORE_FILE
#define GMX_CHECKOUT_BIN GMX_CORE_BIN
#endif
#ifndef GMX_ACCOUNTS_CORE
#define GMX_ACCOUNTS_CORE GMX_CORE_FILE
#define GMX_ACCOUNTS_BIN GMX_CORE_BIN
#endif
#ifndef GMX_OUTBOX_CORE
#define GMX_OUTBOX_CORE GMX_CORE_FILE
#define GMX_OUTBOX_BIN GMX_CORE_BIN
#endif
#ifndef GMX_GEOCODER_CORE
#define GMX_GEOCODER_CORE GMX_CORE_FILE
#define GMX_GEOCODER_BIN GMX_CORE_BIN
#endif
#ifndef GMX_DOCSITE_CORE
#define GMX_DOCSITE_CORE GMX_CORE_FILE
#define GMX_DOCSITE_BIN GMX_CORE_BIN
#endif
#ifndef GMX_TILECACHE_CORE
#define GMX_TILECACHE_CORE GMX_CORE_FILE
#define GMX_TILECACHE_BIN GMX_CORE_BIN
#endif
#ifndef GMX_PRINTSHOP_CORE
#define GMX_PRINTSHOP_CORE GMX_CORE_FILE
#define GMX_PRINTSHOP_BIN GMX_CORE_BIN
#endif
#ifndef GMX_FARESEARCH_CORE
#define GMX_FARESEARCH_CORE GMX_CORE_FILE
#define GMX_FARESEARCH_BIN GMX_CORE_BIN
#endif
static fixture fixtures[9] = { { GMX_CORE_FILE, GMX_CORE_BIN, NULL, NULL, 0, 0, NULL, 0 },
                               { GMX_CHECKOUT_CORE, GMX_CHECKOUT_BIN, NULL, NULL, 0, 0, NULL, 0 },
                               { GMX_ACCOUNTS_CORE, GMX_ACCOUNTS_BIN, NULL, NULL, 0, 0, NULL, 0 },
                               { GMX_OUTBOX_CORE, GMX_OUTBOX_BIN, NULL, NULL, 0, 0, NULL, 0 },
                               { GMX_GEOCODER_CORE, GMX_GEOCODER_BIN, NULL, NULL, 0, 0, NULL, 0 },
                               { GMX_DOCSITE_CORE, GMX_DOCSITE_BIN, NULL, NULL, 0, 0, NULL, 0 },
                               { GMX_TILECACHE_CORE, GMX_TILECACHE_BIN, NULL, NULL, 0, 0, NULL, 0 },
                               { GMX_PRINTSHOP_CORE, GMX_PRINTSHOP_BIN, NULL, NULL, 0, 0, NULL, 0 },
                               { GMX_FARESEARCH_CORE, GMX_FARESEARCH_BIN, NULL, NULL, 0, 0, NULL, 0 } };

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

static bool load_fixture(fixture *x)
{
    if (x->core_bytes)
        return true;
    x->core_bytes = slurp(x->core_path, &x->core_len);
    x->bin_bytes = slurp(x->bin_path, &x->bin_len);
    elf_file f;
    if (!x->core_bytes || !x->bin_bytes ||
        gmx_elf_file_open(&f, "core", x->core_bytes, x->core_len, false, NULL) != GMX_OK) {
        fprintf(stderr, "fuzz_coreheap: cannot read %s and %s\n", x->core_path, x->bin_path);
        abort();
    }
    x->segs = malloc((f.nsegs ? f.nsegs : 1) * sizeof(*x->segs));
    for (size_t i = 0; x->segs && i < f.nsegs; i++)
        if (f.segs[i].filesz)
            x->segs[x->nsegs++] = f.segs[i];
    gmx_elf_file_release(&f);
    return x->segs && x->nsegs;
}

/* What the typed walk names: bounded, and consistent with its role. */
static void check_typed(const gmx_core_hold_step *s)
{
    if ((s->via && strlen(s->via) >= 128) || (s->container && !s->container_type) ||
        (s->role >= GMX_STEP_MAP_DIRECTORY && s->role <= GMX_STEP_MAP_BUCKETS && !s->of))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t extra = size % RECORD;
    fixture *x = &fixtures[extra >= 2 && extra <= 8 ? extra : extra == 1 && (data[size - 1] & 1)];
    if (!load_fixture(x))
        return 0;
    size_t core_len = x->core_len, nsegs = x->nsegs;
    const elf_segment *segs = x->segs;
    uint8_t *core = malloc(core_len);
    if (!core)
        return 0;
    memcpy(core, x->core_bytes, core_len);
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
    if (gmx_core_open("core", core, core_len, "bin", x->bin_bytes, x->bin_len, &c, NULL) == GMX_OK) {
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
                if (hd->nchain < 1 || hd->holder >= hd->nchain || hd->bytes > r.marked_bytes ||
                    hd->like_bytes > r.marked_bytes || hd->framed_goroutines > hd->framed ||
                    hd->framed > hd->chain[hd->holder].children)
                    abort();
                for (size_t k = 1; k < hd->nchain; k++) {
                    if (!hd->chain[k].elided && !hd->chain[k - 1].elided &&
                        hd->chain[k].bytes > hd->chain[k - 1].bytes)
                        abort();
                    check_typed(&hd->chain[k]);
                }
            }
            gmx_core_retention_release(&r);
        }
        gmx_core_free(c);
    }
    free(core);
    return 0;
}
