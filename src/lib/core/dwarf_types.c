/* Go's static types from DWARF. Go's linker writes every type and global
 * once, as a top-level DIE of some unit, and tags each type with the
 * offset of its runtime type (DW_AT_go_runtime_type): one pass over the
 * top-level DIEs indexes them (sorted arrays, memory bounded by the DIE
 * count); members are then read on demand from the DIE offsets, which
 * libdw caches. Maps are described by the linker's synthesized structs
 * (hash<K,V> / bucket<K,V> up to Go 1.23, map<K,V> / table<K,V> / groups
 * from Go 1.24), so a map is followed like any struct. */
#include "core/dwarf_types.h"
#include "util/alloc.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DW_AT_GO_RUNTIME_TYPE = 0x2904, DW_AT_GO_CLOSURE_OFFSET = 0x2907, MAX_HOPS = 16, MAX_DEPTH = 64 };

typedef struct by_name {
    const char *name;        /* libdw's string, alive while the Dwarf is */
    uint64_t off;
} by_name;

typedef struct by_rt {
    uint64_t rt, off;
} by_rt;

struct dwarf_types {
    Dwarf *dw;
    by_name *vars, *types, *consts, *funcs;
    by_rt *rts;
    size_t nvars, ntypes, nconsts, nrts, nfuncs;
};

static int cmp_name(const void *a, const void *b)
{
    const by_name *x = a, *y = b;
    int d = strcmp(x->name, y->name);
    return d ? d : (x->off < y->off ? -1 : x->off > y->off);
}

static int cmp_rt(const void *a, const void *b)
{
    const by_rt *x = a, *y = b;
    return x->rt < y->rt ? -1 : x->rt > y->rt;
}

static uint64_t type_ref(Dwarf_Die *die)
{
    Dwarf_Attribute at;
    Dwarf_Die t;
    if (!dwarf_attr_integrate(die, DW_AT_type, &at) || !dwarf_formref_die(&at, &t))
        return 0;
    return dwarf_dieoffset(&t);
}

static bool push_name(by_name **arr, size_t *n, size_t *cap, const char *name, uint64_t off)
{
    if (gmx_array_reserve((void **)arr, cap, *n, sizeof(**arr)) != 0)
        return false;
    (*arr)[(*n)++] = (by_name){ name, off };
    return true;
}

static bool index_die(dwarf_types *t, Dwarf_Die *die, size_t caps[5])
{
    const char *name = dwarf_diename(die);
    int tag = dwarf_tag(die);
    if (!name)
        return true;
    if (tag == DW_TAG_constant)
        return push_name(&t->consts, &t->nconsts, &caps[3], name, dwarf_dieoffset(die));
    if (tag == DW_TAG_subprogram)
        return push_name(&t->funcs, &t->nfuncs, &caps[4], name, dwarf_dieoffset(die));
    if (tag == DW_TAG_variable) {
        uint64_t ty = type_ref(die);
        return !ty || push_name(&t->vars, &t->nvars, &caps[0], name, ty);
    }
    if (tag != DW_TAG_structure_type && tag != DW_TAG_typedef && tag != DW_TAG_pointer_type &&
        tag != DW_TAG_array_type && tag != DW_TAG_subroutine_type && tag != DW_TAG_base_type)
        return true;
    if (!push_name(&t->types, &t->ntypes, &caps[1], name, dwarf_dieoffset(die)))
        return false;
    Dwarf_Attribute at;
    Dwarf_Addr rt;
    if (dwarf_attr(die, DW_AT_GO_RUNTIME_TYPE, &at) && dwarf_formaddr(&at, &rt) == 0 && rt) {
        if (gmx_array_reserve((void **)&t->rts, &caps[2], t->nrts, sizeof(*t->rts)) != 0)
            return false;
        t->rts[t->nrts++] = (by_rt){ rt, dwarf_dieoffset(die) };
    }
    return true;
}

