#include "cli.h"
#include "report_args.h"
#include "diagnose_live.h"
#include "diagnose_store.h"
#include "live.h"
#include "gomemdx/bundle.h"
#include "gomemdx/diagnose.h"
#include "gomemdx/events.h"
#include "gomemdx/html.h"
#include "gomemdx/input.h"
#include "gomemdx/report.h"
#include "gomemdx/watch.h"
#include "html_arg.h"
#include "binary_arg.h"
#include "signatures_arg.h"

#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static const cli_option options[] = {
    { "limit", 'l', OPT_SIZE, "SIZE", "the process's memory limit (512MiB, 2G), for the forecast" },
    { "events", 'e', OPT_STRING, "FILE", "releases and config/ops changes, CSV or JSON (time,kind,description)" },
    { "json", 0, OPT_FLAG, NULL, "print the JSON findings document with the timeline and forecast" },
    CLI_REPORT_OPTIONS,
    { "all", 'a', OPT_FLAG, NULL, "also show healthy and info-level findings" },
    { "store", 's', OPT_STRING, "FILE", "a gomemdx watch store: diagnose a target's captures and history" },
    { "target", 't', OPT_STRING, "T", "with --store: the target (its id or URL, see gomemdx history)" },
    { "duration", 'd', OPT_STRING, "DURATION", "with URLs: capture for this long (default 60s)" },
    { "interval", 'i', OPT_STRING, "DURATION", "with URLs: time between captures (default 15s, or a quarter of --duration)" },
    { "output", 'o', OPT_STRING, "DIR", "with URLs: the incident folder to save the captures in" },
    CLI_LIVE_OPTIONS,
    SIGNATURES_OPTION,
    BINARY_OPTION,
    HTML_OPTION,
    { NULL, 0, 0, NULL, NULL }
};

static int render(const gmx_diagnosis *d, const cli_command *self, const cli_args *args)
{
    bool json;
    gmx_render_options ro = { 0 };
    int style = cli_report_style(self, args, &ro, &json);
    if (style != EXIT_OK)
        return style;
    ro.show_healthy = cli_opt(self, args, "all")->set;
    char *text;
    size_t len;
    gmx_error err;
    gmx_code rc = json ? gmx_render_diagnosis_json(d, &ro, &text, &len, &err)
                       : gmx_render_diagnosis_text(d, &ro, &text, &len, &err);
    if (rc != GMX_OK)
        return cli_report_error(&err);
    fwrite(text, 1, len, stdout);
    gmx_render_free(text);
    const char *html = cli_opt(self, args, "html")->str;
    if (!html)
        return EXIT_OK;
    char *page = NULL;
    rc = gmx_render_diagnosis_html(d, &ro, &page, &len, &err);
    return cli_write_html(html, rc, page, len, &err);
}

/* GMX_THREADS=N reads N files at once (1: one after the other); unset or
 * not a number: one per CPU. The result is the same either way, which is
 * what tests compare. */
static unsigned threads_from_env(void)
{
    const char *v = getenv("GMX_THREADS");
    char *end;
    unsigned long n = v && *v ? strtoul(v, &end, 10) : 0;
    return v && *v && !*end && n <= 64 ? (unsigned)n : 0;
}

/* A one-shot diagnose reads file after file, each freeing what the next
 * allocates again: glibc would hand the large blocks and the arenas' tops
 * back to the system each time, and faulting fresh pages in costs more
 * than the decoding on some virtual machines. Kept, they are reused (peak
 * memory is one file's working set per worker either way). */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 << 20); /* glibc's maximum */
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

static int diagnose(const cli_command *self, const cli_args *args, const char *const *given,
                    size_t ngiven, gmx_diagnose_options *opts, const store_history *h,
                    char *summary, size_t summarysz)
{
    keep_freed_memory();
    if (h) {
        opts->history = h->samples;
        opts->nhistory = h->nsamples;
    }
    gmx_bundle *bundle = NULL;
    gmx_diagnosis *d = NULL;
    gmx_error err;
    int rc;
    gmx_bundle_options bo = { .threads = threads_from_env() };
    if (h) {
        bo.buffers = h->captures.buffers;
        bo.nbuffers = h->captures.n;
    }
    cli_binary bin;
    rc = cli_load_binary(cli_opt(self, args, "binary")->str, &bin);
    if (rc != EXIT_OK)
        return rc;
    bo.binary = bin.binary;
    if (gmx_bundle_load(given, ngiven, &bo, &bundle, &err) != GMX_OK ||
        gmx_diagnose(bundle, opts, &d, &err) != GMX_OK)
        rc = cli_report_error(&err);
    else
        rc = render(d, self, args);
    if (summary && d)
        gmx_watch_summary(d, summary, summarysz);
    gmx_diagnosis_free(d);
    gmx_bundle_free(bundle);
    cli_binary_release(&bin);
    return rc;
}

/* diagnose URL...: capture, then diagnose each service's folder as a
 * folder is diagnosed (so `diagnose DIR` later says the same). */
