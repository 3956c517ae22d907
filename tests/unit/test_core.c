/* core: the goroutines of the Go 1.19 lab core (testdata/core/go1.19/notifier,
 * decompressed by the build beside GMX_CORE_BIN), read through the public API. */
#include "testutil.h"
#include "gomemdx/analyze.h"
#include "gomemdx/core.h"
#include "gomemdx/elfsniff.h"
#include "gomemdx/heap.h"
#include "gomemdx/heaptext.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "gomemdx/report.h"
#include "core/heap_mark.h"
#include "util/alloc.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tally {
    uint64_t n, publish, max_id;
    bool publish_ok;
} tally;

static int count(void *ctx, const gmx_goroutine *g)
{
    tally *t = ctx;
    t->n++;
    if (g->id > t->max_id)
        t->max_id = g->id;
    if (g->nframes && gmx_str_eq_cstr(g->frames[0].func, "main.(*notifier).publish")) {
        t->publish++;
        t->publish_ok = g->frames[0].line == 44 && gmx_str_eq_cstr(g->status, "chan send (nil chan)") &&
                        g->has_creator &&
                        gmx_str_eq_cstr(g->creator.func, "main.(*notifier).handleSignup") &&
                        g->creator.line == 54 && g->nframes == 1;
    }
    return 0;
}

static void test_core__goroutines_as_the_dump_prints_them(void **state)
{
    (void)state;
    gmx_input *core_in, *bin_in;
    assert_int_equal(gmx_input_open(GMX_CORE_FILE, &core_in, NULL), GMX_OK);
    assert_int_equal(gmx_input_open(GMX_CORE_BIN, &bin_in, NULL), GMX_OK);
    assert_int_equal(gmx_elf_sniff(gmx_input_data(core_in), gmx_input_size(core_in)), GMX_ELF_CORE);
    assert_int_equal(gmx_elf_sniff(gmx_input_data(bin_in), gmx_input_size(bin_in)),
                     GMX_ELF_EXECUTABLE);
    gmx_core *c = NULL;
    assert_int_equal(gmx_core_open("core", gmx_input_data(core_in), gmx_input_size(core_in), "bin",
                                   gmx_input_data(bin_in), gmx_input_size(bin_in), &c, NULL),
                     GMX_OK);
    tally t = { 0 };
    gmx_core_info info;
    assert_int_equal(gmx_core_goroutines(c, count, &t, &info, NULL), GMX_OK);
    /* the debug=2 dump of the same instant: 81, of which 2 served the dump itself */
    assert_int_equal(t.n, 79);
    assert_int_equal(info.goroutines, 79);
    assert_int_equal(info.system_goroutines, 4);
    assert_int_equal(info.threads, 5);
    assert_true(info.inlining);
    assert_false(info.threads_only);
    assert_int_equal(t.publish, 72);
    assert_true(t.publish_ok);
    gmx_core_free(c);
    gmx_input_free(core_in);
    gmx_input_free(bin_in);
}

static int stop_at_first(void *ctx, const gmx_goroutine *g)
{
    (void)g;
    (*(int *)ctx)++;
    return GMX_ELIMIT;
}

static void test_core__callback_stops_the_walk(void **state)
{
    (void)state;
    gmx_gsnapshot snap;
    gmx_input *core_in, *bin_in;
    assert_int_equal(gmx_input_open(GMX_CORE_FILE, &core_in, NULL), GMX_OK);
    assert_int_equal(gmx_input_open(GMX_CORE_BIN, &bin_in, NULL), GMX_OK);
    gmx_core *c = NULL;
    assert_int_equal(gmx_core_open("core", gmx_input_data(core_in), gmx_input_size(core_in), "bin",
                                   gmx_input_data(bin_in), gmx_input_size(bin_in), &c, NULL),
                     GMX_OK);
    int calls = 0;
    assert_int_equal(gmx_core_goroutines(c, stop_at_first, &calls, NULL, NULL), GMX_ELIMIT);
    assert_int_equal(calls, 1);
    gmx_core_free(c);
    gmx_input_free(core_in);
    gmx_input_free(bin_in);
    (void)snap;
}

/* Every allocation of the read, made to fail in turn: out of memory is
 * reported, nothing crashes or leaks (ASan), and the read ends up whole. */
static void test_core__every_allocation_failure_is_reported(void **state)
{
    (void)state;
    bool done = false;
    for (long n = 1; n < 400 && !done; n++) {
        gmx_gsnapshot snap;
        gmx_error err = { 0 };
        gmx_alloc_fail_after(n, 1);
        gmx_code rc = gmx_ingest_core(GMX_CORE_FILE, GMX_CORE_BIN, NULL, &snap, NULL, &err);
        gmx_alloc_fail_after(0, 0);
        if (rc == GMX_OK) {
            assert_int_equal(snap.info.goroutines, 79);
            gmx_gsnapshot_release(&snap);
            done = true;
        } else {
            assert_int_equal(rc, GMX_ENOMEM);
            if (!strstr(err.message, "out of memory"))
                fail_msg("allocation %ld: %s", n, err.message);
        }
    }
    assert_true(done);
}

/* The heap of the same core: every in-use span once, its bytes the
 * runtime's heap in use, and the objects walked the runtime's own count
 * (memstats.heapStats) plus what the Ps' cached spans took since. */
static void test_core__heap_reconciles_with_the_runtime(void **state)
{
    (void)state;
    gmx_core_heap h;
    gmx_error err = { 0 };
    assert_int_equal(gmx_ingest_core_heap(GMX_CORE_FILE, GMX_CORE_BIN, &h, &err), GMX_OK);
    assert_true(h.spans > 0 && h.objects > 0 && h.bytes <= h.span_bytes);
    assert_int_equal(h.spans_skipped, 0);
    assert_true(h.has_pages_in_use && h.has_stats && h.has_caches && h.has_cached_new);
    assert_int_equal(h.span_bytes, h.pages_in_use_bytes);
    assert_int_equal(h.span_bytes, h.stats_in_heap);
    assert_int_equal(h.bytes, h.stats_bytes + h.cached_new_bytes);
    assert_int_equal(h.objects, h.stats_objects + h.cached_new_objects);
    assert_false(h.typed); /* Go 1.19: no malloc headers */
    uint64_t objects = 0, bytes = 0;
    for (size_t i = 0; i < h.nrows; i++) {
        objects += h.rows[i].objects;
        bytes += h.rows[i].bytes;
        assert_null(h.rows[i].type);
        if (i)
            assert_true(h.rows[i - 1].bytes >= h.rows[i].bytes);
    }
    assert_int_equal(objects, h.objects);
    assert_int_equal(bytes, h.bytes);
    gmx_core_heap_release(&h);
}

static void test_core__heap_allocation_failures_are_reported(void **state)
{
    (void)state;
    bool done = false;
    for (long n = 1; n < 400 && !done; n++) {
        gmx_core_heap h;
        gmx_error err = { 0 };
        gmx_alloc_fail_after(n, 1);
        gmx_code rc = gmx_ingest_core_heap(GMX_CORE_FILE, GMX_CORE_BIN, &h, &err);
        gmx_alloc_fail_after(0, 0);
        if (rc == GMX_OK) {
            assert_true(h.objects > 0);
            gmx_core_heap_release(&h);
            done = true;
        } else {
            assert_int_equal(rc, GMX_ENOMEM);
            if (!strstr(err.message, "out of memory"))
                fail_msg("allocation %ld: %s", n, err.message);
        }
    }
    assert_true(done);
}

/* The heap as a snapshot of the heap pipeline: one site per row, totals kept. */
static void test_core__heap_as_a_snapshot(void **state)
{
    (void)state;
    gmx_core_heap h;
    gmx_hsnapshot *snap = NULL;
    assert_int_equal(gmx_ingest_core_heap(GMX_CORE_FILE, GMX_CORE_BIN, &h, NULL), GMX_OK);
    assert_int_equal(gmx_ingest_core_hsnapshot(GMX_CORE_FILE, GMX_CORE_BIN, &snap, NULL), GMX_OK);
    assert_int_equal(gmx_hsnapshot_count(snap), h.nrows);
    gmx_hsite total = gmx_hsnapshot_total(snap);
    assert_int_equal(total.inuse_objects, (int64_t)h.objects);
    assert_int_equal(total.inuse_bytes, (int64_t)h.bytes);
    const gmx_hsnapshot_info *info = gmx_hsnapshot_get_info(snap);
    assert_true(info->memstats.present);
    assert_int_equal(info->memstats.heap_inuse, h.pages_in_use_bytes);
    bool found = false;
    for (size_t i = 0; i < gmx_hsnapshot_count(snap); i++) {
        const gmx_hsite *s = gmx_hsnapshot_at(snap, i);
        assert_int_equal(s->nframes, 1);
        if (gmx_str_eq_cstr(s->frames[0].func, "large objects (no pointers)"))
            found = s->inuse_bytes == (int64_t)h.rows[0].bytes;
    }
    assert_true(found); /* the largest row of this core */
    gmx_hsnapshot_free(snap);
    gmx_core_heap_release(&h);
}

