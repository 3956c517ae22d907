/* What each root holds: the mark's breadth-first tree summed bottom-up
 * (its order reversed is a valid bottom-up order), every object's subtree
 * bytes and objects, its heaviest child and its children; roots of one kind
 * and name aggregated; for the largest, the chain from the root down its
 * heaviest children: past the step where no child holds half of the bytes
 * (the holder, a container whose elements are the bytes), one example path
 * on to a leaf. Chains are at most MAX_CHAIN steps, the middle elided. */
#include "core/heap_typed.h"
#include "util/alloc.h"
#include "util/goname.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CHAIN = 24, KEEP_HEAD = 12, PAST_HOLDER = 4, MAX_NAME = 160, MAX_TYPED = 4096 };
#define NONE UINT32_MAX

typedef struct tree {
    uint64_t *bytes;
    uint32_t *objects, *heavy, *children;
    /* per root */
    uint64_t *root_bytes;
    uint32_t *root_objects, *root_heavy;
} tree;

typedef struct group {
    size_t root;             /* the largest root of the group */
    uint64_t roots, bytes, objects;
} group;

typedef struct retain {
    gmx_core *c;
    const heap_layout *l;
    const scan_layout *s;
    const heap_index *ix;
    const heap_mark *m;
    tree t;
    gmx_arena *pool;
    heap_typer typer;
} retain;

static bool sum_tree(retain *r)
{
    const heap_mark *m = r->m;
    size_t n = m->n ? m->n : 1, nr = m->nroots ? m->nroots : 1;
    tree *t = &r->t;
    t->bytes = gmx_calloc(n, sizeof(*t->bytes));
    t->objects = gmx_calloc(n, sizeof(*t->objects));
    t->heavy = gmx_mallocarray(n, sizeof(*t->heavy));
    t->children = gmx_calloc(n, sizeof(*t->children));
    t->root_bytes = gmx_calloc(nr, sizeof(*t->root_bytes));
    t->root_objects = gmx_calloc(nr, sizeof(*t->root_objects));
    t->root_heavy = gmx_mallocarray(nr, sizeof(*t->root_heavy));
    if (!t->bytes || !t->objects || !t->heavy || !t->children || !t->root_bytes ||
        !t->root_objects || !t->root_heavy)
        return false;
    memset(t->heavy, 0xff, n * sizeof(*t->heavy));
    memset(t->root_heavy, 0xff, nr * sizeof(*t->root_heavy));
    for (size_t pos = m->n; pos-- > 0;) {
        t->bytes[pos] += r->ix->spans[m->span[pos]].elem;
        t->objects[pos]++;
        uint32_t p = m->parent[pos];
        if (p & ROOT_BIT) {
            uint32_t k = p & ~ROOT_BIT;
            t->root_bytes[k] += t->bytes[pos];
            t->root_objects[k] += t->objects[pos];
            if (t->root_heavy[k] == NONE || t->bytes[pos] > t->bytes[t->root_heavy[k]])
                t->root_heavy[k] = (uint32_t)pos;
        } else if (p < pos) { /* a parent is always earlier in the queue */
            t->bytes[p] += t->bytes[pos];
            t->objects[p] += t->objects[pos];
            t->children[p]++;
            if (t->heavy[p] == NONE || t->bytes[pos] > t->bytes[t->heavy[p]])
                t->heavy[p] = (uint32_t)pos;
        }
    }
    return true;
}

static void free_tree(tree *t)
{
    gmx_free(t->bytes);
    gmx_free(t->objects);
    gmx_free(t->heavy);
    gmx_free(t->children);
    gmx_free(t->root_bytes);
    gmx_free(t->root_objects);
    gmx_free(t->root_heavy);
}

typedef struct named {
    const mark_root *root;
    size_t index;
} named;

static int same_root(const mark_root *x, const mark_root *y)
{
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    return strcmp(x->name, y->name);
}

static int by_name(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int d = same_root(x->root, y->root);
    return d ? d : (x->index < y->index ? -1 : x->index > y->index);
}

static int by_group_bytes(const void *a, const void *b)
{
    const group *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    return x->root < y->root ? -1 : x->root > y->root;
}

