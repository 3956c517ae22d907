#include "analyze/gspawner.h"
#include "analyze/gclassify.h"
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

uint64_t gmx_gspawner_calls(const gmx_gbuckets *set, const gmx_gbucket *b, gmx_str fn)
{
    uint64_t calls = 0;
    for (size_t k = 0; k < gmx_gbuckets_count(set); k++) {
        const gmx_gbucket *o = gmx_gbuckets_at(set, k);
        if (o == b)
            continue;
        for (uint32_t i = 0; i < o->nframes; i++)
            if (gmx_str_eq(o->frames[i].func, fn)) {
                calls += o->count;
                break;
            }
    }
    return calls;
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

/* o's stack runs through fn, with a WaitGroup's Wait above it: the call is
 * waiting for what it started. */
static bool waits_in(const gmx_gbucket *o, gmx_str fn)
{
    bool waiting = false;
    for (uint32_t i = 0; i < o->nframes; i++) {
        if (gmx_str_eq_cstr(o->frames[i].func, "sync.(*WaitGroup).Wait"))
            waiting = true;
        else if (gmx_str_eq(o->frames[i].func, fn))
            return waiting;
    }
    return false;
}

/* o is another goroutine of b's go statement: started on the same function
 * by the same spawner. */
static bool sibling(const gmx_gbucket *o, gmx_str entry, gmx_str fn)
{
    gmx_str e, sp;
    return entry_func(o, &e) && gmx_str_eq(e, entry) && gmx_gspawner(o, &sp) && gmx_str_eq(sp, fn);
}

uint64_t gmx_gspawner_throttled(const gmx_gbuckets *set, const gmx_gbucket *b, gmx_str fn)
{
    gmx_str entry;
    if (!entry_func(b, &entry))
        return 0;
    gmx_str status = gmx_gstatus(b);
    uint64_t waiting = 0;
    bool progressing = false;
    for (size_t k = 0; k < gmx_gbuckets_count(set); k++) {
        const gmx_gbucket *o = gmx_gbuckets_at(set, k);
        if (o == b)
            continue;
        if (waits_in(o, fn))
            waiting += o->count;
        else if (sibling(o, entry, fn) && !gmx_str_eq(gmx_gstatus(o), status))
            progressing = true;
    }
    return progressing ? waiting : 0;
}