/* Every holder's chain: root first, bytes never growing down the chain
 * (each step's subtree holds the next's), the holder inside it. */
static void assert_chains(const gmx_core_retention *r)
{
    uint64_t total = 0;
    for (size_t i = 0; i < r->nholders; i++) {
        const gmx_core_holder *h = &r->holders[i];
        assert_true(h->nchain >= 2 && h->holder < h->nchain && h->holder > 0);
        assert_string_equal(h->chain[0].what, h->root);
        assert_int_equal(h->chain[0].addr, 0);
        assert_true(h->bytes >= h->chain[0].bytes && h->roots >= 1);
        for (size_t k = 1; k < h->nchain; k++) {
            const gmx_core_hold_step *s = &h->chain[k];
            if (s->elided)
                continue;
            assert_true(s->addr != 0 && s->size > 0 && s->bytes >= s->size);
            assert_true(s->bytes <= h->chain[k - 1].bytes || h->chain[k - 1].elided);
        }
        if (i)
            assert_true(r->holders[i - 1].bytes >= h->bytes);
        total += h->bytes;
    }
    assert_true(total <= r->marked_bytes);
}

/* The retention paths: a tree (parents first, depth one more than the
 * parent's, within the cap) that counts every marked object once, named at
 * every step; a root's name says its kind. Returns the bytes under the
 * root path called root (its subtree), 0 when there is none. */
static uint64_t assert_paths(const gmx_core_retention *r, const char *root)
{
    assert_true(r->npaths > 0);
    uint64_t bytes = 0, objects = 0, *under = calloc(r->npaths, sizeof(*under));
    assert_non_null(under);
    for (size_t i = 0; i < r->npaths; i++) {
        const gmx_core_retained_path *p = &r->paths[i];
        assert_non_null(p->name);
        assert_true(p->depth >= 1 && p->depth <= GMX_CORE_PATH_DEPTH);
        if (p->parent == GMX_CORE_PATH_ROOT) {
            assert_int_equal(p->depth, 1);
            assert_true(strstr(p->name, " (global)") || strstr(p->name, " (goroutine frame)") ||
                        strcmp(p->name, "goroutine stack") == 0);
        } else {
            assert_true(p->parent < i);
            assert_int_equal(p->depth, r->paths[p->parent].depth + 1);
            assert_true(r->paths[p->parent].name != p->name); /* a run is one step */
        }
        bytes += p->bytes;
        objects += p->objects;
    }
    assert_int_equal(bytes, r->marked_bytes);
    assert_int_equal(objects, r->marked_objects);
    uint64_t found = 0;
    for (size_t i = r->npaths; i-- > 0;) {
        const gmx_core_retained_path *p = &r->paths[i];
        under[i] += p->bytes;
        if (p->parent != GMX_CORE_PATH_ROOT)
            under[p->parent] += under[i];
        else if (strncmp(p->name, root, strlen(root)) == 0 && p->name[strlen(root)] == ' ')
            found = under[i];
    }
    free(under);
    return found;
}

/* Marking from the roots (Go 1.19: data and bss through the runtime's masks,
 * heap words through the arenas' 2-bit bitmaps): what is marked is allocated, the index
 * counts what the walk counts (which reconciles exactly with the runtime),
 * and the goroutine leak shows as allgs' array holding a g per goroutine. */
static void test_core__retention_of_a_goroutine_leak(void **state)
{
    (void)state;
    gmx_core_heap h;
    gmx_core_retention r;
    gmx_error err = { 0 };
    assert_int_equal(gmx_ingest_core_heap(GMX_CORE_FILE, GMX_CORE_BIN, &h, &err), GMX_OK);
    assert_int_equal(gmx_ingest_core_retention(GMX_CORE_FILE, GMX_CORE_BIN, 10, true, &r, &err), GMX_OK);
    assert_int_equal(r.allocated_objects, h.objects);
    assert_int_equal(r.allocated_bytes, h.bytes);
    assert_int_equal(h.objects, h.stats_objects + h.cached_new_objects);
    assert_true(r.marked_objects > 0 && r.marked_objects <= r.allocated_objects);
    assert_true(r.marked_bytes > 0 && r.marked_bytes <= r.allocated_bytes);
    assert_true(r.exact_globals && !r.capped);
    assert_true(r.exact_objects > 0); /* Go 1.19: heapArena.bitmap */
    assert_true(r.exact_objects > 10 * r.conservative_objects);
    assert_true(r.nholders > 0 && r.nholders <= 10);
    assert_chains(&r);
    const gmx_core_holder *allgs = NULL;
    for (size_t i = 0; i < r.nholders; i++)
        if (strcmp(r.holders[i].root, "runtime.allgptr") == 0 || strcmp(r.holders[i].root, "runtime.allgs") == 0)
            allgs = &r.holders[i];
    assert_non_null(allgs);
    assert_int_equal(allgs->root_kind, GMX_CORE_ROOT_GLOBAL);
    assert_true(allgs->chain[allgs->holder].children >= 81); /* the dump's goroutines */
    /* the paths hold what the chains do: allgs' subtree at least its chain's bytes */
    assert_true(assert_paths(&r, allgs->root) >= allgs->chain[0].bytes);
    gmx_core_retention_release(&r);
    gmx_core_heap_release(&h);
}

/* The lab's presence core (Go 1.27: exact pointer bits, types from malloc
 * headers): the timers time.AfterFunc leaked hold most of the heap, through
 * the Ps' timer heaps. */
static void test_core__retention_of_leaked_timers(void **state)
{
    (void)state;
    gmx_core_retention r;
    gmx_error err = { 0 };
    assert_int_equal(gmx_ingest_core_retention(GMX_PRESENCE_DIR "/core", GMX_PRESENCE_DIR "/presence.bin", 5, true,
                                               &r, &err), GMX_OK);
    assert_true(r.marked_bytes <= r.allocated_bytes && r.marked_objects <= r.allocated_objects);
    assert_true(r.exact_objects > 10 * r.conservative_objects);
    assert_chains(&r);
    const gmx_core_holder *top = &r.holders[0];
    assert_string_equal(top->root, "runtime.allp");
    assert_true(top->bytes * 2 > r.allocated_bytes);
    const gmx_core_hold_step *holder = &top->chain[top->holder];
    assert_non_null(holder->what);
    /* typed from runtime.allp's DWARF type down: the Ps' timer heaps */
    assert_string_equal(top->root_type, "[]*runtime.p");
    assert_int_equal(holder->role, GMX_STEP_ARRAY);
    assert_string_equal(holder->what, "runtime.timerWhen");
    assert_string_equal(holder->container, "runtime.p.timers.heap");
    assert_string_equal(holder->container_type, "[]runtime.timerWhen");
    assert_string_equal(top->chain[top->holder - 1].what, "runtime.p");
    assert_true(holder->children > 5000 && holder->bytes * 3 > r.marked_bytes);
    /* in the paths too, the Ps' timer heaps under runtime.allp hold most of it */
    assert_true(assert_paths(&r, "runtime.allp") * 2 > r.marked_bytes);
    bool timers = false;
    for (size_t i = 0; i < r.npaths; i++)
        timers |= strcmp(r.paths[i].name, "[]runtime.timerWhen") == 0;
    assert_true(timers);
    gmx_core_retention_release(&r);
}

/* The last step of top's chain in that role (and of that container, unless
 * NULL); the test fails when there is none. */
static const gmx_core_hold_step *step_in_role(const gmx_core_holder *top, gmx_core_step_role role,
                                              const char *container)
{
    const gmx_core_hold_step *found = NULL;
    for (size_t k = 1; k < top->nchain; k++) {
        const gmx_core_hold_step *s = &top->chain[k];
        if (s->role == role && (!container || (s->container && strcmp(s->container, container) == 0)))
            found = s;
    }
    assert_non_null(found);
    return found;
}

/* The retention of a lab heap-leak core (PREFIX VERSION .core/.bin, from the
 * build tree) into *r, and the step of its top chain in ROLE where the
 * leaking container begins: the chain valid, rooted at ROOT of ROOT_TYPE,
 * its holder the container OWNER.FIELD of CONTAINER_TYPE, reached from the
 * OWNER object (or root) through .FIELD (a slice's through .FIELD.array). */
static const gmx_core_hold_step *leaking_container_step(const char *prefix, const char *version,
                                                        const char *root, const char *root_type,
                                                        const char *owner, const char *field,
                                                        const char *container_type, gmx_core_step_role role,
                                                        gmx_core_retention *r)
{
    char core[512], bin[512], container[200], via[100];
    snprintf(core, sizeof(core), "%s%s.core", prefix, version);
    snprintf(bin, sizeof(bin), "%s%s.bin", prefix, version);
    snprintf(container, sizeof(container), "%s.%s", owner, field);
    snprintf(via, sizeof(via), role == GMX_STEP_ARRAY ? ".%s.array" : ".%s", field);
    gmx_error err = { 0 };
    assert_int_equal(gmx_ingest_core_retention(core, bin, 5, false, r, &err), GMX_OK);
    assert_chains(r);
    const gmx_core_holder *top = &r->holders[0];
    assert_string_equal(top->root, root);
    assert_string_equal(top->root_type, root_type);
    const gmx_core_hold_step *holder = &top->chain[top->holder];
    assert_non_null(holder->container);
    assert_string_equal(holder->container, container);
    assert_string_equal(holder->container_type, container_type);
    const gmx_core_hold_step *step = step_in_role(top, role, container);
    assert_string_equal(step->via, via);
    if (role == GMX_STEP_MAP)
        assert_string_equal(step->what, container_type);
    assert_string_equal(step == &top->chain[1] ? top->root_type : (step - 1)->what, owner);
    return step;
}

/* A lab map leak: rooted at net/http.defaultServeMux (the handler's method
 * value carries the service), the map OWNER.FIELD of MAP_TYPE. */
static const gmx_core_hold_step *leaking_map_step(const char *prefix, const char *version,
                                                  const char *owner, const char *field,
                                                  const char *map_type, gmx_core_retention *r)
{
    return leaking_container_step(prefix, version, "net/http.defaultServeMux", "net/http.ServeMux", owner,
                                  field, map_type, GMX_STEP_MAP, r);
}

/* MemStats.HeapInuse of the heap profile the lab fetched just before the gcore
 * (testdata/core/goVERSION/SVC/heap.txt): the bar is half of it. */
static uint64_t heap_inuse_at_capture(const char *version, const char *service)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/go%s/%s/heap.txt", GMX_CORE_LAB_DIR, version, service);
    gmx_input *in;
    assert_int_equal(gmx_input_open(path, &in, NULL), GMX_OK);
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    assert_non_null(h);
    assert_int_equal(gmx_heaptext_parse(path, gmx_input_data(in), gmx_input_size(in), h, NULL), GMX_OK);
    const gmx_memstats *m = &gmx_hsnapshot_get_info(h)->memstats;
    assert_true(m->present && m->heap_inuse > 0);
    uint64_t heap_inuse = m->heap_inuse;
    gmx_hsnapshot_free(h);
    gmx_input_free(in);
    return heap_inuse;
}

/* The lab's checkout cores (a map that grows, Go 1.19 buckets and 1.27 swiss
 * groups): typed from net/http.defaultServeMux through the handler's method
 * value to the leaking map, which holds at least half of the marked heap. */
static void assert_typed_checkout(const char *version)
{
    gmx_core_retention r;
    const gmx_core_hold_step *map =
        leaking_map_step(GMX_CHECKOUT_PREFIX, version, "main.Pricer", "replies", "map[uint64]main.Quote", &r);
    assert_true(map->entries > 1000);
    assert_true(map->bytes * 2 >= r.marked_bytes);
    /* the bar: half of the heap in use the runtime reported at capture */
    assert_true(map->bytes * 2 >= heap_inuse_at_capture(version, "checkout"));
    /* the *Pricer is reached through its handler's method value */
    const gmx_core_holder *top = &r.holders[0];
    const gmx_core_hold_step *closure = step_in_role(top, GMX_STEP_CLOSURE, NULL);
    assert_string_equal(closure->what, "net/http.HandlerFunc");
    assert_string_equal(closure->of, "main.(*Pricer).handleQuote-fm");
    /* past the map header, its internals name the map */
    const gmx_core_hold_step *last = &top->chain[top->nchain - 1];
    assert_true(last->role == GMX_STEP_MAP_GROUPS || last->role == GMX_STEP_MAP_BUCKETS);
    assert_string_equal(last->of, "map[uint64]main.Quote");
    char name[200];
    gmx_analyze_hold_step_name(top, 0, false, name, sizeof(name));
    assert_string_equal(name, "net/http.defaultServeMux (global, net/http.ServeMux)");
    gmx_core_retention_release(&r);
}

static void test_core__typed_chain_names_the_leaking_map(void **state)
{
    (void)state;
    assert_typed_checkout("1.19");
    assert_typed_checkout("1.22");
    assert_typed_checkout("1.27");
}

/* The lab's chunkstore cores (Go 1.19 buckets, 1.27 swiss groups): the index
 * keeps buf[:16] of each 1 MiB chunk, so a 16-byte header holds its whole
 * buffer. The chain names main.Index.headers as the container, and the map
 * holds at least half of the heap in use the runtime reported at capture. */
static void assert_typed_chunkstore(const char *version)
{
    gmx_core_retention r;
    const gmx_core_hold_step *map = leaking_map_step(GMX_CHUNKSTORE_PREFIX, version, "main.Index", "headers",
                                                     "map[string]main.chunkHeader", &r);
    assert_true(map->bytes * 2 >= heap_inuse_at_capture(version, "chunkstore"));
    /* the retained bytes are the chunks' buffers, not the 16-byte headers */
    const gmx_core_holder *top = &r.holders[0];
    const gmx_core_hold_step *last = &top->chain[top->nchain - 1];
    assert_true(last->noscan && last->size >= 1 << 20);
    gmx_core_retention_release(&r);
}

static void test_core__typed_chain_names_the_index_keeping_chunk_buffers(void **state)
{
    (void)state;
    assert_typed_chunkstore("1.19");
    assert_typed_chunkstore("1.27");
}

/* The retention's first finding: a warning whose title begins with title. */
static void assert_first_finding_warns(const gmx_core_retention *r, const char *title)
{
    gmx_findings *f = gmx_findings_new();
    assert_non_null(f);
    gmx_analyze_core_retention(r, f);
    assert_true(gmx_findings_count(f) >= 1);
    const gmx_finding *fd = gmx_findings_at(f, 0);
    assert_int_equal(fd->severity, GMX_SEV_WARNING);
    assert_int_equal(gmx_str_find(fd->title, title), 0);
    gmx_findings_free(f);
}

/* The held-out accounts cores (Go 1.19, 1.27): an audit trail, a slice of
 * structs holding []byte, in a struct laid out by the linker for the
 * package-level `var audit = &AuditTrail{...}` (no symbol, no DWARF
 * variable of its own): the chain starts at the pointee of main.audit,
 * typed main.AuditTrail, and its holder is the slice .entries, which keeps
 * at least half of the heap in use the runtime reported at capture. */
static void assert_typed_accounts(const char *version)
{
    gmx_core_retention r;
    const gmx_core_hold_step *entries =
        leaking_container_step(GMX_ACCOUNTS_PREFIX, version, "*main.audit", "main.AuditTrail", "main.AuditTrail",
                               "entries", "[]main.AuditEntry", GMX_STEP_ARRAY, &r);
    assert_string_equal(entries->what, "main.AuditEntry");
    const gmx_core_holder *top = &r.holders[0];
    assert_ptr_equal(entries, &top->chain[top->holder]);
    assert_true(entries->children > 1000);
    assert_true(entries->bytes * 2 >= heap_inuse_at_capture(version, "accounts"));
    /* what it keeps: the entries' payloads */
    const gmx_core_hold_step *last = &top->chain[top->nchain - 1];
    assert_true(last->noscan && last->role == GMX_STEP_ARRAY);
    assert_string_equal(last->container_type, "[]uint8");
    /* the analysis names the slice, a warning (a container of many, not one buffer) */
    assert_first_finding_warns(&r, "main.AuditTrail.entries ([]main.AuditEntry) holds");
    gmx_core_retention_release(&r);
}

static void test_core__typed_chain_starts_at_a_static_temp_of_a_global_pointer(void **state)
{
    (void)state;
    assert_typed_accounts("1.19");
    assert_typed_accounts("1.27");
}

/* The retention of a held-out core (PREFIX VERSION .core/.bin, from the
 * build tree) into *r, its chains valid: its top holder. */
static const gmx_core_holder *held_out_top(const char *prefix, const char *version, gmx_core_retention *r)
{
    char core[512], bin[512];
    snprintf(core, sizeof(core), "%s%s.core", prefix, version);
    snprintf(bin, sizeof(bin), "%s%s.bin", prefix, version);
    gmx_error err = { 0 };
    assert_int_equal(gmx_ingest_core_retention(core, bin, 5, false, r, &err), GMX_OK);
    assert_chains(r);
    return &r->holders[0];
}

/* The held-out feeds cores (Go 1.19, 1.27): a page cache, a sync.Map in a
 * struct captured by the closure registered with http.HandleFunc
 * (main.main.func1). The chain types the closure's captured variable and
 * names the sync.Map member the container, whatever its internals (1.19:
 * read-only and dirty maps of entries; 1.24+: a hash-trie of nodes DWARF
 * cannot type), holding at least half of the heap in use at capture. */
static void assert_typed_feeds(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_FEEDS_PREFIX, version, &r);
    assert_string_equal(top->root, "net/http.defaultServeMux");
    const gmx_core_hold_step *closure = step_in_role(top, GMX_STEP_CLOSURE, NULL);
    assert_string_equal(closure->of, "main.main.func1");
    /* the captured variable, named and typed as a member would be */
    const gmx_core_hold_step *cache = closure + 1, *pages = closure + 2;
    assert_string_equal(cache->via, ".cache");
    assert_string_equal(cache->what, "main.pageCache");
    assert_null(cache->container);
    /* the container begins past the member of type sync.Map */
    assert_non_null(pages->via);
    assert_int_equal(strncmp(pages->via, ".pages.", 7), 0);
    assert_string_equal(pages->container, "main.pageCache.pages");
    assert_string_equal(pages->container_type, "sync.Map");
    const gmx_core_hold_step *holder = &top->chain[top->holder];
    assert_true(holder >= pages && holder->children > 10);
    assert_string_equal(holder->container, "main.pageCache.pages");
    assert_true(pages->bytes * 2 >= heap_inuse_at_capture(version, "feeds"));
    assert_first_finding_warns(&r, "main.pageCache.pages (sync.Map) holds");
    gmx_core_retention_release(&r);
}

static void test_core__typed_chain_through_a_closure_names_a_sync_map(void **state)
{
    (void)state;
    assert_typed_feeds("1.19");
    assert_typed_feeds("1.27");
}

/* The held-out outbox cores (Go 1.19, 1.27): notifications linked at the
 * tail of a hand-written singly linked list (head, tail, cursor of a struct
 * main's frame points to). The frame's word is typed by main's one pointer
 * variable whose pointee fits the slot, .box; the list is the member holding
 * its first node, main.outbox.head, whose nodes reached through .next are
 * its elements; the holder is that first node, keeping the nodes it reaches
 * one after another, at least half of the heap in use at capture. */
static void assert_typed_outbox(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_OUTBOX_PREFIX, version, &r);
    assert_string_equal(top->root, "main.main");
    assert_int_equal(top->root_kind, GMX_CORE_ROOT_FRAME);
    assert_true(top->nchain >= 5);
    const gmx_core_hold_step *box = &top->chain[1], *head = &top->chain[2], *next = &top->chain[3];
    assert_string_equal(box->via, ".box");
    assert_string_equal(box->what, "main.outbox");
    assert_null(box->container);
    assert_string_equal(head->via, ".head");
    assert_string_equal(head->what, "main.message");
    assert_string_equal(head->container, "main.outbox.head");
    assert_string_equal(head->container_type, "*main.message");
    assert_string_equal(next->via, ".next");
    assert_string_equal(next->container, "main.outbox.head");
    assert_ptr_equal(head, &top->chain[top->holder]);
    assert_true(head->children > 1000 && head->children < head->objects);
    assert_true(head->bytes * 2 >= heap_inuse_at_capture(version, "outbox"));
    assert_first_finding_warns(&r, "main.outbox.head (*main.message) holds");
    gmx_core_retention_release(&r);
}

static void test_core__typed_chain_from_a_frame_names_a_linked_list(void **state)
{
    (void)state;
    assert_typed_outbox("1.19");
    assert_typed_outbox("1.27");
}

/* The held-out geocoder cores (Go 1.19, 1.27): span batches queued on a
 * buffered channel, a member of the struct behind the package-level
 * interface main.exporter, whose reader has returned. The channel's member is
 * the container, its runtime struct (hchan<T>) and buffer its internals; the
 * buffer, an unsafe.Pointer in DWARF, is typed by the element type the
 * channel's own elemtype gives, on 1.19 too (no malloc header to say it); the
 * batches past it are its elements, no longer the container. */
static void assert_typed_geocoder(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_GEOCODER_PREFIX, version, &r);
    assert_string_equal(top->root, "main.exporter");
    assert_true(top->nchain >= 5);
    const gmx_core_hold_step *hchan = &top->chain[2], *buf = &top->chain[3], *batch = &top->chain[4];
    assert_string_equal(hchan->via, ".queue");
    assert_string_equal(hchan->container, "main.batchExporter.queue");
    assert_string_equal(hchan->container_type, "chan *main.spanBatch");
    assert_string_equal(buf->via, ".buf");
    assert_int_equal(buf->role, GMX_STEP_ARRAY);
    assert_string_equal(buf->what, "*main.spanBatch");
    assert_string_equal(buf->container, "main.batchExporter.queue");
    assert_ptr_equal(buf, &top->chain[top->holder]);
    assert_true(buf->children > 1000);
    assert_string_equal(batch->what, "main.spanBatch");
    assert_null(batch->container);
    assert_true(hchan->bytes * 2 >= heap_inuse_at_capture(version, "geocoder"));
    assert_first_finding_warns(&r, "main.batchExporter.queue (chan *main.spanBatch) holds");
    gmx_core_retention_release(&r);
}

static void test_core__typed_chain_names_a_channel_and_types_its_buffer(void **state)
{
    (void)state;
    assert_typed_geocoder("1.19");
    assert_typed_geocoder("1.27");
}

/* The held-out docsite cores (Go 1.19, 1.27): a path index, a tree of nodes
 * (parent *pathNode, nil at the root; children []*pathNode) behind the
 * handler given to http.Handle. The root, reached through .root of another
 * type with its children set, begins the tree: main.pathIndex.root is the
 * container, its children arrays and the nodes past them its own; the holder
 * is the root, whose run (the root and its children array, one size) reaches
 * the sections, at least half of the heap in use at capture. */
static void assert_typed_docsite(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_DOCSITE_PREFIX, version, &r);
    assert_string_equal(top->root, "net/http.defaultServeMux");
    const gmx_core_hold_step *root = NULL;
    for (size_t k = 1; k < top->nchain && !root; k++)
        if (top->chain[k].via && strcmp(top->chain[k].via, ".root") == 0)
            root = &top->chain[k];
    assert_non_null(root);
    assert_true(root + 2 < top->chain + top->nchain);
    const gmx_core_hold_step *children = root + 1, *node = root + 2;
    assert_string_equal(root->what, "main.pathNode");
    assert_string_equal(root->container, "main.pathIndex.root");
    assert_string_equal(root->container_type, "*main.pathNode");
    assert_string_equal(children->via, ".children.array");
    assert_string_equal(children->container, "main.pathIndex.root");
    assert_string_equal(node->what, "main.pathNode");
    assert_string_equal(node->container, "main.pathIndex.root");
    assert_ptr_equal(root, &top->chain[top->holder]);
    assert_true(root->bytes * 2 >= heap_inuse_at_capture(version, "docsite"));
    assert_first_finding_warns(&r, "main.pathIndex.root (*main.pathNode) holds");
    gmx_core_retention_release(&r);
}

static void test_core__typed_chain_names_a_tree_by_its_root(void **state)
{
    (void)state;
    assert_typed_docsite("1.19");
    assert_typed_docsite("1.27");
}

/* The retention's first finding: a warning of category cat whose title
 * begins with title. */
static void assert_first_finding_judged(const gmx_core_retention *r, gmx_category cat, const char *title)
{
    assert_first_finding_warns(r, title);
    gmx_findings *f = gmx_findings_new();
    assert_non_null(f);
    gmx_analyze_core_retention(r, f);
    assert_int_equal(gmx_findings_at(f, 0)->category, cat);
    gmx_findings_free(f);
}

/* The held-out alerting cores (Go 1.19, 1.27): every dashboard poll's
 * shutdown hook, a method value closing over its session, appended to the
 * *http.Server's onShutdown, a []func() reached through the ServeMux's
 * routes (a map) and the handler's receiver. The slice is the container and
 * what grows: the finding is heap-growth, whatever map the path passes. */
static void assert_typed_alerting(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_ALERTING_PREFIX, version, &r);
    assert_string_equal(top->root, "net/http.defaultServeMux");
    const gmx_core_hold_step *routes = step_in_role(top, GMX_STEP_MAP, NULL);
    const gmx_core_hold_step *hooks = step_in_role(top, GMX_STEP_ARRAY, "net/http.Server.onShutdown");
    assert_true(routes < hooks);
    assert_string_equal(hooks->container_type, "[]func()");
    const gmx_core_hold_step *hook = hooks + 1;
    assert_int_equal(hook->role, GMX_STEP_CLOSURE);
    assert_string_equal(hook->of, "main.(*watchSession).notifyShutdown-fm");
    assert_true(hooks->bytes * 2 >= heap_inuse_at_capture(version, "alerting"));
    assert_first_finding_judged(&r, GMX_CAT_HEAP_GROWTH, "net/http.Server.onShutdown ([]func()) holds");
    gmx_core_retention_release(&r);
}

static void test_core__a_slice_reached_through_a_map_is_no_map_growth(void **state)
{
    (void)state;
    assert_typed_alerting("1.19");
    assert_typed_alerting("1.27");
}

