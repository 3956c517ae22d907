/* A protobuf wire-format writer, the counterpart of util/pbwire.h's reader.
 * Knows the wire format only (keys, varints, fixed32/64, length-delimited
 * fields, packed runs), not any schema. It appends to a gmx_buf, so the
 * buffer's maximum bounds what it writes; a failed append sets the buffer's
 * sticky `failed` flag, and every call after it does nothing, so a caller
 * checks once, at the end.
 *
 * Nested messages are written in place: gmx_pbw_begin reserves nothing and
 * returns a mark; gmx_pbw_end measures what was written since and inserts
 * the length varint before it (moving the message's bytes, which is cheap
 * for the small messages a profile nests). */
#ifndef GMX_UTIL_PBWRITE_H
#define GMX_UTIL_PBWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Bytes the varint encoding of v takes (1..10). */
size_t gmx_pbw_varint_size(uint64_t v);

/* A bare varint / a field key. */
void gmx_pbw_varint(gmx_buf *b, uint64_t v);
void gmx_pbw_key(gmx_buf *b, uint32_t field, int wiretype);

/* Scalar fields (key then value). int64 values are written as their
 * two's-complement uint64 (10 bytes when negative), as proto's int64 is. */
void gmx_pbw_uint(gmx_buf *b, uint32_t field, uint64_t v);
void gmx_pbw_int(gmx_buf *b, uint32_t field, int64_t v);
void gmx_pbw_bool(gmx_buf *b, uint32_t field, int v);
void gmx_pbw_fixed64(gmx_buf *b, uint32_t field, uint64_t v);
void gmx_pbw_fixed32(gmx_buf *b, uint32_t field, uint32_t v);
/* The same, but nothing when v is 0 (proto3's omitted default). */
void gmx_pbw_uint_opt(gmx_buf *b, uint32_t field, uint64_t v);
void gmx_pbw_int_opt(gmx_buf *b, uint32_t field, int64_t v);

/* A length-delimited field: bytes or a string. */
void gmx_pbw_bytes(gmx_buf *b, uint32_t field, const void *data, size_t len);
/* A packed run of varints (one length-delimited field); nothing when n is 0. */
void gmx_pbw_packed(gmx_buf *b, uint32_t field, const uint64_t *v, size_t n);

/* A nested message: begin writes its key and returns the mark to pass to
 * end once its fields are written. */
size_t gmx_pbw_begin(gmx_buf *b, uint32_t field);
void gmx_pbw_end(gmx_buf *b, size_t mark);

#endif
