#include "ingest/hidden_frames.h"
#include "util/str.h"

#include "gomemdx/ingest.h"

#include <stdio.h>
#include <string.h>

/* Frames a pc may stand for (its inlined calls and itself). */
enum { PC_FRAMES = 8 };
/* Runtime frames above the first shown one: gopark, chanrecv, chanrecv1,
 * selectgo, semacquire1, ... are a handful; more means the pcs are not
 * this record's. */
enum { MAX_HIDDEN = 24 };

/* A record of pcs only: each named by the innermost position of pc - 1 (a
 * pc per logical frame, as runtime.CallersFrames reads them). */
static int add_pcs_only(hidden_frames *h, const gmx_goroutine *g)
{
    h->pcs_only.unnamed += g->npcs;
    h->pcs_only.with_binary = h->binary != NULL;
    gmx_frame frames[GMX_MAX_FRAMES];
    uint32_t n = 0, calls = 0;
    for (; h->binary && n < g->npcs && n < GMX_MAX_FRAMES; n++) {
        gmx_pcframe at;
        if (gmx_binary_frames(h->binary, g->pcs[n], &at, 1) != 1)
            break;
        frames[n] = (gmx_frame){ at.func, at.file, at.line };
        calls += gmx_binary_call_site(h->binary, g->pcs[n] - 1);
    }
    if (!n || n < g->npcs)
        return gmx_gbuckets_add(h->buckets, g);
    if (calls * 2 < n) { /* another build's pcs, named wrongly */
        h->pcs_only.other_build = true;
        return gmx_gbuckets_add(h->buckets, g);
    }
    h->pcs_only.named += n;
    h->pcs_only_named++;
    gmx_goroutine named = *g;
    named.frames = frames;
    named.nframes = n;
    return gmx_gbuckets_add(h->buckets, &named);
}

int gmx_hidden_frames_add(void *ctx, const gmx_goroutine *g)
{
    hidden_frames *h = ctx;
    if (g->npcs && !g->nframes)
        return add_pcs_only(h, g);
    h->framed += g->nframes > 0;
    if (!h->binary || !g->npcs || !g->nframes)
        return gmx_gbuckets_add(h->buckets, g);
    gmx_frame frames[GMX_MAX_FRAMES];
    gmx_pcframe at[PC_FRAMES];
    uint32_t n = 0;
    bool reached = false;
    for (uint32_t i = 0; i < g->npcs && !reached && n < MAX_HIDDEN; i++) {
        size_t k = gmx_binary_frames(h->binary, g->pcs[i], at, PC_FRAMES);
        if (!k)
            break;
        /* The first shown frame is the innermost of its pc's positions. */
        if (gmx_str_eq(at[0].func, g->frames[0].func)) {
            reached = true;
            break;
        }
        for (size_t j = 0; j < k && n < MAX_HIDDEN; j++)
            frames[n++] = (gmx_frame){ at[j].func, at[j].file, at[j].line };
    }
    if (!reached || !n) {
        h->unnamed += !reached;
        return gmx_gbuckets_add(h->buckets, g);
    }
    gmx_goroutine named = *g;
    uint32_t shown = g->nframes;
    if (n + shown > GMX_MAX_FRAMES) {
        shown = GMX_MAX_FRAMES - n;
        named.flags |= GMX_G_TRUNCATED;
    }
    memcpy(frames + n, g->frames, shown * sizeof(*frames));
    named.frames = frames;
    named.nframes = n + shown;
    h->named++;
    return gmx_gbuckets_add(h->buckets, &named);
}

void gmx_hidden_frames_counts(const hidden_frames *h, gmx_dump_info *info)
{
    info->named_records = h->named;
    info->unnamed_records = h->unnamed;
    if (h->framed)
        info->named_records += h->pcs_only_named;
    else
        info->symbolized = h->pcs_only;
}

size_t gmx_ingest_describe_names(const gmx_dump_info *info, bool zh, char *buf, size_t len,
                                 size_t cap)
{
    uint64_t n = info->named_records ? info->named_records : info->unnamed_records;
    if (!n || len + 1 >= cap)
        return gmx_ingest_describe_symbolized(&info->symbolized, zh, buf, len, cap);
    const char *sep = len ? (zh ? "；" : "; ") : "";
    unsigned long long count = (unsigned long long)n;
    int w = info->named_records
                ? zh ? snprintf(buf + len, cap - len, "%s可执行文件补出了 %llu 条记录的运行时栈帧", sep,
                                count)
                     : snprintf(buf + len, cap - len,
                                "%sruntime frames of %llu record%s named from the binary", sep,
                                count, n == 1 ? "" : "s")
            : zh ? snprintf(buf + len, cap - len,
                            "%s可执行文件认不出 %llu 条记录的任何 pc（不是同一次构建？）", sep, count)
                 : snprintf(buf + len, cap - len,
                            "%sthe binary names none of the pcs of %llu record%s (another build's?)",
                            sep, count, n == 1 ? "" : "s");
    return w < 0 ? len : len + (size_t)w >= cap ? cap - 1 : len + (size_t)w;
}
