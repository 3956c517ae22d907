/* ingest/bundle: a folder written by a capture series carries
 * capture-times.tsv; its times order dumps that have no time of their own,
 * it is no artifact itself, and a malformed line only costs that line.
 * gmx_bundle_identify names one file as the bundle recognises it. Buffers
 * in memory read as the same files do. */
#include "testutil.h"
#include "gomemdx/bundle.h"
#include "gomemdx/diagnose.h"
#include "gomemdx/input.h"
#include "ingest/heap_series.h"

#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void put(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void test_bundle__capture_times_order_the_dumps(void **state)
{
    (void)state;
    size_t len;
    char *dump = tu_read_fixture("testdata/lab/captures/go1.22/gateway/goroutine-t1.debug2.txt", &len);
    assert_non_null(dump);
    char dir[] = "/tmp/gomemdx-test-bundle-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    /* Named in one order, captured in the other. */
    const char *subs[] = { "capture-01", "capture-02", "capture-03" };
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
        assert_int_equal(mkdir(path, 0755), 0);
        snprintf(path, sizeof(path), "%s/%s/goroutine.debug2.txt", dir, subs[i]);
        put(path, dump, len);
    }
    const char index[] = "# gomemdx capture times: Unix ns, TAB, file (under this folder)\n"
                         "1700000000300000000\tcapture-01/goroutine.debug2.txt\n"
                         "1700000000200000000\tcapture-02/goroutine.debug2.txt\n"
                         "17x0\tcapture-03/goroutine.debug2.txt\n"
                         "\tcapture-03/goroutine.debug2.txt\n"
                         "1700000000100000000\t\n"
                         "99999999999999999999999\tcapture-03/goroutine.debug2.txt\n";
    snprintf(path, sizeof(path), "%s/%s", dir, GMX_CAPTURE_TIMES_FILE);
    put(path, index, sizeof(index) - 1);
    const char *paths[] = { dir };
    gmx_bundle *b;
    gmx_error err;
    assert_int_equal(gmx_bundle_load(paths, 1, NULL, &b, &err), GMX_OK);
    assert_int_equal(gmx_bundle_count(b), 3); /* the index is no artifact */
    const gmx_artifact *a0 = gmx_bundle_at(b, 0), *a1 = gmx_bundle_at(b, 1),
                       *a2 = gmx_bundle_at(b, 2);
    assert_non_null(strstr(a0->path, "capture-02/"));
    assert_int_equal(a0->time_source, GMX_TIME_CAPTURE);
    assert_int_equal(a0->time_ns, 1700000000200000000);
    assert_non_null(strstr(a1->path, "capture-01/"));
    assert_int_equal(a1->time_source, GMX_TIME_CAPTURE);
    /* Its lines were malformed: no time of its own, after the timed ones. */
    assert_non_null(strstr(a2->path, "capture-03/"));
    assert_int_equal(a2->time_source, GMX_TIME_NONE);
    gmx_bundle_free(b);
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s/goroutine.debug2.txt", dir, subs[i]);
        unlink(path);
        snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
        rmdir(path);
    }
    snprintf(path, sizeof(path), "%s/%s", dir, GMX_CAPTURE_TIMES_FILE);
    unlink(path);
    rmdir(dir);
    free(dump);
}

static gmx_identity identify_bytes(const char *data, size_t len)
{
    char path[] = "/tmp/gomemdx-test-identify-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    put(path, data, len);
    gmx_identity id;
    gmx_error err;
    assert_int_equal(gmx_bundle_identify(path, &id, &err), GMX_OK);
    unlink(path);
    return id;
}

static void test_bundle__identify_names_what_a_file_is(void **state)
{
    (void)state;
    /* ELF headers, little- and big-endian, as far as e_type. */
    char exec_le[64] = "\x7f" "ELF\x02\x01\x01", core_be[64] = "\x7f" "ELF\x02\x02\x01";
    exec_le[16] = 2;   /* ET_EXEC */
    core_be[17] = 4;   /* ET_CORE */
    gmx_identity id = identify_bytes(exec_le, sizeof(exec_le));
    assert_int_equal(id.kind, GMX_ART_SKIPPED);
    assert_int_equal(id.elf, GMX_ELF_EXECUTABLE);
    id = identify_bytes(core_be, sizeof(core_be));
    assert_int_equal(id.elf, GMX_ELF_CORE);
    size_t len;
    char *dump = tu_read_fixture("testdata/lab/captures/go1.22/gateway/goroutine-t1.debug2.txt", &len);
    assert_non_null(dump);
    id = identify_bytes(dump, len);
    assert_int_equal(id.kind, GMX_ART_GOROUTINES);
    assert_int_equal(id.elf, GMX_ELF_NONE);
    assert_string_equal(id.format, "goroutine dump");
    free(dump);
    char *heap = tu_read_fixture("testdata/lab/captures/go1.22/gateway/heap-t1.pb.gz", &len);
    assert_non_null(heap);
    id = identify_bytes(heap, len);
    assert_int_equal(id.kind, GMX_ART_HEAP);
    assert_false(id.heap_text);
    free(heap);
    id = identify_bytes("hello\n", 6);
    assert_int_equal(id.kind, GMX_ART_SKIPPED);
    assert_int_equal(id.elf, GMX_ELF_NONE);
}

