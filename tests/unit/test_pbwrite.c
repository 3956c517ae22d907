/* util/pbwrite: the protobuf wire writer, checked byte for byte where the
 * encoding is fixed and round-tripped through util/pbwire's reader. */
#include "testutil.h"
#include "util/pbwire.h"
#include "util/pbwrite.h"

#include <string.h>

static void expect_bytes(const gmx_buf *b, const uint8_t *want, size_t n)
{
    assert_false(b->failed);
    assert_int_equal(b->len, n);
    assert_memory_equal(b->data, want, n);
}

static void test_pbwrite__varints_at_every_length_boundary(void **state)
{
    (void)state;
    /* 2^(7k) - 1 is the largest value of k bytes; 2^(7k) the smallest of k+1. */
    for (unsigned k = 1; k <= 9; k++) {
        uint64_t last = ((uint64_t)1 << (7 * k)) - 1;
        assert_int_equal(gmx_pbw_varint_size(last), k);
        assert_int_equal(gmx_pbw_varint_size(last + 1), k + 1);
    }
    assert_int_equal(gmx_pbw_varint_size(0), 1);
    assert_int_equal(gmx_pbw_varint_size(UINT64_MAX), 10);

    static const uint64_t values[] = { 0, 1, 127, 128, 300, 16383, 16384, (uint64_t)1 << 35,
                                       ((uint64_t)1 << 63) - 1, (uint64_t)1 << 63, UINT64_MAX };
    gmx_buf b = GMX_BUF_INIT;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        gmx_pbw_varint(&b, values[i]);
    assert_false(b.failed);
    gmx_pb r;
    gmx_pb_init(&r, b.data, b.len);
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        const uint8_t *at = r.p;
        uint64_t v;
        assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
        assert_true(v == values[i]);
        assert_int_equal((size_t)(r.p - at), gmx_pbw_varint_size(values[i]));
    }
    assert_true(gmx_pb_eof(&r));
    gmx_buf_release(&b);

    /* The encodings themselves, as protobuf's documentation gives them. */
    gmx_buf e = GMX_BUF_INIT;
    gmx_pbw_varint(&e, 300);
    gmx_pbw_varint(&e, UINT64_MAX);
    static const uint8_t want[] = { 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0x01 };
    expect_bytes(&e, want, sizeof(want));
    gmx_buf_release(&e);
}

static void test_pbwrite__scalar_fields_and_omitted_defaults(void **state)
{
    (void)state;
    gmx_buf b = GMX_BUF_INIT;
    gmx_pbw_uint(&b, 1, 150);            /* 08 96 01 */
    gmx_pbw_int(&b, 2, -1);              /* 10 ff*9 01 */
    gmx_pbw_uint_opt(&b, 3, 0);          /* nothing */
    gmx_pbw_int_opt(&b, 4, 0);           /* nothing */
    gmx_pbw_bool(&b, 5, 7);              /* 28 01 */
    gmx_pbw_fixed32(&b, 6, 0x01020304);  /* 35 04 03 02 01 */
    gmx_pbw_fixed64(&b, 7, 0x0102030405060708ull);
    gmx_pbw_bytes(&b, 16, "hi", 2);      /* field 16 needs a two-byte key: 82 01 */
    static const uint8_t want[] = { 0x08, 0x96, 0x01, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0x01, 0x28, 0x01, 0x35, 0x04, 0x03, 0x02,
                                    0x01, 0x39, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
                                    0x82, 0x01, 0x02, 'h', 'i' };
    expect_bytes(&b, want, sizeof(want));

    /* And read back, field by field. */
    gmx_pb r;
    gmx_pb_init(&r, b.data, b.len);
    uint32_t field;
    int wt;
    uint64_t v;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
    assert_int_equal(v, 150);
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
    assert_int_equal((int64_t)v, -1);
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(field, 5);
    assert_int_equal(gmx_pb_skip(&r, wt), GMX_PB_OK);
    uint32_t f32;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(wt, GMX_PB_FIXED32);
    assert_int_equal(gmx_pb_fixed32(&r, &f32), GMX_PB_OK);
    assert_int_equal(f32, 0x01020304);
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_fixed64(&r, &v), GMX_PB_OK);
    assert_true(v == 0x0102030405060708ull);
    const uint8_t *data;
    size_t len;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(field, 16);
    assert_int_equal(wt, GMX_PB_LEN);
    assert_int_equal(gmx_pb_bytes(&r, &data, &len), GMX_PB_OK);
    assert_int_equal(len, 2);
    assert_memory_equal(data, "hi", 2);
    assert_true(gmx_pb_eof(&r));
    gmx_buf_release(&b);
}

