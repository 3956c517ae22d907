/* analyze/heap: growing allocation sites and their causes. Snapshots are
 * built by hand here, shaped after the lab's heap cases (checkout, presence,
 * chunkstore, promo); test_accuracy checks the real captures. */
#include "testutil.h"
#include "gomemdx/analyze_heap.h"
#include "util/str.h"

#include <math.h>
#include <string.h>

#define MIB (1024 * 1024)

static const gmx_frame timer_stack[] = {
    { { "time.newTimer", 13 }, { "/usr/lib/go-1.27/src/time/sleep.go", 34 }, 97 },
    { { "time.NewTicker", 14 }, { "/usr/lib/go-1.27/src/time/tick.go", 33 }, 38 },
    { { "main.(*Tracker).touch", 21 }, { "/go/src/presence/main.go", 24 }, 57 },
};
static const gmx_frame cache_stack[] = {
    { { "main.(*Pricer).remember", 23 }, { "/go/src/checkout/main.go", 24 }, 85 },
};
static const gmx_frame buffer_stack[] = {
    { { "main.readChunk", 14 }, { "/go/src/chunkstore/main.go", 26 }, 72 },
};
static const gmx_frame upload_stack[] = {
    { { "main.eligibleSet", 16 }, { "/go/src/promo/main.go", 21 }, 81 },
};
static const gmx_frame spool_stack[] = {
    { { "bytes.growSlice", 15 }, { "/usr/lib/go-1.27/src/bytes/buffer.go", 36 }, 251 },
    { { "bytes.(*Buffer).grow", 20 }, { "/usr/lib/go-1.27/src/bytes/buffer.go", 36 }, 169 },
    { { "bytes.(*Buffer).Write", 21 }, { "/usr/lib/go-1.27/src/bytes/buffer.go", 36 }, 197 },
    { { "main.(*usageSpool).add", 22 }, { "/go/src/meterd/main.go", 22 }, 45 },
};
static const gmx_frame rules_stack[] = {
    { { "main.compile", 12 }, { "/go/src/fraudscore/main.go", 26 }, 54 },
};
static const gmx_frame body_stack[] = {
    { { "io.ReadAll", 10 }, { "/usr/lib/go-1.27/src/io/io.go", 29 }, 712 },
    { { "main.(*receiver).handleChunk", 28 }, { "/go/src/backups/main.go", 23 }, 42 },
};
static const gmx_frame index_stack[] = {
    { { "main.loadIndex", 14 }, { "/go/src/backups/main.go", 23 }, 90 },
};
static const gmx_frame limiter_stack[] = {
    { { "main.(*gateway).limiterFor", 26 }, { "/go/src/tenantgate/main.go", 26 }, 81 },
};
static const gmx_frame request_stack[] = {
    { { "main.(*gateway).handleAPI", 25 }, { "/go/src/tenantgate/main.go", 26 }, 100 },
};
static const gmx_frame steady_stack[] = {
    { { "main.loadConfig", 15 }, { "/go/src/gateway/main.go", 23 }, 40 },
};

/* Three snapshots a minute apart; step is 0, 1, 2. */
static gmx_hsnapshot *snapshot(int step, const gmx_frame *frames, uint32_t n, int64_t objects,
                               int64_t bytes, int64_t allocated, int64_t largest)
{
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_hsnapshot_info_of(h)->time_ns = 1700000000000000000LL + step * 60000000000LL;
    assert_int_equal(gmx_hsnapshot_add(h, frames, n, objects, bytes, objects * 4, allocated), GMX_OK);
    gmx_hsnapshot_note_object_size(h, frames, n, largest);
    /* Every process also holds some memory that does not grow. */
    assert_int_equal(gmx_hsnapshot_add(h, steady_stack, 1, 100, 2 * MIB, 100, 2 * MIB), GMX_OK);
    return h;
}

static const gmx_finding *analyse_one(gmx_hsnapshot *s[3], gmx_findings **f)
{
    *f = gmx_findings_new();
    gmx_error err;
    assert_int_equal(gmx_analyze_heap((const gmx_hsnapshot *const *)s, 3, *f, &err), GMX_OK);
    gmx_findings_rank(*f);
    return gmx_findings_count(*f) ? gmx_findings_at(*f, 0) : NULL;
}

