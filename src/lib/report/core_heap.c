/* The core report (gomemdx core): the goroutine findings, then the heap
 * the same core holds: what its in-use spans hold by Go type or size class,
 * beside the runtime's own counters read from the same core, so that a
 * reader sees the walk reconcile. In JSON the heap is the "heap" field of
 * the findings document. */
#include "gomemdx/analyze.h"
#include "gomemdx/core.h"
#include "gomemdx/report.h"
#include "report/core_heap.h"
#include "report/json_finding.h"
#include "report/markdown.h"
#include "report/text_finding.h"
#include "util/fmt.h"

#include <inttypes.h>
#include <string.h>

#define BYTES(v) gmx_fmt_bytes_text(v).s

/* "+1.2 MiB" / "-3 B": how far the walk is from the runtime's figure. */
static void put_bytes_diff(gmx_buf *b, uint64_t walked, uint64_t runtime)
{
    gmx_buf_putc(b, walked >= runtime ? '+' : '-');
    gmx_fmt_bytes(b, walked >= runtime ? walked - runtime : runtime - walked);
}

static void put_row_name(gmx_buf *b, const gmx_core_heap_row *r, bool md, bool zh)
{
    char name[200];
    gmx_core_heap_row_name(r, zh, name, sizeof(name));
    if (md)
        gmx_md_code(b, (gmx_str){ name, strlen(name) });
    else
        gmx_buf_put_visible(b, name, strlen(name));
}

/* The runtime's own accounting beside the walk's: heap in use against the
 * spans walked, HeapAlloc (plus what the Ps' cached spans allocated since
 * they took them) against the objects walked. */
static void put_reconciliation(gmx_buf *b, const gmx_core_heap *h, const char *lead, bool zh)
{
    if (h->has_pages_in_use) {
        gmx_buf_printf(b, zh ? "%s运行时的在用堆（mheap_.pagesInUse）：%s；遍历到的 span：" :
                               "%sruntime's heap in use (mheap_.pagesInUse): %s; the spans walked: ",
                       lead, BYTES(h->pages_in_use_bytes));
        put_bytes_diff(b, h->span_bytes, h->pages_in_use_bytes);
        gmx_buf_putc(b, '\n');
    }
    if (!h->has_stats || !h->has_cached_new)
        return;
    gmx_buf_printf(b, zh ? "%s运行时的 HeapAlloc（memstats.heapStats）：%s，%" PRIu64 " 个对象" :
                           "%sruntime's HeapAlloc (memstats.heapStats): %s in %" PRIu64 " objects",
                   lead, BYTES(h->stats_bytes), h->stats_objects);
    if (h->cached_new_objects && zh)
        gmx_buf_printf(b, "，另有 P 持有的 %" PRIu64 " 个 span 自取得后分配的 %" PRIu64 " 个对象（%s）",
                       h->cached_spans, h->cached_new_objects, BYTES(h->cached_new_bytes));
    else if (h->cached_new_objects)
        gmx_buf_printf(b, ", plus %s in %" PRIu64 " objects allocated in the %" PRIu64
                          " spans the Ps hold since they took them",
                       BYTES(h->cached_new_bytes), h->cached_new_objects, h->cached_spans);
    gmx_buf_puts(b, zh ? "；遍历到的对象：" : "; the objects walked: ");
    put_bytes_diff(b, h->bytes, h->stats_bytes + h->cached_new_bytes);
    gmx_buf_printf(b, zh ? "，%+" PRId64 " 个对象\n" : ", %+" PRId64 " objects\n",
                   (int64_t)(h->objects - h->cached_new_objects - h->stats_objects));
}

/* Who holds the heap: the largest roots, each with its chain, the holder
 * (where the bytes fan out) said with the objects it keeps. */
