/* pprof profiles: gunzip (load), profile.proto decoding (parse), the model's
 * checks (model) and `top` (analyze, report) over hand-built profiles. */
#include "testutil.h"
#include "gomemdx/input.h"
#include "gomemdx/profile.h"
#include "gomemdx/ptop.h"
#include "gomemdx/report.h"
#include "util/buf.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

/* ---- a tiny protobuf writer for building test profiles ---- */

static void put_varint(gmx_buf *b, uint64_t v)
{
    while (v >= 0x80) {
        gmx_buf_putc(b, (char)(v | 0x80));
        v >>= 7;
    }
    gmx_buf_putc(b, (char)v);
}

static void put_int(gmx_buf *b, uint32_t field, uint64_t v)
{
    put_varint(b, (uint64_t)field << 3);
    put_varint(b, v);
}

static void put_bytes(gmx_buf *b, uint32_t field, const void *p, size_t n)
{
    put_varint(b, (uint64_t)field << 3 | 2);
    put_varint(b, n);
    gmx_buf_append(b, p, n);
}

static void put_msg(gmx_buf *b, uint32_t field, gmx_buf *m)
{
    put_bytes(b, field, m->data ? m->data : "", m->len);
    gmx_buf_release(m);
    gmx_buf_init(m, 0);
}

static void put_packed(gmx_buf *b, uint32_t field, const uint64_t *v, size_t n)
{
    gmx_buf m;
    gmx_buf_init(&m, 0);
    for (size_t i = 0; i < n; i++)
        put_varint(&m, v[i]);
    put_msg(b, field, &m);
}

/* Strings: 0 "", 1 "space", 2 "bytes", 3 "main.leaf", 4 "main.mid",
 * 5 "main.root", 6 "/bin/app", 7 "main.go", 8 "objects", 9 "count",
 * 10 "comment one", 11 "k", 12 "v". */
static const char *const strings[] = { "", "space", "bytes", "main.leaf", "main.mid",
                                       "main.root", "/bin/app", "main.go", "objects",
                                       "count", "comment one", "k", "v" };

/* Ids of the test profile: small and dense as Go writes them, or (for the
 * wide-id test) past 32 bits and too sparse for a dense table. */
static uint64_t id_base, id_stride = 1;
/* The "space" values of the three samples (a test of extremes sets them). */
static int64_t sample_space[3] = { 100, 50, 25 };
#define ID(x) (id_base + (uint64_t)(x) * id_stride)

static void put_function(gmx_buf *b, uint64_t id, uint64_t name)
{
    gmx_buf m;
    gmx_buf_init(&m, 0);
    put_int(&m, 1, id);
    put_int(&m, 2, name);
    put_int(&m, 3, name);
    put_int(&m, 4, 7);
    put_msg(b, 5, &m);
}

/* Location id with lines of the given function ids (innermost first). */
static void put_location(gmx_buf *b, uint64_t id, const uint64_t *fids, size_t n)
{
    gmx_buf m, ln;
    gmx_buf_init(&m, 0);
    gmx_buf_init(&ln, 0);
    put_int(&m, 1, id);
    put_int(&m, 2, ID(1));
    put_int(&m, 3, 0x1000 + id);
    for (size_t i = 0; i < n; i++) {
        put_int(&ln, 1, fids[i]);
        put_int(&ln, 2, 10 + i);
        put_msg(&m, 4, &ln);
    }
    put_msg(b, 4, &m);
}

static void put_sample(gmx_buf *b, const uint64_t *locs, size_t nlocs, int64_t v0, int64_t v1,
                       bool packed)
{
    gmx_buf m;
    gmx_buf_init(&m, 0);
    uint64_t vals[2] = { (uint64_t)v0, (uint64_t)v1 };
    if (packed) {
        put_packed(&m, 2, vals, 2);
        put_packed(&m, 1, locs, nlocs);
    } else {
        put_int(&m, 2, vals[0]);
        put_int(&m, 2, vals[1]);
        for (size_t i = 0; i < nlocs; i++)
            put_int(&m, 1, locs[i]);
    }
    gmx_buf lab;
    gmx_buf_init(&lab, 0);
    put_int(&lab, 1, 11);
    put_int(&lab, 2, 12);
    put_msg(&m, 3, &lab);
    put_msg(b, 2, &m);
}

