/* The --listen server: a listening socket and one thread that answers
 * requests in turn. poll() on the socket and on a pipe lets stop wake the
 * thread at once; each connection gets a read timeout and a request cap so
 * that a silent or endless client cannot hold the page up for long. */
#include "gomemdx/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "gomemdx/report.h"
#include "util/alloc.h"

enum { MAX_REQUEST = 8192, READ_TIMEOUT_SECONDS = 5 };

struct gmx_server {
    int listen_fd;
    int stop_pipe[2];
    unsigned port;
    gmx_serve_page_fn page;
    void *ctx;
    pthread_t thread;
};

static gmx_code parse_addr(const char *addr, struct sockaddr_in *sa, gmx_error *err)
{
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    char host[64] = "127.0.0.1";
    const char *colon = strrchr(addr, ':');
    const char *port = colon ? colon + 1 : addr;
    if (colon) {
        size_t n = (size_t)(colon - addr);
        if (n == 0 || n >= sizeof(host))
            return gmx_error_set(err, GMX_EUSAGE, "'%s' is not PORT nor IPV4:PORT", addr);
        memcpy(host, addr, n);
        host[n] = '\0';
    }
    char *end;
    errno = 0;
    unsigned long p = strtoul(port, &end, 10);
    if (!*port || *end || errno || p > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return gmx_error_set(err, GMX_EUSAGE, "'%s' is not PORT nor IPV4:PORT", addr);
    sa->sin_port = htons((uint16_t)p);
    return GMX_OK;
}

static void send_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

static void respond(int fd, const char *status, const char *type, const char *body, size_t len)
{
    char head[512];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
                     "Connection: close\r\n\r\n",
                     status, type, len);
    send_all(fd, head, (size_t)n);
    send_all(fd, body, len);
}

/* The request head, up to its blank line; false when it never came whole. */
static bool read_head(int fd, char *buf, size_t cap)
{
    size_t have = 0;
    while (have + 1 < cap) {
        ssize_t n = recv(fd, buf + have, cap - 1 - have, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        have += (size_t)n;
        buf[have] = '\0';
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
            return true;
    }
    return false;
}

static void answer(gmx_server *s, int fd)
{
    struct timeval tv = { READ_TIMEOUT_SECONDS, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    char *req = gmx_malloc(MAX_REQUEST);
    if (!req)
        return;
    static const char text[] = "text/plain; charset=utf-8";
    if (!read_head(fd, req, MAX_REQUEST)) {
        respond(fd, "400 Bad Request", text, "bad request\n", 12);
    } else if (strncmp(req, "GET ", 4) != 0) {
        respond(fd, "405 Method Not Allowed", text, "GET only\n", 9);
    } else if (strncmp(req + 4, "/ ", 2) != 0 && strncmp(req + 4, "/index.html ", 12) != 0) {
        respond(fd, "404 Not Found", text, "not found: the report is at /\n", 30);
    } else {
        char *page = NULL;
        size_t len = 0;
        gmx_error err = { 0 };
        if (s->page(s->ctx, &page, &len, &err) == GMX_OK) {
            respond(fd, "200 OK", "text/html; charset=utf-8", page, len);
        } else {
            char msg[sizeof(err.message) + 2];
            int n = snprintf(msg, sizeof(msg), "%s\n", err.message);
            respond(fd, "503 Service Unavailable", text, msg, (size_t)n);
        }
        gmx_render_free(page);
    }
    gmx_free(req);
}

static void *serve_loop(void *arg)
{
    gmx_server *s = arg;
    for (;;) {
        struct pollfd fds[2] = { { s->listen_fd, POLLIN, 0 }, { s->stop_pipe[0], POLLIN, 0 } };
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents)
            break;
        if (!(fds[0].revents & POLLIN))
            continue;
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        answer(s, fd);
        close(fd);
    }
    return NULL;
}

static void close_all(gmx_server *s)
{
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    for (int i = 0; i < 2; i++)
        if (s->stop_pipe[i] >= 0)
            close(s->stop_pipe[i]);
    gmx_free(s);
}

gmx_code gmx_serve_start(const char *addr, gmx_serve_page_fn page, void *ctx, gmx_server **out,
                         gmx_error *err)
{
    struct sockaddr_in sa;
    gmx_code rc = parse_addr(addr, &sa, err);
    if (rc != GMX_OK)
        return rc;
    gmx_server *s = gmx_calloc(1, sizeof(*s));
    if (!s)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    s->page = page;
    s->ctx = ctx;
    s->stop_pipe[0] = s->stop_pipe[1] = -1;
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    socklen_t salen = sizeof(sa);
    if (s->listen_fd < 0 ||
        setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(s->listen_fd, 16) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&sa, &salen) != 0 ||
        pipe(s->stop_pipe) != 0) {
        rc = gmx_error_set(err, GMX_EIO, "cannot listen on %s: %s", addr, strerror(errno));
        close_all(s);
        return rc;
    }
    s->port = ntohs(sa.sin_port);
    if (pthread_create(&s->thread, NULL, serve_loop, s) != 0) {
        close_all(s);
        return gmx_error_set(err, GMX_EINTERNAL, "cannot start the server's thread");
    }
    *out = s;
    return GMX_OK;
}

unsigned gmx_serve_port(const gmx_server *s)
{
    return s->port;
}

void gmx_serve_stop(gmx_server *s)
{
    if (!s)
        return;
    ssize_t ignored = write(s->stop_pipe[1], "x", 1);
    (void)ignored;
    pthread_join(s->thread, NULL);
    close_all(s);
}
