#include "model/stacks.h"
#include "util/alloc.h"

#include <stdint.h>
#include <string.h>

void gmx_stacks_init(gmx_stacks *t, size_t max_bytes)
{
    memset(t, 0, sizeof(*t));
    gmx_arena_init(&t->arena, max_bytes);
    gmx_interner_init(&t->strings, &t->arena);
    gmx_hindex_init(&t->index);
}

void gmx_stacks_release(gmx_stacks *t)
{
    gmx_free(t->items);
    gmx_hindex_release(&t->index);
    gmx_interner_release(&t->strings);
    gmx_arena_release(&t->arena);
    memset(t, 0, sizeof(*t));
}

/* File and line pick out a frame almost always (a closure on the same line
 * as its parent is the exception); candidates are compared in full anyway,
 * so the function name is left out of the hash to halve the hashing. */
uint64_t gmx_stacks_place_hash(gmx_str file, gmx_str func)
{
    /* A file and line tell a frame apart in a whole dump; frames without
     * them (hand-made summaries, abbreviated records) by their function,
     * else every such stack of one depth would share a hash. */
    return file.n ? gmx_hash_bytes(file.p, file.n, 0) : gmx_hash_bytes(func.p, func.n, 0x6675);
}

uint64_t gmx_stacks_frame_hash(const gmx_frame *f)
{
    return gmx_stacks_frame_hash_from(gmx_stacks_place_hash(f->file, f->func), f->line);
}

uint64_t gmx_stacks_frame_hash_from(uint64_t file_hash, uint32_t line)
{
    return gmx_hash_mix(file_hash, line);
}

static uint64_t hash_frame(uint64_t h, const gmx_frame *f)
{
    return gmx_hash_mix(h, gmx_stacks_frame_hash(f));
}

static uint64_t hash_stack(const gmx_frame *frames, uint32_t n, const gmx_frame *creator)
{
    uint64_t h = n;
    for (uint32_t i = 0; i < n; i++)
        h = hash_frame(h, &frames[i]);
    return creator ? hash_frame(h, creator) : gmx_hash_mix(h, 0x5eed);
}

uint64_t gmx_stacks_hash_from(const uint64_t *frame_hashes, uint32_t n)
{
    uint64_t h = n;
    for (uint32_t i = 0; i < n; i++)
        h = gmx_hash_mix(h, frame_hashes[i]);
    return gmx_hash_mix(h, 0x5eed);
}

static bool frame_eq(const gmx_frame *a, const gmx_frame *b)
{
    /* Views may be {NULL, 0} (a frame without a file line): never hand
     * memcmp a NULL, even for zero bytes. The same view (a profile's one
     * string for a function, an interned copy) is equal without reading it. */
    return a->line == b->line && a->func.n == b->func.n && a->file.n == b->file.n &&
           (!a->func.n || a->func.p == b->func.p || memcmp(a->func.p, b->func.p, a->func.n) == 0) &&
           (!a->file.n || a->file.p == b->file.p || memcmp(a->file.p, b->file.p, a->file.n) == 0);
}

static bool stack_eq(const gmx_stack *s, const gmx_frame *frames, uint32_t n,
                     const gmx_frame *creator)
{
    if (s->nframes != n || s->has_creator != (creator != NULL))
        return false;
    if (creator && !frame_eq(&s->creator, creator))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!frame_eq(&s->frames[i], &frames[i]))
            return false;
    return true;
}

static size_t find_hashed(const gmx_stacks *t, uint64_t h, const gmx_frame *frames, uint32_t n,
                          const gmx_frame *creator)
{
    for (size_t slot = gmx_hindex_first(&t->index, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&t->index, h, slot)) {
        uint32_t i = t->index.values[slot];
        if (stack_eq(&t->items[i], frames, n, creator))
            return i;
    }
    return SIZE_MAX;
}

