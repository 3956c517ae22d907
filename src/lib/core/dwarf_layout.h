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

#endif
