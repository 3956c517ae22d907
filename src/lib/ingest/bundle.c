/* Loading an incident bundle: walk the paths (bundle_walk.c), recognise
 * each file by its content and read it into its model (bundle_read.c, on
 * every core), merge what was read here in the order found, pair cores
 * with their executables, and order everything in time (bundle_times.c). */
#include "gomemdx/core.h"
#include "gomemdx/elfsniff.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "gomemdx/profile.h"
#include "ingest/bundle_impl.h"
#include "ingest/capture_times.h"
#include "ingest/heap_reduce.h"
#include "ingest/heap_series.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/pipeline.h"
#include "util/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A note in English and in Chinese, both formats taking the same arguments. */
void gmx_bundle_add_note(gmx_bundle *b, const char *en, const char *zh, ...)
{
    if (b->nnotes >= MAX_NOTES)
        return;
    gmx_buf buf, buf_zh;
    gmx_buf_init(&buf, 4096);
    gmx_buf_init(&buf_zh, 4096);
    va_list ap, aq;
    va_start(ap, zh);
    va_copy(aq, ap);
    gmx_buf_vprintf(&buf, en, ap);
    gmx_buf_vprintf(&buf_zh, zh, aq);
    va_end(aq);
    va_end(ap);
    if (!buf.failed && !buf_zh.failed) {
        b->notes[b->nnotes] = gmx_buf_detach(&buf, NULL);
        b->notes_zh[b->nnotes++] = gmx_buf_detach(&buf_zh, NULL);
    } else {
        gmx_buf_release(&buf);
        gmx_buf_release(&buf_zh);
        b->note_failed = true;
    }
}

gmx_artifact *gmx_bundle_add_artifact(gmx_bundle *b, const char *path)
{
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        gmx_artifact *grown = gmx_reallocarray(b->items, cap, sizeof(*grown));
        if (!grown)
            return NULL;
        b->items = grown;
        b->cap = cap;
    }
    gmx_artifact *a = &b->items[b->count];
    memset(a, 0, sizeof(*a));
    a->path = gmx_strndup(path, strlen(path));
    if (!a->path)
        return NULL;
    a->time_source = GMX_TIME_NONE;
    b->count++;
    return a;
}

void gmx_bundle_skip(gmx_artifact *a, const char *reason, const char *reason_zh)
{
    /* A skipped file's time orders nothing (and a checkout's file times
     * would make the report differ from one clone to the next). */
    a->time_ns = 0;
    a->time_source = GMX_TIME_NONE;
    a->kind = GMX_ART_SKIPPED;
    a->skip_code = GMX_OK;
    a->skip_reason = gmx_strndup(reason, strlen(reason));
    a->skip_reason_zh = reason_zh ? gmx_strndup(reason_zh, strlen(reason_zh)) : NULL;
    if (!a->skip_reason || (reason_zh && !a->skip_reason_zh))
        a->skip_code = GMX_ENOMEM;
}

/* Skipped for an error; running out of memory is not a reason to skip a
 * file, and merge_pending turns it into the bundle's failure. */
void gmx_bundle_skip_error(gmx_artifact *a, const gmx_error *err)
{
    char msg[512];
    gmx_error e = *err;
    e.source[0] = '\0'; /* the path is shown beside the reason already */
    gmx_error_format(&e, msg, sizeof(msg));
    gmx_bundle_skip(a, msg, NULL);
    if (a->skip_code == GMX_OK)
        a->skip_code = err->code;
}

/* Renames a's path when it starts with the alias prefix; false when out of
 * memory. The file was read by its real path already. */
