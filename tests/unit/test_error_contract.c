/* The error contract: a fallible entry point returns the same failure code
 * whether or not the caller gives it a gmx_error to fill. (Before, the
 * position helpers returned GMX_OK when err was NULL, so a parser handed
 * "hello" and no err reported success.) */
#include "testutil.h"
#include "gomemdx/bundle.h"
#include "gomemdx/escape.h"
#include "gomemdx/events.h"
#include "gomemdx/goroutine.h"
#include "gomemdx/heap.h"
#include "gomemdx/heaptext.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "gomemdx/metrics.h"
#include "gomemdx/oomlog.h"
#include "gomemdx/output.h"
#include "gomemdx/profile.h"
#include "gomemdx/ptoptext.h"
#include "gomemdx/signatures.h"
#include "gomemdx/store.h"
#include "gomemdx/http.h"
#include "gomemdx/watch.h"

#include <string.h>

static const char garbage[] = "hello, this is not any format gomemdx reads\n";

/* One call of an entry point on bad input, with err as given. */
typedef gmx_code (*bad_call)(gmx_error *err);

static gmx_code dump(gmx_error *err)
{
    gmx_dump_info info;
    return gmx_goroutine_dump_parse("x", garbage, sizeof garbage - 1, NULL, NULL, &info, err);
}

static gmx_code profile_text(gmx_error *err)
{
    gmx_dump_info info;
    return gmx_goroutine_profile_text_parse("x", garbage, sizeof garbage - 1, NULL, NULL, &info,
                                            err);
}

static gmx_code tolerant(gmx_error *err)
{
    gmx_dump_info info;
    return gmx_goroutine_tolerant_parse("x", garbage, sizeof garbage - 1, NULL, NULL, &info, err);
}

static gmx_code escape_log(gmx_error *err)
{
    gmx_esc_info info;
    return gmx_escape_parse("x", "{\"not\": ", 8, NULL, NULL, &info, err);
}

static gmx_code events(gmx_error *err)
{
    static const char bad[] = "2024-01-01T00:00:00Z,nonsense-kind,deploy\n";
    gmx_events *e = NULL;
    gmx_code rc = gmx_events_parse("x", bad, sizeof bad - 1, &e, err);
    gmx_events_free(e);
    return rc;
}

static gmx_code heaptext(gmx_error *err)
{
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_code rc = gmx_heaptext_parse("x", garbage, sizeof garbage - 1, h, err);
    gmx_hsnapshot_free(h);
    return rc;
}

static gmx_code ptoptext(gmx_error *err)
{
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_code rc = gmx_ptoptext_parse("x", garbage, sizeof garbage - 1, h, &info, err);
    gmx_hsnapshot_free(h);
    return rc;
}

static gmx_code pprof(gmx_error *err)
{
    static const unsigned char bad[] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f};
    return gmx_pprof_parse("x", bad, sizeof bad, NULL, NULL, err);
}

static gmx_code expvar(gmx_error *err)
{
    gmx_msample m;
    return gmx_metrics_expvar_parse("x", "{\"cmdline\": []}", 15, &m, err);
}

static gmx_code prom(gmx_error *err)
{
    gmx_msample m;
    return gmx_metrics_prom_parse("x", garbage, sizeof garbage - 1, &m, err);
}

static gmx_code signatures(gmx_error *err)
{
    gmx_signatures *s = gmx_signatures_new();
    gmx_code rc = gmx_signatures_parse(s, "x", garbage, sizeof garbage - 1, err);
    gmx_signatures_free(s);
    return rc;
}

static gmx_code watch_rules(gmx_error *err)
{
    gmx_watch_rules r;
    gmx_watch_rules_default(&r);
    return gmx_watch_rules_parse("x", "heap_bytes >>> banana\n", 22, &r, err);
}

static gmx_code gunzip(gmx_error *err)
{
    void *out = NULL;
    size_t n = 0;
    gmx_code rc = gmx_gunzip("x", "\x1f\x8b\x08\x00garbage-garbage-garbage", 26, 1 << 20, &out,
                             &n, err);
    gmx_gunzip_free(out);
    return rc;
}

