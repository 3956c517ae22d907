/* The mark as a tree of retention paths, for a profile of who holds the
 * heap: one pass over the mark in its breadth-first order (a parent always
 * comes before its children), each object's path its parent's path plus the
 * object's name, interned by (parent path, name). Names are interned too,
 * so a step's name is compared by pointer; a type's name is read from the
 * core once per (type, object size). Memory: a path id per marked object
 * while it runs, and the paths, at most MAX_PATHS (deeper or further
 * objects count at their parent's path past it). */
#include "core/heap_mark.h"
#include "util/alloc.h"
#include "util/intern.h"

#include <stdio.h>
#include <string.h>

enum { MAX_PATHS = 1u << 20, MAX_NAME = 160 };

typedef struct path_builder {
    gmx_core *c;
    const heap_layout *l;
    const scan_layout *s;
    const heap_index *ix;
    const heap_mark *m;
    gmx_interner names;
    gmx_hindex by_step;       /* hash(parent, name) -> path */
    gmx_hindex by_type;       /* hash(type, elem) -> type_names index */
    struct type_name { uint64_t type, elem; const char *name; } *type_names;
    size_t ntype_names, cap_type_names;
    gmx_core_retained_path *paths;
    size_t npaths, cap_paths;
} path_builder;

static const char *intern(path_builder *b, const char *s)
{
    return gmx_intern(&b->names, gmx_str_cstr(s)).p;
}

static uint64_t step_hash(uint32_t parent, const char *name)
{
    return gmx_hash_mix(gmx_hash_mix(0x9a75, parent), (uint64_t)(uintptr_t)name);
}

/* The path (parent, name), added when new; GMX_CORE_PATH_ROOT when out of
 * memory, the parent when there are MAX_PATHS already. */
static uint32_t path_of(path_builder *b, uint32_t parent, const char *name)
{
    uint64_t h = step_hash(parent, name);
    for (size_t slot = gmx_hindex_first(&b->by_step, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&b->by_step, h, slot)) {
        uint32_t i = b->by_step.values[slot];
        if (b->paths[i].parent == parent && b->paths[i].name == name)
            return i;
    }
    if (b->npaths >= MAX_PATHS)
        return parent;
    if (gmx_array_reserve((void **)&b->paths, &b->cap_paths, b->npaths, sizeof(*b->paths)) < 0)
        return GMX_CORE_PATH_ROOT;
    uint32_t i = (uint32_t)b->npaths;
    if (gmx_hindex_insert(&b->by_step, h, i) < 0)
        return GMX_CORE_PATH_ROOT;
    uint32_t depth = parent == GMX_CORE_PATH_ROOT ? 1 : b->paths[parent].depth + 1;
    b->paths[b->npaths++] = (gmx_core_retained_path){ parent, depth, name, 0, 0 };
    return i;
}

static const char *root_name(path_builder *b, const mark_root *r)
{
    char name[MAX_NAME + 40];
    if (r->kind == ROOT_GLOBAL)
        snprintf(name, sizeof(name), "%.*s (global)", MAX_NAME, r->name);
    else if (r->kind == ROOT_FRAME)
        snprintf(name, sizeof(name), "%.*s (goroutine frame)", MAX_NAME, r->name);
    else if (r->kind == ROOT_FINALIZER)
        snprintf(name, sizeof(name), "%.*s (finalizer)", MAX_NAME, r->name);
    else
        snprintf(name, sizeof(name), "goroutine stack");
    return intern(b, name);
}

/* An object's name: its Go type when the runtime recorded one, else its
 * size class (a large object without its size, so that all of one kind
 * merge). NULL when out of memory. */
