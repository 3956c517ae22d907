/* load/: URLs read the way go tool pprof reads them, and one artifact
 * fetched into an input — against the fault server of tests/watch on
 * 127.0.0.1: the body, or one line naming the URL and what went wrong;
 * request headers sent. */
#include "testutil.h"
#include "gomemdx/input.h"
#include "../watch/faultserver.h"

#include <stdio.h>
#include <string.h>

static void test_load__url_service_means_the_endpoint(void **state)
{
    (void)state;
    gmx_url_target u;
    const char *services[] = { "http://127.0.0.1:6060", "http://127.0.0.1:6060/",
                               "HTTP://127.0.0.1:6060/debug/pprof/",
                               "http://127.0.0.1:6060/debug/pprof" };
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        assert_int_equal(gmx_url_resolve(services[i], "/debug/pprof/heap", &u, NULL), GMX_OK);
        assert_true(u.service);
        assert_int_equal(strncmp(u.url, services[i], 4), 0);
        assert_non_null(strstr(u.url, "127.0.0.1:6060/debug/pprof/heap"));
        assert_string_equal(u.name, "127.0.0.1_6060");
    }
    /* A prefix before /debug/pprof is the service's; seconds= is kept. */
    assert_int_equal(gmx_url_resolve("https://u:p@h.example:8443/svc/debug/pprof/?seconds=30",
                                     "/debug/pprof/goroutine?debug=2", &u, NULL), GMX_OK);
    assert_string_equal(u.url, "https://u:p@h.example:8443/svc/debug/pprof/goroutine?debug=2&seconds=30");
    assert_string_equal(u.base, "https://u:p@h.example:8443/svc");
    assert_string_equal(u.name, "h.example_8443");
    assert_int_equal(u.seconds, 30);
}

static void test_load__url_endpoint_is_itself(void **state)
{
    (void)state;
    gmx_url_target u;
    assert_int_equal(gmx_url_resolve("http://h:1/debug/pprof/allocs?seconds=5#x", "/debug/pprof/heap",
                                     &u, NULL), GMX_OK);
    assert_false(u.service);
    assert_string_equal(u.url, "http://h:1/debug/pprof/allocs?seconds=5");
    assert_string_equal(u.base, "http://h:1");
    assert_int_equal(u.seconds, 5);
    assert_int_equal(gmx_url_resolve("http://h:1/metrics", "", &u, NULL), GMX_OK);
    assert_false(u.service);
    assert_string_equal(u.base, "http://h:1");
}

static void test_load__url_refused(void **state)
{
    (void)state;
    gmx_url_target u;
    gmx_error err;
    assert_int_equal(gmx_url_resolve("ftp://h/x", "", &u, &err), GMX_EUSAGE);
    assert_non_null(strstr(err.message, "ftp://h/x"));
    assert_int_equal(gmx_url_resolve("http:///debug/pprof/heap", "", &u, &err), GMX_EUSAGE);
    assert_int_equal(gmx_url_resolve("http://h/x?seconds=9999", "", &u, &err), GMX_EUSAGE);
    assert_int_equal(gmx_url_resolve("http://h/x?seconds=-1", "", &u, &err), GMX_EUSAGE);
    char long_url[GMX_URL_MAX + 10];
    memset(long_url, 'a', sizeof(long_url) - 1);
    memcpy(long_url, "http://", 7);
    long_url[sizeof(long_url) - 1] = '\0';
    assert_int_equal(gmx_url_resolve(long_url, "", &u, &err), GMX_EUSAGE);
    assert_false(gmx_url_is_http("/tmp/heap.pb.gz"));
    assert_true(gmx_url_is_http("https://x"));
}

static void test_load__fetch_body_or_one_line(void **state)
{
    (void)state;
    fs_server *fs;
    int port = fs_start(&fs);
    assert_true(port > 0);
    char url[160];
    gmx_input *in;
    gmx_error err;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/ok/debug/pprof/goroutine?debug=1", port);
    assert_int_equal(gmx_input_fetch(url, NULL, 0, &in, &err), GMX_OK);
    assert_string_equal(gmx_input_name(in), url);
    assert_true(gmx_input_size(in) > 20);
    assert_int_equal(memcmp(gmx_input_data(in), "goroutine profile: total", 24), 0);
    gmx_input_free(in);

    /* The header is sent, and it is what the server lets through. */
    const char *headers[] = { "Authorization: Bearer " FS_TOKEN };
    gmx_fetch_limits l = { .headers = headers, .nheaders = 1 };
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/auth/ok/debug/pprof/goroutine?debug=1", port);
    assert_int_equal(gmx_input_fetch(url, &l, 0, &in, &err), GMX_OK);
    gmx_input_free(in);
    assert_int_equal(gmx_input_fetch(url, NULL, 0, &in, &err), GMX_EIO);
    assert_non_null(strstr(err.message, "status 401"));

    l = (gmx_fetch_limits){ .max_body = 4096 };
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/huge/x", port);
    assert_int_equal(gmx_input_fetch(url, &l, 0, &in, &err), GMX_ELIMIT);
    assert_non_null(strstr(err.message, url));
    assert_null(strchr(err.message, '\n'));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/slow/x", port);
    assert_int_equal(gmx_input_fetch(url, NULL, 300, &in, &err), GMX_EIO);
    assert_non_null(strstr(err.message, ": slow: "));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", fs_closed_port());
    assert_int_equal(gmx_input_fetch(url, NULL, 0, &in, &err), GMX_EIO);
    assert_non_null(strstr(err.message, ": down: "));
    assert_null(in);
    fs_stop(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load__url_service_means_the_endpoint),
        cmocka_unit_test(test_load__url_endpoint_is_itself),
        cmocka_unit_test(test_load__url_refused),
        cmocka_unit_test(test_load__fetch_body_or_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
