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

/* s, of hash h, looked up and added when new; the recent copy noted. */
static gmx_str intern_hashed(gmx_interner *in, gmx_str s, uint64_t h,
                             struct gmx_intern_recent *r)
{
    static const gmx_str none = { NULL, 0 };
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

static bool recent_hit(const struct gmx_intern_recent *r, gmx_str s)
{
    return s.p && r->from == s.p && r->copy.n == s.n && memcmp(r->copy.p, s.p, s.n) == 0;
}

static uint64_t hash_of(gmx_str s)
{
    return gmx_hash_bytes(s.p, s.n, 0);
}

gmx_str gmx_intern(gmx_interner *in, gmx_str s)
{
    struct gmx_intern_recent *r = recent_of(in, s);
    if (recent_hit(r, s))
        return r->copy;
    return intern_hashed(in, s, hash_of(s), r);
}

bool gmx_intern_many(gmx_interner *in, const gmx_str *src, size_t n, gmx_str *dst)
{
    /* Hashes computed AHEAD strings early, their slots prefetched then. */
    enum { AHEAD = 8 };
    uint64_t ahead[AHEAD];
    for (size_t i = 0; i < n && i < AHEAD; i++) {
        ahead[i] = hash_of(src[i]);
        gmx_hindex_prefetch(&in->index, ahead[i]);
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t h = ahead[i % AHEAD];
        if (i + AHEAD < n) {
            ahead[i % AHEAD] = hash_of(src[i + AHEAD]);
            gmx_hindex_prefetch(&in->index, ahead[i % AHEAD]);
        }
        struct gmx_intern_recent *r = recent_of(in, src[i]);
        dst[i] = recent_hit(r, src[i]) ? r->copy : intern_hashed(in, src[i], h, r);
        if (!dst[i].p)
            return false;
    }
    return true;
}
