#include "live.h"
#include "gomemdx/input.h"
#include "gomemdx/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { DEFAULT_TIMEOUT_MS = 30000 };
#define DEFAULT_MAX_BODY ((size_t)256 << 20)

int cli_live_limits(const cli_command *cmd, const cli_args *args, gmx_fetch_limits *l)
{
    memset(l, 0, sizeof(*l));
    const opt_value *h = cli_opt(cmd, args, "header");
    for (size_t i = 0; i < h->nlist; i++)
        if (!strchr(h->list[i], ':')) /* the value is a secret: never shown */
            return cli_usage_error(cmd, "--header needs 'NAME: VALUE' (header %zu has no ':')",
                                   i + 1);
    l->headers = h->list;
    l->nheaders = h->nlist;
    l->insecure = cli_opt(cmd, args, "insecure")->set;
    const char *timeout = cli_opt(cmd, args, "timeout")->str;
    int64_t ns = (int64_t)DEFAULT_TIMEOUT_MS * 1000000;
    if (timeout && (!gmx_watch_parse_duration(timeout, &ns) || ns < 1000000))
        return cli_usage_error(cmd, "--timeout needs a duration such as 30s, not '%s'", timeout);
    l->timeout_ms = (long)(ns / 1000000);
    const opt_value *mb = cli_opt(cmd, args, "max-body");
    l->max_body = mb->set && mb->num ? (size_t)mb->num : DEFAULT_MAX_BODY;
    return EXIT_OK;
}

static bool make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        bool ok = mkdir(path, 0755) == 0 || errno == EEXIST;
        *p = '/';
        if (!ok)
            return false;
    }
    return mkdir(path, 0755) == 0 || errno == EEXIST;
}

bool cli_live_dir(char *out, size_t outsz)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int n = xdg && *xdg == '/' ? snprintf(out, outsz, "%s/gomemdx/captures", xdg)
            : home && *home    ? snprintf(out, outsz, "%s/.local/share/gomemdx/captures", home)
                               : -1;
    if (n < 0 || (size_t)n >= outsz) {
        fprintf(stderr, "gomemdx: no folder to save fetched bodies in: set HOME or XDG_DATA_HOME\n");
        return false;
    }
    if (!make_dirs(out)) {
        fprintf(stderr, "gomemdx: cannot make %s: %s\n", out, strerror(errno));
        return false;
    }
    return true;
}

void cli_live_stamp(char *out, size_t outsz)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, outsz, "%Y%m%d-%H%M%S", &tm);
}

/* "heap", "goroutine-debug2": the endpoint's last path part and its
 * debug level, in file-name characters. */
static void endpoint_slug(const char *url, char *out, size_t outsz)
{
    const char *q = strchr(url, '?');
    const char *end = q ? q : url + strlen(url);
    while (end > url && end[-1] == '/')
        end--;
    const char *start = end;
    while (start > url && start[-1] != '/')
        start--;
    const char *debug = q ? strstr(q, "debug=") : NULL;
    char raw[200];
    snprintf(raw, sizeof(raw), "%.*s%s%.*s", (int)(end - start > 100 ? 100 : end - start), start,
             debug ? "-debug" : "", debug ? (int)strspn(debug + 6, "0123456789") : 0,
             debug ? debug + 6 : "");
    size_t k = 0;
    for (const char *p = raw; *p && k + 1 < outsz; p++) {
        char c = *p;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
        out[k++] = keep ? c : '_';
    }
    out[k] = '\0';
    if (!k)
        snprintf(out, outsz, "body");
}

/* Writes the body into the captures folder under a new name; the path is
 * returned (malloc'd), NULL after one line on stderr. */