static void release(gmx_hsnapshot *s[3], gmx_findings *f)
{
    gmx_findings_free(f);
    for (int i = 0; i < 3; i++)
        gmx_hsnapshot_free(s[i]);
}

static void expect(gmx_hsnapshot *s[3], gmx_category want, const char *site)
{
    gmx_findings *f;
    const gmx_finding *top = analyse_one(s, &f);
    assert_non_null(top);
    if (top->category != want || !gmx_str_eq_cstr(top->site.function, site))
        fail_msg("got %s at %.*s, want %s at %s", gmx_category_id(top->category),
                 (int)top->site.function.n, top->site.function.p, gmx_category_id(want), site);
    assert_int_equal(gmx_findings_count(f), 1); /* the steady site is not reported */
    release(s, f);
}

static void test_heap__timers_never_stopped(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, timer_stack, 3, 5000 * (i + 1), 1 * MIB * (i + 1), 2 * MIB * (i + 1), 208);
    expect(s, GMX_CAT_TIMER_LEAK, "main.(*Tracker).touch");
}

static void test_heap__finding_shows_its_stack_user_frames_first(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, timer_stack, 3, 5000 * (i + 1), 1 * MIB * (i + 1), 2 * MIB * (i + 1), 208);
    gmx_findings *f;
    const gmx_finding *top = analyse_one(s, &f);
    assert_non_null(top);
    assert_int_equal(top->nstack, 3);
    assert_int_equal(top->nstack_user, 1);
    assert_true(gmx_str_eq_cstr(top->stack[0].func, "main.(*Tracker).touch"));
    assert_int_equal(top->stack[0].line, 57);
    assert_true(gmx_str_eq_cstr(top->stack[1].func, "time.newTimer"));
    assert_true(gmx_str_eq_cstr(top->stack[2].func, "time.NewTicker"));
    release(s, f);
}

static void test_heap__a_map_that_keeps_growing(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    int64_t largest[] = { 64 * 1024, 256 * 1024, 1024 * 1024 };
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, cache_stack, 1, 1000 * (i + 1), 3 * MIB * (i + 1), 6 * MIB * (i + 1),
                        largest[i]);
    expect(s, GMX_CAT_MAP_GROWTH, "main.(*Pricer).remember");
}

static void test_heap__large_buffers_kept_alive(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, buffer_stack, 1, 8 * (i + 1), 8 * MIB * (i + 1), 16 * MIB * (i + 1), MIB);
    expect(s, GMX_CAT_SLICE_RETENTION, "main.readChunk");
}

static void test_heap__per_request_burst_of_allocation(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    /* GiBs allocated per minute, a few MiB kept, not even steadily. */
    int64_t kept[] = { 10 * MIB, 36 * MIB, 30 * MIB };
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, upload_stack, 1, 10, kept[i], (int64_t)7000 * MIB * (i + 1), 4 * MIB);
    expect(s, GMX_CAT_ALLOC_SPIKE, "main.eligibleSet");
}

/* An upload service reading 1 MiB bodies whole at 55 MiB/s, its heap
 * held by an index: the bodies in flight rise from 2 to 6 as agents join,
 * and the site keeps a thousandth of what it allocates. Busy, told (info);
 * the same allocation holding most of the heap is the runbook's burst; a
 * site keeping a fiftieth of it (under a larger index) is a leak of some
 * of the bodies. */
static void test_heap__bodies_in_flight_are_busy_not_a_burst(void **state)
{
    (void)state;
    const int64_t per_minute = (int64_t)3300 * MIB;
    const int64_t held[] = { 2 * MIB, 4 * MIB, 6 * MIB };
    for (int variant = 0; variant < 3; variant++) {
        gmx_hsnapshot *s[3];
        for (int i = 0; i < 3; i++) {
            int64_t kept = variant == 2 ? held[0] + per_minute * i / 50 : held[i];
            s[i] = snapshot(i, body_stack, 2, kept / MIB, kept, per_minute * (i + 1), MIB);
            int64_t index = variant == 2 ? 400 * MIB : 20 * MIB;
            if (variant != 1)
                assert_int_equal(gmx_hsnapshot_add(s[i], index_stack, 1, 40, index, 40, index), GMX_OK);
        }
        gmx_findings *f;
        const gmx_finding *top = analyse_one(s, &f);
        assert_non_null(top);
        assert_true(gmx_str_eq_cstr(top->site.function, "main.(*receiver).handleChunk"));
        if (variant == 0) {
            assert_int_equal(top->severity, GMX_SEV_INFO);
            assert_non_null(strstr(top->why.p, "work in flight"));
        } else if (variant == 1) {
            assert_int_equal(top->category, GMX_CAT_ALLOC_SPIKE);
            assert_int_equal(top->severity, GMX_SEV_CRITICAL);
        } else {
            assert_int_not_equal(top->category, GMX_CAT_ALLOC_SPIKE);
            assert_true(top->severity >= GMX_SEV_WARNING);
        }
        release(s, f);
    }
}

