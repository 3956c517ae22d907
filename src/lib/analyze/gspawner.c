#include "analyze/gspawner.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/str.h"

/* A closure's suffix ".funcN", or ".gowrapN" of the wrapper Go 1.21+ makes
 * for `go f(args)`, at i: its length, else 0. */
static size_t closure_suffix(gmx_str s, size_t i)
{
    static const char *const marks[] = { ".func", ".gowrap" };
    for (size_t k = 0; k < 2; k++) {
        size_t n = strlen(marks[k]);
        if (i + n < s.n && memcmp(s.p + i, marks[k], n) == 0 && s.p[i + n] >= '0' && s.p[i + n] <= '9')
            return n;
    }
    return 0;
}

/* The function a closure is written in: everything before its first
 * suffix ("pkg.(*T).m.func2" and "pkg.F.func1.3", nested in Go 1.21+,
 * give "pkg.(*T).m" and "pkg.F"). */
static bool enclosing(gmx_str closure, gmx_str *fn)
{
    for (size_t i = 1; i < closure.n; i++)
        if (closure_suffix(closure, i)) {
            *fn = gmx_str_sub(closure, 0, i);
            return true;
        }
    return false;
}

/* runtime.goexit and the runtime's frames below a goroutine's entry. */
static bool runtime_func(gmx_str f)
{
    return gmx_str_starts(f, "runtime.") || gmx_str_starts(f, "internal/runtime/");
}

bool gmx_gspawner(const gmx_gbucket *b, gmx_str *fn)
{
    if (b->has_creator) {
        *fn = b->creator.func;
        return fn->n > 0;
    }
    for (uint32_t i = b->nframes; i-- > 0;)
        if (!runtime_func(b->frames[i].func))
            return enclosing(b->frames[i].func, fn);
    return false;
}

typedef struct through {
    gmx_str func;
    uint64_t goroutines;  /* of the stacks that run through func */
    size_t last_bucket;   /* the last bucket counted, plus one: each stack once */
} through;

struct gmx_gspawner_index {
    gmx_hindex index;     /* hash of a function's name -> its entry */
    through *funcs;
    size_t n, cap;
};

static through *entry(const gmx_gspawner_index *ix, gmx_str fn, uint64_t h)
{
    for (size_t s = gmx_hindex_first(&ix->index, h); s != GMX_HINDEX_NONE;
         s = gmx_hindex_next(&ix->index, h, s)) {
        through *t = &ix->funcs[ix->index.values[s]];
        if (gmx_str_eq(t->func, fn))
            return t;
    }
    return NULL;
}

static bool count_frame(gmx_gspawner_index *ix, gmx_str fn, const gmx_gbucket *b, size_t k)
{
    uint64_t h = gmx_hash_bytes(fn.p, fn.n, 0);
    through *t = entry(ix, fn, h);
    if (!t) {
        if (ix->n == ix->cap) {
            size_t cap = ix->cap ? 2 * ix->cap : 64;
            through *grown = gmx_reallocarray(ix->funcs, cap, sizeof(*grown));
            if (!grown)
                return false;
            ix->funcs = grown;
            ix->cap = cap;
        }
        if (ix->n > UINT32_MAX || gmx_hindex_insert(&ix->index, h, (uint32_t)ix->n) != 0)
            return false;
        t = &ix->funcs[ix->n++];
        *t = (through){ fn, 0, 0 };
    }
    if (t->last_bucket != k + 1) {
        t->goroutines += b->count;
        t->last_bucket = k + 1;
    }
    return true;
}

gmx_gspawner_index *gmx_gspawner_index_new(const gmx_gbuckets *set)
{
    gmx_gspawner_index *ix = gmx_calloc(1, sizeof(*ix));
    if (!ix)
        return NULL;
    gmx_hindex_init(&ix->index);
    for (size_t k = 0; k < gmx_gbuckets_count(set); k++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, k);
        for (uint32_t i = 0; i < b->nframes; i++)
            if (!count_frame(ix, b->frames[i].func, b, k)) {
                gmx_gspawner_index_free(ix);
                return NULL;
            }
    }
    return ix;
}

void gmx_gspawner_index_free(gmx_gspawner_index *ix)
{
    if (!ix)
        return;
    gmx_hindex_release(&ix->index);
    gmx_free(ix->funcs);
    gmx_free(ix);
}

uint64_t gmx_gspawner_calls(const gmx_gspawner_index *ix, const gmx_gbucket *b, gmx_str fn)
{
    const through *t = entry(ix, fn, gmx_hash_bytes(fn.p, fn.n, 0));
    if (!t)
        return 0;
    for (uint32_t i = 0; i < b->nframes; i++)
        if (gmx_str_eq(b->frames[i].func, fn))
            return t->goroutines - b->count; /* b's own stack is no call */
    return t->goroutines;
}
