/* Reading one file of an incident: recognised by its content (a goroutine
 * text however pasted, a heap or allocs profile, pprof's -top text, a
 * compiler log, a metrics page, OOM evidence in any text, a core or an
 * executable), parsed into its model, or listed as skipped with why. Runs
 * on the bundle's workers, one file each, with a worker's scratch. */
#include "gomemdx/elfsniff.h"
#include "gomemdx/heaptext.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "gomemdx/oomlog.h"
#include "gomemdx/profile.h"
#include "gomemdx/ptoptext.h"
#include "ingest/bundle_impl.h"
#include "ingest/heap_proto.h"
#include "ingest/heap_reduce.h"
#include "util/alloc.h"
#include "util/compression.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

/* A heap or allocs profile (protobuf), timed by its time_nanos if any. */
static void heap_profile_read(gmx_artifact *a, bool allocs, int64_t time_nanos)
{
    a->kind = GMX_ART_HEAP;
    a->allocs = allocs;
    a->format = allocs ? "allocs profile (protobuf)" : "heap profile (protobuf)";
    a->format_zh = allocs ? "allocs 剖析（protobuf）" : "堆剖析（protobuf）";
    if (time_nanos) {
        a->time_ns = time_nanos;
        a->time_source = GMX_TIME_PROFILE;
    }
}

/* True when the artifact's snapshot borrows p's strings: keep p until
 * the snapshot is shared into the bundle's table. Names rewritten from
 * generic shapes are made in names, kept with p for as long (made in the
 * reader's own arena, they would die with it: valgrind.test_accuracy). */
static bool from_profile(gmx_artifact *a, const gmx_profile *p, gmx_arena *names)
{
    gmx_error err;
    const gmx_profile_info *pi = gmx_profile_get_info(p);
    gmx_str type = pi->nsample_types ? pi->sample_types[0].type : (gmx_str){ "", 0 };
    if (gmx_heap_profile_proto_is(p)) {
        a->heap = gmx_hsnapshot_new_borrowing(0);
        gmx_code rc = a->heap ? gmx_heap_profile_proto_read_keeping(p, a->heap, names, &err)
                              : gmx_error_set(&err, GMX_ENOMEM, "out of memory");
        if (rc != GMX_OK) {
            gmx_hsnapshot_free(a->heap);
            a->heap = NULL;
            gmx_bundle_skip_error(a, &err);
            return false;
        }
        heap_profile_read(a, gmx_str_eq_cstr(pi->default_sample_type, "alloc_space"),
                          pi->time_nanos);
        return true;
    } else if (gmx_str_eq_cstr(type, "goroutine") || gmx_str_eq_cstr(type, "goroutineleak")) {
        if (gmx_ingest_goroutines_profile(p, NULL, &a->goroutines, &err) != GMX_OK) {
            gmx_bundle_skip_error(a, &err);
            return false;
        }
        a->kind = GMX_ART_GOROUTINES;
        a->format = gmx_dump_kind_name(a->goroutines.info.kind);
        a->format_zh = gmx_dump_kind_name_zh(a->goroutines.info.kind);
    } else {
        char why[160], why_zh[160];
        snprintf(why, sizeof(why), "a %.*s profile: not used by diagnose", (int)type.n, type.p);
        snprintf(why_zh, sizeof(why_zh), "%.*s profile：diagnose 不使用", (int)type.n, type.p);
        gmx_bundle_skip(a, why, why_zh);
        return false;
    }
    if (pi->time_nanos) {
        a->time_ns = pi->time_nanos;
        a->time_source = GMX_TIME_PROFILE;
    }
    return false;
}

static int keep_oom(void *ctx, const gmx_oom_event *ev)
{
    gmx_artifact *a = ctx;
    if (a->noom >= GMX_MAX_OOM_NOTES)
        return 0;
    if (!a->oom && !(a->oom = gmx_calloc(GMX_MAX_OOM_NOTES, sizeof(*a->oom))))
        return GMX_ENOMEM;
    gmx_oom_note *n = &a->oom[a->noom];
    size_t len = ev->text.n < 240 ? ev->text.n : 240;
    if (!(n->text = gmx_strndup(ev->text.p ? ev->text.p : "", len)))
        return GMX_ENOMEM;
    n->kind = (int)ev->kind;
    n->line = ev->line;
    n->time_ns = ev->time.kind == GMX_LOG_TIME_UNIX ? ev->time.ns
                 : ev->last_time.kind == GMX_LOG_TIME_UNIX ? ev->last_time.ns : 0;
    n->request_bytes = ev->has_request ? ev->request_bytes : 0;
    n->inuse_bytes = ev->has_request ? ev->inuse_bytes : 0;
    n->anon_rss_kb = ev->anon_rss_kb;
    a->noom++;
    return 0;
}