bool gmx_bundle_alias(const gmx_bundle *b, gmx_artifact *a)
{
    size_t n = b->alias_from ? strlen(b->alias_from) : 0;
    if (!n || strncmp(a->path, b->alias_from, n) != 0)
        return true;
    const char *rest = a->path + n;
    while (*rest == '/')
        rest++;
    size_t len = strlen(b->alias_to) + strlen(rest);
    char *shown = gmx_malloc(len + 1);
    if (!shown)
        return false;
    snprintf(shown, len + 1, "%s%s", b->alias_to, rest);
    gmx_free(a->path);
    a->path = shown;
    return true;
}

/* Remembers the last artifact added as a file to read after the walk. */
bool gmx_bundle_pend(gmx_bundle *b, const struct stat *st)
{
    if (gmx_array_reserve((void **)&b->pending, &b->pending_cap, b->npending + 1,
                          sizeof(*b->pending)) != 0)
        return false;
    b->pending[b->npending++] = (struct pending){ .item = b->count - 1, .st = *st };
    return true;
}

/* The capture time of a file an index names: the time it was fetched,
 * better than the file's own time and than MemStats' last GC, not than a
 * profile's time_nanos. */
static void capture_timed(const gmx_bundle *b, gmx_artifact *a)
{
    if (a->kind == GMX_ART_SKIPPED || a->kind == GMX_ART_ESCAPE_LOG ||
        a->time_source == GMX_TIME_PROFILE)
        return;
    if (gmx_capture_times_find(&b->times, a->path, &a->time_ns)) {
        a->time_source = GMX_TIME_CAPTURE;
        if (a->kind == GMX_ART_METRICS)
            a->metrics.time_ns = a->time_ns;
    }
}

/* Each core is read with the executable among the inputs whose build ID it
 * carries; one that matches none keeps the reason of its last refusal.
 * After the walk and the reading: both are skipped artifacts whose elf says
 * which they are. */
static gmx_code pair_cores(gmx_bundle *b, gmx_error *err)
{
    const char *execs[MAX_ELF];
    size_t nexec = 0, exec_at[MAX_ELF];
    for (size_t i = 0; i < b->count && nexec < MAX_ELF; i++)
        if (b->items[i].elf == GMX_ELF_EXECUTABLE) {
            exec_at[nexec] = i;
            execs[nexec++] = b->items[i].path;
        }
    for (size_t i = 0, ncores = 0; i < b->count && nexec && ncores < MAX_ELF; i++) {
        gmx_artifact *a = &b->items[i];
        if (a->elf != GMX_ELF_CORE)
            continue;
        ncores++;
        gmx_error core_err = { 0 }, heap_err = { 0 };
        size_t used;
        gmx_core_heap *heap = gmx_calloc(1, sizeof(*heap));
        if (!heap)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", a->path);
        if (gmx_ingest_core_pair(a->path, execs, nexec, NULL, &a->goroutines, heap, &heap_err,
                                 &used, &core_err) != GMX_OK) {
            gmx_free(heap);
            gmx_free(a->skip_reason);
            gmx_free(a->skip_reason_zh);
            a->skip_reason = a->skip_reason_zh = NULL;
            gmx_bundle_skip_error(a, &core_err);
            continue;
        }
        gmx_free(a->skip_reason);
        gmx_free(a->skip_reason_zh);
        a->skip_reason = a->skip_reason_zh = NULL;
        if (heap_err.code == GMX_OK) {
            a->core_heap = heap;
        } else {
            gmx_free(heap);
            a->core_heap_unread = gmx_strndup(heap_err.message, strlen(heap_err.message));
            if (!a->core_heap_unread)
                return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", a->path);
        }
        a->kind = GMX_ART_GOROUTINES;
        a->format = "Go core dump";
        a->format_zh = "Go core 转储";
        a->time_ns = a->file_time_ns;
        a->time_source = GMX_TIME_FILE;
        gmx_artifact *x = &b->items[exec_at[used]];
        gmx_free(x->skip_reason);
        gmx_free(x->skip_reason_zh);
        gmx_bundle_skip(x, "the executable of a core dump, read with it", "core 转储的可执行文件，已与之一同读取");
    }
    return GMX_OK;
}