static const char *object_name(path_builder *b, const heap_span *sp, uint64_t addr)
{
    uint64_t type = gmx_heap_object_type(b->c, b->l, b->s, sp, addr);
    char name[MAX_NAME + 2];
    bool noscan = sp->spanclass & 1;
    unsigned size_class = sp->spanclass >> 1;
    if (!type) {
        if (size_class)
            snprintf(name, sizeof(name), "object of %llu B (size class %u%s)",
                     (unsigned long long)sp->elem, size_class, noscan ? ", no pointers" : "");
        else
            snprintf(name, sizeof(name), "large object%s", noscan ? " (no pointers)" : "");
        return intern(b, name);
    }
    uint64_t h = gmx_hash_mix(gmx_hash_mix(0x7e, type), sp->elem);
    for (size_t slot = gmx_hindex_first(&b->by_type, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&b->by_type, h, slot)) {
        const struct type_name *t = &b->type_names[b->by_type.values[slot]];
        if (t->type == type && t->elem == sp->elem)
            return t->name;
    }
    if (!gmx_heap_object_type_name(b->c, b->l, b->s, sp, type, name, sizeof(name)))
        snprintf(name, sizeof(name), "object of %llu B (type unreadable)",
                 (unsigned long long)sp->elem);
    if (gmx_array_reserve((void **)&b->type_names, &b->cap_type_names, b->ntype_names,
                          sizeof(*b->type_names)) < 0)
        return NULL;
    const char *interned = intern(b, name);
    if (!interned || gmx_hindex_insert(&b->by_type, h, (uint32_t)b->ntype_names) < 0)
        return NULL;
    b->type_names[b->ntype_names++] = (struct type_name){ type, sp->elem, interned };
    return interned;
}

/* The path of the object at mark position pos, whose parent's path is
 * parent: a run of one name is one step, and paths stop at the depth cap. */
static uint32_t object_path(path_builder *b, uint32_t parent, const char *name)
{
    if (b->paths[parent].name == name || b->paths[parent].depth >= GMX_CORE_PATH_DEPTH)
        return parent;
    return path_of(b, parent, name);
}

static bool build(path_builder *b, uint32_t *of_pos, uint32_t *of_root)
{
    const heap_mark *m = b->m;
    for (size_t k = 0; k < m->nroots; k++) {
        const char *name = root_name(b, &m->roots[k]);
        if (!name || (of_root[k] = path_of(b, GMX_CORE_PATH_ROOT, name)) == GMX_CORE_PATH_ROOT)
            return false;
    }
    for (size_t pos = 0; pos < m->n; pos++) {
        uint32_t p = m->parent[pos];
        uint32_t parent = (p & ROOT_BIT) ? of_root[p & ~ROOT_BIT] : of_pos[p];
        const heap_span *sp = &b->ix->spans[m->span[pos]];
        uint64_t addr = gmx_heap_index_addr(b->ix, m->order[pos]);
        const char *name = object_name(b, sp, addr);
        uint32_t path = name ? object_path(b, parent, name) : GMX_CORE_PATH_ROOT;
        if (path == GMX_CORE_PATH_ROOT)
            return false;
        of_pos[pos] = path;
        b->paths[path].bytes += sp->elem;
        b->paths[path].objects++;
    }
    return true;
}

gmx_code gmx_heap_paths_build(gmx_core *c, const heap_layout *l, const scan_layout *s,
                              const heap_index *ix, const heap_mark *m, gmx_arena *pool,
                              gmx_core_retention *out, gmx_error *err)
{
    path_builder b = { .c = c, .l = l, .s = s, .ix = ix, .m = m };
    gmx_interner_init(&b.names, pool);
    gmx_hindex_init(&b.by_step);
    gmx_hindex_init(&b.by_type);
    uint32_t *of_pos = gmx_mallocarray(m->n ? m->n : 1, sizeof(*of_pos));
    uint32_t *of_root = gmx_mallocarray(m->nroots ? m->nroots : 1, sizeof(*of_root));
    bool ok = of_pos && of_root && build(&b, of_pos, of_root);
    if (ok && b.npaths) {
        out->paths = gmx_arena_alloc(pool, b.npaths * sizeof(*out->paths));
        if ((ok = out->paths != NULL)) {
            memcpy(out->paths, b.paths, b.npaths * sizeof(*out->paths));
            out->npaths = b.npaths;
        }
    }
    gmx_free(of_pos);
    gmx_free(of_root);
    gmx_free(b.paths);
    gmx_free(b.type_names);
    gmx_hindex_release(&b.by_step);
    gmx_hindex_release(&b.by_type);
    gmx_interner_release(&b.names);
    return ok ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory building retention paths");
}
