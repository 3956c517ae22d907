/* Naming raw code addresses: profiles written without function names (a
 * heap profile's legacy text with no "#" lines, a protobuf profile written
 * -symbolize=none) carry only the addresses of their frames. A symbolizer
 * names them (from an executable's .gopclntab: gmx_ingest_symbolizer);
 * the readers of those formats take one and count what it named. */
#ifndef GOMEMDX_SYMBOLIZE_H
#define GOMEMDX_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gmx_frame; /* gomemdx/goroutine.h, which includes this header */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_symbolizer {
    /* The source positions of the instruction at address (a call site:
     * a return pc minus one), innermost (inlined) first; at most max;
     * 0 when it cannot name it. Strings must outlive the reading. */
    size_t (*frames)(void *ctx, uint64_t address, struct gmx_frame *out, size_t max);
    void *ctx;
} gmx_symbolizer;

/* What a profile's raw addresses came to. */
typedef struct gmx_symbolized {
    uint64_t unnamed;      /* addresses without names, as read: the pcs of text
                            * records without "#" lines, the locations of a
                            * protobuf without lines */
    uint64_t named;        /* of those, named by the symbolizer */
    bool with_binary;      /* a symbolizer was given */
    bool other_build;      /* the profile's build ID is not the symbolizer's: nothing named */
} gmx_symbolized;

#ifdef __cplusplus
}
#endif

#endif
