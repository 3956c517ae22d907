/* Allocation volume per source line from a heap snapshot: one entry per
 * leaf file:line (stacks through different callers add up), sorted so that
 * the lines of one file name are found by binary search. */
#include "analyze/escape_profile.h"
#include "util/alloc.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

static gmx_str base_of(gmx_str path)
{
    size_t slash = gmx_str_rfind_char(path, '/');
    return slash == SIZE_MAX ? path : gmx_str_sub(path, slash + 1, path.n);
}

static int key_cmp(uint32_t line, gmx_str base, const gmx_esc_pline *b)
{
    if (line != b->line)
        return line < b->line ? -1 : 1;
    return gmx_str_cmp(base, b->base);
}

static int pline_cmp(const void *pa, const void *pb)
{
    const gmx_esc_pline *a = pa, *b = pb;
    int c = key_cmp(a->line, a->base, b);
    return c ? c : gmx_str_cmp(a->file, b->file);
}

/* Sorts and adds up equal file:lines. */
static void merge(gmx_esc_profile *p)
{
    if (p->n < 2)
        return;
    qsort(p->lines, p->n, sizeof(*p->lines), pline_cmp);
    size_t w = 0;
    for (size_t r = 1; r < p->n; r++) {
        gmx_esc_pline *a = &p->lines[w], *b = &p->lines[r];
        if (a->line == b->line && gmx_str_eq(a->file, b->file)) {
            a->bytes += b->bytes;
            a->objects += b->objects;
        } else {
            p->lines[++w] = *b;
        }
    }
    p->n = w + 1;
}

gmx_esc_profile *gmx_esc_profile_new(const gmx_hsnapshot *h)
{
    gmx_esc_profile *p = gmx_calloc(1, sizeof(*p));
    size_t n = gmx_hsnapshot_count(h);
    if (!p || !(p->lines = gmx_mallocarray(n ? n : 1, sizeof(*p->lines)))) {
        gmx_free(p);
        return NULL;
    }
    gmx_hsite total = gmx_hsnapshot_total(h);
    bool allocs = total.alloc_bytes > 0; /* else only in-use values (heap text) */
    p->total_bytes = allocs ? total.alloc_bytes : total.inuse_bytes;
    p->total_objects = allocs ? total.alloc_objects : total.inuse_objects;
    for (size_t i = 0; i < n; i++) {
        const gmx_hsite *s = gmx_hsnapshot_at(h, i);
        if (!s->nframes)
            continue;
        const gmx_frame *f = &s->frames[0];
        p->lines[p->n++] = (gmx_esc_pline){ f->file, base_of(f->file), f->func, f->line,
                                            allocs ? s->alloc_bytes : s->inuse_bytes,
                                            allocs ? s->alloc_objects : s->inuse_objects };
    }
    merge(p);
    return p;
}

void gmx_esc_profile_free(gmx_esc_profile *p)
{
    if (!p)
        return;
    gmx_free(p->lines);
    gmx_free(p);
}

static gmx_str after_src(gmx_str path)
{
    size_t at = SIZE_MAX;
    for (size_t i = 0; i + 5 <= path.n; i++)
        if (memcmp(path.p + i, "/src/", 5) == 0)
            at = i + 5;
    return at == SIZE_MAX ? path : gmx_str_sub(path, at, path.n);
}

static bool ends_with_path(gmx_str path, gmx_str rel)
{
    return gmx_str_eq(path, rel) ||
           (path.n > rel.n && path.p[path.n - rel.n - 1] == '/' &&
            memcmp(path.p + path.n - rel.n, rel.p, rel.n) == 0);
}

static bool same_file(gmx_str log, gmx_str prof)
{
    if (gmx_str_starts(log, "./"))
        log = gmx_str_sub(log, 2, log.n);
    if (log.n && log.p[0] == '/')
        return gmx_str_eq(log, prof) || gmx_str_eq(after_src(log), after_src(prof));
    return log.n && ends_with_path(prof, log);
}

/* "./x.go" of package "a/b/svc" prefers "/.../svc/x.go". */
static bool in_package_dir(gmx_str prof, const gmx_esc_entry *e)
{
    gmx_str dir = base_of(e->package);
    size_t rel = gmx_str_starts(e->file, "./") ? 2 : 0;
    gmx_str file = gmx_str_sub(e->file, rel, e->file.n);
    if (!dir.n || prof.n < dir.n + file.n + 2 || e->file.p[0] == '/')
        return false;
    gmx_str head = gmx_str_sub(prof, 0, prof.n - file.n - 1);
    return gmx_str_ends(head, "/") ? false : ends_with_path(head, dir);
}

const gmx_esc_pline *gmx_esc_profile_find(const gmx_esc_profile *p, const gmx_esc_entry *e)
{
    gmx_str base = base_of(e->file);
    size_t lo = 0, hi = p->n;
    while (lo < hi) { /* the first entry not below (line, base) */
        size_t mid = lo + (hi - lo) / 2;
        if (key_cmp(e->line, base, &p->lines[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const gmx_esc_pline *first = NULL;
    for (size_t i = lo; i < p->n && key_cmp(e->line, base, &p->lines[i]) == 0; i++) {
        if (!same_file(e->file, p->lines[i].file))
            continue;
        if (in_package_dir(p->lines[i].file, e))
            return &p->lines[i];
        if (!first)
            first = &p->lines[i];
    }
    return first;
}