static void test_heap__flat_heap_gives_nothing(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, cache_stack, 1, 1000, 3 * MIB + (i % 2) * 4096, 6 * MIB * (i + 1), 4096);
    gmx_findings *f;
    assert_null(analyse_one(s, &f));
    release(s, f);
}

/* A cache filled while traffic lasted, flat since it stopped: it grew
 * several-fold and holds nearly all the heap, a leak though the trend of
 * the last snapshots is flat. With the traffic, its allocation stopped. */
static void test_heap__grew_then_flat_still_holds_the_heap(void **state)
{
    (void)state;
    gmx_hsnapshot *s[6];
    int64_t bytes[] = { 4 * MIB, 40 * MIB, 41 * MIB, 41 * MIB, 41 * MIB, 41 * MIB };
    int64_t allocated[] = { 50 * MIB, 100 * MIB, 102 * MIB, 102 * MIB, 102 * MIB, 102 * MIB };
    for (int i = 0; i < 6; i++)
        s[i] = snapshot(i, cache_stack, 1, 1000, bytes[i], allocated[i], 4096);
    gmx_findings *f = gmx_findings_new();
    gmx_error err;
    assert_int_equal(gmx_analyze_heap((const gmx_hsnapshot *const *)s, 6, f, &err), GMX_OK);
    gmx_findings_rank(f);
    assert_int_equal(gmx_findings_count(f), 1);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_true(gmx_str_eq_cstr(top->site.function, "main.(*Pricer).remember"));
    assert_true(top->severity >= GMX_SEV_WARNING);
    assert_non_null(strstr(top->why.p, "never let go"));
    gmx_findings_free(f);
    for (int i = 0; i < 6; i++)
        gmx_hsnapshot_free(s[i]);

    /* The same rise that fell back below its peak is not kept. */
    int64_t fell[] = { 4 * MIB, 40 * MIB, 41 * MIB, 20 * MIB, 20 * MIB, 20 * MIB };
    for (int i = 0; i < 6; i++)
        s[i] = snapshot(i, cache_stack, 1, 1000, fell[i], 50 * MIB * (i + 1), 4096);
    f = gmx_findings_new();
    assert_int_equal(gmx_analyze_heap((const gmx_hsnapshot *const *)s, 6, f, &err), GMX_OK);
    assert_int_equal(gmx_findings_count(f), 0);
    gmx_findings_free(f);
    for (int i = 0; i < 6; i++)
        gmx_hsnapshot_free(s[i]);
}

/* A cache that filled from cold, then evicts one entry per new one: the
 * same rise, but it keeps allocating what it holds again and again while
 * in use stays flat. Told (info), not warned of. */
static void test_heap__cache_at_capacity_keeps_allocating(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    int64_t bytes[] = { 2 * MIB, 8 * MIB, 8 * MIB + 4096 };
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, cache_stack, 1, 8 * 1024 * (i + 1), bytes[i], 10 * MIB * (i + 1), 1024);
    gmx_findings *f;
    const gmx_finding *top = analyse_one(s, &f);
    assert_non_null(top);
    assert_int_equal(top->severity, GMX_SEV_INFO);
    assert_non_null(strstr(top->why.p, "levelled off"));
    release(s, f);

    /* Flat at the end and idle: the leak whose traffic stopped is kept. */
    int64_t idle[] = { 10 * MIB, 20 * MIB, 20 * MIB };
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, cache_stack, 1, 8 * 1024 * (i + 1), bytes[i], idle[i], 1024);
    top = analyse_one(s, &f);
    assert_non_null(top);
    assert_true(top->severity >= GMX_SEV_WARNING);
    release(s, f);
}

