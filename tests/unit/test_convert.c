/* convert: goroutine dumps written as pprof goroutine profiles (report's
 * gmx_gprof builder, ingest's gmx_convert_goroutines) and read back with
 * gomemdx's own profile.proto decoder; and the label text splitter of
 * parse/glabels that gives the samples the goroutines' own labels. */
#include "testutil.h"
#include "gomemdx/convert.h"
#include "gomemdx/input.h"
#include "gomemdx/profile.h"
#include "ingest/goroutine_proto.h"
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTES "testdata/lab/captures/go1.27/quotes/"

static gmx_str S(const char *s)
{
    return (gmx_str){ s, strlen(s) };
}

static void assert_str(gmx_str got, const char *want)
{
    if (got.n != strlen(want) || memcmp(got.p, want, got.n) != 0)
        fail_msg("got \"%.*s\", want \"%s\"", (int)got.n, got.p, want);
}

static bool str_is(gmx_str s, const char *want)
{
    return s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

/* ---- parse/glabels ---- */

static void test_convert__splits_label_text_of_every_go_version(void **state)
{
    (void)state;
    char scratch[128];
    gmx_label_kv kv[4];
    /* 1.27: bare or quoted, ": " between. */
    gmx_str t = S("{\"tenant id\": \"a b\", worker: ingest}");
    assert_int_equal(gmx_goroutine_labels_split(t, scratch, kv, 4), 2);
    assert_str(kv[0].key, "tenant id");
    assert_str(kv[0].value, "a b");
    assert_str(kv[1].key, "worker");
    assert_str(kv[1].value, "ingest");
    /* 1.26: always quoted, may hold brackets and commas. */
    t = S("{\"k]\": \"v, w\"}");
    assert_int_equal(gmx_goroutine_labels_split(t, scratch, kv, 4), 1);
    assert_str(kv[0].key, "k]");
    assert_str(kv[0].value, "v, w");
    /* debug=1: no space after the colon. */
    t = S("{\"tenant id\":\"a b\", \"worker\":\"ingest\"}");
    assert_int_equal(gmx_goroutine_labels_split(t, scratch, kv, 4), 2);
    assert_str(kv[1].key, "worker");
    assert_str(kv[1].value, "ingest");
    /* Go's escapes: \t, \", \\, \x, \u (UTF-8), \U. */
    t = S("{\"a\\tb\": \"\\\"q\\\\ \\x41\\u00e9\\U0001F600\"}");
    assert_int_equal(gmx_goroutine_labels_split(t, scratch, kv, 4), 1);
    assert_str(kv[0].key, "a\tb");
    assert_str(kv[0].value, "\"q\\ A\xc3\xa9\xf0\x9f\x98\x80");
    /* No labels at all. */
    assert_int_equal(gmx_goroutine_labels_split(S("{}"), scratch, kv, 4), 0);
}

static void test_convert__rejects_label_text_that_is_not_well_formed(void **state)
{
    (void)state;
    char scratch[128];
    gmx_label_kv kv[2];
    static const char *const bad[] = {
        "", "{", "k: v", "{k v}", "{k: v,}", "{k: v, }", "{: v}", "{k: }", "{\"k: v}",
        "{\"k\": \"v\\q\"}", "{\"k\": \"\\u12\"}", "{\"k\": \"\\ud800\"}", "{k: v}}", "{k:: v}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (gmx_goroutine_labels_split(S(bad[i]), scratch, kv, 2) != -1)
            fail_msg("accepted %s", bad[i]);
    /* More pairs than room. */
    assert_int_equal(gmx_goroutine_labels_split(S("{a: 1, b: 2, c: 3}"), scratch, kv, 2), -1);
}

/* ---- decoding what was written ---- */

static gmx_profile *decode(const void *gz, size_t len)
{
    gmx_error err;
    void *plain;
    size_t n;
    assert_true(gmx_is_gzip(gz, len));
    assert_int_equal(gmx_gunzip("converted", gz, len, 0, &plain, &n, &err), GMX_OK);
    gmx_input *in;
    assert_int_equal(gmx_input_from_heap("converted", plain, n, &in, &err), GMX_OK);
    gmx_profile *p = NULL;
    if (gmx_profile_decode(in, &p, &err) != GMX_OK)
        fail_msg("decode: %s", err.message);
    return p;
}

static const gmx_plabel *label(const gmx_psample *s, const char *key)
{
    const gmx_plabel *found = NULL;
    for (uint32_t i = 0; i < s->nlabels; i++) {
        if (str_is(s->labels[i].key, key)) {
            assert_null(found); /* each key once */
            found = &s->labels[i];
        }
    }
    return found;
}

static bool label_is(const gmx_psample *s, const char *key, const char *value)
{
    const gmx_plabel *l = label(s, key);
    return l && !l->is_num && str_is(l->str, value);
}

static const gmx_pfunction *func_at(const gmx_profile *p, const gmx_psample *s, uint32_t i)
{
    const gmx_plocation *loc = gmx_profile_location(p, s->locations[i]);
    assert_int_equal(loc->nlines, 1);
    return gmx_profile_function(p, loc->lines[0].function);
}

static int64_t line_at(const gmx_profile *p, const gmx_psample *s, uint32_t i)
{
    return gmx_profile_location(p, s->locations[i])->lines[0].line;
}

static void assert_goroutine_profile(const gmx_profile *p)
{
    const gmx_profile_info *info = gmx_profile_get_info(p);
    assert_int_equal(info->nsample_types, 1);
    assert_str(info->sample_types[0].type, "goroutine");
    assert_str(info->sample_types[0].unit, "count");
    assert_str(info->period_type.type, "goroutine");
    assert_str(info->period_type.unit, "count");
    assert_int_equal(info->period, 1);
}

/* Every (function, file) is one function and every (function, line) one
 * location, each with one line and the one mapping. */
static void assert_tables_distinct(const gmx_profile *p)
{
    size_t nf = gmx_profile_function_count(p), nl = gmx_profile_location_count(p);
    for (size_t i = 0; i < nf; i++) {
        const gmx_pfunction *a = gmx_profile_function(p, i);
        assert_true(str_is(a->system_name, "") || (a->system_name.n == a->name.n &&
                                                   memcmp(a->system_name.p, a->name.p, a->name.n) == 0));
        for (size_t j = i + 1; j < nf; j++) {
            const gmx_pfunction *b = gmx_profile_function(p, j);
            assert_false(a->name.n == b->name.n && memcmp(a->name.p, b->name.p, a->name.n) == 0 &&
                         a->filename.n == b->filename.n &&
                         memcmp(a->filename.p, b->filename.p, a->filename.n) == 0);
        }
    }
    assert_int_equal(gmx_profile_mapping_count(p), 1);
    for (size_t i = 0; i < nl; i++) {
        const gmx_plocation *a = gmx_profile_location(p, i);
        assert_int_equal(a->nlines, 1);
        assert_int_equal(a->mapping, 0);
        assert_int_equal(a->address, 0);
        for (size_t j = i + 1; j < nl; j++) {
            const gmx_plocation *b = gmx_profile_location(p, j);
            assert_false(a->lines[0].function == b->lines[0].function &&
                         a->lines[0].line == b->lines[0].line);
        }
    }
}

/* ---- the builder ---- */

static void test_convert__builder_merges_equal_stacks_and_labels(void **state)
{
    (void)state;
    gmx_frame leaf = { S("main.worker"), S("/src/w.go"), 11 };
    gmx_frame mid = { S("main.run"), S("/src/w.go"), 20 };
    gmx_frame other_line = { S("main.run"), S("/src/w.go"), 25 };
    gmx_frame stack1[] = { leaf, mid }, stack2[] = { leaf, other_line };
    gmx_plabel recv = { S("state"), S("chan receive"), 0, { 0 }, false };
    gmx_plabel wait = { S("wait_minutes"), { 0 }, 7, S("minutes"), true };
    gmx_plabel with_wait[] = { recv, wait };
    gmx_error err;
    gmx_gprof *w = gmx_gprof_new(0);
    assert_non_null(w);
    assert_int_equal(gmx_gprof_add(w, stack1, 2, 1, &recv, 1, &err), GMX_OK);
    assert_int_equal(gmx_gprof_add(w, stack1, 2, 3, &recv, 1, &err), GMX_OK);      /* merges */
    assert_int_equal(gmx_gprof_add(w, stack1, 2, 2, with_wait, 2, &err), GMX_OK);  /* new labels */
    assert_int_equal(gmx_gprof_add(w, stack2, 2, 5, &recv, 1, &err), GMX_OK);      /* new stack */
    assert_int_equal(gmx_gprof_add(w, NULL, 0, 1, NULL, 0, &err), GMX_OK);         /* no stack */
    assert_int_equal(gmx_gprof_total(w), 12);
    assert_int_equal(gmx_gprof_sample_count(w), 4);
    gmx_gprof_set_time(w, 1700000000123456789LL);
    assert_int_equal(gmx_gprof_add_comment(w, S("from a test"), &err), GMX_OK);
    void *gz;
    size_t len;
    assert_int_equal(gmx_gprof_encode(w, &gz, &len, &err), GMX_OK);
    gmx_gprof_free(w);

    gmx_profile *p = decode(gz, len);
    gmx_gprof_bytes_free(gz);
    assert_goroutine_profile(p);
    const gmx_profile_info *info = gmx_profile_get_info(p);
    assert_true(info->time_nanos == 1700000000123456789LL);
    assert_int_equal(info->ncomments, 1);
    assert_str(info->comments[0], "from a test");
    assert_tables_distinct(p);
    assert_int_equal(gmx_profile_function_count(p), 2);  /* main.worker, main.run */
    assert_int_equal(gmx_profile_location_count(p), 3);  /* w.go:11, :20, :25 */
    assert_int_equal(gmx_profile_sample_count(p), 4);

    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    gmx_psample s;
    static const int64_t counts[] = { 4, 2, 5, 1 };
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(gmx_psample_read(&r, i, &s, &err), GMX_OK);
        assert_int_equal(s.values[0], counts[i]);
    }
    assert_int_equal(gmx_psample_read(&r, 1, &s, &err), GMX_OK);
    assert_int_equal(s.nlocations, 2);
    assert_str(func_at(p, &s, 0)->name, "main.worker");  /* leaf first */
    assert_str(func_at(p, &s, 0)->filename, "/src/w.go");
    assert_int_equal(line_at(p, &s, 0), 11);
    assert_str(func_at(p, &s, 1)->name, "main.run");
    assert_int_equal(line_at(p, &s, 1), 20);
    assert_true(label_is(&s, "state", "chan receive"));
    const gmx_plabel *l = label(&s, "wait_minutes");
    assert_non_null(l);
    assert_true(l->is_num);
    assert_int_equal(l->num, 7);
    assert_str(l->num_unit, "minutes");
    assert_int_equal(gmx_psample_read(&r, 3, &s, &err), GMX_OK);
    assert_int_equal(s.nlocations, 0);
    assert_int_equal(s.nlabels, 0);
    gmx_psample_reader_release(&r);
    gmx_profile_free(p);
}

/* ---- reading a goroutine profile back ---- */

typedef struct read_back {
    char func[4][64];
    char status[4][32];
    char labels[4][192];
    char creator[4][96];
    uint32_t wait[4];
    size_t n;
} read_back;

static int keep_record(void *ctx, const gmx_goroutine *g)
{
    read_back *r = ctx;
    if (r->n < 4) {
        snprintf(r->func[r->n], 64, "%.*s", g->nframes ? (int)g->frames[0].func.n : 0,
                 g->nframes ? g->frames[0].func.p : "");
        snprintf(r->status[r->n], 32, "%.*s", (int)g->status.n, g->status.p ? g->status.p : "");
        snprintf(r->labels[r->n], 192, "%.*s", (int)g->labels.n, g->labels.p ? g->labels.p : "");
        snprintf(r->creator[r->n], 96, "%.*s %.*s:%u", g->has_creator ? (int)g->creator.func.n : 0,
                 g->creator.func.p ? g->creator.func.p : "",
                 g->has_creator ? (int)g->creator.file.n : 0,
                 g->creator.file.p ? g->creator.file.p : "", g->creator.line);
        r->wait[r->n] = g->wait_minutes;
        r->n++;
    }
    return 0;
}

static void read_profile_back(gmx_gprof *w, const char *comment, read_back *r)
{
    gmx_error err;
    void *gz;
    size_t len;
    if (comment)
        assert_int_equal(gmx_gprof_add_comment(w, S(comment), &err), GMX_OK);
    assert_int_equal(gmx_gprof_encode(w, &gz, &len, &err), GMX_OK);
    gmx_gprof_free(w);
    gmx_profile *p = decode(gz, len);
    gmx_gprof_bytes_free(gz);
    memset(r, 0, sizeof(*r));
    gmx_dump_info info;
    assert_int_equal(gmx_goroutine_profile_proto_read(p, keep_record, r, &info, &err), GMX_OK);
    gmx_profile_free(p);
}

/* Only Go's type parameter lists become "[...]": a bracket that follows
 * something else (an escape sequence in a name) stays as it is. */
static void test_convert__shortens_only_type_parameter_lists(void **state)
{
    (void)state;
    static const char *const names[][2] = {
        { "main.Gen[go.shape.int]", "main.Gen[...]" },
        { "main.(*Stack[go.shape.string,go.shape.int]).Pop", "main.(*Stack[...]).Pop" },
        { "main.evil\x1b[2J\x1b[H", "main.evil\x1b[2J\x1b[H" },
        { "main.Map[go.shape.int].func1", "main.Map[...].func1" },
    };
    gmx_error err;
    gmx_gprof *w = gmx_gprof_new(0);
    assert_non_null(w);
    for (size_t i = 0; i < 4; i++) {
        gmx_frame f = { S(names[i][0]), S("/src/a.go"), (uint32_t)(10 + i) };
        assert_int_equal(gmx_gprof_add(w, &f, 1, 1, NULL, 0, &err), GMX_OK);
    }
    read_back r;
    read_profile_back(w, NULL, &r);
    assert_int_equal(r.n, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(r.func[i], names[i][1]);
}

/* What convert writes as labels (state, wait, creator, verdict) is read back into
 * the record from its profile, and only the goroutine's own labels stay
 * labels; a profile not written by convert keeps "state" as a label. */
static void test_convert__profile_of_a_dump_reads_back_its_states(void **state)
{
    (void)state;
    gmx_frame f = { S("main.worker"), S("/src/w.go"), 11 };
    gmx_plabel labels[] = { { S("state"), S("chan receive"), 0, { 0 }, false },
                            { S("category"), S("chan-recv-blocked"), 0, { 0 }, false },
                            { S("wait_minutes"), { 0 }, 7, S("minutes"), true },
                            { S("created_by"), S("main.(*pool).start /src/w.go:42"), 0, { 0 }, false },
                            { S("tenant"), S("acme corp"), 0, { 0 }, false } };
    gmx_error err;
    for (int converted = 0; converted <= 1; converted++) {
        gmx_gprof *w = gmx_gprof_new(0);
        assert_non_null(w);
        assert_int_equal(gmx_gprof_add(w, &f, 1, 3, labels, 5, &err), GMX_OK);
        read_back r;
        read_profile_back(w, converted ? "gomemdx convert: dump.txt (goroutine dump, 3 goroutines)" : NULL, &r);
        assert_int_equal(r.n, 1);
        if (converted) {
            assert_string_equal(r.status[0], "chan receive");
            assert_int_equal(r.wait[0], 7);
            assert_string_equal(r.creator[0], "main.(*pool).start /src/w.go:42");
            assert_string_equal(r.labels[0], "{tenant: \"acme corp\"}");
        } else {
            assert_string_equal(r.status[0], "");
            assert_string_equal(r.labels[0],
                                "{state: \"chan receive\", category: \"chan-recv-blocked\", wait_minutes: 7, "
                                "created_by: \"main.(*pool).start /src/w.go:42\", tenant: \"acme corp\"}");
        }
    }
}

/* A first stack deeper than the tables' first growth step. */
static void test_convert__builder_takes_deep_stacks(void **state)
{
    (void)state;
    enum { DEPTH = GMX_MAX_FRAMES };
    static char names[DEPTH][16];
    gmx_frame frames[DEPTH];
    for (int i = 0; i < DEPTH; i++) {
        snprintf(names[i], sizeof(names[i]), "main.f%d", i);
        frames[i] = (gmx_frame){ S(names[i]), S("/src/deep.go"), (uint32_t)(1000 + i) };
    }
    gmx_error err;
    gmx_gprof *w = gmx_gprof_new(0);
    assert_non_null(w);
    assert_int_equal(gmx_gprof_add(w, frames, DEPTH, 2, NULL, 0, &err), GMX_OK);
    assert_int_equal(gmx_gprof_add(w, frames + 1, DEPTH - 1, 1, NULL, 0, &err), GMX_OK);
    void *gz;
    size_t len;
    assert_int_equal(gmx_gprof_encode(w, &gz, &len, &err), GMX_OK);
    gmx_gprof_free(w);
    gmx_profile *p = decode(gz, len);
    gmx_gprof_bytes_free(gz);
    assert_int_equal(gmx_profile_location_count(p), DEPTH);
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    gmx_psample s;
    assert_int_equal(gmx_psample_read(&r, 0, &s, &err), GMX_OK);
    assert_int_equal(s.nlocations, DEPTH);
    for (uint32_t i = 0; i < DEPTH; i++) {
        assert_str(func_at(p, &s, i)->name, names[i]);
        assert_int_equal(line_at(p, &s, i), 1000 + i);
    }
    assert_int_equal(gmx_psample_read(&r, 1, &s, &err), GMX_OK);
    assert_int_equal(s.nlocations, DEPTH - 1);
    assert_str(func_at(p, &s, 0)->name, names[1]);
    gmx_psample_reader_release(&r);
    gmx_profile_free(p);
}

static void test_convert__builder_stops_at_its_limit(void **state)
{
    (void)state;
    gmx_error err;
    gmx_gprof *w = gmx_gprof_new(4096);
    assert_non_null(w);
    char name[32];
    gmx_code rc = GMX_OK;
    for (int i = 0; i < 100000 && rc == GMX_OK; i++) {
        snprintf(name, sizeof(name), "main.f%d", i);
        gmx_frame f = { S(name), S("/src/f.go"), (uint32_t)i };
        rc = gmx_gprof_add(w, &f, 1, 1, NULL, 0, &err);
    }
    assert_int_equal(rc, GMX_ELIMIT);
    assert_non_null(strstr(err.message, "4096 bytes"));
    gmx_gprof_free(w);
}

/* Every allocation of building and encoding may fail: each failure is
 * reported as out of memory, none crashes or leaks (ASan checks that). */
static void test_convert__builder_survives_every_failed_allocation(void **state)
{
    (void)state;
    gmx_frame f1 = { S("main.a"), S("/a.go"), 1 }, f2 = { S("main.b"), S("/b.go"), 2 };
    gmx_frame stack[] = { f1, f2 };
    gmx_plabel lab = { S("state"), S("select"), 0, { 0 }, false };
    bool succeeded = false;
    for (long k = 1; k < 200 && !succeeded; k++) {
        gmx_error err;
        gmx_alloc_fail_after(k, 0);
        gmx_gprof *w = gmx_gprof_new(0);
        gmx_code rc = w ? GMX_OK : GMX_ENOMEM;
        for (int i = 0; i < 3 && rc == GMX_OK; i++)
            rc = gmx_gprof_add(w, stack, 2 - (uint32_t)(i & 1), 1, &lab, 1, &err);
        void *gz = NULL;
        size_t len;
        if (rc == GMX_OK)
            rc = gmx_gprof_encode(w, &gz, &len, &err);
        gmx_alloc_fail_after(0, 0);
        assert_true(rc == GMX_OK || rc == GMX_ENOMEM);
        succeeded = rc == GMX_OK;
        gmx_gprof_bytes_free(gz);
        gmx_gprof_free(w);
    }
    assert_true(succeeded);
}

/* ---- a real dump ---- */

static char *source_path(const char *rel)
{
    const char *root = getenv("GMX_SOURCE_DIR");
    static char path[4096];
    snprintf(path, sizeof(path), "%s/%s", root ? root : ".", rel);
    return path;
}

/* The status in a header line "goroutine N [STATUS (q), N minutes]:". */
static gmx_str header_status(const char *line)
{
    const char *open = strchr(line, '[');
    const char *end = open + 1;
    while (*end != ']' && *end != ',' && !(end[0] == ' ' && end[1] == '('))
        end++;
    return (gmx_str){ open + 1, (size_t)(end - open - 1) };
}

typedef struct tally {
    gmx_str status;
    uint64_t in_dump, in_profile;
} tally;

/* The dump's headers, read here with plain string functions, not with the
 * parser the conversion used. */
static size_t tally_headers(const char *text, tally *t, size_t max, uint64_t *total,
                            uint64_t *minutes, uint64_t *leaked)
{
    size_t n = 0;
    *total = *minutes = *leaked = 0;
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, "goroutine ", 10) != 0 || line[10] < '0' || line[10] > '9')
            continue;
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        (*total)++;
        if (memmem(line, len, " minutes]", 9))
            (*minutes)++;
        if (memmem(line, len, " (leaked)", 9))
            (*leaked)++;
        gmx_str st = header_status(line);
        size_t i = 0;
        while (i < n && !(t[i].status.n == st.n && memcmp(t[i].status.p, st.p, st.n) == 0))
            i++;
        if (i == n) {
            assert_true(n < max);
            t[n++] = (tally){ st, 0, 0 };
        }
        t[i].in_dump++;
    }
    return n;
}

