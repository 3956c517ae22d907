#include "analyze/gspawner.h"
#include "analyze/gclassify.h"
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

/* The function a goroutine of b was started on: its bottom frame that is
 * not the runtime's. */
static bool entry_func(const gmx_gbucket *b, gmx_str *fn)
{
    for (uint32_t i = b->nframes; i-- > 0;)
        if (!runtime_func(b->frames[i].func)) {
            *fn = b->frames[i].func;
            return true;
        }
    return false;
}

/* The goroutines whose stacks run through a function. */
typedef struct through {
    gmx_str func;
    uint64_t goroutines;  /* of the stacks that run through func */
    uint64_t waiting;     /* of those, the ones with a WaitGroup's Wait above its
                           * first frame: calls waiting for what they started */
    uint64_t accepting;   /* of those, the ones with a listener's Accept above it:
                           * an accept loop waiting for its next connection */
    size_t last_bucket;   /* the last bucket counted, plus one: each stack once */
} through;

/* The goroutines of one go statement: started on one function by one
 * spawner. */
typedef struct statement {
    gmx_str entry, spawner;
    gmx_str status;       /* the first bucket's */
    bool mixed;           /* some of its buckets are elsewhere than that */
} statement;

struct gmx_gspawner_index {
    gmx_hindex by_func;   /* hash of a function's name -> its entry in funcs */
    through *funcs;
    size_t nfuncs, funcs_cap;
    gmx_hindex by_statement; /* hash of entry and spawner -> statements */
    statement *statements;
    size_t nstatements, statements_cap;
};

/* Room for item n of *items (gmx_array_reserve), while n is one a uint32
 * index holds. */
static bool room(void **items, size_t n, size_t *cap, size_t size)
{
    return n < UINT32_MAX && gmx_array_reserve(items, cap, n, size) == 0;
}

static uint64_t func_hash(gmx_str fn)
{
    return gmx_hash_bytes(fn.p, fn.n, 0);
}

static through *func_entry(const gmx_gspawner_index *ix, gmx_str fn, uint64_t h)
{
    for (size_t s = gmx_hindex_first(&ix->by_func, h); s != GMX_HINDEX_NONE;
         s = gmx_hindex_next(&ix->by_func, h, s)) {
        through *t = &ix->funcs[ix->by_func.values[s]];
        if (gmx_str_eq(t->func, fn))
            return t;
    }
    return NULL;
}

static uint64_t statement_hash(gmx_str entry, gmx_str spawner)
{
    return gmx_hash_mix(func_hash(entry), func_hash(spawner));
}

static statement *statement_entry(const gmx_gspawner_index *ix, gmx_str entry, gmx_str spawner,
                                  uint64_t h)
{
    for (size_t s = gmx_hindex_first(&ix->by_statement, h); s != GMX_HINDEX_NONE;
         s = gmx_hindex_next(&ix->by_statement, h, s)) {
        statement *st = &ix->statements[ix->by_statement.values[s]];
        if (gmx_str_eq(st->entry, entry) && gmx_str_eq(st->spawner, spawner))
            return st;
    }
    return NULL;
}

/* A listener's Accept (net.(*TCPListener).Accept, net.(*UnixListener).Accept,
 * and the net.Listener interface's wrappers below them all): where an accept
 * loop waits for its next connection. */
static bool accept_frame(gmx_str fn)
{
    return gmx_str_starts(fn, "net.") && gmx_str_ends(fn, "Listener).Accept");
}

/* Frame i of b (bucket k of the set), below a WaitGroup's Wait or not, and
 * below a listener's Accept or not. */
static bool count_frame(gmx_gspawner_index *ix, const gmx_gbucket *b, size_t k, uint32_t i,
                        bool below_wait, bool below_accept)
{
    gmx_str fn = b->frames[i].func;
    uint64_t h = func_hash(fn);
    through *t = func_entry(ix, fn, h);
    if (!t) {
        if (!room((void **)&ix->funcs, ix->nfuncs, &ix->funcs_cap, sizeof(*ix->funcs)) ||
            gmx_hindex_insert(&ix->by_func, h, (uint32_t)ix->nfuncs) != 0)
            return false;
        t = &ix->funcs[ix->nfuncs++];
        *t = (through){ fn, 0, 0, 0, 0 };
    }
    if (t->last_bucket != k + 1) {
        t->goroutines += b->count;
        t->waiting += below_wait ? b->count : 0;
        t->accepting += below_accept ? b->count : 0;
        t->last_bucket = k + 1;
    }
    return true;
}

