#include "cli.h"
#include "report_args.h"
#include "input_hint.h"
#include "live.h"
#include "gomemdx/analyze.h"
#include "gomemdx/html.h"
#include "gomemdx/ingest.h"
#include "gomemdx/report.h"
#include "binary_arg.h"
#include "html_arg.h"
#include "signatures_arg.h"

#include <stdlib.h>
#include <string.h>

static const cli_option options[] = {
    { "base", 'b', OPT_STRING, "FILE", "an earlier dump of the same process to compare with" },
    { "json", 0, OPT_FLAG, NULL, "print the JSON findings document (schema gomemdx/1)" },
    CLI_REPORT_OPTIONS,
    { "all", 'a', OPT_FLAG, NULL, "also show healthy and unremarkable buckets" },
    { "frames", 0, OPT_UINT, "N", "frames of each stack to show (default 12)" },
    { "threads", 0, OPT_UINT, "N", "parser threads for large dumps (default: all cores)" },
    CLI_LIVE_OPTIONS,
    SIGNATURES_OPTION,
    BINARY_OPTION,
    HTML_OPTION,
    { NULL, 0, 0, NULL, NULL }
};

static int run(const cli_command *self, const cli_args *args)
{
    const char *base = cli_opt(self, args, "base")->str;
    bool json;
    gmx_render_options ropts = { 0 };
    if (cli_report_style(self, args, &ropts, &json) != EXIT_OK)
        return EXIT_USAGE;
    gmx_ingest_options iopts = { 0 };
    iopts.threads = (unsigned)cli_opt(self, args, "threads")->num;

    size_t n = (size_t)args->npos + (base ? 1 : 0);
    gmx_gsnapshot *snaps = calloc(n, sizeof(*snaps));
    gmx_findings *findings = gmx_findings_new();
    if (!snaps || !findings) {
        free(snaps);
        gmx_findings_free(findings);
        fprintf(stderr, "gomemdx: out of memory\n");
        return EXIT_INTERNAL;
    }
    gmx_signatures *sigs = NULL;
    cli_binary bin = { 0 };
    int rc = cli_load_signatures(cli_opt(self, args, "signatures")->str, &sigs);
    if (rc == EXIT_OK)
        rc = cli_load_binary(cli_opt(self, args, "binary")->str, &bin);
    iopts.binary = bin.binary;
    gmx_error err = { 0 };
    size_t loaded = 0;
    gmx_gtimed *timed = NULL;
    gmx_gseries series = { 0 };
    if (rc != EXIT_OK)
        goto done;
    for (; loaded < n; loaded++) {
        const char *path = base ? (loaded == 0 ? base : args->pos[loaded - 1]) : args->pos[loaded];
        if (gmx_ingest_goroutines(path, &iopts, &snaps[loaded], &err) != GMX_OK) {
            rc = cli_report_input_error("goroutines", &err);
            goto done;
        }
        gmx_input_note note = { 0 };
        note.name = (gmx_str){ snaps[loaded].name, strlen(snaps[loaded].name) };
        note.kind = ropts.zh ? gmx_dump_kind_name_zh(snaps[loaded].info.kind)
                             : gmx_dump_kind_name(snaps[loaded].info.kind);
        note.goroutines = snaps[loaded].info.goroutines;
        note.threads = snaps[loaded].info.threads;
        note.partial = snaps[loaded].info.partial;
        note.detail = snaps[loaded].info.message;
        char reading[512];
        note.reading.n = gmx_read_report_describe(&snaps[loaded].info.read, ropts.zh, reading, sizeof(reading));
        note.reading.n = gmx_ingest_describe_names(&snaps[loaded].info, ropts.zh, reading,
                                                   note.reading.n, sizeof(reading));
        note.reading.p = reading;
        gmx_findings_add_input(findings, &note);
    }
    /* Dumps and profiles given together read as diagnose reads them: one
     * kind is the series, told what the others know. */
    timed = calloc(n, sizeof(*timed));
    if (!timed) {
        rc = cli_report_error(&(gmx_error){ .code = GMX_ENOMEM });
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        timed[i] = (gmx_gtimed){ &snaps[i], 0 };
    gmx_goroutine_options aopts = { .include_healthy = cli_opt(self, args, "all")->set,
                                    .signatures = sigs };
    if (gmx_gseries_build(timed, n, &series, &err) != GMX_OK) {
        rc = cli_report_error(&err);
        goto done;
    }
    aopts.work_ids = series.work_ids;
    if (gmx_analyze_goroutines(series.snaps, series.n, &aopts, findings, &err) != GMX_OK) {
        rc = cli_report_error(&err);
        goto done;
    }
    ropts.show_healthy = aopts.include_healthy;
    ropts.max_frames = (unsigned)cli_opt(self, args, "frames")->num;
    char *text = NULL;
    size_t len = 0;
    gmx_code r = json ? gmx_render_json(findings, &ropts, &text, &len, &err)
                      : gmx_render_text(findings, &ropts, &text, &len, &err);
    if (r != GMX_OK) {
        rc = cli_report_error(&err);
        goto done;
    }
    fwrite(text, 1, len, stdout);
    gmx_render_free(text);
    const char *html = cli_opt(self, args, "html")->str;
    if (html) {
        char *page = NULL;
        r = gmx_render_goroutines_html(findings, series.snaps, series.n, &ropts, &page, &len, &err);
        rc = cli_write_html(html, r, page, len, &err);
    }
done:
    gmx_findings_free(findings); /* it borrows the series' buckets */
    findings = NULL;
    gmx_gseries_release(&series);
    free(timed);
    for (size_t i = 0; i < loaded; i++)
        gmx_gsnapshot_release(&snaps[i]);
    free(snaps);
    gmx_signatures_free(sigs);
    cli_binary_release(&bin);
    return rc;
}

const cli_command cmd_goroutines = {
    .name = "goroutines",
    .summary = "Find leaking goroutines in goroutine dumps: group, classify, rank.",
    .usage = "FILE... [--base FILE] [--json|--markdown] [--lang en|zh] [--all] [--signatures FILE]"
             " [--binary BIN] [--html FILE]",
    .description =
        "Reads full goroutine dumps (/debug/pprof/goroutine?debug=2, runtime.Stack,\n"
        "SIGQUIT output, panic and fatal error logs), groups goroutines with the same\n"
        "stack, classifies each group by the runbook's causes (channel, mutex,\n"
        "WaitGroup, select, I/O without timeout, unbounded spawning) and ranks them,\n"
        "most suspicious first. Several FILEs are dumps of one process in time order,\n"
        "oldest first; --base names an older one. Growth between them is reported,\n"
        "and a surge that drained is told apart from a leak that stays.",
    .options = options,
    .min_pos = 1,
    .max_pos = -1,
    .live = "/debug/pprof/goroutine?debug=2",
    .live_npos = -1,
    .live_option = "base",
    .live_option_path = "/debug/pprof/goroutine?debug=2",
    .run = run,
};