/* Any text may carry out-of-memory evidence: a panic log, a kernel log, a
 * pod description. In a Go crash log it comes first (before the goroutine
 * dump), so of a large file only the head is read: a dump of a million
 * goroutines must not be read twice. Errors here only cost the evidence. */
#define OOM_SCAN_BYTES ((size_t)4 << 20)

static void scan_oom(gmx_artifact *a, const void *data, size_t len)
{
    gmx_error err;
    gmx_oomlog_scan(a->path, data, len < OOM_SCAN_BYTES ? len : OOM_SCAN_BYTES, keep_oom, a, &err);
}

typedef struct escape_load {
    gmx_escape_set *set;
    uint64_t heap_sites;
} escape_load;

static int add_escape(void *ctx, const gmx_esc_site *site)
{
    escape_load *l = ctx;
    l->heap_sites += site->kind == GMX_ESC_ESCAPES || site->kind == GMX_ESC_MOVED;
    return (int)gmx_escape_set_add(l->set, site);
}

/* Parses a compiler log into set; the number of heap sites it names, 0
 * when it is not one. */
static uint64_t parse_escapes(gmx_escape_set *set, const char *path, const void *data, size_t len,
                              gmx_esc_info *info)
{
    escape_load l = { set, 0 };
    gmx_error err;
    return gmx_escape_parse(path, data, len, add_escape, &l, info, &err) == GMX_OK ? l.heap_sites
                                                                                   : 0;
}

/* A compiler log is evidence when it names at least one heap site. Read
 * on a worker into a set of its own, to tell; merge_escapes reads it again
 * into the bundle's, in the order files were found. */
static bool load_escapes(gmx_artifact *a, const void *data, size_t len)
{
    gmx_escape_set *set = gmx_escape_set_new();
    gmx_esc_info info;
    uint64_t heap_sites = set ? parse_escapes(set, a->path, data, len, &info) : 0;
    gmx_escape_set_free(set);
    if (!heap_sites)
        return false;
    a->kind = GMX_ART_ESCAPE_LOG;
    a->format = info.format == GMX_ESCLOG_JSON ? "escape analysis log (-json)"
                : info.level == 2              ? "escape analysis log (-m=2)"
                                               : "escape analysis log (-m)";
    a->format_zh = info.format == GMX_ESCLOG_JSON ? "逃逸分析日志（-json）"
                   : info.level == 2              ? "逃逸分析日志（-m=2）"
                                                  : "逃逸分析日志（-m）";
    a->time_ns = 0; /* a build's output says nothing of the incident's time */
    a->time_source = GMX_TIME_NONE;
    return true;
}

/* A page of runtime metrics: one sample, timed by the Prometheus page's own
 * timestamps when it has them, else by the file. */
static bool load_metrics(gmx_artifact *a, const void *data, size_t len)
{
    gmx_error err;
    gmx_code rc;
    if (gmx_metrics_expvar_sniff(data, len)) {
        rc = gmx_metrics_expvar_parse(a->path, data, len, &a->metrics, &err);
        a->format = "runtime metrics (/debug/vars)";
        a->format_zh = "运行时指标（/debug/vars）";
    } else if (gmx_metrics_prom_sniff(data, len)) {
        rc = gmx_metrics_prom_parse(a->path, data, len, &a->metrics, &err);
        a->format = "runtime metrics (Prometheus)";
        a->format_zh = "运行时指标（Prometheus）";
    } else if (gmx_metrics_pprof_index_sniff(data, len)) {
        rc = gmx_metrics_pprof_index_parse(a->path, data, len, &a->metrics, &err);
        a->format = "goroutine count (the /debug/pprof/ page)";
        a->format_zh = "goroutine 数量（/debug/pprof/ 页面）";
    } else if (!a->noom && gmx_metrics_printed_sniff(data, len)) {
        /* A log with out-of-memory evidence stays one, whatever it prints. */
        gmx_memprint_info pi;
        rc = gmx_metrics_printed_parse(a->path, data, len, &a->metrics, &pi, &err);
        a->format = "runtime.MemStats printed by the program";
        a->format_zh = "程序打印的 runtime.MemStats";
        snprintf(a->reading, sizeof(a->reading),
                 "%zu printout%s, lines %llu-%llu; the last used: printed lines carry no time, "
                 "no series", pi.printouts, pi.printouts == 1 ? "" : "s",
                 (unsigned long long)pi.first_line, (unsigned long long)pi.last_line);
        snprintf(a->reading_zh, sizeof(a->reading_zh),
                 "%zu 次打印，第 %llu-%llu 行；只用最后一次：打印的行没有时间，构不成序列",
                 pi.printouts, (unsigned long long)pi.first_line, (unsigned long long)pi.last_line);
    } else {
        return false;
    }
    if (rc != GMX_OK || (!a->metrics.has_goroutines && !a->metrics.mem.present))
        return false;
    a->kind = GMX_ART_METRICS;
    if (a->metrics.time_ns) {
        a->time_ns = a->metrics.time_ns;
        a->time_source = GMX_TIME_LOG;
    } else {
        a->metrics.time_ns = a->time_ns; /* the file's time, settled later */
    }
    return true;
}