/* Sampled few, a site can read 40% higher with nothing added: when the
 * process's exact heap (MemStats) fell, a rise within the samples' noise
 * is no growth. HeapInuse, read when the profile is fetched, also counts
 * garbage allocated since the last GC; the heap live at that GC (half of
 * NextGC) is what the profile is as of, and a rise that shows in neither
 * is no growth either. */
static void test_heap__sampling_noise_under_a_falling_heap(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    int64_t bytes[] = { 2 * MIB + MIB / 2, 7 * MIB, 10 * MIB + MIB / 2 };
    for (int i = 0; i < 3; i++) {
        s[i] = snapshot(i, cache_stack, 1, bytes[i] / 1024, bytes[i], 8 * MIB * (i + 1), 1024);
        gmx_hsnapshot_info_of(s[i])->sample_rate = 512 * 1024;
    }
    /* HeapInuse and NextGC per snapshot, and whether the rise is real. */
    static const struct {
        double inuse[3], next_gc[3];
        bool real;
    } cases[] = {
        { { 7.4, 19.6, 15.4 }, { 0, 0, 0 }, false },     /* HeapInuse fell */
        { { 7.4, 12.0, 16.0 }, { 0, 0, 0 }, true },      /* HeapInuse rose with it */
        { { 7.4, 12.0, 16.0 }, { 10, 24, 25 }, false },  /* the garbage since the GC */
        { { 7.4, 12.0, 16.0 }, { 10, 24, 32 }, true },   /* both rose */
    };
    gmx_error err;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        gmx_memstats m[3] = { 0 };
        const gmx_memstats *stats[3];
        for (int i = 0; i < 3; i++) {
            m[i] = (gmx_memstats){ .present = true,
                                   .heap_inuse = (uint64_t)(cases[k].inuse[i] * MIB),
                                   .next_gc = (uint64_t)(cases[k].next_gc[i] * MIB),
                                   .num_gc = 10 + i };
            stats[i] = &m[i];
        }
        gmx_findings *f = gmx_findings_new();
        assert_int_equal(gmx_analyze_heap_exact((const gmx_hsnapshot *const *)s, 3, stats, f, &err),
                         GMX_OK);
        gmx_findings_rank(f);
        assert_int_equal(gmx_findings_count(f), 1);
        assert_int_equal(gmx_findings_at(f, 0)->severity,
                         cases[k].real ? GMX_SEV_CRITICAL : GMX_SEV_INFO);
        gmx_findings_free(f);
    }
    for (int i = 0; i < 3; i++)
        gmx_hsnapshot_free(s[i]);
}

/* Large objects of several sizes (request bodies pinned by substrings)
 * are buffers kept alive: a map's tables are all of one size. */
static void test_heap__large_objects_of_several_sizes(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, buffer_stack, 1, 40 * (i + 1), 40 * (i + 1) * 70 * 1024,
                        80 * (i + 1) * 70 * 1024, 80 * 1024);
    expect(s, GMX_CAT_SLICE_RETENTION, "main.readChunk");
    /* ... and of one size that is no power of two, Swiss tables. */
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, cache_stack, 1, 40 * (i + 1), 40 * (i + 1) * 72 * 1024,
                        80 * (i + 1) * 72 * 1024, 72 * 1024);
    expect(s, GMX_CAT_MAP_GROWTH, "main.(*Pricer).remember");
}

/* One buffer the standard library keeps growing (a spool that is never
 * emptied): its largest object doubles as a map's table would, but the
 * frames say it is a buffer, and it is one object, not many kept alive. */
static void test_heap__one_buffer_that_keeps_growing(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    int64_t size[] = { 2 * MIB, 4 * MIB, 8 * MIB };
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, spool_stack, 4, 1, size[i], 2 * size[i], size[i]);
    expect(s, GMX_CAT_HEAP_GROWTH, "main.(*usageSpool).add");
    /* The same objects allocated by the user's own code: a map's table. */
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, cache_stack, 1, 1, size[i], 2 * size[i], size[i]);
    expect(s, GMX_CAT_MAP_GROWTH, "main.(*Pricer).remember");
}

/* A megabyte of 32-byte objects is two samples at the default rate: a
 * site read as 0, 1 and 2 samples has not grown by what they scale to.
 * Ten times as much is growth. */