static char *save(const gmx_url_target *u, const gmx_input *in)
{
    char dir[3000], slug[128], stamp[32], path[3500];
    if (!cli_live_dir(dir, sizeof(dir)))
        return NULL;
    endpoint_slug(u->url, slug, sizeof(slug));
    cli_live_stamp(stamp, sizeof(stamp));
    const char *ext = gmx_is_gzip(gmx_input_data(in), gmx_input_size(in)) ? "pb.gz" : "txt";
    int fd = -1;
    for (int i = 1; fd < 0 && i <= 100; i++) {
        if (i == 1)
            snprintf(path, sizeof(path), "%s/%s.%s.%s.%s", dir, u->name, slug, stamp, ext);
        else
            snprintf(path, sizeof(path), "%s/%s.%s.%s.%d.%s", dir, u->name, slug, stamp, i, ext);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        fprintf(stderr, "gomemdx: cannot save in %s: %s\n", dir, strerror(errno));
        return NULL;
    }
    const char *p = gmx_input_data(in);
    size_t left = gmx_input_size(in);
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            fprintf(stderr, "gomemdx: cannot write %s: %s\n", path, strerror(errno));
            close(fd);
            return NULL;
        }
        p += w;
        left -= (size_t)w;
    }
    if (close(fd) != 0) {
        fprintf(stderr, "gomemdx: cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    return strdup(path);
}

char *cli_live_fetch(const cli_command *cmd, const cli_args *args, const char *url,
                     const char *endpoint, int *rc)
{
    gmx_url_target u;
    gmx_error err;
    gmx_fetch_limits l;
    *rc = cli_live_limits(cmd, args, &l);
    if (*rc != EXIT_OK)
        return NULL;
    if (gmx_url_resolve(url, endpoint, &u, &err) != GMX_OK) {
        *rc = cli_report_error(&err);
        return NULL;
    }
    gmx_input *in;
    /* seconds=N: the service answers after N seconds (pprof's -seconds). */
    if (gmx_input_fetch(u.url, &l, l.timeout_ms + u.seconds * 1000, &in, &err) != GMX_OK) {
        *rc = cli_report_error(&err);
        return NULL;
    }
    char *path = save(&u, in);
    gmx_input_free(in);
    *rc = path ? EXIT_OK : EXIT_USAGE;
    return path;
}

/* Fetches one URL argument and saves it; *arg becomes the saved path. */
static int fetch_arg(const cli_command *cmd, const cli_args *args, const char *endpoint,
                     const char **arg, cli_live *live)
{
    int rc;
    char *path = cli_live_fetch(cmd, args, *arg, endpoint, &rc);
    if (!path)
        return rc;
    char **grown = realloc(live->saved, (live->n + 1) * sizeof(*grown));
    if (!grown) {
        free(path);
        fprintf(stderr, "gomemdx: out of memory\n");
        return EXIT_INTERNAL;
    }
    live->saved = grown;
    live->saved[live->n++] = path;
    *arg = path;
    return EXIT_OK;
}

int cli_live_resolve(const cli_command *cmd, cli_args *args, cli_live *live)
{
    memset(live, 0, sizeof(*live));
    int rc = EXIT_OK;
    for (int i = 0; rc == EXIT_OK && cmd->live && i < args->npos; i++) {
        if ((cmd->live_npos < 0 || i < cmd->live_npos) && gmx_url_is_http(args->pos[i])) {
            const char *arg = args->pos[i];
            args->urls[i] = arg;
            rc = fetch_arg(cmd, args, cmd->live, &arg, live);
            args->pos[i] = (char *)(uintptr_t)arg; /* a path the live list owns */
        }
    }
    opt_value *v = cmd->live_option ? (opt_value *)(uintptr_t)cli_opt(cmd, args, cmd->live_option)
                                    : NULL;
    if (rc == EXIT_OK && v && v->str && gmx_url_is_http(v->str))
        rc = fetch_arg(cmd, args, cmd->live_option_path, &v->str, live);
    /* Where the evidence went, once it all came (a failure is one line). */
    for (size_t i = 0; rc == EXIT_OK && i < live->n; i++)
        fprintf(stderr, "gomemdx: saved %s\n", live->saved[i]);
    return rc;
}

void cli_live_release(cli_live *live)
{
    for (size_t i = 0; i < live->n; i++)
        free(live->saved[i]);
    free(live->saved);
    memset(live, 0, sizeof(*live));
}

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

const volatile sig_atomic_t *cli_catch_stop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &stop_requested;
}
