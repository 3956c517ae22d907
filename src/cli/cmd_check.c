#include "cli.h"
#include "report_args.h"
#include "input_hint.h"
#include "live.h"
#include "gomemdx/check.h"
#include "gomemdx/ingest.h"
#include "gomemdx/report.h"
#include "signatures_arg.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Looks at a live AFTER, as goleak retries: goroutines a test started may
 * still be on their way out when it ends. */
enum { DEFAULT_RETRIES = 20, FIRST_PAUSE_US = 1000, MAX_PAUSE_US = 100000 };

static const cli_option options[] = {
    { "base", 'b', OPT_STRING, "BEFORE", "the dump taken before (required)" },
    { "ignore", 0, OPT_LIST, "REGEX", "ignore buckets with a function matching REGEX (repeatable)" },
    { "min-growth", 0, OPT_UINT, "N", "report buckets that grew by at least N goroutines (default 1)" },
    { "retries", 0, OPT_UINT, "N", "with a URL as AFTER: look again up to N times while buckets are grown, "
      "pausing 1 ms doubling to 100 ms, as goleak does (default 20; 0: look once)" },
    { "json", 0, OPT_FLAG, NULL, "print the JSON findings document" },
    CLI_REPORT_OPTIONS,
    CLI_LIVE_OPTIONS,
    SIGNATURES_OPTION,
    { NULL, 0, 0, NULL, NULL }
};

static void note_input(gmx_findings *f, const gmx_gsnapshot *s, bool zh)
{
    gmx_input_note note = { 0 };
    note.name = (gmx_str){ s->name, strlen(s->name) };
    note.kind = zh ? gmx_dump_kind_name_zh(s->info.kind) : gmx_dump_kind_name(s->info.kind);
    note.goroutines = s->info.goroutines;
    note.threads = s->info.threads;
    note.partial = s->info.partial;
    char reading[512];
    note.reading.n = gmx_read_report_describe(&s->info.read, zh, reading, sizeof(reading));
    note.reading.p = reading;
    gmx_findings_add_input(f, &note);
}