static bool is_binary(const gmx_input *in)
{
    size_t n = gmx_input_size(in);
    return memchr(gmx_input_data(in), '\0', n < 4096 ? n : 4096) != NULL;
}

/* A heap read from text (pprof's -top, a heap profile's debug=1): the
 * artifact's heap when rc says it was read, else skipped with why. */
static bool heap_text_read(gmx_artifact *a, gmx_code rc, const gmx_error *err)
{
    if (rc != GMX_OK) {
        gmx_hsnapshot_free(a->heap);
        a->heap = NULL;
        gmx_bundle_skip_error(a, err);
        return false;
    }
    a->kind = GMX_ART_HEAP;
    a->heap_text = true;
    return true;
}

/* What go tool pprof printed (-top, -list): often all a user has. */
static void load_ptoptext(gmx_artifact *a, const char *data, size_t len)
{
    gmx_error err;
    gmx_ptop_info info;
    a->heap = gmx_hsnapshot_new(0);
    gmx_code rc = a->heap ? gmx_ptoptext_parse(a->path, data, len, a->heap, &info, &err)
                          : gmx_error_set(&err, GMX_ENOMEM, "out of memory");
    if (!heap_text_read(a, rc, &err))
        return;
    a->allocs = info.churn;
    a->ptop = gmx_malloc(sizeof(*a->ptop));
    if (a->ptop)
        *a->ptop = info;
    a->format = info.goroutines ? "go tool pprof text (goroutines)"
                : info.diff && info.churn ? "go tool pprof -base text (allocations between two profiles: churn, not retention)"
                : info.diff     ? "go tool pprof -base text (the heap's change between two profiles)"
                : info.churn    ? "go tool pprof text (allocations since start: churn, not retention)"
                                : "go tool pprof text (heap)";
    a->format_zh = info.goroutines ? "go tool pprof 文本（goroutine）"
                   : info.diff && info.churn ? "go tool pprof -base 文本（两份 profile 之间的分配：周转，而非驻留）"
                   : info.diff     ? "go tool pprof -base 文本（两份 profile 之间堆的变化）"
                   : info.churn    ? "go tool pprof 文本（自启动以来的分配：周转，而非驻留）"
                                   : "go tool pprof 文本（堆）";
    size_t n = gmx_read_report_describe(&info.read, false, a->reading, sizeof(a->reading));
    snprintf(a->reading + n, sizeof(a->reading) - n, "%s%llu row%s%s%s", n ? "; " : "",
             (unsigned long long)info.rows, info.rows == 1 ? "" : "s",
             info.sample_type[0] ? " of " : "", info.sample_type);
}

/* The input line's note of what naming a profile's raw addresses came to. */
static void describe_symbolized(gmx_artifact *a)
{
    gmx_ingest_describe_symbolized(&a->symbolized, false, a->reading, strlen(a->reading),
                                   sizeof(a->reading));
    gmx_ingest_describe_symbolized(&a->symbolized, true, a->reading_zh, strlen(a->reading_zh),
                                   sizeof(a->reading_zh));
}

static bool own_input(gmx_input **in, const struct scratch *s);

/* Any goroutine text, pristine or pasted (the input is taken over). */
static void load_goroutines(gmx_artifact *a, gmx_input *in, const struct scratch *s)
{
    gmx_error err;
    if (!own_input(&in, s)) {
        gmx_input_free(in);
        gmx_error_set(&err, GMX_ENOMEM, "out of memory reading %s", a->path);
        gmx_bundle_skip_error(a, &err);
        return;
    }
    gmx_ingest_options opts = { 0 };
    opts.threads = s->dump_threads;
    opts.binary = s->binary;
    if (gmx_ingest_goroutines_input(in, &opts, &a->goroutines, &err) != GMX_OK) {
        gmx_bundle_skip_error(a, &err);
        return;
    }
    a->kind = GMX_ART_GOROUTINES;
    a->format = gmx_dump_kind_name(a->goroutines.info.kind);
    a->format_zh = gmx_dump_kind_name_zh(a->goroutines.info.kind);
    const gmx_dump_info *info = &a->goroutines.info;
    size_t n = gmx_read_report_describe(&info->read, false, a->reading, sizeof(a->reading));
    gmx_ingest_describe_names(info, false, a->reading, n, sizeof(a->reading));
    n = gmx_read_report_describe(&info->read, true, a->reading_zh, sizeof(a->reading_zh));
    gmx_ingest_describe_names(info, true, a->reading_zh, n, sizeof(a->reading_zh));
}

