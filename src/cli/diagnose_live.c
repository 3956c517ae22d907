#include "diagnose_live.h"
#include "live.h"
#include "gomemdx/store.h"
#include "gomemdx/watch.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_SERVICES = 64, MAX_CAPTURES = 1000 };

/* What the capture said, per service. */
typedef struct series {
    const char *const *urls;
    size_t n;
    unsigned planned;
    int64_t interval_ns;
    unsigned stored[MAX_SERVICES];
    unsigned failed[MAX_SERVICES];
    char problem[MAX_SERVICES][600];
    bool tty;
} series;

static void on_event(void *ctx, const gmx_watch_event *ev)
{
    series *s = ctx;
    if (ev->target >= s->n)
        return;
    size_t i = ev->target;
    if (ev->kind == GMX_WATCH_CAPTURE)
        s->stored[i]++;
    if (ev->kind == GMX_WATCH_GAP) {
        s->failed[i]++;
        if (!s->problem[i][0])
            snprintf(s->problem[i], sizeof(s->problem[i]), "%s", ev->message);
    }
    /* A progress line on a terminal only; nothing on a pipe. */
    if (s->tty && ev->kind == GMX_WATCH_TRIGGER) {
        unsigned k = 0;
        sscanf(ev->message, "capture %u", &k);
        if (k < s->planned)
            fprintf(stderr, "\r\033[K%s of %s, next in %lld s", ev->message, ev->url,
                    (long long)(s->interval_ns / 1000000000));
        else
            fprintf(stderr, "\r\033[K%s of %s", ev->message, ev->url);
        fflush(stderr);
    }
}

/* The URL watch is given for url: the service's base, or a metrics page. */
static int service_url(const cli_command *cmd, const char *url, gmx_url_target *u)
{
    gmx_error err;
    if (gmx_url_resolve(url, "", u, &err) != GMX_OK)
        return cli_report_error(&err);
    size_t n = strlen(u->url);
    bool metrics = !u->service && ((n >= 11 && strcmp(u->url + n - 11, "/debug/vars") == 0) ||
                                   (n >= 8 && strcmp(u->url + n - 8, "/metrics") == 0));
    /* Every URL names a service here: one outside /debug/ is its prefix. */
    if (!metrics && (u->service || strstr(u->url + strlen(u->base), "/debug/")))
        snprintf(u->url, sizeof(u->url), "%s", u->base);
    else if (!metrics)
        u->url[strcspn(u->url, "?")] = '\0';
    (void)cmd;
    return EXIT_OK;
}

static int durations(const cli_command *cmd, const cli_args *args, int64_t *interval,
                     unsigned *captures)
{
    const char *iv = cli_opt(cmd, args, "interval")->str, *du = cli_opt(cmd, args, "duration")->str;
    int64_t duration = INT64_C(60) * 1000000000;
    *interval = INT64_C(15) * 1000000000;
    if (iv && (!gmx_watch_parse_duration(iv, interval) || *interval < 1000000))
        return cli_usage_error(cmd, "--interval needs a duration such as 15s, not '%s'", iv);
    if (du && !gmx_watch_parse_duration(du, &duration))
        return cli_usage_error(cmd, "--duration needs a duration such as 60s, not '%s'", du);
    if (du && !iv && duration < INT64_C(60) * 1000000000)
        *interval = duration / 4 > 1000000 ? duration / 4 : 1000000; /* still 4 captures */
    int64_t n = duration / *interval;
    if (n > MAX_CAPTURES)
        return cli_usage_error(cmd, "--duration / --interval is more than %d captures",
                               MAX_CAPTURES);
    *captures = n > 0 ? (unsigned)n : 1;
    return EXIT_OK;
}

static int output_dir(const cli_command *cmd, const cli_args *args, const char *name,
                      live_capture *out)
{
    const char *o = cli_opt(cmd, args, "output")->str;
    if (o) {
        if (strlen(o) >= sizeof(out->dir) - 300)
            return cli_usage_error(cmd, "-o: folder name too long");
        snprintf(out->dir, sizeof(out->dir), "%s", o);
        return EXIT_OK;
    }
    char base[2000], stamp[32];
    if (!cli_live_dir(base, sizeof(base)))
        return EXIT_USAGE;
    cli_live_stamp(stamp, sizeof(stamp));
    snprintf(out->dir, sizeof(out->dir), "%s/%s-%s", base, name, stamp);
    return EXIT_OK;
}

