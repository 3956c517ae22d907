/* Field offsets of the runtime's structures (runtime.g, runtime.gobuf,
 * runtime.stack, ...) as the binary's DWARF describes them, so that no
 * offset is hard-coded per Go version. */
#ifndef GMX_CORE_DWARF_LAYOUT_H
#define GMX_CORE_DWARF_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/elf_file.h"
#include "gomemdx/error.h"

typedef struct dwarf_layout dwarf_layout;

/* Reads the DWARF of bin. GMX_EFORMAT when it has none (stripped with -w). */
gmx_code gmx_dwarf_layout_open(const elf_file *bin, dwarf_layout **out, gmx_error *err);
void gmx_dwarf_layout_free(dwarf_layout *d);

/* Offset of a field of the struct type called type: path names nested
 * fields with dots ("sched.pc"). -1 when the type or a field is missing. */
int64_t gmx_dwarf_layout_offset(dwarf_layout *d, const char *type, const char *path);

/* A field as gmx_dwarf_layout_offset finds it, with the sizes of its type:
 * size its byte size; for an array, elem its element's size; for a pointer
 * or an array of pointers, target the size of what the pointer points to.
 * -1 for what does not apply or is unknown. */
typedef struct dwarf_field {
    int64_t offset, size, elem, target;
} dwarf_field;
bool gmx_dwarf_layout_field(dwarf_layout *d, const char *type, const char *path, dwarf_field *out);

/* The byte size of the struct type called type, -1 when unknown. */
int64_t gmx_dwarf_layout_size(dwarf_layout *d, const char *type);

/* The value of the package-level constant called name ("runtime.pageSize"),
 * which Go's compiler writes into DWARF. */
bool gmx_dwarf_layout_const(dwarf_layout *d, const char *name, int64_t *value);

/* The libdw handle, for the readers of Go's types (dwarf_types.c). */
struct Dwarf *gmx_dwarf_layout_dw(dwarf_layout *d);

/* The index of the top-level DIEs (dwarf_types.h), built on first use and
 * kept with d; NULL when it could not be built (out of memory). Lookups by
 * name go through it rather than a scan of every unit per name. */
struct dwarf_types *gmx_dwarf_layout_types(dwarf_layout *d);

#endif
