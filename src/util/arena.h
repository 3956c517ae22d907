/* A bump allocator: many small allocations, one release. One arena per loaded
 * input or per result holds its strings and nodes; nothing in it is freed on
 * its own. A maximum total size bounds what hostile input can make it hold. */
#ifndef GMX_UTIL_ARENA_H
#define GMX_UTIL_ARENA_H

#include <stddef.h>

typedef struct gmx_arena_chunk gmx_arena_chunk;

typedef struct gmx_arena {
    gmx_arena_chunk *head;
    size_t used_total;  /* bytes handed out, for limits and reports */
    size_t max_total;   /* 0 = GMX_ARENA_DEFAULT_MAX */
} gmx_arena;

#define GMX_ARENA_DEFAULT_MAX ((size_t)4 << 30)

void gmx_arena_init(gmx_arena *a, size_t max_total);
/* Returns 16-byte aligned, uninitialised memory, or NULL when out of memory
 * or past the maximum. */
void *gmx_arena_alloc(gmx_arena *a, size_t size);
void *gmx_arena_calloc(gmx_arena *a, size_t n, size_t size);
/* Copies n bytes and a NUL. */
char *gmx_arena_strndup(gmx_arena *a, const char *s, size_t n);
void gmx_arena_release(gmx_arena *a);

#endif
