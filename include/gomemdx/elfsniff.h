/* ELF files: core dumps (GOTRACEBACK=crash, gcore) and the executables
 * they come from. Only recognised here, so that a command given one can
 * say what it is and which command reads it. */
#ifndef GOMEMDX_ELFSNIFF_H
#define GOMEMDX_ELFSNIFF_H

#include <stddef.h>

typedef enum gmx_elf_kind {
    GMX_ELF_NONE = 0,       /* not ELF, or an ELF file that is neither below */
    GMX_ELF_CORE,           /* e_type ET_CORE */
    GMX_ELF_EXECUTABLE      /* e_type ET_EXEC, or ET_DYN (a PIE executable or a library) */
} gmx_elf_kind;

/* What the ELF header at the start of (data, len) says. Cheap; for sniffing. */
gmx_elf_kind gmx_elf_sniff(const void *data, size_t len);

#endif