static void test_heap__a_rise_within_sampling_noise(void **state)
{
    (void)state;
    for (int scale = 1; scale <= 10; scale += 9) {
        gmx_hsnapshot *s[3];
        for (int i = 0; i < 3; i++) {
            int64_t bytes = scale * i * 512 * 1024;
            s[i] = snapshot(i, rules_stack, 1, bytes / 32, bytes, 2 * bytes, 32);
            gmx_hsnapshot_info_of(s[i])->sample_rate = 512 * 1024;
        }
        gmx_findings *f;
        const gmx_finding *top = analyse_one(s, &f);
        if (scale == 1)
            assert_null(top);
        else
            assert_true(top && top->severity >= GMX_SEV_WARNING &&
                        gmx_str_eq_cstr(top->site.function, "main.compile"));
        release(s, f);
    }
}

/* Many buffers the standard library grows (an outbox per client that is
 * never dropped) are buffers held whole by their Buffers, as one is: not
 * large buffers pinned by small slices, though they are of many sizes. */
static void test_heap__many_buffers_that_keep_growing(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, spool_stack, 4, 20 * (i + 1), 20 * (i + 1) * 90 * 1024,
                        40 * (i + 1) * 90 * 1024, 160 * 1024);
    expect(s, GMX_CAT_HEAP_GROWTH, "main.(*usageSpool).add");
}

/* 480-byte objects read as 0, 1 and 4 samples: chance splits four samples
 * all into the later snapshot one time in sixteen, which the normal
 * approximation (a sigma of 0 for the first) calls two sigmas. Twelve
 * samples all later is growth. */
static void test_heap__a_handful_of_samples_is_no_growth(void **state)
{
    (void)state;
    const double rate = 512 * 1024, p = 1 - exp(-480.0 / rate);
    int reads[2][3] = { { 0, 1, 4 }, { 0, 5, 12 } };
    for (int c = 0; c < 2; c++) {
        gmx_hsnapshot *s[3];
        for (int i = 0; i < 3; i++) {
            int64_t objects = (int64_t)(reads[c][i] / p);
            s[i] = snapshot(i, rules_stack, 1, objects, objects * 480, 2 * objects * 480 + MIB, 480);
            gmx_hsnapshot_info_of(s[i])->sample_rate = (int64_t)rate;
        }
        gmx_findings *f;
        const gmx_finding *top = analyse_one(s, &f);
        if (c == 0)
            assert_null(top);
        else
            assert_true(top && top->severity >= GMX_SEV_WARNING &&
                        gmx_str_eq_cstr(top->site.function, "main.compile"));
        release(s, f);
    }
}

/* A map per one-minute window, the closed one kept a minute for late
 * events: two tables at the second and third snapshots, the largest the
 * same, the newest less or more full. The same tables rebuilt are told,
 * not warned of; a third table kept is growth. */
static void test_heap__tables_rebuilt_per_window(void **state)
{
    (void)state;
    for (int kept = 2; kept <= 3; kept++) {
        gmx_hsnapshot *s[3];
        int64_t objects[] = { 1, 2, kept }, largest = 1700 * 1024;
        int64_t bytes[] = { 200 * 1024, 1900 * 1024, kept == 2 ? 2500 * 1024 : 4200 * 1024 };
        int64_t allocated[] = { 200 * 1024, 2800 * 1024, 6500 * 1024 };
        for (int i = 0; i < 3; i++) {
            s[i] = snapshot(i, cache_stack, 1, objects[i], bytes[i], allocated[i],
                            i ? largest : 200 * 1024);
            gmx_hsnapshot_info_of(s[i])->sample_rate = 512 * 1024;
        }
        gmx_findings *f;
        const gmx_finding *top = analyse_one(s, &f);
        assert_non_null(top);
        assert_true(gmx_str_eq_cstr(top->site.function, "main.(*Pricer).remember"));
        assert_int_equal(top->severity, kept == 2 ? GMX_SEV_INFO : GMX_SEV_CRITICAL);
        release(s, f);
    }
}

/* A map's first tables went unsampled (a few large objects early on): its
 * largest object, from the first snapshot that recorded it, doubles; the
 * site's many small objects (overflow buckets) do not make it a heap of
 * small things. */