/* One line per service that lost captures; an error when nothing came. */
static int report_faults(const series *s, const live_capture *out, size_t files)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!s->failed[i] && s->stored[i])
            continue;
        if (!files || !s->stored[i])
            fprintf(stderr, "gomemdx: %s: nothing captured: %s\n", s->urls[i], s->problem[i]);
        else
            fprintf(stderr, "gomemdx: %s: partial capture kept in %s (%u of %u captures "
                            "incomplete): %s\n", s->urls[i], out->dir, s->failed[i], s->planned,
                    s->problem[i]);
    }
    return files ? EXIT_OK : EXIT_USAGE;
}

static int capture(const cli_command *cmd, const cli_args *args, gmx_watch_options *o,
                   const char *const *urls, series *s, live_capture *out)
{
    gmx_store *store;
    gmx_error err;
    size_t files = 0;
    /* The store only carries the captures to the folder: kept in memory. */
    if (gmx_store_open(":memory:", true, &store, &err) != GMX_OK)
        return cli_report_error(&err);
    gmx_code rc = gmx_watch_run(store, urls, (size_t)args->npos, o, &err);
    if (s->tty)
        fprintf(stderr, "\r\033[K");
    if (rc == GMX_OK)
        rc = gmx_watch_export_series(store, out->dir, &files, &err);
    gmx_store_close(store);
    if (rc != GMX_OK)
        return cli_report_error(&err);
    (void)cmd;
    return report_faults(s, out, files);
}

int live_capture_run(const cli_command *cmd, const cli_args *args, live_capture *out)
{
    memset(out, 0, sizeof(*out));
    size_t n = (size_t)args->npos;
    if (n > MAX_SERVICES)
        return cli_usage_error(cmd, "at most %d services at once", MAX_SERVICES);
    gmx_url_target *u = calloc(n, sizeof(*u));
    const char **urls = calloc(n, sizeof(*urls));
    out->folders = calloc(n, sizeof(*out->folders));
    out->urls = calloc(n, sizeof(*out->urls));
    out->captured = calloc(n, sizeof(*out->captured));
    series *s = calloc(1, sizeof(*s));
    int rc = u && urls && out->folders && out->urls && out->captured && s ? EXIT_OK
                                                                          : EXIT_INTERNAL;
    if (rc != EXIT_OK)
        fprintf(stderr, "gomemdx: out of memory\n");
    for (size_t i = 0; rc == EXIT_OK && i < n; i++) {
        if (!gmx_url_is_http(args->pos[i]) && !strstr(args->pos[i], "://"))
            rc = cli_usage_error(cmd, "'%s': give URLs or files and folders, not both",
                                 args->pos[i]);
        else if ((rc = service_url(cmd, args->pos[i], &u[i])) == EXIT_OK)
            urls[i] = u[i].url;
    }
    gmx_watch_options o = { 0 };
    gmx_watch_rules_default(&o.rules);
    if (rc == EXIT_OK && (rc = cli_live_limits(cmd, args, &o.fetch)) == EXIT_OK &&
        !cli_opt(cmd, args, "timeout")->set)
        o.fetch.timeout_ms = 0; /* watch's: the interval's, at most 5 s (dumps get 4 times) */
    if (rc == EXIT_OK &&
        (rc = durations(cmd, args, &o.interval_ns, &o.captures)) == EXIT_OK)
        rc = output_dir(cmd, args, u[0].name, out);
    if (rc == EXIT_OK) {
        /* The folder per service, as gmx_watch_export_series names them. */
        out->n = n;
        for (size_t i = 0; i < n; i++) {
            out->urls[i] = args->pos[i];
            snprintf(out->folders[i], sizeof(out->folders[i]), "%s%s%s", out->dir,
                     n > 1 ? "/" : "", n > 1 ? u[i].name : "");
        }
        *s = (series){ .urls = (const char *const *)args->pos, .n = n, .planned = o.captures,
                       .interval_ns = o.interval_ns, .tty = isatty(STDERR_FILENO) };
        o.on_event = on_event;
        o.ctx = s;
        o.stop = cli_catch_stop();
        rc = capture(cmd, args, &o, urls, s, out);
    }
    for (size_t i = 0; rc == EXIT_OK && i < n; i++)
        out->captured[i] = s->stored[i] > 0;
    if (rc == EXIT_OK && n == 1)
        fprintf(stderr, "gomemdx: saved in %s ('gomemdx diagnose %s' reads it again)\n",
                out->dir, out->dir);
    else if (rc == EXIT_OK) /* one folder per replica: each is diagnosed on its own */
        fprintf(stderr, "gomemdx: saved in %s ('gomemdx diagnose %s/HOST_PORT' reads one "
                        "service again)\n", out->dir, out->dir);
    free(u);
    free(urls);
    free(s);
    return rc;
}

void live_capture_release(live_capture *c)
{
    free(c->folders);
    free(c->urls);
    free(c->captured);
    memset(c, 0, sizeof(*c));
}
