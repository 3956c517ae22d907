/* The fault server of faultserver.h. Test code: plain libc, no gomemdx. */
#include "faultserver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct fs_server {
    int fd;
    pthread_t thread;
    volatile int stop;
    int leak_hits;
    int active;              /* connection threads running */
    pthread_mutex_t lock;
};

static const char heap_text[] =
    "heap profile: 1: 512 [2: 1024] @ heap/1048576\n"
    "1: 512 [2: 1024] @ 0x1 0x2\n"
    "#\t0x1\tmain.grow+0x1\t/app/main.go:10\n\n"
    "# runtime.MemStats\n# Alloc = 1112864\n# TotalAlloc = 5090728\n# Sys = 12949768\n"
    "# Lookups = 0\n# Mallocs = 15953\n# Frees = 14631\n# HeapAlloc = 1112864\n"
    "# HeapSys = 7929856\n# HeapIdle = 5890048\n# HeapInuse = 2039808\n"
    "# HeapReleased = 3039232\n# HeapObjects = 1322\n# Stack = 458752 / 458752\n"
    "# NextGC = 4194304\n# NumGC = 2\n";

static const char vars_json[] =
    "{\n\"goroutines\": 7,\n\"memstats\": {\"Alloc\":100,\"HeapInuse\":4096,\"NumGC\":3}\n}\n";

static const char dump_text[] =
    "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\n\n"
    "goroutine 7 [chan send, 3 minutes]:\nmain.work()\n\t/app/main.go:9 +0x2a\n"
    "created by main.main in goroutine 1\n\t/app/main.go:6 +0x3b\n";

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void reply(int fd, int code, const char *body, size_t len)
{
    char head[256];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d X\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     code, len);
    send_all(fd, head, (size_t)n);
    send_all(fd, body, len);
}

static void reply_goroutines(int fd, int count)
{
    char body[256];
    int n = snprintf(body, sizeof(body),
                     "goroutine profile: total %d\n%d @ 0x1 0x2\n"
                     "#\t0x1\tmain.work+0x1\t/app/main.go:9\n\n",
                     count, count);
    reply(fd, 200, body, (size_t)n);
}

static void serve_ok(fs_server *s, int fd, const char *path, int leak)
{
    if (strstr(path, "/debug/pprof/goroutine?debug=1")) {
        int hits = 0;
        if (leak) {
            pthread_mutex_lock(&s->lock);
            hits = ++s->leak_hits;
            pthread_mutex_unlock(&s->lock);
        }
        reply_goroutines(fd, 5 + 10 * hits);
    } else if (strstr(path, "/debug/pprof/goroutine?debug=2")) {
        reply(fd, 200, dump_text, sizeof(dump_text) - 1);
    } else if (strstr(path, "/debug/pprof/heap?debug=1")) {
        reply(fd, 200, heap_text, sizeof(heap_text) - 1);
    } else if (strstr(path, "/debug/vars")) {
        reply(fd, 200, vars_json, sizeof(vars_json) - 1);
    } else if (strstr(path, "/debug/pprof/heap") || strstr(path, "/debug/pprof/allocs")) {
        reply(fd, 200, heap_text, sizeof(heap_text) - 1);
    } else {
        reply(fd, 404, "Unknown profile\n", 16);
    }
}

static void serve_huge(fs_server *s, int fd)
{
    static char chunk[65536];
    memset(chunk, 'x', sizeof(chunk));
    const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n";
    send_all(fd, head, sizeof(head) - 1);
    for (int i = 0; i < 4096 && !s->stop; i++)
        if (send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL) <= 0)
            return;
}

