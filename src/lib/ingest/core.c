/* A core dump and its binary into a goroutine snapshot: the core's
 * goroutines go into the same buckets a dump's do. */
#include "gomemdx/core.h"
#include "gomemdx/heap.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "util/alloc.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static gmx_str signal_name(int sig)
{
    static const struct { int sig; const char *name; } names[] = {
        { SIGABRT, "SIGABRT: abort" }, { SIGSEGV, "SIGSEGV: segmentation violation" },
        { SIGQUIT, "SIGQUIT: quit" },  { SIGBUS, "SIGBUS: bus error" },
        { SIGILL, "SIGILL: illegal instruction" }, { SIGTRAP, "SIGTRAP: trace trap" },
        { SIGFPE, "SIGFPE: floating-point exception" },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].sig == sig)
            return (gmx_str){ names[i].name, strlen(names[i].name) };
    return (gmx_str){ "signal", 6 };
}

/* The core and its binary, read and opened together; free what is not
 * NULL whatever the result. */
typedef struct core_pair {
    gmx_input *core_in, *bin_in;
    gmx_core *core;
} core_pair;

/* The heap walk's pages read for good leave the resident set (a mapped
 * file only: a buffer's would read as zeros). */
static void release_core(void *ctx, size_t offset, size_t len)
{
    gmx_input_release_range(ctx, offset, len);
}

static gmx_code pair_open(core_pair *p, const char *core_path, const char *bin_path,
                          gmx_error *err)
{
    memset(p, 0, sizeof(*p));
    gmx_code rc = gmx_input_open(core_path, &p->core_in, err);
    if (rc == GMX_OK)
        rc = gmx_input_open(bin_path, &p->bin_in, err);
    if (rc == GMX_OK)
        rc = gmx_core_open(core_path, gmx_input_data(p->core_in), gmx_input_size(p->core_in),
                           bin_path, gmx_input_data(p->bin_in), gmx_input_size(p->bin_in),
                           &p->core, err);
    if (rc == GMX_OK && gmx_input_mapped(p->core_in))
        gmx_core_set_release(p->core, release_core, p->core_in);
    return rc;
}

static void pair_close(core_pair *p)
{
    gmx_core_free(p->core);
    gmx_input_free(p->core_in);
    gmx_input_free(p->bin_in);
}

gmx_code gmx_ingest_core_pair(const char *core_path, const char *const *bins, size_t nbins,
                              const gmx_ingest_options *opts, gmx_gsnapshot *snap,
                              gmx_core_heap *heap, gmx_error *heap_err, size_t *used,
                              gmx_error *err)
{
    gmx_code rc = gmx_error_set(err, GMX_EUSAGE, "%s: no executable to read the core with",
                                core_path);
    for (size_t i = 0; i < nbins; i++) {
        rc = gmx_ingest_core_with_heap(core_path, bins[i], opts, snap, NULL, heap, heap_err, err);
        if (rc == GMX_OK) {
            *used = i;
            return GMX_OK;
        }
    }
    return rc;
}

gmx_code gmx_ingest_core(const char *core_path, const char *bin_path,
                         const gmx_ingest_options *opts, gmx_gsnapshot *snap,
                         gmx_core_info *info, gmx_error *err)
{
    return gmx_ingest_core_with_heap(core_path, bin_path, opts, snap, info, NULL, NULL, err);
}

/* Who holds the heap, beside it: a retention that cannot be read is said
 * in the heap (retention_error), memory running out fails the read. */
static gmx_code attach_retention(gmx_core *core, gmx_core_heap *heap, gmx_error *err)
{
    enum { HOLDERS = 8 };
    gmx_error e = { 0 };
    gmx_core_retention *r = gmx_calloc(1, sizeof(*r));
    gmx_code rc = r ? gmx_core_heap_retention(core, HOLDERS, false, r, &e) : GMX_ENOMEM;
    if (rc == GMX_OK) {
        heap->retention = r;
        return GMX_OK;
    }
    gmx_free(r);
    if (rc == GMX_ENOMEM)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory marking the heap of the core");
    snprintf(heap->retention_error, sizeof(heap->retention_error), "%s", e.message);
    return GMX_OK;
}

/* Each goroutine into the buckets with the heap its stack reached first,
 * when the heap was marked. */
typedef struct held_adder {
    gmx_gbuckets *buckets;
    const gmx_core_retention *retention;
} held_adder;

static int add_with_heap(void *ctx, const gmx_goroutine *g)
{
    const held_adder *a = ctx;
    const gmx_core_goroutine_hold *h = gmx_core_retention_goroutine(a->retention, g->id);
    if (!h)
        return gmx_gbuckets_add(a->buckets, g);
    gmx_goroutine with = *g;
    with.heap_bytes = h->bytes;
    return gmx_gbuckets_add(a->buckets, &with);
}

