/* The ELF identification and e_type, which sit at the same offsets in
 * 32- and 64-bit files; e_type's byte order is EI_DATA's. */
#include "gomemdx/elfsniff.h"

#include <string.h>

enum { EI_DATA = 5, ELFDATA2LSB = 1, ELFDATA2MSB = 2, E_TYPE = 16 };
enum { ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4 };

gmx_elf_kind gmx_elf_sniff(const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len < E_TYPE + 2 || memcmp(p, "\x7f" "ELF", 4) != 0)
        return GMX_ELF_NONE;
    unsigned type;
    if (p[EI_DATA] == ELFDATA2LSB)
        type = p[E_TYPE] | (unsigned)p[E_TYPE + 1] << 8;
    else if (p[EI_DATA] == ELFDATA2MSB)
        type = (unsigned)p[E_TYPE] << 8 | p[E_TYPE + 1];
    else
        return GMX_ELF_NONE;
    if (type == ET_CORE)
        return GMX_ELF_CORE;
    if (type == ET_EXEC || type == ET_DYN)
        return GMX_ELF_EXECUTABLE;
    return GMX_ELF_NONE;
}
