#include "util/intern.h"
#include "util/alloc.h"

#include <stdint.h>
#include <string.h>

void gmx_interner_init(gmx_interner *in, gmx_arena *arena)
{
    memset(in, 0, sizeof(*in));
    in->arena = arena;
    gmx_hindex_init(&in->index);
}

void gmx_interner_release(gmx_interner *in)
{
    gmx_hindex_release(&in->index);
    gmx_free(in->strings);
    memset(in, 0, sizeof(*in));
}

/* A hit is checked byte for byte: the address may since hold another
 * string (a freed input, reused). */
static struct gmx_intern_recent *recent_of(gmx_interner *in, gmx_str s)
{
    return &in->recent[(((uintptr_t)s.p >> 3) ^ s.n) & (GMX_INTERN_RECENT - 1)];
}

gmx_str gmx_intern(gmx_interner *in, gmx_str s)
{
    static const gmx_str none = { NULL, 0 };
    struct gmx_intern_recent *r = recent_of(in, s);
    if (s.p && r->from == s.p && r->copy.n == s.n && memcmp(r->copy.p, s.p, s.n) == 0)
        return r->copy;
    uint64_t h = gmx_hash_bytes(s.p, s.n, 0);
    for (size_t slot = gmx_hindex_first(&in->index, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&in->index, h, slot)) {
        gmx_str cand = in->strings[in->index.values[slot]];
        if (gmx_str_eq(cand, s)) {
            *r = (struct gmx_intern_recent){ s.p, cand };
            return cand;
        }
    }
    if (in->count == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 256;
        gmx_str *strings = gmx_reallocarray(in->strings, cap, sizeof(*strings));
        if (!strings)
            return none;
        in->strings = strings;
        in->cap = cap;
    }
    if (in->count >= UINT32_MAX)
        return none;
    char *copy = gmx_arena_strndup(in->arena, s.p ? s.p : "", s.n);
    if (!copy)
        return none;
    gmx_str interned = { copy, s.n };
    if (gmx_hindex_insert(&in->index, h, (uint32_t)in->count) < 0)
        return none;
    in->strings[in->count++] = interned;
    *r = (struct gmx_intern_recent){ s.p, interned };
    return interned;
}
