/* The Go runtime's own symbol table (.gopclntab), Go 1.18 to 1.27: pc to
 * function, file and line (inlined calls expanded), function entries, and
 * the pc-to-SP-delta table a stack unwinder needs.
 *
 * The reader holds views into the bytes it is given (which must outlive
 * it) and never reads outside them: a corrupt table makes lookups fail,
 * never crash. */
#ifndef GOMEMDX_PCLNTAB_H
#define GOMEMDX_PCLNTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/str.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_pclntab gmx_pclntab;

/* One function of the table. */
typedef struct gmx_pcfunc {
    uint64_t entry;     /* address of its first instruction */
    gmx_str name;       /* "main.(*T).run" */
    uint8_t funcid;     /* the runtime's abi.FuncID (numbering varies by version) */
    uint8_t flags;      /* abi.FuncFlag: GMX_PCFUNC_TOPFRAME, ... */
    uint32_t off;       /* private: where its record is in the table */
} gmx_pcfunc;

#define GMX_PCFUNC_TOPFRAME 0x1 /* goexit, mstart, rt0_go: nothing calls it */
#define GMX_PCFUNC_SPWRITE 0x2  /* writes SP (mcall, morestack): its caller is not
                                 * found by SP deltas */

/* One source position of a pc: a function, or a call inlined into it. */
typedef struct gmx_pcframe {
    gmx_str func;
    gmx_str file;
    uint32_t line;
    uint8_t funcid;
    bool inlined;       /* an inlined call, not a real stack frame */
} gmx_pcframe;

/* Opens the table held in (data, len), the bytes of the .gopclntab section.
 * text_start is the address function entries are offsets from (the start
 * of .text, moduledata.text); 0 means the header's own field (Go 1.18 to
 * 1.26 record it there). name is for error messages. Unsupported versions
 * and damaged headers are GMX_EFORMAT. *out is the caller's. */
gmx_code gmx_pclntab_open(const char *name, const void *data, size_t len, uint64_t text_start,
                          gmx_pclntab **out, gmx_error *err);
void gmx_pclntab_free(gmx_pclntab *t);

/* 118 for the Go 1.18-1.19 layout (magic 0xfffffff0), 120 for 1.20+ (0xfffffff1). */
int gmx_pclntab_layout(const gmx_pclntab *t);

/* Gives the reader the bytes of go:func.* (moduledata.gofunc at address
 * base), where inlining trees live; without them calls inlined into a
 * function are not expanded. The bytes must outlive the reader. */
void gmx_pclntab_set_gofunc(gmx_pclntab *t, uint64_t base, const void *data, size_t len);

/* Number of functions in the table. */
size_t gmx_pclntab_count(const gmx_pclntab *t);

/* The function holding pc; false when pc is outside the table. */
bool gmx_pclntab_find(const gmx_pclntab *t, uint64_t pc, gmx_pcfunc *f);

/* The i-th function in address order (i < gmx_pclntab_count). */
bool gmx_pclntab_func(const gmx_pclntab *t, size_t i, gmx_pcfunc *f);

/* The function's frame size at pc: SP at pc minus SP at entry (bytes).
 * false when the table cannot say. */
bool gmx_pclntab_spdelta(const gmx_pclntab *t, const gmx_pcfunc *f, uint64_t pc, int32_t *delta);

/* File and line of pc in f (the innermost inlined position). */
bool gmx_pclntab_line(const gmx_pclntab *t, const gmx_pcfunc *f, uint64_t pc, gmx_str *file,
                      uint32_t *line);

/* The source positions of pc, innermost first: the calls inlined at pc, then
 * f itself. Writes at most max; returns how many (0 when pc has no line). */
size_t gmx_pclntab_frames(const gmx_pclntab *t, const gmx_pcfunc *f, uint64_t pc,
                          gmx_pcframe *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif
