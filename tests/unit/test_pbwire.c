/* util/pbwire: the protobuf wire reader, fed well-formed and malformed bytes. */
#include "testutil.h"
#include "util/pbwire.h"

#include <string.h>

#define READER(r, ...)                                  \
    static const uint8_t r##_bytes[] = { __VA_ARGS__ }; \
    gmx_pb r;                                           \
    gmx_pb_init(&r, r##_bytes, sizeof(r##_bytes))

static void test_pbwire__reads_varints_of_every_length(void **state)
{
    (void)state;
    READER(r, 0x00, 0x7f, 0x80, 0x01, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
           0xff, 0xff, 0x01);
    uint64_t v;
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
    assert_int_equal(v, 0);
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
    assert_int_equal(v, 127);
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
    assert_int_equal(v, 128);
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
    assert_int_equal(v, 300);
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
    assert_true(v == UINT64_MAX);
    assert_true(gmx_pb_eof(&r));
}

static void test_pbwire__rejects_overlong_varints(void **state)
{
    (void)state;
    /* 11 bytes of continuation. */
    READER(r, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00);
    uint64_t v;
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OVERLONG);
    assert_int_equal(gmx_pb_offset(&r), 0);
    /* 10 bytes whose last carries more than bit 63. */
    READER(r2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
    assert_int_equal(gmx_pb_varint(&r2, &v), GMX_PB_OVERLONG);
}

static void test_pbwire__rejects_truncated_varints(void **state)
{
    (void)state;
    READER(r, 0x08, 0x96);
    uint32_t field;
    int wt;
    uint64_t v;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(field, 1);
    assert_int_equal(wt, GMX_PB_VARINT);
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_TRUNCATED);
    assert_int_equal(gmx_pb_offset(&r), 1);
    gmx_pb empty;
    gmx_pb_init(&empty, "", 0);
    assert_int_equal(gmx_pb_varint(&empty, &v), GMX_PB_TRUNCATED);
}

static void test_pbwire__rejects_field_zero_and_wire_types_6_7(void **state)
{
    (void)state;
    uint32_t field;
    int wt;
    READER(zero, 0x00);
    assert_int_equal(gmx_pb_key(&zero, &field, &wt), GMX_PB_BAD_FIELD);
    READER(six, 0x0e);
    assert_int_equal(gmx_pb_key(&six, &field, &wt), GMX_PB_BAD_WIRETYPE);
    assert_int_equal(gmx_pb_offset(&six), 0);
    READER(seven, 0x0f);
    assert_int_equal(gmx_pb_key(&seven, &field, &wt), GMX_PB_BAD_WIRETYPE);
}

static void test_pbwire__skips_every_wire_type(void **state)
{
    (void)state;
    READER(r,
           0x08, 0x96, 0x01,                                     /* 1: varint 150 */
           0x11, 1, 2, 3, 4, 5, 6, 7, 8,                         /* 2: fixed64 */
           0x1a, 0x03, 'a', 'b', 'c',                            /* 3: bytes "abc" */
           0x23, 0x08, 0x01, 0x2b, 0x2c, 0x24,                   /* 4: group { 1: 1, 5: group{} } */
           0x2d, 1, 2, 3, 4,                                     /* 5: fixed32 */
           0x30, 0x07);                                          /* 6: varint 7 */
    uint32_t field;
    int wt;
    for (uint32_t want = 1; want <= 5; want++) {
        assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
        assert_int_equal(field, want);
        assert_int_equal(gmx_pb_skip(&r, wt), GMX_PB_OK);
    }
    uint64_t v;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
    assert_int_equal(v, 7);
    assert_true(gmx_pb_eof(&r));
}

