/* Hashing and an open-addressing index from 64-bit hashes to uint32 values.
 *
 * The index stores only (hash, value) pairs; the caller owns the keys and
 * resolves collisions by comparing its own key for each candidate. */
#ifndef GMX_UTIL_HASH_H
#define GMX_UTIL_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A fast, well-mixed 64-bit hash of n bytes (wyhash-style 64x64->128 mixing). */
uint64_t gmx_hash_bytes(const void *data, size_t n, uint64_t seed);
/* Mixes one more 64-bit value into h. */
uint64_t gmx_hash_mix(uint64_t h, uint64_t v);

typedef struct gmx_hindex {
    uint64_t *hashes;  /* 0 marks an empty slot; stored hashes are forced nonzero */
    uint32_t *values;
    size_t cap;        /* power of two, or 0 */
    size_t count;
} gmx_hindex;

#define GMX_HINDEX_NONE SIZE_MAX

void gmx_hindex_init(gmx_hindex *ix);
void gmx_hindex_release(gmx_hindex *ix);
/* Slots whose stored hash equals hash, in probe order: start with
 * gmx_hindex_first, continue with gmx_hindex_next, stop at GMX_HINDEX_NONE. */
size_t gmx_hindex_first(const gmx_hindex *ix, uint64_t hash);
size_t gmx_hindex_next(const gmx_hindex *ix, uint64_t hash, size_t slot);
/* Brings in the slot a lookup of hash probes first: for callers that look
 * up many keys in a row and know their hashes a few keys ahead. */
static inline void gmx_hindex_prefetch(const gmx_hindex *ix, uint64_t hash)
{
    if (ix->cap) {
        size_t i = (size_t)(hash ? hash : 1) & (ix->cap - 1);
        __builtin_prefetch(&ix->hashes[i]);
        __builtin_prefetch(&ix->values[i]);
    }
}
/* Adds (hash, value); does not look for duplicates. 0, or -1 when out of
 * memory. */
int gmx_hindex_insert(gmx_hindex *ix, uint64_t hash, uint32_t value);

#endif
