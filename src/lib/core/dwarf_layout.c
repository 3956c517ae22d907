/* Go's linker writes every type once, as a top-level DIE of some
 * compilation unit: the struct is found by name across the units, then
 * its members are followed one dotted component at a time. */
#include "core/dwarf_layout.h"
#include "core/dwarf_types.h"
#include "util/alloc.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <string.h>

enum { MAX_PATH = 128 };

struct dwarf_layout {
    Dwarf *dw;
    dwarf_types *index;      /* built on first lookup */
    bool no_index;           /* its build failed: scan the units */
    /* the last struct found: callers ask for several fields of one type */
    char last_name[MAX_PATH];
    Dwarf_Die last;
};

gmx_code gmx_dwarf_layout_open(const elf_file *bin, dwarf_layout **out, gmx_error *err)
{
    *out = NULL;
    Dwarf *dw = dwarf_begin_elf(bin->elf, DWARF_C_READ, NULL);
    if (!dw)
        return gmx_error_set(err, GMX_EFORMAT, "%s: the binary has no DWARF (built with -w or stripped)",
                             bin->name);
    dwarf_layout *d = gmx_calloc(1, sizeof(*d));
    if (!d) {
        dwarf_end(dw);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    d->dw = dw;
    *out = d;
    return GMX_OK;
}

void gmx_dwarf_layout_free(dwarf_layout *d)
{
    if (!d)
        return;
    gmx_dwarf_types_free(d->index);
    dwarf_end(d->dw);
    gmx_free(d);
}

dwarf_types *gmx_dwarf_layout_types(dwarf_layout *d)
{
    if (!d->index && !d->no_index) {
        d->index = gmx_dwarf_types_open(d);
        d->no_index = !d->index;
    }
    return d->index;
}

typedef struct struct_find {
    Dwarf *dw;
    Dwarf_Die *out;
} struct_find;

static bool is_struct(void *ctx, uint64_t off)
{
    struct_find *f = ctx;
    return dwarf_offdie(f->dw, (Dwarf_Off)off, f->out) && dwarf_tag(f->out) == DW_TAG_structure_type &&
           dwarf_haschildren(f->out);
}

/* The first struct called name with members, in unit order. */
static bool find_struct(dwarf_layout *d, const char *name, Dwarf_Die *out)
{
    dwarf_types *index = gmx_dwarf_layout_types(d);
    if (index) {
        struct_find f = { d->dw, out };
        return gmx_dwarf_types_each_named(index, name, is_struct, &f);
    }
    Dwarf *dw = d->dw;
    Dwarf_Off off = 0, next;
    size_t hsize;
    while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu, child;
        if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &child) == 0) {
            do {
                const char *n;
                if (dwarf_tag(&child) == DW_TAG_structure_type && (n = dwarf_diename(&child)) &&
                    strcmp(n, name) == 0 && dwarf_haschildren(&child)) {
                    *out = child;
                    return true;
                }
            } while (dwarf_siblingof(&child, &child) == 0);
        }
        off = next;
    }
    return false;
}

static bool find_member(Dwarf_Die *type, const char *name, size_t len, Dwarf_Die *member,
                        int64_t *offset)
{
    Dwarf_Die m;
    if (dwarf_child(type, &m) != 0)
        return false;
    do {
        const char *n = dwarf_diename(&m);
        Dwarf_Attribute at;
        Dwarf_Word off;
        if (dwarf_tag(&m) == DW_TAG_member && n && strlen(n) == len && memcmp(n, name, len) == 0 &&
            dwarf_attr(&m, DW_AT_data_member_location, &at) && dwarf_formudata(&at, &off) == 0) {
            *member = m;
            *offset = (int64_t)off;
            return true;
        }
    } while (dwarf_siblingof(&m, &m) == 0);
    return false;
}

/* The struct a member's type names, through Go's typedefs ("runtime.gobuf"
 * is a typedef of the struct). */
static bool member_struct(Dwarf_Die *member, Dwarf_Die *out)
{
    Dwarf_Die d = *member;
    for (int hops = 0; hops < 8; hops++) {
        Dwarf_Attribute at;
        if (!dwarf_attr_integrate(&d, DW_AT_type, &at) || !dwarf_formref_die(&at, &d))
            return false;
        if (dwarf_tag(&d) == DW_TAG_structure_type) {
            *out = d;
            return true;
        }
        if (dwarf_tag(&d) != DW_TAG_typedef)
            return false;
    }
    return false;
}