static void test_pbwire__rejects_bad_groups(void **state)
{
    (void)state;
    uint32_t field;
    int wt;
    /* An end-group with no start. */
    READER(lone, 0x0c);
    assert_int_equal(gmx_pb_key(&lone, &field, &wt), GMX_PB_OK);
    assert_int_equal(wt, GMX_PB_EGROUP);
    assert_int_equal(gmx_pb_skip(&lone, wt), GMX_PB_BAD_WIRETYPE);
    /* A group that never ends. */
    READER(open, 0x0b, 0x08, 0x01);
    assert_int_equal(gmx_pb_key(&open, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_skip(&open, wt), GMX_PB_TRUNCATED);
    /* An inner group closed by the wrong field number. */
    READER(mismatch, 0x0b, 0x13, 0x1c, 0x0c);
    assert_int_equal(gmx_pb_key(&mismatch, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_skip(&mismatch, wt), GMX_PB_BAD_WIRETYPE);
    /* Nesting past the limit. */
    uint8_t deep[GMX_PB_MAX_DEPTH + 2];
    memset(deep, 0x0b, sizeof(deep));
    gmx_pb r;
    gmx_pb_init(&r, deep, sizeof(deep));
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_skip(&r, wt), GMX_PB_TOO_DEEP);
}

static void test_pbwire__rejects_lengths_past_the_end(void **state)
{
    (void)state;
    READER(r, 0x0a, 0x05, 'a', 'b');
    uint32_t field;
    int wt;
    const uint8_t *data;
    size_t len;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_bytes(&r, &data, &len), GMX_PB_BAD_LENGTH);
    assert_int_equal(gmx_pb_offset(&r), 1);
    /* A length near 2^64 must not wrap the pointer. */
    READER(huge, 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    assert_int_equal(gmx_pb_key(&huge, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_bytes(&huge, &data, &len), GMX_PB_BAD_LENGTH);
    READER(f64, 0x09, 1, 2, 3);
    uint64_t v;
    assert_int_equal(gmx_pb_key(&f64, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_fixed64(&f64, &v), GMX_PB_TRUNCATED);
    READER(f32, 1, 2, 3);
    uint32_t w;
    assert_int_equal(gmx_pb_fixed32(&f32, &w), GMX_PB_TRUNCATED);
}

static void test_pbwire__nested_offsets_count_from_the_origin(void **state)
{
    (void)state;
    READER(r, 0x0a, 0x03, 0x08, 0x80, 0x80);
    uint32_t field;
    int wt;
    gmx_pb sub;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_sub(&r, &sub), GMX_PB_OK);
    assert_int_equal(gmx_pb_key(&sub, &field, &wt), GMX_PB_OK);
    uint64_t v;
    assert_int_equal(gmx_pb_varint(&sub, &v), GMX_PB_TRUNCATED);
    assert_int_equal(gmx_pb_offset(&sub), 3);
}

static void test_pbwire__reads_packed_and_unpacked_repeated(void **state)
{
    (void)state;
    READER(r, 0x08, 0x05, 0x0a, 0x04, 0x01, 0xac, 0x02, 0x07, 0x08, 0x09);
    uint64_t got[8], v;
    size_t n = 0, count;
    uint32_t field;
    int wt;
    while (!gmx_pb_eof(&r)) {
        gmx_pb_repeated it;
        assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
        assert_int_equal(gmx_pb_repeated_begin(&r, wt, &it), GMX_PB_OK);
        assert_int_equal(gmx_pb_repeated_count(&it, &count), GMX_PB_OK);
        assert_int_equal(count, it.single ? 1 : 3);
        while (gmx_pb_repeated_next(&it, &v))
            got[n++] = v;
        assert_int_equal(it.status, GMX_PB_OK);
    }
    assert_int_equal(n, 5);
    assert_int_equal(got[0], 5);
    assert_int_equal(got[1], 1);
    assert_int_equal(got[2], 300);
    assert_int_equal(got[3], 7);
    assert_int_equal(got[4], 9);
}

static void test_pbwire__packed_run_cut_inside_a_varint(void **state)
{
    (void)state;
    READER(r, 0x0a, 0x02, 0x01, 0x80);
    uint32_t field;
    int wt;
    gmx_pb_repeated it;
    uint64_t v;
    size_t count;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_repeated_begin(&r, wt, &it), GMX_PB_OK);
    assert_int_equal(gmx_pb_repeated_count(&it, &count), GMX_PB_TRUNCATED);
    assert_true(gmx_pb_repeated_next(&it, &v));
    assert_false(gmx_pb_repeated_next(&it, &v));
    assert_int_equal(it.status, GMX_PB_TRUNCATED);
    READER(f, 0x0d, 1, 2, 3, 4);
    assert_int_equal(gmx_pb_key(&f, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_repeated_begin(&f, wt, &it), GMX_PB_WRONG_TYPE);
}

static void test_pbwire__names_every_status(void **state)
{
    (void)state;
    for (int s = GMX_PB_OK; s <= GMX_PB_WRONG_TYPE; s++)
        assert_string_not_equal(gmx_pb_strerror((gmx_pb_status)s), "unknown wire error");
    assert_string_equal(gmx_pb_strerror(GMX_PB_BAD_LENGTH), "length past the end of the message");
}

/* The inline reader's fast paths must agree with the byte-by-byte slow
 * path on every length, value and amount of bytes after the varint. */
static void test_pbwire__inline_decoding_agrees_with_the_slow_path(void **state)
{
    (void)state;
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 20000; round++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned bits = (unsigned)(seed >> 58) + 1; /* 1..64 significant bits */
        uint64_t value = (seed ^ (seed << 13)) & (bits == 64 ? ~0ull : (1ull << bits) - 1);
        uint8_t buf[32];
        size_t n = 0;
        for (uint64_t x = value;; x >>= 7) {
            buf[n++] = (uint8_t)((x & 0x7f) | (x > 0x7f ? 0x80 : 0));
            if (x <= 0x7f)
                break;
        }
        size_t tail = (size_t)(seed >> 8) % 12; /* bytes after it: 0..11 */
        memset(buf + n, 0xff, tail);
        gmx_pb fast, slow;
        gmx_pb_init(&fast, buf, n + tail);
        gmx_pb_init(&slow, buf, n + tail);
        uint64_t vf = 1, vs = 2;
        assert_int_equal(gmx_pb_varint(&fast, &vf), GMX_PB_OK);
        assert_int_equal(gmx_pb_varint_slow(&slow, &vs), GMX_PB_OK);
        assert_true(vf == value);
        assert_true(vs == value);
        assert_int_equal(gmx_pb_offset(&fast), n);
        assert_int_equal(gmx_pb_offset(&slow), n);
    }
}

/* A varint ends with its message: one cut at the message's end is
 * truncated, though the bytes after it (the next message's) would
 * complete it. */
static void test_pbwire__a_varint_never_reads_past_its_message(void **state)
{
    (void)state;
    READER(r, 0x0a, 0x02, 0x80, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
    uint32_t field;
    int wt;
    gmx_pb sub;
    uint64_t v;
    assert_int_equal(gmx_pb_key(&r, &field, &wt), GMX_PB_OK);
    assert_int_equal(gmx_pb_sub(&r, &sub), GMX_PB_OK);
    assert_int_equal(gmx_pb_varint(&sub, &v), GMX_PB_TRUNCATED);
    assert_int_equal(gmx_pb_varint(&r, &v), GMX_PB_OK);
    assert_int_equal(v, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pbwire__reads_varints_of_every_length),
        cmocka_unit_test(test_pbwire__rejects_overlong_varints),
        cmocka_unit_test(test_pbwire__inline_decoding_agrees_with_the_slow_path),
        cmocka_unit_test(test_pbwire__a_varint_never_reads_past_its_message),
        cmocka_unit_test(test_pbwire__rejects_truncated_varints),
        cmocka_unit_test(test_pbwire__rejects_field_zero_and_wire_types_6_7),
        cmocka_unit_test(test_pbwire__skips_every_wire_type),
        cmocka_unit_test(test_pbwire__rejects_bad_groups),
        cmocka_unit_test(test_pbwire__rejects_lengths_past_the_end),
        cmocka_unit_test(test_pbwire__nested_offsets_count_from_the_origin),
        cmocka_unit_test(test_pbwire__reads_packed_and_unpacked_repeated),
        cmocka_unit_test(test_pbwire__packed_run_cut_inside_a_varint),
        cmocka_unit_test(test_pbwire__names_every_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