static gmx_profile *convert(const char *rel, gmx_convert_info *info)
{
    gmx_error err;
    void *gz;
    size_t len;
    if (gmx_convert_goroutines(source_path(rel), NULL, &gz, &len, info, &err) != GMX_OK)
        fail_msg("convert %s: %s", rel, err.message);
    gmx_profile *p = decode(gz, len);
    gmx_gprof_bytes_free(gz);
    return p;
}

static void test_convert__real_dump_reads_back_goroutine_for_goroutine(void **state)
{
    (void)state;
    size_t textlen;
    char *text = tu_read_fixture(QUOTES "goroutine-t3.debug2.txt", &textlen);
    assert_non_null(text);
    tally t[32];
    uint64_t total, minutes, leaked;
    size_t nt = tally_headers(text, t, 32, &total, &minutes, &leaked);
    assert_true(total > 400); /* the leak is there: 461 in this capture */

    gmx_convert_info ci;
    gmx_profile *p = convert(QUOTES "goroutine-t3.debug2.txt", &ci);
    assert_int_equal(ci.goroutines, total);
    assert_int_equal(ci.dump.goroutines, total);
    assert_goroutine_profile(p);
    assert_tables_distinct(p);
    const gmx_profile_info *info = gmx_profile_get_info(p);
    assert_int_equal(info->ncomments, 1);
    assert_non_null(memmem(info->comments[0].p, info->comments[0].n, "gomemdx", 7));
    assert_non_null(memmem(info->comments[0].p, info->comments[0].n, "goroutine-t3.debug2.txt", 23));

    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    gmx_psample s;
    gmx_error err;
    uint64_t sum = 0, sum_minutes = 0, sum_leaked = 0, lookups = 0;
    bool accept_loop = false;
    for (size_t i = 0; i < gmx_profile_sample_count(p); i++) {
        assert_int_equal(gmx_psample_read(&r, i, &s, &err), GMX_OK);
        uint64_t n = (uint64_t)s.values[0];
        sum += n;
        const gmx_plabel *st = label(&s, "state");
        assert_non_null(st); /* every sample has one */
        for (size_t k = 0; k < nt; k++)
            if (st->str.n == t[k].status.n && memcmp(st->str.p, t[k].status.p, st->str.n) == 0)
                t[k].in_profile += n;
        const gmx_plabel *wm = label(&s, "wait_minutes");
        if (wm) {
            assert_true(wm->is_num);
            assert_int_equal(wm->num, 1); /* every wait in this capture is "1 minutes" */
            assert_str(wm->num_unit, "minutes");
            sum_minutes += n;
        }
        if (label(&s, "leaked")) {
            assert_true(label_is(&s, "leaked", "true"));
            sum_leaked += n;
        }
        /* The leak: blocked sends in lookup (inlined, so its own frame),
         * created by fetchQuote, which is not part of the stack. */
        if (str_is(func_at(p, &s, 0)->name, "main.(*quoteService).lookup")) {
            assert_int_equal(s.nlocations, 1);
            assert_str(func_at(p, &s, 0)->filename, "/go/src/quotes/main.go");
            assert_int_equal(line_at(p, &s, 0), 60);
            assert_true(label_is(&s, "state", "chan send"));
            assert_true(label_is(&s, "category", "chan-send-blocked"));
            assert_null(label(&s, "healthy"));
            lookups += n;
        }
        if (label_is(&s, "healthy", "listener accept loop")) {
            assert_false(accept_loop);
            accept_loop = true;
            assert_int_equal(n, 1);
            assert_true(label_is(&s, "state", "IO wait"));
            assert_null(label(&s, "category"));
            assert_int_equal(s.nlocations, 10);
            assert_str(func_at(p, &s, 0)->name, "internal/poll.runtime_pollWait");
            assert_int_equal(line_at(p, &s, 0), 351);
            assert_str(func_at(p, &s, 9)->name, "main.main");
            assert_int_equal(line_at(p, &s, 9), 111);
        }
    }
    gmx_psample_reader_release(&r);
    assert_int_equal(sum, total);
    assert_int_equal(sum_minutes, minutes);
    assert_int_equal(sum_leaked, leaked);
    assert_true(accept_loop);
    for (size_t k = 0; k < nt; k++)
        if (t[k].in_profile != t[k].in_dump)
            fail_msg("state %.*s: %llu in the profile, %llu in the dump", (int)t[k].status.n,
                     t[k].status.p, (unsigned long long)t[k].in_profile,
                     (unsigned long long)t[k].in_dump);
    /* 448 goroutines send on the channel nobody reads. */
    size_t chan_send = 0;
    while (chan_send < nt && !str_is(t[chan_send].status, "chan send"))
        chan_send++;
    assert_true(chan_send < nt);
    assert_int_equal(lookups, t[chan_send].in_dump);
    gmx_profile_free(p);
    free(text);
}