/* leaf is inlined into mid (location 1 has lines leaf, mid); root calls
 * mid; samples: root>mid>leaf (100), root>mid (50), a recursion
 * root>root>mid (25). String table written last, as Go does. */
static void build_profile(gmx_buf *b)
{
    gmx_buf_init(b, 0);
    gmx_buf vt;
    gmx_buf_init(&vt, 0);
    put_int(&vt, 1, 8);
    put_int(&vt, 2, 9);
    put_msg(b, 11, &vt); /* period_type before sample types, as Go */
    put_int(b, 12, 524288);
    put_int(&vt, 1, 8);
    put_int(&vt, 2, 9);
    put_msg(b, 1, &vt);
    put_int(&vt, 1, 1);
    put_int(&vt, 2, 2);
    put_msg(b, 1, &vt);
    put_function(b, ID(1), 3);
    put_function(b, ID(2), 4);
    put_function(b, ID(3), 5);
    put_location(b, ID(1), (uint64_t[]){ ID(1), ID(2) }, 2);
    put_location(b, ID(2), (uint64_t[]){ ID(2) }, 1);
    put_location(b, ID(3), (uint64_t[]){ ID(3) }, 1);
    put_sample(b, (uint64_t[]){ ID(1), ID(3) }, 2, 1, sample_space[0], false);
    put_sample(b, (uint64_t[]){ ID(2), ID(3) }, 2, 1, sample_space[1], true);
    put_sample(b, (uint64_t[]){ ID(2), ID(3), ID(3) }, 3, 1, sample_space[2], true);
    put_int(b, 9, 1700000000000000000ull);
    put_int(b, 13, 10);
    gmx_buf mp;
    gmx_buf_init(&mp, 0);
    put_int(&mp, 1, ID(1));
    put_int(&mp, 2, 0x1000);
    put_int(&mp, 3, 0x2000);
    put_int(&mp, 5, 6);
    put_int(&mp, 7, 1);
    put_msg(b, 3, &mp);
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        put_bytes(b, 6, strings[i], strlen(strings[i]));
}

static gmx_code decode(gmx_buf *b, gmx_profile **p, gmx_error *err)
{
    gmx_input *in;
    assert_int_equal(gmx_input_from_memory("t.pb", b->data, b->len, &in, err), GMX_OK);
    return gmx_profile_decode(in, p, err);
}

static void test_pprof__decodes_every_table(void **state)
{
    (void)state;
    gmx_buf b;
    build_profile(&b);
    gmx_profile *p;
    gmx_error err;
    assert_int_equal(decode(&b, &p, &err), GMX_OK);
    const gmx_profile_info *in = gmx_profile_get_info(p);
    assert_int_equal(in->nsample_types, 2);
    assert_true(gmx_str_eq_cstr(in->sample_types[1].type, "space"));
    assert_true(gmx_str_eq_cstr(in->period_type.type, "objects"));
    assert_int_equal(in->period, 524288);
    assert_int_equal(in->ncomments, 1);
    assert_true(gmx_str_eq_cstr(in->comments[0], "comment one"));
    assert_int_equal(gmx_profile_function_count(p), 3);
    assert_int_equal(gmx_profile_location_count(p), 3);
    const gmx_plocation *l = gmx_profile_location(p, 0);
    assert_int_equal(l->nlines, 2);
    assert_true(gmx_str_eq_cstr(gmx_profile_function(p, l->lines[0].function)->name, "main.leaf"));
    assert_true(gmx_str_eq_cstr(gmx_profile_mapping(p, 0)->filename, "/bin/app"));
    assert_int_equal(gmx_profile_sample_index(p, NULL), 1);
    assert_int_equal(gmx_profile_sample_index(p, "inuse_space"), 1);
    assert_int_equal(gmx_profile_sample_index(p, "0"), 0);
    assert_int_equal(gmx_profile_sample_index(p, "nope"), -1);
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    gmx_psample s;
    assert_int_equal(gmx_psample_read(&r, 2, &s, &err), GMX_OK);
    assert_int_equal(s.nlocations, 3);
    assert_int_equal(s.values[1], 25);
    assert_int_equal(s.nlabels, 1);
    assert_true(gmx_str_eq_cstr(s.labels[0].str, "v"));
    gmx_psample_reader_release(&r);
    gmx_profile_free(p);
    gmx_buf_release(&b);
}