/* A series longer than the bundle keeps: every artifact keeps its totals,
 * HEAP_SERIES_KEPT keep their sites, the first and the last among them, and
 * the sites are one table whatever the number of snapshots. */
static void test_bundle__long_heap_series_keeps_a_bounded_number_of_snapshots(void **state)
{
    (void)state;
    enum { N = 3 * HEAP_SERIES_KEPT };
    gmx_artifact *items = calloc(N, sizeof(*items));
    assert_non_null(items);
    heap_series hs;
    gmx_heap_series_init(&hs);
    gmx_frame leak = { { "main.leak", 9 }, { "/src/main.go", 12 }, 40 };
    gmx_frame other = { { "main.other", 10 }, { "/src/main.go", 12 }, 50 };
    for (size_t i = 0; i < N; i++) {
        gmx_artifact *a = &items[i];
        a->kind = GMX_ART_HEAP;
        a->time_source = GMX_TIME_PROFILE;
        a->time_ns = (int64_t)(i + 1) * 60000000000LL;
        assert_non_null(a->heap = gmx_hsnapshot_new(0));
        gmx_hsnapshot_info_of(a->heap)->time_ns = a->time_ns;
        assert_int_equal(gmx_hsnapshot_add(a->heap, &leak, 1, 1, 1000 * (int64_t)(i + 1), 1, 1), GMX_OK);
        assert_int_equal(gmx_hsnapshot_add(a->heap, &other, 1, 1, 7, 1, 1), GMX_OK);
        assert_int_equal(gmx_heap_series_add(&hs, items, i), GMX_OK);
    }
    size_t kept = 0;
    for (size_t i = 0; i < N; i++) {
        kept += items[i].heap != NULL;
        assert_int_equal(items[i].heap_total.inuse_bytes, 1000 * (int64_t)(i + 1) + 7);
        assert_int_equal(items[i].heap_info.time_ns, items[i].time_ns);
    }
    assert_int_equal(kept, HEAP_SERIES_KEPT);
    assert_non_null(items[0].heap);
    assert_non_null(items[N - 1].heap);
    assert_int_equal(gmx_hsite_table_count(hs.table), 2);
    /* Sites of one table are found by id across snapshots. */
    const gmx_hsite *first = gmx_hsnapshot_at(items[0].heap, 0);
    const gmx_hsite *last = gmx_hsnapshot_find(items[N - 1].heap, first);
    assert_non_null(last);
    assert_int_equal(last->inuse_bytes, 1000 * N);
    assert_ptr_equal(last->frames, first->frames);
    for (size_t i = 0; i < N; i++)
        gmx_hsnapshot_free(items[i].heap);
    gmx_heap_series_release(&hs);
    free(items);
}


/* b read the same artifacts as ref, in the same order and times, and its
 * diagnosis has the same rank-1 finding. */
static void assert_same_bundle(const gmx_bundle *ref, const gmx_bundle *b)
{
    assert_int_equal(gmx_bundle_count(b), gmx_bundle_count(ref));
    for (size_t i = 0; i < gmx_bundle_count(ref); i++) {
        const gmx_artifact *f = gmx_bundle_at(ref, i), *m = gmx_bundle_at(b, i);
        assert_string_equal(m->path, f->path);
        assert_int_equal(m->kind, f->kind);
        assert_string_equal(m->format, f->format);
        assert_true(m->time_ns == f->time_ns);
    }
    gmx_diagnosis *df, *dm;
    assert_int_equal(gmx_diagnose(ref, NULL, &df, NULL), GMX_OK);
    assert_int_equal(gmx_diagnose(b, NULL, &dm, NULL), GMX_OK);
    assert_int_equal(gmx_findings_count(dm->findings), gmx_findings_count(df->findings));
    assert_true(gmx_findings_count(df->findings) > 0);
    const gmx_finding *ff = gmx_findings_at(df->findings, 0), *fm = gmx_findings_at(dm->findings, 0);
    assert_int_equal(fm->category, ff->category);
    assert_int_equal(fm->severity, ff->severity);
    assert_true(fm->title.n == ff->title.n && memcmp(fm->title.p, ff->title.p, ff->title.n) == 0);
    assert_non_null(strstr(ff->title.p, "runInvoiceBatch"));
    gmx_diagnosis_free(df);
    gmx_diagnosis_free(dm);
}