/* The eighteenth core round's usagesync: 143 pipe writers in writeRows,
 * reached by three stacks that are one pile (analyze/gpile.h). Each of
 * the three stacks' samples carries the pile's category, not only the
 * largest's. */
static void test_convert__every_stack_of_a_pile_is_labelled(void **state)
{
    (void)state;
    gmx_convert_info ci;
    gmx_profile *p = convert("testdata/core/go1.19/usagesync/crash.txt", &ci);
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    gmx_psample s;
    gmx_error err;
    uint64_t writers = 0, stacks = 0;
    for (size_t i = 0; i < gmx_profile_sample_count(p); i++) {
        assert_int_equal(gmx_psample_read(&r, i, &s, &err), GMX_OK);
        bool in_writer = false;
        for (size_t k = 0; k < s.nlocations; k++)
            in_writer |= str_is(func_at(p, &s, k)->name, "main.(*exporter).writeRows");
        if (!in_writer)
            continue;
        assert_true(label_is(&s, "category", "select-blocked"));
        writers += (uint64_t)s.values[0];
        stacks++;
    }
    gmx_psample_reader_release(&r);
    assert_int_equal(writers, 143);
    assert_int_equal(stacks, 3);
    gmx_profile_free(p);
}

static void test_convert__debug1_text_keeps_its_counts(void **state)
{
    (void)state;
    size_t textlen;
    char *text = tu_read_fixture(QUOTES "goroutine-t3.debug1.txt", &textlen);
    assert_non_null(text);
    unsigned long long total = 0;
    assert_int_equal(sscanf(text, "goroutine profile: total %llu", &total), 1);
    /* The first record is the largest: "448 @ ..." then its frames. */
    unsigned long long first = 0;
    assert_int_equal(sscanf(strchr(text, '\n') + 1, "%llu @", &first), 1);
    gmx_profile *p = convert(QUOTES "goroutine-t3.debug1.txt", NULL);
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    gmx_psample s;
    gmx_error err;
    uint64_t sum = 0;
    bool leak = false, io = false;
    for (size_t i = 0; i < gmx_profile_sample_count(p); i++) {
        assert_int_equal(gmx_psample_read(&r, i, &s, &err), GMX_OK);
        sum += (uint64_t)s.values[0];
        assert_null(label(&s, "state")); /* debug=1 records no wait reasons */
        if (str_is(func_at(p, &s, 0)->name, "main.(*quoteService).lookup")) {
            leak = true;
            assert_int_equal(s.values[0], first);
            /* debug=1 hides the runtime frames that say why it parked: no
             * category, as gomemdx goroutines reports it. */
            assert_null(label(&s, "category"));
        }
        io = io || label_is(&s, "category", "io-no-timeout");
    }
    gmx_psample_reader_release(&r);
    assert_int_equal(sum, total);
    assert_true(leak);
    assert_true(io);
    gmx_profile_free(p);
    free(text);
}

