/* Static types along a retained-by chain (see heap_typed.h). The map
 * internals are recognised by the names Go's linker gives the structs it
 * synthesizes for them; the rest is plain DWARF. */
#include "core/heap_typed.h"
#include "util/alloc.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

enum { MAX_ROOT_SCAN = 1 << 20, MAX_NAME = 200 };

void gmx_heap_typer_init(heap_typer *t, gmx_core *c, const heap_layout *l, const scan_layout *s,
                         dwarf_types *types, gmx_arena *pool)
{
    *t = (heap_typer){ c, l, s, types, pool, -1, 0, 0, NULL };
    if (!types)
        return;
    /* runtime types: firstmoduledata.types..etypes (the walk reads them on 1.22+ only) */
    uint64_t md, size;
    int64_t lo = gmx_dwarf_layout_offset(c->dwarf, "runtime.moduledata", "types");
    int64_t hi = gmx_dwarf_layout_offset(c->dwarf, "runtime.moduledata", "etypes");
    if (!gmx_elf_file_symbol(&c->bin, "runtime.firstmoduledata", &md, &size) || lo < 0 || hi < 0 ||
        !gmx_core_read_u64(c, md + (uint64_t)lo, &t->rtypes) ||
        !gmx_core_read_u64(c, md + (uint64_t)hi, &t->ertypes) || t->ertypes < t->rtypes)
        t->rtypes = t->ertypes = 0;
    /* the dynamic type's word in an itab: runtime.itab._type (to 1.21),
     * internal/abi.ITab.Type (1.22+) */
    int64_t off = gmx_dwarf_types_member(types, gmx_dwarf_types_named(types, "internal/abi.ITab"), "Type", NULL);
    if (off < 0)
        off = gmx_dwarf_types_member(types, gmx_dwarf_types_named(types, "runtime.itab"), "_type", NULL);
    t->itab_type = off;
}

static const char *keep(heap_typer *t, const char *s)
{
    return s && *s ? gmx_arena_strndup(t->pool, s, strlen(s)) : NULL;
}

/* The first pointer word of the parent that lands in [lo, hi). */
typedef struct ref_find {
    uint64_t lo, hi, at;
    bool found;
} ref_find;

static void ref_word(void *ctx, uint64_t at, uint64_t value)
{
    ref_find *f = ctx;
    if (!f->found && value >= f->lo && value < f->hi) {
        f->found = true;
        f->at = at;
    }
}

static bool find_ref(heap_typer *t, const typed_obj *p, uint64_t lo, uint64_t hi, uint64_t *at)
{
    ref_find f = { lo, hi, 0, false };
    if (p->span) {
        gmx_heap_object_pointers(t->c, t->l, t->s, p->span, p->addr, ref_word, &f);
    } else {
        uint64_t words[512];
        uint64_t end = p->end - p->addr > MAX_ROOT_SCAN ? p->addr + MAX_ROOT_SCAN : p->end;
        for (uint64_t a = p->addr; a + 8 <= end && !f.found;) {
            uint64_t n = (end - a) / 8 < 512 ? (end - a) / 8 : 512;
            if (!gmx_core_read(t->c, a, words, (size_t)n * 8))
                break;
            gmx_heap_scan_words(words, (size_t)n, a, NULL, 0, ref_word, &f);
            a += n * 8;
        }
    }
    *at = f.at;
    return f.found;
}

/* Where the object's value starts: past the malloc header of Go 1.22+
 * objects that carry one. */
static uint64_t data_of(heap_typer *t, const heap_span *sp, uint64_t addr)
{
    bool header = t->s->span_bits && !(sp->spanclass & 1) && (sp->spanclass >> 1) != 0 &&
                  sp->elem > t->l->min_header;
    return header ? addr + t->s->header_size : addr;
}

/* The DWARF type of the runtime type at rt (an address in the module's
 * types section). */
static uint64_t runtime_type(heap_typer *t, uint64_t rt)
{
    if (!rt || rt < t->rtypes || rt >= t->ertypes)
        return 0;
    return gmx_dwarf_types_runtime(t->types, rt - t->rtypes);
}

/* The dynamic type of an interface whose type word (an itab, or for an
 * empty interface the type itself) is at addr; 0 when unknown. */
static uint64_t dynamic_type(heap_typer *t, dwarf_word_kind kind, uint64_t addr)
{
    uint64_t word = 0, rt = 0;
    if (!gmx_core_read_u64(t->c, addr, &word) || !word)
        return 0;
    if (kind == DWORD_EFACE)
        rt = word;
    else if (t->itab_type < 0 || !gmx_core_read_u64(t->c, word + (uint64_t)t->itab_type, &rt))
        return 0;
    return runtime_type(t, rt);
}

/* What the global of DWARF type `type` at addr points to: its value (a
 * pointer's, or an interface's data word) and the type there; false when it
 * holds no pointer to a struct or array of known size. */
static bool global_target(heap_typer *t, uint64_t type, uint64_t addr, uint64_t *value, uint64_t *target)
{
    bool func;
    dwarf_word w;
    *target = gmx_dwarf_types_pointee(t->types, type, &func);
    if (*target)
        return gmx_core_read_u64(t->c, addr, value);
    if (!gmx_dwarf_types_word(t->types, type, 8, &w) || (w.kind != DWORD_IFACE && w.kind != DWORD_EFACE) ||
        !gmx_core_read_u64(t->c, addr + 8, value))
        return false;
    uint64_t dyn = dynamic_type(t, w.kind, addr + (uint64_t)w.type_word);
    *target = dyn ? gmx_dwarf_types_pointee(t->types, dyn, &func) : 0;
    return *target != 0;
}