/* A buffer handed over when read: its file opened then, counted. */
static atomic_int opened_late;

static gmx_code open_late(void *ctx, const gmx_bundle_buffer *buf, gmx_input **in,
                          gmx_error *err)
{
    (void)buf;
    atomic_fetch_add(&opened_late, 1);
    return gmx_input_open(ctx, in, err);
}

/* The lab's billing incident from its files, from memory, and from buffers
 * handed over when read: the same artifacts and the same rank-1 finding. */
static void test_bundle__buffers_read_as_files_do(void **state)
{
    (void)state;
    static const char *const names[] = {
        "goroutine-t1.debug2.txt", "goroutine-t2.debug2.txt", "goroutine-t3.debug2.txt",
        "goroutine-t3.debug1.txt", "heap-t1.pb.gz", "heap-t2.pb.gz", "heap-t3.pb.gz",
        "heap-t3.debug1.txt",
    };
    enum { N = sizeof(names) / sizeof(names[0]) };
    const char *root = getenv("GMX_SOURCE_DIR") ? getenv("GMX_SOURCE_DIR") : ".";
    char paths[N][512];
    const char *argv[N];
    gmx_bundle_buffer bufs[N];
    char *data[N];
    for (size_t i = 0; i < N; i++) {
        char rel[256];
        snprintf(rel, sizeof(rel), "testdata/lab/captures/go1.22/billing/%s", names[i]);
        snprintf(paths[i], sizeof(paths[i]), "%s/%s", root, rel);
        argv[i] = paths[i];
        size_t len;
        assert_non_null(data[i] = tu_read_fixture(rel, &len));
        bufs[i] = (gmx_bundle_buffer){ .name = paths[i], .data = data[i], .len = len };
    }
    gmx_bundle *from_files, *from_memory;
    assert_int_equal(gmx_bundle_load(argv, N, NULL, &from_files, NULL), GMX_OK);
    /* The files' times, given as the captures' */
    for (size_t i = 0; i < gmx_bundle_count(from_files); i++) {
        const gmx_artifact *a = gmx_bundle_at(from_files, i);
        for (size_t k = 0; k < N; k++)
            if (strcmp(a->path, paths[k]) == 0)
                bufs[k].time_ns = a->time_ns;
    }
    gmx_error err;
    gmx_bundle_options in_memory = { .buffers = bufs, .nbuffers = N };
    if (gmx_bundle_load(NULL, 0, &in_memory, &from_memory, &err) != GMX_OK)
        fail_msg("%s", err.message);
    assert_same_bundle(from_files, from_memory);
    /* The same buffers handed over only when the bundle reads them: each
     * opened once, nothing in memory before. */
    gmx_bundle_buffer late[N];
    for (size_t i = 0; i < N; i++)
        late[i] = (gmx_bundle_buffer){ .name = bufs[i].name, .time_ns = bufs[i].time_ns,
                                       .open = open_late, .ctx = paths[i] };
    gmx_bundle *from_late;
    gmx_bundle_options when_read = { .buffers = late, .nbuffers = N };
    if (gmx_bundle_load(NULL, 0, &when_read, &from_late, &err) != GMX_OK)
        fail_msg("%s", err.message);
    assert_int_equal(atomic_load(&opened_late), N);
    assert_same_bundle(from_files, from_late);
    gmx_bundle_free(from_late);
    gmx_bundle_free(from_files);
    gmx_bundle_free(from_memory);
    for (size_t i = 0; i < N; i++)
        free(data[i]);
    /* A core in memory is not read (cores are read from paths). */
    static const char elf[64] = "\x7f" "ELF\x02\x01\x01";
    gmx_bundle_buffer core = { .name = "core.1234", .data = elf, .len = sizeof(elf) };
    gmx_bundle_options keep = { .keep_skipped = true, .buffers = &core, .nbuffers = 1 };
    gmx_bundle *b;
    assert_int_equal(gmx_bundle_load(NULL, 0, &keep, &b, NULL), GMX_OK);
    assert_int_equal(gmx_bundle_at(b, 0)->kind, GMX_ART_SKIPPED);
    gmx_bundle_free(b);
}

