/* watch --listen's server: GET / is the page, anything else is refused,
 * a failing page is a 503 with its message. Loopback only. */
#include "testutil.h"
#include "gomemdx/report.h"
#include "gomemdx/serve.h"
#include "util/alloc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int pages_served;

static gmx_code page(void *ctx, char **out, size_t *len, gmx_error *err)
{
    const char *body = ctx;
    if (!body)
        return gmx_error_set(err, GMX_EIO, "no store yet");
    *len = strlen(body);
    *out = gmx_malloc(*len + 1);
    memcpy(*out, body, *len + 1);
    pages_served++;
    return GMX_OK;
}

/* Sends request to 127.0.0.1:port and returns the whole answer in buf. */
static const char *ask(unsigned port, const char *request, char *buf, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = { 0 };
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(send(fd, request, strlen(request), 0), (ssize_t)strlen(request));
    shutdown(fd, SHUT_WR);
    size_t have = 0;
    ssize_t n;
    while (have + 1 < cap && (n = recv(fd, buf + have, cap - 1 - have, 0)) > 0)
        have += (size_t)n;
    buf[have] = '\0';
    close(fd);
    return buf;
}

static void test_serve__answers_get_slash_with_the_page_and_refuses_the_rest(void **state)
{
    (void)state;
    gmx_server *s = NULL;
    assert_int_equal(gmx_serve_start("127.0.0.1:0", page, "<p>the report</p>", &s, NULL), GMX_OK);
    unsigned port = gmx_serve_port(s);
    assert_true(port > 0);
    char buf[4096];
    pages_served = 0;
    ask(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", buf, sizeof(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 200 OK\r\n"));
    assert_non_null(strstr(buf, "Content-Type: text/html; charset=utf-8\r\n"));
    assert_non_null(strstr(buf, "\r\n\r\n<p>the report</p>"));
    ask(port, "GET /../etc/passwd HTTP/1.1\r\n\r\n", buf, sizeof(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 404 "));
    ask(port, "POST / HTTP/1.1\r\n\r\n", buf, sizeof(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 405 "));
    ask(port, "GET / HTTP/1.1", buf, sizeof(buf)); /* cut short before its blank line */
    assert_non_null(strstr(buf, "HTTP/1.1 400 "));
    assert_int_equal(pages_served, 1);
    gmx_serve_stop(s);
}

static void test_serve__a_page_that_fails_is_a_503_with_its_message(void **state)
{
    (void)state;
    gmx_server *s = NULL;
    assert_int_equal(gmx_serve_start("0", page, NULL, &s, NULL), GMX_OK);
    char buf[1024];
    ask(gmx_serve_port(s), "GET / HTTP/1.0\r\n\r\n", buf, sizeof(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 503 "));
    assert_non_null(strstr(buf, "no store yet"));
    gmx_serve_stop(s);
}

static void test_serve__rejects_addresses_that_do_not_parse(void **state)
{
    (void)state;
    static const char *const bad[] = { "", "host:80", "127.0.0.1:", "127.0.0.1:99999", ":80",
                                       "127.0.0.1:80x" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        gmx_server *s = NULL;
        gmx_error err;
        assert_int_equal(gmx_serve_start(bad[i], page, NULL, &s, &err), GMX_EUSAGE);
        assert_null(s);
    }
    gmx_serve_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serve__answers_get_slash_with_the_page_and_refuses_the_rest),
        cmocka_unit_test(test_serve__a_page_that_fails_is_a_503_with_its_message),
        cmocka_unit_test(test_serve__rejects_addresses_that_do_not_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