size_t gmx_stacks_find(const gmx_stacks *t, const gmx_frame *frames, uint32_t n,
                       const gmx_frame *creator)
{
    return find_hashed(t, hash_stack(frames, n, creator), frames, n, creator);
}

uint64_t gmx_stacks_hash(const gmx_frame *frames, uint32_t n, const gmx_frame *creator)
{
    return hash_stack(frames, n, creator);
}

size_t gmx_stacks_find_hashed(const gmx_stacks *t, uint64_t h, const gmx_frame *frames,
                              uint32_t n, const gmx_frame *creator)
{
    return find_hashed(t, h, frames, n, creator);
}

gmx_str gmx_stacks_intern_str(gmx_stacks *t, gmx_str s)
{
    return gmx_intern(&t->strings, s);
}

bool gmx_stacks_intern_strs(gmx_stacks *t, const gmx_str *src, size_t n, gmx_str *dst)
{
    return gmx_intern_many(&t->strings, src, n, dst);
}

static bool intern_frame(gmx_stacks *t, gmx_frame *dst, const gmx_frame *src)
{
    if (t->borrow_strings) {
        *dst = *src;
        return true;
    }
    dst->func = gmx_intern(&t->strings, src->func);
    dst->file = gmx_intern(&t->strings, src->file);
    dst->line = src->line;
    return dst->func.p && dst->file.p;
}

/* Adds a stack known to be absent. */
static size_t add_new(gmx_stacks *t, uint64_t h, const gmx_frame *frames, uint32_t n,
                      const gmx_frame *creator, bool *added)
{
    *added = false;
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        gmx_stack *grown = gmx_reallocarray(t->items, cap, sizeof(*grown));
        if (!grown || t->count >= UINT32_MAX)
            return SIZE_MAX;
        t->items = grown;
        t->cap = cap;
    }
    /* Every frame is written below: no need to zero them first. */
    gmx_frame *copy = gmx_arena_alloc(&t->arena, (n ? n : 1) * sizeof(*copy));
    if (!copy)
        return SIZE_MAX;
    for (uint32_t i = 0; i < n; i++)
        if (!intern_frame(t, &copy[i], &frames[i]))
            return SIZE_MAX;
    gmx_stack *s = &t->items[t->count];
    memset(s, 0, sizeof(*s));
    s->frames = copy;
    s->nframes = n;
    s->hash = h;
    if (creator) {
        s->has_creator = true;
        if (!intern_frame(t, &s->creator, creator))
            return SIZE_MAX;
    }
    if (gmx_hindex_insert(&t->index, h, (uint32_t)t->count) < 0)
        return SIZE_MAX;
    *added = true;
    return t->count++;
}

static size_t intern_hashed(gmx_stacks *t, uint64_t h, const gmx_frame *frames, uint32_t n,
                            const gmx_frame *creator, bool *added)
{
    size_t found = find_hashed(t, h, frames, n, creator);
    *added = false;
    if (found != SIZE_MAX)
        return found;
    return add_new(t, h, frames, n, creator, added);
}

size_t gmx_stacks_intern(gmx_stacks *t, const gmx_frame *frames, uint32_t n,
                         const gmx_frame *creator, bool *added)
{
    return intern_hashed(t, hash_stack(frames, n, creator), frames, n, creator, added);
}

size_t gmx_stacks_add_hashed(gmx_stacks *t, uint64_t h, const gmx_frame *frames, uint32_t n,
                             const gmx_frame *creator)
{
    bool added;
    return add_new(t, h, frames, n, creator, &added);
}

size_t gmx_stacks_intern_stack(gmx_stacks *t, const gmx_stack *s, bool *added)
{
    return intern_hashed(t, s->hash, s->frames, s->nframes, s->has_creator ? &s->creator : NULL,
                         added);
}

size_t gmx_stacks_find_stack(const gmx_stacks *t, const gmx_stack *s)
{
    return find_hashed(t, s->hash, s->frames, s->nframes, s->has_creator ? &s->creator : NULL);
}
