#include "cli.h"
#include "report_args.h"
#include "input_hint.h"
#include "live.h"
#include "gomemdx/escape.h"
#include "gomemdx/heap.h"
#include "gomemdx/ingest.h"
#include "gomemdx/report.h"

#include <stdio.h>
#include <string.h>

#define GMX_STRINGIFY_(x) #x
#define GMX_STRINGIFY(x) GMX_STRINGIFY_(x)

static const cli_option options[] = {
    { "profile", 'p', OPT_STRING, "FILE", "an allocs or heap profile: rank escapes by what they allocate" },
    { "json", 0, OPT_FLAG, NULL, "print the JSON findings document (schema gomemdx/1)" },
    CLI_REPORT_OPTIONS,
    CLI_LIVE_OPTIONS,
    { NULL, 0, 0, NULL, NULL }
};

/* dropped: the heap sites of this log past GMX_ESC_MAX_SITES. */
static void note_log(gmx_findings *f, const char *path, const gmx_esc_info *info,
                     uint64_t dropped)
{
    uint64_t heap = info->sites[GMX_ESC_ESCAPES] + info->sites[GMX_ESC_MOVED];
    gmx_input_note note = { 0 };
    note.name = (gmx_str){ path, strlen(path) };
    note.kind = info->format == GMX_ESCLOG_JSON ? "escape log (-json=0)"
                : info->level == 2               ? "escape log (-m=2)"
                                                 : "escape log (-m)";
    note.partial = info->partial;
    note.detail = gmx_findings_printf(f, "%llu heap site%s, %llu diagnostics%s",
                                      (unsigned long long)heap, heap == 1 ? "" : "s",
                                      (unsigned long long)info->diagnostics,
                                      dropped ? "; sites past the limit of "
                                                GMX_STRINGIFY(GMX_ESC_MAX_SITES)
                                                " distinct ones counted, not kept"
                                              : "");
    gmx_findings_add_input(f, &note);
}

static int render(const gmx_findings *f, bool json, const gmx_render_options *style)
{
    gmx_error err = { 0 };
    gmx_render_options ropts = *style;
    char *text = NULL;
    size_t len = 0;
    gmx_code r = json ? gmx_render_json(f, &ropts, &text, &len, &err)
                      : gmx_render_escape_text(f, &ropts, &text, &len, &err);
    if (r != GMX_OK)
        return cli_report_error(&err);
    fwrite(text, 1, len, stdout);
    gmx_render_free(text);
    return EXIT_OK;
}

static int run(const cli_command *self, const cli_args *args)
{
    const char *profile_path = cli_opt(self, args, "profile")->str;
    bool json;
    gmx_render_options style = { 0 };
    if (cli_report_style(self, args, &style, &json) != EXIT_OK)
        return EXIT_USAGE;
    gmx_escape_set *set = gmx_escape_set_new();
    gmx_findings *findings = gmx_findings_new();
    gmx_hsnapshot *profile = NULL;
    gmx_error err = { 0 };
    int rc = EXIT_OK;
    if (!set || !findings) {
        fprintf(stderr, "gomemdx: out of memory\n");
        rc = EXIT_INTERNAL;
        goto done;
    }
    for (int i = 0; i < args->npos; i++) {
        gmx_esc_info info;
        uint64_t dropped = gmx_escape_set_dropped(set);
        if (gmx_escape_set_load(set, args->pos[i], &info, &err) != GMX_OK) {
            rc = cli_report_input_error("escape", &err);
            goto done;
        }
        note_log(findings, args->pos[i], &info, gmx_escape_set_dropped(set) - dropped);
    }
    if (profile_path && gmx_ingest_heap_profile(profile_path, &profile, &err) != GMX_OK) {
        rc = cli_report_input_error("top", &err);
        goto done;
    }
    if (profile_path) {
        gmx_input_note note = { (gmx_str){ profile_path, strlen(profile_path) },
                                "allocation profile", 0, false, { "", 0 }, 0, { "", 0 } };
        gmx_findings_add_input(findings, &note);
    }
    if (gmx_analyze_escapes(set, profile, findings, &err) != GMX_OK) {
        rc = cli_report_error(&err);
        goto done;
    }
    rc = render(findings, json, &style);
done:
    gmx_findings_free(findings);
    gmx_hsnapshot_free(profile);
    gmx_escape_set_free(set);
    return rc;
}

const cli_command cmd_escape = {
    .name = "escape",
    .summary = "Rank compile-time heap escapes by what they really allocate.",
    .usage = "LOG... [--profile FILE] [--json|--markdown] [--lang en|zh]",
    .description =
        "Reads the compiler's escape analysis: go build -gcflags=-m or -gcflags='-m -m'\n"
        "output (build chatter is skipped), or the files of a -gcflags=-json=0,DIR log.\n"
        "Classifies each heap escape by the runbook's five causes: a pointer to a local\n"
        "returned, a pointer sent on a channel, a pointer stored in a slice, map or\n"
        "global, append/make beyond a compile-time size, a value converted to an\n"
        "interface (or \"other\", with the compiler's reason; -m=2 logs tell the most).\n"
        "With --profile (an allocs or heap profile of the same build) each escape gets\n"
        "the bytes and objects allocated at its line, costliest first; without it,\n"
        "escapes rank by cause.",
    .options = options,
    .min_pos = 1,
    .max_pos = -1,
    .live_option = "profile",
    .live_option_path = "/debug/pprof/allocs",
    .run = run,
};