static void read_pending(void *ctx, size_t i, unsigned worker)
{
    gmx_bundle *b = ctx;
    gmx_bundle_read_file(&b->items[b->pending[i].item], &b->pending[i], &b->scratch[worker]);
}

/* What a file read becomes in the bundle, in the order files were found:
 * its capture time, its escape sites, its heap snapshot reduced into the
 * series, its shown name. */
static bool merge_pending(void *ctx, size_t i)
{
    gmx_bundle *b = ctx;
    size_t item = b->pending[i].item;
    gmx_artifact *a = &b->items[item];
    capture_timed(b, a);
    gmx_code rc = GMX_OK;
    if (a->kind == GMX_ART_ESCAPE_LOG && !gmx_bundle_merge_escapes(b, a, b->pending[i].buffer))
        rc = GMX_ENOMEM;
    if (rc == GMX_OK && a->kind == GMX_ART_HEAP)
        rc = a->heap ? gmx_heap_series_add(&b->heaps, b->items, item)
                     : gmx_heap_series_add_reduced(&b->heaps, b->items, item,
                                                   &b->pending[i].reduced.view);
    gmx_heap_reduced_release(&b->pending[i].reduced);
    gmx_profile_free(b->pending[i].profile); /* its strings are copied into the series now */
    b->pending[i].profile = NULL;
    gmx_arena_release(&b->pending[i].names);
    if (rc == GMX_OK && !gmx_bundle_alias(b, a))
        rc = GMX_ENOMEM;
    b->merge_rc = rc;
    return rc == GMX_OK;
}

static gmx_code read_all(gmx_bundle *b, gmx_error *err)
{
    gmx_pipeline p = { .n = b->npending, .threads = b->threads, .work_on = read_pending,
                       .merge = merge_pending, .ctx = b };
    unsigned workers = gmx_pipeline_workers(&p);
    if (!(b->scratch = gmx_calloc(workers, sizeof(*b->scratch))))
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading the bundle");
    for (unsigned w = 0; w < workers; w++) {
        b->scratch[w].dump_threads = workers > 1 && b->npending >= workers ? 1 : b->threads;
        b->scratch[w].binary = b->binary;
    }
    bool ok = gmx_pipeline_run(&p);
    for (unsigned w = 0; w < workers; w++) {
        gmx_gunzip_free(b->scratch[w].buf);
        gmx_heap_reduce_scratch_release(&b->scratch[w].heap);
    }
    gmx_free(b->scratch);
    b->scratch = NULL;
    if (!ok)
        return gmx_error_set(err, b->merge_rc, "out of memory loading the bundle");
    return GMX_OK;
}

static gmx_bundle *bundle_new(const gmx_bundle_options *opts)
{
    gmx_bundle *b = gmx_calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->max_files = opts && opts->max_files ? opts->max_files : DEFAULT_MAX_FILES;
    b->threads = opts ? opts->threads : 0;
    gmx_heap_series_init(&b->heaps);
    if (opts && opts->alias_from && opts->alias_to) {
        b->alias_from = opts->alias_from;
        b->alias_to = opts->alias_to;
    }
    return b;
}

/* The one Go executable among the files found, opened to name the runtime
 * frames of debug=1 profiles; with none, or several, nothing. Its first
 * bytes tell (read before the files are, which need it). */
static void find_binary(gmx_bundle *b)
{
    const char *path = NULL;
    size_t item = 0;
    for (size_t i = 0; i < b->npending; i++) {
        if (b->pending[i].buffer)
            continue;
        const char *p = b->items[b->pending[i].item].path;
        unsigned char head[64];
        FILE *f = fopen(p, "rb");
        size_t n = f ? fread(head, 1, sizeof(head), f) : 0;
        if (f)
            fclose(f);
        if (gmx_elf_sniff(head, n) != GMX_ELF_EXECUTABLE)
            continue;
        if (path)
            return; /* several: which one made the dumps is not known */
        path = p;
        item = b->pending[i].item;
    }
    gmx_error err;
    if (!path || gmx_input_open(path, &b->own_binary_input, &err) != GMX_OK)
        return;
    if (gmx_binary_open(path, gmx_input_data(b->own_binary_input),
                        gmx_input_size(b->own_binary_input), &b->own_binary, &err) == GMX_OK) {
        b->binary = b->own_binary;
        b->binary_item = item + 1;
    }
}

