#include "cli.h"
#include "html_arg.h"
#include "report_args.h"
#include "gomemdx/analyze.h"
#include "gomemdx/core.h"
#include "gomemdx/html.h"
#include "gomemdx/ingest.h"
#include "gomemdx/report.h"

#include <stdlib.h>
#include <string.h>

static const cli_option options[] = {
    { "json", 0, OPT_FLAG, NULL, "print the JSON findings document (schema gomemdx/1)" },
    CLI_REPORT_OPTIONS,
    { "all", 'a', OPT_FLAG, NULL, "also show healthy and unremarkable buckets" },
    { "frames", 0, OPT_UINT, "N", "frames of each stack to show (default 12)" },
    { "heap-rows", 0, OPT_UINT, "N", "rows of the heap section to show (default 15)" },
    HTML_OPTION,
    { NULL, 0, 0, NULL, NULL }
};

static int run(const cli_command *self, const cli_args *args)
{
    bool json;
    gmx_render_options ropts = { 0 };
    if (cli_report_style(self, args, &ropts, &json) != EXIT_OK)
        return EXIT_USAGE;
    gmx_gsnapshot snap;
    gmx_core_info info;
    gmx_core_heap heap;
    gmx_error err = { 0 }, heap_err = { 0 };
    if (gmx_ingest_core_with_heap(args->pos[0], args->pos[1], NULL, &snap, &info, &heap,
                                  &heap_err, &err) != GMX_OK)
        return cli_report_error(&err);
    const gmx_core_heap *heap_read = heap_err.code == GMX_OK ? &heap : NULL;
    gmx_findings *findings = gmx_findings_new();
    if (!findings) {
        gmx_core_heap_release(&heap);
        gmx_gsnapshot_release(&snap);
        fprintf(stderr, "gomemdx: out of memory\n");
        return EXIT_INTERNAL;
    }
    gmx_input_note note = { 0 };
    note.name = (gmx_str){ snap.name, strlen(snap.name) };
    note.kind = "core dump";
    note.goroutines = snap.info.goroutines;
    note.detail = snap.info.message;
    char reading[200], on[80] = "";
    if (snap.info.message.n && info.signal_goid)
        snprintf(on, sizeof(on), ", the signal taken by thread %u on goroutine %llu",
                 info.signal_tid, (unsigned long long)info.signal_goid);
    else if (snap.info.message.n)
        snprintf(on, sizeof(on), ", the signal taken by thread %u (no goroutine on it)",
                 info.signal_tid);
    if (info.threads_only)
        note.reading.n = (size_t)snprintf(reading, sizeof(reading),
                                          "the binary has no DWARF: goroutines are unreadable, "
                                          "these are the %llu threads' stacks%s",
                                          (unsigned long long)info.threads, on);
    else
        note.reading.n = (size_t)snprintf(reading, sizeof(reading),
                                      "%llu threads%s; %llu runtime goroutines left out%s",
                                      (unsigned long long)info.threads, on,
                                      (unsigned long long)info.system_goroutines,
                                      info.inlining ? "" : "; inlined calls not expanded");
    note.reading.p = reading;
    gmx_findings_add_input(findings, &note);
    int rc = EXIT_OK;
    gmx_goroutine_options aopts = { .include_healthy = cli_opt(self, args, "all")->set };
    ropts.show_healthy = aopts.include_healthy;
    ropts.max_frames = (unsigned)cli_opt(self, args, "frames")->num;
    char *text = NULL;
    size_t len = 0;
    unsigned heap_rows = (unsigned)cli_opt(self, args, "heap-rows")->num;
    gmx_code arc = gmx_analyze_goroutines(&snap, 1, &aopts, findings, &err);
    if (arc == GMX_OK && heap_read && heap_read->retention) {
        gmx_analyze_core_retention(heap_read->retention, findings);
        if (gmx_findings_failed(findings))
            arc = gmx_error_set(&err, GMX_ENOMEM, "out of memory");
    }
    if (arc != GMX_OK ||
        (json ? gmx_render_core_json(findings, heap_read, heap_err.message, &ropts, &text, &len, &err)
              : gmx_render_core_text(findings, heap_read, heap_err.message, heap_rows, &ropts,
                                     &text, &len, &err)) != GMX_OK) {
        rc = cli_report_error(&err);
    } else {
        fwrite(text, 1, len, stdout);
        gmx_render_free(text);
        const char *html = cli_opt(self, args, "html")->str;
        if (html) {
            char *page = NULL;
            gmx_code r = gmx_render_goroutines_html(findings, &snap, 1, &ropts, &page, &len, &err);
            rc = cli_write_html(html, r, page, len, &err);
        }
    }
    gmx_findings_free(findings);
    gmx_core_heap_release(&heap);
    gmx_gsnapshot_release(&snap);
    return rc;
}

const cli_command cmd_core = {
    .name = "core",
    .summary = "Find leaking goroutines in a Go core dump, read with its binary.",
    .usage = "CORE BINARY [--json|--markdown] [--lang en|zh] [--all] [--html FILE]",
    .description =
        "Reads the goroutines of a Go program's core dump (from the kernel or gcore;\n"
        "Go 1.19 to 1.27, linux/amd64) with the executable that produced it: the\n"
        "binary's build ID must match the core's. Stacks are unwound with the\n"
        "binary's .gopclntab, runtime structures read through its DWARF, so the\n"
        "binary needs its symbol table and DWARF (not built with -s or -w). The\n"
        "goroutines are grouped, classified and ranked as a goroutine dump's are.\n"
        "The heap section counts the allocated objects of every in-use span (Go\n"
        "type from malloc headers on Go 1.22+, else size class) beside the\n"
        "runtime's own heap-in-use and live-heap counters read from the same core.",
    .options = options,
    .min_pos = 2,
    .max_pos = 2,
    .run = run,
};
