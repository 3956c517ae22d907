#include "cli.h"
#include "gomemdx/bundle.h"
#include "gomemdx/diagnose.h"
#include "gomemdx/events.h"
#include "gomemdx/input.h"
#include "gomemdx/report.h"

#include <string.h>

static const cli_option options[] = {
    { "limit", 'l', OPT_SIZE, "SIZE", "the process's memory limit (512MiB, 2G), for the forecast" },
    { "events", 'e', OPT_STRING, "FILE", "releases and config/ops changes, CSV or JSON (time,kind,description)" },
    { "json", 0, OPT_FLAG, NULL, "print the JSON findings document with the timeline and forecast" },
    { "markdown", 0, OPT_FLAG, NULL, "print Markdown, to paste into an incident ticket" },
    { "lang", 0, OPT_STRING, "en|zh", "language of headings and advice (default en)" },
    { "all", 'a', OPT_FLAG, NULL, "also show healthy and info-level findings" },
    { NULL, 0, 0, NULL, NULL }
};

static int render(const gmx_diagnosis *d, const cli_command *self, const cli_args *args)
{
    bool json = cli_opt(self, args, "json")->set;
    const char *lang = cli_opt(self, args, "lang")->str;
    gmx_render_options ro = { 0 };
    ro.markdown = cli_opt(self, args, "markdown")->set;
    ro.color = !json && !ro.markdown && cli_use_color();
    ro.show_healthy = cli_opt(self, args, "all")->set;
    ro.zh = lang && strcmp(lang, "zh") == 0;
    char *text;
    size_t len;
    gmx_error err;
    gmx_code rc = json ? gmx_render_diagnosis_json(d, &ro, &text, &len, &err)
                       : gmx_render_diagnosis_text(d, &ro, &text, &len, &err);
    if (rc != GMX_OK)
        return cli_report_error(&err);
    fwrite(text, 1, len, stdout);
    gmx_render_free(text);
    return EXIT_OK;
}

static int run(const cli_command *self, const cli_args *args)
{
    const char *lang = cli_opt(self, args, "lang")->str;
    if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "zh") != 0)
        return cli_usage_error(self, "--lang is en or zh, not '%s'", lang);
    if (cli_opt(self, args, "json")->set && cli_opt(self, args, "markdown")->set)
        return cli_usage_error(self, "--json and --markdown exclude each other");
    gmx_bundle *bundle = NULL;
    gmx_diagnosis *d = NULL;
    gmx_events *events = NULL;
    gmx_error err;
    gmx_diagnose_options opts = { 0 };
    const char *events_path = cli_opt(self, args, "events")->str;
    if (events_path) {
        gmx_input *in = NULL;
        gmx_code erc = gmx_input_open(events_path, &in, &err);
        if (erc == GMX_OK)
            erc = gmx_events_parse(events_path, gmx_input_data(in), gmx_input_size(in), &events, &err);
        gmx_input_free(in);
        if (erc != GMX_OK)
            return cli_report_error(&err);
        opts.events = events;
    }
    opts.limit_bytes = cli_opt(self, args, "limit")->num;
    opts.include_healthy = cli_opt(self, args, "all")->set;
    int rc;
    if (gmx_bundle_load((const char *const *)args->pos, (size_t)args->npos, NULL, &bundle, &err) !=
            GMX_OK ||
        gmx_diagnose(bundle, &opts, &d, &err) != GMX_OK)
        rc = cli_report_error(&err);
    else
        rc = render(d, self, args);
    gmx_diagnosis_free(d);
    gmx_bundle_free(bundle);
    gmx_events_free(events);
    return rc;
}

const cli_command cmd_diagnose = {
    .name = "diagnose",
    .summary = "Walk the memory runbook over an incident: goroutines, heap growth, forecast, actions.",
    .usage = "PATH... [--limit SIZE] [--events FILE] [--json|--markdown] [--lang en|zh] [--all]",
    .description =
        "Reads every file under PATH (files and folders, any mix of goroutine dumps,\n"
        "goroutine and heap profiles), recognises each by its content, orders them in\n"
        "time and reports in the runbook's order: when growth began, which goroutines\n"
        "pile up and why, which allocation sites keep growing and how fast, other\n"
        "causes of OOM, when memory reaches --limit, and an ordered list of actions:\n"
        "mitigate now, fix in code, verify after the fix. Files that are not evidence\n"
        "are listed as skipped, never fatal.",
    .options = options,
    .min_pos = 1,
    .max_pos = -1,
    .run = run,
};
