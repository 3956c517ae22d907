/* A bounds-checked protobuf wire-format reader. Knows the wire format only
 * (varints, fixed32/64, length-delimited fields, groups), not any schema.
 *
 * A gmx_pb walks one message's bytes; it never reads outside [p, end).
 * Every call returns a gmx_pb_status; on failure the reader's position is
 * left where the bad bytes start, so gmx_pb_offset() names them. Offsets are
 * relative to `origin`, the start of the whole buffer the message lives in,
 * so errors in nested messages still point into the whole input. */
#ifndef GMX_UTIL_PBWIRE_H
#define GMX_UTIL_PBWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum gmx_pb_status {
    GMX_PB_OK = 0,
    GMX_PB_TRUNCATED,      /* the message ends inside a field */
    GMX_PB_OVERLONG,       /* a varint longer than 10 bytes or over 64 bits */
    GMX_PB_BAD_WIRETYPE,   /* wire type 6 or 7, or an unmatched end-group */
    GMX_PB_BAD_FIELD,      /* field number 0 */
    GMX_PB_BAD_LENGTH,     /* a length past the end of the message */
    GMX_PB_TOO_DEEP,       /* groups nested deeper than GMX_PB_MAX_DEPTH */
    GMX_PB_WRONG_TYPE      /* the wire type does not fit the field (caller's check) */
} gmx_pb_status;

enum gmx_pb_wiretype {
    GMX_PB_VARINT = 0,
    GMX_PB_FIXED64 = 1,
    GMX_PB_LEN = 2,
    GMX_PB_SGROUP = 3,
    GMX_PB_EGROUP = 4,
    GMX_PB_FIXED32 = 5
};

#define GMX_PB_MAX_DEPTH 64

typedef struct gmx_pb {
    const uint8_t *p;       /* next unread byte */
    const uint8_t *end;     /* one past the message */
    const uint8_t *origin;  /* start of the whole buffer, for offsets */
} gmx_pb;

/* A reader over (data, len); offsets count from data. */
void gmx_pb_init(gmx_pb *r, const void *data, size_t len);

static inline bool gmx_pb_eof(const gmx_pb *r)
{
    return r->p >= r->end;
}

static inline uint64_t gmx_pb_offset(const gmx_pb *r)
{
    return (uint64_t)(r->p - r->origin);
}

/* A short English description ("varint longer than 10 bytes"). Static. */
const char *gmx_pb_strerror(gmx_pb_status s);

/* The slow path of gmx_pb_varint; callers use gmx_pb_varint. */
gmx_pb_status gmx_pb_varint_slow(gmx_pb *r, uint64_t *v);

/* Varints of up to five bytes (ids, counts, addresses, most values of a
 * profile) are decoded inline; longer ones, and any near the end, by the
 * slow path. */
static inline gmx_pb_status gmx_pb_varint(gmx_pb *r, uint64_t *v)
{
    const uint8_t *p = r->p;
    if (r->end - p >= 3) {
        uint64_t b0 = p[0], b1 = p[1], b2 = p[2];
        if (b0 < 0x80) {
            *v = b0;
            r->p = p + 1;
            return GMX_PB_OK;
        }
        if (b1 < 0x80) {
            *v = (b0 & 0x7f) | b1 << 7;
            r->p = p + 2;
            return GMX_PB_OK;
        }
        if (b2 < 0x80) {
            *v = (b0 & 0x7f) | (b1 & 0x7f) << 7 | b2 << 14;
            r->p = p + 3;
            return GMX_PB_OK;
        }
        /* Four and five bytes: a location's address in most executables. */
        if (r->end - p >= 5) {
            uint64_t b3 = p[3], b4 = p[4];
            uint64_t low = (b0 & 0x7f) | (b1 & 0x7f) << 7 | (b2 & 0x7f) << 14;
            if (b3 < 0x80) {
                *v = low | b3 << 21;
                r->p = p + 4;
                return GMX_PB_OK;
            }
            if (b4 < 0x80) {
                *v = low | (b3 & 0x7f) << 21 | b4 << 28;
                r->p = p + 5;
                return GMX_PB_OK;
            }
        }
    } else if (p < r->end && *p < 0x80) {
        *v = *r->p++;
        return GMX_PB_OK;
    }
    return gmx_pb_varint_slow(r, v);
}

/* The slow path of gmx_pb_key; callers use gmx_pb_key. */
gmx_pb_status gmx_pb_key_slow(gmx_pb *r, uint32_t *field, int *wiretype);

/* The next field's key: its number (>= 1) and wire type (0..5). */
static inline gmx_pb_status gmx_pb_key(gmx_pb *r, uint32_t *field, int *wiretype)
{
    if (r->p < r->end) {
        unsigned b = *r->p;
        if (b < 0x80 && b >= 8 && (b & 7) <= GMX_PB_FIXED32) {
            r->p++;
            *field = b >> 3;
            *wiretype = (int)(b & 7);
            return GMX_PB_OK;
        }
    }
    return gmx_pb_key_slow(r, field, wiretype);
}
gmx_pb_status gmx_pb_fixed64(gmx_pb *r, uint64_t *v);
gmx_pb_status gmx_pb_fixed32(gmx_pb *r, uint32_t *v);
/* A length-delimited payload as a view: *data points into the buffer.
 * Inline: a profile has a payload per string, location, line and sample. */
static inline gmx_pb_status gmx_pb_bytes(gmx_pb *r, const uint8_t **data, size_t *len)
{
    const uint8_t *start = r->p;
    uint64_t n;
    gmx_pb_status s = gmx_pb_varint(r, &n);
    if (s != GMX_PB_OK)
        return s;
    if (n > (uint64_t)(r->end - r->p)) {
        r->p = start;
        return GMX_PB_BAD_LENGTH;
    }
    *data = r->p;
    *len = (size_t)n;
    r->p += n;
    return GMX_PB_OK;
}
/* A length-delimited payload as a reader of its own (same origin). */
static inline gmx_pb_status gmx_pb_sub(gmx_pb *r, gmx_pb *sub)
{
    const uint8_t *data;
    size_t len;
    gmx_pb_status s = gmx_pb_bytes(r, &data, &len);
    if (s != GMX_PB_OK)
        return s;
    sub->p = data;
    sub->end = data + len;
    sub->origin = r->origin;
    return GMX_PB_OK;
}
/* Skips the value of a field whose key was just read, of any wire type;
 * a start-group is skipped up to its matching end-group. */
gmx_pb_status gmx_pb_skip(gmx_pb *r, int wiretype);

/* Repeated scalar varints, packed (wire type 2) or one unpacked value
 * (wire type 0): gmx_pb_repeated_begin after the key, then
 * gmx_pb_repeated_next until it returns false. A packed run that ends inside
 * a varint, or holds an overlong one, leaves *status set. */
typedef struct gmx_pb_repeated {
    gmx_pb in;              /* the packed payload, or the single value */
    bool single;
    gmx_pb_status status;
} gmx_pb_repeated;

gmx_pb_status gmx_pb_repeated_begin(gmx_pb *r, int wiretype, gmx_pb_repeated *it);
bool gmx_pb_repeated_next(gmx_pb_repeated *it, uint64_t *v);
/* Counts the values of a packed or single varint run without consuming it;
 * returns GMX_PB_OK and *n, or the first error. */
gmx_pb_status gmx_pb_repeated_count(const gmx_pb_repeated *it, size_t *n);

#endif
