/* The runbook's five causes of a heap escape (formats.md §5.2), told from
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