/* The heap-in-use series of one pasted pprof -top table: an alloc_space
 * table (riverqueue/river#239) counts everything allocated since start, so
 * its bytes in use are unknown and it adds no point (it used to chart
 * "0 B"); an inuse_space table (open-policy-agent/opa#2172) adds its total.
 * Either is still the bundle's heap snapshot. */
typedef struct diagnosed {
    char *data;
    gmx_bundle *bundle;
    gmx_diagnosis *d;
} diagnosed;

static diagnosed diagnose_fixture(const char *rel)
{
    diagnosed r;
    size_t len;
    assert_non_null(r.data = tu_read_fixture(rel, &len));
    gmx_bundle_buffer buf = { .name = rel, .data = r.data, .len = len };
    gmx_bundle_options opts = { .buffers = &buf, .nbuffers = 1 };
    gmx_error err;
    if (gmx_bundle_load(NULL, 0, &opts, &r.bundle, &err) != GMX_OK)
        fail_msg("%s", err.message);
    assert_int_equal(gmx_diagnose(r.bundle, NULL, &r.d, NULL), GMX_OK);
    return r;
}

static void release(diagnosed *r)
{
    gmx_diagnosis_free(r->d);
    gmx_bundle_free(r->bundle);
    free(r->data);
}

static void test_bundle__only_tables_of_bytes_in_use_chart_the_heap(void **state)
{
    (void)state;
    diagnosed churn = diagnose_fixture("testdata/realworld/riverqueue-river-239/artifact.txt");
    assert_int_equal(churn.d->heap.n, 0);
    assert_non_null(churn.d->last_heap);
    release(&churn);
    diagnosed inuse = diagnose_fixture("testdata/realworld/open-policy-agent-opa-2172/artifact.txt");
    assert_int_equal(inuse.d->heap.n, 1);
    assert_true(inuse.d->heap.points[0].value > 900.0 * 1024 * 1024);
    release(&inuse);
}

/* Go source in a folder is code, not evidence, though a test file holds a
 * dump in a string: skipped with why. Named on its own, it is read. */
static void test_bundle__go_source_in_a_folder_is_no_artifact(void **state)
{
    (void)state;
    size_t len;
    char *dump = tu_read_fixture("testdata/lab/captures/go1.22/gateway/goroutine-t1.debug2.txt", &len);
    assert_non_null(dump);
    char dir[] = "/tmp/gomemdx-test-bundle-XXXXXX", src[256], txt[256];
    assert_non_null(mkdtemp(dir));
    snprintf(src, sizeof(src), "%s/leak_test.go", dir);
    snprintf(txt, sizeof(txt), "%s/goroutine.txt", dir);
    put(src, dump, len);
    put(txt, dump, len);
    const char *paths[] = { dir };
    gmx_bundle *b;
    gmx_error err;
    gmx_bundle_options opts = { .keep_skipped = true };
    assert_int_equal(gmx_bundle_load(paths, 1, &opts, &b, &err), GMX_OK);
    assert_int_equal(gmx_bundle_count(b), 2);
    for (size_t i = 0; i < 2; i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        if (strstr(a->path, ".go")) {
            assert_int_equal(a->kind, GMX_ART_SKIPPED);
            assert_non_null(strstr(a->skip_reason, "Go source"));
        } else {
            assert_int_equal(a->kind, GMX_ART_GOROUTINES);
        }
    }
    gmx_bundle_free(b);
    const char *alone[] = { src };
    assert_int_equal(gmx_bundle_load(alone, 1, NULL, &b, &err), GMX_OK);
    assert_int_equal(gmx_bundle_at(b, 0)->kind, GMX_ART_GOROUTINES);
    gmx_bundle_free(b);
    unlink(src);
    unlink(txt);
    rmdir(dir);
    free(dump);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundle__capture_times_order_the_dumps),
        cmocka_unit_test(test_bundle__identify_names_what_a_file_is),
        cmocka_unit_test(test_bundle__long_heap_series_keeps_a_bounded_number_of_snapshots),
        cmocka_unit_test(test_bundle__buffers_read_as_files_do),
        cmocka_unit_test(test_bundle__only_tables_of_bytes_in_use_chart_the_heap),
        cmocka_unit_test(test_bundle__go_source_in_a_folder_is_no_artifact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