/* The executable that named debug=1 frames says so instead of "no core
 * dump of it" (pair_cores, after, says it was read with its core if one
 * pairs with it). */
static void note_binary(gmx_bundle *b)
{
    uint64_t named = 0, addresses = 0;
    for (size_t i = 0; i < b->count; i++) {
        named += b->items[i].goroutines.info.named_records;
        addresses += b->items[i].symbolized.named + b->items[i].goroutines.info.symbolized.named;
    }
    gmx_artifact *x = b->binary_item ? &b->items[b->binary_item - 1] : NULL;
    if (!x || !(named || addresses) || x->kind != GMX_ART_SKIPPED)
        return;
    gmx_free(x->skip_reason);
    gmx_free(x->skip_reason_zh);
    if (named)
        gmx_bundle_skip(x, "the executable the dumps came from: it named the runtime frames debug=1 leaves out",
             "转储所属的可执行文件：用它补出了 debug=1 省略的运行时栈帧");
    else
        gmx_bundle_skip(x, "the executable the profiles came from: it named the addresses they carry without "
                "function names",
             "剖析所属的可执行文件：用它补出了剖析中只有地址、没有函数名的位置");
}

/* Reads what was found (rc: how finding it went) and settles the bundle. */
static gmx_code bundle_finish(gmx_bundle *b, gmx_code rc, const gmx_bundle_options *opts,
                              gmx_bundle **out, gmx_error *err)
{
    b->binary = opts ? opts->binary : NULL;
    if (rc == GMX_OK && !b->binary)
        find_binary(b);
    if (rc == GMX_OK)
        rc = read_all(b, err);
    if (rc == GMX_OK)
        note_binary(b);
    if (rc == GMX_OK)
        rc = pair_cores(b, err);
    for (size_t i = 0; rc == GMX_OK && i < b->count; i++)
        if (b->items[i].kind == GMX_ART_SKIPPED && b->items[i].skip_code == GMX_ENOMEM)
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", b->items[i].path);
    size_t found = 0;
    for (size_t i = 0; i < b->count; i++)
        found += gmx_bundle_evidence(&b->items[i]);
    if (rc == GMX_OK && !found && !(opts && opts->keep_skipped))
        rc = gmx_error_set(err, GMX_EUSAGE, "no evidence found in %zu file%s (goroutine dumps, "
                           "goroutine or heap profiles)", b->count, b->count == 1 ? "" : "s");
    if (rc != GMX_OK) {
        gmx_bundle_free(b);
        return rc;
    }
    gmx_bundle_settle_times(b);
    if (b->note_failed) {
        gmx_bundle_free(b);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading the bundle");
    }
    if (b->count > 1)
        qsort(b->items, b->count, sizeof(*b->items), gmx_bundle_by_time_then_path);
    *out = b;
    return GMX_OK;
}

/* opts' buffers, as artifacts read like files. */
static gmx_code add_buffers(gmx_bundle *b, const gmx_bundle_options *opts, gmx_error *err)
{
    size_t n = opts ? opts->nbuffers : 0;
    if (n > b->max_files - (b->count < b->max_files ? b->count : b->max_files))
        return gmx_error_set(err, GMX_ELIMIT, "%zu buffers: more than the %zu files a bundle "
                             "reads", n, b->max_files);
    for (size_t i = 0; i < n; i++) {
        const gmx_bundle_buffer *buf = &opts->buffers[i];
        const char *name = buf->name ? buf->name : "(buffer)";
        struct stat none = { 0 };
        if (!gmx_bundle_add_artifact(b, name) || !gmx_bundle_pend(b, &none))
            return gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", name);
        b->pending[b->npending - 1].buffer = buf;
    }
    return GMX_OK;
}

