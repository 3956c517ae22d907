/* core_phases CORE BINARY — how long each part of `gomemdx core` takes on a
 * core, through the public API (bench/core.sh builds and runs it): opening
 * the pair, the goroutines, the heap walk (spans, objects, types) and the
 * mark with its retention, with the heap's rate in MB of heap in use a
 * second. Best of RUNS (env, default 3) for each part. */
#define _POSIX_C_SOURCE 200809L
#include "gomemdx/core.h"
#include "gomemdx/input.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int count(void *ctx, const gmx_goroutine *g)
{
    (void)g;
    ++*(size_t *)ctx;
    return 0;
}

static void release(void *ctx, size_t offset, size_t len)
{
    gmx_input_release_range(ctx, offset, len);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: core_phases CORE BINARY\n");
        return 2;
    }
    int runs = getenv("RUNS") ? atoi(getenv("RUNS")) : 3;
    double best[4] = { 1e9, 1e9, 1e9, 1e9 };
    uint64_t in_use = 0, marked = 0;
    size_t ngor = 0;
    for (int r = 0; r < runs; r++) {
        gmx_input *core_in, *bin_in;
        gmx_core *c;
        gmx_error err = { 0 };
        double t0 = now();
        if (gmx_input_open(argv[1], &core_in, &err) || gmx_input_open(argv[2], &bin_in, &err) ||
            gmx_core_open(argv[1], gmx_input_data(core_in), gmx_input_size(core_in), argv[2],
                          gmx_input_data(bin_in), gmx_input_size(bin_in), &c, &err)) {
            fprintf(stderr, "core_phases: %s\n", err.message);
            return 1;
        }
        if (gmx_input_mapped(core_in))
            gmx_core_set_release(c, release, core_in);
        double t1 = now();
        ngor = 0;
        gmx_core_heap heap;
        struct gmx_core_retention ret;
        if (gmx_core_goroutines(c, count, &ngor, NULL, &err)) {
            fprintf(stderr, "core_phases: %s\n", err.message);
            return 1;
        }
        double t2 = now();
        if (gmx_core_heap_walk(c, &heap, &err)) {
            fprintf(stderr, "core_phases: %s\n", err.message);
            return 1;
        }
        double t3 = now();
        if (gmx_core_heap_retention(c, 10, false, &ret, &err)) {
            fprintf(stderr, "core_phases: %s\n", err.message);
            return 1;
        }
        double t4 = now();
        in_use = heap.span_bytes;
        marked = ret.marked_bytes;
        double d[4] = { t1 - t0, t2 - t1, t3 - t2, t4 - t3 };
        for (int i = 0; i < 4; i++)
            if (d[i] < best[i])
                best[i] = d[i];
        gmx_core_retention_release(&ret);
        gmx_core_heap_release(&heap);
        gmx_core_free(c);
        gmx_input_free(core_in);
        gmx_input_free(bin_in);
    }
    double mb = (double)in_use / 1e6, heap = best[2] + best[3];
    printf("open %.3f s, %zu goroutines %.3f s, heap walk %.3f s, mark and retention %.3f s "
           "(%.1f MB marked): %.0f MB of heap in use at %.0f MB/s (best of %d)\n",
           best[0], ngor, best[1], best[2], best[3], (double)marked / 1e6, mb, mb / heap, runs);
    return 0;
}