static void test_pprof__top_counts_recursion_once_and_marks_inlines(void **state)
{
    (void)state;
    gmx_buf b;
    build_profile(&b);
    gmx_profile *p;
    gmx_error err;
    assert_int_equal(decode(&b, &p, &err), GMX_OK);
    gmx_ptop *t;
    assert_int_equal(gmx_ptop_compute(p, NULL, &t, &err), GMX_OK);
    assert_int_equal(t->total, 175);
    assert_int_equal(t->nrows, 3);
    assert_true(gmx_str_eq_cstr(t->rows[0].name, "main.leaf"));
    assert_int_equal(t->rows[0].flat, 100);
    assert_int_equal(t->rows[0].mark, GMX_INLINE_FULL);
    assert_true(gmx_str_eq_cstr(t->rows[1].name, "main.mid"));
    assert_int_equal(t->rows[1].flat, 75);
    assert_int_equal(t->rows[1].cum, 175);
    assert_true(gmx_str_eq_cstr(t->rows[2].name, "main.root"));
    assert_int_equal(t->rows[2].cum, 175); /* the recursive sample counts once */
    char *text;
    size_t len;
    assert_int_equal(gmx_render_ptop_text(t, NULL, &text, &len, &err), GMX_OK);
    assert_non_null(strstr(text, "File: app\ncomment one\nType: space\n"));
    assert_non_null(strstr(text, "      100B 57.14% 57.14%       100B 57.14%  main.leaf (inline)\n"));
    gmx_render_free(text);
    gmx_ptop_free(t);
    gmx_profile_free(p);
    gmx_buf_release(&b);
}

static void test_pprof__base_subtracts(void **state)
{
    (void)state;
    gmx_buf b;
    build_profile(&b);
    gmx_profile *p, *base;
    gmx_error err;
    assert_int_equal(decode(&b, &p, &err), GMX_OK);
    assert_int_equal(decode(&b, &base, &err), GMX_OK);
    gmx_ptop_options o;
    gmx_ptop_options_init(&o);
    o.base = base;
    gmx_ptop *t;
    assert_int_equal(gmx_ptop_compute(p, &o, &t, &err), GMX_OK);
    assert_int_equal(t->total, 0);
    assert_int_equal(t->nrows, 0);
    gmx_ptop_free(t);
    o.focus = "(";
    assert_int_equal(gmx_ptop_compute(p, &o, &t, &err), GMX_EUSAGE);
    gmx_profile_free(p);
    gmx_profile_free(base);
    gmx_buf_release(&b);
}

/* Decoding b must fail with code and a message containing want. */
static void expect_error(gmx_buf *b, gmx_code code, const char *want)
{
    gmx_profile *p = NULL;
    gmx_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(decode(b, &p, &err), code);
    assert_null(p);
    if (!strstr(err.message, want))
        fail_msg("error '%s' lacks '%s'", err.message, want);
    assert_true(err.has_offset);
    assert_string_equal(err.source, "t.pb");
    gmx_buf_release(b);
}

static void test_pprof__rejects_bad_indexes_and_ids(void **state)
{
    (void)state;
    gmx_buf b;
    build_profile(&b);
    put_function(&b, 4, 99);
    expect_error(&b, GMX_EFORMAT, "string index 99 out of range");
    build_profile(&b);
    put_function(&b, 2, 3);
    expect_error(&b, GMX_EFORMAT, "function id 2 defined twice");
    build_profile(&b);
    put_sample(&b, (uint64_t[]){ 42 }, 1, 1, 1, false);
    expect_error(&b, GMX_EFORMAT, "unknown location id 42");
    build_profile(&b);
    put_location(&b, 9, (uint64_t[]){ 77 }, 1);
    expect_error(&b, GMX_EFORMAT, "unknown function id 77");
    build_profile(&b);
    put_location(&b, 0, (uint64_t[]){ 1 }, 1);
    expect_error(&b, GMX_EFORMAT, "reserved id 0");
    build_profile(&b);
    gmx_buf m;
    gmx_buf_init(&m, 0);
    put_int(&m, 2, 5);
    put_int(&m, 1, 1);
    put_msg(&b, 2, &m);
    expect_error(&b, GMX_EFORMAT, "sample has 1 values for 2 sample types");
}

