#include "gomemdx/findings.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct gmx_findings {
    gmx_arena arena;
    gmx_finding **items;
    size_t count, cap;
    gmx_input_note *inputs;
    size_t ninputs, inputs_cap;
    gmx_str summary, summary_zh;
    gmx_str head, head_zh;
    size_t omitted;
    bool failed;
};

static const char *const category_ids[GMX_CAT_COUNT] = {
    [GMX_CAT_NONE] = "none",
    [GMX_CAT_CHAN_SEND_BLOCKED] = "chan-send-blocked",
    [GMX_CAT_CHAN_RECV_BLOCKED] = "chan-recv-blocked",
    [GMX_CAT_NIL_CHAN] = "nil-chan",
    [GMX_CAT_SELECT_BLOCKED] = "select-blocked",
    [GMX_CAT_MUTEX_HELD] = "mutex-held",
    [GMX_CAT_WAITGROUP_MISMATCH] = "waitgroup-mismatch",
    [GMX_CAT_COND_WAIT] = "cond-wait",
    [GMX_CAT_IO_NO_TIMEOUT] = "io-no-timeout",
    [GMX_CAT_GOROUTINE_SURGE] = "goroutine-surge",
    [GMX_CAT_DEADLOCK] = "deadlock",
    [GMX_CAT_HEAP_GROWTH] = "heap-growth",
    [GMX_CAT_MAP_GROWTH] = "map-growth",
    [GMX_CAT_SLICE_RETENTION] = "slice-retention",
    [GMX_CAT_TIMER_LEAK] = "timer-leak",
    [GMX_CAT_GOROUTINE_STACKS] = "goroutine-stacks",
    [GMX_CAT_ALLOC_SPIKE] = "alloc-spike",
    [GMX_CAT_ESCAPE] = "escape",
};

const char *gmx_category_id(gmx_category c)
{
    return (unsigned)c < GMX_CAT_COUNT ? category_ids[c] : "none";
}

const char *gmx_severity_name(gmx_severity s)
{
    switch (s) {
    case GMX_SEV_CRITICAL: return "critical";
    case GMX_SEV_WARNING: return "warning";
    case GMX_SEV_INFO: break;
    }
    return "info";
}

gmx_findings *gmx_findings_new(void)
{
    gmx_findings *f = gmx_calloc(1, sizeof(*f));
    if (f)
        gmx_arena_init(&f->arena, 0);
    return f;
}

void gmx_findings_free(gmx_findings *f)
{
    if (!f)
        return;
    gmx_free(f->items);
    gmx_free(f->inputs);
    gmx_arena_release(&f->arena);
    gmx_free(f);
}

size_t gmx_findings_count(const gmx_findings *f) { return f->count; }
size_t gmx_findings_input_count(const gmx_findings *f) { return f->ninputs; }
gmx_str gmx_findings_summary(const gmx_findings *f) { return f->summary; }
gmx_str gmx_findings_head(const gmx_findings *f) { return f->head; }
gmx_str gmx_findings_head_zh(const gmx_findings *f) { return f->head_zh; }

void gmx_findings_set_head(gmx_findings *f, gmx_str en, gmx_str zh)
{
    f->head = gmx_findings_strdup(f, en);
    f->head_zh = gmx_findings_strdup(f, zh);
}
gmx_str gmx_findings_summary_zh(const gmx_findings *f) { return f->summary_zh; }
bool gmx_findings_failed(const gmx_findings *f) { return f->failed; }

void gmx_findings_fail(gmx_findings *f) { f->failed = true; }
size_t gmx_findings_omitted(const gmx_findings *f) { return f->omitted; }
void gmx_findings_set_omitted(gmx_findings *f, size_t n) { f->omitted = n; }
void gmx_findings_set_summary(gmx_findings *f, gmx_str s) { f->summary = gmx_findings_strdup(f, s); }
void gmx_findings_set_summary_zh(gmx_findings *f, gmx_str s) { f->summary_zh = gmx_findings_strdup(f, s); }

const gmx_finding *gmx_findings_at(const gmx_findings *f, size_t i)
{
    return i < f->count ? f->items[i] : NULL;
}

const gmx_input_note *gmx_findings_input_at(const gmx_findings *f, size_t i)
{
    return i < f->ninputs ? &f->inputs[i] : NULL;
}

gmx_finding *gmx_findings_add(gmx_findings *f)
{
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        gmx_finding **items = gmx_reallocarray(f->items, cap, sizeof(*items));
        if (!items) {
            f->failed = true;
            return NULL;
        }
        f->items = items;
        f->cap = cap;
    }
    gmx_finding *fd = gmx_arena_calloc(&f->arena, 1, sizeof(*fd));
    if (!fd) {
        f->failed = true;
        return NULL;
    }
    f->items[f->count++] = fd;
    return fd;
}

gmx_str gmx_findings_strdup(gmx_findings *f, gmx_str s)
{
    char *copy = gmx_arena_strndup(&f->arena, s.p ? s.p : "", s.n);
    if (!copy) {
        f->failed = true;
        return (gmx_str){ "", 0 };
    }
    return (gmx_str){ copy, s.n };
}

/* Longest text a finding keeps from one printf: a 70 KiB function name
 * from a hostile dump is cut, with an ellipsis, not taken for a failure. */
enum { PRINTF_MAX = 1 << 16 };

