#include "cli.h"
#include "gomemdx/profile.h"
#include "gomemdx/ptop.h"
#include "gomemdx/report.h"

#include <stdlib.h>

static const cli_option options[] = {
    { "sample-index", 'i', OPT_STRING, "NAME", "sample type to show (default: the profile's default)" },
    { "cum", 0, OPT_FLAG, NULL, "sort by cumulative value" },
    { "nodecount", 'n', OPT_UINT, "N", "show at most N functions" },
    { "focus", 'f', OPT_STRING, "RE", "only samples with a frame matching RE (POSIX extended)" },
    { "ignore", 0, OPT_STRING, "RE", "drop samples with a frame matching RE" },
    { "base", 'b', OPT_STRING, "OLD", "subtract an older profile of the same kind" },
    { "json", 0, OPT_FLAG, NULL, "print JSON instead of text" },
    { NULL, 0, 0, NULL, NULL }
};

static int run(const cli_command *self, const cli_args *args)
{
    gmx_error err = { 0 };
    gmx_profile *p = NULL, *base = NULL;
    gmx_ptop *top = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = EXIT_OK;
    const char *base_path = cli_opt(self, args, "base")->str;
    if (gmx_profile_open(args->pos[0], 0, &p, &err) != GMX_OK ||
        (base_path && gmx_profile_open(base_path, 0, &base, &err) != GMX_OK)) {
        rc = cli_report_error(&err);
        goto done;
    }
    gmx_ptop_options o;
    gmx_ptop_options_init(&o);
    o.sample_index = cli_opt(self, args, "sample-index")->str;
    o.cum_sort = cli_opt(self, args, "cum")->set;
    o.node_count = (unsigned)cli_opt(self, args, "nodecount")->num;
    o.focus = cli_opt(self, args, "focus")->str;
    o.ignore = cli_opt(self, args, "ignore")->str;
    o.base = base;
    bool json = cli_opt(self, args, "json")->set;
    if (gmx_ptop_compute(p, &o, &top, &err) != GMX_OK ||
        (json ? gmx_render_ptop_json(top, &text, &len, &err)
              : gmx_render_ptop_text(top, &text, &len, &err)) != GMX_OK) {
        rc = cli_report_error(&err);
        goto done;
    }
    fwrite(text, 1, len, stdout);
done:
    gmx_render_free(text);
    gmx_ptop_free(top);
    gmx_profile_free(p);
    gmx_profile_free(base);
    return rc;
}

const cli_command cmd_top = {
    .name = "top",
    .summary = "The functions that hold or spend the most in a pprof profile, like go tool pprof -top.",
    .usage = "PROFILE [--sample-index NAME] [--cum] [-n N] [--focus RE] [--ignore RE] [--base OLD] [--json]",
    .description =
        "Reads a pprof profile (heap, allocs, goroutine, CPU, mutex, block; gzipped\n"
        "or not) and prints flat, flat%, sum%, cum and cum% per function, exactly as\n"
        "`go tool pprof -top` does: the same default sample type (heap profiles show\n"
        "inuse_space), units, rounding, order, and nodes below 0.5% of the total\n"
        "dropped. --base subtracts an older profile, like pprof's -base.",
    .options = options,
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