/* The bytes of a file at path, or of a buffer: lent, or handed over now. */
static gmx_code open_bytes(const char *path, const gmx_bundle_buffer *buf, gmx_input **in,
                           gmx_error *err)
{
    if (!buf)
        return gmx_input_open(path, in, err);
    if (!buf->data && buf->open)
        return buf->open(buf->ctx, buf, in, err);
    return gmx_input_from_memory(path, buf->data, buf->len, in, err);
}

/* The file's bytes, or the buffer's; timed by the file or the caller. */
static bool open_pending(gmx_artifact *a, const struct pending *p, gmx_input **in)
{
    gmx_error err;
    const gmx_bundle_buffer *buf = p->buffer;
    if (open_bytes(a->path, buf, in, &err) != GMX_OK) {
        gmx_bundle_skip_error(a, &err);
        return false;
    }
    if (buf && !p->member) {
        a->time_ns = buf->time_ns;
        a->time_source = buf->time_ns ? GMX_TIME_CAPTURE : GMX_TIME_NONE;
    } else {
        a->time_ns = (int64_t)p->st.st_mtim.tv_sec * 1000000000 + p->st.st_mtim.tv_nsec;
        a->time_source = GMX_TIME_FILE;
        a->file_time_ns = a->time_ns;
    }
    return true;
}

/* A worker's buffer for decompressed files, reused from one file to the
 * next (fresh pages cost more than inflating into them). */

/* An input that views the worker's scratch, copied into memory of its
 * own: what keeps its input (goroutine text) outlives the scratch. */
static bool own_input(gmx_input **in, const struct scratch *s)
{
    if (gmx_input_data(*in) != s->buf)
        return true;
    gmx_error err;
    size_t len = gmx_input_size(*in);
    char *copy = gmx_malloc(len ? len : 1);
    gmx_input *owned;
    if (!copy)
        return false;
    memcpy(copy, s->buf, len);
    if (gmx_input_from_heap(gmx_input_name(*in), copy, len, &owned, &err) != GMX_OK)
        return false; /* copy freed by it */
    gmx_input_free(*in);
    *in = owned;
    return true;
}