/* The held-out exports cores (Go 1.19, 1.27): contexts derived with
 * context.WithCancel from a package-level context and never cancelled stay
 * in its children map, a map keyed by interfaces, each key the child
 * cancelCtx whose parent valueCtx holds the export's spec: the map is the
 * container, and it is a map that grows. */
static void assert_typed_exports(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_EXPORTS_PREFIX, version, &r);
    assert_string_equal(top->root, "main.lifetime");
    const gmx_core_hold_step *children = step_in_role(top, GMX_STEP_MAP, "context.cancelCtx.children");
    assert_string_equal(children->container_type, "map[context.canceler]struct {}");
    assert_true(children->entries > 1000);
    assert_true(children->bytes * 2 >= heap_inuse_at_capture(version, "exports"));
    assert_first_finding_judged(&r, GMX_CAT_MAP_GROWTH, "context.cancelCtx.children (map[context.canceler]struct {}) holds");
    gmx_core_retention_release(&r);
}

static void test_core__a_contexts_children_map_is_the_container(void **state)
{
    (void)state;
    assert_typed_exports("1.19");
    assert_typed_exports("1.27");
}

/* The held-out tilecache cores (Go 1.19, 1.27): a groupcache-style LRU, a
 * container/list and a map[interface{}]*list.Element, that never evicts.
 * main's frame keeps, besides srv, a stale copy of the map the inlined
 * newLRU made, which the mark reaches first: no variable of main.main
 * fits the map's header, so the word is typed as the member of the struct
 * one of the frame's words points to (srv's *tileServer, then its
 * *lruCache) that holds the same pointer, and the map is the container. */
static void assert_typed_tilecache(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_TILECACHE_PREFIX, version, &r);
    assert_string_equal(top->root, "main.main");
    /* the frame's word, typed as the member it copies */
    const gmx_core_hold_step *cache = &top->chain[1];
    assert_int_equal(cache->role, GMX_STEP_MAP);
    assert_string_equal(cache->via, ".cache");
    assert_string_equal(cache->container, "main.lruCache.cache");
    assert_string_equal(cache->container_type, "map[interface {}]*container/list.Element");
    assert_true(cache->entries > 1000);
    assert_string_equal(top->chain[top->holder].container, "main.lruCache.cache");
    assert_true(top->bytes * 2 >= heap_inuse_at_capture(version, "tilecache"));
    assert_first_finding_judged(&r, GMX_CAT_MAP_GROWTH,
                                "main.lruCache.cache (map[interface {}]*container/list.Element) holds");
    gmx_core_retention_release(&r);
}

static void test_core__a_frames_stale_copy_is_typed_as_the_member_it_copies(void **state)
{
    (void)state;
    assert_typed_tilecache("1.19");
    assert_typed_tilecache("1.27");
}

/* The held-out auditship cores (Go 1.19, 1.27): events queued on a
 * package-level buffered channel nothing drains. The global of channel
 * type is the container, as a struct member of one is; the channel's
 * runtime struct and its buffer are its internals. */
static void assert_typed_auditship(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_AUDITSHIP_PREFIX, version, &r);
    assert_string_equal(top->root, "main.auditQueue");
    const gmx_core_hold_step *holder = &top->chain[top->holder];
    assert_string_equal(holder->container, "main.auditQueue");
    assert_string_equal(holder->container_type, "chan main.auditEvent");
    assert_string_equal(top->chain[1].container, "main.auditQueue");
    assert_true(holder->bytes * 2 >= heap_inuse_at_capture(version, "auditship"));
    assert_first_finding_judged(&r, GMX_CAT_HEAP_GROWTH, "main.auditQueue (chan main.auditEvent) holds");
    gmx_core_retention_release(&r);
}

static void test_core__a_global_channel_is_the_container(void **state)
{
    (void)state;
    assert_typed_auditship("1.19");
    assert_typed_auditship("1.27");
}

/* The held-out printshop cores (Go 1.19, 1.27): a buffer pool whose size
 * classes are an inline array, [6]sizeClass, each with its free list
 * [][]byte; grown buffers are filed under the 8 and 16 KiB classes, which
 * nothing takes from. The chain runs into the heaviest class's free list;
 * what the same member holds in the array's other elements counts with it
 * (on 1.27 the 8 KiB class alone is 43% of HeapInuse, the pool's lists 52%). */
static void assert_typed_printshop(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_PRINTSHOP_PREFIX, version, &r);
    assert_string_equal(top->root, "main.buffers");
    const gmx_core_hold_step *holder = &top->chain[top->holder];
    assert_string_equal(holder->container, "main.bufferPool.classes[3].free");
    assert_string_equal(holder->container_type, "[][]uint8");
    /* the 16 KiB class, and the 4 KiB one's few */
    assert_true(top->like >= 1 && top->like_bytes > 0);
    assert_true(holder->bytes + top->like_bytes <= top->bytes);
    assert_true((holder->bytes + top->like_bytes) * 2 >= heap_inuse_at_capture(version, "printshop"));
    assert_first_finding_judged(&r, GMX_CAT_HEAP_GROWTH, "main.bufferPool.classes[3].free ([][]uint8) holds");
    gmx_core_retention_release(&r);
}

static void test_core__an_inline_arrays_elements_are_like_containers(void **state)
{
    (void)state;
    assert_typed_printshop("1.19");
    assert_typed_printshop("1.27");
}

/* The held-out chargeapi cores (Go 1.19, 1.27): an idempotency store
 * whose keys live in a fixed array of 16 shards embedded by value,
 * [16]idemShard, each a mutex and a map of records, reached from the
 * handler registered with http.Handle. No shard's map holds the quarter a
 * holder needs; together they hold most of the heap: the holder is the
 * heaviest shard's map, its 15 like elements counted with it, not the
 * handler's struct with no container named. */
static void assert_typed_chargeapi(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_CHARGEAPI_PREFIX, version, &r);
    assert_string_equal(top->root, "net/http.defaultServeMux");
    const gmx_core_hold_step *holder = &top->chain[top->holder];
    assert_non_null(holder->container);
    assert_int_equal(strncmp(holder->container, "main.api.idem.shards[", 21), 0);
    assert_non_null(strstr(holder->container, "].records"));
    assert_string_equal(holder->container_type, "map[string]*main.idemRecord");
    assert_true(holder->children > 100);
    assert_int_equal(top->like, 15);
    const gmx_core_hold_step *map = NULL;
    for (size_t k = 1; k <= top->holder && !map; k++)
        if (top->chain[k].container && strcmp(top->chain[k].container, holder->container) == 0)
            map = &top->chain[k];
    assert_non_null(map);
    assert_true(map->bytes * 4 < top->bytes); /* one shard: under a holder's quarter */
    assert_true(map->bytes + top->like_bytes <= top->bytes);
    assert_true((map->bytes + top->like_bytes) * 2 >= heap_inuse_at_capture(version, "chargeapi"));
    assert_first_finding_judged(&r, GMX_CAT_MAP_GROWTH, "main.api.idem.shards[");
    gmx_core_retention_release(&r);
}

static void test_core__an_inline_array_of_shards_is_the_holder(void **state)
{
    (void)state;
    assert_typed_chargeapi("1.19");
    assert_typed_chargeapi("1.27");
}

/* The held-out faresearch cores (Go 1.19, 1.27): every fare search waits
 * for good in WaitGroup.Wait in its net/http server goroutine. The server's
 * map of open connections, Server.activeConn, is reached through a global
 * first (the transport's calls in flight keep contexts holding the
 * *http.Server), but each connection it keeps is also its serve goroutine's,
 * whose frame points to it: the holder is those goroutines' heap, told
 * (info), not warned of, so that their own finding ranks first. */
static void assert_in_use_faresearch(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_FARESEARCH_PREFIX, version, &r);
    assert_string_equal(top->root, "*net/http.DefaultTransport");
    const gmx_core_hold_step *holder = &top->chain[top->holder];
    assert_string_equal(holder->container, "net/http.Server.activeConn");
    assert_true(holder->children > 100);
    /* the connections, each its own goroutine's (the stacks are scanned conservatively: on
     * 1.27's gcore a goroutine's stale word points to a second one) */
    assert_true(top->framed <= holder->children && top->framed + 1 >= holder->children);
    assert_true(top->framed_goroutines <= top->framed && top->framed_goroutines + 1 >= top->framed);
    gmx_findings *f = gmx_findings_new();
    assert_non_null(f);
    gmx_analyze_core_retention(&r, f);
    const gmx_finding *fd = gmx_findings_at(f, 0);
    assert_int_equal(gmx_str_find(fd->title, "net/http.Server.activeConn (map[*net/http.conn]struct {}) holds"), 0);
    assert_int_equal(fd->severity, GMX_SEV_INFO);
    assert_true(gmx_str_find(fd->why, "are in use by") != SIZE_MAX);
    gmx_findings_free(f);
    gmx_core_retention_release(&r);
}

static void test_core__a_table_of_goroutines_objects_is_their_heap(void **state)
{
    (void)state;
    assert_in_use_faresearch("1.19");
    assert_in_use_faresearch("1.27");
}

