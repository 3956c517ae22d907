#include "util/arena.h"
#include "util/alloc.h"

#include <stdint.h>
#include <string.h>

struct gmx_arena_chunk {
    gmx_arena_chunk *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

enum { CHUNK_MIN = 64 * 1024 };

void gmx_arena_init(gmx_arena *a, size_t max_total)
{
    memset(a, 0, sizeof(*a));
    a->max_total = max_total;
}

void *gmx_arena_alloc(gmx_arena *a, size_t size)
{
    size_t max = a->max_total ? a->max_total : GMX_ARENA_DEFAULT_MAX;
    if (size > max || a->used_total > max - size)
        return NULL;
    size_t rounded = (size + 15) & ~(size_t)15;
    if (rounded < size)
        return NULL;
    gmx_arena_chunk *c = a->head;
    if (!c || c->size - c->used < rounded) {
        /* Big requests get a chunk of their own behind the current one, so
         * the current chunk's free space is not wasted. */
        size_t csize = rounded > CHUNK_MIN / 4 ? rounded : CHUNK_MIN;
        gmx_arena_chunk *n = gmx_malloc(sizeof(*n) + csize);
        if (!n)
            return NULL;
        n->size = csize;
        n->used = 0;
        if (c && csize == rounded && csize != CHUNK_MIN) {
            n->next = c->next;
            c->next = n;
        } else {
            n->next = c;
            a->head = n;
        }
        c = n;
    }
    void *p = c->data + c->used;
    c->used += rounded;
    a->used_total += size;
    return p;
}

void *gmx_arena_calloc(gmx_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = gmx_arena_alloc(a, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

char *gmx_arena_strndup(gmx_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *d = gmx_arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void gmx_arena_release(gmx_arena *a)
{
    gmx_arena_chunk *c = a->head;
    while (c) {
        gmx_arena_chunk *next = c->next;
        gmx_free(c);
        c = next;
    }
    size_t max = a->max_total;
    memset(a, 0, sizeof(*a));
    a->max_total = max;
}
