/* The heap profile reducer's insides, shared by its two passes: the
 * top-level fields (heap_reduce.c) and the samples (heap_reduce_sites.c). */
#ifndef GMX_INGEST_HEAP_REDUCE_IMPL_H
#define GMX_INGEST_HEAP_REDUCE_IMPL_H

#include "ingest/heap_reduce.h"
#include "util/alloc.h"
#include "util/pbwire.h"
#include "util/str.h"

#include <string.h>

/* Sample types and mappings a profile may have here (Go writes 2 or 4
 * sample types and a few mappings); more is declined. */
enum { REDUCE_MAX_TYPES = 16, REDUCE_MAX_MAPPINGS = 64 };

enum { REDUCE_INUSE_OBJECTS, REDUCE_INUSE_BYTES, REDUCE_ALLOC_OBJECTS, REDUCE_ALLOC_BYTES };

typedef struct reducer {
    const uint8_t *data;
    size_t len;
    heap_reduce_scratch *s;
    size_t nstrings, nsamples, nlocs, nlines, nfns;
    /* The largest string index and function id any field names (as
     * uint64: a negative index is out of range too). */
    uint64_t max_string, max_fn;
    uint64_t mappings[REDUCE_MAX_MAPPINGS], mapping_refs[REDUCE_MAX_MAPPINGS];
    size_t nmappings, nmapping_refs;
    uint64_t types[REDUCE_MAX_TYPES]; /* sample types' type string indexes */
    size_t ntypes;
    uint64_t drop_frames, default_type;
    int64_t time_nanos, period;
    int col[4];                       /* by REDUCE_*: the sample type's index, or -1 */
} reducer;

/* Room for element n of *arr (cap elements of elem bytes). Inline: it is
 * asked once per string, location, line and sample. */
static inline bool gmx_heap_reduce_grow(void *arr, size_t *cap, size_t n, size_t elem)
{
    return n < *cap || gmx_array_reserve((void **)arr, cap, n, elem) == 0;
}

/* A varint field (the decoder's int_field: any other wire type fails). */
static inline bool uint_field(gmx_pb *m, int wt, uint64_t *v)
{
    return wt == GMX_PB_VARINT && gmx_pb_varint(m, v) == GMX_PB_OK;
}

static inline bool sub(gmx_pb *m, int wt, gmx_pb *out)
{
    return wt == GMX_PB_LEN && gmx_pb_sub(m, out) == GMX_PB_OK;
}

static inline bool skip(gmx_pb *m, int wt)
{
    return gmx_pb_skip(m, wt) == GMX_PB_OK;
}

/* A message (wire type wt) whose fields 1..n are varints: each into
 * fields[num - 1] (0 when absent, the last when repeated), any other field
 * skipped; false when a listed field is not a varint or the bytes are bad.
 * Inline, so that each caller's n is a constant: a profile has a line
 * message per frame of every location. */
static inline bool gmx_heap_reduce_varints(gmx_pb *pb, int wt, uint64_t *fields, uint32_t n)
{
    gmx_pb m;
    memset(fields, 0, n * sizeof(*fields));
    if (!sub(pb, wt, &m))
        return false;
    while (!gmx_pb_eof(&m)) {
        uint32_t num;
        int fwt;
        if (gmx_pb_key(&m, &num, &fwt) != GMX_PB_OK)
            return false;
        if (!(num >= 1 && num <= n ? uint_field(&m, fwt, &fields[num - 1]) : skip(&m, fwt)))
            return false;
    }
    return true;
}

/* String i of the table (i < nstrings). */
gmx_str gmx_heap_reduce_string(const reducer *r, uint64_t i);
/* Reads every sample into its site and fills out; false to decline. */
bool gmx_heap_reduce_sites(reducer *r, heap_reduced *out);

#endif
