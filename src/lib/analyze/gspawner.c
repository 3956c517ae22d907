#include "analyze/gspawner.h"
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
