/* Loading an incident bundle: walk the paths, recognise each file by its
 * content, read it into its model, order everything in time. */
#include "gomemdx/bundle.h"
#include "gomemdx/core.h"
#include "gomemdx/elfsniff.h"
#include "gomemdx/ptoptext.h"
#include "gomemdx/heaptext.h"
#include "gomemdx/oomlog.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "gomemdx/profile.h"
#include "ingest/capture_times.h"
#include "ingest/frames_proto.h"
#include "ingest/heap_proto.h"
#include "ingest/heap_reduce.h"
#include "ingest/heap_series.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/buf.h"
#include "util/pipeline.h"
#include "util/str.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_DEPTH = 16, DEFAULT_MAX_FILES = 10000, MAX_NOTES = 64, MAX_ELF = 64 };

struct gmx_bundle {
    const char *alias_from, *alias_to;
    gmx_escape_set *escapes; /* from every escape log, merged */
    gmx_artifact *items;
    size_t count, cap, max_files;
    char *notes[MAX_NOTES], *notes_zh[MAX_NOTES];
    size_t nnotes;
    /* Files and folders already walked, by device and inode: a symbolic
     * link back up the tree (sub/up -> ..) or a second name of one dump
     * is read once. */
    struct walked { dev_t dev; ino_t ino; } *walked;
    size_t nwalked, walked_cap;
    gmx_hindex walked_index;
    capture_times times;     /* from the folders' capture indexes */
    /* Regular files found by the walk, read after it, in parallel. */
    struct pending {
        size_t item;
        struct stat st;
        const gmx_bundle_buffer *buffer; /* read from memory, not from item's path */
        bool member;                     /* an archive's member: timed by st as a file is */
        heap_reduced reduced;            /* a heap profile read straight to its sites */
        gmx_profile *profile;
        gmx_arena names;                 /* profile's rewritten names, kept with it */
    } *pending;
    size_t npending, pending_cap;
    unsigned threads;
    struct scratch *scratch; /* one per worker while files are read */
    /* Names the runtime frames of debug=1 profiles: --binary's, or the one
     * executable among the inputs (opened here, own_*). */
    const gmx_binary *binary;
    gmx_binary *own_binary;
    gmx_input *own_binary_input;
    size_t binary_item;      /* the executable's item + 1, when it is one of the inputs */
    heap_series heaps;
    gmx_code merge_rc;       /* the first failure merging what was read */
    /* The members of archives among the inputs, read into memory the
     * bundle owns (each an artifact "ARCHIVE:MEMBER" read as a buffer). */
    struct member { gmx_bundle_buffer buf; char *name; void *data; } **members;
    size_t nmembers, members_cap;
    bool note_failed;        /* out of memory writing a note */
};

/* A note in English and in Chinese, both formats taking the same arguments. */
static void note(gmx_bundle *b, const char *en, const char *zh, ...)
    __attribute__((format(printf, 2, 4), format(printf, 3, 4)));

static void note(gmx_bundle *b, const char *en, const char *zh, ...)
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

static gmx_artifact *add_artifact(gmx_bundle *b, const char *path)
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

