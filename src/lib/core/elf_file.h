/* An ELF file held in memory (a core or an executable), read with libelf:
 * its loadable segments, sections, symbols and, for a core, its threads. */
#ifndef GMX_CORE_ELF_FILE_H
#define GMX_CORE_ELF_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libelf.h>

#include "gomemdx/error.h"
#include "gomemdx/str.h"

typedef struct elf_segment {
    uint64_t vaddr, memsz;  /* the mapping */
    uint64_t offset, filesz; /* the bytes of it in the file; the rest reads as absent */
} elf_segment;

/* One thread of a core (NT_PRSTATUS). */
typedef struct core_thread {
    uint32_t tid;
    int signal;             /* pending signal: the one that killed it, or 0 */
    uint64_t pc, sp;
} core_thread;

typedef struct elf_file {
    const char *name;
    const uint8_t *data;
    size_t len;
    Elf *elf;
    int type;               /* ET_CORE, ET_EXEC, ET_DYN */
    elf_segment *segs;
    size_t nsegs;
    uint8_t *copy;          /* the bytes, when gmx_elf_file_open was asked to copy them */
    uint64_t needed;        /* file size its segments need: more than len when cut */
} elf_file;

/* Opens (data, len) as a little-endian x86-64 ELF64 file. Anything else is
 * GMX_EFORMAT naming the file and what is wrong. With copy, the file works
 * on its own copy of the bytes: libdw decompresses DWARF sections in place,
 * which read-only mapped bytes do not allow. */
gmx_code gmx_elf_file_open(elf_file *f, const char *name, const void *data, size_t len, bool copy,
                       gmx_error *err);
void gmx_elf_file_release(elf_file *f);

/* The section called name: its address and its bytes in the file (empty
 * for SHT_NOBITS). false when absent or out of the file's bounds. */
bool gmx_elf_file_section(const elf_file *f, const char *name, uint64_t *addr, gmx_str *bytes);

/* The symbol called name in .symtab: its value and size. */
bool gmx_elf_file_symbol(const elf_file *f, const char *name, uint64_t *value, uint64_t *size);

/* The data symbols (STT_OBJECT) of .symtab whose value lies in [lo, hi),
 * sorted by value (the largest first among equals). Names point into the
 * file. *out is the caller's (gmx_free). */
typedef struct elf_symbol {
    uint64_t value, size;
    const char *name;
} elf_symbol;
gmx_code gmx_elf_file_symbols_in(const elf_file *f, uint64_t lo, uint64_t hi, elf_symbol **out,
                                 size_t *count, gmx_error *err);

/* True when the file has a .symtab at all. */
bool gmx_elf_file_has_symtab(const elf_file *f);

/* The bytes at vaddr..vaddr+n in the file's segments, or NULL when not all
 * of them are held in one segment's file part. */
const uint8_t *gmx_elf_file_at(const elf_file *f, uint64_t vaddr, uint64_t n);

/* The bytes from vaddr to the end of the segment's file part that holds
 * it, in *n; NULL when no segment holds vaddr. */
const uint8_t *gmx_elf_file_span(const elf_file *f, uint64_t vaddr, size_t *n);

/* True when vaddr lies in a segment's memory (held in the file or not). */
bool gmx_elf_file_maps(const elf_file *f, uint64_t vaddr);

/* The build ID in the note of type 'type' named 'owner' ("Go" 4, "GNU" 3),
 * from the file's sections. */
bool gmx_elf_file_build_id(const elf_file *f, const char *owner, uint32_t type, gmx_str *id);

/* The threads of a core, in note order (the first is the one that
 * crashed). *out is the caller's (gmx_free). */
gmx_code gmx_elf_core_threads(const elf_file *f, core_thread **out, size_t *n, gmx_error *err);

#endif