static void test_pprof__rejects_broken_wire_data(void **state)
{
    (void)state;
    gmx_buf b;
    build_profile(&b);
    put_bytes(&b, 9, "x", 1); /* time_nanos must be a varint */
    expect_error(&b, GMX_EFORMAT, "unexpected wire type");
    build_profile(&b);
    b.len -= 1; /* cut inside the last string */
    expect_error(&b, GMX_EFORMAT, "length past the end");
    build_profile(&b);
    gmx_buf_putc(&b, 0x0f); /* wire type 7 */
    expect_error(&b, GMX_EFORMAT, "invalid wire type");
    gmx_buf_init(&b, 0);
    put_bytes(&b, 6, "x", 1);
    expect_error(&b, GMX_EFORMAT, "first entry is not empty");
    gmx_buf_init(&b, 0);
    gmx_buf_append(&b, "\x12\x02\x0a\x05", 4); /* packed ids cut short */
    expect_error(&b, GMX_EFORMAT, "length past the end");
}

static void test_pprof__skips_unknown_fields(void **state)
{
    (void)state;
    gmx_buf b;
    build_profile(&b);
    put_int(&b, 20, 5);
    put_bytes(&b, 16, "zz", 2);
    gmx_buf_append(&b, "\xab\x01\x08\x01\xac\x01", 6); /* group 21 { 1: 1 } */
    gmx_profile *p;
    gmx_error err;
    assert_int_equal(decode(&b, &p, &err), GMX_OK);
    gmx_profile_free(p);
    gmx_buf_release(&b);
}

/* gzip of 100000 'a' bytes (ISIZE 100000). */
static const unsigned char gz_a[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc1, 0x31, 0x01,
    0x00, 0x00, 0x00, 0xc2, 0xa0, 0xac, 0xeb, 0x5f, 0xc2, 0x1a, 0x1e, 0x40, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xaf, 0x06, 0x87,
    0xfa, 0xe2, 0x1b, 0xa0, 0x86, 0x01, 0x00
};

/* pprof's measurement code on the extremes of int64: Go wraps where C's
 * arithmetic is undefined; an INT64_MIN once recursed without end. */
static void test_pmeasure__extreme_values_scale_without_overflow(void **state)
{
    (void)state;
    char out[64], unit[16];
    gmx_pprof_scaled(out, sizeof(out), INT64_MIN, gmx_str_cstr("bytes"), "minimum");
    assert_non_null(strchr(out, '-'));
    double v = gmx_pprof_scale(INT64_MIN, gmx_str_cstr("nanoseconds"), "minimum", unit, sizeof(unit));
    assert_true(v < 0);
    gmx_pprof_scaled(out, sizeof(out), INT64_MAX, gmx_str_cstr("bytes"), "minimum");
    assert_string_equal(unit, "s");
    gmx_pprof_output_unit(out, sizeof(out), INT64_MIN, INT64_MAX, gmx_str_cstr("bytes"));
    assert_true(out[0] != '\0');
    gmx_pprof_output_unit(out, sizeof(out), INT64_MAX / 50, INT64_MAX, gmx_str_cstr("bytes"));
    assert_string_equal(out, "PB");
}

/* Sample values at the ends of int64 sum, scale and render as Go's
 * wrapping arithmetic does, with no undefined behaviour (UBSan runs this). */
static void test_pprof__extreme_values_top_and_peek(void **state)
{
    (void)state;
    sample_space[0] = INT64_MIN;
    sample_space[1] = INT64_MAX;
    sample_space[2] = INT64_MAX;
    gmx_buf b;
    build_profile(&b);
    sample_space[0] = 100, sample_space[1] = 50, sample_space[2] = 25;
    gmx_profile *p;
    gmx_error err;
    assert_int_equal(decode(&b, &p, &err), GMX_OK);
    gmx_ptop *t;
    assert_int_equal(gmx_ptop_compute(p, NULL, &t, &err), GMX_OK);
    char *text;
    size_t len;
    assert_int_equal(gmx_render_ptop_text(t, NULL, &text, &len, &err), GMX_OK);
    assert_non_null(strstr(text, "Type: space\n"));
    gmx_render_free(text);
    assert_int_equal(gmx_render_ptop_json(t, &text, &len, &err), GMX_OK);
    gmx_render_free(text);
    gmx_ptop_free(t);
    gmx_ptop_options o;
    gmx_ptop_options_peek(&o);
    assert_int_equal(gmx_ptop_compute(p, &o, &t, &err), GMX_OK);
    assert_int_equal(gmx_render_ppeek_text(t, "main\\.mid", NULL, &text, &len, &err), GMX_OK);
    gmx_render_free(text);
    gmx_ptop_free(t);
    gmx_profile_free(p);
    gmx_buf_release(&b);
}