/* Roots grouped by kind and name, most bytes first. */
static group *groups_of(retain *r, size_t *ngroups)
{
    const heap_mark *m = r->m;
    named *idx = gmx_mallocarray(m->nroots ? m->nroots : 1, sizeof(*idx));
    group *g = gmx_mallocarray(m->nroots ? m->nroots : 1, sizeof(*g));
    *ngroups = 0;
    if (!idx || !g) {
        gmx_free(idx);
        gmx_free(g);
        return NULL;
    }
    for (size_t i = 0; i < m->nroots; i++)
        idx[i] = (named){ &m->roots[i], i };
    qsort(idx, m->nroots, sizeof(*idx), by_name);
    size_t k = 0;
    for (size_t i = 0; i < m->nroots; i++) {
        size_t x = idx[i].index;
        if (k && same_root(idx[i].root, &m->roots[g[k - 1].root]) == 0) {
            group *cur = &g[k - 1];
            cur->roots++;
            cur->bytes += r->t.root_bytes[x];
            cur->objects += r->t.root_objects[x];
            if (r->t.root_bytes[x] > r->t.root_bytes[cur->root])
                cur->root = x;
        } else {
            g[k++] = (group){ x, 1, r->t.root_bytes[x], r->t.root_objects[x] };
        }
    }
    gmx_free(idx);
    qsort(g, k, sizeof(*g), by_group_bytes);
    *ngroups = k;
    return g;
}

bool gmx_heap_object_type_name(gmx_core *c, const heap_layout *l, const scan_layout *s,
                               const heap_span *sp, uint64_t type, char *buf, size_t n)
{
    if (n < 3 || !type || !gmx_heap_type_name(c, l, s->types, s->etypes, type, buf + 2, n - 2))
        return false;
    /* a backing array holds several of its type */
    uint64_t data = (sp->spanclass >> 1) ? sp->elem - s->header_size : sp->elem, tsize = 0;
    bool array = s->span_bits &&
                 gmx_core_read(c, type + (uint64_t)s->type_size.off, &tsize,
                               (size_t)s->type_size.size) &&
                 tsize && data / tsize >= 2 && tsize <= data;
    if (array)
        memcpy(buf, "[]", 2);
    else
        memmove(buf, buf + 2, strlen(buf + 2) + 1);
    return true;
}

/* The address of the object at mark position pos. */
static uint64_t object_addr(const retain *r, uint32_t pos)
{
    const heap_span *sp = &r->ix->spans[r->m->span[pos]];
    return sp->start + (r->m->order[pos] - sp->first) * sp->elem;
}

static gmx_core_hold_step object_step(retain *r, uint32_t pos)
{
    const heap_span *sp = &r->ix->spans[r->m->span[pos]];
    uint64_t addr = object_addr(r, pos);
    gmx_core_hold_step st = { .addr = addr, .size = sp->elem, .size_class = (uint32_t)(sp->spanclass >> 1),
                              .noscan = (sp->spanclass & 1) != 0, .bytes = r->t.bytes[pos],
                              .objects = r->t.objects[pos], .children = r->t.children[pos] };
    uint64_t type = gmx_heap_object_type(r->c, r->l, r->s, sp, addr);
    char name[MAX_NAME + 2];
    if (gmx_heap_object_type_name(r->c, r->l, r->s, sp, type, name, sizeof(name)))
        st.what = gmx_arena_strndup(r->pool, name, strlen(name));
    return st;
}

/* Whether the objects at mark positions a and b lie in slots of one size. */
static bool same_slot(const retain *r, uint32_t a, uint32_t b)
{
    const heap_span *x = &r->ix->spans[r->m->span[a]], *y = &r->ix->spans[r->m->span[b]];
    return x->elem == y->elem && x->spanclass == y->spanclass;
}

enum { LINE_TYPED = 256, LIKE_UP = 4 };

/* The static types of the first objects of a line, as its chain types them. */
typedef struct line_types {
    size_t n;
    uint64_t type[LINE_TYPED];
    bool linked[LINE_TYPED];
} line_types;

static void type_line(retain *r, const typed_obj *root, uint32_t pos, line_types *lt)
{
    typed_obj cur = *root, next;
    for (; pos != NONE && lt->n < LINE_TYPED; pos = r->t.heavy[pos]) {
        gmx_core_hold_step st = object_step(r, pos);
        gmx_heap_type_child(&r->typer, &cur, st.addr, &r->ix->spans[r->m->span[pos]], &next, &st);
        lt->type[lt->n] = next.type;
        lt->linked[lt->n++] = next.linked;
        cur = next;
    }
}

