#include "cli.h"
#include "gomemdx/report.h"
#include "profile_args.h"
#include "report_args.h"

#include <stdlib.h>

static const cli_option options[] = {
    CLI_PROFILE_OPTIONS,
    { "cum", 0, OPT_FLAG, NULL, "order functions by cumulative value" },
    CLI_REPORT_OPTIONS,
    { NULL, 0, 0, NULL, NULL }
};

static int run(const cli_command *self, const cli_args *args)
{
    cli_profiles ps;
    int rc = cli_profiles_open(self, args, &ps);
    if (rc != EXIT_OK)
        return rc;
    gmx_ptop_options o;
    gmx_ptop_options_peek(&o);
    if (cli_profiles_options(self, args, &ps, &o) != EXIT_OK) {
        cli_profiles_close(&ps);
        return EXIT_USAGE;
    }
    o.cum_sort = cli_opt(self, args, "cum")->set;
    gmx_render_options ro = { 0 };
    bool json;
    if (cli_report_style(self, args, &ro, &json) != EXIT_OK) {
        cli_profiles_close(&ps);
        return EXIT_USAGE;
    }
    const char *regex = args->pos[1];
    o.edges_of = regex; /* peek prints only these rows' calls */
    gmx_error err = { 0 };
    gmx_ptop *graph = NULL;
    char *text = NULL;
    size_t len = 0;
    if (gmx_ptop_compute(ps.profile, &o, &graph, &err) != GMX_OK ||
        (json ? gmx_render_ppeek_json(graph, regex, &text, &len, &err)
              : gmx_render_ppeek_text(graph, regex, &ro, &text, &len, &err)) != GMX_OK)
        rc = cli_report_error(&err);
    else
        fwrite(text, 1, len, stdout);
    gmx_render_free(text);
    gmx_ptop_free(graph);
    cli_profiles_close(&ps);
    return rc;
}

const cli_command cmd_peek = {
    .name = "peek",
    .summary = "Callers and callees of the functions matching a regexp, like go tool pprof -peek.",
    .usage = "PROFILE REGEX [--sample-index NAME] [--cum]"
             " [--focus RE] [--ignore RE] [--base OLD] [--json|--markdown] [--lang en|zh]",
    .description =
        "For every function of a pprof profile whose name matches REGEX (POSIX\n"
        "extended), prints the functions that call it and the functions it calls,\n"
        "with the value that flows along each call, exactly as `go tool pprof -peek`\n"
        "does: nothing is trimmed, callers above the function, callees below, each\n"
        "call's share of the function's cum beside it. Fails (exit status 2) when\n"
        "nothing matches.",
    .options = options,
    .min_pos = 2,
    .max_pos = 2,
    .live = "/debug/pprof/heap",
    .live_npos = 1,
    .live_option = "base",
    .live_option_path = "/debug/pprof/heap",
    .run = run,
};