static void test_heap__map_tables_unsampled_at_first(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    int64_t objects[] = { 0, 4, 2000 }, bytes[] = { 0, 2 * MIB, 5 * MIB };
    int64_t allocated[] = { 0, 4 * MIB, 10 * MIB }, largest[] = { 0, MIB / 2, MIB };
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, cache_stack, 1, objects[i], bytes[i], allocated[i], largest[i]);
    expect(s, GMX_CAT_MAP_GROWTH, "main.(*Pricer).remember");
}

/* Swiss tables whose size class is a power of two (32 KiB): a map that
 * grows replaces its tables and allocates about twice what it gains;
 * buffers kept alive are kept as allocated. */
static void test_heap__swiss_tables_of_a_power_of_two(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, cache_stack, 1, 40 * (i + 1), 40 * (i + 1) * 32 * 1024,
                        80 * (i + 1) * 32 * 1024, 32 * 1024);
    expect(s, GMX_CAT_MAP_GROWTH, "main.(*Pricer).remember");
    for (int i = 0; i < 3; i++)
        s[i] = snapshot(i, buffer_stack, 1, 40 * (i + 1), 40 * (i + 1) * 32 * 1024,
                        40 * (i + 1) * 32 * 1024, 32 * 1024);
    expect(s, GMX_CAT_SLICE_RETENTION, "main.readChunk");
}

/* A table that doubled past the largest before it, at the sampling rate
 * or above (all recorded), is no sampling noise, even when the site's
 * small objects make its samples few and the exact heap rose less. */
static void test_heap__a_larger_table_is_no_noise(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    int64_t objects[] = { 2, 2000, 6500 }, bytes[] = { MIB / 2, 3 * MIB / 2, 46 * MIB / 10 };
    int64_t allocated[] = { MIB / 2, 29 * MIB / 10, 8 * MIB }, largest[] = { MIB / 4, MIB / 2, MIB };
    for (int i = 0; i < 3; i++) {
        s[i] = snapshot(i, cache_stack, 1, objects[i], bytes[i], allocated[i], largest[i]);
        gmx_hsnapshot_info_of(s[i])->sample_rate = 512 * 1024;
    }
    double inuse[] = { 6.6, 7.3, 8.4 };
    gmx_memstats m[3] = { 0 };
    const gmx_memstats *stats[3];
    for (int i = 0; i < 3; i++) {
        m[i] = (gmx_memstats){ .present = true, .heap_inuse = (uint64_t)(inuse[i] * MIB) };
        stats[i] = &m[i];
    }
    gmx_findings *f = gmx_findings_new();
    gmx_error err;
    assert_int_equal(gmx_analyze_heap_exact((const gmx_hsnapshot *const *)s, 3, stats, f, &err), GMX_OK);
    gmx_findings_rank(f);
    assert_int_equal(gmx_findings_count(f), 1);
    assert_true(gmx_findings_at(f, 0)->severity >= GMX_SEV_WARNING);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_MAP_GROWTH);
    release(s, f);
}

/* A rise within the samples' noise, and the exact heap rose less than half
 * of it, but at its own earlier pace: the process kept growing (a leak of
 * large objects sampled few), not a cache at capacity. */
static void test_heap__exact_heap_kept_its_pace(void **state)
{
    (void)state;
    gmx_hsnapshot *s[3];
    int64_t bytes[] = { 2 * MIB + MIB / 2, 7 * MIB, 10 * MIB + MIB / 2 };
    for (int i = 0; i < 3; i++) {
        s[i] = snapshot(i, cache_stack, 1, bytes[i] / 1024, bytes[i], 8 * MIB * (i + 1), 1024);
        gmx_hsnapshot_info_of(s[i])->sample_rate = 512 * 1024;
    }
    static const struct {
        double inuse[3];
        bool real;
    } cases[] = {
        { { 7.4, 9.4, 10.9 }, true },  /* 2.0 then 1.5 MiB a minute: its pace */
        { { 7.4, 9.4, 9.9 }, false },  /* 2.0 then 0.5: it slowed, as a full cache */
    };
    gmx_error err;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        gmx_memstats m[3] = { 0 };
        const gmx_memstats *stats[3];
        for (int i = 0; i < 3; i++) {
            m[i] = (gmx_memstats){ .present = true, .heap_inuse = (uint64_t)(cases[k].inuse[i] * MIB) };
            stats[i] = &m[i];
        }
        gmx_findings *f = gmx_findings_new();
        assert_int_equal(gmx_analyze_heap_exact((const gmx_hsnapshot *const *)s, 3, stats, f, &err),
                         GMX_OK);
        gmx_findings_rank(f);
        assert_int_equal(gmx_findings_count(f), 1);
        assert_int_equal(gmx_findings_at(f, 0)->severity,
                         cases[k].real ? GMX_SEV_CRITICAL : GMX_SEV_INFO);
        gmx_findings_free(f);
    }
    for (int i = 0; i < 3; i++)
        gmx_hsnapshot_free(s[i]);
}