/* Whether static types tell the line's objects a and b apart: both typed,
 * differently, and neither a node of a list or tree (or its children array). */
static bool typed_apart(const line_types *lt, size_t a, size_t b)
{
    return a < lt->n && b < lt->n && lt->type[a] && lt->type[b] && lt->type[a] != lt->type[b] &&
           !lt->linked[a] && !lt->linked[b];
}

/* What the container at mark position cpos (line index li) holds in its like
 * siblings: up to LIKE_UP steps above it, an array of pointers whose other
 * elements reach, down their heaviest children, objects of the line's slots
 * to the container's depth (runtime.allp's Ps each with their timer heap, a
 * cache's shards each with their map). Adds their bytes to h. */
static void like_siblings(retain *r, const line_types *lt, uint32_t cpos, size_t li, gmx_core_holder *h)
{
    uint32_t path[LIKE_UP + 1]; /* path[0] the container, path[k] k steps above it */
    path[0] = cpos;
    for (size_t up = 1; up <= LIKE_UP && up <= li; up++) {
        uint32_t a = r->m->parent[path[up - 1]];
        if (a & ROOT_BIT)
            return;
        path[up] = a;
        bool func = false;
        if (li - up >= lt->n || !lt->type[li - up] || !r->typer.types ||
            !gmx_dwarf_types_pointee(r->typer.types, lt->type[li - up], &func) || r->t.children[a] < 2)
            continue;
        uint64_t bytes = 0, like = 0;
        for (uint32_t q = a + 1; q < r->m->n; q++) {
            if (r->m->parent[q] != a || q == path[up - 1] || !same_slot(r, q, path[up - 1]))
                continue;
            uint32_t x = q;
            for (size_t k = up - 1; k > 0 && x != NONE; k--) {
                x = r->t.heavy[x];
                if (x != NONE && !same_slot(r, x, path[k - 1]))
                    x = NONE;
            }
            if (x != NONE && r->t.bytes[x]) {
                bytes += r->t.bytes[x];
                like++;
            }
        }
        if (like) {
            h->like_bytes = bytes;
            h->like = like;
        }
        return;
    }
}

enum { LIKE_ELEMENTS_MAX = 256 };

/* Whether container names a and b differ only in array indices ("[3]", "[4]"),
 * and do differ. */
static bool other_index(const char *a, const char *b)
{
    bool differ = false;
    while (*a && *b) {
        if (a[0] == '[' && b[0] == '[' && a[1] >= '0' && a[1] <= '9' && b[1] >= '0' &&
            b[1] <= '9') {
            const char *x = a + 1, *y = b + 1;
            while (*x >= '0' && *x <= '9')
                x++;
            while (*y >= '0' && *y <= '9')
                y++;
            if (*x != ']' || *y != ']')
                return false;
            differ |= x - a != y - b || memcmp(a, b, (size_t)(x - a)) != 0;
            a = x;
            b = y;
            continue;
        }
        if (*a++ != *b++)
            return false;
    }
    return differ && !*a && !*b;
}

/* What the container at mark position cpos holds in the like elements of an
 * inline array: the same member of the array's other elements (a pool's
 * size classes `classes[i].free`, a global array of shards), objects that
 * the container's own parent (typed as parent, an object or a root) reached
 * first and that static types name as the container but for an index. */
static void like_elements(retain *r, const typed_obj *parent, uint32_t cpos, const char *container,
                          gmx_core_holder *h)
{
    uint32_t p = r->m->parent[cpos];
    if (!parent->type || !strchr(container, '[') ||
        (!(p & ROOT_BIT) && r->t.children[p] > LIKE_ELEMENTS_MAX))
        return;
    uint64_t bytes = 0, like = 0, seen = 0;
    for (uint32_t q = (p & ROOT_BIT) ? 0 : p + 1; q < r->m->n && seen < LIKE_ELEMENTS_MAX; q++) {
        if (r->m->parent[q] != p || q == cpos || !r->t.bytes[q])
            continue;
        seen++;
        typed_obj next;
        gmx_core_hold_step st = { 0 };
        gmx_heap_type_child(&r->typer, parent, object_addr(r, q), &r->ix->spans[r->m->span[q]],
                            &next, &st);
        if (st.container && other_index(st.container, container)) {
            bytes += r->t.bytes[q];
            like++;
        }
    }
    if (like) {
        h->like_bytes = bytes;
        h->like = like;
    }
}

