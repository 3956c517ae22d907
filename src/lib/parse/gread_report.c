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

static void ranges(out *o, const gmx_line_range *r, uint32_t n, uint32_t more)
{
    for (uint32_t i = 0; i < n; i++) {
        if (r[i].first == r[i].last)
            add(o, "%s%llu", i ? ", " : "", (unsigned long long)r[i].first);
        else
            add(o, "%s%llu-%llu", i ? ", " : "", (unsigned long long)r[i].first,
                (unsigned long long)r[i].last);
    }
    if (more)
        add(o, " and %u more", (unsigned)more);
}

static const struct {
    unsigned bit;
    const char *what;
} repairs[] = {
    { GMX_REPAIR_TAB_GLYPHS, "tab glyphs restored" },
    { GMX_REPAIR_INDENT, "indentation rebuilt" },
    { GMX_REPAIR_WRAPPED, "wrapped lines joined" },
    { GMX_REPAIR_PAGER, "pager line numbers removed" },
    { GMX_REPAIR_QUOTE, "quote markers removed" },
    { GMX_REPAIR_HTML, "HTML decoded" },
    { GMX_REPAIR_LOG_PREFIX, "log prefixes removed" },
    { GMX_REPAIR_NO_TITLE, "records without their profile title" },
    { GMX_REPAIR_FRAMES, "frame lines rebuilt" },
    { GMX_REPAIR_MISSING, "redacted frames kept as unknown" },
    { GMX_REPAIR_NO_HEADER, "stacks without a header read as goroutines" },
    { GMX_REPAIR_SUMMARY, "hand-made summary read as counts" },
    { GMX_REPAIR_TREE, "stacks drawn as trees read as frames" },
    { GMX_REPAIR_REFLOW, "reflowed paragraphs cut back into stack lines" },
    { GMX_REPAIR_LINKS, "Markdown links around names unwrapped" },
};

size_t gmx_read_report_describe(const gmx_read_report *r, char *buf, size_t cap)
{
    out o = { buf, cap, 0 };
    if (!cap)
        return 0;
    buf[0] = '\0';
    if (!r || !r->tolerant)
        return 0;
    add(&o, "read line%s ", r->read_lines == 1 ? "" : "s");
    ranges(&o, r->read, r->nread, r->more_read);
    bool first = true;
    for (size_t i = 0; i < sizeof(repairs) / sizeof(repairs[0]); i++) {
        if (r->repairs & repairs[i].bit) {
            add(&o, "%s%s", first ? " (" : ", ", repairs[i].what);
            first = false;
        }
    }
    if (!first)
        add(&o, ")");
    if (r->nskipped) {
        add(&o, "; skipped ");
        ranges(&o, r->skipped, r->nskipped, r->more_skipped);
    }
    return o.len;
}
