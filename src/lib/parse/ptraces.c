/* go tool pprof -traces records added up per function, as -top adds them:
 * a record's value is the flat of its leaf's function and the cum of every
 * function in it, once however often it recurs. What a user pastes of
 * -traces is then judged as the -top table of the same profile would be
 * (analyze/ptop_suspects.c). */
#include "parse/ptraces.h"
#include "util/alloc.h"
#include "util/hash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct fn_total {
    gmx_str func;
    double flat, cum;
    uint64_t last;   /* the record that last added to cum: once a record */
} fn_total;

struct ptraces {
    fn_total *fns;
    size_t n, cap;
    gmx_hindex index;
    uint64_t records;
    double total;
};

ptraces *gmx_ptraces_new(void)
{
    ptraces *t = gmx_calloc(1, sizeof(*t));
    if (t)
        gmx_hindex_init(&t->index);
    return t;
}

void gmx_ptraces_free(ptraces *t)
{
    if (!t)
        return;
    gmx_hindex_release(&t->index);
    gmx_free(t->fns);
    gmx_free(t);
}

static fn_total *function(ptraces *t, gmx_str func)
{
    uint64_t h = gmx_hash_bytes(func.p, func.n, 0);
    for (size_t slot = gmx_hindex_first(&t->index, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&t->index, h, slot)) {
        fn_total *f = &t->fns[t->index.values[slot]];
        if (gmx_str_eq(f->func, func))
            return f;
    }
    if (t->n >= UINT32_MAX || gmx_array_reserve((void **)&t->fns, &t->cap, t->n, sizeof(*t->fns)) != 0 ||
        gmx_hindex_insert(&t->index, h, (uint32_t)t->n) != 0)
        return NULL;
    fn_total *f = &t->fns[t->n++];
    *f = (fn_total){ func, 0, 0, 0 };
    return f;
}

bool gmx_ptraces_add(ptraces *t, const gmx_str *funcs, size_t n, double value)
{
    uint64_t record = ++t->records;
    t->total += value;
    for (size_t i = 0; i < n; i++) {
        fn_total *f = function(t, funcs[i]);
        if (!f)
            return false;
        if (i == 0)
            f->flat += value;
        if (f->last != record) {
            f->cum += value;
            f->last = record;
        }
    }
    return true;
}

static int by_flat_then_cum(const void *a, const void *b)
{
    const fn_total *x = a, *y = b;
    if (x->flat != y->flat)
        return x->flat < y->flat ? 1 : -1;
    if (x->cum != y->cum)
        return x->cum < y->cum ? 1 : -1;
    size_t n = x->func.n < y->func.n ? x->func.n : y->func.n;
    int c = memcmp(x->func.p, y->func.p, n);
    return c ? c : (x->func.n > y->func.n) - (x->func.n < y->func.n);
}

size_t gmx_ptraces_rows(ptraces *t, gmx_ptoptext_row *rows, size_t max, double *total)
{
    *total = t->total;
    if (t->n > 1)
        qsort(t->fns, t->n, sizeof(*t->fns), by_flat_then_cum);
    size_t k = 0;
    for (; k < max && k < t->n; k++) {
        const fn_total *f = &t->fns[k];
        gmx_ptoptext_row *r = &rows[k];
        size_t n = f->func.n < sizeof(r->func) - 1 ? f->func.n : sizeof(r->func) - 1;
        memcpy(r->func, f->func.p, n);
        r->func[n] = '\0';
        r->flat = f->flat;
        r->cum = f->cum;
        r->flat_pct = t->total > 0 ? f->flat * 100.0 / t->total : 0;
        r->cum_pct = t->total > 0 ? f->cum * 100.0 / t->total : 0;
    }
    /* sorted: the index no longer names the right entries */
    gmx_hindex_release(&t->index);
    gmx_hindex_init(&t->index);
    t->n = 0;
    return k;
}