/* A holder no container names (a struct) whose next step on the line is a
 * container in one element of an inline array member (a sharded cache's
 * [N]shard by value, each a lock and a map: fastcache's buckets
 * [512]bucket) keeps its bytes in that member's like elements, each under
 * the quarter a holder needs: when the like elements together hold half of
 * the holder's bytes, the holder is that container (its step that reached
 * the most objects), its like elements counted with it. */
static void inline_array_holder(retain *r, const gmx_core_hold_step *steps, const uint32_t *step_pos,
                                const typed_obj *step_parent, size_t n, gmx_core_holder *h)
{
    size_t k = h->holder + 1;
    const char *c = k < n && step_pos[k] != NO_HOLDER ? steps[k].container : NULL;
    if (!c || !strchr(c, '['))
        return;
    gmx_core_holder like = { 0 };
    like_elements(r, &step_parent[k], step_pos[k], c, &like);
    if (!like.like || (steps[k].bytes + like.like_bytes) * 2 < steps[h->holder].bytes)
        return;
    size_t best = k;
    for (size_t j = k + 1; j < n && steps[j].container && strcmp(steps[j].container, c) == 0; j++)
        if (steps[j].children > steps[best].children)
            best = j;
    h->holder = best;
    h->like = like.like;
    h->like_bytes = like.like_bytes;
}

/* The chain of group g: the root, its heaviest children down to the
 * holder (of the objects on that line holding a quarter of the root's
 * bytes or more, the one that reached the most objects directly: the
 * container), then a few more to show what it holds. */