static void test_pbwrite__packed_runs_read_back(void **state)
{
    (void)state;
    gmx_buf b = GMX_BUF_INIT;
    static const uint64_t run[] = { 3, 270, 86942, UINT64_MAX };
    gmx_pbw_packed(&b, 4, run, 4);
    gmx_pbw_packed(&b, 4, run, 0); /* an empty run writes nothing */
    /* 22, length 1 + 2 + 3 + 10 = 16. */
    assert_int_equal(b.len, 2 + 16);
    assert_int_equal((uint8_t)b.data[0], 0x22);
    assert_int_equal((uint8_t)b.data[1], 16);
    gmx_pb r;
    gmx_pb_init(&r, b.data, b.len);
    uint32_t field;
    int wt;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    gmx_pb_repeated it;
    assert_int_equal(gmx_pb_repeated_begin(&r, wt, &it), GMX_PB_OK);
    size_t n;
    assert_int_equal(gmx_pb_repeated_count(&it, &n), GMX_PB_OK);
    assert_int_equal(n, 4);
    uint64_t v;
    for (size_t i = 0; i < 4; i++) {
        assert_true(gmx_pb_repeated_next(&it, &v));
        assert_true(v == run[i]);
    }
    assert_false(gmx_pb_repeated_next(&it, &v));
    assert_int_equal(it.status, GMX_PB_OK);
    assert_true(gmx_pb_eof(&r));
    gmx_buf_release(&b);
}

/* A message nested two deep whose inner body is 200 bytes: its length
 * takes two bytes, so end() must move the body to make room. */
static void test_pbwrite__nested_messages_get_their_lengths(void **state)
{
    (void)state;
    gmx_buf b = GMX_BUF_INIT;
    char big[200];
    memset(big, 'x', sizeof(big));
    size_t outer = gmx_pbw_begin(&b, 2);
    gmx_pbw_uint(&b, 1, 7);
    size_t inner = gmx_pbw_begin(&b, 3);
    gmx_pbw_bytes(&b, 1, big, sizeof(big));
    gmx_pbw_end(&b, inner);
    size_t empty = gmx_pbw_begin(&b, 4); /* an empty message: length 0 */
    gmx_pbw_end(&b, empty);
    gmx_pbw_end(&b, outer);
    gmx_pbw_uint(&b, 5, 1); /* a field after the message */
    assert_false(b.failed);

    gmx_pb r, o, in;
    gmx_pb_init(&r, b.data, b.len);
    uint32_t field;
    int wt;
    uint64_t v;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(field, 2);
    assert_int_equal(gmx_pb_sub(&r, &o), GMX_PB_OK);
    assert_int_equal(o.end - o.p, 2 + 3 + 3 + 200 + 2); /* 08 07, 1a LL LL, 0a c8 01 body, 22 00 */
    assert_int_equal(gmx_pb_key(&o, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_varint(&o, &v), GMX_PB_OK);
    assert_int_equal(v, 7);
    assert_int_equal(gmx_pb_key(&o, &field, &wt), GMX_PB_OK);
    assert_int_equal(field, 3);
    assert_int_equal(gmx_pb_sub(&o, &in), GMX_PB_OK);
    const uint8_t *data;
    size_t len;
    assert_int_equal(gmx_pb_key(&in, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_bytes(&in, &data, &len), GMX_PB_OK);
    assert_int_equal(len, 200);
    assert_memory_equal(data, big, 200);
    assert_true(gmx_pb_eof(&in));
    assert_int_equal(gmx_pb_key(&o, &field, &wt), GMX_PB_OK);
    assert_int_equal(field, 4);
    assert_int_equal(gmx_pb_bytes(&o, &data, &len), GMX_PB_OK);
    assert_int_equal(len, 0);
    assert_true(gmx_pb_eof(&o));
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(field, 5);
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
    assert_true(gmx_pb_eof(&r));
    gmx_buf_release(&b);
}

/* Past the buffer's maximum the writer stops and says so once. */
static void test_pbwrite__a_full_buffer_fails_sticky(void **state)
{
    (void)state;
    gmx_buf b;
    gmx_buf_init(&b, 8);
    gmx_pbw_bytes(&b, 1, "0123456789", 10);
    assert_true(b.failed);
    size_t len = b.len;
    size_t mark = gmx_pbw_begin(&b, 2);
    gmx_pbw_uint(&b, 1, 1);
    gmx_pbw_end(&b, mark);
    assert_int_equal(b.len, len);
    gmx_buf_release(&b);

    /* No room left for the length end() inserts: the message is left as it
     * was, and the buffer failed. */
    gmx_buf c;
    gmx_buf_init(&c, 127);
    char body[124];
    memset(body, 'y', sizeof(body));
    mark = gmx_pbw_begin(&c, 2);
    gmx_pbw_bytes(&c, 1, body, sizeof(body)); /* 1 + 1 + 1 + 124 = 127 bytes: full */
    assert_false(c.failed);
    assert_int_equal(c.len, 127);
    gmx_pbw_end(&c, mark);
    assert_true(c.failed);
    assert_int_equal(c.len, 127);
    gmx_buf_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pbwrite__varints_at_every_length_boundary),
        cmocka_unit_test(test_pbwrite__scalar_fields_and_omitted_defaults),
        cmocka_unit_test(test_pbwrite__packed_runs_read_back),
        cmocka_unit_test(test_pbwrite__nested_messages_get_their_lengths),
        cmocka_unit_test(test_pbwrite__a_full_buffer_fails_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
