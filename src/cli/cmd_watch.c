#include "cli.h"
#include "live.h"
#include "gomemdx/serve.h"
#include "signatures_arg.h"
#include "watch_page.h"
#include "watch_view.h"
#include "gomemdx/input.h"
#include "gomemdx/store.h"
#include "gomemdx/watch.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static const cli_option options[] = {
    { "interval", 'i', OPT_STRING, "DURATION", "time between samples of each target (default 10s)" },
    { "limit", 'l', OPT_SIZE, "SIZE", "the services' memory limit (512MiB, 2G), for diagnose" },
    { "store", 's', OPT_STRING, "FILE", "the SQLite store (default ./gomemdx.db)" },
    { "rules", 'r', OPT_STRING, "FILE", "capture rules (see below)" },
    { "duration", 'd', OPT_STRING, "DURATION", "stop after this long (default: at Ctrl-C)" },
    { "once", 0, OPT_FLAG, NULL, "take one sample of each target and stop" },
    { "listen", 0, OPT_STRING, "ADDR", "serve the first URL's HTML report at http://ADDR/ (PORT or IPV4:PORT; 127.0.0.1 unless given), reloading every interval" },
    SIGNATURES_OPTION,
    { NULL, 0, 0, NULL, NULL }
};

static int read_rules(const char *path, gmx_watch_rules *rules)
{
    gmx_input *in = NULL;
    gmx_error err;
    gmx_code rc = gmx_input_open(path, &in, &err);
    if (rc == GMX_OK)
        rc = gmx_watch_rules_parse(path, gmx_input_data(in), gmx_input_size(in), rules, &err);
    gmx_input_free(in);
    return rc == GMX_OK ? EXIT_OK : cli_report_error(&err);
}

static int parse_options(const cli_command *self, const cli_args *args, gmx_watch_options *o)
{
    const char *interval = cli_opt(self, args, "interval")->str;
    const char *duration = cli_opt(self, args, "duration")->str;
    const char *rules = cli_opt(self, args, "rules")->str;
    if (interval && (!gmx_watch_parse_duration(interval, &o->interval_ns) || o->interval_ns < 1000000))
        return cli_usage_error(self, "--interval needs a duration such as 10s or 1m, not '%s'",
                               interval);
    if (duration && !gmx_watch_parse_duration(duration, &o->duration_ns))
        return cli_usage_error(self, "--duration needs a duration such as 90s or 1h, not '%s'",
                               duration);
    o->once = cli_opt(self, args, "once")->set;
    o->limit_bytes = cli_opt(self, args, "limit")->num;
    gmx_watch_rules_default(&o->rules);
    return rules ? read_rules(rules, &o->rules) : EXIT_OK;
}

static int run(const cli_command *self, const cli_args *args)
{
    gmx_watch_options o = { 0 };
    int rc = parse_options(self, args, &o);
    if (rc != EXIT_OK)
        return rc;
    const char *path = cli_opt(self, args, "store")->str;
    path = path ? path : "gomemdx.db";
    const char *const *urls = (const char *const *)args->pos;
    size_t n = (size_t)args->npos;
    gmx_signatures *sigs = NULL;
    rc = cli_load_signatures(cli_opt(self, args, "signatures")->str, &sigs);
    if (rc != EXIT_OK)
        return rc;
    o.signatures = sigs;
    gmx_store *store = NULL;
    gmx_error err;
    if (gmx_store_open(path, GMX_STORE_CREATE, &store, &err) != GMX_OK) {
        gmx_signatures_free(sigs);
        return cli_report_error(&err);
    }
    watch_view *view = watch_view_new(urls, n, isatty(STDOUT_FILENO) && cli_use_color(), o.once,
                                      path);
    if (!view) {
        gmx_store_close(store);
        gmx_signatures_free(sigs);
        fprintf(stderr, "gomemdx: out of memory\n");
        return EXIT_INTERNAL;
    }
    o.stop = cli_catch_stop();
    o.on_event = watch_view_event;
    o.ctx = view;
    const char *listen = cli_opt(self, args, "listen")->str;
    int64_t interval_s = (o.interval_ns ? o.interval_ns : 10000000000LL) / 1000000000LL;
    watch_page page = { path, urls[0], o.limit_bytes, sigs,
                        interval_s < 5 ? 5 : interval_s > 3600 ? 3600 : (unsigned)interval_s };
    gmx_server *server = NULL;
    if (listen && gmx_serve_start(listen, watch_page_render, &page, &server, &err) != GMX_OK)
        rc = cli_report_error(&err);
    else {
        if (server) {
            const char *colon = strrchr(listen, ':');
            fprintf(stderr, "gomemdx: the report of %s is at http://%.*s:%u/\n", urls[0],
                    colon ? (int)(colon - listen) : 9, colon ? listen : "127.0.0.1",
                    gmx_serve_port(server));
        }
        rc = gmx_watch_run(store, urls, n, &o, &err) == GMX_OK ? EXIT_OK : cli_report_error(&err);
    }
    gmx_serve_stop(server);
    /* --once is a health probe too: nobody answering is a failure. */
    if (rc == EXIT_OK && o.once && !watch_view_targets_up(view)) {
        fprintf(stderr, "gomemdx: watch: no target answered (%zu down)\n", n);
        rc = EXIT_USAGE;
    }
    watch_view_free(view);
    gmx_store_close(store);
    gmx_signatures_free(sigs);
    return rc;
}

const cli_command cmd_watch = {
    .name = "watch",
    .summary = "Watch live Go services: sample goroutines and heap, capture evidence when a rule fires.",
    .usage = "URL... [--interval 10s] [--limit SIZE] [--store FILE] [--rules FILE] "
             "[--duration D] [--once] [--listen ADDR]",
    .description =
        "Every interval, for each URL (http://host:port of a service with net/http/pprof,\n"
        "or its pasted .../debug/pprof/ page; a URL ending in /debug/vars or /metrics\n"
        "also has that page read), reads the goroutine count\n"
        "(/debug/pprof/goroutine?debug=1) and MemStats (/debug/pprof/heap?debug=1), all\n"
        "targets at once, and stores them in --store.\n"
        "A target that is down, slow or broken is recorded as a gap and retried later\n"
        "(2, 4, then 8 intervals); the others are never held up. When a rule fires it\n"
        "captures goroutine debug=2, heap and allocs profiles (and goroutineleak when\n"
        "offered) into the store, diagnoses them and prints the top finding.\n"
        "\n"
        "Rules file (defaults shown; one statement a line, '#' comments):\n"
        "  goroutines min=200 abs=10000 diff=100% trend=50% window=10\n"
        "  heap min=64MiB diff=100% trend=50% window=10 growth=100% growth_min=8MiB\n"
        "  cooldown 10m\n"
        "  budget 4\n"
        "min: no capture below it; abs: capture at or above it; diff: that far above\n"
        "the mean of the previous window; trend: grown that much over the window,\n"
        "rising at four steps in five or more; growth: the low of the window's later\n"
        "half that far above the low of its earlier half (doubled: 100%), from\n"
        "growth_min whatever min says; budget: captures per target per hour.\n"
        "--once takes one sample of each target; it fails (status 2) when none answers,\n"
        "and a target that is down says so.\n"
        "\n"
        "On a terminal the view is redrawn in place; otherwise one line per event.\n"
        "Ctrl-C stops cleanly: every sample printed is in the store.",
    .options = options,
    .min_pos = 1,
    .max_pos = -1,
    .run = run,
};
