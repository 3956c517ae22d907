/* The runbook's five causes of a heap escape (docs/formats.md §5.2), told from
 * the compiler's message and, at -m=2, the tags of its explanation:
 *
 *   growth      make/append/new beyond a compile-time size: "make(...)",
 *               "append", "(too large for stack)", "(non-constant size)"
 *   interface   a value (not an allocation) escaping is its boxed copy:
 *               "v escapes to heap", "~r0 escapes to heap"
 *   chan-send   "(send)" in the explanation
 *   return      "(return)": a pointer to a local leaves through a result
 *   stored      "(assign)", "(key/value of map put)", "(call parameter)",
 *               "(slice-literal-element)", literal elements: the pointer is
 *               kept by a slice, map, global or heap object
 *   other       closures and anything else, with the compiler's last tag
 *
 * Without an explanation (-m only) a "moved to heap" or "&T{...}" cannot be
 * told apart: "other", with a hint to use -m=2. */
#include "gomemdx/escape.h"
#include "util/str.h"

#include <string.h>

static const char *const ids[GMX_ESC_CAUSE_COUNT] = {
    "other", "return-local", "chan-send", "stored", "growth", "interface"
};

static const char *const titles[GMX_ESC_CAUSE_COUNT] = {
    "escapes to the heap",
    "pointer to a local returned",
    "pointer sent on a channel",
    "pointer stored in a slice, map or global",
    "append/make beyond a compile-time size or too large for the stack",
    "value converted to an interface",
};

const char *gmx_esc_cause_id(gmx_esc_cause c)
{
    return (unsigned)c < GMX_ESC_CAUSE_COUNT ? ids[c] : "other";
}

const char *gmx_esc_cause_title(gmx_esc_cause c)
{
    return (unsigned)c < GMX_ESC_CAUSE_COUNT ? titles[c] : titles[0];
}

/* The same in Chinese, in the runbook's words (§2.2). */
static const char *const titles_zh[GMX_ESC_CAUSE_COUNT] = {
    "逃逸到堆上",
    "在方法内把局部变量指针返回",
    "发送指针或带有指针的值到 channel",
    "在切片、map 或全局变量上存储指针",
    "append/make 超出编译期可知的容量，或对栈来说太大",
    "值被转换为 interface",
};

const char *gmx_esc_cause_title_zh(gmx_esc_cause c)
{
    return (unsigned)c < GMX_ESC_CAUSE_COUNT ? titles_zh[c] : titles_zh[0];
}

static bool has_tag(const gmx_esc_entry *e, const char *tag)
{
    for (uint32_t i = 0; i < e->nwhy; i++)
        if (gmx_str_eq_cstr(e->why[i], tag))
            return true;
    return false;
}

/* The first of tags present in the explanation, or NULL. */
static const char *first_tag(const gmx_esc_entry *e, const char *const *tags)
{
    for (; *tags; tags++)
        if (has_tag(e, *tags))
            return *tags;
    return NULL;
}

static bool is_growth(gmx_str w)
{
    return gmx_str_starts(w, "make(") || gmx_str_eq_cstr(w, "append") ||
           gmx_str_starts(w, "append(");
}

/* An expression that allocates by itself: &T{...}, literals, new, closures,
 * conversions, concatenation. Anything else escaping is a value boxed into
 * an interface. */
static bool allocates(gmx_str w)
{
    static const char *const prefixes[] = { "&", "make(", "new(", "append", "func literal",
                                            "map[", "[]", "[", "...", "string(", "([]",
                                            "[]byte(", "[]rune(", "struct {", NULL };
    for (const char *const *p = prefixes; *p; p++)
        if (gmx_str_starts(w, *p))
            return true;
    return gmx_str_find(w, "{") != SIZE_MAX || gmx_str_find(w, " + ") != SIZE_MAX;
}

static gmx_esc_cause said(gmx_str *reason, const char *why, gmx_esc_cause c)
{
    if (reason)
        *reason = gmx_str_cstr(why);
    return c;
}

static gmx_esc_cause by_tags(const gmx_esc_entry *e, gmx_str *reason)
{
    static const char *const stored[] = { "key of map put", "value of map put", "map put",
                                          "assign", "call parameter", "slice-literal-element",
                                          "struct literal element", "array literal element",
                                          "slice-element", "assign-pair", "map literal key",
                                          "map literal value", NULL };
    static const char *const growth[] = { "too large for stack", "non-constant size", NULL };
    const char *t;
    if ((t = first_tag(e, growth)))
        return said(reason, t, GMX_ESC_CAUSE_GROWTH);
    if (has_tag(e, "send"))
        return said(reason, "send", GMX_ESC_CAUSE_CHAN_SEND);
    if (has_tag(e, "return"))
        return said(reason, "return", GMX_ESC_CAUSE_RETURN_LOCAL);
    if (has_tag(e, "interface-converted"))
        return said(reason, "interface-converted", GMX_ESC_CAUSE_INTERFACE);
    if (has_tag(e, "captured by a closure"))
        return said(reason, "captured by a closure", GMX_ESC_CAUSE_OTHER);
    if ((t = first_tag(e, stored)))
        return said(reason, t, GMX_ESC_CAUSE_STORED);
    if (reason)
        *reason = e->why[e->nwhy - 1];
    return GMX_ESC_CAUSE_OTHER;
}