static void put_retention_text(gmx_buf *b, const gmx_core_heap *h, bool md, bool zh)
{
    const gmx_core_retention *r = h->retention;
    if (!r) {
        if (h->retention_error[0])
            gmx_buf_printf(b, md ? (zh ? "\n持有者：未读取：%s\n" : "\nHeld by: not read: %s\n")
                                 : (zh ? "  持有者：未读取：%s\n" : "  Held by: not read: %s\n"),
                           h->retention_error);
        return;
    }
    gmx_buf_puts(b, md ? (zh ? "\n#### 持有者（从根标记）\n\n" : "\n#### Held by (marked from the roots)\n\n")
                       : (zh ? "\n持有者（从根标记）\n" : "\nHeld by (marked from the roots)\n"));
    gmx_buf_printf(b, zh ? "%s从根可达 %s（%" PRIu64 " 个对象），已分配 %s；精确指针位 %" PRIu64 " 个对象"
                         : "%sreached %s in %" PRIu64 " objects of %s allocated; exact pointer bits for %" PRIu64
                           " objects",
                   md ? "" : "  ", BYTES(r->marked_bytes), r->marked_objects, BYTES(r->allocated_bytes),
                   r->exact_objects);
    if (r->conservative_objects)
        gmx_buf_printf(b, zh ? "，保守扫描（每个字）%" PRIu64 " 个" : ", every word of %" PRIu64,
                       r->conservative_objects);
    if (!r->exact_globals)
        gmx_buf_puts(b, zh ? "；全局变量保守扫描" : "; globals conservatively");
    gmx_buf_puts(b, zh ? "；每个对象记在最先到达它的根之下（广度优先，先全局变量后栈）\n"
                       : "; each object counts under the root that reached it first (breadth-first, "
                         "globals before stacks)\n");
    if (r->capped)
        gmx_buf_printf(b, zh ? "%s标记达到上限（内存 %s，或扫描字节超过 core 大小的 4 倍）：结果不完整\n"
                             : "%sthe mark stopped at a cap (memory %s, or object bytes beyond 4 times "
                               "the core's size): what follows is partial\n",
                       md ? "\n" : "  ", BYTES(r->cap_bytes));
    if (md)
        gmx_buf_puts(b, zh ? "\n| 字节 | 对象 | 持有链 |\n|---:|---:|---|\n"
                           : "\n| bytes | objects | retained by |\n|---:|---:|---|\n");
    for (size_t i = 0; i < r->nholders; i++) {
        const gmx_core_holder *hd = &r->holders[i];
        if (md)
            gmx_buf_printf(b, "| %s | %" PRIu64 " | ", BYTES(hd->bytes), hd->objects);
        else
            gmx_buf_printf(b, "  %10s %8" PRIu64 "  ", BYTES(hd->bytes), hd->objects);
        for (size_t k = 0; k < hd->nchain; k++) {
            char name[200];
            gmx_analyze_hold_step_name(hd, k, zh, name, sizeof(name));
            if (k)
                gmx_buf_puts(b, " → ");
            if (md)
                gmx_md_code(b, (gmx_str){ name, strlen(name) });
            else
                gmx_buf_put_visible(b, name, strlen(name));
            if (k == hd->holder && k && hd->chain[k].children)
                gmx_buf_printf(b, zh ? "（持有 %" PRIu64 " 个对象）" : " (keeps %" PRIu64 ")",
                               hd->chain[k].children);
        }
        gmx_buf_puts(b, md ? " |\n" : "\n");
    }
}

void gmx_core_heap_text(gmx_buf *b, const gmx_core_heap *h, unsigned rows, bool md, bool zh)
{
    const char *lead = md ? "\n" : "  ";
    gmx_buf_printf(b, zh ? "%s%" PRIu64 " 个对象，已分配 %s，位于 %" PRIu64 " 个在用 span（共 %s）"
                         : "%s%" PRIu64 " objects, %s allocated in %" PRIu64 " in-use spans of %s",
                   md ? "" : "  ", h->objects, BYTES(h->bytes), h->spans, BYTES(h->span_bytes));
    if (h->typed)
        gmx_buf_printf(b, zh ? "；已知 Go 类型的有 %s" : "; Go type known for %s", BYTES(h->typed_bytes));
    else
        gmx_buf_puts(b, zh ? "；此 Go 版本的堆不记录类型：按 size class 统计"
                           : "; this Go version records no types in the heap: by size class");
    gmx_buf_putc(b, '\n');
    if (h->spans_skipped)
        gmx_buf_printf(b, zh ? "%s%" PRIu64 " 个 span 读出无效，已跳过\n"
                             : "%s%" PRIu64 " spans did not read as valid and were skipped\n",
                       lead, h->spans_skipped);
    put_reconciliation(b, h, lead, zh);
    if (md)
        gmx_buf_puts(b, zh ? "\n| 字节 | 对象 | 对象大小 | 类型 |\n|---:|---:|---:|---|\n"
                           : "\n| bytes | objects | object size | type |\n|---:|---:|---:|---|\n");
    for (size_t i = 0; i < h->nrows && i < rows; i++) {
        const gmx_core_heap_row *r = &h->rows[i];
        if (md)
            gmx_buf_printf(b, "| %s | %" PRIu64 " | %s | ", BYTES(r->bytes), r->objects,
                           BYTES(r->elem_size));
        else
            gmx_buf_printf(b, "  %10s %8" PRIu64 " x %-9s ", BYTES(r->bytes), r->objects,
                           BYTES(r->elem_size));
        put_row_name(b, r, md, zh);
        gmx_buf_puts(b, md ? " |\n" : "\n");
    }
    if (h->nrows > rows)
        gmx_buf_printf(b, zh ? "%s另有 %zu 行（--json 给出全部）\n" : "%s%zu more rows (--json has them all)\n",
                       lead, h->nrows - rows);
    put_retention_text(b, h, md, zh);
}

