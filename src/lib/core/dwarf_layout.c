/* Go's linker writes every type once, as a top-level DIE of some
 * compilation unit: the struct is found by name across the units, then
 * its members are followed one dotted component at a time. */
#include "core/dwarf_layout.h"
#include "util/alloc.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <string.h>

enum { MAX_PATH = 128 };

struct dwarf_layout {
    Dwarf *dw;
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
    dwarf_end(d->dw);
    gmx_free(d);
}

static bool find_struct(Dwarf *dw, const char *name, Dwarf_Die *out)
{
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

int64_t gmx_dwarf_layout_offset(dwarf_layout *d, const char *type, const char *path)
{
    Dwarf_Die t, m;
    if (strcmp(d->last_name, type) == 0) {
        t = d->last;
    } else {
        if (strlen(type) >= sizeof(d->last_name) || !find_struct(d->dw, type, &t))
            return -1;
        memcpy(d->last_name, type, strlen(type) + 1);
        d->last = t;
    }
    int64_t total = 0;
    for (const char *p = path;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        int64_t off;
        if (len > MAX_PATH || !find_member(&t, p, len, &m, &off))
            return -1;
        total += off;
        if (!dot)
            return total;
        if (!member_struct(&m, &t))
            return -1;
        p = dot + 1;
    }
}
