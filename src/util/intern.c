#include "util/intern.h"
#include "util/alloc.h"

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

gmx_str gmx_intern(gmx_interner *in, gmx_str s)
{
    static const gmx_str none = { NULL, 0 };
    uint64_t h = gmx_hash_bytes(s.p, s.n, 0);
    for (size_t slot = gmx_hindex_first(&in->index, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&in->index, h, slot)) {
        gmx_str cand = in->strings[in->index.values[slot]];
        if (gmx_str_eq(cand, s))
            return cand;
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
    return interned;
}