static gmx_code finish(gmx_buf *b, char **out, size_t *len, gmx_error *err)
{
    if (b->failed) {
        gmx_buf_release(b);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory rendering the core report");
    }
    *out = gmx_buf_detach(b, len);
    return GMX_OK;
}

gmx_code gmx_render_core_text(const gmx_findings *f, const gmx_core_heap *heap,
                              const char *heap_unread, unsigned heap_rows,
                              const gmx_render_options *opts, char **out, size_t *len,
                              gmx_error *err)
{
    bool md = opts && opts->markdown, zh = opts && opts->zh;
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_text_findings(&b, f, opts);
    if (heap) {
        gmx_buf_puts(&b, md ? (zh ? "\n### 堆\n\n" : "\n### Heap\n\n")
                            : (zh ? "\n堆（来自 core 的 span）\n" : "\nHeap (from the core's spans)\n"));
        gmx_core_heap_text(&b, heap, heap_rows ? heap_rows : 15, md, zh);
    } else
        gmx_buf_printf(&b, md ? (zh ? "\n### 堆\n\n未读取：%s\n" : "\n### Heap\n\nNot read: %s\n")
                              : (zh ? "\n堆：未读取：%s\n" : "\nHeap: not read: %s\n"),
                       heap_unread ? heap_unread : "");
    return finish(&b, out, len, err);
}

/* The runtime's own counters in the same core, each where its fields were
 * found, and the walk's distance from them. */
static void put_heap_runtime_json(gmx_json *j, const gmx_core_heap *h)
{
    bool reconciled = h->has_stats && h->has_cached_new;
    const struct { bool present; const char *key; int64_t value; } fields[] = {
        { h->has_pages_in_use, "heap_in_use", (int64_t)h->pages_in_use_bytes },
        { h->has_pages_in_use, "span_bytes_minus_heap_in_use",
          (int64_t)(h->span_bytes - h->pages_in_use_bytes) },
        { h->has_heap_live, "heap_live", (int64_t)h->heap_live },
        { h->has_heap_live, "bytes_minus_heap_live", (int64_t)(h->bytes - h->heap_live) },
        { h->has_stats, "heap_alloc", (int64_t)h->stats_bytes },
        { h->has_stats, "heap_objects", (int64_t)h->stats_objects },
        { h->has_stats, "heap_inuse", (int64_t)h->stats_in_heap },
        { h->has_caches, "cached_spans", (int64_t)h->cached_spans },
        { h->has_caches, "cached_free_objects", (int64_t)h->cached_free_objects },
        { h->has_caches, "cached_free_bytes", (int64_t)h->cached_free_bytes },
        { h->has_cached_new, "cached_new_objects", (int64_t)h->cached_new_objects },
        { h->has_cached_new, "cached_new_bytes", (int64_t)h->cached_new_bytes },
        { reconciled, "unexplained_bytes",
          (int64_t)(h->bytes - h->cached_new_bytes - h->stats_bytes) },
        { reconciled, "unexplained_objects",
          (int64_t)(h->objects - h->cached_new_objects - h->stats_objects) },
    };
    gmx_json_key(j, "runtime");
    gmx_json_object_begin(j);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (!fields[i].present)
            continue;
        gmx_json_key(j, fields[i].key);
        gmx_json_int(j, fields[i].value);
    }
    gmx_json_object_end(j);
}

static void put_step_json(gmx_json *j, const gmx_core_holder *hd, size_t k)
{
    const gmx_core_hold_step *st = &hd->chain[k];
    char name[200];
    gmx_analyze_hold_step_name(hd, k, false, name, sizeof(name));
    gmx_json_object_begin(j);
    gmx_json_key(j, "what");
    gmx_json_cstring(j, name);
    gmx_json_key(j, "type");
    gmx_json_cstring(j, k ? st->what : NULL);
    gmx_json_key(j, "via");
    gmx_json_cstring(j, st->via);
    gmx_json_key(j, "container");
    gmx_json_cstring(j, st->container);
    gmx_json_key(j, "container_type");
    gmx_json_cstring(j, st->container_type);
    const struct { const char *key; uint64_t value; } nums[] = {
        { "address", st->addr }, { "size", st->size }, { "size_class", st->size_class },
        { "bytes", st->bytes }, { "objects", st->objects }, { "children", st->children },
        { "elided", st->elided },
    };
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        gmx_json_key(j, nums[i].key);
        gmx_json_uint(j, nums[i].value);
    }
    gmx_json_key(j, "noscan");
    gmx_json_bool(j, st->noscan);
    gmx_json_object_end(j);
}

