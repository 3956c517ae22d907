/* Who holds a core's heap, as findings: each root (by kind and name) that
 * reached a large share of the heap marked from the roots becomes a finding
 * whose evidence.retained_by is its chain, from the root to the objects the
 * holder keeps, and whose bytes are the bytes it reached first. One core is
 * one instant: the finding says what holds the memory, not that it grows. */
#include "gomemdx/analyze.h"
#include "gomemdx/core.h"
#include "util/fmt.h"
#include "util/str.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { MAX_FINDINGS = 3, MAX_STEP = 200 };
#define MIN_BYTES (1u << 20)

/* The root's name as the core gives it: a symbol, a function, or the
 * region of globals no symbol covers. */
static const char *root_name(const gmx_core_holder *h, bool zh)
{
    if (zh && strcmp(h->root, "unnamed data") == 0)
        return "未命名的 data 段";
    if (zh && strcmp(h->root, "unnamed bss") == 0)
        return "未命名的 bss 段";
    return h->root;
}

/* An object's step: the field of the step before that holds it (static
 * types), then what it is: its role in a map or closure, its type, or its
 * size and size class. */
static void object_name(const gmx_core_hold_step *s, bool zh, char *buf, size_t n)
{
    const char *what = s->what ? s->what : "?", *of = s->of ? s->of : "?";
    gmx_bytes_text bytes = gmx_fmt_bytes_text(s->size);
    const char *size = bytes.s;
    size_t k = s->via ? strlen(s->via) + 1 : 0;
    if (k && k < n) {
        memcpy(buf, s->via, k - 1);
        buf[k - 1] = ' ';
        buf += k;
        n -= k;
    }
    switch (s->role) {
    case GMX_STEP_ARRAY:
        snprintf(buf, n, zh ? "[]%s（%s）" : "[]%s (%s)", what, size);
        return;
    case GMX_STEP_MAP:
        snprintf(buf, n, zh ? "%s（%" PRIu64 " 个条目）" : "%s (%" PRIu64 " entries)", what, s->entries);
        return;
    case GMX_STEP_MAP_DIRECTORY:
        snprintf(buf, n, zh ? "%s 的 map 目录" : "map directory of %s", of);
        return;
    case GMX_STEP_MAP_TABLE:
        snprintf(buf, n, zh ? "%s 的 map 表" : "map table of %s", of);
        return;
    case GMX_STEP_MAP_GROUPS:
        snprintf(buf, n, zh ? "%s 的 map 组（%s）" : "map groups of %s (%s)", of, size);
        return;
    case GMX_STEP_MAP_BUCKETS:
        snprintf(buf, n, zh ? "%s 的 map 桶（%s）" : "map buckets of %s (%s)", of, size);
        return;
    case GMX_STEP_CLOSURE:
        if (s->of)
            snprintf(buf, n, zh ? "%s %s（闭包）" : "%s %s (closure)", what, of);
        else
            snprintf(buf, n, zh ? "%s（闭包）" : "%s (closure)", what);
        return;
    case GMX_STEP_OBJECT:
        break;
    }
    if (s->what)
        snprintf(buf, n, "%s", s->what);
    else if (s->size_class && zh)
        snprintf(buf, n, "%s 的对象（size class %u%s）", size, s->size_class, s->noscan ? "，无指针" : "");
    else if (s->size_class)
        snprintf(buf, n, "object of %s (size class %u%s)", size, s->size_class, s->noscan ? ", no pointers" : "");
    else if (zh)
        snprintf(buf, n, "%s 的大对象%s", size, s->noscan ? "（无指针）" : "");
    else
        snprintf(buf, n, "large object of %s%s", size, s->noscan ? " (no pointers)" : "");
}