void gmx_bundle_read_file(gmx_artifact *a, struct pending *p, struct scratch *scratch)
{
    gmx_error err;
    gmx_input *in;
    gmx_profile **keep = &p->profile;
    if (!open_pending(a, p, &in))
        return;
    const char *packed = gmx_compression_of(gmx_input_data(in), gmx_input_size(in));
    if (gmx_input_decompress_reusing(&in, 0, &scratch->buf, &scratch->cap, &err) != GMX_OK) {
        gmx_input_free(in);
        gmx_bundle_skip_error(a, &err);
        return;
    }
    const void *data = gmx_input_data(in);
    size_t len = gmx_input_size(in);
    a->elf = gmx_elf_sniff(data, len);
    if (a->elf != GMX_ELF_NONE && packed) {
        gmx_input_free(in);
        a->elf = GMX_ELF_NONE;
        char why[256], why_zh[256];
        snprintf(why, sizeof(why), "a core dump or an executable compressed with %s: decompress it "
                 "first (cores and binaries are read in place, mapped, not unpacked in memory)", packed);
        snprintf(why_zh, sizeof(why_zh), "用 %s 压缩的 core 转储或可执行文件：请先解压（它们按原文件映射读取，不在内存中解压）",
                 packed);
        gmx_bundle_skip(a, why, why_zh);
        return;
    }
    if (a->elf != GMX_ELF_NONE && p->buffer) {
        gmx_input_free(in);
        a->elf = GMX_ELF_NONE;
        gmx_bundle_skip(a, "a core dump or an executable in memory: give its path",
             "内存中的 core 转储或可执行文件：请给出文件路径");
        return;
    }
    if (a->elf != GMX_ELF_NONE) { /* read by pair_cores, once every file is known */
        gmx_input_free(in);
        bool core = a->elf == GMX_ELF_CORE;
        gmx_bundle_skip(a, core ? "a core dump whose executable is not among the inputs"
                     : "an executable with no core dump of it among the inputs",
             core ? "core 转储的可执行文件不在输入中" : "可执行文件，输入中没有它的 core 转储");
        return;
    }
    if (!memchr(data, '\0', len < 4096 ? len : 4096))
        scan_oom(a, data, len);
    if (gmx_goroutine_profile_text_sniff(data, len) || gmx_goroutine_dump_sniff(data, len)) {
        load_goroutines(a, in, scratch);
        return;
    }
    if (gmx_heaptext_sniff(data, len)) {
        gmx_code rc = gmx_ingest_heap_text(a->path, data, len, scratch->binary, &a->heap,
                                           &a->symbolized, &err);
        gmx_input_free(in);
        if (!heap_text_read(a, rc, &err))
            return;
        describe_symbolized(a);
        a->format = "heap profile (debug=1)";
        a->format_zh = "堆剖析（debug=1）";
        /* The text carries no capture time. Its records are as of the last
         * GC, which its MemStats date: that times the samples. The MemStats
         * themselves are read at capture, which only the file's time (or
         * nothing) tells; settle_times falls back to LastGC for order. */
        gmx_hsnapshot_info *hi = gmx_hsnapshot_info_of(a->heap);
        if (hi->memstats.present && hi->memstats.last_gc_ns)
            hi->time_ns = (int64_t)hi->memstats.last_gc_ns;
        return;
    }
    if (!is_binary(in) && gmx_ptoptext_sniff(data, len)) {
        load_ptoptext(a, data, len);
        gmx_input_free(in);
        return;
    }
    if (!is_binary(in) && load_metrics(a, data, len)) {
        gmx_input_free(in);
        return;
    }
    if (!is_binary(in) && load_escapes(a, data, len)) {
        gmx_input_free(in);
        return;
    }
    bool text = !is_binary(in);
    if (text && gmx_goroutine_text_sniff(data, len)) {
        load_goroutines(a, in, scratch); /* damaged or pasted goroutine text */
        return;
    }
    if (text && a->noom) {
        gmx_input_free(in);
        a->kind = GMX_ART_LOG;
        a->format = "log with out-of-memory evidence";
        a->format_zh = "含 OOM 证据的日志";
        a->time_ns = a->oom[0].time_ns;
        a->time_source = a->time_ns ? GMX_TIME_LOG : GMX_TIME_NONE;
        return;
    }
    /* An uncompressed profile need not show a NUL byte early (a goroutine
     * profile of Go 1.27 does not): whatever no text reader took is tried
     * as profile.proto, and only called unrecognised when that fails too.
     * A heap profile as Go writes it is read straight to its sites; any
     * other, or one that reader declines, is decoded whole. */
    if (gmx_heap_reduce(data, len, &scratch->heap, &p->reduced)) {
        gmx_input_free(in);
        heap_profile_read(a, p->reduced.allocs, p->reduced.view.info.time_ns);
        return;
    }
    gmx_profile *prof;
    if (gmx_profile_decode(in, &prof, &err) != GMX_OK) { /* takes the input over */
        if (text && err.code != GMX_ENOMEM)
            gmx_bundle_skip(a, "not a recognised artifact", "不是可识别的诊断文件");
        else
            gmx_bundle_skip_error(a, &err);
        return;
    }
    if (gmx_ingest_symbolize_profile(prof, scratch->binary, &a->symbolized, &err) != GMX_OK) {
        gmx_profile_free(prof);
        gmx_bundle_skip_error(a, &err);
        return;
    }
    describe_symbolized(a);
    if (from_profile(a, prof, &p->names)) {
        *keep = prof;
    } else {
        gmx_profile_free(prof);
        gmx_arena_release(&p->names);
    }
}

/* The escape sites of a compiler log, read again into the bundle's set. */
bool gmx_bundle_merge_escapes(gmx_bundle *b, const gmx_artifact *a, const gmx_bundle_buffer *buf)
{
    if (!b->escapes && !(b->escapes = gmx_escape_set_new()))
        return false;
    gmx_error err;
    gmx_input *in;
    if (open_bytes(a->path, buf, &in, &err) != GMX_OK)
        return err.code != GMX_ENOMEM; /* a file gone since: its sites are missed */
    if (gmx_input_decompress(&in, 0, &err) == GMX_OK) {
        gmx_esc_info info;
        parse_escapes(b->escapes, a->path, gmx_input_data(in), gmx_input_size(in), &info);
    }
    gmx_input_free(in);
    return true;
}