gmx_code gmx_ingest_core_with_heap(const char *core_path, const char *bin_path,
                                   const gmx_ingest_options *opts, gmx_gsnapshot *snap,
                                   gmx_core_info *info, gmx_core_heap *heap,
                                   gmx_error *heap_err, gmx_error *err)
{
    static const gmx_ingest_options none;
    opts = opts ? opts : &none;
    memset(snap, 0, sizeof(*snap));
    if (heap)
        memset(heap, 0, sizeof(*heap));
    gmx_core_info local;
    info = info ? info : &local;
    core_pair pair;
    gmx_code rc = pair_open(&pair, core_path, bin_path, err);
    if (rc == GMX_OK) {
        snap->owned_name = gmx_strndup(core_path, strlen(core_path));
        snap->name = snap->owned_name;
        snap->buckets = gmx_gbuckets_new(&opts->limits);
        if (!snap->owned_name || !snap->buckets)
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", core_path);
    }
    /* the heap first, from the same open core, so that each goroutine
     * carries what its stack holds; a heap that cannot be read leaves the
     * goroutines standing, unless memory ran out */
    gmx_code hrc = GMX_EFORMAT;
    if (rc == GMX_OK && heap && (hrc = gmx_core_heap_walk(pair.core, heap, heap_err)) == GMX_ENOMEM)
        rc = gmx_error_set(err, GMX_ENOMEM, "%s", heap_err->message);
    if (rc == GMX_OK && heap && hrc == GMX_OK)
        rc = attach_retention(pair.core, heap, err);
    if (rc == GMX_OK && heap && heap->retention) {
        held_adder adder = { snap->buckets, heap->retention };
        rc = gmx_core_goroutines(pair.core, add_with_heap, &adder, info, err);
    } else if (rc == GMX_OK) {
        rc = gmx_core_goroutines(pair.core, gmx_gbuckets_add, snap->buckets, info, err);
    }
    if (rc == GMX_OK)
        rc = gmx_gbuckets_finish(snap->buckets);
    if (rc == GMX_OK) {
        snap->info.goroutines = info->goroutines;
        snap->info.threads = info->threads;
        /* gcore stops the process: SIGSTOP is no crash */
        if (info->signal && info->signal != SIGSTOP) {
            snap->info.kind = GMX_DUMP_SIGNAL;
            snap->info.message = signal_name(info->signal);
        }
    }
    pair_close(&pair);
    if (rc != GMX_OK) {
        gmx_gsnapshot_release(snap);
        if (heap)
            gmx_core_heap_release(heap);
    }
    return rc;
}

gmx_code gmx_ingest_core_heap(const char *core_path, const char *bin_path, gmx_core_heap *heap,
                              gmx_error *err)
{
    memset(heap, 0, sizeof(*heap));
    core_pair pair;
    gmx_code rc = pair_open(&pair, core_path, bin_path, err);
    if (rc == GMX_OK)
        rc = gmx_core_heap_walk(pair.core, heap, err);
    pair_close(&pair);
    return rc;
}

gmx_code gmx_ingest_core_retention(const char *core_path, const char *bin_path, size_t max_holders,
                                   bool with_paths, gmx_core_retention *out, gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    core_pair pair;
    gmx_code rc = pair_open(&pair, core_path, bin_path, err);
    if (rc == GMX_OK)
        rc = gmx_core_heap_retention(pair.core, max_holders, with_paths, out, err);
    pair_close(&pair);
    return rc;
}

gmx_code gmx_ingest_core_hsnapshot(const char *core_path, const char *bin_path,
                                   gmx_hsnapshot **out, gmx_error *err)
{
    *out = NULL;
    gmx_core_heap heap;
    gmx_code rc = gmx_ingest_core_heap(core_path, bin_path, &heap, err);
    if (rc != GMX_OK)
        return rc;
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    if (!h)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == GMX_OK && i < heap.nrows; i++) {
        const gmx_core_heap_row *r = &heap.rows[i];
        char name[200];
        gmx_core_heap_row_name(r, false, name, sizeof(name));
        gmx_frame f = { { name, strlen(name) }, { "", 0 }, 0 };
        /* a core holds what is live, not what was allocated since start */
        rc = gmx_hsnapshot_add_sized(h, &f, 1, (int64_t)r->objects, (int64_t)r->bytes,
                                     (int64_t)r->objects, (int64_t)r->bytes, (int64_t)r->elem_size);
        if (rc != GMX_OK)
            rc = gmx_error_set(err, rc, "%s: %s", core_path, gmx_code_name(rc));
    }
    if (rc == GMX_OK) {
        gmx_memstats *m = &gmx_hsnapshot_info_of(h)->memstats;
        m->present = heap.has_stats || heap.has_pages_in_use;
        m->heap_inuse = heap.span_bytes;
        m->heap_alloc = m->alloc = heap.bytes;
        m->heap_objects = heap.objects;
        *out = h;
    } else {
        gmx_hsnapshot_free(h);
    }
    gmx_core_heap_release(&heap);
    return rc;
}