/* The type a DIE names (DW_AT_type), through typedefs and qualifiers. */
static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
    Dwarf_Die d = *die;
    for (int hops = 0; hops < 8; hops++) {
        Dwarf_Attribute at;
        if (!dwarf_attr_integrate(&d, DW_AT_type, &at) || !dwarf_formref_die(&at, &d))
            return false;
        int tag = dwarf_tag(&d);
        if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type) {
            *out = d;
            return true;
        }
    }
    return false;
}

static int64_t size_of(Dwarf_Die *type)
{
    Dwarf_Word size;
    return dwarf_aggregate_size(type, &size) == 0 && size <= INT64_MAX ? (int64_t)size : -1;
}

/* The member at path of the struct called type. */
static bool find_path(dwarf_layout *d, const char *type, const char *path, Dwarf_Die *m,
                      int64_t *offset)
{
    Dwarf_Die t;
    if (strcmp(d->last_name, type) == 0) {
        t = d->last;
    } else {
        if (strlen(type) >= sizeof(d->last_name) || !find_struct(d, type, &t))
            return false;
        memcpy(d->last_name, type, strlen(type) + 1);
        d->last = t;
    }
    int64_t total = 0;
    for (const char *p = path;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        int64_t off;
        if (len > MAX_PATH || !find_member(&t, p, len, m, &off))
            return false;
        total += off;
        if (!dot) {
            *offset = total;
            return true;
        }
        if (!member_struct(m, &t))
            return false;
        p = dot + 1;
    }
}

int64_t gmx_dwarf_layout_offset(dwarf_layout *d, const char *type, const char *path)
{
    Dwarf_Die m;
    int64_t off;
    return find_path(d, type, path, &m, &off) ? off : -1;
}

bool gmx_dwarf_layout_field(dwarf_layout *d, const char *type, const char *path, dwarf_field *out)
{
    Dwarf_Die m, t, e, p;
    *out = (dwarf_field){ -1, -1, -1, -1 };
    if (!find_path(d, type, path, &m, &out->offset))
        return false;
    if (!type_of(&m, &t))
        return true;
    out->size = size_of(&t);
    Dwarf_Die *ptr = NULL;
    if (dwarf_tag(&t) == DW_TAG_array_type && type_of(&t, &e)) {
        out->elem = size_of(&e);
        if (dwarf_tag(&e) == DW_TAG_pointer_type)
            ptr = &e;
    } else if (dwarf_tag(&t) == DW_TAG_pointer_type) {
        ptr = &t;
    }
    if (ptr && type_of(ptr, &p))
        out->target = size_of(&p);
    return true;
}

int64_t gmx_dwarf_layout_size(dwarf_layout *d, const char *type)
{
    Dwarf_Die t;
    if (strcmp(d->last_name, type) == 0)
        return size_of(&d->last);
    return find_struct(d, type, &t) ? size_of(&t) : -1;
}

static bool const_value(Dwarf_Die *die, int64_t *value)
{
    Dwarf_Attribute at;
    Dwarf_Sword v;
    if (!dwarf_attr(die, DW_AT_const_value, &at) || dwarf_formsdata(&at, &v) != 0)
        return false;
    *value = (int64_t)v;
    return true;
}

bool gmx_dwarf_layout_const(dwarf_layout *d, const char *name, int64_t *value)
{
    dwarf_types *index = gmx_dwarf_layout_types(d);
    if (index) {
        Dwarf_Die die;
        uint64_t off = gmx_dwarf_types_constant(index, name);
        return off && dwarf_offdie(d->dw, (Dwarf_Off)off, &die) && const_value(&die, value);
    }
    Dwarf_Off off = 0, next;
    size_t hsize;
    while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu, child;
        if (dwarf_offdie(d->dw, off + hsize, &cu) && dwarf_child(&cu, &child) == 0) {
            do {
                const char *n;
                if (dwarf_tag(&child) == DW_TAG_constant && (n = dwarf_diename(&child)) &&
                    strcmp(n, name) == 0 && const_value(&child, value))
                    return true;
            } while (dwarf_siblingof(&child, &child) == 0);
        }
        off = next;
    }
    return false;
}

struct Dwarf *gmx_dwarf_layout_dw(dwarf_layout *d)
{
    return d->dw;
}
