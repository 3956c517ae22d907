/* Static types along a retained-by chain: from the root's DWARF type down,
 * each object is typed by the word of the object before it that points to
 * it (found again by rescanning that one object), through struct members,
 * arrays, slices, maps, interfaces (the itab's type) and func values (the
 * funcval's code pointer; a method value `T.m-fm` carries its receiver, a
 * closure the variables it captured).
 * Only the chain's objects are typed: the mark itself is untouched. Where a
 * type is unknown the runtime's recorded type (malloc header, largeType)
 * restarts the walk; else the step stays unnamed. */
#ifndef GMX_CORE_HEAP_TYPED_H
#define GMX_CORE_HEAP_TYPED_H

#include "core/dwarf_types.h"
#include "core/heap_mark.h"

/* What typing knows of one object of the chain. */
typedef struct typed_obj {
    uint64_t addr, data, end; /* the object (or root region), where its value starts (past
                               * a malloc header), its end */
    const heap_span *span;   /* NULL for the root */
    uint64_t type;           /* its DWARF type (of each element for an array), 0 unknown */
    int64_t elem;            /* that type's size */
    uint64_t recv;           /* a closure: the type of what follows its code pointer */
    gmx_core_step_role role;
    const char *of, *container, *container_type; /* in the typer's pool */
    bool static_temp;        /* a root laid out by the linker for a global pointer: its
                              * containers are named by its type, as a heap object's */
    bool inside;             /* part of the internals of a standard library container
                              * (sync.Map, container/list.List) named above it */
    bool frame;              /* a goroutine's frame (of names its function): its words are
                              * typed by the function's variables, as fitting */
    bool linked;             /* a node of a hand-written list or tree, or a node's array of
                              * pointers to its kind: the nodes it reaches are the container's */
} typed_obj;

typedef struct heap_typer {
    gmx_core *c;
    const heap_layout *l;
    const scan_layout *s;
    dwarf_types *types;      /* NULL: no DWARF types, every step untyped */
    gmx_arena *pool;
    int64_t itab_type;       /* offset of the type in an itab, -1 when unknown */
    uint64_t rtypes, ertypes; /* the module's types section (runtime types), 0 unknown */
    const heap_index *ix;    /* the heap's objects (NULL: a frame's stale copies stay untyped) */
} heap_typer;

void gmx_heap_typer_init(heap_typer *t, gmx_core *c, const heap_layout *l, const scan_layout *s,
                         dwarf_types *types, gmx_arena *pool);

/* The root's type (a global's DWARF type), into out; [lo, hi) is the first
 * object of the chain (0, 0: none), which types a global region without a
 * variable of its own by the global pointer to it (out->of names it then). */
void gmx_heap_type_root(heap_typer *t, const mark_root *root, uint64_t lo, uint64_t hi, typed_obj *out);

/* Types the object at addr of span sp, reached from parent, and names its
 * step st (what, role, via, of, entries, container). */
void gmx_heap_type_child(heap_typer *t, const typed_obj *parent, uint64_t addr, const heap_span *sp,
                         typed_obj *out, gmx_core_hold_step *st);

#endif
