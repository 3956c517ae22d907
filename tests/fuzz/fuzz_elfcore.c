/* Fuzz target: an ELF core (or executable) through the core module's ELF
 * reader: header, program headers, notes (threads, build IDs), sections,
 * symbols and reads of mapped memory. */
#include <stddef.h>
#include <stdint.h>

#include "core/elf_file.h"
#include "util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    elf_file f;
    gmx_error err;
    if (gmx_elf_file_open(&f, "fuzz", data, size, true, &err) == GMX_OK) {
        core_thread *threads = NULL;
        size_t n = 0;
        if (gmx_elf_core_threads(&f, &threads, &n, &err) == GMX_OK)
            gmx_free(threads);
        uint64_t addr, value, sz;
        gmx_str bytes, id;
        size_t avail;
        gmx_elf_file_section(&f, ".gopclntab", &addr, &bytes);
        gmx_elf_file_build_id(&f, "Go", 4, &id);
        gmx_elf_file_build_id(&f, "GNU", 3, &id);
        gmx_elf_file_symbol(&f, "runtime.allgs", &value, &sz);
        for (size_t i = 0; i < f.nsegs && i < 64; i++) {
            gmx_elf_file_at(&f, f.segs[i].vaddr, 8);
            gmx_elf_file_span(&f, f.segs[i].vaddr + 1, &avail);
            gmx_elf_file_maps(&f, f.segs[i].vaddr + f.segs[i].memsz - 1);
        }
    }
    gmx_elf_file_release(&f);
    return 0;
}