/* Whether addr lies in the module's data or bss, where the linker lays out
 * what package-level initialisers point to. */
static bool in_statics(const heap_typer *t, uint64_t addr)
{
    return (addr >= t->s->data && addr < t->s->edata) || (addr >= t->s->bss && addr < t->s->ebss);
}

enum { STATIC_DEPTH = 3, STATIC_SCAN = 4096 };

static bool linked(heap_typer *t, uint64_t type, uint64_t data);

/* The object of DWARF type `type` the linker laid out at v (named name):
 * when it lies in the root and holds the word pointing to [lo, hi), it is
 * the root's type; else a pointer member of it to another such object (a
 * `var p = &T{next: &U{...}}`, whose U the linker lays out too, without
 * a symbol) is followed, depth levels at most. */
static bool static_object(heap_typer *t, const mark_root *root, uint64_t lo, uint64_t hi, uint64_t v,
                          uint64_t type, const char *name, const char *owner, const dwarf_word *member,
                          int depth, typed_obj *out)
{
    int64_t size = gmx_dwarf_types_size(t->types, type);
    if (size <= 0)
        return false;
    if (v >= root->lo && v < root->hi && (uint64_t)size <= root->hi - v) {
        typed_obj obj = { v, v, v + (uint64_t)size, NULL, type, size, 0, GMX_STEP_OBJECT, NULL, NULL, NULL, true,
                          false, false, false };
        uint64_t at;
        if (!find_ref(t, &obj, lo, hi, &at))
            return false;
        obj.of = keep(t, name);
        if (owner && linked(t, type, v)) { /* a list's or tree's first node, held by owner's member */
            char holder[MAX_NAME];
            snprintf(holder, sizeof(holder), "%s%s", owner, member->path);
            obj.container = keep(t, holder);
            obj.container_type = keep(t, gmx_dwarf_types_name(t->types, member->declared));
            obj.linked = true;
        }
        *out = obj;
        return true;
    }
    if (depth == 0 || !in_statics(t, v) || !gmx_dwarf_types_struct(t->types, type))
        return false;
    const char *tname = gmx_dwarf_types_name(t->types, type);
    for (int64_t off = 0; off + 8 <= size && off < STATIC_SCAN; off += 8) {
        dwarf_word w;
        uint64_t p;
        if (!gmx_dwarf_types_word(t->types, type, off, &w) || w.kind != DWORD_POINTER || !w.target ||
            !gmx_core_read_u64(t->c, v + (uint64_t)off, &p) || !in_statics(t, p))
            continue;
        char next[MAX_NAME];
        snprintf(next, sizeof(next), "%s%s", name, w.path);
        if (static_object(t, root, lo, hi, p, w.target, next, tname, &w, depth - 1, out))
            return true;
    }
    return false;
}

/* A global region without a variable of its own is what `var p = &T{...}`
 * (or `var i I = &T{...}`) at package level compiles to: the linker lays T
 * out in data or bss, with no symbol and no DWARF variable, and p points to
 * it (or to another such object pointing to it). Typed as T, found from
 * the global pointing into the region whose target holds the word pointing
 * to [lo, hi) (the chain's next object; a region may hold several such T),
 * and named after it: "*pkg.p", "*pkg.p.member". */
static bool static_pointee(heap_typer *t, const mark_root *root, uint64_t lo, uint64_t hi,
                           typed_obj *out)
{
    const uint64_t sections[2][2] = { { t->s->data, t->s->edata }, { t->s->bss, t->s->ebss } };
    bool found = false;
    for (size_t k = 0; k < 2 && !found; k++) {
        elf_symbol *syms;
        size_t n;
        if (gmx_elf_file_symbols_in(&t->c->bin, sections[k][0], sections[k][1], &syms, &n, NULL) != GMX_OK)
            continue;
        for (size_t i = 0; i < n && !found; i++) {
            uint64_t v, type, target;
            char name[MAX_NAME];
            if ((syms[i].size != 8 && syms[i].size != 16) ||
                !(type = gmx_dwarf_types_global(t->types, syms[i].name)) ||
                !global_target(t, type, syms[i].value, &v, &target))
                continue;
            snprintf(name, sizeof(name), "*%s", syms[i].name);
            found = static_object(t, root, lo, hi, v, target, name, NULL, NULL, STATIC_DEPTH, out);
        }
        gmx_free(syms);
    }
    return found;
}

void gmx_heap_type_root(heap_typer *t, const mark_root *root, uint64_t lo, uint64_t hi, typed_obj *out)
{
    *out = (typed_obj){ root->lo, root->lo, root->hi, NULL, 0, -1, 0, GMX_STEP_OBJECT, NULL, NULL, NULL, false, false,
                        root->kind == ROOT_FRAME, false };
    out->of = keep(t, root->name);
    if (!t->types || root->kind != ROOT_GLOBAL)
        return;
    out->type = gmx_dwarf_types_global(t->types, root->name);
    out->elem = out->type ? gmx_dwarf_types_size(t->types, out->type) : -1;
    if (!out->type && hi > lo)
        static_pointee(t, root, lo, hi, out);
}