static void serve(fs_server *s, int fd, const char *path)
{
    char prefix[16] = "";
    sscanf(path, "/%15[a-z0-9]", prefix);
    if (strcmp(prefix, "ok") == 0 || strcmp(prefix, "leak") == 0) {
        serve_ok(s, fd, path, prefix[0] == 'l');
    } else if (strcmp(prefix, "slow") == 0) {
        struct timespec ts = { 0, 100000000 };
        for (int i = 0; i < 30 && !s->stop; i++)
            nanosleep(&ts, NULL);
        serve_ok(s, fd, path, 0);
    } else if (strcmp(prefix, "5xx") == 0) {
        reply(fd, 503, "overloaded\n", 11);
    } else if (strcmp(prefix, "trunc") == 0) {
        const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n";
        send_all(fd, head, sizeof(head) - 1);
        send_all(fd, heap_text, 100);
    } else if (strcmp(prefix, "huge") == 0) {
        serve_huge(s, fd);
    } else if (strcmp(prefix, "loop") == 0) {
        char head[1200];
        int n = snprintf(head, sizeof(head),
                         "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n"
                         "Connection: close\r\n\r\n",
                         path);
        send_all(fd, head, (size_t)n);
    } else if (strcmp(prefix, "vanish") == 0) {
        if (strstr(path, "debug=1"))
            serve_ok(s, fd, path, 0);
        else {
            const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 900\r\nConnection: close\r\n\r\n";
            send_all(fd, head, sizeof(head) - 1);
            send_all(fd, dump_text, 40);
        }
    } else {
        reply(fd, 404, "no such fault\n", 14);
    }
}

static void *connection(void *arg)
{
    fs_server *s = ((void **)arg)[0];
    int fd = (int)(intptr_t)((void **)arg)[1];
    free(arg);
    char req[2048];
    size_t n = 0;
    while (n < sizeof(req) - 1) {
        ssize_t r = recv(fd, req + n, sizeof(req) - 1 - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    req[n] = '\0';
    char path[1024] = "";
    /* /auth/REST: REST, for a request with the test's bearer token only. */
    if (sscanf(req, "GET %1023s", path) == 1 && strncmp(path, "/auth/", 6) == 0) {
        if (strstr(req, "\r\nAuthorization: Bearer " FS_TOKEN "\r\n"))
            serve(s, fd, path + 5);
        else
            reply(fd, 401, "unauthorized\n", 13);
    } else if (path[0]) {
        serve(s, fd, path);
    }
    shutdown(fd, SHUT_WR);
    close(fd);
    pthread_mutex_lock(&s->lock);
    s->active--;
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void *accept_loop(void *arg)
{
    fs_server *s = arg;
    while (!s->stop) {
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0)
            continue;
        void **ctx = malloc(2 * sizeof(void *));
        pthread_t t;
        if (!ctx) {
            close(fd);
            continue;
        }
        ctx[0] = s;
        ctx[1] = (void *)(intptr_t)fd;
        pthread_mutex_lock(&s->lock);
        s->active++;
        pthread_mutex_unlock(&s->lock);
        if (pthread_create(&t, NULL, connection, ctx) == 0) {
            pthread_detach(t);
        } else {
            free(ctx);
            close(fd);
            pthread_mutex_lock(&s->lock);
            s->active--;
            pthread_mutex_unlock(&s->lock);
        }
    }
    return NULL;
}

static int bind_local(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    socklen_t alen = sizeof(a);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

int fs_start(fs_server **out)
{
    fs_server *s = calloc(1, sizeof(*s));
    int port;
    if (!s || (s->fd = bind_local(&port)) < 0 || listen(s->fd, 64) != 0) {
        free(s);
        return -1;
    }
    pthread_mutex_init(&s->lock, NULL);
    if (pthread_create(&s->thread, NULL, accept_loop, s) != 0) {
        close(s->fd);
        free(s);
        return -1;
    }
    *out = s;
    return port;
}

void fs_stop(fs_server *s)
{
    if (!s)
        return;
    s->stop = 1;
    shutdown(s->fd, SHUT_RDWR);
    pthread_join(s->thread, NULL);
    close(s->fd);
    /* Connection threads see stop within 100 ms; wait for them (bounded). */
    struct timespec ts = { 0, 10000000 };
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&s->lock);
        int active = s->active;
        pthread_mutex_unlock(&s->lock);
        if (!active)
            break;
        nanosleep(&ts, NULL);
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int fs_closed_port(void)
{
    int port;
    int fd = bind_local(&port);
    if (fd < 0)
        return -1;
    close(fd);
    return port;
}
