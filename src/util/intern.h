/* A string interner: equal byte strings map to one stable copy in an arena,
 * so models can compare interned strings by pointer and store each name once
 * however many goroutines or samples mention it. */
#ifndef GMX_UTIL_INTERN_H
#define GMX_UTIL_INTERN_H

#include "util/arena.h"
#include "util/hash.h"
#include "util/str.h"

enum { GMX_INTERN_RECENT = 256 };

typedef struct gmx_interner {
    gmx_arena *arena;   /* borrowed: where the copies live */
    /* The copies of strings recently interned, by the address they came
     * from: the frames of a profile's stacks name the same few functions
     * at the same addresses over and over. */
    struct gmx_intern_recent { const char *from; gmx_str copy; } recent[GMX_INTERN_RECENT];
    gmx_hindex index;
    gmx_str *strings;   /* by id */
    size_t count;
    size_t cap;
} gmx_interner;

void gmx_interner_init(gmx_interner *in, gmx_arena *arena);
void gmx_interner_release(gmx_interner *in);
/* The interned copy of s (NUL-terminated), or a {NULL, 0} view when out of
 * memory. The empty string interns to a non-NULL "" view. */
gmx_str gmx_intern(gmx_interner *in, gmx_str s);
/* Interns src[0 .. n) into dst, as gmx_intern would one by one; false when
 * out of memory. Faster for many strings at once: each string's index slot
 * is brought in while the strings before it are looked up. */
bool gmx_intern_many(gmx_interner *in, const gmx_str *src, size_t n, gmx_str *dst);

#endif