gmx_str gmx_findings_printf(gmx_findings *f, const char *fmt, ...)
{
    static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026 */
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t want = n < 0 ? 0 : (size_t)n;
    bool cut = want > PRINTF_MAX;
    size_t keep = cut ? PRINTF_MAX : want;
    char *p = gmx_arena_alloc(&f->arena, keep + sizeof(ellipsis));
    if (!p) {
        va_end(again);
        f->failed = true;
        return (gmx_str){ "", 0 };
    }
    vsnprintf(p, keep + 1, fmt, again);
    va_end(again);
    if (cut) {
        /* Not inside a UTF-8 sequence: back up over continuation bytes. */
        while (keep > 0 && ((unsigned char)p[keep] & 0xC0) == 0x80)
            keep--;
        memcpy(p + keep, ellipsis, sizeof(ellipsis));
        keep += sizeof(ellipsis) - 1;
    }
    return (gmx_str){ p, keep };
}

uint64_t *gmx_findings_alloc_series(gmx_findings *f, uint32_t n)
{
    uint64_t *s = gmx_arena_calloc(&f->arena, n, sizeof(*s));
    if (!s)
        f->failed = true;
    return s;
}

gmx_frame *gmx_findings_alloc_frames(gmx_findings *f, uint32_t n)
{
    gmx_frame *frames = gmx_arena_calloc(&f->arena, n ? n : 1, sizeof(*frames));
    if (!frames)
        f->failed = true;
    return frames;
}

void *gmx_findings_calloc(gmx_findings *f, size_t n, size_t size)
{
    void *p = gmx_arena_calloc(&f->arena, n ? n : 1, size ? size : 1);
    if (!p)
        f->failed = true;
    return p;
}

gmx_code gmx_findings_add_input(gmx_findings *f, const gmx_input_note *note)
{
    if (f->ninputs == f->inputs_cap) {
        size_t cap = f->inputs_cap ? f->inputs_cap * 2 : 8;
        gmx_input_note *grown = gmx_reallocarray(f->inputs, cap, sizeof(*grown));
        if (!grown) {
            f->failed = true;
            return GMX_ENOMEM;
        }
        f->inputs = grown;
        f->inputs_cap = cap;
    }
    gmx_input_note *n = &f->inputs[f->ninputs++];
    *n = *note;
    n->name = gmx_findings_strdup(f, note->name);
    n->detail = gmx_findings_strdup(f, note->detail);
    n->reading = gmx_findings_strdup(f, note->reading);
    return f->failed ? GMX_ENOMEM : GMX_OK;
}

void gmx_finding_add_number(gmx_finding *fd, const char *key, double v)
{
    if (fd->nevidence < GMX_MAX_EVIDENCE)
        fd->evidence[fd->nevidence++] = (gmx_evidence){ .key = key, .number = v, .text = { "", 0 } };
}

/* n texts copied into f's arena; NULL when out of memory (f failed). */
static gmx_str *copy_list(gmx_findings *f, const gmx_str *items, uint32_t n)
{
    gmx_str *list = gmx_arena_calloc(&f->arena, n ? n : 1, sizeof(*list));
    if (!list) {
        f->failed = true;
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++)
        list[i] = gmx_findings_strdup(f, items[i]);
    return list;
}

void gmx_finding_add_list(gmx_findings *f, gmx_finding *fd, const char *key, const gmx_str *items,
                          const gmx_str *items_zh, uint32_t n)
{
    if (fd->nevidence >= GMX_MAX_EVIDENCE)
        return;
    gmx_str *list = copy_list(f, items, n);
    gmx_str *list_zh = items_zh ? copy_list(f, items_zh, n) : NULL;
    if (list && (list_zh || !items_zh))
        fd->evidence[fd->nevidence++] = (gmx_evidence){ .key = key, .text = { "", 0 }, .list = list,
                                                        .list_zh = list_zh, .nlist = n };
}

void gmx_finding_add_text(gmx_finding *fd, const char *key, gmx_str v)
{
    if (fd->nevidence < GMX_MAX_EVIDENCE)
        fd->evidence[fd->nevidence++] = (gmx_evidence){ .key = key, .is_text = true, .text = v };
}

static int site_cmp(const gmx_finding *a, const gmx_finding *b)
{
    int c = gmx_str_cmp(a->site.function, b->site.function);
    if (!c)
        c = gmx_str_cmp(a->site.file, b->site.file);
    if (!c && a->site.line != b->site.line)
        c = a->site.line < b->site.line ? -1 : 1;
    return c;
}

static int rank_cmp(const void *pa, const void *pb)
{
    const gmx_finding *a = *(gmx_finding *const *)pa, *b = *(gmx_finding *const *)pb;
    if ((a->healthy != NULL) != (b->healthy != NULL))
        return a->healthy ? 1 : -1;
    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    /* Ties keep the order of the input: goroutine ids grow with creation,
     * and stacks without a header are numbered as they were listed. */
    uint64_t ia = a->bucket ? a->bucket->first_id : 0, ib = b->bucket ? b->bucket->first_id : 0;
    if (ia != ib)
        return ia < ib ? -1 : 1;
    return site_cmp(a, b);
}

void gmx_findings_rank(gmx_findings *f)
{
    if (f->count > 1) /* qsort must not see the NULL array of an empty set */
        qsort(f->items, f->count, sizeof(*f->items), rank_cmp);
    for (size_t i = 0; i < f->count; i++)
        f->items[i]->rank = (uint32_t)(i + 1);
}

void gmx_findings_retain(gmx_findings *f, bool (*keep)(void *ctx, const gmx_finding *fd),
                         void *ctx)
{
    size_t kept = 0;
    for (size_t i = 0; i < f->count; i++)
        if (keep(ctx, f->items[i]))
            f->items[kept++] = f->items[i];
    f->omitted += f->count - kept;
    f->count = kept;
    for (size_t i = 0; i < f->count; i++)
        f->items[i]->rank = (uint32_t)(i + 1);
}
