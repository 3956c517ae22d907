/* Go function names as Go's tracebacks print them (runtime.funcNameForPrint):
 * a generic function's type parameter lists, which symbol tables (.gopclntab)
 * and protobuf profiles of Go 1.21+ spell with their shapes
 * ("main.Gen[go.shape.int]"), written "[...]", as goroutine dumps, debug=1
 * profiles and 1.18-1.20 tables have them. Stacks of the same code read
 * alike whichever artifact they came from. */
#ifndef GMX_UTIL_GONAME_H
#define GMX_UTIL_GONAME_H

#include "util/arena.h"
#include "util/str.h"

#include <stdbool.h>
#include <stddef.h>

/* Writes name's printed form to out (cap bytes) and returns its length;
 * when that is more than cap, only cap bytes are written. Other brackets
 * (in a name made of anything, say an escape sequence) stay. */
size_t gmx_goname_print(gmx_str name, char *out, size_t cap);

/* The printed form of name, made in a when it differs, else name itself
 * ({"", 0} for a NULL view); {NULL, 0} when out of memory. */
gmx_str gmx_goname_for_print(gmx_arena *a, gmx_str name);

/* Whether name holds at i a pointer receiver that lost its '*' (".(_T)",
 * ".(T)"): the runtime prints a receiver in parentheses only as a pointer,
 * "pkg.(*T).m" (a value receiver is "pkg.T.m"), so only a Markdown page
 * that took the '*' for emphasis writes these. Inline: the tolerant reader
 * asks it of every character after a function line's first '('. */
static inline bool gmx_goname_starless_receiver(gmx_str name, size_t i)
{
    if (i >= name.n || name.p[i] != '(' || !i || name.p[i - 1] != '.' || i + 1 >= name.n)
        return false;
    char next = name.p[i + 1];
    return next == '_' || (next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z');
}
/* Where name first holds one, after its first '(' (name.n for none). */
static inline size_t gmx_goname_lost_star_at(gmx_str name)
{
    const char *open = name.n ? memchr(name.p, '(', name.n) : NULL;
    size_t i = open ? (size_t)(open - name.p) : name.n;
    while (i < name.n && !gmx_goname_starless_receiver(name, i))
        i++;
    return i;
}

#endif