static void test_gunzip__inflates_members_and_checks_isize(void **state)
{
    (void)state;
    unsigned char buf[2 * sizeof(gz_a)];
    memcpy(buf, gz_a, sizeof(gz_a));
    memcpy(buf + sizeof(gz_a), gz_a, sizeof(gz_a)); /* two members */
    buf[sizeof(buf) - 4] = 10;                         /* ISIZE says 10 bytes */
    buf[sizeof(buf) - 3] = 0;
    buf[sizeof(buf) - 2] = 0;
    void *out;
    size_t len;
    gmx_error err;
    assert_int_equal(gmx_gunzip("x.gz", gz_a, sizeof(gz_a), 0, &out, &len, &err), GMX_OK);
    assert_int_equal(len, 100000);
    gmx_gunzip_free(out);
    /* A lying ISIZE fails libdeflate's own check of the trailer. */
    assert_int_equal(gmx_gunzip("x.gz", buf, sizeof(buf), 0, &out, &len, &err), GMX_EFORMAT);
    memcpy(buf + sizeof(gz_a), gz_a, sizeof(gz_a));
    assert_int_equal(gmx_gunzip("x.gz", buf, sizeof(buf), 0, &out, &len, &err), GMX_OK);
    assert_int_equal(len, 200000);
    assert_int_equal(((const char *)out)[199999], 'a');
    gmx_gunzip_free(out);
}

static void test_gunzip__stops_bombs_and_corruption(void **state)
{
    (void)state;
    void *out;
    size_t len;
    gmx_error err;
    assert_int_equal(gmx_gunzip("x.gz", gz_a, sizeof(gz_a), 50000, &out, &len, &err),
                     GMX_ELIMIT);
    assert_non_null(strstr(err.message, "exceeds 50000 bytes (gzip bomb?)"));
    unsigned char bad[sizeof(gz_a)];
    memcpy(bad, gz_a, sizeof(bad));
    bad[12] ^= 0xff;
    assert_int_equal(gmx_gunzip("x.gz", bad, sizeof(bad), 0, &out, &len, &err), GMX_EFORMAT);
    assert_true(err.has_offset);
    assert_int_equal(gmx_gunzip("x.gz", gz_a, 10, 0, &out, &len, &err), GMX_EFORMAT);
    unsigned char trail[sizeof(gz_a) + 2];
    memcpy(trail, gz_a, sizeof(gz_a));
    trail[sizeof(gz_a)] = 'x';
    trail[sizeof(gz_a) + 1] = 'y';
    assert_int_equal(gmx_gunzip("x.gz", trail, sizeof(trail), 0, &out, &len, &err),
                     GMX_EFORMAT);
    assert_int_equal(err.offset, sizeof(gz_a));
    bad[2] = 7; /* method */
    assert_int_equal(gmx_gunzip("x.gz", bad, sizeof(bad), 0, &out, &len, &err), GMX_EFORMAT);
    assert_int_equal(err.offset, 2);
}

/* One buffer reused over several inputs: each input views it and reads
 * as its own decompression; the buffer grows for a larger one, a buffer
 * larger than max still stops at max, plain inputs are left alone. */
static void test_gunzip__reuses_the_callers_buffer(void **state)
{
    (void)state;
    void *buf = NULL;
    size_t cap = 0;
    gmx_error err;
    unsigned char two[2 * sizeof(gz_a)];
    memcpy(two, gz_a, sizeof(gz_a));
    memcpy(two + sizeof(gz_a), gz_a, sizeof(gz_a));
    const struct { const unsigned char *gz; size_t n, plain; } cases[] = {
        { gz_a, sizeof(gz_a), 100000 }, { two, sizeof(two), 200000 }, { gz_a, sizeof(gz_a), 100000 },
    };
    for (size_t k = 0; k < 3; k++) {
        gmx_input *in;
        assert_int_equal(gmx_input_from_memory("x.gz", cases[k].gz, cases[k].n, &in, &err), GMX_OK);
        assert_int_equal(gmx_input_gunzip_reusing(&in, 0, &buf, &cap, &err), GMX_OK);
        assert_ptr_equal(gmx_input_data(in), buf);
        assert_int_equal(gmx_input_size(in), cases[k].plain);
        assert_true(cap >= cases[k].plain);
        assert_int_equal(((const char *)gmx_input_data(in))[cases[k].plain - 1], 'a');
        gmx_input_free(in); /* the buffer stays the caller's */
    }
    gmx_input *in;
    assert_int_equal(gmx_input_from_memory("x.gz", two, sizeof(two), &in, &err), GMX_OK);
    assert_int_equal(gmx_input_gunzip_reusing(&in, 150000, &buf, &cap, &err), GMX_ELIMIT);
    gmx_input_free(in);
    assert_int_equal(gmx_input_from_memory("plain", "abc", 3, &in, &err), GMX_OK);
    assert_int_equal(gmx_input_gunzip_reusing(&in, 0, &buf, &cap, &err), GMX_OK);
    assert_int_equal(gmx_input_size(in), 3);
    gmx_input_free(in);
    gmx_gunzip_free(buf);
}