gmx_esc_cause gmx_escape_classify(const gmx_esc_entry *e, gmx_str *reason)
{
    gmx_str w = e->what;
    if (e->kind == GMX_ESC_ESCAPES && is_growth(w) && !e->nwhy)
        return said(reason, gmx_str_starts(w, "make(") ? "make escapes to heap"
                                                        : "append escapes to heap",
                    GMX_ESC_CAUSE_GROWTH);
    if (e->kind == GMX_ESC_ESCAPES && gmx_str_starts(w, "append"))
        return said(reason, "append escapes to heap", GMX_ESC_CAUSE_GROWTH);
    if (e->kind == GMX_ESC_ESCAPES && !allocates(w))
        return said(reason, "interface conversion", GMX_ESC_CAUSE_INTERFACE);
    if (e->kind == GMX_ESC_ESCAPES && gmx_str_starts(w, "map[") && !e->nwhy)
        return said(reason, "map literal escapes to heap", GMX_ESC_CAUSE_STORED);
    if (e->nwhy)
        return by_tags(e, reason);
    if (reason)
        *reason = gmx_str_cstr(e->kind == GMX_ESC_MOVED ? "moved to heap (-m=2 tells why)"
                                                         : "escapes to heap (-m=2 tells why)");
    return GMX_ESC_CAUSE_OTHER;
}

static const char *const advice[GMX_ESC_CAUSE_COUNT] = {
    "The compiler keeps this on the heap; its explanation (-m=2) says why: a closure capturing "
    "by reference, a value passed to a function that keeps it. Move the allocation out of the "
    "hot path, or reuse it with sync.Pool.",
    "A pointer to a local that is returned must live on the heap. Return small structs by value "
    "(the caller's copy stays on its stack), or let the caller pass in a pointer to fill.",
    "Every pointer sent on a channel is on the heap. Send small structs by value (chan T, not "
    "chan *T), batch several updates per send, or recycle the objects with sync.Pool once the "
    "receiver is done.",
    "A pointer kept in a slice, map, global or heap object must live on the heap. Store small "
    "values instead of pointers ([]T, map[K]T), preallocate the container, and recycle evicted "
    "entries with sync.Pool.",
    "Preallocate with the final size known up front (make([]T, 0, n)); keep stack buffers under "
    "the compiler's 64 KiB limit, or reuse large buffers (sync.Pool, a buffer owned by the "
    "caller). Since Go 1.25 a variable-size make reported as not escaping can still fall back "
    "to the heap.",
    "Converting a non-pointer value to an interface (any, fmt and log arguments, interface "
    "method parameters) boxes a copy on the heap. On hot paths take concrete types, avoid fmt "
    "in loops (strconv.Append*), or pass a pointer that already lives on the heap.",
};

const char *gmx_esc_cause_advice(gmx_esc_cause c)
{
    return (unsigned)c < GMX_ESC_CAUSE_COUNT ? advice[c] : advice[0];
}

/* The same advice in Chinese (the runbook's §2.3). */
static const char *const advice_zh[GMX_ESC_CAUSE_COUNT] = {
    "编译器把它放在堆上；-m=2 的解释会说明原因：闭包按引用捕获变量、值被传给会保留它的函数。"
    "把这次分配移出热路径，或用 sync.Pool 复用。",
    "返回局部变量的指针，它就必须分配在堆上。小的 struct 按值返回（调用方的副本留在它自己的栈上），"
    "或让调用方传入一个指针来填充。",
    "发送到 channel 的指针都在堆上。小的 struct 按值发送（chan T 而不是 chan *T），一次发送合并多条"
    "更新，或在接收方用完后用 sync.Pool 回收对象。",
    "存储在切片、map、全局变量或堆对象里的指针必须分配在堆上。不要盲目使用指针：存小的值（[]T、"
    "map[K]T），预先分配容器，并用 sync.Pool 回收被淘汰的条目。",
    "预先设定好最终长度（make([]T, 0, n)），避免频繁超出容量、重新分配；栈上的缓冲区保持在编译器 "
    "64 KiB 的限制以内，或复用大缓冲区（sync.Pool、调用方持有的缓冲区）。Go 1.25 起，报告为不逃逸"
    "的变长 make 仍可能分配在堆上。",
    "把非指针的值转换为 interface（any、fmt 和 log 的参数、interface 方法的参数）会在堆上装箱一份副本。"
    "热路径上使用具体类型，循环里避免 fmt（改用 strconv.Append*），或传入本来就在堆上的指针。",
};

const char *gmx_esc_cause_advice_zh(gmx_esc_cause c)
{
    return (unsigned)c < GMX_ESC_CAUSE_COUNT ? advice_zh[c] : advice_zh[0];
}
