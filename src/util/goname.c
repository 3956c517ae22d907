#include "util/goname.h"

#include <string.h>

/* The end of the type parameter list opening at name[i] ('['), or 0 when
 * that bracket is something else: Go's lists follow an identifier, close,
 * hold printable text only, and are followed by the end, "." or ")"
 * ("main.Gen[...]", "main.Gen[...].func1", "main.(*T[...]).M"). */
static size_t type_params_end(gmx_str name, size_t i)
{
    unsigned char before = i ? (unsigned char)name.p[i - 1] : 0;
    if (!(before == '_' || before >= 0x80 || (before >= '0' && before <= '9') ||
          ((before | 0x20) >= 'a' && (before | 0x20) <= 'z')))
        return 0;
    int depth = 0;
    for (size_t k = i; k < name.n; k++) {
        unsigned char c = (unsigned char)name.p[k];
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c == '[')
            depth++;
        else if (c == ']' && --depth == 0)
            return k + 1 == name.n || name.p[k + 1] == '.' || name.p[k + 1] == ')' ? k : 0;
    }
    return 0;
}

static size_t put(char *out, size_t cap, size_t n, const char *s, size_t len)
{
    if (n < cap)
        memcpy(out + n, s, len < cap - n ? len : cap - n);
    return n + len;
}

size_t gmx_goname_print(gmx_str name, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < name.n; i++) {
        size_t end = name.p[i] == '[' ? type_params_end(name, i) : 0;
        if (end) {
            n = put(out, cap, n, "[...]", 5);
            i = end;
        } else {
            n = put(out, cap, n, name.p + i, 1);
        }
    }
    return n;
}

gmx_str gmx_goname_for_print(gmx_arena *a, gmx_str name)
{
    if (!name.n || !memchr(name.p, '[', name.n))
        return name.p ? name : (gmx_str){ "", 0 };
    /* Worst case "[]" (2 bytes) becomes "[...]" (5): at most 2.5 times. */
    size_t cap = name.n / 2 * 5 + 5;
    char *out = gmx_arena_alloc(a, cap);
    if (!out)
        return (gmx_str){ NULL, 0 };
    return (gmx_str){ out, gmx_goname_print(name, out, cap) };
}
