#include "util/hash.h"
#include "util/alloc.h"

#include <string.h>

static inline uint64_t mum(uint64_t a, uint64_t b)
{
    __extension__ typedef unsigned __int128 u128;
    u128 r = (u128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t load_tail(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    memcpy(&v, p, n); /* n < 8; little-endian order is irrelevant for hashing */
    return v;
}

enum { K0 = 0, K1 = 1, K2 = 2 };
static const uint64_t secret[3] = {
    0xa0761d6478bd642full, 0xe7037ed1a0b428dbull, 0x8ebc6af09c88c6e3ull
};

uint64_t gmx_hash_bytes(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    size_t len = n;
    uint64_t h = seed ^ secret[K0] ^ (uint64_t)n;
    while (n >= 16) {
        h = mum(load64(p) ^ secret[K1], load64(p + 8) ^ h);
        p += 16;
        n -= 16;
    }
    if (n >= 8) {
        h = mum(load64(p) ^ secret[K1], h ^ secret[K2]);
        p += 8;
        n -= 8;
    }
    /* The last bytes: of a string of 8 or more, the 8 that end it (some
     * hashed already), one load instead of a copy of variable length. */
    if (n)
        h = mum((len >= 8 ? load64(p + n - 8) : load_tail(p, n)) ^ secret[K2], h ^ secret[K1]);
    return mum(h ^ secret[K0], h ^ secret[K2]);
}

uint64_t gmx_hash_mix(uint64_t h, uint64_t v)
{
    return mum(h ^ secret[K1], v ^ secret[K2]);
}

void gmx_hindex_init(gmx_hindex *ix)
{
    memset(ix, 0, sizeof(*ix));
}

void gmx_hindex_release(gmx_hindex *ix)
{
    gmx_free(ix->hashes);
    gmx_free(ix->values);
    memset(ix, 0, sizeof(*ix));
}

static inline uint64_t stored(uint64_t hash)
{
    return hash ? hash : 1;
}

size_t gmx_hindex_next(const gmx_hindex *ix, uint64_t hash, size_t slot)
{
    if (!ix->cap)
        return GMX_HINDEX_NONE;
    uint64_t h = stored(hash);
    size_t mask = ix->cap - 1;
    for (size_t i = (slot + 1) & mask;; i = (i + 1) & mask) {
        if (ix->hashes[i] == 0)
            return GMX_HINDEX_NONE;
        if (ix->hashes[i] == h)
            return i;
    }
}

size_t gmx_hindex_first(const gmx_hindex *ix, uint64_t hash)
{
    if (!ix->cap)
        return GMX_HINDEX_NONE;
    uint64_t h = stored(hash);
    size_t i = (size_t)h & (ix->cap - 1);
    if (ix->hashes[i] == h)
        return i;
    if (ix->hashes[i] == 0)
        return GMX_HINDEX_NONE;
    return gmx_hindex_next(ix, hash, i);
}

static void place(uint64_t *hashes, uint32_t *values, size_t cap, uint64_t h, uint32_t v)
{
    size_t mask = cap - 1;
    size_t i = (size_t)h & mask;
    while (hashes[i])
        i = (i + 1) & mask;
    hashes[i] = h;
    values[i] = v;
}

static int grow(gmx_hindex *ix)
{
    size_t cap = ix->cap ? ix->cap * 2 : 64;
    uint64_t *hashes = gmx_calloc(cap, sizeof(*hashes));
    uint32_t *values = gmx_mallocarray(cap, sizeof(*values));
    if (!hashes || !values || cap < ix->cap) {
        gmx_free(hashes);
        gmx_free(values);
        return -1;
    }
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->hashes[i])
            place(hashes, values, cap, ix->hashes[i], ix->values[i]);
    gmx_free(ix->hashes);
    gmx_free(ix->values);
    ix->hashes = hashes;
    ix->values = values;
    ix->cap = cap;
    return 0;
}

int gmx_hindex_insert(gmx_hindex *ix, uint64_t hash, uint32_t value)
{
    /* Keep the load factor under 1/2 so probe chains stay short. */
    if ((ix->count + 1) * 2 > ix->cap && grow(ix) < 0)
        return -1;
    place(ix->hashes, ix->values, ix->cap, stored(hash), value);
    ix->count++;
    return 0;
}