static bool count_statement(gmx_gspawner_index *ix, const gmx_gbucket *b)
{
    gmx_str entry, spawner;
    if (!entry_func(b, &entry) || !gmx_gspawner(b, &spawner))
        return true;
    uint64_t h = statement_hash(entry, spawner);
    gmx_str status = gmx_gstatus(b);
    statement *st = statement_entry(ix, entry, spawner, h);
    if (st) {
        st->mixed |= !gmx_str_eq(st->status, status);
        return true;
    }
    if (!room((void **)&ix->statements, ix->nstatements, &ix->statements_cap,
              sizeof(*ix->statements)) ||
        gmx_hindex_insert(&ix->by_statement, h, (uint32_t)ix->nstatements) != 0)
        return false;
    ix->statements[ix->nstatements++] = (statement){ entry, spawner, status, false };
    return true;
}

gmx_gspawner_index *gmx_gspawner_index_new(const gmx_gbuckets *set)
{
    gmx_gspawner_index *ix = gmx_calloc(1, sizeof(*ix));
    if (!ix)
        return NULL;
    gmx_hindex_init(&ix->by_func);
    gmx_hindex_init(&ix->by_statement);
    for (size_t k = 0; k < gmx_gbuckets_count(set); k++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, k);
        bool below_wait = false, below_accept = false, ok = count_statement(ix, b);
        for (uint32_t i = 0; ok && i < b->nframes; i++) {
            if (gmx_str_eq_cstr(b->frames[i].func, "sync.(*WaitGroup).Wait"))
                below_wait = true;
            else
                ok = count_frame(ix, b, k, i, below_wait, below_accept);
            below_accept |= accept_frame(b->frames[i].func);
        }
        if (!ok) {
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
    gmx_hindex_release(&ix->by_func);
    gmx_hindex_release(&ix->by_statement);
    gmx_free(ix->funcs);
    gmx_free(ix->statements);
    gmx_free(ix);
}

/* Where fn first is in b's stack, and whether a WaitGroup's Wait is above
 * it: b's own part of what the index counted for fn. */
static bool runs_through(const gmx_gbucket *b, gmx_str fn, bool *below_wait)
{
    *below_wait = false;
    for (uint32_t i = 0; i < b->nframes; i++) {
        if (gmx_str_eq_cstr(b->frames[i].func, "sync.(*WaitGroup).Wait"))
            *below_wait = true;
        else if (gmx_str_eq(b->frames[i].func, fn))
            return true;
    }
    return false;
}

uint64_t gmx_gspawner_calls(const gmx_gspawner_index *ix, const gmx_gbucket *b, gmx_str fn)
{
    const through *t = func_entry(ix, fn, func_hash(fn));
    if (!t)
        return 0;
    bool below_wait;
    uint64_t own = runs_through(b, fn, &below_wait) ? b->count : 0; /* b's stack is no call */
    return t->goroutines >= own ? t->goroutines - own : 0;
}

uint64_t gmx_gspawner_throttled(const gmx_gspawner_index *ix, const gmx_gbucket *b, gmx_str fn)
{
    gmx_str entry;
    if (!entry_func(b, &entry))
        return 0;
    const statement *st = statement_entry(ix, entry, fn, statement_hash(entry, fn));
    const through *t = func_entry(ix, fn, func_hash(fn));
    if (!st || !st->mixed || !t)
        return 0;
    bool below_wait;
    uint64_t own = runs_through(b, fn, &below_wait) && below_wait ? b->count : 0;
    return t->waiting >= own ? t->waiting - own : 0;
}

uint64_t gmx_gspawner_accepting(const gmx_gspawner_index *ix, gmx_str fn)
{
    const through *t = func_entry(ix, fn, func_hash(fn));
    return t ? t->accepting : 0;
}

uint64_t gmx_gspawner_same_entry(const gmx_gbuckets *set, const gmx_gbucket *b)
{
    gmx_str entry, other;
    if (!entry_func(b, &entry))
        return 0;
    uint64_t n = 0;
    for (size_t k = 0; k < gmx_gbuckets_count(set); k++) {
        const gmx_gbucket *o = gmx_gbuckets_at(set, k);
        if (entry_func(o, &other) && gmx_str_eq(other, entry))
            n += o->count;
    }
    return n;
}