/* The held-out tickerd core (Go 1.19): a market-data feed whose connection
 * goroutines, one per terminal, wait to write a snapshot to terminals that
 * stopped reading. Their frames hold most of the heap marked, each its own
 * subscriber's queue of updates; the container named on the heaviest line,
 * one goroutine's main.subscriber.updates, holds under a quarter of it: one
 * of those goroutines' own lines, told (info), not warned of, so that the
 * goroutines' own finding ranks first. */
static void test_core__a_container_of_one_goroutines_line_is_its_heap(void **state)
{
    (void)state;
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_TICKERD_PREFIX, "1.19", &r);
    assert_int_equal(top->root_kind, GMX_CORE_ROOT_FRAME);
    assert_true(top->roots > 100);
    const gmx_core_hold_step *queue = NULL;
    for (size_t k = 1; k <= top->holder; k++)
        if (top->chain[k].container && strcmp(top->chain[k].container, "main.subscriber.updates") == 0)
            queue = &top->chain[k];
    assert_non_null(queue);
    assert_true((queue->bytes + top->like_bytes) * 4 < top->bytes);
    assert_true(top->bytes * 2 >= r.marked_bytes);
    gmx_findings *f = gmx_findings_new();
    assert_non_null(f);
    gmx_analyze_core_retention(&r, f);
    const gmx_finding *fd = gmx_findings_at(f, 0);
    assert_int_equal(gmx_str_find(fd->title, "main.subscriber.updates (chan []uint8) holds"), 0);
    assert_int_equal(fd->severity, GMX_SEV_INFO);
    gmx_findings_free(f);
    gmx_core_retention_release(&r);
}

/* The held-out receipts cores (Go 1.19, 1.27): a per-merchant index,
 * map[string][]*receipt, whose keys the janitor does not trim. The map is
 * the container, holding at least half of the heap in use at capture; no
 * goroutine uses its receipts, so it is warned of. */
static void assert_typed_receipts(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_RECEIPTS_PREFIX, version, &r);
    assert_string_equal(top->root, "net/http.defaultServeMux");
    const gmx_core_hold_step *index = step_in_role(top, GMX_STEP_MAP, "main.recentIndex.byMerchant");
    assert_string_equal(index->container_type, "map[string][]*main.receipt");
    assert_true(index->bytes * 2 >= heap_inuse_at_capture(version, "receipts"));
    assert_true(top->framed_goroutines < 16);
    assert_first_finding_judged(&r, GMX_CAT_MAP_GROWTH, "main.recentIndex.byMerchant (map[string][]*main.receipt) holds");
    gmx_core_retention_release(&r);
}

static void test_core__a_map_of_slices_per_key_is_the_container(void **state)
{
    (void)state;
    assert_typed_receipts("1.19");
    assert_typed_receipts("1.27");
}

/* The held-out beacons cores (Go 1.19, 1.27): per install, the last
 * sequence token, a sub-slice of the batch body io.ReadAll read, kept in a
 * map's values, map[string]main.install. The map is the container; on
 * 1.27 it holds at least half of the heap in use at capture, on 1.19 49%
 * (94% of the heap marked: the rest is garbage no GC had freed yet, the
 * bar missed as recorded in testdata/lab/README.md). */
static void assert_typed_beacons(const char *version, unsigned pct)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_BEACONS_PREFIX, version, &r);
    assert_string_equal(top->root, "net/http.defaultServeMux");
    const gmx_core_hold_step *installs = step_in_role(top, GMX_STEP_MAP, "main.dedup.installs");
    assert_string_equal(installs->container_type, "map[string]main.install");
    assert_true(installs->bytes * 100 >= heap_inuse_at_capture(version, "beacons") * pct);
    assert_first_finding_judged(&r, GMX_CAT_MAP_GROWTH, "main.dedup.installs (map[string]main.install) holds");
    gmx_core_retention_release(&r);
}

static void test_core__sub_slices_keeping_their_bodies_in_a_map(void **state)
{
    (void)state;
    assert_typed_beacons("1.19", 49);
    assert_typed_beacons("1.27", 50);
}

/* The held-out stackfold cores (Go 1.19, 1.27): every container stream's
 * last event, a strings.Builder in a *pendingEvent, kept in a map keyed by
 * a struct, map[main.streamKey]*main.pendingEvent, whose stop notices never
 * match. The map is the container, holding at least half of the heap in
 * use at capture; the Builder's pointer to itself (its copy check) begins
 * no list. */
static void assert_typed_stackfold(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_STACKFOLD_PREFIX, version, &r);
    assert_string_equal(top->root, "net/http.defaultServeMux");
    const gmx_core_hold_step *pending = step_in_role(top, GMX_STEP_MAP, "main.folder.pending");
    assert_string_equal(pending->container_type, "map[main.streamKey]*main.pendingEvent");
    assert_true(pending->bytes * 2 >= heap_inuse_at_capture(version, "stackfold"));
    assert_first_finding_judged(&r, GMX_CAT_MAP_GROWTH,
                                "main.folder.pending (map[main.streamKey]*main.pendingEvent) holds");
    gmx_core_retention_release(&r);
}

static void test_core__builders_kept_in_a_map_keyed_by_a_struct(void **state)
{
    (void)state;
    assert_typed_stackfold("1.19");
    assert_typed_stackfold("1.27");
}

/* core and bin opened as a pair through their inputs (mapped files). */
static gmx_core *open_pair(const char *core, const char *bin, gmx_input **core_in,
                           gmx_input **bin_in)
{
    gmx_core *c = NULL;
    assert_int_equal(gmx_input_open(core, core_in, NULL), GMX_OK);
    assert_int_equal(gmx_input_open(bin, bin_in, NULL), GMX_OK);
    assert_int_equal(gmx_core_open("core", gmx_input_data(*core_in), gmx_input_size(*core_in), "bin",
                                   gmx_input_data(*bin_in), gmx_input_size(*bin_in), &c, NULL),
                     GMX_OK);
    return c;
}

/* The held-out querycache cores (Go 1.19, 1.27): search plans in a generic
 * cost-bounded cache, Cache[planKey, any], whose map of *entry[any] keeps
 * each plan behind an interface; a plan's cost underestimates it tenfold, so
 * nothing is evicted. The map member of the instantiated type is the
 * container, holding at least half of the heap in use at capture. */
static void assert_typed_querycache(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_QUERYCACHE_PREFIX, version, &r);
    const gmx_core_hold_step *items =
        step_in_role(top, GMX_STEP_MAP, "main.Cache[main.planKey,interface {}].items");
    assert_string_equal(items->container_type, "map[main.planKey]*main.entry[interface {}]");
    assert_true(items->bytes * 2 >= heap_inuse_at_capture(version, "querycache"));
    assert_first_finding_judged(&r, GMX_CAT_MAP_GROWTH,
                                "main.Cache[main.planKey,interface {}].items (map[main.planKey]*main.entry[interface {}]) holds");
    gmx_core_retention_release(&r);
}

static void test_core__a_generic_caches_map_of_interface_values(void **state)
{
    (void)state;
    assert_typed_querycache("1.19");
    assert_typed_querycache("1.27");
}

/* The held-out docindex cores (Go 1.19, 1.27): an indexer's undo closures, one per
 * article applied, kept in undo []func(), a local of its worker's frame,
 * beside pending []*article, whose elements fit the same array: the
 * array's words are funcvals, not articles, so it is undo's. The local is
 * the container, holding at least half of the heap in use at capture, each
 * closure reached as the function it runs. */
static void assert_typed_docindex(const char *version)
{
    gmx_core_retention r;
    const gmx_core_holder *top = held_out_top(GMX_DOCINDEX_PREFIX, version, &r);
    assert_string_equal(top->root, "main.(*indexer).run");
    const gmx_core_hold_step *undo = step_in_role(top, GMX_STEP_ARRAY, "main.(*indexer).run.undo");
    assert_string_equal(undo->container_type, "[]func()");
    assert_string_equal(undo->via, ".undo.array");
    const gmx_core_hold_step *closure = undo + 1;
    assert_int_equal(closure->role, GMX_STEP_CLOSURE);
    assert_string_equal(closure->of, "main.(*index).apply.func1");
    assert_true(undo->bytes * 2 >= heap_inuse_at_capture(version, "docindex"));
    assert_first_finding_judged(&r, GMX_CAT_HEAP_GROWTH, "main.(*indexer).run.undo ([]func()) holds");
    gmx_core_retention_release(&r);
}

static void test_core__a_frames_slice_of_closures_beside_a_slice_of_pointers(void **state)
{
    (void)state;
    assert_typed_docindex("1.19");
    assert_typed_docindex("1.27");
}

typedef struct generic_tally {
    uint64_t round_trips, shapes;
} generic_tally;