dwarf_types *gmx_dwarf_types_open(dwarf_layout *d)
{
    dwarf_types *t = gmx_calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->dw = gmx_dwarf_layout_dw(d);
    size_t caps[5] = { 0, 0, 0, 0, 0 };
    Dwarf_Off off = 0, next;
    size_t hsize;
    bool ok = true;
    while (ok && dwarf_nextcu(t->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu, child;
        if (dwarf_offdie(t->dw, off + hsize, &cu) && dwarf_child(&cu, &child) == 0) {
            do
                ok = index_die(t, &child, caps);
            while (ok && dwarf_siblingof(&child, &child) == 0);
        }
        off = next;
    }
    if (!ok) {
        gmx_dwarf_types_free(t);
        return NULL;
    }
    if (t->nvars)
        qsort(t->vars, t->nvars, sizeof(*t->vars), cmp_name);
    if (t->ntypes)
        qsort(t->types, t->ntypes, sizeof(*t->types), cmp_name);
    if (t->nconsts)
        qsort(t->consts, t->nconsts, sizeof(*t->consts), cmp_name);
    if (t->nfuncs)
        qsort(t->funcs, t->nfuncs, sizeof(*t->funcs), cmp_name);
    if (t->nrts)
        qsort(t->rts, t->nrts, sizeof(*t->rts), cmp_rt);
    return t;
}

void gmx_dwarf_types_free(dwarf_types *t)
{
    if (!t)
        return;
    gmx_free(t->vars);
    gmx_free(t->types);
    gmx_free(t->consts);
    gmx_free(t->funcs);
    gmx_free(t->rts);
    gmx_free(t);
}

/* The first entry called name (the lowest DIE offset), n when none. */
static size_t first_named(const by_name *arr, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(arr[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(arr[lo].name, name) == 0 ? lo : n;
}

static uint64_t find_name(const by_name *arr, size_t n, const char *name)
{
    size_t i = first_named(arr, n, name);
    return i < n ? arr[i].off : 0;
}

bool gmx_dwarf_types_each_named(dwarf_types *t, const char *name, bool (*fn)(void *ctx, uint64_t die),
                                void *ctx)
{
    for (size_t i = first_named(t->types, t->ntypes, name); i < t->ntypes && strcmp(t->types[i].name, name) == 0;
         i++)
        if (fn(ctx, t->types[i].off))
            return true;
    return false;
}

uint64_t gmx_dwarf_types_constant(dwarf_types *t, const char *name)
{
    return find_name(t->consts, t->nconsts, name);
}

uint64_t gmx_dwarf_types_global(dwarf_types *t, const char *name)
{
    return find_name(t->vars, t->nvars, name);
}

uint64_t gmx_dwarf_types_named(dwarf_types *t, const char *name)
{
    return find_name(t->types, t->ntypes, name);
}

uint64_t gmx_dwarf_types_runtime(dwarf_types *t, uint64_t off)
{
    by_rt key = { off, 0 };
    const by_rt *hit = t->nrts ? bsearch(&key, t->rts, t->nrts, sizeof(*t->rts), cmp_rt) : NULL;
    return hit ? hit->off : 0;
}

static bool die_at(dwarf_types *t, uint64_t off, Dwarf_Die *out)
{
    return off && dwarf_offdie(t->dw, (Dwarf_Off)off, out) != NULL;
}

/* The type behind typedefs and qualifiers. */
static bool resolve(dwarf_types *t, uint64_t type, Dwarf_Die *out)
{
    if (!die_at(t, type, out))
        return false;
    for (int hops = 0; hops < MAX_HOPS; hops++) {
        int tag = dwarf_tag(out);
        if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type)
            return true;
        if (!die_at(t, type_ref(out), out))
            return false;
    }
    return false;
}

const char *gmx_dwarf_types_name(dwarf_types *t, uint64_t type)
{
    Dwarf_Die d;
    const char *n = die_at(t, type, &d) ? dwarf_diename(&d) : NULL;
    return n ? n : "";
}

static int64_t size_of(Dwarf_Die *d)
{
    int tag = dwarf_tag(d);
    if (tag == DW_TAG_pointer_type || tag == DW_TAG_subroutine_type)
        return 8; /* Go: a word, a func value's pointer to its funcval */
    Dwarf_Word size;
    return dwarf_aggregate_size(d, &size) == 0 && size <= INT64_MAX ? (int64_t)size : -1;
}

int64_t gmx_dwarf_types_size(dwarf_types *t, uint64_t type)
{
    Dwarf_Die d;
    return resolve(t, type, &d) ? size_of(&d) : -1;
}

bool gmx_dwarf_types_struct(dwarf_types *t, uint64_t type)
{
    Dwarf_Die d;
    return resolve(t, type, &d) && dwarf_tag(&d) == DW_TAG_structure_type;
}

uint64_t gmx_dwarf_types_pointee(dwarf_types *t, uint64_t type, bool *func)
{
    Dwarf_Die d;
    *func = false;
    if (!resolve(t, type, &d))
        return 0;
    if (dwarf_tag(&d) == DW_TAG_subroutine_type)
        *func = true;
    return dwarf_tag(&d) == DW_TAG_pointer_type ? type_ref(&d) : 0;
}

static bool member_offset(Dwarf_Die *m, int64_t *off)
{
    Dwarf_Attribute at;
    Dwarf_Word w;
    if (!dwarf_attr(m, DW_AT_data_member_location, &at) || dwarf_formudata(&at, &w) != 0 ||
        w > INT64_MAX)
        return false;
    *off = (int64_t)w;
    return true;
}

int64_t gmx_dwarf_types_member(dwarf_types *t, uint64_t type, const char *path, uint64_t *mtype)
{
    int64_t total = 0;
    for (const char *p = path;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        Dwarf_Die s, m;
        bool found = false;
        if (!resolve(t, type, &s) || dwarf_tag(&s) != DW_TAG_structure_type || dwarf_child(&s, &m) != 0)
            return -1;
        do {
            const char *n = dwarf_diename(&m);
            int64_t off;
            if (dwarf_tag(&m) == DW_TAG_member && n && strlen(n) == len && memcmp(n, p, len) == 0 &&
                member_offset(&m, &off)) {
                total += off;
                type = type_ref(&m);
                found = true;
                break;
            }
        } while (dwarf_siblingof(&m, &m) == 0);
        if (!found)
            return -1;
        if (!dot) {
            if (mtype)
                *mtype = type;
            return total;
        }
        p = dot + 1;
    }
}

static void append(char *path, const char *piece)
{
    size_t n = strlen(path), k = strlen(piece);
    if (n + k < 128)
        memcpy(path + n, piece, k + 1);
}

/* The member of struct s holding byte off: its type, its offset. */
static bool member_at(Dwarf_Die *s, int64_t off, Dwarf_Die *m, int64_t *moff)
{
    if (dwarf_child(s, m) != 0)
        return false;
    do {
        Dwarf_Die mt;
        int64_t mo, size;
        if (dwarf_tag(m) != DW_TAG_member || !member_offset(m, &mo) || mo > off)
            continue;
        Dwarf_Attribute at;
        if (!dwarf_attr_integrate(m, DW_AT_type, &at) || !dwarf_formref_die(&at, &mt))
            continue;
        /* through typedefs for the size */
        for (int hops = 0; hops < MAX_HOPS && dwarf_tag(&mt) == DW_TAG_typedef; hops++)
            if (!dwarf_attr_integrate(&mt, DW_AT_type, &at) || !dwarf_formref_die(&at, &mt))
                break;
        size = size_of(&mt);
        if (size > 0 && off < mo + size) {
            *moff = mo;
            return true;
        }
    } while (dwarf_siblingof(m, m) == 0);
    return false;
}

/* The T of a zero-length member of type [0]*T of struct s: generic Go
 * wrappers of an unsafe.Pointer (sync/atomic.Pointer[T]) carry the type it
 * points to so; 0 when s has none. */
static uint64_t carried_pointee(dwarf_types *t, Dwarf_Die *s)
{
    Dwarf_Die m, a, e;
    if (dwarf_child(s, &m) != 0)
        return 0;
    do {
        if (dwarf_tag(&m) != DW_TAG_member || !resolve(t, type_ref(&m), &a) ||
            dwarf_tag(&a) != DW_TAG_array_type || size_of(&a) != 0)
            continue;
        if (resolve(t, type_ref(&a), &e) && dwarf_tag(&e) == DW_TAG_pointer_type && type_ref(&e))
            return type_ref(&e);
    } while (dwarf_siblingof(&m, &m) == 0);
    return 0;
}

bool gmx_dwarf_types_word(dwarf_types *t, uint64_t type, int64_t off, dwarf_word *out)
{
    memset(out, 0, sizeof(*out));
    int64_t base = 0;
    uint64_t carried = 0; /* the pointee the enclosing struct carries, see carried_pointee */
    char piece[96];
    for (int depth = 0; depth < MAX_DEPTH && off >= 0; depth++) {
        Dwarf_Die d, m;
        if (!resolve(t, type, &d))
            return false;
        out->declared = type;
        const char *name = dwarf_diename(&d);
        int64_t moff;
        switch (dwarf_tag(&d)) {
        case DW_TAG_pointer_type:
            out->kind = off == 0 ? DWORD_POINTER : DWORD_UNKNOWN;
            out->target = type_ref(&d);
            if (!out->target) /* unsafe.Pointer, typed only when its struct carries its pointee */
                out->target = carried;
            if (!out->target)
                out->kind = DWORD_UNKNOWN;
            return true;
        case DW_TAG_subroutine_type:
            out->kind = off == 0 ? DWORD_FUNC : DWORD_UNKNOWN;
            return true;
        case DW_TAG_structure_type:
            if (name && (strcmp(name, "runtime.iface") == 0 || strcmp(name, "runtime.eface") == 0)) {
                out->kind = off == 8 ? (name[8] == 'i' ? DWORD_IFACE : DWORD_EFACE) : DWORD_UNKNOWN;
                out->type_word = base;
                return true;
            }
            if (!member_at(&d, off, &m, &moff))
                return false;
            carried = carried_pointee(t, &d);
            snprintf(piece, sizeof(piece), ".%s", dwarf_diename(&m) ? dwarf_diename(&m) : "?");
            append(out->path, piece);
            type = type_ref(&m);
            off -= moff;
            base += moff;
            break;
        case DW_TAG_array_type: {
            Dwarf_Die e;
            int64_t es;
            type = type_ref(&d);
            if (!resolve(t, type, &e) || (es = size_of(&e)) <= 0)
                return false;
            carried = 0;
            snprintf(piece, sizeof(piece), "[%lld]", (long long)(off / es));
            append(out->path, piece);
            base += off / es * es;
            off %= es;
            break;
        }
        default:
            out->kind = DWORD_UNKNOWN;
            return true;
        }
    }
    return false;
}

/* Where variable v lies in the closure's context, when recorded. */
static bool closure_offset(Dwarf_Die *v, int64_t *off)
{
    Dwarf_Attribute at;
    Dwarf_Word w;
    if (!dwarf_attr(v, DW_AT_GO_CLOSURE_OFFSET, &at) || dwarf_formudata(&at, &w) != 0 || w > INT64_MAX)
        return false;
    *off = (int64_t)w;
    return true;
}

/* The first variable of function fn's own scope, into v. */
static bool first_variable(dwarf_types *t, const char *fn, Dwarf_Die *v)
{
    Dwarf_Die f;
    uint64_t fo = find_name(t->funcs, t->nfuncs, fn);
    return fo && die_at(t, fo, &f) && dwarf_child(&f, v) == 0;
}

bool gmx_dwarf_types_captured(dwarf_types *t, const char *fn, int64_t off, dwarf_captured *out)
{
    Dwarf_Die v;
    if (!first_variable(t, fn, &v))
        return false;
    do {
        const char *name = dwarf_diename(&v);
        uint64_t type = type_ref(&v);
        int64_t at_off, size = type ? gmx_dwarf_types_size(t, type) : -1;
        if (dwarf_tag(&v) == DW_TAG_variable && name && closure_offset(&v, &at_off) && size > 0 &&
            off >= at_off && off < at_off + size) {
            out->off = at_off;
            out->type = type;
            snprintf(out->name, sizeof(out->name), "%s", name);
            return true;
        }
    } while (dwarf_siblingof(&v, &v) == 0);
    return false;
}

bool gmx_dwarf_types_each_variable(dwarf_types *t, const char *fn,
                                   bool (*cb)(void *ctx, const char *name, uint64_t type), void *ctx)
{
    Dwarf_Die v;
    if (!first_variable(t, fn, &v))
        return false;
    do {
        const char *name = dwarf_diename(&v);
        if (dwarf_tag(&v) == DW_TAG_variable && name && cb(ctx, name, type_ref(&v)))
            return true;
    } while (dwarf_siblingof(&v, &v) == 0);
    return false;
}