static int diagnose_live(const cli_command *self, const cli_args *args,
                         gmx_diagnose_options *opts)
{
    live_capture c;
    int rc = live_capture_run(self, args, &c);
    /* Replicas: each diagnosed on its own, then their top findings side by
     * side (in text; JSON stays one document per service). */
    bool text = !cli_opt(self, args, "json")->set;
    char (*top)[600] = rc == EXIT_OK ? calloc(c.n, sizeof(*top)) : NULL;
    if (rc == EXIT_OK && !top) {
        fprintf(stderr, "gomemdx: out of memory\n");
        rc = EXIT_INTERNAL;
    }
    for (size_t i = 0; rc == EXIT_OK && i < c.n; i++) {
        snprintf(top[i], sizeof(top[i]), "nothing captured");
        if (!c.captured[i])
            continue;
        if (c.n > 1 && text)
            printf("%s== %s (%s)\n\n", i ? "\n" : "", c.urls[i], c.folders[i]);
        const char *folder = c.folders[i];
        rc = diagnose(self, args, &folder, 1, opts, NULL, top[i], sizeof(top[i]));
    }
    if (rc == EXIT_OK && c.n > 1 && text) {
        printf("\n== The services compared\n");
        for (size_t i = 0; i < c.n; i++)
            printf("  %s: %s\n", c.urls[i], top[i]);
    }
    free(top);
    live_capture_release(&c);
    return rc;
}

static int run(const cli_command *self, const cli_args *args)
{
    const char *store = cli_opt(self, args, "store")->str;
    const char *target = cli_opt(self, args, "target")->str;
    if (!store && !args->npos)
        return cli_usage_error(self, "give the incident's files or folders, or --store FILE --target T");
    if (store && !target)
        return cli_usage_error(self, "--store needs --target (an id or URL from 'gomemdx history')");
    if (target && !store)
        return cli_usage_error(self, "--target goes with --store FILE");
    bool json;
    gmx_render_options style = { 0 };
    if (cli_report_style(self, args, &style, &json) != EXIT_OK)
        return EXIT_USAGE;
    gmx_events *events = NULL;
    gmx_error err;
    gmx_diagnose_options opts = { 0 };
    gmx_signatures *sigs = NULL;
    int src = cli_load_signatures(cli_opt(self, args, "signatures")->str, &sigs);
    if (src != EXIT_OK)
        return src;
    opts.signatures = sigs;
    const char *events_path = cli_opt(self, args, "events")->str;
    if (events_path) {
        gmx_input *in = NULL;
        gmx_code erc = gmx_input_open(events_path, &in, &err);
        if (erc == GMX_OK)
            erc = gmx_events_parse(events_path, gmx_input_data(in), gmx_input_size(in), &events, &err);
        gmx_input_free(in);
        if (erc != GMX_OK) {
            gmx_signatures_free(sigs);
            return cli_report_error(&err);
        }
        opts.events = events;
    }
    opts.limit_bytes = cli_opt(self, args, "limit")->num;
    opts.include_healthy = cli_opt(self, args, "all")->set;
    store_history h;
    int rc;
    bool live = args->npos && gmx_url_is_http(args->pos[0]);
    if (live && args->npos > 1 && cli_opt(self, args, "html")->set)
        rc = cli_usage_error(self, "--html writes one page: give one service's URL");
    else if (live && store)
        rc = cli_usage_error(self, "--store reads a watch store; URLs are captured now: not both");
    else if (live)
        rc = diagnose_live(self, args, &opts);
    else if (store && store_history_load(store, target, &h, &err) != GMX_OK) {
        rc = cli_report_error(&err);
    } else {
        rc = diagnose(self, args, (const char *const *)args->pos, (size_t)args->npos, &opts,
                      store ? &h : NULL, NULL, 0);
        if (store)
            store_history_release(&h);
    }
    gmx_events_free(events);
    gmx_signatures_free(sigs);
    return rc;
}

const cli_command cmd_diagnose = {
    .name = "diagnose",
    .summary = "Walk the memory runbook over an incident: goroutines, heap growth, forecast, actions.",
    .usage = "PATH... | URL... [--duration D] [--interval D] [-o DIR] | --store FILE --target T"
             "  [--limit SIZE] [--events FILE] [--json|--markdown] [--lang en|zh] [--all]"
             " [--signatures FILE] [--binary BIN] [--html FILE]",
    .description =
        "Reads every file under PATH (files and folders, any mix of goroutine dumps,\n"
        "goroutine and heap profiles), recognises each by its content, orders them in\n"
        "time and reports in the runbook's order: when growth began, which goroutines\n"
        "pile up and why, which allocation sites keep growing and how fast, other\n"
        "causes of OOM, when memory reaches --limit, and an ordered list of actions:\n"
        "mitigate now, fix in code, verify after the fix. Files that are not evidence\n"
        "are listed as skipped, never fatal. With --store, a target watched by\n"
        "'gomemdx watch': its stored captures, and its sampled history to date the\n"
        "rise before the failure and drive the forecast.\n"
        "\n"
        "Given URLs (http://host:6060, or its /debug/pprof/ page; one ending in\n"
        "/debug/vars or /metrics also has that page read), it captures each service\n"
        "every --interval for --duration (default 4 captures over a minute):\n"
        "goroutine dumps (debug=2 and debug=1), heap and allocs profiles, goroutineleak\n"
        "where offered. Replicas are captured at once. The captures are saved in -o DIR\n"
        "(default: a new folder under $XDG_DATA_HOME/gomemdx/captures, or\n"
        "~/.local/share/gomemdx/captures), one folder per service with the capture\n"
        "times in capture-times.tsv, then diagnosed; 'gomemdx diagnose DIR' later\n"
        "says the same. A service that gives nothing is one line and exit status 2;\n"
        "a partial capture is kept and said.",
    .options = options,
    .min_pos = 0,
    .max_pos = -1,
    .run = run,
};