static bool chain_of(retain *r, const group *g, gmx_core_holder *h, uint32_t *holder_pos)
{
    const mark_root *root = &r->m->roots[g->root];
    gmx_core_hold_step *steps = gmx_arena_calloc(r->pool, MAX_CHAIN + 2, sizeof(*steps));
    /* A generic function's frame named as the traceback prints it ("[...]"). */
    char printed[1024];
    size_t printed_len = gmx_goname_print(gmx_str_cstr(root->name), printed, sizeof(printed));
    const char *name = printed_len < sizeof(printed) ? gmx_arena_strndup(r->pool, printed, printed_len)
                                                     : gmx_arena_strndup(r->pool, root->name, strlen(root->name));
    if (!steps || !name)
        return false;
    h->root_kind = (gmx_core_root_kind)root->kind;
    h->root = name;
    h->goid = root->goid;
    h->roots = g->roots;
    h->bytes = g->bytes;
    h->objects = g->objects;
    steps[0] = (gmx_core_hold_step){ .what = name, .bytes = r->t.root_bytes[g->root],
                                     .objects = r->t.root_objects[g->root] };
    typed_obj cur, next;
    uint64_t first_lo = 0, first_hi = 0;
    if (r->t.root_heavy[g->root] != NONE) {
        gmx_core_hold_step first = object_step(r, r->t.root_heavy[g->root]);
        first_lo = first.addr;
        first_hi = first.addr + first.size;
    }
    gmx_heap_type_root(&r->typer, root, first_lo, first_hi, &cur);
    line_types lt = { 0 };
    type_line(r, &cur, r->t.root_heavy[g->root], &lt);
    /* the line, and its holder; a run of objects of one size, each the
     * heaviest child of the one before (a linked list's nodes, a tree's
     * spine), counts as children of the object that begins it, as does the
     * most any object of the run reached (a tree node's children array);
     * objects static types tell apart (a struct and an array it points to,
     * of one size class by chance) are no run unless a list or tree links them */
    uint64_t total = r->t.root_bytes[g->root];
    size_t len = 0, holder = 0, run_at = 0;
    uint32_t best = 0, run = 0, run_pos = NONE, run_most = 0;
    for (uint32_t pos = r->t.root_heavy[g->root]; pos != NONE; pos = r->t.heavy[pos], len++) {
        if (run_pos != NONE && same_slot(r, run_pos, pos) && !typed_apart(&lt, len - 1, len)) {
            run++;
        } else {
            run_pos = pos;
            run_at = len;
            run = run_most = 0;
        }
        if (r->t.children[pos] > run_most)
            run_most = r->t.children[pos];
        uint32_t reach = run_most > run ? run_most : run;
        if (r->t.bytes[run_pos] * 4 >= total && reach > best) {
            best = reach;
            holder = run_at;
        }
    }
    size_t end = holder + 1 + PAST_HOLDER < len ? holder + 1 + PAST_HOLDER : len;
    /* past KEEP_HEAD, steps up to the holder's few before it are elided */
    size_t tail = MAX_CHAIN - 2 - KEEP_HEAD - PAST_HOLDER;
    size_t skip_from = KEEP_HEAD, skip_to = holder > tail ? holder - tail : 0;
    size_t n = 1, i = 0;
    uint32_t step_pos[MAX_CHAIN + 2];
    size_t step_line[MAX_CHAIN + 2];
    typed_obj step_parent[MAX_CHAIN + 2]; /* each kept step's object before it, as typed */
    if (cur.of && strcmp(cur.of, root->name) != 0) /* a static temp, named by its global pointer */
        h->root = steps[0].what = cur.of;
    if (cur.type)
        h->root_type = gmx_arena_strndup(r->pool, gmx_dwarf_types_name(r->typer.types, cur.type),
                                         strlen(gmx_dwarf_types_name(r->typer.types, cur.type)));
    for (uint32_t pos = r->t.root_heavy[g->root]; pos != NONE && i < end; pos = r->t.heavy[pos], i++) {
        gmx_core_hold_step st = object_step(r, pos);
        typed_obj parent = cur;
        if (i < MAX_TYPED) { /* each step typed from the one before (elided ones too) */
            gmx_heap_type_child(&r->typer, &cur, st.addr, &r->ix->spans[r->m->span[pos]], &next, &st);
            cur = next;
        }
        if (i >= skip_from && i < skip_to) {
            if (i == skip_from) {
                steps[n] = (gmx_core_hold_step){ 0 };
                step_pos[n] = NO_HOLDER;
                steps[n++].elided = skip_to - skip_from;
            }
            continue;
        }
        if (n >= MAX_CHAIN)
            break;
        if (i == holder) { /* what it keeps: its children, or its run's objects */
            h->holder = n;
            st.children = best;
        }
        step_pos[n] = pos;
        step_line[n] = i;
        step_parent[n] = i < MAX_TYPED ? parent : (typed_obj){ 0 };
        steps[n++] = st;
    }
    if (!h->holder)
        h->holder = n - 1;
    *holder_pos = h->holder ? step_pos[h->holder] : NO_HOLDER;
    h->chain = steps;
    h->nchain = n;
    /* the holder's container (where its name begins) may have like siblings */
    const char *c = steps[h->holder].container;
    for (size_t k = 1; c && k <= h->holder; k++)
        if (steps[k].container && strcmp(steps[k].container, c) == 0) {
            like_siblings(r, &lt, step_pos[k], step_line[k], h);
            if (!h->like)
                like_elements(r, &step_parent[k], step_pos[k], c, h);
            break;
        }
    if (!c && h->holder) {
        inline_array_holder(r, steps, step_pos, step_parent, n, h);
        *holder_pos = step_pos[h->holder];
    }
    return true;
}

static int by_goid(const void *a, const void *b)
{
    const gmx_core_goroutine_hold *x = a, *y = b;
    return x->goid < y->goid ? -1 : x->goid > y->goid;
}

/* Each goroutine's frames and stack summed: what its stack reached first. */
static bool goroutine_holds(retain *r, gmx_core_retention *out)
{
    const heap_mark *m = r->m;
    size_t n = 0;
    gmx_core_goroutine_hold *g = gmx_arena_calloc(r->pool, m->nroots ? m->nroots : 1, sizeof(*g));
    if (!g)
        return false;
    for (size_t k = 0; k < m->nroots; k++)
        if ((m->roots[k].kind == ROOT_FRAME || m->roots[k].kind == ROOT_STACK) &&
            r->t.root_objects[k])
            g[n++] = (gmx_core_goroutine_hold){ m->roots[k].goid, r->t.root_bytes[k],
                                                r->t.root_objects[k] };
    qsort(g, n, sizeof(*g), by_goid);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && g[k - 1].goid == g[i].goid) {
            g[k - 1].bytes += g[i].bytes;
            g[k - 1].objects += g[i].objects;
        } else {
            g[k++] = g[i];
        }
    }
    out->goroutines = g;
    out->ngoroutines = k;
    return true;
}