void gmx_analyze_hold_step_name(const gmx_core_holder *h, size_t k, bool zh, char *buf, size_t n)
{
    const gmx_core_hold_step *s = &h->chain[k];
    const char *root = k == 0 ? root_name(h, zh) : "";
    if (k == 0) {
        if (h->root_kind == GMX_CORE_ROOT_GLOBAL && h->root_type)
            snprintf(buf, n, zh ? "%s（全局变量，%s）" : "%s (global, %s)", root, h->root_type);
        else if (h->root_kind == GMX_CORE_ROOT_GLOBAL)
            snprintf(buf, n, zh ? "%s（全局变量）" : "%s (global)", root);
        else if (h->root_kind == GMX_CORE_ROOT_FINALIZER)
            snprintf(buf, n, zh ? "%s（终结器）" : "%s (finalizer)", root);
        else if (h->roots > 1)
            snprintf(buf, n, zh ? "%s（%" PRIu64 " 个 goroutine 的栈帧）" : "%s (frames of %" PRIu64 " goroutines)",
                     root, h->roots);
        else if (h->root_kind == GMX_CORE_ROOT_FRAME)
            snprintf(buf, n, zh ? "%s（goroutine %" PRIu64 " 的栈帧）" : "%s (frame of goroutine %" PRIu64 ")",
                     root, h->goid);
        else
            snprintf(buf, n, zh ? "goroutine %" PRIu64 " 的栈" : "stack of goroutine %" PRIu64, h->goid);
    } else if (s->elided) {
        snprintf(buf, n, zh ? "……%" PRIu64 " 个对象……" : "... %" PRIu64 " objects ...", s->elided);
    } else {
        object_name(s, zh, buf, n);
    }
    for (char *p = buf; *p; p++) /* one line, whatever the binary's names hold */
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
}

/* The step where the holder's typed container begins (its map header, its
 * slice's array), or 0 when static types did not name one. */
static size_t container_step(const gmx_core_holder *h)
{
    const char *c = h->chain[h->holder].container;
    if (!c)
        return 0;
    for (size_t k = 1; k <= h->holder; k++)
        if (h->chain[k].container && strcmp(h->chain[k].container, c) == 0)
            return k;
    return 0;
}

/* A map grows when the container is one (a map, a sync.Map) or keeps its
 * elements in maps; a map the path passes on its way there (a ServeMux's
 * routes to a handler holding a slice) is not what grows. With no container
 * named, any map of the chain is the best guess. */
static gmx_category category_of(const gmx_core_holder *h, size_t container)
{
    const char *what = h->chain[h->holder].what;
    if (what && strstr(what, "timer"))
        return GMX_CAT_TIMER_LEAK;
    const char *ctype = container ? h->chain[container].container_type : NULL;
    if (ctype && (strncmp(ctype, "map[", 4) == 0 || strcmp(ctype, "sync.Map") == 0))
        return GMX_CAT_MAP_GROWTH;
    for (size_t k = container; k < h->nchain; k++)
        if ((h->chain[k].what && strncmp(h->chain[k].what, "map.", 4) == 0) ||
            (h->chain[k].role >= GMX_STEP_MAP && h->chain[k].role <= GMX_STEP_MAP_BUCKETS))
            return GMX_CAT_MAP_GROWTH;
    return GMX_CAT_HEAP_GROWTH;
}

/* Whether what the holder keeps is mostly one object of its line (a
 * request's body, a goroutine's working buffer, a table made once) rather
 * than a container of many: unless static types name a container there
 * (a map's buckets, a slice's array are its storage), it is told, not
 * warned of. */
static bool lone_buffer(const gmx_core_holder *h, size_t container)
{
    if (container)
        return false;
    const gmx_core_hold_step *hs = &h->chain[h->holder];
    for (size_t k = h->holder; k < h->nchain; k++)
        if (!h->chain[k].elided && h->chain[k].size * 2 >= hs->bytes)
            return true;
    return false;
}

/* Whether the bytes are spread over the frames of many goroutines, each
 * keeping its own few objects (a connection's buffers, a request's state):
 * no line from one of them holds a quarter of it, so what keeps it is that
 * the goroutines are alive, which their own finding tells (its heap_bytes);
 * unless static types name a container there that holds a quarter of it, it
 * is told, not warned of. A container under a quarter (one goroutine's own
 * queue, with what its like siblings hold) is one of those lines. */
static bool per_goroutine(const gmx_core_holder *h, size_t container)
{
    bool frames = h->root_kind == GMX_CORE_ROOT_FRAME || h->root_kind == GMX_CORE_ROOT_STACK;
    uint64_t line = h->chain[h->holder].bytes;
    if (container && h->chain[container].bytes + h->like_bytes > line)
        line = h->chain[container].bytes + h->like_bytes;
    return frames && h->roots > 1 && line * 4 < h->bytes;
}

/* Whether the objects the holder keeps are each in use by a goroutine: most
 * of them are pointed to by goroutines' frames, one goroutine's each for the
 * most part (a server's connections, each its serve goroutine's; a table
 * of calls in flight, each its caller's). The mark counted them under a
 * root that reached them before the stacks did, but what keeps them is that
 * those goroutines are alive, which the goroutines' own finding tells:
 * unless few goroutines hold them, it is told, not warned of. */