gmx_code gmx_bundle_load(const char *const *paths, size_t npaths, const gmx_bundle_options *opts,
                         gmx_bundle **out, gmx_error *err)
{
    *out = NULL;
    gmx_bundle *b = bundle_new(opts);
    if (!b)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    gmx_code rc = GMX_OK;
    for (size_t i = 0; rc == GMX_OK && i < npaths; i++)
        rc = gmx_bundle_walk(b, paths[i], 0, err);
    if (rc == GMX_OK)
        rc = add_buffers(b, opts, err);
    return bundle_finish(b, rc, opts, out, err);
}

void gmx_bundle_free(gmx_bundle *b)
{
    if (!b)
        return;
    gmx_hindex_release(&b->walked_index);
    gmx_free(b->walked);
    for (size_t i = 0; i < b->count; i++) {
        gmx_artifact *a = &b->items[i];
        gmx_gsnapshot_release(&a->goroutines);
        gmx_hsnapshot_free(a->heap);
        gmx_core_heap_release(a->core_heap);
        gmx_free(a->core_heap);
        gmx_free(a->core_heap_unread);
        gmx_free(a->ptop);
        gmx_free(a->path);
        gmx_free(a->skip_reason);
        gmx_free(a->skip_reason_zh);
        for (size_t k = 0; k < a->noom; k++)
            gmx_free(a->oom[k].text);
        gmx_free(a->oom);
    }
    gmx_heap_series_release(&b->heaps);
    gmx_binary_free(b->own_binary);
    gmx_input_free(b->own_binary_input);
    for (size_t i = 0; i < b->npending; i++) {
        gmx_heap_reduced_release(&b->pending[i].reduced);
        gmx_profile_free(b->pending[i].profile);
        gmx_arena_release(&b->pending[i].names);
    }
    gmx_free(b->pending);
    for (size_t i = 0; i < b->nnotes; i++) {
        gmx_free(b->notes[i]);
        gmx_free(b->notes_zh[i]);
    }
    gmx_capture_times_release(&b->times);
    gmx_escape_set_free(b->escapes);
    gmx_free(b->items);
    /* last: what was read from them may still view their bytes */
    for (size_t i = 0; i < b->nmembers; i++) {
        gmx_gunzip_free(b->members[i]->data);
        gmx_free(b->members[i]->name);
        gmx_free(b->members[i]);
    }
    gmx_free(b->members);
    gmx_free(b);
}

size_t gmx_bundle_count(const gmx_bundle *b) { return b->count; }

void gmx_bundle_order_of(const gmx_bundle *b, gmx_bundle_order *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < b->count; i++)
        if (gmx_bundle_evidence(&b->items[i]) && b->items[i].time_source <= GMX_TIME_NONE)
            out->by[b->items[i].time_source]++;
}
size_t gmx_bundle_note_count(const gmx_bundle *b) { return b->nnotes; }

const gmx_artifact *gmx_bundle_at(const gmx_bundle *b, size_t i)
{
    return i < b->count ? &b->items[i] : NULL;
}

const char *gmx_bundle_note(const gmx_bundle *b, size_t i)
{
    return i < b->nnotes ? b->notes[i] : NULL;
}

const char *gmx_bundle_note_zh(const gmx_bundle *b, size_t i)
{
    return i < b->nnotes ? b->notes_zh[i] : NULL;
}

const gmx_escape_set *gmx_bundle_escapes(const gmx_bundle *b)
{
    return b->escapes && gmx_escape_set_count(b->escapes) ? b->escapes : NULL;
}
