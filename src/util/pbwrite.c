/* Protobuf wire format, writing. Every write goes through gmx_buf, whose
 * sticky failure makes the later ones no-ops. */
#include "util/pbwrite.h"
#include "util/pbwire.h"

#include <string.h>

enum { VARINT_MAX = 10 };

size_t gmx_pbw_varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static size_t encode_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

void gmx_pbw_varint(gmx_buf *b, uint64_t v)
{
    uint8_t tmp[VARINT_MAX];
    gmx_buf_append(b, tmp, encode_varint(tmp, v));
}

void gmx_pbw_key(gmx_buf *b, uint32_t field, int wiretype)
{
    gmx_pbw_varint(b, (uint64_t)field << 3 | (uint64_t)(wiretype & 7));
}

void gmx_pbw_uint(gmx_buf *b, uint32_t field, uint64_t v)
{
    gmx_pbw_key(b, field, GMX_PB_VARINT);
    gmx_pbw_varint(b, v);
}

void gmx_pbw_int(gmx_buf *b, uint32_t field, int64_t v)
{
    gmx_pbw_uint(b, field, (uint64_t)v);
}

void gmx_pbw_bool(gmx_buf *b, uint32_t field, int v)
{
    gmx_pbw_uint(b, field, v ? 1 : 0);
}

void gmx_pbw_uint_opt(gmx_buf *b, uint32_t field, uint64_t v)
{
    if (v)
        gmx_pbw_uint(b, field, v);
}

void gmx_pbw_int_opt(gmx_buf *b, uint32_t field, int64_t v)
{
    if (v)
        gmx_pbw_int(b, field, v);
}

/* Little-endian, byte by byte, whatever the host. */
static void put_le(gmx_buf *b, uint64_t v, size_t n)
{
    uint8_t tmp[8];
    for (size_t i = 0; i < n; i++)
        tmp[i] = (uint8_t)(v >> (8 * i));
    gmx_buf_append(b, tmp, n);
}

void gmx_pbw_fixed64(gmx_buf *b, uint32_t field, uint64_t v)
{
    gmx_pbw_key(b, field, GMX_PB_FIXED64);
    put_le(b, v, 8);
}

void gmx_pbw_fixed32(gmx_buf *b, uint32_t field, uint32_t v)
{
    gmx_pbw_key(b, field, GMX_PB_FIXED32);
    put_le(b, v, 4);
}

void gmx_pbw_bytes(gmx_buf *b, uint32_t field, const void *data, size_t len)
{
    gmx_pbw_key(b, field, GMX_PB_LEN);
    gmx_pbw_varint(b, len);
    gmx_buf_append(b, data, len);
}

void gmx_pbw_packed(gmx_buf *b, uint32_t field, const uint64_t *v, size_t n)
{
    if (n == 0)
        return;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += gmx_pbw_varint_size(v[i]);
    gmx_pbw_key(b, field, GMX_PB_LEN);
    gmx_pbw_varint(b, len);
    for (size_t i = 0; i < n; i++)
        gmx_pbw_varint(b, v[i]);
}

size_t gmx_pbw_begin(gmx_buf *b, uint32_t field)
{
    gmx_pbw_key(b, field, GMX_PB_LEN);
    return b->len;
}

/* The message's bytes move right by the size of their length varint. */
void gmx_pbw_end(gmx_buf *b, size_t mark)
{
    if (b->failed || mark > b->len)
        return;
    size_t len = b->len - mark;
    uint8_t tmp[VARINT_MAX];
    size_t k = encode_varint(tmp, len);
    if (gmx_buf_reserve(b, k) < 0)
        return;
    memmove(b->data + mark + k, b->data + mark, len);
    memcpy(b->data + mark, tmp, k);
    b->len += k;
    b->data[b->len] = '\0';
}
