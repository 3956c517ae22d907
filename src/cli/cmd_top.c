#include "cli.h"
#include "gomemdx/html.h"
#include "gomemdx/report.h"
#include "html_arg.h"
#include "profile_args.h"
#include "report_args.h"

#include <stdlib.h>

static const cli_option options[] = {
    CLI_PROFILE_OPTIONS,
    { "cum", 0, OPT_FLAG, NULL, "sort by cumulative value" },
    { "nodecount", 'n', OPT_UINT, "N", "show at most N functions" },
    CLI_REPORT_OPTIONS,
    HTML_OPTION,
    { NULL, 0, 0, NULL, NULL }
};

static int run(const cli_command *self, const cli_args *args)
{
    cli_profiles ps;
    int rc = cli_profiles_open(self, args, &ps);
    if (rc != EXIT_OK)
        return rc;
    gmx_ptop_options o;
    gmx_ptop_options_init(&o);
    if (cli_profiles_options(self, args, &ps, &o) != EXIT_OK) {
        cli_profiles_close(&ps);
        return EXIT_USAGE;
    }
    o.cum_sort = cli_opt(self, args, "cum")->set;
    o.node_count = (unsigned)cli_opt(self, args, "nodecount")->num;
    gmx_render_options ro = { 0 };
    bool json;
    if (cli_report_style(self, args, &ro, &json) != EXIT_OK) {
        cli_profiles_close(&ps);
        return EXIT_USAGE;
    }
    gmx_error err = { 0 };
    gmx_ptop *top = NULL;
    char *text = NULL;
    size_t len = 0;
    if (gmx_ptop_compute(ps.profile, &o, &top, &err) != GMX_OK ||
        (json ? gmx_render_ptop_json(top, &text, &len, &err)
              : gmx_render_ptop_text(top, &ro, &text, &len, &err)) != GMX_OK)
        rc = cli_report_error(&err);
    else
        fwrite(text, 1, len, stdout);
    const char *html = cli_opt(self, args, "html")->str;
    if (rc == EXIT_OK && html) {
        char *page = NULL;
        size_t page_len = 0;
        gmx_code hrc = gmx_render_ptop_html(top, ps.base, &page, &page_len, &err);
        rc = cli_write_html(html, hrc, page, page_len, &err);
    }
    gmx_render_free(text);
    gmx_ptop_free(top);
    cli_profiles_close(&ps);
    return rc;
}

const cli_command cmd_top = {
    .name = "top",
    .summary = "The functions that hold or spend the most in a pprof profile, like go tool pprof "
               "-top.",
    .usage = "PROFILE [--sample-index NAME] [--cum] [-n N]"
             " [--focus RE] [--ignore RE] [--base OLD] [--binary BIN] [--json|--markdown] [--lang en|zh]"
             " [--html FILE]",
    .description =
        "Reads a pprof profile (heap, allocs, goroutine, CPU, mutex, block; gzipped\n"
        "or not) and prints flat, flat%, sum%, cum and cum% per function, exactly as\n"
        "`go tool pprof -top` does: the same default sample type (heap profiles show\n"
        "inuse_space), units, rounding, order, and nodes below 0.5% of the total\n"
        "dropped. --base subtracts an older profile, like pprof's -base. A profile\n"
        "written without function names (-symbolize=none) is named from --binary BIN.",
    .options = options,
    .min_pos = 1,
    .max_pos = 1,
    .live = "/debug/pprof/heap",
    .live_npos = 1,
    .live_option = "base",
    .live_option_path = "/debug/pprof/heap",
    .run = run,
};
