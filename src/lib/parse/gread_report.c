/* What a tolerant read did, in one line for the inputs list:
 * "read lines 14-388 (tab glyphs restored); skipped 1-13, 389-420". */
#include "gomemdx/goroutine.h"

#include <stdarg.h>
#include <stdio.h>

typedef struct out {
    char *buf;
    size_t cap, len;
} out;

static void add(out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void add(out *o, const char *fmt, ...)
{
    if (o->len + 1 >= o->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

static void ranges(out *o, const gmx_line_range *r, uint32_t n, uint32_t more, bool zh)
{
    for (uint32_t i = 0; i < n; i++) {
        if (r[i].first == r[i].last)
            add(o, "%s%llu", i ? (zh ? "、" : ", ") : "", (unsigned long long)r[i].first);
        else
            add(o, "%s%llu-%llu", i ? (zh ? "、" : ", ") : "", (unsigned long long)r[i].first,
                (unsigned long long)r[i].last);
    }
    if (more)
        add(o, zh ? " 等另外 %u 段" : " and %u more", (unsigned)more);
}

static const struct {
    unsigned bit;
    const char *what, *what_zh;
} repairs[] = {
    { GMX_REPAIR_TAB_GLYPHS, "tab glyphs restored", "已还原被显示成符号的制表符" },
    { GMX_REPAIR_INDENT, "indentation rebuilt", "已重建缩进" },
    { GMX_REPAIR_WRAPPED, "wrapped lines joined", "已接回被折断的行" },
    { GMX_REPAIR_PAGER, "pager line numbers removed", "已去掉分页器的行号" },
    { GMX_REPAIR_QUOTE, "quote markers removed", "已去掉引用标记" },
    { GMX_REPAIR_HTML, "HTML decoded", "已解码 HTML" },
    { GMX_REPAIR_LOG_PREFIX, "log prefixes removed", "已去掉日志前缀" },
    { GMX_REPAIR_NO_TITLE, "records without their profile title", "记录缺少剖析的标题行" },
    { GMX_REPAIR_FRAMES, "frame lines rebuilt", "已重建栈帧行" },
    { GMX_REPAIR_MISSING, "redacted frames kept as unknown", "被删改的栈帧按未知保留" },
    { GMX_REPAIR_NO_HEADER, "stacks without a header read as goroutines", "没有头部的栈按 goroutine 读取" },
    { GMX_REPAIR_SUMMARY, "hand-made summary read as counts", "手工汇总按计数读取" },
    { GMX_REPAIR_TREE, "stacks drawn as trees read as frames", "画成树形的栈按栈帧读取" },
    { GMX_REPAIR_REFLOW, "reflowed paragraphs cut back into lines", "已把重排成段落的文字切回原来的行" },
    { GMX_REPAIR_LINKS, "Markdown links around names unwrapped", "已去掉名字外的 Markdown 链接" },
    { GMX_REPAIR_ESCAPES, "a dump logged as one quoted string decoded", "已解码记录为单个带转义字符串的转储" },
    { GMX_REPAIR_NOTES, "notes typed after stack or count lines removed", "已去掉栈行或计数行后手写的注释" },
    { GMX_REPAIR_HIDDEN_IDS, "hidden goroutine numbers read as unknown", "被隐去的 goroutine 编号按未知读取" },
    { GMX_REPAIR_EMPHASIS, "pointer receivers' '*' taken for emphasis put back", "已还原被当作强调标记的指针接收者 '*'" },
};

size_t gmx_read_report_describe(const gmx_read_report *r, bool zh, char *buf, size_t cap)
{
    out o = { buf, cap, 0 };
    if (!cap)
        return 0;
    buf[0] = '\0';
    if (r && !r->tolerant && r->interleaved) {
        if (zh)
            add(&o, "跳过了另一写入者记在转储的 goroutine 块内的 %llu 行（第一行是第 %llu 行）",
                (unsigned long long)r->interleaved, (unsigned long long)r->first_interleaved);
        else
            add(&o, "skipped %llu line%s another writer logged inside the dump's goroutines (the first "
                    "at line %llu)",
                (unsigned long long)r->interleaved, r->interleaved == 1 ? "" : "s",
                (unsigned long long)r->first_interleaved);
        return o.len;
    }
    if (!r || !r->tolerant)
        return 0;
    if (zh)
        add(&o, "读取了第 ");
    else
        add(&o, "read line%s ", r->read_lines == 1 ? "" : "s");
    ranges(&o, r->read, r->nread, r->more_read, zh);
    if (zh)
        add(&o, " 行");
    bool first = true;
    for (size_t i = 0; i < sizeof(repairs) / sizeof(repairs[0]); i++) {
        if (r->repairs & repairs[i].bit) {
            add(&o, "%s%s", first ? (zh ? "（" : " (") : (zh ? "，" : ", "),
                zh ? repairs[i].what_zh : repairs[i].what);
            first = false;
        }
    }
    if (!first)
        add(&o, zh ? "）" : ")");
    if (r->nskipped) {
        add(&o, zh ? "；跳过了第 " : "; skipped ");
        ranges(&o, r->skipped, r->nskipped, r->more_skipped, zh);
        if (zh)
            add(&o, " 行");
    }
    return o.len;
}