static void test_convert__rejects_what_is_not_a_dump(void **state)
{
    (void)state;
    gmx_error err;
    void *gz = (void *)1;
    size_t len = 1;
    assert_int_equal(gmx_convert_goroutines(source_path("tests/e2e/fixtures/bad/not-a-dump.txt"),
                                            NULL, &gz, &len, NULL, &err),
                     GMX_EFORMAT);
    assert_null(gz);
    assert_int_equal(len, 0);
    assert_non_null(strstr(err.message, "no goroutine found"));
    assert_int_equal(gmx_convert_goroutines(source_path(QUOTES "goroutine-t3.pb.gz"), NULL, &gz,
                                            &len, NULL, &err),
                     GMX_EFORMAT);
    assert_non_null(strstr(err.message, "already a pprof profile"));
    assert_int_equal(gmx_convert_goroutines(source_path("no/such/file"), NULL, &gz, &len, NULL, &err),
                     GMX_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_convert__splits_label_text_of_every_go_version),
        cmocka_unit_test(test_convert__rejects_label_text_that_is_not_well_formed),
        cmocka_unit_test(test_convert__builder_merges_equal_stacks_and_labels),
        cmocka_unit_test(test_convert__builder_takes_deep_stacks),
        cmocka_unit_test(test_convert__shortens_only_type_parameter_lists),
        cmocka_unit_test(test_convert__profile_of_a_dump_reads_back_its_states),
        cmocka_unit_test(test_convert__builder_stops_at_its_limit),
        cmocka_unit_test(test_convert__builder_survives_every_failed_allocation),
        cmocka_unit_test(test_convert__real_dump_reads_back_goroutine_for_goroutine),
        cmocka_unit_test(test_convert__debug1_text_keeps_its_counts),
        cmocka_unit_test(test_convert__every_stack_of_a_pile_is_labelled),
        cmocka_unit_test(test_convert__rejects_what_is_not_a_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