const gmx_core_goroutine_hold *gmx_core_retention_goroutine(const gmx_core_retention *r,
                                                            uint64_t goid)
{
    gmx_core_goroutine_hold key = { goid, 0, 0 };
    return r->ngoroutines ? bsearch(&key, r->goroutines, r->ngoroutines, sizeof(key), by_goid)
                          : NULL;
}

static gmx_code hand_out(retain *r, size_t max, gmx_core_retention *out, gmx_error *err)
{
    if (!goroutine_holds(r, out))
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    size_t ng;
    group *g = groups_of(r, &ng);
    if (!g)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    size_t n = ng < max ? ng : max;
    out->holders = gmx_arena_calloc(r->pool, n ? n : 1, sizeof(*out->holders));
    uint32_t *pos = gmx_arena_calloc(r->pool, n ? n : 1, sizeof(*pos));
    gmx_code rc = out->holders && pos ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == GMX_OK && i < n; i++) {
        if (g[i].bytes == 0)
            break;
        if (!chain_of(r, &g[i], &out->holders[i], &pos[i]))
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
        else
            out->nholders++;
    }
    gmx_free(g);
    if (rc == GMX_OK) /* which of what they keep goroutines are using */
        rc = gmx_heap_framed(r->c, r->s, r->ix, r->m, pos, out->nholders, out->holders, err);
    return rc;
}

gmx_code gmx_core_heap_retention(gmx_core *c, size_t max_holders, bool with_paths,
                                 gmx_core_retention *out, gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    heap_layout l;
    scan_layout s;
    heap_index ix;
    heap_mark m;
    gmx_code rc = gmx_heap_layout_resolve(c, &l, err);
    if (rc != GMX_OK)
        return rc;
    gmx_scan_layout_resolve(c, &l, &s);
    if ((rc = gmx_heap_index_build(c, &l, &ix, err)) != GMX_OK)
        return rc;
    if ((rc = gmx_heap_mark_run(c, &l, &s, &ix, &m, err)) != GMX_OK) {
        gmx_heap_index_release(&ix);
        return rc;
    }
    gmx_arena *pool = gmx_calloc(1, sizeof(*pool));
    retain r = { c, &l, &s, &ix, &m, { 0 }, pool, { 0 } };
    if (pool) {
        gmx_arena_init(pool, 256u << 20); /* chains, names, and the paths (at most 40 MiB) */
        /* static types name the chains; without them (no memory) they stay unnamed */
        gmx_heap_typer_init(&r.typer, c, &l, &s, c->dwarf ? gmx_dwarf_layout_types(c->dwarf) : NULL, pool);
        r.typer.ix = &ix;
    }
    out->priv = pool;
    out->allocated_objects = ix.allocated_objects;
    out->allocated_bytes = ix.allocated_bytes;
    out->marked_objects = m.n;
    out->marked_bytes = m.marked_bytes;
    out->roots = m.nroots;
    out->exact_objects = m.exact_objects;
    out->conservative_objects = m.conservative_objects;
    out->exact_globals = s.data_mask_bits && s.bss_mask_bits;
    out->capped = m.capped;
    out->cap_bytes = m.cap_bytes;
    if (!pool || !sum_tree(&r))
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (rc == GMX_OK)
        rc = hand_out(&r, max_holders, out, err);
    if (rc == GMX_OK && with_paths)
        rc = gmx_heap_paths_build(c, &l, &s, &ix, &m, pool, out, err);
    free_tree(&r.t);
    gmx_heap_mark_release(&m);
    gmx_heap_index_release(&ix);
    if (rc != GMX_OK)
        gmx_core_retention_release(out);
    return rc;
}

void gmx_core_retention_release(gmx_core_retention *r)
{
    if (!r)
        return;
    if (r->priv) {
        gmx_arena_release(r->priv);
        gmx_free(r->priv);
    }
    memset(r, 0, sizeof(*r));
}