static void skip(gmx_artifact *a, const char *reason, const char *reason_zh)
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
static void skip_error(gmx_artifact *a, const gmx_error *err)
{
    char msg[512];
    gmx_error e = *err;
    e.source[0] = '\0'; /* the path is shown beside the reason already */
    gmx_error_format(&e, msg, sizeof(msg));
    skip(a, msg, NULL);
    if (a->skip_code == GMX_OK)
        a->skip_code = err->code;
}

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
            skip_error(a, &err);
            return false;
        }
        heap_profile_read(a, gmx_str_eq_cstr(pi->default_sample_type, "alloc_space"),
                          pi->time_nanos);
        return true;
    } else if (gmx_str_eq_cstr(type, "goroutine") || gmx_str_eq_cstr(type, "goroutineleak")) {
        if (gmx_ingest_goroutines_profile(p, NULL, &a->goroutines, &err) != GMX_OK) {
            skip_error(a, &err);
            return false;
        }
        a->kind = GMX_ART_GOROUTINES;
        a->format = gmx_dump_kind_name(a->goroutines.info.kind);
        a->format_zh = gmx_dump_kind_name_zh(a->goroutines.info.kind);
    } else {
        char why[160], why_zh[160];
        snprintf(why, sizeof(why), "a %.*s profile: not used by diagnose", (int)type.n, type.p);
        snprintf(why_zh, sizeof(why_zh), "%.*s profile：diagnose 不使用", (int)type.n, type.p);
        skip(a, why, why_zh);
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

/* What go tool pprof printed (-top, -list): often all a user has. */
static void load_ptoptext(gmx_artifact *a, const char *data, size_t len)
{
    gmx_error err;
    gmx_ptop_info info;
    a->heap = gmx_hsnapshot_new(0);
    gmx_code rc = a->heap ? gmx_ptoptext_parse(a->path, data, len, a->heap, &info, &err)
                          : gmx_error_set(&err, GMX_ENOMEM, "out of memory");
    if (rc != GMX_OK) {
        gmx_hsnapshot_free(a->heap);
        a->heap = NULL;
        skip_error(a, &err);
        return;
    }
    a->kind = GMX_ART_HEAP;
    a->heap_text = true;
    a->allocs = info.churn;
    a->ptop = gmx_malloc(sizeof(*a->ptop));
    if (a->ptop)
        *a->ptop = info;
    a->format = info.goroutines ? "go tool pprof text (goroutines)"
                : info.churn    ? "go tool pprof text (allocations since start: churn, not retention)"
                                : "go tool pprof text (heap)";
    a->format_zh = info.goroutines ? "go tool pprof 文本（goroutine）"
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

/* A worker's buffers, reused from one file to the next. */
struct scratch {
    void *buf;
    size_t cap;
    heap_reduce_scratch heap;
    unsigned dump_threads;   /* parser threads for a large dump: 1 when the files
                              * themselves keep every core busy, else 0 (all) */
    const gmx_binary *binary;
};
static bool own_input(gmx_input **in, const struct scratch *s);

/* Any goroutine text, pristine or pasted (the input is taken over). */
static void load_goroutines(gmx_artifact *a, gmx_input *in, const struct scratch *s)
{
    gmx_error err;
    if (!own_input(&in, s)) {
        gmx_input_free(in);
        gmx_error_set(&err, GMX_ENOMEM, "out of memory reading %s", a->path);
        skip_error(a, &err);
        return;
    }
    gmx_ingest_options opts = { 0 };
    opts.threads = s->dump_threads;
    opts.binary = s->binary;
    if (gmx_ingest_goroutines_input(in, &opts, &a->goroutines, &err) != GMX_OK) {
        skip_error(a, &err);
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
        skip_error(a, &err);
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

/* *keep: a decoded profile the artifact's heap snapshot borrows from. */
static void load_file(gmx_artifact *a, struct pending *p, struct scratch *scratch)
{
    gmx_error err;
    gmx_input *in;
    gmx_profile **keep = &p->profile;
    if (!open_pending(a, p, &in))
        return;
    if (gmx_input_gunzip_reusing(&in, 0, &scratch->buf, &scratch->cap, &err) != GMX_OK) {
        gmx_input_free(in);
        skip_error(a, &err);
        return;
    }
    const void *data = gmx_input_data(in);
    size_t len = gmx_input_size(in);
    a->elf = gmx_elf_sniff(data, len);
    if (a->elf != GMX_ELF_NONE && p->buffer) {
        gmx_input_free(in);
        a->elf = GMX_ELF_NONE;
        skip(a, "a core dump or an executable in memory: give its path",
             "内存中的 core 转储或可执行文件：请给出文件路径");
        return;
    }
    if (a->elf != GMX_ELF_NONE) { /* read by pair_cores, once every file is known */
        gmx_input_free(in);
        bool core = a->elf == GMX_ELF_CORE;
        skip(a, core ? "a core dump whose executable is not among the inputs"
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
        if (rc != GMX_OK) {
            gmx_hsnapshot_free(a->heap);
            a->heap = NULL;
            skip_error(a, &err);
            return;
        }
        a->kind = GMX_ART_HEAP;
        a->heap_text = true;
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
            skip(a, "not a recognised artifact", "不是可识别的诊断文件");
        else
            skip_error(a, &err);
        return;
    }
    if (gmx_ingest_symbolize_profile(prof, scratch->binary, &a->symbolized, &err) != GMX_OK) {
        gmx_profile_free(prof);
        skip_error(a, &err);
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

static int by_name(const void *x, const void *y)
{
    return gmx_natural_cmp(*(char *const *)x, *(char *const *)y);
}

/* Renames a's path when it starts with the alias prefix; false when out of
 * memory. The file was read by its real path already. */
static bool alias(const gmx_bundle *b, gmx_artifact *a)
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

static gmx_code walk(gmx_bundle *b, const char *path, int depth, gmx_error *err);

/* Remembers the last artifact added as a file to read after the walk. */
static bool pend(gmx_bundle *b, const struct stat *st)
{
    if (gmx_array_reserve((void **)&b->pending, &b->pending_cap, b->npending + 1,
                          sizeof(*b->pending)) != 0)
        return false;
    b->pending[b->npending++] = (struct pending){ .item = b->count - 1, .st = *st };
    return true;
}

/* True when st's file or folder was walked before; else remembers it.
 * -1 when out of memory. */
static int walked_before(gmx_bundle *b, const struct stat *st)
{
    uint64_t h = gmx_hash_mix(gmx_hash_mix(0, (uint64_t)st->st_dev), (uint64_t)st->st_ino);
    for (size_t s = gmx_hindex_first(&b->walked_index, h); s != GMX_HINDEX_NONE;
         s = gmx_hindex_next(&b->walked_index, h, s)) {
        const struct walked *w = &b->walked[b->walked_index.values[s]];
        if (w->dev == st->st_dev && w->ino == st->st_ino)
            return 1;
    }
    if (b->nwalked == b->walked_cap) {
        size_t cap = b->walked_cap ? b->walked_cap * 2 : 64;
        struct walked *grown = gmx_reallocarray(b->walked, cap, sizeof(*grown));
        if (!grown)
            return -1;
        b->walked = grown;
        b->walked_cap = cap;
    }
    if (b->nwalked >= UINT32_MAX || gmx_hindex_insert(&b->walked_index, h, (uint32_t)b->nwalked) < 0)
        return -1;
    b->walked[b->nwalked++] = (struct walked){ st->st_dev, st->st_ino };
    return 0;
}

/* Something inside a folder that cannot be read (a dangling link, a folder
 * without permission) is listed as skipped; the rest is still diagnosed.
 * Only a path the user named fails the run. */
static gmx_code unreadable(gmx_bundle *b, const char *path, int depth, int e, gmx_error *err)
{
    if (depth == 0)
        return gmx_error_set(err, GMX_EIO, "cannot open %s: %s", path, strerror(e));
    if (b->count >= b->max_files)
        return gmx_error_set(err, GMX_ELIMIT, "more than %zu files in the bundle", b->max_files);
    gmx_artifact *a = add_artifact(b, path);
    if (!a)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
    char why[160], why_zh[160];
    snprintf(why, sizeof(why), "cannot be read: %s", strerror(e));
    snprintf(why_zh, sizeof(why_zh), "无法读取：%s", strerror(e));
    skip(a, why, why_zh);
    return alias(b, a) ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
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

static gmx_code walk_dir(gmx_bundle *b, const char *path, int depth, gmx_error *err)
{
    DIR *d = opendir(path);
    if (!d)
        return depth == 0 ? gmx_error_set(err, GMX_EIO, "cannot read folder %s: %s", path,
                                          strerror(errno))
                          : unreadable(b, path, depth, errno, err);
    char **names = NULL;
    size_t n = 0, cap = 0;
    gmx_code rc = GMX_OK;
    struct dirent *e;
    while (rc == GMX_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = gmx_reallocarray(names, cap, sizeof(*names));
            if (!grown) {
                rc = gmx_error_set(err, GMX_ENOMEM, "out of memory listing %s", path);
                break;
            }
            names = grown;
        }
        if (!(names[n] = gmx_strndup(e->d_name, strlen(e->d_name))))
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory listing %s", path);
        else
            n++;
    }
    closedir(d);
    if (rc == GMX_OK && n > 1)
        qsort(names, n, sizeof(*names), by_name);
    if (rc == GMX_OK)
        rc = gmx_capture_times_read(&b->times, path, err);
    for (size_t i = 0; i < n; i++) {
        char child[4096];
        int w = snprintf(child, sizeof(child), "%s/%s", path, names[i]);
        if (strcmp(names[i], GMX_CAPTURE_TIMES_FILE) == 0)
            w = 0; /* the index times the others; it is no artifact */
        if (rc == GMX_OK && w > 0 && (size_t)w < sizeof(child))
            rc = walk(b, child, depth + 1, err);
        gmx_free(names[i]);
    }
    gmx_free(names);
    return rc;
}

typedef struct archive_walk {
    gmx_bundle *b;
    const char *path;
} archive_walk;

/* A member of the archive at w->path: an artifact of its own, read from
 * the bundle's copy of its bytes, named and timed as a file of a folder. */
static gmx_code add_member(void *ctx, const char *name, void *data, size_t len, int64_t mtime_ns,
                           gmx_error *err)
{
    archive_walk *w = ctx;
    gmx_bundle *b = w->b;
    char shown[4096];
    int n = snprintf(shown, sizeof(shown), "%s:%s", w->path, name);
    struct member *m = NULL;
    if (b->count >= b->max_files) {
        gmx_free(data);
        return gmx_error_set(err, GMX_ELIMIT, "more than %zu files in the bundle", b->max_files);
    }
    if (n < 0 || (size_t)n >= sizeof(shown) ||
        gmx_array_reserve((void **)&b->members, &b->members_cap, b->nmembers + 1,
                          sizeof(*b->members)) != 0 ||
        !(m = gmx_calloc(1, sizeof(*m))) || !(m->name = gmx_strndup(shown, (size_t)n))) {
        if (m)
            gmx_free(m);
        gmx_free(data);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", w->path);
    }
    m->data = data;
    m->buf = (gmx_bundle_buffer){ .name = m->name, .data = data, .len = len };
    b->members[b->nmembers++] = m;
    struct stat st = { 0 };
    st.st_mtim.tv_sec = (time_t)(mtime_ns / 1000000000);
    st.st_mtim.tv_nsec = (long)(mtime_ns % 1000000000);
    if (!add_artifact(b, m->name) || !pend(b, &st))
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", w->path);
    b->pending[b->npending - 1].buffer = &m->buf;
    b->pending[b->npending - 1].member = true;
    return GMX_OK;
}

/* A zip or tar among the inputs: its members read as a folder's files
 * (*handled); one it cannot read to the end is listed as skipped with why,
 * the members before the damage kept. */
static gmx_code walk_archive(gmx_bundle *b, const char *path, bool *handled, gmx_error *err)
{
    archive_walk w = { b, path };
    gmx_error aerr;
    gmx_code rc = gmx_archive_read(path, GMX_GUNZIP_DEFAULT_MAX, add_member, &w, handled, &aerr);
    if (!*handled || rc == GMX_OK)
        return GMX_OK;
    if (rc == GMX_ENOMEM || (rc == GMX_ELIMIT && b->count >= b->max_files)) {
        *err = aerr;
        return rc;
    }
    gmx_artifact *a = add_artifact(b, path);
    if (!a)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
    skip_error(a, &aerr);
    return GMX_OK;
}

static gmx_code walk(gmx_bundle *b, const char *path, int depth, gmx_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return unreadable(b, path, depth, errno, err);
    int again = walked_before(b, &st);
    if (again < 0)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
    if (again)
        return GMX_OK;
    if (S_ISDIR(st.st_mode))
        return depth < MAX_DEPTH ? walk_dir(b, path, depth, err) : GMX_OK;
    if (b->count >= b->max_files)
        return gmx_error_set(err, GMX_ELIMIT, "more than %zu files in the bundle", b->max_files);
    bool archive = false;
    gmx_code rc = S_ISREG(st.st_mode) ? walk_archive(b, path, &archive, err) : GMX_OK;
    if (rc != GMX_OK || archive)
        return rc;
    gmx_artifact *a = add_artifact(b, path);
    if (!a)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
    if (S_ISREG(st.st_mode))
        return pend(b, &st) ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
    skip(a, "not a regular file", "不是普通文件");
    return alias(b, a) ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory loading %s", path);
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
            skip_error(a, &core_err);
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
        skip(x, "the executable of a core dump, read with it", "core 转储的可执行文件，已与之一同读取");
    }
    return GMX_OK;
}

/* The escape sites of a compiler log, read again into the bundle's set. */
static bool merge_escapes(gmx_bundle *b, const gmx_artifact *a, const gmx_bundle_buffer *buf)
{
    if (!b->escapes && !(b->escapes = gmx_escape_set_new()))
        return false;
    gmx_error err;
    gmx_input *in;
    if (open_bytes(a->path, buf, &in, &err) != GMX_OK)
        return err.code != GMX_ENOMEM; /* a file gone since: its sites are missed */
    if (gmx_input_gunzip(&in, 0, &err) == GMX_OK) {
        gmx_esc_info info;
        parse_escapes(b->escapes, a->path, gmx_input_data(in), gmx_input_size(in), &info);
    }
    gmx_input_free(in);
    return true;
}

static void read_pending(void *ctx, size_t i, unsigned worker)
{
    gmx_bundle *b = ctx;
    load_file(&b->items[b->pending[i].item], &b->pending[i], &b->scratch[worker]);
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
    if (a->kind == GMX_ART_ESCAPE_LOG && !merge_escapes(b, a, b->pending[i].buffer))
        rc = GMX_ENOMEM;
    if (rc == GMX_OK && a->kind == GMX_ART_HEAP)
        rc = a->heap ? gmx_heap_series_add(&b->heaps, b->items, item)
                     : gmx_heap_series_add_reduced(&b->heaps, b->items, item,
                                                   &b->pending[i].reduced.view);
    gmx_heap_reduced_release(&b->pending[i].reduced);
    gmx_profile_free(b->pending[i].profile); /* its strings are copied into the series now */
    b->pending[i].profile = NULL;
    gmx_arena_release(&b->pending[i].names);
    if (rc == GMX_OK && !alias(b, a))
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

static bool evidence(const gmx_artifact *a)
{
    return a->kind != GMX_ART_SKIPPED;
}

static int by_time_then_path(const void *x, const void *y)
{
    const gmx_artifact *a = x, *b = y;
    /* Evidence first, skipped files last. */
    if ((a->kind == GMX_ART_SKIPPED) != (b->kind == GMX_ART_SKIPPED))
        return a->kind == GMX_ART_SKIPPED ? 1 : -1;
    bool ta = a->time_source != GMX_TIME_NONE, tb = b->time_source != GMX_TIME_NONE;
    if (ta != tb)
        return ta ? -1 : 1;
    if (ta && a->time_ns != b->time_ns)
        return a->time_ns < b->time_ns ? -1 : 1;
    return gmx_natural_cmp(a->path, b->path);
}

static void drop_file_times(gmx_bundle *b, size_t own, size_t file_timed);

/* File times are the least trusted. When artifacts carry times of their
 * own, file times are kept only if those artifacts' files agree with them
 * (the folder was written as the captures were taken); otherwise they are
 * dropped (a copied or checked-out file's time says nothing of when it was
 * taken). When they all agree (or nearly: written in one go) they order
 * nothing. Either way the timeline says so. */
/* File times all within this span were written in one go (a copy, a
 * checkout), not captured over time. */
#define ONE_GO_NS (2LL * 1000000000)
/* A file written as it was captured has a time this close to the time the
 * artifact carries itself (a large profile takes a while to write). */
#define FILE_SLACK_NS (60LL * 1000000000)

static void settle_times(gmx_bundle *b)
{
    size_t own = 0, file_timed = 0, same = 0, disagree = 0;
    int64_t first_file_time = 0, lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < b->count; i++) {
        gmx_artifact *a = &b->items[i];
        if (!evidence(a))
            continue;
        if (a->time_source == GMX_TIME_PROFILE || a->time_source == GMX_TIME_LOG ||
            a->time_source == GMX_TIME_CAPTURE) {
            own++;
            int64_t d = a->file_time_ns - a->time_ns;
            disagree += !a->file_time_ns || d > FILE_SLACK_NS || d < -FILE_SLACK_NS;
        }
        if (a->time_source == GMX_TIME_FILE) {
            if (!file_timed++)
                first_file_time = a->time_ns;
            same += a->time_ns == first_file_time;
            lo = a->time_ns < lo ? a->time_ns : lo;
            hi = a->time_ns > hi ? a->time_ns : hi;
        }
    }
    bool one_go = file_timed > 1 && (same == file_timed || hi - lo < ONE_GO_NS);
    bool drop = file_timed && ((own && disagree) || one_go);
    if (drop)
        drop_file_times(b, own, file_timed);
    /* A heap text with no capture time is ordered by when its samples
     * were taken, and says so. */
    size_t by_gc = 0;
    for (size_t i = 0; i < b->count; i++) {
        gmx_artifact *a = &b->items[i];
        int64_t gc = a->kind == GMX_ART_HEAP ? a->heap_info.time_ns : 0;
        if (evidence(a) && a->heap_text && a->time_source == GMX_TIME_NONE && gc) {
            a->time_ns = gc;
            a->time_source = GMX_TIME_LAST_GC;
            by_gc++;
        }
    }
    if (by_gc)
        note(b, "%zu heap profile text%s dated by %s last GC: when %s samples were taken, not "
                "when %s captured (%s MemStats are untimed)",
             "%zu 个堆 profile 文本%.0s按其最后一次 GC 的时间排序%.0s%.0s%.0s%.0s：那是样本的时间，不是抓取时间（其 MemStats 没有时间）",
             by_gc, by_gc == 1 ? "" : "s", by_gc == 1 ? "its" : "their", by_gc == 1 ? "its" : "their",
             by_gc == 1 ? "it was" : "they were", by_gc == 1 ? "its" : "their");
}

static void drop_file_times(gmx_bundle *b, size_t own, size_t file_timed)
{
    for (size_t i = 0; i < b->count; i++) {
        gmx_artifact *a = &b->items[i];
        if (evidence(a) && a->time_source == GMX_TIME_FILE) {
            a->time_source = GMX_TIME_NONE;
            a->time_ns = 0;
            a->metrics.time_ns = 0;
        }
    }
    note(b,
         own ? "%zu file%s no timestamp of %s own: ordered by name after the timed ones"
             : "%zu file%s no timestamp of %s own and were written within 2 s of each other: "
               "ordered by name after the timed ones",
         own ? "%zu 个文件%.0s没有自己的时间戳%.0s：按文件名排在有时间的文件之后"
             : "%zu 个文件%.0s没有自己的时间戳%.0s，且文件时间彼此相差不到 2 秒：按文件名排在有时间的文件之后",
         file_timed, file_timed == 1 ? " carries" : "s carry", file_timed == 1 ? "its" : "their");
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
        skip(x, "the executable the dumps came from: it named the runtime frames debug=1 leaves out",
             "转储所属的可执行文件：用它补出了 debug=1 省略的运行时栈帧");
    else
        skip(x, "the executable the profiles came from: it named the addresses they carry without "
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
        found += evidence(&b->items[i]);
    if (rc == GMX_OK && !found && !(opts && opts->keep_skipped))
        rc = gmx_error_set(err, GMX_EUSAGE, "no evidence found in %zu file%s (goroutine dumps, "
                           "goroutine or heap profiles)", b->count, b->count == 1 ? "" : "s");
    if (rc != GMX_OK) {
        gmx_bundle_free(b);
        return rc;
    }
    settle_times(b);
    if (b->note_failed) {
        gmx_bundle_free(b);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory loading the bundle");
    }
    if (b->count > 1)
        qsort(b->items, b->count, sizeof(*b->items), by_time_then_path);
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
        if (!add_artifact(b, name) || !pend(b, &none))
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
        rc = walk(b, paths[i], 0, err);
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
        if (evidence(&b->items[i]) && b->items[i].time_source <= GMX_TIME_NONE)
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