static gmx_code input_missing(gmx_error *err)
{
    gmx_input *in = NULL;
    gmx_code rc = gmx_input_open("/nonexistent/gomemdx/input", &in, err);
    gmx_input_free(in);
    return rc;
}

static gmx_code heap_profile_of_garbage(gmx_error *err)
{
    gmx_input *in = NULL;
    gmx_code rc = gmx_input_from_memory("x", garbage, sizeof garbage - 1, &in, err);
    if (rc != GMX_OK)
        return GMX_EINTERNAL;
    gmx_profile *p = NULL;
    rc = gmx_profile_decode(in, &p, err); /* takes in over, also on failure */
    gmx_profile_free(p);
    return rc;
}

static gmx_code bundle_missing(gmx_error *err)
{
    const char *paths[] = {"/nonexistent/gomemdx/incident"};
    gmx_bundle *b = NULL;
    gmx_code rc = gmx_bundle_load(paths, 1, NULL, &b, err);
    gmx_bundle_free(b);
    return rc;
}

static gmx_code url(gmx_error *err)
{
    gmx_url_target t;
    return gmx_url_resolve("ftp://example.invalid/", "/debug/pprof/heap", &t, err);
}

static gmx_code store_in_missing_folder(gmx_error *err)
{
    gmx_store *s = NULL;
    gmx_code rc = gmx_store_open("/nonexistent/gomemdx/store.db", GMX_STORE_READ, &s, err);
    gmx_store_close(s);
    return rc;
}

static gmx_code output_in_missing_folder(gmx_error *err)
{
    return gmx_output_write_file("/nonexistent/gomemdx/out.pb.gz", "x", 1, err);
}

static const struct {
    const char *name;
    bad_call call;
} calls[] = {
    {"gmx_goroutine_dump_parse", dump},
    {"gmx_goroutine_profile_text_parse", profile_text},
    {"gmx_goroutine_tolerant_parse", tolerant},
    {"gmx_escape_parse", escape_log},
    {"gmx_events_parse", events},
    {"gmx_heaptext_parse", heaptext},
    {"gmx_ptoptext_parse", ptoptext},
    {"gmx_pprof_parse", pprof},
    {"gmx_metrics_expvar_parse", expvar},
    {"gmx_metrics_prom_parse", prom},
    {"gmx_signatures_parse", signatures},
    {"gmx_watch_rules_parse", watch_rules},
    {"gmx_gunzip", gunzip},
    {"gmx_input_open", input_missing},
    {"gmx_profile_decode", heap_profile_of_garbage},
    {"gmx_bundle_load", bundle_missing},
    {"gmx_url_resolve", url},
    {"gmx_store_open", store_in_missing_folder},
    {"gmx_output_write_file", output_in_missing_folder},
};

static void test_error_contract__same_code_without_err(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        gmx_error err;
        memset(&err, 0, sizeof err);
        gmx_code with_err = calls[i].call(&err);
        gmx_code without = calls[i].call(NULL);
        if (with_err == GMX_OK || without != with_err || err.code != with_err ||
            !err.message[0])
            fail_msg("%s: with err %s (\"%s\"), without err %s", calls[i].name,
                     gmx_code_name(with_err), err.message, gmx_code_name(without));
    }
}

static void test_error_contract__position_helpers_return_the_code(void **state)
{
    (void)state;
    assert_int_equal(gmx_error_at_line(NULL, GMX_EFORMAT, "x", 3), GMX_EFORMAT);
    assert_int_equal(gmx_error_at_offset(NULL, GMX_ELIMIT, "x", 3), GMX_ELIMIT);
    assert_int_equal(gmx_error_set_at_line(NULL, GMX_EIO, "x", 3, "m"), GMX_EIO);
    gmx_error err;
    assert_int_equal(gmx_error_set_at_offset(&err, GMX_EFORMAT, "f.pb", 17, "bad %s", "tag"),
                     GMX_EFORMAT);
    char line[512];
    gmx_error_format(&err, line, sizeof line);
    assert_string_equal(line, "f.pb: offset 17: bad tag");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_contract__same_code_without_err),
        cmocka_unit_test(test_error_contract__position_helpers_return_the_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