static void put_retention_json(gmx_json *j, const gmx_core_heap *h)
{
    const gmx_core_retention *r = h->retention;
    gmx_json_key(j, "retention");
    gmx_json_object_begin(j);
    if (!r) {
        gmx_json_key(j, "error");
        gmx_json_cstring(j, h->retention_error);
        gmx_json_object_end(j);
        return;
    }
    const struct { const char *key; uint64_t value; } counts[] = {
        { "allocated_objects", r->allocated_objects }, { "allocated_bytes", r->allocated_bytes },
        { "marked_objects", r->marked_objects },       { "marked_bytes", r->marked_bytes },
        { "roots", r->roots },                         { "exact_objects", r->exact_objects },
        { "conservative_objects", r->conservative_objects }, { "cap_bytes", r->cap_bytes },
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        gmx_json_key(j, counts[i].key);
        gmx_json_uint(j, counts[i].value);
    }
    gmx_json_key(j, "exact_globals");
    gmx_json_bool(j, r->exact_globals);
    gmx_json_key(j, "capped");
    gmx_json_bool(j, r->capped);
    gmx_json_key(j, "attribution");
    gmx_json_cstring(j, "first reached: breadth-first from the globals, then the stacks");
    gmx_json_key(j, "holders");
    gmx_json_array_begin(j);
    static const char *const kinds[] = { "global", "frame", "stack", "finalizer" };
    for (size_t i = 0; i < r->nholders; i++) {
        const gmx_core_holder *hd = &r->holders[i];
        gmx_json_object_begin(j);
        gmx_json_key(j, "root");
        gmx_json_cstring(j, hd->root);
        gmx_json_key(j, "kind");
        gmx_json_cstring(j, kinds[hd->root_kind <= GMX_CORE_ROOT_FINALIZER ? hd->root_kind : 0]);
        const struct { const char *key; uint64_t value; } nums[] = {
            { "goroutine", hd->goid }, { "roots", hd->roots }, { "bytes", hd->bytes },
            { "objects", hd->objects }, { "holder", hd->holder },
        };
        for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
            gmx_json_key(j, nums[k].key);
            gmx_json_uint(j, nums[k].value);
        }
        gmx_json_key(j, "chain");
        gmx_json_array_begin(j);
        for (size_t k = 0; k < hd->nchain; k++)
            put_step_json(j, hd, k);
        gmx_json_array_end(j);
        gmx_json_object_end(j);
    }
    gmx_json_array_end(j);
    gmx_json_object_end(j);
}

void gmx_core_heap_json(gmx_json *j, const gmx_core_heap *h)
{
    const struct { const char *key; uint64_t value; } counts[] = {
        { "arenas", h->arenas },   { "spans", h->spans },     { "span_bytes", h->span_bytes },
        { "spans_skipped", h->spans_skipped }, { "objects", h->objects }, { "bytes", h->bytes },
    };
    gmx_json_object_begin(j);
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        gmx_json_key(j, counts[i].key);
        gmx_json_uint(j, counts[i].value);
    }
    gmx_json_key(j, "typed");
    gmx_json_bool(j, h->typed);
    gmx_json_key(j, "typed_bytes");
    gmx_json_uint(j, h->typed_bytes);
    put_heap_runtime_json(j, h);
    gmx_json_key(j, "by_type");
    gmx_json_array_begin(j);
    for (size_t i = 0; i < h->nrows; i++) {
        const gmx_core_heap_row *r = &h->rows[i];
        gmx_json_object_begin(j);
        gmx_json_key(j, "type");
        gmx_json_cstring(j, r->type);
        gmx_json_key(j, "size_class");
        gmx_json_uint(j, r->size_class);
        gmx_json_key(j, "noscan");
        gmx_json_bool(j, r->noscan);
        gmx_json_key(j, "object_size");
        gmx_json_uint(j, r->elem_size);
        gmx_json_key(j, "objects");
        gmx_json_uint(j, r->objects);
        gmx_json_key(j, "bytes");
        gmx_json_uint(j, r->bytes);
        gmx_json_object_end(j);
    }
    gmx_json_array_end(j);
    put_retention_json(j, h);
    gmx_json_object_end(j);
}

gmx_code gmx_render_core_json(const gmx_findings *f, const gmx_core_heap *heap,
                              const char *heap_unread, const gmx_render_options *opts,
                              char **out, size_t *len, gmx_error *err)
{
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_json j;
    gmx_json_init(&j, &b);
    gmx_json_object_begin(&j);
    gmx_json_findings_document(&j, f, opts);
    gmx_json_key(&j, "heap");
    if (heap) {
        gmx_core_heap_json(&j, heap);
    } else {
        gmx_json_object_begin(&j);
        gmx_json_key(&j, "error");
        gmx_json_cstring(&j, heap_unread ? heap_unread : "");
        gmx_json_object_end(&j);
    }
    gmx_json_object_end(&j);
    return finish(&b, out, len, err);
}