static int count_generic(void *ctx, const gmx_goroutine *g)
{
    generic_tally *t = ctx;
    for (uint32_t i = 0; i < g->nframes; i++) {
        if (memmem(g->frames[i].func.p, g->frames[i].func.n, "go.shape", 8))
            t->shapes++;
        if (gmx_str_eq_cstr(g->frames[i].func, "main.roundTrip[...]"))
            t->round_trips++;
    }
    if (g->has_creator && memmem(g->creator.func.p, g->creator.func.n, "go.shape", 8))
        t->shapes++;
    return 0;
}

/* The held-out stockline 1.27 core: Go 1.21+ tables name a generic
 * function with its shapes ("main.roundTrip[go.shape.struct { SKU string
 * ... }]"); the traceback of the same instant prints "main.roundTrip[...]",
 * 134 goroutines through it (crash.txt), and the core's stacks read alike. */
static void test_core__generic_functions_named_as_the_traceback_prints_them(void **state)
{
    (void)state;
    gmx_input *core_in, *bin_in;
    gmx_core *c = open_pair(GMX_STOCKLINE_PREFIX "1.27.core", GMX_STOCKLINE_PREFIX "1.27.bin",
                            &core_in, &bin_in);
    generic_tally t = { 0 };
    assert_int_equal(gmx_core_goroutines(c, count_generic, &t, NULL, NULL), GMX_OK);
    assert_int_equal(t.round_trips, 134);
    assert_int_equal(t.shapes, 0);
    gmx_core_free(c);
    gmx_input_free(core_in);
    gmx_input_free(bin_in);

    /* The frames that hold heap are named alike: "main.roundTrip[...]
     * (frames of 134 goroutines)", not the table's shapes. */
    gmx_core_retention r;
    gmx_error err = { 0 };
    assert_int_equal(gmx_ingest_core_retention(GMX_STOCKLINE_PREFIX "1.27.core",
                                               GMX_STOCKLINE_PREFIX "1.27.bin", 20, false, &r, &err),
                     GMX_OK);
    bool round_trip = false;
    for (size_t i = 0; i < r.nholders; i++) {
        assert_null(strstr(r.holders[i].root, "go.shape"));
        round_trip = round_trip || strcmp(r.holders[i].root, "main.roundTrip[...]") == 0;
    }
    assert_true(round_trip);
    gmx_core_retention_release(&r);
}


/* The mark's totals and top holder on the lab cores, as the mark that read
 * each queued object from the core printed them (before heap_edges.c): the
 * walk over edges read in address order must find the same objects in the
 * same order. The Go 1.27 rows since on-demand pointer masks are read
 * (runtime.p is no longer scanned conservatively: its stale GC work ring
 * claimed presence's sessions for runtime.allp) and checkout 1.27 was
 * captured again. */
static void test_core__mark_from_edges_matches_the_per_object_mark(void **state)
{
    (void)state;
    static const struct {
        const char *core, *bin, *root;
        uint64_t objects, bytes, exact, conservative, roots, top_bytes, top_objects;
    } want[] = {
        { GMX_CORE_FILE, GMX_CORE_BIN, "runtime.allgptr", 1167, 242096, 851, 0, 446, 35760, 91 },
        { GMX_PRESENCE_DIR "/core", GMX_PRESENCE_DIR "/presence.bin", "runtime.allp", 28652,
          2477464, 28486, 0, 195, 1584008, 20031 },
        { GMX_CHECKOUT_PREFIX "1.19.core", GMX_CHECKOUT_PREFIX "1.19.bin",
          "net/http.defaultServeMux", 1562, 7444064, 986, 0, 377, 7139496, 305 },
        { GMX_CHECKOUT_PREFIX "1.27.core", GMX_CHECKOUT_PREFIX "1.27.bin",
          "net/http.defaultServeMux", 1664, 4820880, 874, 0, 239, 4458336, 72 },
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        gmx_core_retention r;
        gmx_error err = { 0 };
        assert_int_equal(gmx_ingest_core_retention(want[i].core, want[i].bin, 5, false, &r, &err),
                         GMX_OK);
        assert_false(r.capped);
        assert_int_equal(r.marked_objects, want[i].objects);
        assert_int_equal(r.marked_bytes, want[i].bytes);
        assert_int_equal(r.exact_objects, want[i].exact);
        assert_int_equal(r.conservative_objects, want[i].conservative);
        assert_int_equal(r.roots, want[i].roots);
        assert_true(r.nholders > 0);
        assert_string_equal(r.holders[0].root, want[i].root);
        assert_int_equal(r.holders[0].bytes, want[i].top_bytes);
        assert_int_equal(r.holders[0].objects, want[i].top_objects);
        gmx_core_retention_release(&r);
    }
}

static void release_pages(void *ctx, size_t offset, size_t len)
{
    size_t *released = ((void **)ctx)[1];
    *released += len;
    gmx_input_release_range(((void **)ctx)[0], offset, len);
}

/* Pages the walk hands back read the same when touched again: a second
 * walk on the same open core finds the same. */
static void test_core__released_pages_read_back_the_same(void **state)
{
    (void)state;
    gmx_input *core_in, *bin_in;
    size_t released = 0;
    void *ctx[2] = { NULL, &released };
    gmx_core *c = open_pair(GMX_CHECKOUT_PREFIX "1.27.core", GMX_CHECKOUT_PREFIX "1.27.bin",
                            &core_in, &bin_in);
    assert_true(gmx_input_mapped(core_in));
    ctx[0] = core_in;
    gmx_core_set_release(c, release_pages, ctx);
    gmx_core_retention first, second;
    assert_int_equal(gmx_core_heap_retention(c, 5, true, &first, NULL), GMX_OK);
    assert_true(released > 0);
    assert_int_equal(gmx_core_heap_retention(c, 5, true, &second, NULL), GMX_OK);
    assert_int_equal(first.marked_objects, second.marked_objects);
    assert_int_equal(first.marked_bytes, second.marked_bytes);
    assert_int_equal(first.npaths, second.npaths);
    assert_int_equal(first.holders[0].bytes, second.holders[0].bytes);
    assert_int_equal(first.holders[0].nchain, second.holders[0].nchain);
    gmx_core_retention_release(&first);
    gmx_core_retention_release(&second);
    gmx_core_free(c);
    gmx_input_free(core_in);
    gmx_input_free(bin_in);
}

typedef struct finalizer_roots {
    const char *want;
    size_t regions, objects, named;
} finalizer_roots;

static bool note_finalizer(void *ctx, const root_region *r)
{
    finalizer_roots *f = ctx;
    assert_int_equal(r->kind, ROOT_FINALIZER);
    assert_true(r->hi > r->lo);
    f->regions++;
    f->named += gmx_str_eq_cstr(r->name, f->want);
    f->objects += r->mask != NULL; /* a finalizer's object, beside its function word */
    return true;
}

/* The finalizer specials the runtime keeps on the lab cores: os.Stdin,
 * Stdout and Stderr's *os.file (os.NewFile sets (*file).close as their
 * finalizer), found through mspan.specials with layouts from DWARF. */
static void assert_finalizers(const char *core, const char *bin, const char *want)
{
    gmx_input *core_in, *bin_in;
    gmx_core *c = open_pair(core, bin, &core_in, &bin_in);
    heap_layout l;
    scan_layout s;
    heap_index ix;
    assert_int_equal(gmx_heap_layout_resolve(c, &l, NULL), GMX_OK);
    gmx_scan_layout_resolve(c, &l, &s);
    assert_int_equal(gmx_heap_index_build(c, &l, &ix, NULL), GMX_OK);
    finalizer_roots f = { want, 0, 0, 0 };
    assert_int_equal(gmx_heap_finalizer_roots(c, &l, &s, &ix, note_finalizer, &f, NULL), GMX_OK);
    printf("finalizers of %s: %zu regions, %zu objects, %zu named %s\n", core, f.regions,
           f.objects, f.named, want);
    assert_true(f.objects >= 3 && f.named >= 3 * 2); /* function word and object each */
    gmx_heap_index_release(&ix);
    gmx_core_free(c);
    gmx_input_free(core_in);
    gmx_input_free(bin_in);
}

static void test_core__finalizers_are_roots(void **state)
{
    (void)state;
    assert_finalizers(GMX_CORE_FILE, GMX_CORE_BIN, "os.(*file).close");
    assert_finalizers(GMX_CHECKOUT_PREFIX "1.19.core", GMX_CHECKOUT_PREFIX "1.19.bin", "os.(*file).close");
    assert_finalizers(GMX_CHECKOUT_PREFIX "1.27.core", GMX_CHECKOUT_PREFIX "1.27.bin", "os.(*file).close");
}