/* Ids past 32 bits and far apart take the hash index and the wide raw-id
 * paths; the profile must read the same. */
static void test_pprof__wide_sparse_ids_read_the_same(void **state)
{
    (void)state;
    id_base = (uint64_t)1 << 40;
    id_stride = (uint64_t)1 << 33;
    gmx_buf b;
    build_profile(&b);
    id_base = 0;
    id_stride = 1;
    gmx_profile *p;
    gmx_error err;
    assert_int_equal(decode(&b, &p, &err), GMX_OK);
    const gmx_plocation *l = gmx_profile_location(p, 0);
    assert_int_equal(l->nlines, 2);
    assert_int_equal(l->mapping, 0);
    assert_true(gmx_str_eq_cstr(gmx_profile_function(p, l->lines[1].function)->name, "main.mid"));
    gmx_ptop *t;
    assert_int_equal(gmx_ptop_compute(p, NULL, &t, &err), GMX_OK);
    assert_int_equal(t->total, 175);
    assert_int_equal(t->nrows, 3);
    assert_int_equal(t->rows[1].cum, 175);
    gmx_ptop_free(t);
    gmx_profile_free(p);
    gmx_buf_release(&b);
}

static void test_pprof__rejects_columns_past_int32(void **state)
{
    (void)state;
    gmx_buf b, m, ln;
    build_profile(&b);
    gmx_buf_init(&m, 0);
    gmx_buf_init(&ln, 0);
    put_int(&m, 1, 9);
    put_int(&ln, 1, 1);
    put_int(&ln, 3, (uint64_t)1 << 40);
    put_msg(&m, 4, &ln);
    put_msg(&b, 4, &m);
    expect_error(&b, GMX_ELIMIT, "line column 1099511627776 out of range");
}

/* nlines is 16 bits in the model: one line more is refused, not wrapped. */
static void test_pprof__rejects_locations_past_65535_lines(void **state)
{
    (void)state;
    gmx_buf b, m, ln;
    build_profile(&b);
    gmx_buf_init(&m, 0);
    gmx_buf_init(&ln, 0);
    put_int(&m, 1, 9);
    put_int(&ln, 1, 1);
    put_int(&ln, 2, 7);
    for (size_t i = 0; i < (size_t)GMX_PPROF_MAX_LINES + 1; i++)
        put_bytes(&m, 4, ln.data, ln.len);
    gmx_buf_release(&ln);
    put_msg(&b, 4, &m);
    expect_error(&b, GMX_ELIMIT, "location with 65536 lines (at most 65535)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pprof__decodes_every_table),
        cmocka_unit_test(test_pprof__top_counts_recursion_once_and_marks_inlines),
        cmocka_unit_test(test_pprof__base_subtracts),
        cmocka_unit_test(test_pprof__rejects_bad_indexes_and_ids),
        cmocka_unit_test(test_pprof__rejects_broken_wire_data),
        cmocka_unit_test(test_pprof__skips_unknown_fields),
        cmocka_unit_test(test_pprof__wide_sparse_ids_read_the_same),
        cmocka_unit_test(test_pprof__rejects_columns_past_int32),
        cmocka_unit_test(test_pprof__rejects_locations_past_65535_lines),
        cmocka_unit_test(test_pmeasure__extreme_values_scale_without_overflow),
        cmocka_unit_test(test_pprof__extreme_values_top_and_peek),
        cmocka_unit_test(test_gunzip__inflates_members_and_checks_isize),
        cmocka_unit_test(test_gunzip__stops_bombs_and_corruption),
        cmocka_unit_test(test_gunzip__reuses_the_callers_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
