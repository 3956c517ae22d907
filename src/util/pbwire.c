/* Protobuf wire format, bounds-checked. The varint fast path (one byte) is
 * inline in the header; everything here checks every byte against end. */
#include "util/pbwire.h"

#include <string.h>

void gmx_pb_init(gmx_pb *r, const void *data, size_t len)
{
    r->p = data;
    r->end = r->p + len;
    r->origin = r->p;
}

const char *gmx_pb_strerror(gmx_pb_status s)
{
    switch (s) {
    case GMX_PB_OK: return "ok";
    case GMX_PB_TRUNCATED: return "message ends inside a field";
    case GMX_PB_OVERLONG: return "varint longer than 10 bytes or past 64 bits";
    case GMX_PB_BAD_WIRETYPE: return "invalid wire type";
    case GMX_PB_BAD_FIELD: return "field number 0";
    case GMX_PB_BAD_LENGTH: return "length past the end of the message";
    case GMX_PB_TOO_DEEP: return "groups nested too deeply";
    case GMX_PB_WRONG_TYPE: return "unexpected wire type for the field";
    }
    return "unknown wire error";
}

/* At most 10 bytes; the 10th may only carry the top bit of a uint64. The
 * position stays on the varint's first byte when it is bad. */
gmx_pb_status gmx_pb_varint_slow(gmx_pb *r, uint64_t *v)
{
    const uint8_t *p = r->p;
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
        if (p >= r->end)
            return GMX_PB_TRUNCATED;
        uint8_t b = *p++;
        if (shift == 63 && b > 1)
            return GMX_PB_OVERLONG;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (b < 0x80) {
            r->p = p;
            *v = x;
            return GMX_PB_OK;
        }
    }
    return GMX_PB_OVERLONG;
}

gmx_pb_status gmx_pb_key_slow(gmx_pb *r, uint32_t *field, int *wiretype)
{
    const uint8_t *start = r->p;
    uint64_t key;
    gmx_pb_status s = gmx_pb_varint(r, &key);
    if (s != GMX_PB_OK)
        return s;
    int wt = (int)(key & 7);
    uint64_t num = key >> 3;
    if (num == 0 || num > 0x1fffffff) {
        r->p = start;
        return GMX_PB_BAD_FIELD;
    }
    if (wt > GMX_PB_FIXED32) {
        r->p = start;
        return GMX_PB_BAD_WIRETYPE;
    }
    *field = (uint32_t)num;
    *wiretype = wt;
    return GMX_PB_OK;
}

static gmx_pb_status fixed(gmx_pb *r, void *out, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return GMX_PB_TRUNCATED;
    memcpy(out, r->p, n); /* little-endian host (x86-64, arm64 Linux) */
    r->p += n;
    return GMX_PB_OK;
}

gmx_pb_status gmx_pb_fixed64(gmx_pb *r, uint64_t *v)
{
    return fixed(r, v, 8);
}

gmx_pb_status gmx_pb_fixed32(gmx_pb *r, uint32_t *v)
{
    return fixed(r, v, 4);
}

static gmx_pb_status skip_scalar(gmx_pb *r, int wiretype)
{
    uint64_t v;
    const uint8_t *data;
    size_t len;
    switch (wiretype) {
    case GMX_PB_VARINT: return gmx_pb_varint(r, &v);
    case GMX_PB_FIXED64: return gmx_pb_fixed64(r, &v);
    case GMX_PB_FIXED32: {
        uint32_t w;
        return gmx_pb_fixed32(r, &w);
    }
    case GMX_PB_LEN: return gmx_pb_bytes(r, &data, &len);
    default: return GMX_PB_BAD_WIRETYPE;
    }
}

/* Groups nest; each start-group must meet the end-group of the same field
 * number. A small stack of field numbers bounds the depth. */
static gmx_pb_status skip_group(gmx_pb *r)
{
    uint32_t open[GMX_PB_MAX_DEPTH];
    size_t depth = 0;
    /* The caller consumed the start key; its number is unknown here, so the
     * first end-group at depth 0 closes it, whatever its number. */
    for (;;) {
        const uint8_t *at = r->p;
        uint32_t field;
        int wt;
        gmx_pb_status s = gmx_pb_key(r, &field, &wt);
        if (s != GMX_PB_OK)
            return s;
        if (wt == GMX_PB_SGROUP) {
            if (depth == GMX_PB_MAX_DEPTH) {
                r->p = at;
                return GMX_PB_TOO_DEEP;
            }
            open[depth++] = field;
        } else if (wt == GMX_PB_EGROUP) {
            if (depth == 0)
                return GMX_PB_OK;
            if (open[--depth] != field) {
                r->p = at;
                return GMX_PB_BAD_WIRETYPE;
            }
        } else if ((s = skip_scalar(r, wt)) != GMX_PB_OK) {
            return s;
        }
    }
}

gmx_pb_status gmx_pb_skip(gmx_pb *r, int wiretype)
{
    if (wiretype == GMX_PB_SGROUP)
        return skip_group(r);
    return skip_scalar(r, wiretype);
}

gmx_pb_status gmx_pb_repeated_begin(gmx_pb *r, int wiretype, gmx_pb_repeated *it)
{
    it->status = GMX_PB_OK;
    if (wiretype == GMX_PB_LEN) {
        it->single = false;
        return gmx_pb_sub(r, &it->in);
    }
    if (wiretype != GMX_PB_VARINT)
        return GMX_PB_WRONG_TYPE;
    /* The single value is the varint itself: a reader over just its bytes. */
    const uint8_t *start = r->p;
    uint64_t v;
    gmx_pb_status s = gmx_pb_varint(r, &v);
    if (s != GMX_PB_OK)
        return s;
    it->single = true;
    it->in.p = start;
    it->in.end = r->p;
    it->in.origin = r->origin;
    return GMX_PB_OK;
}

bool gmx_pb_repeated_next(gmx_pb_repeated *it, uint64_t *v)
{
    if (gmx_pb_eof(&it->in) || it->status != GMX_PB_OK)
        return false;
    it->status = gmx_pb_varint(&it->in, v);
    return it->status == GMX_PB_OK;
}

gmx_pb_status gmx_pb_repeated_count(const gmx_pb_repeated *it, size_t *n)
{
    /* A varint ends at each byte below 0x80; a valid run ends on one. */
    const uint8_t *p = it->in.p, *end = it->in.end;
    size_t count = 0;
    for (; p < end; p++)
        count += *p < 0x80;
    if (it->in.p < end && end[-1] >= 0x80)
        return GMX_PB_TRUNCATED;
    *n = count;
    return GMX_PB_OK;
}