enum { MIN_FRAMED = 16 };
static bool in_use_by_goroutines(const gmx_core_holder *h)
{
    uint64_t kept = h->chain[h->holder].children;
    return h->framed_goroutines >= MIN_FRAMED && h->framed * 2 >= kept &&
           h->framed_goroutines * 2 >= h->framed;
}

static void add_holder(gmx_findings *f, const gmx_core_retention *r, const gmx_core_holder *h)
{
    gmx_finding *fd = gmx_findings_add(f);
    if (!fd)
        return;
    char root[MAX_STEP], holder[MAX_STEP], root_zh[MAX_STEP], holder_zh[MAX_STEP];
    gmx_analyze_hold_step_name(h, 0, false, root, sizeof(root));
    gmx_analyze_hold_step_name(h, h->holder, false, holder, sizeof(holder));
    gmx_analyze_hold_step_name(h, 0, true, root_zh, sizeof(root_zh));
    gmx_analyze_hold_step_name(h, h->holder, true, holder_zh, sizeof(holder_zh));
    const gmx_core_hold_step *hs = &h->chain[h->holder];
    unsigned pct = r->marked_bytes ? (unsigned)(h->bytes * 100 / r->marked_bytes) : 0;
    size_t ck = container_step(h);
    fd->category = category_of(h, ck);
    bool in_use = in_use_by_goroutines(h);
    fd->severity = h->bytes * 2 >= r->marked_bytes && !lone_buffer(h, ck) && !per_goroutine(h, ck) && !in_use
                       ? GMX_SEV_WARNING
                       : GMX_SEV_INFO;
    fd->score = pct;
    if (ck) { /* the typed container names the finding: what to bound */
        const gmx_core_hold_step *cs = &h->chain[ck];
        /* with what the same container holds in the chain's like siblings (per-P timer heaps) */
        uint64_t cbytes = cs->bytes + h->like_bytes;
        unsigned cpct = r->marked_bytes ? (unsigned)(cbytes * 100 / r->marked_bytes) : 0;
        char across[48] = "", across_zh[48] = "";
        if (h->like) {
            snprintf(across, sizeof(across), " across %" PRIu64 " of them", h->like + 1);
            snprintf(across_zh, sizeof(across_zh), "（共 %" PRIu64 " 处）", h->like + 1);
        }
        const char *ctype = cs->container_type ? cs->container_type : "?";
        /* the root's whole share too, when the container is only part of it */
        char share[96] = "", share_zh[96] = "";
        if (cbytes * 10 < h->bytes * 9) {
            snprintf(share, sizeof(share), " of the %s (%u%%) it reaches", gmx_fmt_bytes_text(h->bytes).s, pct);
            snprintf(share_zh, sizeof(share_zh), "（该根共可达 %s，%u%%）", gmx_fmt_bytes_text(h->bytes).s, pct);
        }
        fd->title = gmx_findings_printf(f, "%s (%s) holds %s%s (%u%% of the heap reached from the roots), "
                                           "reached from %s%s, through %s, which keeps %" PRIu64 " objects",
                                        cs->container, ctype, gmx_fmt_bytes_text(cbytes).s, across, cpct, root,
                                        share, holder, hs->children);
        /* no space after a closing full-width parenthesis */
        size_t rn = strlen(root_zh);
        const char *gap = rn >= 3 && strcmp(root_zh + rn - 3, "）") == 0 ? "" : " ";
        fd->title_zh = gmx_findings_printf(f, "%s（%s）持有 %s%s（从根可达堆的 %u%%），自 %s%s可达%s，经由 %s，"
                                              "其直接持有 %" PRIu64 " 个对象",
                                           cs->container, ctype, gmx_fmt_bytes_text(cbytes).s, across_zh, cpct,
                                           root_zh, gap, share_zh, holder_zh, hs->children);
        gmx_finding_add_text(fd, "container", gmx_findings_printf(f, "%s", cs->container));
        gmx_finding_add_text(fd, "container_type", gmx_findings_printf(f, "%s", ctype));
        gmx_finding_add_number(fd, "container_bytes", (double)cbytes);
        if (h->like)
            gmx_finding_add_number(fd, "container_count", (double)(h->like + 1));
        if (cs->role == GMX_STEP_MAP)
            gmx_finding_add_number(fd, "container_entries", (double)cs->entries);
    } else {
        fd->title = gmx_findings_printf(f, "%s holds %s (%u%% of the heap reached from the roots) "
                                           "through %s, which keeps %" PRIu64 " objects",
                                        root, gmx_fmt_bytes_text(h->bytes).s, pct, holder,
                                        hs->children);
        fd->title_zh = gmx_findings_printf(f, "%s 持有 %s（从根可达堆的 %u%%），经由 %s，其直接持有 %" PRIu64
                                              " 个对象",
                                           root_zh, gmx_fmt_bytes_text(h->bytes).s, pct, holder_zh,
                                           hs->children);
    }
    fd->has_bytes = true;
    fd->bytes = h->bytes;
    gmx_str steps[32], steps_zh[32];
    char names[32][MAX_STEP], names_zh[32][MAX_STEP];
    uint32_t n = 0;
    for (size_t k = 0; k < h->nchain && n < 32; k++, n++) {
        gmx_analyze_hold_step_name(h, k, false, names[n], sizeof(names[n]));
        gmx_analyze_hold_step_name(h, k, true, names_zh[n], sizeof(names_zh[n]));
        steps[n] = gmx_str_cstr(names[n]);
        steps_zh[n] = gmx_str_cstr(names_zh[n]);
    }
    gmx_finding_add_list(f, fd, "retained_by", steps, steps_zh, n);
    gmx_finding_add_number(fd, "objects", (double)h->objects);
    gmx_finding_add_number(fd, "holder_bytes", (double)hs->bytes);
    gmx_finding_add_number(fd, "holder_objects", (double)hs->children);
    gmx_finding_add_number(fd, "marked_bytes", (double)r->marked_bytes);
    gmx_finding_add_number(fd, "allocated_bytes", (double)r->allocated_bytes);
    char in_use_why[192] = "", in_use_zh[192] = "";
    if (in_use) {
        gmx_finding_add_number(fd, "framed_objects", (double)h->framed);
        gmx_finding_add_number(fd, "framed_goroutines", (double)h->framed_goroutines);
        snprintf(in_use_why, sizeof(in_use_why),
                 "; %" PRIu64 " of the %" PRIu64 " objects it keeps are in use by %" PRIu64
                 " goroutines (their frames point to them): they are kept because those goroutines "
                 "are alive, which the goroutines' own finding tells",
                 h->framed, hs->children, h->framed_goroutines);
        snprintf(in_use_zh, sizeof(in_use_zh),
                 "；其直接持有的 %" PRIu64 " 个对象中有 %" PRIu64 " 个正被 %" PRIu64
                 " 个 goroutine 使用（其栈帧指向它们）：它们因这些 goroutine 存活而被保留，"
                 "见这些 goroutine 自己的发现",
                 hs->children, h->framed, h->framed_goroutines);
    }
    fd->why = gmx_findings_printf(f, "marked from the roots, the heap's objects were each counted "
                                     "under the root that reached them first (breadth-first, "
                                     "globals before stacks): %s of %s allocated were reached%s",
                                  gmx_fmt_bytes_text(r->marked_bytes).s,
                                  gmx_fmt_bytes_text(r->allocated_bytes).s, in_use_why);
    fd->why_zh = gmx_findings_printf(f, "从根标记，堆中每个对象记在最先到达它的根之下（广度优先，"
                                        "先全局变量后栈）：已分配 %s 中可达 %s%s",
                                     gmx_fmt_bytes_text(r->allocated_bytes).s,
                                     gmx_fmt_bytes_text(r->marked_bytes).s, in_use_zh);
    if (fd->category == GMX_CAT_TIMER_LEAK) {
        fd->advice = gmx_category_advice(fd->category);
    } else {
        /* A core is one moment: what it shows is who holds, not growth. */
        fd->advice = "Follow the chain from its root to the step that keeps the most objects: "
                     "that container (a map, a slice, a cache) is what to bound. Delete entries "
                     "when their work is done, cap it (size or age), or stop registering into it. "
                     "A core is one moment: two heap profiles or cores apart in time confirm "
                     "that it grows.";
        fd->advice_zh = "沿持有链从根走到持有对象最多的那一步：那个容器（map、slice 或缓存）就是要限制的。"
                        "工作完成后删除条目，按大小或时间设上限，或不再往里注册。core 只反映一个时刻："
                        "相隔一段时间的两个堆剖析或 core 才能证实它在增长。";
    }
}

void gmx_analyze_core_retention(const gmx_core_retention *r, gmx_findings *f)
{
    size_t added = 0;
    for (size_t i = 0; i < r->nholders && added < MAX_FINDINGS; i++) {
        const gmx_core_holder *h = &r->holders[i];
        if (h->bytes < MIN_BYTES || h->bytes * 4 < r->marked_bytes || h->nchain < 2)
            continue;
        add_holder(f, r, h);
        added++;
    }
    if (added)
        gmx_findings_rank(f);
}
