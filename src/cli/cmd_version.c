#include "cli.h"
#include "gomemdx/version.h"

static int run(const cli_command *self, const cli_args *args)
{
    (void)self;
    (void)args;
    printf("gomemdx %s\n", gmx_version());
    return EXIT_OK;
}

const cli_command cmd_version = {
    .name = "version",
    .summary = "Print the version of gomemdx.",
    .usage = "",
    .options = NULL,
    .min_pos = 0,
    .max_pos = 0,
    .run = run,
};
