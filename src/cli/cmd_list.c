#include "cli.h"
#include "gomemdx/plist.h"
#include "gomemdx/report.h"
#include "profile_args.h"
#include "report_args.h"

#include <stdlib.h>

static const cli_option options[] = {
    CLI_PROFILE_OPTIONS,
    { "source", 0, OPT_STRING, "DIRS",
      "where the source files are: ':'-separated directories (default: .)" },
    { "trim-path", 0, OPT_STRING, "PREFIXES",
      "':'-separated prefixes to cut from the profile's file paths" },
    CLI_REPORT_OPTIONS,
    { NULL, 0, 0, NULL, NULL }
};

static int run(const cli_command *self, const cli_args *args)
{
    cli_profiles ps;
    int rc = cli_profiles_open(self, args, &ps);
    if (rc != EXIT_OK)
        return rc;
    gmx_ptop_options common;
    gmx_ptop_options_init(&common);
    if (cli_profiles_options(self, args, &ps, &common) != EXIT_OK) {
        cli_profiles_close(&ps);
        return EXIT_USAGE;
    }
    gmx_plist_options o = {
        .regex = args->pos[1],
        .sample_index = common.sample_index,
        .focus = common.focus,
        .ignore = common.ignore,
        .base = common.base,
        .source = { cli_opt(self, args, "source")->str, cli_opt(self, args, "trim-path")->str },
    };
    gmx_render_options ro = { 0 };
    bool json;
    if (cli_report_style(self, args, &ro, &json) != EXIT_OK) {
        cli_profiles_close(&ps);
        return EXIT_USAGE;
    }
    gmx_error err = { 0 };
    gmx_plist *listing = NULL;
    char *text = NULL;
    size_t len = 0;
    gmx_source_cache *sources = gmx_source_cache_new(&o.source);
    gmx_source_lines lines = gmx_source_cache_lines(sources);
    if (!sources)
        rc = cli_report_error(&(gmx_error){ .code = GMX_ENOMEM });
    else if (gmx_plist_compute(ps.profile, &o, &listing, &err) != GMX_OK ||
             (json ? gmx_render_plist_json(listing, &text, &len, &err)
                   : gmx_render_plist_text(listing, &lines, &ro, &text, &len, &err)) != GMX_OK)
        rc = cli_report_error(&err);
    else
        fwrite(text, 1, len, stdout);
    gmx_render_free(text);
    gmx_source_cache_free(sources);
    gmx_plist_free(listing);
    cli_profiles_close(&ps);
    return rc;
}

const cli_command cmd_list = {
    .name = "list",
    .summary = "Values per source line of the functions matching a regexp, like go tool pprof -list.",
    .usage = "PROFILE REGEX [--source DIRS] [--trim-path PREFIXES] [--sample-index NAME]"
             " [--focus RE] [--ignore RE] [--base OLD] [--json|--markdown] [--lang en|zh]",
    .description =
        "For every function of a pprof profile whose name matches REGEX (POSIX\n"
        "extended), prints flat and cum per source line beside the source text,\n"
        "from the function's first line to 5 lines past its last sampled one,\n"
        "exactly as `go tool pprof -list` does. Source files are found as pprof\n"
        "finds them: --source is its -source_path (the current directory by\n"
        "default), --trim-path its -trim_path. A file that cannot be found gets\n"
        "pprof's error line, then its sampled lines with their values and no text.\n"
        "Fails (exit status 2) when no function matches.",
    .options = options,
    .min_pos = 2,
    .max_pos = 2,
    .live = "/debug/pprof/heap",
    .live_npos = 1,
    .live_option = "base",
    .live_option_path = "/debug/pprof/heap",
    .run = run,
};