/* A method value's wrapper "pkg.(*T).m-fm" or "pkg.T.m-fm": the type of
 * the receiver it carries after its code pointer. */
static uint64_t receiver_of(heap_typer *t, const char *fn)
{
    size_t n = strlen(fn);
    if (n < 4 || strcmp(fn + n - 3, "-fm") != 0)
        return 0;
    const char *slash = strrchr(fn, '/');
    const char *dot = strchr(slash ? slash : fn, '.');
    if (!dot)
        return 0;
    char name[MAX_NAME];
    int pkg = (int)(dot - fn);
    if (dot[1] == '(' && dot[2] == '*') {
        const char *close = strchr(dot, ')');
        if (!close)
            return 0;
        snprintf(name, sizeof(name), "*%.*s.%.*s", pkg, fn, (int)(close - dot - 3), dot + 3);
    } else {
        const char *next = strchr(dot + 1, '.');
        if (!next)
            return 0;
        snprintf(name, sizeof(name), "%.*s", (int)(next - fn), fn);
    }
    return gmx_dwarf_types_named(t->types, name);
}

/* A funcval: its function from the code pointer in its first word. */
static void closure(heap_typer *t, uint64_t addr, const char *type_name, typed_obj *out,
                    gmx_core_hold_step *st)
{
    uint64_t pc;
    gmx_pcfunc f;
    out->role = GMX_STEP_CLOSURE;
    st->role = GMX_STEP_CLOSURE;
    st->what = keep(t, type_name);
    if (!t->c->pcln || !gmx_core_read_u64(t->c, addr, &pc) || !gmx_pclntab_find(t->c->pcln, pc, &f))
        return;
    char fn[MAX_NAME];
    snprintf(fn, sizeof(fn), "%.*s", (int)(f.name.n < MAX_NAME - 1 ? f.name.n : MAX_NAME - 1), f.name.p);
    st->of = keep(t, fn);
    out->of = st->of;
    out->recv = receiver_of(t, fn);
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The role a type's name gives an object: the linker's map structs. */
static gmx_core_step_role role_of(const char *name)
{
    if (starts(name, "hash<") || starts(name, "map<"))
        return GMX_STEP_MAP;
    if (starts(name, "bucket<"))
        return GMX_STEP_MAP_BUCKETS;
    if (starts(name, "table<"))
        return GMX_STEP_MAP_TABLE;
    if (starts(name, "*table<"))
        return GMX_STEP_MAP_DIRECTORY;
    if (strstr(name, "map.group[") || starts(name, "group<"))
        return GMX_STEP_MAP_GROUPS;
    return GMX_STEP_OBJECT;
}

static bool map_internal(gmx_core_step_role r)
{
    return r >= GMX_STEP_MAP && r <= GMX_STEP_MAP_BUCKETS;
}

/* The slot the heap gives an object of size bytes: its size class's size,
 * past a malloc header (Go 1.22+) when it needs one, or whole pages for a
 * large object; 0 when the size classes are unknown. */
static uint64_t slot_of(heap_typer *t, uint64_t size)
{
    if (t->s->span_bits && size > t->l->min_header)
        size += t->s->header_size;
    if (size > 32768)
        return (size + 8191) / 8192 * 8192;
    for (int64_t k = 1; k < t->l->nclasses; k++) {
        uint16_t cs;
        if (!t->l->class_to_size || !gmx_core_read(t->c, t->l->class_to_size + (uint64_t)k * 2, &cs, 2))
            return 0;
        if (cs >= size)
            return cs;
    }
    return 0;
}

typedef struct fitting {
    heap_typer *t;
    uint64_t slot;
    bool slices;             /* the second pass: slice variables, whose array is any size */
    int n;
    dwarf_captured v;
    const typed_obj *child;  /* the object reached: its words choose among slices that fit */
    bool by_content;         /* the third pass, when more than one slice fits */
} fitting;

enum { AGREE_WORDS = 4 };

/* Whether v is where a heap object of slot bytes begins (its value, past
 * any malloc header). */
static bool begins_object(heap_typer *t, uint64_t v, uint64_t slot)
{
    uint64_t id;
    const heap_span *sp;
    return gmx_heap_index_find(t->ix, v, &id, &sp) && sp->elem == slot &&
           v == data_of(t, sp, sp->start + (id - sp->first) * sp->elem);
}

/* Whether the object's first words hold what an array of elem would: a
 * func's a funcval (its first word a function's entry), a pointer's the
 * start of a heap object of its pointee's slot. Other elements, nil words
 * and what cannot be read say nothing against it. */
static bool elems_agree(heap_typer *t, uint64_t elem, const typed_obj *obj)
{
    bool func;
    uint64_t target = gmx_dwarf_types_pointee(t->types, elem, &func);
    int64_t size = target ? gmx_dwarf_types_size(t->types, target) : -1;
    uint64_t slot = size > 0 ? slot_of(t, (uint64_t)size) : 0;
    if (func ? !t->c->pcln : !t->ix || !slot)
        return true;
    int seen = 0;
    for (uint64_t a = obj->data; a + 8 <= obj->end && seen < AGREE_WORDS; a += 8) {
        uint64_t v, pc;
        gmx_pcfunc f;
        if (!gmx_core_read_u64(t->c, a, &v))
            return true;
        if (!v)
            continue;
        seen++;
        bool agrees = func ? gmx_core_read_u64(t->c, v, &pc) && gmx_pclntab_find(t->c->pcln, pc, &f) &&
                                 f.entry == pc
                           : begins_object(t, v, slot);
        if (!agrees)
            return false;
    }
    return true;
}

/* Whether the slice variable's array could be the object of slot bytes:
 * one element at least fits in it (on the third pass, its words agree). */
static bool slice_fits(fitting *f, uint64_t type)
{
    uint64_t array;
    bool func;
    if (!starts(gmx_dwarf_types_name(f->t->types, type), "[]") ||
        gmx_dwarf_types_member(f->t->types, type, "array", &array) != 0)
        return false;
    uint64_t elem = gmx_dwarf_types_pointee(f->t->types, array, &func);
    int64_t size = elem ? gmx_dwarf_types_size(f->t->types, elem) : -1;
    return size > 0 && (uint64_t)size <= f->slot && (!f->by_content || elems_agree(f->t, elem, f->child));
}

static bool fits(void *ctx, const char *name, uint64_t type)
{
    fitting *f = ctx;
    bool func;
    if (f->slices) {
        if (!type || !slice_fits(f, type))
            return false;
    } else {
        uint64_t target = type ? gmx_dwarf_types_pointee(f->t->types, type, &func) : 0;
        int64_t size = target ? gmx_dwarf_types_size(f->t->types, target) : -1;
        if (size <= 0 || slot_of(f->t, (uint64_t)size) != f->slot)
            return false;
    }
    if (f->n++ == 0) {
        f->v.type = type;
        snprintf(f->v.name, sizeof(f->v.name), "%s", name);
    }
    return f->n > 1; /* two fit: it could be either */
}

/* Before Go 1.23 DWARF does not say where a closure keeps what it captured
 * (nor, in order, what it captured), nor without its location lists where a
 * frame keeps its locals: the pointer word at off is typed when exactly one
 * pointer variable of the function points to something the size of the
 * object it reaches (child, its slot); when none does, when exactly one
 * slice variable of the function's own scope (not a block's: a loop's
 * temporaries) has elements that fit in it, as its array (a worker's
 * backlog kept in a local slice); when several do, when exactly one's
 * elements agree with the object's first words (a []func() of funcvals
 * beside a []*T of its structs). */
static bool captured_fitting(heap_typer *t, const char *fn, int64_t off, const typed_obj *child,
                             dwarf_captured *v)
{
    fitting f = { t, child->end - child->addr, false, 0, { 0 }, child, false };
    if (off % 8 || gmx_dwarf_types_each_variable(t->types, fn, fits, &f) || f.n > 1)
        return false;
    if (f.n == 0) {
        f.slices = true;
        if (gmx_dwarf_types_each_variable(t->types, fn, fits, &f) && f.n > 1) {
            f.n = 0;
            f.by_content = true;
            gmx_dwarf_types_each_variable(t->types, fn, fits, &f);
        }
        if (f.n != 1)
            return false;
    }
    *v = f.v;
    v->off = off;
    return true;
}

enum { COPY_DEPTH = 3, COPY_VARS = 16, COPY_WORDS = 4096, COPY_VISITS = 4096 };

/* The struct types a function's pointer variables point to. */
typedef struct var_structs {
    heap_typer *t;
    uint64_t type[COPY_VARS];
    size_t n;
} var_structs;

static bool struct_var(void *ctx, const char *name, uint64_t type)
{
    var_structs *v = ctx;
    bool func;
    (void)name;
    uint64_t target = type ? gmx_dwarf_types_pointee(v->t->types, type, &func) : 0;
    if (!target || !gmx_dwarf_types_struct(v->t->types, target))
        return false;
    for (size_t i = 0; i < v->n; i++)
        if (v->type[i] == target)
            return false;
    v->type[v->n++] = target;
    return v->n == COPY_VARS;
}

/* The struct member holding a pointer into [lo, hi), and how many distinct
 * members were found (two: it could be either). */
typedef struct copy_match {
    heap_typer *t;
    uint64_t lo, hi;
    typed_obj holder;
    uint64_t at;
    int n, visits;
} copy_match;

/* The heap object whose value begins at v, typed as type when its slot is
 * that type's: false when it is not. */
static bool struct_at(heap_typer *t, uint64_t v, uint64_t type, typed_obj *out)
{
    uint64_t id;
    const heap_span *sp;
    int64_t size = gmx_dwarf_types_size(t->types, type);
    if (size <= 0 || !gmx_heap_index_find(t->ix, v, &id, &sp))
        return false;
    uint64_t addr = sp->start + (id - sp->first) * sp->elem;
    if (v != data_of(t, sp, addr) || slot_of(t, (uint64_t)size) != sp->elem)
        return false;
    *out = (typed_obj){ addr, v, addr + sp->elem, sp, type, size, 0, GMX_STEP_OBJECT, NULL, NULL, NULL,
                        false, false, false, false };
    return true;
}

/* Searches the pointer members of the struct obj, and of the structs they
 * point to, depth levels down, for one pointing into [m->lo, m->hi). */
static void copy_in(copy_match *m, const typed_obj *obj, int depth)
{
    heap_typer *t = m->t;
    if (m->visits++ >= COPY_VISITS)
        return;
    for (int64_t off = 0; off + 8 <= obj->elem && off < STATIC_SCAN && m->n < 2; off += 8) {
        dwarf_word w;
        uint64_t v;
        typed_obj next;
        if (!gmx_dwarf_types_word(t->types, obj->type, off, &w) || w.kind != DWORD_POINTER ||
            !gmx_core_read_u64(t->c, obj->data + (uint64_t)off, &v) || !v)
            continue;
        if (v >= m->lo && v < m->hi) {
            if (m->n == 0 || m->at != obj->data + (uint64_t)off) {
                m->holder = *obj;
                m->at = obj->data + (uint64_t)off;
                m->n++;
            }
        } else if (depth > 0 && w.target && gmx_dwarf_types_struct(t->types, w.target) &&
                   struct_at(t, v, w.target, &next)) {
            copy_in(m, &next, depth - 1);
        }
    }
}

/* A frame's pointer word that no variable of its function fits may be a
 * copy the compiler left in a slot of its own: an inlined constructor's
 * result (`srv := &server{cache: newCache()}` keeps the cache's map apart
 * from srv). It is the copy of the pointer member of a struct that one of
 * the frame's words points to, typed as a pointer variable of the function
 * whose struct's slot it fills, one to three levels down: when exactly one
 * member holds it, the child is typed as reached from that member (holder,
 * at: the struct and the member's word). */
static bool frame_copy(heap_typer *t, const typed_obj *frame, uint64_t lo, uint64_t hi,
                       typed_obj *holder, uint64_t *at)
{
    var_structs vs = { t, { 0 }, 0 };
    if (!t->ix || !frame->of)
        return false;
    gmx_dwarf_types_each_variable(t->types, frame->of, struct_var, &vs);
    copy_match m = { t, lo, hi, { 0 }, 0, 0, 0 };
    uint64_t words[512];
    uint64_t end = frame->end - frame->addr > COPY_WORDS * 8 ? frame->addr + COPY_WORDS * 8 : frame->end;
    for (uint64_t a = frame->addr; vs.n && a + 8 <= end && m.n < 2;) {
        uint64_t n = (end - a) / 8 < 512 ? (end - a) / 8 : 512;
        if (!gmx_core_read(t->c, a, words, (size_t)n * 8))
            break;
        for (uint64_t k = 0; k < n && m.n < 2; k++)
            for (size_t i = 0; i < vs.n && words[k] && !(words[k] >= lo && words[k] < hi); i++) {
                typed_obj obj;
                if (struct_at(t, words[k], vs.type[i], &obj))
                    copy_in(&m, &obj, COPY_DEPTH - 1);
            }
        a += n * 8;
    }
    if (m.n != 1)
        return false;
    *holder = m.holder;
    *at = m.at;
    return true;
}

/* The typed meaning of the parent's word at *at: the child's type, how the
 * parent declares it, the member path. false when the parent is untyped. */
static bool word_of(heap_typer *t, const typed_obj *p, uint64_t at, const typed_obj *child, dwarf_word *w,
                    uint64_t *elem_base)
{
    int64_t off = (int64_t)(at - p->data);
    if (at < p->data)
        return false;
    if (p->role == GMX_STEP_CLOSURE && p->recv) {
        *elem_base = p->data + 8;
        return off >= 8 && gmx_dwarf_types_word(t->types, p->recv, off - 8, w);
    }
    if (p->role == GMX_STEP_CLOSURE || p->frame) { /* a captured variable or a local, named as a member */
        dwarf_captured v;
        char path[sizeof(w->path) + sizeof(v.name) + 1];
        bool captured = !p->frame && p->of && off >= 8 && gmx_dwarf_types_captured(t->types, p->of, off, &v);
        if (!p->of || (!p->frame && off < 8) || !(captured || captured_fitting(t, p->of, off, child, &v)) ||
            !gmx_dwarf_types_word(t->types, v.type, off - v.off, w))
            return false;
        *elem_base = p->data + (uint64_t)v.off;
        snprintf(path, sizeof(path), ".%s%s", v.name, w->path);
        snprintf(w->path, sizeof(w->path), "%.*s", (int)sizeof(w->path) - 1, path);
        return true;
    }
    if (!p->type)
        return false;
    int64_t o = p->elem > 0 ? off % p->elem : off;
    *elem_base = p->data + (uint64_t)(off - o);
    return gmx_dwarf_types_word(t->types, p->type, o, w);
}

/* Swiss maps (Go 1.24+) of at most 8 entries have no directory: dirPtr
 * points to their one group. */
static void small_swiss(heap_typer *t, const typed_obj *p, typed_obj *out)
{
    uint64_t dir_len_type, groups_type, dir_len = 1;
    int64_t len_off = gmx_dwarf_types_member(t->types, p->type, "dirLen", &dir_len_type);
    if (len_off < 0 || !gmx_core_read_u64(t->c, p->data + (uint64_t)len_off, &dir_len) || dir_len)
        return;
    bool func;
    uint64_t table = gmx_dwarf_types_pointee(t->types, out->type, &func);
    if (gmx_dwarf_types_member(t->types, table, "groups.data", &groups_type) < 0)
        return;
    out->type = gmx_dwarf_types_pointee(t->types, groups_type, &func);
    out->role = GMX_STEP_MAP_GROUPS;
}

static void name_container(heap_typer *t, const typed_obj *p, const char *path, const char *type_name,
                           typed_obj *out, gmx_core_hold_step *st)
{
    char name[MAX_NAME];
    const char *owner = (p->span || p->static_temp) && p->role != GMX_STEP_CLOSURE
                            ? gmx_dwarf_types_name(t->types, p->type)
                            : p->of;
    (void)st;
    owner = owner ? owner : "";
    size_t h = strnlen(owner, MAX_NAME - 1), n = strlen(path);
    if (n >= 6 && strcmp(path + n - 6, ".array") == 0) /* a slice's data: the slice */
        n -= 6;
    if (h + n >= MAX_NAME)
        n = MAX_NAME - 1 - h;
    memcpy(name, owner, h);
    memcpy(name + h, path, n);
    name[h + n] = 0;
    out->container = keep(t, name);
    out->container_type = keep(t, type_name);
}

/* The standard library's containers whose internals (a sync.Map's read-only
 * map and entries, Go 1.24+'s hash-trie nodes; a list's elements) are not
 * what to bound: the struct member of that type is the container. */
static const char *const STD_CONTAINERS[] = { "sync.Map", "container/list.List", "container/ring.Ring" };

/* A channel type, as Go's DWARF names it ("chan T", "<-chan T", "chan<- T"):
 * a channel is a container too, its runtime struct and buffer its internals. */
static bool chan_type(const char *name)
{
    return starts(name, "chan ") || starts(name, "<-chan ") || starts(name, "chan<- ");
}

/* The channel's runtime struct: the linker's per-element "hchan<T>", or the
 * runtime's own. */
static bool chan_struct(const char *name)
{
    return starts(name, "hchan<") || strcmp(name, "runtime.hchan") == 0;
}

/* A type of those containers' internals (their packages, the maps inside, a
 * channel's struct and its waiters). */
static bool std_internal(const char *name)
{
    return starts(name, "sync.") || starts(name, "internal/sync.") || starts(name, "container/") ||
           starts(name, "hash<") || starts(name, "bucket<") || starts(name, "map<") || starts(name, "table<") ||
           starts(name, "*table<") || strstr(name, "map.group[") || starts(name, "group<") || chan_struct(name) ||
           starts(name, "sudog<") || starts(name, "waitq<");
}

/* A channel's buffer, reached from its runtime struct by .buf (an
 * unsafe.Pointer): an array of the element type the struct's elemtype (a
 * runtime type) gives, the channel's storage as a slice's array is the
 * slice's. false when the parent is not a channel's struct. */
static bool chan_buffer(heap_typer *t, const typed_obj *parent, const dwarf_word *w, typed_obj *out)
{
    if (!parent->type || !chan_struct(gmx_dwarf_types_name(t->types, parent->type)) || strcmp(w->path, ".buf") != 0)
        return false;
    uint64_t rt = 0;
    int64_t off = gmx_dwarf_types_member(t->types, parent->type, "elemtype", NULL);
    if (off >= 0 && gmx_core_read_u64(t->c, parent->data + (uint64_t)off, &rt) && runtime_type(t, rt))
        out->type = runtime_type(t, rt);
    return true;
}

/* When the member path from the typed parent to the child crosses a member
 * of a standard container type, the child begins that container's
 * internals: the container is that member (owner.pages, sync.Map). */
static void std_container(heap_typer *t, const typed_obj *parent, const char *path, typed_obj *out)
{
    char prefix[MAX_NAME];
    for (const char *p = strchr(path + 1, '.');; p = strchr(p + 1, '.')) {
        size_t n = p ? (size_t)(p - path) : strlen(path);
        uint64_t mtype = 0;
        if (n >= sizeof(prefix) || memchr(path, '[', n))
            return;
        memcpy(prefix, path, n);
        prefix[n] = 0;
        if (gmx_dwarf_types_member(t->types, parent->type, prefix + 1, &mtype) < 0)
            return;
        const char *name = gmx_dwarf_types_name(t->types, mtype);
        bool std = chan_type(name);
        for (size_t k = 0; k < sizeof(STD_CONTAINERS) / sizeof(*STD_CONTAINERS); k++)
            std = std || strcmp(name, STD_CONTAINERS[k]) == 0;
        if (std) {
            name_container(t, parent, prefix, name, out, NULL);
            out->inside = true;
            return;
        }
        if (!p)
            return;
    }
}

/* Whether elem, an element or pointed-to type, is a pointer to the type
 * named name (a tree's []*T of children). */
static bool points_to(heap_typer *t, uint64_t elem, const char *name)
{
    bool func;
    uint64_t to = elem ? gmx_dwarf_types_pointee(t->types, elem, &func) : 0;
    return to && !func && strcmp(gmx_dwarf_types_name(t->types, to), name) == 0;
}

/* Whether the declared type is a map whose values point to the type named
 * name (a tree's children keyed by name: map[string]*T). */
static bool map_to(heap_typer *t, uint64_t declared, const char *name)
{
    const char *m = declared ? gmx_dwarf_types_name(t->types, declared) : "";
    size_t mn = strlen(m), n = strlen(name);
    return starts(m, "map[") && mn > n + 2 && m[mn - n - 1] == '*' && m[mn - n - 2] == ']' &&
           strcmp(m + mn - n, name) == 0;
}

/* Whether the struct type has a member pointing to its own type (a list's
 * next, a tree's parent), to an array of pointers to it (a tree's children
 * slice) or a map of them (children by key) that is set in the object whose
 * value is at data. */
static bool linked(heap_typer *t, uint64_t type, uint64_t data)
{
    const char *name = gmx_dwarf_types_name(t->types, type);
    int64_t size = gmx_dwarf_types_size(t->types, type);
    dwarf_word w;
    uint64_t next;
    for (int64_t off = 0; off + 8 <= size; off += 8)
        if (gmx_dwarf_types_word(t->types, type, off, &w) && w.kind == DWORD_POINTER && w.target &&
            (strcmp(gmx_dwarf_types_name(t->types, w.target), name) == 0 || points_to(t, w.target, name) ||
             map_to(t, w.declared, name)) &&
            gmx_core_read_u64(t->c, data + (uint64_t)off, &next) && next)
            return true;
    return false;
}

/* A node's array of pointers to nodes of its type (a tree's children) is
 * part of the node's list or tree: its container's, not one of its own. */
static bool node_links(heap_typer *t, const typed_obj *parent, const typed_obj *out)
{
    return parent->linked && parent->type && out->type && gmx_dwarf_types_struct(t->types, parent->type) &&
           points_to(t, out->type, gmx_dwarf_types_name(t->types, parent->type));
}

/* A node's map of children of its type is part of the node's tree, as
 * its array of them is. */
static bool node_map(heap_typer *t, const typed_obj *parent, const dwarf_word *w)
{
    return parent->linked && parent->type && gmx_dwarf_types_struct(t->types, parent->type) &&
           map_to(t, w->declared, gmx_dwarf_types_name(t->types, parent->type));
}

/* A hand-written linked list (or tree): a struct reached through a pointer
 * member of another type, whose own member of its type (or array of
 * pointers to it) is set, begins one, and the member that holds it is the
 * container (owner.head, of its declared type); the nodes reached from a
 * node of the list, directly or through its children array, are its
 * elements. */
static void linked_container(heap_typer *t, const typed_obj *parent, const dwarf_word *w, typed_obj *out,
                             gmx_core_hold_step *st)
{
    if (out->container || w->kind != DWORD_POINTER || !gmx_dwarf_types_struct(t->types, out->type))
        return;
    const char *name = gmx_dwarf_types_name(t->types, out->type);
    bool from_node = parent->type && strcmp(gmx_dwarf_types_name(t->types, parent->type), name) == 0;
    bool from_links = parent->linked && ((parent->role == GMX_STEP_ARRAY && points_to(t, parent->type, name)) ||
                                         (map_internal(parent->role) && parent->role != GMX_STEP_MAP));
    if (from_node || from_links) {
        out->container = parent->container; /* a node reached from the one before */
        out->container_type = parent->container_type;
        out->linked = out->container != NULL;
    } else if (w->path[0] && linked(t, out->type, out->data)) {
        name_container(t, parent, w->path, gmx_dwarf_types_name(t->types, w->declared), out, st);
        out->linked = true;
    }
}

static void inherit_container(const typed_obj *parent, typed_obj *out)
{
    out->inside = true;
    out->container = parent->container;
    out->container_type = parent->container_type;
}

void gmx_heap_type_child(heap_typer *t, const typed_obj *parent, uint64_t addr, const heap_span *sp,
                         typed_obj *out, gmx_core_hold_step *st)
{
    *out = (typed_obj){ addr, data_of(t, sp, addr), addr + sp->elem, sp, 0, -1, 0, GMX_STEP_OBJECT,
                        NULL, NULL, NULL, false, false, false, false };
    if (!t->types)
        return;
    uint64_t at, elem_base = 0;
    dwarf_word w;
    bool known = parent->type || (parent->role == GMX_STEP_CLOSURE && (parent->recv || parent->of)) ||
                 (parent->frame && parent->of);
    bool typed = known && find_ref(t, parent, addr, addr + sp->elem, &at) &&
                 word_of(t, parent, at, out, &w, &elem_base);
    typed_obj copy; /* a frame's stale copy of a struct's member: typed as reached from the member */
    if (!typed && parent->frame && find_ref(t, parent, addr, addr + sp->elem, &at) &&
        frame_copy(t, parent, addr, addr + sp->elem, &copy, &at) &&
        word_of(t, &copy, at, out, &w, &elem_base)) {
        parent = &copy;
        typed = true;
    }
    const char *declared = typed ? gmx_dwarf_types_name(t->types, w.declared) : "";
    if (typed && w.kind == DWORD_POINTER) {
        out->type = w.target;
    }
    st->via = typed && w.path[0] ? keep(t, w.path) : NULL;
    if (typed && w.kind == DWORD_FUNC) {
        closure(t, out->data, declared, out, st);
    } else if (typed && (w.kind == DWORD_IFACE || w.kind == DWORD_EFACE)) {
        bool func = false;
        uint64_t dyn = dynamic_type(t, w.kind, elem_base + (uint64_t)w.type_word);
        uint64_t target = dyn ? gmx_dwarf_types_pointee(t->types, dyn, &func) : 0;
        declared = dyn ? gmx_dwarf_types_name(t->types, dyn) : "";
        if (func)
            closure(t, out->data, declared, out, st);
        else /* a pointer-shaped dynamic type is the data word itself, else it is boxed */
            out->type = target ? target : dyn;
    }
    bool chan_buf = typed && chan_buffer(t, parent, &w, out);
    if (typed && parent->type && w.path[0])
        std_container(t, parent, w.path, out);
    /* a channel a variable holds (a global, a frame's local, a captured one), not a
     * struct's member: the variable is the container, the channel's struct its internals */
    if (typed && !out->inside && (!parent->span || parent->role == GMX_STEP_CLOSURE) &&
        w.kind == DWORD_POINTER && chan_type(declared)) {
        name_container(t, parent, w.path, declared, out, NULL);
        out->inside = true;
    }
    if (!out->inside && parent->inside)
        inherit_container(parent, out);
    bool recorded = false;
    if (!out->type && out->role != GMX_STEP_CLOSURE) { /* what the runtime recorded */
        out->type = runtime_type(t, gmx_heap_object_type(t->c, t->l, t->s, sp, addr));
        recorded = out->type != 0;
    }
    if (out->inside && out->type && !std_internal(gmx_dwarf_types_name(t->types, out->type))) {
        out->inside = false; /* an element the container holds: no longer its internals */
        out->container = out->container_type = NULL;
    }
    if (chan_buf && parent->inside) { /* the channel's storage: the channel, its elements past it */
        out->inside = false;
        out->container = parent->container;
        out->container_type = parent->container_type;
    }
    st->container = out->container;
    st->container_type = out->container_type;
    if (!out->type)
        return;
    out->role = role_of(gmx_dwarf_types_name(t->types, out->type));
    if (parent->role == GMX_STEP_MAP && out->role == GMX_STEP_MAP_DIRECTORY)
        small_swiss(t, parent, out);
    const char *name = gmx_dwarf_types_name(t->types, out->type);
    out->elem = gmx_dwarf_types_size(t->types, out->type);
    /* several elements: a slice's array, or what the runtime allocated as
     * one; a struct reached by a plain pointer may just be longer (a
     * trailing array the code indexes itself) */
    size_t plen = typed ? strlen(w.path) : 0;
    bool slice = chan_buf || (plen >= 6 && strcmp(w.path + plen - 6, ".array") == 0);
    /* a pointer into the object, to a struct embedded in a larger one (time.Timer's
     * runtime timer), types the value from where it points, not from the object's start */
    uint64_t v = 0;
    if (typed && !recorded && !slice && out->role == GMX_STEP_OBJECT && out->elem > 0 &&
        (w.kind == DWORD_POINTER || w.kind == DWORD_IFACE || w.kind == DWORD_EFACE) &&
        gmx_dwarf_types_struct(t->types, out->type) && gmx_core_read_u64(t->c, at, &v) && v > out->data &&
        v < out->end && out->end - v >= (uint64_t)out->elem)
        out->data = v;
    if (out->role == GMX_STEP_OBJECT && out->elem > 0 && out->end - out->data >= 2 * (uint64_t)out->elem &&
        (slice || recorded || !gmx_dwarf_types_struct(t->types, out->type)))
        out->role = GMX_STEP_ARRAY;
    st->role = out->role;
    if (map_internal(out->role) && out->role != GMX_STEP_MAP && map_internal(parent->role)) {
        out->of = parent->of;
        out->container = parent->container;
        out->container_type = parent->container_type;
        out->linked = parent->linked; /* a tree's children map: its nodes are the tree's */
    } else if (out->role == GMX_STEP_MAP) {
        out->of = keep(t, starts(declared, "map[") ? declared : name);
        uint64_t n;
        int64_t count = gmx_dwarf_types_member(t->types, out->type, "count", NULL);
        if (count < 0)
            count = gmx_dwarf_types_member(t->types, out->type, "used", NULL);
        if (count >= 0 && gmx_core_read_u64(t->c, out->data + (uint64_t)count, &n))
            st->entries = n;
    } else if (map_internal(out->role)) {
        /* reached from outside its map (a word the walk could not type led to
         * it): the map its own type's name says, "map.group[K]V" of map[K]V */
        const char *g = strstr(name, "map.group[");
        char map[MAX_NAME];
        if (g) {
            snprintf(map, sizeof(map), "map%s", g + strlen("map.group"));
            out->of = keep(t, map);
        } else {
            out->role = st->role = GMX_STEP_OBJECT;
        }
    }
    st->of = out->of;
    st->what = keep(t, out->role == GMX_STEP_MAP ? out->of : name);
    if (typed && !out->container && ((out->role == GMX_STEP_ARRAY && node_links(t, parent, out)) ||
                                     (out->role == GMX_STEP_MAP && node_map(t, parent, &w)))) {
        out->container = parent->container;
        out->container_type = parent->container_type;
        out->linked = true;
    }
    if (typed && !out->container && (out->role == GMX_STEP_MAP || out->role == GMX_STEP_ARRAY)) {
        char array[MAX_NAME];
        snprintf(array, sizeof(array), "[]%s", name);
        name_container(t, parent, w.path, out->role == GMX_STEP_MAP ? out->of : array, out, st);
    }
    if (typed && out->role == GMX_STEP_OBJECT)
        linked_container(t, parent, &w, out, st);
    st->container = out->container;
    st->container_type = out->container_type;
}