static int render(const gmx_findings *f, bool json, gmx_render_options ro)
{
    ro.gate = gmx_findings_count(f) ? GMX_GATE_FAIL : GMX_GATE_PASS;
    char *text;
    size_t len;
    gmx_error err;
    gmx_code rc = json ? gmx_render_json(f, &ro, &text, &len, &err)
                       : gmx_render_text(f, &ro, &text, &len, &err);
    if (rc != GMX_OK)
        return cli_report_error(&err);
    fwrite(text, 1, len, stdout);
    gmx_render_free(text);
    return EXIT_OK;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* AFTER read and compared with before into *f, once. */
static gmx_code compare(const char *after_path, const gmx_gsnapshot *before,
                        const gmx_check_options *copts, gmx_gsnapshot *after, gmx_findings **f,
                        gmx_error *err)
{
    gmx_gsnapshot_release(after);
    gmx_findings_free(*f);
    if (!(*f = gmx_findings_new()))
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    gmx_code rc = gmx_ingest_goroutines(after_path, NULL, after, err);
    return rc == GMX_OK ? gmx_check_goroutines(before, after, copts, *f, err) : rc;
}

static int run(const cli_command *self, const cli_args *args)
{
    const char *base = cli_opt(self, args, "base")->str;
    if (!base)
        return cli_usage_error(self, "--base BEFORE is required");
    const opt_value *ignore = cli_opt(self, args, "ignore");
    const opt_value *retries_opt = cli_opt(self, args, "retries");
    bool json;
    gmx_render_options ro = { 0 };
    if (cli_report_style(self, args, &ro, &json) != EXIT_OK)
        return EXIT_USAGE;
    gmx_check_options copts = { ignore->list, ignore->nlist,
                                cli_opt(self, args, "min-growth")->num, NULL };
    /* Only a live AFTER can be looked at again; a file says what it says. */
    const char *url = args->urls ? args->urls[0] : NULL;
    unsigned long long retries = !url ? 0 : retries_opt->set ? retries_opt->num : DEFAULT_RETRIES;
    gmx_gsnapshot before = { 0 }, after = { 0 };
    gmx_signatures *sigs = NULL;
    int rc = cli_load_signatures(cli_opt(self, args, "signatures")->str, &sigs);
    if (rc != EXIT_OK)
        return rc;
    copts.signatures = sigs;
    gmx_findings *f = NULL;
    gmx_error err;
    char *again = NULL; /* the body of the last look, when there was more than one */
    unsigned long long looks = 1;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (gmx_ingest_goroutines(base, NULL, &before, &err) != GMX_OK ||
        compare(args->pos[0], &before, &copts, &after, &f, &err) != GMX_OK) {
        rc = cli_report_input_error("goroutines", &err);
        goto done;
    }
    for (useconds_t pause = FIRST_PAUSE_US; gmx_findings_count(f) && looks <= retries; looks++) {
        usleep(pause);
        pause = pause * 2 > MAX_PAUSE_US ? MAX_PAUSE_US : pause * 2;
        char *path = cli_live_fetch(self, args, url, self->live, &rc);
        if (!path)
            goto done;
        if (again) /* only the look the verdict rests on is kept */
            unlink(again);
        free(again);
        again = path;
        if (compare(again, &before, &copts, &after, &f, &err) != GMX_OK) {
            rc = cli_report_input_error("goroutines", &err);
            goto done;
        }
    }
    if (again)
        fprintf(stderr, "gomemdx: saved %s (look %llu)\n", again, looks);
    note_input(f, &before, ro.zh);
    note_input(f, &after, ro.zh);
    rc = render(f, json, ro);
    if (rc == EXIT_OK && looks > 1 && !json)
        printf(ro.zh ? "对 AFTER 共查看 %llu 次，历时 %.1f 秒（如 goleak 那样重试）\n"
                     : "looked at AFTER %llu times over %.1f s (retried as goleak does)\n",
               looks, seconds_since(&t0));
    if (rc == EXIT_OK && gmx_findings_count(f) > 0) {
        if (!json)
            printf(ro.zh ? "检查未通过：%zu 组 goroutine 新出现或增长了\n"
                         : "check failed: %zu goroutine bucket%s appeared or grew\n",
                   gmx_findings_count(f), gmx_findings_count(f) == 1 ? "" : "s");
        rc = EXIT_FINDINGS;
    } else if (rc == EXIT_OK && !json) {
        printf(ro.zh ? "检查通过：没有 goroutine 组新出现或增长\n"
                     : "check passed: no goroutine bucket appeared or grew\n");
    }
done:
    free(again);
    gmx_gsnapshot_release(&before);
    gmx_gsnapshot_release(&after);
    gmx_findings_free(f);
    gmx_signatures_free(sigs);
    return rc;
}

const cli_command cmd_check = {
    .name = "check",
    .summary = "CI gate: fail when goroutine buckets appeared or grew between two dumps.",
    .usage = "--base BEFORE AFTER [--ignore REGEX]... [--min-growth N] [--retries N] "
             "[--json|--markdown] [--lang en|zh] [--signatures FILE]",
    .description =
        "Compares two goroutine dumps of one process (taken before and after a test,\n"
        "a load run or a soak) and lists every bucket of goroutines that is new or\n"
        "larger, except healthy patterns (runtime workers, listeners, idle connections)\n"
        "and buckets with a function matching an --ignore regex. Exit status 1 when\n"
        "anything appeared or grew, 0 when nothing did.\n\n"
        "When AFTER is a service's URL, goroutines a test started may still be on\n"
        "their way out: like goleak, check looks again (up to --retries times, about\n"
        "1.4 s in all by default) and passes as soon as nothing is grown.",
    .options = options,
    .min_pos = 1,
    .max_pos = 1,
    .live = "/debug/pprof/goroutine?debug=2",
    .live_npos = 1,
    .live_option = "base",
    .live_option_path = "/debug/pprof/goroutine?debug=2",
    .run = run,
};
