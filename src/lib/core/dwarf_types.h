/* Go's static types as the binary's DWARF describes them, for naming what
 * the heap's objects are: the type of a global, the type the runtime
 * records for an object (DW_AT_go_runtime_type), the member at a byte
 * offset of a type. Types are handed out as DIE offsets (0: unknown), read
 * lazily through libdw, which caches the DIEs it has read. */
#ifndef GMX_CORE_DWARF_TYPES_H
#define GMX_CORE_DWARF_TYPES_H

#include "core/dwarf_layout.h"

typedef struct dwarf_types dwarf_types;

/* Indexes the top-level DIEs of d: global variables, constants and
 * functions by name, types by name and by runtime type offset. NULL when out of memory.
 * gmx_dwarf_layout_types gives the one d keeps. */
dwarf_types *gmx_dwarf_types_open(dwarf_layout *d);
void gmx_dwarf_types_free(dwarf_types *t);

/* The type of the global variable called name; 0 when unknown. */
uint64_t gmx_dwarf_types_global(dwarf_types *t, const char *name);
/* The type called name ("*main.Pricer", "main.Quote"); 0 when unknown. */
uint64_t gmx_dwarf_types_named(dwarf_types *t, const char *name);
/* Calls fn with each top-level type DIE called name (lowest offset, that
 * is unit order, first) until it returns true; false when none did. */
bool gmx_dwarf_types_each_named(dwarf_types *t, const char *name, bool (*fn)(void *ctx, uint64_t die),
                                void *ctx);
/* The DIE of the package constant called name (DW_TAG_constant); 0 when none. */
uint64_t gmx_dwarf_types_constant(dwarf_types *t, const char *name);
/* The type whose runtime type lies at offset off of the module's types
 * section; 0 when unknown. */
uint64_t gmx_dwarf_types_runtime(dwarf_types *t, uint64_t off);

/* The type's name as Go writes it (typedefs keep theirs); "" when none. */
const char *gmx_dwarf_types_name(dwarf_types *t, uint64_t type);
/* Its byte size, through typedefs; -1 when unknown. */
int64_t gmx_dwarf_types_size(dwarf_types *t, uint64_t type);

/* What a word at a byte offset of a type holds. */
typedef enum dwarf_word_kind {
    DWORD_UNKNOWN,   /* not a pointer DWARF can name (unsafe.Pointer, padding) */
    DWORD_POINTER,   /* a pointer: target is what it points to */
    DWORD_FUNC,      /* a func value: it points to a funcval (code pointer first) */
    DWORD_IFACE,     /* an interface's data word: its dynamic type is in the itab */
    DWORD_EFACE      /* an empty interface's data word: its dynamic type is beside it */
} dwarf_word_kind;

typedef struct dwarf_word {
    dwarf_word_kind kind;
    char path[128];          /* the members from the type to the word: ".tree.handler" */
    uint64_t declared;       /* the type the member is declared with (a map, a func type, ...) */
    uint64_t target;         /* DWORD_POINTER: the type pointed to (0: unknown) */
    int64_t type_word;       /* DWORD_IFACE/EFACE: offset of the itab or type word in the type */
} dwarf_word;

/* The word at byte off of type (an element's offset within an array of
 * them is taken modulo its size by the caller). false when off is outside
 * the type or DWARF is malformed. */
bool gmx_dwarf_types_word(dwarf_types *t, uint64_t type, int64_t off, dwarf_word *out);

/* A variable a closure captured: where it lies in the closure's context
 * (past the code pointer at 0), its type (a pointer for one captured by
 * reference, named "&x"), its name. */
typedef struct dwarf_captured {
    int64_t off;
    uint64_t type;
    char name[64];
} dwarf_captured;

/* The captured variable of closure function fn (its DWARF subprogram)
 * holding byte off of its context, as Go 1.23+ records where each lies
 * (DW_AT_go_closure_offset); false when none does, or none is recorded. */
bool gmx_dwarf_types_captured(dwarf_types *t, const char *fn, int64_t off, dwarf_captured *out);

/* Calls cb with each variable of function fn's DWARF subprogram (its own
 * scope, not its parameters) until it returns true; false when none did. */
bool gmx_dwarf_types_each_variable(dwarf_types *t, const char *fn,
                                   bool (*cb)(void *ctx, const char *name, uint64_t type), void *ctx);

/* The offset of member path (dotted) of the struct type, through typedefs;
 * -1 when absent. */
int64_t gmx_dwarf_types_member(dwarf_types *t, uint64_t type, const char *path, uint64_t *mtype);

/* Whether the type is a struct (through typedefs). */
bool gmx_dwarf_types_struct(dwarf_types *t, uint64_t type);

/* The type a pointer type points to (through typedefs); 0 when type is not
 * a pointer. A func type (a pointer to its funcval) gives 0 and sets *func. */
uint64_t gmx_dwarf_types_pointee(dwarf_types *t, uint64_t type, bool *func);

#endif