/* A limiter per tenant, made on the tenant's first request and kept: it
 * frees nothing, so it is no cache at its capacity, but it allocates ever
 * less of what the process allocates while the requests go on, as ever
 * fewer tenants are new (2.6% of all, then 0.75%). Told (info). The same
 * site whose traffic slowed with it (its share held) is a leak. */
static void test_heap__allocates_ever_less_of_all(void **state)
{
    (void)state;
    const int64_t held[][3] = { { 5 * MIB / 2, 7 * MIB + 7 * MIB / 10, 9 * MIB + MIB / 5 },
                                { 5 * MIB / 2, 7 * MIB + 7 * MIB / 10, 9 * MIB + MIB / 5 },
                                { 4 * MIB, 14 * MIB, 14 * MIB } };
    const int64_t traffic[][3] = { { 200 * MIB, 400 * MIB, 600 * MIB },
                                   { 200 * MIB, 400 * MIB, 458 * MIB },
                                   { 70 * MIB, 240 * MIB, 520 * MIB } };
    /* The third: the last new limiters went unsampled (tenantgate 1.27), flat at
     * the end and nearly all the heap, but the traffic did not stop. */
    for (int variant = 0; variant < 3; variant++) {
        gmx_hsnapshot *s[3];
        for (int i = 0; i < 3; i++) {
            const int64_t *h = held[variant];
            s[i] = snapshot(i, limiter_stack, 1, h[i] / 896, h[i], h[i], 896);
            assert_int_equal(gmx_hsnapshot_add(s[i], request_stack, 1, 1000, MIB, 100000 * (i + 1),
                                               traffic[variant][i]), GMX_OK);
        }
        gmx_findings *f;
        const gmx_finding *top = analyse_one(s, &f);
        assert_non_null(top);
        assert_true(gmx_str_eq_cstr(top->site.function, "main.(*gateway).limiterFor"));
        if (variant != 1) {
            assert_int_equal(top->severity, GMX_SEV_INFO);
            assert_non_null(strstr(top->why.p, "ever less of what the process allocates"));
        } else {
            assert_true(top->severity >= GMX_SEV_WARNING);
        }
        release(s, f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heap__grew_then_flat_still_holds_the_heap),
        cmocka_unit_test(test_heap__timers_never_stopped),
        cmocka_unit_test(test_heap__finding_shows_its_stack_user_frames_first),
        cmocka_unit_test(test_heap__a_map_that_keeps_growing),
        cmocka_unit_test(test_heap__large_buffers_kept_alive),
        cmocka_unit_test(test_heap__per_request_burst_of_allocation),
        cmocka_unit_test(test_heap__bodies_in_flight_are_busy_not_a_burst),
        cmocka_unit_test(test_heap__flat_heap_gives_nothing),
        cmocka_unit_test(test_heap__cache_at_capacity_keeps_allocating),
        cmocka_unit_test(test_heap__sampling_noise_under_a_falling_heap),
        cmocka_unit_test(test_heap__large_objects_of_several_sizes),
        cmocka_unit_test(test_heap__one_buffer_that_keeps_growing),
        cmocka_unit_test(test_heap__a_rise_within_sampling_noise),
        cmocka_unit_test(test_heap__many_buffers_that_keep_growing),
        cmocka_unit_test(test_heap__a_handful_of_samples_is_no_growth),
        cmocka_unit_test(test_heap__tables_rebuilt_per_window),
        cmocka_unit_test(test_heap__map_tables_unsampled_at_first),
        cmocka_unit_test(test_heap__swiss_tables_of_a_power_of_two),
        cmocka_unit_test(test_heap__a_larger_table_is_no_noise),
        cmocka_unit_test(test_heap__exact_heap_kept_its_pace),
        cmocka_unit_test(test_heap__allocates_ever_less_of_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