static void test_core__retention_allocation_failures_are_reported(void **state)
{
    (void)state;
    bool done = false;
    gmx_input *core_in, *bin_in;
    gmx_core *c = open_pair(GMX_CORE_FILE, GMX_CORE_BIN, &core_in, &bin_in);
    for (long n = 1; n < 600 && !done; n++) {
        gmx_core_retention r;
        gmx_error err = { 0 };
        gmx_alloc_fail_after(n, 1);
        gmx_code rc = gmx_core_heap_retention(c, 5, true, &r, &err);
        gmx_alloc_fail_after(0, 0);
        if (rc == GMX_OK) {
            assert_true(r.marked_objects > 0);
            gmx_core_retention_release(&r);
            done = true;
        } else {
            assert_int_equal(rc, GMX_ENOMEM);
            if (!strstr(err.message, "out of memory"))
                fail_msg("allocation %ld: %s", n, err.message);
        }
    }
    assert_true(done);
    gmx_core_free(c);
    gmx_input_free(core_in);
    gmx_input_free(bin_in);
}

/* Goroutines and heap from one open core: the same heap as the heap read
 * alone, and the same goroutines as gmx_ingest_core, which carry what they
 * hold: every bucket its goroutines' stacks (at least the runtime's 2 KiB
 * each), and together the heap the goroutines' stacks reached first. */
static void test_core__one_open_reads_goroutines_and_heap(void **state)
{
    (void)state;
    gmx_gsnapshot both, alone;
    gmx_core_heap heap, heap_alone;
    gmx_error heap_err = { 0 };
    assert_int_equal(gmx_ingest_core_with_heap(GMX_CORE_FILE, GMX_CORE_BIN, NULL, &both, NULL,
                                               &heap, &heap_err, NULL), GMX_OK);
    assert_int_equal(heap_err.code, GMX_OK);
    assert_int_equal(gmx_ingest_core(GMX_CORE_FILE, GMX_CORE_BIN, NULL, &alone, NULL, NULL), GMX_OK);
    assert_int_equal(gmx_ingest_core_heap(GMX_CORE_FILE, GMX_CORE_BIN, &heap_alone, NULL), GMX_OK);
    assert_int_equal(both.info.goroutines, alone.info.goroutines);
    assert_int_equal(heap.objects, heap_alone.objects);
    assert_int_equal(heap.bytes, heap_alone.bytes);
    assert_int_equal(heap.nrows, heap_alone.nrows);
    uint64_t held = 0, reached = 0;
    for (size_t i = 0; i < gmx_gbuckets_count(both.buckets); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(both.buckets, i);
        assert_true(b->stack_bytes >= 2048 * b->count);
        assert_int_equal(gmx_gbuckets_at(alone.buckets, i)->stack_bytes, b->stack_bytes);
        assert_int_equal(gmx_gbuckets_at(alone.buckets, i)->heap_bytes, 0); /* no heap read */
        held += b->heap_bytes;
    }
    const gmx_core_retention *r = heap.retention;
    assert_non_null(r);
    for (size_t i = 0; i < r->ngoroutines; i++) {
        assert_true(i == 0 || r->goroutines[i - 1].goid < r->goroutines[i].goid);
        assert_ptr_equal(gmx_core_retention_goroutine(r, r->goroutines[i].goid), &r->goroutines[i]);
        reached += r->goroutines[i].bytes;
    }
    assert_true(held > 0 && held <= reached && reached <= r->marked_bytes);
    gmx_core_heap_release(&heap);
    gmx_core_heap_release(&heap_alone);
    gmx_gsnapshot_release(&both);
    gmx_gsnapshot_release(&alone);
}

/* A type name is the binary's bytes: rendered, it cannot reach the terminal
 * raw, close its Markdown code span or table cell, or break the JSON. */
static void test_core__heap_report_shows_hostile_type_names_safely(void **state)
{
    (void)state;
    static const char hostile[] = "main.T`| \x1b[31m\x7f\xff\"";
    char name[sizeof(hostile)];
    memcpy(name, hostile, sizeof(hostile));
    name[9] = '\x1b'; /* the bytes as a crafted binary would hold them */
    gmx_core_heap_row rows[] = {
        { .type = name, .size_class = 0, .elem_size = 64, .objects = 3, .bytes = 192 },
        { .type = NULL, .size_class = 5, .noscan = true, .elem_size = 48, .objects = 1, .bytes = 48 },
    };
    gmx_core_heap h = { .spans = 1, .span_bytes = 8192, .objects = 4, .bytes = 240, .rows = rows,
                        .nrows = 2 };
    gmx_findings *f = gmx_findings_new();
    assert_non_null(f);
    char *out = NULL;
    size_t len = 0;
    gmx_render_options md = { .markdown = true };
    assert_int_equal(gmx_render_core_text(f, &h, NULL, 0, &md, &out, &len, NULL), GMX_OK);
    assert_null(strchr(out, 0x1b));
    assert_null(strchr(out, 0x7f));
    assert_non_null(strstr(out, "| 192 B | 3 | 64 B | `main.T'"));
    assert_non_null(strstr(out, "`size class 5 (no pointers)` |"));
    size_t ticks = 0, pipes = 0; /* the row: one code span, five cell borders */
    for (const char *c = strstr(out, "| 192 B"); *c != '\n'; c++) {
        ticks += *c == '`';
        pipes += *c == '|';
    }
    assert_int_equal(ticks, 2);
    assert_int_equal(pipes, 5);
    gmx_render_free(out);
    assert_int_equal(gmx_render_core_text(f, &h, NULL, 0, NULL, &out, &len, NULL), GMX_OK);
    assert_null(strchr(out, 0x1b));
    assert_non_null(strstr(out, "\\x1b"));
    gmx_render_free(out);
    assert_int_equal(gmx_render_core_json(f, &h, NULL, NULL, &out, &len, NULL), GMX_OK);
    assert_null(strchr(out, 0x1b));
    assert_non_null(strstr(out, "\"heap\": {"));
    assert_non_null(strstr(out, "\\u001b"));
    gmx_render_free(out);
    assert_int_equal(gmx_render_core_json(f, NULL, "no mheap_ in the binary", NULL, &out, &len,
                                          NULL), GMX_OK);
    assert_non_null(strstr(out, "\"error\": \"no mheap_ in the binary\""));
    gmx_render_free(out);
    gmx_findings_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core__goroutines_as_the_dump_prints_them),
        cmocka_unit_test(test_core__callback_stops_the_walk),
        cmocka_unit_test(test_core__every_allocation_failure_is_reported),
        cmocka_unit_test(test_core__heap_reconciles_with_the_runtime),
        cmocka_unit_test(test_core__heap_allocation_failures_are_reported),
        cmocka_unit_test(test_core__heap_as_a_snapshot),
        cmocka_unit_test(test_core__retention_of_a_goroutine_leak),
        cmocka_unit_test(test_core__retention_of_leaked_timers),
        cmocka_unit_test(test_core__typed_chain_names_the_leaking_map),
        cmocka_unit_test(test_core__typed_chain_names_the_index_keeping_chunk_buffers),
        cmocka_unit_test(test_core__typed_chain_starts_at_a_static_temp_of_a_global_pointer),
        cmocka_unit_test(test_core__typed_chain_through_a_closure_names_a_sync_map),
        cmocka_unit_test(test_core__typed_chain_from_a_frame_names_a_linked_list),
        cmocka_unit_test(test_core__typed_chain_names_a_channel_and_types_its_buffer),
        cmocka_unit_test(test_core__typed_chain_names_a_tree_by_its_root),
        cmocka_unit_test(test_core__a_slice_reached_through_a_map_is_no_map_growth),
        cmocka_unit_test(test_core__a_contexts_children_map_is_the_container),
        cmocka_unit_test(test_core__a_frames_stale_copy_is_typed_as_the_member_it_copies),
        cmocka_unit_test(test_core__a_global_channel_is_the_container),
        cmocka_unit_test(test_core__an_inline_arrays_elements_are_like_containers),
        cmocka_unit_test(test_core__an_inline_array_of_shards_is_the_holder),
        cmocka_unit_test(test_core__a_table_of_goroutines_objects_is_their_heap),
        cmocka_unit_test(test_core__a_container_of_one_goroutines_line_is_its_heap),
        cmocka_unit_test(test_core__a_map_of_slices_per_key_is_the_container),
        cmocka_unit_test(test_core__sub_slices_keeping_their_bodies_in_a_map),
        cmocka_unit_test(test_core__builders_kept_in_a_map_keyed_by_a_struct),
        cmocka_unit_test(test_core__a_generic_caches_map_of_interface_values),
        cmocka_unit_test(test_core__a_frames_slice_of_closures_beside_a_slice_of_pointers),
        cmocka_unit_test(test_core__generic_functions_named_as_the_traceback_prints_them),
        cmocka_unit_test(test_core__mark_from_edges_matches_the_per_object_mark),
        cmocka_unit_test(test_core__released_pages_read_back_the_same),
        cmocka_unit_test(test_core__finalizers_are_roots),
        cmocka_unit_test(test_core__retention_allocation_failures_are_reported),
        cmocka_unit_test(test_core__one_open_reads_goroutines_and_heap),
        cmocka_unit_test(test_core__heap_report_shows_hostile_type_names_safely),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
